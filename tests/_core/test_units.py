"""Units in either language and the decimals their values are shown with (``_core.units``: the one rule
of the console table, the workbook, the CSV, the bulletin, the figures and the scenario scripts)."""

import re

import pytest

import longjiang_forecast as lf
from longjiang_forecast._core.units import (
    format_against,
    format_in_unit,
    format_rate,
    format_value,
    unit_decimals,
    unit_label,
)


@pytest.mark.parametrize(
    ("unit", "zh", "en"),
    [
        ("households (户)", "户", "households"),
        ("10k persons (万人)", "万人", "10k persons"),
        ("stations (个)", "个", "stations"),
        ("projects (substations)", "项（变电站工程）", "projects (substations)"),
        ("% of counties", "%", "% of counties"),
        ("% change vs 2023", "%（较2023年变化）", "% change vs 2023"),
        ("μg/m³", "微克/立方米", "μg/m³"),
        ("places per 1,000 people", "个/千人", "places per 1,000 people"),
        ("户", "户", "households"),
        ("万人次", "万人次", "10k person-times"),
        ("widgets", "widgets", "widgets"),  # the user's own English word stays as written
        ("台套", "台套", "台套"),  # and so does their own Chinese one
        ("万人 (10k persons)", "万人", "万人 (10k persons)"),  # Chinese first (the national data)
        ("万个 (stock)", "万个", "万个 (stock)"),  # the bracket a qualifier: English as written
        (None, "", ""),
    ],
)
def test_unit_label(unit, zh, en):
    assert unit_label(unit, "zh") == zh
    assert unit_label(unit, "en") == en


def test_every_unit_of_the_2024_list_has_chinese_and_english():
    for unit in set(lf.load_catalog(2024).table["unit"]) - {""}:
        zh, en = unit_label(unit, "zh"), unit_label(unit, "en")
        assert zh and not re.search("[A-Za-z]", zh), (unit, zh)
        assert not any("\u4e00" <= c <= "\u9fff" for c in en), (unit, en)


@pytest.mark.parametrize(
    ("unit", "target", "decimals", "value", "shown"),
    [
        ("households (户)", 15000, 0, 16652.763, "16,653"),  # whole households
        ("households (户)", 4714.2, 0, 4283.4567, "4,283"),  # a prefecture's split target: still whole
        ("stations (个)", 300, 0, 299.6, "300"),
        ("disease types (种)", 100, 0, 98.7, "99"),
        ("projects", 4, 0, 3.5, "4"),  # a milestone's projects: whole, by the unit alone
        ("projects (substations)", 9, 0, 8.2, "8"),
        ("户", 200, 0, 1234.4, "1,234"),  # Chinese only
        ("km (公里)", 800, 1, 812.345, "812.3"),  # one decimal for km
        ("公里", 800, 1, 812.345, "812.3"),
        ("% of counties", 90, 1, 97.84, "97.8"),  # percentages: one
        ("% change vs 2023", -1.0, 1, -0.74, "-0.7"),
        ("μg/m³", 27.3, 1, 26.64, "26.6"),  # a concentration is a measure, not a ratio
        ("places per 1,000 people", 3.78, 2, 3.7149, "3.71"),  # two for ratios
        ("m² per person", 2.53, 2, 2.5349, "2.53"),
        ("10k persons (万人)", 17, 2, 17.4567, "17.46"),  # scaled: by the target's size
        ("10k persons (万人)", 19.67, 2, 19.6712, "19.67"),
        ("10k persons (万人)", 250, 1, 251.26, "251.3"),
        ("10k m² (万平方米)", 6000, 0, 6165.004, "6,165"),
        ("100 million yuan (亿元)", 6.35, 2, 6.4712, "6.47"),
        ("万人 (10k persons)", 1200, 0, 1234.56, "1,235"),
        ("widgets", 2.125, 3, 2.12549, "2.125"),  # an unknown unit: never fewer decimals than the target
        ("widgets", 2.5, 2, 2.4649, "2.46"),  # and about three significant digits
        ("widgets", 40, 1, 41.64, "41.6"),
        ("widgets", 250000, 0, 251234.5, "251,234"),
    ],
)
def test_decimals_follow_the_unit(unit, target, decimals, value, shown):
    assert unit_decimals(unit, target) == decimals
    assert format_in_unit(value, unit, target) == shown


def test_every_unit_of_the_2024_list_has_decimals_of_its_kind():
    """Each unit of the shipped catalogue falls under a named rule (not the unknown-unit fallback)."""
    table = lf.load_catalog(2024).table
    got = {u: unit_decimals(u, t) for u, t in zip(table["unit"], table["target"], strict=True) if u}
    assert got["households (户)"] == 0 and got["bridges (座)"] == 0 and got["projects"] == 0
    assert got["km (公里)"] == 1 and got["μg/m³"] == 1 and got["% change vs 2023"] == 1
    assert got["places per 1,000 people"] == 2 and got["m² per person"] == 2
    assert got["10k m² (万平方米)"] == 0 and got["10k persons (万人)"] == 2


def test_values_get_thousands_separators_and_no_negative_zero():
    assert format_value(16652.763, 0) == "16,653"
    assert format_value(1234567.891, 1) == "1,234,567.9"
    assert format_value(-0.004, 2) == "0.00"
    assert format_value(float("nan"), 0) == "" and format_value(None, 1) == ""
    assert format_in_unit(float("nan"), "households (户)") == "–"
    assert format_in_unit(None, "km (公里)", missing="") == ""


def test_a_value_that_misses_the_target_never_reads_as_the_target():
    assert format_against(14999.6, 15000, "households (户)", ">=") == "14,999.6"
    assert format_against(14999.96, 15000, "households (户)", ">=") == "14,999.96"
    assert format_against(14283.4, 15000, "households (户)", ">=") == "14,283"
    assert format_against(15000.0, 15000, "households (户)", ">=") == "15,000"
    assert format_against(15000.4, 15000, "households (户)", ">=") == "15,000"  # met, and reads as met
    assert format_against(799.96, 800, "km (公里)", ">=") == "799.96"
    assert (
        format_against(27.34, 27.3, "μg/m³", "<=") == "27.34"
        and format_against(27.26, 27.3, "μg/m³", "<=") == "27.3"
    )
    assert format_against(15000.4, 15000, "households (户)") == "15,000.4"  # no comparator: any difference
    assert format_against(float("nan"), 800, "km (公里)", missing="") == ""


def test_rates_per_month_are_finer_than_the_unit():
    # 5 stations over 10 months: 0.5 a month, neither 0 nor 1
    assert format_rate(0.5, "stations (个)", 300) == "0.500"
    assert format_rate(812.4, "stations (个)", 300) == "812"
    assert format_rate(1234.56, "km (公里)", 800) == "1,234.6"
    assert format_rate(0.0213, "m² per person", 2.53) == "0.021"
    assert format_rate(float("nan"), "km (公里)") == "–"


def test_not_finite_and_bad_language():
    assert format_in_unit(float("nan"), "households (户)") == "–"
    with pytest.raises(ValueError, match="The 'lang' parameter of unit_label"):
        unit_label("户", "fr")


def test_a_small_count_shows_its_fraction_and_no_rounding_crosses_the_target():
    from longjiang_forecast._core.units import against_decimals

    # the new user's 02b (3.51 projects, target 5) and 03a (2.02 cities, target 3; q10 2.96)
    assert format_against(3.51, 5, "projects (个)", ">=") == "3.51"
    assert format_against(2.02, 3, "cities (座)", ">=") == "2.02"
    assert format_against(2.96, 3, "cities (座)", ">=") == "2.96"  # not "3" beside "≥ 3"
    assert (
        format_against(3.5, 5, "projects (个)", ">=") == "3.5"
        and format_against(4.0, 5, "projects (个)") == "4"
    )
    # a prefecture's fractional target: a value just above it does not read as below it
    assert format_against(4714.3, 4714.2, "households (户)", ">=") == "4,714.3"
    assert format_against(4714.1, 4714.2, "households (户)", ">=") == "4,714.1"  # not the target's "4,714"
    # a large count keeps whole households: one household is not 1 % of 15,000
    assert against_decimals(14283.4, 15000, "households (户)", ">=") == 0
    assert against_decimals(float("nan"), 5, "projects (个)", ">=") == 0


def test_whole_things_done_rounds_a_count_of_whole_things_down():
    """0.97 of a city has delivered none; a sum of whole reports a hair below 3 in floating point is 3;
    other units and kinds are left as they are."""
    import numpy as np

    from longjiang_forecast._core.units import whole_things_done

    values = np.array([0.97, 3.0 - 1e-12, 3.0, 4.5, 14_999.999_999_999_9, np.nan])
    np.testing.assert_array_equal(
        whole_things_done(values, "cities (个)", "cumulative"), [0.0, 3.0, 3.0, 4.0, 15_000.0, np.nan]
    )
    for unit, kind in (("km", "cumulative"), ("万户", "cumulative"), ("cities (个)", "level")):
        np.testing.assert_array_equal(whole_things_done(values, unit, kind), values)
    # a milestone programme counts projects completed, whatever its unit's words (12a: 7.00025 -> 7)
    np.testing.assert_array_equal(
        whole_things_done(np.array([7.00025, 7.99]), "projects", "milestone"), [7, 7]
    )
