"""Prefecture ranking for the bulletin: SPI(t), progress against the planned trajectory."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ._common import new_axes, word
from ._fonts import labels_for


def ranking_chart(table: pd.DataFrame, *, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Draw the prefectures' mean SPI(t) as horizontal bars, best on top.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`longjiang_forecast.planning.prefecture_ranking`: columns
        ``rank``, ``region``, ``name_zh``, ``name_en``, ``spi_t`` (and
        optionally ``n_behind``, ``n_indicators``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    lang : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
        Bars green at or above 1 (on or ahead of plan), yellow from 0.9,
        red below; the value at the end of each bar.

    Raises
    ------
    ValueError
        If ``table`` lacks a required column or ``lang`` is unknown.
    """
    labels = labels_for(lang)
    missing = {"rank", "region", "spi_t"} - set(table.columns)
    if missing:
        raise ValueError(
            f"The ranking table lacks columns {sorted(missing)}; pass the frame returned by "
            "longjiang_forecast.planning.prefecture_ranking."
        )
    data = table.sort_values("rank")
    col = "name_zh" if labels.lang == "zh" else "name_en"
    names = [labels.clean(str(n)) for n in (data[col] if col in data else data["region"])]
    spi = data["spi_t"].to_numpy(float)
    ax = new_axes(ax, (6.0, 0.6 + 0.32 * len(data)))
    y = np.arange(len(data))
    colours = np.where(spi >= 1.0, "#1a9850", np.where(spi >= 0.9, "#fee08b", "#d73027"))
    ax.barh(y, spi, color=colours, edgecolor="#636363", lw=0.5)
    for yi, value in zip(y, spi, strict=True):
        ax.text(value - 0.004, float(yi), f"{value:.2f}", va="center", ha="right", fontsize=7)
    ax.axvline(1.0, color="black", lw=1, ls="--", label=word("on_plan", labels))
    ax.set_yticks(y)
    ax.set_yticklabels([f"{r}. {n}" for r, n in zip(data["rank"], names, strict=True)], fontsize=8)
    ax.invert_yaxis()
    low = float(np.nanmin(spi)) if spi.size else 0.8
    ax.set_xlim(min(0.8, low - 0.05), max(1.15, float(np.nanmax(spi)) + 0.08) if spi.size else 1.2)
    ax.set_xlabel(word("spi", labels), fontsize=8)
    ax.set_title(word("ranking", labels), fontsize=10, loc="left")
    ax.legend(fontsize=7, loc="lower right", frameon=False)
    ax.grid(alpha=0.3, lw=0.5, axis="x")
    labels.apply(ax)
    return ax


__all__ = ["ranking_chart"]
