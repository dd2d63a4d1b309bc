"""The question scripts of scenarios/ keep an earlier run's results, as the command line does."""

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.mark.parametrize(
    ("script", "earlier"),
    [
        ("where_are_we.py", "attainment.csv"),
        ("what_could_go_wrong.py", "scenario_comparison.csv"),
        ("next_year.py", "next_year_targets.csv"),
    ],
)
def test_a_rerun_into_the_same_folder_is_refused_before_any_work(tmp_path, script, earlier):
    (tmp_path / earlier).write_text("last month's results\n", encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(SCRIPTS / script), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 2
    assert f"holds {earlier} of an earlier run; nothing was run and nothing was replaced" in run.stderr
    assert "add --overwrite" in run.stderr and "Traceback" not in run.stderr
    assert (tmp_path / earlier).read_text(encoding="utf-8") == "last month's results\n"


def test_what_could_go_wrong_prints_the_scenarios_falls_not_baseline_rows(tmp_path):
    """With only a push, it printed ten baseline rows (change 0) under no heading and none of the
    push's rises (a break-it pass): now the falls only, with a heading, or a sentence that there are none."""
    push = tmp_path / "push.toml"
    push.write_text(
        'name = "push-all"\nyear = 2024\n[[effects]]\ntype = "push"\n'
        'months = ["2024-09", "2024-12"]\nfactor = 1.5\n',
        encoding="utf-8",
    )
    run = subprocess.run(
        [
            sys.executable,
            str(SCRIPTS / "what_could_go_wrong.py"),
            str(push),
            "--draws",
            "200",
            "--out",
            str(tmp_path / "o"),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "No scenario lowers the P(met) of any province target." in run.stdout
    assert "baseline" not in run.stdout.split("Wrote")[0]
