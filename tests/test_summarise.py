"""Summaries: a known answer through simulate + summarise, bands, first passage."""

import numpy as np
import pytest
from scipy import special

import longjiang_forecast as lf
from longjiang_forecast.models import SeasonalShareModel


@pytest.fixture(scope="module")
def fitted(catalog, progress):
    return SeasonalShareModel().fit(progress, catalog=catalog, as_of="2024-08")


def test_known_answer_gamma_sum(fitted):
    """With one fixed scale θ, the value at the deadline is start + Gamma(Σ shape, θ): exact P(met)."""
    state = fitted.state_
    draws = fitted.sample_parameters(20_000, rng=1)
    s = int(np.flatnonzero((state["indicator"].values == "09a") & (state["region"].values == "province"))[0])
    start = float(draws["start"][s])
    dl = int(state["deadline_month"][s])
    k = float(draws["gamma_shape"].values[s, :dl].sum())
    theta = (15_000 - start) / special.gammainccinv(k, 0.3)  # exact P(met) 0.3 by construction
    draws["gamma_scale"][:, s] = theta
    summary = lf.summarise(lf.simulate(draws, state, seed=2), state)
    exact = special.gammaincc(k, (15_000 - start) / theta)
    assert exact == pytest.approx(0.3)
    p, se = float(summary["p_met"][s]), float(summary["p_met_se"][s])
    assert se == pytest.approx(np.sqrt(p * (1 - p) / 20_000))
    assert abs(p - exact) < 4 * np.sqrt(exact * (1 - exact) / 20_000)


def test_quantiles_ordered_and_first_passage_cdf_monotone(fitted):
    paths = lf.simulate(fitted.sample_parameters(1000, rng=3), fitted.state_, seed=4)
    summary = lf.summarise(paths, fitted.state_, quantiles=(0.1, 0.5, 0.9))
    q = summary["deadline_value"].values
    ok = np.isfinite(q).all(axis=1)
    assert np.all(np.diff(q[ok], axis=1) >= 0)
    cdf = summary["first_passage_cdf"].values
    monotone = np.isfinite(cdf).all(axis=1)
    assert monotone.sum() > 300
    assert np.all(np.diff(cdf[monotone], axis=1) >= 0)
    # P(reached by the deadline month) is P(met) for counts, whose paths never fall
    counts = np.flatnonzero(fitted.state_["kind"].values == "cumulative")
    dl = fitted.state_["deadline_month"].values[counts] - 1
    np.testing.assert_allclose(cdf[counts, dl], summary["p_met"].values[counts])


def test_custom_bands(fitted):
    paths = lf.simulate(fitted.sample_parameters(500, rng=3), fitted.state_, seed=4)
    summary = lf.summarise(paths, fitted.state_, bands={"green": 0.9, "red": 0.0})
    assert set(summary["status"].values) <= {"green", "red", "achieved", "no report yet"}
    with pytest.raises(ValueError, match="'bands' parameter of summarise"):
        lf.summarise(paths, fitted.state_, bands={"green": 1.5})
