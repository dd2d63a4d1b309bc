"""The observed state of every series at the as-of month: what models and the simulator start from.

One row per *series* (an indicator in a region). A catalogue is sparse -- most
indicators are provincial, counts may also be split over the 13 prefectures --
so series are stacked on one ``series`` dim that carries ``indicator`` and
``region`` coordinates (see ``docs/design/001-series-dim.md``).
"""

from __future__ import annotations

import calendar
import re
import warnings
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .exceptions import DataValidationError, ForecastWarning, NothingToForecastError
from .province import (
    AGREEMENT_RTOL,
    NOT_TOTALLED_KINDS,
    ProvinceRows,
    province_members,
    province_weights,
    total_of,
)
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


def append_series(ds: xr.Dataset, values: dict[str, Any], n_new: int) -> xr.Dataset:
    """Return ``ds`` with ``n_new`` series appended, their variables from ``values``.

    Parameters
    ----------
    ds : xarray.Dataset
        A state, parameter draws or summary with a ``series`` dim and
        ``indicator``/``region`` coordinates along it.
    values : dict of str to array_like
        Values of the new series, series first (shape ``(n_new, ...)`` with
        the variable's other dims in their order in ``ds``), for the
        ``indicator`` and ``region`` coordinates and any variables along
        ``series``; a variable not given is NaN (floats), "" (text), 0
        (integers) or NaT (dates) for the new series.
    n_new : int

    Returns
    -------
    xarray.Dataset
        ``series`` numbered on from ``ds``'s; attrs kept.
    """
    n = ds.sizes[SERIES]
    data: dict[Hashable, Any] = {}
    for name, var in ds.data_vars.items():
        if SERIES not in var.dims:
            data[name] = var
            continue
        axis = var.get_axis_num(SERIES)
        old = np.asarray(var.values)
        shape = (n_new, *np.delete(old.shape, axis))
        if name in values:
            new = np.broadcast_to(np.asarray(values[name]), shape).astype(old.dtype)
        else:
            new = np.full(shape, _blank(old.dtype), dtype=old.dtype)
        data[name] = (var.dims, np.concatenate([old, np.moveaxis(new, 0, axis)], axis=axis), var.attrs)
    coords: dict[Hashable, Any] = {k: v for k, v in ds.coords.items() if SERIES not in v.dims}
    coords[SERIES] = np.arange(n + n_new)
    for name in ("indicator", "region"):
        coords[name] = (SERIES, np.concatenate([ds[name].values, np.asarray(values[name], dtype=object)]))
    return xr.Dataset(data, coords=coords, attrs=ds.attrs)


def _blank(dtype: np.dtype) -> Any:
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind in "iub":
        return 0
    if dtype.kind == "M":
        return np.datetime64("NaT")
    return ""


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

    A series is a catalogue row (or a prefecture reported for a province-only
    row, with the split target) whose family has reports in its region. A
    province row whose province has no report of its own in the forecast year
    while its prefectures have reports is left out, and its prefectures are
    all in: it is forecast from their joint paths
    (:func:`province_from_prefectures`, see ``docs/simulation.md``).

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
    indicators, regions = values["indicator"].values, values["region"].values
    by_cell = values.transpose("indicator", "region", MONTH)
    ever = np.isfinite(by_cell.values).any(axis=2)  # (indicator, region)
    reported_families = {
        (family_of.get(str(indicators[i]), str(indicators[i])), str(regions[r]))
        for i, r in zip(*np.nonzero(ever), strict=True)
    }
    this_year = by_cell.sel(month=months[(months.year == year) & (months <= as_of_ts)])
    reported_any = this_year.notnull().any(MONTH)
    reported_now = reported_any.values  # (indicator, region)
    # A province row whose province has not reported this year while its prefectures have reports
    # is forecast from their joint paths (province_from_prefectures), not as a series of its own.
    totalled = _totalled_provinces(catalog, rows, reported_any, reported_families, family_of)
    pairs: list[tuple[str, str]] = [
        (r.indicator, r.region)
        for r in rows.itertuples()
        if (r.family, r.region) in reported_families
        and not (r.region == PROVINCE and r.indicator in totalled)
    ]
    # Prefecture rows reported for an indicator whose catalogue row is provincial only
    # (its target is then split, see Catalog.target_for); for a province totalled from its
    # prefectures, every prefecture with reports of the family, as with explicit prefecture rows.
    known = set(rows["indicator"])
    listed = set(pairs)
    for i, ind in enumerate(indicators):
        if ind not in known:
            continue
        family = family_of.get(str(ind), str(ind))
        members = totalled.get(ind, ())
        for r, reg in enumerate(regions):
            if (ind, reg) in listed:
                continue
            if reported_now[i, r] or (reg in members and (family, reg) in reported_families):
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
    current = (
        by_cell.reindex(month=year_months)
        .where(xr.DataArray(year_months <= as_of_ts, dims=MONTH, coords={MONTH: year_months}))
        .values
    )
    at_indicator = {str(v): k for k, v in reversed(list(enumerate(indicators)))}
    at_region = {str(v): k for k, v in reversed(list(enumerate(regions)))}
    observed = np.full((n, 12), np.nan)
    fields: dict[str, list[Any]] = {k: [] for k in _FIELDS}
    rows_read: dict[tuple[str, str], dict[str, Any]] = {}
    for i, (ind, reg) in enumerate(pairs):
        for key, value in _series_fields(catalog, ind, reg, year, rows_read).items():
            fields[key].append(value)
        if ind in at_indicator and reg in at_region:
            observed[i] = current[at_indicator[ind], at_region[reg]]
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

#: State fields taken from the catalogue row of a series.
_FIELDS = (
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


def _series_fields(
    catalog: Any, indicator: str, region: str, year: int, rows_read: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, Any]:
    """The catalogue fields of a series in ``year``; a region without a row of its own gets the split target.

    A catalogue may hold earlier years' plans too: the rows of the forecast year are used.
    ``rows_read`` keeps the fields of each catalogue row read (the provincial row of a split
    indicator serves all its regions).
    """
    own = catalog.has_row(indicator, region, year)
    key = (indicator, region if own else PROVINCE)
    if key not in rows_read:
        row = catalog.row(indicator, key[1], year=year)
        rows_read[key] = {name: row[name] if name in row.index else "" for name in _FIELDS}
    out = dict(rows_read[key])
    out["target"] = float(catalog.target_for(indicator, region, year=year))
    if not own:
        out["target_basis"] = f"split of the provincial target ({region})"
    return out


def _totalled_provinces(
    catalog: Any,
    rows: pd.DataFrame,
    reported_any: xr.DataArray,
    reported_families: set[tuple[str, str]],
    family_of: dict[str, str],
) -> dict[str, list[str]]:
    """Province rows to total from their prefectures: indicator -> its prefectures.

    The province has no report in the forecast year and some of its prefectures
    (:func:`~longjiang_forecast._core.province.province_members`) have reports
    of the family.
    """
    regions = set(map(str, reported_any["region"].values))
    indicators = set(map(str, reported_any["indicator"].values))
    out: dict[str, list[str]] = {}
    province_rows = rows[(rows["region"] == PROVINCE) & ~rows["kind"].isin(NOT_TOTALLED_KINDS)]
    for row in province_rows.itertuples():
        ind = str(row.indicator)
        if (
            ind in indicators
            and PROVINCE in regions
            and bool(reported_any.sel(indicator=ind, region=PROVINCE))
        ):
            continue
        members = province_members(catalog, ind, int(row.year))
        family = family_of.get(ind, ind)
        if any((family, m) in reported_families for m in members):
            out[ind] = members
    return out


def province_from_prefectures(
    state: xr.Dataset, catalog: Any, *, reason: np.ndarray | None = None
) -> ProvinceRows | None:
    """Province rows forecast from their prefectures, and the check of provinces that report too.

    A province catalogue row of the state's year that :func:`build_state` left
    out (its province has not reported that year; its prefectures have) gets a
    row here: its paths are, draw by draw and month by month, the total of its
    prefectures' paths (:func:`~longjiang_forecast._core.province.province_weights`:
    the sum for counts, the population-weighted mean otherwise), and its
    ``observed`` the total of their reports. In a month that some prefecture
    has not reported (a ragged edge) ``observed`` is NaN, ``last_month`` is the
    last month every prefecture reported, and ``basis`` and a warning name the
    prefectures and months; its paths there use those prefectures' simulated
    values. A row whose prefecture has no series or no forecast has none
    either, and ``reason`` says why: a partial total is never shown as the
    province's.

    Where the province reports as well as all its prefectures, the province's
    own reports are forecast (the official figure; it may count units outside
    the prefectures), and a warning names the months where they differ from
    the prefectures' total by more than
    :data:`~longjiang_forecast._core.province.AGREEMENT_RTOL` (0.5 %) of the
    province's figure, with both figures.

    Parameters
    ----------
    state : xarray.Dataset
        From :func:`build_state`.
    catalog : Catalog
        The catalogue the state was built from.
    reason : ndarray of str of shape (n_series,), optional
        Why a series of ``state`` has no forecast ("" where it has one).

    Returns
    -------
    ProvinceRows or None
        The province rows (their state fields, weights over the state's
        series, ``basis`` and ``reason``); None when there is none.

    Warns
    -----
    ForecastWarning
        Where a prefecture has not reported a month of a province row; where a
        province's own report disagrees with its prefectures' total (naming
        the indicator, the month and both figures), or its own reports end
        before its prefectures'.
    """
    year = int(state.attrs["year"])
    n_series = state.sizes[SERIES]
    reason = np.full(n_series, "", dtype=object) if reason is None else np.asarray(reason, dtype=object)
    labels = zip(state["indicator"].values.astype(str), state["region"].values.astype(str), strict=True)
    where = {pair: s for s, pair in enumerate(labels)}
    table = catalog.table
    rows = table[
        (table["year"] == year)
        & (table["region"] == PROVINCE)
        & table["forecastable"].astype(bool)
        & ~table["kind"].isin(NOT_TOTALLED_KINDS)
    ]
    records: list[dict[str, Any]] = []
    for row in rows.itertuples():
        ind = str(row.indicator)
        members = province_members(catalog, ind, year)
        idx = np.array([where.get((ind, m), -1) for m in members], dtype=int)
        if idx.size == 0 or (idx < 0).all():
            continue  # no prefecture data: nothing to total
        if (ind, PROVINCE) in where:
            if (idx >= 0).all():
                _check_agreement(state, ind, where[(ind, PROVINCE)], idx)
            continue
        records.append(_province_row(state, catalog, ind, members, idx, reason))
    if not records:
        return None
    late: dict[str, list[str]] = {}
    for rec in records:
        if rec["late"]:
            late.setdefault(rec["late"], []).append(str(rec["fields"]["indicator"]))
    if late:
        named = "; ".join(f"{', '.join(inds)}: {text}" for text, inds in late.items())
        warnings.warn(
            f"Province rows forecast from their prefectures, some of which have not reported every month: "
            f"{named}. Their paths use those prefectures' simulated values there; their observed value is "
            "that of the last month every prefecture reported.",
            ForecastWarning,
            stacklevel=2,
        )
    weights = np.zeros((len(records), n_series))
    for i, rec in enumerate(records):
        weights[i, rec["members"]] = rec["weights"]
    keys = records[0]["fields"]
    return ProvinceRows(
        fields={key: np.array([rec["fields"][key] for rec in records]) for key in keys},
        weights=weights,
        basis=np.array([rec["basis"] for rec in records], dtype=object),
        reason=np.array([rec["reason"] for rec in records], dtype=object),
    )


def _province_row(
    state: xr.Dataset, catalog: Any, ind: str, members: list[str], idx: np.ndarray, reason: np.ndarray
) -> dict[str, Any]:
    """One province row totalled from its prefectures (see :func:`province_from_prefectures`)."""
    year = int(state.attrs["year"])
    fields = _series_fields(catalog, ind, PROVINCE, year, {})
    n = len(members)
    present = idx[idx >= 0]
    rule, weights, equal = province_weights(str(fields["kind"]), state["population"].values[present])
    observed = np.asarray(state["observed"].values, float)[present]
    total = total_of(observed, weights)
    complete = np.flatnonzero(np.isfinite(total))
    last_month = int(complete[-1] + 1) if complete.size else 0
    how = "sum" if rule == "sum" else "population-weighted mean (2020 census)"
    basis = f"{how} of the {n} prefectures' forecasts, path by path"
    why = ""
    absent = [m for m, s in zip(members, idx, strict=True) if s < 0]
    refused = [str(state["region"].values[s]) for s in present if reason[s] != ""]
    if absent:
        why = (
            f"prefectures {absent} have no reports of this indicator (this year or earlier years of its "
            f"family): the province is the total of all {n} of its prefectures"
        )
    elif refused:
        first = reason[present][reason[present] != ""][0]
        why = f"no forecast for prefectures {refused} ({first}): the province is the total of all {n}"
    latest = int(np.asarray(state["last_month"].values, int)[present].max())
    late = {
        str(state["region"].values[s]): [f"{year}-{m + 1:02d}" for m in range(latest) if np.isnan(row[m])]
        for s, row in zip(present, observed, strict=True)
    }
    late = {reg: months for reg, months in late.items() if months}
    named = ""
    if late and not why:
        named = "; ".join(f"{reg} {', '.join(months)}" for reg, months in late.items())
        basis += f"; not reported, simulated: {named}"
    if equal and not why:
        warnings.warn(
            f"Province row {ind!r}: its prefectures are weighted equally, the state has no population "
            "for some of them (add the regions' population_2020 from load_regions()).",
            ForecastWarning,
            stacklevel=3,
        )
    out = dict(fields)
    out.update(
        observed=total,
        last_month=last_month,
        last_value=total[last_month - 1] if last_month else np.nan,
        deadline_month=deadline_month(pd.Timestamp(fields["deadline"])),
        population=np.nan,
        indicator=ind,
        region=PROVINCE,
    )
    out["deadline"] = pd.Timestamp(fields["deadline"]).to_datetime64()
    late_text = f"{named} (observed: {year}-{last_month:02d})" if last_month else f"{named} (observed: none)"
    return {
        "fields": out,
        "members": present,
        "weights": weights,
        "basis": basis,
        "reason": why,
        "late": late_text if named else "",
    }


def _check_agreement(state: xr.Dataset, ind: str, province: int, idx: np.ndarray) -> None:
    """Warn where a province's own reports differ from its prefectures' total (see AGREEMENT_RTOL)."""
    year = int(state.attrs["year"])
    rule, weights, _ = province_weights(str(state["kind"].values[province]), state["population"].values[idx])
    how = "sum" if rule == "sum" else "population-weighted mean"
    observed = np.asarray(state["observed"].values, float)
    own, total = observed[province], total_of(observed[idx], weights)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(
            np.isfinite(own) & np.isfinite(total) & (np.abs(own - total) > AGREEMENT_RTOL * np.abs(own))
        )
    if bad.size:
        gaps = "; ".join(
            f"{year}-{m + 1:02d}: province {own[m]:,.6g}, prefectures {total[m]:,.6g} "
            f"({100 * (total[m] - own[m]) / abs(own[m]) if own[m] else np.inf:+.1f} %)"
            for m in bad
        )
        warnings.warn(
            f"Indicator {ind!r}: the province's own reports differ from the {how} of its {idx.size} "
            f"prefectures' reports by more than {100 * AGREEMENT_RTOL:g} % of the province's figure in "
            f"{bad.size} month(s): {gaps}. The province's own reports are used for its forecast; check "
            "the reports (or leave the province's rows out of the progress data to forecast it from its "
            "prefectures).",
            ForecastWarning,
            stacklevel=3,
        )
    complete = np.flatnonzero(np.isfinite(total))
    own_last = int(state["last_month"].values[province])
    if complete.size and complete[-1] + 1 > own_last:
        warnings.warn(
            f"Indicator {ind!r}: the province's own reports end in {year}-{own_last:02d} but all its "
            f"{idx.size} prefectures reported up to {year}-{complete[-1] + 1:02d}. The province is forecast "
            "from its own reports; leave its rows out of the progress data to forecast it from its "
            "prefectures.",
            ForecastWarning,
            stacklevel=3,
        )
