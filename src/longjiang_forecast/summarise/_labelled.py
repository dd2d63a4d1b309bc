"""Labelled layer of the summaries: the engine's streamed statistics + state -> the attainment Dataset."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from numbers import Real

import numpy as np
import pandas as pd
import xarray as xr

from .._core.cf import describe
from .._core.provenance import make_attrs
from .._core.schema import MONOTONE_KINDS, MONTH, PROVINCE, QUANTILE, SERIES
from .._core.state import month_days, with_series_labels
from .._core.units import whole_things_done
from . import _core

#: Default status bands: the lowest attainment probability of each band.
DEFAULT_BANDS: Mapping[str, float] = {"on track": 0.8, "watch": 0.5, "at risk": 0.2, "off track": 0.0}

#: A status band is decided only when P(met) lies more than this many Monte Carlo standard
#: errors from every cut between bands; closer, the status is "borderline".
BORDERLINE_SE = 2.0

#: Recent reports used for the run rate of counts and levels (the increase over the last three
#: reports: two months), and the number of reports averaged for annual means.
RUN_RATE_MONTHS = 3


def no_share(state: xr.Dataset) -> np.ndarray:
    """Which series are a prefecture asked for nothing: a count to reach (``>=``) whose target is 0.

    The population split of a provincial count of whole things gives most prefectures 0 of a
    short list (3 cities: Harbin, Qiqihar and Suihua get one each, the ten others none), and a
    prefecture row of 0 says the same. Such a target is met whatever is reported, so it is no
    forecast of anything: its status is "no share", not "achieved".

    Parameters
    ----------
    state : xarray.Dataset
        dim ``series``; ``region``, ``kind``, ``comparator`` and ``target`` along it.

    Returns
    -------
    ndarray of bool, shape (n_series,)
    """
    return (
        (state["region"].values.astype(str) != PROVINCE)
        & (state["kind"].values == "cumulative")
        & (state["comparator"].values == ">=")
        & (state["target"].values.astype(float) == 0.0)
    )


def summarise(
    statistics: xr.Dataset,
    state: xr.Dataset,
    *,
    bands: Mapping[str, float] | None = None,
    reason: np.ndarray | None = None,
    reported: np.ndarray | None = None,
) -> xr.Dataset:
    """Turn the engine's streamed statistics into the attainment summary of each series.

    The statistics of the paths (P(met), deadline quantiles, first passage,
    shortfall) are computed once, by the streaming engine
    (:func:`~longjiang_forecast.simulate.simulate_summary`); this adds what
    follows from them and the reports: the status, the required, recent and
    model rates, the median first-passage month and the reasons.

    Parameters
    ----------
    statistics : xarray.Dataset
        From :func:`~longjiang_forecast.simulate.simulate_summary` on the same
        state (dims ``series``, ``quantile``, ``month``): ``p_met``,
        ``p_met_se``, ``deadline_value`` (series, quantile),
        ``first_passage_cdf`` (series, month), ``expected_shortfall``; attr
        ``n_draws``. ``p_met_rb``/``p_met_rb_se`` and ``deadline_value_error``
        are carried when present. The model rate needs the 0.5 quantile.
    state : xarray.Dataset
        The observed state the paths start from.
    bands : mapping of str to float, optional
        Status band name -> lowest attainment probability of the band
        (default :data:`DEFAULT_BANDS`: on track >= 0.8 > watch >= 0.5 >
        at risk >= 0.2 > off track). A probability within
        :data:`BORDERLINE_SE` Monte Carlo standard errors of a cut between two
        bands (the standard error of a probability equal to the cut,
        ``sqrt(c (1 - c) / n_draws)``) is "borderline": the draws cannot tell
        on which side it lies (more draws decide it). A series whose report
        before its deadline already meets its target (counts and levels) is
        "achieved"; one whose deadline's report is in is "achieved" or
        "missed" by that report; one with no report in the year yet is "no
        report yet" (its probability then rests on the prior at the plan);
        a prefecture asked for nothing (a count target of 0, as the
        population split gives the prefectures beyond the few that share a
        short list of whole things) is "no share" (P(met) 1, and no part of
        any score or ranking); one that cannot be forecast is "no forecast".
    reason : ndarray of shape (n_series,), str, optional
        Why a series has no forecast ("" where it has one).
    reported : ndarray of shape (n_series,), bool, optional
        Whether a series has a report this year (default: ``last_month > 0``).
        A province totalled from its prefectures has one where any of them
        has, though its own ``last_month`` is the last month all of them
        reported: with 12 of 13 prefectures reporting, it is not "no report
        yet"; its required, model and run rates are NaN (no complete total to
        start from).

    Returns
    -------
    xarray.Dataset
        dim ``series`` (with ``indicator`` and ``region`` coords), plus
        ``quantile`` and ``month``. Variables: ``p_met`` (attainment
        probability), ``p_met_se`` (its Monte Carlo standard error),
        ``deadline_value`` (series, quantile; for a count of whole things or a
        milestone programme the whole things done, rounded down:
        ``_core.units.whole_things_done``),
        ``first_passage_cdf`` (series, month: P(target reached by the end of the month); for a level,
        reached at or after its latest report, 0 before it),
        ``first_passage_median`` (first month whose CDF is >= 0.5, NaT if
        none), ``first_passage_late`` (that month is after the month of the
        report the deadline is judged on), ``expected_shortfall``,
        ``required_rate`` and ``run_rate`` (per month, in the indicator's
        unit; for annual means the mean needed over the unreported months and
        the mean of the last three reports), ``run_rate_months`` (the months
        the run rate covers, "YYYY-MM/YYYY-MM"), ``model_rate`` (the
        median simulated monthly increase from the latest report to the
        deadline's report: at least ``required_rate`` exactly when P(met) is
        at least 0.5; counts and levels),
        ``observed`` (the latest report in the target's terms: a count or
        level, or the year-to-date mean / percent change of an annual
        mean), ``status``, ``borderline_cut`` (the cut a "borderline"
        probability cannot be told apart from, NaN for every other status)
        and the state's target fields. attrs: ``n_draws``,
        ``bands``, provenance.

    Raises
    ------
    ValueError
        If the bands are not in [0, 1], or the statistics are not of the
        state's series.
    TypeError
        If ``bands`` is not a mapping (a tuple of cuts says nothing of their names).
    """
    if bands is not None and not isinstance(bands, Mapping):
        raise TypeError(
            "The 'bands' parameter must map each status name to the lowest P(met) of its band, e.g. "
            f"{dict(DEFAULT_BANDS)}. Got {type(bands).__name__} {bands!r} instead."
        )
    bands = dict(DEFAULT_BANDS if bands is None else bands)
    numbers = all(isinstance(b, Real) and not isinstance(b, bool) for b in bands.values())
    if not numbers or any(not 0.0 <= b <= 1.0 for b in bands.values()):  # "0.8" raised a TypeError deep down
        raise ValueError(
            f"The 'bands' parameter must map each status name to the lowest P(met) of its band, a number "
            f"in [0, 1], e.g. {dict(DEFAULT_BANDS)}. Got {bands}."
        )
    n_series = state.sizes[SERIES]
    if statistics.sizes.get(SERIES) != n_series:
        raise ValueError(
            f"The statistics given to summarise have {statistics.sizes.get(SERIES)} series and the state "
            f"{n_series}: pass the output of simulate_summary on the same state."
        )
    reason = np.full(n_series, "", dtype=object) if reason is None else np.array(reason, dtype=object)
    quantiles = tuple(float(q) for q in statistics[QUANTILE].values)
    target = state["target"].values.astype(float)
    p = statistics["p_met"].values.astype(float).copy()
    se = statistics["p_met_se"].values.astype(float).copy()
    qs = statistics["deadline_value"].transpose(SERIES, QUANTILE).values.astype(float).copy()
    units = state["unit"].values if "unit" in state else np.full(n_series, "")
    for row, (unit, kind) in enumerate(zip(units, state["kind"].values, strict=True)):
        qs[row] = whole_things_done(qs[row], str(unit), str(kind))  # 0.97 of a city is none yet
    cdf = statistics["first_passage_cdf"].transpose(SERIES, MONTH).values.astype(float).copy()
    shortfall = statistics["expected_shortfall"].values.astype(float).copy()
    kind = state["kind"].values
    monotone = np.isin(kind, [*MONOTONE_KINDS, "level"])
    cdf[~monotone] = np.nan
    months = pd.DatetimeIndex(state[MONTH].values)
    reached = cdf >= 0.5
    fp_median = pd.DatetimeIndex([months[np.argmax(r)] if r.any() else pd.NaT for r in reached]).to_numpy(
        copy=True
    )
    dl_month = state["deadline_month"].values.astype(int)
    # One rule for every column: the deadline is judged on the report of month ``deadline_month``
    # (a mid-month deadline on the month before); a first passage after that month is late.
    late = reached.any(axis=1) & (np.argmax(reached, axis=1) + 1 > dl_month)
    required, run, run_months = _rates(state)
    median = qs[:, quantiles.index(0.5)] if 0.5 in quantiles else np.full(n_series, np.nan)
    expected = _model_rate(median, state)
    has_report = state["last_month"].values > 0 if reported is None else np.asarray(reported, bool)
    # a province total with a prefecture silent all year has no complete total to start from: its
    # rates from 0 in January ignored what the others had done (01a: 300/12 = 25.0 a month needed)
    partial = has_report & (state["last_month"].values == 0)
    for rate in (required, run, expected):
        rate[partial] = np.nan
    run_months[partial] = ""
    observed = _observed_to_date(state)
    # Settled: the value at the deadline is reported (counts, levels), or every month is (annual means).
    reported_all = np.isfinite(state["observed"].values).all(axis=1)
    settled = np.where(monotone, state["deadline_month"].values <= state["last_month"].values, reported_all)
    # Achieved before the deadline by the latest report; once the deadline's report is in, the
    # reports at the deadline decide (a target reached only after it is not achieved: see p).
    sign = np.where(state["comparator"].values == "<=", -1.0, 1.0)
    achieved = monotone & ~settled & (sign * state["last_value"].values >= sign * target)
    n_draws = int(statistics.attrs["n_draws"])
    status = np.array([band_of(pi, bands) for pi in p], dtype=object)
    cut = _core.borderline_cut(p, n_draws, np.array(list(bands.values()), float), BORDERLINE_SE)
    status[np.isfinite(cut)] = "borderline"
    status[~has_report] = "no report yet"
    status[settled & (p == 0)] = "missed"
    status[achieved | (settled & (p == 1))] = "achieved"
    nothing_asked = no_share(state)
    status[nothing_asked] = "no share"
    fp_median[nothing_asked] = np.datetime64("NaT")  # reached in January: nothing to reach
    cut[status != "borderline"] = np.nan
    # A deadline that has passed by the end of the as-of month without its report is not forecast:
    # the reports up to it settle it (an achieved target is achieved whatever comes later). One
    # still ahead is forecast though the month it is judged on is over: a heating deadline of
    # 20 October, judged on the September report, as of September with that report a month late
    # (before: refused as passed; benchmarks/third_generator on the second generator's worlds).
    # A deadline's report that other regions of the indicator have given is late, not missing (a
    # ragged edge: one prefecture's December report a month behind the rest): it is forecast, a
    # nowcast of the report to come (before: refused, and the province's total with it).
    as_of = pd.Timestamp(str(state.attrs.get("as_of")))
    passed = pd.DatetimeIndex(state["deadline"].values) <= as_of + pd.offsets.MonthEnd(0)
    latest_of_indicator = (
        pd.Series(state["last_month"].values.astype(int))
        .groupby(np.asarray(state["indicator"].values, dtype=str))
        .transform("max")
    )
    late_only = latest_of_indicator.to_numpy() >= dl_month
    unsettled = np.asarray(passed) & ~settled & ~achieved & (reason == "") & ~late_only
    for s in np.flatnonzero(unsettled):
        judged = f"{int(state.attrs['year'])}-{dl_month[s]:02d}"
        last = int(state["last_month"].values[s])
        latest = f"the latest report is of {int(state.attrs['year'])}-{last:02d}" if last else "no report yet"
        reason[s] = (
            f"deadline {pd.Timestamp(state['deadline'].values[s]):%Y-%m-%d} passed by the as-of month "
            f"{as_of:%Y-%m} without the report it is judged on ({judged}; {latest}): a past deadline "
            f"is settled from the reports, not forecast; add the reports up to {judged} to settle it"
        )
    missing = reason != ""
    for arr in (p, se, shortfall):
        arr[missing] = np.nan
    qs[missing] = np.nan
    cdf[missing] = np.nan
    late[missing] = False
    fp_median[missing] = np.datetime64("NaT")
    expected[missing] = np.nan
    status[missing] = "no forecast"
    cut[missing] = np.nan

    def carried(*names: str) -> dict[str, tuple[tuple[Hashable, ...], np.ndarray]]:
        """The engine's optional statistics that are there, NaN where there is no forecast."""
        found = {}
        for name in (n for n in names if n in statistics):
            arr = statistics[name].values.astype(float).copy()
            arr[missing] = np.nan
            found[name] = (statistics[name].dims, arr)
        return found

    out = xr.Dataset(
        {
            "observed": (SERIES, observed),
            "p_met": (SERIES, p),
            "p_met_se": (SERIES, se),
            **carried("p_met_rb", "p_met_rb_se"),
            "deadline_value": ((SERIES, QUANTILE), qs),
            **carried("deadline_value_error"),
            "first_passage_cdf": ((SERIES, MONTH), cdf),
            "first_passage_median": (SERIES, fp_median),
            "first_passage_late": (SERIES, late),
            "expected_shortfall": (SERIES, shortfall),
            "required_rate": (SERIES, required),
            "model_rate": (SERIES, expected),
            "run_rate": (SERIES, run),
            "run_rate_months": (SERIES, run_months),
            "status": (SERIES, status),
            "borderline_cut": (SERIES, cut),
            "reason": (SERIES, reason),
        },
        coords={
            QUANTILE: list(quantiles),
            MONTH: state[MONTH].values,
            SERIES: state[SERIES].values,
        },
        attrs=make_attrs(
            n_draws=n_draws,
            bands=repr(bands),
            as_of=state.attrs.get("as_of"),
            seed_entropy=statistics.attrs.get("seed_entropy"),
            model=statistics.attrs.get("model"),
            quantile_method=statistics.attrs.get("quantile_method"),
        ),
    )
    out = with_series_labels(
        out,
        state,
        (
            "target",
            "comparator",
            "kind",
            "unit",
            "deadline",
            "deadline_month",
            "last_month",
            "last_value",
            "name_en",
            "name_zh",
            "target_basis",
        ),
    )
    return describe(out, state["unit"].values if "unit" in state else ())


def band_of(p: float, bands: Mapping[str, float]) -> str:
    """The status band of a P(met): the name of the highest band whose lowest value ``p`` reaches."""
    for name, lowest in sorted(bands.items(), key=lambda kv: -kv[1]):
        if p >= lowest:
            return name
    return "below all bands"


def _observed_to_date(state: xr.Dataset) -> np.ndarray:
    """The latest report in the target's terms.

    Counts and levels: the latest reported value. Annual means: the
    day-weighted mean of the months reported so far. Changes: that mean as a
    percent change against the baseline.
    """
    out = state["last_value"].values.astype(float).copy()
    days = month_days(int(state.attrs["year"])).astype(float)
    obs = state["observed"].values
    seen = np.isfinite(obs)
    for s, kind in enumerate(state["kind"].values):
        if kind not in ("annual_mean", "change"):
            continue
        if not seen[s].any():
            out[s] = np.nan
            continue
        mean = np.sum(obs[s, seen[s]] * days[seen[s]]) / days[seen[s]].sum()
        out[s] = mean if kind == "annual_mean" else 100 * (mean / state["baseline"].values[s] - 1)
    return out


def _model_rate(median: np.ndarray, state: xr.Dataset) -> np.ndarray:
    """Median simulated monthly increase from the latest report to the deadline's report.

    ``median`` (series,) is the median value at the deadline. Counts and levels
    with months left before the deadline; NaN elsewhere. Its comparison with
    the required rate is that of P(met) with 0.5: the median increase reaches
    what is needed exactly when at least half the paths do.
    """
    t = state["last_month"].values.astype(int)
    dl = state["deadline_month"].values.astype(int)
    kind = state["kind"].values
    last = state["last_value"].values.astype(float)
    origin = np.where(kind == "level", state["baseline"].values.astype(float), 0.0)
    start = np.where(np.isfinite(last), last, origin)
    ok = np.isin(kind, [*MONOTONE_KINDS, "level"]) & (dl > t) & np.isfinite(start)
    out = np.full(state.sizes[SERIES], np.nan)
    out[ok] = (median[ok] - start[ok]) / (dl[ok] - t[ok])
    return out


def _rates(state: xr.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Required monthly rate to the deadline, the recent run rate and the months it covers."""
    n = state.sizes[SERIES]
    required = np.full(n, np.nan)
    run = np.full(n, np.nan)
    covers = np.full(n, "", dtype=object)
    year = int(state.attrs["year"])

    def span(first: int, last: int) -> str:  # month numbers 1-12
        return f"{year}-{first:02d}" if first == last else f"{year}-{first:02d}/{year}-{last:02d}"

    days = month_days(year).astype(float)
    observed, last_month, deadline_month, targets, kinds, baseline, last_value = (
        state[name].values
        for name in ("observed", "last_month", "deadline_month", "target", "kind", "baseline", "last_value")
    )  # read once: a Dataset look-up per series and column took most of the county job's second here
    for s in range(n):
        obs = observed[s]
        t = int(last_month[s])
        dl = int(deadline_month[s])
        target = float(targets[s])
        kind = kinds[s]
        seen = np.flatnonzero(np.isfinite(obs))
        if kind in ("annual_mean", "change"):
            if kind == "change":
                target = float(baseline[s]) * (1 + target / 100)
            open_days = days[~np.isfinite(obs)].sum()
            if open_days > 0 and np.isfinite(target):
                required[s] = (target * days.sum() - np.nansum(obs * days)) / open_days
            if seen.size:
                run[s] = float(np.mean(obs[seen[-RUN_RATE_MONTHS:]]))
                covers[s] = span(int(seen[-RUN_RATE_MONTHS:][0]) + 1, int(seen[-1]) + 1)
            if kind == "change":  # in the target's terms: % change against the baseline
                base = float(baseline[s])
                required[s], run[s] = 100 * (required[s] / base - 1), 100 * (run[s] / base - 1)
            continue
        last = last_value[s]
        origin = 0.0 if kind in MONOTONE_KINDS else baseline[s]
        if dl > t and np.isfinite(last):
            required[s] = max(target - last, 0.0) / (dl - t)
        elif t == 0 and dl > 0 and np.isfinite(origin):
            required[s] = max(target - origin, 0.0) / dl
        if seen.size >= 2:
            recent = seen[seen >= t - RUN_RATE_MONTHS]
            first = recent[0] if recent.size >= 2 else seen[-2]
            run[s] = (obs[t - 1] - obs[first]) / (t - 1 - first)
            covers[s] = span(int(first) + 2, t)
        elif seen.size == 1 and np.isfinite(origin):
            run[s] = (obs[seen[0]] - origin) / (seen[0] + 1)
            covers[s] = span(1, int(seen[0]) + 1)
    return required, run, covers
