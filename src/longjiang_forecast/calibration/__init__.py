"""Recalibration of attainment probabilities fitted on backtest results (isotonic or beta)."""

from ._recalibrate import (
    METHODS,
    MIN_FORECASTS,
    MIN_PER_CLASS,
    Recalibrator,
    cross_recalibrate,
    load_recalibrator,
)

__all__ = [
    "METHODS",
    "MIN_FORECASTS",
    "MIN_PER_CLASS",
    "Recalibrator",
    "cross_recalibrate",
    "load_recalibrator",
]
