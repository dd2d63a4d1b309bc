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
        model.sample_parameters(10, seed=0)
    known = progress.sel(month=slice(None, "2024-06"))
    model = _fit(name, cat, known, "2024-06")
    assert hasattr(model, "state_")
    a = model.sample_parameters(64, seed=3)
    b = model.sample_parameters(64, seed=3)
    c = model.sample_parameters(64, seed=4)
    for var in ("gamma_scale", "hazard", "year_effect"):
        np.testing.assert_array_equal(a[var].values, b[var].values)
    random_part = np.concatenate([a[v].values.ravel() for v in ("gamma_scale", "hazard", "year_effect")])
    other = np.concatenate([c[v].values.ravel() for v in ("gamma_scale", "hazard", "year_effect")])
    assert not np.array_equal(random_part, other)
    assert a.sizes["draw"] == 64 and a.sizes["series"] == model.state_.sizes["series"]
    assert set(np.unique(a["dynamics"].values)) <= {"gamma", "dirichlet", "binomial", "lognormal", "none"}
    assert a.attrs["model"] == type(model).__name__
    # every series is either forecast or refused with a reason
    forecast = a["dynamics"].values != "none"
    assert np.all(forecast | (a["reason"].values != ""))
    assert forecast.any()
    paths = lf.simulate(a, model.state_, seed=5)
    _check_paths(paths, model.state_)
    with pytest.raises(ValueError, match="The 'n_draws' parameter of sample_parameters"):
        model.sample_parameters(0, seed=0)


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
    draws = model.sample_parameters(400, seed=1)
    paths = lf.simulate(draws, model.state_, seed=2)
    _check_paths(paths, model.state_)
    stats = lf.simulate_summary(draws, model.state_, seed=2, past_deadline="ignore")
    summary = lf.summarise(stats, model.state_, reason=draws["reason"].values)
    p = summary["p_met"].values
    refused = draws["reason"].values != ""
    assert np.all(np.isfinite(p[~refused]))
    assert np.all((p[~refused] >= 0) & (p[~refused] <= 1))
    assert all(len(r) > 20 for r in draws["reason"].values[refused])


@pytest.mark.parametrize("name", list(MODEL_REGISTRY))
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
    d = model.sample_parameters(200, seed=0)
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


def _clone(model):
    """scikit-learn's ``clone`` contract without scikit-learn (not a dependency): a new unfitted
    instance from ``get_params(deep=False)``, each parameter the very same object."""
    params = model.get_params(deep=False)
    new = type(model)(**params)
    for name, value in new.get_params(deep=False).items():
        assert value is params[name], f"{name} changed in the constructor"
    return new


@pytest.mark.parametrize("name", list(MODEL_REGISTRY))
def test_params_round_trip_and_clone(name, small):
    cls = MODEL_REGISTRY[name]
    model = cls()
    params = model.get_params(deep=True)
    assert params == model.get_params(deep=False)  # no nested models
    assert list(params) == cls._param_names() and params  # keyword-only constructor arguments
    first = next(iter(cls._constraints))
    value = params[first]
    assert model.set_params(**{first: value}) is model
    copy = _clone(model)
    assert copy is not model and copy.get_params() == params
    assert not hasattr(copy, "state_")
    with pytest.raises(ValueError, match=f"Invalid parameter 'nope' for model {cls.__name__}"):
        model.set_params(nope=1)
    with pytest.raises(TypeError):
        cls(0)  # positional hyper-parameters are refused
    assert repr(model).startswith(f"{cls.__name__}({first}=")


def test_sklearn_clone_when_installed():
    base = pytest.importorskip("sklearn.base")
    for cls in MODEL_REGISTRY.values():
        model = cls()
        assert base.clone(model).get_params() == model.get_params()


@pytest.mark.parametrize("name", [n for n in MODEL_REGISTRY if n != "hierarchical"])
def test_draws_follow_the_schema_and_streams_are_per_series(name, small):
    """Every model's fitted state ends in '_'; its draws hold the schema's variables; a series' draws
    depend on its name, not on which other series are drawn."""
    from longjiang_forecast._core.schema import DRAWS_VARIABLES

    cat, progress = small
    known = progress.sel(month=slice(None, "2024-06"))
    model = _fit(name, cat, known, "2024-06")
    fitted = [k for k in vars(model) if not k.startswith("_") and k not in model.get_params()]
    assert fitted and all(k.endswith("_") for k in fitted), fitted  # fitted state: trailing underscore
    whole = model.sample_parameters(32, seed=9)
    assert list(whole.data_vars)[: len(DRAWS_VARIABLES)] == list(DRAWS_VARIABLES)
    for var, dims in DRAWS_VARIABLES.items():
        assert whole[var].dims == dims
    drop = {str(i) for i in whole["indicator"].values[:1]}
    subset = cat.table[~cat.table["indicator"].isin(drop)].reset_index(drop=True)
    fewer = Catalog(year=cat.year, table=subset, regions=cat.regions, source="contract subset")
    part = _fit(name, fewer, known, "2024-06").sample_parameters(32, seed=9)
    for s in range(part.sizes["series"]):
        ind, reg = str(part["indicator"].values[s]), str(part["region"].values[s])
        w = int(np.flatnonzero((whole["indicator"].values == ind) & (whole["region"].values == reg))[0])
        for var in ("gamma_scale", "hazard", "year_effect"):
            np.testing.assert_array_equal(part[var].values[:, s], whole[var].values[:, w])


@pytest.mark.parametrize("name", ["run_rate", "seasonal_share"])
def test_old_seed_name_warns_and_gives_the_same_draws(name, small):
    cat, progress = small
    model = _fit(name, cat, progress.sel(month=slice(None, "2024-06")), "2024-06")
    with pytest.warns(FutureWarning, match="'rng' parameter of sample_parameters is renamed 'seed'"):
        old = model.sample_parameters(16, rng=3)
    new = model.sample_parameters(16, seed=3)
    np.testing.assert_array_equal(old["gamma_scale"].values, new["gamma_scale"].values)
    with pytest.raises(TypeError, match="both 'seed' and its old name 'rng'"):
        model.sample_parameters(16, seed=3, rng=3)


def test_hierarchical_old_seed_name_warns():
    from longjiang_forecast.models import HierarchicalModel

    with pytest.warns(FutureWarning, match="'random_seed' parameter of HierarchicalModel is renamed 'seed'"):
        model = HierarchicalModel(random_seed=5)
    assert model.seed == 5 and "random_seed" not in model.get_params()
    assert HierarchicalModel(seed=np.random.SeedSequence(5))._chain_seed() == int(
        np.random.SeedSequence(5).generate_state(1)[0]
    )


def test_compare_gives_the_final_reason_and_no_method_where_there_is_no_forecast():
    """A deadline passed without its report is refused after the fit (by summarise): compare_models
    says why, as the table does, and names no method for it (it gave the model's basis and no reason)."""
    catalog = lf.load_catalog(2024).subset(["19b", "09a"])
    progress = synthetic_progress(catalog, seed=7)
    late = progress["month"].values >= np.datetime64("2024-09-01")
    progress["value"].loc[{"indicator": "19b", "month": progress["month"].values[late]}] = np.nan
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = lf.pipeline.compare_models(
            ["seasonal_share"], progress, catalog, as_of="2024-12", n_draws=200
        )
    rows = table[table["indicator"] == "19b"]
    refused = rows[rows["reason"] != ""]  # all but Harbin, whose August report met its share already
    assert len(rows) == 14 and len(refused) == 13 and rows.loc[rows["reason"] == "", "p_met"].eq(1.0).all()
    assert refused["reason"].str.startswith("deadline 2024-10-31 passed by the as-of month 2024-12").all()
    assert (refused["basis"] == "").all() and refused["p_met"].isna().all()
    assert rows.loc[rows["reason"] == "", "basis"].str.startswith("reference class:").all()
