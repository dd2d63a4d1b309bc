"""A scripted year of the monthly cycle: 13 prefectures' reports ingested month by month (a late report,
a revision, a missing month), a forecast published after each ingest, every one rebuilt bit for bit."""

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf

PREFECTURES = 13
LATE = ("jixi", 3)  # jixi's March report arrives with the April files
REVISED = ("harbin", 4)  # harbin revises April in its May file
MISSING = ("heihe", 6)  # heihe never reports June


def received(month):
    """The 5th of the month after ``month`` (2024), when the month's files come in."""
    return f"{2024 + month // 12}-{month % 12 + 1:02d}-05"


def long_rows(ds):
    frame = ds["value"].reset_coords(drop=True).to_dataframe().reset_index().dropna(subset=["value"])
    frame["month"] = pd.DatetimeIndex(frame["month"]).strftime("%Y-%m")
    return frame


def revision(truth):
    """Harbin's revised April figure of 09a (30 % of its March-April gain less) and the province's with it."""
    at = truth.set_index(["indicator", "region", "month"])["value"]
    month, before = f"2024-{REVISED[1]:02d}", f"2024-{REVISED[1] - 1:02d}"
    cut = 0.3 * (at["09a", REVISED[0], month] - at["09a", REVISED[0], before])
    return pd.DataFrame(
        {
            "indicator": "09a",
            "region": [REVISED[0], "province"],
            "month": month,
            "value": [at["09a", REVISED[0], month] - cut, at["09a", "province", month] - cut],
        }
    )


def write_year(folder, catalog, months):
    """History to 2023 and one file per month of 2024, as a prefecture office sends them."""
    truth = long_rows(lf.testing.synthetic_progress(catalog, seed=11, as_of="2024-12"))
    history = truth[truth["month"] < f"2024-{months[0]:02d}"].assign(reported_on=received(months[0] - 1))
    files = [folder / "history.csv"]
    history.to_csv(files[0], index=False)
    for m in months:
        rows = truth[truth["month"] == f"2024-{m:02d}"].assign(reported_on=received(m))
        if m == LATE[1]:
            rows = rows[rows["region"] != LATE[0]]
        if m == LATE[1] + 1:
            late = truth[(truth["month"] == f"2024-{LATE[1]:02d}") & (truth["region"] == LATE[0])]
            rows = pd.concat([rows, late.assign(reported_on=received(m))])
        if m == MISSING[1]:
            rows = rows[rows["region"] != MISSING[0]]
        if m == REVISED[1] + 1:  # harbin's April lowered, and the province's with it
            rows = pd.concat([rows, revision(truth).assign(reported_on=received(m))])
        files.append(folder / f"2024-{m:02d}.csv")
        rows.to_csv(files[-1], index=False)
    return truth, files


@pytest.mark.parametrize(
    "months",
    [range(3, 7), pytest.param(range(1, 13), marks=pytest.mark.slow)],
    ids=["march-to-june", "whole-year"],
)
def test_monthly_ingests_and_published_forecasts(tmp_path, months):
    catalog = lf.load_catalog(2024).subset(["09a", "19b"])
    truth, files = write_year(tmp_path, catalog, months)
    store = tmp_path / "reports.sqlite"
    lf.store.ingest(store, files[:1], catalog)
    published = {}
    for m, path in zip(months, files[1:], strict=True):
        report = lf.store.ingest(store, [path], catalog)
        assert len(report.revisions) == (2 if m == REVISED[1] + 1 else 0)
        progress = lf.store.progress_at(store, catalog, received(m))
        result = lf.forecast(progress, catalog, n_draws=100, seed=m, as_of=f"2024-{m:02d}")
        number = lf.store.publish(store, result, seed=m, vintage=received(m))
        published[number] = result.summary["p_met"].values
    listed = lf.store.published(store)
    assert listed["as_of"].tolist() == [f"2024-{m:02d}" for m in months]
    assert listed["vintage"].tolist() == [received(m) for m in months]

    # what was known when: the late report, the revision, the missing month
    known = {}  # vintage -> the progress known then

    def value(vintage, region, month, indicator="09a"):
        if vintage not in known:
            known[vintage] = lf.store.progress_at(store, catalog, vintage)
        ds = known[vintage]
        sel = {"indicator": indicator, "region": region}
        if np.datetime64(f"2024-{month:02d}-01") > ds["month"].values[-1]:
            return np.nan
        return float(ds["value"].sel(sel).sel(month=f"2024-{month:02d}").item())

    def true(region, month, indicator="09a"):
        key = (truth["region"] == region) & (truth["month"] == f"2024-{month:02d}")
        return float(truth.loc[key & (truth["indicator"] == indicator), "value"].item())

    assert np.isnan(value(received(3), "jixi", 3)) and value(received(3), "harbin", 3) == true("harbin", 3)
    assert value(received(4), "jixi", 3) == true("jixi", 3)
    assert value(received(4), "harbin", 4) == true("harbin", 4)
    revised = true("harbin", 4) - 0.3 * (true("harbin", 4) - true("harbin", 3))
    assert value(received(5), "harbin", 4) == revised != true("harbin", 4)
    assert np.isnan(value(None, "heihe", 6)) and value(None, "heihe", 5) == true("heihe", 5)
    last = months[-1]
    assert value(None, "suihua", last, "19b") == true("suihua", last, "19b")
    assert len(known[None]["region"]) == PREFECTURES + 1

    # every published forecast rebuilt from the store equals the one published
    for number, p_met in published.items():
        rebuilt = lf.store.rebuild(store, number)  # raises if any variable differs
        assert np.array_equal(rebuilt.summary["p_met"].values, p_met, equal_nan=True)
    june = lf.store.published_summary(store, 1 + months.index(6))
    assert june.attrs["data_vintage"] == received(6) and june.attrs["seed_entropy"] == "6"
