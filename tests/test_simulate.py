"""Simulator invariants on the labelled layer, with real catalogue targets and synthetic progress."""

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel


@pytest.fixture(scope="module")
def fitted(catalog, progress):
    return SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")


@pytest.fixture(scope="module")
def draws(fitted):
    return fitted.sample_parameters(1500, rng=11)


def test_cumulative_paths_never_fall_and_levels_stay_in_bounds(fitted, draws):
    paths = lf.simulate(draws, fitted.state_, seed=5)
    kind = fitted.state_["kind"].values
    monotone = np.isin(kind, ["cumulative", "milestone", "level"])
    sim = paths.values[:, monotone, 7:]  # from the last report on
    assert np.all(np.diff(sim, axis=-1) >= 0)
    upper = fitted.state_["upper_bound"].values
    bounded = np.isfinite(upper)
    assert bounded.any()
    assert np.all(paths.values[:, bounded] <= upper[bounded][:, None] + 1e-9)
    means = paths.values[:, kind == "annual_mean"]
    assert np.all(means > 0)


def test_reported_months_are_kept(fitted, draws):
    paths = lf.simulate(draws, fitted.state_, seed=5)
    observed = fitted.state_["observed"].values
    for s in np.flatnonzero(fitted.state_["kind"].values == "cumulative")[:20]:
        np.testing.assert_allclose(paths.values[0, s, :8], observed[s, :8])


def test_same_seed_same_paths_whatever_the_threads(fitted, draws):
    a = lf.simulate(draws, fitted.state_, seed=123, n_jobs=1)
    b = lf.simulate(draws, fitted.state_, seed=123, n_jobs=2)
    c = lf.simulate(draws, fitted.state_, seed=124, n_jobs=1)
    np.testing.assert_array_equal(a.values, b.values)
    assert not np.array_equal(a.values, c.values)
    assert a.attrs["seed_entropy"] == "123"


def test_nan_parameter_is_refused_naming_it(fitted, draws):
    bad = draws.copy(deep=True)
    s = int(np.flatnonzero(bad["dynamics"].values == "gamma")[0])
    bad["gamma_scale"][3, s] = np.nan
    with pytest.raises(lf.DataValidationError, match="'gamma_scale' parameter of simulate"):
        lf.simulate(bad, fitted.state_, seed=1)


def test_negative_scale_is_refused(fitted, draws):
    bad = draws.copy(deep=True)
    s = int(np.flatnonzero(bad["dynamics"].values == "gamma")[0])
    bad["gamma_scale"][0, s] = -1.0
    with pytest.raises(lf.DataValidationError, match="'gamma_scale' parameter of simulate must be >= 0"):
        lf.simulate(bad, fitted.state_, seed=1)


def test_draws_for_other_series_are_refused(fitted, draws):
    with pytest.raises(lf.DataValidationError, match="has 3 series but the state has"):
        lf.simulate(draws.isel(series=slice(0, 3)), fitted.state_, seed=1)
