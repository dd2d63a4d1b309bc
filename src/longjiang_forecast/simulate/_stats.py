"""Streaming statistics of the simulator: fixed-bin quantiles and standard errors.

The simulator reduces each block of draws to counts and sums with these
kernels, so memory does not grow with the number of draws. The binning is a
numba kernel (one pass, no temporaries, GIL released); the rest is numpy.
"""

from __future__ import annotations

import math

import numpy as np

from .._core.jit import cached_njit

# --------------------------------------------------------------------------- streaming kernels
#
# The streaming simulator (``simulate.simulate_summary``) never holds all draws at
# once. It keeps, per series, integer counts (met, first passage, a fixed
# histogram of the deadline value) and float sums, and turns them into
# summaries with the kernels below. Counts add exactly in any order; float sums
# are folded in block order, so results do not depend on the chunking.

#: Default number of histogram bins of the streaming quantiles.
N_BINS = 2048


def histogram_range(values: np.ndarray, n_bins: int = N_BINS) -> tuple[np.ndarray, np.ndarray]:
    """Fix per-series histogram bins from a first block of values.

    Parameters
    ----------
    values : ndarray of shape (n_series, n_draws)
        Values of the first block (NaN ignored).
    n_bins : int, default :data:`N_BINS`
        Number of equal bins between the lower and upper edge.

    Returns
    -------
    lo : ndarray of shape (n_series,)
        Lower edge: the block minimum less half its range.
    width : ndarray of shape (n_series,)
        Bin width: twice the block's range over ``n_bins`` (so the bins cover
        the block range extended by half of it on each side). A series whose
        block values are all equal gets a width of ``1e-6 × max(|value|, 1)``.
        All-NaN series get ``lo = 0``, ``width = 1``.

    Notes
    -----
    Values outside the bins are counted in an under- and an overflow bin whose
    outer edges are the running minimum and maximum, so no value is lost.
    """
    with np.errstate(all="ignore"):
        finite = np.isfinite(values)
        any_finite = finite.any(axis=1)
        vmin = np.where(any_finite, np.nanmin(np.where(finite, values, np.inf), axis=1), 0.0).astype(float)
        vmax = np.where(any_finite, np.nanmax(np.where(finite, values, -np.inf), axis=1), 0.0).astype(float)
    span = vmax - vmin
    flat = span <= 0
    span = np.where(flat, 1e-6 * np.maximum(np.abs(vmin), 1.0) * n_bins / 2, span)
    lo = np.where(flat, vmin - span, vmin - 0.5 * span)
    width = 2.0 * span / n_bins
    width = np.where(any_finite, width, 1.0)
    return np.where(any_finite, lo, 0.0), width


def histogram_counts(
    values: np.ndarray, lo: np.ndarray, width: np.ndarray, n_bins: int = N_BINS
) -> np.ndarray:
    """Count values into fixed per-series bins, with under- and overflow bins.

    Parameters
    ----------
    values : ndarray of shape (n_series, n_draws)
        Values to count; NaN values are not counted.
    lo, width : ndarray of shape (n_series,)
        Bins from :func:`histogram_range`.
    n_bins : int
        Number of inner bins.

    Returns
    -------
    ndarray of int64, shape (n_series, n_bins + 2)
        Column 0 counts values below ``lo``, columns 1..n_bins the inner
        bins, the last column values at or above ``lo + n_bins × width``.
    """
    counts = np.zeros((values.shape[0], n_bins + 2), np.int64)
    _bin_rows(values, np.asarray(lo, float), 1.0 / np.asarray(width, float), n_bins, counts)
    return counts


@cached_njit(nogil=True)
def _bin_rows(  # pragma: no cover - compiled
    values: np.ndarray, lo: np.ndarray, inv_width: np.ndarray, n_bins: int, counts: np.ndarray
) -> None:
    """Add each row's values to its bins (see :func:`histogram_counts`), one pass, NaN skipped."""
    for i in range(values.shape[0]):
        a, k = lo[i], inv_width[i]
        for j in range(values.shape[1]):
            v = values[i, j]
            if math.isnan(v):
                continue
            pos = (v - a) * k
            if pos < 0.0:
                counts[i, 0] += 1
            elif pos >= n_bins:
                counts[i, n_bins + 1] += 1
            else:
                counts[i, int(pos) + 1] += 1


def histogram_quantiles(
    counts: np.ndarray,
    lo: np.ndarray,
    width: np.ndarray,
    vmin: np.ndarray,
    vmax: np.ndarray,
    q: np.ndarray,
    vmin_n: np.ndarray | None = None,
    vmax_n: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Quantiles from fixed-bin histograms, with a bound on their error.

    Parameters
    ----------
    counts : ndarray of shape (n_series, n_bins + 2)
        From :func:`histogram_counts`, summed over blocks.
    lo, width : ndarray of shape (n_series,)
        The bins.
    vmin, vmax : ndarray of shape (n_series,)
        Exact running minimum and maximum (outer edges of the under- and
        overflow bins).
    q : ndarray of shape (n_q,)
        Probabilities in [0, 1].
    vmin_n : ndarray of shape (n_series,), optional
        How many values equal the minimum. A quantile whose two order statistics both lie among
        them is the minimum itself, exactly (error 0): an atom, such as a year whose work is over
        (the value stays at what was done), is not spread over its bin, which put the 10 %
        quantile a little above it and the outcome "below the interval". Negative where the
        minimum is not known (a row with a NaN value): no atom then.
    vmax_n : ndarray of shape (n_series,), optional
        The same at the maximum: a share capped at 100 % reached by a fifth of the paths has its
        90 % quantile at 100 exactly, not 99.997 beside a P(met) of 0.20.

    Returns
    -------
    quantiles : ndarray of shape (n_series, n_q)
        Estimate of ``numpy.quantile(values, q)`` (its default "linear"
        method, rank ``q (n - 1)``): the rank is located in its bin and the
        bin's values are taken as evenly spread. NaN where no value was counted.
    bound : ndarray of shape (n_series, n_q)
        Upper bound of ``|estimate - numpy.quantile|``: the distance between
        the outer edges of the bins holding the two order statistics the
        exact quantile interpolates between (one inner bin width in the usual
        case).
    """
    q = np.asarray(q, dtype=float)
    n_bins = counts.shape[1] - 2
    total = counts.sum(axis=1)
    cum = np.cumsum(counts, axis=1)
    before = cum - counts
    rank = q[None, :] * np.maximum(total - 1, 0)[:, None]
    edges_left = lo[:, None] + width[:, None] * np.arange(-1, n_bins + 1)[None, :]
    edges_left[:, 0] = vmin
    edges_right = edges_left + width[:, None]
    edges_right[:, 0] = lo
    edges_right[:, -1] = np.maximum(vmax, edges_left[:, -1])

    # The bin of rank r: the number of bins whose cumulative count is <= r. One searchsorted over
    # all rows at once: each row is shifted by row * (largest total + 1), so the rows stay apart
    # and in order (the same counts as comparing every bin with every rank, without the
    # (series, bins, quantiles) array).
    width_row = counts.shape[1]
    shift = np.arange(counts.shape[0])[:, None] * (float(total.max(initial=0)) + 1.0)
    flat = (cum + shift).ravel()

    def locate(r: np.ndarray) -> np.ndarray:
        at = np.searchsorted(flat, r + shift, side="right") - np.arange(counts.shape[0])[:, None] * width_row
        located: np.ndarray = np.clip(at, 0, n_bins + 1)
        return located

    j_lo = locate(np.floor(rank))
    j_hi = locate(np.ceil(rank))
    rows = np.arange(counts.shape[0])[:, None]
    n_in = np.maximum(counts[rows, j_lo], 1)
    frac = np.clip((rank - before[rows, j_lo] + 0.5) / n_in, 0.0, 1.0)
    left, right = edges_left[rows, j_lo], edges_right[rows, j_lo]
    est = left + frac * (right - left)
    est = np.clip(est, vmin[:, None], vmax[:, None])
    bound = np.minimum(edges_right[rows, j_hi], vmax[:, None]) - np.maximum(left, vmin[:, None])
    bound = np.maximum(bound, 0.0)
    if vmin_n is not None:
        atom = np.ceil(rank) < np.asarray(vmin_n)[:, None]
        est = np.where(atom, vmin[:, None], est)
        bound = np.where(atom, 0.0, bound)
    if vmax_n is not None:  # both order statistics among the top vmax_n values (0-based ranks)
        n_top = np.asarray(vmax_n)[:, None]
        atom = (n_top >= 0) & (np.floor(rank) >= total[:, None] - n_top)
        est = np.where(atom, vmax[:, None], est)
        bound = np.where(atom, 0.0, bound)
    empty = total == 0
    est[empty] = np.nan
    bound[empty] = np.nan
    return est, bound


def proportion_se(p: np.ndarray, n: int) -> np.ndarray:
    """Binomial Monte Carlo standard error ``sqrt(p (1 - p) / n)`` of a proportion of ``n`` draws."""
    se: np.ndarray = np.sqrt(np.clip(p * (1 - p), 0.0, None) / n)
    return se


def mean_se(total: np.ndarray, total_sq: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and its Monte Carlo standard error from running sums.

    Parameters
    ----------
    total, total_sq : ndarray
        Sum and sum of squares of ``n`` i.i.d. draws.
    n : int
        Number of draws (>= 1).

    Returns
    -------
    mean : ndarray
    se : ndarray
        ``sqrt(s² / n)`` with the unbiased sample variance ``s²`` (0 for ``n = 1``).
    """
    mean = total / n
    var = np.clip(total_sq - n * mean**2, 0.0, None) / max(n - 1, 1)
    return mean, np.sqrt(var / n)
