"""Monthly PM2.5 means (GB 3095-2012 validity rule) from real hourly data, as targets + progress."""

from __future__ import annotations

import calendar
import math
from numbers import Real
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from longjiang_forecast._core.checks import check_param
from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.provenance import file_sha256
from longjiang_forecast._core.schema import PROVINCE
from longjiang_forecast.catalog import Catalog, catalog_row, make_catalog

from ._national import REALDATA
from ._reader import _frame_to_dataset, _parse_as_of

__all__ = ["MONTHLY_MEAN_RULE", "load_pm25", "monthly_means"]

#: Packaged hourly files (gzip copies of the UCI "PM2.5 Data of Five Chinese Cities").
PM25_FILES: dict[str, str] = {
    "shenyang": "ShenyangPM20100101_20151231.csv.gz",
    "beijing": "BeijingPM20100101_20151231.csv.gz",
    "shanghai": "ShanghaiPM20100101_20151231.csv.gz",
}
_CITY_ZH = {"shenyang": "沈阳市", "beijing": "北京市", "shanghai": "上海市"}

#: Minimum valid hourly values for a valid daily mean (GB 3095-2012).
MIN_HOURS_PER_DAY = 20
#: Minimum valid daily means for a valid monthly mean (GB 3095-2012); February: 25.
MIN_DAYS_PER_MONTH = 27
MIN_DAYS_FEBRUARY = 25

MONTHLY_MEAN_RULE = (
    "GB 3095-2012 (数据统计的有效性规定): hourly city value = mean of the available station "
    "columns PM_* (including PM_US Post; NA ignored); daily mean = mean of the hourly values, "
    "valid only with at least 20 valid hours; monthly mean = mean of the valid daily means, "
    "valid only with at least 27 valid days (25 in February); otherwise the month is missing "
    "(NaN, never filled). Annual mean = day-weighted mean of the 12 monthly means, only when "
    "all 12 are valid."
)


def monthly_means(hourly: pd.DataFrame) -> pd.DataFrame:
    """Compute monthly mean PM2.5 from hourly station data by the GB 3095-2012 rule.

    Parameters
    ----------
    hourly : pandas.DataFrame
        One row per hour with integer columns ``year``, ``month``, ``day``, ``hour``
        and one or more station columns ``PM_*`` (μg/m³; missing values NaN or
        ``NA``).

    Returns
    -------
    pandas.DataFrame
        Indexed by month start (datetime64[ns], every month from the first to the
        last month in ``hourly``), with columns ``pm25`` (μg/m³; NaN for an invalid
        month), ``valid_days`` (int) and ``valid`` (bool).

    Raises
    ------
    DataValidationError
        If a time column or every ``PM_*`` column is missing.

    Notes
    -----
    Validity rule of the Chinese ambient air quality standard GB 3095-2012,
    "数据统计的有效性规定":

    * the city's hourly value is the mean of the available station columns
      ``PM_*`` for that hour (``PM_US Post`` included; NA ignored);
    * a daily mean needs at least 20 valid hourly values;
    * a monthly mean is the mean of the valid daily means and needs at least 27
      valid days (25 in February); otherwise the month is missing (NaN).

    Examples
    --------
    >>> hours = pd.DataFrame(
    ...     {"year": 2020, "month": 2, "day": np.repeat(np.arange(1, 30), 24),
    ...      "hour": np.tile(np.arange(24), 29), "PM_A": 50.0, "PM_B": 60.0}
    ... )
    >>> out = monthly_means(hours)
    >>> float(out.loc["2020-02-01", "pm25"]), int(out.loc["2020-02-01", "valid_days"])
    (55.0, 29)
    """
    time_cols = ["year", "month", "day", "hour"]
    missing = [c for c in time_cols if c not in hourly.columns]
    pm_cols = [c for c in hourly.columns if str(c).startswith("PM_")]
    if missing or not pm_cols:
        raise DataValidationError(
            f"Hourly PM2.5 data needs columns {time_cols} and at least one station column "
            f"'PM_*'; missing {missing + ([] if pm_cols else ['PM_*'])}."
        )
    stations = hourly[pm_cols].apply(pd.to_numeric, errors="coerce")
    city = stations.mean(axis=1, skipna=True)
    day = pd.to_datetime(hourly[["year", "month", "day"]]).dt.as_unit("ns")
    by_day = city.groupby(day)
    daily = by_day.mean()
    daily[by_day.count() < MIN_HOURS_PER_DAY] = np.nan
    month = daily.index.to_period("M").to_timestamp().as_unit("ns")
    by_month = daily.groupby(month)
    valid_days = by_month.count()
    mean = by_month.mean()
    need = np.where(valid_days.index.month == 2, MIN_DAYS_FEBRUARY, MIN_DAYS_PER_MONTH)
    valid = valid_days.to_numpy() >= need
    out = pd.DataFrame(
        {
            "pm25": np.where(valid, mean.to_numpy(), np.nan),
            "valid_days": valid_days,
            "valid": valid,
        },
        index=valid_days.index,
    )
    full = pd.date_range(out.index.min(), out.index.max(), freq="MS").as_unit("ns")
    out = out.reindex(full)
    out["valid_days"] = out["valid_days"].fillna(0).astype(int)
    out["valid"] = out["valid"].fillna(False).astype(bool)
    out.index.name = "month"
    return out


def _annual_mean(monthly: pd.DataFrame, year: int) -> float:
    """Day-weighted mean of a year's 12 monthly means; NaN unless all 12 are valid."""
    months = pd.date_range(f"{year}-01-01", periods=12, freq="MS").as_unit("ns")
    values = monthly["pm25"].reindex(months).to_numpy(float)
    if np.isnan(values).any():
        return math.nan
    days = np.array([calendar.monthrange(year, m)[1] for m in range(1, 13)], dtype=float)
    return float(np.sum(values * days) / np.sum(days))


def load_pm25(
    city: str,
    path: str | Path | None = None,
    *,
    year: int | None = None,
    as_of: str | pd.Timestamp | None = None,
    reduction_pct: float = 5.0,
    target: str = "annual_mean",
) -> tuple[Catalog, xr.Dataset]:
    """Load real hourly PM2.5 of a city as an annual-mean (or change) target with monthly progress.

    Parameters
    ----------
    city : {"shenyang", "beijing", "shanghai"}
        Case-insensitive. Shenyang is the closest climate to Heilongjiang; it has
        PM2.5 data from 2013 only.
    path : str or pathlib.Path, optional
        The city's hourly CSV (``ShenyangPM20100101_20151231.csv`` or a gzip of it).
        Default: the gzip copy packaged in ``longjiang_forecast/progress/realdata``.
    year : int, optional
        Keep only years up to and including ``year`` (earlier years are history);
        ``catalog.year`` is then ``year``. Default: all years with data.
    as_of : str or pandas.Timestamp, optional
        ``'YYYY-MM'`` or a Timestamp: drop hourly rows of later months before
        anything is computed.
    reduction_pct : float, default 5.0
        Required cut of the annual mean against the previous year, in percent.
    target : {"annual_mean", "change"}, default "annual_mean"
        How the one demo target of each year is written: as an annual mean in
        μg/m³ at most (1 − ``reduction_pct``/100) × last year's, or as a
        percent change of at most −``reduction_pct``. Both say the same; one is
        returned so that one target gets one forecast.

    Returns
    -------
    catalog : Catalog
        One row per year ``Y`` with at least one valid monthly mean (the kind
        chosen by ``target``), with
        region ``province``, deadline 31 December ``Y``, family
        ``PM25_{CITY}`` and ``baseline`` = the previous year's annual mean
        (μg/m³, NaN when unavailable):

        * ``PM25_{CITY}_{Y}``: kind ``annual_mean``, comparator ``<=``, unit
          ``μg/m³``, target = (1 − ``reduction_pct``/100) × the previous year's
          annual mean (NaN, and ``forecastable`` False, when that is unavailable).
        * ``PM25CHG_{CITY}_{Y}``: kind ``change``, comparator ``<=``, unit
          ``% change vs previous year``, target −``reduction_pct``.
    progress : xarray.Dataset
        Dims ``(indicator, region, month)`` with ``region = ['province']`` and
        ``month`` contiguous from January of the first year to the last month of
        data; variable ``value`` (float64, μg/m³): the monthly mean of the
        indicator's year, for both indicators of the pair, NaN for months outside
        the year and for invalid months. ``attrs``: ``source``, ``sha256``,
        ``city``, ``monthly_mean_rule``, ``invalid_months`` (comma-separated
        ``YYYY-MM`` of the years kept whose mean is missing), ``annual_means``
        (``YYYY: value`` for every year with 12 valid months),
        ``excluded_after_as_of`` (hourly rows dropped by ``as_of``),
        ``reduction_pct``.

    Raises
    ------
    DataValidationError
        If ``city`` is not one of the three cities, the file lacks the time or
        ``PM_*`` columns, or no valid month is left.
    FileNotFoundError
        If ``path`` does not exist.
    ValueError
        If ``as_of`` is malformed, or ``reduction_pct`` is not in [0, 100).

    See Also
    --------
    monthly_means : The GB 3095-2012 monthly mean on its own.

    Notes
    -----
    Monthly means follow the validity rule of the Chinese ambient air quality
    standard GB 3095-2012, section "数据统计的有效性规定": the city's hourly value
    is the mean of the available station columns ``PM_*`` (``PM_US Post``
    included, NA ignored); a daily mean needs at least 20 valid hours; a monthly
    mean is the mean of the valid daily means and needs at least 27 valid days (25
    in February); otherwise the month is missing (NaN, never filled) and listed in
    ``attrs['invalid_months']``. The annual mean is the day-weighted mean of the
    12 monthly means and requires all 12 to be valid (GB 3095-2012 itself asks
    for at least 324 valid daily values a year; 11 × 27 + 25 = 322 valid days is
    close to that).

    Data: "PM2.5 Data of Five Chinese Cities", UCI Machine Learning Repository,
    CC BY 4.0; Liang, X. et al. (2015), Proc. R. Soc. A 471: 20150257.

    References
    ----------
    .. [1] GB 3095-2012, Ambient air quality standards (环境空气质量标准).
    .. [2] Liang, X. et al. (2015). Assessing Beijing's PM2.5 pollution: severity,
       weather impact, APEC and winter heating. Proc. R. Soc. A 471: 20150257.
       https://doi.org/10.1098/rspa.2015.0257

    Examples
    --------
    >>> catalog, ds = load_pm25("shenyang")
    >>> round(float(catalog.row("PM25_SHENYANG_2015")["target"]), 2)
    73.57
    >>> round(ds["value"].sel(indicator="PM25_SHENYANG_2015", month="2015-01-01").item(), 2)
    123.05
    >>> ds.attrs["invalid_months"]
    '2013-04'
    """
    key = str(city).strip().lower()
    if key not in PM25_FILES:
        raise DataValidationError(
            f"Unknown city {city!r} for load_pm25. Known cities: {sorted(PM25_FILES)}. "
            f"Pass one of them (case-insensitive)."
        )
    check_param("load_pm25", "reduction_pct", reduction_pct, Real, 0, 100, closed="left")
    if target not in ("annual_mean", "change"):
        raise ValueError(
            f"The 'target' parameter of load_pm25 must be 'annual_mean' or 'change'. Got {target!r} instead."
        )
    as_of_ts = _parse_as_of(as_of, "load_pm25")
    path = REALDATA / PM25_FILES[key] if path is None else Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"Hourly PM2.5 file not found: {path}")
    hourly = pd.read_csv(path, na_values=["NA"])
    n_read = len(hourly)
    excluded = 0
    if as_of_ts is not None:
        stamp = hourly["year"] * 100 + hourly["month"]
        keep = stamp <= as_of_ts.year * 100 + as_of_ts.month
        excluded = int((~keep).sum())
        hourly = hourly.loc[keep]
    if year is not None:
        hourly = hourly.loc[hourly["year"] <= int(year)]
    monthly = monthly_means(hourly) if len(hourly) else pd.DataFrame()
    years = sorted({ts.year for ts in monthly.index[monthly["valid"]]}) if len(monthly) else []
    if not years:
        raise DataValidationError(
            f"{path}: no valid monthly PM2.5 mean (GB 3095-2012 rule) on or before "
            f"{'as_of=' + repr(as_of_ts.strftime('%Y-%m')) if as_of_ts is not None else 'the end'}"
            f"{f' of {year}' if year is not None else ''}. Pass a later as_of or year."
        )
    if year is not None and int(year) not in years:
        raise DataValidationError(
            f"{path}: no valid monthly PM2.5 mean in year {year}. Years with data: {years}."
        )

    upper = key.upper()
    family = f"PM25_{upper}"
    name_zh = _CITY_ZH[key]
    rows = []
    annual = {y: _annual_mean(monthly, y) for y in range(years[0] - 1, years[-1] + 1)}
    for y in years:
        base = annual[y - 1]
        has_base = math.isfinite(base)
        why = (
            f"target = (1 − {reduction_pct:g}/100) × {y - 1} annual mean {base:.2f} μg/m³"
            if has_base
            else f"no target: the {y - 1} annual mean is unavailable (needs 12 valid monthly "
            f"means under GB 3095-2012)"
        )
        common = {
            "year": y,
            "comparator": "<=",
            "deadline": pd.Timestamp(year=y, month=12, day=31),
            "baseline": base,
            "family": family,
            "tags": "pm25;city;real-data;derived-target",  # a city's series: its top level reads 全市 / city
            "deadline_source": "calendar year",
        }
        if target == "annual_mean":
            rows.append(
                catalog_row(
                    indicator=f"PM25_{upper}_{y}",
                    name_zh=f"{name_zh}PM2.5年均浓度",
                    name_en=f"{key.title()}: annual mean PM2.5",
                    unit="μg/m³",
                    target=(1 - reduction_pct / 100) * base if has_base else math.nan,
                    kind="annual_mean",
                    note=why,
                    target_basis=f"previous year's annual mean × (1 − {reduction_pct:g}%)",
                    **common,
                )
            )
            continue
        rows.append(
            catalog_row(
                indicator=f"PM25CHG_{upper}_{y}",
                name_zh=f"{name_zh}PM2.5年均浓度同比变化",
                name_en=f"{key.title()}: change of annual mean PM2.5 vs previous year",
                unit="% change vs previous year",
                target=-float(reduction_pct),
                kind="change",
                forecastable=has_base,
                note=(
                    f"change of the {y} annual mean against {y - 1} ({base:.2f} μg/m³); "
                    f"progress values are the monthly means in μg/m³"
                    if has_base
                    else f"no baseline: the {y - 1} annual mean is unavailable"
                ),
                target_basis=f"cut of at least {reduction_pct:g}% against the previous year",
                **common,
            )
        )
    cat_year = int(year) if year is not None else years[-1]
    catalog = make_catalog(rows, year=cat_year, source=str(path))

    kept = monthly.loc[monthly.index >= pd.Timestamp(year=years[0], month=1, day=1)]
    valid = kept.loc[kept["valid"]]
    indicators, months, values = [], [], []
    for ts, v in zip(pd.DatetimeIndex(valid.index), valid["pm25"], strict=True):
        for prefix in ("PM25",) if target == "annual_mean" else ("PM25CHG",):
            indicators.append(f"{prefix}_{upper}_{ts.year}")
            months.append(ts.strftime("%Y-%m"))
            values.append(repr(float(v)))
    raw = pd.DataFrame(
        {
            "indicator": indicators,
            "region": PROVINCE,
            "month": months,
            "value": values,
            "_row": np.arange(len(values)) + 2,
        }
    )
    ds = _frame_to_dataset(
        raw,
        catalog,
        source=str(path),
        as_of=as_of_ts,
        allow_revisions=False,
        check_scale=False,
        all_indicators=True,
        month_end=kept.index.max(),
    )
    ds["value"].attrs.update(units="μg/m³", long_name="monthly mean PM2.5 (GB 3095-2012 rule)")
    ds.attrs.update(
        sha256=file_sha256(path),
        city=key,
        n_rows=n_read,
        monthly_mean_rule=MONTHLY_MEAN_RULE,
        invalid_months=", ".join(ts.strftime("%Y-%m") for ts in kept.index[~kept["valid"]]),
        annual_means=", ".join(f"{y}: {v:.4f}" for y, v in annual.items() if math.isfinite(v)),
        excluded_after_as_of=excluded,
        reduction_pct=float(reduction_pct),
    )
    return catalog, ds
