"""Numpy kernels of the forecast scores: plain arrays in, scores out.

Nothing here knows xarray. Probability forecasts ``p`` and binary outcomes
``y`` are arrays of the same shape; ensembles put the member axis **last**.
Strictly proper scores come from :mod:`scoringrules` (imported lazily: its
first import compiles kernels with numba and takes a few seconds).

References
----------
.. [1] Brier, G. W. (1950). Verification of forecasts expressed in terms of
   probability. *Monthly Weather Review* 78(1), 1-3.
   https://doi.org/10.1175/1520-0493(1950)078<0001:VOFEIT>2.0.CO;2
.. [2] Murphy, A. H. (1973). A new vector partition of the probability score.
   *Journal of Applied Meteorology* 12(4), 595-600.
   https://doi.org/10.1175/1520-0450(1973)012<0595:ANVPOT>2.0.CO;2
.. [3] Gneiting, T. & Raftery, A. E. (2007). Strictly proper scoring rules,
   prediction, and estimation. *JASA* 102(477), 359-378.
   https://doi.org/10.1198/016214506000001437
.. [4] Bröcker, J. & Smith, L. A. (2007). Increasing the reliability of
   reliability diagrams. *Weather and Forecasting* 22(3), 651-661.
   https://doi.org/10.1175/WAF993.1
.. [5] Gneiting, T., Balabdaoui, F. & Raftery, A. E. (2007). Probabilistic
   forecasts, calibration and sharpness. *JRSS B* 69(2), 243-268.
   https://doi.org/10.1111/j.1467-9868.2007.00587.x
"""

from __future__ import annotations

import warnings
from numbers import Real
from typing import Any, Literal, cast

import numpy as np

from .._core.checks import check_count, check_param
from .._core.isotonic import pooled_isotonic

NanPolicy = Literal["propagate", "omit", "raise"]

#: Central interval levels whose coverage the backtest reports.
COVERAGE_LEVELS = (0.5, 0.8, 0.9)


def _check_prob_outcome(p: Any, y: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float)
    y = np.asarray(y, dtype=float)
    if p.shape != y.shape:
        raise ValueError(
            f"The 'p' and 'y' parameters of {name} must have the same shape. Got {p.shape} and {y.shape}."
        )
    finite_p = p[np.isfinite(p)]
    if finite_p.size and (finite_p.min() < 0 or finite_p.max() > 1):
        raise ValueError(f"The 'p' parameter of {name} must hold probabilities in [0, 1].")
    finite_y = y[np.isfinite(y)]
    if finite_y.size and not np.isin(finite_y, (0.0, 1.0)).all():
        raise ValueError(f"The 'y' parameter of {name} must hold binary outcomes (0 or 1).")
    return p, y


def _apply_nan_policy(
    p: np.ndarray, y: np.ndarray, nan_policy: NanPolicy, name: str
) -> tuple[np.ndarray, np.ndarray]:
    if nan_policy not in ("propagate", "omit", "raise"):
        raise ValueError(
            f"The 'nan_policy' parameter of {name} must be one of 'propagate', 'omit', 'raise'. "
            f"Got {nan_policy!r} instead."
        )
    bad = ~(np.isfinite(p) & np.isfinite(y))
    if bad.any() and nan_policy == "raise":
        raise ValueError(
            f"{name} got {int(bad.sum())} NaN forecast(s) or outcome(s) with nan_policy='raise'."
        )
    if nan_policy == "omit":
        return p[~bad], y[~bad]
    return p, y


def brier_score(p: Any, y: Any) -> np.ndarray:
    """Brier score of probability forecasts, one per forecast.

    Parameters
    ----------
    p : array_like
        Forecast probabilities of the event, in [0, 1].
    y : array_like, same shape as ``p``
        Outcomes: 1 if the event happened, 0 if not (NaN: unknown).

    Returns
    -------
    ndarray, same shape as ``p``
        ``(p - y)²`` in [0, 1]; lower is better. NaN where ``p`` or ``y`` is NaN.

    Raises
    ------
    ValueError
        If shapes differ, ``p`` is outside [0, 1] or ``y`` is not 0/1.

    Notes
    -----
    Computed by :func:`scoringrules.brier_score`.

    References
    ----------
    Brier (1950), https://doi.org/10.1175/1520-0493(1950)078<0001:VOFEIT>2.0.CO;2

    Examples
    --------
    >>> brier_score([0.7, 0.2], [1, 1]).round(2).tolist()
    [0.09, 0.64]
    """
    import scoringrules as sr

    p, y = _check_prob_outcome(p, y, "brier_score")
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p) & np.isfinite(y)
    out[ok] = np.asarray(sr.brier_score(y[ok], p[ok]), dtype=float)
    return out


def log_score(p: Any, y: Any, *, eps: float = 1e-3) -> np.ndarray:
    """Logarithmic (ignorance) score of probability forecasts, in nats.

    Parameters
    ----------
    p : array_like
        Forecast probabilities, in [0, 1]. They are clipped to
        ``[eps, 1 - eps]`` first: a Monte Carlo probability of exactly 0 or 1
        from ``N`` draws only says the truth is below about ``1/N``.
    y : array_like, same shape as ``p``
        Outcomes 0/1 (NaN: unknown).
    eps : float, default 1e-3
        Clipping bound in (0, 0.5); the largest possible score is ``-log(eps)``
        (6.9 nats at the default).

    Returns
    -------
    ndarray, same shape as ``p``
        ``-log(p)`` where ``y = 1`` and ``-log(1 - p)`` where ``y = 0``; lower is better.

    Raises
    ------
    ValueError
        If shapes differ, values are out of range, or ``eps`` is not in (0, 0.5).

    Notes
    -----
    Computed by :func:`scoringrules.log_score`.

    Examples
    --------
    >>> log_score([0.5], [1]).round(4).tolist()
    [0.6931]
    """
    import scoringrules as sr

    if not 0 < eps < 0.5:  # the wording is pinned by tests/metrics/test_metrics.py
        raise ValueError(
            f"The 'eps' parameter of log_score must be a float in (0, 0.5). Got {eps!r} instead."
        )
    p, y = _check_prob_outcome(p, y, "log_score")
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p) & np.isfinite(y)
    out[ok] = np.asarray(sr.log_score(y[ok], np.clip(p[ok], eps, 1 - eps)), dtype=float)
    return out


def crps_ensemble(obs: Any, ensemble: Any) -> np.ndarray:
    """Continuous ranked probability score of an ensemble forecast.

    Parameters
    ----------
    obs : array_like of shape (...)
        Observed values, in the unit of the forecast (NaN: unknown).
    ensemble : array_like of shape (..., n_members)
        Ensemble members on the **last** axis. NaN members are dropped per row;
        a row with no finite member gives NaN.

    Returns
    -------
    ndarray of shape (...)
        CRPS in the unit of ``obs`` (>= 0, 0 for a perfect ensemble).

    Notes
    -----
    The "fair"/"qd" estimator of :func:`scoringrules.crps_ensemble`,
    ``E|X - y| - ½ E|X - X'|`` over the members.

    References
    ----------
    Gneiting & Raftery (2007), https://doi.org/10.1198/016214506000001437

    Examples
    --------
    >>> float(crps_ensemble(0.5, [0.0, 1.0]))
    0.25
    """
    import scoringrules as sr

    obs = np.asarray(obs, dtype=float)
    ens = np.asarray(ensemble, dtype=float)
    if ens.shape[:-1] != obs.shape:
        raise ValueError(
            f"The 'ensemble' parameter of crps_ensemble must have shape obs.shape + (n_members,). "
            f"Got {ens.shape} for obs of shape {obs.shape}."
        )
    out = np.full(obs.shape, np.nan)
    flat_obs = obs.reshape(-1)
    flat_ens = ens.reshape(-1, ens.shape[-1])
    flat_out = out.reshape(-1)
    complete = np.isfinite(flat_ens).all(axis=1) & np.isfinite(flat_obs)
    if complete.any():
        flat_out[complete] = np.asarray(sr.crps_ensemble(flat_obs[complete], flat_ens[complete]), dtype=float)
    for i in np.flatnonzero(~complete & np.isfinite(flat_obs)):
        members = flat_ens[i][np.isfinite(flat_ens[i])]
        if members.size:
            flat_out[i] = float(sr.crps_ensemble(flat_obs[i], members))
    return out


def pit_ensemble(obs: Any, ensemble: Any, rng: np.random.Generator) -> np.ndarray:
    """Randomised probability integral transform of observations under ensemble forecasts.

    Parameters
    ----------
    obs : array_like of shape (...)
        Observed values (NaN: unknown).
    ensemble : array_like of shape (..., n_members)
        Members on the last axis (NaN members ignored).
    rng : numpy.random.Generator
        Breaks ties (members equal to the observation) at random.

    Returns
    -------
    ndarray of shape (...)
        ``(#{x < y} + U (#{x = y} + 1)) / (n + 1)`` with ``U ~ Uniform(0, 1)``:
        exactly uniform on (0, 1) when the observation is exchangeable with the
        members (a calibrated forecast). NaN where ``obs`` is NaN or no member
        is finite.

    References
    ----------
    Gneiting, Balabdaoui & Raftery (2007), https://doi.org/10.1111/j.1467-9868.2007.00587.x
    """
    obs = np.asarray(obs, dtype=float)
    ens = np.asarray(ensemble, dtype=float)
    finite = np.isfinite(ens)
    n = finite.sum(axis=-1)
    below = (finite & (ens < obs[..., None])).sum(axis=-1)
    equal = (finite & (ens == obs[..., None])).sum(axis=-1)
    u = rng.random(obs.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        pit = (below + u * (equal + 1)) / (n + 1)
    return np.where(np.isfinite(obs) & (n > 0), pit, np.nan)


def central_interval(ensemble: Any, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Equal-tailed central interval of an ensemble.

    Parameters
    ----------
    ensemble : array_like of shape (..., n_members)
        Members on the last axis (NaN ignored).
    level : float
        Nominal coverage in (0, 1), e.g. 0.8 for the 10 %-90 % interval.

    Returns
    -------
    lower, upper : ndarray of shape (...)
        The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles.

    Raises
    ------
    ValueError
        If ``level`` is not in (0, 1).
    """
    check_param("central_interval", "level", level, Real, 0, 1, closed="neither")
    ens = np.asarray(ensemble, dtype=float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        q = np.nanquantile(ens, [(1 - level) / 2, (1 + level) / 2], axis=-1)
    return q[0], q[1]


def interval_score(obs: Any, lower: Any, upper: Any, levels: Any) -> np.ndarray:
    """Interval score of central intervals: their width plus 2/alpha times the miss.

    Parameters
    ----------
    obs : array_like of shape (...)
        Observed values (NaN: unknown).
    lower, upper : array_like of shape (..., n_levels)
        Bounds of the central intervals, in the unit of ``obs``.
    levels : array_like of shape (n_levels,)
        Their nominal levels ``1 - alpha`` in (0, 1), e.g. 0.8 for the 10 %-90 % interval.

    Returns
    -------
    ndarray of shape (..., n_levels)
        ``(u - l) + 2/alpha (l - y)_+ + 2/alpha (y - u)_+`` in the unit of ``obs`` (>= 0;
        lower is better); NaN where an input is NaN.

    Notes
    -----
    :func:`scoringrules.interval_score` (Gneiting & Raftery 2007, section 6.2), a proper score
    of the two quantiles: coverage says whether intervals hold the outcome as often as they
    claim, the interval score also rewards narrow ones and weighs misses by their size.

    References
    ----------
    Gneiting & Raftery (2007), https://doi.org/10.1198/016214506000001437

    Examples
    --------
    >>> interval_score([0.1, 0.5], [[0.0], [0.0]], [[0.4], [0.4]], [0.5]).round(6).tolist()
    [[0.4], [0.8]]
    """
    import scoringrules as sr

    obs, lower, upper = (np.asarray(a, dtype=float) for a in (obs, lower, upper))
    alpha = 1.0 - np.asarray(levels, dtype=float).reshape(-1)
    out = np.asarray(sr.interval_score(obs, lower, upper, alpha, backend="numpy"), dtype=float)
    return out.reshape(lower.shape)


def weighted_interval_score(obs: Any, median: Any, lower: Any, upper: Any, levels: Any) -> np.ndarray:
    """Weighted interval score of a median and central intervals (Bracher et al. 2021).

    Parameters
    ----------
    obs : array_like of shape (...)
        Observed values (NaN: unknown).
    median : array_like of shape (...)
        The forecast median.
    lower, upper : array_like of shape (..., n_levels)
        Bounds of the central intervals.
    levels : array_like of shape (n_levels,)
        Their nominal levels ``1 - alpha``.

    Returns
    -------
    ndarray of shape (...)
        ``(0.5 |y - m| + sum_k alpha_k / 2 IS_k) / (K + 0.5)`` in the unit of ``obs``; with
        many levels it approaches the CRPS. NaN where an input is NaN.

    References
    ----------
    Bracher, J., Ray, E. L., Gneiting, T. & Reich, N. G. (2021). Evaluating epidemic forecasts
    in an interval format. *PLoS Comput Biol* 17(2), e1008618.
    https://doi.org/10.1371/journal.pcbi.1008618 (via :func:`scoringrules.weighted_interval_score`)

    Examples
    --------
    >>> wis = weighted_interval_score([0.5, 2.0], [0.5, 0.5], [[0.0], [0.0]], [[1.0], [1.0]], [0.5])
    >>> wis.round(4).tolist()
    [0.1667, 1.3333]
    """
    import scoringrules as sr

    obs, median, lower, upper = (np.asarray(a, dtype=float) for a in (obs, median, lower, upper))
    alpha = 1.0 - np.asarray(levels, dtype=float).reshape(-1)
    out = np.full(obs.shape, np.nan)
    ok = np.isfinite(obs) & np.isfinite(median) & np.isfinite(lower).all(-1) & np.isfinite(upper).all(-1)
    if ok.any():
        # The numba backend: scoringrules 0.10's numpy backend adds w * median, not w * |y - median|.
        out[ok] = sr.weighted_interval_score(
            obs[ok], median[ok], lower[ok], upper[ok], alpha, backend="numba"
        )
    return out


def interval_covered(obs: Any, lower: Any, upper: Any) -> np.ndarray:
    """Whether each observation lies in its interval (closed), as float 1/0 (NaN if unknown).

    Parameters
    ----------
    obs, lower, upper : array_like, broadcastable
        Observations and interval bounds, in the same unit.

    Returns
    -------
    ndarray of float
        1.0 inside ``[lower, upper]``, 0.0 outside, NaN where any input is NaN.
    """
    obs, lower, upper = (np.asarray(a, dtype=float) for a in (obs, lower, upper))
    inside = ((obs >= lower) & (obs <= upper)).astype(float)
    return np.where(np.isfinite(obs) & np.isfinite(lower) & np.isfinite(upper), inside, np.nan)


def _bin_index(p: np.ndarray, bins: int | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    edges = (
        np.linspace(0.0, 1.0, int(cast(int, bins)) + 1)
        if np.isscalar(bins)
        else np.asarray(bins, dtype=float)
    )
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0):
        raise ValueError(
            f"The 'bins' parameter must be an int >= 1 or increasing bin edges. Got {bins!r} instead."
        )
    idx = np.clip(np.searchsorted(edges, p, side="right") - 1, 0, edges.size - 2)
    return idx, edges


def brier_decomposition(
    p: Any, y: Any, *, bins: int | np.ndarray = 10, nan_policy: NanPolicy = "omit"
) -> dict[str, float]:
    r"""Murphy's decomposition of the mean Brier score into reliability, resolution and uncertainty.

    Parameters
    ----------
    p : array_like of shape (n,)
        Forecast probabilities in [0, 1].
    y : array_like of shape (n,)
        Outcomes 0/1.
    bins : int or array_like, default 10
        Number of equal-width bins on [0, 1] (the last bin is closed), or the
        bin edges.
    nan_policy : {"omit", "propagate", "raise"}, default "omit"
        What to do with pairs holding a NaN.

    Returns
    -------
    dict
        ``brier`` (mean score), ``reliability`` (REL, lower is better),
        ``resolution`` (RES, higher is better), ``uncertainty`` (UNC =
        ``ȳ (1 - ȳ)``), ``residual`` (``brier - (REL - RES + UNC)``: the
        within-bin terms, 0 when every bin holds one forecast value),
        ``base_rate`` (ȳ), ``n`` (number of forecasts), and ``skill``
        (Brier skill score against the base rate, ``1 - brier / UNC``).

    Raises
    ------
    ValueError
        If the inputs are malformed or no pair is left.

    Notes
    -----
    With ``K`` bins holding ``n_k`` forecasts of mean ``p̄_k`` and event frequency ``ō_k``,

    .. math::

       \mathrm{REL} = \frac{1}{n}\sum_k n_k (\bar p_k - \bar o_k)^2, \quad
       \mathrm{RES} = \frac{1}{n}\sum_k n_k (\bar o_k - \bar o)^2, \quad
       \mathrm{UNC} = \bar o (1 - \bar o),

    and ``BS = REL - RES + UNC`` exactly when forecasts are constant within bins
    (Murphy 1973); otherwise ``residual`` holds the within-bin terms of
    Stephenson, Coelho & Jolliffe (2008).

    References
    ----------
    .. [1] Murphy, A. H. (1973). https://doi.org/10.1175/1520-0450(1973)012<0595:ANVPOT>2.0.CO;2
    .. [2] Stephenson, D. B., Coelho, C. A. S. & Jolliffe, I. T. (2008). Two extra components
       in the Brier score decomposition. *Weather and Forecasting* 23(4), 752-757.
       https://doi.org/10.1175/2007WAF2006116.1

    Examples
    --------
    >>> d = brier_decomposition([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1])
    >>> round(d["reliability"], 4), round(d["resolution"], 4), round(d["uncertainty"], 4)
    (0.085, 0.0625, 0.1875)
    >>> round(d["brier"], 4), round(d["residual"], 12)
    (0.21, 0.0)
    """
    p, y = _check_prob_outcome(np.ravel(p), np.ravel(y), "brier_decomposition")
    p, y = _apply_nan_policy(p, y, nan_policy, "brier_decomposition")
    n = p.size
    if n == 0:
        raise ValueError("brier_decomposition got no forecast with a known outcome.")
    if not (np.isfinite(p).all() and np.isfinite(y).all()):
        nan = float("nan")
        return dict.fromkeys(
            ("brier", "reliability", "resolution", "uncertainty", "residual", "base_rate", "skill"), nan
        ) | {"n": n}
    idx, edges = _bin_index(p, bins)
    k = edges.size - 1
    count = np.bincount(idx, minlength=k).astype(float)
    sum_p = np.bincount(idx, weights=p, minlength=k)
    sum_y = np.bincount(idx, weights=y, minlength=k)
    used = count > 0
    pbar = sum_p[used] / count[used]
    obar_k = sum_y[used] / count[used]
    obar = float(y.mean())
    rel = float(np.sum(count[used] * (pbar - obar_k) ** 2) / n)
    res = float(np.sum(count[used] * (obar_k - obar) ** 2) / n)
    unc = obar * (1 - obar)
    bs = float(np.mean((p - y) ** 2))
    return {
        "brier": bs,
        "reliability": rel,
        "resolution": res,
        "uncertainty": unc,
        "residual": bs - (rel - res + unc),
        "base_rate": obar,
        "skill": 1 - bs / unc if unc > 0 else float("nan"),
        "n": n,
    }


def reliability_curve(
    p: Any,
    y: Any,
    *,
    bins: int | np.ndarray = 10,
    n_resamples: int = 1000,
    band: float = 0.9,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Binned reliability diagram with consistency bands by consistency resampling.

    Parameters
    ----------
    p : array_like of shape (n,)
        Forecast probabilities (NaN pairs are omitted).
    y : array_like of shape (n,)
        Outcomes 0/1.
    bins : int or array_like, default 10
        Equal-width bins on [0, 1], or bin edges.
    n_resamples : int, default 1000
        Consistency resamples.
    band : float, default 0.9
        Probability content of the consistency band, in (0, 1).
    rng : numpy.random.Generator
        Stream of the resamples.

    Returns
    -------
    dict of ndarray, each of shape (n_bins,)
        ``edge_lo``, ``edge_hi`` (bin edges), ``count`` (forecasts per bin),
        ``mean_forecast`` (p̄_k, NaN for empty bins), ``observed_frequency``
        (ō_k), ``band_lo``, ``band_hi`` (the consistency band of ō_k: the
        range that a *reliable* forecaster's observed frequency would fall in
        with probability ``band``, given forecasts like these).

    Raises
    ------
    ValueError
        If the inputs are malformed, ``band`` is not in (0, 1) or no pair is left.

    Notes
    -----
    Consistency resampling (Bröcker & Smith 2007): draw ``n`` forecasts with
    replacement from the ``n`` given ones, draw each outcome as Bernoulli of
    its forecast (the forecast is reliable by construction), bin, and record
    each bin's observed frequency minus its mean forecast. The band is the
    bin's actual mean forecast plus the ``(1 ± band)/2`` quantiles of that
    difference: a dot outside it is evidence of unreliability at level
    ``1 - band`` for that bin (not simultaneously over bins).

    References
    ----------
    Bröcker & Smith (2007), https://doi.org/10.1175/WAF993.1
    """
    check_param("reliability_curve", "band", band, Real, 0, 1, closed="neither")
    p, y = _check_prob_outcome(np.ravel(p), np.ravel(y), "reliability_curve")
    p, y = _apply_nan_policy(p, y, "omit", "reliability_curve")
    n = p.size
    if n == 0:
        raise ValueError("reliability_curve got no forecast with a known outcome.")
    idx, edges = _bin_index(p, bins)
    k = edges.size - 1
    count = np.bincount(idx, minlength=k).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_f = np.bincount(idx, weights=p, minlength=k) / count
        obs_f = np.bincount(idx, weights=y, minlength=k) / count
    # consistency resampling, all resamples at once: (n_resamples, n)
    pick = rng.integers(0, n, size=(n_resamples, n))
    ps = p[pick]
    ys = (rng.random(ps.shape) < ps).astype(float)
    ids = idx[pick] + k * np.arange(n_resamples)[:, None]
    cnt = np.bincount(ids.ravel(), minlength=k * n_resamples).reshape(n_resamples, k)
    sp = np.bincount(ids.ravel(), weights=ps.ravel(), minlength=k * n_resamples).reshape(n_resamples, k)
    sy = np.bincount(ids.ravel(), weights=ys.ravel(), minlength=k * n_resamples).reshape(n_resamples, k)
    with np.errstate(invalid="ignore", divide="ignore"):
        diff = np.where(cnt > 0, (sy - sp) / cnt, np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        lo = np.nanquantile(diff, (1 - band) / 2, axis=0)
        hi = np.nanquantile(diff, (1 + band) / 2, axis=0)
    return {
        "edge_lo": edges[:-1],
        "edge_hi": edges[1:],
        "count": count,
        "mean_forecast": mean_f,
        "observed_frequency": obs_f,
        "band_lo": np.clip(mean_f + lo, 0.0, 1.0),
        "band_hi": np.clip(mean_f + hi, 0.0, 1.0),
    }


def corp_reliability(
    p: Any, y: Any, *, n_resamples: int = 1000, band: float = 0.9, rng: np.random.Generator
) -> dict[str, Any]:
    """CORP reliability curve: the PAV-calibrated event probability at each forecast value.

    Parameters
    ----------
    p : array_like of shape (n,)
        Forecast probabilities (NaN pairs are dropped).
    y : array_like of shape (n,)
        Outcomes 0/1 (NaN: unknown, dropped).
    n_resamples : int, default 1000
        Resamples of the consistency band (0: no band, ``band_lo``/``band_hi`` NaN).
    band : float, default 0.9
        Content of the consistency band, in (0, 1).
    rng : numpy.random.Generator
        Draws the resamples.

    Returns
    -------
    dict
        Arrays of shape (k,), one entry per distinct forecast value: ``forecast`` (the value),
        ``count`` (forecasts with it), ``cep`` (the conditional event probability: the
        pool-adjacent-violators fit of the outcomes on the forecasts), ``band_lo``, ``band_hi``
        (the consistency band: where ``cep`` falls with probability ``band`` if the forecasts
        are reliable); floats ``n``, ``brier`` (mean score), and its CORP decomposition
        ``mcb`` (miscalibration, >= 0), ``dsc`` (discrimination, >= 0), ``unc``
        (uncertainty), with ``brier = mcb - dsc + unc`` exactly.

    Raises
    ------
    ValueError
        If no forecast has a known outcome, or ``band`` is not in (0, 1).

    Notes
    -----
    CORP (Consistent, Optimally binned, Reproducible, PAV-based; Dimitriadis, Gneiting &
    Jordan 2021) replaces fixed bins, unstable on the 20-50 forecasts of a backtest, by the
    isotonic fit, which chooses the bins from the data. The consistency band resamples the
    forecasts, draws outcomes from them (the forecasts taken as calibrated) and refits, as
    ``scoringrules.visualization.reliability_diagram`` does, here with a seeded generator.
    ``mcb = brier - brier(cep)``, ``dsc = unc - brier(cep)``, ``unc = brier(base rate)``.

    References
    ----------
    Dimitriadis, T., Gneiting, T. & Jordan, A. I. (2021). Stable reliability diagrams for
    probabilistic classifiers. *PNAS* 118(8), e2016191118. https://doi.org/10.1073/pnas.2016191118

    Examples
    --------
    >>> out = corp_reliability([0.2, 0.2, 0.5, 0.8], [1, 0, 0, 1], rng=np.random.default_rng(0))
    >>> out["forecast"].tolist(), out["cep"].round(3).tolist()
    ([0.2, 0.5, 0.8], [0.333, 0.333, 1.0])
    >>> round(out["mcb"] - out["dsc"] + out["unc"], 12) == round(out["brier"], 12)
    True
    """
    check_param("corp_reliability", "band", band, Real, 0, 1, closed="neither")
    p, y = _check_prob_outcome(np.ravel(p), np.ravel(y), "corp_reliability")
    p, y = _apply_nan_policy(p, y, "omit", "corp_reliability")
    if p.size == 0:
        raise ValueError("corp_reliability got no forecast with a known outcome.")
    values, cep, counts = pooled_isotonic(p, y)
    curves = np.full((n_resamples, values.size), np.nan)
    for r in range(n_resamples):
        ps = p[rng.integers(0, p.size, p.size)]
        xs, cs, _ = pooled_isotonic(ps, (rng.random(p.size) < ps).astype(float))
        inside = (values >= xs[0]) & (values <= xs[-1])
        curves[r, inside] = np.interp(values[inside], xs, cs)
    lo = hi = np.full(values.size, np.nan)
    if n_resamples > 0:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a value outside every resample's range
            lo, hi = np.nanquantile(curves, [(1 - band) / 2, (1 + band) / 2], axis=0)
    fitted = cep[np.searchsorted(values, p)]
    brier = float(np.mean((p - y) ** 2))
    brier_cep = float(np.mean((fitted - y) ** 2))
    unc = float(np.mean((y - y.mean()) ** 2))
    return {
        "forecast": values,
        "count": counts.astype(float),
        "cep": cep,
        "band_lo": lo,
        "band_hi": hi,
        "n": float(p.size),
        "brier": brier,
        "mcb": brier - brier_cep,
        "dsc": unc - brier_cep,
        "unc": unc,
    }


def pit_histogram(pit: Any, *, n_bins: int = 10, band: float = 0.9) -> dict[str, np.ndarray]:
    """Histogram of PIT values with the band a uniform PIT would fall in.

    Parameters
    ----------
    pit : array_like of shape (n,)
        PIT values in [0, 1] (NaN omitted).
    n_bins : int, default 10
        Equal-width bins on [0, 1].
    band : float, default 0.9
        Probability content of the per-bin band under uniformity.

    Returns
    -------
    dict of ndarray
        ``edge_lo``, ``edge_hi``, ``count`` (n_bins,), ``expected`` (``n / n_bins``),
        ``band_lo``, ``band_hi`` (binomial(n, 1/n_bins) quantiles).

    Raises
    ------
    ValueError
        If ``n_bins`` < 1 or ``band`` is not in (0, 1).
    """
    from scipy import stats

    check_count("pit_histogram", "n_bins", n_bins)
    check_param("pit_histogram", "band", band, Real, 0, 1, closed="neither")
    pit = np.asarray(pit, dtype=float).ravel()
    pit = pit[np.isfinite(pit)]
    edges = np.linspace(0, 1, n_bins + 1)
    count = np.histogram(pit, bins=edges)[0].astype(float)
    n = pit.size
    lo, hi = stats.binom.ppf([(1 - band) / 2, (1 + band) / 2], n, 1 / n_bins)
    return {
        "edge_lo": edges[:-1],
        "edge_hi": edges[1:],
        "count": count,
        "expected": np.full(n_bins, n / n_bins),
        "band_lo": np.full(n_bins, lo),
        "band_hi": np.full(n_bins, hi),
    }


def skill_score(score: Any, reference: Any) -> np.ndarray:
    """Skill of a negatively oriented mean score against a reference: ``1 - score / reference``.

    Parameters
    ----------
    score, reference : array_like, broadcastable
        Mean scores (lower is better, e.g. Brier, CRPS) of the forecast and the reference.

    Returns
    -------
    ndarray
        1 for a perfect forecast, 0 for no better than the reference, negative
        for worse. NaN where the reference is 0 or NaN.

    Examples
    --------
    >>> float(skill_score(0.15, 0.25))
    0.4
    """
    score = np.asarray(score, dtype=float)
    reference = np.asarray(reference, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(reference > 0, 1 - score / reference, np.nan)
