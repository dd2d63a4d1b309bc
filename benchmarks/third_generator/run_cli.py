"""Run `longjiang-forecast forecast` on third-generator worlds as a user would, and collect the rows.

    python benchmarks/third_generator/run_cli.py --seeds 101-108 --years 2022-2024 --months 5,7,9
    python benchmarks/third_generator/run_cli.py --generator provinces --seeds 31,33   # shipped generator
    python benchmarks/third_generator/run_cli.py --seeds 101 --years 2023 --months 7 --catalog-upto-year

For each world, outcome year Y and as-of month M it writes catalog.csv and progress.csv into
``--work`` (default /tmp/lf3/<generator>/w<seed>/<Y>-<MM>/), runs

    nice -n 10 longjiang-forecast forecast --catalog catalog.csv --progress progress.csv \
        --as-of Y-MM --out out --all --lang en --quiet

and, where that is refused with the 万-scale check's way out (``check_scale=False``), runs it again with
``--no-scale-check`` as the message says. Every attempt (command, exit status, stderr) goes to
``results/<generator>_runs.jsonl``; the year-Y rows of attainment.csv, joined with the truth, to
``results/<generator>_forecasts.csv``. forecast.nc and attainment.xlsx are deleted after reading.
``--tag`` appends a suffix to both names (``results/third_x4_runs.jsonl`` for ``--tag _x4``).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
from typing import TextIO

import pandas as pd

HERE = pathlib.Path(__file__).resolve().parent
CLI = str(HERE.parents[1] / ".venv" / "bin" / "longjiang-forecast")
sys.path.insert(0, str(HERE))


def _ints(text: str) -> list[int]:
    """Parse ``"101-103,105"`` into ``[101, 102, 103, 105]``."""
    out: list[int] = []
    for part in text.split(","):
        if "-" in part:
            a, b = part.split("-")
            out += list(range(int(a), int(b) + 1))
        else:
            out.append(int(part))
    return out


# ------------------------------------------------------------------ world providers
class Third:
    """A world of this folder's generator (``worlds.py``), with its truth in the CLI's row keys."""

    name = "third"

    def __init__(self, seed: int, batch_scale: float = 1.0):
        import worlds

        self.w = worlds.make_world(seed, batch_scale)
        t = self.w.truth
        self.truth = t.rename(columns={"family": "indicator"})[
            ["indicator", "region", "year", "target", "outcome", "met"]
        ]

    def write(self, folder: pathlib.Path, year: int, month: int, upto_year: bool) -> None:
        """Write catalog.csv and progress.csv as of ``year``-``month`` into ``folder``.

        Parameters
        ----------
        folder : pathlib.Path
            Created if missing.
        year, month : int
            The as-of month.
        upto_year : bool
            Drop catalogue rows whose deadline falls after ``year``.
        """
        import worlds

        cat, _ = worlds.write_world(self.w, folder, year, month)
        if upto_year:
            c = pd.read_csv(cat, dtype=str)
            c = c[c["deadline"].str[:4].astype(int) <= year]
            c.to_csv(cat, index=False, lineterminator="\n")

    def key(self, df: pd.DataFrame, year: int) -> pd.DataFrame:
        """Return attainment.csv's rows with the outcome ``year`` added (the truth's join key)."""
        return df.assign(year=year)

    def missing(self, year: int, month: int) -> list[str]:
        """Return the prefectures whose ``year``-``month`` report is missing."""
        return self.w.missing_prefectures(year, month)


class Provinces:
    """The shipped second generator (testing/provinces.py), through the same files and CLI."""

    name = "provinces"

    def __init__(self, seed: int, batch_scale: float = 1.0):
        from longjiang_forecast.testing import synthetic_province

        self.p = synthetic_province(seed=seed, years=range(2016, 2025))
        tr = self.p.truth
        rows = []
        for ind in tr["indicator"].values:
            for reg in tr["region"].values:
                rows.append(
                    dict(
                        indicator=str(ind),
                        region=str(reg),
                        target=float(tr["target"].sel(indicator=ind, region=reg)),
                        outcome=float(tr["outcome"].sel(indicator=ind, region=reg)),
                        met=bool(tr["met"].sel(indicator=ind, region=reg) == 1),
                    )
                )
        t = pd.DataFrame(rows)
        t["year"] = t["indicator"].str[-4:].astype(int)
        self.truth = t

    def write(self, folder: pathlib.Path, year: int, month: int, upto_year: bool) -> None:
        """Write catalog.csv and progress.csv as of ``year``-``month`` (see :meth:`Third.write`)."""
        from longjiang_forecast.backtesting import truncate
        from longjiang_forecast.catalog import write_catalog
        from longjiang_forecast.progress import write_progress

        folder.mkdir(parents=True, exist_ok=True)
        cat, prog = truncate(self.p.catalog, self.p.progress, pd.Timestamp(year, month, 1))
        write_catalog(self.p.catalog if not upto_year else cat, folder / "catalog.csv", overwrite=True)
        write_progress(prog, folder / "progress.csv")

    def key(self, df: pd.DataFrame, year: int) -> pd.DataFrame:
        """Return attainment.csv's rows with the outcome ``year`` added (the truth's join key)."""
        return df.assign(year=year)

    def missing(self, year: int, month: int) -> list[str]:
        """Return no prefectures (this generator's ragged edge is not recorded)."""
        return []


# ------------------------------------------------------------------ running
def run_one(
    world: Third | Provinces,
    seed: int,
    year: int,
    month: int,
    work: pathlib.Path,
    upto_year: bool,
    runs_log: TextIO,
    extra: list[str],
) -> pd.DataFrame | None:
    """Write one world's files as of ``year``-``month``, run the CLI on them and read attainment.csv.

    A run refused by the 万-scale check is retried once with ``--no-scale-check``.

    Parameters
    ----------
    world : Third or Provinces
        The world provider.
    seed : int
        The world's seed (for the folder name and the log).
    year, month : int
        The outcome year and the as-of month.
    work : pathlib.Path
        Parent of the per-run folder ``w<seed>/<year>-<MM>``, which is emptied first.
    upto_year : bool
        Drop catalogue rows of later years (``--catalog-upto-year``).
    runs_log : TextIO
        Every attempt is appended to it as one JSON line.
    extra : list of str
        Extra CLI arguments.

    Returns
    -------
    pandas.DataFrame or None
        The rows of attainment.csv with ``year``, ``as_of_month`` and ``scale_check_off`` added;
        None when no attempt succeeded.
    """
    folder = work / f"w{seed}" / f"{year}-{month:02d}"
    if folder.exists():
        shutil.rmtree(folder)
    world.write(folder, year, month, upto_year)
    out = folder / "out"
    base = ["nice", "-n", "10", CLI, "forecast", "--catalog", str(folder / "catalog.csv"),
            "--progress", str(folder / "progress.csv"), "--as-of", f"{year}-{month:02d}",
            "--out", str(out), "--all", "--lang", "en", "--quiet", *extra]  # fmt: skip
    attempts = [base]
    result = None
    while attempts:
        cmd = attempts.pop(0)
        t0 = time.time()
        proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "COLUMNS": "160"})
        rec = dict(
            generator=world.name,
            seed=seed,
            year=year,
            month=month,
            cmd=" ".join(cmd[3:]),
            rc=proc.returncode,
            seconds=round(time.time() - t0, 1),
            stderr=proc.stderr,
            traceback="Traceback" in proc.stderr + proc.stdout,
            missing=world.missing(year, month),
        )
        runs_log.write(json.dumps(rec, ensure_ascii=False) + "\n")
        runs_log.flush()
        print(
            f"{world.name} w{seed} {year}-{month:02d} rc={proc.returncode} {rec['seconds']}s"
            + (" TRACEBACK" if rec["traceback"] else ""),
            flush=True,
        )
        if proc.returncode != 0:
            if "check_scale=False" in proc.stderr and "--no-scale-check" not in cmd:
                attempts.append([*cmd, "--no-scale-check"])
            continue
        a = pd.read_csv(out / "attainment.csv", encoding="utf-8-sig")
        a["as_of_month"] = month
        a["scale_check_off"] = "--no-scale-check" in cmd
        result = world.key(a, year)
    for f in ("forecast.nc", "attainment.xlsx"):
        (out / f).unlink(missing_ok=True)
    return result


def main() -> None:
    """Run the command line on every world, year and as-of month given; write the results files."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--generator", choices=["third", "provinces"], default="third")
    ap.add_argument("--seeds", default="101-108")
    ap.add_argument("--years", default="2022-2024")
    ap.add_argument("--months", default="5,7,9")
    ap.add_argument("--work", default=None)
    ap.add_argument(
        "--catalog-upto-year",
        action="store_true",
        help="drop catalogue rows of years after the as-of year (a cross-check)",
    )
    ap.add_argument(
        "--batch-scale",
        type=float,
        default=1.0,
        help="third generator: multiply the batches a year (less lumpy worlds)",
    )
    ap.add_argument("--tag", default="", help="suffix of the results files")
    ap.add_argument("--extra", default="", help="extra CLI arguments, space-separated")
    args = ap.parse_args()
    gen = {"third": Third, "provinces": Provinces}[args.generator]
    work = pathlib.Path(args.work or f"/tmp/lf3/{args.generator}{args.tag}")
    res_dir = HERE / "results"
    res_dir.mkdir(exist_ok=True)
    name = f"{args.generator}{args.tag}"
    frames = []
    with open(res_dir / f"{name}_runs.jsonl", "w", encoding="utf-8") as log:
        for seed in _ints(args.seeds):
            world = gen(seed, args.batch_scale)
            for year in _ints(args.years):
                for month in _ints(args.months):
                    a = run_one(
                        world, seed, year, month, work, args.catalog_upto_year, log, args.extra.split()
                    )
                    if a is None:
                        continue
                    a["seed"] = seed
                    is_province = a["region"] == "province"
                    a["region_kind"] = is_province.map({True: "province", False: "prefecture"})
                    truth = world.truth.rename(columns={"target": "true_target"})
                    a = a.merge(truth, on=["indicator", "region", "year"], how="left")
                    frames.append(a)
    df = pd.concat(frames, ignore_index=True)
    keep = ["generator", "seed", "year", "as_of_month", "indicator", "region", "region_kind", "target",
            "true_target", "observed", "observed_month", "p_met", "q10", "median", "q90", "status",
            "outcome", "met", "scale_check_off", "basis", "reason"]  # fmt: skip
    df["generator"] = args.generator
    df[keep].to_csv(res_dir / f"{name}_forecasts.csv", index=False)
    print(f"wrote {res_dir / (name + '_forecasts.csv')}: {len(df)} rows")


if __name__ == "__main__":
    main()
