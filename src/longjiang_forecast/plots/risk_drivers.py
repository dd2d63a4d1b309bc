"""Risk drivers: the targets that most hold back P(all met), as ranked bars."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from .._core.checks import check_count
from ._common import MONTHS_EN, MONTHS_ZH, new_axes, region_names, word, wrap
from ._fonts import labels_for


def risk_driver_chart(
    result: xr.Dataset,
    *,
    top: int = 10,
    regions: object = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Draw the leading risk drivers: the rise in P(all met) and the share of the risk, per target.

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`longjiang_forecast.planning.risk_drivers`: ``gain_p_all``,
        ``share_not_all_met``, ``expected_missed``, ``risk_rank``,
        ``indicator``, ``region``, ``name_zh``, ``name_en`` (series) and
        ``p_all_met``; attrs ``deadline_month``.
    top : int, default 10
        Number of targets drawn (the first by ``risk_rank``).
    regions : pandas.DataFrame or mapping, optional
        Prefecture names (a ``load_regions()`` frame or id -> name).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    lang : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
        Two bars per target, in percentage points: P(all met) if the target
        were certain minus P(all met) (dark), and its share of P(not all
        met) (light); at the end of the row the rise again and P(missed), the
        target's contribution to the expected number missed. Best-ranked
        driver on top.

    Raises
    ------
    ValueError
        If ``result`` lacks a variable, ``top`` < 1 or ``lang`` is unknown.
    """
    labels = labels_for(lang)
    need = {
        "gain_p_all",
        "share_not_all_met",
        "expected_missed",
        "risk_rank",
        "name_zh",
        "name_en",
        "p_all_met",
    }
    missing = need - set(result.variables)
    if missing:
        raise ValueError(
            f"The risk-driver result lacks {sorted(missing)}; pass the Dataset returned by "
            "longjiang_forecast.planning.risk_drivers."
        )
    check_count("risk_driver_chart", "top", top)
    data = result.sortby("risk_rank").isel(series=slice(0, top))
    names = region_names(regions, labels)
    col = "name_zh" if labels.lang == "zh" else "name_en"
    rows = []
    for ind, reg, name in zip(data["indicator"].values, data["region"].values, data[col].values, strict=True):
        where = names.get(str(reg), str(reg))
        rows.append(wrap(labels.clean(f"{ind} {name} · {where}"), 22 if labels.lang == "zh" else 44))
    gain = 100 * data["gain_p_all"].values.astype(float)
    share = 100 * data["share_not_all_met"].values.astype(float)
    missed = data["expected_missed"].values.astype(float)
    ax = new_axes(ax, (7.2, 1.2 + 0.42 * len(rows)))
    y = np.arange(len(rows))
    ax.barh(
        y - 0.2,
        gain,
        height=0.38,
        color="#08519c",
        label=f"{word('gain_p_all', labels)} ({word('percentage_points', labels)})",
    )
    ax.barh(
        y + 0.2,
        share,
        height=0.38,
        color="#9ecae1",
        label=f"{word('share_not_all', labels)} ({word('percentage_points', labels)})",
    )
    right = max(float(np.nanmax(np.r_[gain, share])) if len(rows) else 1.0, 1.0)
    for yi, g, m in zip(y, gain, missed, strict=True):
        note = labels.pick(f"+{g:.1f} pp · P(missed) {m:.0%}", f"+{g:.1f} · 未完成概率 {m:.0%}")
        ax.text(right * 1.02, float(yi), note, va="center", ha="left", fontsize=7)
    ax.set_xlim(0, right * 1.45)
    ax.set_yticks(y)
    ax.set_yticklabels(rows, fontsize=7)
    ax.invert_yaxis()
    month = int(result.attrs.get("deadline_month", 0) or 0)
    title = f"{word('risk_drivers', labels)} · {word('p_all', labels)} = {float(result['p_all_met']):.1%}"
    if month:
        due = labels.pick(f"due in {MONTHS_EN[month - 1]}", f"{MONTHS_ZH[month - 1]}截止")
        title = f"{title} · {due}"
    ax.set_title(title, fontsize=10, loc="left")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.06), frameon=False)
    ax.grid(alpha=0.3, lw=0.5, axis="x")
    labels.apply(ax)
    return ax


__all__ = ["risk_driver_chart"]
