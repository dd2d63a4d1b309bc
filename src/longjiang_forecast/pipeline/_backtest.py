"""The rolling-origin backtest loop, its cache of fits and the rows of one origin.

At each as-of month: truncate the history to what was published by then (``backtesting``),
run the very same :func:`forecast` as a live forecast, and score it against what happened
(``metrics``).
"""

from __future__ import annotations

import json
import sys
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError, NothingToForecastError
from .._core.province import ProvinceRows, on_official_figures, total_of
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import MONTH, PROVINCE, SERIES
from ..models import model_name, resolve_model
from ._forecast import _check_n_draws, _data_provenance, _UnreportedMonthsWarning, forecast
from ._results import Backtest, Forecast

if TYPE_CHECKING:
    from ..catalog import Catalog

# --------------------------------------------------------------------------- backtest
#
# Rolling-origin backtest: at each as-of month, truncate the history to what was
# published by then (backtest stage), run the very same forecast() as above, and
# score it against what happened (metrics stage).

#: Default quantiles of the deadline value kept by the backtest.
BACKTEST_QUANTILES: tuple[float, ...] = (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95)


class _CachingModel:
    """Wraps a model so that fitted draws are read from / written to a :class:`FitCache`."""

    def __init__(self, model: Any, cache: Any) -> None:
        self.model = model
        self.cache = cache

    def get_params(self) -> dict[str, Any]:
        return self.model.get_params()

    def fit(self, progress: xr.Dataset, *, catalog: Catalog, as_of: Any = None) -> _CachingModel:
        from ..backtesting import data_digest

        self._args = (progress, catalog, as_of)
        self._digest = data_digest(catalog, progress)
        self._fitted = False
        return self

    def sample_parameters(self, n_draws: int, *, seed: SeedLike = None) -> xr.Dataset:
        progress, catalog, as_of = self._args
        ss = as_seed_sequence(seed)
        key = self.cache.key(self.model, self._digest, str(as_of), n_draws, ss)
        hit = self.cache.load(key)
        if hit is not None:
            self.state_, draws = hit
            return draws
        if not self._fitted:  # once per origin, whatever the chunks of draws
            self.model.fit(progress, catalog=catalog, as_of=as_of)
            self._fitted = True
        draws = self.model.sample_parameters(n_draws, seed=ss)
        self.state_ = self.model.state_
        self.cache.save(key, self.state_, draws)
        return draws


def backtest(
    history: Any,
    model: Any = "seasonal_share",
    *,
    as_of: Any = None,
    catalog: Catalog | None = None,
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
        count or level already at its target, or a prefecture asked for nothing:
        status "no share"). Forecasts made in or after the deadline month are
        always left out.
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
    from ..backtesting import (
        FitCache,
        ProgressCounter,
        assemble,
        outcomes,
        plan_origins,
        resolve_history,
        truncate,
    )
    from ..metrics import COVERAGE_LEVELS, ensemble_scores, probability_scores

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
            why.append(
                "so are targets already met at the as-of month (include_decided=False, the command line's "
                "default, keeps them out)"
            )
        if n_no_outcome:
            why.append(f"{n_no_outcome} forecasts had no outcome in the history (no deadline report)")
        if empty_origins:
            why.append(f"as-of months {empty_origins} had nothing reported yet that year")
        raise DataValidationError(
            f"The backtest of {name} scored no forecast for as-of months "
            f"{[f'{t:%Y-%m}' for t in origins]}: " + "; ".join(why) + ". Choose as-of months before the "
            "deadlines (e.g. as_of=range(3, 12); command line --as-of 3-11), pass include_decided=True "
            "(--include-decided), or check that the history "
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
    """Outcomes of the province rows totalled from their prefectures: their prefectures' total.

    Put on the province's own figures where it reports them and they agreed with that total, as its
    paths are (:func:`~longjiang_forecast._core.province.benchmark_to_official`).
    """
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
        if province.official is not None and np.isfinite(province.official[i]).any() and PROVINCE in regions:
            own = values.sel(indicator=ind, region=PROVINCE).values
            checked = np.where(np.isfinite(rows[i, 0]), own, np.nan)  # months every prefecture reported
            rows[i] = on_official_figures(rows[i][None], checked[None, :])[0]
    totals = xr.Dataset(
        {"value": (("indicator", "region", MONTH), rows)},
        coords={"indicator": province.fields["indicator"], "region": ["province"], MONTH: months.values},
    )
    labels = zip(state["indicator"].values, state["region"].values, strict=True)
    at = {pair: s for s, pair in enumerate(labels)}
    idx = np.array([at[(ind, PROVINCE)] for ind in province.fields["indicator"]], dtype=int)
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
        if status[s] in ("achieved", "no share") and not include_decided:
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
