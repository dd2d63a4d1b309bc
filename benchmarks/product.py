"""The product where users run it (issue 14): the command line and ``lf.forecast``, start-up included.

Used by ``benchmarks/run.py``; ``python benchmarks/product.py [--quick]`` runs it alone and ends
with one JSON line. Keys:

* ``e2e_default_s``: the README's main job (``longjiang-forecast``, default data, 4,000 draws)
  as a subprocess, import included; best of three, with its peak RSS.
* ``e2e_reference_1e5_s``, ``peak_rss_mib_reference_1e5``, ``e2e_reference_1e6_s``,
  ``peak_rss_mib_reference_1e6``: ``longjiang-forecast forecast --draws N`` on the reference
  catalogue, the built-in 2024 list over the province and its 13 prefectures (377 series and
  province rows from their prefectures; the engine's synthetic 585-series job of ``run.py``
  has no catalogue), as a subprocess. ``--quick``: 20,000 and 100,000 draws.
* ``fit_s``, ``draw_s`` and ``simulate_s``: the stages of ``lf.forecast`` on that catalogue at
  100,000 draws (``--quick`` 20,000), timed inside the product's own code: the fit
  (``pipeline._fit_and_draw``), the parameter draws (the model's ``sample_parameters``, chunk by
  chunk, made beforehand here), and the simulation and summaries (``pipeline._simulate_forecast``,
  exactly what ``lf.forecast`` runs on them); ``product_rate`` the path-months per second of the
  last.
* ``product_vs_engine``: that rate over the engine alone (``simulate_summary`` on the same draws
  and state, the same settings: float64, province rows, kept paths) — what the product adds
  around the engine (the summaries' second stage, province rows, the kept paths).
* ``import_s``: ``python -c "import longjiang_forecast"``, best of three.
* ``e2e_default_user_install_s``, ``peak_rss_mib_default_user_install`` (with ``--user-install
  COMMAND``): the README's main job run by the ``longjiang-forecast`` of an environment made as a
  user makes it (``pip install .``, no extras), run with its own installed code (this checkout's
  ``src`` is not put on its path: :func:`_own_env`); the development environment's dask adds
  0.35-0.4 s.

Peak RSS is each command's own: it is started from a small launcher process (``_LAUNCHER``),
because Linux carries a parent's peak RSS over fork and exec.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, "-m", "longjiang_forecast"]
USER_INSTALL_HELP = (
    "the longjiang-forecast command of a virtual environment made by the README's first command "
    "(pip install ., no extras): its default job is timed too (e2e_default_user_install_s). The "
    "development environment has dask, which xarray imports when it writes a file (0.35-0.4 s)"
)


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


#: Runs a command from a small, fresh Python process and prints its wall seconds and peak RSS (KiB).
#: On Linux a child's peak RSS starts at its parent's at fork/exec (the kernel carries the old
#: memory's high-water mark over exec), so a command started straight from this benchmark, itself
#: a gigabyte by then, would report at least that gigabyte; from the launcher it starts at ~10 MiB.
_LAUNCHER = """
import os, sys, time
start = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ,
                     file_actions=[(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0)])
_, status, usage = os.wait4(pid, 0)
print(time.perf_counter() - start, usage.ru_maxrss, flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_mib() -> float:
    """Peak RSS of this process in MiB: ``VmHWM`` (reset by exec), else ``ru_maxrss``.

    ``ru_maxrss`` survives ``execve`` on Linux, so in a child started by this
    script it would report the parent's peak if that is higher.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def timed_command(args: list[str], env: dict[str, str] | None = None) -> dict[str, float]:
    """Wall seconds and peak RSS (MiB, the command's own: see ``_LAUNCHER``) of one command.

    ``env``: its environment; default this checkout's ``src`` first on ``PYTHONPATH`` (:func:`_env`).
    """
    done = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, *args],
        env=_env() if env is None else env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {done.stderr[-2000:]}")
    wall, maxrss_kib = done.stdout.split()
    return {"wall_s": float(wall), "peak_rss_mib": int(maxrss_kib) / 1024}


def e2e_default(rounds: int = 3, cli: list[str] = CLI, env: dict[str, str] | None = None) -> dict[str, float]:
    """The README's main job, best of ``rounds``: ``cli`` the command that runs it, ``env`` its env."""
    runs = []
    for _ in range(rounds):
        with tempfile.TemporaryDirectory() as tmp:
            runs.append(timed_command([*cli, "--out", f"{tmp}/out", "--quiet"], env))
    return min(runs, key=lambda r: r["wall_s"])


def _own_env() -> dict[str, str]:
    """This environment without ``PYTHONPATH``: a user's installation runs its own installed code.

    With this checkout's ``src`` on the path (:func:`_env`) the user's command ran the checkout's
    code and read its numba cache, compiled by another numba (the development environment's):
    the kernels were compiled again, 3.9 s against 2.9 s.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}


def e2e_reference(n_draws: int) -> dict[str, float]:
    """``longjiang-forecast forecast --draws n_draws`` on the built-in list (paths kept: the default)."""
    with tempfile.TemporaryDirectory() as tmp:
        return timed_command([*CLI, "forecast", "--draws", str(n_draws), "--out", f"{tmp}/out", "--quiet"])


def import_seconds(rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import longjiang_forecast"], env=_env(), check=True)
        best = min(best, time.perf_counter() - start)
    return best


def stages(n_draws: int, n_jobs: int = 2) -> dict[str, float]:
    """Fit and simulation stages of ``lf.forecast`` (its own code), and the engine alone on the same input."""
    sys.path.insert(0, str(ROOT / "src"))
    import longjiang_forecast as lf
    from longjiang_forecast._core.rng import as_seed_sequence
    from longjiang_forecast.pipeline import _forecast as pipeline
    from longjiang_forecast.progress._state import province_from_prefectures
    from longjiang_forecast.simulate import simulate_summary
    from longjiang_forecast.testing import synthetic_progress

    catalog = lf.load_catalog(2024)
    progress = synthetic_progress(catalog, seed=2024)
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    model, chunks, ss, path_seed, scenario_seed = pipeline._fit_and_draw(
        progress, catalog, None, None, n_draws, 2024
    )
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    made = [chunks.make(i, chunks.size(i)) for i in range(-(-n_draws // chunks.chunk_size))]
    draw_s = time.perf_counter() - start
    premade = pipeline.DrawChunks(n_draws, chunks.chunk_size, lambda i, size: made[i])
    run = pipeline._Run(model, progress, catalog, ss, path_seed, scenario_seed, n_jobs, None, None, None)
    warm = pipeline.DrawChunks(2048, chunks.chunk_size, lambda i, size: made[0].isel(draw=slice(0, size)))
    pipeline._simulate_forecast(warm, run, None, None)  # kernels loaded
    start = time.perf_counter()
    result = pipeline._simulate_forecast(premade, run, None, None)
    simulate_s = time.perf_counter() - start
    state = model.state_
    province = province_from_prefectures(state, catalog, reason=made[0]["reason"].values)
    keep = pipeline.kept_draws(None, n_draws, state.sizes["series"])
    start = time.perf_counter()
    simulate_summary(
        premade, state, seed=as_seed_sequence(1), n_jobs=n_jobs, dtype="float64", keep_paths=keep,
        totals=False if province is None else province, past_deadline="ignore",
        rao_blackwell=pipeline.RAO_BLACKWELL_DRAWS,
    )  # fmt: skip
    engine_s = time.perf_counter() - start
    path_months = n_draws * result.summary.sizes["series"] * 12
    return {
        "n_draws": n_draws,
        "n_series": int(result.summary.sizes["series"]),
        "fit_s": fit_s,
        "draw_s": draw_s,
        "simulate_s": simulate_s,
        "engine_s": engine_s,
        "product_rate": path_months / simulate_s,
        "product_vs_engine": engine_s / simulate_s,
    }


def measure(quick: bool, user_install: str | None = None) -> dict[str, object]:
    small, large = (20_000, 100_000) if quick else (100_000, 1_000_000)
    out: dict[str, object] = {"import_s": import_seconds()}
    default = e2e_default()
    out["e2e_default_s"], out["peak_rss_mib_default"] = default["wall_s"], default["peak_rss_mib"]
    if user_install:  # the same job from the environment the README's first command makes
        user = e2e_default(cli=[user_install], env=_own_env())
        out["e2e_default_user_install_s"] = user["wall_s"]
        out["peak_rss_mib_default_user_install"] = user["peak_rss_mib"]
    for n, tag in ((small, "1e5"), (large, "1e6")):
        ref = e2e_reference(n)
        out[f"e2e_reference_{tag}_s"], out[f"peak_rss_mib_reference_{tag}"] = (
            ref["wall_s"],
            ref["peak_rss_mib"],
        )
        out[f"reference_{tag}_draws"] = n
    out.update(stages(small))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--user-install", metavar="COMMAND", help=USER_INSTALL_HELP)
    args = parser.parse_args()
    result = measure(args.quick, args.user_install)
    for key, value in result.items():
        print(f"{key:>28}: {value:.3f}" if isinstance(value, float) else f"{key:>28}: {value}")
    print(json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in result.items()}))


if __name__ == "__main__":
    main()
