"""Helpers for tests and demos: seeded synthetic progress with known behaviour."""

from .synthetic import SYNTHETIC_NOTE, synthetic_progress

__all__ = ["SYNTHETIC_NOTE", "synthetic_progress"]
