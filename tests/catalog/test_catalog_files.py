"""Catalogue files as a broken export or an office's spreadsheet makes them (issue 15).

Every bad file is refused with our error naming the file (and the row and field where there is
one); the office's unambiguous forms are read, with a note that says how.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.catalog import load_catalog

HEADER = ["indicator", "kind", "unit", "target", "comparator", "deadline", "region", "note"]
ROWS = [
    ["a1", "cumulative", "households (户)", "15000", ">=", "2024-12-31", "province", "first"],
    ["a2", "level", "% of villages", "80", ">=", "2024-12-31", "province", "second"],
    ["a3", "milestone", "projects", "4", ">=", "2024-10-31", "province", "third"],
]


def _csv_text(rows: list[list[str]] = ROWS, sep: str = ",") -> str:
    return "".join(sep.join(r) + "\r\n" for r in [HEADER, *rows])


def _write(tmp_path: Path, data: str | bytes, name: str = "cat.csv") -> Path:
    path = tmp_path / name
    if isinstance(data, str):
        path.write_text(data, encoding="utf-8", newline="")
    else:
        path.write_bytes(data)
    return path


def _xlsx(tmp_path: Path, sheets: dict[str, list[list[object]]], name: str = "cat.xlsx") -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


def _typed(rows: list[list[str]] = ROWS) -> list[list[object]]:
    """The rows as an Excel sheet holds them (numbers as numbers)."""
    return [[float(c) if j == 3 else c for j, c in enumerate(r)] for r in rows]


def _targets(path: Path, **kwargs: object) -> dict[str, float]:
    cat = load_catalog(path, **kwargs)
    return dict(zip(cat.table["indicator"], cat.table["target"], strict=True))


EXPECTED = {"a1": 15000.0, "a2": 80.0, "a3": 4.0}


def test_the_plain_file_reads_without_a_note(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _targets(_write(tmp_path, _csv_text())) == EXPECTED
        assert _targets(_xlsx(tmp_path, {"目标": [HEADER, *_typed()]})) == EXPECTED


# --------------------------------------------------------------------------- CSV parsing
@pytest.mark.parametrize(("sep", "name"), [("\t", "tab"), (";", "semicolon")])
def test_tab_and_semicolon_delimited_are_read_with_a_note(tmp_path: Path, sep: str, name: str) -> None:
    path = _write(tmp_path, _csv_text(sep=sep))
    with pytest.warns(UserWarning, match=rf"cat\.csv: read as {name}-separated\.$"):
        assert _targets(path) == EXPECTED


def test_a_decimal_comma_of_a_semicolon_file_is_not_a_number(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][2:4] = ["10k persons (万人)", "19,67"]
    with pytest.raises(
        DataValidationError, match=r"row 2, indicator 'a1', field 'target': target '19,67' is not a"
    ):
        load_catalog(_write(tmp_path, _csv_text(rows, sep=";")))


def test_unbalanced_quote_names_the_last_good_row(tmp_path: Path) -> None:
    text = _csv_text().replace("second", '"second')
    with pytest.raises(
        DataValidationError, match=r"cat\.csv: row 3 of the catalogue is not well-formed CSV .*a quote"
    ):
        load_catalog(_write(tmp_path, text))


def test_unquoted_comma_gives_a_field_too_many(tmp_path: Path) -> None:
    text = _csv_text().replace("15000", "15,000")
    with pytest.raises(
        DataValidationError,
        match=r"cat\.csv: row 2 has 9 fields, the header 8: a comma inside a cell",
    ):
        load_catalog(_write(tmp_path, text))


def test_a_row_a_field_short_is_refused(tmp_path: Path) -> None:
    text = _csv_text().replace(",second", "")
    with pytest.raises(
        DataValidationError,
        match=r"row 3 has 7 fields, the header 8: the row is cut short \(columns \['note'\] are missing\)",
    ):
        load_catalog(_write(tmp_path, text))


@pytest.mark.parametrize("cut", [2, 8, 40])
def test_a_file_cut_inside_its_last_row_is_refused(tmp_path: Path, cut: int) -> None:
    """Cut inside the last column ('thi'), at the start of the last field, or a short last row."""
    text = _csv_text()[: -2 - cut]  # drop the final CRLF and cut characters of the last row
    with pytest.raises(
        DataValidationError,
        match=r"cat\.csv: row 4, the last row .* cut off inside it \(the last complete row is row 3\)",
    ):
        load_catalog(_write(tmp_path, text))


def test_a_file_cut_between_rows_reads_the_complete_rows(tmp_path: Path) -> None:
    """A cut after a line break leaves a complete shorter file: nothing in it can tell."""
    text = "".join(_csv_text().splitlines(keepends=True)[:3])
    assert _targets(_write(tmp_path, text)) == {"a1": 15000.0, "a2": 80.0}


# --------------------------------------------------------------------------- encodings
def test_gbk_catalogue_is_read_with_a_warning(tmp_path: Path) -> None:
    rows = [[*r[:-1], "备注"] for r in ROWS]
    rows[0][6] = "哈尔滨市"
    path = _write(tmp_path, _csv_text(rows).encode("gbk"))
    with pytest.warns(UserWarning, match=r"cat\.csv: read as GB18030 \(GBK\)"):
        cat = load_catalog(path)
    assert cat.table["region"].iloc[0] == "harbin" and set(cat.table["note"]) == {"备注"}


def test_utf16_catalogue_is_read_with_a_note(tmp_path: Path) -> None:
    path = _write(tmp_path, _csv_text(sep="\t").encode("utf-16"))
    with pytest.warns(UserWarning, match="UTF-16"):
        assert _targets(path) == EXPECTED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x81\x30\xff\xfe\x00\x01indicator", r"neither UTF-8 nor GBK/GB18030"),
        (b"indicator,kind\x00\x00\n", r"missing required column 'kind'"),
        (b"PK\x03\x04rest of a zip", r"missing required column 'indicator'"),
        (b"", r"the catalogue is empty"),
    ],
)
def test_undecodable_csv_is_refused(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(DataValidationError, match=rf"(?s)cat\.csv.*{message}"):
        load_catalog(_write(tmp_path, data))


# --------------------------------------------------------------------------- workbooks
def test_damaged_workbooks_are_refused(tmp_path: Path) -> None:
    good = _xlsx(tmp_path, {"s": [HEADER, *_typed()]})
    data = good.read_bytes()
    cases = {
        "truncated.xlsx": data[: len(data) // 2],
        "random.xlsx": bytes(range(256)) * 8,
        "empty.xlsx": b"",
    }
    # a damaged XML part and a missing part inside a valid zip
    with zipfile.ZipFile(good) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    for name, change in [("badxml.xlsx", "<<not xml"), ("nopart.xlsx", None)]:
        path = tmp_path / name
        with zipfile.ZipFile(path, "w") as dst:
            for part, body in parts.items():
                if part == "xl/worksheets/sheet1.xml":
                    if change is None:
                        continue
                    body = change.encode()
                dst.writestr(part, body)
        cases[name] = path.read_bytes()
    for name, body in cases.items():
        path = _write(tmp_path, body, name)
        with pytest.raises(
            DataValidationError,
            match=rf"{name}: the (catalogue is (empty|not a readable \.xlsx)|workbook has no sheet)",
        ):
            load_catalog(path)


def test_xls_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"old Excel 97-2003 format \(\.xls\) .* save it as \.xlsx"):
        load_catalog(_write(tmp_path, b"\xd0\xcf\x11\xe0", "cat.xls"))


def test_the_sheet_with_the_columns_is_chosen_after_a_title_and_chinese_headers(tmp_path: Path) -> None:
    zh = ["指标", "类型", "单位", "目标值", "比较符", "完成时限", "地区", "备注"]
    sheets = {
        "说明": [["本表为2024年民生实事目标"], ["填表说明：每行一个指标"]],
        "目标": [["2024年民生实事目标表"], [], zh, *_typed()],
    }
    with pytest.warns(UserWarning) as notes:
        assert _targets(_xlsx(tmp_path, sheets)) == EXPECTED
    text = " ".join(str(w.message) for w in notes)
    assert "read sheet '目标', the only one with the columns (others: ['说明'])" in text
    assert "the header in row 3, below title rows (2024年民生实事目标表)" in text
    assert "columns 指标→indicator, 类型→kind" in text


def test_no_sheet_with_the_columns_lists_every_sheet(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, {"说明": [["本表"]], "目标": [["indicator", "kind"], ["a1", "level"]]})
    with pytest.raises(
        DataValidationError,
        match=r"no sheet has the columns .*'说明': \['本表'\]; '目标': \['indicator', 'kind'\]",
    ):
        load_catalog(path)


def test_a_cell_right_of_the_header_is_refused(tmp_path: Path) -> None:
    rows = _typed()
    rows[1] = [*rows[1], "stray"]
    with pytest.raises(
        DataValidationError,
        match=r"row 3 of sheet 's' has a value \('stray'\) in column 9, right of the header's last",
    ):
        load_catalog(_xlsx(tmp_path, {"s": [HEADER, *rows]}))


def test_chinese_and_english_names_of_one_column_are_refused(tmp_path: Path) -> None:
    text = (
        _csv_text().replace("note", "目标").replace("first", "1").replace("second", "2").replace("third", "3")
    )
    with pytest.raises(DataValidationError, match=r"row 1, field 'target': column 'target' is given twice"):
        load_catalog(_write(tmp_path, text))


# --------------------------------------------------------------------------- plausibility
def test_percent_cell_reads_as_the_percent_it_shows(tmp_path: Path) -> None:
    path = _xlsx(tmp_path, {"s": [HEADER, *_typed()]})
    book = openpyxl.load_workbook(path)
    book["s"]["D3"] = 0.8  # a2, unit "% of villages": the cell shows 80%
    book["s"]["D3"].number_format = "0%"
    book.save(path)
    with pytest.warns(
        UserWarning,
        match=r"read target cells formatted as percent as the percent they show.*\(row 3 \(0\.8 → 80\)\)",
    ):
        assert _targets(path) == EXPECTED
    # the same in a CSV that Excel wrote: the cell's text "80%"
    assert _targets(_write(tmp_path, _csv_text().replace(",80,", ",80%,"))) == EXPECTED
    # a percent for a unit that is not a percent is refused
    book["s"]["D2"] = 0.5
    book["s"]["D2"].number_format = "0%"
    book.save(path)
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'a1', field 'target': target shows 50%, a percent, but the unit 'households",
    ):
        load_catalog(path)


@pytest.mark.parametrize(
    ("row", "value", "message"),
    [
        (
            2,
            "2.5",
            r"indicator .a3., field .target.: target 2.5 is not a whole number, but a milestone target",
        ),
        (
            0,
            "150.5",
            r"indicator 'a1', field 'target': target 150.5 is not a whole number, .*households \(户\)",
        ),
        (0, "1e308", r"target 1e\+308 \(unit 'households \(户\)'\) is more than 1e\+13 base units"),
        (1, "8000", r"target 8000 is beyond ±1,000 %"),
        (0, "inf", r"target 'inf' is not a finite number"),
        (0, "nan", r"target 'nan' is not a finite number"),
        (0, "1e400", r"target '1e400' is not a finite number"),
    ],
)
def test_implausible_targets_are_refused(tmp_path: Path, row: int, value: str, message: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[row][3] = value
    with pytest.raises(DataValidationError, match=message):
        load_catalog(_write(tmp_path, _csv_text(rows)))
    typed = _typed(rows)
    if "finite" not in message:  # a workbook cannot hold nan or inf
        with pytest.raises(DataValidationError, match=message):
            load_catalog(_xlsx(tmp_path, {"s": [HEADER, *typed]}))


def test_fractions_of_ten_thousand_and_ratios_are_accepted(tmp_path: Path) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][2:4] = ["10k persons (万人)", "19.67"]
    rows[1][2:4] = ["places per 1000 people", "3.78"]
    assert _targets(_write(tmp_path, _csv_text(rows))) == {"a1": 19.67, "a2": 3.78, "a3": 4.0}
    rows[1][2:4] = ["人均住房面积（平方米）", "2.53"]  # 人 of a ratio, not a count of persons
    assert _targets(_write(tmp_path, _csv_text(rows))) == {"a1": 19.67, "a2": 2.53, "a3": 4.0}


@pytest.mark.parametrize("deadline", ["9999-12-31", "1900-01-01"])
def test_deadline_years_out_of_range_are_refused(tmp_path: Path, deadline: str) -> None:
    rows = [list(r) for r in ROWS]
    rows[0][5] = deadline
    with pytest.raises(
        DataValidationError, match=rf"field 'deadline': deadline '{deadline}' is outside the years 1950-2100"
    ):
        load_catalog(_write(tmp_path, _csv_text(rows)))


def test_the_command_lines_catalog_sheet_chooses_among_several(tmp_path: Path, capsys) -> None:
    """Two sheets with the columns: refused naming both; ``--catalog-sheet`` chooses one."""
    from longjiang_forecast.cli import main

    half = [[*r[:3], r[3] / 2, *r[4:]] for r in _typed()]
    path = _xlsx(tmp_path, {"今年": [HEADER, *_typed()], "去年": [HEADER, *half]})
    base = ["template", "--out", str(tmp_path / "t.csv"), "--catalog", str(path)]
    assert main(base) == 2
    assert "'今年'" in capsys.readouterr().err
    assert main(["forecast", "--catalog", str(path), "--catalog-sheet", "去年", "--draws", "100",
                 "--out", str(tmp_path / "o")]) == 0  # fmt: skip
    import pandas as pd

    table = pd.read_csv(tmp_path / "o" / "attainment.csv")
    assert table.loc[table["region"] == "province"].set_index("indicator")["target"].to_dict() == {
        "a1": 7500.0, "a2": 40.0, "a3": 2.0
    }  # fmt: skip
