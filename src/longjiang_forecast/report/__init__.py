"""Outputs for people: the monthly bulletin (HTML and PNG figures), the console table, the workbook.

The bulletin's names (``FIGURE_DIR``, ``HTML_NAME``, ``Bulletin``, ``render_bulletin``,
``write_bulletin``) are imported on first use (PEP 562): the bulletin draws with matplotlib, whose
import is most of a second that a command printing a table does not need (issue 14, start-up).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .._core.units import against_decimals, format_in_unit, format_value, unit_decimals, unit_label
from ._console import (
    attainment_headline,
    attainment_view,
    borderline_note,
    console_message,
    no_forecast_lines,
    render_attainment,
)
from ._format import default_language, province_first, rounded_table
from ._integrity_view import flags_text
from ._news_view import NEWS_REASONS_ZH, render_news
from ._pace_words import pace_explanations, pace_note
from ._scenario_view import format_change, render_scenarios, scenario_view
from ._scores import explain_scores, score_table
from ._track_view import render_track_record, track_view
from ._workbook import write_workbook

if TYPE_CHECKING:
    from ._bulletin import BULLETIN_FIGURES, FIGURE_DIR, HTML_NAME, Bulletin, render_bulletin, write_bulletin

_BULLETIN_NAMES = frozenset(
    {"BULLETIN_FIGURES", "FIGURE_DIR", "HTML_NAME", "Bulletin", "render_bulletin", "write_bulletin"}
)


def __getattr__(name: str) -> Any:
    """The bulletin's names, imported from ``._bulletin`` when first asked for."""
    if name in _BULLETIN_NAMES:
        value = getattr(importlib.import_module("._bulletin", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "BULLETIN_FIGURES",
    "FIGURE_DIR",
    "HTML_NAME",
    "NEWS_REASONS_ZH",
    "Bulletin",
    "against_decimals",
    "attainment_headline",
    "attainment_view",
    "borderline_note",
    "console_message",
    "default_language",
    "explain_scores",
    "flags_text",
    "format_change",
    "format_in_unit",
    "format_value",
    "no_forecast_lines",
    "pace_explanations",
    "pace_note",
    "province_first",
    "render_attainment",
    "render_bulletin",
    "render_news",
    "render_scenarios",
    "render_track_record",
    "rounded_table",
    "scenario_view",
    "score_table",
    "track_view",
    "unit_decimals",
    "unit_label",
    "write_bulletin",
    "write_workbook",
]
