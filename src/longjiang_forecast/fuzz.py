"""Seeded fuzzing of the three input files: progress (CSV/xlsx), catalogue (CSV/xlsx), scenario (TOML).

Valid files (``template``'s progress file, the 2024 catalogue and a small user catalogue, the
scenarios of ``scenarios/*.toml``) are mutated, each mutated file is read by the library and the
outcome is classified:

``refused``
    The library's own :class:`~longjiang_forecast._core.exceptions.DataValidationError`, with a
    message that names the file.
``correct``
    Read without error, and what was read is what the file says: the original's values for a
    mutation that keeps the meaning (whitespace, a BOM, another encoding, an equivalent month
    form, reordered columns, ...), else the values of an independent reading of the mutated file
    (the *oracle*: Python's :mod:`csv`, :mod:`openpyxl` or :mod:`tomllib` plus the documented
    format, in a few dozen lines of its own).
``foreign``
    Any other exception (a bug: a pandas, zip or codec error escaped), or our error without the
    file's name.
``silent``
    Read without error, but the values differ from what the file says, or rows were lost, or a
    file that must be refused (a truncated row, a month of 1900, a boolean for a number) was read.

Run the long version with ``python -m longjiang_forecast.fuzz --cases 10000``; it prints
the counts by file kind and outcome, and the first cases of each bad outcome.
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import math
import re
import sys
import tempfile
import tomllib
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from longjiang_forecast._core.exceptions import DataValidationError

if TYPE_CHECKING:
    from .catalog import Catalog

__all__ = ["FILE_KINDS", "OUTCOMES", "FuzzCase", "fuzz_cases", "run_fuzz", "summarise_fuzz"]

#: The (file kind, format) pairs that are fuzzed.
FILE_KINDS: tuple[tuple[str, str], ...] = (
    ("progress", "csv"),
    ("progress", "xlsx"),
    ("catalogue", "csv"),
    ("catalogue", "xlsx"),
    ("scenario", "toml"),
)
#: The outcome classes, good ones first.
OUTCOMES: tuple[str, ...] = ("refused", "correct", "foreign", "silent")

#: Indicators of the progress seed: every kind of the 2024 list (cumulative, % level, level,
#: milestone, change, annual mean).
_PROGRESS_INDICATORS = ("01a", "02c", "08b", "09a", "16b", "17b")
#: Rows of the small user catalogue (the 2024 list's rows, one of them per prefecture).
_USER_CATALOGUE_INDICATORS = ("01a", "02c", "08b", "09a")
_HEADER_ZH = {"indicator": "指标", "region": "地区", "month": "月份", "value": "数值", "note": "备注"}
_TITLE = "2024年新时代幸福龙江建设民生实事进展情况表"
#: A value above this (in any catalogue unit) is no report: it must be refused.
_IMPLAUSIBLE = 1e9
_FIRST_YEAR = 1950


# --------------------------------------------------------------------------- cases


@dataclass(frozen=True)
class FuzzCase:
    """One mutated file.

    Attributes
    ----------
    kind : str
        ``progress``, ``catalogue`` or ``scenario``.
    fmt : str
        ``csv``, ``xlsx`` or ``toml`` (the file's suffix).
    seed : str
        The valid file it was made from.
    mutation : str
        What was done to it.
    data : bytes
        The mutated file.
    expect : str
        ``same`` (the meaning is the original's: read it so, or refuse), ``refuse`` (must be
        refused) or ``oracle`` (read what the independent reading says, or refuse).
    """

    kind: str
    fmt: str
    seed: str
    mutation: str
    data: bytes
    expect: str


@dataclass
class _Seed:
    """A valid file as a grid of cells (CSV/xlsx) or a dict (TOML), with its meaning."""

    kind: str
    name: str
    grid: list[list[Any]]
    toml: dict[str, Any] | None = None


def _template_grid(catalog: Catalog) -> list[list[Any]]:
    """Rows of ``template``'s progress file for the seed indicators (header first)."""
    from longjiang_forecast.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "template.csv"
        with warnings.catch_warnings(), _quiet():
            warnings.simplefilter("ignore")
            main(["template", "--out", str(out)])
        rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    return [rows[0], *[r for r in rows[1:] if r and r[0] in _PROGRESS_INDICATORS]]


class _quiet:
    """Silence stdout (the CLI's one line) inside a ``with``."""

    def __enter__(self) -> None:
        self._old = sys.stdout
        sys.stdout = io.StringIO()

    def __exit__(self, *exc: object) -> None:
        sys.stdout = self._old


def _catalogue_grids() -> dict[str, list[list[Any]]]:
    """The 2024 list and a small user catalogue (with prefecture rows in Chinese) as grids."""
    text = (
        resources.files("longjiang_forecast.catalog").joinpath("data/catalog_2024.csv").read_text("utf-8-sig")
    )
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], [r for r in rows[1:] if any(c.strip() for c in r)]
    ind, reg, tgt = header.index("indicator"), header.index("region"), header.index("target")
    user = [r for r in body if r[ind] in _USER_CATALOGUE_INDICATORS]
    extra = []
    for name, share in (("哈尔滨市", 0.3), ("齐齐哈尔", 0.1)):
        row = list(next(r for r in user if r[ind] == "09a"))
        row[reg], row[tgt] = name, f"{float(row[tgt]) * share:g}"
        extra.append(row)
    return {"catalog_2024": [header, *body], "user_catalogue": [header, *user, *extra]}


def _scenario_seeds() -> dict[str, dict[str, Any]]:
    """The scenario files of the repository's ``scenarios/`` (or the packaged copies), parsed."""
    here = Path(__file__).resolve()
    folder = next(
        (p / "scenarios" for p in here.parents if (p / "scenarios" / "baseline.toml").is_file()), None
    )
    if folder is None:  # pragma: no cover - an installed package without the repository
        return {
            "stress": {"name": "stress", "year": 2024, "effects": [{"type": "multiplier", "factor": 0.8}]}
        }
    return {p.stem: tomllib.loads(p.read_text("utf-8")) for p in sorted(folder.glob("*.toml"))}


# --------------------------------------------------------------------------- writers


def _csv_bytes(
    grid: Sequence[Sequence[Any]], *, delimiter: str = ",", newline: str = "\n", bom: bool = True
) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator=newline)
    for row in grid:
        writer.writerow(["" if c is None else c for c in row])
    return (("\ufeff" if bom else "") + buf.getvalue()).encode("utf-8")


def _xlsx_bytes(
    sheets: Sequence[tuple[str, Sequence[Sequence[Any]]]], *, formats: dict[Any, str] | None = None
) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, grid in sheets:
        ws = wb.create_sheet(title)
        for row in grid:
            ws.append(list(row))
    for (sheet, r, c), fmt in (formats or {}).items():
        wb.worksheets[sheet].cell(row=r, column=c).number_format = fmt
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, float):
        return (
            "nan"
            if math.isnan(value)
            else ("inf" if value > 0 else "-inf")
            if math.isinf(value)
            else repr(value)
        )
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def _toml_text(data: dict[str, Any]) -> str:
    """Write the flat keys and the ``[[effects]]`` tables of a scenario (enough for the seeds)."""
    lines = [f"{k} = {_toml_value(v)}" for k, v in data.items() if k != "effects"]
    effects = data.get("effects")
    if isinstance(effects, list) and effects and all(isinstance(e, dict) for e in effects):
        for effect in effects:
            lines += ["", "[[effects]]", *[f"{k} = {_toml_value(v)}" for k, v in effect.items()]]
    elif "effects" in data:
        lines.append(f"effects = {_toml_value(effects)}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- mutations


def _typed_progress(grid: list[list[Any]]) -> list[list[Any]]:
    """Progress rows as an Excel sheet holds them: values as numbers."""
    col = grid[0].index("value")
    return [grid[0], *[[*r[:col], float(r[col]), *r[col + 1 :]] for r in grid[1:]]]


def _typed_catalogue(grid: list[list[Any]]) -> list[list[Any]]:
    """Catalogue rows as an Excel sheet holds them: numbers as numbers, empty cells empty."""
    numeric = {"target", "lower_bound", "upper_bound", "baseline", "item"}
    out = [grid[0]]
    for row in grid[1:]:
        cells = []
        for name, cell in zip(grid[0], row, strict=True):
            cells.append(None if cell == "" else float(cell) if name in numeric else cell)
        out.append(cells)
    return out


def _month_forms(month: str, rng: np.random.Generator) -> str:
    year, mon = int(month[:4]), int(month[5:7])
    forms = [
        f"{year}年{mon}月",
        f"{year}/{mon}",
        f"{year}.{mon:02d}",
        f"{year}{mon:02d}",
        f"{year}-{mon}",
        f" {month} ",
    ]
    return forms[int(rng.integers(len(forms)))]


def _flip(data: bytes, rng: np.random.Generator, n: int) -> bytes:
    arr = bytearray(data)
    for _ in range(n):
        i = int(rng.integers(len(arr)))
        arr[i] ^= int(rng.integers(1, 256))
    return bytes(arr)


def _cut_in_last_field(data: bytes, rng: np.random.Generator) -> bytes:
    ends = [m.start() for m in re.finditer(rb"\r?\n", data)]
    end = ends[int(rng.integers(1, len(ends)))]
    start = data.rfind(b",", 0, end) + 1
    return data[: int(rng.integers(start, end)) if end > start else end]


def _text_mutations(kind: str) -> dict[str, tuple[str, Callable[[bytes, np.random.Generator], bytes]]]:
    """Mutations of the bytes of a text file: (expectation, function)."""
    same_or_oracle = "same" if kind == "scenario" else "oracle"
    return {
        "byte_flip": ("oracle", lambda d, rng: _flip(d, rng, int(rng.integers(1, 4)))),
        "truncate": ("oracle", lambda d, rng: d[: int(rng.integers(len(d)))]),
        "truncate_last_column": ("oracle", _cut_in_last_field),
        "no_final_newline": (same_or_oracle, lambda d, rng: d.rstrip(b"\r\n")),
        "encoding_gbk": ("same", lambda d, rng: d.decode("utf-8-sig").encode("gb18030")),
        "encoding_utf16": ("same", lambda d, rng: d.decode("utf-8-sig").encode("utf-16")),
        "bom_toggled": (
            "same",
            lambda d, rng: d[3:] if d.startswith(b"\xef\xbb\xbf") else b"\xef\xbb\xbf" + d,
        ),
        "crlf": ("same", lambda d, rng: d.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")),
        "empty": ("refuse", lambda d, rng: b""),
        "random_bytes": ("oracle", lambda d, rng: rng.bytes(int(rng.integers(1, 400)))),
    }


def _csv_cases(seed: _Seed, rng: np.random.Generator) -> Iterator[tuple[str, bytes, str]]:
    """Yield (mutation, bytes, expectation) for a CSV seed, one at a time, chosen at random."""
    grid = seed.grid
    header, body = grid[0], grid[1:]
    base = _csv_bytes(grid)
    text = _text_mutations(seed.kind)
    value_col = "value" if seed.kind == "progress" else "target"
    vcol = header.index(value_col)
    numeric_rows = [i for i, r in enumerate(body, 1) if r[vcol] not in ("",)]

    def with_cell(col: int, value: Any) -> list[list[Any]]:
        i = numeric_rows[int(rng.integers(len(numeric_rows)))]
        new = [list(r) for r in grid]
        new[i][col] = value
        return new

    names = [
        *text, "delimiter_tab", "delimiter_semicolon", "unbalanced_quote", "thousands_separator",
        "extra_field", "missing_field", "whitespace", "blank_lines", "column_order", "header_case",
        "value_change", "value_extreme", "duplicate_row", "header_only",
    ]  # fmt: skip
    if seed.kind == "progress":
        names += ["header_zh", "title_rows", "month_form", "month_extreme"]
    else:
        names += ["milestone_fraction", "percent_fraction"]
    name = names[int(rng.integers(len(names)))]
    if name in text:
        expect, fn = text[name]
        yield name, fn(base, rng), expect
    elif name == "delimiter_tab":
        yield name, _csv_bytes(grid, delimiter="\t"), "same"
    elif name == "delimiter_semicolon":
        yield name, _csv_bytes(grid, delimiter=";"), "same"
    elif name == "unbalanced_quote":
        starts = [m.end() for m in re.finditer(rb"[,\n]", base)]
        at = starts[int(rng.integers(len(starts)))]
        yield name, base[:at] + b'"' + base[at:], "oracle"
    elif name == "thousands_separator":
        big = [i for i in numeric_rows if abs(float(grid[i][vcol])) >= 1000] or numeric_rows
        i = big[int(rng.integers(len(big)))]
        value = float(grid[i][vcol])
        lines = base.split(b"\n")
        cells = next(csv.reader([lines[i].decode("utf-8-sig")]))
        cells[vcol] = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.0f},{int(rng.integers(100, 999))}"
        lines[i] = ",".join(cells).encode()  # unquoted: one field too many
        yield name, b"\n".join(lines), "oracle"
    elif name == "extra_field":
        new = [list(r) for r in grid]
        new[int(rng.integers(1, len(new)))].append("x")
        yield name, _csv_bytes(new), "oracle"
    elif name == "missing_field":
        new = [list(r) for r in grid]
        i = int(rng.integers(1, len(new)))
        new[i] = new[i][: int(rng.integers(1, len(new[i])))]
        yield name, _csv_bytes(new), "oracle"
    elif name == "whitespace":
        yield name, _csv_bytes([[f" {c}  " if c else c for c in r] for r in grid]), "same"
    elif name == "blank_lines":
        new = [list(r) for r in grid]
        for _ in range(3):
            new.insert(int(rng.integers(1, len(new) + 1)), [""] * len(header))
        yield name, _csv_bytes(new), "same"
    elif name == "column_order":
        order = rng.permutation(len(header))
        yield name, _csv_bytes([[r[j] for j in order] for r in grid]), "same"
    elif name == "header_case":
        yield name, _csv_bytes([[c.upper() for c in header], *body]), "same"
    elif name == "header_zh":
        yield name, _csv_bytes([[_HEADER_ZH.get(c, c) for c in header], *body]), "same"
    elif name == "title_rows":
        title = [[_TITLE] + [""] * (len(header) - 1), ["单位：见各指标"] + [""] * (len(header) - 1)]
        yield name, _csv_bytes([*title[: int(rng.integers(1, 3))], *grid]), "same"
    elif name == "month_form":
        col = header.index("month")
        new = [header, *[[*r[:col], _month_forms(r[col], rng), *r[col + 1 :]] for r in body]]
        yield name, _csv_bytes(new), "same"
    elif name == "month_extreme":
        bad = ["1900-01", "1949-12", "2025-01", "2099-12", "0000-00", "2024-13", "2024-00", "1900/1/0"]
        yield name, _csv_bytes(with_cell(header.index("month"), bad[int(rng.integers(len(bad)))])), "oracle"
    elif name == "value_change":
        i = numeric_rows[int(rng.integers(len(numeric_rows)))]
        new = [list(r) for r in grid]
        new[i][vcol] = f"{float(new[i][vcol]) * rng.uniform(0.5, 2.0):.4g}"
        yield name, _csv_bytes(new), "oracle"
    elif name == "value_extreme":
        bad = ["1e308", "-1e308", "1e15", "inf", "-inf", "nan", "-5", "true", "FALSE", "", "1e-300", "1e400"]
        yield name, _csv_bytes(with_cell(vcol, bad[int(rng.integers(len(bad)))])), "oracle"
    elif name == "duplicate_row":
        new = [list(r) for r in grid]
        i = int(rng.integers(1, len(new)))
        new.insert(i, list(new[i]))
        yield name, _csv_bytes(new), "oracle"
    elif name == "header_only":
        yield name, _csv_bytes([header]), "refuse"
    elif name in ("milestone_fraction", "percent_fraction"):
        kind_col, unit_col = header.index("kind"), header.index("unit")
        if name == "milestone_fraction":
            rows = [i for i, r in enumerate(body, 1) if r[kind_col] == "milestone"]
            fraction = "2.5"
        else:
            rows = [i for i, r in enumerate(body, 1) if r[kind_col] == "level" and "%" in r[unit_col]]
            fraction = "0.8"
        new = [list(r) for r in grid]
        new[rows[int(rng.integers(len(rows)))]][vcol] = fraction
        yield name, _csv_bytes(new), "refuse"


def _xlsx_cases(seed: _Seed, rng: np.random.Generator) -> Iterator[tuple[str, bytes, str]]:
    """Yield (mutation, bytes, expectation) for an xlsx seed."""
    typed = _typed_progress(seed.grid) if seed.kind == "progress" else _typed_catalogue(seed.grid)
    header, body = typed[0], typed[1:]
    sheet = "进度" if seed.kind == "progress" else "目标"
    base = _xlsx_bytes([(sheet, typed)])
    vcol = header.index("value" if seed.kind == "progress" else "target")
    numeric_rows = [i for i, r in enumerate(body, 1) if r[vcol] is not None]

    def with_cell(col: int, value: Any) -> bytes:
        new = [list(r) for r in typed]
        new[numeric_rows[int(rng.integers(len(numeric_rows)))]][col] = value
        return _xlsx_bytes([(sheet, new)])

    names = [
        "zip_byte_flip", "zip_truncate", "zero_length", "random_bytes", "csv_as_xlsx", "value_as_text",
        "value_bool", "value_extreme", "value_change", "column_order", "delete_row",
    ]  # fmt: skip
    if seed.kind == "progress":
        names += ["month_date_in_month", "month_text_forms", "month_1900", "title_rows", "header_zh"]
        names += ["extra_sheet_first", "two_data_sheets"]
    else:
        names += ["percent_cell"]
    name = names[int(rng.integers(len(names)))]
    if name == "zip_byte_flip":
        yield name, _flip(base, rng, int(rng.integers(1, 4))), "oracle"
    elif name == "zip_truncate":
        yield name, base[: int(rng.integers(len(base)))], "oracle"
    elif name == "zero_length":
        yield name, b"", "refuse"
    elif name == "random_bytes":
        yield name, b"PK\x03\x04" + rng.bytes(int(rng.integers(0, 2000))), "oracle"
    elif name == "csv_as_xlsx":
        yield name, _csv_bytes(seed.grid), "refuse"
    elif name == "value_as_text":
        new = [header, *[[*r[:vcol], "" if r[vcol] is None else _fmt(r[vcol]), *r[vcol + 1 :]] for r in body]]
        yield name, _xlsx_bytes([(sheet, new)]), "same"
    elif name == "value_bool":
        yield name, with_cell(vcol, bool(rng.integers(2))), "refuse"
    elif name == "value_extreme":
        bad = [1e308, -1e308, 1e15, 1e-300, -5.0, 2**70]
        yield name, with_cell(vcol, bad[int(rng.integers(len(bad)))]), "oracle"
    elif name == "value_change":
        i = numeric_rows[int(rng.integers(len(numeric_rows)))]
        new = [list(r) for r in typed]
        new[i][vcol] = float(f"{new[i][vcol] * rng.uniform(0.5, 2.0):.4g}")
        yield name, _xlsx_bytes([(sheet, new)]), "oracle"
    elif name == "column_order":
        order = rng.permutation(len(header))
        yield name, _xlsx_bytes([(sheet, [[r[j] for j in order] for r in typed])]), "same"
    elif name == "delete_row":
        new = [list(r) for r in typed]
        del new[int(rng.integers(1, len(new)))]
        yield name, _xlsx_bytes([(sheet, new)]), "oracle"
    elif name in ("month_date_in_month", "month_text_forms"):
        col = header.index("month")
        new = [header]
        for r in body:
            y, m = int(r[col][:4]), int(r[col][5:7])
            if name == "month_date_in_month":
                last = (pd.Timestamp(y, m, 1) + pd.offsets.MonthEnd(0)).day
                cell: Any = _dt.datetime(y, m, int(rng.integers(1, last + 1)))
            else:
                cell = _month_forms(r[col], rng)
            new.append([*r[:col], cell, *r[col + 1 :]])
        yield name, _xlsx_bytes([(sheet, new)]), "same"
    elif name == "month_1900":
        yield name, with_cell(header.index("month"), _dt.datetime(1900, 1, 1)), "oracle"
    elif name == "title_rows":
        title: list[list[Any]] = [[_TITLE], [None], ["填报单位：省发展改革委"]]
        title = title[: int(rng.integers(1, 4))]
        yield name, _xlsx_bytes([(sheet, [*title, *typed])]), "same"
    elif name == "header_zh":
        yield name, _xlsx_bytes([(sheet, [[_HEADER_ZH.get(c, c) for c in header], *body])]), "same"
    elif name == "extra_sheet_first":
        yield name, _xlsx_bytes([("说明", [["填表说明"], ["每月5日前报送"]]), (sheet, typed)]), "same"
    elif name == "two_data_sheets":
        yield name, _xlsx_bytes([(sheet, typed), ("进度(2)", typed)]), "refuse"
    elif name == "percent_cell":
        kind_col, unit_col = header.index("kind"), header.index("unit")
        rows = [i for i, r in enumerate(body, 1) if r[kind_col] == "level" and "%" in str(r[unit_col])]
        i = rows[int(rng.integers(len(rows)))]
        new = [list(r) for r in typed]
        new[i][vcol] = new[i][vcol] / 100
        # the cell shows the original percent (80 %): read as such, or refused
        yield name, _xlsx_bytes([(sheet, new)], formats={(0, i + 1, vcol + 1): "0%"}), "same"


def _toml_cases(seed: _Seed, rng: np.random.Generator) -> Iterator[tuple[str, bytes, str]]:
    """Yield (mutation, bytes, expectation) for a scenario seed."""
    assert seed.toml is not None
    data = seed.toml
    base = _toml_text(data).encode()
    text = _text_mutations("scenario")
    effects = [e for e in data.get("effects", []) if isinstance(e, dict)]
    names = [*text, "deep_nesting", "effects_ints", "no_effects", "bool_number", "nonfinite", "comments"]
    if effects:
        names += ["value_change", "until_before_start"]
    name = names[int(rng.integers(len(names)))]

    def changed(key: str, value: Any) -> bytes:
        new = {**data, "effects": [dict(e) for e in effects]}
        if new["effects"]:
            new["effects"][int(rng.integers(len(effects)))][key] = value
        else:
            new["effects"] = [{"type": "multiplier", "tags": ["outdoor"], key: value}]
        return _toml_text(new).encode()

    if name in text:
        expect, fn = text[name]
        yield name, fn(base, rng), expect
    elif name == "deep_nesting":
        depth = int(rng.integers(50, 5000))
        yield name, base + f"deep = {'[' * depth}{']' * depth}\n".encode(), "refuse"
    elif name == "effects_ints":
        yield (
            name,
            _toml_text({**{k: v for k, v in data.items() if k != "effects"}, "effects": [1, 2]}).encode(),
            "refuse",
        )
    elif name == "no_effects":
        yield name, _toml_text({k: v for k, v in data.items() if k != "effects"}).encode(), "refuse"
    elif name == "bool_number":
        key = ["factor", "probability", "max_share_per_month"][int(rng.integers(3))]
        yield name, changed(key, True), "refuse"
    elif name == "nonfinite":
        key = ["factor", "probability", "max_share_per_month"][int(rng.integers(3))]
        yield name, changed(key, [math.nan, math.inf, -math.inf][int(rng.integers(3))]), "refuse"
    elif name == "comments":
        lines = base.decode().splitlines()
        out = []
        for line in lines:
            out += [
                "# 注释 comment",
                f"  {line}  # 行尾注释" if "=" in line and "[" not in line.split("=")[0] else line,
            ]
        yield name, ("\n".join(out) + "\n").encode(), "same"
    elif name == "value_change":
        e = int(rng.integers(len(effects)))
        numeric = [k for k, v in effects[e].items() if isinstance(v, float | int) and not isinstance(v, bool)]
        new = {**data, "effects": [dict(x) for x in effects]}
        if numeric:
            key = numeric[int(rng.integers(len(numeric)))]
            new["effects"][e][key] = round(float(rng.uniform(0.0, 3.0)), 3)
        yield name, _toml_text(new).encode(), "oracle"
    elif name == "until_before_start":
        new = {**data, "effects": [dict(x) for x in effects]}
        year = int(data.get("year", 2024))
        new["effects"][0] = {
            "type": "stoppage",
            "tags": ["outdoor"],
            "start": f"{year}-10",
            "until": f"{year}-0{int(rng.integers(1, 10))}",
        }
        yield name, _toml_text(new).encode(), "refuse"


def _fmt(x: float) -> str:
    s = repr(float(x))
    return s[:-2] if s.endswith(".0") else s


# --------------------------------------------------------------------------- oracles


def _decode(data: bytes) -> str | None:
    """Decode as the readers document: UTF-16 with a BOM, UTF-8 (BOM or not), else GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _csv_grid(data: bytes) -> list[list[Any]] | str:
    """The cells of a CSV file, or why it is not a well-formed comma-separated table."""
    text = _decode(data)
    if text is None:
        return "undecodable"
    if not text.endswith(("\n", "\r")):
        return "no final line break"
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error as err:
        return f"csv: {err}"
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return "empty"
    if any(len(r) != len(rows[0]) for r in rows):
        return "ragged rows"
    if any("\n" in c or "\r" in c for r in rows for c in r):
        return "line break in a cell"
    return rows


def _xlsx_grid(data: bytes) -> list[list[Any]] | str:
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
        rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    except Exception as err:  # any failure of the reference reader: the file is damaged
        return f"openpyxl: {type(err).__name__}"
    if len(wb.worksheets) != 1:
        return "several sheets"
    rows = [r for r in rows if any(c is not None and str(c).strip() for c in r)]
    return rows or "empty"


def _month_of(cell: Any, last_year: int) -> str | None:
    if isinstance(cell, _dt.datetime | _dt.date):
        y, m = cell.year, cell.month
    else:
        text = str(cell).strip()
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
        if match is None:
            return None
        y, m = int(match[1]), int(match[2])
    if not (1 <= m <= 12 and _FIRST_YEAR <= y <= last_year):
        return None
    return f"{y:04d}-{m:02d}"


def _number(cell: Any) -> float | None:
    if isinstance(cell, bool) or cell is None:
        return None
    try:
        value = float(str(cell).strip()) if isinstance(cell, str) else float(cell)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and abs(value) < _IMPLAUSIBLE else None


def _progress_meaning_of_grid(grid: list[list[Any]], ctx: _Context) -> dict[Any, Any] | str:
    header = [str(c).strip().lower() if c is not None else "" for c in grid[0]]
    if sorted(header) != sorted(ctx.progress_header):
        return f"header {header}"
    col = {c: header.index(c) for c in header}
    out: dict[Any, Any] = {}
    for row in grid[1:]:
        ind = str(row[col["indicator"]] or "").strip()
        region = ctx.regions.get(str(row[col["region"]] or "").strip().lower())
        month = _month_of(row[col["month"]], ctx.catalog_year)
        value = _number(row[col["value"]])
        if ind not in ctx.indicators or region is None or month is None or value is None:
            return f"row {row}"
        if (ind, region, month) in out:
            return "duplicate"
        note = row[col["note"]] if "note" in col else None
        out[ind, region, month] = (value, "" if note is None else str(note).strip())
    return out


def _progress_meaning(ds: Any) -> dict[Any, Any]:
    value = ds["value"].transpose("indicator", "region", "month")
    arr = value.to_numpy()
    notes = ds["note"].transpose("indicator", "region", "month").to_numpy() if "note" in ds else None
    months = pd.DatetimeIndex(ds["month"].to_numpy()).strftime("%Y-%m")
    out = {}
    for i, r, m in zip(*np.nonzero(~np.isnan(arr)), strict=True):
        key = (str(ds["indicator"].values[i]), str(ds["region"].values[r]), months[m])
        out[key] = (float(arr[i, r, m]), "" if notes is None else str(notes[i, r, m]))
    return out


def _catalogue_meaning(cat: Any) -> list[tuple[Any, ...]]:
    t = cat.table
    return [
        (
            r.indicator,
            r.region,
            r.kind,
            None if math.isnan(r.target) else float(r.target),
            str(r.deadline.date()),
        )
        for r in t.itertuples(index=False)
    ]


def _catalogue_meaning_of_grid(grid: list[list[Any]], ctx: _Context) -> list[tuple[Any, ...]] | str:
    header = [str(c).strip() if c is not None else "" for c in grid[0]]
    if not set(ctx.catalogue_required) <= set(header) or not set(header) <= set(ctx.catalogue_accepted):
        return f"header {header}"
    col = {c: header.index(c) for c in header}
    out = []
    for row in grid[1:]:

        def text(name: str, row: list[Any] = row) -> str:
            cell = row[col[name]] if name in col else None
            return "" if cell is None else str(cell).strip()

        kind = text("kind").lower()
        region = ctx.regions.get(text("region").lower()) or ctx.regions.get(text("region"))
        target_cell = row[col["target"]]
        target = None if target_cell is None or str(target_cell).strip() == "" else _number(target_cell)
        deadline = row[col["deadline"]]
        if isinstance(deadline, _dt.datetime):
            day = deadline.date().isoformat()
        elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text("deadline")):
            day = text("deadline")
        else:
            return f"deadline {deadline!r}"
        if not text("indicator") or region is None or kind not in ctx.kinds:
            return f"row {row}"
        if kind != "qualitative":
            if target is None:
                return f"target {target_cell!r}"
            if kind == "milestone" and not float(target).is_integer():
                return "fractional milestone"
            if kind == "level" and "%" in text("unit") and 0 < target <= 1:
                return "percent as a fraction"
        elif target_cell is not None and str(target_cell).strip() and target is None:
            return f"target {target_cell!r}"
        out.append((text("indicator"), region, kind, target, day))
    return out


_NUMERIC_KEYS = ("factor", "probability", "max_share_per_month")


def _scenario_meaning(sc: Any) -> tuple[Any, ...]:
    return (
        sc.name,
        sc.year,
        tuple(
            (e.type, e.indicators, e.tags, e.kinds, e.regions, e.factor, e.probability, e.max_share_per_month)
            for e in sc.effects
        ),
    )


def _scenario_oracle(data: bytes, ctx: _Context) -> tuple[Any, ...] | str:
    text = _decode(data)
    if text is None:
        return "undecodable"
    try:
        doc = tomllib.loads(text.lstrip("\ufeff"))
    except Exception as err:  # tomllib's errors, and its RecursionError on deep nesting
        return f"toml: {type(err).__name__}"
    effects = doc.get("effects")
    if not isinstance(effects, list) or not all(isinstance(e, dict) for e in effects):
        return "effects"
    if not isinstance(doc.get("name"), str) or isinstance(doc.get("year", 0), bool):
        return "name/year"
    out = []
    for e in effects:
        for key in _NUMERIC_KEYS:
            if key in e and (
                isinstance(e[key], bool) or not isinstance(e[key], int | float) or not math.isfinite(e[key])
            ):
                return f"{key} {e[key]!r}"
        start, until = e.get("start"), e.get("until")
        first = start[0] if isinstance(start, list) and start else start
        if isinstance(first, str) and isinstance(until, str) and until < first:
            return "until before start"

        def sel(key: str, e: dict[str, Any] = e) -> tuple[str, ...]:
            v = e.get(key, [])
            return (v,) if isinstance(v, str) else tuple(v)

        out.append(
            (
                e.get("type"), sel("indicators"), sel("tags"), sel("kinds"), sel("regions"),
                float(e.get("factor", 1.0)), float(e.get("probability", 1.0)),
                float(e.get("max_share_per_month", math.inf)),
            )
        )  # fmt: skip
    return (doc.get("name"), doc.get("year", ctx.catalog_year), tuple(out))


# --------------------------------------------------------------------------- running


@dataclass
class _Context:
    """What the readers and oracles need, built once."""

    catalog: Catalog
    catalog_year: int
    indicators: set[str]
    regions: dict[str, str]
    kinds: set[str]
    progress_header: list[str]
    catalogue_required: tuple[str, ...]
    catalogue_accepted: tuple[str, ...]
    seeds: list[_Seed]
    base: dict[tuple[str, str], Any]


def _context() -> _Context:
    from longjiang_forecast._core.regions import PROVINCE_ALIASES
    from longjiang_forecast._core.schema import KINDS
    from longjiang_forecast.catalog import _read as catalog_file
    from longjiang_forecast.catalog import load_catalog

    catalog = load_catalog(2024)
    regions = {a.lower(): "province" for a in PROVINCE_ALIASES}
    for r in catalog.regions.itertuples(index=False):
        regions[str(r.region).lower()] = str(r.region)
        regions[str(r.name_zh)] = regions[str(r.name_zh).removesuffix("市")] = str(r.region)
        regions[str(r.name_en).lower()] = str(r.region)
    progress_grid = _template_grid(catalog)
    seeds = [_Seed("progress", "template", progress_grid)]
    seeds += [_Seed("catalogue", name, grid) for name, grid in _catalogue_grids().items()]
    seeds += [_Seed("scenario", name, [], toml=doc) for name, doc in _scenario_seeds().items()]
    ctx = _Context(
        catalog=catalog,
        catalog_year=int(catalog.year),
        indicators=set(catalog.indicators),
        regions=regions,
        kinds=set(KINDS),
        progress_header=[c.lower() for c in progress_grid[0]],
        catalogue_required=tuple(catalog_file.REQUIRED_COLUMNS),
        catalogue_accepted=(*catalog_file.REQUIRED_COLUMNS, *catalog_file.OPTIONAL_COLUMNS),
        seeds=seeds,
        base={},
    )
    for seed in seeds:
        for fmt in ("csv", "xlsx") if seed.kind != "scenario" else ("toml",):
            data = _seed_bytes(seed, fmt)
            outcome, detail, meaning = _read(seed.kind, fmt, data, ctx)
            if outcome != "read":  # pragma: no cover - the seeds are valid files
                raise RuntimeError(f"fuzz seed {seed.name}.{fmt} does not read: {detail}")
            ctx.base[seed.name, fmt] = meaning
    return ctx


def _seed_bytes(seed: _Seed, fmt: str) -> bytes:
    if fmt == "csv":
        return _csv_bytes(seed.grid)
    if fmt == "xlsx":
        typed = _typed_progress(seed.grid) if seed.kind == "progress" else _typed_catalogue(seed.grid)
        return _xlsx_bytes([("进度" if seed.kind == "progress" else "目标", typed)])
    assert seed.toml is not None
    return _toml_text(seed.toml).encode()


def fuzz_cases(
    n_cases: int, *, seed: int = 0, kinds: Sequence[tuple[str, str]] = FILE_KINDS
) -> Iterator[FuzzCase]:
    """Generate ``n_cases`` mutated files, cycling over ``kinds`` and their seed files.

    Parameters
    ----------
    n_cases : int
        Number of cases.
    seed : int, default 0
        Seed of the :class:`numpy.random.Generator` (one child stream per case, from
        :class:`numpy.random.SeedSequence`), so that case ``i`` is the same whatever ``n_cases``.
    kinds : sequence of (str, str)
        (file kind, format) pairs from :data:`FILE_KINDS`.

    Yields
    ------
    FuzzCase
    """
    ctx = _shared_context()
    streams = np.random.SeedSequence(seed).spawn(n_cases)
    for i in range(n_cases):
        kind, fmt = kinds[i % len(kinds)]
        rng = np.random.default_rng(streams[i])
        seeds = [s for s in ctx.seeds if s.kind == kind]
        s = seeds[int(rng.integers(len(seeds)))]
        make = {"csv": _csv_cases, "xlsx": _xlsx_cases, "toml": _toml_cases}[fmt]
        for mutation, data, expect in make(s, rng):
            yield FuzzCase(kind=kind, fmt=fmt, seed=s.name, mutation=mutation, data=data, expect=expect)


_CTX: list[_Context] = []


def _shared_context() -> _Context:
    if not _CTX:
        _CTX.append(_context())
    return _CTX[0]


def _read(kind: str, fmt: str, data: bytes, ctx: _Context) -> tuple[str, str, Any]:
    """Read one file with the library: ('read', '', meaning), ('refused', why, None) or ('foreign', ..)."""
    from longjiang_forecast.catalog import load_catalog
    from longjiang_forecast.progress import read_progress
    from longjiang_forecast.scenarios import load_scenario

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz-{kind}.{fmt}"
        path.write_bytes(data)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if kind == "progress":
                    meaning: Any = _progress_meaning(read_progress(path, ctx.catalog, allow_revisions=True))
                elif kind == "catalogue":
                    meaning = _catalogue_meaning(load_catalog(path))
                else:
                    meaning = _scenario_meaning(load_scenario(path, catalog=ctx.catalog))
        except DataValidationError as err:
            if path.name not in str(err):
                return "foreign", f"our error without the file name: {str(err)[:200]}", None
            return "refused", str(err).splitlines()[0][:200], None
        except KeyboardInterrupt:  # pragma: no cover
            raise
        except BaseException as err:  # everything else escaped: that is what is counted
            return "foreign", f"{type(err).__name__}: {str(err)[:200]}", None
    return "read", "", meaning


def _oracle(case: FuzzCase, ctx: _Context) -> Any:
    if case.kind == "scenario":
        return _scenario_oracle(case.data, ctx)
    grid = _csv_grid(case.data) if case.fmt == "csv" else _xlsx_grid(case.data)
    if isinstance(grid, str):
        return grid
    if case.kind == "progress":
        return _progress_meaning_of_grid(grid, ctx)
    return _catalogue_meaning_of_grid(grid, ctx)


def classify(case: FuzzCase, ctx: _Context | None = None) -> tuple[str, str]:
    """Read one case and return (outcome, detail); outcome is one of :data:`OUTCOMES`."""
    ctx = ctx or _shared_context()
    status, detail, got = _read(case.kind, case.fmt, case.data, ctx)
    if status != "read":
        return status, detail
    base = ctx.base[case.seed, case.fmt]
    if case.expect == "refuse":
        return "silent", "read a file that must be refused"
    if got == base:
        return "correct", ""
    if case.expect == "same":
        return "silent", f"read other values than the original's: {_diff(got, base)}"
    expected = _oracle(case, ctx)
    if isinstance(expected, str):
        return "silent", f"read a file the reference reading refuses ({expected}): {_diff(got, base)}"
    if got == expected:
        return "correct", ""
    return "silent", f"read other values than the file says: {_diff(got, expected)}"


def _diff(got: Any, want: Any) -> str:
    if isinstance(got, dict) and isinstance(want, dict):
        lost = sorted(set(want) - set(got))[:3]
        extra = sorted(set(got) - set(want))[:3]
        changed = [(k, got[k], want[k]) for k in sorted(set(got) & set(want)) if got[k] != want[k]][:3]
        return f"{len(want) - len(got)} rows fewer; missing {lost}, extra {extra}, changed {changed}"
    if isinstance(got, list) and isinstance(want, list):
        differ = [(g, w) for g, w in zip(got, want, strict=False) if g != w][:2]
        return f"{len(got)} rows read, {len(want)} in the file; first differences {differ}"
    return f"read {str(got)[:150]}, expected {str(want)[:150]}"


def run_fuzz(
    n_cases: int = 2000, *, seed: int = 0, kinds: Sequence[tuple[str, str]] = FILE_KINDS
) -> pd.DataFrame:
    """Run ``n_cases`` fuzz cases and return one row per case.

    Parameters
    ----------
    n_cases : int, default 2000
        Number of mutated files.
    seed : int, default 0
        Seed of the mutations (see :func:`fuzz_cases`).
    kinds : sequence of (str, str)
        (file kind, format) pairs, cycled over; default all of :data:`FILE_KINDS`.

    Returns
    -------
    pandas.DataFrame
        Columns ``kind``, ``fmt``, ``seed``, ``mutation``, ``expect``, ``outcome`` (one of
        :data:`OUTCOMES`) and ``detail`` (the first line of the error, or what was read wrong).
    """
    ctx = _shared_context()
    rows = []
    for case in fuzz_cases(n_cases, seed=seed, kinds=kinds):
        outcome, detail = classify(case, ctx)
        rows.append(
            {
                "kind": case.kind, "fmt": case.fmt, "seed": case.seed, "mutation": case.mutation,
                "expect": case.expect, "outcome": outcome, "detail": detail,
            }
        )  # fmt: skip
    return pd.DataFrame(rows, columns=["kind", "fmt", "seed", "mutation", "expect", "outcome", "detail"])


def summarise_fuzz(results: pd.DataFrame) -> pd.DataFrame:
    """Count the outcomes of :func:`run_fuzz` by file kind and format (one column per outcome, and total)."""
    table = pd.crosstab([results["kind"], results["fmt"]], results["outcome"]).reindex(
        columns=list(OUTCOMES), fill_value=0
    )
    table["total"] = table.sum(axis=1)
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """Run the fuzz test from the command line; exit status 1 if any case escaped or slipped through."""
    parser = argparse.ArgumentParser(
        prog="python -m longjiang_forecast.fuzz", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--cases", type=int, default=10_000, help="number of mutated files (default 10000)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the mutations (default 0)")
    parser.add_argument(
        "--kind", action="append", choices=sorted({k for k, _ in FILE_KINDS}), help="only these file kinds"
    )
    parser.add_argument(
        "--show", type=int, default=5, help="bad cases listed per kind and outcome (default 5)"
    )
    args = parser.parse_args(argv)
    kinds = [k for k in FILE_KINDS if not args.kind or k[0] in args.kind]
    results = run_fuzz(args.cases, seed=args.seed, kinds=kinds)
    print(summarise_fuzz(results).to_string())
    same = results[results["expect"] == "same"]
    print(
        f"\nmutations that keep the meaning: {len(same)} cases, "
        f"{int((same['outcome'] == 'refused').sum())} refused (allowed, but the office's forms should read)"
    )
    bad = results[results["outcome"].isin(["foreign", "silent"])]
    for (kind, fmt, outcome), group in bad.groupby(["kind", "fmt", "outcome"]):
        print(f"\n{kind} {fmt} {outcome}: {len(group)}")
        for row in group.head(args.show).itertuples(index=False):
            print(f"  {row.seed} {row.mutation}: {row.detail}")
    return 1 if len(bad) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
