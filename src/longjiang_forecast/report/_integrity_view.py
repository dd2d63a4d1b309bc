"""The integrity flags on a terminal: one block per flag (rule, score, rows) with its reason."""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd

from ._console import _wrap, region_label

#: Not-checked series named before "and N more".
_NAMED = 5

_KINDS_ZH = {"cumulative": "累计", "level": "水平", "milestone": "里程碑", "annual_mean": "年均值",
             "change": "变化率"}  # fmt: skip
_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "head": "Report integrity flags, {year} up to {as_of}: {n} flag(s) among {reports} reports of "
        "{series} series (a report is flagged when its score, the model's tail probability of so unusual "
        "a report, is below {alpha}).",
        "none": "No report flagged.",
        "score": "score",
        "rows": "rows",
        "not_checked": "{n} series not fully checked (the model has no seasonal reference for them): {names}",
        "few_years": "{n} series have fewer than {k} earlier years of their own, so a month far outside "
        "their own earlier years is not checked (only against their family's): {names}",
        "checked_falls": "falls only",
        "checked_none": "not checked",
        "more": " and {n} more",
        "untouched": "The flags are for the supervision office to ask about; no data were dropped or "
        "changed.",
    },
    "zh": {
        "head": "报送数据核查（{year}年，截至{as_of}）：{series} 个序列 {reports} 条报告中标记 {n} 条"
        "（得分为模型下出现如此异常情况的尾部概率，低于 {alpha} 即标记）。",
        "none": "没有需要标记的报告。",
        "score": "得分",
        "rows": "文件行",
        "not_checked": "{n} 个序列模型无季节参照，未全部核查：{names}",
        "few_years": "{n} 个序列本地区往年数据不足 {k} 年，无法核查是否远超本地区往年同期"
        "（仅与同类指标比较）：{names}",
        "checked_falls": "仅核查下降",
        "checked_none": "未核查",
        "more": " 等，另有 {n} 个",
        "untouched": "标记仅供督查核实，数据未作任何删改。",
    },
}


def flags_text(
    flags: pd.DataFrame,
    *,
    lang: str,
    width: int = 100,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
) -> str:
    """The flags of :func:`~longjiang_forecast.integrity.check_reports` as console text.

    Parameters
    ----------
    flags : pandas.DataFrame
        From ``check_reports`` (its columns and ``attrs``).
    lang : {"zh", "en"}
        Language of the headline, rule names and reasons.
    width : int, default 100
        Terminal columns (Chinese characters count two).
    regions : pandas.DataFrame, optional
        The catalogue's regions, for the prefectures' names.
    written : mapping of str to str, optional
        Region id -> its spelling in the progress file.

    Returns
    -------
    str
        A headline, one numbered block per flag (indicator, region, months, rule, score, file
        rows, then the reason), the series not fully checked and a closing line; each line at
        most ``width`` columns, ending in a newline.
    """
    from ..integrity import RULE_NAMES

    t = _TEXT[lang]
    attrs = flags.attrs
    as_of = str(attrs.get("as_of", ""))
    lines = [
        t["head"].format(
            year=as_of[:4],
            as_of=as_of,
            n=len(flags),
            reports=attrs.get("n_reports", "?"),
            series=attrs.get("n_series", "?"),
            alpha=attrs.get("alpha", "?"),
        ),
        "",
    ]
    if not len(flags):
        lines.append(t["none"])
    k = 0 if lang == "zh" else 1
    for n, r in enumerate(flags.itertuples(index=False), start=1):
        where = region_label(str(r.region), lang, regions, written or {})
        score = "0" if r.score == 0 else f"{r.score:.2g}"
        rows = f"  {t['rows']}: {file_rows(r.rows, lang)}" if r.rows else ""
        lines.append(
            f"{n:>3}. {r.indicator} {where}  {r.months}  {RULE_NAMES[r.rule][k]}  {t['score']} {score}{rows}"
        )
        reason = _wrap(r.reason_zh if lang == "zh" else r.reason_en, max(width - 5, 20))
        lines += ["     " + line for line in reason.splitlines()]  # the reason indented under its flag
    skipped = [
        f"{ind}/{region_label(str(reg), lang, regions, written or {})} "
        f"({_kind(kind, lang)}: {t['checked_' + checked]}{f'; {why}' if why else ''})"
        for ind, reg, kind, checked, why in attrs.get("not_checked", ())
    ]
    if skipped:
        names = "; ".join(skipped[:_NAMED]) + (
            t["more"].format(n=len(skipped) - _NAMED) if len(skipped) > _NAMED else ""
        )
        lines += ["", t["not_checked"].format(n=len(skipped), names=names)]
    few = [
        f"{ind}/{region_label(str(reg), lang, regions, written or {})} ({n})"
        for ind, reg, n in attrs.get("few_own_years", ())
    ]
    if few:
        names = ", ".join(few[:_NAMED]) + (t["more"].format(n=len(few) - _NAMED) if len(few) > _NAMED else "")
        lines += ["", t["few_years"].format(n=len(few), k=attrs.get("min_own_years", 3), names=names)]
    lines += ["", t["untouched"]]
    return _wrap("\n".join(lines), width)


def _kind(kind: str, lang: str) -> str:
    """An indicator kind for people."""
    return _KINDS_ZH.get(kind, kind) if lang == "zh" else kind.replace("_", " ")


def file_rows(rows: str, lang: str) -> str:
    """File rows for people: ``row 12`` reads ``第 12 行`` in Chinese."""
    return re.sub(r"\brow (\d+)", r"第 \1 行", rows) if lang == "zh" else rows
