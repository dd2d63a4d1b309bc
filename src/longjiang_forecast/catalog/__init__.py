"""Target catalogue of the yearly livelihood list (民生实事) and the prefectures.

The catalogue holds one row per (indicator, region, year): the official target, its unit,
comparator, kind and deadline. The built-in 2024 catalogue transcribes
《新时代幸福龙江建设20件民生实事（2024年）》; ``load_regions`` gives the 13 prefectures with
their 2020 census populations, the basis for splitting provincial counts.

Modules: ``_catalog`` the :class:`Catalog` object, ``_read`` the CSV/Excel/DataFrame
reader (:func:`load_catalog`), ``_regions`` the prefectures (:func:`load_regions`),
``_builders`` catalogues built in code (:func:`catalog_row`, :func:`make_catalog`),
``_write`` :func:`write_catalog`.

Examples
--------
>>> from longjiang_forecast.catalog import load_catalog
>>> cat = load_catalog(2024)
>>> cat.row("09a")["unit"]
'households (户)'
"""

from __future__ import annotations

from longjiang_forecast.catalog._builders import catalog_row, make_catalog
from longjiang_forecast.catalog._catalog import Catalog
from longjiang_forecast.catalog._read import load_catalog
from longjiang_forecast.catalog._regions import load_regions
from longjiang_forecast.catalog._write import write_catalog

__all__ = ["Catalog", "catalog_row", "load_catalog", "load_regions", "make_catalog", "write_catalog"]
