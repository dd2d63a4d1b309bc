"""The explorer's callbacks: route, filter, draw a target, re-run the scenario, save it, plan."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

import dash
from dash import Input, Output, State, html

from .._core.exceptions import DataValidationError
from ..plots import fan_chart, first_passage_chart
from ._explorer import Explorer
from ._figures import png
from ._layout import CELL, planning_page, scenario_page, table, table_page, target_page
from ._scenario_form import CONTROLS, control_id, control_ids, save_scenario, scenario_data
from ._words import word

_CONTROLS = control_ids()
_INPUTS = [Input(control_id(e, k), "value") for e, k in _CONTROLS]


def register(app: dash.Dash, ex: Explorer) -> None:
    """Attach the explorer's callbacks to ``app``."""
    lang = ex.lang

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def route(path: str | None, search: str | None) -> Any:
        if path == "/target":
            return target_page(ex, parse_qs((search or "").lstrip("?")).get("id", [None])[0])
        if path == "/scenario":
            return scenario_page(ex)
        if path == "/planning":
            return planning_page(ex)
        if path not in (None, "", "/"):
            return html.Div(
                [html.P(word("unknown_page", lang, path=path), id="unknown-page"), table_page(ex)]
            )
        return table_page(ex)

    @app.callback(
        Output("attainment-table", "data"),
        Input("filter-item", "value"),
        Input("filter-region", "value"),
        Input("filter-status", "value"),
    )
    def attainment(items: list[str], regions: list[str], statuses: list[str]) -> list[dict[str, Any]]:
        t = ex.attainment()
        for column, chosen in (("indicator", items), ("region", regions), ("status", statuses)):
            if chosen:
                t = t[t[column].isin(chosen)]
        return t.to_dict("records")

    @app.callback(Output("target-content", "children"), Input("target-indicator", "value"))
    def target(indicator: str) -> Any:
        result = ex.runner.baseline
        parts: list[Any] = [
            html.H4(word("fan", lang)),
            html.Img(id="fan-chart", src=png(lambda ax: fan_chart(result, indicator, ax=ax, lang=lang))),
            html.H4(word("first_passage", lang)),
        ]
        try:
            src = png(lambda ax: first_passage_chart(result.summary, indicator, ax=ax, lang=lang), (7.0, 3.0))
            parts.append(html.Img(id="first-passage-chart", src=src))
        except ValueError as err:  # an annual mean has no first passage
            parts.append(html.P(word("no_first_passage", lang, why=ex.message(str(err)))))
        rows = ex.attainment()
        rows = rows[rows["indicator"] == indicator]
        keys = ["region_name", "target", "observed", "p_met", "p_met_se", "median", "status_word"]
        parts += [
            html.H4(word("prefectures", lang)),
            table("target-regions", keys, lang, data=rows.to_dict("records")),
        ]
        changes, note = ex.changes()
        parts += [html.H4(word("changes", lang)), html.P(note, id="changes-note")]
        if changes is not None:
            mine = ex.with_names(changes[changes["indicator"] == indicator].reset_index(drop=True))
            keys = [
                "region_name",
                "p_from",
                "p_to",
                "change",
                "revisions",
                "news",
                "settings",
                "noise",
                "noise_se",
            ]
            shown = mine[["indicator", *keys]].round(4).to_dict("records")
            columns = [{"name": word("region", lang) if k == "region_name" else k, "id": k} for k in keys]
            # dash generates its components at import: its types do not list them
            parts.append(dash.dash_table.DataTable(id="target-changes", columns=columns, data=shown))  # type: ignore[attr-defined]
        return parts

    @app.callback(
        Output("scenario-table", "data"),
        Output("scenario-status", "children"),
        Output("scenario-error", "children"),
        *(Output(control_id(e, "error"), "children") for e in CONTROLS),
        *_INPUTS,
        Input("scenario-name", "value"),
        Input("scenario-regions", "value"),
    )
    def rerun(*values: Any) -> Any:
        *controls, name, shown = values
        data = scenario_data(dict(zip(_CONTROLS, controls, strict=True)), name=name or "", year=ex.year)
        try:
            scenario = ex.scenario(data)
        except DataValidationError as err:
            message = ex.message(str(err))
            return (
                dash.no_update,
                dash.no_update,
                word("refused", lang) + message,
                *_in_place(message, data),
            )
        frame, seconds, n = ex.recompute(scenario)
        if shown == "province":
            frame = frame[frame["region"] == "province"]
        status = (
            word("status_baseline", lang)
            if scenario.name == "baseline"
            else word(
                "status_line",
                lang,
                n=n,
                series=len(frame),
                draws=ex.n_draws,
                seconds=seconds,
                name=scenario.name,
            )
        )
        return (frame.to_dict("records"), status, "", *([""] * len(CONTROLS)))

    @app.callback(
        Output("save-message", "children"),
        Input("save-button", "n_clicks"),
        *(State(control_id(e, k), "value") for e, k in _CONTROLS),
        State("scenario-name", "value"),
        State("save-filename", "value"),
        State("save-overwrite", "value"),
        prevent_initial_call=True,
    )
    def save(_clicks: int, *values: Any) -> str:
        *controls, name, filename, overwrite = values
        data = scenario_data(dict(zip(_CONTROLS, controls, strict=True)), name=name or "", year=ex.year)
        try:
            ex.scenario(data)  # the file is written only if the loader would accept it
            if not data["effects"]:
                raise DataValidationError(
                    "No effect is on: the baseline needs no file (nothing was written)."
                )
            path = save_scenario(data, ex.out, filename, overwrite=bool(overwrite))
        except DataValidationError as err:
            return word("refused", lang) + ex.message(str(err))
        return word("saved", lang, path=path, draws=ex.n_draws, seed=ex.seed)

    @app.callback(Output("planning-content", "children"), Input("planning-prob", "value"))
    def planning(prob: float) -> Any:
        header, rows = ex.next_year(prob)
        columns = [{"name": name, "id": str(i)} for i, name in enumerate(header)]
        data = [{str(i): text for i, text in enumerate(row)} for row in rows]
        return dash.dash_table.DataTable(  # type: ignore[attr-defined]  # generated by dash at import
            id="planning-table", columns=columns, data=data, sort_action="native", style_cell=CELL
        )


def _in_place(message: str, data: dict[str, Any]) -> list[str]:
    """The lines of a loader message about each effect block (``effects[i]``: the i-th effect on)."""
    on = [effect["type"] for effect in data["effects"]]
    lines = {effect: [] for effect in CONTROLS}  # type: dict[str, list[str]]
    for line in message.splitlines():
        found = re.search(r"'effects\[(\d+)\]", line)
        if found and int(found[1]) < len(on):
            lines[on[int(found[1])]].append(line.strip(" -"))
    return ["\n".join(lines[effect]) for effect in CONTROLS]
