"""The required pace: the monthly rate that reaches each target with a chosen probability."""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._core.schema import MONOTONE_KINDS, SERIES
from .._core.state import with_series_labels
from . import _kernels
from ._common import (
    ForecastLike,
    check_forecast,
    check_prob,
    deadline_index,
    forecast_ok,
    provenance,
    unresolved_probability,
)

#: Default probability of the required pace.
DEFAULT_PACE_PROB = 0.8

#: Kinds whose pace is a monthly increase (counts, levels, milestones).
PACE_KINDS = (*MONOTONE_KINDS, "level")


def required_pace(forecast: ForecastLike, *, prob: float = DEFAULT_PACE_PROB) -> xr.Dataset:
    """Monthly rate needed from the latest report to reach each target with probability ``prob``.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`; ``paths``, ``state`` and
        ``summary`` (``run_rate``, ``required_rate``) are read.
    prob : float, default 0.8
        Probability, in (0, 1), of reaching the target at the required pace.

    Returns
    -------
    xarray.Dataset
        dim ``series`` (coords ``indicator``, ``region``). Variables, rates
        per month in the indicator's unit:

        - ``required_pace``: the mean monthly rate that reaches the target
          with probability ``prob`` (0 where the target is already met; NaN for a prefecture
          asked for nothing, status "no share", for a province whose prefecture has not
          reported this year (no complete total to start from), and where no simulated
          path gains anything by the ``1 − prob`` quantile, see ``note``);
        - ``plain_rate``: what is still needed over the months left, the
          summary's ``required_rate`` (no uncertainty);
        - ``expected_rate``: the simulated mean rate over the months left;
        - ``run_rate``: the recent run rate (summary: the increase over the last three reports, two months),
          over the months ``run_rate_months`` ("YYYY-MM/YYYY-MM");
        - ``multiplier``: ``c = required_pace / expected_rate``, the factor on
          the simulated remaining pace: above 1 exactly when P(met) is below
          ``prob`` (the verdict to show beside P(met));
        - ``pace_ratio``: ``required_pace / run_rate`` (how many times the
          recent pace is needed; NaN where the run rate is not positive). The
          recent pace is history: a season ahead (winter) can make a ratio
          below 1 go with a low P(met), so judge by ``multiplier``;
        - ``need`` (target − latest report), ``months_left`` (deadline month
          − report month), ``last_month``, ``target``, ``unit``, ``name_zh``,
          ``name_en``, ``kind``;
        - ``note`` (str): why a series has no pace ("" where it has one).

        attrs: ``prob``, ``definition``, provenance.

    Raises
    ------
    ValueError
        If ``prob`` is not in (0, 1).

    Notes
    -----
    Let ``R_d`` be the simulated increase from the latest report (month
    ``t``) to the deadline (month ``T``) in path ``d`` and ``need`` the gap to
    the target. If the remaining work ran at ``c`` times the simulated pace
    in every path, the target would be reached in the paths with
    ``c R_d >= need``; the ``c`` that makes their share ``prob`` is
    ``c = need / quantile_{1−prob}(R)``, and the required pace is
    ``c · mean(R) / (T − t)``. At ``prob = 0.5`` it is about the plain rate
    ``need / (T − t)`` (exactly so when the mean of ``R`` equals its median);
    above 0.5 it adds a margin for the uncertainty of the remaining months.
    Annual means and percent changes have no monthly increase: their
    required level is the summary's ``required_rate``. Where no path gains
    anything by the ``1 − prob`` quantile (e.g. a milestone programme with
    few projects left) the multiplier is undefined and the required pace NaN
    (``note`` says so): the plain rate shown there fell below the pace of a lower probability.
    """
    check_forecast(forecast, "required_pace")
    prob = check_prob(prob, "prob", "required_pace")
    unresolved = unresolved_probability(
        [prob], forecast.paths.sizes["draw"], "a pace reaching a target with probability"
    )
    if unresolved:
        raise ValueError(f"required_pace: {unresolved}")
    state, summary = forecast.state, forecast.summary
    n = state.sizes[SERIES]
    kind = state["kind"].values.astype(str)
    t = state["last_month"].values.astype(int)
    dl = state["deadline_month"].values.astype(int)
    target = state["target"].values.astype(float)
    comparator = state["comparator"].values.astype(str)
    last = state["last_value"].values.astype(float)
    origin = np.where(kind == "level", state["baseline"].values.astype(float), 0.0)
    start = np.where(np.isfinite(last), last, origin)
    need = target - start
    months_left = (dl - t).astype(float)
    paths = forecast.paths.values
    at_deadline = paths[:, np.arange(n), deadline_index(state)]
    remaining = at_deadline - start[None, :]
    note = np.full(n, "", dtype=object)
    usable = forecast_ok(forecast) & np.isin(kind, PACE_KINDS) & (comparator == ">=")
    note[~forecast_ok(forecast)] = "no forecast"
    note[forecast_ok(forecast) & ~np.isin(kind, PACE_KINDS)] = (
        "annual mean or change: see the required level (summary required_rate)"
    )
    note[usable & (months_left <= 0)] = "no month left before the deadline"
    usable &= months_left > 0
    # a prefecture asked for nothing has no pace to keep (it read "target already met")
    status = summary["status"].values.astype(str) if "status" in summary else np.full(n, "")
    nothing_asked = status == "no share"
    note[usable & nothing_asked] = "no share: target 0"
    usable &= ~nothing_asked
    # a province totalled from its prefectures, one of them silent all year: no complete total to
    # start from (its pace was counted from 0 in January: 01a, 300 over 12 months)
    no_total = (t == 0) & ~np.isin(status, ["no report yet", ""])
    note[usable & no_total] = "no complete total yet: a prefecture has not reported this year"
    usable &= ~no_total
    c = np.full(n, np.nan)
    mean_rem = np.full(n, np.nan)
    if usable.any():
        c[usable], mean_rem[usable] = _kernels.pace_multiplier(
            np.nan_to_num(remaining[:, usable], nan=0.0), need[usable], prob
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        plain = np.where(usable, np.maximum(need, 0.0) / months_left, np.nan)
        pace = np.where(usable, c * mean_rem / months_left, np.nan)
        expected = np.where(usable, mean_rem / months_left, np.nan)
    undefined = usable & ~np.isfinite(c)
    # no pace can be read at this probability: the plain rate understated it (12a: 0.75 at 0.9
    # below 0.765 at 0.6, a pace falling as the probability rises; a break-it pass)
    pace[undefined] = np.nan
    note[undefined] = (
        f"no simulated progress at the {1 - prob:.0%} quantile: no pace reaches the target with "
        f"probability {prob:.0%} (plain_rate is what is still needed a month)"
    )
    pace[usable & (need <= 0)] = 0.0
    note[usable & (need <= 0)] = "target already met"
    run = summary["run_rate"].values.astype(float)
    months = (
        summary["run_rate_months"].values.astype(object)
        if "run_rate_months" in summary
        else np.full(n, "", dtype=object)
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(run > 0, pace / run, np.nan)
    out = xr.Dataset(
        {
            "required_pace": (SERIES, pace),
            "plain_rate": (SERIES, plain),
            "expected_rate": (SERIES, expected),
            "run_rate": (SERIES, run),
            "run_rate_months": (SERIES, months),
            "multiplier": (SERIES, c),
            "pace_ratio": (SERIES, ratio),
            "need": (SERIES, np.where(usable, need, np.nan)),
            "months_left": (SERIES, months_left),
            "last_month": (SERIES, t),
            "target": (SERIES, target),
            "note": (SERIES, note),
        },
        coords={SERIES: state[SERIES].values},
        attrs=provenance(
            forecast,
            prob=prob,
            units="per month, in the indicator's unit",
            definition=(
                "required_pace = c * mean(R) / months_left with c = need / quantile_{1-prob}(R), "
                "R = simulated increase from the latest report to the deadline"
            ),
        ),
    )
    out = with_series_labels(out, state, ("unit", "name_zh", "name_en", "kind"))
    return out


__all__ = ["DEFAULT_PACE_PROB", "required_pace"]
