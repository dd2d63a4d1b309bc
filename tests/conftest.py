"""Shared fixtures: the built-in catalogue and seeded synthetic progress."""

from pathlib import Path

import pytest

import longjiang_forecast as lf
from longjiang_forecast.testing import synthetic_progress

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def catalog():
    return lf.load_catalog(2024)


@pytest.fixture(scope="session")
def progress(catalog):
    return synthetic_progress(catalog, seed=7)
