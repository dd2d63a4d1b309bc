"""Scenario files: the shipped ones load; bad ones are refused with file, key and reason."""

import re
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import longjiang_forecast as lf
from longjiang_forecast.scenarios import compile_scenario, load_scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def one_effect(tmp_path, effect, name="x"):
    """A scenario file ``{name}.toml`` in ``tmp_path`` with the one effect ``effect`` (TOML lines)."""
    path = tmp_path / f"{name}.toml"
    path.write_text(f'name = "{name}"\n[[effects]]\n{effect}\n', encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["baseline", "funding-delay", "early-winter", "year-end-push", "stress"])
def test_shipped_scenarios_load(name, catalog):
    scenario = load_scenario(SCENARIOS / f"{name}.toml", catalog=catalog)
    assert scenario.name == name and scenario.year == 2024


@pytest.mark.parametrize(
    ("body", "key", "reason"),
    [
        (
            'tags = ["outdoor"]\nstart = "2024-10"\nindicators = ["99z"]',
            "effects[0].indicators",
            "unknown indicators",
        ),
        ('tags = ["outdor"]\nstart = "2024-10"', "effects[0].tags", "unknown tags"),
        (
            'regions = ["atlantis"]\nstart = "2024-10"',
            "effects[0].regions",
            r"unknown regions \['atlantis'\]; known",
        ),
        (
            'regions = ["harbn"]\nstart = "2024-10"',
            "effects[0].regions",
            r"\['harbn'\] \(did you mean 'harbin'\?\)",
        ),
        ('regions = ["哈尔宾"]\nstart = "2024-10"', "effects[0].regions", r"\(did you mean 'harbin'\?\)"),
        (
            'tags = ["constructon"]\nstart = "2024-10"',
            "effects[0].tags",
            r"\(did you mean 'construction'\?\)",
        ),
        (
            'indicators = ["13x", "19b", "09"]\nstart = "2024-10"',
            "effects[0].indicators",
            r"unknown indicators \['09', '13x'\] \(did you mean '09a' for '09'\?\)",  # 13x: 13a, 13b or 13c
        ),
        ('start = "2025-10"', "effects[0].start", "outside the scenario's year 2024"),
        ('start = "2024-13"', "effects[0].start", "must be a month written YYYY-MM"),
        ("start = 2024-09-01", "effects[0].start", 'in quotes. Got the date 2024-09-01: write "2024-09"'),
        ('start = "2024-10"\nspeed = 3', "effects[0].speed", "is not a key of a stoppage effect"),
        (
            'start = "2024-10"\nregion = ["harbin"]',
            "effects[0].region",
            r"is not a key of a stoppage effect \(did you mean 'regions'\?\)",
        ),
        ('start = "2024-10"\nindicators = ["9a"]', "effects[0].indicators", r"\(did you mean '09a'\?\)"),
    ],
)
def test_bad_stoppage_is_refused(tmp_path, catalog, body, key, reason):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "x"\n[[effects]]\ntype = "stoppage"\n{body}\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match=rf"bad\.toml: '{re.escape(key)}'.*{reason}"):
        load_scenario(path, catalog=catalog)


@pytest.mark.parametrize(
    ("effect", "key", "reason"),
    [
        ('type = "delay"\nstart = "2024-05"\nduration = 2\nprobability = 1.5', "probability", r"in \[0, 1\]"),
        ('type = "multiplier"\nmonths = ["2024-05", "2024-06"]\nfactor = -0.5', "factor", "number >= 0"),
        ('type = "push"\nmonths = ["2024-11", "2024-12"]\nfactor = 0.5', "factor", "of a push must be >= 1"),
        (
            'type = "multiplier"\nmonths = ["2024-08", "2024-06"]\nfactor = 0.5',
            "months",
            "starts after it ends",
        ),
        ('type = "delay"\nstart = "2024-05"\nprobability = 0.5', "duration", "is required"),
        ('type = "delay"\nstart = "2024-05"\nduration = 0\nprobability = 0.5', "duration", "is 0 months"),
        ('type = "flood"', "type", "must be one of"),
        ('type = "stopage"', "type", r"Got 'stopage' \(did you mean 'stoppage'\?\)"),
    ],
)
def test_bad_effect_values_are_refused(tmp_path, catalog, effect, key, reason):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "x"\n[[effects]]\n{effect}\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match=rf"'effects\[0\]\.{key}'.*{reason}"):
        load_scenario(path, catalog=catalog)


def test_unknown_top_level_key_and_bad_toml(tmp_path, catalog):
    path = tmp_path / "bad.toml"
    path.write_text('name = "x"\nwinter = "early"\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match="'winter' is not a scenario key"):
        load_scenario(path, catalog=catalog)
    path.write_text('name = "x\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match="not valid TOML"):
        load_scenario(path, catalog=catalog)


def test_delay_is_shared_across_series_and_has_its_probability(catalog, progress):
    state = lf.build_state(progress, catalog, "2024-08")
    scenario = load_scenario(SCENARIOS / "funding-delay.toml", catalog=catalog)  # one delay effect, p = 0.4
    compiled = compile_scenario(scenario, state, catalog, n_draws=20_000, seed=3)
    hit = (compiled.factors[0] == 0).any(axis=1)
    assert abs(hit.mean() - 0.4) < 4 * np.sqrt(0.4 * 0.6 / 20_000)
    block = compiled.multiplier(0, 50)
    touched = np.flatnonzero(compiled.masks[0])
    # one event per path moves every series it selects together
    assert np.all(block[:, touched, :] == block[:, touched[:1], :])


def test_stoppage_start_is_random_within_its_range(catalog, progress):
    state = lf.build_state(progress, catalog, "2024-08")
    compiled = compile_scenario(
        load_scenario(SCENARIOS / "early-winter.toml", catalog=catalog), state, catalog, n_draws=4000, seed=1
    )
    first_stop = np.argmax(compiled.factors[0] == 0, axis=1) + 1
    assert set(np.unique(first_stop)) == {10, 11}
    assert np.all(compiled.factors[0][:, 11] == 0)


def test_scenarios_move_the_odds_the_right_way(catalog, progress):
    from longjiang_forecast.simulate import apply_scenario

    model = lf.SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")
    draws = model.sample_parameters(2000, seed=1)
    state = model.state_

    def p_met(name):
        compiled = compile_scenario(
            load_scenario(SCENARIOS / f"{name}.toml", catalog=catalog), state, catalog, n_draws=2000, seed=3
        )
        stats = lf.simulate_summary(apply_scenario(draws, compiled, state), state, seed=2)
        return lf.summarise(stats, state)["p_met"].values

    base, winter, push, stress = (p_met(n) for n in ("baseline", "early-winter", "year-end-push", "stress"))
    outdoor = np.array(["outdoor" in str(catalog.row(i)["tags"]) for i in state["indicator"].values])
    ok = np.isfinite(base)
    # Monte Carlo noise of a difference of two independent estimates with 2,000 draws each
    tol = 4 * np.sqrt(2 * 0.25 / 2000)
    assert np.all(winter[ok] <= base[ok] + tol) and np.all(stress[ok] <= base[ok] + tol)
    assert np.all(push[ok] >= base[ok] - tol)
    assert (base[outdoor & ok] - winter[outdoor & ok]).max() > 0.2
    assert (base[outdoor & ok] - stress[outdoor & ok]).max() > 0.5
    # work that is not outdoor is untouched by the early winter (up to noise)
    counts = ~outdoor & ok & (state["kind"].values == "cumulative")
    assert np.abs(winter[counts] - base[counts]).max() < tol


def test_scenario_for_other_draws_is_refused(catalog, progress):
    from longjiang_forecast.simulate import apply_scenario

    model = lf.SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")
    compiled = compile_scenario(
        load_scenario(SCENARIOS / "early-winter.toml", catalog=catalog),
        model.state_,
        catalog,
        n_draws=10,
        seed=3,
    )
    with pytest.raises(lf.DataValidationError, match="compiled for 10 draws; the draws have 20"):
        apply_scenario(model.sample_parameters(20, seed=1), compiled, model.state_)


def test_scenario_for_another_year_is_refused(tmp_path, catalog, progress):
    path = tmp_path / "y2023.toml"
    path.write_text(
        'name = "old"\nyear = 2023\n[[effects]]\ntype = "stoppage"\ntags = ["outdoor"]\nstart = "2023-10"\n'
    )
    with pytest.raises(
        lf.DataValidationError, match=r"y2023\.toml: 'year' is 2023 but the forecast is for 2024"
    ):
        lf.forecast(progress, catalog, n_draws=100, seed=1, scenario=path)


def test_baseline_name_is_reserved(tmp_path, catalog):
    path = tmp_path / "b.toml"
    path.write_text(
        'name = "baseline"\n[[effects]]\ntype = "stoppage"\ntags = ["outdoor"]\nstart = "2024-10"\n'
    )
    with pytest.raises(lf.DataValidationError, match="'baseline' is reserved for the year with no effects"):
        load_scenario(path, catalog=catalog)


@pytest.mark.parametrize(
    ("name", "message", "chinese"),
    [
        (
            "Baseline",
            "'name' 'Baseline' reads as the baseline's name in the outputs",
            "在输出中与基准情景的名称相同",
        ),
        (
            "基准情景",
            "'name' '基准情景' reads as the baseline's name in the outputs",
            "在输出中与基准情景的名称相同",
        ),
        (
            "a\\nb",
            "'name' holds a line break or another control character ('a\\nb')",
            "含有换行符或其他控制字符",
        ),
    ],
)
def test_a_name_that_would_read_as_the_baseline_or_break_the_table_is_refused(
    tmp_path, catalog, name, message, chinese
):
    """A scenario named 基准情景 got the baseline's column title under --lang zh (two columns of one
    title), "Baseline" stood beside "baseline", and a name with a line break broke the table's
    header (a break-it pass)."""
    from longjiang_forecast.report._text import in_chinese

    path = tmp_path / "n.toml"
    path.write_text(f'name = "{name}"\n[[effects]]\ntype = "stoppage"\nstart = "2024-10"\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError) as err:
        load_scenario(path, catalog=catalog)
    assert message in str(err.value)
    assert chinese in in_chinese(str(err.value))


def test_effect_in_the_past_warns(tmp_path, catalog, progress):
    path = one_effect(tmp_path, 'type = "stoppage"\ntags = ["outdoor"]\nstart = "2024-03"\nuntil = "2024-05"')
    with pytest.warns(
        lf.ForecastWarning,
        match=r"effects\[0\] \(stoppage\) ends in month 5, and every series it selects \(\d+\) has "
        r"reports up to month \d+ or later: it changes nothing \(those months are reported\)",
    ):
        lf.forecast(progress, catalog, n_draws=100, seed=1, scenario=path)


@pytest.mark.parametrize(
    ("effect", "why"),
    [
        (
            'type = "stoppage"\nindicators = ["01a"]\ntags = ["heating"]\nstart = "2024-09"',
            "selects no series of this forecast",
        ),
        (
            'type = "stoppage"\nindicators = ["05a"]\nstart = "2024-09"',
            "selects no series of this forecast",
        ),  # qualitative
        (
            'type = "multiplier"\nindicators = ["17b"]\nmonths = ["2024-09", "2024-12"]\nfactor = 3.0',
            r"selects only series of kind \['annual_mean'\], which scenarios do not change",
        ),
        (
            'type = "cap"\nindicators = ["12a"]\nmax_share_per_month = 0.01',
            r"selects only series of kind \['milestone'\], which a cap does not change",
        ),
        (
            'type = "stoppage"\nindicators = ["13a"]\nstart = "2024-11"',
            r"starts in month 11, after the deadline of every series it selects \(at the latest 10\)",
        ),
        # a factor of 1 and a delay that never happens (a third break-it pass)
        (
            'type = "push"\nmonths = ["2024-09", "2024-10"]\nfactor = 1.0',
            "has factor 1: it multiplies the rate by 1",
        ),
        (
            'type = "delay"\nstart = "2024-09"\nduration = 2\nprobability = 0.0',
            "has probability 0: no path is delayed",
        ),
    ],
)
def test_an_effect_that_can_change_nothing_warns(tmp_path, catalog, progress, effect, why):
    """A new user's effects that left every P(met) as it was without a word (a second break-it pass);
    and no series is marked touched by them (a cap on milestones marked them, beside the warning)."""
    path = one_effect(tmp_path, effect, "idle")
    with pytest.warns(lf.ForecastWarning, match=rf"effects\[0\] \(\w+\) {why}: it changes nothing"):
        result = lf.forecast(progress, catalog, n_draws=100, seed=1, scenario=path)
    assert not result.summary["scenario_touched"].values.any()


def test_effect_warnings_judge_each_series_by_its_own_last_report(tmp_path, catalog, progress):
    """An effect ending in the as-of month changes a series whose reports stop earlier (issue 15)."""
    import warnings

    path = tmp_path / "summer.toml"
    path.write_text(
        'name = "summer"\n[[effects]]\ntype = "stoppage"\nindicators = ["15a"]\n'
        'start = "2024-06"\nuntil = "2024-08"\n'
    )
    small = catalog.subset(["15a"])
    data = progress.sel(indicator=["15a"])
    with pytest.warns(lf.ForecastWarning, match=r"ends in month 8, and every series it selects"):
        lf.forecast(data, small, as_of="2024-08", n_draws=100, seed=1, scenario=path)
    late = data.copy(deep=True)
    late["value"].loc[{"month": slice("2024-06-01", "2024-08-01")}] = np.nan  # reports stop in May
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stopped = lf.forecast(late, small, as_of="2024-08", n_draws=400, seed=1, scenario=path)
    assert not [w for w in caught if "changes nothing" in str(w.message)]
    assert (stopped.state["last_month"].values == 5).all()
    with pytest.warns(lf.ForecastWarning, match="no series has a report for 2024-06 to 2024-08"):
        base = lf.forecast(late, small, as_of="2024-08", n_draws=400, seed=1)
    assert stopped.summary["scenario_touched"].values.all()
    assert np.all(stopped.summary["p_met"].values <= base.summary["p_met"].values)
    assert np.any(stopped.summary["p_met"].values < base.summary["p_met"].values - 0.05)


def test_untouched_series_show_no_change(catalog, progress):
    comparison = lf.compare_scenarios(
        progress, catalog, [SCENARIOS / "baseline.toml", SCENARIOS / "early-winter.toml"], n_draws=500, seed=1
    )
    table = comparison.table()
    assert list(comparison.forecasts) == ["baseline", "early-winter"]
    winter = table[table["scenario"] == "early-winter"]
    assert (winter.loc[~winter["touched"], "delta_vs_baseline"] == 0).all()
    assert set(winter.loc[winter["touched"], "indicator"]) >= {"13a", "15a", "19a", "19b"}
    assert "17b" not in set(winter.loc[winter["touched"], "indicator"])
    # the forecast under the same scenario and seed shows the same numbers (one route, issue 14):
    # untouched series carry the baseline's summaries and paths exactly
    alone = lf.forecast(progress, catalog, scenario=SCENARIOS / "early-winter.toml", n_draws=500, seed=1)
    scenario = comparison.forecasts["early-winter"]
    for name in ("p_met", "p_met_se", "deadline_value", "first_passage_cdf", "expected_shortfall"):
        np.testing.assert_array_equal(alone.summary[name].values, scenario.summary[name].values, err_msg=name)
    np.testing.assert_array_equal(alone.paths.values, scenario.paths.values)
    untouched = ~scenario.summary["scenario_touched"].values
    base = comparison.forecasts["baseline"]
    np.testing.assert_array_equal(
        alone.summary["p_met"].values[untouched], base.summary["p_met"].values[untouched]
    )
    np.testing.assert_array_equal(alone.paths.values[:, untouched], base.paths.values[:, untouched])


# ---------------------------------------------------------------- issue 15: types, finiteness, order
STOP = 'type = "stoppage"\ntags = ["outdoor"]\nstart = "2024-10"'
DELAY = 'type = "delay"\nstart = "2024-05"\nduration = 2\nprobability = 0.5'
MULT = 'type = "multiplier"\nmonths = ["2024-05", "2024-06"]\nfactor = 0.5'
CAP = 'type = "cap"\nmax_share_per_month = 0.1'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            DELAY.replace("0.5", "true"),
            r"'effects\[0\]\.probability' must be a number in \[0, 1\]\. Got True",
        ),
        (
            DELAY.replace("duration = 2", "duration = true"),
            r"'effects\[0\]\.duration' must be a whole number of months 1-12",
        ),
        (MULT.replace("0.5", "nan"), r"'effects\[0\]\.factor' must be a finite number >= 0\. Got nan"),
        (MULT.replace("0.5", "inf"), r"'effects\[0\]\.factor' must be a finite number >= 0\. Got inf"),
        (MULT.replace("0.5", "false"), r"'effects\[0\]\.factor' must be a finite number >= 0\. Got False"),
        (
            MULT.replace("0.5", "1e9"),
            r"'effects\[0\]\.factor' must be at most 100 .*e\.g\. 1e9 for 1\.0\. Got 1000000000\.0",
        ),
        (
            CAP.replace("0.1", "nan"),
            r"'effects\[0\]\.max_share_per_month' must be a finite number > 0\. Got nan",
        ),
        (
            CAP.replace("0.1", "inf"),
            r"'effects\[0\]\.max_share_per_month' must be a finite number > 0\. Got inf",
        ),
        (  # 5 meant as 5 %: a cap that limits nothing (a new-user check)
            CAP.replace("0.1", "5"),
            r"'effects\[0\]\.max_share_per_month' is a share of the target, at most 1 .*Got 5\.",
        ),
        (
            STOP + '\nuntil = "2024-08"',
            r"'effects\[0\]\.until' is before the start \(2024-08 < month 10 of 2024\), so the",
        ),
        (
            STOP.replace('"2024-10"', '["2024-09", "2024-11"]') + '\nuntil = "2024-10"',
            r"'effects\[0\]\.until' is before the start \(2024-10 < month 11",
        ),
    ],
)
def test_wrong_types_non_finite_values_and_order_are_refused(tmp_path, catalog, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(f'name = "x"\n[[effects]]\n{text}\n', encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match=rf"^{re.escape(str(path))}: {message}") as info:
        load_scenario(path, catalog=catalog)
    assert "\n" not in str(info.value)  # one problem, one line


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            'name = "x"\neffects = [1, 2]\n',
            r"'effects' must be tables of keys .*, not values: effects\[0\] = 1, effects\[1\] = 2\.$",
        ),
        (
            'name = "x"\ndescription = "cut before its effects"\n',
            r"'effects' is missing: the file has no \[\[effects\]\]",
        ),
        ('name = "x"\neffects = []\n', r"'effects' is empty, so the scenario changes nothing"),
        (
            'name = "x"\nyear = true\n[[effects]]\n' + STOP + "\n",
            r"'year' must be a whole number such as 2024",
        ),
        (
            'name = "x"\ndescription = 3\n[[effects]]\n' + STOP + "\n",
            r"'description' must be a string\. Got 3",
        ),
        ("name = true\n[[effects]]\n" + STOP + "\n", r"'name' must be a non-empty string\. Got True"),
        (
            'name = "x"\nnest = ' + "[" * 5000 + "]" * 5000 + "\n",
            r"arrays or tables nested too deeply to read",
        ),
    ],
)
def test_malformed_scenario_files_are_refused_naming_the_key(tmp_path, catalog, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(lf.DataValidationError, match=rf"{re.escape(str(path))}: {message}"):
        load_scenario(path, catalog=catalog)


@pytest.mark.parametrize(("encoding", "name"), [("gb18030", r"GB18030 \(GBK\)"), ("utf-16", "UTF-16")])
def test_gbk_and_utf16_scenarios_are_read_with_a_warning(tmp_path, catalog, encoding, name):
    text = (
        (SCENARIOS / "early-winter.toml")
        .read_text(encoding="utf-8")
        .replace('name = "early-winter"', 'name = "early-winter"\n# 入冬提前：室外施工停工')
    )
    path = tmp_path / "winter.toml"
    path.write_bytes(text.encode(encoding))
    with pytest.warns(
        UserWarning, match=rf"winter\.toml: read as {name}, not UTF-8\. Check its Chinese text"
    ):
        scenario = load_scenario(path, catalog=catalog)
    original = load_scenario(SCENARIOS / "early-winter.toml", catalog=catalog)
    assert replace(scenario, source="") == replace(original, source="") and original.effects


def test_undecodable_scenario_is_refused(tmp_path, catalog):
    path = tmp_path / "bin.toml"
    path.write_bytes(b'name = "x"\n\x81\x30\xff\xfe\x00')
    with pytest.raises(
        lf.DataValidationError, match=r"bin\.toml: the scenario file is neither UTF-8 nor GBK/GB18030 text"
    ):
        load_scenario(path, catalog=catalog)


def test_deep_nesting_is_refused_whatever_the_recursion_limit(tmp_path, catalog):
    """A deeply nested file is our error even where a library raised the recursion limit (PyMC: 10,000)."""
    path = tmp_path / "deep.toml"
    path.write_text('name = "x"\na = ' + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(10_000)
    try:
        with pytest.raises(lf.DataValidationError, match=r"deep\.toml: arrays or tables nested too deeply"):
            load_scenario(path, catalog=catalog)
    finally:
        sys.setrecursionlimit(old)


def test_regions_are_read_in_every_spelling_a_progress_file_accepts(tmp_path, catalog):
    """哈尔滨 / 哈尔滨市 / Harbin select harbin, as in a progress file (they were refused as unknown)."""
    spellings = []
    for name in ("哈尔滨", "哈尔滨市", "Harbin", "harbin"):
        path = tmp_path / f"{len(spellings)}.toml"
        path.write_text(
            f'name = "x"\n[[effects]]\ntype = "stoppage"\nregions = ["{name}"]\nstart = "2024-10"\n',
            encoding="utf-8",
        )
        spellings.append(load_scenario(path, catalog=catalog).effects[0].regions)
    assert spellings == [("harbin",)] * 4


def test_an_effect_on_prefectures_warns_where_the_province_row_cannot_move(tmp_path, catalog, progress):
    """A stoppage of Harbin's 13a left the province row's P(met) as it was, marked "(0)", without a word
    (a third break-it pass): the province row is forecast from the province's own reports where they
    differ from its prefectures' total; where they are that total, it is that total and moves."""
    import warnings

    path = one_effect(tmp_path, 'type = "stoppage"\nregions = ["harbin"]\nstart = "2024-09"', "harbin")
    small = catalog.subset(["13a"])
    data = progress.sel(indicator=["13a"]).copy(deep=True)
    assert "province" in data["region"].values
    # the province's own reports are its prefectures' total: its row is that total, and it moves
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        agreeing = lf.forecast(data, small, n_draws=400, seed=1, scenario=path)
    assert not [w for w in caught if "own reports" in str(w.message)]
    assert bool(
        agreeing.summary["scenario_touched"].sel(series=agreeing.summary["region"] == "province").item()
    )
    # reports of its own that differ from their total (5 % more in August) are forecast as they are
    data["value"].loc[{"indicator": "13a", "region": "province", "month": "2024-08-01"}] *= 1.05
    with pytest.warns(
        lf.ForecastWarning,
        match=r"effects\[0\] \(stoppage\) changes prefecture rows of 13a but "
        r"not their province rows, which are forecast from the province's own reports",
    ) as said:
        own = lf.forecast(data, small, n_draws=400, seed=1, scenario=path)
    from longjiang_forecast.report._text import in_chinese

    zh = [in_chinese(str(w.message)) for w in said if "province rows" in str(w.message)]
    assert zh and "effects[0]（stoppage）改变了 13a 的地市行，但没有改变其全省行" in zh[0]
    row = {"indicator": "13a", "region": "province"}
    assert not bool(own.summary["scenario_touched"].sel(series=own.summary["region"] == "province").item())
    # without the province's own reports its row is the total of its prefectures, and it moves
    prefectures = data.sel(region=[r for r in data["region"].values if r != "province"])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        stopped = lf.forecast(prefectures, small, n_draws=400, seed=1, scenario=path)
    assert not [w for w in caught if "province rows" in str(w.message) and "own reports" in str(w.message)]
    base = lf.forecast(prefectures, small, n_draws=400, seed=1)
    whole = one_effect(tmp_path, 'type = "stoppage"\nregions = ["province"]\nstart = "2024-09"', "p")
    with pytest.warns(
        lf.ForecastWarning,
        match=r"selects no series of this forecast \(the province has no row "
        r"of its own here: it is forecast as the total of its prefectures, so select the",
    ):
        lf.forecast(prefectures, small, n_draws=100, seed=1, scenario=whole)
    # the same where other indicators have province rows of their own (02c: the province alone reports)
    both = catalog.subset(["13a", "02c"])
    named = one_effect(
        tmp_path, 'type = "stoppage"\nindicators = ["13a"]\nregions = ["province"]\nstart = "2024-09"', "p13"
    )
    with pytest.warns(lf.ForecastWarning, match=r"the province has no row of its own here"):
        lf.forecast(progress.sel(indicator=["13a", "02c"]), both, n_draws=100, seed=1, scenario=named)
    same = agreeing.table().set_index(["indicator", "region"])["p_met"]
    assert same.equals(stopped.table().set_index(["indicator", "region"])["p_met"])
    moved = stopped.table().set_index(["indicator", "region"]).loc[tuple(row.values()), "p_met"]
    before = base.table().set_index(["indicator", "region"]).loc[tuple(row.values()), "p_met"]
    assert moved < before - 0.02


def test_an_effect_on_the_province_warns_where_its_row_is_the_total_of_its_prefectures(
    tmp_path, catalog, progress
):
    """regions = ["province"] with other province rows of their own (02c): 13a's province row, the
    total of its prefectures, is not reached, and a warning names it (Chinese too); its P(met) was
    left as it was without a word (a break-it pass: 19a 0.53 under an October stoppage of the
    province, 0.01 without 'regions')."""
    from longjiang_forecast.report._text import in_chinese

    both = catalog.subset(["13a", "02c"])
    data = progress.sel(indicator=["13a", "02c"])
    whole = one_effect(tmp_path, 'type = "stoppage"\nregions = ["province"]\nstart = "2024-09"', "whole")
    with pytest.warns(lf.ForecastWarning) as said:
        stopped = lf.forecast(data, both, n_draws=400, seed=1, scenario=whole)
    mine = sorted({str(w.message) for w in said if "names 'province' in its regions" in str(w.message)})
    assert mine == [
        f"{whole}: effects[0] (stoppage) names 'province' in its regions, but the province rows of 13a are "
        "forecast as the total of their prefectures (no series of their own): the effect does not reach "
        "them, and their P(met) under this scenario is the baseline's. To change the province's total, "
        "select its prefectures, or leave 'regions' out for all of them."
    ]
    assert in_chinese(mine[0]).startswith(
        f"{whole}：effects[0]（stoppage）的 regions 含“province”（全省），但 13a"
    )
    base = lf.forecast(data, both, n_draws=400, seed=1).table().set_index(["indicator", "region"])["p_met"]
    after = stopped.table().set_index(["indicator", "region"])["p_met"]
    assert after[("13a", "province")] == base[("13a", "province")]  # as the warning says
    # without 'regions' the stoppage reaches every prefecture, so the province's total
    everywhere = one_effect(tmp_path, 'type = "stoppage"\nstart = "2024-09"', "everywhere")
    moved = lf.forecast(data, both, n_draws=400, seed=1, scenario=everywhere).table()
    assert moved.set_index(["indicator", "region"])["p_met"][("13a", "province")] < base[("13a", "province")]


def test_a_delay_that_can_start_in_reported_months_warns(tmp_path, catalog, progress):
    """A delay of 19b drawn to start July-October as of August: the paths that drew July or August
    were not delayed at all (P(met) 0.49 against 0.18 from September), and nothing said so (a fourth
    break-it pass)."""
    import warnings

    path = tmp_path / "early.toml"
    body = 'name = "d"\n[[effects]]\ntype = "delay"\nindicators = ["19b"]\nstart = [{}]\nduration = 1\n'
    path.write_text(body.format('"2024-07", "2024-10"') + "probability = 1.0\n")
    small, data = catalog.subset(["19b"]), progress.sel(indicator=["19b"])
    with pytest.warns(
        lf.ForecastWarning,
        match=r"effects\[0\] \(delay\) can start in month 7, and every series "
        r"it selects has reports up to month 8: a delay drawn to start by then loses",
    ):
        lf.forecast(data, small, n_draws=100, seed=1, scenario=path)
    path.write_text(body.format('"2024-09", "2024-10"') + "probability = 1.0\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error", lf.ForecastWarning)
        lf.forecast(data, small, n_draws=100, seed=1, scenario=path)


def test_selectors_are_read_without_surrounding_spaces(tmp_path, catalog):
    """'Mudanjiang ' was accepted but '09a ' and 'outdoor ' refused (a fourth break-it pass)."""
    path = tmp_path / "spaces.toml"
    path.write_text(
        'name = "s"\n[[effects]]\ntype = "stoppage"\nindicators = [" 19b "]\ntags = ["outdoor "]\n'
        'regions = ["Mudanjiang ", "Harbin City"]\nstart = "2024-10"\n'
    )
    effect = load_scenario(path, catalog=catalog).effects[0]
    assert (effect.indicators, effect.tags) == (("19b",), ("outdoor",))
    assert effect.regions == ("mudanjiang", "harbin")


def test_a_scenario_file_given_twice_is_refused_as_such(tmp_path, catalog, progress):
    """The same file twice was told to 'change the name in one of those files' (a fourth break-it pass);
    two files of one name still are."""
    path = SCENARIOS / "early-winter.toml"
    with pytest.raises(
        lf.DataValidationError, match=r"early-winter\.toml is given 2 times: give each file once"
    ):
        lf.compare_scenarios(progress, catalog, [path, path], n_draws=100, seed=1)
    copy = tmp_path / "copy.toml"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(lf.DataValidationError, match=r"Scenario names must be unique.*Change the 'name'"):
        lf.compare_scenarios(progress, catalog, [path, copy], n_draws=100, seed=1)


def test_a_milestones_effect_counts_the_months_to_its_deadline_only(tmp_path, catalog, progress):
    """08b (projects due 31 October, as of August): a stop in November-December changes nothing and
    leaves the row untouched (it moved P(met) while a warning said it changed nothing); a stop in
    September is half of its two months left, as a halving of both (not a quarter of Sep-Dec)."""

    def on_08b(name, months, factor):
        effect = f'type = "multiplier"\nindicators = ["08b"]\nmonths = {months}\nfactor = {factor}'
        return one_effect(tmp_path, effect, name)

    files = [
        on_08b("after", '["2024-11", "2024-12"]', 0),
        on_08b("september", '["2024-09"]', 0),
        on_08b("halved", '["2024-09", "2024-10"]', 0.5),
    ]
    with pytest.warns(UserWarning):
        comparison = lf.compare_scenarios(progress, catalog, files, n_draws=2000, seed=1)
    rows = comparison.table().set_index(["indicator", "region", "scenario"]).loc[("08b", "province")]
    assert not rows.loc["after", "touched"] and rows.loc["after", "p_met"] == rows.loc["baseline", "p_met"]
    assert rows.loc["september", "p_met"] == rows.loc["halved", "p_met"] < rows.loc["baseline", "p_met"]


@pytest.mark.parametrize("written", ["2024年10月", "2024/10", "2024-10-01"])
def test_a_scenario_month_in_the_forms_of_a_progress_file(tmp_path, catalog, written):
    """A progress file and --as-of took 2024年9月, a scenario file refused it (a new-user pass)."""
    scenarios = []
    for name, month in (("a", written), ("b", "2024-10")):
        path = tmp_path / f"{name}.toml"
        path.write_text(f'name = "x"\n[[effects]]\ntype = "stoppage"\nstart = "{month}"\n', encoding="utf-8")
        scenarios.append(load_scenario(path, catalog=catalog))
    assert scenarios[0].effects == scenarios[1].effects


def test_a_delay_never_raises_a_milestone_programmes_completions_on_any_path(tmp_path, catalog, progress):
    """Milestone completions are drawn by inversion, one uniform each, so a run under a scenario is
    coupled path by path with the baseline: a delay of 08b and 12a leaves every path at or below
    the baseline's, month by month, and P(met) cannot rise (numpy's binomial, which draws a varying
    number of uniforms, gave 08b 0.028 -> 0.036 under the funding delay; a break-it pass)."""
    body = 'type = "delay"\nindicators = ["08b", "12a"]\nstart = "2024-08"\nduration = 2\nprobability = 0.5'
    delay = one_effect(tmp_path, body, "delay")
    data = progress.sel(indicator=["08b", "12a"], month=slice(None, "2024-06"))
    kwargs = {"as_of": "2024-06", "n_draws": 2000, "seed": 5, "keep_paths": 2000}
    base = lf.forecast(data, catalog.subset(["08b", "12a"]), **kwargs)
    late = lf.forecast(data, catalog.subset(["08b", "12a"]), scenario=delay, **kwargs)
    kinds = base.state["kind"].values
    assert (kinds == "milestone").sum() == 2
    before, after = base.paths.values, late.paths.values  # (draw, series, month)
    milestone = kinds == "milestone"
    assert np.all(after[:, milestone] <= before[:, milestone])
    assert np.any(after[:, milestone] < before[:, milestone])  # the delay does bite
    assert np.all(late.summary["p_met"].values[milestone] <= base.summary["p_met"].values[milestone])


@pytest.mark.parametrize("model", ["run_rate", pytest.param("growth_curve", marks=pytest.mark.slow)])
def test_a_gamma_models_paths_move_only_the_way_a_scenario_pushes_them(tmp_path, catalog, progress, model):
    """Gamma increments (the models other than the default) keep step with the baseline whatever the
    factor: G(k) from the first stream, the factor's part from a second (a stopped month's variate
    drawn and discarded, a slowdown or cap by Beta thinning, a push by an added Gamma). Marsaglia-
    Tsang draws a varying number of words, so drawing G(c k) re-drew every later path: run_rate's
    18c in Daqing went from 0.06 to 0.085 under the shipped funding delay at 200 draws, and a 5 %
    slower December raised 28 P(met) of earned_schedule (break-it passes). Every path of a delay,
    a slowdown or a cap is at or below the baseline's, month by month, and of a push at or above."""
    slow = tmp_path / "slow.toml"
    slow.write_text(
        'name = "slow"\nyear = 2024\n[[effects]]\ntype = "multiplier"\nmonths = ["2024-09", "2024-12"]\n'
        'factor = 0.95\n[[effects]]\ntype = "cap"\nmax_share_per_month = 0.05\n',
        encoding="utf-8",
    )
    shipped = [Path("scenarios") / f"{name}.toml" for name in ("funding-delay", "year-end-push")]
    data = progress.sel(month=slice(None, "2024-08"))
    kwargs = {"as_of": "2024-08", "n_draws": 200, "seed": 1, "keep_paths": 200, "model": model}
    runs = lf.compare_scenarios(data, catalog, [*shipped, slow], **kwargs).forecasts
    base = runs["baseline"]
    gamma = base.draws["dynamics"].values == "gamma"
    assert gamma.sum() > 100
    for name, lower in (("funding-delay", True), ("slow", True), ("year-end-push", False)):
        before, after = base.paths.values[:, gamma], runs[name].paths.values[:, gamma]
        assert np.all(after <= before) if lower else np.all(after >= before), name
        assert np.any(after != before), name  # the scenario does bite
        change = runs[name].summary["p_met"].values - base.summary["p_met"].values
        assert not np.any(change > 0) if lower else not np.any(change < 0), name


def test_a_scenarios_warning_is_said_once_whatever_the_chunks_of_draws(tmp_path, catalog, progress):
    """Each chunk of draws compiled the scenario again and said its warnings again: twice with one
    chunk, more with more (a break-it pass)."""
    import warnings

    small = catalog.subset(["09a", "05a"])
    runner = lf.ScenarioRunner(progress.sel(indicator=["09a"]), small, n_draws=5000, seed=1)  # two chunks
    idle = one_effect(tmp_path, 'type = "stoppage"\nindicators = ["05a"]\nstart = "2024-10"', "idle")
    with warnings.catch_warnings(record=True) as said:
        warnings.simplefilter("always")
        runner.run(idle)
    assert [str(w.message).count("selects no series") for w in said] == [1]
