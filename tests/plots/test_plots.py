"""Figures: Axes in and out, what they draw, Chinese labels with a CJK font, English fallback without."""

import os
import re
import warnings

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

import longjiang_forecast as lf
from longjiang_forecast import planning, plots
from longjiang_forecast.plots import _fonts
from longjiang_forecast.testing import synthetic_progress

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def small():
    cat = lf.load_catalog(2024).subset(["09a", "15a", "17b", "06b"])
    progress = synthetic_progress(cat, seed=3)
    forecast = lf.forecast(progress, cat, n_draws=300, seed=5)
    return forecast, planning.plan(forecast, progress)


def require_cjk_font():
    """Fail on CI (the set-up must install a CJK font), skip elsewhere."""
    if _fonts.find_cjk_font() is None:
        message = f"No CJK font installed; install one with: {_fonts.INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def comparison_frame(forecast):
    s = forecast.summary
    rows = []
    for scenario, shift in [("baseline", 0.0), ("funding-delay", -0.2), ("early-winter", -0.1)]:
        for ind, reg, p in zip(s["indicator"].values, s["region"].values, s["p_met"].values, strict=True):
            q = float(np.clip(p + shift, 0, 1))
            rows.append(
                {
                    "indicator": ind,
                    "region": reg,
                    "scenario": scenario,
                    "p_met": q,
                    "delta_vs_baseline": q - p,
                }
            )
    return pd.DataFrame(rows)


def test_fan_chart_draws_bands_target_and_deadline(small):
    forecast, _ = small
    _fig, ax = plt.subplots()
    out = plots.fan_chart(forecast, "09a", ax=ax)
    assert out is ax
    assert len(ax.collections) == 2  # the 10-90 and 25-75 bands
    st = forecast.state
    target = float(
        st["target"].values[(st["indicator"].values == "09a") & (st["region"].values == "province")][0]
    )
    horizontal = [line for line in ax.lines if np.allclose(line.get_ydata(), target)]
    assert horizontal, "no target line"
    assert any(np.allclose(line.get_xdata(), 12.0) for line in ax.lines)  # deadline 31 Dec at x = 12
    assert "09a" in ax.get_title(loc="left") and "P(met)" in ax.get_title(loc="left")
    with pytest.raises(ValueError, match="No series \\('zz', 'province'\\)"):
        plots.fan_chart(forecast, "zz")


def test_a_series_first_reported_in_march_draws_without_a_numpy_warning():
    """`report` printed numpy's 'All-NaN slice encountered' for a file whose reports start in March
    (a fourth break-it pass): January and February have no value, and the reported line starts in March."""
    cat = lf.load_catalog(2024).subset(["09a"])
    frame = pd.DataFrame({"indicator": "09a", "region": "province", "month": ["2024-03", "2024-04"],
                          "value": [4100.0, 6000.0]})  # fmt: skip
    forecast = lf.forecast(lf.read_progress(frame, cat), cat, n_draws=200, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ax = plots.fan_chart(forecast, "09a")
    reported = next(line for line in ax.lines if line.get_marker() == "o")
    y = np.asarray(reported.get_ydata(), dtype=float)
    assert np.isnan(y[1:3]).all() and y[3:].tolist() == [4100.0, 6000.0]  # x 0 (start), Jan, Feb, Mar, Apr


def test_an_annual_means_reports_are_labelled_as_means_of_the_year_so_far(small):
    forecast, _ = small
    labels = [line.get_label() for line in plots.fan_chart(forecast, "17b", lang="en").lines]
    assert "reported: mean of Jan to each month" in labels and "reported" not in labels
    labels = [line.get_label() for line in plots.fan_chart(forecast, "09a", lang="en").lines]
    assert "reported" in labels  # a count's reports are the reports
    if _fonts.find_cjk_font() is not None:
        zh = [line.get_label() for line in plots.fan_chart(forecast, "17b", lang="zh").lines]
        assert "已报告：1月至当月均值" in zh


def test_every_plot_returns_axes_on_a_new_figure(small):
    forecast, answers = small
    axes = [
        plots.fan_chart(forecast, "17b", lang="en"),
        plots.heatmap(forecast.summary, regions=forecast.catalog.regions),
        plots.first_passage_chart(forecast.summary),
        plots.first_passage_chart(forecast.summary, "15a"),
        plots.ranking_chart(answers.ranking),
        plots.portfolio_chart(answers.portfolio),
        plots.scenario_chart(comparison_frame(forecast)),
    ]
    assert all(isinstance(ax, matplotlib.axes.Axes) for ax in axes)
    assert len({id(ax.figure) for ax in axes}) == len(axes)


def test_heatmap_values_and_columns(small):
    forecast, _ = small
    ax = plots.heatmap(forecast.summary, regions=forecast.catalog.regions)
    image = ax.images[0].get_array()
    assert image.shape == (2, 14)  # 09a and 15a are split over 13 prefectures
    s = forecast.summary
    sel = (s["indicator"].values == "09a") & (s["region"].values == "province")
    assert image[0, 0] == pytest.approx(float(s["p_met"].values[sel][0]))
    assert [t.get_text() for t in ax.get_xticklabels()][:2] == ["province", "Harbin"]


def test_heatmap_marks_a_prefecture_asked_for_nothing():
    """03a's 3 cities go to Harbin, Qiqihar and Suihua: the ten other prefectures' cells are blank
    with a dash (status "no share"), not a green 100 as if they had delivered."""
    catalog = lf.load_catalog(2024).subset(["03a"])
    forecast = lf.forecast(synthetic_progress(catalog, seed=2024), catalog, n_draws=200, seed=1)
    ax = plots.heatmap(forecast, regions=catalog.regions)
    image = ax.images[0].get_array()
    columns = [t.get_text() for t in ax.get_xticklabels()]
    assert image.shape == (1, 14)
    shared = [columns.index(name) for name in ("province", "Harbin", "Qiqihar", "Suihua")]
    assert np.isfinite(np.ma.filled(image, np.nan)[0, shared]).all()
    others = [c for c in range(14) if c not in shared]
    assert (
        np.ma.getmaskarray(image)[0, others].all() or np.isnan(np.ma.filled(image, np.nan)[0, others]).all()
    )
    dashes = sorted(round(t.get_position()[0]) for t in ax.texts if t.get_text() == "–")
    assert dashes == others


def test_first_passage_pmf_sums_to_one(small):
    forecast, _ = small
    cdf = forecast.summary["first_passage_cdf"].values
    ok = np.isfinite(cdf).all(axis=1)
    pmf = plots.first_passage_pmf(cdf[ok])
    np.testing.assert_allclose(pmf.sum(axis=1), 1.0)
    assert np.all(pmf >= -1e-12)
    with pytest.raises(ValueError, match="has no first-passage distribution"):
        plots.first_passage_chart(forecast.summary, "17b")


def test_scenario_and_ranking_check_their_columns(small):
    forecast, answers = small
    with pytest.raises(ValueError, match="lacks columns \\['delta_vs_baseline'\\]"):
        plots.scenario_chart(comparison_frame(forecast).drop(columns="delta_vs_baseline"))
    with pytest.raises(ValueError, match="lacks columns \\['spi_t'\\]"):
        plots.ranking_chart(answers.ranking.drop(columns="spi_t"))
    ax = plots.ranking_chart(answers.ranking)
    assert len(ax.patches) == 13


def test_lang_is_validated(small):
    forecast, _ = small
    with pytest.raises(ValueError, match="The 'lang' parameter must be a str among \\['en', 'zh'\\]"):
        plots.fan_chart(forecast, "09a", lang="fr")


def test_chinese_labels_render_with_a_cjk_font(small):
    require_cjk_font()
    forecast, _ = small
    with warnings.catch_warnings():
        warnings.simplefilter("error", _fonts.CJKFontWarning)
        ax = plots.fan_chart(forecast, "09a", lang="zh")
    title = ax.get_title(loc="left")
    assert CJK.search(title) and "达标概率" in title
    assert ax.get_xticklabels()[0].get_text() == "1月"
    ax.figure.canvas.draw()
    # the font matplotlib resolves for the title has every Chinese glyph of it (no empty boxes)
    path = font_manager.findfont(ax._left_title.get_fontproperties(), fallback_to_default=False)
    face = FT2Font(path)
    assert all(face.get_char_index(ord(ch)) for ch in CJK.findall(title))
    for label in ax.get_xticklabels():
        path = font_manager.findfont(label.get_fontproperties(), fallback_to_default=False)
        assert all(FT2Font(path).get_char_index(ord(ch)) for ch in CJK.findall(label.get_text()))


def test_without_cjk_font_warns_and_falls_back_to_english(small, monkeypatch):
    forecast, _ = small
    monkeypatch.setattr(_fonts, "find_cjk_font", lambda: None)
    with pytest.warns(_fonts.CJKFontWarning, match="fonts-noto-cjk or fonts-wqy-microhei"):
        ax = plots.fan_chart(forecast, "09a", lang="zh")
    ax.figure.canvas.draw()
    texts = [ax.get_title(loc="left"), ax.get_ylabel(), *[t.get_text() for t in ax.get_xticklabels()]]
    texts += [t.get_text() for t in ax.get_legend().get_texts()]
    assert not any(CJK.search(t) for t in texts), texts  # English, and the unit's 户 dropped
    assert ax.get_ylabel() == "households"
    assert "P(met)" in ax.get_title(loc="left")
