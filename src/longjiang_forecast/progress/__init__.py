"""Progress data: read monthly progress reports, load the packaged real data, build the observed state.

The readers return an :class:`xarray.Dataset` with dims
``(indicator, region, month)`` and a ``value`` variable (NaN where not
reported), validated against a target catalogue; :func:`build_state` turns one
into the observed state at the as-of month (dims ``series``, ``month``) that
the models fit.
"""

from __future__ import annotations

from ._national import load_national_progress
from ._pm25 import load_pm25
from ._reader import read_progress, write_progress
from ._state import build_state

__all__ = ["build_state", "load_national_progress", "load_pm25", "read_progress", "write_progress"]
