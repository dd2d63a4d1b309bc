"""Command line: ``longjiang-forecast forecast`` and ``longjiang-forecast template``.

A thin layer over :mod:`longjiang_forecast.pipeline`; no modelling happens here.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ._core.exceptions import DataValidationError
from ._core.provenance import library_version

DEFAULT_SEED = 2024


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="longjiang-forecast",
        description="Attainment probabilities of Heilongjiang's livelihood targets (民生实事).",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {library_version()}")
    sub = parser.add_subparsers(dest="command")
    fc = sub.add_parser("forecast", help="forecast P(target met by its deadline) for every indicator")
    fc.add_argument("--catalog", default="2024", help="built-in year (2024) or a CSV/Excel catalogue file")
    fc.add_argument(
        "--progress",
        default=None,
        help="progress file (CSV/xlsx), 'national' (real national series) or 'pm25' (real hourly "
        "PM2.5, see --city); default: synthetic example data for the catalogue",
    )
    fc.add_argument(
        "--city", default="shenyang", help="city for --progress pm25 (shenyang, beijing, shanghai)"
    )
    fc.add_argument("--as-of", default=None, help="month of the forecast, YYYY-MM (default: latest report)")
    fc.add_argument("--draws", type=int, default=4000, help="Monte Carlo draws (default 4000)")
    fc.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    fc.add_argument("--jobs", type=int, default=2, help="threads for the simulation (default 2)")
    fc.add_argument("--out", default="out", help="output folder (default ./out)")
    fc.add_argument("--allow-revisions", action="store_true", help="accept cumulative values that fall")
    fc.add_argument("--all", action="store_true", help="print prefecture rows too (default: province only)")
    tp = sub.add_parser("template", help="write an example progress file for a catalogue")
    tp.add_argument("--catalog", default="2024", help="built-in year (2024) or a catalogue file")
    tp.add_argument("--out", required=True, help="file to write (.csv or .xlsx)")
    tp.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the example values")
    return parser


def _load_catalog(spec: str) -> Any:
    from .catalog import load_catalog

    return load_catalog(int(spec) if spec.isdigit() else spec)


def _inputs(args: argparse.Namespace) -> tuple[Any, Any, str | None]:
    """Return (catalog, progress, note for the first line)."""
    from .progress import load_national_progress, load_pm25, read_progress

    if args.progress == "national":
        catalog, progress = load_national_progress(as_of=args.as_of)
        return catalog, progress, None
    if args.progress == "pm25":
        year = int(args.as_of[:4]) if args.as_of else None
        catalog, progress = load_pm25(args.city, year=year, as_of=args.as_of)
        return catalog, progress, None
    catalog = _load_catalog(args.catalog)
    if args.progress is None:
        from .testing import SYNTHETIC_NOTE, synthetic_progress

        progress = synthetic_progress(catalog, seed=DEFAULT_SEED, as_of=args.as_of)
        return catalog, progress, SYNTHETIC_NOTE.format(seed=DEFAULT_SEED)
    progress = read_progress(args.progress, catalog, as_of=args.as_of, allow_revisions=args.allow_revisions)
    return catalog, progress, None


def _print_table(table: pd.DataFrame, show_all: bool) -> None:
    shown = table if show_all else table[table["region"] == "province"]
    view = pd.DataFrame(
        {
            "indicator": shown["indicator"],
            "region": shown["region"],
            "target": [
                f"{c} {t:g}" if pd.notna(t) else ""
                for c, t in zip(shown["comparator"], shown["target"], strict=True)
            ],
            "observed": [
                f"{v:.4g} ({m})" if pd.notna(v) else ""
                for v, m in zip(shown["observed"], shown["observed_month"], strict=True)
            ],
            "deadline": shown["deadline"],
            "P(met)": [
                f"{p:.2f}±{e:.2f}" if pd.notna(p) else ""
                for p, e in zip(shown["p_met"], shown["p_met_se"], strict=True)
            ],
            "median [q10, q90]": [
                f"{m:.4g} [{a:.4g}, {b:.4g}]" if pd.notna(m) else ""
                for m, a, b in zip(shown["median"], shown["q10"], shown["q90"], strict=True)
            ],
            "reached": shown["first_passage_median"].fillna(""),
            "status": shown["status"],
            "name": shown["name_en"].fillna("").str.slice(0, 40),
        }
    )
    with pd.option_context("display.max_rows", None, "display.width", 250, "display.max_colwidth", 40):
        print(view.to_string(index=False))


def _forecast(args: argparse.Namespace) -> int:
    from .pipeline import forecast

    started = time.perf_counter()
    catalog, progress, note = _inputs(args)
    if note:
        print(note)
    print(
        f"Forecasting {catalog.source} with {args.draws} draws, seed {args.seed} ...",
        file=sys.stderr,
    )
    result = forecast(
        progress, catalog, as_of=args.as_of, n_draws=args.draws, seed=args.seed, n_jobs=args.jobs
    )
    table = result.table()
    print(
        f"As of {result.state.attrs['as_of']}: {int((table['status'] != 'no forecast').sum())} series "
        f"forecast, model {result.summary.attrs['model']}, {args.draws} draws, seed {args.seed}. "
        "P(met) is the probability the target is met by its deadline (± Monte Carlo standard error)."
    )
    _print_table(table, args.all)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    table.to_csv(out / "attainment.csv", index=False)
    paths = result.paths.to_dataset(name="value")
    paths.attrs.update({k: str(v) for k, v in result.paths.attrs.items()})
    paths.attrs["synthetic"] = int(bool(note))
    paths.to_netcdf(
        out / "paths.nc", engine="h5netcdf", encoding={"value": {"zlib": True, "dtype": "float32"}}
    )
    meta = {
        "as_of": result.state.attrs["as_of"],
        "catalog": str(catalog.source),
        "progress": str(progress.attrs.get("source", "")),
        "progress_sha256": str(progress.attrs.get("sha256", "")),
        "synthetic_data": bool(note),
        "model": result.summary.attrs["model"],
        "model_params": result.summary.attrs["model_params"],
        "n_draws": args.draws,
        "seed": args.seed,
        "library_version": library_version(),
        "created_at": result.summary.attrs["created_at"],
        "columns": "see docs/getting-started.md#the-attainment-table",
    }
    (out / "run.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(
        f"Wrote {out / 'attainment.csv'}, {out / 'paths.nc'} and {out / 'run.json'} "
        f"in {time.perf_counter() - started:.1f} s.",
        file=sys.stderr,
    )
    return 0


def _template(args: argparse.Namespace) -> int:
    from .progress import write_progress
    from .testing import synthetic_progress

    catalog = _load_catalog(args.catalog)
    example = synthetic_progress(
        catalog, seed=args.seed, years=(catalog.year,), as_of=f"{catalog.year}-03", by_region=False
    )
    example["note"] = example["value"].copy(
        data=__import__("numpy")
        .where(example["value"].notnull(), "EXAMPLE value: replace with the reported figure", "")
        .astype(object)
    )
    out = Path(args.out)
    if out.exists():
        print(f"error: {out} exists; choose another --out (nothing was overwritten).", file=sys.stderr)
        return 2
    write_progress(example, out)
    print(
        f"Wrote an example progress file for {catalog.source} to {out} (synthetic values marked in 'note')."
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input)."""
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["forecast", *argv]  # `forecast` is the default command
    args = parser.parse_args(argv)
    try:
        return _forecast(args) if args.command == "forecast" else _template(args)
    except (DataValidationError, FileNotFoundError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
