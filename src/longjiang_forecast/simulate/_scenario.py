"""Apply a compiled scenario to parameter draws: the simulator's side of the scenario language."""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.schema import DRAW, MONTH, SERIES
from ._families import months_to_deadline


def simulated_months(state: xr.Dataset) -> np.ndarray:
    """Mask (series, 12), bool: each series' months from its latest report to its deadline's.

    The engine's own window (:func:`~longjiang_forecast.simulate._families.months_to_deadline`)
    from the state's ``last_month`` and ``deadline_month``: a scenario's effect outside it changes
    nothing the forecast judges.
    """
    deadline = np.clip(state["deadline_month"].values.astype(int) - 1, 0, 11)
    return months_to_deadline(state["last_month"].values.astype(int), deadline)


def apply_scenario(draws: xr.Dataset, scenario: Any, state: xr.Dataset) -> xr.Dataset:
    """Return parameter draws with a compiled scenario's effects folded in.

    Parameters
    ----------
    draws : xarray.Dataset
        Parameter draws (see :func:`longjiang_forecast.simulate`).
    scenario : CompiledScenario
        From :func:`longjiang_forecast.scenarios.compile_scenario` for the same
        series and number of draws: ``multiplier(lo, hi)`` gives each path's
        rate multiplier (draw, series, month), ``cap`` the largest expected
        increment per month (series, month).
    state : xarray.Dataset
        The observed state (``last_month``: the first simulated month of each series;
        ``deadline_month``).

    Returns
    -------
    xarray.Dataset
        A copy of ``draws`` with ``month_factor`` (draw, series, month): each path's
        multiplier on each month, lowered where the expected increment (shape × scale × factor)
        would exceed the cap (1 for series that are neither Gamma increments nor a Dirichlet
        split). It scales the month's Gamma shape (``dynamics="gamma"``), or the month's share of
        a Dirichlet split (``dynamics="dirichlet"``), so that an effect after a deadline changes
        nothing at it; ``gamma_shape`` stays the model's. ``hazard`` of
        milestones times the path's mean multiplier over its months from the latest report to the
        deadline's month (1 where none is left: an effect after the deadline changes nothing).
        Annual means (log-normal) are left unchanged. attrs ``scenario``.

    Raises
    ------
    DataValidationError
        If the scenario was compiled for another number of draws or series.

    Notes
    -----
    Scaling the Gamma *shape* (not the increment) keeps the sum to the deadline
    Gamma-distributed, so the Rao-Blackwellised P(met) stays exact; a stopped
    month contributes nothing, but still draws its variate (:func:`~._kernels.gamma_step`), so the
    paths stay coupled to the baseline's and a stoppage can only lower them. Scaling a Dirichlet
    split's shapes instead would change how the months before a deadline share the work with the
    months after it (a stoppage after the deadline would make the months before it certain), so
    its factor scales the month's share
    (:class:`~longjiang_forecast.simulate._families.DirichletSplit`). A capacity cap bounds the
    expected monthly increment, not each path's increment.
    """
    n_draws, n_series = draws.sizes[DRAW], draws.sizes[SERIES]
    if scenario.factors.shape[1:2] != (n_draws,) and scenario.factors.shape[0] > 0:
        raise DataValidationError(
            f"The scenario '{scenario.name}' was compiled for {scenario.factors.shape[1]} draws; "
            f"the draws have {n_draws}. Compile it with n_draws={n_draws}."
        )
    if scenario.masks.shape[1:] != (n_series,) and scenario.masks.shape[0] > 0:
        raise DataValidationError(
            f"The scenario '{scenario.name}' was compiled for {scenario.masks.shape[1]} series; the "
            f"draws have {n_series}. Compile it against the same state."
        )
    out = draws.copy()
    mult = scenario.multiplier(0, n_draws)
    mult = np.ones((n_draws, n_series, 12)) if mult is None else mult
    dyn = draws["dynamics"].values
    shape = draws["gamma_shape"].transpose(..., SERIES, MONTH).values
    base3 = np.broadcast_to(shape, (n_draws, n_series, 12))
    factor = np.array(mult, dtype=float)  # each path's factor on each month's expected work
    cap = np.asarray(scenario.cap, float)
    if np.isfinite(cap).any():
        expected = base3 * factor * draws["gamma_scale"].transpose(DRAW, SERIES).values[:, :, None]
        over = expected > cap[None]
        with np.errstate(divide="ignore", invalid="ignore"):  # in place, where over the cap only
            shrink = np.divide(cap[None], expected, out=expected, where=over)
        np.multiply(factor, shrink, out=factor, where=over)
    # The model's shapes stay; each path's factor goes in month_factor. Gamma increments: it scales
    # the month's shape (the sum to the deadline stays Gamma); a Dirichlet split: the month's share.
    scaled = np.isin(dyn, ("gamma", "dirichlet"))
    if scaled.any():
        factor[:, ~scaled, :] = 1.0
        out["month_factor"] = ((DRAW, SERIES, MONTH), factor)
    milestones = np.flatnonzero(dyn == "binomial")
    if milestones.size:
        # the months simulated up to the deadline's, not to December: an effect after the deadline
        # changes nothing, one inside it is not diluted by the months after
        remaining = simulated_months(state)[milestones]  # (n, 12)
        n_remaining = remaining.sum(-1)
        mean_factor = np.where(
            n_remaining > 0, (mult[:, milestones, :] * remaining).sum(-1) / np.maximum(n_remaining, 1), 1.0
        )
        hazard = draws["hazard"].transpose(DRAW, SERIES).values.copy()
        hazard[:, milestones] = np.clip(hazard[:, milestones] * mean_factor, 0.0, 1.0)
        out["hazard"] = ((DRAW, SERIES), hazard)
    out.attrs["scenario"] = scenario.name
    out.attrs["scenario_seed_entropy"] = scenario.seed_entropy
    return out
