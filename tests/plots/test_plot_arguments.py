"""The plots' arguments a break-it pass got raw errors from: a summary for a forecast, a forecast for
a summary, one indicator as a string, a region the forecast does not have."""

from __future__ import annotations

import pytest

import longjiang_forecast as lf
from longjiang_forecast.plots import fan_chart, first_passage_chart, heatmap
from longjiang_forecast.testing import synthetic_progress


@pytest.fixture(scope="module")
def result():
    catalog = lf.load_catalog(2024).subset(["01a", "09a"])
    return lf.forecast(synthetic_progress(catalog, seed=3), catalog, n_draws=300, seed=1)


def test_the_forecast_or_its_summary_where_either_is_meant(result):
    with pytest.raises(TypeError, match=r"fan_chart draws the kept paths of a forecast: pass lf\.forecast's"):
        fan_chart(result.summary, "01a")

    # heatmap and the first-passage chart take the forecast as well as its summary
    def rows(ax):
        return [t.get_text() for t in ax.get_yticklabels()]

    assert rows(heatmap(result)) == rows(heatmap(result.summary)) and rows(heatmap(result))
    assert rows(first_passage_chart(result, "01a")) == rows(first_passage_chart(result.summary, "01a"))
    with pytest.raises(TypeError, match=r"heatmap draws a forecast's summary: .* Got list instead"):
        heatmap([1, 2])


def test_one_indicator_as_a_string_and_an_unknown_region(result):
    ax = heatmap(result, indicators="01a")  # it read "01a" as ['0', '1', 'a']
    assert len(ax.get_yticklabels()) == 1
    with pytest.raises(
        ValueError, match=r"No region 'harbn' in the forecast: its regions are \['province', 'harbin'"
    ):
        fan_chart(result, "01a", "harbn")
