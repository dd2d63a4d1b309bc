"""A third synthetic generator for longjiang_forecast, built on structures the two shipped ones lack.

Independent of ``longjiang_forecast.testing`` (it only borrows the 13 prefecture ids and their 2020
populations from ``lf.load_catalog(2024)`` / ``load_regions``). numpy ``SeedSequence`` / ``Generator``
only; no global RNG.

The process (family f, prefecture r, year y = 2017..2024, month m = 1..12)
--------------------------------------------------------------------------
* Plans set politically: ``T[f,r,2017] = T_f * popshare_r * exp(N(0, 0.1^2))``;
  ``T[f,r,y+1] = T[f,r,y] * (1 + g[f,r])``, ``g[f,r] ~ U(0.05, 0.12)`` fixed, whatever was achieved.
* Capacity: ``log(mu[f,r,y] / T[f,r,y]) = a_f + (c_f - log(1+g[f,r])) (y - 2017)
  + P_y + F[f,y] + R[f,r,y] + A[r,y]``, with
  ``P_y = 0.07 t_3`` (province-wide: shared by ALL families and prefectures of the year),
  ``F[f,y] = 0.05 t_4`` (family-year), ``R[f,r,y] = 0.05 t_4`` (prefecture-year),
  ``A[r,y] = 0.75 A[r,y-1] + N(0, 0.06^2)`` (a prefecture's persistent performance, AR(1) over years,
  shared by its families; stationary start). ``c_f`` = capacity growth (log) so attainment drifts.
* Lumpy progress: the number of batches (projects, acceptance inspections) completed in month m is
  ``NegBin(mean = n_r w[f,y,m] * push, size 1.5)``; each batch has a log-normal size
  ``(mu / n_r) exp(N(-s^2/2, s^2))``, s = 0.5; ``n_r = 4 + round(B_f popshare_r)`` batches a year.
  The weights ``w`` are normalised to sum 1 over months up to the deadline month, so ``mu`` is the
  expected total at the deadline (before the push). Construction families are nearly idle Nov-Mar.
* Timing shifts (construction families, province-wide per year): with prob. 0.2 the whole season
  runs one month early, 0.2 one month late (the profile is rolled and renormalised over the months to
  the deadline: no cost).
* Year-end push: after June, a series whose cumulative is below 0.85 x target x (planned share by
  June, the unshifted profile) accelerates with probability 0.7: months 7..deadline get
  ``push ~ U(1.2, 1.7)`` times the batch rate.
* Ragged edge: each prefecture's report (all its families) for the as-of month is missing with
  probability 0.1, drawn from ``SeedSequence([seed, year, month, 7])``.
* Values: cumulative since 1 January; households and places whole, km to 0.1.

Outputs: ``World.catalog_frame()`` (catalogue CSV rows, every year 2017-2024, a province row = the
sum of the prefecture targets), ``World.progress_frame(year, month)`` (prefecture rows only: earlier
years complete Jan-Dec, year ``year`` to ``month`` minus ragged gaps), ``World.truth`` (one row per
family, region, year: target, outcome at the deadline, met, and the drivers).

Usage::

    python benchmarks/third_generator/worlds.py [SEED]   # met share and outcome/plan per family-year

    import worlds                                        # with this folder on sys.path
    w = worlds.make_world(101)
    worlds.write_world(w, "/tmp/w101", 2023, 9)          # catalog.csv and progress.csv as of 2023-09
"""

from __future__ import annotations

import pathlib
import sys
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

YEARS = tuple(range(2017, 2025))

REGIONS = (
    ("harbin", 10009854), ("qiqihar", 4067489), ("jixi", 1502060), ("hegang", 891271),
    ("shuangyashan", 1208803), ("daqing", 2781562), ("yichun", 878881), ("jiamusi", 2156505),
    ("qitaihe", 689611), ("mudanjiang", 2290208), ("heihe", 1286401), ("suihua", 3756167),
    ("daxinganling", 331276),
)  # fmt: skip


@dataclass(frozen=True)
class Family:
    """One indicator family: its files' labels and the parameters of its process."""

    id: str
    name_en: str
    name_zh: str
    unit: str
    tags: str
    deadline_month: int
    total_2017: float
    batches: float  # B_f
    profile: tuple[float, ...]  # Jan..Dec
    a: float  # log attainment in 2017
    c: float  # log capacity growth a year
    decimals: int
    shifts: bool  # timing shifts apply


FAMILIES = (
    Family("renov", "Old residential buildings renovated (synthetic, lumpy)", "老旧小区改造（合成）",
           "households (户)", "outdoor;construction", 10, 60000.0, 80.0,
           (0.002, 0.002, 0.004, 0.05, 0.12, 0.18, 0.20, 0.20, 0.16, 0.10, 0.01, 0.002),
           0.12, 0.06, 0, True),
    Family("pipes", "Heating pipes renovated (synthetic, lumpy)", "供热管网改造（合成）",
           "km (公里)", "outdoor;heating;construction", 10, 1500.0, 60.0,
           (0.002, 0.002, 0.004, 0.06, 0.15, 0.20, 0.21, 0.19, 0.13, 0.06, 0.005, 0.002),
           0.10, 0.05, 1, True),
    Family("care", "Elderly-care places added (synthetic, lumpy)", "养老服务床位（合成）",
           "places (个)", "elderly", 12, 20000.0, 70.0,
           (0.04, 0.03, 0.08, 0.06, 0.07, 0.10, 0.06, 0.07, 0.10, 0.08, 0.09, 0.22),
           0.10, 0.065, 0, False),
)  # fmt: skip


def _t(rng: np.random.Generator, df: float, size: int | tuple[int, ...] | None = None) -> np.ndarray:
    return rng.standard_t(df, size=size)


@dataclass
class World:
    """One generated world: plans, monthly cumulative values and the true outcomes.

    Built by :func:`make_world`; the catalogue and progress files are derived from it on demand.
    """

    seed: int
    cum: dict = field(default_factory=dict)  # (fam, region, year) -> 12 cumulative values
    truth: pd.DataFrame | None = None
    targets: dict = field(default_factory=dict)  # (fam, region, year) -> target

    # --- files -------------------------------------------------------------------------------
    def catalog_frame(self) -> pd.DataFrame:
        """Return the catalogue rows of every family and year, a province row first.

        Returns
        -------
        pandas.DataFrame
            One row per family, year and region (the province row's target is the sum of the
            prefecture targets), in the columns of the catalogue CSV; values formatted as strings.
        """
        rows = []
        for f in FAMILIES:
            for y in YEARS:
                dl = f"{y}-{f.deadline_month:02d}-{pd.Timestamp(y, f.deadline_month, 1).days_in_month}"
                prov = sum(self.targets[(f.id, r, y)] for r, _ in REGIONS)
                for reg, tgt in [("province", prov)] + [(r, self.targets[(f.id, r, y)]) for r, _ in REGIONS]:
                    rows.append(
                        dict(
                            indicator=f.id,
                            kind="cumulative",
                            unit=f.unit,
                            target=_fmt(tgt, f.decimals),
                            comparator=">=",
                            deadline=dl,
                            region=reg,
                            name_en=f.name_en,
                            name_zh=f.name_zh,
                            tags=f.tags,
                            family=f.id,
                        )
                    )
        return pd.DataFrame(rows)

    def missing_prefectures(self, year: int, month: int) -> list[str]:
        """Return the prefectures whose report for ``year``-``month`` is missing (the ragged edge).

        Parameters
        ----------
        year, month : int
            The as-of month.

        Returns
        -------
        list of str
            Prefecture ids, each missing with probability 0.1 (its own ``SeedSequence``).
        """
        rng = np.random.default_rng(np.random.SeedSequence([self.seed, year, month, 7]))
        miss = rng.random(len(REGIONS)) < 0.1
        return [r for (r, _), m in zip(REGIONS, miss, strict=True) if m]

    def progress_frame(self, year: int, month: int) -> pd.DataFrame:
        """Return the progress rows known as of ``year``-``month`` (prefecture rows only).

        Parameters
        ----------
        year, month : int
            The as-of month: earlier years complete Jan-Dec, ``year`` up to ``month``, less the
            reports of :meth:`missing_prefectures` for that month.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator``, ``region``, ``month`` (``YYYY-MM``), ``value`` (cumulative since
            1 January, formatted as a string).
        """
        missing = set(self.missing_prefectures(year, month))
        rows = []
        for f in FAMILIES:
            for r, _ in REGIONS:
                for y in YEARS:
                    if y > year:
                        continue
                    last = 12 if y < year else month
                    vals = self.cum[(f.id, r, y)]
                    for m in range(1, last + 1):
                        if y == year and m == month and r in missing:
                            continue
                        rows.append(
                            dict(
                                indicator=f.id,
                                region=r,
                                month=f"{y}-{m:02d}",
                                value=_fmt(vals[m - 1], f.decimals),
                            )
                        )
        return pd.DataFrame(rows)


def _fmt(v: float, decimals: int) -> str:
    return f"{v:.{decimals}f}"


def make_world(seed: int, batch_scale: float = 1.0) -> World:
    """Generate one world.

    Parameters
    ----------
    seed : int
        Root of the world's ``SeedSequence``; the same seed gives the same world.
    batch_scale : float, default 1.0
        Multiplies the batches a year (4 gives the less lumpy variant).

    Returns
    -------
    World
        With ``targets``, ``cum`` and ``truth`` filled in.
    """
    ss = np.random.SeedSequence(seed)
    k_plan, k_prov, k_fam, k_pref, k_ar, k_shift, k_work = ss.spawn(7)
    n_reg, n_y = len(REGIONS), len(YEARS)
    pop = np.array([p for _, p in REGIONS], float)
    share = pop / pop.sum()
    w = World(seed=seed)

    # year effects
    P = 0.07 * _t(np.random.default_rng(k_prov), 3, n_y)  # province-wide, all families
    rng_ar = np.random.default_rng(k_ar)
    A = np.empty((n_reg, n_y))
    A[:, 0] = rng_ar.normal(0, 0.06 / np.sqrt(1 - 0.75**2), n_reg)
    for j in range(1, n_y):
        A[:, j] = 0.75 * A[:, j - 1] + rng_ar.normal(0, 0.06, n_reg)
    rng_shift = np.random.default_rng(k_shift)
    shift = rng_shift.choice([-1, 0, 1], p=[0.2, 0.6, 0.2], size=n_y)  # province-wide season timing

    rng_plan = np.random.default_rng(k_plan)
    rng_fam = np.random.default_rng(k_fam)
    rng_pref = np.random.default_rng(k_pref)
    rng_work = np.random.default_rng(k_work)
    truth = []
    for f in FAMILIES:
        d = f.deadline_month
        g = rng_plan.uniform(0.05, 0.12, n_reg)
        t0 = f.total_2017 * share * np.exp(rng_plan.normal(0, 0.1, n_reg))
        F = 0.05 * _t(rng_fam, 4, n_y)
        R = 0.05 * _t(rng_pref, 4, (n_reg, n_y))
        base = np.asarray(f.profile, float)
        base = base / base[:d].sum()
        planned_june = base[:6].sum()
        n_batch = np.round((4 + f.batches * share) * batch_scale)
        for i, (r, _) in enumerate(REGIONS):
            for j, y in enumerate(YEARS):
                tgt = t0[i] * (1 + g[i]) ** j
                tgt = round(tgt, f.decimals) if f.decimals else float(round(tgt))
                w.targets[(f.id, r, y)] = tgt
                s = int(shift[j]) if f.shifts else 0
                wt = np.roll(base, s) if s else base.copy()
                if s == -1:  # the early season's April weight came from winter: keep winter idle
                    wt[11] = base[11]
                wt = wt / wt[:d].sum()
                eff = f.a + (f.c - np.log1p(g[i])) * j + P[j] + F[j] + R[i, j] + A[i, j]
                mu = tgt * np.exp(eff)
                nb = n_batch[i]
                size_mean = mu / nb
                cum = np.zeros(12)
                total = 0.0
                push = 1.0
                pushed = False
                for m in range(12):
                    if m == 6 and total < 0.85 * tgt * planned_june and rng_work.random() < 0.7:
                        push = rng_work.uniform(1.2, 1.7)
                        pushed = True
                    mult = push if m < d else 1.0
                    lam = nb * wt[m] * mult
                    k = 1.5
                    cnt = rng_work.negative_binomial(k, k / (k + lam)) if lam > 0 else 0
                    if cnt:
                        total += float(np.sum(size_mean * np.exp(rng_work.normal(-0.125, 0.5, cnt))))
                    cum[m] = total
                cum = np.round(cum, f.decimals)
                w.cum[(f.id, r, y)] = cum
                outcome = cum[d - 1]
                truth.append(
                    dict(
                        family=f.id,
                        region=r,
                        year=y,
                        target=tgt,
                        outcome=outcome,
                        met=bool(outcome >= tgt),
                        expected=mu,
                        shift=s,
                        pushed=pushed,
                        province_effect=P[j],
                        family_effect=F[j],
                        pref_effect=R[i, j],
                        ar_effect=A[i, j],
                        plan_growth=g[i],
                        batches_a_year=nb,
                        zero_months_to_deadline=int(np.sum(np.diff(np.r_[0, cum[:d]]) == 0)),
                        june=cum[5],
                    )
                )
    t = pd.DataFrame(truth)
    prov = t.groupby(["family", "year"], as_index=False).agg(
        target=("target", "sum"),
        outcome=("outcome", "sum"),
        shift=("shift", "first"),
        province_effect=("province_effect", "first"),
        family_effect=("family_effect", "first"),
    )
    prov["region"] = "province"
    dec = {f.id: f.decimals for f in FAMILIES}
    prov["target"] = [round(v, dec[fm]) for v, fm in zip(prov["target"], prov["family"], strict=True)]
    prov["outcome"] = [round(v, dec[fm]) for v, fm in zip(prov["outcome"], prov["family"], strict=True)]
    prov["met"] = prov["outcome"] >= prov["target"]
    w.truth = pd.concat([t, prov], ignore_index=True)
    return w


def write_world(w: World, folder: str | pathlib.Path, year: int, month: int) -> tuple[str, str]:
    """Write a world's files as a user would give them to the command line.

    Parameters
    ----------
    w : World
        From :func:`make_world`.
    folder : str or pathlib.Path
        Created if missing; ``catalog.csv`` and ``progress.csv`` in it are overwritten.
    year, month : int
        The as-of month of the progress file (the catalogue holds every year).

    Returns
    -------
    tuple of str
        The paths of ``catalog.csv`` and ``progress.csv``.
    """
    folder = pathlib.Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cat, prog = folder / "catalog.csv", folder / "progress.csv"
    w.catalog_frame().to_csv(cat, index=False, lineterminator="\n")
    w.progress_frame(year, month).to_csv(prog, index=False, lineterminator="\n")
    return str(cat), str(prog)


def _main() -> None:
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 101
    t = make_world(seed).truth
    pref = t[t.region != "province"]
    table = pref.groupby(["family", "year"]).agg(
        met=("met", "mean"),
        ratio=("outcome", "sum"),
        tgt=("target", "sum"),
        pushed=("pushed", "mean"),
        zeros=("zero_months_to_deadline", "mean"),
        shift=("shift", "first"),
    )
    table["ratio"] = table["ratio"] / table["tgt"]
    print(table.drop(columns="tgt").round(3))


if __name__ == "__main__":
    _main()
