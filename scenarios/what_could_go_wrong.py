"""What could go wrong? P(met) of every indicator under each scenario of this folder, against baseline.

    python scenarios/what_could_go_wrong.py [--progress FILE] [--as-of YYYY-MM] [--out DIR]

Writes ``scenario_comparison.csv`` (indicator, region, scenario, p_met, p_met_se,
delta_vs_baseline, delta_se) and a bulletin with the comparison.
"""

from __future__ import annotations

from _common import HERE, inputs, messages, output_folder, parser

import longjiang_forecast as lf
from longjiang_forecast.planning import plan
from longjiang_forecast.report import write_bulletin


def main() -> None:
    p = parser(__doc__.splitlines()[0])
    p.add_argument("scenarios", nargs="*", help="scenario TOML files (default: all in this folder)")
    args = p.parse_args()
    with messages(args):
        out = output_folder(args, ("scenario_comparison.csv", "bulletin/bulletin.html"))
        catalog, progress = inputs(args)
        files = args.scenarios or sorted(str(f) for f in HERE.glob("*.toml"))
        comparison = lf.compare_scenarios(
            progress, catalog, files, as_of=args.as_of, n_draws=args.draws, seed=args.seed, n_jobs=2
        )
        table = comparison.table()
        baseline = comparison.forecasts["baseline"]
        # the bulletin first: it renders before it writes, so a failure leaves no half result
        bulletin = write_bulletin(
            baseline,
            out / "bulletin",
            planning=plan(baseline, progress),
            comparison=table,
            overwrite=args.overwrite,
        )
        table.to_csv(out / "scenario_comparison.csv", index=False)
        # the scenarios' rows only (the baseline's change is 0 by definition), largest falls first
        moved = table[(table["region"] == "province") & (table["scenario"] != "baseline")]
        worst = moved[moved["delta_vs_baseline"] < 0].sort_values("delta_vs_baseline").head(10)
        if worst.empty:
            print("No scenario lowers the P(met) of any province target.")
        else:
            print(f"The {len(worst)} largest falls of a province target's P(met) against the baseline:")
            print(
                worst[["indicator", "scenario", "p_met", "delta_vs_baseline", "delta_se"]]
                .round(3)
                .to_string(index=False)
            )
        print(f"Wrote {out / 'scenario_comparison.csv'} and {bulletin.html}")


if __name__ == "__main__":
    main()
