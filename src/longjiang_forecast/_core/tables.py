"""Read the table of a user's CSV or Excel file, strictly, with every failure as our own error.

One reader for every tabular input (progress files; catalogues may use it too), so that the
same damage gets the same message: a truncated last row, a row with a field too many (an
unquoted ``4,100``) or too few, an unbalanced quote, text in neither UTF-8, UTF-16 nor GBK, a
damaged or empty workbook. It also finds what an office's spreadsheet holds besides the table:
title rows above the header (the header is the first row that has the required columns), a
sheet of explanations beside the data (the one sheet with the required columns is read), a
tab- or semicolon-separated export, Chinese column names (aliases given by the caller). What
was read in such a form is described in :attr:`Table.notes`, for one line to the user.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from longjiang_forecast._core.exceptions import DataValidationError

__all__ = ["Table", "canonical_name", "check_file_type", "decode_text", "looks_like_csv", "read_table"]

#: Rows searched for the header row (title rows above it are skipped).
HEADER_SEARCH_ROWS = 10
_DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}


@dataclass
class Table:
    """The cells of one table of a file.

    Attributes
    ----------
    header : list of str
        Column names as canonical names (stripped, lower-case, aliases replaced).
    rows : list of list
        Data rows, one cell per column: text for CSV, the cell's value for Excel (str, int,
        float, bool, datetime or None). Completely blank rows are left out.
    row_numbers : list of int
        The row number a spreadsheet shows for each data row (1-based; blank rows count).
    header_row : int
        Row number of the header.
    percent : set of (int, int)
        (data row index, column index) of Excel cells formatted as a percentage (the cell
        holds 0.8 where it shows 80 %).
    notes : list of str
        What was read in a non-standard form, one phrase each (empty for a plain file).
    """

    header: list[str]
    rows: list[list[Any]]
    row_numbers: list[int]
    header_row: int = 1
    percent: set[tuple[int, int]] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)


def canonical_name(name: Any, aliases: Mapping[str, str]) -> str:
    """Return the canonical column name of a header cell (strip, BOM, lower-case, alias)."""
    text = "" if name is None else str(name).replace("\ufeff", "").strip()
    return aliases.get(text, aliases.get(text.lower(), text.lower()))


def looks_like(columns: Iterable[Any], required: Sequence[str], aliases: Mapping[str, str]) -> bool:
    """Whether a header holds every required column of another kind of file.

    For the message when a catalogue is given as the progress file or the reverse: ``columns``
    the header read, ``required`` and ``aliases`` the other kind's.
    """
    return set(required) <= {canonical_name(c, aliases) for c in columns}


def read_table(
    path: Path,
    *,
    required: Sequence[str],
    aliases: Mapping[str, str],
    sheet: int | str | None = None,
    what: str = "file",
) -> Table:
    """Read the table of a ``.csv`` or ``.xlsx`` file.

    Parameters
    ----------
    path : pathlib.Path
        The file; its suffix decides the format (``.csv``, else Excel).
    required : sequence of str
        Canonical names of the required columns: the header is the first row (of the first
        :data:`HEADER_SEARCH_ROWS`) that has them all, and in a workbook, the sheet that has
        such a row. Without one, the first non-blank row is the header and no data rows are
        returned (the caller's column check then names what is missing, undistracted by rows
        that do not fit a header that is not one).
    aliases : mapping of str to str
        Other names of columns (e.g. Chinese ``指标`` for ``indicator``).
    sheet : int or str, optional
        Sheet of a workbook (name, or 0-based index, also as digits); by default the one sheet
        with the required columns. Refused for a CSV file.
    what : str, default "file"
        What the file is, for messages ("progress file").

    Returns
    -------
    Table

    Raises
    ------
    DataValidationError
        Naming the file (and row) for: an empty file; text in no supported encoding; a CSV whose
        last line has no line break (it may have been cut off), a row with more or fewer fields
        than the header, an unbalanced quote; a damaged workbook, a missing sheet, several
        sheets with the required columns, or no sheet with them while a workbook has several.
    """
    if path.suffix.lower() == ".csv":
        if sheet is not None:
            raise DataValidationError(
                f"{path}: a sheet ({sheet!r}) was chosen, but a CSV file has no sheets. Choose a sheet "
                f"only for an .xlsx workbook."
            )
        return _read_csv(path, required, aliases, what)
    return _read_xlsx(path, required, aliases, sheet, what)


# --------------------------------------------------------------------------- CSV


def decode_text(path: Path, data: bytes, what: str) -> tuple[str, str | None]:
    """Decode a user's text file: UTF-16 with a BOM, UTF-8 (BOM or not), else GB18030 (GBK).

    Parameters
    ----------
    path : pathlib.Path
        The file, for messages.
    data : bytes
        Its bytes.
    what : str
        What the file is, for messages ("file", "scenario file").

    Returns
    -------
    (str, str or None)
        The text (without a BOM) and, when it was not UTF-8, a phrase for the user saying how it
        was read (e.g. ``"as GB18030 (GBK), ..."``).

    Raises
    ------
    DataValidationError
        Naming the file, when the bytes are none of these encodings.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16").lstrip("\ufeff"), "as UTF-16 text (Excel's 'Unicode text')"
        except UnicodeDecodeError as err:
            raise DataValidationError(
                f"{path}: the {what} starts as UTF-16 text but is damaged ({err.reason} at byte "
                f"{err.start}). Save it again as UTF-8 (Excel: 'CSV UTF-8')."
            ) from err
    gbk_note = (
        "as GB18030 (GBK), the encoding of Excel's 'CSV' on Chinese Windows (check the Chinese "
        "text; save as 'CSV UTF-8' to silence this)"
    )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        if data.startswith(b"PK\x03\x04"):  # a zip: an Excel workbook (.xlsx) given a text name
            raise DataValidationError(
                f"{path}: the {what} is an Excel workbook (.xlsx), not CSV text: rename it to .xlsx "
                "(or save it from Excel or WPS as 'CSV UTF-8')."
            ) from err
        # Excel on Chinese Windows saves "CSV" as GBK; GB18030 is its superset.
        try:
            return data.decode("gb18030"), gbk_note
        except UnicodeDecodeError:
            raise DataValidationError(
                f"{path}: the {what} is neither UTF-8 nor GBK/GB18030 text ({err.reason} at "
                f"byte {err.start}). Save it as UTF-8, with or without BOM (Excel: 'CSV UTF-8')."
            ) from err
    if _gbk_read_as_utf8(text, data):
        return data.decode("gb18030"), gbk_note
    return text, None


#: Characters a GBK file read as UTF-8 turns into and real text hardly has: Latin Extended-A and -B,
#: IPA and the spacing modifiers (GBK's 全省 is UTF-8's "ȫʡ"); é and ü (Latin-1) are not among them.
_MOJIBAKE = re.compile(r"[\u0100-\u02ff]")
_CJK_TEXT = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _gbk_read_as_utf8(text: str, data: bytes) -> bool:
    """Whether bytes that decode as UTF-8 are GBK text all the same.

    Some GBK characters are valid UTF-8 byte pairs too: a province-only file whose only Chinese is
    全省 (C8AB CAA1) decodes as UTF-8 to "ȫʡ", and its region was refused as unknown without a word of
    the encoding. Taken as GBK where the UTF-8 reading has no Chinese and some of those characters,
    and the GB18030 reading is Chinese in every character beyond ASCII.
    """
    if (
        data.startswith(b"\xef\xbb\xbf")
        or text.isascii()
        or _CJK_TEXT.search(text)
        or not _MOJIBAKE.search(text)
    ):
        return False  # a BOM says UTF-8
    try:
        gbk = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return all(_CJK_TEXT.match(ch) for ch in gbk if not ch.isascii())


def _records(text: str, delimiter: str, path: Path, what: str) -> list[tuple[int, list[str]]]:
    """Split CSV text into (first line number, fields) records; blank records left out."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    out: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for fields in reader:
            if any(f.strip() for f in fields):
                out.append((start, fields))
            start = reader.line_num + 1
    except csv.Error as err:
        raise DataValidationError(
            f'{path}: row {start} of the {what} is not well-formed CSV ({err}): a quote (") that is '
            f'not closed, or text after a closing quote. Quote a whole cell ("a, b") or remove the '
            f"quote."
        ) from err
    return out


def _header_index(
    records: Sequence[Sequence[Any]], required: Sequence[str], aliases: Mapping[str, str]
) -> int:
    """Index of the first record (of the first few) with every required column, else -1."""
    for i, cells in enumerate(records[:HEADER_SEARCH_ROWS]):
        if set(required) <= {canonical_name(c, aliases) for c in cells}:
            return i
    return -1


def _read_csv(path: Path, required: Sequence[str], aliases: Mapping[str, str], what: str) -> Table:
    data = path.read_bytes()
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise DataValidationError(
            f"{path}: the {what} is empty. Write a header row ({', '.join(required)}) and the rows."
        )
    text, encoding = decode_text(path, data, what)
    notes = [encoding] if encoding else []
    records: list[tuple[int, list[str]]] = []
    found = -1
    for delimiter, name in _DELIMITERS.items():
        try:
            candidate = _records(text, delimiter, path, what)
        except DataValidationError:
            if delimiter == ",":
                raise
            continue
        index = _header_index([f for _, f in candidate], required, aliases)
        if delimiter == "," or index >= 0:
            records, found = candidate, index
        if index >= 0:
            if delimiter != ",":
                notes.append(f"as {name}-separated")
            break
    if not records:
        raise DataValidationError(
            f"{path}: the {what} has no rows. Write a header row ({', '.join(required)}) and the rows."
        )
    header_at = max(found, 0)
    if header_at:
        titles = "; ".join(" ".join(c.strip() for c in f if c.strip()) for _, f in records[:header_at])
        notes.append(f"the header in row {records[header_at][0]}, below title rows ({titles[:80]})")
    header_line, header_cells = records[header_at]
    body = records[header_at + 1 :] if found >= 0 else []
    problems = []
    width = len(header_cells)
    cut = not text.endswith(("\n", "\r"))
    for k, (line, fields) in enumerate(body):
        if cut and k == len(body) - 1:
            previous = body[-2][0] if len(body) > 1 else header_line
            problems.append(
                f"row {line}, the last row ({','.join(fields)[:60]!r}), does not end with a line break, so "
                f"the file may have been cut off inside it (the last complete row is row {previous}). If "
                f"the file is complete, add a line break after its last row; otherwise export it again."
            )
        elif len(fields) != width:
            problems.append(_width_problem(line, fields, header_cells))
        elif any("\n" in f or "\r" in f for f in fields):
            col = next(header_cells[j] for j, f in enumerate(fields) if "\n" in f or "\r" in f)
            problems.append(
                f'row {line}, field {col.strip()!r}: a line break inside a cell. A quote (") opened in '
                f"this row and closed rows later reads those rows as one cell. Close the quote, or "
                f"remove the line break from the cell."
            )
    if len(problems) == 1:  # one problem, one line
        raise DataValidationError(f"{path}: {problems[0]}")
    if problems:
        n = len(problems)
        lines = [f"{path}: {n} rows of the {what} cannot be read as a table:"]
        lines += [f"  - {p}" for p in problems[:20]] + ([f"  ... and {n - 20} more"] if n > 20 else [])
        raise DataValidationError("\n".join(lines))
    return Table(
        header=[canonical_name(c, aliases) for c in header_cells],
        rows=[f for _, f in body],
        row_numbers=[line for line, _ in body],
        header_row=header_line,
        notes=notes + _alias_notes(header_cells, aliases),
    )


def _width_problem(line: int, fields: list[str], header: list[str]) -> str:
    n, width = len(fields), len(header)
    if n > width:
        return (
            f"row {line} has {n} fields, the header {width}: a comma inside a cell, such as a thousands "
            f"separator (write 4100, not 4,100) or a comma in a note. Remove it or quote the cell "
            f'("a, b").'
        )
    return (
        f"row {line} has {n} fields, the header {width}: the row is cut short (columns "
        f"{[h.strip() for h in header[n:]]} are missing). Complete the row or delete it."
    )


def _alias_notes(header_cells: Sequence[Any], aliases: Mapping[str, str]) -> list[str]:
    renamed = [
        f"{str(c).strip()}→{canonical_name(c, aliases)}"
        for c in header_cells
        if c is not None and canonical_name(c, aliases) != str(c).replace("\ufeff", "").strip().lower()
    ]
    return [f"columns {', '.join(renamed)}"] if renamed else []


# --------------------------------------------------------------------------- Excel


def looks_like_csv(path: Path) -> bool:
    """Whether a file's first line is text with a comma, semicolon or tab (a CSV given an Excel name).

    UTF-8, GB18030 and UTF-16 with its byte-order mark (Excel's "Unicode text"), as the CSV reader
    reads them.
    """
    with path.open("rb") as f:
        head = f.read(4096)
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff"))
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "gb18030"):
        try:  # incrementally: a character cut at the end of the 4,096 bytes waits, it is no error
            line = codecs.getincrementaldecoder(encoding)().decode(head).split("\n", 1)[0]
        except UnicodeDecodeError:
            continue
        return any(sep in line for sep in ",;\t") and "\x00" not in line
    return False


def check_file_type(path: Path, suffixes: Sequence[str], formats: str) -> None:
    """Refuse a file whose name does not end in one of ``suffixes``, saying what to do with it.

    The progress and catalogue readers' one check of a file's type, before it is read. An old
    Excel 97-2003 workbook (``.xls``) is told to be saved as .xlsx or CSV UTF-8; a ``.txt`` or
    ``.tsv`` file whose first line is delimited text (Excel's "Unicode text", a tab-separated
    export) to be renamed .csv; any other name is told ``formats``, the sentence of what the
    reader reads (e.g. "Save the catalogue as .csv (UTF-8) or .xlsx.").

    Raises
    ------
    DataValidationError
        Naming the file and its type, for a suffix not in ``suffixes``.
    """
    suffix = path.suffix.lower()
    if suffix in suffixes:
        return
    if suffix == ".xls":
        raise DataValidationError(
            f"{path}: the old Excel 97-2003 format (.xls) is not read. Open it in Excel or WPS and save "
            f"it as .xlsx (Excel workbook) or 'CSV UTF-8'."
        )
    if suffix in (".txt", ".tsv") and path.is_file() and looks_like_csv(path):
        raise DataValidationError(
            f"{path}: unsupported file type {path.suffix!r}. Its first line is comma-, semicolon- or "
            f"tab-separated text: rename it to .csv."
        )
    raise DataValidationError(f"{path}: unsupported file type {path.suffix or '(none)'!r}. {formats}")


def _what_it_is(path: Path) -> str:
    """What a file that is not a readable workbook is instead, and what to do ("" where not known).

    A CSV, an old Excel 97-2003 workbook (its OLE2 signature) or an HTML page (the "Excel" export
    of many web systems), each given an .xlsx name.
    """
    if looks_like_csv(path):
        return (
            "Its first line is comma-, semicolon- or tab-separated text: it is a CSV file named .xlsx. "
            "Rename it to .csv (or open it in Excel or WPS and save it as .xlsx)."
        )
    with path.open("rb") as f:
        head = f.read(512)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return (
            "It is an old Excel 97-2003 workbook (.xls) named .xlsx. Open it in Excel or WPS and save "
            "it as .xlsx (Excel workbook)."
        )
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith((b"<!doctype html", b"<html", b"<table", b"<meta")):
        return (
            "It is a web page (HTML), as many systems export 'Excel' files, named .xlsx. Open it in "
            "Excel or WPS and save it as .xlsx (Excel workbook)."
        )
    return ""


def _read_xlsx(
    path: Path, required: Sequence[str], aliases: Mapping[str, str], sheet: int | str | None, what: str
) -> Table:
    import openpyxl

    fix = "Open it in Excel or WPS and save it again as .xlsx (Excel workbook)."
    if path.stat().st_size == 0:
        raise DataValidationError(f"{path}: the {what} is empty (0 bytes). {fix}")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheets = {ws.title: _sheet_cells(ws) for ws in book.worksheets}
        book.close()
    except Exception as err:  # a damaged workbook fails in zipfile, zlib, XML or openpyxl
        fix = _what_it_is(path) or fix
        raise DataValidationError(
            f"{path}: the {what} is not a readable .xlsx workbook ({type(err).__name__}: "
            f"{str(err)[:120]}); it is damaged, cut short or not an Excel file. {fix}"
        ) from err
    names = list(sheets)
    if not names:
        raise DataValidationError(f"{path}: the workbook has no sheet. {fix}")
    headers = {n: _header_index([r for _, r, _ in sheets[n]], required, aliases) for n in names}
    notes: list[str] = []
    if sheet is not None:
        if isinstance(sheet, int) and not isinstance(sheet, bool) and 0 <= sheet < len(names):
            chosen = names[sheet]
        elif isinstance(sheet, str) and sheet in sheets:
            chosen = sheet
        elif isinstance(sheet, str) and sheet.strip().isdigit() and int(sheet) < len(names):
            chosen = names[int(sheet)]  # "1" from a command line: an index, unless a sheet is so named
        else:
            raise DataValidationError(
                f"{path}: no sheet {sheet!r}; the workbook's sheets are {names}. Give one of these "
                f"names (or a 0-based index)."
            )
        skipped = [n for n in names if n != chosen and headers[n] >= 0 and len(sheets[n]) > headers[n] + 1]
        if skipped:  # one sheet per month: the others' rows were left out without a word (a break-it pass)
            notes.append(
                f"sheet {chosen!r} only: sheets {skipped} also have the columns and rows, and are not read "
                "(one sheet per month? put every month's rows in one sheet, each row with its month)"
            )
    else:
        candidates = [n for n in names if headers[n] >= 0]
        if len(candidates) > 1:
            raise DataValidationError(
                f"{path}: sheets {candidates} all have the columns {list(required)}; which one holds the "
                f"data? Choose it with sheet= (command line: --sheet NAME), or delete the others. If each "
                f"holds other months (one sheet per month), put every month's rows in one sheet (each row "
                f"with its month): one sheet chosen leaves the others' reports out."
            )
        if not candidates and len(names) > 1:
            found = {
                n: [str(c) for c in sheets[n][0][1] if c is not None] if sheets[n] else [] for n in names
            }
            raise DataValidationError(
                f"{path}: no sheet has the columns {list(required)}; the sheets' first rows are "
                + "; ".join(f"{n!r}: {cols[:8]}" for n, cols in found.items())
                + ". Put a header row with these columns above the data."
            )
        chosen = candidates[0] if candidates else names[0]
        if len(names) > 1:
            others = [n for n in names if n != chosen]
            notes.append(f"sheet {chosen!r}, the only one with the columns (others: {others})")
    records = sheets[chosen]
    if not records:
        raise DataValidationError(
            f"{path}: the {what} is empty (sheet {chosen!r} has no cells). Write a header row "
            f"({', '.join(required)}) and the rows."
        )
    header_at = max(headers[chosen], 0)
    if header_at:
        titles = "; ".join(
            " ".join(str(c).strip() for c in r if c is not None) for _, r, _ in records[:header_at]
        )
        notes.append(f"the header in row {records[header_at][0]}, below title rows ({titles[:80]})")
    header_line, header_cells, _ = records[header_at]
    width = len(header_cells)
    while width and (header_cells[width - 1] is None or str(header_cells[width - 1]).strip() == ""):
        width -= 1
    body = records[header_at + 1 :] if headers[chosen] >= 0 else []
    if body:
        merged_notes = _fill_merged_and_check_formulas(
            path, chosen, body, header_cells[:width], aliases, what, required
        )
        notes.extend(merged_notes)
    rows, numbers, percent = [], [], set()
    for i, (line, cells, pct) in enumerate(body):
        if any(c is not None and str(c).strip() for c in cells[width:]):
            extra = next(
                j for j in range(width, len(cells)) if cells[j] is not None and str(cells[j]).strip()
            )
            raise DataValidationError(
                f"{path}: row {line} of sheet {chosen!r} has a value ({cells[extra]!r}) in column "
                f"{extra + 1}, right of the header's last column. Give that column a header name, or "
                f"delete the cell; nothing is dropped silently."
            )
        rows.append(list(cells[:width]) + [None] * (width - len(cells)))
        numbers.append(line)
        percent |= {(i, j) for j in pct if j < width}
    return Table(
        header=[canonical_name(c, aliases) for c in header_cells[:width]],
        rows=rows,
        row_numbers=numbers,
        header_row=header_line,
        percent=percent,
        notes=notes + _alias_notes(header_cells[:width], aliases),
    )


#: Columns of figures: a cell merged over several rows of one of these is refused, not copied.
_FIGURES = frozenset({"value", "target"})
#: Columns of free text: a formula there without a saved result is read as empty, not refused.
_FREE_TEXT = frozenset({"note"})


def _has_merges_or_formulas(path: Path) -> bool:
    """Whether any worksheet of the workbook has a merged range, a formula or a hidden row (XML scan).

    A workbook without either (most, and every one the library writes) is then read once, read-only:
    the full load that lists merged ranges and formulas took a 16,589-row workbook from 3.0 to 4.1 s.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    data = archive.read(name)
                    if (
                        b"mergeCell" in data
                        or re.search(rb"<(?:\w+:)?f[\s>/]", data)
                        or re.search(rb"<(?:\w+:)?row\b[^>]*\bhidden=\"(?:1|true)\"", data)
                    ):
                        return True
    except (OSError, zipfile.BadZipFile):
        return True  # read once already: let the full load say what it finds
    return False


def _fill_merged_and_check_formulas(
    path: Path,
    sheet: str,
    body: list[tuple[int, list[Any], list[int]]],
    header: Sequence[Any],
    aliases: Mapping[str, str],
    what: str,
    required: Sequence[str] = (),
) -> list[str]:
    """Read vertically merged cells of the data rows as their top cell's value; refuse unsaved formulas.

    Government tables merge an indicator's or a region's cell over its block of rows; a reader
    that sees only the top cell would find every other row's indicator empty. Each merged range
    of the data rows (``body``, changed in place) gives its top cell's value to the rows below it,
    and the returned note names each range, so nothing is guessed silently; a range over a column of
    figures (:data:`_FIGURES`) is refused, each row having its own figure, and so is a range over a
    ``required`` column whose top cell is empty (Excel keeps only the top cell's value of a merge:
    every row of the block would be read without its indicator or region). A formula cell whose
    result the file does not hold (written by a program, or saved without recalculating) reads as
    empty; it is refused, naming the cell and the formula, instead of reported as a missing value.
    """
    import openpyxl
    from openpyxl.utils import get_column_letter

    if not _has_merges_or_formulas(path):  # the second, slower load only where it can find something
        return []
    try:  # not read-only: merged ranges and formulas
        book = openpyxl.load_workbook(path, data_only=False)
    except Exception:  # it was read once already: without this look, the cells as they were read
        return []
    try:
        ws = book[sheet]
        by_row = {line: cells for line, cells, _ in body}
        width = len(header)
        unsaved = [
            (line, j, str(ws.cell(row=line, column=j + 1).value))
            for line, cells in by_row.items()
            for j in range(min(width, len(cells)))
            if cells[j] is None
            and canonical_name(header[j], aliases) not in _FREE_TEXT
            and str(ws.cell(row=line, column=j + 1).value or "").startswith("=")
        ]
        if unsaved:
            listed = "; ".join(
                f"row {line}, column {get_column_letter(j + 1)} ({str(header[j]).strip()!r}): {formula}"
                for line, j, formula in unsaved[:5]
            )
            more = f" and {len(unsaved) - 5} more" if len(unsaved) > 5 else ""
            raise DataValidationError(
                f"{path}: {len(unsaved)} formula cell(s) of sheet {sheet!r} hold no saved result, or an "
                f"empty one ({listed}{more}): the {what} was written by a program or saved without "
                "recalculating, or the formula gives an empty text. Open it in Excel or WPS and save it "
                "again, so that the results are stored, or type each figure (a month not reported: "
                "delete its row)."
            )
        notes = []
        for merged in ws.merged_cells.ranges:
            top, bottom = merged.min_row, merged.max_row
            columns = range(merged.min_col - 1, min(merged.max_col, width))
            if bottom == top or not columns or top not in by_row:
                continue
            figures = [
                str(header[j]).strip() for j in columns if canonical_name(header[j], aliases) in _FIGURES
            ]
            if figures:  # one figure for several rows would be a guess: each row reports its own
                raise DataValidationError(
                    f"{path}: cells {merged.coord} of sheet {sheet!r} are merged over {bottom - top + 1} "
                    f"rows of the column {figures[0]!r}: each row needs its own figure. Unmerge them "
                    "and enter each row's figure (merged indicator or region cells are read as their "
                    "top cell)."
                )
            empty = [
                str(header[j]).strip()
                for j in columns
                if canonical_name(header[j], aliases) in required
                and (j >= len(by_row[top]) or by_row[top][j] is None or str(by_row[top][j]).strip() == "")
            ]
            if empty:
                raise DataValidationError(
                    f"{path}: cells {merged.coord} of sheet {sheet!r} are merged over {bottom - top + 1} "
                    f"rows of the column {empty[0]!r} but hold no value (a merge keeps only its top cell's "
                    f"value, and the top cell is empty): none of rows {top}-{bottom} has its "
                    f"{empty[0]!r}. Type the value into the merged cell, or unmerge the cells and fill "
                    "each row."
                )
            filled = False
            for line in range(top + 1, bottom + 1):
                cells = by_row.get(line)
                if cells is None:
                    continue
                for j in columns:
                    if j < len(cells) and cells[j] is None and by_row[top][j] is not None:
                        cells[j] = by_row[top][j]
                        filled = True
            if filled:
                notes.append(f"merged cells {merged.coord} as their top cell's value on every row")
        # rows hidden in Excel are data like the others (an office may hide rows it means to leave out)
        hidden = [line for line in by_row if ws.row_dimensions[line].hidden]
        if hidden:
            shown = ", ".join(map(str, hidden[:8])) + (
                f" and {len(hidden) - 8} more" if len(hidden) > 8 else ""
            )
            notes.append(
                f"{len(hidden)} hidden row(s) as any other (rows {shown}): delete the rows not meant to count"
            )
        return notes
    finally:
        book.close()


def _sheet_cells(ws: Any) -> list[tuple[int, list[Any], list[int]]]:
    """Non-blank rows of a sheet: (row number, cell values, columns formatted as percent)."""
    out = []
    if hasattr(ws, "reset_dimensions"):
        ws.reset_dimensions()  # a stale <dimension> tag (some writers) would cut rows or columns off
    for number, row in enumerate(ws.iter_rows(), start=1):
        values = [getattr(c, "value", None) for c in row]
        if not any(v is not None and str(v).strip() for v in values):
            continue
        pct = [
            j
            for j, c in enumerate(row)
            if isinstance(getattr(c, "value", None), int | float)
            and "%" in str(getattr(c, "number_format", ""))
        ]
        out.append((number, values, pct))
    return out
