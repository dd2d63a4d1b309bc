"""Increment families of the streaming engine: step kernels, one month at a time.

Every family owns a contiguous block of rows of the month row ``(n_series, n_draws)``
(series first, draws last, so that each series is a contiguous run of draws) and
advances it by one month with :meth:`Family.step`. Families that admit an exact
answer for the value at the deadline given the parameters also provide
:meth:`Family.conditional_p`, the Rao-Blackwellised probability of meeting the
target for each draw. Arrays only: no xarray here (see ``_labelled.py``).
The Gamma, Dirichlet-split and link-normal steps are one fused numba pass over the family's rows
that also draws the variates, with the engine's own generator (``_random.py``:
xoshiro256++, ziggurat normals, Marsaglia–Tsang Gamma; ``_kernels.py``). The
other families (negative binomial, Poisson, binomial, log-normal) are numpy,
drawn by the block's numpy ``Generator`` (the binomial by inversion of its uniforms,
``_kernels.binomial_inverse``); both streams come from the block's seed
(:class:`~._random.BlockStreams`).

The families and their parameters are listed in :data:`FAMILY_PARAMS`; the
maths and the schema are in ``docs/design/002-simulation-core.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar, Final

import numpy as np
from scipy import special

from . import _kernels
from ._random import BlockStreams

#: Parameter variables of each dynamics family: name -> dims ("S" series, "M" month,
#: "D" draw). A "D" parameter may also be given without the draw dim (the same value
#: for every draw). The engine reads only the variables of the families it simulates.
FAMILY_PARAMS: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "gamma": {"gamma_shape": ("S", "M"), "gamma_scale": ("D", "S")},
    "dirichlet": {"gamma_shape": ("S", "M"), "gamma_scale": ("D", "S")},
    "negbin": {"nb_size": ("S", "M"), "nb_prob": ("D", "S")},
    "poisson": {"exposure": ("S", "M"), "poisson_rate": ("D", "S")},
    "lognormal_increment": {"log_mean": ("S", "M"), "year_effect": ("D", "S"), "log_sd": ("S",)},
    "link_normal": {"link": ("S",), "link_drift": ("D", "S"), "link_sd": ("D", "S")},
    "binomial": {"total": ("S",), "hazard": ("D", "S")},
    "lognormal": {"log_mean": ("S", "M"), "year_effect": ("D", "S"), "log_sd": ("S",)},
}

#: Families whose paths never fall (cumulative counts).
MONOTONE_FAMILIES: Final = ("gamma", "dirichlet", "negbin", "poisson", "lognormal_increment", "binomial")

#: Families with an exact conditional law of the deadline value (Rao-Blackwellisation).
RB_FAMILIES: Final = ("gamma", "dirichlet", "negbin", "poisson", "binomial", "link_normal")

#: Links of the ``link_normal`` family.
LINKS: Final = ("identity", "log", "logit")


def months_to_deadline(first: np.ndarray, dl: np.ndarray) -> np.ndarray:
    """Mask (n, 12), bool: the months simulated from ``first`` up to and including ``dl`` (indices 0-11).

    ``first`` is each series' first simulated month (its latest report's month number), ``dl`` its
    deadline month's index (deadline month − 1): the months a path contributes to what the
    deadline judges, and so the only months a scenario's effect can matter in.
    """
    months = np.arange(12)
    return (months[None, :] >= np.asarray(first)[:, None]) & (months[None, :] <= np.asarray(dl)[:, None])


class Family:
    """One dynamics family on a contiguous block of series rows.

    Parameters
    ----------
    rows : slice
        Rows of the month row owned by the family.
    cols : ndarray of int, shape (n,)
        Columns of the family's series in the caller's (original) series order,
        used to pick the family's per-draw parameters out of a block.
    static : mapping of str to ndarray
        Parameters without a draw dim, already restricted to the family's
        series: ``start`` (n,), ``first`` (n,) first simulated month (0-11),
        ``dl`` (n,) deadline month index (0-11), ``lower``/``upper`` (n,)
        bounds (``-inf``/``inf`` for none), ``multiplier`` (n, 12) and the
        family's own parameters (see :data:`FAMILY_PARAMS`).
    dtype : numpy dtype
        Floating type of the paths.
    """

    kind: ClassVar[str] = ""
    #: Whether reported months are written over the family's rows (False for
    #: families that use the reports themselves, such as the running mean).
    overlay: ClassVar[bool] = True
    #: Names of the per-draw parameters read from each block.
    draw_params: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, rows: slice, cols: np.ndarray, static: Mapping[str, np.ndarray], dtype: np.dtype
    ) -> None:
        self.rows = rows
        self.cols = cols
        self.s = dict(static)
        self.dtype = np.dtype(dtype)
        self.n = rows.stop - rows.start
        self.p: dict[str, np.ndarray] = {}

    # -- per block -----------------------------------------------------------------------------
    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        """Read the family's per-draw parameters of one block, as (n, n_draws) arrays."""
        self.b = n_draws
        self.p = {}
        for name in self.draw_params:
            arr = block[name]
            if arr.ndim == 1:  # one value per series, the same for every draw
                sub = np.broadcast_to(arr[self.cols][:, None], (self.n, n_draws))
            elif arr.ndim == 2:
                sub = arr[:, self.cols].T
            else:  # (draw, series, month)
                sub = np.moveaxis(arr[:, self.cols, :], 0, 1)
            self.p[name] = np.ascontiguousarray(sub, dtype=np.float64)

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        """Write the value after month ``m`` into ``out`` (n, n_draws) from ``prev`` (month m-1).

        ``rs`` holds the streams of the blocks side by side in the columns:
        ``rs.numpy_draw`` (each block's numpy ``Generator``) and ``rs.state`` /
        ``rs.ends`` (the fused kernels' xoshiro256++ states and the blocks' columns).
        """
        raise NotImplementedError

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray | None:
        """Exact P(target met at the deadline | parameters) per draw, shape (n, n_draws), or None."""
        return None

    # -- helpers -------------------------------------------------------------------------------
    def _base(self, prev: np.ndarray | None) -> np.ndarray:
        if prev is None:
            return np.broadcast_to(self.s["start"].astype(self.dtype)[:, None], (self.n, self.b))
        return prev

    def _active(self, m: int) -> np.ndarray:
        return m >= self.s["first"]

    def _cap(self, out: np.ndarray) -> None:
        upper = self.s["upper"]
        if np.isfinite(upper).any():
            np.minimum(out, upper.astype(self.dtype)[:, None], out=out)

    def _months_to_deadline(self) -> np.ndarray:
        """Mask (n, 12): months simulated up to and including the deadline month."""
        return months_to_deadline(self.s["first"], self.s["dl"])

    def _need(self, target: np.ndarray) -> np.ndarray:
        need: np.ndarray = (target - self.s["start"])[:, None]
        return need

    def _count_p(
        self,
        target: np.ndarray,
        sign: np.ndarray,
        sf: Callable[[np.ndarray], np.ndarray],
        cdf: Callable[[np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """P(met) for an integer-valued remaining sum X.

        ``sf(c) = P(X >= c)`` and ``cdf(f) = P(X <= f)``.
        """
        need = np.broadcast_to(self._need(target), (self.n, self.b))
        up = np.ceil(need - 1e-9)
        down = np.floor(need + 1e-9)
        p = np.where(sign[:, None] > 0, sf(up), cdf(down))
        return self._capped(p, target, sign)

    def _capped(self, p: np.ndarray, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        upper = self.s["upper"][:, None]
        p = np.where((sign[:, None] > 0) & (target[:, None] > upper), 0.0, p)
        return np.where((sign[:, None] < 0) & (upper <= target[:, None]), 1.0, p)


class Gamma(Family):
    """Independent Gamma(c_m k_m, θ) increments: ``x_m = min(x_{m-1} + θ G_m, upper)``.

    ``gamma_shape`` k_m (series, month) or (draw, series, month); ``gamma_scale``
    (draw, series) in the indicator's unit. The multiplier ``c_m`` (the ``multiplier`` of the
    simulation, times ``month_factor`` (draw, series, month) where
    :func:`~longjiang_forecast.simulate.apply_scenario` puts a scenario's per-path effects)
    scales the shape, so the sum to the deadline stays Gamma(Σ c_m k_m, θ); a stopped month
    (``c_m`` 0) draws its variate and discards it (:func:`~._kernels.gamma_step`), so that a
    scenario's paths stay coupled to the baseline's.
    """

    kind = "gamma"
    draw_params = ("gamma_scale",)

    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        super().begin(block, n_draws)
        self.upper = self.s["upper"].astype(self.dtype)
        self.shape_d = self._per_draw_months(block, "gamma_shape")
        factor = self._per_draw_months(block, "month_factor")
        self.factor_d = None if factor is None else factor * self.s["multiplier"][:, None, :]

    def _per_draw_months(self, block: Mapping[str, np.ndarray], name: str) -> np.ndarray | None:
        """The family's rows of a (draw, series, month) variable of the block as (n, n_draws, 12), or None."""
        arr = block.get(name)
        return np.moveaxis(arr[:, self.cols, :], 0, 1) if arr is not None and arr.ndim == 3 else None

    def _shape_to_deadline(self, factor: np.ndarray | None = None) -> np.ndarray:
        """The shapes' sum over the months simulated up to the deadline's, (n, n_draws).

        Each month's shape times ``factor`` (n, 12) or (n, n_draws, 12) where it is given.
        """
        weight = self._months_to_deadline()[:, None, :]  # (n, 1, 12), as the shapes and the factor
        if factor is not None:
            weight = (factor if factor.ndim == 3 else factor[:, None, :]) * weight
        shape = self.shape_d if self.shape_d is not None else self.s["shape"][:, None, :]
        return np.broadcast_to((shape * weight).sum(axis=-1), (self.n, self.b))

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        prev, k = self._month(m, prev, out)
        # the factor per row, or per path (the kernel reads a shape per row beside it as it is)
        f = self.s["multiplier"][:, m : m + 1] if self.factor_d is None else self.factor_d[:, :, m]
        f = np.ascontiguousarray(f)
        # the second stream draws a factor's part (neither 0 nor 1); without one it is not made
        # (a scratch array instead: never the first stream's, which the kernel writes back too)
        extra = rs.extra if np.any((f != 0.0) & (f != 1.0)) else np.zeros_like(rs.state)
        # One fused pass: draw G(k) and the factor's part, scale, add to the previous month, cap.
        _kernels.gamma_step(rs.state, extra, rs.ends, k, f, self.p["gamma_scale"], prev, self.upper, out)

    def _month(self, m: int, prev: np.ndarray | None, out: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The previous month (the start written into ``out`` for the first) and month ``m``'s shapes.

        Shapes (n, 1), one per row (the kernels' constants once per row), or (n, n_draws) per draw.
        """
        if prev is None:
            out[...] = self._base(None)
            prev = out
        active = self._active(m)
        if self.shape_d is not None:
            return prev, np.where(active[:, None], self.shape_d[:, :, m], 0.0)
        return prev, (self.s["shape"][:, m] * active)[:, None]

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        k = self._shape_to_deadline(self.factor_d if self.factor_d is not None else self.s["multiplier"])
        theta = self.p["gamma_scale"]
        need = np.broadcast_to(self._need(target), k.shape)
        live = (k > 0) & (theta > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.maximum(need / theta, 0.0)
        p = np.empty(k.shape)
        up = sign > 0
        # Only the tail each series needs (each evaluation costs about as much as a month of draws).
        for rows, tail in ((up, special.gammaincc), (~up, special.gammainc)):
            if not rows.any():
                continue
            kk, xx, nn, ll = k[rows], x[rows], need[rows], live[rows]
            val = tail(np.where(ll, kk, 1.0), np.where(ll, xx, 1.0))
            if tail is special.gammaincc:
                val = np.where(nn <= 0, 1.0, np.where(ll, val, 0.0))
            else:
                val = np.where(nn < 0, 0.0, np.where(ll, val, 1.0))
            p[rows] = val
        return self._capped(p, target, sign)


class DirichletSplit(Gamma):
    """The work that remains, fixed per draw, split over the months by a Dirichlet.

    ``x_m = min(x_{m-1} + c_m θ W_m B_m, U)``, ``W_{m+1} = W_m (1 - B_m)``.

    The same parameters as :class:`Gamma` (``gamma_shape`` k_m, ``gamma_scale`` θ), with the same
    expected increment ``c_m θ k_m`` a month, but the months' increments are the Dirichlet(k_m)
    split of a fixed ``θ Σ k_m`` (the sum over the months from the first simulated one to
    December) instead of independent Gamma variates: the total of each draw is exactly its
    ``θ Σ k_m``, so a model that draws the year's total from its posterior keeps it, and
    ``Σ k_m`` (the concentration) sets only how the months share it, the month-to-month noise of
    the timing. Drawn month by month as stick-breaking, ``B_m ~ Beta(k_m, Σ_{j>m} k_j)`` of the
    ``W`` that remains (:func:`~._kernels.split_step`).

    A scenario's multiplier ``c_m`` (the ``multiplier`` of the simulation, and ``month_factor``
    (draw, series, month) where :func:`~longjiang_forecast.simulate.apply_scenario` puts a
    scenario's per-path effects) scales the month's share of the split, not the split: a stopped
    month's work is lost, not moved, and a month after the deadline changes nothing at it. The
    value at the deadline is ``x_0 + θ Σ_{m ≤ d} c_m X_m`` with ``X ~ K Dirichlet(k)``; where
    ``c`` is one number ``c̄`` over the months to the deadline (no scenario, or one that scales
    all of them alike), it is ``x_0 + c̄ θ K B`` with ``B ~ Beta(K_d, K - K_d)`` (``K_d`` the sum
    to the deadline's month; the aggregation property of the Dirichlet), so P(met) given the draw
    is a regularised incomplete beta function; elsewhere it has no closed form and
    :meth:`conditional_p` is NaN (the paths' share stands alone).
    """

    kind = "dirichlet"

    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        super().begin(block, n_draws)  # factor_d: the multiplier scales each month's share (step)
        live = np.arange(12)[None, :] >= self.s["first"][:, None]  # (n, 12): the simulated months
        if self.shape_d is not None:  # per-draw shapes (n, b, 12)
            k = self.shape_d * live[:, None, :]
            self.after_d = np.cumsum(k[..., ::-1], axis=-1)[..., ::-1] - k  # the later months' sum
            self.mass = k.sum(axis=-1)
        else:
            k = self.s["shape"] * live
            self.after = np.cumsum(k[:, ::-1], axis=1)[:, ::-1] - k
            self.mass = np.repeat(k.sum(axis=1)[:, None], n_draws, axis=1)
        self.total_mass = self.mass.copy()  # K per row and draw, for conditional_p

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        prev, k = self._month(m, prev, out)
        after = self.after_d[:, :, m] if self.shape_d is not None else self.after[:, m : m + 1]
        rest, scale = np.ascontiguousarray(after), self.p["gamma_scale"]
        if self.factor_d is not None:  # the month's share of each path's split, scaled
            scale = scale * self.factor_d[:, :, m]
        elif np.any(self.s["multiplier"][:, m] != 1.0):
            scale = scale * self.s["multiplier"][:, m : m + 1]
        _kernels.split_step(rs.state, rs.ends, k, rest, scale, self.mass, prev, self.upper, out)

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        mask = self._months_to_deadline()
        k_dl = self._shape_to_deadline()
        # the factor over the months to the deadline: one number per path, or NaN (no closed form)
        factor = self.factor_d if self.factor_d is not None else self.s["multiplier"][:, None, :]
        window = np.broadcast_to(mask[:, None, :], (*factor.shape[:2], 12))
        hi = np.where(window, factor, -np.inf).max(axis=-1)
        lo = np.where(window, factor, np.inf).min(axis=-1)
        some = np.isfinite(hi)  # months to the deadline are simulated
        one = np.where(some & (hi == lo), hi, np.where(some, np.nan, 1.0))
        one = np.broadcast_to(one, k_dl.shape)
        k_all = self.total_mass
        k_after = k_all - k_dl
        whole = one * self.p["gamma_scale"] * k_all  # the months to December at that factor
        need = np.broadcast_to(self._need(target), k_all.shape)
        # B ~ Beta(K_d, K - K_d), the share of the remainder done by the deadline; not random where
        # no month after the deadline's has work (B = 1) or none up to it has (B = 0).
        random = (k_dl > 0) & (k_after > 1e-12 * k_all)
        fixed = whole * (k_dl > 0)  # the increment to the deadline where B is not random
        with np.errstate(divide="ignore", invalid="ignore"):
            x = np.clip(np.where(whole > 0, need / whole, np.inf), 0.0, 1.0)
            below = special.betainc(np.where(random, k_dl, 1.0), np.where(random, k_after, 1.0), x)
        up = np.where(random, np.where(need <= 0, 1.0, 1.0 - below), fixed >= need)
        down = np.where(random, np.where(need < 0, 0.0, below), fixed <= need)
        p = np.where(sign[:, None] > 0, up, down).astype(float)
        p[np.isnan(one)] = np.nan
        return self._capped(p, target, sign)


class NegBin(Family):
    """Negative binomial increments NB(r_m, p): failures before r_m successes, mean r_m (1 - p) / p.

    ``nb_size`` (series, month) r_m > 0; ``nb_prob`` (draw, series) p in (0, 1].
    The sum to the deadline is NB(Σ r_m, p). The multiplier scales r_m.
    """

    kind = "negbin"
    draw_params = ("nb_prob",)

    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        super().begin(block, n_draws)
        self.size = self.s["nb_size"] * self.s["multiplier"]

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        base = self._base(prev)
        r = self.size[:, m] * self._active(m)
        live = r > 0
        out[...] = base
        if live.any():
            size, prob = r[live][:, None], self.p["nb_prob"][live]
            inc = rs.numpy_draw(self.b, lambda g, c: g.negative_binomial(size, prob[:, c]))
            out[live] += inc.astype(self.dtype)
        self._cap(out)

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        big_r = (self.size * self._months_to_deadline()).sum(axis=1)[:, None]
        prob = self.p["nb_prob"]

        def sf(c: np.ndarray) -> np.ndarray:
            # P(X >= c) = 1 - I_p(R, c) for c >= 1 (X ~ NB(R, p)).
            with np.errstate(invalid="ignore"):
                val = special.betaincc(np.maximum(big_r, 1e-300), np.maximum(c, 1.0), prob)
            val = np.where(big_r > 0, val, 0.0)
            return np.where(c <= 0, 1.0, val)

        def cdf(f: np.ndarray) -> np.ndarray:
            with np.errstate(invalid="ignore"):
                val = special.betainc(np.maximum(big_r, 1e-300), np.maximum(f + 1.0, 1.0), prob)
            val = np.where(big_r > 0, val, 1.0)
            return np.where(f < 0, 0.0, val)

        return self._count_p(target, sign, sf, cdf)


class Poisson(Family):
    """Poisson increments with mean ``poisson_rate × exposure_m`` (multiplier scales the exposure)."""

    kind = "poisson"
    draw_params = ("poisson_rate",)

    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        super().begin(block, n_draws)
        self.expo = self.s["exposure"] * self.s["multiplier"]

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        base = self._base(prev)
        lam = self.p["poisson_rate"] * (self.expo[:, m] * self._active(m))[:, None]
        np.add(base, rs.numpy_draw(self.b, lambda g, c: g.poisson(lam[:, c])).astype(self.dtype), out=out)
        self._cap(out)

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        lam = self.p["poisson_rate"] * (self.expo * self._months_to_deadline()).sum(axis=1)[:, None]

        def sf(c: np.ndarray) -> np.ndarray:  # P(X >= c) = P(Gamma(c) <= Λ)
            val = special.gammainc(np.maximum(c, 1.0), lam)
            return np.where(c <= 0, 1.0, val)

        def cdf(f: np.ndarray) -> np.ndarray:
            val = special.gammaincc(np.maximum(f + 1.0, 1.0), lam)
            return np.where(f < 0, 0.0, val)

        return self._count_p(target, sign, sf, cdf)


class LognormalIncrement(Family):
    """Log-normal increments ``exp(log_mean_m + year_effect + log_sd Z)`` times the multiplier."""

    kind = "lognormal_increment"
    draw_params = ("year_effect",)

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        base = self._base(prev)
        z = rs.numpy_draw(
            self.b, lambda g, c: g.standard_normal((self.n, c.stop - c.start), dtype=self.dtype)
        )
        z *= self.s["log_sd"].astype(self.dtype)[:, None]
        z += (self.p["year_effect"] + self.s["log_mean"][:, m][:, None]).astype(self.dtype)
        np.exp(z, out=z)
        z *= (self.s["multiplier"][:, m] * self._active(m)).astype(self.dtype)[:, None]
        np.add(base, z, out=out)
        self._cap(out)


class LinkNormal(Family):
    """A level moving as a Gaussian random walk on a link scale, so it stays within its bounds.

    ``eta_m = eta_{m-1} + c_m drift + sd Z``; value ``lower + (upper - lower) expit(eta)``
    (logit), ``lower + exp(eta)`` (log) or ``clip(eta, lower, upper)`` (identity).
    ``link_drift`` and ``link_sd`` are per draw (or per series). The value at the
    deadline is a monotone function of a normal variable, hence exact P(met).
    ``Z`` (ziggurat, the engine's own generator) and ``eta`` are float64; the
    value is stored in the paths' dtype.
    """

    kind = "link_normal"
    draw_params = ("link_drift", "link_sd")

    def _link(self, x: np.ndarray) -> np.ndarray:
        lo, hi, code = self.s["lower"], self.s["upper"], self.s["link_code"]
        out = np.array(x, dtype=np.float64)
        log = code == 1
        logit = code == 2
        with np.errstate(divide="ignore", invalid="ignore"):
            out[log] = np.log(np.maximum(x[log] - lo[log], 0.0))
            frac = (x[logit] - lo[logit]) / (hi[logit] - lo[logit])
            out[logit] = special.logit(np.clip(frac, 0.0, 1.0))
        return out

    def __init__(
        self, rows: slice, cols: np.ndarray, static: Mapping[str, np.ndarray], dtype: np.dtype
    ) -> None:
        super().__init__(rows, cols, static, dtype)
        # Static, so computed once rather than per block: start strictly inside the bounds
        # (so that the link is finite), its link, and each month's multipliers and activity.
        lo, hi = self.s["lower"], self.s["upper"]
        span = np.where(np.isfinite(hi - lo), hi - lo, np.maximum(np.abs(self.s["start"]), 1.0))
        start = np.clip(self.s["start"], lo + 1e-6 * span, hi - 1e-6 * span)
        self.eta0 = self._link(start)
        self.code = np.asarray(self.s["link_code"], np.int64)
        self.mult = [np.ascontiguousarray(self.s["multiplier"][:, m], dtype=np.float64) for m in range(12)]
        self.active = [self._active(m) for m in range(12)]

    def begin(self, block: Mapping[str, np.ndarray], n_draws: int) -> None:
        super().begin(block, n_draws)
        self.eta = np.repeat(self.eta0[:, None], n_draws, axis=1)

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        active = self.active[m]
        if prev is None and not active.any():
            out[...] = self._base(None)
            return
        # One fused pass: draw Z, step on the link scale, back-transform, bounds.
        _kernels.link_step(
            rs.state,
            rs.ends,
            self.p["link_drift"],
            self.p["link_sd"],
            self.mult[m],
            active,
            self.eta,
            self.code,
            self.s["lower"],
            self.s["upper"],
            out,
        )

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        mask = self._months_to_deadline()
        n = mask.sum(axis=1)[:, None]
        drift_sum = (self.s["multiplier"] * mask).sum(axis=1)[:, None] * self.p["link_drift"]
        mean = self.eta0[:, None] + drift_sum
        sd = self.p["link_sd"] * np.sqrt(n)
        g = self._link(target)[:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            zval = (mean - g) / sd
        zval = np.where(sd > 0, zval, np.where(mean >= g, np.inf, -np.inf))
        p = np.where(sign[:, None] > 0, special.ndtr(zval), special.ndtr(-zval))
        lo, hi = self.s["lower"][:, None], self.s["upper"][:, None]
        t = target[:, None]
        p = np.where((sign[:, None] > 0) & (t <= lo), 1.0, p)
        p = np.where((sign[:, None] > 0) & (t > hi), 0.0, p)
        p = np.where((sign[:, None] < 0) & (t >= hi), 1.0, p)
        return np.where((sign[:, None] < 0) & (t < lo), 0.0, p)


class Binomial(Family):
    """Named projects, each open one finishing in a month with probability ``hazard × c_m``."""

    kind = "binomial"
    draw_params = ("hazard",)

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        base = self._base(prev)
        h = np.clip(self.p["hazard"] * self.s["multiplier"][:, m][:, None], 0.0, 1.0)
        # a month before the series' first report has no count yet (NaN): nothing is left to draw there
        left = np.maximum(np.nan_to_num(self.s["total"][:, None] - base, nan=0.0), 0).astype(np.int64)
        # by inversion, one uniform per variate: runs on one seed stay coupled (see binomial_inverse)
        u = rs.numpy_draw(self.b, lambda g, c: g.random((self.n, c.stop - c.start)))
        new = np.empty(u.shape, np.int64)
        trials = np.ascontiguousarray(np.broadcast_to(left, u.shape), dtype=np.int64)
        _kernels.binomial_inverse(
            u, trials, np.ascontiguousarray(np.broadcast_to(h, u.shape), dtype=np.float64), new
        )
        new[~self._active(m)] = 0
        np.add(base, new.astype(self.dtype), out=out)

    def conditional_p(self, target: np.ndarray, sign: np.ndarray) -> np.ndarray:
        mask = self._months_to_deadline()
        stay = np.ones((self.n, self.b))
        for m in range(12):
            h = np.clip(self.p["hazard"] * self.s["multiplier"][:, m][:, None], 0.0, 1.0)
            stay *= np.where(mask[:, m][:, None], 1.0 - h, 1.0)
        q = 1.0 - stay
        left = np.maximum(self.s["total"] - self.s["start"], 0.0)[:, None]

        def sf(c: np.ndarray) -> np.ndarray:  # P(X >= c) = I_q(c, N - c + 1), X ~ Bin(N, q)
            cc = np.clip(c, 1.0, np.maximum(left, 1.0))
            val = special.betainc(cc, np.maximum(left - cc + 1.0, 1e-300), q)
            val = np.where(c > left, 0.0, val)
            return np.where(c <= 0, 1.0, val)

        def cdf(f: np.ndarray) -> np.ndarray:  # P(X <= f) = I_{1-q}(N - f, f + 1)
            ff = np.clip(f, 0.0, np.maximum(left - 1.0, 0.0))
            val = special.betainc(np.maximum(left - ff, 1e-300), ff + 1.0, 1.0 - q)
            val = np.where(f >= left, 1.0, val)
            return np.where(f < 0, 0.0, val)

        return self._count_p(target, sign, sf, cdf)


class LognormalRunningMean(Family):
    """Year-to-date day-weighted mean of monthly means, unreported months log-normal.

    Reported months enter with their reported value (``observed``); the others
    are ``exp(log_mean_m + year_effect + log_sd Z)``. ``days`` (12,) weights.
    """

    kind = "lognormal"
    overlay = False
    draw_params = ("year_effect",)

    def step(self, m: int, prev: np.ndarray | None, out: np.ndarray, rs: BlockStreams) -> None:
        days = self.s["days"]
        cum = np.cumsum(days)
        obs = self.s["observed"][:, m]
        z = rs.numpy_draw(
            self.b, lambda g, c: g.standard_normal((self.n, c.stop - c.start), dtype=self.dtype)
        )
        z *= self.s["log_sd"].astype(self.dtype)[:, None]
        z += (self.p["year_effect"] + self.s["log_mean"][:, m][:, None]).astype(self.dtype)
        np.exp(z, out=z)
        seen = np.isfinite(obs)
        if seen.any():
            z[seen] = obs[seen].astype(self.dtype)[:, None]
        z *= self.dtype.type(days[m] / cum[m])
        if prev is not None:
            z += prev * self.dtype.type(cum[m - 1] / cum[m])
        out[...] = z


#: Family classes by ``dynamics`` value.
FAMILIES: Final[dict[str, type[Family]]] = {
    cls.kind: cls
    for cls in (
        Gamma,
        DirichletSplit,
        NegBin,
        Poisson,
        LognormalIncrement,
        LinkNormal,
        Binomial,
        LognormalRunningMean,
    )
}
