"""Ingest report files into a store: validated by read_progress, appended in one transaction.

Each row of a file becomes a report with a vintage (when it was received): its ``reported_on``
where the file gives one, else the ingest's vintage (``vintage=``, default the ingest time).
Against what the store already holds for the same indicator, region and month:

* nothing yet: a new report;
* the same value as the latest vintage, received later or on the same vintage: unchanged
  (nothing added);
* another value, received later: a revision, a new vintage beside the earlier ones;
* another value on the same vintage, or any row received earlier than the latest vintage
  stored: refused (the order of the reports could not be told).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._core.exceptions import DataValidationError
from .._core.provenance import file_sha256
from .._core.schema import EXAMPLE_NOTE
from ..progress import read_progress
from ..progress._reader import read_frame
from ._catalogs import save_catalog
from ._db import now_utc, open_store, transaction
from ._vintage import known_reports, parse_vintage, reader_frame

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Problems listed in a refusal before "and N more".
_MAX_LISTED = 20
#: Columns of :attr:`IngestReport.revisions`.
REVISION_COLUMNS = (
    "indicator", "region", "month", "old_value", "old_vintage", "value", "vintage", "file",
)  # fmt: skip


@dataclass(frozen=True)
class IngestedFile:
    """What one file of an ingest did.

    Attributes
    ----------
    name : str
        The file's name (as stored: its last path component).
    sha256 : str
        SHA-256 of its bytes.
    status : {"ingested", "already ingested"}
        ``"already ingested"``: a file with the same bytes was ingested before (``file_id`` is
        that ingest's); nothing of it was added again.
    file_id : int
        Its number in the store (ingests are numbered in order).
    n_rows, n_new, n_revised, n_unchanged : int
        Its rows; of them new reports, revisions and rows the store already held (0 when
        already ingested).
    """

    name: str
    sha256: str
    status: str
    file_id: int
    n_rows: int = 0
    n_new: int = 0
    n_revised: int = 0
    n_unchanged: int = 0


@dataclass(frozen=True)
class IngestReport:
    """The result of :func:`ingest`.

    Attributes
    ----------
    store : pathlib.Path
    files : tuple of IngestedFile
        One per file given, in order.
    revisions : pandas.DataFrame
        One row per revision added, columns :data:`REVISION_COLUMNS`: the figure and vintage
        it revises (``old_value``, ``old_vintage``), the new ones and the file.
    """

    store: Path
    files: tuple[IngestedFile, ...]
    revisions: pd.DataFrame

    @property
    def changed(self) -> bool:
        """Whether the ingest added anything to the store."""
        return any(f.n_new or f.n_revised for f in self.files if f.status == "ingested")


def _rows(ds: Any) -> pd.DataFrame:
    """The reports of a progress Dataset: indicator, region, month (YYYY-MM), value, reported_on, note."""
    names = ["value", *(v for v in ("reported_on", "note") if v in ds.data_vars)]
    frame = ds[names].reset_coords(drop=True).to_dataframe().reset_index()
    frame = frame[frame["value"].notna()].copy()
    frame["month"] = pd.DatetimeIndex(frame["month"]).strftime("%Y-%m")
    for col in ("reported_on", "note"):
        frame[col] = frame[col].astype(str) if col in frame else ""
    return frame[["indicator", "region", "month", "value", "reported_on", "note"]].reset_index(drop=True)


def _fmt(x: float) -> str:
    return repr(float(x))[:-2] if float(x).is_integer() else repr(float(x))


class _Known:
    """What the store holds (and what this ingest adds), per (indicator, region, month)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.by_key: dict[tuple[str, str, str], list[tuple[str, float, str]]] = {}
        query = (
            "SELECT r.indicator, r.region, r.month, r.vintage, r.value, f.name FROM reports r "
            "JOIN files f USING (file_id) ORDER BY r.vintage"
        )
        for ind, reg, month, vintage, value, name in conn.execute(query):
            self.by_key.setdefault((ind, reg, month), []).append((vintage, value, name))

    def add(self, key: tuple[str, str, str], vintage: str, value: float, name: str) -> None:
        self.by_key.setdefault(key, []).append((vintage, value, name))


def _judge(
    rows: pd.DataFrame, known: _Known, name: str, problems: list[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], int]:
    """Sort a file's rows into new reports and revisions (to insert) and unchanged ones.

    Returns ``(inserts, revisions, n_unchanged)``; problems (a conflict on one vintage, a row
    received before the latest vintage stored) are appended to ``problems``.
    """
    inserts: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    unchanged = 0
    for rec in rows.itertuples(index=False):
        key = (rec.indicator, rec.region, rec.month)
        where = f"{name}: {rec.indicator}/{rec.region} {rec.month}"
        history = known.by_key.get(key, [])
        same = [h for h in history if h[0] == rec.vintage]
        if same:
            if same[-1][1] == rec.value:
                unchanged += 1
            else:
                problems.append(
                    f"{where}: value {_fmt(rec.value)} received on {rec.vintage}, but {same[-1][2]} gave "
                    f"{_fmt(same[-1][1])} on the same vintage: two figures of one receipt date cannot be "
                    "ordered. Correct the figure, or give the date this file was really received "
                    "(its reported_on, or --vintage)."
                )
            continue
        if history and rec.vintage < history[-1][0]:
            latest_vintage, latest_value, latest_name = history[-1]
            problems.append(
                f"{where}: received on {rec.vintage}, earlier than the vintage {latest_vintage} already "
                f"stored for it ({_fmt(latest_value)}, from {latest_name}); a store only adds later "
                "knowledge. Ingest files in the order they were received; if this file arrived after "
                f"{latest_vintage}, give the date it was received (its reported_on, or --vintage)."
            )
            continue
        if history and history[-1][1] == rec.value:
            unchanged += 1
            continue
        if history:
            old_vintage, old_value, _ = history[-1]
            revisions.append(
                (rec.indicator, rec.region, rec.month, old_value, old_vintage, rec.value, rec.vintage, name)
            )
        inserts.append((rec.indicator, rec.region, rec.month, rec.vintage, float(rec.value), rec.note))
        known.add(key, rec.vintage, float(rec.value), name)
    return inserts, revisions, unchanged


def _check_combined(
    conn: sqlite3.Connection, keys: set[tuple[str, str, str]], catalog: Catalog, store: Path, **checks: Any
) -> None:
    """Run read_progress's checks on the latest figures of the series this ingest touched, with their history.

    ``keys``: (indicator, region, year) of the reports added. Catches what no single file shows:
    a revision or a new month that makes a cumulative series fall against a month of another
    file, bounds and whole projects on the figures as now known, and a figure far beyond what
    the series' earlier years had reached by the same month (the scale check judges a count
    against its family's seasonal history in its region: a July figure typed ten times over,
    ingested alone, went into the store and was forecast 'achieved' with P(met) 1.00, where the
    same rows read as one progress file were refused; a break-it pass). So the earlier years of
    the touched series' families and regions are checked with them; the other series are left
    out (each was checked when it came in), which keeps a monthly ingest quick.
    """
    if not keys:
        return
    rows = known_reports(conn, None)
    family_of = dict(
        zip(catalog.table["indicator"].astype(str), catalog.table["family"].astype(str), strict=False)
    )
    families = {(family_of.get(ind, ind), region) for ind, region, _ in keys}
    touched = [
        (family_of.get(ind, ind), region) in families
        for ind, region in zip(rows["indicator"], rows["region"], strict=True)
    ]
    try:
        read_frame(reader_frame(rows[touched]), catalog, **checks, source=str(store),
                   what="the store's reports", row="report")  # fmt: skip
    except DataValidationError as err:
        detail = str(err).split("\n", 1)[-1]
        raise DataValidationError(
            f"{store}: with this ingest, the latest figures of the store would fail a check of the progress "
            f"reader (each row named by its file and vintage); nothing was stored:\n{detail}"
        ) from None


def ingest(
    store: str | Path,
    files: Sequence[str | Path],
    catalog: Catalog,
    *,
    vintage: str | None = None,
    allow_revisions: bool = False,
    check_scale: bool = True,
    sheet: int | str | None = None,
) -> IngestReport:
    r"""Append report files to a store (created if missing), in one transaction.

    Parameters
    ----------
    store : str or pathlib.Path
        The store file (SQLite; see :mod:`longjiang_forecast.store`).
    files : sequence of str or pathlib.Path
        Progress files (CSV or Excel, the format of :func:`~longjiang_forecast.read_progress`),
        ingested in this order: a later file may revise an earlier one.
    catalog : Catalog
        The catalogue the files report against; kept in the store.
    vintage : str, optional
        When rows without ``reported_on`` were received: ``YYYY-MM-DD``, or a UTC time
        ``YYYY-MM-DDTHH:MM:SS``. Default: the ingest time (UTC), for a file without any
        ``reported_on``; a file whose ``reported_on`` is empty in some rows only is refused
        without it (an empty cell is more likely forgotten than received today). A row's own
        ``reported_on`` takes precedence.
    allow_revisions, check_scale : bool
        As in :func:`~longjiang_forecast.read_progress`, for each file and for the latest
        figures of the series the ingest touches, taken together.
    sheet : int or str, optional
        Sheet of ``.xlsx`` files, as in ``read_progress``.

    Returns
    -------
    IngestReport
        Per file: ingested or already ingested, new / revised / unchanged rows; the revisions.

    Raises
    ------
    DataValidationError
        Nothing is stored, and the store is unchanged, if any file fails a check of
        ``read_progress`` (each file's problems are listed); if a row gives another value than
        the store holds for the same vintage, or was received earlier than the latest vintage
        stored for its indicator, region and month; if the latest figures taken together fail
        ``read_progress``'s checks (a cumulative series falling across files); if a vintage is
        malformed or later than now; if a file's ``reported_on`` is empty in some rows only and
        ``vintage`` is not given; or if ``store`` is not a usable store (see
        :func:`~longjiang_forecast.store.open_store`).
    FileNotFoundError
        If a file does not exist.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import longjiang_forecast as lf
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "march.csv").write_text(
    ...     "indicator,region,month,value,reported_on\n09a,province,2024-03,4100,2024-04-05\n"
    ... )
    >>> _ = (folder / "april.csv").write_text(
    ...     "indicator,region,month,value,reported_on\n09a,province,2024-03,4150,2024-05-06\n"
    ...     "09a,province,2024-04,6000,2024-05-06\n"
    ... )
    >>> catalog = lf.load_catalog(2024)
    >>> report = lf.store.ingest(folder / "s.sqlite", [folder / "march.csv", folder / "april.csv"], catalog)
    >>> [(f.n_new, f.n_revised) for f in report.files]
    [(1, 0), (1, 1)]
    >>> lf.store.progress_at(folder / "s.sqlite", catalog, "2024-04-30")["value"].values.ravel().tolist()
    [nan, nan, 4100.0]
    """
    store = Path(store)
    now = now_utc()
    default = now if vintage is None else parse_vintage(vintage, "--vintage")
    if default > now:
        raise DataValidationError(
            f"--vintage {default} is later than now ({now} UTC): a report cannot be received in the future. "
            "Give the date the files were received."
        )
    paths = [Path(f) for f in files]
    for path in paths:
        if not path.is_file():
            raise FileNotFoundError(f"Progress file not found: {path} (nothing was stored).")
    read: list[tuple[Path, str, pd.DataFrame]] = []
    errors: list[str] = []
    for path in paths:
        try:
            ds = read_progress(
                path, catalog, allow_revisions=allow_revisions, check_scale=check_scale, sheet=sheet
            )
        except DataValidationError as err:
            errors.append(str(err))
            continue
        rows = _rows(ds)
        blank = rows["reported_on"] == ""
        if vintage is None and blank.any() and not blank.all():
            first = rows[blank].iloc[0]
            errors.append(
                f"{path}: {int(blank.sum())} row(s) have an empty reported_on while {int((~blank).sum())} "
                f"have a date, e.g. {first['indicator']}/{first['region']} {first['month']}: an empty cell "
                f"would be stamped with the ingest time ({now} UTC), which the store keeps for good, so a "
                "forecast 'as known on' an earlier date would leave the row out. Fill in the date each row "
                "was received, or give --vintage YYYY-MM-DD for the rows without one."
            )
            continue
        rows["vintage"] = [r if r else default for r in rows["reported_on"]]
        example = rows[rows["note"].isin(list(EXAMPLE_NOTE.values()))]
        if len(example):
            first = example.iloc[0]
            errors.append(
                f"{path}: {len(example)} row(s) still carry the template's note {first['note']!r}, "
                f"e.g. {first['indicator']}/{first['region']} {first['month']}: "
                "those values are the template's synthetic examples, not reports, and the store keeps what "
                "it is given for good. Replace them with the reported figures and clear the note."
            )
        early = rows[rows["vintage"].str[:7] < rows["month"]]
        if len(early):
            errors.append(
                f"{path}: {len(early)} row(s) received before the month they report began, e.g. "
                f"{early['indicator'].iloc[0]}/{early['region'].iloc[0]} {early['month'].iloc[0]} received "
                f"{early['vintage'].iloc[0]}. Correct reported_on (or --vintage) or the month."
            )
        future = rows[rows["vintage"] > now]
        if len(future):
            errors.append(
                f"{path}: {len(future)} row(s) reported_on a date later than now ({now} UTC), e.g. "
                f"{future['indicator'].iloc[0]}/{future['region'].iloc[0]} {future['month'].iloc[0]} on "
                f"{future['vintage'].iloc[0]}. Correct reported_on (YYYY-MM-DD)."
            )
        read.append((path, file_sha256(path), rows))
    if errors:
        raise DataValidationError("\n".join(errors) + "\nNothing was stored.")
    with open_store(store, create=True) as conn, transaction(conn):
        return _append(conn, store, read, catalog, now, default, allow_revisions=allow_revisions,
                       check_scale=check_scale)  # fmt: skip


def _append(
    conn: sqlite3.Connection,
    store: Path,
    read: list[tuple[Path, str, pd.DataFrame]],
    catalog: Catalog,
    now: str,
    default: str,
    **checks: Any,
) -> IngestReport:
    """Judge and insert the files' rows in the open transaction (see :func:`ingest`)."""
    catalog_key = ""  # kept in the store with the first file ingested: an ingest of nothing changes nothing
    known = _Known(conn)
    stored = {sha: (fid, name, at) for fid, name, sha, at in conn.execute(
        "SELECT file_id, name, sha256, ingested_at FROM files")}  # fmt: skip
    results: list[IngestedFile] = []
    revisions: list[tuple[Any, ...]] = []
    problems: list[str] = []
    touched: set[tuple[str, str, str]] = set()
    for path, sha, rows in read:
        if sha in stored:
            fid, _, _ = stored[sha]
            results.append(IngestedFile(path.name, sha, "already ingested", fid))
            continue
        inserts, revised, unchanged = _judge(rows, known, path.name, problems)
        catalog_key = catalog_key or save_catalog(conn, catalog)
        cur = conn.execute(
            "INSERT INTO files (name, sha256, ingested_at, vintage, catalog_sha256, n_rows) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (path.name, sha, now, default, catalog_key, len(rows)),
        )
        fid = int(cur.lastrowid or 0)
        stored[sha] = (fid, path.name, now)
        conn.executemany(
            "INSERT INTO reports (indicator, region, month, vintage, value, note, file_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(*row, fid) for row in inserts],
        )
        touched.update((row[0], row[1], row[2][:4]) for row in inserts)
        revisions.extend(revised)
        n_new = len(inserts) - len(revised)
        results.append(
            IngestedFile(path.name, sha, "ingested", fid, len(rows), n_new, len(revised), unchanged)
        )
    if problems:
        n = len(problems)
        lines = [f"{store}: {n} report{'s' if n > 1 else ''} refused; nothing was stored:"]
        lines += [f"  - {p}" for p in problems[:_MAX_LISTED]]
        if n > _MAX_LISTED:
            lines.append(f"  ... and {n - _MAX_LISTED} more")
        raise DataValidationError("\n".join(lines))
    _check_combined(conn, touched, catalog, store, **checks)
    return IngestReport(
        store=store,
        files=tuple(results),
        revisions=pd.DataFrame(revisions, columns=list(REVISION_COLUMNS)),
    )
