"""A progress Dataset given as it is (not read from a file): checked like a file, in one order.

:func:`~longjiang_forecast.read_progress` checks every row of a file or DataFrame; a Dataset
handed to :func:`~longjiang_forecast.forecast` was taken as it came, so a negative count, an
infinite value or a region listed twice was forecast as if reported, and the same reports in
another order of the coordinates gave other numbers (the reference years are read in the data's
order). :func:`checked_progress` refuses what the reader refuses of the values, and puts the
coordinates in the reader's order (indicators as in the catalogue; the province, then the
catalogue's regions; months rising), so that the order a Dataset comes in does not change a
forecast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._core.problems import Problems
from .._core.schema import INDICATOR, MONTH, PROVINCE, REGION
from ._reader import _indicator_info, _region_order

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Problems named one by one in a message; the rest are counted.
_SHOWN = 5

_FIX = (
    "Read the data with lf.read_progress(file_or_dataframe, catalog), which makes this Dataset, or "
    "correct the values named."
)


def checked_progress(progress: xr.Dataset, catalog: Catalog) -> xr.Dataset:
    """Check a progress Dataset's form and values; return it with its coordinates in the reader's order.

    Parameters
    ----------
    progress : xarray.Dataset
        Variable ``value`` (float, the reported figure in the indicator's unit; NaN where not
        reported) with dims (``indicator``, ``region``, ``month``); ``month`` the first day of
        each month (datetime64), as :func:`~longjiang_forecast.read_progress` makes it.
    catalog : Catalog
        The catalogue the indicators and regions must belong to.

    Returns
    -------
    xarray.Dataset
        ``progress`` itself where it is already in order (the reader's Datasets), else reordered
        (indicators in the catalogue's order, then those it does not list, which the forecast
        leaves out, as a backtest's longer history holds them; the province first and then the
        catalogue's regions; months rising); the values and attributes as given.

    Raises
    ------
    DataValidationError
        Naming each problem and the fix: no ``value`` variable or other dims; an indicator,
        region or month listed twice; a region not in the catalogue; months that
        are not month starts; values that are not numbers, infinite,
        negative (except for a ``change`` indicator, whose monthly measurement must be positive)
        or outside a level indicator's bounds.
    """
    problems = Problems("progress Dataset: {n} problem{s}:")
    value = progress.data_vars.get("value")
    if value is None or set(value.dims) != {INDICATOR, REGION, MONTH}:
        got = "no variable 'value'" if value is None else f"'value' has dims {tuple(map(str, value.dims))}"
        problems.add(
            f"{got}; a progress Dataset has a variable 'value' with dims (indicator, region, month) "
            f"(its variables: {sorted(map(str, progress.data_vars))}).",
            hint=_FIX,
        )
        problems.raise_if_any()
    _check_labels(progress, catalog, problems)
    problems.raise_if_any()
    ordered = _in_order(progress, catalog)
    _check_values(ordered, catalog, problems)
    problems.raise_if_any()
    return ordered


def _check_labels(progress: xr.Dataset, catalog: Catalog, problems: Problems) -> None:
    """Duplicated or unknown labels, and months that are not datetime month starts."""
    for dim in (INDICATOR, REGION, MONTH):
        labels = pd.Index(progress[dim].values)
        twice = labels[labels.duplicated()].unique()
        if len(twice):
            problems.add(
                f"{dim} {[str(x) for x in twice[:_SHOWN]]} listed more than once: each {dim} is one "
                "row of the Dataset, so its reports would be counted twice.",
                hint=_FIX,
            )
    known_regions = {PROVINCE, *map(str, catalog.region_ids)}
    strange = sorted(set(map(str, progress[REGION].values)) - known_regions)
    if strange:
        problems.add(
            f"regions {strange[:_SHOWN]} are not regions of the catalogue (known: {sorted(known_regions)}).",
            hint=_FIX,
        )
    months = progress[MONTH].values
    if not np.issubdtype(months.dtype, np.datetime64):
        problems.add(
            f"month holds {months.dtype} values such as {months[:1].tolist()}, not dates: the month "
            "coordinate is the first day of each month (datetime64), e.g. "
            "pd.date_range('2024-01-01', periods=12, freq='MS').",
            hint=_FIX,
        )
        return
    stamps = pd.DatetimeIndex(months)
    off = stamps[stamps != stamps.to_period("M").to_timestamp()]
    if len(off):
        problems.add(
            f"month {[f'{m:%Y-%m-%d}' for m in off[:_SHOWN]]} is not the first day of a month: each "
            "month is labelled by its first day (lf.read_progress reads dates anywhere in the month); "
            "relabel with progress.assign_coords(month=progress.indexes['month'].to_period('M')"
            ".to_timestamp()).",
        )


def _in_order(progress: xr.Dataset, catalog: Catalog) -> xr.Dataset:
    """``progress`` with its coordinates in the reader's order (itself where already so)."""
    # indicators of another year of a longer list (a backtest's origins) after the catalogue's
    # own, in their order: build_state reads only the catalogue's
    rank = {i: k for k, i in enumerate(catalog.indicators)}
    last = len(rank)
    region_rank = {r: k for k, r in enumerate(_region_order(catalog))}
    indicators = sorted(map(str, progress[INDICATOR].values), key=lambda i: rank.get(i, last))
    regions_in = sorted(map(str, progress[REGION].values), key=region_rank.__getitem__)
    months = np.sort(progress[MONTH].values)
    same = list(map(str, progress[INDICATOR].values)) == indicators
    same = same and list(map(str, progress[REGION].values)) == regions_in
    if same and np.array_equal(progress[MONTH].values, months):
        return progress
    return progress.sel({INDICATOR: indicators, REGION: regions_in, MONTH: months})


def _check_values(progress: xr.Dataset, catalog: Catalog, problems: Problems) -> None:
    """The reader's checks of the values: numbers, finite, signs and a level's bounds.

    Not the reader's scale checks (a figure beyond 1e15, or far from the target's scale): the
    library's own generators draw such series on purpose (a model's prior has heavy tails), and
    they are forecast as given.
    """
    value = progress["value"]
    if not np.issubdtype(value.dtype, np.number) or np.issubdtype(value.dtype, np.complexfloating):
        problems.add(f"'value' holds {value.dtype} values, not numbers.", hint=_FIX)
        return
    values = value.transpose(INDICATOR, REGION, MONTH).values.astype(float)
    info = _indicator_info(catalog)  # the reader's row of each indicator (its kind and bounds)
    indicators = [str(i) for i in progress[INDICATOR].values]
    kind = info["kind"].reindex(indicators).astype(str).to_numpy()[:, None, None]
    lower, upper = (
        pd.to_numeric(info[bound].reindex(indicators), errors="coerce").to_numpy(float)[:, None, None]
        for bound in ("lower_bound", "upper_bound")
    )
    level = kind == "level"
    change = "is not positive: a 'change' indicator takes the monthly measurement, not the % change"
    rules = (
        (np.isinf(values), "is infinite"),
        ((kind != "change") & (values < 0), "is negative: a count or level cannot be (check the sign)"),
        ((kind == "change") & (values <= 0), change),
        (level & ((values < lower) | (values > upper)), "is outside the indicator's bounds in the catalogue"),
    )
    months = pd.DatetimeIndex(progress[MONTH].values)
    regions = [str(r) for r in progress[REGION].values]
    for bad, why in rules:
        where = np.argwhere(bad)
        for i, r, m in where[:_SHOWN]:
            problems.add(
                f"indicator {indicators[i]!r}, region {regions[r]!r}, month {months[m]:%Y-%m}: the value "
                f"{values[i, r, m]:g} {why}."
            )
        if len(where) > _SHOWN:
            problems.add(f"... and {len(where) - _SHOWN} more value(s) that {why.split(':')[0]}.")
    if problems.items:
        problems.hints[_FIX] = None
