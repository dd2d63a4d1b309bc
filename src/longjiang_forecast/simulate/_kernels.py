"""Fused numba kernels of the streaming engine: one pass per (rows, month), no temporaries.

numpy draws the variates (its generators are faster than numba's ports of the
same algorithms, and give the same streams); these kernels do everything else a
month needs in a single pass over the row: scale, accumulate, cap, compare with
the target, first-passage counts, the deadline value, province totals, and, at
the end of a block, the deadline statistics and histograms. All release the
GIL, so threads over blocks run them in parallel. Arrays are ``(rows, draws)``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

#: Rows of variates drawn at once before a fused kernel consumes them: small enough
#: to stay in the core's L2 cache (32 x 1,024 float32 = 128 KiB).
CHUNK_ROWS = 32


@njit(nogil=True, cache=True)
def gamma_advance(g, scale, base, upper, out):  # pragma: no cover - compiled
    """``out = min(base + scale * g, upper)`` row by row (``base`` may be ``out``)."""
    for i in range(out.shape[0]):
        u = upper[i]
        for j in range(out.shape[1]):
            v = base[i, j] + scale[i, j] * g[i, j]
            out[i, j] = v if v < u else u


@njit(nogil=True, cache=True)
def link_advance(z, drift, sd, mult, active, eta, code, lower, upper, out):  # pragma: no cover - compiled
    """Random walk on the link scale, ``eta += mult * drift + sd * z``, and its value in ``out``.

    Rows not ``active`` keep their ``eta``. ``code`` 0 identity (clipped to
    [lower, upper]), 1 log (``lower + exp``), 2 logit (``lower + (upper -
    lower) expit``); the value never exceeds ``upper``.
    """
    for i in range(out.shape[0]):
        c, lo, hi, k, step = code[i], lower[i], upper[i], mult[i], active[i]
        for j in range(out.shape[1]):
            e = eta[i, j]
            if step:
                e += k * drift[i, j] + sd[i, j] * z[i, j]
                eta[i, j] = e
            if c == 2:
                v = lo + (hi - lo) / (1.0 + math.exp(-e))
            elif c == 1:
                v = lo + math.exp(e)
            else:
                v = min(max(e, lo), hi)
            out[i, j] = min(v, hi)


@njit(nogil=True, cache=True)
def passage(x, target, sign, at_deadline, m, hit, fp, dv):  # pragma: no cover - compiled
    """Month ``m`` of a row ``x``: update ``hit`` (target met in some month so far), ``fp[:, m]``, ``dv``.

    ``sign`` > 0 means ``>=``, else ``<=``; NaN never meets a target. Rows with
    ``at_deadline`` copy ``x`` into the deadline values ``dv``.
    """
    for i in range(x.shape[0]):
        t = target[i]
        count = 0
        if sign[i] > 0:  # separate branchless loops, so that they vectorise
            for j in range(x.shape[1]):
                h = hit[i, j] | (x[i, j] >= t)
                hit[i, j] = h
                count += h
        else:
            for j in range(x.shape[1]):
                h = hit[i, j] | (x[i, j] <= t)
                hit[i, j] = h
                count += h
        fp[i, m] = count
        if at_deadline[i]:
            for j in range(x.shape[1]):
                dv[i, j] = x[i, j]


@njit(nogil=True, cache=True)
def aggregate(x, members, starts, weights, out):  # pragma: no cover - compiled
    """``out[g] = Σ weights[k] x[members[k]]`` over the members ``k`` of group ``g`` (in member order)."""
    n_groups = starts.size
    for g in range(n_groups):
        a = starts[g]
        b = members.size if g + 1 == n_groups else starts[g + 1]
        for j in range(x.shape[1]):
            out[g, j] = 0.0
        for k in range(a, b):
            r, w = members[k], weights[k]
            for j in range(x.shape[1]):
                out[g, j] += w * x[r, j]


@njit(nogil=True, cache=True)
def deadline_stats(dv, target, tgt, sign, met, sf1, sf2, vmin, vmax):  # pragma: no cover - compiled
    """Per row of deadline values: met count, Σ shortfall and Σ shortfall², min and max.

    ``target`` is float64 (the shortfall ``max((target - value) * sign, 0)`` is
    float64), ``tgt`` the same in the values' dtype (the met comparison). A row
    with a NaN gets NaN sums and extremes (as numpy's reductions do).
    """
    for i in range(dv.shape[0]):
        t = target[i]
        s = sign[i]
        t32 = tgt[i]
        count = 0
        a = 0.0
        b = 0.0
        lo = math.inf
        hi = -math.inf
        nan = False
        for j in range(dv.shape[1]):
            v = dv[i, j]
            if math.isnan(v):
                nan = True
                continue
            if (v >= t32) if s > 0 else (v <= t32):
                count += 1
            short = (t - np.float64(v)) * s
            if short > 0.0:
                a += short
                b += short * short
            lo = min(lo, v)
            hi = max(hi, v)
        met[i] = count
        if nan:
            sf1[i] = sf2[i] = vmin[i] = vmax[i] = math.nan
        else:
            sf1[i], sf2[i], vmin[i], vmax[i] = a, b, lo, hi
