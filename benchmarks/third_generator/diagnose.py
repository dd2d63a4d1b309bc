"""Breakdowns behind the README's findings M1-M5, from a third-generator run of ``run_cli.py``.

    python benchmarks/third_generator/diagnose.py [results/third_forecasts.csv]

Joins the forecasts with the drivers of each world's truth (timing shift, year-end push, year
effects, AR(1) state, plan growth; the worlds are regenerated from their seeds) and prints: prefecture
rows by timing shift and by push; mean P(met) against share met per world-year; September rows of the
October families (exact-zero remaining months, near misses); rows with P(met) 0 that were met; the
remaining work to the deadline against the forecast median; zero Octobers in the worlds' history;
calibration slopes and 80 % coverage with a bootstrap over world-years; low-P rows that were met; and
mean P(met) against share met by plan growth, AR(1) state and province-wide shock.
``results/diagnose_output.txt`` is this script's output for ``results/third_forecasts.csv``.
"""

from __future__ import annotations

import pathlib
import sys

import numpy as np
import pandas as pd
from scipy.optimize import minimize

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import worlds  # noqa: E402  (this folder, put on the path above)

KEYS = ["seed", "indicator", "region", "year"]
SCORES = dict(
    n=("y", "size"),
    mean_p=("p_met", "mean"),
    met=("y", "mean"),
    below=("below", "mean"),
    above=("above", "mean"),
    brier=("brier", "mean"),
)


def load(path: str | pathlib.Path) -> tuple[pd.DataFrame, dict[int, worlds.World]]:
    """Read a ``*_forecasts.csv`` of the third generator and join each row's drivers.

    Parameters
    ----------
    path : str or pathlib.Path
        Written by ``run_cli.py`` (``--generator third``).

    Returns
    -------
    pandas.DataFrame
        The forecasts with the truth's ``shift``, ``pushed``, ``june``, ``expected``,
        ``province_effect``, ``family_effect``, ``batches_a_year`` and a 0/1 column ``y`` (met).
    dict
        The regenerated worlds by seed.
    """
    d = pd.read_csv(path)
    seeds = sorted(d.seed.unique())
    ws = {int(s): worlds.make_world(int(s)) for s in seeds}
    tr = pd.concat([ws[int(s)].truth.assign(seed=s) for s in seeds]).rename(columns={"family": "indicator"})
    cols = ["shift", "pushed", "june", "expected", "province_effect", "family_effect", "batches_a_year"]
    d = d.merge(tr[KEYS + cols], on=KEYS, how="left")
    d["y"] = d.met.astype(float)
    return d, ws


def timing_push_and_zeros(d: pd.DataFrame) -> None:
    """Print prefecture rows by timing shift and push, per world-year, and September's zero Octobers."""
    p = d[d.region_kind == "prefecture"].copy()
    p["below"] = p.outcome < p.q10
    p["above"] = p.outcome > p.q90
    p["brier"] = (p.p_met - p.y) ** 2
    print("== by shift of the year (construction families)")
    print(p[p.indicator != "care"].groupby(["as_of_month", "shift"]).agg(**SCORES).round(3))
    print("== by pushed")
    print(p.groupby(["as_of_month", "pushed"]).agg(**SCORES).round(3))
    print("== per world-year, month 5: mean p vs share met (prefectures)")
    g = (
        p[p.as_of_month == 5]
        .groupby(["seed", "year"])
        .agg(mean_p=("p_met", "mean"), met=("y", "mean"), P=("province_effect", "first"))
    )
    print(g.round(3).T.to_string())

    # September, October families: months with nothing done up to the deadline
    o = p[(p.as_of_month == 9) & (p.indicator != "care")]
    z = o.outcome == o.observed
    print(
        "== month 9, Oct families: zero increment to deadline share", z.mean().round(3), "n", len(o),
        "; among open rows", (z[o.observed < o.target]).mean().round(3),
    )  # fmt: skip
    print(
        " rows with outcome==observed: below q10", (o[z].below).mean(),
        " rows with outcome>observed: in80", 1 - (o[~z].below | o[~z].above).mean(),
        "below", o[~z].below.mean(), "above", o[~z].above.mean(),
    )  # fmt: skip
    print(" q10 == observed among zero-increment rows:", (o[z].q10 <= o[z].observed).mean())

    # near misses
    nm = o[(o.observed < o.target) & (o.p_met >= 0.9)]
    print("== month 9 open rows with p>=0.9:", len(nm), "met share", nm.y.mean(), "mean p", nm.p_met.mean())
    cols = ["seed", "year", "indicator", "region", "target", "observed", "q10", "median", "p_met", "outcome"]
    print(nm[cols].head(12).to_string())
    p0 = p[(p.p_met == 0) & (p.met)]
    print("== p=0 met")
    cols = ["seed", "year", "as_of_month", "indicator", "region", "target", "observed", "observed_month",
            "q10", "median", "q90", "outcome", "basis"]  # fmt: skip
    print(p0[cols].to_string())


def _interval_scores(g: pd.DataFrame) -> pd.Series:
    return pd.Series(
        dict(
            n=len(g),
            below=(g.outcome < g.q10).mean(),
            above=(g.outcome > g.q90).mean(),
            mean_p=g.p_met.mean(),
            met=g.y.mean(),
        )
    )


def remaining_work(d: pd.DataFrame) -> None:
    """Print the true remaining work against the forecast median's, and province rows as of September."""
    for kind in ["prefecture", "province"]:
        p = d[d.region_kind == kind]
        print("==", kind, "remaining work: sum(outcome-observed)/sum(median-observed), by month x family")
        rem = p.assign(rem_true=p.outcome - p.observed, rem_med=p["median"] - p.observed)
        g = rem.groupby(["as_of_month", "indicator"])[["rem_true", "rem_med"]].sum()
        print((g.rem_true / g.rem_med).unstack().round(3))
    pr = d[d.region_kind == "province"]
    cols = ["seed", "year", "indicator", "shift", "observed", "observed_month", "q10", "median", "q90",
            "outcome", "target", "p_met"]  # fmt: skip
    print(pr[pr.as_of_month == 9][cols].head(24).to_string())
    print(pr.groupby(["as_of_month", "shift"]).apply(_interval_scores).round(3))


def _calibration_slope(g: pd.DataFrame) -> float:
    """Slope of a logistic regression of met on logit P(met), P clipped to [0.001, 0.999]."""
    pc = np.clip(g.p_met, 1e-3, 1 - 1e-3)
    x = np.log(pc / (1 - pc))
    y = g.y.values

    def neg_loglik(b: np.ndarray) -> float:
        return -np.sum(y * (b[0] + b[1] * x) - np.log1p(np.exp(b[0] + b[1] * x)))

    return minimize(neg_loglik, [0, 1]).x[1]


def _coverage(h: pd.DataFrame) -> float:
    return ((h.outcome >= h.q10) & (h.outcome <= h.q90)).mean()


def history_and_calibration(d: pd.DataFrame, ws: dict[int, worlds.World]) -> None:
    """Print zero Octobers in the history, calibration slopes and coverage, low-P rows met, shifted years."""
    rows = []
    for s, w in ws.items():
        shift = w.truth.set_index(["family", "region", "year"])["shift"]
        for (fam, r, y), c in w.cum.items():
            if fam == "care":
                continue
            rows.append(dict(seed=s, fam=fam, r=r, y=y, zero_oct=c[9] == c[8], shift=shift[(fam, r, y)]))
    z = pd.DataFrame(rows)
    h = z[z.y < 2022]
    print(
        "zero Oct increment share, history 2017-2021:", h.zero_oct.mean().round(3),
        " by shift", h.groupby("shift").zero_oct.mean().round(3).to_dict(),
    )  # fmt: skip

    # calibration slope and coverage, with a bootstrap over world-years (a year's shocks are shared)
    p = d[d.region_kind == "prefecture"]
    rng = np.random.default_rng(0)
    for m in (5, 7, 9):
        g = p[(p.as_of_month == m) & (p.p_met > 0) & (p.p_met < 1)]
        cl = [x for _, x in g.groupby(["seed", "year"])]
        bs = [
            _calibration_slope(pd.concat([cl[i] for i in rng.integers(0, len(cl), len(cl))]))
            for _ in range(200)
        ]
        print(
            f"month {m}: calibration slope {_calibration_slope(g):.2f} "
            f"(cluster-bootstrap 90% {np.percentile(bs, 5):.2f}-{np.percentile(bs, 95):.2f}), "
            f"n={len(g)}, clusters={len(cl)}"
        )
        g2 = p[p.as_of_month == m]
        cl2 = [x for _, x in g2.groupby(["seed", "year"])]
        bc = [_coverage(pd.concat([cl2[i] for i in rng.integers(0, len(cl2), len(cl2))])) for _ in range(300)]
        print(
            f"   in80 {_coverage(g2):.3f} "
            f"(cluster 90% {np.percentile(bc, 5):.3f}-{np.percentile(bc, 95):.3f})"
        )

    # low P at July that were met
    lo = p[(p.as_of_month == 7) & (p.p_met < 0.05) & (p.met)]
    n_lo = ((p.as_of_month == 7) & (p.p_met < 0.05)).sum()
    print("July p<0.05 met:", len(lo), "of", n_lo, " pushed share", lo.pushed.mean())
    cols = ["seed", "year", "indicator", "region", "target", "observed", "q90", "outcome", "p_met", "pushed",
            "shift"]  # fmt: skip
    print(lo[cols].head(8).to_string())

    # shifted years at province level, as of May
    pr = d[(d.region_kind == "province") & (d.indicator != "care") & (d["shift"] != 0) & (d.as_of_month == 5)]
    cols = ["seed", "year", "indicator", "shift", "target", "observed", "q10", "median", "q90", "outcome",
            "p_met", "met"]  # fmt: skip
    print(pr[cols].to_string())


def drivers(d: pd.DataFrame, ws: dict[int, worlds.World]) -> None:
    """Print mean P(met) against share met by plan growth, AR(1) state and province-wide shock."""
    t = pd.concat([w.truth.assign(seed=s) for s, w in ws.items()]).rename(columns={"family": "indicator"})
    p = d.merge(t[[*KEYS, "plan_growth", "ar_effect"]], on=KEYS)
    p = p[p.region_kind == "prefecture"].copy()
    p["y"] = p.met.astype(float)
    p["g_tercile"] = pd.qcut(p.plan_growth, 3, labels=["5-7%", "7-10%", "10-12%"])
    p["ar_tercile"] = pd.qcut(p.ar_effect, 3, labels=["low", "mid", "high"])
    p["P_sign"] = pd.cut(p.province_effect, [-9, -0.1, 0.1, 9], labels=["P<-0.1", "|P|<=0.1", "P>0.1"])
    for col in ["g_tercile", "ar_tercile", "P_sign"]:
        g = p.groupby(["as_of_month", col]).agg(n=("y", "size"), mean_p=("p_met", "mean"), met=("y", "mean"))
        print(g.round(3).unstack(0))


def main() -> None:
    """Print every breakdown for the forecasts file named on the command line (or the default)."""
    path = sys.argv[1] if len(sys.argv) > 1 else HERE / "results" / "third_forecasts.csv"
    d, ws = load(path)
    timing_push_and_zeros(d)
    remaining_work(d)
    history_and_calibration(d, ws)
    drivers(d, ws)


if __name__ == "__main__":
    main()
