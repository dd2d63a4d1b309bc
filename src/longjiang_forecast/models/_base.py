"""What every model of the library promises: the sklearn-style contract."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, Self, runtime_checkable

import xarray as xr

from .._core.checks import check_param
from .._core.exceptions import NotFittedError
from .._core.rng import SeedLike

if TYPE_CHECKING:
    from ..catalog import Catalog


@runtime_checkable
class AttainmentModel(Protocol):
    """A model of monthly progress that hands parameter draws to the simulator.

    The constructor takes keyword-only hyper-parameters and stores them;
    ``fit`` sets trailing-underscore state and returns ``self``;
    ``sample_parameters`` returns an ``xarray.Dataset`` with a ``draw`` dim
    (see :func:`longjiang_forecast.simulate`), and raises
    :class:`~longjiang_forecast.NotFittedError` before ``fit``.
    """

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyper-parameters given to the constructor."""
        ...

    def set_params(self, **params: Any) -> Self:
        """Set hyper-parameters by name and return ``self``."""
        ...

    def fit(self, progress: xr.Dataset, *, catalog: Catalog, as_of: Any = None) -> Self:
        """Fit to the progress data known at ``as_of``."""
        ...

    def sample_parameters(self, n_draws: int, *, seed: SeedLike = None) -> xr.Dataset:
        """Return ``n_draws`` parameter draws for the simulator."""
        ...


class BaseModel:
    """Base of every model: hyper-parameters declared by the constructor, checked against constraints.

    A subclass's ``__init__`` takes keyword-only hyper-parameters and stores each, unchanged, under
    its own name; :attr:`_constraints` declares their accepted values (keyword arguments of
    :func:`~longjiang_forecast._core.checks.check_param`), checked by :meth:`_validate_params` at
    the start of ``fit``. :meth:`get_params` and :meth:`set_params` follow scikit-learn, so
    ``sklearn.base.clone(model)`` makes an unfitted copy with the same hyper-parameters.
    Constructor arguments kept only under an old name for one release (:attr:`_renamed`) are not
    hyper-parameters.
    """

    #: hyper-parameter name -> keyword arguments of :func:`check_param`.
    _constraints: ClassVar[dict[str, dict[str, Any]]] = {}
    #: old constructor argument -> its new name (accepted with a FutureWarning for one release).
    _renamed: ClassVar[dict[str, str]] = {}

    @classmethod
    def _param_names(cls) -> list[str]:
        """The hyper-parameters: the constructor's keyword-only arguments, in their order."""
        params = inspect.signature(cls.__init__).parameters.values()
        names = [p.name for p in params if p.name != "self" and p.name not in cls._renamed]
        for p in params:
            if p.name != "self" and p.kind is not inspect.Parameter.KEYWORD_ONLY:
                raise TypeError(f"{cls.__name__}.__init__ takes keyword-only arguments; '{p.name}' is not.")
        return names

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """Return the hyper-parameters, as given to the constructor.

        Parameters
        ----------
        deep : bool, default True
            Also return the parameters of hyper-parameters that are themselves models
            (as ``name__param``), as scikit-learn does.

        Returns
        -------
        dict
            Parameter name -> value.
        """
        out: dict[str, Any] = {}
        for name in self._param_names():
            value = getattr(self, name)
            if deep and hasattr(value, "get_params") and not isinstance(value, type):
                out.update({f"{name}__{k}": v for k, v in value.get_params().items()})
            out[name] = value
        return out

    def set_params(self, **params: Any) -> Self:
        """Set hyper-parameters by name (checked at the next ``fit``) and return ``self``.

        Parameters
        ----------
        **params
            Parameter name -> value; ``name__param`` sets a parameter of a nested model.

        Returns
        -------
        self

        Raises
        ------
        ValueError
            If a name is not a hyper-parameter of the model.
        """
        valid = self._param_names()
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for model {type(self).__name__}. "
                    f"Valid parameters are: {sorted(valid)!r}."
                )
            if sub:
                nested.setdefault(name, {})[sub] = value
            else:
                setattr(self, name, value)
        for name, sub_params in nested.items():
            getattr(self, name).set_params(**sub_params)
        return self

    def __repr__(self) -> str:
        params = ", ".join(f"{k}={v!r}" for k, v in self.get_params(deep=False).items())
        return f"{type(self).__name__}({params})"

    def _validate_params(self) -> None:
        """Check every hyper-parameter against :attr:`_constraints` (the one-sentence ValueError)."""
        for name, spec in self._constraints.items():
            check_param(type(self).__name__, name, getattr(self, name), **spec)


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
