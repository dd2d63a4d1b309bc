"""The reference years' kernels of a year's-total posterior, summed where each one has its mass.

The seasonal-share model's posterior of ``log A`` (:meth:`SeasonalShareModel._total_posterior`) is a
mixture over the reference years ``j``: a Student-t prior kernel on ``log A`` times a normal pace
kernel on ``log(done) − log A``. Where something is done, the pace kernel of year ``j`` is a normal of
``log A`` centred at ``c_j = log(done) − log F_j(t)`` with width ``h_j``, so beyond
:data:`BAND_WIDTHS` widths from ``c_j`` year ``j`` adds at most ``exp(−72)`` of its own peak there
(and the Student-t factor, bounded over the grid, cannot make that up). The numpy version
evaluated every kernel on every grid point, (J, G) values with their temporaries; here each kernel
is evaluated on its band only and summed into a running log-sum-exp per grid point: for a county
series (about 390 reference years) a small share of the (J, G) values, and no temporaries.

Two savings give the same numbers bit for bit (tested against a plain-Python transcription):
where every year has the same prior kernel (the plan's prior, when the reference class has no
outcomes of its own: every county series of the benchmark's county job), its Student-t term is
computed once per grid point instead of once per year and point; and a term too small to change
the running sum (:data:`_NEGLIGIBLE`) skips its ``exp``. The county job's kernels took 12.8 s of
CPU before and about 5 s after (4,420 series, 719 million kernel-point terms).
"""

from __future__ import annotations

import math

import numpy as np

from .._core.jit import cached_njit

#: Half-width of each pace kernel's band, in kernel widths (``exp(-0.5 · 12²) = exp(-72)``).
BAND_WIDTHS = 12.0
#: A term this far (in log) below the running largest one is not added: ``exp(-37) = 8.5e-17`` is
#: less than half the spacing of doubles at the running sum (at least 1, where it is 2.2e-16), so
#: adding it would round back to the same sum. The same numbers, bit for bit, without its ``exp``.
_NEGLIGIBLE = -37.0


@cached_njit(nogil=True)
def pace_log_posterior(
    grid: np.ndarray,
    log_done: float,
    log_share: np.ndarray,
    width: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    log_weight: np.ndarray,
    df: float,
    log_c: float,
) -> np.ndarray:
    """``log Σ_j exp(w_j + t_j(x) + n_j(x))`` on the grid, each ``j`` over its band only.

    Parameters
    ----------
    grid : ndarray of shape (G,)
        ``log A``, rising.
    log_done : float
        Log of what is done by month ``t`` (something is: ``done > 0``).
    log_share, width : ndarray of shape (J,)
        Each reference year's log share at month ``t`` and its pace kernel's width ``h_j``.
    mean, scale : ndarray of shape (J,)
        Each prior kernel's centre and Student-t scale on ``log A``.
    log_weight : ndarray of shape (J,)
        Each year's log weight (its path shape's).
    df, log_c : float
        The Student-t kernels' degrees of freedom and log normalising constant (scale 1).

    Returns
    -------
    ndarray of shape (G,)
        The log of the sum; ``-inf`` where no band reaches.

    Notes
    -----
    ``t_j(x) = log_c − log s_j − (df+1)/2 · log1p(((x − m_j)/s_j)² / df)`` and
    ``n_j(x) = −((log_done − x − log_share_j)/h_j)²/2 − log(h_j √(2π))``, the same terms in the same
    order as the numpy kernels of ``seasonal_share``; the sum is a running log-sum-exp.
    """
    n = grid.size
    top = np.full(n, -np.inf)
    acc = np.zeros(n)
    half_log_2pi = 0.5 * math.log(2.0 * math.pi)
    power = (df + 1.0) / 2.0
    # one prior kernel for every year (the plan's, where the class has no outcomes of its own):
    # its Student-t term once per grid point, not once per year and point
    shared = log_share.size > 0
    for j in range(log_share.size):
        shared = shared and mean[j] == mean[0] and scale[j] == scale[0]
    prior = np.empty(n if shared else 0)
    for g in range(prior.size):
        z = (grid[g] - mean[0]) / scale[0]
        prior[g] = power * math.log1p(z * z / df)
    for j in range(log_share.size):
        centre = log_done - log_share[j]
        lo = np.searchsorted(grid, centre - BAND_WIDTHS * width[j])
        hi = np.searchsorted(grid, centre + BAND_WIDTHS * width[j], side="right")
        const = log_weight[j] + log_c - math.log(scale[j]) - math.log(width[j]) - half_log_2pi
        for g in range(lo, hi):
            if shared:
                t_term = prior[g]
            else:
                z = (grid[g] - mean[j]) / scale[j]
                t_term = power * math.log1p(z * z / df)
            u = (log_done - grid[g] - log_share[j]) / width[j]
            v = const - t_term - 0.5 * u * u
            if v > top[g]:
                acc[g] = acc[g] * math.exp(top[g] - v) + 1.0
                top[g] = v
            elif not v - top[g] <= _NEGLIGIBLE:  # (NaN included, as before)
                acc[g] += math.exp(v - top[g])
    out = np.full(n, -np.inf)
    for g in range(n):
        if acc[g] > 0.0:
            out[g] = top[g] + math.log(acc[g])
    return out
