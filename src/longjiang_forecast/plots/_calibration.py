"""Calibration figures: reliability diagrams (binned, CORP) and PIT histogram (matplotlib; compute nothing).

Both take the Datasets made by :mod:`longjiang_forecast.metrics`, draw on the
given ``ax`` (or a new one), return it, and never call ``plt.show()``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr


def _axes(ax: Any) -> Any:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(figsize=(4.2, 4.2))
    return ax


def reliability_diagram(
    reliability: xr.Dataset, *, ax: Any = None, label: str | None = None, color: str = "C0", **style: Any
) -> Any:
    """Draw a reliability diagram with its consistency band.

    Parameters
    ----------
    reliability : xarray.Dataset
        From :func:`longjiang_forecast.metrics.reliability` (dim ``bin``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    label : str, optional
        Legend label of the observed frequencies (the number of forecasts is appended).
    color : str, default "C0"
        Colour of the dots and band.
    **style
        Passed to the ``plot`` of the observed frequencies.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Dots: observed frequency of the event against the mean forecast of each
    non-empty bin, with the bin's count printed beside it. Shaded: the
    Bröcker-Smith consistency band (where a reliable forecaster's dots fall
    with the band's probability). Diagonal: perfect reliability.
    """
    ax = _axes(ax)
    used = reliability["count"].values > 0
    x = reliability["mean_forecast"].values[used]
    y = reliability["observed_frequency"].values[used]
    n = int(reliability.attrs.get("n_forecasts", int(reliability["count"].sum())))
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--")
    order = np.argsort(x)
    ax.fill_between(
        x[order],
        reliability["band_lo"].values[used][order],
        reliability["band_hi"].values[used][order],
        color=color,
        alpha=0.18,
        lw=0,
        label=f"{round(100 * float(reliability.attrs.get('band', 0.9)))} % consistency band",
    )
    text = f"{label} (n={n})" if label else f"n={n}"
    ax.plot(x, y, "o-", color=color, ms=4, lw=1, label=text, **style)
    for xi, yi, ci in zip(x, y, reliability["count"].values[used], strict=True):
        ax.annotate(
            str(int(ci)), (xi, yi), textcoords="offset points", xytext=(3, -9), fontsize=6, color="0.3"
        )
    ax.set(xlim=(0, 1), ylim=(0, 1), xlabel="forecast P(met)", ylabel="observed frequency of met")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return ax


def corp_reliability_diagram(
    corp: xr.Dataset, *, ax: Any = None, label: str | None = None, color: str = "C0", **style: Any
) -> Any:
    """Draw a CORP reliability diagram with its consistency band and the Brier decomposition.

    Parameters
    ----------
    corp : xarray.Dataset
        From :func:`longjiang_forecast.metrics.corp_reliability` (dim ``point``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    label : str, optional
        Legend label of the curve (the number of forecasts is appended).
    color : str, default "C0"
        Colour of the curve and band.
    **style
        Passed to the ``plot`` of the curve.

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    Curve: the conditional event probability (the PAV fit of the outcomes on the
    forecasts) against the forecast, with a tick at each distinct forecast value.
    Shaded: the consistency band (where a reliable forecaster's curve falls with the
    band's probability). Diagonal: perfect reliability. Text: MCB (miscalibration), DSC
    (discrimination) and UNC (uncertainty), with Brier = MCB - DSC + UNC (Dimitriadis,
    Gneiting & Jordan 2021).
    """
    ax = _axes(ax)
    x, cep = corp["forecast"].values, corp["cep"].values
    n = int(corp.attrs.get("n_forecasts", int(corp["count"].sum())))
    ax.plot([0, 1], [0, 1], color="0.5", lw=0.8, ls="--")
    ax.fill_between(
        x,
        corp["band_lo"].values,
        corp["band_hi"].values,
        step="post",
        color=color,
        alpha=0.18,
        lw=0,
        label=f"{round(100 * float(corp.attrs.get('band', 0.9)))} % consistency band",
    )
    text = f"{label} (n={n})" if label else f"n={n}"
    ax.step(x, cep, where="post", color=color, lw=1.2, label=text, **style)
    ax.plot(x, cep, "|", color=color, ms=6)
    if {"mcb", "dsc", "unc"} <= set(corp.attrs):
        ax.text(
            0.98,
            0.02,
            f"MCB {corp.attrs['mcb']:.3f}\nDSC {corp.attrs['dsc']:.3f}\nUNC {corp.attrs['unc']:.3f}",
            transform=ax.transAxes,
            ha="right",
            va="bottom",
            fontsize=7,
        )
    edge = (-0.02, 1.02)  # a curve at 0 or 1 (every outcome alike) stays in view, off the frame
    ax.set(xlim=edge, ylim=edge, xlabel="forecast P(met)", ylabel="conditional event probability")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=7, frameon=False)
    return ax


def pit_histogram(hist: xr.Dataset, *, ax: Any = None, color: str = "C0", label: str | None = None) -> Any:
    """Draw a PIT histogram with the band of a uniform PIT.

    Parameters
    ----------
    hist : xarray.Dataset
        From :func:`longjiang_forecast.metrics.pit_histogram` (dim ``bin``).
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.
    color : str, default "C0"
        Bar colour.
    label : str, optional
        Title prefix (the number of forecasts is appended).

    Returns
    -------
    matplotlib.axes.Axes

    Notes
    -----
    A calibrated forecast of the deadline value gives a flat histogram; a
    U shape means too narrow, a hump too wide, a slope a bias.
    """
    ax = _axes(ax)
    lo, hi = hist["edge_lo"].values, hist["edge_hi"].values
    ax.bar(lo, hist["count"].values, width=hi - lo, align="edge", color=color, alpha=0.7, edgecolor="white")
    ax.axhline(float(hist["expected"].values[0]), color="0.3", lw=0.8)
    ax.axhspan(
        float(hist["band_lo"].values[0]), float(hist["band_hi"].values[0]), color="0.5", alpha=0.15, lw=0
    )
    n = int(hist.attrs.get("n_forecasts", int(hist["count"].sum())))
    ax.set(xlim=(0, 1), xlabel="PIT of the deadline value", ylabel="forecasts")
    ax.set_title(f"{label + ': ' if label else ''}n={n}", fontsize=8)
    return ax
