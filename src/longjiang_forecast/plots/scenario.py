"""P(met) by scenario: how each scenario moves the attainment probability of each indicator."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._common import new_axes, short, word
from ._fonts import labels_for

#: Columns a comparison frame must have.
COMPARISON_COLUMNS = ("indicator", "region", "scenario", "p_met", "delta_vs_baseline")


def scenario_chart(
    comparison: pd.DataFrame,
    *,
    region: str = "province",
    indicators: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
    baseline: str = "baseline",
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Draw P(met) of each indicator under each scenario as a dot plot, baseline first.

    Parameters
    ----------
    comparison : pandas.DataFrame
        One row per (indicator, region, scenario): columns ``indicator``,
        ``region``, ``scenario``, ``p_met`` (in [0, 1]) and
        ``delta_vs_baseline`` (``p_met`` minus the baseline's), as written by
        the scenario scripts.
    region : str, default "province"
        Region whose rows are drawn.
    indicators : sequence of str, optional
        Rows; default every indicator of ``region``, sorted by the largest
        drop against the baseline (the most exposed on top).
    names : mapping of str to str, optional
        Indicator id -> label; default the ids.
    baseline : str, default "baseline"
        Name of the baseline scenario (drawn as a black ring).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    lang : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If a column is missing, no row is left, or ``lang`` is unknown.
    """
    labels = labels_for(lang)
    missing = set(COMPARISON_COLUMNS) - set(comparison.columns)
    if missing:
        raise ValueError(
            f"The comparison frame lacks columns {sorted(missing)}; it needs {list(COMPARISON_COLUMNS)}."
        )
    data = comparison[comparison["region"].astype(str) == region]
    if indicators is not None:
        data = data[data["indicator"].isin(list(indicators))]
    if data.empty:
        raise ValueError(
            f"The comparison frame has no row for region {region!r} and the indicators asked for."
        )
    drop = data.groupby("indicator", sort=False)["delta_vs_baseline"].min().sort_values(kind="stable")
    order = list(indicators) if indicators is not None else list(drop.index)
    order = [i for i in order if i in set(data["indicator"])]
    scenarios = [baseline, *[s for s in dict.fromkeys(data["scenario"]) if s != baseline]]
    scenarios = [s for s in scenarios if s in set(data["scenario"])]
    ax = new_axes(ax, (6.8, 0.9 + 0.26 * len(order)))
    y = {ind: k for k, ind in enumerate(order)}
    markers = "osD^vP*Xh"
    palette = ["#d73027", "#fc8d59", "#4575b4", "#91bfdb", "#1a9850", "#984ea3", "#a65628"]
    table = data.pivot_table(index="indicator", columns="scenario", values="p_met", aggfunc="first")
    for ind in order:
        row = table.loc[ind].dropna()
        if len(row) > 1:
            ax.plot([row.min(), row.max()], [y[ind]] * 2, color="#bdbdbd", lw=1, zorder=1)
    for k, name in enumerate(scenarios):
        part = data[data["scenario"] == name]
        ys = [y[i] for i in part["indicator"] if i in y]
        xs = [p for i, p in zip(part["indicator"], part["p_met"], strict=True) if i in y]
        if name == baseline:
            ax.scatter(
                xs,
                ys,
                s=36,
                facecolor="white",
                edgecolor="black",
                lw=1.3,
                zorder=3,
                label=labels.clean(f"{name} ({word('baseline', labels)})") if labels.lang == "zh" else name,
            )
        else:
            colour = palette[(k - 1) % len(palette)]
            ax.scatter(
                xs,
                ys,
                s=22,
                marker=markers[(k - 1) % len(markers)],
                color=colour,
                zorder=2,
                label=labels.clean(str(name)),
            )
    shown = names or {}
    width = 14 if labels.lang == "zh" else 30
    ax.set_yticks(np.arange(len(order)))
    ax.set_yticklabels(
        [f"{i} {short(labels.clean(str(shown.get(i, ''))), width)}".strip() for i in order], fontsize=7
    )
    ax.invert_yaxis()
    ax.set_xlim(-0.02, 1.02)
    ax.set_xlabel(word("p_met", labels), fontsize=8)
    ax.set_title(word("scenario", labels), fontsize=10, loc="left")
    ax.legend(
        fontsize=7,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=min(len(scenarios), 5),
        frameon=False,
    )
    ax.grid(alpha=0.3, lw=0.5, axis="x")
    labels.apply(ax)
    return ax


__all__ = ["COMPARISON_COLUMNS", "scenario_chart"]
