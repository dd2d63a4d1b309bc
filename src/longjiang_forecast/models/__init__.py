"""Models of monthly progress; each hands parameter draws to the simulator."""

from ._base import AttainmentModel, check_is_fitted
from .seasonal_share import SeasonalShareModel, reference_profile

__all__ = ["AttainmentModel", "SeasonalShareModel", "check_is_fitted", "reference_profile"]
