"""Tests of the target catalogue (longjiang_forecast.catalog)."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.schema import FORECASTABLE_KINDS, KINDS
from longjiang_forecast.catalog import Catalog, load_catalog, load_regions
from longjiang_forecast.catalog._catalog import largest_remainder

SEED = Path(__file__).parents[3] / "shared" / "seeds" / "000_772303db8e1233c5.txt"
needs_seed = pytest.mark.skipif(
    not SEED.is_file(),
    reason=f"the shared source text {SEED} is absent (it lives outside the package); "
    "the package-data tests below do not need it",
)

# (indicator, literal in the source text, target, comparator, unit, kind, wording)
# read from 《新时代幸福龙江建设20件民生实事（2024年）》 by hand.
EXPECTED = [
    ("01a", "300个标准化", 300, ">=", "stations (个)", "cumulative", ""),
    ("01b", "不低于19.67万人", 19.67, ">=", "10k persons (万人)", "cumulative", "不低于"),
    ("01c", "再就业17万人以上", 17, ">=", "10k persons (万人)", "cumulative", "以上"),
    ("01d", "再就业5万人以上", 5, ">=", "10k persons (万人)", "cumulative", "以上"),
    ("02a", "6万人次以上", 6, ">=", "10k person-times (万人次)", "cumulative", "以上"),
    ("02b", "首批创建5个", 5, ">=", "projects (个)", "cumulative", ""),
    ("02c", "覆盖率达到80%以上", 80, ">=", "% of projects under construction", "level", "以上"),
    ("03a", "不少于三座城市", 3, ">=", "cities (座)", "cumulative", "不少于"),
    ("03b", "建成100个儿童友好社区", 100, ">=", "communities (个)", "cumulative", ""),
    ("04a", "新增优质幼儿园120所", 120, ">=", "kindergartens (所)", "cumulative", ""),
    ("04b", "优质学位3万个左右", 30000, ">=", "places (个)", "cumulative", "左右"),
    ("04c", "新增优质义务教育学位8.51万个", 85100, ">=", "places (个)", "cumulative", ""),
    ("04d", "发展基地5个", 5, ">=", "bases (个)", "cumulative", ""),
    ("04e", "学校86所", 86, ">=", "schools (所)", "cumulative", ""),
    ("04f", "学科82个", 82, ">=", "subjects (个)", "cumulative", ""),
    ("04g", "课题100项", 100, ">=", "research projects (项)", "cumulative", ""),
    ("05b", "新增40所左右", 40, ">=", "schools (所)", "cumulative", "左右"),
    ("06b", "全省90％以上的县", 90, ">=", "% of counties", "level", "以上"),
    ("07a", "省内67个县", 67, ">=", "counties (个)", "cumulative", ""),
    ("07b", "不低于100种", 100, ">=", "disease types (种)", "level", "不低于"),
    ("08b", "4个省级区域医疗中心", 4, ">=", "projects", "milestone", ""),
    ("09a", "完成1.5万户", 15000, ">=", "households (户)", "cumulative", ""),
    ("10a", "建设200个示范性城市社区", 200, ">=", "facilities (个)", "cumulative", ""),
    ("10b", "覆盖面达到50%以上", 50, ">=", "% of urban communities", "level", "以上"),
    ("10c", "覆盖面达到30%以上", 30, ">=", "% of villages", "level", "以上"),
    ("11a", "达到3.78个", 3.78, ">=", "places per 1,000 people", "level", ""),
    ("12a", "力争年内全部开工建设", 9, ">=", "projects (substations)", "milestone", "力争"),
    ("13a", "改造燃气老化管道800公里", 800, ">=", "km (公里)", "cumulative", ""),
    ("13c", "6.35亿元债券资金", 6.35, ">=", "100 million yuan (亿元)", "cumulative", ""),
    ("14a", "达到2.53平方米", 2.53, ">=", "m² per person", "level", ""),
    ("15a", "建设5G基站4000个以上", 4000, ">=", "base stations (个)", "cumulative", "以上"),
    ("16b", "分别下降1%", -1, "<=", "% change vs 2023", "change", ""),
    ("16c", "0.7%", -0.7, "<=", "% change vs 2023", "change", ""),
    ("17b", "不超过27.3微克/立方米", 27.3, "<=", "μg/m³", "annual_mean", "不超过"),
    ("18b", "新增智慧供热覆盖面积6000万平方米", 6000, ">=", "10k m² (万平方米)", "cumulative", ""),
    ("18c", "改造供热老旧管网500公里", 500, ">=", "km (公里)", "cumulative", ""),
    ("19a", "改造危桥300座", 300, ">=", "bridges (座)", "cumulative", ""),
    ("19b", "农村公路4000公里以上", 4000, ">=", "km (公里)", "cumulative", "以上"),
    ("20b", "高清化比例达到100%", 100, ">=", "% of new or rebuilt front-ends", "level", ""),
]
QUALITATIVE = ["05a", "06a", "08a", "12b", "13b", "16a", "17a", "17c", "18a", "20a"]
OUTDOOR = ["08b", "13a", "13b", "15a", "19a", "19b"]
HEATING = ["18a", "18c"]
APPROXIMATE_WORDING = {"左右", "以上", "不低于", "不少于", "不超过", "力争"}

MINIMAL_HEADER = "indicator,kind,unit,target,comparator,deadline,region"


@pytest.fixture(scope="module")
def cat() -> Catalog:
    return load_catalog(2024)


def write_csv(tmp_path: Path, lines: list[str], name: str = "user.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the 2024 list
def test_builtin_catalogue_shape(cat: Catalog) -> None:
    assert cat.year == 2024
    assert cat.source == "package:catalog_2024.csv"
    assert len(cat.table) == 49
    assert cat.table.index.equals(pd.RangeIndex(49))
    assert (cat.table["region"] == "province").all()
    assert cat.indicators[:3] == ["01a", "01b", "01c"]
    assert cat.indicators == sorted(cat.indicators)
    assert sorted(set(cat.table["item"].astype(int))) == list(range(1, 21))
    assert (cat.table["family"] == cat.table["indicator"]).all()
    assert (cat.table["target_basis"] == "official list").all()
    assert cat.table["baseline"].isna().all()
    assert set(cat.table["kind"]) <= set(KINDS)


def test_builtin_dtypes(cat: Catalog) -> None:
    t = cat.table
    assert t["item"].dtype == "Int64"
    assert t["year"].dtype == np.int64
    for col in ("target", "lower_bound", "upper_bound", "baseline"):
        assert t[col].dtype == np.float64
    assert t["approximate"].dtype == bool
    assert t["forecastable"].dtype == bool
    assert pd.api.types.is_datetime64_any_dtype(t["deadline"])
    assert (t["deadline"] == t["deadline"].dt.normalize()).all()
    assert t["wording"].map(type).eq(str).all()


def test_kind_counts(cat: Catalog) -> None:
    counts = cat.table["kind"].value_counts().to_dict()
    assert counts == {
        "cumulative": 26,
        "qualitative": 10,
        "level": 8,
        "milestone": 2,
        "change": 2,
        "annual_mean": 1,
    }


@pytest.mark.parametrize(
    ("indicator", "literal", "target", "comparator", "unit", "kind", "wording"), EXPECTED
)
def test_targets_units_comparators(
    cat: Catalog,
    indicator: str,
    literal: str,
    target: float,
    comparator: str,
    unit: str,
    kind: str,
    wording: str,
) -> None:
    row = cat.row(indicator)
    assert row["target"] == pytest.approx(target, rel=1e-12)
    assert row["comparator"] == comparator
    assert row["unit"] == unit
    assert row["kind"] == kind
    assert row["wording"] == wording
    assert bool(row["approximate"]) is (wording in APPROXIMATE_WORDING)
    assert row["forecastable"]


def test_expected_table_covers_every_quantitative_row(cat: Catalog) -> None:
    quantitative = cat.table.loc[cat.table["kind"] != "qualitative", "indicator"].tolist()
    assert quantitative == [e[0] for e in EXPECTED]
    assert cat.forecastable().indicators == quantitative


@needs_seed
@pytest.mark.parametrize(
    ("indicator", "literal", "target", "comparator", "unit", "kind", "wording"), EXPECTED
)
def test_targets_appear_in_source_text(
    cat: Catalog,
    indicator: str,
    literal: str,
    target: float,
    comparator: str,
    unit: str,
    kind: str,
    wording: str,
) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert literal in text
    row = cat.row(indicator)
    # the number written in the literal, converted by the catalogue's unit rule
    numbers = re.findall(r"\d+(?:\.\d+)?", literal) or [{"三": "3"}[c] for c in literal if c == "三"]
    if indicator == "12a":  # 九个 named substations, counted from the note
        names = ["木兰", "拜泉", "克东", "依安", "林甸", "嘉荫", "五大连池", "明水", "绥棱"]
        assert all(n in text and n in row["note"] for n in names)
        assert row["target"] == len(names)
        return
    number = float(numbers[-1])  # the last number: 建设5G基站4000个以上 -> 4000
    if "万" in literal and "万人" not in literal and "万平方米" not in literal:
        number *= 10_000  # 万 used as a number word: 1.5万户 -> 15000 households
    if "下降" in literal or indicator == "16c":
        number = -number
    assert row["target"] == pytest.approx(number, rel=1e-12)
    if wording:
        assert wording in text
    if row["responsible"]:
        for unit_name in row["responsible"].split(";"):
            assert f"{unit_name}" in text


@needs_seed
def test_names_and_qualitative_rows_come_from_text(cat: Catalog) -> None:
    text = SEED.read_text(encoding="utf-8")
    assert "下降1%、0.7%" in text
    for name in ["佳木斯大学附属第一医院", "牡丹江市第二人民医院", "大庆油田总医院"]:
        assert name in text and name in cat.row("08b")["note"]
    assert "确保县级及以上城市集中式水源地水质稳定达标" in text
    assert cat.row("17a")["name_zh"] == "确保县级及以上城市集中式水源地水质稳定达标"
    assert "供热期前完成整改" in text
    assert "要确保在10月底前全面完工" in text


def test_item_counts(cat: Catalog) -> None:
    t = cat.table
    quantitative = t[t["kind"] != "qualitative"]
    per_item = quantitative.groupby("item").size()
    assert per_item[1] == 4
    assert per_item[4] == 7
    assert sorted(t["item"].astype(int).unique()) == list(range(1, 21))
    assert t.loc[t["item"] == 4, "indicator"].tolist() == [f"04{c}" for c in "abcdefg"]


def test_special_kinds(cat: Catalog) -> None:
    pm = cat.row("17b")
    assert (pm["kind"], pm["target"], pm["comparator"]) == ("annual_mean", 27.3, "<=")
    assert pm["unit"] == "μg/m³"
    for ind, target in (("16b", -1.0), ("16c", -0.7)):
        row = cat.row(ind)
        assert (row["kind"], row["target"], row["comparator"]) == ("change", target, "<=")
        assert row["lower_bound"] == -100
    sub = cat.row("12a")
    assert (sub["kind"], sub["target"], sub["upper_bound"]) == ("milestone", 9.0, 9.0)
    assert sub["approximate"] and sub["wording"] == "力争"
    centres = cat.row("08b")
    assert (centres["kind"], centres["target"]) == ("milestone", 4.0)
    assert "齐齐哈尔市中医医院" in centres["note"]
    bonds = cat.row("13c")
    assert bonds["kind"] == "cumulative" and "bond funds" in bonds["note"]


def test_qualitative_rows(cat: Catalog) -> None:
    t = cat.table
    qual = t[t["kind"] == "qualitative"]
    assert qual["indicator"].tolist() == QUALITATIVE
    assert qual["target"].isna().all()
    assert not qual["forecastable"].any()
    assert (qual["comparator"] == "").all()
    assert cat.row("13b")["kind"] == "qualitative"


def test_percent_bounds(cat: Catalog) -> None:
    t = cat.table
    pct = t[t["unit"].str.startswith("%") & (t["kind"] == "level")]
    assert pct["indicator"].tolist() == ["02c", "06b", "10b", "10c", "20b"]
    assert (pct["lower_bound"] == 0).all() and (pct["upper_bound"] == 100).all()
    counts = t[t["kind"] == "cumulative"]
    assert (counts["lower_bound"] == 0).all() and counts["upper_bound"].isna().all()


def test_deadlines(cat: Catalog) -> None:
    t = cat.table.set_index("indicator")
    outdoor_src = "通知三：涉及室外施工作业的民生项目，要确保在10月底前全面完工"
    for ind in OUTDOOR:
        assert t.loc[ind, "deadline"] == pd.Timestamp("2024-10-31"), ind
        assert t.loc[ind, "deadline_source"] == outdoor_src
    for ind in HEATING:
        assert t.loc[ind, "deadline"] == pd.Timestamp("2024-10-20"), ind
        assert t.loc[ind, "deadline_source"].startswith("start of the provincial heating period")
    rest = t.index.difference(OUTDOOR + HEATING)
    assert len(rest) == 49 - 8
    assert (t.loc[rest, "deadline"] == pd.Timestamp("2024-12-31")).all()
    assert (t.loc[rest, "deadline_source"] == "default: calendar year-end (list for 2024)").all()
    # every outdoor-tagged row is due by the end of October at the latest
    tagged = t[t["tags"].str.split(";").map(lambda tags: "outdoor" in tags)]
    assert (tagged["deadline"] <= pd.Timestamp("2024-10-31")).all()


def test_responsible_units(cat: Catalog) -> None:
    assert cat.row("09a")["responsible"] == "省民政厅"
    assert cat.row("03a")["responsible"] == "省发展改革委;省妇儿工委办公室"
    assert len(cat.row("17b")["responsible"].split(";")) == 5


# --------------------------------------------------------------------------- regions
def test_regions() -> None:
    regions = load_regions()
    assert list(regions.columns) == ["region", "name_zh", "name_en", "population_2020"]
    assert len(regions) == 13
    assert "province" not in set(regions["region"])
    assert regions["region"].tolist()[:2] == ["harbin", "qiqihar"]
    assert (regions["population_2020"] > 0).all()
    assert int(regions["population_2020"].sum()) == 31_850_088  # 7th census provincial total
    harbin = regions.set_index("region").loc["harbin"]
    assert (harbin["name_zh"], int(harbin["population_2020"])) == ("哈尔滨市", 10_009_854)
    dxal = regions.set_index("region").loc["daxinganling"]
    assert (dxal["name_zh"], int(dxal["population_2020"])) == ("大兴安岭地区", 331_276)


def test_catalog_accessors(cat: Catalog) -> None:
    assert cat.region_ids == load_regions()["region"].tolist()
    assert len(cat.indicators) == 49
    sub = cat.subset(["09a", "01a"])
    assert sub.indicators == ["01a", "09a"]
    assert sub.table.index.equals(pd.RangeIndex(2))
    assert cat.subset("17b").indicators == ["17b"]
    assert "indicators=49" in repr(cat)


def test_row_missing_names_indicator_and_region(cat: Catalog) -> None:
    with pytest.raises(DataValidationError, match=r"Indicators \['99z'\] are not in"):
        cat.row("99z")
    with pytest.raises(DataValidationError, match=r"no row for indicator '09a' in region 'harbin'"):
        cat.row("09a", "harbin")
    with pytest.raises(DataValidationError, match=r"Known indicators: \['01a'"):
        cat.subset(["01a", "nope"])


def test_split_by_region_cumulative_shares(cat: Catalog) -> None:
    split = cat.split_by_region()
    t = split.table
    part = t[t["indicator"] == "09a"]
    assert part["region"].tolist() == ["province", *cat.region_ids]
    prefectures = part[part["region"] != "province"]
    assert prefectures["target"].sum() == 15000  # whole households, exactly
    harbin = prefectures.set_index("region").loc["harbin"]
    assert harbin["target"] == 4714  # the quota 4714.204 rounded down by largest remainder
    assert harbin["target_basis"] == (
        "population share 2020 census (10009854/31850088) of province target 15000, in whole units "
        "by largest remainder"
    )
    # a count of 10k persons (万人) is divisible: its census share, unrounded
    jobs = t[(t["indicator"] == "01b") & (t["region"] == "harbin")].iloc[0]
    assert jobs["target"] == pytest.approx(19.67 * 10_009_854 / 31_850_088, rel=1e-12)
    assert jobs["target_basis"] == "population share 2020 census (10009854/31850088) of province target 19.67"
    assert part.iloc[0]["target_basis"] == "official list"
    # every cumulative indicator's shares sum to its provincial target
    for ind, grp in t[t["kind"] == "cumulative"].groupby("indicator"):
        prov = grp.loc[grp["region"] == "province", "target"].item()
        rest = grp.loc[grp["region"] != "province", "target"].sum()
        assert rest == pytest.approx(prov, rel=1e-9), ind


def test_split_by_region_levels_copied_unsplit_kept(cat: Catalog) -> None:
    t = cat.split_by_region().table
    for ind in ("17b", "16b", "11a", "06b"):
        grp = t[t["indicator"] == ind]
        assert len(grp) == 14
        assert (grp["target"] == cat.row(ind)["target"]).all()
        assert (grp["target_basis"].iloc[1:] == "same as province").all()
    for ind in ["08b", "12a", *QUALITATIVE]:
        assert t.loc[t["indicator"] == ind, "region"].tolist() == ["province"]
    n_split = (cat.table["kind"].isin(["cumulative", "level", "annual_mean", "change"])).sum()
    assert len(t) == 49 + 13 * n_split
    assert t.index.equals(pd.RangeIndex(len(t)))


def test_split_by_region_subset_and_existing_rows(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            MINIMAL_HEADER,
            "a1,cumulative,km,100,>=,2024-10-31,province",
            "a1,cumulative,km,50,>=,2024-10-31,harbin",
            "b1,level,%,90,>=,2024-12-31,province",
        ],
    )
    cat = load_catalog(path)
    split = cat.split_by_region("a1").table
    assert split.loc[split["indicator"] == "b1", "region"].tolist() == ["province"]
    a1 = split[split["indicator"] == "a1"].set_index("region")
    assert len(a1) == 14
    assert a1.loc["harbin", "target"] == 50  # the official regional row is kept
    assert a1.loc["harbin", "target_basis"] == ""  # the user's row, its basis as given: none invented
    # the others share what Harbin's own row leaves (they took census shares of the whole 100, so that
    # the 13 prefectures' targets added up to more than the province's: a break-it pass)
    assert a1.loc["qiqihar", "target"] == pytest.approx(50 * 4_067_489 / (31_850_088 - 10_009_854))
    assert a1.drop(index="province")["target"].sum() == pytest.approx(100)
    assert a1.loc["qiqihar", "target_basis"].endswith("target 100 less the 1 prefecture row(s)' 50")


def test_whole_things_apportioned_by_largest_remainder(cat: Catalog) -> None:
    # 3 cities (座) over 13 prefectures: their census quotas 0.943 (Harbin), 0.383 (Qiqihar), 0.354
    # (Suihua)... were targets of 0.031 city for Daxing'anling, which whole-number reports could only
    # meet with a whole city each (13 cities of a list of 3); now whole cities, summing to 3
    parts = {r: cat.target_for("03a", r) for r in cat.region_ids}
    assert {r for r, v in parts.items() if v} == {"harbin", "qiqihar", "suihua"}
    assert sorted(parts.values(), reverse=True)[:4] == [1.0, 1.0, 1.0, 0.0]
    assert sum(parts.values()) == 3
    for ind in ("01a", "04a", "09a", "19a"):  # each share its quota rounded down or up, summing exactly
        row = cat.row(ind)
        quotas = {
            r: row["target"] * p / 31_850_088
            for r, p in zip(cat.regions["region"], cat.regions["population_2020"], strict=True)
        }
        got = {r: cat.target_for(ind, r) for r in cat.region_ids}
        assert sum(got.values()) == row["target"], ind
        assert all(math.floor(quotas[r]) <= got[r] <= math.ceil(quotas[r]) for r in got), ind
        assert all(float(v).is_integer() for v in got.values()), ind


def test_largest_remainder_known_answers() -> None:
    assert largest_remainder(3, [10, 4, 4, 1]) == [1, 1, 1, 0]  # quotas 1.58, 0.63, 0.63, 0.16
    assert largest_remainder(10, [1, 1, 1]) == [4, 3, 3]  # a tie of remainders goes to the earlier part
    assert largest_remainder(10, [1, 2, 2, 1]) == [2, 3, 3, 2]  # quotas 1.67, 3.33, 3.33, 1.67
    assert largest_remainder(7, [5, 5, 1]) == [3, 3, 1]  # quotas 3.18, 3.18, 0.64: the largest remainder
    assert largest_remainder(1, [1, 3, 3]) == [0, 1, 0]  # a tie of remainders goes to the larger weight
    assert largest_remainder(0, [3, 2]) == [0, 0]
    assert largest_remainder(5, [2, 0]) == [5, 0]


def test_prefecture_rows_above_the_province_leave_the_others_nothing(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            MINIMAL_HEADER,
            "a1,cumulative,km,100,>=,2024-10-31,province",
            "a1,cumulative,km,60,>=,2024-10-31,harbin",
            "a1,cumulative,km,50,>=,2024-10-31,qiqihar",
        ],
    )
    cat = load_catalog(path)
    # before, the other 11 took census shares of the whole 100 (the 13 added up to 162): silently
    said = (
        r"'a1' in 2024 prefecture rows of their own summing to 110 \(harbin, qiqihar\), which is not "
        r"less than the provincial target 100: the other 11 prefectures get a share of 0"
    )
    with pytest.warns(UserWarning, match=said):
        assert cat.target_for("a1", "suihua") == 0.0
    basis = cat._shares("a1", 2024)["suihua"][1]
    assert basis == "province target 100 less the 2 prefecture row(s)' 110: nothing left to share"


def test_target_for(cat: Catalog) -> None:
    assert cat.target_for("09a", "province") == 15000
    assert cat.target_for("09a", "harbin") == 4714  # whole households (户): largest remainder
    assert cat.target_for("01b", "harbin") == pytest.approx(19.67 * 10_009_854 / 31_850_088)
    assert cat.target_for("17b", "daxinganling") == 27.3
    assert cat.target_for("16c", "heihe") == -0.7
    split = cat.split_by_region(["09a"])
    assert split.target_for("09a", "suihua") == cat.target_for("09a", "suihua")
    with pytest.raises(DataValidationError, match=r"kind 'milestone'.*region 'harbin'"):
        cat.target_for("12a", "harbin")
    with pytest.raises(DataValidationError, match=r"kind 'qualitative'"):
        cat.target_for("17a", "harbin")
    with pytest.raises(DataValidationError, match=r"Region 'atlantis' is not known"):
        cat.target_for("09a", "atlantis")


def test_builtin_year_errors() -> None:
    with pytest.raises(
        DataValidationError,
        match=re.escape(
            "No built-in catalogue for year 2023; built-in years: [2024]. Pass the path of your "
            "own CSV/Excel catalogue."
        ),
    ):
        load_catalog(2023)
    with pytest.raises(DataValidationError, match="'source' parameter of load_catalog"):
        load_catalog(True)  # type: ignore[arg-type]
    with pytest.raises(FileNotFoundError, match="does not exist"):
        load_catalog("/nonexistent/catalogue.csv")


# --------------------------------------------------------------------------- user files
def test_minimal_csv_loads(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            MINIMAL_HEADER,
            "x1,cumulative,households (户),15000,>=,2025-12-31,province",
            "x2,level,%,90,≥,2025-10,哈尔滨",
            "x3,annual_mean,μg/m³,27.3,≤,2025-06,大兴安岭地区",
            "x4,qualitative,,,,2025-12-31,Province",
        ],
    )
    cat = load_catalog(path)
    t = cat.table
    assert cat.year == 2025
    assert cat.source == str(path)
    assert t["region"].tolist() == ["province", "harbin", "daxinganling", "province"]
    assert t["comparator"].tolist() == [">=", ">=", "<=", ""]
    assert t["deadline"].tolist() == [
        pd.Timestamp("2025-12-31"),
        pd.Timestamp("2025-10-31"),  # YYYY-MM -> last day of month
        pd.Timestamp("2025-06-30"),
        pd.Timestamp("2025-12-31"),
    ]
    assert t["name_en"].tolist() == ["", "", "", ""]  # none given: outputs show the other language or the id
    assert t["family"].tolist() == ["x1", "x2", "x3", "x4"]
    assert t["approximate"].tolist() == [False] * 4
    assert t["item"].isna().all()
    assert t["forecastable"].tolist() == [True, True, True, False]
    assert np.isnan(t["target"].iloc[3])
    assert t["lower_bound"].isna().all()
    assert list(t.columns)[:3] == ["indicator", "region", "year"]


def test_csv_with_bom_and_optional_columns(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    text = (
        "indicator,item,kind,unit,target,comparator,deadline,region,approximate,tags,lower_bound,"
        "upper_bound\n"
        "y1,3,level,%,80,>=,2024-12-31,齐齐哈尔市,是,health; elderly,0,100\n"
        'y2,3,cumulative,km,"1,500",>=,2024-10-31,Daqing,no,,,\n'
    )
    path.write_bytes(text.encode("utf-8-sig"))
    cat = load_catalog(path)
    t = cat.table
    assert t["indicator"].tolist() == ["y1", "y2"]
    assert t["region"].tolist() == ["qiqihar", "daqing"]
    assert t["approximate"].tolist() == [True, False]
    assert t["tags"].tolist() == ["health;elderly", ""]
    assert t["target"].tolist() == [80.0, 1500.0]
    assert t["item"].tolist() == [3, 3]


def test_blank_lines_keep_spreadsheet_row_numbers(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            MINIMAL_HEADER,
            "a,cumulative,km,1,>=,2024-10-31,province",
            ",,,,,,",
            "b,cumulative,km,1,>=,2024-10-31,mars",
        ],
    )
    with pytest.raises(DataValidationError, match=r"row 4, indicator 'b', field 'region'"):
        load_catalog(path)


def test_xlsx_loads(tmp_path: Path) -> None:
    path = tmp_path / "user.xlsx"
    frame = pd.DataFrame(
        {
            "indicator": ["x1", "x2"],
            "kind": ["cumulative", "change"],
            "unit": ["km (公里)", "% change vs 2023"],
            "target": [800, -1.0],
            "comparator": [">=", "<="],
            "deadline": [pd.Timestamp("2024-10-31"), "2024-12"],
            "region": ["province", "牡丹江"],
            "approximate": [True, 0],
        }
    )
    frame.to_excel(path, index=False)
    cat = load_catalog(path)
    t = cat.table
    assert cat.year == 2024
    assert t["target"].tolist() == [800.0, -1.0]
    assert t["deadline"].tolist() == [pd.Timestamp("2024-10-31"), pd.Timestamp("2024-12-31")]
    assert t["region"].tolist() == ["province", "mudanjiang"]
    assert t["approximate"].tolist() == [True, False]


def test_xlsx_sheet_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "two.xlsx"
    good = pd.DataFrame(
        {
            "indicator": ["x1"],
            "kind": ["level"],
            "unit": ["%"],
            "target": [50],
            "comparator": [">="],
            "deadline": ["2024-12-31"],
            "region": ["province"],
        }
    )
    bad = good.assign(kind=["sideways"])
    with pd.ExcelWriter(path) as writer:
        bad.to_excel(writer, sheet_name="draft", index=False)
        good.to_excel(writer, sheet_name="final", index=False)
    assert load_catalog(path, sheet="final").indicators == ["x1"]
    with pytest.raises(DataValidationError, match=r"row 2, indicator 'x1', field 'kind'"):
        load_catalog(path, sheet=0)
    with pytest.raises(
        DataValidationError, match=r"no sheet 'nope'; the workbook's sheets are \['draft', 'final'\]"
    ):
        load_catalog(path, sheet="nope")
    # without sheet=, two sheets with the catalogue's columns are refused, naming both
    with pytest.raises(DataValidationError, match=r"sheets \['draft', 'final'\] all have the columns"):
        load_catalog(path)


def test_unsupported_file_type(tmp_path: Path) -> None:
    path = tmp_path / "cat.json"
    path.write_text("{}", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"unsupported file type '\.json'\. Save the catalogue"):
        load_catalog(path)
    # a tab-separated export (Excel's "Unicode text") is told to be renamed, as a progress file is
    path = tmp_path / "cat.txt"
    path.write_bytes("indicator\tkind\tunit\ttarget\n".encode("utf-16"))
    with pytest.raises(
        DataValidationError,
        match=r"cat\.txt: unsupported file type '\.txt'\. Its first line .* rename it to \.csv",
    ):
        load_catalog(path)
    path = tmp_path / "cat.xls"
    path.write_bytes(b"")
    with pytest.raises(DataValidationError, match=r"cat\.xls: the old Excel 97-2003 format"):
        load_catalog(path)


# --------------------------------------------------------------------------- validation errors
GOOD = "g1,cumulative,km,100,>=,2024-10-31,province"


def load_lines(tmp_path: Path, *rows: str, header: str = MINIMAL_HEADER) -> Catalog:
    return load_catalog(write_csv(tmp_path, [header, *rows]))


def test_error_missing_required_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path, ["indicator,kind,unit,target,deadline,region", "a,level,%,1,2024-12,province"])
    with pytest.raises(
        DataValidationError, match=r"user\.csv, row 1, field 'comparator': missing required column"
    ):
        load_catalog(path)


def test_error_unknown_column(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 1, field 'colour': unknown column\(s\) \['colour'\]\. Accepted columns",
    ):
        load_lines(tmp_path, GOOD + ",red", header=MINIMAL_HEADER + ",colour")


def test_error_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"empty\.csv: the catalogue is empty"):
        load_catalog(path)


def test_error_no_rows(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"field 'indicator': the file has a header but no"):
        load_lines(tmp_path)


def test_error_empty_indicator(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"row 3, field 'indicator': the indicator id is"):
        load_lines(tmp_path, GOOD, ",cumulative,km,100,>=,2024-10-31,province")


def test_error_unknown_kind(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'k1', field 'kind': unknown kind 'cumul'\. Use one of: "
        r"cumulative, level",
    ):
        load_lines(tmp_path, "k1,cumul,km,100,>=,2024-10-31,province")


def test_error_bad_comparator(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError, match=r"row 2, indicator 'c1', field 'comparator': comparator '>'"
    ):
        load_lines(tmp_path, "c1,cumulative,km,100,>,2024-10-31,province")


def test_error_non_numeric_target(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 't1', field 'target': target '1\.5万' is not a number",
    ):
        load_lines(tmp_path, "t1,cumulative,households,1.5万,>=,2024-10-31,province")


def test_error_missing_target_for_forecastable_kind(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 't2', field 'target': target is empty, but kind 'level'",
    ):
        load_lines(tmp_path, "t2,level,%,,>=,2024-10-31,province")


def test_error_malformed_deadline(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'd1', field 'deadline': malformed deadline '31/10/2024'",
    ):
        load_lines(tmp_path, "d1,cumulative,km,100,>=,31/10/2024,province")
    with pytest.raises(DataValidationError, match=r"row 2, .*field 'deadline': malformed"):
        load_lines(tmp_path, "d2,cumulative,km,100,>=,2024-02-30,province")


MULTI_YEAR = [
    MINIMAL_HEADER,
    "h1,cumulative,km,2000,>=,2016-10-31,province",
    "h1,cumulative,km,2600,>=,2017-10-31,province",
    "h1,cumulative,km,900,>=,2017-10-31,harbin",
    "h1,cumulative,km,3400,>=,2018-10-31,province",
    "h1,cumulative,km,4000,>=,2019-10-31,province",
    "p1,level,%,90,>=,2019-12-31,province",
]


def test_earlier_years_plans_load_and_lookups_take_the_year(tmp_path: Path) -> None:
    cat = load_lines(tmp_path, *MULTI_YEAR[1:])
    assert cat.year == 2019 and cat.years == [2016, 2017, 2018, 2019]
    assert cat.table["year"].tolist() == [2016, 2017, 2017, 2018, 2019, 2019]
    assert "years=2016-2019" in repr(cat)
    # the latest year is the default; earlier years by name
    assert cat.row("h1")["target"] == 4000
    assert cat.target_for("h1", "province") == 4000
    assert [cat.target_for("h1", "province", year=y) for y in (2016, 2017, 2018)] == [2000, 2600, 3400]
    # a prefecture: its own row where it has one, else that year's provincial target split
    assert cat.target_for("h1", "harbin", year=2017) == 900
    share = 10_009_854 / 31_850_088
    assert cat.target_for("h1", "harbin", year=2018) == pytest.approx(3400 * share)
    assert cat.target_for("h1", "harbin") == pytest.approx(4000 * share)
    assert cat.row("p1")["target"] == 90  # an indicator of the latest year only
    with pytest.raises(
        DataValidationError,
        match=r"no row for indicator 'p1' in year 2017\. Years with a row for 'p1': \[2019\]",
    ):
        cat.target_for("p1", "province", year=2017)
    with pytest.raises(DataValidationError, match=r"no row for indicator 'h1' in region 'harbin' in 2016"):
        cat.row("h1", "harbin", year=2016)
    # splitting keeps each year's own plan
    split = cat.split_by_region("h1").table
    h1 = split[split["indicator"] == "h1"]
    assert len(h1) == 4 * 14
    assert h1[h1["year"] == 2017].set_index("region").loc["harbin", "target"] == 900
    for y, target in ((2016, 2000), (2018, 3400), (2019, 4000)):
        rows = h1[(h1["year"] == y) & (h1["region"] != "province")]
        assert rows["target"].sum() == pytest.approx(target, rel=1e-12)


def test_one_year_catalogue_lookups_unchanged(cat: Catalog, tmp_path: Path) -> None:
    assert cat.years == [2024] and "years=" not in repr(cat)
    assert cat.row("09a", year=2024)["target"] == cat.row("09a")["target"] == 15000
    with pytest.raises(DataValidationError, match=r"no row for indicator '09a' in year 2023"):
        cat.target_for("09a", "province", year=2023)
    with pytest.raises(DataValidationError, match=r"no row for indicator '09a' in region 'harbin'\. "):
        cat.row("09a", "harbin")


def test_error_indicator_changes_unit_between_years(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 3, indicator 'h1', field 'unit': unit '10k km' differs from 'km' of row 2 "
        r"\(year 2016\)\. An indicator id keeps its unit in every year",
    ):
        load_lines(tmp_path, MULTI_YEAR[1], "h1,cumulative,10k km,0.26,>=,2017-10-31,province")


def test_error_unknown_region(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'r1', field 'region': unknown region '长春'\. Use 'province' or "
        r"one of the prefecture ids \['harbin'",
    ):
        load_lines(tmp_path, "r1,cumulative,km,100,>=,2024-10-31,长春")


def test_error_duplicate_rows(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"user\.csv, row 4, indicator 'g1', field 'indicator': rows 2 and 4 both define "
        r"indicator 'g1' for region 'province' in year 2024",
    ):
        load_lines(tmp_path, GOOD, "g1,cumulative,km,1,>=,2024-10-31,harbin", GOOD)


def test_error_duplicate_rows_of_one_year_among_several(tmp_path: Path) -> None:
    # two 2017 plans for (h1, province), the second with a Chinese region name and another date
    lines = [*MULTI_YEAR, "h1,cumulative,km,2700,>=,2017-12-31,全省"]
    with pytest.raises(DataValidationError) as info:
        load_catalog(write_csv(tmp_path, lines))
    message = str(info.value)
    assert message.startswith(f"{tmp_path / 'user.csv'}, row 8") and "\n" not in message  # one line
    assert (
        "row 8, indicator 'h1', field 'indicator': rows 3 and 8 both define indicator 'h1' for "
        "region 'province' in year 2017 (the year of the deadline)"
    ) in message


def test_error_duplicate_rows_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "plans.xlsx"
    frame = pd.DataFrame([line.split(",") for line in MULTI_YEAR[1:]], columns=MINIMAL_HEADER.split(","))
    frame["deadline"] = pd.to_datetime(frame["deadline"])  # Excel date cells
    frame.to_excel(path, index=False)
    assert load_catalog(path).years == [2016, 2017, 2018, 2019]
    dup = pd.concat([frame, frame.iloc[[3]]], ignore_index=True)  # 2018's row again, as row 8
    dup.to_excel(path, index=False)
    with pytest.raises(
        DataValidationError,
        match=rf"{re.escape(str(path))}, row 8, indicator 'h1', field 'indicator': rows 5 and 8 "
        r"both define indicator 'h1' for region 'province' in year 2018",
    ):
        load_catalog(path)


def test_error_approximate_not_boolean(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'g1', field 'approximate': approximate 'maybe' is not a boolean",
    ):
        load_lines(tmp_path, GOOD + ",maybe", header=MINIMAL_HEADER + ",approximate")


def test_error_lower_bound_above_upper_bound(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'b1', field 'lower_bound': lower_bound 100 is greater than "
        r"upper_bound 0",
    ):
        load_lines(
            tmp_path,
            "b1,level,%,50,>=,2024-12-31,province,100,0",
            header=MINIMAL_HEADER + ",lower_bound,upper_bound",
        )


def test_error_target_outside_bounds(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'b2', field 'target': target 120 is above upper_bound 100",
    ):
        load_lines(
            tmp_path,
            "b2,level,%,120,>=,2024-12-31,province,0,100",
            header=MINIMAL_HEADER + ",lower_bound,upper_bound",
        )
    with pytest.raises(DataValidationError, match=r"row 2, .*'target': target -5 is below"):
        load_lines(
            tmp_path,
            "b3,change,%,-5,<=,2024-12-31,province,0,",
            header=MINIMAL_HEADER + ",lower_bound,upper_bound",
        )


def test_error_negative_cumulative_target(tmp_path: Path) -> None:
    with pytest.raises(
        DataValidationError,
        match=r"row 2, indicator 'n1', field 'target': target -3 is negative, but a cumulative",
    ):
        load_lines(tmp_path, "n1,cumulative,km,-3,>=,2024-10-31,province")
    with pytest.raises(DataValidationError, match=r"target -1 is negative, but a milestone"):
        load_lines(tmp_path, "n2,milestone,projects,-1,>=,2024-10-31,province")


def test_error_missing_unit(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"row 2, indicator 'u1', field 'unit'"):
        load_lines(tmp_path, "u1,cumulative,,5,>=,2024-10-31,province")


def test_error_bad_item(tmp_path: Path) -> None:
    with pytest.raises(DataValidationError, match=r"row 2, indicator 'g1', field 'item'"):
        load_lines(tmp_path, GOOD + ",1.5", header=MINIMAL_HEADER + ",item")


def test_all_problems_reported_together(tmp_path: Path) -> None:
    rows = [f"e{i},cumul,km,x,>,2024-13-01,mars" for i in range(10)]  # 5 problems each
    with pytest.raises(DataValidationError) as info:
        load_lines(tmp_path, *rows)
    message = str(info.value)
    assert message.startswith("Catalogue ")
    assert "has 50 problems:" in message
    assert message.count("\n  - ") == 20
    assert message.endswith("... and 30 more")
    assert "row 2, indicator 'e0', field 'kind'" in message
    assert "row 2, indicator 'e0', field 'target'" in message
    assert "row 2, indicator 'e0', field 'comparator'" in message


def test_errors_are_value_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        load_lines(tmp_path, "k1,cumul,km,100,>=,2024-10-31,province")


def test_forecastable_flag_matches_schema(cat: Catalog) -> None:
    t = cat.table
    expected = t["kind"].isin(FORECASTABLE_KINDS) & t["target"].notna()
    assert (t["forecastable"] == expected).all()
    assert len(cat.forecastable().table) == 39


# --------------------------------------------------------------------------- earlier plans in a forecast
#: Cumulative share of the year's outcome by month of an outdoor construction family.
_OUTDOOR_SHARE = [0.0, 0.0, 0.3 / 4000, 0.04, 0.15, 0.3, 0.45, 0.6, 0.8, 1.0, 1.0, 1.0]
_PLANS = {2016: 2000, 2017: 2600, 2018: 3400, 2019: 4000}  # plans that grew
_OUTCOME_OVER_PLAN = {2016: 1.04, 2017: 1.10, 2018: 1.02}


def _plans_and_progress(tmp_path: Path) -> tuple[Path, Path, Path]:
    head = "indicator,kind,unit,target,comparator,deadline,region,tags"
    multi = write_csv(
        tmp_path,
        [head, *(f"road,cumulative,km,{t},>=,{y}-10-31,province,outdoor" for y, t in _PLANS.items())],
        "plans-2016-2019.csv",
    )
    one = write_csv(
        tmp_path, [head, "road,cumulative,km,4000,>=,2019-10-31,province,outdoor"], "plan-2019.csv"
    )
    harbin = 10_009_854 / 31_850_088
    rows = ["indicator,region,month,value"]
    for y, over in _OUTCOME_OVER_PLAN.items():
        for m, share in enumerate(_OUTDOOR_SHARE, start=1):
            rows.append(f"road,province,{y}-{m:02d},{round(_PLANS[y] * over * share, 3)}")
            rows.append(f"road,harbin,{y}-{m:02d},{round(_PLANS[y] * harbin * over * share, 3)}")
    rows += [f"road,province,2019-{m:02d},{round(3800 * _OUTDOOR_SHARE[m - 1], 3)}" for m in range(1, 7)]
    progress = write_csv(tmp_path, rows, "progress.csv")
    return multi, one, progress


def test_forecast_judges_earlier_years_by_their_own_plans(tmp_path: Path) -> None:
    from longjiang_forecast import forecast, read_progress
    from longjiang_forecast.models._common import FamilyHistory

    multi_path, one_path, progress_path = _plans_and_progress(tmp_path)
    results = {}
    for name, path in (("multi", multi_path), ("one", one_path)):
        catalog = load_catalog(path)
        progress = read_progress(progress_path, catalog)
        results[name] = forecast(progress, catalog, as_of="2019-06", n_draws=2000, seed=1).table()
        if name == "multi":
            # the history of every region carries each year's own plan (a prefecture: that year's split)
            _, targets = FamilyHistory(progress, catalog, 2019)("road", "province")
            assert targets == {2016: 2000.0, 2017: 2600.0, 2018: 3400.0}
            _, targets = FamilyHistory(progress, catalog, 2019)("road", "harbin")
            share = 10_009_854 / 31_850_088
            assert targets == pytest.approx({y: _PLANS[y] * share for y in (2016, 2017, 2018)}, rel=1e-12)
    multi, one = (
        results[k].set_index(["indicator", "region"]).loc[("road", "province")] for k in ("multi", "one")
    )
    # the forecast is of 2019, against 2019's plan, whatever the catalogue holds
    assert multi["target"] == one["target"] == 4000 and multi["observed"] == one["observed"] == 1140
    # earlier outcomes against their own plans (1.04, 1.10, 1.02 of what was needed, in the
    # province and in Harbin, the two regions that reported the family) are the prior ...
    assert (
        "attainment prior from 6 earlier outcomes against their plans (median 1.040 of what was needed"
        in (multi["basis"])
    )
    # ... where a one-year catalogue knows no earlier plan and falls back to the plan itself
    assert "prior of the year's total: the plan" in one["basis"]
    # a record of years that beat their plans lifts the forecast (same seed, same reports)
    assert multi["p_met"] > one["p_met"] + 0.05
    assert multi["median"] > one["median"]


def test_a_count_target_of_zero_is_refused(tmp_path):
    """'>= 0' for a count of this year is met by any report: P(met) would be 1 whatever was reported."""
    path = tmp_path / "cat.csv"
    path.write_text(
        "indicator,kind,unit,target,comparator,deadline,region\n"
        "a1,cumulative,km,0,>=,2024-10-31,province\n"
        "a2,change,%,0,>=,2024-12-31,province\n",  # no fall: a real target
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as info:
        load_catalog(path)
    message = str(info.value)
    assert "a1" in message and "target 0 with '>=' is met by any report" in message
    assert "a2" not in message


@pytest.mark.parametrize(
    ("written", "day"),
    [
        ("2024/10/31", "2024-10-31"),
        ("2024.10.31", "2024-10-31"),
        ("2024年12月31日", "2024-12-31"),
        ("2024年10月", "2024-10-31"),
        ("2024年10月底", "2024-10-31"),
        ("2024/10", "2024-10-31"),
    ],
)
def test_a_deadline_in_the_forms_people_write_it(tmp_path, written, day):
    """Progress months were read as 2024/8 and 2024年8月, but a deadline of 2024/10/31 or 2024年12月31日
    was refused (a new-user pass). The same forms, and 2024年10月底 for the month's end."""
    path = tmp_path / "c.csv"
    path.write_text(
        f"indicator,kind,unit,target,comparator,deadline,region\nroad,cumulative,km,4000,>=,{written},province\n",
        encoding="utf-8",
    )
    assert str(load_catalog(path).table["deadline"].iloc[0])[:10] == day
