"""Scores of probability and ensemble forecasts.

Brier score with Murphy's decomposition, log score, CRPS, PIT, interval
coverage, interval and weighted interval scores, reliability diagrams (binned,
and CORP) with consistency bands, skill scores.

Two levels (style rule 2): the numpy kernels in ``_scores.py`` know nothing of
xarray; ``_labelled.py`` applies them to backtest Datasets (dim ``forecast``).
"""

from ._labelled import (
    BIN,
    FORECAST,
    LEVEL,
    POINT,
    corp_reliability,
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
    interval_score,
    log_score,
    pit_ensemble,
    reliability_curve,
    skill_score,
    weighted_interval_score,
)

__all__ = [
    "BIN",
    "COVERAGE_LEVELS",
    "FORECAST",
    "LEVEL",
    "POINT",
    "brier_decomposition",
    "brier_score",
    "central_interval",
    "corp_reliability",
    "crps_ensemble",
    "ensemble_scores",
    "interval_covered",
    "interval_score",
    "log_score",
    "pit_ensemble",
    "pit_histogram",
    "probability_scores",
    "reliability",
    "reliability_curve",
    "skill_score",
    "summary_table",
    "weighted_interval_score",
]
