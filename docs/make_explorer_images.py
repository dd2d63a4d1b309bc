"""Make the explorer's images of the docs and time its scenario re-run in the page (issue 20).

Run from the repository root (needs Dash, Playwright and Debian's ``chromium``)::

    .venv/bin/python docs/make_explorer_images.py

It starts ``longjiang-forecast serve`` on a free port (the bundled 2024 list on its synthetic
progress, 4,000 draws, seed 2024, ``--lang zh``), opens each page in headless Chromium in a
window 1,280 px wide and screenshots it into ``docs/img/explorer-*.png``: the attainment table,
the target 09a, the scenario page with a delay, an early winter and a capacity cap on, and the
planning page at 80 %. On the scenario page it then changes the delay's probability five times
and times each re-run as a person sees it: from pressing Enter to the table's update (the
server's own time is in the page's status line). Ends with one JSON line of the timings.
"""

from __future__ import annotations

import json
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
IMG = ROOT / "docs" / "img"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _run_number(page) -> int:
    expect(page.locator("#scenario-status")).to_have_text(re.compile(r"^第 \d+ 次"))
    return int(re.match(r"第 (\d+) 次", page.locator("#scenario-status").inner_text())[1])


def main() -> None:
    """Start the explorer, screenshot its pages, time the re-runs in the page."""
    port, folder = _free_port(), Path(tempfile.mkdtemp())
    command = [sys.executable, "-m", "longjiang_forecast", "serve", "--port", str(port), "--lang", "zh",
               "--draws", "4000", "--seed", "2024", "--out", "saved"]  # fmt: skip
    server = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=folder
    )
    try:
        for line in server.stdout:  # wait for the start-up (the fit)
            print(line, end="")
            if "http://" in line:
                break
        time.sleep(1)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.set_default_timeout(120_000)
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.locator("#attainment-table td").first).to_be_visible()
            page.screenshot(path=IMG / "explorer-table.png", full_page=True)
            page.goto(f"http://127.0.0.1:{port}/target?id=09a")
            expect(page.locator("#first-passage-chart")).to_be_visible()
            page.screenshot(path=IMG / "explorer-target.png", full_page=True)
            page.goto(f"http://127.0.0.1:{port}/planning")
            expect(page.locator("#planning-table td").first).to_be_visible()
            page.screenshot(path=IMG / "explorer-planning.png", full_page=True)

            page.goto(f"http://127.0.0.1:{port}/scenario")
            expect(page.locator("#scenario-status")).to_have_text("未启用任何效应：即基准情景。")
            page.locator("#delay-on input").check()
            for effect in ("stoppage", "cap"):
                run = _run_number(page)
                page.locator(f"#{effect}-on input").check()
                expect(page.locator("#scenario-status")).to_contain_text(f"第 {run + 1} 次")
            seen = []
            for probability in ("0.6", "0.7", "0.8", "0.9", "1"):
                run = _run_number(page)
                page.locator("#delay-probability").fill(probability)
                started = time.perf_counter()
                page.locator("#delay-probability").press("Enter")
                expect(page.locator("#scenario-status")).to_contain_text(f"第 {run + 1} 次")
                seen.append(time.perf_counter() - started)
                server_s = float(
                    re.search(r"用时 ([\d.]+) 秒", page.locator("#scenario-status").inner_text())[1]
                )
                print(
                    f"probability {probability}: {seen[-1]:.2f} s in the page, {server_s:.2f} s on the server"
                )
            page.screenshot(path=IMG / "explorer-scenario.png", full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {"page_rerun_s": [round(s, 2) for s in seen], "median_s": round(statistics.median(seen), 2)}
        )
    )


if __name__ == "__main__":
    main()
