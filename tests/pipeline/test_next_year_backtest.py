"""The backtest of next year's proposals (issue 21): outcomes of the following year, shares, intervals."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from longjiang_forecast.pipeline import backtest_next_year, proposal_calibration
from longjiang_forecast.testing import synthetic_province
from longjiang_forecast.testing.provinces import PROVINCE_FAMILIES


@pytest.fixture(scope="module")
def world():
    return synthetic_province(seed=3, years=range(2019, 2024), families=PROVINCE_FAMILIES[:1])


@pytest.fixture(scope="module")
def proposals(world):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return backtest_next_year(world, as_of=(9,), years=[2022], n_draws=200, seed=5)


def test_proposals_are_judged_on_the_following_years_truth(world, proposals):
    """Each outcome is the generator's 2023 outcome of the family (the province: its prefectures' sum)."""
    assert set(proposals["as_of"]) == {"2022-09"} and proposals.attrs["n_origins"] == 1
    truth = world.truth["outcome"].sel(indicator="PRV_OUTDOOR_2023")
    prefectures = truth.drop_sel(region="province")
    assert float(prefectures.sum()) == pytest.approx(float(truth.sel(region="province")), rel=1e-12)
    seen = set()
    for region, rows in proposals.groupby("region"):
        expected = float(prefectures.sum()) if region == "province" else float(truth.sel(region=region))
        np.testing.assert_allclose(rows["outcome"].to_numpy(), expected, rtol=1e-12)
        seen.add(region)
    assert len(seen) == 14  # 13 prefectures and the province
    np.testing.assert_array_equal(proposals["met"], proposals["outcome"] >= proposals["proposal"])


def test_surer_proposals_are_smaller(proposals):
    for _, rows in proposals.groupby(["indicator", "region"]):
        values = rows.sort_values("prob")["proposal"].to_numpy()
        assert values.size == 4 and np.all(np.diff(values) < 0)


def test_calibration_counts_outcomes_not_months():
    """20 series-years of 20 years, each proposed in 3 months, 16 met: the interval counts 20 trials."""
    rows = []
    for k in range(20):
        for month in ("08", "09", "10"):
            rows.append({"as_of": f"{2000 + k}-{month}", "year": 2000 + k, "indicator": f"i{k}",
                         "region": "a", "kind": "cumulative", "n_finals": 4, "prob": 0.8,
                         "met": k < 16})  # fmt: skip
    for k in range(5):  # five series-years at 0.5: too few to say
        rows.append({"as_of": f"{2000 + k}-09", "year": 2000 + k, "indicator": f"j{k}", "region": "a",
                     "kind": "cumulative", "n_finals": 2, "prob": 0.5, "met": True})  # fmt: skip
    table = proposal_calibration(pd.DataFrame(rows)).set_index("prob")
    row = table.loc[0.8]
    assert (row["n"], row["n_outcomes"], row["n_years"], row["share_met"]) == (60, 20, 20, 0.8)
    assert row["n_effective"] == 20.0  # one outcome per year: nothing shared
    assert row["ci_low"] == pytest.approx(stats.beta.ppf(0.05, 16, 5))
    assert row["ci_high"] == pytest.approx(stats.beta.ppf(0.95, 17, 4))
    assert bool(row["within"]) and row["note"] == ""
    few = table.loc[0.5]
    assert few["n_outcomes"] == 5 and np.isnan(few["share_met"]) and "too few" in few["note"]
    by = proposal_calibration(pd.DataFrame(rows), by=("n_finals_group",))
    assert set(by["n_finals_group"]) == {"2-3", "4+"}


def _one_year_at_a_time(n_years, per_year, met_years, seed=None):
    """Outcomes at 0.8 of ``n_years`` years × ``per_year`` series: every series of a year in
    ``met_years`` met, the others missed (a province-wide good or bad year), or, with ``seed``, met
    independently with probability 0.8."""
    rng = np.random.default_rng(seed)
    rows = []
    for y in range(n_years):
        for k in range(per_year):
            met = bool(rng.random() < 0.8) if seed is not None else y in met_years
            rows.append({"year": 2000 + y, "indicator": f"i{k}", "region": "a", "n_finals": 4, "prob": 0.8,
                         "met": met})  # fmt: skip
    return pd.DataFrame(rows)


def test_outcomes_of_one_year_that_move_together_count_as_one_trial():
    """40 years × 13 series, whole years met or missed (32 of 40): about 40 trials, not 520; the
    interval is the binomial one on 40 years, and a world pooled with another keeps its years apart."""
    frame = _one_year_at_a_time(40, 13, met_years=set(range(32)))
    row = proposal_calibration(frame).iloc[0]
    assert (row["n_outcomes"], row["n_years"], row["share_met"]) == (520, 40, 0.8)
    assert 40.0 <= row["n_effective"] < 41.0  # the correlation is 1: a design effect of 13
    naive = proposal_calibration(frame, cluster=()).iloc[0]
    assert naive["n_effective"] == 520.0
    assert (row["ci_high"] - row["ci_low"]) > 3 * (naive["ci_high"] - naive["ci_low"])
    assert row["ci_low"] == pytest.approx(stats.beta.ppf(0.05, 32, 9), abs=0.01)
    two = pd.concat([frame.assign(world=1), frame.assign(world=2)])
    pooled = proposal_calibration(two, cluster=("world", "year")).iloc[0]
    assert (pooled["n_outcomes"], pooled["n_years"]) == (1040, 80)
    assert 80.0 <= pooled["n_effective"] < 82.0


def test_independent_outcomes_keep_their_count():
    """Series met independently of their year: the effective count stays near the outcome count."""
    row = proposal_calibration(_one_year_at_a_time(40, 13, set(), seed=7)).iloc[0]
    assert row["n_effective"] > 0.75 * 520  # the prior correlation, one year of 41, costs a little
    assert bool(row["within"])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"level": 90}, r"'level' parameter of proposal_calibration"),
        ({"level": 1.0}, r"'level' parameter of proposal_calibration"),
        ({"min_outcomes": 0}, r"'min_outcomes' parameter of proposal_calibration"),
        ({"by": ("nope",)}, r"by names column\(s\) \['nope'\]"),
        ({"cluster": ("world", "year")}, r"cluster names column\(s\) \['world'\]"),
    ],
)
def test_bad_calibration_arguments_are_refused(proposals, kwargs, message):
    with pytest.raises(ValueError, match=message):
        proposal_calibration(proposals, **kwargs)


def test_bad_rows_are_refused_and_one_column_may_be_named_alone(proposals):
    with pytest.raises(ValueError, match=r"1 row\(s\) of the proposals have 'met' other than True/False"):
        proposal_calibration(
            proposals.assign(met=proposals["met"].astype(object).where(proposals.index != 3))
        )
    with pytest.raises(ValueError, match=r"'prob' outside \(0, 1\) \(a stated probability as a fraction"):
        proposal_calibration(proposals.assign(prob=proposals["prob"] * 100))
    with pytest.raises(ValueError, match=r"the proposals lack column\(s\) \['met'\]"):
        proposal_calibration(proposals.drop(columns="met"))
    by_string = proposal_calibration(proposals, by="region", min_outcomes=1)
    assert set(by_string["region"]) == set(proposals["region"])
    alone = proposal_calibration(proposals, cluster=(), min_outcomes=1)
    assert (alone["n_years"] == 1).all()  # one year whatever the clusters: 2022


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_draws": 0}, r"'n_draws' parameter of backtest_next_year"),
        ({"probs": ()}, r"'probs' parameter of backtest_next_year is empty"),
        ({"probs": (80,)}, r"'probs' parameter of backtest_next_year"),
        ({"as_of": ("9",)}, r"'as_of' parameter of backtest_next_year must be months of the year"),
        ({"as_of": (13,)}, r"whole numbers 1-12"),
        ({"years": [1900]}, r"no year of the history has a following year with both a plan and reports"),
    ],
)
def test_bad_backtest_arguments_are_refused_before_any_forecast(world, kwargs, message):
    with pytest.raises(ValueError, match=message):
        backtest_next_year(world, **{"as_of": (9,), "n_draws": 50, **kwargs})


def test_the_origins_warnings_are_summed_up_once(world):
    """Four of six forecasts warn of province rows with prefectures a month late: one warning, naming them.

    Before, each origin's warning came through on its own (8 on a province world).
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        backtest_next_year(world, as_of=(8, 9, 10), years=[2021, 2022], n_draws=200, seed=5)
    texts = [str(w.message) for w in caught]
    late = [t for t in texts if "Province rows forecast from their prefectures" in t]
    assert len(late) == 1, texts
    assert late[0].startswith(
        "backtest_next_year: 4 of the 6 forecasts warned (as of 2021-08, 2021-09, 2022-09, 2022-10); "
        "as of 2021-08: Province rows forecast from their prefectures, some of which have not reported"
    )
    assert all(t.startswith("backtest_next_year:") for t in texts)


def test_a_warning_keeps_its_advice_and_an_error_its_warnings(world, monkeypatch):
    """Few draws: one warning with next_year_targets' whole advice; an error at the third origin
    still lets the first two origins' warnings through (found by a new-user check)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        backtest_next_year(world, as_of=(9,), years=[2021, 2022], n_draws=50, seed=5)
    few = [str(w.message) for w in caught if "kept 50 path(s)" in str(w.message)]
    assert len(few) == 1 and "2 of the 2 forecasts warned" in few[0] and "keep_paths of 100" in few[0]

    from longjiang_forecast import planning

    calls = []
    real = planning.next_year_targets

    def flaky(*args, **kwargs):
        calls.append(1)
        warnings.warn(f"odd value in call {len(calls)}", RuntimeWarning, stacklevel=1)
        if len(calls) == 3:
            raise RuntimeError("broken at the third origin")
        return real(*args, **kwargs)

    monkeypatch.setattr(planning, "next_year_targets", flaky)
    with warnings.catch_warnings(record=True) as caught, pytest.raises(RuntimeError, match="third origin"):
        warnings.simplefilter("always")
        backtest_next_year(world, as_of=(8, 9, 10), years=[2021], n_draws=200, seed=5)
    odd = [str(w.message) for w in caught if w.category is RuntimeWarning]
    assert odd == ["backtest_next_year: 3 of the 3 forecasts warned (as of 2021-08, 2021-09, 2021-10); "
                   "as of 2021-08: odd value in call 1"]  # fmt: skip
