"""Units in either language and the decimals their values are shown with (``_core.units``)."""

import re

import pytest

import longjiang_forecast as lf
from longjiang_forecast._core.units import format_in_unit, unit_decimals, unit_label


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
        ("households (户)", 15000, 0, 16652.763, "16,653"),
        ("stations (个)", 300, 0, 299.6, "300"),
        ("km (公里)", 800, 1, 812.345, "812.3"),
        ("% of counties", 90, 1, 97.84, "97.8"),
        ("10k persons (万人)", 17, 2, 17.4567, "17.46"),
        ("10k persons (万人)", 19.67, 2, 19.6712, "19.67"),
        ("10k m² (万平方米)", 6000, 0, 6165.004, "6,165"),
        ("100 million yuan (亿元)", 6.35, 2, 6.4712, "6.47"),
        ("10k persons (万人)", 250, 1, 251.26, "251.3"),
        ("m² per person", 2.53, 2, 2.5349, "2.53"),
        ("μg/m³", 27.3, 1, 26.64, "26.6"),
        ("widgets", 2.125, 3, 2.12549, "2.125"),  # an unknown unit: the target's own decimals
        ("widgets", 40, 0, 41.6, "42"),
    ],
)
def test_decimals_follow_the_unit(unit, target, decimals, value, shown):
    assert unit_decimals(unit, target) == decimals
    assert format_in_unit(value, unit, target) == shown


def test_not_finite_and_bad_language():
    assert format_in_unit(float("nan"), "households (户)") == "–"
    with pytest.raises(ValueError, match="The 'lang' parameter of unit_label"):
        unit_label("户", "fr")
