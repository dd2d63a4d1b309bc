"""Make the bulletin images of the docs: the Chinese and English pages and a Chinese fan chart.

Run from the repository root (needs a CJK font and Debian's ``chromium``)::

    apt-get update && apt-get install -y chromium fonts-wqy-microhei
    .venv/bin/python docs/make_bulletin_images.py

It forecasts the bundled 2024 list on its synthetic progress (seed 2024), as
the command line does by default, writes the bulletin in both languages to
``out/bulletin-zh/`` and ``out/bulletin-en/`` with the fan charts of four
indicators (every table in full), and screenshots each whole page with
headless Chromium in a window 1,280 px wide:

- ``docs/img/bulletin_zh.png``, ``docs/img/bulletin_en.png``: the pages;
- ``docs/img/fan_chart_zh.png``: the fan chart of 09a (home adaptation for
  the elderly) with Chinese labels.
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
import numpy as np
from PIL import Image

import longjiang_forecast as lf
from longjiang_forecast import planning, plots
from longjiang_forecast.report import write_bulletin
from longjiang_forecast.testing import synthetic_progress

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
OUT = ROOT / "out"
#: Width of the browser window of the screenshots, in CSS pixels.
WIDTH = 1280
#: Tallest page expected; the screenshot is cropped to the page's end.
MAX_HEIGHT = 16000
#: Indicators with a fan chart on the pages (the other sections show every indicator).
FANS = ["09a", "15a", "17b", "06b"]


def screenshot(chromium: str, page: Path, png: Path) -> tuple[int, int]:
    """Screenshot ``page`` at :data:`WIDTH` px and crop the blank space below it; return the size."""
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
                f"--window-size={WIDTH},{MAX_HEIGHT}",
                f"--screenshot={png}",
                page.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    image = Image.open(png).convert("RGB")
    grey = np.asarray(image.convert("L"))
    inked = np.flatnonzero((grey < 250).any(axis=1))
    bottom = min(int(inked[-1]) + 40, grey.shape[0]) if inked.size else grey.shape[0]
    image = image.crop((0, 0, image.width, bottom))
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(png, optimize=True)  # a few 100 kB
    return image.size


def main() -> int:
    """Write the three images; return 0, or 1 when a CJK font or chromium is missing."""
    if plots.find_cjk_font() is None:
        print("No CJK font: install one first (apt-get install -y fonts-wqy-microhei).", file=sys.stderr)
        return 1
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("No chromium: apt-get install -y chromium, for the page screenshots.", file=sys.stderr)
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

    for lang in ("zh", "en"):
        out = OUT / f"bulletin-{lang}"
        result = write_bulletin(forecast, out, lang=lang, planning=answers, indicators=FANS, overwrite=True)
        png = IMG / f"bulletin_{lang}.png"
        width, height = screenshot(chromium, result.html, png)
        print("wrote", png, f"({width} x {height} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
