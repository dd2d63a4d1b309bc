"""The model contract (sklearn style) and the seasonal-share model's answers on known cases."""

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel, reference_profile

MODELS = [SeasonalShareModel]


@pytest.mark.parametrize("model_cls", MODELS)
def test_contract(model_cls, catalog, progress):
    model = model_cls()
    with pytest.raises(lf.NotFittedError, match="not fitted yet"):
        model.sample_parameters(10, rng=0)
    known = progress.sel(month=slice(None, "2024-06"))
    assert model.fit(known, catalog=catalog, as_of="2024-06") is model
    a = model.sample_parameters(50, rng=3)
    b = model.sample_parameters(50, rng=3)
    c = model.sample_parameters(50, rng=4)
    assert a.sizes["draw"] == 50 and a.sizes["series"] == model.state_.sizes["series"]
    np.testing.assert_array_equal(a["gamma_scale"].values, b["gamma_scale"].values)
    assert not np.array_equal(a["gamma_scale"].values, c["gamma_scale"].values)
    assert a.attrs["model"] == model_cls.__name__


@pytest.mark.parametrize(
    "bad", [{"plan_prior_sd": 0.0}, {"month_concentration": -1.0}, {"min_history_years": 0}]
)
def test_bad_hyper_parameters_are_refused(bad, catalog, progress):
    with pytest.raises(ValueError, match=f"The '{next(iter(bad))}' parameter of SeasonalShareModel"):
        SeasonalShareModel(**bad).fit(progress, catalog=catalog)


def _p_met(progress, catalog, indicator, region="province", **kw):
    result = lf.forecast(progress, catalog, as_of="2024-08", n_draws=2000, seed=9, **kw)
    s = result.summary
    sel = (s["indicator"].values == indicator) & (s["region"].values == region)
    return s.isel(series=np.flatnonzero(sel)[0])


def test_target_already_reached_gives_p_met_one(catalog, progress):
    changed = progress.copy(deep=True)
    changed["value"].loc[{"indicator": "09a", "region": "province", "month": "2024-08-01"}] = 16_000.0
    row = _p_met(changed, catalog, "09a")
    assert float(row["p_met"]) == 1.0
    assert str(row["status"].values) == "achieved"
    assert float(row["p_met_se"]) == 0.0


def test_impossible_remaining_need_gives_p_met_near_zero(catalog, progress):
    changed = progress.copy(deep=True)
    path = changed["value"].loc[{"indicator": "09a", "region": "province"}]
    in_2024 = path["month"].dt.year == 2024
    changed["value"].loc[{"indicator": "09a", "region": "province"}] = path.where(~in_2024, path * 0.05)
    row = _p_met(changed, catalog, "09a")
    assert float(row["p_met"]) < 0.01
    assert str(row["status"].values) == "off track"


def test_more_progress_never_lowers_p_met(catalog, progress):
    """Attainment probability is monotone in what has been reported (same seed)."""
    ps = []
    for factor in (0.8, 0.9, 1.0, 1.1):
        changed = progress.copy(deep=True)
        path = changed["value"].loc[{"indicator": "13a", "region": "province"}]
        in_2024 = path["month"].dt.year == 2024
        changed["value"].loc[{"indicator": "13a", "region": "province"}] = path.where(~in_2024, path * factor)
        ps.append(float(_p_met(changed, catalog, "13a")["p_met"]))
    assert ps == sorted(ps) and ps[0] < ps[-1]


def test_no_history_falls_back_and_says_so(catalog, progress):
    current_only = progress.sel(month=progress["month"].dt.year == 2024)
    model = SeasonalShareModel().fit(current_only, catalog=catalog, as_of="2024-08")
    basis = model.basis_[model.state_["indicator"].values == "15a"][0]
    assert basis.startswith("fallback profile") and "0 earlier year(s) with a December report" in basis
    # annual means cannot be forecast without an earlier year: said, not guessed
    reason = model.reason_[model.state_["indicator"].values == "17b"][0]
    assert "needs at least one earlier year" in reason


def test_reference_profile_outdoor_season():
    prof = reference_profile("outdoor;construction", 10)
    assert prof[0] == 0 and prof[-1] == pytest.approx(1.0)
    # April-October carries 7 of 7.5 units of the year's work
    assert prof[10] - prof[3] == pytest.approx(7 / 7.5)
    np.testing.assert_allclose(np.diff(reference_profile("", 12)), 1 / 12)
