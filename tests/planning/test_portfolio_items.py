"""portfolio's ``items``: a typo or a value that is no item is refused (a break-it pass)."""

from __future__ import annotations

import pytest

import longjiang_forecast as lf
from longjiang_forecast.planning import portfolio
from longjiang_forecast.testing import synthetic_progress


@pytest.fixture(scope="module")
def result():
    catalog = lf.load_catalog(2024).subset(["01a", "01b", "09a"])
    return lf.forecast(synthetic_progress(catalog, seed=3), catalog, n_draws=300, seed=1)


def test_items_naming_an_unknown_indicator_or_no_item_are_refused(result):
    """{"1a": 1} (for "01a") made every indicator an item of its own and changed every figure."""
    with pytest.raises(ValueError, match=r"names indicators the forecast does not have: \['1a'\]"):
        portfolio(result, items={"1a": 1})
    for bad in ({"01a": 1.5}, {"01a": None}, {"01a": True}, {"01a": " "}):
        with pytest.raises(ValueError, match=r"maps \{'01a': .*\} to what is not an item"):
            portfolio(result, items=bad)
    with pytest.raises(ValueError, match=r"must be a mapping of indicator id to item"):
        portfolio(result, items=["01a"])
    # whole numbers (also as 2.0) and labels are items; the ones left out form their own
    same = portfolio(result, items={"01a": 1, "01b": 1.0, "09a": "homes"})
    assert same.attrs["n_items"] == 2
    assert portfolio(result, items={"01a": 1}).attrs["n_items"] == 3
