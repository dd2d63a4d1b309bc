"""Read and write monthly progress reports (CSV or Excel) as a labelled Dataset.

The one documented input format is a long table with one row per indicator,
region and month::

    indicator,region,month,value,reported_on,note
    01,province,2025-03,3120,2025-04-05,
    01,哈尔滨,2025-03,812,2025-04-05,first report

Every problem found in a file is collected and reported at once, each naming
the spreadsheet row (header = row 1), the indicator, region and month of that
row, the field, the bad value and the fix.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import math
import os
import re
import unicodedata
import warnings
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.months import MONTH_FORMS, parse_month
from longjiang_forecast._core.names import closest_name
from longjiang_forecast._core.problems import Problems
from longjiang_forecast._core.provenance import file_sha256, make_attrs
from longjiang_forecast._core.regions import region_lookup
from longjiang_forecast._core.schema import (
    INDICATOR,
    MONOTONE_KINDS,
    MONTH,
    PROGRESS_COLUMNS,
    PROGRESS_HEADER_ALIASES,
    PROVINCE,
    REGION,
)
from longjiang_forecast._core.state import deadline_month
from longjiang_forecast._core.tables import canonical_name, check_file_type, looks_like, read_table
from longjiang_forecast._core.units import counts_whole_things, plain_number, unit_decimals, unit_slip
from longjiang_forecast.catalog._catalog import check_catalog

if TYPE_CHECKING:
    from longjiang_forecast.catalog import Catalog

__all__ = ["read_progress", "write_progress"]

#: A range of months as statistical bulletins write year-to-date figures: 2024年1-3月, 2024年1至3月.
_MONTH_RANGE = re.compile(r"(\d{4})\s*年\s*\d{1,2}\s*(?:月\s*)?[-－—–~～至到]\s*(\d{1,2})\s*月(?:份)?")

#: Columns every progress file must have.
REQUIRED_COLUMNS: tuple[str, ...] = PROGRESS_COLUMNS
#: Columns a progress file may have.
OPTIONAL_COLUMNS: tuple[str, ...] = ("reported_on", "note")
#: File extensions read_progress accepts.
SUPPORTED_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx")

#: Other names of the columns (the office's Chinese headers); matched after strip and lower-case.
HEADER_ALIASES: dict[str, str] = PROGRESS_HEADER_ALIASES
#: Years a progress month may have, from this one to the catalogue's year.
FIRST_YEAR = 1950
#: A value this large is no figure of any catalogue unit (and overflows sums): always refused.
_ABSURD = 1e15
#: Rows named in a problem that repeats over many rows (an unknown region), before "and N more".
_MAX_ROWS_NAMED = 5
#: A count or level more than this many times its annual target is taken for a unit error.
_SCALE_FACTOR = 20.0
#: A positive value below target / this is implausible against the target (万 vs units) ...
_SMALL_FACTOR = 5000.0
#: ... and taken for a unit error when it is also this many times below the smallest share of
#: the year's outcome that the series' other years had reached by the same month (a 万 slip is
#: a factor 10,000; a late start with a token figure, 1/10,000 of the year, against earlier
#: years that all had 15 % by then, is a factor ~1,500).
_HISTORY_FACTOR = 3000.0
#: A count (cumulative, milestone) is judged on the latest report of its year only: a 万 slip is
#: ~10,000x off all year, a slow start catches up. Without history, only from this month on:
#: before June little may be done (Heilongjiang's outdoor season starts in April-May; a late
#: start reports little by May), later a count 10,000x too small is not a season.
_FIRST_JUDGED_MONTH = 6
#: Without history, a small level is judged from this month on (a level does not restart at 0).
_FIRST_JUDGED_MONTH_LEVEL = 3
_SCALE_KINDS = ("cumulative", "milestone", "level")
#: A count this many times its annual target, ...
_BIG_OVER_TARGET = 2.0
#: ... and this many times the largest share of the year's outcome that the series' other years
#: had reached by the same month, is taken for a slip (a decimal point lost: 13,328.44 for 13.328
#: km in January, against Januaries of about 1 % of the year; a May figure typed ten times over).
#: A real year that beats its target twofold, and five times faster than any earlier year, is
#: not one the record can vouch for either: --no-scale-check accepts it.
_BIG_HISTORY_FACTOR = 5.0
#: A count at this share of its target or more, :data:`_BIG_HISTORY_FACTOR` times ahead of every
#: earlier year of its family and region by the same month, is warned of (:func:`_ahead_verdict`).
_AHEAD_SHARE = 0.3
#: ... and at least this many of its unit's steps (one project of a target of 2.6 is 38 % of it,
#: and a first project early is no carried-over total).
_AHEAD_UNITS = 10
#: A ``reported_on`` date, year first: 2024-06-05, 2024/6/5, 2024.6.5, 2024年6月5日 (the forms a Chinese
#: office's spreadsheet has), with the midnight time an Excel date cell is read with.
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]00:00(?::00)?)?$")


# --------------------------------------------------------------------------- helpers


def _where(row: str, indicator: str, region: str, month: str) -> str:
    """Return the ``row N (indicator .., region .., month ..)`` prefix of a message (see _row_label)."""
    return f"{row} (indicator {indicator!r}, region {region!r}, month {month!r})"


def _row_label(row: Any) -> str:
    """``row N`` for the spreadsheet row number N of a file; a DataFrame's ``index ..`` label as it is."""
    return f"row {row}" if isinstance(row, int | np.integer) else str(row)


def _fmt(x: float) -> str:
    """Format a float as short text that parses back to the same float."""
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


def _parse_as_of(as_of: str | pd.Timestamp | None, func: str) -> pd.Timestamp | None:
    """Normalise the ``as_of`` parameter to the first day of its month."""
    if as_of is None:
        return None
    if isinstance(as_of, pd.Timestamp | _dt.date):
        ts = pd.Timestamp(as_of)
        return pd.Timestamp(year=ts.year, month=ts.month, day=1)
    if isinstance(as_of, str):
        parsed, form = parse_month(as_of)
        if parsed is not None and form == "YYYY-MM" and parsed.year >= 1900:
            return parsed
    raise ValueError(
        f"The 'as_of' parameter of {func} must be a 'YYYY-MM' string, a pandas Timestamp "
        f"or None. Got {as_of!r} instead."
    )


def _excel_serial_why(text: str) -> str:
    """Why a month cell is a whole number of days: an Excel date that lost its date format.

    Excel stores a date as the days since 1899-12-30 (44562 is 2022-01-01) and shows the number
    when the cell's format is "General". Returns the parenthesised reason ('' for other text).
    """
    if not re.fullmatch(r"\d{5}(\.0+)?", text):
        return ""
    day = pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(float(text)))
    if not FIRST_YEAR <= day.year <= 2100:
        return ""
    return (
        f" (it looks like an Excel date serial number, {day:%Y-%m-%d}: format the column as a date "
        "in Excel or WPS, or write the month as text)"
    )


def _month_coord(start: pd.Timestamp, end: pd.Timestamp) -> pd.DatetimeIndex:
    """Return contiguous month starts from January of ``start``'s year to ``end``."""
    first = pd.Timestamp(year=start.year, month=1, day=1)
    return pd.date_range(first, end, freq="MS").as_unit("ns")


def _cell_text(value: Any, column: str) -> str:
    """Turn one spreadsheet cell into the text a user sees in it."""
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    if value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, _dt.datetime | _dt.date | np.datetime64):
        ts = pd.Timestamp(value)
        # Excel turns a typed "2025-03" into the date 2025-03-01; any other day stands for its month.
        if column == "month":
            return ts.strftime("%Y-%m") if ts.day == 1 and ts == ts.normalize() else ts.strftime("%Y-%m-%d")
        return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else str(ts)
    if isinstance(value, bool | np.bool_):
        return str(value)
    if isinstance(value, float | np.floating):
        return _fmt(float(value))
    return str(value).strip()


def _read_raw(
    path: Path, sheet: int | str | None = None, units: Mapping[str, str] | None = None
) -> tuple[pd.DataFrame, list[str]]:
    """Read a progress file into a frame of text cells plus a ``_row`` column, and notes on its form.

    ``_row`` is the spreadsheet row number (header = 1 unless title rows are above it). Completely
    blank rows are dropped without changing the numbering of the others. The notes say what was
    read in a form other than the documented one (see :func:`~longjiang_forecast._core.tables.read_table`).
    """
    check_file_type(
        path,
        SUPPORTED_SUFFIXES,
        "Progress files must be CSV (.csv, UTF-8) or Excel (.xlsx); save the sheet in one of these formats.",
    )
    if path.is_dir():
        raise IsADirectoryError(f"Progress file {path} is a folder; give the file in it (.csv or .xlsx).")
    if not path.is_file():
        raise FileNotFoundError(f"Progress file not found: {path}")
    table = read_table(path, required=REQUIRED_COLUMNS, aliases=HEADER_ALIASES, sheet=sheet, what="file")
    header = [name or f"unnamed: column {_column_letter(j)}" for j, name in enumerate(table.header)]
    rows, notes = table.rows, list(table.notes)
    # a column without a header name and without a value (a table that starts in column B) holds
    # nothing to read: it is left out, and said; one with values is refused below
    empty = [
        j
        for j, name in enumerate(table.header)
        if not name and all(_cell_text(row[j], "") == "" for row in rows if j < len(row))
    ]
    keep = [j for j in range(len(header)) if j not in empty]
    if empty:
        header = [header[j] for j in keep]
        rows = [[row[j] if j < len(row) else None for j in keep] for row in rows]
        letters = ", ".join(_column_letter(j) for j in empty)
        notes.append(f"the empty column(s) {letters} without a header name as no column")
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise DataValidationError(
            f"{path}: column(s) {twice} appear more than once in the header (row {table.header_row}"
            f"{', with Chinese names read as the English ones' if table.notes else ''}). "
            f"Keep one column of each name."
        )
    if "value" in header and table.percent:
        col = header.index("value")
        shown = [i for i, j in sorted(table.percent) if j == keep[col]]  # the sheet's own column
        if units is not None and "indicator" in header:
            _check_percent_units(path, rows, shown, header.index("indicator"), col, table.row_numbers, units)
        for i in shown:  # an Excel cell formatted 80 % holds 0.8: read what it shows
            rows[i][col] = float(Decimal(repr(float(rows[i][col]))) * 100)
        if shown:
            notes.append(
                f"{len(shown)} value cell(s) formatted as percent as the percent they show (0.8 as 80)"
            )
    frame = _text_frame(pd.DataFrame(rows, columns=pd.Index(header), dtype=object), table.row_numbers)
    frame.attrs["header_row"] = table.header_row
    return frame, notes


def _check_percent_units(
    path: Path,
    rows: list[list[Any]],
    shown: list[int],
    ind_col: int,
    value_col: int,
    numbers: Sequence[Any],
    units: Mapping[str, str],
) -> None:
    """Refuse value cells formatted as percent whose indicator's unit is not a percent.

    Such a cell shows 100 times what it holds (50.1 km formatted ``0%`` shows 5010%); reading what it
    shows would multiply a count by 100 without a word. An indicator not in ``units`` is left to the
    later checks (it is refused there as unknown).
    """
    bad = []
    for i in shown:
        ind = str(rows[i][ind_col]).strip() if rows[i][ind_col] is not None else ""
        unit = units.get(ind)
        if unit is not None and "%" not in unit:
            held = float(rows[i][value_col])
            shows = _fmt(held * 100)
            bad.append(f"row {numbers[i]} ({ind}, unit {unit}): holds {_fmt(held)}, shows {shows}%")
    if bad:
        shown_rows = "; ".join(bad[:_MAX_ROWS_NAMED]) + (
            f"; and {len(bad) - _MAX_ROWS_NAMED} more" if len(bad) > _MAX_ROWS_NAMED else ""
        )
        raise DataValidationError(
            f"{path}: {len(bad)} value cell(s) formatted as percent for indicators whose unit is not a "
            f"percent: {shown_rows}. Which figure was reported cannot be told: remove the percent format "
            "from those cells (Format Cells > Number) so that each shows the figure in the catalogue's "
            "unit, and save the file again."
        )


def _column_letter(j: int) -> str:
    """Spreadsheet letter of column ``j`` (0-based): A, ..., Z, AA, ... (openpyxl's, imported here only)."""
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(j + 1))


def _text_frame(frame: pd.DataFrame, rows: Any) -> pd.DataFrame:
    """Turn a table of cells into text cells plus ``_row`` (``rows``: a label per row); drop blank rows."""
    names = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    frame = frame.set_axis([c if c.startswith("unnamed: column ") else c.lower() for c in names], axis=1)
    text = pd.DataFrame(
        {c: [_cell_text(v, c) for v in frame[c].tolist()] for c in frame.columns},
        dtype=object,
        index=frame.index,
    )
    text["_row"] = rows
    cols = [c for c in text.columns if c != "_row"]
    if cols:
        blank = (text[cols] == "").all(axis=1)
        text = text.loc[~blank]
    return text.reset_index(drop=True)


def _check_columns(
    frame: pd.DataFrame, source: str, *, what: str = "file", header: str = "header (row 1)"
) -> None:
    """Reject empty files, missing required columns and unknown extra columns.

    ``what`` and ``header`` name the input and its header in the messages (a DataFrame has columns).
    """
    columns = [c for c in frame.columns if c != "_row"]
    if not columns:
        raise DataValidationError(
            f"{source}: the {what} is empty. Write a header row ({', '.join(REQUIRED_COLUMNS)}) "
            f"and one row per indicator, region and month."
        )
    accepted = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
    unnamed = [c for c in columns if c.startswith("unnamed:")]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        from longjiang_forecast.catalog._read import COLUMN_ALIASES
        from longjiang_forecast.catalog._read import REQUIRED_COLUMNS as CATALOG_COLUMNS

        if looks_like(columns, CATALOG_COLUMNS, COLUMN_ALIASES):
            raise DataValidationError(
                f"{source}: this looks like a catalogue, not a progress file: it has the catalogue's "
                f"columns {list(CATALOG_COLUMNS)} and lacks {missing}. Did you swap --catalog and "
                f"--progress? The catalogue (targets) is --catalog; the monthly reports (indicator, "
                f"region, month, value) are --progress."
            )
        raise DataValidationError(
            f"{source}: missing required column(s) {missing} in the {header}. "
            f"Found columns {columns}. Required: {list(REQUIRED_COLUMNS)}; optional: "
            f"{list(OPTIONAL_COLUMNS)}. Add the missing column(s) to the header row."
        )
    unknown = [c for c in columns if c not in accepted]
    if unknown:
        extra = " (columns without a header name)" if unnamed else ""
        raise DataValidationError(
            f"{source}: unknown column(s) {unknown}{extra} in the {header}. "
            f"Accepted columns: {list(accepted)}. Rename or delete the extra column(s); "
            f"nothing is dropped silently."
        )
    if len(frame) == 0:
        raise DataValidationError(
            f"{source}: the {what} has a header row but no data rows. Add one row per "
            f"indicator, region and month (month as YYYY-MM)."
        )


def _unknown_regions(unknown: dict[str, list[str]], region_of: dict[str, str]) -> list[str]:
    """One problem per distinct unknown region: its rows (the first few and a count), a close known name.

    The suggestion is :func:`~longjiang_forecast._core.names.closest_name` over every accepted
    spelling (ids, Chinese and English names; :func:`~longjiang_forecast._core.regions.region_lookup`):
    哈尔宾市 -> 哈尔滨市, Harbn -> harbin; none where nothing is close.
    """
    messages = []
    for text, rows in unknown.items():
        shown = _rows_named(rows)
        close = closest_name(text, region_of)
        guess = f" Did you mean {close!r} ({region_of[close]})?" if close else ""
        messages.append(
            f"field 'region' has value {text!r} in {len(rows)} row{'s' if len(rows) > 1 else ''} "
            f"({shown}), which is neither 'province' nor a region of the catalogue.{guess}"
        )
    return messages


#: Rows after the as-of month listed one by one; more are said in one line.
_LATER_LISTED = 3


def _later_than_as_of(later: list[tuple[str, str, pd.Timestamp]], as_of: Any) -> list[str]:
    """The problems of rows after the as-of month: each of a few, or one line for many.

    A file of several years read as of an early month had every later row listed (3,081 lines for
    an as-of month before the file's first report); past :data:`_LATER_LISTED` rows one line gives
    their number, their months and the file's latest month instead.
    """
    if not later:
        return []
    when = f"as_of={as_of.strftime('%Y-%m')!r}"
    if len(later) <= _LATER_LISTED:
        return [
            f"{where}: field 'month' has value {mon!r}, later than {when}. Drop rows after the as-of "
            "month or pass a later as_of."
            for where, mon, _ in later
        ]
    months = sorted(m for _, _, m in later)
    return [
        f"{len(later)} rows ({later[0][0]} first) have months from {months[0]:%Y-%m} to "
        f"{months[-1]:%Y-%m}, later than {when}. Drop rows after the as-of month or pass a later "
        f"as_of (the file's latest month is {months[-1]:%Y-%m})."
    ]


def _unknown_indicators(unknown: dict[str, list[str]], catalog: Catalog) -> list[str]:
    """One problem per distinct unknown indicator id: its rows (the first few and a count), a close id.

    The suggestion is :func:`~longjiang_forecast._core.names.closest_name` over the ids and the
    catalogue's Chinese and English names (09A -> 09a, 9a -> 09a, an indicator written by its
    name -> its id); none where nothing is close.
    """
    table = catalog.table
    spellings = {str(i): str(i) for i in catalog.indicators}
    for column in ("name_zh", "name_en"):
        if column in table:
            for ind, name in zip(table["indicator"], table[column], strict=True):
                if isinstance(name, str) and name.strip():
                    spellings.setdefault(name.strip(), str(ind))
    messages = []
    for text, rows in unknown.items():
        shown = _rows_named(rows)
        close = closest_name(text, spellings)
        guess = ""
        if close is not None:
            named = "" if close == spellings[close] else f", the id of {close!r}"
            guess = f" Did you mean {spellings[close]!r}{named}?"
        messages.append(
            f"field 'indicator' has value {text!r} in {len(rows)} row{'s' if len(rows) > 1 else ''} "
            f"({shown}), which is not in the {catalog.year} catalogue.{guess}"
        )
    return messages


def _region_order(catalog: Catalog) -> list[str]:
    """The regions in the order of a progress Dataset: the province, then the catalogue's regions."""
    return [PROVINCE, *[str(r) for r in catalog.region_ids if r != PROVINCE]]


def _indicator_info(catalog: Catalog) -> pd.DataFrame:
    """Return one row per catalogue indicator (latest year's province row preferred), in catalogue order."""
    table = catalog.table
    order = {ind: i for i, ind in enumerate(catalog.indicators)}
    ranked = table.assign(
        _is_prov=(table["region"] != PROVINCE).astype(int),
        _order=table["indicator"].map(order),
        _age=-table["year"],
    ).sort_values(["_order", "_age", "_is_prov"], kind="stable")
    info = ranked.drop_duplicates("indicator").set_index("indicator")
    return info.reindex(list(catalog.indicators))


def _target(catalog: Catalog, indicator: str, region: str, year: int, plans: set[tuple[str, int]]) -> float:
    """Return the catalogue target of (indicator, region) in ``year``, NaN when there is none.

    A year without a plan of its own in the catalogue (history before the catalogue's years)
    is judged against the latest plan; ``plans`` holds the catalogue's (indicator, year) pairs.
    """
    try:
        value = float(catalog.target_for(indicator, region, year=_plan_year(indicator, year, plans)))
    except (KeyError, LookupError, ValueError, TypeError):
        return math.nan
    return value


def _plan_year(indicator: str, year: int, plans: set[tuple[str, int]]) -> int:
    """The year of the plan a report of ``year`` is judged against: its own, else the indicator's latest.

    Raises ValueError for an indicator without a plan (read as no target by :func:`_target`).
    """
    if (indicator, year) in plans:
        return year
    return max(y for i, y in plans if i == indicator)


def _split_basis(
    catalog: Catalog, indicator: str, region: str, year: int, plans: set[tuple[str, int]]
) -> str:
    """How the catalogue split a provincial target for ``region`` (its ``target_basis``), for a message."""
    row = catalog.split_by_region(indicator).row(indicator, region, year=_plan_year(indicator, year, plans))
    return str(row["target_basis"])


def _shares_by_then(
    rec: Any, history: dict[tuple[str, str, int], dict[int, float]], family: str
) -> dict[int, float]:
    """The share of its outcome each other complete year of the family and region had by ``rec``'s month."""
    year, month = rec.month.year, rec.month.month
    return {
        y: by_month[month]
        for (fam, region, y), by_month in history.items()
        if fam == family and region == rec.region and y != year and month in by_month
    }


def _beyond_record(
    rec: Any, target: float, history: dict[tuple[str, str, int], dict[int, float]], family: str
) -> tuple[float, str] | None:
    """The largest share the series' other complete years had by ``rec``'s month, and those years.

    None where there are none, or ``rec``'s share of ``target`` is within :data:`_BIG_HISTORY_FACTOR`
    times that largest share; the one comparison of :func:`_big_value_verdict` and
    :func:`_ahead_verdict`.
    """
    seen = _shares_by_then(rec, history, family)
    if not seen:
        return None
    high = max(seen.values())
    if rec.value / target <= _BIG_HISTORY_FACTOR * high:
        return None
    return high, ", ".join(str(y) for y in sorted(seen))


def _ahead_verdict(
    rec: Any, target: float, history: dict[tuple[str, str, int], dict[int, float]], family: str
) -> str:
    """Why a count at :data:`_AHEAD_SHARE` of its target or more is far ahead of its record (``""``: not).

    The value's share of the target, more than :data:`_BIG_HISTORY_FACTOR` times the largest share
    of the year's outcome the other complete years of its family and region had reached by the
    same month: last year's total carried into this year's reports (Harbin's 2023 total added to
    each 2024 month: 81 % of the target in January against about 2 %, forecast 'achieved'
    without a word; a break-it pass). A warning, not a refusal: a programme may deliver early.
    """
    beyond = _beyond_record(rec, target, history, family)
    if beyond is None:
        return ""
    high, years = beyond
    share = rec.value / target
    return (
        f"{share:.0%} of the target {target:,.6g} by {rec.month:%Y-%m}, where its earlier years ({years}) "
        f"had at most {high:.0%} of theirs by that month"
    )


def _rows_named(rows: list[str]) -> str:
    """The first :data:`_MAX_ROWS_NAMED` rows of a problem that repeats, and how many more."""
    more = f" and {len(rows) - _MAX_ROWS_NAMED} more" if len(rows) > _MAX_ROWS_NAMED else ""
    return ", ".join(rows[:_MAX_ROWS_NAMED]) + more


def _small_value_verdict(
    rec: Any,
    target: float,
    history: dict[tuple[str, str, int], dict[int, float]],
    family: str,
    latest: dict[tuple[str, str, int], pd.Timestamp],
) -> str:
    """Why a value under 1/5,000 of its target is a unit error too (``""``: it is plausible).

    A count is judged on the latest report of its year only (a 万 slip is 10,000x too small
    throughout, not one small March); a level on every report. Against the series' own
    seasonal history where there is one: the shares of the outcome that the other complete
    years of its family and region had reached by the same month. Without it, a count from
    June on, a level from March on.
    """
    year, month = rec.month.year, rec.month.month
    if rec.kind in MONOTONE_KINDS and latest[(rec.indicator, rec.region, year)] != rec.month:
        return ""
    seen = _shares_by_then(rec, history, family)
    if seen:
        low = min(seen.values())
        if rec.value / target >= low / _HISTORY_FACTOR:
            return ""
        years = ", ".join(str(y) for y in sorted(seen))
        latest_text = f"its latest report of {year}, " if rec.kind in MONOTONE_KINDS else ""
        return (
            f"{latest_text}and less than 1/{_HISTORY_FACTOR:,.0f} of the smallest share of the year's "
            f"outcome that the series' other years ({years}) had reached by month {month} ({low:.2g})"
        )
    if rec.kind in MONOTONE_KINDS:
        if month < _FIRST_JUDGED_MONTH:
            return ""
        return (
            f"in its latest report of {year} (month {month}; no other year of the series to "
            f"compare with: from June on, a count this small all year is not a season)"
        )
    if month < _FIRST_JUDGED_MONTH_LEVEL:
        return ""
    return "in March or later (a level does not restart at 0)"


def _big_value_verdict(
    rec: Any,
    target: float,
    history: dict[tuple[str, str, int], dict[int, float]],
    family: str,
    attainment: dict[tuple[str, str, int], float],
) -> str:
    """Why a count over :data:`_BIG_OVER_TARGET` times its target is a slip (``""``: it may be real).

    Against the series' own seasonal history: the value as a share of this year's target, more
    than :data:`_BIG_HISTORY_FACTOR` times the largest share of the year's outcome that the other
    complete years of its family and region had reached by the same month. Without such a year,
    only the :data:`_SCALE_FACTOR` rule applies. A value of a complete year that its neighbours in
    that year vouch for is no slip either: one that a later report equals or exceeds, or, the
    year's last report, one that an earlier report comes within half of; so long as that year's
    outcome against its plan (``attainment``: (family, region, year) -> outcome / plan) is within
    :data:`_BIG_HISTORY_FACTOR` times the best of the series' other complete years (at least 1).
    A lost decimal point in one report stands out against its neighbours, a year typed ten times
    over against the other years; a year that rose on past the value, or ended near where it had
    been, and beat its plan no more than its record allows, did beat it (an earlier year of a
    small prefecture at 2.1× its plan by April, or at 5.1× in a December after a November near
    it, refused every run; benchmarks/third_generator).
    """
    month = rec.month.month
    key = (family, rec.region, rec.month.year)
    own = history.get(key, {})
    if month in own and key in attainment:
        later = month < max(own) and own[month] <= 1.0
        earlier = [v for m, v in own.items() if m < month]
        others = [a for k, a in attainment.items() if k[:2] == key[:2] and k != key]
        plausible = attainment[key] <= _BIG_HISTORY_FACTOR * max([1.0, *others])
        if plausible and (later or (month == max(own) and earlier and max(earlier) >= 0.5)):
            return ""
    beyond = _beyond_record(rec, target, history, family)
    if beyond is None:
        return ""
    high, years = beyond
    if not high > 0:
        return f"where the series' other years ({years}) had nothing by month {month}"
    return (
        f"and {rec.value / target / high:,.0f}× the largest share of the year's outcome that the "
        f"series' other years ({years}) had reached by month {month} ({high:.2g})"
    )


#: An earlier year with reports in at most this many months and no December is warned about.
_STRAY_MONTHS = 2


def _warn_stray_earlier_rows(good: pd.DataFrame, year: int, source: str) -> None:
    """Warn of earlier-year rows that change nothing: a month or two of a year with no December.

    The default model learns from an earlier year only with its December report (the year's
    outcome; a level's start), so a lone ``2023-08`` among a series' 2024 reports is not used: it
    is most likely 2024-08 with the year mistyped, and the forecast goes on without it.
    """
    if not len(good):
        return
    frame = good.assign(_year=[m.year for m in good["month"]], _m=[m.month for m in good["month"]])
    this_year = set(
        zip(*(frame.loc[frame["_year"] == year, c] for c in ("indicator", "region")), strict=True)
    )
    stray = []
    for (ind, reg, _), grp in frame.loc[frame["_year"] < year].groupby(["indicator", "region", "_year"]):
        if (ind, reg) in this_year and len(grp) <= _STRAY_MONTHS and 12 not in set(grp["_m"]):
            months = ", ".join(f"{m:%Y-%m} ({r})" for m, r in zip(grp["month"], grp["row"], strict=True))
            stray.append(f"{ind}/{reg}: {months}")
    if stray:
        more = f" ... and {len(stray) - _MAX_ROWS_NAMED} more" if len(stray) > _MAX_ROWS_NAMED else ""
        warnings.warn(
            f"{source}: {len(stray)} series hold a month or two of an earlier year and no December "
            f"report, beside their {year} reports: {'; '.join(stray[:_MAX_ROWS_NAMED])}{more}. An earlier "
            "year is learned from only with its December report, so these rows change nothing. If the "
            f"year was mistyped ({year - 1}-08 for {year}-08), correct it; if they are earlier years' "
            "reports, add the rest of those years.",
            UserWarning,
            stacklevel=4,
        )


def _seasonal_history(
    good: pd.DataFrame,
    info: pd.DataFrame,
    finals: dict[tuple[str, str, int], tuple[str, float]] | None = None,
) -> dict[tuple[str, str, int], dict[int, float]]:
    """Share of each complete year's outcome reached by each month, per (family, region, year).

    A year is complete when it has a report at or after its deadline month; its outcome is the
    latest report of the year. Years with an outcome of 0 are left out (no share). ``finals``, if
    given, gets each complete year's (indicator, outcome), by the same key.
    """
    family = info["family"].astype(str).to_dict()
    dl_month = {ind: deadline_month(pd.Timestamp(d)) for ind, d in info["deadline"].items()}
    shares: dict[tuple[str, str, int], dict[int, float]] = {}
    keyed = good.assign(
        _family=good["indicator"].map(family),
        _year=[m.year for m in good["month"]],
        _m=[m.month for m in good["month"]],
    )
    for (fam, region, year, _), grp in keyed.groupby(["_family", "region", "_year", "indicator"], sort=False):
        key = (str(fam), str(region), int(year))
        if key in shares:
            continue
        last = grp.loc[grp["_m"].idxmax()]
        if int(last["_m"]) < dl_month.get(str(last["indicator"]), 12) or not float(last["value"]) > 0:
            continue
        shares[key] = dict(
            zip(grp["_m"].astype(int), grp["value"].astype(float) / float(last["value"]), strict=True)
        )
        if finals is not None:
            finals[key] = (str(last["indicator"]), float(last["value"]))
    return shares


# --------------------------------------------------------------------------- core


def _frame_to_dataset(
    raw: pd.DataFrame,
    catalog: Catalog,
    *,
    source: str,
    as_of: pd.Timestamp | None,
    allow_revisions: bool,
    check_scale: bool,
    warn_revisions: bool = True,
    all_indicators: bool = False,
    month_end: pd.Timestamp | None = None,
    what: str = "the progress file",
    read_notes: Sequence[str] = (),
) -> xr.Dataset:
    """Validate a frame of text cells (see :func:`_read_raw`) and build the Dataset.

    ``all_indicators`` keeps every catalogue indicator (all-NaN where no rows);
    ``month_end`` extends the month coordinate beyond the last reported month.
    ``read_notes`` (what the file's form was read as) go, with the month forms other than
    YYYY-MM, into one warning line.
    Attributes describing the file itself (sha256, ...) are added by callers.
    """
    problems = Problems(f"{source}: {{n}} problem{{s}} in {what}:")
    forms: dict[str, str] = {}
    info = _indicator_info(catalog)
    kind_of = info["kind"].astype(str).to_dict()  # plain dicts: looked up once per row
    unit_of = info["unit"].astype(str).to_dict()
    lower_of = info["lower_bound"].astype(float).to_dict()
    upper_of = info["upper_bound"].astype(float).to_dict()
    known_indicators = list(catalog.indicators)
    known_set = set(known_indicators)
    region_of = region_lookup(catalog.regions)
    region_ids = _region_order(catalog)
    has_reported = "reported_on" in raw.columns
    has_note = "note" in raw.columns
    hint_ind = f"Known indicators: {known_indicators}. Fix the id or drop those rows."
    hint_reg = (
        f"Known regions: {region_ids} (Chinese names such as 哈尔滨 or 哈尔滨市 are accepted "
        f"too). Fix the region or drop those rows."
    )

    records: list[dict[str, Any]] = []
    spelled: dict[str, str] = {}  # region id -> its first spelling in the file (哈尔滨市, Harbin, harbin)
    unknown_regions: dict[str, list[str]] = {}  # a region the catalogue does not know -> its rows
    unknown_indicators: dict[str, list[str]] = {}  # an id the catalogue does not know -> its rows
    later: list[tuple[str, str, pd.Timestamp]] = []  # rows after the as-of month: (where, month, month)
    for cells in raw.to_dict("records"):
        rec: Any = cells
        row = _row_label(rec["_row"])
        ind_txt = str(rec["indicator"]).strip()
        reg_txt = str(rec["region"]).strip()
        # full-width digits and punctuation (１０２．５, ２０２４－０３, typed with a Chinese input method)
        # read as their ASCII forms (Unicode NFKC), as float() already read full-width whole numbers
        mon_txt = unicodedata.normalize("NFKC", str(rec["month"])).strip()
        val_txt = unicodedata.normalize("NFKC", str(rec["value"])).strip()
        where = _where(row, ind_txt, reg_txt, mon_txt)
        ok = True

        kind = None
        if ind_txt not in known_set:  # one problem per distinct id, after the rows (_unknown_indicators)
            unknown_indicators.setdefault(ind_txt, []).append(row)
            ok = False
        else:
            kind = kind_of[ind_txt]
            if kind == "qualitative":
                problems.add(
                    f"{where}: field 'indicator' has value {ind_txt!r}, an indicator of kind "
                    f"'qualitative': there is no number to forecast. Drop these rows."
                )
                ok = False

        region = region_of.get(reg_txt) or region_of.get(reg_txt.lower())
        if region is not None:
            spelled.setdefault(region, reg_txt)
        if region is None:  # one problem per distinct spelling, after the rows (see _unknown_regions)
            unknown_regions.setdefault(reg_txt, []).append(row)
            ok = False

        month, form = parse_month(mon_txt)
        if month is None:
            numbers = re.match(r"^(\d{4})\D{1,2}(\d{1,2})", mon_txt)
            span = _MONTH_RANGE.fullmatch(mon_txt)
            bare = re.fullmatch(r"(\d{1,2})\s*月(?:份)?", mon_txt)
            why = (
                " (a range of months: write the month the year-to-date value is of, its last month, e.g. "
                f"{span[1]}-{int(span[2]):02d}; the file's values are year-to-date, from January)"
                if span and 1 <= int(span[2]) <= 12
                else f" (no year: write the month with its year, e.g. {catalog.year}-{int(bare[1]):02d} or "
                f"{catalog.year}年{int(bare[1])}月)"
                if bare and 1 <= int(bare[1]) <= 12
                else f" ({int(numbers.group(2))} is not a month number 1-12)"
                if form and numbers and not 1 <= int(numbers.group(2)) <= 12
                else " (a date that does not exist)"
                if form == "date"
                else " (ambiguous: as an Excel number, 2024.10 shows as 2024.1; write 2024.01 or 2024-10)"
                if re.fullmatch(r"\d{4}\.\d", mon_txt)
                else _excel_serial_why(mon_txt)
            )
            problems.add(
                f"{where}: field 'month' has value {mon_txt!r}, which is not a month in "
                f"YYYY-MM form{why}. Write the month as YYYY-MM, e.g. 2025-03 (also read: {MONTH_FORMS})."
            )
            ok = False
        elif not FIRST_YEAR <= month.year <= catalog.year:
            why = (
                f"before {FIRST_YEAR}: Excel shows an empty or zero date cell as 1900-01. Enter the month"
                if month.year < FIRST_YEAR
                else f"after the catalogue's year {catalog.year}, which has no targets for it. Check the "
                f"year, or read the file with the catalogue of {month.year}"
            )
            problems.add(f"{where}: field 'month' has value {mon_txt!r}, a month {why}.")
            ok = False
        elif as_of is not None and month > as_of:
            later.append((where, mon_txt, month))
            ok = False
        elif form not in ("", "YYYY-MM"):
            forms.setdefault(form, mon_txt)

        value = math.nan
        if val_txt == "":
            problems.add(
                f"{where}: field 'value' is empty. Enter the reported figure, or delete the "
                f"row if the month was not reported (missing months are allowed)."
            )
            ok = False
        else:
            try:
                value = plain_number(val_txt)
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                problems.add(
                    f"{where}: field 'value' has value {val_txt!r}, which is not a number. "
                    f"Enter a plain number (no units or %; thousands separators only in groups of three, "
                    f"as 1,300)."
                )
                ok = False
            elif abs(value) >= _ABSURD:
                problems.add(
                    f"{where}: field 'value' has value {val_txt!r}, beyond any figure in a catalogue "
                    f"unit ({_ABSURD:.0e} or more). Check the cell: a date, an id or a sum pasted "
                    f"into it?"
                )
                ok = False
            elif value < 0 and kind != "change":
                problems.add(
                    f"{where}: field 'value' has value {val_txt!r}, which is negative; a "
                    f"{kind or 'unknown'!r} value cannot be negative. Check the sign."
                )
                ok = False

        reported = str(rec.get("reported_on", "")).strip() if has_reported else ""
        if reported:
            m = _DATE_RE.match(unicodedata.normalize("NFKC", reported))
            try:
                if m is None:
                    raise ValueError
                reported = _dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3))).isoformat()
            except ValueError:
                problems.add(
                    f"{where}: field 'reported_on' has value {reported!r}, which is not a date "
                    f"in YYYY-MM-DD form. Write it as e.g. 2025-04-05 (also read: 2025/4/5, 2025.4.5, "
                    f"2025年4月5日), or leave it empty."
                )
                ok = False

        if ok:
            records.append(
                {
                    "row": row,
                    "indicator": ind_txt,
                    "region": region,
                    "month": month,
                    "value": value,
                    "kind": kind,
                    "reported_on": reported,
                    "note": str(rec.get("note", "")).strip() if has_note else "",
                    "where": where,
                }
            )

    for message in _later_than_as_of(later, as_of):
        problems.add(message)
    for message in _unknown_indicators(unknown_indicators, catalog):
        problems.add(message, hint_ind)
    for message in _unknown_regions(unknown_regions, region_of):
        problems.add(message, hint_reg)

    good = pd.DataFrame(
        records,
        columns=[
            "row", "indicator", "region", "month", "value", "kind", "reported_on", "note", "where",
        ],
    )  # fmt: skip

    # duplicates (after mapping Chinese names to ids)
    if len(good):
        first_row: dict[tuple[str, str, pd.Timestamp], str] = {}
        dup = np.zeros(len(good), dtype=bool)
        for i, dup_rec in enumerate(good.itertuples(index=False)):
            rec = dup_rec
            key = (rec.indicator, rec.region, rec.month)
            if key in first_row:
                problems.add(
                    f"{rec.where}: fields 'indicator', 'region', 'month' repeat "
                    f"{first_row[key]} (both rows are {rec.indicator!r}, {rec.region!r}, "
                    f"{rec.month.strftime('%Y-%m')}). Keep one row per indicator, region and "
                    f"month; delete {first_row[key]} or {rec.row}."
                )
                dup[i] = True
            else:
                first_row[key] = rec.row
        good = good.loc[~dup].reset_index(drop=True)

    # plausibility against the catalogue: bounds, whole projects, unit scale (万 vs units)
    if len(good):
        years = [m.year for m in good["month"]]
        keys = set(zip(good["indicator"], good["region"], years, strict=True))
        plans = set(zip(catalog.table["indicator"], catalog.table["year"].astype(int), strict=True))
        targets = {(str(i), str(r), y): _target(catalog, str(i), str(r), y, plans) for i, r, y in keys}
        finals: dict[tuple[str, str, int], tuple[str, float]] = {}
        history = _seasonal_history(good, info, finals) if check_scale else {}
        # each complete year's outcome against its own plan (the vouching of _big_value_verdict)
        attainment = {
            key: value / targets[(ind, key[1], key[2])]
            for key, (ind, value) in finals.items()
            if targets.get((ind, key[1], key[2]), math.nan) > 0
        }
        family = info["family"].astype(str).to_dict()
        # a change series (a measured quantity, no target in its unit) is judged against its own median
        changes = good.loc[good["kind"] == "change"]
        change_median = changes.groupby(["indicator", "region"])["value"].median().to_dict()
        # the latest report of each series-year: a small count is judged on it only
        latest = good.assign(_year=years).groupby(["indicator", "region", "_year"])["month"].max().to_dict()
        off = (
            "check_scale=False (command line: --no-scale-check) turns this check off if the value is "
            "really meant to be so far from the target."
        )
        # cumulative counts of whole things (households, schools) that are not whole (a level may be
        # an average over counties: 97.5 disease types)
        fractional: list[str] = []
        # the earliest report of each series-year far ahead of its earlier years by then
        ahead: dict[tuple[str, str, int], tuple[pd.Timestamp, str]] = {}
        # the first report of progress in each series-year whose split target is none (0 of 3 cities)
        no_share: dict[tuple[str, str, int], str] = {}
        for scale_rec in good.itertuples(index=False):
            rec = scale_rec
            target = targets[(rec.indicator, rec.region, rec.month.year)]
            if (
                rec.kind == "cumulative"
                and target == 0
                and rec.value > 0
                and rec.region != PROVINCE
                and not catalog.has_row(
                    rec.indicator, rec.region, _plan_year(rec.indicator, rec.month.year, plans)
                )
            ):
                no_share.setdefault((rec.indicator, rec.region, rec.month.year), rec.where)
            unit = unit_of[rec.indicator]
            lower = lower_of[rec.indicator]
            upper = upper_of[rec.indicator]
            if rec.kind == "change" and rec.value <= 0:
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}; a 'change' indicator "
                    "takes the measured quantity each month (e.g. g CO2 per tonne-km, μg/m³), "
                    "which is positive — not the % change: the % change against last year is "
                    "computed from the annual mean. Enter the monthly measurement."
                )
                continue
            if rec.kind == "level" and (
                (math.isfinite(upper) and rec.value > upper) or (math.isfinite(lower) and rec.value < lower)
            ):
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}, outside the bounds "
                    f"[{_fmt(lower)}, {_fmt(upper)}] of {rec.indicator!r} ({unit}). Check the figure "
                    "and its unit."
                )
                continue
            if rec.kind == "milestone" and (
                rec.value != round(rec.value) or (math.isfinite(target) and rec.value > target)
            ):
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}; a milestone value is "
                    f"the whole number of named projects done, from 0 to {_fmt(target)}. Count the "
                    "projects."
                )
                continue
            if rec.kind == "cumulative" and counts_whole_things(unit) and not rec.value.is_integer():
                fractional.append(f"{rec.where}: {_fmt(rec.value)}")
            median = change_median.get((rec.indicator, rec.region), math.nan)
            if check_scale and rec.kind == "change" and median > 0:
                ratio = rec.value / median
                if not 1 / _SCALE_FACTOR <= ratio <= _SCALE_FACTOR:
                    problems.add(
                        f"{rec.where}: field 'value' has value {_fmt(rec.value)}, {ratio:,.3g}× the median "
                        f"{median:.4g} of the series' monthly values ({unit}): more than "
                        f"{_SCALE_FACTOR:,.0f}× off. Was it entered in another unit, or for another "
                        f"indicator? Correct it; {off}"
                    )
                continue
            if (
                check_scale
                and rec.kind == "annual_mean"
                and math.isfinite(target)
                and target > 0
                and rec.value > _SCALE_FACTOR * target
            ):
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}, more than "
                    f"{_SCALE_FACTOR:,.0f}× the catalogue target {_fmt(target)} ({unit}). Was it entered "
                    f"in another unit? Convert it to the catalogue unit; {off}"
                )
                continue
            if not check_scale or rec.kind not in _SCALE_KINDS or not (math.isfinite(target) and target > 0):
                continue
            if rec.kind == "level" and "%" in unit and 0 < rec.value <= 1 < target:
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}, which looks like a "
                    f"fraction, but {rec.indicator!r} is in {unit} (target {_fmt(target)}). Enter "
                    f"percent, e.g. {_fmt(round(rec.value * 100, 9))}; {off}"
                )
            elif rec.value > _SCALE_FACTOR * target:
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}, more than "
                    f"{_SCALE_FACTOR:,.0f}× the catalogue target {_fmt(target)} ({unit}; ratio "
                    f"{rec.value / target:,.0f}). Was it {unit_slip(unit, too_big=True)}, or "
                    f"for another indicator, or is the catalogue's target mistyped? Convert it to the "
                    f"catalogue unit or correct the target; {off}"
                )
            elif (
                rec.kind == "cumulative"
                and rec.value > _BIG_OVER_TARGET * target
                and (why := _big_value_verdict(rec, target, history, family[rec.indicator], attainment))
            ):
                problems.add(
                    f"{rec.where}: field 'value' has value {_fmt(rec.value)}, {rec.value / target:,.1f}× "
                    f"the catalogue target {target:,.6g} ({unit}) {why}. Was a decimal point lost, "
                    f"was it {unit_slip(unit, too_big=True)}, or for another indicator or month? "
                    f"Correct it; {off}"
                )
            elif (
                rec.kind == "cumulative"
                and rec.value >= _AHEAD_SHARE * target
                and rec.value >= _AHEAD_UNITS * 10.0 ** -unit_decimals(unit, target)  # 1 of 2.6 is no slip
                and (why := _ahead_verdict(rec, target, history, family[rec.indicator]))
            ):
                key = (rec.indicator, rec.region, rec.month.year)
                if key not in ahead or rec.month < ahead[key][0]:
                    ahead[key] = (rec.month, f"{rec.where}: {_fmt(rec.value)}, {why}")
            elif 0 < rec.value < target / _SMALL_FACTOR:
                why = _small_value_verdict(rec, target, history, family[rec.indicator], latest)
                if why:
                    problems.add(
                        f"{rec.where}: field 'value' has value {_fmt(rec.value)}, less than "
                        f"1/{_SMALL_FACTOR:,.0f} of the catalogue target {_fmt(target)} ({unit}; ratio "
                        f"{rec.value / target:.2g}), {why}. Was it {unit_slip(unit, too_big=False)}, "
                        f"or is the catalogue's target mistyped? Convert it to the catalogue "
                        f"unit or correct the target; {off}"
                    )
        if ahead:
            lines = [text for _, text in sorted(ahead.values())]
            more = f" ... and {len(lines) - _MAX_ROWS_NAMED} more" if len(lines) > _MAX_ROWS_NAMED else ""
            warnings.warn(
                f"{source}: {len(lines)} series' reports are far ahead of their earlier years by the same "
                f"month: {'; '.join(lines[:_MAX_ROWS_NAMED])}{more}. A total carried over from last year "
                "(counted since the project began)? A cumulative series starts again each January: report "
                "this year's work only. If the figures are right, nothing needs doing: they are forecast as "
                "written.",
                UserWarning,
                stacklevel=3,
            )
        for (ind, reg, year), where in no_share.items():
            problems.add(
                f"{where}: field 'value' reports progress of {ind!r} in {reg!r}, whose target there is 0: "
                f"the catalogue has no row of its own for it in {year}, and the split of the provincial "
                f"target by population ({_split_basis(catalog, ind, reg, year, plans)}) gives it none. "
                f"Add a catalogue row ({ind}, {reg}, {year}) with the target the province gave it, or "
                "check the region."
            )
        if fractional:
            more = (
                f" ... and {len(fractional) - _MAX_ROWS_NAMED} more"
                if len(fractional) > _MAX_ROWS_NAMED
                else ""
            )
            warnings.warn(
                f"{source}: {len(fractional)} value(s) of counts of whole things (households (户), schools "
                f"(所), ...) are not whole numbers: {'; '.join(fractional[:_MAX_ROWS_NAMED])}{more}. A "
                "thousands separator written as a dot (12.300 for 12300)? Check the figures: they are "
                "forecast as written.",
                UserWarning,
                stacklevel=3,
            )

    # cumulative series must not fall within a calendar year
    revisions: list[str] = []
    if len(good):
        mono = good.loc[good["kind"].isin(MONOTONE_KINDS)].copy()
        mono["year"] = [m.year for m in mono["month"]]
        mono = mono.sort_values(["indicator", "region", "year", "month"], kind="stable")
        for _, grp in mono.groupby(["indicator", "region", "year"], sort=False):
            prev: Any = None
            for mono_rec in grp.itertuples(index=False):
                rec = mono_rec
                if prev is not None and rec.value < prev.value:
                    text = (
                        f"{rec.indicator!r}/{rec.region!r} falls from {_fmt(prev.value)} "
                        f"({prev.row}, {prev.month.strftime('%Y-%m')}) to "
                        f"{_fmt(rec.value)} ({rec.row}, {rec.month.strftime('%Y-%m')})"
                    )
                    if allow_revisions:
                        revisions.append(text)
                    else:
                        problems.add(
                            f"{rec.where}: field 'value' falls from {_fmt(prev.value)} ("
                            f"{prev.row}, month {prev.month.strftime('%Y-%m')}) to "
                            f"{_fmt(rec.value)} ({rec.row}, month "
                            f"{rec.month.strftime('%Y-%m')}), but a series of kind "
                            f"{rec.kind!r} may not fall within a year. Correct the figure, or "
                            "pass allow_revisions=True to accept revised figures "
                            "(--allow-revisions on the command line)."
                        )
                prev = rec

    problems.raise_if_any()
    _warn_stray_earlier_rows(good, int(catalog.year), source)
    notes = list(read_notes)
    if forms:
        notes.append("months written " + ", ".join(f"{f} ({t!r})" for f, t in forms.items()))
    if notes:
        warnings.warn(f"{source}: read {'; '.join(notes)}.", UserWarning, stacklevel=3)
    if len(good) == 0 and not all_indicators:  # pragma: no cover - every row had a problem
        raise DataValidationError(f"{source}: no usable rows.")

    # ----------------------------------------------------------------- assemble
    if all_indicators:
        indicators = [i for i in known_indicators if kind_of[i] != "qualitative"]
    else:
        present = set(good["indicator"])
        indicators = [i for i in known_indicators if i in present]
    present_regions = set(good["region"]) if len(good) else {PROVINCE}
    regions = [r for r in region_ids if r in present_regions]
    if len(good):
        start, end = min(good["month"]), max(good["month"])
    elif month_end is not None:
        start = end = month_end
    else:  # pragma: no cover - guarded above
        raise DataValidationError(f"{source}: no usable rows.")
    if month_end is not None:
        end = max(end, month_end)
    months = _month_coord(start, end)

    shape = (len(indicators), len(regions), len(months))
    values = np.full(shape, np.nan, dtype=np.float64)
    reported_arr = np.full(shape, "", dtype=object)
    note_arr = np.full(shape, "", dtype=object)
    if len(good):
        ii = good["indicator"].map({k: i for i, k in enumerate(indicators)}).to_numpy(int)
        rr = good["region"].map({k: i for i, k in enumerate(regions)}).to_numpy(int)
        mm = months.get_indexer(pd.DatetimeIndex(good["month"]).as_unit("ns"))
        values[ii, rr, mm] = good["value"].to_numpy(float)
        reported_arr[ii, rr, mm] = good["reported_on"].to_numpy(object)
        note_arr[ii, rr, mm] = good["note"].to_numpy(object)

    dims = (INDICATOR, REGION, MONTH)
    data_vars: dict[str, Any] = {
        "value": (dims, values, {"long_name": "reported cumulative or level value"}),
    }
    if has_reported:
        data_vars["reported_on"] = (dims, reported_arr.astype(str), {"format": "YYYY-MM-DD"})
    if has_note:
        data_vars["note"] = (dims, note_arr.astype(str))
    ds = xr.Dataset(
        data_vars,
        coords={
            INDICATOR: np.asarray(indicators, dtype=object).astype(str),
            REGION: np.asarray(regions, dtype=object).astype(str),
            MONTH: months.to_numpy(),
            "unit": (INDICATOR, np.asarray([unit_of[i] for i in indicators], str)),
            "kind": (INDICATOR, np.asarray([kind_of[i] for i in indicators], str)),
        },
    )
    revision_text = None
    if revisions:
        revision_text = "Accepted falls in cumulative series (kept as reported): " + "; ".join(revisions)
        if warn_revisions:
            warnings.warn(
                f"{source}: {len(revisions)} fall(s) in cumulative series accepted as revisions "
                f"and kept as reported: " + "; ".join(revisions),
                UserWarning,
                stacklevel=3,
            )
    ds.attrs = make_attrs(
        source=source,
        catalog_year=int(catalog.year),
        n_rows=len(raw),
        as_of=None if as_of is None else as_of.strftime("%Y-%m"),
        revisions_accepted=revision_text,
        region_spelling=json.dumps({r: spelled[r] for r in regions if r in spelled}, ensure_ascii=False),
        rows=json.dumps(
            {
                f"{i}|{r}|{m.strftime('%Y-%m')}": _row_label(row)
                for i, r, m, row in zip(
                    good["indicator"], good["region"], good["month"], good["row"], strict=True
                )
            },
            ensure_ascii=False,
        ),
    )
    return ds


# --------------------------------------------------------------------------- public


def read_progress(
    path: str | Path | pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: str | pd.Timestamp | None = None,
    allow_revisions: bool = False,
    check_scale: bool = True,
    sheet: int | str | None = None,
) -> xr.Dataset:
    r"""Read monthly progress (a CSV or Excel file, or a DataFrame) into a validated Dataset.

    Parameters
    ----------
    path : str, pathlib.Path or pandas.DataFrame
        A ``.csv`` file (UTF-8 with or without BOM; GBK/GB18030 and UTF-16 with a BOM are
        read with a warning; comma-, tab- or semicolon-separated), an ``.xlsx`` workbook
        (the one sheet with the required columns, see ``sheet``), or a long
        :class:`pandas.DataFrame` with the same columns (cells may be text or numbers;
        ``month`` may also be a Timestamp or Period of the month).
        A DataFrame goes through exactly the checks of a file; messages name its row
        by its index label (``index 3``) instead of a spreadsheet row.
        One row per indicator, region and month, with columns ``indicator``
        (catalogue id), ``region`` (``province``, a prefecture id such as ``harbin``,
        or its Chinese name, 哈尔滨 or 哈尔滨市), ``month`` (``YYYY-MM``, the last
        month covered) and ``value`` (the cumulative or level value as reported, in
        the catalogue unit of the indicator); optionally ``reported_on``
        (``YYYY-MM-DD``) and ``note``. Several years may sit in one file; earlier
        years are history (from 1950 to the catalogue's year). Also read, with one
        warning line saying what was read: months written ``2024年8月``, ``2024/8``,
        ``2024.08``, ``202408`` or as a date anywhere in the month (``2024.1`` is
        refused as ambiguous: the Excel number 2024.10 shows so); Chinese column names
        (指标, 地区, 月份, 数值, 报送日期, 备注 and the other names in
        ``HEADER_ALIASES``); title rows above the header row (the first of the first ten
        rows with the required columns).
    catalog : Catalog
        The target catalogue the file reports against: its indicator ids, kinds,
        units and targets, and its regions (``catalog.regions``).
    as_of : str or pandas.Timestamp, optional
        ``'YYYY-MM'`` or a Timestamp. Rows for later months are an error (a
        forecast as of a month must not see later reports).
    allow_revisions : bool, default False
        Accept falls of cumulative series within a year (revised figures). The
        values are kept as reported, each fall is described in
        ``attrs['revisions_accepted']`` and a warning is emitted.
    sheet : int or str, optional
        Sheet of an ``.xlsx`` workbook (name or 0-based index; command line ``--sheet``). By
        default the one sheet whose header has the required columns: a sheet of
        explanations beside the data is passed over; several such sheets are refused,
        naming them. Refused for a CSV file.
    check_scale : bool, default True
        Reject values of cumulative, milestone and level indicators entered in
        units instead of 万 (10,000) or the reverse, a slip that makes a series
        ~10,000 × off all year: a value more than 20 × the catalogue target of its
        year; a positive value under 1/5,000 of that target that is also
        implausible against the series' own seasonal history (under 1/3,000 of
        the smallest share of the outcome that the other complete years of its
        family and region had reached by the same month), or, with no such
        history, from June on (a level from March on). A count is judged on the
        latest report of each year only (a slip is off all year, a slow start
        catches up): small early-season values, such as 0.3 km of 4,000 by
        March, pass. Also a level in % entered as a fraction (0.7 for
        70). Each year is judged against its own plan where the catalogue holds
        it, else the latest one. A ``change`` indicator's monthly value (a measured
        quantity without a target in its unit) more than 20 × above or below the median
        of its series. The command line's ``--no-scale-check`` sets
        ``check_scale=False``. Always checked, whatever ``check_scale``: a level outside the
        catalogue's ``lower_bound``/``upper_bound``; a milestone count that is not
        a whole number from 0 to the number of projects; a ``change`` indicator's
        monthly value that is not positive (it is the measured quantity, not the
        % change).

    Returns
    -------
    xarray.Dataset
        Dims ``(indicator, region, month)``; coordinates ``indicator`` (present
        indicators in catalogue order), ``region`` (``province`` first, then the
        catalogue's region order; only regions present), ``month`` (datetime64[ns],
        first day of each month, contiguous from January of the earliest year in
        the file to the latest month in the file), and per indicator ``unit`` and
        ``kind``. Variables:

        * ``value`` (float64): the reported value, NaN where not reported (never
          filled).
        * ``reported_on`` (str, ``""`` where absent): only if the file has that column.
        * ``note`` (str, ``""`` where absent): only if the file has that column.

        ``attrs``: ``source`` (the path, or ``"DataFrame"``), ``sha256`` (of the file's bytes,
        or of :func:`pandas.util.hash_pandas_object` of the DataFrame), ``catalog_year``, ``n_rows``
        (non-blank data rows), ``as_of`` (``YYYY-MM``, only if given),
        ``revisions_accepted`` (only if falls were accepted), ``region_spelling`` (JSON
        object: region id -> its first spelling in the file, e.g. ``{"harbin": "哈尔滨市"}``,
        so that outputs for people name a prefecture as the user wrote it), ``rows`` (JSON
        object: ``"indicator|region|YYYY-MM"`` -> the row the value came from, ``"row 12"`` or a
        DataFrame's ``"index 3"``, so that later checks can name it), plus the provenance
        attributes of :func:`~longjiang_forecast._core.provenance.make_attrs`.

    Raises
    ------
    TypeError
        If ``path`` is neither a path nor a DataFrame (a list, an open file).
    FileNotFoundError
        If ``path`` does not exist.
    DataValidationError
        If the file type is not supported; the file cannot be read as a table (every failure
        of the CSV or Excel reader: a last row without a line break, which may have been cut
        off; a row with more or fewer fields than the header, e.g. an unquoted ``4,100``; an
        unbalanced quote; text in no supported encoding; a damaged, empty or non-Excel
        ``.xlsx``; a missing or ambiguous sheet), naming the file and, where known, the row;
        the file is empty or has only a header,
        a required column is missing, an unknown column is present, or any row has
        a problem: unknown indicator or region, qualitative indicator, duplicate
        (indicator, region, month), malformed month, a month before 1950 (Excel's zero
        date is 1900-01) or after the catalogue's year, or after ``as_of``, a value of
        1e15 or more,
        empty, non-numeric or negative value (negative allowed only for kind
        ``change``), malformed ``reported_on``, a cumulative series falling within
        a year (unless ``allow_revisions``), or a value at the wrong unit scale
        (unless ``check_scale=False``). All row problems are reported together
        (the first 20, then a count), each naming the spreadsheet row (header =
        row 1) or the DataFrame's index label, its indicator, region and month, the
        field, the value and the fix.
    ValueError
        If ``as_of`` is not a ``'YYYY-MM'`` string or a Timestamp.

    Warns
    -----
    UserWarning
        When ``allow_revisions=True`` and falls were accepted; and, in one line, when the
        file was read in a form other than the documented one (encoding, separator, title
        rows, sheet, Chinese column names, month forms).

    See Also
    --------
    write_progress : Write such a Dataset back to a file of the same format.

    Notes
    -----
    Completely blank rows are ignored; they do not shift the row numbers in
    messages. In Excel, a ``month`` cell that Excel turned into a date
    (2025-03-01) is read as ``2025-03``. Cumulative series (kinds in
    :data:`~longjiang_forecast._core.schema.MONOTONE_KINDS`) are compared between
    consecutive reported months of the same calendar year only; they restart
    every 1 January.

    Examples
    --------
    >>> import tempfile
    >>> from longjiang_forecast.catalog import load_catalog
    >>> path = Path(tempfile.mkdtemp()) / "progress.csv"
    >>> _ = path.write_text(
    ...     "indicator,region,month,value\n"
    ...     "09a,province,2024-03,4100\n"
    ...     "09a,哈尔滨,2024-03,1300\n"
    ...     "09a,province,2024-05,7000\n",
    ...     encoding="utf-8",
    ... )
    >>> ds = read_progress(path, load_catalog(2024))
    >>> ds["value"].dims, ds.region.values.tolist()
    (('indicator', 'region', 'month'), ['province', 'harbin'])
    >>> ds["value"].sel(indicator="09a", region="province").values.tolist()
    [nan, nan, 4100.0, nan, 7000.0]
    """
    check_catalog(catalog, "read_progress")
    as_of_ts = _parse_as_of(as_of, "read_progress")
    if isinstance(path, pd.DataFrame):
        return read_frame(
            path, catalog, as_of=as_of_ts, allow_revisions=allow_revisions, check_scale=check_scale
        )
    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            "read_progress reads a progress file (a path: .csv or .xlsx) or a pandas DataFrame with "
            f"columns {list(REQUIRED_COLUMNS)}. Got {type(path).__name__} instead."
        )
    path = Path(path)
    units = dict(zip(catalog.table["indicator"].astype(str), catalog.table["unit"].astype(str), strict=True))
    raw, notes = _read_raw(path, sheet, units)
    _check_columns(raw, str(path), header=f"header (row {raw.attrs['header_row']})")
    ds = _frame_to_dataset(
        raw,
        catalog,
        source=str(path),
        as_of=as_of_ts,
        allow_revisions=allow_revisions,
        check_scale=check_scale,
        what="the progress file",
        read_notes=notes,
    )
    ds.attrs["sha256"] = file_sha256(path)
    return ds


def read_frame(
    frame: pd.DataFrame,
    catalog: Catalog,
    *,
    as_of: pd.Timestamp | None = None,
    allow_revisions: bool = False,
    check_scale: bool = True,
    source: str = "DataFrame",
    what: str = "the progress DataFrame",
    row: str = "index",
) -> xr.Dataset:
    """:func:`read_progress` of a DataFrame, its messages naming ``source``, ``what`` and each ``row`` label.

    ``row`` is the word before each row's index label in a message (``index 'jan'`` for a user's
    DataFrame; the report store reads its reports as ``report 'march.csv (vintage 2024-04-05)'``,
    naming the store, not a DataFrame an analyst never made).
    """
    renamed = frame.rename(columns=lambda c: canonical_name(c, HEADER_ALIASES))
    raw = _text_frame(renamed, [f"{row} {i!r}" if isinstance(i, str) else f"{row} {i}" for i in frame.index])
    _check_columns(raw, source, what="DataFrame", header="DataFrame's columns")
    digest = hashlib.sha256(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()).hexdigest()
    ds = _frame_to_dataset(
        raw,
        catalog,
        source=source,
        as_of=as_of,
        allow_revisions=allow_revisions,
        check_scale=check_scale,
        what=what,
    )
    ds.attrs["sha256"] = digest
    return ds


#: The Chinese headers :func:`write_progress` writes with ``lang="zh"`` (names :data:`HEADER_ALIASES` reads).
HEADERS_ZH: dict[str, str] = {
    "indicator": "指标",
    "region": "地区",
    "month": "月份",
    "value": "数值",
    "reported_on": "报送日期",
    "note": "备注",
}


def write_progress(
    ds: xr.Dataset,
    path: str | Path,
    *,
    lang: str = "en",
    region_names: Mapping[str, str] | None = None,
) -> Path:
    """Write a progress Dataset to CSV or Excel in the format :func:`read_progress` reads.

    Parameters
    ----------
    ds : xarray.Dataset
        Dims ``(indicator, region, month)`` with variable ``value`` (float) and
        optionally ``reported_on`` and ``note`` (str), as returned by
        :func:`read_progress`.
    path : str or pathlib.Path
        Destination, ending in ``.csv`` (written as UTF-8 with BOM, so that Excel
        shows Chinese text) or ``.xlsx``. An existing file is overwritten.
    lang : {"en", "zh"}, default "en"
        Language of the header row: ``indicator, region, month, value, ...`` or
        :data:`HEADERS_ZH` (``指标, 地区, 月份, 数值, ...``); :func:`read_progress` reads both.
    region_names : mapping of str to str, optional
        Region id -> the name written in the ``region`` column (``{"province": "全省",
        "harbin": "哈尔滨市"}``, names :func:`read_progress` accepts); the id where missing.

    Returns
    -------
    pathlib.Path
        ``path``, so that ``read_progress(write_progress(ds, p), catalog)``
        round-trips.

    Raises
    ------
    DataValidationError
        If ``ds`` lacks the ``value`` variable or one of the three dims, or if the
        extension is not ``.csv`` or ``.xlsx``.

    Notes
    -----
    One row per non-NaN ``value``, in the order of the Dataset's coordinates,
    with ``month`` as ``YYYY-MM``. In CSV, values are written with the shortest
    text that parses back to the same float, so the round trip is exact; in
    ``.xlsx`` they are numeric cells, which Excel keeps to 15 significant digits.

    Examples
    --------
    >>> import tempfile
    >>> from longjiang_forecast.progress import load_national_progress
    >>> catalog, ds = load_national_progress(as_of="2024-09")
    >>> path = write_progress(ds, Path(tempfile.mkdtemp()) / "progress.csv")
    >>> back = read_progress(path, catalog, allow_revisions=True)  # doctest: +SKIP
    >>> path.read_text(encoding="utf-8-sig").splitlines()[0]
    'indicator,region,month,value,note'
    """
    path = Path(path)
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise DataValidationError(
            f"{path}: unsupported file type {path.suffix or '(none)'!r}. write_progress "
            f"writes CSV (.csv) or Excel (.xlsx); choose one of these extensions."
        )
    dims = (INDICATOR, REGION, MONTH)
    if "value" not in ds.data_vars or any(d not in ds["value"].dims for d in dims):
        raise DataValidationError(
            f"write_progress needs a Dataset with a 'value' variable over dims {dims}; got "
            f"variables {list(ds.data_vars)}. Pass the Dataset returned by read_progress."
        )
    extra = [c for c in OPTIONAL_COLUMNS if c in ds.data_vars]
    value = ds["value"].transpose(*dims)
    arr = value.to_numpy()
    ii, rr, mm = np.nonzero(~np.isnan(arr))
    months = pd.DatetimeIndex(ds[MONTH].to_numpy()).strftime("%Y-%m")
    out: dict[str, Sequence[Any]] = {
        "indicator": [str(x) for x in ds[INDICATOR].to_numpy()[ii]],
        "region": [(region_names or {}).get(str(x), str(x)) for x in ds[REGION].to_numpy()[rr]],
        "month": list(months[mm]),
    }
    values = arr[ii, rr, mm].astype(float)
    out["value"] = [_fmt(v) for v in values] if path.suffix.lower() == ".csv" else list(values)
    for col in extra:
        cells = ds[col].transpose(*dims).to_numpy()[ii, rr, mm]
        out[col] = ["" if _is_missing(c) else str(c) for c in cells]
    frame = pd.DataFrame(out, columns=list(REQUIRED_COLUMNS) + extra)
    if lang == "zh":
        frame = frame.rename(columns=HEADERS_ZH)
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".csv":
        frame.to_csv(path, index=False, encoding="utf-8-sig")
    else:
        frame.to_excel(path, index=False, engine="openpyxl")
    return path


def _is_missing(cell: Any) -> bool:
    """Return True for None and float NaN cells."""
    return cell is None or (isinstance(cell, float) and math.isnan(cell))
