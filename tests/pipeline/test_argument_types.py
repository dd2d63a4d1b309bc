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
