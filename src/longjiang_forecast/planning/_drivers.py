"""Risk drivers: how much P(all met) would rise if one target were certain, read on the joint paths."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.schema import PROVINCE, SERIES
from . import _kernels
from ._common import ForecastLike, deadline_index, forecast_ok, joint_paths, provenance, sign_of

#: Which targets form the list whose "all met" is asked about.
Scope = Literal["province", "prefectures", "all"]
_SCOPES = ("province", "prefectures", "all")
#: Deadline month of the outdoor items (due 31 October in the built-in lists).
OUTDOOR_MONTH = 10


def risk_drivers(
    forecast: ForecastLike, *, scope: Scope = "province", deadline_month: int | None = None
) -> xr.Dataset:
    """Which targets drive the chance that a list of targets is not met in full.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`: ``paths`` (draw, series,
        month), ``state`` and ``summary`` are read.
    scope : {"province", "prefectures", "all"}, default "province"
        The targets of the list: the province rows (the list as the
        commission judges it; its P(all met) is the portfolio's), every
        prefecture row, or both. A prefecture asked for nothing (status
        "no share": a target of 0) is left out.
    deadline_month : int, optional
        Keep only the targets whose deadline falls in that calendar month
        (1..12): 10 for the outdoor items due by the end of October
        (:data:`OUTDOOR_MONTH`; 18c, due 20 October, included). Default:
        every deadline.

    Returns
    -------
    xarray.Dataset
        dim ``series`` (the targets of the list with a forecast, coords
        ``indicator`` and ``region``), sorted by ``risk_rank``. Variables:

        - ``p_met`` (series): P(target met at its deadline);
        - ``gain_p_all`` (series, probability): P(all met if this target were
          met in every path) − P(all met); ``gain_p_all_se`` its Monte Carlo
          standard error ``sqrt(g (1 − g) / n_draws)`` (a share of paths);
        - ``share_not_all_met`` (series, probability): its share of
          P(not all met), ``E[1(j missed) / F]`` with ``F`` the number of
          targets missed in the path; they sum to ``1 − p_all_met``;
        - ``expected_missed`` (series, targets): its contribution to the
          expected number of targets missed, ``1 − p_met``; they sum to
          ``expected_n_missed``;
        - ``risk_rank`` (series, int): 1 = largest ``gain_p_all``, ties
          broken by ``share_not_all_met``, then ``expected_missed``;
        - ``deadline_month`` (series: the deadline's calendar month), ``name_zh``,
          ``name_en`` (series);
        - ``p_all_met`` (scalar) and its Monte Carlo standard error
          ``p_all_met_se``; ``expected_n_missed`` (scalar, targets).

        attrs: ``scope``, ``deadline_month`` (0 = every deadline),
        ``n_targets``, ``excluded`` (targets of the scope without a forecast,
        ``;``-separated ``indicator@region``), ``n_draws``, provenance.

    Raises
    ------
    ValueError
        If ``scope`` is unknown or ``deadline_month`` is not an int in 1..12.
    DataValidationError
        If no target of the scope (and deadline month) has a forecast.

    Warns
    -----
    ForecastWarning
        If the forecast keeps fewer than :data:`~._common.MIN_JOINT_PATHS` (100) paths.

    Notes
    -----
    With ``F(d)`` the number of targets missed in path ``d``, forcing target
    ``j`` to be met turns a path with all met only where ``j`` was the only
    miss, so ``gain_p_all_j = P(j missed and every other target met)`` --
    Birnbaum's reliability importance of a component of a series system,
    computed on the joint paths without recounting; the tests check it
    against forcing each target in turn and recounting. When several targets
    fail in nearly every path (P(all met) near 0), no single one can raise
    P(all met) and every gain is 0; the order is then set by
    ``share_not_all_met``: in each path that misses, the blame is split
    equally among the ``F`` targets missed. That is the Shapley value of
    target ``j`` in the game "securing a set of targets makes the list met
    in full" (in one path a unanimity game on the missed targets, whose
    Shapley value is ``1/F`` each), averaged over the paths.

    References
    ----------
    Birnbaum, Z. W. (1969). On the importance of different components in a
    multicomponent system. In *Multivariate Analysis II*, 581-592.

    Shapley, L. S. (1953). A value for n-person games. In *Contributions to
    the Theory of Games II*, 307-317.
    """
    if scope not in _SCOPES:
        raise ValueError(
            f"The 'scope' parameter of risk_drivers must be one of {list(_SCOPES)}. Got {scope!r}."
        )
    if deadline_month is not None and (
        isinstance(deadline_month, bool)
        or not isinstance(deadline_month, int)
        or not 1 <= deadline_month <= 12
    ):
        raise ValueError(
            "The 'deadline_month' parameter of risk_drivers must be an int in 1..12 or None. "
            f"Got {deadline_month!r}."
        )
    state = forecast.state
    region = state["region"].values.astype(str)
    # the calendar month of the deadline (18c, due 20 October, is an October item), not the month of
    # the report it is judged on (``state["deadline_month"]``: September for a deadline before the 25th)
    month = pd.DatetimeIndex(state["deadline"].values).month.to_numpy(int)
    wanted = {"province": region == PROVINCE, "prefectures": region != PROVINCE}.get(
        scope, np.ones(region.size, bool)
    )
    if deadline_month is not None:
        wanted &= month == deadline_month
    # a prefecture asked for nothing (status "no share", a target of 0) is no target of its list
    # (Jixi read "15.8 of 26 expected missed" with 3 such rows among the 26)
    if "status" in forecast.summary:
        wanted &= forecast.summary["status"].values.astype(str) != "no share"
    ok = forecast_ok(forecast)
    chosen = np.flatnonzero(wanted & ok)
    if chosen.size == 0:
        due = sorted(set(month[(region == PROVINCE) & ok].tolist()))
        raise DataValidationError(
            f"No target with a forecast in scope {scope!r}"
            + (f" is due in month {deadline_month}" if deadline_month is not None else "")
            + f". Months with province deadlines: {due}. Pick another scope or deadline month."
        )
    indicator = state["indicator"].values.astype(str)
    met = _kernels.met_at_deadline(
        joint_paths(forecast, "risk_drivers")[:, chosen, :],
        state["target"].values.astype(float)[chosen],
        sign_of(state["comparator"].values[chosen]),
        deadline_index(state)[chosen],
    )
    n_draws = met.shape[0]
    p_all = float(met.all(axis=1).mean())
    # one item holding every target: gain_if_certain is then P(j the only miss)
    gain = _kernels.gain_if_certain(met, np.zeros(chosen.size, dtype=int), 1)
    missed = 1.0 - met.mean(axis=0)
    n_missed = (~met).sum(axis=1, keepdims=True)
    blame = (~met / np.maximum(n_missed, 1)).mean(axis=0)
    order = np.lexsort((-missed, -blame, -gain))
    rank = np.empty(chosen.size, dtype=int)
    rank[order] = np.arange(1, chosen.size + 1)
    excluded = [f"{i}@{r}" for i, r in zip(indicator[wanted & ~ok], region[wanted & ~ok], strict=True)]
    out = xr.Dataset(
        {
            "p_met": (SERIES, 1.0 - missed),
            "gain_p_all": (SERIES, gain),
            "gain_p_all_se": (SERIES, np.sqrt(gain * (1 - gain) / n_draws)),
            "share_not_all_met": (SERIES, blame),
            "expected_missed": (SERIES, missed),
            "risk_rank": (SERIES, rank),
            "deadline_month": (SERIES, month[chosen]),
            "name_zh": (SERIES, state["name_zh"].values[chosen].astype(object)),
            "name_en": (SERIES, state["name_en"].values[chosen].astype(object)),
            "p_all_met": ((), p_all),
            "p_all_met_se": ((), float(np.sqrt(p_all * (1 - p_all) / n_draws))),
            "expected_n_missed": ((), float(missed.sum())),
        },
        coords={
            SERIES: state[SERIES].values[chosen],
            "indicator": (SERIES, indicator[chosen].astype(object)),
            "region": (SERIES, region[chosen].astype(object)),
        },
        attrs=provenance(
            forecast,
            scope=scope,
            deadline_month=deadline_month or 0,
            n_targets=int(chosen.size),
            n_draws=n_draws,
            excluded=";".join(excluded),
            definition=(
                "gain_p_all = P(all targets of the scope met | this one met in every path) - P(all met) "
                "= P(this the only target missed); share_not_all_met = E[1(missed) / targets missed] "
                "(Shapley); expected_missed = 1 - P(met)"
            ),
            units_gain_p_all="probability",
            units_expected_missed="targets",
        ),
    )
    return out.isel({SERIES: order})


__all__ = ["OUTDOOR_MONTH", "risk_drivers"]
