"""The attainment table for people: decimals of each unit kind, language, names, width."""

import numpy as np
import pandas as pd
import pytest
from rich.cells import cell_len

from longjiang_forecast._core.names import display_name
from longjiang_forecast.pipeline import TABLE_COLUMNS
from longjiang_forecast.report import attainment_view, borderline_note, default_language, render_attainment


def test_names_in_the_chosen_language_with_fallback():
    """One name rule (``_core.names.display_name``) for the table, the workbook, the bulletin, the figures."""
    assert display_name("改造", np.nan, "en", "09a") == "改造"
    assert display_name("", "Roads", "zh", "19b") == "Roads"
    assert display_name(None, None, "zh", "19b") == "19b"
    assert display_name("改造", "09a", "en", "09a") == "改造"  # the loader's name_en = id counts as none


def test_default_language_from_the_locale_then_the_catalogue(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert default_language(["Roads"], ["道路"]) == "zh"
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    assert default_language(["Roads"], ["道路"]) == "en"
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert default_language(["Roads"], ["道路"]) == "en"
    assert default_language(["", np.nan], ["道路", "桥梁"]) == "zh"  # a catalogue with Chinese names only


def _table(**overrides):
    row = dict.fromkeys(TABLE_COLUMNS, np.nan)
    row.update(
        indicator="09a", region="province", name_en="Homes adapted for old age", name_zh="适老化改造",
        kind="cumulative", unit="households (户)", target=15000.0, comparator=">=", deadline="2024-12-31",
        observed=9894.2, observed_month="2024-08", p_met=0.73, p_met_se=0.007, q10=14283.4, median=15560.5,
        q90=101003.7, first_passage_median="2024-12", status="watch",
    )  # fmt: skip
    row.update(overrides)
    return pd.DataFrame([row])


@pytest.mark.parametrize(("lang", "words"), [("en", "no Monte Carlo error"), ("zh", "无蒙特卡罗误差")])
def test_a_table_of_settled_targets_says_there_is_no_monte_carlo_error(lang, words):
    """Every row settled from the reports: the footnote said 'standard error at most –' (a fourth break-it
    pass); a table with a forecast keeps its largest standard error."""
    settled = render_attainment(_table(p_met=1.0, p_met_se=0.0, status="achieved"), lang=lang, width=100)
    assert words in settled.replace("\n", "") and "–)" not in settled
    forecast = render_attainment(_table(), lang=lang, width=100).replace("\n", "").replace(" ", "")
    assert ("atmost0.007" if lang == "en" else "不超过0.007") in forecast
    none = render_attainment(
        _table(p_met=np.nan, p_met_se=np.nan, status="no forecast"), lang=lang, width=100
    )
    assert ("none of the targets shown has one" if lang == "en" else "所列目标均无") in none.replace(
        "\n", " "
    )


def test_the_view_formats_each_number_to_its_unit():
    view = attainment_view(_table(), lang="en").iloc[0]
    assert view["target"] == "≥ 15,000"
    assert view["observed"] == "9,894"  # of the month the header names (attrs["latest_month"])
    assert view["median"] == "15,560" and view["range"] == "14,283–101,004"
    assert view["p_met"] == "0.73" and view["unit"] == "households" and view["status"] == "watch"
    km = attainment_view(_table(unit="km (公里)", target=4000, median=4255.24), lang="zh").iloc[0]
    assert km["target"] == "≥ 4,000.0" and km["median"] == "4,255.2" and km["unit"] == "公里"
    assert km["status"] == "需关注" and km["name"] == "适老化改造" and km["observed"] == "9,894.2"
    # a latest report or median just short of the target never reads as the target
    short = attainment_view(_table(observed=14999.6, median=14999.96), lang="en").iloc[0]
    assert short["observed"] == "14,999.6" and short["median"] == "14,999.96"


def test_an_annual_means_latest_figure_says_it_is_the_mean_so_far():
    pm25 = dict(kind="annual_mean", unit="μg/m³", target=27.3, comparator="<=", observed=27.14, median=27.0)
    assert attainment_view(_table(**pm25), lang="en").iloc[0]["observed"] == "27.1 mean"
    assert attainment_view(_table(**pm25), lang="zh").iloc[0]["observed"] == "27.1 均值"
    # a count's latest figure is that month's report; a report of another month than the header's says it
    both = pd.concat([_table(), _table(indicator="09b"), _table(**pm25, observed_month="2024-06")])
    view = attainment_view(both, lang="en")
    assert view.attrs["latest_month"] == "2024-08" and view["observed"].tolist() == [
        "9,894",
        "9,894",
        "27.1 (Jan–Jun mean)",
    ]
    assert "latest (Aug)" in render_attainment(both, lang="en").replace("\n", " ").replace("  ", " ")


def test_a_first_passage_after_the_deadline_is_marked_late():
    late = _table(deadline="2024-10-20", first_passage_median="2024-11", first_passage_late=True)
    assert attainment_view(late, lang="en").iloc[0]["reached"] == "Nov late"
    assert attainment_view(late, lang="zh").iloc[0]["reached"] == "11月逾期"
    early = _table(first_passage_median="2025-01", first_passage_late=False)
    assert attainment_view(early, lang="en").iloc[0]["reached"] == "2025-01"
    # the mark is the summary's first_passage_late, nothing else (a missing flag is no mark)
    for flag in (False, np.nan, None):
        on_time = _table(deadline="2024-10-20", first_passage_median="2024-09", first_passage_late=flag)
        assert attainment_view(on_time, lang="zh").iloc[0]["reached"] == "9月"


def test_an_interval_with_a_negative_bound_reads_as_an_interval():
    # 16c of the default job (percent change, a reduction): "-6.759–-1.901" read as a subtraction
    cut = dict(unit="%", target=-0.7, comparator="<=", observed=-4.879, median=-4.455, q10=-6.759, q90=-1.901)
    assert attainment_view(_table(**cut), lang="en").iloc[0]["range"] == "−6.759 to −1.901"
    assert attainment_view(_table(**cut), lang="zh").iloc[0]["range"] == "−6.759至−1.901"
    across = attainment_view(_table(**{**cut, "q90": 0.655}), lang="en").iloc[0]["range"]
    assert across == "−6.759 to 0.655"
    assert "−6.759 to −1.901" in render_attainment(_table(**cut), lang="en", width=100)
    # between non-negative bounds the en dash stays
    assert attainment_view(_table(), lang="zh").iloc[0]["range"] == "14,283–101,004"


def test_prefectures_are_named_as_the_user_wrote_them():
    regions = pd.DataFrame({"region": ["harbin"], "name_zh": ["哈尔滨市"], "name_en": ["Harbin"]})
    table = _table(region="harbin")
    assert attainment_view(table, lang="zh", regions=regions).iloc[0]["region"] == "哈尔滨市"
    assert attainment_view(table, lang="en", regions=regions).iloc[0]["region"] == "Harbin"
    written = {"harbin": "哈尔滨"}  # the progress file's spelling, in the chosen language
    assert attainment_view(table, lang="zh", regions=regions, written=written).iloc[0]["region"] == "哈尔滨"
    assert attainment_view(table, lang="zh").iloc[0]["region"] == "harbin"  # nothing known: the id


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("width", [100, 80])
def test_the_table_prints_one_line_a_row_within_the_width(lang, width):
    long = "Share of construction projects under way covered by the wage-payment monitoring platform"
    long_zh = "工程建设领域工资支付监控预警平台在建项目覆盖率"
    rows = pd.concat(
        [
            _table(indicator=f"a{i}", name_en=f"{long} ({i})", name_zh=f"{long_zh}（{i}）", status=status)
            for i, status in enumerate(["watch", "off track", "no forecast", "borderline"])
        ]
        + [_table(indicator="b1", unit="% of projects under construction", target=80.0, median=79.46)],
        ignore_index=True,
    )
    text = render_attainment(rows, lang=lang, width=width, headline="x " * 80)
    lines = text.splitlines()
    assert max(cell_len(line) for line in lines) <= width
    starts = [i for i, line in enumerate(lines) if line.startswith(("a0", "a1", "a2", "a3", "b1"))]
    assert starts == list(range(starts[0], starts[0] + 5))  # one line a row, each starting with its id
    body = "\n".join(lines[starts[0] : starts[-1] + 1])
    assert body.count("…") >= 4  # every long name cut, in full in the files (the footnote says so)
    assert ("attainment.xlsx" in text) and ("户" if lang == "zh" else "households") in body  # the unit
    statuses = ("严重滞后", "临界") if lang == "zh" else ("off track", "borderline")
    assert all(status in body for status in statuses)
    assert "≥ 15,000" in body and "0.73" in body and "9,894" in body  # numbers are never cut
    if width == 100:
        assert "15,560" in body and "14,283–101,004" in body  # the median and the interval
    else:  # what does not fit is named under the table
        assert ("未显示" if lang == "zh" else "Not shown at 80 columns") in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_wrapped_line_of_the_notes_starts_with_a_space(lang):
    # the Chinese footnote wrapped before " attainment.csv" kept the space on the new line (issue 16)
    table = _table()
    for width in range(60, 121):
        lines = render_attainment(table, lang=lang, width=width, headline="截至 2024-08 " * 12).splitlines()
        notes = lines[next(i for i, line in enumerate(lines) if line.startswith("09a")) + 1 :]
        assert len(notes) > 2 and not [line for line in notes if line.startswith(" ")], (width, notes)
        assert not lines[1].startswith(" ") and max(cell_len(line) for line in lines) <= width


def test_the_table_is_about_one_line_a_row_on_the_default_data():
    from longjiang_forecast import forecast, load_catalog
    from longjiang_forecast.testing import synthetic_progress

    catalog = load_catalog(2024)
    table = forecast(synthetic_progress(catalog, seed=1), catalog, n_draws=100, seed=1).table()
    shown = table[table["region"] == "province"]
    for lang in ("zh", "en"):
        for width in (100, 80):
            text = render_attainment(shown, lang=lang, width=width)
            assert max(cell_len(line) for line in text.splitlines()) <= width
            assert len(text.splitlines()) <= len(shown) + 12, (lang, width)  # was 312 lines for 49 rows


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_borderline_note_names_each_series_in_the_language_within_the_width(lang):
    rows = [("04a", "province", 0.806, 0.8), ("09a", "harbin", 0.799, 0.8), ("14a", "province", 0.515, 0.5)]
    text = borderline_note(rows, 4000, lang=lang, width=100)
    assert max(cell_len(line) for line in text.splitlines()) <= 100 and len(text.splitlines()) > 1
    flat = text.replace("\n", " ")
    assert "16000" in flat and "0.806" in flat and "09a/harbin" in flat
    assert ("04a/全省" in flat and "临界" in flat) if lang == "zh" else ("04a/province" in flat)
    assert borderline_note([], 4000, lang=lang) == ""
    regions = pd.DataFrame({"region": ["harbin"], "name_zh": ["哈尔滨市"], "name_en": ["Harbin"]})
    named = borderline_note(rows, 4000, lang=lang, regions=regions).replace("\n", " ")
    assert ("09a/哈尔滨市" if lang == "zh" else "09a/Harbin") in named


def test_a_borderline_status_prints_its_band_name_only():
    assert attainment_view(_table(status="borderline"), lang="zh").iloc[0]["status"] == "临界"
    assert attainment_view(_table(status="borderline"), lang="en").iloc[0]["status"] == "borderline"


def test_a_recent_pace_that_points_away_from_p_met_is_explained_by_the_models_pace():
    from longjiang_forecast.report import pace_explanations, pace_note

    # the default data's 13a (due 31 October) and 17b (an annual mean), as the new user saw them
    faster = _table(indicator="13a", unit="km (公里)", target=800.0, deadline="2024-10-31", observed=604.262,
                    p_met=0.1208, status="off track", required_rate=97.869, model_rate=81.092,
                    run_rate=141.976, run_rate_months="2024-07/2024-08")  # fmt: skip
    mean = _table(indicator="17b", unit="μg/m³", kind="annual_mean", target=27.3, comparator="<=",
                  observed=26.977, p_met=0.054, median=28.3, status="off track", required_rate=27.946,
                  run_rate=18.382, run_rate_months="2024-06/2024-08")  # fmt: skip
    agree = _table(indicator="09a", p_met=0.9, required_rate=300.0, model_rate=400.0, run_rate=350.0,
                   run_rate_months="2024-07/2024-08")  # fmt: skip
    settled = faster.assign(indicator="13b", status="achieved")
    table = pd.concat([faster, mean, agree, settled], ignore_index=True)
    en = pace_explanations(table, lang="en")
    assert en == [
        "13a: recent 142.0 a month (Jul–Aug) is above the 97.9 a month still needed; the model expects "
        "81.1 a month (Sep–Oct); P(met) 0.12",
        "17b: the Jan–Aug mean 27.0 meets ≤ 27.3; the rest of the year (Sep–Dec) is expected to differ "
        "(seasonal): it needs a mean of 27.9, the model expects an annual mean of 28.3; P(met) 0.05",
    ]
    zh = pace_explanations(table, lang="zh", who={("13a", "province"): "13a 全省"})
    assert zh[0] == (
        "13a 全省：近期月均 142.0（7–8月），高于尚需的月均 97.9；模型预期月均 81.1（9–10月）；达标概率 0.12"
    )
    assert zh[1].startswith("17b：1–8月均值 27.0 已满足 ≤ 27.3，但其余月份（9–12月）预计与之不同（季节性）")
    note = pace_note(table, lang="zh", width=60)
    assert note.count("\n- ") == 2 and all(cell_len(line) <= 60 for line in note.splitlines())
    assert pace_note(agree, lang="en") == ""  # nothing to explain: no note
    # equal as shown (a new user read "recent 0.500 a month ... is above the 0.500 a month still needed")
    level = faster.assign(indicator="13c", unit="projects (项)", target=4.0, observed=2.0, required_rate=0.5,
                          run_rate=0.5004, model_rate=0.25)  # fmt: skip
    assert " is at the 0.500 a month still needed" in pace_explanations(level, lang="en")[0]


def test_a_change_of_p_met_never_reads_minus_zero():
    from longjiang_forecast.report import format_change, scenario_view

    assert [format_change(d) for d in (0.0, -0.0, -0.004, 0.004, -0.126, 0.3, np.nan)] == [
        "0", "0", "0.00", "0.00", "−0.13", "+0.30", "–"]  # fmt: skip
    table = pd.DataFrame(
        {"indicator": ["a1", "a1", "a2", "a2"], "region": "province",
         "scenario": ["baseline", "winter", "baseline", "winter"],
         "p_met": [0.8, 0.65, 0.5, 0.5], "delta_vs_baseline": [0.0, -0.15, 0.0, 0.0]}
    )  # fmt: skip
    view = scenario_view(table, lang="zh", names={"a1": "新建公路"})
    assert view.columns.tolist() == ["indicator", "name", "基准情景", "winter"]
    assert view.values.tolist() == [
        ["a1", "新建公路", "0.80", "0.65 (−0.15)"],
        ["a2", "a2", "0.50", "0.50 (0)"],
    ]
    # a series the scenario touches whose paths did not move reads "0.00": "0" is kept for the
    # series it does not touch, as the legend says (a touched row printed "(0)"; a break-it pass)
    touched = table.assign(touched=[False, True, False, True])
    assert scenario_view(touched, lang="en").values.tolist() == [
        ["a1", "a1", "0.80", "0.65 (−0.15)"],
        ["a2", "a2", "0.50", "0.50 (0.00)"],
    ]


def test_the_monte_carlo_error_is_shown_to_its_first_digit():
    """Two million draws: 'standard error at most 0.000' said the error was nothing; it is 0.0003."""
    from longjiang_forecast.report._console import se_text

    assert [se_text(se) for se in (0.008, 0.0124, 0.00034, 0.00004)] == [
        "0.008",
        "0.012",
        "0.0003",
        "0.00004",
    ]
