"""Time the explorer's scenario re-run: P(met) of the whole 2024 list at 4,000 draws (issue 20).

Run ``python benchmarks/explorer_recompute.py``. It starts the explorer as
``longjiang-forecast serve`` does (the bundled 2024 list on its synthetic progress, seed
2024, 4,000 draws, 2 threads), then calls the function the scenario page calls,
:meth:`longjiang_forecast.app.Explorer.recompute`, five times on each shipped scenario
and on all five effects of the page at their starting values. Ends with one JSON line:
the start-up seconds and, per scenario, the median and the largest of the five re-runs.
"""

from __future__ import annotations

import json
import statistics
import time
import warnings
from pathlib import Path
from tempfile import mkdtemp

import longjiang_forecast as lf
from longjiang_forecast.app import Explorer
from longjiang_forecast.app._scenario_form import CONTROLS, control_ids, scenario_data
from longjiang_forecast.scenarios import load_scenario
from longjiang_forecast.testing import synthetic_progress

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ("funding-delay", "early-winter", "year-end-push", "stress")


def main() -> None:
    warnings.simplefilter("ignore")
    catalog = lf.load_catalog(2024)
    progress = synthetic_progress(catalog, seed=2024)
    started = time.perf_counter()
    ex = Explorer.start(progress, catalog, lang="en", n_draws=4000, seed=2024, out=Path(mkdtemp()), n_jobs=2)
    startup = time.perf_counter() - started
    scenarios = {
        name: load_scenario(ROOT / "scenarios" / f"{name}.toml", catalog=catalog) for name in SHIPPED
    }
    values = {(e, k): CONTROLS[e].get(k) for e, k in control_ids()}
    values |= {(e, "on"): ["on"] for e in CONTROLS} | {(e, "regions"): [] for e in CONTROLS}
    scenarios["all five effects"] = ex.scenario(scenario_data(values, name="page", year=2024))
    times = {}
    for name, scenario in scenarios.items():
        seconds = [ex.recompute(scenario)[1] for _ in range(5)]
        times[name] = {"median_s": round(statistics.median(seconds), 2), "max_s": round(max(seconds), 2)}
        print(f"{name}: {times[name]}", flush=True)
    series = len(ex.recompute(scenarios["stress"])[0])
    print(json.dumps({"startup_s": round(startup, 1), "series": series, "draws": 4000, "recompute": times}))


if __name__ == "__main__":
    main()
