"""The ``series`` layout every stage shares: its coordinates, labels and months.

One row per *series* (an indicator in a region), stacked on one ``series`` dim
that carries ``indicator`` and ``region`` coordinates (see
``docs/design/001-series-dim.md``). The state itself is built by
:func:`longjiang_forecast.progress.build_state`; the helpers here let the
models, the simulator, the summaries and the planning answers label, extend
and date what they compute on it.
"""

from __future__ import annotations

import calendar
from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .schema import DRAW, MONTH, SERIES

#: Days in each month of a year, used to weight monthly means into an annual mean.


def month_days(year: int) -> np.ndarray:
    """Return the number of days of each month of ``year``, shape (12,), int."""
    return np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)])


def draw_coords(state: xr.Dataset, n_draws: int) -> dict[str, Any]:
    """Coordinates of a (draw, series, month) object built on ``state``'s series.

    Returns
    -------
    dict
        ``draw`` (0..n_draws-1), ``series``, ``indicator`` and ``region`` along
        ``series``, and ``month``.
    """
    return {
        DRAW: np.arange(n_draws),
        SERIES: state[SERIES].values,
        "indicator": (SERIES, state["indicator"].values),
        "region": (SERIES, state["region"].values),
        MONTH: state[MONTH].values,
    }


def with_series_labels(ds: xr.Dataset, state: xr.Dataset, fields: tuple[str, ...] = ()) -> xr.Dataset:
    """Return ``ds`` with the ``indicator``/``region`` coordinates of ``state`` and copies of ``fields``.

    Parameters
    ----------
    ds : xarray.Dataset
        A result with a ``series`` dim matching ``state``.
    state : xarray.Dataset
        The observed state the result was computed from.
    fields : tuple of str
        State variables along ``series`` to copy (target, unit, names, ...).
    """
    out = ds.assign_coords({name: (SERIES, state[name].values) for name in ("indicator", "region")})
    for name in fields:
        out[name] = state[name]
    return out


def append_series(ds: xr.Dataset, values: dict[str, Any], n_new: int) -> xr.Dataset:
    """Return ``ds`` with ``n_new`` series appended, their variables from ``values``.

    Parameters
    ----------
    ds : xarray.Dataset
        A state, parameter draws or summary with a ``series`` dim and
        ``indicator``/``region`` coordinates along it.
    values : dict of str to array_like
        Values of the new series, series first (shape ``(n_new, ...)`` with
        the variable's other dims in their order in ``ds``), for the
        ``indicator`` and ``region`` coordinates and any variables along
        ``series``; a variable not given is NaN (floats), "" (text), 0
        (integers) or NaT (dates) for the new series.
    n_new : int

    Returns
    -------
    xarray.Dataset
        ``series`` numbered on from ``ds``'s; attrs kept.
    """
    n = ds.sizes[SERIES]
    data: dict[Hashable, Any] = {}
    for name, var in ds.data_vars.items():
        if SERIES not in var.dims:
            data[name] = var
            continue
        axis = var.get_axis_num(SERIES)
        old = np.asarray(var.values)
        shape = (n_new, *np.delete(old.shape, axis))
        if name in values:
            new = np.broadcast_to(np.asarray(values[name]), shape).astype(old.dtype)
        else:
            new = np.full(shape, _blank(old.dtype), dtype=old.dtype)
        data[name] = (var.dims, np.concatenate([old, np.moveaxis(new, 0, axis)], axis=axis), var.attrs)
    coords: dict[Hashable, Any] = {k: v for k, v in ds.coords.items() if SERIES not in v.dims}
    coords[SERIES] = np.arange(n + n_new)
    for name in ("indicator", "region"):
        coords[name] = (SERIES, np.concatenate([ds[name].values, np.asarray(values[name], dtype=object)]))
    return xr.Dataset(data, coords=coords, attrs=ds.attrs)


def _blank(dtype: np.dtype) -> Any:
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind in "iub":
        return 0
    if dtype.kind == "M":
        return np.datetime64("NaT")
    return ""


def deadline_month(deadline: pd.Timestamp) -> int:
    """Return the month (1-12) whose end-of-month report is the last one on or before ``deadline``.

    Progress is reported at month ends, so a mid-month deadline (20 October,
    the start of the heating period) is judged on the report of the month
    before (30 September): the conservative reading. A deadline on the last
    day of a month is judged on that month's report. Returns 0 when the
    deadline falls in January before its last day.
    """
    deadline = pd.Timestamp(deadline)
    last_day = calendar.monthrange(deadline.year, deadline.month)[1]
    return int(deadline.month if deadline.day == last_day else deadline.month - 1)
