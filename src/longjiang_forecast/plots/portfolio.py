"""The portfolio: distribution of the number of items fully met."""

from __future__ import annotations

import numpy as np
import xarray as xr
from matplotlib.axes import Axes

from ._common import new_axes, word
from ._fonts import labels_for


def portfolio_chart(result: xr.Dataset, *, ax: Axes | None = None, lang: str = "en") -> Axes:
    """Draw P(exactly k items met) as bars, with the expected number and P(all met).

    Parameters
    ----------
    result : xarray.Dataset
        From :func:`longjiang_forecast.planning.portfolio`: ``pmf`` (n_met),
        ``expected_n_met``, ``p_all_met``; attrs ``n_items``.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    lang : {"en", "zh"}, default "en"
        Language of the labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    labels = labels_for(lang)
    pmf = np.asarray(result["pmf"].values, dtype=float)
    k = np.asarray(result["n_met"].values)
    expected = float(result["expected_n_met"])
    p_all = float(result["p_all_met"])
    ax = new_axes(ax, (6.0, 3.0))
    ax.bar(k, pmf, color="#2c7fb8", width=0.8)
    ax.axvline(expected, color="black", ls="--", lw=1, label=f"{word('expected', labels)} {expected:.1f}")
    ax.set_xticks(k)
    ax.tick_params(axis="x", labelsize=7)
    ax.set_xlabel(f"{word('items_met', labels)} (/{int(result.attrs.get('n_items', k.max()))})", fontsize=8)
    ax.set_ylabel(word("probability", labels), fontsize=8)
    ax.set_title(
        f"{word('portfolio', labels)} · {word('p_all', labels)} = {p_all:.1%}", fontsize=10, loc="left"
    )
    ax.legend(fontsize=7, frameon=False)
    ax.grid(alpha=0.3, lw=0.5, axis="y")
    labels.apply(ax)
    return ax


__all__ = ["portfolio_chart"]
