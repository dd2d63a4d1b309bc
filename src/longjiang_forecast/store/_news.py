"""The news between two published forecasts: each new report against what the earlier forecast expected.

As a nowcasting desk reads a data release (Bańbura and Modugno 2014; the New York Fed Staff
Nowcast): the news of a report is its value less what the earlier forecast expected for that
series and month, the median of its simulated paths, with the paths' 10 %-90 % range to say
whether it was a surprise. Revisions of months the earlier forecast already had are listed
beside them with the old and new value.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._core.exceptions import DataValidationError
from ._archive import forecast_row, rebuild
from ._catalogs import load_stored_catalog
from ._db import open_store
from ._vintage import known_reports

#: Columns of :func:`news`, one row per new or revised report.
NEWS_COLUMNS = (
    "kind", "indicator", "region", "month", "unit", "reported", "previous", "expected", "q10", "q90",
    "news", "surprise", "reason",
)  # fmt: skip
#: Why a row has no ``expected`` (``{n}``: the earlier forecast's number), by code; the console
#: says them in Chinese (:data:`~longjiang_forecast.report.NEWS_REASONS_ZH`).
NEWS_REASONS = {
    "catalogue": "not in forecast {n}'s catalogue",
    "no_reports": "forecast {n} had no report of this series, so did not forecast it",
    "not_forecast": "forecast {n} did not forecast this series",
    "annual_mean": "forecast {n}'s paths of an annual mean are the running mean of the year, not the monthly "
    "figure reported",
    "change": "forecast {n}'s paths of a percent change are the change of the year's running mean, not the "
    "monthly figure reported",
    "month": "month outside forecast {n}'s year",
    "no_value": "forecast {n}'s paths hold no value for this month",
    "revision": "a revision: forecast {n} had this month as reported",
}
_KEY = ["indicator", "region", "month"]


def news(store: str | Path, from_id: int, to_id: int, *, n_jobs: int = 1) -> pd.DataFrame:
    """Each report the later forecast has and the earlier did not, against what the earlier one expected.

    Parameters
    ----------
    store : str or pathlib.Path
        The report store both forecasts were published in.
    from_id, to_id : int
        The forecasts' numbers (:func:`~longjiang_forecast.store.published`), the earlier first.
    n_jobs : int, default 1
        Threads for rebuilding the earlier forecast (the numbers do not depend on it).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`NEWS_COLUMNS`, one row per (indicator, region, month):

        * ``kind``: ``"new report"`` (a month the earlier forecast did not have: the new month,
          or a late report of an earlier one) or ``"revision"`` (a month it had, whose value
          has changed since); new reports first, then by indicator, region (province first)
          and month (``YYYY-MM``);
        * ``unit``: the catalogue's unit; every value is in it;
        * ``reported``: the value in the later forecast's reports; ``previous``: the value the
          earlier forecast had (revisions; NaN for a new report);
        * ``expected``, ``q10``, ``q90``: the median and the 10 % and 90 % quantiles of the
          earlier forecast's simulated paths of the series at that month (its kept paths,
          :attr:`~longjiang_forecast.Forecast.paths`, as :func:`rebuild` makes them again);
          NaN for a revision, and for a series or month it did not simulate (``reason`` says why);
        * ``news``: ``reported - expected`` for a new report, ``reported - previous`` for a revision;
        * ``surprise``: ``"within the 80 % interval"``, ``"above"`` (over ``q90``) or ``"below"``
          (under ``q10``); ``""`` where there is no ``expected``;
        * ``reason``: why ``expected`` is NaN; ``""`` where it is not.

        ``attrs``: ``from_id``, ``to_id``, ``store``, ``as_of_from``, ``as_of_to``, ``n_paths``
        (the paths the quantiles are taken over).

    Raises
    ------
    DataValidationError
        If either forecast is not in the store, the earlier one does not come out the same when
        rebuilt (:func:`rebuild`), or the later one lacks reports the earlier one had (the two
        given the wrong way round).
    """
    store = Path(store)
    with open_store(store) as conn:
        a, b = forecast_row(conn, store, from_id), forecast_row(conn, store, to_id)
        rows_a = known_reports(conn, a["vintage"] or None, as_of=a["as_of"], through_file=a["through_file"])
        rows_b = known_reports(conn, b["vintage"] or None, as_of=b["as_of"], through_file=b["through_file"])
        units = _units([load_stored_catalog(conn, r["catalog_sha256"]) for r in (b, a)])
    both = rows_b[[*_KEY, "value"]].merge(
        rows_a[[*_KEY, "value"]], on=_KEY, how="outer", suffixes=("", "_a"), indicator=True
    )
    gone = both[both["_merge"] == "right_only"]
    if len(gone):
        first = gone.iloc[0]
        raise DataValidationError(
            f"{store}: forecast {to_id} lacks reports forecast {from_id} had ({len(gone)}, e.g. "
            f"{first['indicator']}/{first['region']} {first['month']}), so it is not the later one. "
            "Give the earlier forecast as --from and the later as --to."
        )
    new = both[both["_merge"] == "left_only"]
    revised = both[(both["_merge"] == "both") & (both["value"] != both["value_a"])]
    earlier = rebuild(store, from_id, n_jobs=n_jobs)
    had = set(zip(rows_a["indicator"], rows_a["region"], strict=True))
    expected = _expected(earlier, new, from_id, had)
    new_rows = pd.DataFrame(
        {"kind": "new report", **{k: new[k].to_numpy() for k in _KEY}, "reported": new["value"].to_numpy(),
         "previous": np.nan, **expected}
    )  # fmt: skip
    revisions = pd.DataFrame(
        {"kind": "revision", **{k: revised[k].to_numpy() for k in _KEY},
         "reported": revised["value"].to_numpy(), "previous": revised["value_a"].to_numpy(),
         "expected": np.nan, "q10": np.nan, "q90": np.nan,
         "reason": NEWS_REASONS["revision"].format(n=from_id)}
    )  # fmt: skip
    table = pd.concat([new_rows, revisions], ignore_index=True)
    table["unit"] = [units.get(i, "") for i in table["indicator"]]
    table["news"] = table["reported"] - table["expected"].fillna(table["previous"])
    table["surprise"] = np.select(
        [table["reported"] > table["q90"], table["reported"] < table["q10"], table["expected"].notna()],
        ["above", "below", "within the 80 % interval"],
        "",
    )
    order = pd.DataFrame(
        {"kind": table["kind"] != "new report", "indicator": table["indicator"],
         "province": table["region"] != "province", "region": table["region"], "month": table["month"]}
    )  # fmt: skip
    table = table.loc[order.sort_values(list(order.columns), kind="stable").index, list(NEWS_COLUMNS)]
    table = table.reset_index(drop=True)
    table.attrs.update(
        from_id=int(from_id), to_id=int(to_id), store=str(store), as_of_from=a["as_of"], as_of_to=b["as_of"],
        n_paths=int(earlier.paths.sizes["draw"]),
    )  # fmt: skip
    return table


def _units(catalogs: list[Any]) -> dict[str, str]:
    """Indicator -> its catalogue unit, the first catalogue that has it winning."""
    units: dict[str, str] = {}
    for catalog in reversed(catalogs):
        units |= dict(
            zip(catalog.table["indicator"].astype(str), catalog.table["unit"].astype(str), strict=True)
        )
    return units


def _expected(earlier: Any, new: pd.DataFrame, from_id: int, had: set[tuple[str, str]]) -> dict[str, Any]:
    """Columns expected, q10, q90 and reason of the new reports from the earlier forecast's paths.

    ``had``: the (indicator, region) pairs the earlier forecast had reports of.
    """
    paths, state = earlier.paths, earlier.state
    where = {
        (str(i), str(r)): s
        for s, (i, r) in enumerate(zip(paths["indicator"].values, paths["region"].values, strict=True))
    }
    kinds = dict(zip(state["indicator"].values.astype(str), state["kind"].values.astype(str), strict=True))
    months = {m: j for j, m in enumerate(pd.DatetimeIndex(paths["month"].values).strftime("%Y-%m"))}
    known = set(earlier.catalog.table["indicator"].astype(str))
    values = np.asarray(paths.transpose("draw", "series", "month").values, dtype=float)
    out = np.full((len(new), 3), np.nan)
    reasons = []
    for row, (indicator, region, month) in enumerate(new[_KEY].itertuples(index=False)):
        series = where.get((indicator, region))
        if indicator not in known:
            code = "catalogue"
        elif series is None:
            code = "not_forecast" if (indicator, region) in had else "no_reports"
        elif kinds[indicator] in ("annual_mean", "change"):
            code = kinds[indicator]
        elif month not in months:
            code = "month"
        else:
            out[row] = np.quantile(values[:, series, months[month]], [0.5, 0.1, 0.9])
            code = "" if np.isfinite(out[row]).all() else "no_value"
        reasons.append(NEWS_REASONS[code].format(n=from_id) if code else "")
    return {"expected": out[:, 0], "q10": out[:, 1], "q90": out[:, 2], "reason": reasons}
