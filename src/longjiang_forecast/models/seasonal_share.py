"""Reference-class seasonal-share model: the outside view of how much of a year's work is done by each month.

For each series the model learns, from earlier years of the same indicator
family in all its prefectures, the cumulative share of a year's total done by
the end of each month, paired with how that year ended against its plan.
Observing this year's progress ``C`` after month ``t`` then tells how big this
year's total ``A`` is likely to be (``C ≈ A · share(t)``), weighing each earlier
year by how alike its pace was; a prefecture's habitual over- or under-shoot
shifts the prior (the plan itself when the record is short). The remaining
months share out ``A − C`` in the usual seasonal pattern. Levels and ratios are handled as the change since
the start of the year; annual means (PM2.5) by a log-normal seasonal profile
with a year effect; named milestones by a monthly completion hazard.

References
----------
Kahneman, D. & Lovallo, D. (1993). Timid choices and bold forecasts: a
cognitive perspective on risk taking. *Management Science* 39(1), 17-31
(the "outside view" / reference-class forecasting).
Flyvbjerg, B. (2006). From Nobel prize to project management: getting risks
right. *Project Management Journal* 37(3), 5-15.
Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*.
Chapman & Hall (kernel widths).
"""

from __future__ import annotations

import math
import os
import warnings
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from functools import cached_property
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Self

import numpy as np
import xarray as xr
from scipy import special

from .._core.checks import check_count
from .._core.clusters import PRIOR_ICC, effective_n, year_icc
from .._core.provenance import make_attrs
from .._core.rng import UNSET, SeedLike, as_seed_sequence, named_stream, renamed_seed
from .._core.schema import MONTH, PROVINCE, SERIES, SPLIT_TARGET_BASIS
from .._core.state import month_days
from ..progress import build_state
from ._base import BaseModel, check_is_fitted
from ._common import FamilyHistory, reference_profile, t_interval_ratio
from ._draws import build_draws
from ._pace_kernels import pace_log_posterior

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Points of the year effect's grid (see :func:`_year_effect_cdf`): its CDF is exact at each point
#: and smooth, so linear interpolation between 1,024 points errs by about 2e-5 (16,384: 1e-7).
_YEAR_EFFECT_GRID = 1024
#: Threads of the fit (at most the CPUs): the series' year's-total posteriors, the year effects' blocks;
#: and of the parameter draws.
_FIT_THREADS = 8
#: Series per task of the parameter draws (each series from its own stream: any split gives the same draws).
_DRAW_SERIES_BLOCK = 256
#: The year's-total posterior's grid of ``log A`` (see :func:`_posterior_grid`): points spread
#: evenly over the whole range, and points over each group of kernels (pace, late start) where
#: its mass is, out to this many kernel widths on either side.
_BACKBONE_POINTS = 256
_BODY_POINTS = 768
_BODY_WIDTHS = 8.0
#: Longest gap (months) between two reports of an earlier year that is joined linearly.
_MAX_GAP = 3
#: Smallest expected share of the year's work in any remaining month.
_MIN_MONTH_SHARE = 0.002
#: Dirichlet concentration of the split of what remains after month t (the sum of the remaining
#: months' parameters, :func:`_split_concentration`) where the reference class has fewer than
#: :data:`_MIN_SPLIT_YEARS` years to estimate it from, per unit of the year's share that remains:
#: ``_SPLIT_FALLBACK * (1 - F(t))``. Below what the real national series show (docs/methods.md,
#: "Timing of the remaining work": the old residential communities' earlier years give 44-65 a
#: year as of June-September 2024 and July 2025), so that a series without the history to show
#: its timing gets wider months, not narrower.
_SPLIT_FALLBACK = 40.0
#: Reference years with a report at month t and at a later month needed to estimate the split.
_MIN_SPLIT_YEARS = 3
#: Bounds of the estimated concentration of the remaining split (an estimate from a few years
#: whose remaining shares hardly differ is not taken as exact timing).
_SPLIT_BOUNDS = (2.0, 2_000.0)
#: Smallest share of a reference year taken on the log scale (a year idle by month t).
_MIN_SHARE = 1e-4
#: The reporting resolution, as a share of what is needed: the least that counts as something done
#: (:meth:`_ReferenceClass.least_share`).
_RESOLUTION = 1e-3
#: Degrees of freedom of the Student-t prior kernels of the year's-total posterior.
_KERNEL_DF = 4
#: The Student-t kernels' law, and their scale per unit of kernel width (90 % intervals of the normal).
_KERNEL_SCALE = 1.0 / t_interval_ratio(_KERNEL_DF)
#: Log normalising constant of the Student-t kernel's density (scale 1).
_KERNEL_LOGC = float(
    special.gammaln((_KERNEL_DF + 1) / 2) - special.gammaln(_KERNEL_DF / 2) - 0.5 * np.log(_KERNEL_DF * np.pi)
)
#: Smallest kernel width on the log scale.
_MIN_BANDWIDTH = 0.001
#: Smallest mean share of the year's work by the earlier month of a path's shape: below it
#: (winter months) the shape is the noise of a few small reports.
_MIN_SHAPE_SHARE = 0.05
#: Earlier points that a prior spread (the fallback share spread, the plan prior) counts as.
_PRIOR_YEARS = 1
#: Annual means: prior guess of the sd of a month's log value around profile + year effect, and
#: the points (degrees of freedom) it counts as in its scaled-inverse-χ² posterior. Weak on
#: purpose (ν₀ s₀² small): a PM2.5 series' months scatter by about 0.15-0.25 (Shenyang, Beijing,
#: Shanghai 2010-2015), an intensity index's by a few per cent, and the data decide within a few
#: months (a stronger guess of 0.15 on 4 points gave a flat intensity series six identical
#: reports and still P(met) 0.63 for a target 2 points away).
_MONTH_SD_PRIOR = 0.05
_MONTH_SD_PRIOR_DOF = 1
#: Annual means: the points that ``year_effect_sd``, the prior guess of the year-to-year sd,
#: counts as (the year effect has one datum per earlier year).
_YEAR_SD_PRIOR_DOF = 4
#: Nodes per variance (σ², τ²) of the quadrature that integrates them out of the year effect.
_VARIANCE_NODES = 32
#: Grid points of the year effect's CDF computed at once (a block of 256 x 1,024 nodes: 2 MiB).
_CDF_BLOCK = 256
#: Reference years per start month in the late-start regime's kernels (see ``_late_start``).
_LATE_KERNELS = 12
#: Start months of a late start kept apart (the next one has probability 1/2, the sixth 1/64).
_LATE_START_MONTHS = 6
#: Equal-probability totals of the posterior that the stopped-season component scales (see
#: ``_with_stop``).
_STOP_NODES = 32
#: An earlier year without reports.
_NO_YEAR = np.full(12, np.nan)


class SeasonalShareModel(BaseModel):
    """Reference-class seasonal-share model: this year's pace against the family's earlier years.

    The reference class is every earlier year of the indicator's family in every prefecture of
    the family. Each reference year pairs its pace (the share of its total done by each month)
    with its outcome against its plan; a prefecture's habitual over- or under-shoot is learned
    as a shrunk random effect. The year's total is drawn from a kernel mixture over the
    reference years conditioned on what is reported so far (see ``docs/methods.md``).

    Parameters
    ----------
    plan_prior_sd : float, default 0.25
        Log-scale sd of the prior of the year's total around the total that would just meet
        the target, used when fewer than 3 earlier outcomes against known plans exist; with
        more, it is the prior spread their own spread is pooled with (counted as one outcome).
        Published series are mostly met targets, so the plan, not their record, is the prior
        of a short record.
    fallback_share_sd : float, default 0.3
        Spread of the share done by month ``t`` when fewer than ``min_history_years``
        reference years are known there: sd = ``fallback_share_sd * sqrt(F (1 - F))`` around
        the reference profile's share ``F``; also the prior spread a small reference class's
        own spread is pooled with.
    month_concentration : float or None, default None
        How the months share the work that remains once the year's total is drawn: a
        Dirichlet split (``dynamics="dirichlet"``) whose parameters are the concentration
        times the mean share of each remaining month, so the total of each draw is kept and
        only the timing varies (the first-passage month, the monthly fan chart). None
        estimates the concentration of each series' split after its latest report from its
        reference years' own splits of what remained then (method of moments of the Dirichlet;
        ``split_concentration_``), 40 a year where fewer than 3 years show it; a number fixes it
        as the concentration of a full year (the remaining months get that times their share).
    year_effect_sd : float, default 0.15
        For annual means: prior guess of the sd of the year effect (a year's shift of the log
        seasonal profile), counted as 4 earlier years in its scaled-inverse-χ² posterior.
    min_history_years : int, default 2
        Reference years (series-years of the family with a December report) known at the
        as-of month needed to use their paces rather than the fallback profile.

    Attributes
    ----------
    state_ : xarray.Dataset
        The observed state (see ``build_state``), dims (series, month).
    share_mean_ : ndarray of shape (n_series, 13)
        Mean cumulative share after months 0..12 over the reference class
        (the planned trajectory of Earned Schedule).
    reference_ : list of length n_series
        Per count or level series, the kernels of its reference class: the
        log shares of the earlier years and their outcomes against their plans.
    basis_ : ndarray of shape (n_series,), str
        What each series' forecast rests on (history years or fallback).
    plan_need_ : ndarray of shape (n_series,)
        Per count or level series, the change by the deadline that its plan prior is centred on,
        in the indicator's unit: its target less its start of the year; for a prefecture level
        whose target is the province's, copied, its own usual change over the year to the
        deadline instead (``docs/methods.md``); NaN where not fitted.
    reason_ : ndarray of shape (n_series,), str
        Why a series cannot be forecast ("" when it can).
    family_ : ndarray of shape (n_series,), str
        The indicator family of each series (its indicator where the catalogue names none).
    year_corr_ : ndarray of shape (n_series,)
        Correlation, in [0, 1], between this series' draws and those of the other series of its
        family (the year's province-wide shock, see :meth:`_shared_year_uniforms`).
    split_concentration_ : ndarray of shape (n_series,)
        Dirichlet concentration of the split of what remains after the latest report (the sum
        of the remaining months' parameters; NaN where the series is not a count or level):
        the larger, the closer each month's increment is to its mean share of the remainder.
    """

    _constraints = {  # noqa: RUF012
        "plan_prior_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "fallback_share_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "month_concentration": {"kind": Real, "low": 0, "closed": "neither", "none": True},
        "year_effect_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "min_history_years": {"kind": Integral, "low": 1},
    }

    def __init__(
        self,
        *,
        plan_prior_sd: float = 0.25,
        fallback_share_sd: float = 0.3,
        month_concentration: float | None = None,
        year_effect_sd: float = 0.15,
        min_history_years: int = 2,
    ) -> None:
        self.plan_prior_sd = plan_prior_sd
        self.fallback_share_sd = fallback_share_sd
        self.month_concentration = month_concentration
        self.year_effect_sd = year_effect_sd
        self.min_history_years = min_history_years

    def fit(self, progress: xr.Dataset, *, catalog: Catalog, as_of: Any = None) -> Self:
        """Learn the seasonal shares and condition on this year's reports.

        Parameters
        ----------
        progress : xarray.Dataset
            From :func:`longjiang_forecast.read_progress`; variable ``value``
            (indicator, region, month). Earlier years are the reference class.
        catalog : Catalog
            The catalogue (targets, kinds, deadlines, families).
        as_of : str or pandas.Timestamp, optional
            Month of the forecast, ``YYYY-MM``; default the latest reported month.

        Returns
        -------
        SeasonalShareModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            If a hyper-parameter is out of range.
        DataValidationError
            If the progress data has values after ``as_of``.
        """
        self._validate_params()
        state = build_state(progress, catalog, as_of)
        year = int(state.attrs["year"])
        n = state.sizes[SERIES]
        family_of = dict(zip(catalog.table["indicator"], catalog.table["family"], strict=False))
        tags_of = dict(zip(catalog.table["indicator"], catalog.table["tags"], strict=False))
        self.share_mean_ = np.zeros((n, 13))
        self.basis_ = np.full(n, "", dtype=object)
        self.reason_ = np.full(n, "", dtype=object)
        self.origin_ = np.zeros(n)
        self.plan_need_ = np.full(n, np.nan)
        self.family_ = np.array([str(family_of.get(i, i)) for i in state["indicator"].values], dtype=object)
        self.year_corr_ = np.zeros(n)
        self.split_concentration_ = np.full(n, np.nan)
        self.prior_icc_ = np.full(n, np.nan)
        self.pace_icc_ = np.full(n, np.nan)
        self.pace_var_ = np.full(n, np.nan)
        self.nowcast_: list[_Nowcast | None] = [None] * n
        self.posterior_: list[_Posterior | None] = [None] * n
        self.log_mean_ = np.full((n, 12), np.nan)
        self.log_sd_ = np.full(n, np.nan)
        self.year_effect_mean_ = np.full(n, np.nan)
        self.year_effect_sd_ = np.full(n, np.nan)
        self.year_effect_cdf_: list[tuple[np.ndarray, np.ndarray] | None] = [None] * n
        self.baseline_ = state.variables["baseline"].values.astype(float).copy()
        self.reference_: list[_ReferenceClass | None] = [None] * n
        history_of = FamilyHistory(progress, catalog, year)
        regions_of = _family_regions(progress, family_of)
        # the reference years of each (family, region, kind), read once for every series of the family
        years_of: dict[tuple[str, str, str], list[_ReferenceYear]] = {}

        classes: dict[tuple[Any, ...], dict[str, Any]] = {}  # see _fit_share's `widths`

        def reference_years(family: str, region: str, kind: str) -> list[_ReferenceYear]:
            if (family, region, kind) not in years_of:
                years_of[family, region, kind] = _reference_years(region, *history_of(family, region), kind)
            return years_of[family, region, kind]

        # every region's reference years of a (family, kind) in the data's order, and where each run lies
        pooled: dict[tuple[str, str], tuple[list[_ReferenceYear], dict[str, tuple[int, int]]]] = {}

        def class_years(family: str, region: str, kind: str) -> tuple[list[_ReferenceYear], bool]:
            """A region's reference years: its own first, then the other regions' in the data's order.

            Also says whether the region is one of the family's (else its years are added to theirs).
            """
            if (family, kind) not in pooled:
                flat: list[_ReferenceYear] = []
                where: dict[str, tuple[int, int]] = {}
                for r in regions_of.get(family, []):
                    start = len(flat)
                    flat.extend(reference_years(family, r, kind))
                    where[r] = (start, len(flat))
                pooled[family, kind] = (flat, where)
            flat, where = pooled[family, kind]
            if region not in where:
                return [*reference_years(family, region, kind), *flat], False
            lo, hi = where[region]
            return flat[lo:hi] + flat[:lo] + flat[hi:], True

        # the series' year's-total posteriors and year-effect CDFs in threads (numpy's array
        # arithmetic and the numba kernels release the GIL), each started as soon as its series
        # is fitted, so that they run while the next series are: each on its own, the same
        # numbers whatever their number or order. The posteriors read only the state's columns
        # that the loop leaves as they are (deadline, target, last report).
        self.state_ = state  # read by the posteriors in the threads
        try:
            posteriors: dict[int, Future[_Posterior | None]] = {}
            year_effects: dict[int, Future[tuple[np.ndarray, np.ndarray]]] = {}
            with _thread_pool() as pool:
                for s in range(n):
                    ind = str(state.variables["indicator"].values[s])
                    reg = str(state.variables["region"].values[s])
                    kind = str(state.variables["kind"].values[s])
                    family = family_of.get(ind, ind)
                    history = history_of(family, reg)[0]
                    if kind in ("cumulative", "level"):
                        years, member = class_years(family, reg, kind)
                        tags = str(tags_of.get(ind, ""))
                        # the widths of a reference class do not depend on its order: once per class
                        months = (int(state.variables[v].values[s]) for v in ("deadline_month", "last_month"))
                        key = (family, kind, tags, *months, None if member else reg)
                        self._fit_share(
                            s, state, history, years, reg, kind, tags, year, classes.setdefault(key, {})
                        )
                        posteriors[s] = pool.submit(self._posterior, s)
                    elif kind in ("annual_mean", "change"):
                        cdf = self._fit_lognormal(s, state, history, kind, year)
                        if cdf is not None:
                            year_effects[s] = pool.submit(_year_effect_cdf, *cdf)
                    elif kind == "milestone":
                        self._fit_milestone(s, state)
                    else:  # pragma: no cover - build_state drops qualitative rows
                        self.reason_[s] = f"kind '{kind}' is not forecastable"
                # The model's own copy of the state carries the baselines it resolved from history.
                state["baseline"] = (SERIES, self.baseline_.copy())
                for s, future in year_effects.items():
                    self._set_year_effect(s, *future.result())
                self.posterior_ = [posteriors[s].result() if s in posteriors else None for s in range(n)]
        except BaseException:
            del self.state_  # a fit that fails leaves the model unfitted
            raise
        self._share_late_starts()
        self._nowcast_year_effects()
        self.annual_cdf_ = [self._annual_cdf(s) for s in range(n)]
        for s, table in enumerate(self.annual_cdf_):
            ref = self.reference_[s]
            done, t = self._done(s)
            need = self.plan_need_[s]
            if (
                table is not None
                and ref is not None
                and 0 < t < 12
                and done > 0
                and ref.nothing_yet(done, need, t)
            ):
                self.basis_[s] += (
                    f"; almost nothing done: {done:g} by month {t} is less than "
                    f"{ref.least_share(t):.1%} of what is needed, the least share the earlier years' "
                    "progress resolves: read as nothing yet (judged by the years idle then, and a late start)"
                )
            step = 0.0 if table is None else float(table.cdf[0])  # the weight drawn at what is done
            if step >= 0.05:
                self.basis_[s] += (
                    f"; the year may be over: {step:.0%} of the weight on nothing more after month "
                    f"{self._done(s)[1]} (earlier years that added nothing after it)"
                )
        return self

    def _posterior(self, s: int) -> _Posterior | None:
        """The year's-total posterior of count or level series ``s`` on its grid (None where not needed)."""
        if self.reason_[s] or self.reference_[s] is None:
            return None
        done, t = self._done(s)
        if t == 12:
            return None
        grid, pace, late, width, late_prior, finished = self._total_posterior(s, done, t)
        late_sum = np.full(grid.size, -np.inf) if late is None else _logsumexp(late, axis=0)
        return _Posterior(grid, _logsumexp(pace, axis=0), late_sum, width, late_prior, finished)

    def _done(self, s: int) -> tuple[float, int]:
        """What series ``s`` has done since its origin by its latest report, and that report's month."""
        state = self.state_
        t = int(state.variables["last_month"].values[s])
        last = float(state.variables["last_value"].values[s])
        start = last if np.isfinite(last) else 0.0
        if state.variables["kind"].values[s] == "level" and t == 0:
            start = self.origin_[s]
        return start - self.origin_[s], t

    def _plan_centre(self, s: int) -> float:
        """The plan prior's ``log(A / need)``: the total whose mean share by the deadline meets the need."""
        dl = max(int(self.state_.variables["deadline_month"].values[s]), 1)
        return -float(np.log(max(self.share_mean_[s][dl], 1e-3)))

    def _share_late_starts(self) -> None:
        """Give each prefecture's late-start regime the weight its family's other prefectures say.

        Funds and permits come province-wide: when this year's other prefectures of a family are
        behind every earlier year's pace (their late-start weight high), this one is likelier a late
        start too, whatever its own reports say yet. The regime's prior weight, the defensive
        ``0.5 / (J + 1)`` of :func:`_late_start`, becomes the mean late-start weight of the family's
        other prefectures with a report this year (leave-one-out, each from its own reports and the
        defensive prior; never less than that prior): an estimate of this year's share of late
        starts. A family whose prefectures keep to the record's pace (the late years of the record
        are its reference years, not the regime) leaves every prior as it was. The province row
        (their sum) takes no part. Without this, thirteen prefectures all behind at once were read
        by the nowcast of the year effect as one year far below the record, and got P(met) 0
        where the exact probability was 0.17-0.50 (second generator, development seed 27, 2021 as
        of March: a province-wide late start; design note 006).
        """
        region = self.state_.variables["region"].values
        weight: dict[int, float] = {}
        for s, post in enumerate(self.posterior_):
            if post is None or region[s] == PROVINCE or self._done(s)[1] == 0:
                continue
            weight[s] = post.late_weight
        for family in sorted({self.family_[s] for s in weight}):
            members = [s for s in weight if self.family_[s] == family]
            if len(members) < 2:
                continue
            total = sum(weight[s] for s in members)
            for s in members:
                post = self.posterior_[s]
                assert post is not None  # members have a posterior
                prior = post.late_prior
                shared = (total - weight[s]) / (len(members) - 1)
                if not 0 < prior < shared < 1:
                    continue
                self.posterior_[s] = replace(
                    post,
                    pace=post.pace + np.log((1 - shared) / (1 - prior)),
                    late=post.late + np.log(shared / prior),
                    late_prior=shared,
                )

    def _nowcast_year_effects(self) -> None:
        """Read this year's province-wide effect of each family from its prefectures' reports.

        Within a family the outcome of prefecture ``r`` against its plan, ``z_r = log(A_r / need_r)``,
        has the attainment prior ``N(μ_r, P_r)`` (the Gaussian of the kernels' centres and width),
        of which a share ``ρ`` (:func:`.year_icc` of the record, :attr:`prior_icc_`) is the year's
        province-wide effect ``η`` and the rest the prefecture's own: ``z_r = μ_r + η + ε_r``,
        ``η ~ N(0, ρ P̄)``, ``ε_r ~ N(0, P_r − ρ P̄)``. Each prefecture's own reports, through its
        posterior (mean ``m_r``, variance ``V_r``), say ``ℓ_r ~ N(z_r, 1/π_r)`` with
        ``π_r = 1/V_r − 1/P_r`` and ``ℓ_r = (m_r/V_r − μ_r/P_r)/π_r`` (the Gaussian likelihood that
        turns the prior into the posterior). The normal-normal model then gives ``η`` from the
        *other* prefectures' reports (leave-one-out, so a prefecture's own reports are not counted
        twice), and the prefecture's prior becomes ``N(μ_r + E[η | others], P_r − ρ P̄ + Var[η | others])``
        (e.g. Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §5.4-5.5, the hierarchical
        normal model): a year in which every other prefecture is ahead of its record moves this
        one's prior up, with the uncertainty of that reading. Its kernels are reweighted by the
        ratio of the new prior to the old (:class:`_Nowcast`), so the shape of the posterior (late
        starts, heavy tails) stays. A series is left as it is where no other prefecture of its
        family has reports that say anything (reports of less than :data:`_MIN_SHAPE_SHARE` of a normal
        year, the quiet months, are noise and say nothing); the province row is not a prefecture (it
        is their sum) and takes no part. This is the nowcast a central bank makes of a quarter from
        its monthly indicators, with the record as the prior of the year effect.
        """
        kind = self.state_.variables["kind"].values
        region = self.state_.variables["region"].values
        need = self.plan_need_
        fits = [
            s
            for s in range(len(self.reason_))
            if not self.reason_[s]
            and kind[s] in ("cumulative", "level")
            and self.reference_[s] is not None
            and need[s] > 0
            and region[s] != PROVINCE  # the province is the prefectures' sum, not one of them
        ]
        moments: dict[int, tuple[float, float, float, float]] = {}
        for s in fits:
            done, t = self._done(s)
            if t == 12:
                continue
            ref, post = self.reference_[s], self.posterior_[s]
            assert ref is not None  # `fits` keeps the series with a reference class
            known = np.isfinite(ref.prior_loc)
            centres = ref.prior_loc[known] if known.any() else np.array([self._plan_centre(s)])
            width = ref.prior_sd if known.any() else self.plan_prior_sd
            mu, prior_var = float(np.mean(centres)), float(np.var(centres) + width**2)
            if t == 0 or ref.nothing_yet(done, need[s], t) or self.share_mean_[s][t] < _MIN_SHAPE_SHARE:
                # nothing reported yet, or a few small reports of the quiet months: noise, not pace
                moments[s] = (mu, prior_var, np.nan, 0.0)
                continue
            assert post is not None  # before month 12, a series with a reference class has one
            if post.late_weight >= 0.05:
                moments[s] = (mu, prior_var, np.nan, 0.0)  # a late start says nothing of the year's effect
                continue
            m, v = _pace_posterior_moments(ref, np.log(done / need[s]), t, mu, prior_var, post.pace_width)
            precision = 1.0 / max(v, 1e-12) - 1.0 / prior_var
            if precision <= 0:
                moments[s] = (mu, prior_var, np.nan, 0.0)
                continue
            moments[s] = (mu, prior_var, (m / v - mu / prior_var) / precision, precision)
        for family in sorted({self.family_[s] for s in moments}):
            members = [s for s in moments if self.family_[s] == family]
            var_eta = float(np.nanmedian(self.prior_icc_[members])) * float(
                np.median([moments[s][1] for s in members])
            )
            if len(members) < 2 or not var_eta > 0:
                continue
            own = {s: max(moments[s][1] - var_eta, 1e-12) for s in members}
            # The reports' noise (the timing of the year against the record's share curves) is
            # partly the year's own, shared by the prefectures (the pace's year ICC): a year that
            # starts late everywhere. What the prefectures share, u = η + c, is read from them;
            # η is the part of u that the record's year effects explain.
            noise = {s: 1.0 / moments[s][3] for s in members if moments[s][3] > 0}
            icc = self.pace_icc_[list(noise)] if noise else np.array([])
            rho = float(np.clip(np.nanmedian(icc), 0.0, 1.0)) if np.isfinite(icc).any() else 0.0
            var_c = rho * float(np.median(list(noise.values()))) if noise else 0.0
            var_u = var_eta + var_c
            # Each prefecture's reports as evidence of u: weight 1 / (its own spread + its own noise).
            weight = {s: 1.0 / (own[s] + (1.0 - rho) * noise[s]) if s in noise else 0.0 for s in members}
            resid = {s: moments[s][2] - moments[s][0] if weight[s] > 0 else 0.0 for s in members}
            total_w = sum(weight.values())
            total_wr = sum(weight[s] * resid[s] for s in members)
            gain = var_eta / var_u  # E[η | u] = gain · u
            shared = _eta_variance(var_eta, var_u, 1.0 / var_u + total_w)  # given every prefecture
            for s in members:
                others = total_w - weight[s]
                if others <= 0:
                    continue
                precision = 1.0 / var_u + others
                shift = gain * (total_wr - weight[s] * resid[s]) / precision
                mu, prior_var = moments[s][0], moments[s][1]
                unknown = _eta_variance(var_eta, var_u, precision)
                new_var = own[s] + unknown
                self.nowcast_[s] = _Nowcast(np.log(need[s]), mu, prior_var, mu + shift, new_var)
                # What the prefectures still share of the year is what is unknown of η.
                self.year_corr_[s] = _remaining_corr(
                    new_var, shared / new_var, self.pace_var_[s], self.pace_icc_[s]
                )
                n_others = sum(1 for q in members if q != s and weight[q] > 0)
                self.basis_[s] += (
                    f"; this year's province-wide effect read from {n_others} other prefecture(s)' "
                    f"reports: {np.exp(shift):.3f}x the record (log sd {np.sqrt(unknown):.3f})"
                )

    # -- counts and levels ------------------------------------------------------------
    def _fit_share(
        self,
        s: int,
        state: xr.Dataset,
        own: dict[int, np.ndarray],
        years: list[_ReferenceYear],
        region: str,
        kind: str,
        tags: str,
        year: int,
        widths: dict[str, Any],
    ) -> None:
        """Fit count or level series ``s`` from its region's history ``own`` and its reference years.

        ``widths`` holds what depends on the reference class as a set, not on its order (the mean
        share curve, the kernel widths): filled by the first series of the class, read by the rest.
        """
        if state.variables["comparator"].values[s] != ">=":
            self.reason_[s] = "the seasonal-share model forecasts '>=' targets for counts and levels"
            return
        origin = 0.0
        if kind == "level":
            origin = self.baseline_[s]
            if not np.isfinite(origin) and year - 1 in own:
                origin = own[year - 1][11]
                self.baseline_[s] = origin
            if not np.isfinite(origin):
                self.reason_[s] = (
                    "a level needs last year's value: add a 'baseline' to the catalogue or the "
                    "December report of last year to the progress file"
                )
                return
        self.origin_[s] = origin
        dl = int(state.variables["deadline_month"].values[s])
        t = int(state.variables["last_month"].values[s])
        shares = np.array([y.curve for y in years]).reshape(len(years), 13)
        if not widths:
            n_at = np.isfinite(shares).sum(axis=0)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = (
                    reference_profile(tags, dl) if n_at[t] == 0 else _fill_curve(np.nanmean(shares, axis=0))
                )
            sd = np.maximum(self.fallback_share_sd * np.sqrt(mean * (1 - mean)), 1e-6)
            widths.update(
                n_at=n_at,
                mean=mean,
                fallback=np.sqrt(np.log1p((sd / np.maximum(mean, 1e-6)) ** 2)),
                # the shares' own kernel width, month by month: near 0 a share's noise is additive
                share_sd=np.array([_share_bandwidth(col) for col in shares.T]),
            )
        n_at, mean, fallback_log_sd = widths["n_at"], widths["mean"], widths["fallback"]
        if n_at[t] < self.min_history_years:
            log_sd = fallback_log_sd
            log_share = (np.log(np.maximum(mean, 1e-6)) - log_sd**2 / 2)[None]
            self.basis_[s] = (
                f"fallback profile ({n_at[t]} earlier series-year(s) of the family with a December "
                f"report and a report within {_MAX_GAP} months of month {t}; "
                f"{self.min_history_years} needed)"
            )
        else:
            log_share = np.log(np.maximum(shares, _MIN_SHARE))
            if "log_sd" not in widths:
                iqr = _column_iqr(log_share)
                widths["log_sd"] = np.array(
                    [
                        _kernel_width(col[np.isfinite(col)], d, iqr=float(q))
                        for col, d, q in zip(log_share.T, fallback_log_sd, iqr, strict=True)
                    ]
                )
                widths["n_regions"] = len({y.region for y in years if np.isfinite(y.curve[t])})
            log_sd, n_regions = widths["log_sd"], widths["n_regions"]
            self.basis_[s] = (
                f"reference class: {n_at[t]} earlier series-year(s) of the family "
                f"({n_regions} region(s), {min(y.year for y in years)}-{max(y.year for y in years)})"
            )
        if "record" not in widths:  # the class's outcomes, whichever of its regions this is
            widths["record"] = _outcome_record(years, self.plan_prior_sd)
            widths["pace_icc"] = _pace_icc(years, log_share, t)
            widths["split"] = _split_concentration(shares, t)
        usual = _usual_change(state, s, own, year) if kind == "level" else None
        if usual is not None and not usual[0] > 0:
            self.reason_[s] = (
                f"its target is the province's, copied, not a plan of its own, and its earlier years "
                f"show no usual rise to expect instead ({_usual_words(usual)}): give it a target of its "
                "own in the catalogue, or earlier years' December reports"
            )
            return
        if usual is None:
            prior_loc, prior_sd, note, prior_icc = _attainment_prior(
                years, region, self.plan_prior_sd, widths["record"]
            )
        else:  # the province's level, copied: no plan of this prefecture's
            prior_loc, prior_sd, prior_icc = np.full(1, np.nan), self.plan_prior_sd, PRIOR_ICC
            note = (
                f"; its target is the province's, copied, not a plan of its own: prior of the year's "
                f"total: its own usual change, {usual[0]:.3g} a year (median of {usual[1]} earlier "
                f"year(s); log sd {self.plan_prior_sd:g})"
            )
        self.basis_[s] += note
        self.share_mean_[s] = mean
        self.split_concentration_[s] = self._remaining_concentration(mean, t, widths["split"])
        observed = state.variables["observed"].values[s]
        shape, t0 = _path_shape(log_share, mean, fallback_log_sd, observed - origin, t)
        if shape is not None:
            self.basis_[s] += (
                f"; earlier years weighted by how much of their month-{t} progress was done by month {t0}"
            )
        self.reference_[s] = _ReferenceClass(
            log_share, log_sd, prior_loc, prior_sd, shape, widths["share_sd"]
        )
        self.prior_icc_[s] = prior_icc
        self.pace_icc_[s] = widths["pace_icc"]
        self.pace_var_[s] = float(log_sd[t]) ** 2
        self.year_corr_[s] = _remaining_corr(prior_sd**2, prior_icc, self.pace_var_[s], self.pace_icc_[s])
        target = float(state.variables["target"].values[s])
        copied_need = None if usual is None else usual[0] * mean[dl]  # a usual year's change to the deadline
        need = target - origin if copied_need is None else copied_need
        self.basis_[s] += _pace_note(years, state, s, origin, t, need, copied=copied_need is not None)
        last = float(state.variables["last_value"].values[s])
        if kind == "level" and np.isfinite(last) and last < origin:
            # The shares describe a level that rises through the year; one that has fallen
            # below last December's value restarts from its latest report.
            self.origin_[s] = last
            self.basis_[s] += (
                f"; the level fell from {origin:g} (last December) to {last:g}: the gain is "
                "counted from the latest report"
            )
        self.plan_need_[s] = target - self.origin_[s] if copied_need is None else copied_need

    # -- annual means -----------------------------------------------------------------
    def _fit_lognormal(
        self, s: int, state: xr.Dataset, history: dict[int, np.ndarray], kind: str, year: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, float] | None:
        """Log-normal seasonal profile with a year effect, its variances with honest uncertainty.

        ``log y_{j,m} = μ_m + δ_j + ε_{j,m}`` with ``δ_j ~ N(0, τ²)`` and ``ε ~ N(0, σ²)``. The
        profile ``μ̂`` is the mean of the ``n`` earlier years, so this year's residuals
        ``r_m = log y_m − μ̂_m`` are ``(δ − δ̄) + (ε_m − ε̄_m)``: the year effect relative to the
        profile has prior variance ``τ² (1 + 1/n)`` and each month's noise ``σ² (1 + 1/n)`` (the
        profile's error, common and per month). ``σ²`` and ``τ²`` get the conjugate
        scaled-inverse-χ² posteriors (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed.,
        §3.2-3.3) of their residual sums of squares with their real degrees of freedom
        (``11 (n − 1)`` within the earlier years, ``k − 1`` in this year's ``k`` reports; one
        earlier year has none), each pooled with a prior guess (``σ``: :data:`_MONTH_SD_PRIOR`
        counted as :data:`_MONTH_SD_PRIOR_DOF` points; ``τ``: ``year_effect_sd`` counted as
        :data:`_YEAR_SD_PRIOR_DOF`). The year effect is drawn from its posterior integrated over
        both (:func:`_year_effect_cdf`); the months to come use the posterior mean of ``σ²``.

        Returns the arguments of :func:`_year_effect_cdf` (this year's residuals and both
        variances' nodes), which :meth:`fit` computes in its threads and hands to
        :meth:`_set_year_effect`; None where the series has no forecast (``reason_``).
        """
        past = {y: v for y, v in history.items() if y < year and np.isfinite(v).any()}
        if not past:
            self.reason_[s] = "an annual mean needs at least one earlier year of monthly values"
            return None
        obs = state.variables["observed"].values[s]
        # a monthly mean of 0 has no logarithm: a month not measured is left empty, not 0
        zero = [
            f"{y}-{m + 1:02d}"
            for y, v in [*sorted(past.items()), (year, obs)]
            for m in np.flatnonzero(v <= 0)
        ]
        if zero:
            self.reason_[s] = (
                f"monthly values of 0 or below ({', '.join(zero[:3])}{' …' if len(zero) > 3 else ''}): the "
                "log-normal model of an annual mean needs positive monthly means; leave a month that was "
                "not measured empty"
            )
            return None
        logs = np.log(np.array([past[y] for y in sorted(past)]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mu = np.nanmean(logs, axis=0)
        if not np.all(np.isfinite(mu)):
            missing = [int(m) + 1 for m in np.flatnonzero(~np.isfinite(mu))]
            self.reason_[s] = f"no earlier year has a value for month(s) {missing}"
            return None
        resid = logs - mu
        effects = np.nanmean(resid, axis=1)
        within = (resid - effects[:, None])[np.isfinite(resid)]
        n_years = logs.shape[0]
        # Degrees of freedom of the within-year residuals: one per value, less the 12 profile
        # means and the n - 1 free year effects (11 (n - 1) for complete years, 0 for one year).
        dof_within = max(within.size - 12 - (n_years - 1), 0)
        # The profile's error: each month's mean is of n_m earlier years.
        inflate = 1.0 + float(np.mean(1.0 / np.isfinite(logs).sum(axis=0)))
        seen = np.isfinite(obs)
        r = np.log(obs[seen]) - mu[seen]
        ss_now = float(np.sum((r - r.mean()) ** 2)) if r.size >= 2 else 0.0
        nu_sigma = _MONTH_SD_PRIOR_DOF + dof_within + max(r.size - 1, 0)
        s2_sigma = (
            _MONTH_SD_PRIOR_DOF * _MONTH_SD_PRIOR**2 + float(np.sum(within**2)) + ss_now / inflate
        ) / nu_sigma
        nu_tau = _YEAR_SD_PRIOR_DOF + n_years - 1
        s2_tau = (_YEAR_SD_PRIOR_DOF * self.year_effect_sd**2 + float(np.sum(effects**2))) / nu_tau
        sigma2 = _variance_nodes(nu_sigma, s2_sigma)
        self.log_mean_[s] = mu
        # The months to come: noise with the posterior mean of σ² (over the quadrature nodes,
        # finite even where the scaled-inverse-χ² mean is not).
        self.log_sd_[s] = float(np.sqrt(inflate * sigma2.mean()))
        years = sorted(past)
        self.basis_[s] = (
            f"log-normal seasonal profile from {n_years} earlier year(s) ({years[0]}-{years[-1]}); "
            f"month-to-month sd {np.sqrt(s2_sigma):.3f} on {nu_sigma - _MONTH_SD_PRIOR_DOF} degree(s) "
            f"of freedom and {_MONTH_SD_PRIOR_DOF} of prior, year-to-year sd {np.sqrt(s2_tau):.3f} "
            f"on {n_years - 1} and {_YEAR_SD_PRIOR_DOF} of prior"
        )
        if kind == "change" and not np.isfinite(self.baseline_[s]):
            prev = history.get(year - 1)
            if prev is not None and np.isfinite(prev).all():
                self.baseline_[s] = float(np.sum(prev * month_days(year - 1)) / month_days(year - 1).sum())
            else:
                self.reason_[s] = (
                    "a change against last year needs last year's value: add a 'baseline' to the "
                    "catalogue or all 12 monthly values of last year to the progress file"
                )
                return None
        return r, sigma2, _variance_nodes(nu_tau, s2_tau), inflate

    def _set_year_effect(self, s: int, grid: np.ndarray, cdf: np.ndarray) -> None:
        """Keep series ``s``'s year-effect posterior (:func:`_year_effect_cdf`), its mean and sd."""
        self.year_effect_cdf_[s] = (grid, cdf)
        weights = np.diff(cdf, prepend=0.0)
        self.year_effect_mean_[s] = float(np.sum(weights * grid))
        self.year_effect_sd_[s] = float(np.sqrt(np.sum(weights * (grid - self.year_effect_mean_[s]) ** 2)))

    def _year_effect(self, s: int, u: np.ndarray) -> np.ndarray:
        """Return the year effect (the shift of the log profile) at uniforms ``u``, by inverse CDF."""
        table = self.year_effect_cdf_[s]
        assert table is not None  # drawn only for the series whose year effect was fitted
        grid, cdf = table
        return np.interp(u, cdf, grid)

    # -- milestones -------------------------------------------------------------------
    def _fit_milestone(self, s: int, state: xr.Dataset) -> None:
        total = state.variables["target"].values[s]
        if state.variables["comparator"].values[s] != ">=" or total != np.round(total) or total < 1:
            self.reason_[s] = "a milestone target must be a whole number (>= 1) of projects with '>='"
            return
        self.basis_[s] = "monthly completion hazard (Beta prior: half the projects by the deadline)"

    def sample_parameters(self, n_draws: int, *, seed: SeedLike = None, rng: Any = UNSET) -> xr.Dataset:
        """Draw parameters for the simulator.

        Parameters
        ----------
        n_draws : int
            Number of parameter draws (>= 1).
        seed : int, SeedSequence, Generator or None
            Seed of the parameter draws.

        Returns
        -------
        xarray.Dataset
            dims ``draw``, ``series``, ``month``; the variables
            :func:`longjiang_forecast.simulate` reads (``dynamics``,
            ``start``, ``gamma_shape``, ``gamma_scale``, ``hazard``, ``total``,
            ``log_mean``, ``year_effect``, ``log_sd``, ``transform``,
            ``baseline``), plus ``annual_total`` (draw, series): the year's
            total of a count (or change of a level) in each draw; ``basis``
            and ``reason`` (series); ``plan_share`` (series, month): the share
            of the year's total due by the end of each month, the plan that
            :func:`longjiang_forecast.planning.schedule_performance` reads
            (``docs/planning.md``). attrs: model, parameters, seed entropy.

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
        kind = state.variables["kind"].values
        last_month = state.variables["last_month"].values
        dynamics = np.full(n, "none", dtype=object)
        start = np.where(np.isfinite(state["last_value"].values), state["last_value"].values, 0.0)
        shape = np.zeros((n, 12))
        scale = np.zeros((n_draws, n))
        annual = np.full((n_draws, n), np.nan)
        hazard = np.zeros((n_draws, n))
        total = np.zeros(n)
        year_effect = np.zeros((n_draws, n))
        basis = self.basis_.copy()
        labels = self._series_labels()
        own = np.empty((n, n_draws))  # one row per series, read below as columns of (draw, series)

        def draw_own(rows: range) -> None:
            for s in rows:
                named_stream(ss, labels[s]).random(n_draws, out=own[s])

        def draw_series(rows: range) -> None:
            for s in rows:
                if self.reason_[s]:
                    continue
                t = int(last_month[s])
                if kind[s] in ("cumulative", "level"):
                    dynamics[s] = "dirichlet"
                    if kind[s] == "level" and t == 0:
                        start[s] = self.origin_[s]
                    done = start[s] - self.origin_[s]
                    annual[:, s], late = self._annual_total(s, done, t, uniforms[:, s])
                    shape[s], scale[:, s] = self._gamma_split(s, t, done, annual[:, s])
                    if late >= 0.05:
                        basis[s] += (
                            f"; behind the earlier years' pace: {late:.0%} weight on a late start "
                            "(from a start month yet unknown, the months deliver what they did in earlier "
                            "years; the months lost are not made up)"
                        )
                elif kind[s] == "milestone":
                    dynamics[s] = "binomial"
                    total[s] = max(state.variables["target"].values[s], start[s])  # never fewer than done
                    hazard[:, s] = self._hazard(s, start[s], total[s], t, uniforms[:, s])
                else:
                    dynamics[s] = "lognormal"
                    year_effect[:, s] = self._year_effect(s, uniforms[:, s])

        # Each series from its own stream and its own columns, each family's shock on its own
        # columns: in threads (numpy's generators, interpolation and scipy's ufuncs release the
        # GIL), the same numbers whatever the threads.
        blocks = [range(lo, min(lo + _DRAW_SERIES_BLOCK, n)) for lo in range(0, n, _DRAW_SERIES_BLOCK)]
        with _thread_pool() as pool:
            list(pool.map(draw_own, blocks))
            uniforms = self._shared_year_uniforms(own.T, ss, n_draws, pool)
            list(pool.map(draw_series, blocks))
        values = {
            "dynamics": dynamics,
            "start": start,
            "gamma_shape": shape,
            "gamma_scale": scale,
            "annual_total": annual,
            "hazard": hazard,
            "total": total,
            "log_mean": np.nan_to_num(self.log_mean_),
            "year_effect": year_effect,
            "log_sd": np.nan_to_num(self.log_sd_),
            "baseline": self.baseline_,
            "basis": basis,
            "reason": self.reason_.copy(),
        }
        attrs = make_attrs(
            model=type(self).__name__,
            model_params=repr(self.get_params(deep=False)),
            seed_entropy=str(ss.entropy),
            as_of=state.attrs["as_of"],
        )
        # the planned trajectory of SPI(t), read by planning (see docs/planning.md)
        plan_share = ((SERIES, MONTH), np.asarray(self.share_mean_, dtype=float)[:, 1:])
        return build_draws(state, n_draws, values, extras={"plan_share": plan_share}, attrs=attrs)

    def _series_labels(self) -> list[str]:
        """``indicator/region`` of each series: the key of its own random stream."""
        state = self.state_
        return [f"{i}/{r}" for i, r in zip(state["indicator"].values, state["region"].values, strict=True)]

    def _shared_year_uniforms(
        self, uniforms: np.ndarray, ss: np.random.SeedSequence, n_draws: int, pool: ThreadPoolExecutor
    ) -> np.ndarray:
        """Make the draws of the series of one family share the year's province-wide shock.

        A Gaussian copula (e.g. Nelsen 2006, *An Introduction to Copulas*, 2nd ed., §2.3): in
        draw ``d``, count and level series ``s`` of family ``f`` take
        ``u = Φ(√ρ_s z_{f,d} + √(1 − ρ_s) Φ⁻¹(u_{s,d}))`` with one ``z_{f,d}`` per family and
        draw, so each series keeps its own law (the inverse-CDF draws are unchanged in law)
        while sums over prefectures get the spread of years the prefectures share.
        ``ρ_s`` is :attr:`year_corr_` (see :func:`_remaining_corr`). Families with one series
        are left as they are. Each series and each family shock has its own stream keyed by its
        name (:func:`~longjiang_forecast._core.rng.named_stream`), so a series' draws do not
        depend on which other series are forecast or in which order.

        Parameters
        ----------
        uniforms : ndarray of shape (n_draws, n_series)
            Independent uniforms, one per draw and series; overwritten in place with the result.
        ss : numpy.random.SeedSequence
            The seed of the draws; the family shocks come from its child keyed by the family.
        n_draws : int
            Number of draws.
        pool : ThreadPoolExecutor
            Runs the families (each on its own columns).

        Returns
        -------
        ndarray of shape (n_draws, n_series)
            ``uniforms``, now dependent within a family, in (0, 1).
        """
        kind = self.state_.variables["kind"].values
        joint = np.array([not r for r in self.reason_]) & np.isin(kind, ("cumulative", "level"))
        out = uniforms

        def share(family: str) -> None:
            members = np.flatnonzero(joint & (self.family_ == family))
            if members.size < 2:
                return
            common = named_stream(ss, f"family shock/{family}").standard_normal(n_draws)[:, None]
            rho = np.clip(self.year_corr_[members], 0.0, 1.0)[None, :]
            own = special.ndtri(np.clip(uniforms[:, members], 1e-12, 1 - 1e-12))
            out[:, members] = special.ndtr(np.sqrt(rho) * common + np.sqrt(1 - rho) * own)

        list(pool.map(share, sorted(set(self.family_[joint]))))
        return out

    def _annual_cdf(self, s: int) -> _AnnualCdf | None:
        """The posterior of series ``s``'s year total (or change) as an inverse-CDF table (None if not drawn).

        Fixed once the model is fitted, so it is built once in :meth:`fit` and read by every
        chunk of draws (:meth:`_annual_total`).

        A mixture over the reference years ``j``. The prior kernels are Student t (4 degrees of
        freedom, scaled to the 90 % interval of a normal of the kernel width), the pace kernels
        normal: where this year's pace is unlike every earlier year's, this year's own reports win
        instead of a narrow compromise between pace and prior (O'Hagan 1979, *J. R. Stat. Soc. B*
        41(3), 358-367, on outlier-prone priors). The prior of ``log A`` is a kernel at
        ``log need + prior_loc[j]`` (or, without earlier outcomes against plans, the plan prior
        ``log A ~ N(log centre, plan_prior_sd²)``), and the likelihood of ``done = A · F`` has
        ``log F`` a kernel at reference year ``j``'s log share at month ``t``. Pairing the two
        keeps what a reference year says about its pace and its outcome together (a late start
        that ended in a miss). A report of nothing at all is censored at the reporting
        resolution (1/1,000 of what is needed). The late-start weight is that of
        :func:`_late_start` (0 before any report).
        """
        post = self.posterior_[s]
        if post is None:
            return None
        logp = np.stack([post.pace, post.late])
        nowcast = self.nowcast_[s]
        if nowcast is not None:
            logp += nowcast.log_weight(post.grid)[None, :]
        late = _late_weight(logp + post.log_dx, 1)
        cdf = _grid_cdf(post.grid, _logsumexp(logp, axis=0))
        if post.finished > 0:
            # nothing more this year: a step at the grid's first point (done itself) taking its share
            # f of the pace part, (1 − l) of the whole; the late-start regime keeps its weight l:
            # f (1 − l) + (1 − f)(1 − l) pace + l late = f (1 − l) + (1 − f) whole + f l late
            step = post.finished * (1.0 - late)
            late_cdf = _grid_cdf(post.grid, logp[1]) if late > 0 else np.zeros_like(cdf)
            cdf = step + (1.0 - post.finished) * cdf + post.finished * late * late_cdf
        done, t = self._done(s)
        if t > 0:
            ref = self.reference_[s]
            assert ref is not None  # a series with a posterior has a reference class
            cdf = _with_stop(post.grid, cdf, done, _defensive_prior(ref.log_share.shape[0]))
        return _AnnualCdf(cdf, post.grid, late)

    def _annual_total(self, s: int, done: float, t: int, u: np.ndarray) -> tuple[np.ndarray, float]:
        """Draw the year's total (or change) given ``done`` after month ``t``, by inverse CDF at ``u``.

        Returns the draws (one per uniform of ``u``, never below ``done``) and the posterior weight
        of the late-start regime (see :meth:`_annual_cdf`).
        """
        if t == 12:
            return np.full(u.shape, done), 0.0
        table = self.annual_cdf_[s]
        assert table is not None  # every simulated series before its last month has a posterior
        total = np.maximum(np.exp(np.interp(u, table.cdf, table.grid)), done)
        total[u < table.cdf[0]] = done  # the step at the grid's first point: the year is over, exactly
        return total, table.late

    def _total_posterior(
        self, s: int, done: float, t: int
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray, float, float]:
        """Grid of ``log A`` and the unnormalised log posterior of the kernels on it.

        Returns the grid (G,), an array of the reference years' kernels (pace and outcome paired):
        (1, G) their sum where something is done (each over its band:
        :func:`~longjiang_forecast.models._pace_kernels.pace_log_posterior`), else (J, G) the prior
        kernels (before any report, nothing done, or every reference year over by ``t``), and, from the first
        report on, an array (K, G) of the late-start kernels (:func:`_late_start`; None without),
        the pace kernels' widths (J,) (:func:`_adaptive_widths`; zeros before any report), the
        late-start regime's prior weight (0 without the regime) and the weight of the reference
        years that had done all their year's work by month ``t`` (:func:`_finished_weight`; their
        kernels then leave the pace sum where any other year is left).
        """
        ref = self.reference_[s]
        assert ref is not None  # called for the series with a reference class only
        dl = max(int(self.state_.variables["deadline_month"].values[s]), 1)
        need = self.plan_need_[s]
        centre = max(need, 1e-9 * max(abs(need), 1.0)) / max(self.share_mean_[s][dl], 1e-3)
        lo = max(done, 1e-6 * centre)
        hi = max(lo * 1.001, 20.0 * max(centre, done))
        log_share, loc = np.broadcast_arrays(ref.log_share[:, t], ref.prior_loc)
        shape_logw = np.zeros(log_share.shape) if ref.shape_logw is None else ref.shape_logw
        keep = np.isfinite(log_share) & np.isfinite(shape_logw)
        # almost nothing is nothing yet: 10 households of 11,835 by June, read as a pace, put this
        # year's total at 10 / (an idle year's share), far above any plan (and above what 1,000
        # households gave); below the resolution of the class's shares a report is censored
        something = not ref.nothing_yet(done, need, t)
        log_share, loc, shape_logw = log_share[keep], loc[keep], shape_logw[keep]
        known = np.isfinite(loc)
        mean = np.where(known, np.log(max(need, 1e-12)) + np.nan_to_num(loc), np.log(centre))
        sd = np.where(known, ref.prior_sd, self.plan_prior_sd)
        if t == 0:
            h = np.zeros(mean.size)
            late = None
            bodies = [(mean, sd * _KERNEL_SCALE)]
        else:
            h = _adaptive_widths(log_share, float(ref.log_share_sd[t]))
            late = _late_start(
                np.log(lo),
                done if something else 0.0,
                mean,
                sd,
                np.broadcast_to(ref.log_share, (keep.size, 13))[keep],
                t,
            )
            # with something done, the pace kernels (normal) hold the mass; with nothing, the prior
            bodies = [(np.log(done) - log_share, h) if something else (mean, sd * _KERNEL_SCALE)]
            if late is not None:
                bodies.append((late.centre, late.scale))
        grid = _posterior_grid(np.log(lo), np.log(hi), bodies)
        # mean weight 1: the shape reweights the reference years against each other, not the
        # pace kernels against the late-start regime, which has no law of the shape
        logw = (
            np.zeros(mean.size)
            if ref.shape_logw is None
            else shape_logw - _logsumexp(shape_logw) + np.log(shape_logw.size)
        )
        finished, rest = 0.0, np.ones(log_share.size, dtype=bool)
        if t > 0 and something:
            finished, rest = _finished_weight(np.log(done), log_share, mean, sd * _KERNEL_SCALE, logw)
            rest &= ref.busy(log_share, t)  # a year with nothing yet at t cannot explain something done
        if t > 0 and something and rest.any():  # each pace kernel over its band only, summed (1, G)
            share, width, centre, scale, weight = (
                np.ascontiguousarray(a[rest], dtype=float)
                for a in (log_share, h, mean, sd * _KERNEL_SCALE, logw)
            )
            logp = pace_log_posterior(
                grid,
                float(np.log(done)),
                share,
                width,
                centre,
                scale,
                weight,
                float(_KERNEL_DF),
                _KERNEL_LOGC,
            )[None, :]
        else:  # the prior kernels: before any report, with nothing done, or every reference year over by t
            logp = _kernel_logpdf(grid[None, :], mean[:, None], sd[:, None] * _KERNEL_SCALE)  # (J, G)
            logp += logw[:, None]
            if t == 0:
                return grid, logp, None, h, 0.0, 0.0
            if not something:  # a report of nothing (or less than the resolution), censored there
                floor = np.log(ref.least_share(t) * max(need, 1e-12))
                logp += special.log_ndtr((floor - grid[None, :] - log_share[:, None]) / h[:, None])
        if late is None:
            return grid, logp, None, h, 0.0, finished
        logp += np.log1p(-late.prior)
        return grid, logp, late.logp(grid) + np.log(late.prior), h, late.prior, finished

    def _remaining_concentration(self, mean: np.ndarray, t: int, estimate: float) -> float:
        """Concentration of the split of what remains after month ``t`` (the remaining parameters' sum).

        ``month_concentration`` times the remaining mean share where it is given; else the
        reference class's ``estimate`` (:func:`_split_concentration`), or
        :data:`_SPLIT_FALLBACK` times the remaining share where the class cannot show it.
        """
        remaining = float(_remaining_shares(mean, t).sum())
        if self.month_concentration is not None:
            return float(self.month_concentration) * remaining
        if np.isfinite(estimate):
            return estimate
        return float(np.clip(_SPLIT_FALLBACK * remaining, *_SPLIT_BOUNDS))

    def _gamma_split(self, s: int, t: int, done: float, annual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Dirichlet parameters of the remaining months and the per-draw scale of the remainder.

        The remainder is ``annual - done``; the parameters are ``split_concentration_`` times each
        remaining month's mean share of the
        remainder, so that scale × their sum is the remainder of each draw.
        """
        shape = np.zeros(12)
        if t == 12:
            return shape, np.zeros_like(annual)
        monthly = _remaining_shares(self.share_mean_[s], t)
        shape[t:] = self.split_concentration_[s] * monthly / monthly.sum()
        return shape, (annual - done) / shape.sum()

    def _hazard(self, s: int, done: float, total: float, t: int, u: np.ndarray) -> np.ndarray:
        """Monthly completion hazard of a milestone programme, by inverse CDF of its Beta posterior.

        Prior: Beta(1, b0) with mean ``1 - 0.5**(1/deadline_month)``, so that
        each project is as likely as not done by the deadline. Each month a
        project stays open counts one trial; a project done by month ``t``
        counts ``t/2`` trials (its month is not reported).
        """
        dl = max(int(self.state_.variables["deadline_month"].values[s]), 1)
        prior_mean = 1 - 0.5 ** (1 / dl)
        a = 1.0 + done
        b = (1 - prior_mean) / prior_mean + (total - done) * t + done * t / 2
        return special.betaincinv(a, b, u)  # scipy.stats.beta.ppf without importing scipy.stats


def _thread_pool() -> ThreadPoolExecutor:
    """The threads of the fit and of the parameter draws: :data:`_FIT_THREADS`, at most the CPUs."""
    return ThreadPoolExecutor(max_workers=min(os.cpu_count() or 1, _FIT_THREADS))


def _logsumexp(x: np.ndarray, axis: int | None = None) -> Any:
    """``log(sum(exp(x)))`` along ``axis``, stable; ``-inf`` where every term is ``-inf``.

    ``scipy.special.logsumexp`` without its array-API dispatch, which costs more than the sum on
    the posterior grids.
    """
    top = np.max(x, axis=axis, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    terms = np.subtract(x, top)
    np.exp(terms, out=terms)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(terms, axis=axis, keepdims=True)) + top
    return np.squeeze(out, axis=axis) if axis is not None else float(out.ravel()[0])


def _posterior_grid(log_lo: float, log_hi: float, bodies: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """The grid of ``log A`` of a year's-total posterior: even over the range, dense where the mass is.

    :data:`_BACKBONE_POINTS` points spread evenly from ``log_lo`` to ``log_hi`` (the heavy tails
    of the Student-t kernels), and :data:`_BODY_POINTS` more over each group of kernels
    ``(centres, widths)`` of ``bodies``, from its lowest centre less :data:`_BODY_WIDTHS` widths to
    its highest plus as many, within the range. A normal kernel's mass beyond 8 widths is
    6e-16 of it, so the mass of every normal kernel lies where the points are dense; the
    densities are integrated by the trapezoid rule (:func:`_trapezoid_weights`). Against a grid
    of 65,536 even points, the largest difference of the CDFs is a few 1e-4 (``docs/methods.md``),
    where 4,096 even points, three times the work, left up to 3e-2 on the narrowest posteriors.

    Returns
    -------
    ndarray of shape (G,)
        Rising, distinct, from ``log_lo`` to ``log_hi``; G at most
        ``_BACKBONE_POINTS + len(bodies) * _BODY_POINTS``.
    """
    parts = [np.linspace(log_lo, log_hi, _BACKBONE_POINTS)]
    for centres, widths in bodies:
        below = max(log_lo, float(np.min(centres - _BODY_WIDTHS * widths)))
        above = min(log_hi, float(np.max(centres + _BODY_WIDTHS * widths)))
        if above > below:
            parts.append(np.linspace(below, above, _BODY_POINTS))
    return np.unique(np.concatenate(parts))


def _trapezoid_weights(grid: np.ndarray) -> np.ndarray:
    """Weights of the trapezoid rule on a rising grid (shape (G,)): half of each point's two cells."""
    cells = np.diff(grid)
    return 0.5 * (np.concatenate([[0.0], cells]) + np.concatenate([cells, [0.0]]))


def _late_weight(logp: np.ndarray, n_pace: int) -> float:
    """Posterior weight of the late-start regime: the kernels after the first ``n_pace`` rows of ``logp``."""
    if n_pace >= logp.shape[0]:
        return 0.0
    by_kernel = _logsumexp(logp, axis=1)
    return float(np.exp(_logsumexp(by_kernel[n_pace:]) - _logsumexp(by_kernel)))


def _grid_cdf(grid: np.ndarray, logp: np.ndarray) -> np.ndarray:
    """The CDF of an unnormalised log density on the (uneven) grid, by the trapezoid rule (0 to 1)."""
    density = np.exp(logp - logp.max())
    cdf = np.concatenate([[0.0], np.cumsum(0.5 * (density[1:] + density[:-1]) * np.diff(grid))])
    out: np.ndarray = cdf / cdf[-1]
    return out


def _kernel_logpdf(x: Any, loc: Any, scale: Any) -> np.ndarray:
    """Log density of the Student-t kernel (:data:`_KERNEL_DF` degrees of freedom), broadcast.

    The same numbers as ``scipy.stats.t.logpdf(x, _KERNEL_DF, loc, scale)``, written out because
    the prior and late-start kernels are evaluated on the posterior's grid (about 1,000-1,800
    points) for every series (scipy's generic path costs about 5x more).
    """
    # in place on one array: the operations and their order of ``C − log s − (ν+1)/2 · log1p(z²/ν)``
    z = np.asarray(np.subtract(x, loc), dtype=float)
    z /= scale
    np.multiply(z, z, out=z)
    z /= _KERNEL_DF
    np.log1p(z, out=z)
    z *= (_KERNEL_DF + 1) / 2
    return np.subtract(_KERNEL_LOGC - np.log(scale), z, out=z)


@dataclass(frozen=True)
class _AnnualCdf:
    """Inverse-CDF table of one series' year total: ``cdf`` (G,) rising to 1 over ``grid`` (G,) of log A."""

    cdf: np.ndarray
    grid: np.ndarray
    late: float


@dataclass(frozen=True)
class _Posterior:
    """The year's-total posterior of one series on its grid of ``log A`` (see ``_total_posterior``)."""

    grid: np.ndarray  # (G,) log A, rising, unevenly spaced (see _posterior_grid)
    pace: np.ndarray  # (G,) unnormalised log posterior of the reference years' kernels, summed
    late: np.ndarray  # (G,) the same of the late-start regime's kernels (-inf without)
    pace_width: np.ndarray  # (J,) the pace kernels' widths (see _total_posterior)
    late_prior: float  # prior weight of the late-start regime (0 without one)
    finished: float = 0.0  # weight of "nothing more this year" among the pace kernels (_finished_weight)

    @cached_property
    def log_dx(self) -> np.ndarray:
        """Log of the trapezoid rule's weights on the grid (shape (G,))."""
        return np.log(_trapezoid_weights(self.grid))

    @cached_property
    def late_weight(self) -> float:
        """Posterior weight of the late-start regime, before the nowcast (see :func:`_late_weight`)."""
        return _late_weight(np.stack([self.pace, self.late]) + self.log_dx, 1)


def _pace_posterior_moments(
    ref: _ReferenceClass, log_done_need: float, t: int, mean: float, var: float, width: np.ndarray
) -> tuple[float, float]:
    """Mean and variance of ``z = log(A / need)`` from this year's pace under the prior ``N(mean, var)``.

    Reference year ``j``'s pace kernel says ``z ~ N(log(done / need) − log F_j(t), h²)``
    (weighted by the shape of its path); under a normal prior the posterior is a mixture of
    normals in closed form (each kernel's conjugate update, weighted by its marginal likelihood
    ``N(c_j; mean, var + h²)``). ``width``: the pace kernels' widths ``h_j`` of the year's-total
    posterior (its reference years with a finite share and shape weight at ``t``). Used by
    :meth:`SeasonalShareModel._nowcast_year_effects`.
    """
    log_share = ref.log_share[:, t]
    shape = np.zeros(log_share.shape) if ref.shape_logw is None else ref.shape_logw
    keep = np.isfinite(log_share) & np.isfinite(shape)
    busy = ref.busy(log_share[keep], t)  # as in the year's-total posterior
    if not busy.any():
        return mean, var
    c = log_done_need - log_share[keep][busy]
    h2 = width[busy] ** 2
    logw = shape[keep][busy] - 0.5 * (c - mean) ** 2 / (var + h2) - 0.5 * np.log(var + h2)
    w = np.exp(logw - logw.max())
    w /= w.sum()
    means = (c * var + mean * h2) / (var + h2)
    m = float(np.sum(w * means))
    return m, float(np.sum(w * ((means - m) ** 2 + var * h2 / (var + h2))))


@dataclass(frozen=True)
class _Nowcast:
    """The prior of a series' ``log(A / need)`` this year, read from its family's other prefectures.

    See :meth:`SeasonalShareModel._nowcast_year_effects`: the attainment prior's Gaussian
    ``N(old_mean, old_var)`` is replaced by ``N(new_mean, new_var)``.
    """

    log_need: float  # log of what the target needs from the origin
    old_mean: float
    old_var: float
    new_mean: float
    new_var: float

    def log_weight(self, grid: np.ndarray) -> np.ndarray:
        """Log ratio of the new prior to the old on the grid of ``log A`` (shape (G,))."""
        z = grid - self.log_need
        return (
            -0.5 * (z - self.new_mean) ** 2 / self.new_var
            + 0.5 * (z - self.old_mean) ** 2 / self.old_var
            - 0.5 * np.log(self.new_var / self.old_var)
        )


@dataclass(frozen=True)
class _LateStart:
    """The late-start kernels of a year's-total posterior (see :func:`_late_start`)."""

    prior: float  # prior probability of the regime
    centre: np.ndarray  # (K,) each kernel's centre on log A
    scale: np.ndarray  # (K,) its Student-t scale
    log_weight: np.ndarray  # (K,) its log prior x likelihood

    def logp(self, grid: np.ndarray) -> np.ndarray:
        """Each kernel's log prior x likelihood on the grid of ``log A`` (shape (K, G))."""
        return (
            _kernel_logpdf(grid[None, :], self.centre[:, None], self.scale[:, None])
            + self.log_weight[:, None]
        )


def _late_start(
    log_lo: float, done: float, mean: np.ndarray, sd: np.ndarray, log_share: np.ndarray, t: int
) -> _LateStart | None:
    """Kernels of the late-start regime: funds or permits came late, and the year starts from now.

    In a late start what is done by month ``t`` says nothing of the year's capacity: from its
    start month ``m > t`` on, the months deliver what they delivered in reference year ``j``, and
    the months before are lost (no catch-up is assumed). The start month is not known: ``t + 1``
    with probability 1/2, each later month half as likely as the one before (the rest of the
    mass on the sixth month after ``t``, or December). Kernel ``(j, m)`` puts ``log A`` at
    ``log(done + A_j (1 − F_j(m − 1)))``,
    ``A_j = exp(mean_j)`` the total that reference year's outcome implies for this series and
    ``F_j`` its share curve, with the width of the attainment prior; at most
    :data:`_LATE_KERNELS` reference years per start month (evenly spaced in rank) keep it cheap.
    A late start reports nothing at all half of the time and otherwise any amount up to a normal
    year's progress ``A_j F_j(t)`` (uniformly), so the regime explains a year behind every
    reference year, and never one ahead of it. Its prior probability is half a reference year's
    worth, ``0.5 / (J + 1)`` (a defensive mixture component: Hesterberg 1995, *Technometrics*
    37(2), 185-194): it matters only where no reference year's pace is near this year's, so a
    year with nothing done is not given a probability of exactly 0 on a short record that holds
    no late start.

    Parameters
    ----------
    log_lo : float
        The lowest ``log A`` of the posterior's grid (no kernel is centred below it).
    done : float
        What is done by month ``t`` (>= 0).
    mean, sd : ndarray of shape (J,)
        Centre and width of each reference year's attainment kernel on ``log A``.
    log_share : ndarray of shape (J, 13)
        Each reference year's log share curve after months 0..12.
    t : int
        Month of the latest report (1-11).

    Returns
    -------
    _LateStart or None
        None where this year is ahead of every reference year's progress by ``t`` (the regime
        explains nothing there).
    """
    prior = _defensive_prior(mean.size)
    normal_done = np.exp(mean + log_share[:, t])
    if done > 0:
        if not np.any(done <= normal_done):
            return None  # ahead of every reference year: the regime explains nothing
        with np.errstate(divide="ignore"):
            log_lik = np.where(done <= normal_done, np.log(0.5 * done / normal_done), -np.inf)
    else:
        log_lik = np.full(mean.shape, np.log(0.5))
    starts = np.arange(t + 1, min(t + _LATE_START_MONTHS, 12) + 1)
    start_w = 0.5 ** (starts - t)
    start_w[-1] *= 2  # the last start month kept stands for it and every later one
    pick = np.unique(np.linspace(0, mean.size - 1, min(mean.size, _LATE_KERNELS)).round().astype(int))
    order = np.argsort(mean)[pick]
    shares = np.exp(np.nan_to_num(log_share[order][:, starts - 1], nan=0.0))  # (J', M)
    remaining = np.exp(mean[order])[:, None] * np.clip(1.0 - shares, 0.0, 1.0)
    centre = np.log(np.maximum(done + remaining, np.exp(log_lo))).ravel()
    scale = np.repeat(sd[order], starts.size) * _KERNEL_SCALE
    # the J' kernels of a start month stand for all J reference years (each pace kernel weighs 1)
    weight = np.log(start_w)[None, :] + log_lik[order][:, None] + np.log(mean.size / pick.size)
    return _LateStart(prior, centre, scale, weight.ravel())


def _eta_variance(var_eta: float, var_u: float, precision: float) -> float:
    """``Var[η | reports]`` where the reports read ``u = η + c`` with precision ``precision``.

    ``η ~ N(0, var_eta)`` and ``u`` are jointly normal with ``Cov(η, u) = var_eta`` and
    ``Var u = var_u``, so ``Var[η | reports] = var_eta − (var_eta / var_u)² (var_u − 1/precision)``.
    """
    return var_eta - (var_eta / var_u) ** 2 * (var_u - 1.0 / precision)


def _defensive_prior(n_kernels: int) -> float:
    """Prior probability of a defensive regime: half a reference year's worth, ``0.5 / (J + 1)``.

    The late-start regime (:func:`_late_start`) and the stopped season (:func:`_with_stop`) are
    defensive mixture components (Hesterberg 1995, *Technometrics* 37(2), 185-194): they matter
    only where the ``J`` reference years say nothing of what this year may do.
    """
    return 0.5 / (n_kernels + 1)


def _with_stop(grid: np.ndarray, cdf: np.ndarray, done: float, prior: float) -> np.ndarray:
    """The year's-total CDF mixed with a stopped season: the months left deliver only part of their work.

    An early winter that stops every site, funds withdrawn, a site closed: the months after the
    latest report deliver a fraction ``v ~ U(0, 1)`` of what the posterior expects of them, so the
    total is ``done + v (A − done)`` with ``A`` from the posterior. A short record whose years all
    went to plan cannot show such a year, and without this component a series whose reference
    years all finished their season says the target is met with probability exactly 1 (on the
    second generator's development seed 21, as of September 2019, two prefectures of the outdoor
    family: P(met) 1.000 where the exact probability was 0.94 and 0.84, one of them missed after
    an early winter). Its prior is :func:`_defensive_prior`, so it moves a probability by at most
    that (1.25 % with 39 reference years), and a target already within reach of what is done
    keeps its probability near 1.

    ``A`` is represented by :data:`_STOP_NODES` equal-probability totals ``A_k`` of the
    posterior; the component's CDF at total ``x`` is the mean over ``k`` of
    ``min(1, (x − done) / (A_k − done))`` (``v``'s uniform CDF).

    Parameters
    ----------
    grid : ndarray of shape (G,)
        Rising ``log A`` (the posterior's grid; its first point is at least ``done``).
    cdf : ndarray of shape (G,)
        The posterior CDF on the grid, from 0 to 1.
    done : float
        What is done by the latest report (>= 0), in the series' unit.
    prior : float
        Probability of the stopped season, in [0, 1).

    Returns
    -------
    ndarray of shape (G,)
        ``(1 − prior) · cdf + prior · stop_cdf``, rising from about 0 to 1.
    """
    nodes = (np.arange(_STOP_NODES) + 0.5) / _STOP_NODES
    room = np.maximum(np.exp(np.interp(nodes, cdf, grid)) - done, 0.0)  # (K,) what A_k leaves to do
    ahead = np.maximum(np.exp(grid) - done, 0.0)  # (G,)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(room > 0, np.minimum(ahead[:, None] / room[None, :], 1.0), 1.0)  # (G, K)
    return (1.0 - prior) * cdf + prior * share.mean(axis=1)


def _finished_weight(
    log_done: float, log_share: np.ndarray, mean: np.ndarray, scale: np.ndarray, log_weight: np.ndarray
) -> tuple[float, np.ndarray]:
    """Posterior weight of "nothing more this year", and the reference years left to the pace kernels.

    Work done in batches (projects accepted, sites handed over) often ends for the year before the
    deadline: a prefecture that has done its projects by September reports the same number in
    October and December. A reference year whose share at month ``t`` is 1 (``log_share`` 0: all
    its year's work done by then) says that this year may be over too: the total is ``done``
    itself, not a log-normal kernel around it whose lower half is cut off at ``done`` (which put
    every draw above ``done``: 8 units short of a target with 3 of 6 earlier years idle after
    September, P(met) 0.99 and missed; benchmarks/third_generator). Each reference year ``j``
    weighs, as in the pace kernels' sum, its path-shape weight times its prior kernel's density at
    the total its pace implies, ``log_done − log_share_j``; the finished years' share of that
    weight, with one more unfinished year of mean weight in the denominator (so that a record
    whose every year finished early still leaves room for work: 6 of 6 gives 6/7), is the step at
    ``done`` of the year's-total CDF (:meth:`SeasonalShareModel._annual_cdf`).

    Parameters
    ----------
    log_done : float
        Log of what is done by month ``t`` (> 0 done).
    log_share, mean, scale, log_weight : ndarray of shape (J,)
        The reference years' log shares at ``t``, their prior kernels' centres and Student-t scales
        on ``log A``, and their log path-shape weights.

    Returns
    -------
    finished : float
        The weight in [0, 1); 0 where no reference year had finished by ``t``.
    rest : ndarray of bool, shape (J,)
        The reference years whose kernels stay in the pace sum: the unfinished ones (none where every
        one finished: the continuous part is then the prior kernels above ``done``, what a year
        that is not over would total, not the finished years' pace kernels, all at ``done``).
    """
    done_all = log_share >= 0.0
    if not done_all.any():
        return 0.0, np.ones(log_share.size, dtype=bool)
    logm = log_weight + _kernel_logpdf(log_done - log_share, mean, scale)
    m = np.exp(logm - logm.max())
    finished = float(m[done_all].sum() / (m.sum() + m.mean()))
    return finished, ~done_all


def _variance_nodes(nu: float, s2: float) -> np.ndarray:
    """:data:`_VARIANCE_NODES` equal-probability quantiles of a scaled-inverse-χ²(ν, s²) variance.

    The χ² quantile is ``2 · gammaincinv(ν/2, p)``, which is ``scipy.stats.chi2.ppf`` without importing
    ``scipy.stats`` (0.4 s of every run).
    """
    probs = (np.arange(_VARIANCE_NODES) + 0.5) / _VARIANCE_NODES
    return nu * s2 / (2 * special.gammaincinv(nu / 2, 1 - probs))


def _year_effect_cdf(
    r: np.ndarray, sigma2: np.ndarray, tau2: np.ndarray, inflate: float
) -> tuple[np.ndarray, np.ndarray]:
    """Posterior CDF of the year effect given this year's residuals, σ² and τ² integrated out.

    Parameters
    ----------
    r : ndarray of shape (k,)
        This year's log residuals from the profile (k >= 0 reported months).
    sigma2, tau2 : ndarray of shape (_VARIANCE_NODES,)
        Equal-probability nodes of the posteriors of the month-to-month and the year-to-year
        variance (:func:`_variance_nodes`).
    inflate : float
        ``1 + 1/n``: both variances' share from the profile's own error.

    Returns
    -------
    grid, cdf : ndarray of shape (_YEAR_EFFECT_GRID,)
        The year effect (log scale) and its CDF, for inverse-CDF draws.

    Notes
    -----
    Given ``(σ², τ²)`` the year effect is normal with precision
    ``(1/τ² + k/σ²) / inflate`` and mean ``(Σ r / σ²) / (1/τ² + k/σ²)`` (the conjugate normal
    update). The mixture over the nodes of both variances is the Student-t-like predictive of
    Gelman et al. (2013), §3.2-3.3.
    """
    sig2, tau2_nodes = np.meshgrid(sigma2, tau2, indexing="ij")
    precision = 1 / tau2_nodes + r.size / sig2
    mean = (np.sum(r) / sig2 / precision).ravel()
    sd = np.sqrt(inflate / precision).ravel()
    grid = np.linspace(mean.min() - 10 * sd.max(), mean.max() + 10 * sd.max(), _YEAR_EFFECT_GRID)
    cdf = np.empty(grid.size)
    for lo in range(0, grid.size, _CDF_BLOCK):  # a block of the grid that stays in the cache
        block = np.subtract(grid[lo : lo + _CDF_BLOCK, None], mean[None])
        block /= sd[None]
        special.ndtr(block, out=block)
        cdf[lo : lo + _CDF_BLOCK] = block.mean(axis=1)
    return grid, cdf


def _share_curve(values: np.ndarray, start: float) -> np.ndarray | None:
    """Cumulative share after months 0..12 of one earlier year.

    Months between two reports at most ``_MAX_GAP`` months apart are joined
    linearly; other unreported months are NaN (a year reported only in
    December says nothing about its seasonal shape). Returns None when the
    year has no December report (its total is unknown) or its total change is
    not positive.
    """
    if not np.isfinite(values[11]) or not np.isfinite(start):
        return None
    total = values[11] - start
    if total <= 0:
        return None
    months = np.arange(0, 13)
    seen = np.concatenate([[True], np.isfinite(values)])
    points = np.concatenate([[start], values])
    report_months = months[seen]
    curve = np.interp(months, report_months, points[seen])
    before = report_months[np.searchsorted(report_months, months, side="right") - 1]
    after = report_months[
        np.minimum(np.searchsorted(report_months, months, side="left"), len(report_months) - 1)
    ]
    curve[(after - before > _MAX_GAP) & ~seen] = np.nan
    return np.clip((curve - start) / total, 0.0, 1.0)


def _fill_curve(mean: np.ndarray) -> np.ndarray:
    """Fill unknown months of a mean share curve linearly (0 at month 0, 1 at month 12), non-decreasing."""
    months = np.arange(13)
    known = np.isfinite(mean)
    known[[0, 12]] = True
    points = mean.copy()
    points[0], points[12] = 0.0, 1.0
    filled = np.interp(months, months[known], points[known])
    return np.maximum.accumulate(filled)


@dataclass(frozen=True)
class _ReferenceYear:
    """One earlier year of the family in one region: its share curve and its outcome against its plan."""

    region: str
    year: int
    curve: np.ndarray  # (13,) cumulative share after months 0..12, NaN where unknown
    log_ratio: float  # log(year's total / what the target needed); NaN without a target


@dataclass(frozen=True)
class _ReferenceClass:
    """What the year's-total posterior of one series needs (see ``_annual_total``)."""

    log_share: np.ndarray  # (J, 13) log share of each reference year (or (1, 13): the fallback)
    log_share_sd: np.ndarray  # (13,) kernel bandwidth of the log share at each month
    prior_loc: (
        np.ndarray
    )  # (J,) log(total / need) this series would have in reference year j, or (1,) NaN: the plan
    prior_sd: float  # kernel bandwidth of that (plus the prefecture effect's uncertainty)
    shape_logw: np.ndarray | None  # (J,) log weight of each reference year by the shape of its path
    share_sd: np.ndarray  # (13,) kernel bandwidth of the share itself (not its log) at each month

    def least_share(self, t: int) -> float:
        """The least share of a year's work at month ``t`` that is something: below it, nothing yet.

        The larger of the reporting resolution :data:`_RESOLUTION` and the bandwidth of the
        reference years' shares at ``t`` (:func:`_share_bandwidth`, on the shares themselves): a
        share closer to 0 than the class's shares are known is, at that resolution, nothing. A
        report below it (as a share of what is needed) is censored there, and a reference year
        below it is an idle year, not a pace: as a pace kernel it would put this year's total at
        what is done over its tiny share (10 households of 11,835 by June over a 1e-4 share:
        P(met) 0.85 against 0.30 for a report of nothing and 0.38 for 1,000; a break-it pass,
        the third generator's world 101). Idle years speak for a late start
        (:func:`_late_start`) and, where nothing is done, through their prior kernels (issue 13:
        "a year with nothing or almost nothing done by month t is judged by what earlier
        late-start years went on to deliver").
        """
        return max(_RESOLUTION, float(self.share_sd[t]))

    def nothing_yet(self, done: float, need: float, t: int) -> bool:
        """Whether ``done`` by month ``t`` is nothing yet: at most :meth:`least_share` of ``need``."""
        return done <= self.least_share(t) * max(need, 1e-12)

    def busy(self, log_share: np.ndarray, t: int) -> np.ndarray:
        """(J,) bool: the reference years whose log share at ``t`` (``log_share``) is something."""
        return log_share >= np.log(self.least_share(t))


def _path_shape(
    log_share: np.ndarray, mean: np.ndarray, prior_sd: np.ndarray, done: np.ndarray, t: int
) -> tuple[np.ndarray | None, int]:
    """Log weights of the reference years by how alike the shape of their path is to this year's.

    The shape is ``C(t') / C(t)``, the fraction of what is done by month ``t`` that was done by
    an earlier month ``t'`` (the reported month whose mean share is nearest half the mean share
    at ``t``, and at least :data:`_MIN_SHAPE_SHARE`): it does not depend on the year's total, so
    it tells which earlier years had a similar pace (a late start after funds arrived late)
    without counting the total's evidence twice. The fraction itself, not its log: a late start's
    few units done by ``t'`` are the noise of idle months, and on the log scale they spread the
    late years over several units (a year 0.6/60.9 matched one earlier late year e^9 times better
    than four others; design note 006), where as fractions they are all near 0. A Student-t
    kernel (as the outcome kernels) of the width of :func:`_kernel_width`, its prior spread the
    log shares' times the median fraction; ``None`` when this year has no such month or fewer
    than two reference years are known at both months (all years weigh alike).
    This is the product-kernel estimate of the joint law of (pace at ``t``, shape) in the
    reference class (Silverman 1986, §4.2). Returns the weights (J,) and ``t'`` (0 without).
    """
    if log_share.shape[0] < 2 or not 1 < t < 12 or not done[t - 1] > 0:
        return None, 0
    earlier = [m for m in range(1, t) if done[m - 1] > 0 and mean[m] >= _MIN_SHAPE_SHARE]
    if not earlier:
        return None, 0
    t0 = min(earlier, key=lambda m: abs(mean[m] - mean[t] / 2))
    ref = np.exp(log_share[:, t0] - log_share[:, t])
    ok = np.isfinite(ref)
    if ok.sum() < 2:
        return None, 0
    typical = float(np.median(ref[ok]))
    h = _kernel_width(ref[ok], typical * float(np.hypot(prior_sd[t0], prior_sd[t])))
    now = float(done[t0 - 1] / done[t - 1])
    return np.where(ok, _kernel_logpdf(now, ref, h * _KERNEL_SCALE), -np.inf), t0


def _family_regions(progress: xr.Dataset, family_of: dict[Any, Any]) -> dict[str, list[str]]:
    """Each family's regions with any report of one of its indicators, in the progress data's order.

    The reference class is what was reported, whatever rows the catalogue has: a provincial row
    whose target is split over the prefectures and explicit prefecture rows give the same class.
    The province is one of a family's regions only where no prefecture reports the family: its
    figure is its prefectures' total, so its years beside theirs would count each of their years
    twice (the province's own rows, equal to the sum, moved Harbin's P(met) by up to 0.07 and
    made the class "14 regions").
    """
    values = progress["value"]
    reported = values.notnull().any(dim=MONTH).transpose("indicator", "region").values  # (I, R)
    families = np.array([str(family_of.get(i, i)) for i in values["indicator"].values], dtype=object)
    regions = np.array([str(r) for r in values["region"].values], dtype=object)
    out = {}
    for f in np.unique(families):
        found = list(regions[reported[families == f].any(axis=0)])
        prefectures = [r for r in found if r != PROVINCE]
        out[str(f)] = prefectures or found
    return out


def _reference_years(
    region: str, values_by_year: dict[int, np.ndarray], targets: dict[int, float], kind: str
) -> list[_ReferenceYear]:
    """Every earlier year of the family in ``region`` that has a December report, by year."""
    out = []
    for year, values in sorted(values_by_year.items()):
        start = 0.0 if kind == "cumulative" else values_by_year.get(year - 1, _NO_YEAR)[11]
        curve = _share_curve(values, start)
        if curve is None:
            continue
        need = targets.get(year, np.nan) - start
        total = values[11] - start
        log_ratio = float(np.log(total / need)) if need > 0 else np.nan
        out.append(_ReferenceYear(region, year, curve, log_ratio))
    return out


def _remaining_shares(mean: np.ndarray, t: int) -> np.ndarray:
    """Each month's share of the year after month ``t`` by the mean share curve ``mean`` (13,).

    At least :data:`_MIN_MONTH_SHARE` a month; empty after December.
    """
    return np.maximum(np.diff(mean)[t:], _MIN_MONTH_SHARE)


def _split_concentration(shares: np.ndarray, t: int) -> float:
    """Dirichlet concentration of the reference years' splits of what remained after month ``t`` (or NaN).

    ``shares`` (J, 13) are the years' cumulative shares of their total after months 0-12 (NaN
    where unknown). Of each year with a share at ``t``, the share of its remainder done by each
    later month ``m`` is ``R_j(m) = (C_j(m) - C_j(t)) / (1 - C_j(t))``; under a Dirichlet split
    with concentration ``c``, ``R(m) ~ Beta(c Q(m), c (1 - Q(m)))`` with variance
    ``Q (1 - Q) / (c + 1)``, so the method of moments pooled over the months with at least
    :data:`_MIN_SPLIT_YEARS` years gives ``c + 1 = Σ Q(1 - Q) / Σ Var R(m)`` (Minka 2000,
    "Estimating a Dirichlet distribution", §1, moment matching). Clipped to
    :data:`_SPLIT_BOUNDS`. Late starts and other regions' habits among the years widen the
    spread, so the estimate errs towards wider months, never towards exact timing.
    """
    if t >= 11 or shares.shape[0] < _MIN_SPLIT_YEARS:
        return np.nan
    done = shares[:, t]
    ok = np.isfinite(done) & (done < 1.0 - 1e-6)
    if ok.sum() < _MIN_SPLIT_YEARS:
        return np.nan
    later = (shares[ok, t + 1 : 12] - done[ok, None]) / (1.0 - done[ok, None])  # (J, months before Dec)
    counted = np.isfinite(later).sum(axis=0) >= _MIN_SPLIT_YEARS
    if not counted.any():
        return np.nan
    r = later[:, counted]
    q = np.nanmean(r, axis=0)
    spread = float(np.nansum(np.nanvar(r, axis=0, ddof=1)))
    between = float(np.sum(q * (1.0 - q)))
    if between <= 0.0:
        return np.nan
    if spread <= 0.0:
        return _SPLIT_BOUNDS[1]
    return float(np.clip(between / spread - 1.0, *_SPLIT_BOUNDS))


def _column_iqr(x: np.ndarray) -> np.ndarray:
    """Interquartile range over 1.34 of each column of ``x`` (J, M) with no NaN, in one call; NaN elsewhere.

    The same numbers as ``np.percentile`` column by column (the same order statistics and
    interpolation), for the kernel widths of all months of a reference class at once.
    """
    out = np.full(x.shape[1], np.nan)
    full = np.isfinite(x).all(axis=0)
    if x.shape[0] >= 2 and full.any():
        q75, q25 = np.percentile(x[:, full], [75, 25], axis=0)
        out[full] = np.subtract(q75, q25) / 1.34
    return out


def _adaptive_widths(x: np.ndarray, h: float) -> np.ndarray:
    """Per-point kernel widths of an adaptive kernel estimate: wider where the points are sparse.

    Abramson's square-root law (Abramson 1982, *Ann. Statist.* 10(4), 1217-1223; Silverman 1986,
    §5.3.1): ``h_j = h · (f̃(x_j) / g)^(-1/2)``, ``f̃`` the fixed-width estimate of width ``h``
    (:func:`_kernel_width`) and ``g`` the geometric mean of ``f̃(x_j)``, so the typical width stays
    ``h``. A reference class whose years are mostly on the usual pace and a few idle (late starts)
    is bimodal: one width, set by the many, is far too narrow for the few, whose tiny shares are
    the noise of idle months; their kernels widen instead of claiming exact knowledge of a total.
    Returns widths of the shape of ``x`` (at least ``h``'s floor :data:`_MIN_BANDWIDTH`).
    """
    if x.size < 3:
        return np.full(x.shape, h)
    d = (x[:, None] - x[None, :]) / h
    pilot = np.exp(-0.5 * d * d).mean(axis=1)
    log_pilot = np.log(pilot)
    return np.maximum(h * np.exp(-0.5 * (log_pilot - log_pilot.mean())), _MIN_BANDWIDTH)


def _share_bandwidth(shares: np.ndarray) -> float:
    """Silverman's rule of thumb on the reference years' shares at one month (0 with fewer than 3).

    ``0.9 min(sd, IQR/1.34) n^(-1/5)`` (Silverman 1986, eq. 3.31) of the finite shares themselves,
    not their logs, and without the small-sample widening of :func:`_kernel_width`: how finely the
    record resolves a share near 0 (:meth:`_ReferenceClass.least_share`). A record of one or two
    years resolves nothing below the reporting resolution (0: the widened width of one earlier year
    made 81 % of what is needed "almost nothing").
    """
    x = shares[np.isfinite(shares)]
    if x.size < 3:
        return 0.0
    return 0.9 * float(np.sqrt(_robust_var(x))) * x.size**-0.2


def _robust_var(x: np.ndarray, iqr: float = np.nan) -> float:
    """``min(var, (IQR/1.34)²)`` of ``x`` (2 points or more): a bimodal class's spread is not its sd.

    ``iqr``: ``IQR/1.34`` of ``x`` where the caller has it already (:func:`_column_iqr`).
    """
    var = float(np.var(x, ddof=1))
    if np.isnan(iqr):
        iqr = _quartile_range(x) / 1.34
    return min(var, iqr**2) if iqr > 0 else var


def _quartile_range(x: np.ndarray) -> float:
    """``np.subtract(*np.percentile(x, [75, 25]))`` of a 1-D finite ``x``, bit for bit, without its overhead.

    numpy's default ("linear", Hyndman & Fan 1996 definition 7) with its own interpolation
    (``numpy.lib._function_base_impl._lerp``: ``b - (b - a)(1 - t)`` from ``t = 0.5`` on). The
    fit takes about a thousand of them on a few points each, where ``np.percentile`` spent 0.1 ms
    a call on argument handling (0.1 s of the default job).
    """
    s = np.sort(x)
    top = s.size - 1

    def at(q: float) -> float:
        h = top * q
        lo = math.floor(h)
        a, b, t = float(s[lo]), float(s[min(lo + 1, top)]), h - lo
        return b - (b - a) * (1 - t) if t >= 0.5 else a + (b - a) * t

    return at(0.75) - at(0.25)


def _kernel_width(
    x: np.ndarray, prior_sd: float, *, n_eff: float | None = None, iqr: float = np.nan
) -> float:
    """Width of the Gaussian kernel put on each of the points ``x`` of a reference class.

    ``h = σ · max(0.9 n^(-1/5), sqrt((1 + 1/n) (t_{0.95,ν} / z_{0.95})² − (n − 1)/n))``: Silverman's
    rule of thumb (Silverman 1986, *Density Estimation for Statistics and Data Analysis*,
    eq. 3.31), and for a small reference class wide enough that the mixture's spread is the
    Student-t predictive interval of a new point. ``σ`` is the robust spread ``min(sd, IQR/1.34)``
    (a reference class with a few idle years is bimodal) pooled with ``prior_sd`` counted as
    :data:`_PRIOR_YEARS` earlier point(s), ``ν = n − 1 + _PRIOR_YEARS`` (the conjugate normal /
    scaled-inverse-χ² update, Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §3.3). So a
    few earlier years that happen to agree never give a narrow answer on their own.

    ``n`` is ``n_eff`` where given, the *effective* number of points (:func:`.effective_n`): the
    prefectures of one year share that year's province-wide effect, so 13 prefecture-years of one
    year weigh as about one year when they move together; the number of points otherwise.
    ``iqr``: ``IQR/1.34`` of ``x`` where the caller has it already (:func:`_column_iqr`).
    """
    n_points = x.size
    if n_points == 0:
        return prior_sd
    n = float(n_points) if n_eff is None else n_eff
    spread2 = _robust_var(x, iqr) if n_points >= 2 else 0.0
    nu = n - 1 + _PRIOR_YEARS
    pooled = (_PRIOR_YEARS * prior_sd**2 + (n - 1) * spread2) / nu
    widen = t_interval_ratio(nu) ** 2
    factor2 = max(0.81 * n ** (-0.4), (1 + 1 / n) * widen - (n - 1) / n)
    return float(max(np.sqrt(pooled * factor2), _MIN_BANDWIDTH))


@dataclass(frozen=True)
class _OutcomeRecord:
    """What a reference class's earlier outcomes say, whichever of its regions is forecast.

    The one-way random-effects fit of :func:`_attainment_prior` on the class's finite log ratios:
    the same for every series of the class (whose years are the class's in another order), so
    computed once per class.
    """

    n: int  # earlier outcomes with a known target
    mu: float
    tau2: float
    sigma2: float
    effect: dict[str, float]  # each region's shrunk effect b_r
    var_effect: dict[str, float]  # its posterior variance
    icc: float
    n_eff: float
    width: float  # the outcome kernels' width before the region's own uncertainty
    median: float  # median log ratio


def _outcome_record(years: list[_ReferenceYear], plan_prior_sd: float) -> _OutcomeRecord | None:
    """The one-way random-effects fit of a reference class's outcomes (None with fewer than 3)."""
    lr = np.array([y.log_ratio for y in years], dtype=float)
    ok = np.isfinite(lr)
    if ok.sum() < 3:
        return None
    x = lr[ok]
    groups = np.array([y.region for y in years], dtype=object)[ok]
    names, idx, n_r = np.unique(groups, return_inverse=True, return_counts=True)
    m_r = np.bincount(idx, weights=x) / n_r
    mu = float(x.mean())
    dof = x.size - names.size
    sigma2 = float(np.sum((x - m_r[idx]) ** 2) / dof) if dof >= 1 else float(np.var(x, ddof=1))
    tau2_hat = max(float(np.var(m_r, ddof=1)) - float(np.mean(sigma2 / n_r)), 0.0) if names.size >= 2 else 0.0
    # A handful of prefectures that happen to agree do not prove that a new one will: the
    # moment estimate is pooled with the plan prior's spread counted as one more region.
    tau2 = (_PRIOR_YEARS * plan_prior_sd**2 + (names.size - 1) * tau2_hat) / (_PRIOR_YEARS + names.size - 1)
    shrink = tau2 / (tau2 + sigma2 / n_r)
    effect = shrink * (m_r - mu)
    resid = x - mu - effect[idx]
    # The prefectures of one year share its province-wide effect: the mean's error and the kernel
    # width count years, not prefecture-years, as far as the record shows them moving together.
    year_of = np.array([y.year for y in years])[ok]
    icc = year_icc(resid, year_of)
    n_eff = effective_n(resid, year_of, icc=icc)
    return _OutcomeRecord(
        n=int(x.size),
        mu=mu,
        tau2=tau2,
        sigma2=sigma2,
        effect={str(r): float(b) for r, b in zip(names, effect, strict=True)},
        var_effect={str(r): float(k * sigma2 / n) for r, k, n in zip(names, shrink, n_r, strict=True)},
        icc=icc,
        n_eff=n_eff,
        width=_kernel_width(resid, plan_prior_sd, n_eff=n_eff),
        median=float(np.median(x)),
    )


def _attainment_prior(
    years: list[_ReferenceYear],
    region: str,
    plan_prior_sd: float,
    record: _OutcomeRecord | None,
) -> tuple[np.ndarray, float, str, float]:
    """Prior of this year's log(total / need), one kernel per reference year, with a prefecture effect.

    One-way random effects ``log ratio = μ + b_r + e`` (method of moments; e.g. Searle, Casella &
    McCulloch 1992, *Variance Components*, §3.5): the prefecture effect ``b_r`` is shrunk towards 0
    by ``τ² / (τ² + σ²/n_r)``, with ``τ²`` pooled with ``plan_prior_sd²`` counted as one more region;
    a region without a record gets ``b = 0 ± τ``. Reference year ``j`` of any region says this
    series' log ratio could be ``μ + b_r + e_j``. Fewer than 3 outcomes with a known target: no
    kernels (the plan prior). Returns the kernel locations, their width, a note for the basis and
    the share of the residuals' spread that the prefectures of one year have in common
    (:func:`.year_icc`; :data:`PRIOR_ICC` without a record). ``record``: the class's
    :func:`_outcome_record` (the same for every series of a class, so fitted once per class).
    """
    lr = np.array([y.log_ratio for y in years], dtype=float)
    if record is None:
        return (
            np.full(1, np.nan),
            plan_prior_sd,
            f"; prior of the year's total: the plan (log sd {plan_prior_sd:g})",
            PRIOR_ICC,
        )
    ok = np.isfinite(lr)
    effect_of = np.array([record.effect[str(y.region)] for y, k in zip(years, ok, strict=True) if k])
    resid = lr[ok] - record.mu - effect_of
    known = region in record.effect
    b, var_b = (record.effect[region], record.var_effect[region]) if known else (0.0, record.tau2)
    loc = np.full(lr.size, np.nan)
    loc[ok] = record.mu + b + resid
    sd = float(np.sqrt(record.width**2 + var_b + record.sigma2 / record.n_eff))
    if not known:
        own = (
            f"; no record of this region: the family's, with a prefecture spread of "
            f"{np.sqrt(record.tau2):.2f} (log)"
        )
    elif len(record.effect) >= 2:
        own = f"; this region's record {np.exp(b):.3f}x the family's"
    else:
        own = ""
    note = (
        f"; attainment prior from {record.n} earlier outcomes against their plans "
        f"(median {np.exp(record.median):.3f} of what was needed{own}; "
        f"{record.n_eff:.1f} independent years' worth)"
    )
    return loc, sd, note, record.icc


def _pace_icc(years: list[_ReferenceYear], log_share: np.ndarray, t: int) -> float:
    """Share of the spread of the reference years' log shares at month ``t`` that their years have in common.

    :func:`.year_icc` of the share kernels' centres at ``t``; NaN before any report (``t = 0``) or
    with fewer than 3 reference years known at ``t``.
    """
    if t == 0 or len(years) < 2 or log_share.shape[0] != len(years):
        return np.nan
    col = log_share[:, t]
    ok = np.isfinite(col)
    if ok.sum() < 3:
        return np.nan
    return year_icc(col[ok], np.array([y.year for y in years])[ok])


def _remaining_corr(prior_var: float, prior_icc: float, pace_var: float, pace_icc: float) -> float:
    """Correlation, between the prefectures of one year, of what is still unknown of their totals.

    The year's total rests on two pieces of evidence: the attainment prior (variance ``v_p``, whose
    year-shared part is ``prior_icc``) and this year's pace (the share kernels' variance ``v_c``
    at the latest report, whose year-shared part is ``pace_icc``, :func:`_pace_icc`). Their
    precision-weighted combination has the correlation ``(v_c ρ_p + v_p ρ_c) / (v_p + v_c)`` (each
    weighted by the other's variance). Without a pace (``pace_icc`` NaN), the prior's.
    """
    if not np.isfinite(pace_icc):
        return float(prior_icc)
    return float((pace_var * prior_icc + prior_var * pace_icc) / (prior_var + pace_var))


def _usual_change(
    state: xr.Dataset, s: int, own: dict[int, np.ndarray], year: int
) -> tuple[float, int] | None:
    """A prefecture level's usual change over a year where its target is the province's, copied.

    The median of its December-to-December changes in the earlier years of its family (NaN
    without two consecutive Decembers), and how many there are; None where the target is its own
    (or the province's row). The caller refuses the series where it is not a rise: with the
    copied target as its plan instead, a prefecture with one earlier December rising 0.017 a month
    got P(met) 0.90 and a model rate of 0.33 a month (a break-it pass). A level target copied to every
    prefecture (3.78 childcare places per 1,000 people) is the province's average, not a plan of
    each prefecture: as the plan prior it made a prefecture far below it on its usual pace "a late
    start" that would catch up, and its province an even chance (0.30) of a rise 3.5 times any
    month of its record.
    """
    basis = state.variables["target_basis"].values[s] if "target_basis" in state.variables else ""
    if not str(basis).startswith(SPLIT_TARGET_BASIS):
        return None
    december = {y: float(v[11]) for y, v in own.items() if y < year and np.isfinite(v[11])}
    changes = [december[y] - december[y - 1] for y in december if y - 1 in december]
    return float(np.median(changes)) if changes else np.nan, len(changes)


def _usual_words(usual: tuple[float, int]) -> str:
    """What :func:`_usual_change` found, for a reason."""
    if usual[1] == 0:
        return "no two consecutive Decembers"
    return f"median change {usual[0]:.3g} over {usual[1]} year(s)"


def _pace_note(
    years: list[_ReferenceYear],
    state: xr.Dataset,
    s: int,
    origin: float,
    t: int,
    need: float,
    *,
    copied: bool,
) -> str:
    """A warning for the basis when this year's pace is outside every reference year's.

    The pace is the share of what the plan needs (``need``: :attr:`SeasonalShareModel.plan_need_`)
    that is done by month ``t``; a reference year's is its share by ``t`` times its outcome against
    its plan (1 where that is unknown). Outside the reference class's range by a factor of 2 the
    forecast extrapolates. ``copied``: ``need`` is the series' usual change (its level target is
    the province's, copied), and the warning says so.
    """
    last = float(state.variables["last_value"].values[s])
    if not 0 < t < 12 or not np.isfinite(last) or need <= 0:
        return ""
    paces = np.array([y.curve[t] for y in years]) * np.exp(np.nan_to_num([y.log_ratio for y in years]))
    paces = paces[np.isfinite(paces)]
    now = (last - origin) / need
    if paces.size < 2 or paces.min() / 2 <= now <= 2 * paces.max():
        return ""
    of_what = "its usual change" if copied else "the target"
    return (
        f"; WARNING: {100 * now:.1f} % of {of_what} done by month {t}, outside every earlier "
        f"year's {100 * paces.min():.1f}-{100 * paces.max():.1f} %: the forecast extrapolates"
    )
