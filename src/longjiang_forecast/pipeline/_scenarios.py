"""Scenarios from one fit: a fitted model and its draws re-run under each scenario against one baseline."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd
import xarray as xr

from .._core.checks import check_count
from .._core.exceptions import DataValidationError
from .._core.rng import SeedLike
from ..scenarios import Scenario
from ._forecast import (
    _as_progress,
    _data_provenance,
    _fit_and_draw,
    _Run,
    _scenario,
    _simulate_forecast,
    check_keep_paths,
)
from ._results import Forecast, ScenarioComparison

if TYPE_CHECKING:
    from ..catalog import Catalog


class ScenarioRunner:
    """A model fitted once, with its parameter draws, to run scenarios against one baseline.

    What :func:`compare_scenarios` does for a list of files, kept for re-runs: the
    web explorer (``longjiang-forecast serve``) fits at start-up and re-runs the
    scenario set in the page on the same draws and seeds, so its numbers are those
    of ``longjiang-forecast scenarios FILE`` with the same ``--seed`` and ``--draws``.

    Parameters
    ----------
    progress, catalog, as_of, model, n_draws, seed, n_jobs, keep_paths, client
        As for :func:`forecast` (progress also as a DataFrame or file).

    Attributes
    ----------
    baseline : Forecast
        The year with no effects, with ``keep_paths`` kept paths.

    Raises
    ------
    DataValidationError
        If the progress data and the catalogue do not fit together.
    """

    def __init__(
        self,
        progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str],
        catalog: Catalog,
        *,
        as_of: Any = None,
        model: Any = None,
        n_draws: int = 4000,
        seed: SeedLike = None,
        n_jobs: int = 1,
        keep_paths: int | None = None,
        client: Any = None,
    ) -> None:
        progress = _as_progress(progress, catalog)
        check_keep_paths(keep_paths)
        check_count("ScenarioRunner", "n_jobs", n_jobs, note="the number of threads")
        model, self._chunks, ss, path_seed, scenario_seed = _fit_and_draw(
            progress, catalog, as_of, model, n_draws, seed
        )
        self._run = _Run(
            model, progress, catalog, ss, path_seed, scenario_seed, n_jobs, None, keep_paths, client
        )
        self._provenance = _data_provenance(progress, catalog)
        self._baselines: dict[int | None, Forecast] = {}
        self.baseline = self._baseline(keep_paths)

    @property
    def catalog(self) -> Any:
        """The catalogue the model was fitted with."""
        return self._run.catalog

    def _baseline(self, keep_paths: int | None) -> Forecast:
        """The baseline with ``keep_paths`` kept paths (simulated once per setting)."""
        if keep_paths not in self._baselines:
            run = replace(self._run, keep_paths=keep_paths)
            self._baselines[keep_paths] = self._stamped(_simulate_forecast(self._chunks, run, None, None))
        return self._baselines[keep_paths]

    def _stamped(self, result: Forecast) -> Forecast:
        for obj in (result.summary, result.paths):
            obj.attrs.update(self._provenance)
        return result

    def run(self, scenario: Any, *, keep_paths: int | Literal["same"] | None = "same") -> Forecast:
        """Forecast the year under a scenario, on the fitted model's draws and the run's seeds.

        Parameters
        ----------
        scenario : Scenario or str or path
            A :class:`~longjiang_forecast.scenarios.Scenario` or a scenario TOML file;
            one named ``"baseline"`` (no effects) returns the baseline.
        keep_paths : int or None, optional
            Paths kept (as for :func:`forecast`); default the runner's. Fewer paths
            make a re-run faster; P(met) and its standard error do not depend on it.

        Returns
        -------
        Forecast
            Its summary's ``scenario_touched`` marks the series an effect can change;
            the others carry the baseline's numbers exactly.

        Raises
        ------
        DataValidationError
            If the scenario file is invalid.
        """
        scenario = _scenario(scenario, self.catalog)
        keep = self._run.keep_paths if keep_paths == "same" else keep_paths
        baseline = self._baseline(keep)
        if scenario.name == "baseline":
            return baseline
        run = replace(self._run, keep_paths=keep)
        return self._stamped(_simulate_forecast(self._chunks, run, scenario, baseline))


def compare_scenarios(
    progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str],
    catalog: Catalog,
    scenarios: Any,
    *,
    as_of: Any = None,
    model: Any = None,
    n_draws: int = 4000,
    seed: SeedLike = None,
    n_jobs: int = 1,
    keep_paths: int | None = None,
    client: Any = None,
) -> ScenarioComparison:
    """Forecast the year under each scenario, against the baseline, from one fit.

    Parameters
    ----------
    progress, catalog, as_of, model, n_draws, seed, n_jobs, keep_paths, client
        As for :func:`forecast` (progress also as a DataFrame or file); the model
        is fitted once and its parameter draws are shared by every scenario
        (:class:`ScenarioRunner`).
    scenarios : iterable of Scenario or path, or one Scenario or path
        Scenarios or scenario TOML files (one alone is read as a list of one). The
        baseline (no effects) is always computed first; a file named ``"baseline"``
        (which cannot have effects) adds nothing.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    DataValidationError
        If a scenario file is invalid, given twice, or two scenarios share a name.
    """
    progress = _as_progress(progress, catalog)
    check_keep_paths(keep_paths)
    check_count("compare_scenarios", "n_jobs", n_jobs, note="the number of threads")
    if isinstance(scenarios, str | os.PathLike | Scenario):  # one file, not its characters
        scenarios = [scenarios]
    if not isinstance(scenarios, Iterable):
        raise TypeError(
            f"compare_scenarios: scenarios must be Scenarios or scenario files (.toml), one or a list, "
            f"got {type(scenarios).__name__}: e.g. ['funding-delay.toml', 'early-winter.toml']."
        )
    # Read (and checked) before the fit. The baseline is always the year with no effects; a file
    # named "baseline" can only be that.
    loaded = [x for x in (_scenario(s, catalog) for s in scenarios) if x.name != "baseline"]
    names = [s.name for s in loaded]
    sources = [os.path.realpath(s.source) for s in loaded if s.source]
    repeated = sorted({p for p in sources if sources.count(p) > 1})
    if repeated:
        raise DataValidationError(
            f"The scenario file {repeated[0]} is given {sources.count(repeated[0])} times: give each file "
            "once (nothing was run)."
        )
    if len(set(names)) != len(names):
        twice = sorted({n for n in names if names.count(n) > 1})
        where = "; ".join(
            f"{n!r} in " + ", ".join(s.source or "(a Scenario object)" for s in loaded if s.name == n)
            for n in twice
        )
        raise DataValidationError(
            f"Scenario names must be unique; got {names} ({where}). Change the 'name' in one of those files."
        )
    runner = ScenarioRunner(
        progress, catalog, as_of=as_of, model=model, n_draws=n_draws, seed=seed, n_jobs=n_jobs,
        keep_paths=keep_paths, client=client,
    )  # fmt: skip
    forecasts = {"baseline": runner.baseline} | {s.name: runner.run(s) for s in loaded}
    return ScenarioComparison(forecasts=forecasts)
