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
"""

from __future__ import annotations

import ctypes
import ctypes.util
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
    memory goes. Source: ``mallopt(3)``, glibc's ``malloc/malloc.c`` (dynamic threshold).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    kept = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    return bool(kept) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD))
