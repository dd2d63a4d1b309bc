"""Named milestones as time-to-event: P(all projects done by the deadline) and the expected number done.

Each open project (a substation that must start, a centre that must be
finished) is done in a working month with probability ``h`` (a discrete-time
hazard, i.e. a geometric time to event in working months). Outdoor and
construction work has working months April-October only. ``h`` has a Beta
posterior from the projects of earlier years of the same family and from this
year's: each project-month open is a trial without the event, each project
done an event (its month unreported: half the working months so far).

References
----------
.. [1] Singer, J. D. & Willett, J. B. (1993). It's about time: using
   discrete-time survival analysis to study duration and the timing of events.
   *Journal of Educational Statistics* 18(2), 155-195. https://doi.org/10.3102/10769986018002155
.. [2] Gelman, A. et al. (2013). *Bayesian Data Analysis*, 3rd ed., section 2.4
   (the Beta-binomial model).
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from .._core.schema import tag_set
from ._common import CountFit, HazardFit, MeanFit, Refusal, SeriesContext, SeriesModel, beta_hazard_sampler


def working_months(tags: str, season: str) -> np.ndarray:
    """Return a boolean mask (12,) of the months in which projects can be done.

    ``season="auto"``: April-October for ``outdoor``/``construction``/``heating``
    tags, every month otherwise; ``season="all"``: every month.
    """
    months = np.arange(1, 13)
    if season == "auto" and tag_set(tags) & {"outdoor", "construction", "heating"}:
        return (months >= 4) & (months <= 10)
    return np.ones(12, bool)


def _trials(values: np.ndarray, total: float, cum_work: np.ndarray) -> tuple[float, float]:
    """Events and project-months without an event, from the reports of one year.

    Between two reports ``W`` working months apart, ``d`` of ``n`` open projects
    were done: ``d`` events and ``(n - d) W + d (W - 1) / 2`` months without one
    (exact with monthly reports, W = 1; the month of an event is unknown otherwise).
    """
    events = exposure = 0.0
    prev_m, prev_v = 0, 0.0
    for m in np.flatnonzero(np.isfinite(values)) + 1:
        v = min(float(values[m - 1]), total)
        d = max(v - prev_v, 0.0)
        w = float(cum_work[m] - cum_work[prev_m])
        if w > 0:
            events += d
            exposure += (total - prev_v - d) * w + d * (w - 1) / 2
        prev_m, prev_v = int(m), v
    return events, exposure


class MilestoneModel(SeriesModel):
    """Time to completion of each named project, with a Beta posterior of the monthly hazard.

    Parameters
    ----------
    prior_p_done : float, default 0.5
        Prior probability that an open project is done by the deadline (sets
        the prior mean hazard over the working months to the deadline).
    prior_strength : float, default 2
        Prior weight of that belief, in project-months.
    history_weight : float, default 1
        Weight of the project-months of earlier years (0 ignores history).
    season : {"auto", "all"}, default "auto"
        Working months: see :func:`working_months`.

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.
    posterior_ : dict of int to tuple of float
        Beta posterior ``(a, b)`` of the working-month hazard per series.

    Notes
    -----
    The simulator's binomial dynamics use one hazard for every month after the
    last report, so the working-month hazard ``h`` is turned into the constant
    monthly hazard with the same probability of completion by the deadline,
    ``1 - (1 - h)^(W/M)`` (``W`` working months, ``M`` calendar months left).
    ``p_all_done = q^open`` and ``expected_done = done + open q`` with
    ``q = 1 - (1 - h)^W`` are exact given ``h`` and stored with the draws.
    Other kinds are refused: use another model for them.

    References
    ----------
    .. [1] Singer, J. D. & Willett, J. B. (1993). It's about time. *Journal of
       Educational Statistics* 18(2), 155-195.
    """

    _constraints = {  # noqa: RUF012
        "prior_p_done": {"kind": Real, "low": 0, "high": 1, "closed": "neither"},
        "prior_strength": {"kind": Real, "low": 0, "closed": "neither"},
        "history_weight": {"kind": Real, "low": 0},
        "season": {"options": ("auto", "all")},
    }

    def __init__(
        self,
        *,
        prior_p_done: float = 0.5,
        prior_strength: float = 2.0,
        history_weight: float = 1.0,
        season: str = "auto",
    ) -> None:
        self.prior_p_done = prior_p_done
        self.prior_strength = prior_strength
        self.history_weight = history_weight
        self.season = season

    def _prepare(self, contexts: list[SeriesContext]) -> None:
        self.posterior_: dict[int, tuple[float, float]] = {}

    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        raise Refusal("the milestone model forecasts named milestones only; use another model for counts")

    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        raise Refusal("the milestone model forecasts named milestones only; use another model for means")

    def _fit_milestone(self, ctx: SeriesContext) -> HazardFit:
        work = working_months(ctx.tags, self.season)
        cum_work = np.concatenate([[0], np.cumsum(work)])
        dl, t = max(ctx.deadline_month, 1), ctx.last_month
        w_dl = max(int(cum_work[dl]), 1)
        h0 = 1 - (1 - self.prior_p_done) ** (1 / w_dl)
        a, b = h0 * self.prior_strength, (1 - h0) * self.prior_strength
        n_years = 0
        for y, values in ctx.history.items():
            total = ctx.history_targets.get(y, np.nan)
            seen = np.flatnonzero(np.isfinite(values))
            if not np.isfinite(total) or seen.size == 0 or total < 1:
                continue
            events, exposure = _trials(values, total, cum_work)
            a += self.history_weight * events
            b += self.history_weight * exposure
            n_years += 1
        done = ctx.done
        events, exposure = _trials(ctx.observed[:t], ctx.target, cum_work)
        a += events
        b += exposure
        self.posterior_[ctx.index] = (a, b)
        w_left = float(cum_work[dl] - cum_work[min(t, dl)])
        m_left = max(dl - t, 0)
        ratio = w_left / m_left if m_left > 0 else 1.0
        base = beta_hazard_sampler(a, b)

        def hazard(gen: np.random.Generator, n: int) -> np.ndarray:
            return 1 - (1 - base(gen, n)) ** ratio

        open_ = ctx.target - done
        self.basis_[ctx.index] = (
            f"time to event: Beta({a:.2f}, {b:.2f}) hazard per working month, {n_years} earlier year(s), "
            f"{open_:g} open project(s), {w_left:g} working month(s) to the deadline"
        )
        return HazardFit(hazard=hazard, extra={"hazard_mean": a / (a + b), "working_months_left": w_left})
