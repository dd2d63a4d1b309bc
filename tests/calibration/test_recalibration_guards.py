"""Recalibration refuses what would mislead: too few or one-class outcomes, edited map files, bad inputs."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast.calibration import (
    MIN_FORECASTS,
    MIN_PER_CLASS,
    Recalibrator,
    cross_recalibrate,
    load_recalibrator,
)
from longjiang_forecast.cli import main


def _pairs(n, n_met, seed=0):
    """n forecast probabilities with n_met outcomes 1, the met ones a little more likely."""
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n_met), np.zeros(n - n_met)]
    p = np.clip(0.3 + 0.4 * y + rng.normal(0, 0.15, n), 0.01, 0.99)
    return p, y


def test_minimum_is_the_documented_constant():
    assert (MIN_FORECASTS, MIN_PER_CLASS) == (20, 5)


@pytest.mark.parametrize("method", ["isotonic", "beta"])
def test_fit_refuses_outcomes_all_of_one_class(method):
    # the national data: every target met; before, the map sent every probability to 1
    p = np.linspace(0.4, 0.9, 30)
    with pytest.raises(
        lf.DataValidationError,
        match=r"Cannot fit a recalibration map on 30 forecasts with a known outcome \(30 met, 0 not met\); "
        r"a map needs at least 20 forecasts with at least 5 of each outcome.*"
        r"Every outcome is met, so the map would send every probability to 1.*Backtest more years",
    ):
        Recalibrator(method=method).fit(p, np.ones(30))
    with pytest.raises(lf.DataValidationError, match=r"\(0 met, 30 not met\).*every probability to 0"):
        Recalibrator(method=method).fit(p, np.zeros(30))


def test_fit_refuses_a_single_forecast_and_too_few():
    with pytest.raises(
        lf.DataValidationError, match=r"on 1 forecast with a known outcome \(1 met, 0 not met\)"
    ):
        Recalibrator().fit([0.7], [1])
    p, y = _pairs(19, 9)
    with pytest.raises(
        lf.DataValidationError, match=r"on 19 forecasts with a known outcome \(9 met, 10 not met\)"
    ):
        Recalibrator().fit(p, y)
    p, y = _pairs(60, 4)  # plenty of forecasts, too few of one outcome
    with pytest.raises(
        lf.DataValidationError, match=r"on 60 forecasts with a known outcome \(4 met, 56 not met\)"
    ):
        Recalibrator(method="beta").fit(p, y)
    # pairs without a probability or an outcome do not count: 25 given (10 met), 19 known (4 met)
    p, y = _pairs(25, 10)
    p[:3], y[3:6] = np.nan, np.nan
    with pytest.raises(
        lf.DataValidationError, match=r"on 19 forecasts with a known outcome \(4 met, 15 not met\)"
    ):
        Recalibrator().fit(p, y)


@pytest.mark.parametrize("method", ["isotonic", "beta"])
def test_fit_at_the_minimum_is_allowed(method):
    p, y = _pairs(20, 5)
    rec = Recalibrator(method=method).fit(p, y)
    assert (rec.n_fit_, rec.n_met_) == (20, 5)
    q = rec.transform(p)
    assert ((q >= 0) & (q <= 1)).all() and q.std() > 0  # not a constant map


def test_fit_names_the_first_probability_outside_the_unit_interval():
    p, y = _pairs(30, 10)
    p[[4, 9]] = [1.5, -0.2]
    with pytest.raises(ValueError, match=r"in \[0, 1\]; 2 are outside, the first 1\.5 at position 4\."):
        Recalibrator().fit(p, y)


def test_cross_recalibrate_refuses_a_fold_too_small_or_of_one_class():
    # four forecasts of 2022-2023, all met (the national backtest): before, Brier 0.000
    with pytest.raises(
        lf.DataValidationError,
        match=r"Cannot cross-fit the recalibration map of group 2022: the other groups hold 1 forecast "
        r"with a known outcome \(1 met, 0 not met\).*Every outcome is met.*leave out `--recalibrate`",
    ):
        cross_recalibrate([0.5, 0.8, 0.9, 0.85], [1, 1, 1, 1], [2022, 2022, 2022, 2023])
    # enough in total (40), but each year's map would be fitted on the other year's 20 forecasts, 4 met
    p, y = _pairs(40, 8)
    groups = np.r_[np.full(20, 2022), np.full(20, 2023)]
    y[:] = 0
    y[[0, 1, 2, 3, 20, 21, 22, 23]] = 1
    with pytest.raises(
        lf.DataValidationError,
        match=r"group 2022: the other groups hold 20 forecasts .*\(4 met, 16 not met\)",
    ):
        cross_recalibrate(p, y, groups)


def test_cross_recalibrate_leaves_missing_probabilities_missing():
    p, y = _pairs(90, 36, seed=4)
    groups = np.repeat([1, 2, 3], 30)
    p[[0, 45]] = np.nan
    q = cross_recalibrate(p, y, groups, method="beta")
    assert np.isnan(q[[0, 45]]).all()
    assert np.isfinite(np.delete(q, [0, 45])).all()


@pytest.mark.parametrize("method", ["isotonic", "beta"])
def test_transform_refuses_nan_and_values_outside_the_unit_interval(method):
    rec = Recalibrator(method=method).fit(*_pairs(40, 15))
    with pytest.raises(
        lf.DataValidationError,
        match=r"needs probabilities in \[0, 1\]; 2 of 5 are NaN or outside, the first nan at position 1\. "
        r".*drop forecasts without a probability",
    ):
        rec.transform([0.2, np.nan, 0.5, 1.5, 0.9])
    with pytest.raises(
        lf.DataValidationError, match=r"1 of 3 are NaN or outside, the first 1\.5 at position 2\."
    ):
        rec.transform([0.2, 0.4, 1.5])  # was clipped to 1 without a word
    with pytest.raises(
        lf.DataValidationError, match=r"1 of 4 are NaN or outside, the first -0\.1 at position \(1, 0\)"
    ):
        rec.transform([[0.2, 0.3], [-0.1, 0.5]])
    q = rec.transform([0.0, 1.0])  # the ends are probabilities
    assert ((q >= 0) & (q <= 1)).all()


@pytest.fixture
def saved(tmp_path):
    """Paths and contents of a saved isotonic and a saved beta map."""
    out = {}
    p, y = _pairs(200, 80, seed=1)
    for method in ("isotonic", "beta"):
        path = Recalibrator(method=method, model="seasonal_share").fit(p, y).save(tmp_path / f"{method}.json")
        out[method] = (path, json.loads(path.read_text()))
    return out


def _edit(path, data, change):
    data = json.loads(json.dumps(data))
    change(data)
    path.write_text(json.dumps(data))  # json writes NaN as the bare NaN it reads back
    return path


def test_saved_map_round_trip_keeps_the_outcome_count(saved):
    path, data = saved["isotonic"]
    assert (data["format"], data["n_fit"], data["n_met"]) == ("longjiang_forecast.recalibration/2", 200, 80)
    back = load_recalibrator(path)
    assert (back.n_fit_, back.n_met_) == (200, 80)
    assert len(data["params"]["x"]) >= 2


def _set(*keys, value):
    def change(data):
        obj = data
        for k in keys[:-1]:
            obj = obj[k]
        obj[keys[-1]] = value

    return change


def _drop(*keys):
    def change(data):
        obj = data
        for k in keys[:-1]:
            obj = obj[k]
        del obj[keys[-1]]

    return change


def _reverse(key):
    def change(data):
        data["params"][key] = data["params"][key][::-1]

    return change


@pytest.mark.parametrize(
    ("method", "change", "match"),
    [
        (
            "isotonic",
            lambda d: d["params"]["y"].__setitem__(1, "0.4x"),
            r"field 'params\.y\[1\]' must be a finite number; got '0\.4x'",
        ),
        ("isotonic", _reverse("x"), r"field 'params\.x\[1\]' must be greater than params\.x\[0\]"),
        (
            "isotonic",
            _reverse("y"),
            r"field 'params\.y\[\d+\]' must not be below params\.y\[\d+\] = .*monotone",
        ),
        (
            "isotonic",
            lambda d: d["params"]["y"].__setitem__(-1, 1.5),
            r"field 'params\.y\[\d+\]' must be a probability in \[0, 1\]; got 1\.5",
        ),
        (
            "isotonic",
            lambda d: d["params"]["x"].__setitem__(0, -0.2),
            r"field 'params\.x\[0\]' must be a probability in \[0, 1\]; got -0\.2",
        ),
        (
            "isotonic",
            lambda d: d["params"]["y"].pop(),
            r"field 'params\.y' must have as many points as params\.x",
        ),
        ("isotonic", _drop("params", "x"), r"field 'params\.x' is missing"),
        ("isotonic", _drop("n_met"), r"field 'n_met' is missing"),
        ("isotonic", _drop("model_params"), r"field 'model_params' is missing"),
        ("isotonic", _set("eps", value="0.001"), r"field 'eps' must be a finite number; got '0\.001'"),
        ("isotonic", _set("eps", value=0.7), r"field 'eps' must be in \(0, 0\.5\); got 0\.7"),
        (
            "isotonic",
            _set("method", value="platt"),
            r"field 'method' must be one of \['isotonic', 'beta'\]; got 'platt'",
        ),
        ("isotonic", _set("n_fit", value=20.5), r"field 'n_fit' must be a whole number; got 20\.5"),
        ("isotonic", _set("n_met", value=300), r"field 'n_met' must be between 0 and n_fit = 200; got 300"),
        (
            "isotonic",
            _set("model_params", value={"plan_prior_sd": 0.3}),
            r"field 'model_params\.plan_prior_sd' must be a string",
        ),
        ("beta", _set("params", "a", value=-1.0), r"field 'params\.a' must be >= 0 .*; got -1\.0"),
        (
            "beta",
            _set("params", "c", value=float("nan")),
            r"field 'params\.c' must be a finite number; got nan",
        ),
        ("beta", _drop("params", "b"), r"field 'params\.b' is missing"),
        ("beta", _set("params", value=[1, 1, 0]), r"field 'params' must be an object"),
    ],
)
def test_load_refuses_a_hand_edited_map_naming_file_and_field(saved, method, change, match):
    path, data = saved[method]
    _edit(path, data, change)
    with pytest.raises(
        lf.DataValidationError, match=re.escape(str(path)) + r": " + match + r".*Do not edit a saved map"
    ):
        load_recalibrator(path)


def test_load_refuses_a_map_fitted_on_too_little_or_an_old_format(saved):
    path, data = saved["isotonic"]
    # a one-class map as the unguarded fit wrote it for the national data
    _edit(path, data, lambda d: d.update(n_fit=4, n_met=4, params={"x": [0.475, 0.85], "y": [1.0, 1.0]}))
    with pytest.raises(
        lf.DataValidationError,
        match=re.escape(str(path)) + r": fields 'n_fit', 'n_met' say the map was fitted on 4 forecasts "
        r"\(4 met, 0 not met\); a map needs at least 20",
    ):
        load_recalibrator(path)
    _edit(path, data, lambda d: d.update(format="longjiang_forecast.recalibration/1"))
    with pytest.raises(
        lf.DataValidationError,
        match=r"is a recalibration map in format 'longjiang_forecast.recalibration/1'; this version reads "
        r"'longjiang_forecast.recalibration/2' only \(format 1 did not record",
    ):
        load_recalibrator(path)
    path.write_text('{"format": "longjiang_forecast.recalibration/2", "method": ')
    with pytest.raises(lf.DataValidationError, match=re.escape(str(path)) + r" .*it is not valid JSON"):
        load_recalibrator(path)
    path.write_text("[1, 2]")
    with pytest.raises(
        lf.DataValidationError, match=r"is not a recalibration map written by Recalibrator\.save"
    ):
        load_recalibrator(path)


def test_cli_save_calibration_on_one_class_data_reports_the_reason(tmp_path, capsys):
    # the national data: four forecasts, every target met
    cal = tmp_path / "cal.json"
    code = main(["backtest", "--as-of", "2022-06,2023-06", "--draws", "200", "--out", str(tmp_path),
                 "--save-calibration", str(cal), "--no-progress"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert (
        f"error: --save-calibration {cal}: no recalibration map was saved: the backtest has 4 scored "
        "forecasts (4 met, 0 not met), and a map needs at least 20 with at least 5 of each outcome. "
        f"The scores were written to {tmp_path / 'backtest_scores.csv'} and {tmp_path / 'backtest.nc'}. "
        "Every national target in these forecasts was met, so a map would send every probability to 1: "
        "there is no miss to learn from."
    ) in err
    assert "`--progress families` (synthetic families with both outcomes) shows how a map is fitted" in err
    assert not cal.exists()
    assert (tmp_path / "backtest_scores.csv").exists()  # the scores are still written
    rec_out = tmp_path / "rec"
    code = main(["backtest", "--as-of", "2022-06,2023-06", "--draws", "200", "--out", str(rec_out),
                 "--recalibrate", "isotonic", "--no-progress"])  # fmt: skip
    assert code == 2
    captured = capsys.readouterr()
    assert "error: model 'seasonal_share': Cannot cross-fit the recalibration map of group 2022" in (
        captured.err
    )
    assert "without recalibrated scores" in captured.err and "brier" in captured.out  # the run is not lost
    scores = pd.read_csv(rec_out / "backtest_scores.csv")
    assert "brier_recalibrated" not in scores and scores.loc[0, "n_forecasts"] == 4


@pytest.mark.parametrize("method", ["isotonic", "beta"])
def test_transform_never_returns_exactly_0_or_1(method):
    # separable outcomes: isotonic fits steps at 0 and 1, beta saturates far out
    p = np.r_[np.linspace(0.0, 0.4, 20), np.linspace(0.6, 1.0, 20)]
    y = np.r_[np.zeros(20), np.ones(20)]
    rec = Recalibrator(method=method, eps=0.01).fit(p, y)
    out = rec.transform(np.linspace(0, 1, 201))
    assert out.min() == pytest.approx(0.01) and out.max() == pytest.approx(0.99)
    assert (out >= 0.01).all() and (out <= 0.99).all()


def test_save_refuses_an_existing_file_unless_overwrite(tmp_path):
    p, y = _pairs(60, 25)
    rec = Recalibrator().fit(p, y)
    path = tmp_path / "map.json"
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(FileExistsError, match=re.escape(
        f"Recalibrator.save: {path} exists (nothing was written). Choose another file, or pass "
        "overwrite=True to replace it."
    )):  # fmt: skip
        rec.save(path)
    assert path.read_text(encoding="utf-8") == "mine"
    assert rec.save(path, overwrite=True) == path and load_recalibrator(path).n_fit_ == 60
    with pytest.raises(IsADirectoryError, match="is a folder; give a file name"):
        rec.save(tmp_path)


def test_load_refuses_a_folder_naming_it(tmp_path):
    with pytest.raises(IsADirectoryError, match=re.escape(f"load_recalibrator: {tmp_path} is a folder, not a "
                                                          "recalibration map")):  # fmt: skip
        load_recalibrator(tmp_path)
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_recalibrator(tmp_path / "none.json")


def test_load_refuses_an_isotonic_map_of_one_point(saved):
    path, data = saved["isotonic"]

    def one(d):
        d["params"]["x"], d["params"]["y"] = [0.5], [0.5]

    with pytest.raises(lf.DataValidationError, match=r"field 'params.x' must hold at least 2 points"):
        load_recalibrator(_edit(path, data, one))


def test_fit_refuses_probabilities_all_equal():
    _, y = _pairs(40, 20)
    with pytest.raises(lf.DataValidationError, match=r"all 40 forecast probabilities are 0\.5"):
        Recalibrator().fit(np.full(40, 0.5), y)
