"""Compile a :class:`Scenario` against the series of a forecast into arrays the simulator applies."""

from __future__ import annotations

import warnings
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from .._core.exceptions import DataValidationError, ForecastWarning
from .._core.names import first_named
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import PROVINCE, SERIES
from ._scenario import Effect, Scenario

if TYPE_CHECKING:
    from ..catalog import Catalog


@dataclass(frozen=True)
class CompiledScenario:
    """A scenario as arrays, factorised so memory does not grow with draws × series.

    Attributes
    ----------
    name : str
    masks : ndarray of shape (n_effects, n_series), bool
        Which series each rate effect touches.
    factors : ndarray of shape (n_effects, n_draws, 12), float32
        Each rate effect's multiplier per path and month (1 where inactive).
        Random events are drawn once per path and shared by all series of the effect.
    cap : ndarray of shape (n_series, 12)
        Largest increment per month in the indicator's unit (``inf`` for none).
    seed_entropy : str
    """

    name: str
    masks: np.ndarray
    factors: np.ndarray
    cap: np.ndarray
    seed_entropy: str

    def touched(self, window: np.ndarray | None = None) -> np.ndarray:
        """Return which series any effect can change, shape (n_series,), bool.

        ``window`` (n_series, 12), bool: the months each series simulates (from its latest
        report to its deadline's month); an effect only outside them changes nothing. Default:
        every month.
        """
        months = np.ones((self.masks.shape[1], 12), bool) if window is None else np.asarray(window, bool)
        active = (self.factors != 1).any(axis=1)  # (n_effects, 12)
        rate = (self.masks & (active[:, None, :] & months[None]).any(axis=2)).any(axis=0)
        return rate | (np.isfinite(self.cap) & months).any(axis=1)

    def multiplier(self, lo: int, hi: int) -> np.ndarray | None:
        """Return the rate multiplier of draws ``lo:hi``, shape (hi - lo, n_series, 12), or None if all 1."""
        if self.masks.shape[0] == 0:
            return None
        out = np.ones((hi - lo, self.masks.shape[1], 12))
        for mask, factor in zip(self.masks, self.factors, strict=True):
            # in place where selected: no copy of the selected columns out and back (2.5x faster)
            np.multiply(out, factor[lo:hi, None, :], out=out, where=mask[None, :, None])
        return out


def _selects(effect: Effect, state: xr.Dataset, tags: np.ndarray) -> np.ndarray:
    n = state.sizes[SERIES]
    mask = np.ones(n, bool)
    if effect.indicators:
        mask &= np.isin(state["indicator"].values, effect.indicators)
    if effect.kinds:
        mask &= np.isin(state["kind"].values, effect.kinds)
    if effect.regions:
        mask &= np.isin(state["region"].values, effect.regions)
    if effect.tags:
        mask &= np.array([bool(set(effect.tags) & set(str(t).split(";"))) for t in tags])
    return mask


#: Kinds whose monthly work a cap bounds, and those whose simulated paths scenarios change (a
#: milestone's hazard too; annual means and percent changes are not changed).
_CAPPED_KINDS = ("cumulative", "level")
_CHANGED_KINDS = (*_CAPPED_KINDS, "milestone")


def _changes_kind(effect: Effect, kinds: np.ndarray) -> np.ndarray:
    """Whether ``effect`` can change a series of each of ``kinds`` (a cap: :data:`_CAPPED_KINDS` only)."""
    return np.isin(kinds, _CAPPED_KINDS if effect.type == "cap" else _CHANGED_KINDS)


def _acts_on_nothing(effect: Effect, state: xr.Dataset, selected: np.ndarray) -> str:
    """Why ``effect`` can change no series of ``state`` ('' when it can change one).

    It does nothing whatever it selects (a factor of 1, a delay of probability 0: each ran
    without a word, every row marked "(0)"; a break-it pass), it selects none (the
    selectors together match no forecast series: a qualitative indicator, a tag the indicator does
    not carry), only kinds scenarios do not change (annual means, percent changes), a cap only
    milestones (a cap bounds monthly work, not a hazard), or it starts after the deadline of every
    series it selects.
    """
    if effect.type in ("multiplier", "push") and effect.factor == 1.0:
        return "has factor 1: it multiplies the rate by 1"
    if effect.type == "delay" and effect.probability == 0.0:
        return "has probability 0: no path is delayed"
    if not selected.any():
        indicators = state["indicator"].values.astype(str)
        own_rows = state["region"].values.astype(str) == PROVINCE
        if effect.indicators:
            own_rows &= np.isin(indicators, effect.indicators)
        if PROVINCE in effect.regions and not own_rows.any():
            return (
                "selects no series of this forecast (the province has no row of its own here: it is "
                "forecast as the total of its prefectures, so select the prefectures, or leave 'regions' "
                "out for all of them)"
            )
        return "selects no series of this forecast"
    kinds = state["kind"].values[selected]
    changed = _changes_kind(effect, kinds)
    if not changed.any():
        what = sorted(set(map(str, kinds)))
        who = "a cap does" if effect.type == "cap" else "scenarios do"
        return f"selects only series of kind {what}, which {who} not change"
    start = effect.first_month[0]
    deadline = np.asarray(state["deadline_month"].values, int)[selected][changed]
    if np.all(start > deadline):
        latest = int(deadline.max())
        return (
            f"starts in month {start}, after the deadline of every series it selects (at the latest {latest})"
        )
    return ""


def _province_left_out(effect: Effect, state: xr.Dataset, selected: np.ndarray) -> list[str]:
    """Indicators whose prefecture rows ``effect`` changes but whose own province row it does not.

    A province row that is a series of ``state`` is forecast from the province's own reports, not
    as the total of its prefectures (see :func:`~longjiang_forecast.progress.province_from_prefectures`),
    so an effect on some of its prefectures leaves it as it is.
    """
    changed = selected & _changes_kind(effect, state["kind"].values)
    indicator = state["indicator"].values.astype(str)
    province = state["region"].values.astype(str) == PROVINCE
    return sorted(set(indicator[changed & ~province]) & set(indicator[province & ~selected]))


def _province_totals_missed(effect: Effect, state: xr.Dataset, tags: np.ndarray) -> list[str]:
    """Indicators whose province row ``effect`` names (region 'province') but cannot reach.

    A province row forecast as the total of its prefectures is no series of ``state``: an effect
    whose regions name the province changes only the province rows that are series (forecast
    from the province's own reports). ``regions = ["province"]`` left 19a's P(met) as it was,
    without a word, while the same stoppage without ``regions`` took it from 0.53 to 0.01 (a
    break-it pass). Returns the indicators the effect selects but for its regions, that it can
    change, with prefecture series and no province series.
    """
    if PROVINCE not in effect.regions:
        return []
    anywhere = _selects(replace(effect, regions=()), state, tags)
    anywhere &= _changes_kind(effect, state["kind"].values)
    indicator = state["indicator"].values.astype(str)
    province = state["region"].values.astype(str) == PROVINCE
    return sorted(set(indicator[anywhere & ~province]) - set(indicator[province]))


def compile_scenario(
    scenario: Scenario, state: xr.Dataset, catalog: Catalog, *, n_draws: int, seed: SeedLike = None
) -> CompiledScenario:
    """Turn a scenario into per-path monthly multipliers and caps for the series of ``state``.

    Parameters
    ----------
    scenario : Scenario
    state : xarray.Dataset
        The observed state (series of the forecast), from ``build_state``.
    catalog : Catalog
        For the series' tags.
    n_draws : int
        Number of paths.
    seed : int, SeedSequence, Generator or None
        Seed of the random events (starts of stoppages, delay events and durations).

    Returns
    -------
    CompiledScenario

    Raises
    ------
    DataValidationError
        If the scenario's year is not the forecast's year.

    Warns
    -----
    ForecastWarning
        For an effect that ends by the latest report of every series it selects
        (it can change nothing); judged on each series' own latest report, not
        on the as-of month. For an effect that changes prefecture rows of an
        indicator whose province row is forecast from the province's own reports
        (that row does not move with them).
    """
    year = int(state.attrs["year"])
    if scenario.year != year:
        raise DataValidationError(
            f"{scenario.source or scenario.name}: 'year' is {scenario.year} but the forecast is for {year}. "
            f"Write the scenario's months in {year} (or set year = {year})."
        )
    tag_of = dict(zip(catalog.table["indicator"], catalog.table["tags"].fillna(""), strict=False))
    tags = np.array([tag_of.get(i, "") for i in state["indicator"].values], dtype=object)
    reported = np.asarray(state["last_month"].values, int)  # each series' own latest report
    for i, effect in enumerate(scenario.effects):

        def say(text: str, i: int = i, effect: Effect = effect) -> None:
            """Warn of effect ``i``, naming the scenario's file and the effect."""
            where = f"{scenario.source or scenario.name}: effects[{i}] ({effect.type}) "
            warnings.warn(where + text, ForecastWarning, stacklevel=3)

        last = effect.until if effect.type == "stoppage" else effect.last_month[1]
        if effect.type == "delay":
            last = effect.first_month[1] + effect.duration[1] - 1
        selected = _selects(effect, state, tags)
        idle = _acts_on_nothing(effect, state, selected)
        if idle:
            say(f"{idle}: it changes nothing. Check its indicators, tags, regions and months.")
            continue
        totals = _province_totals_missed(effect, state, tags)
        if totals:
            say(
                f"names 'province' in its regions, but the province rows of {first_named(totals)} are "
                "forecast as the "
                "total of their prefectures (no series of their own): the effect does not reach them, and "
                "their P(met) under this scenario is the baseline's. To change the province's total, select "
                "its prefectures, or leave 'regions' out for all of them.",
            )
        left_out = _province_left_out(effect, state, selected)
        if left_out:
            say(
                f"changes prefecture rows of {first_named(left_out)} but not their province rows, which are "
                "forecast from "
                "the province's own reports: the province's P(met) under this scenario leaves the change "
                "out. To see the province move with its prefectures, leave the province's rows of those "
                "indicators out of the progress data (the province is then forecast as the total of its "
                "prefectures, path by path). Adding 'province' to the effect's regions would apply it to "
                "the province's own row as a whole (every prefecture's work), not by these prefectures' "
                "share.",
            )
        # Judged per series: an effect changes a series whose latest report is before its last month.
        if effect.type != "cap" and selected.any() and np.all(reported[selected] >= last):
            say(
                f"ends in month {last}, and every series it selects ({int(selected.sum())}) has reports up "
                f"to month {int(reported[selected].min())} or later: it changes nothing (those months are "
                "reported).",
            )
        elif effect.type == "delay" and selected.any() and effect.first_month[0] <= reported[selected].min():
            known = int(reported[selected].min())
            say(
                f"can start in month {effect.first_month[0]}, and every series it selects has reports up to "
                f"month {known}: a delay drawn to start by then loses the months already reported, so fewer "
                f"paths are delayed, and for less long, than its probability {effect.probability} and "
                f"duration say. Start its window after month {known} for every delay drawn to count in full.",
            )
    ss = as_seed_sequence(seed)
    rng = np.random.default_rng(ss)
    months = np.arange(1, 13)
    masks, factors = [], []
    cap = np.full((state.sizes[SERIES], 12), np.inf)
    kinds = state["kind"].values
    for effect in scenario.effects:
        # only the series it can change: a cap selecting milestones changes none of them, and a
        # scenario comparison marked them touched beside a warning saying so (a break-it pass)
        mask = _selects(effect, state, tags) & _changes_kind(effect, kinds)
        if effect.type == "cap":
            window = (months >= effect.first_month[0]) & (months <= effect.last_month[1])
            limit = effect.max_share_per_month * np.abs(state["target"].values.astype(float))
            cap[mask] = np.where(window, np.minimum(cap[mask], limit[mask, None]), cap[mask])
            continue
        factor = np.ones((n_draws, 12), np.float32)
        if effect.type in ("multiplier", "push"):
            window = (months >= effect.first_month[0]) & (months <= effect.last_month[1])
            factor[:, window] = effect.factor
        elif effect.type == "stoppage":
            start = rng.integers(effect.first_month[0], effect.first_month[1] + 1, size=n_draws)
            stopped = (months[None, :] >= start[:, None]) & (months[None, :] <= effect.until)
            factor[stopped] = 0.0
        elif effect.type == "delay":
            hit = rng.random(n_draws) < effect.probability
            start = rng.integers(effect.first_month[0], effect.first_month[1] + 1, size=n_draws)
            length = rng.integers(effect.duration[0], effect.duration[1] + 1, size=n_draws)
            delayed = (months[None, :] >= start[:, None]) & (months[None, :] < (start + length)[:, None])
            factor[delayed & hit[:, None]] = 0.0
        masks.append(mask)
        factors.append(factor)
    return CompiledScenario(
        name=scenario.name,
        masks=np.array(masks, bool).reshape(len(masks), state.sizes[SERIES]),
        factors=np.array(factors, np.float32).reshape(len(factors), n_draws, 12),
        cap=cap,
        seed_entropy=str(ss.entropy),
    )
