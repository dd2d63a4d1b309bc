"""What every model of the library promises: the sklearn-style contract."""

from __future__ import annotations

from typing import Any, Protocol, Self, runtime_checkable

import numpy as np
import xarray as xr

from .._core.exceptions import NotFittedError


@runtime_checkable
class AttainmentModel(Protocol):
    """A model of monthly progress that hands parameter draws to the simulator.

    The constructor takes keyword-only hyper-parameters and stores them;
    ``fit`` sets trailing-underscore state and returns ``self``;
    ``sample_parameters`` returns an ``xarray.Dataset`` with a ``draw`` dim
    (see :func:`longjiang_forecast.simulate`), and raises
    :class:`~longjiang_forecast.NotFittedError` before ``fit``.
    """

    def get_params(self) -> dict[str, Any]:
        """Return the hyper-parameters given to the constructor."""
        ...

    def fit(self, progress: xr.Dataset, *, catalog: Any, as_of: Any = None) -> Self:
        """Fit to the progress data known at ``as_of``."""
        ...

    def sample_parameters(self, n_draws: int, *, rng: np.random.Generator | int | None = None) -> xr.Dataset:
        """Return ``n_draws`` parameter draws for the simulator."""
        ...


def check_is_fitted(model: object, attribute: str = "state_") -> None:
    """Raise :class:`NotFittedError` unless ``model`` has been fitted.

    Raises
    ------
    NotFittedError
        If ``model`` lacks the fitted ``attribute``.
    """
    if not hasattr(model, attribute):
        raise NotFittedError(
            f"This {type(model).__name__} instance is not fitted yet. Call 'fit' with the "
            "progress data before using it."
        )
