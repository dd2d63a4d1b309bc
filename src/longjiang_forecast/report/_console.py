"""The attainment table on a terminal: formatted to each unit, in one language, within its width."""

from __future__ import annotations

import io
import math
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from .._core.names import display_name, first_named
from .._core.regions import top_level_name
from .._core.units import format_against, format_value, unit_decimals, unit_label
from ._text import in_chinese, status_word

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

#: The lines under the table, per language and shown column (``{se}``: the largest Monte Carlo
#: standard error); ``end`` always.
FOOTNOTES: dict[str, dict[str, str]] = {
    "en": {
        "p_met": "P(met): probability that the target is met by its deadline (Monte Carlo standard error at "
        "most {se}).",
        "p_met_settled": "P(met): 1 or 0 where given, settled from the reports (no Monte Carlo error).",
        "p_met_none": "P(met): none of the targets shown has one (why: 'No forecast' below).",
        "median": "median: the median of the value at the deadline.",
        "range": "10%–90%: the 10 % and 90 % quantiles of the value at the deadline.",
        "reached": "reached: the month by whose end half the simulated paths have reached the target (a "
        "level: at or after the latest report); 'late': after the deadline's report (a mid-month deadline "
        "is judged on the report of the month before, in every column).",
        "deadline": "due: the deadline (month-day).",
        "observed": "latest: the latest report, of the month in the header unless another is given; "
        "'mean': an annual mean's mean of the months so far.",
        "end": "Values in each indicator's unit; a name or unit ending in '…' is in full in attainment.csv "
        "and attainment.xlsx.",
    },
    "zh": {
        "p_met": "达标概率：截止日期前达到目标的概率（蒙特卡罗标准误不超过{se}）。",
        "p_met_settled": "达标概率：凡有者均为 1 或 0，已按报告判定（无蒙特卡罗误差）。",
        "p_met_none": "达标概率：所列目标均无（原因见下方“无法预测”）。",
        "median": "中位数：截止日取值的中位数。",
        "range": "10%–90%：截止日取值的10%、90%分位数。",
        "reached": "达标月份：半数模拟路径达到目标的月份（水平类指标自最新报告起计），"
        "“逾期”表示晚于截止日期所依据的月报（月中截止的目标以上月月报为准，各列一致）。",
        "deadline": "截止：截止日期（月-日）。",
        "observed": "最新：最新报告的数值，月份见表头（另注月份者除外）；"
        "“均值”：年均值类指标年初至该月的均值。",
        "end": "数值均以各指标的单位计；以“…”结尾的名称或单位，全文见 attainment.csv 与 attainment.xlsx。",
    },
}


def se_text(se: float) -> str:
    """A Monte Carlo standard error with three decimals, or as many as its first digit needs.

    Two million draws gave "at most 0.000", as if the error were none: 0.0003 is shown as such.
    """
    return format_value(se, max(3, -math.floor(math.log10(se))))


def _footnote(lang: str, columns: list[str], se: str | None) -> str:
    """The sentences of :data:`FOOTNOTES` for the shown ``columns``, in the table's order.

    ``se`` "" where no P(met) shown has a Monte Carlo error (all settled): the settled sentence;
    None where no target shown has a P(met) at all.
    """
    notes = FOOTNOTES[lang]
    instead = "p_met_none" if se is None else "p_met_settled" if not se else "p_met"
    columns = [instead if c == "p_met" else c for c in columns]
    keys = [k for k in [*columns, "end"] if k in notes]
    return ("" if lang == "zh" else " ").join(notes[k] for k in keys).format(se=se)


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


#: After the month a target is reached, when that is after the deadline's report.
_LATE = {"en": " late", "zh": "逾期"}
#: After an annual mean's latest figure, of the month the header names: the mean of the year so far.
_MEAN_MARK = {"en": " mean", "zh": " 均值"}
#: The month a target is reached, in the deadline's year.
_REACHED = {"en": "{:%b}", "zh": "{0.month}月"}


def reached_label(passage: Any, late: Any, lang: str, deadline: Any = None) -> str:
    """The month the target is reached (median first passage), marked when it is after the deadline.

    The one rule for the "reached" column of the console table and the workbook.

    Parameters
    ----------
    passage : str or None
        ``first_passage_median`` ("YYYY-MM"; "", None or NaN where half the paths never reach it).
    late : bool or None
        ``first_passage_late``: that month is after the month whose report decides the
        deadline (a mid-month deadline is judged on the report of the month before).
        None or NaN (no flag) is no mark.
    lang : {"zh", "en"}
    deadline : str, optional
        The target's deadline (YYYY-MM-DD). Given (the console table), a month in the
        deadline's year is shown by its name (``"Oct"``, ``"10月"``); without it (the
        workbook), or in another year, as YYYY-MM.

    Returns
    -------
    str
        ``"2024-10"``, ``"2024-10 late"`` / ``"2024-10 逾期"``, ``"Oct late"`` / ``"10月逾期"``;
        "" without a month.

    Examples
    --------
    >>> reached_label("2024-11", True, "zh", deadline="2024-10-20")
    '11月逾期'
    >>> reached_label("2024-11", True, "en")
    '2024-11 late'
    """
    if passage is None or (not isinstance(passage, str) and pd.isna(passage)) or not str(passage):
        return ""
    stamp = pd.Timestamp(str(passage))
    named = deadline is not None and stamp.year == pd.Timestamp(str(deadline)).year
    text = _REACHED[lang].format(stamp) if named else f"{stamp:%Y-%m}"
    if late is None or pd.isna(late) or not bool(late):
        return text
    return text + (" " if lang == "zh" and not named else "") + _LATE[lang]


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
#: The rows of data with no prefecture (national series, one city's PM2.5): every row is shown.
_ONLY_ROWS = {"en": "one row per target (no prefecture rows in the data)", "zh": "每项目标一行（数据无市地）"}


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
        "no driver of the indicator), {top} rows:",
        "wrote_catalogue_tags": "Wrote the catalogue {source} to {path}, with tags on {tagged} of its "
        "{n} indicators.",
        "wrote_catalogue_plain": "Wrote the catalogue {source} to {path}, without tags (it has none; the "
        "shipped scenarios select indicators by tags: add a 'tags' column, see 'Tags' in "
        "docs/getting-started.md).",
        "wrote_example": "Wrote an example progress file for {source} to {path} (synthetic values marked "
        "in 'note').",
        "next_year_head": "Next year's list ({year}) from the forecast as of {as_of}, every target met "
        "with probability {conf} (province rows; stretch: the proposal against this year's target and "
        "expected outcome, for a '<=' limit such as PM2.5 a rise is an easier target; Σ: what the "
        "prefectures' proposals at the same probability add up to):",
        "next_year_joint": "Every one of the {n} target(s) at {conf}: P(whole list met) {p_all:.2%} "
        "(± {se:.2%}), {missed:.1f} target(s) expected missed. For the whole list to be met with "
        "{list_p}, each target would need {need}.",
        "next_year_early": "Note: proposed as of {as_of}, from {months} month(s) of this year's reports; "
        "the list is due by the end of October, and proposals made from August on (the decision months) "
        "rest on most of the season.",
        "next_year_no_forecast": "Carried over at this year's target for want of a forecast, or of a "
        "positive proposal at this confidence ({n}; the note says which; check them before sending the "
        "list): {rows}.",
        "next_year_wrote": "Wrote next year's catalogue to {path} ({proposed} targets proposed, {carried} "
        "rows carried over unchanged; the source of each number in 'note'). Check it, then forecast "
        "next year with --catalog {path}.",
        "next_year_unreachable": "more than 99.9 % (not reachable with these proposals)",
        "next_year_easier": "Easier than this year's target at {conf} ({n}: a lower count, or a looser limit "
        "such as PM2.5, which policy may not allow; keep this year's target or a stricter one where it "
        "does not): {rows}.",
        "next_year_need_edge": "{need} (near the edge of what the {kept} kept paths show, so it moves with "
        "the seed; to propose at it with --confidence, run with --draws {n} --keep-paths {n})",
        "ingested": "Ingested {name} into {store}: {n_new} new reports, {n_revised} revised, {n_unchanged} "
        "unchanged.",
        "already_ingested": "{name} was already ingested (file {number} of the store); nothing changed.",
        "revisions": "Revisions ({n}; the earlier figures are kept as earlier vintages):",
        "revision": "  {series} {month}: {old} ({old_vintage}) -> {new} ({vintage}), {file}",
        "store_unchanged": "Nothing changed in {store}.",
        "published": "Published forecast {number} in {store} (vintage {vintage}); rebuild it with "
        "lf.store.rebuild('{store}', {number}).",
        "changes": "Why P(met) moved from forecast {from_id} to {to_id}: the {n} largest moves, each split "
        "into new reports, revisions of earlier months, catalogue and model settings, and Monte Carlo noise "
        "(the parts add up to the move; a part under twice the s.e. is within noise).",
        "change": "- {series}: P(met) {p_from:.2f} -> {p_to:.2f} ({change:+.2f}; {status_from} -> "
        "{status_to}): new reports {news:+.2f}, revisions {revisions:+.2f}, settings {settings:+.2f}, "
        "noise {noise:+.2f} (s.e. {noise_se:.2f}).",
        "news_parts": "  new reports by region: {parts}",
        "as_of_part": "the month passing",
        "news": "The news from forecast {from_id} (as of {as_of_from}) to {to_id} (as of {as_of_to}): {n} "
        "new or revised reports, {shown} shown (--all: the prefectures too; --out DIR: all in news.csv), "
        "each new report against what forecast {from_id} expected for it.",
        "track_record": "Track record of {n_forecasts} published forecasts in {store} ({models}), against "
        "the outcomes it holds at vintage {vintage}: {n_scored} series forecasts scored, {n_pending} pending "
        "(outcome not in the store yet), {n_decided} already decided when published, {n_none} without a "
        "forecast{later}.",
        "track_later": ", {n} published from reports after the vintage",
        "track_superseded": ", {n} superseded by a later publication of the same model and month (each "
        "month is scored once, as last published)",
        "track_awaited": " (the report of the deadline's month, e.g. {first})",
        "track_pending": "Outcomes awaited ({n} series): {series}{more}.",
        "track_more": " and {n} more (all in track_record.csv)",
        "track_none": "{store}: none of the {n} published series forecasts can be scored yet: {n_pending} "
        "await their outcome{first}, {n_decided} were "
        "decided when published{later}. Ingest the year-end or deadline reports (`longjiang-forecast "
        "ingest FILE --store {store}`), then run track-record again. Nothing was written.",
        "flags_out_suffix": "--out {target}: give a .csv or .xlsx file name, e.g. flags.csv "
        "(nothing was run).",
        "flags_out_folder": "--out {target} is a folder; give a file name, e.g. {example} (nothing was run).",
        "flags_out_exists": "--out {target} exists; nothing was run and nothing was replaced. Choose another "
        "file, or add --overwrite to replace it.",
        "flags_alpha": "--alpha {alpha}: give a probability between 0 and 1, e.g. 0.01.",
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
        "变化的蒙特卡罗标准误至多约 {se:.3f}；0 表示该情景不影响该指标），仅列{top}：",
        "wrote_catalogue_tags": "已将目标清单 {source} 写入 {path}，{n} 项指标中 {tagged} 项带标签。",
        "wrote_catalogue_plain": "已将目标清单 {source} 写入 {path}，不带标签（清单没有标签；"
        "随附的情景按标签选择指标：请添加“tags”列，见 docs/getting-started.md 的“Tags”一节）。",
        "wrote_example": "已将 {source} 的示例进展文件写入 {path}（合成数值，已在“备注”列标明）。",
        "next_year_head": "明年（{year} 年）清单建议（依据截至 {as_of} 的预测），每项目标的达成概率为 "
        "{conf}（仅列全省；"
        "提升幅度：建议值相对今年目标和今年预期完成值，对 PM2.5 等“≤”上限，上升即目标放宽；"
        "Σ：各市同一概率下建议值之和）：",
        "next_year_joint": "{n} 项目标均按 {conf} 设定：全部完成的概率 {p_all:.2%}（± {se:.2%}），"
        "预期未完成 {missed:.1f} 项。若要全部完成的概率达到 {list_p}，每项目标需按 {need} 设定。",
        "next_year_early": "注意：建议依据截至 {as_of} 的预测，仅有今年 {months} 个月的进展；"
        "清单须在 10 月底前报送，8 月起（决策月份）提出的建议才覆盖大部分施工季。",
        "next_year_no_forecast": "以下目标无预测、或在此概率下没有正的建议值，按今年目标原样沿用"
        "（{n} 项，原因见备注；报送前请核对）：{rows}。",
        "next_year_wrote": "已将明年目标清单写入 {path}（建议目标 {proposed} 项，原样沿用 {carried} 行；"
        "每个数的来源见“note”列）。核对后，明年可用 --catalog {path} 进行预测。",
        "next_year_unreachable": "99.9% 以上（按这些建议无法达到）",
        "next_year_easier": "置信度 {conf} 下比今年目标更宽松的建议（{n} 项：数量更低，或限值更松，如 PM2.5，"
        "政策上未必允许；如不允许，请保持今年的目标或更严）：{rows}。",
        "next_year_need_edge": "{need}（已接近 {kept} 条保留路径所能分辨的极限，随种子变动；如要以此作为 "
        "--confidence 提出目标，请用 --draws {n} --keep-paths {n} 运行）",
        "ingested": "已将 {name} 录入 {store}：新报告 {n_new} 条，修订 {n_revised} 条，"
        "未变 {n_unchanged} 条。",
        "already_ingested": "{name} 此前已录入（库中第 {number} 个文件）；未作任何改动。",
        "revisions": "修订 {n} 条（原数值作为较早版本保留）：",
        "revision": "  {series} {month}：{old}（{old_vintage}）→ {new}（{vintage}），{file}",
        "store_unchanged": "{store} 未作任何改动。",
        "published": "已在 {store} 中发布第 {number} 号预测（数据版本 {vintage}）；可用 "
        "lf.store.rebuild('{store}', {number}) 重建。",
        "changes": "第 {from_id} 号到第 {to_id} 号预测达标概率为何变化：变化最大的 {n} 项，各分解为新报告、"
        "以前月份的修订、清单与模型设置、蒙特卡罗误差（各部分之和等于变化；小于两倍标准误的部分在误差之内）。",
        "change": "- {series}：达标概率 {p_from:.2f} → {p_to:.2f}（{change:+.2f}；{status_from} → "
        "{status_to}）：新报告 {news:+.2f}，修订 {revisions:+.2f}，设置 {settings:+.2f}，"
        "蒙特卡罗误差 {noise:+.2f}（标准误 {noise_se:.2f}）。",
        "news_parts": "  新报告按地区：{parts}",
        "as_of_part": "月份推移",
        "news": "第 {from_id} 号预测（截至 {as_of_from}）到第 {to_id} 号预测（截至 {as_of_to}）的新息："
        "新报告及修订共 {n} 条，列出 {shown} 条（--all 含各市；--out 目录：全部写入 news.csv），"
        "每条新报告与第 {from_id} 号预测对它的预期相比。",
        "track_record": "{store} 中已发布的 {n_forecasts} 次预测（{models}）的实绩，以数据版本 {vintage} "
        "库中的结果衡量：已评分 {n_scored} 项序列预测，待结果 {n_pending} 项（库中尚无结果），"
        "发布时已定 {n_decided} 项，无预测 {n_none} 项{later}。",
        "track_later": "，另有 {n} 项所依据的报告晚于该数据版本",
        "track_superseded": "，另有 {n} 项已被同一模型同月份的后续发布取代"
        "（每个月份只按最后一次发布评分一次）",
        "track_awaited": "（截止月份的报告，如 {first}）",
        "track_pending": "待结果（{n} 个序列）：{series}{more}。",
        "track_more": "等，另有 {n} 个（全部见 track_record.csv）",
        "track_none": "{store}：已发布的 {n} 项序列预测尚无可评分者：{n_pending} 项待结果{first}，"
        "{n_decided} 项发布时已定{later}。请先录入年终或截止月份的报告"
        "（`longjiang-forecast ingest 文件 --store {store}`），再运行 track-record。未写出任何文件。",
        "flags_out_suffix": "--out {target}：请给出 .csv 或 .xlsx 文件名，例如 flags.csv（未运行）。",
        "flags_out_folder": "--out {target} 是文件夹；请给出文件名，例如 {example}（未运行）。",
        "flags_out_exists": "--out {target} 已存在；未运行，也未替换任何文件。"
        "请换一个文件名，或加上 --overwrite 替换它。",
        "flags_alpha": "--alpha {alpha}：请给出 0 到 1 之间的概率，例如 0.01。",
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
    """``text`` wrapped to ``width`` terminal columns (Chinese characters count two), ending in a newline.

    Each line of ``text`` is wrapped on its own and keeps its indent; a wrapped line never starts
    with a space.
    """
    from rich.console import Console
    from rich.text import Text

    lines: list[str] = []
    for paragraph in text.split("\n"):
        sink = io.StringIO()
        Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(
            Text(paragraph)
        )
        wrapped = [line.rstrip() for line in sink.getvalue().splitlines()] or [""]
        # rich keeps the space before a word that follows Chinese text at the start of the next line
        lines += wrapped[:1] + [line.lstrip(" ") for line in wrapped[1:]]
    return "\n".join(lines) + "\n"


def attainment_headline(lang: str, *, show_all: bool, prefectures: bool = True, **fields: Any) -> str:
    """The sentence above the console table: as-of month, series, model, scenario, draws, seed.

    ``fields`` fills :data:`HEADLINES` (``as_of``, ``n``, ``model``, ``scenario``,
    ``draws``, ``seed``). ``prefectures``: whether the table has prefecture rows at all (without
    them, e.g. the national series, the headline does not point to ``--all``).
    """
    rows = _ROWS[lang][bool(show_all)] if prefectures else _ONLY_ROWS[lang]
    return HEADLINES[lang].format(rows=rows, **fields)


def region_label(
    region: str, lang: str, regions: pd.DataFrame | None, written: Mapping[str, str], tags: str = ""
) -> str:
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
    tags : str, default ""
        The catalogue tags of the row's indicator: they name the top level
        (``province``) of a national series 全国 / national, of a city's 全市 /
        city (:func:`~longjiang_forecast._core.regions.top_level_name`); else
        全省 / province.
    """
    if region == "province":
        return top_level_name(tags, lang)
    spelled = str(written.get(region, "")).strip()
    if spelled and spelled != region and bool(re.search(r"[\u4e00-\u9fff]", spelled)) == (lang == "zh"):
        return spelled
    if regions is not None and len(regions):
        ids = [str(r) for r in regions["region"].tolist()]  # a list, not a pandas mask: called per row
        if region in ids:
            row = regions.iloc[ids.index(region)]
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


def no_forecast_lines(table: pd.DataFrame, lang: str, shown: int = 8) -> list[str]:
    """Why each series of ``table`` (an attainment table) with status "no forecast" has none, by reason.

    One line per reason, "No forecast: 05a, 06a (+2): qualitative: no number to forecast" (the
    series' ids, a prefecture's as ``indicator/region``, the first ``shown`` of them), in ``lang``;
    ``[]`` where none lacks one.
    """
    none = table[table["status"] == "no forecast"]
    by_reason: dict[str, list[str]] = {}
    for row in none.itertuples():
        who = str(row.indicator) if row.region == "province" else f"{row.indicator}/{row.region}"
        by_reason.setdefault(str(row.reason or "no reason given"), []).append(who)
    head, colon = ("无预测：", "：") if lang == "zh" else ("No forecast: ", ": ")
    return [
        f"{head}{first_named(series, shown)}{colon}{in_chinese(reason) if lang == 'zh' else reason}"
        for reason, series in by_reason.items()
    ]


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


def _latest_cell(observed: str, kind: Any, month: str, common: str, lang: str) -> str:
    """The latest figure in the table: bare when of the month the header names, else with its month.

    An annual mean's figure is the mean of the year so far: ``" mean"`` / ``" 均值"`` after it
    when the header gives the month (the months it averages, :func:`latest_suffix`, otherwise).
    """
    if not observed or not month:
        return observed
    if month != common:
        return observed + latest_suffix(kind, month, lang)
    mean = str(kind) == "annual_mean" and pd.Timestamp(month).month > 1
    return observed + (_MEAN_MARK[lang] if mean else "")


#: Between the bounds of an interval with a negative bound, where an en dash would read as a minus.
_TO = {"en": " to ", "zh": "至"}


def interval_text(low: str, high: str, lang: str) -> str:
    """The 10%–90% interval of the console table: ``low–high``, unambiguous when a bound is negative.

    Parameters
    ----------
    low, high : str
        The formatted bounds (a negative one starts with ``-``); "" where missing.
    lang : {"zh", "en"}

    Returns
    -------
    str
        ``"14,283–101,004"`` between non-negative bounds; with a negative bound the minus
        sign ``−`` and a word between them, ``"−6.759 to −1.901"`` / ``"−6.759至−1.901"``
        (``-6.759–-1.901`` read as a subtraction); "" when a bound is missing.

    Examples
    --------
    >>> interval_text("-6.759", "-1.901", "en"), interval_text("-0.5", "1.2", "zh")
    ('−6.759 to −1.901', '−0.5至1.2')
    """
    if not low or not high:
        return ""
    if not low.startswith("-") and not high.startswith("-"):
        return f"{low}–{high}"
    low, high = (("−" + b[1:]) if b.startswith("-") else b for b in (low, high))
    return f"{low}{_TO[lang]}{high}"


def latest_month(table: pd.DataFrame) -> str:
    """The month (YYYY-MM) of most rows' latest report, which the table's header names; "" if none."""
    months = table["observed_month"].dropna().astype(str) if "observed_month" in table else pd.Series([])
    months = months[months != ""]
    return str(months.mode().iloc[0]) if len(months) else ""


def attainment_view(
    table: pd.DataFrame,
    *,
    lang: str,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
    top_levels: Mapping[str, str] | None = None,
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
    top_levels : mapping of str to str, optional
        Indicator -> its catalogue tags where they name its top level
        (:func:`~longjiang_forecast._core.regions.top_level_tags`): 全国 for a national
        series, not 全省.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, region, name, unit, target, deadline (MM-DD), observed,
        p_met, median, range (q10–q90), reached, status`` (the keys of :data:`HEADERS`),
        all str, in the table's compact forms: ``observed`` bare when of the month
        most rows report (``attrs["latest_month"]``, named in the header; see
        :func:`latest_month`), an annual mean's marked ``mean``/``均值``, a report of
        another month followed by it (:func:`latest_suffix`); ``reached`` the month's
        name (``Dec``, ``12月``; YYYY-MM in another year than the deadline's), ``late``/
        ``逾期`` after the deadline's report. Every value has the decimals of its unit
        (:func:`~longjiang_forecast._core.units.unit_decimals`) and thousands separators; the
        latest report and the quantiles get more where rounding would cross the target or hide
        a fraction of a small count (:func:`~longjiang_forecast._core.units.against_decimals`).
    """
    written = written or {}
    common = latest_month(table)
    rows = []
    for rec in table.to_dict("records"):
        d = unit_decimals(rec["unit"], rec["target"])
        comparator = {">=": "≥", "<=": "≤"}.get(str(rec["comparator"]), str(rec["comparator"]))
        target = format_value(rec["target"], d)
        observed = format_against(
            rec.get("observed"), rec["target"], rec["unit"], rec["comparator"], missing=""
        )
        month = rec.get("observed_month")
        month = "" if month is None or pd.isna(month) else str(month)
        low, high = (
            format_against(rec.get(q), rec["target"], rec["unit"], rec["comparator"], missing="")
            for q in ("q10", "q90")
        )
        rows.append(
            {
                "indicator": str(rec["indicator"]),
                "region": region_label(
                    str(rec["region"]),
                    lang,
                    regions,
                    written,
                    (top_levels or {}).get(str(rec["indicator"]), ""),
                ),
                "name": display_name(rec.get("name_zh"), rec.get("name_en"), lang, rec["indicator"]),
                "unit": unit_label(rec["unit"], lang),
                "target": f"{comparator} {target}" if target else "",
                "deadline": str(rec["deadline"])[5:],
                "observed": _latest_cell(observed, rec.get("kind"), month, common, lang),
                "p_met": format_value(rec.get("p_met"), 2),
                "median": format_against(
                    rec.get("median"), rec["target"], rec["unit"], rec["comparator"], missing=""
                ),
                "range": interval_text(low, high, lang),
                "reached": reached_label(
                    rec.get("first_passage_median"),
                    rec.get("first_passage_late"),
                    lang,
                    deadline=rec["deadline"],
                ),
                "status": status_word(rec["status"], lang),
            }
        )
    view = pd.DataFrame(rows, columns=list(HEADERS["en"]))
    view.attrs["latest_month"] = common
    return view


#: The least width of the name column; below it the columns of :data:`DROPPED_FIRST` are left out.
NAME_MIN = 14
#: The widest a unit or prefecture name is shown (longer ones end in "…"; in full in the files).
CAPS = {"unit": 11, "region": 10}
#: The narrowest the capped columns go before a column is left out.
FLOORS = {"unit": 6, "region": 6}
#: The columns left out, in this order, where the terminal is too narrow for a name of NAME_MIN.
DROPPED_FIRST = ("reached", "range", "median", "deadline")

#: The line under a table that left columns out, per language.
NARROW: dict[str, str] = {
    "en": "Not shown at {width} columns: {cols} (a wider terminal shows them; attainment.csv and "
    "attainment.xlsx hold every column).",
    "zh": "终端宽 {width} 列，未显示：{cols}（加宽终端即可显示；"
    "attainment.csv 与 attainment.xlsx 含全部列）。",
}


def _header_lines(text: str, width: int) -> str:
    """A header's words packed into lines of ``width`` columns (a word longer stays whole)."""
    from rich.cells import cell_len

    lines: list[str] = []
    for word in text.split():
        if lines and cell_len(lines[-1]) + 1 + cell_len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "\n".join(lines)


def render_attainment(
    table: pd.DataFrame,
    *,
    lang: str,
    width: int = 100,
    show_region: bool = False,
    regions: pd.DataFrame | None = None,
    written: Mapping[str, str] | None = None,
    top_levels: Mapping[str, str] | None = None,
    headline: str = "",
) -> str:
    """The attainment table as console text no wider than ``width`` columns, one line a row.

    Parameters
    ----------
    table, lang, regions, written, top_levels
        As for :func:`attainment_view`.
    width : int
        Terminal width in columns (Chinese characters count two). The name takes
        what the numbers leave; a longer name ends in "…" (``attainment.csv`` and
        ``attainment.xlsx`` hold it in full), as do a unit longer than 11 columns
        and a prefecture name longer than 10. Numbers are never cut. Where even
        then a name gets fewer than :data:`NAME_MIN` columns, the columns of
        :data:`DROPPED_FIRST` are left out in that order, named in a line under
        the table (:data:`NARROW`).
    show_region : bool
        Add the region column (for prefecture rows).
    headline : str
        A sentence printed above the table, wrapped to ``width``.

    Returns
    -------
    str
        The table (laid out by ``rich``, no colour codes), one line per row, under
        headers of one or two lines, and its footnote, each line at most ``width``
        columns wide.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    view = attainment_view(table, lang=lang, regions=regions, written=written, top_levels=top_levels)
    month = view.attrs["latest_month"]
    headers = dict(HEADERS[lang])
    if month:
        headers["observed"] += _MONTH[lang].format(pd.Timestamp(month))
    columns = [c for c in view.columns if show_region or c != "region"]
    # A column is as wide as its widest cell, or its header's longest word (headers wrap between words).
    widths = {
        col: max([cell_len(str(cell)) for cell in view[col]] + [cell_len(w) for w in headers[col].split()])
        for col in columns
    }
    for col, cap in CAPS.items():
        if col in widths:
            widths[col] = min(widths[col], cap)
    name_wanted = widths.pop("name")

    def room() -> int:  # what the name column gets: the width less the other columns and one-space gaps
        return width - sum(widths.values()) - (len(widths))

    dropped = []
    for col in DROPPED_FIRST:  # leave out the least needed columns where the name gets too little
        if room() >= NAME_MIN:
            break
        if col in widths:
            del widths[col]
            dropped.append(col)
    for col, floor in FLOORS.items():  # then narrow the unit and region columns
        if col in widths and room() < NAME_MIN:
            widths[col] = max(floor, widths[col] - (NAME_MIN - room()))
    widths["name"] = max(min(name_wanted, room()), 1)
    columns = [c for c in columns if c in widths]
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=0, show_edge=False)
    for col in columns:
        grid.add_column(
            Text(_header_lines(headers[col], widths[col])),
            justify="right" if col in ("target", "observed", "p_met", "median", "range") else "left",
            width=widths[col],
            no_wrap=True,
            overflow="ellipsis",
        )
    for rec in view[columns].itertuples(index=False):
        grid.add_row(*(Text(str(v)) for v in rec))
    se = pd.to_numeric(table["p_met_se"], errors="coerce").max()
    sink = io.StringIO()
    Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(grid)
    text = "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"
    shown_se: str | None = se_text(se) if se > 0 else ""  # NaN > 0 is False: none with an error
    if pd.to_numeric(table["p_met"], errors="coerce").isna().all():
        shown_se = None  # no target shown has a P(met): neither an error nor a settled one
    text += _wrap(_footnote(lang, columns, shown_se), width)
    if dropped:
        names = (
            "、".join(headers[c].replace(" ", "") for c in dropped)
            if lang == "zh"
            else ", ".join(headers[c] for c in dropped)
        )
        text += _wrap(NARROW[lang].format(width=width, cols=names), width)
    return (_wrap(headline, width) if headline else "") + text
