"""Months as offices write them: ``2024-08``, ``2024年8月``, ``2024/8``, ``2024.08``, ``202408``, dates.

One parser for every reader of user files, so that a month means the same in a progress file,
a catalogue and a scenario.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["MONTH_FORMS", "parse_month"]

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
            if not 1 <= month <= 12:
                return None, form
            return pd.Timestamp(year=year, month=month, day=1), form
    for pattern in _DATES:
        m = pattern.fullmatch(text)
        if m is not None:
            try:
                day = _dt.date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                return None, "date"
            return pd.Timestamp(year=day.year, month=day.month, day=1), "date"
    return None, ""


def _is_first(ts: pd.Timestamp) -> bool:
    return bool(ts.day == 1 and ts == ts.normalize())
