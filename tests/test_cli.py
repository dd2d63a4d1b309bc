"""The command line as an analyst runs it."""

import json

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from longjiang_forecast.cli import main
from longjiang_forecast.pipeline import TABLE_COLUMNS


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
    assert main(["--progress", "national", "--as-of", "2024-10", "--draws", "500", "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "attainment.csv")
    row = table[table["indicator"] == "CN_OLDCOMM_2024"].iloc[0]
    assert row["target"] == 5.4 and row["observed"] == 5.3
    assert row["p_met"] > 0.5
    assert not capsys.readouterr().out.startswith("NOTE: synthetic")


@pytest.mark.parametrize("as_of", ["2015-06", "2015-09"])
def test_pm25_real_data(tmp_path, as_of):
    assert main(["--progress", "pm25", "--city", "shenyang", "--as-of", as_of, "--draws", "500", "--out", str(tmp_path)]) == 0
    table = pd.read_csv(tmp_path / "attainment.csv")
    row = table[table["indicator"] == "PM25_SHENYANG_2015"].iloc[0]
    assert row["comparator"] == "<=" and np.isclose(row["target"], 0.95 * 77.44, atol=0.01)
    assert 0 <= row["p_met"] <= 1
