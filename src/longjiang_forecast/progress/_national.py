"""Real national year-to-date progress against annual plans (China), as catalogue + progress."""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.provenance import file_sha256
from longjiang_forecast._core.schema import PROVINCE
from longjiang_forecast.catalog import Catalog, catalog_row, make_catalog

from ._reader import _frame_to_dataset, _parse_as_of

__all__ = ["load_national_progress"]

REALDATA = Path(__file__).parent / "realdata"
NATIONAL_FILE = REALDATA / "national_progress.csv"

#: Columns of national_progress.csv.
NATIONAL_COLUMNS: tuple[str, ...] = (
    "series_id", "name_zh", "name_en", "unit", "year", "target", "comparator", "month",
    "cumulative", "is_final", "source_url", "source_title", "quote",
)  # fmt: skip

_YEAR_SUFFIX = re.compile(r"_(\d{4})$")


def load_national_progress(
    path: str | Path | None = None,
    *,
    as_of: str | pd.Timestamp | None = None,
) -> tuple[Catalog, xr.Dataset]:
    """Load real national year-to-date progress against annual plans (China).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        A copy of ``national_progress.csv`` (columns ``series_id, name_zh, name_en,
        unit, year, target, comparator, month, cumulative, is_final, source_url,
        source_title, quote``). Default: the copy packaged in
        ``longjiang_forecast/progress/realdata``.
    as_of : str or pandas.Timestamp, optional
        ``'YYYY-MM'`` or a Timestamp: keep only rows with month <= ``as_of`` (to
        forecast as of a past month without seeing later reports). Series-years
        of later years than ``as_of`` are left out of the catalogue; those of its
        year stay in it (all-NaN progress if not yet reported).

    Returns
    -------
    catalog : Catalog
        One row per series-year (``series_id``, e.g. ``CN_OLDCOMM_2024``) with
        ``region`` ``province``; ``year`` per row; ``kind`` ``cumulative``
        (``level`` for the 5G stock ``CN_5G_*``); ``unit``, ``target``,
        ``comparator``, ``name_zh``, ``name_en`` from the file; ``target`` NaN (and
        ``forecastable`` False) where no target was published; ``deadline`` 31
        December; ``family`` = ``series_id`` without its ``_YYYY`` suffix;
        ``note`` the ``source_title`` of the series' first row. ``catalog.year`` is
        the latest year present.
    progress : xarray.Dataset
        As returned by :func:`read_progress`: dims ``(indicator, region, month)``
        with ``region = ['province']``, every catalogue indicator, ``month``
        contiguous from January of the earliest year to the latest month kept;
        variables ``value`` (float64, the cumulative figure, NaN where not
        reported) and ``note`` (the source title of each figure). ``attrs``:
        ``source``, ``sha256``, ``source_urls`` (number of distinct source URLs),
        ``revisions_accepted`` (the documented rounding "fall" of
        CN_OLDCOMM_HH_2022, 876.01 in November, 876 at year-end),
        ``excluded_after_as_of`` (rows dropped by ``as_of``; 0 without it) and
        ``as_of`` when given.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    DataValidationError
        If a column is missing, or no row is left on or before ``as_of``.
    ValueError
        If ``as_of`` is not a ``'YYYY-MM'`` string or a Timestamp.

    See Also
    --------
    read_progress : The validation applied to the figures.

    Notes
    -----
    Sources: each row's ``source_url``/``source_title`` (ministry of housing
    and urban-rural development, ministry of human resources and social security,
    MIIT and National Bureau of Statistics releases and reprints); see
    ``realdata/README.md``. Points are irregular (months missing) and stay NaN.
    Falls within a year are accepted without a warning because the one in the
    file is documented rounding; they are still listed in
    ``attrs['revisions_accepted']``. Every target in this file was met.

    Examples
    --------
    >>> catalog, ds = load_national_progress()
    >>> float(catalog.row("CN_OLDCOMM_2024")["target"])
    5.4
    >>> ds["value"].sel(indicator="CN_OLDCOMM_2024", region="province", month="2024-12-01").item()
    5.8
    >>> catalog, ds = load_national_progress(as_of="2024-09")
    >>> catalog.year, ds.attrs["excluded_after_as_of"]
    (2024, 10)
    """
    path = NATIONAL_FILE if path is None else Path(path)
    as_of_ts = _parse_as_of(as_of, "load_national_progress")
    if not path.is_file():
        raise FileNotFoundError(f"National progress file not found: {path}")
    frame = pd.read_csv(path, dtype={"series_id": str, "unit": str}, encoding="utf-8-sig")
    missing = [c for c in NATIONAL_COLUMNS if c not in frame.columns]
    if missing:
        raise DataValidationError(
            f"{path}: missing column(s) {missing}. Expected the columns of "
            f"national_progress.csv: {list(NATIONAL_COLUMNS)}."
        )
    n_urls = int(frame["source_url"].nunique())
    month_ts = pd.to_datetime({"year": frame["year"], "month": frame["month"], "day": 1}).dt.as_unit("ns")
    frame = frame.assign(_month=month_ts, _row=np.arange(len(frame)) + 2)

    excluded = 0
    series_frame = frame
    if as_of_ts is not None:
        keep = frame["_month"] <= as_of_ts
        excluded = int((~keep).sum())
        frame = frame.loc[keep]
        # a plan of the as-of year is known even before its first progress report
        series_frame = series_frame.loc[series_frame["year"] <= as_of_ts.year]
        if frame.empty:
            raise DataValidationError(
                f"{path}: no row has a month on or before as_of={as_of_ts.strftime('%Y-%m')!r}; "
                f"the earliest figure is for {month_ts.min().strftime('%Y-%m')}. "
                f"Pass a later as_of."
            )

    rows = []
    for series_id, grp in series_frame.groupby("series_id", sort=False):
        first = grp.iloc[0]
        sid = str(series_id)
        year = int(first["year"])
        target = float(first["target"]) if pd.notna(first["target"]) else math.nan
        is_stock = sid.startswith("CN_5G_")
        kind = "level" if is_stock else "cumulative"
        notes = []
        if not math.isfinite(target):
            notes.append("no published target")
        if is_stock:
            notes.append(
                "value and target are a stock (total stations in service at the month's end), "
                "not new stations"
            )
        notes.append(str(first["source_title"]))
        titles = " ".join(str(t) for t in grp["source_title"])
        rows.append(
            catalog_row(
                indicator=sid,
                year=year,
                name_zh=str(first["name_zh"]),
                name_en=str(first["name_en"]),
                unit=str(first["unit"]),
                target=target,
                comparator=str(first["comparator"]),
                approximate="左右" in titles,
                kind=kind,
                deadline=pd.Timestamp(year=year, month=12, day=31),
                tags="national;real-data" if sid.startswith("CN_") else "real-data",  # HLJ_: the province
                family=_YEAR_SUFFIX.sub("", sid),
                note="; ".join(notes),
                target_basis="annual plan as published" if math.isfinite(target) else "",
                deadline_source="annual plan (calendar year)",
            )
        )
    rows.sort(key=lambda r: (r["family"], r["year"]))
    catalog = make_catalog(rows, year=max(r["year"] for r in rows), source=str(path))

    raw = pd.DataFrame(
        {
            "indicator": frame["series_id"].astype(str).to_numpy(),
            "region": PROVINCE,
            "month": frame["_month"].dt.strftime("%Y-%m").to_numpy(),
            "value": [repr(float(v)) for v in frame["cumulative"]],
            "note": frame["source_title"].astype(str).to_numpy(),
            "_row": frame["_row"].to_numpy(),
        }
    )
    ds = _frame_to_dataset(
        raw,
        catalog,
        source=str(path),
        as_of=as_of_ts,
        allow_revisions=True,
        check_scale=True,
        warn_revisions=False,
        all_indicators=True,
    )
    ds.attrs["n_rows"] = len(frame) + excluded
    ds.attrs["sha256"] = file_sha256(path)
    ds.attrs["source_urls"] = n_urls
    ds.attrs["excluded_after_as_of"] = excluded
    if "revisions_accepted" in ds.attrs:
        ds.attrs["revisions_accepted"] += (
            " (documented in the data README: rounding of the published figures, not a fall)"
        )
    return catalog, ds
