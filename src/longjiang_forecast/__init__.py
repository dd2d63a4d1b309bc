"""longjiang_forecast: how likely is each year-end livelihood target to be met.

Pipeline: progress data -> fitted model -> parameter draws -> simulated paths
-> summaries -> reports. Import-time work: none beyond importing numpy/xarray.
"""

from ._core.exceptions import DataValidationError, ForecastWarning, NotFittedError
from ._core.provenance import library_version
from ._core.state import build_state
from .catalog import Catalog, load_catalog, load_regions
from .models import SeasonalShareModel
from .pipeline import Forecast, forecast
from .progress import load_national_progress, load_pm25, read_progress, write_progress
from .simulate import simulate
from .summarise import summarise

__version__ = library_version()

__all__ = [
    "Catalog",
    "DataValidationError",
    "Forecast",
    "ForecastWarning",
    "NotFittedError",
    "SeasonalShareModel",
    "__version__",
    "build_state",
    "forecast",
    "load_catalog",
    "load_national_progress",
    "load_pm25",
    "load_regions",
    "read_progress",
    "simulate",
    "summarise",
    "write_progress",
]
