"""Next year's targets: the value met with a given probability, from this year's capacity and its trend."""

from __future__ import annotations

import functools
import itertools
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.clusters import effective_n, year_icc
from .._core.exceptions import DataValidationError, ForecastWarning
from .._core.provenance import content_sha256
from .._core.schema import MONTH, PROVINCE, SERIES
from .._core.state import month_days, with_series_labels
from . import _kernels
from ._common import (
    ForecastLike,
    check_forecast,
    check_prob,
    deadline_index,
    forecast_ok,
    provenance,
    unresolved_probability,
)

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Probabilities of the next-year table.
DEFAULT_PROBS: tuple[float, ...] = (0.5, 0.7, 0.8, 0.9)
#: Log growth factor where no year-to-year ratio is known (this year's included): (mean, sd).
DEFAULT_GROWTH: tuple[float, float] = (0.0, 0.10)
#: Smallest sd of the log growth factor learned from data.
MIN_GROWTH_SD = 0.02
#: Weight of the default growth's mean as a prior of the learned one, in year-to-year ratios.
PRIOR_RATIOS = 1
#: Weight of the default growth's spread as a prior of the learned spread (its degrees of freedom),
#: in year-to-year ratios: a spread from 2-3 ratios is pooled with it, not trusted alone.
PRIOR_SPREAD_RATIOS = 4
#: Fewer kept paths than this, and next_year_targets warns: the proposals read this year's value
#: from the kept paths only (the command line refuses --keep-paths below its 100 fewest draws).
FEW_KEPT_PATHS = 100
#: Fewest other families of the list, of the same kind and direction, whose growth is a family's prior.
MIN_LIST_FAMILIES = 2
#: Points of the stratified quadrature of the growth factor.
N_GROWTH_POINTS = 32
#: Fewest year-to-year ratios of a family whose own shape (a kernel density of them) enters the
#: growth factor, from two years or more; with fewer, the Student-t alone.
MIN_SHAPE_RATIOS = 3
#: Standard-normal scores at which the log growth factor's quantile function is tabulated
#: (``growth_log_quantile``; probabilities ``Φ(z)`` from 1e-9 to 1 − 1e-9): read by linear
#: interpolation in ``z`` wherever a quantile of the growth factor is needed.
GROWTH_SCORES = np.round(np.linspace(-6.0, 6.0, 241), 10)
#: Dimension of the probability of meeting next year's target.
PROB = "prob"
#: Dimension of the growth factor's quantile table (coordinate: :data:`GROWTH_SCORES`).
GROWTH_SCORE = "growth_score"

#: Kinds next year's targets are proposed for (the others are carried over).
PROPOSED_KINDS = ("cumulative", "level", "annual_mean")
#: Kinds whose province row is the sum of its prefectures (counts and levels; not annual means).
_SUMMED_KINDS = ("cumulative", "level")


def next_year_targets(
    forecast: ForecastLike,
    progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str] | None = None,
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
    progress : xarray.Dataset, pandas.DataFrame, str or os.PathLike, optional
        The progress data the forecast was fitted on (``value`` with dims
        indicator, region, month; a DataFrame or file is read by
        :func:`~longjiang_forecast.read_progress`, as :func:`~longjiang_forecast.forecast`
        reads it); its earlier years give the trend. Without it every series uses
        ``default_growth``.
    probs : sequence of float, default (0.5, 0.7, 0.8, 0.9)
        Probabilities, each in (0, 1).
    default_growth : (float, float), default (0.0, 0.10)
        Prior mean and sd of the log growth factor (no trend, 10 %
        year-to-year spread): alone where no two consecutive years are known
        (this year's expected outcome counts as one), pooled with the learned
        growth otherwise (see Notes). The mean is the prior only where fewer
        than two other families of the list of the same kind and direction have
        year-to-year ratios; elsewhere the prior mean is their growth (Notes, 2).

    Returns
    -------
    xarray.Dataset
        dims ``series`` (coords ``indicator``, ``region``) and ``prob``.
        Variables: ``target_next`` (series, prob), in the indicator's unit:
        the value next year's outcome reaches (``>=`` targets) or stays
        under (``<=``) with probability ``prob``; ``capacity_median`` (this
        year's simulated value at the deadline, median); ``growth_log_mean``,
        ``growth_log_sd``, ``growth_dof`` (location, scale and degrees of
        freedom of the log growth factor's Student-t part);
        ``growth_shape_weight`` (the share of the law carried by the
        family's own ratios, 0 where it is the Student-t alone);
        ``growth_log_quantile`` (series, growth_score): the log growth
        factor's quantile at probability ``Φ(growth_score)``, the scores
        :data:`GROWTH_SCORES` from −6 to 6 (what the proposals and
        ``list_confidence`` read); ``n_finals``
        (earlier finals of the series' own region; a province row's are its
        prefectures' sums); ``method`` (str, in words); ``growth_basis``
        (str code of the growth factor's basis: ``"trend"`` (two or more
        year-to-year ratios of the series' own, this year's expected outcome
        against last year's final among them), ``"trend_default_spread"``
        (one), ``"default"`` (no ratio in the family at all), ``""`` where
        no value); ``first_final``, ``last_final`` (int, years of the earlier
        finals used; 0 where none); ``prefecture_sum`` (series, prob; on a
        province row of a count or level whose prefectures are forecast too:
        the sum of their proposals at the same probability, NaN elsewhere:
        what the prefecture targets add up to, to set beside the province's
        own, which rests on the province's finals and is usually higher at
        high probabilities, the prefectures' shortfalls not all coming
        together; never higher: see ``prefecture_scale``);
        ``prefecture_scale`` (series, prob; on a prefecture row of such a
        province: the factor its proposal was multiplied by so that the
        prefectures' proposals add up to no more than the province's at
        the same probability, 1 where they did already; NaN elsewhere);
        ``target`` (this year's),
        ``comparator``, ``unit``, ``kind``, ``name_zh``, ``name_en``;
        ``note`` ("" or why there is no value). attrs: ``probs``,
        ``default_growth``, provenance.

    Raises
    ------
    ValueError
        If a probability is not in (0, 1), ``probs`` is empty or repeats one, a probability is
        nearer 0 or 1 than :data:`~._common.MIN_TAIL_PATHS` of the kept paths can show (0.99875 with 4,000
        kept paths), or ``default_growth`` is not two numbers, its sd is not in (0, 1] or its mean
        is beyond ±log 3 (next year three times this year's, or a third).
    DataValidationError
        If ``progress`` is not the data the forecast was made from (its hash is not the forecast's
        ``data_sha256``): the earlier finals would come from other data than this year's paths.

    Warns
    -----
    ForecastWarning
        If the forecast kept fewer than :data:`FEW_KEPT_PATHS` paths (``keep_paths``): this
        year's value at the deadline is read from the kept paths only.

    Notes
    -----
    Reference-class style (Flyvbjerg 2006), see ``docs/planning.md``:

    1. *Capacity*: this year's simulated value at the deadline, ``V_d`` in
       path ``d`` (counts: the year's total; levels: the gain since the
       start of the year, ``V_d − start``; annual means: the annual mean).
    2. *Trend*: the finals ``F_y`` of earlier years (the value at the
       deadline month; levels: the gain over the year; annual means: the
       day-weighted mean of a complete year) give the log ratios
       ``ℓ_y = log(F_y / F_{y−1})`` of consecutive years, of the series'
       family in every prefecture (a province row or a single-region
       history: its own); the latest is this year's, its expected final
       (the median of ``V_d``) against last year's final
       (:func:`_with_this_year`). ``log g`` is the Student-t predictive of one more
       ratio under the conjugate normal model with a prior worth one ratio for
       the mean and four for the spread (``default_growth``'s sd; its mean
       only where fewer than two other families of the list of the same kind
       and direction have ratios, else the median of those families' median
       log ratios, each clipped to two sds of it: the list's growth,
       :func:`_list_growth`), the
       ratios counted as independent *years* as far as the prefectures of
       one year move together (:func:`_growth`): a growth seen over 2-3
       years is not carried forward as if it were known. With three or
       more ratios in the family, their own shape enters too: the law is
       the Student-t mixed with the kernel density of the ratios (a
       smoothed bootstrap of the reference class), the t's weight the
       prior's four ratios against the data's independent years
       (:class:`GrowthLaw`): a late start's ratio far below the rest is a
       tail, not a wider middle.
    3. *Next year*: ``N = V · g`` (levels: ``start_next + (V − start) · g``,
       with ``start_next = V``, capped at the upper bound), over every path
       and 32 stratified quantiles of ``g`` (a deterministic quadrature,
       no random numbers; read off the law's quantile table). The target
       met with probability ``p`` is the ``1 − p`` quantile of ``N``
       (``>=``) or its ``p`` quantile (``<=``), so the 90 % value is at
       most the 50 % value for ``>=`` targets.
    4. *Coherence*: where the prefectures' proposals of a ``>=`` count or
       level add up to more than their province's at the same
       probability, they are scaled down in proportion
       (:func:`_reconcile_prefectures`): the province's proposal is what
       the province can deliver at that probability, and its prefectures'
       targets must not promise more.

    Percent changes and named milestones get no value: a change target
    restates a level, and next year's milestones are other projects.

    References
    ----------
    Flyvbjerg, B. (2006). From Nobel prize to project management: getting
    risks right. *Project Management Journal* 37(3), 5-15.
    """
    check_forecast(forecast, "next_year_targets")
    probs = tuple(
        check_prob(p, "probs", "next_year_targets") for p in np.atleast_1d(np.asarray(probs, dtype=object))
    )
    if not probs or len(set(probs)) < len(probs):
        raise ValueError(
            "The 'probs' parameter of next_year_targets must hold distinct probabilities, at least one "
            f"(each a dimension label of the result). Got {probs!r} instead."
        )
    mu0, sd0 = _default_growth(default_growth)
    state = forecast.state
    n = state.sizes[SERIES]
    year = int(state.attrs["year"])
    kind = state["kind"].values.astype(str)
    region = state["region"].values.astype(str)
    indicator = state["indicator"].values.astype(str)
    sign = np.where(state["comparator"].values.astype(str) == "<=", -1.0, 1.0)
    upper = state["upper_bound"].values.astype(float) if "upper_bound" in state else np.full(n, np.nan)
    origin = np.where(kind == "level", state["baseline"].values.astype(float), 0.0)
    at_deadline = forecast.paths.values[:, np.arange(n), deadline_index(state)]
    unresolved = unresolved_probability(probs, at_deadline.shape[0], "a proposal met with probability")
    if unresolved:
        raise ValueError(f"next_year_targets: {unresolved}")
    if at_deadline.shape[0] < FEW_KEPT_PATHS:
        warnings.warn(
            f"next_year_targets: the forecast kept {at_deadline.shape[0]} path(s); this year's value at "
            f"the deadline is read from them, so the proposals rest on {at_deadline.shape[0]} draw(s). "
            f"Forecast with keep_paths of {FEW_KEPT_PATHS} or more (lf.forecast and "
            "`longjiang-forecast next-year` keep 4000 by default).",
            ForecastWarning,
            stacklevel=2,
        )
    ok = forecast_ok(forecast)
    family = family_map(forecast.catalog)
    if progress is not None and not isinstance(progress, xr.Dataset):  # as lf.forecast takes it
        from ..progress import read_progress

        progress = read_progress(progress, forecast.catalog)
    if progress is not None:
        _check_same_data(progress, forecast)
    history = _History(progress) if progress is not None else None
    dl = state["deadline_month"].values.astype(int)
    out = np.full((n, len(probs)), np.nan)
    capacity = np.full(n, np.nan)
    log_mean = np.full(n, np.nan)
    log_sd = np.full(n, np.nan)
    growth_dof = np.full(n, np.nan)
    shape_weight = np.full(n, np.nan)
    table = np.full((n, GROWTH_SCORES.size), np.nan)
    n_finals = np.zeros(n, dtype=int)
    method = np.full(n, "", dtype=object)
    basis = np.full(n, "", dtype=object)
    first_final = np.zeros(n, dtype=int)
    last_final = np.zeros(n, dtype=int)
    note = np.full(n, "", dtype=object)
    levels = np.array(probs)
    expected = _expected_finals(at_deadline, ok, np.where(kind == "level", origin, 0.0))
    expected_of = dict(zip(zip(indicator, region, strict=True), expected, strict=True))
    pools: dict[int, tuple[dict[int, float], dict[str, dict[int, float]]]] = {}
    for s in range(n):
        if not ok[s]:
            note[s] = "no forecast"
            continue
        if kind[s] not in PROPOSED_KINDS:
            note[s] = (
                "percent change: restate as a level target"
                if kind[s] == "change"
                else "named milestones: next year's projects are others"
            )
            continue
        finals = history.finals(family, state, s, year, max(dl[s], 1)) if history is not None else {}
        pool = history.family_ratios(family, state, s, year, max(dl[s], 1)) if history is not None else {}
        if history is not None:
            latest = {
                r: history.region_finals(family, str(indicator[s]), r, kind[s], year, max(dl[s], 1))
                if r != region[s]
                else finals
                for r in pool
            }
            pool = _with_this_year(
                pool, latest, {r: expected_of.get((str(indicator[s]), r), np.nan) for r in pool}, year
            )
        pools[s] = finals, pool
    groups = (kind, sign)
    prior_mean = _list_growth(pools, groups, [family.get(i, i) for i in indicator], mu0, sd0)
    for s, (finals, pool) in pools.items():
        spread, spread_words = sd0, ""
        if history is not None and region[s] == PROVINCE and kind[s] in _SUMMED_KINDS:
            spread, spread_words = _total_spread(
                history, family, str(indicator[s]), kind[s], year, max(dl[s], 1), sd0
            )
        mu_s, prior_words = prior_mean[s]
        law, basis[s], method[s] = _growth(
            finals, pool, mu_s, spread, region=str(region[s]), prior=prior_words
        )
        if any(year in ratios for ratios in pool.values()):
            method[s] += "; this year's expected outcome against last year's final is the latest ratio"
        method[s] += spread_words
        years = sorted(y for y, v in finals.items() if np.isfinite(v) and v > 0)
        n_finals[s] = len(years)
        if years:
            first_final[s], last_final[s] = years[0], years[-1]
        log_mean[s], log_sd[s], growth_dof[s], shape_weight[s] = law.loc, law.scale, law.dof, 1 - law.weight
        table[s] = law.quantiles()
        v = at_deadline[:, s]
        v = v[np.isfinite(v)]
        if v.size == 0:
            note[s] = "no simulated value at the deadline"
            continue
        capacity[s] = float(np.median(v))
        nxt = next_year_values(v, kind[s], origin[s], upper[s], table[s])
        q = levels if sign[s] < 0 else 1.0 - levels
        out[s] = _kernels.nan_quantiles(nxt, q)
    prefecture_scale = _reconcile_prefectures(state, out)
    prefecture_sum = _prefecture_sums(state, out)
    result = xr.Dataset(
        {
            "target_next": ((SERIES, PROB), out),
            "capacity_median": (SERIES, capacity),
            "growth_log_mean": (SERIES, log_mean),
            "growth_log_sd": (SERIES, log_sd),
            "growth_dof": (SERIES, growth_dof),
            "growth_shape_weight": (SERIES, shape_weight),
            "growth_log_quantile": ((SERIES, GROWTH_SCORE), table),
            "n_finals": (SERIES, n_finals),
            "method": (SERIES, method),
            "growth_basis": (SERIES, basis),
            "first_final": (SERIES, first_final),
            "last_final": (SERIES, last_final),
            "note": (SERIES, note),
            "prefecture_sum": ((SERIES, PROB), prefecture_sum),
            "prefecture_scale": ((SERIES, PROB), prefecture_scale),
        },
        coords={SERIES: state[SERIES].values, PROB: list(probs), GROWTH_SCORE: GROWTH_SCORES},
        attrs=provenance(
            forecast,
            probs=repr(list(probs)),
            default_growth=repr((mu0, sd0)),
            next_year=year + 1,
            units="the indicator's unit",
            definition=(
                "target_next(p): value met with probability p by N = V * g, V = this year's simulated "
                "value at the deadline, g = growth factor from the ratios of earlier finals "
                "(growth_log_quantile: log g at probabilities Phi(growth_score))"
            ),
        ),
    )
    result = with_series_labels(result, state, ("target", "comparator", "unit", "kind", "name_zh", "name_en"))
    return result


def next_year_values(
    v: np.ndarray, kind: str, origin: float, upper: float, log_growth: np.ndarray
) -> np.ndarray:
    """Next year's values of one series whose proposals are their quantiles: ``N = V · g``.

    ``v`` (n_paths,): this year's simulated values at the deadline (finite); ``log_growth``
    (len(:data:`GROWTH_SCORES`),): the log growth factor's quantile table (``GrowthLaw.quantiles``),
    read at the :data:`N_GROWTH_POINTS` stratified points (:func:`growth_at`). Counts and annual
    means: ``V · g``; levels (``kind == "level"``): ``V + max(V − origin, 0) · g``, capped at
    ``upper`` where it is finite. Returns the flat array (n_paths × N_GROWTH_POINTS,) whose
    quantiles :func:`next_year_targets` and the reverse question of
    :func:`~longjiang_forecast.planning.list_confidence` both read.
    """
    g = np.exp(growth_at(_growth_quadrature(), log_growth))
    return grow(v[:, None], g[None, :], kind == "level", origin, upper).ravel()


def growth_at(scores: np.ndarray, log_growth: np.ndarray) -> np.ndarray:
    """The log growth factor at standard-normal ``scores`` (any shape) from its quantile table.

    Linear interpolation in the score between the table's :data:`GROWTH_SCORES`; the table's ends
    beyond them (probabilities below 1e-9 or above 1 − 1e-9).
    """
    return np.interp(scores, GROWTH_SCORES, log_growth)


def grow(v: np.ndarray, g: np.ndarray, level: np.ndarray | bool, origin: Any, upper: Any) -> np.ndarray:
    """Next year's value from this year's ``v`` and growth factor ``g`` (arrays that broadcast).

    Counts and annual means ``V · g``; levels (``level`` True) ``V + max(V − origin, 0) · g``,
    capped at ``upper`` where it is finite. The one definition behind the proposals
    (:func:`next_year_values`) and the joint values of ``list_confidence``.
    """
    out = np.where(level, v + np.maximum(v - origin, 0.0) * g, v * g)
    return np.where(level & np.isfinite(upper), np.minimum(out, upper), out)


@functools.cache
def _growth_quadrature() -> np.ndarray:
    """The growth factor's quadrature: the stratified standard-normal scores (read-only)."""
    z = _kernels.stratified_normal(N_GROWTH_POINTS)
    z.flags.writeable = False  # shared by every call
    return z


def _reconcile_prefectures(state: xr.Dataset, out: np.ndarray) -> np.ndarray:
    """Scale prefectures' proposals down where they add up to more than their province's; the factors.

    On each province row of a ``>=`` count or level whose prefectures all have a proposal, at each
    probability where the prefectures' proposals sum to more than the province's, every one of
    them is multiplied by ``province / sum`` (in place in ``out``, series × prob), so that the
    prefecture targets never promise more than the province can deliver at the same probability
    (issue 21; the top-down proportional reconciliation of hierarchical forecasts, Hyndman et al.
    2011, *Computational Statistics & Data Analysis* 55(9), §2, applied only where the sum is
    too high: a prefecture target lowered is met more often than stated, never less). Returns the
    factors (series, prob): 1 where nothing was scaled, NaN on rows that are not such a
    prefecture.
    """
    kind = state["kind"].values.astype(str)
    indicator = state["indicator"].values.astype(str)
    region = state["region"].values.astype(str)
    comparator = state["comparator"].values.astype(str)
    scale = np.full(out.shape, np.nan)
    rows = (region == PROVINCE) & np.isin(kind, _SUMMED_KINDS) & (comparator != "<=")
    for s in np.flatnonzero(rows):
        parts = (indicator == indicator[s]) & (region != PROVINCE)
        if not parts.any() or not np.isfinite(out[parts]).all() or not np.isfinite(out[s]).all():
            continue
        total = out[parts].sum(axis=0)
        factor = np.where(total > out[s], out[s] / np.where(total > 0, total, 1.0), 1.0)
        out[parts] *= factor
        scale[parts] = factor
    return scale


def _prefecture_sums(state: xr.Dataset, out: np.ndarray) -> np.ndarray:
    """On each province row of a count or level: the sum of its prefectures' proposals (series, prob).

    NaN elsewhere, and where a prefecture of the indicator has no proposal.
    """
    kind = state["kind"].values.astype(str)
    indicator = state["indicator"].values.astype(str)
    region = state["region"].values.astype(str)
    sums = np.full(out.shape, np.nan)
    for s in np.flatnonzero((region == PROVINCE) & np.isin(kind, _SUMMED_KINDS)):
        parts = (indicator == indicator[s]) & (region != PROVINCE)
        if parts.any() and np.isfinite(out[parts]).all():
            sums[s] = out[parts].sum(axis=0)
    return sums


def _expected_finals(at_deadline: np.ndarray, ok: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Each series' expected final of this year: the median simulated value at the deadline, less ``start``.

    ``at_deadline`` (draw, series) in the indicator's unit; ``start`` (series,) the level at the
    start of the year for levels (their final is the year's gain), 0 otherwise. NaN where the series
    has no forecast or no finite draw.
    """
    out = np.full(at_deadline.shape[1], np.nan)
    for k in np.flatnonzero(ok):
        values = at_deadline[:, k]
        values = values[np.isfinite(values)]
        if values.size:
            out[k] = float(np.median(values)) - start[k]
    return out


def _with_this_year(
    pool: dict[str, dict[int, float]],
    finals: dict[str, dict[int, float]],
    expected: dict[str, float],
    year: int,
) -> dict[str, dict[int, float]]:
    """Each region's log ratios with this year's: its expected final against last year's final.

    The latest year-to-year ratio is the one this year is making: by the decision months (August to
    October) most of the year is reported. Without it, the first years of a record had no ratio at
    all and took the default growth alone (no trend), and a series with 2-3 earlier finals one ratio
    fewer than it has: the proposals of a world whose plans grow were met far more often than they
    stated (development province worlds, 0-1 earlier finals: 72 % at "50 %", 98 % at "90 %").
    A region without last year's final, or without a positive expected final, keeps its ratios.
    """
    out = {}
    for r, ratios in pool.items():
        last, now = finals[r].get(year - 1, np.nan), expected[r]
        fine = np.isfinite(last) and np.isfinite(now) and last > 0 and now > 0
        out[r] = {**ratios, year: float(np.log(now / last))} if fine else ratios
    return out


def _ratios(finals: dict[int, float]) -> dict[int, float]:
    """Log ratios of consecutive positive finals, keyed by the later year."""
    years = sorted(y for y, v in finals.items() if np.isfinite(v) and v > 0)
    return {b: float(np.log(finals[b] / finals[a])) for a, b in itertools.pairwise(years) if b == a + 1}


@dataclass(frozen=True, eq=False)
class GrowthLaw:
    """Next year's log growth factor of one series: a Student-t and the family's own ratios, mixed.

    Made by :func:`next_year_targets` (see its Notes and ``_growth``); the proposals keep its
    quantile table (``growth_log_quantile``).

    Parameters
    ----------
    loc, scale, dof : float
        The conjugate Student-t predictive of the log ratio (log of a factor: dimensionless).
    weight : float, default 1.0
        The Student-t's share of the law, in (0, 1]; 1 with no residuals.
    residuals : ndarray of shape (m,), default empty
        The family's year-to-year log ratios less their mean, widened by the mean's uncertainty;
        their Gaussian kernel density, centred on ``loc``, carries ``1 − weight`` of the law.
    bandwidth : float, default 0.0
        The kernel's sd (> 0 where there are residuals; Silverman's rule of thumb).

    Raises
    ------
    ValueError
        If ``loc`` is not finite, ``scale`` or ``dof`` not positive and finite, ``weight`` not in
        (0, 1], or, with residuals, ``weight`` 1, a residual not finite or ``bandwidth`` not
        positive; or ``weight`` below 1 without residuals.

    References
    ----------
    Silverman, B. W. (1986). *Density Estimation for Statistics and Data Analysis*, eq. 3.31.
    """

    loc: float
    scale: float
    dof: float
    weight: float = 1.0
    residuals: np.ndarray = field(default_factory=lambda: np.empty(0))
    bandwidth: float = 0.0

    def __post_init__(self) -> None:
        residuals = np.asarray(self.residuals, dtype=float).ravel()
        object.__setattr__(self, "residuals", residuals)
        bad = [
            (name, why)
            for name, ok, why in (
                ("loc", np.isfinite(self.loc), "a finite number"),
                ("scale", np.isfinite(self.scale) and self.scale > 0, "positive and finite"),
                ("dof", np.isfinite(self.dof) and self.dof > 0, "positive and finite"),
                ("weight", 0 < self.weight <= 1, "in (0, 1]"),
            )
            if not ok
        ]
        if residuals.size and not (np.isfinite(residuals).all() and self.bandwidth > 0 and self.weight < 1):
            bad.append(("residuals", "finite, with a positive bandwidth and a weight below 1"))
        if not residuals.size and self.weight < 1:
            bad.append(("weight", "1 without residuals (the Student-t is the whole law)"))
        if bad:
            name, why = bad[0]
            raise ValueError(
                f"The '{name}' parameter of GrowthLaw must be {why}. Got loc={self.loc!r}, "
                f"scale={self.scale!r}, dof={self.dof!r}, weight={self.weight!r}, "
                f"{residuals.size} residual(s), bandwidth={self.bandwidth!r}."
            )

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """P(log g ≤ x), any shape."""
        x = np.asarray(x, dtype=float)
        out = self.weight * special.stdtr(self.dof, (x - self.loc) / self.scale)
        if self.weight < 1.0:
            z = (x[..., None] - self.loc - self.residuals) / self.bandwidth
            out = out + (1.0 - self.weight) * special.ndtr(z).mean(axis=-1)
        return out

    def pdf(self, x: np.ndarray) -> np.ndarray:
        """The density of log g, any shape."""
        x = np.asarray(x, dtype=float)
        t = (x - self.loc) / self.scale
        out = self.weight * _t_pdf(t, self.dof) / self.scale
        if self.weight < 1.0:
            z = (x[..., None] - self.loc - self.residuals) / self.bandwidth
            out = out + (1.0 - self.weight) * np.exp(-0.5 * z * z).mean(axis=-1) / (
                self.bandwidth * _SQRT_2PI
            )
        return out

    def quantiles(self, scores: np.ndarray = GROWTH_SCORES) -> np.ndarray:
        """The log growth factor's quantiles at probabilities ``Φ(scores)`` (same shape as ``scores``).

        Scores beyond ±30 are read at ±30. Exact for the Student-t alone. For the mixture: the
        CDF on a grid (the t's quantiles and points around each ratio's kernel) inverted by
        interpolation, then Newton steps on ``cdf(x) = Φ(z)`` (to about 1e-12 in probability).
        """
        z = np.clip(np.asarray(scores, dtype=float), -_MAX_SCORE, _MAX_SCORE)
        u = special.ndtr(z)
        # each tail from its own small probability (1 − Φ(z) rounds to 0 above z ≈ 8.3)
        tail = special.stdtrit(self.dof, special.ndtr(-np.abs(z)))
        t = self.loc + self.scale * np.where(z < 0, tail, -tail)
        if self.weight >= 1.0:
            return t
        around = self.loc + self.residuals[:, None] + self.bandwidth * _KERNEL_STEPS[None, :]
        grid = np.unique(np.concatenate([t.ravel(), around.ravel()]))
        x = np.interp(u, self.cdf(grid), grid)
        for _ in range(3):
            density = self.pdf(x)
            x = np.where(density > 0, x - (self.cdf(x) - u) / np.where(density > 0, density, 1.0), x)
        return x


#: Largest standard-normal score GrowthLaw.quantiles reads (the t quantile of Φ(−30), 5e-198, is
#: finite for every dof; of Φ(−37) not).
_MAX_SCORE = 30.0
#: Points around each ratio's kernel (in bandwidths) where GrowthLaw.quantiles evaluates the CDF.
_KERNEL_STEPS = np.linspace(-8.0, 8.0, 33)
_SQRT_2PI = float(np.sqrt(2.0 * np.pi))


def _t_pdf(t: np.ndarray, dof: float) -> np.ndarray:
    """Student-t density with ``dof`` degrees of freedom at ``t`` (scipy.special's gammaln)."""
    log_norm = special.gammaln((dof + 1) / 2) - special.gammaln(dof / 2) - 0.5 * np.log(dof * np.pi)
    return np.exp(log_norm - (dof + 1) / 2 * np.log1p(t * t / dof))


def _growth(
    finals: dict[int, float],
    pool: dict[str, dict[int, float]],
    mu0: float,
    sd0: float,
    *,
    region: str | None = None,
    prior: str = "",
) -> tuple[GrowthLaw, str, str]:
    """Log growth factor's predictive law, its basis code and words.

    ``mu0``: the prior mean (:func:`_list_growth`: the growth of the list's other families, or
    ``default_growth``'s), named in the words by ``prior`` ("" for the default growth).

    ``finals``: the series' earlier finals (for the words); ``region``: its own region, whose
    ratios in ``pool`` (this year's among them, :func:`_with_this_year`) decide the basis code
    (without it, the ratios of ``finals``).

    The year-to-year log ratios of consecutive finals of the series' family in every region
    (``pool``: region -> {year: ratio}; the series' own region only where the family has one),
    under the conjugate normal model with the default ``(mu0, sd0)`` as a prior worth
    :data:`PRIOR_RATIOS` ratio(s) for the mean and :data:`PRIOR_SPREAD_RATIOS` for the variance
    (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §3.3): next year's ratio is a
    Student-t with ``ν = n − 1 + ν0`` degrees of freedom, location ``(n ℓ̄ + κ0 mu0) / (n + κ0)``
    and scale ``s √(1 + 1/(n + κ0))``, ``s²`` the pooled variance ``(ν0 sd0² + (n − 1) s_ℓ² +
    n κ0 (ℓ̄ − mu0)² / (n + κ0)) / ν``. ``n`` counts *years*, not region-years, as far as the
    regions' ratios move together (Kish's design effect on their year ICC): the prefectures of one
    year share its funds and its weather. A growth learned from 2-3 finals is no longer carried
    forward as if it were known (issue 21: proposals from 2-3 earlier finals at "80 %" were met
    56-71 % of the time on the synthetic worlds).

    The ratios' own shape: year-to-year ratios are not normal (a late start or a stopped season
    gives a ratio far below the rest, the year after one far above), and a normal law with their
    variance is too wide in the middle and too thin in the tails. With at least
    :data:`MIN_SHAPE_RATIOS` ratios from two years or more, the law is a mixture: the Student-t with weight
    ``ν0 / (ν0 + n)`` (the prior's ratios against the data's independent years), and with the rest
    the kernel density of the ratios themselves (a smoothed bootstrap of the reference class:
    Flyvbjerg 2006's empirical distribution of the class; Silverman 1986, *Density Estimation*,
    eq. 3.31, for the bandwidth), re-centred on the location and widened by the mean's
    uncertainty ``√(1 + 1/(n + κ0))``: their own spread and shape, not shrunk to the prior's (a
    variant at the Student-t's spread, the kernel's variance taken out as in Silverman's §6.4.1,
    left the proposals at 90 % met 87 % of the time on the development worlds: the tails of the
    ratios need their own width).
    """
    own = pool[region] if region in pool else _ratios(finals)
    values = np.array([r for ratios in pool.values() for r in ratios.values()], dtype=float)
    groups = np.array([y for ratios in pool.values() for y in ratios], dtype=int)
    n_points = values.size
    n = effective_n(values, groups) if n_points else 0.0
    kappa0, nu0 = PRIOR_RATIOS, PRIOR_SPREAD_RATIOS
    mean = float(values.mean()) if n_points else mu0
    var_l = float(np.var(values, ddof=1)) if n_points >= 2 else 0.0
    nu = max(n - 1.0, 0.0) + nu0
    var = (nu0 * sd0**2 + max(n - 1.0, 0.0) * var_l + n * kappa0 * (mean - mu0) ** 2 / (n + kappa0)) / nu
    loc = (n * mean + kappa0 * mu0) / (n + kappa0)
    widen = np.sqrt(1 + 1 / (n + kappa0))
    scale = max(float(np.sqrt(var) * widen), MIN_GROWTH_SD)
    law = GrowthLaw(loc, scale, nu)
    if n_points >= MIN_SHAPE_RATIOS and np.unique(groups).size >= 2:
        residuals = (values - mean) * widen
        spread = float(np.std(residuals, ddof=1))
        iqr = float(np.subtract(*np.percentile(residuals, [75, 25]))) / 1.34
        width = 0.9 * min(spread, iqr) if iqr > 0 else spread
        bandwidth = max(width * n_points**-0.2, MIN_GROWTH_SD / 2)
        law = GrowthLaw(loc, scale, nu, nu0 / (nu0 + n), residuals, bandwidth)
    years = sorted(y for y, v in finals.items() if np.isfinite(v) and v > 0)
    k = len(years)
    regions = sum(1 for ratios in pool.values() if ratios)
    where = f" in {regions} regions of its family" if regions > 1 else ""
    if n_points == 0:
        words = (
            f"{prior or 'default growth'} (no two consecutive years known, this year's expected outcome "
            f"included; {k} earlier finals)"
        )
        return law, "default", words
    words = (
        f"growth from {n_points} year-to-year ratio(s){where} ({n:.1f} independent years' worth), "
        f"pooled with {prior or 'the default growth'}"
    )
    if law.weight < 1.0:
        words += f", in their own shape ({1 - law.weight:.0%} of the law)"
    return law, "trend" if len(own) >= 2 else "trend_default_spread", words


def _list_growth(
    pools: dict[int, tuple[dict[int, float], dict[str, dict[int, float]]]],
    groups: tuple[np.ndarray, ...],
    families: list[str],
    mu0: float,
    sd0: float,
) -> dict[int, tuple[float, str]]:
    """Prior mean of each series' log growth: the growth of the list's other families like it.

    A list's targets are planned together: where they grow, they grow for the most part alike, so
    the prior of one family's growth is the median over the list's other families of the same kind
    and direction (``groups``) of each family's median log ratio (``pools``: series -> (finals,
    region -> {year: log ratio}), this year's expected ratio included); a family's own ratios are
    left out so that they are not counted twice. Medians, each family's no further than ``2 sd0``
    from ``mu0``, and at least :data:`MIN_LIST_FAMILIES` other families: one family's pilot year
    (10 last year, 50 expected this year: log 5) is not lent to the others as their growth. ``mu0``
    (``default_growth``'s mean) where fewer families have ratios. The shrinkage of a hierarchical
    model toward its group mean (Gelman et al. 2013, *Bayesian Data Analysis*, 3rd ed., §5.5)
    rather than toward a growth of zero: with ``mu0 = 0`` the proposals of a list that grows were
    met far more often than they stated where a family had few ratios of its own (development
    province worlds, 0-1 earlier finals: 69 % at "50 %", 85 % at "70 %"; families: 73.5 % at
    "70 %" over all).

    Returns
    -------
    dict of int to (float, str)
        Series -> (prior mean of the log growth, the prior in words; "" for ``mu0``).
    """
    ratios: dict[tuple[Any, ...], dict[str, dict[tuple[str, int], float]]] = {}
    for s, (_, pool) in pools.items():
        fam = ratios.setdefault(tuple(g[s] for g in groups), {}).setdefault(families[s], {})
        for r, by_year in pool.items():
            for y, v in by_year.items():
                fam.setdefault((r, y), v)
    low, high = mu0 - 2 * sd0, mu0 + 2 * sd0
    medians = {
        group: {f: float(np.clip(np.median(list(v.values())), low, high)) for f, v in fams.items() if v}
        for group, fams in ratios.items()
    }
    out = {}
    for s in pools:
        group = tuple(g[s] for g in groups)
        others = [m for f, m in medians.get(group, {}).items() if f != families[s]]
        if len(others) >= MIN_LIST_FAMILIES:
            prior = float(np.median(others))
            words = f"the growth of the list's {len(others)} other target(s) of its kind ({prior:+.3f} log)"
            out[s] = prior, words
        else:
            out[s] = mu0, ""
    return out


def _total_spread(
    history: _History, family: dict[str, str], ind: str, kind: str, year: int, dl: int, sd0: float
) -> tuple[float, str]:
    """The default spread of a province total's log growth, from its prefectures' ratios; and words.

    ``sd0`` (``default_growth``'s sd) is the spread of one series. A total of prefectures varies
    less from year to year than one of them: by the part of their spread they share (the year ICC
    ``ρ`` of their pooled ratios, :func:`~longjiang_forecast._core.clusters.year_icc`) and by
    ``1/m_eff`` of the rest, ``m_eff = 1 / Σ w²`` with ``w`` the prefectures' shares of their mean
    finals (Kish 1965, *Survey Sampling*, §2.8: the variance of a weighted mean). So the default
    spread of the province's own growth is ``sd0 √(ρ + (1 − ρ) / m_eff)`` (with ``sd0`` alone,
    the province rows' proposals at 90 % were met 97 % of the time on the development province
    worlds). ``sd0`` and no words where the prefectures have fewer than :data:`MIN_SHAPE_RATIOS`
    ratios, from one year, or fewer than two prefectures have any.
    """
    pool = {
        r: ratios for r, ratios in history.prefecture_ratios(family, ind, kind, year, dl).items() if ratios
    }
    values = np.array([v for ratios in pool.values() for v in ratios.values()], dtype=float)
    groups = np.array([y for ratios in pool.values() for y in ratios], dtype=int)
    if values.size < MIN_SHAPE_RATIOS or np.unique(groups).size < 2 or len(pool) < 2:
        return sd0, ""
    sizes = []
    for r in pool:  # a prefecture's size: the mean of its finals (a latest final of 0 is not its size)
        finals = [v for v in history.region_finals(family, ind, r, kind, year, dl).values() if np.isfinite(v)]
        sizes.append(max(float(np.mean(finals)), 0.0) if finals else 0.0)
    weights = np.array(sizes)
    m_eff = 1.0 / float(np.sum((weights / weights.sum()) ** 2)) if weights.sum() > 0 else float(len(pool))
    rho = year_icc(values, groups)
    spread = sd0 * float(np.sqrt(rho + (1.0 - rho) / m_eff))
    return spread, (
        f"; the default spread {spread:.3f}, that of a total of {m_eff:.1f} prefectures of equal size "
        f"sharing {rho:.0%} of their year-to-year spread (from {len(pool)} prefectures' ratios)"
    )


#: Widest mean of the default log growth factor: next year's value three times this year's, or a
#: third (a mean of 5 proposed 45,818 households against this year's 300; a break-it pass).
_MAX_DEFAULT_LOG_GROWTH = float(np.log(3.0))


def _default_growth(default_growth: Any) -> tuple[float, float]:
    """``default_growth`` as (mean, sd) of the log growth factor, or the ValueError that says what to pass."""
    try:
        mu0, sd0 = (float(x) for x in default_growth)
    except (TypeError, ValueError):
        mu0 = sd0 = float("nan")
    if not (abs(mu0) <= _MAX_DEFAULT_LOG_GROWTH and 0.0 < sd0 <= 1.0):
        raise ValueError(
            "The 'default_growth' parameter of next_year_targets is (mean, sd) of the log of next year's "
            f"growth factor, the mean within ±{_MAX_DEFAULT_LOG_GROWTH:.3f} (log 3) and the sd in (0, 1]: "
            f"e.g. (0.05, 0.1) for about +5 % a year, give or take 10 %. Got {default_growth!r} instead."
        )
    return mu0, sd0


def _check_same_data(progress: xr.Dataset, forecast: ForecastLike) -> None:
    """Refuse progress data other than the forecast's (another file, another catalogue's series)."""
    made_from = str(forecast.summary.attrs.get("data_sha256", ""))
    given = str(progress.attrs.get("sha256") or content_sha256(progress))
    if made_from and given != made_from:
        raise DataValidationError(
            f"next_year_targets: the progress data given (hash {given[:12]}…, "
            f"{progress.attrs.get('source', 'a Dataset')}) is not the data the forecast was made from (hash "
            f"{made_from[:12]}…): next year's growth would be read from other years than this year's "
            "forecast. Pass the progress the forecast was made from (the same file or Dataset as "
            "lf.forecast), or progress=None for the default growth."
        )


def history_finals(progress: xr.Dataset, catalog: Catalog, state: xr.Dataset, year: int) -> np.ndarray:
    """Each series' final of ``year``, in the terms of its growth ratios, from a full history.

    The final of the series' family in its region (next year's indicator of the same ``family``
    and region; counts: the report of this year's deadline month; levels: the gain over the
    year; annual means: the day-weighted mean of a complete year). A province row without a
    final of its own gets the sum of its prefectures' (counts and levels, all of them reported;
    NaN otherwise). Returns an array of shape (n_series,), NaN where unknown.
    """
    history = _History(progress)
    family = family_map(catalog)
    out = np.full(state.sizes[SERIES], np.nan)
    for s in range(out.size):
        if str(state["kind"].values[s]) in PROPOSED_KINDS:
            dl = max(int(state["deadline_month"].values[s]), 1)
            out[s] = history.finals(family, state, s, year + 1, dl).get(year, np.nan)
    return out


def family_map(catalog: Catalog) -> dict[str, str]:
    """Each indicator's family (the catalogue's ``family``; the indicator itself where none is given)."""
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
        self._ratio_cache: dict[tuple[str, str, int, int], dict[str, dict[int, float]]] = {}
        self._finals_cache: dict[tuple[str, str, str, int, int], dict[int, float]] = {}

    def finals(
        self, family: dict[str, str], state: xr.Dataset, s: int, year: int, dl: int
    ) -> dict[int, float]:
        """Finals of earlier years of series ``s``'s indicator family, keyed by year.

        A province row that nobody reported gets its prefectures' sum (counts and levels; the years
        every prefecture has a final), as the engine totals its paths.
        """
        ind, region, kind = (str(state[v].values[s]) for v in ("indicator", "region", "kind"))
        own = self.region_finals(family, ind, region, kind, year, dl)
        others = [r for r in self.regions if r != PROVINCE]
        if own or region != PROVINCE or kind == "annual_mean" or not others:
            return own
        parts = [self.region_finals(family, ind, r, kind, year, dl) for r in others]
        common = set.intersection(*(set(p) for p in parts))
        return {y: float(sum(p[y] for p in parts)) for y in sorted(common)}

    def family_ratios(
        self, family: dict[str, str], state: xr.Dataset, s: int, year: int, dl: int
    ) -> dict[str, dict[int, float]]:
        """Year-to-year log ratios of the finals before ``year`` of series ``s``'s family, by region.

        Every region of the history but the province (whose finals are its prefectures' sum); a
        province or single-region series gets its own region's only.
        """
        ind, region, kind = (str(state[v].values[s]) for v in ("indicator", "region", "kind"))
        if region == PROVINCE or len(self.regions) == 1:
            return {region: _ratios(self.finals(family, state, s, year, dl))}
        return self.prefecture_ratios(family, ind, kind, year, dl)

    def prefecture_ratios(
        self, family: dict[str, str], ind: str, kind: str, year: int, dl: int
    ) -> dict[str, dict[int, float]]:
        """Year-to-year log ratios of the finals before ``year`` of ``ind``'s family in every prefecture."""
        regions = [r for r in self.regions if r != PROVINCE]
        key = (family.get(ind, ind), kind, year, dl)
        cache = self._ratio_cache.setdefault(key, {})
        for r in regions:
            if r not in cache:
                cache[r] = _ratios(self.region_finals(family, ind, r, kind, year, dl))
        return {r: cache[r] for r in regions}

    def region_finals(
        self, family: dict[str, str], ind: str, region: str, kind: str, year: int, dl: int
    ) -> dict[int, float]:
        """Finals before ``year`` of indicator ``ind``'s family in ``region``, keyed by year (read once)."""
        key = (ind, region, kind, year, dl)
        if key not in self._finals_cache:
            self._finals_cache[key] = self._read_finals(family, ind, region, kind, year, dl)
        return self._finals_cache[key]

    def _read_finals(
        self, family: dict[str, str], ind: str, region: str, kind: str, year: int, dl: int
    ) -> dict[int, float]:
        """:meth:`region_finals`, read from the values."""
        reg = self.regions.get(region)
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
