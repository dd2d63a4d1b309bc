"""Array-level tests of the simulation kernels (no xarray here, by design)."""

import numpy as np
from scipy import special

from longjiang_forecast.simulate import _engine


def test_gamma_paths_are_non_decreasing_and_capped():
    rng = np.random.default_rng(0)
    shape = np.zeros((3, 12))
    shape[:, 6:] = 2.0
    paths = _engine.gamma_cumulative(
        start=np.array([10.0, 50.0, 99.0]),
        shape=shape,
        scale=np.full((500, 3), 1.5),
        upper=np.array([np.inf, np.inf, 100.0]),
        rng=rng,
    )
    assert paths.shape == (500, 3, 12)
    assert np.all(np.diff(paths, axis=-1) >= 0)
    assert paths[..., 2, :].max() <= 100.0
    # months before the first simulated month keep the start value
    np.testing.assert_array_equal(paths[:, 0, :6], 10.0)


def test_gamma_sum_matches_the_exact_gamma_law():
    """Sum of Gamma(k_m, θ) increments is Gamma(Σk_m, θ): a known answer."""
    rng = np.random.default_rng(1)
    shape = np.zeros((1, 12))
    shape[0, 8:] = [1.0, 2.0, 0.5, 1.5]
    theta = 2.0
    paths = _engine.gamma_cumulative(
        np.array([0.0]), shape, np.full((40_000, 1), theta), np.array([np.inf]), rng
    )
    need = 9.0
    p_mc = (paths[:, 0, -1] >= need).mean()
    p_exact = special.gammaincc(shape.sum(), need / theta)
    se = np.sqrt(p_exact * (1 - p_exact) / 40_000)
    assert abs(p_mc - p_exact) < 4 * se


def test_binomial_milestones_by_hand():
    """One project left, monthly hazard 0.5, three months: P(done) = 1 - 0.5**3 = 0.875."""
    rng = np.random.default_rng(2)
    n = 40_000
    paths = _engine.binomial_milestones(
        start=np.array([3.0]),
        total=np.array([4.0]),
        hazard=np.full((n, 1), 0.5),
        first_month=np.array([9]),
        n_months=12,
        rng=rng,
    )
    assert np.all(paths[:, 0, :9] == 3.0)
    assert np.all(np.diff(paths, axis=-1) >= 0) and paths.max() <= 4.0
    p = (paths[:, 0, -1] >= 4).mean()
    assert abs(p - 0.875) < 4 * np.sqrt(0.875 * 0.125 / n)


def test_lognormal_running_mean_by_hand():
    """No noise: the annual mean is the day-weighted mean of exp(profile + effect)."""
    rng = np.random.default_rng(3)
    observed = np.full((1, 12), np.nan)
    observed[0, :2] = [60.0, 50.0]
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], float)
    log_mean = np.log(np.full((1, 12), 20.0))
    paths = _engine.lognormal_running_mean(
        observed, log_mean, np.full((4, 1), np.log(1.1)), np.array([0.0]), days, rng
    )
    expected = (60 * 31 + 50 * 29 + 22.0 * (366 - 60)) / 366
    np.testing.assert_allclose(paths[:, 0, -1], expected)
    np.testing.assert_allclose(paths[:, 0, 0], 60.0)
    assert np.all(paths > 0)
