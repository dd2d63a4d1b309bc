"""The banded pace kernels against scipy's densities summed over every grid point."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats

from longjiang_forecast.models._pace_kernels import BAND_WIDTHS, pace_log_posterior


def _dense(grid, log_done, log_share, width, mean, scale, log_weight, df):
    """Every kernel on every grid point (scipy's densities), summed by log-sum-exp."""
    prior = stats.t.logpdf(grid[None, :], df, loc=mean[:, None], scale=scale[:, None])
    pace = stats.norm.logpdf(log_done - grid[None, :], loc=log_share[:, None], scale=width[:, None])
    return special.logsumexp(prior + pace + log_weight[:, None], axis=0)


def _call(grid, log_done, log_share, width, mean, scale, log_weight, df=4.0):
    log_c = float(special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * np.log(df * np.pi))
    return pace_log_posterior(grid, log_done, log_share, width, mean, scale, log_weight, df, log_c)


def test_the_banded_sum_is_the_dense_sum_where_the_mass_is():
    rng = np.random.default_rng(5)
    j = 40
    log_share = np.log(rng.uniform(0.2, 0.9, j))
    width = rng.uniform(0.02, 0.2, j)
    mean, scale = rng.normal(1.0, 0.1, j), rng.uniform(0.05, 0.3, j)
    log_weight = rng.normal(0.0, 1.0, j)
    grid = np.linspace(-1.0, 4.0, 3001)
    got = _call(grid, 0.3, log_share, width, mean, scale, log_weight)
    want = _dense(grid, 0.3, log_share, width, mean, scale, log_weight, 4.0)
    body = want > want.max() - 30  # within exp(-30) of the peak: every point that carries mass
    assert body.sum() > 300
    np.testing.assert_allclose(got[body], want[body], rtol=0, atol=1e-10)
    # the probability, by the grid, agrees to the last digits
    p_got, p_want = np.exp(got - want.max()), np.exp(want - want.max())
    assert abs(p_got.sum() / p_want.sum() - 1) < 1e-12


def test_a_kernel_adds_nothing_beyond_its_band():
    grid = np.linspace(0.0, 3.0, 601)
    log_share, width = np.array([-1.0]), np.array([0.05])  # centred at log_done + 1 = 1.5
    got = _call(grid, 0.5, log_share, width, np.array([1.4]), np.array([0.2]), np.zeros(1))
    inside = np.abs(grid - 1.5) <= BAND_WIDTHS * 0.05
    assert np.isfinite(got[inside]).all() and np.isneginf(got[~inside]).all()
    want = _dense(grid, 0.5, log_share, width, np.array([1.4]), np.array([0.2]), np.zeros(1), 4.0)
    np.testing.assert_allclose(got[inside], want[inside], rtol=1e-12)


@pytest.mark.parametrize("df", [4.0, 30.0])
def test_the_degrees_of_freedom_are_the_callers(df):
    grid = np.linspace(0.0, 2.0, 201)
    args = (0.2, np.array([-0.8]), np.array([0.5]), np.array([1.0]), np.array([0.3]), np.zeros(1))
    want = _dense(grid, *args, df)
    np.testing.assert_allclose(_call(grid, *args, df=df), want, rtol=1e-12)


def test_the_quartile_range_is_numpys_bit_for_bit():
    """The fit's own interquartile range gives np.percentile's numbers exactly (ties, one point, scales)."""
    from longjiang_forecast.models.seasonal_share import _quartile_range

    rng = np.random.default_rng(3)
    for n in [*range(1, 30), 57, 130]:
        for scale in (1e-6, 1.0, 1e6):
            x = rng.standard_normal(n) * scale
            for sample in (x, np.round(x / scale, 1) * scale, np.repeat(x[:3], 4)[:n]):
                assert _quartile_range(sample) == float(np.subtract(*np.percentile(sample, [75, 25])))
    assert _quartile_range(np.array([1.0, 2.0, 3.0, 4.0, 5.0])) == 2.0


def _transcribed(grid, log_done, log_share, width, mean, scale, log_weight, df, log_c):
    """The kernel's terms and running log-sum-exp, year by year, in plain Python (the same operations)."""
    top, acc = [-math.inf] * grid.size, [0.0] * grid.size
    power = (df + 1.0) / 2.0
    for j in range(log_share.size):
        centre = log_done - log_share[j]
        lo = np.searchsorted(grid, centre - BAND_WIDTHS * width[j])
        hi = np.searchsorted(grid, centre + BAND_WIDTHS * width[j], side="right")
        const = (
            log_weight[j] + log_c - math.log(scale[j]) - math.log(width[j]) - 0.5 * math.log(2.0 * math.pi)
        )
        for g in range(lo, hi):
            z = (grid[g] - mean[j]) / scale[j]
            u = (log_done - grid[g] - log_share[j]) / width[j]
            v = const - power * math.log1p(z * z / df) - 0.5 * u * u
            if v > top[g]:
                acc[g] = acc[g] * math.exp(top[g] - v) + 1.0
                top[g] = v
            else:
                acc[g] += math.exp(v - top[g])
    return np.array([t + math.log(a) if a > 0 else -math.inf for t, a in zip(top, acc, strict=True)])


@pytest.mark.parametrize("shared", [True, False])
def test_one_prior_for_every_year_gives_the_per_year_numbers_bit_for_bit(shared):
    """One prior for every year is computed once per grid point: the same numbers, bit for bit."""
    rng = np.random.default_rng(11)
    j = 25
    log_share = np.log(rng.uniform(0.2, 0.9, j))
    width = rng.uniform(0.02, 0.2, j)
    mean = np.full(j, 1.1) if shared else rng.normal(1.0, 0.1, j)
    scale = np.full(j, 0.2) if shared else rng.uniform(0.05, 0.3, j)
    log_weight = rng.normal(0.0, 1.0, j)
    grid = np.linspace(-1.0, 4.0, 801)
    df = 4.0
    log_c = float(special.gammaln((df + 1) / 2) - special.gammaln(df / 2) - 0.5 * np.log(df * np.pi))
    got = pace_log_posterior(grid, 0.3, log_share, width, mean, scale, log_weight, df, log_c)
    want = _transcribed(grid, 0.3, log_share, width, mean, scale, log_weight, df, log_c)
    assert np.isfinite(got).sum() > 400
    assert np.array_equal(got, want)
