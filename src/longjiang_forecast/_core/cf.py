"""CF-style attributes (``long_name``, ``units``, ``description``) of the variables the library returns.

One table, :data:`VARIABLES`, describes every variable and coordinate of a forecast summary
(:func:`longjiang_forecast.summarise`), its paths (:func:`longjiang_forecast.simulate`), the
observed state, the catalogue and a backtest; :func:`describe` copies it onto a Dataset or
DataArray. ``units`` follow the CF conventions: UDUNITS strings where one exists (``1`` for
probabilities, ``percent``, ``km``, ``month`` for a number of months), the unit as the catalogue
writes it otherwise (``households (户)``). Dates carry no ``units`` attribute in memory: xarray
writes theirs (``days since ...``) when a file is saved. String, flag and label variables have
no units (CF requires units only of dimensional quantities).

Values in the indicator's own unit (paths, targets, quantiles, rates) take the unit of their
series. :func:`describe` adds the unit of each series as two auxiliary coordinates along the
series dim: :data:`VALUE_UNITS` (values) and :data:`RATE_UNITS` (values per month), and names
the one a variable is in in its ``coordinates`` (``encoding["coordinates"]`` in xarray, the
``coordinates`` attribute in a file). Where every series has the same unit the variable's
``units`` is that unit; where they differ it has no ``units`` attribute: CF has no per-element
units, any single unit would be false for some series, and a reader that finds no ``units``
applies none (see ``docs/design/004-light-install-and-forecast-files.md``).

References
----------
.. [1] CF Conventions 1.11, section 3.1 (units), 3.2 (long_name), 5 (coordinates).
   https://cfconventions.org/Data/cf-conventions/cf-conventions-1.11/cf-conventions.html
.. [2] UDUNITS-2 unit syntax. https://docs.unidata.ucar.edu/udunits/current/
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from .schema import SERIES

if TYPE_CHECKING:
    import xarray as xr

#: The ``Conventions`` attribute of the files the library writes.
CONVENTIONS = "CF-1.11"
#: Auxiliary coordinate: the unit of each series' values (UDUNITS where one exists).
VALUE_UNITS = "value_units"
#: Auxiliary coordinate: the unit of each series' rates (its value unit per month).
RATE_UNITS = "rate_units"

#: Catalogue units with a UDUNITS spelling (others are kept as written).
_UDUNITS = {"km (公里)": "km", "km": "km", "μg/m³": "ug m-3", "10k m² (万平方米)": "1e4 m2"}

# Kinds of units: "1" (dimensionless), "value" (the series' unit), "value/month" (the series'
# unit per month), "month" (a month of the year, 1-12: units "1"), "months" (a number of months),
# "" (none: strings, flags, dates, labels).
_V = "value"
_R = "value/month"
#: name -> (long_name, kind of units, description)
VARIABLES: dict[str, tuple[str, str, str]] = {
    # summary
    "observed": (
        "latest report in the target's terms",
        _V,
        "The latest reported value as the target measures it: a count or level, or the year-to-date "
        "mean (annual means) or its percent change against last year (change targets).",
    ),
    "p_met": (
        "attainment probability",
        "1",
        "Probability that the target is met at its deadline: the share of simulated paths that meet it.",
    ),
    "p_met_se": (
        "Monte Carlo standard error of the attainment probability",
        "1",
        "sqrt(p (1 - p) / n_draws).",
    ),
    "deadline_value": (
        "quantiles of the value at the deadline",
        _V,
        "Quantiles (coordinate 'quantile') over the simulated paths of the value at the deadline.",
    ),
    "first_passage_cdf": (
        "probability that the target is reached by the end of the month",
        "1",
        "Share of simulated paths that have reached the target by the end of each month (first "
        "passage); NaN for annual means and changes.",
    ),
    "first_passage_median": (
        "median first-passage month",
        "",
        "First month by whose end half of the simulated paths have reached the target; NaT if none.",
    ),
    "first_passage_late": (
        "first passage after the deadline",
        "",
        "True where the median first-passage month is after the month of the report the deadline is "
        "judged on (1 = true in a file).",
    ),
    "model_rate": (
        "the model's median rate",
        "value/month",
        "Median over the simulated paths of the monthly increase from the latest report to the report "
        "the deadline is judged on: at least the required rate exactly when P(met) is at least 0.5.",
    ),
    "run_rate_months": ("months of the run rate", "", "The months the run rate covers (YYYY-MM/YYYY-MM)."),
    "expected_shortfall": (
        "expected shortfall at the deadline",
        _V,
        "Mean over the simulated paths of how far the value at the deadline falls short of the target "
        "(0 for paths that meet it).",
    ),
    "required_rate": (
        "required rate",
        _R,
        "Progress per month needed over the remaining months to meet the target (annual means: the "
        "mean needed over the unreported months, in the series' unit).",
    ),
    "run_rate": (
        "run rate",
        _R,
        "Recent progress per month (annual means: the mean of the last three reports, in the series' unit).",
    ),
    "status": (
        "status band",
        "",
        "on track, watch, at risk, off track (thresholds in the 'bands' attribute), borderline "
        "(P(met) within two Monte Carlo standard errors of a threshold), achieved, missed, "
        "no report yet, no forecast.",
    ),
    "borderline_cut": (
        "band threshold of a borderline status",
        "1",
        "The threshold a borderline P(met) lies within two Monte Carlo standard errors of "
        "(sqrt(c (1 - c) / n_draws) at the threshold c); NaN where the status is decided.",
    ),
    "reason": ("why there is no forecast", "", "Empty where the series has a forecast."),
    "scenario_touched": (
        "changed by the scenario",
        "",
        "True where the scenario changed the series' draws (1 = true in a file).",
    ),
    # coordinates
    "series": ("series number", "1", "One indicator in one region; labelled by 'indicator' and 'region'."),
    "indicator": ("indicator id", "", "Catalogue id of the indicator (e.g. '09a')."),
    "region": ("region id", "", "'province' (the provincial total) or a prefecture id."),
    "month": ("month", "", "First day of each month of the as-of year; a value is that at the month's end."),
    "quantile": ("quantile level", "1", "Probability level of each quantile."),
    "draw": ("draw number", "1", "One simulated path, each with its own parameter draw."),
    "chain": ("chain number", "1", "One chain of draws (a single chain: Monte Carlo, not MCMC)."),
    # the observed state and the targets
    "target": ("target", _V, "The target value of the indicator in the region (the catalogue's)."),
    "comparator": ("comparator", "", "'>=': met at or above the target; '<=': at or below."),
    "kind": ("indicator kind", "", "cumulative, level, annual_mean, change or milestone."),
    "unit": ("unit of the series", "", "The unit of the indicator as the catalogue writes it."),
    "deadline": ("deadline", "", "Date by which the target is to be met."),
    "deadline_month": (
        "month of the report the deadline is judged on",
        "month",
        "Month of the year (1-12) whose end-of-month report is the last one on or before the deadline "
        "(a mid-month deadline, 20 October, is judged on September's report).",
    ),
    "last_month": (
        "month of the latest report",
        "month",
        "Month of the year (1-12) of the latest report in the as-of year; 0 if none.",
    ),
    "last_value": ("latest reported value", _V, "The value reported for the last month with a report."),
    "name_en": ("indicator name (English)", "", ""),
    "name_zh": ("indicator name (Chinese)", "", ""),
    "target_basis": (
        "basis of the target",
        "",
        "'official list', 'same as province', or how a prefecture's share of the provincial target "
        "was derived.",
    ),
    "family": ("indicator family", "", "Series of the same indicator across years share a family."),
    "lower_bound": ("lower bound of the value", _V, "Lowest value the indicator can take (NaN: none)."),
    "upper_bound": ("upper bound of the value", _V, "Highest value the indicator can take (NaN: none)."),
    "baseline": ("baseline value", _V, "Last year's annual mean, the reference of a change target."),
    "population": ("population of the region", "1", "Residents (2020 census); NaN for the province."),
    # paths (the DataArray's own name) and its names in a file
    "value": (
        "simulated cumulative or level value",
        _V,
        "Simulated value at the end of each month: reports where there are reports, simulated after "
        "the as-of month.",
    ),
    "progress": (
        "simulated cumulative or level value",
        _V,
        "Posterior predictive paths: reported values up to the as-of month, simulated after it.",
    ),
    "paths": (
        "simulated cumulative or level value",
        _V,
        "Kept simulated paths of simulate_summary (reports up to the as-of month, simulated after it).",
    ),
    # simulate_summary's streaming statistics
    "p_met_rb": ("Rao-Blackwellised attainment probability", "1", "Mean over draws of P(met | draw)."),
    "p_met_rb_se": ("Monte Carlo standard error of p_met_rb", "1", ""),
    "deadline_value_error": (
        "bound on the error of the streaming deadline quantiles",
        _V,
        "Bound on the difference between each streaming quantile and the exact sample quantile.",
    ),
    "deadline_min": ("smallest simulated deadline value", _V, ""),
    "deadline_max": ("largest simulated deadline value", _V, ""),
    "expected_shortfall_se": ("Monte Carlo standard error of the expected shortfall", _V, ""),
    # parameter draws (the posterior and constant_data groups of a forecast file)
    "dynamics": ("month-step law of the simulator", "", "gamma, binomial, lognormal or none (no forecast)."),
    "transform": ("transform of the simulated value", "", "identity, or pct_change for change targets."),
    "basis": ("what the forecast rests on", "", "The model's account of its evidence for this series."),
    "start": ("value the simulation starts from", _V, "The latest report (or the baseline)."),
    "annual_total": (
        "year's total in one draw",
        _V,
        "The year's total of a count (or change of a level) drawn from the model's posterior.",
    ),
    "expected_done": (
        "expected value at the deadline in one draw",
        _V,
        "Mean of the simulated deadline value.",
    ),
    "gamma_shape": (
        "Gamma shape of each remaining month",
        "1",
        "Shape of the Gamma increment of each month after the as-of month (0 for reported months); "
        "for dynamics 'dirichlet', the Dirichlet parameter of the month's share of the remaining work.",
    ),
    "gamma_scale": (
        "Gamma scale of the increments in one draw",
        _V,
        "Scale of every month's Gamma increment (for dynamics 'dirichlet': the remaining work is "
        "gamma_scale times the sum of gamma_shape).",
    ),
    "hazard": (
        "monthly completion hazard in one draw",
        "1",
        "Probability a remaining project finishes in a month.",
    ),
    "total": ("number of projects", _V, "Projects of a milestone target (binomial dynamics)."),
    "p_all_done": ("probability that every project is done in one draw", "1", "Milestone targets."),
    "log_mean": (
        "seasonal profile on the log scale",
        "1",
        "Mean log monthly value of an annual mean, by month.",
    ),
    "log_sd": ("month-to-month sd on the log scale", "1", "Of an annual mean's monthly values."),
    "year_effect": ("this year's shift of the log profile in one draw", "1", "Annual means and changes."),
    "plan_share": (
        "planned cumulative share of the year's work",
        "1",
        "Mean share curve of the reference class.",
    ),
    "earned_schedule": ("earned schedule", "1", "Months of the plan earned by the as-of month (Lipke 2003)."),
    "spi": (
        "schedule performance index SPI(t)",
        "1",
        "Earned schedule over the months elapsed (Lipke 2003).",
    ),
    "done_share": (
        "share of the year's work done",
        "1",
        "What was done by the as-of month over the year's total.",
    ),
    "rate_ratio": ("required over recent rate", "1", "The rate the target needs over the recent run rate."),
    "actual_rate": ("recent run rate", _R, "Mean monthly gain over the recent months."),
    "ceiling": ("ceiling of the growth curve", _V, "Asymptote of the fitted S-curve."),
    "inflection_month": ("inflection month of the growth curve", "month", "Month of fastest growth."),
    "aicc": ("AICc of the selected state-space model", "1", "Corrected Akaike information criterion."),
    "boxcox_lambda": ("Box-Cox lambda", "1", "Of the state-space model's transform (1: none)."),
    "sigma2_irregular": ("irregular variance", "1", "Of the state-space model, on its transformed scale."),
    # the unit of each series (auxiliary coordinates added by describe)
    VALUE_UNITS: (
        "unit of the series' values",
        "",
        "UDUNITS spelling of the series' unit where one exists, the catalogue's unit as written otherwise; "
        "the unit of every variable that names this coordinate in its 'coordinates'.",
    ),
    RATE_UNITS: (
        "unit of the series' rates",
        "",
        "The series' value unit per month; the unit of every variable that names this coordinate in its "
        "'coordinates'.",
    ),
    # catalogue columns (the catalog and regions groups of a forecast file)
    "row": ("row number", "1", "Row of the catalogue table."),
    "year": ("year", "", "Calendar year of the plan (a label, not a quantity)."),
    "item": ("item number", "", "Number of the item in the published list (a label)."),
    "approximate": ("approximate target", "", "True where the list gives the target as approximate."),
    "wording": ("wording of the target", "", "The target as the published list words it."),
    "deadline_source": ("source of the deadline", "", "Where the deadline comes from."),
    "responsible": ("responsible department", "", ""),
    "tags": ("tags", "", "Topics of the indicator, separated by ';'."),
    "note": ("note", "", ""),
    "forecastable": ("forecastable", "", "True where the target is a quantity the models can forecast."),
    "population_2020": ("population of the region", "1", "Residents in the 2020 census."),
    # a backtest (longjiang_forecast.backtest; backtest.nc)
    "forecast": ("forecast number", "1", "One forecast: an as-of month and a series."),
    "level": ("nominal level of the central interval", "1", "Probability content of each central interval."),
    "model": ("model", "", "Name of the model that made the forecast."),
    "dataset": ("data set", "", "The progress data the forecast was made from."),
    "as_of": ("as-of month", "", "First day of the month whose reports were the last the forecast saw."),
    "as_of_month": ("month of the year of the as-of month", "month", "1-12."),
    "outcome_met": ("outcome", "1", "1 if the target was met, 0 if missed (from the full history)."),
    "outcome_value": (
        "value at the deadline",
        _V,
        "The deadline report in the target's terms (the outcome), from the full history.",
    ),
    "lower": ("lower end of the central interval", _V, "Of the forecast deadline value, by level."),
    "upper": ("upper end of the central interval", _V, "Of the forecast deadline value, by level."),
    "covered": ("outcome inside the central interval", "1", "1 if the outcome is inside it, 0 if not."),
    "interval_score_rel": (
        "interval score over the target",
        "1",
        "(width + 2/alpha x miss) of the central interval of level 1 - alpha, divided by abs(target).",
    ),
    "wis_rel": (
        "weighted interval score over the target",
        "1",
        "Weighted interval score of the median and the central intervals (Bracher et al. 2021), divided "
        "by abs(target).",
    ),
    "crps": ("CRPS of the deadline value", _V, "Continuous ranked probability score of the ensemble."),
    "crps_rel": ("CRPS over the target", "1", "CRPS divided by abs(target)."),
    "pit": (
        "PIT of the outcome",
        "1",
        "Randomised rank of the outcome in the ensemble (uniform if calibrated).",
    ),
    "brier": ("Brier score", "1", "(p_met - outcome_met)^2."),
    "log_score": ("log score", "1", "-log of the probability given to the outcome, in nats; p clipped."),
    "p_met_recalibrated": (
        "recalibrated attainment probability",
        "1",
        "p_met through a recalibration map fitted on the other groups (cross-fitted, out of sample).",
    ),
    "brier_p_met_recalibrated": ("Brier score of the recalibrated probability", "1", ""),
    "log_score_p_met_recalibrated": ("log score of the recalibrated probability", "1", "In nats; p clipped."),
    "first_passage_forecast": (
        "forecast first-passage month",
        "month",
        "Median month of reaching the target (1-12); NaN if P(met) < 0.5.",
    ),
    "first_passage_outcome": ("first-passage month", "month", "First reported month the target was reached."),
    "first_passage_error": (
        "first-passage error",
        "months",
        "Forecast minus reported first-passage month.",
    ),
}


def udunits(unit: str) -> str:
    """Return the UDUNITS spelling of a catalogue unit, or the unit as written if it has none.

    Parameters
    ----------
    unit : str
        A unit as the catalogue writes it.

    Returns
    -------
    str
        ``percent`` for every unit starting with ``%``, ``km``, ``ug m-3``, ``1e4 m2``; the
        input, stripped, otherwise (counts such as ``households (户)``).

    Examples
    --------
    >>> udunits("% of villages"), udunits("μg/m³"), udunits("households (户)")
    ('percent', 'ug m-3', 'households (户)')
    """
    unit = str(unit).strip()
    if unit.startswith("%"):
        return "percent"
    return _UDUNITS.get(unit, unit)


def rate_unit(unit: str) -> str:
    """Return the unit of a rate (per month) of a series in a catalogue unit.

    Parameters
    ----------
    unit : str
        A unit as the catalogue writes it.

    Returns
    -------
    str
        ``"<udunits> month-1"`` where the unit has a UDUNITS spelling, ``"<unit> per month"``
        otherwise, ``""`` for an empty unit.

    Examples
    --------
    >>> rate_unit("km (公里)"), rate_unit("households (户)")
    ('km month-1', 'households (户) per month')
    """
    unit = udunits(unit)
    if not unit:
        return ""
    return f"{unit} month-1" if unit in (*_UDUNITS.values(), "percent") else f"{unit} per month"


def unit_coordinate(name: str) -> str | None:
    """Return the auxiliary coordinate that holds the unit of each series of a variable, if any.

    Parameters
    ----------
    name : str
        Variable name (a key of :data:`VARIABLES`).

    Returns
    -------
    str or None
        :data:`VALUE_UNITS` for values in the series' unit, :data:`RATE_UNITS` for rates per
        month, None for the rest (dimensionless, strings, dates, unknown names).
    """
    kind = VARIABLES.get(name, ("", "", ""))[1]
    return {_V: VALUE_UNITS, _R: RATE_UNITS}.get(kind)


def _per_series(kind: str, series_units: Sequence[str]) -> list[str]:
    convert = udunits if kind == _V else rate_unit
    spelled = {unit: convert(unit) for unit in set(series_units)}  # a few units for thousands of series
    return [spelled[unit] for unit in series_units]


def _units(kind: str, series_units: Sequence[str]) -> str | None:
    if kind in ("1", "month"):
        return "1"
    if kind == "months":
        return "month"
    if kind not in (_V, _R) or not len(series_units):
        return None  # no units, or none known (a state without a 'unit' variable)
    found = set(_per_series(kind, series_units))
    if len(found) != 1 or "" in found:
        return None  # several units (or an unknown one): each series' unit is in its coordinate
    return found.pop()


def attributes(name: str, series_units: Sequence[str]) -> dict[str, str]:
    """Return the CF attributes of one variable.

    Parameters
    ----------
    name : str
        Variable name (a key of :data:`VARIABLES`).
    series_units : sequence of str
        The catalogue unit of each series of the object it belongs to.

    Returns
    -------
    dict
        ``long_name``, ``description`` (when there is one) and ``units`` when the variable has
        one unit: dimensionless (``1``), a number of months (``month``), or the unit every
        series shares. Values in series of several units have no ``units`` (see the module
        notes). Empty for a name not in :data:`VARIABLES`.
    """
    if name not in VARIABLES:
        return {}
    long_name, kind, description = VARIABLES[name]
    attrs = {"long_name": long_name}
    if description:
        attrs["description"] = description
    units = _units(kind, series_units)
    if units is not None:
        attrs["units"] = units
    return attrs


@overload
def describe(obj: xr.Dataset, series_units: Sequence[str] | np.ndarray, dim: str = SERIES) -> xr.Dataset: ...
@overload
def describe(
    obj: xr.DataArray, series_units: Sequence[str] | np.ndarray, dim: str = SERIES
) -> xr.DataArray: ...
def describe(obj: Any, series_units: Sequence[str] | np.ndarray, dim: str = SERIES) -> Any:
    """Set the CF attributes of every known variable and coordinate of ``obj``, in place.

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        A summary, paths, state, parameter draws, catalogue table or backtest. A DataArray is
        described under its name.
    series_units : sequence of str
        The catalogue unit of each element of ``dim`` (empty: unknown, and values in them get
        no ``units``).
    dim : str, default "series"
        The dim along which the units vary (``row`` of a catalogue, ``forecast`` of a backtest).

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        ``obj`` itself. Existing attributes of the same names are replaced (a ``units`` that no
        longer holds is removed); others are kept.
        Where ``series_units`` is known, ``obj`` gets the coordinates :data:`VALUE_UNITS` and
        :data:`RATE_UNITS` (those its variables use) along ``dim``, and each variable along
        ``dim`` its auxiliary coordinates in ``encoding["coordinates"]`` (the ``coordinates``
        attribute of a file): the labels along its dims, and the unit coordinate it is in.
    """
    series_units = [str(u) for u in np.asarray(series_units, dtype=object).ravel()]
    is_dataset = hasattr(obj, "data_vars")
    own = list(obj.data_vars) if is_dataset else [obj.name]
    if series_units and dim in obj.dims and len(series_units) == obj.sizes[dim]:
        for coord, kind in ((VALUE_UNITS, _V), (RATE_UNITS, _R)):
            if any(unit_coordinate(str(name)) == coord for name in own):
                obj.coords[coord] = (dim, np.array(_per_series(kind, series_units), dtype=object))
    described = [*obj.variables.items()] if is_dataset else [*obj.coords.items(), (obj.name, obj)]
    for name, var in described:
        if str(name) in VARIABLES:
            var.attrs.pop("units", None)  # a unit of an earlier description may no longer hold
            var.attrs.update(attributes(str(name), series_units))
    if VALUE_UNITS not in obj.coords and RATE_UNITS not in obj.coords:
        return obj
    labels = [c for c in obj.coords if c not in obj.dims and c not in (VALUE_UNITS, RATE_UNITS)]
    for name in own:
        var = obj.variables[name] if is_dataset else obj.variable
        if dim in var.dims:
            unit = unit_coordinate(str(name))
            listed = [c for c in labels if set(obj.coords[c].dims) <= set(var.dims)]
            listed += [unit] if unit in obj.coords else []
            # None: none (xarray would list all)
            var.encoding["coordinates"] = " ".join(str(c) for c in listed) or None
    return obj
