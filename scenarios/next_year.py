"""What should next year's list promise? Targets met with 50/70/80/90 % probability, per indicator.

    python scenarios/next_year.py [--progress FILE] [--as-of YYYY-MM] [--out DIR]

Method (docs/planning.md): this year's simulated value at the deadline times a
growth factor from the year-to-year ratios of earlier years' finals.
"""

from __future__ import annotations

import pandas as pd
from _common import inputs, messages, output_folder, parser

import longjiang_forecast as lf
from longjiang_forecast.planning import next_year_targets
from longjiang_forecast.report import format_in_unit


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    with messages(args):
        out = output_folder(args, ("next_year_targets.csv",))
        catalog, progress = inputs(args)
        result = lf.forecast(
            progress, catalog, as_of=args.as_of, n_draws=args.draws, seed=args.seed, n_jobs=2
        )
        targets = next_year_targets(result, progress)
        province = targets.where(targets["region"] == "province", drop=True)
        frame = pd.DataFrame(
            {
                "indicator": province["indicator"].values,
                "name": province["name_en"].values,
                "unit": province["unit"].values,
                "this_year_target": province["target"].values,
                "comparator": province["comparator"].values,
                **{
                    f"next_year_p{int(q * 100)}": province["target_next"].sel(prob=q).values
                    for q in province["prob"].values
                },
                "method": province["method"].values,
            }
        )
        frame.to_csv(out / "next_year_targets.csv", index=False, encoding="utf-8-sig")  # a BOM for Excel
        print("Next year's target met with probability 50/70/80/90 % (province), in each unit's granularity:")
        shown = frame.drop(columns=["method", "name"]).astype(object)
        for i, rec in frame.iterrows():  # whole households, one decimal for km, ... (lf.report.unit_decimals)
            for col in [c for c in shown.columns if c.startswith(("next_year_", "this_year_"))]:
                shown.loc[i, col] = format_in_unit(rec[col], rec["unit"], rec["this_year_target"])
        with pd.option_context("display.max_rows", None, "display.width", 200, "display.max_colwidth", 28):
            print(shown.to_string(index=False))
        print(
            f"Wrote {out / 'next_year_targets.csv'} (method per row in column 'method'; see docs/planning.md)"
        )


if __name__ == "__main__":
    main()
