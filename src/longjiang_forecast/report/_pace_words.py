"""Why the recent pace and P(met) can disagree, in words: the model's pace over the months left.

A recent pace above the pace still needed beside a low P(met) reads as a contradiction; it is
not one when the model expects the months ahead to be slower (earlier years' seasonal pattern).
An annual mean met so far beside a low P(met) likewise: the months not yet reported are expected
to differ (winter heating raises PM2.5). The console table and the bulletin say so, by one rule
(:func:`pace_explanations`), for the rows where the two signals point different ways.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._core.state import deadline_month
from .._core.units import format_against, format_rate

#: The sentences, per language. ``{who}`` the series, ``{run}``/``{required}``/``{model}`` paces a
#: month in the unit, ``{recent}``/``{left}`` months, ``{p}`` P(met).
PACE_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "head": "Where the recent pace and P(met) point different ways, the model's pace over the months "
        "left decides (it follows the seasonal pattern of earlier years):",
        "pace": "{who}: recent {run} a month ({recent}) is {side} the {required} a month still needed; the "
        "model expects {model} a month ({left}); P(met) {p}",
        "above": "above",
        "below": "below",
        "at": "at",
        "mean": "{who}: the {averaged} mean {latest} {side} {target}; the rest of the year ({left}) is "
        "expected to differ (seasonal): it needs a mean of {required}, the model expects an annual mean of "
        "{median}; P(met) {p}",
        "meets": "meets",
        "misses": "misses",
    },
    "zh": {
        "head": "以下序列的近期进度与达标概率方向不一致：决定达标概率的是模型对剩余月份的预期进度"
        "（按往年同期的季节规律）：",
        "pace": "{who}：近期月均 {run}（{recent}），{side}尚需的月均 {required}；模型预期月均 {model}"
        "（{left}）；达标概率 {p}",
        "above": "高于",
        "below": "低于",
        "at": "等于",
        "mean": "{who}：{averaged}均值 {latest} {side} {target}，但其余月份（{left}）预计与之不同（季节性）："
        "需均值 {required}，模型预期全年均值 {median}；达标概率 {p}",
        "meets": "已满足",
        "misses": "未满足",
    },
}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_SETTLED = ("achieved", "missed", "no forecast", "no report yet", "no share")


def month_span(first: int, last: int, lang: str) -> str:
    """Months ``first`` to ``last`` (1-12) in words: ``"Jul–Aug"`` / ``"7–8月"``, ``"Aug"`` / ``"8月"``."""
    if lang == "zh":
        return f"{first}月" if first == last else f"{first}–{last}月"
    names = _MONTH_NAMES[first - 1], _MONTH_NAMES[last - 1]
    return names[0] if first == last else f"{names[0]}–{names[1]}"


def covered_months(span: Any, lang: str) -> str:
    """The months of a run rate (``run_rate_months``, "YYYY-MM/YYYY-MM" or "YYYY-MM") in words; "" if none."""
    if not isinstance(span, str) or not span:
        return ""
    months = [int(m[5:7]) for m in span.split("/")]
    return month_span(months[0], months[-1], lang)


def _num(value: Any) -> float:
    """``value`` as a float; NaN where missing or not a number."""
    x = pd.to_numeric(pd.Series([value]), errors="coerce").iloc[0]
    return float(x) if pd.notna(x) else float("nan")


def pace_explanations(
    table: pd.DataFrame,
    *,
    lang: str,
    who: Mapping[tuple[str, str], str] | None = None,
) -> list[str]:
    """One sentence for each row whose recent pace (or mean so far) points the other way from P(met).

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table` rows (``kind``, ``unit``, ``target``, ``comparator``,
        ``deadline``, ``observed``, ``observed_month``, ``p_met``, ``median``,
        ``required_rate``, ``model_rate``, ``run_rate``, ``run_rate_months``, ``status``).
    lang : {"zh", "en"}
    who : mapping, optional
        (indicator, region) -> how the series is named in the sentence; the indicator id
        where missing.

    Returns
    -------
    list of str
        Sentences (without the final full stop), in the table's order, for

        - a count or level whose recent pace is at least the pace still needed while
          P(met) < 0.5, or below it while P(met) >= 0.5: the model's median pace over
          the months left to the deadline's report (``model_rate``) is what decides;
        - an annual mean whose mean so far meets the target while P(met) < 0.5, or
          misses it while P(met) >= 0.5: the months averaged, the months left, the mean
          they need and the model's annual mean.

        Settled rows (achieved, missed, no forecast, no report yet) have none.
    """
    words = PACE_WORDS[lang]
    who = who or {}
    out = []
    for rec in table.to_dict("records"):
        p = _num(rec.get("p_met"))
        if str(rec.get("status")) in _SETTLED or p != p:
            continue
        unit, target, cmp = rec["unit"], rec["target"], str(rec["comparator"])
        name = who.get((str(rec["indicator"]), str(rec["region"])), str(rec["indicator"]))
        likely = p >= 0.5
        month = rec.get("observed_month")
        last = int(str(month)[5:7]) if isinstance(month, str) and month else 0
        if str(rec.get("kind")) == "annual_mean":
            latest, required = _num(rec.get("observed")), _num(rec.get("required_rate"))
            if not (latest == latest and required == required) or last == 0 or last == 12:
                continue
            met = latest <= target if cmp == "<=" else latest >= target
            if met == likely:
                continue
            out.append(
                words["mean"].format(
                    who=name,
                    side=words["meets" if met else "misses"],
                    averaged=month_span(1, last, lang),
                    latest=format_against(latest, target, unit, cmp),
                    target=f"{'≤' if cmp == '<=' else '≥'} {format_against(target, target, unit)}",
                    left=month_span(last + 1, 12, lang),
                    required=format_against(required, target, unit, cmp),
                    median=format_against(rec.get("median"), target, unit, cmp),
                    p=f"{p:.2f}",
                )
            )
            continue
        run, required, model = (_num(rec.get(k)) for k in ("run_rate", "required_rate", "model_rate"))
        if not (run == run and required == required and model == model) or (run >= required) == likely:
            continue
        end = deadline_month(pd.Timestamp(str(rec["deadline"])))
        if end <= last:
            continue
        run_text, required_text = format_rate(run, unit, target), format_rate(required, unit, target)
        # equal as shown ("0.500 ... above the 0.500"): said as equal
        side = "at" if run_text == required_text else "above" if run >= required else "below"
        out.append(
            words["pace"].format(
                who=name,
                side=words[side],
                run=run_text,
                recent=covered_months(rec.get("run_rate_months"), lang),
                required=required_text,
                model=format_rate(model, unit, target),
                left=month_span(last + 1, end, lang),
                p=f"{p:.2f}",
            )
        )
    return out


def pace_note(
    table: pd.DataFrame,
    *,
    lang: str,
    width: int = 100,
    who: Mapping[tuple[str, str], str] | None = None,
) -> str:
    """The note under the console table: a head line, then :func:`pace_explanations` one a line.

    Parameters
    ----------
    table, lang, who
        As for :func:`pace_explanations` (the rows shown).
    width : int, default 100
        Terminal width in columns (Chinese characters count two).

    Returns
    -------
    str
        Lines at most ``width`` columns wide, ending in a newline; "" without any
        explanation.
    """
    from ._console import _wrap

    sentences = pace_explanations(table, lang=lang, who=who)
    if not sentences:
        return ""
    return "".join(_wrap(text, width) for text in [PACE_WORDS[lang]["head"], *(f"- {s}" for s in sentences)])
