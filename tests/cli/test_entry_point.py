"""The command's own entry point (``cli.run``): it ends the process at once after ``main``.

Python's shutdown is skipped (``os._exit``), so these run the command as users do, in a process
of its own, and check that nothing it prints or writes is lost and that its status is ``main``'s.
"""

import json
import subprocess
import sys

import longjiang_forecast as lf


def _command(*args, cwd, entry=("-m", "longjiang_forecast")):
    return subprocess.run(
        [sys.executable, *entry, *args], capture_output=True, text=True, cwd=cwd, timeout=600, check=False
    )


def test_every_line_and_file_of_a_run_arrive(tmp_path):
    done = _command("--draws", "200", "--out", "o", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    # every line printed, as through main() with Python's usual shutdown
    usual = "from longjiang_forecast.cli import main; import sys; sys.exit(main(sys.argv[1:]))"
    slow = _command("--draws", "200", "--out", "o2", cwd=tmp_path, entry=("-c", usual))
    assert slow.returncode == 0, slow.stderr
    assert "No forecast:" in done.stdout and done.stdout == slow.stdout
    assert "Wrote o/attainment.csv" in done.stderr  # the closing line, on stderr
    out = tmp_path / "o"
    meta = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert meta["n_draws"] == 200
    back = lf.open_forecast(out / "forecast.nc")
    assert back.summary.sizes["series"] == 377  # the built-in list: every series, read back whole
    assert (out / "attainment.xlsx").read_bytes()[:2] == b"PK"  # a whole zip (xlsx)


def test_a_refusal_keeps_its_status_and_message(tmp_path):
    done = _command("--draws", "0", "--out", "o", cwd=tmp_path)
    assert done.returncode == 2
    assert "--draws" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "o").exists()  # nothing made for a refused run
