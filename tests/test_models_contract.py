"""The model contract, run over every model of MODEL_REGISTRY (scikit-learn's check_estimator idea)."""

import os
import warnings

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.catalog import Catalog
from longjiang_forecast.models import MODEL_REGISTRY
from longjiang_forecast.models.hierarchical import pymc_available
from longjiang_forecast.testing import synthetic_progress

#: One indicator of each kind: counts (flat and outdoor), a bounded level, an annual mean,
#: a change against last year, and a milestone programme.
KINDS = ["09a", "13a", "10b", "17b", "16b", "12a"]

#: Small, fast settings for the Bayesian model (the contract is about the interface).
FAST = {"hierarchical": {"draws": 100, "tune": 150, "chains": 2, "min_ess": 0}}


def requires_pymc(name):
    """Skip a PyMC model when PyMC is missing, unless LJF_REQUIRE_ALL_DEPS=1 (then fail)."""
    if name != "hierarchical" or pymc_available():
        return
    if os.environ.get("LJF_REQUIRE_ALL_DEPS") == "1":
        pytest.fail("PyMC is required (LJF_REQUIRE_ALL_DEPS=1) but cannot be imported.")
    pytest.skip("PyMC is not installed")


def _make(name):
    requires_pymc(name)
    return MODEL_REGISTRY[name](**FAST.get(name, {}))


@pytest.fixture(scope="module")
def small():
    full = lf.load_catalog(2024)
    table = full.table[full.table["indicator"].isin(KINDS) & (full.table["region"] == "province")]
    cat = Catalog(
        year=full.year, table=table.reset_index(drop=True), regions=full.regions, source="contract subset"
    )
    progress = synthetic_progress(cat, seed=11, by_region=False)
    return cat, progress


def _fit(name, cat, progress, as_of):
    model = _make(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert model.fit(progress, catalog=cat, as_of=as_of) is model
    return model


PARAMS = [pytest.param(n, marks=pytest.mark.slow) if n == "hierarchical" else n for n in MODEL_REGISTRY]


@pytest.mark.parametrize("name", PARAMS)
def test_contract(name, small):
    cat, progress = small
    model = _make(name)
    assert model.get_params() == MODEL_REGISTRY[name](**FAST.get(name, {})).get_params()
    with pytest.raises(lf.NotFittedError, match="not fitted yet"):
        model.sample_parameters(10, rng=0)
    known = progress.sel(month=slice(None, "2024-06"))
    model = _fit(name, cat, known, "2024-06")
    assert hasattr(model, "state_")
    a = model.sample_parameters(64, rng=3)
    b = model.sample_parameters(64, rng=3)
    c = model.sample_parameters(64, rng=4)
    for var in ("gamma_scale", "hazard", "year_effect"):
        np.testing.assert_array_equal(a[var].values, b[var].values)
    random_part = np.concatenate([a[v].values.ravel() for v in ("gamma_scale", "hazard", "year_effect")])
    other = np.concatenate([c[v].values.ravel() for v in ("gamma_scale", "hazard", "year_effect")])
    assert not np.array_equal(random_part, other)
    assert a.sizes["draw"] == 64 and a.sizes["series"] == model.state_.sizes["series"]
    assert set(np.unique(a["dynamics"].values)) <= {"gamma", "binomial", "lognormal", "none"}
    assert a.attrs["model"] == type(model).__name__
    # every series is either forecast or refused with a reason
    forecast = a["dynamics"].values != "none"
    assert np.all(forecast | (a["reason"].values != ""))
    assert forecast.any()
    paths = lf.simulate(a, model.state_, seed=5)
    _check_paths(paths, model.state_)
    with pytest.raises(ValueError, match="The 'n_draws' parameter of sample_parameters"):
        model.sample_parameters(0, rng=0)


def _check_paths(paths, state):
    kind = state["kind"].values
    for s in range(state.sizes["series"]):
        v = paths.values[:, s, :]
        v = v[np.isfinite(v)]
        if v.size == 0:
            continue
        if kind[s] in ("cumulative", "milestone", "level", "annual_mean"):
            assert v.min() >= 0, f"negative value for {kind[s]}"
        upper = state["upper_bound"].values[s]
        if np.isfinite(upper):
            assert v.max() <= upper + 1e-9


@pytest.mark.parametrize("name", PARAMS)
def test_three_months_and_no_history(name, small):
    """Short series: a sane, wide answer or a clear refusal; never a crash or an impossible value."""
    cat, progress = small
    short = progress.sel(month=slice("2024-01", "2024-03"))
    model = _fit(name, cat, short, "2024-03")
    draws = model.sample_parameters(400, rng=1)
    paths = lf.simulate(draws, model.state_, seed=2)
    _check_paths(paths, model.state_)
    stats = lf.simulate_summary(draws, model.state_, seed=2, past_deadline="ignore")
    summary = lf.summarise(stats, model.state_, reason=draws["reason"].values)
    p = summary["p_met"].values
    refused = draws["reason"].values != ""
    assert np.all(np.isfinite(p[~refused]))
    assert np.all((p[~refused] >= 0) & (p[~refused] <= 1))
    assert all(len(r) > 20 for r in draws["reason"].values[refused])


@pytest.mark.parametrize("name", [n for n in MODEL_REGISTRY if n not in ("seasonal_share", "hierarchical")])
def test_bad_hyper_parameter_message(name, small):
    cat, progress = small
    model = MODEL_REGISTRY[name]()
    first = next(iter(type(model)._constraints))
    setattr(model, first, -1)
    with pytest.raises(ValueError, match=f"The '{first}' parameter of {type(model).__name__} must be"):
        model.fit(progress, catalog=cat)


def test_compare_lines_models_up(small):
    cat, progress = small
    table = lf.pipeline.compare_models(
        ["run_rate", "earned_schedule", "milestone"], progress, cat, as_of="2024-08", n_draws=300
    )
    assert set(table["model"]) == {"run_rate", "earned_schedule", "milestone"}
    assert list(table.columns[:3]) == ["model", "indicator", "region"]
    ok = table["reason"] == ""
    assert table.loc[ok, "p_met"].between(0, 1).all()
    assert table.loc[~ok, "p_met"].isna().all()
    assert (
        table.loc[ok & table["kind"].eq("cumulative"), "lower"]
        <= table.loc[ok & table["kind"].eq("cumulative"), "upper"]
    ).all()
    with pytest.raises(KeyError, match="not in MODEL_REGISTRY"):
        lf.pipeline.compare_models(["nope"], progress, cat)


def test_milestone_outputs_are_exact_given_the_hazard(small):
    cat, progress = small
    model = MODEL_REGISTRY["milestone"]().fit(progress, catalog=cat, as_of="2024-08")
    d = model.sample_parameters(200, rng=0)
    s = int(np.flatnonzero(d["dynamics"].values == "binomial")[0])
    p_all, expected = d["p_all_done"].values[:, s], d["expected_done"].values[:, s]
    assert np.all((p_all >= 0) & (p_all <= 1))
    assert np.all(expected <= d["total"].values[s] + 1e-9) and np.all(expected >= d["start"].values[s] - 1e-9)


def test_earned_schedule_on_months_no_earlier_year_reported_gives_no_warning():
    """National year-to-date series are not reported every month: the mean share curve of earlier
    years has months that no year reported, which are filled, not averaged (no 'Mean of empty
    slice' RuntimeWarning on the analyst's screen)."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        bt = lf.backtest(lf.load_national_progress(), "earned_schedule", as_of=[6, 9], n_draws=200, seed=1)
    assert bt.forecasts.sizes["forecast"] > 0
