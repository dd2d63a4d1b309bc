"""Shared machinery of the models: the fit loop over series, the ParameterDraws builder, validation.

Every model of this package except :class:`SeasonalShareModel` (which keeps
its own first-slice code) subclasses :class:`SeriesModel`. A subclass says,
for each series, how the rest of the year goes *given its parameters*, in one
of three forms the simulator understands:

* :class:`CountFit` (cumulative counts, and levels as the change since last
  December): a per-draw expected remaining increment to December, the
  monthly profile that shares it out, and a Gamma concentration (the
  month-to-month noise around it). It becomes ``dynamics="gamma"``.
* :class:`MeanFit` (annual means and changes against last year): a log
  seasonal profile, a per-draw year effect and a within-year log sd. It
  becomes ``dynamics="lognormal"``.
* :class:`HazardFit` (named milestones): a per-draw monthly completion
  hazard. It becomes ``dynamics="binomial"``.

A series a model cannot forecast raises :class:`Refusal` inside the subclass
hook; its message ends up in the ``reason`` variable of the draws and the
series gets ``dynamics="none"`` (never a crash, never a guess).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.checks import check_count
from .._core.exceptions import ForecastWarning
from .._core.provenance import make_attrs
from .._core.rng import UNSET, SeedLike, as_seed_sequence, named_stream, renamed_seed
from .._core.schema import MONTH, SERIES, tag_set
from .._core.state import month_days
from ..progress import build_state
from ._base import BaseModel, check_is_fitted
from ._draws import build_draws

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Sampler of one parameter per draw: ``f(generator, n_draws) -> ndarray of shape (n_draws,)``.
Sampler = Callable[[np.random.Generator, int], np.ndarray]


class Refusal(Exception):
    """Raised inside a model's per-series hook: this series cannot be forecast, and why."""


@dataclass(slots=True)
class CountFit:
    """How a cumulative count (or the change of a level) goes on after the last report.

    Attributes
    ----------
    remaining : Sampler
        Expected increment from the last report to the end of December given
        the parameters, one value per draw, in the indicator's unit, >= 0.
    profile : ndarray of shape (12,)
        Share of the remaining increment falling in each month (0 for months
        up to the last report), summing to 1.
    concentration : float
        Gamma shape of the whole remaining increment: its coefficient of
        variation given the parameters is ``1 / sqrt(concentration)``.
    extra : dict
        Per-series diagnostics stored with the draws (name -> float).
    """

    remaining: Sampler
    profile: np.ndarray
    concentration: float
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class MeanFit:
    """How monthly means go on (log-normal around a seasonal profile with a year effect).

    Attributes
    ----------
    log_mean : ndarray of shape (12,)
        Mean log monthly value by calendar month.
    year_effect : Sampler
        This year's shift of the log profile, one value per draw.
    log_sd : float
        Standard deviation of a month's log value around profile + year effect.
    extra : dict
        Per-series diagnostics stored with the draws (name -> float).
    """

    log_mean: np.ndarray
    year_effect: Sampler
    log_sd: float
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class HazardFit:
    """How named projects get done: a monthly completion hazard per draw.

    Attributes
    ----------
    hazard : Sampler
        Monthly probability that an open project is done, one value per draw, in [0, 1].
    extra : dict
        Per-series diagnostics stored with the draws (name -> float).
    """

    hazard: Sampler
    extra: dict[str, float] = field(default_factory=dict)


@dataclass(slots=True)
class SeriesContext:
    """What a per-series hook sees: the series' observed state and its history.

    Attributes
    ----------
    index : int
        Position of the series along ``series``.
    indicator, region, kind, comparator, tags, family : str
        From the catalogue.
    year : int
        The forecast year.
    target : float
        The target in the indicator's unit.
    observed : ndarray of shape (12,)
        This year's reports, NaN where not reported.
    last_month : int
        Month (0-12) of the latest report, 0 when none.
    last_value : float
        Latest report (NaN when none).
    deadline_month : int
        Month (1-12) whose report judges the target.
    upper : float
        Upper bound of the value (``inf`` when none).
    origin : float
        Where the year's change starts: 0 for counts, last December for levels.
    history : dict of int to ndarray of shape (12,)
        Monthly values of earlier years of the same family and region.
    history_targets : dict of int to float
        Targets of those earlier years (NaN where the catalogue has no row of that year).
    """

    index: int
    indicator: str
    region: str
    kind: str
    comparator: str
    tags: str
    family: str
    year: int
    target: float
    observed: np.ndarray
    last_month: int
    last_value: float
    deadline_month: int
    upper: float
    origin: float
    history: dict[int, np.ndarray]
    history_targets: dict[int, float]

    @property
    def label(self) -> str:
        """``indicator/region``: the name of the series' random streams."""
        return f"{self.indicator}/{self.region}"

    @property
    def done(self) -> float:
        """Change since the origin at the latest report (0 when none)."""
        return 0.0 if self.last_month == 0 else float(self.last_value - self.origin)

    @property
    def need(self) -> float:
        """Change since the origin the target requires."""
        return float(self.target - self.origin)


@functools.lru_cache(maxsize=4096)
def t_interval_ratio(df: float) -> float:
    """Half-width of a Student t 90 % interval over a normal's: ``t_{0.95,df} / z_{0.95}`` (> 1).

    The factor by which a normal sd is widened so that its 90 % interval is that of a Student t
    with ``df`` degrees of freedom (a small sample's predictive interval). The same numbers as
    ``scipy.stats.t.ppf(0.95, df) / scipy.stats.norm.ppf(0.95)``, without importing ``scipy.stats``
    (0.4 s) when the models load.
    """
    return float(special.stdtrit(df, 0.95) / special.ndtri(0.95))


# -- history helpers --------------------------------------------------------------------------
class FamilyHistory:
    """Monthly values and targets of earlier years of each family and region: the look-ups built once per fit.

    The catalogue's families and targets, the progress data's months, regions and which
    indicator reported in which year are read once; each ``(family, region)`` is then assembled
    on its first call and kept (a fit asks for the same one from every series of a family).

    Parameters
    ----------
    progress : xarray.Dataset
        Variable ``value`` (indicator, region, month).
    catalog : Catalog
        For the family of each indicator and its target.
    year : int
        The forecast year; only earlier years are returned.

    Examples
    --------
    >>> from longjiang_forecast import load_catalog
    >>> from longjiang_forecast.testing import synthetic_progress
    >>> catalog = load_catalog(2024)
    >>> history = FamilyHistory(synthetic_progress(catalog), catalog, 2024)
    >>> values, targets = history("09a", "harbin")
    >>> sorted(values), values[2023].shape, targets[2023]
    ([2021, 2022, 2023], (12,), nan)
    """

    def __init__(self, progress: xr.Dataset, catalog: Catalog, year: int) -> None:
        table = catalog.table
        self._catalog = catalog
        indicators = table["indicator"].astype(str)
        self._family_of = dict(zip(indicators, table["family"], strict=False))
        # A catalogue row's target is the target of its own year only: a catalogue of this year
        # says nothing about the plans of earlier years (a target borrowed from this year would make
        # every earlier year of a growing plan look like a miss).
        keys = zip(indicators, table["region"].astype(str), table["year"].astype(int), strict=True)
        self._target_of = dict(zip(keys, table["target"], strict=True))
        self._years_of: dict[str, set[int]] = {}
        for ind, y in zip(indicators, table["year"].astype(int), strict=True):
            self._years_of.setdefault(ind, set()).add(y)
        values = progress["value"].transpose("indicator", "region", MONTH)
        months = pd.DatetimeIndex(values[MONTH].values)
        self._month_index = np.asarray(months.month) - 1
        self._in_year = {y: np.flatnonzero(months.year == y) for y in sorted(set(months.year)) if y < year}
        self._values = values.values
        self._region_at = {str(r): k for k, r in reversed(list(enumerate(values["region"].values)))}
        self._indicators = values["indicator"].values.astype(str)
        # (indicator, region) -> whether any month of year y is reported, per earlier year
        finite = np.isfinite(self._values)
        self._reported = {y: finite[:, :, where].any(axis=2) for y, where in self._in_year.items()}
        self._members: dict[str, np.ndarray] = {}
        self._cache: dict[tuple[str, str], tuple[dict[int, np.ndarray], dict[int, float]]] = {}

    def __call__(self, family: str, region: str) -> tuple[dict[int, np.ndarray], dict[int, float]]:
        """Return the monthly values and targets of the earlier years of ``family`` in ``region``.

        Parameters
        ----------
        family : str
            The indicator family.
        region : str
            The region.

        Returns
        -------
        values : dict of int to ndarray of shape (12,)
            Monthly values per earlier year (NaN where not reported): those of the family's first
            indicator, in the progress data's order, with a report that year.
        targets : dict of int to float
            The target of each earlier year: that of a catalogue row of the same year
            (NaN where the catalogue has none, e.g. a catalogue of this year only).
        """
        key = (family, region)
        if key not in self._cache:
            self._cache[key] = self._assemble(family, region)
        return self._cache[key]

    def _assemble(self, family: str, region: str) -> tuple[dict[int, np.ndarray], dict[int, float]]:
        k = self._region_at.get(region)
        if k is None:
            return {}, {}
        if family not in self._members:
            self._members[family] = np.array(
                [i for i, ind in enumerate(self._indicators) if self._family_of.get(ind, ind) == family], int
            )
        members = self._members[family]
        # each year from the family's first indicator that reported in it; in the order of the
        # indicators, then of the years (the order the years are met in when read indicator by indicator)
        first = {
            y: int(members[hit][0]) for y in self._in_year if (hit := self._reported[y][members, k]).any()
        }
        out: dict[int, np.ndarray] = {}
        targets: dict[int, float] = {}
        for y, i in sorted(first.items(), key=lambda item: (item[1], item[0])):
            where = self._in_year[y]
            ind = str(self._indicators[i])
            row = np.full(12, np.nan)
            row[self._month_index[where]] = self._values[i, k, where]
            out[y] = row
            tgt = self._target_of.get((ind, region, y))
            if tgt is None and y in self._years_of.get(ind, ()):  # that year's provincial plan, split
                try:
                    tgt = self._catalog.target_for(ind, region, year=y)
                except (ValueError, KeyError):
                    tgt = math.nan
            targets[y] = math.nan if tgt is None else float(tgt)
        return out, targets


def increments(values: np.ndarray, start: float) -> list[tuple[int, int, float]]:
    """Increments between consecutive reports of one year.

    Parameters
    ----------
    values : ndarray of shape (12,)
        Cumulative values after months 1..12 (NaN where not reported).
    start : float
        Value at month 0 (0 for a count, last December for a level).

    Returns
    -------
    list of (int, int, float)
        ``(m0, m1, change)``: the change between the report after month
        ``m0`` and the next report, after month ``m1`` (months 0-12).
    """
    months = [0, *[int(m) + 1 for m in np.flatnonzero(np.isfinite(values))]]
    points = [start, *values[np.isfinite(values)]]
    if not np.isfinite(start):
        months, points = months[1:], points[1:]
    return [(months[i], months[i + 1], float(points[i + 1] - points[i])) for i in range(len(months) - 1)]


def reference_profile(tags: str, deadline_month: int) -> np.ndarray:
    """Return the fallback cumulative share curve used when there is no history.

    Outdoor construction and heating work in Heilongjiang happen in the
    frost-free season: April-October carry one unit of work a month and the
    other months 0.1 each. Other work is spread evenly (a flat run rate).

    Parameters
    ----------
    tags : str
        The catalogue's ``;``-separated tags of the indicator.
    deadline_month : int
        Month (1-12) of the deadline; an October deadline marks outdoor work too.

    Returns
    -------
    ndarray of shape (13,)
        Cumulative share after months 0..12, from 0 to 1.
    """
    weights = np.ones(12)
    if tag_set(tags) & {"outdoor", "heating"} or deadline_month <= 10:
        weights = np.where((np.arange(1, 13) >= 4) & (np.arange(1, 13) <= 10), 1.0, 0.1)
    return np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])


def reference_weights(tags: str, deadline_month: int) -> np.ndarray:
    """Monthly weights (12,) of the reference profile (see :func:`reference_profile`), summing to 1."""
    return np.diff(reference_profile(tags, deadline_month))


def remaining_profile(weights: np.ndarray, last_month: int, floor: float = 0.002) -> np.ndarray:
    """Normalise monthly weights over the months after ``last_month`` (each at least ``floor``)."""
    w = np.maximum(np.asarray(weights, float), floor)
    w[:last_month] = 0.0
    total = w.sum()
    return w / total if total > 0 else w


def beta_hazard_sampler(a: float, b: float) -> Sampler:
    """Sampler of a Beta(a, b) monthly hazard by inverse CDF of uniforms."""

    def draw(gen: np.random.Generator, n: int) -> np.ndarray:  # scipy.stats.beta.ppf, bit for bit
        return np.asarray(special.betaincinv(a, b, gen.random(n)), float)

    return draw


def default_hazard(ctx: SeriesContext) -> HazardFit:
    """The weak milestone hazard of the seasonal-share model (half the projects done by the deadline).

    Prior Beta(1, b0) with mean ``1 - 0.5**(1/deadline_month)``; each project
    open for a month counts one trial, each done one ``t/2``.
    """
    total, done, t = ctx.target, ctx.done, ctx.last_month
    dl = max(ctx.deadline_month, 1)
    prior_mean = 1 - 0.5 ** (1 / dl)
    a = 1.0 + done
    b = (1 - prior_mean) / prior_mean + (total - done) * t + done * t / 2
    return HazardFit(hazard=beta_hazard_sampler(a, b))


# -- the base class ---------------------------------------------------------------------------
class SeriesModel(BaseModel):
    """Base of the models: fits each series of the as-of year and builds ParameterDraws.

    Subclasses define ``__init__`` with keyword-only hyper-parameters (stored
    verbatim), :attr:`_constraints` and the hooks :meth:`_fit_count`,
    :meth:`_fit_mean` and :meth:`_fit_milestone` (each returns a fit object or
    raises :class:`Refusal`); :meth:`_prepare` may fit all series jointly.

    Attributes
    ----------
    state_ : xarray.Dataset
        The observed state (see :func:`longjiang_forecast.build_state`).
    fits_ : list of CountFit, MeanFit, HazardFit or None
        One per series (None where refused).
    basis_ : ndarray of shape (n_series,), object
        What each series' forecast rests on.
    reason_ : ndarray of shape (n_series,), object
        Why a series cannot be forecast ("" when it can).
    baseline_ : ndarray of shape (n_series,)
        Last year's value where the model resolved it (levels, changes).
    """

    # -- fit --------------------------------------------------------------------------------
    def fit(self, progress: xr.Dataset, *, catalog: Catalog, as_of: Any = None) -> Self:
        """Fit every series of the as-of year to the reports known at ``as_of``.

        Parameters
        ----------
        progress : xarray.Dataset
            From :func:`longjiang_forecast.read_progress` or a loader; variable
            ``value`` (indicator, region, month). Earlier years of the same
            ``family`` are the model's history.
        catalog : Catalog
            Targets, kinds, comparators, deadlines and families.
        as_of : str or pandas.Timestamp, optional
            Month of the forecast, ``YYYY-MM``; default the latest reported month.

        Returns
        -------
        self
            The fitted model.

        Raises
        ------
        ValueError
            If a hyper-parameter is out of range.
        DataValidationError
            If the progress data has values after ``as_of`` or no series of the
            as-of year exists.
        """
        self._validate_params()
        state = build_state(progress, catalog, as_of)
        year = int(state.attrs["year"])
        n = state.sizes[SERIES]
        tags_of = dict(zip(catalog.table["indicator"], catalog.table["tags"], strict=False))
        self.basis_ = np.full(n, "", dtype=object)
        self.reason_ = np.full(n, "", dtype=object)
        self.baseline_ = state["baseline"].values.astype(float).copy()
        self.fits_: list[CountFit | MeanFit | HazardFit | None] = [None] * n
        contexts = []
        histories = FamilyHistory(progress, catalog, year)
        for s in range(n):
            ind = str(state["indicator"].values[s])
            reg = str(state["region"].values[s])
            family = str(state["family"].values[s]) or ind
            history, targets = histories(family, reg)
            upper = float(state["upper_bound"].values[s])
            contexts.append(
                SeriesContext(
                    index=s,
                    indicator=ind,
                    region=reg,
                    kind=str(state["kind"].values[s]),
                    comparator=str(state["comparator"].values[s]),
                    tags=str(tags_of.get(ind, "")),
                    family=family,
                    year=year,
                    target=float(state["target"].values[s]),
                    observed=state["observed"].values[s].astype(float),
                    last_month=int(state["last_month"].values[s]),
                    last_value=float(state["last_value"].values[s]),
                    deadline_month=int(state["deadline_month"].values[s]),
                    upper=upper if math.isfinite(upper) else math.inf,
                    origin=0.0,
                    history=history,
                    history_targets=targets,
                )
            )
        self._resolve_origins(contexts)
        self.contexts_ = contexts
        self._prepare(contexts)
        for ctx in contexts:
            s = ctx.index
            if self.reason_[s]:
                continue
            fit: CountFit | MeanFit | HazardFit
            try:
                if ctx.kind in ("cumulative", "level"):
                    if ctx.comparator != ">=":
                        raise Refusal(f"{type(self).__name__} forecasts '>=' targets for counts and levels")
                    fit = self._fit_count(ctx)
                elif ctx.kind in ("annual_mean", "change"):
                    fit = self._fit_mean(ctx)
                elif ctx.kind == "milestone":
                    if ctx.target != round(ctx.target) or ctx.target < 1 or ctx.comparator != ">=":
                        raise Refusal(
                            "a milestone target must be a whole number (>= 1) of projects with '>='"
                        )
                    fit = self._fit_milestone(ctx)
                else:  # pragma: no cover - build_state drops qualitative rows
                    raise Refusal(f"kind '{ctx.kind}' is not forecastable")
            except Refusal as why:
                self.reason_[s] = str(why)
                continue
            self.fits_[s] = fit
        state = state.copy()
        state["baseline"] = (SERIES, self.baseline_.copy())
        self.state_ = state
        return self

    def _resolve_origins(self, contexts: list[SeriesContext]) -> None:
        """Set the origin of levels and the baseline of changes from the catalogue or history."""
        for ctx in contexts:
            s = ctx.index
            if ctx.kind == "level":
                origin = self.baseline_[s]
                prev = ctx.history.get(ctx.year - 1)
                if not np.isfinite(origin) and prev is not None and np.isfinite(prev[11]):
                    origin = float(prev[11])
                    self.baseline_[s] = origin
                if not np.isfinite(origin):
                    self.reason_[s] = (
                        "a level needs last year's value: add a 'baseline' to the catalogue or the "
                        "December report of last year to the progress file"
                    )
                else:
                    ctx.origin = float(origin)
            elif ctx.kind == "change" and not np.isfinite(self.baseline_[s]):
                prev = ctx.history.get(ctx.year - 1)
                days = month_days(ctx.year - 1)
                if prev is not None and np.isfinite(prev).all():
                    self.baseline_[s] = float(np.sum(prev * days) / days.sum())
                else:
                    self.reason_[s] = (
                        "a change against last year needs last year's value: add a 'baseline' to the "
                        "catalogue or all 12 monthly values of last year to the progress file"
                    )

    # -- hooks --------------------------------------------------------------------------------
    def _prepare(self, contexts: list[SeriesContext]) -> None:
        """Fit jointly before the per-series hooks (default: nothing)."""

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        raise Refusal(f"{type(self).__name__} does not forecast counts or levels")

    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        raise Refusal(
            f"{type(self).__name__} does not forecast annual means or changes; use 'hierarchical', "
            "'ets', 'run_rate' or 'seasonal_share'"
        )

    def _fit_milestone(self, ctx: SeriesContext) -> HazardFit:
        raise Refusal(
            f"{type(self).__name__} does not forecast named milestones; use 'milestone' or 'seasonal_share'"
        )

    # -- draws --------------------------------------------------------------------------------
    def sample_parameters(self, n_draws: int, *, seed: SeedLike = None, rng: Any = UNSET) -> xr.Dataset:
        """Draw parameters for the simulator, one set per draw.

        Parameters
        ----------
        n_draws : int
            Number of parameter draws (>= 1).
        seed : int, SeedSequence, Generator or None
            Seed of the parameter draws. Each series draws from its own child stream keyed by
            its name (``indicator/region``, see :func:`~longjiang_forecast._core.rng.named_stream`),
            so a series' draws do not depend on which other series are drawn or in which order.

        Returns
        -------
        xarray.Dataset
            dims ``draw``, ``series``, ``month``. Variables read by
            :func:`longjiang_forecast.simulate`: ``dynamics`` (series; "gamma",
            "lognormal", "binomial" or "none"), ``start`` (series),
            ``gamma_shape`` (series, month), ``gamma_scale`` (draw, series),
            ``hazard`` (draw, series), ``total`` (series), ``log_mean``
            (series, month), ``year_effect`` (draw, series), ``log_sd``
            (series), ``transform`` (series), ``baseline`` (series). Also
            ``annual_total`` (draw, series): the year's expected change since
            the origin (counts, levels) given the parameters; ``p_all_done``
            and ``expected_done`` (draw, series) for milestones (exact given
            the hazard); ``basis`` and ``reason`` (series); and any per-series
            diagnostics of the model. attrs: model, its parameters, seed entropy.

        Warns
        -----
        FutureWarning
            If the seed is given under its old name ``rng=`` (kept for one release).

        Raises
        ------
        NotFittedError
            If called before :meth:`fit`.
        ValueError
            If ``n_draws`` is not a positive int.
        """
        check_is_fitted(self)
        check_count("sample_parameters", "n_draws", n_draws)
        seed = renamed_seed(seed, rng, old_name="rng", owner="sample_parameters")
        ss = as_seed_sequence(seed)
        state = self.state_
        n = state.sizes[SERIES]
        gens = [named_stream(ss, ctx.label) for ctx in self.contexts_]
        dynamics = np.full(n, "none", dtype=object)
        last_value = state["last_value"].values
        start = np.where(np.isfinite(last_value), last_value, 0.0)
        shape = np.zeros((n, 12))
        scale = np.zeros((n_draws, n))
        annual = np.full((n_draws, n), np.nan)
        hazard = np.zeros((n_draws, n))
        total = np.zeros(n)
        log_mean = np.zeros((n, 12))
        log_sd = np.zeros(n)
        year_effect = np.zeros((n_draws, n))
        extras: dict[str, np.ndarray] = {}
        for s, fit in enumerate(self.fits_):
            if fit is None:
                continue
            ctx = self.contexts_[s]
            gen = gens[s]
            for key, value in fit.extra.items():
                extras.setdefault(key, np.full(n, np.nan))[s] = value
            if isinstance(fit, CountFit):
                dynamics[s] = "gamma"
                if ctx.last_month == 0:
                    start[s] = ctx.origin
                remaining = np.asarray(fit.remaining(gen, n_draws), float)
                if ctx.upper < math.inf:
                    remaining = np.minimum(remaining, max(ctx.upper - start[s], 0.0))
                remaining = np.where(np.isfinite(remaining), np.maximum(remaining, 0.0), 0.0)
                annual[:, s] = start[s] - ctx.origin + remaining
                if ctx.last_month < 12:
                    k = max(float(fit.concentration), 1e-3) * fit.profile
                    shape[s] = k
                    scale[:, s] = remaining / k.sum()
            elif isinstance(fit, MeanFit):
                dynamics[s] = "lognormal"
                log_mean[s] = fit.log_mean
                log_sd[s] = max(float(fit.log_sd), 0.0)
                year_effect[:, s] = fit.year_effect(gen, n_draws)
            else:
                dynamics[s] = "binomial"
                total[s] = ctx.target
                h = np.clip(np.asarray(fit.hazard(gen, n_draws), float), 0.0, 1.0)
                hazard[:, s] = h
        values = {
            "dynamics": dynamics,
            "start": start,
            "gamma_shape": shape,
            "gamma_scale": scale,
            "annual_total": annual,
            "hazard": hazard,
            "total": total,
            "log_mean": log_mean,
            "year_effect": year_effect,
            "log_sd": log_sd,
            "baseline": self.baseline_.copy(),
            "basis": self.basis_.copy(),
            "reason": self.reason_.copy(),
        }
        attrs = make_attrs(
            model=type(self).__name__,
            model_params=repr(self.get_params(deep=False)),
            seed_entropy=str(ss.entropy),
            as_of=state.attrs["as_of"],
            **self._draw_attrs(),
        )
        per_series = {key: ((SERIES,), value) for key, value in extras.items()}
        return build_draws(state, n_draws, values, extras=per_series, attrs=attrs)

    def _draw_attrs(self) -> dict[str, Any]:
        """Extra attrs of the draws (e.g. convergence diagnostics)."""
        return {}


def warn_weak(message: str) -> None:
    """Emit a :class:`ForecastWarning` (a forecast on weaker ground than usual)."""
    warnings.warn(message, ForecastWarning, stacklevel=3)
