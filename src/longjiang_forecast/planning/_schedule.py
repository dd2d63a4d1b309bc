"""Progress against the planned trajectory: Earned Schedule's SPI(t) per series, ranked by prefecture."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.schema import MONTH, PROVINCE, SERIES
from .._core.state import with_series_labels
from . import _kernels
from ._common import ForecastLike, check_forecast, forecast_ok, provenance

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Kinds with a cumulative trajectory to earn (counts, levels as the gain since January).
SCHEDULE_KINDS = ("cumulative", "level")
#: Variable of ``Forecast.draws`` holding the model's cumulative share curve (series, month).
PLAN_SHARE = "plan_share"

PlanLike = Literal["model", "flat"] | xr.DataArray | None


def planned_share(forecast: ForecastLike, plan: PlanLike = None) -> tuple[np.ndarray, str]:
    """The planned cumulative share of the year's target after months 0..12, per series.

    Parameters
    ----------
    forecast : Forecast
        The forecast; ``draws[PLAN_SHARE]`` is read for ``plan="model"``.
    plan : {"model", "flat"}, xarray.DataArray or None
        ``"model"``: the share curve the model used (``SeasonalShareModel``'s
        ``share_mean_``, passed on as ``draws["plan_share"]`` with dims
        (series, month): the share done by the end of each month).
        ``"flat"``: a straight line from 0 in January to 1 at the deadline.
        A DataArray with dims (series, month): that share curve. ``None``:
        ``"model"`` when the draws carry it, else ``"flat"``.

    Returns
    -------
    share : ndarray of shape (n_series, 13)
        Cumulative share after months 0..12 (0 at month 0).
    label : str
        ``"model share curve"``, ``"flat line"`` or ``"given share curve"``.

    Raises
    ------
    DataValidationError
        If ``plan="model"`` and the draws have no ``plan_share``, or a given
        curve does not have dims (series, month) of the forecast's size, or holds a value that is
        not a number, one outside [0, 1] (a curve in percent) or a fall from one month to the next.
    """
    n = forecast.state.sizes[SERIES]
    if plan is None:
        plan = "model" if PLAN_SHARE in forecast.draws else "flat"
    if isinstance(plan, str) and plan == "flat":
        dl = np.maximum(forecast.state["deadline_month"].values.astype(int), 1)
        months = np.arange(13)[None, :]
        return np.minimum(months / dl[:, None], 1.0), "flat line"
    if isinstance(plan, str) and plan == "model":
        if PLAN_SHARE not in forecast.draws:
            raise DataValidationError(
                "plan='model' needs the model's share curve in forecast.draws['plan_share'] "
                "(dims series, month). Use a forecast that carries it, or plan='flat'."
            )
        curve, label = forecast.draws[PLAN_SHARE], "model share curve"
    elif isinstance(plan, xr.DataArray):
        curve, label = plan, "given share curve"
    else:
        raise ValueError(
            "The 'plan' parameter of planned_share must be 'model', 'flat', an xarray.DataArray "
            f"(series, month) or None. Got {plan!r} instead."
        )
    dims_ok = curve.ndim == 2 and set(curve.dims) == {SERIES, MONTH}
    values = np.asarray(curve.transpose(SERIES, MONTH).values, dtype=float) if dims_ok else None
    if values is None or values.shape != (n, 12):
        raise DataValidationError(
            f"The plan share curve must have dims (series, month) and shape ({n}, 12). "
            f"Got dims {curve.dims} and shape {curve.shape}."
        )
    if label == "given share curve":
        _check_share_curve(values, forecast)
    return np.concatenate([np.zeros((n, 1)), np.clip(values, 0.0, 1.0)], axis=1), label


def _check_share_curve(values: np.ndarray, forecast: ForecastLike) -> None:
    """Refuse a given share curve that is not a cumulative share: NaN, outside [0, 1], or falling.

    A series whose whole row is NaN has no plan (its SPI(t) is NaN), as in the model's own curve.

    A curve in percent was clipped to 1 and every prefecture read far behind (mean SPI(t) 0.964 ->
    0.097), a falling one likewise, and an all-NaN one became the flat line still labelled "given"
    (a break-it pass).
    """
    state = forecast.state
    label = [f"{i}/{r}" for i, r in zip(state["indicator"].values, state["region"].values, strict=True)]
    missing = np.isnan(values)
    if missing.all():
        raise DataValidationError(
            "The plan share curve is NaN everywhere: give the cumulative share of the year's target "
            "planned by the end of each month, or plan='flat' for a straight line."
        )
    unplanned = missing.all(axis=1)  # a series without a plan (as the model's own curve has): NaN SPI(t)
    values = values[~unplanned]
    label = [lab for lab, skip in zip(label, unplanned, strict=True) if not skip]
    problems = (
        (~np.isfinite(values), "a value that is not a number (NaN or infinite)", "give every month a share"),
        (
            (values < 0.0) | (values > 1.0 + 1e-9),
            "a value outside [0, 1]",
            "give shares of the year's target, 0.25 for a quarter (a curve in percent: divide by 100)",
        ),
        (
            np.diff(values, axis=1, prepend=0.0) < -1e-9,
            "a fall from one month to the next",
            "give the cumulative share done by the end of each month, which never falls",
        ),
    )
    for bad, what, fix in problems:
        rows = np.flatnonzero(bad.any(axis=1))
        if rows.size:
            first, month = rows[0], int(np.flatnonzero(bad[rows[0]])[0])
            raise DataValidationError(
                f"The plan share curve has {what} in {rows.size} series (first {label[first]}, month "
                f"{month + 1}: {values[first, month]:g}); {fix}."
            )


def planned_values(forecast: ForecastLike, plan: PlanLike = None) -> tuple[np.ndarray, np.ndarray, str]:
    """The planned value after months 0..12 of every series, from the target's origin.

    Parameters
    ----------
    forecast : Forecast
        The forecast; ``state`` is read (and the share curve, see :func:`planned_share`).
    plan : {"model", "flat"}, xarray.DataArray or None
        The planned trajectory, see :func:`planned_share`.

    Returns
    -------
    pv : ndarray of shape (n_series, 13)
        ``PV(m) = (target − origin) · S(m) / S(T)`` for ``m <= T`` (the
        deadline month), the total after it; in the indicator's unit, counted
        from ``origin``. ``pv[:, -1]`` is the planned total ``target − origin``.
    origin : ndarray of shape (n_series,)
        0 for counts, last December's level (``baseline``) for levels.
    label : str
        Which trajectory (see :func:`planned_share`).
    """
    state = forecast.state
    n = state.sizes[SERIES]
    share, label = planned_share(forecast, plan)
    kind = state["kind"].values.astype(str)
    origin = np.where(kind == "level", state["baseline"].values.astype(float), 0.0)
    dl = np.clip(state["deadline_month"].values.astype(int), 1, 12)
    s_at_dl = share[np.arange(n), dl]
    flat = np.minimum(np.arange(13)[None, :] / dl[:, None], 1.0)
    share = np.where((s_at_dl > 0)[:, None], share, flat)
    s_at_dl = np.where(s_at_dl > 0, s_at_dl, 1.0)
    scaled = np.minimum(share / s_at_dl[:, None], 1.0)
    scaled = np.where(np.arange(13)[None, :] > dl[:, None], 1.0, scaled)
    total = state["target"].values.astype(float) - origin
    return total[:, None] * scaled, origin, label


#: The note of a level reported below the baseline its plan starts from (no SPI(t)).
BELOW_BASELINE = "level below the baseline the plan starts from: no SPI(t)"


def schedule_performance(forecast: ForecastLike, *, plan: PlanLike = None) -> xr.Dataset:
    """Earned Schedule and SPI(t) of every series against its planned trajectory.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`; ``state`` is read (and
        ``draws["plan_share"]`` for the model's plan).
    plan : {"model", "flat"}, xarray.DataArray or None
        The planned trajectory, see :func:`planned_share`.

    Returns
    -------
    xarray.Dataset
        dim ``series`` (coords ``indicator``, ``region``). Variables:
        ``earned_schedule`` (months: when the plan reaches the reported
        progress), ``actual_time`` (months: the latest report's month),
        ``spi_t`` (``earned_schedule / actual_time``; 1 = on plan, < 1 =
        behind), ``planned_value`` (the plan at the actual time, in the
        indicator's unit), ``earned_value`` (reported progress, same unit),
        ``kind``, ``name_zh``, ``name_en``; ``note`` ("" or why there is no
        SPI(t)). attrs: ``plan`` (which trajectory), provenance.

    Notes
    -----
    Planned value after month ``m``: ``PV(m) = (target − start) · S(m) /
    S(T)`` for ``m <= T`` (the deadline month), with ``S`` the cumulative
    share curve and ``start`` 0 for counts, last December's level for
    levels; dividing by ``S(T)`` makes the plan reach the target at the
    deadline (outdoor work due in October). Earned value ``EV`` = latest
    report − start. Earned Schedule ``ES`` is the time at which ``PV``
    equals ``EV`` (Lipke 2003, linear within a month; see
    :func:`~longjiang_forecast.planning._kernels.earned_schedule` for flat
    stretches), and ``SPI(t) = ES / AT`` with ``AT`` the month of the latest
    report. Unlike the cost-based SPI = EV/PV, SPI(t) is a ratio of times,
    so it does not drift back to 1 as the deadline nears. Annual means,
    percent changes and milestones have no cumulative plan and get NaN; so
    does a level reported below the baseline its plan starts from (``EV <
    0``: a prefecture given the province's baseline, 90 % against its own
    88 %), whose SPI(t) would be 0 whatever its progress (``note``
    :data:`BELOW_BASELINE`).

    References
    ----------
    Lipke, W. (2003). Schedule is different. *The Measurable News*, March
    2003, 31-34.
    """
    check_forecast(forecast, "schedule_performance")
    state = forecast.state
    n = state.sizes[SERIES]
    pv, origin, label = planned_values(forecast, plan)
    kind = state["kind"].values.astype(str)
    dl = np.clip(state["deadline_month"].values.astype(int), 1, 12)
    at = state["last_month"].values.astype(int)
    total = pv[:, -1]
    ev = state["last_value"].values.astype(float) - origin
    note = np.full(n, "", dtype=object)
    usable = forecast_ok(forecast) & np.isin(kind, SCHEDULE_KINDS)
    usable &= np.isfinite(total) & (total > 0) & np.isfinite(ev)
    note[~np.isin(kind, SCHEDULE_KINDS)] = "no cumulative plan (annual mean, change or milestone)"
    note[np.isin(kind, SCHEDULE_KINDS) & ~usable] = "no forecast or no positive planned total"
    note[usable & (at == 0)] = "no report yet"
    usable &= at > 0
    # A level reported below the baseline its plan starts from (a prefecture given the province's
    # baseline, say) has earned nothing on that plan whatever it did: SPI(t) would read 0. Left out.
    below = usable & (kind == "level") & (ev < 0)
    note[below] = BELOW_BASELINE
    usable &= ~below
    es = np.full(n, np.nan)
    if usable.any():
        es[usable] = _kernels.earned_schedule(
            np.nan_to_num(pv[usable]), ev[usable], at[usable].astype(float), dl[usable]
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        spi = np.where(usable, es / at, np.nan)
    pv_at = np.where(usable, pv[np.arange(n), np.clip(at, 0, 12)], np.nan)
    out = xr.Dataset(
        {
            "earned_schedule": (SERIES, es),
            "actual_time": (SERIES, at.astype(float)),
            "spi_t": (SERIES, spi),
            "planned_value": (SERIES, pv_at),
            "earned_value": (SERIES, np.where(usable, ev, np.nan)),
            "note": (SERIES, note),
        },
        coords={SERIES: state[SERIES].values},
        attrs=provenance(
            forecast,
            plan=label,
            units_earned_schedule="months since 1 January",
            definition=(
                "SPI(t) = ES / AT; ES = time at which the planned trajectory equals the reported value"
            ),
        ),
    )
    out = with_series_labels(out, state, ("kind", "name_zh", "name_en"))
    return out


def prefecture_ranking(
    forecast: ForecastLike, *, plan: PlanLike = None, schedule: xr.Dataset | None = None
) -> pd.DataFrame:
    """Rank the prefectures by their mean SPI(t) over their indicators.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`.
    plan : {"model", "flat"}, xarray.DataArray or None
        The planned trajectory, see :func:`planned_share`.
    schedule : xarray.Dataset, optional
        A precomputed :func:`schedule_performance` (else computed here).

    Returns
    -------
    pandas.DataFrame
        One row per prefecture with at least one SPI(t), best first.
        Columns: ``rank`` (1 = furthest ahead), ``region``, ``name_zh``,
        ``name_en``, ``spi_t`` (mean over the prefecture's indicators),
        ``spi_t_min`` (its worst indicator), ``worst_indicator``,
        ``n_indicators``, ``n_behind`` (indicators with SPI(t) < 0.95),
        ``mean_p_met`` (mean attainment probability of the same
        indicators). ``attrs``: ``plan``, ``definition``, provenance.

    Raises
    ------
    DataValidationError
        If no prefecture series has an SPI(t).
    """
    sched = schedule_performance(forecast, plan=plan) if schedule is None else schedule
    frame = pd.DataFrame(
        {
            "region": sched["region"].values.astype(str),
            "indicator": sched["indicator"].values.astype(str),
            "spi_t": sched["spi_t"].values,
            "p_met": forecast.summary["p_met"].values,
        }
    )
    frame = frame[(frame["region"] != PROVINCE) & np.isfinite(frame["spi_t"])]
    if frame.empty:
        raise DataValidationError(
            "No prefecture series has an SPI(t): the ranking needs prefecture rows of counts or "
            "levels with at least one report. Add prefecture progress or skip the ranking."
        )
    grouped = frame.groupby("region", sort=False)
    worst = frame.loc[grouped["spi_t"].idxmin(), ["region", "indicator"]].set_index("region")["indicator"]
    table = pd.DataFrame(
        {
            "spi_t": grouped["spi_t"].mean(),
            "spi_t_min": grouped["spi_t"].min(),
            "worst_indicator": worst,
            "n_indicators": grouped["spi_t"].size(),
            "n_behind": grouped["spi_t"].apply(lambda x: int((x < 0.95).sum())),
            "mean_p_met": grouped["p_met"].mean(),
        }
    ).reset_index()
    names = _region_names(forecast.catalog)
    table["name_zh"] = table["region"].map(lambda r: names.get(r, (r, r))[0])
    table["name_en"] = table["region"].map(lambda r: names.get(r, (r, r))[1])
    table = table.sort_values(["spi_t", "mean_p_met"], ascending=False, kind="stable").reset_index(drop=True)
    table.insert(0, "rank", np.arange(1, len(table) + 1))
    table = table[
        [
            "rank",
            "region",
            "name_zh",
            "name_en",
            "spi_t",
            "spi_t_min",
            "worst_indicator",
            "n_indicators",
            "n_behind",
            "mean_p_met",
        ]
    ]
    table.attrs = dict(sched.attrs)
    table.attrs["definition"] = "mean SPI(t) = ES / AT over the prefecture's count and level indicators"
    return table


def _region_names(catalog: Catalog | None) -> dict[str, tuple[str, str]]:
    regions = getattr(catalog, "regions", None)
    if regions is None:
        return {}
    return {
        str(r): (str(zh), str(en))
        for r, zh, en in zip(regions["region"], regions["name_zh"], regions["name_en"], strict=True)
    }


__all__ = [
    "PLAN_SHARE",
    "SCHEDULE_KINDS",
    "planned_share",
    "planned_values",
    "prefecture_ranking",
    "schedule_performance",
]
