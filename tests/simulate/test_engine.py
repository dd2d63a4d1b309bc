"""Array-level tests of the simulation kernels (no xarray here, by design)."""

import numpy as np
import pytest
from scipy import special

# --------------------------------------------------------------------------- streaming kernels


def _family(kind, n_draws, static, block, rng_seed=0):
    from longjiang_forecast.simulate._families import FAMILIES

    n = len(static["start"])
    base = {
        "first": np.zeros(n, int),
        "dl": np.full(n, 11),
        "lower": np.full(n, -np.inf),
        "upper": np.full(n, np.inf),
        "multiplier": np.ones((n, 12)),
    }
    fam = FAMILIES[kind](slice(0, n), np.arange(n), {**base, **static}, np.float64)
    fam.begin(block, n_draws)
    return fam


def _run(fam, n_draws, seed=0):
    from longjiang_forecast.simulate._random import BlockStreams

    rs = BlockStreams(np.random.SeedSequence(seed))
    rows = np.empty((12, fam.n, n_draws))
    prev = None
    for m in range(12):
        fam.step(m, prev, rows[m], rs)
        prev = rows[m]
    return rows


def test_streaming_quantiles_are_within_their_bound_of_numpy():
    from longjiang_forecast.simulate import _stats

    rng = np.random.default_rng(4)
    values = np.vstack([rng.gamma(3.0, 2.0, 20_000), rng.normal(50, 5, 20_000), np.full(20_000, 7.0)])
    lo, width = _stats.histogram_range(values[:, :1024], 512)
    counts = _stats.histogram_counts(values, lo, width, 512)
    assert counts.sum() == values.size
    q = np.array([0.0, 0.05, 0.5, 0.9, 0.999, 1.0])
    est, bound = _stats.histogram_quantiles(counts, lo, width, values.min(1), values.max(1), q)
    exact = np.quantile(values, q, axis=1).T
    assert np.all(np.abs(est - exact) <= bound + 1e-9)
    assert np.all(np.diff(est, axis=1) >= 0)
    np.testing.assert_allclose(est[2], 7.0)  # a point mass is exact
    assert bound[1, 2] <= 4 * width[1]


def _assert_folded_counts(key, cases, expected):
    """The count at an extreme (``key`` "vmin" or "vmax") folded over blocks ``(extreme, count)``, in
    either order, is ``expected``; a block with a NaN (its extreme unknown, count -1) makes it -1."""
    from longjiang_forecast.simulate._stream import Accumulator

    cases = [*cases, ((99.0, 2), (np.nan, -1))]
    for blocks, want in zip(cases, [*expected, -1], strict=True):
        for order in (blocks, blocks[::-1]):
            acc = Accumulator()
            for value, n_at in order:
                acc.add({"n": np.array(1), key: np.array([value]), f"{key}_n": np.array([n_at])})
            assert acc.acc[f"{key}_n"].tolist() == [want]


def test_an_atom_at_the_minimum_gives_exact_quantiles_through_the_engine():
    """Half the draws at exactly what was done (a year whose work is over), half above: the histogram
    alone spreads the atom over its bin (10 % quantile a little above it); with the count at the
    minimum, quantiles below the atom's share are the minimum itself, those above as before."""
    from longjiang_forecast.simulate import _kernels, _stats

    rng = np.random.default_rng(5)
    values = np.vstack([np.where(rng.random(10_000) < 0.45, 100.0, 100.0 + rng.gamma(2.0, 3.0, 10_000))])
    n_at = int((values == 100.0).sum())
    lo, width = _stats.histogram_range(values[:, :512], 256)
    counts = _stats.histogram_counts(values, lo, width, 256)
    q = np.array([0.1, 0.44, 0.5, 0.9])
    spread, _ = _stats.histogram_quantiles(counts, lo, width, values.min(1), values.max(1), q)
    assert spread[0, 0] > 100.0  # the atom spread over its bin
    # the count at the minimum, as the engine's deadline statistics keep it over two blocks
    shape = (2, 1)
    met, n_min, n_max = (np.empty(shape, np.int64) for _ in range(3))
    sf1, sf2, vmin, vmax = (np.empty(shape) for _ in range(4))
    target = np.array([110.0])
    ends = np.array([5_000, 10_000])
    _kernels.deadline_stats(values, target, target, np.ones(1), ends, met, sf1, sf2, vmin, n_min, vmax, n_max)
    assert vmin.tolist() == [[100.0], [100.0]] and n_min.sum() == n_at
    est, bound = _stats.histogram_quantiles(counts, lo, width, values.min(1), values.max(1), q, n_min.sum(0))
    exact = np.quantile(values, q, axis=1).T
    assert est[0, :2].tolist() == [100.0, 100.0] and bound[0, :2].tolist() == [0.0, 0.0]
    np.testing.assert_array_equal(est[0, 2:], spread[0, 2:])  # beyond the atom: unchanged
    assert np.all(np.abs(est - exact) <= bound + 1e-9)
    # folded in either order, with a block of another minimum, and a block with a NaN (minimum unknown)
    _assert_folded_counts("vmin", [((100.0, 3), (99.0, 2), (99.0, 4)), ((99.0, 2), (100.0, 3))], [6, 2])
    nan_row = _stats.histogram_quantiles(counts, lo, width, values.min(1), values.max(1), q, np.array([-1]))[
        0
    ]
    np.testing.assert_array_equal(nan_row, spread)  # no atom where the minimum is unknown


def test_an_atom_at_the_cap_gives_exact_quantiles():
    """A share capped at 100 % that a fifth of the paths reach: the quantiles above 80 % are 100
    exactly, not 99.997 beside a P(met) of 0.20 (20b of the default data), and those below as the
    histogram gives them. The count at the maximum folds over blocks in either order."""
    from longjiang_forecast.simulate import _stats

    rng = np.random.default_rng(8)
    values = np.minimum(94.0 + rng.gamma(2.0, 2.0, (1, 20_000)), 100.0)
    n_cap = int((values == 100.0).sum())
    assert 0.1 < n_cap / values.size < 0.3
    lo, width = _stats.histogram_range(values[:, :1024], 256)
    counts = _stats.histogram_counts(values, lo, width, 256)
    q = np.array([0.5, 0.85, 0.9, 1.0])
    spread, _ = _stats.histogram_quantiles(counts, lo, width, values.min(1), values.max(1), q)
    assert spread[0, 2] < 100.0  # the atom spread over its bin
    est, bound = _stats.histogram_quantiles(
        counts, lo, width, values.min(1), values.max(1), q, vmax_n=np.array([n_cap])
    )
    assert est[0, 1:].tolist() == [100.0, 100.0, 100.0] and bound[0, 1:].tolist() == [0.0, 0.0, 0.0]
    assert est[0, 0] == spread[0, 0]
    exact = np.quantile(values, q, axis=1).T
    assert np.all(np.abs(est - exact) <= bound + 1e-9)
    unknown, _ = _stats.histogram_quantiles(
        counts, lo, width, values.min(1), values.max(1), q, vmax_n=np.array([-1])
    )
    np.testing.assert_array_equal(unknown, spread)

    _assert_folded_counts("vmax", [((100.0, 3), (99.0, 2), (100.0, 4)), ((99.0, 2), (100.0, 3))], [7, 3])


def test_the_default_datas_capped_share_has_its_upper_quantile_at_the_cap():
    """20b (high-definition share, target 100 %, the cap): P(met) about 0.2 and q90 exactly 100."""
    import longjiang_forecast as lf
    from longjiang_forecast.testing import synthetic_progress

    catalog = lf.load_catalog(2024).subset(["20b"])
    progress = synthetic_progress(lf.load_catalog(2024), seed=2024)
    row = lf.forecast(progress, catalog, n_draws=4000, seed=2024).table().iloc[0]
    assert 0.1 < row["p_met"] < 0.3
    assert row["q90"] == 100.0 and row["median"] < 100.0


def test_gamma_step_kernel_with_a_cap_is_monotone_and_bounded():
    n_draws = 2000
    fam = _family(
        "gamma",
        n_draws,
        {"start": np.array([90.0, 0.0]), "upper": np.array([100.0, np.inf]), "shape": np.full((2, 12), 2.0)},
        {"gamma_scale": np.full((n_draws, 2), 1.0)},
    )
    rows = _run(fam, n_draws)
    assert np.all(np.diff(rows, axis=0) >= 0)
    assert rows[:, 0].max() <= 100.0


@pytest.mark.parametrize(
    ("kind", "static", "block", "need"),
    [
        ("gamma", {"shape": np.full((1, 12), 0.8)}, {"gamma_scale": "u(0.5,2)"}, 11.0),
        ("negbin", {"nb_size": np.full((1, 12), 2.0)}, {"nb_prob": "u(0.3,0.6)"}, 25.0),
        ("poisson", {"exposure": np.full((1, 12), 1.5)}, {"poisson_rate": "u(1,3)"}, 34.0),
        ("binomial", {"total": np.array([30.0])}, {"hazard": "u(0.02,0.1)"}, 9.0),
    ],
)
def test_rao_blackwellised_p_agrees_with_brute_force(kind, static, block, need):
    """Mean of the exact conditional probabilities vs the share of simulated paths, within 3 SE."""
    n_draws = 20_000
    rng = np.random.default_rng(8)
    lo, hi = (float(v) for v in block[next(iter(block))][2:-1].split(","))
    params = {next(iter(block)): rng.uniform(lo, hi, (n_draws, 1))}
    fam = _family(kind, n_draws, {"start": np.array([0.0]), **static}, params)
    rows = _run(fam, n_draws, seed=9)
    for sign in (1.0, -1.0):
        target = np.array([need])
        hit = rows[11, 0] >= need if sign > 0 else rows[11, 0] <= need
        p_rb = fam.conditional_p(target, np.array([sign]))[0]
        assert np.all((p_rb >= 0) & (p_rb <= 1))
        se = np.sqrt(hit.var() / n_draws + p_rb.var() / n_draws)
        assert abs(hit.mean() - p_rb.mean()) < 3 * se, (kind, sign)
        assert p_rb.std() < hit.std()  # the point of Rao-Blackwellisation


def test_dirichlet_split_keeps_each_draws_total_and_has_the_dirichlet_laws():
    """The months of a draw add up to θ Σk exactly; month m's share is Beta(k_m, Σk − k_m) (KS); the value
    at an October deadline is x0 + θ K Beta(K_Oct, K_Nov-Dec), whose incomplete beta is the RB P(met)."""
    from scipy import stats

    n_draws = 40_000
    shape = np.array([[0.0, 0.0, 0.0, 3.0, 8.0, 12.0, 15.0, 12.0, 9.0, 6.0, 0.4, 2.0]])  # from April
    theta = np.random.default_rng(20).uniform(0.5, 2.0, (n_draws, 1))
    fam = _family(
        "dirichlet", n_draws, {"start": np.array([5.0]), "shape": shape, "first": np.array([3])},
        {"gamma_scale": theta},
    )  # fmt: skip
    rows = _run(fam, n_draws, seed=21)
    k = shape.sum()
    assert np.all(np.diff(rows[:, 0], axis=0) >= 0)
    np.testing.assert_allclose(rows[11, 0], 5.0 + theta[:, 0] * k, rtol=1e-12)  # the total, draw by draw
    np.testing.assert_array_equal(rows[:3, 0], 5.0)  # nothing before the first simulated month
    share_may = (rows[4, 0] - rows[3, 0]) / (theta[:, 0] * k)
    assert stats.kstest(share_may, stats.beta(8.0, k - 8.0).cdf).pvalue > 1e-3
    by_october = (rows[9, 0] - 5.0) / (theta[:, 0] * k)
    assert stats.kstest(by_october, stats.beta(shape[0, :10].sum(), shape[0, 10:].sum()).cdf).pvalue > 1e-3
    fam.s["dl"] = np.array([9])  # an October deadline
    for need, sign in ((0.97, 1.0), (0.97, -1.0), (0.5, 1.0)):
        target = 5.0 + need * theta[:, 0].mean() * k
        hit = rows[9, 0] >= target if sign > 0 else rows[9, 0] <= target
        p_rb = fam.conditional_p(np.array([target]), np.array([sign]))[0]
        assert np.all((p_rb >= 0) & (p_rb <= 1))
        se = np.sqrt(hit.var() / n_draws + p_rb.var() / n_draws)
        assert abs(hit.mean() - p_rb.mean()) < 3 * se + 1e-12, (need, sign)
    fam.s["dl"] = np.array([11])  # a December deadline: the total is known given the draw
    target = 5.0 + 1.2 * k
    p_rb = fam.conditional_p(np.array([target]), np.array([1.0]))[0]
    np.testing.assert_array_equal(p_rb, (theta[:, 0] * k >= 1.2 * k).astype(float))


def test_a_dirichlet_split_of_tiny_parameters_tends_to_all_or_nothing():
    """Parameters of a few thousandths underflow both Gamma variates; Beta(a, b) then tends to
    Bernoulli(a / (a + b)) (not to its mean), so the paths and the exact P(met) still agree."""
    n_draws = 20_000
    shape = np.array([[0.0] * 8 + [0.002, 0.001, 0.003, 0.002]])  # September-December
    fam = _family(
        "dirichlet", n_draws, {"start": np.array([0.0]), "shape": shape, "first": np.array([8]),
                               "dl": np.array([9])}, {"gamma_scale": np.full((n_draws, 1), 1.0)},
    )  # fmt: skip
    rows = _run(fam, n_draws, seed=25)
    k = shape.sum()
    by_october = rows[9, 0] / k
    assert np.mean((by_october < 1e-3) | (by_october > 1 - 1e-3)) > 0.97  # all or nothing
    se = np.sqrt(0.25 / n_draws)
    assert abs(np.mean(by_october > 0.5) - shape[0, 8:10].sum() / k) < 4 * se
    p_rb = fam.conditional_p(np.array([0.5 * k]), np.array([1.0]))[0]
    assert abs(p_rb.mean() - np.mean(rows[9, 0] >= 0.5 * k)) < 4 * se


def test_a_dirichlet_splits_months_after_the_deadline_change_nothing_at_it():
    """A stoppage or a push after an October deadline leaves every path's value at the deadline as it
    was (the factor scales a month's share of the split, not the split); before it, a stop lowers it."""
    n_draws = 4_000
    shape = np.array([[0.0, 0.0, 0.0, 3.0, 8.0, 12.0, 15.0, 12.0, 9.0, 6.0, 2.0, 2.0]])
    theta = np.random.default_rng(23).uniform(0.5, 2.0, (n_draws, 1))

    def october(factor=None, multiplier=None):
        static = {"start": np.array([0.0]), "shape": shape, "first": np.array([3]), "dl": np.array([9])}
        if multiplier is not None:
            static["multiplier"] = multiplier
        block = {"gamma_scale": theta}
        if factor is not None:
            block["month_factor"] = factor
        fam = _family("dirichlet", n_draws, static, block)
        rows = _run(fam, n_draws, seed=24)
        return rows[9, 0], fam.conditional_p(np.array([80.0]), np.array([1.0]))[0], rows[11, 0]

    base, p_base, december = october()
    after = np.ones((n_draws, 1, 12))
    after[:, 0, 10:] = 0.0  # November and December stopped, every path
    stopped, p_stopped, december_stopped = october(factor=after)
    np.testing.assert_array_equal(stopped, base)
    np.testing.assert_array_equal(p_stopped, p_base)
    assert np.all(december_stopped < december)
    push = np.ones((1, 12))
    push[0, 10:] = 3.0
    pushed, p_pushed, _ = october(multiplier=push)
    np.testing.assert_array_equal(pushed, base)
    np.testing.assert_array_equal(p_pushed, p_base)
    before = np.ones((n_draws, 1, 12))
    before[:, 0, 6] = 0.0  # July stopped: not exact any more, and lower
    cut, p_cut, _ = october(factor=before)
    assert np.all(cut <= base) and np.isnan(p_cut).all()
    whole = np.full((n_draws, 1, 12), 0.5)  # every month halved: exact again, at half the work
    half, p_half, _ = october(factor=whole)
    np.testing.assert_allclose(half, base / 2)
    assert abs(p_half.mean() - (half >= 80.0).mean()) < 3 * np.sqrt(p_half.var() / n_draws + 0.25 / n_draws)


def test_dirichlet_split_with_per_draw_shapes_loses_a_stopped_months_work():
    """A scenario's multiplier on the shapes (per draw): a stopped month adds nothing and its work is not
    moved to the other months; the total is θ Σ c_m k_m."""
    n_draws = 5_000
    shape = np.full((1, 12), 2.0)
    per_draw = np.broadcast_to(shape, (n_draws, 1, 12)).copy()
    per_draw[: n_draws // 2, 0, 6] = 0.0  # July stopped in half of the draws
    fam = _family(
        "dirichlet", n_draws, {"start": np.array([0.0])}, {"gamma_scale": np.full((n_draws, 1), 1.0),
                                                          "gamma_shape": per_draw},
    )  # fmt: skip
    rows = _run(fam, n_draws, seed=22)
    stopped = slice(0, n_draws // 2)
    np.testing.assert_array_equal(rows[6, 0, stopped], rows[5, 0, stopped])
    np.testing.assert_allclose(rows[11, 0, stopped], 22.0)
    np.testing.assert_allclose(rows[11, 0, n_draws // 2 :], 24.0)


def test_link_normal_stays_within_its_bounds_and_has_an_exact_p():
    n_draws = 20_000
    rng = np.random.default_rng(10)
    fam = _family(
        "link_normal",
        n_draws,
        {
            "start": np.array([95.0]),
            "lower": np.array([0.0]),
            "upper": np.array([100.0]),
            "link_code": np.array([2]),
        },
        {"link_drift": rng.normal(0.1, 0.1, (n_draws, 1)), "link_sd": np.full((n_draws, 1), 0.4)},
    )
    rows = _run(fam, n_draws, seed=11)
    assert rows.min() > 0 and rows.max() < 100
    hit = rows[11, 0] >= 97.0
    p_rb = fam.conditional_p(np.array([97.0]), np.array([1.0]))[0]
    assert abs(hit.mean() - p_rb.mean()) < 3 * np.sqrt(hit.var() / n_draws)


# --------------------------------------------------------------------------- fused numba kernels


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_fused_month_kernels_equal_their_numpy_definitions(dtype):
    """passage, aggregate and deadline_stats give exactly what the plain numpy expressions give."""
    from longjiang_forecast.simulate import _kernels

    rng = np.random.default_rng(5)
    n, b = 7, 300
    x = rng.normal(10.0, 3.0, (n, b)).astype(dtype)
    x[2, 5] = np.nan
    x[6] = np.nan
    target = rng.normal(10.0, 1.0, n)
    tgt = target.astype(dtype)
    sign = np.array([1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0])
    at = np.array([True, False, True, True, False, False, True])
    hit0 = rng.random((n, b)) < 0.2
    one, two = np.array([b]), np.array([120, b])  # one block; two blocks side by side
    hit, fp, dv = hit0.copy(), np.zeros((1, n, 12), np.int64), np.full((n, b), -1.0, dtype)
    _kernels.passage(x, tgt, sign, at, 4, one, hit, fp, dv)
    met = np.where(sign[:, None] > 0, x >= tgt[:, None], x <= tgt[:, None])
    np.testing.assert_array_equal(hit, hit0 | met)
    np.testing.assert_array_equal(fp[0, :, 4], (hit0 | met).sum(axis=1))
    hit2, fp2 = hit0.copy(), np.zeros((2, n, 12), np.int64)
    _kernels.passage(x, tgt, sign, at, 4, two, hit2, fp2, dv)
    np.testing.assert_array_equal(hit2, hit)
    np.testing.assert_array_equal(fp2[0, :, 4], (hit0 | met)[:, :120].sum(axis=1))
    np.testing.assert_array_equal(fp2[1, :, 4], (hit0 | met)[:, 120:].sum(axis=1))
    np.testing.assert_array_equal(dv[at], x[at])
    assert np.all(dv[~at] == -1.0)

    members, starts = np.array([0, 1, 3, 4, 5]), np.array([0, 3])
    weights = np.array([1.0, 2.0, 0.5, 1.0, 1.0], dtype)
    agg = np.empty((2, b), dtype)
    _kernels.aggregate(x, members, starts, weights, agg)
    np.testing.assert_allclose(agg[0], x[0] + 2 * x[1] + 0.5 * x[3], rtol=1e-6)
    np.testing.assert_allclose(agg[1], x[4] + x[5], rtol=1e-6)

    short = np.maximum((target[:, None] - x.astype(float)) * sign[:, None], 0.0)
    for ends in (one, two):  # per block: the columns up to each end
        k, at_min, at_max = (np.empty((ends.size, n), np.int64) for _ in range(3))
        sf1, sf2, vmin, vmax = (np.empty((ends.size, n)) for _ in range(4))
        _kernels.deadline_stats(x, target, tgt, sign, ends, k, sf1, sf2, vmin, at_min, vmax, at_max)
        for g, cols in enumerate(np.split(np.arange(b), ends[:-1])):
            np.testing.assert_array_equal(k[g], met[:, cols].sum(axis=1))
            np.testing.assert_allclose(sf1[g], short[:, cols].sum(axis=1), rtol=1e-12)
            np.testing.assert_allclose(sf2[g], np.square(short[:, cols]).sum(axis=1), rtol=1e-12)
            np.testing.assert_array_equal(vmin[g], x[:, cols].min(axis=1))  # NaN rows give NaN, as numpy
            finite = np.isfinite(vmin[g])
            low = x[:, cols] == x[:, cols].min(axis=1, keepdims=True)
            np.testing.assert_array_equal(at_min[g][finite], low.sum(axis=1)[finite])
            np.testing.assert_array_equal(vmax[g], x[:, cols].max(axis=1))
            high = x[:, cols] == x[:, cols].max(axis=1, keepdims=True)
            np.testing.assert_array_equal(at_max[g][finite], high.sum(axis=1)[finite])
            assert np.all(at_min[g][~finite] == -1) and np.all(at_max[g][~finite] == -1)
    assert np.isnan(sf1[0, 2]) and not np.isnan(sf1[1, 2])  # the NaN of row 2 is in block 0
    assert np.isnan(sf1[1, 6]) and k[1, 6] == 0


def test_a_scenario_factor_keeps_the_gamma_stream_in_step_and_moves_each_path_one_way():
    """G(k) is drawn from the first stream whatever the factor, the factor's part from the second:
    a stopped month (0) adds nothing, a push (2) adds to every element and a cap (0.4) takes from
    every one, the first stream ends where it does without factors, and G(k) + G(k) and G(k) B,
    B ~ Beta(0.4 k, 0.6 k), are G(2 k) and G(0.4 k) (Kolmogorov-Smirnov against scipy's law)."""
    from scipy import stats

    from longjiang_forecast.simulate import _kernels, _random

    rng = np.random.default_rng(8)
    n, b = 3, 20_000
    k = np.repeat(np.array([[1.5], [0.3], [6.0]]), b, axis=1)  # shapes below 1 use the boost's extra word
    scale, base = np.ones((n, b)), np.zeros((n, b))  # the increments themselves (small ones exact)
    upper = np.full(n, np.inf)
    state = _random.seed_state(np.random.SeedSequence(8))[None]
    extra = _random.jumped(state)
    one = np.array([b])

    def run(factor, shape=k):
        st, ex, out = state.copy(), extra.copy(), np.empty((n, b))
        _kernels.gamma_step(st, ex, one, shape, factor, scale, base, upper, out)
        return out, st, ex

    plain, st_plain, ex_plain = run(np.ones((n, b)))
    np.testing.assert_array_equal(ex_plain, extra)  # the second stream untouched without a factor
    stopped_where = rng.uniform(size=(n, b)) < 0.4
    stopped, st, _ = run(np.where(stopped_where, 0.0, 1.0))
    np.testing.assert_array_equal(st, st_plain)
    np.testing.assert_array_equal(stopped[stopped_where], base[stopped_where])
    np.testing.assert_array_equal(stopped[~stopped_where], plain[~stopped_where])
    for f, moves in ((2.0, np.greater_equal), (0.4, np.less_equal)):
        moved, st, ex = run(np.full((n, b), f))
        np.testing.assert_array_equal(st, st_plain)  # the first stream keeps step
        assert not np.array_equal(ex, extra)
        assert np.all(moves(moved, plain))
        for i in range(n):
            assert stats.kstest(moved[i], stats.gamma(k[i, 0] * f).cdf).pvalue > 1e-3
        per_row, _, _ = run(np.full((n, 1), f), k[:, :1])  # one factor per row: the same numbers
        np.testing.assert_array_equal(per_row, moved)
    whole, _, _ = run(np.zeros((n, 1)), k[:, :1])  # a whole row stopped, on the fast path
    np.testing.assert_array_equal(whole, base)


def test_the_second_stream_is_the_first_jumped_2_to_the_128():
    """The jump gives what the reference implementation gives: randomgen 2.x ``Xoshiro256(0)`` with its
    state set to [1, 2, 3, 4], ``.jumped(1).state["s"]`` (its state transition is xoshiro256++'s,
    the output function differs); and a block's second stream is its seeded state, jumped."""
    from longjiang_forecast.simulate import _random

    reference = [10122426448480695249, 8079205330032121950, 7289065458748526725, 9477464255293849680]
    np.testing.assert_array_equal(_random.jumped(np.array([[1, 2, 3, 4]], np.uint64)), [reference])
    seeds = [np.random.SeedSequence(5), np.random.SeedSequence(6)]
    streams = _random.BlockStreams(seeds, [10, 10])
    seeded = streams.state.copy()
    streams.state[:] = 0  # as if drawn from: the second stream comes from the states as seeded
    np.testing.assert_array_equal(streams.extra, _random.jumped(seeded))


def test_fused_step_kernels_equal_their_numpy_definitions():
    """The fused steps draw the same variates as the generator's fill helpers, then add, scale and cap."""
    from longjiang_forecast.simulate import _kernels, _random

    rng = np.random.default_rng(6)
    n, b = 4, 200
    k = np.array([2.0, 0.0, 0.4, 7.5])  # a row with shape 0 draws nothing
    scale = rng.uniform(0.5, 2.0, (n, b))
    base = rng.uniform(0.0, 5.0, (n, b)).astype(np.float32)
    upper = np.array([np.inf, 6.0, 1.0, 30.0], np.float32)
    state = _random.seed_state(np.random.SeedSequence(6))[None]  # one block
    one = np.array([b])
    g = np.empty((n, b))
    _random.gamma_fill(state[0].copy(), k, g)
    want = np.minimum((base.astype(float) + scale * g).astype(np.float32), upper[:, None])
    for shape in (k[:, None], np.repeat(k[:, None], b, axis=1)):  # per row, per element
        st, out = state.copy(), np.empty_like(base)
        _kernels.gamma_step(st, np.zeros_like(st), one, shape, np.ones_like(shape), scale, base, upper, out)
        np.testing.assert_array_equal(out, want)
        assert not np.array_equal(st, state)
    out = base.copy()  # in place, as in month 0
    _kernels.gamma_step(
        state.copy(), np.zeros_like(state), one, k[:, None], np.ones((n, 1)), scale, out, upper, out
    )
    np.testing.assert_array_equal(out, want)

    drift, sd = rng.normal(0.1, 0.1, (n, b)), rng.uniform(0.1, 0.5, (n, b))
    eta0 = rng.normal(0.0, 1.0, (n, b))
    mult, active = np.array([1.0, 0.5, 2.0, 1.0]), np.array([True, True, False, True])
    code = np.array([0, 1, 2, 2])
    lower, upper = np.array([-1.0, 0.0, 0.0, 0.0]), np.array([1.0, np.inf, 100.0, 1.0])
    z = np.zeros((n, b))
    za = np.empty((active.sum(), b))
    _random.normal_fill(state[0].copy(), za)
    z[active] = za  # inactive rows draw nothing
    eta, val = eta0.copy(), np.empty((n, b))
    _kernels.link_step(state.copy(), one, drift, sd, mult, active, eta, code, lower, upper, val)
    step = np.where(active[:, None], mult[:, None] * drift + sd * z, 0.0)
    np.testing.assert_allclose(eta, eta0 + step, rtol=1e-12)
    np.testing.assert_allclose(val[0], np.clip(eta[0], -1.0, 1.0))
    np.testing.assert_allclose(val[1], np.exp(eta[1]))
    np.testing.assert_allclose(val[2], 100.0 * special.expit(eta[2]))
    np.testing.assert_allclose(val[3], special.expit(eta[3]))


def test_blocks_side_by_side_draw_as_each_block_alone():
    """A task runs several blocks in one array; each block's columns get its own stream, in its own order."""
    from longjiang_forecast.simulate import _kernels, _random

    rng = np.random.default_rng(7)
    n, b, cut = 3, 300, 110
    states = np.stack([_random.seed_state(np.random.SeedSequence(s)) for s in (1, 2)])
    k = np.array([[2.0], [0.3], [0.0]])
    scale = rng.uniform(0.5, 2.0, (n, b))
    base = rng.uniform(0.0, 5.0, (n, b))
    upper = np.full(n, np.inf)
    both = np.empty((n, b))
    extras = _random.jumped(states)
    push = np.full((n, 1), 1.5)  # a factor's part from each block's second stream, in its own order too
    _kernels.gamma_step(states.copy(), extras.copy(), np.array([cut, b]), k, push, scale, base, upper, both)
    for g, cols in enumerate((slice(0, cut), slice(cut, b))):
        alone = np.empty((n, cols.stop - cols.start))
        st, ex = states[g : g + 1].copy(), extras[g : g + 1].copy()
        _kernels.gamma_step(
            st, ex, np.array([b]), k, push, scale[:, cols].copy(), base[:, cols].copy(), upper, alone
        )
        np.testing.assert_array_equal(both[:, cols], alone)

    drift, sd = rng.normal(0.1, 0.1, (n, b)), rng.uniform(0.1, 0.5, (n, b))
    args = (np.ones(n), np.ones(n, bool))
    link = (np.zeros(n, np.int64), np.full(n, -np.inf), np.full(n, np.inf))
    eta, val = np.zeros((n, b)), np.empty((n, b))
    _kernels.link_step(states.copy(), np.array([cut, b]), drift, sd, *args, eta, *link, val)
    for g, cols in enumerate((slice(0, cut), slice(cut, b))):
        w = cols.stop - cols.start
        eta1, val1 = np.zeros((n, w)), np.empty((n, w))
        st = states[g : g + 1].copy()
        _kernels.link_step(
            st, np.array([w]), drift[:, cols].copy(), sd[:, cols].copy(), *args, eta1, *link, val1
        )
        np.testing.assert_array_equal(val[:, cols], val1)


def test_fused_steps_give_the_exact_laws_of_the_year():
    """KS of the value after 12 fused steps against its exact law (own generator, whole pipeline).

    Gamma increments with a shared scale sum to Gamma(Σk, θ) (shapes below and above 1, so both
    Marsaglia–Tsang branches); a Gaussian walk on the identity link ends N(x0 + 12μ, 12σ²).
    """
    from scipy import stats

    n_draws = 50_000
    shape = np.array([[0.05, 0.3, 0.8, 1.0, 2.5, 0.5, 4.0, 0.2, 1.7, 0.9, 3.0, 0.1]])
    fam = _family(
        "gamma",
        n_draws,
        {"start": np.array([5.0]), "shape": shape},
        {"gamma_scale": np.full((n_draws, 1), 2.0)},
    )
    rows = _run(fam, n_draws, seed=12)
    assert np.all(np.diff(rows[:, 0], axis=0) >= 0)
    assert stats.kstest(rows[11, 0] - 5.0, stats.gamma(shape.sum(), scale=2.0).cdf).pvalue > 1e-3
    fam = _family(
        "link_normal",
        n_draws,
        {"start": np.array([1.0]), "link_code": np.array([0])},
        {"link_drift": np.full((n_draws, 1), 0.3), "link_sd": np.full((n_draws, 1), 0.7)},
    )
    rows = _run(fam, n_draws, seed=13)
    law = stats.norm(1.0 + 12 * 0.3, 0.7 * np.sqrt(12))
    assert stats.kstest(rows[11, 0], law.cdf).pvalue > 1e-3
    assert stats.kstest(rows[0, 0], stats.norm(1.3, 0.7).cdf).pvalue > 1e-3


def test_binomial_milestones_by_hand():
    """One project left, monthly hazard 0.5, three months: P(done) = 1 - 0.5**3 = 0.875."""
    n = 40_000
    fam = _family(
        "binomial", n, {"start": np.array([3.0]), "total": np.array([4.0]), "first": np.array([9])},
        {"hazard": np.full((n, 1), 0.5)},
    )  # fmt: skip
    rows = _run(fam, n, seed=2)[:, 0]  # (month, draw)
    assert np.all(rows[8] == 3.0)  # the months before the first simulated one keep the start
    assert np.all(np.diff(rows, axis=0) >= 0) and rows.max() <= 4.0
    p = (rows[-1] >= 4).mean()
    assert abs(p - 0.875) < 4 * np.sqrt(0.875 * 0.125 / n)


def test_lognormal_running_mean_by_hand():
    """No noise: the annual mean is the day-weighted mean of exp(profile + effect)."""
    observed = np.full((1, 12), np.nan)
    observed[0, :2] = [60.0, 50.0]
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    fam = _family(
        "lognormal", 4,
        {"start": np.array([0.0]), "first": np.array([2]), "observed": observed, "days": days,
         "log_mean": np.log(np.full((1, 12), 20.0)), "log_sd": np.array([0.0])},
        {"year_effect": np.full((4, 1), np.log(1.1))},
    )  # fmt: skip
    rows = _run(fam, 4, seed=3)[:, 0]
    expected = (60 * 31 + 50 * 29 + 22.0 * (366 - 60)) / 366
    np.testing.assert_allclose(rows[-1], expected)
    assert np.all(rows[2:] > 0)
