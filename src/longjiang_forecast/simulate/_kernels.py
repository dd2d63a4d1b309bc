"""Fused numba kernels of the streaming engine: one pass per (rows, month), no temporaries.

The Gamma and link-normal month steps draw their variates inline with the
engine's own generator (``_random.py``: xoshiro256++, ziggurat normals,
Marsaglia–Tsang Gamma), so that drawing, scaling, accumulating and capping a
month is a single pass over the rows with nothing stored in between. The other
kernels do everything else a month needs in one pass each: compare with the
target, first-passage counts, the deadline value, province totals, and, at the
end of a block, the deadline statistics and histograms. All release the GIL, so
threads over blocks run them in parallel. Arrays are ``(rows, draws)``; a
generator state is a ``uint64[4]`` array, advanced in place.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ._random import gamma, gamma_constants, normal


@njit(nogil=True, cache=True)
def gamma_step(state, shape, scale, base, upper, out):  # pragma: no cover - compiled
    """One month of Gamma increments: ``out = min(base + scale * G(shape), upper)``, drawn inline.

    Parameters
    ----------
    state : ndarray of uint64, shape (4,)
        The block's xoshiro256++ state, advanced in place.
    shape : ndarray of float64, shape (rows, 1) or (rows, draws)
        Gamma shape of the month's increment per row (one value for all draws,
        the fast path: constants computed once per row) or per element; 0
        (or less) draws nothing and adds nothing.
    scale : ndarray of float64, shape (rows, draws)
    base : ndarray, shape (rows, draws)
        The previous month (may be ``out`` itself).
    upper : ndarray, shape (rows,)
        Cap (``inf`` for none), in the paths' dtype.
    out : ndarray, shape (rows, draws)
        Written in its dtype; the sum is formed in float64 and rounded once,
        so a path never falls and never exceeds ``upper``.
    """
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    per_row = shape.shape[1] == 1
    for i in range(out.shape[0]):
        u = np.float64(upper[i])
        if per_row:
            a = shape[i, 0]
            if a > 0.0:
                d, c, inv_a = gamma_constants(a)
                for j in range(out.shape[1]):
                    g, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
                    v = np.float64(base[i, j]) + scale[i, j] * g
                    out[i, j] = v if v < u else u
            else:
                for j in range(out.shape[1]):
                    v = np.float64(base[i, j])
                    out[i, j] = v if v < u else u
        else:
            for j in range(out.shape[1]):
                a = shape[i, j]
                v = np.float64(base[i, j])
                if a > 0.0:
                    d, c, inv_a = gamma_constants(a)
                    g, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
                    v += scale[i, j] * g
                out[i, j] = v if v < u else u
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@njit(nogil=True, cache=True)
def link_step(state, drift, sd, mult, active, eta, code, lower, upper, out):  # pragma: no cover - compiled
    """Random walk on the link scale, ``eta += mult * drift + sd * Z``, Z drawn inline; value in ``out``.

    Rows not ``active`` keep their ``eta`` and draw nothing. ``code`` 0
    identity (clipped to [lower, upper]), 1 log (``lower + exp``), 2 logit
    (``lower + (upper - lower) expit``); the value never exceeds ``upper``.
    ``Z`` and ``eta`` are float64; ``out`` is written in its dtype.
    ``state`` is the block's xoshiro256++ state, advanced in place.
    """
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(out.shape[0]):
        c, lo, hi, k = code[i], lower[i], upper[i], mult[i]
        if active[i]:
            for j in range(out.shape[1]):
                z, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
                eta[i, j] += k * drift[i, j] + sd[i, j] * z
        for j in range(out.shape[1]):  # separate loop without draws, so that it vectorises
            e = eta[i, j]
            if c == 2:
                v = lo + (hi - lo) / (1.0 + math.exp(-e))
            elif c == 1:
                v = lo + math.exp(e)
            else:
                v = min(max(e, lo), hi)
            out[i, j] = min(v, hi)
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


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
