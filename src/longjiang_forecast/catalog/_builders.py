"""Catalogues built in code, row by row: the packaged real data and the synthetic families.

:func:`load_catalog` reads and validates a user's file; the loaders of
:mod:`longjiang_forecast.progress` (national series, PM2.5) and the generators of
:mod:`longjiang_forecast.testing` build their catalogues from rows made in code
with :func:`catalog_row` and :func:`make_catalog`.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from longjiang_forecast._core.schema import FORECASTABLE_KINDS, PROVINCE

from ._catalog import TABLE_COLUMNS, Catalog
from ._regions import load_regions

__all__ = ["catalog_row", "make_catalog"]


def catalog_row(**fields: Any) -> dict[str, Any]:
    """Return one catalogue row with every column of :attr:`Catalog.table` filled.

    For catalogues built in code (the packaged national and PM2.5 data, the synthetic
    families of :mod:`longjiang_forecast.testing`); :func:`make_catalog` turns the rows
    into a :class:`Catalog`. Nothing is validated: the rows are trusted, unlike those
    of :func:`load_catalog`.

    Parameters
    ----------
    **fields
        Values by column name (the columns of :attr:`Catalog.table`). Required:
        ``indicator``, ``year``, ``name_zh``, ``name_en``, ``unit``, ``target``
        (float, in ``unit``; NaN = none), ``comparator``, ``kind``, ``deadline``.
        Defaults of the others: ``region`` ``"province"``, ``item`` ``<NA>``,
        ``approximate`` False, NaN ``lower_bound``, ``upper_bound`` and ``baseline``,
        ``family`` = ``indicator``, ``forecastable`` = a finite ``target`` and a
        kind of ``_core.schema.FORECASTABLE_KINDS``, ``""`` for the text columns.

    Returns
    -------
    dict of str to object
        The 23 columns of :attr:`Catalog.table`, in its order.

    Raises
    ------
    KeyError
        If a required field is not given (the key names it).

    Examples
    --------
    >>> from longjiang_forecast.catalog import catalog_row
    >>> row = catalog_row(indicator="X_2024", year=2024, name_zh="新建", name_en="New", unit="个",
    ...                   target=10.0, comparator=">=", kind="cumulative", deadline="2024-12-31")
    >>> row["region"], row["family"], row["forecastable"]
    ('province', 'X_2024', True)
    """
    row: dict[str, Any] = {
        "region": PROVINCE,
        "item": pd.NA,
        "approximate": False,
        "wording": "",
        "responsible": "",
        "lower_bound": math.nan,
        "upper_bound": math.nan,
        "baseline": math.nan,
        "tags": "",
        "note": "",
        "target_basis": "",
        "deadline_source": "",
    }
    row.update(fields)
    row.setdefault("family", row["indicator"])
    row.setdefault(
        "forecastable",
        bool(math.isfinite(float(row["target"])) and row["kind"] in FORECASTABLE_KINDS),
    )
    return {c: row[c] for c in TABLE_COLUMNS}


def make_catalog(rows: list[dict[str, Any]], *, year: int, source: str) -> Catalog:
    """Build a :class:`Catalog` from rows of :func:`catalog_row`, without validating them.

    Parameters
    ----------
    rows : list of dict
        One :func:`catalog_row` per (indicator, region, year).
    year : int
        The catalogue's latest year (:attr:`Catalog.year`).
    source : str
        What the rows were built from (:attr:`Catalog.source`), e.g. a data file's path.

    Returns
    -------
    Catalog
        ``table``: the rows in their order, the numeric columns float64, ``year`` int,
        ``item`` Int64, ``approximate`` and ``forecastable`` bool, ``deadline``
        datetime64; ``regions``: :func:`load_regions`.

    Examples
    --------
    >>> from longjiang_forecast.catalog import catalog_row, make_catalog
    >>> row = catalog_row(indicator="X_2024", year=2024, name_zh="新建", name_en="New", unit="个",
    ...                   target=10.0, comparator=">=", kind="cumulative", deadline="2024-12-31")
    >>> cat = make_catalog([row], year=2024, source="example")
    >>> cat.year, float(cat.target_for("X_2024", "province")), len(cat.regions)
    (2024, 10.0, 13)
    """
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    table["target"] = table["target"].astype(float)
    table["baseline"] = table["baseline"].astype(float)
    table["lower_bound"] = table["lower_bound"].astype(float)
    table["upper_bound"] = table["upper_bound"].astype(float)
    table["year"] = table["year"].astype(int)
    table["item"] = table["item"].astype("Int64")
    table["forecastable"] = table["forecastable"].astype(bool)
    table["approximate"] = table["approximate"].astype(bool)
    table["deadline"] = pd.to_datetime(table["deadline"])
    return Catalog(year=int(year), table=table, regions=load_regions(), source=source)
