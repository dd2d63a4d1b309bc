"""Scores against a synthetic world's oracle and the PASS/FAIL bars (testing.scoring), on known answers."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from longjiang_forecast.testing import acceptance, oracle_scores, province_scores, with_oracle

N = 600
MONTHS = np.array([5, 7, 9])


class _World:
    """A stand-in world: its oracle says p_true for every series, and one province row per as-of month."""

    specs = (SimpleNamespace(name="FAM", deadline_month=12),)

    def __init__(self, p_true: np.ndarray, met: np.ndarray, as_of: pd.DatetimeIndex, region: np.ndarray):
        self.frame = pd.DataFrame(
            {"indicator": "FAM_2024", "region": region, "as_of": as_of, "p_true": p_true, "cdf_true": 0.5,
             "q10_true": 0.0, "q90_true": 2.0, "outcome": 1.0, "met": met, "target": 1.0, "observed": 0.5}
        )  # fmt: skip

    def oracle(self, ts):
        return self.frame[self.frame["as_of"] == pd.Timestamp(ts)]


def _forecasts(model: str, p: np.ndarray, p_true: np.ndarray, met: np.ndarray, inside: np.ndarray):
    """A backtest-like Dataset: outcome 1.0, 80 % interval [0.5, 1.5] when ``inside``, else [1.2, 2]."""
    as_of = pd.DatetimeIndex([f"2024-{m:02d}-01" for m in MONTHS[np.arange(p.size) % 3]])
    lower = np.where(inside, 0.5, 1.2)
    bounds = np.stack([lower, lower, lower], axis=1)
    upper = np.stack([lower + 1, lower + 1, lower + 1], axis=1)
    return xr.Dataset(
        {
            "p_met": ("forecast", p),
            "outcome_met": ("forecast", met),
            "outcome_value": ("forecast", np.ones(p.size)),
            "lower": (("forecast", "level"), bounds),
            "upper": (("forecast", "level"), upper),
            "covered": (("forecast", "level"), np.stack([inside] * 3, axis=1).astype(float)),
        },
        coords={
            "forecast": np.arange(p.size),
            "level": [0.5, 0.8, 0.9],
            "model": ("forecast", np.full(p.size, model, dtype=object)),
            "as_of": ("forecast", as_of.values),
            "as_of_month": ("forecast", as_of.month.to_numpy()),
            "indicator": ("forecast", np.full(p.size, "FAM_2024", dtype=object)),
            "region": ("forecast", np.array([f"r{i // 3}" for i in range(p.size)], dtype=object)),
        },
    )


@pytest.fixture(scope="module")
def case():
    rng = np.random.default_rng(0)
    p_true = rng.uniform(0, 1, N)
    met = (rng.random(N) < p_true).astype(float)
    inside = rng.random(N) < 0.8
    perfect = _forecasts("perfect", p_true, p_true, met, inside)
    sure = _forecasts("sure", np.round(p_true), p_true, met, np.zeros(N, bool))
    world = _World(p_true, met, pd.DatetimeIndex(perfect["as_of"].values), perfect["region"].values)
    return xr.concat([perfect, sure], dim="forecast").assign_coords(forecast=np.arange(2 * N)), world, p_true


def test_oracle_scores_known_answers(case):
    ds, world, p_true = case
    ds = with_oracle(ds, world)
    np.testing.assert_allclose(ds["p_true"].values, np.concatenate([p_true, p_true]))
    overall = oracle_scores(ds, by=("model",)).set_index("model")
    assert overall.loc["perfect", "gap"] == pytest.approx(0.0, abs=1e-12)
    assert overall.loc["perfect", "mean_abs_dp"] == pytest.approx(0.0, abs=1e-12)
    assert overall.loc["perfect", "n_exact_01"] == 0
    assert overall.loc["perfect", "worst_bin_dev"] < 0.15  # 60 per bin: within sampling error
    # the oracle's own bins: the same figure as the perfect forecaster's, for every model
    assert overall.loc["sure", "worst_bin_dev_oracle"] == overall.loc["perfect", "worst_bin_dev"]
    sure = overall.loc["sure"]
    assert sure["gap"] > 0.05
    expected = int(np.sum((p_true >= 0.02) & (p_true <= 0.98)))
    assert sure["n_exact_01"] == expected
    assert sure["coverage_80"] == 0.0 and sure["below_q10"] == 1.0 and sure["above_q90"] == 0.0
    by_month = oracle_scores(ds)
    assert sorted(by_month["as_of_month"].unique()) == [5, 7, 9]
    assert by_month.groupby("model")["n_forecasts"].sum().to_dict() == {"perfect": N, "sure": N}


def test_acceptance_pass_and_fail(case):
    ds, world, _ = case
    ds = with_oracle(ds, world)
    by_month = oracle_scores(ds)
    overall = oracle_scores(ds, by=("model",)).set_index("model", drop=False)
    province = pd.Series({"model": "perfect", "n_exist": 3, "n_forecast": 2, "gap": 0.0, "n_exact_01": 0})
    perfect = acceptance(by_month[by_month["model"] == "perfect"], overall.loc["perfect"], province)
    results = dict(zip(perfect["check"], perfect["result"], strict=True))
    assert results["Brier gap overall <= 0.015"] == "PASS"
    assert results["no p of exactly 0 or 1 where the oracle is in [0.02, 0.98]"] == "PASS"
    assert results["province rows: every one forecast, Brier gap <= 0.03"] == "FAIL"  # 2 of 3 forecast
    sure = acceptance(by_month[by_month["model"] == "sure"], overall.loc["sure"], None)
    results = dict(zip(sure["check"], sure["result"], strict=True))
    assert results["Brier gap overall <= 0.015"] == "FAIL"
    assert results["80 % coverage in [0.75, 0.85] overall"] == "FAIL"
    assert results["province rows: every one forecast, Brier gap <= 0.03"] == "n/a"


def test_province_scores_count_what_exists(case):
    ds, world, _ = case
    as_of = pd.DatetimeIndex(sorted(set(pd.DatetimeIndex(ds["as_of"].values))))
    world.frame = pd.concat(
        [world.frame, pd.DataFrame({"indicator": "FAM_2024", "region": "province", "as_of": as_of,
                                    "p_true": 0.4, "cdf_true": 0.5, "q10_true": 0.0, "q90_true": 2.0,
                                    "outcome": 1.0, "met": 1.0, "target": 1.0,
                                    "observed": [0.5, 0.5, 1.5]})],  # the last already reached
        ignore_index=True,
    )  # fmt: skip
    table = province_scores(with_oracle(ds, world), world).set_index("model")
    assert table.loc["perfect", "n_exist"] == 2
    assert table.loc["perfect", "n_forecast"] == 0 and np.isnan(table.loc["perfect", "gap"])


def test_a_model_that_forecast_nothing_scores_nan_not_an_error(case):
    """A milestone model on a world without milestones: every p NaN; its row says so, the others stand."""
    ds, world, _ = case
    ds = with_oracle(ds, world)
    none = ds["model"].values == "sure"
    ds["p_met"].values[none] = np.nan
    overall = oracle_scores(ds, by=("model",)).set_index("model")
    assert np.isnan(overall.loc["sure", "mean_abs_dp"]) and np.isnan(overall.loc["sure", "worst_bin_dev"])
    assert overall.loc["sure", "n_exact_01"] == 0
    assert overall.loc["perfect", "mean_abs_dp"] == pytest.approx(0.0, abs=1e-12)


def test_province_forecasts_of_rows_already_reached_do_not_count_as_existing_ones():
    """A backtest that forecasts a province row the oracle counts as reached still misses the one it skipped.

    The oracle sums each prefecture's latest published report; the backtest's province row uses the
    last month every prefecture reported, so it may forecast a row the oracle calls reached. The
    count of rows forecast is over the rows that exist: 2 forecasts, one of them of a reached row,
    are 1 of the 2 that exist, not "3 of 2".
    """
    as_of = pd.DatetimeIndex(["2024-05-01", "2024-07-01", "2024-09-01"])
    world = _World(np.array([0.4, 0.4, 0.4]), np.ones(3), as_of, np.array(["province"] * 3, dtype=object))
    world.frame["observed"] = [0.5, 0.5, 1.5]  # September: already reached, the row does not exist
    ds = _forecasts("m", np.array([0.4, 0.5, 0.6]), np.full(3, 0.4), np.ones(3), np.ones(3, bool))
    ds = ds.assign_coords(region=("forecast", np.array(["province"] * 3, dtype=object)))
    ds["p_met"].values[1] = np.nan  # July's row, which exists, was not forecast
    row = province_scores(with_oracle(ds, world), world).set_index("model").loc["m"]
    assert row["n_exist"] == 2 and row["n_forecast"] == 1
