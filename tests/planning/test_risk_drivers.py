"""Risk drivers: the vectorised gains against forcing each target and recounting, hand-made and real paths."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
from test_planning import tiny_forecast

import longjiang_forecast as lf
from longjiang_forecast import planning
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.planning._common import deadline_index
from longjiang_forecast.plots import risk_driver_chart
from longjiang_forecast.report._drivers_view import drivers_notes, prefecture_note
from longjiang_forecast.testing import synthetic_progress


def _forced(forecast, s):
    """The forecast with series ``s`` at (at least) its target at its deadline in every path."""
    paths = forecast.paths.copy(deep=True)
    m = int(deadline_index(forecast.state)[s])
    target = float(forecast.state["target"].values[s])
    sign = -1.0 if str(forecast.state["comparator"].values[s]) == "<=" else 1.0
    values = paths.values[:, s, m]
    paths.values[:, s, m] = np.where(sign * values >= sign * target, values, target)
    return dataclasses.replace(forecast, paths=paths)


def _check_against_forcing(forecast, **kw):
    """gain_p_all equals forcing each target and recounting; the ranks agree with the brute-force gains."""
    result = planning.risk_drivers(forecast, **kw)
    base = float(result["p_all_met"])
    series = result["series"].values
    brute = np.array(
        [float(planning.risk_drivers(_forced(forecast, int(s)), **kw)["p_all_met"]) for s in series]
    )
    np.testing.assert_allclose(result["gain_p_all"].values, brute - base, atol=1e-12)
    rank = result["risk_rank"].values
    for i, j in itertools.permutations(range(series.size), 2):
        if brute[i] > brute[j] + 1e-12:
            assert rank[i] < rank[j]
    assert float(result["share_not_all_met"].sum()) == pytest.approx(1 - base)
    assert float(result["expected_missed"].sum()) == pytest.approx(float(result["expected_n_missed"]))
    return result, brute - base


def test_hand_made_paths_known_gains_and_shapley():
    rng = np.random.default_rng(4)
    target = np.array([10.0, 20.0, 5.0, 8.0])
    values = target * rng.uniform(0.85, 1.4, size=(300, 4))
    values[:, 3] = np.where(np.arange(300) < 30, 0.0, 9.0)  # fails in the first 30 paths only
    f = tiny_forecast(values, target=target, indicator=["a", "b", "c", "d"],
                      region=["province"] * 3 + ["a"], item=[1, 2, 3, 1])  # fmt: skip
    result, gains = _check_against_forcing(f, scope="all")
    met = values >= target
    only = ~met & ((~met).sum(axis=1) == 1)[:, None]
    np.testing.assert_allclose(result["gain_p_all"].sel(series=list(range(4))), only.mean(axis=0))
    assert gains.max() > 0.05  # the check is not on zeros
    assert list(result["risk_rank"].values) == [1, 2, 3, 4]  # the dim is in rank order
    # Shapley value of each target in "securing a set makes all met", by enumerating the orders
    n = 4

    def v(forced):
        m = met.copy()
        m[:, list(forced)] = True
        return m.all(axis=1).mean()

    shapley = np.zeros(n)
    for order in itertools.permutations(range(n)):
        for k, j in enumerate(order):
            shapley[j] += (v(order[: k + 1]) - v(order[:k])) / math.factorial(n)
    np.testing.assert_allclose(result["share_not_all_met"].sel(series=list(range(4))), shapley)
    province = planning.risk_drivers(f)  # scope="province": the three province rows only
    assert set(province["indicator"].values) == {"a", "b", "c"}
    assert float(province["p_all_met"]) == pytest.approx(met[:, :3].all(axis=1).mean())


def test_the_october_items_include_a_deadline_before_the_25th():
    """18c is due 20 October, judged on the September report: it is still an October item."""
    f = tiny_forecast(np.full((5, 3), 12.0), target=[10.0, 10.0, 10.0], indicator=["a", "b", "c"],
                      region=["province"] * 3, item=[1, 2, 3], deadline_month=[10, 12, 9])  # fmt: skip
    f.state["deadline"].values[2] = np.datetime64("2024-10-20")
    october = planning.risk_drivers(f, deadline_month=planning.OUTDOOR_MONTH)
    assert list(october["indicator"].values) == ["a", "c"]
    assert list(october["deadline_month"].values) == [10, 10]


def test_deadline_month_filter_and_errors():
    f = tiny_forecast(np.full((5, 3), 12.0), target=[10.0, 10.0, 10.0], indicator=["a", "b", "c"],
                      region=["province"] * 3, item=[1, 2, 3], deadline_month=[10, 12, 10])  # fmt: skip
    oct_ = planning.risk_drivers(f, deadline_month=planning.OUTDOOR_MONTH)
    assert list(oct_["indicator"].values) == ["a", "c"] and oct_.attrs["deadline_month"] == 10
    assert float(oct_["p_all_met"]) == 1.0 and float(oct_["gain_p_all"].max()) == 0.0
    with pytest.raises(
        DataValidationError, match=r"due in month 9\. Months with province deadlines: \[10, 12\]"
    ):
        planning.risk_drivers(f, deadline_month=9)
    with pytest.raises(ValueError, match="'scope' parameter"):
        planning.risk_drivers(f, scope="cities")
    with pytest.raises(ValueError, match="'deadline_month' parameter"):
        planning.risk_drivers(f, deadline_month=13)
    with pytest.raises(DataValidationError, match="scope 'prefectures'"):
        planning.risk_drivers(f, scope="prefectures")


def test_small_real_forecast_matches_forcing_and_the_portfolio():
    catalog = lf.load_catalog(2024).subset(["09a", "15a", "17b", "06b"])
    f = lf.forecast(synthetic_progress(catalog, seed=3), catalog, n_draws=400, seed=5)
    result, gains = _check_against_forcing(f)
    assert float(result["p_all_met"]) == pytest.approx(float(planning.portfolio(f)["p_all_met"]))
    np.testing.assert_allclose(
        result["p_met"].values,
        f.summary["p_met"].values[result["series"].values],
        atol=1e-9,
    )
    assert gains.max() > 0


@pytest.mark.slow
def test_default_data_drivers_match_forcing():
    """The bundled default data (the CLI's synthetic example), 400 draws: the list and its October items."""
    catalog = lf.load_catalog(2024)
    f = lf.forecast(synthetic_progress(catalog), catalog, n_draws=400, seed=1)
    whole, _ = _check_against_forcing(f)
    assert whole.attrs["n_targets"] == 39
    october, gains = _check_against_forcing(f, deadline_month=10)
    assert set(october["deadline_month"].values) == {10} and "18c" in october["indicator"].values  # due 10-20
    # 18c is met in almost no path, so no single item can raise P(all met); the shares still add up
    assert gains.max() == pytest.approx(0.0, abs=0.01)
    shares = float(october["share_not_all_met"].sum())
    assert shares == pytest.approx(1 - float(october["p_all_met"]), abs=1e-12)
    assert set(october["indicator"].values) < set(whole["indicator"].values)


# --------------------------------------------------------------------------- chart and bulletin
def _hand_made_drivers():
    rng = np.random.default_rng(4)
    target = np.array([10.0, 20.0, 5.0])
    values = target * rng.uniform(0.85, 1.4, size=(300, 3))
    f = tiny_forecast(
        values, target=target, indicator=["a", "b", "c"], region=["province"] * 3, item=[1, 2, 3]
    )
    return planning.risk_drivers(f)


def test_chart_draws_the_drivers_in_rank_order():
    import matplotlib

    matplotlib.use("Agg")
    result = _hand_made_drivers()
    ax = risk_driver_chart(result, top=2, lang="en")
    bars = [p.get_width() for p in ax.patches]
    order = result.sortby("risk_rank")
    np.testing.assert_allclose(bars[:2], 100 * order["gain_p_all"].values[:2])
    np.testing.assert_allclose(bars[2:], 100 * order["share_not_all_met"].values[:2])
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels[0].startswith(f"{order['indicator'].values[0]} name {order['indicator'].values[0]}")
    assert f"P(all met) = {float(result['p_all_met']):.1%}" in ax.get_title(loc="left")
    with pytest.raises(ValueError, match="'top' parameter"):
        risk_driver_chart(result, top=0)
    with pytest.raises(ValueError, match=r"lacks \['share_not_all_met'\]"):
        risk_driver_chart(result.drop_vars("share_not_all_met"))


def test_notes_name_the_leading_drivers_or_say_why_there_are_none():
    result = _hand_made_drivers()
    notes = drivers_notes(result, None, "en")
    lead = result.sortby("risk_rank")
    ind, gain, se = lead["indicator"].values[0], float(lead["gain_p_all"][0]), float(lead["gain_p_all_se"][0])
    assert se == pytest.approx(np.sqrt(gain * (1 - gain) / 300))
    first = f"{ind} name {ind} (+{100 * gain:.1f} ± {100 * se:.1f} pp)"
    assert notes[1].startswith(f"Securing one target alone raises P(all met) most for {first}")
    f = tiny_forecast(np.full((20, 3), 1.0), target=[10.0, 10.0, 10.0], indicator=["a", "b", "c"],
                      region=["province"] * 3, item=[1, 2, 3])  # fmt: skip
    stuck = drivers_notes(planning.risk_drivers(f), None, "zh")
    assert stuck[1].startswith(
        "全部完成的概率为 0.0%：没有一条模拟路径恰好只差一个目标（3 个目标在至少 95% 的路径中未完成）"
    )


def test_prefecture_note_sums_the_expected_misses_of_each_prefecture():
    values = np.array([[5.0, 5, 20, 20], [5, 20, 20, 5]])
    f = tiny_forecast(values, target=[10.0] * 4, indicator=["x", "y", "x", "y"], region=["a", "a", "b", "b"],
                      item=[1, 2, 1, 2])  # fmt: skip
    result = planning.risk_drivers(f, scope="prefectures")
    assert prefecture_note(result, {"a": "甲市", "b": "乙市"}, "zh") == (
        "分地市看，预计未完成的本地目标最多的是：甲市 1.5 项（共 2 项）、乙市 0.5 项（共 2 项）。"
    )


def test_bulletin_portfolio_section_has_the_charts_and_notes():
    from longjiang_forecast.report._bulletin import render_bulletin

    catalog = lf.load_catalog(2024).subset(["09a", "15a", "19a", "13a"])  # 15a, 19a, 13a due in October
    progress = synthetic_progress(catalog, seed=3)
    f = lf.forecast(progress, catalog, n_draws=400, seed=5)
    answers = planning.plan(f, progress)
    assert set(answers.drivers_outdoor["indicator"].values) == {"15a", "19a", "13a"}
    html, figures, _ = render_bulletin(f, lang="zh", planning=answers, indicators=["09a"])
    assert {"risk_drivers", "risk_drivers_outdoor"} <= set(figures)
    notes = html.split('id="risk-notes">', 1)[1].split("</ul>", 1)[0]
    assert "第二张图只看 10 月截止的户外施工项目" in notes and "分地市看" in notes
    assert html.count('alt="风险来源图"') == 2
