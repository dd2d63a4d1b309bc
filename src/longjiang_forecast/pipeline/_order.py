"""The order of every output: the catalogue's order of the indicators, each one's province first."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

from .._core.schema import PROVINCE

if TYPE_CHECKING:
    from ..catalog import Catalog


def catalogue_order(state: xr.Dataset | pd.DataFrame, catalog: Catalog) -> np.ndarray:
    """The order of a forecast's series: the catalogue's, each indicator's province first.

    The indicators in the catalogue's order; within one, the province, then its prefectures in the
    catalogue's order of its regions (``Catalog.region_ids``; other regions after them, in the
    state's order). A prefecture with a catalogue row of its own was listed before the others, and
    one without a forecast after them (a break-it pass).

    Every output follows it (the summary, the paths, the attainment table, the bulletin, scenario
    comparisons and next year's targets): a province forecast as the total of its prefectures is
    computed after them, and was shown after them (the default data's 01a after 20b). The
    attainment table puts its catalogue rows without a forecast under their indicator by it too
    (qualitative 05a was listed after 20b).

    Parameters
    ----------
    state : xarray.Dataset or pandas.DataFrame
        Anything with ``indicator`` and ``region`` (a forecast's state, an attainment table).
    catalog : Catalog
        Whose order of indicators is followed.

    Returns
    -------
    ndarray of int, shape (n_series,)
        Positions in ``state``.
    """
    listed = catalog.table["indicator"].astype(str).drop_duplicates().tolist()
    position = {ind: k for k, ind in enumerate(listed)}
    places = {region: k for k, region in enumerate([PROVINCE, *map(str, catalog.region_ids)])}
    indicators = np.asarray(state["indicator"].values, dtype=str)
    regions = np.asarray(state["region"].values, dtype=str)
    key = np.array([position.get(ind, len(position)) for ind in indicators], dtype=float) * (len(places) + 1)
    key += np.array([places.get(region, len(places)) for region in regions], dtype=float)
    return np.argsort(key, kind="stable")
