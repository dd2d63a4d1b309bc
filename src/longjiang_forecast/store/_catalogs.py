"""The catalogues kept in a store: each one used by an ingest or a forecast, by its table's SHA-256."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Any

import xarray as xr

from .._core.provenance import catalog_sha256
from .._forecast_io import _frame_dataset, _frame_from_dataset
from ._bytes import dataset_from_bytes, datasets_to_bytes

if TYPE_CHECKING:
    from ..catalog import Catalog


def save_catalog(conn: sqlite3.Connection, catalog: Catalog) -> str:
    """Keep ``catalog`` in the store (once per table); return its SHA-256 (the key of ``catalogs``).

    Call inside a write transaction. The bytes are a netCDF file with groups ``table`` and
    ``regions`` (the columns of each as variables along ``row``, their dtypes in attrs), the form
    :meth:`~longjiang_forecast.Forecast.to_netcdf` gives a catalogue.
    """
    key = catalog_sha256(catalog)
    if conn.execute("SELECT 1 FROM catalogs WHERE sha256 = ?", (key,)).fetchone() is None:
        data = datasets_to_bytes(
            {"table": _frame_dataset(catalog.table, "row"), "regions": _frame_dataset(catalog.regions, "row")}
        )
        conn.execute(
            "INSERT INTO catalogs (sha256, year, source, data) VALUES (?, ?, ?, ?)",
            (key, int(catalog.year), str(catalog.source), data),
        )
    return key


def load_stored_catalog(conn: sqlite3.Connection, key: str) -> Any:
    """The catalogue stored under ``key`` (its table's SHA-256), as the Catalog it was.

    Raises
    ------
    KeyError
        If the store has no catalogue with that key.
    """
    from ..catalog import Catalog

    row = conn.execute("SELECT year, source, data FROM catalogs WHERE sha256 = ?", (key,)).fetchone()
    if row is None:
        raise KeyError(key)
    year, source, data = row
    what = f"the archived catalogue {key[:12]}… ({source})"
    parts: dict[str, xr.Dataset] = {
        g: dataset_from_bytes(data, group=g, what=what) for g in ("table", "regions")
    }
    return Catalog(
        year=int(year),
        table=_frame_from_dataset(parts["table"]),
        regions=_frame_from_dataset(parts["regions"]),
        source=str(source),
    )
