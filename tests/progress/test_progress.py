"""Tests of read_progress / write_progress on small hand-written files."""

from __future__ import annotations

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.provenance import file_sha256
from longjiang_forecast.catalog import Catalog, load_catalog, load_regions
from longjiang_forecast.progress import read_progress, write_progress

COLUMNS = (
    "indicator", "region", "year", "item", "name_zh", "name_en", "unit", "target", "comparator",
    "approximate", "wording", "kind", "deadline", "deadline_source", "responsible", "lower_bound",
    "upper_bound", "baseline", "tags", "family", "note", "target_basis", "forecastable",
)  # fmt: skip


def _row(indicator: str, kind: str, unit: str, target: float, comparator: str = ">=") -> dict:
    return {
        "indicator": indicator, "region": "province", "year": 2024, "item": 1,
        "name_zh": f"指标{indicator}", "name_en": f"indicator {indicator}", "unit": unit,
        "target": target, "comparator": comparator, "approximate": False, "wording": "",
        "kind": kind, "deadline": pd.Timestamp("2024-12-31"), "deadline_source": "test",
        "responsible": "", "lower_bound": np.nan, "upper_bound": np.nan, "baseline": np.nan,
        "tags": "", "family": indicator, "note": "", "target_basis": "official list",
        "forecastable": kind != "qualitative",
    }  # fmt: skip


def make_catalog() -> Catalog:
    rows = [
        _row("01a", "cumulative", "households (户)", 15000.0),
        _row("02", "cumulative", "10k persons (万人)", 19.67),
        _row("03", "level", "coverage (%)", 95.0),
        _row("04", "change", "% change vs previous year", -5.0, "<="),
        _row("05", "qualitative", "", np.nan, ""),
        _row("06", "milestone", "projects (个)", 10.0),
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["item"] = table["item"].astype("Int64")
    return Catalog(year=2024, table=table, regions=load_regions(), source="test")


CAT = make_catalog()
HEADER = "indicator,region,month,value\n"


def write(tmp_path: Path, body: str, header: str = HEADER, name: str = "progress.csv") -> Path:
    path = tmp_path / name
    path.write_text(header + body, encoding="utf-8")
    return path


GOOD = (
    "01a,province,2024-01,1200\n"
    "01a,province,2024-02,2500\n"
    "01a,province,2024-04,5100\n"  # March missing
    "01a,harbin,2024-02,800\n"
    "03,province,2024-03,40.5\n"
    "04,province,2024-02,96.75\n"
)


# --------------------------------------------------------------------------- good input


def test_reads_values_coords_and_attrs(tmp_path):
    path = write(tmp_path, GOOD)
    ds = read_progress(path, CAT)
    assert ds["value"].dims == ("indicator", "region", "month")
    assert ds["value"].dtype == np.float64
    assert list(ds.indicator.values) == ["01a", "03", "04"]
    assert list(ds.region.values) == ["province", "harbin"]
    assert ds.month.dtype == np.dtype("datetime64[ns]")
    assert list(pd.DatetimeIndex(ds.month.values).strftime("%Y-%m")) == [
        "2024-01", "2024-02", "2024-03", "2024-04",
    ]  # fmt: skip
    v = ds["value"].sel(indicator="01a", region="province")
    assert v.sel(month="2024-01-01").item() == 1200.0
    assert v.sel(month="2024-04-01").item() == 5100.0
    assert ds["value"].sel(indicator="04", region="province", month="2024-02-01").item() == 96.75
    assert list(ds["unit"].values) == [
        "households (户)",
        "coverage (%)",
        "% change vs previous year",
    ]
    assert list(ds["kind"].values) == ["cumulative", "level", "change"]
    assert ds.attrs["source"] == str(path)
    assert ds.attrs["sha256"] == file_sha256(path)
    assert ds.attrs["catalog_year"] == 2024
    assert ds.attrs["n_rows"] == 6
    assert "as_of" not in ds.attrs
    assert "revisions_accepted" not in ds.attrs
    assert "reported_on" not in ds and "note" not in ds


def test_missing_months_stay_nan(tmp_path):
    ds = read_progress(write(tmp_path, GOOD), CAT)
    v = ds["value"].sel(indicator="01a", region="province")
    assert math.isnan(v.sel(month="2024-03-01").item())
    harbin = ds["value"].sel(indicator="01a", region="harbin")
    assert int(harbin.notnull().sum()) == 1
    # nothing reported for '03' in harbin: all NaN, never filled
    assert bool(ds["value"].sel(indicator="03", region="harbin").isnull().all())


def test_month_coord_starts_in_january_of_earliest_year(tmp_path):
    body = "01a,province,2023-11,14000\n01a,province,2024-02,2500\n"
    ds = read_progress(write(tmp_path, body), CAT)
    months = pd.DatetimeIndex(ds.month.values)
    assert months[0] == pd.Timestamp("2023-01-01")
    assert months[-1] == pd.Timestamp("2024-02-01")
    assert len(months) == 14


def test_chinese_region_names(tmp_path):
    body = (
        "01a,哈尔滨,2024-01,300\n"
        "01a,齐齐哈尔市,2024-01,120\n"
        "01a,大兴安岭地区,2024-01,10\n"
        "01a,全省,2024-01,1200\n"
        "01a,Mudanjiang,2024-01,90\n"
    )
    ds = read_progress(write(tmp_path, body), CAT)
    assert list(ds.region.values) == ["province", "harbin", "qiqihar", "mudanjiang", "daxinganling"]
    assert ds["value"].sel(indicator="01a", month="2024-01-01").values.tolist() == [
        1200.0, 300.0, 120.0, 90.0, 10.0,
    ]  # fmt: skip


def test_optional_columns_and_bom(tmp_path):
    path = tmp_path / "bom.csv"
    path.write_text(
        "indicator,region,month,value,reported_on,note\n"
        "01a,province,2024-01,1200,2024-02-05,first\n"
        "01a,province,2024-02,2500,,\n",
        encoding="utf-8-sig",
    )
    ds = read_progress(path, CAT)
    assert ds["reported_on"].sel(indicator="01a", region="province").values.tolist() == [
        "2024-02-05", "",
    ]  # fmt: skip
    assert ds["note"].sel(indicator="01a", region="province").values.tolist() == ["first", ""]


def test_reported_on_in_the_forms_an_office_writes_dates(tmp_path):
    """2024/2/5, 2024.2.5, 2024年2月5日 and an Excel date cell's midnight are one date, stored as
    YYYY-MM-DD; a month-first or impossible date is refused naming the forms read."""
    header = "indicator,region,month,value,reported_on\n"
    body = (
        "01a,province,2024-01,1200,2024/2/5\n01a,province,2024-02,2500,2024.3.6\n"
        "01a,province,2024-03,3600,2024年4月7日\n01a,province,2024-04,4700,2024-05-08 00:00:00\n"
    )
    ds = read_progress(write(tmp_path, body, header), CAT)
    assert ds["reported_on"].sel(indicator="01a", region="province").values.tolist() == [
        "2024-02-05", "2024-03-06", "2024-04-07", "2024-05-08",
    ]  # fmt: skip
    for bad in ("5/2/2024", "2024-02-30"):
        with pytest.raises(DataValidationError, match=r"'reported_on' has value .*also read: 2025/4/5"):
            read_progress(write(tmp_path, f"01a,province,2024-01,1200,{bad}\n", header), CAT)


def test_blank_lines_do_not_shift_row_numbers(tmp_path):
    body = "01a,province,2024-01,1200\n,,,\n\n01a,province,2024-02,abc\n"
    with pytest.raises(DataValidationError, match=r"row 5 \(indicator '01a'.*'value'"):
        read_progress(write(tmp_path, body), CAT)
    ok = read_progress(write(tmp_path, "01a,province,2024-01,1200\n\n"), CAT)
    assert ok.attrs["n_rows"] == 1


def test_as_of_recorded(tmp_path):
    ds = read_progress(write(tmp_path, GOOD), CAT, as_of=pd.Timestamp("2024-04-15"))
    assert ds.attrs["as_of"] == "2024-04"


def test_fall_across_new_year_is_not_a_fall(tmp_path):
    body = "01a,province,2023-12,14800\n01a,province,2024-01,900\n"
    ds = read_progress(write(tmp_path, body), CAT)
    assert ds["value"].sel(indicator="01a", region="province").dropna("month").values.tolist() == [
        14800.0, 900.0,
    ]  # fmt: skip


# --------------------------------------------------------------------------- excel


def test_xlsx_reading(tmp_path):
    path = tmp_path / "progress.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "month", "value", "note"])
    ws.append(["01a", "province", "2024-01", 1200, "月报"])
    ws.append(["01a", "哈尔滨市", "2024-02", 800.5, None])
    ws.append(["01a", "province", pd.Timestamp("2024-03-01").to_pydatetime(), 3100, None])
    wb.save(path)
    ds = read_progress(path, CAT)
    assert list(ds.region.values) == ["province", "harbin"]
    v = ds["value"].sel(indicator="01a")
    assert v.sel(region="province").values[[0, 2]].tolist() == [1200.0, 3100.0]
    assert math.isnan(v.sel(region="province", month="2024-02-01").item())
    assert v.sel(region="harbin", month="2024-02-01").item() == 800.5
    assert ds["note"].sel(indicator="01a", region="province", month="2024-01-01").item() == "月报"


def test_xlsx_errors_use_spreadsheet_rows(tmp_path):
    path = tmp_path / "bad.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "month", "value"])
    ws.append(["01a", "province", "2024-01", 1200])
    ws.append(["01a", "province", "2024-02", "n/a"])
    wb.save(path)
    with pytest.raises(DataValidationError, match=r"(?s)bad\.xlsx.*row 3 .*field 'value'.*'n/a'"):
        read_progress(path, CAT)


# --------------------------------------------------------------------------- round trip


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_round_trip(tmp_path, suffix):
    src = tmp_path / "in.csv"
    src.write_text(
        "indicator,region,month,value,reported_on,note\n"
        "01a,province,2023-12,14950.25,2024-01-10,年末\n"
        "01a,province,2024-01,1200,2024-02-05,\n"
        "01a,哈尔滨,2024-03,10.5,,revised\n"
        "02,province,2024-02,3.3333333333333335,,\n"
        "04,province,2024-02,96.75,,\n",
        encoding="utf-8",
    )
    ds = read_progress(src, CAT)
    out = write_progress(ds, tmp_path / f"out{suffix}")
    assert out == tmp_path / f"out{suffix}"
    back = read_progress(out, CAT)
    if suffix == ".csv":
        xr.testing.assert_identical(back.drop_attrs(), ds.drop_attrs())
    else:  # Excel keeps 15 significant digits
        xr.testing.assert_allclose(back.drop_attrs(), ds.drop_attrs(), rtol=1e-14)
        xr.testing.assert_identical(back.drop_vars("value").drop_attrs(), ds.drop_vars("value").drop_attrs())
    assert back.attrs["n_rows"] == 5


def test_write_progress_rows(tmp_path):
    ds = read_progress(write(tmp_path, GOOD), CAT)
    out = write_progress(ds, tmp_path / "out.csv")
    frame = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == ["indicator", "region", "month", "value"]
    assert len(frame) == 6
    assert frame.iloc[0].tolist() == ["01a", "province", "2024-01", "1200"]
    assert "2024-03" not in set(frame.loc[frame.region == "province", "month"][:3])


def test_write_progress_rejects_bad_input(tmp_path):
    ds = read_progress(write(tmp_path, GOOD), CAT)
    with pytest.raises(DataValidationError, match=r"unsupported file type '\.json'"):
        write_progress(ds, tmp_path / "out.json")
    with pytest.raises(DataValidationError, match=r"needs a Dataset with a 'value' variable"):
        write_progress(ds.rename({"value": "v"}), tmp_path / "out.csv")


# --------------------------------------------------------------------------- bad files


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv"):
        read_progress(tmp_path / "nope.csv", CAT)


def test_unsupported_extension(tmp_path):
    path = tmp_path / "progress.xls"
    path.write_bytes(b"")
    with pytest.raises(
        DataValidationError, match=r"progress\.xls: the old Excel 97-2003 format \(\.xls\) is not read"
    ):
        read_progress(path, CAT)
    path = tmp_path / "progress.json"
    path.write_bytes(b"{}")
    with pytest.raises(
        DataValidationError, match=r"progress\.json: unsupported file type '\.json'\. Progress files"
    ):
        read_progress(path, CAT)


def test_empty_file(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"empty\.csv: the file is empty"):
        read_progress(path, CAT)


def test_empty_workbook(tmp_path):
    path = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(DataValidationError, match=r"empty\.xlsx: the file is empty"):
        read_progress(path, CAT)


def test_header_only(tmp_path):
    with pytest.raises(DataValidationError, match=r"header row but no data rows"):
        read_progress(write(tmp_path, ""), CAT)


def test_missing_column(tmp_path):
    path = write(tmp_path, "01a,province,1200\n", header="indicator,region,value\n")
    with pytest.raises(DataValidationError, match=r"missing required column\(s\) \['month'\]"):
        read_progress(path, CAT)


def test_unknown_column(tmp_path):
    path = write(tmp_path, "01a,province,2024-01,1200,x\n", header="indicator,region,month,value,comment\n")
    with pytest.raises(
        DataValidationError,
        match=r"unknown column\(s\) \['comment'\].*Accepted columns: \['indicator', 'region', "
        r"'month', 'value', 'reported_on', 'note'\]",
    ):
        read_progress(path, CAT)


# --------------------------------------------------------------------------- bad rows


def test_unknown_indicator(tmp_path):
    body = "01a,province,2024-01,1200\n99,province,2024-01,5\n"
    with pytest.raises(
        DataValidationError,
        match=r"progress\.csv: 1 problem in the progress file:\n  - field 'indicator' has value '99' in 1 "
        r"row \(row 3\), which is not in the 2024 catalogue\.\n"
        r"Known indicators: \['01a', '02', '03', '04', '05', '06'\]",
    ):
        read_progress(write(tmp_path, body), CAT)


def test_an_unknown_indicator_is_one_problem_with_its_rows_and_the_id_it_is_close_to(tmp_path):
    """09A, 9a or the indicator's name in every row of a month's file: one line each, the rows
    counted, the id suggested (a new-user pass got 20 lines of the same error, no hint)."""
    cat = load_catalog(2024)
    name = str(cat.table.loc[cat.table["indicator"] == "09a", "name_zh"].iloc[0])
    for written, hint in (("09A", "Did you mean '09a'?"), ("9a", "Did you mean '09a'?"),
                          (name, f"Did you mean '09a', the id of '{name}'?")):  # fmt: skip
        body = "".join(
            f"{written},{r},2024-0{m},{100 * m}\n" for r in ("harbin", "daqing") for m in (1, 2, 3, 4)
        )
        with pytest.raises(DataValidationError) as info:
            read_progress(write(tmp_path, body), cat)
        message = str(info.value)
        assert message.count("field 'indicator'") == 1 and "1 problem in the progress file" in message
        assert f"has value {written!r} in 8 rows (row 2, row 3, row 4, row 5, row 6 and 3 more)" in message
        assert hint in message


def test_unknown_region(tmp_path):
    body = "01a,province,2024-01,1200\n01a,shenyang,2024-01,5\n"
    with pytest.raises(
        DataValidationError,
        match=r"1 problem in the progress file:\n  - field 'region' has value 'shenyang' in 1 row \(row 3\), "
        r"which is neither 'province' nor a region of the catalogue\.\n(.|\n)*Known regions: "
        r"\['province', 'harbin', 'qiqihar'",
    ):
        read_progress(write(tmp_path, body), CAT)


def test_a_misspelt_region_is_one_problem_with_a_suggestion(tmp_path):
    """哈尔宾市 on 12 rows: one problem naming its rows (first five and a count) and 哈尔滨市."""
    body = "".join(
        f"01a,哈尔宾市,2024-{m:02d},{100 * m}\n01a,Harbn,2024-{m:02d},{100 * m}\n" for m in range(1, 7)
    )
    with pytest.raises(DataValidationError) as err:
        read_progress(write(tmp_path, body), CAT)
    text = str(err.value)
    assert "2 problems in the progress file" in text
    assert (
        "field 'region' has value '哈尔宾市' in 6 rows (row 2, row 4, row 6, row 8, row 10 and 1 more),"
        " which is neither 'province' nor a region of the catalogue. Did you mean '哈尔滨市' (harbin)?"
    ) in text
    assert "value 'Harbn' in 6 rows (row 3, row 5," in text and "Did you mean 'harbin' (harbin)?" in text
    assert text.count("Known regions") == 1


def test_qualitative_indicator(tmp_path):
    with pytest.raises(DataValidationError, match=r"row 2 .*field 'indicator'.*'05'.*kind 'qualitative'"):
        read_progress(write(tmp_path, "05,province,2024-01,1\n"), CAT)


def test_full_width_digits_read_as_ascii(tmp_path):
    """１０２．５ and ２０２４－０２ (a Chinese input method): read as 102.5 and 2024-02."""
    plain = read_progress(write(tmp_path, "01a,province,2024-01,100\n01a,province,2024-02,102.5\n"), CAT)
    wide = tmp_path / "wide.csv"
    wide.write_text(
        "indicator,region,month,value\n01a,province,２０２４－０１,１００\n01a,province,２０２４－０２,１０２．５\n",
        encoding="utf-8",
    )
    read = read_progress(wide, CAT)
    np.testing.assert_array_equal(read["value"].values, plain["value"].values)
    assert float(read["value"].sel(indicator="01a", region="province", month="2024-02-01")) == 102.5


def test_duplicates_name_both_rows(tmp_path):
    body = "01a,province,2024-01,1200\n01a,harbin,2024-01,300\n01a,哈尔滨市,2024-01,310\n"
    with pytest.raises(
        DataValidationError,
        match=r"row 4 \(indicator '01a', region '哈尔滨市', month '2024-01'\): fields "
        r"'indicator', 'region', 'month' repeat row 3",
    ):
        read_progress(write(tmp_path, body), CAT)


@pytest.mark.parametrize("month", ["2024-13", "2024.1", "March", "24-03", "2024-00", "20248"])
def test_malformed_month(tmp_path, month):
    body = f"01a,province,2024-01,1200\n01a,province,{month},1300\n"
    with pytest.raises(
        DataValidationError,
        match=rf"row 3 .*field 'month' has value '{month}', which is not a month in YYYY-MM form",
    ):
        read_progress(write(tmp_path, body), CAT)


@pytest.mark.parametrize(
    ("month", "why"),
    [("2024-13", "13 is not a month number 1-12"), ("2024-00", "0 is not a month number 1-12"),
     ("2023-02-29", "a date that does not exist"),
     ("2024.1", r"ambiguous: as an Excel number, 2024\.10 shows as 2024\.1; write 2024\.01 or 2024-10"),
     ("45505", r"it looks like an Excel date serial number, 2024-08-01: format the column as a date in "
      r"Excel or WPS, or write the month as text"),
     # as statistical bulletins write a year-to-date figure, and a month without its year (break-it)
     ("2024年1-3月", r"a range of months: write the month the year-to-date value is of, its last month, "
      r"e\.g\. 2024-03; the file's values are year-to-date, from January"),
     ("2024年1月至6月", r"a range of months: .* e\.g\. 2024-06; .*"),
     ("3月", r"no year: write the month with its year, e\.g\. 2024-03 or 2024年3月")],
)  # fmt: skip
def test_month_that_is_not_a_month_says_why(month, why):
    frame = pd.DataFrame(
        {"indicator": "01a", "region": "province", "month": ["2024-01", month], "value": [1200, 1300]},
        index=["jan", "bad"],
    )
    with pytest.raises(
        DataValidationError,
        match=rf"index 'bad' .*field 'month' has value '{str(month)[:10]}', which is not a month in YYYY-MM "
        rf"form \({why}\)\. Write the month as YYYY-MM",
    ):
        read_progress(frame, CAT)


def test_a_month_range_and_a_month_without_its_year_are_told_in_chinese():
    from longjiang_forecast.report._text import in_chinese

    for month, said in (
        (
            "2024年1-3月",
            "（这是月份区间：请写累计值所到的月份，即区间的最后一个月，如 2024-03；",
        ),
        ("3月", "（缺少年份：请连同年份写出，如 2024-03 或 2024年3月）"),
        ("2023-02-29", "（该日期不存在）"),
    ):
        frame = pd.DataFrame({"indicator": "01a", "region": "province", "month": [month], "value": [1200]})
        with pytest.raises(DataValidationError) as err:
            read_progress(frame, CAT)
        assert said in in_chinese(str(err.value))


@pytest.mark.parametrize("as_of", ["2024-01", pd.Timestamp("2024-01-31")])
def test_month_after_as_of(tmp_path, as_of):
    body = "01a,province,2024-01,1200\n01a,province,2024-02,2500\n"
    with pytest.raises(
        DataValidationError,
        match=r"row 3 .*month '2024-02'\): field 'month' has value '2024-02', later than "
        r"as_of='2024-01'",
    ):
        read_progress(write(tmp_path, body), CAT, as_of=as_of)


def test_many_months_after_as_of_are_one_line(tmp_path):
    """A file read as of a month before most of its rows listed every later row (3,081 lines)."""
    body = "".join(f"01a,province,2024-{m:02d},{100 * m}\n" for m in range(1, 9))
    with pytest.raises(DataValidationError) as err:
        read_progress(write(tmp_path, body), CAT, as_of="2024-03")
    text = str(err.value)
    assert "1 problem in" in text
    assert re.search(
        r"5 rows \(row 5 .*first\) have months from 2024-04 to 2024-08, later than as_of='2024-03'\. "
        r"Drop rows after the as-of month or pass a later as_of \(the file's latest month is 2024-08\)",
        text,
    )


def test_bad_as_of_parameter(tmp_path):
    with pytest.raises(ValueError, match=r"The 'as_of' parameter of read_progress must be"):
        read_progress(write(tmp_path, GOOD), CAT, as_of="2024-13")


def test_non_numeric_value(tmp_path):
    body = '01a,province,2024-01,1200\n01a,province,2024-02,"1,30"\n'
    with pytest.raises(
        DataValidationError,
        match=r"row 3 \(indicator '01a', region 'province', month '2024-02'\): field 'value' "
        r"has value '1,30', which is not a number\. Enter a plain number",
    ):
        read_progress(write(tmp_path, body), CAT)


@pytest.mark.parametrize("written", ["0,640", "00,640", "3_640", "1,30"])
def test_a_decimal_comma_or_an_underscore_is_not_a_number(tmp_path, written):
    """0,640 is not 640 (a decimal comma); Python's float would read 3_640 as 3640."""
    body = f'01a,province,2024-01,1200\n01a,province,2024-02,"{written}"\n'
    with pytest.raises(
        DataValidationError, match=rf"field 'value' has value '{written}', which is not a number"
    ):
        read_progress(write(tmp_path, body), CAT)


def test_thousands_separators_are_read_as_in_the_catalogue(tmp_path):
    """A quoted "1,300" (a CSV saved from a cell formatted #,##0) is 1300, by the catalogue's rule."""
    body = '01a,province,2024-01,1200\n01a,province,2024-02,"1,300.5"\n'
    progress = read_progress(write(tmp_path, body), CAT)
    value = progress["value"].sel(indicator="01a", region="province").values
    assert value[-1] == 1300.5 and value[-2] == 1200


def test_empty_value(tmp_path):
    body = "01a,province,2024-01,1200\n01a,province,2024-02,\n"
    with pytest.raises(
        DataValidationError, match=r"row 3 .*field 'value' is empty\. Enter the reported figure"
    ):
        read_progress(write(tmp_path, body), CAT)


def test_negative_value(tmp_path):
    body = "01a,province,2024-01,-5\n"
    with pytest.raises(
        DataValidationError,
        match=r"1 problem(.|\n)*row 2 .*field 'value' has value '-5', which is negative; a "
        r"'cumulative' value cannot be negative\. Check the sign\.",
    ):
        read_progress(write(tmp_path, body), CAT)


def test_bad_reported_on(tmp_path):
    path = write(
        tmp_path,
        "01a,province,2024-01,1200,2024-02-30\n",
        header="indicator,region,month,value,reported_on\n",
    )
    with pytest.raises(DataValidationError, match=r"row 2 .*field 'reported_on'.*'2024-02-30'"):
        read_progress(path, CAT)


def test_falling_cumulative_is_rejected(tmp_path):
    body = "01a,province,2024-01,1200\n01a,province,2024-02,2500\n01a,province,2024-04,2400\n"
    with pytest.raises(
        DataValidationError,
        match=r"row 4 \(indicator '01a', region 'province', month '2024-04'\): field 'value' "
        r"falls from 2500 \(row 3, month 2024-02\) to 2400 \(row 4, month 2024-04\).*pass "
        r"allow_revisions=True to accept revised figures",
    ):
        read_progress(write(tmp_path, body), CAT)


def test_falling_milestone_is_rejected_but_level_may_fall(tmp_path):
    body = "06,province,2024-01,3\n06,province,2024-02,2\n03,province,2024-01,50\n"
    body += "03,province,2024-02,45\n"
    with pytest.raises(DataValidationError, match=r"1 problem(.|\n)*row 3 .*falls from 3 .*kind 'milestone'"):
        read_progress(write(tmp_path, body), CAT)


def test_allow_revisions_keeps_values_and_warns(tmp_path):
    body = "01a,province,2024-01,1200\n01a,province,2024-02,2500\n01a,province,2024-04,2400\n"
    with pytest.warns(UserWarning, match=r"1 fall\(s\) in cumulative series accepted"):
        ds = read_progress(write(tmp_path, body), CAT, allow_revisions=True)
    v = ds["value"].sel(indicator="01a", region="province").values
    assert v[[0, 1, 3]].tolist() == [1200.0, 2500.0, 2400.0]
    assert math.isnan(v[2])
    text = ds.attrs["revisions_accepted"]
    assert "'01a'/'province' falls from 2500 (row 3, 2024-02) to 2400 (row 4, 2024-04)" in text


def test_no_warning_without_falls(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ds = read_progress(write(tmp_path, GOOD), CAT, allow_revisions=True)
    assert "revisions_accepted" not in ds.attrs


def test_value_in_units_instead_of_wan(tmp_path):
    # '02' is in 万人 with target 19.67; 5,000 persons were entered as persons
    body = "02,province,2024-03,5000\n"
    with pytest.raises(
        DataValidationError,
        match=r"row 2 \(indicator '02', region 'province', month '2024-03'\): field 'value' "
        r"has value 5000, more than 20× the catalogue target 19\.67 \(10k persons \(万人\); "
        r"ratio 254\).*units instead of 万 \(10k\).*check_scale=False \(command line: "
        r"--no-scale-check\) turns this check off",
    ):
        read_progress(write(tmp_path, body), CAT)
    ds = read_progress(write(tmp_path, body), CAT, check_scale=False)
    assert ds["value"].sel(month="2024-03-01").item() == 5000.0


@pytest.mark.parametrize(
    ("row", "slip", "zh"),
    [("13c,province,2024-08,63500", r"entered in 万 instead of 亿 \(1 亿 = 10,000 万\)",
      "误按“万”而非“亿”填报"),
     ("13a,province,2024-08,800000", r"entered in metres instead of km \(1 km = 1,000 m\)",
      "误按“米”而非“公里”填报"),
     ("19b,province,2024-10,0.3", r"entered in 万 km \(万公里\) instead of km", "误按“万公里”而非“公里”填报"),
     ("09a,province,2024-10,1.2", r"entered in 万 \(10k\) instead of units", "误按“万”而非“个”填报")],
)  # fmt: skip
def test_a_value_far_from_its_target_names_the_slip_its_unit_suggests(tmp_path, catalog, row, slip, zh):
    """亿元 entered in 万元, km in metres or in 万公里: the message named 个 and 万 for all (break-it)."""
    from longjiang_forecast.report._text import in_chinese

    with pytest.raises(DataValidationError, match=rf"Was it {slip}, or ") as err:
        read_progress(write(tmp_path, row + "\n"), catalog)
    assert f"是否{zh}" in in_chinese(str(err.value))


# -- the 万-scale check: a unit slip is ~10,000x off all year, not one small early-season month
#: Cumulative share of the year's outcome by month of an outdoor construction family: idle
#: winter (0.3 km of 4,000 by March), the work between April and October.
OUTDOOR_SHARE = [0.0, 0.0, 0.3 / 4000, 0.04, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.0, 1.0]


def scale_catalog(tmp_path: Path) -> Catalog:
    lines = [
        "indicator,kind,unit,target,comparator,deadline,region,tags",
        "road,cumulative,km (公里),4000,>=,2024-10-31,province,outdoor",
        "pipes,cumulative,households (户),5200,>=,2024-10-31,province,outdoor",
        "jobs,cumulative,persons (人),60000,>=,2024-12-31,province,",
    ]
    path = tmp_path / "catalogue.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_catalog(path)


def series_rows(indicator: str, year: int, outcome: float, months: int = 12, factor: float = 1.0) -> str:
    return "".join(
        f"{indicator},province,{year}-{m:02d},{_fmt_value(outcome * OUTDOOR_SHARE[m - 1] * factor)}\n"
        for m in range(1, months + 1)
    )


def _fmt_value(x: float) -> str:
    return repr(round(x, 10))


def test_scale_construction_march_values_pass_without_history(tmp_path):
    cat = scale_catalog(tmp_path)
    body = (
        "road,province,2024-02,0\nroad,province,2024-03,0.3\n"  # 0.3 km of 4,000 in March
        "pipes,province,2024-03,1\n"  # 1 household of 5,200
        "jobs,province,2024-03,1\n"  # 1 person of 60,000
    )
    ds = read_progress(write(tmp_path, body), cat)
    march = ds["value"].sel(region="province", month="2024-03-01")
    assert march.sel(indicator="road").item() == 0.3
    assert march.sel(indicator="pipes").item() == 1.0
    assert march.sel(indicator="jobs").item() == 1.0
    # still small in May, then real progress: the early months were a season, not a unit slip
    body += "road,province,2024-05,2.5\nroad,province,2024-07,1700\n"
    assert read_progress(write(tmp_path, body), cat)["value"].sel(indicator="road").max().item() == 1700


def test_scale_construction_march_values_pass_against_history(tmp_path):
    cat = scale_catalog(tmp_path)
    history = "".join(series_rows("road", y, o) for y, o in ((2021, 3600), (2022, 4100), (2023, 3900)))
    history += "".join(series_rows("pipes", y, o) for y, o in ((2022, 5000), (2023, 5300)))
    body = history + "road,province,2024-03,0.3\npipes,province,2024-03,1\n"
    ds = read_progress(write(tmp_path, body), cat, as_of="2024-03")
    assert ds["value"].sel(indicator="road", region="province", month="2024-03-01").item() == 0.3
    # a late start, a token 0.5 km by May where every earlier year had 15 %, is not a unit slip
    late = history + "road,province,2024-03,0\nroad,province,2024-05,0.5\n"
    assert (
        read_progress(write(tmp_path, late), cat)["value"].sel(month="2024-05-01", indicator="road").item()
        == 0.5
    )
    # a slow year, 10x behind every earlier year by June, is not a unit slip either
    slow = history + series_rows("road", 2024, 4000, months=6, factor=0.1)
    assert (
        read_progress(write(tmp_path, slow), cat)["value"].sel(month="2024-06-01", indicator="road").item()
        == 120
    )


def test_scale_whole_file_in_wan_is_refused(tmp_path):
    # the target is in households; every figure of the file was entered in 万户 (1e-4 of it)
    cat = scale_catalog(tmp_path)
    body = series_rows("pipes", 2023, 5300, factor=1e-4) + series_rows(
        "pipes", 2024, 5200, months=5, factor=1e-4
    )
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, body), cat)
    message = str(info.value)
    # judged against the other year's season: the shares are right, the scale is not
    assert (
        "row 18 (indicator 'pipes', region 'province', month '2024-05'): field 'value' has value 0.078, "
        "less than 1/5,000 of the catalogue target 5200 (households (户); ratio 1.5e-05), its latest "
        "report of 2024, and less than 1/3,000 of the smallest share of the year's outcome that the "
        "series' other years (2023) had reached by month 5 (0.15). Was it entered in 万 (10k) instead "
        "of units, or is the catalogue's target mistyped?"
    ) in message
    assert "check_scale=False (command line: --no-scale-check) turns this check off" in message
    # a count is judged on its latest report of each year; 2023 has no complete other year
    assert "2 problems" in message
    assert "row 13 (indicator 'pipes', region 'province', month '2023-12')" in message
    assert "in its latest report of 2023 (month 12; no other year of the series" in message
    # without history, the same slip is refused on the latest report from June on
    alone = series_rows("pipes", 2024, 5200, months=7, factor=1e-4)
    with pytest.raises(DataValidationError, match=r"row 8 .*month '2024-07'.*in its latest report of 2024"):
        read_progress(write(tmp_path, alone), cat)
    assert read_progress(write(tmp_path, alone), cat, check_scale=False)["value"].count().item() == 7


def test_scale_whole_file_in_persons_for_a_wan_target_is_refused(tmp_path):
    # '02' is in 万人 (target 19.67); the whole year was entered in persons
    body = "".join(f"02,province,2024-{m:02d},{16000 * m}\n" for m in range(1, 8))
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, body), CAT)
    assert str(info.value).count("more than 20× the catalogue target 19.67") == 7


def test_scale_one_year_in_wan_among_good_years_is_refused(tmp_path):
    cat = scale_catalog(tmp_path)
    body = "".join(series_rows("road", y, o) for y, o in ((2022, 4100), (2023, 3900)))
    body += series_rows("road", 2024, 4000, months=4, factor=1e-4)  # April: 0.016 (km in 万)
    with pytest.raises(
        DataValidationError, match=r"month '2024-04'.*other years \(2022, 2023\) had reached by month 4"
    ):
        read_progress(write(tmp_path, body), cat)


def test_scale_a_lost_decimal_point_is_refused_against_the_series_own_season(tmp_path):
    """March's 12.3 km typed as 12300 (under the 20x rule): 3.1x the year's target, and thousands
    of times what any earlier year had by March; in January, when no earlier year had anything; a
    May's 600 km typed with two zeros too many likewise."""
    cat = scale_catalog(tmp_path)
    history = "".join(series_rows("road", y, o) for y, o in ((2021, 3600), (2022, 4100), (2023, 3900)))
    march = history + "road,province,2024-03,12300\n"
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, march), cat)
    assert (
        "(indicator 'road', region 'province', month '2024-03'): field 'value' has value 12300, 3.1× the "
        "catalogue target 4,000 (km (公里)) and 41,000× the largest share of the year's outcome that the "
        "series' other years (2021, 2022, 2023) had reached by month 3 (7.5e-05). Was a decimal point lost"
    ) in str(info.value)
    january = history + "road,province,2024-01,12300\n"
    with pytest.raises(
        DataValidationError, match=r"where the series' other years \(2021, 2022, 2023\) had nothing"
    ):
        read_progress(write(tmp_path, january), cat)
    may = (
        history + series_rows("road", 2024, 4000, months=4) + "road,province,2024-05,60000\n"
    )  # 600 typed 60000: 15x, under the 20x rule
    with pytest.raises(DataValidationError, match=r"month '2024-05'.*had reached by month 5"):
        read_progress(write(tmp_path, may), cat)
    assert read_progress(write(tmp_path, may), cat, check_scale=False)["value"].count().item() == 41


def test_scale_a_fast_year_is_not_a_slip(tmp_path):
    """A year 1.6x over its target by July (a plan set low) is far ahead of its record, not a slip;
    nor is a count twice its target with no earlier year to compare with."""
    cat = scale_catalog(tmp_path)
    history = "".join(series_rows("road", y, o) for y, o in ((2021, 3600), (2022, 4100), (2023, 3900)))
    fast = history + series_rows("road", 2024, 4000, months=7, factor=1.6 / OUTDOOR_SHARE[6])
    assert read_progress(write(tmp_path, fast), cat)["value"].sel(
        month="2024-07-01", indicator="road"
    ).item() == (pytest.approx(6400))
    alone = "road,province,2024-03,9000\n"  # no earlier year: the 20x rule only
    assert read_progress(write(tmp_path, alone), cat)["value"].count().item() == 1


def test_scale_an_earlier_year_that_rose_on_past_a_big_value_is_not_a_slip(tmp_path):
    """An earlier year 2.4x over the target by April, far ahead of its other years, and further by
    December: it beat its plan, the later reports vouch for it (before: refused, every run;
    benchmarks/third_generator). The same April above its own December is still a slip."""
    cat = scale_catalog(tmp_path)
    history = "".join(series_rows("road", y, o) for y, o in ((2021, 3600), (2023, 3900)))
    fast = "".join(f"road,province,2022-{m:02d},{9600 + 100 * m}\n" for m in range(4, 13))
    this_year = series_rows("road", 2024, 4000, months=5)
    read = read_progress(write(tmp_path, history + fast + this_year), cat)
    assert read["value"].sel(month="2022-04-01", indicator="road").item() == 10000
    slip = fast.replace("2022-04,10000", "2022-04,60000")  # April typed 6x over (under the 20x rule)
    with pytest.raises(DataValidationError, match=r"month '2022-04'.*had reached by month 4"):
        read_progress(write(tmp_path, history + slip + this_year), cat)
    # a December 5.1x the plan after a November near it, in a record of years over their plans (1.2x,
    # 1.25x): the year ended where it had been, within 5x of its record
    over = "".join(series_rows("road", y, o) for y, o in ((2021, 4800), (2023, 5000)))
    big = "".join(f"road,province,2022-{m:02d},{1700 * m}\n" for m in range(1, 13))
    read = read_progress(write(tmp_path, over + big + this_year), cat)
    assert read["value"].sel(month="2022-12-01", indicator="road").item() == 20400
    # the same December after a November of a tenth of it: a slip
    jump = (
        "".join(f"road,province,2022-{m:02d},{170 * m}\n" for m in range(1, 12))
        + "road,province,2022-12,20400\n"
    )
    with pytest.raises(DataValidationError, match=r"month '2022-12'.*had reached by month 12"):
        read_progress(write(tmp_path, over + jump + this_year), cat)
    # a whole year typed ten times over: each month vouched for by the next, but the year against its
    # plan is 9.5x, more than 5x what the other years did (a year 5x over its plan with no such
    # precedent is refused too, with the way out)
    tenfold = series_rows("road", 2022, 3800, factor=10)
    with pytest.raises(DataValidationError, match=r"month '2022-\d\d'.*had reached by month"):
        read_progress(write(tmp_path, over + tenfold + this_year), cat)


def test_level_outside_its_bounds_and_fraction_for_percent(tmp_path):
    cat = _catalog_with_level()
    with pytest.raises(DataValidationError, match=r"value 140, outside the bounds \[0, 100\] of 'L'"):
        read_progress(write(tmp_path, "L,province,2024-06,140\n"), cat)
    with pytest.raises(
        DataValidationError, match=r"value 0\.7, which looks like a fraction.*Enter percent, e\.g\. 70"
    ):
        read_progress(write(tmp_path, "L,province,2024-06,0.7\n"), cat)
    with pytest.raises(DataValidationError, match=r"Enter percent, e\.g\. 85\.01;"):  # not 85.00999999999999
        read_progress(write(tmp_path, "L,province,2024-06,0.8501\n"), cat)


def test_milestone_must_be_whole_projects_up_to_the_target(tmp_path):
    cat = _catalog_with_level()
    for bad in ("2.5", "5"):
        with pytest.raises(
            DataValidationError,
            match=r"a milestone value is the whole number of named projects done, from 0 to 4",
        ):
            read_progress(write(tmp_path, f"M,province,2024-06,{bad}\n"), cat)


def test_change_takes_the_measured_quantity(tmp_path):
    with pytest.raises(
        DataValidationError, match=r"a 'change' indicator takes the measured quantity.*not the % change"
    ):
        read_progress(write(tmp_path, "04,province,2024-06,-2\n"), CAT)


def _catalog_with_level():
    rows = [
        {**_row("L", "level", "% of counties", 80.0), "lower_bound": 0.0, "upper_bound": 100.0},
        {**_row("M", "milestone", "projects", 4.0), "lower_bound": 0.0, "upper_bound": 4.0},
    ]
    table = pd.DataFrame(rows, columns=list(COLUMNS))
    table["item"] = table["item"].astype("Int64")
    return Catalog(year=2024, table=table, regions=load_regions(), source="test")


def test_scale_uses_regional_target(tmp_path):
    # harbin's share of 15000 households is 4714 (largest remainder); 5,000,000 is > 20 × that
    body = "01a,harbin,2024-05,5000000\n"
    with pytest.raises(DataValidationError, match=r"catalogue target 4714 \(households"):
        read_progress(write(tmp_path, body), CAT)


def test_many_problems_are_collected(tmp_path):
    body = "".join(f"01a,province,2024-{m:02d},x\n" for m in range(1, 13))
    body += "".join(f"03,province,2023-{m:02d},y\n" for m in range(1, 13))
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, body), CAT)
    msg = str(info.value)
    assert msg.startswith(f"{tmp_path / 'progress.csv'}: 24 problems in the progress file:")
    assert msg.count("which is not a number") == 20
    assert "  ... and 4 more" in msg
    assert "row 2 (indicator '01a'" in msg and "row 21 (indicator '03'" in msg


def test_gbk_csv_from_chinese_excel_is_read_with_a_warning(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes((HEADER + "01a,哈尔滨,2024-03,120\n").encode("gbk"))
    with pytest.warns(UserWarning, match=r"read as GB18030 \(GBK\)"):
        ds = read_progress(path, CAT)
    assert ds["value"].sel(indicator="01a", region="harbin", month="2024-03-01").item() == 120.0


def test_binary_file_is_refused(tmp_path):
    path = tmp_path / "bin.csv"
    path.write_bytes(HEADER.encode() + b"\xff\xfe\x00\x81\x30\xff\xff\n")
    with pytest.raises(DataValidationError, match="neither UTF-8 nor GBK/GB18030"):
        read_progress(path, CAT)


def test_a_lone_month_of_an_earlier_year_is_warned_about(tmp_path):
    """2024-08 typed 2023-08 beside the 2024 reports: no model learns from a year without its
    December, so the row would change nothing; the reader says so, naming the row."""
    body = "".join(f"01a,harbin,2024-{m:02d},{100 * m}\n" for m in range(1, 8)) + "01a,harbin,2023-08,800\n"
    with pytest.warns(
        UserWarning, match=r"1 series hold a month or two of an earlier year .*01a/harbin: 2023-08 \(row 9\)"
    ) as caught:
        read_progress(write(tmp_path, body), CAT)
    from longjiang_forecast.report._text import in_chinese

    zh = in_chinese(str(caught[0].message))
    assert "往年数据只有在有 12 月报告时才会被模型使用" in zh and "An earlier year" not in zh
    complete = "".join(f"01a,harbin,2023-{m:02d},{90 * m}\n" for m in range(1, 13))  # a whole earlier year
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        read_progress(write(tmp_path, complete + body.replace("01a,harbin,2023-08,800\n", "")), CAT)


def test_the_scale_checks_messages_in_chinese(tmp_path):
    """--lang zh: the scale check's refusals (a lost decimal point, 20x, under 1/5,000) are Chinese,
    the numbers, ids and the way out kept."""
    from longjiang_forecast.report._text import in_chinese

    cat = scale_catalog(tmp_path)
    history = "".join(series_rows("road", y, o) for y, o in ((2021, 3600), (2022, 4100), (2023, 3900)))
    body = history + "road,province,2024-03,12300\npipes,province,2024-07,200000\n"
    body += "".join(series_rows("pipes", y, o) for y, o in ((2022, 5000), (2023, 5300)))
    body += "pipes,province,2024-06,0.03\n"
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, body), cat)
    zh = in_chinese(str(info.value))
    assert "的 3.1 倍，且是该序列其他年份（2021, 2022, 2023）截至 3 月已完成全年实绩的最大比例" in zh
    assert "超过目标值 5200（households (户)）的 20 倍" in zh
    assert "可用 check_scale=False（命令行：--no-scale-check）关闭此项检查" in zh
    for english in ("Was a decimal point lost", "more than 20×", "turns this check off", "Correct it"):
        assert english not in zh


def test_a_count_of_whole_things_that_is_not_whole_is_warned_of(tmp_path):
    """Households written 12.300 (a thousands separator as a dot) read as 12.3 households, and were
    forecast without a word. A count of whole things (户, 所) that is not whole is named; a level
    (an average over counties) and a count in km are not."""
    catalog = load_catalog(2024)
    path = tmp_path / "p.csv"
    path.write_text(
        "indicator,region,month,value\n09a,province,2024-06,12.300\n09a,province,2024-08,15.500\n"
        "13a,province,2024-08,604.3\n07b,province,2024-08,97.5\n",
        encoding="utf-8",
    )
    with pytest.warns(UserWarning, match=r"2 value\(s\) of counts of whole things") as caught:
        read_progress(path, catalog)
    said = " ".join(str(w.message) for w in caught)
    assert "row 2 (indicator '09a'" in said and ": 12.3;" in said and "row 3 (indicator '09a'" in said
    assert "13a" not in said and "07b" not in said


def test_a_gbk_file_whose_chinese_is_also_utf8_is_read_as_gbk(tmp_path):
    """GBK's 全省 (C8AB CAA1) is valid UTF-8 too ("ȫʡ"): a province-only file from Excel on Chinese
    Windows was refused for an unknown region 'ȫʡ' without a word of the encoding."""
    catalog = load_catalog(2024)
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(
        "indicator,region,month,value\n09a,全省,2024-01,1000\n09a,全省,2024-02,2000\n".encode("gbk")
    )
    assert gbk.read_bytes().decode("utf-8")  # the trap: it decodes as UTF-8
    with pytest.warns(UserWarning, match=r"read as GB18030 \(GBK\)"):
        ds = read_progress(gbk, catalog)
    assert list(ds["region"].values) == ["province"]
    latin = tmp_path / "latin.csv"  # é is Latin-1, not what GBK turns into: read as UTF-8, silently
    latin.write_text("indicator,region,month,value,note\n09a,province,2024-01,1000,Café\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert read_progress(latin, catalog)["note"].values.ravel()[0] == "Café"


def test_hidden_rows_of_a_workbook_are_read_and_named(tmp_path):
    """An office may hide the rows it means to leave out; they were read without a word. They are
    read as any other row (nothing is dropped silently) and named."""
    path = tmp_path / "p.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["indicator", "region", "month", "value"])
    for m in range(1, 5):
        ws.append(["09a", "province", f"2024-{m:02d}", 1000 * m])
    ws.row_dimensions[3].hidden = True
    wb.save(path)
    with pytest.warns(UserWarning, match=r"read 1 hidden row\(s\) as any other \(rows 3\)"):
        ds = read_progress(path, load_catalog(2024))
    assert ds["value"].sel(indicator="09a", region="province", month="2024-02-01").item() == 2000.0


def test_a_prefecture_that_stopped_reporting_is_named_not_dropped_silently(catalog):
    """Harbin reported 09a (no catalogue row of its own) in earlier years and not this year: it is
    not forecast (nothing but the plan to go on), and a warning says so and how to fix it; it
    dropped out of the table without a word (a break-it pass)."""
    from longjiang_forecast import ForecastWarning, build_state
    from longjiang_forecast.testing import synthetic_progress

    progress = synthetic_progress(catalog, seed=7)
    months = progress["month"].values
    progress["value"].loc[
        {"indicator": "09a", "region": "harbin", "month": months[months >= np.datetime64("2024-01")]}
    ] = np.nan
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        state = build_state(progress, catalog, as_of="2024-08")
    said = [str(w.message) for w in caught if issubclass(w.category, ForecastWarning)]
    assert [m for m in said if m.startswith("1 series reported in earlier years have no report in 2024")] == [
        "1 series reported in earlier years have no report in 2024 and no catalogue row of their own, so "
        "they are not forecast: 09a/harbin. Add their reports of 2024, or a catalogue row for each (it is "
        "then forecast from its plan and its earlier years)."
    ]
    pairs = set(zip(state["indicator"].values, state["region"].values, strict=True))
    assert ("09a", "harbin") not in pairs and ("09a", "qiqihar") in pairs
    assert json.loads(state.attrs["stopped_reporting"]) == [["09a", "harbin"]]  # the table's row


def test_a_catalogue_row_without_this_years_report_is_named_once_others_have_reported():
    """Harbin has a catalogue row of its own and earlier years, and no report by July while the other
    prefectures have reported: it is forecast from its plan and earlier years (status 'no report
    yet'), and a warning says so, in Chinese too; it said nothing (a break-it pass). While no region
    has reported the indicator, nothing is said."""
    from longjiang_forecast import ForecastWarning, build_state
    from longjiang_forecast.report._text import in_chinese
    from longjiang_forecast.testing import synthetic_families

    regions = ("harbin", "qiqihar", "daqing")
    fam = synthetic_families(seed=3, years=range(2020, 2025), regions=regions)
    progress = fam.progress.copy(deep=True)
    months = progress["month"].values
    silent = {"indicator": "SYN_RUSH_2024", "region": "harbin", "month": months >= np.datetime64("2024-01")}
    progress["value"].loc[silent] = np.nan

    def said(progress, as_of="2024-07"):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            state = build_state(progress.sel(month=slice(None, as_of)), fam.catalog, as_of=as_of)
        return state, [str(w.message) for w in caught if issubclass(w.category, ForecastWarning)]

    state, messages = said(progress)
    mine = [m for m in messages if "while other regions have reported" in m]
    assert mine == [
        "1 series have no report in 2024 up to 2024-07 while other regions have reported the same "
        "indicator: SYN_RUSH_2024/harbin. Their P(met) rests on the plan and earlier years alone (status "
        "'no report yet'); add their reports if they exist."
    ]
    assert in_chinese(mine[0]).startswith("1 个序列截至 2024-07 没有 2024 年的报告，而同一指标的其他地区")
    pick = (state["indicator"].values == "SYN_RUSH_2024") & (state["region"].values == "harbin")
    assert int(state["last_month"].values[pick][0]) == 0  # forecast, as 'no report yet'
    # while no region has reported the indicator this year, silence is the usual state
    del silent["region"]
    progress["value"].loc[silent] = np.nan
    assert [m for m in said(progress)[1] if "while other regions have reported" in m] == []


def test_a_total_carried_over_from_last_year_is_warned_of(tmp_path, catalog):
    """Harbin's 2023 total of 13a added to each 2024 report (counted 'since the project began'): 81 %
    of the target in January against about 2 % in earlier years, forecast 'achieved' without a word
    (a break-it pass). A warning names the series' first such report, with its share and the
    earlier years'; the figures are read as written. The series as reported is not named."""
    from longjiang_forecast import write_progress
    from longjiang_forecast.testing import synthetic_progress

    progress = synthetic_progress(catalog, seed=7).sel(indicator=["13a"])
    path = write_progress(progress, tmp_path / "as-reported.csv")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_progress(path, catalog)
    assert not [w for w in caught if "far ahead of their earlier years" in str(w.message)]
    months = progress["month"].values
    harbin = progress["value"].sel(indicator="13a", region="harbin")
    carried, january = float(harbin.sel(month="2023-12-01")), float(harbin.sel(month="2024-01-01"))
    this_year = {"indicator": "13a", "region": "harbin", "month": months[months >= np.datetime64("2024-01")]}
    progress["value"].loc[this_year] = progress["value"].loc[this_year] + carried
    path = write_progress(progress, tmp_path / "carried.csv")
    with pytest.warns(UserWarning, match="far ahead of their earlier years") as said:
        ds = read_progress(path, catalog)
    (line,) = [str(w.message) for w in said if "far ahead" in str(w.message)]
    assert line.startswith(
        f"{path}: 1 series' reports are far ahead of their earlier years by the same month: row "
    )
    assert "(indicator '13a', region 'harbin', month '2024-01')" in line
    assert "A total carried over from last year" in line
    read = float(ds["value"].sel(indicator="13a", region="harbin", month="2024-01-01"))
    assert read == pytest.approx(january + carried)  # read as written


def test_synthetic_counts_of_whole_things_read_back_as_reports(tmp_path):
    """The default job's synthetic data follows the reader's rules: counts of whole things (户, 个, 座...)
    in whole numbers around the catalogue's own split of the target, the province their sum. They
    were fractions (2.74 of 3 cities, Daxing'anling's 0.031 city a year), which a progress file may
    not hold."""
    from longjiang_forecast._core.units import counts_whole_things
    from longjiang_forecast.progress import write_progress
    from longjiang_forecast.testing import synthetic_progress

    catalog = load_catalog(2024)
    progress = synthetic_progress(catalog, seed=11)
    value = progress["value"]
    whole = [i for i, u in zip(value["indicator"].values, progress["unit"].values, strict=True)
             if counts_whole_things(str(u)) and catalog.row(i)["kind"] == "cumulative"]  # fmt: skip
    assert {"01a", "03a", "09a", "19a"} <= set(whole)
    for ind in whole:
        v = value.sel(indicator=ind).values
        assert np.array_equal(v[np.isfinite(v)], np.round(v[np.isfinite(v)])), ind
        prefectures = value.sel(indicator=ind).drop_sel(region="province")
        total = prefectures.sum("region", skipna=False)
        assert np.allclose(total, value.sel(indicator=ind, region="province"), equal_nan=True), ind
    # prefectures whose share of 3 cities is none report none
    cities = value.sel(indicator="03a", month="2024-08-01")
    assert {r for r in catalog.region_ids if cities.sel(region=r).item() > 0} <= {
        "harbin",
        "qiqihar",
        "suihua",
    }
    path = tmp_path / "synthetic.csv"
    write_progress(progress, path)
    back = read_progress(path, catalog)  # fractional counts of whole things are refused: none here
    assert np.array_equal(
        back["value"].sel(indicator="03a").values, value.sel(indicator="03a").values, equal_nan=True
    )


def test_progress_where_the_split_gives_no_share_is_refused_with_the_fix(tmp_path):
    """3 cities split by population go to Harbin, Qiqihar and Suihua: a report of a city from
    Daxing'anling contradicts the split. Before the split was in whole units, its target was 0.031
    city (refused as '20× the target'); with a target of 0 it was forecast 'achieved', median 3 cities
    [1, 13], from one report of 1. Now refused, naming the split and the fix; one problem per
    series-year, not per row."""
    catalog = load_catalog(2024)
    body = "".join(f"03a,daxinganling,2024-{m:02d},1\n" for m in (6, 7, 8)) + "03a,harbin,2024-08,1\n"
    with pytest.raises(DataValidationError) as info:
        read_progress(write(tmp_path, body), catalog)
    msg = str(info.value)
    assert "1 problem in the progress file" in msg
    assert (
        "row 2 (indicator '03a', region 'daxinganling', month '2024-06'): field 'value' reports progress "
        "of '03a' in 'daxinganling', whose target there is 0: the catalogue has no row of its own for it in "
        "2024, and the split of the provincial target by population (population share 2020 census "
        "(331276/31850088) of province target 3, in whole units by largest remainder) gives it none. Add a "
        "catalogue row (03a, daxinganling, 2024) with the target the province gave it, or check the region."
    ) in msg
    from longjiang_forecast.report._text import in_chinese

    assert "该地区在此的目标为 0：目标清单没有它 2024 年的专门行" in in_chinese(msg)
    # the split itself in Chinese too (it was quoted in English inside the Chinese sentence)
    assert (
        "按人口拆分全省目标（2020 年人口普查人口比例 331276/31850088，全省目标 3，按最大余数法取整）"
        "时它分得 0" in in_chinese(msg)
    )
    # a report of 0 there says nothing against the split; a row of its own gives it a target
    read_progress(write(tmp_path, "03a,daxinganling,2024-08,0\n", name="zero.csv"), catalog)
    own = catalog.table.loc[catalog.table["indicator"] == "03a"].assign(region="daxinganling", target=1.0)
    with_row = load_catalog(
        pd.concat([catalog.table, own], ignore_index=True).drop(columns=["year", "forecastable"])
    )
    ds = read_progress(write(tmp_path, body, name="own.csv"), with_row)
    assert ds["value"].sel(indicator="03a", region="daxinganling", month="2024-08-01").item() == 1.0
