"""longjiang_forecast: how likely is each year-end livelihood target to be met.

Pipeline: progress data -> fitted model -> parameter draws -> simulated paths
-> summaries -> reports. Import-time work: none beyond importing numpy/xarray.
"""

from ._core.exceptions import ConvergenceWarning, DataValidationError, ForecastWarning, NotFittedError
from ._core.provenance import library_version
from ._core.state import build_state
from ._forecast_io import open_forecast
from .catalog import Catalog, load_catalog, load_regions
from .models import SeasonalShareModel
from .pipeline import Backtest, Forecast, ScenarioComparison, backtest, compare_scenarios, forecast
from .progress import load_national_progress, load_pm25, read_progress, write_progress
from .simulate import simulate, simulate_summary
from .summarise import summarise

__version__ = library_version()

#: Subpackages imported on first use as attributes (``lf.metrics``, ``lf.plots``, ``lf.testing``, ...),
#: so that ``import longjiang_forecast`` stays light (matplotlib, scoring libraries load only when used).
_LAZY_SUBPACKAGES = frozenset(
    {"backtesting", "calibration", "metrics", "planning", "plots", "report", "store", "testing"}
)


def __getattr__(name: str) -> object:
    """Import a subpackage on first use (PEP 562): ``lf.metrics`` after ``import longjiang_forecast as lf``.

    Raises
    ------
    AttributeError
        If ``name`` is neither a public name nor a subpackage.
    """
    if name in _LAZY_SUBPACKAGES:
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Backtest",
    "Catalog",
    "ConvergenceWarning",
    "DataValidationError",
    "Forecast",
    "ForecastWarning",
    "NotFittedError",
    "ScenarioComparison",
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
