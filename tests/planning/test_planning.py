"""Planning answers: portfolio, required pace, next year's targets, SPI(t), on hand-made and real data."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from scipy import special

import longjiang_forecast as lf
from longjiang_forecast import planning
from longjiang_forecast.planning import _kernels, _next_year
from longjiang_forecast.testing import synthetic_progress

MONTHS = pd.date_range("2024-01-01", periods=12, freq="MS")


def tiny_forecast(
    deadline_values,
    *,
    target,
    indicator,
    region,
    item,
    kind=None,
    last_month=8,
    last_value=None,
    deadline_month=None,
    baseline=None,
    plan_share=None,
    n_months=12,
):
    """A Forecast made by hand: paths linear from the last report to the given deadline values."""
    deadline_values = np.asarray(deadline_values, dtype=float)
    n_draws, n = deadline_values.shape
    kind = np.array(kind or ["cumulative"] * n, dtype=object)
    dl = np.array(deadline_month or [12] * n)
    last = np.array(last_value if last_value is not None else [0.5 * t for t in target], dtype=float)
    t = np.full(n, last_month)
    paths = np.empty((n_draws, n, n_months))
    for s in range(n):
        for m in range(n_months):
            if m + 1 <= t[s]:
                paths[:, s, m] = last[s] * (m + 1) / t[s]
            else:
                frac = min((m + 1 - t[s]) / max(dl[s] - t[s], 1), 1.0)
                paths[:, s, m] = last[s] + frac * (deadline_values[:, s] - last[s])
    coords = {
        "series": np.arange(n),
        "indicator": ("series", np.array(indicator, dtype=object)),
        "region": ("series", np.array(region, dtype=object)),
        "month": MONTHS,
    }
    names = np.array([f"name {i}" for i in indicator], dtype=object)
    state = xr.Dataset(
        {
            "kind": ("series", kind),
            "target": ("series", np.asarray(target, float)),
            "comparator": ("series", np.array([">="] * n, dtype=object)),
            "deadline_month": ("series", dl),
            "last_month": ("series", t),
            "last_value": ("series", last),
            "baseline": ("series", np.array(baseline if baseline is not None else [np.nan] * n, dtype=float)),
            "upper_bound": ("series", np.full(n, np.nan)),
            "unit": ("series", np.array(["units"] * n, dtype=object)),
            "name_zh": ("series", np.array([f"指标{i}" for i in indicator], dtype=object)),
            "name_en": ("series", names),
            "deadline": ("series", pd.to_datetime([f"2024-{d:02d}-28" for d in dl]).values),
        },
        coords=coords,
        attrs={"year": 2024, "as_of": f"2024-{last_month:02d}"},
    )
    p_met = (deadline_values >= np.asarray(target)).mean(axis=0)
    summary = xr.Dataset(
        {
            "p_met": ("series", p_met),
            "run_rate": ("series", last / last_month),
            "reason": ("series", np.array([""] * n, dtype=object)),
            "name_zh": state["name_zh"],
            "name_en": state["name_en"],
        },
        coords=coords,
        attrs={"as_of": state.attrs["as_of"], "model": "hand-made", "n_draws": n_draws},
    )
    draws = xr.Dataset(coords={"series": np.arange(n)})
    if plan_share is not None:
        draws["plan_share"] = (("series", "month"), np.asarray(plan_share, dtype=float))
    table = pd.DataFrame({"indicator": indicator, "region": region, "item": item})
    catalog = SimpleNamespace(
        table=table,
        regions=pd.DataFrame({"region": ["a", "b"], "name_zh": ["甲市", "乙市"], "name_en": ["A", "B"]}),
    )
    paths_da = xr.DataArray(
        paths, dims=("draw", "series", "month"), coords={"draw": np.arange(n_draws), **coords}
    )
    return lf.Forecast(summary=summary, paths=paths_da, draws=draws, state=state, catalog=catalog)


@pytest.fixture(scope="module")
def small():
    cat = lf.load_catalog(2024).subset(["09a", "15a", "17b", "06b"])
    progress = synthetic_progress(cat, seed=3)
    return lf.forecast(progress, cat, n_draws=400, seed=5), progress


# --------------------------------------------------------------------------- portfolio
def test_portfolio_matches_brute_force_recount():
    rng = np.random.default_rng(0)
    indicator = ["a1", "a2", "b1", "c1", "c2", "c3", "a1"]
    region = ["province"] * 6 + ["a"]
    item = [1, 1, 2, 3, 3, 3, 1]
    target = np.array([10.0, 20, 5, 1, 2, 3, 4])
    values = target * rng.uniform(0.8, 1.3, size=(500, 7))
    values[:, 6] = 0.0  # a prefecture row that always fails must not count
    f = tiny_forecast(values, target=target, indicator=indicator, region=region, item=item)
    result = planning.portfolio(f)

    met = values[:, :6] >= target[:6]
    members = {1: [0, 1], 2: [2], 3: [3, 4, 5]}

    def count(m):
        return np.array([sum(all(m[d, j] for j in js) for js in members.values()) for d in range(len(m))])

    k = count(met)
    np.testing.assert_allclose(result["pmf"].values, np.bincount(k, minlength=4) / 500)
    assert float(result["p_all_met"]) == pytest.approx(np.mean(k == 3))
    assert float(result["expected_n_met"]) == pytest.approx(k.mean())
    np.testing.assert_allclose(
        result["p_item_met"].values, [met[:, js].all(axis=1).mean() for js in members.values()]
    )
    for j, ind in enumerate(indicator[:6]):
        forced = met.copy()
        forced[:, j] = True
        assert float(result["gain_if_certain"].sel(indicator=ind)) == pytest.approx(
            count(forced).mean() - k.mean()
        )
    np.testing.assert_allclose(result["p_at_least"].values, [np.mean(k >= i) for i in range(4)])
    assert result.attrs["n_items"] == 3
    assert list(result["item_indicators"].values) == ["a1;a2", "b1", "c1;c2;c3"]
    assert int(result["risk_rank"].values.min()) == 1


def test_portfolio_on_real_forecast_agrees_with_summary(small):
    f, _ = small
    result = planning.portfolio(f)
    province = (f.summary["region"].values == "province") & (f.summary["reason"].values == "")
    np.testing.assert_allclose(result["p_met"].values, f.summary["p_met"].values[province])
    assert result["pmf"].sum() == pytest.approx(1.0)
    assert result.attrs["n_items"] == 4  # items 9, 15, 17, 6
    assert "created_at" in result.attrs and result.attrs["model"] == "SeasonalShareModel"


# --------------------------------------------------------------------------- required pace
def test_required_pace_half_is_median_rate_and_meets_prob():
    rng = np.random.default_rng(1)
    target, last = 100.0, 60.0
    values = last + rng.normal(42.0, 4.0, size=(4000, 1))  # remaining ~ N(42, 4²), near symmetric
    f = tiny_forecast(
        values, target=[target], indicator=["x"], region=["province"], item=[1], last_value=[last]
    )
    half = planning.required_pace(f, prob=0.5)
    months_left = 4
    assert float(half["months_left"][0]) == months_left
    assert float(half["plain_rate"][0]) == pytest.approx((target - last) / months_left)
    assert float(half["required_pace"][0]) == pytest.approx((target - last) / months_left, rel=0.01)
    remaining = values[:, 0] - last
    for prob in (0.5, 0.8, 0.95):
        c = float(planning.required_pace(f, prob=prob)["multiplier"][0])
        assert np.mean(c * remaining >= target - last) == pytest.approx(prob, abs=0.002)
    high = planning.required_pace(f, prob=0.9)
    assert float(high["required_pace"][0]) > float(half["required_pace"][0])
    assert high.attrs["prob"] == 0.9
    with pytest.raises(ValueError, match="'prob' parameter of required_pace must be a float in the range"):
        planning.required_pace(f, prob=1.0)


def test_required_pace_already_met_and_real_forecast(small):
    f, _ = small
    pace = planning.required_pace(f)
    kind = pace["kind"].values
    counts = kind == "cumulative"
    assert np.isfinite(pace["required_pace"].values[counts]).all()
    assert np.all(pace["note"].values[kind == "annual_mean"] != "")
    met = np.isfinite(pace["need"].values) & (pace["need"].values <= 0)
    assert np.all(pace["required_pace"].values[met] == 0)


def test_required_pace_verdict_cannot_contradict_p_met(small):
    """09a showed required/recent 0.99x beside P(met) 16 % (issue 16): the multiplier is the verdict."""
    f, _ = small
    n = f.state.sizes["series"]
    p = f.summary["p_met"].values
    for prob in (0.5, 0.8):
        pace = planning.required_pace(f, prob=prob)
        c = pace["multiplier"].values
        ok = np.isfinite(c) & (pace["need"].values > 0) & (np.abs(p - prob) > 2 / f.paths.sizes["draw"])
        assert ok.sum() > 20
        np.testing.assert_array_equal(c[ok] > 1, p[ok] < prob)
        expected = pace["expected_rate"].values
        np.testing.assert_allclose(pace["required_pace"].values[ok], c[ok] * expected[ok])
    months = pace["run_rate_months"].values
    assert months.shape == (n,) and all(m == "" or len(m) in (7, 15) for m in months)


# --------------------------------------------------------------------------- next year
def _one_series_proposals(values, finals):
    """next_year_targets of one province series: this year's value at the deadline ``values`` (draw, 1),
    the earlier years' months rising evenly to ``finals`` ({year: final}), 2024 reported to August."""
    f = tiny_forecast(values, target=[100.0], indicator=["x"], region=["province"], item=[1])
    months = pd.date_range("2021-01-01", "2024-08-01", freq="MS")
    series = np.array(
        [finals.get(m.year, np.nan) * m.month / 12 if m.year < 2024 else 5.0 * m.month for m in months]
    )
    progress = xr.Dataset(
        {"value": (("indicator", "region", "month"), series[None, None, :])},
        coords={"indicator": ["x"], "region": ["province"], "month": months},
    )
    return planning.next_year_targets(f, progress), f


def test_next_year_known_trend():
    """Finals growing exactly 10 % a year, and this year expected 10 % above last year's final: three
    ratios (this year's expected outcome against last year's final is the latest); the conjugate
    Student-t predictive, by hand.

    Prior (0, 0.1) worth 1 ratio for the mean, 4 for the spread: location 3 m / 4 with m = log 1.1,
    variance (4 * 0.01 + 3 m^2 / 4) / 6, scale its root times sqrt(1 + 1/4), 6 degrees of freedom.
    """
    values = np.full((2000, 1), 133.1) + np.random.default_rng(2).normal(0, 1, (2000, 1))
    result, f = _one_series_proposals(values, {2021: 100.0, 2022: 110.0, 2023: 121.0})
    assert int(result["n_finals"][0]) == 3
    assert str(result["growth_basis"].values[0]) == "trend"
    assert (int(result["first_final"][0]), int(result["last_final"][0])) == (2021, 2023)
    assert "this year's expected outcome against last year's final is the latest ratio" in str(
        result["method"].values[0]
    )
    m = np.log(1.1)
    assert float(result["growth_log_mean"][0]) == pytest.approx(3 * m / 4, rel=1e-3)
    scale = np.sqrt((4 * 0.01 + 3 * m**2 / 4) / 6 * (1 + 1 / 4))
    assert float(result["growth_log_sd"][0]) == pytest.approx(scale, rel=1e-3)
    assert float(result["growth_dof"][0]) == pytest.approx(6)
    at = result["target_next"].isel(series=0)
    assert float(at.sel(prob=0.5)) == pytest.approx(np.median(values) * np.exp(3 * m / 4), rel=0.005)
    # three ratios of three years: the law is the Student-t with weight 4/7 and, with 3/7, the ratios'
    # own kernel density (all at the location, the narrowest bandwidth 0.01); far below the location
    # the kernels add nothing, so the 10 % quantile is the t's at 0.1 / (4/7); the 90 % value is the
    # capacity (sd 1 in 133) times that growth, to about 1 %
    assert float(result["growth_shape_weight"][0]) == pytest.approx(3 / 7)
    t90 = float(special.stdtrit(6, 0.1 * 7 / 4))
    assert float(at.sel(prob=0.9)) == pytest.approx(133.1 * np.exp(3 * m / 4 + scale * t90), rel=0.01)
    assert np.all(np.diff(at.values) <= 0)  # surer targets are lower
    default = planning.next_year_targets(f)  # no history: default growth, its mean unknown too
    assert float(default["growth_log_sd"][0]) == pytest.approx(planning.DEFAULT_GROWTH[1] * np.sqrt(2))
    assert float(default["growth_dof"][0]) == 4
    assert "default growth" in str(default["method"].values[0])
    assert str(default["growth_basis"].values[0]) == "default" and int(default["first_final"][0]) == 0


def test_growth_law_student_t_alone_is_exact():
    """Without residuals the law is the Student-t: its table is stdtrit at Φ(score), to rounding."""
    law = _next_year.GrowthLaw(0.03, 0.12, 6.0)
    scores = _next_year.GROWTH_SCORES
    np.testing.assert_allclose(law.quantiles(), 0.03 + 0.12 * special.stdtrit(6.0, special.ndtr(scores)))
    np.testing.assert_allclose(law.cdf(law.quantiles(scores[100:140])), special.ndtr(scores[100:140]))


@pytest.mark.parametrize(
    ("finals", "basis", "loc"),
    [({2023: 100.0}, "trend_default_spread", 0.5), ({2022: 100.0}, "default", 0.0)],
)
def test_this_years_expected_outcome_is_the_latest_ratio(finals, basis, loc):
    """One earlier final, last year's, and this year expected 10 % above it: one ratio, log 1.1, whose
    mean weighs as much as the prior's (location m / 2). The first years of a record took the
    default growth alone, and a growing world's proposals were met far more often than stated.
    Without last year's final (a gap) there is no ratio: the default."""
    values = np.full((2000, 1), 110.0) + np.random.default_rng(5).normal(0, 0.5, (2000, 1))
    result, _ = _one_series_proposals(values, finals)
    assert int(result["n_finals"][0]) == 1 and str(result["growth_basis"].values[0]) == basis
    assert float(result["growth_log_mean"][0]) == pytest.approx(loc * np.log(1.1), abs=2e-3)
    latest = "this year's expected outcome against last year's final is the latest ratio"
    assert (latest in str(result["method"].values[0])) == (basis != "default")


def test_growth_law_mixture_inverts_its_cdf_and_keeps_the_ratios_shape():
    """Ratios mostly +5 % with a few late starts at −50 %: a lower tail, not a wider middle.

    The mixture's quantiles solve cdf(x) = Φ(z) (to 1e-9); its 20 % quantile (the 80 %
    proposal's growth) is above the normal law of the same spread's, its 1 % quantile below.
    """
    ratios = np.r_[np.full(45, 0.05), np.full(5, -0.5)] + np.random.default_rng(3).normal(0, 0.02, 50)
    law, basis, words = _next_year._growth(
        {}, {f"r{k}": {2019 + k % 5: r} for k, r in enumerate(ratios)}, 0.0, 0.1
    )
    assert 0 < law.weight < 0.2 and law.residuals.size == 50
    assert "own shape" in words and basis == "trend_default_spread"
    z = np.array([-2.326, -0.842, 0.0, 0.842])
    q = law.quantiles(z)
    np.testing.assert_allclose(law.cdf(q), special.ndtr(z), atol=1e-9)
    normal = law.loc + law.scale * special.ndtri(special.ndtr(z))
    assert q[1] > normal[1] + 0.05  # the 80 % proposal's growth: the body is narrow
    assert q[0] < normal[0]  # the 1 % tail: the late starts
    assert np.all(np.diff(law.quantiles()) >= 0)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"scale": -0.1}, "scale"),
        ({"scale": 0.0}, "scale"),
        ({"dof": 0.0}, "dof"),
        ({"loc": np.nan}, "loc"),
        ({"weight": 1.5, "residuals": [0.1, -0.1, 0.0], "bandwidth": 0.05}, "weight"),
        ({"weight": 0.5}, "weight"),  # a mixture without residuals
        ({"weight": 0.5, "residuals": [0.1, np.nan, 0.0], "bandwidth": 0.05}, "residuals"),
        ({"weight": 0.5, "residuals": [0.1, -0.1, 0.0], "bandwidth": -0.05}, "residuals"),
    ],
)
def test_growth_law_refuses_bad_parameters(kwargs, name):
    args = {"loc": 0.0, "scale": 0.1, "dof": 5.0, **kwargs}
    with pytest.raises(ValueError, match=f"'{name}' parameter of GrowthLaw"):
        _next_year.GrowthLaw(**args)


def test_growth_law_extreme_scores_are_its_ends():
    """Scores past ±37 (where Φ rounds to 0 or 1) read the law's ends: finite and in order."""
    mixed = _next_year.GrowthLaw(0.0, 0.1, 5.0, 0.5, [0.1, -0.1, 0.0], 0.05)
    for law in (_next_year.GrowthLaw(0.0, 0.1, 5.0), mixed):
        q = law.quantiles(np.array([-np.inf, -40.0, -9.0, 0.0, 9.0, 40.0, np.inf]))
        assert np.isfinite(q).all() and np.all(np.diff(q) >= 0), q


def test_one_years_ratios_are_no_shape():
    """Thirteen prefectures' ratios of a single year: a cross-section, the Student-t alone."""
    pool = {f"r{k}": {2023: 0.05 + 0.01 * k} for k in range(13)}
    law, _, words = _next_year._growth({}, pool, 0.0, 0.1)
    assert law.weight == 1.0 and law.residuals.size == 0 and "own shape" not in words


class _PrefectureHistory:
    """A stand-in for next year's history: given prefecture ratios and latest finals."""

    def __init__(self, ratios, latest):
        self.ratios, self.latest = ratios, latest

    def prefecture_ratios(self, family, ind, kind, year, dl):
        return self.ratios

    def region_finals(self, family, ind, region, kind, year, dl):
        return {2023: self.latest[region]}


def test_a_province_totals_default_spread_is_its_prefectures_shared_part_and_a_share_of_the_rest():
    """Four prefectures, ratios = a year effect + their own: sd0 √(ρ + (1 − ρ)/m_eff), by hand."""
    from longjiang_forecast._core.clusters import year_icc

    rng = np.random.default_rng(4)
    years = [2021, 2022, 2023]
    common = {y: rng.normal(0.05, 0.05) for y in years}
    ratios = {f"p{k}": {y: common[y] + rng.normal(0, 0.1) for y in years} for k in range(4)}
    values = np.array([v for r in ratios.values() for v in r.values()])
    groups = np.array([y for r in ratios.values() for y in r])
    rho = year_icc(values, groups)
    equal, one_big = {f"p{k}": 10.0 for k in range(4)}, {"p0": 70.0, "p1": 10.0, "p2": 10.0, "p3": 10.0}
    for latest, m_eff in ((equal, 4.0), (one_big, 1 / 0.52)):
        history = _PrefectureHistory(ratios, latest)
        for sd0 in (0.1, 0.3):  # the user's one-series spread, scaled: never ignored
            spread, words = _next_year._total_spread(history, {}, "x", "cumulative", 2024, 12, sd0)
            assert spread == pytest.approx(sd0 * np.sqrt(rho + (1 - rho) / m_eff))
            assert spread < sd0 and f"a total of {m_eff:.1f} prefectures of equal size" in words
            assert "(from 4 prefectures' ratios)" in words
    one_year = {f"p{k}": {2023: 0.05 * k} for k in range(4)}
    assert _next_year._total_spread(
        _PrefectureHistory(one_year, equal), {}, "x", "cumulative", 2024, 12, 0.1
    ) == (
        0.1,
        "",
    )


def test_next_year_real_forecast_ordered(small):
    f, progress = small
    result = planning.next_year_targets(f, progress, probs=(0.5, 0.7, 0.8, 0.9))
    ge = (result["comparator"].values == ">=") & np.isfinite(result["target_next"].values).all(axis=1)
    assert ge.sum() > 10
    at = result["target_next"].values[ge]
    assert np.all(at[:, -1] <= at[:, 0])  # 90 % <= 50 %
    le = result["comparator"].values == "<="  # PM2.5: a ceiling, surer means higher
    assert np.all(result["target_next"].values[le][:, -1] >= result["target_next"].values[le][:, 0])
    with pytest.raises(ValueError, match="'probs' parameter of next_year_targets"):
        planning.next_year_targets(f, progress, probs=(0.5, 1.2))


# --------------------------------------------------------------------------- SPI(t)
def _plan_forecast(last_values, plan_share=None, last_month=6):
    n = len(last_values)
    values = np.full((10, n), 120.0)
    return tiny_forecast(
        values,
        target=[120.0] * n,
        indicator=[f"i{k}" for k in range(n)],
        region=["a"] * n,
        item=list(range(n)),
        last_month=last_month,
        last_value=last_values,
        plan_share=plan_share,
    )


def test_spi_flat_plan_on_behind_ahead():
    f = _plan_forecast([60.0, 45.0, 75.0])  # the flat plan is 60 after 6 of 12 months
    sched = planning.schedule_performance(f, plan="flat")
    np.testing.assert_allclose(sched["spi_t"].values, [1.0, 4.5 / 6, 7.5 / 6])
    np.testing.assert_allclose(sched["earned_schedule"].values, [6.0, 4.5, 7.5])
    assert sched.attrs["plan"] == "flat line"


def test_spi_model_share_with_a_pause_is_one_on_plan():
    share = np.array([0, 0, 0, 0.2, 0.4, 0.4, 0.4, 0.6, 0.8, 1, 1, 1])  # months 1..12, pauses
    f = _plan_forecast([0.4 * 120, 0.2 * 120, 0.7 * 120], plan_share=np.tile(share, (3, 1)))
    sched = planning.schedule_performance(f)  # default: the draws' plan_share
    assert sched.attrs["plan"] == "model share curve"
    assert float(sched["spi_t"][0]) == pytest.approx(1.0)  # on plan inside the May-July pause
    assert float(sched["spi_t"][1]) == pytest.approx(4 / 6)  # 20 % done: planned by April
    assert float(sched["spi_t"][2]) == pytest.approx(8.5 / 6)  # 70 %: planned halfway through September


def test_earned_schedule_kernel_strict_plan_is_lipke():
    pv = np.array([[0, 1, 2, 4, 8, 9, 10.0]])
    for ev, es in [(4.0, 3.0), (6.0, 3.5), (0.0, 0.0), (10.0, 6.0), (12.0, 6.0)]:
        out = _kernels.earned_schedule(pv, np.array([ev]), np.array([3.0]), np.array([6]))
        assert out[0] == pytest.approx(es)


def test_prefecture_ranking(small):
    f, _ = small
    ranking = planning.prefecture_ranking(f, plan="flat")
    assert len(ranking) == 13
    assert list(ranking["rank"]) == list(range(1, 14))
    assert ranking["spi_t"].is_monotonic_decreasing
    assert set(ranking.columns) >= {"region", "name_zh", "spi_t", "n_indicators", "worst_indicator"}
    assert "哈尔滨市" in set(ranking["name_zh"])
    assert ranking.attrs["plan"] == "flat line"


def test_plan_bundle(small):
    f, progress = small
    answers = planning.plan(f, progress, pace_prob=0.7)
    assert answers.pace.attrs["prob"] == 0.7
    assert answers.ranking is not None
    assert isinstance(answers.portfolio, xr.Dataset)


def test_a_level_below_the_baseline_its_plan_starts_from_has_no_spi():
    """A prefecture given the province's baseline (90 %) reporting 88 %: SPI(t) would be 0 whatever it did."""
    n = 3
    f = tiny_forecast(np.full((10, n), 93.0), target=[92.0] * n, indicator=["Y4"] * n,
                      region=["a", "b", "c"], item=[1] * n, kind=["level"] * n, last_value=[88.0, 91.0, 90.0],
                      baseline=[90.0] * n)  # fmt: skip
    sched = planning.schedule_performance(f, plan="flat")
    spi = sched["spi_t"].values
    assert np.isnan(spi[0]) and sched["note"].values[0] == planning._schedule.BELOW_BASELINE
    assert spi[1] > 0 and sched["note"].values[1] == ""  # above the baseline: measured
    assert spi[2] == 0.0 and sched["note"].values[2] == ""  # at the baseline: nothing earned, a real 0
    ranking = planning.prefecture_ranking(f, schedule=sched)
    assert set(ranking["region"]) == {"b", "c"}


def test_a_prefecture_asked_for_nothing_has_no_pace_and_is_no_target_of_its_list():
    """03a's 3 cities go to Harbin, Qiqihar and Suihua: the ten others' rows ('no share', a target of 0)
    read 'target already met' in the bulletin's pace table and counted among the prefectures' own
    targets ('Jixi 15.8 of 26 expected missed' with three such rows)."""
    catalog = lf.load_catalog(2024).subset(["03a", "09a"])
    result = lf.forecast(synthetic_progress(catalog, seed=2024), catalog, n_draws=200, seed=1)
    status = pd.Series(result.summary["status"].values, index=result.summary["region"].values + "/"
                       + result.summary["indicator"].values)  # fmt: skip
    assert status["jixi/03a"] == "no share" and status["jixi/09a"] != "no share"
    pace = planning.required_pace(result).to_dataframe().set_index(["indicator", "region"])
    assert np.isnan(pace.loc[("03a", "jixi"), "required_pace"])
    assert pace.loc[("03a", "jixi"), "note"] == "no share: target 0"
    assert pace.loc[("03a", "harbin"), "note"] != "no share: target 0"
    drivers = planning.risk_drivers(result, scope="prefectures")
    pairs = set(zip(drivers["indicator"].values, drivers["region"].values, strict=True))
    assert ("09a", "jixi") in pairs and ("03a", "harbin") in pairs and ("03a", "jixi") not in pairs
    assert len(pairs) == 13 + 3
