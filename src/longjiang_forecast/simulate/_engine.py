"""Numpy kernels of the Monte Carlo simulator: plain arrays in, paths out.

Every kernel fills an array of shape ``(n_draws, n_series, n_months)`` for one
block of draws, drawing all innovations of the block at once; the only loop is
over months where a month's draw depends on the previous month (binomial
milestones). The kernels know nothing of xarray (``_labelled.py`` adds labels).
"""

from __future__ import annotations

import numpy as np


def gamma_cumulative(
    start: np.ndarray,
    shape: np.ndarray,
    scale: np.ndarray,
    upper: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Cumulative paths with independent Gamma increments.

    Parameters
    ----------
    start : ndarray of shape (n_series,)
        Value at the start month (the last report), in the indicator's unit.
    shape : ndarray of shape (n_series, n_months) or (n_draws, n_series, n_months)
        Gamma shape of each month's increment; 0 for months that are not
        simulated (already reported), which yields a zero increment. A draw
        axis carries per-path scenario effects (a stoppage that starts in a
        random month).
    scale : ndarray of shape (n_draws, n_series)
        Gamma scale of each draw and series (one parameter draw each), in the
        indicator's unit.
    upper : ndarray of shape (n_series,)
        Upper bound of the value (``inf`` for none), e.g. 100 for a coverage in %.
    rng : numpy.random.Generator
        The block's random stream.

    Returns
    -------
    ndarray of shape (n_draws, n_series, n_months)
        ``start`` plus the running sum of increments, capped at ``upper``:
        non-decreasing along the month axis.
    """
    n_draws = scale.shape[0]
    size = shape.shape if shape.ndim == 3 else (n_draws, *shape.shape)
    paths = rng.standard_gamma(shape, size=size)
    paths *= scale[:, :, None]
    np.cumsum(paths, axis=-1, out=paths)
    paths += start[None, :, None]
    np.minimum(paths, upper[None, :, None], out=paths)
    return paths


def binomial_milestones(
    start: np.ndarray,
    total: np.ndarray,
    hazard: np.ndarray,
    first_month: np.ndarray,
    n_months: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Number of named projects done, each remaining one finishing with a monthly hazard.

    Parameters
    ----------
    start : ndarray of shape (n_series,)
        Projects done at the start month.
    total : ndarray of shape (n_series,)
        Number of projects in the programme.
    hazard : ndarray of shape (n_draws, n_series)
        Monthly probability that a remaining project is done (one draw each).
    first_month : ndarray of shape (n_series,), int
        Index (0-11) of the first simulated month; earlier months keep ``start``.
    n_months : int
        Length of the month axis (12).
    rng : numpy.random.Generator
        The block's random stream.

    Returns
    -------
    ndarray of shape (n_draws, n_series, n_months)
        Non-decreasing counts in ``[start, total]``.
    """
    n_draws, n_series = hazard.shape
    paths = np.empty((n_draws, n_series, n_months))
    done = np.broadcast_to(start, (n_draws, n_series)).astype(float)
    for m in range(n_months):
        active = m >= first_month
        new = rng.binomial((total - done).astype(np.int64), hazard)
        done = done + np.where(active[None, :], new, 0)
        paths[:, :, m] = done
    return paths


def lognormal_running_mean(
    observed: np.ndarray,
    log_mean: np.ndarray,
    year_effect: np.ndarray,
    log_sd: np.ndarray,
    day_weights: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Running (year-to-date) day-weighted mean of monthly means, unreported months log-normal.

    Parameters
    ----------
    observed : ndarray of shape (n_series, n_months)
        Reported monthly means; NaN where the month is simulated.
    log_mean : ndarray of shape (n_series, n_months)
        Mean of the log monthly mean for each calendar month (seasonal profile).
    year_effect : ndarray of shape (n_draws, n_series)
        This year's shift of the log profile (one parameter draw each).
    log_sd : ndarray of shape (n_series,)
        Standard deviation of a month's log mean around profile + year effect.
    day_weights : ndarray of shape (n_months,)
        Days in each month (the annual mean is the mean of daily means).
    rng : numpy.random.Generator
        The block's random stream.

    Returns
    -------
    ndarray of shape (n_draws, n_series, n_months)
        Year-to-date mean after each month; the last month is the annual mean.
        Always positive.
    """
    n_draws = year_effect.shape[0]
    noise = rng.standard_normal((n_draws, *observed.shape))
    noise *= log_sd[None, :, None]
    noise += log_mean[None]
    noise += year_effect[:, :, None]
    monthly = np.exp(noise, out=noise)
    reported = np.isfinite(observed)
    monthly = np.where(reported[None], observed[None], monthly)
    monthly *= day_weights
    np.cumsum(monthly, axis=-1, out=monthly)
    monthly /= np.cumsum(day_weights)
    return monthly
