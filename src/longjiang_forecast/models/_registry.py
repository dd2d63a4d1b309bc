"""The models by name: the registry, name resolution, and the packages each model needs.

Read by the pipeline (``backtest(model="ets")``), the command line (``--model``) and the
recalibration maps (which record the model they were fitted for).
"""

from __future__ import annotations

import importlib.util
from typing import Any

from .baselines import EarnedScheduleModel, RequiredRateModel, RunRateModel
from .growth_curve import GrowthCurveModel
from .hierarchical import HierarchicalModel
from .milestone import MilestoneModel
from .seasonal_share import SeasonalShareModel
from .statespace import ETSModel

#: Models by the name the command line and the backtest use (``--model NAME``).
MODEL_REGISTRY: dict[str, type] = {
    "seasonal_share": SeasonalShareModel,
    "ets": ETSModel,
    "growth_curve": GrowthCurveModel,
    "hierarchical": HierarchicalModel,
    "milestone": MilestoneModel,
    "run_rate": RunRateModel,
    "required_rate": RequiredRateModel,
    "earned_schedule": EarnedScheduleModel,
}

#: Models that need packages outside the base install: (import names, the extra that installs them).
MODEL_EXTRAS: dict[str, tuple[tuple[str, ...], str]] = {
    "hierarchical": (("pymc", "arviz"), "bayes"),
    "ets": (("statsmodels",), "ets"),
}


def missing_packages(model: str) -> list[str]:
    """The packages a registered model needs that are not installed.

    Parameters
    ----------
    model : str
        A name of :data:`MODEL_REGISTRY`.

    Returns
    -------
    list of str
        Import names of the missing packages (empty when the model can run).
        Only looked up (``importlib.util.find_spec``), not imported, so the
        check is quick.

    Examples
    --------
    >>> missing_packages("seasonal_share")
    []
    """
    needed = MODEL_EXTRAS.get(model, ((), ""))[0]
    return [name for name in needed if importlib.util.find_spec(name) is None]


def install_hint(model: str) -> str:
    """The ``pip install`` command that adds the packages of :data:`MODEL_EXTRAS` a model needs."""
    extra = MODEL_EXTRAS.get(model, ((), ""))[1]
    return f'pip install "longjiang_forecast[{extra}]"'


def resolve_model(model: Any) -> Any:
    """Return a fresh, unfitted model from a registry name, a class or an instance.

    Parameters
    ----------
    model : str, type or AttainmentModel
        A key of :data:`MODEL_REGISTRY`, a model
        class, or a model instance (cloned from its ``get_params()``, so the
        caller's object is never fitted).

    Returns
    -------
    AttainmentModel
        A new instance.

    Raises
    ------
    ValueError
        If ``model`` is a string that is not a registered name.
    TypeError
        If ``model`` does not follow the model protocol.
    """
    if isinstance(model, str):
        if model not in MODEL_REGISTRY:
            raise ValueError(
                f"Unknown model {model!r}. Known models: {sorted(MODEL_REGISTRY)}. "
                "Pass one of these names, a model class or a model instance."
            )
        return MODEL_REGISTRY[model]()
    if isinstance(model, type):
        model = model()
    if not all(hasattr(model, a) for a in ("fit", "sample_parameters", "get_params")):
        raise TypeError(
            "The 'model' parameter must be a registered name, a model class or an instance with "
            f"fit, sample_parameters and get_params. Got {type(model).__name__} instead."
        )
    return type(model)(**model.get_params())


def model_name(model: Any) -> str:
    """Return the registry name of a model (its class name if it is not registered).

    Parameters
    ----------
    model : AttainmentModel or type

    Returns
    -------
    str
    """
    cls = model if isinstance(model, type) else type(model)
    for name, registered in MODEL_REGISTRY.items():
        if registered is cls:
            return name
    return cls.__name__
