"""Units of the catalogue in either language, and the granularity (decimals) numbers are shown in.

A catalogue writes a unit in English with its Chinese measure word in brackets
(``"households (户)"``, ``"10k persons (万人)"``), in English only (``"% of counties"``,
``"μg/m³"``) or in Chinese only (``"户"``). :func:`unit_label` gives the unit in one language;
:func:`unit_decimals` the number of decimals a value of that unit is shown with
(whole households, one decimal for km and percentages, two for ratios and 万-units).
Both tables below are the only place these words live.
"""

from __future__ import annotations

import math
import re

_CJK = re.compile(r"[\u4e00-\u9fff]")
#: "English (中文)": the English part, then the bracketed part holding a CJK character.
_PAIR = re.compile(r"^(?P<en>[^()（）]*?)\s*[（(](?P<zh>[^()（）]*[\u4e00-\u9fff][^()（）]*)[)）]\s*$")

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
#: Leading multipliers of Chinese statistical units (万人 = 10,000 persons).
_MULTIPLIERS = ("万", "亿", "千", "百万")
_PERCENT_CHANGE = re.compile(r"^%\s*change\s+vs\.?\s*(\d{4})$", re.IGNORECASE)


def unit_label(unit: str, lang: str) -> str:
    """The unit in one language.

    Parameters
    ----------
    unit : str
        The catalogue's ``unit``: ``"English (中文)"``, English only or Chinese only.
    lang : {"zh", "en"}
        Language wanted.

    Returns
    -------
    str
        ``"households (户)"`` -> ``"户"`` (zh) / ``"households"`` (en); ``"% of counties"`` ->
        ``"%"`` (zh; the name says of what); ``"% change vs 2023"`` -> ``"%（较2023年变化）"``.
        A unit neither table knows is returned as written: a word the user chose.

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
    text = str(unit).strip()
    pair = _PAIR.match(text)
    if pair and pair["en"]:
        return pair["zh"].strip() if lang == "zh" else pair["en"].strip()
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


def unit_decimals(unit: str, target: float | None = None) -> int:
    """Decimals a value of ``unit`` is shown with.

    Parameters
    ----------
    unit : str
        The catalogue's ``unit``.
    target : float, optional
        The target as written; a value is never shown with fewer decimals than
        its target has (at most 3).

    Returns
    -------
    int
        0 for counts of discrete things (户, 个, households, stations, ...);
        1 for percentages, km and concentrations; 2 for ratios ("per", "/");
        for 万/亿 units about four significant digits of the target (19.67
        万人: 2, 6,000 万平方米: 0); otherwise the target's own decimals.

    Examples
    --------
    >>> unit_decimals("households (户)"), unit_decimals("10k persons (万人)", 19.67)
    (0, 2)
    >>> unit_decimals("km (公里)"), unit_decimals("places per 1,000 people"), unit_decimals("μg/m³")
    (1, 2, 1)
    """
    zh = unit_label(unit, "zh")
    text = str(unit).lower()
    if zh.startswith(
        _MULTIPLIERS
    ):  # 万人, 亿元: about four significant digits of the target, at most 2 decimals
        size = abs(float(target)) if target is not None and math.isfinite(float(target)) else 0.0
        base = 2 if size < 10 else min(max(3 - math.floor(math.log10(size)), 0), 2)
    elif ("/" in zh or " per " in f" {text} ") and "微克" not in zh:
        base = 2
    elif "%" in zh or "公里" in zh or "微克" in zh:
        base = 1
    else:  # counts of discrete things, and units neither table knows: the target's decimals
        base = 0
    return max(base, _written_decimals(target))


def _written_decimals(target: float | None) -> int:
    if target is None or not math.isfinite(float(target)):
        return 0
    text = f"{float(target):.6g}"
    return min(len(text.split(".")[1]) if "." in text and "e" not in text else 0, 3)


def format_in_unit(value: float, unit: str, target: float | None = None) -> str:
    """``value`` with thousands separators and :func:`unit_decimals` decimals ("–" if not finite).

    Examples
    --------
    >>> format_in_unit(16652.763, "households (户)", 15000)
    '16,653'
    >>> format_in_unit(19.6712, "10k persons (万人)", 19.67)
    '19.67'
    """
    x = float(value)
    if not math.isfinite(x):
        return "–"
    return f"{x:,.{unit_decimals(unit, target)}f}"


__all__ = ["format_in_unit", "unit_decimals", "unit_label"]
