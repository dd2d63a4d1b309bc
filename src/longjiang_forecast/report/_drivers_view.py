"""Risk drivers in the bulletin: the sentences around the charts of the portfolio section."""

from __future__ import annotations

import calendar

import xarray as xr

from .._core.names import display_name

DRIVER_TEXT: dict[str, dict[str, str]] = {
    "zh": {
        "alt": "风险来源图",
        "note": "风险来源图：深色条为若该目标确定完成，“全部完成”的概率提高多少（百分点）；浅色条为该目标在"
        "“未能全部完成”概率中所占的份额（每条未全部完成的模拟路径，平均分摊给该路径中未完成的各目标，"
        "合计等于 1 − 全部完成概率）；行末为该目标的未完成概率，即它对预计未完成目标数的贡献。",
        "top": "单独确保一项提高最多的是：{rows}（± 为模拟误差）。",
        "row": "{name}（+{gain:.1f} ± {se:.1f} 个百分点）",
        "stuck": "全部完成的概率为 {p}：没有一条模拟路径恰好只差一个目标{why}，单独确保任何一项都无法提高它，"
        "图中次序按所占份额。",
        "why": "（{k} 个目标在至少 95% 的路径中未完成）",
        "certain": "全部目标在每条模拟路径中都已完成，没有风险来源。",
        "outdoor": "第二张图只看 {month} 月截止的户外施工项目。",
        "prefectures": "分地市看，预计未完成的本地目标最多的是：{rows}。",
        "prefecture_row": "{name} {missed:.1f} 项（共 {n} 项）",
    },
    "en": {
        "alt": "Risk drivers chart",
        "note": "Risk drivers: the dark bar is how much P(all met) would rise if the target were "
        "certain to be "
        "met (percentage points); the light bar is its share of P(not all met) (each simulated path that "
        "misses is shared equally among the targets it misses; the shares add up to 1 − P(all met)); at "
        "the end of the row, P(missed), the target's contribution to the expected number of targets missed.",
        "top": "Securing one target alone raises P(all met) most for {rows} (±: Monte Carlo error).",
        "row": "{name} (+{gain:.1f} ± {se:.1f} pp)",
        "stuck": "P(all met) is {p}: no simulated path misses exactly one target{why}, so securing any "
        "single "
        "one cannot raise it; the chart is ordered by the shares.",
        "why": " ({k} targets are missed in at least 95 % of the paths)",
        "certain": "Every target is met in every simulated path: no risk to drive.",
        "outdoor": "The second chart: only the outdoor items, due in {month_name}.",
        "prefectures": "By prefecture, most of their own targets expected to be missed: {rows}.",
        "prefecture_row": "{name} {missed:.1f} of {n}",
    },
}

#: Targets missed in at least this share of the paths count as "missed in nearly every path".
NEARLY_ALWAYS = 0.95


def drivers_notes(drivers: xr.Dataset, outdoor: xr.Dataset | None, lang: str) -> list[str]:
    """Sentences under the risk-driver charts: how to read them and the leading drivers.

    Parameters
    ----------
    drivers : xarray.Dataset
        :func:`longjiang_forecast.planning.risk_drivers` of the list.
    outdoor : xarray.Dataset or None
        The same for the outdoor items (``deadline_month`` in attrs).
    lang : {"zh", "en"}

    Returns
    -------
    list of str
    """
    t = DRIVER_TEXT[lang]
    notes = [t["note"]]
    lead = drivers.sortby("risk_rank").isel(series=slice(0, 3))
    lead = lead.isel(series=lead["gain_p_all"].values > 0)
    if lead.sizes["series"]:
        rows = [
            t["row"].format(
                name=f"{i} {display_name(zh, en, lang, i)}", gain=100 * float(g), se=100 * float(e)
            )
            for i, zh, en, g, e in zip(
                lead["indicator"].values,
                lead["name_zh"].values,
                lead["name_en"].values,
                lead["gain_p_all"].values,
                lead["gain_p_all_se"].values,
                strict=True,
            )
        ]
        notes.append(t["top"].format(rows=("、" if lang == "zh" else ", ").join(rows)))
    elif float(drivers["p_all_met"]) == 1.0:
        notes.append(t["certain"])
    else:
        k = int((drivers["expected_missed"].values >= NEARLY_ALWAYS).sum())
        why = t["why"].format(k=k) if k else ""
        notes.append(t["stuck"].format(p=f"{float(drivers['p_all_met']):.1%}", why=why))
    if outdoor is not None:
        month = int(outdoor.attrs["deadline_month"])
        notes.append(t["outdoor"].format(month=month, month_name=calendar.month_name[month]))
    return notes


def prefecture_note(drivers: xr.Dataset, names: dict[str, str], lang: str, *, top: int = 3) -> str:
    """The prefectures with the most of their own targets expected to be missed (from the prefecture rows)."""
    t = DRIVER_TEXT[lang]
    frame = drivers[["expected_missed"]].to_dataframe().groupby("region")["expected_missed"]
    missed, count = frame.sum().sort_values(ascending=False, kind="stable"), frame.size()
    rows = [
        t["prefecture_row"].format(name=names.get(str(r), str(r)), missed=float(m), n=int(count[r]))
        for r, m in missed.head(top).items()
    ]
    return t["prefectures"].format(rows=("、" if lang == "zh" else ", ").join(rows))


__all__ = ["DRIVER_TEXT", "drivers_notes", "prefecture_note"]
