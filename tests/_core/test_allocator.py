"""The command line keeps freed memory for reuse (glibc): the same work, far fewer page faults."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from longjiang_forecast._core.allocator import keep_freed_memory

# Arrays of 1 to 7 MiB made and freed in turn, as the fit's posterior grids are: glibc's default
# gives most of each freed block back to the kernel, so the next array faults its pages in again.
_WORK = """
import json, resource, sys
import numpy as np
from longjiang_forecast._core.allocator import keep_freed_memory
kept = keep_freed_memory() if sys.argv[1] == "keep" else False
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for i in range(50):
    a = np.ones((1 + i % 7) * 2**17)
    b = np.exp(a)
    c = b * a
    del a, b, c
print(json.dumps({"kept": kept, "faults": resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before}))
"""


def _faults(mode: str) -> dict[str, int]:
    out = subprocess.run([sys.executable, "-c", _WORK, mode], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt (Linux)")
def test_freed_arrays_are_reused_not_faulted_in_again():
    default, kept = _faults("default"), _faults("keep")
    assert kept["kept"]
    pages = sum(3 * (1 + i % 7) * 2**17 * 8 // 4096 for i in range(50))  # every page of every array
    assert default["faults"] > 0.2 * pages  # measured: 47,000 of 153,000
    assert kept["faults"] < 0.05 * pages  # measured: 4,300 (the first arrays' pages, numpy's own)


def test_it_says_whether_it_changed_anything(monkeypatch):
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")  # this test process keeps NumPy's advice
    assert keep_freed_memory() is sys.platform.startswith("linux")


# NumPy's huge-page advice after keep_freed_memory, called before or after NumPy is imported
_ADVICE = """
import sys
if sys.argv[1] == "after":
    import numpy
from longjiang_forecast._core.allocator import keep_freed_memory
keep_freed_memory()
import numpy
print(numpy._core.multiarray._get_madvise_hugepage())
"""


def _advice(order: str, **env: str) -> str:
    environ = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"} | env
    done = subprocess.run([sys.executable, "-c", _ADVICE, order], capture_output=True, text=True, env=environ)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="transparent huge pages (Linux)")
def test_numpys_huge_page_advice_is_turned_off_unless_the_user_set_it():
    assert _advice("after", NUMPY_MADVISE_HUGEPAGE="1") == "True"  # the advice NumPy gives by default
    assert _advice("before") == "False"  # the command line: NumPy not yet imported
    assert _advice("after") == "False"  # a script that imported NumPy first
    assert _advice("before", NUMPY_MADVISE_HUGEPAGE="1") == "True"  # the user's choice is kept
