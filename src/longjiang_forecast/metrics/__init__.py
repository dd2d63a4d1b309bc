"""Scores of probability and ensemble forecasts.

Brier score with Murphy's decomposition, log score, CRPS, PIT, interval
coverage, reliability diagrams with consistency bands, skill scores.

Two levels (style rule 2): the numpy kernels in ``_scores.py`` know nothing of
xarray; ``_labelled.py`` applies them to backtest Datasets (dim ``forecast``).
"""

from ._labelled import (
    BIN,
    FORECAST,
    LEVEL,
    ensemble_scores,
    pit_histogram,
    probability_scores,
    reliability,
    summary_table,
)
from ._scores import (
    COVERAGE_LEVELS,
    brier_decomposition,
    brier_score,
    central_interval,
    crps_ensemble,
    interval_covered,
    log_score,
    pit_ensemble,
    reliability_curve,
    skill_score,
)

__all__ = [
    "BIN",
    "COVERAGE_LEVELS",
    "FORECAST",
    "LEVEL",
    "brier_decomposition",
    "brier_score",
    "central_interval",
    "crps_ensemble",
    "ensemble_scores",
    "interval_covered",
    "log_score",
    "pit_ensemble",
    "pit_histogram",
    "probability_scores",
    "reliability",
    "reliability_curve",
    "skill_score",
    "summary_table",
]
