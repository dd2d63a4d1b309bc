"""Every path of the streaming engine, labelled: parameter draws + observed state -> paths (xarray).

``simulate`` runs the one engine of :func:`~longjiang_forecast.simulate.simulate_summary`
(the same kernels, streams and checks) and keeps every path instead of summarising
it; memory grows with the number of draws, so the product keeps only a subset
(``keep_paths``) and streams its summaries.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from .._core.cf import describe
from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import DRAW, MONTH, SERIES
from .._core.state import draw_coords
from . import _stream
from ._stream import BLOCK_SIZE
from ._summary import _check_draws, build_plan, check_n_jobs, kept_paths


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
        The observed state from :func:`longjiang_forecast.progress.build_state`.
    seed : int, SeedSequence, Generator or None
        Seed of the path innovations. Block ``i`` of 1,024 draws always uses
        child ``i`` of this seed, so results do not depend on ``n_jobs``.
    n_jobs : int, default 1
        Threads over blocks (the numba kernels and numpy's generators release the GIL).

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
    The paths are those :func:`~longjiang_forecast.simulate.simulate_summary`
    keeps with ``keep_paths=True`` and ``dtype="float64"`` for the same seed: one
    engine (``docs/design/002-simulation-core.md``). As there, increments of
    months already reported (before ``last_month``) are ignored: a path starts
    from ``start`` at the last report, whatever the draws hold for earlier
    months. Memory is ``n_draws × n_series × 12 × 8`` bytes; for summaries of
    many draws use ``simulate_summary``.
    """
    check_n_jobs(n_jobs, "simulate")
    n_draws = _check_draws(draws, state, "simulate")
    ss = as_seed_sequence(seed)
    built = build_plan(
        draws,
        state,
        dtype=np.dtype("float64"),
        keep=n_draws,
        stats=False,
        rb_draws=0,
        totals=False,
        multiplier=None,
        n_bins=16,
        past_deadline="ignore",
        where="simulate",
    )
    acc = _stream.run_threads(built.plan, built.fetch, n_draws, ss, int(n_jobs))
    paths = xr.DataArray(
        kept_paths(acc, built),
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
