"""Integrity flags of the forecast year's reports, each with a tail probability under the fitted model.

The five rules (:data:`RULES`) and the probability each one computes:

``deadline_jump``
    The report of the deadline month against the report before it. Statistic: the log share
    ``r = log(C(m0) / C(d))`` of the progress at the deadline month ``d`` that had been done by
    the previous report ``m0`` (small ``r``: a big last-month jump; the log of the fraction the model
    itself weighs its reference years by, ``SeasonalShareModel._path_shape``). Reference: the model's
    reference class of the series, ``model.reference_[s].log_share`` (every earlier year of the
    family in every prefecture, or the fallback profile), as a mixture of the model's Student-t
    kernels (4 degrees of freedom) centred on each earlier year's ``log S(m0) − log S(d)``, of
    width :func:`~longjiang_forecast.models.seasonal_share._kernel_width` (the model's own
    bandwidth rule, with the model's ``log_share_sd`` at ``m0`` and ``d`` as its prior spread).
    Score: the lower tail ``P(R ≤ r)``.
``outside_own_range``
    Every other report ``m`` with a positive earlier report ``m0`` of the year: the same
    statistic against the prefecture's *own* earlier years (at least 3 with both months known;
    the share curves as the model builds them, ``_reference_years``) and against the model's
    reference class as above, same kernels. Score: the larger of the two two-sided tails
    ``2 · min(P(R ≤ r), P(R ≥ r))``: a month is flagged only when it is unusual both for the
    prefecture and for the model (a late start that the family has seen before is no flag).
``round_share``
    A report within half its reporting unit ``δ`` of the target or of a round share of it (10 %,
    20 %, 25 %, …, 75 %, …, 100 % for a count; the target itself for a level). ``δ`` is
    ``10^-k`` for the most decimals ``k`` (at most 6) among the series' reports of the year.
    A report of 0 is none, nor is a mark under one ``δ`` (where nothing done rounds to); a
    series whose marks are more than :data:`MAX_MARKS_SHARE` of the values a report can take
    (a target of a few whole projects) is not judged by this rule.
    Score: the chance of such a coincidence under rounded reporting, ``Σ_marks δ · f(x_mark)``,
    where ``f`` is the model's predictive density of the report given the previous one (the
    reference-class mixture of ``r`` above, changed to the value's scale); for the first report
    of the year, the reference shares times the plan (the total that just meets the target),
    with the model's prior width ``reference_[s].prior_sd`` added.
``fall_then_rise``
    A cumulative count (kinds ``MONOTONE_KINDS``) that falls between two consecutive reports by
    more than half the last digit of the less precise of the two (876.01 then 876 is rounding),
    and the later report after it if that rises again. Score: 0 — the model's monthly
    increments are Gamma distributed, never negative, so a fall has probability 0.
``repeated``
    The same figure reported for consecutive months, after progress had begun. Score: the
    model's probability that the progress over those months rounds to nothing,
    ``P(R ≥ log(C(m0) / (C(m0) + δ)))`` under the reference-class mixture (earlier years idle in
    those months make it large: a winter pause is no flag).

Only the forecast year (that of ``as_of``) is judged; earlier years are the history. Counts and
levels (``cumulative``, ``level``) that the model fits get all five rules; milestones only
``fall_then_rise``; annual means, changes and series the model cannot forecast none (they are
listed in ``attrs['not_checked']`` with the reason). A report is flagged when its score is below
``alpha``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from numbers import Real
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import special

from .._core.checks import check_param
from .._core.schema import MONOTONE_KINDS
from ..models._common import FamilyHistory
from ..models.seasonal_share import (
    _KERNEL_DF,
    _KERNEL_SCALE,
    _MIN_SHARE,
    SeasonalShareModel,
    _kernel_logpdf,
    _kernel_width,
    _reference_years,
)

if TYPE_CHECKING:
    from ..catalog import Catalog

__all__ = ["ALPHA", "FLAG_COLUMNS", "ROUND_SHARES", "RULES", "RULE_NAMES", "check_reports"]

#: A report is flagged when its score (tail probability) is below this.
ALPHA = 0.01
#: The rules, in the order the flags are listed.
RULES: tuple[str, ...] = ("deadline_jump", "round_share", "fall_then_rise", "outside_own_range", "repeated")
#: Each rule's name for people: (zh, en).
RULE_NAMES: dict[str, tuple[str, str]] = {
    "deadline_jump": ("截止月跃升", "deadline-month jump"),
    "round_share": ("恰为目标或其整数比例", "exactly the target or a round share"),
    "fall_then_rise": ("累计值下降", "cumulative figure fell"),
    "outside_own_range": ("超出本地区历史范围", "outside the region's own range"),
    "repeated": ("数值重复", "figure repeated"),
}
#: Columns of :func:`check_reports`' table.
FLAG_COLUMNS: tuple[str, ...] = (
    "indicator", "region", "months", "rule", "score", "values", "reason_zh", "reason_en", "rows",
)  # fmt: skip
#: Round shares of a count's target that a made-up figure tends to hit.
ROUND_SHARES: tuple[float, ...] = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0)
#: The round shares are judged only where, at the reporting unit, they are at most this share of
#: the values a report can take: a count of 5 projects reported in whole projects lands on a
#: round share (1 = 20 %, 2 = 40 % ...) whatever it is.
MAX_MARKS_SHARE = 0.05
#: Earlier years of the prefecture itself needed to judge a month against its own range.
MIN_OWN_YEARS = 3
#: Most decimals a reporting unit is taken to have (full-precision floats report to 1e-6).
_MAX_DECIMALS = 6
_RULE_ORDER = {rule: k for k, rule in enumerate(RULES)}


def check_reports(
    progress: xr.Dataset | pd.DataFrame | str | Any,
    catalog: Catalog,
    *,
    model: Any = None,
    as_of: str | pd.Timestamp | None = None,
    alpha: float = ALPHA,
) -> pd.DataFrame:
    """Flag the forecast year's reports that are unusual against the fitted model and their own history.

    Nothing is dropped or corrected: the flags are a list for the supervision office (督查) to
    ask about; the reports stay as they are. The rules and the exact probability each computes
    are in the module docstring (:mod:`longjiang_forecast.integrity._checks`).

    Parameters
    ----------
    progress : xarray.Dataset, pandas.DataFrame, str or pathlib.Path
        From :func:`~longjiang_forecast.read_progress` (dims ``(indicator, region, month)``,
        variable ``value``), or a file or long DataFrame read with it (falls are accepted and
        flagged here, not refused: ``allow_revisions=True``).
    catalog : Catalog
        The target catalogue (targets, kinds, deadlines, families).
    model : object, optional
        A fitted-on-call model with a seasonal reference class (``reference_``, ``origin_``,
        ``state_``, ``reason_`` after ``fit``); default
        :class:`~longjiang_forecast.models.seasonal_share.SeasonalShareModel` with its defaults.
    as_of : str or pandas.Timestamp, optional
        Month ``YYYY-MM`` whose year is judged; default the latest reported month.
    alpha : float, default 0.01
        A report is flagged when its score is below this (0 < alpha < 1).

    Returns
    -------
    pandas.DataFrame
        One row per flag, columns :data:`FLAG_COLUMNS`: ``indicator``, ``region``, ``months``
        (``YYYY-MM``, several joined by ``", "``), ``rule`` (one of :data:`RULES`), ``score``
        (float in [0, 1], the tail probability), ``values`` (the reports concerned, as text),
        ``reason_zh``, ``reason_en`` (one sentence each), ``rows`` (the file rows of those
        reports, e.g. ``"row 12, row 13"``; ``""`` where the progress did not come from a file).
        Sorted by rule, then score. ``attrs``: ``as_of``, ``alpha``, ``n_series`` and
        ``n_reports`` (series and reports judged), ``not_checked`` (list of tuples
        ``(indicator, region, kind, checked, why)``: ``checked`` is ``"falls"`` for a count the
        model has no seasonal reference for, ``"none"`` otherwise; ``why`` the model's reason,
        ``""`` where it is the kind), ``few_own_years`` (list of tuples ``(indicator, region,
        n_years)``: series checked against their family but with fewer than
        :data:`MIN_OWN_YEARS` earlier years of their own, so not by the range of their own
        years: a July figure ten times over, with one earlier year, was not flagged, and nothing
        said so), ``min_own_years`` (:data:`MIN_OWN_YEARS`), ``method`` (the model's class name).

    Raises
    ------
    ValueError
        If ``alpha`` is not in (0, 1), or ``model`` has no seasonal reference class.
    DataValidationError
        If the progress file or DataFrame has errors (the same message as ``forecast``: file,
        row, field and fix), or values after ``as_of``.

    Examples
    --------
    >>> from longjiang_forecast import load_catalog
    >>> from longjiang_forecast.testing import synthetic_progress
    >>> catalog = load_catalog(2024)
    >>> flags = check_reports(synthetic_progress(catalog, seed=1), catalog)
    >>> list(flags.columns)[:5]
    ['indicator', 'region', 'months', 'rule', 'score']
    """
    check_param("check_reports", "alpha", alpha, Real, 0, 1, closed="neither")
    if not isinstance(progress, xr.Dataset):
        from ..progress import read_progress

        progress = read_progress(progress, catalog, as_of=as_of, allow_revisions=True)
    model = SeasonalShareModel() if model is None else model
    model.fit(progress, catalog=catalog, as_of=as_of)
    missing = [a for a in ("state_", "reference_", "origin_", "reason_") if not hasattr(model, a)]
    if missing:
        raise ValueError(
            f"check_reports needs a model with a seasonal reference class (attributes {missing} are "
            f"missing from {type(model).__name__} after fit); use SeasonalShareModel (the default)."
        )
    state = model.state_
    year = int(state.attrs["year"])
    family_of = {
        str(i): str(f) for i, f in zip(catalog.table["indicator"], catalog.table["family"], strict=False)
    }
    judge = _Judge(
        alpha=float(alpha),
        year=year,
        rows=json.loads(str(progress.attrs.get("rows", "") or "{}")),
        history=FamilyHistory(progress, catalog, year),
    )
    flags: list[dict[str, Any]] = []
    not_checked: list[tuple[str, str, str, str, str]] = []
    few_years: list[tuple[str, str, int]] = []
    n_series = n_reports = 0
    for s in range(state.sizes["series"]):
        ind, reg = str(state["indicator"].values[s]), str(state["region"].values[s])
        kind = str(state["kind"].values[s])
        obs = state["observed"].values[s].astype(float)
        last = int(state["last_month"].values[s])
        obs[last:] = np.nan
        if not np.isfinite(obs).any():
            continue
        reference = model.reference_[s] if not model.reason_[s] else None
        if kind in MONOTONE_KINDS or reference is not None:
            n_series += 1
            n_reports += int(np.isfinite(obs).sum())
        else:
            not_checked.append((ind, reg, kind, "none", str(model.reason_[s])))
            continue
        series = _Series(
            indicator=ind,
            region=reg,
            kind=kind,
            obs=obs,
            target=float(state["target"].values[s]),
            deadline=int(state["deadline_month"].values[s]),
            origin=float(model.origin_[s]),
            family=family_of.get(ind, ind),
            reference=reference,
        )
        if kind in MONOTONE_KINDS:
            flags += judge.falls(series)
        if reference is None:
            not_checked.append((ind, reg, kind, "falls", str(model.reason_[s])))
            continue
        flags += judge.jump_and_range(series)
        if (own := judge.own_years(series)) < MIN_OWN_YEARS:
            few_years.append((ind, reg, own))
        flags += judge.round_shares(series)
        flags += judge.repeats(series)
    table = pd.DataFrame(flags, columns=list(FLAG_COLUMNS))
    if len(table):
        table = table.sort_values(
            ["rule", "score", "indicator", "region"],
            key=lambda c: c.map(_RULE_ORDER) if c.name == "rule" else c,
        ).reset_index(drop=True)
    table.attrs.update(
        as_of=str(state.attrs["as_of"]),
        alpha=float(alpha),
        n_series=n_series,
        n_reports=n_reports,
        not_checked=not_checked,
        few_own_years=few_years,
        min_own_years=MIN_OWN_YEARS,
        method=type(model).__name__,
    )
    return table


@dataclass
class _Series:
    """One series of the forecast year as the rules see it."""

    indicator: str
    region: str
    kind: str
    obs: np.ndarray  # (12,) reports of months 1..12, NaN where none (or after the as-of month)
    target: float
    deadline: int  # the deadline month, 1..12
    origin: float  # 0 for a count, the level the model counts the gain from
    family: str
    reference: Any  # the model's _ReferenceClass (None: the model has none)
    done: np.ndarray = field(init=False)  # obs - origin
    months: list[int] = field(init=False)  # reported months, 1..12
    unit: float = field(init=False)  # δ, the reporting unit

    def __post_init__(self) -> None:
        self.done = self.obs - self.origin
        self.months = [m for m in range(1, 13) if np.isfinite(self.obs[m - 1])]
        self.unit = 10.0 ** -max(_decimals(v) for v in self.obs[np.isfinite(self.obs)])

    def before(self, m: int) -> int:
        """The reported month before ``m`` with positive progress (0 if none)."""
        earlier = [k for k in self.months if k < m and self.done[k - 1] > 0]
        return earlier[-1] if earlier else 0


class _Judge:
    """The rules, with what they share: the threshold, the year, the file rows and the family histories."""

    def __init__(self, *, alpha: float, year: int, rows: dict[str, str], history: FamilyHistory) -> None:
        self.alpha, self.year, self.rows, self.history = alpha, year, rows, history

    # -- output ---------------------------------------------------------------------------------

    def flag(
        self, x: _Series, months: list[int], rule: str, score: float, zh: str, en: str
    ) -> dict[str, Any]:
        labels = [f"{self.year}-{m:02d}" for m in months]
        rows = [self.rows.get(f"{x.indicator}|{x.region}|{label}", "") for label in labels]
        return {
            "indicator": x.indicator,
            "region": x.region,
            "months": ", ".join(labels),
            "rule": rule,
            "score": float(min(max(score, 0.0), 1.0)),
            "values": ", ".join(_num(x.obs[m - 1]) for m in months),
            "reason_zh": zh,
            "reason_en": en,
            "rows": ", ".join(r for r in rows if r),
        }

    # -- rules ----------------------------------------------------------------------------------

    def jump_and_range(self, x: _Series) -> list[dict[str, Any]]:
        """``deadline_jump`` at the deadline month; ``outside_own_range`` at every other month."""
        out = []
        log_share, sd = x.reference.log_share, x.reference.log_share_sd
        own = self._own_log_shares(x)
        for m in x.months:
            m0 = x.before(m)
            if m0 == 0 or not x.done[m - 1] > 0:
                continue
            r = float(np.log(max(x.done[m0 - 1] / x.done[m - 1], _MIN_SHARE)))
            step = 1.0 - math.exp(r)  # share of the progress to month m that came after m0
            if m == x.deadline:
                centres, width = _ratio_reference(log_share, sd, m0, m)
                p = _cdf(r, centres, width)
                if p < self.alpha:
                    typical = 1.0 - math.exp(float(np.median(centres)))
                    out.append(self.flag(
                        x, [m0, m], "deadline_jump", p,
                        f"截止月（{m}月）一个月完成了截至当月进度的{step:.0%}，同类指标往年同期中位数为"
                        f"{typical:.0%}；按模型出现如此大跃升的概率为 {_p(p)}。",
                        f"The deadline month ({self.year}-{m:02d}) added {step:.0%} of the progress to "
                        f"date, against a median of {typical:.0%} in the family's earlier years; the "
                        f"model's probability of so large a jump is {_p(p)}.",
                    ))  # fmt: skip
                continue
            if own is None:
                continue
            centres = own[:, m0] - own[:, m]
            centres = centres[np.isfinite(centres)]
            if centres.size < MIN_OWN_YEARS:
                continue
            p_own = _two_sided(r, centres, _kernel_width(centres, float(np.hypot(sd[m0], sd[m]))))
            p = max(p_own, _two_sided(r, *_ratio_reference(log_share, sd, m0, m)))
            if p < self.alpha:
                lo, hi = (1.0 - math.exp(float(c)) for c in (centres.max(), centres.min()))
                out.append(self.flag(
                    x, [m0, m], "outside_own_range", p,
                    f"{m}月完成了截至当月进度的{step:.0%}，本地区往年{centres.size}年同期在{lo:.0%}至"
                    f"{hi:.0%}之间；按模型偏离如此之远的概率为 {_p(p)}。",
                    f"{self.year}-{m:02d} added {step:.0%} of the progress to date, against "
                    f"{lo:.0%}-{hi:.0%} in the same month of this region's {centres.size} earlier years; "
                    f"the model's probability of so far off a month is {_p(p)}.",
                ))  # fmt: skip
        return out

    def round_shares(self, x: _Series) -> list[dict[str, Any]]:
        """``round_share``: a report on the target or a round share of it (within half a reporting unit)."""
        if not (np.isfinite(x.target) and x.target > 0):
            return []
        all_shares = ROUND_SHARES if x.kind == "cumulative" else (1.0,)
        # a mark within one reporting unit of 0 is where a month with nothing done rounds to
        shares = tuple(q for q in all_shares if q * x.target >= x.unit)
        marks = np.array([q * x.target for q in shares])
        if not marks.size or marks.size * x.unit > MAX_MARKS_SHARE * x.target:
            return []  # the marks cover so much of the range that landing on one is no coincidence
        out = []
        for m in x.months:
            value = x.obs[m - 1]
            if not value > 0:  # nothing done is not a round share
                continue
            hit = np.flatnonzero(np.abs(value - marks) <= x.unit / 2 + 1e-9 * abs(value))
            if not hit.size:
                continue
            density = self._density(x, m, marks)
            p = float(np.sum(x.unit * density))
            if p >= self.alpha:
                continue
            q = shares[int(hit[0])]
            what_zh = "等于目标值" if q == 1.0 else f"恰为目标值的{q:.0%}"
            what_en = "equals the target" if q == 1.0 else f"is exactly {q:.0%} of the target"
            out.append(self.flag(
                x, [m], "round_share", p,
                f"{m}月报告值{_num(value)}{what_zh}（{_num(x.target)}）；按报告精度{_num(x.unit)}，"
                f"模型下恰好落在目标或其整数比例上的概率为 {_p(p)}。",
                f"The {self.year}-{m:02d} report {_num(value)} {what_en} ({_num(x.target)}); reported to "
                f"{_num(x.unit)}, the model's chance of landing on the target or a round share of it is "
                f"{_p(p)}.",
            ))  # fmt: skip
        return out

    def falls(self, x: _Series) -> list[dict[str, Any]]:
        """``fall_then_rise``: a cumulative count falling by more than its rounding (score 0)."""
        out = []
        for k in range(1, len(x.months)):
            m0, m = x.months[k - 1], x.months[k]
            before, after = x.obs[m0 - 1], x.obs[m - 1]
            rounding = 0.5 * 10.0 ** -min(_decimals(before), _decimals(after))
            if before - after <= rounding + 1e-9 * abs(before):
                continue
            rise = next((j for j in x.months[k + 1 :] if x.obs[j - 1] > after), None)
            months = [m0, m] + ([rise] if rise else [])
            then_zh = f"，{rise}月又升至{_num(x.obs[rise - 1])}" if rise else "（其后尚无报告）"
            then_en = f", then rose to {_num(x.obs[rise - 1])} in {self.year}-{rise:02d}" if rise else ""
            out.append(self.flag(
                x, months, "fall_then_rise", 0.0,
                f"累计值从{m0}月的{_num(before)}降至{m}月的{_num(after)}{then_zh}；累计进度不应下降"
                f"（模型的月增量不为负，概率为 0），降幅大于舍入误差，需说明是否为更正。",
                f"The cumulative figure fell from {_num(before)} ({self.year}-{m0:02d}) to {_num(after)} "
                f"({self.year}-{m:02d}){then_en}; cumulative progress cannot fall (the model's monthly "
                "increments are never negative: probability 0) and the fall is more than rounding: ask "
                "whether it is a revision.",
            ))  # fmt: skip
        return out

    def repeats(self, x: _Series) -> list[dict[str, Any]]:
        """``repeated``: the same figure for consecutive months after progress had begun."""
        out = []
        k = 0
        while k < len(x.months):
            run = [x.months[k]]
            while k + len(run) < len(x.months) and x.obs[x.months[k + len(run)] - 1] == x.obs[run[0] - 1]:
                run.append(x.months[k + len(run)])
            k += len(run)
            first, latest = run[0], run[-1]
            start = x.done[first - 1]
            if len(run) < 2 or not start > 0:
                continue
            centres, width = _ratio_reference(x.reference.log_share, x.reference.log_share_sd, first, latest)
            threshold = math.log(start / (start + x.unit))
            p = 1.0 - _cdf(threshold, centres, width)
            if p >= self.alpha:
                continue
            value = _num(x.obs[first - 1])
            out.append(self.flag(
                x, run, "repeated", p,
                f"{first}月至{latest}月连续报告同一数值{value}（精确到{_num(x.unit)}毫无进展）；"
                f"按模型这些月份进展为零的概率为 {_p(p)}。",
                f"The same figure {value} was reported from {self.year}-{first:02d} to "
                f"{self.year}-{latest:02d} (no progress at all to {_num(x.unit)}); the model's "
                f"probability of no progress over those months is {_p(p)}.",
            ))  # fmt: skip
        return out

    # -- helpers --------------------------------------------------------------------------------

    def own_years(self, x: _Series) -> int:
        """How many earlier years of its own family the series' region has (the range rule needs three)."""
        return len(_reference_years(x.region, *self.history(x.family, x.region), x.kind))

    def _own_log_shares(self, x: _Series) -> np.ndarray | None:
        """Log share curves (J, 13) of the region's own earlier years of the family (None without)."""
        years = _reference_years(x.region, *self.history(x.family, x.region), x.kind)
        if len(years) < MIN_OWN_YEARS:
            return None
        return np.log(np.maximum(np.array([y.curve for y in years]), _MIN_SHARE))

    def _density(self, x: _Series, m: int, values: np.ndarray) -> np.ndarray:
        """The model's predictive density of the month-``m`` report at ``values`` (per unit of value)."""
        log_share, sd = x.reference.log_share, x.reference.log_share_sd
        gain = values - x.origin
        out = np.zeros(values.size)
        ok = gain > 0
        m0 = x.before(m)
        if m0:  # given the previous report: r = log(C(m0) / C(m)), dr/dC = 1 / C
            centres, width = _ratio_reference(log_share, sd, m0, m)
            r = np.log(np.maximum(x.done[m0 - 1] / gain[ok], _MIN_SHARE))
        else:  # the first report: the reference shares times the plan's total
            need = x.target - x.origin
            if not need > 0:
                return out
            centres = np.log(need) + log_share[:, m]
            centres = centres[np.isfinite(centres)]
            width = float(np.hypot(sd[m], x.reference.prior_sd))
            r = np.log(gain[ok])
        out[ok] = _pdf(r, centres, width) / gain[ok]
        return out


def _ratio_reference(log_share: np.ndarray, sd: np.ndarray, m0: int, m: int) -> tuple[np.ndarray, float]:
    """Kernel centres ``log S(m0) − log S(m)`` of the reference years and the model's kernel width."""
    centres = log_share[:, m0] - log_share[:, m]
    centres = centres[np.isfinite(centres)]
    prior = float(np.hypot(sd[m0], sd[m]))
    return centres, prior if centres.size < 2 else _kernel_width(centres, prior)


def _cdf(x: float, centres: np.ndarray, width: float) -> float:
    """``P(R ≤ x)`` under the mixture of the model's Student-t kernels at ``centres``."""
    return float(np.mean(special.stdtr(_KERNEL_DF, (x - centres) / (width * _KERNEL_SCALE))))


def _two_sided(x: float, centres: np.ndarray, width: float) -> float:
    """``2 · min(P(R ≤ x), P(R ≥ x))`` under that mixture."""
    lower = _cdf(x, centres, width)
    return 2.0 * min(lower, 1.0 - lower)


def _pdf(x: np.ndarray, centres: np.ndarray, width: float) -> np.ndarray:
    """Density of that mixture at each of ``x``."""
    logpdf = _kernel_logpdf(np.asarray(x, float)[:, None], centres[None, :], width * _KERNEL_SCALE)
    return np.exp(logpdf).mean(axis=1)


def _decimals(value: float) -> int:
    """Decimals of a reported figure (at most :data:`_MAX_DECIMALS`)."""
    for k in range(_MAX_DECIMALS):
        if abs(value - round(value, k)) <= 1e-9 * max(1.0, abs(value)):
            return k
    return _MAX_DECIMALS


def _num(value: float) -> str:
    """A figure as text, without float noise."""
    return f"{value:.{_decimals(value)}f}"


def _p(p: float) -> str:
    """A tail probability for a sentence."""
    return "0" if p == 0 else f"{p:.2g}"
