"""What a backtest's scores say: models scored on fewer forecasts, recalibration that made things worse.

Data only (numbers, names and reasons); the command line words them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr


def scored(ds: xr.Dataset, p_var: str = "p_met") -> np.ndarray:
    """Mask (forecast,) of the forecasts with a probability in ``p_var`` and a known outcome."""
    return np.isfinite(ds[p_var].values) & np.isfinite(ds["outcome_met"].values)


def _short_reason(reason: str) -> str:
    """A model's reason for giving no probability, without its per-series count ('; found 3')."""
    return re.sub(r";\s*found\s+\d+\s*$", "", reason.strip()) or "no reason recorded"


@dataclass(frozen=True)
class FewerScored:
    """A model scored on fewer forecasts than another of its data set.

    Attributes
    ----------
    dataset, model : str
    n_scored : int
        Its forecasts with a probability and a known outcome.
    n_made : int
        Its forecasts with a known outcome.
    most : int
        The most forecasts any model of the data set was scored on.
    reasons : list of (str, int)
        Why it gave no probability: each distinct reason (:func:`_short_reason`) and how many
        forecasts it explains, most frequent first.
    """

    dataset: str
    model: str
    n_scored: int
    n_made: int
    most: int
    reasons: list[tuple[str, int]]


def fewer_scored(ds: xr.Dataset) -> list[FewerScored]:
    """The models scored on fewer forecasts than others of their data set (their scores are not comparable).

    Parameters
    ----------
    ds : xarray.Dataset
        ``Backtest.forecasts`` (variables ``dataset``, ``model``, ``p_met``, ``outcome_met``,
        ``reason``), of one or several models and data sets.

    Returns
    -------
    list of FewerScored
        In the order of the data sets and models in ``ds``; empty when every model of each data
        set was scored on as many forecasts.
    """
    frame = pd.DataFrame(
        {
            "dataset": ds["dataset"].values.astype(str),
            "model": ds["model"].values.astype(str),
            "scored": scored(ds),
            "reason": ds["reason"].values.astype(str) if "reason" in ds else "",
        }
    )
    found = []
    for dataset, rows in frame.groupby("dataset", sort=False):
        counts = rows.groupby("model", sort=False)["scored"].agg(["sum", "size"])
        most = int(counts["sum"].max())
        if int(counts["sum"].min()) == most:
            continue
        for model, (n_scored, n_made) in counts.iterrows():
            if n_scored == most:
                continue
            missing = rows[(rows["model"] == model) & ~rows["scored"]]
            why = missing["reason"].map(_short_reason).value_counts()
            found.append(
                FewerScored(
                    str(dataset), str(model), int(n_scored), int(n_made), most,
                    [(str(text), int(n)) for text, n in why.items()],
                )
            )  # fmt: skip
    return found


def recalibration_verdicts(ds: xr.Dataset) -> list[tuple[str, float, float, int]]:
    """The models whose cross-fitted recalibrated Brier score is above the raw one.

    Parameters
    ----------
    ds : xarray.Dataset
        ``Backtest.recalibrated().forecasts`` (variables ``brier`` and ``brier_p_met_recalibrated``).

    Returns
    -------
    list of (str, float, float, int)
        Per such model: its name, the mean Brier score without and with recalibration, and
        the number of forecasts both were computed on.
    """
    both = scored(ds) & scored(ds, "p_met_recalibrated")
    models = ds["model"].values.astype(str)
    worse = []
    for name in dict.fromkeys(models.tolist()):
        idx = both & (models == name)
        if not idx.any():
            continue
        raw = float(np.mean(ds["brier"].values[idx]))
        after = float(np.mean(ds["brier_p_met_recalibrated"].values[idx]))
        if after > raw:
            worse.append((name, raw, after, int(idx.sum())))
    return worse
