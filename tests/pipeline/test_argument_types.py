"""A scenario script's common mistakes with lf.forecast and lf.compare_scenarios: a clear TypeError.

A path or a year where a Catalog goes, the two arguments swapped, and one scenario file where a
list goes (read as a list of one, not character by character).
"""

import pytest

import longjiang_forecast as lf
from longjiang_forecast.testing import synthetic_progress

CATALOG = lf.load_catalog(2024)
PROGRESS = synthetic_progress(CATALOG)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((PROGRESS, "catalog.csv"), r"catalog must be a Catalog, got str 'catalog.csv': load it first"),
        ((PROGRESS, 2024), r"catalog must be a Catalog, got int 2024: load it first, e\.g\. catalog = "),
        ((CATALOG, PROGRESS), r"progress and catalog are swapped: the progress data comes first"),
        ((3, CATALOG), r"progress must be a progress Dataset \(lf\.read_progress\), a DataFrame or a file"),
    ],
)
@pytest.mark.parametrize("call", ["forecast", "compare_scenarios"])
def test_wrong_argument_types_say_what_to_pass(call, args, message):
    extra = ([],) if call == "compare_scenarios" else ()
    with pytest.raises(TypeError, match=message):
        getattr(lf, call)(*args, *extra, n_draws=200)


def test_one_scenario_file_is_a_list_of_one():
    from pathlib import Path

    stress = Path(__file__).resolve().parents[2] / "scenarios" / "stress.toml"
    one = lf.compare_scenarios(PROGRESS, CATALOG, str(stress), n_draws=200, seed=1)
    listed = lf.compare_scenarios(PROGRESS, CATALOG, [stress], n_draws=200, seed=1)
    assert list(one.table()["scenario"].unique()) == ["baseline", "stress"]
    assert one.table().equals(listed.table())


def test_a_model_by_name_or_class_and_wrong_bands_or_paths_say_what_to_pass():
    """lf.forecast(model='ets') failed with "'str' object has no attribute 'fit'", a model class with a
    missing positional argument, bands=(0.9, 0.1) and read_progress([...]) with library errors (a second
    break-it pass): names and classes work as on the command line; the rest say what to pass."""
    small = CATALOG.subset(["09a"])
    data = PROGRESS.sel(indicator=["09a"])
    by_name = lf.forecast(data, small, model="run_rate", n_draws=200, seed=1)
    by_class = lf.forecast(data, small, model=lf.models.RunRateModel, n_draws=200, seed=1)
    assert by_name.summary.attrs["model"] == by_class.summary.attrs["model"] == "RunRateModel"
    assert by_name.table()["p_met"].equals(by_class.table()["p_met"])
    with pytest.raises(ValueError, match=r"Unknown model 'nope'\. Known models: \["):
        lf.forecast(data, small, model="nope", n_draws=200)
    with pytest.raises(
        TypeError, match=r"'bands' parameter must map each status name to the lowest P\(met\)"
    ):
        lf.forecast(data, small, bands=(0.9, 0.1), n_draws=200)
    with pytest.raises(
        TypeError, match=r"read_progress reads a progress file \(a path: \.csv or \.xlsx\) or a "
    ):
        lf.read_progress([1, 2, 3], small)


def test_more_draws_than_any_run_needs_are_refused_at_once():
    """lf.forecast(n_draws=10**9) ran on past 13 minutes and 1 GB without a word (a break-it pass):
    above MAX_DRAWS (10^8, as on the command line) it is refused before any work."""
    from longjiang_forecast._core.limits import MAX_DRAWS

    small = CATALOG.subset(["09a"])
    with pytest.raises(
        ValueError, match=r"'n_draws' parameter of forecast must be an int in the range \[1, 1e\+08\]"
    ):
        lf.forecast(PROGRESS.sel(indicator=["09a"]), small, n_draws=MAX_DRAWS + 1)
