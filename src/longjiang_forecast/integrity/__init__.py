"""Report integrity flags for the supervision office (督查): reports unusual against the model and history.

A stage above ``models/`` and ``progress/``: it fits the forecast model to the reports and
judges the reports of the forecast year against the model's seasonal reference class and the
prefecture's own earlier years. Flags are reported, the data are never changed.
"""

from __future__ import annotations

from ._checks import ALPHA, FLAG_COLUMNS, ROUND_SHARES, RULE_NAMES, RULES, check_reports

__all__ = ["ALPHA", "FLAG_COLUMNS", "ROUND_SHARES", "RULES", "RULE_NAMES", "check_reports"]
