"""What the Python API is given: Datasets checked as files, arguments named, files kept (a break-it pass)."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast import DataValidationError
from longjiang_forecast.planning._common import unresolved_probability

CAT = lf.load_catalog(2024)
PROG = lf.testing.synthetic_progress(CAT, seed=1)
AUG = {"indicator": "01a", "region": "harbin", "month": "2024-08-01"}


def _with(value):
    bad = PROG.copy(deep=True)
    bad["value"].loc[AUG] = value
    return bad


@pytest.mark.parametrize(
    ("value", "why"),
    [
        (-100.0, "the value -100 is negative"),  # was forecast: observed -100, P(met) 0.43
        (np.inf, "the value inf is infinite"),  # was dropped: July's report taken as the latest
    ],
)
def test_a_bad_value_in_a_dataset_is_refused_naming_it(value, why):
    with pytest.raises(DataValidationError, match=rf"indicator '01a', region 'harbin', month 2024-08: {why}"):
        lf.forecast(_with(value), CAT, as_of="2024-08", n_draws=100, seed=1)


@pytest.mark.parametrize(
    ("broken", "message"),
    [
        (lambda p: xr.concat([p, p.sel(region=["harbin"])], "region"), r"region \['harbin'\] listed more"),
        (lambda p: xr.concat([p, p.isel(indicator=[0])], "indicator"), r"indicator \['01a'\] listed more"),
        (lambda p: p.rename(value="val"), r"no variable 'value'.*\['val'\]"),
        (lambda p: p.assign(value=p["value"].astype(str)), "'value' holds <U32 values, not numbers"),
        (lambda p: p.assign_coords(month=[str(m)[:7] for m in p["month"].values]), "month holds <U7 values"),
        (
            lambda p: p.assign_coords(month=pd.DatetimeIndex(p["month"].values) + pd.offsets.MonthEnd(0)),
            r"month \['2021-01-31'.* is not the first day of a month",
        ),
        (lambda p: p.assign_coords(region=["nowhere", *p["region"].values[1:]]), r"nowhere.\] are not"),
    ],
)  # fmt: skip
def test_a_dataset_of_another_form_is_refused_with_the_fix(broken, message):
    with pytest.raises(DataValidationError, match=message) as info:
        lf.forecast(broken(PROG), CAT, as_of="2024-08", n_draws=100, seed=1)
    assert "lf.read_progress" in str(info.value) or "catalogue" in str(info.value)


def test_the_order_of_a_datasets_coordinates_does_not_change_the_forecast():
    """70 of 387 P(met) moved (by up to 0.016) when the regions came in another order."""
    keys = ["indicator", "region"]
    plain = lf.forecast(PROG, CAT, as_of="2024-08", n_draws=500, seed=1).table().set_index(keys)
    shuffled = PROG.isel(
        region=np.random.default_rng(0).permutation(PROG.sizes["region"]),
        indicator=np.random.default_rng(1).permutation(PROG.sizes["indicator"]),
    ).sortby("month", ascending=False)
    other = lf.forecast(shuffled, CAT, as_of="2024-08", n_draws=500, seed=1).table().set_index(keys)
    pd.testing.assert_frame_equal(other.loc[plain.index], plain)


def test_a_spawned_seed_is_stored_whole_and_repeats_the_run(tmp_path):
    child = np.random.SeedSequence(5).spawn(2)[1]
    first = lf.forecast(PROG, CAT, as_of="2024-08", n_draws=200, seed=child)
    attrs = lf.open_forecast(first.to_netcdf(tmp_path / "f.nc")).summary.attrs
    assert (attrs["seed_entropy"], attrs["seed_spawn_key"]) == ("5", "1")
    again = np.random.SeedSequence(int(attrs["seed_entropy"]), spawn_key=(int(attrs["seed_spawn_key"]),))
    repeat = lf.forecast(PROG, CAT, as_of="2024-08", n_draws=200, seed=again)
    pd.testing.assert_frame_equal(repeat.table(), first.table())
    assert "seed_spawn_key" not in lf.forecast(PROG, CAT, as_of="2024-08", n_draws=50, seed=5).summary.attrs


def test_too_few_kept_paths_for_any_probability_say_so():
    """With 3 kept paths the message gave the range [1.667, -0.6667]."""
    text = unresolved_probability([0.8], 3, "a pace met with probability")
    assert "3 kept paths cannot show any probability" in text and "[" not in text
    assert "must lie in [0.00125, 0.9988]" in unresolved_probability([0.999], 4000, "x")


def test_a_forecast_file_that_lost_a_part_or_a_folder_is_named(tmp_path):
    """open_forecast read a file re-saved without its parts, then .table() raised a KeyError."""
    path = lf.forecast(PROG, CAT, as_of="2024-08", n_draws=50, seed=1).to_netcdf(tmp_path / "f.nc")
    with xr.open_dataset(path) as root:
        root.load().to_netcdf(tmp_path / "root.nc")  # the summary alone, as plain xarray saves it
    with pytest.raises(
        DataValidationError, match="the group 'posterior_predictive' of a forecast file is missing"
    ):
        lf.open_forecast(tmp_path / "root.nc")
    with pytest.raises(
        IsADirectoryError, match=r"is a folder; give the forecast file in it, e\.g\. .*forecast\.nc"
    ):
        lf.open_forecast(tmp_path)
    folder = tmp_path / "p.csv"
    folder.mkdir()
    with pytest.raises(IsADirectoryError, match=r"p\.csv is a folder"):
        lf.read_progress(folder, CAT)


def test_next_year_targets_take_the_progress_as_forecast_takes_it():
    """A DataFrame, which lf.forecast accepts, raised a TypeError from pandas' transpose."""
    from longjiang_forecast import planning

    frame = PROG["value"].to_dataframe().reset_index().dropna(subset=["value"])
    frame = frame[["indicator", "region", "month", "value"]]
    result = lf.forecast(frame, CAT, as_of="2024-08", n_draws=200, seed=1)
    from_frame = planning.next_year_targets(result, frame)
    from_dataset = planning.next_year_targets(result, lf.read_progress(frame, CAT))
    xr.testing.assert_equal(from_frame, from_dataset)


def test_write_catalog_keeps_a_file_it_was_not_asked_to_replace(tmp_path):
    mine = tmp_path / "c.csv"
    mine.write_text("mine")
    with pytest.raises(FileExistsError, match=r"c\.csv exists \(nothing was written\).*overwrite=True"):
        lf.catalog.write_catalog(CAT, mine)
    assert mine.read_text() == "mine"
    lf.catalog.write_catalog(CAT, mine, overwrite=True)
    assert len(lf.load_catalog(mine).table) == len(CAT.table)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: lf.read_progress(PROG.to_dataframe(), "2024"), "read_progress: catalog must be a Catalog"),
        (lambda: lf.testing.synthetic_progress("2024"), "synthetic_progress: catalog must be a Catalog"),
        (lambda: lf.testing.synthetic_progress(CAT, as_of="2024-13"), "as_of '2024-13' is not a month"),
        (lambda: lf.open_forecast(None), r"takes the path of a forecast file \(\.nc\), got NoneType"),
        (lambda: lf.forecast(PROG, CAT, scenario={"name": "x"}), "scenario must be a Scenario or the path"),
        (lambda: lf.forecast(PROG, CAT, quantiles=0.1), "'quantiles' parameter of forecast .* Got 0.1"),
        (lambda: lf.forecast(PROG, CAT, quantiles=(1.5,)), r"strictly between 0 and 1.*Got \(1.5,\)"),
        (lambda: lf.compare_scenarios(PROG, CAT, None), "scenarios must be Scenarios or scenario files"),
        (lambda: lf.planning.plan("f.nc"), r"plan takes a Forecast, got str 'f\.nc'.*lf\.open_forecast"),
        (lambda: lf.planning.portfolio(PROG), "portfolio takes a Forecast, got Dataset"),
    ],
)  # fmt: skip
def test_an_argument_of_the_wrong_kind_is_named_with_what_to_pass(call, message):
    """Each gave an error from pandas, pathlib or Python itself (AttributeError, DateParseError, ...)."""
    with pytest.raises((TypeError, ValueError, DataValidationError), match=message):
        call()
