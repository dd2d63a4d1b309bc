"""How numbers and names reach people: the unit's granularity, thousands separators, the language.

One rule for every output written for people (the console table, the workbook): the
number of decimals of an indicator follows from its catalogue ``unit`` and ``kind``, never
from the indicator's id, so that a user's own catalogue is formatted as the built-in one.
"""

from __future__ import annotations

import locale
import math
import os
import re
from typing import Any

#: The languages of the outputs for people.
LANGUAGES = ("zh", "en")

# Units scaled by a power of ten (万人, 亿元, 10k m²): two decimals keep a hundred people/yuan.
_SCALED = re.compile(r"万|亿|千|百万|\b10k\b|\bmillion\b|\bthousand\b|\bbillion\b", re.IGNORECASE)
# Percentages and percentage points.
_PERCENT = re.compile(r"%|percent|百分")
# Ratios: something per something (places per 1,000 people, m² per person, 元/人).
_RATIO = re.compile(r"\bper\b|/|每|人均")
# Physical measures that are divisible (km, m², t, kWh): one decimal.
_MEASURE = re.compile(
    r"(?<![a-z])(k?m|m²|m2|m³|km²|ha|t|kt|kg|kwh|mwh|gwh|kw|mw|gw|l|°c)(?![a-z])|公里|米|吨|公顷|亩|千瓦",
    re.IGNORECASE,
)
# Whole things: a Chinese measure word or an English count noun.
_COUNT = re.compile(
    r"[个户所座项种人件辆台套家处名张床条次批期]|\b(households?|stations?|persons?|people|projects?|"
    r"schools?|cities|city|communities|community|places?|bases?|bridges?|counties|county|facilities|"
    r"facility|subjects?|kindergartens?|disease types?|items?|units?|vehicles?|beds?)\b",
    re.IGNORECASE,
)


def unit_decimals(unit: Any, kind: Any, target: Any = None) -> int:
    """Number of decimals an indicator's values are shown with, from its unit and kind.

    Parameters
    ----------
    unit : str
        The catalogue's ``unit`` (e.g. ``"households (户)"``, ``"km (公里)"``,
        ``"10k persons (万人)"``, ``"places per 1,000 people"``).
    kind : str
        The catalogue's ``kind`` (``cumulative``, ``level``, ``annual_mean``,
        ``change``, ``milestone``).
    target : float, optional
        The target, for a unit none of the rules knows.

    Returns
    -------
    int
        0 for whole things (milestone projects, households, stations, places);
        1 for divisible measures (km, m²), percentages, percent changes and
        annual means; 2 for ratios (per person, per 1,000 people); for units
        scaled by 万, 亿 or 10k, 2 below a target of 100, 1 below 1,000, else 0
        (19.67 万人, 6,000 万平方米); for a unit none of these rules knows, enough
        for about three significant digits of the target (0 without one). A
        target's own decimals do not count: a prefecture's share of a provincial
        count (4,714.2 households) is still shown in whole households.

    Examples
    --------
    >>> unit_decimals("households (户)", "cumulative"), unit_decimals("km (公里)", "cumulative")
    (0, 1)
    >>> unit_decimals("places per 1,000 people", "level"), unit_decimals("10k persons (万人)", "cumulative")
    (2, 2)
    """
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit)
    if kind == "milestone":
        rule = 0
    elif kind in ("change", "annual_mean") or _PERCENT.search(text):
        rule = 1
    elif _SCALED.search(text):
        rule = 2 if _magnitude(target) <= 2 else 1 if _magnitude(target) == 3 else 0
    elif _RATIO.search(text):
        rule = 2
    elif _MEASURE.search(text):
        rule = 1
    elif _COUNT.search(text):
        rule = 0
    else:
        rule = _significant_decimals(target)
    return rule


def _magnitude(target: Any) -> int:
    """Digits before the decimal point of ``target`` (0 for |target| < 1, NaN or None)."""
    try:
        x = abs(float(target))
    except (TypeError, ValueError):
        return 0
    return 0 if not math.isfinite(x) or x < 1 else math.floor(math.log10(x)) + 1


def _significant_decimals(target: Any) -> int:
    try:
        x = abs(float(target))
    except (TypeError, ValueError):
        return 0
    if not math.isfinite(x) or x == 0:
        return 0
    return max(0, min(3, 2 - math.floor(math.log10(x))))


def format_value(value: Any, decimals: int) -> str:
    """``value`` with ``decimals`` decimals and thousands separators; "" for a missing value.

    Examples
    --------
    >>> format_value(14283.4, 0), format_value(1234.56, 1), format_value(float("nan"), 0)
    ('14,283', '1,234.6', '')
    >>> format_value(-0.04, 1)
    '0.0'
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        return "" if value is None else str(value)
    if not math.isfinite(x):
        return ""
    x = round(x, decimals) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0
    return f"{x:,.{decimals}f}"


def unit_in(unit: Any, lang: str) -> str:
    """The part of a bilingual unit ``"english (中文)"`` in ``lang``; the unit as written otherwise.

    Examples
    --------
    >>> unit_in("households (户)", "zh"), unit_in("households (户)", "en"), unit_in("μg/m³", "zh")
    ('户', 'households', 'μg/m³')
    """
    text = "" if unit is None or (isinstance(unit, float) and math.isnan(unit)) else str(unit).strip()
    match = re.fullmatch(r"(.*?)\s*[(（]([^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]", text)
    if not match:
        return text
    return match[2] if lang == "zh" else match[1] or match[2]


def name_in(row: Any, lang: str, fallback: str = "") -> str:
    """The name of a catalogue row in ``lang``, else in the other language, else ``fallback``.

    ``row`` is a mapping with ``name_zh`` and ``name_en`` (empty, missing or NaN where absent).
    """

    def text(key: str) -> str:
        value = row.get(key, "") if hasattr(row, "get") else ""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return ""
        return str(value).strip()

    first, second = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    return text(first) or text(second) or fallback


def default_language(names_en: Any = (), names_zh: Any = ()) -> str:
    """The language of the outputs when ``--lang`` is not given: the locale's, else the catalogue's.

    Parameters
    ----------
    names_en, names_zh : iterable of str
        The catalogue's English and Chinese names (empty or NaN where absent).

    Returns
    -------
    str
        ``"zh"`` when the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, then
        Python's ``locale.getlocale()``) is Chinese; ``"en"`` when it is English;
        otherwise (``C``, ``POSIX``, unset or another language) ``"en"`` when
        the catalogue has an English name for every indicator that has a Chinese
        one, and ``"zh"`` when it has Chinese names without English ones.
    """
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    value = value.lower()
    if value.startswith("zh") or value.startswith("chinese"):
        return "zh"
    if value.startswith("en") or value.startswith("english"):
        return "en"

    def present(names: Any) -> list[bool]:
        return [bool(str(n).strip()) and str(n) != "nan" for n in names]

    has_en, has_zh = present(names_en), present(names_zh)
    if has_zh and any(z and not e for z, e in zip(has_zh, has_en or [False] * len(has_zh), strict=False)):
        return "zh"
    return "en"


#: Columns of the attainment table in the indicator's unit.
VALUE_COLUMNS = (
    "target",
    "observed",
    "q10",
    "median",
    "q90",
    "required_rate",
    "run_rate",
    "expected_shortfall",
)


def rounded_table(table: Any, guard: int = 2, p_decimals: int = 4) -> Any:
    """The attainment table as written to ``attainment.csv``: no 16-digit floats.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table`.
    guard : int, default 2
        Decimals kept beyond the unit's own (:func:`unit_decimals`), so that
        sums and differences made from the file are not visibly off.
    p_decimals : int, default 4
        Decimals of ``p_met`` and ``p_met_se`` (the Monte Carlo standard error
        is larger than 0.0001 for any probability not 0 or 1 below ~25 million draws).

    Returns
    -------
    pandas.DataFrame
        A copy with the columns :data:`VALUE_COLUMNS` rounded per row and the
        probabilities rounded; every other column as it was. The full-precision
        values are in ``forecast.nc``.
    """
    import numpy as np

    out = table.copy()
    decimals = np.array(
        [
            unit_decimals(u, k, t) + guard
            for u, k, t in zip(out["unit"], out["kind"], out["target"], strict=True)
        ]
    )
    scale = 10.0**decimals
    for col in VALUE_COLUMNS:
        if col in out:
            values = out[col].to_numpy(dtype=float)
            out[col] = np.round(values * scale) / scale
    for col in ("p_met", "p_met_se"):
        if col in out:
            out[col] = out[col].astype(float).round(p_decimals)
    return out
