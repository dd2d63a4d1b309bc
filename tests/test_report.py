"""The bulletin: one self-contained HTML page, checked as a person would see it in headless Chromium."""

import base64
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast import planning
from longjiang_forecast.plots import _fonts
from longjiang_forecast.report import write_bulletin
from longjiang_forecast.testing import synthetic_progress

#: Debian/Ubuntu line that installs what these tests need (also in the failure message).
CHROMIUM_INSTALL = "apt-get update && apt-get install -y chromium fonts-wqy-microhei"
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def chromium_or_skip() -> str:
    """Path of a Chromium binary; on CI a missing one fails the test, elsewhere it skips."""
    for name in ("chromium", "chromium-browser", "/usr/bin/chromium"):
        path = shutil.which(name)
        if path:
            return path
    message = f"Headless Chromium is needed to check the bulletin page. Install it with: {CHROMIUM_INSTALL}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_chromium(binary, tmp_path, *args):
    command = [
        binary,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


class PageParser(HTMLParser):
    """Collects the title, the rows of each table, the images and the text of a page."""

    def __init__(self):
        super().__init__()
        self.title, self.text, self.images, self.rows = "", [], [], {}
        self._in_title, self._table = False, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "title":
            self._in_title = True
        elif tag == "table":
            self._table = attrs.get("id", "")
            self.rows[self._table] = 0
        elif tag == "tr" and self._table is not None:
            self.rows[self._table] += 1
        elif tag == "img":
            self.images.append(attrs.get("src", ""))
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http:", "https:", "//")):
                raise AssertionError(f"external resource {attrs[key]!r}")

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        self.text.append(data)


@pytest.fixture(scope="module")
def bulletin(tmp_path_factory):
    cat = lf.load_catalog(2024).subset(["09a", "15a", "17b", "06b"])
    progress = synthetic_progress(cat, seed=3)
    forecast = lf.forecast(progress, cat, n_draws=300, seed=5)
    answers = planning.plan(forecast, progress)
    s = forecast.summary
    rows = []
    for scenario, shift in [("baseline", 0.0), ("early-winter", -0.15)]:
        for ind, reg, p in zip(s["indicator"].values, s["region"].values, s["p_met"].values, strict=True):
            q = float(np.clip(p + shift, 0, 1))
            rows.append(
                {
                    "indicator": ind,
                    "region": reg,
                    "scenario": scenario,
                    "p_met": q,
                    "delta_vs_baseline": q - p,
                }
            )
    out = tmp_path_factory.mktemp("bulletin")
    result = write_bulletin(forecast, out, lang="zh", planning=answers, comparison=pd.DataFrame(rows))
    return forecast, answers, result


def test_files_written_and_self_contained(bulletin):
    _, _, result = bulletin
    html = result.html.read_text(encoding="utf-8")
    assert result.html.name == "bulletin.html"
    expected = {
        "fan_09a",
        "fan_15a",
        "fan_17b",
        "fan_06b",
        "heatmap",
        "first_passage",
        "portfolio",
        "ranking",
    }
    assert expected | {"scenarios"} <= set(result.figures)
    for path in result.figures.values():
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    parser = PageParser()
    parser.feed(html)  # raises on any external resource
    assert all(src.startswith("data:image/png;base64,") for src in parser.images)
    assert len(parser.images) == len(result.figures)
    assert "<script" not in html and "<link" not in html


def test_first_line_states_source_as_of_model_draws_seed(bulletin):
    _, _, result = bulletin
    html = result.html.read_text(encoding="utf-8")
    body = html[html.index("<body>") :]
    first = re.search(r"<p[^>]*>(.*?)</p>", body, re.S).group(1)
    assert "synthetic example data" in first
    for fact in ("2024-08", "SeasonalShareModel", "300", "5"):
        assert fact in first
    assert body.index(first) < body.index("<h1>")


def test_english_page(bulletin, tmp_path):
    forecast, answers, _ = bulletin
    result = write_bulletin(forecast, tmp_path, lang="en", planning=answers, indicators=["09a"])
    html = result.html.read_text(encoding="utf-8")
    assert "Data source: synthetic example data" in html
    assert "1. Attainment" in html
    assert set(result.figures) >= {"fan_09a", "portfolio"} and "fan_15a" not in result.figures
    with pytest.raises(ValueError, match="The 'lang' parameter of write_bulletin"):
        write_bulletin(forecast, tmp_path, lang="fr")


def test_without_planning_the_page_says_how_to_add_it(bulletin, tmp_path):
    forecast, _, _ = bulletin
    result = write_bulletin(forecast, tmp_path, lang="en", indicators=["09a"])
    assert "planning=longjiang_forecast.planning.plan(forecast, progress)" in result.html.read_text("utf-8")


def test_page_in_headless_chromium(bulletin, tmp_path):
    chromium = chromium_or_skip()
    forecast, answers, result = bulletin
    url = result.html.resolve().as_uri()
    dom = run_chromium(chromium, tmp_path, "--dump-dom", url).stdout
    parser = PageParser()
    parser.feed(dom)
    assert parser.title.strip() == "民生实事进展月报（截至 2024-08）"
    n_province = int((forecast.table()["region"] == "province").sum())
    assert parser.rows["attainment-table"] == n_province + 1  # + the header row
    assert parser.rows["ranking-table"] == len(answers.ranking) + 1
    assert parser.rows["next-year-table"] == 4 + 1
    assert parser.rows["scenario-table"] >= 4 + 1
    assert len(parser.images) == len(result.figures)
    for src in parser.images:
        data = base64.b64decode(src.split(",", 1)[1])
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
    text = "".join(parser.text)
    for words in (
        "达标情况",
        "哈尔滨市",
        "完成特殊困难老年人家庭适老化改造",
        "进展顺利",
        "synthetic example data",
    ):
        assert words in text
    shot = tmp_path / "page.png"
    run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", url)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (1600, 1280)
    assert pixels.std() > 20  # a page with text and colour, not a blank one


def test_figures_are_chinese_with_a_font_and_english_without(bulletin, tmp_path, monkeypatch):
    forecast, _, result = bulletin
    assert result.figure_lang == ("zh" if _fonts.find_cjk_font() else "en")
    monkeypatch.setattr("longjiang_forecast.report._bulletin.find_cjk_font", lambda: None)
    monkeypatch.setattr(_fonts, "find_cjk_font", lambda: None)
    with pytest.warns(_fonts.CJKFontWarning, match="fonts-wqy-microhei"):
        fallback = write_bulletin(forecast, tmp_path, lang="zh", indicators=["09a"])
    assert fallback.figure_lang == "en"
    assert CJK.search(fallback.html.read_text("utf-8"))  # the page text stays Chinese
