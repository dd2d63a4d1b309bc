"""Growth curves: a logistic or Gompertz S-curve of cumulative progress, fitted with scipy.

The natural model for a construction programme with a ceiling: work starts
slowly, runs fast in the season, and levels off towards the programme's size.
After month ``τ`` (0-12) the change since 1 January is ``K g(τ; r, τ0)``
with ``g`` a logistic or Gompertz curve shifted so that ``g(0) = 0``::

    logistic  L(τ) = 1 / (1 + exp(-r (τ - τ0)))
    Gompertz  L(τ) = exp(-exp(-r (τ - τ0)))
    g(τ) = (L(τ) - L(0)) / (1 - L(0))

Reports are log-normal around the curve (sd ``s``). The parameters
``θ = (log K, log r, τ0)`` get a normal prior from the curves of earlier
years of the family (empirical Bayes) or a weak default, and a Laplace
approximation of the posterior: the maximum a posteriori estimate and the
inverse Hessian of the negative log posterior as covariance (the parameter
uncertainty carried into the draws). Logistic vs Gompertz is chosen by the
Laplace approximation of the marginal likelihood.

References
----------
.. [1] Seber, G. A. F. & Wild, C. J. (1989). *Nonlinear Regression*, Wiley,
   chapter 7 (growth models: logistic, Gompertz).
.. [2] Tierney, L. & Kadane, J. B. (1986). Accurate approximations for
   posterior moments and marginal densities. *JASA* 81(393), 82-86.
   https://doi.org/10.1080/01621459.1986.10478240
.. [3] Virtanen, P. et al. (2020). SciPy 1.0. *Nature Methods* 17, 261-272.
   https://doi.org/10.1038/s41592-019-0686-2
"""

from __future__ import annotations

import math
from numbers import Real
from typing import Any

import numpy as np

from .._core.checks import check_param
from ._common import CountFit, Refusal, SeriesContext, SeriesModel, reference_weights, remaining_profile

_CURVES = ("logistic", "gompertz")


def curve_share(
    tau: np.ndarray | float, log_r: np.ndarray | float, tau0: np.ndarray | float, curve: str
) -> np.ndarray:
    """Shifted S-curve ``g(τ)``: 0 at τ = 0, rising to 1 as τ grows.

    Parameters
    ----------
    tau : array_like
        Months since 1 January (0-12, may be fractional).
    log_r : array_like
        Log growth rate (per month).
    tau0 : array_like
        Inflection month.
    curve : {"logistic", "gompertz"}
        The curve family.

    Returns
    -------
    ndarray
        ``g(τ)`` broadcast over the inputs, in [0, 1).
    """
    r = np.exp(log_r)
    z = r * (np.asarray(tau, float) - tau0)
    z0 = r * (0.0 - tau0)
    if curve == "logistic":
        lt, l0 = _expit(z), _expit(z0)
    else:
        lt, l0 = np.exp(-np.exp(-z)), np.exp(-np.exp(-z0))
    return (lt - l0) / np.maximum(1.0 - l0, 1e-12)


def _expit(x: np.ndarray) -> np.ndarray:
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(x, float)))


def _hessian(f: Any, x: np.ndarray) -> np.ndarray:
    """Hessian of a scalar function by :func:`scipy.differentiate.hessian`.

    ``f`` takes points of shape (d, ...) and returns values of shape (...). The step is
    adapted (Richardson extrapolation of central differences of order 8, from 0.5 down by
    halves until the estimate settles to ``sqrt(eps)`` relative, or stops improving), in place of
    the fixed step of 1e-3 used before. An entry where ``f`` was not finite is NaN, which
    :func:`fit_curve` treats as a singular Hessian (the prior covariance is used). The result
    is symmetrised (the mean of it and its transpose).
    """
    from scipy import differentiate

    ddf = differentiate.hessian(f, x).ddf
    return 0.5 * (ddf + ddf.T)


def fit_curve(
    months: np.ndarray,
    values: np.ndarray,
    prior_mean: np.ndarray,
    prior_sd: np.ndarray,
    obs_sd: float,
    curve: str,
) -> tuple[np.ndarray, np.ndarray, float]:
    """Laplace approximation of the posterior of ``θ = (log K, log r, τ0)``.

    Parameters
    ----------
    months : ndarray of shape (n,)
        Report months (1-12).
    values : ndarray of shape (n,)
        Change since the origin at those months (> 0).
    prior_mean, prior_sd : ndarray of shape (3,)
        Independent normal prior of θ.
    obs_sd : float
        Log sd of a report around the curve.
    curve : {"logistic", "gompertz"}
        The curve family.

    Returns
    -------
    mode : ndarray of shape (3,)
        Maximum a posteriori θ.
    cov : ndarray of shape (3, 3)
        Inverse Hessian of the negative log posterior at the mode.
    log_evidence : float
        Laplace approximation of the log marginal likelihood.
    """
    logs = np.log(values)

    def nlp_at(theta: np.ndarray) -> np.ndarray:
        """Negative log posterior at ``theta`` of shape (3, ...) (vectorised for :func:`_hessian`)."""
        extra = (1,) * (theta.ndim - 1)
        g = curve_share(months.reshape(-1, *extra), theta[1], theta[2], curve)
        pred = theta[0] + np.log(np.maximum(g, 1e-300))
        nll = 0.5 * np.sum(((logs.reshape(-1, *extra) - pred) / obs_sd) ** 2, axis=0) + logs.size * math.log(
            obs_sd * math.sqrt(2 * math.pi)
        )
        nprior = 0.5 * np.sum(
            ((theta - prior_mean.reshape(-1, *extra)) / prior_sd.reshape(-1, *extra)) ** 2, axis=0
        )
        return nll + nprior + np.sum(np.log(prior_sd * math.sqrt(2 * math.pi)))

    def nlp(theta: np.ndarray) -> float:
        return float(nlp_at(np.asarray(theta, dtype=float)))

    from scipy import optimize

    best = optimize.minimize(nlp, prior_mean, method="Nelder-Mead", options={"xatol": 1e-6, "fatol": 1e-9})
    best = optimize.minimize(nlp, best.x, method="BFGS")
    mode = best.x
    hess = _hessian(nlp_at, mode)
    try:
        if not np.isfinite(hess).all():
            raise np.linalg.LinAlgError("the Hessian did not settle")
        cov = np.linalg.inv(hess)
        np.linalg.cholesky(cov)
    except np.linalg.LinAlgError:
        cov = np.diag(prior_sd**2)
    sign, logdet = np.linalg.slogdet(cov)
    log_evidence = -nlp(mode) + 1.5 * math.log(2 * math.pi) + 0.5 * logdet if sign > 0 else -math.inf
    return mode, cov, float(log_evidence)


class GrowthCurveModel(SeriesModel):
    """Logistic or Gompertz S-curve of cumulative progress with a Laplace posterior.

    Parameters
    ----------
    curve : {"auto", "logistic", "gompertz"}, default "auto"
        The curve; "auto" picks the one with the larger Laplace marginal likelihood.
    obs_sd : float or None, default None
        Log sd of a report around the curve; None estimates it from the
        residuals of earlier years' curves (0.1 without history).
    plan_prior_sd : float, default 0.5
        Prior sd of ``log K`` around the ceiling that meets the target at the
        deadline, used without earlier years.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.
    params_ : dict of int to dict
        Per series: ``curve``, ``mode`` (3,), ``cov`` (3, 3) of θ = (log K, log r, τ0)
        and ``obs_sd``.

    Notes
    -----
    Draws: θ_d ~ N(mode, cov); the year's change is ``K_d g_d(12)`` and the
    remaining increment ``max(K_d g_d(12) - C_t, 0)``; month-to-month Gamma
    noise has the December coefficient of variation ``obs_sd``. Annual means
    and milestones are refused (no ceiling to grow towards).

    References
    ----------
    .. [1] Seber, G. A. F. & Wild, C. J. (1989). *Nonlinear Regression*, ch. 7.
    .. [2] Tierney, L. & Kadane, J. B. (1986). *JASA* 81(393), 82-86.
    """

    _constraints = {  # noqa: RUF012
        "curve": {"options": ("auto", *_CURVES)},
        "plan_prior_sd": {"kind": Real, "low": 0, "closed": "neither"},
    }

    def __init__(
        self, *, curve: str = "auto", obs_sd: float | None = None, plan_prior_sd: float = 0.5
    ) -> None:
        self.curve = curve
        self.obs_sd = obs_sd
        self.plan_prior_sd = plan_prior_sd

    def _validate_params(self) -> None:
        super()._validate_params()
        if self.obs_sd is not None:
            check_param(type(self).__name__, "obs_sd", self.obs_sd, Real, 0, closed="neither")

    def _prepare(self, contexts: list[SeriesContext]) -> None:
        self.params_: dict[int, dict[str, Any]] = {}

    def _history_prior(self, ctx: SeriesContext, curve: str) -> tuple[np.ndarray, np.ndarray, float, int]:
        """Prior of θ and the report sd from earlier years' curves (or the default)."""
        weights = reference_weights(ctx.tags, ctx.deadline_month)
        centre = float(np.sum((np.arange(12) + 0.5) * weights))
        default_mean = np.array([0.0, math.log(0.7), centre])
        g_dl = curve_share(np.array([ctx.deadline_month]), default_mean[1], default_mean[2], curve)[0]
        default_mean[0] = math.log(max(ctx.need, 1e-9) / max(g_dl, 1e-3))
        default_sd = np.array([self.plan_prior_sd, 0.7, 2.5])
        fits, resid = [], []
        for y, values in sorted(ctx.history.items()):
            start = 0.0 if ctx.kind == "cumulative" else ctx.history.get(y - 1, np.full(12, np.nan))[11]
            if not np.isfinite(start):
                continue
            seen = np.flatnonzero(np.isfinite(values) & (values - start > 0))
            if seen.size < 3 or not np.isfinite(values[11]):
                continue
            months, change = seen + 1.0, values[seen] - start
            prior_y = default_mean.copy()
            prior_y[0] = math.log(change[-1])
            mode, _, _ = fit_curve(months, change, prior_y, np.array([2.0, 1.5, 4.0]), 0.1, curve)
            g = curve_share(months, mode[1], mode[2], curve)
            resid.extend(np.log(change) - mode[0] - np.log(np.maximum(g, 1e-300)))
            scale = ctx.history_targets.get(y, np.nan) - (0.0 if ctx.kind == "cumulative" else start)
            log_k_ratio = mode[0] - math.log(scale) if np.isfinite(scale) and scale > 0 else np.nan
            fits.append([log_k_ratio, mode[1], mode[2]])
        obs_sd = self.obs_sd
        if obs_sd is None:
            obs_sd = max(float(np.sqrt(np.mean(np.square(resid)))), 0.02) if len(resid) >= 4 else 0.1
        if not fits:
            return default_mean, default_sd, float(obs_sd), 0
        arr = np.array(fits)
        n = len(fits)
        mean = default_mean.copy()
        sd = default_sd.copy()
        mean[1:] = arr[:, 1:].mean(axis=0)
        if n >= 2:
            sd[1:] = np.maximum(arr[:, 1:].std(axis=0, ddof=1) * math.sqrt(1 + 1 / n), [0.1, 0.3])
        ratios = arr[:, 0][np.isfinite(arr[:, 0])]
        if ratios.size:
            mean[0] = math.log(max(ctx.need, 1e-9)) + float(ratios.mean())
            if ratios.size >= 2:
                sd[0] = max(float(ratios.std(ddof=1)) * math.sqrt(1 + 1 / ratios.size), 0.1)
        return mean, sd, float(obs_sd), n

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        if ctx.need <= 0:
            raise Refusal("a growth curve needs a target above last year's value (a positive change)")
        t = ctx.last_month
        seen = np.flatnonzero(np.isfinite(ctx.observed[:t]) & (ctx.observed[:t] - ctx.origin > 0))
        months = seen + 1.0
        change = ctx.observed[seen] - ctx.origin
        best: dict[str, Any] | None = None
        for curve in _CURVES if self.curve == "auto" else (self.curve,):
            mean, sd, obs_sd, n_years = self._history_prior(ctx, curve)
            if months.size == 0 and n_years == 0:
                raise Refusal(
                    "no report this year and no earlier year with a full curve: a growth curve "
                    "would be the default prior alone"
                )
            if months.size:
                mode, cov, evidence = fit_curve(months, change, mean, sd, obs_sd, curve)
            else:
                mode, cov, evidence = mean, np.diag(sd**2), 0.0
            if best is None or evidence > best["evidence"]:
                best = {"curve": curve, "mode": mode, "cov": cov, "obs_sd": obs_sd,
                        "evidence": evidence, "n_years": n_years}  # fmt: skip
        assert best is not None
        self.params_[ctx.index] = best
        curve, mode, cov, obs_sd = best["curve"], best["mode"], best["cov"], best["obs_sd"]
        done = ctx.done
        chol = np.linalg.cholesky(cov + 1e-12 * np.eye(3))

        def remaining(gen: np.random.Generator, n: int) -> np.ndarray:
            theta = mode[None, :] + gen.standard_normal((n, 3)) @ chol.T
            year = np.exp(theta[:, 0]) * curve_share(12.0, theta[:, 1], theta[:, 2], curve)
            return np.maximum(year - done, 0.0)

        path = np.exp(mode[0]) * curve_share(np.arange(13.0), mode[1], mode[2], curve)
        year_mean = float(path[12])
        left = max(year_mean - done, 1e-9 * max(year_mean, 1.0))
        concentration = float(np.clip((left / (obs_sd * max(year_mean, 1e-12))) ** 2, 1.0, 1e6))
        self.basis_[ctx.index] = (
            f"{curve} curve, ceiling {math.exp(mode[0]):.4g}, inflection month {mode[2]:.1f}; "
            f"prior from {best['n_years']} earlier year(s); {months.size} report(s) this year"
        )
        return CountFit(
            remaining=remaining,
            profile=remaining_profile(np.diff(path) / max(path[12], 1e-12), t),
            concentration=concentration,
            extra={"ceiling": math.exp(mode[0]), "inflection_month": float(mode[2])},
        )
