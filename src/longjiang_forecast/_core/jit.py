"""numba's ``njit`` with an on-disk cache where one can be written, and without one elsewhere.

The compiled kernels are cached (``cache=True``) so that a second run starts without
compiling. numba keeps that cache beside the source (``__pycache__``), else in the
user's cache folder (``~/.cache/numba`` on Linux, numba's ``UserWideCacheLocator``),
or in ``NUMBA_CACHE_DIR`` when that is set. When none of these can be written (an
installation in a read-only folder run by a user whose home is read-only too), numba
refuses to decorate the function at import ("cannot cache function ...: no locator
available"); :func:`cached_njit` then compiles the kernel without a cache, silently:
the results are the same, only each run compiles again (see ``docs/simulation.md``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import numba

# A kernel: numba's dispatcher is called like the Python function it compiles, so the decorators
# below keep the function's signature for the type checker (numba itself ships no types).
_Kernel = TypeVar("_Kernel", bound=Callable[..., Any])


def njit(**options: Any) -> Callable[[_Kernel], _Kernel]:
    """Return ``numba.njit(**options)``, typed: the compiled kernel keeps the function's signature.

    Parameters
    ----------
    **options
        numba ``njit`` options (e.g. ``inline="always"``).

    Returns
    -------
    callable
        A decorator that turns a Python function into a numba dispatcher.
    """
    decorate: Callable[[_Kernel], _Kernel] = numba.njit(**options)
    return decorate


def cached_njit(**options: Any) -> Callable[[_Kernel], _Kernel]:
    """Return a decorator: ``numba.njit(cache=True, **options)``, uncached where no cache can be written.

    Parameters
    ----------
    **options
        numba ``njit`` options (e.g. ``nogil=True``); ``cache`` is set here.

    Returns
    -------
    callable
        A decorator that turns a Python function into a numba dispatcher.

    Raises
    ------
    RuntimeError
        numba's own errors other than the missing cache location (they are bugs).

    Examples
    --------
    >>> @cached_njit(nogil=True)
    ... def twice(x):
    ...     return 2 * x
    >>> twice(21)
    42
    """

    def decorate(func: _Kernel) -> _Kernel:
        try:
            return njit(cache=True, **options)(func)
        except RuntimeError as err:  # numba: "cannot cache function ...: no locator available ..."
            if "no locator available" not in str(err):
                raise
            return njit(**options)(func)

    return decorate
