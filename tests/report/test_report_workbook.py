"""The workbook next to attainment.csv, and the CSV's rounding."""

import numpy as np
import pandas as pd
import pytest

from longjiang_forecast.pipeline import TABLE_COLUMNS
from longjiang_forecast.report import rounded_table, write_workbook


def _rows():
    base = dict.fromkeys(TABLE_COLUMNS, np.nan)
    rows = [
        {**base, "indicator": "09a", "region": "harbin", "name_en": "Homes adapted", "name_zh": "适老化改造",
         "kind": "cumulative", "unit": "households (户)", "target": 4714.2, "comparator": ">=",
         "deadline": "2024-12-31", "observed": 3351.699, "observed_month": "2024-08",
         "p_met": 0.005868879790897067, "p_met_se": 0.0012, "median": 4283.4567, "status": "off track",
         "required_rate": 340.62, "model_rate": 0.5123456, "run_rate": 12.3456,
         "run_rate_months": "2024-07/2024-08"},
        {**base, "indicator": "19b", "region": "province", "name_en": "Rural roads", "name_zh": "",
         "kind": "cumulative", "unit": "km (公里)", "target": 4000.0, "comparator": ">=",
         "deadline": "2024-10-31", "observed": 3396.61234, "p_met": 0.94, "p_met_se": 0.004,
         "median": 4255.24567, "status": "on track"},
    ]  # fmt: skip
    return pd.DataFrame(rows)


def test_workbook_sheets_formats_colours_and_provenance(tmp_path):
    from openpyxl import load_workbook

    regions = pd.DataFrame({"region": ["harbin"], "name_zh": ["哈尔滨市"], "name_en": ["Harbin"]})
    path = write_workbook(
        _rows(), tmp_path / "attainment.xlsx", lang="zh", regions=regions,
        provenance={"library_version": "0.1.0", "seed": 2024, "model": "SeasonalShareModel",
                    "catalog": "package:catalog_2024.csv", "progress_sha256": "abc",
                    "data_vintage": "2024-08", "as_of": "2024-08", "store": None},
    )  # fmt: skip
    book = load_workbook(path)
    assert book.sheetnames == ["达标情况", "数据来源"]
    sheet = book["达标情况"]
    header = [c.value for c in sheet[1]]
    assert header[:4] == ["编号", "地区", "名称", "单位"] and sheet.auto_filter.ref == sheet.dimensions
    # province first; the prefecture named as in the catalogue, Chinese name, with an English fallback
    assert [sheet.cell(row=r, column=2).value for r in (2, 3)] == ["全省", "哈尔滨市"]
    assert (
        sheet.cell(row=2, column=3).value == "Rural roads"
        and sheet.cell(row=3, column=3).value == "适老化改造"
    )
    col = {name: i + 1 for i, name in enumerate(header)}
    km_median = sheet.cell(row=2, column=col["截止日取值中位数"])
    assert km_median.value == pytest.approx(4255.24567) and km_median.number_format == "#,##0.0"
    homes = sheet.cell(row=3, column=col["目标"])
    assert homes.value == pytest.approx(4714.2) and homes.number_format == "#,##0"
    assert sheet.cell(row=3, column=col["达标概率"]).number_format == "0.00"
    # rates per month are finer than the unit: 0.512 households a month is neither 0 nor 1
    assert sheet.cell(row=3, column=col["所需月均进度"]).number_format == "#,##0"
    assert sheet.cell(row=3, column=col["模型预期月均进度（剩余月份）"]).number_format == "#,##0.000"
    assert sheet.cell(row=3, column=col["近期月均进度"]).number_format == "#,##0.0"
    assert sheet.cell(row=3, column=col["近期进度所覆盖月份"]).value == "2024-07/2024-08"
    status = sheet.cell(row=3, column=col["状态"])
    assert status.value.startswith("严重滞后") and status.fill.fgColor.rgb.endswith("F46D43")
    assert [c.value for c in book["数据来源"][1]] == ["项目", "内容", "键"]
    prov = {row[2].value: (row[0].value, row[1].value) for row in book["数据来源"].iter_rows(min_row=2)}
    assert prov["seed"] == ("随机种子", 2024) and prov["data_vintage"] == ("数据截止", "2024-08")
    assert prov["library_version"] == ("软件版本", "0.1.0")
    assert prov["model"] == ("模型", "参考类季节份额模型（SeasonalShareModel）")
    assert prov["catalog"] == ("目标清单", "内置 2024 年目标清单")
    assert prov["store"][1] is None  # no --store: an empty cell, not the word None


def test_csv_rounds_values_to_the_unit_plus_two_and_probabilities_to_four():
    out = rounded_table(_rows())
    assert out.loc[0, "p_met"] == 0.0059 and out.loc[0, "observed"] == 3351.70  # households: 0 + 2 decimals
    assert out.loc[0, "model_rate"] == 0.51 and out.loc[0, "run_rate"] == 12.35  # rates too
    assert out.loc[1, "median"] == 4255.246 and out.loc[1, "observed"] == 3396.612  # km: 1 + 2 decimals
    assert list(out.columns) == list(TABLE_COLUMNS) and out.loc[0, "status"] == "off track"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_basis_and_reason_speak_the_sheets_language(tmp_path, lang):
    from openpyxl import load_workbook

    basis = (
        "reference class: 42 earlier series-year(s) of the family (14 region(s), 2021-2023); prior of the "
        "year's total: the plan (log sd 0.25); earlier years weighted by how much of their month-8 "
        "progress was done by month 4"
    )
    rows = _rows().assign(basis=[basis, np.nan], reason=[np.nan, "qualitative: no number to forecast"])
    sheet = load_workbook(write_workbook(rows, tmp_path / "a.xlsx", lang=lang, provenance={})).active
    header = [cell.value for cell in sheet[1]]
    cells = {sheet.cell(row=r, column=1).value: r for r in (2, 3)}
    said = sheet.cell(row=cells["09a"], column=header.index("依据" if lang == "zh" else "basis") + 1).value
    why = sheet.cell(
        row=cells["19b"],
        column=header.index("无法预测的原因" if lang == "zh" else "reason for no forecast") + 1,
    ).value
    if lang == "zh":
        assert said == (
            "参考类：同类指标往年 42 个序列年（14 个地区，2021–2023年）；全年总量的先验：计划值（对数标准差 "
            "0.25）；往年按其 8 月进度中 4 月前已完成的比例加权"
        )
        assert why == "定性指标：没有可预测的数值"
    else:
        assert said == basis and why == "qualitative: no number to forecast"


@pytest.mark.parametrize(
    ("lang", "header", "late_text", "console"),
    [
        ("zh", "达标月份（中位数）", "2024-10 逾期", {"09a": "10月逾期", "19b": "9月"}),
        ("en", "reached (median month)", "2024-10 late", {"09a": "Oct late", "19b": "Sep"}),
    ],
)
def test_workbook_marks_a_first_passage_after_the_deadline_as_the_console_does(
    tmp_path, lang, header, late_text, console
):
    from openpyxl import load_workbook

    from longjiang_forecast.report._console import attainment_view

    rows = _rows()
    rows["first_passage_median"] = ["2024-10", "2024-09"]
    rows.loc[0, "deadline"] = "2024-10-20"
    rows["first_passage_late"] = [True, False]  # 09a due 20 October: judged on September's report
    rows["observed_month"] = "2024-08"
    path = write_workbook(rows, tmp_path / "a.xlsx", lang=lang, provenance={})
    sheet = load_workbook(path).active
    col = [c.value for c in sheet[1]].index(header) + 1
    by_id = {sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=col).value for r in (2, 3)}
    assert by_id == {"09a": late_text, "19b": "2024-09"}
    view = attainment_view(rows, lang=lang).set_index("indicator")["reached"]
    assert view.to_dict() == console  # one rule, the console naming a month of the deadline's year


def test_a_small_count_keeps_its_fraction_in_the_workbook_and_the_console(tmp_path):
    from openpyxl import load_workbook

    from longjiang_forecast.report._console import attainment_view

    rows = (
        _rows()
        .iloc[:1]
        .assign(
            unit="cities (座)",
            target=3.0,
            observed=2.02,
            q10=2.96,
            median=3.2,
            q90=3.48,
            region="province",
            expected_shortfall=0.49,  # a fraction of a city: not "0"
        )
    )
    sheet = load_workbook(write_workbook(rows, tmp_path / "a.xlsx", lang="en", provenance={})).active
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    formats = {h: sheet.cell(row=2, column=col[h]).number_format for h in
               ("latest report", "10% at deadline", "median at deadline", "target",
                "expected shortfall")}  # fmt: skip
    assert formats == {"latest report": "#,##0.00", "10% at deadline": "#,##0.00",
                       "median at deadline": "#,##0.0", "target": "#,##0",
                       "expected shortfall": "#,##0.00"}  # fmt: skip
    view = attainment_view(rows, lang="en").iloc[0]
    assert view["observed"].startswith("2.02") and view["range"] == "2.96–3.48" and view["median"] == "3.2"


def test_zh_workbook_gives_basis_and_reason_in_chinese(tmp_path):
    from openpyxl import load_workbook

    rows = _rows().assign(
        basis=[
            "reference class: 42 earlier series-year(s) of the family (13 region(s), 2019-2023); "
            "prior of the year's total: the plan (log sd 0.25); behind the earlier years' pace: 35% "
            "weight on a late start (from a start month yet unknown, the months deliver what they did in "
            "earlier years; the months lost are not made up)",
            "",
        ],
        reason=["", "qualitative: no number to forecast"],
    )
    sheet = load_workbook(write_workbook(rows, tmp_path / "a.xlsx", lang="zh", provenance={})).active
    col = {c.value: i + 1 for i, c in enumerate(sheet[1])}
    assert sheet.cell(row=3, column=col["依据"]).value == (
        "参考类：同类指标往年 42 个序列年（13 个地区，2019–2023年）；"
        "全年总量的先验：计划值（对数标准差 0.25）；"
        "落后于往年进度：晚开工情形权重 35%（开工月份未知，此后各月完成往年同期的量，已损失的月份不补回）"
    )
    assert sheet.cell(row=2, column=col["无法预测的原因"]).value == "定性指标：没有可预测的数值"
    en = load_workbook(
        write_workbook(rows, tmp_path / "e.xlsx", lang="en", provenance={"seed": 1})
    ).worksheets
    assert en[0].cell(row=3, column=col["依据"]).value.startswith("reference class: 42")
    assert [c.value for c in en[1][2]] == ["seed", 1]


@pytest.mark.parametrize(
    "text",
    [
        "an annual mean needs at least one earlier year of monthly values",
        "no earlier year has a value for month(s) [11, 12]",
        "the seasonal-share model forecasts '>=' targets for counts and levels",
        "a level needs last year's value: add a 'baseline' to the catalogue or the December report of last "
        "year to the progress file",
        "a change against last year needs last year's value: add a 'baseline' to the catalogue or all 12 "
        "monthly values of last year to the progress file",
        "a milestone target must be a whole number (>= 1) of projects with '>='",
        "deadline 2024-06-30 passed by the as-of month 2024-08 without the report it is judged on (2024-06; "
        "the latest report is of 2024-05): a past deadline is settled from the reports, not forecast; "
        "add the reports up to 2024-06 to settle it",
        "deadline 2024-06-30 passed by the as-of month 2024-08 without the report it is judged on (2024-06; "
        "no report yet): a past deadline is settled from the reports, not forecast; add the reports up to "
        "2024-06 to settle it",
        "prefectures ['heihe'] have no reports of this indicator (this year or earlier years of its family): "
        "the province is the total of all 13 of its prefectures",
        "log-normal seasonal profile from 5 earlier year(s) (2019-2023); month-to-month sd 0.123 on 50 "
        "degree(s) of freedom and 4 of prior, year-to-year sd 0.081 on 4 and 3 of prior",
        "sum of the 13 prefectures' forecasts, path by path; not reported, simulated: harbin 2024-08",
    ],
)
def test_reasons_and_bases_in_chinese(text):
    import re

    from longjiang_forecast.report._text import in_chinese

    zh = in_chinese(text)
    assert re.search(r"[\u4e00-\u9fff]", zh)
    # no English word left but the user's region ids and the word 'baseline' (a catalogue column)
    assert re.findall(r"[A-Za-z]{3,}", zh) in ([], ["heihe"], ["harbin"], ["baseline"]), zh
