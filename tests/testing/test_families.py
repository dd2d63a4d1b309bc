"""Synthetic families with known truth: the generator's rules and the exactness of its oracle."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from longjiang_forecast.testing.families import DEFAULT_FAMILIES, FamilySpec, synthetic_families

REGIONS = ["harbin", "qiqihar", "daqing", "heihe"]


@pytest.fixture(scope="module")
def fam():
    return synthetic_families(seed=3, years=range(2016, 2025), regions=REGIONS, missing_rate=0.15)


def test_shapes_seed_and_catalogue(fam):
    again = synthetic_families(seed=3, years=range(2016, 2025), regions=REGIONS, missing_rate=0.15)
    np.testing.assert_array_equal(fam.progress["value"].values, again.progress["value"].values)
    other = synthetic_families(seed=4, years=range(2016, 2025), regions=REGIONS, missing_rate=0.15)
    assert not np.array_equal(fam.progress["value"].values, other.progress["value"].values, equal_nan=True)
    assert fam.progress["value"].dims == ("indicator", "region", "month")
    table = fam.catalog.table
    assert len(table) == len(DEFAULT_FAMILIES) * 9 * len(REGIONS)
    assert set(table["family"]) == {f.name for f in DEFAULT_FAMILIES}
    heating = table[table["family"] == "SYN_HEATING"]
    assert (pd.DatetimeIndex(heating["deadline"]).month == 10).all()


def test_misses_as_well_as_hits_and_shocks_hurt(fam):
    met = fam.truth["met"].values
    shock = fam.truth["shock"].values
    assert 0.25 < np.nanmean(met) < 0.75
    assert np.nanmean(met[shock == 1]) < np.nanmean(met[shock == 0]) - 0.3


def test_winter_stoppage_and_year_end_rush():
    fam = synthetic_families(seed=0, years=range(2020, 2024))
    v = fam.progress["value"]
    months = pd.DatetimeIndex(v["month"].values)
    out = v.sel(indicator="SYN_OUTDOOR_2022").values[:, months.year == 2022]
    inc = np.diff(np.concatenate([np.zeros((out.shape[0], 1)), out], axis=1), axis=1)
    winter = inc[:, [0, 1, 2, 10, 11]].sum(axis=1) / out[:, -1]
    assert np.all(winter < 0.05)
    rush = v.sel(indicator="SYN_RUSH_2022").values[:, months.year == 2022]
    inc = np.diff(rush, axis=1)
    assert np.median(inc[:, -1] / inc[:, :-1].mean(axis=1)) > 2.0


def test_oracle_at_the_deadline_knows_the_outcome(fam):
    o = fam.oracle("2023-12")
    np.testing.assert_array_equal(o["p_true"].round(12), o["met"])


def test_oracle_matches_a_very_large_simulation():
    """Oracle as of January against 400,000 simulated years weighted by the January report's likelihood."""
    fam = synthetic_families(seed=5, years=range(2023, 2025), regions=["harbin", "daqing"])
    o = fam.oracle("2024-01")
    rng = np.random.default_rng(np.random.SeedSequence(99))
    k, n = fam.concentration, 400_000
    for spec in DEFAULT_FAMILIES[:2]:
        w = np.array([spec.weights, spec.shock_weights])
        dl = spec.deadline_month
        for region in ["harbin", "daqing"]:
            ind = f"{spec.name}_2024"
            tr = fam.truth.sel(indicator=ind, region=region)
            target = float(tr["target"])
            january = float(fam.progress["value"].sel(indicator=ind, region=region, month="2024-01-01"))
            theta = (
                target
                / (k * w[0, :dl].sum())
                * np.exp(float(tr["region_effect"]) + rng.normal(0, fam.year_sd, n))
            )
            s = (rng.random(n) < spec.shock_prob).astype(int)
            weight = stats.gamma.pdf(january, k * w[s, 0], scale=theta)  # likelihood of the January report
            rest = rng.gamma(k * w[s, 1:dl].sum(axis=1), theta)
            mc = np.sum(weight * (january + rest >= target)) / np.sum(weight)
            row = o[(o["indicator"] == ind) & (o["region"] == region)]
            assert float(row["p_true"].iloc[0]) == pytest.approx(mc, abs=0.01)


def test_oracle_is_calibrated_with_missing_reports(fam):
    frames = [fam.oracle(f"{y}-{m:02d}") for y in range(2019, 2025) for m in (4, 7)]
    o = pd.concat(frames, ignore_index=True)
    assert stats.kstest(o["cdf_true"], "uniform").pvalue > 0.01  # oracle PIT is uniform
    covered = ((o["outcome"] >= o["q10_true"]) & (o["outcome"] <= o["q90_true"])).mean()
    assert 0.72 < covered < 0.88
    assert abs(o["p_true"].mean() - o["met"].mean()) < 0.06


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"concentration": 0}, r"The 'concentration' parameter of synthetic_families must be > 0"),
        ({"missing_rate": 1.0}, r"The 'missing_rate' parameter of synthetic_families must be in \[0, 1\)"),
        ({"regions": ["atlantis"]}, r"Unknown region\(s\) \['atlantis'\]"),
        ({"years": []}, r"The 'years' parameter of synthetic_families must name at least one year"),
    ],
)
def test_generator_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic_families(**kwargs)


def test_family_spec_and_oracle_errors():
    with pytest.raises(
        ValueError, match=r"The 'weights' parameter of FamilySpec must be 12 positive weights"
    ):
        FamilySpec(name="X", description="", weights=(1.0,) * 11, shock_weights=(1.0,) * 12, shock_prob=0.1,
                   deadline_month=12, total_target=1.0, unit="", tags="")  # fmt: skip
    fam = synthetic_families(seed=1, years=range(2020, 2022), regions=["harbin"])
    with pytest.raises(ValueError, match=r"as_of 2030-05 is outside the generated years 2020-2021"):
        fam.oracle("2030-05")
