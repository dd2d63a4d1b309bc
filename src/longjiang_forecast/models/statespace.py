"""State-space (exponential-smoothing family) model of monthly increments, fitted with statsmodels.

Monthly increments of a count (or of a level's change since last December)
are divided by the year's target, so that years with different plans share
one scale, and transformed (log or Box-Cox). The transformed series, earlier
years of the family first and this year last, is fitted by
:class:`statsmodels.tsa.statespace.structural.UnobservedComponents` (the
local level model is simple exponential smoothing in state-space form [1]_);
months whose increment is unknown (gaps between reports) are missing values
for the Kalman filter. Candidate structures (a deterministic constant with
the log seasonal profile as a regressor, a local level, and a local level
with a stochastic 12-month seasonal when there is enough data) are ranked by
AICc [2]_. The seasonal profile of a year is the mean monthly share of the
*other* earlier years of the family (cumulative shares interpolated linearly
between reports; :func:`history_weights`), else the reference profile of the
indicator's tags; a flat profile is a constant, collinear with the level, and
is left out. Without it a local level absorbs the season (e.g. the small
November-December increments of the national old-community renovation) as a
random walk with a large variance, whose 7-month extrapolation on the log
scale gave 80 % intervals such as [2.8, 28] for a target of 5.4.

Parameter uncertainty enters the draws: parameter vectors are drawn from the
asymptotic normal law of the maximum-likelihood estimates and the model is
re-filtered with each; the forecast level's uncertainty is a per-draw shift,
the irregular component becomes the simulator's month-to-month Gamma noise.
Simulation happens in the library's engine; statsmodels' own ``simulate``
serves as a cross-check in the tests.

Annual means (PM2.5) are handled the same way on the log monthly means minus
the mean seasonal profile of earlier years.

References
----------
.. [1] Durbin, J. & Koopman, S. J. (2012). *Time Series Analysis by State Space
   Methods*, 2nd ed., Oxford University Press (chapters 2-3).
.. [2] Hurvich, C. M. & Tsai, C.-L. (1989). Regression and time series model
   selection in small samples. *Biometrika* 76(2), 297-307.
   https://doi.org/10.1093/biomet/76.2.297
.. [3] Hyndman, R. J. et al. (2008). *Forecasting with Exponential Smoothing:
   the State Space Approach*, Springer.
.. [4] Box, G. E. P. & Cox, D. R. (1964). An analysis of transformations.
   *JRSS B* 26(2), 211-252.
.. [5] Seabold, S. & Perktold, J. (2010). statsmodels: econometric and
   statistical modeling with Python. *Proc. 9th Python in Science Conf.*
"""

from __future__ import annotations

import math
import warnings
from numbers import Integral
from typing import Any

import numpy as np

from .._core.rng import named_stream
from ._common import (
    CountFit,
    MeanFit,
    Refusal,
    SeriesContext,
    SeriesModel,
    reference_weights,
    remaining_profile,
)

#: Full earlier years (a December report) a count needs: the seasonal regressor of each year is
#: the profile of the *other* earlier years, so with one the season is not learnt from the data.
MIN_SEASONAL_CYCLES = 2
#: A fit is unstable when the 99th percentile of the year's change in its draws exceeds this
#: multiple of the larger of the plan's change and the largest earlier year's.
MAX_CHANGE_MULTIPLE = 10.0
#: Gauss-Hermite nodes and weights for E[g(mu + sigma Z)].
_GH_X, _GH_W = np.polynomial.hermite.hermgauss(15)


def _expect(inverse: Any, mu: np.ndarray, sd: float) -> np.ndarray:
    """E[inverse(mu + sd Z)], Z standard normal, by Gauss-Hermite quadrature."""
    nodes = np.asarray(mu, float)[..., None] + math.sqrt(2.0) * sd * _GH_X
    return np.sum(_GH_W * inverse(nodes), axis=-1) / math.sqrt(math.pi)


class _Transform:
    """Log or Box-Cox transform of normalised increments with an offset for zeros."""

    def __init__(self, kind: str, positive: np.ndarray, has_zero: bool) -> None:
        from scipy import stats

        # An offset only where a month had no progress at all (log 0); none otherwise.
        self.offset = (
            0.5 * float(np.min(positive)) if has_zero and positive.size else (0.0 if positive.size else 1e-3)
        )
        self.lam = 0.0
        if kind == "boxcox" and positive.size >= 5:
            _, lam = stats.boxcox(positive + self.offset)
            self.lam = float(np.clip(lam, -1.0, 1.0))

    def forward(self, x: np.ndarray) -> np.ndarray:
        y = np.maximum(np.asarray(x, float), 0.0) + self.offset
        y = np.maximum(y, 1e-12)
        return np.log(y) if abs(self.lam) < 1e-8 else (y**self.lam - 1) / self.lam

    def inverse(self, z: np.ndarray) -> np.ndarray:
        lam = self.lam
        y = np.exp(z) if abs(lam) < 1e-8 else np.maximum(lam * z + 1, 1e-12) ** (1 / lam)
        return np.maximum(y - self.offset, 0.0)


def _candidates(n_obs: int, seasonal_regressor: bool) -> list[dict[str, Any]]:
    """Candidate structures; with a flat profile the regressor is a constant, collinear with the level."""
    cands: list[dict[str, Any]] = [
        {"level": "dconstant", "exog": seasonal_regressor},
        {"level": "llevel", "exog": False},
    ]
    if n_obs >= 30:
        cands.append({"level": "llevel", "exog": False, "seasonal": 12})
    return cands


def history_weights(ctx: SeriesContext, exclude: int | None = None) -> np.ndarray | None:
    """Mean monthly weights of the earlier years of a count: the share of the year's change in each month.

    Parameters
    ----------
    ctx : SeriesContext
        A count or level with its history.
    exclude : int, optional
        A year left out (so that a year's own increments never explain themselves).

    Returns
    -------
    ndarray of shape (12,) or None
        Weights summing to 1, the average over earlier years whose December is
        reported of the cumulative share interpolated linearly between reports
        (a gap of several months shares its change evenly); None when no
        earlier year qualifies.
    """
    rows = [w for y, w in _full_years(ctx).items() if y != exclude]
    if not rows:
        return None
    mean = np.mean(rows, axis=0)
    return mean / mean.sum()


def _full_years(ctx: SeriesContext) -> dict[int, np.ndarray]:
    """Monthly weights (12,) of each earlier year with a December report and a positive total."""
    out = {}
    for y, values in sorted(ctx.history.items()):
        start = 0.0 if ctx.kind == "cumulative" else ctx.history.get(y - 1, np.full(12, np.nan))[11]
        total = values[11] - start
        if not (np.isfinite(total) and total > 0):
            continue
        known = np.flatnonzero(np.isfinite(values))
        curve = np.interp(np.arange(13), [0, *(known + 1)], [0.0, *((values[known] - start) / total)])
        out[y] = np.clip(np.diff(curve), 0.0, None)
    return out


def fit_unobserved_components(
    endog: np.ndarray, exog: np.ndarray | None, candidates: list[dict[str, Any]]
) -> tuple[Any, dict[str, Any], list[tuple[str, float]]]:
    """Fit each candidate UnobservedComponents model and keep the one with the smallest AICc.

    Parameters
    ----------
    endog : ndarray of shape (n,)
        Transformed monthly series, NaN where unknown.
    exog : ndarray of shape (n,) or None
        The seasonal regressor (used by candidates with ``exog=True``).
    candidates : list of dict
        ``level`` (statsmodels trend spec), ``exog`` (bool), optional ``seasonal``.

    Returns
    -------
    results : statsmodels MLEResults
        The selected fit.
    spec : dict
        Its candidate spec.
    table : list of (str, float)
        Every candidate's label and AICc.

    Raises
    ------
    Refusal
        If no candidate can be fitted.
    ImportError
        If statsmodels is not installed (it comes with the ``ets`` extra).
    """
    try:
        from statsmodels.tsa.statespace.structural import UnobservedComponents
    except ImportError as err:
        raise ImportError(
            "ETSModel needs statsmodels: pip install 'longjiang_forecast[ets]' (statsmodels)."
        ) from err

    best, best_spec, table = None, None, []
    for spec in candidates:
        kwargs = {"level": spec["level"]}
        if spec.get("seasonal"):
            kwargs["seasonal"] = spec["seasonal"]
        x = exog[:, None] if spec["exog"] and exog is not None else None
        label = (
            spec["level"]
            + (" + seasonal regressor" if x is not None else "")
            + (" + seasonal(12)" if spec.get("seasonal") else "")
        )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = UnobservedComponents(endog, exog=x, **kwargs)
                res = model.fit(disp=False, maxiter=200)
            aicc = float(res.aicc)
        except (ValueError, np.linalg.LinAlgError):
            continue
        if not np.isfinite(aicc):
            continue
        table.append((label, aicc))
        if best is None or aicc < float(best.aicc):
            best, best_spec = res, {**spec, "label": label}
    if best is None or best_spec is None:
        raise Refusal("no state-space candidate could be fitted to the monthly increments")
    return best, best_spec, table


def _check_stable(ctx: SeriesContext, remaining: Any, full: dict[int, np.ndarray]) -> None:
    """Refuse a fit whose draws of the year's change blow up (an unstable extrapolation).

    Raises
    ------
    Refusal
        If the 99th percentile of the year's change over 2,000 draws (a fixed seed) exceeds
        :data:`MAX_CHANGE_MULTIPLE` times the larger of the plan's change and the largest
        earlier year's.
    """
    totals = [
        ctx.history[y][11] - (0.0 if ctx.kind == "cumulative" else ctx.history[y - 1][11]) for y in full
    ]
    yardstick = max([ctx.need, *totals])
    change = ctx.done + remaining(named_stream(np.random.SeedSequence(20241), ctx.label), 2000)
    q99 = float(np.quantile(change, 0.99))
    if not q99 <= MAX_CHANGE_MULTIPLE * yardstick:
        raise Refusal(
            f"the state-space fit is unstable: 1 % of its draws end the year above {q99:.4g}, more than "
            f"{MAX_CHANGE_MULTIPLE:g} times the larger of the plan's change and the largest earlier "
            f"year's ({yardstick:.4g}); use 'seasonal_share' or 'earned_schedule'"
        )


def _held_out_residuals(logs: np.ndarray, j: int) -> np.ndarray:
    """Log residuals of earlier year ``j`` from the profile of the *other* earlier years, rescaled.

    Residuals from a profile that includes the year itself shrink towards zero (one earlier
    year leaves none at all), and the noise learnt from them would be too small. Against the
    profile of the other ``n_m − 1`` years a month's residual has ``1 + 1/(n_m − 1)`` times the
    variance of its noise (and of the year effect), this year's against the full profile
    ``1 + 1/n_m``: the rescaling by the square root of their ratio gives both one law, the law
    of the months to come.

    Parameters
    ----------
    logs : ndarray of shape (n_years, 12)
        Log monthly values of the earlier years (NaN where unknown).
    j : int
        The row of the year.

    Returns
    -------
    ndarray of shape (12,)
        NaN where the year, or every other year, has no value.
    """
    others = np.delete(logs, j, axis=0)
    n_other = np.isfinite(others).sum(axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        held_out = np.nanmean(others, axis=0)
        scale = np.sqrt((1 + 1 / (n_other + 1)) / (1 + 1 / n_other))
    return np.where(n_other > 0, (logs[j] - held_out) * scale, np.nan)


def _or(weights: np.ndarray | None, default: np.ndarray) -> np.ndarray:
    return default if weights is None else weights


def _param_draws(res: Any, n: int, gen: np.random.Generator, uncertain: bool) -> np.ndarray:
    """Parameter vectors from the asymptotic normal law of the MLE (variances kept positive)."""
    params = np.asarray(res.params, float)
    if not uncertain:
        return np.repeat(params[None], n, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cov = np.asarray(res.cov_params(), float)
    if not np.all(np.isfinite(cov)):
        cov = np.diag(np.where(np.isfinite(np.diag(cov)), np.abs(np.diag(cov)), 0.0))
    cov = 0.5 * (cov + cov.T)
    vals, vecs = np.linalg.eigh(cov)
    root = vecs * np.sqrt(np.clip(vals, 0, None))
    draws = params[None] + gen.standard_normal((n, params.size)) @ root.T
    names = list(res.model.param_names)
    for i, name in enumerate(names):
        if name.startswith("sigma2"):
            # Keep variances positive: reflect onto a log-normal with the same first two moments.
            m, v = max(params[i], 1e-12), max(cov[i, i], 0.0)
            s2 = math.log1p(v / m**2)
            draws[:, i] = m * np.exp(math.sqrt(s2) * gen.standard_normal(n) - s2 / 2)
    return draws


def _forecast(
    res: Any, params: np.ndarray, steps: int, exog_future: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, float]:
    """Forecast mean and variance of the next ``steps`` values under ``params``; also sigma2.irregular."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        filt = res.model.filter(params)
        fc = filt.get_forecast(steps=steps, exog=None if exog_future is None else exog_future[:, None])
    names = list(res.model.param_names)
    irregular = float(params[names.index("sigma2.irregular")]) if "sigma2.irregular" in names else 0.0
    return np.asarray(fc.predicted_mean, float), np.asarray(fc.var_pred_mean, float), max(irregular, 0.0)


class ETSModel(SeriesModel):
    """Exponential smoothing in state-space form (UnobservedComponents) on normalised monthly increments.

    Parameters
    ----------
    transform : {"log", "boxcox"}, default "log"
        Scale of the increments (share of the year's target plus a small
        offset for zero months); "boxcox" estimates λ in [-1, 1] by maximum
        likelihood ([4]_).
    param_uncertainty : bool, default True
        Draw the parameters from their asymptotic normal law; False uses the
        point estimates (innovation noise only).
    n_param_draws : int, default 20
        Parameter vectors re-filtered per series; draws cycle through them.
    min_obs : int, default 8
        Fewest known monthly increments (consecutive reports, all years) to fit.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.
    results_ : dict of int to statsmodels results
        The selected fit of each series.
    selection_ : dict of int to list of (str, float)
        Candidate structures and their AICc per series.

    Notes
    -----
    Given the parameter draw ``j`` the transformed increments of the remaining
    months are normal with mean ``μ_jm`` and variance ``v_jm``; the part of
    ``v_jm`` above the irregular variance ``σ²`` (level and parameter
    uncertainty) becomes a per-draw shift ``δ ~ N(0, mean_m(v_jm) − σ²)``,
    and the expected increment ``E[g⁻¹(μ_jm + δ + σ Z)]`` (Gauss-Hermite) times
    the year's target is the remaining work of that draw. The simulator adds
    Gamma noise with the coefficient of variation of the irregular component.

    References
    ----------
    .. [1] Durbin, J. & Koopman, S. J. (2012). *Time Series Analysis by State
       Space Methods*, 2nd ed.
    .. [2] Hurvich, C. M. & Tsai, C.-L. (1989). *Biometrika* 76(2), 297-307.
    .. [4] Box, G. E. P. & Cox, D. R. (1964). *JRSS B* 26(2), 211-252.
    """

    _constraints = {  # noqa: RUF012
        "transform": {"options": ("log", "boxcox")},
        "param_uncertainty": {"options": (True, False)},
        "n_param_draws": {"kind": Integral, "low": 1, "high": 10_000},
        "min_obs": {"kind": Integral, "low": 3},
    }

    def __init__(
        self,
        *,
        transform: str = "log",
        param_uncertainty: bool = True,
        n_param_draws: int = 20,
        min_obs: int = 8,
    ) -> None:
        self.transform = transform
        self.param_uncertainty = param_uncertainty
        self.n_param_draws = n_param_draws
        self.min_obs = min_obs

    def _prepare(self, contexts: list[SeriesContext]) -> None:
        self.results_: dict[int, Any] = {}
        self.selection_: dict[int, list[tuple[str, float]]] = {}

    # -- counts ---------------------------------------------------------------------------
    def _timeline(self, ctx: SeriesContext) -> tuple[np.ndarray, list[int]]:
        """Normalised monthly increments, earlier years then this year, NaN where unknown."""
        years = [*sorted(ctx.history), ctx.year]
        first = years[0]
        all_years = list(range(first, ctx.year + 1))
        out = np.full(12 * len(all_years), np.nan)
        for k, y in enumerate(all_years):
            if y == ctx.year:
                values, start, scale = ctx.observed, ctx.origin, ctx.need
            elif y in ctx.history:
                values = ctx.history[y]
                start = 0.0 if ctx.kind == "cumulative" else ctx.history.get(y - 1, np.full(12, np.nan))[11]
                scale = ctx.history_targets.get(y, np.nan) - (0.0 if ctx.kind == "cumulative" else start)
                if not np.isfinite(scale) or scale <= 0:
                    scale = values[11] - start if np.isfinite(values[11]) else np.nan
            else:
                continue
            if not (np.isfinite(scale) and scale > 0 and np.isfinite(start)):
                continue
            prev = np.concatenate([[start], values[:-1]])
            inc = (values - prev) / scale
            out[12 * k : 12 * k + 12] = inc
        return out, all_years

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        if ctx.need <= 0:
            raise Refusal("the state-space model needs a target above last year's value (a positive plan)")
        full = _full_years(ctx)
        if len(full) < MIN_SEASONAL_CYCLES:
            raise Refusal(
                f"the state-space model needs {MIN_SEASONAL_CYCLES} earlier years with a December "
                f"report to learn the seasonal pattern (found {len(full)}"
                + (f": {', '.join(map(str, full))}" if full else "")
                + "); with fewer it cannot tell the season from a change of level and extrapolates "
                "it; use 'seasonal_share' or 'earned_schedule'"
            )
        t = ctx.last_month
        series, years = self._timeline(ctx)
        n_now = 12 * (len(years) - 1) + t
        series = series[:n_now]
        known = np.isfinite(series)
        if known.sum() < self.min_obs:
            raise Refusal(
                f"the state-space model needs at least {self.min_obs} known monthly increments "
                f"(consecutive reports, this year and earlier ones); found {int(known.sum())}"
            )
        positive = series[known & (series > 0)]
        tr = _Transform(self.transform, positive, bool(np.any(series[known] <= 0)))
        endog = np.where(known, tr.forward(np.where(known, series, 0.0)), np.nan)
        # Seasonal regressor of each year: the profile of the *other* earlier years (the reference
        # profile when there are none), so that no year's increments explain themselves.
        reference = reference_weights(ctx.tags, ctx.deadline_month)
        exog_all = np.concatenate(
            [np.log(np.maximum(_or(history_weights(ctx, exclude=y), reference), 1e-3)) for y in years]
        )
        informative = bool(np.ptp(exog_all[:n_now][known]) > 1e-6)
        res, spec, table = fit_unobserved_components(
            endog, exog_all[:n_now], _candidates(int(known.sum()), informative)
        )
        self.results_[ctx.index] = res
        self.selection_[ctx.index] = table
        steps = 12 - t
        uses_exog = spec["exog"]
        exog_future = exog_all[n_now : n_now + steps] if uses_exog else None
        need, done = ctx.need, ctx.done
        n_par = self.n_param_draws if self.param_uncertainty else 1
        # Parameter draws are made once here (they are part of the fit), from a fixed stream per series
        # keyed by its name.
        gen_fit = named_stream(np.random.SeedSequence(20240), ctx.label)
        params = _param_draws(res, n_par, gen_fit, self.param_uncertainty)
        means, shift_sd, irregular = [], [], []
        if steps > 0:
            for p in params:
                mu, var, s2 = _forecast(res, p, steps, exog_future)
                means.append(mu)
                shift_sd.append(math.sqrt(max(float(np.mean(var)) - s2, 0.0)))
                irregular.append(s2)
        means_a = np.array(means).reshape(len(params), steps)
        shift_a = np.array(shift_sd) if steps > 0 else np.zeros(len(params))
        irr_a = np.array(irregular) if steps > 0 else np.zeros(len(params))

        def remaining(gen: np.random.Generator, n: int) -> np.ndarray:
            if steps == 0:
                return np.zeros(n)
            j = np.arange(n) % len(params)
            delta = shift_a[j] * gen.standard_normal(n)
            out = np.empty(n)
            for k in range(len(params)):
                sel = j == k
                mu = means_a[k][None, :] + delta[sel][:, None]
                out[sel] = need * _expect(tr.inverse, mu, math.sqrt(irr_a[k])).sum(axis=1)
            return out

        _check_stable(ctx, remaining, full)
        profile = np.zeros(12)
        if steps > 0:
            typical = np.mean(
                [_expect(tr.inverse, means_a[k], math.sqrt(irr_a[k])) for k in range(len(params))], axis=0
            )
            profile[t:] = typical
        s2 = float(np.mean(irr_a)) if steps > 0 else 0.0
        cv2 = max(math.expm1(s2), 1e-4)
        self.basis_[ctx.index] = (
            f"UnobservedComponents ({spec['label']}) on {self.transform} (λ {tr.lam:.2f}) "
            f"increments / target, AICc-selected of {len(table)}; {int(known.sum())} known months "
            f"({years[0]}-{ctx.year})"
        )
        return CountFit(
            remaining=remaining,
            profile=remaining_profile(profile / max(profile.sum(), 1e-12), t),
            concentration=max(steps, 1) / cv2,
            extra={
                "aicc": float(res.aicc),
                "sigma2_irregular": s2,
                "boxcox_lambda": tr.lam,
                "done_share": done / need,
            },
        )

    # -- annual means ---------------------------------------------------------------------
    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        past = {y: v for y, v in ctx.history.items() if np.isfinite(v).any()}
        if len(past) < 2:
            raise Refusal(
                "the state-space model of an annual mean needs at least two earlier years of monthly "
                f"values (found {len(past)}): with one, the seasonal profile is that year itself and "
                "leaves no month-to-month noise to learn from; 'seasonal_share' forecasts it with "
                "that uncertainty"
            )
        logs = np.log(np.array([past[y] for y in sorted(past)]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            profile = np.nanmean(logs, axis=0)
        if not np.all(np.isfinite(profile)):
            raise Refusal("no earlier year has a value for every calendar month")
        years = list(range(min(past), ctx.year + 1))
        t = ctx.last_month
        endog = np.full(12 * len(years), np.nan)
        for k, y in enumerate(years):
            if y == ctx.year:
                endog[12 * k : 12 * k + 12] = np.log(ctx.observed) - profile
            elif y in past:
                endog[12 * k : 12 * k + 12] = _held_out_residuals(logs, sorted(past).index(y))
        n_now = 12 * (len(years) - 1) + t
        endog = endog[:n_now]
        if np.isfinite(endog).sum() < self.min_obs:
            raise Refusal(f"the state-space model needs at least {self.min_obs} known months")
        cands = [{"level": "dconstant", "exog": False}, {"level": "llevel", "exog": False}]
        res, spec, table = fit_unobserved_components(endog, None, cands)
        self.results_[ctx.index] = res
        self.selection_[ctx.index] = table
        steps = 12 - t
        gen_fit = named_stream(np.random.SeedSequence(20240), ctx.label)
        params = _param_draws(
            res, self.n_param_draws if self.param_uncertainty else 1, gen_fit, self.param_uncertainty
        )
        level_mean, level_sd, irr = [], [], []
        for p in params:
            mu, var, s2 = _forecast(res, p, max(steps, 1), None)
            level_mean.append(float(np.mean(mu)))
            level_sd.append(math.sqrt(max(float(np.mean(var)) - s2, 0.0)))
            irr.append(s2)
        lm, ls = np.array(level_mean), np.array(level_sd)

        def year_effect(gen: np.random.Generator, n: int) -> np.ndarray:
            j = np.arange(n) % len(params)
            return lm[j] + ls[j] * gen.standard_normal(n)

        sigma = math.sqrt(float(np.mean(irr)))
        self.basis_[ctx.index] = (
            f"UnobservedComponents ({spec['label']}) on log monthly means minus the seasonal profile of "
            f"{len(past)} earlier year(s); AICc-selected of {len(table)}"
        )
        return MeanFit(
            log_mean=profile,
            year_effect=year_effect,
            log_sd=max(sigma, 0.02),
            extra={"aicc": float(res.aicc), "sigma2_irregular": sigma**2},
        )
