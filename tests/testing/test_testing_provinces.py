"""The second synthetic generator (a province whose prefectures share year effects) and its exact oracle."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats

import longjiang_forecast as lf
from longjiang_forecast.backtesting import truncate
from longjiang_forecast.testing import PROVINCE_FAMILIES, synthetic_province

SMALL = ["harbin", "daqing"]


@pytest.fixture(scope="module")
def prov():
    return synthetic_province(seed=3, years=range(2016, 2025))


def test_same_seed_same_data_and_the_catalogue(prov):
    again = synthetic_province(seed=3, years=range(2016, 2025))
    np.testing.assert_array_equal(prov.progress["value"].values, again.progress["value"].values)
    np.testing.assert_array_equal(prov.progress["published"].values, again.progress["published"].values)
    pd.testing.assert_frame_equal(prov.oracle("2022-06"), again.oracle("2022-06"))
    other = synthetic_province(seed=4, years=range(2016, 2025))
    assert not np.array_equal(prov.progress["value"].values, other.progress["value"].values, equal_nan=True)
    table = prov.catalog.table
    assert len(table) == 3 * 9 * 14  # 13 prefectures and the province, per family-year
    # the province's target is the sum of its prefectures', and nobody reports it
    targets = table.pivot_table(index="indicator", columns="region", values="target")
    np.testing.assert_allclose(targets["province"], targets.drop(columns="province").sum(axis=1))
    assert "province" not in set(prov.progress["region"].values)
    assert (table["kind"] == "cumulative").all() and (table["comparator"] == ">=").all()
    # heating is due 20 October, judged on the September report
    heat = table[table["family"] == "PRV_HEATING"]
    assert (pd.DatetimeIndex(heat["deadline"]).day == 20).all()
    assert PROVINCE_FAMILIES[1].deadline_month == 9
    # plans grow and differ by year
    harbin = targets["harbin"]
    assert harbin.filter(like="PRV_OUTDOOR").nunique() == 9
    growth = harbin.filter(like="PRV_OUTDOOR").to_numpy()
    assert np.median(growth[1:] / growth[:-1]) > 1.0


def test_prefectures_of_a_year_move_together():
    """Intra-year correlation of log(outcome/plan) − b_r: σ_η² / (σ_η² + σ_ε² + ψ'(k)) within its error."""
    prov = synthetic_province(
        seed=8, years=range(1985, 2025), province_delay_prob=0, prefecture_delay_prob=0, early_winter_prob=0
    )
    tr = prov.truth.drop_sel(region="province")
    z = np.log(tr["outcome"] / tr["target"]).values - tr["region_effect"].values  # (family-years, R)
    n_r = z.shape[1]
    between = n_r * z.mean(axis=1).var(ddof=1)
    within = z.var(axis=1, ddof=1).mean()
    icc = (between - within) / (between + (n_r - 1) * within)  # one-way ANOVA estimator
    expected = prov.common_sd**2 / (prov.common_sd**2 + prov.prefecture_sd**2 + special.polygamma(1, 200.0))
    assert expected == pytest.approx(0.43, abs=0.01)
    assert icc == pytest.approx(expected, abs=0.12)  # 120 family-years: s.e. about 0.05
    # the common effect is the same for every prefecture of a year, the prefecture effect is not
    eta = tr["common_effect"].values
    assert np.all(eta == eta[:, :1])
    assert np.std(tr["prefecture_effect"].values, axis=1).min() > 0


def test_oracle_matches_a_very_large_simulation():
    """Prefectures and province as of April against 400,000 joint years weighted by the likelihood."""
    prov = synthetic_province(seed=7, years=range(2023, 2025), regions=SMALL, late_report_prob=0.0)
    o = prov.oracle("2024-04")
    rng = np.random.default_rng(np.random.SeedSequence(1))
    n, k = 400_000, prov.concentration
    for spec in PROVINCE_FAMILIES:
        ind = f"{spec.name}_2024"
        w = spec.weight_table(prov.delay_cost, prov.winter_factor)
        eta = rng.normal(0, prov.common_sd, n)
        s_p = rng.random(n) < prov.province_delay_prob
        winter = ((rng.random(n) < prov.early_winter_prob) & spec.early_winter).astype(int)
        log_lik, total, met = np.zeros(n), np.zeros(n), {}
        for region in SMALL:
            tr = prov.truth.sel(indicator=ind, region=region)
            theta = (
                float(tr["target"]) / k * np.exp(float(tr["region_effect"]) + eta + rng.normal(0, 0.06, n))
            )
            late = (s_p | (rng.random(n) < prov.prefecture_delay_prob)).astype(int)
            cum = prov.progress["value"].sel(indicator=ind, region=region).values[-12:][:4]
            for m, x in enumerate(np.diff(cum, prepend=0.0)):
                log_lik += stats.gamma.logpdf(x, k * w[late, winter, m], scale=theta)
            end = cum[-1] + rng.gamma(k * w[late, winter, 4 : spec.deadline_month].sum(axis=-1), theta)
            met[region] = end >= float(tr["target"])
            total += end
        met["province"] = total >= float(prov.truth["target"].sel(indicator=ind, region="province"))
        weight = np.exp(log_lik - log_lik.max())
        assert 1 / np.sum((weight / weight.sum()) ** 2) > 5_000  # enough effective draws
        for region, hit in met.items():
            row = o[(o["indicator"] == ind) & (o["region"] == region)]
            mc = np.sum(weight * hit) / np.sum(weight)
            assert float(row["p_true"].iloc[0]) == pytest.approx(mc, abs=0.015), (ind, region)


def test_oracle_is_calibrated_on_its_own_generator(prov):
    """Binned p_true against met within cluster-robust binomial error; far better than the base rate."""
    o = pd.concat(
        [prov.oracle(f"{y}-{m:02d}") for y in range(2019, 2025) for m in (4, 6, 8)], ignore_index=True
    )
    o = o[(o["region"] != "province") & (o["as_of"].dt.month < o["indicator"].map(_deadline))]
    assert len(o) > 600
    o["cluster"] = o["indicator"] + o["as_of"].astype(str)  # outcomes of a family-year are correlated
    o["bin"] = np.minimum((o["p_true"] * 5).astype(int), 4)
    for _, b in o.groupby("bin"):
        resid = (b["met"] - b["p_true"]).groupby(b["cluster"]).sum()
        se = np.sqrt(np.sum(resid**2)) / len(b)
        assert abs(b["met"].mean() - b["p_true"].mean()) < 3 * se + 0.01
    oracle_brier = np.mean((o["p_true"] - o["met"]) ** 2)
    naive = np.mean((o["met"].mean() - o["met"]) ** 2)
    assert oracle_brier < naive - 0.05
    covered = ((o["outcome"] >= o["q10_true"]) & (o["outcome"] <= o["q90_true"])).mean()
    assert 0.72 < covered < 0.88


def _deadline(indicator: str) -> int:
    return {s.name: s.deadline_month for s in PROVINCE_FAMILIES}[indicator.rsplit("_", 1)[0]]


def test_ragged_edge_hidden_by_truncate_and_by_the_oracle(prov):
    ts = pd.Timestamp("2023-07-01")
    _, known = truncate(prov.catalog, prov.progress, ts)
    assert "published" not in known
    july = known["value"].sel(month=ts).to_pandas().filter(like="_2023", axis=0)
    late_share = float(july.isna().to_numpy().mean())
    assert 0.05 < late_share < 0.3  # p_late = 0.15 (and the months behind a late one)
    assert (
        np.isfinite(prov.progress["value"].sel(month=ts).to_pandas().filter(like="_2023", axis=0)).all().all()
    )
    o = prov.oracle(ts).set_index(["indicator", "region"])
    for (ind, region), missing in july.stack().isna().items():
        assert o.loc[(ind, region), "n_late"] == int(missing)
    assert (o.xs("province", level="region")["n_late"] > 0).any()


def test_late_starts_cost_work_but_are_not_zeros(prov):
    """As of June a late-start outdoor year has done almost nothing, costs work, yet meets its target."""
    tr = prov.truth.drop_sel(region="province")
    met, late = tr["met"].values, tr["late_start"].values
    z = (np.log(tr["outcome"] / tr["target"]) - tr["region_effect"]).values
    # the cost: a late year delivers e^{-0.1} of a normal one (59 late series-years: s.e. about 0.02)
    assert z[late == 1].mean() - z[late == 0].mean() == pytest.approx(-prov.delay_cost, abs=0.06)
    assert 0.05 < np.nanmean(met[late == 1]) < np.nanmean(met[late == 0]) - 0.1
    frames = [prov.oracle(f"{y}-06") for y in range(2017, 2025)]
    o = pd.concat(frames, ignore_index=True)
    o = o[o["indicator"].str.startswith("PRV_OUTDOOR") & (o["region"] != "province")]
    is_late = np.array(
        [
            bool(tr["late_start"].sel(indicator=i, region=r))
            for i, r in zip(o["indicator"], o["region"], strict=True)
        ]
    )
    share = o["observed"] / o["target"]
    assert share[is_late].median() < 0.08 and share[~is_late].median() > 0.2  # nearly idle May-June
    # the oracle expects catch-up: far from 0, and above what a world without late starts would say
    assert o.loc[is_late, "p_true"].mean() > 0.05
    no_delays = dataclasses.replace(prov, province_delay_prob=0.0, prefecture_delay_prob=0.0)
    naive = no_delays.oracle("2021-06").set_index(["indicator", "region"])
    both = o[o["as_of"].dt.year == 2021].set_index(["indicator", "region"])
    slow = both[both["observed"] / both["target"] < 0.05]
    assert len(slow) >= 5  # 2021: a province-wide late start
    assert (slow["p_true"] >= naive.loc[slow.index, "p_true"]).all()
    assert slow["p_true"].sum() > naive.loc[slow.index, "p_true"].sum() + 0.1


def test_province_oracle_is_the_sum_of_its_prefectures(prov):
    o = prov.oracle("2022-04")
    for ind, rows in o.groupby("indicator"):
        pref, total = rows[rows["region"] != "province"], rows[rows["region"] == "province"].iloc[0]
        assert total["outcome"] == pytest.approx(pref["outcome"].sum())
        assert total["observed"] == pytest.approx(pref["observed"].sum())
        assert total["q10_true"] < total["outcome"] * 1.5 and total["q10_true"] < total["q90_true"]
        # shared year effects (little known of them in April): the province's interval is wider than
        # independent prefectures with the same marginal spreads would give
        sd_if_independent = np.sqrt(np.sum(((pref["q90_true"] - pref["q10_true"]) / 2.563) ** 2))
        assert (total["q90_true"] - total["q10_true"]) / 2.563 > 1.15 * sd_if_independent, ind


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"concentration": 0}, r"The 'concentration' parameter of synthetic_province must be > 0"),
        (
            {"late_report_prob": 0.5},
            r"The 'late_report_prob' parameter of synthetic_province must be in \[0, 0.5\)",
        ),
        ({"regions": ["atlantis"]}, r"Unknown region\(s\) \['atlantis'\]"),
        ({"years": []}, r"The 'years' parameter of synthetic_province must name at least one year"),
    ],
)
def test_generator_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        synthetic_province(**kwargs)


def test_oracle_outside_the_years():
    prov = synthetic_province(seed=1, years=range(2020, 2022), regions=SMALL)
    with pytest.raises(ValueError, match=r"as_of 2030-05 is outside the generated years 2020-2021"):
        prov.oracle("2030-05")


def test_backtest_outcome_of_the_province_is_the_sum_of_its_prefectures(prov):
    """The province rows (no reports of their own) are scored against the prefectures' total."""
    bt = lf.backtest(prov, "run_rate", as_of=["2023-07"], n_draws=200, seed=1)
    ds = bt.forecasts
    truth = prov.truth["outcome"]
    province = np.flatnonzero(ds["region"].values == "province")
    assert province.size == 3  # one per family of 2023
    for f in province:
        ind = str(ds["indicator"].values[f])
        assert float(ds["outcome_value"].values[f]) == pytest.approx(
            float(truth.sel(indicator=ind, region="province"))
        )
        assert float(ds["outcome_met"].values[f]) == float(
            prov.truth["met"].sel(indicator=ind, region="province")
        )
