"""Benchmark of the product where users run it, the simulation core against the numpy floor, and peers.

Run ``python benchmarks/run.py`` (reference job: 585 series, 12 months, 100,000
draws) or ``--quick`` (10,000 draws, a few minutes). Prints a report and ends
with one JSON line. The product's keys (``benchmarks/product.py``, issue 14):
``e2e_default_s`` (the README's main job as a subprocess, start-up included),
``e2e_reference_1e5_s`` / ``peak_rss_mib_reference_1e6`` (``longjiang-forecast
forecast --draws N`` on the built-in list), ``fit_s``, ``simulate_s``,
``product_vs_engine`` and ``import_s``; ``vs_pymc``, ``vs_statsmodels_ets`` and
``vs_prophet`` are the product's simulation-and-summaries rate (``simulate_s``
of ``lf.forecast``'s own stage, fitting timed separately) over the peer's, with
the engine-only ratios beside them (``engine_vs_*``). ``hierarchical_refit_s``:
``benchmarks/hierarchical_refit.py`` (a refit of the same structure on other
data; null without PyMC/nutpie). ``--no-product`` / ``--no-hierarchical`` leave
them out. ``e2e_county_s``: the county job of ``benchmarks/county.py``
(the 2024 list over 130 counties, 4,847 series, 4,000 draws; ``--quick``: 20
counties, 1,000 draws) forecast as a subprocess, start-up included; ``--no-county``
leaves it out. ``--user-install COMMAND`` also times the README's main job with the
``longjiang-forecast`` of an environment made by the README's first command
(``e2e_default_user_install_s``). Peers need the ``bench`` extra; a missing peer gives null
and the reason.

What each peer ratio compares (printed with the figures):

* ``vs_pymc``: PyMC ``sample_posterior_predictive`` of the same Gamma-increment
  model (per-draw scales as the posterior; float64, one process, paths only, on
  the first 2,000 draws: its cost is linear in draws) against our default run of
  the reference job (float32, two threads, all summaries).
* ``vs_statsmodels_ets``: like for like. statsmodels ``ETSResults.simulate`` of
  ETS(A,A,N) (normal innovations) with as many repetitions per series as we have
  draws, against our engine on Gaussian random walks (``link_normal``, identity
  link: normal increments) with the same series and draws. Fewer series than
  the reference job (each series is one statsmodels call, so its rate does not
  depend on the number of series); fitting not timed. The two are timed in
  alternation, ``ETS_ROUNDS`` rounds, best of each (this host's speed drifts over
  seconds; ``ratio_per_round`` shows the spread). ``vs_statsmodels_ets_gamma_job``
  is the reference (Gamma) job's rate over the same ETS rate.
* ``vs_prophet``: Prophet ``predictive_samples`` (fit not timed) against the
  reference job.

The floor is numpy alone drawing the same variates (as issue 3 defines it). The
engine draws its Gamma and normal variates with its own generator inside the
fused kernels (``simulate/_random.py``), so ``floor_ratio`` may exceed 1. The
raw speed of that generator on the same variates (one thread) is printed too
(``own_gamma_mvariates_per_s``, ``own_normal_mvariates_per_s``) with the
engine's ratio to it (``engine_vs_own_gamma``, ``normal_job_vs_own_normal``):
how close the whole engine comes to drawing alone.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from longjiang_forecast.simulate import _random, simulate_summary  # noqa: E402
from longjiang_forecast.simulate._reference import normal_job, reference_job  # noqa: E402

sys.path.insert(0, str(ROOT / "benchmarks"))
import product  # noqa: E402
from county import N_COUNTIES, time_county_job  # noqa: E402

#: Rounds of the statsmodels ETS comparison (ours and theirs in alternation).
ETS_ROUNDS = 3


def log(*a):
    print(*a, flush=True)


def floor_seconds(shape: np.ndarray, n_draws: int, seed: int = 0) -> dict[str, float]:
    """Time numpy alone drawing the job's Gamma variates (one thread), three ways.

    The floor is the fastest of the three.
    """
    rng = np.random.default_rng(seed)
    n_series, n_months = shape.shape
    out = {}
    cpu = time.process_time()
    buf = np.empty(1024, np.float32)
    t = time.perf_counter()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        for i in range(n_series):
            for m in range(n_months):
                rng.standard_gamma(shape[i, m], size=b, dtype=np.float32, out=buf[:b])
    out["float32_rows"] = time.perf_counter() - t
    out["cpu_float32_rows"] = time.process_time() - cpu
    t = time.perf_counter()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        rng.standard_gamma(shape.astype(np.float32), size=(b, n_series, n_months), dtype=np.float32)
    out["float32_broadcast"] = time.perf_counter() - t
    t = time.perf_counter()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        rng.standard_gamma(shape, size=(b, n_series, n_months))
    out["float64_broadcast"] = time.perf_counter() - t
    return out


def own_gamma_cpu(shape: np.ndarray, n_draws: int, seed: int = 0) -> float:
    """CPU seconds of the engine's own generator alone drawing the job's float32 Gamma variates.

    Same blocks and rows as the engine: per block of 1,024 draws and per month,
    one call filling (series, draws) with one shape per row; one thread.
    """
    state = _random.seed_state(np.random.SeedSequence(seed))
    n_series, n_months = shape.shape
    shapes = [np.ascontiguousarray(shape[:, m]) for m in range(n_months)]
    buf = np.empty(n_series * 1024, np.float32)
    _random.gamma_fill(state, shapes[0], buf[:n_series].reshape(n_series, 1))  # compile / load
    cpu = time.process_time()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        out = buf[: n_series * b].reshape(n_series, b)
        for k in shapes:
            _random.gamma_fill(state, k, out)
    return time.process_time() - cpu


def own_normal_cpu(n_series: int, n_draws: int, seed: int = 0) -> float:
    """CPU seconds of the engine's own generator alone drawing the normal job's float32 normals."""
    state = _random.seed_state(np.random.SeedSequence(seed))
    buf = np.empty(n_series * 1024, np.float32)
    _random.normal_fill(state, buf[:1])  # compile / load
    cpu = time.process_time()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        out = buf[: n_series * b].reshape(n_series, b)
        for _ in range(12):
            _random.normal_fill(state, out)
    return time.process_time() - cpu


def normal_floor_cpu(n_series: int, n_draws: int, seed: int = 0) -> float:
    """CPU seconds of numpy alone drawing the normal job's float32 normals, as the engine does."""
    rng = np.random.default_rng(seed)
    buf = np.empty(n_series * 1024, np.float32)
    cpu = time.process_time()
    for lo in range(0, n_draws, 1024):
        b = min(1024, n_draws - lo)
        out = buf[: n_series * b].reshape(n_series, b)
        for _ in range(12):
            rng.standard_normal((n_series, b), dtype=np.float32, out=out)
    return time.process_time() - cpu


def engine_seconds(draws, state, n_jobs: int, rao_blackwell: bool = False, cpu: bool = False):
    t, c = time.perf_counter(), time.process_time()
    out = simulate_summary(draws, state, seed=1, n_jobs=n_jobs, rao_blackwell=rao_blackwell)
    if cpu:
        return time.perf_counter() - t, time.process_time() - c
    return time.perf_counter() - t, out


def rss_child(n_draws: int) -> None:
    """Run in a subprocess: one streaming run with lazily generated draws; print peak RSS in MiB."""
    try:
        import dask  # noqa: F401

        lazy = True
    except ImportError:
        lazy = False
    draws, state = reference_job(n_draws, lazy=lazy)
    t = time.perf_counter()
    simulate_summary(draws, state, seed=1, n_jobs=2, rao_blackwell=False)
    el = time.perf_counter() - t
    print(json.dumps({"peak_rss_mib": product.peak_rss_mib(), "seconds": el, "lazy_draws": lazy}))


def measure_rss(n_draws: int) -> dict:
    res = subprocess.run(
        [sys.executable, __file__, "--rss", str(n_draws)], capture_output=True, text=True, check=True
    )
    return json.loads(res.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------- peers


def peer_pymc(draws, state, n_sub: int) -> dict:
    """PyMC sample_posterior_predictive of the same Gamma-increment model (per-draw scale as posterior)."""
    try:
        import arviz as az
        import pymc as pm
    except ImportError as err:
        return {"rate": None, "reason": f"pymc not installed: {err}"}
    shape = draws["gamma_shape"].values
    scale = draws["gamma_scale"].values[:n_sub]
    n_series = shape.shape[0]
    idata = az.from_dict(posterior={"scale": scale[None]}, dims={"scale": ["series"]})
    with pm.Model(coords={"series": np.arange(n_series), "month": np.arange(12)}):
        s = pm.HalfNormal("scale", 10.0, dims="series")
        inc = pm.Gamma("inc", alpha=shape, beta=1.0 / s[:, None], dims=("series", "month"))
        pm.Deterministic("path", inc.cumsum(axis=-1), dims=("series", "month"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm.sample_posterior_predictive(
                idata.isel(draw=slice(0, 10)), var_names=["path"], progressbar=False
            )
            t = time.perf_counter()
            pm.sample_posterior_predictive(idata, var_names=["path"], progressbar=False, random_seed=1)
            el = time.perf_counter() - t
    return {"rate": n_sub * n_series * 12 / el, "seconds": el, "draws": n_sub, "series": n_series}


def ets_fits(n_series: int) -> list | str:
    """statsmodels ETS(A,A,N) fits of ``n_series`` 48-month series (not timed), or why there are none."""
    try:
        import pandas as pd
        from statsmodels.tsa.exponential_smoothing.ets import ETSModel
    except ImportError as err:
        return f"statsmodels not installed: {err}"
    rng = np.random.default_rng(0)
    fits = []
    for _ in range(n_series):
        y = pd.Series(
            100 + np.cumsum(rng.gamma(2.0, 1.0, 48)), index=pd.date_range("2020-01-01", periods=48, freq="MS")
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fits.append(ETSModel(y, error="add", trend="add").fit(disp=False))
    fits[0].simulate(12, repetitions=10, anchor="end")  # warm-up
    return fits


def ets_seconds(fits: list, reps: int) -> float:
    """Seconds of ``simulate(12, repetitions=reps)`` on every fit, one after the other."""
    t = time.perf_counter()
    for f in fits:
        f.simulate(12, repetitions=reps, anchor="end")
    return time.perf_counter() - t


def peer_prophet(n_series: int, samples: int) -> dict:
    """Prophet predictive_samples over 12 future months (fit not timed)."""
    try:
        import logging

        import pandas as pd
        from prophet import Prophet

        logging.getLogger("cmdstanpy").setLevel(logging.ERROR)
        logging.getLogger("prophet").setLevel(logging.ERROR)
    except ImportError as err:
        return {"rate": None, "reason": f"prophet not installed: {err}"}
    rng = np.random.default_rng(0)
    models = []
    try:
        for _ in range(n_series):
            df = pd.DataFrame(
                {
                    "ds": pd.date_range("2020-01-01", periods=48, freq="MS"),
                    "y": np.cumsum(rng.gamma(2.0, 1.0, 48)),
                }
            )
            m = Prophet(uncertainty_samples=samples, yearly_seasonality=True)
            m.fit(df)
            models.append(m)
    except Exception as err:
        return {"rate": None, "reason": f"prophet fit failed: {type(err).__name__}: {err}"}
    t = time.perf_counter()
    for m in models:
        future = m.make_future_dataframe(periods=12, freq="MS").tail(12)
        m.predictive_samples(future)
    el = time.perf_counter() - t
    return {"rate": n_series * samples * 12 / el, "seconds": el, "series": n_series, "samples": samples}


# --------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller job, same keys, under a minute")
    parser.add_argument("--rss", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--no-county", action="store_true", help="leave out the county job (null)")
    parser.add_argument("--no-product", action="store_true", help="leave out the product's keys (null)")
    parser.add_argument("--no-hierarchical", action="store_true", help="leave out hierarchical_refit_s")
    parser.add_argument("--user-install", metavar="COMMAND", help=product.USER_INSTALL_HELP)
    args = parser.parse_args()
    if args.rss:
        rss_child(args.rss)
        return
    n_draws = 10_000 if args.quick else 100_000
    rss_sizes = (5_000, 20_000) if args.quick else (100_000, 1_000_000)
    load_at_start = os.getloadavg()
    log(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, load {load_at_start}")
    draws, state = reference_job(n_draws)
    n_series = state.sizes["series"]
    variates = n_draws * n_series * 12
    log(
        f"reference job: {n_series} series x 12 months x {n_draws:,} draws = "
        f"{variates / 1e6:.0f} M path-months"
    )

    # Warm up, then interleave floor and engine so that both see the same machine load.
    engine_seconds(*reference_job(1024), n_jobs=1)
    floors, t1s, c1s, owns = [], [], [], []
    for _ in range(2):
        floors.append(floor_seconds(draws["gamma_shape"].values, n_draws))
        owns.append(own_gamma_cpu(draws["gamma_shape"].values, n_draws))
        wall, cpu = engine_seconds(draws, state, 1, cpu=True)
        t1s.append(wall)
        c1s.append(cpu)
    own_cpu = min(owns)
    floor = {k: min(f[k] for f in floors) for k in floors[0]}
    floor_cpu = floor.pop("cpu_float32_rows")
    floor_s = min(floor.values())
    t1, c1 = min(t1s), min(c1s)
    t2 = min(engine_seconds(draws, state, 2)[0] for _ in range(2))  # best of two, as t1
    t_rb, out_rb = engine_seconds(draws, state, 2, rao_blackwell=True)
    rate1, rate2 = variates / t1, variates / t2
    log(
        f"numpy floor (fastest of {', '.join(f'{k} {v:.2f}s' for k, v in floor.items())}): "
        f"{variates / floor_s / 1e6:.1f} M variates/s"
    )
    log(f"engine, 1 thread, summaries incl. province totals: {t1:.2f}s = {rate1 / 1e6:.1f} M path-months/s")
    log(
        f"CPU seconds (immune to other processes): floor rows {floor_cpu:.2f}s, engine 1 thread {c1:.2f}s "
        f"-> ratio {floor_cpu / c1:.3f} (the engine draws with its own generator, not numpy's, so the "
        f"ratio may exceed 1)"
    )
    log(
        f"own generator alone (xoshiro256++ + Marsaglia-Tsang, float32 rows, 1 thread): {own_cpu:.2f} CPU s "
        f"= {variates / own_cpu / 1e6:.1f} M variates/s; engine 1 thread / own generator = "
        f"{own_cpu / c1:.3f} (1 would be drawing alone)"
    )
    log(f"engine, 2 threads: {t2:.2f}s = {rate2 / 1e6:.1f} M path-months/s")
    log(f"engine, 2 threads, with Rao-Blackwellised P(met): {t_rb:.2f}s = {variates / t_rb / 1e6:.1f} M/s")

    p = out_rb["p_met"].values
    mid = (p > 0.02) & (p < 0.98) & np.isfinite(out_rb["p_met_rb_se"].values)
    ratio = (out_rb["p_met_se"].values[mid] / out_rb["p_met_rb_se"].values[mid]) ** 2
    rb_draw_ratio = float(np.median(ratio))
    log(
        f"Rao-Blackwell: same standard error with {rb_draw_ratio:.1f}x fewer draws "
        f"(median over {mid.sum()} series; quartiles {np.percentile(ratio, 25):.1f}-"
        f"{np.percentile(ratio, 75):.1f}); time per draw x{t_rb / t2:.2f}"
    )

    rss = {}
    for n in rss_sizes:
        rss[n] = measure_rss(n)
        log(
            f"peak RSS at {n:,} draws (paths not kept, lazy draws={rss[n]['lazy_draws']}): "
            f"{rss[n]['peak_rss_mib']:.0f} MiB ({rss[n]['seconds']:.1f}s)"
        )

    peers = {}
    ets_series, ets_reps = (10 if args.quick else 20), n_draws  # repetitions per series = our draws
    if not args.no_peers:
        sub = 500 if args.quick else 2000
        peers["pymc"] = peer_pymc(draws, state, sub)
        peers["prophet"] = peer_prophet(2 if args.quick else 4, 200 if args.quick else 1000)
    # Our side of the like-for-like ETS comparison: normal increments, same series x draws.
    n_draws_n, n_state = normal_job(ets_reps, ets_series)
    engine_seconds(n_draws_n.isel(draw=slice(0, 2048)), n_state, n_jobs=2)  # warm-up
    # statsmodels and ours in alternation (this host's speed drifts over seconds): best of each.
    fits = None if args.no_peers else ets_fits(ets_series)
    ours_n, theirs = [], []
    for _ in range(ETS_ROUNDS):
        ours_n.append(min(engine_seconds(n_draws_n, n_state, 2)[0] for _ in range(2)))
        if isinstance(fits, list):
            theirs.append(ets_seconds(fits, ets_reps))
    t_n = min(ours_n)
    rate_n = ets_series * ets_reps * 12 / t_n
    if isinstance(fits, list):
        t_ets = min(theirs)
        peers["statsmodels_ets"] = {
            "rate": ets_series * ets_reps * 12 / t_ets,
            "seconds": t_ets,
            "series": ets_series,
            "repetitions": ets_reps,
            "ratio_per_round": [round(b / a, 1) for a, b in zip(ours_n, theirs, strict=True)],
        }
    elif fits is not None:
        peers["statsmodels_ets"] = {"rate": None, "reason": fits}
    c_n = min(engine_seconds(n_draws_n, n_state, 1, cpu=True)[1] for _ in range(2))
    floor_n = min(normal_floor_cpu(ets_series, ets_reps) for _ in range(2))
    own_n = min(own_normal_cpu(ets_series, ets_reps) for _ in range(2))
    n_variates_n = ets_series * ets_reps * 12
    log(
        f"engine, 2 threads, Gaussian random walks (link_normal), {ets_series} series x "
        f"{ets_reps:,} draws: {t_n:.2f}s = {rate_n / 1e6:.1f} M path-months/s; CPU seconds on one "
        f"thread {c_n:.2f}s against numpy drawing the normals alone {floor_n:.2f}s "
        f"-> ratio {floor_n / c_n:.3f}; against our own generator drawing them alone (ziggurat, "
        f"{n_variates_n / own_n / 1e6:.0f} M variates/s) {own_n:.2f}s -> ratio {own_n / c_n:.3f}"
    )
    ours = {"pymc": rate2, "statsmodels_ets": rate_n, "prophet": rate2}
    vs = {}
    for name in ("pymc", "statsmodels_ets", "prophet"):
        info = peers.get(name, {"rate": None, "reason": "skipped (--no-peers)"})
        vs[name] = None if info.get("rate") is None else ours[name] / info["rate"]
        if info.get("rate") is None:
            log(f"{name}: null ({info.get('reason')})")
        else:
            log(
                f"{name}: {info['rate'] / 1e6:.3f} M path-months/s -> ours ({ours[name] / 1e6:.1f} M) is "
                f"{vs[name]:.1f}x ({info})"
            )
    pymc_rate = peers.get("pymc", {}).get("rate")
    vs_pymc_1 = None if pymc_rate is None else rate1 / pymc_rate
    if vs_pymc_1 is not None:
        log(f"pymc against our single-thread run: ours is {vs_pymc_1:.1f}x")
    ets_rate = peers.get("statsmodels_ets", {}).get("rate")
    vs_ets_gamma = None if ets_rate is None else rate2 / ets_rate
    if vs_ets_gamma is not None:
        log(f"statsmodels_ets against the reference (Gamma) job instead: ours is {vs_ets_gamma:.1f}x")

    prod: dict = {}
    if not args.no_product:
        prod = product.measure(args.quick, args.user_install)
        log(
            f"product: README main job {prod['e2e_default_s']:.1f}s "
            f"({prod['peak_rss_mib_default']:.0f} MiB); "
            f"forecast --draws {prod['reference_1e5_draws']:,} {prod['e2e_reference_1e5_s']:.1f}s "
            f"({prod['peak_rss_mib_reference_1e5']:.0f} MiB); --draws {prod['reference_1e6_draws']:,} "
            f"{prod['e2e_reference_1e6_s']:.1f}s ({prod['peak_rss_mib_reference_1e6']:.0f} MiB); lf.forecast "
            f"stages at {prod['n_draws']:,} draws x {prod['n_series']} series: fit {prod['fit_s']:.1f}s, "
            f"simulation and summaries {prod['simulate_s']:.2f}s = {prod['product_rate'] / 1e6:.1f} M "
            f"path-months/s, engine alone {prod['engine_s']:.2f}s -> product_vs_engine "
            f"{prod['product_vs_engine']:.2f}; import {prod['import_s']:.2f}s"
        )
    vs_product = {}
    for name in ("pymc", "statsmodels_ets", "prophet"):
        rate = peers.get(name, {}).get("rate")
        vs_product[name] = None if rate is None or not prod else prod["product_rate"] / rate
        if vs_product[name] is not None:
            log(f"{name} against the product's simulation and summaries: {vs_product[name]:.1f}x")
    hierarchical = None
    if not args.no_hierarchical:
        run = subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "hierarchical_refit.py")],
            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        )  # fmt: skip
        if run.returncode == 0:
            hierarchical = json.loads(run.stdout.strip().splitlines()[-1])
            log(f"hierarchical model: {hierarchical}")
        else:
            why = run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "failed"
            log(f"hierarchical_refit_s: null ({why})")

    county = None
    if not args.no_county:
        # about 130 counties x 37 splittable indicators (4,847 series) at 4,000 draws; --quick: 20 counties
        county = time_county_job(20 if args.quick else N_COUNTIES, 1000 if args.quick else 4000)
        log(
            f"county job ({county['n_series']:,} series, {1000 if args.quick else 4000:,} draws, "
            f"benchmarks/county.py run as a subprocess): {county['wall_s']:.1f}s wall, "
            f"{county['cpu_s']:.1f}s CPU; import {county['import_s']:.1f}s, forecast "
            f"{county['forecast_s']:.1f}s, write {county['write_s']:.1f}s; peak RSS "
            f"{county['peak_rss_mib']:.0f} MiB"
        )

    result = {
        "quick": args.quick,
        **{
            k: prod.get(k)
            for k in (
                "e2e_default_s",
                "e2e_default_user_install_s",
                "e2e_reference_1e5_s",
                "peak_rss_mib_reference_1e5",
                "e2e_reference_1e6_s",
                "peak_rss_mib_reference_1e6",
                "fit_s",
                "simulate_s",
                "product_vs_engine",
                "import_s",
            )
        },
        "product": prod or None,
        "hierarchical_refit_s": None if hierarchical is None else hierarchical["refit_other_data_s"],
        "hierarchical": hierarchical,
        "vs_pymc": vs_product["pymc"],
        "vs_statsmodels_ets": vs_product["statsmodels_ets"],
        "vs_prophet": vs_product["prophet"],
        "engine_vs_pymc": vs["pymc"],
        "engine_vs_statsmodels_ets": vs["statsmodels_ets"],
        "engine_vs_prophet": vs["prophet"],
        "e2e_county_s": None if county is None else county["wall_s"],
        "e2e_county": county,
        "n_draws": n_draws,
        "n_series": n_series,
        "floor_ratio": floor_cpu / c1,
        "floor_ratio_wall": rate1 / (variates / floor_s),
        "two_core_speedup": t1 / t2,
        "engine_peak_rss_mib_1e5": rss[rss_sizes[0]]["peak_rss_mib"],
        "engine_peak_rss_mib_1e6": rss[rss_sizes[1]]["peak_rss_mib"],
        "rss_draws": list(rss_sizes),
        "vs_pymc_1thread": vs_pymc_1,
        "vs_statsmodels_ets_gamma_job": vs_ets_gamma,
        "ets_job": {"series": ets_series, "draws_or_repetitions": ets_reps},
        "engine_mpath_months_per_s_2threads_normal_job": rate_n / 1e6,
        "normal_job_floor_ratio": floor_n / c_n,
        "own_gamma_mvariates_per_s": variates / own_cpu / 1e6,
        "engine_vs_own_gamma": own_cpu / c1,
        "own_normal_mvariates_per_s": n_variates_n / own_n / 1e6,
        "normal_job_vs_own_normal": own_n / c_n,
        "rb_draw_ratio": rb_draw_ratio,
        "rb_time_per_draw_ratio": t_rb / t2,
        "floor_mvariates_per_s": variates / floor_s / 1e6,
        "engine_mpath_months_per_s_1thread": rate1 / 1e6,
        "engine_mpath_months_per_s_2threads": rate2 / 1e6,
        "engine_mpath_months_per_s_2threads_rb": variates / t_rb / 1e6,
        "peer_mpath_months_per_s": {k: (v.get("rate") or 0) / 1e6 or None for k, v in peers.items()},
        "peer_notes": {k: v.get("reason") for k, v in peers.items() if v.get("reason")},
        "load_average_at_start": load_at_start,
        "load_average_at_end": os.getloadavg(),
    }
    if args.quick:  # same keys on the smaller job: the two RSS sizes are in rss_draws
        result["peak_rss_mib_1e5"] = rss[rss_sizes[0]]["peak_rss_mib"]
        result["peak_rss_mib_1e6"] = rss[rss_sizes[1]]["peak_rss_mib"]
    print(json.dumps(result))


if __name__ == "__main__":
    main()
