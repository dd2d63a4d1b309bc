"""The observed state of every series at the as-of month: what models and the simulator start from.

One row per *series* (an indicator in a region). A catalogue is sparse -- most
indicators are provincial, counts may also be split over the 13 prefectures --
so series are stacked on one ``series`` dim that carries ``indicator`` and
``region`` coordinates (see ``docs/design/001-series-dim.md``).

The state is the last step of the progress stage (progress → models →
simulate → summarise): it joins the reports with the catalogue, and the models
fit it. The helpers of the ``series`` layout that every stage uses are in
``_core/state.py``.
"""

from __future__ import annotations

import json
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError, ForecastWarning, NothingToForecastError
from .._core.months import parse_month_arg
from .._core.names import first_named
from .._core.province import (
    AGREEMENT_RTOL,
    NOT_TOTALLED_KINDS,
    TARGETS_RTOL,
    ProvinceRows,
    disagreeing_months,
    on_official_figures,
    province_members,
    province_weights,
    total_of,
    whole_counts,
)
from .._core.schema import MONOTONE_KINDS, MONTH, PROVINCE, SERIES, SPLIT_TARGET_BASIS
from .._core.state import deadline_month

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["build_state", "province_from_prefectures"]


def build_state(progress: xr.Dataset, catalog: Catalog, as_of: Any = None) -> xr.Dataset:
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
        attrs: ``year``, ``as_of``, ``provinces_reporting_their_total`` (a JSON object: each
        indicator whose province reports are its prefectures' total, month by month, and the
        province's 12 reports of the year, null where none; their province rows are forecast
        as that total, put on those figures, see :func:`province_from_prefectures`),
        ``stopped_reporting`` (a JSON list of ``[indicator, region]``: the prefectures without a
        catalogue row of their own that reported in earlier years but not in this one, not
        forecast and named in a warning; ``Forecast.table`` lists each as a row without a
        forecast).

    Raises
    ------
    DataValidationError
        If ``progress`` holds values after ``as_of``, or no series of the
        as-of year can be found; or, in the catalogue's latest year, an
        indicator reported that year has catalogue rows of other years only
        (it would be left out without a word).
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
        as_of_ts = parse_month_arg(as_of)
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
    if year in set(table["year"].astype(int)):
        _check_plans_of_year(progress, catalog, this_year, year)
    # A province row whose province has not reported this year while its prefectures have reports
    # is forecast from their joint paths (province_from_prefectures), not as a series of its own.
    totalled = _totalled_provinces(catalog, rows, year, this_year, reported_families, family_of)
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
            if (ind, reg) in listed or (reg == PROVINCE and ind in totalled):
                continue
            if reported_now[i, r] or (reg in members and (family, reg) in reported_families):
                pairs.append((str(ind), str(reg)))
    stopped = _warn_unforecast_reporters(indicators, regions, ever & ~reported_now, known, set(pairs), year)
    _warn_rows_without_reports(pairs, indicators, regions, reported_now, year, as_of_ts)
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
    official = {  # the province's own reports of the provinces totalled though they report
        ind: [None if np.isnan(v) else float(v) for v in current[at_indicator[ind], at_region[PROVINCE]]]
        for ind in sorted(totalled)
        if _province_reported(reported_any, ind)
    }
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
        attrs={
            "year": year,
            "as_of": f"{as_of_ts:%Y-%m}",
            # the province rows whose own reports agree with their prefectures' total: indicator ->
            # the province's reports of the year's 12 months (null where none), a JSON object
            "provinces_reporting_their_total": json.dumps(official),
            # the prefecture series of earlier years with no report this year and no catalogue row of
            # their own, not forecast: [[indicator, region], ...] (rows without a forecast in the table)
            "stopped_reporting": json.dumps(stopped),
        },
    )
    return state


def _province_reported(reported_any: xr.DataArray, ind: str) -> bool:
    """Whether the province has a report of indicator ``ind`` in ``reported_any`` (indicator, region)."""
    return (
        ind in set(map(str, reported_any["indicator"].values))
        and PROVINCE in set(map(str, reported_any["region"].values))
        and bool(reported_any.sel(indicator=ind, region=PROVINCE))
    )


def _check_plans_of_year(progress: xr.Dataset, catalog: Catalog, this_year: xr.DataArray, year: int) -> None:
    """Refuse reports of the forecast year for an indicator whose catalogue rows are of other years only.

    Such an indicator would not be forecast (the forecast uses the rows of its year) and would
    vanish from every output without a word, where an indicator unknown to the catalogue is
    refused by :func:`~longjiang_forecast.read_progress`. Checked for a forecast year that has
    catalogue rows (a year without any plan is history) and its reports only; the indicator's rows
    may be of earlier years only, or of later ones (a row's year is its deadline's: a 2025 deadline
    typed as 2026 makes a 2026 plan).
    """
    table = catalog.table
    in_year = table.loc[table["year"] == year]
    planned = set(in_year["indicator"].astype(str))
    planned_in_family = dict(
        zip(in_year["family"].astype(str), in_year["indicator"].astype(str), strict=False)
    )
    family_of = dict(zip(table["indicator"].astype(str), table["family"].astype(str), strict=False))
    years_of = {str(ind): sorted({int(y) for y in ys}) for ind, ys in table.groupby("indicator")["year"]}
    cells = this_year.transpose("indicator", "region", MONTH)
    reported = np.isfinite(cells.values)  # (indicator, region, month)
    months = pd.DatetimeIndex(cells[MONTH].values)
    problems: list[str] = []
    named: list[str] = []
    for i, ind in enumerate(str(v) for v in cells["indicator"].values):
        if ind in planned or ind not in years_of or not reported[i].any():
            continue
        regions = [
            str(r) for r, hit in zip(cells["region"].values, reported[i].any(axis=1), strict=True) if hit
        ]
        seen = months[reported[i].any(axis=0)]
        span = f"{seen[0]:%Y-%m}" if len(seen) == 1 else f"{seen[0]:%Y-%m} to {seen[-1]:%Y-%m}"
        sibling = planned_in_family.get(family_of.get(ind, ind))
        other = (
            f"; its family's {year} plan is indicator {sibling!r}: report {year} under that id"
            if sibling
            else ""
        )
        named.append(repr(ind))
        problems.append(
            f"indicator {ind!r} has {int(reported[i].sum())} report(s) of {year} ({span}, region(s) "
            f"{regions}) but catalogue rows for {years_of[ind]} only{other}"
        )
    if not problems:
        return
    source = progress.attrs.get("source")
    data = f"the progress file {source}" if source else "the progress data"
    which = named[0] if len(named) == 1 else "each of " + ", ".join(named)
    raise DataValidationError(
        f"The catalogue ({catalog.source}) has no {year} row for an indicator that {data} reports in "
        f"{year}: " + "; ".join(problems) + f". The forecast of {year} uses the catalogue's {year} rows "
        "(a row's year is the year of its deadline), and an indicator without one would be left out of "
        f"every output. Add a {year} row for {which} to the catalogue (the {year} target and deadline) "
        f"or correct a mistyped deadline year, or delete the {year} reports from the progress file."
    )


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
    catalog: Catalog, indicator: str, region: str, year: int, rows_read: dict[tuple[str, str], dict[str, Any]]
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
        out["target_basis"] = f"{SPLIT_TARGET_BASIS} ({region})"
    return out


def _warn_unforecast_reporters(
    indicators: np.ndarray, regions: np.ndarray, earlier_only: np.ndarray, known: set[str],
    pairs: set[tuple[str, str]], year: int,
) -> list[list[str]]:  # fmt: skip
    """Warn of the prefecture series that reported in earlier years but not this year, and are left out.

    A prefecture without a catalogue row of its own is forecast only from this year's reports (or
    as a member of a province totalled from its prefectures): one that stopped reporting dropped
    out of the table, the workbook and the bulletin's ranking without a word (a break-it pass).
    Returns them, ``[[indicator, region], ...]``: the table lists each as a row without a forecast.
    """
    stopped = sorted(
        [str(indicators[i]), str(regions[r])]
        for i, r in zip(*np.nonzero(earlier_only), strict=True)
        if str(indicators[i]) in known
        and str(regions[r]) != PROVINCE
        and (str(indicators[i]), str(regions[r])) not in pairs
    )
    left = [f"{ind}/{reg}" for ind, reg in stopped]
    if left:
        shown = first_named(left)
        warnings.warn(
            f"{len(left)} series reported in earlier years have no report in {year} and no catalogue "
            f"row of their own, so they are not forecast: {shown}. Add their reports of {year}, or a "
            "catalogue row for each (it is then forecast from its plan and its earlier years).",
            ForecastWarning,
            stacklevel=3,
        )
    return stopped


def _warn_rows_without_reports(
    pairs: list[tuple[str, str]], indicators: np.ndarray, regions: np.ndarray, reported_now: np.ndarray,
    year: int, as_of: pd.Timestamp,
) -> None:  # fmt: skip
    """Warn of the series forecast without a report this year while other regions have reported theirs.

    A series with a catalogue row of its own and reports in earlier years is forecast from its
    plan and those years (status ``no report yet``). Early in the year that is the usual state;
    once other regions have reported the same indicator, its silence may be a late or missing
    report, and its P(met) rests on no figure of this year: said, not left to the status column
    (a break-it pass).
    """
    where_i = {str(v): i for i, v in enumerate(indicators)}
    where_r = {str(v): r for r, v in enumerate(regions)}
    silent = [
        f"{ind}/{reg}"
        for ind, reg in pairs
        if ind in where_i
        and reg in where_r
        and not reported_now[where_i[ind], where_r[reg]]
        and reported_now[where_i[ind]].any()
    ]
    if silent:
        shown = first_named(silent)
        warnings.warn(
            f"{len(silent)} series have no report in {year} up to {as_of:%Y-%m} while other regions have "
            f"reported the same indicator: {shown}. Their P(met) rests on the plan and earlier years "
            "alone (status 'no report yet'); add their reports if they exist.",
            ForecastWarning,
            stacklevel=3,
        )


def _totalled_provinces(
    catalog: Catalog,
    rows: pd.DataFrame,
    year: int,
    this_year: xr.DataArray,
    reported_families: set[tuple[str, str]],
    family_of: dict[str, str],
) -> dict[str, list[str]]:
    """Province rows to total from their prefectures: indicator -> its prefectures.

    The province has no report in the forecast year, or only reports that agree with its
    prefectures' total (:func:`_agrees_with_prefectures`), and some of its prefectures
    (:func:`~longjiang_forecast._core.province.province_members`) have reports of the family.
    """
    reported_any = this_year.notnull().any(MONTH)
    out: dict[str, list[str]] = {}
    province_rows = rows[(rows["region"] == PROVINCE) & ~rows["kind"].isin(NOT_TOTALLED_KINDS)]
    members_of = province_members(catalog, year)
    for row in province_rows.itertuples():
        ind = str(row.indicator)
        members = members_of[ind]
        if _province_reported(reported_any, ind) and not _agrees_with_prefectures(
            catalog, row, members, this_year
        ):
            continue
        family = family_of.get(ind, ind)
        if any((family, m) in reported_families for m in members):
            out[ind] = members
    return out


def _agrees_with_prefectures(catalog: Catalog, row: Any, members: list[str], this_year: xr.DataArray) -> bool:
    """Whether a province's own reports this year are its prefectures' total, month by month.

    Every prefecture of ``members`` (and any other reporting the indicator) is in the progress
    data, and in every month that the province and all of them reported (one at least) their
    total (:func:`~longjiang_forecast._core.province.total_of`) agrees with the province's figure
    to rounding (:func:`~longjiang_forecast._core.province.disagreeing_months`). Such a province
    is forecast as their total, path by path, put on its own figures where it gave them (its
    latest month no later than some prefecture's: a ragged edge, not a month none of them has)
    (:func:`~longjiang_forecast._core.province.benchmark_to_official`): the two layouts of one set
    of reports give one forecast (its own reports, equal to the sum, had P(met) 0.78 against
    their total's 0.85 for the same prefectures), and its official figure decides where it is
    given (a prefecture a month late, or a total rounded differently).
    """
    ind = str(row.indicator)
    regions = list(map(str, this_year["region"].values))
    values = this_year.sel(indicator=ind).transpose("region", MONTH).values
    reporting = {r for r, v in zip(regions, values, strict=True) if r != PROVINCE and np.isfinite(v).any()}
    prefectures = [*members, *sorted(reporting - set(members))]
    if not prefectures or not set(prefectures) <= set(regions):
        return False
    own = values[regions.index(PROVINCE)]
    theirs = values[[regions.index(r) for r in prefectures]]
    population = dict(zip(catalog.regions["region"], catalog.regions["population_2020"], strict=True))
    _, weights, _ = province_weights(
        str(row.kind), np.array([population.get(r, np.nan) for r in prefectures])
    )
    total = total_of(theirs, weights)
    if not (np.isfinite(own) & np.isfinite(total)).any():
        return False  # nothing to compare: its own reports are forecast
    # a province ahead of every prefecture is not a ragged edge of theirs (a mistyped month?)
    if _last_month(own) > max(_last_month(v) for v in theirs):
        return False
    return disagreeing_months(own, total, str(row.kind), str(row.unit)).size == 0


def _last_month(values: np.ndarray) -> int:
    """The number (1-12) of the last month with a value in ``values`` (shape (n_months,)); 0 if none."""
    given = np.flatnonzero(np.isfinite(values))
    return int(given[-1] + 1) if given.size else 0


def province_from_prefectures(
    state: xr.Dataset, catalog: Catalog, *, reason: np.ndarray | None = None
) -> ProvinceRows | None:
    """Province rows forecast from their prefectures, and the check of provinces that report too.

    A province catalogue row of the state's year that :func:`build_state` left
    out (its province has not reported that year, or only reports that agree
    with its prefectures' total month by month; its prefectures have) gets a
    row here: its paths are, draw by draw and month by month, the total of its
    prefectures' paths (:func:`~longjiang_forecast._core.province.province_members`,
    and any other prefecture forecast for the indicator;
    :func:`~longjiang_forecast._core.province.province_weights`:
    the sum for counts, the population-weighted mean otherwise), and its
    ``observed`` the total of their reports. In a month that some prefecture
    has not reported (a ragged edge) ``observed`` is NaN, ``last_month`` is the
    last month every prefecture reported, and ``basis`` and a warning name the
    prefectures and months; its paths there use those prefectures' simulated
    values. A row whose prefecture has no series or no forecast has none
    either, and ``reason`` says why: a partial total is never shown as the
    province's.

    Where the province reports as well as all its prefectures and its figure
    differs from theirs, the province's own reports are forecast (the official
    figure; it may count units outside the prefectures), and a warning names the months where they differ from
    the prefectures' total by more than
    :data:`~longjiang_forecast._core.province.AGREEMENT_RTOL` (0.5 %) of the
    province's figure (whole counts: by more than half a unit,
    :data:`~longjiang_forecast._core.province.WHOLE_COUNT_ATOL`), with both
    figures.

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
    reporting_their_total = json.loads(state.attrs.get("provinces_reporting_their_total", "{}"))
    members_of = province_members(catalog, year)
    for row in rows.itertuples():
        ind = str(row.indicator)
        members = members_of[ind]
        # a prefecture forecast for the indicator without a catalogue row of its own is part of the
        # province too (the catalogue listing Harbin's target alone made the province Harbin's total)
        order = {r: k for k, r in enumerate(map(str, catalog.region_ids))}
        others = sorted((r for i, r in where if i == ind and r != PROVINCE and r not in members),
                        key=lambda r: order.get(r, len(order)))  # fmt: skip
        members = [*members, *others]
        idx = np.array([where.get((ind, m), -1) for m in members], dtype=int)
        if idx.size == 0 or (idx < 0).all():
            continue  # no prefecture data: nothing to total
        short = _check_targets(catalog, ind, year, str(row.kind), float(row.target), members)
        if (ind, PROVINCE) in where:
            if (idx >= 0).all():
                _check_agreement(state, ind, where[(ind, PROVINCE)], idx)
            continue
        record = _province_row(state, catalog, ind, members, idx, reason, reporting_their_total.get(ind))
        if short and not record["reason"]:
            record["reason"] = short
        records.append(record)
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
            "that of the last month every prefecture reported, and none (no complete total, no required "
            "pace) where a prefecture has not reported this year.",
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
        official=np.array([np.full(12, np.nan) if rec["reason"] else rec["official"] for rec in records]),
    )


#: Kinds whose paths are in the terms of the reports (a count, a level), so that a province's own
#: figure can be its path's value; an annual mean's paths are running means of monthly figures.
OFFICIAL_FIGURE_KINDS = ("cumulative", "level")


def _province_row(
    state: xr.Dataset,
    catalog: Catalog,
    ind: str,
    members: list[str],
    idx: np.ndarray,
    reason: np.ndarray,
    own: list[float | None] | None,
) -> dict[str, Any]:
    """One province row totalled from its prefectures (see :func:`province_from_prefectures`).

    ``own``: the province's reports of the year where they agree with their total (the state's
    ``provinces_reporting_their_total``), None where it has none.
    """
    year = int(state.attrs["year"])
    fields = _series_fields(catalog, ind, PROVINCE, year, {})
    n = len(members)
    present = idx[idx >= 0]
    rule, weights, equal = province_weights(str(fields["kind"]), state["population"].values[present])
    observed = np.asarray(state["observed"].values, float)[present]
    absent = [m for m, s in zip(members, idx, strict=True) if s < 0]
    # the total of some prefectures is not the province's figure: none where one never reported
    total = np.full(observed.shape[1], np.nan) if absent else total_of(observed, weights)
    # The province's own figures are its paths' values (paths in the reports' terms: counts and
    # levels, not an annual mean's running mean) in the months its prefectures' reports check them
    # (every prefecture reported): a figure no report checks is not taken (a x10 typo in a month
    # one prefecture is late had made P(met) 1.0 without a word).
    official = np.full(total.shape, np.nan)
    unchecked: list[str] = []
    benchmarked = own is not None and not absent and str(fields["kind"]) in OFFICIAL_FIGURE_KINDS
    if benchmarked:
        given = np.array(own, dtype=float)
        official = np.where(np.isfinite(total), given, np.nan)
        unchecked = [f"{year}-{m + 1:02d}" for m in np.flatnonzero(np.isfinite(given) & np.isnan(total))]
        total = on_official_figures(total[None, None, :], official[None, :])[0, 0]
    last_month = _last_month(total)
    how = "sum" if rule == "sum" else "population-weighted mean (2020 census)"
    basis = f"{how} of the {n} prefectures' forecasts, path by path"
    if own is not None:
        basis += "; the province's own reports agree with their total"
        basis += ", and are its figures where given" if benchmarked else ""
    if unchecked:
        basis += f"; its own figures of {', '.join(unchecked)} wait for all its prefectures' reports"
    why = ""
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
        "official": official,
        "basis": basis,
        "reason": why,
        "late": late_text if named else "",
    }


def _check_targets(
    catalog: Catalog, ind: str, year: int, kind: str, target: float, members: list[str]
) -> str:
    """Compare a province's target with its prefectures'; warn, or say why they are not its total.

    For a count (summed over prefectures) whose catalogue lists prefecture rows of ``year``: the
    targets of the prefectures totalled (``members``: their own rows, the split of the province's
    target for the others forecast). Where fewer than all the catalogue's prefectures are totalled
    and their targets add up to less than ``1 - TARGETS_RTOL`` of the province's, the province is
    not their total (a catalogue with the province and Harbin alone, Harbin alone reporting, made
    the province Harbin's total: P(met) 0.00 "off track" against a target 3.1 times Harbin's): the
    reason returned says so, and the province row forecast from them gets none. Where the
    province's target lies further than :data:`TARGETS_RTOL` from their sum either way, a warning
    names both (a province target of 3,389 against its prefectures' 33,887 was shown "achieved").
    Returns "" where the province may be their total.

    Warns
    -----
    ForecastWarning
        Where the province's target and its prefectures' sum differ by more than :data:`TARGETS_RTOL`.
    """
    listed = any(catalog.has_row(ind, m, year) for m in members)  # the catalogue has prefecture rows
    if kind not in MONOTONE_KINDS or not listed or not target > 0:
        return ""
    total = float(sum(catalog.target_for(ind, m, year=year) for m in members))
    if len(set(members)) < len(catalog.region_ids) and total < (1.0 - TARGETS_RTOL) * target:
        return (
            f"the province's target {target:,.6g} is not the total of the {len(members)} prefecture(s) "
            f"forecast ({', '.join(map(str, members))}: targets {total:,.6g}, {total / target:.0%} of "
            "it); add the other prefectures' rows and reports (or the province's own reports) to forecast "
            "the province"
        )
    if abs(total - target) > TARGETS_RTOL * target:
        warnings.warn(
            f"Indicator {ind!r} ({year}): the province's target {target:,.6g} and the sum of its "
            f"{len(members)} prefectures' targets {total:,.6g} differ by "
            f"{100 * (total - target) / target:+.0f} %. "
            "The province is judged against its own target; check the catalogue (a digit lost or added?).",
            ForecastWarning,
            stacklevel=3,
        )
    return ""


def _check_agreement(state: xr.Dataset, ind: str, province: int, idx: np.ndarray) -> None:
    """Warn where a province's own reports differ from its prefectures' total (see AGREEMENT_RTOL)."""
    year = int(state.attrs["year"])
    rule, weights, _ = province_weights(str(state["kind"].values[province]), state["population"].values[idx])
    how = "sum" if rule == "sum" else "population-weighted mean"
    observed = np.asarray(state["observed"].values, float)
    own, total = observed[province], total_of(observed[idx], weights)
    unit = str(state["unit"].values[province]) if "unit" in state else ""
    whole = whole_counts(str(state["kind"].values[province]), unit)
    bad = disagreeing_months(own, total, str(state["kind"].values[province]), unit)
    if bad.size:
        limit = (
            "by more than half a unit (whole counts must agree)"
            if whole
            else f"by more than {100 * AGREEMENT_RTOL:g} % of the province's figure"
        )
        share = [100 * (total[m] - own[m]) / abs(own[m]) if own[m] else np.inf for m in bad]
        gaps = "; ".join(  # a gap under 0.05 % in two significant digits, not "-0.0 %"
            f"{year}-{m + 1:02d}: province {own[m]:,.6g}, prefectures {total[m]:,.6g} "
            f"({f'{pct:+.2g}' if abs(pct) < 0.05 else f'{pct:+.1f}'} %)"
            for m, pct in zip(bad, share, strict=True)
        )
        warnings.warn(
            f"Indicator {ind!r}: the province's own reports differ from the {how} of its {idx.size} "
            f"prefectures' reports {limit} in "
            f"{bad.size} month(s): {gaps}. The province's own reports are used for its forecast; check "
            "the reports (or leave the province's rows out of the progress data to forecast it from its "
            "prefectures).",
            ForecastWarning,
            stacklevel=3,
        )
    theirs_last, own_last = _last_month(total), int(state["last_month"].values[province])
    if theirs_last > own_last:
        warnings.warn(
            f"Indicator {ind!r}: the province's own reports end in {year}-{own_last:02d} but all its "
            f"{idx.size} prefectures reported up to {year}-{theirs_last:02d}. The province is forecast "
            "from its own reports; leave its rows out of the progress data to forecast it from its "
            "prefectures.",
            ForecastWarning,
            stacklevel=3,
        )
