"""Calibration figures: drawn on the given Axes, returned, never shown."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest
import xarray as xr

from longjiang_forecast import metrics, plots


@pytest.fixture
def forecasts():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=400)
    return xr.Dataset(
        {
            "p_met": ("forecast", p),
            "outcome_met": ("forecast", (rng.uniform(size=400) < p).astype(float)),
            "pit": ("forecast", rng.uniform(size=400)),
        }
    )


def test_reliability_diagram_on_given_axes(forecasts):
    rel = metrics.reliability(forecasts, bins=5, n_resamples=200, seed=1)
    assert rel.attrs["n_forecasts"] == 400 and rel.sizes["bin"] == 5
    fig, ax = plt.subplots()
    assert plots.reliability_diagram(rel, ax=ax, label="m") is ax
    assert "n=400" in ax.get_legend().get_texts()[-1].get_text()
    plt.close(fig)


def test_corp_reliability_diagram_on_given_axes(forecasts):
    corp = metrics.corp_reliability(forecasts, n_resamples=100, seed=1)
    assert corp.attrs["n_forecasts"] == 400 and corp.sizes["point"] == 400  # distinct probabilities
    fig, ax = plt.subplots()
    assert plots.corp_reliability_diagram(corp, ax=ax, label="m") is ax
    assert "n=400" in ax.get_legend().get_texts()[-1].get_text()
    assert f"MCB {corp.attrs['mcb']:.3f}" in ax.texts[0].get_text()
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), corp["cep"].values)  # the step curve
    plt.close(fig)


def test_pit_histogram_new_axes(forecasts):
    hist = metrics.pit_histogram(forecasts, n_bins=8)
    ax = plots.pit_histogram(hist)
    assert len(ax.patches) >= 8
    assert "n=400" in ax.get_title()
    plt.close(ax.figure)


def test_labelled_errors(forecasts):
    with pytest.raises(ValueError, match=r"reliability needs a backtest Dataset with variables"):
        metrics.reliability(forecasts.drop_vars("outcome_met"))
    with pytest.raises(
        ValueError,
        match=r"summary_table needs a backtest Dataset with variables \['p_met', 'outcome_met', 'model'\]",
    ):
        metrics.summary_table(forecasts)
