"""The news between two published forecasts: each new report against what the earlier one expected for it."""

import re

import numpy as np
import pandas as pd
import pytest
from test_store import refused, write

import longjiang_forecast as lf
from longjiang_forecast.cli import main

SCALE = {"province": 15000, "harbin": 4000, "daqing": 1500, "jixi": 800}


def cumulative(region, month):
    return round(SCALE[region] * month / 12)


@pytest.fixture(scope="module")
def catalog():
    return lf.load_catalog(2024)


@pytest.fixture(scope="module")
def two_forecasts(tmp_path_factory, catalog):
    """Forecast 1 as of March (jixi's March not in yet), forecast 2 as of April.

    The April files bring April for every region (daqing's far above anything forecast 1
    simulated), jixi's March late, harbin's March revised, and suihua's first report.
    """
    folder = tmp_path_factory.mktemp("news")
    path = folder / "s.sqlite"
    first_rows = [
        ("09a", region, f"2024-{m:02d}", cumulative(region, m), f"2024-{m + 1:02d}-05")
        for region in SCALE
        for m in (1, 2, 3)
        if (region, m) != ("jixi", 3)
    ]
    lf.store.ingest(path, [write(folder / "to-march.csv", *first_rows)], catalog)
    earlier = lf.forecast(lf.store.progress_at(path, catalog), catalog, n_draws=200, seed=7)
    first = lf.store.publish(path, earlier, seed=7)
    april = write(
        folder / "april.csv",
        ("09a", "province", "2024-04", 5000, "2024-05-06"),
        ("09a", "harbin", "2024-04", 1333, "2024-05-06"),
        ("09a", "daqing", "2024-04", 3000, "2024-05-06"),  # twice the year's pace: a surprise
        ("09a", "jixi", "2024-04", 267, "2024-05-06"),
        ("09a", "jixi", "2024-03", 199, "2024-05-06"),  # late
        ("09a", "harbin", "2024-03", 950, "2024-05-06"),  # 1000 first reported
        ("09a", "suihua", "2024-04", 90, "2024-05-06"),  # no report before
    )
    lf.store.ingest(path, [april], catalog)
    later = lf.forecast(lf.store.progress_at(path, catalog), catalog, n_draws=200, seed=8)
    second = lf.store.publish(path, later, seed=8)
    return path, first, second, earlier


def by_hand(earlier, region, month):
    """Median, 10 % and 90 % quantiles of the earlier forecast's paths of 09a/region at 2024-month."""
    paths = earlier.paths
    series = np.flatnonzero((paths["indicator"].values == "09a") & (paths["region"].values == region))
    values = paths.values[:, series.item(), month - 1]  # dims (draw, series, month), January first
    return np.median(values), np.quantile(values, 0.1), np.quantile(values, 0.9)


def test_each_new_report_against_the_median_of_the_earlier_paths(two_forecasts):
    path, first, second, earlier = two_forecasts
    table = lf.store.news(path, first, second)
    assert list(table.columns) == list(lf.store.NEWS_COLUMNS)
    assert [tuple(r) for r in table[["kind", "region", "month"]].itertuples(index=False)] == [
        ("new report", "province", "2024-04"),
        ("new report", "daqing", "2024-04"),
        ("new report", "harbin", "2024-04"),
        ("new report", "jixi", "2024-03"),  # the late report
        ("new report", "jixi", "2024-04"),
        ("new report", "suihua", "2024-04"),
        ("revision", "harbin", "2024-03"),
    ]
    rows = table.set_index(["kind", "region", "month"])
    for region, month in (("province", 4), ("daqing", 4), ("harbin", 4), ("jixi", 3), ("jixi", 4)):
        row = rows.loc[("new report", region, f"2024-{month:02d}")]
        median, q10, q90 = by_hand(earlier, region, month)
        assert (row["expected"], row["q10"], row["q90"]) == (median, q10, q90)
        assert row["news"] == row["reported"] - median and row["reason"] == ""
        inside = "above" if row["reported"] > q90 else "below" if row["reported"] < q10 else "within"
        assert row["surprise"].startswith(inside)
    daqing = rows.loc[("new report", "daqing", "2024-04")]
    assert daqing["reported"] == 3000 and daqing["surprise"] == "above" and daqing["news"] > 1000
    # the late report: forecast 1 had simulated jixi's March, since its last report was February's
    assert by_hand(earlier, "jixi", 3)[0] > cumulative("jixi", 2)
    revision = rows.loc[("revision", "harbin", "2024-03")]
    assert (revision["previous"], revision["reported"], revision["news"]) == (1000, 950, -50)
    assert np.isnan(revision["expected"]) and revision["surprise"] == ""
    suihua = rows.loc[("new report", "suihua", "2024-04")]
    assert np.isnan(suihua["expected"]) and np.isnan(suihua["news"]) and suihua["surprise"] == ""
    assert suihua["reason"] == f"forecast {first} had no report of this series, so did not forecast it"
    assert set(table["unit"]) == {"households (户)"}
    assert table.attrs["n_paths"] == 200 and table.attrs["as_of_from"] == "2024-03"


def test_the_later_forecast_must_come_second(two_forecasts):
    path, first, second, _ = two_forecasts
    words = r"forecast 1 lacks reports forecast 2 had \(6, e.g. 09a/daqing 2024-04\).*--from"
    with pytest.raises(lf.DataValidationError, match=words):
        lf.store.news(path, second, first)


def test_news_command_prints_and_writes_the_table(two_forecasts, tmp_path, capsys):
    path, first, second, earlier = two_forecasts
    argv = ["changes", "--store", str(path), "--news", "--all"]
    assert main([*argv, "--lang", "zh", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    assert f"第 {first} 号预测（截至 2024-03）到第 {second} 号预测（截至 2024-04）的新息" in out
    median, q10, q90 = by_hand(earlier, "daqing", 4)
    line = next(x for x in out.splitlines() if "09a/大庆市" in x)
    assert line.split() == [
        "新报告", "09a/大庆市", "2024-04", "3,000", f"{median:,.0f}", f"{q10:,.0f}–{q90:,.0f}",
        f"+{3000 - median:,.0f}", "高于区间",
    ]  # fmt: skip
    assert "修订" in out and "绥化市 2024-04：第 1 号预测时该序列尚无报告" in out
    written = pd.read_csv(tmp_path / "o" / "news.csv", encoding="utf-8-sig", keep_default_na=False)
    table = lf.store.news(path, first, second)
    assert written["region"].tolist() == table["region"].tolist()
    np.testing.assert_array_equal(written["expected"].replace("", np.nan).astype(float), table["expected"])
    # province only without --all; an earlier news.csv is not replaced without --overwrite
    assert main(["changes", "--store", str(path), "--news"]) == 0
    assert "09a/Daqing" not in capsys.readouterr().out
    refused([*argv, "--out", str(tmp_path / "o")], capsys, "news.csv", "--overwrite")
    assert main([*argv, "--out", str(tmp_path / "o"), "--overwrite", "-q"]) == 0
    refused(["changes", "--store", str(path), "--out", str(tmp_path / "p")], capsys, "add --news")
    assert not (tmp_path / "p").exists()
    refused([*argv, "--from", str(second), "--to", str(first)], capsys, "--from and the later as --to")


def test_the_scripted_year_late_report_and_revision_are_news(tmp_path):
    from test_store_year import LATE, PREFECTURES, REVISED, received, write_year

    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    _, files = write_year(tmp_path, catalog, range(3, 6))
    store = tmp_path / "reports.sqlite"
    lf.store.ingest(store, files[:1], catalog)
    for m, path in zip(range(3, 6), files[1:], strict=True):
        lf.store.ingest(store, [path], catalog)
        result = lf.forecast(lf.store.progress_at(store, catalog, received(m)), catalog, n_draws=100, seed=m)
        lf.store.publish(store, result, seed=m, vintage=received(m))
    april = lf.store.news(store, 1, 2)  # April's files, with jixi's March late
    assert (april["kind"] == "new report").all() and len(april) == 2 * (PREFECTURES + 1) + 2
    late = april[(april["region"] == LATE[0]) & (april["month"] == f"2024-{LATE[1]:02d}")]
    assert len(late) == 2 and late["expected"].notna().all() and (late["reason"] == "").all()
    may = lf.store.news(store, 2, 3)
    revised = may[may["kind"] == "revision"]
    assert sorted(revised["region"]) == sorted([REVISED[0], "province"])
    assert (revised["month"] == f"2024-{REVISED[1]:02d}").all() and (revised["news"] < 0).all()


@pytest.mark.parametrize(
    ("table", "column", "message"),
    [
        ("forecasts", "summary", "forecast 1's summary in the report store is damaged and cannot be read"),
        ("catalogs", "data", "the archived catalogue .* in the report store is damaged and cannot be read"),
    ],
)
def test_a_damaged_archive_in_the_store_is_named_not_a_traceback(
    two_forecasts, tmp_path, capsys, table, column, message
):
    """Bytes of an archived summary or catalogue damaged on disk (SQLite's own check still passes)."""
    import shutil
    import sqlite3

    path = tmp_path / "damaged.sqlite"
    shutil.copy(two_forecasts[0], path)
    with sqlite3.connect(path) as conn:
        key = "forecast_id" if table == "forecasts" else "sha256"
        for name, data in conn.execute(f"SELECT {key}, {column} FROM {table}").fetchall():
            broken = bytearray(data)
            broken[len(broken) // 2 : len(broken) // 2 + 2000] = bytes(2000)
            conn.execute(f"UPDATE {table} SET {column} = ? WHERE {key} = ?", (bytes(broken), name))
    assert main(["changes", "--store", str(path)]) == 2
    err = capsys.readouterr().err
    assert re.search(message, err) and "Restore the store from a backup" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("backwards", [True, False])
def test_changes_backwards_or_of_one_forecast_are_refused(two_forecasts, capsys, backwards):
    """From the later forecast to the earlier one every sign flips; from one to itself nothing moves."""
    path, first, second, _ = two_forecasts
    start, end = (second, first) if backwards else (first, first)
    words = (
        f"--from {second} (as of 2024-04) is of a later month than --to {first} (as of 2024-03): give the "
        "earlier forecast as --from"
        if backwards
        else f"--from and --to are both forecast {first}: give two forecasts"
    )
    refused(["changes", "--store", str(path), "--from", str(start), "--to", str(end)], capsys, words)


def test_a_month_published_late_is_the_earlier_forecast(two_forecasts, tmp_path, catalog, capsys):
    """March's forecast published after April's was compared as the newer one: every change of
    `changes` and `news` had its sign flipped (a third break-it pass)."""
    files = [two_forecasts[0].parent / name for name in ("to-march.csv", "april.csv")]
    late = tmp_path / "late.sqlite"
    lf.store.ingest(late, files, catalog)

    def publish(month, seed):
        result = lf.forecast(
            lf.store.progress_at(late, catalog, as_of=month), catalog, n_draws=200, seed=seed
        )
        return lf.store.publish(late, result, seed=seed)

    april, march, march_again = publish("2024-04", 9), publish("2024-03", 9), publish("2024-03", 10)
    assert lf.store.forecast_pair(late) == (march_again, april)
    assert lf.store.forecast_pair(late, to_id=march_again) == (march, march_again)
    refused(
        ["changes", "--store", str(late), "--from", str(april), "--to", str(march)],
        capsys,
        f"--from {april} (as of 2024-04) is of a later month than --to {march} (as of 2024-03)",
    )
    refused(
        ["changes", "--news", "--store", str(late), "--from", str(march_again), "--to", str(march)],
        capsys,
        f"--from {march_again} (as of 2024-03) was published after --to {march} (as of 2024-03)",
    )
    refused(
        ["changes", "--store", str(late), "--to", str(march)],
        capsys,
        f"--to {march} (as of 2024-03) is the earliest published forecast: no forecast comes before it",
    )
    table = lf.store.news(late, *lf.store.forecast_pair(late))
    assert ("new report", "daqing", "2024-04") in set(
        table[["kind", "region", "month"]].itertuples(index=False)
    )


def test_the_same_forecast_is_not_published_twice(tmp_path, catalog):
    """A second copy made `changes` compare a forecast with itself (a new-user pass)."""
    path = tmp_path / "s.sqlite"
    rows = [
        ("09a", "province", f"2024-{m:02d}", cumulative("province", m), f"2024-{m + 1:02d}-05")
        for m in (1, 2, 3)
    ]
    lf.store.ingest(path, [write(tmp_path / "march.csv", *rows)], catalog)
    result = lf.forecast(lf.store.progress_at(path, catalog), catalog, n_draws=200, seed=7)
    first = lf.store.publish(path, result, seed=7)
    with pytest.raises(
        lf.DataValidationError, match=rf"already published as forecast {first} \(the same reports"
    ):
        lf.store.publish(path, result, seed=7)
    assert list(lf.store.published(path)["forecast_id"]) == [first]
    other = lf.forecast(lf.store.progress_at(path, catalog), catalog, n_draws=200, seed=8)
    assert lf.store.publish(path, other, seed=8) == first + 1  # another seed is another forecast
