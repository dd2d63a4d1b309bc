"""Attributes that make every output describe itself."""

from __future__ import annotations

import datetime as _dt
import hashlib
from importlib import metadata
from pathlib import Path
from typing import Any


def library_version() -> str:
    """Return the installed version of longjiang_forecast ("unknown" if not installed)."""
    try:
        return metadata.version("longjiang_forecast")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "unknown"


def file_sha256(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def catalog_sha256(catalog: Any) -> str:
    """Return the SHA-256 hex digest of a catalogue's table (its CSV text, without the index).

    Parameters
    ----------
    catalog : Catalog

    Returns
    -------
    str
        Hex digest; the same for the same targets, whatever file they were read from.
    """
    return hashlib.sha256(catalog.table.to_csv(index=False).encode()).hexdigest()


def make_attrs(**extra: Any) -> dict[str, Any]:
    """Return the provenance attributes stored on every Dataset the library returns.

    Parameters
    ----------
    **extra
        Further attributes (model name and parameters, seed entropy, data hash,
        scenario, ...). ``None`` values are dropped; other values are kept as given.

    Returns
    -------
    dict
        ``created_at`` (UTC, ISO 8601), ``library`` and ``library_version`` plus ``extra``.
    """
    attrs: dict[str, Any] = {
        "created_at": _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds"),
        "library": "longjiang_forecast",
        "library_version": library_version(),
    }
    attrs.update({k: v for k, v in extra.items() if v is not None})
    return attrs


def content_sha256(ds: Any, var: str = "value") -> str:
    """Return the SHA-256 hex digest of a Dataset's ``var`` and its coordinates (data with no file).

    Parameters
    ----------
    ds : xarray.Dataset
        E.g. progress made in memory (:func:`longjiang_forecast.testing.synthetic_progress`).
    var : str, default "value"
        The variable hashed (float64 bytes in C order), with the values of its dims' coordinates.

    Returns
    -------
    str
        Hex digest; the same for the same numbers and labels.
    """
    import numpy as np

    digest = hashlib.sha256(np.ascontiguousarray(ds[var].values, dtype=float).tobytes())
    for dim in ds[var].dims:
        digest.update(repr(ds[dim].values.tolist()).encode())
    return digest.hexdigest()


def data_vintage(progress: Any) -> tuple[str, str]:
    """Return the vintage of progress data (when it was reported) and what it rests on.

    Parameters
    ----------
    progress : xarray.Dataset
        Progress as :func:`longjiang_forecast.read_progress` returns it.

    Returns
    -------
    vintage : str
        The latest ``reported_on`` date (``YYYY-MM-DD``) where the data has that column
        filled, else the latest month with a report (``YYYY-MM``); ``""`` with no report.
    basis : str
        ``"latest reported_on"``, ``"latest month reported"`` or ``""``.
    """
    import numpy as np
    import pandas as pd

    if "reported_on" in progress:
        dates = [d for d in np.asarray(progress["reported_on"].values).ravel().tolist() if d]
        if dates:
            return max(dates), "latest reported_on"
    value = progress["value"]
    reported = value.notnull().any(dim=[d for d in value.dims if d != "month"]).values
    if not reported.any():
        return "", ""
    return pd.Timestamp(progress["month"].values[reported][-1]).strftime("%Y-%m"), "latest month reported"
