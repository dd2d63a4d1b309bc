"""Rank probabilities of the prefectures, read on the joint paths instead of from point values."""

from __future__ import annotations

import json
import re
from typing import Literal

import numpy as np
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.schema import PROVINCE
from . import _kernels
from ._common import ForecastLike, deadline_index, joint_paths, provenance
from ._schedule import PlanLike, _region_names, planned_values, schedule_performance

#: Dimension of the prefectures.
REGION = "region"
#: Dimension of the ranks (1 = best).
RANK = "rank"
#: Second prefecture of a pairwise comparison.
VERSUS = "versus"
#: What a prefecture is ranked by.
RankBy = Literal["share", "spi"]
_BY = ("share", "spi")


def rank_probabilities(forecast: ForecastLike, *, by: RankBy = "share", plan: PlanLike = None) -> xr.Dataset:
    """Probability of each rank of every prefecture, on the forecast's joint paths.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`: ``paths`` (draw, series,
        month), ``state``, ``summary``, ``draws`` and ``catalog`` are read.
    by : {"share", "spi"}, default "share"
        ``"share"``: the share of the target reached at the deadline, per
        path. ``"spi"``: Earned Schedule's SPI(t) as of the forecast's month
        (see Notes for what is uncertain in it).
    plan : {"model", "flat"}, xarray.DataArray or None
        Planned trajectory of SPI(t), see
        :func:`~longjiang_forecast.planning.planned_share`; it also sets
        the series taken (those with an SPI(t)).

    Returns
    -------
    xarray.Dataset
        dims ``region`` (the prefectures with at least one series, in the
        order of their expected rank, best first), ``rank`` (1..n_regions)
        and ``versus`` (the prefectures again). Variables:

        - ``p_rank`` (region, rank): P(the prefecture has that rank); every
          row and every column sums to 1;
        - ``p_bottom3`` (region): P(rank among the last three);
          ``p_last`` (region): P(ranked last);
        - ``expected_rank``, ``most_likely_rank`` and ``p_most_likely``
          (region);
        - ``p_above`` (region, versus): P(the prefecture is ranked above the
          other one), ties counted one half; NaN on the diagonal;
        - ``p_above_next`` (region): ``p_above`` against the next prefecture
          of the order, NaN for the last;
        - ``score_median`` (region): median of the score over the paths
          (share: fraction of the target, 1 = met; SPI(t): 1 = on plan);
        - ``n_indicators`` (region), ``name_zh``, ``name_en`` (region).

        attrs: ``by``, ``definition``, ``ties``, ``certain`` (1 when every
        probability is 0 or 1: the ranks do not depend on the paths),
        ``as_of_month`` (SPI(t)'s actual time), ``n_estimated`` (series whose
        report for that month is not in, valued on the paths), ``plan``,
        ``n_draws``, ``not_ranked`` (a JSON list of ``[id, name_zh, name_en]``: the
        catalogue's prefectures without a series to rank), provenance.

    Raises
    ------
    ValueError
        If ``by`` is not "share" or "spi".
    DataValidationError
        If fewer than two prefectures have a series with an SPI(t) (counts
        or levels with a positive planned total and at least one report).

    Warns
    -----
    ForecastWarning
        If the forecast keeps fewer than :data:`~._common.MIN_JOINT_PATHS` (100) paths.

    Notes
    -----
    **Series.** A prefecture is scored on the same series as
    :func:`~longjiang_forecast.planning.prefecture_ranking`: its counts and
    levels with an SPI(t) (levels counted as the gain from last December's
    baseline). Its score in a path is the **mean over those series** (each
    target weighs the same, whatever its unit).

    **Share.** ``(X_T − origin) / (target − origin)`` with ``X_T`` the path's
    value at the deadline (the report it is judged on) and ``origin`` 0 for
    counts, the baseline for levels. Not capped at 1: overshooting one target
    makes up for part of a shortfall on another.

    **SPI(t) now.** ``ES / AT`` with ``AT`` the forecast's month and ``ES``
    the time at which the planned trajectory reaches the value at ``AT``
    (Lipke 2003). It is a function of the reported data: where every
    prefecture's report for ``AT`` is in, the ranks are certain (each
    probability 0 or 1, ``attrs["certain"] = 1``) and equal the bulletin's
    ranking. Only a report not yet in (a prefecture a month behind) is
    uncertain: its value at ``AT`` is taken from each path, the nowcast.

    **Ranks and ties.** In each path the prefectures are ordered by score,
    highest first. ``k`` prefectures tied on a score share the ranks they
    occupy, each getting ``1/k`` of each of those ranks, so rows and columns
    still sum to 1. A NaN score ranks below every number (ties with other
    NaNs); the paths hold no NaN in practice.

    References
    ----------
    Lipke, W. (2003). Schedule is different. *The Measurable News*, March
    2003, 31-34.
    """
    if by not in _BY:
        raise ValueError(f"The 'by' parameter of rank_probabilities must be one of {list(_BY)}. Got {by!r}.")
    state = forecast.state
    sched = schedule_performance(forecast, plan=plan)
    region = state["region"].values.astype(str)
    chosen = np.flatnonzero((region != PROVINCE) & np.isfinite(sched["spi_t"].values))
    regions = list(dict.fromkeys(region[chosen]))
    if len(regions) < 2:
        raise DataValidationError(
            f"Rank probabilities need at least two prefectures with an SPI(t); found {len(regions)}. "
            "Add prefecture rows of counts or levels with at least one report."
        )
    pv, origin, label = planned_values(forecast, plan)
    pv, origin = pv[chosen], origin[chosen]
    paths = joint_paths(forecast, "rank_probabilities")[:, chosen, :]
    at = _as_of_month(forecast)
    if by == "share":
        value = paths[:, np.arange(chosen.size), deadline_index(state)[chosen]]
        score, n_estimated = (value - origin) / pv[:, -1], 0
    else:
        score, n_estimated = _spi_now(paths, pv, origin, state, chosen, at)
    member = np.array([regions.index(r) for r in region[chosen]])
    counts = np.bincount(member, minlength=len(regions))
    by_region = np.stack([score[:, member == i].mean(axis=1) for i in range(len(regions))], axis=1)
    p_rank = _kernels.rank_distribution(by_region)
    expected = p_rank @ np.arange(1, len(regions) + 1)
    order = np.argsort(expected, kind="stable")
    p_rank, by_region, counts = p_rank[order], by_region[:, order], counts[order]
    ids = [regions[i] for i in order]
    above = _kernels.p_above(by_region)
    n = len(ids)
    names = _region_names(getattr(forecast, "catalog", None))
    # the catalogue's prefectures with no series to rank (none reported a count or level this year)
    not_ranked = [[r, *names[r]] for r in names if r != PROVINCE and r not in regions]
    ranks = np.arange(1, n + 1)
    return xr.Dataset(
        {
            "p_rank": ((REGION, RANK), p_rank),
            "p_bottom3": (REGION, p_rank[:, max(n - 3, 0) :].sum(axis=1)),
            "p_last": (REGION, p_rank[:, -1]),
            "expected_rank": (REGION, expected[order]),
            "most_likely_rank": (REGION, ranks[p_rank.argmax(axis=1)]),
            "p_most_likely": (REGION, p_rank.max(axis=1)),
            "p_above": ((REGION, VERSUS), above),
            "p_above_next": (REGION, np.append(np.diagonal(above, offset=1), np.nan)),
            "score_median": (REGION, np.nanmedian(by_region, axis=0)),
            "n_indicators": (REGION, counts),
            "name_zh": (REGION, np.array([names.get(r, (r, r))[0] for r in ids], dtype=object)),
            "name_en": (REGION, np.array([names.get(r, (r, r))[1] for r in ids], dtype=object)),
        },
        coords={REGION: np.array(ids, dtype=object), RANK: ranks, VERSUS: np.array(ids, dtype=object)},
        attrs=provenance(
            forecast,
            by=by,
            plan=label,
            as_of_month=at,
            n_estimated=n_estimated,
            certain=int(bool(np.all((p_rank == 0) | (p_rank == 1)))),
            n_draws=int(paths.shape[0]),
            not_ranked=json.dumps(not_ranked, ensure_ascii=False),
            definition=_DEFINITION[by],
            ties="k prefectures tied in a path share the k ranks they occupy, 1/k each",
        ),
    )


_DEFINITION = {
    "share": "score of a prefecture in a path = mean over its count and level series of "
    "(value at the deadline - origin) / (target - origin); rank 1 = highest",
    "spi": "score of a prefecture in a path = mean over its count and level series of SPI(t) = ES / AT "
    "at the forecast's month AT (reported value, or the path's where that report is not in); "
    "rank 1 = highest",
}


def _as_of_month(forecast: ForecastLike) -> int:
    """Month (1..12) of the forecast: its ``as_of`` (YYYY-MM) in the list's year, else the latest report's."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", str(forecast.summary.attrs.get("as_of", "")))
    year = forecast.state.attrs.get("year")
    if match and (year is None or int(match.group(1)) == int(year)):
        return int(match.group(2))
    return int(forecast.state["last_month"].values.max())


def _spi_now(
    paths: np.ndarray, pv: np.ndarray, origin: np.ndarray, state: xr.Dataset, chosen: np.ndarray, at: int
) -> tuple[np.ndarray, int]:
    """SPI(t) at month ``at`` per path (n_draws, n_chosen), and the number of series valued on the paths."""
    n_draws, n = paths.shape[0], chosen.size
    last_month = state["last_month"].values.astype(int)[chosen]
    dl = np.clip(state["deadline_month"].values.astype(int)[chosen], 1, 12)
    ev = np.broadcast_to(state["last_value"].values.astype(float)[chosen] - origin, (n_draws, n)).copy()
    late = last_month < at
    ev[:, late] = paths[:, late, at - 1] - origin[late]
    es = np.empty((n_draws, n))
    times = np.full(n, float(at))
    es[:, ~late] = _kernels.earned_schedule(np.nan_to_num(pv[~late]), ev[0, ~late], times[~late], dl[~late])
    if late.any():
        k = int(late.sum())
        flat = _kernels.earned_schedule(
            np.tile(np.nan_to_num(pv[late]), (n_draws, 1)),
            ev[:, late].reshape(-1),
            np.full(n_draws * k, float(at)),
            np.tile(dl[late], n_draws),
        )
        es[:, late] = flat.reshape(n_draws, k)
    return es / at, int(late.sum())


__all__ = ["RANK", "REGION", "VERSUS", "rank_probabilities"]
