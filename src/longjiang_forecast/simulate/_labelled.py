"""Labelled layer of the simulator: parameter draws + observed state -> paths (xarray)."""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import xarray as xr

from .._core.cf import describe
from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence, spawn_generators
from .._core.schema import DRAW, MONTH, SERIES
from .._core.state import draw_coords, month_days
from . import _engine, _stream
from ._stream import BLOCK_SIZE
from ._summary import _check_draws, build_plan, check_n_jobs, orig_paths

#: Families simulated by the original full-path kernels (their streams are unchanged);
#: the other families of ``DYNAMICS`` go through the streaming engine's step kernels.
LEGACY_DYNAMICS = ("gamma", "binomial", "lognormal")


def simulate(
    draws: xr.Dataset,
    state: xr.Dataset,
    *,
    seed: SeedLike = None,
    n_jobs: int = 1,
) -> xr.DataArray:
    """Simulate the remaining months of the year for every draw and series at once.

    Parameters
    ----------
    draws : xarray.Dataset
        Parameter draws from a fitted model's ``sample_parameters``: dims
        ``draw``, ``series`` (and ``month``); variables ``dynamics`` (series;
        one of :data:`DYNAMICS`), ``gamma_shape``
        (series, month), ``gamma_scale`` (draw, series), ``hazard`` (draw,
        series), ``total`` (series), ``log_mean`` (series, month),
        ``year_effect`` (draw, series), ``log_sd`` (series), ``transform``
        (series; "identity" or "pct_change") and ``baseline`` (series); the
        parameters of the other families are listed in
        ``docs/design/002-simulation-core.md``.
    state : xarray.Dataset
        The observed state from :func:`longjiang_forecast._core.state.build_state`.
    seed : int, SeedSequence, Generator or None
        Seed of the path innovations. Block ``i`` of 1,024 draws always uses
        child ``i`` of this seed, so results do not depend on ``n_jobs``.
    n_jobs : int, default 1
        Threads over blocks (numpy's generators and the numba kernels release the GIL).

    Returns
    -------
    xarray.DataArray
        dims (draw, series, month): the value of each series after each month
        of the year, in the indicator's unit (cumulative count, level, year-to-
        date mean, or percent change against the baseline). Reported months
        hold the reported values (linear between reports where a month is
        missing). NaN for series whose ``dynamics`` is "none".
        attrs: ``seed_entropy``, ``block_size``, provenance.

    Raises
    ------
    DataValidationError
        If the draws and the state do not describe the same series, a
        parameter (``start`` included) is NaN, infinite, out of range or of the
        wrong shape where it is used, or a simulated series' state is invalid
        (comparator other than ">=" or "<=", ``deadline_month`` outside 1-12,
        NaN target). The checks are those of
        :func:`~longjiang_forecast.simulate.simulate_summary`; the message
        names the parameter or field and the series (indicator/region).
    ValueError
        If ``n_jobs`` is not a whole number >= 1.

    Notes
    -----
    As in :func:`~longjiang_forecast.simulate.simulate_summary`, increments of
    months already reported (before ``last_month``) are ignored: a path starts
    from ``start`` at the last report, whatever the draws hold for earlier
    months.
    """
    _check(draws, state, n_jobs)
    n_draws = draws.sizes[DRAW]
    n_series = state.sizes[SERIES]
    n_blocks = math.ceil(n_draws / BLOCK_SIZE)
    ss = as_seed_sequence(seed)
    rngs = spawn_generators(ss, n_blocks)
    out = np.full((n_draws, n_series, 12), np.nan)
    other = _other_families(draws, state)

    def run(block: int) -> None:
        lo, hi = block * BLOCK_SIZE, min(n_draws, (block + 1) * BLOCK_SIZE)
        out[lo:hi] = _simulate_block(draws, state, lo, hi, rngs[block], other)

    if n_jobs == 1:
        for b in range(n_blocks):
            run(b)
    else:
        with ThreadPoolExecutor(max_workers=n_jobs) as pool:
            list(pool.map(run, range(n_blocks)))
    paths = xr.DataArray(
        out,
        dims=(DRAW, SERIES, MONTH),
        coords=draw_coords(state, n_draws),
        name="value",
        attrs=make_attrs(
            seed_entropy=str(ss.entropy),
            block_size=BLOCK_SIZE,
            model=draws.attrs.get("model"),
            as_of=state.attrs.get("as_of"),
        ),
    )
    return describe(paths, state["unit"].values if "unit" in state else ())


def _other_families(draws: xr.Dataset, state: xr.Dataset) -> tuple[np.ndarray, Any] | None:
    """Plan of the series whose family has no full-path kernel (simulated by the step kernels)."""
    dyn = draws["dynamics"].values
    idx = np.flatnonzero(~np.isin(dyn, [*LEGACY_DYNAMICS, "none"]))
    if idx.size == 0:
        return None
    built = _paths_plan(draws.isel({SERIES: idx}), state.isel({SERIES: idx}))
    return idx, built


def _simulate_block(
    draws: xr.Dataset,
    state: xr.Dataset,
    lo: int,
    hi: int,
    rng: np.random.Generator,
    other: tuple[np.ndarray, Any] | None = None,
) -> np.ndarray:
    dyn = draws["dynamics"].values
    n_series = dyn.shape[0]
    block = np.full((hi - lo, n_series, 12), np.nan)
    last_month = state["last_month"].values
    for kind in ("gamma", "binomial", "lognormal"):
        idx = np.flatnonzero(dyn == kind)
        if idx.size == 0:
            continue
        start = np.nan_to_num(draws["start"].values[idx])
        if kind == "gamma":
            shape = draws["gamma_shape"]
            if DRAW in shape.dims:
                k = shape.transpose(DRAW, SERIES, MONTH).values[lo:hi, idx]
            else:
                k = shape.transpose(SERIES, MONTH).values[idx]
            # Increments of reported months are ignored (a zero shape draws nothing from the stream,
            # so series whose shape is already 0 there keep their numbers).
            simulated = np.arange(12)[None, :] >= last_month[idx][:, None]
            sim = _engine.gamma_cumulative(
                start,
                np.where(simulated, k, 0.0),
                draws["gamma_scale"].values[lo:hi, idx],
                np.nan_to_num(state["upper_bound"].values[idx], nan=np.inf),
                rng,
            )
        elif kind == "binomial":
            sim = _engine.binomial_milestones(
                start,
                draws["total"].values[idx],
                draws["hazard"].values[lo:hi, idx],
                last_month[idx],
                12,
                rng,
            )
        else:
            sim = _engine.lognormal_running_mean(
                state["observed"].values[idx],
                draws["log_mean"].values[idx],
                draws["year_effect"].values[lo:hi, idx],
                draws["log_sd"].values[idx],
                month_days(int(state.attrs["year"])).astype(float),
                rng,
            )
        if kind != "lognormal":
            _overlay_reports(sim, state["observed"].values[idx], last_month[idx], start)
        pct = (
            draws["transform"].values[idx] == "pct_change"
            if "transform" in draws
            else np.zeros(idx.size, bool)
        )
        if pct.any():
            base = draws["baseline"].values[idx][pct]
            sim[:, pct, :] = 100.0 * (sim[:, pct, :] / base[None, :, None] - 1.0)
        block[:, idx, :] = sim
    if other is not None:  # the other families draw after the original ones: their streams are unchanged
        idx, built = other
        (res,) = _stream.run_blocks(built.plan, built.fetch(lo, hi), [hi - lo], [rng], None, keep=hi - lo)
        sim = orig_paths(res["paths"], built.order)
        pct = built.pct
        if pct.any():
            sim[:, pct] = 100.0 * (sim[:, pct] / built.baseline[pct][None, :, None] - 1.0)
        block[:, idx, :] = sim
    return block


def _overlay_reports(
    sim: np.ndarray, observed: np.ndarray, last_month: np.ndarray, start: np.ndarray
) -> None:
    """Put the reports on the months up to the last report.

    Months between two reports are joined linearly (for display and for a
    deadline that falls in such a gap); months before the first report of the
    year are NaN: neither reported nor simulated.
    """
    months = np.arange(1, 13)
    for j in range(sim.shape[1]):
        m = int(last_month[j])
        if m == 0:
            continue
        seen = np.isfinite(observed[j, :m])
        line = np.interp(months[:m], months[:m][seen], observed[j, :m][seen], left=np.nan)
        line[-1] = start[j]
        sim[:, j, :m] = line


def _paths_plan(draws: xr.Dataset, state: xr.Dataset) -> Any:
    """The streaming engine's plan for full paths only (float64, no summaries): ``simulate``'s settings."""
    return build_plan(
        draws,
        state,
        dtype=np.dtype("float64"),
        keep=0,
        stats=False,
        rao_blackwell=False,
        totals=False,
        multiplier=None,
        n_bins=16,
        past_deadline="ignore",
        where="simulate",
    )


def _check(draws: xr.Dataset, state: xr.Dataset, n_jobs: Any) -> None:
    """The checks of ``simulate_summary`` (one code path): options, draws, state, every parameter."""
    check_n_jobs(n_jobs, "simulate")
    _check_draws(draws, state, "simulate")
    built = _paths_plan(draws, state)
    n_draws = draws.sizes[DRAW]
    for lo in range(0, n_draws, BLOCK_SIZE):  # per-draw parameters, one block at a time
        built.fetch(lo, min(n_draws, lo + BLOCK_SIZE))
