"""Next year's targets: the value met with a given probability, from this year's capacity and its trend."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._core.schema import MONTH, SERIES
from .._core.state import month_days, with_series_labels
from . import _kernels
from ._common import ForecastLike, check_prob, deadline_index, forecast_ok, provenance

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Probabilities of the next-year table.
DEFAULT_PROBS: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9)
#: Log growth factor when fewer than two earlier finals are known: (mean, sd).
DEFAULT_GROWTH: tuple[float, float] = (0.0, 0.10)
#: Smallest sd of the log growth factor learned from data.
MIN_GROWTH_SD = 0.02
#: Points of the stratified quadrature of the growth factor.
N_GROWTH_POINTS = 32
#: Dimension of the probability of meeting next year's target.
PROB = "prob"

_KINDS = ("cumulative", "level", "annual_mean")


def next_year_targets(
    forecast: ForecastLike,
    progress: xr.Dataset | None = None,
    *,
    probs: Sequence[float] = DEFAULT_PROBS,
    default_growth: tuple[float, float] = DEFAULT_GROWTH,
) -> xr.Dataset:
    """For each series, next year's target that would be met with each probability.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`; the simulated value at the
        deadline (``paths``) is this year's capacity.
    progress : xarray.Dataset, optional
        The progress data the forecast was fitted on (``value`` with dims
        indicator, region, month); its earlier years give the trend. Without
        it every series uses ``default_growth``.
    probs : sequence of float, default (0.5, 0.7, 0.8, 0.9)
        Probabilities, each in (0, 1).
    default_growth : (float, float), default (0.0, 0.10)
        Mean and sd of the log growth factor where fewer than two earlier
        finals are known: no trend, 10 % year-to-year spread.

    Returns
    -------
    xarray.Dataset
        dims ``series`` (coords ``indicator``, ``region``) and ``prob``.
        Variables: ``target_next`` (series, prob), in the indicator's unit:
        the value next year's outcome reaches (``>=`` targets) or stays
        under (``<=``) with probability ``prob``; ``capacity_median`` (this
        year's simulated value at the deadline, median); ``growth_log_mean``,
        ``growth_log_sd`` (the growth factor's log-normal); ``n_finals``
        (earlier finals used); ``method`` (str, in words); ``growth_basis``
        (str code of the growth factor's basis: ``"trend"`` (two or more
        year-to-year ratios), ``"trend_default_spread"`` (one ratio, default
        sd), ``"default"`` (fewer than two consecutive finals), ``""`` where
        no value); ``first_final``, ``last_final`` (int, years of the earlier
        finals used; 0 where none); ``target`` (this year's),
        ``comparator``, ``unit``, ``kind``, ``name_zh``, ``name_en``;
        ``note`` ("" or why there is no value). attrs: ``probs``,
        ``default_growth``, provenance.

    Raises
    ------
    ValueError
        If a probability is not in (0, 1) or the default sd is not positive.

    Notes
    -----
    Reference-class style (Flyvbjerg 2006), see ``docs/planning.md``:

    1. *Capacity*: this year's simulated value at the deadline, ``V_d`` in
       path ``d`` (counts: the year's total; levels: the gain since the
       start of the year, ``V_d − start``; annual means: the annual mean).
    2. *Trend*: the finals ``F_y`` of earlier years (the value at the
       deadline month; levels: the gain over the year; annual means: the
       day-weighted mean of a complete year) give the log ratios
       ``ℓ_y = log(F_y / F_{y−1})`` of consecutive years. With ``n >= 2``
       ratios the growth factor is log-normal with mean ``mean(ℓ)`` and sd
       ``max(sd(ℓ) √(1 + 1/n), 0.02)`` (the predictive sd of one more
       year); with one ratio, mean ``ℓ`` and the default sd; with fewer than
       two finals, ``default_growth``.
    3. *Next year*: ``N = V · g`` (levels: ``start_next + (V − start) · g``,
       with ``start_next = V``, capped at the upper bound), over every path
       and 32 stratified quantiles of ``g`` (rescaled to unit variance) (a deterministic quadrature,
       no random numbers). The target met with probability ``p`` is the
       ``1 − p`` quantile of ``N`` (``>=``) or its ``p`` quantile (``<=``),
       so the 90 % value is at most the 50 % value for ``>=`` targets.

    Percent changes and named milestones get no value: a change target
    restates a level, and next year's milestones are other projects.

    References
    ----------
    Flyvbjerg, B. (2006). From Nobel prize to project management: getting
    risks right. *Project Management Journal* 37(3), 5-15.
    """
    probs = tuple(check_prob(p, "probs", "next_year_targets") for p in probs)
    mu0, sd0 = (float(x) for x in default_growth)
    if not np.isfinite(mu0) or not np.isfinite(sd0) or sd0 <= 0:
        raise ValueError(
            "The 'default_growth' parameter of next_year_targets must be (mean, sd) with sd in the "
            f"range (0, inf). Got {default_growth!r} instead."
        )
    state = forecast.state
    n = state.sizes[SERIES]
    year = int(state.attrs["year"])
    kind = state["kind"].values.astype(str)
    sign = np.where(state["comparator"].values.astype(str) == "<=", -1.0, 1.0)
    upper = state["upper_bound"].values.astype(float) if "upper_bound" in state else np.full(n, np.nan)
    origin = np.where(kind == "level", state["baseline"].values.astype(float), 0.0)
    at_deadline = forecast.paths.values[:, np.arange(n), deadline_index(state)]
    ok = forecast_ok(forecast)
    z = _kernels.stratified_normal(N_GROWTH_POINTS)
    family = _family_map(forecast.catalog)
    history = _History(progress) if progress is not None else None
    dl = state["deadline_month"].values.astype(int)
    out = np.full((n, len(probs)), np.nan)
    capacity = np.full(n, np.nan)
    log_mean = np.full(n, np.nan)
    log_sd = np.full(n, np.nan)
    n_finals = np.zeros(n, dtype=int)
    method = np.full(n, "", dtype=object)
    basis = np.full(n, "", dtype=object)
    first_final = np.zeros(n, dtype=int)
    last_final = np.zeros(n, dtype=int)
    note = np.full(n, "", dtype=object)
    levels = np.array(probs)
    for s in range(n):
        if not ok[s]:
            note[s] = "no forecast"
            continue
        if kind[s] not in _KINDS:
            note[s] = (
                "percent change: restate as a level target"
                if kind[s] == "change"
                else "named milestones: next year's projects are others"
            )
            continue
        finals = history.finals(family, state, s, year, max(dl[s], 1)) if history is not None else {}
        mu, sd, basis[s], method[s] = _growth(finals, mu0, sd0)
        years = sorted(y for y, v in finals.items() if np.isfinite(v) and v > 0)
        n_finals[s] = len(years)
        if years:
            first_final[s], last_final[s] = years[0], years[-1]
        log_mean[s], log_sd[s] = mu, sd
        g = np.exp(mu + sd * z)
        v = at_deadline[:, s]
        v = v[np.isfinite(v)]
        if v.size == 0:
            note[s] = "no simulated value at the deadline"
            continue
        capacity[s] = float(np.median(v))
        if kind[s] == "level":
            gain = np.maximum(v - origin[s], 0.0)
            nxt = v[:, None] + gain[:, None] * g[None, :]
            if np.isfinite(upper[s]):
                nxt = np.minimum(nxt, upper[s])
        else:
            nxt = v[:, None] * g[None, :]
        q = levels if sign[s] < 0 else 1.0 - levels
        out[s] = _kernels.nan_quantiles(nxt.ravel(), q)
    result = xr.Dataset(
        {
            "target_next": ((SERIES, PROB), out),
            "capacity_median": (SERIES, capacity),
            "growth_log_mean": (SERIES, log_mean),
            "growth_log_sd": (SERIES, log_sd),
            "n_finals": (SERIES, n_finals),
            "method": (SERIES, method),
            "growth_basis": (SERIES, basis),
            "first_final": (SERIES, first_final),
            "last_final": (SERIES, last_final),
            "note": (SERIES, note),
        },
        coords={SERIES: state[SERIES].values, PROB: list(probs)},
        attrs=provenance(
            forecast,
            probs=repr(list(probs)),
            default_growth=repr((mu0, sd0)),
            next_year=year + 1,
            units="the indicator's unit",
            definition=(
                "target_next(p): value met with probability p by N = V * g, V = this year's simulated "
                "value at the deadline, g = log-normal growth factor from the ratios of earlier finals"
            ),
        ),
    )
    result = with_series_labels(result, state, ("target", "comparator", "unit", "kind", "name_zh", "name_en"))
    return result


def _growth(finals: dict[int, float], mu0: float, sd0: float) -> tuple[float, float, str, str]:
    """Log growth factor (mean, sd), its basis code and its description in words."""
    years = sorted(y for y, v in finals.items() if np.isfinite(v) and v > 0)
    ratios = [np.log(finals[b] / finals[a]) for a, b in itertools.pairwise(years) if b == a + 1]
    k = len(years)
    if len(ratios) >= 2:
        n = len(ratios)
        sd = max(float(np.std(ratios, ddof=1)) * np.sqrt(1 + 1 / n), MIN_GROWTH_SD)
        return float(np.mean(ratios)), sd, "trend", f"trend of {k} earlier finals ({years[0]}-{years[-1]})"
    if len(ratios) == 1:
        return (
            float(ratios[0]),
            sd0,
            "trend_default_spread",
            f"trend of 2 earlier finals ({years[0]}-{years[-1]}), default spread",
        )
    return mu0, sd0, "default", f"default growth (fewer than 2 consecutive earlier finals; {k} known)"


def _family_map(catalog: Catalog) -> dict[str, str]:
    table = getattr(catalog, "table", None)
    if table is None or "family" not in table:
        return {}
    return {
        str(i): (str(f) if isinstance(f, str) and f else str(i))
        for i, f in zip(table["indicator"], table["family"], strict=True)
    }


class _History:
    """Earlier years of the progress data, as arrays keyed by (indicator, region)."""

    def __init__(self, progress: xr.Dataset) -> None:
        values = progress["value"].transpose("indicator", "region", MONTH)
        months = pd.DatetimeIndex(values[MONTH].values)
        self.indicators = [str(i) for i in values["indicator"].values]
        self.regions = {str(r): k for k, r in enumerate(values["region"].values)}
        self.values = np.asarray(values.values, dtype=float)
        self.year = np.asarray(months.year)
        self.month = np.asarray(months.month)

    def finals(
        self, family: dict[str, str], state: xr.Dataset, s: int, year: int, dl: int
    ) -> dict[int, float]:
        """Finals of earlier years of series ``s``'s indicator family, keyed by year."""
        ind = str(state["indicator"].values[s])
        reg = self.regions.get(str(state["region"].values[s]))
        kind = str(state["kind"].values[s])
        if reg is None:
            return {}
        fam = family.get(ind, ind)
        candidates = [k for k, i in enumerate(self.indicators) if family.get(i, i) == fam]
        candidates.sort(key=lambda k: self.indicators[k] != ind)  # the indicator itself first
        out: dict[int, float] = {}
        for k in candidates:
            series = self.values[k, reg]
            for y in np.unique(self.year):
                if y >= year or int(y) in out:
                    continue
                row = np.full(12, np.nan)
                mask = self.year == y
                row[self.month[mask] - 1] = series[mask]
                if kind == "annual_mean":
                    if np.isfinite(row).all():
                        days = month_days(int(y))
                        out[int(y)] = float(np.sum(row * days) / days.sum())
                elif kind == "level":
                    prev = series[(self.year == y - 1) & (self.month == 12)]
                    if prev.size and np.isfinite(prev[0]) and np.isfinite(row[dl - 1]):
                        out[int(y)] = float(row[dl - 1] - prev[0])
                elif np.isfinite(row[dl - 1]):
                    out[int(y)] = float(row[dl - 1])
        return out


__all__ = ["DEFAULT_GROWTH", "DEFAULT_PROBS", "PROB", "next_year_targets"]
