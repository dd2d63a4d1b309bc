"""Time a hierarchical (PyMC + nutpie) fit and refits of the same structure in one process (issue 14).

Run ``python benchmarks/hierarchical_refit.py``. Two count indicators of the 2024
catalogue, province and 13 prefectures with three earlier years of synthetic
progress (one counts model, 2 families x 14 regions x 4 years): a first fit, a refit
on other data of the same shape (another seed: a monthly rerun), and a refit one
month later (a backtest's next origin: more reports, same series-years). Ends
with one JSON line: ``first_fit_s``, ``refit_other_data_s``, ``refit_next_month_s``, each
with its sampling time alone (``*_sampling_s``): a refit's time beyond it is what compiling
would add (nothing now) and the bookkeeping.
"""

from __future__ import annotations

import json
import time
import warnings

import longjiang_forecast as lf
from longjiang_forecast.models import HierarchicalModel
from longjiang_forecast.testing import synthetic_progress

INDICATORS = ["09a", "13a"]


def _fit_s(catalog, seed: int, as_of: str) -> tuple[float, float]:
    """Seconds of one fit, and of its sampling alone (nutpie's run, as the posterior's attrs say)."""
    progress = synthetic_progress(catalog, seed=seed, as_of=as_of)
    model = HierarchicalModel(seed=0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(progress, catalog=catalog, as_of=as_of)
    return time.perf_counter() - start, float(model.idata_["counts"].posterior.attrs["sampling_time"])


def main() -> None:
    catalog = lf.load_catalog(2024).subset(INDICATORS)
    times = {}
    for name, seed, as_of in (("first_fit", 1, "2024-06"), ("refit_other_data", 2, "2024-06"),
                              ("refit_next_month", 2, "2024-07")):  # fmt: skip
        times[f"{name}_s"], times[f"{name}_sampling_s"] = _fit_s(catalog, seed, as_of)
    for key, value in times.items():
        print(f"{key:>20}: {value:6.1f} s")
    print(json.dumps({k: round(v, 2) for k, v in times.items()}))


if __name__ == "__main__":
    main()
