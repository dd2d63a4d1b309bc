"""CF-style attributes (``long_name``, ``units``, ``description``) of the variables the library returns.

One table, :data:`VARIABLES`, describes every variable and coordinate of a forecast summary
(:func:`longjiang_forecast.summarise`), its paths (:func:`longjiang_forecast.simulate`) and the
observed state; :func:`describe` copies it onto a Dataset or DataArray. ``units`` follow the
CF conventions: UDUNITS strings where one exists (``1`` for probabilities, ``percent``,
``km``), the unit as the catalogue writes it otherwise (``households (户)``). Dates carry no
``units`` attribute in memory: xarray writes theirs (``days since ...``) when a file is saved.
String and flag variables have no units (CF requires units only of dimensional quantities).

Values in the indicator's own unit (paths, targets, quantiles, rates) take the unit of the
series; a Dataset whose series have several units says so (``units`` = :data:`MIXED`) and
keeps the unit of each series in its ``unit`` variable: CF has no per-element units.

References
----------
.. [1] CF Conventions 1.11, section 3.1 (units), 3.2 (long_name).
   https://cfconventions.org/Data/cf-conventions/cf-conventions-1.11/cf-conventions.html
.. [2] UDUNITS-2 unit syntax. https://docs.unidata.ucar.edu/udunits/current/
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: The ``Conventions`` attribute of the files the library writes.
CONVENTIONS = "CF-1.11"
#: ``units`` of a variable whose series are in several units.
MIXED = "mixed: the unit of each series is its 'unit' variable"

#: Catalogue units with a UDUNITS spelling (others are kept as written).
_UDUNITS = {"km (公里)": "km", "km": "km", "μg/m³": "ug m-3", "10k m² (万平方米)": "1e4 m2"}

# Kinds of units: "1" (dimensionless), "value" (the series' unit), "value/month" (the series'
# unit per month), "month" (a month of the year, 1-12), "" (none: strings, flags, dates).
_V = "value"
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
        "value/month",
        "Progress per month needed over the remaining months to meet the target (annual means: the "
        "mean needed over the unreported months, in the series' unit).",
    ),
    "run_rate": (
        "run rate",
        "value/month",
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
        "Shape of the Gamma increment of each month after the as-of month (0 for reported months).",
    ),
    "gamma_scale": (
        "Gamma scale of the increments in one draw",
        _V,
        "Scale of every month's Gamma increment.",
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
    "actual_rate": ("recent run rate", "value/month", "Mean monthly gain over the recent months."),
    "ceiling": ("ceiling of the growth curve", _V, "Asymptote of the fitted S-curve."),
    "inflection_month": ("inflection month of the growth curve", "month", "Month of fastest growth."),
    "aicc": ("AICc of the selected state-space model", "1", "Corrected Akaike information criterion."),
    "boxcox_lambda": ("Box-Cox lambda", "1", "Of the state-space model's transform (1: none)."),
    "sigma2_irregular": ("irregular variance", "1", "Of the state-space model, on its transformed scale."),
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


def _units(kind: str, series_units: Sequence[str]) -> str | None:
    if kind in ("1", "month"):
        return "1"
    if kind not in (_V, "value/month") or not len(series_units):
        return None  # no units, or none known (a state without a 'unit' variable)
    found = sorted({udunits(u) for u in series_units})
    if len(found) != 1:
        return MIXED
    (unit,) = found
    if kind == _V:
        return unit
    return f"{unit} month-1" if unit in (*_UDUNITS.values(), "percent") else f"{unit} per month"


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
        ``long_name``, ``description`` (when there is one) and ``units`` (when the variable
        has units: see the module notes). Empty for a name not in :data:`VARIABLES`.
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


def describe(obj: Any, series_units: Sequence[str] | np.ndarray) -> Any:
    """Set the CF attributes of every known variable and coordinate of ``obj``, in place.

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        A summary, paths or state. A DataArray is described under its name.
    series_units : sequence of str
        The catalogue unit of each series (empty: unknown, and values in them get no ``units``).

    Returns
    -------
    xarray.Dataset or xarray.DataArray
        ``obj`` itself. Existing attributes of the same names are replaced; others are kept.
    """
    series_units = [str(u) for u in np.asarray(series_units, dtype=object).ravel()]
    names = list(obj.variables) if hasattr(obj, "data_vars") else [*obj.coords]
    for name in names:
        obj[name].attrs.update(attributes(str(name), series_units))
    if not hasattr(obj, "data_vars"):
        obj.attrs.update(attributes(str(obj.name), series_units))
    return obj
