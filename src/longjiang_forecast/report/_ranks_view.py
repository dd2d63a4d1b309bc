"""Rank probabilities in the bulletin: the table, the prefectures that cannot be told apart, SPI(t)'s note."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import xarray as xr

from .._core.names import display_name

#: Neighbours whose P(ranked above the next) lies in this closed interval cannot be told apart.
CLOSE = (0.4, 0.6)

RANK_TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title_share": "排名概率：按截止日完成目标的比例",
        "title_spi": "排名概率：按当前 SPI(t)",
        "note_share": "在每条模拟路径上，按地市各指标截止日完成目标的比例（各指标平均，不封顶）排名，"
        "表中为各名次的概率；同分的地市平分所占名次。按平均名次排序。",
        "note_spi": "在每条模拟路径上，按地市各指标 {month} 月的 SPI(t)（平均）排名；"
        "尚未报送的当月数值取自模拟路径。按平均名次排序。",
        "header": ["地市", "第1名", "第2名", "第3名", "后三名", "末位", "最可能名次（概率）"],
        "close": "{names}难以区分：相邻两地排在前面的概率在 40%–60% 之间（{pairs}），名次先后不宜作结论。",
        "pair": "{a}先于{b}的概率 {p}",
        "apart": "相邻地市排在前面的概率都在 40%–60% 之外：名次的先后有据可依。",
        "spi_certain": "上表 SPI(t) 名次是确定的（括号内概率为 100%）："
        "参与排名的各地市指标 {month} 月的报告均已报送，SPI(t) 只取决于已报告的数据，不随模拟路径变化。"
        "名次不确定性见下表（按截止日完成比例）。",
        "spi_uncertain": "{n} 项地市指标 {month} 月的报告尚未报送，其当月数值取自模拟路径，"
        "SPI(t) 名次因此不确定（括号内为最可能名次的概率）。",
        "joiner": "、",
        "rank_p": "排名（概率）",
        "unequal": "各地市参与排名的指标数不同（没有预测或 SPI(t) 的指标不计入其平均）："
        "{named}（其余地市 {usual} 项）。",
        "n_of": "{name} {n} 项",
        "not_ranked": "未参与排名（没有可排名的指标，如本年没有报告）：{named}。",
    },
    "en": {
        "title_share": "Rank probabilities: share of the target reached at the deadline",
        "title_spi": "Rank probabilities: SPI(t) now",
        "note_share": "In each simulated path the prefectures are ranked by the share of their targets "
        "reached "
        "at the deadline (mean over their indicators, not capped at 1); the table gives the probability of "
        "each rank. Prefectures tied in a path share the ranks they occupy. Sorted by expected rank.",
        "note_spi": "In each simulated path the prefectures are ranked by their mean SPI(t) in month "
        "{month}; a "
        "report for that month not yet in is valued on the path. Sorted by expected rank.",
        "header": [
            "prefecture",
            "P(1st)",
            "P(2nd)",
            "P(3rd)",
            "P(bottom 3)",
            "P(last)",
            "most likely rank (P)",
        ],
        "close": "{names} cannot be told apart: each is ranked above the next with a probability "
        "between 40 % "
        "and 60 % ({pairs}); their order says nothing.",
        "pair": "{a} above {b}: {p}",
        "apart": "Each prefecture is ranked above the next with a probability outside 40–60 %: the "
        "order holds.",
        "spi_certain": "The SPI(t) ranks above are certain (100 % in brackets): the report for month "
        "{month} of every prefecture series ranked is in, and SPI(t) depends on the reported data only, "
        "not on the paths. For the uncertainty of the ranks see the table by share of the target at the "
        "deadline.",
        "spi_uncertain": "{n} prefecture series have no report for month {month} yet: their value is taken "
        "from each path, so the SPI(t) ranks are uncertain (in brackets: P(most likely rank)).",
        "joiner": ", ",
        "rank_p": "rank (P)",
        "unequal": " Not every prefecture is scored on the same number of indicators (one without a forecast "
        "or an SPI(t) is left out of its mean): {named} (the others {usual}).",
        "n_of": "{name} {n}",
        "not_ranked": " Not ranked (no indicator to rank, such as no report this year): {named}.",
    },
}


def _pct(x: float) -> str:
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _names(ranks: xr.Dataset, lang: str) -> list[str]:
    return [
        display_name(zh, en, lang, r)
        for r, zh, en in zip(
            ranks["region"].values, ranks["name_zh"].values, ranks["name_en"].values, strict=True
        )
    ]


def close_groups(ranks: xr.Dataset, bounds: tuple[float, float] = CLOSE) -> list[list[int]]:
    """Runs of neighbours (in the order of expected rank) that cannot be told apart.

    Parameters
    ----------
    ranks : xarray.Dataset
        From :func:`longjiang_forecast.planning.rank_probabilities` (``p_above_next``).
    bounds : (float, float), default (0.4, 0.6)
        Two neighbours cannot be told apart when P(the first ranked above the
        second) lies in this closed interval.

    Returns
    -------
    list of list of int
        Positions along ``region`` of each run of two or more prefectures,
        each next to the following one within ``bounds``.
    """
    p = ranks["p_above_next"].values.astype(float)
    close = np.isfinite(p) & (p >= bounds[0]) & (p <= bounds[1])
    groups: list[list[int]] = []
    for i in np.flatnonzero(close):
        if groups and groups[-1][-1] == i:
            groups[-1].append(int(i) + 1)
        else:
            groups.append([int(i), int(i) + 1])
    return groups


def rank_table(ranks: xr.Dataset, lang: str, *, by: str) -> dict[str, Any]:
    """The bulletin's table of rank probabilities, a sentence per run of prefectures not told apart.

    Parameters
    ----------
    ranks : xarray.Dataset
        From :func:`longjiang_forecast.planning.rank_probabilities`.
    lang : {"zh", "en"}
    by : {"share", "spi"}
        Which score ``ranks`` was made with (chooses the title and note).

    Returns
    -------
    dict
        ``by``, ``title``, ``note``, ``header``, ``rows`` (cells of ``{"text", "cls"}``)
        and ``close`` (sentences; the "order holds" sentence when there is none).
    """
    t = RANK_TEXT[lang]
    names = _names(ranks, lang)
    p = ranks["p_rank"].values
    n = p.shape[1]
    rows = []
    for i, name in enumerate(names):
        top = [_pct(p[i, k]) if k < n else "–" for k in range(3)]
        most = f"{int(ranks['most_likely_rank'].values[i])} ({_pct(float(ranks['p_most_likely'].values[i]))})"
        cells = [
            name,
            *top,
            # with 3 prefectures or fewer every one is in the bottom 3: 100 % says nothing (break-it)
            _pct(float(ranks["p_bottom3"].values[i])) if n > 3 else "–",
            _pct(float(ranks["p_last"].values[i])),
            most,
        ]
        rows.append([{"text": str(c), "cls": "" if k == 0 else "num"} for k, c in enumerate(cells)])
    above = ranks["p_above_next"].values
    close = []
    for group in close_groups(ranks):
        pairs = [t["pair"].format(a=names[i], b=names[i + 1], p=_pct(float(above[i]))) for i in group[:-1]]
        sep = "；" if lang == "zh" else "; "
        close.append(
            t["close"].format(names=t["joiner"].join(names[i] for i in group), pairs=sep.join(pairs))
        )
    return {
        "by": by,
        "title": t[f"title_{by}"],
        "note": t[f"note_{by}"].format(month=ranks.attrs.get("as_of_month", ""))
        + _unequal_note(ranks, names, t)
        + _not_ranked_note(ranks, lang, t),
        "header": t["header"],
        "rows": rows,
        "close": close or [t["apart"]],
    }


def _unequal_note(ranks: xr.Dataset, names: list[str], t: dict[str, Any]) -> str:
    """A sentence naming the prefectures scored on another number of indicators than most ("" if none).

    A prefecture's score is its mean over its own indicators: one that did not report an indicator
    (no forecast) is ranked without it, which the table alone does not show.
    """
    counts = ranks["n_indicators"].values.astype(int)
    values, freq = np.unique(counts, return_counts=True)
    if values.size < 2:
        return ""
    usual = int(values[np.argmax(freq)])
    named = t["joiner"].join(
        t["n_of"].format(name=name, n=int(k)) for name, k in zip(names, counts, strict=True) if k != usual
    )
    return str(t["unequal"].format(named=named, usual=usual))


def _not_ranked_note(ranks: xr.Dataset, lang: str, t: dict[str, Any]) -> str:
    """A sentence naming the catalogue's prefectures left out of the ranks ("" if none).

    A prefecture with no count or level to rank (one that sent no report this year) is not in the
    table at all; without the sentence the bulletin ranked twelve prefectures as if they were all.
    """
    left = json.loads(str(ranks.attrs.get("not_ranked", "[]")))
    if not left:
        return ""
    named = t["joiner"].join(display_name(zh, en, lang, rid) for rid, zh, en in left)
    return str(t["not_ranked"].format(named=named))


def spi_note(ranks_spi: xr.Dataset, lang: str) -> str:
    """The sentence under the SPI(t) table: its ranks are certain, or how many values come from the paths."""
    t = RANK_TEXT[lang]
    month = ranks_spi.attrs.get("as_of_month", "")
    if int(ranks_spi.attrs.get("certain", 0)):
        return t["spi_certain"].format(month=month)
    return t["spi_uncertain"].format(n=int(ranks_spi.attrs.get("n_estimated", 0)), month=month)


def spi_rank_cells(ranks_spi: xr.Dataset) -> dict[str, str]:
    """Prefecture id -> "most likely rank (P)" by SPI(t), for the rank column of the SPI(t) table."""
    return {
        str(r): f"{int(k)} ({_pct(float(q))})"
        for r, k, q in zip(
            ranks_spi["region"].values,
            ranks_spi["most_likely_rank"].values,
            ranks_spi["p_most_likely"].values,
            strict=True,
        )
    }


__all__ = ["CLOSE", "RANK_TEXT", "close_groups", "rank_table", "spi_note", "spi_rank_cells"]
