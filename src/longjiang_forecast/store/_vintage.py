"""What was known at a vintage: the latest report of each month received by a date, as progress data."""

from __future__ import annotations

import datetime as _dt
import hashlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError, ForecastWarning
from ..progress._reader import read_frame
from ._db import now_utc, open_store

if TYPE_CHECKING:
    from ..catalog import Catalog


def parse_vintage(text: str, name: str = "vintage") -> str:
    """Normalise a vintage: ``YYYY-MM-DD``, or ``YYYY-MM-DDTHH:MM:SS`` (UTC) for a time.

    Raises
    ------
    DataValidationError
        If ``text`` is neither form, naming ``name`` and the forms accepted.
    """
    text = str(text).strip()
    try:
        if len(text) == 10:
            return _dt.date.fromisoformat(text).isoformat()
        stamp = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise DataValidationError(
            f"{name} {text!r} is not a date: write it as YYYY-MM-DD (e.g. 2024-09-05), or as a UTC "
            "time YYYY-MM-DDTHH:MM:SS."
        ) from None
    if stamp.tzinfo is not None:
        stamp = stamp.astimezone(_dt.UTC).replace(tzinfo=None)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S")


def _received_by(vintage: str | None) -> tuple[str, tuple[Any, ...]]:
    """SQL condition and parameters: a report's vintage on or before ``vintage`` (a whole day for a date)."""
    if vintage is None:
        return "1", ()
    if len(vintage) == 10:  # a date: everything received that day, at whatever time
        next_day = (_dt.date.fromisoformat(vintage) + _dt.timedelta(days=1)).isoformat()
        return "r.vintage < ?", (next_day,)
    return "r.vintage <= ?", (vintage,)


def _months_up_to(as_of: str | None) -> tuple[str, tuple[Any, ...]]:
    """SQL condition and parameters: a report's month at or before ``as_of`` (YYYY-MM; None: any)."""
    return ("1", ()) if as_of is None else ("r.month <= ?", (as_of,))


def known_reports(
    conn: Any, vintage: str | None, *, as_of: str | None = None, through_file: int | None = None
) -> pd.DataFrame:
    """The latest report of each (indicator, region, month) received by ``vintage``.

    Columns indicator, region, month (YYYY-MM), value, vintage, note, name (the file); sorted by
    indicator, region and month. ``as_of`` (YYYY-MM) leaves out later months; ``through_file``
    leaves out what later ingests added (the store as it was after that ingest).
    """
    received, by_then = _received_by(vintage)
    months, up_to = _months_up_to(as_of)
    condition, params = f"{received} AND {months}", by_then + up_to
    if through_file is not None:
        condition += " AND r.file_id <= ?"
        params += (int(through_file),)
    frame = pd.read_sql_query(
        "SELECT r.indicator, r.region, r.month, r.value, r.vintage, r.note, f.name FROM reports r "
        f"JOIN files f USING (file_id) WHERE {condition} ORDER BY r.vintage",
        conn,
        params=params,
    )
    latest = frame.drop_duplicates(["indicator", "region", "month"], keep="last")
    return latest.sort_values(["indicator", "region", "month"], kind="stable").reset_index(drop=True)


def reports_sha256(rows: pd.DataFrame) -> str:
    """SHA-256 of reports (:func:`known_reports`): their indicator, region, month and value as CSV text."""
    text = rows[["indicator", "region", "month", "value"]].to_csv(index=False)
    return hashlib.sha256(text.encode()).hexdigest()


def reader_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Reports (:func:`known_reports`) as a table for :func:`~longjiang_forecast.read_progress`.

    Columns indicator, region, month, value, reported_on (the vintage's date), note; each row
    labelled by its file and vintage, so that a problem the reader finds names them.
    """
    frame = pd.DataFrame(
        {
            "indicator": rows["indicator"].to_numpy(object),
            "region": rows["region"].to_numpy(object),
            "month": rows["month"].to_numpy(object),
            "value": rows["value"].to_numpy(float),
            "reported_on": rows["vintage"].str.slice(0, 10).to_numpy(object),
            "note": rows["note"].to_numpy(object),
        },
        dtype=object,
    )  # plain Python cells: the reader visits each one
    frame.index = pd.Index([f"{n} (vintage {v})" for n, v in zip(rows["name"], rows["vintage"], strict=True)])
    return frame


def progress_at(
    store: str | Path,
    catalog: Catalog,
    vintage: str | None = None,
    *,
    as_of: str | None = None,
    through_file: int | None = None,
) -> xr.Dataset:
    """Progress data as known at a vintage: for each month, the latest report received by then.

    Parameters
    ----------
    store : str or pathlib.Path
        A report store (see :func:`~longjiang_forecast.store.ingest`).
    catalog : Catalog
        The catalogue to read the reports against (as :func:`~longjiang_forecast.read_progress`).
    vintage : str, optional
        ``YYYY-MM-DD`` (everything received that day counts) or a UTC time
        ``YYYY-MM-DDTHH:MM:SS``. Default: everything in the store.
    as_of : str, optional
        ``YYYY-MM``: leave out months after it (so that ``forecast(..., as_of=as_of)`` accepts
        the data).
    through_file : int, optional
        Only what ingests up to this file number added (the store as it was then; a published
        forecast records it, see :func:`~longjiang_forecast.store.publish`).

    Returns
    -------
    xarray.Dataset
        As :func:`~longjiang_forecast.read_progress` returns it (dims indicator, region,
        month; ``value``, ``reported_on`` holding each report's vintage date, ``note``).
        attrs ``source`` (``STORE at vintage V``), ``sha256`` (of the reports' indicator,
        region, month and value: the same reports give the same hash), ``store``,
        ``store_vintage`` (``vintage`` or ``"latest"``).

    Raises
    ------
    DataValidationError
        If ``vintage`` is later than now (without ``through_file``: a forecast as known on a date to
        come), if the store holds no report received by ``vintage`` (the message gives the earliest
        vintage), reports of a year after the catalogue's (up to ``as_of``: in January, the new
        year's first reports against last year's catalogue; the message gives both fixes), if
        ``vintage`` is malformed, or the store is unusable (see
        :func:`~longjiang_forecast.store.ingest`).

    Warns
    -----
    ForecastWarning
        Naming how many reports (of months up to ``as_of``) the store received after ``vintage``,
        left out (without ``through_file``): rows ingested without ``reported_on`` are dated the
        day they were ingested, and a forecast as known on an earlier date dropped them unsaid.
    """
    store = Path(store)
    vintage = None if vintage is None else parse_vintage(vintage, "vintage")
    now = now_utc()
    if vintage is not None and through_file is None and vintage > now[: len(vintage)]:
        raise DataValidationError(
            f"vintage {vintage} is later than now ({now} UTC): a forecast as known on a date to come would "
            "take the reports received by then, which nobody has yet (and a publication under that date "
            "could not be told from a later one). Give today's date or an earlier one, or no vintage "
            "for everything in the store (nothing was run)."
        )
    with open_store(store) as conn:
        rows = known_reports(conn, vintage, as_of=as_of, through_file=through_file)
        (first,) = conn.execute("SELECT MIN(vintage) FROM reports").fetchone()
        newer = _received_later(conn, vintage, as_of) if through_file is None else (0, None)
    label = f"{store} at vintage {vintage or 'latest'}"
    if rows.empty:
        since = f"its earliest vintage is {first}" if first else "it holds no reports yet"
        raise DataValidationError(
            f"{label}{f' up to {as_of}' if as_of else ''}: no report had been received by then ({since}). "
            "Give a later vintage, or ingest the reports first."
        )
    later = sorted({m for m in rows["month"].astype(str) if int(m[:4]) > int(catalog.year)})
    if later:
        year = int(catalog.year)
        raise DataValidationError(
            f"{label}: the store holds reports of {later[0][:4]} ({later[0]} to {later[-1]}), after the year "
            f"{year} of the catalogue {catalog.source}, which has no targets for them (nothing was run). "
            f"To forecast {later[0][:4]}, give its catalogue (--catalog FILE: the one `longjiang-forecast "
            f"next-year --out FILE` wrote, or your own); to see how {year} ended, read the store up to "
            f"its December (--as-of {year}-12; lf.store.progress_at(store, catalog, as_of='{year}-12'))."
        )
    if newer[0]:
        warnings.warn(
            f"{label}: {newer[0]} report(s) in the store were received after {vintage} (the latest on "
            f"{newer[1]}) and are left out, as a forecast as known on {vintage} must leave them. Reports "
            "ingested without a reported_on are dated the day they were ingested: give that column, or "
            "ingest's --vintage, the date each was received; or drop --vintage to use everything.",
            ForecastWarning,
            stacklevel=2,
        )
    ds = reports_dataset(rows, catalog, label)
    ds.attrs.update(store=str(store), store_vintage=vintage or "latest")
    return ds


def _received_later(conn: Any, vintage: str | None, as_of: str | None) -> tuple[int, str | None]:
    """How many reports (of months up to ``as_of``) came after ``vintage``, and the latest vintage."""
    if vintage is None:
        return 0, None
    received, by_then = _received_by(vintage)
    months, up_to = _months_up_to(as_of)  # a later month's report is left out by as_of, not by vintage
    count, latest = conn.execute(
        f"SELECT COUNT(*), MAX(r.vintage) FROM reports r WHERE {months} AND NOT ({received})", up_to + by_then
    ).fetchone()
    return int(count), latest


def reports_dataset(rows: pd.DataFrame, catalog: Catalog, label: str) -> xr.Dataset:
    """Reports (:func:`known_reports`) as the Dataset read_progress gives, ``label`` as its source.

    Read without the scale check and accepting falls (both judged at ingest); the reader's
    warnings are said again naming ``label``. attrs ``source`` (``label``) and ``sha256``
    (:func:`reports_sha256`).
    """
    with warnings.catch_warnings(record=True) as caught:  # checked at ingest; said again naming the store
        warnings.simplefilter("always")
        ds = read_frame(
            reader_frame(rows), catalog, allow_revisions=True, check_scale=False, source=label,
            what="the store's reports", row="report",
        )  # fmt: skip
    for warning in caught:
        text = str(warning.message)
        warnings.warn(text if text.startswith(label) else f"{label}: {text}", warning.category, stacklevel=3)
    ds.attrs.update(source=label, sha256=reports_sha256(rows))
    return ds
