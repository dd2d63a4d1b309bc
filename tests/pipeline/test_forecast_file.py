"""Self-describing outputs (issue 19): CF attributes, provenance, the netCDF round trip, ArviZ."""

import re
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast._core.cf import RATE_UNITS, VALUE_UNITS, rate_unit, udunits
from longjiang_forecast.testing import synthetic_progress

PROVENANCE = (
    "library_version", "created_at", "seed_entropy", "model", "model_params", "n_draws", "as_of",
    "scenario", "data_source", "data_sha256", "catalog_source", "catalog_sha256", "data_vintage",
)  # fmt: skip


@pytest.fixture(scope="module")
def result(catalog):
    small = catalog.subset(["09a", "13a", "16b", "17b"])
    return lf.forecast(synthetic_progress(small, seed=3), small, n_draws=60, seed=11)


@pytest.fixture(scope="module")
def saved(result, tmp_path_factory):
    return result.to_netcdf(tmp_path_factory.mktemp("f") / "forecast.nc")


GROUPS = (None, "posterior_predictive", "posterior", "constant_data", "observed_data", "state", "catalog",
          "regions")  # fmt: skip
LABELS = {"year", "item"}  # numbers that label (a year, an item of the list), not quantities
TIME_UNITS = re.compile(r"^(days|hours|minutes|seconds|milliseconds|microseconds) since \d{4}-\d{2}-\d{2}")


def _has_units(name, var):
    """Dimensional variables need units (CF 3.1); strings, flags and labels have none, and dates get
    theirs when written (files are opened here with decode_times=False)."""
    return var.dtype.kind not in "OUSbM" and name not in LABELS


def _unit_coordinate(var):
    """The per-series unit coordinate a variable names in its 'coordinates' (None if none)."""
    named = (var.encoding.get("coordinates") or "").split()
    found = [c for c in named if c in (VALUE_UNITS, RATE_UNITS)]
    assert len(found) <= 1, named
    return found[0] if found else None


def check_units(ds, units_along, where):
    """Every units attribute is a unit (no sentence); each element's unit reads back from its coordinate.

    ``units_along`` is the catalogue unit of each element of the dim the units vary along.
    Returns the names of the variables whose unit varies along it.
    """
    catalogue = set(units_along) | set(lf.load_catalog(2024).table["unit"])
    readable = {"1", "month", *map(udunits, catalogue), *map(rate_unit, catalogue)} - {""}
    per_element = {
        VALUE_UNITS: [udunits(u) for u in units_along],
        RATE_UNITS: [rate_unit(u) for u in units_along],
    }
    varying = set()
    for name, var in ds.variables.items():
        assert var.attrs.get("long_name"), (where, name)
        units = var.attrs.get("units")
        if units is not None:
            assert units in readable or TIME_UNITS.match(units), (where, name, units)  # never a sentence
        coord = _unit_coordinate(var)
        if coord is None:
            assert units is not None or not _has_units(name, var), (where, name)
            continue
        expected = per_element[coord]
        assert ds[coord].values.tolist() == expected, (where, name)  # each element's unit, read back
        if units is None:
            assert len(set(expected)) > 1, (where, name)  # no units: only where they differ
            varying.add(name)
        else:
            assert set(expected) == {units}, (where, name)
    return varying


def test_every_variable_in_memory_has_a_long_name_and_units(result):
    units = result.state["unit"].values
    for obj in (result.summary, result.paths.to_dataset(), result.state, result.draws):
        check_units(obj, units, "memory")
    assert result.summary["p_met"].attrs["units"] == "1"
    assert "units" not in result.paths.attrs  # households, km, percent, ug m-3: no one unit
    assert result.paths.encoding["coordinates"] == "indicator region value_units"
    provinces = [("09a", "province"), ("13a", "province"), ("16b", "province"), ("17b", "province")]

    def of_province(obj, name):
        labels = zip(obj["indicator"].values, obj["region"].values, strict=True)
        by_label = dict(zip(labels, obj[name].values, strict=True))
        return [by_label[key] for key in provinces]

    assert of_province(result.paths, VALUE_UNITS) == ["households (户)", "km", "percent", "ug m-3"]
    assert of_province(result.summary, RATE_UNITS) == [
        "households (户) per month", "km month-1", "percent month-1", "ug m-3 month-1"
    ]  # fmt: skip
    assert result.summary.attrs["Conventions"] == result.paths.attrs["Conventions"] == "CF-1.11"


def test_every_variable_of_a_saved_forecast_has_units_and_a_long_name(result, saved):
    series_units, rows = result.state["unit"].values, result.catalog.table["unit"].values
    varying = {}
    for group in GROUPS:
        with xr.open_dataset(saved, group=group, decode_times=False) as ds:
            along = rows if group in ("catalog", "regions") else series_units
            varying[group] = check_units(ds, along, group)
            assert ds.attrs["Conventions"] == "CF-1.11", group
            for key in PROVENANCE:
                assert str(ds.attrs.get(key, "")) != "", (group, key)
            assert ds.attrs["catalog_sha256"] == result.summary.attrs["catalog_sha256"]
    assert {"observed", "deadline_value", "target", "required_rate", "run_rate"} <= varying[None]
    assert varying["posterior_predictive"] == varying["observed_data"] == {"progress"}
    assert {"target", "lower_bound", "upper_bound", "baseline"} <= varying["catalog"]
    with xr.open_dataset(saved, decode_times=False, decode_coords=False) as ds:  # the attributes as stored
        assert ds["month"].attrs["units"].startswith(("days since", "hours since", "microseconds since"))
        assert ds["deadline_value"].attrs["coordinates"] == "indicator region value_units"
        assert ds["required_rate"].attrs["coordinates"] == "indicator region rate_units"
        assert ds["p_met"].attrs["coordinates"] == "indicator region"  # no unit coordinate: its unit is 1
        assert "units" not in ds["deadline_value"].attrs


def test_units_of_a_forecast_in_one_unit(catalog):
    km = catalog.subset(["13a", "19b"])
    result = lf.forecast(synthetic_progress(km, seed=1), km, n_draws=40, seed=1)
    assert result.paths.attrs["units"] == result.summary["deadline_value"].attrs["units"] == "km"
    assert result.summary["required_rate"].attrs["units"] == "km month-1"
    assert [udunits(u) for u in ("% of villages", "μg/m³", "10k m² (万平方米)", "households (户)")] == [
        "percent", "ug m-3", "1e4 m2", "households (户)"
    ]  # fmt: skip


def test_round_trip_is_lossless(result, saved):
    back = lf.open_forecast(saved)
    xr.testing.assert_identical(back.summary, result.summary)
    xr.testing.assert_identical(back.paths, result.paths)
    xr.testing.assert_identical(back.draws, result.draws)
    xr.testing.assert_identical(back.state, result.state)
    pd.testing.assert_frame_equal(back.catalog.table, result.catalog.table, check_exact=True)
    pd.testing.assert_frame_equal(back.catalog.regions, result.catalog.regions, check_exact=True)
    assert (back.catalog.year, back.catalog.source) == (result.catalog.year, result.catalog.source)
    assert back.table().equals(result.table())  # bit for bit, NaN where NaN


@pytest.mark.parametrize("paths_dtype", ["float64", "float32"])
def test_chunks_deflated_in_threads_make_the_file_hdf5_would(result, tmp_path, monkeypatch, paths_dtype):
    """Every float variable through the threaded writer (threshold 0): the same file, read by h5py."""
    import h5py

    from longjiang_forecast import _forecast_io

    files = {}
    for threshold in (0, 1 << 62):  # every float variable by _write_deflated; none
        monkeypatch.setattr(_forecast_io, "_THREADED_BYTES", threshold)
        monkeypatch.setattr(_forecast_io, "_CHUNK_SERIES", 3)  # edge chunks (4 series: 3 + 1) padded
        monkeypatch.setattr(_forecast_io, "_CHUNK_VALUES", 3 * 12 * 7)  # 7 draws a chunk: 60 = 8 x 7 + 4
        files[threshold] = result.to_netcdf(tmp_path / f"{threshold}.nc", paths_dtype=paths_dtype)
    threaded, plain = (h5py.File(files[t], "r") for t in (0, 1 << 62))
    skip = {"DIMENSION_LIST", "REFERENCE_LIST", "_Netcdf4Coordinates", "_Netcdf4Dimid", "created_at"}

    def attrs(obj):
        return {k: str(v) for k, v in obj.attrs.items() if k not in skip}

    seen = []

    def same(name, obj):
        other = threaded[name]
        assert attrs(other) == attrs(obj), name  # _FillValue, coordinates, units, provenance
        if isinstance(obj, h5py.Dataset):
            assert other.dtype == obj.dtype and other.shape == obj.shape, name
            np.testing.assert_array_equal(other[()], obj[()], err_msg=name)  # decoded by HDF5's filters
            filters = (other.compression, other.compression_opts, other.shuffle)
            assert filters == (obj.compression, obj.compression_opts, obj.shuffle), name
            if filters == ("gzip", 1, True):  # a float data variable (coordinates are stored plain)
                seen.append(name)

    plain.visititems(same)
    assert attrs(threaded["/"]) == attrs(plain["/"])
    assert {"posterior_predictive/progress", "posterior/annual_total"} <= set(seen)
    assert threaded["posterior_predictive/progress"].dtype == np.dtype(paths_dtype)
    assert threaded["posterior_predictive/progress"].chunks == (1, 7, 3, 12)
    assert sorted(threaded) == sorted(plain)
    back = lf.open_forecast(files[0])
    xr.testing.assert_identical(back.draws, result.draws)
    if paths_dtype == "float64":
        xr.testing.assert_identical(back.paths, result.paths)


def test_float32_paths_keep_seven_digits(result, tmp_path):
    back = lf.open_forecast(result.to_netcdf(tmp_path / "f.nc", paths_dtype="float32"))
    np.testing.assert_allclose(back.paths.values, result.paths.values, rtol=1e-7)
    assert back.paths.dtype == np.float64


def test_an_existing_file_is_kept_unless_overwrite(result, tmp_path):
    path = tmp_path / "f.nc"
    path.write_text("mine")
    with pytest.raises(FileExistsError, match=r"f\.nc exists \(nothing was written\).*overwrite=True"):
        result.to_netcdf(path)
    # overwrite="no" and overwrite=1 replaced the file (a break-it pass); no name at all is refused too
    for odd in ("no", 1):
        with pytest.raises(
            ValueError, match=r"'overwrite' parameter of Forecast\.to_netcdf must be True or False"
        ):
            result.to_netcdf(path, overwrite=odd)
    with pytest.raises(ValueError, match=r"needs a file name ending in \.nc"):
        result.to_netcdf(None)
    assert path.read_text() == "mine"
    result.to_netcdf(path, overwrite=True)
    assert lf.open_forecast(path).summary.sizes == result.summary.sizes
    assert [p.name for p in tmp_path.iterdir()] == ["f.nc"]  # no temporary file left
    # a netCDF file under a table's name was written without a word (a second break-it pass)
    with pytest.raises(ValueError, match=r"x\.csv does not end in \.nc.*Name it e\.g\. .*x\.nc"):
        result.to_netcdf(tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_a_written_file_has_the_usual_permissions(result, tmp_path):
    """0666 less the umask, as any file the user writes (not the 0600 of a temporary file)."""
    import os
    import stat

    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    saved = result.to_netcdf(tmp_path / "forecast.nc")
    assert stat.S_IMODE(saved.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert sorted(os.listdir(tmp_path)) == ["forecast.nc", "plain.txt"]  # no temporary file left


def test_open_forecast_refuses_other_files(tmp_path):
    other = tmp_path / "other.nc"
    xr.Dataset({"x": ("t", [1.0])}).to_netcdf(other, engine="h5netcdf")
    with pytest.raises(
        lf.DataValidationError, match=r"other\.nc is not a forecast written by Forecast\.to_netcdf"
    ):
        lf.open_forecast(other)
    text = tmp_path / "text.nc"
    text.write_text("not netCDF")
    with pytest.raises(lf.DataValidationError, match=r"cannot be read as netCDF"):
        lf.open_forecast(text)
    with pytest.raises(FileNotFoundError, match=r"Forecast file not found"):
        lf.open_forecast(tmp_path / "missing.nc")


def test_provenance_of_data_without_a_file_and_its_vintage(result, catalog):
    sha = result.summary.attrs["data_sha256"]
    assert len(sha) == 64 and result.paths.attrs["data_sha256"] == sha
    assert result.summary.attrs["data_vintage"] == "2024-08"  # synthetic: the last month reported
    assert result.summary.attrs["data_vintage_basis"] == "latest month reported"
    frame = pd.DataFrame(
        {"indicator": ["09a", "09a"], "region": ["province", "province"], "month": ["2024-02", "2024-03"],
         "value": [1000.0, 2500.0], "reported_on": ["2024-03-05", "2024-04-07"]}
    )  # fmt: skip
    dated = lf.forecast(frame, catalog.subset("09a"), n_draws=40, seed=1)
    assert dated.summary.attrs["data_vintage"] == "2024-04-07"
    assert dated.summary.attrs["data_vintage_basis"] == "latest reported_on"


def test_to_inference_data_puts_paths_in_the_posterior_predictive(result):
    az = pytest.importorskip("arviz")
    idata = result.to_inference_data()
    pp = idata.posterior_predictive["progress"]
    assert pp.dims == ("chain", "draw", "series", "month") and pp.sizes["draw"] == 60
    np.testing.assert_array_equal(pp.values[0], result.paths.values)
    assert set(idata.posterior.data_vars) == {
        n for n, v in result.draws.data_vars.items() if "draw" in v.dims
    }
    assert idata.posterior.sizes["chain"] == 1
    np.testing.assert_array_equal(idata.observed_data["progress"].values, result.state["observed"].values)
    hdi = az.hdi(idata.posterior_predictive, hdi_prob=0.8)["progress"]
    assert hdi.dims == ("series", "month", "hdi")
    assert bool((hdi.sel(hdi="lower") <= hdi.sel(hdi="higher")).all())


def test_to_inference_data_joins_the_model_posterior(result):
    az = pytest.importorskip("arviz")

    from types import SimpleNamespace

    fit = az.from_dict(
        posterior={"mu": np.zeros((2, 50))}, sample_stats={"diverging": np.zeros((2, 50), bool)}
    )
    sampled = SimpleNamespace(
        idata_={"counts": fit}
    )  # a fitted model's idata_, as HierarchicalModel keeps it

    idata = result.to_inference_data(model=sampled)
    assert (
        idata.model_counts_posterior["mu"].dims == ("chain", "draw")
        and idata.model_counts_posterior.sizes["chain"] == 2
    )
    assert "model_counts_sample_stats" in idata.groups() and "posterior_predictive" in idata.groups()
    with pytest.raises(ValueError, match=r"SeasonalShareModel keeps no posterior of its own"):
        result.to_inference_data(model=lf.SeasonalShareModel())


def test_to_inference_data_refuses_a_model_fitted_again_since(catalog):
    """lf.forecast fits the instance it is given: fitted again for another month, it keeps only that
    fit's posterior, which was joined to the first forecast without a word."""
    pytest.importorskip("arviz")
    small = catalog.subset(["09a", "13a"])
    model = lf.models.RunRateModel()
    may = lf.forecast(
        synthetic_progress(small, seed=2, as_of="2024-05"), small, model=model, n_draws=30, seed=1
    )
    model.idata_ = {}  # as a sampled model keeps its posterior (HierarchicalModel)
    assert "posterior_predictive" in may.to_inference_data(model=model).groups()
    august = lf.forecast(synthetic_progress(small, seed=2), small, model=model, n_draws=30, seed=1)
    said = r"RunRateModel was last fitted as of 2024-08 on \d+ series, not to the data of this forecast"

    with pytest.raises(ValueError, match=said + r" \(as of 2024-05"):
        may.to_inference_data(model=model)
    assert "posterior_predictive" in august.to_inference_data(model=model).groups()
    lf.forecast(synthetic_progress(small, seed=3), small, model=model, n_draws=30, seed=1)  # other reports
    with pytest.raises(ValueError, match=r"last fitted as of 2024-08 .* \(as of 2024-08"):
        august.to_inference_data(model=model)


def test_saved_forecast_opens_with_arviz(saved, result):
    az = pytest.importorskip("arviz")
    idata = az.from_netcdf(saved)
    assert {"posterior", "posterior_predictive", "observed_data", "constant_data"} <= set(idata.groups())
    np.testing.assert_array_equal(idata.posterior_predictive["progress"].values[0], result.paths.values)


def test_to_inference_data_without_arviz_says_what_to_install(result, monkeypatch):
    monkeypatch.setitem(sys.modules, "arviz", None)
    with pytest.raises(ImportError, match=r"needs ArviZ: pip install 'longjiang_forecast\[bayes\]'"):
        result.to_inference_data()


@pytest.mark.slow
def test_docs_example_runs_and_prints_the_units(tmp_path):
    import subprocess
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "docs" / "examples" / "dataframe_to_netcdf.py"
    out = subprocess.run(
        [sys.executable, str(script), str(tmp_path)], capture_output=True, text=True, timeout=300
    )
    assert out.returncode == 0, out.stderr
    assert "Conventions: CF-1.11" in out.stdout
    assert "p_met                  units='1'" in out.stdout
    assert "deadline_value         units=per series: value_units" in out.stdout
    assert "required_rate          units=per series: rate_units" in out.stdout
    units = out.stdout.split("The unit of each series with a forecast:\n")[1].splitlines()[1:3]
    assert [line.split()[2:] for line in units] == [
        ["households", "(户)", "households", "(户)", "per", "month"], ["km", "km", "month-1"]
    ]  # fmt: skip
    assert "paths: dims ('chain', 'draw', 'series', 'month'), units per series: value_units" in out.stdout
    assert (tmp_path / "forecast.nc").is_file()


@pytest.mark.parametrize("model", ["run_rate", "milestone"])
def test_round_trip_of_other_models_draws(model, catalog, tmp_path):
    small = catalog.subset(["09a", "12a"])  # a count and a milestone
    from longjiang_forecast.models import MODEL_REGISTRY

    progress = synthetic_progress(small, seed=2)
    result = lf.forecast(progress, small, model=MODEL_REGISTRY[model](), n_draws=30, seed=1)
    back = lf.open_forecast(result.to_netcdf(tmp_path / "f.nc"))
    xr.testing.assert_identical(back.draws, result.draws)
    assert back.table().equals(result.table())


@pytest.mark.slow
def test_to_inference_data_joins_a_fitted_hierarchical_model(catalog):
    """A real PyMC fit (small: 2 chains of 100 draws, as the model contract test uses)."""
    az = pytest.importorskip("arviz")
    pytest.importorskip("pymc")
    import warnings

    small = catalog.subset(["09a", "13a"])
    model = lf.models.HierarchicalModel(draws=100, tune=150, chains=2, min_ess=0, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a short chain may warn about convergence
        result = lf.forecast(synthetic_progress(small, seed=3), small, model=model, n_draws=80, seed=5)
    idata = result.to_inference_data(model=model)

    pp = idata.posterior_predictive["progress"]
    assert pp.dims == ("chain", "draw", "series", "month") and pp.sizes == {
        "chain": 1, "draw": 80, "series": result.paths.sizes["series"], "month": 12
    }  # fmt: skip
    np.testing.assert_array_equal(pp.values[0], result.paths.values)
    assert set(model.idata_) == {"counts"}
    joined = idata["model_counts_posterior"]
    assert joined.sizes["chain"] == 2 and joined.sizes["draw"] == 100
    assert {"alpha", "tau_year", "z_year", "season"} <= set(joined.data_vars)
    xr.testing.assert_identical(joined, model.idata_["counts"].posterior)
    assert "model_counts_sample_stats" in idata.groups()
    np.testing.assert_array_equal(idata.observed_data["progress"].values, result.state["observed"].values)
    hdi = az.hdi(idata.posterior_predictive, hdi_prob=0.8)["progress"]
    assert hdi.dims == ("series", "month", "hdi")
    observed = result.state["observed"].values
    seen = np.isfinite(observed)
    lower, upper = hdi.sel(hdi="lower").values, hdi.sel(hdi="higher").values
    np.testing.assert_allclose(lower[seen], observed[seen])  # reported months are fixed on every path
    np.testing.assert_allclose(upper[seen], observed[seen])
    assert np.all(lower[~seen] < upper[~seen])  # the months to come are uncertain
    summary = az.summary(idata, group="model_counts_posterior", var_names=["alpha"], kind="stats")
    assert list(summary.index) == [f"alpha[{i}]" for i in range(joined["alpha"].shape[-1])]


def test_backtest_writes_a_described_file_and_the_corp_diagram(tmp_path, capsys):
    """The command line's backtest.nc describes itself like a forecast file; the PNG is beside it."""
    import matplotlib.image

    from longjiang_forecast.cli import main

    argv = ["backtest", "--progress", "families", "--model", "run_rate", "--as-of", "6", "--years", "2022",
            "--draws", "100", "--no-progress", "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 0
    captured = capsys.readouterr()
    png = tmp_path / "backtest_reliability.png"
    assert (  # wrapped to the width between words, the path whole
        f"The CORP reliability diagram of each data set and model, with its consistency band: {png}"
        in " ".join(captured.out.split())
    )
    assert (
        f"Wrote {tmp_path / 'backtest_scores.csv'}, {tmp_path / 'backtest.nc'} and {png} in " in captured.err
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    pixels = matplotlib.image.imread(png)
    assert pixels.shape[0] > 300 and pixels.shape[1] > 300 and pixels.std() > 0.05  # a drawing, not a blank
    with xr.open_dataset(tmp_path / "backtest.nc", decode_times=False) as ds:
        varying = check_units(ds, ds["unit"].values, "backtest.nc")
        assert {"outcome_value", "deadline_value", "target", "crps", "lower", "upper"} <= varying
        assert set(ds["unit"].values) == {"households", "km", "places"}
        assert ds["p_met"].attrs["units"] == ds["crps_rel"].attrs["units"] == "1"
        assert ds["first_passage_error"].attrs["units"] == "month"
        assert ds.attrs["Conventions"] == "CF-1.11"
        for key in ("library_version", "created_at", "seed_entropy", "model", "model_params", "n_draws",
                    "data_source", "data_sha256", "catalog_sha256", "data_vintage"):  # fmt: skip
            assert str(ds.attrs.get(key, "")) != "", key


def test_kept_paths_are_chunked_by_whole_months_and_draws_within_the_size_cap():
    """Chunks of the kept paths: inside the data, whole months and draws, about 2**20 values at most."""
    from longjiang_forecast._forecast_io import _CHUNK_VALUES, _chunk_shape

    def chunks(chain: int, draw: int, series: int, month: int) -> tuple[int, ...]:
        shape = {"chain": chain, "draw": draw, "series": series, "month": month}
        values = np.broadcast_to(np.float32(0), tuple(shape.values()))  # a view: no memory
        return _chunk_shape(xr.DataArray(values, dims=tuple(shape)))

    assert chunks(1, 4000, 377, 12) == (1, 4000, 16, 12)  # the default job: every draw of 16 series
    big = chunks(1, 1_000_000, 585, 12)  # a million kept draws: the draws are split
    assert big[0] == 1 and big[2:] == (16, 12) and big[1] * 16 * 12 <= _CHUNK_VALUES
    assert chunks(1, 3, 2, 12) == (1, 3, 2, 12)  # never larger than the data
    # the parameter draws (chain, draw, series): every kept draw of 16 series
    draws = xr.DataArray(np.broadcast_to(0.0, (1, 4000, 377)), dims=("chain", "draw", "series"))
    assert _chunk_shape(draws) == (1, 4000, 16)


def test_kept_paths_beyond_one_chunk_of_draws_keep_their_parameter_draws(catalog, tmp_path):
    """More kept paths than a chunk of parameter draws (4,096): every kept path keeps its draw."""
    from longjiang_forecast.pipeline import DRAW_CHUNK

    small = catalog.subset(["09a", "08b"])
    progress = synthetic_progress(small, seed=3)
    kept = lf.forecast(progress, small, n_draws=DRAW_CHUNK + 1000, seed=11, keep_paths=DRAW_CHUNK + 500)
    one = lf.forecast(progress, small, n_draws=DRAW_CHUNK + 1000, seed=11, keep_paths=DRAW_CHUNK)
    assert kept.draws.sizes["draw"] == kept.paths.sizes["draw"] == DRAW_CHUNK + 500
    np.testing.assert_array_equal(kept.draws["draw"].values, kept.paths["draw"].values)
    head = kept.draws.isel(draw=slice(0, DRAW_CHUNK))
    head.attrs["created_at"] = one.draws.attrs["created_at"]  # the two runs may differ by a second
    xr.testing.assert_identical(head, one.draws)  # the first chunk as before, then the second's first draws
    tail = kept.draws["annual_total"].values[DRAW_CHUNK:]
    assert np.isfinite(tail).any() and not np.array_equal(tail, kept.draws["annual_total"].values[:500])
    back = lf.open_forecast(kept.to_netcdf(tmp_path / "kept.nc"))
    assert back.draws.sizes["draw"] == back.paths.sizes["draw"] == DRAW_CHUNK + 500


def test_the_file_keeps_the_parameter_draws_of_the_kept_paths(catalog, tmp_path):
    """posterior and posterior_predictive share their draws (ArviZ pairs them by chain and draw)."""
    small = catalog.subset(["09a", "17b"])
    full = lf.forecast(synthetic_progress(small, seed=3), small, n_draws=200, seed=11)
    kept = lf.forecast(synthetic_progress(small, seed=3), small, n_draws=200, seed=11, keep_paths=50)
    assert full.draws.sizes["draw"] == full.paths.sizes["draw"] == 200
    assert kept.draws.sizes["draw"] == kept.paths.sizes["draw"] == 50
    # the first 50 draws of the run, and the same summaries: they use every draw (the two runs
    # may be stamped in different seconds: created_at aside)
    first = full.draws.isel(draw=slice(0, 50))
    first.attrs["created_at"] = kept.draws.attrs["created_at"]
    xr.testing.assert_identical(kept.draws, first)
    np.testing.assert_array_equal(kept.summary["p_met"].values, full.summary["p_met"].values)
    back = lf.open_forecast(kept.to_netcdf(tmp_path / "kept.nc"))
    assert back.draws.sizes["draw"] == 50
