"""Published forecasts: archived in the store with everything needed to make them again, and rebuilt."""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.provenance import catalog_sha256, library_version
from ._bytes import dataset_from_bytes, datasets_to_bytes
from ._catalogs import load_stored_catalog, save_catalog
from ._db import now_utc, open_store, transaction
from ._vintage import known_reports, parse_vintage, progress_at, reports_sha256

#: Columns of :func:`published`, one row per archived forecast.
PUBLISHED_COLUMNS = (
    "forecast_id", "published_at", "vintage", "through_file", "as_of", "model", "model_params", "seed",
    "n_draws", "library_version", "data_vintage", "catalog_sha256", "data_sha256",
)  # fmt: skip


def _registry_name(class_name: str) -> str:
    from ..models import MODEL_REGISTRY

    for name, cls in MODEL_REGISTRY.items():
        if cls.__name__ == class_name:
            return name
    raise DataValidationError(
        f"The forecast's model {class_name} is not a registered model ({', '.join(MODEL_REGISTRY)}), so it "
        "could not be made again from the store: publish forecasts of registered models."
    )


def _literal(text: str, what: str) -> Any:
    """A dict written with repr (the summary's ``model_params``, ``bands``), as JSON-safe values."""
    try:
        value = ast.literal_eval(text)
        json.dumps(value)
    except (ValueError, SyntaxError, TypeError):
        raise DataValidationError(
            f"The forecast's {what} {text!r} cannot be stored as plain values, so it could not be made "
            "again from the store; publish a forecast whose settings are numbers, text or lists."
        ) from None
    return value


def check_publishable(store: str | Path, result: Any, *, seed: int, vintage: str | None = None) -> None:
    """Refuse, storing nothing, a forecast that :func:`publish` would refuse.

    The command line checks before it writes the run's files (a second copy was refused only after
    the forecast's files were written). Parameters and errors as :func:`publish`'s.

    Raises
    ------
    DataValidationError
        As :func:`publish`.
    """
    _publish(store, result, seed=seed, vintage=vintage, keep=False)


def publish(store: str | Path, result: Any, *, seed: int, vintage: str | None = None) -> int:
    """Archive a forecast made from the store, with what is needed to make it again bit for bit.

    Parameters
    ----------
    store : str or pathlib.Path
        The report store the forecast's data came from.
    result : Forecast
        Made by :func:`~longjiang_forecast.forecast` from
        ``progress_at(store, result.catalog, vintage, as_of=...)``, a registered model and
        ``seed``; the baseline (no scenario).
    seed : int
        The seed the forecast was made with (checked against the summary's ``seed_entropy``).
    vintage : str, optional
        The vintage the data was read at (``YYYY-MM-DD`` or UTC ``YYYY-MM-DDTHH:MM:SS``); default
        the store's latest.

    Returns
    -------
    int
        The forecast's number in the store (``forecast_id``).

    Raises
    ------
    DataValidationError
        If the forecast's data is not what the store held at ``vintage`` (its ``data_sha256``
        differs), the seed does not match, the forecast ran under a scenario, its model is not
        registered or its settings are not plain values, or the same forecast (reports, catalogue,
        model, seed, draws and library version) is published already; nothing is stored.

    Notes
    -----
    Stored: the summary (netCDF bytes, as in :meth:`~longjiang_forecast.Forecast.to_netcdf`'s
    root group), the catalogue, the model's registry name and parameters, the status bands, the
    seed, the number of draws, the as-of month, the vintage and the last ingest it saw
    (``through_file``: later ingests never change what it is rebuilt from), the data's hash and
    vintage, and the library version.
    """
    return _publish(store, result, seed=seed, vintage=vintage, keep=True)


def _publish(store: str | Path, result: Any, *, seed: int, vintage: str | None, keep: bool) -> int:
    """:func:`publish` (``keep``) or its checks alone (0: nothing stored)."""
    store = Path(store)
    attrs = result.summary.attrs
    vintage = None if vintage is None else parse_vintage(vintage, "vintage")
    if attrs.get("scenario", "baseline") != "baseline":
        raise DataValidationError(
            f"{store}: the forecast ran under the scenario {attrs['scenario']!r}; only baseline forecasts "
            "are published (nothing was stored). Publish the run without a scenario."
        )
    if str(attrs.get("seed_entropy")) != str(int(seed)):
        raise DataValidationError(
            f"{store}: the forecast was made with seed entropy {attrs.get('seed_entropy')}, not the seed "
            f"{seed} given; nothing was stored. Pass the seed the forecast was made with."
        )
    model = _registry_name(str(attrs["model"]))
    params = _literal(str(attrs["model_params"]), "model parameters")
    bands = _literal(str(attrs["bands"]), "status bands")
    as_of = str(result.state.attrs["as_of"])[:7]
    with open_store(store) as conn:
        held = reports_sha256(known_reports(conn, vintage, as_of=as_of))
    if held != attrs.get("data_sha256"):
        raise DataValidationError(
            f"{store}: this forecast's data is not what the store held at vintage {vintage or 'latest'} "
            f"up to {as_of} (data hash {attrs.get('data_sha256', '')[:12]}… against "
            f"{held[:12]}…); nothing was stored. Make the forecast from "
            "lf.store.progress_at(store, catalog, vintage, as_of=...) and publish it with the same vintage."
        )
    summary = datasets_to_bytes({None: result.summary})
    with open_store(store) as conn, transaction(conn):
        (through,) = conn.execute("SELECT MAX(file_id) FROM files").fetchone()
        key = save_catalog(conn, result.catalog) if keep else catalog_sha256(result.catalog)
        # the same forecast: the same reports (their hash: a file ingested since, received after the
        # vintage, changes nothing) and settings; a second copy made `changes` compare it with itself
        same = conn.execute(
            "SELECT forecast_id FROM forecasts WHERE as_of = ? AND catalog_sha256 = ? "
            "AND model = ? AND model_params = ? AND bands = ? AND seed = ? AND n_draws = ? "
            "AND library_version = ? AND data_sha256 = ?",
            (
                as_of, key, model, json.dumps(params), json.dumps(bands), int(seed),
                int(attrs["n_draws"]), library_version(), str(attrs["data_sha256"]),
            ),
        ).fetchone()  # fmt: skip
        if same is not None:  # a second copy would make `changes` compare a forecast with itself
            raise DataValidationError(
                f"{store}: this forecast is already published as forecast {same[0]} (the same reports, "
                "catalogue, model, seed, draws and library version); nothing was stored. Publish again "
                "after the next ingest, or with another model or seed."
            )
        if not keep:  # the store must take the write publish will make (a read-only file does not)
            conn.execute("SAVEPOINT probe")
            conn.execute("CREATE TABLE probe_publishable (x)")
            conn.execute("ROLLBACK TO probe")
            conn.execute("RELEASE probe")
            return 0
        cur = conn.execute(
            "INSERT INTO forecasts (published_at, vintage, through_file, as_of, catalog_sha256, model, "
            "model_params, bands, seed, n_draws, library_version, data_sha256, data_vintage, summary) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now_utc(), vintage or "", int(through), as_of, key, model, json.dumps(params),
                json.dumps(bands), int(seed), int(attrs["n_draws"]), library_version(),
                str(attrs["data_sha256"]), str(attrs.get("data_vintage", "")), summary,
            ),
        )  # fmt: skip
        return int(cur.lastrowid or 0)


def published(store: str | Path) -> pd.DataFrame:
    """The forecasts archived in a store, one row each (columns :data:`PUBLISHED_COLUMNS`), oldest first.

    ``vintage`` is ``""`` for a forecast of everything the store held (its ``through_file``, the
    last ingest it saw, says what that was); ``data_vintage`` is the latest vintage of its data.

    Raises
    ------
    DataValidationError
        If ``store`` is not a usable store.
    """
    with open_store(store) as conn:
        return pd.read_sql_query(
            f"SELECT {', '.join(PUBLISHED_COLUMNS)} FROM forecasts ORDER BY forecast_id", conn
        )


def forecast_row(conn: Any, store: Path, forecast_id: int) -> dict[str, Any]:
    """The ``forecasts`` row of a published forecast, as a dict; an error naming how many there are."""
    cur = conn.execute("SELECT * FROM forecasts WHERE forecast_id = ?", (int(forecast_id),))
    row = cur.fetchone()
    if row is None:  # the numbers there are, as no command lists them (a break-it pass)
        held = conn.execute("SELECT forecast_id, as_of FROM forecasts ORDER BY forecast_id").fetchall()
        listed = ", ".join(f"{number} (as of {as_of})" for number, as_of in held[-10:])
        more = f"; the latest 10 of them: {listed}" if len(held) > 10 else f": {listed}" if held else ""
        raise DataValidationError(
            f"{store}: no published forecast number {forecast_id} (the store holds {len(held)}{more}). "
            "Give one of these numbers; lf.store.published(store) lists them all."
        )
    return dict(zip([c[0] for c in cur.description], row, strict=True))


def published_summary(store: str | Path, forecast_id: int) -> xr.Dataset:
    """The summary of a published forecast, as it was published.

    Parameters
    ----------
    store : str or pathlib.Path
    forecast_id : int
        Its number (:func:`published`).

    Returns
    -------
    xarray.Dataset
        The summary (see :func:`~longjiang_forecast.summarise`) with the provenance attributes of
        the run, times at microsecond resolution.

    Raises
    ------
    DataValidationError
        If there is no such forecast, or ``store`` is not a usable store.
    """
    store = Path(store)
    with open_store(store) as conn:
        return dataset_from_bytes(
            forecast_row(conn, store, forecast_id)["summary"],
            what=f"{store}: forecast {forecast_id}'s summary",
        )


def rebuild(store: str | Path, forecast_id: int, *, n_jobs: int = 1) -> Any:
    """Make a published forecast again from the store, and check it equals the published one.

    Parameters
    ----------
    store : str or pathlib.Path
    forecast_id : int
        Its number (:func:`published`).
    n_jobs : int, default 1
        Threads for the simulation (the numbers do not depend on it).

    Returns
    -------
    Forecast
        The forecast re-run with the stored catalogue, the reports known at its vintage (and
        ingested by its ``through_file``), its model and parameters, bands, draws and seed. Its
        summary equals the published one value for value (every variable and coordinate).

    Raises
    ------
    DataValidationError
        If the rebuilt summary differs from the published one (naming the variables that differ
        and the library versions); if there is no such forecast or the store is unusable.
    """
    from ..models import MODEL_REGISTRY
    from ..pipeline import forecast

    store = Path(store)
    with open_store(store) as conn:
        row = forecast_row(conn, store, forecast_id)
        catalog = load_stored_catalog(conn, row["catalog_sha256"])
    progress = progress_at(
        store, catalog, row["vintage"] or None, as_of=row["as_of"], through_file=row["through_file"]
    )
    result = forecast(
        progress,
        catalog,
        as_of=row["as_of"],
        model=MODEL_REGISTRY[row["model"]](**json.loads(row["model_params"])),
        n_draws=int(row["n_draws"]),
        seed=int(row["seed"]),
        n_jobs=n_jobs,
        bands=json.loads(row["bands"]),
    )
    before = dataset_from_bytes(row["summary"], what=f"{store}: forecast {forecast_id}'s summary")
    after = dataset_from_bytes(datasets_to_bytes({None: result.summary}))
    differ = sorted(
        str(name)
        for name in set(before.variables) | set(after.variables)
        if name not in before.variables or name not in after.variables or not before[name].equals(after[name])
    )
    if differ:
        raise DataValidationError(
            f"{store}: forecast {forecast_id}, rebuilt, differs from the one published in "
            f"{', '.join(differ[:10])}{' ...' if len(differ) > 10 else ''} (published with library "
            f"{row['library_version']}, rebuilt with {library_version()}). Use the published summary "
            "(lf.store.published_summary), and report the difference if the versions are the same."
        )
    return result
