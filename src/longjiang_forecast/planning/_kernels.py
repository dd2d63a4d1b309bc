"""Numpy kernels of the planning answers: arrays in, arrays out.

Arrays only (no xarray). The draw axis is axis 0; any new axis is put last.
"""

from __future__ import annotations

import numpy as np


def met_at_deadline(
    paths: np.ndarray, target: np.ndarray, sign: np.ndarray, deadline_index: np.ndarray
) -> np.ndarray:
    """Whether each path meets each series' target at its deadline.

    Parameters
    ----------
    paths : ndarray of shape (n_draws, n_series, n_months)
        Simulated values, in each indicator's unit.
    target : ndarray of shape (n_series,)
        Target values, in each indicator's unit.
    sign : ndarray of shape (n_series,)
        +1 where the comparator is ``>=``, -1 where it is ``<=``.
    deadline_index : ndarray of int, shape (n_series,)
        Month index (0-based) of the report the deadline is judged on.

    Returns
    -------
    ndarray of bool, shape (n_draws, n_series)
        NaN values count as not met (the rule of the summaries).
    """
    n_series = paths.shape[1]
    values = paths[:, np.arange(n_series), deadline_index]
    with np.errstate(invalid="ignore"):
        return sign * values >= sign * target


def item_membership(item_index: np.ndarray, n_items: int) -> np.ndarray:
    """One-hot membership matrix of series in items.

    Parameters
    ----------
    item_index : ndarray of int, shape (n_series,)
        Item (0-based) of each series.
    n_items : int
        Number of items.

    Returns
    -------
    ndarray of int64, shape (n_series, n_items)
    """
    member = np.zeros((item_index.size, n_items), dtype=np.int64)
    member[np.arange(item_index.size), item_index] = 1
    return member


def items_met(met: np.ndarray, item_index: np.ndarray, n_items: int) -> np.ndarray:
    """Whether each item is fully met in each path.

    Parameters
    ----------
    met : ndarray of bool, shape (n_draws, n_series)
        Series met at their deadlines (see :func:`met_at_deadline`).
    item_index : ndarray of int, shape (n_series,)
        Item (0-based) of each series.
    n_items : int
        Number of items (every item must hold at least one series).

    Returns
    -------
    ndarray of bool, shape (n_draws, n_items)
        True where every series of the item is met in that path.
    """
    failures = (~met).astype(np.int64) @ item_membership(item_index, n_items)
    return failures == 0


def count_distribution(n_met: np.ndarray, n_items: int) -> np.ndarray:
    """Distribution of the number of items met.

    Parameters
    ----------
    n_met : ndarray of int, shape (n_draws,)
        Items met in each path, in [0, n_items].
    n_items : int

    Returns
    -------
    ndarray of shape (n_items + 1,)
        ``pmf[k]`` = share of paths with exactly ``k`` items met; sums to 1.
    """
    return np.bincount(n_met, minlength=n_items + 1)[: n_items + 1] / n_met.shape[0]


def gain_if_certain(met: np.ndarray, item_index: np.ndarray, n_items: int) -> np.ndarray:
    """Gain in expected items met if one series were certainly met.

    Parameters
    ----------
    met : ndarray of bool, shape (n_draws, n_series)
    item_index : ndarray of int, shape (n_series,)
    n_items : int

    Returns
    -------
    ndarray of shape (n_series,)
        ``E[K | series j met in every path] − E[K]``, in items, >= 0.

    Notes
    -----
    Forcing series ``j`` to be met changes the count ``K`` of items met only in
    the paths where ``j`` is the *only* failing series of its item, and there
    by exactly one. So the gain is the share of such paths, which this kernel
    computes without recounting.
    """
    failures = (~met).astype(np.int64) @ item_membership(item_index, n_items)
    only = ~met & (failures[:, item_index] == 1)
    return only.mean(axis=0)


def rank_distribution(scores: np.ndarray) -> np.ndarray:
    """Probability of each rank, ranking by score in every path (highest = rank 1).

    Parameters
    ----------
    scores : ndarray of shape (n_draws, n_units)
        Score of each unit in each path; NaN ranks below every number.

    Returns
    -------
    ndarray of shape (n_units, n_units)
        ``p[u, k]`` = P(unit ``u`` has rank ``k + 1``). ``m`` units tied in a
        path share the ``m`` ranks they occupy, ``1/m`` each, so every row and
        every column sums to 1.
    """
    s = np.where(np.isnan(scores), -np.inf, scores)
    better = (s[:, None, :] > s[:, :, None]).sum(axis=2)  # (draw, unit): units strictly above
    tied = (s[:, None, :] == s[:, :, None]).sum(axis=2)  # itself included
    k = np.arange(s.shape[1])[None, None, :]
    inside = (k >= better[:, :, None]) & (k < (better + tied)[:, :, None])
    return (inside / tied[:, :, None]).mean(axis=0)


def p_above(scores: np.ndarray) -> np.ndarray:
    """Probability that one unit is ranked above another, ties counted one half.

    Parameters
    ----------
    scores : ndarray of shape (n_draws, n_units)
        Score of each unit in each path; NaN ranks below every number.

    Returns
    -------
    ndarray of shape (n_units, n_units)
        ``p[a, b]`` = P(score a > score b) + P(equal) / 2; ``p[a, b] + p[b, a] = 1``;
        NaN on the diagonal.
    """
    s = np.where(np.isnan(scores), -np.inf, scores)
    a, b = s[:, :, None], s[:, None, :]
    p = ((a > b) + 0.5 * (a == b)).mean(axis=0)
    np.fill_diagonal(p, np.nan)
    return p


def pace_multiplier(remaining: np.ndarray, need: np.ndarray, prob: float) -> tuple[np.ndarray, np.ndarray]:
    """Multiplier of the simulated remaining pace that meets the need with probability ``prob``.

    Parameters
    ----------
    remaining : ndarray of shape (n_draws, n_series)
        Simulated increase from the latest report to the deadline.
    need : ndarray of shape (n_series,)
        Target minus the latest report (<= 0 where already met).
    prob : float
        Probability in (0, 1).

    Returns
    -------
    multiplier : ndarray of shape (n_series,)
        ``c = need / quantile_{1−prob}(remaining)``: scaling every path's
        remaining increase by ``c`` makes exactly a share ``prob`` of them
        reach the target. 0 where ``need <= 0``; NaN where the quantile is
        not positive (no simulated progress to scale).
    mean_remaining : ndarray of shape (n_series,)
        Mean simulated remaining increase.
    """
    q = np.quantile(remaining, 1.0 - prob, axis=0)
    mean = remaining.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        c = np.where(q > 0, need / q, np.nan)
    c = np.where(need <= 0, 0.0, c)
    return c, mean


def earned_schedule(pv: np.ndarray, ev: np.ndarray, at: np.ndarray, pd: np.ndarray) -> np.ndarray:
    """Earned Schedule: the time at which the plan reaches the earned value.

    Parameters
    ----------
    pv : ndarray of shape (n_series, n_months + 1)
        Planned cumulative value after months 0..n_months (``pv[:, 0] = 0``),
        non-decreasing, in the indicator's unit.
    ev : ndarray of shape (n_series,)
        Earned value: progress reported so far, same unit (negative values
        count as 0).
    at : ndarray of shape (n_series,)
        Actual time: months elapsed at the latest report.
    pd : ndarray of int, shape (n_series,)
        Planned duration: the deadline month (1..n_months). The plan is read
        on months 0..pd only.

    Returns
    -------
    ndarray of shape (n_series,)
        ES in months, in [0, pd]. ``pd`` where ``ev`` reaches the planned
        total.

    Notes
    -----
    Lipke (2003): ``ES = C + (EV − PV_C) / (PV_{C+1} − PV_C)`` with ``C`` the
    last whole month whose planned value is at most EV, the plan taken as
    linear within a month. Where the plan is flat (a planned pause, e.g.
    winter), the times at which it equals EV form an interval; this kernel
    returns the point of that interval nearest the actual time, so a series
    exactly on its plan has ``ES = AT`` even in a pause. On a strictly
    increasing plan this is Lipke's ES.
    """
    n, m1 = pv.shape
    rows = np.arange(n)
    ev = np.maximum(np.nan_to_num(ev, nan=0.0), 0.0)
    inside = np.arange(m1)[None, :] <= pd[:, None]
    # earliest time the plan reaches ev
    reach = (pv >= ev[:, None]) & inside
    has = reach.any(axis=1)
    k1 = np.where(has, reach.argmax(axis=1), pd)
    prev = np.maximum(k1 - 1, 0)
    p0, p1 = pv[rows, prev], pv[rows, k1]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(p1 > p0, (ev - p0) / (p1 - p0), 0.0)
    early = np.where(k1 == 0, 0.0, prev + frac)
    early = np.where(has, early, pd)
    # latest time the plan is still at or below ev
    below = (pv <= ev[:, None]) & inside
    k2 = m1 - 1 - below[:, ::-1].argmax(axis=1)
    nxt = np.minimum(k2 + 1, pd)
    q0, q1 = pv[rows, k2], pv[rows, nxt]
    with np.errstate(divide="ignore", invalid="ignore"):
        frac2 = np.where(q1 > q0, (ev - q0) / (q1 - q0), 0.0)
    late = np.where(k2 >= pd, pd, k2 + frac2)
    return np.clip(at, early, np.maximum(late, early))


def nan_quantiles(values: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Quantiles of a sample, NaN ignored.

    Parameters
    ----------
    values : ndarray of shape (n,)
    levels : ndarray of shape (n_levels,)
        Probabilities in [0, 1].

    Returns
    -------
    ndarray of shape (n_levels,)
        ``numpy.nanquantile`` (linear); NaN if no finite value.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return np.full(levels.shape, np.nan)
    return np.quantile(finite, levels)


def stratified_normal(n: int) -> np.ndarray:
    """Return ``n`` stratified standard-normal points, the quantiles at ``(j − 0.5) / n``.

    Parameters
    ----------
    n : int
        Number of points (>= 1).

    Returns
    -------
    ndarray of shape (n,)
        Deterministic, symmetric around 0, rescaled to unit variance (a
        quadrature of N(0, 1); the bare midpoint quantiles have a variance
        below 1). A single point is 0.
    """
    from scipy import stats

    z = stats.norm.ppf((np.arange(n) + 0.5) / n)
    return z / z.std() if n > 1 else z
