"""The one builder of a model's parameter draws: the Dataset every model hands to the simulator.

Its variables and dims are :data:`~longjiang_forecast._core.schema.DRAWS_VARIABLES`, checked on
every build; see :meth:`SeriesModel.sample_parameters` for what each holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

from .._core.schema import DRAWS_VARIABLES, SERIES, check_draws_schema
from .._core.state import draw_coords


def build_draws(
    state: xr.Dataset,
    n_draws: int,
    values: dict[str, np.ndarray],
    *,
    extras: Mapping[str, tuple[tuple[str, ...], np.ndarray]] | None = None,
    attrs: dict[str, Any],
) -> xr.Dataset:
    """Assemble and check a model's parameter draws.

    Parameters
    ----------
    state : xarray.Dataset
        The model's observed state (``kind``, ``deadline_month``, ``last_month`` per series).
    n_draws : int
        Number of draws.
    values : dict of str to ndarray
        Every variable of ``DRAWS_VARIABLES`` except ``transform`` (from the kinds),
        ``p_all_done`` and ``expected_done`` (computed here for the ``"binomial"`` series), with
        the shapes of their dims (``draw`` n_draws, ``series`` n_series, ``month`` 12).
    extras : dict of str to (dims, ndarray), optional
        The model's own variables (diagnostics per series, the seasonal-share model's
        ``plan_share`` (series, month)), stored after the schema's variables.
    attrs : dict
        The Dataset's attrs (model, its parameters, seed entropy, as-of month).

    Returns
    -------
    xarray.Dataset
        dims ``draw``, ``series``, ``month``.

    Raises
    ------
    ValueError
        If a variable is missing or has other dims (a defect of the model, not of the data).
    """
    kind = state["kind"].values
    values = dict(values)
    values["transform"] = np.where(kind == "change", "pct_change", "identity").astype(object)
    values["p_all_done"], values["expected_done"] = _milestone_outcomes(state, n_draws, values)
    data = {name: (dims, values[name]) for name, dims in DRAWS_VARIABLES.items()}
    data.update(extras or {})
    ds = xr.Dataset(data, coords=draw_coords(state, n_draws), attrs=attrs)
    check_draws_schema(ds)
    return ds


def _milestone_outcomes(
    state: xr.Dataset, n_draws: int, values: dict[str, np.ndarray]
) -> tuple[np.ndarray, np.ndarray]:
    """Probability that every project is done and the expected number done, exact given the hazard.

    With ``q = 1 - (1 - hazard)^months`` (months from the last report to the deadline), each of
    the ``total - start`` open projects is done by the deadline with probability ``q``: all are with
    ``q^open``, and ``start + open q`` are expected. NaN for the series that are not milestones.
    """
    n = state.sizes[SERIES]
    p_all = np.full((n_draws, n), np.nan)
    expected = np.full((n_draws, n), np.nan)
    deadline = state["deadline_month"].values
    last = state["last_month"].values
    start, total, hazard = values["start"], values["total"], values["hazard"]
    for s in np.flatnonzero(values["dynamics"] == "binomial"):
        left = max(total[s] - start[s], 0.0)
        months = max(int(deadline[s]) - int(last[s]), 0)
        q = 1.0 - (1.0 - hazard[:, s]) ** months
        p_all[:, s] = q**left
        expected[:, s] = start[s] + left * q
    return p_all, expected
