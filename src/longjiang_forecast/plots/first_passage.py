"""First-passage distribution: the month in which each target is first reached."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .._core.names import display_name
from ._common import month_names, new_axes, row_label, rows_height, series_index, short, summary_of, word
from ._fonts import labels_for


def first_passage_pmf(cdf: np.ndarray) -> np.ndarray:
    """Turn first-passage CDFs into the probability of each month and of "not by December".

    Parameters
    ----------
    cdf : ndarray of shape (..., 12)
        P(reached by the end of month m), non-decreasing.

    Returns
    -------
    ndarray of shape (..., 13)
        P(first reached in month m) for m = 1..12, then P(not reached by the
        end of December). Sums to 1 along the last axis.
    """
    cdf = np.asarray(cdf, dtype=float)
    pmf = np.diff(cdf, axis=-1, prepend=0.0)
    return np.concatenate([pmf, 1.0 - cdf[..., -1:]], axis=-1)


def first_passage_chart(
    summary: xr.Dataset,
    indicator: str | None = None,
    region: str = "province",
    *,
    indicators: Sequence[str] | None = None,
    ax: Axes | None = None,
    lang: str = "en",
) -> Axes:
    """Draw the first-passage distribution of one series, or of every province series as a matrix.

    Parameters
    ----------
    summary : xarray.Dataset or Forecast
        ``Forecast.summary`` (or the forecast itself): ``first_passage_cdf`` (series, month),
        ``deadline``, ``deadline_month`` (the report a deadline is judged
        on), names.
    indicator : str, optional
        One indicator: bars of P(first reached in each month) and "not by
        December", with the cumulative probability as a step line and the
        deadline. Default: a matrix with one row per series of ``region``
        (cells: P(first reached in the month); the deadline month outlined).
    region : str, default "province"
        Region of the series.
    indicators : sequence of str, optional
        Rows of the matrix; default every series of ``region`` with a
        first-passage distribution (counts, levels, milestones).
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
        If the series is unknown, has no first-passage distribution (annual
        means), or ``lang`` is unknown.
    TypeError
        If ``summary`` is neither a forecast nor its summary.
    """
    summary = summary_of(summary, "first_passage_chart")
    labels = labels_for(lang)
    months = [*month_names(labels), word("not_reached", labels)]
    cdf = np.asarray(summary["first_passage_cdf"].transpose("series", "month").values, dtype=float)
    deadline = pd.DatetimeIndex(summary["deadline"].values)
    name = [
        labels.clean(display_name(zh, en, labels.lang, i))
        for i, en, zh in zip(
            summary["indicator"].values, summary["name_en"].values, summary["name_zh"].values, strict=True
        )
    ]
    ind = summary["indicator"].values.astype(str)
    if indicator is not None:
        s = series_index(summary, indicator, region)
        if not np.isfinite(cdf[s]).all():
            raise ValueError(
                f"Series ({indicator!r}, {region!r}) has no first-passage distribution (annual means, "
                "changes and series without a forecast have none). Pick a count, level or milestone."
            )
        pmf = first_passage_pmf(cdf[s])
        ax = new_axes(ax, (6.4, 3.4))
        x = np.arange(1, 14)
        colours = ["#2c7fb8"] * 12 + ["#d73027"]
        ax.bar(x, pmf, color=colours, width=0.8, label=word("first_passage_month", labels))
        ax.step(x[:12], cdf[s], where="mid", color="black", lw=1.2, label=word("first_passage_cdf", labels))
        dl = deadline[s]
        ax.axvline(
            dl.month - 0.5 + dl.day / dl.days_in_month,
            color="#636363",
            ls=":",
            lw=1.2,
            label=f"{word('deadline', labels)} {dl:%m-%d}",
        )
        ax.set_xticks(x)
        ax.set_xticklabels(months, fontsize=8, rotation=30)
        ax.set_ylim(0, 1.05)
        ax.set_ylabel(word("probability", labels))
        ax.set_title(
            f"{indicator} {short(name[s], 34 if labels.lang == 'zh' else 60)}", fontsize=10, loc="left"
        )
        ax.legend(fontsize=7, loc="upper left", frameon=False)
        ax.grid(alpha=0.3, lw=0.5, axis="y")
        labels.apply(ax)
        return ax
    rows = np.flatnonzero((summary["region"].values.astype(str) == region) & np.isfinite(cdf).all(axis=1))
    if indicators is not None:
        rows = np.array([r for r in rows if ind[r] in set(indicators)], dtype=int)
    if rows.size == 0:
        raise ValueError(f"No series of region {region!r} has a first-passage distribution.")
    pmf = first_passage_pmf(cdf[rows])
    row_labels = [row_label(ind[s], name[s], labels.lang) for s in rows]
    ax = new_axes(ax, (8.4, 1.2 + rows_height(row_labels)))
    image = ax.imshow(pmf, cmap="Blues", vmin=0, vmax=1, aspect="auto", interpolation="nearest")
    judged = np.asarray(summary["deadline_month"].values, dtype=int)
    for r, s in enumerate(rows.tolist()):
        dl_col = int(np.clip(judged[s] - 1, 0, 11))
        ax.add_patch(Rectangle((dl_col - 0.5, r - 0.5), 1, 1, fill=False, ec="#d73027", lw=1.2))
    ax.set_xticks(np.arange(13))
    ax.set_xticklabels(months, fontsize=7, rotation=45, ha="right")
    ax.set_yticks(np.arange(rows.size))
    ax.set_yticklabels(row_labels, fontsize=7)
    ax.axvline(11.5, color="white", lw=2)
    bar = ax.figure.colorbar(image, ax=ax, fraction=0.03, pad=0.02)
    bar.set_label(word("first_passage_month", labels), fontsize=8)
    bar.ax.tick_params(labelsize=7)
    ax.set_title(word("first_passage", labels), fontsize=10, loc="left")
    labels.apply(ax)
    return ax


__all__ = ["first_passage_chart", "first_passage_pmf"]
