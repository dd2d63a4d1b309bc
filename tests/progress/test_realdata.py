"""Tests of the real-data loaders against the files themselves, computed by hand."""

from __future__ import annotations

import calendar
import gzip
import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.progress import load_national_progress, load_pm25

SHARED = Path(__file__).parents[3] / "shared" / "data"
PACKAGED = Path(__file__).parents[2] / "src" / "longjiang_forecast" / "progress" / "realdata"


def national_file() -> Path:
    shared = SHARED / "national_progress.csv"
    return shared if shared.is_file() else PACKAGED / "national_progress.csv"


def shenyang_file() -> Path:
    shared = SHARED / "pm25_five_cities" / "ShenyangPM20100101_20151231.csv"
    return shared if shared.is_file() else PACKAGED / "ShenyangPM20100101_20151231.csv.gz"


# --------------------------------------------------------------------------- national


@pytest.fixture(scope="module")
def national():
    return load_national_progress(national_file())


def test_packaged_copies_match_shared_data():
    if not SHARED.is_dir():
        pytest.skip("shared data not present")
    packaged = (PACKAGED / "national_progress.csv").read_bytes()
    assert packaged == (SHARED / "national_progress.csv").read_bytes()
    for city in ("Shenyang", "Beijing", "Shanghai"):
        name = f"{city}PM20100101_20151231.csv"
        with gzip.open(PACKAGED / f"{name}.gz", "rb") as fh:
            assert fh.read() == (SHARED / "pm25_five_cities" / name).read_bytes()


def test_national_oldcomm_2024(national):
    cat, ds = national
    row = cat.row("CN_OLDCOMM_2024")
    assert float(row["target"]) == 5.4
    assert row["kind"] == "cumulative"
    assert row["comparator"] == ">="
    assert row["year"] == 2024
    assert row["family"] == "CN_OLDCOMM"
    assert row["deadline"] == pd.Timestamp("2024-12-31")
    assert row["unit"] == "万个 (10k communities)"
    assert bool(row["forecastable"])
    v = ds["value"].sel(indicator="CN_OLDCOMM_2024", region="province")
    assert v.sel(month="2024-12-01").item() == 5.8

    raw = pd.read_csv(national_file())
    rows = raw.loc[raw["series_id"] == "CN_OLDCOMM_2024"]
    assert rows["month"].tolist() == [4, 5, 6, 7, 8, 10, 12]
    got = v.dropna("month")
    assert [pd.Timestamp(m).month for m in got.month.values] == [4, 5, 6, 7, 8, 10, 12]
    assert got.values.tolist() == rows["cumulative"].tolist()
    assert got.values.tolist() == [1.68, 2.26, 3.3, 3.8, 4.2, 5.3, 5.8]
    # months not reported stay NaN; no value outside the series' year
    assert math.isnan(v.sel(month="2024-09-01").item())
    assert int(v.notnull().sum()) == 7


def test_national_catalog_and_attrs(national):
    cat, ds = national
    raw = pd.read_csv(national_file())
    assert cat.year == 2025
    assert set(cat.indicators) == set(raw["series_id"])
    assert set(ds.indicator.values) == set(raw["series_id"])
    assert list(ds.region.values) == ["province"]
    assert int(ds["value"].notnull().sum()) == len(raw)
    assert ds.attrs["source_urls"] == raw["source_url"].nunique()
    assert ds.attrs["excluded_after_as_of"] == 0
    assert len(ds.attrs["sha256"]) == 64
    assert pd.Timestamp(ds.month.values[0]) == pd.Timestamp("2007-01-01")
    assert pd.Timestamp(ds.month.values[-1]) == pd.Timestamp("2025-09-01")
    # families: the households series stays distinct from the communities series
    fam = cat.table.set_index("indicator")["family"]
    assert fam["CN_OLDCOMM_HH_2022"] == "CN_OLDCOMM_HH"
    assert fam["CN_OLDCOMM_2022"] == "CN_OLDCOMM"
    assert (cat.table["deadline_source"] == "annual plan (calendar year)").all()
    assert cat.row("CN_OLDCOMM_2024")["note"] == rows_first_title(raw, "CN_OLDCOMM_2024")


def rows_first_title(raw: pd.DataFrame, series: str) -> str:
    return str(raw.loc[raw["series_id"] == series, "source_title"].iloc[0])


def test_national_5g_is_a_stock_without_target(national):
    cat, ds = national
    row = cat.row("CN_5G_2024")
    assert math.isnan(float(row["target"]))
    assert not bool(row["forecastable"])
    assert row["kind"] == "level"
    assert "no published target" in row["note"]
    assert "stock" in row["note"]
    assert ds["kind"].sel(indicator="CN_5G_2024").item() == "level"
    assert ds["value"].sel(indicator="CN_5G_2024", month="2024-12-01").item() == 425.0
    assert float(cat.row("CN_5G_2023")["target"]) == 290.0


def test_national_documented_rounding_is_accepted_without_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, ds = load_national_progress(national_file())
    text = ds.attrs["revisions_accepted"]
    assert "CN_OLDCOMM_HH_2022" in text and "876.01" in text and "rounding" in text
    v = ds["value"].sel(indicator="CN_OLDCOMM_HH_2022", region="province")
    assert v.sel(month="2022-11-01").item() == 876.01
    assert v.sel(month="2022-12-01").item() == 876.0


def test_national_as_of_excludes_the_future():
    raw = pd.read_csv(national_file())
    later = (raw["year"] * 100 + raw["month"]) > 202409
    cat, ds = load_national_progress(national_file(), as_of="2024-09")
    assert ds.attrs["excluded_after_as_of"] == int(later.sum())
    assert ds.attrs["as_of"] == "2024-09"
    assert int(ds["value"].notnull().sum()) == len(raw) - int(later.sum())
    assert pd.Timestamp(ds.month.values[-1]) <= pd.Timestamp("2024-09-01")
    assert cat.year == 2024
    assert "CN_OLDCOMM_2025" not in cat.indicators
    v = ds["value"].sel(indicator="CN_OLDCOMM_2024", region="province").dropna("month")
    assert v.values.tolist() == [1.68, 2.26, 3.3, 3.8, 4.2]
    assert float(cat.row("CN_OLDCOMM_2024")["target"]) == 5.4


def test_national_default_path_is_packaged():
    cat, ds = load_national_progress()
    assert ds.attrs["source"].endswith("national_progress.csv")
    assert float(cat.row("CN_OLDCOMM_2024")["target"]) == 5.4


def test_national_as_of_before_any_data():
    with pytest.raises(DataValidationError, match=r"no row has a month on or before"):
        load_national_progress(national_file(), as_of="2006-12")


# --------------------------------------------------------------------------- PM2.5 by hand


@pytest.fixture(scope="module")
def shenyang_hourly():
    return pd.read_csv(shenyang_file(), na_values=["NA"])


@pytest.fixture(scope="module")
def shenyang():
    return load_pm25("shenyang", shenyang_file())


def monthly_mean_by_hand(hourly: pd.DataFrame, year: int, month: int) -> float:
    """GB 3095-2012 monthly mean written out with plain pandas."""
    sub = hourly[(hourly["year"] == year) & (hourly["month"] == month)]
    pm = sub[[c for c in sub.columns if c.startswith("PM_")]]
    city = pm.mean(axis=1)  # mean of available stations
    days = []
    for _, hours in city.groupby(sub["day"]):
        if hours.notna().sum() >= 20:
            days.append(hours.mean())
    need = 25 if month == 2 else 27
    return float(np.mean(days)) if len(days) >= need else math.nan


@pytest.mark.parametrize(("year", "month"), [(2015, 1), (2014, 7), (2014, 2), (2013, 12)])
def test_shenyang_monthly_means_by_hand(shenyang_hourly, shenyang, year, month):
    _, ds = shenyang
    expected = monthly_mean_by_hand(shenyang_hourly, year, month)
    month_ts = f"{year}-{month:02d}-01"
    got = ds["value"].sel(indicator=f"PM25_SHENYANG_{year}", region="province")
    assert got.sel(month=month_ts).item() == pytest.approx(expected, rel=1e-12)


def test_shenyang_values(shenyang):
    cat, ds = shenyang
    v = ds["value"].sel(indicator="PM25_SHENYANG_2015", region="province")
    assert v.sel(month="2015-01-01").item() == pytest.approx(123.051852, abs=1e-6)
    assert v.sel(month="2014-12-01").isnull().item()  # other year's indicator
    assert ds.attrs["invalid_months"] == "2013-04"
    assert ds["value"].sel(indicator="PM25_SHENYANG_2013", month="2013-04-01").isnull().item()
    assert cat.year == 2015
    # one target a year: the same target written as a change is asked for separately
    assert cat.indicators == ["PM25_SHENYANG_2013", "PM25_SHENYANG_2014", "PM25_SHENYANG_2015"]
    assert pd.Timestamp(ds.month.values[0]) == pd.Timestamp("2013-01-01")
    assert "27 valid days (25 in February)" in ds.attrs["monthly_mean_rule"]


def test_shenyang_targets(shenyang_hourly, shenyang):
    cat, _ = shenyang
    means = [monthly_mean_by_hand(shenyang_hourly, 2014, m) for m in range(1, 13)]
    days = [calendar.monthrange(2014, m)[1] for m in range(1, 13)]
    annual_2014 = float(np.dot(means, days) / sum(days))
    row = cat.row("PM25_SHENYANG_2015")
    assert row["kind"] == "annual_mean"
    assert row["comparator"] == "<="
    assert row["unit"] == "μg/m³"
    assert row["family"] == "PM25_SHENYANG"
    assert float(row["baseline"]) == pytest.approx(annual_2014, rel=1e-12)
    assert float(row["target"]) == pytest.approx(0.95 * annual_2014, rel=1e-12)
    assert bool(row["forecastable"])
    chg_cat, _ = load_pm25("shenyang", target="change")
    assert chg_cat.indicators == ["PM25CHG_SHENYANG_2013", "PM25CHG_SHENYANG_2014", "PM25CHG_SHENYANG_2015"]
    chg = chg_cat.row("PM25CHG_SHENYANG_2015")
    assert chg["kind"] == "change"
    assert float(chg["target"]) == -5.0
    assert chg["unit"] == "% change vs previous year"
    assert chg["family"] == "PM25_SHENYANG"
    assert float(chg["baseline"]) == pytest.approx(annual_2014, rel=1e-12)
    # 2013 has an invalid month (April), so 2014 has no target; 2012 has no data at all
    for year in (2013, 2014):
        row = cat.row(f"PM25_SHENYANG_{year}")
        assert math.isnan(float(row["target"]))
        assert not bool(row["forecastable"])
        assert "unavailable" in row["note"]


def test_pm25_city_is_case_insensitive_and_checked():
    cat, ds = load_pm25("ShenYang", year=2014, as_of="2014-06")
    assert cat.year == 2014
    assert "PM25_SHENYANG_2015" not in cat.indicators
    assert pd.Timestamp(ds.month.values[-1]) == pd.Timestamp("2014-06-01")
    assert ds.attrs["excluded_after_as_of"] == 52584 - (365 + 365 + 365 + 366 + 181) * 24
    with pytest.raises(
        DataValidationError,
        match=r"Unknown city 'harbin'.*'beijing', 'shanghai', "
        r"'shenyang'",
    ):
        load_pm25("harbin")


# --------------------------------------------------------------------------- GB 3095 rule


def synthetic_hourly(path: Path) -> Path:
    """2019 complete at 10·month μg/m³; 2020-01..04 with chosen gaps."""
    rows = []
    for ts in pd.date_range("2019-01-01", "2020-04-30 23:00", freq="h"):
        a = float(10 * ts.month) if ts.year == 2019 else 40.0 + ts.day
        b = a + 2.0  # the two stations differ by 2: hourly value is a + 1
        if ts.year == 2020:
            if ts.month == 1 and ts.day == 5 and ts.hour >= 19:
                a = b = math.nan  # 2020-01-05: 19 valid hours -> day excluded
            if ts.month == 1 and ts.day == 6 and ts.hour >= 20:
                a = b = math.nan  # 2020-01-06: 20 valid hours -> day kept
            if ts.month == 1 and ts.day == 7:
                b = math.nan  # one station down all day: mean of the other
            if ts.month == 2 and ts.day > 25:
                a = b = math.nan  # February: 25 valid days -> valid
            if ts.month == 3 and ts.day > 26:
                a = b = math.nan  # March: 26 valid days -> invalid
            if ts.month == 4 and ts.day > 27:
                a = b = math.nan  # April: 27 valid days -> valid
        rows.append((ts.year, ts.month, ts.day, ts.hour, a, b))
    frame = pd.DataFrame(rows, columns=["year", "month", "day", "hour", "PM_Site", "PM_US Post"])
    frame.insert(0, "No", np.arange(1, len(frame) + 1))
    frame.to_csv(path, index=False, na_rep="NA")
    return path


def test_gb3095_rule_on_synthetic_data(tmp_path):
    path = synthetic_hourly(tmp_path / "SyntheticPM.csv")
    cat, ds = load_pm25("shenyang", path)
    v = ds["value"].sel(indicator="PM25_SHENYANG_2020", region="province")
    # January: day 5 (19 valid hours) excluded, day 6 (20 hours) kept, day 7 station a only
    jan_days = [40.0 + d + 1 for d in range(1, 32) if d not in (5, 7)] + [40.0 + 7]
    assert v.sel(month="2020-01-01").item() == pytest.approx(np.mean(jan_days), rel=1e-12)
    assert v.sel(month="2020-02-01").item() == pytest.approx(np.mean([41 + d for d in range(1, 26)]))
    assert math.isnan(v.sel(month="2020-03-01").item())
    assert v.sel(month="2020-04-01").item() == pytest.approx(np.mean([41 + d for d in range(1, 28)]))
    assert ds.attrs["invalid_months"] == "2020-03"
    # 2019 complete: day-weighted annual mean of 10·m + 1 -> target for 2020
    days = np.array([calendar.monthrange(2019, m)[1] for m in range(1, 13)])
    annual_2019 = float(np.dot(10 * np.arange(1, 13) + 1, days) / days.sum())
    row = cat.row("PM25_SHENYANG_2020")
    assert float(row["baseline"]) == pytest.approx(annual_2019, rel=1e-12)
    assert float(row["target"]) == pytest.approx(0.95 * annual_2019, rel=1e-12)
    assert math.isnan(float(cat.row("PM25_SHENYANG_2019")["target"]))


def test_gb3095_reduction_pct(tmp_path):
    path = synthetic_hourly(tmp_path / "SyntheticPM.csv")
    cat, _ = load_pm25("shenyang", path, reduction_pct=10)
    base = float(cat.row("PM25_SHENYANG_2020")["baseline"])
    assert float(cat.row("PM25_SHENYANG_2020")["target"]) == pytest.approx(0.9 * base)
    chg_cat, _ = load_pm25("shenyang", path, reduction_pct=10, target="change")
    assert float(chg_cat.row("PM25CHG_SHENYANG_2020")["target"]) == -10.0
    with pytest.raises(ValueError, match=r"The 'reduction_pct' parameter of load_pm25"):
        load_pm25("shenyang", path, reduction_pct=120)
