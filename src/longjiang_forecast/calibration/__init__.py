"""Recalibration of attainment probabilities fitted on backtest results (isotonic or beta)."""

from ._recalibrate import METHODS, Recalibrator, cross_recalibrate, load_recalibrator

__all__ = ["METHODS", "Recalibrator", "cross_recalibrate", "load_recalibrator"]
