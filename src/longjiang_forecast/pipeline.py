"""The one place where the stages meet: progress -> model -> draws -> paths -> summary."""

from __future__ import annotations

import json
import os
import sys
import time
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from ._core.cf import CONVENTIONS, describe
from ._core.exceptions import DataValidationError, ForecastWarning, NothingToForecastError
from ._core.provenance import catalog_sha256, content_sha256, data_vintage, make_attrs
from ._core.province import ProvinceRows
from ._core.rng import SeedLike, as_seed_sequence
from ._core.schema import DRAW, MONTH, QUANTILE, SERIES
from ._core.state import append_series, draw_coords, province_from_prefectures
from .models import SeasonalShareModel
from .scenarios import Scenario, compile_scenario, load_scenario
from .simulate import BLOCK_SIZE, DrawChunks, apply_scenario, simulate_summary
from .summarise import summarise

#: Columns of the attainment table, in order.
TABLE_COLUMNS = (
    "indicator",
    "region",
    "name_en",
    "name_zh",
    "kind",
    "unit",
    "target",
    "comparator",
    "deadline",
    "observed",
    "observed_month",
    "p_met",
    "p_met_se",
    "q10",
    "median",
    "q90",
    "first_passage_median",
    "first_passage_late",
    "required_rate",
    "model_rate",
    "run_rate",
    "run_rate_months",
    "expected_shortfall",
    "status",
    "basis",
    "reason",
)


@dataclass(frozen=True)
class Forecast:
    """Everything one forecast run produced.

    Attributes
    ----------
    summary : xarray.Dataset
        Attainment statistics per series (see :func:`longjiang_forecast.summarise`).
    paths : xarray.DataArray
        Simulated paths, dims (draw, series, month): the first ``keep_paths``
        draws of the run (default ``min(n_draws, 4000)``, see :func:`kept_draws`; attr
        ``n_draws_summarised`` gives all the draws ``summary`` streamed over),
        for fan charts, planning and the bulletin.
    draws : xarray.Dataset
        The parameter draws the paths were simulated from.
    state : xarray.Dataset
        The observed state at the as-of month.
    catalog : Catalog
        The catalogue the targets came from.
    province : ProvinceRows or None
        The province rows forecast from their prefectures (the last series of
        ``state``, ``paths`` and ``summary``): their weights over the
        prefecture series; None when there are none. See
        ``docs/simulation.md``, "The province from its prefectures".

    Notes
    -----
    Every variable and coordinate of ``summary``, ``paths``, ``state`` and ``draws`` carries CF
    attributes (``long_name``, ``description``, ``units``: see
    :mod:`longjiang_forecast._core.cf`), and ``summary`` and ``paths`` the ``Conventions``
    and the provenance of the run (see :func:`forecast`); they are set when the forecast is
    made. The unit of each series is in the coordinates ``value_units`` and ``rate_units``;
    a variable in series of several units names its coordinate in
    ``encoding["coordinates"]`` and has no ``units`` attribute.
    """

    summary: xr.Dataset
    paths: xr.DataArray
    draws: xr.Dataset
    state: xr.Dataset
    catalog: Any
    province: ProvinceRows | None = None

    def __post_init__(self) -> None:
        units = self.state["unit"].values if "unit" in self.state else ()
        for obj in (self.summary, self.paths, self.state, self.draws):
            describe(obj, units)
        if "observed" in self.state:  # the state's own meaning of the name (reports per month)
            self.state["observed"].attrs.update(
                long_name="reported cumulative or level value",
                description="The value reported for each month of the as-of year (NaN where none).",
            )
        for obj in (self.summary, self.paths):
            obj.attrs["Conventions"] = CONVENTIONS

    def to_netcdf(
        self, path: str | os.PathLike[str], *, overwrite: bool = False, paths_dtype: str = "float64"
    ) -> Path:
        """Write the forecast to one self-describing netCDF file.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (netCDF-4, parents are created).
        overwrite : bool, default False
            Replace ``path`` if it exists; by default an existing file is refused.
        paths_dtype : {"float64", "float32"}, default "float64"
            Storage type of the paths. float64 keeps them exactly (the round trip
            through :func:`open_forecast` is lossless); float32 halves the file and
            keeps 7 significant digits (the command line's choice).

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False (nothing is written).
        IsADirectoryError
            If ``path`` is a folder.
        ValueError
            If ``paths_dtype`` is not one of the two.

        Notes
        -----
        ``xarray.open_dataset(path)`` gives the summary (the root group);
        ``xarray.open_dataset(path, group="posterior_predictive")`` the paths (variable
        ``progress``, dims chain, draw, series, month); ``arviz.from_netcdf(path)`` the
        whole file as InferenceData (the groups of :meth:`to_inference_data`, and
        ``state`` and ``catalog``). The file is written to a temporary name and renamed,
        so an interrupted write leaves no partial file.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import longjiang_forecast as lf
        >>> catalog = lf.load_catalog(2024).subset("09a")
        >>> progress = lf.testing.synthetic_progress(catalog, seed=0)
        >>> result = lf.forecast(progress, catalog, n_draws=100, seed=0)
        >>> path = result.to_netcdf(Path(tempfile.mkdtemp()) / "forecast.nc")
        >>> back = lf.open_forecast(path)
        >>> bool((back.paths == result.paths).all()), back.summary["p_met"].attrs["units"]
        (True, '1')
        """
        from ._forecast_io import to_netcdf

        return to_netcdf(self, path, overwrite=overwrite, paths_dtype=paths_dtype)  # type: ignore[arg-type]

    def to_inference_data(self, model: Any = None) -> Any:
        """Return the forecast as ArviZ InferenceData.

        Parameters
        ----------
        model : AttainmentModel, optional
            The fitted model that made the forecast. A model that keeps its own posterior
            (:class:`~longjiang_forecast.models.HierarchicalModel`'s ``idata_``, one
            InferenceData per fit) has it joined: each group ``G`` of fit ``F`` becomes
            group ``model_F_G`` (e.g. ``model_counts_posterior``,
            ``model_counts_sample_stats``), with its chains and draws as sampled.

        Returns
        -------
        arviz.InferenceData
            Groups ``posterior_predictive`` (variable ``progress``: the paths, dims
            ``chain`` (one), ``draw``, ``series``, ``month``), ``posterior`` (the model's
            parameter draws that vary by draw, with ``chain`` and ``draw``),
            ``constant_data`` (its other parameters, per series) and ``observed_data``
            (``progress``: the reports of the as-of year, dims ``series``, ``month``);
            attrs: the summary's provenance. ``az.hdi(idata.posterior_predictive)`` and
            ``az.plot_ppc`` work on it.

        Raises
        ------
        ImportError
            If ArviZ is not installed (it comes with the ``bayes`` extra).
        ValueError
            If ``model`` keeps no posterior of its own (no ``idata_``).
        """
        from ._forecast_io import to_inference_data

        return to_inference_data(self, model)

    def table(self) -> pd.DataFrame:
        """Return the attainment table, one row per series, then the catalogue rows with no forecast.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TABLE_COLUMNS`. ``observed`` is the latest report
            (``observed_month``); ``q10``/``median``/``q90`` are quantiles of
            the value at the deadline; ``first_passage_late`` marks a median
            first passage after the report the deadline is judged on (a
            mid-month deadline is judged on the month before: the same rule
            as P(met), the quantiles and the status); rates are per month in
            the indicator's unit: ``required_rate`` (what is still needed over
            the months left), ``model_rate`` (the model's median pace over
            them: at least ``required_rate`` exactly when P(met) >= 0.5) and
            ``run_rate`` (the recent pace, over ``run_rate_months``).
            Qualitative items and items without a target appear with status
            "no forecast" and the reason, and so does a deadline that passed
            by the as-of month without the report it is judged on.
        """
        s = self.summary
        quant = s["deadline_value"]
        last_month = s["last_month"].values
        year = int(self.state.attrs["year"])
        frame = pd.DataFrame(
            {
                "indicator": s["indicator"].values,
                "region": s["region"].values,
                "name_en": s["name_en"].values,
                "name_zh": s["name_zh"].values,
                "kind": s["kind"].values,
                "unit": s["unit"].values,
                "target": s["target"].values,
                "comparator": s["comparator"].values,
                "deadline": pd.DatetimeIndex(s["deadline"].values).strftime("%Y-%m-%d"),
                "observed": s["observed"].values,
                "observed_month": [f"{year}-{m:02d}" if m else "" for m in last_month],
                "p_met": s["p_met"].values,
                "p_met_se": s["p_met_se"].values,
                "q10": _quantile(quant, 0.1),
                "median": _quantile(quant, 0.5),
                "q90": _quantile(quant, 0.9),
                "first_passage_median": pd.DatetimeIndex(s["first_passage_median"].values).strftime("%Y-%m"),
                "first_passage_late": s["first_passage_late"].values,
                "required_rate": s["required_rate"].values,
                "model_rate": s["model_rate"].values,
                "run_rate": s["run_rate"].values,
                "run_rate_months": s["run_rate_months"].values,
                "expected_shortfall": s["expected_shortfall"].values,
                "status": s["status"].values,
                "basis": self.draws["basis"].values,
                "reason": s["reason"].values,
            }
        )
        frame["first_passage_median"] = frame["first_passage_median"].fillna("")
        table = pd.concat([frame, self._not_forecast()], ignore_index=True)[list(TABLE_COLUMNS)]
        table["first_passage_late"] = table["first_passage_late"].fillna(False).astype(bool)
        table["run_rate_months"] = table["run_rate_months"].fillna("")
        return table

    def _not_forecast(self) -> pd.DataFrame:
        table = self.catalog.table
        year = int(self.state.attrs["year"])
        forecast = set(zip(self.state["indicator"].values, self.state["region"].values, strict=True))
        in_year = table[table["year"] == year]
        pairs = zip(in_year["indicator"], in_year["region"], strict=True)
        rows = in_year[np.array([pair not in forecast for pair in pairs], bool)]
        reasons = np.select(
            [rows["kind"] == "qualitative", rows["target"].isna()],
            ["qualitative: no number to forecast", "no published target"],
            "no reports in the progress data (this year or earlier years of its family)",
        )
        return pd.DataFrame(
            {
                "indicator": rows["indicator"].values,
                "region": rows["region"].values,
                "name_en": rows["name_en"].values,
                "name_zh": rows["name_zh"].values,
                "kind": rows["kind"].values,
                "unit": rows["unit"].values,
                "target": rows["target"].values,
                "comparator": rows["comparator"].values,
                "deadline": pd.DatetimeIndex(rows["deadline"]).strftime("%Y-%m-%d"),
                "status": "no forecast",
                "reason": reasons,
            }
        )


def _quantile(quant: xr.DataArray, q: float) -> np.ndarray:
    if q in quant["quantile"].values:
        return quant.sel(quantile=q).values
    return np.full(quant.sizes[SERIES], np.nan)


def forecast(
    progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str],
    catalog: Any,
    *,
    as_of: Any = None,
    model: Any = None,
    n_draws: int = 4000,
    seed: SeedLike = None,
    n_jobs: int = 1,
    bands: Mapping[str, float] | None = None,
    scenario: Any = None,
    keep_paths: int | None = None,
    client: Any = None,
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9),
) -> Forecast:
    """Forecast the attainment of every target of the as-of year.

    Parameters
    ----------
    progress : xarray.Dataset, pandas.DataFrame, str or os.PathLike
        Monthly progress, from :func:`longjiang_forecast.read_progress`,
        a real-data loader or :func:`longjiang_forecast.testing.synthetic_progress`;
        or what ``read_progress`` reads (a long DataFrame with columns ``indicator``,
        ``region``, ``month``, ``value``, or a CSV/Excel file), which is read with
        its checks and defaults first: ``forecast(frame, catalog, as_of=...)`` is
        ``forecast(read_progress(frame, catalog), catalog, as_of=...)``.
    catalog : Catalog
        Targets, comparators, kinds and deadlines.
    as_of : str, optional
        Month of the forecast (``YYYY-MM``); default the latest reported month.
    model : AttainmentModel, optional
        An unfitted model; default :class:`SeasonalShareModel` with its defaults.
    n_draws : int, default 4000
        Monte Carlo draws (one parameter draw and one path each). The
        standard error of an attainment probability is at most
        ``0.5 / sqrt(n_draws)`` (0.008 at the default).
    seed : int, SeedSequence, Generator or None
        One seed for the whole run; child 0 seeds the parameter draws and
        child 1 the paths. ``None`` takes fresh entropy (stored in the outputs).
    n_jobs : int, default 1
        Threads for the simulation (the numbers do not depend on it).
    bands : mapping, optional
        Status bands, see :func:`longjiang_forecast.summarise`.
    scenario : Scenario or str or path, optional
        What could go differently (see :mod:`longjiang_forecast.scenarios`):
        a :class:`~longjiang_forecast.scenarios.Scenario`, or the path of a
        scenario TOML file. Its random events are seeded by child 2 of
        ``seed``. Default: the year as the model expects it. The series no
        effect touches keep the baseline's numbers exactly, as in
        :func:`compare_scenarios` (the baseline is simulated too).
    keep_paths : int, optional
        Paths kept in ``Forecast.paths`` (the first draws of the run), for fan
        charts, planning and the bulletin; default ``min(n_draws, 4000)``, fewer
        with many series (:func:`kept_draws`: about 2^25 values, at least
        1,000 paths). The summaries stream over all ``n_draws`` draws whatever
        is kept, so memory does not grow with ``n_draws`` beyond the kept paths.
    client : dask.distributed.Client, optional
        Run the simulation's blocks of draws as tasks on this cluster (needs
        the ``dask`` extra); the numbers are those of the in-process run with
        the same seed, bit for bit.
    quantiles : tuple of float, default (0.1, 0.5, 0.9)
        Probabilities of the deadline-value quantiles in ``summary`` (each in
        [0, 1]; 0.5 is always added: the median and the model rate use it),
        streamed over every draw.

    Returns
    -------
    Forecast

    Raises
    ------
    DataValidationError
        If the progress data and the catalogue do not fit together, or the
        scenario file is invalid; for a DataFrame or file, any problem
        :func:`~longjiang_forecast.read_progress` reports.
    """
    progress = _as_progress(progress, catalog)
    check_keep_paths(keep_paths)
    scenario = _scenario(scenario, catalog)
    model, chunks, ss, path_seed, scenario_seed = _fit_and_draw(
        progress, catalog, as_of, model, n_draws, seed
    )
    run = _Run(
        model, progress, catalog, ss, path_seed, scenario_seed, n_jobs, bands, keep_paths, client, quantiles
    )
    baseline = _simulate_forecast(chunks, run, None, None)
    result = baseline if scenario is None else _simulate_forecast(chunks, run, scenario, baseline)
    return _with_provenance(result, progress, catalog)


def _with_provenance(result: Forecast, progress: xr.Dataset, catalog: Any) -> Forecast:
    """Add the data and catalogue hashes and the data vintage to a forecast's summary and paths.

    ``data_sha256`` is the progress file's hash, or that of the data's values and labels when
    it has no file (e.g. synthetic data); ``catalog_sha256`` that of the catalogue's table.
    """
    extra = _data_provenance(progress, catalog)
    for obj in (result.summary, result.paths):
        obj.attrs.update(extra)
    return result


def _data_provenance(progress: xr.Dataset, catalog: Any) -> dict[str, str]:
    """The data and catalogue hashes and the data vintage (see :func:`_with_provenance`)."""
    vintage, basis = data_vintage(progress)
    return {
        "data_sha256": str(progress.attrs.get("sha256") or content_sha256(progress)),
        "catalog_sha256": catalog_sha256(catalog),
        "data_vintage": vintage,
        "data_vintage_basis": basis,
    }


def _as_progress(progress: Any, catalog: Any) -> xr.Dataset:
    """A progress Dataset as given; a DataFrame or file through :func:`read_progress`."""
    if isinstance(progress, pd.DataFrame | str | os.PathLike):
        from .progress import read_progress

        return read_progress(progress, catalog)
    return progress


#: Parameter draws are made this many at a time (:class:`~longjiang_forecast.simulate.DrawChunks`),
#: so that memory does not grow with ``n_draws``; a run of at most this many draws samples them in
#: one go. 4 blocks: about 50 MB of per-draw parameters for the 2024 list (at most three chunks
#: are held at once).
DRAW_CHUNK = 4 * BLOCK_SIZE

#: The Rao-Blackwellised P(met) (``p_met_rb``) is computed on this many leading draws. Its exact
#: conditional probability (an incomplete gamma function per draw and series) cost as much as the
#: rest of the engine together; at 2^17 draws its standard error is already below 0.0014, a fifth
#: of ``p_met``'s at 4,000 draws. Runs of at most this many draws compute it on every draw.
RAO_BLACKWELL_DRAWS = 2**17


def _fit_and_draw(
    progress: xr.Dataset, catalog: Any, as_of: Any, model: Any, n_draws: int, seed: SeedLike
) -> tuple[Any, DrawChunks, np.random.SeedSequence, np.random.SeedSequence, np.random.SeedSequence]:
    """Fit the model; return it, its parameter draws (made chunk by chunk) and the seeds of the run.

    One seed for the whole run: child 0 seeds the parameter draws (of the first chunk; chunk
    ``c`` >= 1 uses child ``c`` of child 3), child 1 the paths, child 2 the scenario's random
    events.
    """
    model = SeasonalShareModel() if model is None else model
    ss = as_seed_sequence(seed)
    param_seed, path_seed, scenario_seed = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key).spawn(3)
    _check_n_draws(n_draws, "forecast")
    model.fit(progress, catalog=catalog, as_of=as_of)

    def make(index: int, size: int) -> xr.Dataset:
        draws = model.sample_parameters(size, rng=_chunk_seed(param_seed, ss, 3, index))
        if hasattr(model, "share_mean_"):  # the planned trajectory of SPI(t), see docs/planning.md
            draws["plan_share"] = ((SERIES, MONTH), np.asarray(model.share_mean_, dtype=float)[:, 1:])
        return draws

    chunks = DrawChunks(int(n_draws), DRAW_CHUNK, make)
    chunks.chunk(0)  # the first draws now: a lazy model (the backtest's cache of fits) has its state then
    _warn_unreported_months(model.state_)
    return model, chunks, ss, path_seed, scenario_seed


def _check_n_draws(n_draws: Any, where: str) -> None:
    """Refuse an ``n_draws`` that is not a whole number >= 1 (bools and floats included)."""
    if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
        raise ValueError(
            f"The 'n_draws' parameter of {where} must be an int in the range [1, inf). "
            f"Got {n_draws!r} instead."
        )


def _chunk_seed(
    first: np.random.SeedSequence, run: np.random.SeedSequence, child: int, index: int
) -> np.random.SeedSequence:
    """Seed of chunk ``index``: a copy of ``first`` for chunk 0, else child ``(child, index)`` of ``run``."""
    if index == 0:
        return np.random.SeedSequence(first.entropy, spawn_key=first.spawn_key)
    return np.random.SeedSequence(run.entropy, spawn_key=(*run.spawn_key, child, index))


class _UnreportedMonthsWarning(ForecastWarning):
    """The as-of month is after the latest report (its own category, so a backtest can leave it out)."""


def _warn_unreported_months(state: xr.Dataset) -> None:
    """Warn when the as-of month is after the latest report: name the months, and the series behind.

    Those months are forecast, not reported; a deadline that passed by the as-of month
    without its report is not forecast (see :func:`~longjiang_forecast.summarise`).
    """
    year = int(state.attrs["year"])
    as_of = pd.Timestamp(str(state.attrs["as_of"]))
    last = np.asarray(state["last_month"].values, int)
    as_of_month = as_of.month if as_of.year == year else 12
    latest = int(last.max()) if last.size else 0
    if latest >= as_of_month:
        return
    months = f"{year}-{latest + 1:02d}" + (f" to {as_of:%Y-%m}" if latest + 1 < as_of_month else "")
    since = f"the latest report is of {year}-{latest:02d}" if latest else f"no series has a report in {year}"
    behind = np.flatnonzero(last < latest)
    labels = [
        f"{state['indicator'].values[s]}/{state['region'].values[s]} ({year}-{last[s]:02d})"
        if last[s]
        else f"{state['indicator'].values[s]}/{state['region'].values[s]} (none)"
        for s in behind[:8]
    ]
    more = f" and {behind.size - 8} more" if behind.size > 8 else ""
    earlier = f"; these series' latest reports are earlier still: {', '.join(labels)}{more}" if labels else ""
    warnings.warn(
        f"The as-of month {as_of:%Y-%m} is after the latest report: no series has a report for "
        f"{months} ({since}){earlier}. Those months are forecast, not reported; a deadline that passed "
        "by the as-of month without the report it is judged on is not forecast (status 'no forecast', "
        "with the missing report in 'reason'). Add the missing reports, or forecast as of "
        f"{year}-{max(latest, 1):02d}.",
        _UnreportedMonthsWarning,
        stacklevel=3,
    )


def _scenario(scenario: Any, catalog: Any) -> Any:
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    return load_scenario(scenario, catalog=catalog)


#: Paths kept by default (the first draws of the run), for fan charts, planning and the bulletin;
#: the summaries stream over every draw whatever is kept (``keep_paths``).
DEFAULT_KEEP_PATHS = 4000

#: With many series, the default keeps fewer paths: about this many values (series × months ×
#: draws; 2^25 float64 values are 256 MiB), and never fewer than :data:`MIN_DEFAULT_KEEP_PATHS`.
KEEP_PATHS_VALUES = 2**25
MIN_DEFAULT_KEEP_PATHS = 1000


def check_keep_paths(keep_paths: Any) -> None:
    """Refuse a ``keep_paths`` that is not None or a whole number >= 1.

    Raises
    ------
    ValueError
        Naming the parameter and the value given.
    """
    if keep_paths is None:
        return
    if isinstance(keep_paths, bool) or not isinstance(keep_paths, int | np.integer) or keep_paths < 1:
        raise ValueError(
            f"The 'keep_paths' parameter must be a whole number of draws >= 1 (the paths kept for fan "
            f"charts and planning; the summaries use every draw). Got {keep_paths!r} instead."
        )


def kept_draws(keep_paths: int | None, n_draws: int, n_series: int) -> int:
    """Number of paths a forecast keeps.

    ``keep_paths`` when given; by default :data:`DEFAULT_KEEP_PATHS`, fewer when
    the series are many (about :data:`KEEP_PATHS_VALUES` values, at least
    :data:`MIN_DEFAULT_KEEP_PATHS` paths); never more than ``n_draws``.
    """
    if keep_paths is None:
        budget = KEEP_PATHS_VALUES // max(12 * n_series, 1)
        keep_paths = min(DEFAULT_KEEP_PATHS, max(MIN_DEFAULT_KEEP_PATHS, budget))
    return min(int(keep_paths), n_draws)


@dataclass(frozen=True)
class _Run:
    """What every simulation of one fit shares: the fitted model, inputs, seeds and settings."""

    model: Any
    progress: xr.Dataset
    catalog: Any
    ss: np.random.SeedSequence
    path_seed: np.random.SeedSequence
    scenario_seed: np.random.SeedSequence
    n_jobs: int
    bands: Mapping[str, float] | None
    keep_paths: int | None
    client: Any
    quantiles: tuple[float, ...] = (0.1, 0.5, 0.9)


def _simulate_forecast(chunks: DrawChunks, run: _Run, scenario: Any, baseline: Forecast | None) -> Forecast:
    """Simulate and summarise fitted draws on the streaming engine, under a scenario when one is given.

    One route for every command: the engine streams the statistics of every draw
    (the province rows' on the joint paths of their prefectures) and keeps the
    first :func:`kept_draws` paths; :func:`~longjiang_forecast.summarise` completes
    them. Under a scenario, the series no effect touches take the baseline's
    summaries and kept paths (same parameter draws, innovations independent
    across series: still a draw of the scenario's joint distribution), so that
    every command shows the same numbers for them.
    """
    model, catalog, progress, ss, n_jobs, bands = (
        run.model,
        run.catalog,
        run.progress,
        run.ss,
        run.n_jobs,
        run.bands,
    )
    state = model.state_
    touched = np.zeros(state.sizes[SERIES], bool)
    if scenario is not None:
        chunks, effects = _under(scenario, chunks, run)
        # Annual means are not changed by scenarios (see apply_scenario).
        touched = effects & np.isin(chunks.chunk(0)["dynamics"].values, ["gamma", "binomial"])
    draws = chunks.chunk(0)  # the parameters of the first draws: those of the kept paths
    province = province_from_prefectures(state, catalog, reason=draws["reason"].values)
    stats = simulate_summary(
        chunks, state, seed=run.path_seed, n_jobs=n_jobs, dtype="float64",
        keep_paths=kept_draws(run.keep_paths, chunks.n_draws, state.sizes[SERIES]),
        totals=False if province is None else province, past_deadline="ignore",
        backend="threads" if run.client is None else "dask", client=run.client,
        quantiles=sorted({*(float(q) for q in run.quantiles), 0.5}), rao_blackwell=RAO_BLACKWELL_DRAWS,
    )  # fmt: skip
    values = stats["paths"].transpose(DRAW, SERIES, MONTH).values
    stats = stats.drop_vars("paths")  # the kept paths are held once, in ``values``
    if province is not None:
        state, draws, stats, values, touched = _with_province(province, state, draws, stats, values, touched)
    paths = describe(
        xr.DataArray(
            values, dims=(DRAW, SERIES, MONTH), name="value", coords=draw_coords(state, len(values)),
            attrs=make_attrs(
                seed_entropy=str(run.path_seed.entropy), model=draws.attrs.get("model"),
                block_size=BLOCK_SIZE, as_of=state.attrs.get("as_of"),
                n_draws_summarised=int(stats.attrs["n_draws"]),
                kept="the first draws of the run; the summaries use every draw",
            ),
        ),
        state["unit"].values if "unit" in state else (),
    )  # fmt: skip
    summary = summarise(stats, state, bands=bands, reason=draws["reason"].values)
    summary["scenario_touched"] = (SERIES, touched)
    if baseline is not None:
        summary, paths = _untouched_from(baseline, summary, paths, touched)
    for obj in (paths, summary):
        obj.attrs.update(
            seed_entropy=str(ss.entropy),
            model=type(model).__name__,
            model_params=repr(model.get_params()),
            data_source=str(progress.attrs.get("source", "")),
            data_sha256=str(progress.attrs.get("sha256", "")),
            catalog_source=str(catalog.source),
            scenario="baseline" if scenario is None else scenario.name,
        )
    return Forecast(
        summary=summary, paths=paths, draws=draws, state=state, catalog=catalog, province=province
    )


def _under(scenario: Any, chunks: DrawChunks, run: _Run) -> tuple[DrawChunks, np.ndarray]:
    """The parameter draws under a scenario, chunk by chunk (its random events seeded per chunk).

    Also returns ``touched`` (series,): the series an effect of the scenario can change.
    """
    state, catalog = run.model.state_, run.catalog

    def compiled(index: int, size: int) -> Any:
        seed = _chunk_seed(run.scenario_seed, run.ss, 4, index)
        return compile_scenario(scenario, state, catalog, n_draws=size, seed=seed)

    def make(index: int, size: int) -> xr.Dataset:
        return apply_scenario(chunks.make(index, size), compiled(index, size), state)

    return DrawChunks(chunks.n_draws, chunks.chunk_size, make), compiled(0, chunks.size(0)).touched()


def _untouched_from(
    baseline: Forecast, summary: xr.Dataset, paths: xr.DataArray, touched: np.ndarray
) -> tuple[xr.Dataset, xr.DataArray]:
    """The scenario's summary and kept paths with the baseline's for every series it does not touch."""
    keep = ~touched
    summary = summary.copy()
    for name, var in summary.data_vars.items():
        if name != "scenario_touched" and var.dims and var.dims[0] == SERIES:
            values = var.values.copy()
            values[keep] = baseline.summary[name].values[keep]
            summary[name] = var.copy(data=values)
    values = paths.values.copy()
    values[:, keep] = baseline.paths.values[:, keep]
    return summary, paths.copy(data=values)


#: The engine's per-series statistics that summarise reads or carries; a province row takes the
#: engine's total of the same name (``total_`` + name) where there is one, NaN otherwise.
_STATISTICS = (
    "p_met",
    "p_met_se",
    "deadline_value",
    "deadline_value_error",
    "first_passage_cdf",
    "expected_shortfall",
    "p_met_rb",
    "p_met_rb_se",
)


def _with_province(
    province: ProvinceRows,
    state: xr.Dataset,
    draws: xr.Dataset,
    stats: xr.Dataset,
    values: np.ndarray,
    touched: np.ndarray,
) -> tuple[xr.Dataset, xr.Dataset, xr.Dataset, np.ndarray, np.ndarray]:
    """Append the province rows totalled from their prefectures to the state, draws, statistics and paths.

    The rows are not simulated (dynamics "none"): their statistics are the
    engine's totals on the joint paths of their prefectures (NaN for a row
    without a forecast), their kept paths the totals of the kept prefecture
    paths; a scenario touches them where it touches one of their prefectures.
    """
    k = province.n
    labels = {"indicator": province.fields["indicator"], "region": province.fields["region"]}
    state = append_series(state, province.fields, k)
    draws = append_series(
        draws,
        {**labels, "dynamics": np.full(k, "none", dtype=object), "basis": province.basis,
         "reason": province.reason},
        k,
    )  # fmt: skip
    n = stats.sizes[SERIES]
    rows = stats["total_row"].values if "total_row" in stats else np.array([], int)
    extra = {}
    for name in _STATISTICS:
        if name not in stats:
            continue
        var = stats[name]
        shape = (k, *var.shape[1:])
        block = np.full(shape, np.nan)
        total = f"total_{name}"
        if total in stats and rows.size:
            block[rows] = stats[total].values
        extra[name] = (var.dims, np.concatenate([var.values, block]))
    stats = xr.Dataset(
        extra, coords={QUANTILE: stats[QUANTILE].values, MONTH: stats[MONTH].values}, attrs=stats.attrs
    )
    assert stats.sizes[SERIES] == n + k
    joined = np.empty((len(values), n + k, values.shape[2]), values.dtype)
    joined[:, :n] = values
    joined[:, n:] = province.paths(values)
    values = joined
    touched = np.concatenate([touched, (province.weights != 0) @ touched > 0])
    return state, draws, stats, values, touched


@dataclass(frozen=True)
class ScenarioComparison:
    """Forecasts of the same year under several scenarios, from one fit and one set of draws.

    Attributes
    ----------
    forecasts : dict of str to Forecast
        One per scenario, by name; ``"baseline"`` first.
    """

    forecasts: dict[str, Forecast]

    def table(self) -> pd.DataFrame:
        """Return P(met) per indicator, region and scenario, with the change against baseline.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator``, ``region``, ``scenario``, ``touched``
            (whether an effect of the scenario can change the series),
            ``p_met``, ``p_met_se`` and ``delta_vs_baseline`` with its Monte
            Carlo standard error ``delta_se`` (``sqrt(se_a² + se_b²)``: the two
            estimates use independent innovations). Untouched series carry
            the baseline's estimate and a change of exactly 0.
        """
        base = self.forecasts["baseline"].summary
        frames = []
        for name, result in self.forecasts.items():
            s = result.summary
            touched = s["scenario_touched"].values
            # A series no effect touches has the baseline's distribution: its baseline estimate is
            # used, so the table shows no Monte Carlo noise as a change.
            p = np.where(touched, s["p_met"].values, base["p_met"].values)
            se = np.where(touched, s["p_met_se"].values, base["p_met_se"].values)
            frames.append(
                pd.DataFrame(
                    {
                        "indicator": s["indicator"].values,
                        "region": s["region"].values,
                        "scenario": name,
                        "touched": touched,
                        "p_met": p,
                        "p_met_se": se,
                        "delta_vs_baseline": p - base["p_met"].values,
                        "delta_se": np.where(touched, np.hypot(se, base["p_met_se"].values), 0.0),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


def compare_scenarios(
    progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str],
    catalog: Any,
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
        is fitted once and its parameter draws are shared by every scenario.
    scenarios : iterable of Scenario or path
        Scenarios or scenario TOML files. The baseline (no effects) is always
        computed first; a file named ``"baseline"`` (which cannot have effects)
        adds nothing.

    Returns
    -------
    ScenarioComparison

    Raises
    ------
    DataValidationError
        If a scenario file is invalid or two scenarios share a name.
    """
    progress = _as_progress(progress, catalog)
    check_keep_paths(keep_paths)
    model, chunks, ss, path_seed, scenario_seed = _fit_and_draw(
        progress, catalog, as_of, model, n_draws, seed
    )
    # The baseline is always the year with no effects; a file named "baseline" can only be that.
    loaded = [x for x in (_scenario(s, catalog) for s in scenarios) if x.name != "baseline"]
    names = [s.name for s in loaded]
    if len(set(names)) != len(names):
        raise DataValidationError(
            f"Scenario names must be unique; got {names}. Rename a scenario file's 'name'."
        )
    run = _Run(model, progress, catalog, ss, path_seed, scenario_seed, n_jobs, None, keep_paths, client)
    baseline = _simulate_forecast(chunks, run, None, None)
    forecasts = {"baseline": baseline}
    for scenario in loaded:
        forecasts[scenario.name] = _simulate_forecast(chunks, run, scenario, baseline)
    return ScenarioComparison(
        forecasts={k: _with_provenance(v, progress, catalog) for k, v in forecasts.items()}
    )


# --------------------------------------------------------------------------- backtest
#
# Rolling-origin backtest: at each as-of month, truncate the history to what was
# published by then (backtest stage), run the very same forecast() as above, and
# score it against what happened (metrics stage).

#: Default quantiles of the deadline value kept by the backtest.
BACKTEST_QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


def resolve_model(model: Any) -> Any:
    """Return a fresh, unfitted model from a registry name, a class or an instance.

    Parameters
    ----------
    model : str, type or AttainmentModel
        A key of :data:`longjiang_forecast.models.MODEL_REGISTRY`, a model
        class, or a model instance (cloned from its ``get_params()``, so the
        caller's object is never fitted).

    Returns
    -------
    AttainmentModel
        A new instance.

    Raises
    ------
    ValueError
        If ``model`` is a string that is not a registered name.
    TypeError
        If ``model`` does not follow the model protocol.
    """
    from .models import MODEL_REGISTRY

    if isinstance(model, str):
        if model not in MODEL_REGISTRY:
            raise ValueError(
                f"Unknown model {model!r}. Known models: {sorted(MODEL_REGISTRY)}. "
                "Pass one of these names, a model class or a model instance."
            )
        return MODEL_REGISTRY[model]()
    if isinstance(model, type):
        model = model()
    if not all(hasattr(model, a) for a in ("fit", "sample_parameters", "get_params")):
        raise TypeError(
            "The 'model' parameter must be a registered name, a model class or an instance with "
            f"fit, sample_parameters and get_params. Got {type(model).__name__} instead."
        )
    return type(model)(**model.get_params())


def model_name(model: Any) -> str:
    """Return the registry name of a model (its class name if it is not registered).

    Parameters
    ----------
    model : AttainmentModel or type

    Returns
    -------
    str
    """
    from .models import MODEL_REGISTRY

    cls = model if isinstance(model, type) else type(model)
    for name, registered in MODEL_REGISTRY.items():
        if registered is cls:
            return name
    return cls.__name__


class _CachingModel:
    """Wraps a model so that fitted draws are read from / written to a :class:`FitCache`."""

    def __init__(self, model: Any, cache: Any) -> None:
        self.model = model
        self.cache = cache

    def get_params(self) -> dict[str, Any]:
        return self.model.get_params()

    def fit(self, progress: xr.Dataset, *, catalog: Any, as_of: Any = None) -> _CachingModel:
        from .backtesting import data_digest

        self._args = (progress, catalog, as_of)
        self._digest = data_digest(catalog, progress)
        self._fitted = False
        return self

    def sample_parameters(self, n_draws: int, *, rng: SeedLike = None) -> xr.Dataset:
        progress, catalog, as_of = self._args
        ss = as_seed_sequence(rng)
        key = self.cache.key(self.model, self._digest, str(as_of), n_draws, ss)
        hit = self.cache.load(key)
        if hit is not None:
            self.state_, draws = hit
            return draws
        if not self._fitted:  # once per origin, whatever the chunks of draws
            self.model.fit(progress, catalog=catalog, as_of=as_of)
            self._fitted = True
        draws = self.model.sample_parameters(n_draws, rng=ss)
        self.state_ = self.model.state_
        self.cache.save(key, self.state_, draws)
        return draws


@dataclass(frozen=True)
class Backtest:
    """The forecasts and outcomes of a rolling-origin backtest.

    Attributes
    ----------
    forecasts : xarray.Dataset
        One row per forecast (as-of month × series) along ``forecast``; see
        :func:`backtest` for its variables. Described when the Backtest is made (CF
        attributes of every variable, the ``value_units`` coordinate, ``Conventions``).
    """

    forecasts: xr.Dataset

    def __post_init__(self) -> None:
        units = self.forecasts["unit"].values if "unit" in self.forecasts else ()
        describe(self.forecasts, units, dim="forecast")
        self.forecasts.attrs["Conventions"] = CONVENTIONS

    def table(self, by: tuple[str, ...] = ("model",), **kwargs: Any) -> pd.DataFrame:
        """Return the score table (see :func:`longjiang_forecast.metrics.summary_table`).

        Parameters
        ----------
        by : tuple of str, default ("model",)
            Group by these variables along ``forecast`` (e.g. ``("model", "as_of_month")``).
        **kwargs
            Passed on (``p_var``, ``bins``, ``reference``).

        Returns
        -------
        pandas.DataFrame
        """
        from .metrics import summary_table

        return summary_table(self.forecasts, by=by, **kwargs)

    def reliability(self, **kwargs: Any) -> xr.Dataset:
        """Return reliability diagram data (see :func:`longjiang_forecast.metrics.reliability`)."""
        from .metrics import reliability

        return reliability(self.forecasts, **kwargs)

    def corp_reliability(self, **kwargs: Any) -> xr.Dataset:
        """Return CORP reliability diagram data (see :func:`longjiang_forecast.metrics.corp_reliability`)."""
        from .metrics import corp_reliability

        return corp_reliability(self.forecasts, **kwargs)

    def pit_histogram(self, **kwargs: Any) -> xr.Dataset:
        """Return PIT histogram data (see :func:`longjiang_forecast.metrics.pit_histogram`)."""
        from .metrics import pit_histogram

        return pit_histogram(self.forecasts, **kwargs)

    def fit_recalibrator(self, method: str = "isotonic") -> Any:
        """Fit a recalibration map on all forecasts of this backtest (one model only).

        Parameters
        ----------
        method : {"isotonic", "beta"}, default "isotonic"

        Returns
        -------
        Recalibrator
            Fitted, carrying the model name and settings.

        Raises
        ------
        ValueError
            If the backtest holds several models.
        """
        from .calibration import Recalibrator

        models = sorted(set(self.forecasts["model"].values.tolist()))
        if len(models) != 1:
            raise ValueError(
                f"fit_recalibrator needs the backtest of one model; this one holds {models}. "
                "Select one with Backtest(bt.forecasts.where(bt.forecasts.model == NAME, drop=True))."
            )
        params = json.loads(self.forecasts.attrs.get("model_params_json", "{}"))
        rec = Recalibrator(method=method, model=models[0], model_params=dict(params))
        return rec.fit(self.forecasts["p_met"].values, self.forecasts["outcome_met"].values)

    def recalibrated(
        self, method: Literal["isotonic", "beta"] = "isotonic", *, groups: str = "year"
    ) -> Backtest:
        """Add out-of-sample recalibrated probabilities ``p_met_recalibrated`` and their scores.

        Each forecast is recalibrated by a map fitted on the *other* groups
        (default: other outcome years), per model, so the scores after
        recalibration are on data not used to fit the map.

        Parameters
        ----------
        method : {"isotonic", "beta"}, default "isotonic"
        groups : str, default "year"
            Variable along ``forecast`` whose values are held out one at a time.

        Returns
        -------
        Backtest
            With ``p_met_recalibrated``, ``brier_p_met_recalibrated`` and
            ``log_score_p_met_recalibrated``.

        Raises
        ------
        DataValidationError
            If a model's map would be fitted on too few forecasts or on
            outcomes of one class (see
            :data:`~longjiang_forecast.calibration.MIN_FORECASTS`); the message
            names the model and the held-out group.
        """
        from .calibration import cross_recalibrate
        from .metrics import probability_scores

        ds = self.forecasts
        out = np.full(ds.sizes["forecast"], np.nan)
        models = ds["model"].values
        for name in sorted(set(models.tolist())):
            idx = np.flatnonzero(models == name)
            try:
                out[idx] = cross_recalibrate(
                    ds["p_met"].values[idx],
                    ds["outcome_met"].values[idx],
                    ds[groups].values[idx],
                    method=method,
                )
            except DataValidationError as err:
                raise DataValidationError(f"model {name!r}: {err}") from err
        ds = ds.assign(p_met_recalibrated=("forecast", out))
        ds["p_met_recalibrated"].attrs.update(method=method, held_out_by=groups)
        return Backtest(probability_scores(ds, p_var="p_met_recalibrated"))

    @staticmethod
    def concat(results: Any) -> Backtest:
        """Join backtests (models, data sets) into one along ``forecast``.

        Parameters
        ----------
        results : iterable of Backtest

        Returns
        -------
        Backtest
        """
        parts = [r.forecasts for r in results]
        joined = xr.concat(parts, dim="forecast", data_vars="all", coords="different", compat="equals",
                           combine_attrs="drop_conflicts", join="outer")  # fmt: skip
        return Backtest(joined.assign_coords(forecast=np.arange(joined.sizes["forecast"])))


def backtest(
    history: Any,
    model: Any = "seasonal_share",
    *,
    as_of: Any = None,
    catalog: Any = None,
    years: Any = None,
    n_draws: int = 1000,
    seed: SeedLike = 2024,
    n_jobs: int = 1,
    quantiles: tuple[float, ...] = BACKTEST_QUANTILES,
    include_decided: bool = False,
    cache_dir: str | None = None,
    progress_bar: bool | None = None,
    label: str | None = None,
    kinds: tuple[str, ...] | None = None,
    client: Any = None,
) -> Backtest:
    """Rolling-origin backtest: forecast each past year from each as-of month, and score it.

    At each as-of month the history is truncated to the reports published by
    then (earlier years whole, the as-of year up to that month, nothing
    later; catalogue rows up to that year), a fresh copy of ``model`` is fitted
    on it and :func:`forecast` is run exactly as for a live forecast. Each
    forecast is then compared with the outcome read from the full history.

    Parameters
    ----------
    history : (Catalog, xarray.Dataset) tuple, xarray.Dataset or SyntheticFamilies
        The full history, outcomes included: e.g. ``lf.load_national_progress()``,
        ``lf.load_pm25("beijing")`` or
        :func:`longjiang_forecast.testing.families.synthetic_families`.
    model : str, type or AttainmentModel, default "seasonal_share"
        A name of ``MODEL_REGISTRY``, a model class, or an unfitted instance
        (its settings are copied for every origin).
    as_of : None, int, str or sequence, optional
        As-of months: ``None`` for March-November of every year; month numbers
        (1-12) for those months of every year; ``'YYYY-MM'`` strings for
        exactly those months.
    catalog : Catalog, optional
        Required when ``history`` is a bare progress Dataset.
    years : int or iterable of int, optional
        Outcome years to backtest, e.g. ``2023`` or ``range(2020, 2025)``
        (default: all with targets and data). A string is refused
        (``TypeError``), and so are years given with ``as_of`` as YYYY-MM
        months, which fix their own years (``ValueError``).
    n_draws : int, default 1000
        Monte Carlo draws per forecast (the Monte Carlo s.e. of P(met) is at
        most 0.016).
    seed : int, SeedSequence, Generator or None, default 2024
        The forecast at as-of month ``(y, m)`` uses the child seed with spawn
        key ``(y, m, 0)`` and breaks PIT ties with ``(y, m, 1)``, so a
        forecast does not depend on which other origins are run, and two
        models see the same seeds.
    n_jobs : int, default 1
        Threads of the simulation.
    client : dask.distributed.Client, optional
        Run each origin's simulation on this cluster (see :func:`forecast`);
        the numbers are those of the in-process run.
    quantiles : tuple of float
        Quantiles of the deadline value to keep.
    include_decided : bool, default False
        Keep forecasts whose outcome was already known at the as-of month (a
        count or level already at its target). Forecasts made in or after the
        deadline month are always left out.
    cache_dir : str, optional
        Folder of a :class:`~longjiang_forecast.backtest.FitCache`: fitted
        draws are saved there and reused by reruns (for slow Bayesian models).
    progress_bar : bool, optional
        Show a progress bar on stderr; default when stderr is a terminal.
    label : str, optional
        Name of the data set stored in the ``dataset`` variable (default the
        progress ``source`` attribute).
    kinds : tuple of str, optional
        Keep only series of these kinds (e.g. ``("annual_mean",)`` for PM2.5,
        whose ``change`` target is the same event restated).

    Returns
    -------
    Backtest
        ``.forecasts``: an :class:`xarray.Dataset` with dims ``forecast``
        (one as-of month × series), ``quantile`` and ``level`` (0.5, 0.8, 0.9).
        Coordinates along ``forecast``: ``model``, ``as_of`` (month start),
        ``as_of_month`` (1-12), ``year``, ``indicator``, ``region``, ``family``,
        ``kind``. Variables: ``p_met``, ``p_met_se`` (forecast probability and
        Monte Carlo s.e.), ``outcome_met`` (1/0), ``outcome_value``,
        ``deadline_value`` (forecast, quantile), ``lower``/``upper``/``covered``
        (forecast, level: central intervals and whether they held the
        outcome), ``interval_score_rel`` (forecast, level: their interval scores) and ``wis_rel``
        (the weighted interval score), both divided by the absolute target,
        ``crps`` (indicator's unit), ``crps_rel`` (CRPS divided by the absolute target),
        ``pit``, ``brier``, ``log_score``, ``first_passage_forecast`` (median
        month of reaching the target, NaN if P < 0.5), ``first_passage_outcome``,
        ``first_passage_error`` (months), ``target``, ``comparator``, ``unit``,
        ``deadline_month``, ``last_month``, ``status``, ``basis``, ``reason``,
        ``dataset``. Every variable has CF attributes (``long_name``, ``description``,
        ``units``; values in the indicator's unit name the coordinate ``value_units``, the unit
        of each forecast). attrs: ``Conventions``, ``model``, ``model_params`` (and
        ``model_params_json``), ``seed_entropy``, ``n_origins``, ``runtime_s``, ``cache_hits``,
        data provenance (``data_sha256``, ``catalog_sha256``, ``data_vintage``).
        ``.table()`` gives the score table.

    Raises
    ------
    ValueError
        If ``model`` is an unknown name or an as-of month number is not in [1, 12].
    DataValidationError
        If the history is empty, or an as-of month is outside the data.
    TypeError
        If ``history`` or ``model`` is of the wrong type.

    See Also
    --------
    longjiang_forecast.metrics.summary_table : The scores of the table.

    Examples
    --------
    >>> from longjiang_forecast import load_national_progress
    >>> bt = backtest(load_national_progress(), "seasonal_share", as_of=["2023-06"], n_draws=200)
    >>> int(bt.forecasts.sizes["forecast"]) > 0
    True
    """
    from .backtesting import (
        FitCache,
        ProgressCounter,
        assemble,
        outcomes,
        plan_origins,
        resolve_history,
        truncate,
    )
    from .metrics import COVERAGE_LEVELS, ensemble_scores, probability_scores

    _check_n_draws(n_draws, "backtest")
    template = resolve_model(model)
    name = model_name(template)
    catalog, progress = resolve_history(history, catalog)
    origins = plan_origins(catalog, progress, as_of, years)
    ss = as_seed_sequence(seed)
    cache = FitCache(cache_dir) if cache_dir else None
    show = sys.stderr.isatty() if progress_bar is None else bool(progress_bar)
    counter = ProgressCounter(len(origins), f"backtest {name}", show)
    dataset = label or str(progress.attrs.get("source", ""))
    started = time.perf_counter()
    rows: list[dict[str, Any]] = []
    n_no_outcome = 0
    empty_origins: list[str] = []
    with counter:  # the bar is closed however the loop ends
        for ts in origins:
            cat_t, prog_t = truncate(catalog, progress, ts)
            fitted = resolve_model(template)
            runner = _CachingModel(fitted, cache) if cache is not None else fitted
            key = (*ss.spawn_key, ts.year, ts.month)
            try:
                with warnings.catch_warnings():
                    # an origin is a calendar month: months not yet published by then are the
                    # ragged edge a backtest reproduces on purpose, not a user's slip to warn about
                    warnings.simplefilter("ignore", _UnreportedMonthsWarning)
                    result = forecast(
                        prog_t,
                        cat_t,
                        as_of=f"{ts:%Y-%m}",
                        model=runner,
                        n_draws=n_draws,
                        seed=np.random.SeedSequence(ss.entropy, spawn_key=(*key, 0)),
                        n_jobs=n_jobs,
                        keep_paths=n_draws,  # the scores (CRPS, coverage) need every draw's value
                        client=client,
                    )
            except NothingToForecastError:
                empty_origins.append(f"{ts:%Y-%m}")  # nothing reported yet that year: no forecast to score
                counter.step(f"{ts:%Y-%m}")
                continue
            new, skipped = _origin_rows(
                result, progress, ts, quantiles, name, dataset, include_decided, outcomes
            )
            if kinds is not None:
                new = [r for r in new if r["kind"] in kinds]
            n_no_outcome += skipped
            if new:
                scores = ensemble_scores(
                    np.array([r.pop("_obs") for r in new]),
                    np.stack([r.pop("_ensemble") for r in new]),
                    levels=COVERAGE_LEVELS,
                    rng=np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=(*key, 1))),
                )
                for i, r in enumerate(new):
                    r["crps"] = scores["crps"][i]
                    r["crps_rel"] = scores["crps"][i] / abs(r["target"]) if r["target"] else np.nan
                    r["pit"] = scores["pit"][i]
                    r["lower"], r["upper"], r["covered"] = (
                        scores[k][i] for k in ("lower", "upper", "covered")
                    )
                    scale = abs(r["target"]) if r["target"] else np.nan
                    r["interval_score_rel"] = scores["interval_score"][i] / scale
                    r["wis_rel"] = scores["wis"][i] / scale
                rows.extend(new)
            counter.step(f"{ts:%Y-%m}")
    if not rows:
        why = [
            "forecasts made in or after a target's deadline month are always left out (the deadline "
            "report is the outcome)",
        ]
        if not include_decided:
            why.append("so are targets already met at the as-of month (include_decided=False keeps them out)")
        if n_no_outcome:
            why.append(f"{n_no_outcome} forecasts had no outcome in the history (no deadline report)")
        if empty_origins:
            why.append(f"as-of months {empty_origins} had nothing reported yet that year")
        raise DataValidationError(
            f"The backtest of {name} scored no forecast for as-of months "
            f"{[f'{t:%Y-%m}' for t in origins]}: " + "; ".join(why) + ". Choose as-of months before the "
            "deadlines (e.g. as_of=range(3, 12)), pass include_decided=True, or check that the history "
            "holds the deadline reports of those years."
        )
    params = template.get_params()
    ds = assemble(
        rows,
        quantiles,
        COVERAGE_LEVELS,
        {
            "model": name,
            "model_params": repr(params),
            "seed_entropy": str(ss.entropy),
            "n_draws": n_draws,
            "n_origins": len(origins),
            "as_of_months": ", ".join(f"{t:%Y-%m}" for t in origins),
            "n_without_outcome": n_no_outcome,
            "origins_without_series": ", ".join(empty_origins),
            "include_decided": int(include_decided),
            "runtime_s": round(time.perf_counter() - started, 2),
            "cache_hits": cache.hits if cache else 0,
            "cache_misses": cache.misses if cache else 0,
            "data_source": str(progress.attrs.get("source", "")),
            **_data_provenance(progress, catalog),
        },
    )
    # JSON, not a dict: netCDF attributes are strings and numbers (``to_netcdf`` refuses a dict)
    ds.attrs["model_params_json"] = json.dumps({k: repr(v) for k, v in params.items()})
    ds = probability_scores(ds)
    return Backtest(ds)


def _month_number(value: Any) -> float:
    ts = pd.Timestamp(value)
    return float(ts.month) if not pd.isna(ts) else np.nan


def _province_outcomes(
    out: dict[str, np.ndarray],
    province: ProvinceRows,
    progress: xr.Dataset,
    state: xr.Dataset,
    baseline: np.ndarray | None,
    outcomes: Any,
) -> None:
    """Outcomes of the province rows totalled from their prefectures: those of their prefectures' total."""
    from ._core.province import total_of

    n = state.sizes[SERIES] - province.n
    months = pd.date_range(f"{int(state.attrs['year'])}-01-01", periods=12, freq="MS")
    values = progress["value"].reindex({MONTH: months.values})
    regions = set(map(str, values["region"].values))
    rows = np.full((province.n, 1, 12), np.nan)
    for i in range(province.n):
        members = np.flatnonzero(province.weights[i])
        ind = str(province.fields["indicator"][i])
        names = [str(state["region"].values[s]) for s in members]
        if province.reason[i] or not set(names) <= regions or ind not in values["indicator"].values:
            continue
        rows[i, 0] = total_of(values.sel(indicator=ind, region=names).values, province.weights[i, members])
    totals = xr.Dataset(
        {"value": (("indicator", "region", MONTH), rows)},
        coords={"indicator": province.fields["indicator"], "region": ["province"], MONTH: months.values},
    )
    idx = np.arange(n, n + province.n)
    sub = outcomes(totals, state.isel({SERIES: idx}), None if baseline is None else baseline[idx])
    for key, arr in sub.items():
        out[key][idx] = arr


def _origin_rows(
    result: Forecast,
    progress: xr.Dataset,
    ts: pd.Timestamp,
    quantiles: tuple[float, ...],
    name: str,
    dataset: str,
    include_decided: bool,
    outcomes: Any,
) -> tuple[list[dict[str, Any]], int]:
    """Rows of one origin's forecasts with a known outcome, and how many had none."""
    state, summary, draws = result.state, result.summary, result.draws
    baseline = draws["baseline"].values if "baseline" in draws else None
    out = outcomes(progress, state, baseline)
    if result.province is not None:
        _province_outcomes(out, result.province, progress, state, baseline, outcomes)
    paths = result.paths.transpose("draw", SERIES, "month").values
    dl = state["deadline_month"].values.astype(int)
    status = summary["status"].values
    rows = []
    skipped = 0
    for s in range(state.sizes[SERIES]):
        if ts.month >= dl[s] or dl[s] < 1:
            continue
        if not np.isfinite(out["met"][s]):
            skipped += 1
            continue
        if status[s] == "achieved" and not include_decided:
            continue
        ens = paths[:, s, dl[s] - 1].astype(float)
        p = float(summary["p_met"].values[s])
        fp_f = _month_number(summary["first_passage_median"].values[s])
        fp_o = out["first_passage"][s]
        finite = ens[np.isfinite(ens)]
        known = finite.size and np.isfinite(p)
        qs = np.quantile(finite, quantiles) if known else np.full(len(quantiles), np.nan)
        family = ""
        table = result.catalog.table
        hit = table[(table["indicator"] == state["indicator"].values[s])]
        if len(hit):
            family = str(hit["family"].iloc[0])
        rows.append(
            {
                "model": name,
                "as_of": ts,
                "as_of_month": ts.month,
                "year": ts.year,
                "indicator": str(state["indicator"].values[s]),
                "region": str(state["region"].values[s]),
                "family": family,
                "kind": str(state["kind"].values[s]),
                "dataset": dataset,
                "p_met": p,
                "p_met_se": float(summary["p_met_se"].values[s]),
                "outcome_met": float(out["met"][s]),
                "outcome_value": float(out["value"][s]),
                "deadline_value": qs,
                "target": float(state["target"].values[s]),
                "comparator": str(state["comparator"].values[s]),
                "unit": str(state["unit"].values[s]),
                "deadline_month": float(dl[s]),
                "last_month": float(state["last_month"].values[s]),
                "status": str(status[s]),
                "basis": str(draws["basis"].values[s]) if "basis" in draws else "",
                "reason": str(summary["reason"].values[s]),
                "first_passage_forecast": fp_f,
                "first_passage_outcome": fp_o,
                "first_passage_error": fp_f - fp_o,
                "_obs": float(out["value"][s]) if np.isfinite(p) else np.nan,
                "_ensemble": ens if np.isfinite(p) else np.full(ens.shape, np.nan),
            }
        )
    return rows, skipped


__all__ = [
    "BACKTEST_QUANTILES",
    "TABLE_COLUMNS",
    "Backtest",
    "Forecast",
    "ScenarioComparison",
    "backtest",
    "compare_scenarios",
    "forecast",
    "model_name",
    "resolve_model",
]
