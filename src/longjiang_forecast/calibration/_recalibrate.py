"""Recalibration maps for attainment probabilities: isotonic regression or beta calibration.

A map ``g: [0, 1] -> [0, 1]`` is fitted on backtest pairs (forecast
probability, outcome) and applied to new forecasts of the same model. It is
saved to JSON together with the model and its settings, so that it is only
ever applied to the forecaster it was fitted for.

A map is only fitted on enough forecasts of both outcomes (:data:`MIN_FORECASTS`,
:data:`MIN_PER_CLASS`): on outcomes all of one class (every target met) it
would send every probability to that outcome and score a Brier of 0 on the
data it was fitted on. A saved map is checked field by field when loaded, and
:meth:`Recalibrator.transform` refuses probabilities outside [0, 1] and NaN
rather than clip or pass them through.

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
from numbers import Real
from pathlib import Path
from typing import Any, Literal, Self

import numpy as np
from scipy import optimize, special

from .._core.checks import check_param
from .._core.exceptions import DataValidationError, NotFittedError
from .._core.isotonic import pooled_isotonic
from .._core.provenance import make_attrs
from ..models import model_name

Method = Literal["isotonic", "beta"]
METHODS: tuple[str, ...] = ("isotonic", "beta")
#: Format tag of saved maps. Version 2 records ``n_met`` (maps of version 1 could be
#: fitted on outcomes all of one class and are refused on loading).
FORMAT = "longjiang_forecast.recalibration/2"
#: Fewest forecasts with a known outcome that a map is fitted on. A floor that refuses
#: a meaningless map, not a size that makes a map reliable (an isotonic map needs a few
#: hundred): with 20 forecasts and a base rate of 0.25 the binomial standard error of
#: the single overall rate is sqrt(0.25 * 0.75 / 20) = 0.10, so even that one number is
#: known only to about +-0.2 (95 %); a map with several steps (isotonic) or three
#: parameters (beta) fitted on fewer is mostly the noise of its sample.
MIN_FORECASTS = 20
#: Fewest outcomes of each class (met and not met) that a map is fitted on. With none
#: of a class both methods degenerate (isotonic sends every probability to the one
#: outcome seen, beta to a constant near it); with k of a class, where the map puts
#: that class rests on k outcomes, whose count has a relative standard error of about
#: 1 / sqrt(k) (Poisson): 45 % at k = 5, 100 % at k = 1. Five is also the usual floor
#: of an expected count for the binomial to be treated as informative (Cochran 1954).
MIN_PER_CLASS = 5


def _first_bad(p: np.ndarray) -> tuple[int, str, float] | None:
    """Count, position and value of the first entry of ``p`` that is NaN or outside [0, 1]; None if none."""
    bad = ~((p >= 0) & (p <= 1))  # NaN compares False
    if not bad.any():
        return None
    flat = int(np.flatnonzero(bad.ravel())[0])
    pos = np.unravel_index(flat, p.shape) if p.ndim > 1 else (flat,)
    where = str(pos[0]) if len(pos) == 1 else str(tuple(int(i) for i in pos))
    return int(bad.sum()), where, float(p.ravel()[flat])


def _check_enough(y: np.ndarray, lead: str, fix: str) -> None:
    """Raise DataValidationError unless ``y`` holds MIN_FORECASTS outcomes, MIN_PER_CLASS of each class."""
    n, n_met = int(y.size), int(np.sum(y == 1))
    n_not = n - n_met
    if n >= MIN_FORECASTS and min(n_met, n_not) >= MIN_PER_CLASS:
        return
    one = ""
    if n and min(n_met, n_not) == 0:
        which, to = ("met", 1) if n_met else ("not met", 0)
        one = (
            f"Every outcome is {which}, so the map would send every probability to {to} and score "
            "a Brier of 0 on these forecasts: it says nothing about forecasts yet to be resolved. "
        )
    raise DataValidationError(
        f"{lead} {n} forecast{'' if n == 1 else 's'} with a known outcome "
        f"({n_met} met, {n_not} not met); a map needs at least {MIN_FORECASTS} forecasts with at least "
        f"{MIN_PER_CLASS} of each outcome (MIN_FORECASTS, MIN_PER_CLASS in longjiang_forecast.calibration). "
        f"{one}{fix}"
    )


_MORE_DATA = (
    "Backtest more years, series or as-of months (`--years`, `--as-of`) until both outcomes occur "
    "often enough, or use the forecasts without recalibration."
)


def _check_pairs(p: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(p, dtype=float).ravel()
    y = np.asarray(y, dtype=float).ravel()
    if p.shape != y.shape:
        raise ValueError(f"The 'p' and 'y' parameters of Recalibrator.fit must have the same length. "
                         f"Got {p.size} and {y.size}.")  # fmt: skip
    bad = _first_bad(np.where(np.isnan(p), 0.5, p))  # NaN pairs are dropped, not refused
    if bad is not None:
        raise ValueError(
            f"The 'p' parameter of Recalibrator.fit must hold probabilities in [0, 1]; {bad[0]} "
            f"are outside, the first {bad[2]!r} at position {bad[1]}."
        )
    ok = np.isfinite(p) & np.isfinite(y)
    p, y = p[ok], y[ok]
    if p.size == 0:
        raise ValueError("Recalibrator.fit got no pair with a finite probability and a known outcome.")
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
        :func:`scipy.optimize.isotonic_regression`, interpolated linearly
        between its points (non-parametric, needs a few hundred pairs). ``"beta"``: beta calibration of
        Kull et al. (2017), ``g(p) = 1 / (1 + exp(-(c + a ln p - b ln(1 - p))))``
        with ``a, b >= 0`` (three parameters; contains the identity ``a = b =
        1, c = 0``).
    eps : float, default 1e-3
        Bound of the map's outputs: :meth:`transform` returns probabilities in
        ``[eps, 1 - eps]``, never exactly 0 or 1, for both methods (an isotonic
        step fitted on a few forecasts of one outcome would otherwise claim
        certainty, and the beta map saturates far out). Inputs are also clipped
        to ``[eps, 1 - eps]`` before the beta map (Monte Carlo probabilities can
        be exactly 0 or 1).
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
    n_met_ : int
        How many of them had the outcome 1 (target met).

    References
    ----------
    Kull, Silva Filho & Flach (2017), https://proceedings.mlr.press/v54/kull17a.html
    """

    method: str = "isotonic"
    eps: float = 1e-3
    model: str = ""
    model_params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_param("Recalibrator", "method", self.method, options=METHODS)
        check_param("Recalibrator", "eps", self.eps, Real, 0, 0.5, closed="neither")

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
        DataValidationError
            If fewer than :data:`MIN_FORECASTS` pairs are left, or fewer than
            :data:`MIN_PER_CLASS` of either outcome (e.g. every target met): the
            message gives the counts and what to do.
        """
        p, y = _check_pairs(p, y)
        _check_enough(y, "Cannot fit a recalibration map on", _MORE_DATA)
        if self.method == "isotonic":
            x, fitted = _fit_isotonic(p, y)
            if x.size < 2:
                raise DataValidationError(
                    f"Cannot fit an isotonic recalibration map: all {p.size} forecast probabilities are "
                    f"{float(p[0])!r}, so the map would send every probability to one value. Use forecasts "
                    "of a model whose probabilities vary, or no recalibration."
                )
            self.params_ = {"x": x.tolist(), "y": fitted.tolist()}
        else:
            self.params_ = _fit_beta(np.clip(p, self.eps, 1 - self.eps), y)
        self.n_fit_ = int(p.size)
        self.n_met_ = int(np.sum(y == 1))
        return self

    def transform(self, p: Any) -> np.ndarray:
        """Apply the map.

        Parameters
        ----------
        p : array_like of any shape
            Probabilities in [0, 1]. NaN is refused, not passed through: drop
            forecasts without a probability first (e.g. ``p[np.isfinite(p)]``).

        Returns
        -------
        ndarray, same shape as ``p``
            Recalibrated probabilities in ``[eps, 1 - eps]``: a map fitted on a
            finite sample never returns exactly 0 or 1 (certainty it cannot
            have learnt), whatever its fitted points say.

        Raises
        ------
        NotFittedError
            If the map is not fitted.
        DataValidationError
            If ``p`` holds NaN or values outside [0, 1] (the message gives how
            many, and the first one's position and value); they are neither
            clipped nor passed through.
        """
        if not hasattr(self, "params_"):
            raise NotFittedError(
                "This Recalibrator instance is not fitted yet. Call 'fit' with backtest "
                "probabilities and outcomes, or load a saved map with load_recalibrator."
            )
        p = np.asarray(p, dtype=float)
        bad = _first_bad(p)
        if bad is not None:
            raise DataValidationError(
                f"Recalibrator.transform needs probabilities in [0, 1]; {bad[0]} of {p.size} are NaN or "
                f"outside, the first {bad[2]!r} at position {bad[1]}. Pass the model's P(met) unchanged; "
                "drop forecasts without a probability (NaN) first, e.g. p[np.isfinite(p)]."
            )
        if self.method == "isotonic":
            x = np.asarray(self.params_["x"], dtype=float)
            yv = np.asarray(self.params_["y"], dtype=float)
            out = np.interp(p, x, yv) if x.size > 1 else np.full(p.shape, yv[0] if yv.size else np.nan)
        else:
            q = np.clip(p, self.eps, 1 - self.eps)
            a, b, c = (self.params_[k] for k in ("a", "b", "c"))
            out = special.expit(c + a * np.log(q) - b * np.log1p(-q))  # no overflow far out
        return np.clip(out, self.eps, 1 - self.eps)  # never certainty: see the 'eps' parameter

    def to_dict(self) -> dict[str, Any]:
        """Return the map and its settings as a JSON-ready dict.

        Returns
        -------
        dict
            ``format``, ``method``, ``eps``, ``model``, ``model_params``
            (values as ``repr`` strings), ``params``, ``n_fit``, ``n_met`` and
            provenance.

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
            "n_met": self.n_met_,
            **make_attrs(),
        }

    def save(self, path: str | Path, *, overwrite: bool = False) -> Path:
        """Write the map with its model settings to a JSON file.

        Parameters
        ----------
        path : str or pathlib.Path
            File to write (parents are created).
        overwrite : bool, default False
            Replace ``path`` if it exists. By default an existing file is
            refused, as by ``longjiang-forecast backtest --save-calibration``:
            a map fitted for one model and backtest is not silently replaced.

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        NotFittedError
            If the map is not fitted.
        FileExistsError
            If ``path`` exists and ``overwrite`` is False (nothing is written).
        IsADirectoryError
            If ``path`` is a folder.
        """
        path = Path(path)
        if path.is_dir():
            raise IsADirectoryError(
                f"Recalibrator.save: {path} is a folder; give a file name, e.g. {path / 'calibration.json'}."
            )
        if (path.exists() or path.is_symlink()) and not overwrite:
            raise FileExistsError(
                f"Recalibrator.save: {path} exists (nothing was written). Choose another file, or pass "
                "overwrite=True to replace it."
            )
        data = self.to_dict()  # refuses an unfitted map before anything is created
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        return path

    def check_model(self, model: Any, model_params: dict[str, Any] | None = None) -> None:
        """Raise unless the map was fitted for this model and these settings.

        Parameters
        ----------
        model : AttainmentModel, model class or str
            The model whose forecasts are to be recalibrated: an instance
            (fitted or not; its name and ``get_params()`` are compared), a model
            class (its default settings), or a model name together with
            ``model_params``.
        model_params : dict, optional
            The model's ``get_params()``; required with a name, not allowed
            with an instance or class (whose own settings are used).

        Raises
        ------
        DataValidationError
            If the name or a setting differs (the message lists the differences).
        TypeError
            If ``model`` is a name without ``model_params``, or an instance or
            class together with ``model_params``, or of another type.

        Notes
        -----
        Either form: ``rec.check_model(lf.SeasonalShareModel())`` or
        ``rec.check_model("seasonal_share", lf.SeasonalShareModel().get_params())``
        (tested in ``tests/backtesting/test_backtest.py``).
        """
        if isinstance(model, str):
            if model_params is None:
                raise TypeError(
                    f"Recalibrator.check_model({model!r}) needs the model's settings too: pass the model "
                    "instance, check_model(model), or its name and settings, "
                    "check_model(name, model.get_params())."
                )
        else:
            if model_params is not None:
                raise TypeError(
                    "Recalibrator.check_model: give a model instance alone (its settings are read from "
                    "get_params()), or a model name with model_params; not an instance with model_params."
                )
            if isinstance(model, type):
                try:
                    model = model()
                except TypeError as err:
                    raise TypeError(
                        f"Recalibrator.check_model: cannot create {model.__name__}() ({err})."
                    ) from err
            if not callable(getattr(model, "get_params", None)):
                raise TypeError(
                    "The 'model' parameter of Recalibrator.check_model must be a model (instance or class, "
                    f"with get_params()) or a model name. Got {type(model).__name__}."
                )
            model_params = model.get_params()
            model = model_name(model)
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
    """Read a map written by :meth:`Recalibrator.save`, checking every field.

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
    IsADirectoryError
        If ``path`` is a folder.
    DataValidationError
        If the file is not a saved recalibration map, was written by an older
        format, or a field is missing or wrong (e.g. after editing by hand):
        non-numeric or non-finite values, ``eps`` outside (0, 0.5), isotonic
        points outside [0, 1], not increasing (``x``) or decreasing (``y``),
        fewer than 2 isotonic points, negative beta slopes, or fewer forecasts or outcomes of a class than
        :data:`MIN_FORECASTS` / :data:`MIN_PER_CLASS`. The message names the
        file and the field.
    """
    path = Path(path)
    if path.is_dir():
        raise IsADirectoryError(
            f"load_recalibrator: {path} is a folder, not a recalibration map; give the JSON file written "
            "by Recalibrator.save (or `longjiang-forecast backtest --save-calibration FILE`)."
        )
    if not path.is_file():
        raise FileNotFoundError(f"Recalibration map not found: {path} does not exist.")
    refit = (
        "Do not edit a saved map by hand: refit it with `longjiang-forecast backtest "
        "--save-calibration FILE` (or Backtest.fit_recalibrator(...).save(FILE))."
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise DataValidationError(
            f"{path} is not a recalibration map written by Recalibrator.save: it is not valid JSON ({err}). "
            f"{refit}"
        ) from err
    tag = data.get("format") if isinstance(data, dict) else None
    if not isinstance(tag, str) or not tag.startswith(FORMAT.rsplit("/", 1)[0] + "/"):
        raise DataValidationError(
            f"{path} is not a recalibration map written by Recalibrator.save (format {FORMAT!r}): "
            f"its 'format' field is {tag!r}. Fit and save a map with "
            "`longjiang-forecast backtest --save-calibration FILE`."
        )
    if tag != FORMAT:
        old = (
            " (format 1 did not record the outcomes a map was fitted on, and could hold a map fitted on "
            "outcomes all of one class, which sends every probability to 0 or 1)"
            if tag.endswith("/1")
            else ""
        )
        raise DataValidationError(
            f"{path} is a recalibration map in format {tag!r}; this version reads {FORMAT!r} only{old}. "
            f"{refit}"
        )

    def fail(name: str, what: str, got: Any) -> DataValidationError:
        return DataValidationError(f"{path}: field {name!r} {what}; got {got!r}. {refit}")

    def get(obj: dict[str, Any], key: str, name: str) -> Any:
        if key not in obj:
            raise DataValidationError(f"{path}: field {name!r} is missing. {refit}")
        return obj[key]

    def number(value: Any, name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
            raise fail(name, "must be a finite number", value)
        return float(value)

    def count(value: Any, name: str) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(name, "must be a whole number", value)
        return value

    method = get(data, "method", "method")
    if method not in METHODS:
        raise fail("method", f"must be one of {list(METHODS)}", method)
    eps = number(get(data, "eps", "eps"), "eps")
    if not 0 < eps < 0.5:
        raise fail("eps", "must be in (0, 0.5)", eps)
    model = get(data, "model", "model")
    if not isinstance(model, str):
        raise fail("model", "must be a string (the model name)", model)
    model_params = get(data, "model_params", "model_params")
    if not isinstance(model_params, dict):
        raise fail("model_params", "must be an object of the model's settings", model_params)
    for key, value in model_params.items():
        if not isinstance(value, str):
            raise fail(
                f"model_params.{key}", "must be a string (the repr of the setting, as save writes it)", value
            )
    n_fit = count(get(data, "n_fit", "n_fit"), "n_fit")
    n_met = count(get(data, "n_met", "n_met"), "n_met")
    if not 0 <= n_met <= n_fit:
        raise fail("n_met", f"must be between 0 and n_fit = {n_fit}", n_met)
    if n_fit < MIN_FORECASTS or min(n_met, n_fit - n_met) < MIN_PER_CLASS:
        raise DataValidationError(
            f"{path}: fields 'n_fit', 'n_met' say the map was fitted on {n_fit} forecasts ({n_met} met, "
            f"{n_fit - n_met} not met); a map needs at least {MIN_FORECASTS} with at least {MIN_PER_CLASS} "
            f"of each outcome. {_MORE_DATA}"
        )
    params = get(data, "params", "params")
    if not isinstance(params, dict):
        raise fail("params", "must be an object (the fitted map)", params)
    if method == "isotonic":
        points = {}
        for key in ("x", "y"):
            values = get(params, key, f"params.{key}")
            if not isinstance(values, list) or not values:
                raise fail(f"params.{key}", "must be a non-empty list of numbers", values)
            points[key] = [number(v, f"params.{key}[{i}]") for i, v in enumerate(values)]
            for i, v in enumerate(points[key]):
                if not 0 <= v <= 1:
                    raise fail(f"params.{key}[{i}]", "must be a probability in [0, 1]", v)
        x, y = points["x"], points["y"]
        if len(x) != len(y):
            raise fail("params.y", f"must have as many points as params.x ({len(x)})", f"{len(y)} points")
        if len(x) < 2:
            raise fail(
                "params.x",
                "must hold at least 2 points with different probabilities (a map of one point sends "
                "every probability to the same value)",
                x,
            )
        for i in range(1, len(x)):
            if x[i] <= x[i - 1]:
                raise fail(f"params.x[{i}]", f"must be greater than params.x[{i - 1}] = {x[i - 1]!r}", x[i])
            if y[i] < y[i - 1]:
                raise fail(
                    f"params.y[{i}]",
                    f"must not be below params.y[{i - 1}] = {y[i - 1]!r} (the map is monotone)",
                    y[i],
                )
        fitted: dict[str, Any] = {"x": x, "y": y}
    else:
        fitted = {key: number(get(params, key, f"params.{key}"), f"params.{key}") for key in ("a", "b", "c")}
        for key in ("a", "b"):
            if fitted[key] < 0:
                raise fail(f"params.{key}", "must be >= 0 (the beta map is monotone)", fitted[key])
    rec = Recalibrator(method=method, eps=eps, model=model, model_params=model_params)
    rec.params_ = fitted
    rec.n_fit_ = n_fit
    rec.n_met_ = n_met
    return rec


def _fit_isotonic(p: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Isotonic fit of ``y`` on ``p``: the points ``(x, fitted)`` that :meth:`Recalibrator.transform` joins.

    The fit of :func:`~longjiang_forecast._core.isotonic.pooled_isotonic` (ties pooled, then
    :func:`scipy.optimize.isotonic_regression`), less the inner points of each flat stretch
    (they do not change the linear interpolation). The same points as scikit-learn's
    ``IsotonicRegression(y_min=0, y_max=1).fit(p, y)`` (``X_thresholds_``, ``y_thresholds_``),
    which the library used before (tests/calibration/test_recalibration_values.py pins its numbers).
    """
    x, fitted, _ = pooled_isotonic(p, y)  # means of 0/1: in [0, 1]
    keep = np.ones(x.size, dtype=bool)
    keep[1:-1] = (fitted[1:-1] != fitted[:-2]) | (fitted[1:-1] != fitted[2:])
    return x[keep], fitted[keep]


#: Inverse ridge strength of the beta map's logistic fit: a penalty ``|w|^2 / (2 C)`` on the two
#: slopes (not the intercept), as scikit-learn's ``LogisticRegression(C=1e6)`` the library used
#: before. Negligible on ordinary data, it keeps the fit finite when the outcomes are separated.
_BETA_C = 1e6


def _fit_beta(p: np.ndarray, y: np.ndarray) -> dict[str, float]:
    """Beta calibration: logistic regression on (ln p, -ln(1-p)); refit without a negative weight.

    ``y`` holds both outcomes (:meth:`Recalibrator.fit` checks it first). The penalised
    log-likelihood (see :data:`_BETA_C`) is strictly convex, so its maximum is the one root of
    its gradient (the score equations), found by :func:`scipy.optimize.root` (Powell's hybrid
    method with the exact Hessian as Jacobian) to a relative step of 1e-13.

    Raises
    ------
    RuntimeError
        If the root finder does not converge (not seen: the score equations have one root).
    """
    feats = np.column_stack([np.log(p), -np.log1p(-p)])

    def fit(cols: list[int]) -> tuple[np.ndarray, float]:
        design = np.column_stack([feats[:, cols], np.ones(y.size)])
        ridge = np.append(np.full(len(cols), 1.0 / _BETA_C), 0.0)

        def score(w: np.ndarray) -> np.ndarray:
            return design.T @ (special.expit(design @ w) - y) + ridge * w

        def hess(w: np.ndarray) -> np.ndarray:
            q = special.expit(design @ w)
            return (design.T * (q * (1.0 - q))) @ design + np.diag(ridge)

        res = optimize.root(
            score, np.zeros(design.shape[1]), jac=hess, method="hybr", options={"xtol": 1e-13}
        )
        if not res.success:
            raise RuntimeError(f"The beta recalibration map's logistic fit did not converge: {res.message}")
        coef = np.zeros(2)
        coef[cols] = res.x[:-1]
        return coef, float(res.x[-1])

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
        Held-out recalibrated probabilities (NaN where ``p`` is NaN).

    Raises
    ------
    ValueError
        If fewer than two groups are given.
    DataValidationError
        If, for a group with a probability to recalibrate, the other groups
        hold fewer than :data:`MIN_FORECASTS` forecasts with a known outcome or
        fewer than :data:`MIN_PER_CLASS` of either outcome: the message names
        the group and the counts. A map is not fitted on too little, so that a
        degenerate map (e.g. every probability sent to 1 when every target was
        met) does not report a Brier of 0.
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
    known = np.isfinite(p) & np.isfinite(y)
    for g in labels:
        test = (groups == g) & np.isfinite(p)
        if not test.any():
            continue  # nothing to recalibrate in this group
        train = (groups != g) & known
        _check_enough(
            y[train],
            f"Cannot cross-fit the recalibration map of group {g}: the other groups hold",
            "Each group (year) is recalibrated by a map fitted on the other groups only, so each such "
            "set must be large enough. Backtest more years, series or as-of months (`--years`, "
            "`--as-of`), or score without recalibration (leave out `--recalibrate`).",
        )
        out[test] = Recalibrator(method=method, eps=eps).fit(p[train], y[train]).transform(p[test])
    return out
