"""The Dask backend gives exactly the in-process result (a task per group of blocks, folded in order)."""

from pathlib import Path

import numpy as np
import pytest

from longjiang_forecast.simulate import simulate_summary
from longjiang_forecast.simulate._reference import small_job

distributed = pytest.importorskip("distributed")


@pytest.mark.parametrize("processes", [False, True])
def test_dask_localcluster_equals_threads(processes):
    d, s = small_job(
        ["gamma", "dirichlet", "negbin", "link_normal", "binomial", "lognormal"], 3500, regions=3, seed=4
    )
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


def test_forecast_on_a_cluster_of_two_worker_processes_equals_the_local_run(catalog, progress):
    """The product's entry points on a real scheduler with two worker processes: bit for bit (issue 14).

    Four prefecture series of 09a (a province row on their joint paths) and one province count; 2,500
    draws are three blocks, the first alone (it sets the histogram bins), so several tasks run remotely.
    """
    import longjiang_forecast as lf

    small = catalog.subset(["09a", "15a"])
    kwargs = {"as_of": "2024-08", "n_draws": 2500, "seed": 8, "keep_paths": 300}
    local = lf.forecast(progress, small, **kwargs)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cl,
        distributed.Client(cl) as client,
    ):
        remote = lf.forecast(progress, small, client=client, **kwargs)
        winter = Path(__file__).resolve().parents[2] / "scenarios" / "early-winter.toml"
        compared = lf.compare_scenarios(progress, small, [winter], client=client, **kwargs)
        assert len(client.scheduler_info()["workers"]) == 2
    for name, var in local.summary.data_vars.items():
        if var.dtype.kind in "fc":
            np.testing.assert_array_equal(var.values, remote.summary[name].values, err_msg=name)
    np.testing.assert_array_equal(local.paths.values, remote.paths.values)
    assert remote.paths.sizes["draw"] == 300 and local.summary.attrs["n_draws"] == 2500
    np.testing.assert_array_equal(
        compared.forecasts["baseline"].summary["p_met"].values, local.summary["p_met"].values
    )
    local_winter = lf.forecast(progress, small, scenario=winter, **kwargs)
    np.testing.assert_array_equal(
        compared.forecasts["early-winter"].summary["p_met"].values, local_winter.summary["p_met"].values
    )
