"""Write a catalogue back to a file a user can edit: the columns of the file format, tags included."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._catalog import Catalog
from ._read import OPTIONAL_COLUMNS, REQUIRED_COLUMNS


def write_catalog(catalog: Catalog, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``catalog`` as a CSV (UTF-8 with a BOM, for Excel) or ``.xlsx`` catalogue file.

    Parameters
    ----------
    catalog : Catalog
        E.g. the built-in 2024 list (``load_catalog(2024)``), whose rows carry
        the standard tags (:data:`longjiang_forecast._core.schema.STANDARD_TAGS`).
    path : str or os.PathLike
        A new ``.csv`` or ``.xlsx`` file.
    overwrite : bool, default False
        Replace ``path`` where it exists (else refused: a user's catalogue is never replaced
        without being asked).

    Returns
    -------
    pathlib.Path
        ``path``: one row per indicator, region and year, the required columns
        first, then the optional ones; deadlines written ``YYYY-MM-DD``.
        :func:`load_catalog` reads it back to the same table.

    Raises
    ------
    ValueError
        If ``path`` is neither ``.csv`` nor ``.xlsx``.
    FileExistsError
        If ``path`` exists and ``overwrite`` is False (nothing is written).
    IsADirectoryError
        If ``path`` is a folder.
    """
    out = Path(path)
    if out.is_dir():
        raise IsADirectoryError(f"write_catalog: {out} is a folder; give a file, e.g. {out / 'catalog.csv'}.")
    if out.exists() and not overwrite:
        raise FileExistsError(
            f"write_catalog: {out} exists (nothing was written). Choose another file, or pass overwrite=True "
            "to replace it."
        )
    columns = [*REQUIRED_COLUMNS, *(c for c in OPTIONAL_COLUMNS if c in catalog.table)]
    table = catalog.table[columns].copy()
    table["deadline"] = pd.DatetimeIndex(table["deadline"]).strftime("%Y-%m-%d")
    for column in ("target", "lower_bound", "upper_bound", "baseline"):
        if column in table and table[column].dtype.kind == "f":  # 300, not 300.0; 19.67 as it is
            values = [
                int(v) if np.isfinite(v) and float(v).is_integer() and abs(v) < 2**53 else v
                for v in table[column].to_numpy(float)
            ]
            table[column] = pd.Series(values, index=table.index, dtype=object)
    if out.suffix.lower() == ".csv":
        table.to_csv(out, index=False, encoding="utf-8-sig")
    elif out.suffix.lower() == ".xlsx":
        table.to_excel(out, index=False)
    else:
        raise ValueError(
            f"{out}: a catalogue is written as .csv or .xlsx; got {out.suffix or 'no suffix'!r}."
        )
    return out
