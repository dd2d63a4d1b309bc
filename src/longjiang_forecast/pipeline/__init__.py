"""The one place where the stages meet: progress -> model -> draws -> paths -> summary.

``_forecast`` runs a forecast, ``_scenarios`` several scenarios from one fit, ``_backtest`` the
rolling-origin backtest, ``_next_year_backtest`` the backtest of next year's proposals,
``_compare`` several models on one data set; ``_results`` holds
what they return. See ``docs/design/000-layout.md``.
"""

from ..models import model_name, resolve_model
from ._backtest import BACKTEST_QUANTILES, backtest
from ._compare import COMPARE_COLUMNS, compare_models
from ._forecast import (
    DEFAULT_KEEP_PATHS,
    DRAW_CHUNK,
    KEEP_PATHS_VALUES,
    MIN_DEFAULT_KEEP_PATHS,
    RAO_BLACKWELL_DRAWS,
    check_keep_paths,
    forecast,
    kept_draws,
)
from ._next_year_backtest import (
    CALIBRATION_COLUMNS,
    PROPOSAL_COLUMNS,
    PROPOSAL_MONTHS,
    backtest_next_year,
    proposal_calibration,
)
from ._order import catalogue_order
from ._results import TABLE_COLUMNS, Backtest, Forecast, ScenarioComparison, open_forecast
from ._scenarios import ScenarioRunner, compare_scenarios

__all__ = [
    "BACKTEST_QUANTILES",
    "CALIBRATION_COLUMNS",
    "COMPARE_COLUMNS",
    "DEFAULT_KEEP_PATHS",
    "DRAW_CHUNK",
    "KEEP_PATHS_VALUES",
    "MIN_DEFAULT_KEEP_PATHS",
    "PROPOSAL_COLUMNS",
    "PROPOSAL_MONTHS",
    "RAO_BLACKWELL_DRAWS",
    "TABLE_COLUMNS",
    "Backtest",
    "Forecast",
    "ScenarioComparison",
    "ScenarioRunner",
    "backtest",
    "backtest_next_year",
    "catalogue_order",
    "check_keep_paths",
    "compare_models",
    "compare_scenarios",
    "forecast",
    "kept_draws",
    "model_name",
    "open_forecast",
    "proposal_calibration",
    "resolve_model",
]
