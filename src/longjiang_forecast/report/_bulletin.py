"""The monthly bulletin: one self-contained HTML page (figures embedded as base64 PNG) plus the PNGs."""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import io
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr

from .._core.provenance import library_version
from .._core.schema import PROVINCE
from ..plots import (
    CJKFontWarning,
    fan_chart,
    find_cjk_font,
    first_passage_chart,
    heatmap,
    portfolio_chart,
    ranking_chart,
    scenario_chart,
)
from ..plots._fonts import FONT_PACKAGES, INSTALL_HINT
from ._text import STATUS_COLOURS, STATUS_NAMES, TEXT

#: Name of the HTML file :func:`write_bulletin` writes.
HTML_NAME = "bulletin.html"
#: Folder (inside ``out_dir``) of the PNG files.
FIGURE_DIR = "figures"
_CMP = {">=": "≥", "<=": "≤"}


class PlanningLike(Protocol):
    """What the bulletin reads from :func:`longjiang_forecast.planning.plan`."""

    portfolio: xr.Dataset
    pace: xr.Dataset
    next_year: xr.Dataset
    ranking: pd.DataFrame | None


@dataclass(frozen=True)
class Bulletin:
    """The files a bulletin was written to.

    Attributes
    ----------
    html : pathlib.Path
        The self-contained page.
    figures : dict of str to pathlib.Path
        Figure name -> PNG file (``fan_09a``, ``heatmap``, ...).
    lang : str
        Language of the page; ``figure_lang`` the language of the figures
        (``"en"`` when no CJK font was found).
    """

    html: Path
    figures: dict[str, Path]
    lang: str
    figure_lang: str


def write_bulletin(
    forecast: Any,
    out_dir: str | Path,
    *,
    lang: str = "zh",
    comparison: pd.DataFrame | None = None,
    planning: PlanningLike | None = None,
    indicators: Sequence[str] | None = None,
    dpi: int = 100,
) -> Bulletin:
    """Write the monthly bulletin: ``bulletin.html`` (self-contained) and ``figures/*.png``.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`.
    out_dir : str or pathlib.Path
        Folder to write to (created if missing).
    lang : {"zh", "en"}, default "zh"
        Language of the page and the figures. Chinese figures need a CJK
        font; without one they are drawn in English (one
        :class:`~longjiang_forecast.plots.CJKFontWarning`), the page text
        stays Chinese.
    comparison : pandas.DataFrame, optional
        Scenario comparison with columns ``indicator``, ``region``,
        ``scenario``, ``p_met``, ``delta_vs_baseline``; adds the scenario
        section.
    planning : Planning, optional
        From :func:`longjiang_forecast.planning.plan` (portfolio, required
        pace, next year's targets, prefecture ranking). Without it those
        sections say how to add them.
    indicators : sequence of str, optional
        Indicators with a fan chart; default every province series with a
        forecast.
    dpi : int, default 100
        Resolution of the PNGs.

    Returns
    -------
    Bulletin
        The paths written.

    Raises
    ------
    ValueError
        If ``lang`` is unknown or ``comparison`` lacks a column.

    Warns
    -----
    CJKFontWarning
        If ``lang="zh"`` and no CJK font is installed.

    Notes
    -----
    The first line of the page states the data source ("synthetic example
    data" for the bundled synthetic progress), the as-of month, the model,
    the number of draws and the seed. Images are ``data:`` URIs and the
    styles are inline, so the page needs no other file or network access.
    """
    if lang not in TEXT:
        raise ValueError(
            f"The 'lang' parameter of write_bulletin must be a str among {list(TEXT)}. Got {lang!r}."
        )
    out = Path(out_dir)
    (out / FIGURE_DIR).mkdir(parents=True, exist_ok=True)
    html, pngs, figure_lang = render_bulletin(
        forecast, lang=lang, comparison=comparison, planning=planning, indicators=indicators, dpi=dpi
    )
    paths: dict[str, Path] = {}
    for name, data in pngs.items():
        path = out / FIGURE_DIR / f"{name}.png"
        path.write_bytes(data)
        paths[name] = path
    page = out / HTML_NAME
    page.write_text(html, encoding="utf-8")
    return Bulletin(html=page, figures=paths, lang=lang, figure_lang=figure_lang)


def render_bulletin(
    forecast: Any,
    *,
    lang: str = "zh",
    comparison: pd.DataFrame | None = None,
    planning: PlanningLike | None = None,
    indicators: Sequence[str] | None = None,
    dpi: int = 100,
) -> tuple[str, dict[str, bytes], str]:
    """Render the bulletin in memory.

    Parameters
    ----------
    forecast, lang, comparison, planning, indicators, dpi
        See :func:`write_bulletin`.

    Returns
    -------
    html : str
        The page.
    figures : dict of str to bytes
        Figure name -> PNG bytes.
    figure_lang : str
        Language the figures were drawn in.
    """
    import jinja2

    t = TEXT[lang]
    figure_lang = lang
    if lang == "zh" and find_cjk_font() is None:
        warnings.warn(
            "No CJK (Chinese) font found: the bulletin's figures are drawn with English labels (the page "
            f"text stays Chinese). Install one ({' or '.join(FONT_PACKAGES)}): {INSTALL_HINT}.",
            CJKFontWarning,
            stacklevel=2,
        )
        figure_lang = "en"
    summary = forecast.summary
    regions = getattr(forecast.catalog, "regions", None)
    pngs: dict[str, bytes] = {}

    def draw(name: str, size: tuple[float, float], fn: Callable[[Any], Any]) -> str:
        pngs[name] = _figure_png(size, fn, dpi)
        return base64.b64encode(pngs[name]).decode("ascii")

    figures: dict[str, str] = {}
    fans = []
    for ind in _fan_indicators(summary, indicators):
        data = draw(f"fan_{ind}", (6.4, 3.4), functools.partial(_fan, forecast, ind, figure_lang))
        fans.append({"data": data, "alt": f"{t['fan_alt']} {ind}"})
    split = summary["region"].values.astype(str) != PROVINCE
    if split.any():
        n_rows = len(set(summary["indicator"].values[split]))
        n_cols = len(set(summary["region"].values.astype(str)))
        figures["heatmap"] = draw(
            "heatmap",
            (2.8 + 0.5 * n_cols, 1.2 + 0.26 * n_rows),
            lambda ax: heatmap(summary, regions=regions, ax=ax, lang=figure_lang),
        )
    n_fp = int(np.sum(~split & np.isfinite(summary["first_passage_cdf"].values).all(axis=1)))
    if n_fp:
        figures["first_passage"] = draw(
            "first_passage",
            (7.4, 1.2 + 0.25 * n_fp),
            lambda ax: first_passage_chart(summary, ax=ax, lang=figure_lang),
        )
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "title": t["title"].format(as_of=summary.attrs.get("as_of", "")),
        "version": library_version(),
        "created_at": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "status_colours": STATUS_COLOURS,
        "status_names": STATUS_NAMES[lang],
        "attainment": _attainment(forecast, lang),
        "fans": fans,
        "figures": figures,
        "portfolio": None,
        "pace": None,
        "next_year": None,
        "ranking": None,
        "scenarios": None,
    }
    context["source_line"], context["synthetic"] = _source_line(summary, lang)
    if planning is not None:
        context["portfolio"] = _portfolio(planning.portfolio, lang)
        figures["portfolio"] = draw(
            "portfolio", (6.4, 3.0), lambda ax: portfolio_chart(planning.portfolio, ax=ax, lang=figure_lang)
        )
        context["pace"] = _pace(planning.pace, lang, _region_names(regions, lang))
        context["next_year"] = _next_year(planning.next_year, lang)
        if planning.ranking is not None and len(planning.ranking):
            rank = planning.ranking
            context["ranking"] = _ranking(rank, lang)
            figures["ranking"] = draw(
                "ranking",
                (6.4, 0.9 + 0.32 * len(rank)),
                lambda ax: ranking_chart(rank, ax=ax, lang=figure_lang),
            )
    if comparison is not None:
        names = {
            str(i): (str(zh) if figure_lang == "zh" else str(en))
            for i, zh, en in zip(
                summary["indicator"].values, summary["name_zh"].values, summary["name_en"].values, strict=True
            )
        }
        n_ind = comparison.loc[comparison["region"].astype(str) == PROVINCE, "indicator"].nunique()
        figures["scenarios"] = draw(
            "scenarios",
            (7.2, 1.4 + 0.26 * max(n_ind, 1)),
            lambda ax: scenario_chart(comparison, names=names, ax=ax, lang=figure_lang),
        )
        context["scenarios"] = _scenarios(comparison, summary, lang)
    env = jinja2.Environment(
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined
    )
    template_text = (
        resources.files("longjiang_forecast.report")
        .joinpath("templates", "bulletin.html.j2")
        .read_text(encoding="utf-8")
    )
    html = env.from_string(template_text).render(**context)
    return html, pngs, figure_lang


# --------------------------------------------------------------------------- pieces
def _figure_png(size: tuple[float, float], fn: Callable[[Any], Any], dpi: int) -> bytes:
    """Draw on a new Figure (no pyplot state) and return its PNG bytes."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CJKFontWarning)  # warned once by render_bulletin
        fn(ax)
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _fan(forecast: Any, indicator: str, lang: str, ax: Any) -> Any:
    return fan_chart(forecast, indicator, ax=ax, lang=lang)


def _fan_indicators(summary: xr.Dataset, indicators: Sequence[str] | None) -> list[str]:
    province = summary["region"].values.astype(str) == PROVINCE
    ok = np.array([str(r) == "" for r in summary["reason"].values])
    available = [str(i) for i in summary["indicator"].values[province & ok]]
    if indicators is None:
        return available
    missing = sorted(set(indicators) - set(available))
    if missing:
        raise ValueError(
            f"Indicators {missing} have no province forecast, so no fan chart. Known: {available}."
        )
    return [i for i in available if i in set(indicators)]


def _source_line(summary: xr.Dataset, lang: str) -> tuple[str, bool]:
    attrs = summary.attrs
    source = str(attrs.get("data_source", "")) or "?"
    synthetic = source == "synthetic"
    t = TEXT[lang]
    shown = t["synthetic"] if synthetic else source
    line = t["source_line"].format(
        source=shown,
        as_of=attrs.get("as_of", "?"),
        model=attrs.get("model", "?"),
        draws=attrs.get("n_draws", "?"),
        seed=attrs.get("seed_entropy", "?"),
    )
    return line, synthetic


def _num(value: Any, digits: int = 3) -> str:
    """Thousands separators above 1,000, about ``digits`` significant digits below."""
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if not np.isfinite(x):
        return "–"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if x == 0:
        return "0"
    return f"{x:.{digits}g}"


def _num_against(value: Any, target: Any) -> str:
    """Format ``value`` with enough digits that it never reads as equal to a different ``target``."""
    text = _num(value)
    for digits in (4, 5, 6, 8):
        if text != _num(target) or float(value) == float(target):
            break
        text = _num(value, digits)
    return text


def _pct(value: Any) -> str:
    x = float(value)
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _cell(text: Any, cls: str = "") -> dict[str, str]:
    return {"text": str(text), "cls": cls}


def _name(row: Any, lang: str) -> str:
    return str(row["name_zh"] if lang == "zh" else row["name_en"])


def _attainment(forecast: Any, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    table = forecast.table()
    table = table[table["region"] == PROVINCE]
    status_index = {name: k + 1 for k, name in enumerate(STATUS_COLOURS)}
    rows = []
    for _, r in table.iterrows():
        observed = (
            ""
            if pd.isna(r["observed"])
            else f"{_num_against(r['observed'], r['target'])} ({r['observed_month']})"
        )
        # Rates are monthly progress for counts and levels; for annual means they are levels.
        rates = r["kind"] not in ("annual_mean", "change")
        cells = [
            _cell(r["indicator"]),
            _cell(_name(r, lang)),
            _cell(f"{_CMP.get(str(r['comparator']), '')} {_num(r['target'])}".strip(), "num"),
            _cell(r["unit"]),
            _cell(r["deadline"], "num"),
            _cell(observed, "num"),
            _cell(_pct(r["p_met"]) if pd.notna(r["p_met"]) else "–", "num"),
            _cell(
                " / ".join(_num(r[c]) for c in ("q10", "median", "q90")) if pd.notna(r["median"]) else "–",
                "num",
            ),
            _cell(_num(r["required_rate"]) if rates and pd.notna(r["required_rate"]) else "–", "num"),
            _cell(_num(r["run_rate"]) if rates and pd.notna(r["run_rate"]) else "–", "num"),
        ]
        status = str(r["status"])
        rows.append(
            {
                "cells": cells,
                "status": STATUS_NAMES[lang].get(status, status),
                "status_index": status_index.get(status, len(STATUS_COLOURS)),
            }
        )
    return {"header": t["attainment_header"], "rows": rows}


def _portfolio(result: xr.Dataset, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    n_items = int(result.attrs["n_items"])
    pmf = result["pmf"].values
    most = int(np.ceil(0.75 * n_items))
    p_most = float(pmf[most:].sum())
    frame = result[
        ["p_met", "gain_if_certain", "gain_per_point", "risk_rank", "name_zh", "name_en"]
    ].to_dataframe()
    frame = frame.sort_values("risk_rank").head(8)
    rows = [
        [
            _cell(ind),
            _cell(str(r["name_zh"] if lang == "zh" else r["name_en"])),
            _cell(str(result["item_of"].sel(indicator=ind).item())),
            _cell(_pct(r["p_met"]), "num"),
            _cell(f"{r['gain_if_certain']:.2f}", "num"),
            _cell(f"{r['gain_per_point']:.3f}" if np.isfinite(r["gain_per_point"]) else "–", "num"),
        ]
        for ind, r in frame.iterrows()
    ]
    return {
        "p_all": f"{float(result['p_all_met']):.1%}",
        "expected": f"{float(result['expected_n_met']):.1f} / {n_items}",
        "p_most": f"{p_most:.0%}",
        "p_most_label": t["p_most"].format(k=most, n=n_items),
        "header": t["drivers_header"],
        "rows": rows,
    }


def _region_names(regions: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Prefecture id -> its name in the page's language (the id where the catalogue has none)."""
    if regions is None or not len(regions):
        return {}
    column = "name_zh" if lang == "zh" else "name_en"
    return dict(zip(regions["region"].astype(str), regions[column].astype(str), strict=True))


def _pace_rows(
    pace: xr.Dataset, mask: np.ndarray, lang: str, region_names: dict[str, str] | None = None
) -> list[list[dict[str, str]]]:
    rows = []
    for s in np.flatnonzero(mask):
        name = str(pace["name_zh"].values[s] if lang == "zh" else pace["name_en"].values[s])
        ratio = pace["multiplier"].values[s]  # > 1 exactly when P(met) < prob: cannot contradict it
        cells = [_cell(pace["indicator"].values[s])]
        if region_names is not None:
            region = str(pace["region"].values[s])
            cells.append(_cell(region_names.get(region, region)))
        else:
            cells.append(_cell(name))
        cells += [
            _cell(_num(pace["need"].values[s]), "num"),
            _cell(int(pace["months_left"].values[s]), "num"),
            _cell(_num(pace["plain_rate"].values[s]), "num"),
            _cell(_num(pace["required_pace"].values[s]), "num"),
            _cell(_run_rate(pace["run_rate"].values[s], str(pace["run_rate_months"].values[s])), "num"),
            _cell("–" if not np.isfinite(ratio) else f"{ratio:.2f}×", "num"),
            _cell(pace["note"].values[s] or ""),
        ]
        rows.append(cells)
    return rows


def _run_rate(rate: float, months: str) -> str:
    """The run rate with the months it covers, '12.5 (07–08)'."""
    if not np.isfinite(rate):
        return "–"
    span = "–".join(m[5:7] for m in months.split("/")) if months else ""
    return f"{_num(rate)} ({span})" if span else _num(rate)


def _pace(pace: xr.Dataset, lang: str, region_names: dict[str, str]) -> dict[str, Any]:
    t = TEXT[lang]
    region = pace["region"].values.astype(str)
    has = np.isfinite(pace["required_pace"].values)
    prob = float(pace.attrs.get("prob", 0.8))
    return {
        "note": t["pace_note"].format(p=f"{prob:.0%}"),
        "header": t["pace_header"],
        "rows": _pace_rows(pace, (region == PROVINCE) & has, lang),
        "detail_header": [t["pace_header"][0], t["region"], *t["pace_header"][2:]],
        "detail_rows": _pace_rows(pace, (region != PROVINCE) & has, lang, region_names),
    }


def _next_year(result: xr.Dataset, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    region = result["region"].values.astype(str)
    probs = [float(p) for p in result["prob"].values]
    rows = []
    for s in np.flatnonzero(region == PROVINCE):
        name = str(result["name_zh"].values[s] if lang == "zh" else result["name_en"].values[s])
        values = result["target_next"].values[s]
        note = str(result["note"].values[s])
        rows.append(
            [
                _cell(result["indicator"].values[s]),
                _cell(name),
                _cell(
                    f"{_CMP.get(str(result['comparator'].values[s]), '')} {_num(result['target'].values[s])}",
                    "num",
                ),
                _cell(_num(result["capacity_median"].values[s]), "num"),
                *[_cell(_num(v), "num") for v in values],
                _cell(note or str(result["method"].values[s])),
            ]
        )
    header = [*t["next_year_header"][:4], *[f"{p:.0%}" for p in probs], t["next_year_header"][4]]
    return {"header": header, "rows": rows}


def _ranking(table: pd.DataFrame, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    rows = [
        [
            _cell(int(r["rank"]), "num"),
            _cell(str(r["name_zh"] if lang == "zh" else r["name_en"])),
            _cell(f"{r['spi_t']:.3f}", "num"),
            _cell(f"{r['spi_t_min']:.3f} ({r['worst_indicator']})", "num"),
            _cell(f"{int(r['n_behind'])} / {int(r['n_indicators'])}", "num"),
            _cell(_pct(r["mean_p_met"]), "num"),
        ]
        for _, r in table.iterrows()
    ]
    return {"header": t["ranking_header"], "rows": rows}


def _scenarios(comparison: pd.DataFrame, summary: xr.Dataset, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    data = comparison[comparison["region"].astype(str) == PROVINCE]
    wide = data.pivot_table(
        index="indicator", columns="scenario", values="p_met", aggfunc="first", sort=False
    )
    delta = data.pivot_table(
        index="indicator", columns="scenario", values="delta_vs_baseline", aggfunc="first", sort=False
    )
    names = dict(
        zip(
            summary["indicator"].values,
            summary["name_zh" if lang == "zh" else "name_en"].values,
            strict=False,
        )
    )
    scenarios = list(wide.columns)
    p_met = wide.to_numpy(dtype=float)
    shift = delta.reindex(index=wide.index, columns=wide.columns).to_numpy(dtype=float)
    rows = []
    for r, ind in enumerate(wide.index):
        cells = [_cell(ind), _cell(str(names.get(ind, "")))]
        for c in range(len(scenarios)):
            d = shift[r, c]
            change = "" if not np.isfinite(d) or abs(d) < 0.005 else f" ({100 * d:+.0f})"
            cells.append(_cell(f"{_pct(p_met[r, c])}{change}", "num"))
        rows.append(cells)
    return {"header": [t["indicator"], t["name"], *scenarios], "rows": rows}


__all__ = ["FIGURE_DIR", "HTML_NAME", "Bulletin", "render_bulletin", "write_bulletin"]
