"""Planning inputs and outputs a break-it pass found wrong: portfolio items, a pace no path shows."""

from __future__ import annotations

import pytest

import longjiang_forecast as lf
from longjiang_forecast.planning import portfolio
from longjiang_forecast.testing import synthetic_progress


@pytest.fixture(scope="module")
def result():
    catalog = lf.load_catalog(2024).subset(["01a", "01b", "09a"])
    return lf.forecast(synthetic_progress(catalog, seed=3), catalog, n_draws=300, seed=1)


def test_items_naming_an_unknown_indicator_or_no_item_are_refused(result):
    """{"1a": 1} (for "01a") made every indicator an item of its own and changed every figure."""
    with pytest.raises(ValueError, match=r"names indicators the forecast does not have: \['1a'\]"):
        portfolio(result, items={"1a": 1})
    for bad in ({"01a": 1.5}, {"01a": None}, {"01a": True}, {"01a": " "}):
        with pytest.raises(ValueError, match=r"maps \{'01a': .*\} to what is not an item"):
            portfolio(result, items=bad)
    with pytest.raises(ValueError, match=r"must be a mapping of indicator id to item"):
        portfolio(result, items=["01a"])
    # whole numbers (also as 2.0) and labels are items; the ones left out form their own
    same = portfolio(result, items={"01a": 1, "01b": 1.0, "09a": "homes"})
    assert same.attrs["n_items"] == 2
    assert portfolio(result, items={"01a": 1}).attrs["n_items"] == 3


def test_a_pace_that_no_path_can_show_is_nan_not_the_plain_rate():
    """12a (milestones) at 0.9: no simulated path gains anything by the 10 % quantile, and the plain
    rate was shown, below the pace at 0.6 (a pace falling as the probability rises; a break-it
    pass). It is NaN, with the note; where a pace exists, it rises with the probability."""
    import numpy as np

    from longjiang_forecast.planning import required_pace

    catalog = lf.load_catalog(2024)
    result = lf.forecast(synthetic_progress(catalog, seed=2024), catalog, n_draws=500, seed=2024)
    low, high = required_pace(result, prob=0.6), required_pace(result, prob=0.9)
    pick = (high["indicator"].values == "12a") & (high["region"].values == "province")
    assert np.isnan(high["required_pace"].values[pick]).all()
    assert str(high["note"].values[pick][0]).startswith("no simulated progress at the 10% quantile")
    both = np.isfinite(low["required_pace"].values) & np.isfinite(high["required_pace"].values)
    assert both.sum() > 100
    assert np.all(high["required_pace"].values[both] >= low["required_pace"].values[both] - 1e-9)


def test_the_lists_joint_figures_warn_on_a_forecast_keeping_too_few_paths():
    """With 2 kept paths, P(all met) read "0.0 ± 0.0" and a prefecture was "most likely last" with
    probability 1, without a word (a break-it pass): each says so; 100 kept paths are enough."""
    import warnings

    from longjiang_forecast.planning import rank_probabilities, risk_drivers

    catalog = lf.load_catalog(2024).subset(["01a", "09a"])
    progress = synthetic_progress(catalog, seed=3)
    few = lf.forecast(progress, catalog, n_draws=300, seed=1, keep_paths=2)
    for func in (portfolio, rank_probabilities, risk_drivers):
        with pytest.warns(
            lf.ForecastWarning, match=rf"^{func.__name__}: the forecast keeps 2 path\(s\);.*at least 100"
        ):
            func(few)
    enough = lf.forecast(progress, catalog, n_draws=300, seed=1, keep_paths=100)
    with warnings.catch_warnings():
        warnings.simplefilter("error", lf.ForecastWarning)
        assert 0.0 <= float(portfolio(enough)["p_all_met"]) <= 1.0
        assert rank_probabilities(enough).sizes["region"] == 13


def test_next_year_refuses_other_progress_and_an_implausible_default_growth(result):
    """Another data set's progress gave other proposals without a word (04c 77,704 -> 85,656), and a
    default growth of 5 (the log of a factor of 148) proposed 45,818 against 300; a bare 0.1 was a
    raw TypeError (break-it)."""
    from longjiang_forecast._core.exceptions import DataValidationError
    from longjiang_forecast.planning import next_year_targets

    catalog = result.catalog
    with pytest.raises(DataValidationError, match=r"is not the data the forecast was made from"):
        next_year_targets(result, synthetic_progress(catalog, seed=99))
    own = next_year_targets(result, synthetic_progress(catalog, seed=3))  # the forecast's own: accepted
    assert (own["growth_basis"].values == "trend").any()
    for bad in (0.1, (5, 0.1), (0.05, 2.0), (0.05, 0.0), ("a", 0.1)):
        with pytest.raises(ValueError, match=r"'default_growth' parameter .* \(mean, sd\) of the log"):
            next_year_targets(result, None, default_growth=bad)


def test_a_given_plan_curve_must_be_a_cumulative_share(result):
    """A curve in percent, a falling one or one all NaN was clipped or replaced by the flat line, and
    every prefecture read far behind (mean SPI(t) 0.964 -> 0.097; break-it); wrong dims were xarray's
    error. The model's own curve (NaN rows for series without a plan) is accepted as it is."""
    import numpy as np
    import xarray as xr

    from longjiang_forecast._core.exceptions import DataValidationError
    from longjiang_forecast.planning import schedule_performance

    n = result.state.sizes["series"]
    flat = np.tile(np.arange(1, 13) / 12, (n, 1))
    for curve, message in (
        (
            flat * 100,
            r"a value outside \[0, 1\] in \d+ series \(first 01a/province, month 1: 8\.33333\).*"
            r"divide by 100",
        ),
        (flat[:, ::-1], r"a fall from one month to the next"),
        (np.full((n, 12), np.nan), r"NaN everywhere"),
        (np.where(np.arange(12) == 5, np.nan, flat), r"not a number .* month 6"),
    ):
        with pytest.raises(DataValidationError, match=message):
            schedule_performance(result, plan=xr.DataArray(curve, dims=("series", "month")))
    with pytest.raises(DataValidationError, match=r"must have dims \(series, month\)"):
        schedule_performance(result, plan=xr.DataArray(flat, dims=("s", "m")))
    given = schedule_performance(result, plan=result.draws["plan_share"].copy())
    np.testing.assert_allclose(
        given["spi_t"].values, schedule_performance(result, plan="model")["spi_t"].values
    )


def test_messages_name_the_function_called_and_the_probability_counted(result):
    """n_jobs=0 named the engine's simulate_summary; portfolio's known ids read np.str_('01a'); and
    with 3 kept paths '0.5 rests on 1.5 kept paths ... at least 51' counted for 0.9 (break-it)."""
    from longjiang_forecast.planning import next_year_targets

    progress = synthetic_progress(result.catalog, seed=3)
    for call, name in (
        (lambda: lf.forecast(progress, result.catalog, n_draws=50, n_jobs=0), "forecast"),
        (
            lambda: lf.compare_scenarios(progress, result.catalog, [], n_draws=50, n_jobs=0),
            "compare_scenarios",
        ),
    ):
        with pytest.raises(ValueError, match=rf"The 'n_jobs' parameter of {name} must be an int"):
            call()
    with pytest.raises(ValueError, match=r"it has \['01a', '01b', '09a'\]"):
        portfolio(result, items={"zz": 1})
    few = lf.forecast(progress, result.catalog, n_draws=50, seed=1, keep_paths=3)
    with pytest.raises(ValueError, match=r"probability 0\.9 rests on the 0\.3 kept path.*at least 50\b"):
        next_year_targets(few, None, probs=(0.5, 0.9))
