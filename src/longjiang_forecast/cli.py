"""Command line: ``longjiang-forecast COMMAND`` (forecast, report, scenarios, backtest, ingest, ...).

The commands: forecast, report, scenarios, backtest, template, ingest, changes and track-record.
A thin layer over :mod:`longjiang_forecast.pipeline`; no modelling happens here.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import json
import logging
import math
import os
import re
import shlex
import shutil
import sqlite3
import sys
import tempfile
import textwrap
import time
import warnings
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NoReturn

from ._core.allocator import keep_freed_memory
from ._core.exceptions import DataValidationError
from ._core.limits import MAX_DRAWS, MIN_DRAWS
from ._core.names import first_named, indicator_names, region_spelling
from ._core.schema import EXAMPLE_NOTE

if TYPE_CHECKING:
    import pandas as pd

    from .catalog import Catalog

# pandas, xarray and the models load inside the commands that use them: `--help`, `--version` and a
# refused flag answer at once (issue 14: under 0.5 s).

DEFAULT_SEED = 2024
#: The command line's messages: notes and timings at INFO (hidden by --quiet), details at DEBUG (--verbose).
log = logging.getLogger("longjiang_forecast.cli")


class _Parser(argparse.ArgumentParser):
    """argparse's parser whose option errors are said in the user's language.

    ``--lang`` as typed on the command line (:attr:`argv`, set by :func:`main`), else the locale's
    (:func:`~longjiang_forecast.report.default_language`): the errors come before the options are
    read. In Chinese: ``用法：`` and ``错误：`` with the message through
    :func:`~longjiang_forecast.report._text.in_chinese` (argparse's own words and this module's
    checks); the usage line's syntax and ``--help`` stay as argparse writes them.
    """

    #: The command line being parsed (the subcommands' parsers read it too).
    argv: Sequence[str] = ()

    def _chinese(self) -> bool:
        argv = list(_Parser.argv)
        for i, arg in enumerate(argv):
            if arg == "--lang" and i + 1 < len(argv):
                return argv[i + 1] == "zh"
            if arg.startswith("--lang="):
                return arg.partition("=")[2] == "zh"
        from .report._format import default_language

        return default_language() == "zh"

    def format_usage(self) -> str:
        usage = super().format_usage()
        return usage.replace("usage: ", "用法：", 1) if self._chinese() else usage

    def error(self, message: str) -> NoReturn:
        if not self._chinese():
            super().error(message)
        from .report._text import in_chinese

        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{in_chinese(message)}\n")


def _int_at_least(low: int) -> Any:
    """An argparse type: a whole number >= ``low``, refused with the flag's name otherwise."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {low}, got {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"must be a whole number >= {low}, got {value}")
        return value

    return parse


_positive_int = _int_at_least(1)
_seed = _int_at_least(0)


def _port(text: str) -> int:
    """An argparse type: a TCP port, 1 to 65535."""
    value = _positive_int(text)
    if value > 65535:
        raise argparse.ArgumentTypeError(f"must be a port from 1 to 65535, got {value}")
    return value


def _count_at_least(minimum: int, why: str, maximum: int | None = None) -> Any:
    """An argparse type: a whole number of at least ``minimum`` (and at most ``maximum``), else refused."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a whole number of at least {minimum}, got {text!r}"
            ) from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {value}: {why}")
        if maximum is not None and value > maximum:
            raise argparse.ArgumentTypeError(
                f"must be at most {maximum:,}, got {value:,}: the Monte Carlo standard error of P(met) is "
                f"below 0.0001 long before, and the run would take hours or days"
            )
        return value

    return parse


#: --draws of forecast, report and scenarios: at least :data:`MIN_DRAWS`, at most :data:`MAX_DRAWS`.
_draws = _count_at_least(
    MIN_DRAWS,
    "with fewer draws the Monte Carlo error of P(met) is wider than a status band (default 4000)",
    MAX_DRAWS,
)

#: --draws of backtest: at least :data:`MIN_DRAWS`, for its scores as for the forecasts they judge.
_backtest_draws = _count_at_least(
    MIN_DRAWS,
    "with fewer draws each forecast's P(met) carries a Monte Carlo error wider than a status band, "
    "and the scores judge that noise (default 1000)",
    MAX_DRAWS,
)

#: Fewest kept paths (--keep-paths) of report and serve, as many as the fewest draws: the bulletin's
#: figures of the list as a whole (P(all met), risk drivers), its fan charts, rank probabilities,
#: required pace and next year's targets, and the explorer's fan charts and next year's targets,
#: are computed on the kept paths, not on every draw.
MIN_KEPT_PATHS = MIN_DRAWS


#: Paths the forecast command keeps (in forecast.nc) unless --keep-paths says otherwise: a subset of
#: the draws for fan charts and a look at single paths. Its table uses every draw, the same with
#: any number kept; the commands whose figures rest on the kept paths (report, serve, next-year)
#: keep 4000. Writing 4000 paths took a quarter of the default job (issue 14: forecast.nc 46 MB
#: against 13 MB, the job 1.0 s longer).
FORECAST_KEEP_PATHS = 1000


def _keep_paths_for(figures: str) -> Any:
    """An argparse type: --keep-paths of a command whose ``figures`` rest on the kept paths."""
    return _count_at_least(
        MIN_KEPT_PATHS,
        f"{figures} rest on the kept paths, and with fewer paths the Monte Carlo error of their "
        f"probabilities is wider than a status band (default: the first 4000 draws; pass --keep-paths "
        f"{MIN_KEPT_PATHS} or more, or leave it out)",
    )


def _month(text: str) -> str:
    """An argparse type: --as-of in any form of a progress file's month (2024年8月, ...), as YYYY-MM."""
    from ._core.months import MONTH_FORMS, parse_month_arg
    from ._core.months import parse_month as read_month

    month, form = read_month(text)
    if month is not None:
        return f"{month:%Y-%m}"
    if form == "YYYY-MM":  # a month number outside 1-12, said as such
        try:
            parse_month_arg(text, name="--as-of")
        except DataValidationError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    why = " (its month number or day does not exist)" if form else ""
    raise argparse.ArgumentTypeError(
        f"{text!r} is not a month{why}; write it in one of the forms of a progress file: {MONTH_FORMS} "
        "(e.g. 2024-08 or 2024年8月)."
    )


#: The accepted forms of `backtest --as-of`, quoted by its error messages.
AS_OF_FORMS = (
    "month numbers 1-12, as a range '3-11' or a list '4,6,9', or YYYY-MM months such as '2023-06,2024-06'"
)
#: The accepted forms of `backtest --years`, quoted by its error messages.
YEARS_FORMS = "years written YYYY: one year '2023', a range '2020-2024' or a list '2021,2023'"


def _backtest_as_of(text: str) -> list[int] | list[str]:
    """An argparse type: the as-of months of `backtest`, month numbers or months (not both).

    A month is read in any form a progress file's month is (2023-06, 2023-6, 2023/6, 2023年6月, as
    `forecast --as-of` reads it) and returned as YYYY-MM.
    """
    from ._core.months import parse_month, parse_month_arg

    parts = [p.strip() for p in text.split(",")]
    if not all(parts):
        raise argparse.ArgumentTypeError(f"must be {AS_OF_FORMS}; got {text!r}")
    read = [parse_month(p) for p in parts]  # a form also for a month that does not exist (2023-13)
    if any(form for _, form in read):
        if not all(form for _, form in read):
            raise argparse.ArgumentTypeError(
                f"mixes month numbers and YYYY-MM months in {text!r}; give one kind: {AS_OF_FORMS}"
            )
        months_read = []
        for part, (month, _form) in zip(parts, read, strict=True):
            if month is None:  # a YYYY-MM whose month number is out of range: said as such
                try:
                    parse_month_arg(part, name="--as-of")
                except DataValidationError as err:
                    raise argparse.ArgumentTypeError(f"{err} Accepted: {AS_OF_FORMS}.") from None
                raise argparse.ArgumentTypeError(f"must be {AS_OF_FORMS}; got {part!r}")
            months_read.append(f"{month:%Y-%m}")
        return months_read
    months: list[int] = []
    for part in parts:
        match = re.fullmatch(r"(\d{1,2})(?:\s*-\s*(\d{1,2}))?", part)
        if not match:
            raise argparse.ArgumentTypeError(f"must be {AS_OF_FORMS}; got {text!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        if not 1 <= low <= high <= 12:
            raise argparse.ArgumentTypeError(
                f"month numbers must lie in 1-12 (a range low-high with low <= high); got {part!r} "
                f"in {text!r}. Accepted: {AS_OF_FORMS}"
            )
        months.extend(range(low, high + 1))
    return list(dict.fromkeys(months))


def _years(text: str) -> list[int]:
    """An argparse type: the outcome years of `backtest`, '2023', '2020-2024' or '2021,2023'."""
    years: list[int] = []
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise argparse.ArgumentTypeError(f"must be {YEARS_FORMS}; got {text!r}")
        low, high = int(match[1]), int(match[2] or match[1])
        if low > high:
            raise argparse.ArgumentTypeError(
                f"the range {part!r} runs backwards; write it low-high, e.g. '{high}-{low}'"
            )
        years.extend(range(low, high + 1))
    return list(dict.fromkeys(years))


def _check_model(name: str) -> str:
    """Refuse, before any work, a ``--model`` that is unknown or whose packages are missing."""
    from .models import MODEL_REGISTRY, install_hint, missing_packages

    if name not in MODEL_REGISTRY:
        raise ValueError(
            f"--model: Unknown model {name!r}. Known models: {', '.join(MODEL_REGISTRY)} "
            "(`longjiang-forecast backtest --list-models`; backtest also takes 'all')."
        )
    missing = missing_packages(name)
    if missing:
        raise ValueError(
            f"--model {name} needs {' and '.join(missing)}, which is not installed (nothing was run). "
            f"Install it with: {install_hint(name)}; or choose another --model."
        )
    return name


def _common_options() -> _Parser:
    """Options of every command: the language of what is printed, and how much is said."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=None,
        help="language of tables and messages for people (default: the locale's, zh or en; else en, or "
        "zh for a catalogue with Chinese names only)",
    )
    said = common.add_mutually_exclusive_group()
    said.add_argument("-q", "--quiet", action="store_true", help="print only results, warnings and errors")
    said.add_argument("-v", "--verbose", action="store_true", help="print details of each step too")
    return common


def _scheduler_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run the simulation on a Dask cluster, e.g. tcp://10.0.0.5:8786 (needs the 'dask' extra); "
        "the numbers are those of a run on this machine with the same seed",
    )


def _client(args: argparse.Namespace) -> Any:
    """A ``dask.distributed`` client for ``--scheduler`` (None without it); a clear error if none answers."""
    address = getattr(args, "scheduler", None)
    if not address:
        return None
    try:
        from distributed import Client
    except ImportError:
        raise ValueError(
            f"--scheduler {address}: Dask is not installed. Install the extra "
            "(pip install 'longjiang_forecast[dask]'), or leave out --scheduler to run on this machine."
        ) from None
    try:
        return Client(address, timeout="5s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise ValueError(
            f"--scheduler {address}: could not connect to a Dask scheduler there ({exc}). Check the address "
            "(tcp://HOST:PORT) and that `dask scheduler` runs there, or leave out --scheduler."
        ) from None


class _GivenKeepPaths(argparse.Action):
    """Store --keep-paths and note that it was given (a default may exceed --draws; a given one may not)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        setattr(namespace, self.dest, values)
        namespace.keep_paths_given = True


class _OneScenario(argparse.Action):
    """Store --scenario, refusing a second one (argparse keeps the last: the first was dropped silently)."""

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        earlier = getattr(namespace, self.dest, None)
        if earlier is not None:
            parser.error(
                f"argument --scenario: given twice ({earlier}, {values}); forecast runs one scenario. "
                f"To compare several: longjiang-forecast scenarios {earlier} {values}"
            )
        setattr(namespace, self.dest, values)


def _check_kept_within_draws(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse a --keep-paths above --draws: a run keeps at most every draw (it was cut silently)."""
    if getattr(args, "keep_paths_given", False) and args.keep_paths > args.draws:
        parser.error(
            f"argument --keep-paths: {args.keep_paths} is more than --draws {args.draws}; a run keeps at "
            f"most every draw: pass --keep-paths {args.draws} or fewer, or more --draws"
        )


def _run_options(
    keep_paths: Any = _positive_int, out_folder: bool = True, keep_default: int | None = None
) -> _Parser:
    """Options shared by forecast, report, scenarios, serve and next-year.

    ``keep_paths`` is the type of --keep-paths, ``keep_default`` its default (None: the library's,
    the first 4000 draws); next-year's --out is a file, its own (``out_folder``).
    """
    run = _Parser(add_help=False, parents=[_common_options()])
    run.add_argument("--catalog", default="2024", help="built-in year (2024) or a CSV/Excel catalogue file")
    run.add_argument(
        "--progress",
        default=None,
        help="progress file (CSV/xlsx), 'national' (real national series) or 'pm25' (real hourly "
        "PM2.5, see --city); default: synthetic example data for the catalogue",
    )
    run.add_argument(
        "--sheet",
        default=None,
        help="sheet of an .xlsx --progress file (name or 0-based index); default: the one sheet "
        "with the columns indicator, region, month, value",
    )
    run.add_argument(
        "--catalog-sheet",
        default=None,
        help="sheet of an .xlsx --catalog file (name or 0-based index); default: the one sheet with "
        "the catalogue's required columns",
    )
    run.add_argument(
        "--city", default=None, help="city for --progress pm25 (shenyang, the default; beijing, shanghai)"
    )
    run.add_argument(
        "--as-of", type=_month, default=None, help="month of the forecast, YYYY-MM (default: latest report)"
    )
    run.add_argument(
        "--draws",
        type=_draws,
        default=4000,
        help=f"Monte Carlo draws (default 4000, at least {MIN_DRAWS}); a P(met) within two Monte Carlo "
        "standard errors of a status band's edge is 'borderline'",
    )
    run.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    run.add_argument("--jobs", type=_positive_int, default=2, help="threads for the simulation (default 2)")
    kept = f"the first {keep_default or 4000} draws"
    run.add_argument(
        "--keep-paths",
        type=keep_paths,
        action=_GivenKeepPaths,
        default=keep_default,
        metavar="N",
        help=f"paths kept for fan charts, planning and forecast.nc (default: {kept}; at least "
        f"{MIN_KEPT_PATHS} for report and serve); the summaries use every draw, so memory stays flat however "
        "many --draws",
    )
    _scheduler_option(run)
    if out_folder:
        run.add_argument(
            "--out",
            default="out",
            help="output folder (default ./out); a folder holding an earlier run's results is refused "
            "unless --overwrite",
        )
    run.add_argument(
        "--overwrite", action="store_true", help="replace the results of an earlier run in --out"
    )
    run.add_argument("--allow-revisions", action="store_true", help="accept cumulative values that fall")
    run.add_argument(
        "--no-scale-check",
        action="store_true",
        help="accept values that look entered in units instead of 万 (10k) or the reverse "
        "(read_progress's check_scale=False)",
    )
    run.add_argument(
        "--model",
        default="seasonal_share",
        help="model name (default seasonal_share; `backtest --list-models` lists them)",
    )
    run.add_argument(
        "--store",
        default=None,
        help="read the reports from this report store (made by `ingest`) instead of --progress",
    )
    run.add_argument(
        "--vintage",
        default=None,
        help="with --store: the reports as known on this date, YYYY-MM-DD (default: everything in the store)",
    )
    return run


class _Version(argparse.Action):
    """``--version``: the installed version, looked up (importlib.metadata) only when asked."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(
            option_strings, dest, nargs=0, default=argparse.SUPPRESS, help="show the version and exit"
        )

    def __call__(self, parser: argparse.ArgumentParser, *args: Any) -> None:
        from ._core.provenance import library_version

        print(f"{parser.prog} {library_version()}")
        parser.exit()


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="longjiang-forecast",
        description="Attainment probabilities of Heilongjiang's livelihood targets (民生实事). "
        "With no command, runs `forecast` (on the bundled synthetic example data unless --progress).",
    )
    parser.add_argument("--version", action=_Version)
    sub = parser.add_subparsers(dest="command")
    run = _run_options()
    fc = sub.add_parser(
        "forecast",
        parents=[_run_options(keep_default=FORECAST_KEEP_PATHS)],
        help="P(target met by its deadline) for every indicator",
    )
    fc.add_argument("--all", action="store_true", help="print prefecture rows too (default: province only)")
    fc.add_argument(
        "--scenario", default=None, action=_OneScenario, help="a scenario TOML file (see scenarios/)"
    )
    fc.add_argument(
        "--publish",
        action="store_true",
        help="with --store: archive this forecast in the store (summary, model and settings, seed, vintage), "
        "so that it can be rebuilt bit for bit",
    )
    bulletin_run = _run_options(
        _keep_paths_for(
            "the bulletin's list as a whole (P(all met), risk drivers), fan charts, rank probabilities, "
            "required pace and next year's targets"
        )
    )
    rp = sub.add_parser(
        "report", parents=[bulletin_run], help="the monthly bulletin: one HTML file with figures"
    )
    rp.add_argument(
        "--comparison", default=None, help="scenario comparison CSV (from `scenarios`) to include"
    )
    rp.add_argument(
        "--pace-prob", type=_probability, default=0.8, help="probability of the required pace (default 0.8)"
    )
    rp.add_argument(
        "--changes",
        action="store_true",
        help="with --store: add the section 本月变化, what changed between the last two published forecasts",
    )
    rp.add_argument(
        "--track-record",
        action="store_true",
        help="with --store: add the section 预测实绩, the published forecasts scored against the outcomes "
        "now in the store (as `track-record` prints them)",
    )
    sc = sub.add_parser("scenarios", parents=[run], help="P(met) under each scenario against the baseline")
    sc.add_argument("files", nargs="+", help="scenario TOML files, e.g. scenarios/*.toml")
    ny = sub.add_parser(
        "next-year",
        parents=[
            _run_options(
                _keep_paths_for("next year's proposals and the whole list's joint figures"), out_folder=False
            )
        ],
        help="next year's list: every target at one confidence, written as next year's catalogue",
    )
    ny.add_argument(
        "--confidence", type=_probability, default=0.8,
        help="probability each proposed target is met next year (default 0.8)",
    )  # fmt: skip
    ny.add_argument(
        "--list-probability", type=_probability, default=0.7,
        help="for the reverse question: the probability that the whole list is met (default 0.7)",
    )  # fmt: skip
    ny.add_argument(
        "--out", default=None,
        help="next year's catalogue file, .csv or .xlsx (default catalog_<next year>.csv here); an existing "
        "file is refused unless --overwrite",
    )  # fmt: skip
    sv = sub.add_parser(
        "serve",
        parents=[_run_options(_keep_paths_for("the explorer's fan charts and next year's targets"))],
        help="the scenario explorer in the browser: the attainment table, targets, scenarios, planning "
        "(needs the 'app' extra)",
    )
    sv.add_argument("--port", type=_port, default=8050, help="port to serve on (default 8050)")
    sv.add_argument(
        "--host", default="127.0.0.1", help="address to serve on (default 127.0.0.1: this machine)"
    )
    _backtest_parser(sub)
    _ingest_parser(sub)
    _check_reports_parser(sub)
    ch = sub.add_parser(
        "changes",
        parents=[_common_options()],
        help="why P(met) moved between two published forecasts: revisions, new reports, settings, noise",
    )
    ch.add_argument("--store", required=True, help="the report store the forecasts were published in")
    ch.add_argument("--from", dest="from_id", type=_positive_int, default=None,
                    help="the earlier forecast's number (default: the one before --to)")  # fmt: skip
    ch.add_argument("--to", dest="to_id", type=_positive_int, default=None,
                    help="the later forecast's number (default: the latest published)")  # fmt: skip
    ch.add_argument("--top", type=_positive_int, default=5, help="how many of the largest moves (default 5)")
    ch.add_argument("--all", action="store_true", help="prefecture rows too (default: province only)")
    ch.add_argument(
        "--by-region",
        action="store_true",
        help="also split the new reports' part by region (one more re-run per region with new reports)",
    )
    ch.add_argument(
        "--news",
        action="store_true",
        help="instead of the split: each new report against what the earlier forecast expected for it "
        "(the median and 80%% interval of its paths), and each revision with its old and new value",
    )
    ch.add_argument(
        "--out",
        default=None,
        help="with --news: also write news.csv (every row, every region) in this folder; one holding it "
        "from an earlier run is refused unless --overwrite",
    )
    ch.add_argument("--overwrite", action="store_true", help="with --news --out: replace an earlier news.csv")
    tr = sub.add_parser(
        "track-record",
        parents=[_common_options()],
        help="score every published forecast against the outcomes now in the store (Brier, coverage, "
        "first passage, by model and as-of month)",
    )
    tr.add_argument("--store", required=True, help="the report store the forecasts were published in")
    tr.add_argument(
        "--vintage",
        default=None,
        help="read the outcomes as known at this vintage, YYYY-MM-DD (default: everything in the store)",
    )
    tr.add_argument(
        "--out",
        default="out",
        help="output folder (default ./out) for " + ", ".join(TRACK_FILES) + "; one holding them from an "
        "earlier run is refused unless --overwrite",
    )
    tr.add_argument("--overwrite", action="store_true", help="replace the results of an earlier run in --out")
    tp = sub.add_parser(
        "template", parents=[_common_options()], help="write an example progress file for a catalogue"
    )
    tp.add_argument("--catalog", default="2024", help="built-in year (2024) or a catalogue file")
    tp.add_argument(
        "--out", default=None, help="example progress file to write (.csv or .xlsx); never overwritten"
    )
    tp.add_argument(
        "--catalog-out",
        default=None,
        help="also (or only) write the --catalog as an editable catalogue file (.csv or .xlsx) with its "
        "tags: the built-in list carries the standard tags the shipped scenarios select by",
    )
    tp.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help="seed of the example values")
    return parser


def _load_catalog(spec: str, sheet: str | None = None) -> Any:
    from .catalog import load_catalog

    return load_catalog(int(spec)) if spec.isdigit() else load_catalog(spec, sheet=sheet)


def _inputs(args: argparse.Namespace) -> tuple[Any, Any, str | None]:
    """Return (catalog, progress, note for the first line)."""
    from .progress import load_national_progress, load_pm25, read_progress

    _check_city(args.city, args.progress, allow_all=False)
    if args.store:
        return _store_inputs(args)
    if args.progress == "national":
        catalog, progress = load_national_progress(as_of=args.as_of)
        return catalog, progress, None
    if args.progress == "pm25":
        year = int(args.as_of[:4]) if args.as_of else None
        catalog, progress = load_pm25(args.city or "shenyang", year=year, as_of=args.as_of)
        return catalog, progress, None
    catalog = _load_catalog(args.catalog, args.catalog_sheet)
    if args.progress is None:
        from .testing import SYNTHETIC_NOTE, synthetic_progress

        progress = synthetic_progress(catalog, seed=DEFAULT_SEED, as_of=args.as_of)
        return catalog, progress, SYNTHETIC_NOTE.format(seed=DEFAULT_SEED)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", UserWarning)
        progress = read_progress(args.progress, catalog, as_of=args.as_of, **_reader_options(args))
    lang = _lang(args, catalog)
    for warning in caught:
        _warn_in(str(warning.message), lang)
    n_example, note = _example_rows(progress)
    if n_example:
        _warn_in(
            f"{n_example} rows of {args.progress} still carry the template's note '{note}': those values "
            "are synthetic, not reports.",
            lang,
        )
    return catalog, progress, None


def _example_rows(progress: Any) -> tuple[int, str]:
    """How many rows of the progress still carry the template's example note, and that note."""
    if "note" not in progress:
        return 0, ""
    marked = progress["note"].isin(list(EXAMPLE_NOTE.values()))
    n_example = int(marked.sum())
    return n_example, str(progress["note"].where(marked).to_series().dropna().iloc[0]) if n_example else ""


def _warn_in(line: str, lang: str) -> None:
    """Say a warning of the inputs in ``lang`` and keep it for the run's record (run.json, the bulletin).

    The reading notes and the template's example rows were printed only: the bulletin made from a
    template's example values said nothing of them, and run.json listed no warning (a new-user pass).
    """
    _record_warning(line)
    print(_said(f"warning: {line}", lang), file=sys.stderr)


def _check_store_options(args: argparse.Namespace) -> None:
    """Refuse, before any work, --store with --progress or its options; --vintage or --publish alone."""
    if args.store and args.progress:
        raise DataValidationError(
            f"--store {args.store} and --progress {args.progress} both name the reports; give one "
            "(nothing was run)."
        )
    reader = [
        o
        for o in ("--sheet", "--allow-revisions", "--no-scale-check")
        if getattr(args, o[2:].replace("-", "_"))
    ]
    if args.store and reader:
        raise DataValidationError(
            f"{', '.join(reader)} apply to reading a --progress file; the reports of --store {args.store} "
            "were checked when they were ingested: give these options to `longjiang-forecast ingest` "
            "(nothing was run)."
        )
    if not args.store:
        for option in ("--vintage", "--publish", "--changes", "--track-record"):
            if getattr(args, option[2:].replace("-", "_"), None):
                raise DataValidationError(
                    f"{option} reads from or writes to a report store: add --store PATH (made by "
                    "`longjiang-forecast ingest`), or drop it (nothing was run)."
                )
    if getattr(args, "publish", False) and getattr(args, "scenario", None):
        raise DataValidationError(
            "--publish archives baseline forecasts only; run the scenario without --publish "
            "(nothing was run)."
        )


def _store_inputs(args: argparse.Namespace) -> tuple[Any, Any, None]:
    """The catalogue and the reports of --store as known at --vintage (up to --as-of)."""
    import pandas as pd

    from .store import progress_at

    catalog = _load_catalog(args.catalog, args.catalog_sheet)
    progress = progress_at(args.store, catalog, args.vintage, as_of=args.as_of)  # YYYY-MM (_month)
    reported = progress["value"].notnull().any(("indicator", "region")).values
    latest = pd.Timestamp(progress["month"].values[reported][-1]) if reported.any() else None
    if args.as_of is None and latest is not None and latest.year < catalog.year:
        raise DataValidationError(
            f"--store {args.store}: by vintage {args.vintage or 'latest'} it holds no report of "
            f"{catalog.year} (its latest is of {latest:%Y-%m}), the year of the catalogue's list: give "
            f"a later --vintage, or ingest {catalog.year}'s reports first (nothing was run)."
        )
    return catalog, progress, None


def _lang(args: argparse.Namespace, catalog: Catalog) -> str:
    """The language of the printed outputs: ``--lang``, else the locale's or the catalogue's."""
    from .report import default_language

    if getattr(args, "lang", None):
        return str(args.lang)
    table = catalog.table
    return default_language(table.get("name_en", ()), table.get("name_zh", ()))


def _message(key: str, lang: str, **fields: Any) -> str:
    """A line of the command line in ``lang`` (:func:`longjiang_forecast.report.console_message`)."""
    from .report import console_message

    return console_message(key, lang, **fields)


def _width() -> int:
    """Columns of the printed outputs (at least 60): ``COLUMNS`` where set, else the terminal's, else 100.

    A redirected output is 100 columns wide unless ``COLUMNS`` says otherwise.
    """
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return max(int(columns), 60)
    return max(shutil.get_terminal_size(fallback=(100, 24)).columns, 60) if sys.stdout.isatty() else 100


def _print_table(
    table: pd.DataFrame, result: Any, args: argparse.Namespace, catalog: Catalog, progress: Any
) -> None:
    """Print the attainment table for people: the unit's decimals, names in one language, fitted to width."""
    from ._core.regions import top_level_tags
    from .report import attainment_headline, province_first, render_attainment
    from .report._text import model_name, scenario_name

    shown = province_first(table) if args.all else table[table["region"] == "province"]
    width = _width()
    lang = _lang(args, catalog)
    attrs = result.summary.attrs
    text = render_attainment(
        shown,
        lang=lang,
        width=width,
        show_region=bool(args.all),
        regions=catalog.regions,
        written=region_spelling(progress),
        top_levels=top_level_tags(catalog.table),
        headline=attainment_headline(
            lang,
            show_all=args.all,
            prefectures=bool((table["region"] != "province").any()),
            as_of=result.state.attrs["as_of"],
            n=int((~table["status"].isin(["no forecast", "no share"])).sum()),
            model=model_name(attrs["model"], lang),
            scenario=scenario_name(attrs["scenario"], lang),
            draws=args.draws,
            seed=args.seed,
        ),
    )
    print(text, end="")


@contextlib.contextmanager
def _busy(text: str) -> Iterator[None]:
    """A spinner with the elapsed time on stderr while a long step runs; only on a terminal, not --quiet."""
    if not sys.stderr.isatty() or log.getEffectiveLevel() > logging.INFO:
        yield
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}", markup=False),
        TimeElapsedColumn(),
        console=Console(file=sys.stderr),
        transient=True,
    ) as bar:
        bar.add_task(text, total=None)  # a Progress shows its tasks: without one the line stays empty
        yield


def _borderline_note(
    summary: Any, draws: int, show_all: bool, lang: str, catalog: Catalog, progress: Any
) -> None:
    """Say which shown series are borderline (P(met) within two s.e. of a band edge) and what decides them."""
    import numpy as np

    from .report import borderline_note

    cut = summary["borderline_cut"].values
    shown = np.isfinite(cut) & (show_all | (summary["region"].values == "province"))
    if not shown.any():
        return
    rows = zip(
        summary["indicator"].values[shown],
        summary["region"].values[shown],
        summary["p_met"].values[shown],
        cut[shown],
        strict=True,
    )
    width = _width()
    note = borderline_note(
        list(rows), draws, lang=lang, width=width, regions=catalog.regions, written=region_spelling(progress)
    )
    print(note, end="")


def _thin_history_note(
    table: pd.DataFrame, show_all: bool, lang: str, catalog: Catalog, progress: Any
) -> None:
    """Name the shown series forecast with too few earlier years of their own: the plan moves their numbers.

    Their year's total rests on a standard seasonal profile (the "fallback profile" of the basis) and
    on the plan as its prior, so the same reports with another target give another median (a new-user
    pass: 4,005 km for a target of 2,000, 6,572 km for 20,000, from the same reports).
    """
    from .report._console import _wrap

    shown = table if show_all else table[table["region"] == "province"]
    thin = shown[
        shown["basis"].astype(str).str.startswith("fallback profile")
        & ~shown["status"].isin(["no forecast", "achieved", "no share"])
    ]
    if thin.empty:
        return
    written = region_spelling(progress)
    who = [_series_label(str(r.indicator), str(r.region), lang, catalog, written) for r in thin.itertuples()]
    names = first_named(who)
    text = (
        f"往年数据不足：{names}。其预测依据标准季节曲线，并以计划目标作为全年总量的先验，因此目标值本身会影响中位数和"
        "达标概率；请补充往年的月度报告（含 12 月），以便按其自身历史预测。"
        if lang == "zh"
        else f"Too few earlier years of their own: {names}. Their forecast rests on a standard seasonal "
        "profile and on the plan as the prior of the year's total, so the target itself moves the median and "
        "P(met): add earlier years' monthly reports (with their Decembers) to forecast them from their own "
        "history."
    )
    print(_wrap(text, _width()), end="")


def _no_forecast_note(table: pd.DataFrame, show_all: bool, lang: str) -> None:
    """Say why each shown series has no forecast (the table shows only "no forecast"), by reason."""
    import textwrap

    from .report import no_forecast_lines

    shown = table if show_all else table[table["region"] == "province"]
    for line in no_forecast_lines(shown, lang):
        print(textwrap.fill(line, width=_width(), break_on_hyphens=False))


def _pace_note(table: pd.DataFrame, show_all: bool, lang: str, catalog: Catalog, progress: Any) -> None:
    """Say, for the shown series whose recent pace points away from P(met), what the model expects."""
    from .report import pace_note, province_first

    shown = province_first(table) if show_all else table[table["region"] == "province"]
    written = region_spelling(progress)
    who = {
        (str(i), str(r)): _series_label(str(i), str(r), lang, catalog, written)
        for i, r in zip(shown["indicator"], shown["region"], strict=True)
    }
    print(pace_note(shown, lang=lang, width=_width(), who=who), end="")


def _series_label(indicator: str, region: str, lang: str, catalog: Catalog, written: Any) -> str:
    """A shown series in a note: its id for the province, else ``id/prefecture`` as the user writes it."""
    from .report._console import region_label

    if region == "province":
        return indicator
    return f"{indicator}/{region_label(region, lang, catalog.regions, written)}"


def _out_dir(
    path: str,
    option: str = "--out",
    files: Sequence[str] = (),
    what: str = "the outputs",
    overwrite: bool = False,
) -> Path:
    """Create the output folder of ``option`` and check, before any work, that it can be written.

    A folder created here is removed again when the command fails having written nothing in
    it (:func:`_dispatch`).

    ``files`` are the names the command will write there: none may be a folder, and
    none may exist unless ``overwrite`` (``--overwrite``: they are replaced, with a note
    on stderr before any work naming them); without it an earlier run's results are
    refused, nothing run. ``what`` says what the folder holds, in the message when
    ``path`` is a file.
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise DataValidationError(
            f"{option} {out} is a file, not a folder. Choose a folder for {what} (nothing was run)."
        )
    missing = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        if missing:  # removed again if the command fails before writing in it (_dispatch)
            _CREATED.append(missing[-1])
    except OSError as err:
        raise DataValidationError(
            f"{option} {out}: cannot create this folder ({err.strerror or err}). "
            "Choose a folder you can write to (nothing was run)."
        ) from None
    for name in files:
        if (out / name).is_dir():
            raise DataValidationError(
                f"{option} {out}: {out / name} is a folder, where the output file {name} goes. "
                f"Move it or choose another {option} (nothing was run)."
            )
    _check_writable(out, option, out)
    earlier = [name for name in files if (out / name).exists()]
    if earlier and not overwrite:
        # run.json describes the run that wrote it (forecast's): named only for a command that writes it
        as_of = _earlier_as_of(out) if "run.json" in files else ""
        raise DataValidationError(
            f"{option} {out} holds {', '.join(earlier)} of an earlier run{as_of}; "
            "nothing was run and nothing was replaced. Give each run its own folder (e.g. "
            f"{option} {out / 'YYYY-MM'}), or add --overwrite to replace "
            f"{'it' if len(earlier) == 1 else 'them'}."
        )
    if earlier:
        log.info(
            f"note: {option} {out} holds {', '.join(earlier)} of an earlier run; this run replaces "
            f"{'it' if len(earlier) == 1 else 'them'} (choose another {option} to keep "
            f"{'it' if len(earlier) == 1 else 'them'})."
        )
    return out


def _check_writable(folder: Path, option: str, given: Path) -> None:
    """Create and remove a file in ``folder``; DataValidationError naming ``option`` if it cannot be.

    A write permission check (``os.access``) says yes to root everywhere, /proc included.
    """
    try:
        with tempfile.TemporaryFile(dir=folder, prefix=".longjiang-forecast-write-check-"):
            pass
    except OSError as err:
        where = "this folder" if folder == given else f"the folder {folder}"
        raise DataValidationError(
            f"{option} {given}: cannot write in {where} ({err.strerror or err}). "
            "Choose a folder you can write to (nothing was run)."
        ) from None


def _earlier_as_of(out: Path) -> str:
    """' (as of YYYY-MM)' from an earlier run's run.json in ``out``, '' if there is none to read."""
    try:
        as_of = json.loads((out / "run.json").read_text(encoding="utf-8")).get("as_of")
    except (OSError, ValueError, AttributeError):
        return ""
    return f" (as of {as_of})" if isinstance(as_of, str) else ""


def _existing_file(path: str, option: str) -> Path:
    """Check, before any work, that ``option`` names a file that exists."""
    source = Path(path)
    if not source.is_file():
        what = "is a folder, not a file" if source.is_dir() else "does not exist"
        raise DataValidationError(f"{option} {source} {what}. Give the path of the file (nothing was run).")
    return source


def _new_file(path: str, option: str) -> Path:
    """Check, before any work, that ``option`` names a new file in a folder that can be written."""
    target = Path(path)
    if target.is_dir():
        raise DataValidationError(
            f"{option} {target} is a folder; give a file name, e.g. {target / 'calibration.json'} "
            "(nothing was run)."
        )
    if target.exists() or target.is_symlink():
        raise DataValidationError(
            f"{option} {target} exists; choose another file or delete it first "
            "(nothing was overwritten, nothing was run)."
        )
    _out_dir(str(target.parent), option=f"{option} {target}: the folder")
    return target


def _run(args: argparse.Namespace, **extra: Any) -> tuple[Any, Any, Any, str | None]:
    """Load the inputs and forecast; return (result, catalog, progress, synthetic note)."""
    from .models import resolve_model
    from .pipeline import forecast
    from .report._text import catalog_name

    catalog, progress, note = _inputs(args)
    lang = _lang(args, catalog)
    if note:
        print(_message("synthetic", lang, width=_width(), seed=DEFAULT_SEED))
    if isinstance(extra.get("scenario"), str):  # read (and checked) now, not after the fit
        from .scenarios import load_scenario

        extra["scenario"] = load_scenario(extra["scenario"], catalog=catalog)
    log.info(
        _message(
            "forecasting", lang, catalog=catalog_name(catalog.source, lang), draws=args.draws, seed=args.seed
        )
    )
    log.debug(
        "progress: %s (sha256 %s), %d indicators x %d regions x %d months; model %s",
        progress.attrs.get("source", ""),
        progress.attrs.get("sha256", ""),
        *(progress.sizes[d] for d in ("indicator", "region", "month")),
        args.model,
    )
    with _busy(f"fitting {args.model} and simulating {args.draws} paths per series"):
        result = forecast(
            progress,
            catalog,
            as_of=args.as_of,
            model=resolve_model(args.model),
            n_draws=args.draws,
            seed=args.seed,
            n_jobs=args.jobs,
            keep_paths=args.keep_paths,
            client=_client(args),
            **extra,
        )
    return result, catalog, progress, note


def _run_json(
    args: argparse.Namespace, result: Any, catalog: Catalog, progress: Any, note: str | None
) -> dict[str, Any]:
    from ._core.provenance import library_version

    source = str(progress.attrs.get("source", ""))
    return {
        "as_of": result.state.attrs["as_of"],
        "catalog": str(catalog.source),
        "progress": str(Path(source).resolve()) if Path(source).exists() else source,
        "progress_sha256": str(progress.attrs.get("sha256", "")),
        "synthetic_data": bool(note) or _example_rows(progress)[0] > 0,  # a template's examples too
        "store": args.store,
        "vintage": args.vintage,
        "allow_revisions": bool(args.allow_revisions),
        "check_scale": not args.no_scale_check,
        "revisions_accepted": str(progress.attrs.get("revisions_accepted", "")),
        "scenario": result.summary.attrs.get("scenario", "baseline"),
        "model": result.summary.attrs["model"],
        "model_params": {
            k: v if isinstance(v, int | float | str | bool) or v is None else repr(v)
            for k, v in resolve_model_params(result).items()
        },
        "n_draws": args.draws,
        "paths_kept": int(result.paths.sizes["draw"]),
        "scheduler": args.scheduler,
        "seed": args.seed,
        "library_version": library_version(),
        "created_at": result.summary.attrs["created_at"],
        "warnings": list(_SHOWN_WARNINGS),  # what the console said while the run was made
        "columns": "see docs/getting-started.md#the-attainment-table",
    }


def resolve_model_params(result: Any) -> dict[str, Any]:
    """The model's hyper-parameters as stored in the outputs (a dict)."""
    import ast

    try:
        return dict(ast.literal_eval(result.summary.attrs["model_params"]))
    except (ValueError, SyntaxError):
        return {"repr": result.summary.attrs["model_params"]}


def _forecast(args: argparse.Namespace) -> int:
    from ._core.regions import top_level_tags
    from .report import rounded_table, write_workbook

    started = time.perf_counter()
    _check_model(args.model)
    _check_store_options(args)
    if args.scenario:
        _existing_file(args.scenario, "--scenario")
    out = _out_dir(
        args.out,
        files=("attainment.csv", "attainment.xlsx", "forecast.nc", "run.json"),
        overwrite=args.overwrite,
    )
    result, catalog, progress, note = _run(args, scenario=args.scenario)
    if args.publish:  # before any file is written: a refused publication leaves --out as it was
        from .store import check_publishable

        check_publishable(args.store, result, seed=args.seed, vintage=args.vintage)
    table = result.table()
    _print_table(table, result, args, catalog, progress)
    _borderline_note(result.summary, args.draws, args.all, _lang(args, catalog), catalog, progress)
    _pace_note(table, args.all, _lang(args, catalog), catalog, progress)
    _thin_history_note(table, args.all, _lang(args, catalog), catalog, progress)
    _no_forecast_note(table, args.all, _lang(args, catalog))
    rounded_table(table).to_csv(out / "attainment.csv", index=False, encoding="utf-8-sig")
    meta = _run_json(args, result, catalog, progress, note)
    attrs = result.summary.attrs
    # The workbook (openpyxl: Python) is written beside forecast.nc (netCDF's C library and zlib
    # release the GIL): 0.2-0.3 s of the default job's 3 s. Either one's error is raised here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        workbook = pool.submit(
            write_workbook,
            table,
            out / "attainment.xlsx",
            lang=_lang(args, catalog),
            provenance={
                **{k: v for k, v in meta.items() if k != "columns"},
                **{k: attrs.get(k, "") for k in ("catalog_sha256", "data_vintage", "data_vintage_basis")},
            },
            regions=catalog.regions,
            written=region_spelling(progress),
            top_levels=top_level_tags(catalog.table),
        )
        result.to_netcdf(out / "forecast.nc", overwrite=True, paths_dtype="float32")  # checked in _out_dir
        (out / "run.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        workbook.result()
    files = [out / name for name in ("attainment.csv", "attainment.xlsx", "forecast.nc", "run.json")]
    seconds = time.perf_counter() - started
    log.info(_message("wrote_in", _lang(args, catalog), files=files, seconds=seconds))
    if args.publish:
        from .store import publish

        number = publish(args.store, result, seed=args.seed, vintage=args.vintage)
        lang = _lang(args, catalog)
        latest = "最新" if lang == "zh" else "latest"
        print(_message("published", lang, store=args.store, number=number, vintage=args.vintage or latest))
    return 0


def _read_comparison(path: str) -> Any:
    """The scenario comparison of --comparison; a ValueError naming the file, what is wrong and the fix."""
    import io

    import pandas as pd

    from ._core.tables import check_file_type, decode_text
    from .plots.scenario import COMPARISON_COLUMNS

    source = _existing_file(path, "--comparison")
    fix = "give the scenario_comparison.csv that `longjiang-forecast scenarios` wrote"
    try:  # as a progress file: UTF-8, or GBK as Excel saves a CSV on Chinese Windows
        check_file_type(Path(source), (".csv",), "a CSV file (the scenario_comparison.csv of `scenarios`)")
        text, _ = decode_text(Path(source), Path(source).read_bytes(), "comparison file")
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (DataValidationError, pd.errors.EmptyDataError, pd.errors.ParserError) as err:
        raise ValueError(f"--comparison {path}: not a comparison table ({err}); {fix}.") from None
    # p_met_se too: without it the baseline cannot be checked against this report's (which let a
    # comparison of another month through, its column deleted; a break-it pass)
    missing = [c for c in (*COMPARISON_COLUMNS, "p_met_se") if c not in frame.columns]
    if missing:
        raise ValueError(
            f"--comparison {path}: the columns {missing} are missing (it has {list(frame.columns)[:8]}); "
            f"{fix}."
        )
    if frame.empty:
        raise ValueError(f"--comparison {path}: it has a header and no rows; {fix}.")
    for column, low, high in (("p_met", 0.0, 1.0), ("delta_vs_baseline", -1.0, 1.0), ("p_met_se", 0.0, 0.5)):
        values = pd.to_numeric(frame[column], errors="coerce")
        bad = frame.index[~values.between(low, high)]  # blank, text such as 43%, or out of range
        if len(bad):
            cell = str(frame[column].iloc[int(bad[0])])
            percent = (
                " (a percentage? write it as a fraction, e.g. 0.8 for 80 %)"
                if 1 < abs(values.iloc[int(bad[0])]) <= 100
                else ""
            )
            raise ValueError(
                f"--comparison {path}: row {int(bad[0]) + 2}, column {column!r} holds {cell!r}, not a "
                f"{_COMPARISON_FIGURES[column]} between {low:g} and {high:g}"
                f"{percent} ({len(bad)} such row(s)); {fix}."
            )
        frame[column] = values
    keys = frame[["indicator", "region"]].astype(str).apply(tuple, axis=1)
    twice = frame.index[frame.duplicated(["scenario", "indicator", "region"], keep=False)]
    if len(twice):
        first = frame.loc[twice[0]]
        same = frame.index[(frame["scenario"] == first["scenario"]) & (keys == keys[twice[0]])]
        raise ValueError(
            f"--comparison {path}: rows {', '.join(str(int(i) + 2) for i in same)} give the same scenario "
            f"{first['scenario']!r} and series {first['indicator']}/{first['region']}: each row once; {fix}."
        )
    p_of = dict(zip(zip(frame["scenario"], keys, strict=True), frame["p_met"], strict=True))
    for i, (scenario, key, p, delta) in enumerate(
        zip(frame["scenario"], keys, frame["p_met"], frame["delta_vs_baseline"], strict=True)
    ):
        base_p = p_of.get(("baseline", key))
        if base_p is not None and abs(delta - (p - base_p)) > _COMPARISON_DELTA_ROUNDING:
            raise ValueError(
                f"--comparison {path}: row {i + 2} ({scenario}, {key[0]}/{key[1]}) gives delta_vs_baseline "
                f"{delta:g}, but its p_met {p:g} less the baseline's {base_p:g} is {p - base_p:+.4f}: the "
                f"file was edited; {fix}."
            )
    base = set(keys[frame["scenario"] == "baseline"])
    unbased = sorted({f"{i}/{r}" for i, r in keys if (i, r) not in base})
    if unbased:
        raise ValueError(
            f"--comparison {path}: no baseline row for {unbased[:5]}{' ...' if len(unbased) > 5 else ''} "
            f"({len(unbased)} series): the scenarios' changes cannot be checked against this report; {fix}."
        )
    return frame


#: What each checked number of a --comparison is, for its message.
_COMPARISON_FIGURES = {
    "p_met": "probability",
    "delta_vs_baseline": "change of probability",
    "p_met_se": "standard error of a probability",
}

#: How far a --comparison's delta_vs_baseline may be from its p_met less the baseline's (the three
#: figures rounded to three decimals each, as `scenarios` writes them).
_COMPARISON_DELTA_ROUNDING = 2e-3

#: Standard errors of the difference within which a --comparison's baseline P(met) must agree with
#: the report's own (two Monte Carlo estimates of one probability; 5 SE: a false alarm in about one
#: of 3 million rows), and the least difference refused whatever the standard errors.
_COMPARISON_SE = 5.0
_COMPARISON_MIN_GAP = 0.02


def _check_comparison(comparison: Any, result: Any, path: str) -> None:
    """Refuse a --comparison made from another list, other data, another month or another model.

    Its indicators must be the report's, and its baseline's P(met) of each series must agree with
    the report's within :data:`_COMPARISON_SE` standard errors of their difference (and
    :data:`_COMPARISON_MIN_GAP`): otherwise the bulletin's scenario section would describe
    another forecast than its other sections. A ValueError naming the file, what differs and the fix.
    """
    import numpy as np

    fix = (
        "make the comparison from the same inputs: `longjiang-forecast scenarios` with this report's "
        "--catalog, --progress, --as-of and --model"
    )
    known = set(map(str, result.summary["indicator"].values))
    foreign = sorted(set(map(str, comparison["indicator"])) - known)
    if foreign:
        raise ValueError(
            f"--comparison {path}: its indicators {foreign[:6]}{' ...' if len(foreign) > 6 else ''} are "
            f"not in this report's catalogue ({len(foreign)} of {comparison['indicator'].nunique()}); "
            f"it was made for another list. {fix} (nothing was written)."
        )
    forecast_here = np.isfinite(result.summary["p_met"].values) & (
        result.summary["region"].values == "province"
    )
    lacking = sorted(
        set(map(str, result.summary["indicator"].values[forecast_here]))
        - set(map(str, comparison["indicator"]))
    )
    if lacking:
        raise ValueError(
            f"--comparison {path}: it has no rows for {lacking[:6]}{' ...' if len(lacking) > 6 else ''} "
            f"({len(lacking)} of this report's forecast targets), so the bulletin's scenario section "
            f"would leave them out without a word. {fix} (nothing was written)."
        )
    base = comparison[comparison["scenario"] == "baseline"]
    table = result.table().set_index(["indicator", "region"])
    worst: tuple[float, str, float, float] | None = None
    for row in base.itertuples():
        key = (str(row.indicator), str(row.region))
        if key not in table.index:
            continue
        here, here_se = float(table.at[key, "p_met"]), float(table.at[key, "p_met_se"])
        gap = abs(float(row.p_met) - here)
        allowed = max(_COMPARISON_SE * float(np.hypot(float(row.p_met_se), here_se)), _COMPARISON_MIN_GAP)
        if np.isfinite(gap) and gap > allowed and (worst is None or gap > worst[0]):
            worst = (gap, f"{key[0]} ({key[1]})", float(row.p_met), here)
    if worst is not None:
        raise ValueError(
            f"--comparison {path}: its baseline gives {worst[1]} P(met) {worst[2]:.3f}, this report "
            f"{worst[3]:.3f}, beyond the Monte Carlo error of both: it was made from other reports, "
            f"another as-of month or another model. {fix} (nothing was written)."
        )


def _report(args: argparse.Namespace) -> int:
    from .planning import plan
    from .report import BULLETIN_FIGURES, write_bulletin

    _check_model(args.model)
    _check_store_options(args)
    _check_resolvable(
        args, [args.pace_prob], "a pace reaching a target with probability", "report --pace-prob"
    )
    comparison = None
    if args.comparison:  # read before the run, so that a wrong path is reported at once
        comparison = _read_comparison(args.comparison)
    out = _out_dir(args.out, files=("bulletin/bulletin.html",), overwrite=args.overwrite)
    changes = _store_changes(args.store) if args.changes else None  # before the run: refused at once
    record = None
    if args.track_record:
        from .store import track_record

        record = track_record(args.store)
    result, catalog, progress, _ = _run(args)
    if comparison is not None:
        _check_comparison(comparison, result, args.comparison)
    with _busy("checking the reports (the annex 报送数据核查)"):
        from .integrity import check_reports

        flags = check_reports(progress, catalog, as_of=args.as_of)
    with _busy("planning and drawing the bulletin"):
        bulletin = write_bulletin(
            result,
            out / "bulletin",
            lang=_lang(args, catalog),
            planning=plan(result, progress, pace_prob=args.pace_prob),
            comparison=comparison,
            changes=changes,
            track_record=record,
            integrity=flags,
            notices=list(_SHOWN_WARNINGS),
            overwrite=args.overwrite,  # the page was checked in _out_dir; this checks the figures too
        )
    if args.overwrite:  # the earlier bulletin's figures that this one does not draw would stay, unlinked
        written = {path.resolve() for path in bulletin.figures.values()}
        # only the names a bulletin draws: a user's own image in the folder is never removed
        ours = {*BULLETIN_FIGURES, *(f"fan_{i}" for i in catalog.table["indicator"].astype(str))}
        stale = sorted(
            p
            for p in (out / "bulletin" / "figures").glob("*.png")
            if p.stem in ours and p.resolve() not in written
        )
        for path in stale:
            path.unlink()
        if stale:
            log.info(
                "removed %d figure(s) of the earlier bulletin: %s",
                len(stale),
                ", ".join(p.name for p in stale),
            )
    print(_message("wrote_bulletin", _lang(args, catalog), html=bulletin.html, n=len(bulletin.figures)))
    return 0


def _scenarios(args: argparse.Namespace) -> int:
    from .models import resolve_model
    from .pipeline import compare_scenarios

    _check_model(args.model)
    _check_store_options(args)
    for path in args.files:
        _existing_file(path, "scenario file")
    out = _out_dir(args.out, files=("scenario_comparison.csv",), overwrite=args.overwrite)
    catalog, progress, note = _inputs(args)
    lang = _lang(args, catalog)
    if note:
        print(_message("synthetic", lang, width=_width(), seed=DEFAULT_SEED))
    from .scenarios import load_scenario

    scenarios = [load_scenario(path, catalog=catalog) for path in args.files]  # checked before the fit
    with _busy(f"fitting {args.model}, simulating the baseline and {len(args.files)} scenario(s)"):
        comparison = compare_scenarios(
            progress,
            catalog,
            scenarios,
            as_of=args.as_of,
            model=resolve_model(args.model),
            n_draws=args.draws,
            seed=args.seed,
            n_jobs=args.jobs,
            keep_paths=args.keep_paths,
            client=_client(args),
        )
    table = comparison.table()
    from ._core.regions import top_level_tags
    from .report import render_scenarios, rounded_table
    from .report._console import region_label

    written = region_spelling(progress)
    top = top_level_tags(catalog.table)
    regions = [
        region_label(str(r), lang, catalog.regions, written, top.get(str(i), ""))
        for i, r in zip(table["indicator"], table["region"], strict=True)
    ]
    table.insert(2, "region_name", regions)  # as the progress file writes it (哈尔滨市), beside the id
    rounded_table(table).to_csv(out / "scenario_comparison.csv", index=False, encoding="utf-8-sig")
    se = float(table["delta_se"].max())
    # the rows' top level by name: 全国 for China's series (it read 仅列全省 on the national data)
    shown = table.loc[table["region"] == "province", "region_name"]
    tops = "/".join(dict.fromkeys(shown)) or region_label("province", lang, None, {})
    print(_message("scenarios", lang, width=_width(), draws=args.draws, se=se, top=tops))
    print(render_scenarios(table, lang=lang, names=indicator_names(catalog, lang), width=_width()), end="")
    log.info(_message("wrote", lang, files=[out / "scenario_comparison.csv"]))
    return 0


def _serve(args: argparse.Namespace) -> int:
    """``serve``: fit once, then serve the explorer until Ctrl-C.

    The scenario page saves its files in ``--out``; with ``--overwrite`` its "replace an existing
    file" starts ticked.
    """
    from .app import Explorer, check_port, require_dash, serve
    from .pipeline import resolve_model

    require_dash()
    _check_model(args.model)
    _check_store_options(args)
    check_port(args.host, args.port)  # before the fit: a port in use is said at once
    catalog, progress, note = _inputs(args)
    lang = _lang(args, catalog)
    if note:
        print(_message("synthetic", lang, width=_width(), seed=DEFAULT_SEED))
    with _busy(f"fitting {args.model} and simulating {args.draws} paths per series"):
        explorer = Explorer.start(
            progress, catalog, lang=lang, n_draws=args.draws, seed=args.seed, out=Path(args.out),
            store=args.store, overwrite=args.overwrite, as_of=args.as_of, model=resolve_model(args.model),
            n_jobs=args.jobs,
            keep_paths=args.keep_paths, client=_client(args),
        )  # fmt: skip
    with contextlib.suppress(KeyboardInterrupt):  # the way to stop a server, not an interruption of work
        serve(explorer, args.host, args.port)
    return 0


def _region_names_written(catalog: Catalog, lang: str) -> dict[str, str]:
    """Region id -> the name an example progress file writes: ids in English, Chinese names in Chinese."""
    if lang != "zh":
        return {}
    regions = catalog.regions
    names = {"province": "全省"}
    if regions is not None and len(regions):
        names.update(
            {str(r): str(zh) for r, zh in zip(regions["region"], regions["name_zh"], strict=True) if zh}
        )
    return names


def _probability(text: str) -> float:
    """An argparse type: a probability strictly between 0 and 1 (0.8, not 80)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number; give a probability such as 0.8"
        ) from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"{text} is not a probability strictly between 0 and 1; give e.g. 0.8 (not 80)"
        )
    return value


def _change(x: float) -> str:
    """A relative change in whole percent, "0%" for what rounds to none (never "-0%")."""
    return "0%" if round(x * 100) == 0 else f"{x:+.0%}"


def _check_next_year_out(out: Path, args: argparse.Namespace) -> None:
    """Check that next year's catalogue may be written to ``out``; raise ValueError naming --out and the fix.

    A new .csv or .xlsx file, or an existing file with --overwrite; never a folder, and never one
    of the command's own input files (--overwrite or not). A missing folder is created, as every
    command's outputs are (:func:`_out_dir`: removed again if the command then fails).
    """
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise ValueError(
            f"--out {out}: next year's catalogue is written as .csv or .xlsx; give such a file name."
        )
    if out.is_dir():
        raise ValueError(f"--out {out} is a folder; give a file name, e.g. {out / 'catalog_next.csv'}.")
    _out_dir(str(out.parent), option=f"--out {out}: the folder")
    inputs = [getattr(args, name, None) for name in ("catalog", "progress")]
    for given in filter(None, inputs):
        if Path(given).exists() and out.exists() and os.path.samefile(out, given):  # links included
            raise ValueError(
                f"--out {out} is the command's own input ({given}); next year's catalogue is written to "
                "another file, even with --overwrite."
            )
    if (out.exists() or out.is_symlink()) and not args.overwrite:
        raise ValueError(f"{out} exists; choose another --out or pass --overwrite (nothing was written).")


def _check_resolvable(args: argparse.Namespace, probs: list[float], what: str, option: str) -> None:
    """Refuse, before any work, a probability the run's kept paths cannot show (ValueError).

    The paths ``--keep-paths`` (else the library's default) of ``--draws`` keep; the library may keep
    fewer and then refuses it itself (``planning._common.unresolved_probability``). ``option`` names
    the flag whose value, the last of ``probs``, is refused.
    """
    from .pipeline._forecast import DEFAULT_KEEP_PATHS
    from .planning._common import unresolved_probability

    unresolved = unresolved_probability(probs, min(args.keep_paths or DEFAULT_KEEP_PATHS, args.draws), what)
    if unresolved:
        raise ValueError(f"{option} {probs[-1]}: {unresolved}")


def _next_year(args: argparse.Namespace) -> int:
    """``next-year``: next year's catalogue at one confidence, with what committing to all of it costs."""
    import numpy as np
    from rich.cells import set_cell_size

    from ._core.units import unit_label
    from .catalog import write_catalog
    from .pipeline import PROPOSAL_MONTHS
    from .planning import list_confidence, next_year_catalog, next_year_targets
    from .planning._common import MIN_TAIL_PATHS, unresolved_probability
    from .planning._next_year import PROPOSED_KINDS
    from .planning._next_year_list import expected_outcomes, needed_percent, percent, safe_side_round
    from .report import format_in_unit

    _check_model(args.model)
    if args.out:  # before any work
        _check_next_year_out(Path(args.out), args)
    _check_resolvable(
        args, [0.5, args.confidence], "a proposal met with probability", "next-year --confidence"
    )
    result, catalog, progress, _ = _run(args)
    lang = _lang(args, catalog)
    year = int(result.state.attrs["year"]) + 1
    out = Path(args.out) if args.out else Path(f"catalog_{year}.csv")
    _check_next_year_out(out, args)
    proposals = next_year_targets(result, progress, probs=sorted({0.5, args.confidence}))
    if not np.isfinite(proposals["target_next"].values).any():
        reasons = result.summary["reason"].values if "reason" in result.summary else proposals["note"].values
        notes = sorted(
            {f"{i}: {n if str(n) != 'no forecast' else r}" for i, n, r in zip(
                proposals["indicator"].values, proposals["note"].values, reasons, strict=True) if str(n)}
        )[:5]  # fmt: skip
        raise ValueError(
            f"next-year: no row of the {year - 1} catalogue ({catalog.source}) can be proposed for {year} "
            f"({'; '.join(notes) or 'no forecast'}). Next year's targets are proposed for counts, levels "
            "and annual means with a forecast; check the catalogue's kinds and the progress file."
        )
    proposed = next_year_catalog(result, proposals, args.confidence)
    joint = list_confidence(result, proposals, args.confidence, list_probability=args.list_probability)
    table = proposed.table[proposed.table["year"] == year]
    listed = table[table["target_basis"] == "proposed"]
    province = listed["region"] == "province"
    rows = listed[province] if province.any() else listed
    this = catalog.table[catalog.table["year"] == year - 1].set_index(["indicator", "region"])
    median = expected_outcomes(result)
    at = proposals["prefecture_sum"].sel(prob=args.confidence, method="nearest").values
    sums = {
        (str(i), str(r)): float(v)
        for i, r, v in zip(proposals["indicator"].values, proposals["region"].values, at, strict=True)
    }
    as_of = str(result.state.attrs["as_of"])
    print(
        _message(
            "next_year_head", lang, width=_width(), year=year, as_of=as_of, conf=percent(args.confidence)
        )
    )
    name = "name_zh" if lang == "zh" else "name_en"
    for _, row in rows.iterrows():
        old = this.loc[(row["indicator"], row["region"])]
        expected = median.get((str(row["indicator"]), str(row["region"])), float("nan"))
        unit, target = str(row["unit"]), float(old["target"])
        stretch = (
            f"{_change(row['target'] / target - 1)} / {_change(row['target'] / expected - 1)}"
            if target > 0 and expected > 0
            else ""
        )
        label = set_cell_size(str(row.get(name, "") or ""), 24)  # terminal cells: a Chinese character is two
        s = sums.get((str(row["indicator"]), str(row["region"])), float("nan"))
        if math.isfinite(s):  # rounded as the province's proposal is, never above it
            s = safe_side_round(s, unit, target, str(row["comparator"]))
        parts = f"  Σ {format_in_unit(s, unit, target)}" if math.isfinite(s) else ""
        print(
            f"  {row['indicator']:>5} {label} {format_in_unit(target, unit, target):>10} -> "
            f"{format_in_unit(row['target'], unit, target):>10} {unit_label(unit, lang)} {stretch}{parts}"
        )
    need = float(joint["per_target_confidence"])
    if not math.isfinite(need):
        need_text = _message("next_year_unreachable", lang)
    elif (kept := int(result.paths.sizes["draw"])) and unresolved_probability([need], kept, "need"):
        # a confidence the kept paths cannot resolve: --confidence would refuse it (a break-it pass)
        n = int(np.ceil(MIN_TAIL_PATHS / (1.0 - need))) if need < 1 else kept
        need_text = _message("next_year_need_edge", lang, need=needed_percent(need), kept=kept, n=n)
    else:
        need_text = needed_percent(need)
    print(
        _message(
            "next_year_joint", lang, width=_width(), n=int(joint["n_targets"]), conf=percent(args.confidence),
            p_all=float(joint["p_all_met"]), se=float(joint["p_all_met_se"]),
            missed=float(joint["expected_missed"]), list_p=percent(args.list_probability), need=need_text,
        )
    )  # fmt: skip
    unforecast = table[(table["target_basis"] == "carried over") & table["kind"].isin(PROPOSED_KINDS)]
    if len(unforecast):
        no_target = "无目标，未公布" if lang == "zh" else "no target: not published"
        rows_text = ", ".join(
            f"{i}{'' if r == 'province' else '/' + str(r)} ({f'{t:g}' if t == t else no_target})"  # NaN: none
            for i, r, t in zip(
                unforecast["indicator"], unforecast["region"], unforecast["target"], strict=True
            )
        )
        print(_message("next_year_no_forecast", lang, width=_width(), n=len(unforecast), rows=rows_text))
    # proposals easier than this year's targets: a lower count, a looser limit (PM2.5 27.3 -> 31.9 at
    # 80 %, printed only as "+17%" beside harder targets; a break-it pass)
    easier = [  # the limits first: a looser pollution limit is the one policy forbids
        f"{row['indicator']}{'' if row['region'] == 'province' else '/' + str(row['region'])} "
        f"{format_in_unit(float(old), str(row['unit']), float(old))} -> "
        f"{format_in_unit(float(row['target']), str(row['unit']), float(old))}"
        for _, row in rows.sort_values("comparator", key=lambda c: c != "<=", kind="stable").iterrows()
        if (old := this.loc[(row["indicator"], row["region"]), "target"]) == old  # not NaN
        and (row["target"] < old if row["comparator"] == ">=" else row["target"] > old)
    ]
    if easier:
        shown = first_named(easier)
        print(_message("next_year_easier", lang, width=_width(), n=len(easier), conf=percent(args.confidence),
                       rows=shown))  # fmt: skip
    as_of_month = int(as_of[5:7])
    if as_of_month < min(PROPOSAL_MONTHS):
        print(_message("next_year_early", lang, width=_width(), as_of=as_of, months=as_of_month))
    if lang == "zh":
        proposed = _notes_in_chinese(proposed, year)
    write_catalog(proposed, out, overwrite=True)  # its folder and --overwrite checked by _check_next_year_out
    counts = table["target_basis"].value_counts()
    proposed_n, carried = int(counts.get("proposed", 0)), int(counts.get("carried over", 0))
    print(
        _message(
            "next_year_wrote",
            lang,
            width=_width(),
            path=shlex.quote(str(out)),
            proposed=proposed_n,
            carried=carried,
        )
    )
    return 0


def _template(args: argparse.Namespace) -> int:
    import numpy as np
    import pandas as pd

    from .catalog import write_catalog
    from .progress import write_progress
    from .testing import synthetic_progress

    if not args.out and not args.catalog_out:
        raise ValueError(
            "template writes --out FILE (an example progress file) and/or --catalog-out FILE (the catalogue "
            "with any tags it has); give at least one."
        )
    if _same_file(args.out, args.catalog_out):
        raise ValueError(
            f"--out and --catalog-out are both {args.out}: the example progress file would replace the "
            "catalogue; give each its own file name (nothing was written)."
        )
    for option, path in (("--out", args.out), ("--catalog-out", args.catalog_out)):
        if path and Path(path).exists():
            raise ValueError(f"{path} exists; choose another {option} (nothing was overwritten).")
    for option, path in (("--out", args.out), ("--catalog-out", args.catalog_out)):
        if path:  # both folders writable before either file is written
            _out_dir(str(Path(path).parent), option=f"{option} {path}: the folder")
    catalog = _load_catalog(args.catalog)
    if args.catalog_out:
        write_catalog(catalog, args.catalog_out)
        table = catalog.table
        tags = (
            table["tags"].fillna("").astype(str).str.strip()
            if "tags" in table
            else pd.Series("", table.index)
        )
        n, tagged = table["indicator"].nunique(), table.loc[tags != "", "indicator"].nunique()
        key = "wrote_catalogue_tags" if tagged else "wrote_catalogue_plain"
        fields = {"source": catalog.source, "path": args.catalog_out, "n": n, "tagged": tagged}
        print(_message(key, _lang(args, catalog), width=_width(), **fields))
        if not args.out:
            return 0
    out = Path(args.out)
    lang = _lang(args, catalog)
    # Last year in full (levels need last December; annual means a year of history) and this
    # year to March, rounded to 4 significant digits like a reported figure; the province and
    # each prefecture, named in the language of the file.
    example = synthetic_progress(
        catalog,
        seed=args.seed,
        years=(catalog.year - 1, catalog.year),
        as_of=f"{catalog.year}-03",
    )
    values = example["value"].values
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        digits = 3 - np.floor(np.log10(np.abs(values)))
        rounded = np.where(
            np.isfinite(values) & (values != 0), np.round(values * 10.0**digits) / 10.0**digits, values
        )
    example["value"] = example["value"].copy(data=rounded)
    _whole_example_counts(example, catalog)
    example["note"] = example["value"].copy(
        data=np.where(example["value"].notnull(), EXAMPLE_NOTE[lang], "").astype(object)
    )
    names = _region_names_written(catalog, lang)
    write_progress(example, out, lang=lang, region_names=names)
    print(_message("wrote_example", lang, width=_width(), source=catalog.source, path=out))
    return 0


def _notes_in_chinese(catalog: Any, year: int) -> Any:
    """Next year's rows' ``note`` and ``deadline_source`` in Chinese (the user's own words kept)."""
    from .report._text import catalogue_text_in_chinese

    table = catalog.table.copy()
    rows = table["year"] == year
    for column in ("note", "deadline_source"):
        if column in table:
            table.loc[rows, column] = [
                catalogue_text_in_chinese(v) if isinstance(v, str) else v for v in table.loc[rows, column]
            ]
    return catalog._with_table(table)


def _whole_example_counts(example: Any, catalog: Any) -> None:
    """Whole counts of the example file in whole units, the province their prefectures' sum.

    Households, stations, places: a prefecture's 263.47 places is no report, and a province
    figure rounded apart from its prefectures' would set off the file's own agreement check
    (province 3,422 beside prefectures 3,421.47, found by a new-user check).
    """
    import numpy as np

    from ._core.province import whole_counts
    from ._core.schema import PROVINCE

    rows = catalog.table.drop_duplicates("indicator").set_index("indicator")
    values = example["value"].transpose("indicator", "region", "month")
    data = values.values.copy()
    province = values["region"].values == PROVINCE
    for i, ind in enumerate(values["indicator"].values):
        if ind not in rows.index or not whole_counts(str(rows.at[ind, "kind"]), str(rows.at[ind, "unit"])):
            continue
        data[i, ~province] = np.round(data[i, ~province])
        parts = data[i, ~province]
        complete = np.isfinite(parts).all(axis=0)
        if province.any() and (~province).any():
            data[i, province] = np.where(complete, parts.sum(axis=0), data[i, province])
    example["value"] = values.copy(data=data).transpose(*example["value"].dims)


def _backtest_parser(sub: Any) -> None:
    bt = sub.add_parser(
        "backtest",
        parents=[_common_options()],
        help="rolling-origin backtest: forecast past years from each as-of month and score them",
    )
    bt.add_argument(
        "--progress",
        default="national",
        choices=("national", "pm25", "families"),
        help="'national' (real national series, default), 'pm25' (real PM2.5 city-years, see --city) "
        "or 'families' (synthetic families with known truth)",
    )
    bt.add_argument(
        "--city",
        default=None,
        help="city for --progress pm25 (shenyang, beijing, shanghai), or 'all' (default)",
    )
    bt.add_argument(
        "--model",
        default="seasonal_share",
        help="model name from MODEL_REGISTRY, or 'all' (every model whose packages are installed; "
        'hierarchical needs pip install "longjiang_forecast[bayes]")',
    )
    bt.add_argument("--list-models", action="store_true", help="print the registered model names and exit")
    bt.add_argument(
        "--as-of",
        type=_backtest_as_of,
        default="3-11",
        help="as-of months: a range of month numbers '3-11' (default) or a list '4,6,9' (each month of "
        "every year of --years), or YYYY-MM months '2023-06,2024-06' (exactly those; not with --years)",
    )
    bt.add_argument(
        "--years",
        type=_years,
        default=None,
        help="outcome years, e.g. '2020-2024' or '2021,2023' (default: all with data); only with month "
        "numbers as --as-of",
    )
    bt.add_argument(
        "--draws",
        type=_backtest_draws,
        default=1000,
        help=f"Monte Carlo draws per forecast (default 1000, at least {MIN_DRAWS})",
    )
    bt.add_argument("--seed", type=_seed, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    bt.add_argument("--jobs", type=_positive_int, default=2, help="threads for the simulation (default 2)")
    _scheduler_option(bt)
    bt.add_argument(
        "--out",
        default="out",
        help="output folder (default ./out); one holding backtest_scores.csv, backtest.nc or "
        "backtest_reliability.png of an earlier run is refused unless --overwrite",
    )
    bt.add_argument("--overwrite", action="store_true", help="replace the results of an earlier run in --out")
    bt.add_argument("--cache", default=None, help="folder of cached fits (reused by reruns; for slow models)")
    bt.add_argument("--include-decided", action="store_true", help="keep forecasts already decided at as-of")
    bt.add_argument(
        "--recalibrate",
        choices=["isotonic", "beta"],
        default=None,
        help="also report scores after recalibration, cross-fitted by year (out of sample)",
    )
    bt.add_argument(
        "--save-calibration",
        default=None,
        help="fit the --recalibrate map (isotonic if no --recalibrate) on all forecasts of one --model "
        "and save it to this new JSON file (an existing file is never overwritten)",
    )
    bt.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar on stderr (none when stderr is not a terminal)",
    )


def _ingest_parser(sub: Any) -> None:
    ig = sub.add_parser(
        "ingest",
        parents=[_common_options()],
        help="add report files to a report store (every figure with when it was received; revisions kept)",
    )
    ig.add_argument("files", nargs="+", help="progress files (CSV/xlsx), in the order they were received")
    ig.add_argument("--store", required=True, help="the report store (one SQLite file; created if missing)")
    ig.add_argument("--catalog", default="2024", help="built-in year (2024) or a CSV/Excel catalogue file")
    ig.add_argument("--catalog-sheet", default=None, help="sheet of an .xlsx --catalog file")
    ig.add_argument("--sheet", default=None, help="sheet of .xlsx progress files")
    ig.add_argument(
        "--vintage",
        default=None,
        help="when the files were received, YYYY-MM-DD, for rows without reported_on (default: now)",
    )
    ig.add_argument("--allow-revisions", action="store_true", help="accept cumulative values that fall")
    ig.add_argument(
        "--no-scale-check",
        action="store_true",
        help="accept values that look entered in units instead of 万 (10k) or the reverse",
    )


def _check_reports_parser(sub: Any) -> None:
    ck = sub.add_parser(
        "check-reports",
        parents=[_common_options()],
        help="integrity flags for the supervision office (督查): this year's reports that are unusual "
        "against the model and the region's own earlier years, each with a score and its file rows",
    )
    ck.add_argument("--catalog", default="2024", help="built-in year (2024) or a CSV/Excel catalogue file")
    ck.add_argument(
        "--progress",
        default=None,
        help="progress file (CSV/xlsx), 'national' or 'pm25' (see --city); default: synthetic example "
        "data for the catalogue (as for `forecast`); falls are flagged here, not refused",
    )
    ck.add_argument("--sheet", default=None, help="sheet of an .xlsx --progress file (name or 0-based index)")
    ck.add_argument("--catalog-sheet", default=None, help="sheet of an .xlsx --catalog file")
    ck.add_argument("--city", default=None, help="city for --progress pm25 (shenyang, beijing, shanghai)")
    ck.add_argument(
        "--as-of",
        type=_month,
        default=None,
        help="month whose year is checked, YYYY-MM (default: latest report)",
    )
    ck.add_argument(
        "--store", default=None, help="read the reports from this report store instead of --progress"
    )
    ck.add_argument(
        "--vintage", default=None, help="with --store: the reports as known on this date, YYYY-MM-DD"
    )
    ck.add_argument(
        "--no-scale-check", action="store_true", help="accept values that look entered in the wrong unit (万)"
    )
    ck.add_argument(
        "--alpha",
        type=float,
        default=0.01,
        help="flag a report whose score (the model's tail probability of so unusual a report) is below "
        "this (default 0.01)",
    )
    ck.add_argument(
        "--out",
        default=None,
        help="also write the flags to this .csv or .xlsx file; an existing file is refused unless "
        "--overwrite",
    )
    ck.add_argument("--overwrite", action="store_true", help="replace an existing --out file")
    ck.set_defaults(allow_revisions=False)


def _flags_file(path: str | None, overwrite: bool, lang: str) -> Path | None:
    """Check, before any work, the --out file of check-reports: .csv or .xlsx, new unless --overwrite."""
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() not in (".csv", ".xlsx"):
        raise DataValidationError(_message("flags_out_suffix", lang, target=target))
    if target.is_dir():
        raise DataValidationError(
            _message("flags_out_folder", lang, target=target, example=target / "flags.csv")
        )
    if target.exists() and not overwrite:
        raise DataValidationError(_message("flags_out_exists", lang, target=target))
    _out_dir(str(target.parent), option=f"--out {target}: the folder")
    return target


def _same_file(first: str | None, second: str | None) -> bool:
    """Whether two paths of the command line name one existing or to-be-written file."""
    if not first or not second:
        return False
    a, b = Path(first), Path(second)
    if a.exists() and b.exists():
        return a.samefile(b)
    return a.resolve() == b.resolve()


def _check_reports(args: argparse.Namespace) -> int:
    from .integrity import check_reports
    from .report import flags_text

    started = time.perf_counter()
    asked = "zh" if getattr(args, "lang", None) == "zh" else "en"  # before the inputs decide the default
    if not 0 < args.alpha < 1:
        raise DataValidationError(_message("flags_alpha", asked, alpha=args.alpha))
    _check_store_options(args)
    for option in ("progress", "catalog"):
        if _same_file(args.out, getattr(args, option, None)):
            raise DataValidationError(
                f"--out {args.out} is the --{option} file itself: the flags table would replace it "
                "(nothing was run). Give the flags table its own file name."
            )
    out = _flags_file(args.out, args.overwrite, asked)
    args.allow_revisions = True  # a fall is flagged here, not refused (after the store check above)
    catalog, progress, note = _inputs(args)
    lang = _lang(args, catalog)
    if note:
        print(_message("synthetic", lang, width=_width(), seed=DEFAULT_SEED))
    with _busy("fitting the seasonal-share model and checking the reports"):
        flags = check_reports(progress, catalog, as_of=args.as_of, alpha=args.alpha)
    print(
        flags_text(
            flags, lang=lang, width=_width(), regions=catalog.regions, written=region_spelling(progress)
        ),
        end="",
    )
    if out is not None:
        if out.suffix.lower() == ".csv":
            flags.to_csv(out, index=False, encoding="utf-8-sig")
        else:
            flags.to_excel(out, index=False, sheet_name="flags")
        log.info(_message("wrote_in", lang, files=[out], seconds=time.perf_counter() - started))
    return 0


def _reader_options(args: argparse.Namespace) -> dict[str, Any]:
    """The progress reader's options from the command line, for every command that reads reports."""
    return {
        "allow_revisions": args.allow_revisions,
        "check_scale": not args.no_scale_check,
        "sheet": args.sheet,
    }


def _ingest(args: argparse.Namespace) -> int:
    from ._core.names import display_name
    from .store import ingest

    catalog = _load_catalog(args.catalog, args.catalog_sheet)
    lang = _lang(args, catalog)
    report = ingest(args.store, args.files, catalog, vintage=args.vintage, **_reader_options(args))
    width = _width()
    for done in report.files:
        if done.status == "ingested":
            fields: dict[str, Any] = {
                "n_new": done.n_new,
                "n_revised": done.n_revised,
                "n_unchanged": done.n_unchanged,
            }
            print(_message("ingested", lang, width=width, name=done.name, store=args.store, **fields))
        else:
            print(_message("already_ingested", lang, width=width, name=done.name, number=done.file_id))
    names = {"province": "全省" if lang == "zh" else "province"} | {
        str(r): display_name(zh, en, lang, r)
        for r, zh, en in zip(
            catalog.regions["region"], catalog.regions["name_zh"], catalog.regions["name_en"], strict=True
        )
    }
    if len(report.revisions):
        print(_message("revisions", lang, n=len(report.revisions)))
        for rev in report.revisions.itertuples(index=False):
            fields = {
                "series": f"{rev.indicator}/{names.get(rev.region, rev.region)}",
                "month": rev.month,
                "old": f"{rev.old_value:g}",
                "old_vintage": rev.old_vintage,
                "new": f"{rev.value:g}",
                "vintage": rev.vintage,
                "file": rev.file,
            }
            print(_message("revision", lang, **fields))
    if not report.changed:
        print(_message("store_unchanged", lang, width=width, store=args.store))
    return 0


def _store_changes(
    store: str, from_id: int | None = None, to_id: int | None = None, *, by_region: bool = False
) -> Any:
    """:func:`longjiang_forecast.store.changes` of two published forecasts, by default the last two."""
    from .store import changes, forecast_pair

    from_id, to_id = forecast_pair(store, from_id, to_id)
    with _busy(f"re-running forecasts {from_id} to {to_id} to split the changes"):
        return changes(store, from_id, to_id, by_region=by_region)


def _changes(args: argparse.Namespace) -> int:
    from ._core.names import display_name
    from .report import default_language
    from .report._text import status_word

    lang = args.lang or default_language()
    if args.news or args.out:
        return _news(args, lang)
    table = _store_changes(args.store, args.from_id, args.to_id, by_region=args.by_region)
    from_id, to_id = table.attrs["from_id"], table.attrs["to_id"]
    from .catalog import load_regions

    regions = load_regions()
    names = {"province": "全省" if lang == "zh" else "province"} | {
        str(r): display_name(zh, en, lang, r)
        for r, zh, en in zip(regions["region"], regions["name_zh"], regions["name_en"], strict=True)
    }
    shown = table if args.all else table[table["region"] == "province"]
    shown = shown[shown["change"].notna()].head(args.top)
    print(_message("changes", lang, width=_width(), from_id=from_id, to_id=to_id, n=len(shown)))
    for row in shown.itertuples(index=False):
        # shown to two decimals: a part of -0.001 is "+0.00", not "-0.00" (round, then lose the zero's sign)
        keys = ("p_from", "p_to", "change", "revisions", "news", "settings", "noise", "noise_se")
        fields = {k: round(float(getattr(row, k)), 2) + 0.0 for k in keys}
        print(
            _message(
                "change",
                lang,
                width=_width(),
                series=f"{row.indicator}/{names.get(row.region, row.region)}",
                status_from=status_word(row.status_from, lang),
                status_to=status_word(row.status_to, lang),
                **fields,
            )
        )
        parts = [
            (_message("as_of_part", lang) if name == "news_as_of" else names.get(name[5:], name[5:]), value)
            for name, value in row._asdict().items()
            if name.startswith("news_") and abs(value) >= 0.005
        ]
        if parts:
            text = _message("comma", lang).join(f"{who} {round(value, 2) + 0.0:+.2f}" for who, value in parts)
            print(_message("news_parts", lang, parts=text))
    return 0


def _news(args: argparse.Namespace, lang: str) -> int:
    """``changes --news``: the new reports against what the earlier forecast expected (store.news)."""
    from .catalog import load_regions
    from .report import render_news
    from .store import forecast_pair, news

    if not args.news:
        raise DataValidationError(
            "changes --out writes news.csv, the table of --news: add --news (the split of the change "
            "is printed only; nothing was run)."
        )
    if args.by_region:
        raise DataValidationError(
            "changes --news and --by-region are two different tables: give one of them (nothing was run)."
        )
    out = None if args.out is None else _out_dir(args.out, files=(NEWS_FILE,), overwrite=args.overwrite)
    from_id, to_id = forecast_pair(args.store, args.from_id, args.to_id)
    with _busy(f"rebuilding forecast {from_id} to read what it expected"):
        table = news(args.store, from_id, to_id)
    shown = table if args.all else table[table["region"] == "province"]
    fields = {"from_id": from_id, "to_id": to_id, "n": len(table), "shown": len(shown)}
    fields |= {"as_of_from": table.attrs["as_of_from"], "as_of_to": table.attrs["as_of_to"]}
    print(_message("news", lang, width=_width(), **fields))
    if len(shown):
        print(render_news(shown, lang=lang, width=_width(), regions=load_regions()), end="")
    if out is not None:
        table.to_csv(out / NEWS_FILE, index=False, encoding="utf-8-sig")
        print(_message("wrote", lang, width=_width(), files=[str(out / NEWS_FILE)]))
    return 0


#: What `changes --news --out` writes.
NEWS_FILE = "news.csv"
#: What `track-record` writes in --out: every forecast with its outcome, the scores, the reliability diagram.
TRACK_FILES = ("track_record.csv", "track_record_summary.csv", "track_record_reliability.png")


def _track_record(args: argparse.Namespace) -> int:
    from .report import default_language, render_track_record
    from .store import track_record

    lang = args.lang or default_language()
    width = _width()
    if args.vintage is not None:  # checked as the option it is, before any work
        from .store._vintage import parse_vintage

        parse_vintage(args.vintage, "--vintage")
    out = _out_dir(args.out, files=TRACK_FILES, overwrite=args.overwrite)
    with _busy("reading the published forecasts and their outcomes"):
        record = track_record(args.store, as_of_vintage=args.vintage)
    rows, summary = record.rows, record.summary
    counts = record.counts
    pending = rows[rows["state"] == "pending"]
    awaited = list(
        dict.fromkeys(
            f"{r.indicator}/{r.region} {r.as_of[:4]}-{r.deadline_month:02d}" for r in pending.itertuples()
        )
    )
    later = counts["after vintage"]
    fields = {
        "store": args.store,
        "n_pending": counts["pending"],
        "n_decided": counts["decided"],
        "later": (_message("track_later", lang, n=later) if later else "")
        + (_message("track_superseded", lang, n=counts["superseded"]) if counts["superseded"] else ""),
    }
    if not counts["scored"]:
        first = _message("track_awaited", lang, first=awaited[0]) if awaited else ""
        raise DataValidationError(_message("track_none", lang, n=len(rows), first=first, **fields))
    fields |= {
        "n_forecasts": counts["forecasts"],
        "models": ", ".join(dict.fromkeys(rows["model"])),
        "vintage": record.vintage,
        "n_scored": counts["scored"],
        "n_none": counts["no forecast"],
    }
    print(_message("track_record", lang, width=width, **fields))
    print(render_track_record(summary, lang=lang, width=width), end="")
    if awaited:
        more = _message("track_more", lang, n=len(awaited) - 8) if len(awaited) > 8 else ""
        print(
            _message(
                "track_pending", lang, width=width, n=len(awaited), series=", ".join(awaited[:8]), more=more
            )
        )
    rows.to_csv(out / TRACK_FILES[0], index=False, encoding="utf-8-sig")
    summary.to_csv(out / TRACK_FILES[1], index=False, encoding="utf-8-sig")
    _track_figure(rows, out / TRACK_FILES[2])
    print(_message("wrote", lang, width=width, files=[str(out / name) for name in TRACK_FILES]))
    return 0


def _track_figure(rows: pd.DataFrame, path: Path) -> Path:
    """Draw the CORP reliability diagram of each model's scored forecasts (every as-of month) into a PNG."""
    import numpy as np
    import xarray as xr
    from matplotlib.figure import Figure

    from .metrics import corp_reliability
    from .plots import corp_reliability_diagram

    scored = rows[rows["state"] == "scored"]
    models = list(dict.fromkeys(scored["model"]))
    fig = Figure(figsize=(4.2 * len(models), 4.4), layout="constrained")
    axes = np.atleast_1d(fig.subplots(1, len(models), squeeze=False)).ravel()
    for ax, model in zip(axes, models, strict=True):
        mine = scored[scored["model"] == model]
        ds = xr.Dataset(
            {"p_met": ("forecast", mine["p_met"].to_numpy(float)),
             "outcome_met": ("forecast", mine["outcome_met"].to_numpy(float))}
        )  # fmt: skip
        ax.set_title(f"{model}: published forecasts, every as-of month", fontsize=9)
        corp_reliability_diagram(corp_reliability(ds, seed=0), ax=ax, label=model)
    fig.savefig(path, dpi=120)
    return path


def _check_city(city: str | None, progress: str | None, *, allow_all: bool) -> None:
    """Refuse, before any work, a ``--city`` that is unknown or given without ``--progress pm25``."""
    from .progress._pm25 import PM25_FILES

    if city is None:
        return
    accepted = sorted(PM25_FILES) + (["all"] if allow_all else [])
    if progress != "pm25":
        raise DataValidationError(
            f"--city {city} only applies to --progress pm25, but --progress is "
            f"{progress if progress else 'not given'}. Drop --city, or add --progress pm25 (nothing was run)."
        )
    if city not in accepted:
        raise DataValidationError(
            f"--city: unknown city {city!r}. Accepted: {', '.join(accepted)} (nothing was run)."
        )


def _backtest_histories(args: argparse.Namespace) -> list[tuple[str, Any]]:
    from .progress import load_national_progress, load_pm25

    if args.progress == "national":
        return [("national", load_national_progress())]
    if args.progress == "pm25":
        from .progress._pm25 import PM25_FILES

        cities = sorted(PM25_FILES) if args.city in (None, "all") else [args.city]
        return [(f"pm25-{c}", load_pm25(c)) for c in cities]
    if args.progress == "families":
        from .testing.families import synthetic_families

        return [("families", synthetic_families(seed=args.seed))]
    raise ValueError(
        "The '--progress' option of backtest must be 'national', 'pm25' or 'families'. "
        f"Got {args.progress!r}."
    )


def _backtest_models(spec: str) -> tuple[list[str], list[str]]:
    """The models of ``backtest --model``, and those of 'all' skipped for want of their packages.

    A model named explicitly must be runnable (else the error says what to
    install); 'all' skips, with a note on stderr, the models whose packages are missing.
    """
    from .models import MODEL_REGISTRY, install_hint, missing_packages

    if spec != "all":
        return [_check_model(spec)], []
    names, skipped = [], []
    for name in MODEL_REGISTRY:
        missing = missing_packages(name)
        if missing:
            skipped.append(name)
            log.info(
                f"note: --model all: skipping {name}, which needs {' and '.join(missing)} (not installed). "
                f"Install it with: {install_hint(name)}"
            )
        else:
            names.append(name)
    return names, skipped


def _as_of_text(as_of: list[int] | list[str]) -> str:
    if as_of and isinstance(as_of[0], int) and list(as_of) == list(range(as_of[0], as_of[0] + len(as_of))):
        return f"months {as_of[0]}-{as_of[-1]}" if len(as_of) > 1 else f"month {as_of[0]}"
    return ",".join(map(str, as_of))


def _corp_figure(result: Any, path: Path, seed: Any) -> Path:
    """Draw the CORP reliability diagram of each data set and model of a backtest into a PNG."""
    import numpy as np
    import pandas as pd
    from matplotlib.figure import Figure

    from .backtesting import scored
    from .metrics import corp_reliability
    from .plots import corp_reliability_diagram

    ds = result.forecasts
    keys = pd.DataFrame({"dataset": ds["dataset"].values, "model": ds["model"].values})
    groups = keys.groupby(["dataset", "model"], sort=False).indices
    cols = min(len(groups), 3)
    rows = -(-len(groups) // cols)
    fig = Figure(figsize=(4.0 * cols, 4.2 * rows), layout="constrained")
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for ax, ((dataset, model), idx) in zip(axes, groups.items(), strict=False):
        part = ds.isel(forecast=np.asarray(idx))
        ax.set_title(f"{model} on {dataset}", fontsize=9)
        if not scored(part).any():
            ax.text(0.5, 0.5, "no forecast scored\n(no probability)", ha="center", va="center", fontsize=8)
            ax.set_axis_off()
            continue
        corp_reliability_diagram(corp_reliability(part, seed=seed), ax=ax, label=model)
    for ax in axes[len(groups) :]:
        ax.set_axis_off()
    fig.savefig(path, dpi=120)
    return path


#: The distinct reasons for no probability the comparability note names per model (most frequent first).
_REASONS_SHOWN = 3


def _prior_only_note(ds: Any) -> str | None:
    """A note where some backtest forecasts were made before any report of their year (the prior alone).

    On the national series about 40 % of the origins come before a year's first report; they weigh
    on every score without a word (a break-it pass).
    """
    import numpy as np

    scored = np.isfinite(np.asarray(ds["p_met"].values, dtype=float))
    before = (np.asarray(ds["last_month"].values) == 0) & scored
    if not before.any():
        return None
    return (
        f"note: {int(before.sum())} of the {int(scored.sum())} scored forecasts were made before any "
        "report of their year: they rest on the model's prior and earlier years alone, and weigh on every "
        "score. To score forecasts made from reports only, give --as-of months after the first report of "
        "each year."
    )


def _comparability_note(ds: Any, width: int = 100) -> str | None:
    """A note naming the models scored on fewer forecasts than others of their data set, and why."""
    from .backtesting import fewer_scored

    lines = []
    for row in fewer_scored(ds):
        reasons = "; ".join(f"{n}x: {text}" for text, n in row.reasons[:_REASONS_SHOWN])
        if len(row.reasons) > _REASONS_SHOWN:  # e.g. one per unstable fit, each with its own figures
            others = row.reasons[_REASONS_SHOWN:]
            reasons += (
                f"; and {sum(n for _, n in others)}x for {len(others)} other "
                f"reason{'s' if len(others) > 1 else ''} (the 'reason' variable of "
                "backtest.nc has each)"
            )
        head = (
            f"  {row.model} on {row.dataset}: no forecast scored (its row has no scores)"
            if row.n_scored == 0
            else f"  {row.model} on {row.dataset}: scored on {row.n_scored} of {row.n_made} forecasts "
            f"(others: {row.most})"
        )
        lines.append(_fill(f"{head}; no probability because {reasons}", width, indent=4))
    if not lines:
        return None
    return (
        _fill(
            "note: these models gave no probability for some forecasts, so their scores are not comparable "
            "with the others' (each model is scored on the forecasts it made; Brier and coverage differ with "
            "the series and months behind them). Compare models on a common set, e.g. a --model each with "
            "--as-of months where both forecast:",
            width,
        )
        + "\n"
        + "\n".join(lines)
    )


def _warn_worse(worse: list[tuple[str, float, float, int]], method: str, save_to: Path | None) -> None:
    for name, raw, after, n in worse:
        saved = (
            f" The map was saved to {save_to} as asked, but do not apply it: use the forecasts without "
            "recalibration, or refit on a longer backtest and check again."
            if save_to is not None
            else " Use the forecasts without recalibration."
        )
        print(
            f"warning: {method} recalibration makes the forecasts of {name} worse out of sample: "
            f"cross-fitted Brier {after:.3f} after recalibration against {raw:.3f} without, on {n} "
            "forecasts (each year recalibrated by a map fitted on the other years only). "
            f"The map is not recommended.{saved}",
            file=sys.stderr,
        )


def _no_map_message(result: Any, args: argparse.Namespace, written: str) -> str:
    """The message of `--save-calibration` when the map is refused (too few forecasts or one outcome)."""
    import numpy as np

    from .backtesting import scored
    from .calibration import MIN_FORECASTS, MIN_PER_CLASS

    ds = result.forecasts
    known = scored(ds)
    y = ds["outcome_met"].values[known]
    n, n_met = int(known.sum()), int(np.sum(y == 1))
    one_class = n > 0 and n_met in (0, n)
    advice = []
    all_years = args.years is None and not (args.as_of and isinstance(args.as_of[0], str))
    if one_class:
        which = "met" if n_met else "missed"
        data = "national target" if args.progress == "national" else "target"
        advice.append(
            f"Every {data} in these forecasts was {which}, so a map would send every probability to "
            f"{1 if n_met else 0}: there is no {'miss' if n_met else 'success'} to learn from."
        )
        if all_years:
            advice.append(
                "Every year with data is already used, so more as-of months cannot add the other outcome."
            )
        else:
            advice.append("Other years (--years) may hold the other outcome.")
    elif all_years:
        advice.append("Every year with data is already used; more as-of months (--as-of) add forecasts.")
    else:
        advice.append("Backtesting more years (--years) or as-of months (--as-of) adds forecasts.")
    advice.append(
        "`--progress families` (synthetic families with both outcomes) shows how a map is fitted and "
        "checked. Meanwhile use the forecasts without recalibration."
    )
    return (
        f"--save-calibration {args.save_calibration}: no recalibration map was saved: the backtest has "
        f"{n} scored forecasts ({n_met} met, {n - n_met} not met), and a map needs at least "
        f"{MIN_FORECASTS} with at least {MIN_PER_CLASS} of each outcome. {written} " + " ".join(advice)
    )


def _fill(text: str, width: int, indent: int = 0) -> str:
    """``text`` wrapped to ``width`` columns between words (a path or a hyphenated word stays whole).

    Lines after the first are indented by ``indent`` spaces.
    """
    return textwrap.fill(
        text, width, subsequent_indent=" " * indent, break_long_words=False, break_on_hyphens=False
    )


#: The files the backtest command writes to --out: the score table, the Dataset, the CORP diagrams.
BACKTEST_FILES = ("backtest_scores.csv", "backtest.nc", "backtest_reliability.png")


def _backtest(args: argparse.Namespace) -> int:
    from .backtesting import plan_origins, recalibration_verdicts, resolve_history, scored
    from .models import MODEL_REGISTRY
    from .pipeline import Backtest, backtest
    from .report import default_language, explain_scores, score_table

    if args.list_models:
        print("\n".join(MODEL_REGISTRY))
        return 0
    started = time.perf_counter()
    as_of, years = args.as_of, args.years
    # Every check that needs no data comes first: a mistake is reported before any fit, not after.
    if years is not None and isinstance(as_of[0], str):
        contiguous = len(years) > 1 and sorted(years) == list(range(min(years), max(years) + 1))
        span = f"{min(years)}-{max(years)}" if contiguous else ",".join(map(str, years))
        raise ValueError(
            f"--years {span} cannot be combined with --as-of given as YYYY-MM months "
            f"({','.join(as_of)}): those months fix their own years. Either drop --years, or give --as-of "
            f"as month numbers (e.g. --as-of 6 --years {span})."
        )
    if args.save_calibration and args.model == "all":
        raise ValueError(
            "--save-calibration needs one --model, not 'all': a recalibration map belongs to one model "
            "(nothing was run)."
        )
    _check_city(args.city, args.progress, allow_all=True)
    names, skipped = _backtest_models(args.model)
    out = _out_dir(args.out, files=BACKTEST_FILES, overwrite=args.overwrite)
    save_to = _new_file(args.save_calibration, "--save-calibration") if args.save_calibration else None
    if args.cache:
        _out_dir(args.cache, option="--cache", what="the cached fits (created if missing)")
    histories = _backtest_histories(args)
    for label, history in histories:  # the as-of months and years of every data set, before any fit
        try:
            plan_origins(*resolve_history(history), as_of, years)
        except (DataValidationError, ValueError) as err:
            raise DataValidationError(f"--as-of/--years on {label}: {err} (nothing was run)") from None
    parts = []
    client = _client(args)
    for label, history in histories:
        for name in names:
            parts.append(
                backtest(
                    history,
                    name,
                    as_of=as_of,
                    years=years,
                    n_draws=args.draws,
                    seed=args.seed,
                    n_jobs=args.jobs,
                    client=client,
                    include_decided=args.include_decided,
                    cache_dir=args.cache,
                    progress_bar=not (args.no_progress or args.quiet) and sys.stderr.isatty(),
                    label=label,
                    kinds=("annual_mean",) if args.progress == "pm25" else None,
                )
            )
    result = Backtest.concat(parts) if len(parts) > 1 else parts[0]
    refused: DataValidationError | None = None
    method: Literal["isotonic", "beta"] | None = args.recalibrate or (
        "isotonic" if save_to is not None else None
    )
    checked = None  # the backtest with cross-fitted (out-of-sample) recalibrated probabilities
    if method:  # also for --save-calibration alone: the map is checked out of sample before it is saved
        try:
            checked = result.recalibrated(method)
        except DataValidationError as err:  # too few forecasts or one class: keep the backtest's scores
            refused = err
    if args.recalibrate and checked is not None:
        result = checked
    table = result.table(by=("dataset", "model"))
    if args.recalibrate and refused is None:
        after = result.table(by=("dataset", "model"), p_var="p_met_recalibrated")
        table["brier_recalibrated"] = after["brier"].to_numpy()
        table["reliability_recalibrated"] = after["reliability"].to_numpy()
    left_out = f" ({', '.join(skipped)} skipped: not installed)" if skipped else ""
    n_made, n_scored = result.forecasts.sizes["forecast"], int(scored(result.forecasts).sum())
    width = _width()
    headline = (
        f"Backtest of {', '.join(names)}{left_out} on {args.progress}: "
        f"{n_made} forecasts with a known outcome made, {n_scored} scored (with a probability), "
        f"as of {_as_of_text(as_of)}, {args.draws} draws, seed {args.seed}. Key scores below (their "
        f"meaning and ideal value under the table); every score is in {out / 'backtest_scores.csv'}."
    )
    lang = args.lang or default_language()
    print(_fill(_said(headline, lang), width))
    text, shown = score_table(table, keys=("dataset", "model"), width=width)
    print(text, end="")
    left = [c for c in table.columns if c not in shown and c not in ("dataset", "model", "n_first_passage")]
    if left:
        print(_fill(_said(f"Only in {out / 'backtest_scores.csv'}: {', '.join(left)}.", lang), width))
    note = _comparability_note(result.forecasts, width)
    if note:
        print(note)
    prior = _prior_only_note(result.forecasts)
    if prior:
        print(_fill(_said(prior, lang), width))
    print(explain_scores(table, lang=lang, keys=("dataset", "model"), columns=shown), end="")
    table.to_csv(out / "backtest_scores.csv", index=False, encoding="utf-8-sig")
    ds = result.forecasts.copy()
    ds.attrs = {k: str(v) for k, v in ds.attrs.items()}
    ds.to_netcdf(out / "backtest.nc", engine="h5netcdf")
    figure = _corp_figure(result, out / BACKTEST_FILES[2], seed=args.seed)
    corp = f"The CORP reliability diagram of each data set and model, with its consistency band: {figure}"
    print(_fill(_said(corp, lang), width))
    written = f"The scores were written to {out / 'backtest_scores.csv'} and {out / 'backtest.nc'}."
    wrote = f"Wrote {out / 'backtest_scores.csv'}, {out / 'backtest.nc'} and {figure}"
    if refused is not None and args.recalibrate:
        log.info(f"{wrote} without recalibrated scores.")
        if save_to is not None:
            raise DataValidationError(
                f"{refused} No map was saved to {save_to} (--save-calibration): a map that cannot be "
                "checked out of sample is not saved with --recalibrate."
            )
        raise refused
    if save_to is not None:
        try:
            rec = result.fit_recalibrator(method or "isotonic")
        except DataValidationError as err:
            raise DataValidationError(_no_map_message(result, args, written)) from err
        rec.save(save_to)
        print(f"Saved the {rec.method} recalibration map of {names[0]} to {save_to}.")
        if refused is not None:
            print(
                f"warning: the map saved to {save_to} could not be checked out of sample (each year "
                f"recalibrated by a map fitted on the other years), so whether it improves the forecasts is "
                f"unknown: {refused} Treat it with caution.",
                file=sys.stderr,
            )
    if checked is not None and method:  # after the save, so that the warning is the last word on the map
        _warn_worse(recalibration_verdicts(checked.forecasts), method, save_to)
    files = [out / "backtest_scores.csv", out / "backtest.nc", figure]
    log.info(_message("wrote_in", lang, files=files, seconds=time.perf_counter() - started))
    return 0


class _Prefixed(logging.Formatter):
    """One line per message: notes as they are, ``warning: ...`` and ``debug: ...`` marked.

    Warnings are said in ``lang`` (:func:`_said`: ``警告：`` and the Chinese of known sentences).
    """

    def __init__(self, lang: str = "en") -> None:
        super().__init__()
        self.lang = lang

    def format(self, record: logging.LogRecord) -> str:
        text = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:  # e.g. the explorer's server on a failed page
            error = record.exc_info[1]
            text = f"{text}: {type(error).__name__}: {error}"
        if record.levelno >= logging.WARNING:
            return _said(text if text.startswith(("warning:", "error:")) else f"warning: {text}", self.lang)
        return f"debug: {text}" if record.levelno < logging.INFO else _said(text, self.lang)


class _Once(logging.Filter):
    """Let each distinct warning through once per command (a scenario run repeats the baseline's)."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        text = record.getMessage()
        if text in self.seen:
            return False
        self.seen.add(text)
        return True


#: The warnings a command has shown, in order (what the bulletin and run.json say again).
_SHOWN_WARNINGS: list[str] = []


def _show_warning(
    message: Warning | str, category: type[Warning], filename: str, lineno: int, *rest: Any, **kw: Any
) -> None:
    """``warnings.showwarning`` of the command line: one readable line, without the Python source line."""
    kind = "" if issubclass(category, UserWarning) else f"{category.__name__}: "
    log.warning("%s%s", kind, _record_warning(str(message)))


def _record_warning(message: str) -> str:
    """Keep a warning shown to the user, as one line, for the run's record; return that line."""
    line = " ".join(message.split())
    if line not in _SHOWN_WARNINGS:
        _SHOWN_WARNINGS.append(line)
    return line


@contextlib.contextmanager
def _messages(args: argparse.Namespace) -> Iterator[None]:
    """Send the command's messages and Python warnings to stderr, at the level of --quiet/--verbose."""
    handler = logging.StreamHandler(sys.stderr)
    from .report import default_language

    handler.setFormatter(_Prefixed(getattr(args, "lang", None) or default_language()))
    handler.addFilter(_Once())
    root = logging.getLogger("longjiang_forecast")
    level = logging.WARNING if args.quiet else logging.DEBUG if args.verbose else logging.INFO
    before = (root.level, root.propagate, warnings.showwarning)
    root.addHandler(handler)
    root.setLevel(level)
    root.propagate = False
    warnings.showwarning = _show_warning
    _SHOWN_WARNINGS.clear()
    try:
        yield
    finally:
        root.removeHandler(handler)
        root.level, root.propagate, warnings.showwarning = before


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (0 ok, 2 bad input, 130 interrupted by Ctrl-C)."""
    keep_freed_memory()  # the command owns its process: freed arrays are reused, not faulted in again
    parser = _parser()
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv = ["forecast", *argv]  # `forecast` is the default command
    _Parser.argv = argv
    args = parser.parse_args(argv)
    _check_kept_within_draws(parser, args)
    with _messages(args), _output_that_may_close():
        return _dispatch(args)


def run() -> NoReturn:
    """The ``longjiang-forecast`` command (and ``python -m longjiang_forecast``): :func:`main`, then exit.

    Once :func:`main` has returned, every file it wrote is closed (each is written in a ``with``)
    and nothing is left to do but Python's own shutdown, which frees every module and object of
    pandas, xarray, scipy and numba one by one: 0.25-0.3 s of the default job's 3.1 s, after its
    last line was printed (``benchmarks/default_job_stages.py``). The logging handlers and the
    standard streams are flushed here and the process ends at once (``os._exit``) with
    :func:`main`'s status. The usual shutdown is kept where something may still be running: a
    thread other than the main one (not a daemon), or a Dask client (``--scheduler``), whose
    connection it closes.

    Raises
    ------
    SystemExit
        With :func:`main`'s status, where the usual shutdown is kept.
    """
    import threading

    status = main()
    running = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon]
    if running or "distributed" in sys.modules:
        sys.exit(status)
    logging.shutdown()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader that closed the pipe (| head)
            stream.flush()
    os._exit(status)


class _QuietWhenClosed:
    """Standard output that goes quiet when its reader closes it, so that the command runs on.

    ``longjiang-forecast ... | head -3``: the table is printed before the files are written, and the
    closed pipe stopped the run with ``error: [Errno 32] Broken pipe`` and no file. Once a write or
    flush meets a closed pipe, the rest of the output goes to ``os.devnull``; everything else is
    the stream's own (:func:`_output_that_may_close`).
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.closed_early = False

    def write(self, text: str) -> int:
        if not self.closed_early:
            try:
                return int(self._stream.write(text))
            except BrokenPipeError:
                self._go_quiet()
        return len(text)

    def flush(self) -> None:
        if not self.closed_early:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._go_quiet()

    def _go_quiet(self) -> None:
        self.closed_early = True
        with contextlib.suppress(OSError, ValueError):  # a stream without a descriptor (a test's capture)
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _output_that_may_close() -> Iterator[None]:
    """Run a command with :class:`_QuietWhenClosed` as ``sys.stdout`` (restored afterwards)."""
    stream = sys.stdout
    sys.stdout = _QuietWhenClosed(stream)
    try:
        yield
    finally:
        sys.stdout = stream


#: The output folders this command created (the topmost new one of each); see _remove_if_empty.
_CREATED: list[Path] = []


def _remove_if_empty(folders: list[Path]) -> None:
    """Remove the folders a failed command created where it wrote nothing (they hold empty folders only)."""
    for top in folders:
        inside = sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True)
        if any(not p.is_dir() for p in inside):
            continue
        for folder in [*inside, top]:
            with contextlib.suppress(OSError):
                folder.rmdir()


#: SQLite's words for a store it may not write (the file or its folder read-only, no such folder):
#: the store itself is fine, so its message must not send the user to a backup.
_UNWRITABLE_STORE = ("readonly database", "unable to open database file", "read-only file system")


def _store_error_line(err: Exception, store: str) -> str:
    """The one line of a failed report store operation: what to do, by what SQLite said."""
    if any(words in str(err).lower() for words in _UNWRITABLE_STORE):
        return (
            f"error: report store {store}: {err}: the store, or its folder, cannot be written (read-only, "
            "or the folder does not exist). Nothing was changed; the store is not damaged. Make the file "
            "and its folder writable, or give a --store in a folder you can write to."
        )
    return (
        f"error: report store {store}: {err}. Nothing was changed (every write is one transaction); if "
        "another program has the store open, close it and run the command again; if none has, the store "
        "file is damaged: restore it from a backup."
    )


def _dispatch(args: argparse.Namespace) -> int:
    _CREATED.clear()
    status = 1  # an exception that is a bug keeps its traceback, and the empty folders go too
    try:
        status = _command(args)
    finally:
        if status != 0:
            _remove_if_empty(list(_CREATED))
        _CREATED.clear()
    return status


def _said(line: str, lang: str) -> str:
    """A ``warning: ...``, ``error: ...`` or ``note: ...`` line in ``lang``.

    In Chinese: ``警告：``, ``错误：``, ``注意：`` and the sentences
    :func:`longjiang_forecast.report._text.in_chinese` knows; in English as it is.
    """
    if lang != "zh":
        return line
    from .report._text import in_chinese

    for english, chinese in (("warning: ", "警告："), ("error: ", "错误："), ("note: ", "注意：")):
        if line.startswith(english):
            return chinese + in_chinese(line[len(english) :])
    return in_chinese(line)


def _error_line(err: Exception, args: argparse.Namespace) -> str:
    """``error: ...`` in the language of ``--lang`` (else the locale's)."""
    text = str(err)
    if isinstance(err, OSError) and err.filename and text.startswith("[Errno"):  # the system's own words
        fix = _OS_ERROR_FIX.get(err.errno or 0, "check the path and that it can be read or written")
        text = f"{err.filename}: {err.strerror or text}; {fix} (nothing more was written)."
    return _said(f"error: {text}", _error_language(args))


def _error_language(args: argparse.Namespace) -> str:
    """The language of an error line: ``--lang``, else the locale's."""
    from .report import default_language

    return str(getattr(args, "lang", None) or default_language())


#: What to do about an operating system's refusal to read or write a file the user named.
_NOT_YOURS = "the file or its folder may not be written or read by you: choose a folder you can write to"
_OS_ERROR_FIX = {
    errno.EACCES: _NOT_YOURS,
    errno.EPERM: _NOT_YOURS,
    errno.EROFS: "the disk is read-only: choose a folder on a disk you can write to",
    errno.ENAMETOOLONG: "the name is too long for this system: give a shorter file or folder name",
    errno.ENOSPC: "the disk is full: free some space, or choose a folder on another disk",
}


def _command(args: argparse.Namespace) -> int:
    commands = {
        "forecast": _forecast,
        "report": _report,
        "scenarios": _scenarios,
        "serve": _serve,
        "backtest": _backtest,
        "template": _template,
        "next-year": _next_year,
        "ingest": _ingest,
        "changes": _changes,
        "track-record": _track_record,
        "check-reports": _check_reports,
    }
    try:
        return commands[args.command](args)
    except (DataValidationError, ValueError, OSError) as err:
        # a user's file or flag: our message (file, row, field, fix) without a traceback;
        # any other exception is a bug and keeps its traceback
        print(_error_line(err, args), file=sys.stderr)
        return 2
    except sqlite3.Error as err:  # a report store another program holds or broke while we read it
        print(
            _said(_store_error_line(err, getattr(args, "store", "")), _error_language(args)), file=sys.stderr
        )
        return 2
    except KeyboardInterrupt:
        # Ctrl-C: one line and the shell's status for SIGINT (128 + 2), not a traceback
        print(
            f"interrupted: '{args.command}' stopped before it finished; results it had not written yet "
            "were not written.",
            file=sys.stderr,
        )
        return 130


if __name__ == "__main__":  # pragma: no cover
    run()
