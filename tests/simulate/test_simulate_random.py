"""The engine's own generator (simulate/_random.py): bits, laws, tails, float32, streams.

Seeded, so every assertion is deterministic; the thresholds are those of tests
at the 0.1 % level (or 5 standard errors), which a correct generator passes on
any seed and a wrong one (a bad table, a wrong constant) fails by far at these
sample sizes.
"""

import numpy as np
import pytest
from scipy import special, stats

from longjiang_forecast.simulate import _random
from longjiang_forecast.simulate._stream import block_seed

SHAPES = [0.05, 0.3, 1.0, 2.5, 30.0, 1000.0]
N = 1_000_000


def _state(seed):
    return _random.seed_state(np.random.SeedSequence(seed))


def _ks_and_ad(x, cdf):
    """Kolmogorov–Smirnov p-value and Anderson–Darling A² of a sample against a fully specified law.

    One evaluation of ``cdf`` on the sorted sample serves both (``log1p(-F)``
    is accurate to ~1e-10 relative at the largest value of 10^6 draws).
    """
    f = cdf(np.sort(x))
    n = f.size
    i = np.arange(1, n + 1)
    d = max(np.max(i / n - f), np.max(f - (i - 1) / n))
    with np.errstate(divide="ignore"):
        a2 = -n - np.mean((2 * i - 1) * (np.log(f) + np.log1p(-f[::-1])))
    return stats.kstwo.sf(d, n), a2


#: Upper 0.1 % point of A² for a fully specified law (Marsaglia & Marsaglia 2004: 5.97).
AD_CRIT = 5.97


@pytest.fixture(scope="module")
def gammas():
    out = np.empty((len(SHAPES), N))
    _random.gamma_fill(_state(1), np.array(SHAPES), out)
    return out


@pytest.fixture(scope="module")
def normals():
    out = np.empty(4 * N)
    _random.normal_fill(_state(2), out)
    return out


def _xoshiro_reference(s, n):
    """xoshiro256++ exactly as the authors' C reference (prng.di.unimi.it/xoshiro256plusplus.c)."""
    mask = (1 << 64) - 1
    s = [int(v) for v in s]
    rotl = lambda x, k: ((x << k) | (x >> (64 - k))) & mask  # noqa: E731
    out = []
    for _ in range(n):
        out.append((rotl((s[0] + s[3]) & mask, 23) + s[0]) & mask)
        t = (s[1] << 17) & mask
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
    return out, s


def test_bits_are_xoshiro256plusplus():
    state = _state(3)
    want, end = _xoshiro_reference(state, 1000)
    got = np.empty(1000, np.uint64)
    st = state.copy()
    _random.raw_fill(st, got)
    assert [int(v) for v in got] == want
    assert [int(v) for v in st] == end  # the state is advanced in place
    # The bits themselves: each of the 64 bit positions set half of the time.
    big = np.empty(200_000, np.uint64)
    _random.raw_fill(st, big)
    ones = ((big[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).mean(axis=0)
    assert np.all(np.abs(ones - 0.5) < 5 * 0.5 / np.sqrt(big.size))


@pytest.mark.parametrize("k", range(len(SHAPES)))
def test_gamma_follows_its_law(gammas, k):
    a, x = SHAPES[k], gammas[k]
    law = stats.gamma(a)
    assert np.all(np.isfinite(x)) and np.all(x >= 0)
    p_ks, a2 = _ks_and_ad(x, law.cdf)
    assert p_ks > 1e-3 and a2 < AD_CRIT
    # Mean and variance (Gamma(a, 1): a and a; Var(s²) = (2a² + 6a) / n).
    assert abs(x.mean() - a) < 5 * np.sqrt(a / N)
    assert abs(x.var() - a) < 5 * np.sqrt((2 * a * a + 6 * a) / N)
    # Both tails beyond their 1e-4 quantiles: Poisson counts of mean 100.
    for count in ((x > law.isf(1e-4)).sum(), (x < law.ppf(1e-4)).sum()):
        assert abs(count - 100) < 5 * 10


def test_normal_follows_its_law(normals):
    z = normals
    n = z.size
    p_ks, a2 = _ks_and_ad(z, special.ndtr)
    assert p_ks > 1e-3 and a2 < AD_CRIT
    assert abs(z.mean()) < 5 / np.sqrt(n)
    assert abs(z.var() - 1) < 5 * np.sqrt(2 / n)
    assert abs(stats.skew(z)) < 5 * np.sqrt(6 / n)
    assert abs(stats.kurtosis(z)) < 5 * np.sqrt(24 / n)
    # Tails: beyond 4 (the ziggurat's wedges) and beyond r = 3.65 (its tail algorithm).
    for q in (4.0, _random._R):
        expected = n * special.ndtr(-q)
        for count in ((z > q).sum(), (z < -q).sum()):
            assert abs(count - expected) < 5 * np.sqrt(expected)
    # Each of the 256 layers is hit with its probability: the layer index of |z|.
    edges = np.concatenate([[0.0], np.sort(_random._WI[1:] * 2.0**52)])  # x_1 < ... < x_255 = r
    counts = np.histogram(np.abs(z), np.concatenate([edges, [np.inf]]))[0]
    probs = np.diff(2 * special.ndtr(np.concatenate([edges, [np.inf]])) - 1)
    assert stats.chisquare(counts, probs * n).pvalue > 1e-3


def test_float32_output_is_never_negative_nor_infinite():
    shapes = np.array([1e-3, 0.05, 0.3, 1.0, 1000.0, 1e6])
    x = np.empty((shapes.size, 200_000), np.float32)
    _random.gamma_fill(_state(4), shapes, x)
    assert np.all(np.isfinite(x)) and np.all(x >= 0)
    for a, row in zip(shapes[2:], x[2:], strict=True):
        p_ks, a2 = _ks_and_ad(row.astype(float), stats.gamma(a).cdf)
        assert p_ks > 1e-3 and a2 < AD_CRIT
    # Small shapes underflow in float32 as the law says: P(0) = P(G < half the smallest subnormal).
    p0 = stats.gamma(0.05).cdf(2.0**-150)  # values below round to 0 (smallest subnormal 2^-149)
    zeros = (x[1] == 0).sum()
    assert abs(zeros - p0 * x.shape[1]) < 5 * np.sqrt(p0 * x.shape[1])
    z = np.empty(1_000_000, np.float32)
    _random.normal_fill(_state(5), z)
    assert np.all(np.isfinite(z)) and _ks_and_ad(z.astype(float), special.ndtr)[0] > 1e-3


def test_zero_shape_draws_nothing():
    st = _state(6)
    x = np.full((3, 50), -1.0)
    _random.gamma_fill(st, np.array([0.0, 2.0, 0.0]), x)
    y = np.empty((1, 50))
    _random.gamma_fill(_state(6), np.array([2.0]), y)
    assert np.all(x[[0, 2]] == 0) and np.array_equal(x[1], y[0])


def test_same_seed_same_numbers_different_seed_different():
    def draw(seed):
        x = np.empty((2, 1000))
        _random.gamma_fill(_random.seed_state(seed), np.array([0.5, 3.0]), x)
        return x

    ss = np.random.SeedSequence(7)
    np.testing.assert_array_equal(draw(ss), draw(np.random.SeedSequence(7)))
    assert not np.array_equal(draw(ss), draw(np.random.SeedSequence(8)))
    assert not np.array_equal(draw(block_seed(ss, 0)), draw(block_seed(ss, 1)))
    # numpy's PCG64 seeded from the same sequence takes words 0-3: ours are words 4-7.
    assert not np.array_equal(_random.seed_state(ss), ss.generate_state(4, np.uint64))
    np.testing.assert_array_equal(_random.seed_state(ss), ss.generate_state(8, np.uint64)[4:])


def test_block_streams_are_independent():
    """Streams of consecutive blocks (spawned children): no correlation, no lag-1 correlation."""
    root = np.random.SeedSequence(20240101)
    n, blocks = 100_000, 8
    z = np.empty((blocks, n))
    for i in range(blocks):
        _random.normal_fill(_random.seed_state(block_seed(root, i)), z[i])
    corr = np.corrcoef(z)[np.triu_indices(blocks, 1)]
    assert np.all(np.abs(corr) < 4.5 / np.sqrt(n))
    lag1 = np.array([np.corrcoef(row[:-1], row[1:])[0, 1] for row in z])
    assert np.all(np.abs(lag1) < 4.5 / np.sqrt(n))
    states = {tuple(_random.seed_state(block_seed(root, i))) for i in range(1000)}
    assert len(states) == 1000


def test_block_streams_share_the_seed_with_numpy_lazily():
    ss = np.random.SeedSequence(9)
    rs = _random.BlockStreams(ss)
    np.testing.assert_array_equal(rs.state, _random.seed_state(ss)[None])
    want = np.random.default_rng(np.random.SeedSequence(9)).random(5)
    np.testing.assert_array_equal(rs.numpy_draw(5, lambda g, c: g.random(c.stop - c.start)), want)
    gen = np.random.default_rng(10)
    rs = _random.BlockStreams(gen)
    assert rs.state.dtype == np.uint64
    assert rs.numpy_draw(3, lambda g, c: np.array([g is gen] * 3)).all()


def test_block_streams_side_by_side_give_each_block_its_own_numpy_stream():
    seeds = [np.random.SeedSequence(1), np.random.SeedSequence(2)]
    rs = _random.BlockStreams(seeds, [4, 3])
    got = rs.numpy_draw(7, lambda g, c: g.random((2, c.stop - c.start)))
    np.testing.assert_array_equal(got[:, :4], np.random.default_rng(seeds[0]).random((2, 4)))
    np.testing.assert_array_equal(got[:, 4:], np.random.default_rng(seeds[1]).random((2, 3)))
    np.testing.assert_array_equal(rs.ends, [4, 7])
    with pytest.raises(ValueError, match="sizes: need one positive size per block"):
        _random.BlockStreams(seeds, [4])
    with pytest.raises(ValueError, match="sizes: give the draws of each of the 2 blocks"):
        _random.BlockStreams(seeds)


def test_float32_and_float64_paths_share_their_variates():
    """The own generator computes in float64: the two dtypes differ only by the rounding of the paths."""
    from longjiang_forecast.simulate import simulate_summary
    from longjiang_forecast.simulate._reference import normal_job, reference_job

    for d, s in (reference_job(1100, n_indicators=2, n_regions=2, n_ratio=1), normal_job(1100, 3)):
        a, b = (
            simulate_summary(d, s, seed=3, keep_paths=True, dtype=dt, rao_blackwell=False)["paths"].values
            for dt in ("float32", "float64")
        )
        np.testing.assert_allclose(a, b, rtol=2e-6, atol=1e-9)


def test_binomial_inversion_is_scipys_quantile_and_coupled():
    """binomial_inverse is the binomial quantile at its uniform (scipy.stats.binom.ppf, exactly),
    from n = 0 and p at 0 or 1 to n = 100,000 (where the mass recursion starts 25 sd below the
    mean), and it is coupled: for the same uniforms a lower p never gives more, n + d never more
    than d above n."""
    from longjiang_forecast.simulate._kernels import binomial_inverse

    rng = np.random.default_rng(11)
    cases = [(0, 0.3), (5, 0.0), (5, 1.0), (10, 0.3), (300, 0.05), (300, 0.9), (5000, 0.5), (100_000, 0.3)]
    for n, p in cases:
        u = rng.random((2, 20_000))
        out = np.empty(u.shape, np.int64)
        binomial_inverse(u, np.full(u.shape, n, np.int64), np.full(u.shape, p), out)
        np.testing.assert_array_equal(out, stats.binom.ppf(u, n, p).astype(np.int64), err_msg=f"n={n}, p={p}")
    u = rng.random((1, 50_000))
    draws = {}
    for n, p in [(200, 0.10), (200, 0.08), (230, 0.10)]:
        draws[n, p] = np.empty(u.shape, np.int64)
        binomial_inverse(u, np.full(u.shape, n, np.int64), np.full(u.shape, p), draws[n, p])
    assert np.all(draws[200, 0.08] <= draws[200, 0.10]) and np.any(draws[200, 0.08] < draws[200, 0.10])
    assert np.all(draws[230, 0.10] >= draws[200, 0.10]) and np.all(draws[230, 0.10] <= draws[200, 0.10] + 30)
