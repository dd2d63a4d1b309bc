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
    state's order (a stable sort).

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
    indicators = np.asarray(state["indicator"].values, dtype=str)
    key = np.array([position.get(ind, len(position)) for ind in indicators], dtype=float) * 2
    key += np.asarray(state["region"].values, dtype=str) != PROVINCE
    return np.argsort(key, kind="stable")
