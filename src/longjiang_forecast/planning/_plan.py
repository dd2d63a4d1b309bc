"""All planning answers of one forecast, bundled for the bulletin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from ._common import ForecastLike, check_forecast
from ._drivers import OUTDOOR_MONTH, risk_drivers
from ._next_year import DEFAULT_PROBS, next_year_targets
from ._next_year_list import list_confidence
from ._pace import DEFAULT_PACE_PROB, required_pace
from ._portfolio import portfolio
from ._ranks import rank_probabilities
from ._schedule import PlanLike, prefecture_ranking, schedule_performance

#: The per-target confidence whose whole-list figures the bundle (and the bulletin) carries.
LIST_CONFIDENCE = 0.8


@dataclass(frozen=True, slots=True, kw_only=True)
class Planning:
    """The planning answers of one forecast.

    Attributes
    ----------
    portfolio : xarray.Dataset
        See :func:`portfolio`.
    pace : xarray.Dataset
        See :func:`required_pace`.
    next_year : xarray.Dataset
        See :func:`next_year_targets`.
    schedule : xarray.Dataset
        See :func:`schedule_performance`.
    ranking : pandas.DataFrame or None
        See :func:`prefecture_ranking`; None when the forecast has no
        prefecture series with an SPI(t).
    ranks, ranks_spi : xarray.Dataset or None
        See :func:`rank_probabilities`, by share of the target at the
        deadline and by SPI(t) now; None with fewer than two prefectures.
    drivers : xarray.Dataset
        See :func:`risk_drivers`: the province rows (the list).
    drivers_outdoor : xarray.Dataset or None
        The same for the province rows due in October (:data:`OUTDOOR_MONTH`);
        None when none is due then.
    drivers_prefectures : xarray.Dataset or None
        :func:`risk_drivers` over every prefecture row; None without any.
    next_year_list : xarray.Dataset or None
        :func:`list_confidence` of next year's proposals at :data:`LIST_CONFIDENCE` (every target
        at 80 %: P(whole list met), targets expected missed, the per-target confidence for a whole
        list met with 70 %); None where 0.8 is not among ``probs`` or nothing is proposed.
    """

    portfolio: xr.Dataset
    pace: xr.Dataset
    next_year: xr.Dataset
    schedule: xr.Dataset
    ranking: pd.DataFrame | None
    ranks: xr.Dataset | None
    ranks_spi: xr.Dataset | None
    drivers: xr.Dataset
    drivers_outdoor: xr.Dataset | None
    drivers_prefectures: xr.Dataset | None
    next_year_list: xr.Dataset | None = None


def plan(
    forecast: ForecastLike,
    progress: xr.Dataset | None = None,
    *,
    pace_prob: float = DEFAULT_PACE_PROB,
    probs: Sequence[float] = DEFAULT_PROBS,
    schedule_plan: PlanLike = None,
) -> Planning:
    """Compute every planning answer of a forecast.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`.
    progress : xarray.Dataset, optional
        The progress data of the forecast; its earlier years give next
        year's trend (see :func:`next_year_targets`).
    pace_prob : float, default 0.8
        Probability of the required pace, in (0, 1).
    probs : sequence of float, default (0.5, 0.7, 0.8, 0.9)
        Probabilities of next year's targets.
    schedule_plan : {"model", "flat"}, xarray.DataArray or None
        Planned trajectory of SPI(t), see :func:`planned_share`.

    Returns
    -------
    Planning

    Raises
    ------
    ValueError
        If a probability is not in (0, 1).
    DataValidationError
        If the forecast has no province series (no portfolio).

    Examples
    --------
    >>> import longjiang_forecast as lf
    >>> from longjiang_forecast.planning import plan
    >>> from longjiang_forecast.testing import synthetic_progress
    >>> cat = lf.load_catalog(2024).subset(["09a", "15a"])
    >>> progress = synthetic_progress(cat, seed=0)
    >>> result = lf.forecast(progress, cat, n_draws=200, seed=0)
    >>> answers = plan(result, progress)
    >>> int(answers.portfolio.attrs["n_items"])
    2
    """
    check_forecast(forecast, "plan")
    sched = schedule_performance(forecast, plan=schedule_plan)
    proposals = next_year_targets(forecast, progress, probs=probs)
    return Planning(
        portfolio=portfolio(forecast),
        pace=required_pace(forecast, prob=pace_prob),
        next_year=proposals,
        next_year_list=_whole_list(forecast, proposals),
        schedule=sched,
        ranking=_or_none(prefecture_ranking, forecast, schedule=sched),
        ranks=_or_none(rank_probabilities, forecast, by="share", plan=schedule_plan),
        ranks_spi=_or_none(rank_probabilities, forecast, by="spi", plan=schedule_plan),
        drivers=risk_drivers(forecast),
        drivers_outdoor=_or_none(risk_drivers, forecast, deadline_month=OUTDOOR_MONTH),
        drivers_prefectures=_or_none(risk_drivers, forecast, scope="prefectures"),
    )


def _whole_list(forecast: ForecastLike, proposals: xr.Dataset) -> xr.Dataset | None:
    """:func:`list_confidence` of the proposals at :data:`LIST_CONFIDENCE`; None where not proposed at it."""
    try:
        return list_confidence(forecast, proposals, LIST_CONFIDENCE)
    except ValueError:  # not proposed at it, or no proposal of the list has a value
        return None


def _or_none(func: Any, *args: Any, **kwargs: Any) -> Any:
    """``func(*args, **kwargs)``, or None where the forecast has nothing for it (DataValidationError)."""
    try:
        return func(*args, **kwargs)
    except DataValidationError:
        return None


__all__ = ["Planning", "plan"]
