"""The problem collector: every problem of a user's file, raised together as one clear error.

A reader adds each problem it meets (row, field, what is wrong and how to fix it) and raises
them all at the end, so a user fixes a file in one go rather than one error per run. Nothing is
dropped: past :data:`MAX_LISTED` problems the message says how many more there are.
"""

from __future__ import annotations

from .exceptions import DataValidationError

__all__ = ["MAX_LISTED", "Problems"]

#: Problems listed in one message; the rest are counted.
MAX_LISTED = 20


class Problems:
    """Collects the problems of one file and raises them as one :class:`DataValidationError`.

    Parameters
    ----------
    heading : str
        The first line of a message of several problems; ``{n}`` is replaced by their number
        and ``{s}`` by ``"s"`` when there are several (e.g. ``"x.csv: {n} problem{s} in the file:"``).
    one_line : bool, default False
        Raise a single problem as its own line, without the heading.

    Attributes
    ----------
    items : list of str
        The problems, in the order they were found.
    hints : dict of str to None
        How to fix them, each printed once under the list (insertion-ordered).

    Examples
    --------
    >>> problems = Problems("x.csv: {n} problem{s} in the file:")
    >>> problems.add("row 3: the value 'abc' is not a number", hint="Write numbers without units.")
    >>> problems.raise_if_any()
    Traceback (most recent call last):
    ...
    longjiang_forecast._core.exceptions.DataValidationError: x.csv: 1 problem in the file:
      - row 3: the value 'abc' is not a number
    Write numbers without units.
    """

    def __init__(self, heading: str, *, one_line: bool = False) -> None:
        self.heading = heading
        self.one_line = one_line
        self.items: list[str] = []
        self.hints: dict[str, None] = {}

    def add(self, message: str, hint: str | None = None) -> None:
        """Record one problem and, optionally, how to fix it (each hint is printed once)."""
        self.items.append(message)
        if hint:
            self.hints[hint] = None

    def raise_if_any(self) -> None:
        """Raise every recorded problem as one :class:`DataValidationError` (nothing when none).

        Raises
        ------
        DataValidationError
            The heading, the first :data:`MAX_LISTED` problems, how many more, and the hints.
        """
        n = len(self.items)
        if n == 0:
            return
        if n == 1 and self.one_line:
            raise DataValidationError("\n".join([self.items[0], *self.hints]))
        lines = [self.heading.replace("{n}", str(n)).replace("{s}", "s" if n > 1 else "")]
        lines += [f"  - {item}" for item in self.items[:MAX_LISTED]]
        if n > MAX_LISTED:
            lines.append(f"  ... and {n - MAX_LISTED} more")
        lines += list(self.hints)
        raise DataValidationError("\n".join(lines))
