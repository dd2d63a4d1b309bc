"""Planning answers from a forecast's joint paths: portfolio, required pace, next year's targets, SPI(t).

Every function reads a :class:`longjiang_forecast.Forecast` (its ``paths``,
``state``, ``summary``, ``draws`` and ``catalog``) and returns an xarray or
pandas object whose ``attrs`` say how it was made. See ``docs/planning.md``.

- :func:`portfolio`: how many of the list's items are fully met, P(all met),
  and the indicators that drive the risk.
- :func:`required_pace`: the monthly rate that reaches each target with a
  chosen probability (80 % by default), against the recent run rate.
- :func:`next_year_targets`: next year's value met with 50/70/80/90 %
  probability, from this year's capacity and its trend.
- :func:`next_year_catalog` and :func:`list_confidence`: next year's list as a
  catalogue at one confidence, and what committing to all of it costs.
- :func:`schedule_performance` and :func:`prefecture_ranking`: Earned
  Schedule's SPI(t) against the planned trajectory, ranked by prefecture.
- :func:`rank_probabilities`: P(each rank) of every prefecture, by share of
  the target at the deadline or by SPI(t) now, on the joint paths.
- :func:`risk_drivers`: how much P(all met) would rise if one target were
  certain, and each target's share of the expected number missed.
- :func:`plan`: all of the above, bundled as :class:`Planning`.
"""

from ._drivers import OUTDOOR_MONTH, risk_drivers
from ._next_year import DEFAULT_GROWTH, DEFAULT_PROBS, GrowthLaw, next_year_targets
from ._next_year_list import list_confidence, next_year_catalog
from ._pace import DEFAULT_PACE_PROB, required_pace
from ._plan import Planning, plan
from ._portfolio import portfolio
from ._ranks import rank_probabilities
from ._schedule import PLAN_SHARE, planned_share, prefecture_ranking, schedule_performance

__all__ = [
    "DEFAULT_GROWTH",
    "DEFAULT_PACE_PROB",
    "DEFAULT_PROBS",
    "OUTDOOR_MONTH",
    "PLAN_SHARE",
    "GrowthLaw",
    "Planning",
    "list_confidence",
    "next_year_catalog",
    "next_year_targets",
    "plan",
    "planned_share",
    "portfolio",
    "prefecture_ranking",
    "rank_probabilities",
    "required_pace",
    "risk_drivers",
    "schedule_performance",
]
