"""How close to the oracle can a model get? The learning floor of the Brier gap, early in the year.

The oracle of :func:`longjiang_forecast.testing.synthetic_province` knows every parameter of the
world: the family level ``μ_b`` and each prefecture's habitual effect ``b_r`` included. A model
has to learn them from the earlier years, and with three to eight years whose prefectures share
each year's effect, the level is known only to about ``σ_η / √years``. This script scores a
*learning oracle*: it knows the generator's mechanics and every variance (``σ_η``, ``σ_ε``,
``σ_b``, the concentration, the late-start and early-winter probabilities and costs), and learns
only ``μ_b`` and ``b_r`` from the earlier years' outcomes against their plans (a Gaussian
hierarchical posterior: ``log(outcome / plan) = μ_b + δ_r + η_y + e``, ``δ_r ~ N(0, σ_b²)``,
``η_y ~ N(0, σ_η²)``, ``e`` Gaussian with the generator's variance of the rest). It forecasts
from that posterior and the generator's own mechanics by Monte Carlo, ignoring this year's
reports: a fair comparison only where the oracle, too, has learnt almost nothing from them, that
is the outdoor and heating families as of March (their January-March work is under 1.5 % of the
year). No model that must learn the level can be expected to do better than this forecaster
there, so its gap is a floor for the bar "Brier gap ≤ 0.025 at every as-of month from March".

Run from the repository root::

    PYTHONPATH=src python docs/oracle_floor.py --month 1 21 22 23 24 25 26 27 28
    PYTHONPATH=src python docs/oracle_floor.py --month 1 --known-effects 21 25   # the check

``--known-effects`` gives the learning oracle the true ``b_r`` (the check of its mechanics: its gap
should then be close to 0 where the reports say nothing, as of January). Prints, per seed and
family, the learning oracle's Brier, the oracle's, the mean |p − p_oracle| and the gap, and the
mean gap over the seeds. Results: ``docs/design/006-oracle-gap-floor.md``.
"""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from longjiang_forecast.testing import synthetic_province

YEARS = range(2016, 2025)
FIRST_FORECAST_YEAR = 2019
PRIOR_ONLY_FAMILIES = ("PRV_OUTDOOR", "PRV_HEATING")
N_NOISE, N_PREDICTIVE = 200_000, 40_000
#: σ_b of the generator's default (``region_sd``), known to the learning oracle.
REGION_SD = 0.06


def ratio_draws(world, spec, b: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draws of outcome / plan of one prefecture-year given its effect ``b`` (one per element)."""
    w = spec.weight_table(world.delay_cost, world.winter_factor)[:, :, : spec.deadline_month].sum(axis=2)
    n = b.size
    late = (rng.random(n) < world.province_delay_prob) | (rng.random(n) < world.prefecture_delay_prob)
    winter = (rng.random(n) < world.early_winter_prob) if spec.early_winter else np.zeros(n, bool)
    k = world.concentration
    shock = rng.normal(0.0, world.common_sd, n) + rng.normal(0.0, world.prefecture_sd, n)
    return np.exp(b + shock) * rng.gamma(k * w[late.astype(int), winter.astype(int)], 1.0 / k)


def learning_oracle(world, rng: np.random.Generator, *, known_effects: bool = False) -> pd.DataFrame:
    """P(met) of every prefecture-year from 2019 of the prior-only families, learning μ_b and b_r."""
    truth = world.truth
    regions = [r for r in truth["region"].values if r != "province"]
    n_r = len(regions)
    rows = []
    for spec in world.specs:
        if spec.name not in PRIOR_ONLY_FAMILIES:
            continue
        # The rest e of log(outcome / plan) beyond b and η: its mean is absorbed in μ_b, its
        # variance is the generator's (η's variance taken out: η is a parameter of the posterior).
        rest = np.log(ratio_draws(world, spec, np.zeros(N_NOISE), rng))
        rest_var = float(np.var(rest)) - world.common_sd**2
        rest_mean = float(np.mean(rest))
        inds = [f"{spec.name}_{y}" for y in YEARS]
        x = np.log(
            truth["outcome"].sel(indicator=inds, region=regions).values
            / truth["target"].sel(indicator=inds, region=regions).values
        )  # (years, regions)
        sb2 = REGION_SD**2
        for i, year in enumerate(YEARS):
            if year < FIRST_FORECAST_YEAR:
                continue
            n_y = i
            n_par = 1 + n_r + n_y  # μ_b, δ_r, η of each earlier year
            design = np.zeros((n_y * n_r, n_par))
            for a in range(n_y):
                for r in range(n_r):
                    design[a * n_r + r, [0, 1 + r, 1 + n_r + a]] = 1.0
            prior_prec = np.diag([1.0] + [1 / sb2] * n_r + [1 / world.common_sd**2] * n_y)
            cov = np.linalg.inv(prior_prec + design.T @ design / rest_var)
            mean = cov @ (design.T @ (x[:i].ravel() - rest_mean) / rest_var)
            for r, region in enumerate(regions):
                a = np.zeros(n_par)
                a[[0, 1 + r]] = 1.0
                if known_effects:
                    b = np.full(
                        N_PREDICTIVE, float(truth["region_effect"].sel(indicator=inds[i], region=region))
                    )
                else:
                    b = rng.normal(a @ mean, np.sqrt(a @ cov @ a), N_PREDICTIVE)
                p = float((ratio_draws(world, spec, b, rng) >= 1.0).mean())
                rows.append({"family": spec.name, "year": year, "region": region, "p_learning": p,
                             "met": float(x[i, r] >= 0.0)})  # fmt: skip
    return pd.DataFrame(rows)


def main(seeds: list[int], month: int, known_effects: bool) -> None:
    """Print the learning oracle's Brier gap to the oracle per seed and family, and the mean."""
    gaps = []
    for seed in seeds:
        world = synthetic_province(seed=seed, years=YEARS)
        learned = learning_oracle(world, np.random.default_rng(seed), known_effects=known_effects)
        oracle = pd.concat([world.oracle(f"{y}-{month:02d}") for y in range(FIRST_FORECAST_YEAR, 2025)])
        oracle["family"] = oracle["indicator"].str.rsplit("_", n=1).str[0]
        oracle["year"] = oracle["indicator"].str.rsplit("_", n=1).str[1].astype(int)
        df = learned.merge(oracle[["family", "year", "region", "p_true"]], on=["family", "year", "region"])
        df["brier_learning"] = (df["p_learning"] - df["met"]) ** 2
        df["brier_oracle"] = (df["p_true"] - df["met"]) ** 2
        df["abs_dp"] = (df["p_learning"] - df["p_true"]).abs()
        by = df.groupby("family")[["brier_learning", "brier_oracle", "abs_dp"]].mean()
        by["gap"] = by["brier_learning"] - by["brier_oracle"]
        by.insert(0, "seed", seed)
        gaps.append(by)
        print(by.round(4).to_string(), flush=True)
    table = pd.concat(gaps)
    known = " (b_r known)" if known_effects else ""
    print(f"\nmean gap over {len(seeds)} seed(s) and {table.shape[0]} family-worlds, as of month "
          f"{month}{known}: {table['gap'].mean():+.4f} (sd {table['gap'].std():.4f}; "
          f"{(table['gap'] > 0.025).mean():.0%} above 0.025)")  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds", nargs="*", type=int, default=[21])
    parser.add_argument("--month", type=int, default=1, help="as-of month of the oracle (default 1)")
    parser.add_argument("--known-effects", action="store_true", help="give the true b_r (the check)")
    args = parser.parse_args()
    main(args.seeds, args.month, args.known_effects)
