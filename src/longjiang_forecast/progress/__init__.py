"""Progress data: read monthly progress reports and load the packaged real data.

Every function returns an :class:`xarray.Dataset` with dims
``(indicator, region, month)`` and a ``value`` variable (NaN where not
reported), validated against a target catalogue.
"""

from __future__ import annotations

from ._national import load_national_progress
from ._pm25 import load_pm25
from ._reader import read_progress, write_progress

__all__ = ["load_national_progress", "load_pm25", "read_progress", "write_progress"]
