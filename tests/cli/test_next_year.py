"""`longjiang-forecast next-year` (issue 21): next year's catalogue, which next year's run reads as it is."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.units import unit_decimals
from longjiang_forecast.cli import main
from longjiang_forecast.testing import synthetic_progress


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    path = tmp_path_factory.mktemp("ny") / "catalog_2025.csv"
    assert main(["next-year", "--draws", "300", "--quiet", "--out", str(path)]) == 0
    return path


def test_the_catalogue_is_next_years_list_with_the_same_ids(written):
    this, nxt = lf.load_catalog(2024), lf.load_catalog(written)
    assert nxt.year == 2025 and sorted(set(nxt.table["year"])) == [2024, 2025]
    old = this.table.set_index(["indicator", "region"])
    kept = nxt.table[nxt.table["year"] == 2024].set_index(["indicator", "region"])
    np.testing.assert_array_equal(kept["target"], old["target"])  # this year's plan stays, to judge 2024 by
    new = nxt.table[nxt.table["year"] == 2025].set_index(["indicator", "region"])
    assert list(new.index) == list(old.index)  # every row, ids and order kept
    assert (pd.DatetimeIndex(new["deadline"]).year == 2025).all()
    assert (
        pd.DatetimeIndex(new["deadline"]).strftime("%m-%d")
        == pd.DatetimeIndex(old["deadline"]).strftime("%m-%d")
    ).all()
    proposed = new["target_basis"] == "proposed"
    assert proposed.sum() >= 30
    for (ind, reg), row in new[proposed].iterrows():  # rounded to the unit's granularity
        decimals = unit_decimals(row["unit"], old.loc[(ind, reg), "target"])
        assert row["target"] == pytest.approx(round(row["target"], decimals), abs=1e-9)
        assert row["note"].startswith("proposed for 2025 at 80%")
    assert new.loc[("20b", "province"), "target"] == 100.0  # a share capped at 100 %: not 99.9
    carried = new[~proposed]
    assert (carried["kind"].isin(["qualitative", "milestone", "change"])).all()
    assert carried["note"].str.startswith("carried over unchanged from 2024").all()
    same = old.loc[carried.index, "target"]
    assert ((carried["target"] == same) | (carried["target"].isna() & same.isna())).all()


def test_a_percent_change_against_the_year_before_moves_its_base_year(written):
    """16b is "较2023年下降1%" in the 2024 list: carried into 2025 it reads against 2024, in its unit,
    both names and its note (a fall of 1 % against 2023 would be a different, easier target in 2025)."""
    table = lf.load_catalog(written).table.set_index(["year", "indicator"])
    old, new = table.loc[(2024, "16b")], table.loc[(2025, "16b")]
    assert (old["unit"], new["unit"]) == ("% change vs 2023", "% change vs 2024")
    assert "较2023年" in old["name_zh"] and new["name_zh"] == old["name_zh"].replace("较2023年", "较2024年")
    assert new["name_en"].endswith("change vs 2024") and new["target"] == old["target"]
    assert "base year moved from 2023 to 2024" in new["note"]


def test_a_percent_change_against_a_fixed_year_is_still_one_unit_per_id(written, tmp_path):
    """Only a change against the year before may change its year's number between years."""
    frame = pd.read_csv(written, dtype=str, encoding="utf-8-sig")
    next_16b = (frame["indicator"] == "16b") & frame["deadline"].str.startswith("2025")
    frame.loc[next_16b, "unit"] = "% change vs 2020"
    frame.to_csv(tmp_path / "fixed.csv", index=False)
    refused = r"'16b', field 'unit': unit '% change vs 2020' differs from"
    with pytest.raises(DataValidationError, match=refused):
        lf.load_catalog(tmp_path / "fixed.csv")


def test_next_year_forecasts_with_it(written):
    catalog = lf.load_catalog(written)
    result = lf.forecast(synthetic_progress(catalog, seed=3), catalog, n_draws=200, seed=1)
    p = result.summary["p_met"].values
    assert result.state.attrs["year"] == 2025 and np.isfinite(p).sum() > 100


def test_the_joint_line_and_the_stretch_are_printed(tmp_path, capsys):
    path = tmp_path / "catalogs" / "2025" / "next.xlsx"  # its folders are made, as --out's of every command
    assert main(["next-year", "--draws", "200", "--confidence", "0.7", "--out", str(path)]) == 0
    out = capsys.readouterr().out
    assert "every target met with probability 70%" in out and "P(whole list met)" in out
    assert "09a" in out and " -> " in out and "Σ" in out
    assert lf.load_catalog(path).year == 2025


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--confidence", "80"], "not a probability strictly between 0 and 1"),
        (["--confidence", "high"], "not a number"),
        (["--out", "next.txt"], "written as .csv or .xlsx"),
    ],
)
def test_bad_options_are_refused(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:  # a flag argparse refuses exits at once; a file name is checked once the forecast is made
        code = main(["next-year", "--draws", "100", *args])
    except SystemExit as exit_info:
        code = exit_info.code
    assert code == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []  # nothing written


@pytest.mark.parametrize(
    ("confidence", "draws", "said"),
    [
        ("0.999999", "1000", "must lie in [0.005, 0.995]"),
        ("0.998", "1000", "at least 2500 (`--draws 2500 --keep-paths 2500`)"),
        ("0.000001", "4000", "must lie in [0.00125, 0.9988]"),
    ],
)
def test_a_confidence_the_kept_paths_cannot_show_is_refused_before_any_work(
    confidence, draws, said, tmp_path, capsys, monkeypatch
):
    """0.999999 of 1,000 paths was written "met with probability 100%": the quantile lies beyond every
    path. Refused before the forecast, with the range the paths resolve and the draws that would."""
    monkeypatch.chdir(tmp_path)
    assert main(["next-year", "--draws", draws, "--confidence", confidence]) == 2
    err = capsys.readouterr().err
    assert said in err and "Forecasting" not in err and "100%" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_probability_near_one_is_never_printed_as_100_percent():
    from longjiang_forecast.planning._next_year_list import percent

    assert [percent(p) for p in (0.8, 0.999, 0.999999, 1 - 1e-10, 1e-7, 1 / 3)] == [
        "80%",
        "99.9%",
        "99.9999%",
        "99.99999999%",
        "0.00001%",
        "33.3%",
    ]


def test_the_inputs_and_odd_places_are_refused_before_any_work(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    progress = tmp_path / "progress.csv"
    assert main(["template", "--out", str(progress)]) == 0
    before = progress.read_bytes()
    cases = [
        (["--progress", str(progress), "--out", str(progress), "--overwrite"], "the command's own input"),
        (["--out", str(progress / "next.csv")], "is a file, not a folder"),
    ]
    (tmp_path / "dir.csv").mkdir()
    cases.append((["--out", str(tmp_path / "dir.csv")], "is a folder; give a file name"))
    linked = tmp_path / "linked.csv"
    linked.hardlink_to(progress)  # the same file under another name
    cases.append(
        (["--progress", str(progress), "--out", str(linked), "--overwrite"], "the command's own input")
    )
    cases.append((["--out", "/proc/next.csv"], "/proc: cannot write in this folder"))
    for args, message in cases:
        capsys.readouterr()
        assert main(["next-year", "--draws", "100", *args]) == 2
        err = capsys.readouterr().err
        assert message in err and "--out" in err and "Forecasting" not in err
    assert progress.read_bytes() == before


def test_the_console_says_the_as_of_month_and_names_what_it_could_not_propose(tmp_path, capsys):
    """From the template's March reports: the as-of month in the head line, a note that proposals from
    before August rest on few months, and every numeric row carried over for want of a forecast named."""
    progress = tmp_path / "progress.csv"
    assert main(["template", "--out", str(progress)]) == 0
    capsys.readouterr()
    out_file = tmp_path / "next year.csv"
    assert main(["next-year", "--progress", str(progress), "--draws", "200", "--out", str(out_file)]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Next year's list (2025) from the forecast as of 2024-03, every target met" in out
    assert "Note: proposed as of 2024-03, from 3 month(s) of this year's reports" in out
    table = lf.load_catalog(out_file).table
    table = table[table["year"] == 2025]
    unforecast = table[
        (table["target_basis"] == "carried over") & table["kind"].isin(["cumulative", "level", "annual_mean"])
    ]
    if len(unforecast):
        wanted = f"for want of a forecast, or of a positive proposal at this confidence ({len(unforecast)};"
        assert wanted in out
        assert all(f"{i} (" in out for i in unforecast["indicator"])
    else:
        assert "for want of a forecast" not in out
    assert f"--catalog '{out_file}'" in out  # quoted: the path has a space


def test_a_list_with_nothing_to_propose_says_why(tmp_path, capsys):
    """A qualitative item and a '<=' level (which the model does not forecast): no proposal, and why."""
    catalog = tmp_path / "cat.csv"
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region\n"
        "aa,qualitative,,,,2024-12-31,province\n"
        "bb,level,km,50,<=,2024-12-31,province\n",
        encoding="utf-8",
    )
    code = main(["next-year", "--catalog", str(catalog), "--draws", "100", "--out", str(tmp_path / "n.csv")])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert "no row of the 2024 catalogue" in err and "can be proposed for 2025" in err
    assert "bb: the seasonal-share model forecasts '>=' targets" in err
    assert not (tmp_path / "n.csv").exists()


def test_an_existing_catalogue_is_not_overwritten(written, capsys):
    before = written.read_bytes()
    assert main(["next-year", "--draws", "100", "--out", str(written)]) == 2
    assert "exists" in capsys.readouterr().err and written.read_bytes() == before


def test_the_file_reads_as_a_person_would_write_it(written):
    """Whole numbers without '.0', each moved deadline says where it came from, and a proposal that
    rounding to the unit moved by more than half a per cent gives its unrounded value."""
    import csv

    with written.open(encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    first = next(r for r in rows if r["indicator"] == "01a" and r["deadline"].startswith("2024"))
    assert first["target"] == "300"
    moved = [r for r in rows if r["deadline"].startswith("2025") and r["deadline_source"]]
    assert moved and all(r["deadline_source"].startswith("2024's deadline, a year later (") for r in moved)
    rounded = 0
    for r in rows:
        found = re.search(r"; ([0-9.]+) before rounding down to the unit", r["note"])
        if r["deadline"].startswith("2025") and found:
            unrounded, target = float(found.group(1)), float(r["target"])
            assert target < unrounded and unrounded - target > 0.005 * unrounded
            assert "met with probability at least 80%" in r["note"]
            rounded += 1
    assert rounded  # 03a: about 2.98 cities, written 2


def test_a_list_proposed_from_a_proposed_list_keeps_one_note(written, tmp_path):
    """next-year run on the catalogue next-year wrote: the 2026 notes say where 2026's numbers come from
    and keep the user's own words, without the 2025 proposal's note piled in front of them."""
    progress = tmp_path / "p25.csv"
    assert main(["template", "--catalog", str(written), "--out", str(progress)]) == 0
    again = tmp_path / "catalog_2026.csv"
    argv = ["next-year", "--catalog", str(written), "--progress", str(progress), "--draws", "200"]
    assert main([*argv, "--quiet", "--out", str(again)]) == 0
    table = lf.load_catalog(again).table
    notes = table.loc[table["year"] == 2026, "note"].astype(str)
    assert notes.str.startswith(("proposed for 2026", "carried over unchanged from 2025")).all()
    assert not notes.str.contains("proposed for 2025|carried over unchanged from 2024").any()
    original = lf.load_catalog(2024).table.set_index("indicator")["note"]
    row = table[(table["year"] == 2026) & (table["indicator"] == "03a")].iloc[0]
    assert str(row["note"]).endswith(f"Earlier note: {original['03a']}")
    source = str(row["deadline_source"])
    assert source.startswith("2025's deadline, a year later (") and "2024's deadline" not in source


def test_in_chinese_the_notes_are_chinese_and_the_users_words_stay(tmp_path):
    """--lang zh: what the library wrote in next year's notes and deadline sources is in Chinese, the
    user's own note follows unchanged, and a list proposed from that file keeps one note."""
    path = tmp_path / "明年清单.csv"
    assert main(["next-year", "--lang", "zh", "--draws", "200", "--quiet", "--out", str(path)]) == 0
    table = lf.load_catalog(path).table
    new = table[table["year"] == 2025].set_index("indicator")
    original = lf.load_catalog(2024).table.set_index("indicator")
    assert new.loc["01a", "note"].startswith("2025 年目标按 80% 概率建议：依据截至 2024-08 的预测")
    assert new.loc["01a", "note"].endswith(f"。原备注：{original.loc['01a', 'note']}")
    assert new.loc["06a", "note"].startswith("沿用 2024 年目标不变（定性目标：无需预测）")
    english = (
        r"proposed for|carried over|growth from|default growth|before rounding|expected outcome|deadline, a"
    )
    ours = new["note"].astype(str).str.split("。原备注：").str[0]
    assert not ours.str.contains(english).any()
    assert new["deadline_source"].dropna().str.startswith("2024 年截止日期顺延一年（").all()
    progress = tmp_path / "p25.csv"
    assert main(["template", "--catalog", str(path), "--out", str(progress)]) == 0
    again = tmp_path / "catalog_2026.csv"
    argv = ["next-year", "--catalog", str(path), "--progress", str(progress), "--draws", "200", "--quiet"]
    assert main([*argv, "--out", str(again)]) == 0
    later = lf.load_catalog(again).table
    row = later[(later["year"] == 2026) & (later["indicator"] == "01a")].iloc[0]
    assert str(row["note"]).startswith("proposed for 2026") and "2025 年目标按" not in str(row["note"])
    assert str(row["note"]).endswith(f"Earlier note: {original.loc['01a', 'note']}")
    assert "顺延" not in str(row["deadline_source"])


def test_a_pace_probability_the_kept_paths_cannot_show_is_refused_before_any_work(tmp_path, capsys):
    """`report --pace-prob 0.999` at 400 draws printed a pace 68.65x the plain rate, 'with 100%
    probability', from the 0.4 paths beyond it (a second new-user pass)."""
    assert main(["report", "--draws", "400", "--pace-prob", "0.999", "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "a pace reaching a target with probability 0.999 rests on the 0.4 kept path(s)" in err
    assert "Forecasting" not in err and not (tmp_path / "r").exists()


def test_a_row_carried_over_without_a_target_says_so_not_nan(tmp_path, capsys):
    """National data: CN_5G_2025 has no published target, and the console said '(nan)'."""
    out = tmp_path / "n.csv"
    assert main(["next-year", "--progress", "national", "--draws", "200", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "CN_5G_2025 (no target: not published)" in printed.replace("\n", " ") and "(nan)" not in printed


def test_a_per_target_confidence_beyond_the_kept_paths_says_how_to_propose_at_it(tmp_path, capsys):
    """The whole list at 70 % needs about 99.3 % per target: 500 kept paths show 99 % at most, so
    `--confidence 0.9933` would be refused. The line said '99.34%' alone (a break-it pass); it now
    says the figure is at the paths' edge, and the draws with which --confidence accepts it, and
    with those draws it is accepted."""
    assert main(["next-year", "--draws", "500", "--out", str(tmp_path / "a.csv")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    found = re.search(
        r"each target would need (\d+\.\d+)% \(near the edge of what the 500 kept paths show, so it moves "
        r"with the seed; to propose at it with --confidence, run with --draws (\d+) --keep-paths \2\)",
        out,
    )
    assert found, out
    # the proposals easier than this year's targets are named, the looser PM2.5 limit first
    easier = re.search(r"Easier than this year's target at 80% \((\d+): .*?\): 17b 27\.3 -> (\d+\.\d)", out)
    assert easier, out
    assert int(easier[1]) >= 1 and float(easier[2]) > 27.3
    need, draws = float(found[1]) / 100, int(found[2])
    assert (1 - need) * 500 < 5 <= (1 - need) * draws + 0.05  # five kept paths beyond it at those draws
    rerun = ["next-year", "--draws", str(draws), "--keep-paths", str(draws), "--confidence", f"{need:.4f}"]
    assert main([*rerun, "--quiet", "--out", str(tmp_path / "b.csv")]) == 0
