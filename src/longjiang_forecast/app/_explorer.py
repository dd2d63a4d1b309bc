"""What the explorer's pages show, computed from one fit: the tables, the scenario re-run, planning, changes.

Everything here is plain pandas (no Dash): the pages call these methods, and the tests
and the timing of docs/explorer.md call the same ones.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from .._core.names import indicator_names, region_spelling
from ..pipeline import ScenarioComparison, ScenarioRunner
from ..report import rounded_table
from ..report._console import region_label
from ..report._text import in_chinese, status_word
from ..scenarios import Effect, Scenario, baseline_scenario, parse_scenario

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Paths kept by a scenario re-run: P(met) and its standard error stream over every draw, so the
#: page's re-run keeps one path (no copy of thousands of paths per change of a control).
RERUN_KEEP_PATHS = 1


@dataclass
class Explorer:
    """The fitted model of the explorer and what its pages show.

    Attributes
    ----------
    runner : ScenarioRunner
        The model fitted at start-up, its parameter draws and the baseline.
    progress : xarray.Dataset
        The reports it was fitted on.
    lang : {"zh", "en"}
        Language of the pages.
    n_draws, seed : int
        The run's draws and seed (a saved scenario's command line repeats them).
    out : Path
        Folder where the scenario page saves its files.
    store : str or None
        The report store the reports came from, for what changed since the last forecast.
    overwrite : bool
        Whether the scenario page's "replace an existing file" starts ticked (``serve --overwrite``).
    """

    runner: ScenarioRunner
    progress: xr.Dataset
    lang: str
    n_draws: int
    seed: int
    out: Path
    store: str | None = None
    overwrite: bool = False
    _runs: Any = field(default_factory=lambda: itertools.count(1), repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def start(
        cls,
        progress: xr.Dataset,
        catalog: Catalog,
        *,
        lang: str,
        n_draws: int,
        seed: int,
        out: Path,
        store: str | None = None,
        overwrite: bool = False,
        **run: Any,
    ) -> Explorer:
        """Fit the model, draw its parameters and simulate the baseline: what every page reuses.

        Parameters
        ----------
        progress : xarray.Dataset
            The reports.
        catalog : Catalog
        lang, n_draws, seed, out, store, overwrite
            As the attributes.
        **run
            ``as_of``, ``model``, ``n_jobs``, ``keep_paths``: as for
            :class:`~longjiang_forecast.pipeline.ScenarioRunner`.
        """
        runner = ScenarioRunner(progress, catalog, n_draws=n_draws, seed=seed, **run)
        explorer = cls(runner, progress, lang, n_draws, seed, Path(out), store, overwrite)
        explorer.attainment()
        # A first re-run now, so that the page's first one is as fast as the next: it simulates the
        # re-runs' baseline and loads what the engine loads on its first scenario.
        warm_up = Scenario(name="warm-up", description="", year=explorer.year, effects=(Effect(type="push"),))
        runner.run(warm_up, keep_paths=RERUN_KEEP_PATHS)
        return explorer

    @property
    def catalog(self) -> Any:
        """The catalogue of the run."""
        return self.runner.catalog

    @property
    def year(self) -> int:
        """The catalogue's year."""
        return int(self.catalog.year)

    def message(self, text: str) -> str:
        """A message of the library (English) in the pages' language, as the command line says it."""
        return in_chinese(text) if self.lang == "zh" else text

    def with_names(self, table: pd.DataFrame) -> pd.DataFrame:
        """``table`` with the columns ``name`` and ``region_name`` in the pages' language."""
        if "names" not in self._cache:
            written = region_spelling(self.progress)  # region names as the progress file writes them
            regions = {str(r) for r in self.runner.baseline.summary["region"].values}
            labels = {r: region_label(r, self.lang, self.catalog.regions, written) for r in regions}
            self._cache["names"] = (self.indicator_names(), labels)
        names, labels = self._cache["names"]
        out = table.copy()
        out.insert(1, "name", [names.get(str(i), str(i)) for i in out["indicator"]])
        out.insert(3, "region_name", [labels.get(str(r), str(r)) for r in out["region"]])
        return out

    def indicator_names(self) -> dict[str, str]:
        """Indicator id -> its name in the pages' language."""
        return indicator_names(self.catalog, self.lang)

    def attainment(self) -> pd.DataFrame:
        """The attainment table of the baseline, as ``attainment.csv`` rounds it, with names and status words.

        Returns
        -------
        pandas.DataFrame
            One row per series forecast: ``indicator``, ``name``, ``region``, ``region_name``,
            ``target``, ``observed``, ``p_met``, ``p_met_se``, ``median``, ``deadline``,
            ``status`` (the band's code) and ``status_word`` (its name in the pages' language).
        """
        if "attainment" not in self._cache:
            table = rounded_table(self.runner.baseline.table())
            table = table[table["status"] != "no forecast"]
            cols = ["indicator", "region", "target", "observed", "p_met", "p_met_se", "median", "deadline",
                    "status"]  # fmt: skip
            table = self.with_names(table[cols].reset_index(drop=True))
            table["status_word"] = [status_word(s, self.lang) for s in table["status"]]
            self._cache["attainment"] = table
        return self._cache["attainment"]

    def scenario(self, data: dict[str, Any]) -> Scenario:
        """The scenario of the page's data, checked as its file would be (``parse_scenario``).

        Raises
        ------
        DataValidationError
            With the loader's message; the source named is ``"the scenario page"``.
        """
        if not data["effects"]:
            return baseline_scenario(self.year)
        return parse_scenario(data, catalog=self.catalog, source="the scenario page")

    def recompute(self, scenario: Scenario) -> tuple[pd.DataFrame, float, int]:
        """P(met) of every series under ``scenario`` against the baseline, on the fitted model's draws.

        The numbers of ``longjiang-forecast scenarios FILE`` with the run's ``--seed`` and
        ``--draws`` (the same :class:`ScenarioRunner` route, the same rounding as
        ``scenario_comparison.csv``).

        Returns
        -------
        table : pandas.DataFrame
            One row per series: ``indicator``, ``name``, ``region``, ``region_name``,
            ``p_baseline``, ``p_scenario``, ``change`` (scenario - baseline) and
            ``change_se`` (the Monte Carlo standard error of the change; 0 for a series no
            effect touches, which keeps the baseline's number exactly), ``touched``.
        seconds : float
            Wall time of the re-run and the table.
        run : int
            The number of this re-run since start-up.
        """
        started = time.perf_counter()
        with self._lock:  # one re-run at a time: the threads are the engine's
            result = self.runner.run(scenario, keep_paths=RERUN_KEEP_PATHS)
        name = scenario.name
        forecasts = {"baseline": self.runner.baseline} | ({} if name == "baseline" else {name: result})
        table = rounded_table(ScenarioComparison(forecasts=forecasts).table())
        base = table[table["scenario"] == "baseline"].reset_index(drop=True)
        mine = table[table["scenario"] == name].reset_index(drop=True)
        frame = pd.DataFrame(
            {
                "indicator": mine["indicator"],
                "region": mine["region"],
                "p_baseline": base["p_met"],
                "p_scenario": mine["p_met"],
                "change": mine["delta_vs_baseline"],
                "change_se": mine["delta_se"],
                "touched": mine["touched"],
            }
        )
        frame = self.with_names(frame[frame["p_scenario"].notna()].reset_index(drop=True))
        return frame, time.perf_counter() - started, next(self._runs)

    def next_year(self, prob: float) -> tuple[list[str], list[list[str]]]:
        """Next year's target of every province series met with probability ``prob`` (planning).

        Returns
        -------
        header : list of str
            The bulletin's columns of next year's targets in the pages' language, the
            target's column named by ``prob`` (``80%``).
        rows : list of list of str
            One row per province series, as the bulletin writes it (units, rounding, notes).
        """
        key = ("next_year", float(prob))
        if key not in self._cache:
            from ..planning import next_year_targets
            from ..report._bulletin import _deadline_medians, _next_year

            ds = next_year_targets(self.runner.baseline, self.progress, probs=(float(prob),))
            baseline = self.runner.baseline
            section = _next_year(
                ds, self.lang, _deadline_medians(baseline), list(baseline.table()["indicator"])
            )
            self._cache[key] = (section["header"], [[c["text"] for c in row] for row in section["rows"]])
        return self._cache[key]

    def changes(self) -> tuple[pd.DataFrame | None, str]:
        """What changed between the store's last two published forecasts, and a line saying which.

        Returns
        -------
        table : pandas.DataFrame or None
            :func:`longjiang_forecast.store.changes` (rows of every series), or None without
            a store or with fewer than two published forecasts.
        note : str
            Which forecasts are compared, or why there is no table (the store's own message).
        """
        from .._core.exceptions import DataValidationError
        from ._words import word

        if self.store is None:
            return None, word("changes_none", self.lang)
        if "changes" not in self._cache:
            from ..store import changes, forecast_pair

            try:
                a, b = forecast_pair(self.store, None, None)
                self._cache["changes"] = (
                    changes(self.store, a, b),
                    word("changes_from_to", self.lang, a=a, b=b),
                )
            except DataValidationError as err:
                self._cache["changes"] = (None, self.message(str(err)))
        return self._cache["changes"]
