"""The track record on a terminal: the scores of the published forecasts by model and as-of month."""

from __future__ import annotations

import io
import math

import pandas as pd

#: Headers of the track-record table, per language.
TRACK_HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "model": "model",
        "as_of_month": "as of",
        "n_scored": "scored",
        "n_pending": "pending",
        "n_decided": "decided",
        "brier": "Brier",
        "reliability": "REL",
        "resolution": "RES",
        "uncertainty": "UNC",
        "coverage_80": "80% coverage",
        "coverage_ci": "90% CI",
        "first_passage_mae": "reached (±months)",
    },
    "zh": {
        "model": "模型",
        "as_of_month": "月份",
        "n_scored": "已评分",
        "n_pending": "待结果",
        "n_decided": "已定",
        "brier": "Brier",
        "reliability": "可靠性",
        "resolution": "分辨力",
        "uncertainty": "不确定性",
        "coverage_80": "覆盖率",
        "coverage_ci": "置信区间",
        "first_passage_mae": "月份误差",
    },
}
#: The lines under the table, per language (``{min}``: the fewest scored forecasts shown).
TRACK_FOOTNOTE: dict[str, str] = {
    "en": "as of: the month the forecasts were made (every year together). Brier: mean of "
    "(P(met) − outcome)², lower is better (0.25 is a coin toss); REL (reliability, lower is better), RES "
    "(resolution, higher is better) and UNC (uncertainty of the outcomes) give Brier ≈ REL − RES + UNC. "
    "80% coverage: share of outcomes inside the 10%–90% range of the value at the deadline (0.80 if the "
    "ranges are right); 90% CI: its 90% binomial (Clopper-Pearson) interval, none for "
    "'all' (each outcome counted once per month). reached (±months): mean "
    "absolute error of the month the target is reached. –: fewer than {min} scored forecasts in the "
    "cell (for 'reached', fewer than {min} with both months), too few to say. pending: the outcome is "
    "not in the store yet; decided: already decided when published (the deadline's report in, the "
    "target already met, or a prefecture asked for nothing: no share), not scored.",
    "zh": "月份：预测所在月份（各年合计）。Brier：（达标概率−结果）²的均值，越小越好（0.25相当于抛硬币）；"
    "可靠性越小越好，分辨力越大越好，不确定性为结果本身的不确定性，Brier≈可靠性−分辨力+不确定性。覆盖率："
    "截止日取值的10%–90%区间包含实际结果的比例（区间准确时为0.80）；置信区间：其90%二项（Clopper-Pearson）"
    "置信区间，“全部”一行不给出（同一结果每月各计一次）。月份误差：达标月份的平均绝对误差（月）。–：该格已评分的预测少于{min}个（月份误差一列为两个"
    "月份均已知的少于{min}个），数量太少，不宜下结论。待结果：库中尚无结果；已定：发布时已有定论（截止月份的"
    "报告已到、目标已完成，或地市未分得任务），不评分。",
}
#: After the footnote on the console: where the rows are.
_ROWS_FILE = {
    "en": " Every forecast and its outcome: track_record.csv.",
    "zh": "每项预测及其结果见 track_record.csv。",
}
_ALL = {"en": "all", "zh": "全部"}
#: Columns left out, in this order, where the table would be wider than the terminal.
_DROPPED_FIRST = ("reliability", "resolution", "uncertainty", "n_decided", "coverage_ci", "first_passage_mae")
_NARROW = {
    "en": "Left out at {width} columns: {cols} (all in track_record_summary.csv; widen the terminal or set "
    "COLUMNS to see them).",
    "zh": "终端宽度 {width} 列，未列出：{cols}（全部见 track_record_summary.csv；"
    "加宽终端或设置 COLUMNS 可显示）。",
}


def _number(value: float, decimals: int = 3) -> str:
    return "–" if not math.isfinite(float(value)) else f"{float(value):.{decimals}f}"


def track_view(summary: pd.DataFrame, *, lang: str) -> pd.DataFrame:
    """The track record's summary as text cells, one row per model and as-of month.

    Parameters
    ----------
    summary : pandas.DataFrame
        :attr:`longjiang_forecast.store.TrackRecord.summary`.
    lang : {"zh", "en"}

    Returns
    -------
    pandas.DataFrame
        Columns of :data:`TRACK_HEADERS` (``model`` only where the summary has more than
        one), all str: counts whole, scores with three decimals, coverage with two and its
        interval (``"0.56–0.79"``), "–" where a score is not shown.
    """
    months = {"en": "{:%b}", "zh": "{0.month}月"}[lang]
    out = pd.DataFrame(
        {
            "model": summary["model"].astype(str),
            "as_of_month": [
                _ALL[lang] if m == "all" else months.format(pd.Timestamp(2000, int(m), 1))
                for m in summary["as_of_month"]
            ],
            **{k: summary[k].astype(int).astype(str) for k in ("n_scored", "n_pending", "n_decided")},
            **{k: summary[k].map(_number) for k in ("brier", "reliability", "resolution", "uncertainty")},
            "coverage_80": summary["coverage_80"].map(lambda v: _number(v, 2)),
            "coverage_ci": [
                "–" if not math.isfinite(lo) else f"{lo:.2f}–{hi:.2f}"
                for lo, hi in zip(summary["coverage_80_lo"], summary["coverage_80_hi"], strict=True)
            ],
            "first_passage_mae": summary["first_passage_mae"].map(lambda v: _number(v, 1)),
        }
    )
    return out if summary["model"].nunique() > 1 else out.drop(columns="model")


def render_track_record(summary: pd.DataFrame, *, lang: str, width: int = 100) -> str:
    """The track record's summary as console text no wider than ``width`` columns, with its footnote.

    Parameters
    ----------
    summary : pandas.DataFrame
        :attr:`longjiang_forecast.store.TrackRecord.summary`.
    lang : {"zh", "en"}
    width : int
        Terminal width in columns (Chinese characters count two); headers wrap between words.

    Returns
    -------
    str
        The table (laid out by ``rich``, no colour codes) and the footnote explaining each
        column, each line at most ``width`` columns wide, ending in a newline.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from ..store import MIN_SCORED
    from ._console import _wrap

    view = track_view(summary, lang=lang)
    heads = TRACK_HEADERS[lang]
    # numbers never wrap; a header wraps between words (a Chinese header is one word) only where the
    # table would not fit otherwise
    cells = {col: max(cell_len(str(v)) for v in view[col]) for col in view.columns}
    widths = {col: max(cells[col], cell_len(heads[col])) for col in view.columns}
    words = {col: max(cells[col], *(cell_len(w) for w in heads[col].split())) for col in view.columns}
    for col in sorted(view.columns, key=lambda c: words[c] - widths[c]):  # the longest headers wrap first
        if sum(widths.values()) + 2 * (len(widths) - 1) <= width:
            break
        widths[col] = words[col]
    dropped = []
    for col in _DROPPED_FIRST:  # two spaces between columns (a padding and the box's divider)
        if sum(widths.values()) + 2 * (len(widths) - 1) <= width:
            break
        del widths[col]
        dropped.append(col)
    view = view[list(widths)]
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1, 0, 0), show_edge=False)
    for col in view.columns:
        left = col in ("model", "as_of_month")
        grid.add_column(
            Text(heads[col]), justify="left" if left else "right", overflow="fold", width=widths[col]
        )
    for rec in view.itertuples(index=False):
        grid.add_row(*(Text(str(v)) for v in rec))
    sink = io.StringIO()
    Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(grid)
    text = "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"
    text += _wrap(TRACK_FOOTNOTE[lang].format(min=MIN_SCORED) + _ROWS_FILE[lang], width)
    if dropped:
        names = ("、" if lang == "zh" else ", ").join(heads[c] for c in dropped)
        text += _wrap(_NARROW[lang].format(width=width, cols=names), width)
    return text
