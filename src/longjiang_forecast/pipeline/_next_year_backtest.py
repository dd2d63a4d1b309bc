"""Backtest of next year's proposals: is a target proposed "at 80 %" met 80 % of the time.

For every year of a history that has a following year, next year's targets are proposed as a user
would (``planning.next_year_targets`` on a forecast made from what was known at an as-of month of
that year), and each proposal is compared with what the following year delivered. The share of
proposals met at each stated probability, with its binomial interval, says whether the stated
confidence can be trusted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from .._core.checks import check_count, is_count
from .._core.rng import SeedLike, as_seed_sequence

#: The decision months: the 2024 notice asks for next year's list by the end of October.
PROPOSAL_MONTHS: tuple[int, ...] = (8, 9, 10)

#: Fewest effective outcomes (series-years counted as independent trials) behind a share before it is printed.
MIN_OUTCOMES = 10

#: Columns of the table of :func:`proposal_calibration` after its ``by`` columns, in order.
CALIBRATION_COLUMNS = (
    "prob", "n", "n_outcomes", "n_years", "n_effective", "share_met", "ci_low", "ci_high", "within", "note",
)  # fmt: skip

#: Columns of the table of :func:`backtest_next_year`, in order.
PROPOSAL_COLUMNS = (
    "as_of", "year", "indicator", "region", "family", "kind", "comparator", "n_finals", "growth_basis",
    "prob", "proposal", "this_year_target", "outcome", "met",
)  # fmt: skip


def backtest_next_year(
    history: Any,
    model: Any = "seasonal_share",
    *,
    as_of: Sequence[int] = PROPOSAL_MONTHS,
    years: Any = None,
    catalog: Any = None,
    probs: Sequence[float] | None = None,
    n_draws: int = 1000,
    seed: SeedLike = 2024,
    n_jobs: int = 1,
) -> pd.DataFrame:
    """Propose each following year's targets from each as-of month, and compare with what happened.

    At each as-of month of year ``y`` (August to October by default) the history is truncated to
    what was known then (as :func:`~longjiang_forecast.backtest` does), a forecast is made, and
    :func:`~longjiang_forecast.planning.next_year_targets` proposes year ``y + 1``'s value at each
    stated probability. The outcome is year ``y + 1``'s final in the same terms as the proposal's
    growth ratios (counts: the report of the deadline month; levels: the gain over the year;
    annual means: the day-weighted mean of a complete year), read from the full history through
    the indicator's family (the catalogue's ``family`` column: next year's indicator of the same
    family and region). A province row that nobody reports (its prefectures do) is judged on the
    sum of its prefectures' finals (counts and levels).

    Parameters
    ----------
    history : (Catalog, xarray.Dataset) tuple, SyntheticFamilies or SyntheticProvince
        The full history, following years included (as for :func:`~longjiang_forecast.backtest`).
    model : str, type or AttainmentModel, default "seasonal_share"
        The model of this year's forecast.
    as_of : sequence of int, default (8, 9, 10)
        As-of months (1-12) of each proposal year.
    years : iterable of int, optional
        Proposal years ``y`` (default every year whose following year has a target row in the
        catalogue and a report in the history).
    catalog : Catalog, optional
        With a bare progress Dataset as ``history``.
    probs : sequence of float, optional
        Stated probabilities (default :data:`~longjiang_forecast.planning.DEFAULT_PROBS`).
    n_draws : int, default 1000
        Draws of each forecast (all kept: the proposals read the joint paths).
    seed : int or SeedSequence, default 2024
        One seed for the whole backtest.
    n_jobs : int, default 1
        Threads of each forecast's simulation.

    Returns
    -------
    pandas.DataFrame
        One row per (as-of month, series, stated probability) with a proposal and a known
        outcome; columns :data:`PROPOSAL_COLUMNS`: ``as_of`` ("YYYY-MM"), ``year`` (the proposal
        year ``y``; the outcome is ``y + 1``'s), ``n_finals`` (earlier finals behind the growth
        factor), ``growth_basis`` (``next_year_targets``' code), ``prob`` (stated), ``proposal``
        and ``outcome`` (the indicator's unit), ``met`` (bool: ``outcome >= proposal`` for ``>=``
        targets, ``<=`` for ``<=``). attrs: ``n_origins``, ``model``, ``n_draws``,
        ``seed_entropy``, ``no_outcome`` (proposals left out for want of an outcome).

    Warns
    -----
    ForecastWarning (or the category warned)
        Once for each kind of warning the forecasts of the as-of months gave (the months that
        gave it named), instead of once per forecast; the months not yet reported at an as-of
        month are that month's ragged edge, reproduced on purpose, and not warned about.

    Raises
    ------
    ValueError, DataValidationError, TypeError
        As :func:`~longjiang_forecast.backtest` for the history and the model; ValueError if
        ``n_draws`` is not a whole number >= 1, ``probs`` is empty or holds a value outside
        (0, 1), ``as_of`` holds anything but months 1-12, or no year of the history has a
        following year with a plan and reports (naming the years there are).
    """
    from ..backtesting import plan_origins, resolve_history
    from ..models import model_name, resolve_model
    from ..planning import DEFAULT_PROBS
    from ..planning._common import check_prob
    from ..planning._next_year import family_map

    check_count("backtest_next_year", "n_draws", n_draws)
    probs = DEFAULT_PROBS if probs is None else tuple(np.atleast_1d(np.asarray(probs, dtype=object)))
    if not probs:
        raise ValueError(
            "The 'probs' parameter of backtest_next_year is empty; give e.g. (0.5, 0.7, 0.8, 0.9)."
        )
    probs = tuple(check_prob(p, "probs", "backtest_next_year") for p in probs)
    if len(set(probs)) < len(probs):
        raise ValueError(f"The 'probs' parameter of backtest_next_year repeats a probability: {probs!r}.")
    months = tuple(np.atleast_1d(np.asarray(as_of, dtype=object)))
    if not months or not all(is_count(m) and m <= 12 for m in months):
        raise ValueError(
            "The 'as_of' parameter of backtest_next_year must be months of the year, whole numbers 1-12 "
            f"(the decision months: {PROPOSAL_MONTHS}). Got {as_of!r} instead."
        )
    template = resolve_model(model)
    catalog, progress = resolve_history(history, catalog)
    table = catalog.table
    family = family_map(catalog)
    years_with_targets = set(table.loc[table["target"].notna(), "year"].astype(int))
    last_year = int(pd.DatetimeIndex(progress["month"].values).year.max())
    candidates = sorted(y for y in years_with_targets if y + 1 <= last_year and y + 1 in years_with_targets)
    if years is not None:
        candidates = sorted(set(candidates) & {int(y) for y in np.atleast_1d(years)})
    if not candidates:
        raise ValueError(
            "backtest_next_year: no year of the history has a following year with both a plan and "
            f"reports (years with targets: {sorted(years_with_targets)}; reports to {last_year}"
            + (
                f"; asked for years {sorted({int(y) for y in np.atleast_1d(years)})}"
                if years is not None
                else ""
            )
            + "). A proposal is judged on the following year's outcome: give a history of two years or more."
        )
    origins = plan_origins(catalog, progress, [int(m) for m in months], candidates)
    ss = as_seed_sequence(seed)
    heard: dict[tuple[type[Warning], str, int], list[tuple[str, str]]] = {}  # (as of, message) by kind
    try:
        rows, no_outcome = _propose_and_judge(
            origins, catalog, progress, template, probs, n_draws, ss, n_jobs, family, heard
        )
    finally:  # what the forecasts warned, once per kind (where in the code it was warned), even on an error
        _sum_up(heard, len(origins))
    out = pd.DataFrame(rows, columns=list(PROPOSAL_COLUMNS))
    out.attrs.update(
        n_origins=len(origins), model=model_name(template), n_draws=int(n_draws),
        seed_entropy=str(ss.entropy), no_outcome=no_outcome,
    )  # fmt: skip
    return out


def _sum_up(heard: dict[tuple[type[Warning], str, int], list[tuple[str, str]]], n_origins: int) -> None:
    """Warn once per kind of warning the origins' forecasts gave: how many, the months, the first whole."""
    for (category, _, _), said in heard.items():
        warned = sorted({month for month, _ in said})
        more = f" and {len(warned) - 4} more" if len(warned) > 4 else ""
        first_month, first = said[0]
        warnings.warn(
            f"backtest_next_year: {len(warned)} of the {n_origins} forecasts warned (as of "
            f"{', '.join(warned[:4])}{more}); as of {first_month}: {first}",
            category,
            stacklevel=3,
        )


def _propose_and_judge(
    origins: list[pd.Timestamp],
    catalog: Any,
    progress: Any,
    template: Any,
    probs: tuple[float, ...],
    n_draws: int,
    ss: np.random.SeedSequence,
    n_jobs: int,
    family: dict[str, str],
    heard: dict[tuple[type[Warning], str, int], list[tuple[str, str]]],
) -> tuple[list[dict[str, Any]], int]:
    """The rows of :func:`backtest_next_year` and the proposals left without an outcome.

    What each origin's forecast and proposals warned goes into ``heard`` (by category and the
    place in the code that warned), not to the user: :func:`_sum_up` says it once per kind.
    """
    from ..backtesting import truncate
    from ..models import resolve_model
    from ..planning import next_year_targets
    from ..planning._next_year import history_finals
    from ._forecast import _UnreportedMonthsWarning, forecast

    rows: list[dict[str, Any]] = []
    no_outcome = 0
    for k, ts in enumerate(origins):
        cat_t, prog_t = truncate(catalog, progress, ts)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            warnings.simplefilter("ignore", _UnreportedMonthsWarning)
            try:
                result = forecast(
                    prog_t, cat_t, as_of=f"{ts:%Y-%m}", model=resolve_model(template), n_draws=n_draws,
                    keep_paths=n_draws, seed=np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, k)),
                    n_jobs=n_jobs,
                )  # fmt: skip
                proposals = next_year_targets(result, prog_t, probs=probs)
            finally:  # an error at this origin keeps what it warned first
                for w in caught:
                    key = (w.category, w.filename, w.lineno)
                    heard.setdefault(key, []).append((f"{ts:%Y-%m}", str(w.message)))
        state = result.state
        finals = history_finals(progress, catalog, state, year=ts.year + 1)
        for s in range(state.sizes["series"]):
            indicator = str(state["indicator"].values[s])
            values = proposals["target_next"].values[s]
            if not np.isfinite(values).any():
                continue
            outcome = finals[s]
            if not np.isfinite(outcome):
                no_outcome += int(np.isfinite(values).sum())
                continue
            sign = -1.0 if str(state["comparator"].values[s]) == "<=" else 1.0
            for p, v in zip(probs, values, strict=True):
                if not np.isfinite(v):
                    continue
                rows.append(
                    {
                        "as_of": f"{ts:%Y-%m}",
                        "year": ts.year,
                        "indicator": indicator,
                        "region": str(state["region"].values[s]),
                        "family": family.get(indicator, indicator),
                        "kind": str(state["kind"].values[s]),
                        "comparator": str(state["comparator"].values[s]),
                        "n_finals": int(proposals["n_finals"].values[s]),
                        "growth_basis": str(proposals["growth_basis"].values[s]),
                        "prob": float(p),
                        "proposal": float(v),
                        "this_year_target": float(state["target"].values[s]),
                        "outcome": float(outcome),
                        "met": bool(sign * outcome >= sign * v),
                    }
                )
    return rows, no_outcome


def proposal_calibration(
    proposals: pd.DataFrame,
    by: Sequence[str] = (),
    *,
    cluster: Sequence[str] = ("year",),
    level: float = 0.9,
    min_outcomes: int = MIN_OUTCOMES,
) -> pd.DataFrame:
    """The share of proposals met at each stated probability, with its binomial interval.

    Parameters
    ----------
    proposals : pandas.DataFrame
        From :func:`backtest_next_year`.
    by : sequence of str, default ()
        Further columns to group by (e.g. ``("kind",)``, ``("n_finals_group",)``: ``"2-3"`` or
        ``"4+"`` earlier finals, ``"0-1"`` for the default growth).
    cluster : sequence of str, default ("year",)
        Columns whose values name the outcomes that share their luck: the proposal year; with
        the tables of several histories pooled, add the column that tells the histories apart
        (e.g. ``("world", "year")``); ``()``: every outcome on its own (the binomial interval on
        ``n_outcomes``).
    level : float, default 0.9
        Level of the Clopper-Pearson interval (Clopper & Pearson 1934, *Biometrika* 26(4)).
    min_outcomes : int, default :data:`MIN_OUTCOMES`
        Fewest effective outcomes (``n_effective``) for a share to be given; fewer: NaN and a
        note.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, ``prob`` (stated), ``n`` (proposals), ``n_outcomes`` (distinct
        series-years: the proposals of one series-year from several as-of months share one
        outcome), ``n_years`` (distinct outcome years), ``n_effective`` (the outcomes counted as
        independent trials, see Notes), ``share_met``, ``ci_low``, ``ci_high`` (the interval on
        ``n_effective`` trials), ``within`` (the stated probability inside the interval),
        ``note``.

    Raises
    ------
    ValueError
        Where ``level`` is not in (0, 1), ``min_outcomes`` not a whole number >= 1, a ``by`` or
        ``cluster`` column (or a column of :func:`backtest_next_year`'s table the shares need)
        is not in ``proposals``, or ``met`` or ``prob`` is missing or out of range in a row.

    Notes
    -----
    The series of one outcome year share that year's province-wide luck (funds released for
    every prefecture at once, one early winter for every site), so the 13 prefectures' outcomes
    of one year are not 13 independent trials: a good year meets every proposal at once. The
    outcomes are counted as :func:`~longjiang_forecast._core.clusters.effective_n` counts them,
    Kish's design effect on the intra-year correlation of ``met`` (estimated from the outcomes,
    pooled with a prior of 0.5 as one more year): between the number of years (outcomes that
    move together) and the number of outcomes (outcomes that do not). An interval on the raw
    outcome count would call a share from two lucky years a miscalibration.
    """
    from scipy.special import betaincinv

    from .._core.clusters import effective_n
    from ..planning._common import check_prob

    level = check_prob(level, "level", "proposal_calibration")
    check_count("proposal_calibration", "min_outcomes", min_outcomes)
    by, cluster = _columns(by), _columns(cluster)
    present = [*getattr(proposals, "columns", []), "n_finals_group"]  # the last one made below
    for name, columns in (("by", by), ("cluster", cluster), ("proposals", _NEEDED)):
        missing = [c for c in columns if c not in present]
        if missing:
            what = "the proposals lack" if name == "proposals" else f"{name} names"
            raise ValueError(
                f"proposal_calibration: {what} column(s) {missing}, not in the proposals (columns: "
                f"{present}). Pass backtest_next_year's table."
            )
    met = pd.to_numeric(proposals["met"], errors="coerce")
    prob = pd.to_numeric(proposals["prob"], errors="coerce")
    bad = ~(met.isin([0, 1]) & (prob > 0) & (prob < 1))
    if bad.any():
        raise ValueError(
            f"proposal_calibration: {int(bad.sum())} row(s) of the proposals have 'met' other than "
            "True/False or 'prob' outside (0, 1) (a stated probability as a fraction, 0.8, not 80), "
            f"first at index {proposals.index[bad.to_numpy()][0]!r}. Correct or drop them."
        )

    frame = proposals.assign(
        n_finals_group=np.select(
            [proposals["n_finals"] <= 1, proposals["n_finals"] <= 3], ["0-1", "2-3"], default="4+"
        ),
        outcome_key=_joined(proposals, ["indicator", "region", "year", *cluster]),
    )
    frame["cluster_key"] = _joined(frame, list(cluster)) if cluster else frame["outcome_key"]
    frame["year_key"] = _joined(frame, ["year", *(c for c in cluster if c != "year")])
    keys = [*by, "prob"]
    rows = []
    alpha = 1.0 - level
    for key, group in frame.groupby(keys, sort=True):
        n = len(group)
        per_outcome = group.groupby("outcome_key").agg(
            met=("met", "mean"), cluster=("cluster_key", "first"), year=("year_key", "first")
        )
        m = len(per_outcome)
        m_eff = effective_n(per_outcome["met"].to_numpy(dtype=float), per_outcome["cluster"].to_numpy())
        share = float(group["met"].mean())
        row = dict(zip(keys, key if isinstance(key, tuple) else (key,), strict=True))
        row.update(n=n, n_outcomes=m, n_years=int(per_outcome["year"].nunique()), n_effective=m_eff)
        if m_eff < min_outcomes:
            row.update(share_met=np.nan, ci_low=np.nan, ci_high=np.nan, within=None,
                       note=f"too few outcomes to say ({m_eff:.1f} effective < {min_outcomes})")  # fmt: skip
        else:
            x = share * m_eff  # met trials: fractional (the months of an outcome disagree; the design effect)
            low = 0.0 if x <= 0 else float(betaincinv(x, m_eff - x + 1, alpha / 2))
            high = 1.0 if x >= m_eff else float(betaincinv(x + 1, m_eff - x, 1 - alpha / 2))
            row.update(share_met=share, ci_low=low, ci_high=high, within=bool(low <= row["prob"] <= high),
                       note="")  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=[*by, *CALIBRATION_COLUMNS])


#: Columns of backtest_next_year's table that proposal_calibration reads.
_NEEDED = ("indicator", "region", "year", "n_finals", "prob", "met")


def _columns(names: str | Sequence[str]) -> tuple[str, ...]:
    """Column names given as one name or several."""
    return (names,) if isinstance(names, str) else tuple(names)


def _joined(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """The values of ``columns`` of each row joined into one key."""
    key = frame[columns[0]].astype(str)
    for c in columns[1:]:
        key = key + "|" + frame[c].astype(str)
    return key


__all__ = [
    "CALIBRATION_COLUMNS",
    "MIN_OUTCOMES",
    "PROPOSAL_COLUMNS",
    "PROPOSAL_MONTHS",
    "backtest_next_year",
    "proposal_calibration",
]
