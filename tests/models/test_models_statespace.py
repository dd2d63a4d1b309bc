"""The ETS model's seasonal regressor and its intervals on the national series (issue #4)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast.catalog import Catalog
from longjiang_forecast.models import ETSModel
from longjiang_forecast.models._common import SeriesContext
from longjiang_forecast.models.statespace import history_weights


def _ctx(history):
    return SeriesContext(
        index=0, indicator="X_2024", region="province", kind="cumulative", comparator=">=", tags="",
        family="X", year=2024, target=10.0, observed=np.full(12, np.nan), last_month=0,
        last_value=np.nan, deadline_month=12, upper=np.inf, origin=0.0, history=history,
        history_targets={y: 10.0 for y in history},
    )  # fmt: skip


def test_history_weights_share_gaps_evenly_and_average_years():
    y2022 = np.full(12, np.nan)
    y2022[[5, 11]] = [6.0, 8.0]  # June 6 of 8, December 8: Jan-Jun 0.125 each, Jul-Dec 1/24 each
    y2023 = np.cumsum(np.full(12, 1.0))  # flat: 1/12 each
    w = history_weights(_ctx({2022: y2022, 2023: y2023}))
    gappy = np.r_[np.full(6, 0.125), np.full(6, 1 / 24)]
    np.testing.assert_allclose(w, (gappy + np.full(12, 1 / 12)) / 2)
    np.testing.assert_allclose(history_weights(_ctx({2022: y2022, 2023: y2023}), exclude=2023), gappy)
    assert history_weights(_ctx({2022: y2022}), exclude=2022) is None
    no_december = y2022.copy()
    no_december[11] = np.nan
    assert history_weights(_ctx({2022: no_december})) is None


@pytest.fixture(scope="module")
def national_may_2024():
    cat, prog = lf.load_national_progress(as_of="2024-05")
    keep = cat.table["indicator"].str.startswith("CN_OLDCOMM_") & ~cat.table["indicator"].str.contains("_HH_")
    table = cat.table[keep].reset_index(drop=True)
    return Catalog(year=cat.year, table=table, regions=cat.regions, source=cat.source), prog


def test_ets_national_interval_is_sane(national_may_2024):
    """As of May 2024 (target 5.4, outcome 5.8) the 80 % interval was [2.8, 28] before the profile."""
    cat, prog = national_may_2024
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = ETSModel().fit(prog, catalog=cat, as_of="2024-05")
    s = int(np.flatnonzero(model.state_["indicator"].values == "CN_OLDCOMM_2024")[0])
    assert "dconstant + seasonal regressor" in model.basis_[s]
    aicc = dict(model.selection_[s])
    assert aicc["llevel"] - aicc["dconstant + seasonal regressor"] > 5  # 9.7
    total = model.sample_parameters(4000, seed=2024)["annual_total"].values[:, s]
    q10, q50, q90 = np.quantile(total, [0.1, 0.5, 0.9])
    assert 3.5 < q10 < q50 < q90 < 7.0, (q10, q50, q90)


# -- issue 13, item 9: no explosions -------------------------------------------------------
#: A strongly seasonal count: little in winter, most of the work May-September.
_SEASON = np.array([0.005, 0.005, 0.02, 0.06, 0.14, 0.18, 0.18, 0.16, 0.13, 0.08, 0.03, 0.01])


def _seasonal_case(n_earlier, seed=1):
    from longjiang_forecast.catalog import catalog_row, make_catalog

    rng = np.random.default_rng(seed)
    w = _SEASON / _SEASON.sum()
    years = [np.cumsum(1e7 * w * rng.lognormal(0.0, 0.2, 12)) for _ in range(n_earlier)]
    now = np.cumsum(1.1e7 * w[:3] * np.array([1.1, 0.9, 1.05]))
    months = pd.date_range(f"{2024 - n_earlier}-01-01", "2024-03-01", freq="MS")
    prog = xr.Dataset(
        {"value": (("indicator", "region", "month"), np.concatenate([*years, now])[None, None])},
        coords={"indicator": ["X"], "region": ["province"], "month": months.values},
    )
    row = catalog_row(
        indicator="X", year=2024, name_zh="X", name_en="X", unit="u", target=1.1e7, comparator=">=",
        kind="cumulative", deadline=pd.Timestamp("2024-12-31"),
    )  # fmt: skip
    return prog, make_catalog([row], year=2024, source="test")


def test_ets_refuses_a_season_it_cannot_learn():
    """One earlier year + 3 months gave a median of 4.7e5 [6.5e4, 8.2e7] for 1.1e7, paths up to 1e10."""
    prog, cat = _seasonal_case(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = lf.forecast(prog, cat, model=ETSModel(), n_draws=2000, seed=0)
    row = fc.table().iloc[0]
    assert row["status"] == "no forecast"
    assert "needs 2 earlier years with a December report" in row["reason"]
    assert "found 1: 2023" in row["reason"]
    assert np.isnan(fc.paths.values).all()


def test_ets_with_two_earlier_years_stays_sane():
    prog, cat = _seasonal_case(2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = lf.forecast(prog, cat, model=ETSModel(), n_draws=2000, seed=0)
    row = fc.table().iloc[0]
    assert row["reason"] == ""
    assert "UnobservedComponents (dconstant + seasonal regressor)" in row["basis"]
    assert 0.7e7 < row["q10"] < row["median"] < row["q90"] < 1.6e7
    assert np.nanmax(fc.paths.values) < 3 * 1.1e7


def test_ets_refuses_draws_that_blow_up():
    from longjiang_forecast.models._common import Refusal
    from longjiang_forecast.models.statespace import MAX_CHANGE_MULTIPLE, _check_stable

    ctx = _ctx({2023: np.cumsum(np.full(12, 1.0))})  # need 10, a year of 12
    ctx.last_month, ctx.last_value = 3, 3.0
    _check_stable(ctx, lambda gen, n: np.full(n, 9.0 * MAX_CHANGE_MULTIPLE), {2023: None})  # 9 * 10 + 3 < 120
    with pytest.raises(
        Refusal, match=r"the state-space fit is unstable: 1 % of its draws end the year above"
    ):
        _check_stable(ctx, lambda gen, n: np.exp(gen.normal(0.0, 3.0, n)) * 10, {2023: None})


def test_without_statsmodels_the_fit_says_which_extra_to_install(national_may_2024, monkeypatch):
    # statsmodels is an extra (issue 19): a plain install gets the same kind of message as PyMC's
    import sys

    cat, prog = national_may_2024
    for name in [m for m in sys.modules if m == "statsmodels" or m.startswith("statsmodels.")] + [
        "statsmodels"
    ]:
        monkeypatch.setitem(sys.modules, name, None)  # every statsmodels import now fails, loaded or not
    with pytest.raises(
        ImportError, match=r"ETSModel needs statsmodels: pip install 'longjiang_forecast\[ets\]'"
    ):
        ETSModel().fit(prog, catalog=cat, as_of="2024-05")
