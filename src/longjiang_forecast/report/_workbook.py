"""The attainment table as an Excel workbook for people: formatted numbers, coloured status, provenance."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core.names import display_name
from .._core.units import against_decimals, rate_decimals, unit_decimals, unit_label
from ._console import reached_label, region_label
from ._format import province_first
from ._text import STATUS_COLOURS, in_chinese, provenance_row, status_word

#: Columns of the attainment sheet: (key, English header, Chinese header).
SHEET_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("indicator", "id", "编号"),
    ("region", "region", "地区"),
    ("name", "name", "名称"),
    ("unit", "unit", "单位"),
    ("comparator", "comparator", "比较"),
    ("target", "target", "目标"),
    ("deadline", "deadline", "截止日期"),
    ("observed", "latest report", "最新报告"),
    ("observed_month", "month of the report", "报告月份"),
    ("p_met", "P(met)", "达标概率"),
    ("p_met_se", "Monte Carlo s.e.", "蒙特卡罗标准误"),
    ("q10", "10% at deadline", "截止日取值 10%"),
    ("median", "median at deadline", "截止日取值中位数"),
    ("q90", "90% at deadline", "截止日取值 90%"),
    ("first_passage_median", "reached (median month)", "达标月份（中位数）"),
    ("required_rate", "required per month", "所需月均进度"),
    ("model_rate", "model's median per month (months left)", "模型预期月均进度（剩余月份）"),
    ("run_rate", "recent per month", "近期月均进度"),
    ("run_rate_months", "months of the recent pace", "近期进度所覆盖月份"),
    ("expected_shortfall", "expected shortfall", "预期缺口"),
    ("status", "status", "状态"),
    ("basis", "basis", "依据"),
    ("reason", "reason for no forecast", "无法预测的原因"),
)
#: Columns in the indicator's unit, formatted with its decimals (``_core.units.unit_decimals``); the rates
#: per month with ``_core.units.rate_decimals``.
_IN_UNIT = ("target", "observed", "q10", "median", "q90", "expected_shortfall")
_RATES = ("required_rate", "model_rate", "run_rate")
#: Values read against the target, shown with ``_core.units.against_decimals`` (a small count's fraction).
_AGAINST = ("observed", "q10", "median", "q90", "expected_shortfall")
#: Headers of the provenance sheet: in Chinese the label, the value and the machine key (``run.json``'s).
_PROVENANCE_HEADERS = {"en": ["key", "value"], "zh": ["项目", "内容", "键"]}
_SHEET_NAMES = {
    "en": ("attainment", "provenance"),
    "zh": ("达标情况", "数据来源"),
}


def _number_format(decimals: int) -> str:
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def write_workbook(
    table: pd.DataFrame,
    path: str | os.PathLike[str],
    *,
    lang: str,
    provenance: Mapping[str, Any],
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
    top_levels: Mapping[str, str] | None = None,
) -> Path:
    """Write the attainment table as an ``.xlsx`` workbook (openpyxl).

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table` (province and prefecture rows).
    path : str or os.PathLike
        The file to write (replaced if it exists).
    lang : {"zh", "en"}
        Language of headers, names, units and status.
    provenance : mapping
        What the forecast rests on (library version, seed, model, catalogue,
        data hash, vintage, as-of, ...), one row each on the provenance sheet.
    regions, written
        Prefecture names, see :func:`~longjiang_forecast.report._console.region_label`.
    top_levels : mapping of str to str, optional
        Indicator -> its tags naming its top level (全国 for a national series), see
        :func:`~longjiang_forecast.report._console.attainment_view`.

    Returns
    -------
    pathlib.Path
        ``path``. The workbook holds two sheets: the attainment table, one row
        per indicator and region (province rows first), with an autofilter and
        frozen headers, every number stored at full precision and shown with its
        unit's decimals, P(met) with two, the status cell coloured as in the
        bulletin, the basis and the reason for no forecast in ``lang``
        (:func:`~longjiang_forecast.report._text.in_chinese`); and the provenance, one key
        and value per row (in Chinese: label, value in words, machine key;
        :func:`~longjiang_forecast.report._text.provenance_row`).
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    written = written or {}
    header_index = 1 if lang == "en" else 2
    rows = province_first(table)
    book = Workbook()
    sheet = book.active
    sheet.title, prov_title = _SHEET_NAMES[lang]
    sheet.append([col[header_index] for col in SHEET_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    keys = [col[0] for col in SHEET_COLUMNS]
    status_at = keys.index("status") + 1
    for r, rec in enumerate(rows.to_dict("records"), start=2):
        decimals = unit_decimals(rec["unit"], rec["target"])
        status = str(rec["status"])
        values = {
            **{k: rec.get(k) for k in keys},
            "region": region_label(
                str(rec["region"]), lang, regions, written, (top_levels or {}).get(str(rec["indicator"]), "")
            ),
            "name": display_name(rec.get("name_zh"), rec.get("name_en"), lang, rec["indicator"]),
            "unit": unit_label(rec["unit"], lang),
            "status": status_word(status, lang),
            **{k: _words(rec.get(k), lang) for k in ("basis", "reason")},  # the model's English, in zh
            "first_passage_median": reached_label(
                rec.get("first_passage_median"), rec.get("first_passage_late"), lang
            ),
        }
        for c, key in enumerate(keys, start=1):
            value = values[key]
            if isinstance(value, float | np.floating) and not np.isfinite(value):
                value = None
            elif isinstance(value, np.generic):
                value = value.item()
            cell = sheet.cell(row=r, column=c, value=value if value != "" else None)
            if key in _RATES:  # finer than the unit: 0.5 stations a month is neither 0 nor 1
                cell.number_format = _number_format(rate_decimals(value, rec["unit"], rec["target"]))
            elif key in _AGAINST:  # read against the target: never a rounding that crosses it
                comparator = None if key == "expected_shortfall" else rec["comparator"]  # a gap, not a value
                cell.number_format = _number_format(
                    against_decimals(value, rec["target"], rec["unit"], comparator)
                )
            elif key in _IN_UNIT:
                cell.number_format = _number_format(decimals)
            elif key in ("p_met", "p_met_se"):
                cell.number_format = "0.00" if key == "p_met" else "0.000"
        colour = STATUS_COLOURS.get(status)
        if colour:
            sheet.cell(row=r, column=status_at).fill = PatternFill(
                "solid", fgColor=colour.lstrip("#").upper()
            )
    sheet.auto_filter.ref = sheet.dimensions
    sheet.freeze_panes = "D2"
    widths = {"name": 48, "basis": 40, "reason": 30, "region": 12, "status": 12}
    for c, key in enumerate(keys, start=1):
        sheet.column_dimensions[get_column_letter(c)].width = widths.get(key, 14)
    prov = book.create_sheet(prov_title)
    prov.append(_PROVENANCE_HEADERS[lang])
    for cell in prov[1]:
        cell.font = Font(bold=True)
    for key, value in provenance.items():
        # an option not given (no --store, no --vintage) is an empty cell, not the word "None"
        plain = "" if value is None else value if isinstance(value, int | float | str | bool) else str(value)
        prov.append(provenance_row(str(key), plain, lang))
    prov.column_dimensions["A"].width, prov.column_dimensions["B"].width = 24, 80
    prov.column_dimensions["C"].width = 20
    out = Path(path)
    book.save(out)
    return out


def _words(text: Any, lang: str) -> Any:
    """A basis or reason of the table in the sheet's language (:func:`~._text.in_chinese` for zh)."""
    if lang != "zh" or not isinstance(text, str):
        return text
    return in_chinese(text)
