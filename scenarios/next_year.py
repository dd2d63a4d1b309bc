"""What should next year's list promise? Targets met with 50/70/80/90 % probability, per indicator.

    python scenarios/next_year.py [--progress FILE] [--as-of YYYY-MM] [--out DIR]

Method (docs/planning.md): this year's simulated value at the deadline times a
growth factor from the year-to-year ratios of earlier years' finals.
"""

from __future__ import annotations

from pathlib import Path

from _common import inputs, parser

import longjiang_forecast as lf
from longjiang_forecast.planning import next_year_targets


def main() -> None:
    args = parser(__doc__.splitlines()[0]).parse_args()
    catalog, progress = inputs(args)
    result = lf.forecast(progress, catalog, as_of=args.as_of, n_draws=args.draws, seed=args.seed, n_jobs=2)
    targets = next_year_targets(result, progress)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    frame = targets.to_dataframe() if hasattr(targets, "to_dataframe") else targets
    frame.to_csv(out / "next_year_targets.csv")
    print(frame.head(20).to_string())
    print(f"Wrote {out / 'next_year_targets.csv'}")


if __name__ == "__main__":
    main()
