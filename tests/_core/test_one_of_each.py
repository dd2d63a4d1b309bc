"""One of each helper (issue 18): one month parser, one problem collector, one region lookup, one
constraint checker; their callers keep their own messages."""

import argparse

import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast._core import checks, months, problems, regions
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.metrics import _scores


def test_the_month_argument_is_read_by_the_one_parser():
    assert months.parse_month_arg("2024-08") == months.parse_month_arg(pd.Timestamp("2024-08-31"))
    with pytest.raises(DataValidationError, match=r"The 'as_of' parameter must be a month written YYYY-MM"):
        months.parse_month_arg("2024-8")  # as_of= and backtest --as-of want two digits
    with pytest.raises(DataValidationError, match="has month number 13; the month must be 01-12"):
        months.parse_month_arg("2024-13", name="--as-of")
    with pytest.raises(DataValidationError, match=r"The '--as-of' parameter must be a month written YYYY-MM"):
        months.parse_month_arg("August", name="--as-of")
    assert months.parse_month("0000-01") == (None, "YYYY-MM")  # no traceback for a year pandas cannot hold


def test_cli_and_progress_read_months_as_before():
    from longjiang_forecast.cli import _month
    from longjiang_forecast.progress._reader import _parse_as_of

    assert _month("2024年8月") == "2024-08"
    with pytest.raises(argparse.ArgumentTypeError, match="month number 13"):
        _month("2024-13")
    assert _parse_as_of("2024-08", "read_progress") == pd.Timestamp("2024-08-01")
    for bad in ("1899-12", "2024年8月", "2024-13"):
        with pytest.raises(ValueError, match="The 'as_of' parameter of read_progress must be a 'YYYY-MM'"):
            _parse_as_of(bad, "read_progress")


def test_problems_are_listed_counted_and_hinted_once():
    collector = problems.Problems("f.csv: {n} problem{s} in the file:")
    for k in range(problems.MAX_LISTED + 3):
        collector.add(f"row {k}: bad", hint="Fix the rows.")
    with pytest.raises(DataValidationError) as err:
        collector.raise_if_any()
    lines = str(err.value).splitlines()
    assert lines[0] == f"f.csv: {problems.MAX_LISTED + 3} problems in the file:"
    assert lines[-2:] == ["  ... and 3 more", "Fix the rows."]
    one = problems.Problems("heading {n}", one_line=True)
    one.add("the only problem")
    with pytest.raises(DataValidationError, match=r"^the only problem$"):
        one.raise_if_any()


def test_catalogue_and_progress_share_the_region_lookup():
    catalog = lf.load_catalog(2024)
    lookup = regions.region_lookup(catalog.regions)
    harbin = catalog.regions.iloc[0]
    assert lookup[str(harbin["name_zh"])] == lookup[str(harbin["name_en"]).lower()] == harbin["region"]
    assert all(lookup[a.lower()] == "province" for a in regions.PROVINCE_ALIASES)


@pytest.mark.parametrize("bad", [0, -1, 2.0, True, "3", None])
def test_whole_numbers_are_checked_by_one_function(bad):
    assert not checks.is_count(bad)
    with pytest.raises(ValueError, match=r"The 'n' parameter of f must be an int in the range \[1, inf\)\."):
        checks.check_count("f", "n", bad)
    with pytest.raises(ValueError, match=r"The 'n_bins' parameter of pit_histogram must be an int"):
        _scores.pit_histogram([0.5], n_bins=bad)
