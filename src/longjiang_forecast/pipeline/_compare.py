"""Line models up on one data set: a tidy table of P(met), interval and basis per model and series."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pandas as pd
import xarray as xr

from .._core.rng import SeedLike
from ..models import MODEL_REGISTRY
from ._forecast import forecast

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Columns of the table :func:`compare_models` returns.
COMPARE_COLUMNS = (
    "model", "indicator", "region", "kind", "target", "comparator", "observed", "p_met",
    "lower", "median", "upper", "basis", "reason",
)  # fmt: skip


def compare_models(
    models: Mapping[str, Any] | Sequence[str],
    progress: xr.Dataset,
    catalog: Catalog,
    as_of: Any = None,
    n_draws: int = 2000,
    seed: SeedLike = 0,
    *,
    interval: float = 0.8,
) -> pd.DataFrame:
    """Fit several models to the same data and line up their attainment forecasts.

    Parameters
    ----------
    models : mapping of str to model, or sequence of str
        Unfitted models by label, or names of :data:`MODEL_REGISTRY` (built
        with their defaults).
    progress : xarray.Dataset
        Monthly progress (indicator, region, month).
    catalog : Catalog
        The targets.
    as_of : str, optional
        Month of the forecast ``YYYY-MM``; default the latest reported month.
    n_draws : int, default 2000
        Monte Carlo draws per model.
    seed : int, SeedSequence, Generator or None, default 0
        The same seed for every model (common random numbers for the paths).
    interval : float, default 0.8
        Central probability of the interval of the value at the deadline.

    Returns
    -------
    pandas.DataFrame
        One row per model and series, columns :data:`COMPARE_COLUMNS`:
        ``p_met`` the attainment probability (NaN when the model refused the
        series, with the ``reason``), ``lower``/``median``/``upper`` the
        quantiles ``(1 ± interval)/2`` and 0.5 of the value at the deadline
        (indicator unit; the summary's streamed quantiles over every draw),
        ``basis`` what the forecast rests on.

    Raises
    ------
    KeyError
        If a model name is not in :data:`MODEL_REGISTRY`.
    ValueError
        If ``interval`` is not in (0, 1).

    Notes
    -----
    Runs :func:`longjiang_forecast.forecast` per model (it was ``models.compare`` until
    issue 18: the models stage never runs the pipeline).
    """
    if not 0 < interval < 1:
        raise ValueError(
            "The 'interval' parameter of compare_models must be a float in the range (0, 1). "
            f"Got {interval!r} instead."
        )
    if not isinstance(models, Mapping):
        unknown = [m for m in models if m not in MODEL_REGISTRY]
        if unknown:
            raise KeyError(
                f"Models {unknown} are not in MODEL_REGISTRY. Known models: {sorted(MODEL_REGISTRY)}."
            )
        models = {name: MODEL_REGISTRY[name]() for name in models}
    lo_q, hi_q = (1 - interval) / 2, (1 + interval) / 2
    frames = []
    for label, model in models.items():
        result = forecast(
            progress, catalog, as_of=as_of, model=model, n_draws=n_draws, seed=seed,
            quantiles=(lo_q, 0.5, hi_q),
        )  # fmt: skip
        s, state = result.summary, result.state
        qs = s["deadline_value"].sel(quantile=[lo_q, 0.5, hi_q]).transpose("quantile", "series").values
        frames.append(
            pd.DataFrame(
                {
                    "model": label,
                    "indicator": s["indicator"].values,
                    "region": s["region"].values,
                    "kind": state["kind"].values,
                    "target": state["target"].values,
                    "comparator": state["comparator"].values,
                    "observed": state["last_value"].values,
                    "p_met": s["p_met"].values,
                    "lower": qs[0],
                    "median": qs[1],
                    "upper": qs[2],
                    "basis": result.draws["basis"].values,
                    "reason": s["reason"].values,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)[list(COMPARE_COLUMNS)]
