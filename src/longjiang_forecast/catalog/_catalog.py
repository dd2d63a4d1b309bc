"""The target catalogue: one row per (indicator, region, year), its look-ups and its split among prefectures.

:func:`~longjiang_forecast.catalog.load_catalog` reads one from a file, a DataFrame or a built-in
year (``catalog/_read.py``); :func:`~longjiang_forecast.catalog.make_catalog` builds one from rows
made in code (``catalog/_builders.py``). A prefecture's share of a provincial count is its share of
the 2020 census population (``catalog/_regions.py``).
"""

from __future__ import annotations

import functools
import math
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Final, NoReturn

import pandas as pd

from longjiang_forecast._core.exceptions import DataValidationError
from longjiang_forecast._core.schema import FORECASTABLE_KINDS, PROVINCE
from longjiang_forecast._core.units import counts_whole_things

__all__ = ["Catalog"]

#: Columns of :attr:`Catalog.table`, in order.
TABLE_COLUMNS: Final = (
    "indicator",
    "region",
    "year",
    "item",
    "name_zh",
    "name_en",
    "unit",
    "target",
    "comparator",
    "approximate",
    "wording",
    "kind",
    "deadline",
    "deadline_source",
    "responsible",
    "lower_bound",
    "upper_bound",
    "baseline",
    "tags",
    "family",
    "note",
    "target_basis",
    "forecastable",
)

#: Kinds whose provincial target is split among prefectures by population share.
SPLIT_BY_SHARE_KINDS: Final = ("cumulative",)
#: Kinds whose provincial target applies unchanged to every prefecture.
COPY_KINDS: Final = ("level", "annual_mean", "change")
#: Kinds that are never split (named projects, or nothing to forecast).
UNSPLIT_KINDS: Final = ("milestone", "qualitative")

BASIS_SAME: Final = "same as province"


@dataclass(frozen=True, eq=False, repr=False)
class Catalog:
    """The validated target catalogue of a livelihood list: one year's plans, or several years'.

    Build one with :func:`load_catalog`; the constructor does no validation. A catalogue may
    hold the plans of earlier years beside this year's (the same indicator ids, with deadlines
    in their own years), so that each earlier year of the progress history is judged against
    its own target; lookups take a ``year`` and default to the latest one.

    Parameters
    ----------
    year : int
        The latest year of the list (the year of the latest deadlines), e.g. 2024: the default
        year of :meth:`row` and :meth:`target_for`.
    table : pandas.DataFrame
        One row per (indicator, region, year), RangeIndex. Columns and types: ``indicator``
        str, ``region`` str (``"province"`` or a prefecture id), ``year`` int (the year of the
        row's deadline), ``item`` Int64
        (1..20 for the built-in lists), ``name_zh``, ``name_en``, ``unit`` str, ``target``
        float (in ``unit``; NaN only for qualitative rows), ``comparator`` str (``">="`` or
        ``"<="``, ``""`` for qualitative rows), ``approximate`` bool, ``wording`` str,
        ``kind`` str (see ``_core.schema.KINDS``), ``deadline`` datetime64 (a date),
        ``deadline_source``, ``responsible`` str (units separated by ``;``), ``lower_bound``,
        ``upper_bound``, ``baseline`` float (NaN = none), ``tags`` str (``;``-separated),
        ``family``, ``note``, ``target_basis`` str, ``forecastable`` bool.
    regions : pandas.DataFrame
        The 13 prefectures, as returned by :func:`load_regions`.
    source : str
        Path of the file read, or ``"package:catalog_2024.csv"`` for the built-in list.

    See Also
    --------
    load_catalog : Load and validate a catalogue.

    Examples
    --------
    >>> from longjiang_forecast.catalog import load_catalog
    >>> cat = load_catalog(2024)
    >>> row = cat.row("09a")
    >>> cat.year, float(row["target"]), row["unit"], row["comparator"]
    (2024, 15000.0, 'households (户)', '>=')
    """

    year: int
    table: pd.DataFrame
    regions: pd.DataFrame
    source: str

    def __repr__(self) -> str:
        n_forecastable = int(self.table["forecastable"].sum())
        years = self.years
        span = f", years={years[0]}-{years[-1]}" if len(years) > 1 else ""
        return (
            f"Catalog(year={self.year}{span}, indicators={len(self.indicators)}, "
            f"rows={len(self.table)}, forecastable_rows={n_forecastable}, "
            f"source={self.source!r})"
        )

    # ---------------------------------------------------------------- accessors
    @property
    def indicators(self) -> list[str]:
        """Unique indicator ids, in file order.

        Returns
        -------
        list of str
        """
        return list(dict.fromkeys(self.table["indicator"].tolist()))

    @property
    def years(self) -> list[int]:
        """Years with at least one row, ascending (one year unless earlier plans are included).

        Returns
        -------
        list of int

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> load_catalog(2024).years
        [2024]
        """
        return sorted({int(y) for y in self.table["year"]})

    @property
    def region_ids(self) -> list[str]:
        """Ids of the 13 prefectures, in the order of ``regions.csv``.

        Returns
        -------
        list of str
        """
        return self.regions["region"].tolist()

    def row(self, indicator: str, region: str = PROVINCE, *, year: int | None = None) -> pd.Series:
        """Return the row of one (indicator, region) in one year.

        Parameters
        ----------
        indicator : str
            Indicator id, e.g. ``"09a"``.
        region : str, default ``"province"``
            ``"province"`` or a prefecture id.
        year : int, optional
            The year of the plan. Default: the latest year with a row of ``indicator``
            (the only one in a one-year catalogue).

        Returns
        -------
        pandas.Series
            The row, indexed by the table's column names.

        Raises
        ------
        DataValidationError
            If the catalogue has no such row; the message lists the known indicators, or the
            regions and years that the indicator has rows for.

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> load_catalog(2024).row("17b")["comparator"]
        '<='
        """
        year = self._year_of(indicator, year)
        hit = self._find(indicator, region, year)
        if hit is None:
            self._raise_missing(indicator, region, year)
        return self.table.loc[hit].copy()

    def forecastable(self) -> Catalog:
        """Return the catalogue restricted to rows the simulator can forecast.

        Returns
        -------
        Catalog
            Rows with ``forecastable == True``: kind in ``FORECASTABLE_KINDS`` and a target.

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> sorted(set(load_catalog(2024).forecastable().table["kind"]))
        ['annual_mean', 'change', 'cumulative', 'level', 'milestone']
        """
        return self._with_table(self.table[self.table["forecastable"]])

    def subset(self, indicators: str | Iterable[str]) -> Catalog:
        """Return the catalogue restricted to some indicators (all their regions).

        Parameters
        ----------
        indicators : str or iterable of str
            Indicator ids. Rows keep the catalogue's order.

        Returns
        -------
        Catalog

        Raises
        ------
        DataValidationError
            If an id is not in the catalogue.

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> load_catalog(2024).subset(["01a", "09a"]).indicators
        ['01a', '09a']
        """
        wanted = [indicators] if isinstance(indicators, str) else list(indicators)
        self._check_known(wanted)
        return self._with_table(self.table[self.table["indicator"].isin(wanted)])

    def split_by_region(self, indicators: str | Iterable[str] | None = None) -> Catalog:
        """Add one row per prefecture for each provincial row.

        Rules, recorded per row in ``target_basis``:

        - ``cumulative``: the provincial target (and ``baseline`` and the bounds) times the
          prefecture's share of the 2020 census population, e.g.
          ``"population share 2020 census (10009854/31850088) of province target 19.67"``;
          a count of whole things (households (户), schools (所), bridges (座)...) in whole
          numbers, each share its quota rounded down or up by the largest-remainder method
          (:func:`largest_remainder`; ``"... of province target 15000, in whole units by
          largest remainder"``), so that a prefecture may get 0 of a small list; the 13 shares
          sum to the provincial target. Where some prefectures have rows of their own, the others
          share what those rows leave (0 where they hold it all or more, with a warning);
        - ``level``, ``annual_mean``, ``change``: the provincial target, ``"same as province"``;
        - ``milestone`` and ``qualitative``: not split (named projects, or nothing to
          forecast); they stay province-only.

        Province rows keep their ``target_basis`` ("official list" in the built-in years). A
        (indicator, region, year) row
        that the catalogue already has (e.g. an official prefecture target) is kept, not
        replaced. Each year's provincial row is split into that year's prefecture rows.

        Parameters
        ----------
        indicators : str or iterable of str, optional
            Indicators to split; default all. Other indicators are kept unchanged.

        Returns
        -------
        Catalog
            Rows grouped by indicator, then year: the province row, then the prefectures in
            the order of ``regions.csv``.

        Raises
        ------
        DataValidationError
            If an id is not in the catalogue.

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> cat = load_catalog(2024).split_by_region(["09a"])
        >>> part = cat.table[cat.table["indicator"] == "09a"]
        >>> len(part), round(float(part["target"].iloc[1:].sum()), 6)
        (14, 15000.0)
        """
        if indicators is None:
            wanted = set(self.indicators)
        else:
            chosen = [indicators] if isinstance(indicators, str) else list(indicators)
            self._check_known(chosen)
            wanted = set(chosen)
        existing = set(zip(self.table["indicator"], self.table["region"], self.table["year"], strict=True))
        records: list[dict[str, Any]] = []
        for _, rec in self.table.iterrows():
            records.append(rec.to_dict())
            if rec["region"] != PROVINCE or rec["indicator"] not in wanted:
                continue
            if rec["kind"] in UNSPLIT_KINDS:
                continue
            for rid in self.region_ids:
                if (rec["indicator"], rid, rec["year"]) not in existing:
                    records.append(self._split_row(rec, rid))
        table = pd.DataFrame.from_records(records, columns=list(TABLE_COLUMNS))
        # keep each indicator's rows of a year together: province first, prefectures in regions order
        order = {rid: i for i, rid in enumerate([PROVINCE, *self.region_ids])}
        first = {ind: i for i, ind in enumerate(self.indicators)}
        table["_i"] = table["indicator"].map(first)
        table["_r"] = table["region"].map(order)
        table = table.sort_values(["_i", "year", "_r"], kind="stable").drop(columns=["_i", "_r"])
        return self._with_table(_coerce_types(table))

    def target_for(self, indicator: str, region: str, *, year: int | None = None) -> float:
        """Return the target of an indicator in a region in one year, splitting if needed.

        Parameters
        ----------
        indicator : str
            Indicator id, e.g. ``"09a"``.
        region : str
            ``"province"`` or a prefecture id.
        year : int, optional
            The year of the plan. Default: the latest year with a row of ``indicator``.

        Returns
        -------
        float
            The target in the indicator's ``unit``: the row's own target when the catalogue
            has that row in ``year``, else the rule of :meth:`split_by_region` applied to the
            provincial row of ``year`` (cumulative: population share; level, annual_mean,
            change: copied).

        Raises
        ------
        DataValidationError
            If the indicator or region is unknown, the indicator has no row in ``year``, or
            the indicator is a milestone or qualitative one without a row for that region.

        Examples
        --------
        >>> from longjiang_forecast.catalog import load_catalog
        >>> cat = load_catalog(2024)
        >>> cat.target_for("09a", "harbin")  # whole households: its census quota 4714.204, apportioned
        4714.0
        >>> round(cat.target_for("01b", "harbin"), 3)  # 10k persons: the census share itself
        6.182
        >>> cat.target_for("17b", "harbin")
        27.3
        """
        year = self._year_of(indicator, year)
        hit = self._find(indicator, region, year)
        if hit is not None:
            return float(self.table.at[hit, "target"])
        if region != PROVINCE and region not in self.region_ids:
            raise DataValidationError(
                f"Region {region!r} is not known. Known regions: "
                f"{[PROVINCE, *self.region_ids]}. Use one of these ids."
            )
        province = self._find(indicator, PROVINCE, year)
        if province is None:
            self._raise_missing(indicator, region, year)
        rec = self._records[province]
        if rec["kind"] in UNSPLIT_KINDS:
            raise DataValidationError(
                f"Indicator {indicator!r} is of kind {rec['kind']!r}, which is not split among "
                f"prefectures, and the catalogue has no row for region {region!r}. Add a row "
                f"({indicator}, {region}) to the catalogue with its own target."
            )
        return float(self._split_row(rec, region)["target"])

    # ---------------------------------------------------------------- helpers
    def _with_table(self, table: pd.DataFrame) -> Catalog:
        return Catalog(
            year=self.year,
            table=table.reset_index(drop=True),
            regions=self.regions,
            source=self.source,
        )

    def _year_of(self, indicator: str, year: int | None) -> int:
        """The year a lookup of ``indicator`` means: ``year``, or the latest with a row of it."""
        self._check_known([indicator])
        if year is not None:
            return int(year)
        return int(self.table.loc[self.table["indicator"] == indicator, "year"].max())

    def has_row(self, indicator: str, region: str, year: int) -> bool:
        """Return whether the catalogue has a row of its own for ``indicator`` in ``region`` and ``year``.

        Parameters
        ----------
        indicator : str
            Indicator id.
        region : str
            ``"province"`` or a prefecture id.
        year : int
            The plan's year.

        Returns
        -------
        bool
            False where a prefecture's target would be a split of the provincial one.
        """
        return self._find(indicator, region, year) is not None

    @functools.cached_property
    def _index(self) -> dict[tuple[str, str, int], Any]:
        """Row label of each (indicator, region, year), the first where a key repeats: built once."""
        keys = zip(self.table["indicator"], self.table["region"], self.table["year"].astype(int), strict=True)
        index: dict[tuple[str, str, int], Any] = {}
        for key, label in zip(keys, self.table.index, strict=True):
            index.setdefault((str(key[0]), str(key[1]), key[2]), label)
        return index

    @functools.cached_property
    def _records(self) -> dict[Any, dict[str, Any]]:
        """Each row as a dict by its label, for the split targets of every series: built once."""
        return self.table.to_dict("index")

    @functools.cached_property
    def _listed(self) -> dict[tuple[str, int], dict[str, float]]:
        """(indicator, year) -> {prefecture: target} of the prefecture rows: built once."""
        out: dict[tuple[str, int], dict[str, float]] = {}
        rows = self.table[self.table["region"] != PROVINCE]
        for ind, reg, year, target in zip(
            rows["indicator"], rows["region"], rows["year"], rows["target"], strict=True
        ):
            out.setdefault((str(ind), int(year)), {})[str(reg)] = float(target)
        return out

    @functools.cached_property
    def _population(self) -> tuple[dict[str, int], int]:
        """2020 census population of each region and their total (the split shares): read once."""
        pops = self.regions.set_index("region")["population_2020"]
        return {str(r): int(v) for r, v in pops.items()}, int(pops.sum())

    def _find(self, indicator: str, region: str, year: int) -> Any:
        return self._index.get((str(indicator), str(region), int(year)))

    @functools.cached_property
    def _indicator_set(self) -> frozenset[str]:
        """The indicator ids, for the look-ups of every series: built once."""
        return frozenset(self.table["indicator"].tolist())

    def _check_known(self, wanted: list[str]) -> None:
        unknown = [w for w in wanted if w not in self._indicator_set]
        if unknown:
            known = self.indicators
            raise DataValidationError(
                f"Indicators {unknown} are not in the catalogue ({self.source}). "
                f"Known indicators: {known}. Add them to the catalogue or drop them."
            )

    def _raise_missing(self, indicator: str, region: str, year: int) -> NoReturn:
        rows = self.table[self.table["indicator"] == indicator]
        years = sorted({int(y) for y in rows["year"]})
        if year not in years:
            raise DataValidationError(
                f"The catalogue ({self.source}) has no row for indicator {indicator!r} in year "
                f"{year}. Years with a row for {indicator!r}: {years}. Add that year's plan to "
                f"the catalogue or choose one of these years."
            )
        have = rows.loc[rows["year"] == year, "region"].tolist()
        in_year = f" in {year}" if len(self.years) > 1 else ""
        raise DataValidationError(
            f"The catalogue ({self.source}) has no row for indicator {indicator!r} in region "
            f"{region!r}{in_year}. Regions with a row for {indicator!r}{in_year}: {have}. Known regions: "
            f"{[PROVINCE, *self.region_ids]}. Add a row for {indicator!r} with region {region!r} (and its "
            f"target there) to the catalogue, or give reports only for the regions it has rows for "
            f"(in Python, Catalog.split_by_region() splits a province row over the prefectures)."
        )

    def _split_row(self, rec: Mapping[str, Any], region: str) -> dict[str, Any]:
        out = dict(rec)
        out["region"] = region
        kind = rec["kind"]
        if kind in SPLIT_BY_SHARE_KINDS:
            pops, total = self._population
            pop = pops[region]
            share = pop / total
            for col in ("baseline", "lower_bound", "upper_bound"):  # the target: its own split, below
                value = rec[col]
                if not pd.isna(value) and math.isfinite(value):
                    out[col] = float(value) * share
            out["target"], out["target_basis"] = self._shares(str(rec["indicator"]), int(rec["year"]))[region]
        elif kind in COPY_KINDS:
            out["target_basis"] = BASIS_SAME
        else:  # pragma: no cover - guarded by callers
            raise DataValidationError(f"Kind {kind!r} is not split among prefectures.")
        return out

    @functools.cached_property
    def _apportioned(self) -> dict[tuple[str, int], dict[str, tuple[float, str]]]:
        """The splits :meth:`_shares` has made, by (indicator, year): each made once."""
        return {}

    def _shares(self, indicator: str, year: int) -> dict[str, tuple[float, str]]:
        """Each prefecture without a row of its own: its split of the provincial target, and the basis.

        The provincial target, less what prefecture rows of their own hold, is shared in
        proportion to the 2020 census population. A count of whole things
        (:func:`~longjiang_forecast._core.units.counts_whole_things`: 户, 所, 座...) is
        apportioned in whole numbers by the largest-remainder (Hamilton) method
        (:func:`largest_remainder`), so that no prefecture is asked for 0.031 of a city (which
        whole-number reports could only meet by a whole city each: 13 cities of a list of 3) and the
        shares still sum to the provincial target. Where the prefecture rows already hold the
        whole provincial target or more, the others' share is 0 and a warning names the figures.
        """
        if (indicator, year) not in self._apportioned:
            self._apportioned[indicator, year] = self._apportion(indicator, year)
        return self._apportioned[indicator, year]

    def _apportion(self, indicator: str, year: int) -> dict[str, tuple[float, str]]:
        """The split of :meth:`_shares`, made."""
        rec = self._records[self._find(indicator, PROVINCE, year)]
        pops, total = self._population
        target = float(rec["target"])
        listed = self._listed.get((indicator, year), {})
        members = [r for r in self.region_ids if r not in listed]
        own = float(sum(listed.values()))
        left = target - own if listed else target
        base = total if not listed else sum(pops[r] for r in members)
        less = f" less the {len(listed)} prefecture row(s)' {_fmt_number(own)}" if listed else ""
        if listed and left <= 0:
            warnings.warn(
                f"The catalogue ({self.source}) gives {indicator!r} in {year} prefecture rows of their "
                f"own summing to {_fmt_number(own)} ({', '.join(sorted(listed))}), which is not less "
                f"than the provincial target {_fmt_number(target)}: the other {len(members)} "
                "prefectures get a share of 0. Check the prefecture targets against the provincial one.",
                UserWarning,
                stacklevel=2,
            )
            basis = f"province target {_fmt_number(target)}{less}: nothing left to share"
            return {r: (0.0, basis) for r in members}
        whole = counts_whole_things(str(rec["unit"])) and float(left).is_integer()
        weights = [pops[r] for r in members]
        parts = largest_remainder(int(left), weights) if whole else [left * (w / base) for w in weights]
        rounding = ", in whole units by largest remainder" if whole else ""
        return {
            r: (
                float(part),
                f"population share 2020 census ({pops[r]}/{base}) of province target "
                f"{_fmt_number(target)}{less}{rounding}",
            )
            for r, part in zip(members, parts, strict=True)
        }


def largest_remainder(total: int, weights: Sequence[int | float]) -> list[int]:
    """Apportion ``total`` whole units in proportion to ``weights``: the largest-remainder method.

    Each part gets the whole part of its quota ``total * w / sum(weights)``; the units left over
    go one each to the largest fractional remainders (ties to the larger weight, then the earlier
    part). Hamilton's method, as in Balinski, M. L. & Young, H. P. (2001), *Fair Representation*,
    2nd ed., Brookings Institution Press: every part is its quota rounded down or up, and the parts sum to
    ``total``.

    Parameters
    ----------
    total : int
        Units to share, ``>= 0``.
    weights : sequence of int or float, shape (n,)
        Non-negative weights (populations), not all zero.

    Returns
    -------
    list of int, length n
        The parts; ``sum(parts) == total``.

    Examples
    --------
    >>> largest_remainder(3, [10, 4, 4, 1])
    [1, 1, 1, 0]
    """
    whole = sum(weights)
    quotas = [Fraction(total) * Fraction(w) / Fraction(whole) for w in weights]
    parts = [math.floor(q) for q in quotas]
    order = sorted(range(len(quotas)), key=lambda i: (-(quotas[i] - parts[i]), -weights[i], i))
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


def _fmt_number(value: float) -> str:
    return f"{float(value):.15g}"


def _coerce_types(table: pd.DataFrame) -> pd.DataFrame:
    """Give the table the documented dtypes and column order."""
    table = table[list(TABLE_COLUMNS)].reset_index(drop=True).copy()
    for col in (
        "indicator",
        "region",
        "name_zh",
        "name_en",
        "unit",
        "comparator",
        "wording",
        "kind",
        "deadline_source",
        "responsible",
        "tags",
        "family",
        "note",
        "target_basis",
    ):
        table[col] = table[col].astype(str)
    table["year"] = table["year"].astype("int64")
    table["item"] = pd.array(table["item"].tolist(), dtype="Int64")
    for col in ("target", "lower_bound", "upper_bound", "baseline"):
        table[col] = table[col].astype("float64")
    table["approximate"] = table["approximate"].astype(bool)
    table["deadline"] = pd.to_datetime(table["deadline"]).dt.normalize()
    table["forecastable"] = table["kind"].isin(FORECASTABLE_KINDS) & table["target"].notna()
    return table


def check_catalog(catalog: Any, where: str) -> None:
    """Refuse a ``catalog`` that is not a :class:`Catalog` (a path, a year, ...), saying what to pass.

    Raises
    ------
    TypeError
        Naming ``where`` (the function), what was given and how to load a catalogue.
    """
    if not isinstance(catalog, Catalog):
        raise TypeError(
            f"{where}: catalog must be a Catalog, got {type(catalog).__name__} {catalog!r:.60}: load it "
            "first, e.g. catalog = lf.load_catalog(2024) or lf.load_catalog('catalog.csv')."
        )
