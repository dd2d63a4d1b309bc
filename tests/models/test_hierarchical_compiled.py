"""The hierarchical model compiles once per structure (issue 14): a refit swaps the data in.

Real PyMC + nutpie fits (small chains, as the model contract uses): slow (each compile takes 20-90 s).
"""

import warnings

import numpy as np
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast.models import HierarchicalModel
from longjiang_forecast.models import hierarchical as hier
from longjiang_forecast.testing import synthetic_progress

pytest.importorskip("pymc")
nutpie = pytest.importorskip("nutpie")


def _fit(catalog, seed, as_of):
    model = HierarchicalModel(draws=100, tune=150, chains=2, min_ess=0, sampler="nutpie", seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short chains may warn about convergence
        model.fit(synthetic_progress(catalog, seed=seed, as_of=as_of), catalog=catalog, as_of=as_of)
    return model


@pytest.mark.slow
def test_a_refit_of_the_same_structure_does_not_compile_and_draws_as_a_fresh_compile(monkeypatch):
    """A count (09a, with prefectures) and an annual mean (17b): a refit on other data with fewer or more
    reports samples the models compiled for the first fit, and draws what a fresh compile on its own
    data draws with the same seed, value for value (4 compiles in all: about 2-6 minutes)."""
    compiles = []
    compile_pymc_model = nutpie.compile_pymc_model

    def counted(*args, **kwargs):
        compiles.append(1)
        return compile_pymc_model(*args, **kwargs)

    monkeypatch.setattr(nutpie, "compile_pymc_model", counted)
    catalog = lf.load_catalog(2024).subset(["09a", "17b"])
    hier.clear_compiled()
    fresh_july = _fit(catalog, 2, "2024-07")
    state = fresh_july.state_  # the 09a province reports its prefectures' total: not a series of its own
    annual_mean = int(np.flatnonzero(state["indicator"].values == "17b")[0])
    assert set(fresh_july.idata_) == {"counts", f"mean_{annual_mean}"} and len(compiles) == 2
    june = _fit(catalog, 1, "2024-06")  # other data, fewer reports: the July models
    assert len(compiles) == 2
    hier.clear_compiled()
    fresh_june = _fit(catalog, 1, "2024-06")
    july = _fit(catalog, 2, "2024-07")  # more reports: the June models
    assert len(compiles) == 4
    groups = ("posterior", "sample_stats", "observed_data", "constant_data")
    for name in fresh_july.idata_:
        for group in groups:
            xr.testing.assert_equal(june.idata_[name][group], fresh_june.idata_[name][group])
            xr.testing.assert_equal(july.idata_[name][group], fresh_july.idata_[name][group])
        (observed,) = june.idata_[name].observed_data.data_vars
        assert june.idata_[name].observed_data[observed].size < july.idata_[name].observed_data[observed].size
        scale = "tau_year" if name == "counts" else "tau"  # the data were swapped in, not kept
        assert not np.array_equal(june.idata_[name].posterior[scale], july.idata_[name].posterior[scale])
