"""The news on a terminal: each new report against what the earlier forecast expected, in one language."""

from __future__ import annotations

import io
import math

import pandas as pd

from .._core.units import format_value, unit_decimals
from ._console import _wrap, region_label

#: Headers of the news table, per language.
NEWS_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "kind": "kind",
        "series": "series",
        "month": "month",
        "reported": "reported",
        "before": "expected / before",
        "range": "10%–90%",
        "news": "news",
        "surprise": "surprise",
    },
    "zh": {
        "kind": "类型",
        "series": "序列",
        "month": "月份",
        "reported": "报告值",
        "before": "预期/原值",
        "range": "10%–90%",
        "news": "新息",
        "surprise": "判断",
    },
}
#: ``kind`` and ``surprise`` of :func:`~longjiang_forecast.store.news` in each language.
_WORDS = {
    "en": {"within the 80 % interval": "within"},
    "zh": {
        "new report": "新报告",
        "revision": "修订",
        "within the 80 % interval": "在80%区间内",
        "above": "高于区间",
        "below": "低于区间",
    },
}
#: :data:`~longjiang_forecast.store.NEWS_REASONS` in Chinese.
NEWS_REASONS_ZH = {
    "catalogue": "不在第 {n} 号预测的目标清单中",
    "no_reports": "第 {n} 号预测时该序列尚无报告，未作预测",
    "not_forecast": "第 {n} 号预测未预测该序列",
    "annual_mean": "第 {n} 号预测中年均值指标的模拟路径是全年累计均值，不是所报的月度数值",
    "change": "第 {n} 号预测中变化率指标的模拟路径是全年累计均值的变化率，不是所报的月度数值",
    "month": "月份不在第 {n} 号预测的年度内",
    "no_value": "第 {n} 号预测的模拟路径在该月没有数值",
    "revision": "修订：第 {n} 号预测已有该月的报告",
}
NEWS_FOOTNOTE = {
    "en": "expected: the median of forecast {n}'s {paths} simulated paths at that month; 10%–90%: their "
    "80 % interval; news: reported − expected (the surprise, in the indicator's unit); surprise: above, "
    "below or within that interval. For a revision, 'before' is the value forecast {n} had and news the "
    "revision (reported − before).",
    "zh": "预期：第 {n} 号预测 {paths} 条模拟路径在该月的中位数；10%–90%：其 80% 区间；新息：报告值−预期"
    "（意外之处，以指标单位计）；判断：报告值高于、低于或在该区间内。修订一行的“原值”为第 {n} 号预测"
    "所用数值，新息为修订幅度（报告值−原值）。",
}
_NO_EXPECTED = {"en": "No expected value", "zh": "无预期值"}


def render_news(
    table: pd.DataFrame, *, lang: str, width: int = 100, regions: pd.DataFrame | None = None
) -> str:
    """The news table (:func:`~longjiang_forecast.store.news`) as console text no wider than ``width``.

    Parameters
    ----------
    table : pandas.DataFrame
        :func:`~longjiang_forecast.store.news` (its ``attrs`` ``from_id`` and ``n_paths`` name the
        earlier forecast in the footnote), or some of its rows.
    lang : {"zh", "en"}
    width : int
        Terminal width in columns (Chinese characters count two).
    regions : pandas.DataFrame, optional
        The catalogue's regions, for the names (else the region ids).

    Returns
    -------
    str
        The table (laid out by ``rich``, no colour codes; values in each indicator's unit with
        its decimals, ``news`` signed, "–" where there is none), the footnote, and one line per
        row without an expected value saying why; ending in a newline.
    """
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..store import NEWS_REASONS

    n = table.attrs.get("from_id", "?")
    heads, words = NEWS_HEADERS[lang], _WORDS[lang]
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0), show_edge=False)
    for col, head in heads.items():
        left = col in ("kind", "series", "month", "surprise")
        grid.add_column(Text(head), justify="left" if left else "right", overflow="fold")
    missing = []
    for row in table.itertuples(index=False):
        series = f"{row.indicator}/{region_label(str(row.region), lang, regions, {})}"
        decimals = unit_decimals(row.unit, abs(row.reported))
        before = row.previous if row.kind == "revision" else row.expected
        spread = (
            "–" if not math.isfinite(row.q10) else f"{_cell(row.q10, decimals)}–{_cell(row.q90, decimals)}"
        )
        sign = "+" if math.isfinite(row.news) and round(row.news, decimals) > 0 else ""
        cells = (
            words.get(row.kind, row.kind), series, row.month, _cell(row.reported, decimals),
            _cell(before, decimals), spread, sign + _cell(row.news, decimals),
            words.get(row.surprise, row.surprise) or "–",
        )  # fmt: skip
        grid.add_row(*(Text(c) for c in cells))
        if row.kind != "revision" and row.reason:
            colon = "：" if lang == "zh" else ": "
            missing.append(f"{series} {row.month}{colon}{_reason(row.reason, n, lang, NEWS_REASONS)}")
    sink = io.StringIO()
    Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(grid)
    text = "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"
    text += _wrap(NEWS_FOOTNOTE[lang].format(n=n, paths=f"{table.attrs.get('n_paths', '?'):,}"), width)
    if missing:
        sep = "；" if lang == "zh" else "; "
        text += _wrap(f"{_NO_EXPECTED[lang]}{'：' if lang == 'zh' else ': '}{sep.join(missing)}", width)
    return text


def _cell(value: float, decimals: int) -> str:
    return format_value(value, decimals, missing="–")


def _reason(reason: str, n: object, lang: str, english: dict[str, str]) -> str:
    """``reason`` in ``lang``: the Chinese of the :data:`NEWS_REASONS` text it is, else as written."""
    if lang != "zh":
        return reason
    for code, text in english.items():
        if reason == text.format(n=n):
            return NEWS_REASONS_ZH[code].format(n=n)
    return reason
