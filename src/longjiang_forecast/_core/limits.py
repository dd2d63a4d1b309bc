"""Bounds of a run that the command line and the Python API share (no heavy imports: ``--help`` reads it)."""

from __future__ import annotations

__all__ = ["MAX_DRAWS", "MIN_DRAWS"]

#: Most draws of one run: at 10^8 the Monte Carlo standard error of P(met) is at most 0.00005, and a
#: run of the default job takes about an hour; 10^11 draws would have run for weeks without a word
#: (the command line), and ``lf.forecast(n_draws=10**9)`` ran on past 13 minutes and 1 GB (the
#: Python API; a break-it pass).
MAX_DRAWS = 100_000_000

#: Fewest draws of forecast, report and scenarios on the command line, and fewest kept paths behind
#: the list's joint figures without a warning (``planning``): at 100 the Monte Carlo standard error of
#: P(met) is at most 0.05, so twice it (the borderline margin) is narrower than a status band (0.3).
MIN_DRAWS = 100
