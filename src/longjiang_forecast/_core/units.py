"""Units of the catalogue in either language, and how many decimals a value in a unit is shown with.

The one place these rules live; the console table, the workbook, the CSV's rounding, the
bulletin, the figures and the scenario scripts all call them.

A catalogue writes a unit in English with its Chinese measure word in brackets
(``"households (户)"``, ``"10k persons (万人)"``), in English only (``"% of counties"``,
``"μg/m³"``), in Chinese only (``"户"``) or in Chinese with English in brackets
(``"万人 (10k persons)"``). :func:`unit_label` gives the unit in one language;
:func:`unit_decimals` the number of decimals a value of that unit is shown with (whole
households, one decimal for km and percentages, two for ratios); :func:`format_value`,
:func:`format_in_unit` and :func:`format_rate` write the number with thousands separators.
The decimals follow from the unit alone, never from the indicator's id or kind, so that a
user's own catalogue is shown as the built-in one (the rule in full: ``docs/getting-started.md``,
"The console table").
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: "English (中文)": the English part, then the bracketed part holding a CJK character.
_PAIR = re.compile(r"^(?P<en>[^()（）]*?)\s*[（(](?P<zh>[^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$")
#: "中文 (English)": the Chinese part outside, English (or a qualifier) in brackets.
_PAIR_ZH_FIRST = re.compile(
    r"^(?P<zh>[^()（）]*[\u4e00-\u9fff][^()（）]*?)\s*[（(][^()（）\u4e00-\u9fff]*[)）]\s*$"
)

#: English-only units (lower case) -> Chinese. Counts of things take their generic measure word.
_EN_TO_ZH: dict[str, str] = {
    "%": "%",
    "households": "户",
    "persons": "人",
    "people": "人",
    "person-times": "人次",
    "10k persons": "万人",
    "10k person-times": "万人次",
    "10k m²": "万平方米",
    "100 million yuan": "亿元",
    "10k yuan": "万元",
    "yuan": "元",
    "km": "公里",
    "m²": "平方米",
    "m² per person": "平方米/人",
    "places per 1,000 people": "个/千人",
    "μg/m³": "微克/立方米",
    "projects": "项",
    "projects (substations)": "项（变电站工程）",
    "stations": "个",
    "base stations": "个",
    "bases": "个",
    "places": "个",
    "facilities": "个",
    "communities": "个",
    "counties": "个",
    "subjects": "个",
    "schools": "所",
    "kindergartens": "所",
    "bridges": "座",
    "cities": "座",
    "disease types": "种",
    "research projects": "项",
    "beds": "张",
    "vehicles": "辆",
}
#: Chinese-only units -> English.
_ZH_TO_EN: dict[str, str] = {
    "户": "households",
    "个": "units",
    "人": "persons",
    "人次": "person-times",
    "万人": "10k persons",
    "万人次": "10k person-times",
    "万户": "10k households",
    "万平方米": "10k m²",
    "平方米": "m²",
    "亿元": "100 million yuan",
    "万元": "10k yuan",
    "元": "yuan",
    "公里": "km",
    "千米": "km",
    "所": "institutions",
    "座": "units",
    "项": "projects",
    "种": "types",
    "家": "establishments",
    "张": "beds",
    "辆": "vehicles",
    "台": "units",
    "套": "sets",
    "间": "rooms",
    "处": "sites",
    "次": "times",
    "微克/立方米": "μg/m³",
    "平方米/人": "m² per person",
    "个/千人": "places per 1,000 people",
}

_PERCENT_CHANGE = re.compile(r"^%\s*change\s+vs\.?\s*(\d{4})$", re.IGNORECASE)


_THOUSANDS = re.compile(r"^[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?$")


#: Multipliers a unit may name (the first match counts): a figure in 万户 is 10,000 households.
UNIT_MULTIPLIERS: tuple[tuple[str, float], ...] = (
    ("亿", 1e8),
    ("100 million", 1e8),
    ("百万", 1e6),
    ("million", 1e6),
    ("万", 1e4),
    ("10k", 1e4),
    ("千", 1e3),
    ("thousand", 1e3),
)
#: Classifiers (量词) of counted things: a figure in such a unit, without a multiplier such as
#: 万 and not a ratio, is a whole number.
COUNT_CLASSIFIERS = frozenset("个所座项户种人家台辆处条套间张名次")


def unit_multiplier(unit: str) -> float:
    """How many base units one unit of ``unit`` is (1e4 for 万户, 1 for 户): :data:`UNIT_MULTIPLIERS`."""
    folded = unit.casefold()
    return next((m for word, m in UNIT_MULTIPLIERS if word in folded), 1.0)


def unit_slip(unit: str, too_big: bool) -> str:
    """The slip of units most likely behind a value far above (or below) its target in ``unit``.

    For the scale check's messages (``"Was it {slip}, ..."``): a count or sum in 万 entered in
    units (or the reverse), an amount in 亿 entered in 万, a length in km entered in metres, or
    in 万 km as bulletins write road lengths.

    Examples
    --------
    >>> unit_slip("100 million yuan (亿元)", too_big=True)
    'entered in 万 instead of 亿 (1 亿 = 10,000 万)'
    >>> unit_slip("km (公里)", too_big=False)
    'entered in 万 km (万公里) instead of km'
    """
    length = "公里" in unit or re.search(r"\bkm\b", unit.casefold()) is not None
    times = unit_multiplier(unit)
    if too_big:
        if times == 1e8:
            return "entered in 万 instead of 亿 (1 亿 = 10,000 万)"
        if length and times == 1.0:
            return "entered in metres instead of km (1 km = 1,000 m)"
        return "entered in units instead of 万 (10k)" if times == 1e4 else "entered in another unit"
    if length and times == 1.0:
        return "entered in 万 km (万公里) instead of km"
    return "entered in 万 (10k) instead of units" if times == 1.0 else "entered in another unit"


def counts_whole_things(unit: str) -> bool:
    """Whether a figure in ``unit`` counts whole things: a classifier (户, 个, 所...), no multiplier or ratio.

    ``households (户)`` and ``所`` do; ``万户``, ``km``, ``%``, ``个/千人`` and an English-only unit
    (whose words say nothing certain) do not. The catalogue's targets and the progress file's
    values of a count in such a unit must be whole numbers.
    """
    ratio = "%" in unit or "per " in unit.casefold() or any(mark in unit for mark in "/每均率比")
    return unit_multiplier(unit) == 1.0 and not ratio and any(ch in COUNT_CLASSIFIERS for ch in unit)


def whole_things_done(values: np.ndarray, unit: str, kind: str) -> np.ndarray:
    """Simulated values of a count as what they have delivered: whole things rounded down.

    The simulated increments of a count are continuous (Gamma), so a path can end at 0.97 of a
    city; a count of whole things (:func:`counts_whole_things`) has delivered as many things as
    the whole part of its value (0.97 of a city is none yet); so has a milestone programme (named
    projects completed), whatever its unit says. Quantiles commute with rounding
    down (it is monotone), so the quantiles of the paths rounded down are the quantiles rounded
    down; the probability of reaching a whole target is the same either way. Values within 1e-9
    (relative) below a whole number are that number (sums of whole reports in floating point).
    Other units and kinds are returned as they are.

    Parameters
    ----------
    values : ndarray, any shape
        Values in ``unit`` (NaN kept).
    unit, kind : str
        The indicator's unit and kind.

    Returns
    -------
    ndarray of float, the shape of ``values``
    """
    import numpy as np  # here: this module serves the light start-up of `--help`

    values = np.asarray(values, dtype=float)
    if not (kind == "milestone" or (kind == "cumulative" and counts_whole_things(unit))):
        return values
    done: np.ndarray = np.floor(values + 1e-9 * np.maximum(np.abs(values), 1.0))
    return done


def plain_number(text: str) -> float:
    """The number a cell's text writes, thousands separators in groups of three read (``1,234``).

    ``1,23``, a decimal comma such as ``0,640`` (not 640) and underscores (``3_640``, which
    Python's ``float`` would skip) are not numbers a person writes: ValueError, as ``float``
    raises for any other text. The commas of a catalogue target and of a progress report are read
    by this one rule.

    Raises
    ------
    ValueError
        If ``text`` is not a plain number in that sense.
    """
    if "_" in text:
        raise ValueError(f"could not convert string to float: {text!r}")
    return float(text.replace(",", "") if _THOUSANDS.match(text) else text)


def base_year_pattern(year: int) -> re.Pattern[str]:
    """Where a unit or name states a percent change against ``year``: "vs 2023" or "较2023年".

    Examples
    --------
    >>> base_year_pattern(2023).sub("2024", "% change vs 2023; 较2023年下降")
    '% change vs 2024; 较2024年下降'
    """
    return re.compile(rf"(?<=\bvs ){year}\b|(?<=较){year}(?=年)")


def unit_across_years(unit: Any, year: int) -> Any:
    """A unit as compared across the years of a catalogue: a change against the year before is one unit.

    ``"% change vs 2023"`` in a 2024 row and ``"% change vs 2024"`` in a 2025 row both give
    ``"% change vs <year before>"``; any other unit (a fixed base year included) is returned as it is.
    """
    if not isinstance(unit, str):
        return unit
    return base_year_pattern(year - 1).sub("<year before>", unit)


def unit_label(unit: Any, lang: str) -> str:
    """The unit in one language.

    Parameters
    ----------
    unit : str
        The catalogue's ``unit``: ``"English (中文)"``, English only, Chinese only or
        ``"中文 (English)"``; None or NaN for none (gives ``""``).
    lang : {"zh", "en"}
        Language wanted.

    Returns
    -------
    str
        ``"households (户)"`` -> ``"户"`` (zh) / ``"households"`` (en); ``"% of counties"`` ->
        ``"%"`` (zh; the name says of what); ``"% change vs 2023"`` -> ``"%（较2023年变化）"``.
        A unit neither table knows is returned as written: a word the user chose;
        so is a ``"中文 (English)"`` unit in English (the bracket may be a qualifier,
        ``"万个 (stock)"``).

    Raises
    ------
    ValueError
        If ``lang`` is not ``"zh"`` or ``"en"``.

    Examples
    --------
    >>> unit_label("10k persons (万人)", "zh"), unit_label("10k persons (万人)", "en")
    ('万人', '10k persons')
    >>> unit_label("μg/m³", "zh"), unit_label("户", "en")
    ('微克/立方米', 'households')
    """
    if lang not in ("zh", "en"):
        raise ValueError(
            f"The 'lang' parameter of unit_label must be a str among ['zh', 'en']. Got {lang!r}."
        )
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        return ""
    text = str(unit).strip()
    pair = _PAIR.match(text)
    if pair and pair["en"]:
        return pair["zh"].strip() if lang == "zh" else pair["en"].strip()
    reversed_pair = _PAIR_ZH_FIRST.match(text)
    if reversed_pair:  # "万人 (10k persons)": the Chinese part; in English the unit as written
        return reversed_pair["zh"].strip() if lang == "zh" else text
    if _CJK.search(text):  # Chinese only
        return text if lang == "zh" else _ZH_TO_EN.get(text, text)
    if lang == "en":
        return text
    known = _EN_TO_ZH.get(text.lower())
    if known is not None:
        return known
    change = _PERCENT_CHANGE.match(text)
    if change:
        return f"%（较{change[1]}年变化）"
    if text.startswith("% of "):
        return "%"
    return text


# The decimals rule reads the unit in both languages. Scaled units (万人, 亿元, 10k m²) start with a
# multiplier (千 only where it is not 千米/千克/千瓦, which are measures).
_SCALED = re.compile(
    r"^(万|亿|百万|千(?![米克瓦]))|^(10k|100 million|million|thousand|billion)\b", re.IGNORECASE
)
_PERCENT = re.compile(r"%|percent|百分")
# Concentrations (μg/m³, mg/L) are measures, not ratios of counts.
_CONCENTRATION = re.compile(r"[μmn]g\s*/|微克|毫克", re.IGNORECASE)
# Ratios: something per something (places per 1,000 people, m² per person, 元/人).
_RATIO = re.compile(r"\bper\b|/|每|人均", re.IGNORECASE)
# Divisible physical measures: one decimal.
_MEASURE = re.compile(
    r"(?<![a-z])(k?m|m²|m2|m³|km²|ha|t|kt|kg|kwh|mwh|gwh|kw|mw|gw|l|°c)(?![a-z])|公里|千米|米|吨|公顷|亩|千瓦",
    re.IGNORECASE,
)
# Whole things: a Chinese measure word or an English count noun.
_COUNT = re.compile(
    r"[个户所座项种人件辆台套家处名张床条次批期间]|\b(households?|stations?|persons?|people|person-times|"
    r"projects?|schools?|cities|city|communities|community|places?|bases?|bridges?|counties|county|"
    r"facilities|facility|subjects?|kindergartens?|disease types?|types?|items?|units?|vehicles?|beds?|"
    r"institutions?|establishments?|sets?|rooms?|sites?|times)\b",
    re.IGNORECASE,
)


def unit_decimals(unit: Any, target: Any = None) -> int:
    """Decimals a value of ``unit`` is shown with.

    Parameters
    ----------
    unit : str
        The catalogue's ``unit`` (``"households (户)"``, ``"km (公里)"``,
        ``"10k persons (万人)"``, ``"places per 1,000 people"``, ...); None or NaN
        for none.
    target : float, optional
        The target, for scaled units and for a unit none of the rules knows.

    Returns
    -------
    int
        The first rule that applies, reading the unit in both languages
        (:func:`unit_label`):

        1. percentages and percentage changes: 1;
        2. units scaled by 万, 亿 or 10k: 2 below a target of 100, 1 below 1,000,
           else 0 (19.67 万人, 250.3 万人, 6,000 万平方米);
        3. concentrations (μg/m³): 1;
        4. ratios (per person, per 1,000 people, 元/人): 2;
        5. divisible measures (km, m², t): 1;
        6. whole things (户, 个, households, stations, projects): 0;
        7. a unit none of these knows: about three significant digits of the
           target, and never fewer decimals than the target is written with (at
           most 3); 0 without a target.

        The target's own decimals do not count for a known unit: a prefecture's
        share of a provincial count (4,714.2 households) is still shown in whole
        households. The kind of the indicator (cumulative, level, milestone, ...)
        does not count either: it says how progress accrues, not what one unit is.

    Examples
    --------
    >>> unit_decimals("households (户)"), unit_decimals("km (公里)"), unit_decimals("% of counties")
    (0, 1, 1)
    >>> unit_decimals("places per 1,000 people"), unit_decimals("10k persons (万人)", 19.67)
    (2, 2)
    >>> unit_decimals("μg/m³"), unit_decimals("widgets", 2.125), unit_decimals("widgets", 250000)
    (1, 3, 0)
    """
    if unit is None or (isinstance(unit, float) and math.isnan(unit)):
        unit = ""
    zh, en = unit_label(unit, "zh"), unit_label(unit, "en")
    text = f"{en} {zh}"
    if _PERCENT.search(text):
        return 1
    if _SCALED.search(zh) or _SCALED.search(en):
        size = _magnitude(target)
        return 2 if size <= 2 else 1 if size == 3 else 0
    if _CONCENTRATION.search(text):
        return 1
    if _RATIO.search(text):
        return 2
    if _MEASURE.search(text):
        return 1
    if _COUNT.search(text):
        return 0
    return max(_significant_decimals(target), _written_decimals(target))


def _number(value: Any) -> float:
    """``value`` as a float; NaN where it is none, missing or not a number."""
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _magnitude(target: Any) -> int:
    """Digits before the decimal point of ``target`` (0 for |target| < 1, NaN or None)."""
    x = abs(_number(target))
    return 0 if not math.isfinite(x) or x < 1 else math.floor(math.log10(x)) + 1


def _significant_decimals(value: Any, digits: int = 3) -> int:
    """Decimals that show about ``digits`` significant digits of ``value`` (0 to 3)."""
    x = abs(_number(value))
    if not math.isfinite(x) or x == 0:
        return 0
    return max(0, min(3, digits - 1 - math.floor(math.log10(x))))


def _written_decimals(target: Any) -> int:
    """Decimals ``target`` is written with (at most 3)."""
    x = _number(target)
    if not math.isfinite(x):
        return 0
    text = f"{x:.6g}"
    return min(len(text.split(".")[1]) if "." in text and "e" not in text else 0, 3)


def format_value(value: Any, decimals: int, missing: str = "") -> str:
    """``value`` with ``decimals`` decimals and thousands separators; ``missing`` for a missing value.

    Examples
    --------
    >>> format_value(14283.4, 0), format_value(1234.56, 1), format_value(float("nan"), 0)
    ('14,283', '1,234.6', '')
    >>> format_value(-0.04, 1)
    '0.0'
    """
    x = _number(value)
    if not math.isfinite(x):
        return missing
    x = round(x, decimals) + 0.0  # + 0.0 turns a rounded -0.0 into 0.0
    return f"{x:,.{decimals}f}"


def format_in_unit(value: Any, unit: Any, target: Any = None, missing: str = "–") -> str:
    """``value`` with thousands separators and :func:`unit_decimals` decimals; ``missing`` if not finite.

    Examples
    --------
    >>> format_in_unit(16652.763, "households (户)", 15000)
    '16,653'
    >>> format_in_unit(19.6712, "10k persons (万人)", 19.67)
    '19.67'
    """
    return format_value(value, unit_decimals(unit, target), missing)


def _meets(x: float, goal: float, comparator: Any) -> bool | None:
    """Whether ``x`` meets ``goal`` under ``comparator`` (None without one)."""
    return {">=": x >= goal, "<=": x <= goal}.get(str(comparator))


def against_decimals(value: Any, target: Any, unit: Any, comparator: Any = None) -> int:
    """Decimals of ``value`` shown beside its ``target``: the unit's, more where rounding would mislead.

    The one rule for a value read against its target (the latest report and the
    quantiles at the deadline, in the console table, the workbook and the bulletin).
    It starts from :func:`unit_decimals` and adds decimals where

    1. the value is not whole at the unit's decimals and one step of them is at least
       1 % of the target: a fraction a reader would miss (3.51 projects against a
       target of 5 is "3.51", not "4"; 2.02 cities against 3 is "2.02"). Up to two more
       decimals, as few as show the value exactly;
    2. the value, so rounded, would read on the other side of the target than it is
       (2.96 cities against ``>= 3`` is not "3"; 27.34 μg/m³ against ``<= 27.3`` is not
       "27.3"), or, missing it, would read as the displayed target: decimals are added
       until it reads right (at most 6).

    A large count (14,283.4 households against 15,000) keeps the unit's decimals.

    Parameters
    ----------
    value, target : float
        In the unit; NaN or None where missing (the unit's decimals).
    unit : str
        The catalogue's ``unit`` (:func:`unit_decimals`).
    comparator : {">=", "<="}, optional
        How the target is met; without one, only a value other than the target that
        would read as the displayed target gets more decimals.

    Returns
    -------
    int
        Decimals, from ``unit_decimals(unit, target)`` to 6.

    Examples
    --------
    >>> against_decimals(3.51, 5, "projects (个)", ">="), against_decimals(2.96, 3, "cities (座)", ">=")
    (2, 2)
    >>> against_decimals(14283.4, 15000, "households (户)", ">="), against_decimals(3.0, 5, "projects (个)")
    (0, 0)
    """
    x, goal = _number(value), _number(target)
    digits = unit_decimals(unit, goal)
    if not math.isfinite(x):
        return digits
    shown_goal = format_value(goal, digits)
    whole = abs(x - round(x, digits)) < 1e-9 * max(1.0, abs(x))
    if not whole and math.isfinite(goal) and goal != 0 and 10.0**-digits >= abs(goal) / 100:
        for extra in (1, 2):
            if abs(x - round(x, digits + extra)) < 1e-9 * max(1.0, abs(x)) or extra == 2:
                digits += extra
                break
    if not math.isfinite(goal):
        return digits
    meets = _meets(x, goal, comparator)
    truly = x == goal if meets is None else meets
    for k in range(digits, 7):
        shown = round(x, k)
        reads = _meets(shown, goal, comparator)
        as_target = format_value(shown, k) == shown_goal
        if (reads is None or reads == truly) and (truly or not as_target):
            return k
    return 6


def format_against(value: Any, target: Any, unit: Any, comparator: Any = None, missing: str = "–") -> str:
    """``value`` with :func:`against_decimals` decimals and thousands separators; ``missing`` if not finite.

    A value that misses the target never reads as meeting it, nor as the target: 14,999.6
    households against ``>= 15,000`` is "14,999.6", not "15,000". A small count shows its
    fraction: 3.2 cities against ``>= 3`` is "3.2", not "3".

    Examples
    --------
    >>> format_against(14999.6, 15000, "households (户)", ">="), format_against(3.2, 3, "cities (座)", ">=")
    ('14,999.6', '3.2')
    >>> format_against(27.34, 27.3, "μg/m³", "<="), format_against(14283.4, 15000, "households (户)")
    ('27.34', '14,283')
    """
    return format_value(value, against_decimals(value, target, unit, comparator), missing)


def format_still_needed(need: Any, target: Any, unit: Any, missing: str = "–") -> str:
    """What is still needed to reach ``target``: as :func:`format_against`, never "0" while something is.

    A need that those decimals would show as 0, or more than 5 % off, gets two significant digits
    (up to 6 decimals): 10b's 0.0125 percentage points short of 50 % coverage read "0.0", nothing
    needed, and 0.05 read "0.1". A need within 1e-9 of the target (the rounding of a sum of
    reports in floating point: 19.67 - 19.669999999999998) is none.

    Examples
    --------
    >>> format_still_needed(0.0125, 50, "% of urban communities"), format_still_needed(0.0, 50, "%")
    ('0.013', '0.0')
    >>> format_still_needed(0.49, 3, "cities (座)"), format_still_needed(1234.4, 15000, "households (户)")
    ('0.49', '1,234')
    >>> format_still_needed(0.05, 50, "%"), format_still_needed(19.67 - 19.669999999999998, 19.67, "万人")
    ('0.050', '0.00')
    """
    x = _number(need)
    goal = _number(target)
    if math.isfinite(x) and abs(x) <= 1e-9 * max(abs(goal) if math.isfinite(goal) else 0.0, 1.0):
        x = 0.0
    decimals = against_decimals(x, target, unit)
    if math.isfinite(x) and x > 0 and abs(round(x, decimals) - x) > 0.05 * x:
        decimals = min(6, max(decimals, 1 - math.floor(math.log10(x))))
    return format_value(x, decimals, missing)


def rate_decimals(rate: Any, unit: Any, target: Any = None) -> int:
    """Decimals of a rate per month in ``unit``: the unit's, or more for about three significant digits.

    A rate is finer than the unit: 5 stations over 10 months is 0.5 a month, not 0
    or 1. At most 3 decimals.

    Examples
    --------
    >>> rate_decimals(0.5, "stations (个)"), rate_decimals(812.4, "stations (个)")
    (3, 0)
    >>> rate_decimals(0.0213, "m² per person")
    3
    """
    return max(unit_decimals(unit, target), _significant_decimals(rate))


def format_rate(rate: Any, unit: Any, target: Any = None, missing: str = "–") -> str:
    """A rate per month in ``unit`` with :func:`rate_decimals` decimals and thousands separators.

    Examples
    --------
    >>> format_rate(0.5, "stations (个)"), format_rate(1234.56, "km (公里)")
    ('0.500', '1,234.6')
    """
    return format_value(rate, rate_decimals(rate, unit, target), missing)


__all__ = [
    "against_decimals",
    "format_against",
    "format_in_unit",
    "format_rate",
    "format_value",
    "rate_decimals",
    "unit_decimals",
    "unit_label",
]
