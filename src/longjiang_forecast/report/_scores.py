"""The backtest's scores in words: what each means, its nominal value, and when it cannot be measured."""

from __future__ import annotations

import math
import re
import textwrap
from typing import Any

import pandas as pd

#: Fewer scored forecasts than this in a row: its scores are too noisy to rank models on.
FEW_FORECASTS = 20

#: Score -> (meaning, nominal or ideal value), per language. ``{level}`` is filled for interval scores.
SCORE_TEXT: dict[str, dict[str, tuple[str, str]]] = {
    "en": {
        "n_forecasts": ("forecasts scored (a probability and a known outcome)", "more is firmer"),
        "n_series_years": ("distinct outcomes (series and year) behind them", "more is firmer"),
        "base_rate": ("share of outcomes met", "—"),
        "brier": ("mean (P(met) − outcome)²", "0 perfect; 0.25 a constant 0.5"),
        "reliability": ("miscalibration part of the Brier score (binned)", "0"),
        "resolution": ("how far the forecasts move from the base rate where it matters (binned)", "higher"),
        "uncertainty": ("base_rate × (1 − base_rate): the Brier score of always forecasting it", "—"),
        "bss_climatology": (
            "Brier skill against always forecasting the base rate, 1 − brier/uncertainty",
            "1 perfect; 0 no skill",
        ),
        "corp_mcb": (
            "miscalibration of the CORP decomposition, brier = corp_mcb − corp_dsc + uncertainty "
            "(Dimitriadis, Gneiting & Jordan 2021)",
            "0",
        ),
        "corp_dsc": ("discrimination of the CORP decomposition", "higher; at most uncertainty"),
        "log_score": ("mean −log P(observed outcome), nats", "0 perfect; 0.69 a constant 0.5"),
        "crps_rel": ("mean CRPS of the value at the deadline, a fraction of the target", "0; lower"),
        "coverage": ("share of outcomes inside the central {level} % interval", "{nominal}"),
        "interval_score_rel": (
            "{level} % interval width plus 2/α times any miss, a fraction of the target",
            "lower",
        ),
        "wis_rel": ("weighted interval score of the median and intervals, a fraction of the target", "lower"),
        "pit_ks": ("distance of the PIT values from uniform (Kolmogorov–Smirnov)", "0"),
        "first_passage_mae": ("mean error of the month the target is reached, months", "0"),
        "brier_oracle": ("Brier score of the true probabilities (synthetic data)", "the floor"),
        "oracle_gap": ("brier − brier_oracle", "0"),
        "brier_recalibrated": ("Brier score after recalibration, cross-fitted by year", "below brier"),
        "reliability_recalibrated": ("reliability after recalibration", "0"),
    },
    "zh": {
        "n_forecasts": ("参与评分的预测数（有概率且结果已知）", "越多越可靠"),
        "n_series_years": ("其背后不同的结果数（序列×年份）", "越多越可靠"),
        "base_rate": ("结果达标的比例", "—"),
        "brier": ("(达标概率 − 结果)² 的均值（Brier 分数）", "0 为完美；恒报 0.5 为 0.25"),
        "reliability": ("Brier 分数中的校准偏差部分（分箱）", "0"),
        "resolution": ("预测偏离基础比例的分辨力（分箱）", "越高越好"),
        "uncertainty": ("基础比例 × (1 − 基础比例)：恒报基础比例的 Brier 分数", "—"),
        "bss_climatology": (
            "相对恒报基础比例的 Brier 技巧评分，1 − brier/uncertainty",
            "1 为完美；0 为无技巧",
        ),
        "corp_mcb": (
            "CORP 分解的校准偏差，brier = corp_mcb − corp_dsc + uncertainty"
            "（Dimitriadis, Gneiting & Jordan 2021）",
            "0",
        ),
        "corp_dsc": ("CORP 分解的区分度", "越高越好，最多为 uncertainty"),
        "log_score": ("−log P(实际结果) 的均值（奈特）", "0 为完美；恒报 0.5 为 0.69"),
        "crps_rel": ("截止日取值的平均 CRPS，占目标的比例", "0，越低越好"),
        "coverage": ("结果落在 {level}% 中心区间内的比例", "{nominal}"),
        "interval_score_rel": ("{level}% 区间宽度加 2/α 倍的偏出量，占目标的比例", "越低越好"),
        "wis_rel": ("中位数与各区间的加权区间评分，占目标的比例", "越低越好"),
        "pit_ks": ("PIT 值与均匀分布的距离（Kolmogorov–Smirnov）", "0"),
        "first_passage_mae": ("达标月份的平均误差（月）", "0"),
        "brier_oracle": ("真实概率的 Brier 分数（合成数据）", "下限"),
        "oracle_gap": ("brier − brier_oracle", "0"),
        "brier_recalibrated": ("按年交叉拟合重新校准后的 Brier 分数", "低于 brier"),
        "reliability_recalibrated": ("重新校准后的校准偏差", "0"),
    },
}

_HEAD = {
    "en": ("score", "meaning", "ideal or nominal value"),
    "zh": ("评分", "含义", "理想值或名义值"),
}
_NOTES = {
    "en": {
        "title": "What the scores mean:",
        "notes": "Notes on these scores:",
        "none": "no forecast was scored, so no score can be measured.",
        "one_class": "every outcome in these {n} forecasts was {what} (base rate {rate:g}), so "
        "bss_climatology, resolution and corp_dsc cannot be measured: there is no {other} to tell "
        "apart (uncertainty 0; bss_climatology shows NaN). brier and log_score only say how close the "
        "probabilities were to {rate:g}.",
        "met": "met",
        "missed": "missed",
        "miss": "miss",
        "success": "success",
        "few": "only {n} forecasts of {k} outcomes (fewer than {few}): every score is noisy; do not rank "
        "models on differences this small a sample cannot resolve.",
        "all_inside": "{col} is 1.000: every outcome fell inside the {level} % interval (nominal "
        "{nominal}). With {k} distinct outcomes, a calibrated interval holds them all with probability "
        "{chance:.2f}{verdict}.",
        "too_wide": ", so the intervals look too wide",
        "chance": ", so this can be chance",
    },
    "zh": {
        "title": "各评分的含义：",
        "notes": "评分说明：",
        "none": "没有可评分的预测，任何评分都无法衡量。",
        "one_class": "这 {n} 个预测的结果全部{what}（基础比例 {rate:g}），因此 bss_climatology、"
        "resolution 和 corp_dsc 无法衡量：没有{other}可供区分（uncertainty 为 0，bss_climatology 显示 NaN）。"
        "brier 与 log_score 只说明概率与 {rate:g} 的接近程度。",
        "met": "达标",
        "missed": "未达标",
        "miss": "未达标的结果",
        "success": "达标的结果",
        "few": "只有 {n} 个预测、{k} 个不同结果（少于 {few} 个）：各评分噪声很大，不宜据此细分模型优劣。",
        "all_inside": "{col} 为 1.000：全部结果都落在 {level}% 区间内（理想值 {nominal}）。"
        "{k} 个不同结果在校准良好的区间内全部落入的概率为 {chance:.2f}{verdict}。",
        "too_wide": "，区间似乎过宽",
        "chance": "，可能只是偶然",
    },
}


def _meaning(column: str, lang: str) -> tuple[str, str] | None:
    text = SCORE_TEXT[lang]
    if column in text:
        return text[column]
    match = re.fullmatch(r"(coverage|interval_score_rel)_(\d+)", column)
    if not match:
        return None
    level = int(match[2])
    meaning, nominal = text[match[1]]
    return meaning.format(level=level), nominal.format(nominal=f"{level / 100:.2f}")


def explain_scores(
    table: pd.DataFrame,
    *,
    lang: str = "en",
    keys: tuple[str, ...] = ("dataset", "model"),
    columns: list[str] | None = None,
) -> str:
    """The scores of a backtest table in words, for the console.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Backtest.table` (see :func:`longjiang_forecast.metrics.summary_table`).
    lang : {"en", "zh"}
    keys : tuple of str
        The group columns of ``table`` that name a row (e.g. data set and model).
    columns : list of str, optional
        The score columns the legend explains (those printed, :func:`score_table`);
        all of ``table``'s by default. The notes read every column.

    Returns
    -------
    str
        A legend, one line per score column of ``table``: its meaning and its
        nominal (ideal) value; then, per row, a plain sentence for each score
        that cannot be measured: every outcome met (or none), so that Brier
        skill, resolution and discrimination are undefined; a coverage of 1.000,
        with the probability that a calibrated interval holds every distinct
        outcome (level^outcomes: below 0.05 the intervals look too wide); fewer
        than :data:`FEW_FORECASTS` forecasts.
    """
    words = _NOTES[lang]
    explained = table.columns if columns is None else columns
    legend = [(c, *m) for c in explained if c not in keys and (m := _meaning(c, lang)) is not None]
    width = max(len(c) for c, *_ in legend) if legend else 0
    head = _HEAD[lang]
    lines = [words["title"], f"  {head[0]:<{width}}  {head[1]} — {head[2]}"]
    lines += [
        f"  {c:<{width}}  {meaning}" + (f" — {nominal}" if nominal != "—" else "")
        for c, meaning, nominal in legend
    ]
    notes = []
    for rec in table.to_dict("records"):
        name = " / ".join(str(rec[k]) for k in keys if k in rec)
        n = int(rec.get("n_forecasts", 0) or 0)
        k = int(_finite(rec.get("n_series_years")) or 0)
        if n == 0:
            notes.append(f"  {name}: {words['none']}")
            continue
        rate = _finite(rec.get("base_rate"))
        if rate in (0.0, 1.0):
            what, other = ("met", "miss") if rate == 1.0 else ("missed", "success")
            notes.append(
                f"  {name}: "
                + words["one_class"].format(n=n, what=words[what], rate=rate, other=words[other])
            )
        if n < FEW_FORECASTS:
            notes.append(f"  {name}: " + words["few"].format(n=n, k=k, few=FEW_FORECASTS))
        for col in (c for c in table.columns if re.fullmatch(r"coverage_\d+", c)):
            if _finite(rec.get(col)) == 1.0 and k:
                level = int(col.split("_")[1])
                chance = (level / 100) ** k
                verdict = words["too_wide"] if chance < 0.05 else words["chance"]
                notes.append(
                    f"  {name}: "
                    + words["all_inside"].format(
                        col=col,
                        level=level,
                        nominal=f"{level / 100:.2f}",
                        k=k,
                        chance=chance,
                        verdict=verdict,
                    )
                )
    if notes:
        lines += [words["notes"], *notes]
    if lang == "en":  # hanging indent within 100 columns (Chinese lines are left to the terminal)
        lines = [textwrap.fill(line, 100, subsequent_indent=" " * 4) for line in lines]
    return "\n".join(lines) + "\n"


def _finite(value: Any) -> float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return x if math.isfinite(x) else None


#: The scores of the console's table, in this order while they fit its width; every score is in the CSV.
KEY_SCORES = (
    "n_forecasts",
    "brier",
    "brier_recalibrated",
    "bss_climatology",
    "coverage_80",
    "wis_rel",
    "log_score",
    "reliability_recalibrated",
    "base_rate",
    "corp_mcb",
    "corp_dsc",
)


def score_table(
    table: pd.DataFrame, *, keys: tuple[str, ...] = ("dataset", "model"), width: int = 100
) -> tuple[str, list[str]]:
    """The key scores of a backtest, one row per model, within ``width`` columns.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Backtest.table`.
    keys : tuple of str
        The group columns naming a row; one that has a single value in ``table``
        is left out (the headline says it), except the last.
    width : int
        Terminal columns.

    Returns
    -------
    text : str
        The rows (keys, then the scores of :data:`KEY_SCORES` in that order, as many
        as fit), two spaces apart, counts whole and scores with three decimals
        (``NaN`` where a score cannot be measured), ending in a newline.
    shown : list of str
        The key and score columns printed, in order; :func:`explain_scores` on them
        gives their meaning and nominal value.
    """
    names = [k for i, k in enumerate(keys) if k in table and (table[k].nunique() > 1 or i == len(keys) - 1)]
    cells = {k: table[k].astype(str).tolist() for k in names}
    for col in (c for c in KEY_SCORES if c in table):
        values = pd.to_numeric(table[col], errors="coerce")
        whole = col.startswith("n_")
        cells[col] = ["NaN" if not math.isfinite(v) else f"{v:.0f}" if whole else f"{v:.3f}" for v in values]
    widths = {c: max(len(c), *(len(v) for v in cells[c])) for c in cells}
    shown = list(names)
    for col in (c for c in KEY_SCORES if c in cells):
        if sum(widths[c] + 2 for c in shown) + widths[col] <= width:
            shown.append(col)
    lines = [
        "  ".join(
            text.ljust(widths[c]) if c in names else text.rjust(widths[c])
            for c, text in zip(shown, row, strict=True)
        ).rstrip()
        for row in [shown, *zip(*(cells[c] for c in shown), strict=True)]
    ]
    return "\n".join(lines) + "\n", shown
