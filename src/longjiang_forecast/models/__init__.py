"""Models of monthly progress; each hands parameter draws to the simulator."""

from ._base import AttainmentModel, check_is_fitted
from .seasonal_share import SeasonalShareModel, reference_profile

#: Models by the name the command line and the backtest use (``--model NAME``).
MODEL_REGISTRY: dict[str, type] = {
    "seasonal_share": SeasonalShareModel,
}

__all__ = [
    "MODEL_REGISTRY",
    "AttainmentModel",
    "SeasonalShareModel",
    "check_is_fitted",
    "reference_profile",
]
