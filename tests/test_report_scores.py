"""The backtest's scores in words: meanings, nominal values, and scores that cannot be measured."""

import numpy as np
import pandas as pd

from longjiang_forecast.report import explain_scores


def _table():
    return pd.DataFrame(
        [
            {"dataset": "national", "model": "seasonal_share", "n_forecasts": 12, "n_series_years": 6,
             "base_rate": 1.0, "brier": 0.031, "uncertainty": 0.0, "bss_climatology": np.nan,
             "coverage_80": 1.0, "coverage_90": 1.0, "corp_dsc": 0.0},
            {"dataset": "families", "model": "run_rate", "n_forecasts": 240, "n_series_years": 40,
             "base_rate": 0.55, "brier": 0.2, "uncertainty": 0.2475, "bss_climatology": 0.19,
             "coverage_80": 1.0, "coverage_90": 0.93, "corp_dsc": 0.05},
            {"dataset": "pm25-beijing", "model": "run_rate", "n_forecasts": 0},
        ]
    )  # fmt: skip


def test_each_score_column_has_its_meaning_and_nominal_value():
    text = explain_scores(_table(), lang="en")
    flat = " ".join(text.split())  # the English lines are wrapped at 100 columns
    assert "bss_climatology Brier skill against always forecasting the base rate" in flat
    assert "1 − brier/uncertainty — 1 perfect; 0 no skill" in flat
    assert "coverage_80 share of outcomes inside the central 80 % interval — 0.80" in flat
    assert "dataset" not in text.split("Notes")[0]  # the group keys are not scores
    assert max(len(line) for line in text.splitlines()) <= 100


def test_scores_that_cannot_be_measured_are_said_in_a_sentence():
    flat = " ".join(explain_scores(_table(), lang="en").split())
    assert (
        "national / seasonal_share: every outcome in these 12 forecasts was met (base rate 1), so "
        "bss_climatology, resolution and corp_dsc cannot be measured"
    ) in flat
    assert "national / seasonal_share: only 12 forecasts of 6 outcomes (fewer than 20)" in flat
    # 0.8^6 = 0.26: all six inside a calibrated 80 % interval is chance; 0.8^40 is not
    assert "holds them all with probability 0.26, so this can be chance" in flat
    assert (
        "families / run_rate: coverage_80 is 1.000" in flat and "0.00, so the intervals look too wide" in flat
    )
    assert "families / run_rate: coverage_90" not in flat and "families / run_rate: every outcome" not in flat
    assert "pm25-beijing / run_rate: no forecast was scored" in flat


def test_the_words_exist_in_chinese():
    text = explain_scores(_table(), lang="zh")
    assert "各评分的含义" in text and "结果全部达标（基础比例 1）" in text and "区间似乎过宽" in text
