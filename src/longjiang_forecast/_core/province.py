"""The province from its prefectures: the one definition of a province total, and the rows it gives.

A province total over prefecture series is, month by month and path by path,
the **sum** of the prefectures' values for counts (:data:`MONOTONE_KINDS`) and
their **population-weighted mean** (2020 census) for ratios, levels per capita
and annual means (:func:`province_weights`). The streaming engine's province
totals (``simulate_summary``, dim ``total``) and the province rows forecast from
their prefectures (``progress._state.province_from_prefectures``, used by
``pipeline.forecast``) both use it. See ``docs/simulation.md`` ("The province
from its prefectures").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from .schema import MONOTONE_KINDS, PROVINCE

#: Relative tolerance of the check that a province's own report equals the total of its
#: prefectures' reports (0.5 % of the province's figure): 13 reports rounded to 0.01 of a
#: 万-unit can miss their true sum by about 0.3 %. Whole counts (households, stations: a unit
#: shown without decimals) must agree exactly, to within half a unit (:data:`WHOLE_COUNT_ATOL`).
AGREEMENT_RTOL = 0.005
#: Absolute tolerance of that check for a sum of whole counts: any difference of a unit or more.
WHOLE_COUNT_ATOL = 0.5

#: How far a province's target may lie from the sum of its prefectures' own targets (10 %) before it
#: is flagged: a province row forecast as the total of prefectures whose targets add up to less than
#: (1 - this) of its own is not their total (the other prefectures' part has no rows), and a province
#: target this far from its prefectures' sum either way is named in a warning (a digit lost or added).
TARGETS_RTOL = 0.10

#: Kinds never totalled over prefectures (a percent change of a total is not a total of changes).
NOT_TOTALLED_KINDS = ("change", "qualitative")


def whole_counts(kind: str, unit: str) -> bool:
    """Whether a province total of ``kind`` in ``unit`` is a sum of whole things (households, stations).

    A count (:data:`~longjiang_forecast._core.schema.MONOTONE_KINDS`) in a unit shown without
    decimals (:func:`~longjiang_forecast._core.units.unit_decimals`) and not scaled by 万, 亿 or
    10k: its province figure must equal its prefectures' sum to within :data:`WHOLE_COUNT_ATOL`.
    """
    from .units import unit_decimals

    return kind in MONOTONE_KINDS and unit_decimals(unit) == 0 and not scaled_unit(unit)


def scaled_unit(unit: str) -> bool:
    """Whether ``unit`` counts in 万, 亿, 10k or 100 million (one of its units is many of the thing)."""
    return re.search(r"万|亿|10k|100 million", unit) is not None


def province_weights(kind: str, population: np.ndarray) -> tuple[str, np.ndarray, bool]:
    """Weights of the prefectures in a province total: the one definition of a province total.

    Parameters
    ----------
    kind : str
        Indicator kind (see ``_core.schema.KINDS``).
    population : ndarray of shape (n_prefectures,)
        2020 census population of each prefecture (persons); NaN where unknown.

    Returns
    -------
    rule : {"sum", "mean"}
        "sum" for counts (:data:`~longjiang_forecast._core.schema.MONOTONE_KINDS`),
        "mean" for every other kind.
    weights : ndarray of shape (n_prefectures,)
        The total is ``sum(weights * values)``: ones for a sum; population
        shares (summing to 1) for a mean, equal shares where a population is
        missing or not positive.
    equal : bool
        True where a mean had to fall back to equal shares.
    """
    pop = np.asarray(population, dtype=float)
    if kind in MONOTONE_KINDS:
        return "sum", np.ones(pop.size), False
    equal = not bool(np.all(np.isfinite(pop) & (pop > 0)))
    if equal:
        pop = np.ones(pop.size)
    return "mean", pop / pop.sum(), equal


def total_of(values: np.ndarray, weights: np.ndarray, axis: int = 0) -> np.ndarray:
    """The province total of prefecture values along ``axis``; NaN wherever a prefecture is NaN.

    Parameters
    ----------
    values : ndarray
        Prefecture values, prefectures along ``axis``.
    weights : ndarray of shape (n_prefectures,)
        From :func:`province_weights`.
    axis : int, default 0

    Returns
    -------
    ndarray
        ``values`` without ``axis``. A sum (weights all 1) is rounded to 1e-9: reports that add
        up to the province's target on paper (19.67 万人) summed in floating point to a hair below
        it (19.669999999999998), read "on track" against a target they had met.
    """
    moved = np.moveaxis(np.asarray(values, dtype=float), axis, -1)
    w = np.asarray(weights, dtype=float)
    weighted: np.ndarray = moved @ w
    return np.round(weighted, 9) if np.all(w == 1.0) else weighted


def disagreeing_months(own: np.ndarray, total: np.ndarray, kind: str, unit: str) -> np.ndarray:
    """The months where a province's own report and its prefectures' total differ beyond rounding.

    Parameters
    ----------
    own, total : ndarray of shape (n_months,)
        The province's reports and the total of its prefectures' (:func:`total_of`), in the
        indicator's unit; NaN where not reported (such a month is not compared).
    kind, unit : str
        The indicator's kind and unit.

    Returns
    -------
    ndarray of int
        Indices of the months where they differ by more than :data:`AGREEMENT_RTOL` of the
        province's figure, or, for whole counts (:func:`whole_counts`), by more than half a unit
        (:data:`WHOLE_COUNT_ATOL`). A province figure in whole units (not 万 or 亿) may be its
        prefectures' total rounded: it agrees to within half a unit (48 km for 47.6).
    """
    own, total = np.asarray(own, dtype=float), np.asarray(total, dtype=float)
    allowed = (
        np.full(own.shape, WHOLE_COUNT_ATOL) if whole_counts(kind, unit) else AGREEMENT_RTOL * np.abs(own)
    )
    if not scaled_unit(unit):
        allowed = np.where(own == np.round(own), np.maximum(allowed, WHOLE_COUNT_ATOL), allowed)
    with np.errstate(invalid="ignore"):
        return np.flatnonzero(np.isfinite(own) & np.isfinite(total) & (np.abs(own - total) > allowed))


def province_members(catalog: Any, year: int) -> dict[str, list[str]]:
    """The prefectures whose total is the province, for every indicator of ``year``.

    For an indicator: the prefectures with a catalogue row for it that year, when it has any;
    else all 13 prefectures of the catalogue's regions (the provincial target is then split
    among them, see ``Catalog.target_for``), except for milestones, whose target is never split
    (none). One pass over the catalogue (a pandas filter per indicator took 1.5 ms, 0.1 s of the
    default job).

    Returns
    -------
    dict of str to list of str
        Indicator id -> prefecture ids, for each indicator with a row in ``year``.
    """
    table = catalog.table
    mine = table[table["year"] == year]
    indicator = mine["indicator"].astype(str).to_numpy()
    region = mine["region"].astype(str).to_numpy()
    milestone = mine["kind"].astype(str).to_numpy() == "milestone"
    everyone = [str(r) for r in catalog.region_ids]
    out: dict[str, list[str]] = {}
    for ind in dict.fromkeys(indicator):
        rows = indicator == ind
        prefectures = [r for r in region[rows] if r != PROVINCE]
        out[ind] = prefectures or ([] if milestone[rows].any() else list(everyone))
    return out


@dataclass(frozen=True)
class ProvinceRows:
    """Province series forecast from their prefectures' joint paths.

    Attributes
    ----------
    fields : dict of str to ndarray
        State variables of the province rows (series first): ``observed``
        (row, month), ``last_month``, ``last_value``, ``target``, ... as
        :func:`~longjiang_forecast.progress.build_state` gives them, and
        the ``indicator``/``region`` labels.
    weights : ndarray of shape (n_rows, n_series)
        Weight of each series of the state in each province row
        (:func:`province_weights` on its prefectures, 0 elsewhere).
    basis : ndarray of str, shape (n_rows,)
        How each row is forecast, e.g. "sum of the 13 prefectures' forecasts".
    reason : ndarray of str, shape (n_rows,)
        Why a row has no forecast ("" where it has one).
    official : ndarray of shape (n_rows, 12), optional
        The province's own reports (its official figure) of a row whose own reports agree with
        its prefectures' total, NaN elsewhere (and for every other row): the row's paths are that
        figure in the months it gives, and after them the figure plus the prefectures' summed
        change since (:func:`benchmark_to_official`).
    """

    fields: dict[str, np.ndarray]
    weights: np.ndarray
    basis: np.ndarray
    reason: np.ndarray
    official: np.ndarray | None = None

    @property
    def n(self) -> int:
        """Number of province rows."""
        return int(self.weights.shape[0])

    def reordered(self, order: np.ndarray) -> ProvinceRows:
        """The same rows with ``weights`` over the series of a forecast put in ``order``.

        Parameters
        ----------
        order : ndarray of int, shape (n_forecast_series,)
            The new order: position ``j`` holds the forecast's series ``order[j]`` (the
            ``weights``' series first, then these rows).
        """
        where = np.argsort(order)  # the inverse permutation: where each series goes
        weights = np.zeros((self.n, order.size))
        weights[:, where[: self.weights.shape[1]]] = self.weights
        return replace(self, weights=weights)

    def paths(self, paths: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """The province rows' paths from the state's paths.

        Parameters
        ----------
        paths : ndarray of shape (n_draws, n_columns, n_months)
            Joint paths of the state's series (one parameter draw each).
        columns : ndarray of int, shape (n_series,), optional
            The column of each of the state's series in ``paths`` (default: series ``j`` in
            column ``j``), where ``paths`` holds other rows too (the forecast's, in the
            catalogue's order).

        Returns
        -------
        ndarray of shape (n_draws, n_rows, n_months)
            Per draw and month, the total of the prefectures' paths
            (:func:`total_of`); NaN for rows without a forecast.
        """
        out = np.full((paths.shape[0], self.n, paths.shape[2]), np.nan)
        for i in range(self.n):
            members = np.flatnonzero(self.weights[i])
            if self.reason[i] == "" and members.size:
                at = members if columns is None else columns[members]
                out[:, i] = total_of(paths[:, at], self.weights[i, members], axis=1)
        if self.official is not None:
            out = on_official_figures(out.transpose(1, 0, 2), self.official).transpose(1, 0, 2)
        return out


def on_official_figures(totals: np.ndarray, official: np.ndarray) -> np.ndarray:
    """Province totals put on the province's official figures, month after month.

    Parameters
    ----------
    totals : ndarray of shape (n_rows, n_draws, n_months)
        Totals of prefecture paths or reports (:func:`total_of`).
    official : ndarray of shape (n_rows, n_months)
        The province's own figures, NaN where it gave none.

    Returns
    -------
    ndarray of shape (n_rows, n_draws, n_months)
        A copy, each month through :func:`benchmark_to_official`.
    """
    out = np.array(totals, dtype=float)
    offset = np.zeros(out.shape[:2])
    for m in range(out.shape[2]):
        benchmark_to_official(out[:, :, m], official[:, m], offset)
    return out


def benchmark_to_official(total: np.ndarray, official: np.ndarray, offset: np.ndarray) -> None:
    """Put one month of province totals on the province's official figure, in place.

    Where the province gives its figure for the month, the total is that figure and ``offset``
    becomes the figure less the prefectures' total (rounding, or a prefecture's simulated value
    where it has not reported yet); in a later month without one, the total is moved by the
    last ``offset``. So the province's paths are its own figures where it reported, then its
    latest figure plus its prefectures' summed change since: a province whose 19.67 (万) meets
    its target of 19.67 is not "missed" because its prefectures' reports add up to 19.60.

    Parameters
    ----------
    total : ndarray of shape (n_rows, n_draws)
        The month's totals (:func:`total_of`), changed in place.
    official : ndarray of shape (n_rows,)
        The province's figure of the month, NaN where it gave none (or the row has none).
    offset : ndarray of shape (n_rows, n_draws)
        The carried difference (0 before the first figure), updated in place.
    """
    given = np.isfinite(official)
    offset[given] = official[given, None] - total[given]
    total[given] = official[given, None]
    total[~given] += offset[~given]
