"""Fused numba kernels of the streaming engine: one pass per (rows, month), no temporaries.

The Gamma, Dirichlet-split and link-normal month steps draw their variates inline with the
engine's own generator (``_random.py``: xoshiro256++, ziggurat normals,
Marsaglia–Tsang Gamma), so that drawing, scaling, accumulating and capping a
month is a single pass over the rows with nothing stored in between. The other
kernels do everything else a month needs in one pass each: compare with the
target, first-passage counts, the deadline value, province totals, and, at the
end of a block, the deadline statistics and histograms. All release the GIL, so
threads over tasks run them in parallel. Arrays are ``(rows, draws)``, where
the draws of a task may be several blocks side by side (``BlockStreams``):
the generator states are ``uint64[n_blocks, 4]``, advanced in place, and the
counts that are summed per block (``passage``, ``deadline_stats``) are written
per block too, so that a block gives the same numbers whether it runs alone
or beside others.
"""

from __future__ import annotations

import math

import numpy as np

from .._core.jit import cached_njit, njit
from ._random import gamma, gamma_constants, normal, uniform

# The generator's state words (s0, s1, s2, s3), returned by the inlined row loops.
_State = tuple[np.uint64, np.uint64, np.uint64, np.uint64]


@cached_njit(nogil=True)
def gamma_step(  # pragma: no cover - compiled
    state: np.ndarray,
    extra: np.ndarray,
    ends: np.ndarray,
    shape: np.ndarray,
    factor: np.ndarray,
    scale: np.ndarray,
    base: np.ndarray,
    upper: np.ndarray,
    out: np.ndarray,
) -> None:
    """One month of Gamma increments: ``out = min(base + scale * G(shape * factor), upper)``, drawn inline.

    ``G(shape)`` is drawn from ``state`` for every element with ``shape`` > 0 whatever its
    factor, and the factor's part from ``extra``: ``G(k f) = G(k) + G(k (f - 1))`` for ``f > 1``
    (the sum of independent Gamma variates), ``G(k) B`` with ``B ~ Beta(k f, k (1 - f))`` for
    ``0 < f < 1`` (Lukacs 1955: ``G(k) B`` is ``G(k f)``, ``B = G_a / (G_a + G_b)``), and 0 for
    ``f = 0`` (a stopped month, whose ``G(k)`` is drawn and discarded). So the first stream keeps
    step with a run without the factors: a scenario's paths are coupled to its baseline's, element
    by element (the same variates for every month and draw the scenario does not touch), a push
    can only raise a path and a stoppage, delay or cap only lower it. Marsaglia–Tsang draws a
    varying number of words per variate, so drawing ``G(k f)`` from the first stream instead
    would re-draw every later element from other words.

    Parameters
    ----------
    state : ndarray of uint64, shape (n_blocks, 4)
        Each block's xoshiro256++ state, advanced in place; block ``g`` draws
        columns ``[ends[g - 1], ends[g])`` (``BlockStreams``).
    extra : ndarray of uint64, shape (n_blocks, 4)
        Each block's second state (``BlockStreams.extra``), advanced in place where a factor is
        neither 0 nor 1; where every factor is 0 or 1 it is not drawn from (then a scratch array
        of that shape: never ``state`` itself, as both are written back).
    ends : ndarray of int64, shape (n_blocks,)
        Column after each block's last.
    shape : ndarray of float64, shape (rows, 1) or (rows, draws)
        The model's Gamma shape of the month's increment per row or per element; 0 (or less)
        draws nothing and adds nothing (a month not simulated).
    factor : ndarray of float64, shape (rows, 1) or (rows, draws)
        A scenario's factor (>= 0) on the shape, per row or per element. Where both ``shape`` and
        ``factor`` are one per row, the fast path: the constants computed once per row.
    scale : ndarray of float64, shape (rows, draws)
    base : ndarray, shape (rows, draws)
        The previous month (may be ``out`` itself).
    upper : ndarray, shape (rows,)
        Cap (``inf`` for none), in the paths' dtype.
    out : ndarray, shape (rows, draws)
        Written in its dtype; the sum is formed in float64 and rounded once,
        so a path never falls and never exceeds ``upper``.
    """
    per_row = shape.shape[1] == 1 and factor.shape[1] == 1
    n = out.shape[1]
    for i in range(out.shape[0]):
        u = np.float64(upper[i])
        if per_row and not shape[i, 0] > 0.0:  # no increment: copy and cap
            _copy_capped(base[i], u, out[i])
            continue
        j0 = 0
        for g in range(ends.size):  # each block's columns from its own streams, over 1-D views
            j1 = min(ends[g], n)
            st, ex = state[g], extra[g]
            sc, b, o = scale[i, j0:j1], base[i, j0:j1], out[i, j0:j1]
            if per_row and (factor[i, 0] == 1.0 or factor[i, 0] == 0.0):
                w = factor[i, 0]  # 1, or 0 for a stopped month
                st[0], st[1], st[2], st[3] = _gamma_row(
                    shape[i, 0], w, sc, b, u, o, st[0], st[1], st[2], st[3]
                )
            else:
                ks = shape[i, j0:j1] if shape.shape[1] > 1 else shape[i, 0:1]
                fs = factor[i, j0:j1] if factor.shape[1] > 1 else factor[i, 0:1]
                st[0], st[1], st[2], st[3], ex[0], ex[1], ex[2], ex[3] = _gamma_elements(
                    ks, fs, sc, b, u, o, st[0], st[1], st[2], st[3], ex[0], ex[1], ex[2], ex[3]
                )
            j0 = j1


@njit(inline="always")
def _copy_capped(base: np.ndarray, u: float, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """``out = min(base, u)`` over 1-D views (a month with no increment), in ``out``'s dtype."""
    for j in range(out.size):
        v = np.float64(base[j])
        out[j] = v if v < u else u


@njit(inline="always")
def _gamma_row(  # pragma: no cover - compiled
    k: float,
    w: float,
    scale: np.ndarray,
    base: np.ndarray,
    u: float,
    out: np.ndarray,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> _State:
    """``out = min(base + w scale G(k), u)`` over 1-D views, shape ``k`` > 0, ``w`` 1 or 0; the new state."""
    d, c, inv_a = gamma_constants(k)
    for j in range(out.size):
        x, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
        v = np.float64(base[j]) + w * scale[j] * x
        out[j] = v if v < u else u
    return s0, s1, s2, s3


@njit(inline="always")
def _gamma_elements(  # pragma: no cover - compiled
    shape: np.ndarray,
    factor: np.ndarray,
    scale: np.ndarray,
    base: np.ndarray,
    u: float,
    out: np.ndarray,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
    e0: np.uint64,
    e1: np.uint64,
    e2: np.uint64,
    e3: np.uint64,
) -> tuple[np.uint64, np.uint64, np.uint64, np.uint64, np.uint64, np.uint64, np.uint64, np.uint64]:
    """As :func:`_gamma_row`, a shape and a factor per element or one for all (arrays of size 1).

    Returns both states (the first stream's, then the second's).
    """
    one_k, one_f = shape.size == 1, factor.size == 1
    for j in range(out.size):
        k = shape[0] if one_k else shape[j]
        v = np.float64(base[j])
        if k > 0.0:
            f = factor[0] if one_f else factor[j]
            d, c, inv_a = gamma_constants(k)
            x, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
            if f == 0.0:
                x = 0.0
            elif f > 1.0:
                d, c, inv_a = gamma_constants(k * (f - 1.0))
                y, e0, e1, e2, e3 = gamma(d, c, inv_a, e0, e1, e2, e3)
                x += y
            elif f < 1.0:
                d, c, inv_a = gamma_constants(k * f)
                ga, e0, e1, e2, e3 = gamma(d, c, inv_a, e0, e1, e2, e3)
                d, c, inv_a = gamma_constants(k * (1.0 - f))
                gb, e0, e1, e2, e3 = gamma(d, c, inv_a, e0, e1, e2, e3)
                x *= ga / (ga + gb) if ga + gb > 0.0 else f  # both underflow only for tiny shapes
            v += scale[j] * x
        out[j] = v if v < u else u
    return s0, s1, s2, s3, e0, e1, e2, e3


@cached_njit(nogil=True)
def split_step(  # pragma: no cover - compiled
    state: np.ndarray,
    ends: np.ndarray,
    shape: np.ndarray,
    after: np.ndarray,
    scale: np.ndarray,
    mass: np.ndarray,
    base: np.ndarray,
    upper: np.ndarray,
    out: np.ndarray,
) -> None:
    """One month of a Dirichlet split of the remaining work: ``out = min(base + scale * mass * B, upper)``.

    ``B ~ Beta(shape, after)`` is the month's share of what remains (drawn inline as
    ``G(shape) / (G(shape) + G(after))``, two Gamma variates; ``B = 1`` where ``after`` is 0, the
    last month with work), and ``mass *= 1 - B``. Month after month this is the stick-breaking
    construction of a Dirichlet(shape_1, ..., shape_M) split of ``scale * mass`` (Connor and
    Mosimann 1969, *J. Amer. Statist. Assoc.* 64, 194-206): the months' increments add up to the
    initial ``scale * mass`` exactly, and the increment of month ``m`` has mean
    ``scale * shape_m`` as :func:`gamma_step`'s does.

    Parameters
    ----------
    state, ends : ndarray
        As in :func:`gamma_step`.
    shape : ndarray of float64, shape (rows, 1) or (rows, draws)
        This month's Dirichlet parameter per row (the fast path) or per element; 0 (or less)
        draws nothing and adds nothing.
    after : ndarray of float64, shape of ``shape``
        The sum of the later months' parameters (0: this month takes all that remains).
    scale : ndarray of float64, shape (rows, draws)
    mass : ndarray of float64, shape (rows, draws)
        What remains to split, in units of ``scale``; updated in place.
    base, upper, out : ndarray
        As in :func:`gamma_step`.
    """
    per_row = shape.shape[1] == 1
    n = out.shape[1]
    for i in range(out.shape[0]):
        u = np.float64(upper[i])
        if per_row and not shape[i, 0] > 0.0:  # no increment: copy and cap
            _copy_capped(base[i], u, out[i])
            continue
        j0 = 0
        for g in range(ends.size):
            j1 = min(ends[g], n)
            st = state[g]
            sc, w, b, o = scale[i, j0:j1], mass[i, j0:j1], base[i, j0:j1], out[i, j0:j1]
            if per_row:
                st[0], st[1], st[2], st[3] = _split_row(
                    shape[i, 0], after[i, 0], sc, w, b, u, o, st[0], st[1], st[2], st[3]
                )
            else:
                st[0], st[1], st[2], st[3] = _split_elements(
                    shape[i, j0:j1], after[i, j0:j1], sc, w, b, u, o, st[0], st[1], st[2], st[3]
                )
            j0 = j1


@njit(inline="always")
def _split_row(  # pragma: no cover - compiled
    a: float,
    rest: float,
    scale: np.ndarray,
    mass: np.ndarray,
    base: np.ndarray,
    u: float,
    out: np.ndarray,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> _State:
    """:func:`split_step` over 1-D views with one ``a`` > 0 and one ``rest``; returns the state."""
    d, c, inv_a = gamma_constants(a)
    if rest > 0.0:
        d2, c2, inv_b = gamma_constants(rest)
        p = a / (a + rest)
        for j in range(out.size):
            share, s0, s1, s2, s3 = _beta(d, c, inv_a, d2, c2, inv_b, p, s0, s1, s2, s3)
            take = mass[j] * share
            mass[j] -= take
            v = np.float64(base[j]) + scale[j] * take
            out[j] = v if v < u else u
    else:
        for j in range(out.size):
            v = np.float64(base[j]) + scale[j] * mass[j]
            mass[j] = 0.0
            out[j] = v if v < u else u
    return s0, s1, s2, s3


@njit(inline="always")
def _beta(  # pragma: no cover - compiled
    d: float,
    c: float,
    inv_a: float,
    d2: float,
    c2: float,
    inv_b: float,
    p: float,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> tuple[float, np.uint64, np.uint64, np.uint64, np.uint64]:
    """Beta(a, b) as ``G(a) / (G(a) + G(b))`` from the two shapes' :func:`gamma_constants`.

    Where both variates underflow to 0 (shapes of a few thousandths), the limit of Beta(a, b)
    as both shapes vanish: 1 with probability ``p = a / (a + b)``, else 0.
    """
    x, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
    y, s0, s1, s2, s3 = gamma(d2, c2, inv_b, s0, s1, s2, s3)
    if x + y > 0.0:
        return x / (x + y), s0, s1, s2, s3
    w, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
    return (1.0 if w < p else 0.0), s0, s1, s2, s3


@njit(inline="always")
def _split_elements(  # pragma: no cover - compiled
    shape: np.ndarray,
    after: np.ndarray,
    scale: np.ndarray,
    mass: np.ndarray,
    base: np.ndarray,
    u: float,
    out: np.ndarray,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> _State:
    """As :func:`_split_row` with a parameter per element (0 or less: no draw, no increment)."""
    for j in range(out.size):
        a, rest = shape[j], after[j]
        v = np.float64(base[j])
        if a > 0.0:
            share = 1.0
            if rest > 0.0:
                d, c, inv_a = gamma_constants(a)
                d2, c2, inv_b = gamma_constants(rest)
                share, s0, s1, s2, s3 = _beta(d, c, inv_a, d2, c2, inv_b, a / (a + rest), s0, s1, s2, s3)
            take = mass[j] * share
            mass[j] -= take
            v += scale[j] * take
        out[j] = v if v < u else u
    return s0, s1, s2, s3


@cached_njit(nogil=True)
def link_step(  # pragma: no cover - compiled
    state: np.ndarray,
    ends: np.ndarray,
    drift: np.ndarray,
    sd: np.ndarray,
    mult: np.ndarray,
    active: np.ndarray,
    eta: np.ndarray,
    code: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    out: np.ndarray,
) -> None:
    """Random walk on the link scale, ``eta += mult * drift + sd * Z``, Z drawn inline; value in ``out``.

    Rows not ``active`` keep their ``eta`` and draw nothing. ``code`` 0
    identity (clipped to [lower, upper]), 1 log (``lower + exp``), 2 logit
    (``lower + (upper - lower) expit``); the value never exceeds ``upper``.
    ``Z`` and ``eta`` are float64; ``out`` is written in its dtype.
    ``state`` (n_blocks, 4) and ``ends`` (n_blocks,) are the blocks' xoshiro256++
    states and column ends, as in :func:`gamma_step`.
    """
    n = out.shape[1]
    for i in range(out.shape[0]):
        c, lo, hi, k = code[i], lower[i], upper[i], mult[i]
        if active[i]:
            j0 = 0
            for g in range(ends.size):  # each block's columns from its own stream, over 1-D views
                j1 = min(ends[g], n)
                st = state[g]
                e, d, q = eta[i, j0:j1], drift[i, j0:j1], sd[i, j0:j1]
                st[0], st[1], st[2], st[3] = _walk_row(k, d, q, e, st[0], st[1], st[2], st[3])
                j0 = j1
        e, o = eta[i], out[i]
        # Separate loops without draws, one per link, so that they vectorise.
        if c == 2:
            for j in range(n):
                o[j] = min(lo + (hi - lo) / (1.0 + math.exp(-e[j])), hi)
        elif c == 1:
            for j in range(n):
                o[j] = min(lo + math.exp(e[j]), hi)
        else:
            for j in range(n):
                o[j] = min(max(e[j], lo), hi)


@njit(inline="always")
def _walk_row(  # pragma: no cover - compiled
    k: float,
    drift: np.ndarray,
    sd: np.ndarray,
    eta: np.ndarray,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> _State:
    """``eta += k drift + sd Z`` over 1-D views, Z standard normal; returns the state."""
    for j in range(eta.size):
        z, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
        eta[j] += k * drift[j] + sd[j] * z
    return s0, s1, s2, s3


@njit(inline="always")
def _met_so_far(x: np.ndarray, hit: np.ndarray, t: float, up: bool) -> int:  # pragma: no cover - compiled
    """``hit |= (x >= t)`` (``x <= t`` when not ``up``) over 1-D views; returns the count of ``hit``.

    Separate branchless loops over whole views, so that LLVM vectorises them
    (a loop over a column range of a 2-D array, ``range(j0, j1)``, does not).
    """
    count = 0
    if up:
        for j in range(x.size):
            h = hit[j] | (x[j] >= t)
            hit[j] = h
            count += h
    else:
        for j in range(x.size):
            h = hit[j] | (x[j] <= t)
            hit[j] = h
            count += h
    return count


@cached_njit(nogil=True)
def binomial_inverse(
    u: np.ndarray, n: np.ndarray, p: np.ndarray, out: np.ndarray
) -> None:  # pragma: no cover - compiled
    """Binomial variates by inversion: ``out = min{k : P(Bin(n, p) <= k) >= u}``, element by element.

    One uniform per variate whatever ``n`` and ``p`` (numpy's ``binomial`` draws none where ``n``
    or ``p`` is 0 and a varying number elsewhere), so that two runs on the same stream stay
    coupled variate by variate: a lower ``p`` never gives more, and ``n + d`` never more than
    ``d`` above ``n``, so a scenario that slows a milestone programme cannot raise its
    simulated completions on any path (a delay showed P(met) 0.028 -> 0.036).

    The sequential search of Devroye (1986), *Non-Uniform Random Variate Generation*, §X.4.3,
    on the probability mass recursion ``f(k+1) = f(k) (n-k)/(k+1) p/q``, started 25 standard
    deviations below the mean (the mass below is under ``exp(-312)``) with ``f`` from
    ``lgamma``, so that ``f`` does not underflow for large ``n``.

    Parameters
    ----------
    u : ndarray of float64, shape (R, C)
        Uniforms on [0, 1).
    n : ndarray of int64, shape (R, C)
        Trials (projects still open); 0 or less gives 0.
    p : ndarray of float64, shape (R, C)
        Success probability; 0 or less gives 0, 1 or more gives ``n``.
    out : ndarray of int64, shape (R, C)
        Written in place.
    """
    for i in range(u.shape[0]):
        for j in range(u.shape[1]):
            out[i, j] = _binomial_quantile(u[i, j], n[i, j], p[i, j])


@njit(inline="always")
def _binomial_quantile(u: float, n: int, p: float) -> int:  # pragma: no cover - compiled
    if n <= 0 or p <= 0.0:
        return 0
    if p >= 1.0:
        return n
    q = 1.0 - p
    mean = n * p
    k = max(0, math.floor(mean - 25.0 * math.sqrt(mean * q)))
    log_f = n * math.log1p(-p)
    if k > 0:
        log_f += math.lgamma(n + 1.0) - math.lgamma(k + 1.0) - math.lgamma(n - k + 1.0) + k * math.log(p / q)
    f = math.exp(log_f)
    cdf = f
    ratio = p / q
    while cdf < u and k < n:
        f *= (n - k) / (k + 1.0) * ratio
        k += 1
        cdf += f
        if f == 0.0 and k > mean:  # past the mode, nothing left to add: rounding kept cdf below u
            break
    return k


@cached_njit(nogil=True)
def passage(  # pragma: no cover - compiled
    x: np.ndarray,
    target: np.ndarray,
    sign: np.ndarray,
    at_deadline: np.ndarray,
    m: int,
    ends: np.ndarray,
    hit: np.ndarray,
    fp: np.ndarray,
    dv: np.ndarray,
) -> None:
    """Month ``m`` of a row ``x``: update ``hit`` (target met in some month so far), ``fp[:, :, m]``, ``dv``.

    ``sign`` > 0 means ``>=``, else ``<=``; NaN never meets a target. Rows with
    ``at_deadline`` copy ``x`` into the deadline values ``dv``. ``fp`` is
    (n_blocks, rows, 12): the count of paths that have met the target, per
    block (columns up to ``ends[g]``).
    """
    n = x.shape[1]
    for i in range(x.shape[0]):
        j0 = 0
        for g in range(ends.size):
            j1 = min(ends[g], n)
            fp[g, i, m] = _met_so_far(x[i, j0:j1], hit[i, j0:j1], target[i], sign[i] > 0)
            j0 = j1
        if at_deadline[i]:
            for j in range(n):
                dv[i, j] = x[i, j]


@cached_njit(nogil=True)
def aggregate(  # pragma: no cover - compiled
    x: np.ndarray, members: np.ndarray, starts: np.ndarray, weights: np.ndarray, out: np.ndarray
) -> None:
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


@njit(inline="always")
def _deadline_row(  # pragma: no cover - compiled
    v: np.ndarray, t: float, t32: float, s: float
) -> tuple[int, float, float, float, int, float, int, bool]:
    """Met count, Σ shortfall, Σ shortfall², min, its count, max, its count and whether a NaN was seen."""
    count = 0
    a = 0.0
    b = 0.0
    lo = math.inf
    n_lo = 0
    hi = -math.inf
    n_hi = 0
    nan = False
    for j in range(v.size):
        x = v[j]
        if math.isnan(x):
            nan = True
            continue
        if (x >= t32) if s > 0 else (x <= t32):
            count += 1
        short = (t - np.float64(x)) * s
        if short > 0.0:
            a += short
            b += short * short
        if x < lo:
            lo = x
            n_lo = 1
        elif x == lo:
            n_lo += 1
        if x > hi:
            hi = x
            n_hi = 1
        elif x == hi:
            n_hi += 1
    return count, a, b, lo, n_lo, hi, n_hi, nan


@cached_njit(nogil=True)
def deadline_stats(  # pragma: no cover - compiled
    dv: np.ndarray,
    target: np.ndarray,
    tgt: np.ndarray,
    sign: np.ndarray,
    ends: np.ndarray,
    met: np.ndarray,
    sf1: np.ndarray,
    sf2: np.ndarray,
    vmin: np.ndarray,
    vmin_n: np.ndarray,
    vmax: np.ndarray,
    vmax_n: np.ndarray,
) -> None:
    """Per block and row of deadline values: met count, Σ shortfall and Σ shortfall², min, max, their counts.

    The counts of values at the min (``vmin_n``) and at the max (``vmax_n``) keep an atom there
    exact in the quantiles (:func:`~._stats.histogram_quantiles`): a year whose work is over (the
    value stays at what was done), a share capped at 100 %.

    ``target`` is float64 (the shortfall ``max((target - value) * sign, 0)`` is
    float64), ``tgt`` the same in the values' dtype (the met comparison). The
    outputs are (n_blocks, rows), block ``g`` being the columns up to
    ``ends[g]``; sums run over a block's columns in order. A row with a NaN
    gets NaN sums and extremes (as numpy's reductions do).
    """
    n = dv.shape[1]
    for i in range(dv.shape[0]):
        j0 = 0
        for g in range(ends.size):
            j1 = min(ends[g], n)
            count, a, b, lo, n_lo, hi, n_hi, nan = _deadline_row(dv[i, j0:j1], target[i], tgt[i], sign[i])
            met[g, i] = count
            vmin_n[g, i] = -1 if nan else n_lo  # -1: the row's minimum is not known (a NaN value)
            vmax_n[g, i] = -1 if nan else n_hi
            if nan:
                sf1[g, i] = sf2[g, i] = vmin[g, i] = vmax[g, i] = math.nan
            else:
                sf1[g, i], sf2[g, i], vmin[g, i], vmax[g, i] = a, b, lo, hi
            j0 = j1
