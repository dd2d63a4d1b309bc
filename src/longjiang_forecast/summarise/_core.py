"""Numpy kernels of the summaries: paths in, attainment statistics out.

Arrays only; the draw axis is axis 0 and any new axis is put last.
"""

from __future__ import annotations

import numpy as np


def met(values: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Whether each value meets its target.

    Parameters
    ----------
    values : ndarray of shape (..., n_series)
        Values at the deadline.
    target : ndarray of shape (n_series,)
    sign : ndarray of shape (n_series,)
        +1 where the comparator is ``>=``, -1 where it is ``<=``.

    Returns
    -------
    ndarray of bool, same shape as ``values``. NaN values count as not met.
    """
    return sign * values >= sign * target


def attainment_probability(
    values: np.ndarray, target: np.ndarray, sign: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Monte Carlo attainment probability and its standard error.

    Parameters
    ----------
    values : ndarray of shape (n_draws, n_series)
        Simulated values at the deadline.
    target, sign : ndarray of shape (n_series,)
        See :func:`met`.

    Returns
    -------
    p : ndarray of shape (n_series,)
        Share of draws meeting the target.
    se : ndarray of shape (n_series,)
        Binomial Monte Carlo standard error ``sqrt(p (1 - p) / n_draws)``.
    """
    p = met(values, target, sign).mean(axis=0)
    return p, np.sqrt(p * (1 - p) / values.shape[0])


def first_passage_cdf(paths: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Probability that the target has been reached by the end of each month.

    Parameters
    ----------
    paths : ndarray of shape (n_draws, n_series, n_months)
    target, sign : ndarray of shape (n_series,)

    Returns
    -------
    ndarray of shape (n_series, n_months)
        Non-decreasing in month: a path counts as having reached the target by
        month m if it met it in any month up to m (first passage).
    """
    hit = met(paths, target[:, None], sign[:, None])
    return np.logical_or.accumulate(hit, axis=-1).mean(axis=0)


def expected_shortfall(values: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
    """Mean amount by which the target is missed (0 for a draw that meets it).

    Parameters
    ----------
    values : ndarray of shape (n_draws, n_series)
    target, sign : ndarray of shape (n_series,)

    Returns
    -------
    ndarray of shape (n_series,), in the indicator's unit, >= 0.
    """
    return np.maximum(sign * (target - values), 0.0).mean(axis=0)
