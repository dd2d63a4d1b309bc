"""Scores on hand examples, against the library that computes them, and their error messages.

Array-level tests: this file does not import xarray (style rule 2).
"""

import numpy as np
import pytest
import scoringrules as sr
from scipy import stats

from longjiang_forecast.metrics import _scores as S


def test_brier_decomposition_hand_example():
    # bins {0.1: outcomes 0,1} and {0.9: outcomes 1,1}; base rate 3/4
    d = S.brier_decomposition([0.1, 0.1, 0.9, 0.9], [0, 1, 1, 1])
    assert d["brier"] == pytest.approx((0.01 + 0.81 + 0.01 + 0.01) / 4)  # 0.21
    assert d["reliability"] == pytest.approx((2 * 0.4**2 + 2 * 0.1**2) / 4)  # 0.085
    assert d["resolution"] == pytest.approx((2 * 0.25**2 + 2 * 0.25**2) / 4)  # 0.0625
    assert d["uncertainty"] == pytest.approx(0.75 * 0.25)  # 0.1875
    assert d["residual"] == pytest.approx(0.0, abs=1e-15)
    assert d["skill"] == pytest.approx(1 - 0.21 / 0.1875)
    assert d["n"] == 4


def test_brier_decomposition_residual_when_bins_mix_values():
    p = np.array([0.05, 0.15, 0.85, 0.95])
    y = np.array([0, 1, 1, 1])
    d = S.brier_decomposition(p, y, bins=[0, 0.5, 1])
    assert d["brier"] == pytest.approx(np.mean((p - y) ** 2))
    assert d["brier"] == pytest.approx(d["reliability"] - d["resolution"] + d["uncertainty"] + d["residual"])
    assert d["residual"] != pytest.approx(0.0)


def test_brier_and_log_score_values():
    np.testing.assert_allclose(S.brier_score([0.7, 0.2, np.nan], [1, 1, 0]), [0.09, 0.64, np.nan])
    np.testing.assert_allclose(S.log_score([0.5, 0.8], [1, 0]), [np.log(2), -np.log(0.2)])
    assert S.log_score([0.0], [1])[0] == pytest.approx(-np.log(1e-3))


def test_crps_matches_scoringrules_and_closed_form():
    assert S.crps_ensemble(0.5, [0.0, 1.0]) == pytest.approx(0.25)
    rng = np.random.default_rng(0)
    ens = rng.normal(size=(5, 400))
    obs = rng.normal(size=5)
    np.testing.assert_allclose(S.crps_ensemble(obs, ens), sr.crps_ensemble(obs, ens))
    # a large ensemble from N(0, 1) approaches the closed-form CRPS of the normal
    big = rng.normal(size=(1, 200_000))
    assert S.crps_ensemble(np.array([0.3]), big)[0] == pytest.approx(sr.crps_normal(0.3, 0.0, 1.0), rel=0.01)


def test_crps_drops_nan_members_and_zero_for_perfect_ensemble():
    assert S.crps_ensemble(np.array([2.0]), np.array([[2.0, 2.0, np.nan]]))[0] == pytest.approx(0.0)
    assert np.isnan(S.crps_ensemble(np.array([np.nan]), np.array([[1.0, 2.0]]))[0])


def test_pit_uniform_for_a_calibrated_forecaster():
    rng = np.random.default_rng(np.random.SeedSequence(20240605))
    n, m = 4000, 200
    mu = rng.normal(0, 3, size=n)  # each case its own predictive N(mu, 1)
    obs = mu + rng.normal(size=n)  # the truth is drawn from the forecast itself
    ens = mu[:, None] + rng.normal(size=(n, m))
    pit = S.pit_ensemble(obs, ens, rng)
    assert stats.kstest(pit, "uniform").pvalue > 0.01
    hist = S.pit_histogram(pit, n_bins=10)
    assert hist["count"].sum() == n
    assert ((hist["count"] >= hist["band_lo"] - 15) & (hist["count"] <= hist["band_hi"] + 15)).all()


def test_pit_detects_too_narrow_forecasts():
    rng = np.random.default_rng(1)
    obs = rng.normal(size=3000)
    pit = S.pit_ensemble(obs, 0.3 * rng.normal(size=(3000, 100)), rng)
    hist = S.pit_histogram(pit, n_bins=10)
    assert hist["count"][0] > hist["band_hi"][0] and hist["count"][-1] > hist["band_hi"][-1]


def test_coverage_of_central_intervals():
    rng = np.random.default_rng(2)
    ens = rng.normal(size=(2000, 500))
    obs = rng.normal(size=2000)
    lo, hi = S.central_interval(ens, 0.8)
    assert np.mean(S.interval_covered(obs, lo, hi)) == pytest.approx(0.8, abs=0.03)
    np.testing.assert_array_equal(
        S.interval_covered([1.0, 5.0, np.nan], [0, 0, 0], [2, 2, 2]), [1.0, 0.0, np.nan]
    )


def test_interval_score_hand_values():
    # [0, 0.4] at level 0.5 (alpha 0.5): inside = width 0.4; 0.1 above = 0.4 + 4 * 0.1; below likewise
    got = S.interval_score([0.1, 0.5, -0.2, np.nan], [[0.0]] * 4, [[0.4]] * 4, [0.5])
    np.testing.assert_allclose(got[:, 0], [0.4, 0.8, 1.2, np.nan])
    two = S.interval_score([1.0], [[0.0, 0.5]], [[2.0, 0.9]], [0.8, 0.5])  # inside the 80 %, above the 50 %
    np.testing.assert_allclose(two, [[2.0, 0.4 + 4 * 0.1]])


def test_weighted_interval_score_hand_values_and_crps_limit():
    # (0.5 |y - m| + alpha/2 IS) / 1.5: y = 2, m = 0.5, [0, 1] at 0.5: IS = 1 + 4 = 5
    got = S.weighted_interval_score([0.5, 2.0, np.nan], [0.5, 0.5, 0.5], [[0.0]] * 3, [[1.0]] * 3, [0.5])
    np.testing.assert_allclose(got, [0.25 / 1.5, (0.75 + 1.25) / 1.5, np.nan])
    # with many levels the WIS approaches the CRPS (Bracher et al. 2021)
    rng = np.random.default_rng(0)
    ens = rng.normal(size=(3, 20000))
    obs = np.array([0.0, 1.0, -2.0])
    levels = np.linspace(0.02, 0.98, 49)
    lo = np.quantile(ens, (1 - levels) / 2, axis=1).T
    hi = np.quantile(ens, (1 + levels) / 2, axis=1).T
    wis = S.weighted_interval_score(obs, np.median(ens, axis=1), lo, hi, levels)
    np.testing.assert_allclose(wis, S.crps_ensemble(obs, ens), rtol=0.02)


def test_corp_reliability_matches_scoringrules_and_decomposes_the_brier_score():
    from scoringrules.visualization.reliability import corp_reliability, corp_score_decomposition

    rng = np.random.default_rng(3)
    p = rng.random(45)  # no ties: scoringrules' PAV does not pool them
    y = (rng.random(45) < p**1.5).astype(float)
    out = S.corp_reliability(p, y, n_resamples=50, rng=np.random.default_rng(0))
    x, yy, cep = corp_reliability(y, p)
    np.testing.assert_allclose(out["forecast"], x)
    np.testing.assert_allclose(out["cep"], cep, atol=1e-12)
    sc, sx, sr_ = corp_score_decomposition(x, yy, cep)
    assert out["mcb"] == pytest.approx(sx - sc) and out["dsc"] == pytest.approx(sr_ - sc)
    assert out["unc"] == pytest.approx(sr_) and out["brier"] == pytest.approx(sx)
    assert out["brier"] == pytest.approx(out["mcb"] - out["dsc"] + out["unc"], abs=1e-12)
    assert out["mcb"] >= 0 and out["dsc"] >= 0
    # ties are pooled: two forecasts of 0.2 with outcomes 1 and 0 are one point at 1/2 before PAV
    tied = S.corp_reliability([0.2, 0.2, 0.9], [1, 0, 1], n_resamples=10, rng=np.random.default_rng(0))
    assert tied["forecast"].tolist() == [0.2, 0.9] and tied["cep"].tolist() == [0.5, 1.0]
    assert tied["count"].tolist() == [2.0, 1.0]


def test_corp_band_holds_a_reliable_forecaster_and_not_an_overconfident_one():
    rng = np.random.default_rng(11)
    p = rng.uniform(0.05, 0.95, 400)
    y = (rng.random(400) < p).astype(float)
    kw = {"n_resamples": 300, "band": 0.9}
    good = S.corp_reliability(p, y, rng=np.random.default_rng(1), **kw)
    inside = (good["cep"] >= good["band_lo"]) & (good["cep"] <= good["band_hi"])
    assert inside.mean() > 0.8 and good["mcb"] < 0.02
    sharp = np.clip(0.5 + 2.0 * (p - 0.5), 0.0, 1.0)  # the same information, overconfident
    bad = S.corp_reliability(sharp, y, rng=np.random.default_rng(1), **kw)
    bad_inside = (bad["cep"] >= bad["band_lo"]) & (bad["cep"] <= bad["band_hi"])
    assert bad["mcb"] > 2 * good["mcb"] and bad_inside.mean() < 0.6  # 0.026 vs 0.010; 49 % vs 92 %
    again = S.corp_reliability(p, y, rng=np.random.default_rng(1), **kw)
    np.testing.assert_array_equal(again["band_lo"], good["band_lo"])


def test_reliability_curve_bands_cover_a_reliable_forecaster():
    rng = np.random.default_rng(np.random.SeedSequence(7))
    p = rng.uniform(size=3000)
    y = (rng.uniform(size=3000) < p).astype(float)
    c = S.reliability_curve(p, y, bins=10, n_resamples=500, rng=rng)
    inside = (c["observed_frequency"] >= c["band_lo"]) & (c["observed_frequency"] <= c["band_hi"])
    assert inside.sum() >= 8
    assert c["count"].sum() == 3000
    # an overconfident forecaster falls outside the band at the extremes
    q = np.clip(0.5 + 1.8 * (p - 0.5), 0, 1)
    c2 = S.reliability_curve(q, y, bins=10, n_resamples=500, rng=rng)
    assert c2["observed_frequency"][0] > c2["band_hi"][0]


def test_skill_score():
    assert float(S.skill_score(0.15, 0.25)) == pytest.approx(0.4)
    assert np.isnan(S.skill_score(0.1, 0.0))


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (
            lambda: S.brier_score([0.5, 1.2], [1, 0]),
            r"The 'p' parameter of brier_score must hold probabilities",
        ),
        (lambda: S.brier_score([0.5], [2]), r"The 'y' parameter of brier_score must hold binary outcomes"),
        (lambda: S.brier_score([0.5, 0.5], [1]), r"must have the same shape"),
        (
            lambda: S.log_score([0.5], [1], eps=0.7),
            r"The 'eps' parameter of log_score must be a float in \(0, 0.5\)",
        ),
        (lambda: S.crps_ensemble([1.0, 2.0], np.ones((3, 4))), r"The 'ensemble' parameter of crps_ensemble"),
        (lambda: S.central_interval(np.ones((2, 3)), 1.5), r"The 'level' parameter of central_interval"),
        (
            lambda: S.brier_decomposition([np.nan], [1]),
            r"brier_decomposition got no forecast with a known outcome",
        ),
        (lambda: S.brier_decomposition([0.5], [1], nan_policy="skip"), r"The 'nan_policy' parameter"),
        (lambda: S.brier_decomposition([0.5, np.nan], [1, 0], nan_policy="raise"), r"got 1 NaN forecast"),
        (lambda: S.brier_decomposition([0.5], [1], bins=[0.5, 0.2]), r"The 'bins' parameter must be"),
        (lambda: S.pit_histogram([0.5], n_bins=0), r"The 'n_bins' parameter of pit_histogram must be an int"),
        (
            lambda: S.reliability_curve([0.5], [1], band=1.0, rng=np.random.default_rng(0)),
            r"The 'band' parameter of reliability_curve",
        ),
    ],
)
def test_bad_input_messages(call, match):
    with pytest.raises(ValueError, match=match):
        call()
