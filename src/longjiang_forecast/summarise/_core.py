"""Numpy kernels of the summaries: paths in, attainment statistics out.

Arrays only; the draw axis is axis 0 and any new axis is put last.
"""

from __future__ import annotations

import numpy as np


def met(values: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Whether each value meets its target.

    Parameters
    ----------
    values : ndarray of shape (..., n_series)
        Values at the deadline.
    target : ndarray of shape (n_series,)
    sign : ndarray of shape (n_series,)
        +1 where the comparator is ``>=``, -1 where it is ``<=``.

    Returns
    -------
    ndarray of bool, same shape as ``values``. NaN values count as not met.
    """
    return sign * values >= sign * target


def attainment_probability(
    values: np.ndarray, target: np.ndarray, sign: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo attainment probability and its standard error.

    Parameters
    ----------
    values : ndarray of shape (n_draws, n_series)
        Simulated values at the deadline.
    target, sign : ndarray of shape (n_series,)
        See :func:`met`.

    Returns
    -------
    p : ndarray of shape (n_series,)
        Share of draws meeting the target.
    se : ndarray of shape (n_series,)
        Binomial Monte Carlo standard error ``sqrt(p (1 - p) / n_draws)``.
    """
    p = met(values, target, sign).mean(axis=0)
    return p, np.sqrt(p * (1 - p) / values.shape[0])


def first_passage_cdf(
    paths: np.ndarray, target: np.ndarray, sign: np.ndarray, start: np.ndarray | None = None
) -> np.ndarray:
    """Probability that the target has been reached by the end of each month.

    Parameters
    ----------
    paths : ndarray of shape (n_draws, n_series, n_months)
    target, sign : ndarray of shape (n_series,)
    start : ndarray of int, shape (n_series,), optional
        Month index from which a passage counts (default 0, the first month).
        A level that met its target in June and fell below it by the latest
        report has not reached it for the forecast: its passage counts from the
        latest report on (``start`` = that month's index), so that it agrees
        with P(met).

    Returns
    -------
    ndarray of shape (n_series, n_months)
        Non-decreasing in month: a path counts as having reached the target by
        month m if it met it in any month from ``start`` up to m (first
        passage); 0 before ``start``.
    """
    hit = met(paths, target[:, None], sign[:, None])
    if start is not None:
        hit &= np.arange(paths.shape[-1]) >= np.asarray(start)[:, None]
    return np.logical_or.accumulate(hit, axis=-1).mean(axis=0)


def expected_shortfall(values: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Mean amount by which the target is missed (0 for a draw that meets it).

    Parameters
    ----------
    values : ndarray of shape (n_draws, n_series)
    target, sign : ndarray of shape (n_series,)

    Returns
    -------
    ndarray of shape (n_series,), in the indicator's unit, >= 0.
    """
    return np.maximum(sign * (target - values), 0.0).mean(axis=0)


def borderline_cut(p: np.ndarray, n_draws: int, cuts: np.ndarray, k: float = 2.0) -> np.ndarray:
    """The band cut each Monte Carlo probability cannot be told apart from, NaN where none.

    Parameters
    ----------
    p : ndarray of shape (n_series,)
        Monte Carlo attainment probabilities, each the share of ``n_draws`` draws.
    n_draws : int
        Draws behind each probability (>= 1).
    cuts : ndarray of shape (n_cuts,)
        The lowest probabilities of the status bands, in [0, 1].
    k : float, default 2.0
        How many Monte Carlo standard errors a probability must lie from a cut.

    Returns
    -------
    ndarray of shape (n_series,)
        The nearest cut ``c`` with ``|p - c| <= k * sqrt(c (1 - c) / n_draws)`` and
        ``0 < c < 1``, else NaN (the band of ``p`` is decided). NaN where ``p`` is NaN.

    Notes
    -----
    The standard error is the one of a probability equal to the cut: the test of
    "the true probability is ``c``" at about the 5 % level (``k = 2``). Unlike the
    standard error at ``p``, it does not vanish when every draw agrees, so that one
    draw (``p`` 0 or 1) decides nothing. Two probabilities on either side of a cut
    and within ``k`` standard errors of it are both borderline.
    """
    cuts = np.asarray(cuts, float)
    cuts = cuts[(cuts > 0) & (cuts < 1)]
    p = np.asarray(p, float)
    out = np.full(p.shape, np.nan)
    if cuts.size == 0:
        return out
    distance = np.abs(p[:, None] - cuts[None, :])
    with np.errstate(invalid="ignore"):
        close = distance <= k * np.sqrt(cuts * (1 - cuts) / n_draws)[None, :]
    nearest = np.argmin(np.where(close, distance, np.inf), axis=1)
    hit = close.any(axis=1)
    out[hit] = cuts[nearest[hit]]
    return out
