# ruff: noqa: E501  (prose and table headers of the page, kept one sentence a line)
"""Words of the bulletin, Chinese and English, and the colours of the status bands."""

from __future__ import annotations

import re
from typing import Any

#: Colours of the status bands (ColorBrewer RdYlGn and greys), in the order of the legend.
STATUS_COLOURS: dict[str, str] = {
    "achieved": "#1a9850",
    "on track": "#a6d96a",
    "watch": "#fee08b",
    "at risk": "#fdae61",
    "off track": "#f46d43",
    "missed": "#a50026",
    "borderline": "#ffffbf",
    "no report yet": "#d9d9d9",
    "no forecast": "#f0f0f0",
    "no share": "#ffffff",
}

#: Names of the status bands shown on the page.
STATUS_NAMES: dict[str, dict[str, str]] = {
    "en": {k: k for k in STATUS_COLOURS},
    "zh": {
        "achieved": "已完成",
        "on track": "进展顺利 (≥80%)",
        "watch": "需关注 (50–80%)",
        "at risk": "有风险 (20–50%)",
        "off track": "严重滞后 (<20%)",
        "missed": "未完成",
        "borderline": "临界 (距档位界限不足两个标准误)",
        "no report yet": "尚未报告",
        "no forecast": "无法预测",
        "no share": "未分得任务（目标为 0）",
        "below all bands": "低于所有档位",
    },
}
STATUS_NAMES["en"].update(
    {
        "on track": "on track (≥80%)",
        "watch": "watch (50–80%)",
        "at risk": "at risk (20–50%)",
        "off track": "off track (<20%)",
        "borderline": "borderline (within 2 s.e. of a band edge)",
        "no share": "no share (target 0)",
    }
)

TEXT: dict[str, dict[str, Any]] = {
    "zh": {
        "title": "民生实事进展月报（截至 {as_of}）",
        "source_line": "数据来源：{source} · 截至 {as_of} · 模型 {model} · 模拟路径 {draws} 条{kept} · 随机种子 {seed}",
        "kept_paths": "（全部事项整体完成情况、扇形图、排名概率、所需进度和明年目标基于其中前 {kept} 条）",
        "synthetic": "合成示例数据（非真实报告）",
        "bundled": "随软件附带的 {name}",
        "data_identity": "（数据版本 {vintage}，SHA-256 {sha}…）",
        "created": "生成时间 {created_at}（世界协调时）· 软件版本 {version}",
        "attainment": "一、达标情况",
        "attainment_note": "每项指标在截止日期达标的概率（模拟路径中达标的比例）及截止日取值的 10%/50%/90% 分位数；"
        "状态按达标概率分档。",
        "attainment_header": [
            "指标",
            "名称",
            "目标",
            "单位",
            "截止日期",
            "最新报告",
            "达标概率",
            "截止日取值 10%/50%/90%",
            "所需月均进度",
            "近期月均进度（月份）",
            "状态",
        ],
        "model_rate_header": "模型预期月均进度（剩余月份）",
        "portfolio_plain": "二、整体完成情况",
        "portfolio_list": "二、{n}件民生实事整体完成情况",
        "portfolio_neutral": "二、全部事项整体完成情况（共 {n} 件）",
        "portfolio_part": "二、有预测的 {n} 件事项整体完成情况（清单共 {total} 件）",
        "portfolio_part_note": "清单共 {total} 件事项，其中 {left} 件没有可预测的指标（无数据或为定性任务），"
        "未计入以下概率：这里的“全部完成”只指有预测的 {n} 件，不是整个清单。",
        "p_all": "{n} 件全部完成的概率",
        "expected_items": "预计全部完成的事项数",
        "p_most": "至少完成 {k} 件（共 {n} 件）的概率",
        "drivers_note": "风险来源：若该指标确定达标，预计全部完成的事项数增加多少（件）。"
        "一个事项的全部指标都达标才算完成，所以补上一项指标只在同一事项的其他指标都达标时才多完成一件。",
        "drivers_note_joint": "最后一列是在该指标未达标的模拟路径中，同一事项其他指标都达标的比例，"
        "即确定补上该指标后该事项随之完成的概率；单指标事项为 100%。",
        "drivers_header": [
            "指标",
            "名称",
            "地区",
            "所属事项",
            "达标概率",
            "确定达标时增加（件）",
        ],
        "drivers_joint_header": "补上该指标即完成该事项的概率",
        "fans": "三、分指标进度扇形图",
        "fans_note": "黑线为已报告进度（年均值类指标为1月至当月的均值）；蓝色区域为模拟路径的 10%–90% 与 25%–75% 区间，蓝线为中位数；"
        "红色虚线为目标，灰色点线为截止日期。",
        "fan_alt": "扇形图",
        "heatmap": "四、分地市达标概率",
        "no_prefectures": "本次数据没有分地市的报告。",
        "first_passage": "五、首次达标月份分布",
        "first_passage_note": "每行一项指标：各月首次达到目标的概率，最后一列为年内未达标的概率；"
        "红框为判定是否达标所依据的月报月份：月末截止的为截止当月，月中截止的为上月（各列同一规则）。",
        "first_passage_mid": "月中截止：{rows}。",
        "first_passage_mid_row": "{indicator}（{date}截止，看{month}月月报）",
        "no_first_passage": "没有可计算首次达标时间的指标（年均值类指标没有首次达标时间）。",
        "ranking": "六、地市进度排名（挣值进度法 SPI(t)）",
        "ranking_note": "SPI(t) = 挣得进度 ÷ 实际时间（Lipke 2003）：挣得进度为计划进度曲线达到已报告值的时间。"
        "1 表示按计划，小于 1 表示滞后；按该地市各指标的平均值排名。",
        "ranking_header": [
            "排名",
            "地市",
            "平均 SPI(t)",
            "最低 SPI(t)（指标）",
            "滞后指标数",
            "平均达标概率",
        ],
        "no_ranking": "没有分地市的数量类指标，无法排名。",
        "ranking_excluded": "未计入排名（水平值低于计划的起点即基准值，SPI(t) 无论进展如何都为 0）：{rows}。",
        "ranking_excluded_row": "{indicator}：{regions}",
        "pace": "七、所需进度",
        "pace_note": "为以 {p} 的概率达标，从最新报告到截止日期每月需要完成的量；“所需/模型预期”为其与模型预期月均进度之比，大于 1 即达标概率低于 {p}。近期月均进度为括号内各月的实际进度，仅供参照：模型预期的是此后各月（含季节变化）的进度。",
        "pace_header": [
            "指标",
            "名称",
            "尚差",
            "剩余月数",
            "平均所需（不计不确定性）",
            "所需月均进度",
            "近期月均进度（月份）",
            "所需/模型预期",
            "说明",
        ],
        "pace_detail": "分地市明细",
        "region": "地区",
        "next_year": "八、明年目标建议",
        "next_year_note": "以今年模拟的截止日取值（今年的能力）乘以历年增长率（参考类法；增长率的不确定性"
        "按往年年数计入，t 分布；同类比值有 3 个以上、跨 2 年以上时，与其自身的分布形状混合）估算明年的取值，"
        "列出分别有 50%/70%/80%/90% 把握完成的目标值（按单位向稳妥一侧取整，与明年目标清单一致）。",
        "next_year_header": ["指标", "名称", "今年目标", "单位", "今年预计（中位数）", "方法"],
        "next_year_whole_list": "建议了目标的 {n} 项：均按 {conf} 设定时，全部完成的概率为 {p_all}，预期未完成 {missed} 项；"
        "若要全部完成的概率达到 {list_p}，每项目标需按 {need} 设定。",
        "next_year_unreachable": "99.9% 以上（无法达到）",
        "scenarios": "九、情景比较",
        "scenarios_note": "各情景下的达标概率；括号内为相对基准情景的变化（百分点）。",
        "scenarios_own_run": "本表来自单独的情景运行（longjiang-forecast scenarios）：其基准情景与第一部分的达标概率因"
        "蒙特卡罗误差最多相差 {points} 个百分点；情景之间请在本表内比较。",
        "changes": "十、本月变化",
        "changes_note": "与上一期发布的预测相比，达标概率变化最大的 {n} 项，各分解为新报告、以前月份的修订、"
        "清单与模型设置、蒙特卡罗误差（第 {from_id} 号到第 {to_id} 号预测；各部分之和等于变化，"
        "小于两倍标准误的部分在误差之内）。",
        "integrity": "附录：报送数据核查",
        "notices": "本次运行的提示",
        "integrity_note": "{series} 个序列本年 {reports} 条报告中，与模型和本地区往年相比异常的标记 {n} 条"
        "（得分为模型下出现如此情况的尾部概率，低于 {alpha} 即标记；{not_checked} 个序列无季节参照，未全部核查）。"
        "标记仅供督查核实，数据未作任何删改。",
        "integrity_none_judged": "本年报告所属的 {not_checked} 个序列均无季节参照（如 PM2.5 等年均值指标），"
        "这些核查规则不适用，故未作核查；数据未作任何删改。",
        "integrity_header": ["指标", "地区", "月份", "规则", "得分", "理由", "文件行"],
        "track_record": "十一、预测实绩",
        "track_record_note": "此前发布的 {forecasts} 次预测，以库中现有的结果（数据版本 {vintage}）衡量："
        "已评分 {scored} 项序列预测，待结果 {pending} 项，发布时已定 {decided} 项（不评分）。",
        "baseline": "基准情景",
        "indicator": "指标",
        "name": "名称",
        "no_planning": "未计算规划结果。调用时请传入：",
        "method": "方法说明",
        "method_note": "达标概率来自{model}的蒙特卡罗模拟（方法见项目文档“方法”页）；"
        "规划指标的定义见“规划”页，本月报的说明见“月报”页。",
    },
    "en": {
        "title": "Livelihood targets: monthly bulletin (as of {as_of})",
        "source_line": "Data source: {source} · as of {as_of} · model {model} · {draws} draws{kept} · seed {seed}",
        "kept_paths": " (all items together, fan charts, rank probabilities, required pace and next year's targets on the first {kept} of them)",
        "synthetic": "synthetic example data (not real reports)",
        "bundled": "the bundled {name}",
        "data_identity": " (data vintage {vintage}, SHA-256 {sha}…)",
        "created": "Created {created_at} UTC · longjiang_forecast {version}",
        "attainment": "1. Attainment",
        "attainment_note": "Probability that each target is met at its deadline (share of simulated paths), the "
        "10/50/90 % quantiles of the value at the deadline, and the status band.",
        "attainment_header": [
            "indicator",
            "name",
            "target",
            "unit",
            "deadline",
            "latest report",
            "P(met)",
            "deadline value 10/50/90 %",
            "required rate",
            "recent rate (months)",
            "status",
        ],
        "model_rate_header": "model's expected pace (months left)",
        "portfolio_plain": "2. The list as a whole",
        "portfolio_list": "2. The {n} livelihood items as a whole",
        "portfolio_neutral": "2. All items together ({n} items)",
        "portfolio_part": "2. The {n} items with a forecast, as a whole (the list has {total})",
        "portfolio_part_note": "The list has {total} items; {left} of them have no forecastable indicator "
        "(no data, or a qualitative task) and are left out of these probabilities: 'all met' here means the "
        "{n} items with a forecast, not the whole list. ",
        "p_all": "P(all {n} items fully met)",
        "expected_items": "expected items fully met",
        "p_most": "P(at least {k} of {n} items met)",
        "drivers_note": "Risk drivers: the gain in expected items fully met if the indicator were certainly met. "
        "An item is met only when all its indicators are, so meeting one indicator completes its item only "
        "where the item's other indicators are met.",
        "drivers_note_joint": "Last column: among the simulated paths where the indicator fails, the share where "
        "the other indicators of its item are met, i.e. the probability that meeting it completes the item "
        "(100 % for an item with one indicator).",
        "drivers_header": [
            "indicator",
            "name",
            "region",
            "item",
            "P(met)",
            "gain if certain (items)",
        ],
        "drivers_joint_header": "P(item completed if this indicator is met)",
        "fans": "3. Fan charts",
        "fans_note": "Black: reports (an annual mean's: the mean of January to each month). Blue: 10–90 % and 25–75 % of simulated paths, median line. Red dashes: "
        "target. Grey dots: deadline.",
        "fan_alt": "fan chart",
        "heatmap": "4. P(met) by prefecture",
        "no_prefectures": "No prefecture reports in this data.",
        "first_passage": "5. First passage",
        "first_passage_note": "One row per indicator: P(target first reached in each month), last column P(not "
        "reached by December). The outlined cell is the month whose report decides the deadline: the "
        "deadline's month for a deadline at a month's end, the month before for a mid-month deadline (the "
        "rule of every column).",
        "first_passage_mid": "Mid-month deadlines: {rows}.",
        "first_passage_mid_row": "{indicator} (due {date}: the {month} report)",
        "no_first_passage": "No indicator with a first-passage time (annual means have none).",
        "ranking": "6. Prefecture ranking (Earned Schedule SPI(t))",
        "ranking_note": "SPI(t) = earned schedule ES / actual time AT (Lipke 2003); ES is the time at which the "
        "planned trajectory reaches the reported value. 1 = on plan, < 1 = behind; mean over the "
        "prefecture's indicators.",
        "ranking_header": [
            "rank",
            "prefecture",
            "mean SPI(t)",
            "lowest SPI(t) (indicator)",
            "behind",
            "mean P(met)",
        ],
        "no_ranking": "No prefecture series of counts or levels: no ranking.",
        "ranking_excluded": "Not ranked (a level reported below the baseline its plan starts from: its SPI(t) "
        "would be 0 whatever its progress): {rows}.",
        "ranking_excluded_row": "{indicator}: {regions}",
        "pace": "7. Required pace",
        "pace_note": "Monthly rate needed from the latest report to the deadline to meet the target with "
        "probability {p}; 'required / expected' is its ratio to the pace the model expects over those "
        "months (above 1 exactly when P(met) is below {p}). The run rate is the pace of the months in "
        "brackets, for reference: the model expects the months ahead, seasons included.",
        "pace_header": [
            "indicator",
            "name",
            "still needed",
            "months left",
            "plain rate",
            "required pace",
            "run rate (months)",
            "required / expected",
            "note",
        ],
        "pace_detail": "By prefecture",
        "region": "region",
        "next_year": "8. Next year's targets",
        "next_year_note": "This year's simulated value at the deadline (capacity) times a growth factor from the "
        "year-to-year ratios of earlier years (reference class; the growth's uncertainty counted in years, a "
        "Student t, mixed with the ratios' own shape where a family has three or more from two years or "
        "more): the value met with 50/70/80/90 % probability, rounded to the unit towards the safe side as "
        "in next year's catalogue. The whole list at one confidence, as next year's catalogue: "
        "longjiang-forecast next-year.",
        "next_year_whole_list": "The {n} targets proposed: with every one at {conf}, P(all met) is "
        "{p_all} and {missed} targets are expected missed; for all of them to be met with {list_p}, each "
        "target would need {need}.",
        "next_year_unreachable": "more than 99.9 % (not reachable)",
        "next_year_header": [
            "indicator",
            "name",
            "this year's target",
            "unit",
            "this year (median)",
            "method",
        ],
        "scenarios": "9. Scenarios",
        "scenarios_note": "P(met) under each scenario; in brackets the change against the baseline (points).",
        "scenarios_own_run": "This table comes from its own run (longjiang-forecast scenarios): its baseline differs "
        "from the P(met) of section 1 by up to {points} points of Monte Carlo error; compare the scenarios "
        "within this table.",
        "changes": "10. What changed since the last bulletin",
        "changes_note": "The {n} largest moves of P(met) since the previous published forecast, each split into "
        "new reports, revisions of earlier months, catalogue and model settings, and Monte Carlo noise "
        "(forecast {from_id} to {to_id}; the parts add up to the move; a part under twice the s.e. is within "
        "noise).",
        "integrity": "Annex: report integrity flags",
        "notices": "Warnings of this run",
        "integrity_note": "{n} flags among this year's {reports} reports of {series} series: reports unusual "
        "against the model and the region's own earlier years (score: the model's tail probability of so "
        "unusual a report; flagged below {alpha}; {not_checked} series without a seasonal reference were "
        "not fully checked). The flags are for the supervision office to ask about; no data were dropped "
        "or changed.",
        "integrity_none_judged": "None of this year's reports was judged: the {not_checked} series they belong "
        "to have no seasonal reference (annual means such as PM2.5 are not judged by these rules). No data "
        "were dropped or changed.",
        "integrity_header": ["indicator", "region", "months", "rule", "score", "reason", "file rows"],
        "track_record": "11. Our track record",
        "track_record_note": "The {forecasts} forecasts published so far, against the outcomes now in the store "
        "(vintage {vintage}): {scored} series forecasts scored, {pending} awaiting their outcome, {decided} "
        "already decided when published (not scored).",
        "baseline": "baseline",
        "indicator": "indicator",
        "name": "name",
        "no_planning": "Planning not computed: pass",
        "method": "Method",
        "method_note": "Attainment probabilities come from Monte Carlo simulation of the {model} "
        "(docs/methods.md); planning definitions in docs/planning.md; this page in docs/bulletin.md.",
    },
}

#: Names of the models (``summary.attrs["model"]``, the class name) on the page; a model not listed
#: is shown by its class name.
MODEL_NAMES: dict[str, dict[str, str]] = {
    "zh": {
        "SeasonalShareModel": "参考类季节份额模型",
        "ETSModel": "指数平滑（ETS）模型",
        "GrowthCurveModel": "增长曲线模型",
        "HierarchicalModel": "分层贝叶斯模型",
        "MilestoneModel": "里程碑模型",
        "RunRateModel": "近期速率基准模型",
        "RequiredRateModel": "所需速率基准模型",
        "EarnedScheduleModel": "挣值进度基准模型",
    },
    "en": {
        "SeasonalShareModel": "reference-class seasonal-share model",
        "ETSModel": "exponential smoothing (ETS) model",
        "GrowthCurveModel": "growth-curve model",
        "HierarchicalModel": "hierarchical Bayesian model",
        "MilestoneModel": "milestone model",
        "RunRateModel": "run-rate baseline",
        "RequiredRateModel": "required-rate baseline",
        "EarnedScheduleModel": "earned-schedule baseline",
    },
}

#: Basis of next year's growth factor (``next_year_targets``'s ``growth_basis``), in words;
#: ``{k}`` earlier finals of the years ``{years}`` (``2021–2023``, or ``2023`` for one).
GROWTH_BASIS: dict[str, dict[str, str]] = {
    "zh": {
        "trend": "往年 {k} 个终值（{years}年）、今年预期完成值及同类各市的增长，与先验增长（清单中其他同类目标的增长，或默认增长）合并",
        "trend_default_spread": "往年 {k} 个终值（{years}年）、今年预期完成值及同类各市的增长，与先验增长（清单中其他同类目标的增长，或默认增长）合并",
        "default": "先验增长率：清单中其他同类目标的增长，或默认增长（连同今年预期完成值也没有连续两年的数值；往年终值 {k} 个）",
    },
    "en": {
        "trend": "growth of {k} earlier finals ({years}), this year's expected outcome and the family's "
        "prefectures, pooled with the prior growth (the list's other targets of its kind, or the default)",
        "trend_default_spread": "growth of {k} earlier final(s) ({years}), this year's expected outcome "
        "and the family's prefectures, pooled with the prior growth (the list's other targets of its kind, "
        "or the default)",
        "default": "prior growth: the list's other targets of its kind, or the default (no two consecutive "
        "years known, this year's expected outcome included; {k} earlier finals)",
    },
}

#: Chinese for the texts written in English below the command line: the notes of the planning
#: answers (``note`` of ``required_pace`` and ``next_year_targets``, matched whole), the clauses of a
#: forecast's ``basis`` and ``reason`` (the workbook's 依据 and 无法预测的原因), the warnings of a
#: forecast and the most common error messages of reading a catalogue or progress file (file not
#: found, missing column, bad month, unknown indicator or region, a value that is not a number);
#: all but the planning notes matched within a message, in this order, see :func:`in_chinese`: a
#: regular expression, and its Chinese with the groups in ``{0}``, ``{1}``... Ids, file names and
#: what the user wrote stay as they are.
NOTES_ZH: tuple[tuple[str, str], ...] = (
    (r"(?<!scored )no forecast(?! for prefectures)(?!able)", "无法预测"),  # not "scored no forecast for"
    (r"target already met", "已达到目标"),
    (r"no share: target 0", "未分得任务：目标为 0"),
    (r"no complete total yet: a prefecture has not reported this year", "尚无完整合计：有地市本年尚未报告"),
    (r"no month left before the deadline", "截止日期前已无剩余月份"),
    (
        r"annual mean or change: see the required level \(summary required_rate\)",
        "年均值或变化率类指标：没有月度增量，所需水平见达标情况表",
    ),
    (
        r"no simulated progress at the (\d+%) quantile: no pace reaches the target with probability (\d+%) "
        r"\(plain_rate is what is still needed a month\)",
        "在 {0} 分位数上模拟路径没有进展：没有任何进度能以 {1} 的概率达到目标（每月仍需完成的量见“所需月均进度”）",
    ),
    (r"percent change: restate as a level target", "变化率目标：请改写为水平目标后再推算"),
    (r"; base year moved from (\d{4}) to (\d{4})", "；基年由 {0} 年改为 {1} 年"),
    (
        r"no positive target is met with probability ([\d.]+%): the proposal ([\d.]+) rounds to 0; "
        r"(\d{4})'s target kept, set it by hand",
        "没有正的目标能以 {0} 的概率达成：建议值 {1} 取整后为 0；沿用 {2} 年目标，请人工确定",
    ),
    (r"named milestones: next year's projects are others", "具名项目类目标：明年的项目不同，不作推算"),
    (r"no simulated value at the deadline", "截止日没有模拟取值"),
    # the basis of a forecast (``basis``, ``reason`` of the table; the workbook's 依据 and 原因)
    (
        r"reference class: (\d+) earlier series-year\(s\) of the family \((\d+) region\(s\), (\d{4})-(\d{4})\)",
        "参考类：同类指标往年 {0} 个序列年（{1} 个地区，{2}–{3}年）",
    ),
    (r"prior of the year's total: the plan \(log sd ([\d.]+)\)", "全年总量的先验：计划值（对数标准差 {0}）"),
    (
        r"its target is the province's, copied, not a plan of its own: prior of the year's total: its own "
        r"usual change, ([-\d.e+]+) a year \(median of (\d+) earlier year\(s\); log sd ([\d.]+)\)",
        "其目标沿用全省目标，并非本地计划：全年总量的先验为本地往年通常的增量，每年 {0}"
        "（{1} 个往年的中位数；对数标准差 {2}）",
    ),
    (
        r"its target is the province's, copied, not a plan of its own, and its earlier years show no usual "
        r"rise to expect instead \(no two consecutive Decembers\): give it a target of its own in the "
        r"catalogue, or earlier years' December reports",
        "其目标沿用全省目标，并非本地计划，且往年数据看不出通常的增量（没有连续两年的 12 月报告）："
        "请在目标清单中为其填写本地目标，或补充往年 12 月的报告",
    ),
    (
        r"its target is the province's, copied, not a plan of its own, and its earlier years show no usual "
        r"rise to expect instead \(median change ([-\d.e+]+) over (\d+) year\(s\)\): give it a target of "
        r"its own in the catalogue, or earlier years' December reports",
        "其目标沿用全省目标，并非本地计划，且往年数据看不出通常的增量（{1} 年的增量中位数为 {0}）："
        "请在目标清单中为其填写本地目标，或补充往年 12 月的报告",
    ),
    (
        r"earlier years weighted by how much of their month-(\d+) progress was done by month (\d+)",
        "往年按其 {0} 月进度中 {1} 月前已完成的比例加权",
    ),
    (
        r"almost nothing done: ([\d.e+-]+) by month (\d+) is less than ([\d.]+%) of what is needed, the least "
        r"share the earlier years' progress resolves: read as nothing yet \(judged by the years idle then, "
        r"and a late start\)",
        "几乎尚无进展：{1} 月前完成 {0}，不足所需的 {2}（往年进度能分辨的最小比例）：按尚未开展处理（参照当时尚无进展的往年及晚开工情形）",
    ),
    (
        r"the year may be over: (\d+)% of the weight on nothing more after month (\d+) \(earlier years "
        r"that added nothing after it\)",
        "今年工作可能已结束：{0}% 的权重在 {1} 月后不再增加（往年有此后不再增加的年份）",
    ),
    (
        r"this year's province-wide effect read from (\d+) other prefecture\(s\)' reports: ([\d.]+)x the "
        r"record \(log sd ([\d.]+)\)",
        "今年的全省共同效应取自其他 {0} 个地市的报告：往年记录的 {1} 倍（对数标准差 {2}）",
    ),
    (
        r"behind the earlier years' pace: (\d+)% weight on a late start \(from a start month yet unknown, the "
        r"months deliver what they did in earlier years; the months lost are not made up\)",
        "落后于往年进度：晚开工情形权重 {0}%（开工月份未知，此后各月完成往年同期的量，已损失的月份不补回）",
    ),
    (
        r"log-normal seasonal profile from (\d+) earlier year\(s\) \((\d{4})-(\d{4})\)",
        "对数正态季节分布，取自往年 {0} 年（{1}–{2}年）",
    ),
    (
        r"month-to-month sd ([\d.]+) on (\d+) degree\(s\) of freedom and (\d+) of prior, year-to-year sd "
        r"([\d.]+) on (\d+) and (\d+) of prior",
        "月间标准差 {0}（数据自由度 {1}，先验 {2}），年间标准差 {3}（数据自由度 {4}，先验 {5}）",
    ),
    (
        r"monthly completion hazard \(Beta prior: half the projects by the deadline\)",
        "按月完成风险率（Beta 先验：截止日期前完成半数项目）",
    ),
    (r"qualitative: no number to forecast", "定性指标：没有可预测的数值"),
    (
        r"fallback profile \((\d+) earlier series-year\(s\) of the family with a December report and a "
        r"report within (\d+) months of month (\d+); (\d+) needed\)",
        "默认季节分布（同类指标有 12 月报告且在 {2} 月前后 {1} 个月内有报告的往年序列年仅 {0} 个，需要 {3} 个）",
    ),
    (
        r"the level fell from ([-\d.e+]+) \(last December\) to ([-\d.e+]+): the gain is counted from the "
        r"latest report",
        "水平值由 {0}（去年 12 月）降至 {1}：增量自最新报告起计",
    ),
    (
        r"WARNING: ([-\d.]+) % of the target done by month (\d+), outside every earlier year's "
        r"([-\d.]+)-([-\d.]+) %: the forecast extrapolates",
        "警告：{1} 月已完成目标的 {0}%，超出往年 {2}%–{3}% 的范围：预测为外推",
    ),
    (
        r"WARNING: ([-\d.]+) % of its usual change done by month (\d+), outside every earlier year's "
        r"([-\d.]+)-([-\d.]+) %: the forecast extrapolates",
        "警告：{1} 月已完成往年通常增量的 {0}%，超出往年 {2}%–{3}% 的范围：预测为外推",
    ),
    (r"sum of the (\d+) prefectures' forecasts, path by path", "{0} 个地市预测值逐路径加总"),
    (
        r"population-weighted mean \((\d+) census\) of the (\d+) prefectures' forecasts, path by path",
        "{1} 个地市预测值逐路径按人口加权平均（{0}年人口普查）",
    ),
    (
        r"; the province's own reports agree with their total, and are its figures where given",
        "；省级自报数与其合计一致，有自报数的月份以自报数为准",
    ),
    (r"; the province's own reports agree with their total", "；省级自报数与其合计一致"),
    (
        r"; its own figures of (.+?) wait for all its prefectures' reports",
        "；其 {0} 的省级自报数待各地市均报告后采用",
    ),
    (r"not reported, simulated: ", "未报告、以模拟值补齐："),
    (
        r"monthly values of 0 or below \((.+?)\): the log-normal model of an annual mean needs positive "
        r"monthly means; leave a month that was not measured empty",
        "月度值为 0 或负数（{0}）：年均值的对数正态模型要求月均值为正；未监测的月份请留空",
    ),
    (r"(?<=\d{4}-\d{2}); (?=\S+ \d{4}-\d{2})", "；"),  # between the prefectures simulated
    # reasons for no forecast (``reason``; the workbook's 无法预测的原因)
    (r"no published target", "没有公布的目标值"),
    (
        r"no reports in the progress data \(this year or earlier years of its family\)",
        "进展数据中没有该指标的报告（今年及同类指标往年均无）",
    ),
    (
        r"reported in earlier years, no report in (\d{4}): add its reports",
        "往年有报告，{0} 年没有报告：请补充其报告",
    ),
    (
        r"an annual mean needs at least one earlier year of monthly values",
        "年均值类指标至少需要往年一年的月度数据",
    ),
    (r"no earlier year has a value for month\(s\) \[([^\]]*)\]", "往年均没有第 {0} 月的数值"),
    (
        r"the seasonal-share model forecasts '>=' targets for counts and levels",
        "季节份额模型只预测计数和水平类指标的“≥”目标",
    ),
    (
        r"a level needs last year's value: add a 'baseline' to the catalogue or the December report of "
        r"last year to the progress file",
        "水平类指标需要去年的数值：请在目标清单中填写 baseline，或在进展文件中加入去年 12 月的报告",
    ),
    (
        r"a change against last year needs last year's value: add a 'baseline' to the catalogue or all 12 "
        r"monthly values of last year to the progress file",
        "相对去年变化的指标需要去年的数值：请在目标清单中填写 baseline，或在进展文件中加入去年全部 12 个月的数值",
    ),
    (
        r"a milestone target must be a whole number \(>= 1\) of projects with '>='",
        "具名项目类目标必须是不少于 1 的整数个项目，且比较符为“≥”",
    ),
    (
        r"deadline (\S+) passed by the as-of month (\S+) without the report it is judged on \((\S+); the latest "
        r"report is of (\S+)\): a past deadline is settled from the reports, not forecast",
        "截止日期 {0} 在截至月份 {1} 之前已过，但缺少判定所依据的 {2} 月报（最新报告为 {3}）："
        "已过截止日期的目标按报告判定，不作预测",
    ),
    (
        r"deadline (\S+) passed by the as-of month (\S+) without the report it is judged on \((\S+); no report "
        r"yet\): a past deadline is settled from the reports, not forecast",
        "截止日期 {0} 在截至月份 {1} 之前已过，但缺少判定所依据的 {2} 月报（尚无报告）："
        "已过截止日期的目标按报告判定，不作预测",
    ),
    (r"add the reports up to (\S+) to settle it", "请补充截至 {0} 的报告以作判定"),
    (
        r"prefectures \[([^\]]*)\] have no reports of this indicator \(this year or earlier years of its "
        r"family\): the province is the total of all (\d+) of its prefectures",
        "地市 {0} 没有该指标的报告（今年及同类指标往年均无）：全省由其全部 {1} 个地市合成",
    ),
    (
        r"no forecast for prefectures \[([^\]]*)\] \((.*)\): the province is the total of all (\d+)",
        "地市 {0} 无法预测（{1}）：全省由其全部 {2} 个地市合成",
    ),
    (r"(?<=[\u4e00-\u9fff）%]); (?=[\u4e00-\u9fff])", "；"),
    # warnings of a forecast (in_chinese)
    (
        r"Indicator ('[^']*'): the province's own reports differ from the sum of its (\d+) prefectures' "
        r"reports by more than ([\d.]+) % of the province's figure in (\d+) month\(s\): ",
        "指标 {0}：全省自报数与其 {1} 个地市报告的合计相差超过全省数的 {2}%，共 {3} 个月：",
    ),
    (
        r"Indicator ('[^']*'): the province's own reports differ from the sum of its (\d+) prefectures' "
        r"reports by more than half a unit \(whole counts must agree\) in (\d+) month\(s\): ",
        "指标 {0}：全省自报数与其 {1} 个地市报告的合计相差 1 个单位及以上（整数计数须一致），共 {2} 个月：",
    ),
    (
        r"Indicator ('[^']*'): the province's own reports differ from the population-weighted mean of its "
        r"(\d+) prefectures' reports by more than ([\d.]+) % of the province's figure in (\d+) month\(s\): ",
        "指标 {0}：全省自报数与其 {1} 个地市报告的人口加权均值相差超过全省数的 {2}%，共 {3} 个月：",
    ),
    (
        r"(\d{4}-\d{2}): province ([-\d,.e+]+), prefectures ([-\d,.e+]+) \(([-+\d.e]+|[-+]?inf) %\)",
        "{0}：全省 {1}，地市 {2}（{3}%）",
    ),
    (r"; (?=\d{4}-\d{2}：全省)", "；"),
    (
        r"\. The province's own reports are used for its forecast; check the reports \(or leave the "
        r"province's rows out of the progress data to forecast it from its prefectures\)\.",
        "。全省的预测采用其自报数；请核对报告（或从进展数据中删去全省的行，改由各地市汇总预测）。",
    ),
    (
        r"Indicator ('[^']*'): the province's own reports end in (\d{4}-\d{2}) but all its (\d+) "
        r"prefectures reported up to (\d{4}-\d{2})\. The province is forecast from its own reports; leave "
        r"its rows out of the progress data to forecast it from its prefectures\.",
        "指标 {0}：全省自报数截至 {1}，而其全部 {2} 个地市已报告至 {3}。全省按其自报数预测；"
        "如需由各地市汇总预测，请从进展数据中删去全省的行。",
    ),
    (
        r"(\d+) rows of (.+) still carry the template's note ('[^']*'): those values are synthetic, not "
        r"reports\.",
        "{1} 中有 {0} 行仍带有模板的备注 {2}：这些数值是合成的示例，不是报告。",
    ),
    (
        r"(--\S+) (.+) holds (.+) of an earlier run; this run replaces (?:it|them) \(choose another "
        r"--\S+ to keep (?:it|them)\)\.",
        "{0} {1} 中有上次运行的 {2}；本次运行将替换这些文件（如需保留，请换一个 {0}）。",
    ),
    # the backtest command's lines (cli._backtest)
    (r" \((.+?) skipped: not installed\)", "（{0} 未安装，已跳过）"),
    (
        r"Backtest of (.+?) on (\S+): (\d+) forecasts with a known outcome made, (\d+) scored \(with a "
        r"probability\), as of months (\d+)-(\d+), (\d+) draws, seed (\S+)\. Key scores below \(their "
        r"meaning and ideal value under the table\); every score is in (\S+)\.",
        "{0} 在 {1} 上的回测：做出结果已知的预测 {2} 个，其中 {3} 个有概率、参与评分；基准月为各年 {4}–{5} 月，"
        "模拟路径 {6} 条，随机种子 {7}。主要评分见下表（含义与理想值在表下）；全部评分见 {8}。",
    ),
    (
        r"Backtest of (.+?) on (\S+): (\d+) forecasts with a known outcome made, (\d+) scored \(with a "
        r"probability\), as of (.+?), (\d+) draws, seed (\S+)\. Key scores below \(their "
        r"meaning and ideal value under the table\); every score is in (\S+)\.",
        "{0} 在 {1} 上的回测：做出结果已知的预测 {2} 个，其中 {3} 个有概率、参与评分；基准月 {4}，"
        "模拟路径 {5} 条，随机种子 {6}。主要评分见下表（含义与理想值在表下）；全部评分见 {7}。",
    ),
    (r"^Only in (\S+): (.+)\.$", "仅见于 {0}：{1}。"),
    (
        r"(\d+) of the (\d+) scored forecasts were made before any report of their year: they rest on the model's "
        r"prior and earlier years alone, and weigh on every score\. To score forecasts made from reports "
        r"only, give --as-of months after the first report of each year\.",
        "参与评分的 {1} 个预测中有 {0} 个是在当年任何报告之前做出的：它们只依据模型的先验和往年数据，却计入每项评分。"
        "如只对依据报告做出的预测评分，请用 --as-of 给出各年首次报告之后的月份。",
    ),
    (
        r"The CORP reliability diagram of each data set and model, with its consistency band: (\S+)",
        "各数据集与模型的 CORP 可靠性图（含一致性带）：{0}",
    ),
    # report --comparison (cli._read_comparison, cli._check_comparison)
    (
        r"--comparison (.+?): row (\d+), column '(\w+)' holds ('[^']*'), not a probability between 0 and 1",
        "--comparison {0}：第 {1} 行的“{2}”列为 {3}，不是 0 到 1 之间的概率",
    ),
    (
        r"--comparison (.+?): row (\d+), column '(\w+)' holds ('[^']*'), not a change of probability "
        r"between -1 and 1",
        "--comparison {0}：第 {1} 行的“{2}”列为 {3}，不是 -1 到 1 之间的概率变化",
    ),
    (
        r"--comparison (.+?): row (\d+), column '(\w+)' holds ('[^']*'), not a standard error of a probability "
        r"between 0 and 0\.5",
        "--comparison {0}：第 {1} 行的“{2}”列为 {3}，不是 0 到 0.5 之间的概率标准误",
    ),
    (
        r" \(a percentage\? write it as a fraction, e\.g\. 0\.8 for 80 %\)",
        "（是百分数吗？请写成小数，如 80 % 写作 0.8）",
    ),
    (r" \((\d+) such row\(s\)\); ", "（共 {0} 行）；"),
    (r"--comparison (.+?): it has a header and no rows; ", "--comparison {0}：只有表头，没有数据行；"),
    (
        r"--comparison (.+?): the columns (\[.*?\]) are missing \(it has (\[.*?\])\); ",
        "--comparison {0}：缺少列 {1}（现有 {2}）；",
    ),
    (
        r"--comparison (.+?): rows ([\d, ]+) give the same scenario ('[^']*') and series (\S+): each row once; ",
        "--comparison {0}：第 {1} 行是同一情景 {2}、同一序列 {3}，每个只应有一行；",
    ),
    (
        r"--comparison (.+?): row (\d+) \((.+?), (\S+)\) gives delta_vs_baseline (\S+), but its p_met (\S+) less "
        r"the baseline's (\S+) is (\S+): the file was edited; ",
        "--comparison {0}：第 {1} 行（{2}，{3}）的 delta_vs_baseline 为 {4}，但其 p_met {5} 减去基准情景的 {6} 为 "
        "{7}：文件被改动过；",
    ),
    (
        r"--comparison (.+?): no baseline row for (\[.*?\])( \.\.\.)? \((\d+) series\): the scenarios' changes "
        r"cannot be checked against this report; ",
        "--comparison {0}：{1}{2} 没有基准情景的行（共 {3} 个序列），无法与本报告核对各情景的变化；",
    ),
    (
        r"--comparison (.+?): its baseline gives (\S+) \((\S+)\) P\(met\) (\S+), this report (\S+), beyond the "
        r"Monte Carlo error of both: it was made from other reports, another as-of month or another model\. ",
        "--comparison {0}：其基准情景给出 {1}（{2}）的达标概率 {3}，本报告为 {4}，超出两者的蒙特卡洛误差："
        "它是由其他报告、其他基准月或其他模型生成的。",
    ),
    (
        r"--comparison (.+?): its indicators (\[.*?\])( \.\.\.)? are not in this report's catalogue \((\d+) of "
        r"(\d+)\); it was made for another list\. ",
        "--comparison {0}：其指标 {1}{2} 不在本报告的目标清单中（{4} 个中的 {3} 个）；它是为另一份清单生成的。",
    ),
    (
        r"--comparison (.+?): it has no rows for (\[.*?\])( \.\.\.)? \((\d+) of this report's forecast "
        r"targets\), so the bulletin's scenario section would leave them out without a word\. ",
        "--comparison {0}：没有 {1}{2} 的行（本报告可预测目标中的 {3} 个），简报的情景一节会悄然漏掉它们。",
    ),
    (
        r"--comparison (.+?): not a comparison table \((.*)\); ",
        "--comparison {0}：不是情景对比表（{1}）；",
    ),
    (
        r"give the scenario_comparison\.csv that `longjiang-forecast scenarios` wrote\.",
        "请使用 `longjiang-forecast scenarios` 写出的 scenario_comparison.csv。",
    ),
    (
        r"make the comparison from the same inputs: `longjiang-forecast scenarios` with this report's "
        r"--catalog, --progress, --as-of and --model \(nothing was written\)\.",
        "请用相同的输入生成对比表：以本报告的 --catalog、--progress、--as-of 和 --model 运行 "
        "`longjiang-forecast scenarios`（未写入任何文件）。",
    ),
    # the scale check of progress files (progress._reader): a value far from its target
    (
        r"field 'value' has value ([^,]+), ([\d,.]+)× the catalogue target ([\d,.]+) \((.*?)\) and ([\d,.]+)× the "
        r"largest share of the year's outcome that the series' other years \(([^)]*)\) had reached by month "
        r"(\d+) \(([^)]*)\)\. Was a decimal point lost, was it (entered in .+?), or for "
        r"another indicator or month\? Correct it; ",
        "“value”（数值）列的值 {0} 是目标值 {2}（{3}）的 {1} 倍，且是该序列其他年份（{5}）截至 {6} 月已完成全年实绩的最大比例"
        "（{7}）的 {4} 倍。是否丢了小数点、{8}，或填到了别的指标或月份？请更正；",
    ),
    (
        r"field 'value' has value ([^,]+), ([\d,.]+)× the catalogue target ([\d,.]+) \((.*?)\) where the series' "
        r"other years \(([^)]*)\) had nothing by month (\d+)\. Was a decimal point lost, was it "
        r"(entered in .+?), or for another indicator or month\? Correct it; ",
        "“value”（数值）列的值 {0} 是目标值 {2}（{3}）的 {1} 倍，而该序列其他年份（{4}）到 {5} 月尚无进展。"
        "是否丢了小数点、{6}，或填到了别的指标或月份？请更正；",
    ),
    (
        r"field 'value' has value ([^,]+), more than 20× the catalogue target ([^ ]+) \((.*?); ratio ([\d,.]+)\)\. "
        r"Was it (entered in .+?), or for another indicator, or is the catalogue's target "
        r"mistyped\? Convert it to the catalogue unit or correct the target; ",
        "“value”（数值）列的值 {0} 超过目标值 {1}（{2}）的 20 倍（{3} 倍）。是否{4}、填到了别的指标，"
        "或目标清单中的目标值有误？请换算为目标清单的单位，或更正目标值；",
    ),
    (
        r"field 'value' reports progress of '([^']+)' in '([^']+)', whose target there is 0: the catalogue has "
        r"no row of its own for it in (\d{4}), and the split of the provincial target by population \((.*?)\) "
        r"gives it none\. Add a catalogue row \(([^)]+)\) with the target the province gave it, or check the "
        r"region\.",
        "“value”（数值）列报告了指标 {0} 在 {1} 的进展，但该地区在此的目标为 0：目标清单没有它 {2} 年的专门行，"
        "按人口拆分全省目标（{3}）时它分得 0。请在目标清单中为它添加一行（{4}），填写省里下达给它的目标，或检查地区是否填错。",
    ),
    (
        r"field 'value' has value ([^,]+), less than 1/5,000 of the catalogue target ([^ ]+) \((.*?); ratio "
        r"([^)]+)\), (.*?)\. Was it (entered in .+?), or is the catalogue's target "
        r"mistyped\? Convert it to the catalogue unit or correct the target; ",
        "“value”（数值）列的值 {0} 不到目标值 {1}（{2}）的 1/5000（比值 {3}），{4}。是否{5}，"
        "或目标清单中的目标值有误？请换算为目标清单的单位，或更正目标值；",
    ),
    # the slip of units a scale-check sentence names (_core.units.unit_slip), once the sentence is Chinese
    (r"entered in units instead of 万 \(10k\)", "误按“个”而非“万”填报"),
    (r"entered in 万 \(10k\) instead of units", "误按“万”而非“个”填报"),
    (r"entered in 万 instead of 亿 \(1 亿 = 10,000 万\)", "误按“万”而非“亿”填报（1 亿 = 10,000 万）"),
    (r"entered in metres instead of km \(1 km = 1,000 m\)", "误按“米”而非“公里”填报（1 公里 = 1,000 米）"),
    (r"entered in 万 km \(万公里\) instead of km", "误按“万公里”而非“公里”填报"),
    (r"entered in another unit(?=[，。、])", "误按其他单位填报"),
    (
        r"its latest report of (\d{4}), and less than 1/3,000 of the smallest share of the year's outcome that "
        r"the series' other years \(([^)]*)\) had reached by month (\d+) \(([^)]*)\)",
        "且为其 {0} 年最新一次报告，又不到该序列其他年份（{1}）截至 {2} 月已完成全年实绩的最小比例（{3}）的 1/3000",
    ),
    (
        r"in its latest report of (\d{4}) \(month (\d+); no other year of the series to compare with: from June "
        r"on, a count this small all year is not a season\)",
        "且为其 {0} 年最新一次报告（{1} 月；该序列没有其他年份可比：6 月以后全年如此之小的累计数不是季节性所致）",
    ),
    (
        r"in March or later \(a level does not restart at 0\)",
        "且在 3 月或以后（水平类指标不会从 0 重新开始）",
    ),
    (
        r"check_scale=False \(command line: --no-scale-check\) turns this check off if the value is really "
        r"meant to be so far from the target\.",
        "如该数值确实与目标相差如此之大，可用 check_scale=False（命令行：--no-scale-check）关闭此项检查。",
    ),
    # a month or two of an earlier year beside this year's reports (progress._reader._warn_stray_earlier_rows)
    (
        r"(\d+) series hold a month or two of an earlier year and no December report, beside their (\d{4}) "
        r"reports: (.*?)\. An earlier year is learned from only with its December report, so these rows change "
        r"nothing\. If the year was mistyped \((\d{4}-\d{2}) for (\d{4}-\d{2})\), correct it; if they are earlier "
        r"years' reports, add the rest of those years\.",
        "{0} 个序列在 {1} 年报告之外另有往年一两个月的报告、却没有该年 12 月的报告：{2}。往年数据只有在有 12 月报告时"
        "才会被模型使用，因此这些行不起作用。若年份填错（把 {4} 写成了 {3}），请更正；若确为往年报告，请补齐这些年份的其余月份。",
    ),
    # an annual mean with months missing (pipeline._forecast._warn_mean_gaps)
    (
        r"(\d+) annual mean\(s\) miss months before their latest report: (.*?)\. The model takes those months as "
        r"unknown \(their seasonal level\), but the year-to-date mean in 'observed' \(and the console's 'mean'\) "
        r"is of the months reported only, not of the year so far\. Add the missing months' means\.",
        "{0} 项年均值类指标在最新报告之前缺少月份：{1}。模型把这些月份视为未知（按其季节水平），但“最新值”中的年初至今均值"
        "（及控制台中的“均值”）只是已报告月份的均值，并非全年至今的均值。请补报缺少月份的均值。",
    ),
    # the progress file's common mistakes (progress._reader, _core.tables), before " (... missing)"
    (
        r"(row \d+) has (\d+) fields, the header (\d+): the row is cut short \(columns (\[.*?\]) are "
        r"missing\)\. Complete the row or delete it\.",
        "{0}有 {1} 个字段，而表头有 {2} 个：该行不完整（缺少 {3} 列）。请补全该行或删除。",
    ),
    (
        r"(row \d+) has (\d+) fields, the header (\d+): a comma inside a cell, such as a thousands "
        r"separator \(write 4100, not 4,100\) or a comma in a note\. Remove it or quote the cell "
        r"\(\"a, b\"\)\.",
        "{0}有 {1} 个字段，而表头有 {2} 个：某个单元格中有逗号，如千位分隔符（应写 4100，不写 4,100）或备注中的"
        '逗号。请删除该逗号，或给该单元格加引号（"a, b"）。',
    ),
    (
        r"field 'value' falls from (\S+) \((row \d+|report '[^']*'), month (\d{4}-\d{2})\) to (\S+) \((row \d+|"
        r"report '[^']*'), month "
        r"(\d{4}-\d{2})\), but a series of kind ('[^']*') may not fall within a year\. Correct the figure, or "
        r"pass allow_revisions=True to accept revised figures \(--allow-revisions on the command line\)\.",
        "“value”（数值）列从 {0}（{1}，{2}）降到 {3}（{4}，{5}），但 {6} 类序列在一年之内不能下降。请更正数值；"
        "如确为修订后的数据，可用 allow_revisions=True（命令行：--allow-revisions）按修订接受。",
    ),
    (
        r"(\d+) fall\(s\) in cumulative series accepted as revisions and kept as reported: ",
        "{0} 处累计序列的下降已按修订接受，保留报告值：",
    ),
    (
        r"('[^']*')/('[^']*') falls from (\S+) \((row \d+), (\d{4}-\d{2})\) to (\S+) \((row \d+), "
        r"(\d{4}-\d{2})\)",
        "{0}/{1} 从 {2}（{3}，{4}）降到 {5}（{6}，{7}）",
    ),
    (
        r"field 'value' has value ('[^']*'), which is negative; a ('[^']*') value cannot be negative\. "
        r"Check the sign\.",
        "“value”（数值）列的值 {0} 为负数；{1} 类数值不能为负。请检查正负号。",
    ),
    (
        r"(.+?): (\d+) value\(s\) of counts of whole things \(households \(户\), schools \(所\), \.\.\.\) are "
        r"not whole numbers: (.+?)\. A thousands separator written as a dot \(12\.300 for 12300\)\? Check "
        r"the figures: they are forecast as written\.",
        "{0}：有 {1} 个按整数计的数值（户、所等）不是整数：{2}。是否把千位分隔符写成了小数点（12.300 应为 12300）？"
        "请核对这些数值：它们将按所填数值预测。",
    ),
    (
        r"field 'value' is empty\. Enter the reported figure, or delete the row if the month was not "
        r"reported \(missing months are allowed\)\.",
        "“value”（数值）列为空。请填写报告值；如该月未报告，可删除该行（允许缺报月份）。",
    ),
    (
        r"fields 'indicator', 'region', 'month' repeat (row \d+) \(both rows are ('[^']*'), ('[^']*'), "
        r"(\d{4}-\d{2})\)\. Keep one row per indicator, region and month; delete (row \d+) or (row \d+)\.",
        "“indicator”“region”“month”三列与{0}重复（两行都是 {1}、{2}、{3}）。每个指标、地区和月份只能有一行；"
        "请删除{4}或{5}。",
    ),
    (
        r"(\d+) rows \((.+?) first\) have months from (\d{4}-\d{2}) to (\d{4}-\d{2}), later than "
        r"as_of=('[^']*')\. Drop rows after the as-of month or pass a later as_of \(the file's latest "
        r"month is (\d{4}-\d{2})\)\.",
        "{0} 行（首个为{1}）的月份为 {2} 至 {3}，晚于预测基准月 {4}。请删除基准月之后的行，或指定更晚的基准月"
        "（--as-of；文件中最晚的月份为 {5}）。",
    ),
    (
        r"field 'month' has value ('[^']*'), later than as_of=('[^']*')\. Drop rows after the as-of month "
        r"or pass a later as_of\.",
        "“month”（月份）列的值 {0} 晚于预测基准月 {1}。请删除基准月之后的行，或指定更晚的基准月（--as-of）。",
    ),
    (
        r"field 'month' has value ('[^']*'), a month after the catalogue's year (\d{4}), which has no "
        r"targets for it\. Check the year, or read the file with the catalogue of (\d{4})\.",
        "“month”（月份）列的值 {0} 晚于目标清单的年份 {1} 年，清单中没有该月的目标。请检查年份，或改用 {2} 年的"
        "目标清单读取该文件。",
    ),
    (
        r"field 'month' has value ('[^']*'), a month before (\d{4}): Excel shows an empty or zero date "
        r"cell as 1900-01\. Enter the month\.",
        "“month”（月份）列的值 {0} 早于 {1} 年：Excel 会把空白或为零的日期单元格显示为 1900-01。请填写月份。",
    ),
    (
        r"field 'reported_on' has value ('[^']*'), which is not a date in YYYY-MM-DD form\. Write it as "
        r"e\.g\. 2025-04-05 \(also read: 2025/4/5, 2025\.4\.5, 2025年4月5日\), or leave it empty\.",
        "“reported_on”（报送日期）列的值 {0} 不是 YYYY-MM-DD 形式的日期。请写成如 2025-04-05（也能读取：2025/4/5、"
        "2025.4.5、2025年4月5日），或留空。",
    ),
    (
        r"field 'value' has value ('[^']*'), beyond any figure in a catalogue unit \((\S+) or more\)\. "
        r"Check the cell: a date, an id or a sum pasted into it\?",
        "“value”（数值）列的值 {0} 超出任何目标清单单位下的合理数值（{1} 及以上）。请检查该单元格：是否误粘贴了"
        "日期、编号或合计数？",
    ),
    (
        r"field 'value' has value (\S+), outside the bounds \[(\S+), (\S+)\] of ('[^']*') \((.*?)\)\. "
        r"Check the figure and its unit\.",
        "“value”（数值）列的值 {0} 超出 {3}（{4}）的取值范围 [{1}, {2}]。请检查数值及其单位。",
    ),
    (
        r"field 'value' has value (\S+); a milestone value is the whole number of named projects done, "
        r"from 0 to (\S+)\. Count the projects\.",
        "“value”（数值）列的值为 {0}；具名项目类指标的数值是已完成项目的个数（整数），应在 0 到 {1} 之间。"
        "请清点项目数。",
    ),
    (
        r"field 'indicator' has value ('[^']*'), an indicator of kind 'qualitative': there is no number "
        r"to forecast\. Drop these rows\.",
        "“indicator”（指标）列的值 {0} 是定性类指标：没有可预测的数值。请删除这些行。",
    ),
    (
        r"(row \d+), the last row \('(.*?)'\), does not end with a line break, so the file may have been "
        r"cut off inside it \(the last complete row is (row \d+)\)\. If the file is complete, add a line "
        r"break after its last row; otherwise export it again\.",
        "{0}（最后一行 '{1}'）末尾没有换行符，文件可能在这一行中间被截断（最后一个完整的行是{2}）。如文件完整，"
        "请在最后一行之后加一个换行；否则请重新导出。",
    ),
    (
        r"(row \d+) of the \w+(?: \w+)? is not well-formed CSV \((.*?)\): a quote \(\"\) that is not "
        r"closed, or text after a closing quote\. Quote a whole cell \(\"a, b\"\) or remove the quote\.",
        '文件的{0}不是格式正确的 CSV（{1}）：有未闭合的引号（"），或闭合引号之后还有文字。请给整个单元格加'
        '引号（"a, b"），或删除该引号。',
    ),
    (
        r"the \w+(?: \w+)? is empty(?: \(0 bytes\))?\. Write a header row \((.*?)\) and (?:the rows|one row "
        r"per indicator, region and month)\.",
        "文件为空。请写一行表头（{0}），再逐行填写数据。",
    ),
    (
        r"the \w+(?: \w+)? has a header row but no data rows\. Add one row per indicator, region and "
        r"month \(month as YYYY-MM\)\.",
        "文件只有表头、没有数据行。请按指标、地区和月份逐行填写（月份写作 YYYY-MM）。",
    ),
    (
        r"column\(s\) (\[.*?\]) appear more than once in the header \((row \d+)(, with Chinese names read "
        r"as the English ones)?\)\. Keep one column of each name\.",
        "表头（{1}）中列 {0} 出现了不止一次。每个列名只保留一列。",
    ),
    (
        r"the \w+(?: \w+)? is not a readable \.xlsx workbook \((.*?)\); it is damaged, cut short or not an "
        r"Excel file\. Open it in Excel or WPS and save it again as \.xlsx \(Excel workbook\)\.",
        "文件不是可读取的 .xlsx 工作簿（{0}）：已损坏、不完整或不是 Excel 文件。请用 Excel 或 WPS 打开后重新"
        "另存为 .xlsx（Excel 工作簿）。",
    ),
    (
        r"the \w+(?: \w+)? is not a readable \.xlsx workbook \((.*?)\); it is damaged, cut short or not an "
        r"Excel file\. Its first line is comma-, semicolon- or tab-separated text: it is a CSV file named "
        r"\.xlsx\. Rename it to \.csv \(or open it in Excel or WPS and save it as \.xlsx\)\.",
        "文件不是可读取的 .xlsx 工作簿（{0}）：其第一行是以逗号、分号或制表符分隔的文本，是一个被命名为 .xlsx 的 CSV 文件。"
        "请把扩展名改为 .csv（或用 Excel 或 WPS 打开后另存为 .xlsx）。",
    ),
    (
        r"the \w+(?: \w+)? is not a readable \.xlsx workbook \((.*?)\); it is damaged, cut short or not an "
        r"Excel file\. It is an old Excel 97-2003 workbook \(\.xls\) named \.xlsx\. Open it in Excel or WPS "
        r"and save it as \.xlsx \(Excel workbook\)\.",
        "文件不是可读取的 .xlsx 工作簿（{0}）：它是被命名为 .xlsx 的旧版 Excel 97-2003 工作簿（.xls）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）。",
    ),
    (
        r"the \w+(?: \w+)? is not a readable \.xlsx workbook \((.*?)\); it is damaged, cut short or not an "
        r"Excel file\. It is a web page \(HTML\), as many systems export 'Excel' files, named \.xlsx\. Open "
        r"it in Excel or WPS and save it as \.xlsx \(Excel workbook\)\.",
        "文件不是可读取的 .xlsx 工作簿（{0}）：它是被命名为 .xlsx 的网页（HTML，许多系统导出的“Excel”文件即是如此）。"
        "请用 Excel 或 WPS 打开后另存为 .xlsx（Excel 工作簿）。",
    ),
    (
        r"(.+?): unsupported file type ('[^']*')\. Its first line is comma-, semicolon- or tab-separated text: "
        r"rename it to \.csv\.",
        "{0}：不支持的文件类型 {1}。其第一行是以逗号、分号或制表符分隔的文本：请把扩展名改为 .csv。",
    ),
    (
        r"read as GB18030 \(GBK\), the encoding of Excel's 'CSV' on Chinese Windows \(check the Chinese "
        r"text; save as 'CSV UTF-8' to silence this\)",
        "已按 GB18030（GBK）编码读取，即中文 Windows 上 Excel“CSV”格式的编码（请核对中文内容；另存为"
        "“CSV UTF-8”即不再提示）",
    ),
    (r"(?<=\S): (?=已按 GB18030)", "："),
    # the command line's own refusals
    (
        r"(.+?) exists; choose another (--[\w-]+) \(nothing was overwritten\)\.",
        "{0} 已存在；请另选 {1}（未覆盖任何文件）。",
    ),
    (
        r"(.+?) exists; choose another --out or pass --overwrite \(nothing was written\)\.",
        "{0} 已存在；请另选 --out，或加 --overwrite（未写入任何内容）。",
    ),
    (
        r"(--[\w-]+) (.+?) holds (.+?) of an earlier run \(as of (\d{4}-\d{2})\); nothing was run and "
        r"nothing was replaced\. Give each run its own folder \(e\.g\. (.+?)\), or add --overwrite to "
        r"replace (?:it|them)\.",
        "{0} {1} 中已有以前运行的结果 {2}（基准月 {3}）；未运行任何计算，也未替换任何文件。请为每次运行另设文件夹"
        "（如 {4}），或加 --overwrite 替换。",
    ),
    (  # the earlier run's month unknown (a bulletin): none named, not an empty "（基准月 ）"
        r"(--[\w-]+) (.+?) holds (.+?) of an earlier run; nothing was run and "
        r"nothing was replaced\. Give each run its own folder \(e\.g\. (.+?)\), or add --overwrite to "
        r"replace (?:it|them)\.",
        "{0} {1} 中已有以前运行的结果 {2}；未运行任何计算，也未替换任何文件。请为每次运行另设文件夹"
        "（如 {3}），或加 --overwrite 替换。",
    ),
    (
        r"--model: Unknown model ('[^']*')\. Known models: (.*?) \(`longjiang-forecast backtest "
        r"--list-models`; backtest also takes 'all'\)\.",
        "--model：未知模型 {0}。已知模型：{1}（见 `longjiang-forecast backtest --list-models`；backtest 还可用 "
        "'all'）。",
    ),
    # the as-of month after the latest report (pipeline._forecast._warn_unreported_months)
    (
        r"The as-of month (\d{4}-\d{2}) is after the latest report: no series has a report for (.*?) \((.*?)\)"
        r"(.*?)\. Those months are forecast, not reported; a deadline that passed by the as-of month without "
        r"the report it is judged on is not forecast \(status '(.*?)', with the missing report in 'reason'\)\. "
        r"Add the missing reports(.*)",
        "预测基准月 {0} 晚于最新报告：没有任何序列有 {1} 的报告（{2}）{3}。这些月份是预测值而非报告值；截止日期已在"
        "基准月之前过去、却没有据以评判的报告的目标不作预测（状态为“{4}”，缺少的报告见“原因”）。请补充缺少的报告{5}",
    ),
    (r"the latest report is of (\d{4}-\d{2})", "最新报告为 {0}"),
    (r"no series has a report in (\d{4})", "{0} 年尚无任何序列有报告"),
    (r"; these series' latest reports are earlier still: ", "；以下序列的最新报告更早："),
    (
        r"(?<=补充缺少的报告), or forecast as of (\d{4}-\d{2})\.",
        "，或以 {0} 为基准月预测。",
    ),
    (r"(?<=补充缺少的报告) of (\d{4})\.", "（{0} 年）。"),
    (r" \(([^()]*?) missing\)", "（{0} 缺报）"),
    # prefectures behind or gone (progress._state: province_from_prefectures, _warn_unforecast_reporters)
    (
        r"Province rows forecast from their prefectures, some of which have not reported every month: (.*?)\. "
        r"Their paths use those prefectures' simulated values there; their observed value is that of the last "
        r"month every prefecture reported, and none \(no complete total, no required pace\) where a prefecture "
        r"has not reported this year\.",
        "以下省级行由其地市加总预测，其中部分地市并非每月都有报告：{0}。这些月份的路径采用这些地市的模拟值；"
        "其观测值取所有地市均有报告的最后一个月；若有地市本年尚无报告，则没有观测值（无完整合计，也无所需进度）。",
    ),
    (r" \(observed: none\)", "（观测值：无）"),
    (r" \(observed: (\d{4}-\d{2})\)", "（观测值截至 {0}）"),
    (r"(?<=（观测值：无）); |(?<=（观测值截至 \d{4}-\d{2}）); ", "；"),
    (
        r"(\d+) series reported in earlier years have no report in (\d{4}) and no catalogue row of their own, "
        r"so they are not forecast: (.*?)\. Add their reports of \d{4}, or a catalogue row for each \(it is "
        r"then forecast from its plan and its earlier years\)\.",
        "{0} 个序列往年有报告、{1} 年没有报告，且在目录中没有自己的行，因此不作预测：{2}。请补充其 {1} 年的报告，"
        "或为每个序列在目录中加一行（即可依计划和往年数据预测）。",
    ),
    (
        r"(\d+) series have no report in (\d{4}) up to (\d{4}-\d{2}) while other regions have reported the "
        r"same indicator: (.*?)\. Their P\(met\) rests on the plan and earlier years alone \(status 'no "
        r"report yet'\); add their reports if they exist\.",
        "{0} 个序列截至 {2} 没有 {1} 年的报告，而同一指标的其他地区已有报告：{3}。其达标概率仅依据计划和往年数据"
        "（状态“尚未报告”）；如有报告，请补充。",
    ),
    # the report store (cli._store_error_line) and ingest (store._ingest)
    (
        r"report store (.*?): (.*?): the store, or its folder, cannot be written \(read-only, or the folder does "
        r"not exist\)\. Nothing was changed; the store is not damaged\. Make the file and its folder writable, or "
        r"give a --store in a folder you can write to\.",
        "报告库 {0}：{1}：报告库文件或其所在文件夹不可写（只读，或文件夹不存在）。未作任何更改；报告库并未损坏。"
        "请使文件及其文件夹可写，或用 --store 指定一个可写文件夹中的报告库。",
    ),
    (
        r"report store (.*?): (.*?)\. Nothing was changed \(every write is one transaction\); if another program "
        r"has the store open, close it and run the command again; if none has, the store file is damaged: restore "
        r"it from a backup\.",
        "报告库 {0}：{1}。未作任何更改（每次写入都是一个事务）；如有其他程序打开了报告库，请关闭后重新运行；"
        "如没有，则报告库文件已损坏：请从备份恢复。",
    ),
    (
        r"(.+?): (\d+) row\(s\) have an empty reported_on while (\d+) have a date, e\.g\. (\S+) (\d{4}-\d{2}): an "
        r"empty cell would be stamped with the ingest time \((.*?) UTC\), which the store keeps for good, so a "
        r"forecast 'as known on' an earlier date would leave the row out\. Fill in the date each row was received, "
        r"or give --vintage YYYY-MM-DD for the rows without one\.",
        "{0}：{1} 行的 reported_on（报送日期）为空，而另有 {2} 行填了日期，例如 {3} {4}：空白将被记为录入时间"
        "（{5} UTC）并永久保存，按更早日期“截至当时所知”的预测会漏掉这些行。请填写每行的报送日期，"
        "或用 --vintage YYYY-MM-DD 为未填日期的行指定日期。",
    ),
    (r"\nNothing was stored\.$", "\n未存入任何内容。"),
    # error messages (in_chinese): the row a problem is on first, then the problems, then the hints
    (
        r"row (\d+) \(indicator ('[^']*'), region ('[^']*'), month ('[^']*')\): ",
        "第 {0} 行（指标 {1}，地区 {2}，月份 {3}）：",
    ),
    (
        r"report ('[^']*') \(indicator ('[^']*'), region ('[^']*'), month ('[^']*')\): ",
        "报告 {0}（指标 {1}，地区 {2}，月份 {3}）：",
    ),
    (r"(?<=[（(])report ('[^']*')(?=[,，])", "报告 {0}"),
    (r"('[^']*?) \(vintage (\S+?)\)'", "{0}（数据版本 {1}）'"),
    (r": (\d+) problems? in the progress file:", "：进展文件中有 {0} 处问题："),
    (r" \((\d+) is not a month number 1-12\)", "（{0} 不是 1–12 的月份数）"),
    (r" \(a date that does not exist\)", "（该日期不存在）"),
    (
        r" \(a range of months: write the month the year-to-date value is of, its last month, e\.g\. (\S+); "
        r"the file's values are year-to-date, from January\)",
        "（这是月份区间：请写累计值所到的月份，即区间的最后一个月，如 {0}；文件中的值是自 1 月起的累计值）",
    ),
    (
        r" \(no year: write the month with its year, e\.g\. (\S+) or (\S+)\)",
        "（缺少年份：请连同年份写出，如 {0} 或 {1}）",
    ),
    (
        r" \(it looks like an Excel date serial number, (\S+): format the column as a date in Excel or "
        r"WPS, or write the month as text\)",
        "（像是 Excel 的日期序列号，即 {0}：请在 Excel 或 WPS 中把该列设为日期格式，或把月份写成文本）",
    ),
    (
        r"field 'month' has value ('[^']*'), which is not a month in YYYY-MM form(.*?)\. Write the month "
        r"as YYYY-MM, e\.g\. 2025-03 \(also read: (.*)\)\.",
        "“month”（月份）列的值 {0} 不是 YYYY-MM 形式的月份{1}。请写成 YYYY-MM，如 2025-03（也能读取：{2}）。",
    ),
    (r", or a date in the month\b", "，或该月的任一日期"),
    (
        r"field 'indicator' has value ('[^']*') in (\d+) rows? \((.*?)\), which is not in the (\d{4}) catalogue\.",
        "“indicator”（指标）列的值 {0} 出现在 {1} 行（{2}），不在 {3} 年的目标清单中。",
    ),
    (r" Did you mean ('[^']*'), the id of ('[^']*')\?", "是否应为 {0}（即 {1} 的编号）？"),
    (r" Did you mean ('[^']*')\?", "是否应为 {0}？"),
    (
        r"Known indicators: (\[.*?\])\. Fix the id or drop those rows\.",
        "已知指标：{0}。请改正编号或删除这些行。",
    ),
    (
        r"field 'value' has value ('[^']*'), which is not a number\. Enter a plain number \(no units or %; "
        r"thousands separators only in groups of three, as 1,300\)\.",
        "“value”（数值）列的值 {0} 不是数字。请填写纯数字（不带单位或 %；千位分隔符只能三位一组，如 1,300）。",
    ),
    (
        r"field 'region' has value ('[^']*') in (\d+) rows? \((.*?)\), which is neither 'province' nor a "
        r"region of the catalogue\.",
        "“region”（地区）列的值 {0} 出现在 {1} 行（{2}），既不是 province（全省）也不是目标清单中的地区。",
    ),
    (r" Did you mean ('[^']*') \(([^)]*)\)\?", "是否应为 {0}（{1}）？"),
    (
        r"Known regions: (\[.*?\]) \(Chinese names such as 哈尔滨 or 哈尔滨市 are accepted too\)\. Fix the "
        r"region or drop those rows\.",
        "已知地区：{0}（也接受“哈尔滨”“哈尔滨市”等中文名称）。请改正地区或删除这些行。",
    ),
    (
        r": missing required column\(s\) (\[.*?\]) in the header \(row (\d+)\)\. Found columns (\[.*?\])\. "
        r"Required: (\[.*?\]); optional: (\[.*?\])\. Add the missing column\(s\) to the header row\.",
        "：表头（第 {1} 行）缺少必需的列 {0}。现有列：{2}。必需列：{3}；可选列：{4}。请在表头行补上缺少的列。",
    ),
    # one report months ahead of the rest (pipeline._forecast._warn_few_at_latest)
    (
        r"The as-of month is (\d{4}-\d{2}), but only (\d+) of the (\d+) series with reports in (\d{4}) reach "
        r"(\d{4}-\d{2}) or later \((.*?)\); half of them end by (\d{4}-\d{2})\. The months the others have not "
        r"reported are forecast for them as if they were late\. If a month was mistyped \(e\.g\. \d{4}-\d{2} for "
        r"\d{4}-\d{2}\), correct it in the progress data; if they are late, add their reports when they come\.",
        "预测基准月为 {0}，但 {3} 年有报告的 {2} 个序列中只有 {1} 个报到 {4} 或更晚（{5}），半数序列截至 {6}。"
        "其余序列未报告的月份按迟报处理、以模拟值补齐。若月份录入有误（如把 {6} 写成 {0}），请在进展数据中更正；"
        "若确属迟报，请在报告到达后补充。",
    ),
    # a catalogue whose latest year has few rows (catalog._read._warn_lonely_latest_year)
    (
        r"the latest year, (\d{4}), has (\d+) row\(s\) \((.*?)\) against (\d+) in (\d{4})\. A row's year is "
        r"the year of its deadline: if a \d{4} deadline was typed as \d{4}, correct it; the catalogue's list is "
        r"its latest year's, \d{4}\.",
        "最新年份 {0} 年只有 {1} 行（{2}），而 {4} 年有 {3} 行。每行的年份即其截止日期所在的年份：若把 {4} 年的"
        "截止日期误写成了 {0} 年，请更正；目标清单以最新年份（{0} 年）为准。",
    ),
    (r"Progress file not found: (.+)", "找不到进展文件：{0}"),
    (r"Catalogue file ('[^']*') does not exist\.", "目标清单文件 {0} 不存在。"),
    (
        r"(--\S+) (\S+) does not exist\. Give the path of the file \(nothing was run\)\.",
        "{0} {1} 不存在。请给出文件的路径（未运行任何计算）。",
    ),
    # a file read with the user's column names (``read columns 指标→indicator, 地区→region.``; always
    # the last of the reading notes): the mapped list joined with 、, the sentence in Chinese
    (r"(→\w+), (?=[^\s,;]+→)", "{0}、"),
    # how a file was read (_core.tables, progress._reader, catalog._read: a title above the header, a
    # sheet chosen, merged cells, a separator other than the comma, UTF-16, the user's column names,
    # the month forms, cells formatted as percent), each note of ``read ...; ...`` in turn
    (
        r": read (?=the header in row|sheet '|merged cells|as (?:tab|semicolon)-separated|as UTF-16|"
        r"columns \S+→|months written|\d+ value cell\(s\) formatted|target cells formatted|\d+ hidden row)",
        "：读取时",
    ),
    (
        r"the header in row (\d+), below title rows \((.*?)\)(?=; |\.$)",
        "表头在第 {0} 行，其上为标题行（{1}）",
    ),
    (
        r"(\d+%) of the target (\S+) by (\d{4}-\d{2}), where its earlier years \((.*?)\) had at most (\d+%) of "
        r"theirs by that month",
        "为目标 {1} 的 {0}（截至 {2}），而其往年（{3}）同期至多完成全年的 {4}",
    ),
    (
        r"(.+?): (\d+) series' reports are far ahead of their earlier years by the same month: (.*?)\. A total "
        r"carried over from last year \(counted since the project began\)\? A cumulative series starts again "
        r"each January: report this year's work only\. If the figures are right, nothing needs doing: they are "
        r"forecast as written\.",
        "{0}：{1} 个序列的报告远超其往年同期：{2}。是否把上年的累计数带入了本年（自项目开始累计）？累计类序列每年 "
        "1 月重新开始：请只报本年完成的工作量。如数值无误则无需处理，将按所填数值预测。",
    ),
    (
        r"sheet ('[^']*') only: sheets (\[.*?\]) also have the columns and rows, and are not read \(one sheet "
        r"per month\? put every month's rows in one sheet, each row with its month\)",
        "仅工作表 {0}：工作表 {1} 也有所需的列和数据行，未读取（每月一个工作表？请把各月的行合并到一个工作表中，"
        "每行注明月份）",
    ),
    (
        r"sheet ('[^']*'), the only one with the columns \(others: (\[.*?\])\)",
        "工作表 {0}（唯一含有所需各列的工作表；其他：{1}）",
    ),
    (
        r"merged cells (\S+) as their top cell's value on every row",
        "合并单元格 {0} 按其顶端单元格的值用于每一行",
    ),
    (
        r"(\d+) hidden row\(s\) as any other \(rows (.+?)\): delete the rows not meant to count",
        "{0} 个隐藏行照常读取（第 {1} 行）：不应计入的行请删除",
    ),
    (r"as tab-separated", "按制表符分隔"),
    (r"as semicolon-separated", "按分号分隔"),
    (r"as UTF-16 text \(Excel's 'Unicode text'\)", "按 UTF-16 文本（Excel 的“Unicode 文本”）"),
    (r"(?:(?<=读取时)|(?<=; ))columns ([^;]*→[^;]*?)(?=; |\.$)", "列名对应为 {0}"),
    (r"(?:(?<=读取时)|(?<=; ))months written (.+?)(?=; |\.$)", "月份写作 {0}"),
    (
        r"(\d+) value cell\(s\) formatted as percent as the percent they show \((\S+) as (\S+)\)",
        "{0} 个设为百分比格式的数值单元格按其显示的百分数（{1} 读作 {2}）",
    ),
    (
        r"target cells formatted as percent as the percent they show, in the row's %-unit \((.+?)\)(?=; |\.$)",
        "设为百分比格式的目标值单元格按其显示的百分数、以该行的 % 单位（{0}）",
    ),
    (
        r"; (?=表头在第|工作表 '|合并单元格|按制表符|按分号|按 UTF-16|列名对应为|月份写作|\d+ 个设为百分比|设为百分比|\d+ 个隐藏行)",
        "；",
    ),
    (r"(?<=月份写作 )date \(", "日期 ("),
    (r"^(.*(?:：读取时|：已按 GB18030).*?)\.$", "{0}。"),
    # the catalogue's common mistakes (catalog._read): the cell first, then the problem
    (r"Catalogue (.+?) has (\d+) problems:", "目标清单 {0} 中有 {1} 处问题："),
    (r", (row \d+|header), indicator ('[^']*'), field ('[^']*'): ", "，{0}，指标 {1}，字段 {2}："),
    (r", (row \d+|header), field ('[^']*'): ", "，{0}，字段 {1}："),
    (r"(?<=，)header(?=，)", "表头"),
    (
        r"unknown kind ('[^']*')\. Use one of: (.*?)\.$",
        "未知的类型 {0}。请使用以下之一：{1}。",
    ),
    (
        r"comparator ('[^']*') is not one of (\[.*?\])\. Write '>=' when the target must be reached or "
        r"exceeded, '<=' when it must not be exceeded \('≥'/'≤' are accepted too\)\.",
        "比较符 {0} 不是 {1} 之一。目标须达到或超过时写 '>='，不得超过时写 '<='（也接受 '≥'/'≤'）。",
    ),
    (
        r"unit is empty\. Write the unit of the target, e\.g\. 'households \(户\)'\.",
        "单位为空。请填写目标的单位，如 'households (户)'。",
    ),
    (
        r"target ('[^']*') is not a number\. Write a plain number in the row's unit, e\.g\. 15000 for "
        r"1\.5万户 \(no units or Chinese numerals in the cell\)\.",
        "目标值 {0} 不是数字。请按该行单位填写纯数字，如 1.5万户 写作 15000（单元格中不要写单位或中文数字）。",
    ),
    (
        r"target is empty, but kind ('[^']*') needs a number\. Fill in the target \(in the row's unit\) "
        r"or set kind to 'qualitative'\.",
        "目标值为空，但 {0} 类指标需要数值。请按该行单位填写目标值，或把类型设为 'qualitative'（定性）。",
    ),
    (r"deadline is empty\. ", "截止日期为空。"),
    (r"malformed deadline ('[^']*')\. ", "截止日期 {0} 格式不对。"),
    (r"deadline ('[^']*') is outside the years (\d+)-(\d+)\. ", "截止日期 {0} 不在 {1}–{2} 年之间。"),
    (
        r"Write YYYY-MM-DD \(e\.g\. 2024-10-31\) or YYYY-MM for the month's last day\.",
        "请写成 YYYY-MM-DD（如 2024-10-31），或写 YYYY-MM 表示该月最后一天。",
    ),
    (
        r"unknown region ('[^']*')\. Use 'province' or one of the prefecture ids (\[.*?\]) \(Chinese names "
        r"such as '哈尔滨' or '哈尔滨市' are accepted too\)\.",
        "未知的地区 {0}。请使用 'province'（全省）或地市编号 {1} 之一（也接受“哈尔滨”“哈尔滨市”等中文名称）。",
    ),
    (
        r"rows (\d+) and (\d+) both define indicator ('[^']*') for region ('[^']*') in year (\d{4}) \(the "
        r"year of the deadline\)\. Keep one of them, or change its region or deadline\.",
        "第 {0} 行和第 {1} 行都定义了指标 {2} 在地区 {3} 的 {4} 年目标（年份即截止日期所在年份）。请保留其中一行，"
        "或改正其地区或截止日期。",
    ),
    (
        r"missing required column ('[^']*')\. Required columns: (\[.*?\])\. Add it to the header row\.",
        "缺少必需的列 {0}。必需列：{1}。请在表头行补上。",
    ),
    (
        r"unknown column\(s\) (\[.*?\])\. Accepted columns: (\[.*?\]) \(or their Chinese names, e\.g\. "
        r"指标, 地区, 目标值\)\. Rename or delete them \(nothing is dropped silently\)\.",
        "未知的列 {0}。可用的列：{1}（或其中文名称，如 指标、地区、目标值）。请重命名或删除这些列（不会悄悄丢弃任何列）。",
    ),
    (
        r"the file has a header but no rows\. Add one row per indicator\.",
        "文件只有表头、没有数据行。请每个指标填写一行。",
    ),
    # the catalogue's rarer checks (catalog._read)
    (
        r"the indicator id is empty\. Give every row an id such as '01a'\.",
        "指标编号为空。请给每一行一个编号，如 '01a'。",
    ),
    (
        r"target (\S+) is negative, but a (\w+) count cannot fall below 0\. Give a positive count \(use "
        r"kind 'change' with comparator '<=' for a reduction\)\.",
        "目标值 {0} 为负数，但 {1} 类计数不能小于 0。请给出正数（表示减少时请用类型 'change' 和比较符 '<='）。",
    ),
    (
        r"target 0 with '>=' is met by any report \(a count of this year cannot fall below 0\), so its "
        r"probability would be 1 whatever is reported\. Enter the target, or set kind to 'qualitative' if "
        r"the row has no number\.",
        "目标值为 0 且比较符为 '>='：任何报告都能达到（本年的计数不会小于 0），无论报告如何达标概率都是 1。"
        "请填写目标值；如该行没有数值，请把类型设为 'qualitative'（定性）。",
    ),
    (
        r"target (\S+) looks like a fraction, but the unit ('[^']*') is a percent\. Write the percent "
        r"\(e\.g\. (\S+) for (\S+)\); if you mean (\S+) %, write '(\S+)%'\.",
        "目标值 {0} 看起来是小数，但单位 {1} 是百分比。请写百分数（如 {3} 写作 {2}）；如确指 {4} %，请写 '{5}%'。",
    ),
    (
        r"lower_bound (\S+) is greater than upper_bound (\S+)\. Swap them or correct one\.",
        "下限 {0} 大于上限 {1}。请对调两者或更正其中一个。",
    ),
    (
        r"target (\S+) is below lower_bound (\S+)\. Correct the target or the bound\.",
        "目标值 {0} 低于下限 {1}。请更正目标值或下限。",
    ),
    (
        r"target (\S+) is above upper_bound (\S+)\. Correct the target or the bound\.",
        "目标值 {0} 高于上限 {1}。请更正目标值或上限。",
    ),
    (
        r"item ('[^']*') is not a positive whole number\. Write e\.g\. 9\.",
        "事项序号 {0} 不是正整数。请写如 9。",
    ),
    (
        r"(lower_bound|upper_bound|baseline) ('[^']*') is not a number\. Write a plain number in the row's "
        r"unit, e\.g\. 15000 for 1\.5万户 \(no units or Chinese numerals in the cell\)\.",
        "{0} {1} 不是数字。请按该行单位填写纯数字，如 1.5万户 写作 15000（单元格中不要写单位或中文数字）。",
    ),
    (
        r"(target|lower_bound|upper_bound|baseline) ('[^']*') is not a finite number\. Write a number in "
        r"the row's unit\.",
        "{0} {1} 不是有限的数。请按该行单位填写数字。",
    ),
    (r"(?<=[：。])target (?='[^']*' 不是有限的数)", "目标值 "),
    (r"(?<=[：。])lower_bound (?='[^']*' 不是)", "下限 "),
    (r"(?<=[：。])upper_bound (?='[^']*' 不是)", "上限 "),
    (r"(?<=[：。])baseline (?='[^']*' 不是)", "基数 "),
    (
        r"(\w+) ('[^']*') differs from ('[^']*') of (row \d+) \(year (\d{4})\)\. An indicator id keeps its "
        r"(\w+) in every year and region; give this row a new indicator id \(with the same family, so that "
        r"the years stay one history\) or correct the (\w+)\.",
        "{0} {1} 与{3}（{4} 年）的 {2} 不同。同一指标编号在各年份、各地区的 {5} 必须相同；请给该行一个新的指标"
        "编号（family 相同，使各年仍是同一历史），或更正 {6}。",
    ),
    (
        r"(.+?): the latest year, (\d{4}), has (\d+) row\(s\) \((.+?)\) against (\d+) in (\d{4})\. A row's "
        r"year is the year of its deadline: if a (\d{4}) deadline was typed as (\d{4}), correct it; the "
        r"catalogue's list is its latest year's, (\d{4})\.",
        "{0}：最新年份 {1} 年只有 {2} 行（{3}），而 {6} 年有 {4} 行。一行的年份就是其截止日期的年份：如把 {6} 年的"
        "截止日期误写成了 {7} 年，请更正；目标清单的清单是其最新年份（{8} 年）的。",
    ),
    (
        r"(.+?): the old Excel 97-2003 format \(\.xls\) is not read\. Open it in Excel or WPS and save it "
        r"as \.xlsx \(Excel workbook\) or 'CSV UTF-8'\.",
        "{0}：不读取旧的 Excel 97-2003 格式（.xls）。请在 Excel 或 WPS 中打开，另存为 .xlsx（Excel 工作簿）"
        "或“CSV UTF-8”。",
    ),
    (
        r"(.+?): unsupported file type ('[^']*')\. Save the catalogue as \.csv \(UTF-8\) or \.xlsx\.",
        "{0}：不支持的文件类型 {1}。请把目标清单存为 .csv（UTF-8）或 .xlsx。",
    ),
    (
        r"(.+?): unsupported file type ('[^']*')\. Progress files must be CSV \(\.csv, UTF-8\) or Excel "
        r"\(\.xlsx\); save the sheet in one of these formats\.",
        "{0}：不支持的文件类型 {1}。进展文件须为 CSV（.csv，UTF-8）或 Excel（.xlsx）；请把工作表另存为其中一种格式。",
    ),
    # a file's bytes (_core.tables: _decode, _read_xlsx)
    (
        r"the \w+(?: \w+)? is empty \(0 bytes\)\. Open it in Excel or WPS and save it again as \.xlsx "
        r"\(Excel workbook\)\.",
        "文件为空（0 字节）。请用 Excel 或 WPS 打开后重新另存为 .xlsx（Excel 工作簿）。",
    ),
    (
        r"the \w+(?: \w+)? is neither UTF-8 nor GBK/GB18030 text \((.*?)\)\. Save it as UTF-8, with or "
        r"without BOM \(Excel: 'CSV UTF-8'\)\.",
        "文件既不是 UTF-8 也不是 GBK/GB18030 文本（{0}）。请存为 UTF-8（有无 BOM 均可；Excel：“CSV UTF-8”）。",
    ),
    (
        r"the \w+(?: \w+)? is an Excel workbook \(\.xlsx\), not CSV text: rename it to \.xlsx \(or save it "
        r"from Excel or WPS as 'CSV UTF-8'\)\.",
        "文件是 Excel 工作簿（.xlsx），不是 CSV 文本：请把扩展名改为 .xlsx（或在 Excel 或 WPS 中另存为“CSV UTF-8”）。",
    ),
    (
        r"(.+?) is a folder; give the path of a catalogue file \(\.csv, \.xlsx\)\.",
        "{0} 是文件夹；请给出目标清单文件（.csv、.xlsx）的路径。",
    ),
    (
        r"No built-in catalogue for year (\d+); built-in years: (\[.*?\])\. Pass the path of your own "
        r"CSV/Excel catalogue\.",
        "没有 {0} 年的内置目标清单；内置年份：{1}。请给出您自己的 CSV/Excel 目标清单的路径。",
    ),
    # a scenario file's common mistakes (scenarios._scenario, scenarios._compile)
    (r"The scenario file (.+?) has (\d+) problems:", "情景文件 {0} 中有 {1} 处问题："),
    (
        r"scenario file (.+?) does not exist\. Give the path of the file \(nothing was run\)\.",
        "情景文件 {0} 不存在。请给出文件的路径（未运行任何计算）。",
    ),
    (
        r"('[^']*') is not a scenario key; accepted: name, description, year, effects\.",
        "{0} 不是情景文件的键；可用的键：name、description、year、effects。",
    ),
    (r"('[^']*') must be one of (\[.*?\])\. Got ('[^']*')(.*?)\.$", "{0} 必须是 {1} 之一，现为 {2}{3}。"),
    (
        r"('[^']*') is not a key of a (\w+) effect(.*?); accepted: (\[.*?\])\.",
        "{0} 不是 {1} 类效应的键{2}；可用的键：{3}。",
    ),
    (r"('[^']*') is required for a (\w+) effect\.", "{1} 类效应必须有 {0}。"),
    (r"('[^']*') must be a non-empty string\. Got (.+?)\.$", "{0} 必须是非空字符串，现为 {1}。"),
    (r"('[^']*') must be a string\. Got (.+?)\.$", "{0} 必须是字符串，现为 {1}。"),
    (r"('[^']*') must be a whole number such as (\d+)\. Got (.+?)\.$", "{0} 必须是整数，如 {1}，现为 {2}。"),
    (r"('[^']*') must be an array of tables \(\[\[effects\]\]\)\.", "{0} 必须是表数组（[[effects]]）。"),
    (
        r"('[^']*') is empty, so the scenario changes nothing\. Add \[\[effects\]\] tables\.",
        "{0} 为空，情景不起作用。请添加 [[effects]] 表。",
    ),
    (r"('[^']*') must be a list of strings\.", "{0} 必须是字符串列表。"),
    (
        r"('[^']*') must be 'YYYY-MM' or a pair \['YYYY-MM', 'YYYY-MM'\]\.",
        "{0} 必须是 'YYYY-MM' 或一对 ['YYYY-MM', 'YYYY-MM']。",
    ),
    (r"('[^']*') starts after it ends: (.+?)\.$", "{0} 的开始晚于结束：{1}。"),
    (
        r"('[^']*') 'baseline' is reserved for the year with no effects; give this scenario another name\.",
        "{0} “baseline”专指没有任何效应的年份；请给此情景另起名称。",
    ),
    (
        r"('[^']*') ('[^']*') reads as the baseline's name in the outputs; give this scenario another name\.",
        "{0} {1} 在输出中与基准情景的名称相同；请给此情景另起名称。",
    ),
    (
        r"('[^']*') holds a line break or another control character \((.+?)\); write it on one line\.",
        "{0} 含有换行符或其他控制字符（{1}）；请写在一行内。",
    ),
    (
        r"Scenario names must be unique; got (.+?) \((.+?)\)\. Change the 'name' in one of those files\.",
        "情景名称必须互不相同；现为 {0}（{1}）。请修改其中一个文件的 name。",
    ),
    (r"('[^']*') must be a finite number >= 0\. Got (.+?)\.$", "{0} 必须是不小于 0 的有限数，现为 {1}。"),
    (r"('[^']*') must be a finite number > 0\. Got (.+?)\.$", "{0} 必须是大于 0 的有限数，现为 {1}。"),
    (r"('[^']*') must be a number in \[0, 1\]\. Got (.+?)\.$", "{0} 必须是 [0, 1] 之内的数，现为 {1}。"),
    (
        r"('[^']*') must be at most (\S+) \(a month's usual work (\S+) times over\); a larger one is a slip of "
        r"the keyboard, e\.g\. 1e9 for 1\.0\. Got (.+?)\.$",
        "{0} 不能超过 {1}（一个月的通常工作量的 {2} 倍）；更大的值多半是输入错误，如把 1.0 写成 1e9。现为 {3}。",
    ),
    (
        r"('[^']*') of a push must be >= 1 \(use a multiplier to slow down\)\. Got (.+?)\.$",
        "冲刺（push）的 {0} 必须不小于 1（放慢请用 multiplier）。现为 {1}。",
    ),
    (
        r"('[^']*') must be a whole number of months 1-12, or a \[min, max\] pair of whole months 0-12 \(e\.g\. "
        r"\[0, 3\]\)\. Got (.+?)\.$",
        "{0} 必须是 1-12 的整月数，或 0-12 整月的 [最小, 最大] 一对（如 [0, 3]）。现为 {1}。",
    ),
    (r"('[^']*') min is above max: (.+?)\.$", "{0} 的最小值大于最大值：{1}。"),
    (
        r"('[^']*') is 0 months: a delay of no month changes nothing\. Give 1-12 months\.",
        "{0} 为 0 个月：零个月的延迟不起作用。请给出 1-12 个月。",
    ),
    (
        r"('[^']*') is a share of the target, at most 1 \(0\.05 for 5 % of the target a month\); above 1 it "
        r"would limit nothing and the scenario would change nothing\. Got (.+?)\.$",
        "{0} 是目标的份额，不超过 1（每月目标的 5% 写 0.05）；大于 1 则什么也不限制，情景不起作用。现为 {1}。",
    ),
    (
        r"('[^']*') names unknown (indicators|regions) (\[.*?\])(.*?); known: (\[.*?\])\.",
        "{0} 中有未知的{1} {2}{3}；已知：{4}。",
    ),
    (r"(?<=中有未知的)indicators", "指标"),
    (r"(?<=中有未知的)regions", "地区"),
    (r" \(did you mean ('[^']*')\?\)", "（是否应为 {0}？）"),
    (
        r"('[^']*') must be a month written YYYY-MM\. Got ('[^']*'|[^\s']+?)\.",
        "{0} 必须是 YYYY-MM 形式的月份，现为 {1}。",
    ),
    (
        r"('[^']*') is outside the scenario's year (\d{4}): (\S+)\. Use months of (\d{4})\.",
        "{0} 不在情景所属年份 {1} 年之内：{2}。请使用 {3} 年的月份。",
    ),
    (
        r"(.+?): effects\[(\d+)\] \((\w+)\) names 'province' in its regions, but the province rows of (.*?) "
        r"are forecast as the total of their prefectures \(no series of their own\): the effect does not "
        r"reach them, and their P\(met\) under this scenario is the baseline's\. To change the province's "
        r"total, select its prefectures, or leave 'regions' out for all of them\.",
        "{0}：effects[{1}]（{2}）的 regions 含“province”（全省），但 {3} 的全省行按各地市之和预测（没有自己的序列）："
        "该效应作用不到它们，本情景下其达标概率即基准情景的概率。要改变全省合计，请选各地市，或省略 regions（即全部地市）。",
    ),
    (
        r"effects\[(\d+)\] \((\w+)\) selects no series of this forecast: it changes nothing\. Check its "
        r"indicators, tags, regions and months\.",
        "effects[{0}]（{1}）没有选中本次预测的任何序列：不起作用。请检查其指标、标签、地区和月份。",
    ),
    (
        r"effects\[(\d+)\] \((\w+)\) has factor 1: it multiplies the rate by 1: it changes nothing\. Check "
        r"its indicators, tags, regions and months\.",
        "effects[{0}]（{1}）的 factor 为 1：速率乘以 1，不起作用。请检查其 factor。",
    ),
    (
        r"effects\[(\d+)\] \((\w+)\) has probability 0: no path is delayed: it changes nothing\. Check "
        r"its indicators, tags, regions and months\.",
        "effects[{0}]（{1}）的 probability 为 0：没有任何路径被推迟，不起作用。请检查其 probability。",
    ),
    # the command line's option errors (argparse's own words and the checks of cli.py)
    (
        r"must be at least (\d+), got (\S+): with fewer draws the Monte Carlo error of P\(met\) is wider "
        r"than a status band \(default (\d+)\)",
        "至少应为 {0}，现为 {1}：模拟路径更少时，达标概率的蒙特卡罗误差比一个状态档位还宽（默认 {2}）",
    ),
    (
        r"must be at least (\d+), got (\S+): with fewer draws each forecast's P\(met\) carries a Monte Carlo "
        r"error wider than a status band, and the scores judge that noise \(default (\d+)\)",
        "至少应为 {0}，现为 {1}：模拟路径更少时，每次预测的达标概率的蒙特卡罗误差比一个状态档位还宽，评分评的是"
        "这些噪声（默认 {2}）",
    ),
    (
        r"must be at least (\d+), got (\S+): (.+?) rest on the kept paths, and with fewer paths the Monte "
        r"Carlo error of their probabilities is wider than a status band \(default: the first (\d+) draws; "
        r"pass --keep-paths (\d+) or more, or leave it out\)",
        "至少应为 {0}，现为 {1}：{2} 依据保留的路径计算，路径更少时其概率的蒙特卡罗误差比一个状态档位还宽"
        "（默认保留前 {3} 条；请给出 --keep-paths {4} 或更多，或不给此参数）",
    ),
    (
        r"must be at most (\S+), got (\S+): the Monte Carlo standard error of P\(met\) is below 0\.0001 long "
        r"before, and the run would take hours or days",
        "不能超过 {0}，现为 {1}：远在此之前达标概率的蒙特卡罗标准误已低于 0.0001，而运行要花几小时乃至几天",
    ),
    (r"must be a whole number of at least (\d+), got ('[^']*')", "必须是不小于 {0} 的整数，现为 {1}"),
    (r"must be a whole number >= (\d+), got (\S+)", "必须是不小于 {0} 的整数，现为 {1}"),
    (r"must be a port from 1 to 65535, got (\d+)", "必须是 1 到 65535 之间的端口号，现为 {0}"),
    (
        r"(\d+) is more than --draws (\d+); a run keeps at most every draw: pass --keep-paths (\d+) or "
        r"fewer, or more --draws",
        "{0} 多于 --draws {1}；保留的路径不能多于模拟路径：请给出 --keep-paths {2} 或更少，或增加 --draws",
    ),
    (
        r"('[^']*') is not a month(.*?); write it in one of the forms of a progress file: (.+?) \(e\.g\. "
        r"2024-08 or 2024年8月\)\.",
        "{0} 不是月份{1}；请按进展文件中月份的写法之一书写：{2}（如 2024-08 或 2024年8月）。",
    ),
    (r" \(its month number or day does not exist\)", "（月份或日期不存在）"),
    (
        r"('[^']*') has month number (\d+); the month must be 01-12 \(e\.g\. (\d{4})-12 for December "
        r"\d{4}\): the ('[^']*') parameter must be a month written YYYY-MM\.",
        "{0} 的月份为 {1}；月份必须是 01-12（如 {2}-12 表示 {2} 年 12 月）：参数 {3} 必须是 YYYY-MM 形式的月份。",
    ),
    (r"('[^']*') is not a number; give a probability such as 0\.8", "{0} 不是数字；请给出概率，如 0.8"),
    (
        r"(\S+) is not a probability strictly between 0 and 1; give e\.g\. 0\.8 \(not 80\)",
        "{0} 不是严格介于 0 和 1 之间的概率；请给出如 0.8 的值（不是 80）",
    ),
    (
        r"given twice \((.+?), (.+?)\); forecast runs one scenario\. To compare several: (.+)",
        "给出了两次（{0}、{1}）；forecast 只运行一个情景。要比较多个情景：{2}",
    ),
    (r"invalid choice: ('[^']*') \(choose from (.+)\)", "无效的选择 {0}（可选：{1}）"),
    (r"unrecognized arguments: (.+)", "无法识别的参数：{0}"),
    (r"the following arguments are required: (.+)", "缺少必需的参数：{0}"),
    (r"expected at least one argument", "至少需要一个参数值"),
    (r"expected one argument", "需要一个参数值"),
    (r"not allowed with argument (\S+)", "不能与参数 {0} 同时使用"),
    (r"ambiguous option: (\S+) could match (.+)", "有歧义的选项：{0} 可能是 {1}"),
    (r"invalid (\w+) value: ('[^']*')", "无效的 {0} 值：{1}"),
    (r"^argument command: ", "命令："),
    (r"^argument ([-\w/]+): ", "参数 {0}："),
    (
        r"(a proposal met|a pace reaching a target) with probability (\S+) rests on the (\S+) kept path\(s\) "
        r"beyond it \(of (\d+)\); at least (\d+) are needed, so with (\d+) kept paths the probabilities must "
        r"lie in \[(\S+), (\S+)\]\. Give a probability in that range, or forecast with keep_paths \(and "
        r"n_draws\) of at least (\d+) \((`[^`]*`)\)\.",
        "按 {1} 的概率，只有 {2} 条保留路径落在其外（共 {3} 条）；至少需要 {4} 条，因此保留 {5} 条路径时概率必须在 "
        "[{6}, {7}] 之内。请给出该范围内的概率，或以至少 {8} 条保留路径（及模拟路径）预测（{9}）。",
    ),
    # more of the progress file's mistakes (progress._reader, _core.tables) and the output folder
    (
        r"field 'value' has value (\S+), which looks like a fraction, but ('[^']*') is in (.+?) \(target "
        r"(\S+)\)\. Enter percent, e\.g\. (\S+); ",
        "“value”（数值）列的值 {0} 看起来是小数，但 {1} 的单位是 {2}（目标 {3}）。请填写百分数，如 {4}；",
    ),
    (
        r"(.+?): unknown column\(s\) (\[.*?\])( \(columns without a header name\))? in the (.+?)\. Accepted "
        r"columns: (\[.*?\])\. Rename or delete the extra column\(s\); nothing is dropped silently\.",
        "{0}：{3}中有未知的列 {1}{2}。可用的列：{4}。请重命名或删除多余的列；不会悄悄丢弃任何列。",
    ),
    (r" \(columns without a header name\)", "（没有列名的列）"),
    (r"(?<=中有未知的列 )(.*?)header \(row (\d+)\)中", "{0}表头（第 {1} 行）中"),
    (r"(?<=：)header \((第 \d+ 行|row \d+)\)中有未知的列", "表头（{0}）中有未知的列"),
    (
        r"(.+?): (\d+) formula cell\(s\) of sheet ('[^']*') hold no saved result, or an empty one \((.+)\): "
        r"the (?:[\w ]+?) was written by a program or saved without recalculating, or the formula gives an "
        r"empty text\. Open it in Excel or WPS and save it again, so that the results are stored, or type "
        r"each figure \(a month not reported: delete its row\)\.",
        "{0}：工作表 {2} 中有 {1} 个公式单元格没有保存的结果，或结果为空（{3}）：文件由程序写出或保存时未重新计算，"
        "或公式结果为空文本。请在 Excel 或 WPS 中打开并重新保存，以存下计算结果；或逐个填写数值（某月未报告："
        "删除该行）。",
    ),
    (r", column ([A-Z]+) \(('[^']*')\): ", "，{0} 列（{1}）："),
    (
        r"(.+?): sheets (\[.*?\]) all have the columns (\[.*?\]); which one holds the data\? Choose it with "
        r"sheet= \(command line: --sheet NAME\), or delete the others\. If each holds other months \(one "
        r"sheet per month\), put every month's rows in one sheet \(each row with its month\): one sheet "
        r"chosen leaves the others' reports out\.",
        "{0}：工作表 {1} 都有所需的列 {2}；数据在哪一个？请用 sheet=（命令行：--sheet 工作表名）选定，或删除其他"
        "工作表。如每个工作表是不同月份（每月一个工作表），请把各月的行合并到一个工作表中（每行注明月份）："
        "只选一个工作表会漏掉其他工作表的报告。",
    ),
    (
        r" \(ambiguous: as an Excel number, (\S+) shows as (\S+); write (\S+) or (\S+)\)",
        "（有歧义：作为 Excel 数字，{0} 显示为 {1}；请写 {2} 或 {3}）",
    ),
    (
        r"(--\S+) (.+?) is a file, not a folder\. Choose a folder for (?:the outputs|.+?) \(nothing was run\)\.",
        "{0} {1} 是文件，不是文件夹。请为输出选择一个文件夹（未运行任何计算）。",
    ),
    (
        r"as_of years (\[.*?\]) have reports \(the progress covers (\S+) to (\S+)\) but no forecastable target "
        r"in the catalogue \(it has targets for years (\[.*?\]); a target against the year before has none in "
        r"the data's first year\)\. Choose years among (\[.*?\])\.",
        "年份 {0} 有报告（进展数据覆盖 {1} 至 {2}），但目标清单中没有可预测的目标（只有 {3} 年有目标；以上一年为"
        "基准的目标在数据的第一年没有基准）。请在 {4} 中选择年份。",
    ),
    (
        r"as_of years (\[.*?\]) are outside the data: the progress covers (\S+) to (\S+) and forecastable "
        r"targets exist for years (\[.*?\])\. Choose years among (\[.*?\])\.",
        "年份 {0} 不在数据范围内：进展数据覆盖 {1} 至 {2}，可预测的目标只有 {3} 年。请在 {4} 中选择年份。",
    ),
    (
        r"No province row has a forecast, so no item can be judged: the (\d+) province row\(s\) have none \(",
        "没有任何全省行有预测，因此无法评判任何事项：{0} 个全省行都没有预测（",
    ),
    # the report store's common mistakes (store._db, _vintage, _ingest, _archive, _changes, _track)
    (
        r"(.+?): no report store here\. Create it by ingesting report files: `longjiang-forecast ingest "
        r"FILE\.\.\. --store PATH`\.",
        "{0}：此处没有报告库。请先导入报告文件来创建：`longjiang-forecast ingest 文件... --store 路径`。",
    ),
    (
        r"(.+?): is a folder, not a report store\. Give a file name, e\.g\. reports\.sqlite\.",
        "{0}：这是文件夹，不是报告库。请给出文件名，如 reports.sqlite。",
    ),
    (
        r"(.+?): the folder of the store does not exist\. Create the folder first\.",
        "{0}：报告库所在的文件夹不存在。请先创建该文件夹。",
    ),
    (r"(.+?): an empty file; nothing was read or changed\.", "{0}：是空文件；未读取或更改任何内容。"),
    (
        r"(.+?): not a report store \(not an SQLite database\); nothing was read or changed\.",
        "{0}：不是报告库（不是 SQLite 数据库）；未读取或更改任何内容。",
    ),
    (
        r"(.+?): an SQLite database, but not a report store of longjiang_forecast\.",
        "{0}：是 SQLite 数据库，但不是 longjiang_forecast 的报告库。",
    ),
    (
        r" Give the path of a report store \(made by `longjiang-forecast ingest`\), or a new file name\.",
        "请给出报告库的路径（由 `longjiang-forecast ingest` 创建），或一个新的文件名。",
    ),
    (
        r"(.+?): the report store is damaged \((.*?)\); nothing was read or changed\. Restore it from a "
        r"backup copy \(the store is one file\), or re-ingest the report files into a new store\.",
        "{0}：报告库已损坏（{1}）；未读取或更改任何内容。请从备份恢复（报告库就是一个文件），或把报告文件重新导入"
        "一个新的报告库。",
    ),
    (
        r"(.+?): written by a newer version of longjiang_forecast \(store schema (\d+), library (\S+)\); "
        r"this version (\S+) reads schema (\d+) and older, and changed nothing\. Upgrade longjiang_forecast "
        r"\(pip install -U longjiang_forecast\) to use this store\.",
        "{0}：由更新版本的 longjiang_forecast 写入（报告库结构第 {1} 版，程序库 {2}）；当前版本 {3} 只能读取结构"
        "第 {4} 版及更早的报告库，未作任何更改。请升级 longjiang_forecast（pip install -U longjiang_forecast）"
        "后再使用此报告库。",
    ),
    (
        r"(.+?) in the report store is damaged and cannot be read \((.*?)\)\. Restore the store from a "
        r"backup \(nothing was changed\)\.",
        "报告库中的{0}已损坏，无法读取（{1}）。请从备份恢复报告库（未作任何更改）。",
    ),
    (
        r"--vintage (\S+) is later than now \((\S+) UTC\): a report cannot be received in the future\. "
        r"Give the date the files were received\.",
        "--vintage {0} 晚于当前时间（{1} UTC）：报告不可能在未来收到。请给出收到这些文件的日期。",
    ),
    (
        r"vintage (\S+) is later than now \((\S+) UTC\): a forecast as known on a date to come would take "
        r"the reports received by then, which nobody has yet \(and a publication under that date could not "
        r"be told from a later one\)\. Give today's date or an earlier one, or no vintage for everything in "
        r"the store \(nothing was run\)\.",
        "数据版本 {0} 晚于当前时间（{1} UTC）：按未来某日所知作预测，要用到届时收到的报告，而这些报告尚无人收到"
        "（以该日期发布的预测也无法与以后的区分）。请给出今天或更早的日期，或不指定版本以使用报告库中的全部报告（未运行任何计算）。",
    ),
    (
        r"(.+?): (\d+) report\(s\) in the store were received after (\S+) \(the latest on (\S+)\) and are "
        r"left out, as a forecast as known on \S+ must leave them\. Reports ingested without a reported_on are "
        r"dated the day they were ingested: give that column, or ingest's --vintage, the date each was "
        r"received; or drop --vintage to use everything\.",
        "{0}：报告库中有 {1} 条报告在 {2} 之后收到（最晚于 {3}），按 {2} 所知的预测须将其排除，故未使用。"
        "未填 reported_on 的报告以导入当天为收到日期：请在该列或 ingest 的 --vintage 中给出每条报告的实际收到日期；"
        "或去掉 --vintage 以使用全部报告。",
    ),
    (
        r"(\S+) ('[^']*') is not a date: write it as YYYY-MM-DD \(e\.g\. 2024-09-05\), or as a UTC time "
        r"YYYY-MM-DDTHH:MM:SS\.",
        "{0} {1} 不是日期：请写成 YYYY-MM-DD（如 2024-09-05），或 UTC 时间 YYYY-MM-DDTHH:MM:SS。",
    ),
    (
        r"(.+?): (\d+) row\(s\) still carry the template's note ('[^']*'), e\.g\. (\S+) (\d{4}-\d{2}): "
        r"those values are the template's synthetic examples, not reports, and the store keeps what it is "
        r"given for good\. Replace them with the reported figures and clear the note\.",
        "{0}：有 {1} 行仍带有模板的备注 {2}（如 {3} {4}）：这些数值是模板的合成示例，不是报告，而报告库会永久"
        "保存收到的内容。请换成报告的数值并清除备注。",
    ),
    (
        r"(.+?): (\d+) row\(s\) received before the month they report began, e\.g\. (\S+) (\d{4}-\d{2}) "
        r"received (\S+)\. Correct reported_on \(or --vintage\) or the month\.",
        "{0}：有 {1} 行的收到日期早于所报告月份的开始，如 {2} {3} 于 {4} 收到。请更正 reported_on（或 --vintage）"
        "或月份。",
    ),
    (
        r"(.+?): (\d+) row\(s\) reported_on a date later than now \((\S+) UTC\), e\.g\. (\S+) (\d{4}-\d{2}) "
        r"on (\S+)\. Correct reported_on \(YYYY-MM-DD\)\.",
        "{0}：有 {1} 行的 reported_on 晚于当前时间（{2} UTC），如 {3} {4} 记为 {5}。请更正 reported_on"
        "（YYYY-MM-DD）。",
    ),
    (r"(.+?): (\d+) reports? refused; nothing was stored:", "{0}：有 {1} 条报告被拒收；未存入任何内容："),
    (
        r"(.+?): value (\S+) received on (\S+), but (.+?) gave (\S+) on the same vintage: two figures of one "
        r"receipt date cannot be ordered\. Correct the figure, or give the date this file was really received "
        r"\(its reported_on, or --vintage\)\.",
        "{0}：数值 {1} 于 {2} 收到，而 {3} 在同一数据版本给出 {4}：同一收到日期的两个数值无法排定先后。"
        "请更正数值，或给出此文件的实际收到日期（其 reported_on，或 --vintage）。",
    ),
    (
        r"(.+?): received on (\S+), earlier than the vintage (\S+) already stored for it \((\S+), from (.+?)\); "
        r"a store only adds later knowledge\. Ingest files in the order they were received; if this file "
        r"arrived after (\S+), give the date it was received \(its reported_on, or --vintage\)\.",
        "{0}：收到于 {1}，早于库中已有的数据版本 {2}（{3}，来自 {4}）；报告库只添加更晚获知的内容。"
        "请按收到的先后顺序导入文件；如此文件在 {5} 之后才收到，请给出其收到日期（其 reported_on，或 --vintage）。",
    ),
    (
        r"(.+?): with this ingest, the latest figures of the store would fail a check of the progress reader "
        r"\(each row named by its file and vintage\); nothing was stored:",
        "{0}：导入后报告库的最新数值将通不过进展文件的检查（每行注明其文件和数据版本）；未存入任何内容：",
    ),
    (
        r"(.+?) at vintage (\S+?) up to (\d{4}-\d{2}): no report had been received by then \(",
        "{0}（数据版本 {1}，截至 {2}）：到那时尚未收到任何报告（",
    ),
    (
        r"(.+?) at vintage (\S+?): no report had been received by then \(",
        "{0}（数据版本 {1}）：到那时尚未收到任何报告（",
    ),
    (r"its earliest vintage is (\S+)\)\.", "其最早的数据版本为 {0}）。"),
    (r"it holds no reports yet\)\.", "其中尚无任何报告）。"),
    (
        r" Give a later vintage, or ingest the reports first\.",
        "请给出更晚的数据版本，或先导入报告。",
    ),
    (
        r"(.+?) at vintage (\S+?): the store holds reports of (\d{4}) \((\S+) to (\S+)\), after the year "
        r"(\d{4}) of the catalogue (.+?), which has no targets for them \(nothing was run\)\. To forecast "
        r"(\d{4}), give its catalogue \(--catalog FILE: the one `longjiang-forecast next-year --out FILE` "
        r"wrote, or your own\); to see how (\d{4}) ended, read the store up to its December \(--as-of "
        r"(\S+); (.+?)\)\.$",
        "{0}（数据版本 {1}）：报告库中有 {2} 年的报告（{3} 至 {4}），晚于目标清单 {6} 的年份 {5} 年，该清单没有"
        "这些月份的目标（未运行任何计算）。要预测 {7} 年，请给出该年的目标清单（--catalog 文件：用 "
        "`longjiang-forecast next-year --out 文件` 写出的，或您自己的）；要看 {8} 年的结果，请读取报告库到该年"
        "12 月（--as-of {9}；{10}）。",
    ),
    (
        r"(.+?): the forecast ran under the scenario ('[^']*'); only baseline forecasts are published "
        r"\(nothing was stored\)\. Publish the run without a scenario\.",
        "{0}：该预测是在情景 {1} 下运行的；只发布基准情景的预测（未存入任何内容）。请不带情景运行后再发布。",
    ),
    (
        r"(.+?): the forecast was made with seed entropy (\S+), not the seed (\S+) given; nothing was "
        r"stored\. Pass the seed the forecast was made with\.",
        "{0}：该预测所用的随机种子为 {1}，不是给出的 {2}；未存入任何内容。请给出预测时所用的随机种子。",
    ),
    (
        r"(.+?): this forecast's data is not what the store held at vintage (\S+) up to (\S+) \(data hash "
        r"(\S+) against (\S+)\); nothing was stored\. Make the forecast from (.+?) and publish it with the "
        r"same vintage\.",
        "{0}：该预测的数据与报告库在数据版本 {1}、截至 {2} 时所存的不同（数据哈希 {3}，报告库为 {4}）；未存入任何"
        "内容。请用 {5} 得到的数据预测，并以同一数据版本发布。",
    ),
    (
        r"(.+?): this forecast is already published as forecast (\d+) \(the same reports, catalogue, model, "
        r"seed, draws and library version\); nothing was stored\. Publish again after the next ingest, or "
        r"with another model or seed\.",
        "{0}：该预测已作为第 {1} 次预测发布（报告、目标清单、模型、随机种子、模拟次数和程序库版本都相同）；未存入"
        "任何内容。请在下次导入报告后再发布，或换用其他模型或随机种子。",
    ),
    (
        r"(.+?): no published forecast number (\d+) \(the store holds (\d+)(.*?)\)\. Give one of these numbers; "
        r"(.+?) lists them all\.",
        "{0}：没有第 {1} 号发布的预测（报告库共有 {2} 次{3}）。请给出其中一个编号；{4} 可列出全部。",
    ),
    (
        r"(.+?): what changed needs two published forecasts \(it holds (\d+)\); publish with "
        r"`longjiang-forecast forecast --store PATH --publish`, or give --from and --to\.",
        "{0}：比较变化需要两次发布的预测（现有 {1} 次）；请用 `longjiang-forecast forecast --store 路径 --publish`"
        " 发布，或给出 --from 和 --to。",
    ),
    (
        r"(.+?): --to (\d+) \(as of (\S+)\) is the earliest published forecast: no forecast comes before it "
        r"to compare with\. Give a later --to, or --from and --to \(nothing was run\)\.",
        "{0}：--to {1}（截至 {2}）是最早发布的预测，之前没有可比较的预测。请给出更晚的 --to，或同时给出 --from 和 "
        "--to（未运行任何计算）。",
    ),
    (
        r"--from (\d+) \(as of (\S+)\) (?:was published after|is of a later month than) --to (\d+) \(as of "
        r"(\S+)\): give the earlier forecast as --from and the later as --to \(nothing was run\)\.",
        "--from {0}（截至 {1}）晚于 --to {2}（截至 {3}）：请把较早的预测作为 --from、较晚的作为 --to（未运行任何"
        "计算）。",
    ),
    (
        r"--from (\d+) is the latest published forecast, which --to takes by default: no forecast comes after "
        r"it to compare with\. Give an earlier --from, or --to as well \(nothing was run\)\.",
        "--from {0} 是最新发布的预测，而 --to 默认即取最新：其后没有可比较的预测。请给出更早的 --from，或同时给出 --to"
        "（未运行任何计算）。",
    ),
    (
        r"--from and --to are both forecast (\d+): give two forecasts \(nothing was run\)\.",
        "--from 和 --to 都是第 {0} 次预测：请给出两次不同的预测（未运行任何计算）。",
    ),
    (
        r"(.+?): no published forecast yet, so there is no track record\. After each ingest, publish the "
        r"month's forecast: `longjiang-forecast forecast --store PATH --publish`\.",
        "{0}：尚无发布的预测，因此没有历史成绩。每次导入报告后，请发布当月的预测：`longjiang-forecast forecast "
        "--store 路径 --publish`。",
    ),
    # a scenario file's rarer checks and warnings (scenarios._scenario, _compile)
    (
        r"(.+?): 'year' is (\d{4}) but the forecast is for (\d{4})\. Write the scenario's months in (\d{4}) "
        r"\(or set year = (\d{4})\)\.",
        "{0}：'year' 为 {1} 年，但预测的是 {2} 年。请把情景的月份写成 {3} 年的（或设 year = {4}）。",
    ),
    (
        r"scenario file (.+?) is a folder, not a file\. Give the path of the file \(nothing was run\)\.",
        "情景文件 {0} 是文件夹，不是文件。请给出文件的路径（未运行任何计算）。",
    ),
    (
        r"(.+?) is not a file; give the path of a scenario \.toml file\.",
        "{0} 不是文件；请给出情景 .toml 文件的路径。",
    ),
    (
        r"(.+?): read as (.+?), not UTF-8\. Check its Chinese text; save it as UTF-8 to silence this \(in "
        r"Notepad: Save as, Encoding UTF-8\)\.",
        "{0}：按 {1} 读取，而不是 UTF-8。请检查其中的中文；另存为 UTF-8 即不再提示（记事本：另存为，编码选 UTF-8）。",
    ),
    (r"(.+?): not valid TOML \((.*)\)\. Fix the syntax\.", "{0}：不是有效的 TOML（{1}）。请修正语法。"),
    (
        r"(.+?): arrays or tables nested too deeply to read\. A scenario needs only \[\[effects\]\] tables of "
        r"keys; remove the nesting\.",
        "{0}：数组或表嵌套过深，无法读取。情景只需要由键组成的 [[effects]] 表；请去掉多余的嵌套。",
    ),
    (
        r"(.+?): effects\[(\d+)\] \((\w+)\) ends in month (\d+), and every series it selects \((\d+)\) has "
        r"reports up to month (\d+) or later: it changes nothing \(those months are reported\)\.",
        "{0}：effects[{1}]（{2}）止于 {3} 月，而它选中的每个序列（{4} 个）都已有到 {5} 月或更晚的报告：不起作用"
        "（这些月份已有报告）。",
    ),
    (
        r"(.+?): effects\[(\d+)\] \(delay\) can start in month (\d+), and every series it selects has reports "
        r"up to month (\d+): a delay drawn to start by then loses the months already reported, so fewer paths "
        r"are delayed, and for less long, than its probability (\S+) and duration say\. Start its window "
        r"after month (\d+) for every delay drawn to count in full\.",
        "{0}：effects[{1}]（延迟）可能从 {2} 月开始，而它选中的每个序列都已有到 {3} 月的报告：抽到在此之前开始的"
        "延迟会落在已报告的月份上，因此受延迟的路径比其概率 {4} 和时长所示更少、更短。请把其时间窗口放在 {5} 月之后，"
        "使抽到的每次延迟都完整计入。",
    ),
    (
        r"(.+?): effects\[(\d+)\] \((\w+)\) changes prefecture rows of (.+?) but not their province rows, which "
        r"are forecast from the province's own reports: the province's P\(met\) under this scenario leaves the "
        r"change out\. To see the province move with its prefectures, leave the province's rows of those "
        r"indicators out of the progress data \(the province is then forecast as the total of its "
        r"prefectures, path by path\)\. Adding 'province' to the effect's regions would apply it to the "
        r"province's own row as a whole \(every prefecture's work\), not by these prefectures' share\.",
        "{0}：effects[{1}]（{2}）改变了 {3} 的地市行，但没有改变其全省行，全省行按全省自报数预测：此情景下全省的"
        "达标概率不含这一改变。要让全省随地市变化，请把这些指标的全省行从进展数据中去掉（全省即按各地市逐路径"
        "加总预测）。在效应的 regions 中加上 'province' 会把效应作用于全省自报的整行（所有地市的工作），而不是"
        "按这些地市的份额。",
    ),
    (r"(\S+) at vintage latest(?=[:：])", "{0}（最新数据版本）"),
    (r"(\S+) at vintage (\S+?)(?=[:：])", "{0}（数据版本 {1}）"),
    (r"^--as-of/--years on (\S+): ", "--as-of/--years（{0}）："),
    (r" ?\(nothing was run\)", "（未运行任何计算）"),
    (r"(\d{4}-\d{2}) to (\d{4}-\d{2})", "{0} 至 {1}"),
    (r"(?<![A-Za-z])row (\d+)(?!\d)", "第 {0} 行"),
    (r" and (\d+) more\b", " 等另 {0} 处"),
    # the split of a provincial target (Catalog.target_for's target_basis), as the messages quote it
    (r" less the (\d+) prefecture row\(s\)' ([\d.,]+)", " 减去 {0} 个地市专门行合计的 {1}"),
    (r", in whole units by largest remainder", "，按最大余数法取整"),
    (
        r"population share 2020 census \((\d+)/(\d+)\) of province target ",
        "2020 年人口普查人口比例 {0}/{1}，全省目标 ",
    ),
    (r"province target ([\d.,]+)(?= 减去)", "全省目标 {0}"),
    (r": nothing left to share", "：没有剩余可分"),
)


def status_word(status: Any, lang: str) -> str:
    """The status band's short name in ``lang`` (without the range in brackets), for tables and cells."""
    text = str(status)
    return re.sub(r"\s*[(（][^()（）]*[)）]$", "", STATUS_NAMES[lang].get(text, text))


#: Chinese for what ``planning.next_year_catalog`` writes in a proposed row's ``note`` (see
#: :func:`catalogue_text_in_chinese`): a regular expression, and its Chinese with the groups in
#: ``{0}``, ``{1}``..., applied in this order.
NEXT_YEAR_NOTES_ZH: tuple[tuple[str, str], ...] = (
    (
        r"proposed for (\d{4}) at ([\d.]+%): met with probability at least ([\d.]+%) by the forecast of "
        r"(\d{4}-\d{2}) \(",
        "{0} 年目标按 {1} 概率建议：依据截至 {3} 的预测，达成概率不低于 {2}（",
    ),
    (
        r"proposed for (\d{4}) at ([\d.]+%): met with probability ([\d.]+%) by the forecast of "
        r"(\d{4}-\d{2}) \(",
        "{0} 年目标按 {1} 概率建议：依据截至 {3} 的预测，达成概率为 {2}（",
    ),
    (
        r"growth from (\d+) year-to-year ratio\(s\) in (\d+) regions of its family \(([\d.]+) independent "
        r"years' worth\), pooled with the default growth",
        "增长率依据同类 {1} 个地区的 {0} 个逐年比值（相当于 {2} 个独立年份），与默认增长合并",
    ),
    (
        r"growth from (\d+) year-to-year ratio\(s\) in (\d+) regions of its family \(([\d.]+) independent "
        r"years' worth\), pooled with the growth of the list's (\d+) other target\(s\) of its kind "
        r"\(([+\-][\d.]+) log\)",
        "增长率依据同类 {1} 个地区的 {0} 个逐年比值（相当于 {2} 个独立年份），与清单中其他 {3} 项同类目标的增长"
        "（对数 {4}）合并",
    ),
    (
        r"growth from (\d+) year-to-year ratio\(s\) \(([\d.]+) independent years' worth\), pooled with the "
        r"default growth",
        "增长率依据 {0} 个逐年比值（相当于 {1} 个独立年份），与默认增长合并",
    ),
    (
        r"growth from (\d+) year-to-year ratio\(s\) \(([\d.]+) independent years' worth\), pooled with the "
        r"growth of the list's (\d+) other target\(s\) of its kind \(([+\-][\d.]+) log\)",
        "增长率依据 {0} 个逐年比值（相当于 {1} 个独立年份），与清单中其他 {2} 项同类目标的增长（对数 {3}）合并",
    ),
    (r", in their own shape \((\d+)% of the law\)", "，并按这些比值自身的分布形状（占 {0}%）"),
    (
        r"; the default spread ([\d.]+), that of a total of ([\d.]+) prefectures of equal size sharing "
        r"(\d+)% of their year-to-year spread \(from (\d+) prefectures' ratios\)",
        "；默认离散度 {0}，即相当于 {1} 个同等规模、逐年波动有 {2}% 相同的市之和的离散度（依据 {3} 个市的比值）",
    ),
    (
        r"default growth \(no two consecutive years known, this year's expected outcome included; (\d+) "
        r"earlier finals\)",
        "默认增长率（连同今年预期完成值也没有连续两年的数值；往年终值 {0} 个）",
    ),
    (
        r"the growth of the list's (\d+) other target\(s\) of its kind \(([+\-][\d.]+) log\) \(no two "
        r"consecutive years known, this year's expected outcome included; (\d+) earlier finals\)",
        "清单中其他 {0} 项同类目标的增长（对数 {1}）（连同今年预期完成值也没有连续两年的数值；往年终值 {2} 个）",
    ),
    (
        r"; this year's expected outcome against last year's final is the latest ratio",
        "；今年预期完成值与去年终值之比为最新一个比值",
    ),
    (
        r"\); (\d{4}) target ([^,;]+), (\d{4}) expected outcome ([^;]+)",
        "）；{0} 年目标 {1}，{2} 年预期完成 {3}",
    ),
    (
        r"; lowered ([\d.]+%) so that the prefectures' proposals add up to no more than the province's",
        "；为使各市建议之和不超过全省建议，下调 {0}",
    ),
    (r"; ([\d.]+) before rounding down to the unit", "；按单位向下取整前为 {0}"),
    (r"; ([\d.]+) before rounding up to the unit", "；按单位向上取整前为 {0}"),
)

#: Why a row was carried over, where :data:`NOTES_ZH` does not say it.
_CARRIED_ZH = {"qualitative: nothing to forecast": "定性目标：无需预测", "no proposal": "无建议值"}


def catalogue_text_in_chinese(text: str) -> str:
    """A ``note`` or ``deadline_source`` of next year's catalogue (``next_year_catalog``) in Chinese.

    What the library wrote is translated (:data:`NEXT_YEAR_NOTES_ZH`; a carried-over row's reason
    through :func:`in_chinese`); the user's own words (after ". Earlier note: ", and the original
    source inside a moved deadline's) stay as they were written.

    Examples
    --------
    >>> catalogue_text_in_chinese("carried over unchanged from 2024 (no forecast). Earlier note: 见附件")
    '沿用 2024 年目标不变（无法预测）。原备注：见附件'
    >>> catalogue_text_in_chinese("2024's deadline, a year later (default: calendar year-end)")
    '2024 年截止日期顺延一年（default: calendar year-end）'
    >>> catalogue_text_in_chinese(
    ...     "growth from 26 year-to-year ratio(s) in 13 regions of its family (25.6 independent years' "
    ...     "worth), pooled with the default growth, in their own shape (86% of the law)"
    ... )
    '增长率依据同类 13 个地区的 26 个逐年比值（相当于 25.6 个独立年份），与默认增长合并，并按这些比值自身的分布形状（占 86%）'
    >>> catalogue_text_in_chinese(
    ...     "growth from 26 year-to-year ratio(s) in 13 regions of its family (25.6 independent years' "
    ...     "worth), pooled with the growth of the list's 2 other target(s) of its kind (+0.041 log)"
    ... )
    '增长率依据同类 13 个地区的 26 个逐年比值（相当于 25.6 个独立年份），与清单中其他 2 项同类目标的增长（对数 +0.041）合并'
    >>> catalogue_text_in_chinese(
    ...     "growth from 2 year-to-year ratio(s) (2.0 independent years' worth), pooled with the default "
    ...     "growth; the default spread 0.063, that of a total of 7.2 prefectures of equal size sharing 30% of "
    ...     "their year-to-year spread (from 13 prefectures' ratios)"
    ... )
    '增长率依据 2 个逐年比值（相当于 2.0 个独立年份），与默认增长合并；默认离散度 0.063，即相当于 7.2 个同等规模、逐年波动有 30% 相同的市之和的离散度（依据 13 个市的比值）'
    """
    ours, sep, theirs = text.partition(". Earlier note: ")
    moved = re.fullmatch(r"(\d{4})'s deadline, a year later \((.*)\)", ours, re.DOTALL)
    carried = re.fullmatch(r"carried over unchanged from (\d{4}) \((.*)\)", ours, re.DOTALL)
    if moved:
        ours = f"{moved.group(1)} 年截止日期顺延一年（{moved.group(2)}）"
    elif carried:
        why = _CARRIED_ZH.get(carried.group(2)) or in_chinese(carried.group(2))
        ours = f"沿用 {carried.group(1)} 年目标不变（{why}）"
    else:
        ours = in_chinese(ours, NEXT_YEAR_NOTES_ZH)
    return ours + (f"。原备注：{theirs}" if sep else "")


def in_chinese(message: str, patterns: tuple[tuple[str, str], ...] = NOTES_ZH) -> str:
    """An English message of the command line in Chinese, as far as ``patterns`` know its sentences.

    Each pattern of ``patterns`` (default :data:`NOTES_ZH`) is replaced wherever it occurs, in
    order; a sentence none matches stays in English (ids, paths and the user's text are kept as
    written).

    Examples
    --------
    >>> in_chinese("Progress file not found: data/progress.csv")
    '找不到进展文件：data/progress.csv'
    >>> in_chinese("sum of the 13 prefectures' forecasts, path by path; not reported, simulated: harbin 2024-08")
    '13 个地市预测值逐路径加总；未报告、以模拟值补齐：harbin 2024-08'
    """
    for pattern, zh in patterns:

        def fill(m: re.Match[str], zh: str = zh) -> str:
            return zh.format(*m.groups(default=""))

        message = re.sub(pattern, fill, message)
    return message


def model_name(model: Any, lang: str) -> str:
    """A model's name for people (:data:`MODEL_NAMES`); a model not listed keeps its class name."""
    return MODEL_NAMES[lang].get(str(model), str(model))


#: Names of the scenario without one, per language.
_BASELINE = {"zh": "基准情景", "en": "baseline"}


def scenario_name(scenario: Any, lang: str) -> str:
    """A scenario's name for people: the baseline in ``lang``, any other as its file names it."""
    text = str(scenario or "baseline")
    return _BASELINE[lang] if text == "baseline" else text


def catalog_name(source: Any, lang: str) -> str:
    """Where a catalogue comes from, for people: a built-in year's list in words, a file as given.

    ``"package:catalog_2024.csv"`` -> ``"内置 2024 年目标清单"`` / ``"the built-in 2024 catalogue"``;
    ``"cat4.xlsx"`` -> ``"cat4.xlsx"``.
    """
    text = str(source)
    built_in = re.fullmatch(r"package:catalog_(\d{4})\.csv", text)
    if not built_in:
        return text
    return f"内置 {built_in[1]} 年目标清单" if lang == "zh" else f"the built-in {built_in[1]} catalogue"


#: Labels of the provenance keys (``run.json`` and the workbook's provenance sheet) in Chinese.
PROVENANCE_ZH: dict[str, str] = {
    "as_of": "截至月份",
    "catalog": "目标清单",
    "catalog_sha256": "目标清单文件哈希（SHA-256）",
    "progress": "进展数据",
    "progress_sha256": "进展数据文件哈希（SHA-256）",
    "synthetic_data": "合成示例数据",
    "allow_revisions": "接受修订的报告",
    "check_scale": "检查数量级",
    "revisions_accepted": "已接受的修订",
    "scenario": "情景",
    "model": "模型",
    "model_params": "模型参数",
    "n_draws": "模拟路径数",
    "seed": "随机种子",
    "library_version": "软件版本",
    "created_at": "生成时间（世界协调时）",
    "data_vintage": "数据截止",
    "data_vintage_basis": "数据截止的依据",
}
_VINTAGE_BASIS_ZH = {
    "latest month reported": "最新报告月份",
    "latest reported_on": "最新报告日期（reported_on）",
}


def provenance_row(key: str, value: Any, lang: str) -> list[Any]:
    """One row of the workbook's provenance sheet: ``[key, value]`` in English, ``[标签, 值, key]`` in Chinese.

    In Chinese the label is :data:`PROVENANCE_ZH`'s, the value in words where it is one
    (the model, the scenario, a built-in catalogue, synthetic data, yes/no), the machine
    key last; numbers and hashes as they are.
    """
    if lang == "en":
        return [key, value]
    shown = value
    if key == "model":
        shown = f"{model_name(value, 'zh')}（{value}）"
    elif key == "scenario":
        shown = scenario_name(value, "zh")
    elif key == "catalog":
        shown = catalog_name(value, "zh")
    elif key == "progress" and value == "synthetic":
        shown = "合成示例数据"
    elif key == "data_vintage_basis":
        shown = _VINTAGE_BASIS_ZH.get(str(value), value)
    elif isinstance(value, bool):
        shown = "是" if value else "否"
    return [PROVENANCE_ZH.get(key, key), shown, key]
