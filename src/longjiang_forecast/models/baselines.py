"""Baselines every real user knows: linear run rate, the SDG required-rate ratio, Earned Schedule.

They are here to be beaten. Each turns a familiar point indicator into
parameter draws so that the simulator, the summaries and the backtest treat
it exactly like the statistical models.

References
----------
.. [1] UN ESCAP (2017). *Asia and the Pacific SDG Progress Report 2017*,
   methodological annex: the ratio of the current rate of progress to the rate
   required to reach the target ("anticipated progress").
.. [2] Lipke, W. (2003). Schedule is different. *The Measurable News*,
   Summer 2003, 31-34 (Earned Schedule, SPI(t) = ES / AT).
.. [3] Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: principles and
   practice*, 3rd ed., section 5.2 (the drift method). https://otexts.com/fpp3/
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from ._common import (
    CountFit,
    MeanFit,
    Refusal,
    SeriesContext,
    SeriesModel,
    increments,
    reference_weights,
    remaining_profile,
    t_interval_ratio,
)


def _rate_fit(ctx: SeriesContext, since: int, default_cv: float) -> tuple[float, float, float, int]:
    """Mean monthly rate since month ``since`` and its log standard error.

    Returns
    -------
    rate : float
        (value at the last report - value at ``since``) / months, >= 0.
    se_log : float
        Standard error of log(rate): cv / sqrt(months), cv the coefficient of
        variation of the monthly increments (``default_cv`` with fewer than 3).
    cv : float
        That coefficient of variation.
    df : int
        Degrees of freedom of the rate's Student t interval (0: normal).
    """
    t = ctx.last_month
    incs = [(m0, m1, d) for m0, m1, d in increments(ctx.observed, ctx.origin) if m0 >= since]
    months = t - since
    value_then = ctx.origin if since == 0 else float(ctx.observed[since - 1])
    rate = max((ctx.last_value - value_then) / months, 0.0)
    if len(incs) >= 3 and rate > 0:
        per = np.array([d / (m1 - m0) for m0, m1, d in incs])
        w = np.array([m1 - m0 for m0, m1, _ in incs], float)
        var = np.sum(w * (per - rate) ** 2) / max(w.sum() - 1, 1)
        cv = max(math.sqrt(var) / rate, 0.05)
        df = len(incs) - 1
    else:
        cv, df = default_cv, 0
    return rate, cv / math.sqrt(months), cv, df


#: Points that a baseline's own (model-based) spread counts as, pooled with the projection errors
#: of its earlier years.
_PRIOR_YEARS = 1
#: Smallest realised/projected ratio of the rest of a year counted (an earlier year that stalled).
_MIN_RATIO = 0.01


def _projection_errors(ctx: SeriesContext, log_error: Any) -> np.ndarray:
    """Log errors of a baseline's projection in each earlier year, made as of the same month.

    Parameters
    ----------
    ctx : SeriesContext
        The series; its ``history`` holds the earlier years.
    log_error : callable
        ``log_error(year, values, start) -> float``: in an earlier year with monthly values
        ``values`` (12,) starting from ``start``, the log of what happened over the rest of
        the year over what the baseline would have projected after month ``t`` (the as-of
        month) from the reports up to ``t``; NaN when it cannot project.

    Returns
    -------
    ndarray of shape (n_years,)
        The finite errors of the earlier years with reports after month ``t`` and in
        December: how wrong the same projection was at the same point of the year, the
        seasonal pattern's year-to-year variation included.
    """
    t = ctx.last_month
    out = []
    for y, values in sorted(ctx.history.items()):
        start = 0.0 if ctx.kind == "cumulative" else ctx.history.get(y - 1, np.full(12, np.nan))[11]
        if not (0 < t < 12 and np.isfinite(start) and np.isfinite(values[[t - 1, 11]]).all()):
            continue
        err = float(log_error(y, values, start))
        if np.isfinite(err):
            out.append(err)
    return np.array(out)


def _log_ratio(realised: float, projected: float) -> float:
    """``log(realised / projected)``, the realised part at least :data:`_MIN_RATIO` of the projected."""
    if not (np.isfinite(projected) and projected > 0):
        return math.nan
    return math.log(max(realised, _MIN_RATIO * projected) / projected)


def _pooled_sd(own_sd: float, errors: np.ndarray, own_points: int = _PRIOR_YEARS) -> tuple[float, int]:
    """Spread of the projection's log error: the model's own sd pooled with earlier years' errors.

    The model's sd counts as ``own_points`` point(s) and each earlier year's squared
    error as one (errors around zero: a baseline's systematic miss widens its interval
    instead of moving its centre); the returned degrees of freedom are the points pooled
    (the conjugate scaled-inverse-χ² update, Gelman et al. 2013, *Bayesian Data Analysis*,
    3rd ed., §3.3). Without earlier years: ``own_sd`` and 0.
    """
    if errors.size == 0:
        return own_sd, 0
    nu = own_points + errors.size
    return math.sqrt((own_points * own_sd**2 + float(np.sum(errors**2))) / nu), nu


def _t_matched_sd(sd: float, df: int) -> float:
    """Sd of the normal whose 90 % interval is that of a Student t with ``df`` (``sd`` itself for df 0).

    A small sample's Student t interval, carried on the log scale by a normal: ``exp`` of a Student t
    has no mean (its tail would put members of 1e100 into an ensemble), ``exp`` of a normal does.
    """
    return sd * t_interval_ratio(df) if df > 0 else sd


def _rate_sampler(rate: float, se_log: float, df: int, months_left: int, error_sd: float = 0.0) -> Any:
    """Sampler of the remaining work at a monthly ``rate`` for ``months_left`` months.

    Two log-normal errors: the rate's estimation error (log sd ``se_log`` widened to the Student t
    interval of ``df``; mean-preserving) and the projection's error in earlier years (log sd
    ``error_sd``; the projection stays its median).
    """
    sd = _t_matched_sd(se_log, df)
    total = math.hypot(sd, error_sd)

    def draw(gen: np.random.Generator, n: int) -> np.ndarray:
        return rate * np.exp(total * gen.standard_normal(n) - 0.5 * sd**2) * months_left

    return draw


def _persistence(ctx: SeriesContext, default_cv: float) -> MeanFit:
    """Annual mean by persistence: the remaining months look like this year's months so far."""
    seen = np.isfinite(ctx.observed) & (ctx.observed > 0)
    if not seen.any():
        raise Refusal("no monthly value reported this year: persistence needs at least one")
    logs = np.log(ctx.observed[seen])
    n = logs.size
    sd = float(np.std(logs, ddof=1)) if n >= 2 else default_cv
    sd = max(sd, 0.05)
    df = n - 1 if n >= 3 else 0
    level = float(logs.mean())

    effect_sd = _t_matched_sd(sd / math.sqrt(n), df)

    def year_effect(gen: np.random.Generator, size: int) -> np.ndarray:
        return effect_sd * gen.standard_normal(size)

    return MeanFit(log_mean=np.full(12, level), year_effect=year_effect, log_sd=sd)


def _planned_value(curves: list[np.ndarray], ctx: SeriesContext, need: float) -> tuple[Any, Any]:
    """Earned Schedule's planned value ``PV(τ)`` and its inverse ``ES(value)`` for a plan of ``need``.

    The plan reaches ``need`` at the deadline along the mean of ``curves`` (cumulative shares
    after months 0..12 of earlier years; the reference profile of the tags when there are
    none) and goes on at its October-December slope after December.
    """
    from .seasonal_share import _fill_curve

    if curves:
        stacked = np.array(curves)
        seen = np.isfinite(stacked).any(axis=0)  # months no earlier year reported: filled below
        mean = np.full(stacked.shape[1], np.nan)
        mean[seen] = np.nanmean(stacked[:, seen], axis=0)
        share = _fill_curve(mean)
    else:
        share = np.concatenate([[0.0], np.cumsum(reference_weights(ctx.tags, ctx.deadline_month))])
    share = share + np.linspace(0, 1e-6, 13)  # strictly increasing, so ES is unique
    dl = max(ctx.deadline_month, 1)
    pv_grid = need * share / share[dl]
    slope = max((pv_grid[12] - pv_grid[9]) / 3, need / 120)

    def pv(tau: np.ndarray) -> np.ndarray:
        tau = np.asarray(tau, float)
        inside = np.interp(np.minimum(tau, 12), np.arange(13), pv_grid)
        return inside + slope * np.maximum(tau - 12, 0)

    def es_of(value: np.ndarray) -> np.ndarray:
        value = np.asarray(value, float)
        inside = np.interp(np.minimum(value, pv_grid[12]), pv_grid, np.arange(13))
        return inside + np.maximum(value - pv_grid[12], 0) / slope

    return pv, es_of


class RunRateModel(SeriesModel):
    """Linear run rate: the mean monthly increase since 1 January goes on to December.

    The drift method of forecasting ([3]_): the rate ``r = (C_t - C_0) / t``
    continues, flat over the remaining months. Parameter uncertainty: ``log r``
    is normal around its estimate with standard error ``cv / sqrt(t)``, widened
    to the Student t's 90 % interval for few increments, ``cv`` the
    coefficient of variation of this year's monthly increments; month-to-month
    Gamma noise with the same ``cv``. Annual means: persistence of this year's
    monthly values (no seasonality, deliberately naive).
    Milestones: refused (see :class:`MilestoneModel`).

    Parameters
    ----------
    default_cv : float, default 0.5
        Coefficient of variation of monthly increments (and log sd of monthly
        means) when fewer than 3 increments are reported.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.

    References
    ----------
    .. [3] Hyndman, R. J. & Athanasopoulos, G. (2021). *Forecasting: principles
       and practice*, 3rd ed., section 5.2. https://otexts.com/fpp3/
    """

    _constraints = {"default_cv": {"kind": Real, "low": 0, "closed": "neither"}}  # noqa: RUF012

    def __init__(self, *, default_cv: float = 0.5) -> None:
        self.default_cv = default_cv

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        t = ctx.last_month
        if t == 0:
            raise Refusal("no report yet this year: a run rate needs at least one report")
        rate, se_log, cv, df = _rate_fit(ctx, 0, self.default_cv)
        left = 12 - t
        self.basis_[ctx.index] = f"run rate {rate:.4g}/month over {t} month(s) (cv {cv:.2f})"
        # How wrong the run rate was at month t of earlier years (their seasonal patterns): the
        # spread beyond this year's own (rate and month-to-month noise) widens the rate's draws.
        errors = _projection_errors(
            ctx,
            lambda y, values, start: _log_ratio(
                values[11] - values[t - 1], (values[t - 1] - start) / t * left
            ),
        )
        # Both estimate the spread of log(realised / projected): this year's increments (the rate's
        # standard error and the month-to-month noise, on df points) and the earlier years' errors
        # (one point each); pooled, widened to the Student t interval of all the points, less the
        # noise the simulator adds. The rate's own part stays mean-preserving, the rest is centred.
        noise = cv / math.sqrt(max(left, 1))
        rate_sd, error_sd = _t_matched_sd(se_log, df), 0.0
        if errors.size:
            pooled, nu = _pooled_sd(math.hypot(se_log, noise), errors, max(df, _PRIOR_YEARS))
            total = math.sqrt(max(_t_matched_sd(pooled, nu) ** 2 - noise**2, 0.0))
            rate_sd, error_sd = min(rate_sd, total), math.sqrt(max(total**2 - rate_sd**2, 0.0))
            self.basis_[ctx.index] += (
                f"; its month-{t} projections of {errors.size} earlier year(s) erred by "
                f"{np.sqrt(np.mean(errors**2)):.2f} (log rms): log sd of the rest of the year {total:.2f}"
            )
        return CountFit(
            remaining=_rate_sampler(rate, rate_sd, 0, left, error_sd),
            profile=remaining_profile(np.ones(12), t),
            concentration=max(left, 1) / cv**2,
            extra={"run_rate": rate},
        )

    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        fit = _persistence(ctx, self.default_cv)
        self.basis_[ctx.index] = "persistence of this year's monthly means (no seasonal profile)"
        return fit


class RequiredRateModel(SeriesModel):
    """The SDG required-rate ratio: actual (recent) rate ÷ rate required to reach the target.

    ``ratio = a / q`` with ``a`` the mean monthly increase over the last
    ``window`` months of reports and ``q = (target - C_t) / (deadline - t)``
    ([1]_; the ratio is stored as ``rate_ratio``). Draws project the recent
    rate ``a`` flat to December, with the parameter and month-to-month
    uncertainty of :class:`RunRateModel`. A ratio >= 1 means "on track" in the
    SDG reading; the probability says how sure that reading is.

    Parameters
    ----------
    window : int, default 3
        Months of recent reports behind the actual rate (the latest report at
        least ``window`` months before the last one, or 1 January).
    default_cv : float, default 0.5
        As in :class:`RunRateModel`.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.

    References
    ----------
    .. [1] UN ESCAP (2017). *Asia and the Pacific SDG Progress Report 2017*,
       methodological annex.
    """

    _constraints = {  # noqa: RUF012
        "window": {"kind": int, "low": 1, "high": 11},
        "default_cv": {"kind": Real, "low": 0, "closed": "neither"},
    }

    def __init__(self, *, window: int = 3, default_cv: float = 0.5) -> None:
        self.window = window
        self.default_cv = default_cv

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        t = ctx.last_month
        if t == 0:
            raise Refusal("no report yet this year: a required-rate ratio needs at least one report")
        reported = [int(m) + 1 for m in np.flatnonzero(np.isfinite(ctx.observed[: t - 1]))]
        earlier = [m for m in reported if m <= t - self.window]
        since = max(earlier) if earlier else 0
        rate, se_log, cv, df = _rate_fit(ctx, since, self.default_cv)
        gap = ctx.need - ctx.done
        months = ctx.deadline_month - t
        required = max(gap, 0.0) / months if months > 0 else (0.0 if gap <= 0 else math.inf)
        ratio = rate / required if required > 0 else math.inf
        left = 12 - t
        self.basis_[ctx.index] = (
            f"actual/required rate = {rate:.4g}/{required:.4g} = {ratio:.2f} "
            f"(actual rate over months {since}-{t})"
        )
        return CountFit(
            remaining=_rate_sampler(rate, se_log, df, left),
            profile=remaining_profile(np.ones(12), t),
            concentration=max(left, 1) / cv**2,
            extra={"rate_ratio": ratio, "required_rate": required, "actual_rate": rate},
        )

    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        raise Refusal(
            "the required-rate ratio applies to quantities that accumulate; for an annual mean use "
            "'run_rate', 'ets' or 'hierarchical'"
        )


class EarnedScheduleModel(SeriesModel):
    """Earned Schedule: SPI(t) = ES / AT against a planned trajectory, projected forward.

    The planned value ``PV(τ)`` reaches the target at the deadline along the
    mean share curve of earlier years of the family (the reference profile
    when there is none; see :func:`reference_profile`). The earned schedule
    ``ES`` is the time at which the plan reached the value earned now (``C_t``)
    and ``SPI(t) = ES / t`` ([2]_). The rest of the year follows the plan at
    that pace: after month ``m`` the value is ``PV(ES + SPI (m - t))``.
    Parameter uncertainty: ``log SPI`` is normal with sd
    ``sqrt(spi_sd² + var(log SPI_k))`` over this year's report months ``k``.

    Parameters
    ----------
    spi_sd : float, default 0.15
        Log sd of the future pace around the SPI measured now.
    month_concentration : float, default 200
        Gamma shape of a full year of increments around the projected path.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.

    References
    ----------
    .. [2] Lipke, W. (2003). Schedule is different. *The Measurable News*,
       Summer 2003, 31-34.
    """

    _constraints = {  # noqa: RUF012
        "spi_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "month_concentration": {"kind": Real, "low": 0, "closed": "neither"},
    }

    def __init__(self, *, spi_sd: float = 0.15, month_concentration: float = 200.0) -> None:
        self.spi_sd = spi_sd
        self.month_concentration = month_concentration

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        t = ctx.last_month
        if t == 0:
            raise Refusal("no report yet this year: Earned Schedule needs at least one report")
        if ctx.need <= 0:
            raise Refusal("Earned Schedule needs a target above last year's value (a positive plan)")
        from .seasonal_share import _share_curve

        curves = {}
        for y, values in sorted(ctx.history.items()):
            start = 0.0 if ctx.kind == "cumulative" else ctx.history.get(y - 1, np.full(12, np.nan))[11]
            curve = _share_curve(values, start)
            if curve is not None:
                curves[y] = curve
        plan = f"mean share curve of {len(curves)} earlier year(s)" if curves else "reference profile"
        pv, es_of = _planned_value(list(curves.values()), ctx, ctx.need)
        left = 12 - t

        def log_error(y: int, values: np.ndarray, start: float) -> float:
            # That year's own plan (its target, else its total) along the other years' curves.
            need_y = ctx.history_targets.get(y, np.nan) - (0.0 if ctx.kind == "cumulative" else start)
            if not (np.isfinite(need_y) and need_y > 0):
                need_y = values[11] - start
            if not need_y > 0:
                return math.nan
            _, es_y = _planned_value([c for k, c in curves.items() if k != y], ctx, need_y)
            es_t = float(es_y(max(values[t - 1] - start, 0.0)))
            # The pace that year kept over the rest of the year against the pace it had by month t.
            kept = (float(es_y(max(values[11] - start, 0.0))) - es_t) / left
            return _log_ratio(kept, max(es_t / t, 0.02))

        errors = _projection_errors(ctx, log_error)
        reported = np.flatnonzero(np.isfinite(ctx.observed[:t])) + 1
        earned = ctx.observed[reported - 1] - ctx.origin
        spis = np.maximum(es_of(np.maximum(earned, 0)) / reported, 0.02)
        spi = float(spis[-1])
        es = float(es_of(max(ctx.done, 0.0)))
        own = math.sqrt(self.spi_sd**2 + (float(np.var(np.log(spis), ddof=1)) if spis.size >= 3 else 0.0))
        # How far the pace of the rest of the year strayed from SPI(t) in the earlier years (each
        # against the other years' plan): the pace's spread pooled with those errors.
        pooled, nu = _pooled_sd(own, errors)
        sd = _t_matched_sd(pooled, nu)
        done = ctx.done

        def remaining(gen: np.random.Generator, n: int) -> np.ndarray:
            spi_d = spi * np.exp(sd * gen.standard_normal(n))
            return np.maximum(pv(es + spi_d * left) - done, 0.0)

        path = pv(es + spi * (np.arange(13) - t).clip(0))
        weights = np.diff(path)
        self.basis_[ctx.index] = (
            f"Earned Schedule: SPI(t) = {spi:.2f} (ES {es:.1f} / AT {t}) against the {plan}"
        )
        if errors.size:
            self.basis_[ctx.index] += (
                f"; in {errors.size} earlier year(s) the pace after month {t} strayed from SPI({t}) "
                f"by {np.sqrt(np.mean(errors**2)):.2f} (log rms): log sd of the pace {sd:.2f}"
            )
        return CountFit(
            remaining=remaining,
            profile=remaining_profile(weights / max(weights.sum(), 1e-12), t),
            concentration=self.month_concentration * left / 12,
            extra={"spi": spi, "earned_schedule": es},
        )
