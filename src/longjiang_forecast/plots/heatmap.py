"""Heatmap of the attainment probability, indicators × prefectures."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes

from .._core.names import display_name
from ._common import new_axes, region_names, row_label, rows_height, summary_of, word
from ._fonts import labels_for


def heatmap(
    summary: xr.Dataset,
    *,
    regions: pd.DataFrame | Mapping[str, Any] | None = None,
    indicators: Sequence[str] | None = None,
    ax: Axes | None = None,
    lang: str = "en",
    annotate: bool = True,
    cmap: str = "RdYlGn",
) -> Axes:
    """Draw P(met) for every indicator (rows) and region (columns: province, then the prefectures).

    Parameters
    ----------
    summary : xarray.Dataset or Forecast
        ``Forecast.summary`` (or the forecast itself): ``p_met`` along ``series`` with ``indicator``
        and ``region`` coords, and ``name_en`` / ``name_zh``.
    regions : pandas.DataFrame or mapping, optional
        ``load_regions()`` (its ``name_zh`` / ``name_en`` label the columns)
        or a mapping region id -> label; default the ids.
    indicators : sequence of str, optional
        Rows to show; default every indicator with at least one prefecture
        series (else every indicator).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure sized to the table.
    lang : {"en", "zh"}, default "en"
        Language of the labels.
    annotate : bool, default True
        Write the probability (in %) in each cell.
    cmap : str, default "RdYlGn"
        Colormap from 0 (red) to 1 (green).

    Returns
    -------
    matplotlib.axes.Axes
        Blank cells: no series for that indicator and region, no forecast, or a prefecture
        asked for nothing (status "no share": a target of 0, marked "–").

    Raises
    ------
    ValueError
        If ``lang`` is unknown or no indicator is left to show.
    TypeError
        If ``summary`` is neither a forecast nor its summary.
    """
    summary = summary_of(summary, "heatmap")
    if isinstance(indicators, str):  # "01a" read as ['0', '1', 'a']
        indicators = [indicators]
    labels = labels_for(lang)
    no_share = (
        summary["status"].values.astype(str) == "no share"
        if "status" in summary
        else np.zeros(summary.sizes["series"], bool)
    )
    frame = pd.DataFrame(
        {
            "indicator": summary["indicator"].values.astype(str),
            "region": summary["region"].values.astype(str),
            "p_met": np.where(no_share, np.nan, summary["p_met"].values.astype(float)),
            "no_share": no_share,
            "name": [
                labels.clean(display_name(zh, en, labels.lang, i))
                for i, en, zh in zip(
                    summary["indicator"].values,
                    summary["name_en"].values,
                    summary["name_zh"].values,
                    strict=True,
                )
            ],
        }
    )
    if indicators is None:
        split = frame.loc[frame["region"] != "province", "indicator"].unique()
        indicators = list(split) if len(split) else list(frame["indicator"].unique())
    frame = frame[frame["indicator"].isin(list(indicators))]
    if frame.empty:
        raise ValueError(f"No indicator to show: {list(indicators)} are not in the summary.")
    table = frame.pivot_table(
        index="indicator", columns="region", values="p_met", aggfunc="first", sort=False, dropna=False
    )
    cols = ["province", *[c for c in dict.fromkeys(frame["region"]) if c != "province"]]
    table = table.reindex(
        index=list(dict.fromkeys(frame["indicator"])), columns=[c for c in cols if c in table]
    )
    names = frame.drop_duplicates("indicator").set_index("indicator")["name"]
    n_rows, n_cols = table.shape
    row_labels = [row_label(i, names[i], labels.lang) for i in table.index]
    ax = new_axes(ax, (3.4 + 0.5 * n_cols, 1.2 + rows_height(row_labels)))
    image = ax.imshow(table.to_numpy(), cmap=cmap, vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    shown = region_names(regions, labels)
    ax.set_xticks(np.arange(n_cols))
    ax.set_xticklabels([shown.get(c, c) for c in table.columns], rotation=60, ha="right", fontsize=7)
    ax.set_yticks(np.arange(n_rows))
    ax.set_yticklabels(row_labels, fontsize=7)
    if n_cols > 1 and table.columns[0] == "province":
        ax.axvline(0.5, color="white", lw=2.5)
    if annotate:
        for i, region in frame.loc[frame["no_share"], ["indicator", "region"]].itertuples(index=False):
            if i in table.index and region in table.columns:
                ax.text(
                    table.columns.get_loc(region),
                    table.index.get_loc(i),
                    "–",
                    ha="center",
                    va="center",
                    fontsize=6,
                )
        for (r, c), value in np.ndenumerate(table.to_numpy()):
            if np.isfinite(value):
                ax.text(
                    c,
                    r,
                    f"{100 * value:.0f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if value < 0.2 or value > 0.85 else "black",
                )
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label(word("p_met", labels), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title(word("heatmap", labels), fontsize=10, loc="left")
    labels.apply(ax)
    return ax


__all__ = ["heatmap"]
