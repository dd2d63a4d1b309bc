"""Next year's list as a whole: the catalogue it would be, and the confidence of meeting all of it.

:func:`next_year_catalog` turns the proposals of :func:`~longjiang_forecast.planning.next_year_targets`
at one confidence into next year's catalogue (the documented format, ids kept, each number's source
in its ``note``); :func:`list_confidence` reads the joint paths for the probability that the whole
list is met at that confidence, the number of targets missed, and the reverse: the confidence each
target needs for the whole list to be met with a chosen probability (a joint confidence level, as
NASA budgets programmes at 70 %: NASA 2015, *Cost Estimating Handbook* v4.0, appendix J).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.checks import check_count
from .._core.schema import SERIES
from .._core.units import base_year_pattern, unit_decimals
from ._common import ForecastLike, check_prob, deadline_index, provenance
from ._next_year import family_map, grow, growth_at, next_year_values

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Samples of next year's joint values behind :func:`list_confidence` (per kept path: several growth draws).
JOINT_SAMPLES = 16_000
#: A proposal rounded to its unit by more than this share of it says so in its note (2.98 -> 2 cities).
ROUNDING_NOTED = 0.005


def next_year_catalog(forecast: ForecastLike, proposals: xr.Dataset, confidence: float) -> Catalog:
    """Next year's catalogue: this year's rows with the targets proposed at ``confidence``.

    Parameters
    ----------
    forecast : Forecast
        This year's forecast (its ``catalog``, ``state`` and ``summary``).
    proposals : xarray.Dataset
        From :func:`~longjiang_forecast.planning.next_year_targets` on ``forecast``, with
        ``confidence`` among its ``prob``.
    confidence : float
        In (0, 1): every target is met with this probability by next year's outcome.

    Returns
    -------
    Catalog
        The catalogue's rows of year ``Y`` and earlier, unchanged (next year's forecast judges each
        earlier year by its own plan), and the rows of year ``Y + 1`` (``Y`` the forecast's year):
        every row of year ``Y``, the same ids, regions and
        columns; deadlines on the same day of next year (28 February for a 29th); ``target`` the
        proposal rounded to the unit's decimals (``unit_decimals``) towards the safe side (down for
        ``>=``, up for ``<=``, so the stated confidence holds); ``note`` the number's source (the
        confidence, this year's target and expected outcome, the growth's basis) before any earlier
        note. Rows without a proposal (qualitative items, named milestones, percent changes, series
        without a forecast) are carried over with their target unchanged and ``note`` starting
        "carried over unchanged" and why. ``baseline`` is cleared for levels (next year's start is
        this December's report, read from the progress file next year) and for every proposed row
        (a target derived from an earlier year's value no longer is). ``target_basis`` says
        "proposed" or "carried over". :func:`~longjiang_forecast.catalog.write_catalog` writes it;
        :func:`~longjiang_forecast.catalog.load_catalog` reads it back.

    Raises
    ------
    ValueError
        If ``confidence`` is not in (0, 1) or not among the proposals' probabilities.
    """
    from ..catalog import Catalog

    confidence = check_prob(confidence, "confidence", "next_year_catalog")
    at = _at_confidence(proposals, confidence, "next_year_catalog")
    scaled = _at_confidence(proposals, confidence, "next_year_catalog", "prefecture_scale")
    catalog = forecast.catalog
    year = int(forecast.state.attrs["year"])
    table = catalog.table
    rows = table[table["year"] == year].copy().reset_index(drop=True)
    key = {
        (str(i), str(r)): s
        for s, (i, r) in enumerate(
            zip(proposals["indicator"].values, proposals["region"].values, strict=True)
        )
    }
    median = expected_outcomes(forecast)
    notes, targets, basis = [], [], []

    def carry(row: Any, why: str, earlier: str) -> None:  # this year's target kept, and why
        targets.append(row["target"])
        basis.append("carried over")
        notes.append(_join(f"carried over unchanged from {year} ({why})", earlier))

    for _, row in rows.iterrows():
        s = key.get((str(row["indicator"]), str(row["region"])))
        value = float(at[s]) if s is not None else np.nan
        earlier = _user_note(str(row.get("note", "") or ""))
        if not np.isfinite(value):
            why = str(proposals["note"].values[s]) if s is not None else ""
            why = why or (
                "qualitative: nothing to forecast" if row["kind"] == "qualitative" else "no proposal"
            )
            if row["kind"] == "change" and _names_base_year(row, year - 1):
                why = f"{why}; base year moved from {year - 1} to {year}"
            carry(row, why, earlier)
            continue
        decimals = unit_decimals(row["unit"], row["target"])
        shown = safe_side_round(value, row["unit"], row["target"], row["comparator"])
        if row["kind"] == "cumulative" and row["comparator"] == ">=" and not shown > 0:
            # a count of 0 is met by any report: no positive target reaches this confidence
            why = (
                f"no positive target is met with probability {percent(confidence)}: the proposal "
                f"{value:.{decimals + 2}f} rounds to 0; {year}'s target kept, set it by hand"
            )
            carry(row, why, earlier)
            continue
        targets.append(shown)
        basis.append("proposed")
        expected = median.get((str(row["indicator"]), str(row["region"])), np.nan)
        factor = float(scaled[s]) if np.isfinite(scaled[s]) else 1.0
        changed = []
        if factor < 1:
            changed.append(
                f"lowered {1 - factor:.1%} so that the prefectures' proposals add up to no more than "
                "the province's"
            )
        if abs(shown - value) > ROUNDING_NOTED * abs(value):
            way = "up" if row["comparator"] == "<=" else "down"
            changed.append(f"{value:.{decimals + 2}f} before rounding {way} to the unit")
        notes.append(
            _join(
                f"proposed for {year + 1} at {percent(confidence)}: met with probability "
                f"{'at least ' if changed else ''}{percent(confidence)} by the "
                f"forecast of {forecast.state.attrs.get('as_of', '')} ({proposals['method'].values[s]}); "
                f"{year} target {row['target']:g}, {year} expected outcome {expected:.{decimals}f}"
                + "".join(f"; {c}" for c in changed),
                earlier,
            )
        )
    rows["target"] = targets
    rows["note"] = notes
    changes = rows["kind"] == "change"  # "% change vs 2023" in 2024's list is vs 2024 in 2025's
    for column in ("unit", "name_zh", "name_en"):
        if column in rows:
            rows.loc[changes, column] = [_move_base_year(t, year) for t in rows.loc[changes, column]]
    rows["target_basis"] = basis
    rows["year"] = year + 1
    rows["deadline"] = [_next_year_date(d) for d in pd.DatetimeIndex(rows["deadline"])]
    if "deadline_source" in rows:
        rows["deadline_source"] = [_moved_source(d, year) for d in rows["deadline_source"]]
    if "baseline" in rows:  # next year's start is this December's report (levels), or no longer holds
        rows.loc[(rows["kind"] == "level") | (rows["target_basis"] == "proposed"), "baseline"] = np.nan
    # the earlier years' rows stay: next year's forecast judges each earlier year by its own plan
    kept = table[table["year"] <= year]
    joined = pd.concat(
        [kept, rows.astype({c: kept[c].dtype for c in kept.columns if c in rows}, errors="ignore")]
    )
    return Catalog(
        year=year + 1,
        table=joined.reset_index(drop=True),
        regions=catalog.regions,
        source=f"proposed from {catalog.source}",
    )


def list_confidence(
    forecast: ForecastLike,
    proposals: xr.Dataset,
    confidence: float,
    *,
    list_probability: float = 0.7,
    seed: int = 0,
    n_samples: int = JOINT_SAMPLES,
) -> xr.Dataset:
    """What committing the whole list at one confidence costs, on next year's joint values.

    Next year's value of series ``s`` in sample ``k`` is ``N = V · g`` as in
    :func:`~longjiang_forecast.planning.next_year_targets`: ``V`` this year's value at the
    deadline in a kept path (joint: one path for every series) and ``g`` the series' growth
    factor (its law's quantile table, ``growth_log_quantile``), with one uniform per family and
    sample (the prefectures of a family share next year's luck; families draw independently).

    Parameters
    ----------
    forecast : Forecast
        This year's forecast, with its kept paths.
    proposals : xarray.Dataset
        From ``next_year_targets`` on ``forecast``, ``confidence`` among its ``prob``.
    confidence : float
        The per-target confidence of the list, in (0, 1).
    list_probability : float, default 0.7
        For the reverse question: the probability that the whole list is met.
    seed : int, default 0
        Seed of the growth draws (``numpy.random.default_rng``).
    n_samples : int, default :data:`JOINT_SAMPLES`
        Joint samples (kept paths reused in turn).

    Returns
    -------
    xarray.Dataset
        Over the list's proposals with a value (the series that are rows of this year's catalogue:
        a province target split over its prefectures counts once; dims ``series`` and
        ``n_missed``): ``p_met`` (series; the
        sample share meeting its proposal, about ``confidence``), ``pmf_missed`` (n_missed:
        P(k targets missed)); scalars ``p_all_met``, ``p_all_met_se``, ``expected_missed``,
        ``per_target_confidence`` (the confidence every target needs for the whole list to be met
        with ``list_probability``; NaN where even 0.999 each cannot), ``n_targets``. attrs:
        ``confidence``, ``list_probability``, ``seed``, ``n_samples``, provenance.

    Raises
    ------
    ValueError
        If a probability is not in (0, 1), ``confidence`` is not among the proposals', no
        proposal has a value, ``n_samples`` is not a whole number >= 1 or ``seed`` one >= 0, or
        the proposals do not hold every series of the forecast (they are matched by indicator and
        region, in any order).
    """
    confidence = check_prob(confidence, "confidence", "list_confidence")
    list_probability = check_prob(list_probability, "list_probability", "list_confidence")
    check_count("list_confidence", "n_samples", n_samples)
    check_count("list_confidence", "seed", seed, low=0)
    proposals = aligned_proposals(forecast, proposals, "list_confidence")
    at = _at_confidence(proposals, confidence, "list_confidence")
    keep = np.isfinite(at) & _listed(forecast, proposals)
    if not keep.any():
        raise ValueError("list_confidence: no proposal of the list has a value (nothing to commit to).")
    values = _joint_values(forecast, proposals, keep, seed, n_samples)
    finite = np.isfinite(values).all(axis=0)
    keep[keep] = finite
    values = values[:, finite]
    sign = np.where(proposals["comparator"].values.astype(str) == "<=", -1.0, 1.0)[keep]
    x = values * sign
    met = x >= at[keep] * sign
    missed = (~met).sum(axis=1)
    n = int(keep.sum())
    p_all = float(np.mean(missed == 0))

    quantile_at = _proposal_quantiles(forecast, proposals, keep)

    def all_met_at(p: float) -> float:
        """P(whole list met) with every target proposed at ``p`` as next_year_targets proposes it."""
        cut = quantile_at(p) * sign
        return float(np.mean((x >= cut).all(axis=1)))

    per_target = np.nan
    if all_met_at(0.999) >= list_probability:
        lo, hi = 0.001, 0.999
        for _ in range(20):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if all_met_at(mid) < list_probability else (lo, mid)
        per_target = hi
    return xr.Dataset(
        {
            "p_met": (SERIES, met.mean(axis=0)),
            "pmf_missed": ("n_missed", np.bincount(missed, minlength=n + 1) / missed.size),
            "p_all_met": p_all,
            "p_all_met_se": float(np.sqrt(p_all * (1 - p_all) / missed.size)),
            "expected_missed": float(missed.mean()),
            "per_target_confidence": per_target,
            "n_targets": n,
        },
        coords={SERIES: proposals[SERIES].values[keep], "n_missed": np.arange(n + 1)},
        attrs=provenance(
            forecast,
            confidence=confidence,
            list_probability=list_probability,
            seed=seed,
            n_samples=n_samples,
            definition="next year's joint values N = V * g: V a kept path's value at the deadline, g the "
            "series' growth factor (growth_log_quantile) with one uniform per family and sample",
        ),
    )


def safe_side_round(value: float, unit: str, target: float, comparator: str) -> float:
    """``value`` rounded to the unit's granularity towards the safe side: down for ``>=``, up for ``<=``.

    The granularity is :func:`~longjiang_forecast._core.units.unit_decimals` of ``unit`` and this
    year's ``target``; a proposal rounded so is met at least as often as the unrounded one.
    """
    decimals = unit_decimals(unit, target)
    scale = 10.0**decimals
    x = value * scale  # a hair of floating-point error must not cost a whole step of the unit
    slack = 1e-9 * max(abs(x), 1.0)
    rounded = (np.floor(x + slack) if comparator != "<=" else np.ceil(x - slack)) / scale
    return float(round(rounded, decimals))


def aligned_proposals(forecast: ForecastLike, proposals: xr.Dataset, who: str) -> xr.Dataset:
    """``proposals`` in the order of the forecast's series, matched by indicator and region.

    The joint values read the forecast's paths by position: proposals reordered, or a subset,
    would pair one series' proposal with another's paths. Raises ValueError naming ``who`` and
    the series missing where the proposals do not hold every series of the forecast.
    """
    state = forecast.state
    want = list(zip(state["indicator"].values.astype(str), state["region"].values.astype(str), strict=True))
    if "indicator" not in proposals.coords and "indicator" not in proposals:
        raise ValueError(f"{who}: the proposals have no 'indicator' labels; pass next_year_targets' output.")
    have = list(
        zip(proposals["indicator"].values.astype(str), proposals["region"].values.astype(str), strict=True)
    )
    if "growth_log_quantile" not in proposals:
        raise ValueError(
            f"{who}: the proposals have no 'growth_log_quantile' (the growth factor's quantile table, "
            "which next_year_targets writes since December 2026); make them again with "
            "planning.next_year_targets on this forecast."
        )
    if have == want:
        return proposals
    where = {pair: k for k, pair in enumerate(have)}
    missing = [f"{i}/{r}" for i, r in want if (i, r) not in where]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        raise ValueError(
            f"{who}: the proposals lack {len(missing)} of the forecast's {len(want)} series "
            f"({', '.join(missing[:5])}{more}). Pass the whole output of next_year_targets on this "
            "forecast; to leave a target out of the list, set its target_next to NaN."
        )
    return proposals.isel({SERIES: [where[pair] for pair in want]})


def _at_confidence(
    proposals: xr.Dataset, confidence: float, who: str, variable: str = "target_next"
) -> np.ndarray:
    """``variable`` of the proposals (series,) at ``confidence``.

    ValueError naming ``who`` if ``confidence`` is not among their probabilities.
    """
    probs = np.asarray(proposals["prob"].values, float)
    hit = np.flatnonzero(np.isclose(probs, confidence))
    if not hit.size:
        raise ValueError(
            f"{who}: the proposals were made at probabilities {probs.tolist()}, not at {confidence}. "
            f"Pass probs=({confidence},) to next_year_targets."
        )
    return np.asarray(proposals[variable].isel(prob=int(hit[0])).values, float)


def _joint_values(
    forecast: ForecastLike, proposals: xr.Dataset, columns: np.ndarray, seed: int, n_samples: int
) -> np.ndarray:
    """Next year's joint values (n_samples, columns.sum()) of the series where ``columns`` is True."""
    state = forecast.state
    idx = np.flatnonzero(columns)
    v = forecast.paths.values[:, idx, deadline_index(state)[idx]].astype(float)
    rows = np.arange(n_samples) % v.shape[0]
    codes, index = np.unique(_families(forecast)[idx], return_inverse=True)
    u = np.random.default_rng(seed).random((n_samples, codes.size))[:, index]
    table = proposals["growth_log_quantile"].values.astype(float)[idx]
    z = special.ndtri(u)
    g = np.exp(np.column_stack([growth_at(z[:, j], table[j]) for j in range(idx.size)]))
    kind, origin, upper = _level_terms(state, idx)
    return grow(v[rows], g, kind == "level", origin, upper)


def _level_terms(state: xr.Dataset, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Kind, origin (a level's baseline, 0 otherwise) and upper bound (NaN: none) of series ``idx``."""
    kind = state["kind"].values.astype(str)[idx]
    origin = np.where(kind == "level", state["baseline"].values.astype(float)[idx], 0.0)
    upper = (
        state["upper_bound"].values.astype(float)[idx]
        if "upper_bound" in state
        else np.full(idx.size, np.nan)
    )
    return kind, origin, upper


def _proposal_quantiles(
    forecast: ForecastLike, proposals: xr.Dataset, columns: np.ndarray
) -> Callable[[float], np.ndarray]:
    """``p -> next_year_targets``' proposals at ``p`` of the series where ``columns`` is True.

    The same values (:func:`~longjiang_forecast.planning._next_year.next_year_values`) and
    quantiles (linear) as the proposals, read off each series' sorted values, so that the reverse
    question is answered for the proposals the list would hold, not for another sample's.
    """
    state = forecast.state
    idx = np.flatnonzero(columns)
    at_deadline = forecast.paths.values[:, idx, deadline_index(state)[idx]].astype(float)
    kind, origin, upper = _level_terms(state, idx)
    lower_is_better = state["comparator"].values.astype(str)[idx] == "<="
    table = proposals["growth_log_quantile"].values.astype(float)[idx]
    ordered = []
    for j in range(idx.size):
        v = at_deadline[:, j]
        values = next_year_values(v[np.isfinite(v)], kind[j], origin[j], upper[j], table[j])
        ordered.append(np.sort(values[np.isfinite(values)]))

    def at(p: float) -> np.ndarray:
        out = np.empty(len(ordered))
        for j, a in enumerate(ordered):
            pos = (p if lower_is_better[j] else 1.0 - p) * (a.size - 1)
            lo = int(np.floor(pos))
            hi = min(lo + 1, a.size - 1)
            out[j] = a[lo] + (pos - lo) * (a[hi] - a[lo])
        return out

    return at


def _listed(forecast: ForecastLike, proposals: xr.Dataset) -> np.ndarray:
    """Whether each series is a row of this year's catalogue (the list; not a prefecture's split)."""
    table = forecast.catalog.table
    year = int(forecast.state.attrs["year"])
    rows = set(
        zip(*(table.loc[table["year"] == year, c].astype(str) for c in ("indicator", "region")), strict=True)
    )
    pairs = zip(
        proposals["indicator"].values.astype(str), proposals["region"].values.astype(str), strict=True
    )
    return np.array([pair in rows for pair in pairs])


def _families(forecast: ForecastLike) -> np.ndarray:
    """The family of each series (its indicator where the catalogue names none)."""
    family = family_map(forecast.catalog)
    return np.array([family.get(i, i) for i in forecast.state["indicator"].values.astype(str)])


def expected_outcomes(forecast: ForecastLike) -> dict[tuple[str, str], float]:
    """The expected outcome of this year (median value at the deadline) per (indicator, region)."""
    summary = forecast.summary
    if "deadline_value" not in summary:
        return {}
    median = summary["deadline_value"].sel(quantile=0.5).values
    return {
        (str(i), str(r)): float(m)
        for i, r, m in zip(summary["indicator"].values, summary["region"].values, median, strict=False)
    }


def _next_year_date(day: pd.Timestamp) -> pd.Timestamp:
    """The same day next year (28 February for a 29th)."""
    if pd.isna(day):
        return day
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def percent(p: float) -> str:
    """A probability as a percentage with as many decimals as it has (80%, 99.9%, 0.01%)."""
    for decimals in range(8):
        if abs(round(p * 100, decimals) - p * 100) < 1e-9:
            return f"{p * 100:.{decimals}f}%"
    for digits in range(3, 17):  # never "100%" or "0%" for a p strictly between them
        shown = f"{p * 100:.{digits}g}%"
        if shown not in ("100%", "0%"):
            break
    return shown


def needed_percent(p: float) -> str:
    """The per-target confidence a list needs, in per cent: one decimal, two from 98.95 % (99.30 %).

    Near 100 % a tenth of a per cent is several targets' worth of the whole list's probability
    (at 99 % each, a 35-target list is met 65 % of the time; at 99.3 %, 70 %).
    """
    return f"{p:.2%}" if p >= 0.9895 else f"{p:.1%}"


def _user_note(text: str) -> str:
    """A note without what earlier next-year runs wrote before the user's own words.

    A catalogue proposed from one proposed the year before would otherwise pile up "proposed for
    2026 ... Earlier note: proposed for 2025 ... Earlier note: ...".
    """
    while _GENERATED.match(text):
        parts = _EARLIER_ANY.split(text, maxsplit=1)
        text = parts[1] if len(parts) > 1 else ""
    return text


def _names_base_year(row: Any, base: int) -> bool:
    """Whether a row's unit or names state the percent change against ``base``."""
    return any(
        isinstance(row.get(c), str) and base_year_pattern(base).search(row[c])
        for c in ("unit", "name_zh", "name_en")
    )


def _move_base_year(text: Any, year: int) -> Any:
    """A percent change's unit or name for next year: the year before ``year`` becomes ``year``.

    A change stated against the year before ("较2023年下降1%" in the 2024 list) is stated against
    this year in next year's list; another base year (a fixed year of a five-year plan) is kept.
    """
    if not isinstance(text, str):
        return text
    return base_year_pattern(year - 1).sub(str(year), text)


def _moved_source(source: Any, year: int) -> Any:
    """A row's ``deadline_source`` for next year: the original source, said to be moved a year."""
    if not isinstance(source, str) or not source.strip():
        return source
    match = _MOVED.fullmatch(source)
    original = (match.group(1) or match.group(2)) if match else source
    return f"{year}'s deadline, a year later ({original})"


#: How the notes next_year_catalog writes begin, and how they join the user's earlier note (in
#: English, and as the command line writes them in Chinese: report._text.catalogue_text_in_chinese).
_GENERATED = re.compile(
    r"proposed for \d{4} |carried over unchanged from \d{4} |\d{4} 年目标按 |沿用 \d{4} 年目标不变"
)
_EARLIER = ". Earlier note: "
_EARLIER_ANY = re.compile(r"\. Earlier note: |。原备注：")
#: A deadline source next_year_catalog wrote, around the original (English or Chinese).
_MOVED = re.compile(r"\d{4}'s deadline, a year later \((.*)\)|\d{4} 年截止日期顺延一年（(.*)）", re.DOTALL)


def _join(first: str, earlier: str) -> str:
    return first if not earlier.strip() else f"{first}{_EARLIER}{earlier}"


__all__ = ["JOINT_SAMPLES", "list_confidence", "next_year_catalog"]
