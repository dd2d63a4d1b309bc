"""The scenario explorer (``longjiang-forecast serve``): its scenario controls, bad input, and a real browser.

The browser test starts the server as a user would (the command line, on a free port), drives
it in headless Chromium with Playwright, turns a scenario on and checks the page's P(met)
against ``longjiang-forecast scenarios`` run on the TOML file the page saved.
"""

import dataclasses
import json
import re
import socket
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import longjiang_forecast as lf
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast.app import Explorer, check_port
from longjiang_forecast.app._scenario_form import (
    CONTROLS,
    control_ids,
    save_scenario,
    scenario_data,
    scenario_toml,
)
from longjiang_forecast.app._server import free_port
from longjiang_forecast.cli import main
from longjiang_forecast.scenarios import load_scenario, parse_scenario

ROOT = Path(__file__).resolve().parents[2]
# Dash 4 says DataTable leaves its built-in components in a later major version: the extras pin dash < 5.
pytestmark = pytest.mark.filterwarnings(r"ignore:\s*The dash_table.DataTable will be:DeprecationWarning")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def _values(on=(), **changed):
    """The values of the page's controls: the defaults, the effects ``on`` switched on, ``changed`` set."""
    values = {(e, k): CONTROLS[e].get(k) for e, k in control_ids()}
    values |= {(e, "on"): ["on"] if e in on else [] for e in CONTROLS}
    values |= {(e, "regions"): [] for e in CONTROLS}
    values |= {tuple(k.split("__")): v for k, v in changed.items()}
    return values


def test_every_effect_of_the_page_is_a_file_the_loader_reads_back(catalog, tmp_path):
    data = scenario_data(_values(on=CONTROLS, delay__regions=["harbin"]), name="all-five", year=2024)
    assert tomllib.loads(scenario_toml(data)) == data
    path = save_scenario(data, tmp_path, "all-five.toml", overwrite=False)
    from_file = load_scenario(path, catalog=catalog)
    assert from_file.effects == parse_scenario(data, catalog=catalog, source="page").effects
    assert [e.type for e in from_file.effects] == ["delay", "stoppage", "multiplier", "push", "cap"]
    delay = from_file.effects[0]
    assert (delay.first_month, delay.duration, delay.probability, delay.regions) == (
        (9, 9),
        (1, 2),
        0.5,
        ("harbin",),
    )
    assert from_file.effects[4].max_share_per_month == 0.15 and from_file.effects[3].factor == 1.3


@pytest.mark.parametrize(
    ("effect", "key", "value", "says"),
    [
        ("delay", "probability", 1.5, "'effects[0].probability' must be a number in [0, 1]. Got 1.5."),
        ("push", "factor", 0.5, "'effects[0].factor' of a push must be >= 1"),
        ("cap", "max_share_per_month", 0, "'effects[0].max_share_per_month' must be a finite number > 0"),
        ("delay", "duration_max", 13, "'effects[0].duration' must be a whole number of months 1-12"),
        ("stoppage", "until", 8, "'effects[0].until' is before the start"),
    ],
)
def test_a_value_out_of_range_is_refused_with_the_loaders_message(
    catalog, tmp_path, effect, key, value, says
):
    data = scenario_data(_values(on=[effect], **{f"{effect}__{key}": value}), name="bad", year=2024)
    with pytest.raises(DataValidationError) as page:
        parse_scenario(data, catalog=catalog, source="the scenario page")
    path = tmp_path / "bad.toml"
    path.write_text(scenario_toml(data), encoding="utf-8")
    with pytest.raises(DataValidationError) as loader:
        load_scenario(path, catalog=catalog)
    assert says in str(page.value)
    assert str(page.value) == str(loader.value).replace(str(path), "the scenario page")


def test_a_saved_scenario_never_replaces_a_file_unless_asked(tmp_path):
    data = scenario_data(_values(on=["stoppage"]), name="winter", year=2024)
    path = save_scenario(data, tmp_path, "winter.toml", overwrite=False)
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"exists already.*replace an existing file"):
        save_scenario(data, tmp_path, "winter.toml", overwrite=False)
    assert path.read_text(encoding="utf-8") == "mine"
    assert (
        save_scenario(data, tmp_path, "winter.toml", overwrite=True)
        .read_text(encoding="utf-8")
        .startswith('name = "winter"')
    )
    for bad in ("../winter.toml", "winter.txt", ".toml", ""):
        with pytest.raises(DataValidationError, match=r"not a file name ending in \.toml"):
            save_scenario(data, tmp_path, bad, overwrite=False)


def test_the_page_re_run_is_the_comparison_of_the_command_line(catalog, progress, tmp_path):
    ex = Explorer.start(progress, catalog, lang="en", n_draws=1000, seed=11, out=tmp_path, n_jobs=2)
    stress = load_scenario(ROOT / "scenarios" / "stress.toml", catalog=catalog)
    frame, seconds, run = ex.recompute(stress)
    assert run == 1 and seconds > 0
    table = lf.compare_scenarios(progress, catalog, [stress], n_draws=1000, seed=11).table()
    mine = table[table["scenario"] == "stress"].dropna(subset=["p_met"]).reset_index(drop=True)
    assert list(frame["indicator"]) == list(mine["indicator"]) and list(frame["region"]) == list(
        mine["region"]
    )
    assert (frame["p_scenario"] - mine["p_met"]).abs().max() <= 5e-5  # 4 decimals, as the CSV
    assert (frame["change_se"] - mine["delta_se"]).abs().max() <= 5e-5
    assert (frame.loc[~frame["touched"], "change"] == 0).all()
    assert (frame["change"] < 0).sum() >= 5  # stress slows outdoor, construction and heating work
    assert ex.recompute(stress)[2] == 2
    # the other pages: the baseline's table, and next year's targets as the bulletin writes them
    attainment = ex.attainment().set_index(["indicator", "region"])["p_met"]
    baseline = (
        table[table["scenario"] == "baseline"].dropna(subset=["p_met"]).set_index(["indicator", "region"])
    )
    assert (attainment - baseline["p_met"].loc[attainment.index]).abs().max() <= 5e-5
    header, rows = ex.next_year(0.8)
    forecast = ex.attainment().query("region == 'province'")["indicator"]
    assert "80%" in header and [row[0] for row in rows] == list(forecast)
    assert [row[0] for row in rows][:3] == ["01a", "01b", "01c"] and all(len(r) == len(header) for r in rows)
    # serve --overwrite: the page's "replace an existing file" starts ticked
    from longjiang_forecast.app._layout import scenario_page

    def ticked(explorer):
        return next(
            c.value for c in scenario_page(explorer)._traverse() if getattr(c, "id", "") == "save-overwrite"
        )

    assert ticked(ex) == [] and ticked(dataclasses.replace(ex, overwrite=True)) == ["yes"]


def test_serve_refuses_a_port_in_use_and_names_a_free_one(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ValueError, match=f"port {port} on 127.0.0.1 is in use"):
            check_port("127.0.0.1", port)
        status = main(["serve", "--port", str(port), "--lang", "en"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith(f"error: port {port} on 127.0.0.1 is in use") and "Traceback" not in err
    suggested = int(err.rsplit("--port ", 1)[1].split()[0])
    assert suggested != port
    check_port("127.0.0.1", suggested)  # free


@pytest.mark.parametrize("port", ["70000", "0", "abc"])
def test_serve_refuses_a_port_out_of_range_by_name(port, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--port", port, "--lang", "en"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2 and "--port" in err and "Traceback" not in err
    if port == "70000":
        assert "must be a port from 1 to 65535, got 70000" in err


def test_serve_without_dash_names_the_extra(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "dash", None)  # import dash then raises ImportError
    assert main(["serve", "--lang", "en"]) == 2
    assert 'Install it with: pip install "longjiang_forecast[app]"' in capsys.readouterr().err


@pytest.mark.parametrize("damage", ["missing", "not a store"])
def test_serve_on_a_bad_store_gives_the_stores_own_error(catalog, tmp_path, capsys, damage):
    store = tmp_path / "reports.sqlite"
    if damage == "not a store":
        store.write_bytes(b"this is not SQLite\x00" * 64)
    with pytest.raises(DataValidationError) as own:
        lf.store.progress_at(store, catalog, None)
    status = main(["serve", "--store", str(store), "--port", str(free_port()), "--lang", "en"])
    assert status == 2
    assert capsys.readouterr().err == f"error: {own.value}\n"


def test_importing_the_library_or_its_command_line_does_not_import_dash():
    code = "import longjiang_forecast, longjiang_forecast.cli, sys; print('dash' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------------------------- the browser


def _start_server(tmp_path, port, *args):
    """``longjiang-forecast serve`` in a subprocess; returns it once the page answers."""
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "longjiang_forecast", "serve", "--port", str(port), *args],
        stdout=log, stderr=subprocess.STDOUT, cwd=tmp_path,
    )  # fmt: skip
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server stopped: {(tmp_path / 'server.log').read_text()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return server
        time.sleep(0.5)
    server.kill()
    pytest.fail("the server did not answer within 240 s")


def _column(page, table, column):
    return [float(x) for x in page.locator(f"#{table} td[data-dash-column='{column}']").all_inner_texts()]


@pytest.mark.slow  # the server's fit, the command line's run and the browser: about 60 s on 2 cores
def test_a_scenario_set_in_the_browser_gives_the_numbers_of_the_command_line(chromium, catalog, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    port, seed, draws = free_port(), 31, 4000
    settings = ["--draws", str(draws), "--seed", str(seed), "--lang", "en", "--out", "saved"]
    server = _start_server(tmp_path, port, *settings)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.set_default_timeout(60_000)
            # the assertions wait as long as the actions: on CI's two loaded cores next year's targets
            # for 377 series took longer than playwright's default of 5 s to appear
            expect.set_options(timeout=60_000)
            # the other pages answer: the table, a target's charts, next year's targets
            page.goto(f"http://127.0.0.1:{port}/")
            expect(page.locator("#attainment-table td[data-dash-column='p_met']").first).to_be_visible()
            table_p = _column(page, "attainment-table", "p_met")
            page.goto(f"http://127.0.0.1:{port}/target?id=09a")
            for chart in ("#fan-chart", "#first-passage-chart"):
                expect(page.locator(chart)).to_have_attribute("src", re.compile(r"^data:image/png;base64,"))
            page.goto(f"http://127.0.0.1:{port}/planning")
            expect(page.locator("#planning-table")).to_contain_text("80%")

            page.goto(f"http://127.0.0.1:{port}/scenario")
            expect(page.locator("#scenario-status")).to_have_text("No effect is on: the baseline.")
            # the table's rows, once drawn (read at once, they were once not there yet: 0 ids, 39 values)
            expect(page.locator("#scenario-table td[data-dash-column='indicator']").first).to_be_visible()
            ids = page.locator("#scenario-table td[data-dash-column='indicator']").all_inner_texts()
            baseline = _column(page, "scenario-table", "p_scenario")
            assert (
                len(ids) == len(baseline) >= 20 and _column(page, "scenario-table", "p_baseline") == baseline
            )
            assert table_p == baseline  # the table page's province rows, in the same order

            # a value outside its range: refused in place with the loader's message, the table kept
            page.locator("#delay-on input").check()
            expect(page.locator("#scenario-status")).to_have_text(re.compile(r"Run \d+: .* \(explorer\)\."))
            run = int(page.locator("#scenario-status").inner_text().split(":")[0].split()[1])
            page.locator("#delay-probability").fill("1.5")
            page.locator("#delay-probability").press("Enter")
            refusal = "the scenario page: 'effects[0].probability' must be a number in [0, 1]. Got 1.5."
            kept = "Refused (the table keeps the last valid scenario): "
            expect(page.locator("#scenario-error")).to_have_text(kept + refusal)
            expect(page.locator("#delay-error")).to_have_text(refusal)

            # a certain delay of one to two months from September for construction and heating work
            page.locator("#delay-probability").fill("1")
            page.locator("#delay-probability").press("Enter")
            expect(page.locator("#scenario-status")).to_contain_text(f"Run {run + 1}:")
            expect(page.locator("#scenario-error")).to_have_text("")
            shown = _column(page, "scenario-table", "p_scenario")
            status = page.locator("#scenario-status").inner_text()
            page.locator("#save-button").click()
            expect(page.locator("#save-message")).to_contain_text("Saved saved/explorer.toml")
            page.locator("#save-button").click()  # again: the file is there, and is not replaced
            expect(page.locator("#save-message")).to_contain_text("exists already")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"\nthe page: {status}")

    saved = tmp_path / "saved" / "explorer.toml"
    assert load_scenario(saved, catalog=catalog).effects[0].probability == 1.0
    cli = subprocess.run(
        [sys.executable, "-m", "longjiang_forecast", "scenarios", str(saved), "--draws", str(draws), "--seed",
         str(seed), "--out", str(tmp_path / "cli"), "--lang", "en", "-q"],
        capture_output=True, text=True, timeout=600, cwd=tmp_path,
    )  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    csv = pd.read_csv(tmp_path / "cli" / "scenario_comparison.csv", dtype={"indicator": str})
    csv = csv[(csv["region"] == "province") & csv["p_met"].notna()]
    theirs = csv[csv["scenario"] == "explorer"].set_index("indicator")["p_met"]
    assert list(theirs.index) == ids
    assert shown == list(theirs)  # the same numbers, to the CSV's four decimals
    assert list(csv[csv["scenario"] == "baseline"]["p_met"]) == baseline
    moved = [(i, b, s) for i, b, s in zip(ids, baseline, shown, strict=True) if s != b]
    assert len(moved) >= 3 and all(s < b for _, b, s in moved)  # a delay only slows work down
    print(json.dumps({"series": len(ids), "moved": len(moved), "largest": min(s - b for _, b, s in moved)}))


def test_a_target_page_says_what_changed_since_the_last_published_forecast(catalog, tmp_path):
    reports = "indicator,region,month,value,reported_on\n" + "".join(
        f"09a,{region},2024-{m:02d},{round(value * m / 12)},2024-{m + 1:02d}-05\n"
        for region, value in (("province", 15000), ("harbin", 4000), ("daqing", 1500))
        for m in (1, 2, 3, 4, 5)
    )
    (tmp_path / "reports.csv").write_text(reports, encoding="utf-8")
    store = tmp_path / "s.sqlite"
    lf.store.ingest(store, [tmp_path / "reports.csv"], catalog)
    april = lf.store.progress_at(store, catalog, "2024-05-06")
    lf.store.publish(store, lf.forecast(april, catalog, n_draws=400, seed=7), seed=7, vintage="2024-05-06")
    progress = lf.store.progress_at(store, catalog)
    ex = Explorer.start(progress, catalog, lang="en", n_draws=400, seed=8, out=tmp_path, store=str(store))
    table, note = ex.changes()
    assert table is None and note.startswith(
        f"{store}: what changed needs two published forecasts (it holds 1)"
    )
    lf.store.publish(store, lf.forecast(progress, catalog, n_draws=400, seed=8), seed=8)
    ex = Explorer.start(progress, catalog, lang="en", n_draws=400, seed=8, out=tmp_path, store=str(store))
    table, note = ex.changes()
    assert note == "Forecast 1 to 2: revisions, new reports, settings and Monte Carlo noise."
    expected = lf.store.changes(store, 1, 2)
    pd.testing.assert_frame_equal(table, expected)
    assert sorted(table["region"]) == ["daqing", "harbin", "province"] and (table["news"] != 0).any()
    # the May reports are the news; at 400 draws one row's share of it may round to exactly 0
    parts = table[["revisions", "news", "settings", "noise"]].sum(axis=1)
    assert np.allclose(parts, table["change"], atol=1e-12)
    without = Explorer.start(progress, catalog, lang="zh", n_draws=400, seed=8, out=tmp_path)
    assert without.changes() == (None, "以 --store PATH 启动，可查看与上月相比的变化。")


def test_a_page_that_fails_on_the_server_is_logged_in_one_line_with_its_error():
    import logging

    from longjiang_forecast.cli import _Prefixed

    try:
        raise KeyError("09z")
    except KeyError:
        record = logging.LogRecord(
            "longjiang_forecast.app._server", logging.ERROR, __file__, 1,
            "Exception on /_dash-update-component [POST]", (), sys.exc_info(),
        )  # fmt: skip
    line = _Prefixed("en").format(record)
    assert line == "warning: Exception on /_dash-update-component [POST]: KeyError: '09z'"


def test_an_unknown_target_or_page_says_so_instead_of_showing_another_silently(catalog, tmp_path):
    from longjiang_forecast.app._layout import target_page

    small = catalog.subset(["09a", "19b"])
    progress = lf.testing.synthetic_progress(small, seed=3)
    ex = Explorer.start(progress, small, lang="zh", n_draws=400, seed=8, out=tmp_path)
    page = str(target_page(ex, "zzz"))
    assert "本次预测中没有指标“zzz”，下面显示的是 09a" in page and "unknown-target" in page
    assert "unknown-target" not in str(target_page(ex, "19b")) + str(target_page(ex, None))
