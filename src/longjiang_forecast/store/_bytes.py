"""Datasets as netCDF-4 bytes (the blobs of a store) and back, exactly as written."""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Mapping
from typing import Any, Literal

import xarray as xr

from .._core.exceptions import DataValidationError

_DECODE: dict[str, Any] = {"engine": "h5netcdf", "decode_times": xr.coders.CFDatetimeCoder(time_unit="us")}


def datasets_to_bytes(groups: Mapping[str | None, xr.Dataset]) -> bytes:
    """Write Datasets as the groups of one netCDF-4 file (``None``: the root group) and return its bytes."""
    fd, name = tempfile.mkstemp(suffix=".nc")
    os.close(fd)
    try:
        if None not in groups:
            xr.Dataset().to_netcdf(name, mode="w", engine="h5netcdf")
        for i, (group, ds) in enumerate(sorted(groups.items(), key=lambda kv: kv[0] is not None)):
            mode: Literal["w", "a"] = "w" if i == 0 and group is None else "a"
            ds.to_netcdf(name, mode=mode, group=group, engine="h5netcdf")
        with open(name, "rb") as fh:
            return fh.read()
    finally:
        os.remove(name)


def dataset_from_bytes(
    data: bytes, group: str | None = None, *, what: str = "an archived dataset"
) -> xr.Dataset:
    """One group of netCDF bytes (see :func:`datasets_to_bytes`) as a Dataset in memory.

    Times are decoded at the microsecond resolution the library uses (as
    :func:`~longjiang_forecast.open_forecast`), and the variables carry no encoding, so
    that two Datasets read so compare value for value. ``what`` names the record in the
    DataValidationError raised where the bytes cannot be read (a store damaged on disk, where
    the netCDF library's own error named neither the store nor the record).
    """
    try:
        with xr.open_dataset(io.BytesIO(data), group=group, **_DECODE) as ds:
            out = ds.load()
    except Exception as err:  # h5py, h5netcdf, xarray or a decoder: all mean the bytes are damaged
        raise DataValidationError(
            f"{what} in the report store is damaged and cannot be read ({type(err).__name__}: "
            f"{str(err)[:100]}). Restore the store from a backup (nothing was changed)."
        ) from None
    for var in out.variables.values():
        var.encoding = {}
    return out
