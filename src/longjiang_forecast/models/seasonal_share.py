"""Reference-class seasonal-share model: the outside view of how much of a year's work is done by each month.

For each series the model learns, from earlier years of the same indicator
family, the cumulative share of the year's total done by the end of each month
and its year-to-year spread. Observing this year's progress ``C`` after month
``t`` then tells how big this year's total ``A`` is likely to be
(``C ≈ A · share(t)``); an official plan gives a weak prior on ``A``. The
remaining months share out ``A − C`` in the usual seasonal pattern, with
Gamma noise month by month. Levels and ratios are handled as the change since
the start of the year; annual means (PM2.5) by a log-normal seasonal profile
with a year effect; named milestones by a monthly completion hazard.

References
----------
Kahneman, D. & Lovallo, D. (1993). Timid choices and bold forecasts: a
cognitive perspective on risk taking. *Management Science* 39(1), 17-31
(the "outside view" / reference-class forecasting).
Flyvbjerg, B. (2006). From Nobel prize to project management: getting risks
right. *Project Management Journal* 37(3), 5-15.
"""

from __future__ import annotations

import warnings
from typing import Any, Self

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from .._core.provenance import make_attrs
from .._core.rng import SeedLike, as_seed_sequence
from .._core.schema import DRAW, MONTH, SERIES
from .._core.state import build_state, draw_coords, month_days
from ._base import check_is_fitted

#: Points of the grid on which the posterior of the annual total is computed.
_GRID = 4096
#: Longest gap (months) between two reports of an earlier year that is joined linearly.
_MAX_GAP = 3
#: Smallest expected share of the year's work in any remaining month.
_MIN_MONTH_SHARE = 0.002


def reference_profile(tags: str, deadline_month: int) -> np.ndarray:
    """Return the fallback cumulative share curve used when there is no history.

    Outdoor construction and heating work in Heilongjiang happen in the
    frost-free season: April-October carry one unit of work a month and the
    other months 0.1 each. Other work is spread evenly (a flat run rate).

    Parameters
    ----------
    tags : str
        The catalogue's ``;``-separated tags of the indicator.
    deadline_month : int
        Month (1-12) of the deadline; an October deadline marks outdoor work too.

    Returns
    -------
    ndarray of shape (13,)
        Cumulative share after months 0..12, from 0 to 1.
    """
    tagset = {t.strip() for t in str(tags).split(";")}
    weights = np.ones(12)
    if tagset & {"outdoor", "heating"} or deadline_month <= 10:
        weights = np.where((np.arange(1, 13) >= 4) & (np.arange(1, 13) <= 10), 1.0, 0.1)
    return np.concatenate([[0.0], np.cumsum(weights) / weights.sum()])


class SeasonalShareModel:
    """Reference-class seasonal-share model with a weak prior at the official plan.

    Parameters
    ----------
    plan_prior_sd : float, default 0.25
        Standard deviation of the log-normal prior of the year's total around
        the total that would just meet the target. It dominates only early in
        the year, when little is reported. (In ``national_progress.csv`` the
        outcome/plan ratios of the 10 completed series-years have a mean log
        of 0.06 and sd 0.06 -- but published series are mostly met targets, so
        the default is deliberately wider and centred on the target.)
    fallback_share_sd : float, default 0.3
        Spread of the share done by month ``t`` when fewer than
        ``min_history_years`` earlier years exist: sd = ``fallback_share_sd *
        sqrt(F (1 - F))`` around the reference profile's share ``F``.
    month_concentration : float, default 400
        Gamma shape of a full year of increments: month-to-month noise around
        the seasonal pattern (the coefficient of variation of what remains
        after month t is ``1 / sqrt(month_concentration · (1 − F(t)))``).
    year_effect_sd : float, default 0.15
        For annual means: prior sd of this year's shift of the log seasonal
        profile when fewer than 3 earlier years exist.
    min_history_years : int, default 2
        Earlier years (with a December report) needed to learn the share curve
        and its spread from data rather than from the fallback profile.

    Attributes
    ----------
    state_ : xarray.Dataset
        The observed state (see ``build_state``), dims (series, month).
    share_mean_, share_sd_ : ndarray of shape (n_series, 13)
        Mean and predictive sd of the cumulative share after months 0..12.
    basis_ : ndarray of shape (n_series,), str
        What each series' forecast rests on (history years or fallback).
    reason_ : ndarray of shape (n_series,), str
        Why a series cannot be forecast ("" when it can).
    """

    def __init__(
        self,
        *,
        plan_prior_sd: float = 0.25,
        fallback_share_sd: float = 0.3,
        month_concentration: float = 400.0,
        year_effect_sd: float = 0.15,
        min_history_years: int = 2,
    ) -> None:
        self.plan_prior_sd = plan_prior_sd
        self.fallback_share_sd = fallback_share_sd
        self.month_concentration = month_concentration
        self.year_effect_sd = year_effect_sd
        self.min_history_years = min_history_years

    def get_params(self) -> dict[str, Any]:
        """Return the hyper-parameters, as given to the constructor."""
        return {
            "plan_prior_sd": self.plan_prior_sd,
            "fallback_share_sd": self.fallback_share_sd,
            "month_concentration": self.month_concentration,
            "year_effect_sd": self.year_effect_sd,
            "min_history_years": self.min_history_years,
        }

    def _validate_params(self) -> None:
        for name in ("plan_prior_sd", "fallback_share_sd", "month_concentration", "year_effect_sd"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not np.isfinite(value) or value <= 0:
                raise ValueError(
                    f"The '{name}' parameter of SeasonalShareModel must be a float in the range "
                    f"(0, inf). Got {value!r} instead."
                )
        if not isinstance(self.min_history_years, int) or self.min_history_years < 1:
            raise ValueError(
                "The 'min_history_years' parameter of SeasonalShareModel must be an int in the "
                f"range [1, inf). Got {self.min_history_years!r} instead."
            )

    def fit(self, progress: xr.Dataset, *, catalog: Any, as_of: Any = None) -> Self:
        """Learn the seasonal shares and condition on this year's reports.

        Parameters
        ----------
        progress : xarray.Dataset
            From :func:`longjiang_forecast.read_progress`; variable ``value``
            (indicator, region, month). Earlier years are the reference class.
        catalog : Catalog
            The catalogue (targets, kinds, deadlines, families).
        as_of : str or pandas.Timestamp, optional
            Month of the forecast, ``YYYY-MM``; default the latest reported month.

        Returns
        -------
        SeasonalShareModel
            ``self``, fitted.

        Raises
        ------
        ValueError
            If a hyper-parameter is out of range.
        DataValidationError
            If the progress data has values after ``as_of``.
        """
        self._validate_params()
        state = build_state(progress, catalog, as_of)
        year = int(state.attrs["year"])
        n = state.sizes[SERIES]
        family_of = dict(zip(catalog.table["indicator"], catalog.table["family"], strict=False))
        tags_of = dict(zip(catalog.table["indicator"], catalog.table["tags"], strict=False))
        self.share_mean_ = np.zeros((n, 13))
        self.share_sd_ = np.zeros((n, 13))
        self.basis_ = np.full(n, "", dtype=object)
        self.reason_ = np.full(n, "", dtype=object)
        self.origin_ = np.zeros(n)
        self.log_mean_ = np.full((n, 12), np.nan)
        self.log_sd_ = np.full(n, np.nan)
        self.year_effect_mean_ = np.full(n, np.nan)
        self.year_effect_sd_ = np.full(n, np.nan)
        self.baseline_ = state["baseline"].values.astype(float).copy()
        for s in range(n):
            ind = str(state["indicator"].values[s])
            reg = str(state["region"].values[s])
            kind = str(state["kind"].values[s])
            history = _history(progress, family_of, family_of.get(ind, ind), reg, year)
            if kind in ("cumulative", "level"):
                self._fit_share(s, state, history, kind, str(tags_of.get(ind, "")), year)
            elif kind in ("annual_mean", "change"):
                self._fit_lognormal(s, state, history, kind, year)
            elif kind == "milestone":
                self._fit_milestone(s, state)
            else:  # pragma: no cover - build_state drops qualitative rows
                self.reason_[s] = f"kind '{kind}' is not forecastable"
        # The model's own copy of the state carries the baselines it resolved from history.
        state["baseline"] = (SERIES, self.baseline_.copy())
        self.state_ = state
        return self

    # -- counts and levels ------------------------------------------------------------
    def _fit_share(
        self,
        s: int,
        state: xr.Dataset,
        history: dict[int, np.ndarray],
        kind: str,
        tags: str,
        year: int,
    ) -> None:
        if state["comparator"].values[s] != ">=":
            self.reason_[s] = "the seasonal-share model forecasts '>=' targets for counts and levels"
            return
        origin = 0.0
        if kind == "level":
            origin = self.baseline_[s]
            if not np.isfinite(origin) and year - 1 in history:
                origin = history[year - 1][11]
                self.baseline_[s] = origin
            if not np.isfinite(origin):
                self.reason_[s] = (
                    "a level needs last year's value: add a 'baseline' to the catalogue or the "
                    "December report of last year to the progress file"
                )
                return
        self.origin_[s] = origin
        curves = []
        for y, values in sorted(history.items()):
            start = 0.0 if kind == "cumulative" else history.get(y - 1, np.full(12, np.nan))[11]
            curve = _share_curve(values, start)
            if curve is not None:
                curves.append((y, curve))
        dl = int(state["deadline_month"].values[s])
        t = int(state["last_month"].values[s])
        fallback = reference_profile(tags, dl)
        shares = np.array([c for _, c in curves]).reshape(len(curves), 13)
        n_at = np.isfinite(shares).sum(axis=0)
        if len(curves) == 0 or n_at[t] == 0:
            mean = fallback
            sd = self.fallback_share_sd * np.sqrt(mean * (1 - mean))
            self.basis_[s] = (
                f"fallback profile (no earlier year with a December report and a report within "
                f"{_MAX_GAP} months of month {t}; {len(curves)} earlier year(s) with a December report)"
            )
        else:
            with np.errstate(invalid="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                mean = _fill_curve(np.nanmean(shares, axis=0))
                spread = np.nanstd(shares, axis=0, ddof=1)
            sd = self.fallback_share_sd * np.sqrt(mean * (1 - mean))
            rich = n_at >= max(self.min_history_years, 2)
            if rich.any():
                n = n_at[rich]
                inflate = np.sqrt(1 + 1 / n) * stats.t.ppf(0.95, n - 1) / stats.norm.ppf(0.95)
                floor = 0.1 * sd[rich]
                sd[rich] = np.maximum(spread[rich] * inflate, floor)
            years = [y for y, c in curves if np.isfinite(c[t])]
            self.basis_[s] = f"reference class: {n_at[t]} earlier year(s) ({', '.join(map(str, years))})" + (
                "" if rich[t] else f", with the fallback spread ({self.min_history_years} years needed)"
            )
        self.share_mean_[s] = mean
        self.share_sd_[s] = sd
        last = float(state["last_value"].values[s])
        if kind == "level" and np.isfinite(last) and last < origin:
            # The shares describe a level that rises through the year; one that has fallen
            # below last December's value restarts from its latest report.
            self.origin_[s] = last
            self.basis_[s] += (
                f"; the level fell from {origin:g} (last December) to {last:g}: the gain is "
                "counted from the latest report"
            )

    # -- annual means -----------------------------------------------------------------
    def _fit_lognormal(
        self, s: int, state: xr.Dataset, history: dict[int, np.ndarray], kind: str, year: int
    ) -> None:
        past = {y: v for y, v in history.items() if y < year and np.isfinite(v).any()}
        if not past:
            self.reason_[s] = "an annual mean needs at least one earlier year of monthly values"
            return
        logs = np.log(np.array([past[y] for y in sorted(past)]))
        mu = np.nanmean(logs, axis=0)
        if not np.all(np.isfinite(mu)):
            missing = [int(m) + 1 for m in np.flatnonzero(~np.isfinite(mu))]
            self.reason_[s] = f"no earlier year has a value for month(s) {missing}"
            return
        resid = logs - mu
        effects = np.nanmean(resid, axis=1)
        within = (resid - effects[:, None])[np.isfinite(resid)]
        n_years = logs.shape[0]
        obs = state["observed"].values[s]
        # Within-year noise: residuals around the profile after removing each year's effect,
        # pooled over the earlier years and this year's reports (one earlier year alone has
        # no residuals: its profile is itself).
        now = np.log(obs) - mu
        now = now[np.isfinite(now)]
        pooled = np.concatenate([within, now - now.mean()]) if now.size else within
        dof = pooled.size - n_years - (1 if now.size else 0)
        sigma = float(np.sqrt(np.sum(pooled**2) / dof)) if dof >= 2 else 0.3
        sigma = max(sigma, 0.01)
        tau = float(np.std(effects, ddof=1)) if n_years >= 3 else self.year_effect_sd
        seen = np.isfinite(obs)
        r = np.log(obs[seen]) - mu[seen]
        precision = 1 / tau**2 + seen.sum() / sigma**2
        self.year_effect_mean_[s] = float(r.sum() / sigma**2 / precision)
        # This year's level is seen directly in its reports, so the profile's own level error
        # (common to all months) cancels; its month-to-month error is in log_sd below.
        self.year_effect_sd_[s] = float(np.sqrt(1 / precision))
        self.log_mean_[s] = mu
        self.log_sd_[s] = sigma * np.sqrt(1 + 1 / n_years)
        years = sorted(past)
        self.basis_[s] = (
            f"log-normal seasonal profile from {n_years} earlier year(s) ({years[0]}-{years[-1]})"
        )
        if kind == "change" and not np.isfinite(self.baseline_[s]):
            prev = history.get(year - 1)
            if prev is not None and np.isfinite(prev).all():
                self.baseline_[s] = float(np.sum(prev * month_days(year - 1)) / month_days(year - 1).sum())
            else:
                self.reason_[s] = (
                    "a change against last year needs last year's value: add a 'baseline' to the "
                    "catalogue or all 12 monthly values of last year to the progress file"
                )

    # -- milestones -------------------------------------------------------------------
    def _fit_milestone(self, s: int, state: xr.Dataset) -> None:
        total = state["target"].values[s]
        if state["comparator"].values[s] != ">=" or total != np.round(total) or total < 1:
            self.reason_[s] = "a milestone target must be a whole number (>= 1) of projects with '>='"
            return
        self.basis_[s] = "monthly completion hazard (Beta prior: half the projects by the deadline)"

    def sample_parameters(self, n_draws: int, *, rng: SeedLike = None) -> xr.Dataset:
        """Draw parameters for the simulator.

        Parameters
        ----------
        n_draws : int
            Number of parameter draws (>= 1).
        rng : int, SeedSequence, Generator or None
            Seed of the parameter draws.

        Returns
        -------
        xarray.Dataset
            dims ``draw``, ``series``, ``month``; the variables
            :func:`longjiang_forecast.simulate` reads (``dynamics``,
            ``start``, ``gamma_shape``, ``gamma_scale``, ``hazard``, ``total``,
            ``log_mean``, ``year_effect``, ``log_sd``, ``transform``,
            ``baseline``), plus ``annual_total`` (draw, series): the year's
            total of a count (or change of a level) in each draw; ``basis``
            and ``reason`` (series). attrs: model, parameters, seed entropy.

        Raises
        ------
        NotFittedError
            If called before :meth:`fit`.
        ValueError
            If ``n_draws`` is not a positive int.
        """
        check_is_fitted(self)
        if isinstance(n_draws, bool) or not isinstance(n_draws, int | np.integer) or n_draws < 1:
            raise ValueError(
                f"The 'n_draws' parameter of sample_parameters must be an int in the range [1, inf). "
                f"Got {n_draws!r} instead."
            )
        ss = as_seed_sequence(rng)
        gen = np.random.default_rng(np.random.SeedSequence(ss.entropy, spawn_key=(*ss.spawn_key, 0)))
        state = self.state_
        n = state.sizes[SERIES]
        kind = state["kind"].values
        last_month = state["last_month"].values
        dynamics = np.full(n, "none", dtype=object)
        start = np.where(np.isfinite(state["last_value"].values), state["last_value"].values, 0.0)
        shape = np.zeros((n, 12))
        scale = np.zeros((n_draws, n))
        annual = np.full((n_draws, n), np.nan)
        hazard = np.zeros((n_draws, n))
        total = np.zeros(n)
        year_effect = np.zeros((n_draws, n))
        transform = np.where(kind == "change", "pct_change", "identity").astype(object)
        uniforms = gen.random((n_draws, n))
        for s in range(n):
            if self.reason_[s]:
                continue
            t = int(last_month[s])
            if kind[s] in ("cumulative", "level"):
                dynamics[s] = "gamma"
                if kind[s] == "level" and t == 0:
                    start[s] = self.origin_[s]
                done = start[s] - self.origin_[s]
                annual[:, s] = self._annual_total(s, done, t, uniforms[:, s])
                shape[s], scale[:, s] = self._gamma_split(s, t, done, annual[:, s])
            elif kind[s] == "milestone":
                dynamics[s] = "binomial"
                total[s] = max(state["target"].values[s], start[s])  # never fewer than done
                hazard[:, s] = self._hazard(s, start[s], total[s], t, uniforms[:, s])
            else:
                dynamics[s] = "lognormal"
                year_effect[:, s] = stats.norm.ppf(
                    uniforms[:, s], self.year_effect_mean_[s], self.year_effect_sd_[s]
                )
        return xr.Dataset(
            {
                "dynamics": (SERIES, dynamics),
                "start": (SERIES, start),
                "gamma_shape": ((SERIES, MONTH), shape),
                "gamma_scale": ((DRAW, SERIES), scale),
                "annual_total": ((DRAW, SERIES), annual),
                "hazard": ((DRAW, SERIES), hazard),
                "total": (SERIES, total),
                "log_mean": ((SERIES, MONTH), np.nan_to_num(self.log_mean_)),
                "year_effect": ((DRAW, SERIES), year_effect),
                "log_sd": (SERIES, np.nan_to_num(self.log_sd_)),
                "transform": (SERIES, transform),
                "baseline": (SERIES, self.baseline_),
                "basis": (SERIES, self.basis_.copy()),
                "reason": (SERIES, self.reason_.copy()),
            },
            coords=draw_coords(state, n_draws),
            attrs=make_attrs(
                model=type(self).__name__,
                model_params=repr(self.get_params()),
                seed_entropy=str(ss.entropy),
                as_of=state.attrs["as_of"],
            ),
        )

    def _annual_total(self, s: int, done: float, t: int, u: np.ndarray) -> np.ndarray:
        """Draw the year's total (or change) from its grid posterior given ``done`` after month ``t``.

        Likelihood: ``done = A · F`` with the share ``F`` log-normal (mean and sd of the
        reference class at month ``t``), so that a year far behind its usual pace pulls ``A``
        down however large the prior would like it; prior ``log A ~ N(log centre, plan_prior_sd²)``.
        """
        mean, sd = self.share_mean_[s], self.share_sd_[s]
        if t == 12:
            return np.full(u.shape, done)
        dl = max(int(self.state_["deadline_month"].values[s]), 1)
        need = self.state_["target"].values[s] - self.origin_[s]
        centre = max(need, 1e-9 * max(abs(need), 1.0)) / max(mean[dl], 1e-3)
        lo = max(done, 1e-6 * centre)
        hi = max(lo * 1.001, 20.0 * max(centre, done))
        grid = np.linspace(np.log(lo), np.log(hi), _GRID)
        logp = -0.5 * ((grid - np.log(centre)) / self.plan_prior_sd) ** 2
        if t > 0 and mean[t] > 0:
            # Share done by month t ~ log-normal with the reference class's mean and sd. A report of
            # nothing at all is censored at the reporting resolution (1/1,000 of what is needed).
            s_t = np.sqrt(np.log1p((max(sd[t], 1e-6) / mean[t]) ** 2))
            m_t = np.log(mean[t]) - s_t**2 / 2
            if done > 0:
                logp += -0.5 * ((np.log(done) - grid - m_t) / s_t) ** 2
            else:
                logp += stats.norm.logcdf((np.log(1e-3 * max(need, 1e-12)) - grid - m_t) / s_t)
        weights = np.exp(logp - logp.max())
        cdf = np.cumsum(weights)
        cdf /= cdf[-1]
        return np.maximum(np.exp(np.interp(u, cdf, grid)), done)

    def _gamma_split(self, s: int, t: int, done: float, annual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Gamma shapes of the remaining months and the per-draw scale giving ``annual`` in expectation."""
        shape = np.zeros(12)
        if t == 12:
            return shape, np.zeros_like(annual)
        monthly = np.diff(self.share_mean_[s])[t:]
        shape[t:] = self.month_concentration * np.maximum(monthly, _MIN_MONTH_SHARE)
        return shape, (annual - done) / shape.sum()

    def _hazard(self, s: int, done: float, total: float, t: int, u: np.ndarray) -> np.ndarray:
        """Monthly completion hazard of a milestone programme, by inverse CDF of its Beta posterior.

        Prior: Beta(1, b0) with mean ``1 - 0.5**(1/deadline_month)``, so that
        each project is as likely as not done by the deadline. Each month a
        project stays open counts one trial; a project done by month ``t``
        counts ``t/2`` trials (its month is not reported).
        """
        dl = max(int(self.state_["deadline_month"].values[s]), 1)
        prior_mean = 1 - 0.5 ** (1 / dl)
        a = 1.0 + done
        b = (1 - prior_mean) / prior_mean + (total - done) * t + done * t / 2
        return stats.beta.ppf(u, a, b)


def _share_curve(values: np.ndarray, start: float) -> np.ndarray | None:
    """Cumulative share after months 0..12 of one earlier year.

    Months between two reports at most ``_MAX_GAP`` months apart are joined
    linearly; other unreported months are NaN (a year reported only in
    December says nothing about its seasonal shape). Returns None when the
    year has no December report (its total is unknown) or its total change is
    not positive.
    """
    if not np.isfinite(values[11]) or not np.isfinite(start):
        return None
    total = values[11] - start
    if total <= 0:
        return None
    months = np.arange(0, 13)
    seen = np.concatenate([[True], np.isfinite(values)])
    points = np.concatenate([[start], values])
    report_months = months[seen]
    curve = np.interp(months, report_months, points[seen])
    before = report_months[np.searchsorted(report_months, months, side="right") - 1]
    after = report_months[
        np.minimum(np.searchsorted(report_months, months, side="left"), len(report_months) - 1)
    ]
    curve[(after - before > _MAX_GAP) & ~seen] = np.nan
    return np.clip((curve - start) / total, 0.0, 1.0)


def _fill_curve(mean: np.ndarray) -> np.ndarray:
    """Fill unknown months of a mean share curve linearly (0 at month 0, 1 at month 12), non-decreasing."""
    months = np.arange(13)
    known = np.isfinite(mean)
    known[[0, 12]] = True
    points = mean.copy()
    points[0], points[12] = 0.0, 1.0
    filled = np.interp(months, months[known], points[known])
    return np.maximum.accumulate(filled)


def _history(
    progress: xr.Dataset, family_of: dict[str, str], family: str, region: str, year: int
) -> dict[int, np.ndarray]:
    """Monthly values of earlier years of the same indicator family and region, keyed by year."""
    values = progress["value"]
    if region not in values["region"].values:
        return {}
    months = pd.DatetimeIndex(values[MONTH].values)
    out: dict[int, np.ndarray] = {}
    for ind in values["indicator"].values:
        if family_of.get(str(ind), str(ind)) != family:
            continue
        series = values.sel(indicator=ind, region=region).values
        for y in sorted(set(months.year)):
            if y >= year or y in out:
                continue
            row = np.full(12, np.nan)
            mask = months.year == y
            row[months.month[mask] - 1] = series[mask]
            if np.isfinite(row).any():
                out[y] = row
    return out
