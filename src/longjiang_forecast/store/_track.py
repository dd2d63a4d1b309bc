"""Our own track record: every published forecast scored against the outcomes the store now holds.

Each series of each published forecast (:func:`~longjiang_forecast.store.publish`) is one row.
Its outcome is read from the reports the store holds at a vintage (default its latest), with the
backtest's definition (:func:`longjiang_forecast.backtesting.outcomes`: the report of the deadline's
month, met or not, and the first reported month meeting the target); a province row the forecast
totalled from its prefectures is judged on their reports' total, as in a backtest. A row is

* ``scored``: a probability, and the outcome is in the store;
* ``pending``: the outcome is not in the store yet (the deadline's report, or for an annual mean
  one of its 12 months, has not been ingested);
* ``decided``: known when the forecast was published (the as-of month at or after the deadline, or
  the status "achieved", "missed" or "no share"), so not a forecast of anything: not scored, as a backtest
  leaves them out (scoring P(met) = 1 of a target already met would flatter the record);
* ``no forecast``: the forecast had no probability for the series;
* ``after vintage``: published from reports received after the vintage asked for;
* ``superseded``: a later publication of the same model and as-of month replaced it (a revision
  taken in, another seed): the month's forecast is scored once, as last published, where each
  copy was scored (a month published four times weighed four times; a break-it pass).

The scores are those of the calibration report (:func:`longjiang_forecast.metrics.summary_table`),
by model and as-of month and over all months; a cell with fewer than :data:`MIN_SCORED` scored
forecasts shows no score (its ``note`` says so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from ._bytes import dataset_from_bytes
from ._catalogs import load_stored_catalog
from ._db import open_store
from ._vintage import known_reports, parse_vintage, reports_dataset

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Fewest scored forecasts for which a cell of the summary shows its scores.
MIN_SCORED = 10
#: Probability content of the binomial (Clopper-Pearson) interval of the interval coverage.
COVERAGE_CONFIDENCE = 0.9
#: The row states of :func:`track_record`, in the order the summary counts them.
STATES = ("scored", "pending", "decided", "no forecast", "after vintage", "superseded")
#: Columns of :attr:`TrackRecord.rows`, one row per series of each published forecast.
TRACK_COLUMNS = (
    "forecast_id", "model", "as_of", "as_of_month", "vintage", "indicator", "region", "kind",
    "deadline_month", "status", "state", "p_met", "q10", "q50", "q90", "first_passage_forecast",
    "outcome_met", "outcome_value", "first_passage_outcome", "brier", "covered_80",
    "first_passage_error",
)  # fmt: skip
#: Columns of :attr:`TrackRecord.summary`, one row per model and as-of month, and per model ("all").
SUMMARY_COLUMNS = (
    "model", "as_of_month", "n_published", "n_scored", "n_pending", "n_decided", "n_no_forecast",
    "n_after_vintage", "n_superseded", "n_series", "base_rate", "brier", "reliability", "resolution",
    "uncertainty", "coverage_80", "coverage_80_lo", "coverage_80_hi", "first_passage_mae", "n_first_passage",
    "note",
)  # fmt: skip
_SCORES = ("base_rate", "brier", "reliability", "resolution", "uncertainty", "coverage_80",
           "coverage_80_lo", "coverage_80_hi", "first_passage_mae")  # fmt: skip


@dataclass(frozen=True)
class TrackRecord:
    """The published forecasts of a store scored against the outcomes it holds.

    Attributes
    ----------
    rows : pandas.DataFrame
        One row per series of each published forecast, columns :data:`TRACK_COLUMNS`:
        ``forecast_id``, ``model`` (registry name), ``as_of`` (YYYY-MM), ``as_of_month``
        (1-12), ``vintage`` (of its data), ``indicator``, ``region``, ``kind``,
        ``deadline_month`` (1-12, the month whose report decides the target), ``status`` (as
        published), ``state`` (one of :data:`STATES`, see the module notes), ``p_met``,
        ``q10``, ``q50``, ``q90`` (quantiles of the value at the deadline, the target's unit),
        ``first_passage_forecast`` (month 1-12 of the median first passage, NaN if half the
        paths never reach the target), ``outcome_met`` (1/0, NaN unless the outcome is in),
        ``outcome_value``, ``first_passage_outcome`` (month 1-12 of the first report meeting
        the target by the deadline, NaN if none), and for scored rows ``brier``
        (``(p_met - outcome_met)²``), ``covered_80`` (1/0: the outcome in [q10, q90]) and
        ``first_passage_error`` (forecast minus outcome month, months). Sorted by forecast and
        series.
    summary : pandas.DataFrame
        Columns :data:`SUMMARY_COLUMNS`, one row per model and as-of month (1-12, every year
        together) and per model over all months (``as_of_month`` "all"): counts of the rows by
        state, ``n_series`` (distinct series-years scored), ``base_rate`` (share met),
        ``brier`` and its decomposition ``reliability`` (lower is better), ``resolution``
        (higher is better), ``uncertainty`` (Murphy 1973; 10 bins), ``coverage_80`` (share of
        outcomes in [q10, q90]; 0.8 is nominal) and its :data:`COVERAGE_CONFIDENCE`
        Clopper-Pearson interval ``coverage_80_lo``/``_hi`` (it takes the forecasts as
        independent: in a month's cell each series once, though series of one year move together;
        NaN in the "all" rows, where each outcome is counted once per month), ``first_passage_mae`` (mean
        absolute first-passage error, months, over ``n_first_passage`` forecasts where both
        months are known). Scores are NaN where fewer than :data:`MIN_SCORED` forecasts were
        scored (``note`` says so), and ``first_passage_mae`` where fewer than that had both months.
    vintage : str
        The vintage the outcomes were read at (``"latest"`` or the one given).
    """

    rows: pd.DataFrame
    summary: pd.DataFrame
    vintage: str

    @property
    def counts(self) -> dict[str, int]:
        """The number of rows in each state of :data:`STATES` (0 where none), and ``forecasts``."""
        found = self.rows["state"].value_counts()
        return {s: int(found.get(s, 0)) for s in STATES} | {
            "forecasts": int(self.rows["forecast_id"].nunique())
        }


def track_record(store: str | Path, *, as_of_vintage: str | None = None) -> TrackRecord:
    """Score every forecast published in a store against the outcomes the store now holds.

    Parameters
    ----------
    store : str or pathlib.Path
        The report store the forecasts were published in.
    as_of_vintage : str, optional
        Read the outcomes as known at this vintage (``YYYY-MM-DD``, or a UTC time
        ``YYYY-MM-DDTHH:MM:SS``), e.g. the record before a revision; forecasts whose data is
        later are rows of state "after vintage". Default: everything the store holds.

    Returns
    -------
    TrackRecord
        ``rows`` (every series of every published forecast, with its state: nothing is left out)
        and ``summary`` (scores by model and as-of month); see :class:`TrackRecord`.

    Raises
    ------
    DataValidationError
        If the store holds no published forecast (naming how to publish one), ``as_of_vintage``
        is malformed, or the store is not usable (see
        :func:`~longjiang_forecast.store.open_store`).

    Notes
    -----
    No forecast is re-run: the published summary is scored as it was published. The state a
    forecast started from (its latest reports, and which province rows it totalled from its
    prefectures) is read again from the reports it saw (its vintage and last ingest).
    """
    store = Path(store)
    vintage = None if as_of_vintage is None else parse_vintage(as_of_vintage, "as_of_vintage")
    with open_store(store) as conn:
        cur = conn.execute("SELECT * FROM forecasts ORDER BY forecast_id")
        names = [c[0] for c in cur.description]
        forecasts = [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
        if not forecasts:
            raise DataValidationError(
                f"{store}: no published forecast yet, so there is no track record. After each ingest, "
                "publish the month's forecast: `longjiang-forecast forecast --store PATH --publish`."
            )
        catalogs = {
            k: load_stored_catalog(conn, k) for k in dict.fromkeys(f["catalog_sha256"] for f in forecasts)
        }
        reports = known_reports(conn, vintage)
        seen = {
            f["forecast_id"]: known_reports(
                conn, f["vintage"] or None, as_of=f["as_of"], through_file=f["through_file"]
            )
            for f in forecasts
        }
    label = f"{store} at vintage {vintage or 'latest'}"
    with warnings.catch_warnings():  # about the reports: said at ingest and when each forecast was made
        warnings.simplefilter("ignore")
        # each catalogue's forecasts are scored on the reports of its own years: the store may hold
        # next year's first reports already (read with next year's catalogue), which this one refuses
        full = (
            {
                k: reports_dataset(reports[reports["month"] <= f"{c.year}-12"], c, label)
                for k, c in catalogs.items()
            }
            if len(reports)
            else {}
        )
        parts = [
            _forecast_rows(f, catalogs[f["catalog_sha256"]], seen[f["forecast_id"]], full, vintage, store)
            for f in forecasts
        ]
    rows = pd.concat(parts, ignore_index=True)[list(TRACK_COLUMNS)]
    latest = rows.groupby(["model", "as_of"])["forecast_id"].transform("max")
    replaced = (rows["forecast_id"] < latest) & (rows["state"] != "after vintage")
    rows.loc[replaced, "state"] = "superseded"
    rows.loc[replaced, ["brier", "covered_80", "first_passage_error"]] = np.nan
    return TrackRecord(rows=rows, summary=_summary(rows), vintage=vintage or "latest")


def _forecast_rows(
    row: dict[str, Any],
    catalog: Catalog,
    seen: pd.DataFrame,
    full: dict[str, xr.Dataset],
    vintage: str | None,
    store: Path,
) -> pd.DataFrame:
    """The rows of one published forecast: its summary, and each series' outcome where it is in."""
    summary = dataset_from_bytes(row["summary"])
    n = summary.sizes["series"]
    quantile: pd.DataFrame = summary["deadline_value"].to_pandas().reindex(columns=[0.1, 0.5, 0.9])
    frame = pd.DataFrame(
        {
            "forecast_id": int(row["forecast_id"]),
            "model": str(row["model"]),
            "as_of": str(row["as_of"]),
            "as_of_month": int(str(row["as_of"])[5:7]),
            "vintage": row["vintage"] or str(row["data_vintage"]),
            "indicator": summary["indicator"].values.astype(str),
            "region": summary["region"].values.astype(str),
            "kind": summary["kind"].values.astype(str),
            "deadline_month": summary["deadline_month"].values.astype(int),
            "status": summary["status"].values.astype(str),
            "p_met": summary["p_met"].values.astype(float),
            "q10": quantile[0.1].to_numpy(float),
            "q50": quantile[0.5].to_numpy(float),
            "q90": quantile[0.9].to_numpy(float),
            "first_passage_forecast": pd.DatetimeIndex(summary["first_passage_median"].values).month.to_numpy(
                float
            ),
        }
    )
    for name in ("outcome_met", "outcome_value", "first_passage_outcome"):
        frame[name] = np.full(n, np.nan)
    decided = (frame["as_of_month"] >= frame["deadline_month"]) | frame["status"].isin(
        ("achieved", "missed", "no share")
    )
    state = np.where(np.isnan(frame["p_met"]), "no forecast", np.where(decided, "decided", "pending"))
    state = state.astype(object)  # not a fixed-width str array: "after vintage" is longer than the rest
    if vintage is not None and frame["vintage"].iloc[0][:10] > vintage[:10]:
        state[:] = "after vintage"
    elif row["catalog_sha256"] in full:
        out = _outcomes(full[row["catalog_sha256"]], seen, catalog, str(row["as_of"]), store, row)
        key = pd.MultiIndex.from_frame(frame[["indicator", "region"]])
        for name, column in (
            ("met", "outcome_met"),
            ("value", "outcome_value"),
            ("first_passage", "first_passage_outcome"),
        ):
            frame[column] = out[name].reindex(key).to_numpy(float)
        state = np.where((state == "pending") & np.isfinite(frame["outcome_met"]), "scored", state)
    frame["state"] = state
    return _scores(frame)


def _outcomes(
    full: xr.Dataset, seen: pd.DataFrame, catalog: Catalog, as_of: str, store: Path, row: dict[str, Any]
) -> pd.DataFrame:
    """Each series' outcome in the reports ``full`` (backtest's definition), by (indicator, region).

    The state the forecast started from is built again from the reports it saw (``seen``), so
    that a level's first passage counts from its latest report and a province row the forecast
    totalled from its prefectures is judged on their total, as the backtest does.
    """
    from .._core.state import append_series
    from ..backtesting import outcomes
    from ..pipeline._backtest import _province_outcomes
    from ..progress._state import build_state, province_from_prefectures

    progress = reports_dataset(seen, catalog, f"{store}, forecast {row['forecast_id']}'s reports")
    state = build_state(progress, catalog, as_of)
    province = province_from_prefectures(state, catalog)
    if province is not None:
        state = append_series(state, province.fields, province.n)
    baseline = _baselines(progress, state)
    result = outcomes(full, state, baseline)
    if province is not None:
        _province_outcomes(result, province, full, state, baseline, outcomes)
    labels = [state["indicator"].values.astype(str), state["region"].values.astype(str)]
    return pd.DataFrame(result, index=pd.MultiIndex.from_arrays(labels, names=["indicator", "region"]))


def _baselines(progress: xr.Dataset, state: xr.Dataset) -> np.ndarray:
    """Last year's annual mean of each ``change`` series without a catalogue baseline, as the models take it.

    From the reports the forecast saw (``progress``), with the outcome's own definition of an
    annual mean (all 12 months of last year's reports, day-weighted); NaN where one is missing
    (then the outcome is unknown).
    """
    from ..backtesting import outcomes

    base = state["baseline"].values.astype(float).copy()
    need = (state["kind"].values == "change") & ~np.isfinite(base)
    if need.any():
        last = state.assign(kind=("series", np.full(state.sizes["series"], "annual_mean", dtype=object)))
        last.attrs = dict(state.attrs) | {"year": int(state.attrs["year"]) - 1}
        base[need] = outcomes(progress, last)["value"][need]
    return base


def _scores(frame: pd.DataFrame) -> pd.DataFrame:
    """Each scored row's Brier score, 80 % interval coverage and first-passage error (NaN elsewhere)."""
    from ..metrics import brier_score, interval_covered

    scored = (frame["state"] == "scored").to_numpy()
    p = np.where(scored, frame["p_met"], np.nan)
    frame["brier"] = brier_score(p, np.where(scored, frame["outcome_met"], np.nan))
    frame["covered_80"] = np.where(
        scored, interval_covered(frame["outcome_value"], frame["q10"], frame["q90"]), np.nan
    )
    frame["first_passage_error"] = np.where(
        scored, frame["first_passage_forecast"] - frame["first_passage_outcome"], np.nan
    )
    return frame


def _summary(rows: pd.DataFrame) -> pd.DataFrame:
    """The summary table of :class:`TrackRecord` from its rows."""
    from scipy import stats

    from ..metrics import FORECAST, LEVEL, summary_table

    records = []
    for model, mine in rows.groupby("model", sort=False):
        months = sorted(mine["as_of_month"].unique())
        for month, cell in [*((m, mine[mine["as_of_month"] == m]) for m in months), ("all", mine)]:
            counts = cell["state"].value_counts()
            record: dict[str, Any] = {"model": model, "as_of_month": month, "n_published": len(cell)}
            record |= {f"n_{s.replace(' ', '_')}": int(counts.get(s, 0)) for s in STATES}
            record |= dict.fromkeys(_SCORES, np.nan) | {"n_series": 0, "n_first_passage": 0, "note": ""}
            scored = cell[cell["state"] == "scored"]
            if len(scored):
                ds = xr.Dataset(
                    {
                        "p_met": (FORECAST, scored["p_met"].to_numpy(float)),
                        "outcome_met": (FORECAST, scored["outcome_met"].to_numpy(float)),
                        "covered": ((FORECAST, LEVEL), scored[["covered_80"]].to_numpy(float)),
                        "first_passage_error": (FORECAST, scored["first_passage_error"].to_numpy(float)),
                        "indicator": (FORECAST, scored["indicator"].to_numpy(object)),
                        "region": (FORECAST, scored["region"].to_numpy(object)),
                    },
                    coords={LEVEL: [0.8]},
                )
                table = summary_table(ds, by=()).iloc[0]
                record |= {k: table[k] for k in _SCORES if k in table.index}
                record["n_series"] = int(table["n_series_years"])
                record["n_first_passage"] = int(table["n_first_passage"])
                covered = scored["covered_80"].dropna()
                if len(covered) and month != "all":  # "all" counts each outcome once per month
                    ci = stats.binomtest(int(covered.sum()), len(covered)).proportion_ci(
                        COVERAGE_CONFIDENCE, method="exact"
                    )
                    record |= {"coverage_80_lo": ci.low, "coverage_80_hi": ci.high}
            record["note"] = _note(record)
            if record["n_scored"] < MIN_SCORED:
                record |= dict.fromkeys(_SCORES, np.nan)
            elif record["n_first_passage"] < MIN_SCORED:
                record["first_passage_mae"] = np.nan
            records.append(record)
    return pd.DataFrame(records, columns=list(SUMMARY_COLUMNS))


def _note(record: dict[str, Any]) -> str:
    """Why a cell of the summary shows no score, or ""."""
    if record["n_scored"] == 0:
        return "no outcome in the store yet" if record["n_pending"] else "nothing to score"
    if record["n_scored"] < MIN_SCORED:
        return f"too few to score: {record['n_scored']} scored forecasts (at least {MIN_SCORED})"
    if record["n_first_passage"] < MIN_SCORED:
        return f"first passage: {record['n_first_passage']} with both months known (at least {MIN_SCORED})"
    return ""
