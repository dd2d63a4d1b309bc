"""Where are we? The attainment table and the monthly bulletin for the as-of month.

python scenarios/where_are_we.py [--progress FILE] [--as-of YYYY-MM] [--out DIR]
"""

from __future__ import annotations

from _common import inputs, messages, output_folder, parser

import longjiang_forecast as lf
from longjiang_forecast.planning import plan
from longjiang_forecast.report import rounded_table, write_bulletin


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    with messages(args):
        out = output_folder(args, ("attainment.csv", "bulletin/bulletin.html"))
        catalog, progress = inputs(args)
        result = lf.forecast(
            progress, catalog, as_of=args.as_of, n_draws=args.draws, seed=args.seed, n_jobs=2
        )
        table = rounded_table(result.table())
        # the bulletin first: it renders before it writes, so a failure leaves no half result
        bulletin = write_bulletin(
            result, out / "bulletin", planning=plan(result, progress), overwrite=args.overwrite
        )
        # as the command line writes it: rounded for reading, with a BOM for Excel (docs/getting-started.md)
        table.to_csv(out / "attainment.csv", index=False, encoding="utf-8-sig")
        print(f"Wrote {out / 'attainment.csv'} and {bulletin.html}")


if __name__ == "__main__":
    main()
