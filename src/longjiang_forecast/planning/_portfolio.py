"""The portfolio of the year's list: how many of the items are fully met, and what drives the risk."""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.schema import INDICATOR, PROVINCE
from . import _kernels
from ._common import (
    ForecastLike,
    check_forecast,
    deadline_index,
    forecast_ok,
    joint_paths,
    provenance,
    sign_of,
)

#: Dimension of the count of items met (0..n_items).
N_MET = "n_met"
#: Dimension of the items of the list (民生实事, 1..20 in the built-in lists).
ITEM = "item"


def portfolio(forecast: ForecastLike, *, items: Mapping[str, Any] | None = None) -> xr.Dataset:
    """Distribution of the number of items fully met, and the indicators that drive the risk.

    An item (one of the list's 民生实事, 20 in the 2024 list) is *met* in a simulated path when
    every forecastable indicator of the item -- its province row -- meets its
    target at its deadline in that path. The paths are joint (one parameter
    draw and one scenario draw per path, shared by every series), so the count
    keeps the dependence between indicators.

    Parameters
    ----------
    forecast : Forecast
        From :func:`longjiang_forecast.forecast`: ``paths`` (draw, series,
        month), ``state``, ``summary`` and ``catalog`` are read.
    items : mapping of str to int or str, optional
        Indicator id -> item. Default: the catalogue's ``item`` column.
        Indicators missing from the mapping form an item of their own; an id the forecast does
        not have, or an item that is not a whole number or a text label, is refused.

    Returns
    -------
    xarray.Dataset
        dims ``n_met`` (0..n_items), ``item``, ``indicator`` (the province
        series with a forecast). Variables:

        - ``pmf`` (n_met): P(exactly k items met);
        - ``p_at_least`` (n_met): P(at least k items met);
        - ``p_all_met`` (scalar): P(every item met), ``p_all_met_se`` its
          Monte Carlo standard error;
        - ``expected_n_met`` (scalar, items) and ``expected_n_met_se``;
        - ``p_item_met`` (item): P(item fully met); ``item_indicators``
          (item, str): its indicators, ``;``-separated; ``item_name_zh``,
          ``item_name_en`` (item): the name of its first indicator;
        - ``p_met`` (indicator): P(indicator met) on the kept paths that every
          figure here is read from (attr ``n_draws``): the summary's where every
          draw is kept, else within its Monte Carlo error of it (the summary uses
          every draw; ``keep_paths`` sets how many are kept);
        - ``gain_if_certain`` (indicator, items): expected items met if the
          indicator were met in every path, minus the baseline expectation;
        - ``gain_per_point`` (indicator, items per percentage point):
          ``gain_if_certain / (100 (1 − p_met))``, the gain per point of
          P(met) when the indicator's failing paths are turned into met ones
          at random; NaN where ``p_met = 1``;
        - ``risk_rank`` (indicator, int): 1 for the largest
          ``gain_if_certain``.

        attrs: ``n_items``, ``n_draws``, ``excluded`` (province indicators
        without a forecast, left out of their items), provenance.

    Raises
    ------
    DataValidationError
        If the forecast has no province series with a forecast (naming why, where it has province
        rows: e.g. their deadlines passed by the as-of month without their reports).
    ValueError
        If ``items`` names an indicator the forecast does not have, or maps one to what is not an
        item (a whole number or a text label).

    Warns
    -----
    ForecastWarning
        If the forecast keeps fewer than :data:`~._common.MIN_JOINT_PATHS` (100) paths.

    Notes
    -----
    With ``M_i(d)`` = 1 when item ``i`` is met in path ``d`` and
    ``K(d) = Σ_i M_i(d)``, ``pmf[k] = (1/N) Σ_d 1[K(d) = k]``. Forcing
    indicator ``j`` (of item ``i``) to be met raises ``K`` by one exactly in
    the paths where ``j`` is the only failing indicator of item ``i``, so
    ``gain_if_certain_j = P(j fails and the other indicators of i are met)``
    (Birnbaum's reliability importance of a series system, read on paths).

    References
    ----------
    Birnbaum, Z. W. (1969). On the importance of different components in a
    multicomponent system. In *Multivariate Analysis II*, 581-592.
    """
    check_forecast(forecast, "portfolio")
    state = forecast.state
    region = state["region"].values.astype(str)
    ok = forecast_ok(forecast)
    province = region == PROVINCE
    chosen = np.flatnonzero(province & ok)
    if chosen.size == 0:
        if province.any():  # province rows without a forecast: say why (the deadlines passed, ...)
            reasons = (
                forecast.summary["reason"].values.astype(str)[province]
                if "reason" in forecast.summary
                else []
            )
            why = sorted({r for r in reasons if r})
            n = int(province.sum())
            raise DataValidationError(
                f"No province row has a forecast, so no item can be judged: the {n} province row(s) have "
                f"none ({'; '.join(why[:2]) or 'no reason given'}"
                f"{f'; and {len(why) - 2} other reason(s)' if len(why) > 2 else ''})."
            )
        raise DataValidationError(
            "The forecast has no province series with a forecast, so no item can be judged. "
            "Add the province rows to the progress data or the catalogue."
        )
    indicators = state["indicator"].values.astype(str)
    excluded = sorted(set(indicators[province & ~ok]))
    item_of = _item_map(forecast, items)
    labels = [item_of.get(ind, ind) for ind in indicators[chosen]]
    item_ids = list(dict.fromkeys(labels))
    item_index = np.array([item_ids.index(lab) for lab in labels])
    n_items = len(item_ids)
    paths = joint_paths(forecast, "portfolio")[:, chosen, :]
    met = _kernels.met_at_deadline(
        paths,
        state["target"].values.astype(float)[chosen],
        sign_of(state["comparator"].values[chosen]),
        deadline_index(state)[chosen],
    )
    item_met = _kernels.items_met(met, item_index, n_items)
    n_met = item_met.sum(axis=1)
    n_draws = met.shape[0]
    pmf = _kernels.count_distribution(n_met, n_items)
    p_all = float(pmf[-1])
    p_met = met.mean(axis=0)
    gain = _kernels.gain_if_certain(met, item_index, n_items)
    with np.errstate(divide="ignore", invalid="ignore"):
        per_point = np.where(p_met < 1, gain / (100 * (1 - p_met)), np.nan)
    rank = pd.Series(-gain).rank(method="first").to_numpy(int)
    names_zh = state["name_zh"].values.astype(str)[chosen]
    names_en = state["name_en"].values.astype(str)[chosen]
    members = [";".join(indicators[chosen][item_index == i]) for i in range(n_items)]
    first = [int(np.flatnonzero(item_index == i)[0]) for i in range(n_items)]
    return xr.Dataset(
        {
            "pmf": (N_MET, pmf),
            "p_at_least": (N_MET, pmf[::-1].cumsum()[::-1]),
            "p_all_met": ((), p_all),
            "p_all_met_se": ((), float(np.sqrt(p_all * (1 - p_all) / n_draws))),
            "expected_n_met": ((), float(n_met.mean())),
            "expected_n_met_se": ((), float(n_met.std(ddof=1) / np.sqrt(n_draws)) if n_draws > 1 else 0.0),
            "p_item_met": (ITEM, item_met.mean(axis=0)),
            "item_indicators": (ITEM, np.array(members, dtype=object)),
            "item_name_zh": (ITEM, names_zh[first].astype(object)),
            "item_name_en": (ITEM, names_en[first].astype(object)),
            "p_met": (INDICATOR, p_met),
            "gain_if_certain": (INDICATOR, gain),
            "gain_per_point": (INDICATOR, per_point),
            "risk_rank": (INDICATOR, rank),
            "name_zh": (INDICATOR, names_zh.astype(object)),
            "name_en": (INDICATOR, names_en.astype(object)),
        },
        coords={
            N_MET: np.arange(n_items + 1),
            ITEM: np.array([str(i) for i in item_ids], dtype=object),
            INDICATOR: indicators[chosen].astype(object),
            "item_of": (INDICATOR, np.array([str(i) for i in labels], dtype=object)),
        },
        attrs=provenance(
            forecast,
            n_items=n_items,
            n_draws=n_draws,
            excluded=";".join(excluded),
            definition=(
                "an item is met in a path when all its forecastable province indicators meet their "
                "targets at their deadlines; gain_if_certain = E[items met | indicator met in every "
                "path] - E[items met]"
            ),
            units_gain_if_certain="items",
            units_gain_per_point="items per percentage point of P(met)",
        ),
    )


def _item_map(forecast: ForecastLike, items: Mapping[str, Any] | None) -> dict[str, Any]:
    """Indicator id -> item: ``items`` as given (checked), else the catalogue's ``item`` column.

    Raises
    ------
    ValueError
        If ``items`` is not a mapping, names an indicator the forecast does not have (a typo such
        as "1a" for "01a" made every indicator an item of its own: 20 items became 39, without a
        word; a break-it pass), or maps one to a value that is not a whole number or a text label.
    """
    if items is not None:
        if not isinstance(items, Mapping):
            raise ValueError(
                f"The 'items' parameter of portfolio must be a mapping of indicator id to item "
                f"(e.g. {{'01a': 1, '01b': 1}}). Got {type(items).__name__} {items!r}."
            )
        known = {str(i) for i in forecast.state["indicator"].values}  # plain str: named as such
        unknown = sorted(str(k) for k in items if str(k) not in known)
        if unknown:
            raise ValueError(
                f"The 'items' parameter of portfolio names indicators the forecast does not have: "
                f"{unknown[:8]} (it has {sorted(known)[:8]}{' ...' if len(known) > 8 else ''}). Correct "
                "the ids; an indicator left out forms an item of its own."
            )
        bad = {
            str(k): v
            for k, v in items.items()
            if not (
                (isinstance(v, str) and v.strip())
                or (isinstance(v, Integral) and not isinstance(v, bool))
                or (isinstance(v, float) and v.is_integer())
            )
        }
        if bad:
            raise ValueError(
                f"The 'items' parameter of portfolio maps {dict(list(bad.items())[:5])} to what is not an "
                "item: give each indicator its item's number (1, 2, ...) or a text label."
            )
        return {str(k): int(v) if isinstance(v, float) else v for k, v in items.items()}
    table = getattr(forecast.catalog, "table", None)
    if table is None or "item" not in table:
        return {}
    rows = table[table["region"] == PROVINCE] if "region" in table else table
    out: dict[str, Any] = {}
    for ind, item in zip(rows["indicator"], rows["item"], strict=True):
        if pd.notna(item):
            out[str(ind)] = int(item) if float(item).is_integer() else item
    return out


__all__ = ["ITEM", "N_MET", "portfolio"]
