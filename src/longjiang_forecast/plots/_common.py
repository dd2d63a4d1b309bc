"""Shared pieces of the plots: words in both languages, colours, axes and series lookup."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes

from ._fonts import Labels

_CJK = re.compile(r"[\u4e00-\u9fff]")

#: Words of the figures, English and Chinese.
WORDS: dict[str, tuple[str, str]] = {
    "target": ("target", "目标"),
    "deadline": ("deadline", "截止日期"),
    "reported": ("reported", "已报告"),
    # an annual mean's reports are year-to-date means (the console's "(Jan–Aug mean)", "（1–8月均值）")
    "reported_mean": ("reported: mean of Jan to each month", "已报告：1月至当月均值"),
    "median": ("median", "中位数"),
    "band_10_90": ("10–90 % of paths", "10%–90% 路径区间"),
    "band_25_75": ("25–75 % of paths", "25%–75% 路径区间"),
    "p_met": ("P(met)", "达标概率"),
    "month": ("month", "月份"),
    "prefecture": ("prefecture", "地市"),
    "indicator": ("indicator", "指标"),
    "province": ("province", "全省"),
    "first_passage": ("first passage: month the target is first reached", "首次达标月份分布"),
    "first_passage_month": ("P(first reached in the month)", "当月首次达标的概率"),
    "first_passage_cdf": ("P(reached by the end of the month)", "月末前已达标的概率"),
    "not_reached": ("not by Dec", "年内未达标"),
    "heatmap": ("P(met) by indicator and prefecture", "各指标分地市达标概率"),
    "ranking": ("Prefecture ranking: SPI(t), progress against the plan", "地市排名：进度绩效指数 SPI(t)"),
    "spi": ("SPI(t) (1 = on plan, < 1 = behind)", "SPI(t)（1=按计划，<1=滞后）"),
    "on_plan": ("on plan", "按计划"),
    "scenario": ("P(met) by scenario", "不同情景下的达标概率"),
    "baseline": ("baseline", "基准"),
    "portfolio": ("How many of the items are fully met", "全部指标完成的事项数量分布"),
    "items_met": ("items fully met", "全部完成的事项数"),
    "probability": ("probability", "概率"),
    "p_all": ("P(all met)", "全部完成概率"),
    "expected": ("expected", "期望"),
    "risk_drivers": ("Risk drivers", "风险来源"),
    "gain_p_all": ("rise in P(all met) if this target were certain", "该目标确定完成时全部完成概率的提高"),
    "share_not_all": ("its share of P(not all met)", "在“未能全部完成”概率中所占份额"),
    "percentage_points": ("percentage points", "百分点"),
}

MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MONTHS_ZH = tuple(f"{m}月" for m in range(1, 13))


def word(key: str, labels: Labels) -> str:
    """A word of :data:`WORDS` in the figure's language."""
    en, zh = WORDS[key]
    return labels.pick(en, zh)


def month_names(labels: Labels) -> tuple[str, ...]:
    """Month names in the figure's language."""
    return MONTHS_ZH if labels.lang == "zh" else MONTHS_EN


def new_axes(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """Return ``ax``, or the axes of a new figure of ``figsize`` inches."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=figsize, layout="constrained")
    return new


def series_index(data: xr.Dataset | xr.DataArray, indicator: str, region: str) -> int:
    """Position along ``series`` of (indicator, region); ValueError naming the known ones.

    A region the forecast does not have is named with the regions it has (it listed the
    indicators, as numpy reprs, of a region that is not there; a break-it pass).
    """
    ind = np.asarray(data["indicator"].values).astype(str)
    reg = np.asarray(data["region"].values).astype(str)
    hit = np.flatnonzero((ind == str(indicator)) & (reg == str(region)))
    if hit.size == 0:
        if str(region) not in set(reg):
            raise ValueError(
                f"No region {region!r} in the forecast: its regions are {list(dict.fromkeys(reg.tolist()))} "
                "(the ids of the catalogue, e.g. 'harbin')."
            )
        known = sorted(set(ind[reg == str(region)].tolist()))
        raise ValueError(
            f"No series ({indicator!r}, {region!r}) in the forecast. Known indicators in region "
            f"{region!r}: {known}. Pick one of them or another region."
        )
    return int(hit[0])


def summary_of(obj: Any, what: str) -> xr.Dataset:
    """The summary of a forecast (``lf.forecast``'s result or its ``.summary``), for ``what``.

    Raises
    ------
    TypeError
        For anything else (``heatmap(result)`` failed with "'Forecast' object is not
        subscriptable"; a break-it pass).
    """
    summary = getattr(obj, "summary", obj)
    if not isinstance(summary, xr.Dataset):
        raise TypeError(
            f"{what} draws a forecast's summary: pass lf.forecast's result or its .summary. Got "
            f"{type(obj).__name__} instead."
        )
    return summary


def region_names(regions: pd.DataFrame | Mapping[str, Any] | None, labels: Labels) -> dict[str, str]:
    """Region id -> display name, from a ``load_regions()`` frame (ids where none is given)."""
    names: dict[str, str] = {"province": word("province", labels)}
    if regions is None:
        return names
    if isinstance(regions, pd.DataFrame):
        col = "name_zh" if labels.lang == "zh" else "name_en"
        names.update(
            {str(r): labels.clean(str(n)) for r, n in zip(regions["region"], regions[col], strict=True)}
        )
    else:
        names.update({str(k): labels.clean(str(v)) for k, v in regions.items()})
    return names


def short(text: str, width: int) -> str:
    """Cut ``text`` to ``width`` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def wrap(text: str, width: int) -> str:
    """Break ``text`` into lines of at most ``width`` characters, never cutting it.

    English breaks at spaces (:func:`textwrap.wrap`; a longer word stays whole); Chinese text
    (more than half its characters CJK), written without spaces, breaks every ``width`` characters.
    """
    import textwrap

    if len(text) <= width:
        return text
    if len(_CJK.findall(text)) > len(text) / 2:  # Chinese (an English name may quote a Chinese word)
        return "\n".join(text[k : k + width] for k in range(0, len(text), width))
    return "\n".join(textwrap.wrap(text, width, break_long_words=False))


def row_label(indicator: str, name: str, lang: str) -> str:
    """Label of a row of a heatmap (an indicator): the id and the whole name, never cut.

    Parameters
    ----------
    indicator, name : str
        The indicator's id and its name in the figure's language.
    lang : {"zh", "en"}
        Language of ``name``: Chinese wraps every 18 characters, English at
        spaces within 40.

    Returns
    -------
    str
        The label, its lines separated by newlines.
    """
    return wrap(f"{indicator} {name}".strip(), 18 if lang == "zh" else 40)


def rows_height(labels: list[str]) -> float:
    """Height in inches of the rows of a figure whose row labels are ``labels`` (fontsize 7).

    Every row is as tall as the label with the most lines needs (0.125 in a line), so no two
    labels overlap.
    """
    most = max((label.count("\n") + 1 for label in labels), default=1)
    return 0.125 * max(most, 2) * len(labels)
