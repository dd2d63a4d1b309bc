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
