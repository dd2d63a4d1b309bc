"""read_progress on damaged files and on the forms of an office's spreadsheet (issue 15, items 1, 2, 5)."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.months import parse_month
from longjiang_forecast.catalog import load_catalog
from longjiang_forecast.progress import read_progress

CAT = load_catalog(2024)
HEADER = "indicator,region,month,value,note\n"
ROWS = "09a,province,2024-03,4100,\n09a,province,2024-04,5200,first\n09a,哈尔滨,2024-04,1300,\n"


def _csv(tmp_path, text: str, *, encoding: str = "utf-8", name: str = "p.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _xlsx(tmp_path, sheets, name: str = "p.xlsx"):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(list(row))
    path = tmp_path / name
    wb.save(path)
    return path


def _values(ds) -> dict:
    s = ds["value"].to_series().dropna()
    return {(i, r, m.strftime("%Y-%m")): v for (i, r, m), v in s.items()}


EXPECTED = {
    ("09a", "province", "2024-03"): 4100.0,
    ("09a", "province", "2024-04"): 5200.0,
    ("09a", "harbin", "2024-04"): 1300.0,
}
GOOD_ROWS = [
    ["indicator", "region", "month", "value"],
    ["09a", "province", "2024-03", 4100],
    ["09a", "province", "2024-04", 5200],
    ["09a", "哈尔滨", "2024-04", 1300],
]


# --------------------------------------------------------------------------- damaged CSV


def test_last_row_without_line_break_is_refused_naming_the_last_good_row(tmp_path):
    path = _csv(tmp_path, HEADER + ROWS + "09a,province,2024-05,61")  # cut inside 6100
    with pytest.raises(
        DataValidationError,
        match=rf"^{re.escape(str(path))}: row 5, the last "
        r"row \('09a,province,2024-05,61'\), does not end with a line break, so the file may have been "
        r"cut off inside it \(the last complete row is row 4\)",
    ):
        read_progress(path, CAT)


def test_a_complete_file_reads_the_same_with_its_final_line_break(tmp_path):
    assert _values(read_progress(_csv(tmp_path, HEADER + ROWS), CAT)) == EXPECTED


def test_unquoted_thousands_separator_is_refused(tmp_path):
    path = _csv(tmp_path, HEADER + "09a,province,2024-03,4,100,\n")
    with pytest.raises(
        DataValidationError,
        match=r"row 2 has 6 fields, the header 5: a comma inside a cell, such as a thousands separator "
        r"\(write 4100, not 4,100\)",
    ):
        read_progress(path, CAT)


def test_row_with_fewer_fields_is_refused(tmp_path):
    path = _csv(tmp_path, HEADER + ROWS + "09a,province,2024-05\n")
    with pytest.raises(
        DataValidationError,
        match=r"row 5 has 3 fields, the header 5: the row is cut short \(columns \['value', 'note'\] "
        r"are missing\)",
    ):
        read_progress(path, CAT)


def test_unbalanced_quote_is_refused(tmp_path):
    path = _csv(tmp_path, HEADER + '09a,province,2024-03,4100,"started\n' + ROWS)
    with pytest.raises(DataValidationError, match=r"p\.csv: .*row 2.*quote"):
        read_progress(path, CAT)


def test_text_in_no_supported_encoding_is_refused(tmp_path):
    path = tmp_path / "p.csv"
    path.write_bytes(HEADER.encode() + b"09a,province,2024-03,\x81\x20\xff\n")
    with pytest.raises(DataValidationError, match=r"p\.csv: the file is neither UTF-8 nor GBK/GB18030 text"):
        read_progress(path, CAT)


def test_sheet_for_a_csv_is_refused(tmp_path):
    with pytest.raises(
        DataValidationError, match=r"a sheet \('data'\) was chosen, but a CSV file has no sheets"
    ):
        read_progress(_csv(tmp_path, HEADER + ROWS), CAT, sheet="data")


def test_a_column_named_twice_after_aliases_is_refused(tmp_path):
    path = _csv(tmp_path, "indicator,指标,region,month,value\n09a,09a,province,2024-03,4100\n")
    with pytest.raises(DataValidationError, match=r"column\(s\) \['indicator'\] appear more than once"):
        read_progress(path, CAT)


# --------------------------------------------------------------------------- damaged workbooks


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", r"the file is empty \(0 bytes\)"),
        (b"PK\x03\x04" + bytes(range(256)), r"the file is not a readable \.xlsx workbook \(BadZipFile"),
        (HEADER.encode(), r"the file is not a readable \.xlsx workbook \(BadZipFile"),
    ],
)
def test_damaged_workbooks_are_refused(tmp_path, data, why):
    path = tmp_path / "p.xlsx"
    path.write_bytes(data)
    with pytest.raises(DataValidationError, match=rf"p\.xlsx: {why}"):
        read_progress(path, CAT)


def test_a_cut_workbook_is_refused(tmp_path):
    path = _xlsx(tmp_path, [("data", GOOD_ROWS)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(DataValidationError, match=r"p\.xlsx: the file is not a readable \.xlsx workbook"):
        read_progress(path, CAT)


def test_a_stale_dimension_tag_does_not_cut_rows_off(tmp_path):
    import zipfile

    path = _xlsx(tmp_path, [("data", GOOD_ROWS)])
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b'<dimension ref="A1:D4" />' in parts[sheet]
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:D4" />', b'<dimension ref="A1:B2" />')
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert _values(read_progress(path, CAT)) == EXPECTED


def test_a_value_right_of_the_header_is_refused(tmp_path):
    rows = [*GOOD_ROWS[:2], [*GOOD_ROWS[2], None, "stray"], GOOD_ROWS[3]]
    with pytest.raises(
        DataValidationError, match=r"row 3 of sheet 'data' has a value \('stray'\) in column 6"
    ):
        read_progress(_xlsx(tmp_path, [("data", rows)]), CAT)


@pytest.mark.parametrize("cell", [True, "TRUE"])
def test_boolean_value_cell_is_refused(tmp_path, cell):
    rows = [GOOD_ROWS[0], ["09a", "province", "2024-03", cell]]
    with pytest.raises(
        DataValidationError, match=r"field 'value' has value '(True|TRUE)', which is not a number"
    ):
        read_progress(_xlsx(tmp_path, [("data", rows)]), CAT)


# --------------------------------------------------------------------------- months and values


def test_excel_zero_date_month_is_refused(tmp_path):
    rows = [GOOD_ROWS[0], ["09a", "province", dt.datetime(1900, 1, 1), 4100]]
    with pytest.raises(
        DataValidationError,
        match=r"field 'month' has value '1900-01', a month before 1950: Excel shows an empty or zero date "
        r"cell as 1900-01",
    ):
        read_progress(_xlsx(tmp_path, [("data", rows)]), CAT)


def test_month_after_the_catalogue_year_is_refused(tmp_path):
    with pytest.raises(
        DataValidationError,
        match=r"field 'month' has value '2025-01', a month after the catalogue's year 2024, which has no "
        r"targets for it",
    ):
        read_progress(_csv(tmp_path, HEADER + "09a,province,2025-01,4100,\n"), CAT)


@pytest.mark.parametrize("value", ["1e308", "1e15", "-1e20"])
def test_absurd_values_are_refused_whatever_the_kind(tmp_path, value):
    body = f"16b,province,2024-01,105.2,\n16b,province,2024-02,{value},\n"
    with pytest.raises(
        DataValidationError, match=rf"has value '{value}', beyond any figure in a catalogue unit"
    ):
        read_progress(_csv(tmp_path, HEADER + body), CAT, check_scale=False)


def test_change_value_far_from_its_series_is_refused_unless_scale_check_is_off(tmp_path):
    months = [f"2024-{m:02d}" for m in range(1, 7)]
    values = ["105.2", "104.9", "106.1", "1.05e6", "103.8", "104.4"]
    body = "".join(f"16b,province,{m},{v},\n" for m, v in zip(months, values, strict=True))
    path = _csv(tmp_path, HEADER + body)
    with pytest.raises(
        DataValidationError,
        match=r"row 5 .*field 'value' has value 1050000, 1e\+04× the median 105\.1 of the series' monthly "
        r"values",
    ):
        read_progress(path, CAT)
    assert float(read_progress(path, CAT, check_scale=False)["value"].sel(month="2024-04").item()) == 1.05e6


# --------------------------------------------------------------------------- accepted forms


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("2024年8月", "YYYY年M月"),
        ("2024 年 08 月", "YYYY年M月"),
        ("2024/8", "YYYY/M"),
        ("2024.08", "YYYY.MM"),
        ("202408", "YYYYMM"),
        ("2024-8", "YYYY-MM"),
        ("2024-08-31", "date"),
        ("2024/8/15", "date"),
        ("2024年8月31日", "date"),
    ],
)
def test_month_forms(tmp_path, text, form):
    assert parse_month(text) == (parse_month("2024-08")[0], form)
    path = _csv(tmp_path, HEADER + f"09a,province,{text},4100,\n")
    if form == "YYYY-MM":
        ds = read_progress(path, CAT)
    else:
        with pytest.warns(UserWarning, match=rf"p\.csv: read months written {form} \('{text}'\)\."):
            ds = read_progress(path, CAT)
    assert _values(ds) == {("09a", "province", "2024-08"): 4100.0}


@pytest.mark.parametrize("text", ["2024.1", "20248", "2024年13月", "2024/0", "2023/2/29", "8月"])
def test_ambiguous_or_impossible_months_are_not_months(text):
    assert parse_month(text)[0] is None


def _percent_xlsx(tmp_path, rows, *cells):
    """A one-sheet workbook ('data') of ``rows`` with ``cells`` formatted as percent (``0%``)."""
    path = _xlsx(tmp_path, [("data", rows)])
    wb = openpyxl.load_workbook(path)
    for cell in cells:
        wb["data"][cell].number_format = "0%"
    wb.save(path)
    return path


def test_a_table_that_starts_in_column_b_is_read(tmp_path):
    """Column A empty and without a header was refused as 'unnamed: 0' (a third break-it pass); one with
    values is refused naming its letter."""
    rows = [[None, *row] for row in [*GOOD_ROWS, ["02c", "province", "2024-03", 0.5]]]
    path = _percent_xlsx(tmp_path, rows, "E5")  # the value column's cells stay where the sheet has them
    with pytest.warns(
        UserWarning, match=r"p\.xlsx: read the empty column\(s\) A without a header name as no column"
    ):
        ds = read_progress(path, CAT)
    assert _values(ds) == {**EXPECTED, ("02c", "province", "2024-03"): 50.0}
    csv = _csv(tmp_path, "," + HEADER + "".join("," + line + "\n" for line in ROWS.splitlines()))
    with pytest.warns(UserWarning, match=r"read the empty column\(s\) A without a header name"):
        assert _values(read_progress(csv, CAT)) == EXPECTED
    # a column without a header that holds a value is refused, not dropped
    stray = _csv(
        tmp_path, "," + HEADER + "".join("x," + line + "\n" for line in ROWS.splitlines()), name="s.csv"
    )
    with pytest.raises(
        DataValidationError, match=r"unknown column\(s\) \['unnamed: column A'\] \(columns without a header"
    ):
        read_progress(stray, CAT)


def test_a_percent_format_on_a_value_whose_unit_is_not_a_percent_is_refused(tmp_path):
    """50.1 km formatted 0% was read as 5010 km, 'achieved', without a word (a fourth break-it pass)."""
    rows = [GOOD_ROWS[0], ["19b", "province", "2024-03", 50.1], ["02c", "province", "2024-03", 0.8]]
    path = _percent_xlsx(tmp_path, rows, "D2", "D3")  # 02c is a percent: read as the 80 it shows
    with pytest.raises(
        DataValidationError,
        match=r"p\.xlsx: 1 value cell\(s\) formatted as percent for indicators whose unit is not a "
        r"percent: row 2 \(19b, unit km \(公里\)\): holds 50\.1, shows 5010%\. Which figure was reported",
    ):
        read_progress(path, CAT)


def test_percent_formatted_cells_read_as_the_percent_they_show(tmp_path):
    rows = [GOOD_ROWS[0], ["02c", "province", "2024-03", 0.8], ["02c", "province", "2024-04", 85]]
    path = _percent_xlsx(tmp_path, rows, "D2")
    with pytest.warns(
        UserWarning, match=r"read 1 value cell\(s\) formatted as percent as the percent they show"
    ):
        ds = read_progress(path, CAT)
    assert _values(ds) == {("02c", "province", "2024-03"): 80.0, ("02c", "province", "2024-04"): 85.0}
    # the same 0.8 in a cell without the format is a fraction for a % unit: refused with the fix
    with pytest.raises(DataValidationError, match=r"has value 0\.8, which looks like a fraction"):
        read_progress(_percent_xlsx(tmp_path, rows), CAT)


def test_excel_dates_anywhere_in_the_month(tmp_path):
    rows = [
        GOOD_ROWS[0],
        ["09a", "province", dt.datetime(2024, 3, 31), 4100],
        ["09a", "province", dt.datetime(2024, 4, 1), 5200],
    ]
    with pytest.warns(UserWarning, match=r"read months written date \('2024-03-31'\)"):
        ds = read_progress(_xlsx(tmp_path, [("data", rows)]), CAT)
    assert _values(ds) == {("09a", "province", "2024-03"): 4100.0, ("09a", "province", "2024-04"): 5200.0}


def test_chinese_headers_and_title_rows_in_csv(tmp_path):
    text = "2024年民生实事进展情况表,,,,\n单位：户,,,,\n指标,地区,月份,数值,备注\n" + ROWS
    with pytest.warns(UserWarning) as caught:
        ds = read_progress(_csv(tmp_path, text), CAT)
    assert _values(ds) == EXPECTED
    assert len(caught) == 1  # one line says what was read
    message = str(caught[0].message)
    assert "the header in row 3, below title rows (2024年民生实事进展情况表; 单位：户)" in message
    assert "columns 指标→indicator, 地区→region, 月份→month, 数值→value, 备注→note" in message
    assert "note" in ds and ds["note"].sel(region="province", month="2024-04").item() == "first"


def test_rows_are_numbered_as_the_spreadsheet_shows_them_below_title_rows(tmp_path):
    text = "进展情况表,,,,\n" + HEADER + "09a,province,2024-03,4100,\n09a,nowhere,2024-04,5200,\n"
    with pytest.raises(DataValidationError, match=r"value 'nowhere' in 1 row \(row 4\)"):
        read_progress(_csv(tmp_path, text), CAT)


def test_title_rows_and_chinese_headers_in_a_workbook_on_its_second_sheet(tmp_path):
    rows = [["2024年进展"], [None], ["指标", "地区", "月份", "数值"], *GOOD_ROWS[1:]]
    path = _xlsx(tmp_path, [("说明", [["填表说明"], ["每月5日前报送"]]), ("进度", rows)])
    with pytest.warns(UserWarning) as caught:
        ds = read_progress(path, CAT)
    assert _values(ds) == EXPECTED
    message = str(caught[0].message)
    assert "sheet '进度', the only one with the columns (others: ['说明'])" in message
    assert "the header in row 3, below title rows (2024年进展)" in message


def test_several_sheets_with_the_columns_are_refused_and_sheet_chooses(tmp_path):
    other = [GOOD_ROWS[0], ["09a", "province", "2024-03", 9999]]
    path = _xlsx(tmp_path, [("进度", GOOD_ROWS), ("进度(2)", other)])
    with pytest.raises(
        DataValidationError,
        match=r"sheets \['进度', '进度\(2\)'\] all have the columns .*Choose it with sheet= \(command line: "
        r"--sheet NAME\), or delete the others\. If each holds other months \(one sheet per month\), put "
        r"every month's rows in one sheet",
    ):
        read_progress(path, CAT)
    # the sheet chosen, the others' rows are named as not read (a workbook of one sheet per month
    # lost 14 sheets' reports without a word; a break-it pass)
    with pytest.warns(
        UserWarning, match=r"sheet '进度' only: sheets \['进度\(2\)'\] also have the columns and rows, "
    ):
        assert _values(read_progress(path, CAT, sheet="进度")) == EXPECTED
    with pytest.warns(UserWarning, match=r"sheet '进度\(2\)' only: sheets \['进度'\] also have"):
        assert _values(read_progress(path, CAT, sheet=1)) == {("09a", "province", "2024-03"): 9999.0}
    with pytest.raises(
        DataValidationError, match=r"no sheet 'x'; the workbook's sheets are \['进度', '进度\(2\)'\]"
    ):
        read_progress(path, CAT, sheet="x")


def test_no_sheet_with_the_columns_lists_every_sheet(tmp_path):
    path = _xlsx(tmp_path, [("说明", [["填表说明"]]), ("数据", [["a", "b"], [1, 2]])])
    with pytest.raises(
        DataValidationError,
        match=r"no sheet has the columns \['indicator', 'region', 'month', 'value'\]; the sheets' first "
        r"rows are '说明': \['填表说明'\]; '数据': \['a', 'b'\]",
    ):
        read_progress(path, CAT)


@pytest.mark.parametrize(("delimiter", "name"), [("\t", "tab"), (";", "semicolon")])
def test_tab_and_semicolon_separated_text(tmp_path, delimiter, name):
    text = (HEADER + ROWS).replace(",", delimiter)
    with pytest.warns(UserWarning, match=rf"read as {name}-separated"):
        assert _values(read_progress(_csv(tmp_path, text), CAT)) == EXPECTED


@pytest.mark.parametrize(("encoding", "note"), [("utf-16", "as UTF-16 text"), ("gbk", r"as GB18030 \(GBK\)")])
def test_other_encodings(tmp_path, encoding, note):
    with pytest.warns(UserWarning, match=note):
        assert _values(read_progress(_csv(tmp_path, HEADER + ROWS, encoding=encoding), CAT)) == EXPECTED


def test_cli_sheet_option(tmp_path):
    from longjiang_forecast.cli import main

    other = [GOOD_ROWS[0], ["09a", "province", "2024-03", 9999]]
    path = _xlsx(tmp_path, [("进度", GOOD_ROWS), ("进度(2)", other)])
    err = io.StringIO()
    import contextlib

    with contextlib.redirect_stderr(err):
        status = main(["forecast", "--progress", str(path), "--draws", "100", "--out", str(tmp_path / "o")])
    assert status == 2
    assert "all have the columns" in err.getvalue()
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()) as out:
        status = main(
            [
                "forecast",
                "--progress",
                str(path),
                "--sheet",
                "进度",
                "--draws",
                "100",
                "--out",
                str(tmp_path / "o"),
            ]
        )
    assert status == 0
    assert "09a" in out.getvalue()


def test_without_a_header_row_the_message_is_the_missing_columns(tmp_path):
    text = "进展情况表\nindicator,region,month,valeu\n" + "09a,province,2024-03,4100\n"
    with pytest.raises(
        DataValidationError,
        match=r"missing required column\(s\) \['indicator', 'region', 'month', 'value'\] in the header "
        r"\(row 1\)\. Found columns \['进展情况表'\]",
    ):
        read_progress(_csv(tmp_path, text), CAT)


def test_several_damaged_rows_are_listed_together(tmp_path):
    path = _csv(tmp_path, HEADER + "09a,province,2024-03,4,100,\n09a,province,2024-04\n" + ROWS)
    with pytest.raises(
        DataValidationError,
        match=r"p\.csv: 2 rows of the file cannot be read as a table:\n  - row 2 has 6 fields.*\n"
        r"  - row 3 has 3 fields",
    ):
        read_progress(path, CAT)


def _merged_xlsx(tmp_path, rows, *ranges):
    """A one-sheet workbook ('Sheet') of ``rows`` with the cell ranges ``ranges`` merged."""
    path = _xlsx(tmp_path, [("Sheet", rows)])
    wb = openpyxl.load_workbook(path)
    for cells in ranges:
        wb["Sheet"].merge_cells(cells)
    wb.save(path)
    return path


def test_merged_indicator_and_region_cells_read_as_their_top_cell_with_a_warning(tmp_path):
    """A government table merges each indicator's and region's cell over its block of months."""
    rows = [
        ("indicator", "region", "month", "value"),
        ("09a", "province", "2024-03", 4100),
        (None, None, "2024-04", 5200),
        ("09a", "哈尔滨", "2024-04", 1300),
    ]
    path = _merged_xlsx(tmp_path, rows, "A2:A3", "B2:B3")
    with pytest.warns(UserWarning, match=r"merged cells A2:A3 as their top cell's value on every row"):
        progress = read_progress(path, CAT)
    assert _values(progress) == _values(read_progress(_csv(tmp_path, HEADER + ROWS), CAT))


def test_a_formula_without_its_saved_result_is_refused_naming_the_cell(tmp_path):
    """openpyxl (and other programs) write formulas without results; Excel would show the sum."""
    rows = [
        ("indicator", "region", "month", "value"),
        ("09a", "province", "2024-03", 4100),
        ("09a", "province", "2024-04", "=D2+1100"),
    ]
    path = _xlsx(tmp_path, [("Sheet", rows)])
    with pytest.raises(
        DataValidationError,
        match=r"1 formula cell\(s\) of sheet .Sheet. hold no saved result, or an empty one \(row 3, column D "
        r"\(.value.\): "
        r"=D2\+1100\).*Open it in Excel or WPS and save it again",
    ):
        read_progress(path, CAT)


def test_a_value_cell_merged_over_several_months_is_refused(tmp_path):
    """One figure for several rows would be copied into each: a guess; each month reports its own."""
    rows = [
        ("指标", "地区", "月份", "数值"),
        ("09a", "province", "2024-03", 4100),
        ("09a", "province", "2024-04", None),
    ]
    path = _merged_xlsx(tmp_path, rows, "D2:D3")
    with pytest.raises(
        DataValidationError,
        match=r"cells D2:D3 of sheet 'Sheet' are merged over 2 rows of the column '数值': each row needs "
        r"its own figure",
    ):
        read_progress(path, CAT)


def test_a_merged_block_with_an_empty_top_cell_is_refused_naming_it(tmp_path):
    """Rows 2-3's indicator merged with an empty top cell: each row was refused as without an
    indicator, the merge not named (a third break-it pass)."""
    rows = [
        ("指标", "地区", "月份", "数值"),
        (None, "province", "2024-03", 4100),
        ("09a", "province", "2024-04", 5200),
    ]
    path = _merged_xlsx(tmp_path, rows, "A2:A3")  # merging keeps the top cell: the block is empty
    with pytest.raises(
        DataValidationError,
        match=r"cells A2:A3 of sheet 'Sheet' are merged over 2 rows of the column '指标' but hold no value "
        r"\(a merge keeps only its top cell's value, and the top cell is empty\): none of rows 2-3 has its "
        r"'指标'. Type the value into the merged cell",
    ):
        read_progress(path, CAT)
    # a merged note column without a value is no problem: nothing is required there
    rows = [("indicator", "region", "month", "value", "note"), *[(*r, None) for r in GOOD_ROWS[1:3]]]
    assert _values(read_progress(_merged_xlsx(tmp_path, rows, "E2:E3"), CAT)) == {
        k: v for k, v in EXPECTED.items() if k[1] == "province"
    }
