"""Helpers for tests and demos: seeded synthetic progress, synthetic worlds with known truth, scores."""

from .families import SyntheticFamilies, synthetic_families
from .provinces import PROVINCE_FAMILIES, ProvinceFamilySpec, SyntheticProvince, synthetic_province
from .scoring import acceptance, oracle_scores, province_scores, with_oracle
from .synthetic import SYNTHETIC_NOTE, synthetic_progress

__all__ = [
    "PROVINCE_FAMILIES",
    "SYNTHETIC_NOTE",
    "ProvinceFamilySpec",
    "SyntheticFamilies",
    "SyntheticProvince",
    "acceptance",
    "oracle_scores",
    "province_scores",
    "synthetic_families",
    "synthetic_progress",
    "synthetic_province",
    "with_oracle",
]
