"""The region lookup: every spelling of a region an office writes (id, Chinese, English) to its id.

One table for the catalogue and the progress files, so that a region means the same in both.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from .schema import PROVINCE, tag_set

__all__ = ["PROVINCE_ALIASES", "TOP_LEVEL_TAGS", "region_lookup", "top_level_name", "top_level_tags"]

#: The names of the provincial total (region id ``province``).
PROVINCE_ALIASES: Final[tuple[str, ...]] = (PROVINCE, "全省", "黑龙江", "黑龙江省", "heilongjiang")

#: Tags of a catalogue row whose top level (region id ``province``) is not a province, and the name
#: (English, Chinese) that level is shown with: the bundled national series (CN_...) are China's,
#: the PM2.5 series a city's. Without one of them the top level is the province (全省).
TOP_LEVEL_TAGS: Final[dict[str, tuple[str, str]]] = {
    "national": ("national", "全国"),
    "city": ("city", "全市"),
}
_PROVINCE_NAMES: Final = ("province", "全省")

#: Suffixes of Chinese prefecture names that offices often leave out (哈尔滨 for 哈尔滨市) or add.
_ZH_SUFFIXES: Final = ("地区", "市")
#: English suffixes a name may be written with or without ("Harbin City", "Daxing'anling Prefecture").
_EN_SUFFIXES: Final = (" prefecture", " city")


def region_lookup(regions: pd.DataFrame) -> dict[str, str]:
    """Map every accepted spelling of a region to its id.

    Parameters
    ----------
    regions : pandas.DataFrame
        Columns ``region`` (the id), ``name_zh`` and ``name_en`` (either may be blank).

    Returns
    -------
    dict of str to str
        Spelling -> region id: the ids and English names in lower case (look a text up as
        written, then in lower case), the Chinese names with and without ``市``/``地区``, the
        English ones with and without " City"/" Prefecture", and :data:`PROVINCE_ALIASES`.

    Examples
    --------
    >>> regions = pd.DataFrame({"region": ["harbin"], "name_zh": ["哈尔滨市"], "name_en": ["Harbin"]})
    >>> lookup = region_lookup(regions)
    >>> lookup["哈尔滨"], lookup["harbin"], lookup["harbin city"], lookup["全省"]
    ('harbin', 'harbin', 'harbin', 'province')
    """
    lookup: dict[str, str] = {alias.lower(): PROVINCE for alias in PROVINCE_ALIASES}
    for _, rec in regions.iterrows():
        rid = str(rec["region"])
        lookup[rid.lower()] = rid
        name_zh = str(rec.get("name_zh", "") or "").strip()
        if name_zh and name_zh != "nan":
            lookup[name_zh] = rid
            for suffix in _ZH_SUFFIXES:
                if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
                    lookup[name_zh[: -len(suffix)]] = rid
                else:
                    lookup.setdefault(name_zh + suffix, rid)
        name_en = str(rec.get("name_en", "") or "").strip().lower()
        if name_en and name_en != "nan":
            lookup[name_en] = rid
            for suffix in _EN_SUFFIXES:  # as 市/地区: "Harbin City", "Daxing'anling" for "... Prefecture"
                if name_en.endswith(suffix) and len(name_en) > len(suffix):
                    lookup.setdefault(name_en[: -len(suffix)], rid)
                else:
                    lookup.setdefault(name_en + suffix, rid)
    return lookup


def top_level_name(tags: Any, lang: str) -> str:
    """The name of the top level (region id ``province``) of a row with catalogue ``tags``, in ``lang``.

    ``全国`` / ``national`` for a row tagged ``national``, ``全市`` / ``city`` for one tagged ``city``
    (:data:`TOP_LEVEL_TAGS`), else ``全省`` / ``province``.

    Examples
    --------
    >>> top_level_name("national;real-data", "zh"), top_level_name("outdoor", "en"), top_level_name("", "zh")
    ('全国', 'province', '全省')
    """
    words = tag_set(tags)
    en, zh = next((names for tag, names in TOP_LEVEL_TAGS.items() if tag in words), _PROVINCE_NAMES)
    return zh if lang == "zh" else en


def top_level_tags(table: pd.DataFrame) -> Mapping[str, str]:
    """Indicator -> the tags of its row that name its top level (:data:`TOP_LEVEL_TAGS`), where any does.

    ``table`` is a catalogue's table (columns ``indicator``, ``region``, ``tags``); the province
    row decides, else the indicator's first row. Indicators without such a tag are left out.
    """
    if "tags" not in table or table.empty:
        return {}
    first = table.sort_values("region", key=lambda r: r != PROVINCE, kind="stable").drop_duplicates(
        "indicator"
    )
    return {
        str(ind): str(tags)
        for ind, tags in zip(first["indicator"], first["tags"], strict=True)
        if tag_set(tags) & set(TOP_LEVEL_TAGS)
    }
