"""One route under every command (issue 14): the streaming engine, kept paths, each figure defined once."""

from pathlib import Path

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.pipeline import DEFAULT_KEEP_PATHS, MIN_DEFAULT_KEEP_PATHS, kept_draws

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture(scope="module")
def small(catalog):
    return catalog.subset(["09a", "15a", "17b"])


def test_summaries_use_every_draw_whatever_paths_are_kept(small, progress):
    """The kept paths are the first draws of the same run; the summaries do not depend on how many."""
    every = lf.forecast(progress, small, as_of="2024-08", n_draws=2100, seed=4, keep_paths=2100)
    few = lf.forecast(progress, small, as_of="2024-08", n_draws=2100, seed=4, keep_paths=37)
    for name, var in every.summary.data_vars.items():
        if var.dtype.kind in "fc":
            np.testing.assert_array_equal(var.values, few.summary[name].values, err_msg=name)
    assert few.paths.sizes["draw"] == 37 and few.paths.attrs["n_draws_summarised"] == 2100
    np.testing.assert_array_equal(few.paths.values, every.paths.values[:37])
    # P(met) is the share of all 2,100 paths meeting the target at the deadline (prefectures and the
    # province row totalled from them alike)
    state, paths = every.state, every.paths.values
    dl = state["deadline_month"].values - 1
    at = paths[:, np.arange(state.sizes["series"]), dl]
    sign = np.where(state["comparator"].values == "<=", -1.0, 1.0)
    share = (sign * at >= sign * state["target"].values).mean(axis=0)
    p = every.summary["p_met"].values
    shown = np.isfinite(p)
    assert shown.sum() >= 10 and (every.summary["region"].values[shown] == "province").any()
    np.testing.assert_allclose(p[shown], share[shown], atol=1e-12)


@pytest.mark.parametrize("bad", [0, -5, 2.5, True, "100"])
def test_keep_paths_must_be_a_whole_number_of_draws(small, progress, bad):
    with pytest.raises(ValueError, match=r"'keep_paths' parameter must be a whole number of draws >= 1.*Got"):
        lf.forecast(progress, small, n_draws=200, seed=1, keep_paths=bad)


def test_default_kept_paths_fall_with_many_series_but_not_below_a_floor():
    assert kept_draws(None, 4000, 377) == DEFAULT_KEEP_PATHS  # the README's job keeps every path
    assert kept_draws(None, 1_000_000, 585) == DEFAULT_KEEP_PATHS
    assert kept_draws(None, 300, 377) == 300
    assert kept_draws(None, 4000, 4847) == MIN_DEFAULT_KEEP_PATHS  # a county job: about 1,000
    assert kept_draws(None, 4000, 2000) == 2**25 // (12 * 2000)
    assert kept_draws(50, 4000, 4847) == 50


def test_cli_keep_paths_is_refused_below_one(tmp_path, capsys):
    from longjiang_forecast.cli import main

    with pytest.raises(SystemExit):
        main(["forecast", "--keep-paths", "0", "--out", str(tmp_path / "o")])
    assert "--keep-paths" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_cli_scheduler_that_cannot_be_reached_is_a_clear_error(tmp_path, capsys):
    pytest.importorskip("distributed")
    from longjiang_forecast.cli import main

    code = main(
        ["forecast", "--scheduler", "tcp://127.0.0.1:9", "--draws", "200", "--out", str(tmp_path / "o")]
    )
    err = capsys.readouterr().err
    assert code != 0
    assert "--scheduler tcp://127.0.0.1:9: could not connect to a Dask scheduler there" in err
    assert "Traceback" not in err


def test_parameter_draws_made_chunk_by_chunk_give_one_run(small, progress, monkeypatch):
    """Draws made 1,024 at a time (three chunks): every summary is the share over every kept path,
    whatever the threads, and a scenario's random events are drawn per chunk too."""
    from longjiang_forecast.pipeline import _forecast as pipeline

    monkeypatch.setattr(pipeline, "DRAW_CHUNK", 1024)
    a = lf.forecast(progress, small, as_of="2024-08", n_draws=2600, seed=9, keep_paths=2600, n_jobs=1)
    b = lf.forecast(progress, small, as_of="2024-08", n_draws=2600, seed=9, keep_paths=2600, n_jobs=2)
    np.testing.assert_array_equal(a.summary["p_met"].values, b.summary["p_met"].values)
    np.testing.assert_array_equal(a.paths.values, b.paths.values)
    # the parameters of every kept path, from the three chunks in turn (the file pairs them draw for draw)
    assert a.draws.sizes["draw"] == a.paths.sizes["draw"] == 2600
    totals = a.draws["annual_total"].values
    assert not np.array_equal(totals[:1024], totals[1024:2048])
    state, paths = a.state, a.paths.values
    at = paths[:, np.arange(state.sizes["series"]), state["deadline_month"].values - 1]
    sign = np.where(state["comparator"].values == "<=", -1.0, 1.0)
    share = (sign * at >= sign * state["target"].values).mean(axis=0)
    shown = np.isfinite(a.summary["p_met"].values)
    np.testing.assert_allclose(a.summary["p_met"].values[shown], share[shown], atol=1e-12)
    # the chunks are different samples of the parameters (not one chunk repeated)
    chunk_means = [np.nanmean(paths[i : i + 1024, :, -1], axis=0) for i in (0, 1024)]
    assert not np.allclose(chunk_means[0], chunk_means[1])
    winter = lf.forecast(
        progress, small, as_of="2024-08", n_draws=2600, seed=9, scenario=SCENARIOS / "early-winter.toml"
    )
    touched = winter.summary["scenario_touched"].values
    assert touched.any() and np.all(
        winter.summary["p_met"].values[touched] <= a.summary["p_met"].values[touched] + 0.05
    )


def test_a_cached_backtest_fits_each_origin_once_whatever_the_chunks_of_draws(tmp_path, monkeypatch):
    """2,100 draws in chunks of 1,024 are three calls of sample_parameters, one fit (cache of fits on)."""
    from longjiang_forecast.models import RunRateModel
    from longjiang_forecast.pipeline import _forecast as pipeline

    fits = []

    class Counted(RunRateModel):
        def fit(self, *args, **kwargs):
            fits.append(1)
            return super().fit(*args, **kwargs)

    monkeypatch.setattr(pipeline, "DRAW_CHUNK", 1024)
    bt = lf.backtest(
        lf.load_national_progress(), Counted(), as_of=["2023-06"], n_draws=2100, cache_dir=tmp_path
    )
    assert bt.forecasts.sizes["forecast"] > 0
    assert len(fits) == 1
    assert len(list(tmp_path.glob("*.nc"))) == 3  # each chunk's draws cached under its own key


def test_the_table_lists_rows_without_a_forecast_under_their_indicator(catalog, progress):
    """Every row of the attainment table in the catalogue's order, the province first: the qualitative
    05a sits before 05b, not after the last indicator (it was listed after 20b)."""
    subset = catalog.subset(["04g", "05a", "05b", "20b"])
    table = lf.forecast(progress, subset, as_of="2024-08", n_draws=200, seed=1).table()
    indicators = table["indicator"].tolist()
    assert list(dict.fromkeys(indicators)) == ["04g", "05a", "05b", "20b"]
    assert indicators == sorted(indicators)  # each indicator's rows together
    assert table.loc[table["indicator"] == "05a", "status"].tolist() == ["no forecast"]
    firsts = table.drop_duplicates("indicator")
    assert (firsts["region"] == "province").all()


def test_within_an_indicator_the_prefectures_follow_the_catalogues_regions(catalog):
    """A prefecture with a catalogue row of its own, or without a forecast, was listed before or
    after the others (a break-it pass): now province first, then the catalogue's regions in order."""
    import pandas as pd

    from longjiang_forecast.pipeline import catalogue_order

    ids = [str(r) for r in catalog.region_ids]
    rows = pd.DataFrame(
        {"indicator": ["09a", "01a", "01a", "01a", "01a", "09a"],
         "region": [ids[0], ids[5], "province", ids[1], ids[0], "province"]}
    )  # fmt: skip
    ordered = rows.iloc[catalogue_order(rows, catalog)]
    assert list(zip(ordered["indicator"], ordered["region"], strict=True)) == [
        ("01a", "province"), ("01a", ids[0]), ("01a", ids[1]), ("01a", ids[5]),
        ("09a", "province"), ("09a", ids[0]),
    ]  # fmt: skip
