"""Figures on matplotlib: ``ax=None`` in, the Axes out, never ``plt.show()``; nothing computed here."""

from ._calibration import corp_reliability_diagram, pit_histogram, reliability_diagram
from ._fonts import CJKFontWarning, find_cjk_font
from .fan_chart import fan_chart
from .first_passage import first_passage_chart, first_passage_pmf
from .heatmap import heatmap
from .portfolio import portfolio_chart
from .ranking import ranking_chart
from .risk_drivers import risk_driver_chart
from .scenario import COMPARISON_COLUMNS, scenario_chart

__all__ = [
    "COMPARISON_COLUMNS",
    "CJKFontWarning",
    "corp_reliability_diagram",
    "fan_chart",
    "find_cjk_font",
    "first_passage_chart",
    "first_passage_pmf",
    "heatmap",
    "pit_histogram",
    "portfolio_chart",
    "ranking_chart",
    "reliability_diagram",
    "risk_driver_chart",
    "scenario_chart",
]
