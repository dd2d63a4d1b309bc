"""Isotonic regression of outcomes on forecast probabilities, with ties pooled.

Shared by the recalibration maps (``calibration``) and the CORP reliability diagram
(``metrics``), so that both pool equal probabilities the same way.
"""

from __future__ import annotations

import numpy as np
from scipy import optimize


def pooled_isotonic(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Non-decreasing least-squares fit of ``y`` on ``x``, one value per distinct ``x``.

    Parameters
    ----------
    x : ndarray of shape (n,)
        Forecast probabilities (finite).
    y : ndarray of shape (n,)
        Outcomes (0/1, or any finite values).

    Returns
    -------
    values : ndarray of shape (k,)
        The distinct values of ``x``, increasing.
    fitted : ndarray of shape (k,)
        The fit at each: the pool-adjacent-violators solution of
        :func:`scipy.optimize.isotonic_regression` on the mean of ``y`` at each distinct ``x``,
        weighted by its count (the pooling of ties of Dimitriadis et al. 2021 and of
        scikit-learn's ``IsotonicRegression``).
    counts : ndarray of shape (k,)
        How many pairs share each value.

    Examples
    --------
    >>> values, fitted, counts = pooled_isotonic(np.array([0.2, 0.2, 0.5, 0.8]), np.array([1.0, 0, 0, 1]))
    >>> values.tolist(), fitted.tolist(), counts.tolist()
    ([0.2, 0.5, 0.8], [0.3333333333333333, 0.3333333333333333, 1.0], [2, 1, 1])
    """
    values, inverse, counts = np.unique(x, return_inverse=True, return_counts=True)
    means = np.bincount(inverse, weights=y) / counts
    return values, optimize.isotonic_regression(means, weights=counts.astype(float)).x, counts
