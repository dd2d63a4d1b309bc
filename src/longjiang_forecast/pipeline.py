"""The one place where the stages meet: progress -> model -> draws -> paths -> summary."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from ._core.rng import SeedLike, as_seed_sequence
from ._core.schema import SERIES
from .models import SeasonalShareModel
from .simulate import simulate
from .summarise import summarise

#: Columns of the attainment table, in order.
TABLE_COLUMNS = (
    "indicator",
    "region",
    "name_en",
    "name_zh",
    "kind",
    "unit",
    "target",
    "comparator",
    "deadline",
    "observed",
    "observed_month",
    "p_met",
    "p_met_se",
    "q10",
    "median",
    "q90",
    "first_passage_median",
    "required_rate",
    "run_rate",
    "expected_shortfall",
    "status",
    "basis",
    "reason",
)


@dataclass(frozen=True)
class Forecast:
    """Everything one forecast run produced.

    Attributes
    ----------
    summary : xarray.Dataset
        Attainment statistics per series (see :func:`longjiang_forecast.summarise`).
    paths : xarray.DataArray
        Simulated paths, dims (draw, series, month).
    draws : xarray.Dataset
        The parameter draws the paths were simulated from.
    state : xarray.Dataset
        The observed state at the as-of month.
    catalog : Catalog
        The catalogue the targets came from.
    """

    summary: xr.Dataset
    paths: xr.DataArray
    draws: xr.Dataset
    state: xr.Dataset
    catalog: Any

    def table(self) -> pd.DataFrame:
        """Return the attainment table, one row per series, then the catalogue rows with no forecast.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TABLE_COLUMNS`. ``observed`` is the latest report
            (``observed_month``); ``q10``/``median``/``q90`` are quantiles of
            the value at the deadline; rates are per month in the indicator's
            unit. Qualitative items and items without a target appear with
            status "no forecast" and the reason.
        """
        s = self.summary
        quant = s["deadline_value"]
        last_month = s["last_month"].values
        year = int(self.state.attrs["year"])
        frame = pd.DataFrame(
            {
                "indicator": s["indicator"].values,
                "region": s["region"].values,
                "name_en": s["name_en"].values,
                "name_zh": s["name_zh"].values,
                "kind": s["kind"].values,
                "unit": s["unit"].values,
                "target": s["target"].values,
                "comparator": s["comparator"].values,
                "deadline": pd.DatetimeIndex(s["deadline"].values).strftime("%Y-%m-%d"),
                "observed": s["observed"].values,
                "observed_month": [f"{year}-{m:02d}" if m else "" for m in last_month],
                "p_met": s["p_met"].values,
                "p_met_se": s["p_met_se"].values,
                "q10": _quantile(quant, 0.1),
                "median": _quantile(quant, 0.5),
                "q90": _quantile(quant, 0.9),
                "first_passage_median": pd.DatetimeIndex(s["first_passage_median"].values).strftime("%Y-%m"),
                "required_rate": s["required_rate"].values,
                "run_rate": s["run_rate"].values,
                "expected_shortfall": s["expected_shortfall"].values,
                "status": s["status"].values,
                "basis": self.draws["basis"].values,
                "reason": s["reason"].values,
            }
        )
        frame["first_passage_median"] = frame["first_passage_median"].fillna("")
        return pd.concat([frame, self._not_forecast()], ignore_index=True)[list(TABLE_COLUMNS)]

    def _not_forecast(self) -> pd.DataFrame:
        table = self.catalog.table
        year = int(self.state.attrs["year"])
        forecast = set(zip(self.state["indicator"].values, self.state["region"].values, strict=True))
        in_year = table[table["year"] == year]
        pairs = zip(in_year["indicator"], in_year["region"], strict=True)
        rows = in_year[np.array([pair not in forecast for pair in pairs], bool)]
        reasons = np.select(
            [rows["kind"] == "qualitative", rows["target"].isna()],
            ["qualitative: no number to forecast", "no published target"],
            "no reports in the progress data (this year or earlier years of its family)",
        )
        return pd.DataFrame(
            {
                "indicator": rows["indicator"].values,
                "region": rows["region"].values,
                "name_en": rows["name_en"].values,
                "name_zh": rows["name_zh"].values,
                "kind": rows["kind"].values,
                "unit": rows["unit"].values,
                "target": rows["target"].values,
                "comparator": rows["comparator"].values,
                "deadline": pd.DatetimeIndex(rows["deadline"]).strftime("%Y-%m-%d"),
                "status": "no forecast",
                "reason": reasons,
            }
        )


def _quantile(quant: xr.DataArray, q: float) -> np.ndarray:
    if q in quant["quantile"].values:
        return quant.sel(quantile=q).values
    return np.full(quant.sizes[SERIES], np.nan)


def forecast(
    progress: xr.Dataset,
    catalog: Any,
    *,
    as_of: Any = None,
    model: Any = None,
    n_draws: int = 4000,
    seed: SeedLike = None,
    n_jobs: int = 1,
    bands: Mapping[str, float] | None = None,
) -> Forecast:
    """Forecast the attainment of every target of the as-of year.

    Parameters
    ----------
    progress : xarray.Dataset
        Monthly progress, from :func:`longjiang_forecast.read_progress`,
        a real-data loader or :func:`longjiang_forecast.testing.synthetic_progress`.
    catalog : Catalog
        Targets, comparators, kinds and deadlines.
    as_of : str, optional
        Month of the forecast (``YYYY-MM``); default the latest reported month.
    model : AttainmentModel, optional
        An unfitted model; default :class:`SeasonalShareModel` with its defaults.
    n_draws : int, default 4000
        Monte Carlo draws (one parameter draw and one path each). The
        standard error of an attainment probability is at most
        ``0.5 / sqrt(n_draws)`` (0.008 at the default).
    seed : int, SeedSequence, Generator or None
        One seed for the whole run; child 0 seeds the parameter draws and
        child 1 the paths. ``None`` takes fresh entropy (stored in the outputs).
    n_jobs : int, default 1
        Threads for the simulation.
    bands : mapping, optional
        Status bands, see :func:`longjiang_forecast.summarise`.

    Returns
    -------
    Forecast

    Raises
    ------
    DataValidationError
        If the progress data and the catalogue do not fit together.
    """
    model = SeasonalShareModel() if model is None else model
    ss = as_seed_sequence(seed)
    param_seed, path_seed = np.random.SeedSequence(ss.entropy, spawn_key=ss.spawn_key).spawn(2)
    model.fit(progress, catalog=catalog, as_of=as_of)
    draws = model.sample_parameters(n_draws, rng=param_seed)
    paths = simulate(draws, model.state_, seed=path_seed, n_jobs=n_jobs)
    summary = summarise(paths, model.state_, bands=bands, reason=draws["reason"].values)
    for obj in (paths, summary):
        obj.attrs.update(
            seed_entropy=str(ss.entropy),
            model=type(model).__name__,
            model_params=repr(model.get_params()),
            data_source=str(progress.attrs.get("source", "")),
            data_sha256=str(progress.attrs.get("sha256", "")),
            catalog_source=str(catalog.source),
        )
    return Forecast(summary=summary, paths=paths, draws=draws, state=model.state_, catalog=catalog)


__all__ = ["TABLE_COLUMNS", "Forecast", "forecast"]
