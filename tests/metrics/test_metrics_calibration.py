"""Recalibration maps: they repair a miscalibrated forecaster out of sample, and save/load with the model."""

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.calibration import Recalibrator, cross_recalibrate, load_recalibrator
from longjiang_forecast.metrics import brier_decomposition


def _overconfident(seed, n):
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    truth = rng.beta(2, 2, size=n)
    y = (rng.uniform(size=n) < truth).astype(float)
    logit = np.log(truth / (1 - truth))
    p = 1 / (1 + np.exp(-2.5 * logit))  # far too sure of itself
    return p, y


@pytest.mark.parametrize("method", ["isotonic", "beta"])
def test_recalibration_improves_brier_on_held_out_data(method):
    p_fit, y_fit = _overconfident(101, 3000)
    p_test, y_test = _overconfident(202, 3000)  # data not used to fit the map
    rec = Recalibrator(method=method).fit(p_fit, y_fit)
    before = brier_decomposition(p_test, y_test)
    after = brier_decomposition(rec.transform(p_test), y_test)
    assert after["brier"] < before["brier"] - 0.01
    assert after["reliability"] < 0.3 * before["reliability"]


def test_beta_calibration_keeps_a_calibrated_forecaster():
    rng = np.random.default_rng(5)
    p = rng.uniform(0.02, 0.98, size=5000)
    y = (rng.uniform(size=5000) < p).astype(float)
    rec = Recalibrator(method="beta").fit(p, y)
    assert rec.params_["a"] == pytest.approx(1.0, abs=0.15)
    assert rec.params_["b"] == pytest.approx(1.0, abs=0.15)
    assert rec.params_["c"] == pytest.approx(0.0, abs=0.15)


def test_cross_recalibrate_is_out_of_sample():
    p, y = _overconfident(3, 2000)
    groups = np.repeat(np.arange(4), 500)
    q = cross_recalibrate(p, y, groups, method="isotonic")
    assert brier_decomposition(q, y)["brier"] < brier_decomposition(p, y)["brier"]
    # changing one group's outcomes does not change that group's recalibrated values
    y2 = y.copy()
    y2[groups == 0] = 1 - y2[groups == 0]
    q2 = cross_recalibrate(p, y2, groups, method="isotonic")
    np.testing.assert_array_equal(q[groups == 0], q2[groups == 0])


def test_save_load_round_trip_with_model_settings(tmp_path):
    p, y = _overconfident(9, 500)
    model = lf.SeasonalShareModel(plan_prior_sd=0.3)
    rec = Recalibrator(method="beta", model="seasonal_share", model_params=model.get_params()).fit(p, y)
    path = rec.save(tmp_path / "cal.json")
    back = load_recalibrator(path)
    np.testing.assert_allclose(back.transform(p), rec.transform(p))
    back.check_model("seasonal_share", model.get_params())
    with pytest.raises(
        lf.DataValidationError, match=r"fitted for other settings of 'seasonal_share'.*plan_prior_sd"
    ):
        back.check_model("seasonal_share", lf.SeasonalShareModel().get_params())
    with pytest.raises(lf.DataValidationError, match=r"fitted for model 'seasonal_share', not 'ets'"):
        back.check_model("ets", {})


def test_recalibrator_errors(tmp_path):
    with pytest.raises(ValueError, match=r"The 'method' parameter of Recalibrator must be one of"):
        Recalibrator(method="platt")
    with pytest.raises(lf.NotFittedError, match=r"This Recalibrator instance is not fitted yet"):
        Recalibrator().transform([0.5])
    with pytest.raises(ValueError, match=r"Recalibrator.fit got no pair"):
        Recalibrator().fit([np.nan], [1])
    with pytest.raises(ValueError, match=r"at least two groups"):
        cross_recalibrate([0.5, 0.6], [1, 0], [1, 1])
    with pytest.raises(FileNotFoundError, match=r"Recalibration map not found"):
        load_recalibrator(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}")
    with pytest.raises(lf.DataValidationError, match=r"is not a recalibration map"):
        load_recalibrator(tmp_path / "bad.json")
