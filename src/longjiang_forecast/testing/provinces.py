r"""A second synthetic province with KNOWN truth, built on other structures than :mod:`.families`.

:func:`~longjiang_forecast.testing.synthetic_families` draws each prefecture's
year effect on its own, so thirteen prefecture-years of one year are thirteen
independent pieces of evidence. In the province they are not: funds are
released province-wide, one early winter stops every site, one provincial push
lifts all. This generator makes the prefectures of a year move together, makes
late starts cost work, lets plans grow and ratchet from year to year, reports
with a ragged edge, and puts a province row (the sum of its prefectures, which
never report it themselves) in the catalogue. It keeps the interface of
:class:`~longjiang_forecast.testing.families.SyntheticFamilies`, so
:func:`longjiang_forecast.backtest` and the calibration report run on it; its
exact oracle lets a model's probabilities be compared with the truth.

Develop models on some seeds of one generator and report on held-out seeds of
both (``docs/make_calibration_report.py``).

The process
-----------
A *family* ``f`` (one indicator per year, ``f"{name}_{year}"``) has a series
per prefecture ``r`` and year ``y``. Month ``m`` adds an increment

.. math::

    x_{r,m} \sim \mathrm{Gamma}\bigl(k\, w^{(S_r, W)}_m,\ θ_{r,y}\bigr),\qquad
    θ_{r,y} = \frac{T_{r,y}}{k}\, e^{b_r + η_{y} + ε_{r,y}},

* ``η_y ~ N(0, σ_η²)`` the **common year effect** of the family, shared by
  all prefectures of the year (funds released province-wide, a provincial
  push); ``ε_{r,y} ~ N(0, σ_ε²)`` the **prefecture-year effect**; with the
  defaults ``σ_η = 0.08 > σ_ε = 0.06``, so the intra-year correlation of
  ``log(outcome / plan)`` is about ``σ_η² / (σ_η² + σ_ε² + 1/k) ≈ 0.55``;
* ``b_r ~ N(μ_b, σ_b²)`` the prefecture's **habitual over- or under-shoot**,
  drawn once per family and known to the oracle;
* ``w^{(0,0)}`` the family's seasonal weights, normalised to sum to 1 over the
  months up to the deadline month ``d`` (so ``k`` is the Gamma shape of a
  normal year's total, whose coefficient of variation is ``1/√k``);
* ``S_r = \max(S_P, Z_r)`` a **late start**: province-wide (``S_P``, with
  probability ``p_P``) or in the prefecture alone (``Z_r``, probability
  ``p_R``). The family's delay months become nearly idle (weight × 0.02) and
  the rest of the season is rescaled so that the year's expected total is
  ``e^{-c}`` times a normal year's (the **cost** ``c``, default 0.1): a late
  start catches up, but not fully;
* ``W`` an **early winter** (families with ``early_winter=True``, probability
  ``p_W``), province-wide: October's weight is multiplied by ``ω`` (0.2);
* ``k`` the concentration.

Plans grow and ratchet: the first year's plan is the provincial target split
by 2020 population share times ``e^{N(0, 0.1²)}``; afterwards
``T_{r,y+1} = g_y (T_{r,y} + O_{r,y}) / 2`` (``O`` the outcome at the deadline,
``g_y = e^{N(0.05, 0.03²)}`` common to the family), rounded to whole units.
The province row's target is the sum of the prefecture targets; the progress
holds **prefecture reports only**.

Deadlines are catalogue dates, judged on the last month-end report on or
before them (:func:`longjiang_forecast._core.state.deadline_month`): the
heating family's 20 October deadline is judged on the September report.

Reports have a **ragged edge**: the report of month ``m`` is published at the
end of month ``m + L`` with ``L = 1`` (probability ``p_late``), 2 (``p_late²``)
or 0, and a later month is never published before an earlier one. The
``published`` variable of the progress holds that month;
:func:`longjiang_forecast.backtesting.truncate` hides what was not published
by the as-of month, and the oracle conditions only on what was.

The oracle
----------
For the as-of year and family, let ``u_r = η + ε_r``. Given ``(S_r, W)``,
increments between a prefecture's published reports are independent Gamma
with summed shapes, so the likelihood of its reports ``c_1..c_J`` (months
``m_1 < … < m_J ≤ d``, ``c_0 = 0``) is

.. math::

    ℓ_r(u; S, W) = \prod_j \mathrm{Gamma}\bigl(c_j - c_{j-1};\ k\,W^{(S,W)}_j,\
    T_r e^{b_r + u}/k\bigr),

computed on a grid of ``G = 201`` values of ``u`` (±7 √(σ_η²+σ_ε²)); ``η``
takes the same grid values. Prefectures are conditionally independent given
``(η, S_P, W)``, so

.. math::

    p(η, S_P, W \mid \text{reports}) ∝ N(η; 0, σ_η²) P(S_P) P(W) \prod_r
    \sum_{S} P(S_r = S \mid S_P) \sum_u K(u - η)\, ℓ_r(u; S, W),

with ``K`` the normal kernel of ``ε`` (sd ``σ_ε``) on the grid. Each
prefecture's posterior over ``(S_r, W, u)`` follows by summing out ``η`` and
``S_P``; given it, the rest of the year is
``Gamma(k Σ_{m_J < m ≤ d} w_m^{(S_r,W)},\ T_r e^{b_r+u}/k)``, so P(met), the
CDF at the outcome and the 10 % / 90 % quantiles are mixtures of regularised
incomplete gamma functions (exact up to the quadrature).

The province row's deadline value is the sum of the prefectures'. Its oracle
is Monte Carlo from the exact posterior: 20,000 draws of ``(η, S_P, W)``, then
each prefecture's ``(S_r, u_r)`` from its conditional posterior given them,
then its remaining Gamma work. The Monte Carlo standard error of the
province's ``p_true`` and ``cdf_true`` is ``√(p(1 − p)/20000) ≤ 0.0036``; the
draws are seeded by the generator's seed and the as-of month, so the oracle is
reproducible.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import INDICATOR, MONTH, PROVINCE, REGION
from .._core.state import deadline_month, parse_month
from .families import _digest, _MixtureCdf

#: Grid points of the year effects in the oracle's quadrature.
ORACLE_GRID = 201
#: Half-width of the grid, in units of ``sqrt(common_sd² + prefecture_sd²)``.
ORACLE_SPAN = 7.0
#: Monte Carlo draws of the province row's oracle.
PROVINCE_DRAWS = 20_000
#: Weight factor of a late start's idle months.
IDLE = 0.02


@dataclass(frozen=True, slots=True, kw_only=True)
class ProvinceFamilySpec:
    """One family of the synthetic province (one indicator per year, one series per prefecture).

    Parameters
    ----------
    name : str
        Family id; the indicator of year ``y`` is ``f"{name}_{y}"``.
    description : str
        What it mimics.
    weights : tuple of 12 float
        Seasonal weights of January..December in a normal year (> 0; the
        generator normalises them to sum to 1 up to the deadline month).
    delay_months : tuple of int
        Months (1-12) left nearly idle by a late start.
    deadline : tuple of (int, int)
        ``(month, day)`` of the deadline in each year, e.g. ``(10, 20)``.
    total_target : float
        Provincial plan of the first year (> 0).
    early_winter : bool
        Whether an early winter cuts this family's October work.
    unit, tags : str
        Catalogue unit and tags.
    """

    name: str
    description: str
    weights: tuple[float, ...]
    delay_months: tuple[int, ...]
    deadline: tuple[int, int]
    total_target: float
    early_winter: bool
    unit: str
    tags: str

    def __post_init__(self) -> None:
        if len(self.weights) != 12 or min(self.weights) <= 0:
            raise ValueError(
                "The 'weights' parameter of ProvinceFamilySpec must be 12 positive weights. "
                f"Got {self.weights!r} instead."
            )
        if not all(1 <= m <= 12 for m in self.delay_months):
            raise ValueError(
                "The 'delay_months' parameter of ProvinceFamilySpec must hold months in [1, 12]. "
                f"Got {self.delay_months!r} instead."
            )
        month, day = self.deadline
        pd.Timestamp(year=2024, month=month, day=day)  # raises on an impossible date
        if self.deadline_month < 1 or max(self.delay_months, default=0) >= self.deadline_month:
            raise ValueError(
                "The 'deadline' parameter of ProvinceFamilySpec must fall after the delay months. "
                f"Got {self.deadline!r} with delay months {self.delay_months!r} instead."
            )

    @property
    def deadline_month(self) -> int:
        """Month (1-12) whose report decides the target (see ``_core.state.deadline_month``)."""
        return deadline_month(pd.Timestamp(year=2024, month=self.deadline[0], day=self.deadline[1]))

    def weight_table(self, cost: float, winter_factor: float) -> np.ndarray:
        """Weights ``w^{(S, W)}`` of shape (2, 2, 12): late start ``S``, early winter ``W``."""
        d = self.deadline_month
        w0 = np.asarray(self.weights, float)
        w0 = w0 / w0[:d].sum()
        idle = np.zeros(12, bool)
        idle[np.asarray(self.delay_months, int) - 1] = True
        rest = ~idle & (np.arange(12) < d)
        w1 = w0.copy()
        w1[idle] *= IDLE
        w1[rest] *= (np.exp(-cost) - w1[idle & (np.arange(12) < d)].sum()) / w0[rest].sum()
        out = np.empty((2, 2, 12))
        for s, w in enumerate((w0, w1)):
            out[s, 0] = w
            out[s, 1] = w
            if self.early_winter:
                out[s, 1, 9] = w[9] * winter_factor
        return out


def _shape(jan_dec: Sequence[float]) -> tuple[float, ...]:
    return tuple(float(v) for v in jan_dec)


#: The default families: an outdoor family peaking June-September, a heating family due 20 October,
#: an indoor family with end-of-quarter pushes.
PROVINCE_FAMILIES: tuple[ProvinceFamilySpec, ...] = (
    ProvinceFamilySpec(
        name="PRV_OUTDOOR",
        description="old-neighbourhood renovation: work peaks June-September, due 31 October; a late "
        "start idles May-June; an early winter cuts October's work",
        weights=_shape((0.003, 0.003, 0.005, 0.03, 0.08, 0.16, 0.2, 0.2, 0.17, 0.1, 0.003, 0.003)),
        delay_months=(5, 6),
        deadline=(10, 31),
        total_target=30_000.0,
        early_winter=True,
        unit="households",
        tags="outdoor;synthetic",
    ),
    ProvinceFamilySpec(
        name="PRV_HEATING",
        description="heating-network renovation due 20 October (judged on the September report): "
        "work May-September; a late start idles May-June",
        weights=_shape((0.002, 0.002, 0.003, 0.02, 0.12, 0.22, 0.25, 0.23, 0.15, 0.05, 0.002, 0.002)),
        delay_months=(5, 6),
        deadline=(10, 20),
        total_target=2_000.0,
        early_winter=False,
        unit="km",
        tags="outdoor;heating;synthetic",
    ),
    ProvinceFamilySpec(
        name="PRV_QUARTERLY",
        description="indoor service places: end-of-quarter pushes (March, June, September, December), "
        "due 31 December; a late start idles January-April",
        weights=_shape((0.6, 0.6, 1.6, 0.7, 0.7, 1.8, 0.7, 0.7, 1.8, 0.8, 0.8, 2.5)),
        delay_months=(1, 2, 3, 4),
        deadline=(12, 31),
        total_target=8_000.0,
        early_winter=False,
        unit="places",
        tags="synthetic",
    ),
)


@dataclass(frozen=True)
class SyntheticProvince:
    """Synthetic province: catalogue, prefecture-only progress and the truth that made them.

    Attributes
    ----------
    catalog : Catalog
        One row per (indicator-year, prefecture) and one ``province`` row per
        indicator-year (target = sum of the prefecture targets); kind
        ``cumulative``, comparator ``>=``, family = the spec name.
    progress : xarray.Dataset
        ``value`` (indicator, region, month), prefectures only, all months of
        all years (outcomes included); ``published`` (same dims,
        datetime64): the month at whose end each report was published.
    truth : xarray.Dataset
        dims (indicator, region), the province included: ``target``,
        ``region_effect`` (``b_r``), ``common_effect`` (``η``),
        ``prefecture_effect`` (``ε_r``), ``late_start`` (``S_r``),
        ``province_late_start`` (``S_P``), ``early_winter`` (``W``),
        ``theta``, ``outcome``, ``met`` (1/0); effects are NaN on the
        province row.
    specs : tuple of ProvinceFamilySpec
    concentration, common_sd, prefecture_sd, province_delay_prob,
    prefecture_delay_prob, delay_cost, early_winter_prob, winter_factor : float
        The parameters of the module docstring.
    """

    catalog: Any
    progress: xr.Dataset
    truth: xr.Dataset
    specs: tuple[ProvinceFamilySpec, ...]
    concentration: float
    common_sd: float
    prefecture_sd: float
    province_delay_prob: float
    prefecture_delay_prob: float
    delay_cost: float
    early_winter_prob: float
    winter_factor: float

    def oracle(self, as_of: Any, *, values: np.ndarray | None = None) -> pd.DataFrame:
        """The true probability of meeting each target of the as-of year given the reports published by then.

        Parameters
        ----------
        as_of : str or pandas.Timestamp
            Month ``YYYY-MM`` of the forecast; reports of later months, and
            reports published after it (the ragged edge), are not used.
        values : ndarray of shape (n_rows,), optional
            Deadline values at which to evaluate the oracle CDF (one per row
            of the result, in its order); default the actual outcomes (the
            oracle PIT).

        Returns
        -------
        pandas.DataFrame
            One row per series of the as-of year, each family's prefectures
            then its ``province`` row: ``indicator``, ``region``, ``as_of``
            (Timestamp), ``p_true`` (oracle P(met)), ``cdf_true`` (oracle
            P(deadline value <= value)), ``q10_true``, ``q90_true``,
            ``outcome``, ``met``, ``target``, ``observed`` (the latest
            published cumulative value, 0 if none; for the province the sum
            of the prefectures'), ``n_reported`` (months published by
            ``as_of``; -1 for the province), ``n_late`` (1 if the as-of
            month's report is not yet published, before the deadline month;
            for the province, how many prefectures are late).

        Raises
        ------
        DataValidationError
            If ``as_of`` is not a month ``YYYY-MM``.
        ValueError
            If ``as_of`` is outside the generated years.
        """
        ts = parse_month(as_of)
        year, month = ts.year, ts.month
        years = sorted({int(str(i).rsplit("_", 1)[1]) for i in self.truth[INDICATOR].values})
        if year not in years:
            raise ValueError(f"as_of {ts:%Y-%m} is outside the generated years {years[0]}-{years[-1]}.")
        months = pd.DatetimeIndex(self.progress[MONTH].values)
        in_year = np.flatnonzero((months.year == year) & (months.month <= month))
        published = self.progress["published"].values[..., in_year] <= np.datetime64(ts)
        regions = [str(r) for r in self.progress[REGION].values]
        k = self.concentration
        sd = np.hypot(self.common_sd, self.prefecture_sd)
        grid = np.linspace(-ORACLE_SPAN, ORACLE_SPAN, ORACLE_GRID) * sd
        kernel = np.exp(-0.5 * ((grid[None, :] - grid[:, None]) / self.prefecture_sd) ** 2)
        kernel /= kernel.sum(axis=1, keepdims=True)  # (eta, u): p(u | eta) on the grid
        log_prior = -0.5 * (grid / self.common_sd) ** 2
        log_prior -= special.logsumexp(log_prior)
        p_late = np.array([[1 - self.prefecture_delay_prob, self.prefecture_delay_prob], [0.0, 1.0]])
        log_sp = _log_bernoulli(self.province_delay_prob)
        ind_index = {str(v): i for i, v in enumerate(self.progress[INDICATOR].values)}
        rows: list[dict[str, Any]] = []
        for f, spec in enumerate(self.specs):
            ind = f"{spec.name}_{year}"
            i_ind = ind_index[ind]
            dl = spec.deadline_month
            w = spec.weight_table(self.delay_cost, self.winter_factor)  # (S, W, 12)
            log_w = _log_bernoulli(self.early_winter_prob if spec.early_winter else 0.0)
            series = []
            for r, region in enumerate(regions):
                tr = self.truth.sel({INDICATOR: ind, REGION: region})
                vals = self.progress["value"].values[i_ind, r, in_year]
                ok = published[i_ind, r] & np.isfinite(vals) & (months.month[in_year] <= dl)
                rep_m = months.month[in_year][ok].to_numpy()
                series.append(
                    _Series(
                        region=region,
                        target=float(tr["target"]),
                        theta=float(tr["target"]) / k * np.exp(float(tr["region_effect"]) + grid),
                        rep_months=rep_m,
                        rep_values=vals[ok],
                        weights=w,
                        k=k,
                        deadline=dl,
                        late=bool(month < dl and (rep_m.size == 0 or rep_m[-1] < month)),
                    )
                )
            # joint posterior of (S_P, W, eta): prefectures independent given them
            logpost = log_sp[:, None, None] + log_w[None, :, None] + log_prior[None, None, :]
            for s in series:
                logpost = logpost + s.log_marginal(kernel, p_late)
            logpost -= logpost.max()
            post = np.exp(logpost)
            post /= post.sum()
            for s in series:
                tr = self.truth.sel({INDICATOR: ind, REGION: s.region})
                outcome = float(tr["outcome"])
                value = outcome if values is None else float(values[len(rows)])
                cdf = s.mixture(post, kernel, p_late)
                below, at_value = cdf(np.array([s.target - 1e-9 * abs(s.target), value]))
                q10, q90 = cdf.quantiles(np.array([0.1, 0.9]), scale=s.target)
                rows.append(
                    _row(ind, s.region, ts, 1.0 - below, at_value, q10, q90, outcome, float(tr["met"]))
                    | {
                        "target": s.target,
                        "observed": s.done,
                        "n_reported": int(s.rep_months.size),
                        "n_late": int(s.late),
                    }
                )
            rng = np.random.default_rng(
                np.random.SeedSequence(int(self.progress.attrs["seed_entropy"]), spawn_key=(year, month, f))
            )
            total = _province_draws(series, post, kernel, p_late, rng)
            tr = self.truth.sel({INDICATOR: ind, REGION: PROVINCE})
            target, outcome = float(tr["target"]), float(tr["outcome"])
            value = outcome if values is None else float(values[len(rows)])
            q10, q90 = np.quantile(total, [0.1, 0.9])
            rows.append(
                _row(
                    ind,
                    PROVINCE,
                    ts,
                    float(np.mean(total >= target)),
                    float(np.mean(total <= value)),
                    float(q10),
                    float(q90),
                    outcome,
                    float(tr["met"]),
                )
                | {
                    "target": target,
                    "observed": float(sum(s.done for s in series)),
                    "n_reported": -1,
                    "n_late": int(sum(s.late for s in series)),
                }
            )
        return pd.DataFrame(rows)


def _row(ind, region, ts, p, cdf, q10, q90, outcome, met) -> dict[str, Any]:
    return {
        "indicator": ind,
        "region": region,
        "as_of": ts,
        "p_true": float(np.clip(p, 0.0, 1.0)),
        "cdf_true": float(np.clip(cdf, 0.0, 1.0)),
        "q10_true": float(q10),
        "q90_true": float(q90),
        "outcome": outcome,
        "met": met,
    }


def _log_bernoulli(p: float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return np.log(np.array([1.0 - p, p]))


class _Series:
    """One prefecture-year's published reports and its likelihood on the grid of ``u = η + ε``."""

    def __init__(self, *, region, target, theta, rep_months, rep_values, weights, k, deadline, late):
        self.region, self.target, self.theta, self.late = region, target, theta, late
        self.rep_months = rep_months
        loglik = np.zeros((2, 2, theta.size))  # (S, W, u)
        log_theta = np.log(theta)
        prev_m, prev_c = 0, 0.0
        for m, c in zip(rep_months, rep_values, strict=True):
            a = k * weights[:, :, prev_m:m].sum(axis=2)  # (S, W)
            x = max(float(c) - prev_c, 1e-300)
            loglik += (
                ((a - 1) * np.log(x) - special.gammaln(a))[..., None] - x / theta - a[..., None] * log_theta
            )
            prev_m, prev_c = int(m), float(c)
        self.done = prev_c
        self.a_rest = k * weights[:, :, prev_m:deadline].sum(axis=2)  # (S, W)
        self.shift = loglik.max()
        self.lik = np.exp(loglik - self.shift)  # (S, W, u), scaled

    def marginal(self, kernel: np.ndarray, p_late: np.ndarray) -> np.ndarray:
        """Scaled likelihood of the reports given ``(S_P, W, η)``, shape (S_P, W, η)."""
        per_s = np.einsum("ij,swj->wsi", kernel, self.lik)  # (W, S, eta)
        return np.einsum("ps,wsi->pwi", p_late, per_s)

    def log_marginal(self, kernel: np.ndarray, p_late: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore"):
            return np.log(self.marginal(kernel, p_late)) + self.shift

    def mixture(self, post: np.ndarray, kernel: np.ndarray, p_late: np.ndarray) -> _MixtureCdf:
        """Posterior predictive of the deadline value: a mixture over ``(S_r, W, u)``."""
        marg = self.marginal(kernel, p_late)
        ratio = np.divide(post, marg, out=np.zeros_like(post), where=marg > 0)  # (S_P, W, eta)
        through = ratio @ kernel  # (S_P, W, u)
        weight = np.einsum("pwu,ps,swu->swu", through, p_late, self.lik)  # (S, W, u)
        weight /= weight.sum()
        keep = weight > 1e-9
        a = np.broadcast_to(self.a_rest[:, :, None], weight.shape)[keep]
        theta = np.broadcast_to(self.theta[None, None, :], weight.shape)[keep]
        return _MixtureCdf(self.done, a, theta, weight[keep] / weight[keep].sum())


def _province_draws(
    series: list[_Series], post: np.ndarray, kernel: np.ndarray, p_late: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Draws of the sum of the prefectures' deadline values from the exact joint posterior."""
    n_grid = kernel.shape[0]
    flat = rng.choice(post.size, size=PROVINCE_DRAWS, p=post.ravel())
    keys, row = np.unique(flat, return_inverse=True)
    p, w, i = np.unravel_index(keys, post.shape)  # the distinct (S_P, W, eta) drawn
    total = np.zeros(PROVINCE_DRAWS)
    for s in series:
        # p(S_r, u | S_P, W, eta) for each distinct key, as one CDF per row shifted by the row number
        cond = p_late[p][:, :, None] * kernel[i][:, None, :] * s.lik[:, w, :].transpose(1, 0, 2)
        cum = np.cumsum(cond.reshape(keys.size, -1), axis=1)
        cum = cum / cum[:, -1:] + np.arange(keys.size)[:, None]
        pick = np.searchsorted(cum.ravel(), row + rng.random(PROVINCE_DRAWS), side="right")
        pick = np.minimum(pick - row * 2 * n_grid, 2 * n_grid - 1)
        s_r, u = np.divmod(pick, n_grid)
        a = s.a_rest[s_r, w[row]]
        rest = np.where(a > 0, rng.gamma(np.maximum(a, 1e-300), s.theta[u]), 0.0)
        total += s.done + rest
    return total


def synthetic_province(
    *,
    seed: SeedLike = 0,
    years: Iterable[int] = range(2016, 2025),
    families: Sequence[ProvinceFamilySpec] = PROVINCE_FAMILIES,
    regions: Sequence[str] | None = None,
    concentration: float = 200.0,
    common_sd: float = 0.08,
    prefecture_sd: float = 0.06,
    region_mean: float = 0.02,
    region_sd: float = 0.06,
    province_delay_prob: float = 0.12,
    prefecture_delay_prob: float = 0.1,
    delay_cost: float = 0.1,
    early_winter_prob: float = 0.2,
    winter_factor: float = 0.2,
    late_report_prob: float = 0.15,
) -> SyntheticProvince:
    """Generate a synthetic province whose prefectures share year effects, with known truth.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None, default 0
        The same seed gives the same data (``attrs['seed_entropy']``).
    years : iterable of int, default 2016-2024
        Years generated; earlier years serve as history for later ones.
    families : sequence of ProvinceFamilySpec, default :data:`PROVINCE_FAMILIES`
        The families (see the module docstring).
    regions : sequence of str, optional
        Prefecture ids (default all 13 of :func:`longjiang_forecast.load_regions`).
    concentration : float, default 200
        ``k``: Gamma shape of a normal year's total (> 0).
    common_sd, prefecture_sd : float, default 0.08, 0.06
        ``σ_η`` (the common year effect) and ``σ_ε`` (the prefecture-year
        effect), log scale, > 0.
    region_mean, region_sd : float, default 0.02, 0.06
        Mean and sd of the prefecture effects ``b_r`` (log scale).
    province_delay_prob, prefecture_delay_prob : float, default 0.12, 0.1
        ``p_P`` and ``p_R`` of a late start, in [0, 1).
    delay_cost : float, default 0.1
        ``c``: a late-start year's expected total is ``e^{-c}`` of a normal one (>= 0).
    early_winter_prob : float, default 0.2
        ``p_W``, in [0, 1).
    winter_factor : float, default 0.2
        ``ω``, the share of October's work left by an early winter, in (0, 1].
    late_report_prob : float, default 0.15
        ``p_late``: probability that a month's report is published a month
        late (two months: its square), in [0, 0.5).

    Returns
    -------
    SyntheticProvince
        Catalogue, progress (prefectures only, all months, outcomes
        included, with ``published``), truth.

    Raises
    ------
    ValueError
        If a parameter is out of range or a region is unknown.

    Examples
    --------
    >>> prov = synthetic_province(seed=0, years=range(2022, 2024), regions=["harbin", "daqing"])
    >>> sorted(set(prov.progress["region"].values))
    ['daqing', 'harbin']
    >>> o = prov.oracle("2023-06")
    >>> sorted(set(o["region"]))
    ['daqing', 'harbin', 'province']
    """
    from ..catalog import catalog_row, load_regions, make_catalog

    for name, val in (("concentration", concentration), ("common_sd", common_sd),
                      ("prefecture_sd", prefecture_sd)):  # fmt: skip
        if not (isinstance(val, int | float) and val > 0):
            raise ValueError(
                f"The '{name}' parameter of synthetic_province must be > 0. Got {val!r} instead."
            )
    for name, val, hi in (
        ("province_delay_prob", province_delay_prob, 1.0),
        ("prefecture_delay_prob", prefecture_delay_prob, 1.0),
        ("early_winter_prob", early_winter_prob, 1.0),
        ("late_report_prob", late_report_prob, 0.5),
    ):  # fmt: skip
        if not 0 <= val < hi:
            raise ValueError(
                f"The '{name}' parameter of synthetic_province must be in [0, {hi:g}). Got {val!r} instead."
            )
    if not 0 < winter_factor <= 1 or delay_cost < 0:
        raise ValueError(
            "The 'winter_factor' parameter of synthetic_province must be in (0, 1] and 'delay_cost' >= 0. "
            f"Got {winter_factor!r} and {delay_cost!r} instead."
        )
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("The 'years' parameter of synthetic_province must name at least one year.")
    table = load_regions()
    region_ids = list(table["region"]) if regions is None else [str(r) for r in regions]
    pop = table.set_index("region")["population_2020"].astype(float)
    unknown = sorted(set(region_ids) - set(pop.index))
    if unknown:
        raise ValueError(f"Unknown region(s) {unknown}. Known regions: {list(pop.index)}.")
    share = (pop / pop.sum()).reindex(region_ids).to_numpy()
    ss = as_seed_sequence(seed)
    rng = np.random.default_rng(ss)
    k = float(concentration)
    n_r = len(region_ids)
    months = pd.date_range(f"{years[0]}-01-01", f"{years[-1]}-12-01", freq="MS")
    indicators = [f"{f.name}_{y}" for f in families for y in years]
    values = np.full((len(indicators), n_r, len(months)), np.nan)
    published = np.full(values.shape, np.datetime64("NaT"), dtype="datetime64[ns]")
    all_regions = [*region_ids, PROVINCE]
    names = ("target", "region_effect", "common_effect", "prefecture_effect", "late_start",
             "province_late_start", "early_winter", "theta", "outcome", "met")  # fmt: skip
    truth = {n: np.full((len(indicators), n_r + 1), np.nan) for n in names}
    rows = []
    i = 0
    for spec in families:
        w = spec.weight_table(delay_cost, winter_factor)
        dl = spec.deadline_month
        b = rng.normal(region_mean, region_sd, size=n_r)
        plan = np.maximum(np.round(spec.total_target * share * np.exp(rng.normal(0.0, 0.1, n_r))), 1.0)
        for y in years:
            idx = np.flatnonzero(months.year == y)
            eta = rng.normal(0.0, common_sd)
            eps = rng.normal(0.0, prefecture_sd, size=n_r)
            s_p = rng.random() < province_delay_prob
            late = s_p | (rng.random(n_r) < prefecture_delay_prob)
            winter = bool(spec.early_winter) and rng.random() < early_winter_prob
            theta = plan / k * np.exp(b + eta + eps)
            inc = rng.gamma(k * w[late.astype(int), int(winter)], theta[:, None])  # (R, 12)
            cum = np.cumsum(inc, axis=1)
            values[i][:, idx] = cum
            lag = (rng.random((n_r, 12)) < late_report_prob).astype(int)
            lag += (lag == 1) & (rng.random((n_r, 12)) < late_report_prob)
            pub = np.minimum.accumulate((np.arange(12) + lag)[:, ::-1], axis=1)[:, ::-1]  # never overtakes
            published[i][:, idx] = (np.datetime64(f"{y}-01", "M") + pub).astype("datetime64[ns]")
            outcome = cum[:, dl - 1]
            for name, arr in (
                ("target", plan), ("region_effect", b), ("common_effect", np.full(n_r, eta)),
                ("prefecture_effect", eps), ("late_start", late), ("province_late_start", np.full(n_r, s_p)),
                ("early_winter", np.full(n_r, winter)), ("theta", theta), ("outcome", outcome),
                ("met", outcome >= plan),
            ):  # fmt: skip
                truth[name][i, :n_r] = arr
            for name, val in (("target", plan.sum()), ("common_effect", eta), ("province_late_start", s_p),
                              ("early_winter", winter), ("outcome", outcome.sum()),
                              ("met", outcome.sum() >= plan.sum())):  # fmt: skip
                truth[name][i, n_r] = val
            deadline = pd.Timestamp(year=y, month=spec.deadline[0], day=spec.deadline[1])
            for region, target, basis in [
                *zip(region_ids, plan, ["synthetic plan (grown, ratcheted on last year's outcome)"] * n_r,
                     strict=True),
                (PROVINCE, plan.sum(), "sum of the prefecture plans"),
            ]:  # fmt: skip
                rows.append(
                    catalog_row(
                        indicator=f"{spec.name}_{y}",
                        region=region,
                        year=y,
                        name_zh="合成数据",
                        name_en=spec.description,
                        unit=spec.unit,
                        target=float(target),
                        comparator=">=",
                        kind="cumulative",
                        deadline=deadline,
                        tags=spec.tags,
                        family=spec.name,
                        note="synthetic (longjiang_forecast.testing.synthetic_province)",
                        target_basis=basis,
                    )
                )
            plan = np.maximum(np.round(np.exp(rng.normal(0.05, 0.03)) * 0.5 * (plan + outcome)), 1.0)
            i += 1
    catalog = make_catalog(rows, year=years[-1], source="synthetic_province")
    attrs = make_attrs(
        source="synthetic_province",
        seed_entropy=str(ss.entropy),
        generator="longjiang_forecast.testing.synthetic_province",
        concentration=k,
        common_sd=common_sd,
        prefecture_sd=prefecture_sd,
        province_delay_prob=province_delay_prob,
        prefecture_delay_prob=prefecture_delay_prob,
        delay_cost=delay_cost,
        early_winter_prob=early_winter_prob,
        late_report_prob=late_report_prob,
    )
    coords = {
        INDICATOR: np.array(indicators, dtype=object),
        REGION: np.array(region_ids, dtype=object),
        MONTH: months.values,
    }
    progress = xr.Dataset(
        {"value": ((INDICATOR, REGION, MONTH), values), "published": ((INDICATOR, REGION, MONTH), published)},
        coords=coords,
        attrs=attrs | {"sha256": _digest(values)},
    )
    truth_ds = xr.Dataset(
        {n: ((INDICATOR, REGION), v) for n, v in truth.items()},
        coords={INDICATOR: coords[INDICATOR], REGION: np.array(all_regions, dtype=object)},
        attrs=attrs,
    )
    return SyntheticProvince(
        catalog=catalog,
        progress=progress,
        truth=truth_ds,
        specs=tuple(families),
        concentration=k,
        common_sd=float(common_sd),
        prefecture_sd=float(prefecture_sd),
        province_delay_prob=float(province_delay_prob),
        prefecture_delay_prob=float(prefecture_delay_prob),
        delay_cost=float(delay_cost),
        early_winter_prob=float(early_winter_prob),
        winter_factor=float(winter_factor),
    )


__all__ = ["PROVINCE_FAMILIES", "ProvinceFamilySpec", "SyntheticProvince", "synthetic_province"]
