"""A documented, seeded generator of synthetic monthly progress for a catalogue.

The bundled default run of ``longjiang-forecast`` uses it, because the
commission's real monthly reports are not public. Every number it makes is
drawn from the rules below and the seed; none is real.

Rules (per indicator and region, for each year of ``years``):

* **cumulative** counts: the year's total is ``target_y · exp(e)`` with a
  region-level tendency ``e_r ~ N(0.03, 0.08)`` plus ``N(0, 0.08)`` per year
  (so most series meet their targets and some miss); targets grow 5 % a year
  up to the catalogue's year. Outdoor and heating work follows the frost-free
  season (weights ∝ sin over April-October, 5 % of a month's weight outside);
  other work is flat with a December rush (December weight 2). Monthly
  increments are Gamma with shape ``150 · weight``. Province rows of counts
  are the sum of the 13 prefectures, whose targets are the catalogue's split
  of the provincial target (:meth:`Catalog.target_for`: 2020 census
  population; counts of whole things in whole numbers by largest remainder,
  so a prefecture may have none). A count of whole things (户, 个, 所, 座...)
  is reported in whole numbers, as the progress reader requires: each
  prefecture's path is rounded (3 cities, not 2.74).
* **level** indicators start each year where the last ended; the year's gain
  is drawn around what the target needs and accrues like a count.
* **annual_mean** (PM2.5): monthly means log-normal around a winter-high
  seasonal profile (heating season), with a year effect; the catalogue's
  target is near the long-run mean.
* **change** indicators: a monthly intensity index falling about 1.2 % a year.
* **milestone** programmes: each project's month is uniform on March-November.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.months import parse_month
from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import INDICATOR, MONTH, PROVINCE, REGION, tag_set
from .._core.units import counts_whole_things
from ..catalog._catalog import check_catalog

if TYPE_CHECKING:
    from ..catalog import Catalog

#: First line of any output made from synthetic data.
SYNTHETIC_NOTE = (
    "NOTE: synthetic example data (longjiang_forecast.testing.synthetic_progress, seed {seed}); "
    "not real reports. Pass --progress FILE for real data."
)


def _weights(tags: str, kind: str) -> np.ndarray:
    month = np.arange(1, 13)
    if tag_set(tags) & {"outdoor", "heating"}:
        season = np.where((month >= 4) & (month <= 10), np.sin(np.pi * (month - 3) / 8), 0.0)
        return np.maximum(season, 0.05)
    weights = np.ones(12)
    if kind == "cumulative":
        weights[11] = 2.0
    return weights


def synthetic_progress(
    catalog: Catalog,
    *,
    seed: SeedLike = 2024,
    years: tuple[int, ...] | None = None,
    as_of: str | None = None,
    by_region: bool = True,
) -> xr.Dataset:
    """Generate monthly progress for every forecastable indicator of a catalogue.

    Parameters
    ----------
    catalog : Catalog
        The targets to generate progress for (e.g. ``load_catalog(2024)``).
    seed : int, SeedSequence, Generator or None, default 2024
        Seed; the same seed gives the same data.
    years : tuple of int, optional
        Years to generate; default the three years before the catalogue's
        year and the year itself (history + current year).
    as_of : str, optional
        Last month (``YYYY-MM``) of the current year to report; default August
        of the catalogue's year.
    by_region : bool, default True
        Also generate the 13 prefectures for count indicators (the province
        row is then their sum).

    Returns
    -------
    xarray.Dataset
        The form :func:`longjiang_forecast.read_progress` returns: ``value``
        with dims (indicator, region, month); months from January of the
        first year to ``as_of``. attrs: ``source`` ("synthetic"), ``seed_entropy``.
    """
    check_catalog(catalog, "synthetic_progress")
    year = int(catalog.year)
    years = years or (year - 3, year - 2, year - 1, year)
    as_of_ts, _ = parse_month(as_of or f"{year}-08")  # any day of the month, as the reader
    if as_of_ts is None:
        raise DataValidationError(f"synthetic_progress: as_of {as_of!r} is not a month; write it YYYY-MM.")
    ss = as_seed_sequence(seed)
    rng = np.random.default_rng(ss)
    table = catalog.table[
        (catalog.table["region"] == PROVINCE)
        & catalog.table["forecastable"]
        & (catalog.table["year"] == year)
    ]
    regions = list(catalog.regions["region"])
    months = pd.date_range(f"{years[0]}-01-01", as_of_ts, freq="MS")
    region_ids = [PROVINCE, *regions] if by_region else [PROVINCE]
    values = np.full((len(table), len(region_ids), len(months)), np.nan)
    for i, row in enumerate(table.itertuples()):
        weights = _weights(row.tags, row.kind)
        if row.kind == "cumulative" and by_region:
            whole = counts_whole_things(str(row.unit))
            for k, region in enumerate(regions):
                target = catalog.target_for(row.indicator, region, year=year)  # whole units where whole
                counts = _counts(rng, target, weights, years, year, months)
                values[i, k + 1] = np.round(counts) if whole else counts  # 3 cities, not 2.74
            values[i, 0] = values[i, 1:].sum(axis=0)
        elif row.kind == "cumulative":
            values[i, 0] = _counts(rng, row.target, weights, years, year, months)
        elif row.kind == "level":
            values[i, 0] = _level(rng, row, weights, years, months)
        elif row.kind == "annual_mean":
            values[i, 0] = _monthly_means(rng, row.target, years, months, trend=0.0)
        elif row.kind == "change":
            values[i, 0] = _monthly_means(rng, 100.0, years, months, trend=-0.012, seasonal=0.05)
        elif row.kind == "milestone":
            values[i, 0] = _milestones(rng, int(row.target), years, months)
    months_index = pd.DatetimeIndex(months)
    values[:, :, months_index > as_of_ts] = np.nan
    return xr.Dataset(
        {"value": ((INDICATOR, REGION, MONTH), values)},
        coords={
            INDICATOR: table["indicator"].to_numpy(object),
            REGION: np.array(region_ids, dtype=object),
            MONTH: months.values,
            "unit": (INDICATOR, table["unit"].to_numpy(object)),
            "kind": (INDICATOR, table["kind"].to_numpy(object)),
        },
        attrs=make_attrs(
            source="synthetic",
            seed_entropy=str(ss.entropy),
            catalog_year=year,
            as_of=f"{as_of_ts:%Y-%m}",
            generator="longjiang_forecast.testing.synthetic_progress",
        ),
    )


def _year_slices(months: pd.DatetimeIndex, years: tuple[int, ...]) -> list[tuple[int, np.ndarray]]:
    return [(y, np.flatnonzero(months.year == y)) for y in years]


def _counts(rng, target, weights, years, year, months) -> np.ndarray:
    out = np.full(len(months), np.nan)
    tendency = rng.normal(0.03, 0.08)
    w = weights / weights.sum()
    for y, idx in _year_slices(months, years):
        total = target * 0.95 ** (year - y) * np.exp(tendency + rng.normal(0, 0.08))
        inc = rng.gamma(150 * w, total / 150)
        out[idx] = np.cumsum(inc)[: idx.size]
    return out


def _level(rng, row, weights, years, months) -> np.ndarray:
    out = np.full(len(months), np.nan)
    upper = row.upper_bound if np.isfinite(row.upper_bound) else np.inf
    gain = 0.06 * row.target if not np.isfinite(upper) else min(0.08 * row.target, upper - 0.9 * row.target)
    level = row.target - gain * (len(years) - 0.0) * 1.02
    w = np.cumsum(weights) / weights.sum()
    for _, idx in _year_slices(months, years):
        year_gain = gain * np.exp(rng.normal(0.0, 0.12))
        path = np.minimum(level + year_gain * w, upper)
        out[idx] = path[: idx.size]
        level = path[-1]
    return out


def _monthly_means(rng, level, years, months, *, trend, seasonal=0.45) -> np.ndarray:
    out = np.full(len(months), np.nan)
    profile = seasonal * np.cos(2 * np.pi * np.arange(12) / 12)
    base = np.log(level) - np.log(np.mean(np.exp(profile)))
    for k, (_, idx) in enumerate(_year_slices(months, years)):
        effect = rng.normal(0, 0.06) + trend * (k - len(years) + 1)
        monthly = np.exp(base + profile + effect + rng.normal(0, 0.08, 12))
        out[idx] = monthly[: idx.size]
    return out


def _milestones(rng, total, years, months) -> np.ndarray:
    out = np.full(len(months), np.nan)
    for _, idx in _year_slices(months, years):
        done_month = rng.integers(3, 12, size=total)
        counts = np.array([(done_month <= m).sum() for m in range(1, 13)], float)
        out[idx] = counts[: idx.size]
    return out
