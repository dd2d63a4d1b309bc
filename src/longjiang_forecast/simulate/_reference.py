"""The reference job of the benchmarks and tests: 45 indicators × 13 regions, Gamma increments.

Synthetic and seeded; it stands for a full catalogue split over the prefectures
as of January (all 12 months to simulate). Not part of the public API.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.schema import DRAW, MONTH, SERIES
from ._stream import BLOCK_SIZE


def reference_job(
    n_draws: int = 100_000,
    *,
    n_indicators: int = 45,
    n_regions: int = 13,
    n_ratio: int = 5,
    as_of_month: int = 0,
    seed: int = 20240101,
    lazy: bool = False,
) -> tuple[xr.Dataset, xr.Dataset]:
    """Build the reference ``(draws, state)`` pair.

    Parameters
    ----------
    n_draws : int, default 100_000
        Parameter draws (one Gamma scale per draw and series).
    n_indicators, n_regions : int
        Series are every indicator in every region (585 by default).
    n_ratio : int, default 5
        The first ``n_ratio`` indicators are coverage ratios in % (kind
        "level", start near 85, capped at 100, province total = population-
        weighted mean); the others are counts (province total = sum).
    as_of_month : int, default 0
        Months already reported (0: nothing yet, 12 months to simulate).
    seed : int
        Seed of the synthetic parameters.
    lazy : bool, default False
        Hold ``gamma_scale`` as a Dask array (blocks of 1,024 draws computed on
        demand, identical values), so that a run with many draws never holds
        them all.

    Returns
    -------
    draws : xarray.Dataset
        dims (draw, series, month); ``dynamics`` = "gamma", ``start``,
        ``gamma_shape`` (series, month), ``gamma_scale`` (draw, series),
        ``population`` (series).
    state : xarray.Dataset
        The fields of :func:`longjiang_forecast.build_state` the engine reads.
    """
    rng = np.random.default_rng(seed)
    ind = np.repeat([f"i{k:02d}" for k in range(n_indicators)], n_regions)
    reg = np.tile([f"r{k:02d}" for k in range(n_regions)], n_indicators)
    n = ind.size
    ratio = np.repeat(np.arange(n_indicators) < n_ratio, n_regions)
    population = np.tile(rng.uniform(0.9e6, 10e6, n_regions).round(), n_indicators)
    share = rng.dirichlet(np.full(12, 8.0), size=n)  # monthly share of the year's increment
    concentration = rng.uniform(5.0, 40.0, n)
    shape = concentration[:, None] * share * 12 / 12
    annual = np.where(ratio, rng.uniform(4.0, 12.0, n), rng.uniform(50.0, 5000.0, n))
    start = np.where(ratio, rng.uniform(80.0, 90.0, n), 0.0)
    shape[:, :as_of_month] = 0.0
    remaining_share = share[:, as_of_month:].sum(axis=1)
    # Reports so far: the expected path.
    observed = np.full((n, 12), np.nan)
    if as_of_month:
        observed[:, :as_of_month] = (
            start[:, None] + annual[:, None] * np.cumsum(share, axis=1)[:, :as_of_month]
        )
        start = observed[:, as_of_month - 1].copy()
    mean_scale = annual * remaining_share / np.maximum(shape.sum(axis=1), 1e-12)
    target = np.where(
        ratio,
        np.minimum(start + annual * remaining_share * rng.uniform(0.8, 1.2, n), 100.0),
        (start + annual * remaining_share) * rng.uniform(0.85, 1.15, n),
    )
    comparator = np.where(rng.random(n) < 0.05, "<=", ">=").astype(object)
    comparator[ratio] = ">="
    for k in range(n_indicators):  # one comparator per indicator
        comparator[k * n_regions : (k + 1) * n_regions] = comparator[k * n_regions]
    deadline_month = np.repeat(np.where(rng.random(n_indicators) < 0.1, 10, 12), n_regions)
    sd_log = 0.15

    def scales(lo: int, hi: int) -> np.ndarray:
        out = np.empty((hi - lo, n))
        for b0 in range(lo - lo % BLOCK_SIZE, hi, BLOCK_SIZE):
            g = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(b0 // BLOCK_SIZE,)))
            block = mean_scale * np.exp(sd_log * g.standard_normal((BLOCK_SIZE, n)) - sd_log**2 / 2)
            a, b = max(lo, b0), min(hi, b0 + BLOCK_SIZE)
            out[a - lo : b - lo] = block[a - b0 : b - b0]
        return out

    if lazy:
        import dask.array as da

        chunks = tuple(min(BLOCK_SIZE, n_draws - lo) for lo in range(0, n_draws, BLOCK_SIZE))

        def make(block_info: Any = None) -> np.ndarray:
            (lo, hi), _ = block_info[None]["array-location"]
            return scales(lo, hi)

        gamma_scale: Any = da.map_blocks(make, chunks=(chunks, (n,)), dtype=float)
    else:
        gamma_scale = scales(0, n_draws)
    months = pd.date_range("2024-01-01", periods=12, freq="MS").values
    coords = {
        SERIES: np.arange(n),
        "indicator": (SERIES, ind.astype(object)),
        "region": (SERIES, reg.astype(object)),
        MONTH: months,
    }
    draws = xr.Dataset(
        {
            "dynamics": (SERIES, np.full(n, "gamma", dtype=object)),
            "start": (SERIES, start),
            "gamma_shape": ((SERIES, MONTH), shape),
            "gamma_scale": ((DRAW, SERIES), gamma_scale),
            "population": (SERIES, population),
        },
        coords={**coords, DRAW: np.arange(n_draws)},
        attrs={"model": "reference_job"},
    )
    state = xr.Dataset(
        {
            "observed": ((SERIES, MONTH), observed),
            "last_month": (SERIES, np.full(n, as_of_month, int)),
            "last_value": (SERIES, observed[:, as_of_month - 1] if as_of_month else np.full(n, np.nan)),
            "deadline_month": (SERIES, deadline_month.astype(int)),
            "target": (SERIES, target),
            "comparator": (SERIES, comparator),
            "kind": (SERIES, np.where(ratio, "level", "cumulative").astype(object)),
            "lower_bound": (SERIES, np.zeros(n)),
            "upper_bound": (SERIES, np.where(ratio, 100.0, np.nan)),
            "baseline": (SERIES, np.full(n, np.nan)),
            "population": (SERIES, population),
        },
        coords=coords,
        attrs={"year": 2024, "as_of": f"2024-{max(as_of_month, 1):02d}"},
    )
    return draws, state


def small_job(
    dynamics: list[str] | tuple[str, ...],
    n_draws: int,
    *,
    as_of_month: int = 3,
    deadline_month: int = 12,
    comparator: str = ">=",
    target_factor: float = 1.0,
    seed: int = 0,
    regions: int = 1,
) -> tuple[xr.Dataset, xr.Dataset]:
    """A small job: one series per entry of ``dynamics`` (times ``regions``), all families' parameters set.

    Used by the tests: every family reads its own variables, so any mix of
    ``dynamics`` works. Targets are ``target_factor`` times a rough expected
    deadline value, so that P(met) is neither 0 nor 1 for a factor near 1.
    """
    rng = np.random.default_rng(seed)
    dyn = np.repeat(np.asarray(dynamics, dtype=object), regions)
    n = dyn.size
    ind = np.repeat([f"x{k}" for k in range(len(dynamics))], regions).astype(object)
    reg = np.tile([f"r{k}" if regions > 1 else "province" for k in range(regions)], len(dynamics)).astype(
        object
    )
    first = as_of_month
    months_left = np.clip(np.arange(12)[None, :] >= first, 0, 1) * (np.arange(12)[None, :] < deadline_month)
    n_left = months_left.sum()
    shape = rng.uniform(0.5, 5.0, (n, 12))
    scale = rng.uniform(0.5, 2.0, (n_draws, n))
    nb_size = rng.uniform(1.0, 5.0, (n, 12))
    nb_prob = rng.uniform(0.2, 0.6, (n_draws, n))
    exposure = rng.uniform(0.5, 2.0, (n, 12))
    rate = rng.uniform(1.0, 5.0, (n_draws, n))
    log_mean = rng.normal(1.0, 0.3, (n, 12))
    year_effect = rng.normal(0.0, 0.2, (n_draws, n))
    log_sd = rng.uniform(0.1, 0.5, n)
    drift = rng.normal(0.05, 0.05, (n_draws, n))
    link_sd = rng.uniform(0.05, 0.2, (n_draws, n))
    hazard = rng.uniform(0.05, 0.3, (n_draws, n))
    start = np.where(dyn == "link_normal", 80.0, np.where(dyn == "lognormal", 0.0, rng.uniform(0.0, 10.0, n)))
    total = np.floor(start) + rng.integers(1, 20, n)
    start = np.where(dyn == "binomial", np.floor(start), start)
    expected = {
        "gamma": start + (shape * months_left).sum(axis=1) * 1.25,
        "dirichlet": start + (shape * months_left).sum(axis=1) * 1.25,
        "negbin": start + (nb_size * months_left).sum(axis=1) * 0.4 / 0.6 * 1.5,
        "poisson": start + (exposure * months_left).sum(axis=1) * 3.0,
        "lognormal_increment": start + (np.exp(log_mean) * months_left).sum(axis=1),
        "link_normal": start + 1.0,
        "binomial": start + (total - start) * (1 - 0.82**n_left),
        "lognormal": np.exp(log_mean.mean(axis=1)),
        "none": np.ones(n),
    }
    target = np.array([expected[d][i] for i, d in enumerate(dyn)]) * target_factor
    target[dyn == "link_normal"] = np.minimum(target[dyn == "link_normal"], 99.0)
    observed = np.full((n, 12), np.nan)
    for i in range(n):
        if first == 0:
            continue
        if dyn[i] == "lognormal":
            observed[i, :first] = np.exp(log_mean[i, :first])
        else:
            observed[i, :first] = np.linspace(start[i] * 0.5, start[i], first)
    kind = np.array(
        [
            {"link_normal": "level", "lognormal": "annual_mean", "binomial": "milestone"}.get(d, "cumulative")
            for d in dyn
        ],
        dtype=object,
    )
    months = pd.date_range("2024-01-01", periods=12, freq="MS").values
    coords = {SERIES: np.arange(n), "indicator": (SERIES, ind), "region": (SERIES, reg), MONTH: months}
    draws = xr.Dataset(
        {
            "dynamics": (SERIES, dyn),
            "start": (SERIES, start),
            "gamma_shape": ((SERIES, MONTH), shape),
            "gamma_scale": ((DRAW, SERIES), scale),
            "nb_size": ((SERIES, MONTH), nb_size),
            "nb_prob": ((DRAW, SERIES), nb_prob),
            "exposure": ((SERIES, MONTH), exposure),
            "poisson_rate": ((DRAW, SERIES), rate),
            "log_mean": ((SERIES, MONTH), log_mean),
            "year_effect": ((DRAW, SERIES), year_effect),
            "log_sd": (SERIES, log_sd),
            "link": (SERIES, np.full(n, "logit", dtype=object)),
            "link_drift": ((DRAW, SERIES), drift),
            "link_sd": ((DRAW, SERIES), link_sd),
            "total": (SERIES, total),
            "hazard": ((DRAW, SERIES), hazard),
            "population": (SERIES, rng.uniform(1e6, 5e6, n)),
        },
        coords={**coords, DRAW: np.arange(n_draws)},
    )
    state = xr.Dataset(
        {
            "observed": ((SERIES, MONTH), observed),
            "last_month": (SERIES, np.full(n, first, int)),
            "deadline_month": (SERIES, np.full(n, deadline_month, int)),
            "target": (SERIES, target),
            "comparator": (SERIES, np.full(n, comparator, dtype=object)),
            "kind": (SERIES, kind),
            "lower_bound": (SERIES, np.where(dyn == "link_normal", 0.0, 0.0)),
            "upper_bound": (SERIES, np.where(dyn == "link_normal", 100.0, np.nan)),
            "baseline": (SERIES, np.full(n, np.nan)),
        },
        coords=coords,
        attrs={"year": 2024, "as_of": f"2024-{max(first, 1):02d}"},
    )
    return draws, state


def normal_job(n_draws: int, n_series: int, *, seed: int = 20240102) -> tuple[xr.Dataset, xr.Dataset]:
    """A job of Gaussian random walks (``link_normal``, identity link), as of January.

    The counterpart of an additive-error ETS simulation (normal increments),
    for the like-for-like peer benchmark: one indicator per series, each a
    province series (no totals), per-draw drift and sd, no bounds.

    Parameters
    ----------
    n_draws, n_series : int
        Parameter draws and series.
    seed : int
        Seed of the synthetic parameters.

    Returns
    -------
    draws, state : xarray.Dataset
        As :func:`reference_job`, with ``dynamics`` = "link_normal", ``link`` =
        "identity", ``link_drift`` and ``link_sd`` (draw, series).
    """
    rng = np.random.default_rng(seed)
    n = n_series
    start = rng.uniform(50.0, 150.0, n)
    drift = rng.uniform(0.5, 3.0, n) * np.exp(0.1 * rng.standard_normal((n_draws, n)))
    sd = rng.uniform(0.5, 2.0, n) * np.exp(0.1 * rng.standard_normal((n_draws, n)))
    target = start + 12 * drift.mean(axis=0) * rng.uniform(0.9, 1.1, n)
    months = pd.date_range("2024-01-01", periods=12, freq="MS").values
    ind = np.array([f"n{k:03d}" for k in range(n)], dtype=object)
    coords = {
        SERIES: np.arange(n),
        "indicator": (SERIES, ind),
        "region": (SERIES, np.full(n, "province", dtype=object)),
        MONTH: months,
    }
    draws = xr.Dataset(
        {
            "dynamics": (SERIES, np.full(n, "link_normal", dtype=object)),
            "start": (SERIES, start),
            "link": (SERIES, np.full(n, "identity", dtype=object)),
            "link_drift": ((DRAW, SERIES), drift),
            "link_sd": ((DRAW, SERIES), sd),
        },
        coords={**coords, DRAW: np.arange(n_draws)},
        attrs={"model": "normal_job"},
    )
    state = xr.Dataset(
        {
            "observed": ((SERIES, MONTH), np.full((n, 12), np.nan)),
            "last_month": (SERIES, np.zeros(n, int)),
            "deadline_month": (SERIES, np.full(n, 12)),
            "target": (SERIES, target),
            "comparator": (SERIES, np.full(n, ">=", dtype=object)),
            "kind": (SERIES, np.full(n, "level", dtype=object)),
            "lower_bound": (SERIES, np.full(n, np.nan)),
            "upper_bound": (SERIES, np.full(n, np.nan)),
        },
        coords=coords,
        attrs={"year": 2024, "as_of": "2024-01"},
    )
    return draws, state
