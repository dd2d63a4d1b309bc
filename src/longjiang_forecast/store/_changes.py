"""What changed between two published forecasts, and why: revisions, new reports, settings, Monte Carlo noise.

The change of P(met) of every series from forecast A to forecast B is split by re-running the
forecast along a chain of inputs, each step changing one thing, all with A's seed (common random
numbers, so that a step's change is not drowned in simulation noise)::

    A                       as published (A's reports, as-of month, catalogue, model, seed)
    R = A + revisions       A's reports with the values known at B for the same months
    N = R + new reports     B's reports and as-of month (new months, late reports)
    S = N + B's settings    B's catalogue, model, parameters, bands and draws
    B                       as published (S with B's seed): the difference is Monte Carlo noise

so that ``revisions + news + settings + noise = P_B - P_A`` exactly (telescoping). A step that
changes nothing is not run (its part is 0). ``noise_se`` is the standard error of the difference
of two independent runs, ``sqrt(se_A^2 + se_B^2)`` from each summary's ``p_met_se``: a part
smaller than about twice it is within Monte Carlo noise.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .._core.exceptions import DataValidationError
from ._archive import forecast_row, published, rebuild
from ._bytes import dataset_from_bytes
from ._catalogs import load_stored_catalog
from ._db import open_store
from ._vintage import known_reports, reports_dataset

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Columns of :func:`changes`, one row per series of either forecast.
CHANGE_COLUMNS = (
    "indicator", "region", "p_from", "p_to", "change", "revisions", "news", "settings", "noise",
    "noise_se", "status_from", "status_to",
)  # fmt: skip
_SETTINGS = ("catalog_sha256", "model", "model_params", "bands", "n_draws")


def _run(rows: pd.DataFrame, row: dict[str, Any], catalog: Catalog, as_of: str, seed: int, label: str) -> Any:
    """P(met) per series of a forecast of ``rows`` with the settings of ``row`` and ``seed``."""
    from ..models import MODEL_REGISTRY
    from ..pipeline import forecast

    with warnings.catch_warnings():  # about inputs no one published: the published runs said theirs
        warnings.simplefilter("ignore")
        result = forecast(
            reports_dataset(rows, catalog, label),
            catalog,
            as_of=as_of,
            model=MODEL_REGISTRY[row["model"]](**json.loads(row["model_params"])),
            n_draws=int(row["n_draws"]),
            seed=seed,
            bands=json.loads(row["bands"]),
        )
    return _series(result.summary, "p_met").astype(float)


def _news_by_region(
    revised: pd.DataFrame, rows_b: pd.DataFrame, a: dict[str, Any], as_of: str, catalog: Catalog, run: Any
) -> list[tuple[str, pd.Series]]:
    """The news step taken in parts: the as-of month first, then each region's new reports in turn.

    Returns ``(column, P(met) after the part)`` pairs; the last is the forecast of all of B's reports.
    """
    key = ["indicator", "region", "month"]
    had = pd.MultiIndex.from_frame(revised[key])
    new = rows_b[~pd.MultiIndex.from_frame(rows_b[key]).isin(had)]
    steps, current = [], revised
    if as_of != a["as_of"]:
        steps.append(("news_as_of", run(current, as_of)))
    order = ["province", *(r for r in catalog.region_ids if r != "province")]
    for region in sorted(set(new["region"]), key=lambda r: order.index(r) if r in order else len(order)):
        current = pd.concat([current, new[new["region"] == region]], ignore_index=True)
        steps.append((f"news_{region}", run(current, as_of)))
    return steps


def changes(store: str | Path, from_id: int, to_id: int, *, by_region: bool = False) -> pd.DataFrame:
    """Split the change of P(met) between two published forecasts into its causes.

    Parameters
    ----------
    store : str or pathlib.Path
        The report store both forecasts were published in.
    from_id, to_id : int
        The forecasts' numbers (:func:`~longjiang_forecast.store.published`), the earlier first.
    by_region : bool, default False
        Also split ``news`` into columns ``news_as_of`` (the later as-of month alone, no new
        report) and ``news_<region>`` (each region's new reports, added in the catalogue's
        order, province first), which add up to ``news``. One more re-run per part; the split
        depends on the order (the parts are the effects of adding each in turn, not a Shapley
        split).

    Returns
    -------
    pandas.DataFrame
        One row per series (indicator, region) of either forecast, columns :data:`CHANGE_COLUMNS`:
        ``p_from``, ``p_to`` (as published; NaN where the series was not forecast), ``change``
        (``p_to - p_from``) and its parts ``revisions`` (new values of months the earlier
        forecast had), ``news`` (reports of months it did not have, and the later as-of month),
        ``settings`` (catalogue, model, parameters, bands, draws) and ``noise`` (the other seed),
        which add up to ``change`` (to rounding, ~1e-16); ``noise_se`` (see the module notes);
        ``status_from``, ``status_to``; with ``by_region``, the ``news_*`` columns after them.
        Sorted by the size of the change, largest first.
        ``attrs``: ``from_id``, ``to_id``, ``store`` (for the bulletin's section 本月变化,
        :func:`~longjiang_forecast.report.write_bulletin`'s ``changes``).

    Raises
    ------
    DataValidationError
        If either forecast is not in the store, or B's reports cannot be read against A's
        catalogue (an indicator A's catalogue does not have: the settings part cannot be told
        apart; compare forecasts made with the same catalogue), or A, rebuilt from the store
        (:func:`~longjiang_forecast.store.rebuild`), does not come out as published (another
        library version; reports edited outside ingest).

    Notes
    -----
    The earlier forecast is rebuilt first (:func:`~longjiang_forecast.store.rebuild`), and must
    come out as published, every variable of its summary (else the split would tell a change of
    library, or of reports edited outside ingest, as revisions, news or noise);
    then up to three forecasts are re-run (fewer when a step changes nothing), each as long as a
    forecast with the earlier one's number of draws.
    """
    store = Path(store)
    with open_store(store) as conn:
        a, b = forecast_row(conn, store, from_id), forecast_row(conn, store, to_id)
        catalog_a = load_stored_catalog(conn, a["catalog_sha256"])
        catalog_b = load_stored_catalog(conn, b["catalog_sha256"])
        rows_a = known_reports(conn, a["vintage"] or None, as_of=a["as_of"], through_file=a["through_file"])
        rows_b = known_reports(conn, b["vintage"] or None, as_of=b["as_of"], through_file=b["through_file"])
    summary_a, summary_b = (
        dataset_from_bytes(row["summary"], what=f"{store}: forecast {number}'s summary")
        for row, number in ((a, from_id), (b, to_id))
    )
    p_a, p_b = (_series(s, "p_met").astype(float) for s in (summary_a, summary_b))
    key = ["indicator", "region", "month"]
    later = rows_b.set_index(key)["value"].reindex(pd.MultiIndex.from_frame(rows_a[key])).to_numpy()
    revised = rows_a.assign(value=np.where(np.isnan(later), rows_a["value"].to_numpy(), later))
    seed = int(a["seed"])
    # the split re-runs forecasts with the library as it is now: forecast A must come out as it was
    # published, or what differs (another library version, reports changed outside ingest) would be
    # told as revisions, news or noise (noise -0.01 between two runs of one seed; a break-it pass)
    try:
        with warnings.catch_warnings():  # the published run said its warnings
            warnings.simplefilter("ignore")
            rebuild(store, from_id)
    except DataValidationError as err:
        raise DataValidationError(
            f"{err} So the change from {from_id} to {to_id} cannot be split into revisions, news, settings "
            "and noise (the store's reports may have been changed other than by ingest)."
        ) from None
    try:
        p_r = p_a
        if not np.array_equal(revised["value"].to_numpy(), rows_a["value"].to_numpy()):
            label = f"{store}, forecast {from_id}'s reports with their later values"
            p_r = _run(revised, a, catalog_a, a["as_of"], seed, label)
        p_n, steps = p_r, []
        if by_region:
            label = f"{store}, forecast {from_id}'s reports with some of {to_id}'s"
            steps = _news_by_region(
                revised, rows_b, a, b["as_of"], catalog_a,
                lambda rows, as_of: _run(rows, a, catalog_a, as_of, seed, label),
            )  # fmt: skip
            p_n = steps[-1][1] if steps else p_r
        elif not (a["as_of"] == b["as_of"] and revised[[*key, "value"]].equals(rows_b[[*key, "value"]])):
            p_n = _run(rows_b, a, catalog_a, b["as_of"], seed, f"{store}, forecast {to_id}'s reports")
    except DataValidationError as err:
        raise DataValidationError(
            f"{store}: forecast {to_id}'s reports cannot be forecast with forecast {from_id}'s settings, so "
            f"the change cannot be split ({err}). Compare forecasts made with the same catalogue."
        ) from None
    same_settings = all(a[k] == b[k] for k in _SETTINGS)
    p_s = p_n if same_settings else _run(rows_b, b, catalog_b, b["as_of"], seed, f"{store}, forecast {to_id}")
    index = p_a.index.union(p_b.index, sort=False)
    parts = pd.DataFrame({"p_from": p_a, "p_r": p_r, "p_n": p_n, "p_s": p_s, "p_to": p_b}).reindex(index)
    se = pd.DataFrame({"a": _series(summary_a, "p_met_se"), "b": _series(summary_b, "p_met_se")}).reindex(
        index
    )
    out = pd.DataFrame(
        {
            "indicator": index.get_level_values(0),
            "region": index.get_level_values(1),
            "p_from": parts["p_from"].to_numpy(),
            "p_to": parts["p_to"].to_numpy(),
            "change": (parts["p_to"] - parts["p_from"]).to_numpy(),
            "revisions": (parts["p_r"] - parts["p_from"]).to_numpy(),
            "news": (parts["p_n"] - parts["p_r"]).to_numpy(),
            "settings": (parts["p_s"] - parts["p_n"]).to_numpy(),
            "noise": (parts["p_to"] - parts["p_s"]).to_numpy(),
            "noise_se": np.hypot(se["a"], se["b"]).to_numpy(),
            "status_from": _series(summary_a, "status").reindex(index).to_numpy(),
            "status_to": _series(summary_b, "status").reindex(index).to_numpy(),
        }
    )
    before = parts["p_r"]
    for name, p in steps:
        after = p.reindex(index)
        out[name] = (after - before).to_numpy()
        before = after
    order = np.argsort(-np.nan_to_num(np.abs(out["change"].to_numpy()), nan=-1.0), kind="stable")
    table = out.iloc[order].reset_index(drop=True)[[*CHANGE_COLUMNS, *(name for name, _ in steps)]]
    table.attrs.update(from_id=int(from_id), to_id=int(to_id), store=str(store))
    return table


def _series(summary: Any, name: str) -> pd.Series:
    index = pd.MultiIndex.from_arrays([summary["indicator"].values, summary["region"].values])
    return pd.Series(summary[name].values, index=index)


def forecast_pair(store: str | Path, from_id: int | None = None, to_id: int | None = None) -> tuple[int, int]:
    """The two published forecasts compared: ``from_id`` and ``to_id``, by default the latest two.

    Forecasts are ordered by their as-of month, then by when they were published (a forecast of
    a month published again on revised reports is the later one): a forecast as of August
    published after September's is the earlier of the two, not the newer.

    Parameters
    ----------
    store : str or Path
        The store's file.
    from_id, to_id : int, optional
        Numbers of published forecasts (``published(store)["forecast_id"]``). Default ``to_id``:
        the latest (latest as-of month, last published); default ``from_id``: the one before it.

    Returns
    -------
    (int, int)
        The earlier and the later forecast's number.

    Raises
    ------
    DataValidationError
        If the store holds fewer than two published forecasts (and they are not both given), if
        ``from_id`` comes after ``to_id`` (a later as-of month, or the same month published
        later: every change would have its sign flipped), or if they are one forecast.
    """
    table = published(store)
    order = table.sort_values(["as_of", "forecast_id"], kind="stable")
    numbers = order["forecast_id"].tolist()
    as_of = dict(zip(numbers, order["as_of"].astype(str), strict=True))
    given_to = bool(to_id)
    to_id = to_id or (numbers[-1] if numbers else 0)
    if not from_id:
        before = numbers[: numbers.index(to_id)] if to_id in numbers else [n for n in numbers if n < to_id]
        from_id = before[-1] if before else 0
    if not from_id and to_id in numbers and len(numbers) >= 2:
        raise DataValidationError(
            f"{store}: --to {to_id} (as of {as_of[to_id]}) is the earliest published forecast: no forecast "
            "comes before it to compare with. Give a later --to, or --from and --to (nothing was run)."
        )
    if not from_id or not to_id:
        raise DataValidationError(
            f"{store}: what changed needs two published forecasts (it holds {len(numbers)}); publish with "
            "`longjiang-forecast forecast --store PATH --publish`, or give --from and --to."
        )
    if from_id in numbers and to_id in numbers and numbers.index(from_id) > numbers.index(to_id):
        # an unknown id: said by the caller
        when = "was published after" if as_of[from_id] == as_of[to_id] else "is of a later month than"
        raise DataValidationError(
            f"--from {from_id} (as of {as_of[from_id]}) {when} --to {to_id} (as of {as_of[to_id]}): give "
            "the earlier forecast as --from and the later as --to (nothing was run)."
        )
    if from_id == to_id and not given_to:  # --from the latest: --to was never given (a break-it pass)
        raise DataValidationError(
            f"--from {from_id} is the latest published forecast, which --to takes by default: no forecast "
            "comes after it to compare with. Give an earlier --from, or --to as well (nothing was run)."
        )
    if from_id == to_id:
        raise DataValidationError(
            f"--from and --to are both forecast {from_id}: give two forecasts (nothing was run)."
        )
    return from_id, to_id
