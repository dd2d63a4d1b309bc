"""The ETS model's seasonal regressor and its intervals on the national series (issue #4)."""

import warnings

import numpy as np
import pytest

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
    total = model.sample_parameters(4000, rng=2024)["annual_total"].values[:, s]
    q10, q50, q90 = np.quantile(total, [0.1, 0.5, 0.9])
    assert 3.5 < q10 < q50 < q90 < 7.0, (q10, q50, q90)


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
