"""Interval coverage on data drawn from each model's own assumptions, by number of earlier years.

Each case writes down a model's generative story (its priors included: a Bayesian model is
calibrated on average over the laws it assumes, Cook, Gelman & Rubin 2006, *J. Comput. Graph.
Stat.* 15(3), 675-692), draws many series from it with 1, 2, 4 and 8 earlier years, forecasts
them as of March through :func:`longjiang_forecast.forecast` and counts how often the 80 %
interval ``[q10, q90]`` holds the true value at the deadline. The count must lie within three
binomial standard errors of 80 %.

Run the study with more series (the numbers in docs/models.md)::

    PYTHONPATH=src python tests/models/test_models_coverage.py 400
"""

import sys
import warnings

import numpy as np
import pandas as pd
import pytest
import xarray as xr

import longjiang_forecast as lf
from longjiang_forecast._core.state import month_days
from longjiang_forecast.models import EarnedScheduleModel, ETSModel, RunRateModel, SeasonalShareModel
from longjiang_forecast.models.seasonal_share import _MONTH_SD_PRIOR, _MONTH_SD_PRIOR_DOF, _YEAR_SD_PRIOR_DOF

YEAR = 2024
AS_OF_MONTH = 3
#: A PM2.5-like seasonal profile (μg/m³): heating-season winters, clean summers.
PM_PROFILE = np.array([75, 62, 48, 38, 32, 26, 24, 26, 30, 42, 58, 72], float)


def _scaled_inv_chi2(rng: np.random.Generator, dof: float, scale: float, size: int) -> np.ndarray:
    """Draws of a scaled-inverse-χ²(dof, scale²) variance (Gelman et al. 2013, BDA3, appendix A)."""
    return dof * scale**2 / rng.chisquare(dof, size)


def _progress(values: dict[str, np.ndarray], first_year: int) -> xr.Dataset:
    """A progress dataset of one indicator per series (region province), months first_year-01..as-of."""
    months = pd.date_range(f"{first_year}-01-01", f"{YEAR}-{AS_OF_MONTH:02d}-01", freq="MS")
    names = sorted(values)
    data = np.stack([values[k][: months.size] for k in names])[:, None, :]
    return xr.Dataset(
        {"value": (("indicator", "region", "month"), data)},
        coords={"indicator": names, "region": ["province"], "month": months.values},
    )


def _catalog(names: list[str], kind: str, comparator: str, targets: dict[str, float]) -> lf.Catalog:
    from longjiang_forecast.catalog import catalog_row, make_catalog

    rows = [
        catalog_row(
            indicator=k, year=YEAR, name_zh=k, name_en=k, unit="u", target=targets[k], comparator=comparator,
            kind=kind, deadline=pd.Timestamp(year=YEAR, month=12, day=31), tags="",
        )
        for k in names
    ]  # fmt: skip
    return make_catalog(rows, year=YEAR, source="coverage")


def annual_mean_world(
    n_series: int, n_years: int, seed: int, sigma: float | None = None, tau: float | None = None
) -> tuple[xr.Dataset, lf.Catalog, dict[str, float]]:
    """Log-normal seasonal profile + year effect + monthly noise, σ and τ from the default model's priors.

    ``log y_{j,m} = log p_m + δ_j + ε_{j,m}``, ``δ_j ~ N(0, τ²)``, ``ε ~ N(0, σ²)``, with
    ``τ² ~ scaled-Inv-χ²(ν₀, year_effect_sd²)`` and ``σ² ~ scaled-Inv-χ²(ν₀, s₀²)`` (the priors of
    :class:`SeasonalShareModel`), or the given ``sigma`` and ``tau`` for every series. Returns
    the progress as of March, the catalogue and the true annual mean (day-weighted) of each series.
    """
    rng = np.random.default_rng(seed)
    prior_tau = np.sqrt(
        _scaled_inv_chi2(rng, _YEAR_SD_PRIOR_DOF, SeasonalShareModel().year_effect_sd, n_series)
    )
    prior_sigma = np.sqrt(_scaled_inv_chi2(rng, _MONTH_SD_PRIOR_DOF, _MONTH_SD_PRIOR, n_series))
    tau = prior_tau if tau is None else np.full(n_series, tau)
    sigma = prior_sigma if sigma is None else np.full(n_series, sigma)
    level = np.log(PM_PROFILE) + rng.normal(0.0, 0.3, (n_series, 1))  # each series its own city
    values, truth, targets = {}, {}, {}
    days = month_days(YEAR)
    for i in range(n_series):
        effects = rng.normal(0.0, tau[i], n_years + 1)
        logs = level[i] + effects[:, None] + rng.normal(0.0, sigma[i], (n_years + 1, 12))
        name = f"PM{i:03d}"
        values[name] = np.exp(logs).ravel()
        truth[name] = float(np.sum(np.exp(logs[-1]) * days) / days.sum())
        targets[name] = float(np.exp(level[i].mean()))  # a plan near the city's usual level
    return _progress(values, YEAR - n_years), _catalog(sorted(values), "annual_mean", "<=", targets), truth


def local_level_world(
    n_series: int, n_years: int, seed: int, level_sd: float = 0.03, noise_sd: float = 0.15
) -> tuple[xr.Dataset, lf.Catalog, dict[str, float]]:
    """The state-space story of :class:`ETSModel`: a seasonal profile plus a local level plus noise.

    ``log y_t = log p_m + ℓ_t + ε_t``, ``ℓ_t = ℓ_{t−1} + η_t``, ``η ~ N(0, level_sd²)``,
    ``ε ~ N(0, noise_sd²)``, monthly over the earlier years and this one. Returns as
    :func:`annual_mean_world`.
    """
    rng = np.random.default_rng(seed)
    n_months = 12 * (n_years + 1)
    values, truth, targets = {}, {}, {}
    days = month_days(YEAR)
    for i in range(n_series):
        base = np.log(PM_PROFILE) + rng.normal(0.0, 0.3)
        level = np.cumsum(rng.normal(0.0, level_sd, n_months))
        logs = np.tile(base, n_years + 1) + level + rng.normal(0.0, noise_sd, n_months)
        name = f"PM{i:03d}"
        values[name] = np.exp(logs)
        truth[name] = float(np.sum(np.exp(logs[-12:]) * days) / days.sum())
        targets[name] = float(np.exp(base.mean()))
    return _progress(values, YEAR - n_years), _catalog(sorted(values), "annual_mean", "<=", targets), truth


def run_rate_world(
    n_series: int, n_years: int, seed: int, cv: float = 0.3
) -> tuple[xr.Dataset, lf.Catalog, dict[str, float]]:
    """The run rate's story: iid Gamma monthly increments with an unknown rate (log-uniform-ish).

    Every month of every year adds ``Gamma`` work with mean ``r`` (log r ~ N(log 100, 0.5²))
    and coefficient of variation ``cv``. Returns as :func:`annual_mean_world`, the truth being
    December's cumulative value.
    """
    rng = np.random.default_rng(seed)
    values, truth, targets = {}, {}, {}
    for i in range(n_series):
        rate = float(np.exp(rng.normal(np.log(100.0), 0.5)))
        inc = rng.gamma(1 / cv**2, rate * cv**2, (n_years + 1, 12))
        name = f"RR{i:03d}"
        values[name] = np.cumsum(inc, axis=1).ravel()
        truth[name] = float(inc[-1].sum())
        targets[name] = 1200.0
    return _progress(values, YEAR - n_years), _catalog(sorted(values), "cumulative", ">=", targets), truth


def earned_schedule_world(
    n_series: int, n_years: int, seed: int, pace_sd: float = 0.2, spi_sd: float = 0.15
) -> tuple[xr.Dataset, lf.Catalog, dict[str, float]]:
    """Earned Schedule's story: a year keeps to a flat plan at its own pace, which then drifts.

    The plan reaches the target evenly through the year (the reference profile of untagged
    work). A year's pace (SPI) is log-normal around 1 (sd ``pace_sd``) up to March and is
    multiplied by a log-normal factor (sd ``spi_sd``, the model's default) for the rest of the
    year; months add Gamma noise of shape 200/12 (the model's ``month_concentration``).
    """
    rng = np.random.default_rng(seed)
    values, truth, targets = {}, {}, {}
    for i in range(n_series):
        need = float(np.exp(rng.normal(np.log(1000.0), 0.5)))
        spi = np.exp(rng.normal(0.0, pace_sd, (n_years + 1, 1)))
        later = spi * np.exp(rng.normal(0.0, spi_sd, (n_years + 1, 1)))
        pace = np.where(np.arange(12) < AS_OF_MONTH, spi, later) * need / 12
        inc = rng.gamma(200 / 12, pace / (200 / 12))
        name = f"ES{i:03d}"
        values[name] = np.cumsum(inc, axis=1).ravel()
        truth[name] = float(inc[-1].sum())
        targets[name] = need
    return _progress(values, YEAR - n_years), _catalog(sorted(values), "cumulative", ">=", targets), truth


def persistence_world(
    n_series: int, n_years: int, seed: int, sigma: float = 0.2
) -> tuple[xr.Dataset, lf.Catalog, dict[str, float]]:
    """The run rate's story for an annual mean: every month log-normal around one level, no season.

    ``log y_{j,m} = a_i + ε``, ``ε ~ N(0, sigma²)``; earlier years are drawn too (the model does
    not use them). Returns as :func:`annual_mean_world`.
    """
    rng = np.random.default_rng(seed)
    values, truth, targets = {}, {}, {}
    days = month_days(YEAR)
    for i in range(n_series):
        level = rng.normal(np.log(40.0), 0.3)
        logs = level + rng.normal(0.0, sigma, (n_years + 1, 12))
        name = f"PS{i:03d}"
        values[name] = np.exp(logs).ravel()
        truth[name] = float(np.sum(np.exp(logs[-1]) * days) / days.sum())
        targets[name] = 40.0
    return _progress(values, YEAR - n_years), _catalog(sorted(values), "annual_mean", "<=", targets), truth


def coverage(
    model: object, world: tuple[xr.Dataset, lf.Catalog, dict[str, float]], n_draws: int = 1000
) -> tuple[float, int, pd.DataFrame]:
    """Share of forecast series whose 80 % interval holds the truth; the number forecast; the table."""
    progress, catalog, truth = world
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = lf.forecast(progress, catalog, model=model, n_draws=n_draws, seed=1).table()
    done = table[table["status"] != "no forecast"]
    true = done["indicator"].map(truth).to_numpy()
    held = (done["q10"].to_numpy() <= true) & (true <= done["q90"].to_numpy())
    return float(held.mean()) if held.size else float("nan"), int(held.size), table


def _within_binomial(share: float, n: int, level: float = 0.8, k: float = 3.0) -> bool:
    return abs(share - level) <= k * np.sqrt(level * (1 - level) / n)


N_SERIES = 200
EARLIER_YEARS = (1, 2, 4, 8)


def _check(cov: float, n: int, n_series: int) -> None:
    assert n == n_series, f"{n_series - n} series not forecast"
    se = np.sqrt(0.8 * 0.2 / n)
    assert _within_binomial(cov, n), f"80 % interval holds {cov:.3f} of {n} (3 s.e. = {3 * se:.3f})"


@pytest.mark.slow
@pytest.mark.parametrize("n_years", EARLIER_YEARS)
def test_seasonal_share_annual_mean_coverage(n_years):
    """Before the fix: 0.39 (1 earlier year), 0.63, 0.66, 0.73 (8); one earlier year gave σ ≈ 0."""
    cov, n, _ = coverage(SeasonalShareModel(), annual_mean_world(N_SERIES, n_years, seed=n_years))
    _check(cov, n, N_SERIES)


@pytest.mark.slow
@pytest.mark.parametrize("n_years", EARLIER_YEARS[1:])
def test_ets_annual_mean_coverage(n_years):
    cov, n, _ = coverage(ETSModel(), local_level_world(N_SERIES // 2, n_years, seed=n_years))
    _check(cov, n, N_SERIES // 2)


def test_ets_refuses_an_annual_mean_with_one_earlier_year():
    """Its profile would be that year itself: no residuals to learn the month-to-month noise from."""
    _, n, table = coverage(ETSModel(), local_level_world(3, 1, seed=1), n_draws=10)
    assert n == 0
    assert table["reason"].str.contains("at least two earlier years").all()


@pytest.mark.parametrize("n_years", EARLIER_YEARS)
def test_run_rate_count_coverage(n_years):
    cov, n, _ = coverage(RunRateModel(), run_rate_world(N_SERIES, n_years, seed=n_years))
    _check(cov, n, N_SERIES)


@pytest.mark.parametrize("n_years", EARLIER_YEARS)
def test_earned_schedule_count_coverage(n_years):
    cov, n, _ = coverage(EarnedScheduleModel(), earned_schedule_world(N_SERIES, n_years, seed=n_years))
    _check(cov, n, N_SERIES)


def test_run_rate_annual_mean_coverage():
    """Persistence ignores earlier years: one case (three months known) says all."""
    cov, n, _ = coverage(RunRateModel(), persistence_world(N_SERIES, 1, seed=1))
    _check(cov, n, N_SERIES)


def test_seasonal_share_one_earlier_year_is_not_sure():
    """The issue's case: one earlier year, 3 of 12 months known; σ from 2 degrees of freedom, not 13."""
    progress, catalog, _ = annual_mean_world(1, 1, seed=5, sigma=0.2, tau=0.08)
    model = SeasonalShareModel().fit(progress, catalog=catalog)
    assert "on 2 degree(s) of freedom" in model.basis_[0]
    total = lf.forecast(progress, catalog, model=SeasonalShareModel(), n_draws=4000, seed=0).table()
    # the 80 % interval of the annual mean spans more than ±5 % (it spanned ±0.6 % before)
    assert total["q90"].iloc[0] / total["q10"].iloc[0] > 1.10


if __name__ == "__main__":
    n_series = int(sys.argv[1]) if len(sys.argv) > 1 else N_SERIES
    cases = (
        ("seasonal_share", SeasonalShareModel, annual_mean_world),
        (
            "seasonal_share, σ 0.2 τ 0.08",
            SeasonalShareModel,
            lambda *a, **k: annual_mean_world(*a, **k, sigma=0.2, tau=0.08),
        ),
        ("ets", ETSModel, local_level_world),
        ("run_rate", RunRateModel, run_rate_world),
        ("run_rate (annual mean)", RunRateModel, persistence_world),
        ("earned_schedule", EarnedScheduleModel, earned_schedule_world),
    )
    for name, make, world in cases:
        for n_years in EARLIER_YEARS:
            cov, n, _ = coverage(make(), world(n_series, n_years, seed=n_years))
            print(
                f"{name:30s} {n_years} earlier year(s): 80 % interval holds {cov:.3f} of {n} series",
                flush=True,
            )
