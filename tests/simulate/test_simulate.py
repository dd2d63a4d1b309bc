"""Simulator invariants on the labelled layer, with real catalogue targets and synthetic progress."""

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel
from longjiang_forecast.simulate._reference import small_job


@pytest.fixture(scope="module")
def fitted(catalog, progress):
    return SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")


@pytest.fixture(scope="module")
def draws(fitted):
    return fitted.sample_parameters(1500, seed=11)


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
    s = int(np.flatnonzero(bad["dynamics"].values == "dirichlet")[0])
    bad["gamma_scale"][3, s] = np.nan
    with pytest.raises(lf.DataValidationError, match="'gamma_scale' parameter of simulate"):
        lf.simulate(bad, fitted.state_, seed=1)


def test_negative_scale_is_refused(fitted, draws):
    bad = draws.copy(deep=True)
    s = int(np.flatnonzero(bad["dynamics"].values == "dirichlet")[0])
    bad["gamma_scale"][0, s] = -1.0
    with pytest.raises(
        lf.DataValidationError, match=r"'gamma_scale' parameter of simulate must be in the range \[0, inf\)"
    ):
        lf.simulate(bad, fitted.state_, seed=1)


def test_draws_for_other_series_are_refused(fitted, draws):
    with pytest.raises(lf.DataValidationError, match="has 3 series but the state has"):
        lf.simulate(draws.isel(series=slice(0, 3)), fitted.state_, seed=1)


def test_increments_of_reported_months_are_ignored(fitted, draws):
    """Only months from ``last_month`` on are simulated: a shape given for reported months changes nothing."""
    state = fitted.state_
    shape = draws["gamma_shape"].values.copy()
    reported = np.arange(12)[None, :] < state["last_month"].values[:, None]
    assert np.all(shape[reported] == 0)  # the model already zeroes them: its numbers are unchanged
    shape[reported] = 3.0
    odd = draws.assign(gamma_shape=(draws["gamma_shape"].dims, shape))
    np.testing.assert_array_equal(
        lf.simulate(odd, state, seed=5).values, lf.simulate(draws, state, seed=5).values
    )


def test_nan_start_is_refused_not_turned_into_zero():
    d, s = small_job(["gamma", "negbin"], 50, regions=2)
    d["start"][1] = np.nan
    with pytest.raises(
        lf.DataValidationError, match=r"The 'start' parameter of simulate has NaN .* for series x0/r1"
    ):
        lf.simulate(d, s, seed=1)


def test_parameter_errors_name_the_series_and_show_plain_numbers():
    d, s = small_job(["gamma", "binomial"], 50, regions=2)
    d["gamma_scale"][3, 1] = -0.5
    with pytest.raises(lf.DataValidationError) as err:
        lf.simulate(d, s, seed=1)
    text = str(err.value)
    assert "'gamma_scale' parameter of simulate" in text and "for series x0/r1" in text
    assert "Got -0.5 instead" in text and "np.float64" not in text
    d, s = small_job(["binomial"], 50)
    d["hazard"][0, 0] = 1.5
    with pytest.raises(lf.DataValidationError, match=r"'hazard' parameter of simulate must be in the range"):
        lf.simulate(d, s, seed=1)


@pytest.mark.parametrize("n_jobs", [0, -1, 2.5, True, "2"])
def test_bad_n_jobs_is_refused_like_simulate_summary(n_jobs):
    d, s = small_job(["gamma"], 50)
    with pytest.raises(
        ValueError, match=r"The 'n_jobs' parameter of simulate must be an int in the range \[1"
    ):
        lf.simulate(d, s, seed=1, n_jobs=n_jobs)
    np.testing.assert_array_equal(
        lf.simulate(d, s, seed=1, n_jobs=np.int64(2)).values, lf.simulate(d, s, seed=1).values
    )


@pytest.mark.parametrize("rows", [["2024-03,1"], ["2024-03,1", "2024-06,2"], ["2024-08,2"]])
def test_a_milestone_first_reported_after_january_is_forecast_as_if_january_said_zero(rows):
    """A milestone whose year's first report comes after January (quarterly reports, a late first
    report) was refused with numpy's "n < 0" (the months before it, NaN, cast to a project count).
    Its forecast is the one with a January report of 0, within Monte Carlo error."""
    import pandas as pd

    catalog = lf.load_catalog(2024)

    def p_met(lines):
        frame = pd.DataFrame([line.split(",") for line in lines], columns=["month", "value"]).assign(
            indicator="08b", region="province", value=lambda d: d["value"].astype(float)
        )
        result = lf.forecast(frame, catalog, n_draws=2000, seed=7)
        row = result.summary.sel(series=result.summary["indicator"] == "08b")
        return float(row["p_met"].values[0]), float(row["deadline_value"].sel(quantile=0.5).values[0])

    (p, median), (p0, median0) = p_met(rows), p_met(["2024-01,0", *rows])
    assert 0.0 < p < 1.0 and abs(p - p0) < 4 * np.sqrt(2 * p0 * (1 - p0) / 2000)  # Monte Carlo error
    assert round(median) == round(median0)
