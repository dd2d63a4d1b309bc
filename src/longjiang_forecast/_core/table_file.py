"""Read a user's table file (CSV or Excel) into rows of cells, or refuse it with our own error.

Every failure of the libraries underneath (the ``csv`` module, codecs, ``zipfile``, ``zlib``,
XML parsers and openpyxl on a damaged or extreme workbook) becomes a
:class:`~longjiang_forecast._core.exceptions.DataValidationError` that names the file, the row
where known, what is wrong and how to fix it. Nothing is dropped silently: a row with a field
too few or too many, and a CSV that stops inside a row (no line break after its last row), are
refused naming the last complete row.

What is read, and said in one line each (``RawTable.notes``): a CSV that is not UTF-8 (GBK /
GB18030, the "CSV" of Excel on Chinese Windows; UTF-16, Excel's "Unicode Text"), a
tab-delimited CSV, title rows above the header (the header is found by its column names in
the first rows), the sheet chosen in a workbook (the one sheet whose header has the required
columns). A semicolon-delimited CSV (Excel set to a European locale, where a comma may be a
decimal point) is refused: its numbers are ambiguous.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from longjiang_forecast._core.exceptions import DataValidationError

__all__ = ["RawTable", "header_name", "read_table"]

#: The header is looked for in this many first rows (rows above it are title rows).
HEADER_SEARCH_ROWS: Final = 10
#: Excel's "CSV" saved in a European locale uses ';'; tab-delimited text is Excel's "Text".
_DELIMITERS: Final = (",", "\t", ";")
_DELIMITER_NAMES: Final = {",": "comma", "\t": "tab", ";": "semicolon"}
_CSV_HINT: Final = "Save the sheet as 'CSV UTF-8 (comma delimited)' or as .xlsx."


@dataclass(frozen=True)
class RawTable:
    """A table file read into text-free cells, with the spreadsheet row number of every row.

    Attributes
    ----------
    source : str
        The path read.
    sheet : str or None
        The sheet of a workbook (None for CSV).
    header_row : int
        Spreadsheet row number of the header (1 = first row).
    columns : list of str
        The header's cells as written (stripped, BOM removed), one per column.
    rows : list of int
        Spreadsheet row number of each data row (completely blank rows are left out).
    cells : list of list
        The data rows, each as long as ``columns``: str for CSV; the cell values of openpyxl
        (str, int, float, bool, datetime, None) for a workbook.
    formats : list of list of str, or None
        Excel number formats parallel to ``cells`` (e.g. ``"0%"``); None for CSV.
    notes : list of str
        One line per thing read other than plainly (encoding, delimiter, title rows, sheet).
    """

    source: str
    sheet: str | None
    header_row: int
    columns: list[str]
    rows: list[int]
    cells: list[list[Any]]
    formats: list[list[str]] | None = None
    notes: list[str] = field(default_factory=list)


def header_name(cell: Any, aliases: Mapping[str, str]) -> str:
    """The documented column name of a header cell: stripped, lower case, aliases resolved.

    Parameters
    ----------
    cell : object
        A header cell.
    aliases : mapping of str to str
        Accepted spellings (lower case, e.g. ``"指标"``) to documented names (``"indicator"``).

    Returns
    -------
    str
    """
    name = "" if cell is None else str(cell).replace("\ufeff", "").strip().lower()
    return aliases.get(name, name)


def read_table(
    path: Path,
    *,
    required: Collection[str],
    aliases: Mapping[str, str],
    sheet: int | str | None = None,
    what: str = "file",
) -> RawTable:
    """Read a CSV or Excel file whose header has the ``required`` columns.

    Parameters
    ----------
    path : pathlib.Path
        A ``.csv``, ``.xlsx`` or ``.xlsm`` file (the caller checks that it exists).
    required : collection of str
        Documented names of the required columns; the header is the first of the first
        ``HEADER_SEARCH_ROWS`` rows whose names (after ``aliases``) include them all. Without
        such a row, the first non-blank row is the header (the caller reports what it lacks).
    aliases : mapping of str to str
        Accepted spellings of column names, see :func:`header_name`.
    sheet : int or str, optional
        Sheet of a workbook (index or name). Default: the one sheet whose header has the
        required columns (several are refused, naming them).
    what : str
        What the file is, for messages (e.g. ``"catalogue"``).

    Returns
    -------
    RawTable

    Raises
    ------
    DataValidationError
        If the file cannot be decoded or parsed, is damaged, has rows with too few or too many
        fields, stops inside its last row, is semicolon-delimited, or (a workbook) has no sheet
        or several sheets with the required columns.
    """
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _read_csv(path, required, aliases, what)
    if suffix in (".xlsx", ".xlsm"):
        return _read_workbook(path, required, aliases, sheet, what)
    if suffix == ".xls":
        raise DataValidationError(
            f"{path}: the old Excel 97-2003 format (.xls) is not read. Open it in Excel and save "
            f"it as .xlsx (Excel workbook) or 'CSV UTF-8'."
        )
    raise DataValidationError(
        f"{path}: unsupported file type {path.suffix or '(none)'!r}. Save the {what} as .csv "
        f"(UTF-8) or .xlsx."
    )


# --------------------------------------------------------------------------- CSV
def _decode(data: bytes, label: str, notes: list[str]) -> str:
    if data[:4] == b"PK\x03\x04":
        raise DataValidationError(
            f"{label}: this is an Excel workbook (a zip file) with a .csv name. Rename it to .xlsx, "
            f"or open it in Excel and save it as 'CSV UTF-8'."
        )
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise DataValidationError(
                f"{label}: the file starts as UTF-16 text but is damaged at byte {err.start} "
                f"({err.reason}). {_CSV_HINT}"
            ) from err
        notes.append(f"{label} is UTF-16 text (Excel's 'Unicode Text'); it was read as such.")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            # Excel on Chinese Windows saves "CSV" as GBK; GB18030 is its superset.
            try:
                text = data.decode("gb18030")
            except UnicodeDecodeError:
                raise DataValidationError(
                    f"{label}: the file is neither UTF-8 nor GBK/GB18030 text ({err.reason} at byte "
                    f"{err.start}). {_CSV_HINT}"
                ) from err
            notes.append(
                f"{label} is not UTF-8; it was read as GB18030 (GBK), the encoding of Excel's 'CSV' "
                "on Chinese Windows. Check the Chinese text; save as 'CSV UTF-8' to silence this."
            )
    if "\x00" in text:
        raise DataValidationError(
            f"{label}: the file holds NUL bytes, so it is not a text (CSV) file. {_CSV_HINT}"
        )
    return text


def _records(text: str, delimiter: str) -> csv.Reader:
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _find_header(rows: list[list[Any]], required: Collection[str], aliases: Mapping[str, str]) -> int | None:
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if set(required) <= {header_name(c, aliases) for c in row}:
            return i
    return None


def _head(text: str, delimiter: str) -> list[list[str]]:
    """The first records of ``text`` (fewer if it cannot be parsed further)."""
    head: list[list[str]] = []
    try:
        for rec in _records(text, delimiter):
            head.append(rec)
            if len(head) >= HEADER_SEARCH_ROWS:
                break
    except csv.Error:
        pass
    return head


def _read_csv(path: Path, required: Collection[str], aliases: Mapping[str, str], what: str) -> RawTable:
    label = str(path)
    notes: list[str] = []
    try:
        data = path.read_bytes()
    except OSError as err:
        raise DataValidationError(f"{label}: cannot read the file ({err.strerror}).") from err
    text = _decode(data, label, notes)
    if not text.strip():
        raise DataValidationError(
            f"{label}: the file is empty. Write a header row ({', '.join(required)}) and the rows of "
            f"the {what}."
        )
    delimiter = ","
    for candidate in _DELIMITERS:
        if _find_header(_head(text, candidate), required, aliases) is not None:
            delimiter = candidate
            break
    if delimiter == ";":
        raise DataValidationError(
            f"{label}: the file is semicolon-delimited (the 'CSV' of Excel set to a European "
            f"locale, where a comma may be a decimal point, so its numbers are ambiguous). "
            f"{_CSV_HINT}"
        )
    if delimiter == "\t":
        notes.append(f"{label} is tab-delimited; it was read with tabs between the columns.")
    return _csv_table(text, delimiter, required, aliases, label, notes)


def _csv_table(
    text: str,
    delimiter: str,
    required: Collection[str],
    aliases: Mapping[str, str],
    label: str,
    notes: list[str],
) -> RawTable:
    records: list[list[str]] = []
    reader = _records(text, delimiter)
    try:
        for rec in reader:
            records.append(rec)
    except csv.Error as err:
        good = _last_nonblank(records)
        raise DataValidationError(
            f"{label}, row {len(records) + 1}: the file cannot be parsed as CSV ({err}); most "
            f'often a quote (") that is opened and never closed. The last row read whole is '
            f"row {good}. Remove the stray quote or put the whole cell in quotes."
        ) from err
    index = _find_header(records, required, aliases)
    found = index is not None
    if index is None:  # the caller refuses the header; the rows are not checked
        index = next(i for i, rec in enumerate(records) if any(c.strip() for c in rec))
    header = records[index]
    width = len(header)
    cut = not text.endswith(("\n", "\r"))
    rows: list[int] = []
    cells: list[list[Any]] = []
    for i in range(index + 1, len(records)):
        rec = records[i]
        if not any(c.strip() for c in rec):
            continue
        rownum = i + 1
        if not found:
            rec = [*rec, *([""] * (width - len(rec)))]
        elif cut and i == len(records) - 1:
            raise DataValidationError(
                f"{label}: the file does not end with a line break, so it may have been cut off "
                f"inside row {rownum}; the last complete row is row {_last_nonblank(records[:i])}. "
                f"If the file is "
                f"complete, add a line break after its last row (a spreadsheet's 'Save as CSV' "
                f"writes one); otherwise export it again."
            )
        elif len(rec) < width or any(c.strip() for c in rec[width:]):
            raise DataValidationError(
                f"{label}, row {rownum}: {len(rec)} fields, but the header (row {index + 1}) has "
                f"{width}. "
                + (
                    "The row is cut short or lacks a field"
                    if len(rec) < width
                    else f"A cell holds an unquoted '{delimiter}' (e.g. 4,100)"
                )
                + f"; the last row read whole is row {_last_nonblank(records[:i])}. Put cells that contain "
                f"'{delimiter}' in quotes, or remove the separator, so that every row has "
                f"{width} fields."
            )
        rows.append(rownum)
        cells.append(rec[:width])
    if index > 0:
        notes.append(_title_note(label, records[:index], index + 1))
    return RawTable(
        source=label,
        sheet=None,
        header_row=index + 1,
        columns=[c.replace("\ufeff", "").strip() for c in header],
        rows=rows,
        cells=cells,
        formats=None,
        notes=notes,
    )


def _last_nonblank(records: list[list[Any]]) -> int:
    """Row number (1-based) of the last record with a non-blank cell; 0 if none."""
    for i in range(len(records) - 1, -1, -1):
        if any(_filled(c) for c in records[i]):
            return i + 1
    return 0


def _filled(cell: Any) -> bool:
    return cell is not None and not (isinstance(cell, str) and not cell.strip())


def _title_note(label: str, above: list[list[Any]], header_row: int) -> str:
    titles = [" ".join(str(c).strip() for c in rec if _filled(c)) for rec in above]
    shown = "; ".join(repr(t) for t in titles if t)
    return f"{label}: the header is row {header_row}; the rows above it were read as titles ({shown})."


# --------------------------------------------------------------------------- Excel
def _read_workbook(
    path: Path,
    required: Collection[str],
    aliases: Mapping[str, str],
    sheet: int | str | None,
    what: str,
) -> RawTable:
    import openpyxl  # only for workbooks

    label = str(path)
    notes: list[str] = []
    sheets: dict[str, tuple[list[list[Any]], list[list[str]]]] = {}
    # openpyxl, zipfile, zlib and the XML parsers raise many kinds of error on a damaged or
    # extreme workbook (BadZipFile, zlib.error, ParseError, KeyError, OverflowError, ...): every
    # one of them is about the file, and only these library calls are inside the try.
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            names = list(book.sheetnames)
            chosen = names if sheet is None else [_sheet_name(names, sheet, label)]
            for name in chosen:
                values: list[list[Any]] = []
                formats: list[list[str]] = []
                for row in book[name].iter_rows():
                    values.append([c.value for c in row])
                    formats.append([getattr(c, "number_format", None) or "General" for c in row])
                sheets[name] = (values, formats)
        finally:
            book.close()
    except DataValidationError:
        raise
    except Exception as err:  # see the comment above
        raise DataValidationError(
            f"{label}: the workbook cannot be read; it is damaged or not an Excel .xlsx file "
            f"({type(err).__name__}: {err}). Open it in Excel and save it again as .xlsx, or save "
            f"the sheet as 'CSV UTF-8'."
        ) from err
    if not sheets:
        raise DataValidationError(
            f"{label}: the workbook cannot be read; it is damaged or has no worksheet. Open it in "
            f"Excel and save it again as .xlsx, or save the sheet as 'CSV UTF-8'."
        )
    found = {n: _find_header(v, required, aliases) for n, (v, _) in sheets.items()}
    candidates = [n for n, i in found.items() if i is not None]
    if sheet is None:
        if len(candidates) > 1:
            raise DataValidationError(
                f"{label}: sheets {candidates} all have the columns of a {what} "
                f"({', '.join(required)}). Pass sheet= (or --sheet) with the one to read."
            )
        if not candidates:
            firsts = {
                n: [str(c).strip() for c in _first_row(v) if _filled(c)] for n, (v, _) in sheets.items()
            }
            raise DataValidationError(
                f"{label}: no sheet has a header with the required columns "
                f"({', '.join(required)}) in its first {HEADER_SEARCH_ROWS} rows. First rows of "
                f"the sheets: {firsts}. Add the missing columns to the header row (Chinese names "
                f"are accepted, see the docs)."
            )
        name = candidates[0]
        if len(sheets) > 1:
            notes.append(f"{label}: read sheet {name!r}, the one with the columns of a {what}.")
    else:
        name = next(iter(sheets))
    values, formats = sheets[name]
    index = found[name]
    if index is None:
        index = next((i for i, r in enumerate(values) if any(_filled(c) for c in r)), None)
        if index is None:
            raise DataValidationError(
                f"{label}: sheet {name!r} is empty. Write a header row ({', '.join(required)}) "
                f"and the rows of the {what}."
            )
    header = values[index]
    width = max((j + 1 for j, c in enumerate(header) if _filled(c)), default=0)
    rows: list[int] = []
    cells: list[list[Any]] = []
    fmts: list[list[str]] = []
    for i in range(index + 1, len(values)):
        rec, fmt = values[i], formats[i]
        beyond = [c for c in rec[width:] if _filled(c)]
        if beyond:
            raise DataValidationError(
                f"{label}, sheet {name!r}, row {i + 1}: a cell right of the last header column "
                f"holds {beyond[0]!r}. Give that column a name in the header row, or delete the "
                f"cell (nothing is dropped silently)."
            )
        if not any(_filled(c) for c in rec[:width]):
            continue
        pad = width - len(rec)
        rows.append(i + 1)
        cells.append([*rec[:width], *([None] * pad)])
        fmts.append([*fmt[:width], *(["General"] * pad)])
    if index > 0:
        notes.append(_title_note(f"{label}, sheet {name!r}", values[:index], index + 1))
    return RawTable(
        source=label,
        sheet=name,
        header_row=index + 1,
        columns=["" if c is None else str(c).replace("\ufeff", "").strip() for c in header[:width]],
        rows=rows,
        cells=cells,
        formats=fmts,
        notes=notes,
    )


def _first_row(values: list[list[Any]]) -> list[Any]:
    return next((r for r in values if any(_filled(c) for c in r)), [])


def _sheet_name(names: list[str], sheet: int | str, label: str) -> str:
    if isinstance(sheet, int) and not isinstance(sheet, bool) and -len(names) <= sheet < len(names):
        return names[sheet]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    raise DataValidationError(
        f"{label}: no sheet {sheet!r}; the workbook's sheets are {names}. Pass sheet= with one of "
        f"these names or its index (0 = first)."
    )
