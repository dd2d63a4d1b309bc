"""The province from its prefectures: joint paths, ragged edges, provinces that report too."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast._core.exceptions import ForecastWarning
from longjiang_forecast._core.province import province_weights, total_of
from longjiang_forecast.cli import main
from longjiang_forecast.report import write_bulletin
from longjiang_forecast.testing import synthetic_progress

IND = "09a"  # cumulative households, province target 15,000 by 2024-12-31


@pytest.fixture(scope="module")
def catalog():
    return lf.load_catalog(2024).subset([IND])


@pytest.fixture(scope="module")
def both(catalog):
    """Province and 13 prefectures report (the province row is their exact sum)."""
    return synthetic_progress(catalog, seed=7)


@pytest.fixture(scope="module")
def prefectures(both):
    return both.drop_sel(region="province")


def _forecast(progress, catalog, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        return lf.forecast(progress, catalog, n_draws=kw.pop("n_draws", 400), seed=3, **kw)


def _province(result, indicator=IND):
    table = result.table()
    row = table[(table["indicator"] == indicator) & (table["region"] == "province")]
    assert len(row) == 1  # once, forecast
    return row.iloc[0]


def test_weights_are_the_one_definition():
    rule, w, equal = province_weights("cumulative", np.array([1.0, 3.0]))
    assert rule == "sum" and w.tolist() == [1.0, 1.0] and not equal
    rule, w, equal = province_weights("level", np.array([1.0, 3.0]))
    assert rule == "mean" and w.tolist() == [0.25, 0.75] and not equal
    assert province_weights("level", np.array([1.0, np.nan]))[1].tolist() == [0.5, 0.5]
    assert np.isnan(total_of(np.array([[1.0, 2.0], [np.nan, 3.0]]), np.ones(2))[0])


def test_totals_are_put_on_the_official_figures_where_given_and_move_with_the_total_after():
    from longjiang_forecast._core.province import on_official_figures

    totals = np.array([[[10.0, 20.0, 30.0, 45.0], [11.0, 19.0, 33.0, 40.0]]])  # 1 row, 2 draws
    official = np.array([[np.nan, 21.0, np.nan, np.nan]])
    out = on_official_figures(totals, official)
    # before the first figure as totalled; at it the figure; after it the figure plus the change since
    assert out.tolist() == [[[10.0, 21.0, 31.0, 46.0], [11.0, 21.0, 35.0, 42.0]]]
    assert totals[0, 0, 1] == 20.0  # a copy


def test_province_observed_is_the_sum_of_its_prefectures(prefectures, catalog):
    result = _forecast(prefectures, catalog)
    row = _province(result)
    reports = prefectures["value"].sel(indicator=IND, month="2024-08-01")
    assert row["observed"] == pytest.approx(float(reports.sum()), rel=1e-12)
    assert row["observed_month"] == "2024-08"
    assert row["target"] == 15000
    assert row["basis"] == "sum of the 13 prefectures' forecasts, path by path"
    assert row["status"] != "no forecast" and 0 < row["p_met"] < 1
    state = result.state
    prov = np.flatnonzero((state["region"] == "province").values)
    pref = np.flatnonzero((state["region"] != "province").values)
    assert prov.size == 1 and pref.size == 13
    np.testing.assert_allclose(
        state["observed"].values[prov[0]], state["observed"].values[pref].sum(axis=0), rtol=1e-12
    )
    # not fitted or simulated on its own: one answer
    assert result.draws["dynamics"].values[prov[0]] == "none"


def test_province_p_met_is_the_share_of_draws_whose_prefecture_sum_meets_the_target(prefectures, catalog):
    result = _forecast(prefectures, catalog)
    paths = result.paths
    december = paths.sel(month="2024-12-01")
    prefecture_sum = december.isel(series=(paths["region"] != "province").values).sum("series")
    by_hand = float((prefecture_sum >= 15000).mean())
    row = _province(result)
    assert row["p_met"] == by_hand
    # the streamed median is within its stated bound of the exact sample median (one bin)
    s = int(np.flatnonzero((result.summary["region"] == "province").values)[0])
    bound = float(result.summary["deadline_value_error"].sel(quantile=0.5).values[s])
    assert 0 < bound < 2e-3 * 15000  # one bin of a range that reaches down to what is done
    assert abs(row["median"] - float(np.quantile(prefecture_sum, 0.5))) <= bound
    # the paths of the province row are the per-draw sums
    province = paths.isel(series=(paths["region"] == "province").values).squeeze("series")
    np.testing.assert_allclose(province.sel(month="2024-12-01"), prefecture_sum, rtol=1e-12)


def test_ragged_edge_still_forecast_and_names_the_late_prefecture(prefectures, catalog):
    late = prefectures.copy(deep=True)
    late["value"].loc[{"indicator": IND, "region": "harbin", "month": "2024-08-01"}] = np.nan
    with pytest.warns(ForecastWarning, match=r"09a: harbin 2024-08 \(observed: 2024-07\)"):
        result = lf.forecast(late, catalog, n_draws=400, seed=3)
    row = _province(result)
    assert np.isfinite(row["p_met"])
    assert row["observed_month"] == "2024-07"
    july = late["value"].sel(indicator=IND, month="2024-07-01").sum()
    assert row["observed"] == pytest.approx(float(july), rel=1e-12)
    assert "not reported, simulated: harbin 2024-08" in row["basis"]
    state = result.state
    prov = int(np.flatnonzero((state["region"] == "province").values)[0])
    assert np.isnan(state["observed"].values[prov, 7])  # August is not presented as a complete sum
    # August of the province path uses Harbin's simulated August
    paths = result.paths.sel(month="2024-08-01")
    harbin = paths.isel(series=(paths["region"] == "harbin").values).squeeze("series")
    assert float(harbin.std()) > 0
    others = paths.isel(series=((paths["region"] != "province") & (paths["region"] != "harbin")).values)
    np.testing.assert_allclose(paths.isel(series=prov), harbin + others.sum("series"), rtol=1e-12)


def test_a_province_with_one_prefecture_silent_all_year_is_banded_not_no_report_yet(
    prefectures, catalog, tmp_path
):
    """Hegang has no report of 2024, the twelve others report to August: the province is forecast from
    their joint paths (Hegang's simulated), with no complete total to show; its status read "no report
    yet", as if nothing had been reported, beside a P(met) from twelve prefectures' reports. Now the
    band of its P(met); Hegang itself is "no report yet"."""
    from longjiang_forecast.summarise._labelled import DEFAULT_BANDS, band_of

    silent = prefectures.copy(deep=True)
    months = [m for m in silent["month"].values if str(m).startswith("2024")]
    silent["value"].loc[{"indicator": IND, "region": "hegang", "month": months}] = np.nan
    result = _forecast(silent, catalog)
    row = _province(result)
    assert np.isnan(row["observed"]) and "not reported, simulated: hegang 2024-01" in row["basis"]
    assert row["status"] not in ("no report yet", "no forecast")
    assert row["status"] in (band_of(row["p_met"], DEFAULT_BANDS), "borderline")
    table = result.table().set_index("region")
    assert table.loc["hegang", "status"] == "no report yet"
    # no complete total to start from: its rates are not worked out from 0 in January (they read
    # 15,000/12 a month needed, ignoring the twelve others' reports), and the bulletin is written (it
    # stopped on the empty month of the latest report: "invalid literal for int()")
    assert np.isnan([row["required_rate"], row["model_rate"], row["run_rate"]]).all()
    pace = lf.planning.required_pace(result).to_dataframe().set_index(["indicator", "region"])
    assert np.isnan(pace.loc[(IND, "province"), "required_pace"])  # was 15,000 / 12 from January
    assert pace.loc[(IND, "province"), "note"].startswith("no complete total yet")
    assert write_bulletin(result, tmp_path, lang="en").html.is_file()


def test_a_province_total_met_on_paper_is_achieved_not_a_float_short(prefectures, catalog):
    """Prefecture reports that add up on paper to the province's target exactly summed in floating point
    to a hair below it (19.67 from 1.51 + ... as 19.669999999999998): the province read "on track" with
    its latest report "19.670000", not "achieved"."""
    cat = lf.load_catalog(2024).subset(["01b"])
    reports = synthetic_progress(cat, seed=2024).drop_sel(region="province")
    august = np.round(reports["value"].sel(indicator="01b", month="2024-08-01").values, 2)
    august[-1] = round(august[-1] + 19.67 - august.sum(), 2)
    assert august.sum() != 19.67 and abs(august.sum() - 19.67) < 1e-12  # the float sum is a hair off
    reports["value"].loc[{"indicator": "01b", "month": "2024-08-01"}] = august
    row = _province(_forecast(reports, cat), "01b")
    assert row["observed"] == 19.67 and row["status"] == "achieved"
    assert str(row["first_passage_median"])[:7] == "2024-08"  # reached with that report, not a month later


def test_disagreeing_province_report_is_named_with_both_figures(both, catalog):
    bad = both.copy(deep=True)
    own = float(bad["value"].sel(indicator=IND, region="province", month="2024-07-01"))
    total = float(bad["value"].sel(indicator=IND, month="2024-07-01").drop_sel(region="province").sum())
    assert own == pytest.approx(total)
    bad["value"].loc[{"indicator": IND, "region": "province", "month": "2024-07-01"}] = own * 1.05
    shown = f"2024-07: province {own * 1.05:,.6g}, prefectures {total:,.6g} (-4.8 %)"
    with pytest.warns(ForecastWarning, match=f"Indicator '{IND}'.*" + re.escape(shown)):
        result = lf.forecast(bad, catalog, n_draws=200, seed=3)
    # the province's own reports are used (the rule), so its row is a fitted series
    state = result.state
    prov = int(np.flatnonzero((state["region"] == "province").values)[0])
    assert result.draws["dynamics"].values[prov] != "none" and result.province is None
    from longjiang_forecast import build_state
    from longjiang_forecast.progress._state import province_from_prefectures

    # households are whole counts: 0.1 % (about 9 households) is a disagreement, under half of one is not
    slight = both.copy(deep=True)
    slight["value"].loc[{"indicator": IND, "region": "province", "month": "2024-07-01"}] = own * 1.001
    with pytest.warns(ForecastWarning, match=r"by more than half a unit \(whole counts must agree\)"):
        province_from_prefectures(build_state(slight, catalog), catalog)
    slight["value"].loc[{"indicator": IND, "region": "province", "month": "2024-07-01"}] = own + 0.4
    with warnings.catch_warnings():
        warnings.simplefilter("error", ForecastWarning)
        rows = province_from_prefectures(build_state(slight, catalog), catalog)
    # reports that agree to rounding are their total: the province is forecast as that total
    assert rows is not None and rows.basis.tolist() == [
        "sum of the 13 prefectures' forecasts, path by path; "
        "the province's own reports agree with their total, and are its figures where given"
    ]
    # a 万 unit: rounding 13 reports to 0.01 moves their sum; 0.1 % is not reported, 0.6 % is
    ind = "01b"  # 10k persons (万人)
    wan = lf.load_catalog(2024).subset([ind])
    reports = synthetic_progress(wan, seed=7)
    month = {"indicator": ind, "region": "province", "month": "2024-07-01"}
    own_b = float(reports["value"].sel(**month))
    for factor, warned in ((1.001, False), (1.006, True)):
        scaled = reports.copy(deep=True)
        scaled["value"].loc[month] = own_b * factor
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always", ForecastWarning)
            province_from_prefectures(build_state(scaled, wan), wan)
        said = [str(w.message) for w in seen if f"Indicator '{ind}'" in str(w.message)]
        assert bool(said) == warned and all("more than 0.5 %" in m for m in said)


def test_a_province_reporting_its_prefectures_total_gets_the_forecast_of_that_total(
    both, prefectures, catalog
):
    """The province's own rows, equal to the sum, change no forecast (they moved P(met) by 0.07)."""
    alone, with_own = _forecast(prefectures, catalog).table(), _forecast(both, catalog).table()
    assert with_own["p_met"].tolist() == alone["p_met"].tolist()
    assert with_own["median"].tolist() == alone["median"].tolist()
    province = with_own[with_own["region"] == "province"].iloc[0]
    assert province["basis"].endswith(
        "; the province's own reports agree with their total, and are its figures where given"
    )
    # the prefectures' reference class is the 13 prefectures, not the province beside them
    harbin = with_own[with_own["region"] == "harbin"].iloc[0]
    assert "(13 region(s)" in harbin["basis"]
    from longjiang_forecast.report._text import in_chinese

    assert in_chinese(province["basis"]) == (
        "13 个地市预测值逐路径加总；省级自报数与其合计一致，有自报数的月份以自报数为准"
    )


@pytest.mark.parametrize("layout", ["province row only (split target)", "explicit prefecture rows"])
def test_both_catalogue_layouts_get_the_province_forecast(prefectures, catalog, layout):
    cat = catalog if layout.startswith("province") else catalog.split_by_region([IND])
    result = _forecast(prefectures, cat)
    row = _province(result)
    assert row["basis"] == "sum of the 13 prefectures' forecasts, path by path"
    assert row["target"] == 15000 and np.isfinite(row["p_met"])
    table = result.table()
    assert (table["region"] != "province").sum() == 13
    # for people the province row comes first, though forecast from its prefectures after them
    shown = lf.report.province_first(table)
    assert shown["region"].iloc[0] == "province" and (shown["region"].iloc[1:] != "province").all()


def test_a_prefecture_without_reports_leaves_the_province_unforecast(prefectures, catalog):
    partial = prefectures.drop_sel(region="daxinganling")
    row = _province(_forecast(partial, catalog))
    assert row["status"] == "no forecast" and np.isnan(row["p_met"]) and row["basis"] == ""
    assert "daxinganling" in row["reason"] and "all 13" in row["reason"]
    # nor is the total of the other 12 shown as the province's latest figure (it was: 3,054 for 15,000)
    assert np.isnan(row["observed"])


def test_compare_scenarios_and_portfolio_read_the_province_row(prefectures, catalog):
    from longjiang_forecast.planning import portfolio
    from longjiang_forecast.scenarios import Effect, Scenario

    effect = Effect(type="stoppage", regions=("harbin",), first_month=(9, 9), until=12)
    stop = Scenario(name="stop", description="Harbin stops", year=2024, effects=(effect,))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        comparison = lf.compare_scenarios(prefectures, catalog, [stop], n_draws=400, seed=3)
    table = comparison.table()
    prov = table[(table["region"] == "province") & (table["scenario"] == "stop")].iloc[0]
    assert bool(prov["touched"]) and prov["delta_vs_baseline"] < 0
    base = comparison.forecasts["baseline"]
    folio = portfolio(base)
    assert folio["indicator"].values.tolist() == [IND]
    assert float(folio["p_all_met"]) == _province(base)["p_met"]


def _with_province_rows(fam):
    """The families' catalogue with a province row per indicator-year (target: the prefectures' sum)."""
    from longjiang_forecast.catalog import Catalog

    table = fam.catalog.table
    rows = []
    for _, group in table.groupby("indicator", sort=False):
        row = group.iloc[0].copy()
        row["region"], row["target"] = "province", float(group["target"].sum())
        rows.append(row)
    joined = pd.concat([table, pd.DataFrame(rows)], ignore_index=True)
    return Catalog(
        year=fam.catalog.year, table=joined, regions=fam.catalog.regions, source="families+province"
    )


def test_backtest_scores_the_province_against_its_prefectures_total():
    from longjiang_forecast.testing import synthetic_families

    fam = synthetic_families(
        seed=1, years=range(2021, 2025), families=lf.testing.families.DEFAULT_FAMILIES[:1]
    )
    cat = _with_province_rows(fam)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ForecastWarning)
        bt = lf.backtest((cat, fam.progress), "seasonal_share", as_of=["2024-07"], n_draws=200)
    f = bt.forecasts
    prov = np.flatnonzero(f["region"].values == "province")
    assert prov.size == 1
    ind = str(f["indicator"].values[prov[0]])
    truth = fam.truth.sel(indicator=ind)
    assert float(f["outcome_value"].values[prov[0]]) == pytest.approx(
        float(truth["outcome"].sum()), rel=1e-12
    )
    met = float(truth["outcome"].sum()) >= float(truth["target"].sum())
    assert float(f["outcome_met"].values[prov[0]]) == float(met)
    assert str(f["basis"].values[prov[0]]) == "sum of the 13 prefectures' forecasts, path by path"


def test_cli_forecasts_the_province_row_from_prefecture_only_reports(prefectures, tmp_path, capsys):
    catalog_file = tmp_path / "catalog.csv"
    catalog_file.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,name_en\n"
        "h1,cumulative,households,15000,>=,2024-12-31,province,Homes renovated\n",
        encoding="utf-8",
    )
    frame = prefectures["value"].sel(indicator=IND).to_dataframe().dropna().reset_index()
    frame["indicator"] = "h1"
    frame["month"] = pd.DatetimeIndex(frame["month"]).strftime("%Y-%m")
    frame[["indicator", "region", "month", "value"]].to_csv(tmp_path / "progress.csv", index=False)
    args = ["forecast", "--catalog", str(catalog_file), "--progress", str(tmp_path / "progress.csv")]
    assert main([*args, "--draws", "300", "--out", str(tmp_path / "out"), "--all"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    first = lines[next(i for i, line in enumerate(lines) if line.startswith("──")) + 1]
    assert first.startswith("h1") and "province" in first  # --all: the province row first
    table = pd.read_csv(tmp_path / "out" / "attainment.csv")
    row = table[table["region"] == "province"]
    assert len(row) == 1 and 0 < row["p_met"].item() < 1
    assert row["basis"].item() == "sum of the 13 prefectures' forecasts, path by path"
    august = prefectures["value"].sel(indicator=IND, month="2024-08-01").sum()
    # attainment.csv rounds values to two decimals beyond the unit's granularity (whole units here)
    assert row["observed"].item() == pytest.approx(float(august), abs=0.005)


def test_a_ratio_province_is_the_population_weighted_mean_of_its_prefectures(tmp_path):
    regions = lf.load_regions()
    catalog_file = tmp_path / "catalog.csv"
    catalog_file.write_text(
        "indicator,kind,unit,target,comparator,deadline,region,upper_bound\n"
        "c1,level,%,88,>=,2024-12-31,province,100\n",
        encoding="utf-8",
    )
    cat = lf.load_catalog(catalog_file)
    rng = np.random.default_rng(0)
    months = pd.date_range("2021-01-01", "2024-08-01", freq="MS")
    rows = []
    for k, reg in enumerate(regions["region"]):
        level = 60 + k + np.cumsum(rng.gamma(4.0, 0.1, months.size))
        rows += [
            {"indicator": "c1", "region": reg, "month": m, "value": v}
            for m, v in zip(months, level, strict=True)
        ]
    frame = pd.DataFrame(rows)
    progress = frame.set_index(["indicator", "region", "month"]).to_xarray()
    result = _forecast(progress, cat)
    table = result.table()
    row = table[table["region"] == "province"].iloc[0]
    w = regions["population_2020"].to_numpy(float)
    w /= w.sum()
    august = frame[frame["month"] == "2024-08-01"].set_index("region").loc[regions["region"], "value"]
    assert row["observed"] == pytest.approx(float(w @ august.to_numpy()), rel=1e-12)
    assert (
        row["basis"]
        == "population-weighted mean (2020 census) of the 13 prefectures' forecasts, path by path"
    )
    paths = result.paths.sel(month="2024-12-01")
    pref = paths.isel(series=(paths["region"] != "province").values)
    order = [list(pref["region"].values).index(r) for r in regions["region"]]
    mean = pref.values[:, order] @ w
    assert row["p_met"] == float((mean >= 88).mean())


def test_a_province_whose_own_reports_stop_early_is_named(both, catalog):
    from longjiang_forecast.progress._state import province_from_prefectures

    stale = both.copy(deep=True)
    months = ["2024-07-01", "2024-08-01"]
    stale["value"].loc[{"indicator": IND, "region": "province", "month": months}] = np.nan
    # its reports up to June are its prefectures' total: forecast as that total, observed to August
    state = lf.build_state(stale, catalog, as_of="2024-08")
    assert "province" not in state["region"].values
    rows = province_from_prefectures(state, catalog)
    assert rows is not None and int(rows.fields["last_month"][0]) == 8
    # reports of its own (not their total) that stop early are forecast as they are, and named
    stale["value"].loc[{"indicator": IND, "region": "province", "month": "2024-06-01"}] *= 1.05
    state = lf.build_state(stale, catalog, as_of="2024-08")
    assert "province" in state["region"].values  # its own reports are used
    with pytest.warns(
        ForecastWarning, match=r"own reports end in 2024-06 but all its 13 prefectures .* 2024-08"
    ):
        assert province_from_prefectures(state, catalog) is None


def test_a_prefecture_with_its_own_catalogue_row_does_not_make_the_province_its_total(
    tmp_path, catalog, both, prefectures
):
    """A catalogue listing Harbin's own target beside the province's made the province Harbin's total
    (P(met) 0.00 against 0.94), and with the province reporting too, a false disagreement of -67 %
    (a second break-it pass): every prefecture forecast for the indicator is part of the province."""
    from longjiang_forecast.catalog import write_catalog

    written = write_catalog(catalog, tmp_path / "c.csv")
    table = pd.read_csv(written, dtype=str, keep_default_na=False)
    harbin = table[table["region"] == "province"].assign(region="harbin", target="4714")
    pd.concat([table, harbin]).to_csv(tmp_path / "c_harbin.csv", index=False)
    listed = lf.load_catalog(tmp_path / "c_harbin.csv")
    plain, with_row = _province(_forecast(prefectures, catalog)), _province(_forecast(prefectures, listed))
    assert with_row["observed"] == pytest.approx(plain["observed"])
    assert with_row["p_met"] == pytest.approx(plain["p_met"], abs=0.05)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        lf.forecast(both, listed, n_draws=200, seed=3)
    assert not [w for w in caught if "differ from the sum of its" in str(w.message)]


def _with_rows(tmp_path, catalog, targets: dict[str, str], province: str | None = None):
    """The catalogue with prefecture rows of their own (``targets``), optionally another province target."""
    from longjiang_forecast.catalog import write_catalog

    written = write_catalog(catalog, tmp_path / "c.csv", overwrite=True)
    table = pd.read_csv(written, dtype=str, keep_default_na=False)
    prov = table[table["region"] == "province"]
    if province is not None:
        table.loc[table["region"] == "province", "target"] = province
    rows = [prov.assign(region=region, target=target) for region, target in targets.items()]
    path = tmp_path / "c_rows.csv"
    pd.concat([table, *rows]).to_csv(path, index=False)
    return lf.load_catalog(path)


def test_a_province_is_not_the_total_of_the_one_prefecture_listed_and_reporting(
    tmp_path, catalog, prefectures
):
    """A catalogue with the province and Harbin alone, Harbin alone reporting, made the province Harbin's
    total: P(met) 0.00 "off track" against a target 3.1 times Harbin's, with no warning (a break-it pass)."""
    listed = _with_rows(tmp_path, catalog, {"harbin": "4714"})
    harbin_only = prefectures.sel(region=["harbin"])
    row = _province(_forecast(harbin_only, listed))
    assert row["status"] == "no forecast" and np.isnan(row["p_met"])
    assert re.search(
        r"target 15,000 is not the total of the 1 prefecture\(s\) forecast \(harbin: targets 4,714, 31%",
        row["reason"],
    )
    # with every prefecture reporting, the province is their total again (Harbin's row, the others split)
    assert np.isfinite(_province(_forecast(prefectures, listed))["p_met"])


def test_a_province_target_far_from_its_prefectures_sum_is_named(tmp_path, catalog, prefectures):
    """A province target of 3,389 against its prefectures' 33,887 was shown "achieved" with no warning."""
    from longjiang_forecast import build_state
    from longjiang_forecast.progress._state import province_from_prefectures

    own = {r: str(round(catalog.target_for(IND, r, year=2024))) for r in catalog.region_ids}
    assert sum(map(int, own.values())) == pytest.approx(15000, abs=13)
    typo = _with_rows(tmp_path, catalog, own, province="1500")
    with pytest.warns(
        ForecastWarning, match=r"province's target 1,500 and the sum of its 13 prefectures' targets"
    ):
        result = lf.forecast(prefectures, typo, n_draws=200, seed=3)
    assert _province(result)["target"] == 1500
    close = _with_rows(tmp_path, catalog, own, province="15750")  # 5 % off: a province's own choice
    with warnings.catch_warnings():
        warnings.simplefilter("error", ForecastWarning)
        province_from_prefectures(build_state(prefectures, close), close)


def test_a_province_figure_rounded_to_whole_units_is_not_a_disagreement():
    """48 km reported by the province for its prefectures' 47.6 was named a disagreement (-0.8 %)."""
    from longjiang_forecast import build_state
    from longjiang_forecast.progress._state import province_from_prefectures

    ind = "13a"  # km of old gas pipes, one decimal
    cat = lf.load_catalog(2024).subset([ind])
    reports = synthetic_progress(cat, seed=7)
    prefs = reports["value"].sel(indicator=ind).drop_sel(region="province").sum("region").values
    this_year = pd.DatetimeIndex(reports["month"].values).year == 2024
    m = int(np.flatnonzero(this_year & (np.abs(prefs - np.round(prefs)) > 0.1) & (prefs > 5))[0])
    month = {"indicator": ind, "region": "province", "month": reports["month"].values[m]}
    for own, warned in ((np.round(prefs[m]), False), (prefs[m] * 1.02, True)):
        shown = reports.copy(deep=True)
        shown["value"].loc[month] = own
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always", ForecastWarning)
            province_from_prefectures(build_state(shown, cat), cat)
        assert bool([w for w in seen if "differ from the sum" in str(w.message)]) == warned


def test_a_deadline_report_late_in_some_prefectures_is_nowcast_with_the_province(catalog):
    """December's report in from Harbin alone: the other twelve and the province are forecast, not refused."""
    full = synthetic_progress(catalog, seed=7, as_of="2024-12").drop_sel(region="province")
    late = full.copy(deep=True)
    others = [r for r in map(str, late["region"].values) if r != "harbin"]
    late["value"].loc[{"indicator": IND, "region": others, "month": "2024-12-01"}] = np.nan
    table = _forecast(late, catalog).table().set_index("region")
    assert table.loc["harbin", "observed_month"] == "2024-12" and table.loc["harbin", "status"] in (
        "achieved",
        "missed",
    )
    assert (table.loc[others, "status"] != "no forecast").all()
    province = table.loc["province"]
    assert province["observed_month"] == "2024-11" and 0 < province["p_met"] <= 1
    truth = float(full["value"].sel(indicator=IND, month="2024-12-01").sum())
    assert province["q10"] < truth < province["q90"]  # 15,582: one month left to simulate
    # a deadline's report that no region has given is still settled from the reports, not forecast
    stale = late.copy(deep=True)
    stale["value"].loc[{"indicator": IND, "region": "harbin", "month": "2024-12-01"}] = np.nan
    refused = _forecast(stale, catalog, as_of="2024-12").table().set_index("region")
    assert refused["status"].isin(["no forecast", "achieved"]).all()  # achieved by November stays so
    assert refused.loc["province", "status"] == "no forecast"
    assert refused.loc["harbin", "reason"].startswith("deadline 2024-12-31 passed by the as-of month 2024-12")


def test_the_province_official_figure_decides_where_it_agrees_to_rounding_only():
    """01b (万 persons) as of December: the province reports 19.67, its target, and its prefectures add
    up to 19.60 (0.36 %, rounding): achieved on its own figure (before: 'missed', P(met) 0.00)."""
    ind = "01b"
    cat = lf.load_catalog(2024).subset([ind])
    reports = synthetic_progress(cat, seed=7, as_of="2024-12")
    value = reports["value"]
    target = float(cat.table["target"].iloc[0])
    year = {"month": slice("2024-01-01", "2024-12-01")}
    december = {"indicator": ind, "region": "province", "month": "2024-12-01"}
    value.loc[year] = value.sel(year) * (target * 0.9964 / float(value.sel(december)))
    value.loc[december] = target
    total = float(value.sel(indicator=ind, month="2024-12-01").drop_sel(region="province").sum())
    assert total < target and (target - total) / target < 0.005  # agrees to rounding
    table = _forecast(reports, cat, as_of="2024-12").table()
    row = table[table["region"] == "province"].iloc[0]
    assert row["observed"] == target and row["status"] == "achieved" and row["p_met"] == 1.0
    assert row["basis"].endswith("are its figures where given")


def test_a_province_figure_no_prefecture_report_checks_waits(both, prefectures, catalog):
    """Harbin's August report late, the province's given: the province is its prefectures' total, as
    without its rows, and its August figure waits for Harbin's (a x10 typo there had made P(met) 1.0)."""
    late = both.copy(deep=True)
    late["value"].loc[{"indicator": IND, "region": "harbin", "month": "2024-08-01"}] = np.nan
    alone = _province(_forecast(late.drop_sel(region="province"), catalog))
    for factor in (1.0, 10.0):
        typo = late.copy(deep=True)
        typo["value"].loc[{"indicator": IND, "region": "province", "month": "2024-08-01"}] *= factor
        row = _province(_forecast(typo, catalog))
        assert row["observed_month"] == "2024-07" and row["p_met"] == alone["p_met"]
        assert row["median"] == alone["median"]
        assert row["basis"].endswith(
            "; its own figures of 2024-08 wait for all its prefectures' reports; "
            "not reported, simulated: harbin 2024-08"
        )


def test_an_annual_mean_province_agreeing_with_its_prefectures_is_their_total_as_given():
    """17b (PM2.5, an annual mean): prefectures whose population-weighted mean is the province's figure;
    with the province's rows or without, one forecast (its monthly figures are not its paths' running
    means: put on them, it had P(met) 1.00 'on track' against 0.40)."""
    ind = "17b"
    cat = lf.load_catalog(2024).subset([ind])
    reports = synthetic_progress(cat, seed=7)
    province = reports["value"].sel(indicator=ind, region="province")
    regions = lf.load_regions()
    names = [r for r in regions["region"] if r != "province"]
    population = regions.set_index("region").loc[names, "population_2020"].to_numpy(float)
    factor = np.linspace(0.8, 1.2, len(names))
    factor /= np.sum(factor * population / population.sum())  # weighted mean of the factors: 1
    values = np.concatenate([province.values[None, :], factor[:, None] * province.values[None, :]])
    both = xr.Dataset(
        {"value": (("indicator", "region", "month"), values[None])},
        coords={"indicator": [ind], "region": ["province", *names], "month": reports["month"].values},
        attrs=reports.attrs,
    )
    with_own = _province(_forecast(both, cat), ind)
    alone = _province(_forecast(both.drop_sel(region="province"), cat), ind)
    assert with_own["p_met"] == alone["p_met"] and with_own["median"] == alone["median"]
    assert with_own["basis"].endswith("; the province's own reports agree with their total")
