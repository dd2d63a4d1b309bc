"""Models of monthly progress; each hands parameter draws to the simulator.

Every model follows the scikit-learn contract (keyword-only hyper-parameters,
``fit(progress, *, catalog, as_of) -> self``, trailing-underscore state,
``sample_parameters(n_draws, *, rng) -> xarray.Dataset``); see ``docs/models.md``.
Heavy dependencies (statsmodels, PyMC) are imported inside the functions that
need them, so importing this package stays cheap.
"""

from .._core.exceptions import ConvergenceWarning
from ._base import AttainmentModel, check_is_fitted
from ._common import SeriesModel, reference_profile
from ._registry import (
    MODEL_EXTRAS,
    MODEL_REGISTRY,
    install_hint,
    missing_packages,
    model_name,
    resolve_model,
)
from .baselines import EarnedScheduleModel, RequiredRateModel, RunRateModel
from .growth_curve import GrowthCurveModel
from .hierarchical import HierarchicalModel
from .milestone import MilestoneModel
from .seasonal_share import SeasonalShareModel
from .statespace import ETSModel

__all__ = [
    "MODEL_EXTRAS",
    "MODEL_REGISTRY",
    "AttainmentModel",
    "ConvergenceWarning",
    "ETSModel",
    "EarnedScheduleModel",
    "GrowthCurveModel",
    "HierarchicalModel",
    "MilestoneModel",
    "RequiredRateModel",
    "RunRateModel",
    "SeasonalShareModel",
    "SeriesModel",
    "check_is_fitted",
    "install_hint",
    "missing_packages",
    "model_name",
    "reference_profile",
    "resolve_model",
]
