"""Labelled layer of the scores: backtest Datasets (dim ``forecast``) in, tables and Datasets out.

A backtest Dataset has one row per forecast along the ``forecast`` dim (an
as-of month × series pair), with at least ``p_met`` (forecast probability)
and ``outcome_met`` (1/0, NaN if unknown); see
:func:`longjiang_forecast.backtest`. The kernels are in ``_scores.py``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from . import _scores

#: Dimension of one forecast (as-of month × series) in backtest Datasets.
FORECAST = "forecast"
#: Dimension of the bins of reliability diagrams and PIT histograms.
BIN = "bin"
#: Dimension of the nominal levels of central intervals.
LEVEL = "level"
#: Dimension of the distinct forecast probabilities of a CORP reliability diagram.
POINT = "point"


def ensemble_scores(
    obs: np.ndarray,
    ensemble: np.ndarray,
    *,
    levels: Sequence[float] = _scores.COVERAGE_LEVELS,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Scores of ensemble forecasts of a value: CRPS, PIT, central-interval coverage and interval scores.

    Parameters
    ----------
    obs : ndarray of shape (n,)
        Observed values at the deadline (NaN: unknown).
    ensemble : ndarray of shape (n, n_members)
        Simulated values at the deadline, members last.
    levels : sequence of float, default (0.5, 0.8, 0.9)
        Nominal levels of the central intervals.
    rng : numpy.random.Generator
        Breaks PIT ties.

    Returns
    -------
    dict of ndarray
        ``crps`` (n,) in the unit of ``obs``; ``pit`` (n,) in [0, 1];
        ``lower`` and ``upper`` (n, n_levels) interval bounds; ``covered``
        (n, n_levels) 1/0 (NaN where unknown); ``interval_score`` (n, n_levels)
        and ``wis`` (n,, the weighted interval score of the median and the
        intervals) in the unit of ``obs`` (see :func:`interval_score`,
        :func:`weighted_interval_score`).
    """
    lower = np.empty((obs.shape[0], len(levels)))
    upper = np.empty_like(lower)
    for j, level in enumerate(levels):
        lower[:, j], upper[:, j] = _scores.central_interval(ensemble, level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # rows of NaN members
        median = np.nanmedian(np.asarray(ensemble, dtype=float), axis=-1)
    return {
        "crps": _scores.crps_ensemble(obs, ensemble),
        "pit": _scores.pit_ensemble(obs, ensemble, rng),
        "lower": lower,
        "upper": upper,
        "covered": _scores.interval_covered(obs[:, None], lower, upper),
        "interval_score": _scores.interval_score(obs, lower, upper, levels),
        "wis": _scores.weighted_interval_score(obs, median, lower, upper, levels),
    }


def _require(ds: xr.Dataset, names: Sequence[str], func: str) -> None:
    missing = [n for n in names if n not in ds.variables]
    if missing:
        raise ValueError(
            f"{func} needs a backtest Dataset with variables {list(names)}; {missing} are missing. "
            "Pass the 'forecasts' Dataset of longjiang_forecast.backtest."
        )
    if FORECAST not in ds.dims:
        raise ValueError(f"{func} needs a Dataset with a {FORECAST!r} dim. Got dims {tuple(ds.dims)}.")


def probability_scores(ds: xr.Dataset, *, p_var: str = "p_met", eps: float = 1e-3) -> xr.Dataset:
    """Add the Brier and log scores of each probability forecast.

    Parameters
    ----------
    ds : xarray.Dataset
        Backtest Dataset with ``p_var`` and ``outcome_met`` along ``forecast``.
    p_var : str, default "p_met"
        Name of the probability variable to score.
    eps : float, default 1e-3
        Clipping of probabilities in the log score (see :func:`log_score`).

    Returns
    -------
    xarray.Dataset
        ``ds`` with ``brier`` and ``log_score`` (or ``brier_{p_var}`` and
        ``log_score_{p_var}`` for another ``p_var``) along ``forecast``.

    Raises
    ------
    ValueError
        If a variable is missing.
    """
    _require(ds, [p_var, "outcome_met"], "probability_scores")
    suffix = "" if p_var == "p_met" else f"_{p_var}"
    p, y = ds[p_var].values, ds["outcome_met"].values
    out = ds.copy()
    out[f"brier{suffix}"] = (FORECAST, _scores.brier_score(p, y))
    out[f"log_score{suffix}"] = (FORECAST, _scores.log_score(p, y, eps=eps))
    out[f"brier{suffix}"].attrs.update(units="1", long_name="Brier score (p - outcome)^2")
    out[f"log_score{suffix}"].attrs.update(
        units="1", long_name=f"log score in nats, p clipped to [{eps}, 1-{eps}]"
    )
    return out


def _group_frames(ds: xr.Dataset, by: Sequence[str]) -> list[tuple[tuple[Any, ...], np.ndarray]]:
    if not by:
        return [((), np.arange(ds.sizes[FORECAST]))]
    keys = pd.DataFrame({b: np.asarray(ds[b].values) for b in by})
    return [
        (k if isinstance(k, tuple) else (k,), np.asarray(idx))
        for k, idx in keys.groupby(list(by), sort=True).indices.items()
    ]


def summary_table(
    ds: xr.Dataset,
    *,
    by: Sequence[str] = ("model",),
    p_var: str = "p_met",
    bins: int = 10,
    reference: str | None = None,
) -> pd.DataFrame:
    """Score table of a backtest: one row per group of forecasts.

    Parameters
    ----------
    ds : xarray.Dataset
        Backtest Dataset (see :func:`longjiang_forecast.backtest`), with
        ``p_met``, ``outcome_met`` and optionally ``crps_rel``, ``pit``,
        ``covered`` (forecast, level), ``first_passage_error``, ``p_true``.
    by : sequence of str, default ("model",)
        Variables or coordinates along ``forecast`` to group by (e.g.
        ``("model", "as_of_month")``); empty for one row.
    p_var : str, default "p_met"
        The probability scored.
    bins : int, default 10
        Bins of the Brier decomposition.
    reference : str, optional
        A value of ``model``: adds ``brier_skill_vs_{reference}``, the Brier
        skill against that model on the same forecasts (same as-of month and
        series).

    Returns
    -------
    pandas.DataFrame
        Columns: the ``by`` keys; ``n_forecasts`` (with a known outcome and a
        probability), ``n_series_years`` (distinct outcomes behind them),
        ``base_rate``; ``brier``, ``reliability``, ``resolution``,
        ``uncertainty`` (Murphy 1973), ``bss_climatology`` (``1 - brier /
        uncertainty``); ``corp_mcb``, ``corp_dsc`` (miscalibration and
        discrimination of the CORP decomposition, ``brier = corp_mcb -
        corp_dsc + uncertainty``, with no bins to choose: see
        :func:`corp_reliability`); ``log_score`` (nats); ``crps_rel`` (mean CRPS of the
        deadline value as a fraction of the target); ``coverage_50``,
        ``coverage_80``, ``coverage_90`` (share of outcomes inside the
        central intervals) and beside them ``interval_score_rel_50``, ...
        (mean interval score of those intervals, as a fraction of the target:
        width plus 2/alpha times the miss, so that a narrow interval that holds
        the outcome scores best) and ``wis_rel`` (mean weighted interval score
        of the median and the intervals, a fraction of the target); ``pit_ks``
        (Kolmogorov-Smirnov distance of the PIT values from uniform);
        ``first_passage_mae`` (mean absolute error of the first-passage month,
        months); where ``p_true`` is present
        ``brier_oracle`` and ``oracle_gap`` (brier − brier_oracle) on the same
        forecasts.

    Raises
    ------
    ValueError
        If a needed variable or ``by`` key is missing.
    """
    _require(ds, [p_var, "outcome_met", *by], "summary_table")
    p_all = ds[p_var].values.astype(float)
    y_all = ds["outcome_met"].values.astype(float)
    ok_all = np.isfinite(p_all) & np.isfinite(y_all)
    rows = []
    for key, idx in _group_frames(ds, by):
        idx = idx[ok_all[idx]]
        row: dict[str, Any] = dict(zip(by, key, strict=True))
        row["n_forecasts"] = int(idx.size)
        if idx.size == 0:
            rows.append(row)
            continue
        sub = ds.isel({FORECAST: idx})
        row["n_series_years"] = int(
            pd.DataFrame(
                {k: np.asarray(sub[k].values) for k in ("indicator", "region") if k in sub.variables}
            )
            .drop_duplicates()
            .shape[0]
        )
        d = _scores.brier_decomposition(p_all[idx], y_all[idx], bins=bins)
        row.update(
            base_rate=d["base_rate"],
            brier=d["brier"],
            reliability=d["reliability"],
            resolution=d["resolution"],
            uncertainty=d["uncertainty"],
            bss_climatology=d["skill"],
            log_score=float(np.nanmean(_scores.log_score(p_all[idx], y_all[idx]))),
        )
        corp = _scores.corp_reliability(p_all[idx], y_all[idx], n_resamples=0, rng=np.random.default_rng(0))
        row.update(corp_mcb=corp["mcb"], corp_dsc=corp["dsc"])
        if "crps_rel" in sub:
            row["crps_rel"] = float(np.nanmean(sub["crps_rel"].values))
        if "covered" in sub:
            for j, level in enumerate(sub[LEVEL].values):
                row[f"coverage_{round(100 * float(level))}"] = float(np.nanmean(sub["covered"].values[:, j]))
                if "interval_score_rel" in sub:
                    row[f"interval_score_rel_{round(100 * float(level))}"] = float(
                        np.nanmean(sub["interval_score_rel"].values[:, j])
                    )
        if "wis_rel" in sub:
            row["wis_rel"] = float(np.nanmean(sub["wis_rel"].values))
        if "pit" in sub:
            row["pit_ks"] = _ks_uniform(sub["pit"].values)
        if "first_passage_error" in sub:
            fpe = sub["first_passage_error"].values.astype(float)
            row["first_passage_mae"] = float(np.nanmean(np.abs(fpe))) if np.isfinite(fpe).any() else np.nan
            row["n_first_passage"] = int(np.isfinite(fpe).sum())
        if "p_true" in sub:
            pt = sub["p_true"].values.astype(float)
            good = np.isfinite(pt)
            row["brier_oracle"] = float(np.mean((pt[good] - y_all[idx][good]) ** 2)) if good.any() else np.nan
            model_b = float(np.mean((p_all[idx][good] - y_all[idx][good]) ** 2)) if good.any() else np.nan
            row["oracle_gap"] = model_b - row["brier_oracle"]
        rows.append(row)
    table = pd.DataFrame(rows)
    for col in _SUMMARY_COLUMNS:
        if col not in table:
            table[col] = np.nan
    if reference is not None and "model" in ds.variables:
        table[f"brier_skill_vs_{reference}"] = _skill_vs(ds, table, by, p_var, reference)
    return table


_SUMMARY_COLUMNS = (
    "n_forecasts", "n_series_years", "base_rate", "brier", "reliability", "resolution", "uncertainty",
    "bss_climatology", "log_score",
)  # fmt: skip


def _ks_uniform(pit: np.ndarray) -> float:
    pit = np.sort(pit[np.isfinite(pit)])
    n = pit.size
    if n == 0:
        return float("nan")
    grid = np.arange(1, n + 1) / n
    return float(max(np.max(grid - pit), np.max(pit - (grid - 1 / n))))


def _skill_vs(
    ds: xr.Dataset, table: pd.DataFrame, by: Sequence[str], p_var: str, reference: str
) -> np.ndarray:
    keys = ["as_of", "indicator", "region"]
    frame = pd.DataFrame({k: np.asarray(ds[k].values) for k in [*keys, "model", *by] if k in ds.variables})
    frame = frame.loc[:, ~frame.columns.duplicated()]
    frame["score"] = (ds[p_var].values - ds["outcome_met"].values) ** 2
    ref = frame[frame["model"] == reference].set_index(keys)["score"]
    if ref.empty:
        raise ValueError(
            f"The 'reference' parameter of summary_table names model {reference!r}, which is not in "
            f"the backtest. Models: {sorted(set(frame['model']))}."
        )
    frame["ref"] = ref.reindex(pd.MultiIndex.from_frame(frame[keys])).to_numpy()
    out = []
    for _, row in table.iterrows():
        mask = np.ones(len(frame), bool)
        for b in by:
            mask &= frame[b].to_numpy() == row[b]
        both = mask & frame["score"].notna().to_numpy() & frame["ref"].notna().to_numpy()
        out.append(float(_scores.skill_score(frame["score"][both].mean(), frame["ref"][both].mean())))
    return np.array(out)


def reliability(
    ds: xr.Dataset,
    *,
    p_var: str = "p_met",
    bins: int = 10,
    n_resamples: int = 1000,
    band: float = 0.9,
    seed: SeedLike = 0,
) -> xr.Dataset:
    """Reliability diagram data of a backtest, with Bröcker-Smith consistency bands.

    Parameters
    ----------
    ds : xarray.Dataset
        Backtest Dataset with ``p_var`` and ``outcome_met``.
    p_var : str, default "p_met"
        The probability to assess.
    bins : int, default 10
        Equal-width probability bins.
    n_resamples : int, default 1000
        Consistency resamples.
    band : float, default 0.9
        Content of the consistency band.
    seed : int, SeedSequence, Generator or None, default 0
        Seed of the resamples (stored in ``attrs['seed_entropy']``).

    Returns
    -------
    xarray.Dataset
        dim ``bin``; variables ``edge_lo``, ``edge_hi``, ``count``,
        ``mean_forecast``, ``observed_frequency``, ``band_lo``, ``band_hi``
        (see :func:`reliability_curve`). attrs: ``n_forecasts``, ``band``,
        ``brier``, ``reliability``, ``resolution``, ``uncertainty``, provenance.

    Raises
    ------
    ValueError
        If a variable is missing or no forecast has a known outcome.

    References
    ----------
    Bröcker & Smith (2007), https://doi.org/10.1175/WAF993.1
    """
    _require(ds, [p_var, "outcome_met"], "reliability")
    ss = as_seed_sequence(seed)
    p, y = ds[p_var].values.astype(float), ds["outcome_met"].values.astype(float)
    curve = _scores.reliability_curve(
        p, y, bins=bins, n_resamples=n_resamples, band=band, rng=np.random.default_rng(ss)
    )
    d = _scores.brier_decomposition(p, y, bins=bins)
    return xr.Dataset(
        {k: (BIN, v) for k, v in curve.items()},
        coords={BIN: np.arange(len(curve["count"]))},
        attrs=make_attrs(
            n_forecasts=int(d["n"]),
            band=band,
            p_var=p_var,
            seed_entropy=str(ss.entropy),
            **{k: float(d[k]) for k in ("brier", "reliability", "resolution", "uncertainty")},
        ),
    )


def corp_reliability(
    ds: xr.Dataset,
    *,
    p_var: str = "p_met",
    n_resamples: int = 1000,
    band: float = 0.9,
    seed: SeedLike = 0,
) -> xr.Dataset:
    """CORP reliability diagram data of a backtest, with its consistency band.

    Parameters
    ----------
    ds : xarray.Dataset
        Backtest Dataset with ``p_var`` and ``outcome_met``.
    p_var : str, default "p_met"
        The probability to assess.
    n_resamples : int, default 1000
        Consistency resamples.
    band : float, default 0.9
        Content of the consistency band.
    seed : int, SeedSequence, Generator or None, default 0
        Seed of the resamples (stored in ``attrs['seed_entropy']``).

    Returns
    -------
    xarray.Dataset
        dim ``point`` (one per distinct forecast probability); variables ``forecast``,
        ``count``, ``cep`` (conditional event probability), ``band_lo``, ``band_hi`` (see
        :func:`~longjiang_forecast.metrics._scores.corp_reliability`). attrs:
        ``n_forecasts``, ``band``, ``brier`` and its CORP decomposition ``mcb``
        (miscalibration), ``dsc`` (discrimination), ``unc`` (uncertainty), provenance.

    Raises
    ------
    ValueError
        If a variable is missing or no forecast has a known outcome.

    See Also
    --------
    reliability : The binned diagram with Bröcker-Smith bands.

    References
    ----------
    Dimitriadis, Gneiting & Jordan (2021), https://doi.org/10.1073/pnas.2016191118
    """
    _require(ds, [p_var, "outcome_met"], "corp_reliability")
    ss = as_seed_sequence(seed)
    out = _scores.corp_reliability(
        ds[p_var].values.astype(float),
        ds["outcome_met"].values.astype(float),
        n_resamples=n_resamples,
        band=band,
        rng=np.random.default_rng(ss),
    )
    arrays = ("forecast", "count", "cep", "band_lo", "band_hi")
    result = xr.Dataset(
        {k: (POINT, out[k]) for k in arrays},
        coords={POINT: np.arange(out["forecast"].size)},
        attrs=make_attrs(
            n_forecasts=int(out["n"]),
            band=band,
            p_var=p_var,
            seed_entropy=str(ss.entropy),
            **{k: float(out[k]) for k in ("brier", "mcb", "dsc", "unc")},
        ),
    )
    for k in ("forecast", "cep", "band_lo", "band_hi"):
        result[k].attrs["units"] = "1"
    return result


def pit_histogram(ds: xr.Dataset, *, n_bins: int = 10, band: float = 0.9) -> xr.Dataset:
    """PIT histogram data of a backtest's deadline-value forecasts.

    Parameters
    ----------
    ds : xarray.Dataset
        Backtest Dataset with ``pit`` along ``forecast``.
    n_bins : int, default 10
        Equal-width bins on [0, 1].
    band : float, default 0.9
        Content of the band a uniform PIT's bin count falls in.

    Returns
    -------
    xarray.Dataset
        dim ``bin``; ``edge_lo``, ``edge_hi``, ``count``, ``expected``,
        ``band_lo``, ``band_hi``. attrs: ``n_forecasts``, ``ks`` (KS distance
        from uniform), provenance.

    Raises
    ------
    ValueError
        If ``pit`` is missing.
    """
    _require(ds, ["pit"], "pit_histogram")
    pit = ds["pit"].values.astype(float)
    h = _scores.pit_histogram(pit, n_bins=n_bins, band=band)
    return xr.Dataset(
        {k: (BIN, v) for k, v in h.items()},
        coords={BIN: np.arange(n_bins)},
        attrs=make_attrs(n_forecasts=int(np.isfinite(pit).sum()), band=band, ks=_ks_uniform(pit)),
    )
