"""Rolling-origin backtest: no look-ahead, outcomes read right, scores consistent, errors explained."""

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast.backtesting import outcomes, plan_origins, truncate
from longjiang_forecast.calibration import load_recalibrator
from longjiang_forecast.cli import main
from longjiang_forecast.pipeline import Backtest, backtest
from longjiang_forecast.testing.families import synthetic_families

SERIES = "CN_OLDCOMM_2023"


@pytest.fixture(scope="module")
def national():
    return lf.load_national_progress()


def _row(bt, indicator, as_of):
    ds = bt.forecasts
    hit = np.flatnonzero((ds["indicator"].values == indicator) & (ds["as_of"].values == np.datetime64(as_of)))
    assert hit.size == 1
    return ds.isel(forecast=hit[0])


def _planted(national, changes):
    catalog, progress = national
    planted = progress.copy(deep=True)
    for (ind, month), value in changes.items():
        planted["value"].loc[{"indicator": ind, "region": "province", "month": month}] = value
    return catalog, planted


def test_leakage_planted_future_values_change_nothing(national):
    """A planted year-end miss (and a rewritten next year) must not move the June forecast."""
    as_of = ["2023-06", "2023-07"]
    base = backtest(national, "seasonal_share", as_of=as_of, n_draws=400, seed=1)
    months_2024 = [f"2024-{m:02d}-01" for m in range(1, 13)]
    changes = {(SERIES, "2023-12-01"): 1.0, (SERIES, "2023-07-01"): 0.2}
    changes |= {("CN_OLDCOMM_2024", m): 0.01 for m in months_2024}
    planted = backtest(_planted(national, changes), "seasonal_share", as_of=as_of, n_draws=400, seed=1)
    before, after = _row(base, SERIES, "2023-06"), _row(planted, SERIES, "2023-06")
    # what the June forecast saw is unchanged, so is the forecast ...
    assert float(after["p_met"]) == float(before["p_met"])
    np.testing.assert_array_equal(after["deadline_value"].values, before["deadline_value"].values)
    # ... while the planted December value did change what happened (5.3 target: a miss now)
    assert float(before["outcome_met"]) == 1.0 and float(after["outcome_met"]) == 0.0
    assert float(after["outcome_value"]) == 1.0
    # and the planted July value changes the answer as soon as it is known (as of July)
    assert (
        float(_row(planted, SERIES, "2023-07")["p_met"]) < float(_row(base, SERIES, "2023-07")["p_met"]) - 0.2
    )


def test_truncate_drops_later_months_and_later_plans(national):
    catalog, progress = national
    cat_t, prog_t = truncate(catalog, progress, pd.Timestamp("2022-05-01"))
    assert pd.Timestamp(prog_t["month"].values[-1]) == pd.Timestamp("2022-05-01")
    assert cat_t.table["year"].max() == 2022
    assert prog_t.attrs["as_of"] == "2022-05"


def test_outcomes_from_the_full_history(national):
    catalog, progress = national
    cat_t, prog_t = truncate(catalog, progress, pd.Timestamp("2024-06-01"))
    state = lf.build_state(prog_t, cat_t, "2024-06")
    out = outcomes(progress, state)
    i = list(state["indicator"].values).index("CN_OLDCOMM_2024")
    assert out["value"][i] == 5.8  # the December 2024 report
    assert out["met"][i] == 1.0


def test_a_levels_outcome_first_passage_counts_from_the_origins_latest_report():
    """The rule of the forecast (issue 16): met in May-June, fallen back by August, met again in November."""
    from importlib import resources

    source = resources.files("longjiang_forecast.catalog").joinpath("data", "catalog_2024.csv")
    with source.open(encoding="utf-8-sig") as fh:
        rows = pd.read_csv(fh, dtype=str, keep_default_na=False)
    row = rows[(rows["indicator"] == "10b") & (rows["region"] == "province")].assign(
        target="50", baseline="15"
    )
    catalog = lf.load_catalog(row)
    values = [20, 30, 40, 45, 50, 52, 40, 30, 35, 45, 55, 60]
    months = [f"2024-{m:02d}" for m in range(1, 13)]
    frame = pd.DataFrame({"indicator": "10b", "region": "province", "month": months, "value": values})
    progress = lf.read_progress(frame, catalog)
    state = lf.build_state(lf.read_progress(frame.iloc[:8], catalog), catalog, "2024-08")
    assert outcomes(progress, state)["first_passage"][0] == 11  # not May
    early = lf.build_state(lf.read_progress(frame.iloc[:3], catalog), catalog, "2024-03")
    assert outcomes(progress, early)["first_passage"][0] == 5  # from March on, May is the first


def test_backtest_dataset_and_scores(national):
    bt = backtest(national, "seasonal_share", as_of=[6, 9], years=[2022, 2023], n_draws=300, seed=5)
    ds = bt.forecasts
    assert set(ds.dims) == {"forecast", "quantile", "level"}
    assert set(np.unique(ds["as_of_month"].values)) <= {6, 9}
    assert set(np.unique(ds["year"].values)) <= {2022, 2023}
    p, y = ds["p_met"].values, ds["outcome_met"].values
    ok = np.isfinite(p)
    np.testing.assert_allclose(ds["brier"].values[ok], (p[ok] - y[ok]) ** 2)
    assert np.all((ds["pit"].values[ok] >= 0) & (ds["pit"].values[ok] <= 1))
    assert np.all(np.diff(ds["deadline_value"].values[ok], axis=1) >= 0)
    table = bt.table()
    assert table.loc[0, "n_forecasts"] == ok.sum()
    assert table.loc[0, "brier"] == pytest.approx(np.mean((p[ok] - y[ok]) ** 2))
    assert ds.attrs["model"] == "seasonal_share" and ds.attrs["n_origins"] == 4
    # interval scores beside coverage (issue 19): width / target where the interval held the outcome,
    # more where it missed; the table's columns are their means
    width = (ds["upper"] - ds["lower"]).values / np.abs(ds["target"].values)[:, None]
    held = ds["covered"].values == 1
    np.testing.assert_allclose(ds["interval_score_rel"].values[held], width[held])
    assert (ds["interval_score_rel"].values[~held] > width[~held]).all()
    assert list(table.columns[table.columns.get_loc("coverage_80") :][:2]) == [
        "coverage_80",
        "interval_score_rel_80",
    ]
    assert table.loc[0, "interval_score_rel_80"] == pytest.approx(
        np.nanmean(ds["interval_score_rel"].values[:, 1])
    )
    assert table.loc[0, "wis_rel"] == pytest.approx(np.nanmean(ds["wis_rel"].values))
    corp = bt.corp_reliability(n_resamples=100)  # the CORP diagram of the same forecasts
    assert corp.attrs["n_forecasts"] == ok.sum() and corp.attrs["brier"] == pytest.approx(
        table.loc[0, "brier"]
    )
    assert np.all(np.diff(corp["cep"].values) >= 0) and np.all(np.diff(corp["forecast"].values) > 0)
    assert table.loc[0, "corp_mcb"] == pytest.approx(corp.attrs["mcb"])
    assert table.loc[0, "brier"] == pytest.approx(
        table.loc[0, "corp_mcb"] - table.loc[0, "corp_dsc"] + corp.attrs["unc"]
    )
    # the same seed gives the same backtest; a forecast does not depend on the other origins
    again = backtest(national, "seasonal_share", as_of=["2023-09"], n_draws=300, seed=5)
    assert float(_row(again, SERIES, "2023-09")["p_met"]) == float(_row(bt, SERIES, "2023-09")["p_met"])


def test_backtest_on_families_with_oracle_and_recalibration(tmp_path):
    fam = synthetic_families(seed=2, years=range(2018, 2024), regions=["harbin", "daqing", "suihua"])
    bt = backtest(fam, lf.SeasonalShareModel, as_of=[5, 8], years=[2022, 2023], n_draws=400, seed=3,
                  cache_dir=str(tmp_path / "cache"))  # fmt: skip
    ds = bt.forecasts
    assert ds.sizes["forecast"] > 0 and 0 < np.nanmean(ds["outcome_met"].values) < 1
    oracle = pd.concat([fam.oracle(t) for t in ["2022-05", "2022-08", "2023-05", "2023-08"]])
    key = oracle.set_index(["as_of", "indicator", "region"])["p_true"]
    p_true = key.reindex(
        pd.MultiIndex.from_arrays(
            [pd.DatetimeIndex(ds["as_of"].values), ds["indicator"].values, ds["region"].values]
        )
    ).to_numpy()
    table = Backtest(ds.assign(p_true=("forecast", p_true))).table()
    assert table.loc[0, "oracle_gap"] == pytest.approx(table.loc[0, "brier"] - table.loc[0, "brier_oracle"])
    # a rerun reads the cached fits and gives the same forecasts
    cached = backtest(fam, lf.SeasonalShareModel, as_of=[5, 8], years=[2022, 2023], n_draws=400, seed=3,
                      cache_dir=str(tmp_path / "cache"))  # fmt: skip
    assert cached.forecasts.attrs["cache_hits"] == 4
    np.testing.assert_array_equal(cached.forecasts["p_met"].values, ds["p_met"].values)
    # cross-fitting by year would fit each map on the other year's 18 forecasts, fewer than
    # calibration.MIN_FORECASTS (refused, see tests/calibration/test_recalibration_guards.py); by region, 24
    rec = bt.recalibrated("beta", groups="region").forecasts
    assert np.isfinite(rec["p_met_recalibrated"].values).all()
    assert "brier_p_met_recalibrated" in rec
    saved = bt.fit_recalibrator("isotonic")
    assert saved.model == "seasonal_share" and saved.n_fit_ == ds.sizes["forecast"]
    # saved and loaded, the map still accepts the model it was fitted for, and names a changed setting
    loaded = load_recalibrator(saved.save(tmp_path / "map.json"))
    loaded.check_model("seasonal_share", lf.SeasonalShareModel().get_params())
    with pytest.raises(lf.DataValidationError, match=r"\['year_effect_sd'\] differ"):
        loaded.check_model("seasonal_share", lf.SeasonalShareModel(year_effect_sd=0.3).get_params())
    assert saved.model_params == {k: repr(v) for k, v in lf.SeasonalShareModel().get_params().items()}
    # ... and takes the model instance itself, as the docs say
    loaded.check_model(lf.SeasonalShareModel())
    loaded.check_model(lf.SeasonalShareModel)
    with pytest.raises(lf.DataValidationError, match=r"\['year_effect_sd'\] differ"):
        loaded.check_model(lf.SeasonalShareModel(year_effect_sd=0.3))
    with pytest.raises(lf.DataValidationError, match="fitted for model 'seasonal_share', not 'run_rate'"):
        loaded.check_model(lf.models.MODEL_REGISTRY["run_rate"]())
    with pytest.raises(TypeError, match=r"needs the model's settings too: pass the model instance"):
        loaded.check_model("seasonal_share")
    # the forecasts dataset saves as it is (its attributes are strings and numbers)
    ds.to_netcdf(tmp_path / "backtest.nc", engine="h5netcdf")
    with xr.open_dataset(tmp_path / "backtest.nc", engine="h5netcdf") as back:
        assert back.attrs["model_params_json"] == ds.attrs["model_params_json"]
        np.testing.assert_array_equal(back["p_met"].values, ds["p_met"].values)


def test_plan_origins_defaults(national):
    catalog, progress = national
    origins = plan_origins(catalog, progress, None, [2021])
    assert [t.month for t in origins] == list(range(3, 12))


@pytest.mark.parametrize("as_of", [12, [12], ["2023-12"], ["2022-12", "2023-12"]])
def test_as_of_only_in_the_deadline_month_is_refused(national, as_of):
    catalog, progress = national
    with pytest.raises(lf.DataValidationError) as info:
        plan_origins(catalog, progress, as_of, None)
    message = str(info.value)
    assert "is in or after the deadline month of every target of its year" in message
    assert "forecasts made then or later are left out, so nothing would be scored" in message
    assert plan_origins(catalog, progress, [11, 12], [2023])[-1].month == 12  # one earlier month is enough


def test_cli_example_recalibration_worse_out_of_sample_is_warned(tmp_path, capsys):
    # the example of docs/backtesting.md, with --save-calibration alone: the cross-fitted check is made too
    cal = tmp_path / "seasonal_share.json"
    code = main(["backtest", "--progress", "families", "--as-of", "8", "--years", "2022-2023", "--draws",
                 "300", "--save-calibration", str(cal), "--out", str(tmp_path), "--no-progress"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0 and cal.exists()
    scores = pd.read_csv(tmp_path / "backtest_scores.csv")
    raw = scores.loc[0, "brier"]
    match = re.search(
        r"warning: isotonic recalibration makes the forecasts of seasonal_share worse out of sample: "
        r"cross-fitted Brier (\d\.\d{3}) after recalibration against (\d\.\d{3}) without, on 78 forecasts",
        captured.err,
    )
    assert match, captured.err
    assert float(match[2]) == pytest.approx(raw, abs=5e-4) and float(match[1]) > float(match[2])
    assert "The map is not recommended." in captured.err
    assert f"The map was saved to {cal} as asked, but do not apply it" in captured.err
    # the saved map never claims certainty
    p = load_recalibrator(cal).transform(np.linspace(0, 1, 101))
    assert p.min() >= 1e-3 and p.max() <= 1 - 1e-3


def test_unknown_model_name(national):
    with pytest.raises(
        ValueError, match=r"Unknown model 'no_such_model'\. Known models: \[.*'seasonal_share'"
    ):
        backtest(national, "no_such_model")


@pytest.mark.parametrize(
    ("as_of", "years", "error", "match"),
    [
        (
            ["2031-06"],
            None,
            lf.DataValidationError,
            r"as_of 2031-06 is outside the data: the progress covers",
        ),
        (["2003-06"], None, lf.DataValidationError, r"as_of 2003-06 is outside the data"),
        ([6], [1999], lf.DataValidationError, r"as_of years \[1999\] are outside the data"),
        ([13], None, ValueError, r"The 'as_of' parameter of backtest must be an int in the range \[1, 12\]"),
    ],
)
def test_as_of_outside_the_data(national, as_of, years, error, match):
    with pytest.raises(error, match=match):
        backtest(national, "seasonal_share", as_of=as_of, years=years)


def test_a_year_with_reports_but_no_target_says_so():
    """PM2.5 2013: reported, but its target (5 % below the year before) has no year before in the data.
    The message said the year was outside the data that it lies in."""
    catalog, progress = lf.load_pm25("shenyang")
    with pytest.raises(
        lf.DataValidationError, match=r"as_of years \[2013\] have reports .* but no forecastable"
    ):
        backtest((catalog, progress), "seasonal_share", as_of=[6], years=[2013])


def test_empty_history(national):
    catalog, progress = national
    empty = progress.copy(deep=True)
    empty["value"][:] = np.nan
    with pytest.raises(lf.DataValidationError, match=r"The 'history' of backtest is empty"):
        backtest((catalog, empty), "seasonal_share")
    with pytest.raises(lf.DataValidationError, match=r"The 'history' of backtest is empty"):
        backtest((catalog, xr.Dataset({"value": (("indicator", "region", "month"), np.empty((0, 1, 0)))})))
    with pytest.raises(TypeError, match=r"The 'catalog' parameter of backtest is required"):
        backtest(progress, "seasonal_share")
    with pytest.raises(ValueError, match=r"The 'n_draws' parameter of backtest must be an int"):
        backtest(national, n_draws=0)


def test_cli_backtest(tmp_path, capsys):
    cal = tmp_path / "cal.json"
    code = main(["backtest", "--as-of", "2022-06,2023-06", "--draws", "200", "--out", str(tmp_path),
                 "--save-calibration", str(cal), "--no-progress"])  # fmt: skip
    # four forecasts, every target met: the scores are written, the map is refused with the reason
    assert code == 2
    captured = capsys.readouterr()
    assert "Backtest of seasonal_share on national" in captured.out
    assert "error: --save-calibration" in captured.err and not cal.exists()
    assert "no recalibration map was saved: the backtest has 4 scored forecasts" in captured.err
    scores = pd.read_csv(tmp_path / "backtest_scores.csv")
    assert scores.loc[0, "n_forecasts"] > 0
    assert xr.open_dataset(tmp_path / "backtest.nc", engine="h5netcdf").sizes["forecast"] > 0


def test_cli_bad_model(tmp_path, capsys):
    assert main(["backtest", "--model", "nope", "--out", str(tmp_path), "--no-progress"]) == 2
    assert "Unknown model 'nope'" in capsys.readouterr().err
    assert main(["forecast", "--model", "nope", "--out", str(tmp_path)]) == 2
    assert "Unknown model 'nope'" in capsys.readouterr().err


def test_fit_cache_key_changes_with_the_models_source(monkeypatch):
    """A fit cached before a model's code changed is not read after it; another model's edit keeps it."""
    from longjiang_forecast.backtesting import _origins

    digest = _origins._models_source_digest.__wrapped__  # uncached
    share, hier = "longjiang_forecast.models.seasonal_share", "longjiang_forecast.models.hierarchical"
    before = {m: digest(m) for m in (share, hier)}
    real_read = Path.read_bytes

    def edit(name):
        monkeypatch.setattr(
            Path, "read_bytes", lambda p: real_read(p) + (b"# edit" if p.name == name else b"")
        )

    edit("hierarchical.py")
    assert digest(share) == before[share] and digest(hier) != before[hier]
    edit("_common.py")  # both import it
    assert digest(share) != before[share] and digest(hier) != before[hier]
    edit("milestone.py")  # neither imports it
    assert digest(share) == before[share] and digest(hier) == before[hier]
    monkeypatch.setattr(Path, "read_bytes", real_read)

    seed = np.random.SeedSequence(1)
    key = _origins.FitCache.key(lf.SeasonalShareModel(), "data", "2024-06", 100, seed)
    assert key == _origins.FitCache.key(lf.SeasonalShareModel(), "data", "2024-06", 100, seed)
    monkeypatch.setattr(_origins, "_models_source_digest", lambda module: "edited")
    assert _origins.FitCache.key(lf.SeasonalShareModel(), "data", "2024-06", 100, seed) != key


def test_lf_backtest_stays_the_function_after_the_backtesting_package_is_imported(national):
    """The data-side package is ``backtesting``: importing it must not replace ``lf.backtest``."""
    import longjiang_forecast.backtesting  # noqa: F401

    first = lf.backtest(national, "seasonal_share", as_of=[6], years=[2023], n_draws=100, seed=1)
    again = lf.backtest(national, "seasonal_share", as_of=[6], years=[2023], n_draws=100, seed=1)
    assert callable(lf.backtest) and isinstance(again, Backtest)
    np.testing.assert_array_equal(first.forecasts["p_met"].values, again.forecasts["p_met"].values)


def test_fit_cache_holds_data_only_and_refits_a_damaged_entry(tmp_path):
    """A cache entry is netCDF (no pickle: reading runs no code); a damaged one is refitted, warned."""
    import pickle

    national = lf.load_national_progress()
    folder = tmp_path / "cache"
    first = backtest(national, "run_rate", as_of=["2023-07"], n_draws=200, seed=2, cache_dir=str(folder))
    entries = sorted(folder.iterdir())
    assert [p.suffix for p in entries] == [".nc"]
    assert entries[0].read_bytes()[:8] == b"\x89HDF\r\n\x1a\n"  # an HDF5 (netCDF-4) file
    # a crafted pickle under the entry's name would run code if unpickled: it is read as netCDF,
    # refused, refitted and replaced, with one warning naming the file
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    entries[0].write_bytes(pickle.dumps(Payload()))
    with pytest.warns(
        UserWarning, match=r"Fit cache entry .*\.nc could not be read .* refitting and replacing it"
    ):
        again = backtest(national, "run_rate", as_of=["2023-07"], n_draws=200, seed=2, cache_dir=str(folder))
    assert not marker.exists()
    np.testing.assert_array_equal(again.forecasts["p_met"].values, first.forecasts["p_met"].values)
    # the entry was replaced by a good one: the next run reads it
    third = backtest(national, "run_rate", as_of=["2023-07"], n_draws=200, seed=2, cache_dir=str(folder))
    assert third.forecasts.attrs["cache_hits"] == 1
    np.testing.assert_array_equal(third.forecasts["p_met"].values, first.forecasts["p_met"].values)
    # a truncated entry too
    data = entries[0].read_bytes()
    entries[0].write_bytes(data[: len(data) // 3])
    with pytest.warns(UserWarning, match="could not be read"):
        backtest(national, "run_rate", as_of=["2023-07"], n_draws=200, seed=2, cache_dir=str(folder))


def test_an_empty_or_mixed_as_of_is_told_as_such(national):
    """as_of=[] read "every as-of month () is in or after the deadline month ... (the latest deadline
    month: )", and ['2023-06', 6] named the valid '2023-06' as the bad one (a break-it pass)."""
    with pytest.raises(ValueError, match=r"'as_of' parameter of backtest is empty: give at least one month"):
        backtest(national, "run_rate", as_of=[], n_draws=50)
    with pytest.raises(ValueError, match=r"mixes month numbers and 'YYYY-MM' months \(\['2023-06', 6\]\)"):
        backtest(national, "run_rate", as_of=["2023-06", 6], n_draws=50)
