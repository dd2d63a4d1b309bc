"""Months as offices write them: ``2024-08``, ``2024年8月``, ``2024/8``, ``2024.08``, ``202408``, dates.

One parser for every reader of user files and every month argument, so that a month means the
same in a progress file, a catalogue, a scenario, ``as_of=`` and ``--as-of``: :func:`parse_month`
reads a cell in any of :data:`MONTH_FORMS`; :func:`parse_month_arg` reads an argument (``YYYY-MM``
or a date) and raises the error that names it.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np
import pandas as pd

from .exceptions import DataValidationError

__all__ = ["MONTH_FORMS", "parse_month", "parse_month_arg"]

#: The accepted forms of a month, as shown in messages (``YYYY.M`` is refused: as an Excel
#: number, 2024.10 shows as 2024.1, so ``2024.1`` may be January or October).
MONTH_FORMS = "YYYY-MM, YYYY-M, YYYY年M月, YYYY/M, YYYY.MM, YYYYMM, or a date in the month"

_FORMS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("YYYY-MM", re.compile(r"(\d{4})-(\d{1,2})")),
    ("YYYY年M月", re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:份)?")),
    ("YYYY/M", re.compile(r"(\d{4})/(\d{1,2})")),
    ("YYYY.MM", re.compile(r"(\d{4})\.(\d{2})")),
    ("YYYYMM", re.compile(r"(\d{4})(\d{2})")),
)
_DATES: tuple[re.Pattern[str], ...] = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00)?)?"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})(?: 0?0:00(?::00)?)?"),
    re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
)


def parse_month(value: Any) -> tuple[pd.Timestamp | None, str]:
    """Parse one month cell into the first day of its month.

    Parameters
    ----------
    value : str, datetime.date, pandas.Timestamp, pandas.Period or numpy.datetime64
        A cell: text in one of :data:`MONTH_FORMS`, or a date (any day of the month: Excel
        stores a typed month as its first day, offices often write its last).

    Returns
    -------
    (pandas.Timestamp or None, str)
        The first day of the month (None when the cell is not a month, including a month
        number outside 1-12 or a date that does not exist), and the form it was written in
        (``"YYYY-MM"``, ``"YYYY年M月"``, ``"YYYY/M"``, ``"YYYY.MM"``, ``"YYYYMM"``, ``"date"``),
        ``""`` when not recognised. The year is not judged here: callers check it against
        their range.

    Examples
    --------
    >>> parse_month("2024年8月")
    (Timestamp('2024-08-01 00:00:00'), 'YYYY年M月')
    >>> parse_month("2024-08-31")
    (Timestamp('2024-08-01 00:00:00'), 'date')
    >>> parse_month("2024.1")  # 2024.10 as an Excel number: January or October?
    (None, '')
    """
    if isinstance(value, pd.Period):
        value = value.to_timestamp()
    if isinstance(value, _dt.date | np.datetime64) and not pd.isna(value):
        ts = pd.Timestamp(value)
        return pd.Timestamp(year=ts.year, month=ts.month, day=1), "YYYY-MM" if _is_first(ts) else "date"
    text = str(value).strip()
    for form, pattern in _FORMS:
        m = pattern.fullmatch(text)
        if m is not None:
            year, month = int(m[1]), int(m[2])
            if not 1 <= month <= 12 or year < 1:
                return None, form
            return pd.Timestamp(year=year, month=month, day=1), form
    for pattern in _DATES:
        m = pattern.fullmatch(text)
        if m is not None:
            try:
                day = _dt.date(int(m[1]), int(m[2]), int(m[3]))
                return pd.Timestamp(year=day.year, month=day.month, day=1), "date"
            except ValueError:  # no such day, or a year pandas cannot hold
                return None, "date"
    return None, ""


def parse_month_arg(value: Any, *, name: str = "as_of") -> pd.Timestamp:
    """Parse a month argument (``as_of=``, ``--as-of``, a scenario's month) into the first day of its month.

    Parameters
    ----------
    value : str, pandas.Timestamp or datetime.date
        ``YYYY-MM`` (two-digit month), or a date in the month.
    name : str, default "as_of"
        The argument's name, for the message (e.g. ``"--as-of"``).

    Returns
    -------
    pandas.Timestamp

    Raises
    ------
    DataValidationError
        If the value is not a month written ``YYYY-MM`` (a month number outside 01-12 is named
        as such; ``2024-8`` is refused, as it always was for ``as_of=``).

    Examples
    --------
    >>> parse_month_arg("2024-08")
    Timestamp('2024-08-01 00:00:00')
    >>> parse_month_arg("2024-13")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    longjiang_forecast._core.exceptions.DataValidationError: '2024-13' has month number 13; the month ...
    """
    if isinstance(value, _dt.date | np.datetime64) and not pd.isna(value):
        ts = pd.Timestamp(value)
        return pd.Timestamp(year=ts.year, month=ts.month, day=1)
    text = str(value).strip()
    month, form = parse_month(text)
    if form == "YYYY-MM" and month is not None and len(text) == 7:  # two-digit month: 2024-08
        return month
    year, _, number = text.partition("-")
    if form == "YYYY-MM" and not 1 <= int(number) <= 12:  # say what is wrong, not only the form
        raise DataValidationError(
            f"{text!r} has month number {int(number)}; the month must be 01-12 (e.g. {year}-12 for "
            f"December {year}): the '{name}' parameter must be a month written YYYY-MM."
        )
    raise DataValidationError(
        f"The '{name}' parameter must be a month written YYYY-MM (e.g. 2024-08). Got {value!r}."
    )


def _is_first(ts: pd.Timestamp) -> bool:
    return bool(ts.day == 1 and ts == ts.normalize())
