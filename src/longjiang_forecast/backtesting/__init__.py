"""Rolling-origin backtest, data side: origins, truncation to what was known, outcomes, fit cache.

``longjiang_forecast.backtest`` (in ``pipeline.py``) runs the model at each
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

__all__ = [
    "DEFAULT_AS_OF_MONTHS",
    "FORECAST",
    "LEVEL",
    "FitCache",
    "ProgressCounter",
    "assemble",
    "data_digest",
    "outcomes",
    "plan_origins",
    "resolve_history",
    "truncate",
]
