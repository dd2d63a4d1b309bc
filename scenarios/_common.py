"""Options shared by the three question scripts of this folder (not part of the library)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import longjiang_forecast as lf
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.cli import _messages, _out_dir
from longjiang_forecast.testing import SYNTHETIC_NOTE, synthetic_progress

HERE = Path(__file__).resolve().parent


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--catalog", default="2024", help="built-in year or a catalogue file (default 2024)")
    p.add_argument(
        "--progress", default=None, help="progress file (CSV/xlsx); default: synthetic example data"
    )
    p.add_argument("--as-of", default=None, help="month of the forecast, YYYY-MM (default: latest report)")
    p.add_argument("--draws", type=int, default=4000, help="Monte Carlo draws (default 4000)")
    p.add_argument("--seed", type=int, default=2024, help="random seed (default 2024)")
    p.add_argument(
        "--out", default="out", help="output folder (default ./out); an earlier run's files there are kept"
    )
    p.add_argument("--overwrite", action="store_true", help="replace an earlier run's files in --out")
    p.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    p.add_argument("--verbose", action="store_true", help="print debugging notes too")
    return p


def messages(args: argparse.Namespace):
    """The command line's messages for a script: warnings as one readable line, each once."""
    return _messages(args)


def output_folder(args: argparse.Namespace, files: tuple[str, ...]) -> Path:
    """The --out folder, checked before any work as the command line does: an earlier run's ``files``
    there are refused unless --overwrite (one line, exit status 2)."""
    try:
        return _out_dir(args.out, files=files, overwrite=args.overwrite)
    except DataValidationError as err:
        print(f"error: {err}", file=sys.stderr)
        raise SystemExit(2) from None


def inputs(args: argparse.Namespace):
    catalog = lf.load_catalog(int(args.catalog) if args.catalog.isdigit() else args.catalog)
    if args.progress is None:
        print(SYNTHETIC_NOTE.format(seed=2024))
        return catalog, synthetic_progress(catalog, seed=2024, as_of=args.as_of)
    return catalog, lf.read_progress(args.progress, catalog, as_of=args.as_of)
