"""Numbers pinned before the layout moves of issue 18: the default job's attainment table and a backtest.

A move of code (modules split, helpers merged, the model contract unified) must leave every
number the same bit for bit. The two files in ``tests/data/`` were written by :func:`write_pins`
(``PYTHONPATH=src python tests/end_to_end/test_pinned_through_the_move.py``) in the commit that added
them; a change of a model's arithmetic on purpose rewrites them, and the commit says why.

- ``pinned_default_attainment.csv``: ``Forecast.table()`` of the README's default job (the 2024
  list, synthetic progress of seed 2024, 4,000 draws, seed 2024), every row and column;
- ``pinned_backtest_national.csv``: the per-forecast scores of ``backtest`` on the bundled
  national series (seasonal-share model, 400 draws, seed 7).
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast.testing import synthetic_progress

DATA = Path(__file__).parents[1] / "data"
ATTAINMENT = DATA / "pinned_default_attainment.csv"
BACKTEST = DATA / "pinned_backtest_national.csv"


def default_table() -> pd.DataFrame:
    catalog = lf.load_catalog(2024)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lf.forecast(synthetic_progress(catalog, seed=2024), catalog, n_draws=4000, seed=2024)
    return result.table().reset_index(drop=True)


def backtest_table() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = lf.backtest(lf.load_national_progress(), "seasonal_share", n_draws=400, seed=7)
    scores = result.forecasts
    names = [v for v in scores.data_vars if scores[v].dims == ("forecast",)]
    coords = [c for c in scores.coords if scores[c].dims == ("forecast",)]
    table = scores[[*coords, *names]].to_dataframe().reset_index(drop=True)
    table["dataset"] = [Path(str(d)).name for d in table["dataset"]]  # the file, not this clone's path
    return table


def _csv(table: pd.DataFrame) -> str:
    """The table as the pinned files hold it: numbers with 17 significant digits (they round-trip)."""
    return table.to_csv(index=False, float_format="%.17g", na_rep="<NA>", lineterminator="\n")


def _same(got: pd.DataFrame, path: Path) -> None:
    """Every cell as pinned, numbers bit for bit; on a difference, the first differing line."""
    mine, pinned = _csv(got).splitlines(), path.read_text(encoding="utf-8").splitlines()
    assert mine[0] == pinned[0], "columns differ"
    for number, (a, b) in enumerate(zip(mine, pinned, strict=False), start=1):
        assert a == b, f"{path.name} line {number}:\n got    {a}\n pinned {b}"
    assert len(mine) == len(pinned), f"{len(mine)} lines against {len(pinned)} pinned"


def test_default_job_attainment_table_is_as_pinned() -> None:
    _same(default_table(), ATTAINMENT)


@pytest.mark.slow
def test_backtest_scores_are_as_pinned() -> None:
    _same(backtest_table(), BACKTEST)


def write_pins() -> None:
    """Write both files from the code as it is (run by hand, never by the tests)."""
    DATA.mkdir(exist_ok=True)
    ATTAINMENT.write_text(_csv(default_table()), encoding="utf-8")
    BACKTEST.write_text(_csv(backtest_table()), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(write_pins())
