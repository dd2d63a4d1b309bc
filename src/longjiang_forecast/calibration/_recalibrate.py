"""Recalibration maps for attainment probabilities: isotonic regression or beta calibration.

A map ``g: [0, 1] -> [0, 1]`` is fitted on backtest pairs (forecast
probability, outcome) and applied to new forecasts of the same model. It is
saved to JSON together with the model and its settings, so that it is only
ever applied to the forecaster it was fitted for.

References
----------
.. [1] Zadrozny, B. & Elkan, C. (2002). Transforming classifier scores into
   accurate multiclass probability estimates. *KDD '02*, 694-699.
   https://doi.org/10.1145/775047.775151 (isotonic recalibration)
.. [2] Kull, M., Silva Filho, T. & Flach, P. (2017). Beta calibration: a
   well-founded and easily implemented improvement on logistic calibration for
   binary classifiers. *AISTATS 2017*, PMLR 54, 623-631.
   https://proceedings.mlr.press/v54/kull17a.html
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
from scipy import special

from .._core.exceptions import DataValidationError, NotFittedError
from .._core.provenance import make_attrs

Method = Literal["isotonic", "beta"]
METHODS: tuple[str, ...] = ("isotonic", "beta")
#: Format tag of saved maps.
FORMAT = "longjiang_forecast.recalibration/1"


def _check_pairs(p: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if p.shape != y.shape:
        raise ValueError(f"The 'p' and 'y' parameters of Recalibrator.fit must have the same length. "
                         f"Got {p.size} and {y.size}.")  # fmt: skip
    ok = np.isfinite(p) & np.isfinite(y)
    p, y = p[ok], y[ok]
    if p.size == 0:
        raise ValueError("Recalibrator.fit got no pair with a finite probability and a known outcome.")
    if p.min() < 0 or p.max() > 1:
        raise ValueError("The 'p' parameter of Recalibrator.fit must hold probabilities in [0, 1].")
    if not np.isin(y, (0.0, 1.0)).all():
        raise ValueError("The 'y' parameter of Recalibrator.fit must hold binary outcomes (0 or 1).")
    return p, y


def _as_reprs(params: dict[str, Any]) -> dict[str, str]:
    """Model settings as ``repr`` strings; a string is one already (backtests and saved maps hold reprs)."""
    return {k: (v if isinstance(v, str) else repr(v)) for k, v in params.items()}


@dataclass(eq=False)
class Recalibrator:
    """A monotone map from forecast probabilities to recalibrated ones.

    Parameters
    ----------
    method : {"isotonic", "beta"}, default "isotonic"
        ``"isotonic"``: the pool-adjacent-violators fit of
        :class:`sklearn.isotonic.IsotonicRegression` (non-parametric, a step
        function, needs a few hundred pairs). ``"beta"``: beta calibration of
        Kull et al. (2017), ``g(p) = 1 / (1 + exp(-(c + a ln p - b ln(1 - p))))``
        with ``a, b >= 0`` (three parameters; contains the identity ``a = b =
        1, c = 0``).
    eps : float, default 1e-3
        Probabilities are clipped to ``[eps, 1 - eps]`` before the beta map
        (Monte Carlo probabilities can be exactly 0 or 1).
    model : str, default ""
        Name of the model whose forecasts the map recalibrates.
    model_params : dict, optional
        That model's ``get_params()`` (values, or their ``repr`` strings as a backtest and a
        saved map hold them); saved with the map as ``repr`` strings.

    Attributes
    ----------
    params_ : dict
        The fitted map: ``x`` and ``y`` (interpolation points) for isotonic,
        ``a``, ``b``, ``c`` for beta.
    n_fit_ : int
        Number of pairs the map was fitted on.

    References
    ----------
    Kull, Silva Filho & Flach (2017), https://proceedings.mlr.press/v54/kull17a.html
    """

    method: str = "isotonic"
    eps: float = 1e-3
    model: str = ""
    model_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(
                f"The 'method' parameter of Recalibrator must be one of {list(METHODS)}. "
                f"Got {self.method!r} instead."
            )
        if not 0 < self.eps < 0.5:
            raise ValueError(
                f"The 'eps' parameter of Recalibrator must be a float in (0, 0.5). Got {self.eps!r} instead."
            )

    def fit(self, p: Any, y: Any) -> Self:
        """Fit the map on forecast probabilities and their outcomes.

        Parameters
        ----------
        p : array_like of shape (n,)
            Forecast probabilities in [0, 1] (pairs with NaN are dropped).
        y : array_like of shape (n,)
            Outcomes 0/1.

        Returns
        -------
        Recalibrator
            ``self``, fitted.

        Raises
        ------
        ValueError
            If the inputs are malformed or no pair is left.
        """
        p, y = _check_pairs(p, y)
        if self.method == "isotonic":
            from sklearn.isotonic import IsotonicRegression

            iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(p, y)
            self.params_ = {"x": iso.X_thresholds_.tolist(), "y": iso.y_thresholds_.tolist()}
        else:
            self.params_ = _fit_beta(np.clip(p, self.eps, 1 - self.eps), y)
        self.n_fit_ = int(p.size)
        return self

    def transform(self, p: Any) -> np.ndarray:
        """Apply the map.

        Parameters
        ----------
        p : array_like
            Probabilities in [0, 1] (NaN stays NaN).

        Returns
        -------
        ndarray, same shape as ``p``
            Recalibrated probabilities in [0, 1].

        Raises
        ------
        NotFittedError
            If the map is not fitted.
        """
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "This Recalibrator instance is not fitted yet. Call 'fit' with backtest "
                "probabilities and outcomes, or load a saved map with load_recalibrator."
            )
        p = np.asarray(p, dtype=float)
        if self.method == "isotonic":
            x = np.asarray(self.params_["x"], dtype=float)
            yv = np.asarray(self.params_["y"], dtype=float)
            out = np.interp(p, x, yv) if x.size > 1 else np.full(p.shape, yv[0] if yv.size else np.nan)
        else:
            q = np.clip(p, self.eps, 1 - self.eps)
            a, b, c = (self.params_[k] for k in ("a", "b", "c"))
            out = special.expit(c + a * np.log(q) - b * np.log1p(-q))  # no overflow far out
        return np.where(np.isfinite(p), out, np.nan)

    def to_dict(self) -> dict[str, Any]:
        """Return the map and its settings as a JSON-ready dict.

        Returns
        -------
        dict
            ``format``, ``method``, ``eps``, ``model``, ``model_params``
            (values as ``repr`` strings), ``params``, ``n_fit`` and provenance.

        Raises
        ------
        NotFittedError
            If the map is not fitted.
        """
        if not hasattr(self, "params_"):
            raise NotFittedError("This Recalibrator instance is not fitted yet; there is nothing to save.")
        return {
            "format": FORMAT,
            "method": self.method,
            "eps": self.eps,
            "model": self.model,
            "model_params": _as_reprs(self.model_params),
            "params": self.params_,
            "n_fit": self.n_fit_,
            **make_attrs(),
        }

    def save(self, path: str | Path) -> Path:
        """Write the map with its model settings to a JSON file.

        Parameters
        ----------
        path : str or pathlib.Path
            File to write (parents are created).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path

    def check_model(self, model: str, model_params: dict[str, Any]) -> None:
        """Raise unless the map was fitted for this model and these settings.

        Parameters
        ----------
        model : str
            Model name.
        model_params : dict
            The model's ``get_params()``.

        Raises
        ------
        DataValidationError
            If the name or a setting differs (the message lists the differences).
        """
        saved = _as_reprs(self.model_params)
        given = {k: repr(v) for k, v in model_params.items()}
        if self.model and model != self.model:
            raise DataValidationError(
                f"This recalibration map was fitted for model {self.model!r}, not {model!r}. "
                "Fit a map on a backtest of this model."
            )
        diff = sorted(k for k in set(saved) | set(given) if saved.get(k) != given.get(k))
        if saved and diff:
            raise DataValidationError(
                f"This recalibration map was fitted for other settings of {model!r}: {diff} differ "
                f"(saved {[saved.get(k) for k in diff]}, given {[given.get(k) for k in diff]}). "
                "Refit the map on a backtest with these settings."
            )


def load_recalibrator(path: str | Path) -> Recalibrator:
    """Read a map written by :meth:`Recalibrator.save`.

    Parameters
    ----------
    path : str or pathlib.Path
        The JSON file.

    Returns
    -------
    Recalibrator
        Fitted; ``model_params`` holds the saved ``repr`` strings.

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    DataValidationError
        If the file is not a saved recalibration map.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Recalibration map not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format") != FORMAT:
            raise KeyError("format")
        rec = Recalibrator(
            method=data["method"],
            eps=float(data["eps"]),
            model=data["model"],
            model_params=data["model_params"],
        )
        rec.params_ = data["params"]
        rec.n_fit_ = int(data["n_fit"])
    except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as err:
        raise DataValidationError(
            f"{path} is not a recalibration map written by Recalibrator.save (format {FORMAT!r}). "
            "Fit and save a map with `longjiang-forecast backtest --save-calibration FILE`."
        ) from err
    return rec


def _fit_beta(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Beta calibration: logistic regression on (ln p, -ln(1-p)); refit without a negative weight."""
    from sklearn.linear_model import LogisticRegression

    if np.unique(y).size < 2:
        c = float(np.log((y.mean() + 0.5 / y.size) / (1 - y.mean() + 0.5 / y.size)))
        return {"a": 0.0, "b": 0.0, "c": c}
    feats = np.column_stack([np.log(p), -np.log1p(-p)])

    def fit(cols: list[int]) -> tuple[np.ndarray, float]:
        lr = LogisticRegression(C=1e6, max_iter=1000).fit(feats[:, cols], y)
        coef = np.zeros(2)
        coef[cols] = lr.coef_[0]
        return coef, float(lr.intercept_[0])

    coef, c = fit([0, 1])
    if coef[0] < 0:
        coef, c = fit([1])
    elif coef[1] < 0:
        coef, c = fit([0])
    coef = np.maximum(coef, 0.0)
    return {"a": float(coef[0]), "b": float(coef[1]), "c": c}


def cross_recalibrate(
    p: Any, y: Any, groups: Any, *, method: Method = "isotonic", eps: float = 1e-3
) -> np.ndarray:
    """Recalibrated probabilities, each from a map fitted without its own group (cross-fitting).

    Parameters
    ----------
    p : array_like of shape (n,)
        Forecast probabilities.
    y : array_like of shape (n,)
        Outcomes 0/1 (NaN: unknown, not used for fitting).
    groups : array_like of shape (n,)
        Group of each forecast (e.g. the outcome year): a forecast is
        recalibrated by a map fitted on the other groups only, so that the
        scores after recalibration are out of sample.
    method : {"isotonic", "beta"}, default "isotonic"
        See :class:`Recalibrator`.
    eps : float, default 1e-3
        See :class:`Recalibrator`.

    Returns
    -------
    ndarray of shape (n,)
        Held-out recalibrated probabilities (NaN where ``p`` is NaN, or where
        the other groups hold no known outcome).

    Raises
    ------
    ValueError
        If fewer than two groups are given.
    """
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    groups = np.asarray(groups).ravel()
    labels = np.unique(groups)
    if labels.size < 2:
        raise ValueError(
            f"cross_recalibrate needs at least two groups to hold one out; got {labels.size}. "
            "Group the forecasts by year (or fit on one backtest and score on another)."
        )
    out = np.full(p.shape, np.nan)
    for g in labels:
        test = groups == g
        train = ~test & np.isfinite(p) & np.isfinite(y)
        if not train.any():
            continue
        out[test] = Recalibrator(method=method, eps=eps).fit(p[train], y[train]).transform(p[test])
    return out
