"""Numpy kernels of the summaries: the status rule on Monte Carlo probabilities (arrays only).

The path statistics themselves (P(met), quantiles, first passage, shortfall) are
streamed by the engine (:func:`~longjiang_forecast.simulate.simulate_summary`),
the one place they are computed.
"""

from __future__ import annotations

import numpy as np


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
