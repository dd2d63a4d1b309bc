r"""Synthetic families of progress series with KNOWN truth, for backtests and calibration checks.

Every number is drawn from the generative process below and the seed; the
process is simple enough that the probability of meeting each target given
what had been reported by any month (the *oracle* probability) is computed
exactly, by one-dimensional quadrature, so a model's probabilities can be
compared with the truth directly.

The process
-----------
A *family* (e.g. outdoor renovation) has one series per prefecture ``r`` and
year ``y``, with target ``T_{r,y} = T · s_r · g^{y - y_0}`` (``s_r`` the 2020
census population share, ``g`` the yearly growth of plans). Work is reported
as a cumulative count at month ends. Month ``m`` adds an increment

.. math::

    x_m \sim \mathrm{Gamma}(k\, w^{S}_m,\ \theta_{r,y}), \qquad
    \theta_{r,y} = \frac{T_{r,y}}{k \sum_{m \le d} w^0_m}\, e^{b_r + \varepsilon_y},

* ``w^0`` the family's seasonal weights: **winter stoppage** (outdoor work
  only April-October, ``w = 0.01`` in winter months) or a **year-end rush**
  (December weighs 3 months);
* ``S ∈ {0, 1}`` a **funding-delay shock**, ``P(S = 1) = q``: funds arrive
  late and the first months of the season are nearly idle (``w^1``), so a
  shocked year usually misses;
* ``b_r ~ N(μ_b, σ_b²)`` a fixed **prefecture effect** (heterogeneity: some
  prefectures habitually over- or under-shoot their plans), drawn once per
  family and prefecture and known to the oracle;
* ``ε_y ~ N(0, σ_ε²)`` the year's effect, unknown to the oracle;
* ``k`` the concentration (the Gamma noise of a year's total has a
  coefficient of variation of about ``1/√k``);
* ``d`` the deadline month.

With the defaults about half of the series-years meet their targets (more
without a shock, few with one): misses as well as hits.

The oracle
----------
Given the reports of year ``y`` up to the as-of month, with cumulative values
``c_j`` at report months ``m_j`` (``c_0 = 0`` at month 0), increments between
reports are independent Gamma with summed shapes, so the posterior of
``(ε, S)`` is proportional to

.. math::

    N(\varepsilon; 0, σ_ε^2)\, P(S) \prod_j \mathrm{Gamma}(c_j - c_{j-1};\ k W^S_j,\ θ(ε)),

evaluated on a grid of 801 values of ``ε`` (±8 σ_ε) for both values of
``S``; and given ``(ε, S)`` the rest of the year to the deadline is
``Gamma(k Σ_{m_J < m ≤ d} w^S_m, θ)``, so ``P(met | ε, S)`` is a regularised
incomplete gamma function. The oracle probability is the posterior mean of
that; the oracle CDF of the deadline value is computed the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.months import parse_month_arg
from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import INDICATOR, MONTH, REGION

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Number of grid points of the year effect in the oracle's quadrature.
ORACLE_GRID = 801
#: Half-width of the grid, in units of ``year_sd``.
ORACLE_SPAN = 8.0

_MONTHS = np.arange(1, 13)
_OUTDOOR = np.where((_MONTHS >= 4) & (_MONTHS <= 10), np.sin(np.pi * (_MONTHS - 3) / 8), 0.01)


def _delayed(weights: np.ndarray, months: Sequence[int], floor: float) -> tuple[float, ...]:
    out = np.array(weights, dtype=float)
    out[np.asarray(months) - 1] = floor
    return tuple(out)


@dataclass(frozen=True, slots=True, kw_only=True)
class FamilySpec:
    """One family of synthetic series (one indicator, one series per prefecture and year).

    Parameters
    ----------
    name : str
        Family id; the indicator of year ``y`` is ``f"{name}_{y}"``.
    description : str
        What it mimics.
    weights : tuple of 12 float
        Seasonal weights ``w^0`` of January..December in a normal year (> 0).
    shock_weights : tuple of 12 float
        Weights ``w^1`` in a funding-delay year (> 0).
    shock_prob : float
        ``P(S = 1)``, in [0, 1).
    deadline_month : int
        Month (1-12) whose end-of-month report decides the target.
    total_target : float
        Provincial target of the first year, split among prefectures by population.
    unit : str
        Unit of the counts.
    tags : str
        Catalogue tags (``;``-separated).
    """

    name: str
    description: str
    weights: tuple[float, ...]
    shock_weights: tuple[float, ...]
    shock_prob: float
    deadline_month: int
    total_target: float
    unit: str
    tags: str

    def __post_init__(self) -> None:
        for label, w in (("weights", self.weights), ("shock_weights", self.shock_weights)):
            if len(w) != 12 or min(w) <= 0:
                raise ValueError(
                    f"The '{label}' parameter of FamilySpec must be 12 positive weights. Got {w!r} instead."
                )
        if not 0 <= self.shock_prob < 1:
            raise ValueError(
                "The 'shock_prob' parameter of FamilySpec must be in [0, 1). "
                f"Got {self.shock_prob!r} instead."
            )
        if not 1 <= self.deadline_month <= 12:
            raise ValueError(
                f"The 'deadline_month' parameter of FamilySpec must be an int in [1, 12]. "
                f"Got {self.deadline_month!r} instead."
            )


#: The default families: winter stoppage, year-end rush, an October deadline; all with shocks.
DEFAULT_FAMILIES: tuple[FamilySpec, ...] = (
    FamilySpec(
        name="SYN_OUTDOOR",
        description="outdoor renovation: winter stoppage (work April-October), funding delays "
        "idle April-May in a shocked year (probability 0.2)",
        weights=tuple(_OUTDOOR),
        shock_weights=_delayed(_OUTDOOR, (4, 5), 0.01),
        shock_prob=0.2,
        deadline_month=12,
        total_target=20_000.0,
        unit="households",
        tags="outdoor;synthetic",
    ),
    FamilySpec(
        name="SYN_RUSH",
        description="indoor service places: flat months and a year-end rush (December weighs 3), "
        "funding delays idle January-April in a shocked year (probability 0.15)",
        weights=(1.0,) * 11 + (3.0,),
        shock_weights=_delayed(np.array((1.0,) * 11 + (3.0,)), (1, 2, 3, 4), 0.1),
        shock_prob=0.15,
        deadline_month=12,
        total_target=5_000.0,
        unit="places",
        tags="synthetic",
    ),
    FamilySpec(
        name="SYN_HEATING",
        description="heating-network renovation due by the end of October: winter stoppage, "
        "funding delays idle April-June in a shocked year (probability 0.25)",
        weights=tuple(_OUTDOOR),
        shock_weights=_delayed(_OUTDOOR, (4, 5, 6), 0.01),
        shock_prob=0.25,
        deadline_month=10,
        total_target=1_500.0,
        unit="km",
        tags="outdoor;heating;synthetic",
    ),
)


@dataclass(frozen=True)
class SyntheticFamilies:
    """Synthetic catalogue and progress with the parameters that made them.

    Attributes
    ----------
    catalog : Catalog
        One row per (indicator-year, prefecture); kind ``cumulative``,
        comparator ``>=``, family = the :class:`FamilySpec` name.
    progress : xarray.Dataset
        ``value`` (indicator, region, month): all months of all years (the
        outcomes included; a backtest truncates it).
    truth : xarray.Dataset
        dims (indicator, region): ``target``, ``region_effect`` (``b_r``),
        ``year_effect`` (``ε_y``), ``shock`` (``S``), ``theta``, ``outcome``
        (value at the deadline), ``met`` (1/0); NaN where the indicator has no
        row for the region.
    specs : tuple of FamilySpec
    concentration, year_sd : float
        ``k`` and ``σ_ε``.
    """

    catalog: Catalog
    progress: xr.Dataset
    truth: xr.Dataset
    specs: tuple[FamilySpec, ...]
    concentration: float
    year_sd: float

    def oracle(self, as_of: Any, *, values: np.ndarray | None = None) -> pd.DataFrame:
        """The true probability of meeting each target of the as-of year given the reports by ``as_of``.

        Parameters
        ----------
        as_of : str or pandas.Timestamp
            Month ``YYYY-MM`` of the forecast; reports of later months are not used.
        values : ndarray of shape (n_series,), optional
            Deadline values at which to evaluate the oracle CDF (one per row
            of the result, in its order); default the actual outcomes, which
            gives the oracle PIT.

        Returns
        -------
        pandas.DataFrame
            One row per series of the as-of year: ``indicator``, ``region``,
            ``as_of`` (Timestamp), ``p_true`` (oracle P(met)), ``cdf_true``
            (oracle P(deadline value <= value)), ``q10_true``, ``q90_true``
            (oracle 10 % / 90 % quantiles of the deadline value),
            ``outcome``, ``met``.

        Raises
        ------
        DataValidationError
            If ``as_of`` is not a month ``YYYY-MM``.
        ValueError
            If ``as_of`` is outside the generated years.
        """
        ts = parse_month_arg(as_of)
        year, month = ts.year, ts.month
        years = sorted({int(str(i).rsplit("_", 1)[1]) for i in self.truth[INDICATOR].values})
        if year not in years:
            raise ValueError(f"as_of {ts:%Y-%m} is outside the generated years {years[0]}-{years[-1]}.")
        months = pd.DatetimeIndex(self.progress[MONTH].values)
        in_year = (months.year == year) & (months.month <= month)
        rows: list[dict[str, Any]] = []
        k = self.concentration
        eps = np.linspace(-ORACLE_SPAN, ORACLE_SPAN, ORACLE_GRID) * self.year_sd
        log_prior_eps = -0.5 * (eps / self.year_sd) ** 2
        for spec in self.specs:
            ind = f"{spec.name}_{year}"
            w = np.array([spec.weights, spec.shock_weights])  # (2, 12)
            dl = spec.deadline_month
            k0 = k * w[0, :dl].sum()
            log_ps = (
                np.log([1 - spec.shock_prob, spec.shock_prob])
                if spec.shock_prob > 0
                else np.array([0.0, -np.inf])
            )
            for region in self.truth[REGION].values:
                tr = self.truth.sel({INDICATOR: ind, REGION: region})
                target = float(tr["target"])
                if not np.isfinite(target):
                    continue
                series = self.progress["value"].sel({INDICATOR: ind, REGION: region}).values[in_year]
                rep_months = months.month[in_year][np.isfinite(series)].to_numpy()
                rep_vals = series[np.isfinite(series)]
                theta = target / k0 * np.exp(float(tr["region_effect"]) + eps)  # (G,)
                log_theta = np.log(theta)
                logpost = np.add.outer(log_ps, log_prior_eps)  # (2, G)
                prev_m, prev_c = 0, 0.0
                for m, c in zip(rep_months, rep_vals, strict=True):
                    if m > dl:
                        break
                    a = k * w[:, prev_m:m].sum(axis=1)  # (2,)
                    x = max(c - prev_c, 1e-300)
                    logpost += (
                        (a[:, None] - 1) * np.log(x)
                        - x / theta[None, :]
                        - a[:, None] * log_theta[None, :]
                        - special.gammaln(a)[:, None]
                    )
                    prev_m, prev_c = m, c
                logpost -= logpost.max()
                post = np.exp(logpost)
                keep = post > 1e-12
                post, theta_k = post[keep], np.broadcast_to(theta, logpost.shape)[keep]
                post /= post.sum()
                a_rem = k * w[:, prev_m:dl].sum(axis=1) if prev_m < dl else np.zeros(2)
                a_k = np.broadcast_to(a_rem[:, None], logpost.shape)[keep]
                outcome = float(tr["outcome"])
                value = outcome if values is None else float(values[len(rows)])
                cdf = _MixtureCdf(prev_c, a_k, theta_k, post)
                below, at_value = cdf(np.array([target - 1e-9 * abs(target), value]))
                q10, q90 = cdf.quantiles(np.array([0.1, 0.9]), scale=target)
                rows.append(
                    {
                        "indicator": ind,
                        "region": str(region),
                        "as_of": ts,
                        "p_true": float(np.clip(1.0 - below, 0.0, 1.0)),
                        "cdf_true": float(np.clip(at_value, 0.0, 1.0)),
                        "q10_true": q10,
                        "q90_true": q90,
                        "outcome": outcome,
                        "met": float(tr["met"]),
                    }
                )
        return pd.DataFrame(rows)


class _MixtureCdf:
    """CDF of ``done + Gamma(a_i, theta_i)`` mixed with weights ``post_i`` (a shape of 0: a point mass)."""

    def __init__(self, done: float, a: np.ndarray, theta: np.ndarray, post: np.ndarray) -> None:
        self.done, self.a, self.theta, self.post = done, a, theta, post

    def __call__(self, v: np.ndarray) -> np.ndarray:
        rest = np.asarray(v, dtype=float)[:, None] - self.done
        with np.errstate(divide="ignore", invalid="ignore"):
            cond = np.where(
                self.a[None, :] > 0,
                special.gammainc(
                    np.maximum(self.a, 1e-300)[None, :], np.maximum(rest, 0) / self.theta[None, :]
                ),
                1.0,
            )
        return np.where(rest[:, 0] < 0, 0.0, cond @ self.post)

    def quantiles(self, q: np.ndarray, *, scale: float) -> np.ndarray:
        """Quantiles by vectorised bisection on ``[done, done + 20 scale]``."""
        lo = np.full(q.shape, self.done)
        hi = lo + 20 * max(scale, 1e-9)
        for _ in range(50):
            mid = 0.5 * (lo + hi)
            below = self(mid) < q
            lo = np.where(below, mid, lo)
            hi = np.where(below, hi, mid)
        return np.where(self(np.full(q.shape, self.done)) >= q, self.done, 0.5 * (lo + hi))


def synthetic_families(
    *,
    seed: SeedLike = 0,
    years: Iterable[int] = range(2015, 2025),
    families: Sequence[FamilySpec] = DEFAULT_FAMILIES,
    regions: Sequence[str] | None = None,
    concentration: float = 150.0,
    region_mean: float = 0.02,
    region_sd: float = 0.06,
    year_sd: float = 0.07,
    target_growth: float = 0.04,
    missing_rate: float = 0.0,
) -> SyntheticFamilies:
    """Generate synthetic families of monthly progress with known truth.

    Parameters
    ----------
    seed : int, SeedSequence, Generator or None, default 0
        The same seed gives the same data (``attrs['seed_entropy']``).
    years : iterable of int, default 2015-2024
        Years generated; earlier years serve as history for later ones.
    families : sequence of FamilySpec, default :data:`DEFAULT_FAMILIES`
        The families (see the module docstring).
    regions : sequence of str, optional
        Prefecture ids (default all 13 of :func:`longjiang_forecast.load_regions`).
    concentration : float, default 150
        ``k``: Gamma shape of a full year of work (> 0).
    region_mean, region_sd : float, default 0.02, 0.06
        Mean and sd of the prefecture effects ``b_r`` (log scale).
    year_sd : float, default 0.07
        ``σ_ε``, sd of the year effects (log scale, > 0).
    target_growth : float, default 0.04
        Yearly growth of the plans.
    missing_rate : float, default 0
        Probability that a month's report (other than the deadline month's)
        is missing, as in real reporting; the oracle accounts for gaps.

    Returns
    -------
    SyntheticFamilies
        Catalogue, progress (all months, outcomes included), truth.

    Raises
    ------
    ValueError
        If a parameter is out of range.

    Examples
    --------
    >>> fam = synthetic_families(seed=0, years=range(2020, 2023), regions=["harbin", "daqing"])
    >>> fam.progress["value"].dims
    ('indicator', 'region', 'month')
    >>> oracle = fam.oracle("2022-06")
    >>> bool(oracle["p_true"].between(0, 1).all())
    True
    """
    from ..catalog import catalog_row, load_regions, make_catalog

    for name, val, lo in (("concentration", concentration, 0.0), ("year_sd", year_sd, 0.0)):
        if not (isinstance(val, int | float) and val > lo):
            raise ValueError(
                f"The '{name}' parameter of synthetic_families must be > {lo}. Got {val!r} instead."
            )
    if not 0 <= missing_rate < 1:
        raise ValueError(
            "The 'missing_rate' parameter of synthetic_families must be in [0, 1). "
            f"Got {missing_rate!r} instead."
        )
    years = sorted({int(y) for y in years})
    if not years:
        raise ValueError("The 'years' parameter of synthetic_families must name at least one year.")
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
    months = pd.date_range(f"{years[0]}-01-01", f"{years[-1]}-12-01", freq="MS")
    indicators = [f"{f.name}_{y}" for f in families for y in years]
    values = np.full((len(indicators), len(region_ids), len(months)), np.nan)
    shape = (len(indicators), len(region_ids))
    truth = {
        n: np.full(shape, np.nan)
        for n in ("target", "region_effect", "year_effect", "shock", "theta", "outcome", "met")
    }
    rows = []
    i = 0
    for spec in families:
        b = rng.normal(region_mean, region_sd, size=len(region_ids))
        w = np.array([spec.weights, spec.shock_weights])
        dl = spec.deadline_month
        k0 = k * w[0, :dl].sum()
        for y in years:
            idx = np.flatnonzero(months.year == y)
            targets = spec.total_target * share * (1 + target_growth) ** (y - years[0])
            eps = rng.normal(0.0, year_sd, size=len(region_ids))
            shock = rng.random(len(region_ids)) < spec.shock_prob
            theta = targets / k0 * np.exp(b + eps)
            inc = rng.gamma(k * w[shock.astype(int)], theta[:, None])  # (R, 12)
            cum = np.cumsum(inc, axis=1)
            if missing_rate > 0:
                drop = rng.random(cum.shape) < missing_rate
                drop[:, dl - 1] = False
                cum = np.where(drop, np.nan, cum)
            values[i][:, idx] = cum
            outcome = cum[:, dl - 1]
            for name, arr in (
                ("target", targets), ("region_effect", b), ("year_effect", eps), ("shock", shock),
                ("theta", theta), ("outcome", outcome), ("met", outcome >= targets),
            ):  # fmt: skip
                truth[name][i] = arr
            deadline = pd.Timestamp(year=y, month=dl, day=1) + pd.offsets.MonthEnd(0)
            for r, region in enumerate(region_ids):
                rows.append(
                    catalog_row(
                        indicator=f"{spec.name}_{y}",
                        region=region,
                        year=y,
                        name_zh="合成数据",
                        name_en=spec.description,
                        unit=spec.unit,
                        target=float(targets[r]),
                        comparator=">=",
                        kind="cumulative",
                        deadline=deadline,
                        tags=spec.tags,
                        family=spec.name,
                        note="synthetic (longjiang_forecast.testing.synthetic_families)",
                        target_basis="synthetic plan",
                    )
                )
            i += 1
    catalog = make_catalog(rows, year=years[-1], source="synthetic_families")
    attrs = make_attrs(
        source="synthetic_families",
        seed_entropy=str(ss.entropy),
        generator="longjiang_forecast.testing.synthetic_families",
        concentration=k,
        year_sd=year_sd,
        region_mean=region_mean,
        region_sd=region_sd,
        missing_rate=missing_rate,
    )
    progress = xr.Dataset(
        {"value": ((INDICATOR, REGION, MONTH), values)},
        coords={
            INDICATOR: np.array(indicators, dtype=object),
            REGION: np.array(region_ids, dtype=object),
            MONTH: months.values,
        },
        attrs=attrs | {"sha256": _digest(values)},
    )
    truth_ds = xr.Dataset(
        {n: ((INDICATOR, REGION), v) for n, v in truth.items()},
        coords={INDICATOR: progress[INDICATOR].values, REGION: progress[REGION].values},
        attrs=attrs,
    )
    return SyntheticFamilies(
        catalog=catalog,
        progress=progress,
        truth=truth_ds,
        specs=tuple(families),
        concentration=k,
        year_sd=float(year_sd),
    )


def _digest(values: np.ndarray) -> str:
    import hashlib

    return hashlib.sha256(np.ascontiguousarray(values).tobytes()).hexdigest()


__all__ = ["DEFAULT_FAMILIES", "FamilySpec", "SyntheticFamilies", "synthetic_families"]
