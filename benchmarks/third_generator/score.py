"""Score the CLI's forecasts against the worlds' true outcomes (prints markdown tables).

    python benchmarks/third_generator/score.py results/third_forecasts.csv [results/third_runs.jsonl]

The first file is a ``*_forecasts.csv`` of ``run_cli.py``: prefecture and province rows are scored
apart (80 % interval coverage, Brier score, rows with P(met) exactly 0 or 1, reliability bins), by
as-of month and by family. The optional second file, the matching ``*_runs.jsonl``, adds a count of
the CLI's exit statuses, tracebacks and error/warning lines. The ``score_*.md`` files in
``results/`` are this script's output.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

import numpy as np
import pandas as pd

TOL = 0.01


def summary(d: pd.DataFrame) -> dict:
    """Score a set of forecast rows.

    Parameters
    ----------
    d : pandas.DataFrame
        Rows of a ``*_forecasts.csv``; rows without a P(met) count as ``no_fc`` only.

    Returns
    -------
    dict
        ``n``, ``no_fc``, the shares ``in80``/``below``/``above`` of outcomes inside, below q10 and
        above q90 (with a tolerance of 0.01), ``brier``, ``mean_p``, ``share_met`` and the counts of
        rows with P(met) 0 (``n_p0``; met: ``p0_met``) and 1 (``n_p1``; missed: ``p1_missed``).
    """
    f = d[d["p_met"].notna()]
    y = f["met"].astype(float)
    p = f["p_met"]
    # TOL: the progress file and attainment.csv hold rounded values (the shipped generator's truth
    # is not rounded); 0.01 is below every unit's granularity used here.
    below = (f["outcome"] < f["q10"] - TOL).sum()
    above = (f["outcome"] > f["q90"] + TOL).sum()
    n = len(f)
    return dict(
        n=n,
        no_fc=int(d["p_met"].isna().sum()),
        in80=(n - below - above) / n if n else np.nan,
        below=below / n if n else np.nan,
        above=above / n if n else np.nan,
        brier=float(((p - y) ** 2).mean()) if n else np.nan,
        mean_p=float(p.mean()) if n else np.nan,
        share_met=float(y.mean()) if n else np.nan,
        p0_met=int(((p == 0) & (y == 1)).sum()),
        n_p0=int((p == 0).sum()),
        p1_missed=int(((p == 1) & (y == 0)).sum()),
        n_p1=int((p == 1).sum()),
    )


def fmt_summary(rows: dict[str, dict]) -> str:
    """Return a markdown table of :func:`summary` results, one row per slice name."""
    out = [
        "| slice | n | no fc | in q10–q90 | below q10 | above q90 | Brier | mean P | share met "
        "| p=0 met / p=0 | p=1 missed / p=1 |",
        "|---|" + "---:|" * 10,
    ]
    for k, s in rows.items():
        out.append(
            f"| {k} | {s['n']} | {s['no_fc']} | {s['in80']:.3f} | {s['below']:.3f} | "
            f"{s['above']:.3f} | {s['brier']:.4f} | {s['mean_p']:.3f} | {s['share_met']:.3f} | "
            f"{s['p0_met']} / {s['n_p0']} | {s['p1_missed']} / {s['n_p1']} |"
        )
    return "\n".join(out)


def reliability(d: pd.DataFrame) -> str:
    """Return a markdown reliability table: rows with a P(met), in ten bins of width 0.1."""
    f = d[d["p_met"].notna()].copy()
    f["bin"] = np.clip(np.floor(f["p_met"] * 10), 0, 9).astype(int)
    out = ["| p bin | n | mean p | share met |", "|---|---:|---:|---:|"]
    for b in range(10):
        g = f[f["bin"] == b]
        if len(g):
            out.append(
                f"| {b / 10:.1f}–{(b + 1) / 10:.1f} | {len(g)} | {g['p_met'].mean():.3f} | "
                f"{g['met'].astype(float).mean():.3f} |"
            )
        else:
            out.append(f"| {b / 10:.1f}–{(b + 1) / 10:.1f} | 0 | | |")
    return "\n".join(out)


def main() -> None:
    """Print the tables for the files named on the command line."""
    df = pd.read_csv(sys.argv[1])
    df["open"] = df["observed"] < df["target"]  # not yet achieved by a report
    for kind in ("prefecture", "province"):
        d = df[df["region_kind"] == kind]
        print(f"\n### {kind} rows\n")
        months = sorted(d["as_of_month"].unique())
        rows = {f"as of month {m}": summary(d[d["as_of_month"] == m]) for m in months}
        rows["all"] = summary(d)
        rows["all, open rows (observed < target)"] = summary(d[d["open"]])
        for fam in sorted(d["indicator"].unique()):
            rows[f"family {fam}"] = summary(d[d["indicator"] == fam])
        print(fmt_summary(rows))
        print("\nReliability, all as-of months:\n")
        print(reliability(d))
        if kind == "prefecture":
            for m in months:
                print(f"\nReliability, as of month {m}:\n")
                print(reliability(d[d["as_of_month"] == m]))
        nf = d[d["p_met"].isna()]
        if len(nf):
            why = Counter(zip(nf["status"], nf["reason"].fillna(""), strict=True))
            print("\nNo forecast:", why.most_common())
    if len(sys.argv) > 2:
        with open(sys.argv[2], encoding="utf-8") as f:
            runs = [json.loads(line) for line in f]
        print(f"\n### CLI runs: {len(runs)} attempts")
        n_tb = sum(r["traceback"] for r in runs)
        print("exit status:", Counter(r["rc"] for r in runs), "tracebacks:", n_tb)
        msgs: Counter[tuple[int, str]] = Counter()
        for r in runs:
            for line in r["stderr"].splitlines():
                if line.startswith(("error", "warning", "  -")):
                    key = line.split("(indicator")[0][:160] if line.startswith("  -") else line[:200]
                    msgs[(r["rc"], key)] += 1
        for (rc, k), c in msgs.most_common(40):
            print(f"- rc={rc} x{c}: {k}")


if __name__ == "__main__":
    main()
