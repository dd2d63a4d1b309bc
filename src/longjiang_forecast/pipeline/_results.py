"""What a run of the pipeline returns: a forecast, a comparison of scenarios, a backtest."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd
import xarray as xr

from .._core.cf import CONVENTIONS, describe
from .._core.exceptions import DataValidationError
from .._core.province import ProvinceRows
from .._core.schema import SERIES
from ._order import catalogue_order

if TYPE_CHECKING:
    from ..catalog import Catalog

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
    "first_passage_late",
    "required_rate",
    "model_rate",
    "run_rate",
    "run_rate_months",
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
        Simulated paths, dims (draw, series, month): the first ``keep_paths``
        draws of the run (default ``min(n_draws, 4000)``, see :func:`kept_draws`; attr
        ``n_draws_summarised`` gives all the draws ``summary`` streamed over),
        for fan charts, planning and the bulletin.
    draws : xarray.Dataset
        The parameter draws of the kept paths (dim ``draw`` as in ``paths``; the summaries use
        every draw of the run).
    state : xarray.Dataset
        The observed state at the as-of month.
    catalog : Catalog
        The catalogue the targets came from.
    province : ProvinceRows or None
        The province rows forecast from their prefectures (the last series of
        ``state``, ``paths`` and ``summary``): their weights over the
        prefecture series; None when there are none. See
        ``docs/simulation.md``, "The province from its prefectures".

    Notes
    -----
    Every variable and coordinate of ``summary``, ``paths``, ``state`` and ``draws`` carries CF
    attributes (``long_name``, ``description``, ``units``: see
    :mod:`longjiang_forecast._core.cf`), and ``summary`` and ``paths`` the ``Conventions``
    and the provenance of the run (see :func:`forecast`); they are set when the forecast is
    made. The unit of each series is in the coordinates ``value_units`` and ``rate_units``;
    a variable in series of several units names its coordinate in
    ``encoding["coordinates"]`` and has no ``units`` attribute.
    """

    summary: xr.Dataset
    paths: xr.DataArray
    draws: xr.Dataset
    state: xr.Dataset
    catalog: Catalog
    province: ProvinceRows | None = None

    def __post_init__(self) -> None:
        units = self.state["unit"].values if "unit" in self.state else ()
        for obj in (self.summary, self.paths, self.state, self.draws):
            describe(obj, units)
        if "observed" in self.state:  # the state's own meaning of the name (reports per month)
            self.state["observed"].attrs.update(
                long_name="reported cumulative or level value",
                description="The value reported for each month of the as-of year (NaN where none).",
            )
        for obj in (self.summary, self.paths):
            obj.attrs["Conventions"] = CONVENTIONS

    def to_netcdf(
        self, path: str | os.PathLike[str], *, overwrite: bool = False, paths_dtype: str = "float64"
    ) -> Path:
        """Write the forecast to one self-describing netCDF file.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write (netCDF-4, parents are created).
        overwrite : bool, default False
            Replace ``path`` if it exists; by default an existing file is refused.
        paths_dtype : {"float64", "float32"}, default "float64"
            Storage type of the paths. float64 keeps them exactly (the round trip
            through :func:`open_forecast` is lossless); float32 halves the file and
            keeps 7 significant digits (the command line's choice).

        Returns
        -------
        pathlib.Path
            The path written.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False (nothing is written).
        IsADirectoryError
            If ``path`` is a folder.
        ValueError
            If ``paths_dtype`` is not one of the two, ``overwrite`` is not a bool, ``path`` is not
            a file name, or does not end in ``.nc`` (or ``.nc4``, ``.netcdf``, ``.h5``, ``.hdf5``).

        Notes
        -----
        ``xarray.open_dataset(path)`` gives the summary (the root group);
        ``xarray.open_dataset(path, group="posterior_predictive")`` the paths (variable
        ``progress``, dims chain, draw, series, month); ``arviz.from_netcdf(path)`` the
        whole file as InferenceData (the groups of :meth:`to_inference_data`, and
        ``state`` and ``catalog``). The file is written to a temporary name and renamed,
        so an interrupted write leaves no partial file.

        Examples
        --------
        >>> import tempfile
        >>> from pathlib import Path
        >>> import longjiang_forecast as lf
        >>> catalog = lf.load_catalog(2024).subset("09a")
        >>> progress = lf.testing.synthetic_progress(catalog, seed=0)
        >>> result = lf.forecast(progress, catalog, n_draws=100, seed=0)
        >>> path = result.to_netcdf(Path(tempfile.mkdtemp()) / "forecast.nc")
        >>> back = lf.open_forecast(path)
        >>> bool((back.paths == result.paths).all()), back.summary["p_met"].attrs["units"]
        (True, '1')
        """
        from .._forecast_io import to_netcdf

        return to_netcdf(self, path, overwrite=overwrite, paths_dtype=paths_dtype)  # type: ignore[arg-type]

    def to_inference_data(self, model: Any = None) -> Any:
        """Return the forecast as ArviZ InferenceData.

        Parameters
        ----------
        model : AttainmentModel, optional
            The fitted model that made the forecast. A model that keeps its own posterior
            (:class:`~longjiang_forecast.models.HierarchicalModel`'s ``idata_``, one
            InferenceData per fit) has it joined: each group ``G`` of fit ``F`` becomes
            group ``model_F_G`` (e.g. ``model_counts_posterior``,
            ``model_counts_sample_stats``), with its chains and draws as sampled.

        Returns
        -------
        arviz.InferenceData
            Groups ``posterior_predictive`` (variable ``progress``: the paths, dims
            ``chain`` (one), ``draw``, ``series``, ``month``), ``posterior`` (the model's
            parameter draws that vary by draw, with ``chain`` and ``draw``),
            ``constant_data`` (its other parameters, per series) and ``observed_data``
            (``progress``: the reports of the as-of year, dims ``series``, ``month``);
            attrs: the summary's provenance. ``az.hdi(idata.posterior_predictive)`` and
            ``az.plot_ppc`` work on it.

        Raises
        ------
        ImportError
            If ArviZ is not installed (it comes with the ``bayes`` extra).
        ValueError
            If ``model`` keeps no posterior of its own (no ``idata_``), or its latest fit is
            not the one that made this forecast (the same instance fitted again for another
            as-of month or other data: it keeps only that fit's posterior).
        """
        from .._forecast_io import to_inference_data

        return to_inference_data(self, model)

    def table(self) -> pd.DataFrame:
        """Return the attainment table, one row per series and per catalogue row with no forecast.

        In :func:`~longjiang_forecast.pipeline.catalogue_order`: the catalogue's order of the
        indicators, each indicator's province row first, then its prefectures in the catalogue's
        order of its regions, the catalogue rows without a forecast among them.

        Returns
        -------
        pandas.DataFrame
            Columns :data:`TABLE_COLUMNS`. ``observed`` is the latest report
            (``observed_month``); ``q10``/``median``/``q90`` are quantiles of
            the value at the deadline (empty where ``quantiles`` of the forecast left them
            out), and any other quantile asked for follows ``q90`` as ``q5``, ``q95``,
            ``q97.5``...; ``first_passage_late`` marks a median
            first passage after the report the deadline is judged on (a
            mid-month deadline is judged on the month before: the same rule
            as P(met), the quantiles and the status); rates are per month in
            the indicator's unit: ``required_rate`` (what is still needed over
            the months left), ``model_rate`` (the model's median pace over
            them: at least ``required_rate`` exactly when P(met) >= 0.5) and
            ``run_rate`` (the recent pace, over ``run_rate_months``).
            Qualitative items and items without a target appear with status
            "no forecast" and the reason, and so does a deadline that passed
            by the as-of month without the report it is judged on, and a
            prefecture without a catalogue row of its own that reported in
            earlier years but not this one (with its split of the target).
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
                "first_passage_late": s["first_passage_late"].values,
                "required_rate": s["required_rate"].values,
                "model_rate": s["model_rate"].values,
                "run_rate": s["run_rate"].values,
                "run_rate_months": s["run_rate_months"].values,
                "expected_shortfall": s["expected_shortfall"].values,
                "status": s["status"].values,
                "basis": self.draws["basis"].values,  # none where there is no forecast (_simulate_forecast)
                "reason": s["reason"].values,
            }
        )
        asked = [float(q) for q in quant["quantile"].values if float(q) not in (0.1, 0.5, 0.9)]
        extra = {_quantile_column(q): _quantile(quant, q) for q in sorted(asked)}
        for name, values in extra.items():
            frame[name] = values
        frame["first_passage_median"] = frame["first_passage_median"].fillna("")
        at = TABLE_COLUMNS.index("q90") + 1
        columns = [*TABLE_COLUMNS[:at], *extra, *TABLE_COLUMNS[at:]]
        table = pd.concat([frame, self._not_forecast()], ignore_index=True)[columns]
        table = table.iloc[catalogue_order(table, self.catalog)].reset_index(drop=True)
        table["first_passage_late"] = table["first_passage_late"].fillna(False).astype(bool)
        table["run_rate_months"] = table["run_rate_months"].fillna("")
        return table

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
        # prefectures without a catalogue row of their own that reported in earlier years, not this one
        stopped = [
            (i, r)
            for i, r in json.loads(self.state.attrs.get("stopped_reporting", "[]"))
            if (i, r) not in forecast
        ]
        if stopped:
            plan = pd.DataFrame([self.catalog.row(ind, year=year) for ind, _ in stopped])
            plan["region"] = [reg for _, reg in stopped]
            plan["target"] = [self._split_target(ind, reg, year) for ind, reg in stopped]
            rows = pd.concat([rows, plan], ignore_index=True)
            reasons = np.concatenate(
                [reasons, [f"reported in earlier years, no report in {year}: add its reports"] * len(stopped)]
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
                "basis": "",  # no method where there is no forecast
                "reason": reasons,
            }
        )

    def _split_target(self, indicator: str, region: str, year: int) -> float:
        """A prefecture's split of the provincial target (:meth:`Catalog.target_for`); NaN if none."""
        try:
            return float(self.catalog.target_for(indicator, region, year=year))
        except DataValidationError:  # a milestone or qualitative row is not split
            return float("nan")


def _quantile_column(q: float) -> str:
    """The table's column of a further quantile of the deadline value: 0.05 -> ``q5``, 0.975 -> ``q97.5``."""
    return f"q{100 * q:g}"


def _quantile(quant: xr.DataArray, q: float) -> np.ndarray:
    if q in quant["quantile"].values:
        return quant.sel(quantile=q).values
    return np.full(quant.sizes[SERIES], np.nan)


@dataclass(frozen=True)
class ScenarioComparison:
    """Forecasts of the same year under several scenarios, from one fit and one set of draws.

    Attributes
    ----------
    forecasts : dict of str to Forecast
        One per scenario, by name; ``"baseline"`` first.
    """

    forecasts: dict[str, Forecast]

    def table(self) -> pd.DataFrame:
        """Return P(met) per indicator, region and scenario, with the change against baseline.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator``, ``region``, ``scenario``, ``touched``
            (whether an effect of the scenario can change the series),
            ``p_met``, ``p_met_se`` and ``delta_vs_baseline`` with its Monte
            Carlo standard error ``delta_se`` (``sqrt(se_a² + se_b²)``: the two
            estimates use independent innovations). Untouched series carry
            the baseline's estimate and a change of exactly 0.
        """
        base = self.forecasts["baseline"].summary
        frames = []
        for name, result in self.forecasts.items():
            s = result.summary
            touched = s["scenario_touched"].values
            # A series no effect touches has the baseline's distribution: its baseline estimate is
            # used, so the table shows no Monte Carlo noise as a change.
            p = np.where(touched, s["p_met"].values, base["p_met"].values)
            se = np.where(touched, s["p_met_se"].values, base["p_met_se"].values)
            frames.append(
                pd.DataFrame(
                    {
                        "indicator": s["indicator"].values,
                        "region": s["region"].values,
                        "scenario": name,
                        "touched": touched,
                        "p_met": p,
                        "p_met_se": se,
                        "delta_vs_baseline": p - base["p_met"].values,
                        "delta_se": np.where(touched, np.hypot(se, base["p_met_se"].values), 0.0),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class Backtest:
    """The forecasts and outcomes of a rolling-origin backtest.

    Attributes
    ----------
    forecasts : xarray.Dataset
        One row per forecast (as-of month × series) along ``forecast``; see
        :func:`backtest` for its variables. Described when the Backtest is made (CF
        attributes of every variable, the ``value_units`` coordinate, ``Conventions``).
    """

    forecasts: xr.Dataset

    def __post_init__(self) -> None:
        units = self.forecasts["unit"].values if "unit" in self.forecasts else ()
        describe(self.forecasts, units, dim="forecast")
        self.forecasts.attrs["Conventions"] = CONVENTIONS

    def table(self, by: tuple[str, ...] = ("model",), **kwargs: Any) -> pd.DataFrame:
        """Return the score table (see :func:`longjiang_forecast.metrics.summary_table`).

        Parameters
        ----------
        by : tuple of str, default ("model",)
            Group by these variables along ``forecast`` (e.g. ``("model", "as_of_month")``).
        **kwargs
            Passed on (``p_var``, ``bins``, ``reference``).

        Returns
        -------
        pandas.DataFrame
        """
        from ..metrics import summary_table

        return summary_table(self.forecasts, by=by, **kwargs)

    def reliability(self, **kwargs: Any) -> xr.Dataset:
        """Return reliability diagram data (see :func:`longjiang_forecast.metrics.reliability`)."""
        from ..metrics import reliability

        return reliability(self.forecasts, **kwargs)

    def corp_reliability(self, **kwargs: Any) -> xr.Dataset:
        """Return CORP reliability diagram data (see :func:`longjiang_forecast.metrics.corp_reliability`)."""
        from ..metrics import corp_reliability

        return corp_reliability(self.forecasts, **kwargs)

    def pit_histogram(self, **kwargs: Any) -> xr.Dataset:
        """Return PIT histogram data (see :func:`longjiang_forecast.metrics.pit_histogram`)."""
        from ..metrics import pit_histogram

        return pit_histogram(self.forecasts, **kwargs)

    def fit_recalibrator(self, method: str = "isotonic") -> Any:
        """Fit a recalibration map on all forecasts of this backtest (one model only).

        Parameters
        ----------
        method : {"isotonic", "beta"}, default "isotonic"

        Returns
        -------
        Recalibrator
            Fitted, carrying the model name and settings.

        Raises
        ------
        ValueError
            If the backtest holds several models.
        """
        from ..calibration import Recalibrator

        models = sorted(set(self.forecasts["model"].values.tolist()))
        if len(models) != 1:
            raise ValueError(
                f"fit_recalibrator needs the backtest of one model; this one holds {models}. "
                "Select one with Backtest(bt.forecasts.where(bt.forecasts.model == NAME, drop=True))."
            )
        params = json.loads(self.forecasts.attrs.get("model_params_json", "{}"))
        rec = Recalibrator(method=method, model=models[0], model_params=dict(params))
        return rec.fit(self.forecasts["p_met"].values, self.forecasts["outcome_met"].values)

    def recalibrated(
        self, method: Literal["isotonic", "beta"] = "isotonic", *, groups: str = "year"
    ) -> Backtest:
        """Add out-of-sample recalibrated probabilities ``p_met_recalibrated`` and their scores.

        Each forecast is recalibrated by a map fitted on the *other* groups
        (default: other outcome years), per model, so the scores after
        recalibration are on data not used to fit the map.

        Parameters
        ----------
        method : {"isotonic", "beta"}, default "isotonic"
        groups : str, default "year"
            Variable along ``forecast`` whose values are held out one at a time.

        Returns
        -------
        Backtest
            With ``p_met_recalibrated``, ``brier_p_met_recalibrated`` and
            ``log_score_p_met_recalibrated``.

        Raises
        ------
        DataValidationError
            If a model's map would be fitted on too few forecasts or on
            outcomes of one class (see
            :data:`~longjiang_forecast.calibration.MIN_FORECASTS`); the message
            names the model and the held-out group.
        """
        from ..calibration import cross_recalibrate
        from ..metrics import probability_scores

        ds = self.forecasts
        out = np.full(ds.sizes["forecast"], np.nan)
        models = ds["model"].values
        for name in sorted(set(models.tolist())):
            idx = np.flatnonzero(models == name)
            try:
                out[idx] = cross_recalibrate(
                    ds["p_met"].values[idx],
                    ds["outcome_met"].values[idx],
                    ds[groups].values[idx],
                    method=method,
                )
            except DataValidationError as err:
                raise DataValidationError(f"model {name!r}: {err}") from err
        ds = ds.assign(p_met_recalibrated=("forecast", out))
        ds["p_met_recalibrated"].attrs.update(method=method, held_out_by=groups)
        return Backtest(probability_scores(ds, p_var="p_met_recalibrated"))

    @staticmethod
    def concat(results: Any) -> Backtest:
        """Join backtests (models, data sets) into one along ``forecast``.

        Parameters
        ----------
        results : iterable of Backtest

        Returns
        -------
        Backtest
        """
        parts = [r.forecasts for r in results]
        joined = xr.concat(parts, dim="forecast", data_vars="all", coords="different", compat="equals",
                           combine_attrs="drop_conflicts", join="outer")  # fmt: skip
        return Backtest(joined.assign_coords(forecast=np.arange(joined.sizes["forecast"])))


def open_forecast(path: str | os.PathLike[str]) -> Forecast:
    """Read a forecast written by :meth:`Forecast.to_netcdf`.

    Parameters
    ----------
    path : str or os.PathLike
        The netCDF file.

    Returns
    -------
    Forecast
        Its summary, paths, parameter draws, observed state and catalogue, as they were
        written (values, coordinates, attributes; dates at the microsecond resolution the
        library uses), loaded into memory; the file is closed.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    IsADirectoryError
        If ``path`` is a folder (naming the ``forecast.nc`` in it to give).
    DataValidationError
        If the file is not a forecast written by :meth:`Forecast.to_netcdf` (another netCDF
        file, or another format version), or lacks a part of one (a group or the summary that
        another tool left out when it saved the file again).

    See Also
    --------
    Forecast.to_netcdf : Write the file.
    """
    from .._forecast_io import read_forecast

    return Forecast(**read_forecast(path))
