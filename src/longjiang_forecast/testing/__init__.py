"""Helpers for tests and demos: seeded synthetic progress, and synthetic families with known truth."""

from .families import SyntheticFamilies, synthetic_families
from .synthetic import SYNTHETIC_NOTE, synthetic_progress

__all__ = ["SYNTHETIC_NOTE", "SyntheticFamilies", "synthetic_families", "synthetic_progress"]
