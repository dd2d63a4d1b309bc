"""Cases a first user hit: a level that falls, a change forecast from a flat history, settled targets."""

import re

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf


def _progress(tmp_path, catalog, rows):
    path = tmp_path / "p.csv"
    pd.DataFrame(rows, columns=["indicator", "region", "month", "value"]).to_csv(path, index=False)
    return lf.read_progress(path, catalog)


def _row(result, indicator):
    table = result.table()
    return table[(table["indicator"] == indicator) & (table["region"] == "province")].iloc[0]


def test_level_that_fell_is_not_forecast_to_jump(tmp_path, catalog):
    # 02c (coverage %, target >= 80): 70 last December, 64 in June
    progress = _progress(
        tmp_path, catalog, [("02c", "province", "2023-12", 70), ("02c", "province", "2024-06", 64)]
    )
    row = _row(lf.forecast(progress, catalog, as_of="2024-06", n_draws=2000, seed=1), "02c")
    assert row["p_met"] < 0.05
    assert row["median"] < 80
    assert "fell from 70" in row["basis"]


def test_change_from_a_flat_year_stays_centred(tmp_path, catalog):
    # 16b: intensity flat at 100 through 2023, 97 in Jan-Jun 2024: the year is ~3 % down
    rows = [("16b", "province", f"2023-{m:02d}", 100.0) for m in range(1, 13)]
    rows += [("16b", "province", f"2024-{m:02d}", 97.0) for m in range(1, 7)]
    progress = _progress(tmp_path, catalog, rows)
    row = _row(lf.forecast(progress, catalog, as_of="2024-06", n_draws=2000, seed=1), "16b")
    assert row["observed"] == pytest.approx(-3.0)
    assert -4.5 < row["median"] < -1.5
    assert row["p_met"] > 0.9  # target: at most -1 %


def test_only_reported_indicators_are_forecast(tmp_path, catalog):
    progress = _progress(tmp_path, catalog, [("09a", "province", "2024-05", 7000)])
    table = lf.forecast(progress, catalog, as_of="2024-05", n_draws=500, seed=1).table()
    assert table.loc[table["p_met"].notna(), "indicator"].tolist() == ["09a"]
    other = table[table["indicator"] == "15a"].iloc[0]
    assert other["status"] == "no forecast" and other["reason"].startswith("no reports in the progress data")


def test_a_prefecture_that_stopped_reporting_is_a_row_without_a_forecast(tmp_path, catalog):
    """Harbin reported 09a (no catalogue row of its own) in 2023 and not in 2024: the table lists it
    under 09a, without a forecast, with its share of the target and the reason in both languages; it
    dropped out of the table, the workbook and the bulletin's ranking (a break-it pass)."""
    from longjiang_forecast.report._text import in_chinese

    rows = [("09a", reg, "2023-06", 100.0) for reg in ("province", "harbin", "qiqihar")]
    rows += [("09a", reg, "2024-05", 90.0) for reg in ("province", "qiqihar")]
    progress = _progress(tmp_path, catalog, rows)
    with pytest.warns(lf.ForecastWarning, match="09a/harbin"):
        table = lf.forecast(progress, catalog, as_of="2024-05", n_draws=500, seed=1).table()
    mine = table[table["indicator"] == "09a"]
    assert mine["region"].tolist() == ["province", "harbin", "qiqihar"]  # the catalogue's order
    harbin = mine.iloc[1]
    assert harbin["status"] == "no forecast" and np.isnan(harbin["p_met"]) and harbin["basis"] == ""
    assert harbin["target"] == pytest.approx(catalog.target_for("09a", "harbin"))
    assert harbin["reason"] == "reported in earlier years, no report in 2024: add its reports"
    assert in_chinese(harbin["reason"]) == "往年有报告，2024 年没有报告：请补充其报告"
    assert mine.iloc[2]["status"] != "no forecast"


def test_settled_targets_say_achieved_or_missed(tmp_path, catalog):
    rows = [("09a", "province", "2024-12", 14000), ("15a", "province", "2024-10", 4100)]
    progress = _progress(tmp_path, catalog, rows)
    table = lf.forecast(progress, catalog, as_of="2024-12", n_draws=500, seed=1).table()
    status = dict(zip(table["indicator"], table["status"], strict=False))
    assert status["09a"] == "missed" and status["15a"] == "achieved"


def test_growth_curve_hessian_is_exact_on_known_functions():
    # scipy.differentiate.hessian (issue 19): a quadratic exactly, and a function whose curvature
    # changes fast (exp(5 x)), where the old fixed step of 1e-3 was off by 8e-6 relative
    from longjiang_forecast.models.growth_curve import _hessian

    a = np.array([[4.0, 1.0, -2.0], [1.0, 3.0, 0.5], [-2.0, 0.5, 6.0]])
    x0 = np.array([0.3, -1.2, 2.0])
    quad = lambda t: 0.5 * np.einsum("i...,ij,j...->...", t, a, t)  # noqa: E731
    np.testing.assert_allclose(_hessian(quad, x0), a, rtol=1e-9, atol=1e-9)
    steep = lambda t: np.exp(5 * t[0]) + t[0] * t[1] ** 2  # noqa: E731
    x1 = np.array([1.0, 2.0])
    exact = np.array([[25 * np.exp(5.0), 4.0], [4.0, 2.0]])
    np.testing.assert_allclose(_hessian(steep, x1), exact, rtol=1e-7)


def test_a_year_whose_work_may_be_over_is_not_forecast_to_go_on(tmp_path, catalog):
    """Work done in batches often ends before the deadline: in 3 of 6 earlier years nothing was added
    after September. As of September, 8 households short of 15,000, the year may well be over: the
    year's total is what is done with about the weight of those years (before: every draw above what
    was done, P(met) 0.99, and the target missed; benchmarks/third_generator, world 108)."""
    shares = np.array([0, 0.02, 0.05, 0.12, 0.25, 0.4, 0.55, 0.7, 0.85, 0.93, 0.97, 1.0])
    rows = []
    for k, year in enumerate(range(2018, 2024)):
        total = 15000 * (0.95 + 0.02 * k)
        curve = np.minimum(shares / 0.85, 1.0) if k % 2 == 0 else shares  # even years: all done by September
        rows += [("09a", "province", f"{year}-{m:02d}", round(total * c)) for m, c in enumerate(curve, 1)]
    this_year = shares[:9] / 0.85
    rows += [("09a", "province", f"2024-{m:02d}", round(14992 * c)) for m, c in enumerate(this_year, 1)]
    progress = _progress(tmp_path, catalog, rows)
    result = lf.forecast(progress, catalog, as_of="2024-09", n_draws=4000, seed=1)
    row = _row(result, "09a")
    assert row["observed"] == 14992
    over_words = r"the year may be over: [3-6]\d% of the weight on nothing more after month 9"
    assert re.search(over_words, row["basis"])
    assert 0.3 < row["p_met"] < 0.75  # before: 0.997
    assert row["q10"] == 14992  # the 80 % interval holds the year being over (before: 15238)
    at_deadline = result.paths.sel(series=0).isel(month=-1).values
    over = np.isclose(at_deadline, 14992, rtol=1e-9, atol=0)  # the year over: exactly what was done
    assert 0.25 < over.mean() < 0.7
    assert at_deadline.min() >= 14992 * (1 - 1e-12)  # never below it


def test_a_record_whose_every_year_ended_early_still_leaves_room_for_more(tmp_path, catalog):
    """All six earlier years over by September: the year is over with about 6/7 of the weight (one
    more unfinished year in the denominator), and the rest is what a year that is not over would
    total by the plan prior, not the finished years' kernels all at what is done (before that
    review: P(met) 0.003 one per cent short of the plan)."""
    shares = np.minimum(
        np.array([0, 0.02, 0.05, 0.12, 0.25, 0.4, 0.55, 0.7, 0.85, 0.93, 0.97, 1.0]) / 0.85, 1
    )
    rows = []
    for k, year in enumerate(range(2018, 2024)):
        rows += [
            ("09a", "province", f"{year}-{m:02d}", round(15000 * (0.95 + 0.02 * k) * c))
            for m, c in enumerate(shares, 1)
        ]
    rows += [("09a", "province", f"2024-{m:02d}", round(14850 * c)) for m, c in enumerate(shares[:9], 1)]
    row = _row(
        lf.forecast(_progress(tmp_path, catalog, rows), catalog, as_of="2024-09", n_draws=4000, seed=1), "09a"
    )
    assert re.search(r"the year may be over: 8\d% of the weight", row["basis"])
    assert 0.08 < row["p_met"] < 0.25  # about 1/7: the rule of succession's room for a year unlike the six
    assert row["q10"] == row["median"] == 14850


def test_almost_nothing_done_is_read_as_nothing_not_as_a_pace():
    """A token report is nothing yet: P(met) as for a report of nothing, whatever the token.

    A break-it pass: Harbin's elderly-care places, nothing until May, 10 places in June, got P(met)
    0.85 (median above any year of its record) where nothing got 0.30 and 1,000 places 0.38: the
    token, read as a pace against reference years idle by June (share clipped at 1e-4), put this
    year's total at 10 / 1e-4. Here six earlier prefecture-years of the second generator's
    quarterly family are idle until July; before, 1 place gave 0.49 and 5 places 0.005 where
    nothing gave 0.58.
    """
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.models import SeasonalShareModel
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=21, years=range(2016, 2025))
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp("2022-06"))
    inds, regs = list(progress["indicator"].values), list(progress["region"].values)
    months = pd.DatetimeIndex(progress["month"].values)
    value = progress["value"].values
    idle = [(2017, "yichun"), (2018, "heihe"), (2019, "qitaihe"), (2020, "hegang"), (2021, "jixi")]
    for year, region in idle:
        early = np.flatnonzero((months.year == year) & (months.month <= 6))
        value[inds.index(f"PRV_QUARTERLY_{year}"), regs.index(region), early] = 0.0
    this = np.flatnonzero((months.year == 2022) & (months.month <= 6))
    p_met, basis = {}, {}
    for done in (0.0, 1.0, 5.0, 20.0):
        value[inds.index("PRV_QUARTERLY_2022"), regs.index("harbin"), this] = [0, 0, 0, 0, 0, done]
        model = SeasonalShareModel().fit(progress, catalog=catalog, as_of="2022-06")
        state = model.state_
        (s,) = np.flatnonzero(
            (state["indicator"].values == "PRV_QUARTERLY_2022") & (state["region"].values == "harbin")
        )
        need = float(state["target"].values[s] - model.origin_[s])
        table = model.annual_cdf_[s]
        p_met[done] = 1.0 - float(np.interp(np.log(need), table.grid, table.cdf))
        basis[done] = model.basis_[s]
        assert model.reference_[s].least_share(6) * need > 20.0  # every token below the least share
    assert 0.2 < p_met[0.0] < 0.9
    assert all(p == pytest.approx(p_met[0.0], abs=1e-4) for p in p_met.values())  # was 0.49, 0.005
    assert "almost nothing done" not in basis[0.0]
    assert re.search(r"almost nothing done: 5 by month 6 is less than [\d.]+% of what is needed", basis[5.0])


def test_an_annual_mean_with_a_monthly_value_of_zero_is_refused_with_a_reason():
    """A PM2.5 monthly mean of 0 (a month not measured typed as 0) stopped the run with an error naming
    an inner parameter ('year_effect' of simulate_summary); now the row says why, in both languages."""
    import longjiang_forecast as lf
    from longjiang_forecast.report._text import in_chinese
    from longjiang_forecast.testing import synthetic_progress

    cat = lf.load_catalog(2024).subset(["17b"])
    reports = synthetic_progress(cat, seed=7, as_of="2024-12")
    reports["value"].loc[{"region": "province", "month": "2024-03-01"}] = 0.0
    row = lf.forecast(reports, cat, n_draws=100, seed=3, as_of="2024-12").table().iloc[0]
    assert row["status"] == "no forecast"
    assert row["reason"].startswith("monthly values of 0 or below (2024-03): the log-normal model")
    assert in_chinese(row["reason"]).startswith("月度值为 0 或负数（2024-03）")


def test_prefectures_on_a_steady_pace_below_a_copied_level_target_are_not_expected_to_catch_up():
    """Childcare places per 1,000 people (11a) reported by the 13 prefectures, each growing by about
    0.017 a month for two and a half years, at 0.85-1.15 times the province's level: the
    population-weighted province needs 0.060 a month over September-December, 3.5 times any month
    of its record: almost no chance. Taking the copied 3.78 as each prefecture's plan gave it 0.30
    (Jixi, needing 0.111 a month: 0.24, "100 % weight on a late start"); the prior is now each
    prefecture's own usual change, and the basis says so."""
    from longjiang_forecast.testing import synthetic_progress

    catalog = lf.load_catalog(2024)
    frame = synthetic_progress(catalog, seed=2024)["value"].to_dataframe().reset_index()
    province = frame[(frame["indicator"] == "11a") & (frame["region"] == "province")].dropna(subset=["value"])
    rng = np.random.default_rng(1)
    rows = [
        province.assign(region=r, value=province["value"].to_numpy() * rng.uniform(0.85, 1.15)
                        + rng.normal(0, 0.01, len(province)))
        for r in catalog.region_ids
    ]  # fmt: skip
    progress = pd.concat([province.iloc[:0], *rows])[["indicator", "region", "month", "value"]]
    result = lf.forecast(progress, catalog.subset(["11a"]), n_draws=1000, seed=1)
    table = result.table().set_index("region")
    assert table.loc["province", "required_rate"] > 3 * table.loc["province", "run_rate"]
    assert table.loc["province", "p_met"] < 0.05
    assert table.loc["jixi", "p_met"] < 0.05
    assert table.loc["province", "model_rate"] < 1.2 * table.loc["province", "run_rate"]
    assert "its target is the province's, copied, not a plan of its own" in table.loc["jixi", "basis"]
    assert table.loc["hegang", "p_met"] == 1.0  # above the target on its usual pace


def test_a_copied_level_target_without_a_usual_rise_to_read_is_refused_not_taken_as_the_plan():
    """Prefectures reporting 11a since January 2023 only (one earlier December), each rising 0.017 a
    month far below the copied 3.78: with the copy as their plan they got P(met) 0.87-0.92 and a
    model rate of 0.33 a month (a break-it pass). Now no forecast, a reason that says what to add,
    in Chinese too; the province's own reports are still forecast."""
    from longjiang_forecast.report._text import in_chinese
    from longjiang_forecast.testing import synthetic_progress

    catalog = lf.load_catalog(2024)
    own = synthetic_progress(catalog, seed=2024)["value"].sel(indicator="11a", region="province")
    rows = [("11a", "province", m, v) for m, v in own.to_pandas().dropna().items()]
    months = pd.date_range("2023-01-01", "2024-08-01", freq="MS")
    rows += [("11a", r, m, 3.0 + 0.05 * i + 0.017 * k) for i, r in enumerate(catalog.region_ids)
             for k, m in enumerate(months)]  # fmt: skip
    progress = pd.DataFrame(rows, columns=["indicator", "region", "month", "value"])
    with pytest.warns(lf.ForecastWarning):  # the province's own reports are not its prefectures' mean
        result = lf.forecast(progress, catalog.subset(["11a"]), n_draws=300, seed=1)
    table = result.table().set_index("region")
    harbin = table.loc["harbin"]
    assert harbin["status"] == "no forecast" and np.isnan(harbin["p_met"]) and harbin["basis"] == ""
    assert harbin["reason"] == (
        "its target is the province's, copied, not a plan of its own, and its earlier years show no usual "
        "rise to expect instead (no two consecutive Decembers): give it a target of its own in the "
        "catalogue, or earlier years' December reports"
    )
    assert in_chinese(harbin["reason"]).startswith("其目标沿用全省目标，并非本地计划")
    assert table.loc["province", "status"] != "no forecast"
