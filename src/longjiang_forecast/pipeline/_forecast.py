"""The forecast: progress -> fitted model -> parameter draws -> streamed paths -> summary.

The one place where the stages meet, under a scenario when one is given (several scenarios from
one fit: ``_scenarios.py``).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.cf import describe
from .._core.checks import check_count, check_param, is_count
from .._core.exceptions import ForecastWarning
from .._core.limits import MAX_DRAWS
from .._core.provenance import catalog_sha256, content_sha256, data_vintage, make_attrs
from .._core.province import ProvinceRows
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import DRAW, MONTH, QUANTILE, SERIES
from .._core.state import append_series, draw_coords
from ..models import SeasonalShareModel, resolve_model
from ..progress._state import province_from_prefectures
from ..scenarios import Scenario, compile_scenario, load_scenario
from ..simulate import BLOCK_SIZE, DrawChunks, apply_scenario, simulate_summary, simulated_months
from ..summarise import summarise
from ._order import catalogue_order
from ._results import Forecast

if TYPE_CHECKING:
    from ..catalog import Catalog


def forecast(
    progress: xr.Dataset | pd.DataFrame | str | os.PathLike[str],
    catalog: Catalog,
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
    model : AttainmentModel, str or type, optional
        An unfitted model, a model class, or a registry name (``"ets"``, as the command line's
        ``--model``; :data:`~longjiang_forecast.models.MODEL_REGISTRY`); default
        :class:`SeasonalShareModel` with its defaults.
    n_draws : int, default 4000
        Monte Carlo draws (one parameter draw and one path each). The
        standard error of an attainment probability is at most
        ``0.5 / sqrt(n_draws)`` (0.008 at the default).
    seed : int, SeedSequence, Generator or None
        One seed for the whole run; child 0 seeds the parameter draws and
        child 1 the paths. ``None`` takes fresh entropy (stored in the outputs:
        ``attrs["seed_entropy"]``, and ``attrs["seed_spawn_key"]`` for a spawned
        SeedSequence, so that ``SeedSequence(entropy, spawn_key=...)`` repeats the
        run). A Generator gives the SeedSequence it was built from, whatever it
        has drawn since: the same Generator gives the same forecast (for
        independent replicates pass ``SeedSequence.spawn`` children).
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
        :func:`~longjiang_forecast.read_progress` reports; for a Dataset, what
        it reports of the values (see ``docs/files-and-arviz.md``).
    TypeError
        If ``catalog`` is not a Catalog, ``progress`` none of the forms read,
        or ``scenario`` neither a Scenario nor a file path.
    ValueError
        If ``keep_paths``, ``quantiles``, ``n_draws``, ``n_jobs`` or ``seed`` is out of range.
    """
    progress = _as_progress(progress, catalog)
    check_keep_paths(keep_paths)
    check_count("forecast", "n_jobs", n_jobs, note="the number of threads")  # not the engine's name
    _check_quantiles(quantiles)
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


def _with_provenance(result: Forecast, progress: xr.Dataset, catalog: Catalog) -> Forecast:
    """Add the data and catalogue hashes and the data vintage to a forecast's summary and paths.

    ``data_sha256`` is the progress file's hash, or that of the data's values and labels when
    it has no file (e.g. synthetic data); ``catalog_sha256`` that of the catalogue's table.
    """
    extra = _data_provenance(progress, catalog)
    for obj in (result.summary, result.paths):
        obj.attrs.update(extra)
    return result


def _data_provenance(progress: xr.Dataset, catalog: Catalog) -> dict[str, str]:
    """The data and catalogue hashes and the data vintage (see :func:`_with_provenance`)."""
    vintage, basis = data_vintage(progress)
    return {
        "data_sha256": str(progress.attrs.get("sha256") or content_sha256(progress)),
        "catalog_sha256": catalog_sha256(catalog),
        "data_vintage": vintage,
        "data_vintage_basis": basis,
    }


def _as_progress(progress: Any, catalog: Catalog) -> xr.Dataset:
    """A progress Dataset as given; a DataFrame or file through :func:`read_progress`.

    A TypeError saying what to pass where ``catalog`` is not a Catalog (a path, a year, or the
    two arguments swapped) or ``progress`` is none of the forms read.
    """
    from ..catalog import Catalog
    from ..catalog._catalog import check_catalog

    if isinstance(progress, Catalog) and not isinstance(catalog, Catalog):
        raise TypeError(
            "progress and catalog are swapped: the progress data comes first, the catalogue second, "
            "e.g. lf.forecast(lf.read_progress('progress.xlsx', catalog), catalog)."
        )
    check_catalog(catalog, "forecast")
    if not isinstance(progress, xr.Dataset | pd.DataFrame | str | os.PathLike):
        raise TypeError(
            f"progress must be a progress Dataset (lf.read_progress), a DataFrame or a file path, got "
            f"{type(progress).__name__}."
        )
    if isinstance(progress, pd.DataFrame | str | os.PathLike):
        from ..progress import read_progress

        return read_progress(progress, catalog)
    from ..progress._dataset import checked_progress

    return checked_progress(progress, catalog)


#: Parameter draws are made this many at a time (:class:`~longjiang_forecast.simulate.DrawChunks`),
#: so that memory does not grow with ``n_draws``; a run of at most this many draws samples them in
#: one go. 4 blocks: about 50 MB of per-draw parameters for the 2024 list (at most three chunks
#: are held at once).
DRAW_CHUNK = 4 * BLOCK_SIZE

#: The Rao-Blackwellised P(met) (``p_met_rb``) is computed on this many leading draws. Its exact
#: conditional probability (an incomplete gamma function per draw and series) costs as much as the
#: rest of the engine together; at 2^15 draws its standard error is at most 0.0027 (median 0.0014)
#: on the 2024 list, a third of ``p_met``'s at 4,000 draws (2^17: 0.0014, and the simulation of
#: 100,000 draws took twice as long, 5.4 against 2.7 s). Runs of at most this many draws
#: compute it on every draw.
RAO_BLACKWELL_DRAWS = 2**15


def _fit_and_draw(
    progress: xr.Dataset, catalog: Catalog, as_of: Any, model: Any, n_draws: int, seed: SeedLike
) -> tuple[Any, DrawChunks, np.random.SeedSequence, np.random.SeedSequence, np.random.SeedSequence]:
    """Fit the model; return it, its parameter draws (made chunk by chunk) and the seeds of the run.

    One seed for the whole run: child 0 seeds the parameter draws (of the first chunk; chunk
    ``c`` >= 1 uses child ``c`` of child 3), child 1 the paths, child 2 the scenario's random
    events.
    """
    if model is None:
        model = SeasonalShareModel()
    elif isinstance(model, str | type) or not hasattr(model, "sample_parameters"):
        model = resolve_model(model)  # a registry name or a class; anything else refused, named
    ss = as_seed_sequence(seed)
    param_seed, path_seed, scenario_seed = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key).spawn(3)
    _check_n_draws(n_draws, "forecast")
    model.fit(progress, catalog=catalog, as_of=as_of)

    def make(index: int, size: int) -> xr.Dataset:
        return model.sample_parameters(size, seed=_chunk_seed(param_seed, ss, 3, index))

    chunks = DrawChunks(int(n_draws), DRAW_CHUNK, make)
    chunks.chunk(0)  # the first draws now: a lazy model (the backtest's cache of fits) has its state then
    _warn_unreported_months(model.state_)
    _warn_mean_gaps(model.state_)
    return model, chunks, ss, path_seed, scenario_seed


def _check_n_draws(n_draws: Any, where: str) -> None:
    """Refuse an ``n_draws`` that is not a whole number in [1, :data:`MAX_DRAWS`] (bools, floats too)."""
    check_param(
        where, "n_draws", n_draws, Integral, 1, MAX_DRAWS,
        note="the Monte Carlo standard error of P(met) is below 0.0001 long before, and the run would "
        "take hours or days",
    )  # fmt: skip


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
        _warn_few_at_latest(state, year, last, latest)
        return
    months = f"{year}-{latest + 1:02d}" + (f" to {as_of:%Y-%m}" if latest + 1 < as_of_month else "")
    since = f"the latest report is of {year}-{latest:02d}" if latest else f"no series has a report in {year}"
    behind = np.flatnonzero(last < latest)
    earlier = (
        f"; these series' latest reports are earlier still: {_named_series(state, behind, last, year)}"
        if behind.size
        else ""
    )
    warnings.warn(
        f"The as-of month {as_of:%Y-%m} is after the latest report: no series has a report for "
        f"{months} ({since}){earlier}. Those months are forecast, not reported; a deadline that passed "
        "by the as-of month without the report it is judged on is not forecast (status 'no forecast', "
        "with the missing report in 'reason'). Add the missing reports"
        + (f", or forecast as of {year}-{latest:02d}." if latest else f" of {year}."),
        _UnreportedMonthsWarning,
        stacklevel=3,
    )


def _warn_mean_gaps(state: xr.Dataset) -> None:
    """Warn of annual means (and their changes) with months missing before their latest report.

    The model takes a missing month as unknown (its seasonal level), but the year-to-date mean in
    ``observed`` is of the months reported only: with a winter month missing it reads lower than
    the year so far (PM2.5 of March-August 20.7 against 25.7 with January-February).
    """
    year = int(state.attrs["year"])
    observed = np.asarray(state["observed"].values, float)
    last = np.asarray(state["last_month"].values, int)
    kinds = state["kind"].values
    gaps = []
    for s in np.flatnonzero(np.isin(kinds, ("annual_mean", "change"))):
        missing = [m + 1 for m in range(int(last[s])) if not np.isfinite(observed[s, m])]
        if missing:
            months = ", ".join(f"{year}-{m:02d}" for m in missing)
            gaps.append(f"{state['indicator'].values[s]}/{state['region'].values[s]} ({months} missing)")
    if gaps:
        warnings.warn(
            f"{len(gaps)} annual mean(s) miss months before their latest report: {'; '.join(gaps[:8])}"
            f"{f' and {len(gaps) - 8} more' if len(gaps) > 8 else ''}. The model takes those months as "
            "unknown (their seasonal level), but the year-to-date mean in 'observed' (and the console's "
            "'mean') is of the months reported only, not of the year so far. Add the missing months' means.",
            ForecastWarning,
            stacklevel=3,
        )


def _warn_few_at_latest(state: xr.Dataset, year: int, last: np.ndarray, latest: int) -> None:
    """Warn when most series' latest reports are two or more months before the latest report of all.

    A ragged edge of one month is normal (a prefecture a month late); most series months behind
    the as-of month usually means one mistyped month (a 2024-09 among reports to 2024-03), which
    sets the as-of month when it is taken from the data, and makes every other series look late.
    """
    reported = last[last > 0]
    behind_to = int(np.median(reported)) if reported.size else latest
    ahead = np.flatnonzero(last >= max(latest - 1, 1))
    if not reported.size or 2 * ahead.size >= reported.size or latest - behind_to < 2:
        return
    warnings.warn(
        f"The as-of month is {state.attrs['as_of']}, but only {ahead.size} of the {reported.size} series "
        f"with reports in {year} reach {year}-{latest - 1:02d} or later "
        f"({_named_series(state, ahead, last, year)}); half "
        f"of them end by {year}-{behind_to:02d}. The months the others have not reported are forecast "
        "for them as if they were late. If a month was mistyped (e.g. "
        f"{year}-{latest:02d} for {year}-{behind_to:02d}), correct it in the progress data; if they are "
        "late, add their reports when they come.",
        _UnreportedMonthsWarning,
        stacklevel=4,
    )


def _named_series(state: xr.Dataset, idx: np.ndarray, last: np.ndarray, year: int, most: int = 8) -> str:
    """Series ``idx`` named with their latest report ("09a/harbin (2024-07)", "(none)"), at most ``most``."""
    indicator, region = state["indicator"].values, state["region"].values
    labels = [
        f"{indicator[s]}/{region[s]} ({f'{year}-{last[s]:02d}' if last[s] else 'none'})" for s in idx[:most]
    ]
    return ", ".join(labels) + (f" and {idx.size - most} more" if idx.size > most else "")


def _scenario(scenario: Any, catalog: Catalog) -> Any:
    """The scenario as given, or read from its file; a TypeError saying what to pass for anything else."""
    if scenario is None or isinstance(scenario, Scenario):
        return scenario
    if not isinstance(scenario, str | os.PathLike):
        raise TypeError(
            f"scenario must be a Scenario or the path of a scenario file (.toml), got "
            f"{type(scenario).__name__}: e.g. scenario='funding-delay.toml' or "
            "lf.scenarios.load_scenario('funding-delay.toml', catalog=catalog) (docs/scenarios.md)."
        )
    return load_scenario(Path(scenario), catalog=catalog)


def _check_quantiles(quantiles: Any) -> None:
    """Refuse ``quantiles`` that are not a sequence of probabilities strictly between 0 and 1.

    Raises
    ------
    ValueError
        Naming the parameter of :func:`forecast` and the value given.
    """
    try:
        q = np.asarray(quantiles, dtype=float)
    except (TypeError, ValueError):
        q = np.array([np.nan])
    if q.ndim != 1 or q.size == 0 or not np.all(np.isfinite(q)) or np.any((q <= 0) | (q >= 1)):
        raise ValueError(
            "The 'quantiles' parameter of forecast must be a sequence of probabilities strictly between "
            f"0 and 1, e.g. (0.1, 0.5, 0.9). Got {quantiles!r} instead."
        )


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
    if not is_count(keep_paths):
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
    catalog: Catalog
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
        touched = effects & np.isin(chunks.chunk(0)["dynamics"].values, ["gamma", "dirichlet", "binomial"])
    n_kept = kept_draws(run.keep_paths, chunks.n_draws, state.sizes[SERIES])
    draws = chunks.leading(n_kept)  # the parameters of the kept paths (the first draws), as ArviZ pairs them
    province = province_from_prefectures(state, catalog, reason=draws["reason"].values)
    n = state.sizes[SERIES]
    full = state if province is None else append_series(state, province.fields, province.n)
    reported = state["last_month"].values > 0  # a province total: where any of its prefectures is
    if province is not None:
        reported = np.concatenate([reported, (province.weights != 0).astype(int) @ reported > 0])
    order = catalogue_order(full, catalog)
    where = np.argsort(order)  # the inverse permutation: where each series goes
    # the kept paths, written once where they belong: the engine's series, then the province rows
    values = np.empty((n_kept, order.size, 12))
    stats = simulate_summary(
        chunks, state, seed=run.path_seed, n_jobs=n_jobs, dtype="float64",
        keep_paths=n_kept, paths_out=(values, where[:n]),
        totals=False if province is None else province, past_deadline="ignore",
        backend="threads" if run.client is None else "dask", client=run.client,
        quantiles=sorted({*(float(q) for q in run.quantiles), 0.5}), rao_blackwell=RAO_BLACKWELL_DRAWS,
    )  # fmt: skip
    if province is not None:
        values[:, where[n:]] = province.paths(values, columns=where[:n])
        draws, stats, touched = _with_province(province, draws, stats, touched)
    state = full
    if not np.array_equal(order, np.arange(order.size)):
        state, draws, stats = (_reordered(ds, order) for ds in (state, draws, stats))
        touched, reported = touched[order], reported[order]
        if province is not None:
            province = province.reordered(order)
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
    summary = summarise(stats, state, bands=bands, reason=draws["reason"].values, reported=reported)
    summary["scenario_touched"] = (SERIES, touched)
    if baseline is not None:
        summary, paths = _untouched_from(baseline, summary, paths, touched)
    # a row without a forecast names no method (its reason says why): one rule, on the final reasons,
    # for the table and every reader of the draws' basis (compare_models, the backtest)
    draws["basis"] = (
        SERIES,
        np.where(summary["reason"].values != "", "", draws["basis"].values).astype(object),
    )
    # a spawned SeedSequence is its entropy and its spawn key: both are needed to repeat the run
    spawned = {"seed_spawn_key": " ".join(map(str, ss.spawn_key))} if ss.spawn_key else {}
    for obj in (paths, summary):
        obj.attrs.update(
            **spawned,
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


def _reordered(ds: xr.Dataset, order: np.ndarray) -> xr.Dataset:
    """``ds`` with its series in ``order``, numbered 0, 1, ... again where they are numbered."""
    out = ds.isel({SERIES: order})
    return out.assign_coords({SERIES: np.arange(order.size)}) if SERIES in ds.coords else out


def _under(scenario: Any, chunks: DrawChunks, run: _Run) -> tuple[DrawChunks, np.ndarray]:
    """The parameter draws under a scenario, chunk by chunk (its random events seeded per chunk).

    Also returns ``touched`` (series,): the series an effect of the scenario can change.
    """
    state, catalog = run.model.state_, run.catalog

    def compiled(index: int, size: int) -> Any:
        seed = _chunk_seed(run.scenario_seed, run.ss, 4, index)
        return compile_scenario(scenario, state, catalog, n_draws=size, seed=seed)

    def make(index: int, size: int) -> xr.Dataset:
        with warnings.catch_warnings():  # said once, by the compilation below (each chunk's said it again)
            warnings.simplefilter("ignore", ForecastWarning)
            return apply_scenario(chunks.chunk(index), compiled(index, size), state)

    touched = compiled(0, chunks.size(0)).touched(simulated_months(state))
    return DrawChunks(chunks.n_draws, chunks.chunk_size, make), touched


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
    draws: xr.Dataset,
    stats: xr.Dataset,
    touched: np.ndarray,
) -> tuple[xr.Dataset, xr.Dataset, np.ndarray]:
    """Append the province rows totalled from their prefectures to the draws and statistics.

    The rows are not simulated (dynamics "none"): their statistics are the
    engine's totals on the joint paths of their prefectures (NaN for a row
    without a forecast), their kept paths the totals of the kept prefecture
    paths (:meth:`ProvinceRows.paths`); a scenario touches them where it touches one
    of their prefectures.
    """
    k = province.n
    labels = {"indicator": province.fields["indicator"], "region": province.fields["region"]}
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
    touched = np.concatenate([touched, (province.weights != 0) @ touched > 0])
    return draws, stats, touched
