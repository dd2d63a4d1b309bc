"""Fan chart of one indicator: the spread of simulated paths, the reports, the target and the deadline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from .._core.names import display_name
from .._core.units import format_in_unit, unit_label, whole_things_done
from ._common import month_names, new_axes, series_index, short, word
from ._fonts import labels_for


def fan_chart(
    forecast: Any,
    indicator: str,
    region: str = "province",
    *,
    ax: Axes | None = None,
    lang: str = "en",
    color: str = "#2c7fb8",
) -> Axes:
    """Draw the fan chart of one series: 10–90 % and 25–75 % bands, median, reports, target, deadline.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`; ``paths`` (draw, series,
        month), ``state`` and ``summary`` are read.
    indicator : str
        Indicator id, e.g. ``"09a"``.
    region : str, default "province"
        ``"province"`` or a prefecture id.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure (6.4 × 3.6 in).
    lang : {"en", "zh"}, default "en"
        Language of the labels (``"zh"`` needs a CJK font, see
        :func:`~longjiang_forecast.plots.find_cjk_font`).
    color : str, default "#2c7fb8"
        Colour of the bands and the median.

    Returns
    -------
    matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the series or its region is not in the forecast, or ``lang`` is unknown.
    TypeError
        If ``forecast`` has no kept paths (a summary was given).

    Warns
    -----
    CJKFontWarning
        If ``lang="zh"`` and no CJK font is installed (English labels then).

    Notes
    -----
    The x axis is the time of the year in months: ``m`` is the end of month
    ``m`` (the time a report covers), the deadline is drawn at its date
    (20 October at 9.65). The bands are quantiles over draws of the
    simulated value at each month end from the latest report on; the
    reported part is the value in the indicator's terms (annual means: the
    year-to-date mean, labelled as the mean of January to each month). A
    count of whole things or a milestone programme shows the whole things
    done: the bands rounded down, as the attainment table's values
    (``_core.units.whole_things_done``).
    """
    if not hasattr(forecast, "paths"):  # a summary has no paths: it failed with an AttributeError
        raise TypeError(
            "fan_chart draws the kept paths of a forecast: pass lf.forecast's result (not its .summary). "
            f"Got {type(forecast).__name__} instead."
        )
    labels = labels_for(lang)
    paths = forecast.paths
    s = series_index(paths, indicator, region)
    state = forecast.state
    values = np.asarray(paths.isel(series=s).transpose("draw", "month").values, dtype=float)
    t = int(state["last_month"].values[s])
    target = float(state["target"].values[s])
    kind = str(state["kind"].values[s])
    unit = str(state["unit"].values[s])
    deadline = pd.Timestamp(state["deadline"].values[s])
    ax = new_axes(ax, (6.4, 3.6))
    start = max(t, 1)
    months = np.arange(start, 13)
    if np.isfinite(values[:, start - 1 :]).any():
        q = np.nanquantile(values[:, start - 1 :], [0.1, 0.25, 0.5, 0.75, 0.9], axis=0)
        q = whole_things_done(q, unit, kind)  # as the attainment table: 0.97 of a city is none yet
        ax.fill_between(months, q[0], q[4], color=color, alpha=0.18, lw=0, label=word("band_10_90", labels))
        ax.fill_between(months, q[1], q[3], color=color, alpha=0.35, lw=0, label=word("band_25_75", labels))
        ax.plot(months, q[2], color=color, lw=1.8, label=word("median", labels))
    if t > 0:
        known = np.isfinite(values[:, :t]).any(axis=0)  # months before the first report have no value
        reported = np.full(t, np.nan)
        reported[known] = np.nanmedian(values[:, :t][:, known], axis=0)
        x = np.arange(1, t + 1)
        if kind in ("cumulative", "milestone"):
            x, reported = np.concatenate([[0], x]), np.concatenate([[0.0], reported])
        elif kind == "level" and np.isfinite(state["baseline"].values[s]):
            x = np.concatenate([[0], x])
            reported = np.concatenate([[float(state["baseline"].values[s])], reported])
        said = word("reported_mean" if kind == "annual_mean" else "reported", labels)
        ax.plot(x, reported, color="black", lw=1.4, marker="o", ms=3.5, label=said)
    shown = format_in_unit(target, unit, target)
    ax.axhline(target, color="#d73027", ls="--", lw=1.2, label=f"{word('target', labels)} {shown}")
    x_deadline = deadline.month - 1 + deadline.day / deadline.days_in_month
    ax.axvline(
        x_deadline, color="#636363", ls=":", lw=1.2, label=f"{word('deadline', labels)} {deadline:%m-%d}"
    )
    ax.set_xlim(0, 12.3)
    ax.set_xticks(np.arange(1, 13))
    ax.set_xticklabels(month_names(labels), fontsize=8)
    ax.set_ylabel(labels.clean(unit_label(unit, labels.lang)))
    p = float(forecast.summary["p_met"].values[s])
    name = labels.clean(
        display_name(state["name_zh"].values[s], state["name_en"].values[s], labels.lang, indicator)
    )
    where = "" if region == "province" else f" · {region}"
    chance = f" · {word('p_met', labels)} {p:.0%}" if np.isfinite(p) else ""
    width = 30 if labels.lang == "zh" else 55
    ax.set_title(f"{indicator} {short(name, width)}{where}{chance}", fontsize=10, loc="left")
    ax.legend(fontsize=7, loc="best", framealpha=0.85)
    ax.grid(alpha=0.3, lw=0.5)
    labels.apply(ax)
    return ax


__all__ = ["fan_chart"]
