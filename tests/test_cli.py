"""The command line as an analyst runs it."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from longjiang_forecast.cli import main
from longjiang_forecast.pipeline import TABLE_COLUMNS

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def test_default_run_says_synthetic_and_writes_outputs(tmp_path, capsys):
    assert main(["--draws", "300", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("NOTE: synthetic example data")
    table = pd.read_csv(tmp_path / "attainment.csv", dtype={"indicator": str})
    assert list(table.columns) == list(TABLE_COLUMNS)
    # every indicator of the 2024 list is in the table, forecast or explained
    assert set(table["indicator"]) >= {"09a", "15a", "17b", "12a", "05a"}
    assert table.loc[table["indicator"] == "05a", "status"].item() == "no forecast"
    p = table["p_met"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["synthetic_data"] is True and meta["seed"] == 2024 and meta["as_of"] == "2024-08"
    paths = xr.open_dataset(tmp_path / "paths.nc")
    assert paths["value"].dims == ("draw", "series", "month")
    assert paths.sizes["draw"] == 300


def test_same_seed_same_numbers(tmp_path):
    for name in ("a", "b"):
        assert main(["forecast", "--draws", "200", "--seed", "5", "--out", str(tmp_path / name)]) == 0
    a = pd.read_csv(tmp_path / "a" / "attainment.csv")
    b = pd.read_csv(tmp_path / "b" / "attainment.csv")
    pd.testing.assert_frame_equal(a, b)


def test_template_then_forecast_round_trip(tmp_path, capsys):
    example = tmp_path / "progress.csv"
    assert main(["template", "--out", str(example)]) == 0
    frame = pd.read_csv(example, dtype={"indicator": str})
    assert {"indicator", "region", "month", "value", "note"} <= set(frame.columns)
    assert frame["note"].str.contains("EXAMPLE").all()
    assert main(["forecast", "--progress", str(example), "--draws", "200", "--out", str(tmp_path / "o")]) == 0
    # refuses to overwrite what the user has
    assert main(["template", "--out", str(example)]) == 2
    assert "nothing was overwritten" in capsys.readouterr().err


def test_bad_progress_file_exits_2_with_the_row(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,region,month,value\n09a,province,2024-13,10\n", encoding="utf-8")
    assert main(["forecast", "--progress", str(bad), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "row 2" in err and "month" in err


def test_national_real_data(tmp_path, capsys):
    assert (
        main(["--progress", "national", "--as-of", "2024-10", "--draws", "500", "--out", str(tmp_path)]) == 0
    )
    table = pd.read_csv(tmp_path / "attainment.csv")
    row = table[table["indicator"] == "CN_OLDCOMM_2024"].iloc[0]
    assert row["target"] == 5.4 and row["observed"] == 5.3
    assert row["p_met"] > 0.5
    assert not capsys.readouterr().out.startswith("NOTE: synthetic")


@pytest.mark.parametrize("as_of", ["2015-06", "2015-09"])
def test_pm25_real_data(tmp_path, as_of):
    assert (
        main(
            [
                "--progress",
                "pm25",
                "--city",
                "shenyang",
                "--as-of",
                as_of,
                "--draws",
                "500",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    table = pd.read_csv(tmp_path / "attainment.csv")
    row = table[table["indicator"] == "PM25_SHENYANG_2015"].iloc[0]
    assert row["comparator"] == "<=" and np.isclose(row["target"], 0.95 * 77.44, atol=0.01)
    assert 0 <= row["p_met"] <= 1


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--draws", "0"], "argument --draws: must be a whole number >= 1, got 0"),
        (["--jobs", "0"], "argument --jobs: must be a whole number >= 1, got 0"),
        (["--seed", "-1"], "argument --seed: must be a whole number >= 0, got -1"),
        (["--as-of", "2024-13"], "argument --as-of: The '--as-of' parameter must be a month written YYYY-MM"),
    ],
)
def test_bad_flags_are_refused_before_any_work(flag, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", *flag])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_out_that_is_a_file_is_refused(tmp_path, capsys):
    target = tmp_path / "afile"
    target.write_text("mine", encoding="utf-8")
    assert main(["forecast", "--out", str(target), "--draws", "100"]) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert target.read_text(encoding="utf-8") == "mine"


def test_scenarios_command_writes_the_comparison(tmp_path, capsys):
    files = [str(SCENARIOS / "early-winter.toml"), str(SCENARIOS / "year-end-push.toml")]
    assert main(["scenarios", *files, "--draws", "500", "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "scenario_comparison.csv", dtype={"indicator": str})
    assert set(table["scenario"]) == {"baseline", "early-winter", "year-end-push"}
    roads = table[(table["indicator"] == "19b") & (table["region"] == "province")].set_index("scenario")
    assert roads.loc["early-winter", "delta_vs_baseline"] < -0.1
    assert roads.loc["baseline", "delta_se"] == 0.0


def test_report_command_writes_a_bulletin(tmp_path):
    assert main(["report", "--draws", "200", "--lang", "en", "--out", str(tmp_path)]) == 0
    html = (tmp_path / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert "synthetic" in html and "<img" in html
    # prefectures by name, never by internal id
    assert "Harbin" in html and ">harbin<" not in html


def test_forecast_with_a_scenario_says_so(tmp_path):
    scenario = str(SCENARIOS / "early-winter.toml")
    assert main(["forecast", "--scenario", scenario, "--draws", "300", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "run.json").read_text())["scenario"] == "early-winter"
