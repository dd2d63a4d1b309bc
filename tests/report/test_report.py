"""The bulletin: one self-contained HTML page, checked as a person would see it in headless Chromium."""

import base64
import re
import subprocess
from html import unescape
from html.parser import HTMLParser

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from helpers import table_rows
from longjiang_forecast import planning
from longjiang_forecast.plots import _fonts
from longjiang_forecast.report import write_bulletin
from longjiang_forecast.testing import synthetic_progress

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


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


class BodyText(HTMLParser):
    """The prose a reader sees: character data and image alt texts, without styles, scripts and code."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("style", "script", "code"):
            self._skip += 1
        elif tag == "img":
            self.parts.append(dict(attrs).get("alt", ""))

    def handle_endtag(self, tag):
        if tag in ("style", "script", "code"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


#: A Latin word: two letters or more (single letters are symbols such as the t of SPI(t)).
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]")
#: Latin kept on the Chinese page on purpose: the symbol of the Earned Schedule index, SPI(t), and
#: the author of its reference (Lipke 2003), as Chinese texts on the method write them.
KEPT_LATIN = {"SPI", "Lipke"}


def page_text(html):
    parser = BodyText()
    parser.feed(html)
    return "\n".join(parser.parts)


def user_words(forecast, lang="zh"):
    """What the user wrote and the page shows as written: ids, names, and units with no translation."""
    from longjiang_forecast._core.units import unit_label

    table = forecast.catalog.table
    words = set(table["indicator"].astype(str)) | set(
        table["name_zh" if lang == "zh" else "name_en"].astype(str)
    )
    words |= {str(u) for u in table["unit"] if unit_label(str(u), lang) == str(u)}
    regions = forecast.catalog.regions
    words |= set(regions["name_zh" if lang == "zh" else "name_en"].astype(str))
    return words - {""}


def latin_words(html, allowed=()):
    """Latin words of the page's visible text, once the ``allowed`` strings (ids, names) are removed."""
    text = re.sub(r"SHA-256 [0-9a-f]{12}…", " ", page_text(html))  # the data's hash on the first line
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    return sorted(set(LATIN_WORD.findall(text)) - KEPT_LATIN)


def cjk_text(html, allowed=()):
    text = page_text(html)
    for word in sorted(allowed, key=len, reverse=True):
        text = text.replace(word, " ")
    return sorted(set(CJK.findall(text)))


def test_latin_word_checker_finds_what_it_should():
    page = "<html><style>body { font-family: x; }</style><body>"
    page += "<p>达标 09a target already met<code>lf.plan</code></p>"
    page += '<img alt="扇形图 fan"><p>SPI(t) 指标 PM2.5 Lipke</p></body></html>'
    assert latin_words(page, allowed={"09a"}) == ["PM", "already", "fan", "met", "target"]
    assert latin_words(page, allowed={"09a", "target already met", "fan", "PM2.5"}) == []
    assert cjk_text("<p>met 达标</p>") == sorted("达标")


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
    assert "合成示例数据" in first
    for fact in ("2024-08", "参考类季节份额模型", "300", "5"):
        assert fact in first
    assert body.index(first) < body.index("<h1>")


def test_first_line_says_how_many_kept_paths_the_joint_figures_rest_on(bulletin):
    """With fewer kept paths than draws, the first line says which sections rest on how many paths."""
    from longjiang_forecast.report._bulletin import _source_line

    forecast, _, result = bulletin
    summary = forecast.summary
    assert forecast.paths.sizes["draw"] == summary.attrs["n_draws"] == 300
    assert "其中前" not in result.html.read_text(encoding="utf-8")  # every draw kept: nothing to add
    zh, _ = _source_line(summary, "zh", 120)
    assert (
        "模拟路径 300 条（全部事项整体完成情况、扇形图、排名概率、所需进度和明年目标基于其中前 120 条）" in zh
    )
    en, _ = _source_line(summary, "en", 120)
    assert (
        "300 draws (all items together, fan charts, rank probabilities, required pace and next year's "
        "targets on the first 120 of them) · seed"
    ) in en
    assert "first" not in _source_line(summary, "en", 300)[0]
    # which data exactly: its vintage and hash, as run.json and forecast.nc carry them (a break-it pass)
    sha, vintage = summary.attrs["data_sha256"], summary.attrs["data_vintage"]
    assert (
        f"synthetic example data (not real reports) (data vintage {vintage}, SHA-256 {sha[:12]}…) · as of"
        in en
    )
    assert f"（数据版本 {vintage}，SHA-256 {sha[:12]}…）" in zh


def test_english_page(bulletin, tmp_path):
    forecast, answers, _ = bulletin
    result = write_bulletin(forecast, tmp_path, lang="en", planning=answers, indicators=["09a"])
    html = result.html.read_text(encoding="utf-8")
    assert "Data source: synthetic example data" in html
    assert "model reference-class seasonal-share model (SeasonalShareModel)" in html  # as the console says
    assert "1. Attainment" in html
    assert set(result.figures) >= {"fan_09a", "portfolio"} and "fan_15a" not in result.figures
    with pytest.raises(ValueError, match="The 'lang' parameter of write_bulletin"):
        write_bulletin(forecast, tmp_path, lang="fr")


def test_an_earlier_bulletin_is_kept_unless_overwrite(bulletin, tmp_path):
    forecast, _, _ = bulletin
    first = write_bulletin(forecast, tmp_path, lang="en", indicators=["09a"])
    before = {p: p.read_bytes() for p in [first.html, *first.figures.values()]}
    with pytest.raises(FileExistsError, match=r"bulletin\.html exists .*nothing was written.*overwrite=True"):
        write_bulletin(forecast, tmp_path, lang="zh", indicators=["09a"])
    # a figure of an earlier bulletin (the page itself gone) is refused too, and left as it was
    first.html.unlink()
    with pytest.raises(FileExistsError, match=r"fan_09a\.png exists"):
        write_bulletin(forecast, tmp_path, lang="zh", indicators=["09a"])
    assert not first.html.exists()
    assert all(p.read_bytes() == data for p, data in before.items() if p != first.html)
    again = write_bulletin(forecast, tmp_path, lang="zh", indicators=["09a"], overwrite=True)
    assert again.lang == "zh" and CJK.search(again.html.read_text("utf-8"))  # the Chinese page replaced it
    with pytest.raises(NotADirectoryError, match="is a file; give a folder"):
        write_bulletin(forecast, first.figures["fan_09a"], lang="en", indicators=["09a"])


def test_without_planning_the_page_says_how_to_add_it(bulletin, tmp_path):
    forecast, _, _ = bulletin
    result = write_bulletin(forecast, tmp_path, lang="en", indicators=["09a"])
    assert "planning=longjiang_forecast.planning.plan(forecast, progress)" in result.html.read_text("utf-8")


@pytest.mark.slow  # three Chromium runs: about 5-7 s
def test_page_in_headless_chromium(bulletin, english, tmp_path, chromium):
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
        "合成示例数据",
        "全部事项整体完成情况（共 4 件）",
    ):
        assert words in text
    assert "20件" not in text and "20 件" not in text
    assert latin_words(dom, allowed=user_words(forecast) | {"early-winter"}) == []  # a scenario's name
    shot = tmp_path / "page.png"
    run_chromium(chromium, tmp_path, f"--screenshot={shot}", "--window-size=1280,1600", url)
    from PIL import Image

    pixels = np.asarray(Image.open(shot).convert("L"), dtype=float)
    assert pixels.shape == (1600, 1280)
    assert pixels.std() > 20  # a page with text and colour, not a blank one
    dom = run_chromium(chromium, tmp_path, "--dump-dom", english.resolve().as_uri()).stdout
    text = page_text(dom)
    assert "2. All items together (4 items)" in text and "P(at least 3 of 4 items met)" in text
    assert cjk_text(dom, allowed=user_words(forecast, "en")) == []


def test_figures_are_chinese_with_a_font_and_english_without(bulletin, tmp_path, monkeypatch):
    forecast, _, result = bulletin
    assert result.figure_lang == ("zh" if _fonts.find_cjk_font() else "en")
    monkeypatch.setattr("longjiang_forecast.report._bulletin.find_cjk_font", lambda: None)
    monkeypatch.setattr(_fonts, "find_cjk_font", lambda: None)
    with pytest.warns(_fonts.CJKFontWarning, match="fonts-wqy-microhei"):
        fallback = write_bulletin(forecast, tmp_path, lang="zh", indicators=["09a"])
    assert fallback.figure_lang == "en"
    assert CJK.search(fallback.html.read_text("utf-8"))  # the page text stays Chinese


# --------------------------------------------------------------------------- any catalogue, both languages
@pytest.fixture(scope="module")
def english(bulletin, tmp_path_factory):
    forecast, answers, _ = bulletin
    out = tmp_path_factory.mktemp("bulletin_en")
    return write_bulletin(forecast, out, lang="en", planning=answers).html


def test_counts_and_titles_come_from_the_catalogue(bulletin, english):
    _, answers, result = bulletin
    english = english.read_text("utf-8")
    assert int(answers.portfolio.attrs["n_items"]) == 4
    text = page_text(result.html.read_text("utf-8"))
    assert "二、全部事项整体完成情况（共 4 件）" in text
    assert "4 件全部完成的概率" in text and "至少完成 3 件（共 4 件）的概率" in text
    assert not re.search(r"20\s*件", text) and "民生实事整体" not in text
    text = page_text(english)
    assert "2. All items together (4 items)" in text and "P(all 4 items fully met)" in text
    assert "20" not in re.sub(r"20\d\d", "", text.split("2. All items")[1].split("3. Fan")[0])


def test_whole_list_title_only_for_a_complete_builtin_list():
    from longjiang_forecast.report._bulletin import _is_whole_list

    catalog = lf.load_catalog(2024)
    assert _is_whole_list(catalog)
    assert not _is_whole_list(catalog.subset(["09a", "15a", "17b", "06b"]))
    columns = [
        "indicator",
        "item",
        "name_zh",
        "name_en",
        "unit",
        "target",
        "comparator",
        "kind",
        "deadline",
        "region",
    ]
    assert not _is_whole_list(lf.load_catalog(catalog.table[columns]))  # a user's catalogue


def test_chinese_page_has_no_english_and_english_page_no_chinese(bulletin, english):
    forecast, _, result = bulletin
    zh, english = result.html.read_text("utf-8"), english.read_text("utf-8")
    assert latin_words(zh, allowed=user_words(forecast) | {"early-winter"}) == []
    assert cjk_text(english, allowed=user_words(forecast, "en")) == []
    units = [row[3] for row in table_rows(zh, "attainment-table")[1:]]
    assert units == ["%", "户", "个", "微克/立方米"]  # 06b, 09a, 15a, 17b
    units = [row[3] for row in table_rows(english, "attainment-table")[1:]]
    assert units == ["% of counties", "households", "base stations", "μg/m³"]


def test_next_year_targets_in_the_unit_granularity(bulletin, english):
    _, answers, result = bulletin
    english = english.read_text("utf-8")
    rows = {row[0]: row for row in table_rows(result.html.read_text("utf-8"), "next-year-table")[1:]}
    values = {ind: row[4:9] for ind, row in rows.items()}  # this year (median), then 50/70/80/90 %
    assert all(re.fullmatch(r"\d{1,3}(,\d{3})*", v) for v in values["09a"])  # whole households
    assert all(re.fullmatch(r"\d+\.\d", v) for v in values["06b"] + values["17b"])  # %, μg/m³: 1 decimal
    raw = (
        answers.next_year["target_next"]
        .sel(prob=0.5)
        .values[
            (answers.next_year["indicator"].values == "09a")
            & (answers.next_year["region"].values == "province")
        ][0]
    )
    assert values["09a"][1] == f"{np.floor(raw):,.0f}"  # down to the unit, as the catalogue (a '>=' target)
    assert rows["09a"][3] == "户" and rows["09a"][-1].startswith("往年")  # the method in Chinese
    rows = {row[0]: row for row in table_rows(english, "next-year-table")[1:]}
    assert rows["09a"][3] == "households" and rows["09a"][-1].startswith("growth of")


def test_drivers_table_drops_the_column_that_says_nothing(bulletin):
    _, _, result = bulletin
    header = table_rows(result.html.read_text("utf-8"), "drivers-table")[0]
    # one indicator per item: meeting it always completes the item, so no joint column
    assert header == ["指标", "名称", "地区", "所属事项", "达标概率", "确定达标时增加（件）"]
    # each row says which target: its id, its name in the page's language, the region
    rows = {row[0]: row for row in table_rows(result.html.read_text("utf-8"), "drivers-table")[1:]}
    assert rows["09a"][1] == "完成特殊困难老年人家庭适老化改造" and rows["09a"][2] == "全省"


def test_pace_table_has_a_note_column_only_when_a_row_has_a_note(bulletin):
    from longjiang_forecast.report._bulletin import _pace

    _, answers, _ = bulletin
    with_notes = answers.pace.copy(deep=True)
    with_notes["note"].values[:] = "target already met"
    without = answers.pace.copy(deep=True)
    without["note"].values[:] = ""
    shown, bare = _pace(with_notes, "zh", {}), _pace(without, "zh", {})
    assert shown["header"][-1] == "说明" and all(len(r) == 9 for r in shown["rows"] + shown["detail_rows"])
    assert "说明" not in bare["header"] and "说明" not in bare["detail_header"]
    assert all(len(r) == 8 for r in bare["rows"] + bare["detail_rows"]) and bare["rows"]
    # each table on its own: a note on one prefecture row keeps the column there, not in the province table
    one = answers.pace.copy(deep=True)
    one["note"].values[:] = ""
    prefecture = int(
        np.flatnonzero((one["region"].values != "province") & np.isfinite(one["required_pace"].values))[0]
    )
    one["note"].values[prefecture] = "target already met"
    # a prefecture past its target still needs nothing, not a negative amount (-19.0 before)
    past = answers.pace.copy(deep=True)
    past["need"].values[prefecture] = -19.0
    past["required_pace"].values[prefecture] = 0.0
    cells = [
        r
        for r in _pace(past, "en", {})["detail_rows"]
        if r[0]["text"] == str(past["indicator"].values[prefecture])
    ]
    assert cells and all(not r[2]["text"].startswith(("-", "−")) for r in cells)
    mixed = _pace(one, "zh", {})
    assert "说明" not in mixed["header"] and all(len(r) == 8 for r in mixed["rows"])
    assert mixed["detail_header"][-1] == "说明" and "已达到目标" in [
        r[-1]["text"] for r in mixed["detail_rows"]
    ]


def test_portfolio_of_part_of_a_list_says_what_all_met_leaves_out():
    """Items without a forecast are not in P(all met): the heading and note say so (zh and en)."""
    from longjiang_forecast.report._bulletin import _n_listed_items, _portfolio

    whole = lf.load_catalog(2024)
    cat = whole.subset(["09a", "19b"])  # two of the 2024 list's 20 items
    forecast = lf.forecast(synthetic_progress(cat, seed=3), cat, n_draws=300, seed=5)
    result = planning.portfolio(forecast)
    assert _n_listed_items(whole) == 20 and result.attrs["n_items"] == 2
    zh = _portfolio(result, "zh", whole_list=True, n_listed=_n_listed_items(whole))
    assert zh["title"] == "二、有预测的 2 件事项整体完成情况（清单共 20 件）"
    assert zh["note"].startswith("清单共 20 件事项，其中 18 件没有可预测的指标")
    en = _portfolio(result, "en", whole_list=True, n_listed=20)
    assert en["title"] == "2. The 2 items with a forecast, as a whole (the list has 20)"
    assert "'all met' here means the 2 items with a forecast" in en["note"]


def test_bulletin_of_a_catalogue_without_items(tmp_path):
    """`item` is optional: without it each indicator is an item of its own (it crashed in _n_listed_items).

    A user's catalogue with this year's plan and an earlier year's (of 01a, and of an indicator
    dropped from this year's list): the list counted is the forecast's year's, 3 items.
    """
    from longjiang_forecast.report._bulletin import _n_listed_items

    columns = ["indicator", "name_zh", "name_en", "unit", "target", "comparator", "kind", "deadline"]
    # the built-in list's 01a, 01c and 09a (its items 1, 1 and 9), without the item column
    table = lf.load_catalog(2024).subset(["01a", "01c", "09a"]).table[[*columns, "region"]]
    province = table["region"] == "province"
    earlier = pd.concat(
        [
            table[province & (table["indicator"] == "01a")],
            table[province & (table["indicator"] == "09a")].assign(indicator="old"),
        ]
    ).assign(deadline=pd.Timestamp("2023-12-31"))
    cat = lf.load_catalog(pd.concat([earlier, table], ignore_index=True))
    assert cat.years == [2023, 2024] and cat.table["item"].isna().all()
    assert _n_listed_items(cat, 2024) == 3 and _n_listed_items(cat, 2023) == 2 and _n_listed_items(cat) == 4
    # an item on some rows only: 01a and 01c are item 1, 09a (no item) its own
    partly = lf.load_catalog(table.assign(item=[1, 1, None]))
    assert _n_listed_items(partly, 2024) == 2
    progress = synthetic_progress(cat, seed=3)
    forecast = lf.forecast(progress, cat, n_draws=300, seed=5)
    answers = planning.plan(forecast, progress)
    assert int(answers.portfolio.attrs["n_items"]) == 3
    bulletin = write_bulletin(forecast, tmp_path / "bulletin", lang="en", planning=answers)
    html = bulletin.html.read_text("utf-8")
    text = page_text(html)
    assert "2. All items together (3 items)" in text and "P(all 3 items fully met)" in text
    assert "the list has" not in text  # no item left out: 'old' is not on this year's list
    rows = table_rows(html, "drivers-table")
    assert rows[0][3] == "item" and sorted(row[0] for row in rows[1:]) == ["01a", "01c", "09a"]
    assert all(row[3] == row[0] for row in rows[1:])  # each indicator is its own item, named by its id


def test_drivers_table_for_items_of_several_indicators():
    from longjiang_forecast.report._bulletin import _portfolio

    cat = lf.load_catalog(2024).subset(["01a", "01c", "01d", "09a"])  # item 1 has three indicators
    forecast = lf.forecast(synthetic_progress(cat, seed=3), cat, n_draws=300, seed=5)
    result = planning.portfolio(forecast)
    table = _portfolio(result, "en", whole_list=False, n_listed=2)
    assert table["title"] == "2. All items together (2 items)" and not table["note"].startswith(
        "The list has"
    )
    rows = [table["header"], *[[cell["text"] for cell in row] for row in table["rows"]]]
    assert rows[0][-1] == "P(item completed if this indicator is met)"
    assert rows[0][:4] == ["indicator", "name", "region", "item"]
    named = {row[0]: row for row in rows[1:]}
    assert named["01c"][1] == "Unemployed people re-employed" and named["01c"][2:4] == ["province", "1"]
    paths = forecast.paths.values
    state = forecast.state
    province = state["region"].values.astype(str) == "province"
    final = paths[:, :, -1]
    met = final >= state["target"].values.astype(float)[None, :]
    ids = state["indicator"].values.astype(str)
    for row in rows[1:]:
        ind = row[0]
        p = float(result["p_met"].sel(indicator=ind))
        if ind == "09a" or p == 1:
            assert row[-1] in ("100%", "–")
            continue
        # the share of paths where the item's other indicators are met, among those where ind fails
        others = [k for k in np.flatnonzero(province) if ids[k] in {"01a", "01c", "01d"} and ids[k] != ind]
        mine = int(np.flatnonzero(province & (ids == ind))[0])
        fails = ~met[:, mine]
        expected = met[fails][:, others].all(axis=1).mean()
        # the whole percent nearest (a share exactly at a half, 29/40, may print either way)
        assert row[-1].endswith("%") and abs(float(row[-1][:-1]) - 100 * expected) <= 0.5 + 1e-9


def test_heatmap_spans_the_page_and_keeps_whole_names(bulletin):
    from PIL import Image

    from longjiang_forecast.plots import heatmap

    forecast, _, result = bulletin
    width, _ = Image.open(result.figures["heatmap"]).size
    assert width == 1130  # 11.3 in at 100 dpi: the page's content width
    ax = heatmap(forecast.summary, lang="en")
    labels = [t.get_text() for t in ax.get_yticklabels()]
    s = forecast.summary
    names = {str(i): str(n) for i, n in zip(s["indicator"].values, s["name_en"].values, strict=True)}
    for label in labels:
        ind, name = label.replace("\n", " ").split(" ", 1)
        assert name == names[ind] and "…" not in label


def test_every_planning_note_has_chinese():
    """Each note the planning stage writes (required pace, next year) is in the text table."""
    import ast
    import inspect

    from longjiang_forecast.planning import _next_year, _pace
    from longjiang_forecast.report._bulletin import _note

    notes = []
    for module in (_pace, _next_year):
        for node in ast.walk(ast.parse(inspect.getsource(module))):
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Subscript) and getattr(t.value, "id", "") == "note" for t in node.targets
            ):
                values = (
                    [node.value.body, node.value.orelse]
                    if isinstance(node.value, ast.IfExp)
                    else [node.value]
                )
                for value in values:
                    if isinstance(value, ast.Constant):
                        notes.append(value.value)
                    else:  # an f-string: a percentage in place of each field
                        assert isinstance(value, ast.JoinedStr), ast.dump(value)
                        notes.append(
                            "".join(v.value if isinstance(v, ast.Constant) else "20%" for v in value.values)
                        )
    assert len(notes) >= 8
    for note in notes:
        zh = _note(note, "zh")
        assert CJK.search(zh) and not LATIN_WORD.search(zh), (note, zh)
        assert _note(note, "en") == note


@pytest.mark.slow
def test_bulletin_of_the_2024_list_in_both_languages(tmp_path):
    cat = lf.load_catalog(2024)
    progress = synthetic_progress(cat, seed=3)
    forecast = lf.forecast(progress, cat, n_draws=200, seed=5)
    answers = planning.plan(forecast, progress)
    few_fans = {"indicators": ["09a", "01b"]}  # every table in full; two fan charts are enough
    zh = write_bulletin(forecast, tmp_path / "zh", lang="zh", planning=answers, **few_fans).html.read_text(
        "utf-8"
    )
    en = write_bulletin(forecast, tmp_path / "en", lang="en", planning=answers, **few_fans).html.read_text(
        "utf-8"
    )
    assert "二、20件民生实事整体完成情况" in zh and "20 件全部完成的概率" in zh
    assert "2. The 20 livelihood items as a whole" in en
    assert latin_words(zh, allowed=user_words(forecast)) == []
    assert cjk_text(en, allowed=user_words(forecast, "en")) == []
    rows = {row[0]: row for row in table_rows(zh, "next-year-table")[1:]}
    assert rows["09a"][3] == "户" and all(re.fullmatch(r"[\d,]+", v) for v in rows["09a"][4:9])
    assert rows["01b"][3] == "万人" and all(re.fullmatch(r"\d+\.\d\d", v) for v in rows["01b"][4:9])


@pytest.mark.slow  # a forecast and two pages: about 6-12 s
def test_a_catalogue_in_chinese_only(tmp_path):
    """Names only in Chinese, units as Chinese measure words: the English page shows those names
    (not ids) and English units; the Chinese page the user's words."""
    catalog = lf.load_catalog(
        pd.DataFrame(
            {
                "indicator": ["a1", "a2", "a3", "a4"],
                "item": [1, 2, 3, 4],
                "name_zh": ["新建社区食堂", "改造老旧小区", "新增就业", "新建公路"],
                "unit": ["个", "户", "万人", "公里"],
                "target": [120, 8000, 12.5, 350],
                "comparator": [">="] * 4,
                "kind": ["cumulative"] * 4,
                "deadline": ["2024-12-31"] * 4,
                "region": ["province"] * 4,
            }
        )
    )
    forecast = lf.forecast(synthetic_progress(catalog, seed=1), catalog, n_draws=200, seed=2)
    pages = {
        lang: write_bulletin(forecast, tmp_path / lang, lang=lang).html.read_text("utf-8")
        for lang in ("zh", "en")
    }
    en = {row[0]: row for row in table_rows(pages["en"], "attainment-table")[1:]}
    assert {ind: row[1] for ind, row in en.items()} == dict(
        zip(["a1", "a2", "a3", "a4"], catalog.table["name_zh"], strict=True)
    )
    assert [row[3] for row in en.values()] == ["units", "households", "10k persons", "km"]
    assert re.fullmatch(r"≥ 12\.50", en["a3"][2]) and re.fullmatch(r"≥ 8,000", en["a2"][2])
    zh = table_rows(pages["zh"], "attainment-table")[1:]
    assert [row[3] for row in zh] == ["个", "户", "万人", "公里"]
    assert latin_words(pages["zh"], allowed=user_words(forecast)) == []
    assert "2. The list as a whole" in page_text(pages["en"])  # no planning: no count to state


def test_attainment_table_shows_the_models_pace_beside_required_and_recent(bulletin, english):
    from longjiang_forecast._core.units import format_rate

    forecast, _, result = bulletin
    table = forecast.table().set_index(["indicator", "region"])
    zh = table_rows(result.html.read_text("utf-8"), "attainment-table")
    head = zh[0]
    assert head[8:11] == ["所需月均进度", "模型预期月均进度（剩余月份）", "近期月均进度（月份）"]
    row = next(r for r in zh[1:] if r[0] == "09a")
    rec = table.loc[("09a", "province")]
    assert row[9] == f"{format_rate(rec['model_rate'], rec['unit'], rec['target'])} (9–12月)"
    assert re.fullmatch(r"[\d,.]+ \(\d+–\d+月\)", row[10])  # the recent pace says its months in words
    en = table_rows(english.read_text("utf-8"), "attainment-table")
    assert unescape(en[0][9]) == "model's expected pace (months left)"
    assert next(r for r in en[1:] if r[0] == "09a")[9].endswith("(Sep–Dec)")


def test_first_passage_caption_says_which_month_decides_a_mid_month_deadline():
    from longjiang_forecast.report._bulletin import _first_passage_note

    summary = xr.Dataset(
        {
            "indicator": ("series", ["Y1", "Y3", "Y5"]),
            "deadline": ("series", pd.to_datetime(["2024-12-31", "2024-10-20", "2024-01-15"])),
            "deadline_month": ("series", [12, 9, 0]),  # Y5: mid-January, no report before it
        }
    )
    shown = np.array([True, True, True])
    zh = _first_passage_note(summary, shown, "zh")
    assert "红框为判定是否达标所依据的月报月份" in zh and "截止日期所在月份" not in zh
    assert zh.endswith("月中截止：Y3（10月20日截止，看9月月报）。")
    en = _first_passage_note(summary, shown, "en")
    assert en.endswith("Mid-month deadlines: Y3 (due 20 Oct: the Sep report).")
    assert "month before for a mid-month deadline" in en
    assert "Mid-month" not in _first_passage_note(summary, np.array([True, False, False]), "en")


def test_first_passage_chart_outlines_the_month_that_decides():
    from matplotlib.patches import Rectangle

    cdf = np.tile(np.linspace(0.05, 0.9, 12), (2, 1))
    summary = xr.Dataset(
        {
            "first_passage_cdf": (("series", "month"), cdf),
            "indicator": ("series", ["Y1", "Y3"]),
            "region": ("series", ["province", "province"]),
            "name_en": ("series", ["a", "b"]),
            "name_zh": ("series", ["甲", "乙"]),
            "deadline": ("series", pd.to_datetime(["2024-12-31", "2024-10-20"])),
            "deadline_month": ("series", [12, 9]),
        }
    )
    ax = lf.plots.first_passage_chart(summary)
    outlined = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
    boxes = sorted((p.get_y(), p.get_x()) for p in outlined)
    assert boxes == [(-0.5, 10.5), (0.5, 7.5)]  # December for Y1; September (column 8) for Y3 due 20 October


def test_ranking_names_the_series_left_out():
    from longjiang_forecast.planning._schedule import BELOW_BASELINE
    from longjiang_forecast.report._bulletin import _ranking_excluded

    schedule = xr.Dataset(
        {
            "indicator": ("series", ["Y4", "Y4", "Y4", "Y1"]),
            "region": ("series", ["province", "hegang", "yichun", "hegang"]),
            "note": ("series", [BELOW_BASELINE, BELOW_BASELINE, BELOW_BASELINE, ""]),
        }
    )
    names = {"hegang": "鹤岗市", "yichun": "伊春市"}
    assert _ranking_excluded(schedule, "zh", names).endswith("：Y4：鹤岗市、伊春市。")
    assert _ranking_excluded(schedule, "en", {}).endswith("progress): Y4: hegang, yichun.")
    assert _ranking_excluded(schedule.isel(series=[3]), "zh", names) == ""


def test_still_needed_keeps_a_small_counts_fraction(bulletin):
    from longjiang_forecast.report._bulletin import _pace_rows

    _, answers, _ = bulletin
    pace = answers.pace.copy(deep=True)
    pace["unit"].values[0], pace["target"].values[0], pace["need"].values[0] = "cities (座)", 3.0, 0.49
    row = _pace_rows(pace, np.arange(pace.sizes["series"]) == 0, "zh")[0]
    assert row[2]["text"] == "0.49"  # not "0" beside a target of 3


def test_next_year_section_says_what_the_whole_list_costs(bulletin, english):
    """Section 8 ends with the whole list at 80 % (issue 21): P(all met), targets missed, what 70 % needs."""
    _, answers, result = bulletin
    joint = answers.next_year_list
    assert joint is not None and float(joint.attrs["confidence"]) == 0.8
    zh, en = result.html.read_text("utf-8"), english.read_text("utf-8")
    n = int(joint["n_targets"])
    assert f"建议了目标的 {n} 项：均按 80% 设定时，全部完成的概率为 {float(joint['p_all_met']):.2%}" in zh
    p_all = float(joint["p_all_met"])
    assert f"The {n} targets proposed: with every one at 80%, P(all met) is {p_all:.2%}" in en
    assert f"{float(joint['expected_missed']):.1f} targets are expected missed" in en


def test_the_warnings_of_a_mistyped_month_or_deadline_year_read_in_chinese():
    """The two warnings added after a new-user check are whole sentences of NOTES_ZH, numbers kept."""
    from longjiang_forecast.report._text import in_chinese

    stray = (
        "The as-of month is 2024-09, but only 1 of the 377 series with reports in 2024 reach 2024-08 or "
        "later (01a/province (2024-09)); half of them end by 2024-03. The months the others have not "
        "reported are forecast for them as if they were late. If a month was mistyped (e.g. 2024-09 for "
        "2024-03), correct it in the progress data; if they are late, add their reports when they come."
    )
    assert in_chinese(stray) == (
        "预测基准月为 2024-09，但 2024 年有报告的 377 个序列中只有 1 个报到 2024-08 或更晚（01a/province "
        "(2024-09)），半数序列截至 2024-03。其余序列未报告的月份按迟报处理、以模拟值补齐。"
        "若月份录入有误（如把 2024-03 写成 2024-09），请在进展数据中更正；若确属迟报，请在报告到达后补充。"
    )
    lonely = (
        "plans.csv: the latest year, 2026, has 1 row(s) (09a (2026-12-31)) against 48 in 2025. A row's year "
        "is the year of its deadline: if a 2025 deadline was typed as 2026, correct it; the catalogue's list "
        "is its latest year's, 2026."
    )
    assert in_chinese(lonely).startswith(
        "plans.csv: 最新年份 2026 年只有 1 行（09a (2026-12-31)），而 2025 年有 48 行。"
    )
    assert "2025 年的截止日期误写成了 2026 年" in in_chinese(lonely)


def test_no_forecast_inside_an_english_sentence_is_not_half_translated():
    """'scored no forecast for' stays one English sentence (it read 'scored 无法预测 for as-of months')."""
    from longjiang_forecast.report._text import in_chinese

    message = "The backtest of seasonal_share scored no forecast for as-of months ['2007-06']: none"
    assert in_chinese(message) == message
    assert in_chinese("no forecast") == "无法预测"


def test_next_years_this_year_column_is_the_tables_median():
    """Section 8's 'this year (median)' read the kept paths (15,773) where section 1 read every draw
    (15,771): one bulletin, two medians of one number (a second break-it pass)."""
    from longjiang_forecast._core.units import format_against
    from longjiang_forecast.report._bulletin import _deadline_medians, _next_year

    cat = lf.load_catalog(2024).subset(["09a", "15a"])
    progress = synthetic_progress(cat, seed=3)
    forecast = lf.forecast(progress, cat, n_draws=800, seed=5, keep_paths=100)
    proposals = planning.next_year_targets(forecast, progress)
    table = forecast.table().set_index(["indicator", "region"])
    rows = _next_year(proposals, "en", _deadline_medians(forecast), ["15a", "09a"])["rows"]
    assert [row[0]["text"] for row in rows] == ["15a", "09a"]  # in the order given (the table's)
    for row in rows:
        ind = row[0]["text"]
        this = table.loc[(ind, "province")]
        assert row[4]["text"] == format_against(this["median"], this["target"], this["unit"], ">="), ind


def test_every_chinese_sentence_compiles_and_fills_from_its_own_groups():
    """Each pattern of the Chinese tables compiles, and its Chinese asks for no group it does not have.

    A pattern that does not compile would turn every message of the command line into a traceback
    under --lang zh (in_chinese runs them all on each message).
    """
    import re
    import string

    from longjiang_forecast.report._text import NEXT_YEAR_NOTES_ZH, NOTES_ZH

    for pattern, zh in (*NOTES_ZH, *NEXT_YEAR_NOTES_ZH):
        groups = re.compile(pattern).groups
        fields = [int(f) for _, f, _, _ in string.Formatter().parse(zh) if f]
        assert all(f < groups for f in fields), (pattern, zh)


def test_the_stores_refusal_of_a_fall_reads_in_chinese():
    """An ingest refused for a fall names each figure by its file and vintage, not by a row."""
    from longjiang_forecast.report._text import in_chinese

    message = (
        "report '2024-04.csv (vintage 2024-05-06)' (indicator '09a', region 'harbin', month '2024-04'): "
        "field 'value' falls from 2000 (report 'rev.csv (vintage 2024-05-20)', month 2024-03) to 1900 "
        "(report '2024-04.csv (vintage 2024-05-06)', month 2024-04), but a series of kind 'cumulative' may "
        "not fall within a year. Correct the figure, or pass allow_revisions=True to accept revised figures "
        "(--allow-revisions on the command line)."
    )
    assert in_chinese(message) == (
        "报告 '2024-04.csv（数据版本 2024-05-06）'（指标 '09a'，地区 'harbin'，月份 '2024-04'）："
        "“value”（数值）列从 2000（报告 'rev.csv（数据版本 2024-05-20）'，2024-03）降到 1900"
        "（报告 '2024-04.csv（数据版本 2024-05-06）'，2024-04），但 'cumulative' 类序列在一年之内不能下降。"
        "请更正数值；如确为修订后的数据，可用 allow_revisions=True（命令行：--allow-revisions）按修订接受。"
    )


def test_the_warnings_of_prefectures_behind_or_gone_read_in_chinese():
    """The province totalled over prefectures with months missing, and a prefecture that stopped reporting."""
    from longjiang_forecast.report._text import in_chinese

    behind = (
        "Province rows forecast from their prefectures, some of which have not reported every month: "
        "09a: harbin 2024-01, 2024-02 (observed: none); 10a: qiqihar 2024-08; jixi 2024-08 "
        "(observed: 2024-07). Their paths use those prefectures' simulated values there; their "
        "observed value is that of the last month every prefecture reported, and none (no complete total, "
        "no required pace) where a prefecture has not reported this year."
    )
    assert in_chinese(behind) == (
        "以下省级行由其地市加总预测，其中部分地市并非每月都有报告："
        "09a: harbin 2024-01, 2024-02（观测值：无）；10a: qiqihar 2024-08；"
        "jixi 2024-08（观测值截至 2024-07）。"
        "这些月份的路径采用这些地市的模拟值；其观测值取所有地市均有报告的最后一个月；"
        "若有地市本年尚无报告，则没有观测值（无完整合计，也无所需进度）。"
    )
    gone = (
        "2 series reported in earlier years have no report in 2024 and no catalogue row of their "
        "own, so they are not forecast: 09a/harbin, 09b/jixi. Add their reports of 2024, or a "
        "catalogue row for each (it is then forecast from its plan and its earlier years)."
    )
    assert in_chinese(gone) == (
        "2 个序列往年有报告、2024 年没有报告，且在目录中没有自己的行，因此不作预测：09a/harbin, 09b/jixi。"
        "请补充其 2024 年的报告，或为每个序列在目录中加一行（即可依计划和往年数据预测）。"
    )


def test_a_borderline_row_keeps_the_colour_of_the_band_its_p_met_is_in():
    """A P(met) of 0.18, within two standard errors of the 0.2 edge, was shown in the pale borderline
    colour and read milder than a 0.45 'at risk' (a break-it pass): it has the colour of its band,
    'off track', and says both; a row at a cut of other bands keeps the borderline colour."""
    from longjiang_forecast.report._bulletin import _borderline_band

    row = pd.Series({"status": "borderline", "p_met": 0.18})
    assert _borderline_band(row, 0.2) == "off track"
    assert _borderline_band(pd.Series({"status": "borderline", "p_met": 0.21}), 0.2) == "at risk"
    assert _borderline_band(row, 0.25) == ""  # not a default cut: the bands are the user's own
    assert _borderline_band(pd.Series({"status": "watch", "p_met": 0.6}), np.nan) == ""
    cat = lf.load_catalog(2024)
    forecast = lf.forecast(synthetic_progress(cat, seed=2024), cat, n_draws=500, seed=2024)
    from longjiang_forecast.report._bulletin import _attainment
    from longjiang_forecast.report._text import STATUS_COLOURS

    index = {name: k + 1 for k, name in enumerate(STATUS_COLOURS)}
    rows = {r["cells"][0]["text"]: r for r in _attainment(forecast, "zh")["rows"]}
    assert rows["20b"]["status"] == "严重滞后，临界" and rows["20b"]["status_index"] == index["off track"]
    assert rows["02a"]["status"] == "有风险，临界" and rows["02a"]["status_index"] == index["at risk"]


def test_a_scenarios_change_is_the_difference_of_the_percentages_shown(bulletin):
    """'100% → 66% (-33)' read as a sum that does not add up, with an ASCII minus (a break-it pass):
    the change is in points between the two percentages shown, with the console's minus sign."""
    import pandas as pd

    from longjiang_forecast.report._bulletin import _scenarios

    forecast, _, _ = bulletin
    comparison = pd.DataFrame(
        {"indicator": "09a", "region": "province", "scenario": ["baseline", "early-winter"],
         "p_met": [0.996, 0.664], "delta_vs_baseline": [0.0, -0.332]}
    )  # fmt: skip
    cells = [c["text"] for c in _scenarios(comparison, forecast.summary, "en")["rows"][0]]
    assert cells[2:] == ["100%", "66% (−34)"]


def test_the_spi_table_shows_as_many_decimals_as_tell_the_prefectures_apart():
    """Daqing and Shuangyashan both read 1.044 and were ranked 4 and 5 'for certain' (1.04435 and
    1.04409; a break-it pass): four decimals where three tie, three where they do not."""
    import pandas as pd

    from longjiang_forecast.report._bulletin import _ranking

    def shown(values):
        table = pd.DataFrame(
            {"region": ["daqing", "shuangyashan", "harbin"], "rank": [2, 3, 1], "name_zh": "市",
             "name_en": ["Daqing", "Shuangyashan", "Harbin"], "spi_t": values, "spi_t_min": 0.5,
             "worst_indicator": "09a", "n_behind": 1, "n_indicators": 30, "mean_p_met": 0.5}
        )  # fmt: skip
        return [row[2]["text"] for row in _ranking(table, "en", {})["rows"]]

    assert shown([1.04435, 1.04409, 1.2]) == ["1.0443", "1.0441", "1.2000"]
    assert shown([1.04, 0.98, 1.2]) == ["1.040", "0.980", "1.200"]
