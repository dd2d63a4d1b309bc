"""Rank probabilities of the prefectures: known answers, ties, sums over ranks and prefectures, real data."""

import itertools
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from test_planning import tiny_forecast

import longjiang_forecast as lf
from helpers import table_rows
from longjiang_forecast import planning
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.planning import _kernels
from longjiang_forecast.report._bulletin import render_bulletin
from longjiang_forecast.report._ranks_view import close_groups, rank_table
from longjiang_forecast.testing import synthetic_progress


def _three(deadline_values, **kw):
    """Prefectures a, b, c with one count each (target 100, half done by August)."""
    n = np.asarray(deadline_values).shape[1]
    regions = kw.pop("region", ["a", "b", "c"])
    return tiny_forecast(
        deadline_values, target=[100.0] * n, indicator=["x"] * n, region=regions, item=[1] * n, **kw
    )


def test_known_ranks_on_three_paths_with_a_tie():
    # path 0: a > b > c; path 1: b > a > c; path 2: c first, a and b tied
    f = _three([[120.0, 110, 90], [100, 130, 80], [90, 90, 95]])
    r = planning.rank_probabilities(f, by="share", plan="flat")
    p = r["p_rank"].sel(region=["a", "b", "c"]).values
    np.testing.assert_allclose(p, [[1 / 3, 1 / 2, 1 / 6], [1 / 3, 1 / 2, 1 / 6], [1 / 3, 0, 2 / 3]])
    np.testing.assert_allclose(r["p_rank"].sum("rank"), 1.0)
    np.testing.assert_allclose(r["p_rank"].sum("region"), 1.0)
    np.testing.assert_allclose(r["p_last"].sel(region=["a", "b", "c"]), [1 / 6, 1 / 6, 2 / 3])
    np.testing.assert_allclose(r["p_bottom3"], 1.0)  # three prefectures: all are in the bottom three
    assert list(r["region"].values) == ["a", "b", "c"]  # by expected rank 11/6, 11/6, 7/3
    np.testing.assert_allclose(r["expected_rank"], [11 / 6, 11 / 6, 7 / 3])
    assert float(r["p_above"].sel(region="a", versus="b")) == pytest.approx(0.5)  # 1, 0 and a tie (1/2)
    assert float(r["p_above"].sel(region="c", versus="a")) == pytest.approx(1 / 3)
    assert float(r["p_above_next"].sel(region="a")) == pytest.approx(0.5)
    assert list(r["most_likely_rank"].values) == [2, 2, 3]
    np.testing.assert_allclose(r["score_median"], [1.0, 1.1, 0.9])
    assert r.attrs["by"] == "share" and r.attrs["certain"] == 0


def test_score_is_the_mean_share_over_a_prefectures_series_and_levels_count_from_the_baseline():
    # a: two counts at 1.3 and 0.8 of target (mean 1.05); b: one level 90 -> 96 against 88 (share 0.75)
    f = tiny_forecast(
        [[130.0, 80.0, 94.0]],
        target=[100.0, 100.0, 96.0],
        indicator=["x", "y", "z"],
        region=["a", "a", "b"],
        item=[1, 2, 3],
        kind=["cumulative", "cumulative", "level"],
        last_value=[50.0, 50.0, 92.0],
        baseline=[np.nan, np.nan, 88.0],
    )
    r = planning.rank_probabilities(f, plan="flat")
    np.testing.assert_allclose(r["score_median"].sel(region=["a", "b"]), [1.05, 0.75])
    assert list(r["n_indicators"].sel(region=["a", "b"]).values) == [2, 1]
    assert r.attrs["certain"] == 1


def test_spi_now_is_certain_when_every_report_is_in_and_equals_the_ranking():
    f = _three(np.random.default_rng(0).uniform(60, 140, (50, 3)), last_value=[40.0, 60.0, 50.0])
    r = planning.rank_probabilities(f, by="spi", plan="flat")
    assert r.attrs["certain"] == 1 and r.attrs["n_estimated"] == 0 and r.attrs["as_of_month"] == 8
    ranking = planning.prefecture_ranking(f, plan="flat")
    assert list(r["region"].values) == list(ranking["region"]) == ["b", "c", "a"]
    np.testing.assert_allclose(r["score_median"], ranking["spi_t"])
    np.testing.assert_allclose(np.diag(r["p_rank"].values), 1.0)


def test_spi_now_values_a_report_not_in_on_the_paths():
    # b reported up to July only: its August value is each path's, from 50 in July towards 40..160 by Dec
    f = _three(np.array([[100.0, 40, 100], [100, 160, 100]]), last_month=7, last_value=[50.0, 50.0, 50.0])
    f.summary.attrs["as_of"] = "2024-08"
    f.state["last_month"].values[[0, 2]] = 8  # a and c reported 50 for August: 4 months of plan
    r = planning.rank_probabilities(f, by="spi", plan="flat")
    assert r.attrs["n_estimated"] == 1 and r.attrs["certain"] == 0
    # b in August: 48 or 72 (ES 5.76 or 8.64 months): below a and c (ES 6) in path 0, above in path 1
    np.testing.assert_allclose(r["p_rank"].sel(region="b"), [0.5, 0, 0.5])
    np.testing.assert_allclose(r["p_rank"].sum("region"), 1.0)


def test_bad_by_and_too_few_prefectures():
    f = _three([[100.0, 100, 100]])
    with pytest.raises(ValueError, match="'by' parameter of rank_probabilities"):
        planning.rank_probabilities(f, by="points")
    one = _three([[100.0, 100, 100]], region=["a", "a", "a"])
    with pytest.raises(DataValidationError, match="at least two prefectures"):
        planning.rank_probabilities(one, plan="flat")


def _brute_force_ranks(scores):
    """P(rank) averaging, in each path, over every order of the units consistent with the scores."""
    n_draws, n = scores.shape
    out = np.zeros((n, n))
    for d in range(n_draws):
        orders = [o for o in itertools.permutations(range(n)) if all(np.diff(scores[d, list(o)]) <= 0)]
        for o in orders:
            for k, u in enumerate(o):
                out[u, k] += 1 / len(orders) / n_draws
    return out


@settings(max_examples=40, deadline=None)
@given(arrays(np.int64, st.tuples(st.integers(1, 6), st.integers(2, 4)), elements=st.integers(0, 2)))
def test_rank_kernel_matches_brute_force_and_sums_to_one(scores):
    p = _kernels.rank_distribution(scores.astype(float))
    np.testing.assert_allclose(p, _brute_force_ranks(scores), atol=1e-12)
    np.testing.assert_allclose(p.sum(axis=0), 1.0)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    above = _kernels.p_above(scores.astype(float))
    np.testing.assert_allclose(above + above.T, np.where(np.eye(p.shape[0]) == 1, np.nan, 1.0))


def test_nan_scores_rank_last():
    p = _kernels.rank_distribution(np.array([[np.nan, 1.0, 2.0]]))
    np.testing.assert_allclose(p, [[0, 0, 1], [0, 1, 0], [1, 0, 0]])


@pytest.mark.slow
def test_default_data_rank_probabilities():
    """The bundled default data (the CLI's synthetic example), 400 draws: real values, sums and order."""
    catalog = lf.load_catalog(2024)
    f = lf.forecast(synthetic_progress(catalog), catalog, n_draws=400, seed=1)
    share = planning.rank_probabilities(f)
    assert share.sizes == {"region": 13, "rank": 13, "versus": 13}
    np.testing.assert_allclose(share["p_rank"].sum("rank"), 1.0)
    np.testing.assert_allclose(share["p_rank"].sum("region"), 1.0)
    assert share["expected_rank"].to_series().is_monotonic_increasing
    assert share.attrs["certain"] == 0 and 0 < float(share["p_above_next"].min()) < 1
    assert float(share["p_last"].sum()) == pytest.approx(1.0)
    assert float(share["p_bottom3"].sum()) == pytest.approx(3.0)
    spi = planning.rank_probabilities(f, by="spi")
    assert spi.attrs["certain"] == 1  # every August report is in
    ranking = planning.prefecture_ranking(f)
    assert list(spi["region"].values) == list(ranking["region"])


# --------------------------------------------------------------------------- in the bulletin
def test_rank_table_and_the_prefectures_that_cannot_be_told_apart():
    f = _three([[120.0, 110, 90], [100, 130, 80], [90, 90, 95]])  # a above b: 1/2; b above c: 2/3
    r = planning.rank_probabilities(f, plan="flat")
    assert close_groups(r) == [[0, 1]]
    assert close_groups(r, bounds=(0.3, 0.7)) == [[0, 1, 2]]
    zh = rank_table(r, "zh", by="share")
    # three prefectures: each is in the bottom 3 on every path, a 100 % that says nothing (break-it)
    assert [c["text"] for c in zh["rows"][0]] == ["甲市", "33%", "50%", "17%", "–", "17%", "2 (50%)"]
    assert zh["close"] == [
        "甲市、乙市难以区分：相邻两地排在前面的概率在 40%–60% 之间（甲市先于乙市的概率 50%），"
        "名次先后不宜作结论。"
    ]
    clear = planning.rank_probabilities(_three([[120.0, 110, 90], [121, 111, 91]]), plan="flat")
    en = rank_table(clear, "en", by="share")
    assert en["close"][0].startswith("Each prefecture is ranked above the next with a probability outside")


def test_the_rank_note_names_a_prefecture_scored_on_fewer_indicators():
    """a has two series and b, c one each: a's mean is over more indicators, and the note says so
    (a prefecture without a forecast for one indicator is ranked without it)."""
    f = tiny_forecast(
        [[120.0, 60.0, 110.0, 90.0]],
        target=[100.0] * 4,
        indicator=["x", "y", "x", "x"],
        region=["a", "a", "b", "c"],
        item=[1, 2, 3, 4],
    )
    r = planning.rank_probabilities(f, plan="flat")
    assert dict(zip(r["region"].values, r["n_indicators"].values, strict=True)) == {"b": 1, "c": 1, "a": 2}
    assert rank_table(r, "zh", by="share")["note"].endswith(
        "各地市参与排名的指标数不同（没有预测或 SPI(t) 的指标不计入其平均）：甲市 2 项（其余地市 1 项）。"
    )
    assert rank_table(r, "en", by="share")["note"].endswith(
        "Not every prefecture is scored on the same number of indicators (one without a forecast or an "
        "SPI(t) is left out of its mean): A 2 (the others 1)."
    )
    same = planning.rank_probabilities(_three([[120.0, 110, 90]]), plan="flat")
    assert "Not every prefecture" not in rank_table(same, "en", by="share")["note"]


def test_the_rank_note_names_a_prefecture_of_the_catalogue_left_out():
    """The catalogue knows 甲市, 乙市 and 丙市; 丙市 has nothing to rank (no report this year): it is
    not in the table, and the note says so instead of ranking two as if they were all."""
    import pandas as pd

    f = _three([[120.0, 110, 90]], region=["a", "b", "a"])
    f.catalog.regions = pd.DataFrame(
        {"region": ["a", "b", "c"], "name_zh": ["甲市", "乙市", "丙市"], "name_en": ["A", "B", "C"]}
    )
    r = planning.rank_probabilities(f, plan="flat")
    assert sorted(r["region"].values) == ["a", "b"] and json.loads(r.attrs["not_ranked"]) == [
        ["c", "丙市", "C"]
    ]
    assert rank_table(r, "zh", by="share")["note"].endswith(
        "未参与排名（没有可排名的指标，如本年没有报告）：丙市。"
    )
    assert rank_table(r, "en", by="share")["note"].endswith(
        " Not ranked (no indicator to rank, such as no report this year): C."
    )


@pytest.fixture(scope="module")
def small_bulletin():
    catalog = lf.load_catalog(2024).subset(["09a", "15a", "17b", "06b"])
    progress = synthetic_progress(catalog, seed=3)
    f = lf.forecast(progress, catalog, n_draws=400, seed=5)
    answers = planning.plan(f, progress)
    pages = {
        lang: render_bulletin(f, lang=lang, planning=answers, indicators=["09a"])[0] for lang in ("zh", "en")
    }
    return answers, pages


def test_bulletin_ranking_section_shows_rank_probabilities(small_bulletin):
    answers, pages = small_bulletin
    rows = table_rows(pages["zh"], "rank-table-share")
    assert rows[0] == ["地市", "第1名", "第2名", "第3名", "后三名", "末位", "最可能名次（概率）"]
    ranks = answers.ranks
    assert [row[0] for row in rows[1:]] == list(ranks["name_zh"].values)
    most, p_most = int(ranks["most_likely_rank"][0]), float(ranks["p_most_likely"][0])
    assert rows[1][6] == f"{most} ({100 * p_most:.0f}%)"
    spi = table_rows(pages["zh"], "ranking-table")
    assert spi[0][0] == "排名（概率）" and all(row[0].endswith("(100%)") for row in spi[1:])
    assert "参与排名的各地市指标 8 月的报告均已报送" in pages["zh"] and "rank-table-spi" not in pages["zh"]
    assert table_rows(pages["en"], "rank-table-share")[0][4] == "P(bottom 3)"
    n_close = len(close_groups(ranks))
    assert pages["en"].count("cannot be told apart") == n_close
    assert pages["zh"].count("难以区分") == n_close
