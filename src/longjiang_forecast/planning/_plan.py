"""All planning answers of one forecast, bundled for the bulletin."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from ._common import ForecastLike
from ._next_year import DEFAULT_PROBS, next_year_targets
from ._pace import DEFAULT_PACE_PROB, required_pace
from ._portfolio import portfolio
from ._schedule import PlanLike, prefecture_ranking, schedule_performance


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
    """

    portfolio: xr.Dataset
    pace: xr.Dataset
    next_year: xr.Dataset
    schedule: xr.Dataset
    ranking: pd.DataFrame | None


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
    sched = schedule_performance(forecast, plan=schedule_plan)
    try:
        ranking: pd.DataFrame | None = prefecture_ranking(forecast, schedule=sched)
    except DataValidationError:
        ranking = None
    return Planning(
        portfolio=portfolio(forecast),
        pace=required_pace(forecast, prob=pace_prob),
        next_year=next_year_targets(forecast, progress, probs=probs),
        schedule=sched,
        ranking=ranking,
    )


__all__ = ["Planning", "plan"]
