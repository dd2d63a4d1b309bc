"""The model contract (sklearn style) and the seasonal-share model's answers on known cases."""

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel, reference_profile

MODELS = [SeasonalShareModel]


@pytest.mark.parametrize("model_cls", MODELS)
def test_contract(model_cls, catalog, progress):
    model = model_cls()
    with pytest.raises(lf.NotFittedError, match="not fitted yet"):
        model.sample_parameters(10, seed=0)
    known = progress.sel(month=slice(None, "2024-06"))
    assert model.fit(known, catalog=catalog, as_of="2024-06") is model
    a = model.sample_parameters(50, seed=3)
    b = model.sample_parameters(50, seed=3)
    c = model.sample_parameters(50, seed=4)
    assert a.sizes["draw"] == 50 and a.sizes["series"] == model.state_.sizes["series"]
    np.testing.assert_array_equal(a["gamma_scale"].values, b["gamma_scale"].values)
    assert not np.array_equal(a["gamma_scale"].values, c["gamma_scale"].values)
    assert a.attrs["model"] == model_cls.__name__


@pytest.mark.parametrize(
    "bad", [{"plan_prior_sd": 0.0}, {"month_concentration": -1.0}, {"min_history_years": 0}]
)
def test_bad_hyper_parameters_are_refused(bad, catalog, progress):
    with pytest.raises(ValueError, match=f"The '{next(iter(bad))}' parameter of SeasonalShareModel"):
        SeasonalShareModel(**bad).fit(progress, catalog=catalog)


def test_the_months_concentration_is_estimated_unless_given(catalog, progress):
    """None (the default) estimates each series' split; a number fixes it, and says so when it is refused."""
    with pytest.raises(ValueError, match=r"must be a float in the range \(0, inf\) or None\. Got 'high'"):
        SeasonalShareModel(month_concentration="high").fit(progress, catalog=catalog)
    estimated = SeasonalShareModel().fit(progress, catalog=catalog)
    fixed = SeasonalShareModel(month_concentration=500.0).fit(progress, catalog=catalog)
    counts = np.flatnonzero(estimated.state_["kind"].values == "cumulative")
    assert np.unique(np.round(estimated.split_concentration_[counts])).size > 5  # per reference class
    t = estimated.state_["last_month"].values[counts]
    remaining = [
        np.maximum(np.diff(fixed.share_mean_[s])[m:], 0.002).sum() for s, m in zip(counts, t, strict=True)
    ]
    np.testing.assert_allclose(fixed.split_concentration_[counts], 500.0 * np.array(remaining))


def _p_met(progress, catalog, indicator, region="province", **kw):
    result = lf.forecast(progress, catalog, as_of="2024-08", n_draws=2000, seed=9, **kw)
    s = result.summary
    sel = (s["indicator"].values == indicator) & (s["region"].values == region)
    return s.isel(series=np.flatnonzero(sel)[0])


def test_target_already_reached_gives_p_met_one(catalog, progress):
    changed = progress.copy(deep=True)
    changed["value"].loc[{"indicator": "09a", "region": "province", "month": "2024-08-01"}] = 16_000.0
    row = _p_met(changed, catalog, "09a")
    assert float(row["p_met"]) == 1.0
    assert str(row["status"].values) == "achieved"
    assert float(row["p_met_se"]) == 0.0


def test_impossible_remaining_need_gives_p_met_near_zero(catalog, progress):
    changed = progress.copy(deep=True)
    path = changed["value"].loc[{"indicator": "09a", "region": "province"}]
    in_2024 = path["month"].dt.year == 2024
    changed["value"].loc[{"indicator": "09a", "region": "province"}] = path.where(~in_2024, path * 0.05)
    row = _p_met(changed, catalog, "09a")
    assert float(row["p_met"]) < 0.01
    assert str(row["status"].values) == "off track"


def test_more_progress_never_lowers_p_met(catalog, progress):
    """Attainment probability is monotone in what has been reported (same seed)."""
    ps = []
    for factor in (0.8, 0.9, 1.0, 1.1):
        changed = progress.copy(deep=True)
        path = changed["value"].loc[{"indicator": "13a", "region": "province"}]
        in_2024 = path["month"].dt.year == 2024
        changed["value"].loc[{"indicator": "13a", "region": "province"}] = path.where(~in_2024, path * factor)
        ps.append(float(_p_met(changed, catalog, "13a")["p_met"]))
    assert ps == sorted(ps) and ps[0] < ps[-1]


def test_no_history_falls_back_and_says_so(catalog, progress):
    current_only = progress.sel(month=progress["month"].dt.year == 2024)
    model = SeasonalShareModel().fit(current_only, catalog=catalog, as_of="2024-08")
    basis = model.basis_[model.state_["indicator"].values == "15a"][0]
    assert (
        basis.startswith("fallback profile")
        and "0 earlier series-year(s) of the family with a December report" in basis
    )
    # annual means cannot be forecast without an earlier year: said, not guessed
    reason = model.reason_[model.state_["indicator"].values == "17b"][0]
    assert "needs at least one earlier year" in reason


def test_reference_profile_outdoor_season():
    prof = reference_profile("outdoor;construction", 10)
    assert prof[0] == 0 and prof[-1] == pytest.approx(1.0)
    # April-October carries 7 of 7.5 units of the year's work
    assert prof[10] - prof[3] == pytest.approx(7 / 7.5)
    np.testing.assert_allclose(np.diff(reference_profile("", 12)), 1 / 12)


@pytest.fixture(scope="module")
def strong_prefectures():
    """Families whose prefectures differ a lot (sd 0.2 on the log scale) and their March forecast."""
    from longjiang_forecast.testing.families import synthetic_families

    fam = synthetic_families(seed=3, region_sd=0.2, years=range(2016, 2023))
    as_of = "2022-03"
    result = lf.forecast(
        fam.progress.sel(month=slice(None, as_of)), fam.catalog, as_of=as_of, n_draws=2000, seed=5
    )
    return fam, as_of, result.summary


def test_prefecture_effect_is_learned_from_earlier_outcomes(strong_prefectures):
    """Before any outdoor work of the year is reported, only earlier outcomes can rank prefectures."""
    from scipy import stats

    fam, _, s = strong_prefectures
    families = np.array([i.rsplit("_", 1)[0] for i in s["indicator"].values])
    effect = np.array(
        [
            float(fam.truth["region_effect"].sel(indicator=i, region=r))
            for i, r in zip(s["indicator"].values, s["region"].values, strict=True)
        ]
    )
    for family in ("SYN_OUTDOOR", "SYN_HEATING"):  # idle until April
        at = families == family
        rho = stats.spearmanr(s["p_met"].values[at], effect[at])[0]
        assert rho > 0.8, (family, rho)


def test_attainment_probabilities_close_to_the_oracle(strong_prefectures):
    fam, as_of, s = strong_prefectures
    oracle = fam.oracle(as_of).set_index(["indicator", "region"])
    p_true = oracle.loc[list(zip(s["indicator"].values, s["region"].values, strict=True)), "p_true"].values
    assert np.mean(np.abs(s["p_met"].values - p_true)) < 0.12


def test_kernel_width_small_reference_class_is_never_narrow():
    from longjiang_forecast.models.seasonal_share import _kernel_width

    # three earlier years that agree to 0.1 %: the prior spread (0.25) still sets the width
    assert _kernel_width(np.array([0.030, 0.031, 0.032]), 0.25) > 0.5 * 0.25
    # a large sample: Silverman's rule, 0.9 * sd * n^(-1/5)
    x = np.random.default_rng(0).standard_normal(2000)
    assert _kernel_width(x, 0.25) == pytest.approx(0.9 * 2000 ** (-0.2), rel=0.05)
    assert _kernel_width(np.array([]), 0.3) == 0.3


def test_a_july_report_far_behind_pace_pulls_the_total_down():
    """Three earlier years that met their plans by a hair must not outvote this year's reports."""
    catalog, progress = lf.load_national_progress()
    planted = progress.copy(deep=True)
    planted["value"].loc[{"indicator": "CN_OLDCOMM_2023", "region": "province", "month": "2023-07-01"}] = 0.2
    planted = planted.sel(month=slice(None, "2023-07"))
    model = SeasonalShareModel().fit(planted, catalog=catalog, as_of="2023-07")
    s = list(model.state_["indicator"].values).index("CN_OLDCOMM_2023")
    draws = model.sample_parameters(2000, seed=1)
    total = draws["annual_total"].values[:, s]
    # 0.2 done by July, when earlier years had done 57-86 % of theirs: behind every earlier year,
    # so a late start (the months lost are lost; August-December deliver what they did before,
    # 14-43 % of a year) or worse; never the plan the earlier years met
    assert "late start" in str(draws["basis"].values[s])
    assert np.median(total) < 0.4 * 5.3
    assert np.percentile(total, 95) < 0.65 * 5.3


_OUTDOOR = np.where((np.arange(1, 13) >= 4) & (np.arange(1, 13) <= 10), 1.0, 0.05)


def _user_files(tmp_path, totals, this_year, target, as_of, regions=("province",)):
    """A user's one-year catalogue and a progress CSV with earlier years under the same indicator id."""
    import pandas as pd

    cat = tmp_path / "catalog.csv"
    pd.DataFrame(
        [
            {"indicator": "A", "kind": "cumulative", "unit": "projects (个)", "target": target,
             "comparator": ">=", "deadline": "2024-12", "region": r, "family": "F", "tags": ""}
            for r in regions
        ]
    ).to_csv(cat, index=False)  # fmt: skip
    rows = []
    for region in regions:
        for year, total in totals.get(region, {}).items():
            path = np.cumsum(_OUTDOOR) / _OUTDOOR.sum() * total
            rows += [("A", region, f"{year}-{m:02d}", round(v, 3)) for m, v in enumerate(path, 1)]
    path = np.cumsum(_OUTDOOR) / _OUTDOOR.sum() * this_year
    months = int(as_of[-2:])
    rows += [("A", regions[0], f"2024-{m:02d}", round(v, 3)) for m, v in enumerate(path[:months], 1)]
    prog = tmp_path / "progress.csv"
    pd.DataFrame(rows, columns=["indicator", "region", "month", "value"]).to_csv(prog, index=False)
    catalog = lf.load_catalog(cat)
    return catalog, lf.read_progress(prog, catalog, as_of=as_of)


def test_earlier_years_are_not_judged_against_this_years_target(tmp_path):
    """Plans grew 50 -> 90 and were met by 2 % each year; this year is on the same pace to 102 of 100."""
    growing = dict(zip(range(2019, 2024), [51, 61.2, 71.4, 81.6, 91.8], strict=True))
    catalog, progress = _user_files(tmp_path, {"province": growing}, 102, 100, "2024-03")
    table = lf.forecast(progress, catalog, as_of="2024-03", n_draws=2000, seed=1).table()
    # the catalogue holds only this year's target: earlier outcomes against plan are unknown, not misses
    assert "the plan" in table["basis"].iloc[0]
    assert 0.4 < table["p_met"].iloc[0] < 0.7


def test_a_year_unlike_any_earlier_one_gets_a_wide_answer(tmp_path):
    """Earlier years 98-105 and 43 % done by June; this year nothing by June: no made-up precision."""
    earlier = dict(zip(range(2020, 2024), [98, 103, 101, 105], strict=True))
    catalog, progress = _user_files(tmp_path, {"province": earlier}, 0.0, 100, "2024-06")
    s = lf.forecast(progress, catalog, as_of="2024-06", n_draws=2000, seed=1).summary
    q10, q90 = s["deadline_value"].sel(quantile=[0.1, 0.9]).values[0]
    assert float(s["p_met"].values[0]) < 0.3
    # a late start of unknown length: from "far short" (a start in the autumn) to what July-December
    # delivered in earlier years (57 of about 100; the months lost are not made up)
    assert q10 < 25
    assert q90 > 55


def test_a_region_without_a_record_is_not_assumed_to_be_the_family():
    """With the family's other prefectures at +30 %, a new one keeps a prefecture-sized spread."""
    from longjiang_forecast.models.seasonal_share import _attainment_prior, _outcome_record, _ReferenceYear

    years = [_ReferenceYear(r, y, np.zeros(13), np.log(1.3)) for r in ("a", "b") for y in range(2016, 2024)]
    loc, sd, note, _ = _attainment_prior(years, "new", 0.25, _outcome_record(years, 0.25))
    assert np.allclose(loc, np.log(1.3))
    assert sd > 0.15  # the plan prior's 0.25 pooled with two regions that agree
    assert "no record of this region" in note


def test_the_shape_of_this_years_path_picks_the_earlier_years_like_it(tmp_path):
    """Half the earlier years started late (idle until June) and were 41 % done by July, half 57 %.

    This year 50 are done by July: a late-shaped year is on course for ~123 (met), a normal-shaped
    one for ~87 (missed). The July total alone cannot tell them apart; the path's shape can.
    """
    import pandas as pd

    months = np.arange(1, 13)
    normal = np.where((months >= 4) & (months <= 10), 1.0, 0.02)
    late = np.where((months >= 6) & (months <= 10), 1.4, 0.02)

    def path(w, total):
        return np.cumsum(w) / w.sum() * total

    p_met = {}
    for label, this_year in (("late", late), ("normal", normal)):
        pd.DataFrame(
            [{"indicator": "A", "kind": "cumulative", "unit": "projects (个)", "target": 100,
              "comparator": ">=", "deadline": "2024-12", "region": "province", "family": "F", "tags": ""}]
        ).to_csv(tmp_path / "c.csv", index=False)  # fmt: skip
        rng = np.random.default_rng(0)
        rows = []
        for i, year in enumerate(range(2016, 2024)):
            values = path(late if i % 2 else normal, 100 * rng.uniform(0.97, 1.03))
            rows += [("A", "province", f"{year}-{m:02d}", round(v, 3)) for m, v in enumerate(values, 1)]
        now = path(this_year, 1.0)
        rows += [
            ("A", "province", f"2024-{m:02d}", round(v, 3)) for m, v in enumerate(now[:7] / now[6] * 50, 1)
        ]
        pd.DataFrame(rows, columns=["indicator", "region", "month", "value"]).to_csv(
            tmp_path / "p.csv", index=False
        )
        catalog = lf.load_catalog(tmp_path / "c.csv")
        progress = lf.read_progress(tmp_path / "p.csv", catalog, as_of="2024-07")
        p_met[label] = (
            lf.forecast(progress, catalog, as_of="2024-07", n_draws=4000, seed=1).table()["p_met"].iloc[0]
        )
    assert p_met["late"] > 0.7 and p_met["normal"] < 0.35
