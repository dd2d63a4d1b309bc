"""The command line for people: the table in a language, prefectures as written, the workbook, messages."""

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest
from rich.cells import cell_len

from longjiang_forecast.cli import main

CATALOGUE = (
    "indicator,kind,unit,target,comparator,deadline,region,name_zh\n"
    "homes,cumulative,households (户),5200,>=,2024-12-31,province,完成特殊困难老年人家庭适老化改造\n"
    "homes,cumulative,households (户),2100,>=,2024-12-31,harbin,完成特殊困难老年人家庭适老化改造\n"
)


def _files(tmp_path):
    catalog = tmp_path / "catalogue.csv"
    catalog.write_text(CATALOGUE, encoding="utf-8")
    rows = ["indicator,region,month,value"]
    for m, share in enumerate([0.02, 0.05, 0.1, 0.18, 0.27, 0.36, 0.45], start=1):
        rows.append(f"homes,全省,2024-{m:02d},{round(5200 * share)}")
        rows.append(f"homes,哈尔滨市,2024-{m:02d},{round(2100 * share)}")
    progress = tmp_path / "progress.csv"
    progress.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return catalog, progress


def test_forecast_for_people_in_chinese_with_prefectures_as_written(tmp_path, capsys):
    from openpyxl import load_workbook

    catalog, progress = _files(tmp_path)
    out = tmp_path / "out"
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "200",
            "--out", str(out), "--all", "--lang", "zh"]  # fmt: skip
    assert main(argv) == 0
    text = capsys.readouterr().out
    assert "哈尔滨市" in text and "harbin" not in text  # as the progress file spells it
    assert "完成特殊困难老年" in text and "户" in text and "≥ 5,200" in text and "≥ 2,100" in text
    assert "截至 2024-07" in text and "达标" in text
    assert "模型 参考类季节份额模型，情景 基准情景" in text and "SeasonalShareModel" not in text
    assert max(len(line) for line in text.splitlines()) <= 100
    table = pd.read_csv(out / "attainment.csv")
    assert table["p_met"].round(4).equals(table["p_met"])  # no 16-digit floats
    book = load_workbook(out / "attainment.xlsx")
    assert book.sheetnames == ["达标情况", "数据来源"]
    assert book["达标情况"]["B3"].value == "哈尔滨市"
    provenance = {r[2].value: r[1].value for r in book["数据来源"].iter_rows(min_row=2)}  # label, value, key
    assert provenance["seed"] == 2024 and provenance["as_of"] == "2024-07" and provenance["data_vintage"]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("columns", [100, 80])
def test_the_printed_table_fits_columns_one_line_a_row(tmp_path, capsys, monkeypatch, lang, columns):
    catalog, progress = _files(tmp_path)
    monkeypatch.setenv("COLUMNS", str(columns))  # honoured when the output is redirected too
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "100",
            "--out", str(tmp_path / "out"), "--all", "--lang", lang]  # fmt: skip
    assert main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert max(cell_len(line) for line in lines) <= columns
    rows = [line for line in lines if line.startswith("homes ")]  # the rows, not a note naming homes/harbin
    assert len(rows) == 2 and all("户" in r if lang == "zh" else "households" in r for r in rows)
    assert ("哈尔滨市" if lang == "zh" else "Harbin") in rows[1]  # region names, one line each
    assert "…" in rows[0] and "≥ 5,200" in rows[0]  # the long name cut, in full in the files
    names = pd.read_csv(tmp_path / "out" / "attainment.csv")["name_zh"]
    assert names.iloc[0] == "完成特殊困难老年人家庭适老化改造"


def test_quiet_and_verbose(tmp_path, capsys):
    catalog, progress = _files(tmp_path)
    argv = [
        "forecast",
        "--catalog",
        str(catalog),
        "--progress",
        str(progress),
        "--draws",
        "100",
        "--lang",
        "en",
    ]
    assert main([*argv, "--out", str(tmp_path / "a"), "--quiet"]) == 0
    captured = capsys.readouterr()
    assert "homes" in captured.out
    # only warnings are left (here: one prefecture is not the whole province), each on one line
    assert all(line.startswith("warning: ") for line in captured.err.splitlines())
    assert "Forecasting" not in captured.err and "Wrote" not in captured.err
    assert main([*argv, "--out", str(tmp_path / "a"), "--verbose", "--overwrite"]) == 0
    err = capsys.readouterr().err
    assert "note: --out" in err and "Forecasting" in err and "debug: progress: " in err


def test_lang_zh_says_the_warnings_and_notes_in_chinese(tmp_path, capsys):
    catalog, progress = _files(tmp_path)
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "100",
            "--lang", "zh", "--out", str(tmp_path / "o")]  # fmt: skip
    assert main(argv) == 0
    err = capsys.readouterr().err
    # one prefecture is not the whole province: the province's reports differ from the prefectures'
    # households are whole counts: they must agree
    assert (
        "警告：指标 'homes'：全省自报数与其 1 个地市报告的合计相差 1 个单位及以上（整数计数须一致），"
        "共 7 个月：" in err
    )
    assert "2024-07：全省 2,340，地市 945（-59.6%）。全省的预测采用其自报数" in err
    assert main([*argv, "--overwrite"]) == 0
    err = capsys.readouterr().err
    assert "注意：--out " in err and "中有上次运行的 attainment.csv" in err
    assert not re.search(r"\b(warning|note|province's|reports|earlier run)\b", err), err


def test_lang_zh_says_the_column_names_it_read_in_chinese(tmp_path, capsys):
    catalog, progress = _files(tmp_path)
    text = progress.read_text(encoding="utf-8").replace("indicator,region,month,value", "指标,地区,月份,数值")
    progress.write_text(text, encoding="utf-8")
    argv = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "100",
            "--out", str(tmp_path / "o")]  # fmt: skip
    assert main([*argv, "--lang", "zh"]) == 0
    err = capsys.readouterr().err
    assert f"警告：{progress}：读取时列名对应为 指标→indicator、地区→region、月份→month、数值→value。" in err
    assert "read columns" not in err
    assert main([*argv, "--lang", "en", "--out", str(tmp_path / "en")]) == 0
    english = capsys.readouterr().err
    assert f"{progress}: read columns 指标→indicator, 地区→region, 月份→month, 数值→value." in english


def test_lang_zh_leaves_no_english_line_on_the_console(tmp_path, capsys):
    from longjiang_forecast.testing import SYNTHETIC_NOTE

    argv = ["forecast", "--draws", "100", "--lang", "zh", "--verbose", "--out", str(tmp_path / "zh")]
    assert main(argv) == 0  # the synthetic example data
    captured = capsys.readouterr()
    assert "注意：合成示例数据" in captured.out and "NOTE" not in captured.out
    assert "正在预测" in captured.err and "已写出" in captured.err and "attainment.csv、" in captured.err
    assert "正在预测 内置 2024 年目标清单" in captured.err and "package:" not in captured.err
    assert "Forecasting" not in captured.err and "Wrote" not in captured.err
    argv = [*argv[:-1], str(tmp_path / "en"), "--lang", "en"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert " ".join(SYNTHETIC_NOTE.format(seed=2024).split()) in " ".join(captured.out.split())
    assert "Forecasting" in captured.err and "Wrote" in captured.err
    example = tmp_path / "example.csv"
    assert main(["template", "--out", str(example), "--lang", "zh"]) == 0
    assert "示例进展文件写入" in capsys.readouterr().out and example.exists()
    frame = pd.read_csv(example, dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == ["指标", "地区", "月份", "数值", "备注"]  # the headers the reader accepts
    assert {"全省", "哈尔滨市", "大兴安岭地区"} <= set(frame["地区"]) and "province" not in set(frame["地区"])
    assert (frame["备注"] == "示例数值：请替换为报告的数值").all()


def test_the_scenarios_table_speaks_the_language(tmp_path, capsys):
    scenario = Path(__file__).resolve().parents[2] / "scenarios" / "early-winter.toml"
    argv = ["scenarios", str(scenario), "--draws", "100", "--lang", "zh", "--out", str(tmp_path)]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "基准情景及各情景下的达标概率" in out and "仅列全省" in out
    lines = out.splitlines()
    head = next(line for line in lines if line.startswith("编号"))
    assert head.split() == ["编号", "名称", "基准情景", "early-winter"]  # one header line, no pandas layout
    table = pd.read_csv(tmp_path / "scenario_comparison.csv", dtype={"indicator": str})
    roads = table[(table["indicator"] == "19b") & (table["region"] == "province")].set_index("scenario")
    row = next(line for line in lines if line.startswith("19b "))
    p0, p1 = roads.loc["baseline", "p_met"], roads.loc["early-winter", "p_met"]
    change = roads.loc["early-winter", "delta_vs_baseline"]
    assert "续建及新开工农村公路" in row  # the name beside the id
    assert row.endswith(f"{p0:.2f} {p1:.2f} (−{abs(change):.2f})")  # P(met) under both, and the change
    untouched = next(line for line in lines if line.startswith("09a "))
    assert untouched.endswith("(0)") and "-0.00" not in out and "−0.00" not in out
    assert "Change of P(met)" not in out and "indicator" not in out and "NOTE" not in out
    assert set(table.loc[table["region"] == "harbin", "region_name"]) == {"哈尔滨市"}  # names in the CSV


def test_a_warning_is_one_readable_line(monkeypatch, capsys):
    from longjiang_forecast import cli

    def warns(args):
        warnings.warn("the data look odd:\n  check them", UserWarning, stacklevel=1)
        warnings.warn("overflow in exp", RuntimeWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_template", warns)
    assert cli.main(["template", "--out", "x.csv"]) == 0
    err = capsys.readouterr().err
    assert err == "warning: the data look odd: check them\nwarning: RuntimeWarning: overflow in exp\n"
    assert warnings.showwarning is not cli._show_warning  # put back after the command


def test_each_distinct_warning_once_per_command(monkeypatch, capsys):
    from longjiang_forecast import cli

    def warns(args):
        for _ in range(5):  # as a scenario run repeats the baseline's warnings, once per scenario
            warnings.warn("harbin: the prefectures disagree with the province", UserWarning, stacklevel=1)
            cli.log.warning("warning: a logged note")
        warnings.warn("another one", UserWarning, stacklevel=1)
        return 0

    monkeypatch.setattr(cli, "_template", warns)
    expected = (
        "warning: harbin: the prefectures disagree with the province\nwarning: a logged note\n"
        "warning: another one\n"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("always")  # as the forecast's own catch_warnings does
        assert cli.main(["template", "--out", "x.csv"]) == 0
        assert capsys.readouterr().err == expected
        assert cli.main(["template", "--out", "x.csv"]) == 0  # the next command says them again
        assert capsys.readouterr().err == expected


def test_a_failed_run_leaves_no_empty_out_folder(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,kind\nhomes,nonsense\n", encoding="utf-8")
    for out in (tmp_path / "o_bad", tmp_path / "new" / "deeper" / "o_bad"):
        assert main(["forecast", "--catalog", str(bad), "--out", str(out), "--draws", "100"]) == 2
        assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]
    assert "error: " in capsys.readouterr().err
    mine = tmp_path / "mine"  # a folder the user made is kept, empty or not
    mine.mkdir()
    assert main(["forecast", "--catalog", str(bad), "--out", str(mine), "--draws", "100"]) == 2
    assert mine.is_dir()


def test_backtest_says_what_each_score_means_and_what_cannot_be_measured(tmp_path, capsys):
    argv = ["backtest", "--model", "run_rate", "--as-of", "2023-06", "--draws", "100", "--lang", "en"]
    assert main([*argv, "--out", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "What the scores mean:" in captured.out
    assert max(len(line) for line in captured.out.splitlines()) <= 100  # the score table too
    assert "n_forecasts  brier  bss_climatology" in captured.out  # models as rows, the key scores
    flat = " ".join(captured.out.split())
    assert "brier mean (P(met) − outcome)² — 0 perfect; 0.25 a constant 0.5" in flat
    scores = pd.read_csv(tmp_path / "backtest_scores.csv")
    if (scores["base_rate"] == 1).all():  # every national target of those years was met
        assert "bss_climatology, resolution and corp_dsc cannot be measured" in flat
    assert "\r" not in captured.err  # no progress bar when stderr is not a terminal


@pytest.mark.parametrize("command", ["forecast", "report", "scenarios", "backtest", "template"])
def test_every_command_takes_lang_quiet_and_verbose(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = capsys.readouterr().out
    assert "--lang {zh,en}" in text and "--quiet" in text and "--verbose" in text


def test_the_backtest_bar_counts_every_step_and_closes(capsys):
    from longjiang_forecast.backtesting import ProgressCounter

    with ProgressCounter(3, "backtest run_rate", enabled=True) as bar:
        for month in ("2023-04", "2023-05", "2023-06"):
            bar.step(month)
    err = capsys.readouterr().err
    assert bar.done == 3 and "backtest run_rate" in err and "3/3" in err and "2023-06" in err
    assert "\r" not in err and err.count("\n") == 1  # off a terminal: the final state, once
    with ProgressCounter(2, "quiet", enabled=False) as bar:
        bar.step("a")
    assert bar.done == 1 and capsys.readouterr().err == ""


def test_the_spinner_shows_what_runs_on_a_terminal(monkeypatch, caplog):
    """The spinner of a long step names the step and its elapsed time (it showed an empty line)."""
    import io
    import logging
    import time

    from longjiang_forecast.cli import _busy

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    screen = Terminal()
    monkeypatch.setattr("sys.stderr", screen)
    caplog.set_level(logging.INFO, logger="longjiang_forecast")  # as the command line sets it
    with _busy("fitting seasonal_share [4000 draws]"):
        time.sleep(0.5)
    assert "fitting seasonal_share [4000 draws]" in screen.getvalue()
    assert "0:00:00" in screen.getvalue()


def test_lang_zh_says_the_common_errors_in_chinese(tmp_path, capsys):
    catalog, _ = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "indicator,region,month,value\nhomes,全省,2024-13,10\nhomez,全省,2024-02,10\n"
        "homes,哈尔宾市,2024-03,10\nhomes,全省,2024-04,abc\n",
        encoding="utf-8",
    )
    no_month = tmp_path / "no_month.csv"
    no_month.write_text("indicator,region,value\nhomes,全省,10\n", encoding="utf-8")
    base = ["forecast", "--catalog", str(catalog), "--draws", "100", "--out", str(tmp_path / "o")]
    expected = {
        str(bad): [
            "进展文件中有 4 处问题",
            "第 2 行（指标 'homes'，地区 '全省'，月份 '2024-13'）：",
            "“month”（月份）列的值 '2024-13' 不是 YYYY-MM",
            "（13 不是 1–12 的月份数）",
            "“indicator”（指标）列的值 'homez' 出现在 1 行（第 3 行），不在 2024 年的目标清单中。"
            "是否应为 'homes'？",
            "“value”（数值）列的值 'abc' 不是数字。",
            "“region”（地区）列的值 '哈尔宾市' 出现在 1 行（第 4 行）",
            "是否应为 '哈尔滨市'（harbin）？",
            "已知指标：['homes']。请改正编号或删除这些行。",
        ],
        str(no_month): ["表头（第 1 行）缺少必需的列 ['month']。"],
        str(tmp_path / "none.csv"): ["找不到进展文件："],
    }
    for path, parts in expected.items():
        assert main([*base, "--progress", path, "--lang", "zh"]) == 2
        err = capsys.readouterr().err
        assert err.startswith("错误：") and all(part in err for part in parts), err
        assert not re.search(r"\b(field|row|which|missing|Known|not found)\b", err), err  # no English left
        assert main([*base, "--progress", path, "--lang", "en"]) == 2
        assert capsys.readouterr().err.startswith("error: ")  # English as before
    assert main(["forecast", "--catalog", str(tmp_path / "nocat.csv"), "--lang", "zh", "--out", "o"]) == 2
    assert "目标清单文件" in capsys.readouterr().err


def _refused_in_chinese(capsys, args, parts, english):
    """``args`` with --lang zh: exit 2, one Chinese error holding ``parts``, none of ``english``."""
    assert main([*args, "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and all(part in err for part in parts), err
    assert not re.search(rf"\b({english})\b", err), err


@pytest.mark.parametrize(
    ("rows", "parts"),
    [
        (
            "homes,全省,2024-01,30\nhomes,全省,2024-02,20\n",
            ["“value”（数值）列从 30（第 2 行，2024-01）降到 20（第 3 行", "类序列在一年之内不能下降"],
        ),
        ("homes,全省,2024-01,-3\n", ["“value”（数值）列的值 '-3' 为负数"]),
        ("homes,全省,2024-01,\n", ["“value”（数值）列为空"]),
        ("homes,全省,2024-01,3\nhomes,全省,2024-01,4\n", ["三列与第 2 行重复", "请删除第 2 行或第 3 行"]),
        ("homes,全省,2026-01,3\n", ["晚于目标清单的年份 2024 年"]),
        ("homes,全省,1900-01,3\n", ["早于 1950 年"]),
        ("homes,全省,2024-01,1e15\n", ["超出任何目标清单单位下的合理数值"]),
        ("homes,全省,2024-01,3,4\n", ["第 2 行有 5 个字段，而表头有 4 个"]),
        ("homes,全省,2024-01\n", ["第 2 行有 3 个字段，而表头有 4 个：该行不完整"]),
        ("", ["文件只有表头、没有数据行"]),
    ],
)
def test_lang_zh_says_the_progress_files_common_mistakes_in_chinese(tmp_path, capsys, rows, parts):
    """The mistakes a new-user pass met most often under --lang zh (2026-12-06) were half English."""
    catalog, _ = _files(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,region,month,value\n" + rows, encoding="utf-8")
    args = ["forecast", "--catalog", str(catalog), "--progress", str(bad), "--out", str(tmp_path / "o")]
    _refused_in_chinese(capsys, args, parts, r"field|row|which|repeat|fields|header|Enter|Check|Drop")


@pytest.mark.parametrize(
    ("row", "parts"),
    [
        (
            "homes,cumulativ,户,100,>=,2024-12-31,province",
            ["，第 2 行，指标 'homes'，字段 'kind'：未知的类型 'cumulativ'"],
        ),
        ("homes,cumulative,户,100,=>,2024-12-31,province", ["比较符 '=>' 不是 ['>=', '<='] 之一"]),
        ("homes,cumulative,户,lots,>=,2024-12-31,province", ["目标值 'lots' 不是数字"]),
        ("homes,cumulative,户,,>=,2024-12-31,province", ["目标值为空，但 'cumulative' 类指标需要数值"]),
        (
            "homes,cumulative,户,100,>=,2024-13-31,province",
            ["截止日期 '2024-13-31' 格式不对。请写成 YYYY-MM-DD"],
        ),
        ("homes,cumulative,户,100,>=,2024-12-31,atlantis", ["未知的地区 'atlantis'"]),
        (
            "homes,cumulative,户,100,>=,2024-12-31,province\nhomes,cumulative,户,90,>=,2024-12-31,province",
            ["第 2 行和第 3 行都定义了指标 'homes'"],
        ),
    ],
)
def test_lang_zh_says_the_catalogues_common_mistakes_in_chinese(tmp_path, capsys, row, parts):
    """A catalogue of one's own (next year's list) with a mistyped cell: the error in Chinese."""
    catalog = tmp_path / "cat.csv"
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region\n" + row + "\n", encoding="utf-8"
    )
    args = ["forecast", "--catalog", str(catalog), "--out", str(tmp_path / "o")]
    _refused_in_chinese(capsys, args, parts, r"field|row|unknown|Write|Use|Keep|is not")


@pytest.mark.parametrize(
    ("row", "parts"),
    [
        (",cumulative,户,100,>=,2024-12-31,province,,,", ["字段 'indicator'：指标编号为空"]),
        (
            "homes,cumulative,户,-5,>=,2024-12-31,province,,,",
            ["目标值 -5 为负数，但 cumulative 类计数不能小于 0"],
        ),
        ("homes,cumulative,户,0,>=,2024-12-31,province,,,", ["目标值为 0 且比较符为 '>='"]),
        ("share,level,%,0.8,>=,2024-12-31,province,,,", ["目标值 0.8 看起来是小数，但单位 '%' 是百分比"]),
        ("homes,cumulative,户,100,>=,2024-12-31,province,50,10,", ["下限 50 大于上限 10"]),
        ("homes,cumulative,户,100,>=,2024-12-31,province,200,,", ["目标值 100 低于下限 200"]),
        ("homes,cumulative,户,100,>=,2024-12-31,province,,50,", ["目标值 100 高于上限 50"]),
        ("homes,cumulative,户,100,>=,2024-12-31,province,,,x", ["事项序号 'x' 不是正整数"]),
        ("homes,cumulative,户,inf,>=,2024-12-31,province,,,", ["目标值 'inf' 不是有限的数"]),
        ("homes,cumulative,户,100,>=,2024-12-31,province,abc,,", ["下限 'abc' 不是数字"]),
    ],
)
def test_lang_zh_says_the_catalogues_rarer_checks_in_chinese(tmp_path, capsys, row, parts):
    """A catalogue's bounds, item numbers, ids and signs checked: the error in Chinese."""
    catalog = tmp_path / "cat.csv"
    header = "indicator,kind,unit,target,comparator,deadline,region,lower_bound,upper_bound,item\n"
    catalog.write_text(header + row + "\n", encoding="utf-8")
    args = ["forecast", "--catalog", str(catalog), "--out", str(tmp_path / "o")]
    _refused_in_chinese(
        capsys, args, parts, r"is not|is negative|looks like|is below|is above|is greater|Write|Give"
    )


@pytest.mark.parametrize(
    ("given", "parts"),
    [
        ("old.xls", ["不读取旧的 Excel 97-2003 格式（.xls）"]),
        ("cat.json", ["不支持的文件类型 '.json'"]),
        ("2019", ["没有 2019 年的内置目标清单；内置年份：[2024]"]),
        ("folder", ["是文件夹；请给出目标清单文件"]),
    ],
)
def test_lang_zh_says_a_catalogue_that_cannot_be_read_in_chinese(tmp_path, capsys, given, parts):
    path = tmp_path / given
    if given == "folder":
        path.mkdir()
    elif not given.isdigit():
        path.write_text("a,b\n", encoding="utf-8")
    args = ["forecast", "--catalog", given if given.isdigit() else str(path), "--out", str(tmp_path / "o")]
    _refused_in_chinese(capsys, args, parts, r"not read|unsupported|built-in|is a folder|Save|Pass|give")


@pytest.mark.parametrize(
    ("toml", "parts"),
    [
        (
            '[[effects]]\ntype = "stoppage"\nindicators = ["09z"]\nstart = "2024-09"\n',
            ["'effects[0].indicators' 中有未知的指标 ['09z']"],
        ),
        (
            '[[effects]]\ntype = "earthquake"\n',
            ["'effects[0].type' 必须是 ['multiplier'", "现为 'earthquake'"],
        ),
        ('color = "red"\n[[effects]]\ntype = "stoppage"\nstart = "2024-09"\n', ["'color' 不是情景文件的键"]),
        (
            '[[effects]]\ntype = "stoppage"\nstrat = "2024-09"\n',
            [
                "情景文件",
                "中有 2 处问题",
                "不是 stoppage 类效应的键（是否应为 'start'？）",
                "stoppage 类效应必须有 'effects[0].start'",
            ],
        ),
        (
            '[[effects]]\ntype = "stoppage"\nstart = "October"\n',
            ["必须是 YYYY-MM 形式的月份，现为 'October'"],
        ),
        ('[[effects]]\ntype = "stoppage"\nstart = "2025-10"\n', ["不在情景所属年份 2024 年之内"]),
        (
            '[[effects]]\ntype = "stoppage"\nstart = "2024-10"\nuntil = 12\n',
            ["'effects[0].until' 必须是 YYYY-MM"],
        ),
        (
            'year = 2023\n[[effects]]\ntype = "stoppage"\nstart = "2023-11"\n',
            ["'year' 为 2023 年，但预测的是 2024 年"],
        ),
        ("[[effects\n", ["不是有效的 TOML（", "请修正语法"]),
        (
            '[[effects]]\ntype = "delay"\nprobability = 1.5\nstart = "2024-10"\nduration = 1\n',
            ["'effects[0].probability' 必须是 [0, 1] 之内的数，现为 1.5"],
        ),
        (
            '[[effects]]\ntype = "cap"\nmax_share_per_month = 0.0\nmonths = ["2024-09", "2024-10"]\n',
            ["'effects[0].max_share_per_month' 必须是大于 0 的有限数"],
        ),
    ],
)
def test_lang_zh_says_a_scenario_files_common_mistakes_in_chinese(tmp_path, capsys, toml, parts):
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "s"\n' + toml, encoding="utf-8")
    args = ["forecast", "--scenario", str(scenario), "--draws", "100", "--out", str(tmp_path / "o"), "-q"]
    _refused_in_chinese(capsys, args, parts, r"is not|must be|names unknown|required|outside|accepted")


@pytest.mark.parametrize(
    ("toml", "encoding", "parts"),
    [
        (
            '[[effects]]\ntype = "stoppage"\nstart = "2024-02"\nuntil = "2024-03"\n',
            "utf-8",
            ["effects[0]（stoppage）止于 3 月", "不起作用（这些月份已有报告）"],
        ),
        (
            '[[effects]]\ntype = "delay"\nprobability = 0.5\nstart = ["2024-05", "2024-10"]\n'
            "duration = [1, 2]\n",
            "utf-8",
            ["effects[0]（延迟）可能从 5 月开始", "请把其时间窗口放在 8 月之后"],
        ),
        (
            '# 情景\n[[effects]]\ntype = "stoppage"\nstart = "2024-11"\n',
            "gbk",
            ["按 GB18030 (GBK) 读取，而不是 UTF-8"],
        ),
    ],
)
def test_lang_zh_warns_of_a_scenario_that_does_less_than_it_says_in_chinese(
    tmp_path, capsys, toml, encoding, parts
):
    """A scenario's warnings (an effect in reported months, a delay that may fall in them, a file not in
    UTF-8) under --lang zh (prefecture rows without their province row: tests/scenarios)."""
    scenario = tmp_path / "s.toml"
    scenario.write_bytes(('name = "s"\n' + toml).encode(encoding))
    args = ["forecast", "--scenario", str(scenario), "--draws", "100", "--out", str(tmp_path / "o"), "-q"]
    assert main([*args, "--lang", "zh"]) == 0
    err = capsys.readouterr().err
    assert err.startswith("警告：") and all(part in err for part in parts), err
    assert not re.search(r"\b(changes nothing|can start|changes prefecture|read as)\b", err), err


@pytest.mark.parametrize(
    ("store", "args", "parts"),
    [
        ("missing", ["changes"], ["此处没有报告库", "请先导入报告文件来创建"]),
        ("folder", ["changes"], ["这是文件夹，不是报告库"]),
        ("empty", ["track-record"], ["是空文件；未读取或更改任何内容", "请给出报告库的路径"]),
        ("text", ["changes"], ["不是报告库（不是 SQLite 数据库）"]),
        ("missing", ["ingest", "--vintage", "2999-01-01", "P"], ["晚于当前时间", "报告不可能在未来收到"]),
        ("missing", ["ingest", "--vintage", "2024/09/05", "P"], ["'2024/09/05' 不是日期：请写成 YYYY-MM-DD"]),
        ("ingested", ["track-record"], ["尚无发布的预测，因此没有历史成绩"]),
        ("ingested", ["changes"], ["比较变化需要两次发布的预测（现有 0 次）"]),
        ("ingested", ["changes", "--from", "1", "--to", "1"], ["--from 和 --to 都是第 1 次预测"]),
        (
            "ingested",
            ["forecast", "--vintage", "2024-01-01", "--out", "O"],
            [
                "（数据版本 2024-01-01）：到那时尚未收到任何报告（其最早的数据版本为 2024-07-05）",
                "请给出更晚的数据版本",
            ],
        ),
    ],
)
def test_lang_zh_says_the_report_stores_common_mistakes_in_chinese(tmp_path, capsys, store, args, parts):
    """The store's refusals (no store, not a store, a future or malformed vintage, nothing published)."""
    progress = tmp_path / "p.csv"
    rows = [f"01a,province,2024-{m:02d},{20 * m}" for m in range(1, 7)]
    progress.write_text("indicator,region,month,value\n" + "\n".join(rows) + "\n", encoding="utf-8")
    path = tmp_path / "s.sqlite"
    if store == "folder":
        path.mkdir()
    elif store == "empty":
        path.write_bytes(b"")
    elif store == "text":
        path.write_text("not a database\n", encoding="utf-8")
    elif store == "ingested":
        assert main(["ingest", "--store", str(path), "--vintage", "2024-07-05", str(progress), "-q"]) == 0
        capsys.readouterr()
    given = [str(progress) if a == "P" else str(tmp_path / "o") if a == "O" else a for a in args]
    english = r"Create|folder|Give|nothing|published|received|later than|not a date|track record"
    _refused_in_chinese(capsys, [given[0], "--store", str(path), *given[1:]], parts, english)


@pytest.mark.parametrize(
    ("args", "parts"),
    [
        (["forecast", "--draws", "0"], ["参数 --draws：至少应为 100，现为 0：模拟路径更少时"]),
        (["forecast", "--draws", "abc"], ["参数 --draws：必须是不小于 100 的整数，现为 'abc'"]),
        (
            ["forecast", "--draws", "100000000000"],
            ["参数 --draws：不能超过 100,000,000，现为 100,000,000,000"],
        ),
        (["forecast", "--as-of", "2024-13"], ["'2024-13' 的月份为 13；月份必须是 01-12"]),
        (["forecast", "--as-of", "2024年13月"], ["'2024年13月' 不是月份（月份或日期不存在）"]),
        (["forecast", "-q", "-v"], ["不能与参数 -q/--quiet 同时使用"]),
        (["ingest"], ["缺少必需的参数：files, --store"]),
        (["next-year", "--confidence", "80"], ["80 不是严格介于 0 和 1 之间的概率"]),
        (["nosuch"], ["命令：无效的选择 'nosuch'（可选："]),
        (["forecast", "--bogus"], ["无法识别的参数：--bogus"]),
        (["forecast", "--draws", "200", "--keep-paths", "300"], ["300 多于 --draws 200"]),
    ],
)
def test_lang_zh_says_the_option_errors_in_chinese(capsys, args, parts):
    """argparse's refusals (a bad value, a missing or unknown option) under --lang zh: all in Chinese."""
    with pytest.raises(SystemExit) as stop:
        main([*args, "--lang", "zh"])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.startswith("用法：longjiang-forecast"), err
    assert "：错误：" in err and all(part in err for part in parts), err
    assert not re.search(r"\b(usage|error|argument|must|invalid|required|unrecognized)\b", err), err


@pytest.mark.parametrize(
    ("locale", "said"),
    [("en_US.UTF-8", "error: argument --draws: must be"), ("zh_CN.UTF-8", "错误：参数 --draws")],
)
def test_option_errors_follow_the_locale_without_lang(monkeypatch, capsys, locale, said):
    monkeypatch.setenv("LC_ALL", locale)
    with pytest.raises(SystemExit):
        main(["forecast", "--draws", "0"])
    assert said in capsys.readouterr().err


def test_lang_zh_says_how_a_file_was_read_in_chinese(tmp_path, capsys):
    """The reading notes (title rows, merged cells, the sheet chosen, a separator) under --lang zh."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "说明"
    sheet.append(["本表说明"])
    data = book.create_sheet("数据")
    data.append(["2024年民生实事进展情况表"])
    data.merge_cells("A1:D1")
    data.append(["指标", "地区", "月份", "数值"])
    for m in range(1, 8):
        data.append(["09a", "全省", f"2024-{m:02d}", 1000 * m])
    data.append(["09a", "哈尔滨市", "2024-01", 100])
    data.append([None, "哈尔滨市", "2024-02", 200])
    data.merge_cells("A10:A11")
    book.save(tmp_path / "p.xlsx")
    semicolons = tmp_path / "p.csv"
    semicolons.write_text(
        "indicator;region;month;value\n"
        + "".join(f"09a;province;2024-{m:02d};{m}000\n" for m in range(1, 8)),
        encoding="utf-8",
    )
    for path, parts in (
        (
            tmp_path / "p.xlsx",
            [
                "p.xlsx：读取时工作表 '数据'（唯一含有所需各列的工作表；其他：['说明']）",
                "；表头在第 2 行，其上为标题行（2024年民生实事进展情况表）",
                "；合并单元格 A10:A11 按其顶端单元格的值用于每一行",
            ],
        ),
        (semicolons, ["p.csv：读取时按分号分隔。"]),
    ):
        args = [
            "forecast",
            "--progress",
            str(path),
            "--draws",
            "100",
            "--out",
            str(tmp_path / path.suffix[1:]),
        ]
        assert main([*args, "--lang", "zh", "-q"]) == 0
        err = capsys.readouterr().err
        assert all(part in err for part in parts), err
        assert not re.search(r"\b(read|sheet|header|merged|separated|below|title)\b", err), err


def test_lang_zh_says_the_command_lines_refusals_in_chinese(tmp_path, capsys):
    """An earlier run in --out, an unknown model, a template over an existing file: in Chinese."""
    out = tmp_path / "o"
    assert main(["forecast", "--draws", "100", "--out", str(out), "-q"]) == 0
    capsys.readouterr()
    assert main(["forecast", "--draws", "100", "--out", str(out), "--lang", "zh"]) == 2
    assert "中已有以前运行的结果 attainment.csv" in capsys.readouterr().err
    bulletin = tmp_path / "b"
    (bulletin / "bulletin").mkdir(parents=True)
    (bulletin / "bulletin" / "bulletin.html").write_text("<html></html>", encoding="utf-8")
    assert main(["report", "--out", str(bulletin), "--lang", "zh"]) == 2
    said = capsys.readouterr().err  # a bulletin's month is unknown: none named ("（基准月 ）" before)
    assert "中已有以前运行的结果 bulletin/bulletin.html；未运行任何计算" in said and "基准月" not in said
    assert main(["forecast", "--model", "nosuch", "--lang", "zh", "--out", str(tmp_path / "p")]) == 2
    assert "--model：未知模型 'nosuch'" in capsys.readouterr().err
    existing = tmp_path / "t.csv"
    existing.write_text("x\n", encoding="utf-8")
    assert main(["template", "--out", str(existing), "--lang", "zh"]) == 2
    assert capsys.readouterr().err.startswith(f"错误：{existing} 已存在；请另选 --out（未覆盖任何文件）")


def test_template_catalog_out_invents_no_target_basis(tmp_path, capsys):
    own = tmp_path / "own.csv"
    own.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,target_basis\n"
        "a1,cumulative,户,120,>=,2024-12-31,province,\n"
        "a2,cumulative,公里,35,>=,2024-10-31,province,省政府文件\n",
        encoding="utf-8",
    )
    out = tmp_path / "back.csv"
    assert main(["template", "--catalog", str(own), "--catalog-out", str(out), "--lang", "en"]) == 0
    back = pd.read_csv(out, dtype=str, keep_default_na=False, encoding="utf-8-sig").set_index("indicator")
    assert back.loc["a1", "target_basis"] == "" and back.loc["a2", "target_basis"] == "省政府文件"
    builtin = tmp_path / "builtin.csv"
    assert main(["template", "--catalog-out", str(builtin), "--lang", "en"]) == 0
    assert set(pd.read_csv(builtin, encoding="utf-8-sig")["target_basis"]) == {"official list"}


def test_swapped_catalogue_and_progress_say_so(tmp_path, capsys):
    catalog, progress = _files(tmp_path)
    assert (
        main(
            ["forecast", "--catalog", str(catalog), "--progress", str(catalog), "--out", str(tmp_path / "a")]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "this looks like a catalogue, not a progress file" in err
        and "Did you swap --catalog and --progress?" in err
    )
    assert (
        main(
            [
                "forecast",
                "--catalog",
                str(progress),
                "--progress",
                str(progress),
                "--out",
                str(tmp_path / "b"),
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert (
        "this looks like a progress file, not a catalogue" in err
        and "Did you swap --catalog and --progress?" in err
    )


@pytest.mark.parametrize("text", ["2024年8月", "2024-8", "2024/8", "202408", "2024-08-31", "2024-08"])
def test_as_of_takes_the_month_forms_of_a_progress_file(text):
    from longjiang_forecast.cli import _month

    assert _month(text) == "2024-08"


def test_as_of_that_is_no_month_names_the_forms(capsys):
    with pytest.raises(SystemExit):
        main(["forecast", "--as-of", "2024年13月"])
    assert "'2024年13月' is not a month" in capsys.readouterr().err


def test_a_reader_that_stops_early_does_not_lose_the_run(tmp_path):
    """`longjiang-forecast ... | head -3` closed the pipe while the table was printed: 'error: [Errno
    32] Broken pipe', status 2 and none of the four files. Now the run goes on quietly and writes them."""
    import subprocess
    import sys

    out = tmp_path / "o"
    argv = ["--draws", "100", "--out", str(out)]
    with subprocess.Popen(  # the command's own entry (cli.run: flushes, then ends the process at once)
        [sys.executable, "-m", "longjiang_forecast", *argv], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as run:
        assert run.stdout is not None and run.stderr is not None
        run.stdout.readline()  # the first line, then the reader goes away
        run.stdout.close()
        err = run.stderr.read().decode()
        assert run.wait(timeout=300) == 0, err
    assert "Broken pipe" not in err and "Traceback" not in err
    assert sorted(p.name for p in out.iterdir()) == [
        "attainment.csv",
        "attainment.xlsx",
        "forecast.nc",
        "run.json",
    ]


@pytest.mark.parametrize(
    ("text", "parts", "code"),
    [
        (
            "indicator,region,month,value,unit\n09a,province,2024-01,10,户\n",
            ["表头（第 1 行）中有未知的列 ['unit']"],
            2,
        ),
        (
            "indicator,region,month,value\n10b,province,2024-08,0.48\n",
            ["列的值 0.48 看起来是小数", "请填写百分数，如 48"],
            2,
        ),
        (
            "指标,地区,月份,数值\n09a,全省,2024年1月,10\n",
            ["读取时列名对应为 指标→indicator", "；月份写作 YYYY年M月"],
            0,
        ),
    ],
)
def test_lang_zh_says_more_of_a_progress_files_mistakes_and_notes_in_chinese(
    tmp_path, capsys, text, parts, code
):
    progress = tmp_path / "p.csv"
    progress.write_text(text, encoding="utf-8")
    args = ["forecast", "--progress", str(progress), "--draws", "100", "--out", str(tmp_path / "o"), "-q"]
    assert main([*args, "--lang", "zh"]) == code
    err = capsys.readouterr().err
    assert all(part in err for part in parts), err
    assert not re.search(r"\b(unknown|looks like|Enter|read|columns|months written)\b", err), err


def test_lang_zh_says_an_out_that_is_a_file_in_chinese(tmp_path, capsys):
    existing = tmp_path / "t.csv"
    existing.write_text("x\n", encoding="utf-8")
    _refused_in_chinese(
        capsys, ["forecast", "--out", str(existing)], ["是文件，不是文件夹"], r"is a file|Choose"
    )


def test_lang_zh_says_a_backtest_year_without_a_target_in_chinese(capsys):
    args = ["backtest", "--progress", "pm25", "--city", "shenyang", "--years", "2013", "--as-of", "6"]
    _refused_in_chinese(
        capsys, args, ["年份 [2013] 有报告", "没有可预测的目标", "（未运行任何计算）"], r"have|nothing|able"
    )


def test_a_series_without_earlier_years_is_named_as_resting_on_the_plan(tmp_path, capsys):
    """The same reports with targets of 2,000 and 20,000 km gave medians of 4,005 and 6,572: without
    earlier years the plan is the prior of the year's total. The console says so, naming the series."""
    catalog = tmp_path / "c.csv"
    catalog.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,tags\nroad,cumulative,km,6000,>=,2024-10-31,"
        "province,outdoor\n",
        encoding="utf-8",
    )
    progress = tmp_path / "p.csv"
    rows = "".join(
        f"road,province,2024-{m:02d},{v}\n" for m, v in [(4, 500), (5, 1200), (6, 2000), (7, 2800), (8, 3400)]
    )
    progress.write_text("indicator,region,month,value\n" + rows, encoding="utf-8")
    for lang, said in (("en", "Too few earlier years of their own: road."), ("zh", "往年数据不足：road。")):
        args = ["forecast", "--catalog", str(catalog), "--progress", str(progress), "--draws", "200"]
        assert main([*args, "--out", str(tmp_path / lang), "--lang", lang]) == 0
        assert said in capsys.readouterr().out.replace("\n", " ")


def test_a_run_on_the_templates_example_values_says_so_in_its_record(tmp_path, capsys):
    """A forecast and a bulletin from a template's example values read as real: run.json listed no
    warning and synthetic_data false (a second new-user pass). The warnings of the inputs are kept."""
    import json

    progress = tmp_path / "tpl.csv"
    assert main(["template", "--out", str(progress)]) == 0
    assert (
        main(["forecast", "--progress", str(progress), "--draws", "100", "--out", str(tmp_path / "o"), "-q"])
        == 0
    )
    run = json.loads((tmp_path / "o" / "run.json").read_text(encoding="utf-8"))
    assert run["synthetic_data"] is True
    assert any("still carry the template's note" in w for w in run["warnings"])
    assert re.search(r"warning: \d+ rows of .*tpl.csv still carry", capsys.readouterr().err)


def test_a_bulletin_whose_province_rows_all_passed_their_deadlines_says_why(tmp_path, capsys):
    """report --as-of 2024-12 on reports to April: 'Add the province rows to the progress data' where
    the file had them; the deadlines had passed without their reports (a second new-user pass)."""
    progress = tmp_path / "p.csv"
    rows = "".join(f"09a,province,2024-{m:02d},{1000 * m}\n" for m in range(1, 5))
    progress.write_text("indicator,region,month,value\n" + rows, encoding="utf-8")
    args = ["report", "--progress", str(progress), "--as-of", "2024-12", "--draws", "100", "-q"]
    assert main([*args, "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert "No province row has a forecast" in err and "passed by the as-of month 2024-12" in err
    assert "Add the province rows" not in err


def test_backtest_says_its_lines_in_chinese(tmp_path, capsys):
    """Under --lang zh the headline, 'Only in', the CORP figure's line and 'Wrote' were English (break-it)."""
    args = ["backtest", "--progress", "national", "--model", "run_rate", "--draws", "100"]
    assert main([*args, "--lang", "zh", "--out", str(tmp_path / "o")]) == 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "run_rate 在 national 上的回测：做出结果已知的预测" in text and "仅见于" in text
    assert "可靠性图（含一致性带）" in text and "已写出 " in text
    assert not re.search(r"\b(Backtest of|Only in|The CORP|Wrote)\b", text)


def test_backtest_says_how_many_scored_forecasts_were_made_before_any_report(tmp_path, capsys):
    """On the national series 31 of 76 scored forecasts come before a year's first report, at about
    0.5 each, and weighed on every score without a word (break-it); run_rate gives those no
    probability, so it has nothing to say."""
    args = ["backtest", "--progress", "national", "--draws", "100"]
    assert main([*args, "--lang", "zh", "--out", str(tmp_path / "o")]) == 0
    assert "参与评分的 76 个预测中有 31 个是在当年任何报告之前做出的" in capsys.readouterr().out.replace(
        "\n", ""
    )
    assert main([*args, "--model", "run_rate", "--out", str(tmp_path / "r")]) == 0
    assert "before any report" not in capsys.readouterr().out
