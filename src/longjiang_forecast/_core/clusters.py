"""Points in groups that share an effect: how much they share, how many independent points they are.

The prefecture-years of one year share that year's province-wide effect (funds, an early winter), so
13 prefectures' figures of one year are closer to one year of evidence than to thirteen. The
seasonal-share model's attainment prior and the growth factor of next year's targets both count
their evidence in years this way.
"""

from __future__ import annotations

import numpy as np

#: Prior intra-class correlation of the points of one group (how much of a year's spread is
#: province-wide), pooled with the estimate as one more group.
PRIOR_ICC = 0.5


def year_icc(x: np.ndarray, groups: np.ndarray) -> float:
    """Share of the spread of ``x`` that its groups (years) have in common: the intra-class correlation.

    One-way analysis of variance with unequal group sizes (Searle, Casella & McCulloch 1992,
    *Variance Components*, §3.6: ``σ_b² = (MSB − MSW) / n0``), the estimate pooled with a prior
    correlation of :data:`PRIOR_ICC` counted as one group, so that 2-3 years that happen to agree
    or differ do not decide it alone. With one group, the prior.
    """
    names, idx, n_g = np.unique(np.asarray(groups), return_inverse=True, return_counts=True)
    n, k = x.size, names.size
    if k < 2 or n <= k:
        return PRIOR_ICC if k < 2 or n > 1 else 0.0
    means = np.bincount(idx, weights=x) / n_g
    msb = float(np.sum(n_g * (means - x.mean()) ** 2) / (k - 1))
    msw = float(np.sum((x - means[idx]) ** 2) / (n - k))
    n0 = (n - float(np.sum(n_g**2)) / n) / (k - 1)
    between = max((msb - msw) / n0, 0.0)
    icc = between / (between + msw) if between + msw > 0 else 0.0
    return ((k - 1) * icc + PRIOR_ICC) / k


def effective_n(x: np.ndarray, groups: np.ndarray, *, icc: float | None = None) -> float:
    """Effective number of independent points of ``x`` whose groups (years) share an effect.

    Kish's design effect ``1 + (m − 1) ρ`` for clusters of mean size ``m`` and intra-class
    correlation ``ρ`` (:func:`year_icc`) (Kish 1965, *Survey Sampling*, §5.4): 65 prefecture-years
    of 5 years that moved together count as about 5 points, not 65. Between the number of
    groups and the number of points. ``icc``: the correlation where the caller has it already.
    """
    n = x.size
    k = np.unique(np.asarray(groups)).size
    if n <= 1 or k == n:
        return float(n)
    deff = 1.0 + (n / k - 1.0) * (year_icc(x, groups) if icc is None else icc)
    return float(np.clip(n / deff, k, n))


__all__ = ["PRIOR_ICC", "effective_n", "year_icc"]
