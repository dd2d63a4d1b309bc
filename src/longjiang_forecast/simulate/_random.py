"""The engine's own random numbers: xoshiro256++, ziggurat normals, Marsaglia–Tsang Gamma variates.

Compiled with numba so that the fused month kernels of ``_kernels.py`` draw
their variates inline (no buffer, no call per row), which is what takes the
engine past numpy's speed on the same distributions (numbers in
``docs/design/003-own-generator.md``).

* **Bit generator**: xoshiro256++ (Blackman & Vigna, "Scrambled linear
  pseudorandom number generators", ACM TOMS 47(4), 2021), 256 bits of state,
  period 2^256 - 1, no failures in BigCrush (the authors' tests). The state of block ``i`` is
  four 64-bit words from that block's :class:`numpy.random.SeedSequence`
  (:func:`seed_state`), so a stream belongs to a fixed block of draws, whatever
  thread or Dask worker runs it. The state is a ``uint64[4]`` array that the
  kernels load into registers and write back when they return.
* **Uniform**: the top 53 bits, ``(r >> 11) 2^-53`` in [0, 1), or
  ``((r >> 11) + 1/2) 2^-53`` in (0, 1) where a logarithm needs it. The
  53-bit integers go to float64 through ``int64`` (the ``uint64`` conversion
  is a slow branchy sequence on x86-64 without AVX-512).
* **Standard normal**: the ziggurat of Marsaglia & Tsang ("The ziggurat method
  for generating random variables", J. Stat. Softw. 5(8), 2000) with 256 layers,
  in the 64-bit form that avoids the correlation between layer and value noted
  by Doornik ("An improved ziggurat method to generate normal random samples",
  2005): 8 bits pick the layer, 1 bit the sign, 52 other bits the abscissa.
  The tail beyond ``r = 3.654...`` uses Marsaglia's (1964) exact method.
* **Gamma(a, 1)**: Marsaglia & Tsang ("A simple method for generating gamma
  variables", ACM TOMS 26(3), 2000) for ``a >= 1``, with the squeeze
  ``u < 1 - 0.0331 x^4``; for ``0 < a < 1`` their boost
  ``G(a + 1) U^(1/a)``, computed as ``G(a + 1) exp(-E / a)`` with ``E``
  standard exponential (``-log U``) drawn by the 256-layer exponential
  ziggurat of Marsaglia & Tsang (2000), which saves a logarithm; ``a = 0``
  gives 0 (no increment), as numpy does.

Everything is computed in float64; the fill helpers may store float32. A
float32 Gamma variate of a shape below about 0.1 underflows to 0 with a
probability that is no longer negligible (``P(G < 1.2e-38) ≈ (1.2e-38)^a /
Γ(a+1)``: 1.3 % at ``a = 0.05``), which is why the engine adds the variate to the
path in float64 before rounding the path. Validated in
``tests/simulate/test_simulate_random.py`` (KS and Anderson–Darling against scipy,
moments, tails, stream independence).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TypeVar

import numpy as np

from .._core.jit import cached_njit, njit

_U52 = np.uint64(0x000FFFFFFFFFFFFF)
_M8 = np.uint64(0xFF)
_ONE = np.uint64(1)
_TWO53 = 1.0 / 9007199254740992.0  # 2^-53
_T = TypeVar("_T")
# A kernel's variate (or raw word) and the generator's next state words (s0, s1, s2, s3).
_Draw = tuple[_T, np.uint64, np.uint64, np.uint64, np.uint64]
# A ziggurat's rare branch: (accepted, variate, s0, s1, s2, s3).
_Tried = tuple[bool, float, np.uint64, np.uint64, np.uint64, np.uint64]


# --------------------------------------------------------------------------- ziggurat tables


def _ziggurat_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Tables of the 256-layer ziggurat for exp(-x²/2) (Marsaglia & Tsang 2000), 52-bit abscissas.

    Layer ``i`` (1-255) is the rectangle ``[0, x_i] x [f(x_i), f(x_{i-1})]``;
    layer 0 is the base strip (``[0, r] x [0, f(r)]`` and the tail). All have
    area ``v``, ``v = r f(r) + ∫_r^∞ f``. ``k[i] = x_{i-1} / x_i 2^52`` (accept
    without computing ``f``), ``w[i] = x_i 2^-52``, ``f[i] = f(x_i)``.
    """
    from scipy import special

    r = 3.6541528853610088  # x_255: makes the top layer's area v (Marsaglia & Tsang's constant)
    v = r * math.exp(-0.5 * r * r) + math.sqrt(math.pi / 2) * special.erfc(r / math.sqrt(2.0))
    m = 2.0**52
    k = np.zeros(256, np.uint64)
    w = np.zeros(256)
    f = np.zeros(256)
    dn = tn = r
    q = v / math.exp(-0.5 * dn * dn)
    k[0] = np.uint64(dn / q * m)
    w[0] = q / m
    w[255] = dn / m
    f[0] = 1.0
    f[255] = math.exp(-0.5 * dn * dn)
    for i in range(254, 0, -1):
        dn = math.sqrt(-2.0 * math.log(v / dn + math.exp(-0.5 * dn * dn)))
        k[i + 1] = np.uint64(dn / tn * m)
        tn = dn
        f[i] = math.exp(-0.5 * dn * dn)
        w[i] = dn / m
    return k, w, f, r


def _exponential_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Tables of the 256-layer ziggurat for exp(-x), as above, 53-bit abscissas (Marsaglia & Tsang 2000)."""
    r = 7.69711747013104972  # x_255 (Marsaglia & Tsang's constant)
    v = r * math.exp(-r) + math.exp(-r)
    m = 2.0**53
    k = np.zeros(256, np.uint64)
    w = np.zeros(256)
    f = np.zeros(256)
    dn = tn = r
    q = v / math.exp(-dn)
    k[0] = np.uint64(dn / q * m)
    w[0] = q / m
    w[255] = dn / m
    f[0] = 1.0
    f[255] = math.exp(-dn)
    for i in range(254, 0, -1):
        dn = -math.log(v / dn + math.exp(-dn))
        k[i + 1] = np.uint64(dn / tn * m)
        tn = dn
        f[i] = math.exp(-dn)
        w[i] = dn / m
    return k, w, f, r


_KI, _WI, _FI, _R = _ziggurat_tables()
_INV_R = 1.0 / _R
_KE, _WE, _FE, _RE = _exponential_tables()
_U53 = np.uint64(0x001FFFFFFFFFFFFF)


# --------------------------------------------------------------------------- seeding


def seed_state(seed: np.random.SeedSequence | np.random.Generator) -> np.ndarray:
    """The xoshiro256++ state of one block: a fresh ``uint64[4]`` array.

    Parameters
    ----------
    seed : numpy.random.SeedSequence or Generator
        A block's seed sequence: the state is words 4-7 of
        ``seed.generate_state(8, uint64)`` (numpy's PCG64 seeded from the same
        sequence takes words 0-3, so the two streams never share their seed
        words). A ``Generator`` gives four words of its own stream instead.

    Returns
    -------
    ndarray of uint64, shape (4,)
        Never all zero (the one state xoshiro must avoid).
    """
    if isinstance(seed, np.random.Generator):
        state: np.ndarray = seed.integers(0, 2**64 - 1, size=4, dtype=np.uint64, endpoint=True)
    else:
        state = seed.generate_state(8, np.uint64)[4:].copy()
    if not state.any():  # pragma: no cover - probability 2^-256
        state[0] = np.uint64(0x9E3779B97F4A7C15)
    return state


class BlockStreams:
    """The random streams of consecutive blocks of draws, each block's from its own seed.

    A task may simulate several blocks side by side (columns ``[0, ends[0])``
    are block 0, ``[ends[0], ends[1])`` block 1, ...): every block still draws
    from its own streams, in the same order as when it runs alone, so the
    numbers do not depend on how blocks are grouped into tasks.

    Parameters
    ----------
    seeds : numpy.random.SeedSequence or Generator, or a sequence of them
        One per block: the block's seed sequence (``_stream.block_seed``), or a
        generator that is used as the numpy stream and seeds the xoshiro state
        (four words of its stream, :func:`seed_state`).
    sizes : sequence of int, optional
        Draws (columns) of each block, in order. Default: one block holding
        every column.

    Attributes
    ----------
    state : ndarray of uint64, shape (n_blocks, 4)
        xoshiro256++ state of each block for the fused kernels (Gamma,
        link-normal), advanced in place. Families draw in a fixed order
        (family, month, row, draw), so a block gives the same numbers whichever
        thread or worker runs it and whichever blocks run beside it.
    ends : ndarray of int64, shape (n_blocks,)
        Column after the last of each block (the last is a huge number when
        ``sizes`` is not given, so that it covers any width).

    Raises
    ------
    ValueError
        If ``sizes`` does not give one positive size per seed.
    """

    __slots__ = ("_extra", "_numpy", "_seeded", "_seeds", "ends", "state")

    def __init__(
        self,
        seeds: np.random.SeedSequence
        | np.random.Generator
        | Sequence[np.random.SeedSequence | np.random.Generator],
        sizes: Sequence[int] | None = None,
    ) -> None:
        if isinstance(seeds, (np.random.SeedSequence, np.random.Generator)):
            seeds = [seeds]
        self._seeds = list(seeds)
        if sizes is None:
            if len(self._seeds) != 1:
                raise ValueError(f"sizes: give the draws of each of the {len(self._seeds)} blocks")
            self.ends = np.array([np.iinfo(np.int64).max], np.int64)
        else:
            counts = np.asarray(sizes, np.int64)
            if counts.shape != (len(self._seeds),) or (counts <= 0).any():
                raise ValueError(
                    f"sizes: need one positive size per block ({len(self._seeds)} seeds), "
                    f"got {counts.tolist()}"
                )
            self.ends = np.cumsum(counts)
        self._numpy: list[np.random.Generator | None] = [
            s if isinstance(s, np.random.Generator) else None for s in self._seeds
        ]
        self.state = np.stack([seed_state(s) for s in self._seeds])
        self._seeded = self.state.copy()  # a Generator's words are drawn once: the second stream's seed
        self._extra: np.ndarray | None = None

    @property
    def extra(self) -> np.ndarray:
        """Each block's second xoshiro256++ state, shape (n_blocks, 4), advanced in place by its users.

        The block's first state as it was seeded, jumped 2^128 steps (:func:`jumped`), so the two
        streams never meet. It draws what a scenario's factor adds to or takes from a Gamma
        increment (:func:`~._kernels.gamma_step`), so that the first stream keeps step with the
        baseline's. Made on first use, from the states as seeded (before any draw).
        """
        if self._extra is None:
            self._extra = jumped(self._seeded)
        return self._extra

    def numpy_draw(self, n: int, draw: Callable[[np.random.Generator, slice], np.ndarray]) -> np.ndarray:
        """Draw with each block's numpy ``Generator`` and join the blocks along the last axis.

        Parameters
        ----------
        n : int
            Columns (draws) in all.
        draw : callable
            ``draw(generator, columns)`` returns the block's variates, an array
            whose last axis has one entry per column of the block (``columns``
            is the block's slice of the draws axis, to cut per-draw parameters).

        Returns
        -------
        ndarray
            The blocks' variates side by side (..., n_columns).

        Notes
        -----
        numpy draws for the families that have no fused kernel (negative
        binomial, Poisson, binomial, log-normal); a generator is built on first
        use, so blocks without them do not pay for it.
        """
        parts = []
        for g, cols in enumerate(self.columns(n)):
            generator = self._numpy[g]
            if generator is None:
                generator = self._numpy[g] = np.random.default_rng(self._seeds[g])
            parts.append(draw(generator, cols))
        return parts[0] if len(parts) == 1 else np.concatenate(parts, axis=-1)

    def columns(self, n: int) -> list[slice]:
        """Each block's slice of the draws axis, for ``n`` columns in all."""
        starts = np.r_[0, self.ends[:-1]]
        return [slice(int(lo), min(int(hi), n)) for lo, hi in zip(starts, self.ends, strict=True)]


# --------------------------------------------------------------------------- scalar generators (inlined)


@njit(inline="always")
def _rotl(x: np.uint64, k: int) -> np.uint64:  # pragma: no cover - compiled
    return (x << np.uint64(k)) | (x >> np.uint64(64 - k))


@njit(inline="always")
def next_u64(
    s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[np.uint64]:  # pragma: no cover - compiled
    """One xoshiro256++ output and the next state: ``(r, s0, s1, s2, s3)``."""
    r = _rotl(s0 + s3, 23) + s0
    t = s1 << np.uint64(17)
    s2 ^= s0
    s3 ^= s1
    s1 ^= s2
    s0 ^= s3
    s2 ^= t
    s3 = _rotl(s3, 45)
    return r, s0, s1, s2, s3


@njit(inline="always")
def uniform(
    s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[float]:  # pragma: no cover - compiled
    """Uniform on [0, 1) from the top 53 bits: ``(u, s0, s1, s2, s3)``."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    return np.float64(np.int64(r >> np.uint64(11))) * _TWO53, s0, s1, s2, s3


@njit(inline="always")
def uniform_open(
    s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[float]:  # pragma: no cover - compiled
    """Uniform on (0, 1) (never 0 or 1): ``(u, s0, s1, s2, s3)``."""
    r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
    return (np.float64(np.int64(r >> np.uint64(11))) + 0.5) * _TWO53, s0, s1, s2, s3


@njit()
def _normal_slow(
    r: np.uint64,
    idx: np.intp,
    rabs: np.uint64,
    x: float,
    s0: np.uint64,
    s1: np.uint64,
    s2: np.uint64,
    s3: np.uint64,
) -> _Tried:  # pragma: no cover - compiled
    """The rare branches of the ziggurat (about 1 % of calls): wedge test or tail.

    Returns ``(accepted, x, s0, s1, s2, s3)``.
    """
    if idx == 0:  # base strip beyond r: the tail (Marsaglia 1964)
        while True:
            u1, s0, s1, s2, s3 = uniform_open(s0, s1, s2, s3)
            u2, s0, s1, s2, s3 = uniform_open(s0, s1, s2, s3)
            xx = -_INV_R * math.log(u1)
            yy = -math.log(u2)
            if yy + yy > xx * xx:
                z = _R + xx
                return True, (-z if r & _ONE else z), s0, s1, s2, s3  # the same sign bit as x
    u, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
    if (_FI[idx - 1] - _FI[idx]) * u + _FI[idx] < math.exp(-0.5 * x * x):
        return True, x, s0, s1, s2, s3
    return False, x, s0, s1, s2, s3


@njit(inline="always")
def normal(
    s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[float]:  # pragma: no cover - compiled
    """Standard normal by the 256-layer ziggurat: ``(z, s0, s1, s2, s3)``."""
    while True:
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        idx = np.intp(r & _M8)
        r >>= np.uint64(8)
        rabs = (r >> _ONE) & _U52
        x = np.float64(np.int64(rabs)) * _WI[idx]
        if r & _ONE:
            x = -x
        if rabs < _KI[idx]:
            return x, s0, s1, s2, s3
        ok, x, s0, s1, s2, s3 = _normal_slow(r, idx, rabs, x, s0, s1, s2, s3)
        if ok:
            return x, s0, s1, s2, s3


@njit()
def _exponential_slow(
    idx: np.intp, x: float, s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Tried:  # pragma: no cover - compiled
    """The rare branches of the exponential ziggurat: ``(accepted, x, s0, s1, s2, s3)``."""
    if idx == 0:  # beyond r: r plus a fresh exponential (memoryless)
        u, s0, s1, s2, s3 = uniform_open(s0, s1, s2, s3)
        return True, _RE - math.log(u), s0, s1, s2, s3
    u, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
    if (_FE[idx - 1] - _FE[idx]) * u + _FE[idx] < math.exp(-x):
        return True, x, s0, s1, s2, s3
    return False, x, s0, s1, s2, s3


@njit(inline="always")
def exponential(
    s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[float]:  # pragma: no cover - compiled
    """Standard exponential by the 256-layer ziggurat: ``(e, s0, s1, s2, s3)``."""
    while True:
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        idx = np.intp(r & _M8)
        rabs = (r >> np.uint64(8)) & _U53
        x = np.float64(np.int64(rabs)) * _WE[idx]
        if rabs < _KE[idx]:
            return x, s0, s1, s2, s3
        ok, x, s0, s1, s2, s3 = _exponential_slow(idx, x, s0, s1, s2, s3)
        if ok:
            return x, s0, s1, s2, s3


@njit(inline="always")
def gamma_constants(a: float) -> tuple[float, float, float]:  # pragma: no cover - compiled
    """Marsaglia–Tsang constants of shape ``a``: ``(d, c, inv_a)`` (``inv_a`` = 0 for ``a >= 1``)."""
    if a >= 1.0:
        d = a - 1.0 / 3.0
        return d, 1.0 / math.sqrt(9.0 * d), 0.0
    d = a + 1.0 - 1.0 / 3.0  # G(a) = G(a + 1) U^(1/a)
    return d, 1.0 / math.sqrt(9.0 * d), 1.0 / a


@njit(inline="always")
def gamma(
    d: float, c: float, inv_a: float, s0: np.uint64, s1: np.uint64, s2: np.uint64, s3: np.uint64
) -> _Draw[float]:  # pragma: no cover - compiled
    """Gamma(a, 1) from its :func:`gamma_constants` (``a > 0``): ``(g, s0, s1, s2, s3)``."""
    while True:
        x, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
        v = 1.0 + c * x
        if v <= 0.0:
            continue
        v = v * v * v
        u, s0, s1, s2, s3 = uniform(s0, s1, s2, s3)
        x2 = x * x
        if u < 1.0 - 0.0331 * x2 * x2 or math.log(u) < 0.5 * x2 + d * (1.0 - v + math.log(v)):
            break
    g = d * v
    if inv_a > 0.0:  # U^(1/a) = exp(-E/a), E standard exponential (no logarithm)
        e, s0, s1, s2, s3 = exponential(s0, s1, s2, s3)
        g *= math.exp(-e * inv_a)
    return g, s0, s1, s2, s3


#: xoshiro256++'s jump polynomial, 2^128 steps (Blackman and Vigna, ``xoshiro256plusplus.c``,
#: https://prng.di.unimi.it/xoshiro256plusplus.c).
_JUMP = np.array([0x180EC6D33CFD0ABA, 0xD5A61266F0C9392C, 0xA9582618E03FC9AA, 0x39ABDC4529B1661C], np.uint64)


@cached_njit(nogil=True)
def jumped(states: np.ndarray) -> np.ndarray:  # pragma: no cover - compiled
    """Each row of ``states`` (n, 4) advanced 2^128 steps, as a new array (xoshiro256++'s ``jump``)."""
    out = np.empty_like(states)
    for g in range(states.shape[0]):
        s0, s1, s2, s3 = states[g, 0], states[g, 1], states[g, 2], states[g, 3]
        j0, j1, j2, j3 = np.uint64(0), np.uint64(0), np.uint64(0), np.uint64(0)
        for w in range(4):
            for b in range(64):
                if (_JUMP[w] >> np.uint64(b)) & np.uint64(1):
                    j0 ^= s0
                    j1 ^= s1
                    j2 ^= s2
                    j3 ^= s3
                _, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        out[g, 0], out[g, 1], out[g, 2], out[g, 3] = j0, j1, j2, j3
    return out


# --------------------------------------------------------------------------- array fills (tests, benchmark)


@cached_njit(nogil=True)
def normal_fill(state: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Fill ``out`` (any shape, C order) with standard normals; advances ``state`` in place."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    flat = out.reshape(-1)
    for j in range(flat.size):
        z, s0, s1, s2, s3 = normal(s0, s1, s2, s3)
        flat[j] = z
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@cached_njit(nogil=True)
def gamma_fill(state: np.ndarray, shape: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Fill row ``i`` of ``out`` (rows, n) with Gamma(``shape[i]``, 1) variates; advances ``state``.

    A shape of 0 gives zeros and draws nothing; the caller checks that shapes are >= 0.
    """
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for i in range(out.shape[0]):
        a = shape[i]
        if not a > 0.0:
            for j in range(out.shape[1]):
                out[i, j] = 0.0
            continue
        d, c, inv_a = gamma_constants(a)
        for j in range(out.shape[1]):
            g, s0, s1, s2, s3 = gamma(d, c, inv_a, s0, s1, s2, s3)
            out[i, j] = g
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3


@cached_njit(nogil=True)
def raw_fill(state: np.ndarray, out: np.ndarray) -> None:  # pragma: no cover - compiled
    """Fill the 1-D ``uint64`` array ``out`` with raw xoshiro256++ outputs; advances ``state``."""
    s0, s1, s2, s3 = state[0], state[1], state[2], state[3]
    for j in range(out.size):
        r, s0, s1, s2, s3 = next_u64(s0, s1, s2, s3)
        out[j] = r
    state[0], state[1], state[2], state[3] = s0, s1, s2, s3
