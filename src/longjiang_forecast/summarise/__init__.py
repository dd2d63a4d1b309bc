"""Summaries of simulated paths: attainment probability, quantiles, first passage, rates."""

from ._labelled import DEFAULT_BANDS, summarise

__all__ = ["DEFAULT_BANDS", "summarise"]
