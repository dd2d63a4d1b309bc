"""Rolling-origin backtest, data side: origins, truncation, outcomes, fit cache, what the scores say.

What the scores say: the models scored on fewer forecasts than others, and where
recalibration made the forecasts worse out of sample.

``longjiang_forecast.backtest`` (in ``pipeline/_backtest.py``) runs the model at each
origin; this package holds the pieces that need no model (style rule 1).
"""

from ._origins import (
    DEFAULT_AS_OF_MONTHS,
    FORECAST,
    LEVEL,
    FitCache,
    ProgressCounter,
    assemble,
    data_digest,
    outcomes,
    plan_origins,
    resolve_history,
    truncate,
)
from ._verdicts import FewerScored, fewer_scored, recalibration_verdicts, scored

__all__ = [
    "DEFAULT_AS_OF_MONTHS",
    "FORECAST",
    "LEVEL",
    "FewerScored",
    "FitCache",
    "ProgressCounter",
    "assemble",
    "data_digest",
    "fewer_scored",
    "outcomes",
    "plan_origins",
    "recalibration_verdicts",
    "resolve_history",
    "scored",
    "truncate",
]
