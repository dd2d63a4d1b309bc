"""Hypothesis properties of the streaming engine on random small jobs."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from longjiang_forecast.simulate import DYNAMICS, simulate_summary
from longjiang_forecast.simulate._reference import small_job

FAMILIES = [d for d in DYNAMICS if d != "none"]
MONOTONE = ("gamma", "dirichlet", "negbin", "poisson", "lognormal_increment", "binomial")

jobs = st.fixed_dictionaries(
    {
        "dynamics": st.lists(st.sampled_from(FAMILIES), min_size=1, max_size=4),
        "as_of_month": st.integers(0, 11),
        "deadline_gap": st.integers(0, 11),
        "comparator": st.sampled_from([">=", "<="]),
        "target_factor": st.floats(0.3, 2.0),
        "seed": st.integers(0, 2**16),
        "regions": st.integers(1, 3),
    }
)

SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _job(p, n_draws):
    deadline = min(12, max(p["as_of_month"], 1) + p["deadline_gap"])
    return small_job(
        p["dynamics"],
        n_draws,
        as_of_month=p["as_of_month"],
        deadline_month=deadline,
        comparator=p["comparator"],
        target_factor=p["target_factor"],
        seed=p["seed"],
        regions=p["regions"],
    )


@SETTINGS
@given(jobs)
def test_summaries_are_valid_probabilities_and_ordered(p):
    d, s = _job(p, 300)
    out = simulate_summary(d, s, seed=p["seed"], keep_paths=True, n_jobs=1)
    for name in ("p_met", "p_met_rb"):
        v = out[name].values
        v = v[np.isfinite(v)]
        assert np.all((v >= 0) & (v <= 1 + 1e-12))
    assert np.all(np.diff(out["deadline_value"].values, axis=1) >= 0)
    fp = out["first_passage_cdf"].values
    ok = np.isfinite(fp).all(axis=1)
    assert np.all(np.diff(fp[ok], axis=1) >= 0)
    assert np.all((fp[ok] >= 0) & (fp[ok] <= 1))
    assert np.all(out["expected_shortfall"].values >= 0)
    if "total" in out.dims:
        assert np.all(np.diff(out["total_deadline_value"].values, axis=1) >= 0)
        assert np.all(np.diff(out["total_first_passage_cdf"].values, axis=1) >= 0)
    paths = out["paths"].values
    dyn = d["dynamics"].values
    first = p["as_of_month"]
    mono = np.isin(dyn, MONOTONE)
    assert np.all(np.diff(paths[:, mono, max(first - 1, 0) :], axis=-1) >= -1e-3)
    link = dyn == "link_normal"
    assert np.all((paths[:, link] >= 0) & (paths[:, link] <= 100))
    assert np.all(paths[:, dyn == "lognormal"] > 0)
    assert np.all(paths[:, np.isin(dyn, MONOTONE), first:] >= 0)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(jobs, st.integers(1, 3))
def test_threads_and_kept_paths_do_not_change_the_numbers(p, n_jobs):
    d, s = _job(p, 2100)  # three blocks
    a = simulate_summary(d, s, seed=1, n_jobs=1)
    b = simulate_summary(d, s, seed=1, n_jobs=n_jobs, keep_paths=5)
    for name in ("p_met", "p_met_rb", "deadline_value", "first_passage_cdf", "expected_shortfall"):
        np.testing.assert_array_equal(a[name].values, b[name].values)
