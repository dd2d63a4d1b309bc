"""DataFrames in (issue 19): read_progress, load_catalog and forecast take a long DataFrame as a file.

The same rows give the same result as the file, and the same bad rows the same errors, each
naming the DataFrame's index label where a file's message names the spreadsheet row.
"""

import re
from importlib import resources

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast.progress import write_progress

# five problems: an unknown indicator, a bad month, a duplicate, a cumulative series that falls, 万 scale
BAD_ROWS = [
    ("09a", "province", "2024-03", "4100"),
    ("99", "province", "2024-03", "5"),
    ("09a", "哈尔滨", "2024-13", "1300"),
    ("09a", "province", "2024-03", "4200"),
    ("09a", "province", "2024-05", "3900"),
    ("09a", "harbin", "2024-04", "9e9"),
]


def _as_frame_message(message, source, offset=2):
    """A file's message as the DataFrame's: spreadsheet row N is index N - offset, the file is 'DataFrame'."""
    message = re.sub(r"\brow (\d+)", lambda m: f"index {int(m[1]) - offset}", message)
    return message.replace(source, "DataFrame").replace("the progress file", "the progress DataFrame")


@pytest.fixture(scope="module")
def small(progress):
    """A part of the synthetic progress (8 indicators, 2 regions), so that the tests stay quick."""
    return progress.isel(indicator=slice(0, 8)).sel(region=["province", "harbin"])


def _same_content(a, b):
    xr.testing.assert_identical(a.drop_attrs(), b.drop_attrs())


def test_read_progress_of_a_frame_equals_the_file(tmp_path, catalog, small):
    path = write_progress(small, tmp_path / "progress.csv")
    from_file = lf.read_progress(path, catalog)
    text = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    _same_content(lf.read_progress(text, catalog), from_file)
    typed = pd.read_csv(path, encoding="utf-8-sig")  # numbers as floats, as a user's frame holds them
    typed["month"] = pd.to_datetime(typed["month"])  # and months as Timestamps
    ds = lf.read_progress(typed, catalog)
    _same_content(ds, from_file)
    assert ds.attrs["source"] == "DataFrame" and len(ds.attrs["sha256"]) == 64
    assert lf.read_progress(typed.copy(), catalog).attrs["sha256"] == ds.attrs["sha256"]
    typed.loc[0, "value"] += 1
    assert lf.read_progress(typed, catalog).attrs["sha256"] != ds.attrs["sha256"]


def test_read_progress_of_a_frame_reports_the_same_problems_naming_the_index(tmp_path, catalog):
    frame = pd.DataFrame(BAD_ROWS, columns=["indicator", "region", "month", "value"])
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    with pytest.raises(lf.DataValidationError) as from_file:
        lf.read_progress(path, catalog)
    with pytest.raises(lf.DataValidationError) as from_frame:
        lf.read_progress(frame, catalog)
    file_message, frame_message = str(from_file.value), str(from_frame.value)
    assert file_message.startswith(f"{path}: 5 problems in the progress file:")
    assert frame_message == _as_frame_message(file_message, str(path))
    assert "  - field 'indicator' has value '99' in 1 row (index 1), which is not in the" in frame_message
    assert "repeat index 0 (both rows are '09a', 'province', 2024-03)" in frame_message


def test_read_progress_of_a_frame_names_string_index_labels_and_columns(catalog):
    frame = pd.DataFrame(BAD_ROWS[:2], columns=["indicator", "region", "month", "value"], index=["a", "b"])
    with pytest.raises(
        lf.DataValidationError, match=r"  - field 'indicator' has value '99' in 1 row \(index 'b'\)"
    ):
        lf.read_progress(frame, catalog)
    with pytest.raises(
        lf.DataValidationError,
        match=r"DataFrame: missing required column\(s\) \['value'\] in the DataFrame's columns\.",
    ):
        lf.read_progress(frame.drop(columns="value"), catalog)


def test_forecast_of_a_frame_equals_the_forecast_of_the_file(tmp_path, catalog, small):
    path = write_progress(small, tmp_path / "progress.csv")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    kwargs = {"n_draws": 200, "seed": 5}
    from_file = lf.forecast(lf.read_progress(path, catalog), catalog, **kwargs)
    from_frame = lf.forecast(frame, catalog, **kwargs)
    from_path = lf.forecast(path, catalog, **kwargs)
    pd.testing.assert_frame_equal(from_frame.table(), from_file.table())
    np.testing.assert_array_equal(from_path.paths.values, from_file.paths.values)
    assert from_frame.summary.attrs["data_source"] == "DataFrame"


def test_forecast_of_a_bad_frame_raises_the_read_progress_error(catalog):
    frame = pd.DataFrame(BAD_ROWS[:2], columns=["indicator", "region", "month", "value"])
    with pytest.raises(lf.DataValidationError, match=r"DataFrame: 1 problem in the progress DataFrame:"):
        lf.forecast(frame, catalog)


def _package_catalog():
    return resources.files("longjiang_forecast.catalog").joinpath("data", "catalog_2024.csv")


def test_load_catalog_of_a_frame_equals_the_file():
    with _package_catalog().open("r", encoding="utf-8-sig") as fh:
        text = pd.read_csv(fh, dtype=str, keep_default_na=False)
    with _package_catalog().open("r", encoding="utf-8-sig") as fh:
        typed = pd.read_csv(fh)
    expected = lf.load_catalog(2024)
    for frame in (text, typed):
        got = lf.load_catalog(frame)
        pd.testing.assert_frame_equal(got.table, expected.table)
        assert (got.year, got.source) == (2024, "DataFrame")


def test_load_catalog_of_a_frame_reports_the_same_problems_naming_the_index(tmp_path):
    lines = [
        "indicator,kind,unit,target,comparator,deadline,region",
        "t1,cumulative,households,1.5万,>=,2024-10-31,province",
        "t2,level,%,,>=,2024-10-31,province",
        "t3,cumul,km,5,>,2024-13-01,mars",
    ]
    path = tmp_path / "cat.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    with pytest.raises(lf.DataValidationError) as from_file:
        lf.load_catalog(path)
    with pytest.raises(lf.DataValidationError) as from_frame:
        lf.load_catalog(frame)
    file_message = str(from_file.value)
    assert "row 2, indicator 't1', field 'target'" in file_message
    expected = re.sub(r"\brow (\d+)", lambda m: f"index {int(m[1]) - 2}", file_message).replace(
        str(path), "DataFrame"
    )
    assert str(from_frame.value) == expected
    with pytest.raises(
        lf.DataValidationError, match=r"DataFrame, columns, field 'comparator': missing required"
    ):
        lf.load_catalog(frame.drop(columns="comparator"))


def test_compare_scenarios_takes_a_frame(tmp_path, catalog, small):
    path = write_progress(small, tmp_path / "progress.csv")
    frame = pd.read_csv(path, encoding="utf-8-sig")
    kwargs = {"n_draws": 100, "seed": 3}
    from_frame = lf.compare_scenarios(frame, catalog, [], **kwargs).forecasts["baseline"]
    from_file = lf.compare_scenarios(lf.read_progress(path, catalog), catalog, [], **kwargs).forecasts[
        "baseline"
    ]
    np.testing.assert_array_equal(from_frame.paths.values, from_file.paths.values)
