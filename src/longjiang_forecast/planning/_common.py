"""Shared helpers of the planning stage: what it reads from a forecast."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from numbers import Real
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pandas as pd
import xarray as xr

from .._core.checks import check_param
from .._core.exceptions import ForecastWarning
from .._core.limits import MIN_DRAWS
from .._core.provenance import make_attrs
from .._core.schema import SERIES

if TYPE_CHECKING:
    from ..catalog import Catalog


class ForecastLike(Protocol):
    """What the planning functions read from a forecast (see ``longjiang_forecast.Forecast``)."""

    # Read-only members (properties), so that the frozen dataclass Forecast satisfies the protocol.
    @property
    def summary(self) -> xr.Dataset: ...
    @property
    def paths(self) -> xr.DataArray: ...
    @property
    def draws(self) -> xr.Dataset: ...
    @property
    def state(self) -> xr.Dataset: ...
    @property
    def catalog(self) -> Catalog: ...


def check_forecast(forecast: Any, func: str) -> None:
    """Refuse a ``forecast`` argument that is not a forecast (a file path, a table), saying what to pass.

    Raises
    ------
    TypeError
        Naming ``func`` and what was given, with the two ways to have a Forecast.
    """
    if not all(hasattr(forecast, part) for part in ("summary", "paths", "state", "catalog")):
        raise TypeError(
            f"{func} takes a Forecast, got {type(forecast).__name__} {forecast!r:.60}: make one with "
            "lf.forecast(progress, catalog) or read one with lf.open_forecast('out/forecast.nc')."
        )


def check_prob(value: Any, name: str, func: str) -> float:
    """Validate a probability in the open interval (0, 1)."""
    check_param(func, name, value, Real, 0, 1, closed="neither")
    return float(value)


def sign_of(comparator: np.ndarray) -> np.ndarray:
    """+1 for ``>=``, -1 for ``<=``."""
    return np.where(np.asarray(comparator) == "<=", -1.0, 1.0)


def deadline_index(state: xr.Dataset) -> np.ndarray:
    """0-based month index of the report each deadline is judged on (as in the summaries)."""
    return np.clip(state["deadline_month"].values.astype(int) - 1, 0, 11)


def forecast_ok(forecast: ForecastLike) -> np.ndarray:
    """Series that have a forecast (the summary's ``reason`` is empty)."""
    reason = forecast.summary["reason"].values if "reason" in forecast.summary else None
    if reason is None:
        return np.ones(forecast.summary.sizes[SERIES], dtype=bool)
    return np.asarray([str(r) == "" for r in reason])


def provenance(forecast: ForecastLike, **extra: Any) -> dict[str, Any]:
    """Attrs of a planning output: provenance of the forecast it was computed from, plus ``extra``."""
    src = forecast.summary.attrs
    keep = ("as_of", "model", "seed_entropy", "n_draws", "data_source", "data_sha256", "catalog_source")
    merged = {k: src[k] for k in keep if k in src}
    merged.update(extra)
    return make_attrs(**merged)


def series_frame(forecast: ForecastLike) -> pd.DataFrame:
    """One row per series: indicator, region, names, kind, unit, target, comparator."""
    s = forecast.summary
    return pd.DataFrame(
        {
            "indicator": s["indicator"].values.astype(str),
            "region": s["region"].values.astype(str),
            "name_zh": s["name_zh"].values.astype(str),
            "name_en": s["name_en"].values.astype(str),
            "kind": s["kind"].values.astype(str),
            "unit": s["unit"].values.astype(str),
        }
    )


#: Fewest kept paths behind the list's joint figures (P(all met), rank probabilities, risk drivers)
#: without a warning, the command line's fewest --keep-paths: 2 kept paths gave P(all met)
#: "0.0 ± 0.0" and a prefecture "most likely last" with probability 1, without a word (a break-it
#: pass). Not refused: a forecast built by hand on a few paths has known answers.
MIN_JOINT_PATHS = MIN_DRAWS


def joint_paths(forecast: ForecastLike, func: str) -> np.ndarray:
    """The kept paths (draw, series, month) of ``forecast``, with a warning when too few for joint figures.

    Warns
    -----
    ForecastWarning
        If the forecast keeps fewer than :data:`MIN_JOINT_PATHS` paths, naming ``func`` and the fix.
    """
    kept = int(forecast.paths.sizes["draw"])
    if kept < MIN_JOINT_PATHS:
        warnings.warn(
            f"{func}: the forecast keeps {kept} path(s); its figures of the targets together are read "
            f"from the kept paths, so each is a share of {kept} (0 or 1 with one path), far from the "
            f"probability it estimates (the table's P(met) uses every draw). Forecast with keep_paths of "
            f"at least {MIN_JOINT_PATHS} (default 4000; command line --keep-paths).",
            ForecastWarning,
            stacklevel=3,
        )
    return np.asarray(forecast.paths.values)


#: Fewest kept paths beyond a figure read at probability p (a proposal, a required pace: for '>=' a
#: share 1 − p of the paths lie below it): a probability nearer 0 or 1 than MIN_TAIL_PATHS / kept
#: reads a quantile the kept paths cannot show (0.999999 of 1,000 paths was printed as "met with
#: probability 100%"; a pace at 0.999 as "68.65×" the plain rate). Five, not more: the growth
#: factor's law is smooth and spreads each path over its own quantiles, and the whole list's
#: per-target confidence (``list_confidence``) may ask for 99.2 % of 1,000 paths (7.6 beyond it).
MIN_TAIL_PATHS = 5


def unresolved_probability(probs: Sequence[float], kept: int, what: str) -> str:
    """Why a probability of ``probs`` cannot be read from ``kept`` paths ("" where each can).

    A figure met with probability ``p`` (``what``: "a proposal met with probability") lies beyond a
    share ``min(p, 1 − p)`` of the paths: fewer than :data:`MIN_TAIL_PATHS` paths there and the
    quantile is beyond what the paths show.
    """
    beyond = [p for p in probs if min(p, 1.0 - p) * kept < MIN_TAIL_PATHS - 1e-9]  # 0.1 of 50 is 5
    if not beyond:
        return ""
    lo, hi = MIN_TAIL_PATHS / kept, 1.0 - MIN_TAIL_PATHS / kept
    worst = min(beyond, key=lambda p: min(p, 1.0 - p))  # the one the paths needed are counted for
    need = int(np.ceil(MIN_TAIL_PATHS / min(worst, 1.0 - worst) - 1e-9))  # 5 / (1 - 0.9) is 50.000...01
    rests = (
        f"{what} {worst!r} rests on the {min(worst, 1.0 - worst) * kept:.3g} kept path(s) "
        f"beyond it (of {kept}); at least {MIN_TAIL_PATHS} are needed"
    )
    more = f"forecast with keep_paths (and n_draws) of at least {need} (`--draws {need} --keep-paths {need}`)"
    if lo > hi:  # too few paths for any probability: 2 x MIN_TAIL_PATHS at least
        return f"{rests}, and {kept} kept paths cannot show any probability that way: {more}."
    return (
        f"{rests}, so with {kept} kept paths the probabilities must lie in [{lo:.4g}, {hi:.4g}]. Give a "
        f"probability in that range, or {more}."
    )
