"""Make the bulletin images of the docs: docs/img/bulletin.png and docs/img/fan_chart_zh.png.

Run from the repository root (needs a CJK font and Debian's ``chromium``)::

    apt-get update && apt-get install -y chromium fonts-wqy-microhei
    .venv/bin/python docs/make_bulletin_images.py

It forecasts the bundled 2024 list on its synthetic progress (seed 2024), as
the command line does by default, writes the bulletin to ``out/bulletin/``,
screenshots the top of the page with headless Chromium and draws the fan
chart of 09a (home adaptation for the elderly) with Chinese labels.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import longjiang_forecast as lf
from longjiang_forecast import planning, plots
from longjiang_forecast.report import write_bulletin
from longjiang_forecast.testing import synthetic_progress

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
OUT = ROOT / "out" / "bulletin"


def main() -> int:
    """Write the two images; return 0, or 1 when a CJK font or chromium is missing."""
    if plots.find_cjk_font() is None:
        print("No CJK font: install one first (apt-get install -y fonts-wqy-microhei).", file=sys.stderr)
        return 1
    IMG.mkdir(parents=True, exist_ok=True)
    catalog = lf.load_catalog(2024)
    progress = synthetic_progress(catalog)
    forecast = lf.forecast(progress, catalog, n_draws=2000, seed=2024)
    answers = planning.plan(forecast, progress)

    ax = plots.fan_chart(forecast, "09a", lang="zh")
    ax.figure.set_size_inches(7.2, 3.8)
    ax.figure.savefig(IMG / "fan_chart_zh.png", dpi=110)
    plt.close(ax.figure)
    print("wrote", IMG / "fan_chart_zh.png")

    result = write_bulletin(forecast, OUT, lang="zh", planning=answers)
    print("wrote", result.html)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("No chromium: apt-get install -y chromium, for the page screenshot.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                "--window-size=1280,1500",
                f"--screenshot={IMG / 'bulletin.png'}",
                result.html.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    print("wrote", IMG / "bulletin.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
