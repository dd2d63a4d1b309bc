"""The default model's prefectures move together (joint draws); one answer whatever the catalogue layout."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast._core.clusters import effective_n, year_icc
from longjiang_forecast.catalog import Catalog
from longjiang_forecast.models import SeasonalShareModel
from longjiang_forecast.testing.families import synthetic_families

REGIONS = ["harbin", "qiqihar", "mudanjiang", "jiamusi", "daqing", "suihua"]


def _shared_shocks():
    """Families whose prefectures share each year's shock: the family's year effect added to all."""
    fam = synthetic_families(seed=5, years=range(2017, 2025), regions=REGIONS, year_sd=0.02)
    rng = np.random.default_rng(17)
    values = fam.progress["value"].values.copy()
    months = pd.DatetimeIndex(fam.progress["month"].values)
    for i, ind in enumerate(fam.progress["indicator"].values):
        year = int(str(ind).rsplit("_", 1)[1])
        cols = np.flatnonzero(months.year == year)
        values[i][:, cols] *= np.exp(rng.normal(0.0, 0.2))  # one shock for every prefecture
    progress = fam.progress.copy()
    progress["value"].values[:] = values
    return fam.catalog, progress


@pytest.fixture(scope="module")
def shared_years():
    catalog, progress = _shared_shocks()
    return catalog, progress.sel(month=slice(None, "2024-03"))


def test_year_icc_finds_shared_years_and_independent_ones():
    rng = np.random.default_rng(0)
    years = np.repeat(np.arange(8), 13)
    shared = np.repeat(rng.normal(0, 1, 8), 13) + rng.normal(0, 0.3, years.size)
    alone = rng.normal(0, 1, years.size)
    assert year_icc(shared, years) > 0.7
    assert year_icc(alone, years) < 0.15
    # 8 years of 13 prefectures that move together weigh as about 8 points, not 104
    assert 8 <= effective_n(shared, years) < 12
    assert effective_n(alone, years) > 40  # the prior correlation counts as one year of eight


def test_draws_of_a_family_share_the_years_shock(shared_years):
    catalog, progress = shared_years
    model = SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-03")
    family = model.family_ == "SYN_OUTDOOR"
    assert family.sum() == len(REGIONS)
    assert np.all(model.year_corr_[family] > 0.3)
    joint = model.sample_parameters(4000, seed=1)["annual_total"].values[:, family]
    model.year_corr_[:] = 0.0
    alone = model.sample_parameters(4000, seed=1)["annual_total"].values[:, family]
    # each prefecture's law is the same (only the pairing of draws changes) ...
    for j in range(family.sum()):
        np.testing.assert_allclose(
            np.quantile(joint[:, j], [0.1, 0.5, 0.9]), np.quantile(alone[:, j], [0.1, 0.5, 0.9]), rtol=0.03
        )
    # ... while the province's sum is wider when the prefectures share the year
    ratio = np.subtract(*np.quantile(joint.sum(axis=1), [0.9, 0.1])) / np.subtract(
        *np.quantile(alone.sum(axis=1), [0.9, 0.1])
    )
    assert ratio > 1.3
    corr = np.corrcoef(np.log(joint.T))
    assert corr[np.triu_indices(family.sum(), 1)].mean() > 0.25


def test_parameter_draws_do_not_depend_on_the_threads(shared_years, monkeypatch: pytest.MonkeyPatch):
    """Series drawn in blocks of 1 on 8 threads, or all in one block on one: the same draws, bit for bit."""
    from longjiang_forecast.models import seasonal_share

    catalog, progress = shared_years
    model = SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-03")
    draws = {}
    for block, threads in ((1, 8), (10_000, 1)):
        monkeypatch.setattr(seasonal_share, "_DRAW_SERIES_BLOCK", block)
        monkeypatch.setattr(seasonal_share, "_FIT_THREADS", threads)
        monkeypatch.setattr(seasonal_share.os, "cpu_count", lambda: 8)
        draws[block] = model.sample_parameters(500, seed=7)
    assert (draws[1]["dynamics"].values == "dirichlet").sum() > 10  # the family shocks and the totals drawn
    for name in ("annual_total", "gamma_scale", "gamma_shape", "hazard", "year_effect", "basis"):
        np.testing.assert_array_equal(draws[1][name].values, draws[10_000][name].values, err_msg=name)


def _province_only(catalog: Catalog, indicator: str) -> Catalog:
    """The same catalogue with the prefecture rows of ``indicator`` replaced by one provincial row."""
    table = catalog.table
    rows = table[table["indicator"] == indicator]
    province = rows.iloc[[0]].copy()
    province["region"] = "province"
    pop = catalog.regions.set_index("region")["population_2020"].astype(float)
    # the provincial target whose population split gives each prefecture its explicit target
    province["target"] = float(rows["target"].sum() * pop.sum() / pop[rows["region"]].sum())
    kept = table[table["indicator"] != indicator]
    return Catalog(
        year=catalog.year,
        table=pd.concat([kept, province], ignore_index=True),
        regions=catalog.regions,
        source=catalog.source,
    )


def test_one_answer_whatever_the_catalogue_layout():
    """A provincial row split over the prefectures and explicit prefecture rows: the same forecasts."""
    fam = synthetic_families(seed=3, years=range(2019, 2025), regions=REGIONS)
    progress = fam.progress.sel(month=slice(None, "2024-07"))
    explicit = fam.catalog
    split = _province_only(explicit, "SYN_RUSH_2024")
    a = lf.forecast(progress, explicit, as_of="2024-07", n_draws=2000, seed=4)
    b = lf.forecast(progress, split, as_of="2024-07", n_draws=2000, seed=4)
    for region in REGIONS:
        pick = [
            np.flatnonzero(
                (r.state["indicator"].values == "SYN_RUSH_2024") & (r.state["region"].values == region)
            )[0]
            for r in (a, b)
        ]
        # the same reference class and the same draws of the year's total, series by series
        assert str(a.draws["basis"].values[pick[0]]) == str(b.draws["basis"].values[pick[1]])
        np.testing.assert_allclose(
            a.draws["annual_total"].values[:, pick[0]], b.draws["annual_total"].values[:, pick[1]], rtol=1e-12
        )
        # the simulator's month-to-month noise follows the series' position: Monte Carlo only
        pa, pb = (float(r.summary["p_met"].values[i]) for r, i in zip((a, b), pick, strict=True))
        assert abs(pa - pb) <= 0.02


def test_a_late_start_beyond_the_record_is_not_a_certain_miss():
    """Nothing done by May in a family whose record holds no late start: not P(met) = 0."""
    from longjiang_forecast.testing.families import DEFAULT_FAMILIES

    steady = tuple(dataclasses.replace(f, shock_prob=0.0) for f in DEFAULT_FAMILIES[:1])
    fam = synthetic_families(seed=8, years=range(2018, 2025), regions=REGIONS, families=steady)
    progress = fam.progress.sel(month=slice(None, "2024-05")).copy(deep=True)
    late = {"indicator": "SYN_OUTDOOR_2024", "region": "harbin"}
    progress["value"].loc[late] = progress["value"].loc[late].where(progress["month"].dt.year < 2024, 0.0)
    result = lf.forecast(progress, fam.catalog, as_of="2024-05", n_draws=4000, seed=2)
    table = result.table().set_index(["indicator", "region"])
    row = table.loc[("SYN_OUTDOOR_2024", "harbin")]
    normal = table.loc[("SYN_OUTDOOR_2024", "daqing")]
    assert row["p_met"] > 0  # not a certain miss ...
    assert "late start" in row["basis"]
    assert "late start" not in normal["basis"]
    # ... but the months lost are lost: at best (a start in June) the year delivers what
    # June-December delivered before, (1 - F(May)) = 78 % of an earlier year's total (those
    # ended at 0.96 of their plans); a later start delivers less
    share_left = 1 - sum(steady[0].weights[:5]) / sum(steady[0].weights)
    assert row["q90"] / row["target"] == pytest.approx(share_left * 0.96, rel=0.1)
    assert row["q10"] < 0.5 * row["q90"]


def test_a_stopped_season_mixes_its_prior_below_the_posterior():
    """The stopped-season component: a known answer on a posterior that is a point mass."""
    from longjiang_forecast.models.seasonal_share import _defensive_prior, _with_stop

    done, total, prior = 600.0, 1000.0, _defensive_prior(39)
    assert prior == pytest.approx(0.0125)
    values = np.linspace(done, 2 * total, 2001)
    cdf = (values >= total).astype(float)  # every posterior total is 1,000
    mixed = _with_stop(np.log(values), cdf, done, prior)
    at = np.interp([done, 700.0, 800.0, 999.0, 1001.0, 2 * total], values, mixed)
    # the months left deliver v ~ U(0, 1) of the 400 still expected: P(total <= 700) = 0.25 prior
    expected = [0.0, 0.25 * prior, 0.5 * prior, 0.9975 * prior, 1.0, 1.0]
    np.testing.assert_allclose(at, expected, atol=1e-3 * prior)
    assert np.all(np.diff(mixed) >= 0)


@pytest.mark.filterwarnings("ignore:Province rows forecast from their prefectures")
def test_a_record_without_a_stopped_season_does_not_give_certainty():
    """Outdoor family, September 2019, three earlier years that all finished October: not P(met) = 1.

    On the second generator's development seed 21 two prefectures got P(met) 1.000 where the
    exact probability was 0.94 and 0.84 (an early winter; one of them missed).
    """
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=21, years=range(2016, 2020))
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp("2019-09"))
    result = lf.forecast(progress, catalog, as_of="2019-09", n_draws=4000, seed=2)
    table = result.table().set_index(["indicator", "region"])
    oracle = world.oracle("2019-09").set_index(["indicator", "region"])
    for region in ("mudanjiang", "daxinganling"):
        key = ("PRV_OUTDOOR_2019", region)
        assert oracle.loc[key, "p_true"] < 0.95
        assert 0.98 < table.loc[key, "p_met"] < 1.0


@pytest.mark.filterwarnings("ignore:Province rows forecast from their prefectures")
@pytest.mark.parametrize(
    ("as_of", "family", "mean_gap"),
    [("2021-03", "PRV_QUARTERLY_2021", 0.24), ("2019-05", "PRV_OUTDOOR_2019", 0.07)],
)
def test_a_province_wide_late_start_is_not_read_as_a_lost_year(as_of, family, mean_gap):
    """Every prefecture behind its record at once: a late start they share, not P(met) = 0.

    Second generator, development seed 27: province-wide late starts (``truth.province_late_start``).
    The nowcast read the other prefectures' slow pace as a year 0.80x and 0.48x the record and gave
    P(met) exactly 0 to 5 and 2 prefectures whose exact probability was above 0.05 (mean
    |p - p_oracle| 0.22 and 0.085); the late-start weight is now shared within the family and the
    reports' timing noise that the prefectures share is not averaged away (the late-start regime
    still makes up none of the months lost, where this generator makes up nearly all: the
    remaining distance to the oracle). The path shape as a fraction (twelfth session; better on
    every development seed's Brier gap, coverage and exact 0/1) moved this world's March
    forecasts down (mean |p - p_oracle| 0.197 -> 0.230, the province row 0.022 -> 0.003 where
    the oracle says 0.16; design note 006): not exactly 0, but that cost is the work left.
    """
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=27, years=range(2016, 2025))
    assert world.truth["province_late_start"].sel(indicator=family).values.all()
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp(as_of))
    table = lf.forecast(progress, catalog, as_of=as_of, n_draws=2000, seed=5).table()
    p = table[table["indicator"] == family].set_index("region")["p_met"]
    oracle = world.oracle(as_of).set_index(["indicator", "region"]).loc[family, "p_true"]
    p, oracle = p.align(oracle, join="inner")
    assert len(p) == 14  # 13 prefectures and the province
    assert not ((p == 0) & (oracle > 0.05)).any()
    assert p[oracle > 0.15].min() > 0
    assert (p - oracle).abs().mean() < mean_gap


def test_late_starts_of_the_second_generator_are_near_their_oracle():
    """Prefecture-years of a late start in the province generator: P(met) near the exact oracle's."""
    from longjiang_forecast.testing import synthetic_province

    prov = synthetic_province(seed=4, years=range(2017, 2025))
    truth = prov.truth
    late = truth["late_start"].values == 1
    years = sorted({int(str(i).rsplit("_", 1)[1]) for i in truth["indicator"].values[late.any(axis=1)]})
    year = max(y for y in years if y >= 2020)
    bt = lf.backtest(prov, "seasonal_share", as_of=[f"{year}-05"], n_draws=2000, seed=3)
    ds = bt.forecasts
    oracle = prov.oracle(f"{year}-05").set_index(["indicator", "region"])
    pairs = list(zip(ds["indicator"].values, ds["region"].values, strict=True))
    is_late = np.array([bool(truth["late_start"].sel(indicator=i, region=r)) for i, r in pairs])
    assert is_late.sum() >= 3
    p = ds["p_met"].values[is_late]
    p_true = oracle.loc[[pairs[k] for k in np.flatnonzero(is_late)], "p_true"].to_numpy()
    assert np.mean(np.abs(p - p_true)) < 0.2
    assert not np.any(((p == 0) | (p == 1)) & (p_true > 0.02) & (p_true < 0.98))


def test_the_other_prefectures_pace_moves_a_prefectures_forecast():
    """This year's province-wide effect is read from the other prefectures (the nowcast of the year effect).

    Harbin's own reports are the same in both cases; the other five prefectures are 30 % behind or
    40 % ahead of what they reported. Their pace must move Harbin's year's total the same way, with the
    reading named in its basis.
    """
    catalog, progress = _shared_shocks()
    progress = progress.sel(month=slice(None, "2024-06"))
    this_year = pd.DatetimeIndex(progress["month"].values).year == 2024

    def harbin(factor):
        scaled = progress.copy(deep=True)
        others = [r for r in REGIONS if r != "harbin"]
        block = scaled["value"].loc[{"indicator": "SYN_OUTDOOR_2024", "region": others}]
        scaled["value"].loc[{"indicator": "SYN_OUTDOOR_2024", "region": others}] = block.where(
            ~this_year, block * factor
        )
        model = SeasonalShareModel().fit(scaled, catalog=catalog, as_of="2024-06")
        s = int(
            np.flatnonzero((model.family_ == "SYN_OUTDOOR") & (model.state_["region"].values == "harbin"))[0]
        )
        annual = model.sample_parameters(2000, seed=1)["annual_total"].values[:, s]
        return float(np.median(annual)), str(model.basis_[s])

    (behind, basis), (ahead, _) = harbin(0.7), harbin(1.4)
    assert ahead > 1.03 * behind  # 1.048 measured; exactly 1 without the nowcast
    assert "province-wide effect read from 5 other prefecture(s)' reports" in basis


def test_adaptive_widths_widen_the_sparse_points_and_keep_the_typical_width():
    """Abramson's square-root law: an isolated point gets a wider kernel, the geometric mean stays h."""
    from longjiang_forecast.models.seasonal_share import _adaptive_widths

    rng = np.random.default_rng(5)
    x = np.concatenate([rng.normal(np.log(0.2), 0.05, 40), [np.log(0.002), np.log(0.01)]])
    h = 0.05
    widths = _adaptive_widths(x, h)
    assert widths.shape == x.shape
    # the two idle years (far from the 40 on pace) get kernels several times wider than any of them
    assert widths[-2:].min() > 3 * widths[:40].max()
    assert np.exp(np.mean(np.log(widths))) == pytest.approx(h, rel=1e-9)
    # evenly spread points get one width: nothing to adapt to
    even = _adaptive_widths(np.zeros(5), h)
    assert np.allclose(even, h)


def _province_series(seed: int, as_of: str, indicator: str, region: str):
    """A world of the second generator, the default model fitted to it as of ``as_of``, a series index."""
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=seed, years=range(2016, 2025))
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp(as_of))
    model = SeasonalShareModel().fit(progress, catalog=catalog, as_of=as_of)
    state = model.state_
    (s,) = np.flatnonzero((state["indicator"].values == indicator) & (state["region"].values == region))
    return world, model, int(s)


def test_the_late_years_of_the_record_share_the_path_shape_weight():
    """A late start later than any in the record is judged by all the record's late years, not one.

    Second generator, development seed 25: Yichun's quarterly family in 2020 reported 0.6 places by
    April and 60.9 by June (a late start; it met its target of 268 with 282, the oracle's P(met)
    0.10 as of June). The record (2016-2019) holds five late-start years. On the log scale of the
    path shape their tiny March progress put them several units apart, one of them took all the
    weight (a year that ended at 0.64 of its plan) and P(met) was 0.000.
    """
    world, model, s = _province_series(25, "2020-06", "PRV_QUARTERLY_2020", "yichun")
    state = model.state_
    ref = model.reference_[s]
    assert ref is not None and ref.shape_logw is not None
    # the record's late-start years: their series-years in the reference class, by the truth
    truth = world.truth["late_start"]
    late_years = sum(int(truth.sel(indicator=f"PRV_QUARTERLY_{y}").sum()) for y in range(2016, 2020))
    assert late_years == 5
    top = np.sort(ref.shape_logw - ref.shape_logw.max())[::-1][:late_years]
    assert top.min() > -1.0  # all five within a factor e of the best, not e^-5 and less
    assert ref.shape_logw.size - np.sum(ref.shape_logw > ref.shape_logw.max() - 3.0) >= 40  # the rest far
    table = model.annual_cdf_[s]
    need = float(state["target"].values[s] - model.origin_[s])
    p_met = 1.0 - float(np.interp(np.log(need), table.grid, table.cdf))
    assert 0.03 < p_met < 0.3  # the oracle: 0.10


def test_path_shape_weights_do_not_move_weight_to_the_late_start_regime():
    """Adding a constant to every reference year's path-shape log weight leaves the posterior as it is.

    The shape weights compare the reference years with each other; the late-start regime has no law
    of the shape. Before they were normalised, a year whose shape was unlike every earlier year's
    (small densities everywhere) put most of its weight on the late-start regime (no catch-up) even
    months after its late start, when the earlier late-start years explained it.
    """
    world, model, s = _province_series(23, "2022-10", "PRV_QUARTERLY_2022", "daqing")
    ref = model.reference_[s]
    assert ref is not None and ref.shape_logw is not None
    done, t = model._done(s)

    def posterior(shift: float) -> np.ndarray:
        model.reference_[s] = dataclasses.replace(ref, shape_logw=ref.shape_logw + shift)
        _grid, pace, late, _width, _prior, _finished = model._total_posterior(s, done, t)
        logp = np.logaddexp(*(np.logaddexp.reduce(part, axis=0) for part in (pace, late)))
        return np.exp(logp - np.logaddexp.reduce(logp))

    assert np.allclose(posterior(0.0), posterior(-8.0), rtol=1e-9, atol=1e-15)
    # that year (a province-wide late start, January-April idle) is judged by the earlier
    # late-start years: the 80 % interval of its total holds the outcome, as the oracle's does
    model.reference_[s] = ref
    table = model.annual_cdf_[s]
    lo, hi = np.exp(np.interp([0.1, 0.9], table.cdf, table.grid))
    outcome = float(world.truth["outcome"].sel(indicator="PRV_QUARTERLY_2022", region="daqing"))
    assert lo < outcome < hi
    assert table.late < 0.05


def test_the_posterior_grid_is_dense_over_each_group_of_kernels():
    from longjiang_forecast.models import seasonal_share as ss

    centres, widths = np.array([0.5, 0.8]), np.array([0.01, 0.02])
    grid = ss._posterior_grid(0.0, 5.0, [(centres, widths)])
    assert grid[0] == 0.0 and grid[-1] == 5.0 and np.all(np.diff(grid) > 0)
    body = (grid >= 0.5 - 8 * 0.01) & (grid <= 0.8 + 8 * 0.02)  # 0.42 to 0.96
    assert body.sum() >= ss._BODY_POINTS  # every body point, and the backbone's few there
    assert np.diff(grid[body]).max() <= (0.54 / (ss._BODY_POINTS - 1)) * (1 + 1e-9)
    assert np.diff(grid).max() <= 5.0 / (ss._BACKBONE_POINTS - 1) * (1 + 1e-9)
    # the trapezoid weights integrate a line exactly
    w = ss._trapezoid_weights(grid)
    assert np.sum(w * grid) == pytest.approx(5.0**2 / 2, rel=1e-12)


def test_the_year_totals_cdf_is_that_of_a_fine_even_grid(monkeypatch: pytest.MonkeyPatch):
    """Every series' CDF within 1e-3 of the one on 65,536 even points (issue 14: a third of the work)."""
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.models import seasonal_share as ss
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=22, years=range(2016, 2025))
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp("2022-06"))
    model = SeasonalShareModel().fit(progress, catalog=catalog, as_of="2022-06")
    monkeypatch.setattr(ss, "_BACKBONE_POINTS", 65536)
    monkeypatch.setattr(ss, "_BODY_POINTS", 0)
    fine = SeasonalShareModel().fit(progress, catalog=catalog, as_of="2022-06")
    checked = 0
    for ours, even in zip(model.annual_cdf_, fine.annual_cdf_, strict=True):
        if ours is None:
            continue
        assert even.grid.size == 65536 and ours.grid.size < 2048
        gap = np.abs(np.interp(even.grid, ours.grid, ours.cdf) - even.cdf).max()
        assert gap < 1e-3
        checked += 1
    assert checked >= 20
