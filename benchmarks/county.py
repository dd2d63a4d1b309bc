"""The county job of the benchmark: the 2024 list reported by about 130 counties (issue 14).

The province's next level is the county: every splittable indicator of the 2024 list reported by
each county-level division. The product's catalogue knows the 13 prefectures only, so this job is
built in Python: the built-in catalogue with a regions table of ``n_counties`` synthetic counties
(populations log-normal, summing to the province's 31,850,088), and synthetic progress
(:func:`longjiang_forecast.testing.synthetic_progress`'s rules) for every county of every
cumulative, level, annual-mean and change indicator (milestones and qualitative rows stay
provincial). Counts report the province as the sum of its counties; the other kinds leave the
province to be totalled from its counties (population-weighted mean).

``python benchmarks/county.py make DIR`` writes the job (``progress.nc``, ``catalog.pkl``);
``python benchmarks/county.py run DIR --out OUT`` forecasts it as ``longjiang-forecast forecast``
does (fit, draws, paths, summaries, ``attainment.csv`` and ``forecast.nc``) and prints one JSON
line of phase timings. Timed as a subprocess, ``run`` includes the start-up (``e2e_county_s`` in
``benchmarks/run.py``).
"""

from __future__ import annotations

import argparse
import json
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
from product import peak_rss_mib  # noqa: E402

#: County-level divisions of Heilongjiang (about 130 in the 2020s).
N_COUNTIES = 130
#: Resident population of the province, 2020 census (persons).
PROVINCE_POPULATION = 31_850_088


def county_regions(n_counties: int = N_COUNTIES, *, seed: int = 0):
    """A regions table of ``n_counties`` synthetic counties (the columns of ``load_regions()``)."""
    import pandas as pd

    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0.0, 0.6, n_counties)
    population = np.floor(PROVINCE_POPULATION * weight / weight.sum()).astype("int64")
    population[0] += PROVINCE_POPULATION - population.sum()
    ids = [f"county{i:03d}" for i in range(1, n_counties + 1)]
    return pd.DataFrame(
        {
            "region": ids,
            "name_zh": [f"县{i:03d}" for i in range(1, n_counties + 1)],
            "name_en": [f"County {i:03d}" for i in range(1, n_counties + 1)],
            "population_2020": population,
        }
    )


def county_job(n_counties: int = N_COUNTIES, *, seed: int = 2024):
    """The county job: ``(catalog, progress)`` of the 2024 list over ``n_counties`` counties.

    Returns
    -------
    catalog : Catalog
        The built-in 2024 catalogue (provincial rows) with the counties as its regions.
    progress : xarray.Dataset
        ``value`` (indicator, region, month), 2021-01 to 2024-08: the province and every county.
    """
    from longjiang_forecast import load_catalog
    from longjiang_forecast._core.schema import PROVINCE
    from longjiang_forecast.catalog import Catalog
    from longjiang_forecast.testing import synthetic_progress
    from longjiang_forecast.testing.synthetic import _level, _monthly_means, _weights

    base = load_catalog(2024)
    regions = county_regions(n_counties)
    catalog = Catalog(year=base.year, table=base.table, regions=regions, source="county benchmark")
    progress = synthetic_progress(catalog, seed=seed)  # counts by county, the rest provincial
    rng = np.random.default_rng(seed + 1)
    years = (2021, 2022, 2023, 2024)
    months = progress["month"].to_index()
    values = progress["value"].values
    table = catalog.table.set_index("indicator")
    for i, ind in enumerate(progress["indicator"].values):
        row = table.loc[ind]
        if row["kind"] in ("level", "annual_mean", "change"):
            for k in range(1, values.shape[1]):
                if row["kind"] == "level":
                    values[i, k] = _level(rng, row, _weights(row["tags"], row["kind"]), years, months)
                elif row["kind"] == "annual_mean":
                    values[i, k] = _monthly_means(rng, row["target"], years, months, trend=0.0)
                else:
                    values[i, k] = _monthly_means(rng, 100.0, years, months, trend=-0.012, seasonal=0.05)
            values[i, list(progress["region"].values).index(PROVINCE)] = np.nan
    values[:, :, months > "2024-08-01"] = np.nan
    progress["value"].values[:] = values
    progress.attrs["source"] = f"county benchmark ({n_counties} counties, seed {seed})"
    return catalog, progress


def make(folder: Path, n_counties: int = N_COUNTIES) -> None:
    """Write the county job to ``folder`` (``progress.nc``, ``catalog.pkl``)."""
    catalog, progress = county_job(n_counties)
    folder.mkdir(parents=True, exist_ok=True)
    progress.to_netcdf(folder / "progress.nc")
    with open(folder / "catalog.pkl", "wb") as fh:
        pickle.dump(catalog, fh)


def run(folder: Path, out: Path, n_draws: int, seed: int = 2024) -> dict[str, float]:
    """Forecast the job in ``folder`` as the CLI's ``forecast`` does; return the phase timings (s)."""
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    import xarray as xr

    import longjiang_forecast as lf
    from longjiang_forecast._core.allocator import keep_freed_memory
    from longjiang_forecast.report import rounded_table

    keep_freed_memory()  # as the command line does first
    times["import_s"] = time.perf_counter() - t0
    t = time.perf_counter()
    progress = xr.load_dataset(folder / "progress.nc")
    with open(folder / "catalog.pkl", "rb") as fh:
        catalog = pickle.load(fh)
    times["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    result = lf.forecast(progress, catalog, n_draws=n_draws, seed=seed, n_jobs=2)  # the CLI's --jobs
    times["forecast_s"] = time.perf_counter() - t
    t = time.perf_counter()
    table = result.table()
    out.mkdir(parents=True, exist_ok=True)
    rounded_table(table).to_csv(out / "attainment.csv", index=False, encoding="utf-8-sig")
    result.to_netcdf(out / "forecast.nc", overwrite=True, paths_dtype="float32")
    times["write_s"] = time.perf_counter() - t
    times["n_series"] = int(result.summary.sizes["series"])
    times["peak_rss_mib"] = peak_rss_mib()  # VmHWM: this process's own, not its parent's
    return times


def time_county_job(n_counties: int = N_COUNTIES, n_draws: int = 4000) -> dict[str, float]:
    """Make the county job, then time ``run`` on it as a subprocess (start-up included).

    Returns
    -------
    dict
        ``wall_s`` and ``cpu_s`` (user + system) of the ``run`` subprocess, and its phase timings
        (``import_s``, ``load_s``, ``forecast_s``, ``write_s``), ``n_series`` and ``peak_rss_mib``.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        subprocess.run([sys.executable, __file__, "make", str(folder / "job"), "--counties", str(n_counties)],
                       check=True)  # fmt: skip
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, __file__, "run", str(folder / "job"), "--out", str(folder / "out"),
             "--draws", str(n_draws)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall_s": wall, "cpu_s": cpu, **json.loads(done.stdout.strip().splitlines()[-1])}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    mk = sub.add_parser("make", help="write the county job to a folder")
    mk.add_argument("folder", type=Path)
    mk.add_argument("--counties", type=int, default=N_COUNTIES)
    rn = sub.add_parser("run", help="forecast the county job of a folder as the CLI does")
    rn.add_argument("folder", type=Path)
    rn.add_argument("--out", type=Path, required=True)
    rn.add_argument("--draws", type=int, default=4000)
    args = parser.parse_args(argv)
    if args.command == "make":
        make(args.folder, args.counties)
    else:
        print(json.dumps(run(args.folder, args.out, args.draws)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
