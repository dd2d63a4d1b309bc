"""A forecast as one self-describing netCDF file, and as ArviZ InferenceData.

Layout of the file (netCDF-4 / HDF5, written with netCDF4-python and read with h5netcdf; the
groups are those of ArviZ's InferenceData, so ``arviz.from_netcdf`` reads it too)::

    /                       the summary (dims series, quantile, month) and the provenance
    /posterior_predictive   progress (chain, draw, series, month): the kept simulated paths
    /posterior              the parameter draws of the kept paths, with a draw dim (chain, draw, series)
    /constant_data          the rest of the parameter draws (per series or series and month)
    /observed_data          progress (series, month): the reports of the as-of year
    /state                  the observed state the paths started from
    /catalog                the catalogue's table (dim row; attrs year, source and the columns' dtypes)
    /regions                the catalogue's regions (dim row)

Every variable carries CF attributes (:mod:`longjiang_forecast._core.cf`); every group carries
``Conventions`` and the provenance of the run (:data:`PROVENANCE`, from the summary).
"""

from __future__ import annotations

import itertools
import json
import os
import secrets
import zlib
from collections.abc import Hashable, Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from ._core.cf import describe
from ._core.exceptions import DataValidationError
from ._core.schema import DRAW

if TYPE_CHECKING:
    from .pipeline import Forecast

#: Format tag of the files written by :meth:`Forecast.to_netcdf`.
FORMAT = "longjiang_forecast.forecast/1"
_TAG = "longjiang_forecast_format"
_CHAIN = "chain"
_ROW = "row"
_COPIED = "attributes_copied_from_root"  # dropped again by open_forecast: the round trip is lossless
#: Attributes of the summary copied to every group of a file: the conventions and the provenance.
PROVENANCE = (
    "Conventions", "library", "library_version", "created_at", "seed_entropy", "seed_spawn_key", "model",
    "model_params",
    "n_draws", "as_of", "scenario", "data_source", "data_sha256", "data_vintage", "data_vintage_basis",
    "catalog_source", "catalog_sha256",
)  # fmt: skip


def _frame_dataset(frame: pd.DataFrame, dim: str) -> xr.Dataset:
    """A DataFrame as a Dataset along ``dim`` (nullable integers as float), its dtypes in attrs."""
    data = {
        str(c): (
            dim,
            frame[c].to_numpy(dtype=float) if str(frame[c].dtype) == "Int64" else frame[c].to_numpy(),
        )
        for c in frame.columns
    }
    return xr.Dataset(data, attrs={"dtypes": json.dumps({str(k): str(v) for k, v in frame.dtypes.items()})})


def _frame_from_dataset(ds: xr.Dataset) -> pd.DataFrame:
    dtypes = json.loads(ds.attrs["dtypes"])
    return pd.DataFrame({c: ds[c].values for c in dtypes}).astype(dtypes)


def _split_draws(draws: xr.Dataset) -> tuple[xr.Dataset, xr.Dataset]:
    """Parameter draws with a draw dim (the posterior, with a chain dim added) and the rest."""
    sampled = [name for name, var in draws.data_vars.items() if DRAW in var.dims]
    posterior = draws[sampled].expand_dims({_CHAIN: [0]})
    constant = draws.drop_vars([*sampled, DRAW]) if DRAW in draws.coords else draws.drop_vars(sampled)
    return posterior, constant


def inference_groups(result: Forecast) -> dict[str, xr.Dataset]:
    """The groups of a forecast's InferenceData (see the module notes), without ArviZ."""
    units = result.state["unit"].values
    predictive = result.paths.rename("progress").expand_dims({_CHAIN: [0]}).to_dataset()
    predictive.attrs = dict(result.paths.attrs)
    posterior, constant = _split_draws(result.draws)
    observed = result.state[["observed"]].rename({"observed": "progress"})
    groups = {
        "posterior_predictive": predictive,
        "posterior": posterior,
        "constant_data": constant,
        "observed_data": observed,
    }
    groups = {name: describe(ds.copy(), units) for name, ds in groups.items()}  # copies: the forecast is kept
    groups["observed_data"]["progress"].attrs = dict(result.state["observed"].attrs)  # reports, not paths
    return groups


def to_netcdf(
    result: Forecast,
    path: str | os.PathLike[str],
    *,
    overwrite: bool = False,
    paths_dtype: Literal["float64", "float32"] = "float64",
) -> Path:
    """Write a forecast to one netCDF file (see :meth:`Forecast.to_netcdf`)."""
    if not isinstance(overwrite, bool | np.bool_):  # "no" and 1 replaced a file (a break-it pass)
        raise ValueError(
            f"The 'overwrite' parameter of Forecast.to_netcdf must be True or False. Got "
            f"{type(overwrite).__name__} {overwrite!r} instead."
        )
    if path is None or not isinstance(path, str | os.PathLike):
        raise ValueError(
            f"Forecast.to_netcdf needs a file name ending in .nc, e.g. 'forecast.nc'. Got "
            f"{type(path).__name__} {path!r} instead."
        )
    path = Path(path)
    if paths_dtype not in ("float64", "float32"):
        raise ValueError(
            f"The 'paths_dtype' parameter of Forecast.to_netcdf must be 'float64' or 'float32'. "
            f"Got {paths_dtype!r} instead."
        )
    if path.suffix.lower() not in (".nc", ".nc4", ".netcdf", ".h5", ".hdf5"):
        raise ValueError(
            f"Forecast.to_netcdf: {path} does not end in .nc: a netCDF file written under another name "
            f"(.csv, .xlsx) would not open where its name says. Name it e.g. {path.with_suffix('.nc')} "
            "(the table is Forecast.table().to_csv(...))."
        )
    if path.is_dir():
        raise IsADirectoryError(
            f"Forecast.to_netcdf: {path} is a folder; give a file name, e.g. {path / 'forecast.nc'}."
        )
    if (path.exists() or path.is_symlink()) and not overwrite:
        raise FileExistsError(
            f"Forecast.to_netcdf: {path} exists (nothing was written). Choose another file, or pass "
            "overwrite=True to replace it."
        )
    groups = inference_groups(result)
    table = result.catalog.table
    catalog = describe(_frame_dataset(table, _ROW), table["unit"].to_numpy() if "unit" in table else (), _ROW)
    catalog.attrs.update(year=int(result.catalog.year), source=str(result.catalog.source))
    regions = describe(_frame_dataset(result.catalog.regions, _ROW), (), _ROW)
    state = result.state.copy()
    provenance = {k: v for k, v in result.summary.attrs.items() if k in PROVENANCE}
    for ds in (*groups.values(), state, catalog, regions):  # each group describes itself
        copied = {k: v for k, v in provenance.items() if k not in ds.attrs}
        ds.attrs.update(copied, **{_COPIED: " ".join(copied)})
    root = result.summary.copy()
    root.attrs = {**result.summary.attrs, _TAG: FORMAT}
    path.parent.mkdir(parents=True, exist_ok=True)
    # a fresh name, created by the netCDF library itself: the file gets the usual permissions
    # (0666 less the umask), where mkstemp's 0600 would hide it from the rest of the team
    tmp = path.parent / f".{path.name}.{secrets.token_hex(8)}.tmp"
    try:
        named = [*groups.items(), ("state", state), ("catalog", catalog), ("regions", regions)]
        _write_file(
            tmp,
            root,
            [
                (name, ds, {"progress": np.dtype(paths_dtype)} if name == "posterior_predictive" else {})
                for name, ds in named
            ],
        )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


#: Every float variable is stored losslessly with HDF5's byte shuffle then deflate at level 1:
#: smaller and twice as fast as deflate level 4 alone (the default job's 4,000 kept paths: 40 MB in
#: 0.9 s against 46 MB in 2.0 s).
_DEFLATE_LEVEL = 1
_COMPRESS = {"zlib": True, "complevel": _DEFLATE_LEVEL, "shuffle": True}

#: Float variables of at least this many bytes (the kept paths, the parameter draws) are written
#: chunk by chunk, each chunk shuffled and deflated in a thread (:func:`_write_deflated`): HDF5
#: runs its filters in the calling thread only, one chunk after another.
_THREADED_BYTES = 1 << 22

#: Threads that deflate the chunks of the large variables (at most the CPUs).
_DEFLATE_THREADS = 8

#: Large variables are stored in chunks of whole months and draws for this many series, with at
#: most about :data:`_CHUNK_VALUES` values a chunk. The default job's 4,000 paths of 377 series:
#: written in 0.6 s and read back in 0.2 s, against 0.9 s and 0.55 s in the library's default
#: chunks of (1, 250, 24, 2); 23 MB against 18 MB.
_CHUNK_SERIES = 16
_CHUNK_VALUES = 1 << 20


def _chunk_shape(paths: xr.DataArray) -> tuple[int, ...]:
    """HDF5 chunk shape of a large variable (any dims; draw and series cut, the others whole)."""
    size = {str(dim): n for dim, n in paths.sizes.items()}
    whole = int(np.prod([n for dim, n in size.items() if dim not in ("chain", "draw", "series")]))
    per_draw = max(1, min(size.get("series", 1), _CHUNK_SERIES) * whole)
    wanted = {"chain": 1, "draw": max(1, _CHUNK_VALUES // per_draw), "series": _CHUNK_SERIES}
    return tuple(max(1, min(n, wanted.get(dim, n))) for dim, n in size.items())


def _write_file(
    path: Path, root: xr.Dataset, groups: list[tuple[str, xr.Dataset, Mapping[str, np.dtype]]]
) -> None:
    """Write ``root`` and each ``(name, dataset, stored dtypes)`` group to a new file, opened once.

    The small variables are written by xarray, every float one with :data:`_COMPRESS`; the large
    float variables are declared in the same session and their chunks written afterwards by
    :func:`_write_deflated`. One open of the file instead of one per group (each open of an HDF5
    file reads every object already in it: the default job's 8 groups took 0.73 s to write
    through h5netcdf, of which the opens were most), through netCDF4-python, the netCDF C
    library, which declares and writes the default job's 128 small variables in 0.25 s where
    h5netcdf took 0.5 s. ``dtypes`` gives the stored dtype of the variables not stored in their
    own.
    """
    from xarray.backends.netCDF4_ import NETCDF4_PYTHON_LOCK, NetCDF4DataStore

    large: list[tuple[str, xr.Dataset, dict[str, np.dtype]]] = []
    # the netCDF library's own lock only: xarray's default adds a per-file write lock for Dask's
    # schedulers, whose look-up imports dask.distributed (0.2 s of the default job); this file is
    # written by this process alone.
    store = NetCDF4DataStore.open(path, mode="w", format="NETCDF4", lock=NETCDF4_PYTHON_LOCK)
    try:
        root.dump_to_store(store)
        for group, ds, dtypes in groups:
            stored = {str(v): dtypes.get(str(v), var.dtype) for v, var in ds.data_vars.items()}
            floats = [v for v, var in ds.data_vars.items() if var.dtype.kind == "f"]
            big = {
                str(v): stored[str(v)]
                for v in floats
                if ds[v].size * stored[str(v)].itemsize >= _THREADED_BYTES
            }
            encoding: dict[Hashable, dict[str, Any]] = {
                v: dict(_COMPRESS) for v in floats if str(v) not in big
            }
            for v, dtype in dtypes.items():
                if v in encoding:
                    encoding[v]["dtype"] = dtype
            child = store.get_child_store(group)
            ds.drop_vars(list(big)).dump_to_store(child, encoding=encoding)
            if big:
                _declare_deflated(ds, child.ds, big)
                large.append((group, ds, big))
    finally:
        store.close()
    if large:
        _write_deflated(path, large)


def _has_dimension(group: Any, dim: str) -> bool:
    """Whether a netCDF4 group sees the dimension (its own or an enclosing group's, as netCDF-4 does)."""
    while group is not None:
        if dim in group.dimensions:
            return True
        group = group.parent
    return False


def _declare_deflated(ds: xr.Dataset, target: Any, dtypes: Mapping[str, np.dtype]) -> None:
    """Declare the large float variables of ``ds`` in the netCDF4 group ``target``, without values.

    Each variable gets its netCDF dimensions, ``_FillValue`` NaN, its attributes and the
    ``coordinates`` attribute xarray would write (the non-dimension coordinates on its dims), with
    HDF5's shuffle and deflate filters and the chunks of :func:`_chunk_shape`; the values follow
    by :func:`_write_deflated`.
    """
    for dim, n in ds.sizes.items():
        if not _has_dimension(target, str(dim)):
            target.createDimension(str(dim), n)
    written: set[str] = set()
    for name, dtype in dtypes.items():
        var = ds[name]
        attrs = dict(var.attrs)
        if "coordinates" in var.encoding:  # as xarray: the encoding's list first (cf.describe sets it)
            attrs["coordinates"] = var.encoding["coordinates"]
        elif "coordinates" not in attrs:
            on = [str(c) for c, co in ds.coords.items() if set(co.dims) <= set(var.dims)]
            attrs["coordinates"] = " ".join(sorted(set(on) - set(map(str, ds.dims))))
        if not attrs["coordinates"]:
            del attrs["coordinates"]
        made = target.createVariable(
            name, dtype, tuple(map(str, var.dims)), zlib=True, complevel=_DEFLATE_LEVEL, shuffle=True,
            chunksizes=_chunk_shape(var), fill_value=dtype.type(np.nan),
        )  # fmt: skip
        made.setncatts(attrs)
        written.update(str(attrs.get("coordinates", "")).split())
    # xarray listed in the group's own "coordinates" the coordinates no variable it wrote named
    listed = str(target.getncattr("coordinates")) if "coordinates" in target.ncattrs() else ""
    rest = sorted(set(listed.split()) - written)
    if rest:
        target.setncattr("coordinates", " ".join(rest))
    elif listed:
        target.delncattr("coordinates")


def _write_deflated(path: Path, large: list[tuple[str, xr.Dataset, dict[str, np.dtype]]]) -> None:
    """Write the values of the declared large variables (group, dataset, stored dtypes), deflated in threads.

    Each chunk is cast to the stored dtype, padded to the full chunk at the edges (as HDF5 stores
    edge chunks), byte-shuffled and deflated by ``zlib`` (which releases the GIL) in a thread
    pool, and stored as it is with h5py's ``write_direct_chunk``. Any netCDF-4 reader decodes the
    file with its standard filters (HDF5's shuffle, then deflate = ``zlib`` format), exactly as if
    HDF5 had compressed it.
    """
    import h5py

    threads = min(os.cpu_count() or 1, _DEFLATE_THREADS)
    with h5py.File(path, "a") as f, ThreadPoolExecutor(max_workers=threads) as pool:
        for group, ds, dtypes in large:
            for name, dtype in dtypes.items():
                values, shape = ds[name].values, _chunk_shape(ds[name])
                starts = list(itertools.product(*map(range, [0] * len(shape), values.shape, shape)))
                deflated = pool.map(lambda start: _deflate_chunk(values, start, shape, dtype), starts)  # noqa: B023
                dataset = f[f"{group}/{name}"]
                for start, data in zip(starts, deflated, strict=True):  # in order, as each is done
                    dataset.id.write_direct_chunk(start, data)


def _deflate_chunk(
    values: np.ndarray, start: tuple[int, ...], shape: tuple[int, ...], dtype: np.dtype
) -> bytes:
    """The HDF5 chunk of ``values`` at ``start`` as stored: cast, padded with NaN, byte-shuffled, deflated."""
    block = values[tuple(slice(s, s + c) for s, c in zip(start, shape, strict=True))]
    chunk = np.full(shape, np.nan, dtype)
    chunk[tuple(slice(0, n) for n in block.shape)] = block
    return zlib.compress(chunk.view(np.uint8).reshape(-1, chunk.itemsize).T.tobytes(), _DEFLATE_LEVEL)


#: Variables of the root summary without which a forecast file cannot be read back.
_SUMMARY_NEEDED = ("p_met", "deadline_value", "status")
_REWRITE = (
    "Open the file written by Forecast.to_netcdf (or `longjiang-forecast forecast --out DIR`), or read "
    "this one with xarray.open_dataset / arviz.from_netcdf."
)


def read_forecast(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The parts of a forecast file, as keyword arguments of ``Forecast`` (see :func:`open_forecast`).

    Raises
    ------
    FileNotFoundError, IsADirectoryError, DataValidationError
        As :func:`~longjiang_forecast.open_forecast`.
    """
    from .catalog import Catalog

    if not isinstance(path, str | os.PathLike):
        raise TypeError(
            f"open_forecast takes the path of a forecast file (.nc), got {type(path).__name__}: e.g. "
            "lf.open_forecast('out/forecast.nc')."
        )
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"Forecast file {path} is a folder; give the forecast file in it, e.g. {path / 'forecast.nc'}."
        )
    if not path.is_file():
        raise FileNotFoundError(f"Forecast file not found: {path} does not exist.")
    decode: dict[str, Any] = {"engine": "h5netcdf", "decode_times": xr.coders.CFDatetimeCoder(time_unit="us")}

    def group(name: str | None) -> xr.Dataset:
        try:
            with xr.open_dataset(path, group=name, **decode) as ds:
                out = ds.load()
        except OSError as err:  # a group another tool left out (the root alone saved by xarray)
            if name is None:
                raise
            raise DataValidationError(
                f"{path}: the group {name!r} of a forecast file is missing ({err}); the file was "
                f"re-saved by another tool without it. {_REWRITE}"
            ) from None
        for var in out.variables.values():
            var.encoding = {}
        for key in [_COPIED, *out.attrs.get(_COPIED, "").split()]:
            out.attrs.pop(key, None)
        return out

    try:
        summary = group(None)
    except (OSError, ValueError) as err:
        raise DataValidationError(
            f"{path} is not a forecast written by Forecast.to_netcdf: it cannot be read as netCDF ({err})."
        ) from err
    tag = summary.attrs.pop(_TAG, None)
    if tag != FORMAT:
        raise DataValidationError(
            f"{path} is not a forecast written by Forecast.to_netcdf (format {FORMAT!r}): its "
            f"{_TAG!r} attribute is {tag!r}. Write the forecast with Forecast.to_netcdf (or "
            "`longjiang-forecast forecast --out DIR`), or open other files with xarray.open_dataset."
        )
    lost = [v for v in _SUMMARY_NEEDED if v not in summary.data_vars]
    if lost:  # a file re-saved by ArviZ keeps the tag but not the root's summary
        raise DataValidationError(
            f"{path}: the forecast's summary lacks {lost} (its root group holds "
            f"{sorted(map(str, summary.data_vars))[:6] or 'nothing'}); the file was re-saved by another "
            f"tool without it. {_REWRITE}"
        )
    predictive = group("posterior_predictive")
    paths = predictive["progress"].isel({_CHAIN: 0}, drop=True).astype("float64").rename("value")
    paths.attrs = dict(predictive.attrs)
    posterior = group("posterior")
    posterior = posterior.isel({_CHAIN: 0}, drop=True) if _CHAIN in posterior.dims else posterior
    draws = xr.merge(
        [group("constant_data"), posterior],
        compat="no_conflicts",
        join="outer",
        combine_attrs="drop_conflicts",
    )
    draws.attrs = dict(posterior.attrs)
    state = group("state")
    table = group("catalog")
    catalog = Catalog(
        year=int(table.attrs["year"]),
        table=_frame_from_dataset(table),
        regions=_frame_from_dataset(group("regions")),
        source=str(table.attrs["source"]),
    )
    return {"summary": summary, "paths": paths, "draws": draws, "state": state, "catalog": catalog}


def _check_made_by(result: Forecast, model: Any) -> None:
    """Refuse a model whose latest fit is not the one that made ``result`` (another as-of month or data).

    ``lf.forecast`` fits the model it is given; the same instance fitted again for another month
    keeps only that fit's posterior, which would be joined to this forecast without a word. The
    fit's state (``state_``) must have this forecast's as-of month, and each of its series this
    forecast's reports (the forecast may add province totals of its own).
    """
    fitted = getattr(model, "state_", None)
    if fitted is None:
        return
    mine = result.state
    same = str(fitted.attrs.get("as_of")) == str(mine.attrs.get("as_of"))
    if same and "observed" in fitted and "observed" in mine:  # the forecast adds province totals
        row = {
            key: i for i, key in enumerate(zip(mine["indicator"].values, mine["region"].values, strict=True))
        }
        keys = list(zip(fitted["indicator"].values, fitted["region"].values, strict=True))
        at = [row.get(key) for key in keys]
        same = None not in at and np.array_equal(
            fitted["observed"].values, mine["observed"].values[np.asarray(at, dtype=int)], equal_nan=True
        )
    if not same:
        raise ValueError(
            f"Forecast.to_inference_data(model=...): the {type(model).__name__} was last fitted as of "
            f"{fitted.attrs.get('as_of')} on {fitted.sizes.get('series')} series, not to the data of this "
            f"forecast (as of {mine.attrs.get('as_of')}, {mine.sizes.get('series')} series): its posterior "
            "would be joined to a forecast it did not make. Join it right after the forecast it made, "
            "or give each forecast a model instance of its own."
        )


def to_inference_data(result: Forecast, model: Any = None) -> Any:
    """The forecast as ArviZ InferenceData (see :meth:`Forecast.to_inference_data`)."""
    try:
        import arviz as az
    except ImportError as err:
        raise ImportError(
            "Forecast.to_inference_data needs ArviZ: pip install 'longjiang_forecast[bayes]' (arviz)."
        ) from err
    groups = inference_groups(result)
    if model is not None:
        fits = getattr(model, "idata_", None)
        if not isinstance(fits, dict):
            raise ValueError(
                f"Forecast.to_inference_data(model=...): {type(model).__name__} keeps no posterior of its "
                "own (no 'idata_'); only models sampled with PyMC (HierarchicalModel) have one. Call "
                "to_inference_data() without model."
            )
        _check_made_by(result, model)
        for fit, idata in fits.items():
            for name in idata.groups():
                groups[f"model_{fit}_{name}"] = idata[name]
    # the model_* groups are ours, not ArviZ's schema: no warning for them (ArviZ's default, said
    # here so that `groups` cannot be read as that flag's value)
    return az.InferenceData(attrs=dict(result.summary.attrs), warn_on_custom_groups=False, **groups)
