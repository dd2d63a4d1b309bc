"""The constraint checker: one sentence for a parameter out of its range, one test of a whole number.

Every public function and model states a bad argument the way scikit-learn does:
``The 'x' parameter of f must be <what>. Got <value> instead.``
"""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, SupportsFloat, cast

import numpy as np

__all__ = ["check_count", "check_param", "is_count"]


def is_count(value: Any, low: int = 1) -> bool:
    """Whether ``value`` is a whole number ``>= low`` (a Python or NumPy int; bools and floats are not).

    Examples
    --------
    >>> is_count(3), is_count(0), is_count(0, low=0), is_count(2.0), is_count(True)
    (True, False, True, False, False)
    """
    return not isinstance(value, bool) and isinstance(value, int | np.integer) and bool(value >= low)


def check_param(
    owner: str,
    name: str,
    value: Any,
    kind: type | tuple[type, ...] = Real,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    closed: str = "both",
    options: tuple[Any, ...] | None = None,
    note: str = "",
    none: bool = False,
) -> None:
    """Validate one parameter and raise the library's one-sentence error.

    Parameters
    ----------
    owner : str
        Name of the class or function, for the message.
    name : str
        Name of the parameter.
    value : object
        The value given.
    kind : type or tuple of types, default numbers.Real
        Accepted abstract type (``numbers.Integral`` for ints).
    low, high : float
        Bounds of the accepted range.
    closed : {"both", "left", "right", "neither"}
        Which bounds belong to the range.
    options : tuple, optional
        The accepted values (then ``kind`` and the bounds are ignored).
    note : str, optional
        What the parameter means, put in parentheses after the range (e.g. ``"the number of threads"``).
    none : bool, default False
        Whether None is accepted too (a default the method chooses: "a float in the range (0, inf)
        or None").

    Raises
    ------
    ValueError
        ``The 'name' parameter of owner must be ... Got value instead.``

    Examples
    --------
    >>> check_param("f", "n_jobs", 0, Integral, 1, note="threads")
    Traceback (most recent call last):
    ...
    ValueError: The 'n_jobs' parameter of f must be an int in the range [1, inf) (threads). Got 0 instead.
    """
    if none and value is None:
        return
    if options is not None:
        if value not in options:
            raise ValueError(
                f"The '{name}' parameter of {owner} must be one of {list(options)}. Got {value!r} instead."
            )
        return
    type_name = "an int" if kind is Integral else "a float"
    left = "[" if closed in ("both", "left") else "("
    right = "]" if closed in ("both", "right") else ")"
    span = f"{left}{low:g}, {high:g}{right}".replace("inf]", "inf)")
    extra = f" ({note})" if note else ""
    alternative = " or None" if none else ""
    msg = f"The '{name}' parameter of {owner} must be {type_name} in the range {span}{alternative}{extra}. "
    msg += f"Got {value!r} instead."
    if isinstance(value, bool) or not isinstance(value, kind):
        raise ValueError(msg)
    v = float(cast(SupportsFloat, value))  # an instance of the numeric `kind`
    ok_low = v >= low if closed in ("both", "left") else v > low
    ok_high = v <= high if closed in ("both", "right") else v < high
    if not (math.isfinite(v) and ok_low and ok_high):
        raise ValueError(msg)


def check_count(owner: str, name: str, value: Any, *, low: int = 1, note: str = "") -> None:
    """Raise the one-sentence error unless ``value`` is a whole number ``>= low`` (see :func:`is_count`).

    Raises
    ------
    ValueError
        ``The 'name' parameter of owner must be an int in the range [low, inf). Got value instead.``
    """
    check_param(owner, name, value, Integral, low, note=note)
