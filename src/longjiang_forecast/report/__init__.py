"""Outputs for people: the monthly bulletin (HTML and PNG figures), the console table, the workbook."""

from ._bulletin import FIGURE_DIR, HTML_NAME, Bulletin, render_bulletin, write_bulletin
from ._console import attainment_headline, attainment_view, render_attainment
from ._format import default_language, format_value, rounded_table, unit_decimals
from ._scores import explain_scores
from ._workbook import write_workbook

__all__ = [
    "FIGURE_DIR",
    "HTML_NAME",
    "Bulletin",
    "attainment_headline",
    "attainment_view",
    "default_language",
    "explain_scores",
    "format_value",
    "render_attainment",
    "render_bulletin",
    "rounded_table",
    "unit_decimals",
    "write_bulletin",
    "write_workbook",
]
