"""Exceptions raised by longjiang_forecast.

Every error subclasses the builtin a caller would expect, so that
``except ValueError`` keeps working (the scikit-learn convention).
"""

from __future__ import annotations


class DataValidationError(ValueError):
    """Input data (a catalogue, a progress file, parameter draws) is malformed.

    The message names the file, row or field, what was wrong and how to fix it.
    """


class NothingToForecastError(DataValidationError):
    """No series of the as-of year has a target and reports to forecast from."""


class NotFittedError(ValueError, AttributeError):
    """A model was used before :meth:`fit` was called."""


class ForecastWarning(UserWarning):
    """A forecast was produced, but on weaker ground than usual (e.g. no history)."""


class ConvergenceWarning(ForecastWarning, RuntimeWarning):
    """A Bayesian fit failed its convergence diagnostics (R-hat, ESS or divergences).

    The draws are still returned, but they should not be trusted until the fit is
    rerun with more tuning, more draws, or a simpler model.
    """
