"""Keep freed memory for reuse in this process, where the C library allows it (glibc's ``mallopt``).

The fit and the engine work on many short-lived arrays of a few MB (a series' posterior grid,
a block of paths). glibc returns each one to the kernel when it is freed (``mmap`` above a
threshold that it raises only up to 32 MiB, and heap trimming above twice that), so the next
array of the same size starts on fresh pages, each one a page fault: the README's default job
took 650,000 minor faults and 1.7-1.9 s of system time in its 7.3 s on this project's 2-core
machine. With the thresholds below the same job takes about 95,000 faults and 0.6 s of system
time, for 80 MB more peak memory (``docs/design/008-allocator.md`` has the measurements).

Only the command line calls :func:`keep_freed_memory`: it owns its process. A script that imports
the library keeps its own allocator settings (it may call the function itself). The setting is
glibc's ``M_MMAP_THRESHOLD`` and ``M_TRIM_THRESHOLD`` (``mallopt(3)``, the same as the
environment variables ``MALLOC_MMAP_THRESHOLD_`` and ``MALLOC_TRIM_THRESHOLD_``).

The arrays above 32 MiB still come fresh from the kernel. NumPy asks for transparent huge pages
on them (``madvise(MADV_HUGEPAGE)``); where the kernel then compacts memory to find them
(``/sys/kernel/mm/transparent_hugepage/defrag`` set to ``madvise``, the default of many
distributions and of this project's machines), each such array can stall: the county job's
draws (4,000 × 4,847 values per variable) took 32.8 s against 30.8 s without the advice. So
:func:`keep_freed_memory` also turns NumPy's advice off, with NumPy's own switch
``NUMPY_MADVISE_HUGEPAGE=0`` (a value the user set is kept).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

#: ``mallopt`` parameter numbers of glibc's ``<malloc.h>``.
_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
#: Blocks of at least this many bytes still come from (and go back to) ``mmap``: glibc's own
#: largest dynamic threshold (``DEFAULT_MMAP_THRESHOLD_MAX`` on 64-bit systems).
MMAP_THRESHOLD = 32 * 1024 * 1024
#: Free memory at the top of the heap is returned to the kernel above this many bytes.
TRIM_THRESHOLD = 128 * 1024 * 1024


def keep_freed_memory() -> bool:
    """Ask glibc to keep freed blocks of up to 32 MiB for reuse instead of returning them at once.

    Returns
    -------
    bool
        True where the setting was made (Linux with glibc), False elsewhere (another C
        library or operating system: nothing is changed, the results are the same, only
        slower).

    Notes
    -----
    Process-wide and permanent for the process; it changes no result, only where freed
    memory goes and how fresh pages are asked for. Also turns off NumPy's huge-page advice
    (see the module notes) unless ``NUMPY_MADVISE_HUGEPAGE`` is set. Sources: ``mallopt(3)``,
    glibc's ``malloc/malloc.c`` (dynamic threshold); NumPy 1.20 release notes
    (``NUMPY_MADVISE_HUGEPAGE``); the kernel's ``admin-guide/mm/transhuge`` (defrag).
    """
    if not sys.platform.startswith("linux"):
        return False
    _no_huge_page_advice()
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    kept = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(kept) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))


def _no_huge_page_advice() -> None:
    """Turn off NumPy's ``madvise(MADV_HUGEPAGE)`` on large arrays, unless the user chose otherwise."""
    if "NUMPY_MADVISE_HUGEPAGE" in os.environ:
        return
    os.environ["NUMPY_MADVISE_HUGEPAGE"] = "0"  # read by NumPy when it is first imported
    numpy = sys.modules.get("numpy")
    if numpy is not None:  # already imported: its own setter (the one the variable sets)
        core = getattr(numpy, "_core", None) or numpy.core  # NumPy 2 / 1.26
        setter = getattr(core.multiarray, "_set_madvise_hugepage", None)
        if setter is not None:
            setter(False)
