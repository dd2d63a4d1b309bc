"""The attainment table on a terminal: formatted to each unit, in one language, within its width."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._core.names import display_name
from .._core.units import format_against, format_value, unit_decimals, unit_label
from ._text import status_word

#: Column headers of the console table, per language.
HEADERS: dict[str, dict[str, str]] = {
    "en": {
        "indicator": "id",
        "region": "region",
        "name": "name",
        "unit": "unit",
        "target": "target",
        "deadline": "due",
        "observed": "latest",
        "p_met": "P(met)",
        "median": "median",
        "range": "10%–90%",
        "reached": "reached",
        "status": "status",
    },
    "zh": {
        "indicator": "编号",
        "region": "地区",
        "name": "名称",
        "unit": "单位",
        "target": "目标",
        "deadline": "截止",
        "observed": "最新",
        "p_met": "达标 概率",
        "median": "中位数",
        "range": "10%–90%",
        "reached": "达标 月份",
        "status": "状态",
    },
}

#: The lines under the table, per language; ``{se}`` is the largest Monte Carlo standard error.
FOOTNOTES: dict[str, str] = {
    "en": "P(met): probability that the target is met by its deadline (Monte Carlo standard error at most "
    "{se}). median, 10%–90%: the value at the deadline. reached: the month by whose end half the "
    "simulated paths have reached the target (a level: at or after the latest report); "
    "'(late)' marks a month after the deadline's report (a "
    "mid-month deadline is judged on the report of the month before, in every column). due: the "
    "deadline (month-day); latest: the latest report and its month. Values in each indicator's unit.",
    "zh": "达标概率：截止日期前达到目标的概率（蒙特卡罗标准误不超过{se}）。中位数、10%–90%：截止日的取值。"
    "达标月份：半数模拟路径达到目标的月份（水平类指标自最新报告起计），“逾期”表示晚于截止日期所依据的月报（月中截止的目标以上月月报为准，各列一致）。"
    "截止：截止日期（月-日）；"
    "最新：最新报告的数值及其月份。"
    "数值均以各指标的单位计。",
}

_PROVINCE = {"en": "province", "zh": "全省"}
_MONTH = {"en": " ({:%b})", "zh": " （{0.month}月）"}
#: An annual mean's latest figure is the mean of the year so far, in the target's terms: say so.
_MEAN_TO = {"en": " (Jan–{:%b} mean)", "zh": " （1–{0.month}月均值）"}


def latest_suffix(kind: Any, month: Any, lang: str) -> str:
    """What the latest figure is, after it: its month, or for an annual mean the months it averages.

    ``" (Aug)"`` / ``" （8月）"``; an annual mean's latest figure is the mean of the year so
    far (the target's terms), ``" (Jan–Aug mean)"`` / ``" （1–8月均值）"``. "" without a month.
    """
    if not month or pd.isna(month):
        return ""
    stamp = pd.Timestamp(str(month))
    mean = str(kind) == "annual_mean" and stamp.month > 1
    return (_MEAN_TO if mean else _MONTH)[lang].format(stamp)


_LATE = {"en": " (late)", "zh": " 逾期"}


def reached_label(passage: Any, late: Any, lang: str) -> str:
    """The month the target is reached (median first passage), marked when it is after the deadline.

    The one rule for the "reached" column of the console table and the workbook.

    Parameters
    ----------
    passage : str or None
        ``first_passage_median`` ("YYYY-MM"; "", None or NaN where half the paths never reach it).
    late : bool
        ``first_passage_late``: that month is after the month whose report decides the
        deadline (a mid-month deadline is judged on the report of the month before).
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"2024-10"``, ``"2024-10 逾期"`` / ``"2024-10 (late)"``, or "" without a month.
    """
    if passage is None or (not isinstance(passage, str) and pd.isna(passage)) or not str(passage):
        return ""
    return str(passage) + (_LATE[lang] if bool(late) and not pd.isna(late) else "")


#: The sentence above the table, per language (see :func:`attainment_headline`).
HEADLINES: dict[str, str] = {
    "en": "As of {as_of}: {n} series forecast; {rows}; model {model}, scenario {scenario}, {draws} draws, "
    "seed {seed}.",
    "zh": "截至 {as_of}：预测 {n} 个序列；{rows}；模型 {model}，情景 {scenario}，模拟路径 {draws} 条，"
    "随机种子 {seed}。",
}
_ROWS = {
    "en": ("province rows shown (--all for prefectures)", "province and prefecture rows"),
    "zh": ("仅列全省（--all 列出各市地）", "全省及各市地"),
}


#: The command line's own lines (progress, files written, notes, the scenario table), per language.
MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "forecasting": "Forecasting {catalog} with {draws} draws, seed {seed} ...",
        "wrote": "Wrote {files}.",
        "wrote_in": "Wrote {files} in {seconds:.1f} s.",
        "wrote_bulletin": "Wrote {html} and {n} figures.",
        "synthetic": "NOTE: synthetic example data (longjiang_forecast.testing.synthetic_progress, seed "
        "{seed}); not real reports. Pass --progress FILE for real data.",
        "scenarios": "P(met) under the baseline and each scenario, in brackets the change against the "
        "baseline ({draws} draws; Monte Carlo s.e. of a change ≈ {se:.3f} at most; 0: the scenario touches "
        "no driver of the indicator), province rows:",
        "wrote_catalogue_tags": "Wrote the catalogue {source} to {path}, with tags on {tagged} of its "
        "{n} indicators.",
        "wrote_catalogue_plain": "Wrote the catalogue {source} to {path}, without tags (it has none; the "
        "shipped scenarios select indicators by tags: add a 'tags' column, see 'Tags' in "
        "docs/getting-started.md).",
        "wrote_example": "Wrote an example progress file for {source} to {path} (synthetic values marked "
        "in 'note').",
        "and": " and ",
        "comma": ", ",
    },
    "zh": {
        "forecasting": "正在预测 {catalog}：模拟路径 {draws} 条，随机种子 {seed} ……",
        "wrote": "已写出 {files}。",
        "wrote_in": "已写出 {files}，用时 {seconds:.1f} 秒。",
        "wrote_bulletin": "已写出 {html} 及 {n} 幅图。",
        "synthetic": "注意：合成示例数据（longjiang_forecast.testing.synthetic_progress，随机种子 {seed}），"
        "并非真实报告。使用真实数据请给出 --progress 文件。",
        "scenarios": "基准情景及各情景下的达标概率，括号内为相对基准情景的变化（模拟路径 {draws} 条；"
        "变化的蒙特卡罗标准误至多约 {se:.3f}；0 表示该情景不影响该指标），仅列全省：",
        "wrote_catalogue_tags": "已将目标清单 {source} 写入 {path}，{n} 项指标中 {tagged} 项带标签。",
        "wrote_catalogue_plain": "已将目标清单 {source} 写入 {path}，不带标签（清单没有标签；"
        "随附的情景按标签选择指标：请添加“tags”列，见 docs/getting-started.md 的“Tags”一节）。",
        "wrote_example": "已将 {source} 的示例进展文件写入 {path}（合成数值，已在“备注”列标明）。",
        "and": "和",
        "comma": "、",
    },
}


def console_message(key: str, lang: str, *, width: int | None = None, **fields: Any) -> str:
    """One line of the command line in ``lang``: a text of :data:`MESSAGES` filled with ``fields``.

    Parameters
    ----------
    key : str
        A key of :data:`MESSAGES` (``forecasting``, ``wrote``, ``wrote_in``,
        ``wrote_bulletin``, ``synthetic``, ``scenarios``, ...).
    lang : {"zh", "en"}
    width : int, optional
        Wrap to this many terminal columns (Chinese characters count two); unwrapped
        when None.
    **fields
        The fields of the text; ``files`` may be a list of paths, joined as the
        language lists them (``a, b and c``; ``a、b和c``).

    Returns
    -------
    str
        The text, without a final newline.
    """
    words = MESSAGES[lang]
    if isinstance(fields.get("files"), list | tuple):
        files = [str(f) for f in fields["files"]]
        head = words["comma"].join(files[:-1])
        fields["files"] = f"{head}{words['and']}{files[-1]}" if head else files[-1]
    text = words[key].format(**fields)
    return text if width is None else _wrap(text, width).rstrip("\n")


def _wrap(text: str, width: int) -> str:
    """``text`` wrapped to ``width`` terminal columns (Chinese characters count two), ending in a newline."""
    from rich.console import Console
    from rich.text import Text

    sink = io.StringIO()
    Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(Text(text))
    return "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"


def attainment_headline(lang: str, *, show_all: bool, **fields: Any) -> str:
    """The sentence above the console table: as-of month, series, model, scenario, draws, seed.

    ``fields`` fills :data:`HEADLINES` (``as_of``, ``n``, ``model``, ``scenario``,
    ``draws``, ``seed``).
    """
    return HEADLINES[lang].format(rows=_ROWS[lang][bool(show_all)], **fields)


def region_label(region: str, lang: str, regions: pd.DataFrame | None, written: Mapping[str, str]) -> str:
    """The name of a region for people: as the user wrote it, else the catalogue's, else the id.

    Parameters
    ----------
    region : str
        Region id (``province``, ``harbin``, ...).
    lang : {"zh", "en"}
    regions : pandas.DataFrame or None
        The catalogue's regions (columns ``region``, ``name_zh``, ``name_en``).
    written : mapping of str to str
        Region id -> the spelling of the progress file (``harbin`` -> ``哈尔滨市``).
        Used when it is in the chosen language (Chinese characters for ``zh``,
        none for ``en``) and is not the bare id.
    """
    if region == "province":
        return _PROVINCE[lang]
    spelled = str(written.get(region, "")).strip()
    if spelled and spelled != region and bool(re.search(r"[\u4e00-\u9fff]", spelled)) == (lang == "zh"):
        return spelled
    if regions is not None and len(regions):
        match = regions[regions["region"].astype(str) == region]
        if len(match):
            row = match.iloc[0]
            return display_name(row.get("name_zh"), row.get("name_en"), lang, spelled or region)
    return spelled or region


#: The note under the table naming the borderline series, per language.
BORDERLINE_NOTES: dict[str, tuple[str, str]] = {
    "en": (
        "borderline: P(met) lies within two Monte Carlo standard errors of a status band's edge, so the "
        "band is not decided, for {rows}. More draws decide it (--draws {draws} halves the standard error).",
        "{indicator}/{region} {p:.3f} at the edge {cut:g}",
    ),
    "zh": (
        "临界：以下序列的达标概率与状态档位界限相差不足两个蒙特卡罗标准误，档位未定：{rows}。"
        "增加模拟路径可以判定（--draws {draws} 使标准误减半）。",
        "{indicator}/{region} {p:.3f}（界限 {cut:g}）",
    ),
}


def borderline_note(
    rows: list[tuple[str, str, float, float]],
    draws: int,
    *,
    lang: str,
    width: int = 100,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
) -> str:
    """The note under the console table naming the borderline series, wrapped to ``width`` columns.

    Parameters
    ----------
    rows : list of (indicator, region, p_met, cut)
        The borderline series shown: P(met) and the band edge it lies near.
    draws : int
        The draws of the run; the note suggests four times as many.
    lang : {"zh", "en"}
    width : int
        Terminal width in columns (Chinese characters count two).
    regions, written
        Prefecture names, as in the table (:func:`region_label`).

    Returns
    -------
    str
        The note, lines at most ``width`` columns wide, ending in a newline; "" without rows.
    """
    if not rows:
        return ""
    sentence, row = BORDERLINE_NOTES[lang]
    parts = [
        row.format(
            indicator=i, region=region_label(str(r), lang, regions, written or {}), p=float(p), cut=float(c)
        )
        for i, r, p, c in rows
    ]
    text = sentence.format(rows=("；" if lang == "zh" else "; ").join(parts), draws=4 * int(draws))
    return _wrap(text, width)


def attainment_view(
    table: pd.DataFrame,
    *,
    lang: str,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """The attainment table as text for people, one string column per console column.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table` (columns :data:`~longjiang_forecast.pipeline.TABLE_COLUMNS`).
    lang : {"zh", "en"}
        Language of names, units, status and headers; a name missing in ``lang`` is
        shown in the other language, then as the id.
    regions, written
        See :func:`region_label`.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, region, name, unit, target, deadline (MM-DD), observed
        (value and month), p_met, median, range (q10 – q90), reached, status`` (the
        keys of :data:`HEADERS`), all str. Every value has the decimals of its unit
        (:func:`~longjiang_forecast._core.units.unit_decimals`) and thousands separators; the
        latest report and the quantiles get more where rounding would cross the target or hide
        a fraction of a small count (:func:`~longjiang_forecast._core.units.against_decimals`).
    """
    written = written or {}
    rows = []
    for rec in table.to_dict("records"):
        d = unit_decimals(rec["unit"], rec["target"])
        comparator = {">=": "≥", "<=": "≤"}.get(str(rec["comparator"]), str(rec["comparator"]))
        target = format_value(rec["target"], d)
        observed = format_against(
            rec.get("observed"), rec["target"], rec["unit"], rec["comparator"], missing=""
        )
        month = str(rec.get("observed_month") or "")
        if observed and month:
            observed += latest_suffix(rec.get("kind"), month, lang)
        reached = reached_label(rec.get("first_passage_median"), rec.get("first_passage_late", False), lang)
        low, high = (
            format_against(rec.get(q), rec["target"], rec["unit"], rec["comparator"], missing="")
            for q in ("q10", "q90")
        )
        rows.append(
            {
                "indicator": str(rec["indicator"]),
                "region": region_label(str(rec["region"]), lang, regions, written),
                "name": display_name(rec.get("name_zh"), rec.get("name_en"), lang, rec["indicator"]),
                "unit": unit_label(rec["unit"], lang),
                "target": f"{comparator} {target}" if target else "",
                "deadline": str(rec["deadline"])[5:],
                "observed": observed,
                "p_met": format_value(rec.get("p_met"), 2),
                "median": format_against(
                    rec.get("median"), rec["target"], rec["unit"], rec["comparator"], missing=""
                ),
                "range": f"{low} – {high}" if low and high else "",  # wraps after the dash
                "reached": reached,
                "status": status_word(rec["status"], lang),
            }
        )
    return pd.DataFrame(rows, columns=list(HEADERS["en"]))


def render_attainment(
    table: pd.DataFrame,
    *,
    lang: str,
    width: int = 100,
    show_region: bool = False,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
    headline: str = "",
) -> str:
    """The attainment table as console text no wider than ``width`` columns.

    Parameters
    ----------
    table, lang, regions, written
        As for :func:`attainment_view`.
    width : int
        Terminal width in columns (Chinese characters count two). Long names
        wrap within their column, so that two names never read the same.
    show_region : bool
        Add the region column (for prefecture rows).
    headline : str
        A sentence printed above the table, wrapped to ``width``.

    Returns
    -------
    str
        The table (laid out by ``rich``, no colour codes) and its footnote, each
        line at most ``width`` columns wide.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    view = attainment_view(table, lang=lang, regions=regions, written=written)
    columns = [c for c in view.columns if show_region or c != "region"]
    # A column is as wide as its longest word (its whole cell where it must not wrap): a report and its
    # month, a range, a late mark wrap onto a second line; the name takes the rest, wrapped between words.
    whole = ("indicator", "target", "deadline", "p_met", "median", "status")
    widths = {
        col: max(
            cell_len(part)
            for cell in [*view[col], HEADERS[lang][col]]
            for part in (
                [str(cell)] if col in whole and cell != HEADERS[lang][col] else str(cell).split() or [""]
            )
        )
        for col in columns
    }
    for col, cap in (
        ("unit", 13),
        ("region", 10),
        ("status", 12),
    ):  # long units and prefecture names wrap between words
        if col in widths:
            widths[col] = min(widths[col], cap)
    # The columns are one space apart (the box's blank divider); the name takes what is left, at least
    # 10 columns, narrowing the unit and region columns (to 6) where the numbers leave too little.
    widths["name"] = 10
    room = width - sum(widths.values()) - len(columns) + 1
    for col in ("unit", "region"):
        if col in widths and room < 0:
            cut = min(-room, widths[col] - 6)
            widths[col] -= max(cut, 0)
            room += max(cut, 0)
    widths["name"] += max(room, 0)
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=0, show_edge=False)
    for col in columns:
        grid.add_column(
            Text(HEADERS[lang][col]),
            justify="right" if col in ("target", "observed", "p_met", "median", "range") else "left",
            width=widths[col],
            overflow="fold",
        )
    for rec in view[columns].itertuples(index=False):
        grid.add_row(*(Text(str(v)) for v in rec))
    se = pd.to_numeric(table["p_met_se"], errors="coerce").max()
    sink = io.StringIO()
    console = Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False)
    if headline:
        console.print(Text(headline))
    console.print(grid)
    console.print(Text(FOOTNOTES[lang].format(se=format_value(se, 3) or "–")))
    return "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"
