"""The README's default job gives the same numbers as before the fit was made to scale (issue 14).

Re-pinned when the commands moved to the streaming engine (see ``PINNED``).

``longjiang-forecast forecast`` without options: the built-in 2024 catalogue, the synthetic
progress of seed 2024, the seasonal-share model, 4,000 draws, seed 2024. The values were taken
from that job's ``forecast.nc`` before the fit's look-ups, reference classes and state building
were rewritten (commit e3241e1); a change of the fit's arithmetic shows here.
"""

from __future__ import annotations

import pytest

import longjiang_forecast as lf
from longjiang_forecast.testing import synthetic_progress

#: (indicator, region) -> P(met), and the 10 %, 50 % and 90 % quantiles of the deadline value.
#: Re-pinned on 2026-12-05, when every command moved to the streaming engine (issue 14: its own
#: generator, streamed quantiles), and again on 2026-12-05 when the seasonal-share model's pace
#: kernels got adaptive widths and the path-shape weights stopped outweighing the late-start
#: regime (issue 13: counts and levels change; the milestone, change and annual mean do not), and
#: again on 2026-12-05 when the year's-total posterior moved to a grid dense where its mass is,
#: integrated by the trapezoid rule (issue 14): the even grid's running sum had put each draw
#: about half a grid step low (P(met) of the 387 rows +0.0012 on average, at most 0.006); and
#: again on 2026-12-06 when counts and levels got the stopped-season component (issue 13: P(met)
#: of the 377 rows −0.005 on average; −0.04 to −0.06 for the province-only levels with 2
#: reference years, whose defensive weight is 1/6; the milestone, change and annual mean do not
#: change), and the same day when the late-start weight was shared within a family and the
#: nowcast of the year effect counted the prefectures' shared timing (prefecture rows only); and
#: again on 2026-12-06 when the path shape became a fraction, not its log (issue 13: P(met) of 246
#: of the 377 rows moved, by 0.002 on average and at most 0.034; the milestone, change, annual mean
#: and level rows do not change); and again on 2026-12-06 when counts and levels split each draw's
#: remainder over the months by a Dirichlet (docs/methods.md, "Remaining months"): two Gamma
#: variates a month, so every later draw differs (December deadlines within Monte Carlo error;
#: October deadlines move with the months' timing: 18c Yichun 0.066 -> 0.125); and again on
#: 2026-12-07 when a province whose own reports are its prefectures' total became that total, path
#: by path (26 of the default data's province rows, 01a 0.730 -> 0.791 with a narrower interval),
#: and the province left its prefectures' reference class (01a Jiamusi 0.342 -> 0.358); and again
#: on 2026-12-07 when milestone completions were drawn by inversion, one uniform each, so that a
#: scenario stays coupled with the baseline path by path (08b 0.0245 -> 0.02225, its
#: Rao-Blackwellised P(met) 0.0245): the numpy stream they share with the change and annual-mean
#: rows now advances by a fixed count, so those rows are other draws too (16b 0.63 -> 0.6385,
#: 17b 0.05825 -> 0.057; counts and levels, on the engine's own generator, do not change); and
#: again on 2026-12-07 when counts of whole things (stations (个), bridges (座)...) were split among
#: the prefectures in whole numbers by largest remainder (Catalog.target_for) and the synthetic
#: progress of such counts became whole numbers (its prefectures' quotas and data were fractions:
#: 01a Hegang's target 8.395 -> 9, 0.52775 -> 0.704; 01a province 0.791 -> 0.469, its data now
#: 194 stations by August); rows in other units keep their P(met) (01b: 10k persons), their
#: quantiles moving in the 15th digit; and again on 2026-12-08 when the quantiles of a count of
#: whole things became the whole things done, rounded down (01a's 299.02 stations -> 299; P(met)
#: unchanged).
PINNED = {
    ("01a", "province"): (0.46875, (280.0, 299.0, 317.0)),  # stations: whole ones done
    ("01b", "province"): (0.504, (18.93154135976736, 19.67350588181113, 20.438704647220337)),
    ("01a", "hegang"): (0.704, (8.0, 9.0, 10.0)),  # stations: whole ones done
    ("01a", "jiamusi"): (0.1335, (17.0, 18.0, 20.0)),  # stations: whole ones done
    ("01b", "hegang"): (0.8745, (0.5448718338844313, 0.5781377542597391, 0.6079721485930116)),
    ("01b", "jiamusi"): (0.00125, (0.9683476098501196, 1.0206161840919175, 1.1446004219074235)),
    ("02c", "province"): (0.2965, None),  # a level
    ("08b", "province"): (0.02225, None),  # a milestone
    ("16b", "province"): (0.6385, None),  # a change against last year
    ("17b", "province"): (0.057, None),  # an annual mean
}

#: The same values from the older full-path route (numpy's variates, exact sample quantiles) that
#: every command took until then: the engines differ draw by draw, not in law. The province counts
#: are no longer compared: that route forecast them from the province's own reports, now their
#: prefectures' total; nor are 01a Hegang and Jiamusi, whose data became whole stations after
#: that route was retired.
OLDER_ROUTE = {
    ("02c", "province"): (0.33375, None),
    ("08b", "province"): (0.0235, None),
    ("16b", "province"): (0.64675, None),
    ("17b", "province"): (0.054, None),
}


@pytest.fixture(scope="module")
def default_job() -> lf.Forecast:
    catalog = lf.load_catalog(2024)
    return lf.forecast(synthetic_progress(catalog, seed=2024), catalog, n_draws=4000, seed=2024)


@pytest.mark.parametrize("key", list(PINNED))
def test_default_job_values_are_pinned(default_job: lf.Forecast, key: tuple[str, str]) -> None:
    summary = default_job.summary
    where = (summary["indicator"] == key[0]) & (summary["region"] == key[1])
    (s,) = where.values.nonzero()[0]
    p_met, quantiles = PINNED[key]
    assert float(summary["p_met"].values[s]) == p_met
    if quantiles is not None:
        assert summary["deadline_value"].values[s].tolist() == pytest.approx(quantiles, rel=1e-12, abs=0)


@pytest.mark.parametrize("key", list(OLDER_ROUTE))
def test_the_engine_agrees_with_the_older_route_in_law(key: tuple[str, str]) -> None:
    """Two independent estimates from 4,000 draws each: within four standard errors of their difference."""
    p_new, p_old = PINNED[key][0], OLDER_ROUTE[key][0]
    p = (p_new + p_old) / 2
    assert abs(p_new - p_old) <= 4 * (2 * p * (1 - p) / 4000) ** 0.5
