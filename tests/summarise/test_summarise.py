"""Summaries: a known answer through the engine + summarise, bands, first passage."""

import numpy as np
import pandas as pd
import pytest
from scipy import special

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel
from longjiang_forecast.testing import synthetic_progress


@pytest.fixture(scope="module")
def fitted(catalog, progress):
    return SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")


def test_known_answer_gamma_sum(fitted):
    """With one fixed scale θ, Gamma increments end at start + Gamma(Σ shape, θ): exact P(met)."""
    state = fitted.state_
    draws = fitted.sample_parameters(20_000, seed=1)
    s = int(np.flatnonzero((state["indicator"].values == "09a") & (state["region"].values == "harbin"))[0])
    draws["dynamics"][s] = "gamma"  # independent months (the model's own split keeps each total)
    start = float(draws["start"][s])
    dl = int(state["deadline_month"][s])
    k = float(draws["gamma_shape"].values[s, :dl].sum())
    target = float(state["target"][s])
    theta = (target - start) / special.gammainccinv(k, 0.3)  # exact P(met) 0.3 by construction
    draws["gamma_scale"][:, s] = theta
    summary = lf.summarise(lf.simulate_summary(draws, state, seed=2), state)
    exact = special.gammaincc(k, (target - start) / theta)
    assert exact == pytest.approx(0.3)
    p, se = float(summary["p_met"][s]), float(summary["p_met_se"][s])
    assert se == pytest.approx(np.sqrt(p * (1 - p) / 20_000))
    assert abs(p - exact) < 4 * np.sqrt(exact * (1 - exact) / 20_000)


def test_quantiles_ordered_and_first_passage_cdf_monotone(fitted):
    stats = lf.simulate_summary(fitted.sample_parameters(1000, seed=3), fitted.state_, seed=4)
    summary = lf.summarise(stats, fitted.state_)
    q = summary["deadline_value"].values
    ok = np.isfinite(q).all(axis=1)
    assert np.all(np.diff(q[ok], axis=1) >= 0)
    cdf = summary["first_passage_cdf"].values
    monotone = np.isfinite(cdf).all(axis=1)
    assert monotone.sum() > 300
    assert np.all(np.diff(cdf[monotone], axis=1) >= 0)
    # P(reached by the deadline month) is P(met) for counts, whose paths never fall
    counts = np.flatnonzero(fitted.state_["kind"].values == "cumulative")
    dl = fitted.state_["deadline_month"].values[counts] - 1
    np.testing.assert_allclose(cdf[counts, dl], summary["p_met"].values[counts])


def test_a_prefecture_asked_for_nothing_is_no_share_not_achieved(fitted):
    """The population split gives 3 child-friendly cities (03a) to Harbin, Qiqihar and Suihua and
    none to the ten others: their target of 0 is met whatever they report, and they were shown
    "achieved" beside the prefectures that did deliver their city. Now "no share" (in Chinese
    未分得任务), kept out of a backtest's scores, and a dash in the heatmap."""
    from longjiang_forecast.report._text import status_word

    state = fitted.state_
    stats = lf.simulate_summary(fitted.sample_parameters(200, seed=3), state, seed=4)
    summary = lf.summarise(stats, state)
    rows = pd.DataFrame(
        {name: summary[name].values for name in ("status", "target", "p_met")},
        index=[f"{i}/{r}" for i, r in zip(state["indicator"].values, state["region"].values, strict=True)],
    )
    nothing = [f"03a/{r}" for r in ("jixi", "hegang", "daqing", "daxinganling")]
    assert (rows.loc[nothing, "target"] == 0).all()
    assert (rows.loc[nothing, "status"] == "no share").all()
    assert (rows.loc[nothing, "p_met"] == 1.0).all()
    assert rows.loc["03a/harbin", "target"] == 1 and rows.loc["03a/harbin", "status"] != "no share"
    shared = rows["target"] > 0
    assert not (rows.loc[shared, "status"] == "no share").any()
    assert status_word("no share", "zh") == "未分得任务"
    assert status_word("no share", "en") == "no share"


def test_custom_bands(fitted):
    stats = lf.simulate_summary(fitted.sample_parameters(500, seed=3), fitted.state_, seed=4)
    summary = lf.summarise(stats, fitted.state_, bands={"green": 0.9, "red": 0.0})
    assert set(summary["status"].values) <= {
        "green",
        "red",
        "borderline",
        "achieved",
        "no report yet",
        "no share",
    }
    with pytest.raises(ValueError, match=r"'bands' parameter must map .* a number in \[0, 1\]"):
        lf.summarise(stats, fitted.state_, bands={"green": 1.5})
    # a number as text raised numpy's TypeError from deep inside (a break-it pass)
    with pytest.raises(ValueError, match=r"Got \{'green': '0.8', 'red': 0.0\}"):
        lf.summarise(stats, fitted.state_, bands={"green": "0.8", "red": 0.0})
    with pytest.raises(ValueError, match="pass the output of simulate_summary on the same state"):
        lf.summarise(stats.isel(series=slice(0, 3)), fitted.state_)


def _with_p(fitted, n_draws, hits):
    """Statistics of the fitted state in which open count series ``j`` met its target in ``hits[j]`` draws."""
    state = fitted.state_
    stats = lf.simulate_summary(fitted.sample_parameters(n_draws, seed=3), state, seed=4)
    kind, t, dl = state["kind"].values, state["last_month"].values, state["deadline_month"].values
    open_counts = np.flatnonzero((kind == "cumulative") & (t > 0) & (t < dl))
    open_counts = [s for s in open_counts if state["last_value"].values[s] < state["target"].values[s]]
    p = stats["p_met"].values.copy()
    p[open_counts[: len(hits)]] = np.array(hits) / n_draws
    return stats.assign(p_met=("series", p)), open_counts[: len(hits)]


def test_probabilities_within_one_se_across_a_cut_are_both_borderline(fitted):
    """03b at 1999/4000 (0.49975) was "at risk" and 07a at 2005/4000 (0.50125) "watch" (issue 16)."""
    n = 4000
    hits = [1999, 2005, 3190, 3210, 2600, 800 + 60]
    stats, rows = _with_p(fitted, n, hits)
    summary = lf.summarise(stats, fitted.state_)
    p = summary["p_met"].values[rows]
    np.testing.assert_allclose(p, np.array(hits) / n)
    status = summary["status"].values[rows].tolist()
    assert status == ["borderline", "borderline", "borderline", "borderline", "watch", "at risk"]
    np.testing.assert_allclose(summary["borderline_cut"].values[rows[:4]], [0.5, 0.5, 0.8, 0.8])
    assert np.isnan(summary["borderline_cut"].values[rows[4:]]).all()


def test_status_never_flips_within_one_standard_error_unless_borderline():
    """Every pair of probabilities on either side of a cut and within one s.e. of each other."""
    from longjiang_forecast.summarise._core import borderline_cut
    from longjiang_forecast.summarise._labelled import DEFAULT_BANDS, band_of

    cuts = np.array(list(DEFAULT_BANDS.values()))
    for n in (100, 1000, 4000):
        p = np.arange(n + 1) / n
        se = np.sqrt(p * (1 - p) / n)
        marked = np.isfinite(borderline_cut(p, n, cuts))
        band = np.array([band_of(x, DEFAULT_BANDS) for x in p])
        i, j = np.nonzero(np.abs(p[:, None] - p[None, :]) <= np.maximum(se[:, None], se[None, :]))
        differ = band[i] != band[j]
        assert differ.any()  # the grid does cross the cuts
        assert np.all(marked[i[differ]] & marked[j[differ]])
        # far from every cut nothing is borderline
        far = np.min(np.abs(p[:, None] - cuts[None, cuts > 0]), axis=1) > 2 * 0.5 / np.sqrt(n)
        assert not marked[far].any()


def test_one_draw_decides_no_band():
    from longjiang_forecast.summarise._core import borderline_cut

    cut = borderline_cut(np.array([0.0, 1.0]), 1, np.array([0.8, 0.5, 0.2, 0.0]))
    assert np.isfinite(cut).all()


def test_forecast_marks_borderline_exactly_by_the_rule(catalog, progress):
    result = lf.forecast(progress, catalog.subset(["09a", "03b", "07a", "11a", "14a"]), n_draws=100, seed=1)
    s = result.summary
    p, status = s["p_met"].values, s["status"].values
    banded = np.isin(status, ["on track", "watch", "at risk", "off track", "borderline"])
    near = np.zeros(p.size, bool)
    for c in (0.8, 0.5, 0.2):
        near |= np.abs(p - c) <= 2 * np.sqrt(c * (1 - c) / 100)
    assert banded.sum() >= 5
    np.testing.assert_array_equal(status[banded] == "borderline", near[banded])
    table = result.table()
    expected = set(s["indicator"].values[near & banded])
    assert set(table.loc[table["status"] == "borderline", "indicator"]) == expected


def _one_target(indicator, target, values, as_of, n_draws=400, baseline=None):
    """Forecast one provincial target of the 2024 list, with its target changed, from ``values``."""
    import warnings
    from importlib import resources

    import pandas as pd

    source = resources.files("longjiang_forecast.catalog").joinpath("data", "catalog_2024.csv")
    with source.open(encoding="utf-8-sig") as fh:
        rows = pd.read_csv(fh, dtype=str, keep_default_na=False)
    row = rows[(rows["indicator"] == indicator) & (rows["region"] == "province")].copy()
    row["target"] = str(target)
    if baseline is not None:  # last December's value of a level
        row["baseline"] = str(baseline)
    months = [f"2024-{m:02d}" for m in range(1, len(values) + 1)]
    frame = pd.DataFrame({"indicator": indicator, "region": "province", "month": months, "value": values})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", lf.ForecastWarning)
        return lf.forecast(frame, lf.load_catalog(row), as_of=as_of, n_draws=n_draws, seed=1)


def test_mid_month_deadline_is_one_rule_in_every_column():
    """Deadline 20 October, target 100, September 90, October 110 (issue 16): judged on September."""
    values = [5, 12, 20, 30, 40, 52, 64, 77, 90, 110]
    row = _one_target("18c", 100, values, "2024-10").table().iloc[0]
    assert row["deadline"] == "2024-10-20"
    assert row["p_met"] == 0.0 and row["median"] == row["q10"] == row["q90"] == 90.0
    assert row["expected_shortfall"] == 10.0
    assert row["status"] == "missed"  # not "achieved": October's 110 came after the deadline
    assert row["first_passage_median"] == "2024-10" and bool(row["first_passage_late"])
    # as of August: reaching it in October is late, and the paces say what P(met) says
    row = _one_target("18c", 100, values[:8], "2024-08").table().iloc[0]
    assert row["p_met"] < 0.5 and bool(row["first_passage_late"])
    assert row["required_rate"] == pytest.approx(23.0)  # (100 - 77) / 1 month, September
    assert row["model_rate"] < row["required_rate"]
    assert row["run_rate"] == pytest.approx(12.5) and row["run_rate_months"] == "2024-07/2024-08"


def test_a_level_that_fell_back_below_its_target_is_reached_only_from_the_latest_report():
    """Issue 16: a level above its target in May-June and below it since shows no past 'reached' month."""
    values = [20, 30, 40, 45, 50, 52, 40, 30]  # target 50: met in May and June, 30 in August
    forecast = _one_target("10b", 50, values, "2024-08", baseline=15)
    row = forecast.table().iloc[0]
    cdf = forecast.summary["first_passage_cdf"].values[0]
    assert row["p_met"] < 0.2 and row["status"] != "achieved"
    assert np.all(cdf[:7] == 0)  # May and June do not count: the level fell back by the latest report
    assert cdf[-1] == pytest.approx(row["p_met"])  # December deadline: reached by then iff met then
    assert row["first_passage_median"] == "" and not bool(row["first_passage_late"])
    # one that rose again: reached in the month half the paths are back at the target, not May
    values = [20, 30, 40, 45, 50, 52, 45, 40]
    row = _one_target("10b", 50, values, "2024-08", baseline=15).table().iloc[0]
    assert row["first_passage_median"] >= "2024-08"
    # a level at its target in the latest report is reached in that month
    row = _one_target("10b", 50, [20, 30, 40, 45, 50, 52, 45, 51], "2024-08", baseline=15).table().iloc[0]
    assert row["first_passage_median"] == "2024-08" and row["status"] == "achieved"


def test_model_rate_against_required_rate_agrees_with_p_met(catalog, progress):
    counts = catalog.subset(["01a", "03b", "04b", "09a", "10a", "13a", "15a", "18b", "19a", "19b"])
    result = lf.forecast(
        progress.sel(indicator=counts.table["indicator"].unique()), counts, n_draws=400, seed=3
    )
    t = result.table()
    ok = (
        t["model_rate"].notna()
        & t["required_rate"].notna()
        & (t["comparator"] == ">=")
        & ((t["p_met"] - 0.5).abs() > 1.5 / 400)
    )
    assert ok.sum() > 40
    np.testing.assert_array_equal(
        (t.loc[ok, "model_rate"] >= t.loc[ok, "required_rate"]).to_numpy(),
        (t.loc[ok, "p_met"] > 0.5).to_numpy(),
    )
    late = t["first_passage_late"].to_numpy()
    reached = t["first_passage_median"].to_numpy()
    deadline_month = result.summary["deadline_month"].values
    n = result.summary.sizes["series"]
    month = np.array([int(m[5:7]) if m else 0 for m in reached[:n]])
    np.testing.assert_array_equal(late[:n], (month > deadline_month) & (month > 0))


def test_deadline_passed_without_its_report_is_not_forecast(catalog):
    """As of November with reports up to August: the 31 October deadline is not forecast (issue 15)."""
    from longjiang_forecast.testing import synthetic_progress

    small = catalog.subset(["15a", "09a"])
    progress = synthetic_progress(small, seed=2, as_of="2024-08")
    expected = (
        r"as-of month 2024-11 is after the latest report: no series has a report for 2024-09 to 2024-11 "
        r"\(the latest report is of 2024-08\)"
    )
    with pytest.warns(lf.ForecastWarning, match=expected):
        result = lf.forecast(progress, small, as_of="2024-11", n_draws=200, seed=1)
    t = result.table().set_index(["indicator", "region"])
    row = t.loc[("15a", "province")]
    assert row["status"] == "no forecast" and np.isnan(row["p_met"]) and row["first_passage_median"] == ""
    assert row["reason"].startswith(
        "deadline 2024-10-31 passed by the as-of month 2024-11 without the report it is judged on (2024-10; "
        "the latest report is of 2024-08)"
    )
    assert t.loc[("09a", "province"), "status"] != "no forecast"  # due 31 December: still forecast
    assert 0 <= t.loc[("09a", "province"), "p_met"] <= 1


def test_a_deadline_still_ahead_is_forecast_though_its_month_is_reported_late():
    """A heating deadline of 20 October is judged on the September report. As of September, a
    prefecture whose September report is a month late has not passed its deadline: forecast (before:
    "deadline passed", no forecast for it; benchmarks/third_generator)."""
    from longjiang_forecast.backtesting import truncate
    from longjiang_forecast.testing import synthetic_province

    world = synthetic_province(seed=40)
    catalog, progress = truncate(world.catalog, world.progress, pd.Timestamp("2022-09-01"))
    with pytest.warns(lf.ForecastWarning, match=r"PRV_HEATING_2022: jixi 2022-09; mudanjiang 2022-09"):
        result = lf.forecast(progress, catalog, as_of="2022-09", n_draws=500, seed=1)
    t = result.table().set_index(["indicator", "region"])
    for region in ("jixi", "mudanjiang"):  # reported up to August only
        row = t.loc[("PRV_HEATING_2022", region)]
        assert row["deadline"] == "2022-10-20" and row["reason"] == ""
        assert 0 < row["p_met"] < 1  # August's report leaves September open
    assert t.loc[("PRV_HEATING_2022", "province"), "status"] != "no forecast"


def test_an_annual_mean_with_months_missing_says_its_mean_is_of_the_months_reported(catalog):
    """PM2.5 (17b) reported March-August only: the model takes January-February as unknown, but
    'observed' is the mean of March-August (lower than the year so far, winter left out): warned."""
    from longjiang_forecast.testing import synthetic_progress

    small = catalog.subset(["17b"])
    progress = synthetic_progress(small, seed=2, as_of="2024-08")
    gap = progress["month"].isin(pd.date_range("2024-01-01", periods=2, freq="MS"))
    progress["value"] = progress["value"].where(~gap)
    with pytest.warns(lf.ForecastWarning, match=r"1 annual mean\(s\) miss months before their latest report: "
                      r"17b/province \(2024-01, 2024-02 missing\)"):  # fmt: skip
        result = lf.forecast(progress, small, n_draws=200, seed=1)
    obs = result.state["observed"].sel(series=0).values
    days = np.array([31, 29, 31, 30, 31, 30, 31, 31])[2:]
    assert result.table()["observed"].iloc[0] == pytest.approx(np.sum(obs[2:8] * days) / days.sum())


def test_an_as_of_month_before_any_report_of_its_year_suggests_no_earlier_month(catalog):
    """As of January with only earlier years: the advice is to add 2024's reports, not to forecast
    as of 2024-01 (the month given)."""
    from longjiang_forecast.testing import synthetic_progress

    small = catalog.subset(["09a"])
    progress = synthetic_progress(small, seed=2, as_of="2024-08")
    earlier = progress.sel(month=progress["month"] < np.datetime64("2024-01-01"))
    advice = r"no series has a report in 2024\)\..* Add the missing reports of 2024\.$"
    with pytest.warns(lf.ForecastWarning, match=advice):
        result = lf.forecast(earlier, small, as_of="2024-01", n_draws=100, seed=1)
    assert set(result.table()["status"]) == {"no report yet"}


def test_the_table_has_a_column_for_each_quantile_asked_for(catalog):
    """quantiles=(0.05, 0.95): q5 and q95 after q90 (empty: not asked), equal to the summary's."""
    from longjiang_forecast.testing import synthetic_progress

    small = catalog.subset(["09a"])
    result = lf.forecast(synthetic_progress(small), small, n_draws=200, seed=1, quantiles=(0.05, 0.95))
    table = result.table()
    columns = list(table.columns)
    assert columns[columns.index("q90") + 1 : columns.index("q90") + 3] == ["q5", "q95"]
    assert table["q90"].isna().all()
    by_label = table.set_index(["indicator", "region"])
    labels = list(zip(result.summary["indicator"].values, result.summary["region"].values, strict=True))
    for name, q in (("q5", 0.05), ("q95", 0.95)):
        np.testing.assert_array_equal(
            by_label.loc[labels, name].to_numpy(), result.summary["deadline_value"].sel(quantile=q).values
        )
    # the catalogue's order, the province first, though totalled from its prefectures after them
    assert table["region"].iloc[0] == result.summary["region"].values[0] == "province"


def test_quantiles_of_a_count_of_whole_things_are_whole_things_done():
    """A city, a station, a household is delivered whole: the table's 10/50/90 % values of such a count
    are whole numbers (a median of 0.97 city read as one delivered beside P(met) 0.44), while a count
    in km keeps its fractions; and the median reaches a whole target exactly when P(met) >= 0.5."""
    from longjiang_forecast._core.units import counts_whole_things

    catalog = lf.load_catalog(2024).subset(["01a", "09a", "13a", "19b"])
    summary = lf.forecast(synthetic_progress(catalog, seed=5), catalog, n_draws=2000, seed=1).summary
    q = summary["deadline_value"].values
    whole = np.array([counts_whole_things(str(u)) for u in summary["unit"].values])
    assert whole.sum() >= 20 and (~whole).sum() >= 20
    np.testing.assert_array_equal(q[whole], np.floor(q[whole]))
    assert (q[~whole] != np.floor(q[~whole])).any()
    median = summary["deadline_value"].sel(quantile=0.5).values
    p = summary["p_met"].values
    clear = whole & (np.abs(p - 0.5) > 0.05)
    assert clear.sum() >= 10
    np.testing.assert_array_equal(median[clear] >= summary["target"].values[clear], p[clear] >= 0.5)
