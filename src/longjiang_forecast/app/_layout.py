"""The explorer's pages as Dash components: the attainment table, a target, the scenarios, planning.

Every element a test or a callback reads has a fixed DOM id (``attainment-table``,
``scenario-table``, ``delay-probability``, ...); the callbacks (``_callbacks``) fill them.
"""

from __future__ import annotations

from typing import Any

from dash import dash_table, dcc, html

from ._explorer import Explorer
from ._scenario_form import CONTROLS, MONTHS, NUMBERS, control_id
from ._words import word

#: The pages: path -> the key of its name in the navigation.
PAGES = {"/": "nav_table", "/target": "nav_target", "/scenario": "nav_scenario", "/planning": "nav_planning"}
#: Confidence levels offered on the planning page.
CONFIDENCES = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
CELL = {"textAlign": "left", "fontFamily": "sans-serif", "fontSize": "14px", "padding": "4px 8px"}
_BLOCK = {"border": "1px solid #ccc", "borderRadius": "6px", "padding": "8px 12px", "margin": "6px 0"}


def app_layout(ex: Explorer) -> html.Div:
    """The frame of every page: title, navigation, and the page (filled by the route callback)."""
    links = [
        dcc.Link(word(key, ex.lang), href=path, style={"marginRight": "18px"}) for path, key in PAGES.items()
    ]
    return html.Div(
        [
            dcc.Location(id="url"),
            html.H2(word("title", ex.lang)),
            html.Nav(links, style={"marginBottom": "12px"}),
            html.Div(id="page"),
        ],
        style={"fontFamily": "sans-serif", "margin": "12px 24px"},
    )


def table(table_id: str, keys: list[str], lang: str, data: list[dict[str, Any]] | None = None) -> Any:
    """A sortable table of the columns ``keys``, headed by their names in ``lang``."""
    names = {"region_name": word("region", lang), "status_word": word("status", lang)}
    columns = [{"name": names.get(k) or word(k, lang), "id": k} for k in keys]
    return dash_table.DataTable(  # type: ignore[attr-defined]  # dash generates its components at import
        id=table_id,
        columns=columns,
        data=data or [],
        sort_action="native",
        page_size=400,
        style_cell=CELL,
        style_header={"fontWeight": "bold"},
    )


def _choices(values: Any, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
    return [{"label": (labels or {}).get(str(v), str(v)), "value": v} for v in values]


def table_page(ex: Explorer) -> html.Div:
    """The attainment table, with filters by item, region and status."""
    t = ex.attainment()
    regions = dict(zip(t["region"], t["region_name"], strict=True))
    statuses = dict(zip(t["status"], t["status_word"], strict=True))
    filters = [
        ("filter-item", "filter_item", _choices(t["indicator"].unique(), ex.indicator_names())),
        ("filter-region", "filter_region", _choices(t["region"].unique(), regions)),
        ("filter-status", "filter_status", _choices(t["status"].unique(), statuses)),
    ]
    return html.Div(
        [
            html.Div(
                [
                    html.Div(
                        [
                            html.Label(word(key, ex.lang)),
                            dcc.Dropdown(
                                id=i,
                                options=o,
                                multi=True,
                                value=["province"] if i == "filter-region" else [],
                            ),
                        ],
                        style={"width": "30%", "display": "inline-block", "marginRight": "2%"},
                    )
                    for i, key, o in filters
                ]
            ),
            table(
                "attainment-table",
                [
                    "indicator",
                    "name",
                    "region_name",
                    "target",
                    "observed",
                    "p_met",
                    "p_met_se",
                    "median",
                    "deadline",
                    "status_word",
                ],
                ex.lang,
            ),
        ]
    )


def target_page(ex: Explorer, indicator: str | None) -> html.Div:
    """A target: its fan chart and first-passage chart, its prefectures, what changed since last month."""
    ids = list(dict.fromkeys(ex.attainment()["indicator"]))
    chosen = indicator if indicator in ids else ids[0]
    unknown = (
        []
        if indicator in (None, *ids)
        else [html.P(word("unknown_target", ex.lang, id=indicator, shown=chosen), id="unknown-target")]
    )
    return html.Div(
        [
            *unknown,
            html.Label(word("pick_target", ex.lang)),
            dcc.Dropdown(
                id="target-indicator",
                options=_choices(ids, ex.indicator_names()),
                value=chosen,
                clearable=False,
            ),
            dcc.Loading(html.Div(id="target-content")),
        ]
    )


def _effect_block(ex: Explorer, effect: str) -> html.Fieldset:
    """The controls of one effect type: on, tags, regions, its months and numbers, and its message."""
    lang, year = ex.lang, ex.year
    tags = sorted({t for x in ex.catalog.table["tags"].fillna("") for t in str(x).split(";") if t})
    regions = ["province", *ex.catalog.region_ids]
    months = [{"label": f"{year}-{m:02d}", "value": m} for m in range(1, 13)]
    controls: list[Any] = [
        dcc.Checklist(
            id=control_id(effect, "on"),
            options=[{"label": " " + word("on", lang), "value": "on"}],
            value=[],
            inline=True,
        ),
        _labelled(
            word("tags", lang),
            dcc.Dropdown(
                id=control_id(effect, "tags"),
                options=_choices(tags),
                value=CONTROLS[effect]["tags"],
                multi=True,
            ),
            260,
        ),
        _labelled(
            word("regions", lang),
            dcc.Dropdown(id=control_id(effect, "regions"), options=_choices(regions), value=[], multi=True),
            260,
        ),
    ]
    for key, default in CONTROLS[effect].items():
        if key in MONTHS:
            widget: dcc.Dropdown | dcc.Input = dcc.Dropdown(
                id=control_id(effect, key), options=months, value=default, clearable=False
            )
            controls.append(_labelled(word(key, lang), widget, 110))
        elif key in NUMBERS:
            widget = dcc.Input(
                id=control_id(effect, key),
                type="number",
                value=default,
                debounce=True,
                style={"width": "90px"},
            )
            controls.append(_labelled(word(key, lang), widget, 150))
    return html.Fieldset(
        [
            html.Legend(word(f"effect_{effect}", lang)),
            *controls,
            html.Div(id=control_id(effect, "error"), style={"color": "#b00"}),
        ],
        style=_BLOCK,
    )


def _labelled(label: str, widget: Any, width: int) -> html.Div:
    return html.Div(
        [html.Label(label, style={"fontSize": "12px", "display": "block"}), widget],
        style={
            "display": "inline-block",
            "verticalAlign": "top",
            "width": f"{width}px",
            "marginRight": "10px",
        },
    )


def scenario_page(ex: Explorer) -> html.Div:
    """The effects set with controls; P(met) of every target against the baseline; save as a TOML file."""
    lang = ex.lang
    shown = [
        {"label": word("province_only", lang), "value": "province"},
        {"label": word("all_regions", lang), "value": "all"},
    ]
    return html.Div(
        [
            html.H4(word("effects", lang)),
            *(_effect_block(ex, effect) for effect in CONTROLS),
            html.Div(
                [
                    _labelled(
                        word("scenario_name", lang),
                        dcc.Input(id="scenario-name", value="explorer", debounce=True),
                        200,
                    ),
                    _labelled(
                        word("save_as", lang, folder=ex.out),
                        dcc.Input(id="save-filename", value="explorer.toml"),
                        320,
                    ),
                    dcc.Checklist(
                        id="save-overwrite",
                        options=[{"label": " " + word("replace", lang), "value": "yes"}],
                        value=["yes"] if ex.overwrite else [],  # serve --overwrite
                        inline=True,
                    ),
                    html.Button(
                        word("save", lang), id="save-button", n_clicks=0, style={"marginLeft": "10px"}
                    ),
                    html.Div(id="save-message"),
                ],
                style=_BLOCK,
            ),
            html.Div(id="scenario-error", style={"color": "#b00", "whiteSpace": "pre-wrap"}),
            html.Div(id="scenario-status", style={"margin": "6px 0", "color": "#555"}),
            dcc.RadioItems(id="scenario-regions", options=shown, value="province", inline=True),
            table(
                "scenario-table",
                ["indicator", "name", "region_name", "p_baseline", "p_scenario", "change", "change_se"],
                lang,
            ),
        ]
    )


def planning_page(ex: Explorer) -> html.Div:
    """Next year's targets at a chosen confidence (planning.next_year_targets, as the bulletin shows them)."""
    return html.Div(
        [
            html.Label(word("confidence", ex.lang)),
            dcc.Dropdown(
                id="planning-prob",
                options=[{"label": f"{p:.0%}", "value": p} for p in CONFIDENCES],
                value=0.8,
                clearable=False,
                style={"width": "160px"},
            ),
            html.Div(id="planning-content"),
        ]
    )
