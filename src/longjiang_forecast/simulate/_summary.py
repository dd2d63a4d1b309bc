"""Labelled layer of the streaming engine: draws + state -> summary Dataset, without storing paths."""

from __future__ import annotations

import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from .._core.cf import describe
from .._core.checks import check_count
from .._core.exceptions import DataValidationError, ForecastWarning
from .._core.provenance import make_attrs
from .._core.province import ProvinceRows, province_weights
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import DRAW, MONOTONE_KINDS, MONTH, PROVINCE, QUANTILE, SERIES
from .._core.state import month_days
from . import _stats, _stream
from ._families import FAMILIES, FAMILY_PARAMS, LINKS, Family

#: Values of the ``dynamics`` variable: a family of :data:`FAMILIES`, or "none".
DYNAMICS = (*FAMILIES, "none")

#: Dimension of the province totals.
TOTAL = "total"

_WHERE = "simulate_summary"


class DrawChunks:
    """Parameter draws made chunk by chunk as the engine reaches them, so that memory stays flat in draws.

    The engine reads the per-draw parameters one block at a time; a model's
    ``sample_parameters`` makes them all at once (for a million draws of the
    2024 list, gigabytes). ``DrawChunks`` asks for ``chunk_size`` draws at a
    time and keeps at most three chunks: the one before (tasks near a
    chunk's start may still read it), the one asked for, and the next, made
    ahead on a thread of its own while the engine simulates this one (making
    a chunk costs about as much CPU as simulating it; ahead, the two
    overlap instead of the engine's threads waiting). Chunks are made one at
    a time, in that one thread, so ``make`` need not be thread-safe.

    Parameters
    ----------
    n_draws : int
        Draws in all (>= 1).
    chunk_size : int
        Draws per chunk (a multiple of :data:`~longjiang_forecast.simulate.BLOCK_SIZE`);
        the last chunk holds the rest.
    make : callable
        ``make(index, size)`` returns the draws Dataset of chunk ``index``
        (``size`` draws, dim ``draw``); it must be deterministic (seeded by
        the index) and give every chunk the same static parameters (those
        without a ``draw`` dim), e.g. ``model.sample_parameters(size, seed=seed_of(index))``.

    Notes
    -----
    The numbers depend on ``chunk_size`` (each chunk is its own sample of the
    parameters), never on threads, tasks or workers. ``pipeline.forecast``
    uses chunks of :data:`~longjiang_forecast.pipeline.DRAW_CHUNK` draws;
    with fewer draws there is one chunk, sampled exactly as without chunks.
    """

    def __init__(self, n_draws: int, chunk_size: int, make: Callable[[int, int], xr.Dataset]) -> None:
        if chunk_size < 1 or chunk_size % _stream.BLOCK_SIZE:
            raise ValueError(
                f"The 'chunk_size' parameter of DrawChunks must be a positive multiple of "
                f"{_stream.BLOCK_SIZE}. Got {chunk_size!r} instead."
            )
        self.n_draws, self.chunk_size, self.make = int(n_draws), int(chunk_size), make
        self._cache: dict[int, Future[xr.Dataset]] = {}
        self._lock = threading.Lock()
        self._maker: ThreadPoolExecutor | None = None

    def size(self, index: int) -> int:
        """Draws in chunk ``index``."""
        return min(self.chunk_size, self.n_draws - index * self.chunk_size)

    @property
    def n_chunks(self) -> int:
        """Number of chunks."""
        return -(-self.n_draws // self.chunk_size)

    def chunk(self, index: int) -> xr.Dataset:
        """The draws of chunk ``index`` (made once, the next one made ahead; see the class notes)."""
        with self._lock:
            for old in [i for i in self._cache if i < index - 1]:
                del self._cache[old]
            wanted = self._ordered(index)
            if index + 1 < self.n_chunks:
                self._ordered(index + 1)
        return wanted.result()

    def leading(self, n: int) -> xr.Dataset:
        """The parameter draws of the run's first ``n`` draws (at most all), across chunks.

        Dims as a chunk's, with ``draw`` 0..n-1; the variables without a draw dim are those of
        chunk 0 (the same in every chunk). The draws of the kept paths, which are the run's first.
        """
        first = self.chunk(0)
        n = min(int(n), self.n_draws)
        if DRAW not in first.dims or n <= self.size(0):
            return first.isel({DRAW: slice(0, n)}) if DRAW in first.dims else first
        per_draw = [name for name, var in first.data_vars.items() if DRAW in var.dims]
        parts = [
            self.chunk(i)[per_draw].isel({DRAW: slice(0, n - i * self.chunk_size)})
            for i in range(-(-n // self.chunk_size))
        ]
        joined = xr.concat(parts, dim=DRAW).assign_coords({DRAW: np.arange(n)})
        joined[DRAW].attrs = dict(first[DRAW].attrs)
        return xr.merge([first.drop_dims(DRAW), joined], combine_attrs="override")

    def _ordered(self, index: int) -> Future[xr.Dataset]:
        """The future of chunk ``index``, ordered from the maker thread if it is not yet (lock held)."""
        if index not in self._cache:
            if self._maker is None:
                self._maker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="draw-chunks")
            self._cache[index] = self._maker.submit(self._made, index)
        return self._cache[index]

    def _made(self, index: int) -> xr.Dataset:
        draws = self.make(index, self.size(index))
        if draws.sizes.get(DRAW) != self.size(index):
            raise DataValidationError(
                f"Chunk {index} of the parameter draws has {draws.sizes.get(DRAW)} draws; "
                f"{self.size(index)} were asked for."
            )
        return draws

    def fetch(self, built: Built) -> Callable[[int, int], dict[str, np.ndarray]]:
        """A block reader over the whole run: draws ``lo:hi`` from the chunks that hold them."""

        def fetch(lo: int, hi: int) -> dict[str, np.ndarray]:
            parts: list[dict[str, np.ndarray]] = []
            for index in range(lo // self.chunk_size, (hi - 1) // self.chunk_size + 1):
                start = index * self.chunk_size
                read = built.reader(self.chunk(index))
                parts.append(read(max(lo, start) - start, min(hi, start + self.size(index)) - start))
            if len(parts) == 1:
                return parts[0]
            return {
                k: np.concatenate([p[k] for p in parts]) if k in built.per_draw else parts[0][k]
                for k in parts[0]
            }

        return fetch


# Constraints on the parameters: name -> (lowest, highest, lowest allowed?, highest allowed?).
_RANGES: dict[str, tuple[float, float, bool, bool]] = {
    "gamma_shape": (0.0, np.inf, True, False),
    "gamma_scale": (0.0, np.inf, True, False),
    "month_factor": (0.0, np.inf, True, False),
    "nb_size": (0.0, np.inf, True, False),
    "nb_prob": (0.0, 1.0, False, True),
    "exposure": (0.0, np.inf, True, False),
    "poisson_rate": (0.0, np.inf, True, False),
    "log_mean": (-np.inf, np.inf, False, False),
    "year_effect": (-np.inf, np.inf, False, False),
    "log_sd": (0.0, np.inf, True, False),
    "link_drift": (-np.inf, np.inf, False, False),
    "link_sd": (0.0, np.inf, True, False),
    "total": (0.0, np.inf, True, False),
    "hazard": (0.0, 1.0, True, True),
}


def simulate_summary(
    draws: xr.Dataset | DrawChunks,
    state: xr.Dataset,
    *,
    seed: SeedLike = None,
    n_jobs: int = 2,
    backend: Literal["threads", "dask"] = "threads",
    keep_paths: bool | int = False,
    quantiles: Sequence[float] = (0.1, 0.5, 0.9),
    rao_blackwell: bool | int = True,
    totals: bool | ProvinceRows = True,
    multiplier: xr.DataArray | np.ndarray | None = None,
    dtype: Literal["float32", "float64"] = "float32",
    n_bins: int = _stats.N_BINS,
    past_deadline: Literal["raise", "warn", "ignore"] = "raise",
    client: Any = None,
    paths_out: tuple[np.ndarray, np.ndarray] | None = None,
) -> xr.Dataset:
    """Simulate the remaining months and return the attainment summaries, streaming over draws.

    Draws are simulated in blocks of :data:`~longjiang_forecast.simulate.BLOCK_SIZE`;
    each block is reduced at once to counts and sums, so memory does not grow
    with the number of draws (unless paths are kept). Block ``i`` always uses
    child ``i`` of ``seed``, and blocks are folded in block order, so the result
    is identical for any ``n_jobs`` and on the Dask backend. With few series a
    task runs several blocks side by side (each still drawing from its own
    stream), which gives the same numbers with less overhead.

    Parameters
    ----------
    draws : xarray.Dataset or DrawChunks
        Parameter draws (the ParameterDraws schema of
        ``docs/design/002-simulation-core.md``): dims ``draw``, ``series``,
        ``month``; ``dynamics`` (series) names the increment family of each
        series ("gamma", "dirichlet", "negbin", "poisson", "lognormal_increment",
        "link_normal", "binomial", "lognormal" or "none"); ``start`` (series)
        the value the simulation starts from; the families' parameters
        (:data:`~longjiang_forecast.simulate.FAMILY_PARAMS`); optional
        ``transform`` and ``baseline`` (series) for percent changes and
        ``population`` (series, persons) to weight regional ratios into
        province totals. Per-draw variables may be Dask arrays: only one
        block is read at a time. A :class:`DrawChunks` makes them chunk by
        chunk as the blocks need them (memory flat in the number of draws).
    state : xarray.Dataset
        The observed state (:func:`longjiang_forecast.build_state`): ``observed``
        (series, month), ``last_month``, ``deadline_month``, ``target``,
        ``comparator``, ``kind``, ``lower_bound``, ``upper_bound`` and the
        ``indicator``/``region`` coordinates; attrs ``year`` and ``as_of``.
    seed : int, SeedSequence, Generator or None
        Seed of the path innovations (``None``: fresh entropy, stored in attrs).
    n_jobs : int, default 2
        Threads over blocks (``backend="threads"``).
    backend : {"threads", "dask"}, default "threads"
        "dask" runs one task per block on the current ``dask.distributed``
        client (or ``client``), else on Dask's default scheduler; needs the
        ``dask`` extra. Results are identical to "threads".
    keep_paths : bool or int, default False
        Also return the full paths: ``True`` for every draw, an int ``k`` for
        the first ``k`` draws (variable ``paths``).
    quantiles : sequence of float, default (0.1, 0.5, 0.9)
        Probabilities of the deadline-value quantiles, each in [0, 1].
    rao_blackwell : bool or int, default True
        Also compute the Rao-Blackwellised P(met) where the family allows it:
        True over every draw, an int ``k`` over the first ``k`` draws (rounded
        up to whole blocks of :data:`BLOCK_SIZE`), False not at all. Its exact
        conditional probability costs about as much as the draws themselves
        (``scipy.special.gammaincc`` per draw and series), and its standard
        error is far below that of ``p_met`` long before a million draws:
        ``pipeline.forecast`` computes it on the first
        :data:`~longjiang_forecast.pipeline.RAO_BLACKWELL_DRAWS`.
    totals : bool or ProvinceRows, default True
        Compute province totals from the regional series' joint paths: True
        groups the regional series of each indicator (at least two of one
        kind); a :class:`~longjiang_forecast._core.province.ProvinceRows`
        gives the groups, weights, targets and deadlines of province rows
        forecast from their prefectures (``pipeline.forecast``), one total
        per row that has a forecast (``total_row``: the row's index).
    multiplier : DataArray or ndarray of shape (series, month), optional
        Scenario multipliers (>= 0) of each month's expected increment (0: a
        stoppage); see the design note for how each family applies them.
    dtype : {"float32", "float64"}, default "float32"
        Floating type of the paths (float32 is about 20 % faster; see
        ``docs/simulation.md`` for where it is not accurate enough).
    n_bins : int, default 2048
        Histogram bins per series for the streaming quantiles.
    past_deadline : {"raise", "warn", "ignore"}, default "raise"
        What to do with a series whose deadline month is before the as-of
        month: raise, or settle it from its reports (with or without a warning).
    client : dask.distributed.Client, optional
        Cluster for ``backend="dask"``.
    paths_out : (ndarray, ndarray of int), optional
        Where the kept paths go instead of the returned ``paths``: an array of shape
        (n_keep, width, 12) of ``dtype`` (width >= n_series) and the column of each series in it,
        shape (n_series,), distinct. The other columns are left as they are. The kept paths
        are then copied once, into place: ``pipeline.forecast`` puts them beside the province
        rows it totals from them, in the catalogue's order, without a second copy of them
        (4,000 paths of 377 series are 145 MB).

    Returns
    -------
    xarray.Dataset
        dims ``series``, ``quantile``, ``month``, ``total`` (and ``draw`` with
        ``keep_paths``). Per series: ``p_met`` and ``p_met_se`` (Monte Carlo
        estimate of P(target met at the deadline) and its standard error),
        ``p_met_rb`` and ``p_met_rb_se`` (Rao-Blackwellised estimate over the
        first ``attrs["p_met_rb_draws"]`` draws, NaN where the family has no
        exact conditional law), ``deadline_value`` and
        ``deadline_value_error`` (series, quantile; streaming quantile of the
        value at the deadline in the target's unit, and a bound on its
        difference to the exact sample quantile), ``deadline_min``,
        ``deadline_max``, ``first_passage_cdf`` (series, month: P(target met
        in some month up to m); NaN for annual means and changes),
        ``expected_shortfall`` and ``expected_shortfall_se`` (mean of
        ``max(target - value, 0)`` for ``>=``), ``target``, ``comparator``,
        ``dynamics``. Per total (province totals over regions, coordinate
        ``total`` = indicator): the same names prefixed ``total_`` plus
        ``total_aggregation`` ("sum" or "mean") and ``total_n_regions``.
        ``paths`` (draw, series, month) with ``keep_paths`` (in ``paths_out`` when it is given). attrs:
        ``n_draws``, ``seed_entropy``, ``block_size``, ``dtype``, ``n_bins``,
        ``sample_dims``, provenance.

    Raises
    ------
    DataValidationError
        If the draws and state do not match (series count, dims or shapes of a
        parameter), a parameter is NaN, infinite or out of range (a negative
        scale, a probability above 1), a simulated series' state is invalid (a
        comparator other than ">=" or "<=", a ``deadline_month`` outside 1-12,
        a NaN target), or a deadline is before the as-of month with
        ``past_deadline="raise"``. The message names the parameter or field
        and the series (indicator/region).
    ValueError
        If an option is out of range (e.g. ``n_jobs`` not a whole number >= 1).
    ImportError
        If ``backend="dask"`` and Dask is not installed.

    See Also
    --------
    longjiang_forecast.simulate : full paths, float64.
    longjiang_forecast.summarise : the same summaries from full paths.

    Notes
    -----
    P(met) has standard error ``sqrt(p (1 - p) / n)``. The Rao-Blackwellised
    estimate is the mean over draws of the exact probability of meeting the
    target given the draw's parameters (e.g. a sum of Gamma increments with a
    shared scale is Gamma, ``P = Q(Σk, need/θ)``); its standard error is the
    standard deviation of those probabilities over ``sqrt(n)``.
    """
    _check_options(n_jobs, backend, keep_paths, quantiles, n_bins, dtype, past_deadline)
    chunks = draws if isinstance(draws, DrawChunks) else None
    if isinstance(draws, DrawChunks):
        draws = draws.chunk(0)
    n_draws = _check_draws(draws, state, _WHERE)
    if chunks is not None:
        n_draws = chunks.n_draws
    ss = as_seed_sequence(seed)
    keep = n_draws if keep_paths is True else int(keep_paths)
    rb_draws = _rb_draws(rao_blackwell, n_draws)
    built = build_plan(
        draws,
        state,
        dtype=np.dtype(dtype),
        keep=min(keep, n_draws),
        stats=True,
        rb_draws=rb_draws,
        totals=totals,
        multiplier=multiplier,
        n_bins=n_bins,
        past_deadline=past_deadline,
        where=_WHERE,
    )
    if paths_out is not None:
        _check_paths_out(paths_out, min(keep, n_draws), state.sizes[SERIES], np.dtype(dtype))
    fetch = built.fetch if chunks is None else chunks.fetch(built)
    if backend == "dask":
        acc = _stream.run_dask(built.plan, fetch, n_draws, ss, client=client)
    else:
        acc = _stream.run_threads(built.plan, fetch, n_draws, ss, n_jobs)
    return _assemble(acc, built, draws, state, np.asarray(quantiles, float), ss, rb_draws, paths_out)


def _check_paths_out(paths_out: Any, n_keep: int, n_series: int, dtype: np.dtype) -> None:
    """Refuse a ``paths_out`` that cannot hold the kept paths (a caller's defect)."""
    out, columns = paths_out if isinstance(paths_out, tuple) and len(paths_out) == 2 else (None, None)
    columns = np.asarray(columns)
    if (
        not isinstance(out, np.ndarray)
        or out.ndim != 3
        or out.shape[0] != n_keep
        or out.shape[2] != 12
        or out.dtype != dtype
        or columns.shape != (n_series,)
        or not np.issubdtype(columns.dtype, np.integer)
        or (columns.size and (columns.min() < 0 or columns.max() >= out.shape[1]))
        or np.unique(columns).size != columns.size
    ):
        raise ValueError(
            f"The 'paths_out' parameter of {_WHERE} must be an array of shape ({n_keep}, width, 12) "
            f"of {dtype} and the distinct column of each of the {n_series} series in it. Got "
            f"{getattr(out, 'shape', out)!r} and {columns.shape} columns instead."
        )


def _rb_draws(rao_blackwell: bool | int, n_draws: int) -> int:
    """Leading draws of the Rao-Blackwellised P(met): all, none, or ``k`` rounded up to whole blocks."""
    if rao_blackwell is True or rao_blackwell is False:
        return n_draws if rao_blackwell else 0
    k = -(-int(rao_blackwell) // _stream.BLOCK_SIZE) * _stream.BLOCK_SIZE
    return min(k, n_draws)


# --------------------------------------------------------------------------- plan


class Built:
    """A plan with what is needed to label its results (internal)."""

    def __init__(self, **kw: Any) -> None:
        self.__dict__.update(kw)

    plan: _stream.Plan
    fetch: Callable[[int, int], dict[str, np.ndarray]]
    reader: Callable[[xr.Dataset], Callable[[int, int], dict[str, np.ndarray]]]
    per_draw: set[str]
    order: np.ndarray
    pct: np.ndarray
    baseline: np.ndarray
    total_info: dict[str, Any] | None


def build_plan(
    draws: xr.Dataset,
    state: xr.Dataset,
    *,
    dtype: np.dtype,
    keep: int,
    stats: bool,
    rb_draws: int,
    totals: bool | ProvinceRows,
    multiplier: xr.DataArray | np.ndarray | None,
    n_bins: int,
    past_deadline: str,
    where: str,
) -> Built:
    """Validate draws and state and turn them into a :class:`~._stream.Plan` and a block reader.

    Returns
    -------
    Built
        ``plan``, ``fetch(lo, hi)`` (per-draw parameters of draws lo:hi,
        validated), ``order`` (original series index of each plan row),
        ``pct``/``baseline`` (percent-change series) and ``total_info``.
    """
    n_series = state.sizes[SERIES]
    dyn = np.asarray(draws["dynamics"].values, dtype=object)
    last_month = np.asarray(state["last_month"].values, dtype=int)
    dl = np.clip(np.asarray(state["deadline_month"].values, dtype=int) - 1, 0, 11)
    _check_deadlines(state, dyn, past_deadline, where)
    labels = series_labels(state)
    start = np.asarray(draws["start"].values, dtype=float) if "start" in draws else np.zeros(n_series)
    simulated = dyn != "none"
    _check_values("start", start[simulated], -np.inf, np.inf, False, False, where, labels[simulated])
    start = np.nan_to_num(start)
    transform = (
        np.asarray(draws["transform"].values, dtype=object)
        if "transform" in draws
        else np.full(n_series, "identity", dtype=object)
    )
    pct = transform == "pct_change"
    baseline = (
        np.asarray(draws["baseline"].values, float) if "baseline" in draws else np.full(n_series, np.nan)
    )
    bad_base = pct & simulated & ~(baseline > 0)
    if np.any(bad_base):
        raise DataValidationError(
            f"The 'baseline' parameter of {where} must be > 0 for series with transform 'pct_change'"
            f"{_for_series(bad_base, labels)}; got {_num(baseline[bad_base][0])}. Give those series the "
            "previous year's value as baseline."
        )
    target = np.asarray(state["target"].values, float).copy()
    target[pct] = baseline[pct] * (1 + target[pct] / 100)
    sign = np.where(np.asarray(state["comparator"].values) == "<=", -1.0, 1.0)
    lower = _bound(state, "lower_bound", -np.inf, n_series)
    upper = _bound(state, "upper_bound", np.inf, n_series)
    lower[pct], upper[pct] = baseline[pct] * (1 + lower[pct] / 100), baseline[pct] * (1 + upper[pct] / 100)
    lower = np.nan_to_num(lower, nan=-np.inf)
    upper = np.nan_to_num(upper, nan=np.inf)
    mult = _check_multiplier(multiplier, n_series, where, labels)

    # Province totals: groups of regional series of one indicator.
    kind = np.asarray(state["kind"].values, dtype=object) if "kind" in state else np.full(n_series, "level")
    if isinstance(totals, ProvinceRows):
        group, total_info = _province_groups(totals, dyn, pct)
    else:
        group, total_info = _total_groups(draws, state, dyn, pct, kind, totals, where)
    # First passage of a level counts from its latest report (the rule of summarise).
    passage_start = np.where(kind == "level", np.maximum(last_month - 1, 0), 0)

    codes = {name: i for i, name in enumerate(DYNAMICS)}
    fam_code = np.array([codes[d] for d in dyn])
    order = np.lexsort((np.arange(n_series), np.where(group < 0, 10**9, group), fam_code))
    inv = np.empty_like(order)
    inv[order] = np.arange(n_series)

    lines = _report_lines(np.asarray(state["observed"].values, float), last_month, start)
    year = int(state.attrs.get("year", 2024))
    families: list[Family] = []
    needed: dict[str, np.ndarray] = {}  # per-draw parameter -> columns whose values are checked
    for name, cls in FAMILIES.items():
        rows = np.flatnonzero(dyn[order] == name)
        if rows.size == 0:
            continue
        cols = order[rows]
        static: dict[str, np.ndarray] = {
            "start": start[cols],
            "first": last_month[cols],
            "dl": dl[cols],
            "lower": lower[cols],
            "upper": upper[cols],
            "multiplier": mult[cols],
        }
        for pname, dims in FAMILY_PARAMS[name].items():
            arr = _param(draws, pname, dims, cols, where, labels)  # None: per draw, read per block
            if arr is not None:
                static[pname] = arr
            if "D" in dims or (pname == "gamma_shape" and DRAW in draws[pname].dims):
                needed[pname] = np.union1d(needed.get(pname, np.array([], int)), cols)
        if name in ("gamma", "dirichlet"):  # the families apply the multiplier themselves
            if "gamma_shape" in static:  # else a shape per draw, read per block
                static["shape"] = static["gamma_shape"]
            if "month_factor" in draws:  # a scenario's per-path effects (apply_scenario)
                factor = _param(draws, "month_factor", ("D", "S", "M"), cols, where, labels)
                if factor is None:
                    needed["month_factor"] = np.union1d(needed.get("month_factor", np.array([], int)), cols)
                else:
                    static["multiplier"] = mult[cols] * factor
        if name == "link_normal":
            static["link_code"] = _link_codes(static["link"], lower[cols], upper[cols], where)
        if name == "lognormal":
            static["days"] = month_days(year).astype(float)
            static["observed"] = np.asarray(state["observed"].values, float)[cols]
        families.append(cls(slice(int(rows[0]), int(rows[-1]) + 1), cols, static, dtype))

    overlay = []
    no_overlay = np.array([not FAMILIES[d].overlay if d in FAMILIES else True for d in dyn[order]])
    for m in range(12):
        rows = np.flatnonzero((m < last_month[order]) & ~no_overlay)
        overlay.append((rows, lines[order[rows], m]))
    settled = (dl < last_month) & simulated
    running = dyn == "lognormal"
    obs_ok = np.isfinite(np.asarray(state["observed"].values, float))
    settled[running] = [bool(obs_ok[s, : dl[s] + 1].all()) for s in np.flatnonzero(running)]
    tot = None
    if total_info is not None:
        members_plan = inv[total_info["members"]]
        # A total is reported up to the latest month all its members are reported.
        total_start = np.minimum.reduceat(passage_start[total_info["members"]], total_info["starts"])
        tot = _stream.Totals(
            members=members_plan,
            starts=total_info["starts"],
            weights=None if total_info["weights"] is None else total_info["weights"].astype(dtype),
            target=total_info["target_raw"],
            sign=total_info["sign"],
            dl=total_info["dl"],
            passage_start=total_start,
            official=total_info["official"],
        )
    plan = _stream.Plan(
        families=families,
        n_series=n_series,
        target=target[order],
        sign=sign[order],
        dl=dl[order],
        passage_start=passage_start[order],
        overlay=overlay,
        settled=settled[order],
        totals=tot,
        dtype=np.dtype(dtype),
        n_bins=n_bins,
        keep=keep,
        stats=stats,
        rb_draws=rb_draws,
        blocks_per_task=_stream.blocks_per_task(n_series),
    )

    def reader(source: xr.Dataset) -> Callable[[int, int], dict[str, np.ndarray]]:
        """The block reader of ``source`` (these draws, or a chunk of them with the same static parts)."""
        variables = {
            name: source[name].transpose(DRAW, SERIES, ...).data
            for name in needed
            if DRAW in source[name].dims
        }

        def fetch(lo: int, hi: int) -> dict[str, np.ndarray]:
            out: dict[str, np.ndarray] = {}
            for pname, cols in needed.items():
                if pname not in variables:  # no draw dim: one value per series
                    out[pname] = np.asarray(source[pname].values, float)
                    continue
                arr = variables[pname][lo:hi]
                if hasattr(arr, "compute"):
                    arr = arr.compute(scheduler="synchronous")
                arr = np.asarray(arr, dtype=float)
                lo_, hi_, lo_ok, hi_ok = _RANGES.get(pname, (-np.inf, np.inf, False, False))
                _check_values(pname, arr[:, cols], lo_, hi_, lo_ok, hi_ok, where, labels[cols], axis=1)
                out[pname] = arr
            return out

        return fetch

    per_draw = {name for name in needed if DRAW in draws[name].dims}
    return Built(
        plan=plan, fetch=reader(draws), reader=reader, per_draw=per_draw, order=order, pct=pct,
        baseline=baseline, total_info=total_info,
    )  # fmt: skip


def _bound(state: xr.Dataset, name: str, default: float, n: int) -> np.ndarray:
    if name not in state:
        return np.full(n, default)
    return np.asarray(state[name].values, float).copy()


def _report_lines(observed: np.ndarray, last_month: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Reported months joined linearly, NaN before the first report; the last one is ``start``."""
    lines = np.full(observed.shape, np.nan)
    months = np.arange(1, 13)
    for j in range(observed.shape[0]):
        m = int(last_month[j])
        if m == 0:
            continue
        seen = np.isfinite(observed[j, :m])
        if seen.any():
            lines[j, :m] = np.interp(months[:m], months[:m][seen], observed[j, :m][seen], left=np.nan)
        lines[j, m - 1] = start[j]
    return lines


def _param(
    draws: xr.Dataset,
    name: str,
    dims: tuple[str, ...],
    cols: np.ndarray,
    where: str,
    labels: np.ndarray | None = None,
) -> np.ndarray | None:
    """Read a parameter of a family, check its dims and values; None for per-draw ones (read per block)."""
    if name not in draws:
        raise DataValidationError(
            f"The '{name}' parameter of {where} is missing: the draws hold series with dynamics that need "
            f"it ({list(FAMILY_PARAMS)}). Add the variable to the parameter draws."
        )
    var = draws[name]
    full = tuple({"D": DRAW, "S": SERIES, "M": MONTH}[d] for d in dims)
    allowed = [full, tuple(d for d in full if d != DRAW)]
    if name == "gamma_shape":
        allowed.append((DRAW, SERIES, MONTH))
    if tuple(var.dims) not in allowed and set(var.dims) not in [set(a) for a in allowed]:
        raise DataValidationError(
            f"The '{name}' parameter of {where} must have dims {full}; got {tuple(var.dims)} "
            f"with shape {tuple(var.shape)}. Give it the dims of the ParameterDraws schema."
        )
    if MONTH in var.dims and var.sizes[MONTH] != 12:
        raise DataValidationError(
            f"The '{name}' parameter of {where} must have 12 months; got {var.sizes[MONTH]}."
        )
    if DRAW in var.dims:
        return None
    if name == "link":
        links: np.ndarray = np.asarray(var.values, dtype=object)[cols]
        return links
    arr: np.ndarray = np.asarray(var.transpose(SERIES, ...).values, float)[cols]
    lo, hi, lo_ok, hi_ok = _RANGES.get(name, (-np.inf, np.inf, False, False))
    _check_values(name, arr, lo, hi, lo_ok, hi_ok, where, None if labels is None else labels[cols])
    return arr


def _check_values(
    name: str,
    arr: np.ndarray,
    lo: float,
    hi: float,
    lo_ok: bool,
    hi_ok: bool,
    where: str,
    labels: np.ndarray | None = None,
    axis: int = 0,
) -> None:
    """Refuse NaN, infinite or out-of-range values of a parameter, naming it and the series.

    ``labels`` names the series along ``axis`` of ``arr`` (see :func:`series_labels`).
    """
    if arr.size == 0:
        return
    finite = np.isfinite(arr)
    if not np.all(finite):
        raise DataValidationError(
            f"The '{name}' parameter of {where} has NaN or infinite values"
            f"{_for_series(~finite, labels, axis)}; every parameter draw must be a finite number. "
            "Check the fitted model's parameter draws (or the variable you set)."
        )
    below = arr < lo if lo_ok else arr <= lo
    above = arr > hi if hi_ok else arr >= hi
    bad = np.zeros(arr.shape, bool)
    if np.isfinite(lo):
        bad |= below
    if np.isfinite(hi):
        bad |= above
    if bad.any():
        left, right = ("[" if lo_ok else "("), ("]" if hi_ok else ")")
        raise DataValidationError(
            f"The '{name}' parameter of {where} must be in the range {left}{_num(lo)}, {_num(hi)}{right}"
            f"{_for_series(bad, labels, axis)}. Got {_num(arr[bad].flat[0])} instead."
        )


def series_labels(state: xr.Dataset) -> np.ndarray:
    """``indicator/region`` of each series of the state (``series <i>`` without those coordinates)."""
    n = state.sizes[SERIES]
    if "indicator" in state.coords and "region" in state.coords:
        ind, reg = state["indicator"].values, state["region"].values
        return np.array([f"{ind[i]}/{reg[i]}" for i in range(n)], dtype=object)
    ids = state[SERIES].values if SERIES in state.coords else np.arange(n)
    return np.array([f"series {v}" for v in ids], dtype=object)


def _for_series(mask: np.ndarray, labels: np.ndarray | None, axis: int = 0) -> str:
    """`` for series a/b, c/d`` : the series (along ``axis``) where ``mask`` holds anywhere."""
    if labels is None:
        return " for the series that use it"
    per = np.moveaxis(np.asarray(mask), axis, 0).reshape(mask.shape[axis], -1).any(axis=1)
    idx = np.flatnonzero(per)
    names = ", ".join(str(labels[i]) for i in idx[:5])
    more = f" and {idx.size - 5} more" if idx.size > 5 else ""
    return f" for series {names}{more}"


def _show(x: Any) -> str:
    """A state value as plain text: a number by :func:`_num`, anything else quoted."""
    if isinstance(x, bool | np.bool_) or not isinstance(x, int | float | np.integer | np.floating):
        return repr(str(x)) if isinstance(x, str) else repr(x)
    return _num(x)


def _num(x: Any) -> str:
    """A number as plain text (``-0.5``, ``inf``), never ``np.float64(-0.5)``."""
    x = float(x)
    return str(int(x)) if x.is_integer() and abs(x) < 1e15 else repr(x)


def _link_codes(link: np.ndarray, lower: np.ndarray, upper: np.ndarray, where: str) -> np.ndarray:
    unknown = set(link) - set(LINKS)
    if unknown:
        raise DataValidationError(
            f"The 'link' parameter of {where} has unknown values {sorted(unknown)}; known: {list(LINKS)}."
        )
    code = np.array([LINKS.index(v) for v in link])
    if np.any((code == 2) & ~(np.isfinite(lower) & np.isfinite(upper) & (upper > lower))):
        raise DataValidationError(
            f"The 'link' parameter of {where} is 'logit' for a series without finite lower and upper "
            "bounds; give the series lower_bound < upper_bound in the catalogue or use link 'log'."
        )
    if np.any((code == 1) & ~np.isfinite(lower)):
        raise DataValidationError(
            f"The 'link' parameter of {where} is 'log' for a series without a finite lower bound."
        )
    return code


def _check_multiplier(
    multiplier: Any, n_series: int, where: str, labels: np.ndarray | None = None
) -> np.ndarray:
    if multiplier is None:
        return np.ones((n_series, 12))
    if isinstance(multiplier, xr.DataArray):
        multiplier = multiplier.transpose(SERIES, MONTH).values
    arr = np.asarray(multiplier, dtype=float)
    if arr.shape != (n_series, 12):
        raise DataValidationError(
            f"The 'multiplier' parameter of {where} must have shape (series, month) = ({n_series}, 12); "
            f"got {arr.shape}."
        )
    _check_values("multiplier", arr, 0.0, np.inf, True, False, where, labels)
    return arr


def _check_deadlines(state: xr.Dataset, dyn: np.ndarray, policy: str, where: str) -> None:
    as_of = state.attrs.get("as_of")
    if not as_of:
        return
    as_of_month = pd.Timestamp(str(as_of)).month
    deadline = np.asarray(state["deadline_month"].values, int)
    past = (deadline < as_of_month) & (dyn != "none")
    if not past.any() or policy == "ignore":
        return
    ids = [f"{state['indicator'].values[s]}/{state['region'].values[s]}" for s in np.flatnonzero(past)[:5]]
    text = (
        f"The 'deadline' of {int(past.sum())} series ({', '.join(ids)}) is before the as-of month "
        f"{as_of} of {where}: there is nothing to simulate before it."
    )
    if policy == "raise":
        raise DataValidationError(
            text + " Pass past_deadline='warn' to settle them from their reports, or drop those series."
        )
    warnings.warn(text + " They are settled from their reports.", ForecastWarning, stacklevel=4)


def _province_groups(
    province: ProvinceRows, dyn: np.ndarray, pct: np.ndarray
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """The totals of the province rows forecast from their prefectures (``totals=ProvinceRows``).

    A row is totalled when it has a forecast (``reason`` "") and every member
    is simulated; its weights, target, comparator and deadline are the row's
    own (:func:`~longjiang_forecast.progress._state.province_from_prefectures`).
    """
    group = np.full(dyn.size, -1)
    fields = province.fields
    rows, members = [], []
    for i in range(province.n):
        idx = np.flatnonzero(province.weights[i])
        if province.reason[i] == "" and idx.size and np.all(dyn[idx] != "none") and not pct[idx].any():
            rows.append(i)
            members.append(idx)
    if not rows:
        return group, None
    for g, idx in enumerate(members):
        group[idx] = g
    flat = np.concatenate(members)
    chosen = np.array(rows, int)
    weights = np.concatenate([province.weights[i, idx] for i, idx in zip(rows, members, strict=True)])
    target = np.asarray(fields["target"], float)[chosen]
    comparator = np.asarray(fields["comparator"], dtype=object)[chosen]
    kind = np.asarray(fields["kind"], dtype=object)[chosen]
    info = {
        "names": [str(x) for x in np.asarray(fields["indicator"])[chosen]],
        "rows": chosen,
        "members": flat,
        "starts": np.cumsum([0] + [m.size for m in members[:-1]]).astype(int),
        "weights": None if np.all(weights == 1) else weights,
        "target_raw": target,
        "target": target,
        "sign": np.where(comparator == "<=", -1.0, 1.0),
        "dl": np.clip(np.asarray(fields["deadline_month"], int)[chosen] - 1, 0, 11),
        "comparator": comparator,
        "aggregation": np.where(np.isin(kind, MONOTONE_KINDS), "sum", "mean").astype(object),
        "n_regions": np.array([m.size for m in members]),
        "equal_weights": False,
        "official": None if province.official is None else province.official[chosen],
    }
    return group, info


def _total_groups(
    draws: xr.Dataset,
    state: xr.Dataset,
    dyn: np.ndarray,
    pct: np.ndarray,
    kind: np.ndarray,
    enabled: bool,
    where: str = _WHERE,
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Group regional series by indicator for the province totals (see the design note).

    The weights are :func:`~longjiang_forecast._core.province.province_weights`, the one definition
    of a province total (also used for the province rows forecast from their prefectures).
    """
    n = dyn.size
    group = np.full(n, -1)
    if not enabled or "indicator" not in state.coords or "region" not in state.coords:
        return group, None
    indicator = np.asarray(state["indicator"].values, dtype=object)
    region = np.asarray(state["region"].values, dtype=object)
    pop = None
    for src in (draws, state):
        if "population" in src:
            pop = np.asarray(src["population"].values, float)
            break
    regional = (region != PROVINCE) & (dyn != "none") & ~pct
    names: list[str] = []
    members: list[np.ndarray] = []
    for ind in pd.unique(indicator[regional]):
        idx = np.flatnonzero(regional & (indicator == ind))
        if idx.size < 2 or len(set(kind[idx])) != 1:
            continue
        names.append(str(ind))
        members.append(idx)
    if not names:
        return group, None
    starts = np.cumsum([0] + [m.size for m in members[:-1]])
    flat = np.concatenate(members)
    weights = np.ones(flat.size)
    aggregation = []
    target_raw, target_out, sign, dl, comparator = [], [], [], [], []
    equal_weights = False
    s_target = np.asarray(state["target"].values, float)
    s_sign = np.where(np.asarray(state["comparator"].values) == "<=", -1.0, 1.0)
    s_dl = np.clip(np.asarray(state["deadline_month"].values, int) - 1, 0, 11)
    for g, (ind, idx) in enumerate(zip(names, members, strict=True)):
        group[idx] = g
        rule, w, equal = province_weights(
            kind[idx[0]], pop[idx] if pop is not None else np.full(idx.size, np.nan)
        )
        aggregation.append(rule)
        equal_weights |= equal
        weights[starts[g] : starts[g] + idx.size] = w
        prov = np.flatnonzero((indicator == ind) & (region == PROVINCE))
        if prov.size:
            # The province row may be one that is not simulated: its state is checked here.
            check_state(state.isel({SERIES: prov[:1]}), np.array(["province total"]), where)
            t = s_target[prov[0]]
            sign.append(s_sign[prov[0]])
            dl.append(s_dl[prov[0]])
            comparator.append(str(state["comparator"].values[prov[0]]))
        else:
            t = s_target[idx].sum() if rule == "sum" else float(np.dot(w, s_target[idx]))
            sign.append(s_sign[idx[0]])
            dl.append(int(s_dl[idx].max()))
            comparator.append(str(state["comparator"].values[idx[0]]))
        target_raw.append(t)
        target_out.append(t)
    if equal_weights:
        warnings.warn(
            "Province totals of ratios are weighted equally: neither the draws nor the state has a "
            "'population' variable (add the regions' population_2020 from load_regions()).",
            ForecastWarning,
            stacklevel=4,
        )
    info = {
        "names": names,
        "members": flat,
        "starts": starts.astype(int),
        "weights": None if np.all(weights == 1) else weights,
        "target_raw": np.array(target_raw),
        "target": np.array(target_out),
        "sign": np.array(sign),
        "dl": np.array(dl, int),
        "comparator": np.array(comparator, dtype=object),
        "aggregation": np.array(aggregation, dtype=object),
        "n_regions": np.array([m.size for m in members]),
        "equal_weights": equal_weights,
        "official": None,
    }
    return group, info


# --------------------------------------------------------------------------- checks


def _check_options(
    n_jobs: Any,
    backend: Any,
    keep_paths: Any,
    quantiles: Any,
    n_bins: Any,
    dtype: Any,
    past_deadline: Any,
) -> None:
    check_n_jobs(n_jobs, _WHERE)
    if backend not in ("threads", "dask"):
        raise ValueError(
            f"The 'backend' parameter of {_WHERE} must be a str among {{'threads', 'dask'}}. "
            f"Got {backend!r} instead."
        )
    if not isinstance(keep_paths, bool | int | np.integer) or (
        not isinstance(keep_paths, bool) and keep_paths < 0
    ):
        raise ValueError(
            f"The 'keep_paths' parameter of {_WHERE} must be a bool or an int in the range [0, inf). "
            f"Got {keep_paths!r} instead."
        )
    q = np.asarray(quantiles, dtype=float)
    if q.ndim != 1 or q.size == 0 or np.any(~np.isfinite(q)) or np.any((q < 0) | (q > 1)):
        raise ValueError(
            f"The 'quantiles' parameter of {_WHERE} must be a sequence of floats in the range [0, 1]. "
            f"Got {quantiles!r} instead."
        )
    check_count(_WHERE, "n_bins", n_bins, low=16)
    if dtype not in ("float32", "float64"):
        raise ValueError(
            f"The 'dtype' parameter of {_WHERE} must be a str among {{'float32', 'float64'}}. "
            f"Got {dtype!r} instead."
        )
    if past_deadline not in ("raise", "warn", "ignore"):
        raise ValueError(
            f"The 'past_deadline' parameter of {_WHERE} must be a str among {{'raise', 'warn', 'ignore'}}. "
            f"Got {past_deadline!r} instead."
        )


def check_n_jobs(n_jobs: Any, where: str) -> None:
    """Refuse an ``n_jobs`` that is not a whole number >= 1 (bools and floats included)."""
    check_count(where, "n_jobs", n_jobs, note="the number of threads")


def check_state(state: xr.Dataset, dyn: np.ndarray, where: str) -> None:
    """Check the state fields the engine reads for the simulated series (``dyn`` != "none").

    Raises
    ------
    DataValidationError
        If a simulated series has a comparator other than ">=" or "<=", a
        ``deadline_month`` that is not a whole month 1-12, a ``last_month``
        outside 0-12, or a NaN or infinite ``target``. The message names the
        field, the series (indicator/region) and how to fix it.
    """
    labels = series_labels(state)
    sim = np.asarray(dyn, dtype=object) != "none"
    rebuild = " Fix the catalogue row and rebuild the state with build_state()."
    comp = np.asarray(state["comparator"].values, dtype=object)
    bad = sim & np.array([not (isinstance(c, str) and c in (">=", "<=")) for c in comp], bool)
    if bad.any():
        raise DataValidationError(
            f"The 'comparator' of the state of {where} must be '>=' (at least the target) or '<=' "
            f"(at most the target){_for_series(bad, labels)}; got {_show(comp[bad][0])}." + rebuild
        )
    for name, lo, hi, meaning in (
        ("deadline_month", 1, 12, "the month whose report the deadline is judged on"),
        ("last_month", 0, 12, "the month of the latest report, 0 if none"),
    ):
        if name not in state:
            continue
        raw = np.asarray(state[name].values)
        try:
            val = raw.astype(float)
        except (TypeError, ValueError):
            val = np.full(raw.shape, np.nan)
        bad = sim & ~(np.isfinite(val) & (val == np.round(val)) & (val >= lo) & (val <= hi))
        if bad.any():
            note = (
                " A deadline before the end of January (month 0) has no report of the year to be judged on."
                if name == "deadline_month"
                else ""
            )
            raise DataValidationError(
                f"The '{name}' of the state of {where} must be a whole month in {lo}-{hi} ({meaning})"
                f"{_for_series(bad, labels)}; got {_show(raw[bad][0])}.{note}" + rebuild
            )
    target = np.asarray(state["target"].values, dtype=float)
    bad = sim & ~np.isfinite(target)
    if bad.any():
        raise DataValidationError(
            f"The 'target' of the state of {where} is NaN or infinite{_for_series(bad, labels)}: "
            "P(met) cannot be computed without a target. Give those catalogue rows a numeric target "
            "(build_state() keeps only rows with one), or set their dynamics to 'none'."
        )


def _check_draws(draws: xr.Dataset, state: xr.Dataset, where: str) -> int:
    if DRAW not in draws.dims or draws.sizes[DRAW] < 1:
        raise DataValidationError(f"The 'draws' parameter of {where} must have a 'draw' dim of length >= 1.")
    if draws.sizes.get(SERIES) != state.sizes.get(SERIES):
        raise DataValidationError(
            f"The 'draws' parameter of {where} has {draws.sizes.get(SERIES)} series but the state has "
            f"{state.sizes.get(SERIES)}. Sample the draws from a model fitted to this state."
        )
    if "dynamics" not in draws:
        raise DataValidationError(f"The 'dynamics' parameter of {where} is missing from the draws.")
    unknown = set(np.unique(np.asarray(draws["dynamics"].values, dtype=str))) - set(DYNAMICS)
    if unknown:
        raise DataValidationError(
            f"The 'dynamics' parameter of {where} has unknown values {sorted(unknown)}; "
            f"known: {list(DYNAMICS)}."
        )
    for name in ("observed", "last_month", "deadline_month", "target", "comparator"):
        if name not in state:
            raise DataValidationError(
                f"The 'state' parameter of {where} has no '{name}' variable; build it with build_state()."
            )
    if state.sizes.get(MONTH) != 12:
        raise DataValidationError(
            f"The 'state' parameter of {where} must have 12 months; got {state.sizes.get(MONTH)}."
        )
    check_state(state, np.asarray(draws["dynamics"].values, dtype=object), where)
    return int(draws.sizes[DRAW])


# --------------------------------------------------------------------------- results


def _assemble(
    acc: _stream.Accumulator,
    built: Built,
    draws: xr.Dataset,
    state: xr.Dataset,
    q: np.ndarray,
    ss: np.random.SeedSequence,
    rb_draws: int,
    paths_out: tuple[np.ndarray, np.ndarray] | None = None,
) -> xr.Dataset:
    a = acc.acc
    assert a is not None
    n = int(a["n"])
    order = built.order
    plan = built.plan

    def orig(x: np.ndarray) -> np.ndarray:
        out = np.empty_like(x)
        out[order] = x
        return out

    dyn = np.asarray(draws["dynamics"].values, dtype=object)
    none = dyn == "none"
    p = orig(a["met"] / n)
    fp = orig(a["fp"] / n)
    sf, sf_se = (orig(x) for x in _stats.mean_se(a["sf1"], a["sf2"], n))
    qv, qerr = _stats.histogram_quantiles(a["hist"], *_edges_of(a, plan, ""), q, a["vmin_n"], a["vmax_n"])
    qv, qerr = orig(qv), orig(qerr)
    vmin, vmax = orig(np.asarray(a["vmin"], float)), orig(np.asarray(a["vmax"], float))
    pct, base = built.pct, built.baseline
    if pct.any():
        qv[pct] = 100 * (qv[pct] / base[pct, None] - 1)
        qerr[pct] = 100 * qerr[pct] / base[pct, None]
        vmin[pct], vmax[pct] = 100 * (vmin[pct] / base[pct] - 1), 100 * (vmax[pct] / base[pct] - 1)
        sf[pct], sf_se[pct] = 100 * sf[pct] / base[pct], 100 * sf_se[pct] / base[pct]
    kind = np.asarray(state["kind"].values, dtype=object) if "kind" in state else np.full(dyn.size, "level")
    fp[~np.isin(kind, [*MONOTONE_KINDS, "level"])] = np.nan
    se = _stats.proportion_se(p, n)
    for arr in (p, se, sf, sf_se, vmin, vmax):
        arr[none] = np.nan
    for arr in (fp, qv, qerr):
        arr[none] = np.nan
    data: dict[str, Any] = {
        "p_met": (SERIES, p),
        "p_met_se": (SERIES, se),
    }
    if rb_draws:
        rb, rb_se = (orig(x) for x in _stats.mean_se(a["rb1"], a["rb2"], int(a["rb_n"])))
        data["p_met_rb"] = (SERIES, rb)
        data["p_met_rb_se"] = (SERIES, rb_se)
    data.update(
        {
            "deadline_value": ((SERIES, QUANTILE), qv),
            "deadline_value_error": ((SERIES, QUANTILE), qerr),
            "deadline_min": (SERIES, vmin),
            "deadline_max": (SERIES, vmax),
            "first_passage_cdf": ((SERIES, MONTH), fp),
            "expected_shortfall": (SERIES, sf),
            "expected_shortfall_se": (SERIES, sf_se),
            "target": (SERIES, np.asarray(state["target"].values, float)),
            "comparator": (SERIES, np.asarray(state["comparator"].values, dtype=object)),
            "dynamics": (SERIES, dyn),
        }
    )
    coords: dict[str, Any] = {
        SERIES: state[SERIES].values,
        QUANTILE: q,
        MONTH: state[MONTH].values,
    }
    for name in ("indicator", "region"):
        if name in state.coords:
            coords[name] = (SERIES, state[name].values)
    info = built.total_info
    if info is not None:
        tp = a["t_met"] / n
        tq, tqe = _stats.histogram_quantiles(
            a["t_hist"], *_edges_of(a, plan, "t_"), q, a["t_vmin_n"], a["t_vmax_n"]
        )
        tsf, tsf_se = _stats.mean_se(a["t_sf1"], a["t_sf2"], n)
        data.update(
            {
                "total_p_met": (TOTAL, tp),
                "total_p_met_se": (TOTAL, _stats.proportion_se(tp, n)),
                "total_deadline_value": ((TOTAL, QUANTILE), tq),
                "total_deadline_value_error": ((TOTAL, QUANTILE), tqe),
                "total_first_passage_cdf": ((TOTAL, MONTH), a["t_fp"] / n),
                "total_expected_shortfall": (TOTAL, tsf),
                "total_expected_shortfall_se": (TOTAL, tsf_se),
                "total_target": (TOTAL, info["target"]),
                "total_comparator": (TOTAL, info["comparator"]),
                "total_aggregation": (TOTAL, info["aggregation"]),
                "total_n_regions": (TOTAL, info["n_regions"]),
            }
        )
        if "rows" in info:
            data["total_row"] = (TOTAL, info["rows"])
        coords[TOTAL] = np.array(info["names"], dtype=object)
    if acc.paths and paths_out is not None:
        kept_paths(acc, built, paths_out)
    elif acc.paths:
        paths = kept_paths(acc, built)
        data["paths"] = ((DRAW, SERIES, MONTH), paths)
        coords[DRAW] = np.arange(paths.shape[0])
    out = xr.Dataset(
        data,
        coords=coords,
        attrs=make_attrs(
            n_draws=n,
            p_met_rb_draws=int(a["rb_n"]) if rb_draws else 0,
            seed_entropy=str(ss.entropy),
            block_size=_stream.BLOCK_SIZE,
            dtype=str(plan.dtype),
            n_bins=plan.n_bins,
            quantile_method="fixed-bin histogram, bins set from the first block (see deadline_value_error)",
            sample_dims="draw",
            model=draws.attrs.get("model"),
            as_of=state.attrs.get("as_of"),
            province_weights=(
                None
                if info is None
                else ("equal (no population variable)" if info["equal_weights"] else "population")
            ),
        ),
    )
    return describe(out, state["unit"].values if "unit" in state else ())


def _edges_of(
    a: Mapping[str, Any], plan: _stream.Plan, prefix: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    lo, width = a["edges"][f"{prefix}lo"], a["edges"][f"{prefix}width"]
    return lo, width, np.asarray(a[f"{prefix}vmin"], float), np.asarray(a[f"{prefix}vmax"], float)


def kept_paths(
    acc: _stream.Accumulator, built: Built, out: tuple[np.ndarray, np.ndarray] | None = None
) -> np.ndarray:
    """The kept paths (draw, series, month) in the original series order and the target's terms.

    Percent-change series are simulated as values and shown as the percent
    change against their baseline. With ``out`` (an array and each series' column in it, see
    ``paths_out`` of :func:`simulate_summary`) they are written there and that array is returned.
    """
    blocks = acc.paths
    if out is None:
        columns = np.arange(built.order.size)
        paths = np.empty((sum(len(b) for b in blocks), *blocks[0].shape[1:]), blocks[0].dtype)
    else:
        paths, columns = out[0], np.asarray(out[1])
    placed = columns[built.order]  # the column of each plan row
    start = 0
    while blocks:  # each block is freed once copied: the kept paths are held once, not twice
        block = blocks.pop(0)
        paths[start : start + len(block), placed] = block
        start += len(block)
    pct = built.pct
    if pct.any():
        cols, base = columns[pct], built.baseline[pct, None].astype(paths.dtype)
        paths[:, cols] = 100 * (paths[:, cols] / base - 1)
    return paths
