"""A read-only installation starts: numba's kernel cache falls back to no cache (issue 15, item 4)."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast

PACKAGE = Path(longjiang_forecast.__file__).resolve().parent

#: Run the command line with numba finding no folder to cache in, as in an installation whose
#: package folder and home are both read-only ("cannot cache function ...: no locator available").
NO_CACHE_FOLDER = (
    "import sys, runpy, numba.core.caching as c; c.CacheImpl._locator_classes = []; "
    "sys.argv = ['longjiang-forecast', *sys.argv[1:]]; "
    "runpy.run_module('longjiang_forecast', run_name='__main__')"
)


def test_cached_njit_compiles_without_a_cache_folder(monkeypatch):
    import numba.core.caching as caching
    from numba import njit

    from longjiang_forecast._core.jit import cached_njit

    monkeypatch.setattr(caching.CacheImpl, "_locator_classes", [])

    def triple(x):
        return 3 * x

    with pytest.raises(RuntimeError, match="no locator available"):
        njit(cache=True)(triple)  # what numba does on its own: the import fails
    assert cached_njit(nogil=True)(triple)(14) == 42


def _copy_package(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    shutil.copytree(PACKAGE, site / "longjiang_forecast", ignore=shutil.ignore_patterns("__pycache__"))
    return site


def _env(site: Path, home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NUMBA_", "PYTHONPATH", "XDG_"))}
    env.update(PYTHONPATH=str(site), HOME=str(home), PYTHONDONTWRITEBYTECODE="1", MPLBACKEND="Agg")
    return env


@pytest.mark.slow
def test_cli_starts_and_forecasts_with_no_cache_folder(tmp_path):
    site = _copy_package(tmp_path)
    env = _env(site, tmp_path)
    run = [sys.executable, "-c", NO_CACHE_FOLDER]
    done = subprocess.run([*run, "--help"], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "forecast" in done.stdout
    out = tmp_path / "out"
    done = subprocess.run(
        [*run, "forecast", "--draws", "200", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "locator" not in done.stderr and "Traceback" not in done.stderr
    table = pd.read_csv(out / "attainment.csv", dtype={"indicator": str})
    p = table["p_met"].dropna().to_numpy()
    assert p.size > 10 and np.all((p >= 0) & (p <= 1))
    assert not list((site / "longjiang_forecast").rglob("*.nbi"))  # nothing cached beside the code


def _can_mount_read_only() -> bool:
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    not _can_mount_read_only(), reason="needs `unshare -m` (Linux, root) for a read-only mount"
)
def test_cli_runs_from_a_read_only_mount(tmp_path):
    """The real case: package folder and home on a read-only file system (root cannot write either)."""
    site = _copy_package(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    script = (
        f"mount --bind {site} {site} && mount -o remount,bind,ro {site} && "
        f"{sys.executable} -m longjiang_forecast forecast --draws 200 --out {out}"
    )
    env = _env(site, site)  # the home is read-only too, so numba's user cache folder is not writable
    done = subprocess.run(["unshare", "-m", "sh", "-c", script], env=env, capture_output=True, text=True)
    if "mount:" in done.stderr and done.returncode != 0:
        pytest.skip(f"no read-only mount here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert (out / "attainment.csv").is_file()
