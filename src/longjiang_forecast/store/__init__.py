"""The report store: every report as received, with its vintage, and the forecasts published from it.

One SQLite file (the standard library's :mod:`sqlite3`; no server), written by
``longjiang-forecast ingest FILE... --store PATH`` or :func:`ingest`:

* every row of every file ingested, with when it was received (its vintage) and the file it came
  from; a revised figure is a new vintage beside the earlier ones, never an overwrite;
* :func:`progress_at` reads the data exactly as known at a vintage, for
  :func:`~longjiang_forecast.forecast`;
* :func:`publish` archives a forecast (``forecast --store PATH --publish``), and :func:`rebuild`
  makes it again from the store, bit for bit;
* :func:`track_record` scores every published forecast against the outcomes the store now holds
  (``longjiang-forecast track-record --store PATH``);
* :func:`changes` splits the change of P(met) between two published forecasts into revisions,
  new reports, settings and Monte Carlo noise (``longjiang-forecast changes --store PATH``);
* :func:`news` sets each new report against what the earlier forecast expected for it
  (``longjiang-forecast changes --store PATH --news``).

See ``docs/store.md`` and ``docs/design/005-report-store.md``.
"""

from __future__ import annotations

from ._archive import PUBLISHED_COLUMNS, check_publishable, publish, published, published_summary, rebuild
from ._changes import CHANGE_COLUMNS, changes, forecast_pair
from ._db import SCHEMA_VERSION, open_store
from ._ingest import REVISION_COLUMNS, IngestedFile, IngestReport, ingest
from ._news import NEWS_COLUMNS, NEWS_REASONS, news
from ._track import MIN_SCORED, STATES, SUMMARY_COLUMNS, TRACK_COLUMNS, TrackRecord, track_record
from ._vintage import progress_at

__all__ = [
    "CHANGE_COLUMNS",
    "MIN_SCORED",
    "NEWS_COLUMNS",
    "NEWS_REASONS",
    "PUBLISHED_COLUMNS",
    "REVISION_COLUMNS",
    "SCHEMA_VERSION",
    "STATES",
    "SUMMARY_COLUMNS",
    "TRACK_COLUMNS",
    "IngestReport",
    "IngestedFile",
    "TrackRecord",
    "changes",
    "check_publishable",
    "forecast_pair",
    "ingest",
    "news",
    "open_store",
    "progress_at",
    "publish",
    "published",
    "published_summary",
    "rebuild",
    "track_record",
]
