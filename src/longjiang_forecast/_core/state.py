"""The observed state of every series at the as-of month: what models and the simulator start from.

One row per *series* (an indicator in a region). A catalogue is sparse -- most
indicators are provincial, counts may also be split over the 13 prefectures --
so series are stacked on one ``series`` dim that carries ``indicator`` and
``region`` coordinates (see ``docs/design/001-series-dim.md``).
"""

from __future__ import annotations

import calendar
import re
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .exceptions import DataValidationError, NothingToForecastError
from .schema import DRAW, MONTH, PROVINCE, SERIES

#: Days in each month of a year, used to weight monthly means into an annual mean.


def month_days(year: int) -> np.ndarray:
    """Return the number of days of each month of ``year``, shape (12,), int."""
    return np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)])


def draw_coords(state: xr.Dataset, n_draws: int) -> dict[str, Any]:
    """Coordinates of a (draw, series, month) object built on ``state``'s series.

    Returns
    -------
    dict
        ``draw`` (0..n_draws-1), ``series``, ``indicator`` and ``region`` along
        ``series``, and ``month``.
    """
    return {
        DRAW: np.arange(n_draws),
        SERIES: state[SERIES].values,
        "indicator": (SERIES, state["indicator"].values),
        "region": (SERIES, state["region"].values),
        MONTH: state[MONTH].values,
    }


def with_series_labels(ds: xr.Dataset, state: xr.Dataset, fields: tuple[str, ...] = ()) -> xr.Dataset:
    """Return ``ds`` with the ``indicator``/``region`` coordinates of ``state`` and copies of ``fields``.

    Parameters
    ----------
    ds : xarray.Dataset
        A result with a ``series`` dim matching ``state``.
    state : xarray.Dataset
        The observed state the result was computed from.
    fields : tuple of str
        State variables along ``series`` to copy (target, unit, names, ...).
    """
    out = ds.assign_coords({name: (SERIES, state[name].values) for name in ("indicator", "region")})
    for name in fields:
        out[name] = state[name]
    return out


def parse_month(value: Any, *, name: str = "as_of") -> pd.Timestamp:
    """Parse ``'YYYY-MM'`` (or a Timestamp) into the first day of that month.

    Raises
    ------
    DataValidationError
        If the value is not a month in ``YYYY-MM`` form (a month number
        outside 01-12 is named as such).
    """
    if isinstance(value, pd.Timestamp):
        return value.to_period("M").to_timestamp()
    text = str(value).strip()
    number = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if number and not 1 <= int(number[2]) <= 12:  # say what is wrong, not only the form
        year = number[1]
        raise DataValidationError(
            f"{text!r} has month number {int(number[2])}; the month must be 01-12 (e.g. {year}-12 for "
            f"December {year}): the '{name}' parameter must be a month written YYYY-MM."
        )
    try:
        period = pd.Period(text, freq="M")
    except (ValueError, TypeError) as err:
        raise DataValidationError(
            f"The '{name}' parameter must be a month written YYYY-MM (e.g. 2024-08). Got {value!r}."
        ) from err
    if len(text) != 7 or text[4] != "-":
        raise DataValidationError(
            f"The '{name}' parameter must be a month written YYYY-MM (e.g. 2024-08). Got {value!r}."
        )
    return period.to_timestamp()


def deadline_month(deadline: pd.Timestamp) -> int:
    """Return the month (1-12) whose end-of-month report is the last one on or before ``deadline``.

    Progress is reported at month ends, so a mid-month deadline (20 October,
    the start of the heating period) is judged on the report of the month
    before (30 September): the conservative reading. A deadline on the last
    day of a month is judged on that month's report. Returns 0 when the
    deadline falls in January before its last day.
    """
    deadline = pd.Timestamp(deadline)
    last_day = calendar.monthrange(deadline.year, deadline.month)[1]
    return int(deadline.month if deadline.day == last_day else deadline.month - 1)


def build_state(progress: xr.Dataset, catalog: Any, as_of: Any = None) -> xr.Dataset:
    """Collect, for each series of the forecast year, its target and what was observed by ``as_of``.

    Parameters
    ----------
    progress : xarray.Dataset
        From :func:`longjiang_forecast.read_progress`: variable ``value`` with
        dims (indicator, region, month); months of earlier years are history.
    catalog : Catalog
        The catalogue the progress refers to.
    as_of : str or pandas.Timestamp, optional
        The month of the forecast (``YYYY-MM``). Defaults to the latest month
        with a reported value. Values after it must not be in ``progress``.

    Returns
    -------
    xarray.Dataset
        dims ``series``, ``month`` (the 12 months of the as-of year). Variables:
        ``observed`` (series, month), value reported in the forecast year up to
        ``as_of``, NaN where not reported; per series ``target``, ``comparator``,
        ``kind``, ``unit``, ``family``, ``deadline`` (date), ``deadline_month``
        (1-12, see :func:`deadline_month`), ``lower_bound``, ``upper_bound``,
        ``baseline``, ``last_month`` (0-12, month of the latest report; 0 if none)
        and ``last_value`` (the latest reported value, NaN if none), ``population``
        (persons, 2020 census; NaN for the province), the weight of a prefecture
        in province totals of ratios.
        Coordinates ``indicator`` and ``region`` along ``series``.
        attrs: ``year``, ``as_of``.

    Raises
    ------
    DataValidationError
        If ``progress`` holds values after ``as_of``, or no series of the
        as-of year can be found.
    """
    values = progress["value"]
    months = pd.DatetimeIndex(values[MONTH].values)
    if as_of is None:
        reported = values.notnull().any(dim=("indicator", "region")).values
        if not reported.any():
            raise DataValidationError(
                "The progress data holds no reported value; cannot infer the as-of month. "
                "Add reported values or pass as_of='YYYY-MM'."
            )
        as_of_ts = months[reported][-1]
    else:
        as_of_ts = parse_month(as_of)
        later = values.sel(month=months[months > as_of_ts])
        if later.size and bool(later.notnull().any()):
            first = pd.Timestamp(later[MONTH].values[later.notnull().any(("indicator", "region")).values][0])
            raise DataValidationError(
                f"The progress data has values after the as-of month {as_of_ts:%Y-%m} "
                f"(first at {first:%Y-%m}). A forecast as of a month must not see later reports: "
                "pass a later as_of or remove those rows."
            )
    year = as_of_ts.year
    table = catalog.table
    forecastable = table["forecastable"].astype(bool)
    rows = table[(table["year"] == year) & forecastable]
    # A catalogue row is forecast only when its family has reports in that region (this year or
    # earlier ones): a forecast from the plan alone would look like a result and is not one.
    family_of = dict(zip(table["indicator"], table["family"], strict=False))
    reported_ever = values.notnull().any(MONTH)
    reported_families = {
        (family_of.get(str(i), str(i)), str(r))
        for i in values["indicator"].values
        for r in values["region"].values
        if bool(reported_ever.sel(indicator=i, region=r))
    }
    pairs: list[tuple[str, str]] = [
        (r.indicator, r.region) for r in rows.itertuples() if (r.family, r.region) in reported_families
    ]
    # Prefecture rows reported for an indicator whose catalogue row is provincial only
    # (its target is then split, see Catalog.target_for).
    known = set(rows["indicator"])
    this_year = values.sel(month=months[(months.year == year) & (months <= as_of_ts)])
    reported_any = this_year.notnull().any(MONTH)
    for ind in values["indicator"].values:
        for reg in values["region"].values:
            if ind in known and (ind, reg) not in pairs and bool(reported_any.sel(indicator=ind, region=reg)):
                pairs.append((str(ind), str(reg)))
    if not pairs:
        raise NothingToForecastError(
            f"No forecastable indicator of year {year} in the catalogue ({catalog.source}) "
            f"for the as-of month {as_of_ts:%Y-%m}. Check the catalogue year or the as_of month."
        )
    n = len(pairs)
    # 2020 census population of each prefecture: the weights of province totals of ratios.
    population = dict(
        zip(catalog.regions["region"], catalog.regions["population_2020"].astype(float), strict=True)
    )
    year_months = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    current = values.reindex(month=year_months).where(
        xr.DataArray(year_months <= as_of_ts, dims=MONTH, coords={MONTH: year_months})
    )
    observed = np.full((n, 12), np.nan)
    fields: dict[str, list[Any]] = {
        k: []
        for k in (
            "target",
            "comparator",
            "kind",
            "unit",
            "family",
            "deadline",
            "lower_bound",
            "upper_bound",
            "baseline",
            "name_en",
            "name_zh",
            "target_basis",
        )
    }
    # the plans of the forecast year (a catalogue may hold earlier years' plans too)
    in_year = table[table["year"] == year]
    for i, (ind, reg) in enumerate(pairs):
        row = catalog.row(ind, PROVINCE if not _has_row(in_year, ind, reg) else reg, year=year)
        for key in fields:
            fields[key].append(row[key] if key in row.index else "")
        fields["target"][-1] = float(catalog.target_for(ind, reg, year=year))
        if not _has_row(in_year, ind, reg):
            fields["target_basis"][-1] = f"split of the provincial target ({reg})"
        if ind in values["indicator"].values and reg in values["region"].values:
            observed[i] = current.sel(indicator=ind, region=reg).values
    reported = np.isfinite(observed)
    last_month = np.where(reported.any(axis=1), 12 - np.argmax(reported[:, ::-1], axis=1), 0)
    last_value = np.array([observed[i, m - 1] if m > 0 else np.nan for i, m in enumerate(last_month)])
    deadlines = pd.DatetimeIndex(fields["deadline"])
    state = xr.Dataset(
        {
            "observed": ((SERIES, MONTH), observed),
            "last_month": (SERIES, last_month.astype(int)),
            "last_value": (SERIES, last_value),
            "deadline_month": (SERIES, np.array([deadline_month(d) for d in deadlines], int)),
            **{
                key: (SERIES, np.asarray(vals, dtype=float if key in _FLOATS else object))
                for key, vals in fields.items()
                if key != "deadline"
            },
            "deadline": (SERIES, deadlines.values),
            "population": (SERIES, np.array([population.get(p[1], np.nan) for p in pairs], float)),
        },
        coords={
            SERIES: np.arange(n),
            "indicator": (SERIES, np.array([p[0] for p in pairs], dtype=object)),
            "region": (SERIES, np.array([p[1] for p in pairs], dtype=object)),
            MONTH: year_months.values,
        },
        attrs={"year": year, "as_of": f"{as_of_ts:%Y-%m}"},
    )
    return state


_FLOATS = ("target", "lower_bound", "upper_bound", "baseline")


def _has_row(table: pd.DataFrame, indicator: str, region: str) -> bool:
    return bool(((table["indicator"] == indicator) & (table["region"] == region)).any())
