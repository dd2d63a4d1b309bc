"""Read a target catalogue from a CSV or Excel file, a DataFrame or a built-in year, and validate every cell.

The built-in 2024 catalogue transcribes the province's list 《新时代幸福龙江建设20件民生实事
（2024年）》 and its covering notice (黑龙江省人民政府办公厅, 2024). ``data/README.md`` records the
provenance of every column and constant.
"""

from __future__ import annotations

import math
import os
import re
import warnings
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any, Final

import numpy as np
import pandas as pd

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.problems import Problems
from longjiang_forecast._core.regions import region_lookup
from longjiang_forecast._core.schema import (
    COMPARATORS,
    FORECASTABLE_KINDS,
    KINDS,
    PROGRESS_COLUMNS,
    PROGRESS_HEADER_ALIASES,
)
from longjiang_forecast._core.tables import canonical_name, check_file_type, looks_like, read_table
from longjiang_forecast._core.units import (
    counts_whole_things,
    plain_number,
    unit_across_years,
    unit_multiplier,
)

from ._catalog import Catalog, _coerce_types, _fmt_number
from ._regions import _package_file, load_regions

__all__ = ["load_catalog"]

#: Years with a catalogue shipped in ``catalog/data``.
BUILTIN_YEARS: Final = (2024,)

#: Columns a user catalogue must have.
REQUIRED_COLUMNS: Final = (
    "indicator",
    "kind",
    "unit",
    "target",
    "comparator",
    "deadline",
    "region",
)

#: Columns a user catalogue may have (defaults in the loader's docstring).
OPTIONAL_COLUMNS: Final = (
    "item",
    "name_zh",
    "name_en",
    "approximate",
    "wording",
    "responsible",
    "deadline_source",
    "lower_bound",
    "upper_bound",
    "baseline",
    "tags",
    "family",
    "note",
    "target_basis",
)

#: Other spellings of the columns (Chinese headers of the office's sheets), lower case.
COLUMN_ALIASES: Final = {
    "指标": "indicator",
    "指标编号": "indicator",
    "指标代码": "indicator",
    "类型": "kind",
    "指标类型": "kind",
    "单位": "unit",
    "计量单位": "unit",
    "目标": "target",
    "目标值": "target",
    "比较": "comparator",
    "比较符": "comparator",
    "期限": "deadline",
    "完成时限": "deadline",
    "截止日期": "deadline",
    "地区": "region",
    "区域": "region",
    "事项": "item",
    "序号": "item",
    "名称": "name_zh",
    "指标名称": "name_zh",
    "中文名称": "name_zh",
    "英文名称": "name_en",
    "约数": "approximate",
    "原文": "wording",
    "表述": "wording",
    "责任单位": "responsible",
    "牵头单位": "responsible",
    "期限依据": "deadline_source",
    "下限": "lower_bound",
    "上限": "upper_bound",
    "基数": "baseline",
    "基期值": "baseline",
    "标签": "tags",
    "系列": "family",
    "备注": "note",
    "目标依据": "target_basis",
}

#: Kinds whose target may not be negative.
NON_NEGATIVE_KINDS: Final = ("cumulative", "milestone")

_COMPARATOR_ALIASES: Final = {
    ">=": ">=",
    "<=": "<=",
    "≥": ">=",
    "≤": "<=",
    "＞=": ">=",
    "＜=": "<=",
}
_TRUE: Final = frozenset({"true", "1", "yes", "y", "是", "t"})
_FALSE: Final = frozenset({"false", "0", "no", "n", "否", "f", ""})
_PACKAGE_SOURCE: Final = "package:catalog_{year}.csv"

#: A target beyond this many base units (persons, households, yuan, m², ...) is a typing or
#: unit error, not a livelihood target: 10^13 yuan is about 6 times the province's yearly GDP,
#: 10^13 persons 300,000 times its population.
_MAX_BASE_UNITS: Final = 1e13
#: A target in percent beyond this magnitude is a typing error.
_MAX_PERCENT: Final = 1000.0
#: Deadlines outside these years are typing errors.
_DEADLINE_YEARS: Final = (1950, 2100)

#: A deadline's day: 2024-10-31, 2024/10/31, 2024.10.31 or 2024年10月31日 (a time of midnight allowed).
_DATE_RE: Final = re.compile(
    r"^(\d{4})(?:-(\d{1,2})-|/(\d{1,2})/|\.(\d{1,2})\.|年(\d{1,2})月)(\d{1,2})日?(?:[ T]00:00(?::00)?)?$"
)
#: A deadline's month, for its last day: 2024-10, 2024/10, 2024年10月 or 2024年10月底 (end of October).
_MONTH_RE: Final = re.compile(r"^(\d{4})(?:-|/|年)(\d{1,2})(?:月底?)?$")


def load_catalog(
    source: int | str | os.PathLike[str] | pd.DataFrame = 2024, *, sheet: int | str | None = None
) -> Catalog:
    """Load and validate a target catalogue.

    Parameters
    ----------
    source : int or str or os.PathLike or pandas.DataFrame, default 2024
        A year with a built-in catalogue (only 2024: the province's list
        《新时代幸福龙江建设20件民生实事（2024年）》, 49 indicators, all provincial), the path of
        your own catalogue: ``.csv`` (UTF-8, with or without the BOM that Excel writes) or
        ``.xlsx`` / ``.xls``, or a :class:`pandas.DataFrame` with the columns of such a file
        (cells as text or numbers, as an Excel sheet holds them). A DataFrame goes through
        exactly the checks of a file; messages name its row by its index label (``index 3``)
        instead of a spreadsheet row, and ``Catalog.source`` is ``"DataFrame"``.
    sheet : int or str, optional
        Sheet of an Excel file (index or name); ignored for CSV. Default: the one sheet whose
        header has the required columns (a workbook whose first sheet is 说明 is read from the
        sheet with the table; several such sheets are refused, naming them).

    Returns
    -------
    Catalog
        The validated catalogue (see :class:`Catalog` for the table's columns).

    Raises
    ------
    DataValidationError
        If ``source`` is a year without a built-in catalogue, the file type is not supported,
        the file cannot be decoded or parsed (whatever library failed underneath: the message
        is ours), or it is malformed. All problems of a file are reported together (the first
        20, then a count; one problem is one line); each names the file, the row as a
        spreadsheet shows it (header = row 1, first data row = row 2, title rows counted), the
        indicator, the field, the bad value and the fix.
    FileNotFoundError
        If the path does not exist.

    Warns
    -----
    UserWarning
        One line for each thing read in another form than plainly (encoding, tab delimiter, title
        rows, the sheet chosen, percent cells).

    Notes
    -----
    Required columns: ``indicator, kind, unit, target, comparator, deadline, region``.
    Optional columns and their defaults: ``item`` (missing), ``name_zh`` (""), ``name_en``
    (""; outputs then show the other language's name, else the id), ``approximate`` (False; accepts true/false/1/0/yes/no/是/否),
    ``wording``, ``responsible``, ``deadline_source``, ``tags``, ``note`` (""),
    ``lower_bound``, ``upper_bound``, ``baseline`` (NaN = none), ``family`` (the indicator
    id), ``target_basis`` ("" for a user's catalogue, which the outputs and ``template
    --catalog-out`` leave empty; "official list" for the built-in years). Any other column is an error. Column names are read
    case-blind, and the Chinese names of ``COLUMN_ALIASES`` (指标, 地区, 目标值, 备注, ...) stand for
    the documented ones.

    Files are read by ``_core.tables.read_table``, as progress files are: a
    CSV in UTF-8, GBK/GB18030 or UTF-16, comma-, tab- or semicolon-separated, ending with a
    line break (else it may have been cut inside its last row), every row with the header's
    number of fields; the header is the first of the first 10 rows with the required columns
    (title rows above it are reported); a workbook is read from the one sheet with such a
    header. What is read in another form than a plain UTF-8 comma-separated file is said in one
    ``UserWarning`` line.

    Values: ``kind`` is one of ``_core.schema.KINDS``; ``comparator`` is ``>=`` or ``<=``
    (``≥``/``≤`` accepted); ``target`` is a number in ``unit`` and may be empty only for
    ``qualitative`` rows (which may also leave ``unit`` and ``comparator`` empty); a
    ``deadline`` of ``YYYY-MM`` means the last day of that month, ``YYYY-MM-DD`` is taken as
    given, Excel date cells are accepted (years 1950-2100); ``region`` is ``province`` or a
    prefecture id, Chinese name (``哈尔滨`` or ``哈尔滨市``) or English name. Targets of cumulative
    and milestone rows may not be negative and must lie within [``lower_bound``,
    ``upper_bound``]. Targets must be plausible: finite; whole for a milestone (projects) and for
    a unit of counted things (户, 个, 所, ... without 万 or a ratio); at most 10^13 base units
    (the unit's 万 or 亿 counts) or ±1,000 in a %-unit; a ``level`` target in a %-unit is not a
    bare number in (0, 1] (a fraction for a percent; ``0.8%`` says 0.8 %). A percent cell
    (``80%`` in a CSV, or an Excel cell formatted as a percent holding 0.8) in a %-unit is read as
    the percent it shows (80), with a warning for the Excel cells.

    Earlier years' plans: a row's ``year`` is the year of its deadline, and a file may hold
    several years (e.g. the plans of 2016-2018 beside 2019's, with the same indicator ids), so
    that the earlier years of the progress history are judged against their own targets. The
    catalogue's ``year`` is the latest one. One (indicator, region, year) has one row: two
    are refused, naming both rows. An indicator keeps its ``kind``, ``unit``, ``comparator``
    and ``family`` across years (a new unit needs a new id, with the same ``family``).

    Examples
    --------
    >>> cat = load_catalog()
    >>> cat.year, len(cat.indicators), cat.source
    (2024, 49, 'package:catalog_2024.csv')
    >>> load_catalog(2023)
    Traceback (most recent call last):
    ...
    longjiang_forecast._core.exceptions.DataValidationError: No built-in catalogue for year 2023; built-in years: [2024]. Pass the path of your own CSV/Excel catalogue.
    """  # noqa: E501
    regions = load_regions()
    if isinstance(source, pd.DataFrame):
        raw = _drop_blank_rows(source)
        raw = raw.set_axis([canonical_name(c, COLUMN_ALIASES) for c in raw.columns], axis=1)
        labels = [f"index {i!r}" if isinstance(i, str) else f"index {i}" for i in raw.index]
        return _build(raw, regions, "DataFrame", rows=labels, header="columns")
    if isinstance(source, bool) or not isinstance(source, int | str | os.PathLike):
        raise DataValidationError(
            f"The 'source' parameter of load_catalog must be an int (a built-in year) or a "
            f"path. Got {source!r} instead."
        )
    if isinstance(source, str) and source.strip().isdigit() and not Path(source).exists():
        source = int(source)  # "2024" from a command line or a spreadsheet cell means the year
    if isinstance(source, int):
        if source not in BUILTIN_YEARS:
            raise DataValidationError(
                f"No built-in catalogue for year {source}; built-in years: "
                f"{list(BUILTIN_YEARS)}. Pass the path of your own CSV/Excel catalogue."
            )
        with resources.as_file(_package_file(f"catalog_{source}.csv")) as packaged:
            table = read_table(packaged, required=REQUIRED_COLUMNS, aliases=COLUMN_ALIASES, what="catalogue")
        label = _PACKAGE_SOURCE.format(year=source)
    else:
        path = Path(source)
        if not path.exists():
            raise FileNotFoundError(f"Catalogue file {str(path)!r} does not exist.")
        if path.is_dir():
            raise DataValidationError(f"{path} is a folder; give the path of a catalogue file (.csv, .xlsx).")
        check_file_type(path, (".csv", ".xlsx", ".xlsm"), "Save the catalogue as .csv (UTF-8) or .xlsx.")
        table = read_table(
            path, required=REQUIRED_COLUMNS, aliases=COLUMN_ALIASES, sheet=sheet, what="catalogue"
        )
        label = str(path)
    raw = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    percent = {table.row_numbers[i] for i, j in table.percent if table.header[j] == "target"}
    read_as_percent: list[str] = []
    catalog = _build(
        raw,
        regions,
        label,
        rows=table.row_numbers,
        header=table.header_row,
        percent=(percent, read_as_percent),
    )
    notes = list(table.notes)
    if read_as_percent:
        notes.append(
            "target cells formatted as percent as the percent they show, in the row's %-unit ("
            + ", ".join(read_as_percent)
            + ")"
        )
    if notes:
        warnings.warn(f"{label}: read {'; '.join(notes)}.", UserWarning, stacklevel=2)
    return catalog


def _drop_blank_rows(raw: pd.DataFrame) -> pd.DataFrame:
    """Drop rows with every cell blank, keeping the original index (for row numbers)."""
    if raw.empty:
        return raw
    blank = raw.apply(lambda col: col.map(_is_blank)).all(axis=1)
    return raw.loc[~blank]


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, str) and value.strip() == ""


def _text(value: Any) -> str:
    if _is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


class _Problems(Problems):
    """The catalogue's problems, each located by its spreadsheet row, indicator and field."""

    def __init__(self, label: str) -> None:
        super().__init__(f"Catalogue {label} has {{n}} problems:", one_line=True)
        self.label = label

    def add_cell(self, row: int | str | None, indicator: str, field: str, message: str) -> None:
        """Record a problem of ``field`` in ``row`` (None: the header row)."""
        where = "header" if row is None else f"row {row}" if isinstance(row, int) else row
        ind = f", indicator {indicator!r}" if indicator else ""
        self.add(f"{self.label}, {where}{ind}, field '{field}': {message}")


def _build(
    raw: pd.DataFrame,
    regions: pd.DataFrame,
    label: str,
    *,
    rows: list[int] | list[str],
    header: int | str,
    percent: tuple[set[int], list[str]] | None = None,
) -> Catalog:
    """Validate a catalogue's cells and build it.

    ``rows`` labels each row (spreadsheet row numbers, or a DataFrame's ``index ..``), ``header``
    the header row; ``percent`` holds the rows whose target cell is formatted as percent and
    collects the notes of those read as the percent they show.
    """
    percent = (set(), []) if percent is None else percent
    problems = _Problems(label)
    names = [str(c) for c in raw.columns]  # canonical: stripped, lower case, aliases resolved
    keep = [j for j, name in enumerate(names) if name or not raw.iloc[:, j].map(_is_blank).all()]
    raw = raw.iloc[:, keep]  # a column with neither a name nor a value is no column
    accepted = [*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS]
    unknown = [c for c in raw.columns if c not in accepted]
    if unknown:
        problems.add_cell(
            header,
            "",
            ", ".join(unknown),
            f"unknown column(s) {unknown}. Accepted columns: {accepted} (or their Chinese names, "
            f"e.g. 指标, 地区, 目标值). Rename or delete them (nothing is dropped silently).",
        )
    twice = sorted({c for c in raw.columns if c in accepted and list(raw.columns).count(c) > 1})
    for name in twice:
        problems.add_cell(
            header,
            "",
            name,
            f"column {name!r} is given twice (perhaps once in English and once by its Chinese "
            f"name). Keep one of them.",
        )
    missing = [c for c in REQUIRED_COLUMNS if c not in raw.columns]
    if missing and looks_like(raw.columns, PROGRESS_COLUMNS, PROGRESS_HEADER_ALIASES):
        raise DataValidationError(
            f"{label}: this looks like a progress file, not a catalogue: it has the progress "
            f"columns {list(PROGRESS_COLUMNS)} and lacks {missing}. Did you swap --catalog and "
            f"--progress? The catalogue (targets) is --catalog; the monthly reports are --progress."
        )
    for col in missing:
        problems.add_cell(
            header,
            "",
            col,
            f"missing required column {col!r}. Required columns: {list(REQUIRED_COLUMNS)}. "
            f"Add it to the header row.",
        )
    problems.raise_if_any()
    if raw.empty:
        problems.add_cell(
            None, "", "indicator", "the file has a header but no rows. Add one row per indicator."
        )
        problems.raise_if_any()

    lookup = region_lookup(regions)
    records: list[dict[str, Any]] = []
    seen: dict[tuple[str, str, int], int] = {}
    for position, (_, cells) in enumerate(raw.iterrows()):
        rownum: Any = rows[position]
        rec = _parse_row(cells, rownum, lookup, regions, problems, percent)
        if rec is None:
            continue
        rec["year"] = rec["deadline"].year  # the plan's year is the year of its deadline
        key = (rec["indicator"], rec["region"], rec["year"])
        if key in seen:
            problems.add_cell(
                rownum,
                rec["indicator"],
                "indicator",
                f"rows {seen[key]} and {rownum} both define indicator {rec['indicator']!r} for "
                f"region {rec['region']!r} in year {rec['year']} (the year of the deadline). "
                f"Keep one of them, or change its region or deadline.",
            )
        else:
            seen[key] = rownum
        rec["_row"] = rownum
        records.append(rec)
    _check_same_across_years(records, problems)
    problems.raise_if_any()

    table = pd.DataFrame.from_records(records).drop(columns=["_row"])
    table["forecastable"] = False  # set by _coerce_types
    year = int(table["year"].max())
    _warn_lonely_latest_year(table, year, label)
    return Catalog(year=year, table=_coerce_types(table), regions=regions, source=label)


def _warn_lonely_latest_year(table: pd.DataFrame, year: int, label: str) -> None:
    """Warn when the latest year has a quarter or less of the rows of the year before (and that has 4+).

    A row's year is its deadline's, so one deadline typed a year late (2026-12-31 in a 2025 list)
    makes a one-row list of 2026, and the catalogue's year (what a forecast without progress data,
    and ``next-year``, take as this year's list) becomes 2026.
    """
    counts = table["year"].value_counts()
    latest, before = int(counts.get(year, 0)), int(counts.get(year - 1, 0))
    if before < 4 or 4 * latest > before:
        return
    rows = table[table["year"] == year]
    named = ", ".join(f"{i} ({d:%Y-%m-%d})" for i, d in zip(rows["indicator"], rows["deadline"], strict=True))
    warnings.warn(
        f"{label}: the latest year, {year}, has {latest} row(s) ({named}) against {before} in "
        f"{year - 1}. A row's year is the year of its deadline: if a {year - 1} deadline was typed as "
        f"{year}, correct it; the catalogue's list is its latest year's, {year}.",
        UserWarning,
        stacklevel=3,
    )


#: Fields an indicator id keeps across the years of a catalogue.
_SAME_ACROSS_YEARS: Final = ("kind", "unit", "comparator", "family")


def _check_same_across_years(records: list[dict[str, Any]], problems: _Problems) -> None:
    """An indicator id means one quantity in every year: same kind, unit, comparator, family.

    A percent change against the year before is one unit whatever the year ("% change vs 2023"
    in 2024, "% change vs 2024" in 2025: :func:`~longjiang_forecast._core.units.unit_across_years`).
    """

    def same(col: str, rec: dict[str, Any], ref: dict[str, Any]) -> bool:
        if col == "unit":
            return bool(unit_across_years(rec[col], rec["year"]) == unit_across_years(ref[col], ref["year"]))
        return bool(rec[col] == ref[col])

    first: dict[str, dict[str, Any]] = {}
    for rec in records:
        ref = first.setdefault(rec["indicator"], rec)
        for col in _SAME_ACROSS_YEARS:
            if not same(col, rec, ref):
                problems.add_cell(
                    rec["_row"],
                    rec["indicator"],
                    col,
                    f"{col} {rec[col]!r} differs from {ref[col]!r} of row {ref['_row']} "
                    f"(year {ref['year']}). An indicator id keeps its {col} in every year and "
                    f"region; give this row a new indicator id (with the same family, so that "
                    f"the years stay one history) or correct the {col}.",
                )


def _parse_row(
    cells: pd.Series,
    rownum: int,
    lookup: dict[str, str],
    regions: pd.DataFrame,
    problems: _Problems,
    percent: tuple[set[int], list[str]],
) -> dict[str, Any] | None:
    def get(col: str) -> Any:
        return cells[col] if col in cells.index else None

    ind = _text(get("indicator"))
    n_before = len(problems.items)

    def bad(field: str, message: str) -> None:
        problems.add_cell(rownum, ind, field, message)

    if not ind:
        bad("indicator", "the indicator id is empty. Give every row an id such as '01a'.")

    kind = _text(get("kind")).lower()
    if kind not in KINDS:
        bad(
            "kind",
            f"unknown kind {_text(get('kind'))!r}. Use one of: {', '.join(KINDS)}.",
        )
    qualitative = kind == "qualitative"

    raw_cmp = _text(get("comparator"))
    comparator = _COMPARATOR_ALIASES.get(raw_cmp.replace(" ", ""))
    if comparator is None:
        if raw_cmp == "" and qualitative:
            comparator = ""
        else:
            bad(
                "comparator",
                f"comparator {raw_cmp!r} is not one of {list(COMPARATORS)}. Write '>=' when "
                f"the target must be reached or exceeded, '<=' when it must not be exceeded "
                f"('≥'/'≤' are accepted too).",
            )

    unit = _text(get("unit"))
    if not unit and kind in FORECASTABLE_KINDS:
        bad("unit", "unit is empty. Write the unit of the target, e.g. 'households (户)'.")
    percent_rows, read_as_percent = percent
    percent_cell = rownum in percent_rows and isinstance(get("target"), int | float)
    target = _parse_number(get("target"), "target", bad, unit=unit, percent_cell=percent_cell)
    if percent_cell and target is not None and not math.isnan(target):
        read_as_percent.append(f"row {rownum} ({_fmt_number(target / 100)} → {_fmt_number(target)})")
    if target is not None and math.isnan(target) and kind in FORECASTABLE_KINDS:
        bad(
            "target",
            f"target is empty, but kind {kind!r} needs a number. Fill in the target (in the "
            f"row's unit) or set kind to 'qualitative'.",
        )
    if target is not None and kind in NON_NEGATIVE_KINDS and not math.isnan(target) and target < 0:
        bad(
            "target",
            f"target {_fmt_number(target)} is negative, but a {kind} count cannot fall below 0. "
            f"Give a positive count (use kind 'change' with comparator '<=' for a reduction).",
        )
    if target == 0 and kind == "cumulative" and comparator == ">=":
        bad(
            "target",
            "target 0 with '>=' is met by any report (a count of this year cannot fall below 0), so "
            "its probability would be 1 whatever is reported. Enter the target, or set kind to "
            "'qualitative' if the row has no number.",
        )
    if target is not None and not math.isnan(target) and kind != "qualitative":
        _check_plausible(target, kind, unit, bad)
        written = _text(get("target"))
        if kind == "level" and "%" in unit and 0 < target <= 1 and not percent_cell and "%" not in written:
            bad(
                "target",
                f"target {written} looks like a fraction, but the unit {unit!r} is a percent. "
                f"Write the percent (e.g. {_fmt_number(target * 100)} for {written}); if you mean "
                f"{written} %, write '{written}%'.",
            )

    deadline = _parse_deadline(get("deadline"), bad)

    raw_region = _text(get("region"))
    region = lookup.get(raw_region) or lookup.get(raw_region.casefold())
    if region is None:
        bad(
            "region",
            f"unknown region {raw_region!r}. Use 'province' or one of the prefecture ids "
            f"{regions['region'].tolist()} (Chinese names such as '哈尔滨' or '哈尔滨市' are "
            f"accepted too).",
        )

    approximate = _parse_bool(get("approximate"), "approximate", bad)

    item_text = _text(get("item"))
    item: int | None = None
    if item_text:
        try:
            value = float(item_text)
            if not value.is_integer() or value < 1:
                raise ValueError(item_text)
            item = int(value)
        except ValueError:
            bad("item", f"item {item_text!r} is not a positive whole number. Write e.g. 9.")

    lower = _parse_number(get("lower_bound"), "lower_bound", bad, unit=unit)
    upper = _parse_number(get("upper_bound"), "upper_bound", bad, unit=unit)
    baseline = _parse_number(get("baseline"), "baseline", bad, unit=unit)
    lo = math.nan if lower is None else lower
    hi = math.nan if upper is None else upper
    if not math.isnan(lo) and not math.isnan(hi) and lo > hi:
        bad(
            "lower_bound",
            f"lower_bound {_fmt_number(lo)} is greater than upper_bound {_fmt_number(hi)}. "
            f"Swap them or correct one.",
        )
    elif target is not None and not math.isnan(target):
        if not math.isnan(lo) and target < lo:
            bad(
                "target",
                f"target {_fmt_number(target)} is below lower_bound {_fmt_number(lo)}. Correct "
                f"the target or the bound.",
            )
        if not math.isnan(hi) and target > hi:
            bad(
                "target",
                f"target {_fmt_number(target)} is above upper_bound {_fmt_number(hi)}. Correct "
                f"the target or the bound.",
            )

    if len(problems.items) > n_before:
        return None
    tags = ";".join(t.strip() for t in _text(get("tags")).split(";") if t.strip())
    responsible = ";".join(t.strip() for t in _text(get("responsible")).split(";") if t.strip())
    assert target is not None and approximate is not None  # for type checkers
    return {
        "indicator": ind,
        "region": region,
        "item": item,
        "name_zh": _text(get("name_zh")),
        "name_en": _text(get("name_en")),
        "unit": unit,
        "target": target,
        "comparator": comparator,
        "approximate": approximate,
        "wording": _text(get("wording")),
        "kind": kind,
        "deadline": deadline,
        "deadline_source": _text(get("deadline_source")),
        "responsible": responsible,
        "lower_bound": lo,
        "upper_bound": hi,
        "baseline": math.nan if baseline is None else baseline,
        "tags": tags,
        "family": _text(get("family")) or ind,
        "note": _text(get("note")),
        "target_basis": _text(get("target_basis")),  # as given: only the built-in list is the official one
    }


def _parse_number(
    value: Any, field: str, bad: Any, *, unit: str = "", percent_cell: bool = False
) -> float | None:
    """Parse a numeric cell: NaN when blank, None (and a problem) when malformed or not finite.

    A cell written ``80%`` (as Excel's CSV shows a percent cell), or an Excel cell formatted as
    percent (``percent_cell``, stored 0.8), is read as the percent it shows (80) where ``unit``
    is a percent; elsewhere it is refused.
    """
    if _is_blank(value):
        return math.nan
    if isinstance(value, bool | np.bool_):
        bad(field, f"{field} {value!r} is not a number. Write a number such as 15000.")
        return None
    shown = str(value).strip()
    as_percent = percent_cell
    if isinstance(value, int | float | np.integer | np.floating):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if percent_cell:
            number *= 100  # the cell shows 80% and stores 0.8
            shown = f"{_fmt_number(number)}%"
    else:
        text = shown.replace("\u2212", "-")
        as_percent = text.endswith(("%", "％"))
        text = text.rstrip("%％").strip()
        try:
            number = plain_number(text)
        except ValueError:
            bad(
                field,
                f"{field} {shown!r} is not a number. Write a plain number in the row's unit, "
                f"e.g. 15000 for 1.5万户 (no units or Chinese numerals in the cell).",
            )
            return None
    if not math.isfinite(number):
        bad(field, f"{field} {shown!r} is not a finite number. Write a number in the row's unit.")
        return None
    if as_percent and "%" not in unit:
        bad(
            field,
            f"{field} shows {shown}, a percent, but the unit {unit!r} is not a percent. Write the "
            f"number in the row's unit (and format the cell as a plain number).",
        )
        return None
    return number


def _check_plausible(target: float, kind: str, unit: str, bad: Any) -> None:
    """Refuse a target that no unit could mean: a fraction of counted things, or an absurd size."""
    multiplier = unit_multiplier(unit)
    counted = kind == "milestone" or counts_whole_things(unit)
    if counted and not float(target).is_integer():
        what = "named projects" if kind == "milestone" else f"things counted in {unit!r}"
        bad(
            "target",
            f"target {_fmt_number(target)} is not a whole number, but a {kind} target counts "
            f"{what}. Give a whole number (or a unit with 万 for fractions of 10,000).",
        )
    elif "%" in unit and abs(target) > _MAX_PERCENT:
        bad(
            "target",
            f"target {_fmt_number(target)} is beyond ±{_MAX_PERCENT:,.0f} % (unit {unit!r}). "
            f"Check the figure.",
        )
    elif abs(target) * multiplier > _MAX_BASE_UNITS:
        bad(
            "target",
            f"target {_fmt_number(target)} (unit {unit!r}) is more than {_MAX_BASE_UNITS:.0e} base "
            f"units, no livelihood target's size. Check the figure and its unit.",
        )


def _parse_bool(value: Any, field: str, bad: Any) -> bool | None:
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | float | np.integer | np.floating) and value in (0, 1):
        return bool(value)
    text = _text(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    bad(
        field,
        f"{field} {_text(value)!r} is not a boolean. Write true/false (also accepted: "
        f"1/0, yes/no, 是/否) or leave it empty for false.",
    )
    return None


def _parse_deadline(value: Any, bad: Any) -> pd.Timestamp | None:
    hint = "Write YYYY-MM-DD (e.g. 2024-10-31) or YYYY-MM for the month's last day."
    if _is_blank(value):
        bad("deadline", f"deadline is empty. {hint}")
        return None
    low, high = _DEADLINE_YEARS
    if isinstance(value, datetime | date):
        year, text = value.year, value.isoformat()[:10]
        stamp = pd.Timestamp(value.year, value.month, value.day) if low <= year <= high else None
    elif isinstance(value, np.datetime64):
        year, text = int(str(value)[:4]) if str(value)[:4].isdigit() else low - 1, str(value)
        stamp = pd.Timestamp(value).normalize() if low <= year <= high else None
    else:
        text = str(value).strip()
        year, stamp = low, None
        try:
            if m := _DATE_RE.match(text):
                year = int(m[1])
                month = next(int(g) for g in m.groups()[1:5] if g)
                if low <= year <= high:
                    stamp = pd.Timestamp(year, month, int(m[6]))
            elif m := _MONTH_RE.match(text):
                year = int(m[1])
                if low <= year <= high:
                    stamp = pd.Timestamp(year, int(m[2]), 1) + pd.offsets.MonthEnd(0)
            else:
                raise ValueError(text)
        except ValueError:
            bad("deadline", f"malformed deadline {text!r}. {hint}")
            return None
    if not low <= year <= high:
        bad("deadline", f"deadline {text!r} is outside the years {low}-{high}. {hint}")
        return None
    return stamp
