"""The track record of docs/store.md: the year of tests/store/test_store_year.py, then `track-record`.

History to 2023 and 12 monthly files of 2024 (09a and 19b, the province and 13 prefectures; a late
report, a revision and a missing month), each ingested on the 5th of the next month with a forecast
published after it, as of that month (1,000 draws, seed = the month); then the track record of the
year's 12 forecasts. Run from the repository root:

    python docs/examples/track_record_year.py FOLDER

FOLDER (created) receives the files, reports.sqlite and the track record in FOLDER/record.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests" / "store"))

from test_store_year import received, write_year

import longjiang_forecast as lf
from longjiang_forecast.cli import main

folder = Path(sys.argv[1])
folder.mkdir(parents=True, exist_ok=False)
catalog = lf.load_catalog(2024).subset(["09a", "19b"])
_, files = write_year(folder, catalog, range(1, 13))
store = folder / "reports.sqlite"
lf.store.ingest(store, files[:1], catalog)
for month, path in enumerate(files[1:], start=1):
    lf.store.ingest(store, [path], catalog)
    progress = lf.store.progress_at(store, catalog, received(month))
    result = lf.forecast(progress, catalog, n_draws=1000, seed=month, as_of=f"2024-{month:02d}")
    lf.store.publish(store, result, seed=month, vintage=received(month))
sys.exit(main(["track-record", "--store", str(store), "--out", str(folder / "record"), "--lang", "en"]))
