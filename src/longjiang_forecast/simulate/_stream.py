"""The streaming engine: blocks of draws in, summary statistics out.

One block of draws is simulated month by month in a row of shape
``(n_series, n_draws_in_block)``: each month's increments are drawn, added in
place to the previous month's row (no ``cumsum`` over a 12-long axis) and the
row is consumed at once by the summaries (first-passage counts, the deadline
value, province totals; one fused numba pass each, see ``_kernels.py``), so
memory does not depend on the number of draws.

Block ``i`` always draws from child ``i`` of the seed (:func:`block_seed`), which
seeds both of its streams (numpy's ``Generator`` and the fused kernels' own
xoshiro256++ generator, ``_random.py``), and blocks are folded in block order
(:class:`Accumulator`), so the results are identical whatever the number of
threads or Dask workers.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._core.province import benchmark_to_official
from . import _kernels, _stats  # _stats: the streaming statistics, see docs/design/002
from ._families import Family
from ._random import BlockStreams

#: Draws per random stream and per task. Fixed, so that a seed gives the same
#: numbers whatever the threads or workers.
BLOCK_SIZE = 1024

#: Names of the integer statistics (summed) and float statistics (folded in block order).
_INT_STATS = ("met", "fp", "hist", "rb_n", "t_met", "t_fp", "t_hist")
_FLOAT_STATS = ("sf1", "sf2", "rb1", "rb2", "t_sf1", "t_sf2")
#: The extremes of the deadline values and how many values are at each (of the rows, ``t_`` of the totals).
_EXTREMES = ("vmin", "vmin_n", "vmax", "vmax_n")


@dataclass
class Totals:
    """Province totals computed on joint paths (plan order).

    Attributes
    ----------
    members : ndarray of int
        Plan rows of the members, group after group.
    starts : ndarray of int, shape (n_totals,)
        Offset of each group in ``members``.
    weights : ndarray of shape (len(members),) or None
        Weight of each member (1 for sums; population shares for means).
    target, sign : ndarray of shape (n_totals,)
        Target (raw scale) and +1 for ``>=``, -1 for ``<=``.
    dl : ndarray of int, shape (n_totals,)
        Deadline month index (0-11).
    passage_start : ndarray of int, shape (n_totals,)
        Month index from which a first passage counts (levels: the latest
        report all members have; 0 otherwise).
    official : ndarray of shape (n_totals, 12) or None
        The province's own figure of each month where it agrees with its
        members' total, NaN elsewhere: the total is put on it
        (:func:`~longjiang_forecast._core.province.benchmark_to_official`).
    """

    members: np.ndarray
    starts: np.ndarray
    weights: np.ndarray | None
    target: np.ndarray
    sign: np.ndarray
    dl: np.ndarray
    passage_start: np.ndarray
    official: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of totals."""
        return int(self.starts.size)


@dataclass
class Plan:
    """Everything a block needs, as plain arrays, in plan (family-sorted) row order.

    Attributes
    ----------
    families : list of Family
        Each owns a contiguous slice of rows.
    n_series : int
        Rows of the month row (all series, including those not simulated, which stay NaN).
    target, sign : ndarray of shape (n_series,)
        Target on the raw (simulated) scale and +1 / -1 for ``>=`` / ``<=``.
    dl : ndarray of int, shape (n_series,)
        Deadline month index (0-11).
    passage_start : ndarray of int, shape (n_series,)
        Month index from which a first passage counts: a level's latest report
        (a level can fall back below its target), 0 for the other kinds.
    overlay : list of (rows, values)
        For each month, the rows holding a report (or a value interpolated
        between reports) and those values: written over the simulated row.
    settled : ndarray of bool, shape (n_series,)
        Series whose deadline value is already reported (their exact P(met) is 0 or 1).
    totals : Totals or None
    dtype : numpy dtype
    n_bins : int
    keep : int
        Number of leading draws (of the whole run) whose full paths are returned.
    stats : bool
        Whether to compute the summaries (False: paths only).
    rb_draws : int
        Number of leading draws (of the whole run, a multiple of
        :data:`BLOCK_SIZE` or more than there are) on which the
        Rao-Blackwellised P(met) is computed; 0 for none.
    blocks_per_task : int
        Blocks simulated side by side by one task (:func:`blocks_per_task`);
        the numbers do not depend on it.
    """

    families: list[Family]
    n_series: int
    target: np.ndarray
    sign: np.ndarray
    dl: np.ndarray
    passage_start: np.ndarray
    overlay: list[tuple[np.ndarray, np.ndarray]]
    settled: np.ndarray
    totals: Totals | None
    dtype: np.dtype
    n_bins: int = _stats.N_BINS
    keep: int = 0
    stats: bool = True
    rb_draws: int = 0
    blocks_per_task: int = 1


#: Cells (series × draws) a task aims at. Blocks are small (a stream per 1,024 draws), so a job
#: with few series runs several blocks side by side in one task; the Python between kernel calls
#: (which holds the GIL) is then paid once per task. 2^17 cells keep a task's rows in the
#: cache; measured on the 20-series Gaussian job (docs/design/002-simulation-core.md).
TASK_CELLS = 2**17

#: Most blocks in a task (bounds a task's memory when there are very few series).
MAX_BLOCKS_PER_TASK = 16


def blocks_per_task(n_series: int) -> int:
    """Blocks that one task runs side by side for ``n_series`` rows: about :data:`TASK_CELLS` cells."""
    return int(np.clip(TASK_CELLS // max(n_series * BLOCK_SIZE, 1), 1, MAX_BLOCKS_PER_TASK))


def block_seed(seed: np.random.SeedSequence, index: int) -> np.random.SeedSequence:
    """Child ``index`` of ``seed``: identical to ``seed.spawn(n)[index]`` on a fresh copy of ``seed``."""
    return np.random.SeedSequence(seed.entropy, spawn_key=(*seed.spawn_key, index), pool_size=seed.pool_size)


def block_bounds(n_draws: int) -> list[tuple[int, int]]:
    """Draw ranges ``[lo, hi)`` of the blocks of :data:`BLOCK_SIZE` draws."""
    return [(lo, min(n_draws, lo + BLOCK_SIZE)) for lo in range(0, n_draws, BLOCK_SIZE)]


def run_blocks(
    plan: Plan,
    params: Mapping[str, np.ndarray],
    sizes: Sequence[int],
    seeds: Sequence[np.random.SeedSequence | np.random.Generator],
    edges: Mapping[str, np.ndarray] | None,
    keep: int = 0,
    rb_draws: int = 0,
) -> list[dict[str, Any]]:
    """Simulate consecutive blocks of draws side by side and reduce each to its summary statistics.

    The blocks share the month rows (one pass per month for all of them, so
    that the Python between kernel calls is paid once per task, not per
    block), but each draws from its own streams and gets its own statistics:
    the numbers are the same as when each block runs alone.

    Parameters
    ----------
    plan : Plan
    params : mapping of str to ndarray
        The blocks' per-draw parameters, each of shape (sum(sizes), n_series_original)
        (or (sum(sizes), n_series_original, 12)).
    sizes : sequence of int
        Draws in each block, in order.
    seeds : sequence of numpy.random.SeedSequence or Generator
        Each block's seed (:func:`block_seed`): it seeds both the numpy
        ``Generator`` and the fused kernels' xoshiro256++ state
        (:class:`~._random.BlockStreams`).
    edges : mapping or None
        Histogram bins (``lo``, ``width``, ``t_lo``, ``t_width``); None while they
        are not known (the first block sets them): each block then returns its
        deadline values (``dv``, ``t_dv``), to be binned by the caller
        (:func:`make_edges` for the first block, :func:`bin_block` for the rest).
    keep : int, default 0
        Number of leading draws (of the first block on) whose full paths are returned.
    rb_draws : int, default 0
        Number of leading draws (of the first block on) whose exact conditional P(met) is
        summed (``rb1``/``rb2``, ``rb_n``); the blocks after them carry no such sums.

    Returns
    -------
    list of dict
        One per block: ``n`` (draws), integer counts ``met`` (n_series,), ``fp``
        (n_series, 12), ``hist`` (n_series, n_bins + 2); float sums
        ``sf1``/``sf2`` (shortfall and its square), ``rb1``/``rb2`` (exact
        conditional P(met) and its square, over ``rb_n`` draws: the block's
        or none); ``vmin``/``vmax``; the same with
        prefix ``t_`` for totals. The first also holds ``paths`` (n_keep,
        n_series, 12) when there are kept draws.
    """
    rs = BlockStreams(seeds, sizes)
    n = int(rs.ends[-1])
    dt = plan.dtype
    s = plan.n_series
    fams = [copy.copy(f) for f in plan.families]
    for f in fams:
        f.begin(params, n)
    keep = min(keep, n)
    rows = [np.full((s, n), np.nan, dt), np.full((s, n), np.nan, dt)]
    paths = np.empty((keep, s, 12), dt) if keep else None
    t = plan.totals
    if plan.stats:
        watch = [_Watch(plan.target, plan.sign, plan.dl, plan.passage_start, s, n, dt, rs.ends)]
        if t is not None:
            # a total summed in floating point reaches a target its reports meet on paper (19.67 as
            # 19.669999999999998 was reached a month late, and missed at a reported deadline)
            at_target = t.target - t.sign * 1e-9 * np.maximum(np.abs(t.target), 1.0)
            watch.append(_Watch(at_target, t.sign, t.dl, t.passage_start, t.n, n, dt, rs.ends))
            agg = np.empty((t.n, n), dt)
            weights = np.ones(t.members.size, dt) if t.weights is None else t.weights.astype(dt)
            offset = np.zeros((t.n, n), dt)
    prev: np.ndarray | None = None
    for m in range(12):
        cur = rows[m % 2]
        for f in fams:
            f.step(m, None if prev is None else prev[f.rows], cur[f.rows], rs)
        orow, oval = plan.overlay[m]
        if orow.size:
            cur[orow] = oval.astype(dt)[:, None]
        if paths is not None:
            paths[:, :, m] = cur[:, :keep].T
        if plan.stats:
            watch[0].month(cur, m)
            if t is not None:
                _kernels.aggregate(cur, t.members, t.starts, weights, agg)
                if t.official is not None:
                    benchmark_to_official(agg, t.official[:, m], offset)
                watch[1].month(agg, m)
        prev = cur
    cols = rs.columns(n)
    outs: list[dict[str, Any]] = [{"n": c.stop - c.start} for c in cols]
    if paths is not None:
        outs[0]["paths"] = paths
    if not plan.stats:
        return outs
    for w, prefix in zip(watch, ("", "t_"), strict=False):
        for g, stats in enumerate(w.deadline_stats(prefix)):
            outs[g].update(stats)
    if rb_draws > 0:
        p_rows = [(f.rows, f.conditional_p(plan.target[f.rows], plan.sign[f.rows])) for f in fams]
        settled = np.flatnonzero(plan.settled)
        for out, c in zip(outs, cols, strict=True):
            if c.stop > rb_draws:  # past the leading draws (which end on a block's edge): no sums
                continue
            rb1 = np.full(s, np.nan)
            rb2 = np.full(s, np.nan)
            for r, p in p_rows:
                if p is not None:
                    rb1[r] = p[:, c].sum(axis=1)
                    rb2[r] = np.square(p[:, c]).sum(axis=1)
            if settled.size:  # the deadline value is a report: the block's met count is 0 or n
                rb1[settled] = rb2[settled] = out["met"][settled]
            out["rb1"], out["rb2"], out["rb_n"] = rb1, rb2, np.array(c.stop - c.start)
    if edges is None:  # the bins are not known yet: the caller bins these values
        for out, c in zip(outs, cols, strict=True):
            out["dv"] = watch[0].dv[:, c]
            if t is not None:
                out["t_dv"] = watch[1].dv[:, c]
    else:
        for out, c in zip(outs, cols, strict=True):
            bin_block(
                out, watch[0].dv[:, c], watch[1].dv[:, c] if t is not None else None, edges, plan.n_bins
            )
    return outs


class _Watch:
    """Running statistics of a task's rows ``(n_rows, n_draws)``: first passage and deadline value."""

    def __init__(
        self,
        target: np.ndarray,
        sign: np.ndarray,
        dl: np.ndarray,
        passage_start: np.ndarray,
        rows: int,
        n: int,
        dt: np.dtype,
        ends: np.ndarray,
    ):
        self.target, self.sign = np.asarray(target, float), np.asarray(sign, float)
        self.passage_start = np.asarray(passage_start, int)
        self.tgt = self.target.astype(dt)
        self.ends = ends
        self.at = [dl == m for m in range(12)]
        self.hit = np.zeros((rows, n), bool)
        self.fp = np.zeros((ends.size, rows, 12), np.int64)
        self.dv = np.full((rows, n), np.nan, dt)

    def month(self, x: np.ndarray, m: int) -> None:
        """Consume month ``m`` of the rows ``x`` (one fused pass).

        A row's first passage counts from month ``passage_start``: earlier hits are
        forgotten there, and its counts before it are 0.
        """
        self.hit[self.passage_start == m] = False
        _kernels.passage(x, self.tgt, self.sign, self.at[m], m, self.ends, self.hit, self.fp, self.dv)
        self.fp[:, self.passage_start > m, m] = 0

    def deadline_stats(self, prefix: str) -> list[dict[str, np.ndarray]]:
        """Per block: met counts, shortfall sums and extremes of the deadline values, first-passage counts."""
        shape = (self.ends.size, self.dv.shape[0])
        met = np.empty(shape, np.int64)
        vmin_n, vmax_n = np.empty(shape, np.int64), np.empty(shape, np.int64)
        sf1, sf2, vmin, vmax = (np.empty(shape) for _ in range(4))
        _kernels.deadline_stats(
            self.dv, self.target, self.tgt, self.sign, self.ends, met, sf1, sf2, vmin, vmin_n, vmax, vmax_n
        )
        return [
            {
                f"{prefix}met": met[g],
                f"{prefix}sf1": sf1[g],
                f"{prefix}sf2": sf2[g],
                f"{prefix}vmin": vmin[g],
                f"{prefix}vmin_n": vmin_n[g],
                f"{prefix}vmax": vmax[g],
                f"{prefix}vmax_n": vmax_n[g],
                f"{prefix}fp": self.fp[g],
            }
            for g in range(self.ends.size)
        ]


def bin_block(
    out: dict[str, Any],
    dv: np.ndarray,
    t_dv: np.ndarray | None,
    edges: Mapping[str, np.ndarray],
    n_bins: int,
) -> None:
    """Add the histograms of a block's deadline values to its statistics ``out``."""
    out["hist"] = _stats.histogram_counts(dv, edges["lo"], edges["width"], n_bins)
    if t_dv is not None:
        out["t_hist"] = _stats.histogram_counts(t_dv, edges["t_lo"], edges["t_width"], n_bins)


def make_edges(first: dict[str, Any], n_bins: int) -> dict[str, np.ndarray]:
    """Histogram bins from the first block's deadline values (and bin that block)."""
    lo, width = _stats.histogram_range(first["dv"], n_bins)
    edges = {"lo": lo, "width": width}
    if "t_dv" in first:
        edges["t_lo"], edges["t_width"] = _stats.histogram_range(first["t_dv"], n_bins)
    bin_block(first, first.pop("dv"), first.pop("t_dv", None), edges, n_bins)
    return edges


class Accumulator:
    """Fold block statistics in block order: integer counts add, float sums in a fixed order."""

    def __init__(self) -> None:
        self.acc: dict[str, Any] | None = None
        self.paths: list[np.ndarray] = []

    def add(self, block: dict[str, Any]) -> None:
        """Fold the next block (blocks must come in block order)."""
        if "paths" in block:
            self.paths.append(block.pop("paths"))
        folded = (*_INT_STATS, *_FLOAT_STATS, *(f"{p}{k}" for p in ("", "t_") for k in _EXTREMES))
        if self.acc is None:  # own copies, written in place from now on (no allocation per block)
            self.acc = {k: np.array(v) if k in folded else v for k, v in block.items()}
            return
        a = self.acc
        a["n"] += block["n"]
        for key in (*_INT_STATS, *_FLOAT_STATS):
            if key in block:
                np.add(a[key], block[key], out=a[key])
        for key, pick in (("vmin", np.fmin), ("t_vmin", np.fmin), ("vmax", np.fmax), ("t_vmax", np.fmax)):
            if key in block:  # the values at the new extreme: each side's where its extreme is it (any order)
                new = pick(a[key], block[key])
                n_a, n_b = a[f"{key}_n"], block[f"{key}_n"]
                count = np.where(a[key] == new, n_a, 0) + np.where(block[key] == new, n_b, 0)
                a[f"{key}_n"] = np.where((n_a < 0) | (n_b < 0), -1, count)  # a NaN block: unknown for good
                a[key][...] = new

    def add_all(self, blocks: list[dict[str, Any]]) -> None:
        """Fold a task's blocks, in order."""
        for block in blocks:
            self.add(block)


def run_threads(
    plan: Plan,
    fetch: Callable[[int, int], Mapping[str, np.ndarray]],
    n_draws: int,
    seed: np.random.SeedSequence,
    n_jobs: int,
) -> Accumulator:
    """Run every block on ``n_jobs`` threads, grouped into tasks; fold the blocks in block order.

    Parameters
    ----------
    plan : Plan
    fetch : callable
        ``fetch(lo, hi)`` returns the per-draw parameters of draws ``lo:hi``.
    n_draws : int
    seed : numpy.random.SeedSequence
    n_jobs : int
        Threads (the numba kernels, numpy's generators and ufuncs release the GIL).

    Returns
    -------
    Accumulator
    """
    bounds = block_bounds(n_draws)
    tasks = task_blocks(len(bounds), plan.blocks_per_task)
    acc = Accumulator()
    edges: dict[str, np.ndarray] | None = None  # the histogram bins, set from block 0 once it is done

    def task(blocks: range) -> list[dict[str, Any]]:
        # the tasks that start while block 0 runs do not wait for its bins: they return their
        # deadline values, binned below with the same bins (the same counts as binned in the task)
        return run_blocks(plan, *_task_args(plan, fetch, bounds, blocks, seed, edges))

    def fold(result: list[dict[str, Any]]) -> None:
        nonlocal edges
        for block in result:
            if edges is None:  # block 0, the first folded: it sets the bins
                edges = make_edges(block, plan.n_bins) if plan.stats else {}
                block["edges"] = edges
            elif "dv" in block:
                bin_block(block, block.pop("dv"), block.pop("t_dv", None), edges, plan.n_bins)
            acc.add(block)

    if n_jobs <= 1:
        for blocks in tasks:
            fold(task(blocks))
        return acc
    with ThreadPoolExecutor(max_workers=n_jobs) as pool:
        for result in _in_order(lambda i: pool.submit(task, tasks[i]), range(len(tasks)), 2 * n_jobs):
            fold(result)
    return acc


def task_blocks(n_blocks: int, per_task: int) -> list[range]:
    """Blocks of each task: block 0 alone (it sets the histogram bins), then ``per_task`` at a time."""
    return [range(0, 1)] + [range(i, min(i + per_task, n_blocks)) for i in range(1, n_blocks, per_task)]


def _task_args(
    plan: Plan,
    fetch: Callable[[int, int], Mapping[str, np.ndarray]],
    bounds: list[tuple[int, int]],
    blocks: range,
    seed: np.random.SeedSequence,
    edges: Mapping[str, np.ndarray] | None,
) -> tuple[Any, ...]:
    """The arguments of :func:`run_blocks` after ``plan`` for a task's ``blocks``."""
    lo, hi = bounds[blocks[0]][0], bounds[blocks[-1]][1]
    sizes = [bounds[b][1] - bounds[b][0] for b in blocks]
    seeds = [block_seed(seed, b) for b in blocks]
    return fetch(lo, hi), sizes, seeds, edges, _leading(plan.keep, lo, hi), _leading(plan.rb_draws, lo, hi)


def _leading(count: int, lo: int, hi: int) -> int:
    """How many of the draws ``lo:hi`` are among the first ``count`` of the run."""
    return int(np.clip(count - lo, 0, hi - lo))


def _in_order(submit: Callable[[int], Future[Any]], indices: range, window: int) -> Iterator[Any]:
    """Yield the results of ``submit(i)`` in order, keeping at most ``window`` tasks in flight."""
    pending: list[Any] = []
    it = iter(indices)
    for i in it:
        pending.append(submit(i))
        if len(pending) >= window:
            break
    while pending:
        fut = pending.pop(0)
        nxt = next(it, None)
        if nxt is not None:
            pending.append(submit(nxt))
        yield fut.result()


def run_dask(
    plan: Plan,
    fetch: Callable[[int, int], Mapping[str, np.ndarray]],
    n_draws: int,
    seed: np.random.SeedSequence,
    client: Any = None,
) -> Accumulator:
    """Run one Dask task per group of blocks and fold the blocks in block order, as :func:`run_threads`.

    Parameters
    ----------
    plan, fetch, n_draws, seed
        See :func:`run_threads`.
    client : dask.distributed.Client, optional
        Cluster to run on; default the current client if there is one,
        otherwise Dask's default scheduler.

    Returns
    -------
    Accumulator
    """
    import dask

    if client is None:
        try:
            from distributed import get_client

            client = get_client()
        except (ImportError, ValueError):
            client = None
    bounds = block_bounds(n_draws)
    acc = Accumulator()
    plan_ref: Any = plan
    if client is not None:
        plan_ref = client.scatter(plan, broadcast=True)

    tasks = task_blocks(len(bounds), plan.blocks_per_task)

    def task(i: int, edges: Mapping[str, np.ndarray] | None) -> Any:
        return dask.delayed(run_blocks, pure=False)(
            plan_ref, *_task_args(plan, fetch, bounds, tasks[i], seed, edges)
        )

    if client is not None:
        (first,) = client.compute(task(0, None)).result()
    else:
        ((first,),) = dask.compute(task(0, None))
    edges = make_edges(first, plan.n_bins) if plan.stats else {}
    first["edges"] = edges
    acc.add(first)
    rest = range(1, len(tasks))
    if client is not None:
        window = 2 * max(len(client.scheduler_info().get("workers", {})), 1) + 2
        for result in _in_order(lambda i: client.compute(task(i, edges)), rest, window):
            acc.add_all(result)
    else:
        batch = 16
        for start in range(1, len(tasks), batch):
            for result in dask.compute(
                *[task(i, edges) for i in range(start, min(start + batch, len(tasks)))]
            ):
                acc.add_all(result)
    return acc
