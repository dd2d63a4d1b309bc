"""Start-up stays light (issue 14): what ``import longjiang_forecast`` and ``--help`` load.

Properties, not timings: each runs in a fresh interpreter and lists the heavy modules it loaded.
"""

import json
import subprocess
import sys

import pytest

HEAVY = ("scipy.stats", "matplotlib", "numba", "pymc", "statsmodels")


def _loaded_after(code: str, modules: tuple[str, ...]) -> list[str]:
    """The ``modules`` present in ``sys.modules`` after running ``code`` in a new interpreter."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps([m for m in {list(modules)!r} if m in sys.modules]))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_import_loads_no_heavy_library():
    assert _loaded_after("import longjiang_forecast", (*HEAVY, "pandas", "xarray")) == []


def test_the_forecast_functions_load_no_scipy_stats_matplotlib_or_bayesian_library():
    """Using the API's main names loads the data stack and the engine (numba), not other paths' libraries."""
    code = "import longjiang_forecast as lf\nlf.forecast, lf.load_catalog, lf.read_progress, lf.summarise"
    assert _loaded_after(code, tuple(m for m in HEAVY if m != "numba")) == []


@pytest.mark.parametrize("argv", [["--help"], ["forecast", "--help"], ["--version"]])
def test_help_and_version_load_neither_pandas_nor_xarray(argv):
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['longjiang-forecast', *{argv!r}]\n"
        "try:\n"
        "    runpy.run_module('longjiang_forecast', run_name='__main__')\n"
        "except SystemExit as exit:\n"
        "    assert exit.code in (0, None), exit.code\n"
    )
    assert _loaded_after(code, ("numpy", "pandas", "xarray", *HEAVY)) == []


def test_every_public_name_imports_and_the_functions_keep_their_names():
    """``from longjiang_forecast import X`` for every X of ``__all__``; ``lf.simulate`` and ``lf.summarise``
    stay the functions after their subpackages are imported (an import binds a subpackage on its parent)."""
    code = (
        "import longjiang_forecast as lf\n"
        "import longjiang_forecast.simulate._stream, longjiang_forecast.summarise._core\n"
        "assert callable(lf.simulate) and lf.simulate.__name__ == 'simulate', lf.simulate\n"
        "assert callable(lf.summarise) and lf.summarise.__name__ == 'summarise', lf.summarise\n"
        "from longjiang_forecast import *\n"
        "for name in lf.__all__:\n"
        "    exec(f'from longjiang_forecast import {name}')\n"
        "assert lf.__version__ == lf.library_version() and set(lf.__all__) <= set(dir(lf))\n"
        "assert lf.models.__name__ == 'longjiang_forecast.models' and lf.pipeline.forecast is lf.forecast\n"
    )
    assert _loaded_after(code, ()) == []
