"""Where the README's main job spends its time: each stage of ``longjiang-forecast``, timed in the job.

Run ``python benchmarks/default_job_stages.py [ARGS]`` with the Python of an environment made by
the README's first command (``pip install .``) to time ``longjiang-forecast ARGS`` (default: the
main job, into a fresh temporary ``--out``) in this process: the command line's own import, the
lazy imports of the models, pipeline and report, and then each stage of the run (reading the
inputs, the fit, the simulation and summaries, the table, ``forecast.nc`` and within it the
threaded deflate of the large variables, the workbook). Ends with one JSON line of seconds, on
standard error (the job prints its table on standard output). The
whole job's wall time, start-up included, is ``e2e_default_s`` of ``benchmarks/run.py``; this
script says where it goes (issue 14: the default job under 3 s).
"""

from __future__ import annotations

import functools
import importlib
import json
import sys
import tempfile
import time
from typing import Any

START = time.perf_counter()
from longjiang_forecast import cli  # noqa: E402

IMPORTED = time.perf_counter()
LAZY = ("longjiang_forecast.models", "longjiang_forecast.pipeline", "longjiang_forecast.report")

#: (module, class or None, function, label) of the stages timed.
STAGES = (
    ("longjiang_forecast.cli", None, "_inputs", "inputs"),
    ("longjiang_forecast.models.seasonal_share", "SeasonalShareModel", "fit", "fit"),
    ("longjiang_forecast.pipeline._forecast", None, "_simulate_forecast", "simulate"),
    ("longjiang_forecast.pipeline._results", "Forecast", "table", "table"),
    ("longjiang_forecast.cli", None, "_print_table", "print_table"),
    ("longjiang_forecast.pipeline._results", "Forecast", "to_netcdf", "netcdf"),
    ("longjiang_forecast._forecast_io", None, "_write_deflated", "netcdf_deflate"),
    ("longjiang_forecast.report", None, "write_workbook", "workbook"),
)


def timed(owner: Any, name: str, label: str, seconds: dict[str, float]) -> None:
    """Replace ``owner.name`` by a wrapper adding its run time to ``seconds[label]``."""
    inner = getattr(owner, name)

    @functools.wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        began = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            seconds[label] = seconds.get(label, 0.0) + time.perf_counter() - began

    setattr(owner, name, wrapper)


def main(argv: list[str]) -> None:
    seconds: dict[str, float] = {"cli_import": IMPORTED - START}
    began = time.perf_counter()
    for module in LAZY:
        importlib.import_module(module)
    seconds["lazy_imports"] = time.perf_counter() - began
    for module, cls, name, label in STAGES:
        mod = importlib.import_module(module)
        timed(getattr(mod, cls) if cls else mod, name, label, seconds)
    with tempfile.TemporaryDirectory() as out:
        args = argv or ["--out", out]
        began = time.perf_counter()
        try:
            cli.main(args)
        except SystemExit as done:
            if done.code:
                raise
        seconds["run"] = time.perf_counter() - began
    seconds["total_in_process"] = time.perf_counter() - START
    print(json.dumps({k: round(v, 3) for k, v in seconds.items()}), file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1:])
