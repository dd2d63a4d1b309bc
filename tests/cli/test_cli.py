"""The command line as an analyst runs it."""

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from longjiang_forecast.cli import main
from longjiang_forecast.pipeline import TABLE_COLUMNS

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def test_default_run_says_synthetic_and_writes_outputs(tmp_path, capsys):
    assert main(["--draws", "300", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("NOTE: synthetic example data")
    table = pd.read_csv(tmp_path / "attainment.csv", dtype={"indicator": str})
    assert list(table.columns) == list(TABLE_COLUMNS)
    # every indicator of the 2024 list is in the table, forecast or explained
    assert set(table["indicator"]) >= {"09a", "15a", "17b", "12a", "05a"}
    assert table.loc[table["indicator"] == "05a", "status"].item() == "no forecast"
    # and the console says why, under the table (the table's cell only says "no forecast")
    assert "\nNo forecast: 05a, 06a, 08a" in out and ": qualitative: no number to forecast\n" in out
    p = table["p_met"].dropna()
    assert ((p >= 0) & (p <= 1)).all()
    meta = json.loads((tmp_path / "run.json").read_text())
    assert meta["synthetic_data"] is True and meta["seed"] == 2024 and meta["as_of"] == "2024-08"
    paths = xr.open_dataset(tmp_path / "forecast.nc", group="posterior_predictive")
    assert paths["progress"].dims == ("chain", "draw", "series", "month")
    assert paths.sizes["draw"] == 300 and paths["progress"].encoding["dtype"] == "float32"
    summary = xr.open_dataset(tmp_path / "forecast.nc")  # the root: the summary and its provenance
    assert summary.attrs["data_source"] == "synthetic" and summary.attrs["Conventions"] == "CF-1.11"
    # attainment.csv rounds P(met) to 4 decimals; forecast.nc holds it at full precision
    # (the table's rows in the catalogue's order, each indicator's province first: matched by label)
    by_label = table.set_index(["indicator", "region"])["p_met"]
    labels = list(zip(summary["indicator"].values, summary["region"].values, strict=True))
    np.testing.assert_allclose(summary["p_met"].values, by_label.loc[labels].values, rtol=0, atol=5e-5)


def test_forecast_keeps_a_thousand_paths_and_the_same_table(tmp_path):
    """forecast.nc holds the first 1000 draws' paths unless asked (issue 14: a quarter of the default
    job was writing 4000); the table is every draw's either way, byte for byte."""
    assert main(["--draws", "1500", "--out", str(tmp_path / "a")]) == 0
    assert main(["forecast", "--draws", "1500", "--keep-paths", "1500", "--out", str(tmp_path / "b")]) == 0
    paths = {k: xr.open_dataset(tmp_path / k / "forecast.nc", group="posterior_predictive") for k in "ab"}
    assert paths["a"].sizes["draw"] == 1000 and paths["b"].sizes["draw"] == 1500
    xr.testing.assert_equal(paths["a"]["progress"], paths["b"]["progress"].isel(draw=slice(0, 1000)))
    assert json.loads((tmp_path / "a" / "run.json").read_text())["paths_kept"] == 1000
    a, b = ((tmp_path / k / "attainment.csv").read_bytes() for k in "ab")
    assert a == b


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
    capsys.readouterr()
    assert main(["forecast", "--progress", str(example), "--draws", "200", "--out", str(tmp_path / "o")]) == 0
    # the example's whole counts are whole, the province their prefectures' sum: its own agreement
    # check stays quiet (a new-user check got 'province 3,422, prefectures 3,421.47' for 04b)
    assert "differ from the sum" not in capsys.readouterr().err
    places = frame[frame["indicator"] == "04b"].pivot(index="month", columns="region", values="value")
    assert (places == places.round()).all().all()
    np.testing.assert_array_equal(places["province"], places.drop(columns="province").sum(axis=1))
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
    out = capsys.readouterr().out
    assert not out.startswith("NOTE: synthetic")
    # national series have no prefectures: the headline does not send the user to --all for them
    assert "one row per target (no prefecture rows in the data)" in out and "--all" not in out
    # China's series read 全国 / national, not 全省 / province; Heilongjiang's own (HLJ_) stay the province
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "attainment.xlsx", read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    region = {r[0]: r[rows[0].index("region")] for r in rows[1:] if r[0]}
    assert region["CN_OLDCOMM_2024"] == "national" and region["HLJ_OLDCOMM_2024"] == "province"


def test_scenarios_on_national_data_name_the_country(tmp_path, capsys):
    """The scenario table's header read 仅列全省 (province rows) over China's series."""
    args = ["scenarios", str(SCENARIOS / "baseline.toml"), "--progress", "national", "--lang", "zh"]
    assert main([*args, "--draws", "200", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out.replace("\n", "")  # the header is wrapped to the terminal's width
    assert "仅列全国：" in out and "仅列全省" not in out
    table = pd.read_csv(tmp_path / "scenario_comparison.csv")
    assert set(table.loc[table["indicator"].str.startswith("CN_"), "region_name"]) == {"全国"}


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
        (["--draws", "0"], "argument --draws: must be at least 100, got 0: with fewer draws"),
        (
            ["--draws", "1"],
            "argument --draws: must be at least 100, got 1: with fewer draws the Monte Carlo "
            "error of P(met) is wider than a status band",
        ),
        (["--jobs", "0"], "argument --jobs: must be a whole number >= 1, got 0"),
        (["--seed", "-1"], "argument --seed: must be a whole number >= 0, got -1"),
        (["--as-of", "2024-13"], "argument --as-of: '2024-13' has month number 13; the month must be 01-12"),
    ],
)
def test_bad_flags_are_refused_before_any_work(flag, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", *flag])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_a_pace_probability_in_percent_is_refused_before_any_work(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["report", "--pace-prob", "80"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --pace-prob: 80 is not a probability strictly between 0 and 1" in err
    assert "Forecasting" not in err


@pytest.mark.parametrize(
    ("command", "figures"),
    [
        (
            "report",
            "the bulletin's list as a whole (P(all met), risk drivers), fan charts, rank probabilities, "
            "required pace and next year's targets rest on the kept paths",
        ),
        ("serve", "the explorer's fan charts and next year's targets rest on the kept paths"),
    ],
)
def test_too_few_kept_paths_for_the_joint_figures_are_refused(command, figures, capsys, monkeypatch):
    """A new-user check: `report --draws 1000 --keep-paths=1` wrote P(all met) 0.0 % and risk drivers
    of 100 % and 0 % from one path, beside a P(met) of 51 % from every draw. As --draws, --keep-paths
    of report and serve has a minimum, refused before any work with what to pass."""
    from longjiang_forecast import cli

    def ran(args):
        raise AssertionError(f"{command} ran with --keep-paths {args.keep_paths}")

    monkeypatch.setattr(cli, f"_{command}", ran)  # no bulletin drawn, no server started
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--draws", "1000", "--keep-paths=1"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert f"argument --keep-paths: must be at least 100, got 1: {figures}" in err
    assert "pass --keep-paths 100 or more, or leave it out" in err
    with pytest.raises(SystemExit):
        main([command, "--keep-paths", "99"])
    assert "must be at least 100, got 99" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["forecast", "report", "scenarios", "serve", "next-year"])
def test_more_kept_paths_than_draws_are_refused(command, capsys, monkeypatch):
    """A new-user check: `--draws 1000 --keep-paths 5000` kept 1000 paths without a word."""
    from longjiang_forecast import cli

    def ran(args):
        raise AssertionError(f"{command} ran with --keep-paths {args.keep_paths}")

    monkeypatch.setattr(cli, "_dispatch", ran)
    files = [str(SCENARIOS / "early-winter.toml")] if command == "scenarios" else []
    with pytest.raises(SystemExit) as exit_info:
        main([command, *files, "--draws", "1000", "--keep-paths", "5000"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --keep-paths: 5000 is more than --draws 1000" in err
    assert "pass --keep-paths 1000 or fewer, or more --draws" in err


def test_the_default_kept_paths_follow_fewer_draws(tmp_path):
    """forecast keeps 1000 paths by default; with --draws 500 it keeps every draw, no error."""
    assert main(["forecast", "--draws", "500", "--out", str(tmp_path / "a")]) == 0
    import xarray as xr

    path = tmp_path / "a" / "forecast.nc"
    with xr.open_dataset(path, group="posterior_predictive", engine="h5netcdf") as ds:
        assert ds.sizes["draw"] == 500


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
    # probabilities and their errors to 4 decimals, as in attainment.csv (no 16-digit floats)
    text = (tmp_path / "scenario_comparison.csv").read_text(encoding="utf-8-sig")
    assert not re.search(r"\.\d{5,}", text)


def test_report_command_writes_a_bulletin(tmp_path):
    assert main(["report", "--draws", "200", "--lang", "en", "--out", str(tmp_path)]) == 0
    html = (tmp_path / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert "synthetic" in html and "<img" in html
    # prefectures by name, never by internal id
    assert "Harbin" in html and ">harbin<" not in html
    # the annex of report integrity flags (issue 20), after the sections and before the method
    assert html.index("Annex: report integrity flags") < html.index('id="method"')
    # why a row reads "no forecast", as the console says it, every id (the page never said; break-it)
    assert "No forecast: 05a, 06a, 08a, 12b, 13b, 16a, 17a, 17c, 18a, 20a: qualitative: no number to" in html


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a comparison table"),
        (b"\x89HDF\r\n\x1a\n\x00\x00\xff\xfe", "not a comparison table"),
        (
            b"indicator,region,p_met\n09a,province,0.5\n",
            "the columns ['scenario', 'delta_vs_baseline', 'p_met_se'] are missing",
        ),
    ],
)
def test_a_bad_comparison_file_is_named_before_any_work(content, message, tmp_path, capsys):
    bad = tmp_path / "comparison.csv"
    bad.write_bytes(content)
    assert main(["report", "--comparison", str(bad), "--draws", "100", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert f"--comparison {bad}" in err and message in err and "scenario_comparison.csv" in err
    assert "Traceback" not in err and "Forecasting" not in err and not (tmp_path / "o").exists()


@pytest.fixture(scope="module")
def default_comparison(tmp_path_factory):
    """The scenario comparison of the default job (early winter, 100 draws) as `scenarios` writes it."""
    out = tmp_path_factory.mktemp("comparison") / "sc"
    assert (
        main(["scenarios", str(SCENARIOS / "early-winter.toml"), "--draws", "100", "--out", str(out), "-q"])
        == 0
    )
    return pd.read_csv(out / "scenario_comparison.csv", dtype={"indicator": str}, encoding="utf-8-sig")


def _foreign(frame):
    return pd.DataFrame(
        {"indicator": ["zz9", "zz9"], "region": "province", "scenario": ["baseline", "push"],
         "p_met": [0.5, 0.7], "p_met_se": 0.01, "delta_vs_baseline": [0.0, 0.2]}
    )  # fmt: skip


def _baseline_off(frame):
    frame = frame.copy()
    at = (frame["indicator"] == "01a") & (frame["region"] == "province") & (frame["scenario"] == "baseline")
    frame.loc[at, ["p_met", "p_met_se"]] = [0.05, 0.003]  # the default job's 01a: about 0.73
    series = (frame["indicator"] == "01a") & (frame["region"] == "province")  # its scenarios' changes agree
    frame.loc[series, "delta_vs_baseline"] = frame.loc[series, "p_met"] - 0.05
    return frame


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (_foreign, "its indicators ['zz9'] are not in this report's catalogue"),
        (_baseline_off, "its baseline gives 01a (province) P(met) 0.050, this report"),
        (lambda f: f[f["indicator"] != "09a"], "it has no rows for ['09a'] (1 of this report's forecast"),
        (lambda f: f[f["scenario"] != "baseline"], "no baseline row for ["),
        (lambda f: f.assign(p_met=f["p_met"].astype(object).where(f.index != 3, "43%")),
         "row 5, column 'p_met' holds '43%', not a probability between 0 and 1"),
        (lambda f: f.assign(p_met=f["p_met"] * 100),  # percentages: named as such
         "not a probability between 0 and 1 (a percentage? write it as a fraction, e.g. 0.8 for 80 %)"),
        # a comparison of another month got through without its standard errors (a break-it pass)
        (lambda f: f.drop(columns="p_met_se"), "the columns ['p_met_se'] are missing"),
        (lambda f: f.assign(p_met_se=""), "row 2, column 'p_met_se' holds '', not a standard error"),
        # the bulletin showed a change edited by hand, and the first of two rows of one series
        (lambda f: f.assign(delta_vs_baseline=f["delta_vs_baseline"].where(f["scenario"] == "baseline", 0.5)),
         "gives delta_vs_baseline 0.5, but its p_met"),
        (lambda f: pd.concat([f, f.tail(1)]), "give the same scenario 'early-winter' and series"),
    ],
)  # fmt: skip
def test_a_comparison_of_another_forecast_is_refused(default_comparison, edit, message, tmp_path, capsys):
    """A scenario table from another list, other reports or another month, or edited by hand, is not shown."""
    other = tmp_path / "scenario_comparison.csv"
    edit(default_comparison).to_csv(other, index=False)
    out = tmp_path / "o"
    assert main(["report", "--comparison", str(other), "--draws", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert f"--comparison {other}" in err and message in err
    assert "Traceback" not in err and not out.exists()


def test_a_comparison_saved_as_gbk_is_read_and_its_refusals_are_chinese(default_comparison, tmp_path, capsys):
    """Excel on Chinese Windows saves a CSV as GBK: read as a progress file is (it was refused with
    'utf-8' codec can't decode); and a refusal under --lang zh is Chinese (it was English)."""
    gbk = tmp_path / "scenario_comparison.csv"
    default_comparison.assign(region_name="哈尔滨市").to_csv(gbk, index=False, encoding="gbk")
    out = tmp_path / "o"
    assert main(["report", "--comparison", str(gbk), "--draws", "200", "--seed", "3", "--out", str(out)]) == 0
    capsys.readouterr()
    edited = tmp_path / "edited.csv"
    default_comparison.assign(p_met=default_comparison["p_met"] * 100).to_csv(edited, index=False)
    assert main(["report", "--comparison", str(edited), "--lang", "zh", "--out", str(tmp_path / "z")]) == 2
    err = capsys.readouterr().err
    assert (
        "第 2 行的“p_met”列为" in err
        and "是百分数吗？请写成小数" in err
        and "scenario_comparison.csv。" in err
    )


def test_the_comparison_of_the_same_inputs_is_shown(default_comparison, tmp_path):
    """Made with other draws and another seed from the same reports: within the Monte Carlo error."""
    same = tmp_path / "scenario_comparison.csv"
    default_comparison.to_csv(same, index=False)
    out = tmp_path / "o"
    assert (
        main(["report", "--comparison", str(same), "--draws", "200", "--seed", "3", "--out", str(out)]) == 0
    )
    page = (out / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert "early-winter" in page
    # its own run: a baseline a point or two from section 1's is said to be Monte Carlo error
    assert re.search(r"its baseline differs from the P\(met\) of section 1 by up to \d+ points", page)


def test_report_over_an_earlier_bulletin_names_no_other_commands_month_and_drops_its_figures(
    tmp_path, capsys
):
    """A folder holding a forecast's run.json (as of June) and an earlier bulletin with a scenario figure."""
    out = tmp_path / "o"
    (out / "bulletin" / "figures").mkdir(parents=True)
    (out / "run.json").write_text('{"as_of": "2024-06"}')  # forecast's, not the bulletin's month
    (out / "bulletin" / "bulletin.html").write_text("<html></html>")
    stale = out / "bulletin" / "figures" / "scenarios.png"
    stale.write_bytes(b"\x89PNG")
    # a user's own images beside the figures are never removed (a second break-it pass)
    own = [out / "bulletin" / "figures" / name for name in ("哈尔滨批注.png", "fan_09a_annotated.png")]
    for path in own:
        path.write_bytes(b"\x89PNG mine")
    assert main(["report", "--draws", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "holds bulletin/bulletin.html of an earlier run; nothing was run" in err and "2024-06" not in err
    assert main(["report", "--draws", "100", "--out", str(out), "--overwrite"]) == 0
    assert not stale.exists()  # the new bulletin draws no scenario figure: the old one is not left behind
    assert all(path.read_bytes() == b"\x89PNG mine" for path in own)
    assert (out / "bulletin" / "figures").is_dir() and any((out / "bulletin" / "figures").glob("*.png"))
    assert (out / "run.json").read_text() == '{"as_of": "2024-06"}'  # not report's: left as it was


def test_a_second_scenario_for_forecast_is_refused_naming_scenarios(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["forecast", "--scenario", "a.toml", "--scenario", "b.toml"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "argument --scenario: given twice (a.toml, b.toml); forecast runs one scenario" in err
    assert "longjiang-forecast scenarios a.toml b.toml" in err


def test_forecast_with_a_scenario_says_so(tmp_path):
    scenario = str(SCENARIOS / "early-winter.toml")
    assert main(["forecast", "--scenario", scenario, "--draws", "300", "--out", str(tmp_path)]) == 0
    assert json.loads((tmp_path / "run.json").read_text())["scenario"] == "early-winter"


# --- Mistakes refused before any work (found by a new-user check) -----------------------------


@pytest.fixture
def no_backtest_run(monkeypatch):
    """Make any backtest fit fail the test: the command must stop before it."""
    import longjiang_forecast.pipeline as pipeline

    def ran(*args, **kwargs):
        raise AssertionError("the backtest ran although the options were wrong")

    monkeypatch.setattr(pipeline, "backtest", ran)


def _without_pymc(monkeypatch):
    """Simulate a plain install: the hierarchical model's packages (PyMC, ArviZ) missing."""
    import longjiang_forecast.models as models

    monkeypatch.setattr(models, "missing_packages", lambda model: ["pymc"] if model == "hierarchical" else [])


def test_missing_packages_of_an_installed_model():
    from longjiang_forecast.models import missing_packages

    assert missing_packages("seasonal_share") == []
    assert missing_packages("hierarchical") == []  # the test extra installs PyMC
    assert missing_packages("ets") == []  # and statsmodels


def test_named_ets_without_statsmodels_fails_before_any_work(tmp_path, monkeypatch, capsys, no_backtest_run):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "statsmodels" else real(name, *a)
    )
    out = tmp_path / "o"
    assert main(["forecast", "--model", "ets", "--out", str(out)]) == 2
    assert (
        "error: --model ets needs statsmodels, which is not installed (nothing was run). "
        'Install it with: pip install "longjiang_forecast[ets]"; or choose another --model.'
    ) in capsys.readouterr().err
    assert not out.exists()


def test_backtest_all_without_pymc_skips_hierarchical_and_says_how_to_install(tmp_path, monkeypatch, capsys):
    import longjiang_forecast.pipeline as pipeline

    _without_pymc(monkeypatch)
    real, asked = pipeline.backtest, []

    def quick(history, model, **kwargs):  # a cheap baseline in place of each model, to stay fast
        asked.append(model)
        return real(history, "run_rate", **kwargs)

    monkeypatch.setattr(pipeline, "backtest", quick)
    code = main(["backtest", "--model", "all", "--as-of", "2023-06", "--draws", "100", "--out", str(tmp_path),
                 "--no-progress"])  # fmt: skip
    captured = capsys.readouterr()
    assert code == 0
    assert "hierarchical" not in asked and "seasonal_share" in asked and len(asked) == 7
    assert (
        "note: --model all: skipping hierarchical, which needs pymc (not installed). "
        'Install it with: pip install "longjiang_forecast[bayes]"'
    ) in captured.err
    assert "(hierarchical skipped: not installed)" in captured.out


@pytest.mark.parametrize("command", ["backtest", "forecast"])
def test_named_hierarchical_without_pymc_fails_before_any_work(command, tmp_path, monkeypatch, capsys,
                                                              no_backtest_run):  # fmt: skip
    _without_pymc(monkeypatch)
    out = tmp_path / "o"
    assert main([command, "--model", "hierarchical", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert (
        "error: --model hierarchical needs pymc, which is not installed (nothing was run). "
        'Install it with: pip install "longjiang_forecast[bayes]"; or choose another --model.'
    ) in err
    assert not out.exists()


def test_unknown_model_names_the_option(tmp_path, capsys, no_backtest_run):
    assert main(["backtest", "--model", "nope", "--out", str(tmp_path)]) == 2
    assert "error: --model: Unknown model 'nope'. Known models: seasonal_share" in capsys.readouterr().err


def test_years_with_yyyy_mm_as_of_is_refused_naming_both(tmp_path, capsys, no_backtest_run):
    argv = ["backtest", "--as-of", "2023-06,2024-06", "--years", "2020-2022", "--out", str(tmp_path / "o")]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert (
        "error: --years 2020-2022 cannot be combined with --as-of given as YYYY-MM months (2023-06,2024-06): "
        "those months fix their own years. Either drop --years, or give --as-of as month numbers "
        "(e.g. --as-of 6 --years 2020-2022)."
    ) in err
    assert not (tmp_path / "o").exists()


def test_years_outside_the_data_are_refused_before_any_fit(tmp_path, capsys, no_backtest_run):
    assert main(["backtest", "--as-of", "6", "--years", "1999", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "error: --as-of/--years on national: as_of years [1999] are outside the data" in err
    assert "(nothing was run)" in err


def test_a_backtest_that_scores_nothing_names_the_command_line_options(tmp_path, capsys):
    """June 2007 of the national series had nothing reported yet: the fix names the command line options."""
    assert (
        main(["backtest", "--years", "2007", "--as-of", "6", "--draws", "200", "--out", str(tmp_path / "o")])
        == 2
    )
    err = capsys.readouterr().err
    assert "scored no forecast for as-of months ['2007-06']" in err
    assert "command line --as-of 3-11" in err and "(--include-decided)" in err and "Traceback" not in err


def test_backtest_reads_its_months_in_the_forms_forecast_reads():
    """`forecast --as-of 2024/8` was read where `backtest --as-of 2023/6` was refused (a new-user pass)."""
    from longjiang_forecast.cli import _backtest_as_of

    assert _backtest_as_of("2023-6, 2024/6,2025年6月") == ["2023-06", "2024-06", "2025-06"]
    assert _backtest_as_of("3-5,9") == [3, 4, 5, 9]


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        (["--as-of", "abc"], "argument --as-of: must be month numbers 1-12, as a range '3-11' or a list "
                             "'4,6,9', or YYYY-MM months such as '2023-06,2024-06'; got 'abc'"),
        (["--as-of", "3-13"], "argument --as-of: month numbers must lie in 1-12"),
        (["--as-of", "2023-13"], "argument --as-of: '2023-13' has month number 13; the month must be 01-12 "
                                 "(e.g. 2023-12 for December 2023)"),
        (["--as-of", "2023-06,6"], "argument --as-of: mixes month numbers and YYYY-MM months in '2023-06,6'"),
        (["--years", "23"], "argument --years: must be years written YYYY: one year '2023', a range "
                            "'2020-2024' or a list '2021,2023'; got '23'"),
        (["--years", "2024-2020"], "argument --years: the range '2024-2020' runs backwards"),
        (["--jobs", "0"], "argument --jobs: must be a whole number >= 1, got 0"),
        (["--draws", "0"], "argument --draws: must be at least 100, got 0: with fewer draws"),
        (["--draws", "50"], "argument --draws: must be at least 100, got 50: with fewer draws each "
                            "forecast's P(met) carries a Monte Carlo error wider than a status band"),
        (["--seed", "-1"], "argument --seed: must be a whole number >= 0, got -1"),
        (["--progress", "nope"], "argument --progress: invalid choice: 'nope'"),
    ],
)  # fmt: skip
def test_bad_backtest_flags_name_the_option(flag, message, capsys, no_backtest_run):
    with pytest.raises(SystemExit) as exit_info:
        main(["backtest", *flag])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_as_of_forms_of_backtest():
    from longjiang_forecast.cli import _backtest_as_of, _years

    assert _backtest_as_of("3-5") == [3, 4, 5]
    assert _backtest_as_of("4, 6,9") == [4, 6, 9]
    assert _backtest_as_of("2023-06,2024-06") == ["2023-06", "2024-06"]
    assert _years("2020-2022,2024") == [2020, 2021, 2022, 2024]


@pytest.mark.parametrize("command", ["backtest", "forecast"])
def test_out_that_cannot_be_created_is_refused_before_any_work(command, tmp_path, capsys, no_backtest_run):
    blocker = tmp_path / "afile"
    blocker.write_text("mine", encoding="utf-8")
    assert main([command, "--out", str(blocker / "sub")]) == 2
    err = capsys.readouterr().err
    assert f"error: --out {blocker / 'sub'}: cannot create this folder" in err
    assert "Choose a folder you can write to (nothing was run)." in err
    assert main([command, "--out", str(blocker)]) == 2
    assert f"error: --out {blocker} is a file, not a folder." in capsys.readouterr().err
    assert blocker.read_text(encoding="utf-8") == "mine"


def test_out_where_an_output_name_is_a_folder_is_refused(tmp_path, capsys, no_backtest_run):
    (tmp_path / "backtest.nc").mkdir()
    assert main(["backtest", "--out", str(tmp_path)]) == 2
    assert f"{tmp_path / 'backtest.nc'} is a folder, where the output file backtest.nc goes" in (
        capsys.readouterr().err
    )


def test_out_that_cannot_be_written_is_refused(tmp_path, monkeypatch, capsys, no_backtest_run):
    import tempfile

    def read_only(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "TemporaryFile", read_only)
    assert main(["backtest", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"error: --out {tmp_path}: cannot write in this folder (Permission denied)" in err


def test_save_calibration_path_is_checked_before_any_work(tmp_path, capsys, no_backtest_run):
    mine = tmp_path / "mine.json"
    mine.write_text("{}", encoding="utf-8")
    base = ["backtest", "--out", str(tmp_path / "o"), "--save-calibration"]
    assert main([*base, str(mine)]) == 2
    assert (
        f"error: --save-calibration {mine} exists; choose another file or delete it first "
        "(nothing was overwritten, nothing was run)."
    ) in capsys.readouterr().err
    assert mine.read_text(encoding="utf-8") == "{}"
    assert main([*base, str(tmp_path)]) == 2
    assert f"error: --save-calibration {tmp_path} is a folder; give a file name" in capsys.readouterr().err
    assert main([*base, str(mine / "cal.json")]) == 2
    assert f"error: --save-calibration {mine / 'cal.json'}: the folder {mine} is a file, not a folder." in (
        capsys.readouterr().err
    )
    assert main(["backtest", "--model", "all", *base[1:], str(tmp_path / "new.json")]) == 2
    assert "error: --save-calibration needs one --model, not 'all'" in capsys.readouterr().err


def test_years_as_a_string_is_refused_in_python():
    import longjiang_forecast as lf
    from longjiang_forecast.backtesting import plan_origins
    from longjiang_forecast.pipeline import backtest

    national = lf.load_national_progress()
    with pytest.raises(TypeError, match=r"The 'years' parameter of backtest must be an int or an iterable of "
                                        r"ints, e.g. years=\[2022, 2023\].* Got '2023' instead"):  # fmt: skip
        backtest(national, as_of=[6], years="2023")
    with pytest.raises(TypeError, match=r"Got \[2023.5\], which holds 2023.5 \(float\), instead"):
        plan_origins(*national, [6], [2023.5])
    with pytest.raises(ValueError, match=r"The 'years' parameter of backtest is empty"):
        plan_origins(*national, [6], [])
    with pytest.raises(ValueError, match=r"'years' parameter of backtest \(\[2023\]\) cannot be combined"):
        plan_origins(*national, ["2023-06"], [2023])
    assert plan_origins(*national, [6], 2023) == [pd.Timestamp("2023-06-01")]
    assert plan_origins(*national, [6], np.array([2023])) == [pd.Timestamp("2023-06-01")]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["forecast", "--scenario", "{missing}"], "error: --scenario {missing} does not exist."),
        (["scenarios", "{missing}"], "error: scenario file {missing} does not exist."),
        (["report", "--comparison", "{missing}"], "error: --comparison {missing} does not exist."),
    ],
)
def test_missing_input_files_are_refused_before_any_work(argv, message, tmp_path, capsys):
    missing = str(tmp_path / "nope.toml")
    out = tmp_path / "o"
    assert main([a.format(missing=missing) for a in argv] + ["--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message.format(missing=missing) in err and "(nothing was run)" in err
    assert not out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["backtest", "--progress", "pm25", "--city", "nowhere"],
         "error: --city: unknown city 'nowhere'. Accepted: beijing, shanghai, shenyang, all "
         "(nothing was run)."),
        (["forecast", "--progress", "pm25", "--city", "nowhere"],
         "error: --city: unknown city 'nowhere'. Accepted: beijing, shanghai, shenyang (nothing was run)."),
        (["backtest", "--city", "beijing"],
         "error: --city beijing only applies to --progress pm25, but --progress is national. Drop --city, "
         "or add --progress pm25 (nothing was run)."),
        (["forecast", "--progress", "national", "--city", "beijing"],
         "error: --city beijing only applies to --progress pm25, but --progress is national."),
    ],
)  # fmt: skip
def test_city_is_checked_and_named(argv, message, tmp_path, capsys, no_backtest_run):
    assert main([*argv, "--out", str(tmp_path)]) == 2
    assert message in capsys.readouterr().err


def test_cache_that_is_a_file_says_it_is_the_cache_folder(tmp_path, capsys, no_backtest_run):
    cache = tmp_path / "cache.txt"
    cache.write_text("mine", encoding="utf-8")
    assert main(["backtest", "--cache", str(cache), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert f"--cache {cache} is a file, not a folder. Choose a folder for the cached fits" in err
    assert "for the outputs" not in err


@pytest.mark.parametrize(
    ("argv", "label"),
    [(["--as-of", "12"], "national"), (["--progress", "families", "--as-of", "2023-12"], "families")],
)
def test_as_of_in_the_deadline_month_is_refused_before_any_fit(argv, label, tmp_path, capsys,
                                                               no_backtest_run):  # fmt: skip
    assert main(["backtest", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert f"error: --as-of/--years on {label}: every as-of month (" in err
    assert (
        "is in or after the deadline month of every target of its year (the latest deadline month: month 12)"
    ) in err
    assert "forecasts made then or later are left out" in err and "Choose earlier as-of months" in err
    assert "check that the history holds" not in err


def test_model_all_header_counts_made_and_scored_and_notes_models_scored_on_fewer(
    tmp_path, monkeypatch, capsys
):
    import longjiang_forecast.pipeline as pipeline

    real = pipeline.backtest

    def two(history, model, **kwargs):  # two quick models: run_rate, and milestone (no count forecasts)
        if model not in ("run_rate", "milestone"):
            model = "run_rate" if model == "seasonal_share" else "milestone"
        return real(history, model, **kwargs)

    monkeypatch.setattr(pipeline, "backtest", two)
    monkeypatch.setattr(
        "longjiang_forecast.cli._backtest_models", lambda spec: (["run_rate", "milestone"], [])
    )
    code = main(["backtest", "--model", "all", "--as-of", "2023-06", "--draws", "100", "--out", str(tmp_path),
                 "--no-progress"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    scores = pd.read_csv(tmp_path / "backtest_scores.csv")
    n_scored = int(scores["n_forecasts"].sum())
    n_made = xr.open_dataset(tmp_path / "backtest.nc").sizes["forecast"]
    assert n_made > n_scored
    flat = " ".join(out.split())  # the headline and the notes are wrapped to the width
    assert f"{n_made} forecasts with a known outcome made, {n_scored} scored (with a probability)" in flat
    assert "their scores are not comparable with the others'" in flat
    assert "\n  milestone on national: no forecast scored (its row has no scores); no probability" in out
    assert "the milestone model forecasts named milestones only" in flat
    assert max(len(line) for line in out.splitlines()) <= 100


def _wan_slip_files(tmp_path):
    """A catalogue in households and a progress file entered in 万户 all year (1e-4 of it)."""
    catalog = tmp_path / "catalogue.csv"
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region\n"
        "pipes,cumulative,households (户),5200,>=,2024-10-31,province\n",
        encoding="utf-8",
    )
    progress = tmp_path / "progress.csv"
    values = [0.0, 0.0, 0.001, 0.02, 0.08, 0.16, 0.24]  # 万户: 0 ... 2,400 households by July
    progress.write_text(
        "indicator,region,month,value\n"
        + "".join(f"pipes,province,2024-{m:02d},{v}\n" for m, v in enumerate(values, start=1)),
        encoding="utf-8",
    )
    return catalog, progress


@pytest.mark.parametrize("command", ["forecast", "report", "scenarios"])
def test_scale_check_message_names_the_cli_switch(tmp_path, capsys, command):
    catalog, progress = _wan_slip_files(tmp_path)
    extra = [str(SCENARIOS / "early-winter.toml")] if command == "scenarios" else []
    argv = [
        command,
        "--catalog",
        str(catalog),
        "--progress",
        str(progress),
        "--out",
        str(tmp_path / "o"),
        *extra,
    ]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "row 8 (indicator 'pipes', region 'province', month '2024-07')" in err
    assert "in its latest report of 2024" in err
    assert "check_scale=False (command line: --no-scale-check) turns this check off" in err


def test_no_scale_check_switch_accepts_the_file(tmp_path, capsys):
    catalog, progress = _wan_slip_files(tmp_path)
    out = tmp_path / "o"
    argv = [
        "forecast",
        "--catalog",
        str(catalog),
        "--progress",
        str(progress),
        "--draws",
        "200",
        "--out",
        str(out),
    ]
    assert main([*argv, "--no-scale-check"]) == 0
    table = pd.read_csv(out / "attainment.csv")
    assert table.loc[0, "observed"] == 0.24  # kept as reported: the user said so
    assert json.loads((out / "run.json").read_text())["check_scale"] is False
    # without the switch, the same files are refused; a file in households records the check as on
    capsys.readouterr()
    assert main([*argv, "--overwrite"]) == 2
    assert "Was it entered in" in capsys.readouterr().err
    progress.write_text("indicator,region,month,value\npipes,province,2024-07,2400\n", encoding="utf-8")
    assert main([*argv, "--overwrite"]) == 0
    assert json.loads((out / "run.json").read_text())["check_scale"] is True


def test_earlier_years_plans_from_the_command_line(tmp_path, capsys):
    catalog = tmp_path / "plans.csv"
    plans = {2021: 2000, 2022: 2600, 2023: 3400, 2024: 4000}
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,tags\n"
        + "".join(f"road,cumulative,km,{t},>=,{y}-10-31,province,outdoor\n" for y, t in plans.items()),
        encoding="utf-8",
    )
    share = [0.0, 0.0, 0.3 / 4000, 0.04, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.0, 1.0]
    rows = [
        f"road,province,{y}-{m:02d},{round(plans[y] * 1.05 * s, 3)}"
        for y in (2021, 2022, 2023)
        for m, s in enumerate(share, start=1)
    ]
    rows += [f"road,province,2024-{m:02d},{round(3800 * share[m - 1], 3)}" for m in range(1, 4)]
    progress = tmp_path / "progress.csv"
    progress.write_text("indicator,region,month,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    argv = [
        "forecast",
        "--catalog",
        str(catalog),
        "--progress",
        str(progress),
        "--draws",
        "300",
        "--out",
        str(out),
    ]
    assert main(argv) == 0  # the March report of 0.285 km of 4,000 is a season, not a unit slip
    table = pd.read_csv(out / "attainment.csv")
    row = table[table["indicator"] == "road"].iloc[0]
    assert row["target"] == 4000 and row["observed"] == 0.285
    assert "attainment prior from 3 earlier outcomes against their plans (median 1.050" in row["basis"]


def test_reports_of_the_year_without_that_years_plan_are_refused(tmp_path, capsys):
    """An indicator reported in 2024 whose catalogue rows are of 2023 only is refused, not dropped.

    Found by a new-user check: 'homes' vanished from the console, attainment.csv and the series
    count without a word, where an indicator absent from the catalogue is refused.
    """
    catalog = tmp_path / "plans.csv"
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,tags\n"
        "road,cumulative,km,3400,>=,2023-10-31,province,outdoor\n"
        "road,cumulative,km,4000,>=,2024-10-31,province,outdoor\n"
        "homes,cumulative,households (户),5200,>=,2023-12-31,province,construction\n",
        encoding="utf-8",
    )
    share = [0.02, 0.05, 0.1, 0.18, 0.27, 0.36, 0.45, 0.55, 0.65, 0.76, 0.88, 1.0]
    totals = {"road": (3500, 4100), "homes": (5400, 5600)}  # 2023's outcome, 2024's pace
    rows = [
        f"{ind},province,{year}-{m:02d},{round(total * share[m - 1], 1)}"
        for ind, (done, pace) in totals.items()
        for year, total, months in ((2023, done, 12), (2024, pace, 8))
        for m in range(1, months + 1)
    ]
    progress = tmp_path / "progress.csv"
    progress.write_text("indicator,region,month,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--as-of", "2024-08"]
    assert main([*argv, "--draws", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Forecasting")]
    assert len(lines) == 1 and lines[0].startswith("error: "), err
    # the catalogue file, the progress file, the indicator, the years it has rows for and the fix
    assert f"The catalogue ({catalog}) has no 2024 row" in lines[0]
    assert f"the progress file {progress} reports in 2024" in lines[0]
    assert "indicator 'homes' has 8 report(s) of 2024 (2024-01 to 2024-08" in lines[0]
    assert "catalogue rows for [2023] only" in lines[0]
    assert "Add a 2024 row for 'homes' to the catalogue" in lines[0]
    assert "'road'" not in lines[0] and "Traceback" not in err
    assert not (out / "attainment.csv").exists()
    # with its 2024 plan, both indicators are forecast
    with catalog.open("a", encoding="utf-8") as f:
        f.write("homes,cumulative,households (户),5500,>=,2024-12-31,province,construction\n")
    assert main([*argv, "--draws", "100", "--out", str(out)]) == 0
    assert set(pd.read_csv(out / "attainment.csv")["indicator"]) == {"road", "homes"}


def test_a_deadline_typed_a_year_late_is_refused_not_dropped(tmp_path, capsys):
    """A 2025 list whose 'homes' deadline reads 2026: the catalogue warns of its one-row 2026 list,
    and the 2025 reports of 'homes' are refused, not left out (found by a new-user check: 363 of 377
    series were forecast without a word)."""
    catalog = tmp_path / "plans.csv"
    rows = [f"road{k},cumulative,km,{400 + k},>=,2025-10-31,province" for k in range(4)]
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region\n"
        + "\n".join(rows)
        + "\nhomes,cumulative,households (户),5500,>=,2026-12-31,province\n",
        encoding="utf-8",
    )
    share = [0.02, 0.05, 0.1, 0.18, 0.27, 0.36]
    body = [
        f"{ind},province,2025-{m:02d},{round(total * share[m - 1], 1)}"
        for ind, total in [*((f"road{k}", 420) for k in range(4)), ("homes", 5600)]
        for m in range(1, 7)
    ]
    progress = tmp_path / "progress.csv"
    progress.write_text("indicator,region,month,value\n" + "\n".join(body) + "\n", encoding="utf-8")
    out = tmp_path / "o"
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "100"]
    assert main([*argv, "--out", str(out)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "the latest year, 2026, has 1 row(s) (homes (2026-12-31)) against 4 in 2025" in err
    assert "indicator 'homes' has 6 report(s) of 2025" in err and "catalogue rows for [2026] only" in err
    assert "correct a mistyped deadline year" in err and "Traceback" not in err
    assert not (out / "attainment.csv").exists()


def test_one_report_months_ahead_of_the_rest_is_named(tmp_path, capsys):
    """One report of September among reports to March sets the as-of month; the warning names it and
    says where the others end (found by a new-user check: next-year proposed from 'September')."""
    progress = tmp_path / "progress.csv"
    assert main(["template", "--out", str(progress)]) == 0
    with progress.open("a", encoding="utf-8") as f:
        f.write("01a,province,2024-09,250,\n")
    capsys.readouterr()
    argv = ["forecast", "--progress", str(progress), "--draws", "100", "--out", str(tmp_path / "o")]
    assert main(argv) == 0
    err = " ".join(capsys.readouterr().err.split())
    # of the series with reports of their own (provinces reporting their prefectures' total are that total)
    assert re.search(
        r"The as-of month is 2024-09, but only 1 of the 3\d\d series with reports in 2024 reach", err
    )
    assert "(01a/province (2024-09)); half of them end by 2024-03" in err
    assert "If a month was mistyped (e.g. 2024-09 for 2024-03), correct it" in err


def test_backtest_output_explains_every_score_it_shows(tmp_path, capsys):
    """Each score column has its sentence: the interval scores, WIS and the CORP decomposition."""
    argv = ["backtest", "--model", "run_rate", "--as-of", "2023-06", "--draws", "100", "--no-progress"]
    code = main([*argv, "--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    header = next(line for line in out.splitlines() if line.startswith("model")).split()
    assert {"n_forecasts", "brier", "bss_climatology", "coverage_80", "wis_rel", "corp_mcb"} <= set(header)
    assert max(len(line) for line in out.splitlines()) <= 100
    flat = " ".join(out.split())
    legend = flat.split("What the scores mean:")[1].split("Notes on these scores:")[0]
    assert all(f" {col} " in legend for col in header[1:])  # every printed score is explained
    assert "wis_rel weighted interval score of the median and intervals" in legend
    assert "brier = corp_mcb − corp_dsc + uncertainty" in legend
    left = flat.split("Only in ")[1].split("What the scores mean:")[0]  # the others are named
    assert "interval_score_rel_80" in left and "corp_dsc" in left
    scores = pd.read_csv(tmp_path / "backtest_scores.csv")
    row = scores.iloc[0]
    assert row["brier"] == pytest.approx(row["corp_mcb"] - row["corp_dsc"] + row["uncertainty"], abs=1e-9)


def test_outputs_of_an_earlier_run_are_not_replaced_unless_asked(tmp_path, capsys):
    (tmp_path / "backtest_scores.csv").write_text("earlier run\n", encoding="utf-8")
    argv = ["backtest", "--model", "run_rate", "--as-of", "2023-06", "--draws", "100", "--no-progress"]
    assert main([*argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: --out {tmp_path} holds backtest_scores.csv of an earlier run; nothing was run and nothing "
        f"was replaced. Give each run its own folder (e.g. --out {tmp_path / 'YYYY-MM'}), or add "
        "--overwrite to replace it.\n"
    )
    assert (tmp_path / "backtest_scores.csv").read_text(encoding="utf-8") == "earlier run\n"
    assert main([*argv, "--out", str(tmp_path), "--overwrite"]) == 0
    err = capsys.readouterr().err
    assert (
        f"note: --out {tmp_path} holds backtest_scores.csv of an earlier run; this run replaces it "
        "(choose another --out to keep it)."
    ) in err
    assert err.index("note: --out") < err.index("Wrote")  # said before the work, not after
    assert "earlier run" not in (tmp_path / "backtest_scores.csv").read_text(encoding="utf-8")
    assert main([*argv, "--out", str(tmp_path / "fresh")]) == 0
    assert "of an earlier run" not in capsys.readouterr().err


def test_a_second_forecast_into_the_same_folder_keeps_the_first(tmp_path, capsys):
    """A monthly office keeps every month's results: the rerun is refused before any work."""
    out = tmp_path / "out"
    assert main(["--draws", "200", "--out", str(out)]) == 0  # the README's first command, fresh folder
    first = {
        name: (out / name).read_bytes()
        for name in ("attainment.csv", "attainment.xlsx", "forecast.nc", "run.json")
    }
    capsys.readouterr()
    assert main(["--draws", "200", "--seed", "9", "--out", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(
        f"error: --out {out} holds attainment.csv, attainment.xlsx, forecast.nc, run.json of an earlier run "
        "(as of 2024-08); "
        "nothing was run and nothing was replaced."
    )
    assert "Forecasting" not in captured.err and captured.out == ""
    assert {name: (out / name).read_bytes() for name in first} == first
    assert main(["--draws", "200", "--seed", "9", "--out", str(out), "--overwrite"]) == 0
    assert json.loads((out / "run.json").read_text())["seed"] == 9


def test_ctrl_c_gives_one_line_and_status_130(monkeypatch, capsys):
    """Ctrl-C during a long command: one line on stderr and exit status 130, no traceback."""
    from longjiang_forecast import cli

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "_backtest", interrupted)
    assert cli.main(["backtest", "--progress", "national"]) == 130
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("interrupted: 'backtest' stopped before it finished")
    assert "Traceback" not in err


def test_the_tables_are_csv_with_a_bom_for_excel(tmp_path):
    """attainment.csv opens in Excel on Chinese Windows without garbled 中文: UTF-8 with a BOM."""
    from longjiang_forecast.cli import main

    assert main(["forecast", "--draws", "200", "--out", str(tmp_path)]) == 0
    raw = (tmp_path / "attainment.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(tmp_path / "attainment.csv")  # pandas reads the BOM as such
    assert table.columns[0] == "indicator"
    assert table["name_zh"].dropna().str.contains("[\u4e00-\u9fff]").any()


def _cut_catalogue(tmp_path):
    path = tmp_path / "cut.csv"
    path.write_text("indicator,kind,unit,target,comparator,deadline,region\nx1,level,%,50,>=,2024-12-31,prov")
    return ["--catalog", str(path)]


def _damaged_workbook(tmp_path):
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(b"PK\x03\x04" + bytes(range(200)))
    return ["--catalog", str(path)]


def _text_named_xlsx(sep=",", encoding="utf-8"):
    """A maker of a progress CSV (``sep``-separated, in ``encoding``) given an Excel name."""

    def make(tmp_path):
        path = tmp_path / "progress.xlsx"
        rows = (["indicator", "region", "month", "value"], ["09a", "harbin", "2024-01", "10"])
        path.write_text("".join(sep.join(row) + "\n" for row in rows), encoding=encoding)
        return ["--progress", str(path)]

    return make


def _chinese_csv_named_xlsx(tmp_path):
    """A Chinese CSV whose first 4,096 bytes end inside a character (UTF-8: three bytes each)."""
    path = tmp_path / "progress.xlsx"
    head = "指标,地区,月份,数值,备注\n"
    row = "09a,harbin,2024-01,10," + "进展" * 700 + "\n"
    data = (head + row).encode("utf-8")
    assert len(data) > 4096 and data[4095] >= 0x80  # the cut falls inside a character
    path.write_bytes(data)
    return ["--progress", str(path)]


def _bytes_named(name, data):
    """A maker of a progress file ``name`` holding ``data``."""

    def make(tmp_path):
        path = tmp_path / name
        path.write_bytes(data)
        return ["--progress", str(path)]

    return make


#: The start of an old Excel 97-2003 workbook (OLE2 compound file) and of a system's HTML "Excel" export.
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
_HTML = "<html><body><table><tr><td>指标</td><td>地区</td></tr></table></body></html>".encode()


def _workbook_named_csv(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["indicator", "region", "month", "value"])
    book.active.append(["09a", "harbin", "2024-01", 10])
    path = tmp_path / "progress.csv"
    book.save(path)
    return ["--progress", str(path)]


def _unbalanced_quote(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(
        'indicator,kind,unit,target,comparator,deadline,region\nx1,level,"%,50,>=,2024-12-31,province\n'
    )
    return ["--catalog", str(path)]


def _list_of_numbers_as_effects(tmp_path):
    path = tmp_path / "numbers.toml"
    path.write_text('name = "x"\neffects = [1, 2]\n', encoding="utf-8")
    return ["--scenario", str(path)]


def _deeply_nested_scenario(tmp_path):
    path = tmp_path / "deep.toml"
    path.write_text('name = "x"\na = ' + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    return ["--scenario", str(path)]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (_cut_catalogue, "cut.csv: row 2, the last row ('x1,level,%,50,>=,2024-12-31,prov'), does not end"),
        (_damaged_workbook, "damaged.xlsx: the catalogue is not a readable .xlsx workbook"),
        (_text_named_xlsx(), "it is a CSV file named .xlsx. Rename it to .csv"),
        (_text_named_xlsx(";"), "semicolon- or tab-separated text: it is a CSV file named .xlsx. Rename"),
        # Excel's "Unicode text": UTF-16 with a byte-order mark, tab-separated
        (
            _text_named_xlsx("\t", "utf-16"),
            "semicolon- or tab-separated text: it is a CSV file named .xlsx. Rename",
        ),
        (_chinese_csv_named_xlsx, "semicolon- or tab-separated text: it is a CSV file named .xlsx. Rename"),
        (
            _workbook_named_csv,
            "progress.csv: the file is an Excel workbook (.xlsx), not CSV text: rename it to .xlsx",
        ),
        (_bytes_named("old.xlsx", _OLE2), "It is an old Excel 97-2003 workbook (.xls) named .xlsx. Open it"),
        (_bytes_named("web.xlsx", _HTML), "It is a web page (HTML), as many systems export 'Excel' files"),
        (
            _bytes_named("unicode.txt", "indicator\tregion\tmonth\tvalue\n".encode("utf-16")),
            "unicode.txt: unsupported file type '.txt'. Its first line is comma-, semicolon- or tab-",
        ),
        (_unbalanced_quote, "quote.csv: row 2 of the catalogue is not well-formed CSV"),
        (
            _list_of_numbers_as_effects,
            "numbers.toml: 'effects' must be tables of keys ([[effects]] with type = ...), not values",
        ),
        (_deeply_nested_scenario, "deep.toml: arrays or tables nested too deeply to read"),
    ],
)
def test_bad_user_files_give_one_error_line_and_exit_2(make, message, tmp_path, capsys):
    """Issue 15: a broken catalogue or scenario is our one-line error naming the file, exit 2."""
    assert main(["forecast", *make(tmp_path), "--draws", "100", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("Forecasting")]
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], err
    assert "Traceback" not in err
    assert not (tmp_path / "o" / "attainment.csv").exists()


@pytest.mark.parametrize(
    ("make", "zh"),
    [
        (_workbook_named_csv, "文件是 Excel 工作簿（.xlsx），不是 CSV 文本：请把扩展名改为 .xlsx"),
        (_text_named_xlsx(";"), "是一个被命名为 .xlsx 的 CSV 文件。请把扩展名改为 .csv"),
        (_bytes_named("old.xlsx", _OLE2), "它是被命名为 .xlsx 的旧版 Excel 97-2003 工作簿（.xls）"),
        (_bytes_named("web.xlsx", _HTML), "它是被命名为 .xlsx 的网页（HTML"),
        (
            _bytes_named("u.txt", "a\tb\n".encode("utf-16")),
            "不支持的文件类型 '.txt'。其第一行是以逗号、分号或制表符分隔",
        ),
    ],
)
def test_a_file_of_the_other_kind_is_named_in_chinese(make, zh, tmp_path, capsys):
    """The same one-line errors with --lang zh, in Chinese (a new-user pass found them in English)."""
    args = ["forecast", "--lang", "zh", *make(tmp_path), "--draws", "100", "--out", str(tmp_path / "o")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and zh in err and "Traceback" not in err, err


def test_a_catalogue_read_in_another_form_says_so_in_one_line(tmp_path, capsys):
    text = (Path(__file__).parents[2] / "src/longjiang_forecast/catalog/data/catalog_2024.csv").read_text(
        "utf-8-sig"
    )
    path = tmp_path / "gbk.csv"
    path.write_bytes(text.encode("gb18030"))
    assert main(["template", "--catalog", str(path), "--out", str(tmp_path / "t.csv")]) == 0
    err = capsys.readouterr().err
    notes = [line for line in err.splitlines() if "GB18030" in line]
    assert notes == [
        f"warning: {path}: read as GB18030 (GBK), the encoding of Excel's 'CSV' on Chinese Windows "
        "(check the Chinese text; save as 'CSV UTF-8' to silence this)."
    ]


def test_the_comparability_note_names_a_few_reasons_within_the_width():
    import numpy as np

    from longjiang_forecast.cli import _comparability_note

    n = 12
    unstable = [f"the fit is unstable: draws above {i}e+05" for i in range(n - 2)]
    ds = xr.Dataset(
        {
            "dataset": ("forecast", ["families"] * (2 * n)),
            "model": ("forecast", ["run_rate"] * n + ["ets"] * n),
            "p_met": ("forecast", np.r_[np.full(n, 0.5), np.full(2, 0.5), np.full(n - 2, np.nan)]),
            "outcome_met": ("forecast", np.ones(2 * n)),
            "reason": ("forecast", [""] * (n + 2) + unstable),
        }
    )  # fmt: skip
    note = _comparability_note(ds, 100)
    assert max(len(line) for line in note.splitlines()) <= 100
    flat = " ".join(note.split())
    assert "ets on families: scored on 2 of 12 forecasts (others: 12)" in flat
    assert flat.count("the fit is unstable") == 3 and "and 7x for 7 other reasons" in flat


def test_an_output_that_is_an_input_or_another_output_is_refused(tmp_path, capsys):
    """`template --out x --catalog-out x` reported both written, the progress file replacing the catalogue;
    `check-reports --out in.csv --overwrite` replaced its own input (a fourth break-it pass)."""
    same = tmp_path / "same.csv"
    assert main(["template", "--out", str(same), "--catalog-out", str(same)]) == 2
    assert "--out and --catalog-out are both" in capsys.readouterr().err and not same.exists()
    given = tmp_path / "in.csv"
    given.write_text("indicator,region,month,value\n09a,province,2024-03,4100\n", encoding="utf-8")
    before = given.read_bytes()
    assert main(["check-reports", "--progress", str(given), "--out", str(given), "--overwrite"]) == 2
    assert "is the --progress file itself: the flags table would replace it" in capsys.readouterr().err
    assert given.read_bytes() == before


def test_the_runs_warnings_reach_the_bulletin_and_run_json(tmp_path, capsys):
    """The console warned that the province's 16,000 disagreed with its prefectures' 9,894; the bulletin
    showed 'achieved' without a word, and run.json did not keep it (a second break-it pass)."""
    import longjiang_forecast as lf

    catalog = lf.load_catalog(2024).subset(["09a"])
    progress = lf.testing.synthetic_progress(catalog, seed=7)
    progress["value"].loc[{"indicator": "09a", "region": "province", "month": "2024-08-01"}] = 16000.0
    path = lf.write_progress(progress, tmp_path / "p.csv")
    catalog_file = tmp_path / "c.csv"
    assert main(["template", "--catalog", "2024", "--catalog-out", str(catalog_file), "-q"]) == 0
    argv = ["--catalog", str(catalog_file), "--progress", str(path), "--draws", "100", "-q"]
    assert main(["forecast", *argv, "--out", str(tmp_path / "f")]) == 0
    said = json.loads((tmp_path / "f" / "run.json").read_text(encoding="utf-8"))["warnings"]
    assert any("the province's own reports differ from the sum of its 13 prefectures'" in w for w in said)
    assert main(["report", *argv, "--lang", "zh", "--out", str(tmp_path / "r")]) == 0
    page = (tmp_path / "r" / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert '<h2 id="notices">本次运行的提示</h2>' in page and "16,000" in page.split('id="notices"')[1]
    capsys.readouterr()


def test_template_writes_neither_file_when_one_cannot_be_written(tmp_path, capsys):
    """--out under a file (not a folder): refused before --catalog-out is written, in our words."""
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    argv = [
        "template",
        "--out",
        str(tmp_path / "notes.txt" / "t.csv"),
        "--catalog-out",
        str(tmp_path / "c.csv"),
    ]
    assert main(argv) == 2
    assert "is a file, not a folder" in capsys.readouterr().err
    assert not (tmp_path / "c.csv").exists()


def test_a_name_too_long_for_the_system_is_said_in_our_words(tmp_path, capsys):
    assert main(["template", "--out", str(tmp_path / ("a" * 300 + ".csv"))]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "[Errno" not in err
    assert "the name is too long for this system: give a shorter file or folder name" in err


def test_the_integrity_annex_of_pm25_says_no_report_was_judged_not_that_there_were_none(tmp_path):
    """PM2.5's annual mean has no seasonal reference: the annex read "0 flags among this year's 0
    reports of 0 series", beside a table built from 6 reports (a break-it pass)."""
    out = tmp_path / "o"
    args = ["report", "--progress", "pm25", "--city", "shenyang", "--as-of", "2015-06", "--draws", "200"]
    assert main([*args, "--lang", "en", "--out", str(out)]) == 0
    html = (out / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    assert "None of this year&#39;s reports was judged: the 1 series they belong to have no seasonal" in html
    assert "0 reports of 0 series" not in html
