#!/usr/bin/env bash
# The figures of docs/store.md ("Size and speed"): a year of the full 2024 list x 13 prefectures
# (synthetic) ingested into a report store month by month, a forecast published and rebuilt.
# Run in an empty folder: bash docs/examples/store_year.sh
set -euo pipefail
python - <<'PY'
import pandas as pd
import longjiang_forecast as lf

ds = lf.testing.synthetic_progress(lf.load_catalog(2024), seed=2024, as_of="2024-12")
frame = ds["value"].reset_coords(drop=True).to_dataframe().reset_index().dropna(subset=["value"])
frame["month"] = pd.DatetimeIndex(frame["month"]).strftime("%Y-%m")
frame[frame["month"] < "2024-01"].to_csv("history.csv", index=False)
for m in range(1, 13):
    frame[frame["month"] == f"2024-{m:02d}"].to_csv(f"2024-{m:02d}.csv", index=False)
PY
/usr/bin/time -f "history ingest %e s" longjiang-forecast ingest history.csv --store reports.sqlite --vintage 2024-01-10
for m in $(seq 1 12); do
  received=$(python -c "print(f'{2024 + $m // 12}-{$m % 12 + 1:02d}-05')")  # the 5th of the next month
  /usr/bin/time -f "ingest 2024-$(printf %02d "$m") %e s" \
    longjiang-forecast ingest "2024-$(printf %02d "$m").csv" --store reports.sqlite --vintage "$received"
done
ls -l reports.sqlite
/usr/bin/time -f "forecast+publish %e s" longjiang-forecast forecast --store reports.sqlite --vintage 2024-07-05 \
  --out out-2024-06 --publish -q | tail -1
ls -l reports.sqlite
/usr/bin/time -f "rebuild %e s" python -c "import longjiang_forecast as lf; lf.store.rebuild('reports.sqlite', 1)"
/usr/bin/time -f "forecast from the store %e s" longjiang-forecast forecast --store reports.sqlite --out out-latest -q >/dev/null
/usr/bin/time -f "forecast+publish 2 %e s" longjiang-forecast forecast --store reports.sqlite --vintage 2024-08-05 \
  --out out-2024-07 --publish -q | tail -1
ls -l reports.sqlite
/usr/bin/time -f "changes %e s" longjiang-forecast changes --store reports.sqlite
