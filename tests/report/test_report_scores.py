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


def test_the_score_table_fits_100_columns_for_every_model():
    from longjiang_forecast.models import MODEL_REGISTRY
    from longjiang_forecast.report import score_table

    full = {
        "n_forecasts": 58, "n_series_years": 12, "base_rate": 1.0, "brier": 0.0312, "reliability": 0.01,
        "resolution": 0.0, "uncertainty": 0.0, "bss_climatology": np.nan, "log_score": 0.12,
        "corp_mcb": 0.03, "corp_dsc": 0.0, "crps_rel": 0.05, "coverage_50": 0.7, "interval_score_rel_50": 0.2,
        "coverage_80": 1.0, "interval_score_rel_80": 0.3, "coverage_90": 1.0, "interval_score_rel_90": 0.4,
        "wis_rel": 0.1, "pit_ks": 0.2, "first_passage_mae": 0.8,
    }  # fmt: skip
    table = pd.DataFrame([{"dataset": "national", "model": m, **full} for m in MODEL_REGISTRY])
    text, shown = score_table(table, width=100)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100 and len(lines) == 1 + len(MODEL_REGISTRY)
    assert shown[:4] == ["model", "n_forecasts", "brier", "bss_climatology"]  # one data set: no column
    assert "0.031" in lines[1] and "NaN" in lines[1] and " 58 " in lines[1]
    legend = " ".join(explain_scores(table, lang="en", columns=shown).split())
    assert "bss_climatology Brier skill" in legend and "— 1 perfect; 0 no skill" in legend
    assert "pit_ks" not in legend.split("Notes")[0]  # explained where it is printed: the CSV's docs
    two = pd.concat([table, table.assign(dataset="families")], ignore_index=True)
    text, shown = score_table(two, width=100)
    assert shown[:2] == ["dataset", "model"] and max(len(line) for line in text.splitlines()) <= 100
