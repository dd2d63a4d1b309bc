"""The 13 prefecture-level regions of Heilongjiang, and the spellings of a region a catalogue may use.

Regional populations come from the 7th national census (黑龙江省第七次全国人口普查公报, 2021;
reference date 2020-11-01); ``data/README.md`` records their provenance.
"""

from __future__ import annotations

from importlib import resources
from typing import Any, Final

import pandas as pd

from longjiang_forecast._core.schema import PROVINCE

__all__ = ["load_regions"]

_PROVINCE_ALIASES: Final = frozenset({PROVINCE, "全省", "黑龙江", "黑龙江省", "heilongjiang"})


def load_regions() -> pd.DataFrame:
    """Return the 13 prefecture-level regions of Heilongjiang with their 2020 population.

    Returns
    -------
    pandas.DataFrame
        13 rows (no ``province`` row), RangeIndex, columns

        - ``region`` (str): stable id, e.g. ``"harbin"``, ``"daxinganling"``;
        - ``name_zh`` (str): official Chinese name, e.g. ``"哈尔滨市"``, ``"大兴安岭地区"``;
        - ``name_en`` (str): English name;
        - ``population_2020`` (int64): resident population (常住人口, persons) on
          2020-11-01 from the 7th national census (黑龙江省第七次全国人口普查公报, 2021).
          The 13 figures sum to the provincial total, 31,850,088 persons.

    Notes
    -----
    The population share is the documented basis on which
    :meth:`Catalog.split_by_region` divides a provincial count among prefectures.

    Examples
    --------
    >>> regions = load_regions()
    >>> len(regions), int(regions["population_2020"].sum())
    (13, 31850088)
    >>> regions.loc[0, "region"]
    'harbin'
    """
    text = _package_file("regions.csv")
    with text.open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype={"population_2020": "int64"}, keep_default_na=False)
    for col in ("region", "name_zh", "name_en"):
        frame[col] = frame[col].astype(str)
    return frame.reset_index(drop=True)


def _package_file(name: str) -> Any:
    return resources.files("longjiang_forecast.catalog").joinpath("data", name)


def _region_lookup(regions: pd.DataFrame) -> dict[str, str]:
    """Map every accepted spelling of a region (id, Chinese, English) to its id."""
    lookup: dict[str, str] = {alias: PROVINCE for alias in _PROVINCE_ALIASES}
    for rec in regions.itertuples(index=False):
        rid = str(rec.region)
        zh = str(rec.name_zh)
        lookup[rid] = rid
        lookup[zh] = rid
        lookup[str(rec.name_en).casefold()] = rid
        for suffix in ("市", "地区"):
            if zh.endswith(suffix):
                lookup[zh[: -len(suffix)]] = rid
    return lookup
