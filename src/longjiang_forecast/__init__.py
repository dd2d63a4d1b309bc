"""longjiang_forecast: how likely is each year-end livelihood target to be met.

Pipeline: progress data -> fitted model -> parameter draws -> simulated paths
-> summaries -> reports. Import-time work: none; each public name imports what
it needs when first used.
"""

from __future__ import annotations

import importlib
import sys
import types

from ._core.exceptions import ConvergenceWarning, DataValidationError, ForecastWarning, NotFittedError

#: Where each public name lives: imported on first use (PEP 562), so that ``import longjiang_forecast``
#: and ``longjiang-forecast --help`` load neither pandas, xarray, scipy nor numba; each loads when a name
#: that needs it is first used (``lf.forecast``, ``from longjiang_forecast import forecast``).
_PUBLIC = {
    "Backtest": ".pipeline",
    "Catalog": ".catalog",
    "Forecast": ".pipeline",
    "ScenarioComparison": ".pipeline",
    "ScenarioRunner": ".pipeline",
    "SeasonalShareModel": ".models",
    "backtest": ".pipeline",
    "build_state": ".progress",
    "compare_scenarios": ".pipeline",
    "forecast": ".pipeline",
    "library_version": "._core.provenance",
    "load_catalog": ".catalog",
    "load_national_progress": ".progress",
    "load_pm25": ".progress",
    "load_regions": ".catalog",
    "open_forecast": ".pipeline",
    "read_progress": ".progress",
    "simulate": ".simulate",
    "simulate_summary": ".simulate",
    "summarise": ".summarise",
    "write_progress": ".progress",
}


def __getattr__(name: str) -> object:
    """Import a public name, ``__version__`` or a subpackage (``lf.metrics``, ``lf.plots``) on first use.

    Raises
    ------
    AttributeError
        If ``name`` is neither a public name nor a module of the package.
    """
    if name in _PUBLIC:
        value = getattr(importlib.import_module(_PUBLIC[name], __name__), name)
    elif name == "__version__":
        value = __getattr__("library_version")()  # type: ignore[operator]
    elif not name.startswith("__"):
        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as err:
            if err.name != f"{__name__}.{name}":
                raise
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_PUBLIC, *__all__})


class _Package(types.ModuleType):
    """The package's module type: ``simulate`` and ``summarise`` stay the functions of the API.

    Importing a subpackage binds it on its parent (``setattr``); two subpackages share their name with
    the function they define, which that binding must not replace once internal code imports them.
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _PUBLIC and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package

__all__ = [
    "Backtest",
    "Catalog",
    "ConvergenceWarning",
    "DataValidationError",
    "Forecast",
    "ForecastWarning",
    "NotFittedError",
    "ScenarioComparison",
    "ScenarioRunner",
    "SeasonalShareModel",
    "__version__",
    "backtest",
    "build_state",
    "compare_scenarios",
    "forecast",
    "load_catalog",
    "load_national_progress",
    "load_pm25",
    "load_regions",
    "open_forecast",
    "read_progress",
    "simulate",
    "simulate_summary",
    "summarise",
    "write_progress",
]
