"""The track record: the forecasts published over a scripted autumn, scored against the reports that came in.

The year of tests/store/test_store_year.py from September: a forecast published after each monthly ingest
(September to November), then the year-end reports. Every number is checked against the truth the
files were written from and the summaries as published.
"""

import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from test_store_year import received, write_year

import longjiang_forecast as lf
from longjiang_forecast.cli import main

MONTHS = (9, 10, 11)  # forecasts published after these months' ingests; December's reports come after


@pytest.fixture(scope="module")
def year(tmp_path_factory):
    """Stores before (``autumn``) and after (``year_end``) the December reports, and the truth."""
    folder = tmp_path_factory.mktemp("track")
    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    truth, files = write_year(folder, catalog, range(9, 13))
    autumn = folder / "autumn.sqlite"
    lf.store.ingest(autumn, files[:1], catalog)
    for m, path in zip(MONTHS, files[1:], strict=False):
        lf.store.ingest(autumn, [path], catalog)
        progress = lf.store.progress_at(autumn, catalog, received(m))
        result = lf.forecast(progress, catalog, n_draws=200, seed=m, as_of=f"2024-{m:02d}")
        lf.store.publish(autumn, result, seed=m, vintage=received(m))
    year_end = folder / "year_end.sqlite"
    shutil.copy(autumn, year_end)
    lf.store.ingest(year_end, files[-1:], catalog)
    return {"truth": truth, "autumn": autumn, "year_end": year_end, "folder": folder}


@pytest.fixture(scope="module")
def record(year):
    return lf.store.track_record(year["year_end"])


def _truth(truth, indicator, region, month):
    key = (
        (truth["indicator"] == indicator)
        & (truth["region"] == region)
        & (truth["month"] == f"2024-{month:02d}")
    )
    return float(truth.loc[key, "value"].item())


def test_every_series_of_every_forecast_is_a_row(record):
    rows = record.rows
    assert list(rows.columns) == list(lf.store.TRACK_COLUMNS)
    assert len(rows) == 3 * 28  # 2 indicators x (province + 13 prefectures) in each of 3 forecasts
    assert rows["forecast_id"].tolist() == [1] * 28 + [2] * 28 + [3] * 28
    assert set(rows["state"]) <= set(lf.store.STATES)
    # decided: the October-deadline roads from October on, and every target already met when published
    decided = (rows["as_of_month"] >= rows["deadline_month"]) | rows["status"].isin(["achieved", "missed"])
    assert (rows["state"] == "decided").equals(decided)
    assert (rows.loc[~decided, "state"] == "scored").all()  # every outcome is in at year end


def test_outcomes_and_scores_against_the_truth(year, record):
    rows = record.rows
    scored = rows[rows["state"] == "scored"]
    assert len(scored) >= 20
    for number, mine in scored.groupby("forecast_id"):
        published = lf.store.published_summary(year["year_end"], number)
        at = published.set_index(series=["indicator", "region"])
        for r in mine.itertuples():
            series = at.sel(series=(r.indicator, r.region))
            value = _truth(year["truth"], r.indicator, r.region, r.deadline_month)
            target = float(series["target"])
            reached = [
                m
                for m in range(1, r.deadline_month + 1)
                if _truth(year["truth"], r.indicator, r.region, m) >= target
            ]
            q10, q90 = series["deadline_value"].sel(quantile=[0.1, 0.9]).values
            assert r.p_met == float(series["p_met"])
            # a province that reports its prefectures' total is scored on that total (summed in another order)
            assert r.outcome_value == pytest.approx(value, rel=1e-13, abs=0)
            assert r.outcome_met == float(value >= target)
            assert r.first_passage_outcome == (reached[0] if reached else None) or (
                not reached and np.isnan(r.first_passage_outcome)
            )
            assert r.covered_80 == float(q10 <= value <= q90)
            assert r.brier == (r.p_met - r.outcome_met) ** 2
    # the summary over all months, by hand
    row = record.summary.set_index("as_of_month").loc["all"]
    p, y = scored["p_met"].to_numpy(), scored["outcome_met"].to_numpy()
    assert row["n_scored"] == len(scored) and row["n_published"] == 84
    assert row["brier"] == pytest.approx(np.mean((p - y) ** 2), rel=1e-14, abs=0)
    assert row["uncertainty"] == pytest.approx(y.mean() * (1 - y.mean()), rel=1e-14)
    assert row["base_rate"] == y.mean()
    k, n = int(scored["covered_80"].sum()), len(scored)
    assert row["coverage_80"] == pytest.approx(k / n, rel=1e-14)
    assert np.isnan(row["coverage_80_lo"])  # each outcome counted once per month: not independent
    september = record.summary.set_index("as_of_month").loc[9]
    covered = scored.loc[scored["as_of_month"] == 9, "covered_80"]
    k, n = int(covered.sum()), len(covered)
    assert september["n_scored"] == n and september["coverage_80"] == pytest.approx(k / n, rel=1e-14)
    assert september["coverage_80_lo"] == pytest.approx(stats.beta.ppf(0.05, k, n - k + 1), rel=1e-9)
    assert september["coverage_80_hi"] == pytest.approx(stats.beta.ppf(0.95, k + 1, n - k), rel=1e-9)
    error = (scored["first_passage_forecast"] - scored["first_passage_outcome"]).dropna()
    assert row["n_first_passage"] == len(error)
    if len(error) >= lf.store.MIN_SCORED:
        assert row["first_passage_mae"] == pytest.approx(error.abs().mean(), rel=1e-14)
    else:
        assert np.isnan(row["first_passage_mae"]) and "first passage" in row["note"]


def test_a_cell_with_few_forecasts_shows_no_score(year, record):
    # before December: September's forecast has only its roads scored (9), October's and November's none
    summary = lf.store.track_record(year["autumn"]).summary.set_index("as_of_month")
    assert summary.loc[9, "n_scored"] == 9 and summary.loc[9, "note"].startswith("too few to score: 9")
    assert summary.loc[[10, 11], "note"].eq("no outcome in the store yet").all()
    hidden = [
        "base_rate",
        "brier",
        "reliability",
        "resolution",
        "uncertainty",
        "coverage_80",
        "first_passage_mae",
    ]
    assert summary.loc[[9, 10, 11, "all"], hidden].isna().all().all()  # "all": 9 scored too
    # at year end every cell has at least 10: scores, and first passage only where 10 have both months
    after = record.summary
    assert (after["n_scored"] >= lf.store.MIN_SCORED).all() and after["brier"].notna().all()
    few = after["n_first_passage"] < lf.store.MIN_SCORED
    assert (
        after.loc[few, "first_passage_mae"].isna().all()
        and after.loc[~few, "first_passage_mae"].notna().all()
    )
    assert (
        after.loc[few, "note"].str.startswith("first passage").all() and (after.loc[~few, "note"] == "").all()
    )


def test_pending_before_the_year_end_reports(year, record):
    before = lf.store.track_record(year["autumn"])
    rows = before.rows
    pending = rows[rows["state"] == "pending"]
    # the December-deadline 09a series await the December report; the October roads are in
    assert set(pending["indicator"]) == {"09a"} and (pending["deadline_month"] == 12).all()
    assert pending[["outcome_met", "brier"]].isna().all().all()
    undecided_09a = (rows["indicator"] == "09a") & (rows["state"] != "decided")
    assert len(pending) == int(undecided_09a.sum()) > 0
    summary = before.summary.set_index("as_of_month")
    assert summary.loc["all", "n_pending"] == len(pending)
    assert summary.loc[list(MONTHS), "n_pending"].sum() == len(pending)
    # the same rows become scored at year end, with nothing else moving
    after = record.rows.set_index(["forecast_id", "indicator", "region"])
    assert (
        after.loc[pd.MultiIndex.from_frame(pending[["forecast_id", "indicator", "region"]]), "state"]
        == "scored"
    ).all()
    # reading the year-end store at the autumn's vintage gives the autumn's record
    again = lf.store.track_record(year["year_end"], as_of_vintage=received(11))
    pd.testing.assert_frame_equal(again.rows, rows)
    assert again.vintage == received(11) and before.vintage == "latest"


def test_forecasts_after_the_vintage(year):
    early = lf.store.track_record(year["year_end"], as_of_vintage=received(9))
    states = early.rows.groupby("forecast_id")["state"].unique()
    assert list(states[2]) == ["after vintage"] and list(states[3]) == ["after vintage"]
    assert "scored" not in set(states[1])  # the October roads' report came on received(10)


def test_cli_writes_and_refuses_to_overwrite(year, record, capsys):
    out = year["folder"] / "record"
    assert main(["track-record", "--store", str(year["year_end"]), "--out", str(out), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert f"Track record of 3 published forecasts in {year['year_end']}" in text
    assert "Brier" in text and "80% coverage" in text
    files = [
        out / name
        for name in ("track_record.csv", "track_record_summary.csv", "track_record_reliability.png")
    ]
    assert all(f.stat().st_size > 0 for f in files)
    written = pd.read_csv(files[0], encoding="utf-8-sig")
    assert written["brier"].to_numpy() == pytest.approx(record.rows["brier"].to_numpy(), nan_ok=True)
    assert (written["state"] == record.rows["state"]).all()
    before = [f.read_bytes() for f in files]
    assert main(["track-record", "--store", str(year["year_end"]), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--overwrite" in err and "nothing was replaced" in err and "Traceback" not in err
    assert [f.read_bytes() for f in files] == before
    assert (
        main(
            [
                "track-record",
                "--store",
                str(year["year_end"]),
                "--out",
                str(out),
                "--overwrite",
                "--lang",
                "zh",
            ]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert "已评分" in text and "待结果" in text and "已写出" in text


@pytest.mark.parametrize("case", ["missing", "not a store", "no forecast", "no outcome", "bad vintage"])
def test_cli_bad_inputs_say_what_to_do(year, tmp_path, capsys, case):
    store, extra = tmp_path / "reports.sqlite", []
    if case == "not a store":
        store.write_text("indicator,region\n", encoding="utf-8")
    elif case == "no forecast":
        catalog = lf.load_catalog(2024).subset(["09a", "19b"])
        lf.store.ingest(store, [year["folder"] / "history.csv"], catalog)
    elif case == "no outcome":
        store, extra = year["year_end"], ["--vintage", received(9)]
    elif case == "bad vintage":  # named as the option, not the Python parameter as_of_vintage
        store, extra = year["year_end"], ["--vintage", "2024-13-01"]
    out = tmp_path / "out"
    assert main(["track-record", "--store", str(store), "--out", str(out), "--lang", "en", *extra]) == 2
    err = capsys.readouterr().err
    expected = {
        "missing": "no report store here",
        "not a store": "not a report store",
        "no forecast": "no published forecast yet",
        "no outcome": "can be scored yet",
        "bad vintage": "--vintage '2024-13-01' is not a date",
    }[case]
    fix = {
        "missing": "ingest",
        "not a store": "report store",
        "no forecast": "--publish",
        "no outcome": "ingest",
        "bad vintage": "YYYY-MM-DD",
    }[case]
    assert err.startswith("error: ") and expected in err and fix in err and "Traceback" not in err
    assert "e.g. –" not in err  # an example only where there is one
    assert not out.exists()  # a failed command leaves no empty folder behind


def test_a_province_totalled_from_its_prefectures_is_judged_on_their_total(tmp_path):
    # the normal workflow: the prefectures report, the province does not; its forecast is their total
    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    truth, files = write_year(tmp_path, catalog, range(11, 13))
    for path in files:
        rows = pd.read_csv(path)
        rows[rows["region"] != "province"].to_csv(path, index=False)
    store = tmp_path / "reports.sqlite"
    lf.store.ingest(store, files[:2], catalog)
    result = lf.forecast(lf.store.progress_at(store, catalog), catalog, n_draws=100, seed=1, as_of="2024-11")
    assert result.province is not None  # the province rows are forecast from the prefectures' paths
    lf.store.publish(store, result, seed=1)
    lf.store.ingest(store, files[2:], catalog)
    rows = lf.store.track_record(store).rows.set_index(["indicator", "region"])
    prefectures = truth[
        (truth["indicator"] == "09a") & (truth["month"] == "2024-12") & (truth["region"] != "province")
    ]
    assert len(prefectures) == 13
    province = rows.loc[("09a", "province")]
    assert province["outcome_value"] == pytest.approx(prefectures["value"].sum(), rel=1e-12)
    assert province["outcome_met"] == float(prefectures["value"].sum() >= 15000)
    summary = result.summary
    published = summary["p_met"].values[(summary["indicator"] == "09a") & (summary["region"] == "province")]
    assert province["state"] == "scored" and province["p_met"] == float(published.item())


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [60, 80, 100])
def test_the_console_table_fits_the_width_and_names_what_it_leaves_out(record, lang, width):
    from rich.cells import cell_len

    from longjiang_forecast.report import render_track_record

    text = render_track_record(record.summary, lang=lang, width=width)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    table = lines[: next(i for i, line in enumerate(lines) if line.startswith(("as of:", "月份：")))]
    september = [line.split() for line in table if line.split() and line.split()[0] in ("Sep", "9月")]
    row = record.summary.set_index("as_of_month").loc[9]
    assert len(september) == 1 and f"{row['brier']:.3f}" in september[0]
    left_out = "Left out at" in text or "未列出" in text
    assert left_out == (width < 100)  # the decomposition goes first; at 100 every column fits
    if not left_out:  # month, 3 counts, Brier, REL, RES, UNC, coverage, its interval, first passage
        counts = [str(row[k]) for k in ("n_scored", "n_pending", "n_decided")]
        scores = [f"{row[k]:.3f}" for k in ("brier", "reliability", "resolution", "uncertainty")]
        coverage = [f"{row['coverage_80']:.2f}", f"{row['coverage_80_lo']:.2f}–{row['coverage_80_hi']:.2f}"]
        assert september[0] == [{"en": "Sep", "zh": "9月"}[lang], *counts, *scores, *coverage, "–"]
    # every row of the summary is a line of the table: nothing is cut
    assert sum(1 for line in table if line.split() and line.split()[0] in ("all", "全部")) == 1


def test_percent_changes_and_annual_means_are_judged_on_the_whole_year(tmp_path):
    # 16b: percent change of the annual mean against last year's (no catalogue baseline); 17b: annual mean
    catalog = lf.load_catalog(2024).subset(["16b", "17b"])
    truth, files = write_year(tmp_path, catalog, range(11, 13))
    store = tmp_path / "reports.sqlite"
    lf.store.ingest(store, files[:2], catalog)
    result = lf.forecast(lf.store.progress_at(store, catalog), catalog, n_draws=100, seed=1, as_of="2024-11")
    lf.store.publish(store, result, seed=1)
    assert (
        lf.store.track_record(store).rows["state"].isin(["pending", "no forecast"]).all()
    )  # December missing
    lf.store.ingest(store, files[2:], catalog)
    rows = lf.store.track_record(store).rows.set_index(["indicator", "region"])
    days = {2023: np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]), 2024: None}
    days[2024] = days[2023] + np.eye(12)[1]  # 2024 is a leap year

    def mean(indicator, year):
        key = (truth["indicator"] == indicator) & (truth["region"] == "province")
        values = truth.loc[key & truth["month"].str.startswith(str(year)), "value"].to_numpy()
        assert len(values) == 12
        return float(np.sum(values * days[year]) / days[year].sum())

    change, level = rows.loc[("16b", "province")], rows.loc[("17b", "province")]
    assert change["outcome_value"] == pytest.approx(
        100 * (mean("16b", 2024) / mean("16b", 2023) - 1), rel=1e-12
    )
    assert level["outcome_value"] == pytest.approx(mean("17b", 2024), rel=1e-12)
    for r, target in ((change, -1.0), (level, 27.3)):
        assert r["outcome_met"] == float(r["outcome_value"] <= target)
        assert r["state"] in ("scored", "no forecast", "decided")
        assert (r["state"] == "scored") == np.isfinite(r["p_met"]) and r["status"] not in (
            "achieved",
            "missed",
        )


def test_the_bulletin_shows_the_track_record(year, record, tmp_path, capsys):
    out = tmp_path / "bulletin"
    argv = ["report", "--store", str(year["year_end"]), "--track-record", "--draws", "100", "--out", str(out)]
    assert main([*argv, "--lang", "zh"]) == 0
    page = (out / "bulletin" / "bulletin.html").read_text(encoding="utf-8")
    section = page[page.index('id="track-record"') : page.index('id="method"')]
    counts = record.counts
    assert "十一、预测实绩" in section and f"已评分 {counts['scored']} 项序列预测" in section
    assert f"待结果 {counts['pending']} 项" in section and "月份误差" in section
    september = record.summary.set_index("as_of_month").loc[9]
    assert f'<td class="num">{september["brier"]:.3f}</td>' in section
    assert main(["report", "--track-record", "--out", str(tmp_path / "r2")]) == 2
    assert (
        "--track-record reads from or writes to a report store: add --store PATH" in capsys.readouterr().err
    )


def test_next_years_first_reports_do_not_stop_this_years_track_record(year, tmp_path):
    """January's store holds next year's first report (read with next year's catalogue): still scored."""
    from longjiang_forecast.catalog import write_catalog

    store = tmp_path / "next.sqlite"
    shutil.copy(year["year_end"], store)
    written = write_catalog(lf.load_catalog(2024).subset(["09a", "19b"]), tmp_path / "c2024.csv")
    text = written.read_text(encoding="utf-8-sig").replace("2024-", "2025-")
    (tmp_path / "c2025.csv").write_text(text, encoding="utf-8")
    next_catalog = lf.load_catalog(tmp_path / "c2025.csv")
    assert next_catalog.year == 2025
    report = tmp_path / "y2025.csv"
    report.write_text("indicator,region,month,value,reported_on\n09a,province,2025-03,4000,2025-04-05\n")
    lf.store.ingest(store, [report], next_catalog)
    again = lf.store.track_record(store)
    before = lf.store.track_record(year["year_end"])
    pd.testing.assert_frame_equal(again.rows, before.rows)


def test_forecast_from_a_store_holding_next_years_reports_names_both_fixes(year, tmp_path, capsys):
    """In January the store holds next year's first report: `forecast --store` with this year's
    catalogue said only 'read the file with the catalogue of 2025' (a third break-it pass)."""
    from longjiang_forecast.catalog import write_catalog

    store = tmp_path / "next.sqlite"
    shutil.copy(year["year_end"], store)
    written = write_catalog(lf.load_catalog(2024).subset(["09a", "19b"]), tmp_path / "c2024.csv")
    (tmp_path / "c2025.csv").write_text(
        written.read_text(encoding="utf-8-sig").replace("2024-", "2025-"), encoding="utf-8"
    )
    report = tmp_path / "y2025.csv"
    report.write_text("indicator,region,month,value,reported_on\n09a,province,2025-01,400,2025-02-05\n")
    lf.store.ingest(store, [report], lf.load_catalog(tmp_path / "c2025.csv"))
    argv = ["forecast", "--store", str(store), "--catalog", str(written), "--draws", "100", "-q"]
    assert main([*argv, "--out", str(tmp_path / "o1")]) == 2
    err = capsys.readouterr().err
    assert "the store holds reports of 2025 (2025-01 to 2025-01), after the year 2024 of the catalogue" in err
    assert "(--catalog FILE: the one `longjiang-forecast next-year --out FILE` wrote" in err
    assert "(--as-of 2024-12; " in err and not (tmp_path / "o1" / "attainment.csv").exists()
    # both fixes work
    assert main([*argv, "--as-of", "2024-12", "--out", str(tmp_path / "o2")]) == 0
    assert main([*argv[:4], str(tmp_path / "c2025.csv"), *argv[5:], "--out", str(tmp_path / "o3")]) == 0
    assert pd.read_csv(tmp_path / "o3" / "attainment.csv")["observed_month"].eq("2025-01").any()


def test_the_stores_reports_are_named_by_store_and_file_not_as_a_dataframe(year):
    """A report of next year read with this year's catalogue (forecast --store in January) names the store."""
    from longjiang_forecast.store._vintage import reports_dataset

    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    rows = pd.DataFrame(
        {"indicator": ["09a"], "region": ["province"], "month": ["2025-03"], "value": [4000.0],
         "vintage": ["2025-04-05"], "note": [""], "name": ["y2025.csv"]}
    )  # fmt: skip
    label = f"{year['year_end']} at vintage latest"
    words = r"1 problem in the store's reports:\n  - report 'y2025\.csv \(vintage 2025-04-05\)'"
    with pytest.raises(lf.DataValidationError, match=rf"^{re.escape(label)}: {words}") as caught:
        reports_dataset(rows, catalog, label)
    assert "DataFrame" not in str(caught.value) and "index" not in str(caught.value)


def test_a_month_published_again_is_scored_once_as_last_published(year, tmp_path):
    """September published again with another seed: the first copy is 'superseded', and September
    counts its series once (they counted once per copy: a month published four times weighed four
    times; a break-it pass). Its own scores are those of the last copy."""
    store = tmp_path / "again.sqlite"
    shutil.copy(year["year_end"], store)
    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    progress = lf.store.progress_at(store, catalog, received(9), as_of="2024-09")
    again = lf.forecast(progress, catalog, n_draws=200, seed=99, as_of="2024-09")
    lf.store.publish(store, again, seed=99, vintage=received(9))
    record = lf.store.track_record(store)
    rows = record.rows
    assert set(rows.loc[rows["forecast_id"] == 1, "state"]) == {"superseded"}
    assert rows.loc[rows["state"] == "superseded", "brier"].isna().all()
    before = lf.store.track_record(year["year_end"]).summary.set_index(["model", "as_of_month"])
    after = record.summary.set_index(["model", "as_of_month"])
    september = after.loc[("seasonal_share", 9)]
    assert (
        september["n_superseded"] == 28
        and september["n_scored"] == before.loc[("seasonal_share", 9), "n_scored"]
    )
    last = rows[rows["forecast_id"] == 4]
    scored = last[last["state"] == "scored"]
    assert september["brier"] == pytest.approx(float(np.mean((scored["p_met"] - scored["outcome_met"]) ** 2)))
    assert record.counts["superseded"] == 28
