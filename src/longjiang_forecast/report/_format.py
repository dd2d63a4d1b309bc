"""The language of the outputs for people, and the rounding of ``attainment.csv``.

How a number of a unit is shown (decimals, thousands separators, the unit's label) is
:mod:`longjiang_forecast._core.units`; an indicator's name in a language is
:func:`longjiang_forecast._core.names.display_name`.
"""

from __future__ import annotations

import locale
import os
from typing import Any

from .._core.units import unit_decimals


def default_language(names_en: Any = (), names_zh: Any = ()) -> str:
    """The language of the outputs when ``--lang`` is not given: the locale's, else the catalogue's.

    Parameters
    ----------
    names_en, names_zh : iterable of str
        The catalogue's English and Chinese names (empty or NaN where absent).

    Returns
    -------
    str
        ``"zh"`` when the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``, then
        Python's ``locale.getlocale()``) is Chinese; ``"en"`` when it is English;
        otherwise (``C``, ``POSIX``, unset or another language) ``"en"`` when
        the catalogue has an English name for every indicator that has a Chinese
        one, and ``"zh"`` when it has Chinese names without English ones.
    """
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    value = value.lower()
    if value.startswith("zh") or value.startswith("chinese"):
        return "zh"
    if value.startswith("en") or value.startswith("english"):
        return "en"

    def present(names: Any) -> list[bool]:
        return [bool(str(n).strip()) and str(n) != "nan" for n in names]

    has_en, has_zh = present(names_en), present(names_zh)
    if has_zh and any(z and not e for z, e in zip(has_zh, has_en or [False] * len(has_zh), strict=False)):
        return "zh"
    return "en"


#: Columns of the attainment table in the indicator's unit.
VALUE_COLUMNS = (
    "target",
    "observed",
    "q10",
    "median",
    "q90",
    "required_rate",
    "model_rate",
    "run_rate",
    "expected_shortfall",
)


def province_first(table: Any) -> Any:
    """The attainment table with the province's rows first, then the prefectures', each in its order.

    For people (the console with ``--all``, the workbook): every province row, in the order of
    :meth:`Forecast.table` (the catalogue's), before every prefecture's.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table` (column ``region``).

    Returns
    -------
    pandas.DataFrame
        The same rows, province first (a stable sort), with a fresh index.
    """
    import numpy as np

    order = np.argsort((table["region"] != "province").to_numpy(), kind="stable")
    return table.iloc[order].reset_index(drop=True)


def rounded_table(table: Any, guard: int = 2, p_decimals: int = 4) -> Any:
    """The attainment table as written to ``attainment.csv``: no 16-digit floats.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`Forecast.table`, or a scenario comparison's table (probabilities only).
    guard : int, default 2
        Decimals kept beyond the unit's own (:func:`~longjiang_forecast._core.units.unit_decimals`), so that
        sums and differences made from the file are not visibly off.
    p_decimals : int, default 4
        Decimals of ``p_met``, ``p_met_se`` and a scenario's ``delta_vs_baseline`` and ``delta_se``
        (the Monte Carlo standard error is larger than 0.0001 for any probability not 0 or 1 below
        ~25 million draws).

    Returns
    -------
    pandas.DataFrame
        A copy with the columns :data:`VALUE_COLUMNS` rounded per row and the
        probabilities rounded; every other column as it was. The full-precision
        values are in ``forecast.nc``.
    """
    import numpy as np

    out = table.copy()
    if {"unit", "target"} <= set(out.columns):
        decimals = np.array(
            [unit_decimals(u, t) + guard for u, t in zip(out["unit"], out["target"], strict=True)]
        )
        scale = 10.0**decimals
        for col in VALUE_COLUMNS:
            if col in out:
                values = out[col].to_numpy(dtype=float)
                out[col] = np.round(values * scale) / scale
    for col in PROBABILITY_COLUMNS:
        if col in out:
            out[col] = out[col].astype(float).round(p_decimals) + 0.0  # + 0.0: no "-0.0" in the file
    return out


#: Probabilities and their Monte Carlo errors in the tables (a scenario table's changes included).
PROBABILITY_COLUMNS = ("p_met", "p_met_se", "delta_vs_baseline", "delta_se")
