"""The documentation site builds with warnings as errors, so it cannot drift from the code."""

import subprocess
import sys
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"


@pytest.mark.slow
def test_docs_build_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-W", "--keep-going", "-q", str(DOCS), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "index.html").exists()
    assert (tmp_path / "glossary.html").read_text(encoding="utf-8").count("民生实事") >= 1


def test_subpackages_are_attributes_after_a_plain_import():
    """docs/api.md writes ``lf.metrics``, ``lf.calibration``, ``lf.testing``: they must work after
    ``import longjiang_forecast as lf`` alone (a fresh interpreter), without replacing ``lf.backtest``."""
    import subprocess
    import sys

    code = (
        "import longjiang_forecast as lf, sys\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "names = ('backtesting', 'calibration', 'metrics', 'planning', 'plots', 'report', 'store',\n"
        "         'testing')\n"
        "for name in names:\n"
        "    assert getattr(lf, name).__name__ == 'longjiang_forecast.' + name\n"
        "assert callable(lf.backtest) and callable(lf.testing.synthetic_families)\n"
        "try:\n"
        "    lf.nope\n"
        "except AttributeError as err:\n"
        "    assert \"has no attribute 'nope'\" in str(err)\n"
        "else:\n"
        "    raise SystemExit('lf.nope did not raise')\n"
        "print('ok')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"
