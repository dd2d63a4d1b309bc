"""The monthly bulletin: one self-contained HTML page (figures embedded as base64 PNG) plus the PNGs."""

from __future__ import annotations

import base64
import datetime as _dt
import functools
import io
import re
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr

from .._core.names import display_name
from .._core.provenance import library_version
from .._core.regions import top_level_tags
from .._core.schema import DRAW, PROVINCE
from .._core.state import deadline_month
from .._core.units import format_against, format_in_unit, format_rate, format_still_needed, unit_label
from ..planning._next_year_list import needed_percent, percent, safe_side_round
from ..planning._schedule import BELOW_BASELINE
from ..plots import (
    CJKFontWarning,
    fan_chart,
    find_cjk_font,
    first_passage_chart,
    heatmap,
    portfolio_chart,
    ranking_chart,
    risk_driver_chart,
    scenario_chart,
)
from ..plots._common import row_label, rows_height
from ..plots._fonts import FONT_PACKAGES, INSTALL_HINT
from ._console import latest_suffix, no_forecast_lines, region_label
from ._drivers_view import DRIVER_TEXT, drivers_notes, prefecture_note
from ._pace_words import PACE_WORDS, covered_months, month_span, pace_explanations
from ._ranks_view import RANK_TEXT, rank_table, spi_note, spi_rank_cells
from ._text import GROWTH_BASIS, NOTES_ZH, STATUS_COLOURS, STATUS_NAMES, TEXT, in_chinese, model_name

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Name of the HTML file :func:`write_bulletin` writes.
HTML_NAME = "bulletin.html"
#: Folder (inside ``out_dir``) of the PNG files.
FIGURE_DIR = "figures"
#: The figures a bulletin draws beside one fan chart per indicator (``fan_<id>``), by file stem:
#: ``report --overwrite`` removes an earlier bulletin's figures of these names only, never a user's.
BULLETIN_FIGURES = (
    "heatmap", "first_passage", "portfolio", "risk_drivers", "risk_drivers_outdoor", "ranking", "scenarios"
)  # fmt: skip
_CMP = {">=": "≥", "<=": "≤"}
#: Width of the page's content (``max-width`` of the body less its padding), in inches at 100 dpi:
#: figures that span the page are drawn this wide.
_PAGE_WIDTH_IN = 11.3


class PlanningLike(Protocol):
    """What the bulletin reads from :func:`longjiang_forecast.planning.plan`."""

    # Read-only members (properties), so that the frozen dataclass Planning satisfies the protocol.
    @property
    def portfolio(self) -> xr.Dataset: ...
    @property
    def pace(self) -> xr.Dataset: ...
    @property
    def next_year(self) -> xr.Dataset: ...
    @property
    def schedule(self) -> xr.Dataset: ...
    @property
    def ranking(self) -> pd.DataFrame | None: ...
    @property
    def ranks(self) -> xr.Dataset | None: ...
    @property
    def ranks_spi(self) -> xr.Dataset | None: ...
    @property
    def drivers(self) -> xr.Dataset: ...
    @property
    def drivers_outdoor(self) -> xr.Dataset | None: ...
    @property
    def drivers_prefectures(self) -> xr.Dataset | None: ...


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
    changes: pd.DataFrame | None = None,
    track_record: Any = None,
    integrity: pd.DataFrame | None = None,
    notices: Sequence[str] = (),
    overwrite: bool = False,
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
    changes : pandas.DataFrame, optional
        What changed since the previous published forecast, from
        :func:`longjiang_forecast.store.changes` (its ``attrs`` name the two forecasts);
        adds the section 本月变化: the five largest moves of province P(met), one sentence
        each.
    track_record : TrackRecord, optional
        From :func:`longjiang_forecast.store.track_record`; adds the section 预测实绩: the
        published forecasts' scores by as-of month (the table of ``track-record``) with what
        each column means.
    integrity : pandas.DataFrame, optional
        From :func:`longjiang_forecast.integrity.check_reports`; adds the annex 报送数据核查:
        every flag with its rule, score (tail probability), reason and file rows, or a line
        saying that no report was flagged.
    notices : sequence of str, optional
        The run's warnings (a province's own reports that disagree with its prefectures', a
        prefecture a month late, ...), English as the library raised them; adds the section
        本次运行的提示 that lists them (in Chinese as far as the command line's translations go),
        so that the page says what the console said.
    overwrite : bool, default False
        Replace an earlier bulletin's ``bulletin.html`` and figures in ``out_dir``. Without it a
        folder that already holds the page, or any figure this bulletin would write, is refused
        before anything is written: an earlier result is never replaced without a word.

    Returns
    -------
    Bulletin
        The paths written.

    Raises
    ------
    ValueError
        If ``lang`` is unknown or ``comparison`` lacks a column.
    FileExistsError
        If ``overwrite`` is False and ``bulletin.html`` or one of the figures exists in
        ``out_dir`` (nothing is written).
    NotADirectoryError
        If ``out_dir`` is a file.

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
    page = out / HTML_NAME
    _check_free(out, [page], overwrite=overwrite)  # before the work of rendering, where it can be told
    html, pngs, figure_lang = render_bulletin(
        forecast,
        lang=lang,
        comparison=comparison,
        planning=planning,
        indicators=indicators,
        dpi=dpi,
        changes=changes,
        track_record=track_record,
        integrity=integrity,
        notices=notices,
    )
    paths = {name: out / FIGURE_DIR / f"{name}.png" for name in pngs}
    _check_free(out, list(paths.values()), overwrite=overwrite)
    # the folders only once the page is rendered: a failure there leaves no empty folder behind
    (out / FIGURE_DIR).mkdir(parents=True, exist_ok=True)
    for name, data in pngs.items():
        paths[name].write_bytes(data)
    page.write_text(html, encoding="utf-8")
    return Bulletin(html=page, figures=paths, lang=lang, figure_lang=figure_lang)


def _check_free(out: Path, files: list[Path], *, overwrite: bool) -> None:
    """Refuse ``out`` if it is a file, or (unless ``overwrite``) if any of ``files`` exists."""
    if out.is_file():
        raise NotADirectoryError(f"write_bulletin: {out} is a file; give a folder for the bulletin.")
    taken = [f for f in files if f.exists()]
    if taken and not overwrite:
        raise FileExistsError(
            f"write_bulletin: {taken[0]} exists (an earlier bulletin; nothing was written). Choose "
            "another folder, or pass overwrite=True to replace it."
        )


def render_bulletin(
    forecast: Any,
    *,
    lang: str = "zh",
    comparison: pd.DataFrame | None = None,
    planning: PlanningLike | None = None,
    indicators: Sequence[str] | None = None,
    dpi: int = 100,
    changes: pd.DataFrame | None = None,
    track_record: Any = None,
    integrity: pd.DataFrame | None = None,
    notices: Sequence[str] = (),
) -> tuple[str, dict[str, bytes], str]:
    """Render the bulletin in memory.

    Parameters
    ----------
    forecast, lang, comparison, planning, indicators, dpi, changes, track_record, integrity, notices
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
    names = {
        str(i): display_name(zh, en, figure_lang, i)
        for i, zh, en in zip(
            summary["indicator"].values, summary["name_zh"].values, summary["name_en"].values, strict=True
        )
    }
    split = summary["region"].values.astype(str) != PROVINCE
    if split.any():
        # Full page width, each row as tall as its longest wrapped name needs.
        rows = dict.fromkeys(summary["indicator"].values[split].astype(str))
        heat_rows = [row_label(i, names[i], figure_lang) for i in rows]
        figures["heatmap"] = draw(
            "heatmap",
            (_PAGE_WIDTH_IN, 1.4 + rows_height(heat_rows)),
            lambda ax: heatmap(summary, regions=regions, ax=ax, lang=figure_lang),
        )
    has_fp = ~split & np.isfinite(summary["first_passage_cdf"].values).all(axis=1)
    if has_fp.any():
        fp_ids = summary["indicator"].values[has_fp].astype(str)
        fp_rows = [row_label(i, names[i], figure_lang) for i in fp_ids]
        figures["first_passage"] = draw(
            "first_passage",
            (_PAGE_WIDTH_IN, 1.2 + rows_height(fp_rows)),
            lambda ax: first_passage_chart(summary, ax=ax, lang=figure_lang),
        )
    model = str(summary.attrs.get("model", "?"))
    context: dict[str, Any] = {
        "lang": lang,
        "t": t,
        "title": t["title"].format(as_of=summary.attrs.get("as_of", "")),
        "version": library_version(),
        "created": t["created"].format(
            created_at=_dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M"), version=library_version()
        ),
        "method_note": t["method_note"].format(model=model_name(model, lang)),
        "first_passage_note": _first_passage_note(summary, has_fp, lang),
        "status_colours": STATUS_COLOURS,
        "status_names": STATUS_NAMES[lang],
        "attainment": _attainment(forecast, lang),
        "fans": fans,
        "figures": figures,
        "portfolio": None,
        "pace": None,
        "next_year": None,
        "ranking": None,
        "risk": None,
        "rank_tables": [],
        "scenarios": None,
        "changes": None if changes is None else _changes(changes, summary, lang),
        "track_record": None if track_record is None else _track_record(track_record, lang),
        "integrity": None if integrity is None else _integrity(integrity, lang, _region_names(regions, lang)),
        "notices": [in_chinese(n) if lang == "zh" else n for n in notices],
    }
    context["source_line"], context["synthetic"] = _source_line(summary, lang, forecast.paths.sizes[DRAW])
    if planning is not None:
        context["portfolio"] = _portfolio(
            planning.portfolio,
            lang,
            _is_whole_list(forecast.catalog),
            _n_listed_items(forecast.catalog, _forecast_year(forecast)),
            top_level_tags(forecast.catalog.table),
        )
        figures["portfolio"] = draw(
            "portfolio", (6.4, 3.0), lambda ax: portfolio_chart(planning.portfolio, ax=ax, lang=figure_lang)
        )
        context["risk"] = _risk(planning, lang, _region_names(regions, lang))
        for key, result in (
            ("risk_drivers", planning.drivers),
            ("risk_drivers_outdoor", planning.drivers_outdoor),
        ):
            if result is not None:
                figures[key] = draw(
                    key,
                    (7.2, 1.4 + 0.42 * min(result.sizes["series"], 10)),
                    functools.partial(_risk_chart, result, regions, figure_lang),
                )
        context["pace"] = _pace(planning.pace, lang, _region_names(regions, lang))
        context["next_year"] = _next_year(
            planning.next_year, lang, _deadline_medians(forecast), list(forecast.table()["indicator"])
        )
        context["next_year"]["whole_list"] = _whole_list(getattr(planning, "next_year_list", None), lang)
        if planning.ranking is not None and len(planning.ranking):
            rank = planning.ranking
            spi_cells = spi_rank_cells(planning.ranks_spi) if planning.ranks_spi is not None else {}
            context["ranking"] = _ranking(rank, lang, spi_cells)
            context["ranking"]["spi_note"] = (
                "" if planning.ranks_spi is None else spi_note(planning.ranks_spi, lang)
            )
            context["rank_tables"] = (
                [rank_table(planning.ranks, lang, by="share")] if planning.ranks is not None else []
            )
            if planning.ranks_spi is not None and not planning.ranks_spi.attrs.get("certain"):
                context["rank_tables"].append(rank_table(planning.ranks_spi, lang, by="spi"))
            context["ranking"]["excluded"] = _ranking_excluded(
                planning.schedule, lang, _region_names(regions, lang)
            )
            figures["ranking"] = draw(
                "ranking",
                (6.4, 0.9 + 0.32 * len(rank)),
                lambda ax: ranking_chart(rank, ax=ax, lang=figure_lang),
            )
    if comparison is not None:
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


def _source_line(summary: xr.Dataset, lang: str, n_kept: int) -> tuple[str, bool]:
    """The page's first line; with fewer kept paths than draws, it says which sections rest on them."""
    attrs = summary.attrs
    model = str(attrs.get("model", "?"))
    source = str(attrs.get("data_source", "")) or "?"
    synthetic = source == "synthetic"
    t = TEXT[lang]
    package = Path(__file__).resolve().parents[1]
    if not synthetic and Path(source).resolve().is_relative_to(package):  # not the install's path
        source = t["bundled"].format(name=Path(source).name)
    shown = t["synthetic"] if synthetic else source
    sha, vintage = str(attrs.get("data_sha256", "")), str(attrs.get("data_vintage", ""))
    if sha or vintage:  # which data exactly: the vintage and the hash run.json and forecast.nc carry
        shown += t["data_identity"].format(vintage=vintage or "?", sha=sha[:12] or "?")
    line = t["source_line"].format(
        source=shown,
        as_of=attrs.get("as_of", "?"),
        # the model's name as the console says it; in English the class name of the files beside it
        model=model_name(model, "zh") if lang == "zh" else f"{model_name(model, 'en')} ({model})",
        draws=attrs.get("n_draws", "?"),
        kept=t["kept_paths"].format(kept=n_kept) if n_kept < int(attrs.get("n_draws", n_kept)) else "",
        seed=attrs.get("seed_entropy", "?"),
    )
    return line, synthetic


def _pct(value: Any) -> str:
    x = float(value)
    return "–" if not np.isfinite(x) else f"{100 * x:.0f}%"


def _cell(text: Any, cls: str = "") -> dict[str, str]:
    return {"text": str(text), "cls": cls}


def _series_name(data: xr.Dataset, s: int, lang: str) -> str:
    """Name of series ``s`` of a planning answer (dim ``series``) in ``lang``."""
    zh, en, ident = (data[k].values[s] for k in ("name_zh", "name_en", "indicator"))
    return display_name(zh, en, lang, ident)


def _name(row: Any, lang: str) -> str:
    return display_name(row["name_zh"], row["name_en"], lang, row["indicator"])


def _in_unit(value: Any, row: Any) -> str:
    """A value of the attainment table's ``row`` in its unit's granularity."""
    return format_in_unit(value, str(row["unit"]), row["target"])


def _borderline_band(row: Any, cut: float) -> str:
    """The default band of a borderline row's P(met) ("" where not borderline, or not at a default cut).

    A row within two standard errors of a band's edge is "borderline"; shown in the borderline
    colour alone, a P(met) of 0.18 at the edge of "off track" read milder than a 0.45 "at risk"
    (a break-it pass). The bands are the default ones (:data:`DEFAULT_BANDS`); a forecast made
    with other bands keeps the borderline colour.
    """
    from ..summarise import DEFAULT_BANDS
    from ..summarise._labelled import band_of

    p = row["p_met"]
    if str(row["status"]) != "borderline" or not (pd.notna(cut) and pd.notna(p)):
        return ""
    if not any(np.isclose(float(cut), v) for v in DEFAULT_BANDS.values()):
        return ""
    return band_of(float(p), DEFAULT_BANDS)


def _attainment(forecast: Any, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    table = forecast.table()
    table = table[table["region"] == PROVINCE]
    status_index = {name: k + 1 for k, name in enumerate(STATUS_COLOURS)}
    summary = forecast.summary
    cuts = dict(
        zip(
            zip(summary["indicator"].values.astype(str), summary["region"].values.astype(str), strict=True),
            summary["borderline_cut"].values.astype(float) if "borderline_cut" in summary else [],
            strict=False,
        )
    )
    rows = []
    for _, r in table.iterrows():
        unit = str(r["unit"])
        latest = format_against(r["observed"], r["target"], unit, r["comparator"])
        suffix = latest_suffix(r["kind"], r["observed_month"], lang)  # its month, or the months it averages
        observed = "" if pd.isna(r["observed"]) else latest + suffix
        # Rates are monthly progress for counts and levels; for annual means they are levels.
        rates = r["kind"] not in ("annual_mean", "change")
        cells = [
            _cell(r["indicator"]),
            _cell(_name(r, lang)),
            _cell(f"{_CMP.get(str(r['comparator']), '')} {_in_unit(r['target'], r)}".strip(), "num"),
            _cell(unit_label(unit, lang)),
            _cell(r["deadline"], "num"),
            _cell(observed, "num"),
            _cell(_pct(r["p_met"]) if pd.notna(r["p_met"]) else "–", "num"),
            _cell(
                " / ".join(
                    format_against(r[c], r["target"], unit, r["comparator"]) for c in ("q10", "median", "q90")
                )
                if pd.notna(r["median"])
                else "–",
                "num",
            ),
            _cell(format_rate(r["required_rate"], unit, r["target"]) if rates else "–", "num"),
            _cell(_model_rate(r, lang) if rates else "–", "num"),
            _cell(
                _run_rate(r["run_rate"], _months(r["run_rate_months"]), unit, r["target"], lang)
                if rates
                else "–",
                "num",
            ),
        ]
        status = str(r["status"])
        shown, colour = STATUS_NAMES[lang].get(status, status), status
        side = _borderline_band(r, cuts.get((str(r["indicator"]), str(r["region"])), np.nan))
        if side:  # the colour of the band its P(met) is in: a borderline 18 % looked milder than 45 %
            colour = side
            short = [STATUS_NAMES[lang][name].split(" (")[0] for name in (side, status)]  # no ranges
            shown = ("，" if lang == "zh" else ", ").join(short)
        rows.append(
            {
                "cells": cells,
                "status": shown,
                "status_index": status_index.get(colour, len(STATUS_COLOURS)),
            }
        )
    header = [*t["attainment_header"][:9], t["model_rate_header"], *t["attainment_header"][9:]]
    notes = pace_explanations(table, lang=lang)
    return {
        "header": header,
        "rows": rows,
        "pace_head": PACE_WORDS[lang]["head"],
        "pace_notes": notes,
        # the console's reasons, every id: the row says only "no forecast"
        "no_forecast": no_forecast_lines(table, lang, shown=len(table)),
    }


def _model_rate(row: Any, lang: str) -> str:
    """The model's median pace a month over the months left to the deadline's report, '81.1 (Sep–Oct)'."""
    rate = float(row["model_rate"]) if pd.notna(row["model_rate"]) else np.nan
    if not np.isfinite(rate):
        return "–"
    text = format_rate(rate, str(row["unit"]), row["target"])
    month = str(row["observed_month"]) if isinstance(row["observed_month"], str) else ""
    first = int(month[5:7]) + 1 if len(month) >= 7 else 1
    last = deadline_month(pd.Timestamp(str(row["deadline"])))
    return f"{text} ({month_span(first, last, lang)})" if first <= last else text


def _is_whole_list(catalog: Catalog) -> bool:
    """Whether the catalogue is a built-in year's list with all its items (1..n), not a user's or a subset."""
    source = str(getattr(catalog, "source", ""))
    table = getattr(catalog, "table", None)
    if not source.startswith("package:") or table is None or "item" not in table:
        return False
    items = pd.to_numeric(table["item"], errors="coerce").dropna()
    return bool(len(items)) and set(items.astype(int)) == set(range(1, int(items.max()) + 1))


def _n_listed_items(catalog: Catalog, year: int | None = None) -> int:
    """Number of items in the catalogue's list of ``year`` (default: every row, whatever its year).

    An item is a value of the ``item`` column. The column is optional (a user's catalogue, and
    the one ``template --catalog-out`` writes, often has none, or leaves it empty on some rows):
    an indicator without an item is an item of its own, as in
    :func:`longjiang_forecast.planning.portfolio`, which labels it by its indicator id. An
    indicator's item is the one on its province row, else on any of its rows. A catalogue with
    earlier years' plans counts the items of ``year`` only (the year the forecast is for).
    """
    table = catalog.table
    if year is not None and "year" in table:
        table = table[table["year"].astype(int) == int(year)]
    indicators = table["indicator"].astype(str).tolist()
    if "item" not in table:
        return len(set(indicators))
    province = table["region"].astype(str) == PROVINCE
    ordered = pd.concat([table[province], table[~province]])  # a province row's item comes first
    item_of: dict[str, str] = {}
    for ind, item in zip(ordered["indicator"].astype(str), ordered["item"].tolist(), strict=True):
        if not pd.isna(item):
            item_of.setdefault(ind, str(int(item)))  # the portfolio's label of an item number
    return len({item_of.get(ind, ind) for ind in indicators})


def _forecast_year(forecast: Any) -> int | None:
    """The year the forecast is for (its state's ``year``), or None where it does not say."""
    year = getattr(getattr(forecast, "state", None), "attrs", {}).get("year")
    return None if year is None else int(year)


def _singular(text: str) -> str:
    """English counts of one in the singular: "The 1 items", "1 of them have" read as bad grammar.

    Examples
    --------
    >>> _singular("The 1 items with a forecast; 1 of them have none; P(all 11 items fully met)")
    'The 1 item with a forecast; 1 of them has none; P(all 11 items fully met)'
    """
    text = re.sub(r"\b1 items\b", "1 item", text)
    return re.sub(r"\b1 of them have\b", "1 of them has", text)


def _portfolio(
    result: xr.Dataset,
    lang: str,
    whole_list: bool,
    n_listed: int,
    top_levels: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """The portfolio section; where items have no forecast, says that 'all met' leaves them out.

    ``top_levels``: indicator -> its tags naming its top level (全国 for a national series), for
    the drivers table's region column.
    """
    t = TEXT[lang]
    n_items = int(result.attrs["n_items"])
    part = n_items < n_listed
    left = n_listed - n_items
    left_out = (
        _singular(t["portfolio_part_note"].format(n=n_items, total=n_listed, left=left)) if part else ""
    )
    pmf = result["pmf"].values
    most = int(np.ceil(0.75 * n_items))
    p_most = float(pmf[most:].sum())
    frame = result[["p_met", "gain_if_certain", "risk_rank", "name_zh", "name_en"]].to_dataframe()
    frame = frame.sort_values("risk_rank").head(8)
    item_of = result["item_of"].to_series().astype(str)
    size = item_of.value_counts()
    # Among the paths where the indicator fails, the share where the rest of its item is met:
    # P(meeting it completes the item). 100 % for one-indicator items, so shown only where a row's
    # item has several indicators (else the column would say the same on every row).
    joint = bool((size.reindex(item_of[frame.index]).to_numpy() > 1).any())
    header = list(t["drivers_header"]) + ([t["drivers_joint_header"]] if joint else [])
    rows = []
    for ind, r in frame.iterrows():
        cells = [
            _cell(ind),
            _cell(display_name(r["name_zh"], r["name_en"], lang, ind)),
            _cell(
                region_label("province", lang, None, {}, (top_levels or {}).get(str(ind), ""))
            ),  # the list's rows
            _cell(item_of[ind]),
            _cell(_pct(r["p_met"]), "num"),
            _cell(f"{r['gain_if_certain']:.2f}", "num"),
        ]
        if joint:
            fails = 1.0 - float(r["p_met"])
            cells.append(_cell(_pct(r["gain_if_certain"] / fails) if fails > 0 else "–", "num"))
        rows.append(cells)
    return {
        "title": _singular(
            t["portfolio_part"].format(n=n_items, total=n_listed)
            if part
            else t["portfolio_list" if whole_list else "portfolio_neutral"].format(n=n_items)
        ),
        "p_all": f"{float(result['p_all_met']):.1%}",
        "p_all_label": _singular(t["p_all"].format(n=n_items)),
        "expected": f"{float(result['expected_n_met']):.1f} / {n_items}",
        "p_most": f"{p_most:.0%}",
        "p_most_label": t["p_most"].format(k=most, n=n_items),
        "note": left_out + t["drivers_note"] + (t["drivers_note_joint"] if joint else ""),
        "header": header,
        "rows": rows,
    }


def _region_names(regions: pd.DataFrame | None, lang: str) -> dict[str, str]:
    """Region id -> its name in the page's language: the province's, then the catalogue's prefectures."""
    names = {"province": region_label("province", lang, None, {})}
    if regions is None or not len(regions):
        return names
    return names | {
        str(region): display_name(zh, en, lang, region)
        for region, zh, en in zip(regions["region"], regions["name_zh"], regions["name_en"], strict=True)
    }


def _pace_rows(
    pace: xr.Dataset, mask: np.ndarray, lang: str, region_names: dict[str, str] | None = None
) -> list[list[dict[str, str]]]:
    rows = []
    for s in np.flatnonzero(mask).tolist():
        name = _series_name(pace, s, lang)
        ratio = pace["multiplier"].values[s]  # > 1 exactly when P(met) < prob: cannot contradict it
        unit, target = str(pace["unit"].values[s]), pace["target"].values[s]
        cells = [_cell(pace["indicator"].values[s])]
        if region_names is not None:
            region = str(pace["region"].values[s])
            cells.append(_cell(region_names.get(region, region)))
        else:
            cells.append(_cell(name))
        need = float(pace["need"].values[s])
        if need < 0 and np.isfinite(pace["required_pace"].values[s]):  # a '>=' target passed: none needed
            need = 0.0
        cells += [
            _cell(format_still_needed(need, target, unit), "num"),  # 0.49 cities, 0.013 %, not 0
            _cell(int(pace["months_left"].values[s]), "num"),
            _cell(format_rate(pace["plain_rate"].values[s], unit, target), "num"),
            _cell(format_rate(pace["required_pace"].values[s], unit, target), "num"),
            _cell(
                _run_rate(
                    pace["run_rate"].values[s], str(pace["run_rate_months"].values[s]), unit, target, lang
                ),
                "num",
            ),
            _cell("–" if not np.isfinite(ratio) else f"{ratio:.2f}×", "num"),
            _cell(_note(pace["note"].values[s], lang)),
        ]
        rows.append(cells)
    return rows


def _first_passage_note(summary: xr.Dataset, shown: np.ndarray, lang: str) -> str:
    """The caption of the first-passage chart: what the outlined month is, and the mid-month deadlines.

    ``shown`` (bool, dim ``series``) marks the chart's rows. A mid-month deadline is judged on
    the report of the month before (``deadline_month``), which the chart outlines: the caption
    names each one, "Y3（10月20日截止，看9月月报）" / "Y3 (due 20 Oct: the Sep report)".
    """
    t = TEXT[lang]
    mid = [
        t["first_passage_mid_row"].format(
            indicator=ind,
            date=f"{dl.month}月{dl.day}日" if lang == "zh" else f"{dl.day} {dl:%b}",
            month=judged if lang == "zh" else month_span(judged, judged, lang),
        )
        for ind, dl, judged in zip(
            summary["indicator"].values[shown].astype(str),
            pd.DatetimeIndex(summary["deadline"].values[shown]),
            summary["deadline_month"].values[shown].astype(int),
            strict=True,
        )
        if judged != dl.month and judged >= 1
    ]
    if not mid:
        return t["first_passage_note"]
    rows = ("、" if lang == "zh" else ", ").join(mid)
    return t["first_passage_note"] + ("" if lang == "zh" else " ") + t["first_passage_mid"].format(rows=rows)


def _months(value: Any) -> str:
    """The months a run rate covers, "YYYY-MM/YYYY-MM"; "" where none."""
    return value if isinstance(value, str) else ""


def _run_rate(rate: float, months: str, unit: str, target: Any, lang: str) -> str:
    """The run rate with the months it covers, '12.5 (Jul–Aug)' / '12.5 (7–8月)'."""
    if not np.isfinite(rate):
        return "–"
    span = covered_months(months, lang)
    text = format_rate(rate, unit, target)
    return f"{text} ({span})" if span else text


def _pace(pace: xr.Dataset, lang: str, region_names: dict[str, str]) -> dict[str, Any]:
    t = TEXT[lang]
    region = pace["region"].values.astype(str)
    has = np.isfinite(pace["required_pace"].values)
    prob = float(pace.attrs.get("prob", 0.8))
    rows = _pace_rows(pace, (region == PROVINCE) & has, lang)
    detail = _pace_rows(pace, (region != PROVINCE) & has, lang, region_names)
    header = list(t["pace_header"])
    detail_header = [header[0], t["region"], *header[2:]]
    # No column without information, in each table: the note column goes where none of its rows has one.
    if not any(row[-1]["text"] for row in rows):
        header, rows = header[:-1], [r[:-1] for r in rows]
    if not any(row[-1]["text"] for row in detail):
        detail_header, detail = detail_header[:-1], [r[:-1] for r in detail]
    return {
        "note": t["pace_note"].format(p=percent(prob)),  # 99.9%, never 100% for 0.999
        "header": header,
        "rows": rows,
        "detail_header": detail_header,
        "detail_rows": detail,
    }


def _note(note: Any, lang: str) -> str:
    """A planning note (English) in the page's language; "" for none.

    A note :data:`~._text.NOTES_ZH` does not know is shown as written (the
    tests check that every note the planning stage writes is known).
    """
    text = str(note or "")
    if lang != "zh" or not text:
        return text
    for pattern, zh in NOTES_ZH:
        match = re.fullmatch(pattern, text)
        if match:
            return zh.format(*match.groups())
    return text


def _growth_basis(result: xr.Dataset, s: int, lang: str) -> str:
    basis = str(result["growth_basis"].values[s])
    if not basis:
        return ""
    first, last = int(result["first_final"].values[s]), int(result["last_final"].values[s])
    years = f"{first}–{last}" if last != first else str(first)
    return GROWTH_BASIS[lang][basis].format(k=int(result["n_finals"].values[s]), years=years)


def _deadline_medians(forecast: Any) -> dict[tuple[str, str], float]:
    """(indicator, region) -> the median value at the deadline over every draw (the table's ``median``)."""
    quant = forecast.summary["deadline_value"]
    if 0.5 not in quant["quantile"].values:
        return {}
    labels = zip(quant["indicator"].values.astype(str), quant["region"].values.astype(str), strict=True)
    return dict(zip(labels, quant.sel(quantile=0.5).values.astype(float), strict=True))


def _next_year(
    result: xr.Dataset, lang: str, medians: dict[tuple[str, str], float], order: list[str]
) -> dict[str, Any]:
    """Next year's targets, rounded to the unit's granularity towards the safe side (as in the catalogue).

    This year's expected outcome is the table's median over every draw (``medians``), as section 1
    shows it; the proposals' own ``capacity_median`` is read from the kept paths and may differ in its
    last digit. Rows in the order of the indicators in ``order`` (the attainment table's).
    """
    t = TEXT[lang]
    region = result["region"].values.astype(str)
    probs = [float(p) for p in result["prob"].values]
    rows = []
    rank = {ind: k for k, ind in enumerate(dict.fromkeys(order))}
    indicators = result["indicator"].values.astype(str)
    province = np.flatnonzero(region == PROVINCE).tolist()
    for s in sorted(province, key=lambda s: rank.get(str(indicators[s]), len(rank))):
        unit = str(result["unit"].values[s])
        target = float(result["target"].values[s])
        raw = str(result["comparator"].values[s])
        comparator = _CMP.get(raw, "")
        key = (str(result["indicator"].values[s]), PROVINCE)
        this_year = medians.get(key, float(result["capacity_median"].values[s]))
        rows.append(
            [
                _cell(result["indicator"].values[s]),
                _cell(_series_name(result, s, lang)),
                _cell(f"{comparator} {format_in_unit(target, unit, target)}".strip(), "num"),
                _cell(unit_label(unit, lang)),
                _cell(format_against(this_year, target, unit, raw), "num"),
                *[  # NaN stays NaN ("–")
                    _cell(format_in_unit(safe_side_round(v, unit, target, raw), unit, target), "num")
                    for v in result["target_next"].values[s]
                ],
                _cell(_note(result["note"].values[s], lang) or _growth_basis(result, s, lang)),
            ]
        )
    header = [*t["next_year_header"][:-1], *[f"{p:.0%}" for p in probs], t["next_year_header"][-1]]
    return {"header": header, "rows": rows}


def _whole_list(joint: xr.Dataset | None, lang: str) -> str:
    """One sentence: the whole list at one confidence, what it costs (``planning.list_confidence``)."""
    if joint is None:
        return ""
    need = float(joint["per_target_confidence"])
    return TEXT[lang]["next_year_whole_list"].format(
        n=int(joint["n_targets"]),
        conf=f"{float(joint.attrs['confidence']):.0%}",
        p_all=f"{float(joint['p_all_met']):.2%}",
        missed=f"{float(joint['expected_missed']):.1f}",
        list_p=f"{float(joint.attrs['list_probability']):.0%}",
        need=needed_percent(need) if np.isfinite(need) else TEXT[lang]["next_year_unreachable"],
    )


def _ranking(table: pd.DataFrame, lang: str, spi_cells: dict[str, str]) -> dict[str, Any]:
    """The SPI(t) table; its rank column is "most likely rank (P)" where ``spi_cells`` has the prefecture."""
    t = TEXT[lang]
    # as many decimals as tell the prefectures apart (3 at least): two "1.044" ranked 4 and 5 read as
    # a tie ranked at random (1.04435 and 1.04409; a break-it pass)
    spi = table["spi_t"].to_numpy(dtype=float)
    digits = next((d for d in range(3, 7) if len({f"{v:.{d}f}" for v in spi}) == len(set(spi.tolist()))), 6)
    rows = [
        [
            _cell(spi_cells.get(str(r["region"]), int(r["rank"])), "num"),
            _cell(display_name(r["name_zh"], r["name_en"], lang, r["region"])),
            _cell(f"{r['spi_t']:.{digits}f}", "num"),
            _cell(f"{r['spi_t_min']:.3f} ({r['worst_indicator']})", "num"),
            _cell(f"{int(r['n_behind'])} / {int(r['n_indicators'])}", "num"),
            _cell(_pct(r["mean_p_met"]), "num"),
        ]
        for _, r in table.iterrows()
    ]
    header = list(t["ranking_header"])
    if spi_cells:
        header[0] = RANK_TEXT[lang]["rank_p"]
    return {"header": header, "rows": rows}


def _risk(planning: PlanningLike, lang: str, region_names: dict[str, str]) -> dict[str, Any]:
    """The notes of the risk-driver charts of the portfolio section."""
    prefectures = planning.drivers_prefectures
    return {
        "alt": DRIVER_TEXT[lang]["alt"],
        "notes": drivers_notes(planning.drivers, planning.drivers_outdoor, lang),
        "prefectures": "" if prefectures is None else prefecture_note(prefectures, region_names, lang),
    }


def _risk_chart(result: xr.Dataset, regions: Any, lang: str, ax: Any) -> Any:
    return risk_driver_chart(result, regions=regions, ax=ax, lang=lang)


def _ranking_excluded(schedule: xr.Dataset, lang: str, region_names: dict[str, str]) -> str:
    """The note under the ranking naming the prefecture series left out (a level below its baseline); ""."""
    t = TEXT[lang]
    left = (schedule["note"].values == BELOW_BASELINE) & (schedule["region"].values.astype(str) != PROVINCE)
    if not left.any():
        return ""
    by: dict[str, list[str]] = {}
    for ind, reg in zip(schedule["indicator"].values[left], schedule["region"].values[left], strict=True):
        by.setdefault(str(ind), []).append(region_names.get(str(reg), str(reg)))
    comma = "、" if lang == "zh" else ", "
    rows = [t["ranking_excluded_row"].format(indicator=i, regions=comma.join(r)) for i, r in by.items()]
    return t["ranking_excluded"].format(rows=("；" if lang == "zh" else "; ").join(rows))


def _scenarios(comparison: pd.DataFrame, summary: xr.Dataset, lang: str) -> dict[str, Any]:
    t = TEXT[lang]
    data = comparison[comparison["region"].astype(str) == PROVINCE]
    wide = data.pivot_table(
        index="indicator", columns="scenario", values="p_met", aggfunc="first", sort=False
    )
    delta = data.pivot_table(
        index="indicator", columns="scenario", values="delta_vs_baseline", aggfunc="first", sort=False
    )
    names = {
        i: display_name(zh, en, lang, i)
        for i, zh, en in zip(
            summary["indicator"].values, summary["name_zh"].values, summary["name_en"].values, strict=True
        )
    }
    scenarios = list(wide.columns)
    p_met = wide.to_numpy(dtype=float)
    shift = delta.reindex(index=wide.index, columns=wide.columns).to_numpy(dtype=float)
    base_p = p_met[:, scenarios.index("baseline")] if "baseline" in scenarios else np.full(len(wide), np.nan)
    rows = []
    for r, ind in enumerate(wide.index):
        cells = [_cell(ind), _cell(str(names.get(ind, "")))]
        for c in range(len(scenarios)):
            d = shift[r, c]
            # in points between the two percentages shown ("100% → 66% (−34)", not the unrounded −33),
            # with the console's minus sign
            points = round(100 * p_met[r, c]) - round(100 * base_p[r]) if np.isfinite(base_p[r]) else 100 * d
            moved = f"{points:+.0f}".replace("-", "−")
            change = "" if not np.isfinite(d) or abs(d) < 0.005 or moved in ("+0", "−0") else f" ({moved})"
            cells.append(_cell(f"{_pct(p_met[r, c])}{change}", "num"))
        rows.append(cells)
    shown = [t["baseline"] if str(name) == "baseline" else str(name) for name in scenarios]
    # the comparison is its own run: its baseline may differ from section 1 by Monte Carlo error (a new
    # user read 73 % there and 72 % here as two answers); say by how much
    own = pd.Series(np.asarray(summary["p_met"].values, float), index=summary["indicator"].values.astype(str))
    own = own[np.asarray(summary["region"].values).astype(str) == PROVINCE]
    base = wide["baseline"] if "baseline" in wide.columns else pd.Series(dtype=float)
    gap = float(np.nanmax(np.abs(base - own.reindex(base.index)))) if len(base) else 0.0
    own_run = t["scenarios_own_run"].format(points=round(100 * gap)) if gap >= 0.005 else ""
    return {"header": [t["indicator"], t["name"], *shown], "rows": rows, "own_run": own_run}


#: Moves of P(met) the section 本月变化 explains.
N_CHANGES = 5


def _changes(changes: pd.DataFrame, summary: xr.Dataset, lang: str) -> dict[str, Any]:
    """The section 本月变化: the largest moves of province P(met), one sentence each."""
    from ._console import console_message
    from ._text import status_word

    names = {
        i: display_name(zh, en, lang, i)
        for i, zh, en in zip(
            summary["indicator"].values, summary["name_zh"].values, summary["name_en"].values, strict=True
        )
    }
    moves = changes[(changes["region"].astype(str) == PROVINCE) & changes["change"].notna()]
    moves = moves.reindex(moves["change"].abs().sort_values(ascending=False, kind="stable").index)
    items = [
        console_message(
            "change",
            lang,
            series=f"{r.indicator} {names.get(r.indicator, '')}".strip(),
            status_from=status_word(r.status_from, lang),
            status_to=status_word(r.status_to, lang),
            **{
                k: getattr(r, k)
                for k in ("p_from", "p_to", "change", "revisions", "news", "settings", "noise")
            },
            noise_se=r.noise_se,
        ).removeprefix("- ")
        for r in moves.head(N_CHANGES).itertuples(index=False)
    ]
    note = TEXT[lang]["changes_note"].format(
        n=len(items), from_id=changes.attrs.get("from_id", "?"), to_id=changes.attrs.get("to_id", "?")
    )
    return {"note": note, "items": items}


def _track_record(record: Any, lang: str) -> dict[str, Any]:
    """The section 预测实绩: the console's track-record table, its headline and footnote."""
    from ..store import MIN_SCORED
    from ._track_view import TRACK_FOOTNOTE, TRACK_HEADERS, track_view

    view = track_view(record.summary, lang=lang)
    left = ("model", "as_of_month")
    return {
        "note": TEXT[lang]["track_record_note"].format(vintage=record.vintage, **record.counts),
        "footnote": TRACK_FOOTNOTE[lang].format(min=MIN_SCORED),
        "header": [TRACK_HEADERS[lang][c] for c in view.columns],
        "rows": [
            [_cell(v, "" if c in left else "num") for c, v in zip(view.columns, rec, strict=True)]
            for rec in view.itertuples(index=False)
        ],
    }


def _integrity(flags: pd.DataFrame, lang: str, region_names: dict[str, str]) -> dict[str, Any]:
    """The annex 报送数据核查: every integrity flag, one row each, with its reason in ``lang``."""
    from ..integrity import RULE_NAMES
    from ._integrity_view import file_rows

    t = TEXT[lang]
    k = 0 if lang == "zh" else 1
    rows = [
        [
            _cell(r.indicator),
            _cell(region_names.get(str(r.region), str(r.region))),
            _cell(r.months),
            _cell(RULE_NAMES[r.rule][k]),
            _cell("0" if r.score == 0 else f"{r.score:.2g}", "num"),
            _cell(r.reason_zh if lang == "zh" else r.reason_en),
            _cell(file_rows(r.rows, lang) or "—"),
        ]
        for r in flags.itertuples(index=False)
    ]
    attrs = flags.attrs
    # "0 flags among this year's 0 reports of 0 series" read as if nothing was reported (PM2.5, whose
    # annual mean has no seasonal reference; a break-it pass)
    key = (
        "integrity_none_judged"
        if attrs.get("n_series") == 0 and attrs.get("not_checked")
        else "integrity_note"
    )
    note = t[key].format(
        n=len(flags),
        reports=attrs.get("n_reports", "?"),
        series=attrs.get("n_series", "?"),
        alpha=attrs.get("alpha", "?"),
        not_checked=len(attrs.get("not_checked", ())),
    )
    return {"note": note, "header": t["integrity_header"], "rows": rows}


__all__ = ["FIGURE_DIR", "HTML_NAME", "Bulletin", "render_bulletin", "write_bulletin"]
