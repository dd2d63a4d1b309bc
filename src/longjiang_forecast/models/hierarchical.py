"""Hierarchical Bayesian model in PyMC: pooled levels, prefecture effects and shared seasonality.

Counts and levels
-----------------
A *unit* is one series in one year (this year or an earlier year of the same
family). Its expected increment in month ``m``, as a share of its year's
target, is ``exp(a_u) w_{g,m}``::

    a_u   = α_family + β_region + ε_u          (log of the year's total / target)
    α     ~ Normal(0, family_sd)               earlier years inform it through ε's pooling
    β_r   = τ_r z_r,  z ~ ZeroSumNormal(1),  τ_r ~ HalfNormal(region_sd)   partial pooling
    ε_u   = τ_y e_u,  e_u ~ Normal(0, 1),  τ_y ~ HalfNormal(year_sd)
    w_g   = softmax(log reference weights + s_g),  s_g ~ ZeroSumNormal(season_sd)

``g`` is the seasonal kind of the indicator (outdoor/heating work vs other
work): month-of-year effects are shared by all indicators of a kind, with an
informative prior at the reference profile (see :func:`reference_profile`).
Both sets of effects sum to zero ([2]_, ch. 19): a common shift of the
prefectures belongs to α, and the softmax cannot see a common shift of the
months, so neither leaves a flat ridge in the posterior that slows NUTS.
An increment over the months ``M`` between two reports is, in target units,
``Gamma(κ Σ_M μ, κ)`` with ``log κ ~ Normal(log 200, 0.75)`` (additive over
months) or, when every increment of the fit is a whole number and every
target at least 20, ``NegativeBinomial(mean = S Σ_M μ, alpha = φ S Σ_M μ)``
with ``S`` the target and ``log φ ~ Normal(0, 1.5)`` (a quasi-Poisson, also
additive). This year's reports update ``ε`` of its unit.

Cost of a fit
-------------
Nutpie compiles the model's log density with Numba before sampling; that
compilation (about 15-20 s of one core here, 6-10 s of it even for a trivial
model) is most of a first fit, while sampling 2 × (1000 + 1000) iterations of a
family of 13 prefectures × 5 years takes 2-5 s. Only the free variables are
traced (``a`` and ``w`` are computed from them in NumPy), which keeps the
compiled graph small.

The data enter the model as ``pm.Data``, and nutpie's compiled model is kept in
the process by its *structure* (the sizes of the free variables, the likelihood,
the priors; at most ``_MAX_COMPILED``): a later fit of the same structure (a
backtest's next origin, a rerun with new reports, the next annual-mean series)
swaps its data in (``compiled.with_data``, ``pm.set_data``) and only samples.
The number of reports may differ. Its draws are those of a fresh compile on the
same data with the same seed (``tests/models/test_hierarchical_compiled.py``).
:func:`clear_compiled` forgets the kept models.

Annual means
------------
``log x_{y,m} ~ Normal(μ_m + u_y, σ)`` per series with ``u_y ~ Normal(0, τ)``
(the year effect, updated by this year's months), a seasonal profile ``μ``
with a weakly informative prior at the mean of earlier years.

Every fit reports ArviZ diagnostics (largest R-hat, smallest bulk and tail
ESS, number of divergent transitions, [1]_) in ``diagnostics_`` and in the
draws' attrs, and emits a :class:`ConvergenceWarning` when they fail.

References
----------
.. [1] Vehtari, A., Gelman, A., Simpson, D., Carpenter, B. & Bürkner, P.-C.
   (2021). Rank-normalization, folding, and localization: an improved R-hat for
   assessing convergence of MCMC. *Bayesian Analysis* 16(2), 667-718.
   https://doi.org/10.1214/20-BA1221
.. [2] Gelman, A. & Hill, J. (2007). *Data Analysis Using Regression and
   Multilevel/Hierarchical Models*, Cambridge University Press.
.. [3] Abril-Pla, O. et al. (2023). PyMC: a modern, and comprehensive
   probabilistic programming framework in Python. *PeerJ Computer Science* 9:e1516.
   https://doi.org/10.7717/peerj-cs.1516
.. [4] Kumar, R. et al. (2019). ArviZ a unified library for exploratory
   analysis of Bayesian models in Python. *JOSS* 4(33), 1143.
"""

from __future__ import annotations

import math
import threading
import time
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from numbers import Integral, Real
from typing import Any

import numpy as np

from .._core.exceptions import ConvergenceWarning
from .._core.rng import UNSET, SeedLike, as_seed_sequence, renamed_seed
from .._core.schema import tag_set
from ._common import (
    CountFit,
    MeanFit,
    Refusal,
    SeriesContext,
    SeriesModel,
    increments,
    reference_weights,
    remaining_profile,
)


def pymc_available() -> bool:
    """Return whether PyMC can be imported."""
    try:
        import pymc  # noqa: F401
    except ImportError:
        return False
    return True


def _import_pymc() -> Any:
    try:
        import pymc as pm
    except ImportError as err:
        raise ImportError(
            "HierarchicalModel needs PyMC: pip install 'longjiang_forecast[bayes]' (pymc, nutpie)."
        ) from err
    return pm


def _sampler_name() -> str:
    try:
        import nutpie  # noqa: F401
    except ImportError:
        return "pymc"
    return "nutpie"


#: Most compiled models kept in the process (least recently used dropped first).
_MAX_COMPILED = 16


@dataclass
class _Built:
    """A PyMC model whose data are ``pm.Data``, with nutpie's compiled form of it (None for PyMC's NUTS)."""

    model: Any
    compiled: Any
    lock: threading.Lock


_BUILT: OrderedDict[tuple[Any, ...], _Built] = OrderedDict()
_BUILT_LOCK = threading.Lock()


def _built(key: tuple[Any, ...], build: Callable[[], Any], sampler: str) -> _Built:
    """The model of structure ``key``: the one kept from an earlier fit, else ``build()`` compiled now.

    ``build`` makes the PyMC model with this fit's data in ``pm.Data``; nutpie compiles its log density
    (the costly step) only here, once per structure and sampler.
    """
    key = (sampler, *key)
    with _BUILT_LOCK:
        if key in _BUILT:
            _BUILT.move_to_end(key)
            return _BUILT[key]
    model = build()
    compiled = None
    if sampler == "nutpie":
        import nutpie

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            compiled = nutpie.compile_pymc_model(model, var_names=[v.name for v in model.free_RVs])
    entry = _Built(model=model, compiled=compiled, lock=threading.Lock())
    with _BUILT_LOCK:
        entry = _BUILT.setdefault(key, entry)  # another thread may have built it meanwhile
        while len(_BUILT) > _MAX_COMPILED:
            _BUILT.popitem(last=False)
    return entry


def clear_compiled() -> None:
    """Forget the compiled models kept in this process (the next fit of each structure compiles again)."""
    with _BUILT_LOCK:
        _BUILT.clear()


def _season_group(tags: str) -> int:
    return 1 if tag_set(tags) & {"outdoor", "heating"} else 0


def diagnose(idata: Any, var_names: list[str], *, max_rhat: float, min_ess: float) -> dict[str, Any]:
    """ArviZ convergence diagnostics of a posterior.

    Parameters
    ----------
    idata : arviz.InferenceData
        With ``posterior`` and ``sample_stats``.
    var_names : list of str
        Variables to check.
    max_rhat : float
        Largest acceptable rank-normalised split R-hat.
    min_ess : float
        Smallest acceptable bulk and tail effective sample size.

    Returns
    -------
    dict
        ``r_hat_max``, ``ess_bulk_min``, ``ess_tail_min``, ``divergences``,
        ``converged`` (bool) and ``message``.
    """
    import arviz as az

    summ = az.summary(idata, var_names=var_names, kind="diagnostics")
    div = int(idata.sample_stats["diverging"].values.sum()) if "diverging" in idata.sample_stats else 0
    out: dict[str, Any] = {
        "r_hat_max": float(np.nanmax(summ["r_hat"].to_numpy())),
        "ess_bulk_min": float(np.nanmin(summ["ess_bulk"].to_numpy())),
        "ess_tail_min": float(np.nanmin(summ["ess_tail"].to_numpy())),
        "divergences": div,
    }
    problems = []
    if not out["r_hat_max"] <= max_rhat:
        problems.append(f"R-hat {out['r_hat_max']:.3f} > {max_rhat}")
    if not min(out["ess_bulk_min"], out["ess_tail_min"]) >= min_ess:
        problems.append(f"ESS bulk {out['ess_bulk_min']:.0f} / tail {out['ess_tail_min']:.0f} < {min_ess:g}")
    if div > 0:
        problems.append(f"{div} divergent transition(s)")
    out["converged"] = not problems
    out["message"] = "; ".join(problems) if problems else "R-hat, ESS and divergences pass"
    return out


class HierarchicalModel(SeriesModel):
    """Hierarchical Bayesian model (PyMC): pooled levels, prefecture effects, shared seasonality.

    Parameters
    ----------
    draws : int, default 1000
        Posterior draws per chain.
    tune : int, default 1000
        Tuning steps per chain.
    chains : int, default 2
        Markov chains (run on up to 2 cores).
    target_accept : float, default 0.95
        NUTS target acceptance rate.
    family_sd : float, default 0.5
        Prior sd of the log ratio of a family's yearly total to its target.
    region_sd : float, default 0.2
        Half-normal scale of the sd of prefecture effects.
    year_sd : float, default 0.2
        Half-normal scale of the sd of year effects.
    season_sd : float, default 0.5
        Prior sd of the log monthly weights around the reference profile.
    max_rhat : float, default 1.01
        Largest acceptable R-hat.
    min_ess : float, default 200
        Smallest acceptable bulk and tail ESS (100 per chain, as [1]_ advise).
    sampler : {"auto", "nutpie", "pymc"}, default "auto"
        "auto" uses nutpie when installed, else PyMC's NUTS.
    seed : int, SeedSequence or Generator, default 0
        Seed of the Markov chains (an int is passed to the sampler as is; a SeedSequence or
        Generator gives the int of its first generated word).
    random_seed : int, optional
        Old name of ``seed`` (kept for one release; gives a :class:`FutureWarning`).

    Attributes
    ----------
    state_, fits_, basis_, reason_, baseline_
        See :class:`~longjiang_forecast.models._common.SeriesModel`.
    idata_ : dict of str to arviz.InferenceData
        Posterior of the counts model (``"counts"``) and of each annual-mean
        series (``"mean_<series>"``).
    diagnostics_ : dict of str to dict
        :func:`diagnose` of each fit.
    converged_ : bool
        Whether every fit passed its diagnostics.
    sampler_ : str
        The sampler used.

    Warns
    -----
    ConvergenceWarning
        When a fit fails R-hat, ESS or divergence checks.

    References
    ----------
    .. [1] Vehtari, A. et al. (2021). *Bayesian Analysis* 16(2), 667-718.
    .. [2] Gelman, A. & Hill, J. (2007). *Data Analysis Using Regression and
       Multilevel/Hierarchical Models*.
    """

    _constraints = {  # noqa: RUF012
        "draws": {"kind": Integral, "low": 50},
        "tune": {"kind": Integral, "low": 50},
        "chains": {"kind": Integral, "low": 1, "high": 16},
        "target_accept": {"kind": Real, "low": 0.5, "high": 1, "closed": "left"},
        "family_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "region_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "year_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "season_sd": {"kind": Real, "low": 0, "closed": "neither"},
        "max_rhat": {"kind": Real, "low": 1},
        "min_ess": {"kind": Real, "low": 0},
        "sampler": {"options": ("auto", "nutpie", "pymc")},
    }
    _renamed = {"random_seed": "seed"}  # noqa: RUF012

    def __init__(
        self,
        *,
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 2,
        target_accept: float = 0.95,
        family_sd: float = 0.5,
        region_sd: float = 0.2,
        year_sd: float = 0.2,
        season_sd: float = 0.5,
        max_rhat: float = 1.01,
        min_ess: float = 200.0,
        sampler: str = "auto",
        seed: SeedLike = 0,
        random_seed: Any = UNSET,
    ) -> None:
        self.draws = draws
        self.tune = tune
        self.chains = chains
        self.target_accept = target_accept
        self.family_sd = family_sd
        self.region_sd = region_sd
        self.year_sd = year_sd
        self.season_sd = season_sd
        self.max_rhat = max_rhat
        self.min_ess = min_ess
        self.sampler = sampler
        self.seed = renamed_seed(
            seed, random_seed, old_name="random_seed", owner="HierarchicalModel", default=0
        )

    def _validate_params(self) -> None:
        super()._validate_params()
        as_seed_sequence(self.seed)  # TypeError or ValueError naming 'seed'

    def _chain_seed(self) -> int:
        """The int seed of the chains: ``seed`` itself when an int, else the first word of its sequence."""
        if isinstance(self.seed, int | np.integer) and not isinstance(self.seed, bool):
            return int(self.seed)
        return int(as_seed_sequence(self.seed).generate_state(1)[0])

    # -- sampling -------------------------------------------------------------------------
    def _sample(
        self, key: tuple[Any, ...], build: Callable[[], Any], data: dict[str, np.ndarray], name: str
    ) -> Any:
        """Sample the model of structure ``key`` on ``data``, compiling it only on its first use.

        ``build`` makes the model (its data as ``pm.Data``) when none of this structure is kept. Only the
        free variables are sampled (no deterministics: those are cheaper in NumPy).
        """
        pm = _import_pymc()
        entry = _built(key, build, self.sampler_)
        var_names = [v.name for v in entry.model.free_RVs]
        # the model's data are shared: one fit at a time per kept model (its initial point reads them)
        with entry.lock, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pm.set_data(data, model=entry.model)
            if entry.compiled is None:
                with entry.model:
                    idata = pm.sample(
                        var_names=var_names,
                        draws=self.draws,
                        tune=self.tune,
                        chains=self.chains,
                        cores=min(self.chains, 2),
                        random_seed=self._chain_seed(),
                        progressbar=False,
                        target_accept=self.target_accept,
                    )
            else:
                idata = self._sample_nutpie(entry, data)
        diag = diagnose(idata, var_names, max_rhat=self.max_rhat, min_ess=self.min_ess)
        self.diagnostics_[name] = diag
        if not diag["converged"]:
            self.converged_ = False
            warnings.warn(
                f"HierarchicalModel fit '{name}' failed its convergence diagnostics: {diag['message']}. "
                "Do not trust its draws; raise 'tune' and 'draws' or simplify the model.",
                ConvergenceWarning,
                stacklevel=4,
            )
        self.idata_[name] = idata
        return idata

    def _sample_nutpie(self, entry: _Built, data: dict[str, np.ndarray]) -> Any:
        """Draws by nutpie of the kept compiled model on ``data``, with the groups ``pm.sample`` adds."""
        import nutpie
        from pymc.backends.arviz import (
            coords_and_dims_for_inferencedata,
            dict_to_dataset,
            find_constants,
            find_observations,
        )

        shared = entry.compiled.shared_data
        compiled = entry.compiled.with_data(**{k: v for k, v in data.items() if k in shared})
        start = time.perf_counter()
        idata = nutpie.sample(
            compiled,
            draws=self.draws,
            tune=self.tune,
            chains=self.chains,
            cores=min(self.chains, 2),
            seed=self._chain_seed(),
            progress_bar=False,
            target_accept=self.target_accept,
        )
        idata.posterior.attrs.update(sampling_time=time.perf_counter() - start, tuning_steps=self.tune)
        coords, dims = coords_and_dims_for_inferencedata(entry.model)
        groups = {
            "constant_data": find_constants(entry.model),
            "observed_data": find_observations(entry.model),
        }
        idata.add_groups(
            {k: dict_to_dataset(v, coords=coords, dims=dims, default_dims=[]) for k, v in groups.items()},
            coords=coords,
            dims=dims,
        )
        return idata

    def _prepare(self, contexts: list[SeriesContext]) -> None:
        if self.sampler == "auto":
            self.sampler_ = _sampler_name()
        else:
            self.sampler_ = self.sampler
        self.idata_: dict[str, Any] = {}
        self.diagnostics_: dict[str, dict[str, Any]] = {}
        self.converged_ = True
        self._count_post: dict[int, dict[str, np.ndarray]] = {}
        counts = [
            c
            for c in contexts
            if c.kind in ("cumulative", "level") and not self.reason_[c.index] and c.comparator == ">="
        ]
        if counts:
            self._fit_counts_jointly(counts)

    def _fit_counts_jointly(self, contexts: list[SeriesContext]) -> None:
        pm = _import_pymc()
        import pytensor.tensor as pt

        families = sorted({c.family for c in contexts})
        regions = sorted({c.region for c in contexts})
        unit_fam: list[int] = []
        unit_reg, unit_grp, unit_scale, unit_whole = [], [], [], []
        rows_unit, rows_mask, rows_d = [], [], []
        current_unit: dict[int, int] = {}
        for c in contexts:
            if c.need <= 0:
                continue
            years = [*sorted(c.history), c.year]
            for yr in years:
                values: np.ndarray
                start: float
                scale: float
                if yr == c.year:
                    values, start, scale = c.observed, c.origin, c.need
                else:
                    values = c.history[yr]
                    start = 0.0 if c.kind == "cumulative" else c.history.get(yr - 1, np.full(12, np.nan))[11]
                    scale = c.history_targets.get(yr, np.nan) - (0.0 if c.kind == "cumulative" else start)
                    if not (np.isfinite(scale) and scale > 0):
                        scale = values[11] - start if np.isfinite(values[11]) else np.nan
                if not (np.isfinite(scale) and scale > 0 and np.isfinite(start)):
                    continue
                u = len(unit_fam)
                unit_fam.append(families.index(c.family))
                unit_reg.append(regions.index(c.region))
                unit_grp.append(_season_group(c.tags))
                unit_scale.append(scale)
                if yr == c.year:
                    current_unit[c.index] = u
                incs = increments(values, start)
                unit_whole.append(all(abs(d - round(d)) < 1e-9 for _, _, d in incs) and scale >= 20)
                for m0, m1, d in incs:
                    if m1 <= m0 or d < 0:
                        continue
                    mask = np.zeros(12)
                    mask[m0:m1] = 1.0
                    rows_unit.append(u)
                    rows_mask.append(mask)
                    rows_d.append(d)
        if not current_unit:
            return
        n_units = len(unit_fam)
        ref = np.array([np.log(np.maximum(reference_weights(tags, 12), 1e-3)) for tags in ("", "outdoor")])
        ref -= ref.mean(axis=1, keepdims=True)
        present = sorted(set(unit_grp))
        grp = np.array([present.index(g) for g in unit_grp], int)
        ref = ref[present]
        unit_of = np.array(rows_unit, int).reshape(-1)
        # months of each increment in its unit's seasonal block: mu_row = exp(a_u) * (design @ vec(w))
        design = np.zeros((unit_of.size, 12 * len(present)))
        for r, u in enumerate(unit_of):
            design[r, 12 * grp[u] : 12 * grp[u] + 12] = rows_mask[r]
        # One likelihood per fit: negative binomial when every increment is a whole count of a
        # target of 20 or more, else Gamma on shares of the target.
        whole = all(unit_whole)
        scale_rows = np.array(unit_scale)[unit_of]
        inc = np.array(rows_d, float)
        y = inc if whole else np.maximum(inc / scale_rows, 1e-4)
        fam_u, reg_u = np.array(unit_fam, int), np.array(unit_reg, int)
        pooled = len(regions) > 1  # prefecture effects only where there are prefectures to pool
        data = {"unit_family": fam_u, "reference_logit": ref, "row_unit": unit_of, "row_months": design}
        if pooled:
            data["unit_region"] = reg_u
        if whole:
            data["row_scale"] = scale_rows
        if y.size:
            data["increment"] = y
        sizes = (len(families), len(regions) if pooled else 1, n_units, len(present))
        priors = (self.family_sd, self.region_sd, self.year_sd, self.season_sd)
        key = ("counts", *sizes, whole, bool(y.size), *priors)

        def build() -> Any:
            with pm.Model(check_bounds=False) as model:
                shared = {k: pm.Data(k, v) for k, v in data.items()}
                alpha = pm.Normal("alpha", 0.0, self.family_sd, shape=sizes[0])
                tau_y = pm.HalfNormal("tau_year", self.year_sd)
                z_y = pm.Normal("z_year", 0.0, 1.0, shape=n_units)
                log_a = alpha[shared["unit_family"]] + tau_y * z_y
                if pooled:
                    tau_r = pm.HalfNormal("tau_region", self.region_sd)
                    # zero-sum: a common shift of the prefectures belongs to the family levels
                    z_r = pm.ZeroSumNormal("z_region", sigma=1.0, shape=sizes[1])
                    log_a = log_a + tau_r * z_r[shared["unit_region"]]
                # month-of-year effects sum to zero: the softmax cannot see a common shift
                season = pm.ZeroSumNormal("season", sigma=self.season_sd, shape=(sizes[3], 12))
                w = pt.special.softmax(shared["reference_logit"] + season, axis=1)
                mu = pt.exp(log_a)[shared["row_unit"]] * pt.dot(shared["row_months"], w.reshape((-1,)))
                if whole:
                    log_phi = pm.Normal("log_phi", 0.0, 1.5)
                    mean_c = shared["row_scale"] * mu
                    if y.size:
                        alpha_c = pt.exp(log_phi) * mean_c
                        pm.NegativeBinomial("y_count", mu=mean_c, alpha=alpha_c, observed=shared["increment"])
                else:
                    log_kappa = pm.Normal("log_kappa", math.log(200.0), 0.75)
                    if y.size:
                        kappa = pt.exp(log_kappa)
                        pm.Gamma("y_gamma", alpha=kappa * mu, beta=kappa, observed=shared["increment"])
            return model

        idata = self._sample(key, build, data, "counts")
        post = {k: v.values.reshape(-1, *v.shape[2:]) for k, v in idata.posterior.items()}
        a = post["alpha"][:, fam_u] + post["tau_year"][:, None] * post["z_year"]
        if "tau_region" in post:
            a = a + post["tau_region"][:, None] * post["z_region"][:, reg_u]
        logits = ref[None] + post["season"]
        w_draws = np.exp(logits - logits.max(axis=2, keepdims=True))
        w_draws /= w_draws.sum(axis=2, keepdims=True)
        # the likelihood's dispersion: "phi" of the negative binomial, or "kappa" of the Gamma
        spread = {"phi": np.exp(post["log_phi"])} if whole else {"kappa": np.exp(post["log_kappa"])}
        for s, u in current_unit.items():
            self._count_post[s] = {
                "a": a[:, u],
                "w": w_draws[:, grp[u], :],
                "n_units": np.array(n_units),
                **spread,
            }

    # -- per series -----------------------------------------------------------------------
    def _fit_count(self, ctx: SeriesContext) -> CountFit:
        if ctx.need <= 0:
            raise Refusal("the hierarchical model needs a target above last year's value (a positive plan)")
        post = self._count_post.get(ctx.index)
        if post is None:  # pragma: no cover - every eligible series has a unit
            raise Refusal("no usable data for the hierarchical model")
        t = ctx.last_month
        need = ctx.need
        share_left = np.exp(post["a"]) * post["w"][:, t:].sum(axis=1)
        a_draws = need * share_left

        def remaining(gen: np.random.Generator, n: int) -> np.ndarray:
            return a_draws[gen.integers(0, a_draws.size, n)]

        w_mean = post["w"].mean(axis=0)
        mean_left = float(np.mean(share_left))
        if "phi" in post:
            phi = float(np.mean(post["phi"]))
            concentration = need * mean_left / (1 + 1 / phi)
        else:
            concentration = float(np.mean(post["kappa"])) * mean_left
        diag = self.diagnostics_["counts"]
        self.basis_[ctx.index] = (
            f"hierarchical ({'negative binomial' if 'phi' in post else 'Gamma'}), "
            f"{int(post['n_units'])} series-years pooled; {self.sampler_}: {diag['message']}"
        )
        return CountFit(
            remaining=remaining,
            profile=remaining_profile(w_mean, t),
            concentration=max(concentration, 1e-2),
            extra={
                "r_hat_max": diag["r_hat_max"],
                "ess_bulk_min": diag["ess_bulk_min"],
                "divergences": float(diag["divergences"]),
            },
        )

    def _fit_mean(self, ctx: SeriesContext) -> MeanFit:
        past = {
            y: v for y, v in ctx.history.items() if np.isfinite(v).any() and np.all(v[np.isfinite(v)] > 0)
        }
        if not past:
            raise Refusal("the hierarchical model of an annual mean needs at least one earlier year")
        pm = _import_pymc()
        years = sorted(past)
        rows_year, rows_month, rows_y = [], [], []
        for k, y in enumerate([*years, ctx.year]):
            values = past[y] if y != ctx.year else ctx.observed
            for m in np.flatnonzero(np.isfinite(values) & (values > 0)):
                rows_year.append(k)
                rows_month.append(m)
                rows_y.append(math.log(values[m]))
        logs = np.log(np.array([past[y] for y in years]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            prior_mu = np.nanmean(logs, axis=0)
        prior_mu = np.where(np.isfinite(prior_mu), prior_mu, float(np.nanmean(logs)))
        data = {
            "prior_mu": prior_mu,
            "row_year": np.array(rows_year, int),
            "row_month": np.array(rows_month, int),
            "log_value": np.array(rows_y, float),
        }

        def build() -> Any:
            with pm.Model(check_bounds=False) as model:
                shared = {k: pm.Data(k, v) for k, v in data.items()}
                mu = pm.Normal("mu", shared["prior_mu"], 0.5, shape=12)
                tau = pm.HalfNormal("tau", 0.3)
                z = pm.Normal("z", 0.0, 1.0, shape=len(years) + 1)
                sigma = pm.HalfNormal("sigma", 0.5)
                mean = mu[shared["row_month"]] + tau * z[shared["row_year"]]
                pm.Normal("log_x", mean, sigma, observed=shared["log_value"])
            return model

        name = f"mean_{ctx.index}"
        idata = self._sample(("mean", len(years)), build, data, name)
        post = idata.posterior
        mu_d = post["mu"].values.reshape(-1, 12)
        u_d = post["tau"].values.reshape(-1) * post["z"].values.reshape(-1, len(years) + 1)[:, -1]
        sigma_d = post["sigma"].values.reshape(-1)
        t = ctx.last_month
        mu_bar = mu_d.mean(axis=0)
        rest = slice(t, 12) if t < 12 else slice(11, 12)
        effect = u_d + (mu_d[:, rest] - mu_bar[rest]).mean(axis=1)

        def year_effect(gen: np.random.Generator, n: int) -> np.ndarray:
            return effect[gen.integers(0, effect.size, n)]

        diag = self.diagnostics_[name]
        self.basis_[ctx.index] = (
            f"hierarchical log-normal seasonal profile, {len(years)} earlier year(s); "
            f"{self.sampler_}: {diag['message']}"
        )
        return MeanFit(
            log_mean=mu_bar,
            year_effect=year_effect,
            log_sd=float(np.sqrt(np.mean(sigma_d**2))),
            extra={
                "r_hat_max": diag["r_hat_max"],
                "ess_bulk_min": diag["ess_bulk_min"],
                "divergences": float(diag["divergences"]),
            },
        )

    def _draw_attrs(self) -> dict[str, Any]:
        return {
            "sampler": self.sampler_,
            "converged": int(self.converged_),
            "diagnostics": repr({k: v["message"] for k, v in self.diagnostics_.items()}),
        }
