"""Score a backtest on synthetic data against its exact oracle, and check the acceptance bars.

The synthetic generators (:func:`~longjiang_forecast.testing.synthetic_families`,
:func:`~longjiang_forecast.testing.synthetic_province`) know the true
probability of meeting each target given the reports so far. These functions
join that oracle to a :func:`longjiang_forecast.backtest` Dataset and
summarise how far a model's probabilities and intervals are from it, by as-of
month, with the bars of issue 13 as PASS/FAIL lines.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.schema import PROVINCE

#: The acceptance bars: Brier gap to the oracle overall and at each as-of month from ``GAP_FROM``.
MAX_GAP, MAX_GAP_MONTH, GAP_FROM = 0.015, 0.025, 3
#: 80 % intervals must hold this share of outcomes overall and at each as-of month from ``COVERAGE_FROM``.
COVERAGE_RANGE, COVERAGE_FROM = (0.75, 0.85), 5
#: Reliability bins with at least ``BIN_MIN`` forecasts must lie within ``MAX_BIN_DEV`` of the diagonal.
BIN_MIN, MAX_BIN_DEV = 50, 0.07
#: Brier gap of the province rows.
MAX_PROVINCE_GAP = 0.03
#: No forecast of exactly 0 or 1 where the oracle lies in this range.
ORACLE_UNSURE = (0.02, 0.98)


def with_oracle(forecasts: xr.Dataset, world: Any) -> xr.Dataset:
    """Add the oracle of a synthetic world to the forecasts of its backtest.

    Parameters
    ----------
    forecasts : xarray.Dataset
        ``Backtest.forecasts`` of a backtest run on ``world`` (dim ``forecast``,
        with ``as_of``, ``indicator``, ``region``).
    world : SyntheticFamilies or SyntheticProvince
        The generator's output, whose ``oracle(as_of)`` is evaluated once per
        as-of month of the backtest.

    Returns
    -------
    xarray.Dataset
        ``forecasts`` with ``p_true``, ``q10_true``, ``q90_true`` (the
        oracle's P(met) and 10 % / 90 % quantiles of the deadline value) and
        ``oracle_covered_80`` (1/0: the oracle's 80 % interval holds the
        outcome) along ``forecast``; NaN where the oracle has no such row.
    """
    as_of = pd.DatetimeIndex(forecasts["as_of"].values)
    oracle = oracle_frame(world, sorted(set(as_of))).set_index(["as_of", "indicator", "region"])
    key = pd.MultiIndex.from_arrays([as_of, forecasts["indicator"].values, forecasts["region"].values])
    joined = oracle.reindex(key)
    covered = (joined["outcome"] >= joined["q10_true"]) & (joined["outcome"] <= joined["q90_true"])
    return forecasts.assign(
        p_true=("forecast", joined["p_true"].to_numpy(float)),
        q10_true=("forecast", joined["q10_true"].to_numpy(float)),
        q90_true=("forecast", joined["q90_true"].to_numpy(float)),
        oracle_covered_80=("forecast", np.where(joined["p_true"].notna(), covered, np.nan).astype(float)),
    )


def oracle_frame(world: Any, as_of: Any) -> pd.DataFrame:
    """The oracle rows of every as-of month, one frame (``world.oracle`` concatenated)."""
    return pd.concat([world.oracle(pd.Timestamp(ts)) for ts in as_of], ignore_index=True)


def oracle_scores(forecasts: xr.Dataset, *, by: tuple[str, ...] = ("model", "as_of_month")) -> pd.DataFrame:
    """Scores against the oracle, one row per group (prefecture rows only; see :func:`province_scores`).

    Parameters
    ----------
    forecasts : xarray.Dataset
        From :func:`with_oracle`.
    by : tuple of str, default ("model", "as_of_month")
        Grouping variables along ``forecast``; ``()`` for one row.

    Returns
    -------
    pandas.DataFrame
        The ``by`` keys and ``n_forecasts``, ``brier``, ``brier_oracle``,
        ``gap`` (brier − brier_oracle on the same forecasts), ``mean_abs_dp``
        (mean ``|p − p_true|``), ``coverage_80``, ``below_q10``,
        ``above_q90`` (shares of outcomes inside, below and above the 80 %
        interval), ``worst_bin_dev`` and ``worst_bin_p`` (the largest
        ``|observed frequency − mean forecast|`` among the 10 equal-width
        reliability bins with at least ``BIN_MIN`` forecasts, and that bin's
        mean forecast; NaN if none has), ``worst_bin_dev_oracle`` (the same
        for the oracle's own probabilities on the same outcomes: how far the
        truth itself strays on this world, the yardstick of the bar),
        ``n_exact_01`` (forecasts of exactly
        0 or 1 where the oracle lies in ``ORACLE_UNSURE``).
    """
    from ..metrics import reliability_curve, summary_table

    ds = _select(forecasts, forecasts["region"].values.astype(str) != PROVINCE)
    if ds.sizes["forecast"] == 0:
        return pd.DataFrame(columns=[*by, "n_forecasts"])
    table = summary_table(ds, by=by).rename(columns={"oracle_gap": "gap"})
    keys = [tuple(np.asarray(ds[b].values)) for b in by]
    extra = []
    for _, row in table.iterrows():
        mask = np.ones(ds.sizes["forecast"], bool)
        for b, vals in zip(by, keys, strict=True):
            mask &= np.asarray(vals, dtype=object) == row[b]
        sub = _select(ds, mask)
        p, pt, y = (sub[v].values.astype(float) for v in ("p_met", "p_true", "outcome_met"))
        ok = np.isfinite(p) & np.isfinite(y)
        if not ok.any():  # the model forecast none of them (e.g. a milestone model on a world without)
            extra.append({**dict.fromkeys(_EXTRA_COLUMNS, np.nan), "n_exact_01": 0})
            continue
        curve = reliability_curve(p[ok], y[ok], n_resamples=1, rng=np.random.default_rng(0))
        big = curve["count"] >= BIN_MIN
        dev = np.abs(curve["observed_frequency"] - curve["mean_forecast"])
        worst = int(np.argmax(np.where(big, dev, -1.0))) if big.any() else -1
        truth = np.isfinite(pt) & np.isfinite(y)
        oracle = reliability_curve(pt[truth], y[truth], n_resamples=1, rng=np.random.default_rng(0))
        oracle_dev = np.abs(oracle["observed_frequency"] - oracle["mean_forecast"])
        oracle_dev = oracle_dev[oracle["count"] >= BIN_MIN]
        j = int(np.flatnonzero(np.isclose(sub["level"].values, 0.8))[0])
        obs = sub["outcome_value"].values.astype(float)
        has_interval = ok & np.isfinite(sub["lower"].values[:, j])
        extra.append(
            {
                "mean_abs_dp": float(np.nanmean(np.abs(p[ok] - pt[ok]))),
                "below_q10": float(np.mean(obs[has_interval] < sub["lower"].values[has_interval, j])),
                "above_q90": float(np.mean(obs[has_interval] > sub["upper"].values[has_interval, j])),
                "worst_bin_dev": float(dev[worst]) if worst >= 0 else np.nan,
                "worst_bin_p": float(curve["mean_forecast"][worst]) if worst >= 0 else np.nan,
                "worst_bin_dev_oracle": float(oracle_dev.max()) if oracle_dev.size else np.nan,
                "n_exact_01": _n_exact_01(p, pt),
            }
        )
    table = pd.concat([table.reset_index(drop=True), pd.DataFrame(extra)], axis=1)
    return table[[*by, *SCORE_COLUMNS]]


#: The columns :func:`oracle_scores` adds to the summary table's.
_EXTRA_COLUMNS = (
    "mean_abs_dp", "below_q10", "above_q90", "worst_bin_dev", "worst_bin_p", "worst_bin_dev_oracle",
    "n_exact_01",
)  # fmt: skip

SCORE_COLUMNS = (
    "n_forecasts", "brier", "brier_oracle", "gap", "mean_abs_dp", "coverage_80", "below_q10", "above_q90",
    "worst_bin_dev", "worst_bin_p", "worst_bin_dev_oracle", "n_exact_01",
)  # fmt: skip


def province_scores(forecasts: xr.Dataset, world: Any) -> pd.DataFrame:
    """The province rows: how many exist, how many a model forecast, and their Brier gap.

    A province row *exists* at an as-of month when the world's oracle has a
    ``province`` row for it, the as-of month is before the deadline month and
    the sum of the prefectures' published reports is still below the target
    (the backtest leaves out targets already reached).

    Parameters
    ----------
    forecasts : xarray.Dataset
        From :func:`with_oracle` (one or several models).
    world : SyntheticProvince or SyntheticFamilies
        A world without province rows gives ``n_exist = 0``.

    Returns
    -------
    pandas.DataFrame
        One row per model: ``model``, ``n_exist``, ``n_forecast`` (of the
        rows that exist, those with a finite ``p_met``), ``brier``,
        ``brier_oracle``, ``gap`` (on every forecast province row),
        ``n_exact_01``.
    """
    as_of = sorted(set(pd.DatetimeIndex(forecasts["as_of"].values)))
    oracle = oracle_frame(world, as_of)
    if "observed" in oracle:
        deadline = {s.name: s.deadline_month for s in world.specs}
        family = oracle["indicator"].str.rsplit("_", n=1).str[0]
        exist = oracle[
            (oracle["region"] == PROVINCE)
            & (oracle["as_of"].dt.month < family.map(deadline))
            & (oracle["observed"] < oracle["target"])
        ]
    else:
        exist = oracle.iloc[:0]
    rows = []
    for model in dict.fromkeys(forecasts["model"].values.tolist()):
        sub = _select(
            forecasts,
            (forecasts["model"].values == model) & (forecasts["region"].values.astype(str) == PROVINCE),
        )
        p, pt, y = (sub[v].values.astype(float) for v in ("p_met", "p_true", "outcome_met"))
        ok = np.isfinite(p) & np.isfinite(pt) & np.isfinite(y)
        # the existing rows a model forecast: a backtest may also forecast a province row that the
        # oracle counts as reached (the oracle sums each prefecture's latest published report, the
        # backtest the last month every prefecture reported), which does not make up for a miss
        made = set(zip(pd.DatetimeIndex(sub["as_of"].values[ok]), sub["indicator"].values[ok].astype(str),
                       strict=True))  # fmt: skip
        n_made = sum((ts, str(i)) in made for ts, i in zip(exist["as_of"], exist["indicator"], strict=True))
        brier = float(np.mean((p[ok] - y[ok]) ** 2)) if ok.any() else np.nan
        oracle_b = float(np.mean((pt[ok] - y[ok]) ** 2)) if ok.any() else np.nan
        rows.append({"model": model, "n_exist": len(exist), "n_forecast": n_made, "brier": brier,
                     "brier_oracle": oracle_b, "gap": brier - oracle_b,
                     "n_exact_01": _n_exact_01(p, pt)})  # fmt: skip
    return pd.DataFrame(rows)


def acceptance(by_month: pd.DataFrame, overall: pd.Series, province: pd.Series | None = None) -> pd.DataFrame:
    """PASS/FAIL of each acceptance bar for one model on one world.

    Parameters
    ----------
    by_month : pandas.DataFrame
        :func:`oracle_scores` of the model by ``as_of_month``.
    overall : pandas.Series
        :func:`oracle_scores` of the model with ``by=("model",)`` (one row).
    province : pandas.Series, optional
        The model's row of :func:`province_scores`; ``None`` or ``n_exist == 0``
        when the world has no province rows (the bar is then ``n/a``).

    Returns
    -------
    pandas.DataFrame
        Columns ``check`` (the bar, in words), ``value`` (what was measured),
        ``result`` (``PASS``, ``FAIL`` or ``n/a``).
    """
    rows = []

    def add(check: str, value: str, ok: bool | None) -> None:
        rows.append(
            {"check": check, "value": value, "result": "n/a" if ok is None else ("PASS" if ok else "FAIL")}
        )

    add(f"Brier gap overall <= {MAX_GAP}", f"{overall['gap']:+.3f}", bool(overall["gap"] <= MAX_GAP))
    late = by_month[by_month["as_of_month"] >= GAP_FROM]
    add(
        f"Brier gap <= {MAX_GAP_MONTH} at every as-of month from {GAP_FROM}",
        ", ".join(f"{int(m)}: {g:+.3f}" for m, g in zip(late["as_of_month"], late["gap"], strict=True)),
        bool((late["gap"] <= MAX_GAP_MONTH).all()) if len(late) else None,
    )
    lo, hi = COVERAGE_RANGE
    add(f"80 % coverage in [{lo}, {hi}] overall", f"{overall['coverage_80']:.3f}",
        bool(lo <= overall["coverage_80"] <= hi))  # fmt: skip
    late = by_month[by_month["as_of_month"] >= COVERAGE_FROM]
    add(
        f"80 % coverage in [{lo}, {hi}] at every as-of month from {COVERAGE_FROM}",
        ", ".join(
            f"{int(m)}: {c:.3f}" for m, c in zip(late["as_of_month"], late["coverage_80"], strict=True)
        ),
        bool(late["coverage_80"].between(lo, hi).all()) if len(late) else None,
    )
    dev = overall["worst_bin_dev"]
    add(
        f"every reliability bin with >= {BIN_MIN} forecasts within {MAX_BIN_DEV} of the diagonal",
        "no such bin"
        if np.isnan(dev)
        else f"worst {dev:.3f} (bin at p = {overall['worst_bin_p']:.2f}; the oracle's own probabilities: "
        f"{overall.get('worst_bin_dev_oracle', np.nan):.3f})",
        None if np.isnan(dev) else bool(dev <= MAX_BIN_DEV),
    )
    if province is None or province["n_exist"] == 0:
        add("province rows: every one forecast, Brier gap <= 0.03", "no province rows in this world", None)
    else:
        full = province["n_forecast"] == province["n_exist"]
        gap = province["gap"]
        add(
            f"province rows: every one forecast, Brier gap <= {MAX_PROVINCE_GAP}",
            f"{province['n_forecast']}/{province['n_exist']} forecast, gap "
            + ("n/a" if np.isnan(gap) else f"{gap:+.3f}"),
            bool(full and gap <= MAX_PROVINCE_GAP),
        )
    n01 = int(overall["n_exact_01"]) + (0 if province is None else int(province["n_exact_01"]))
    lo, hi = ORACLE_UNSURE
    add(f"no p of exactly 0 or 1 where the oracle is in [{lo}, {hi}]", str(n01), n01 == 0)
    return pd.DataFrame(rows)


def _n_exact_01(p: np.ndarray, pt: np.ndarray) -> int:
    lo, hi = ORACLE_UNSURE
    return int(np.sum(((p == 0) | (p == 1)) & (pt >= lo) & (pt <= hi)))


def _select(ds: xr.Dataset, mask: np.ndarray) -> xr.Dataset:
    return ds.isel(forecast=np.flatnonzero(mask))


__all__ = ["acceptance", "oracle_frame", "oracle_scores", "province_scores", "with_oracle"]
