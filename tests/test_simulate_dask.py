"""The Dask backend gives exactly the in-process result (a task per group of blocks, folded in order)."""

import numpy as np
import pytest

from longjiang_forecast.simulate import simulate_summary
from longjiang_forecast.simulate._reference import small_job

distributed = pytest.importorskip("distributed")


@pytest.mark.parametrize("processes", [False, True])
def test_dask_localcluster_equals_threads(processes):
    d, s = small_job(["gamma", "negbin", "link_normal", "binomial", "lognormal"], 3500, regions=3, seed=4)
    local = simulate_summary(d, s, seed=21, n_jobs=2, keep_paths=10)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = simulate_summary(d, s, seed=21, backend="dask", client=client, keep_paths=10)
    for name in local.data_vars:
        if local[name].dtype.kind in "fc":
            np.testing.assert_array_equal(local[name].values, remote[name].values, err_msg=name)


def test_dask_default_scheduler_equals_threads():
    d, s = small_job(["gamma", "poisson"], 2100, seed=5)
    a = simulate_summary(d, s, seed=3)
    b = simulate_summary(d, s, seed=3, backend="dask")
    np.testing.assert_array_equal(a["p_met"].values, b["p_met"].values)
    np.testing.assert_array_equal(a["deadline_value"].values, b["deadline_value"].values)
