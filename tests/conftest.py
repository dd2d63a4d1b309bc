"""Shared fixtures: the built-in catalogue, seeded synthetic progress, and headless Chromium."""

import os
import shutil
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


#: Debian/Ubuntu line that installs what the browser tests need (also in the failure message).
CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium fonts-wqy-microhei"


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of a Chromium binary (bulletin page, explorer); on CI a missing one fails, elsewhere skips."""
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        path = shutil.which(name)
        if path:
            return path
    message = f"Headless Chromium is needed by the browser tests. Install it with: {CHROMIUM_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)
