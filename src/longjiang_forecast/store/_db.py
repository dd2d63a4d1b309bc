"""The store file: an SQLite database with a versioned schema, opened or created with its checks.

Tables (see ``docs/design/005-report-store.md``):

* ``meta`` (key, value): ``schema_version``, ``library_version`` (that created the store),
  ``created_at``.
* ``catalogs``: each catalogue used, by the SHA-256 of its table (netCDF bytes of its table and
  regions).
* ``files``: each file ingested: name, SHA-256 of its bytes, ingest time, default vintage,
  catalogue; ``file_id`` numbers the ingests in order.
* ``reports``: every report as received: indicator, region, month (``YYYY-MM``), vintage
  (receipt time, ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SS`` UTC), value, note, ``file_id``.
  A revision is a new row with a later vintage; no row is ever updated or deleted.
* ``forecasts``: each published forecast: its settings, seed, vintage, library version, catalogue
  and its summary as netCDF bytes.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from .._core.exceptions import DataValidationError
from .._core.provenance import library_version

#: Version of the tables below; a store with a higher one was written by a newer library and is refused.
SCHEMA_VERSION = 1
#: SQLite's application id of a report store (the header's bytes 68-71: "LJFS").
APPLICATION_ID = 0x4C4A4653
_SQLITE_MAGIC = b"SQLite format 3\x00"

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE catalogs (
    sha256 TEXT PRIMARY KEY,
    year INTEGER NOT NULL,
    source TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE TABLE files (
    file_id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    ingested_at TEXT NOT NULL,
    vintage TEXT NOT NULL,
    catalog_sha256 TEXT NOT NULL REFERENCES catalogs (sha256),
    n_rows INTEGER NOT NULL
);
CREATE TABLE reports (
    indicator TEXT NOT NULL,
    region TEXT NOT NULL,
    month TEXT NOT NULL,
    vintage TEXT NOT NULL,
    value REAL NOT NULL,
    note TEXT NOT NULL,
    file_id INTEGER NOT NULL REFERENCES files (file_id),
    PRIMARY KEY (indicator, region, month, vintage)
) WITHOUT ROWID;
CREATE TABLE forecasts (
    forecast_id INTEGER PRIMARY KEY,
    published_at TEXT NOT NULL,
    vintage TEXT NOT NULL,
    through_file INTEGER NOT NULL,
    as_of TEXT NOT NULL,
    catalog_sha256 TEXT NOT NULL REFERENCES catalogs (sha256),
    model TEXT NOT NULL,
    model_params TEXT NOT NULL,
    bands TEXT NOT NULL,
    seed INTEGER NOT NULL,
    n_draws INTEGER NOT NULL,
    library_version TEXT NOT NULL,
    data_sha256 TEXT NOT NULL,
    data_vintage TEXT NOT NULL,
    summary BLOB NOT NULL
);
"""


def now_utc() -> str:
    """The current UTC time as a vintage, ``YYYY-MM-DDTHH:MM:SS``."""
    return _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _refuse(path: Path, what: str, fix: str) -> DataValidationError:
    return DataValidationError(f"{path}: {what}. {fix}")


def _check(conn: sqlite3.Connection, path: Path) -> None:
    """Refuse a file that is not a report store, is damaged or was written by a newer schema."""
    other = "Give the path of a report store (made by `longjiang-forecast ingest`), or a new file name."
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        (verdict,) = conn.execute("PRAGMA quick_check").fetchone()
        if verdict != "ok":
            raise sqlite3.DatabaseError(verdict)
        if app_id != APPLICATION_ID:
            raise _refuse(path, "an SQLite database, but not a report store of longjiang_forecast", other)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    except sqlite3.DatabaseError as err:
        raise _refuse(
            path,
            f"the report store is damaged ({err}); nothing was read or changed",
            "Restore it from a backup copy (the store is one file), or re-ingest the report files into a "
            "new store.",
        ) from None
    version = int(meta.get("schema_version", "0"))
    if version > SCHEMA_VERSION:
        raise _refuse(
            path,
            f"written by a newer version of longjiang_forecast (store schema {version}, library "
            f"{meta.get('library_version', '?')}); this version {library_version()} reads schema "
            f"{SCHEMA_VERSION} and older, and changed nothing",
            "Upgrade longjiang_forecast (pip install -U longjiang_forecast) to use this store.",
        )


@contextlib.contextmanager
def open_store(path: str | Path, *, create: bool = False) -> Iterator[sqlite3.Connection]:
    """Open a report store (checked), or create one; yield the connection, closed afterwards.

    Parameters
    ----------
    path : str or pathlib.Path
        The store file (one SQLite file).
    create : bool, default False
        Create the store when ``path`` does not exist (``ingest``); otherwise a missing store is
        an error.

    Yields
    ------
    sqlite3.Connection
        In autocommit mode: callers open their transactions (``BEGIN IMMEDIATE``) themselves.

    Raises
    ------
    DataValidationError
        If ``path`` does not exist (and not ``create``), is a folder, is not an SQLite file or
        not a report store (an empty file included), is damaged, or was written by a newer
        schema version than :data:`SCHEMA_VERSION`; each message names the file and the fix.
    """
    path = Path(path)
    new = not path.exists()
    if path.is_dir():
        raise _refuse(path, "is a folder, not a report store", "Give a file name, e.g. reports.sqlite.")
    if new and not create:
        raise _refuse(
            path,
            "no report store here",
            "Create it by ingesting report files: `longjiang-forecast ingest FILE... --store PATH`.",
        )
    if new and not path.parent.is_dir():
        raise _refuse(path, "the folder of the store does not exist", "Create the folder first.")
    if not new:
        with open(path, "rb") as fh:
            head = fh.read(len(_SQLITE_MAGIC))
        if head != _SQLITE_MAGIC:
            what = "an empty file" if not head else "not a report store (not an SQLite database)"
            raise _refuse(
                path,
                f"{what}; nothing was read or changed",
                "Give the path of a report store (made by `longjiang-forecast ingest`), or a new file name.",
            )
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        if new:
            _create(conn)
        else:
            _check(conn, path)
        conn.execute("PRAGMA foreign_keys = ON")
        yield conn
    except BaseException:
        conn.close()
        if new:
            path.unlink(missing_ok=True)  # a store created for a failed command: as if never made
        raise
    conn.close()


def _create(conn: sqlite3.Connection) -> None:
    """Mark a new file as a report store and write its schema and ``meta`` rows (one transaction)."""
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("BEGIN IMMEDIATE")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta (key, value) VALUES (?, ?)",
        [
            ("schema_version", str(SCHEMA_VERSION)),
            ("library_version", library_version()),
            ("created_at", now_utc()),
        ],
    )
    conn.execute("COMMIT")


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back (nothing changed) on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
