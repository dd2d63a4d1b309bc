"""Rolling-origin backtest, data side: which origins, what was known at each, what happened.

Pure data handling, no model and no simulation (``pipeline.backtest`` runs
those): plan the as-of months, truncate the history to what was published by
each, read each series' outcome from the full history, cache fitted draws, and
stack the per-origin rows into one Dataset along the ``forecast`` dim.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import sys
import warnings
from collections.abc import Iterable, Sequence
from numbers import Integral
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xarray as xr

from .._core.exceptions import DataValidationError
from .._core.months import parse_month_arg
from .._core.provenance import library_version, make_attrs
from .._core.schema import MONOTONE_KINDS, MONTH, QUANTILE
from .._core.state import deadline_month, month_days

if TYPE_CHECKING:
    from ..catalog import Catalog

#: Default as-of months of each backtest year: March to November.
DEFAULT_AS_OF_MONTHS: tuple[int, ...] = tuple(range(3, 12))
#: Dimension of one forecast (an as-of month × series pair).
FORECAST = "forecast"
#: Dimension of the nominal levels of central intervals.
LEVEL = "level"


def resolve_history(history: Any, catalog: Catalog | None = None) -> tuple[Any, xr.Dataset]:
    """Return ``(catalog, progress)`` from what a caller passed as the backtest history.

    Parameters
    ----------
    history : tuple of (Catalog, xarray.Dataset), or xarray.Dataset, or SyntheticFamilies
        The ``(catalog, progress)`` pair returned by the real-data loaders,
        a progress Dataset (then ``catalog`` is required), or anything with
        ``catalog`` and ``progress`` attributes.
    catalog : Catalog, optional
        The catalogue, when ``history`` is a Dataset.

    Returns
    -------
    catalog : Catalog
    progress : xarray.Dataset

    Raises
    ------
    TypeError
        If ``history`` is none of these.
    DataValidationError
        If the progress holds no reported value (an empty history).
    """
    if isinstance(history, tuple) and len(history) == 2:
        catalog, progress = history
    elif isinstance(history, xr.Dataset):
        progress = history
        if catalog is None:
            raise TypeError(
                "The 'catalog' parameter of backtest is required when 'history' is a progress Dataset; "
                "or pass history=(catalog, progress) as the loaders return it."
            )
    elif hasattr(history, "catalog") and hasattr(history, "progress"):
        catalog, progress = history.catalog, history.progress
    else:
        raise TypeError(
            "The 'history' parameter of backtest must be a (catalog, progress) tuple, a progress "
            f"Dataset with catalog=..., or synthetic families. Got {type(history).__name__} instead."
        )
    if not isinstance(progress, xr.Dataset) or "value" not in progress.data_vars:
        raise TypeError("The progress of backtest must be an xarray.Dataset with a 'value' variable.")
    if progress["value"].size == 0 or not bool(progress["value"].notnull().any()):
        raise DataValidationError(
            "The 'history' of backtest is empty: its progress holds no reported value. "
            "Load progress with reported values (e.g. lf.load_national_progress())."
        )
    return catalog, progress


def _data_span(progress: xr.Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    months = pd.DatetimeIndex(progress[MONTH].values)
    reported = progress["value"].notnull().any(dim=[d for d in progress["value"].dims if d != MONTH]).values
    return months[reported][0], months[reported][-1]


def _target_years(catalog: Catalog) -> list[int]:
    table = catalog.table
    return sorted({int(y) for y in table.loc[table["forecastable"].astype(bool), "year"]})


def _last_deadline_months(catalog: Catalog) -> dict[int, int]:
    """The latest deadline month (1-12) of the forecastable targets of each year."""
    table = catalog.table
    rows = table.loc[table["forecastable"].astype(bool), ["year", "deadline"]]
    out: dict[int, int] = {}
    for year, deadline in zip(rows["year"], rows["deadline"], strict=True):
        ts = pd.Timestamp(deadline)
        if pd.isna(ts):
            continue
        month = deadline_month(ts) if ts.year == int(year) else 13  # due later: never refuse
        out[int(year)] = max(out.get(int(year), 0), month)
    return out


def _check_before_deadlines(catalog: Catalog, origins: list[pd.Timestamp]) -> None:
    """Refuse as-of months that are all in or after the deadline month of every target of their year."""
    last = _last_deadline_months(catalog)
    if any(ts.month < last.get(ts.year, 13) for ts in origins):
        return
    shown = ", ".join(f"{ts:%Y-%m}" for ts in origins[:6]) + (" ..." if len(origins) > 6 else "")
    years = {t.year for t in origins}
    months = sorted({m for y, m in last.items() if y in years})
    deadlines = (
        f"month {months[0]}"
        if len(months) == 1
        else ", ".join(f"{y}-{m:02d}" for y, m in sorted(last.items()) if y in years)
    )
    raise DataValidationError(
        f"every as-of month ({shown}) is in or after the deadline month of every target of its year "
        f"(the latest deadline month: {deadlines}). A backtest only scores forecasts made before the "
        "deadline month, since the deadline report is the outcome; forecasts made then or later are left "
        "out, so nothing would be scored. Choose earlier as-of months, e.g. months 3-11."
    )


def _year_list(years: Any) -> list[int]:
    """Check the ``years`` of a backtest: an int or an iterable of ints; return them sorted, unique."""
    form = "an int or an iterable of ints, e.g. years=[2022, 2023] or years=range(2020, 2025)"
    if isinstance(years, Integral) and not isinstance(years, bool):
        return [int(years)]
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise TypeError(f"The 'years' parameter of backtest must be {form}. Got {years!r} instead.")
    values = list(years)
    for y in values:
        if isinstance(y, bool) or not isinstance(y, Integral):
            raise TypeError(
                f"The 'years' parameter of backtest must be {form}. Got {years!r}, which holds "
                f"{y!r} ({type(y).__name__}), instead."
            )
    if not values:
        raise ValueError(
            "The 'years' parameter of backtest is empty. Pass at least one year, e.g. years=[2023], "
            "or years=None for every year with data."
        )
    return sorted({int(y) for y in values})


def plan_origins(
    catalog: Catalog,
    progress: xr.Dataset,
    as_of: Any = None,
    years: Iterable[int] | None = None,
) -> list[pd.Timestamp]:
    """List the as-of months of a backtest.

    Parameters
    ----------
    catalog : Catalog
        Targets; a year is backtested only if it has forecastable rows.
    progress : xarray.Dataset
        The full history (outcomes included).
    as_of : None, int, str, or a sequence of int or str
        ``None``: March to November of every year. An int ``m`` (1-12) or a
        sequence of ints: month ``m`` of every year. A ``'YYYY-MM'`` string
        or a sequence of them: exactly those months (``years`` must then be
        ``None``: the months fix their own years).
    years : int or iterable of int, optional
        Years to backtest, e.g. ``[2022, 2023]`` or ``range(2020, 2025)``;
        default every year with forecastable targets and a reported value.

    Returns
    -------
    list of pandas.Timestamp
        Sorted month starts.

    Raises
    ------
    TypeError
        If ``years`` is not an int or an iterable of ints (a string such as
        ``"2023"`` is refused, not read digit by digit).
    ValueError
        If an as-of month number is not an int in [1, 12], ``years`` is empty
        or given together with ``'YYYY-MM'`` as-of months, or no origin is left.
    DataValidationError
        If an as-of month is outside the data (before its first or after its
        last report, or in a year without forecastable targets), or a
        requested year has no targets.
        Also if every as-of month is in or after the latest deadline month of
        its year (e.g. month 12 for targets due on 31 December): forecasts made
        then are left out of a backtest, so nothing would be scored.
    """
    year_list = None if years is None else _year_list(years)
    first, last = _data_span(progress)
    target_years = _target_years(catalog)
    data_years = [y for y in target_years if first.year <= y <= last.year]
    items = [as_of] if isinstance(as_of, str | int | pd.Timestamp | np.integer) else as_of
    if items is not None:
        items = list(items)
        if not items:  # it was told as "every as-of month () is in or after the deadline month"
            raise ValueError(
                "The 'as_of' parameter of backtest is empty: give at least one month (an int 1-12, e.g. "
                "as_of=[6, 9], or 'YYYY-MM' strings), or None for the default months."
            )
        texts = [isinstance(a, str | pd.Timestamp) for a in items]
        if any(texts) and not all(texts):  # the valid element was named, not the mixing
            raise ValueError(
                f"The 'as_of' parameter of backtest mixes month numbers and 'YYYY-MM' months ({items!r}): "
                "give month numbers (the same months every year, e.g. [6, 9]) or 'YYYY-MM' months, not both."
            )
    if items is not None and all(isinstance(a, str | pd.Timestamp) for a in items):
        if year_list is not None:
            raise ValueError(
                f"The 'years' parameter of backtest ({year_list}) cannot be combined with 'YYYY-MM' as_of "
                f"months ({[str(a)[:7] for a in items]}): those months fix their own years. Pass years=None, "
                "or month numbers as as_of (e.g. as_of=[6], years=[2023])."
            )
        origins = [parse_month_arg(a) for a in items]
        for ts in origins:
            if ts < first or ts > last or ts.year not in target_years:
                raise DataValidationError(
                    f"as_of {ts:%Y-%m} is outside the data: the progress covers {first:%Y-%m} to "
                    f"{last:%Y-%m} and the catalogue has forecastable targets for years {target_years}. "
                    "Pass as-of months within both."
                )
        origins = sorted(set(origins))
        _check_before_deadlines(catalog, origins)
        return origins
    month_list = DEFAULT_AS_OF_MONTHS if items is None else items
    for m in month_list:
        if isinstance(m, bool) or not isinstance(m, Integral) or not 1 <= int(m) <= 12:
            raise ValueError(
                "The 'as_of' parameter of backtest must be an int in the range [1, 12], a 'YYYY-MM' "
                f"string, or a sequence of either. Got {m!r} instead."
            )
    if year_list is None:
        chosen = data_years
    else:
        chosen = year_list
        bad = [y for y in chosen if y not in data_years]
        if bad:
            if all(first.year <= y <= last.year for y in bad):  # reported, but no target to forecast
                raise DataValidationError(
                    f"as_of years {bad} have reports (the progress covers {first:%Y-%m} to {last:%Y-%m}) "
                    f"but no forecastable target in the catalogue (it has targets for years "
                    f"{target_years}; a target against the year before has none in the data's first "
                    f"year). Choose years among {data_years}."
                )
            raise DataValidationError(
                f"as_of years {bad} are outside the data: the progress covers {first:%Y-%m} to "
                f"{last:%Y-%m} and forecastable targets exist for years {target_years}. "
                f"Choose years among {data_years}."
            )
    origins = [pd.Timestamp(year=y, month=int(m), day=1) for y in chosen for m in month_list]
    origins = [ts for ts in origins if ts <= last]
    if not origins:
        raise ValueError(
            f"No as-of month is left: years {chosen}, months {list(month_list)}, data up to {last:%Y-%m}."
        )
    origins = sorted(set(origins))
    _check_before_deadlines(catalog, origins)
    return origins


def truncate(catalog: Catalog, progress: xr.Dataset, as_of: pd.Timestamp) -> tuple[Any, xr.Dataset]:
    """Return what was known at the end of ``as_of``: reports up to it, targets up to its year.

    Parameters
    ----------
    catalog : Catalog
        The full catalogue.
    progress : xarray.Dataset
        The full history.
    as_of : pandas.Timestamp
        Month start of the as-of month.

    Returns
    -------
    catalog : Catalog
        Rows of years up to ``as_of.year`` (the plans published by then).
    progress : xarray.Dataset
        Months up to and including ``as_of`` (later months are *dropped*, not
        masked, so no later value can reach the model); ``attrs['as_of']`` set.
        When the history has a ``published`` variable (the month at whose end
        each report was published, e.g.
        :func:`longjiang_forecast.testing.synthetic_province`'s ragged edge),
        reports published after ``as_of`` are masked to NaN and ``published``
        is dropped.
    """
    table = catalog.table
    kept = catalog._with_table(table[table["year"] <= as_of.year])
    known = progress.sel({MONTH: progress[MONTH].values <= np.datetime64(as_of)})
    if "published" in known:
        known = known.assign(value=known["value"].where(known["published"] <= np.datetime64(as_of)))
        known = known.drop_vars("published")
    known = known.copy()
    known.attrs = dict(progress.attrs) | {"as_of": f"{as_of:%Y-%m}", "truncated_for_backtest": 1}
    return kept, known


def outcomes(
    progress: xr.Dataset, state: xr.Dataset, baseline: np.ndarray | None = None
) -> dict[str, np.ndarray]:
    """What happened to each series of a state: the deadline value, met or not, first-passage month.

    Parameters
    ----------
    progress : xarray.Dataset
        The *full* history (the outcome year included).
    state : xarray.Dataset
        From :func:`longjiang_forecast.build_state` at an as-of month.
    baseline : ndarray of shape (n_series,), optional
        Last year's annual mean for ``change`` kinds (default the state's).

    Returns
    -------
    dict of ndarray, each of shape (n_series,)
        ``value`` (in the target's terms: the deadline report of counts,
        levels and milestones; the day-weighted mean of the 12 monthly means
        of annual means, NaN unless all 12 are reported; its percent change
        against ``baseline`` for changes), ``met`` (1.0/0.0, NaN if the value
        is unknown), ``first_passage`` (month 1-12 of the first report meeting
        the target by the deadline, counts and levels only, a level's from the
        state's latest report on as in its forecast; NaN if never or not
        applicable; with months unreported it is the first *reported* month,
        an upper bound). Province rows totalled from their prefectures
        get their outcomes from the pipeline (the prefectures' total, one
        definition in ``_core/province.py``).
    """
    year = int(state.attrs["year"])
    months = pd.date_range(f"{year}-01-01", periods=12, freq="MS")
    values = progress["value"].reindex({MONTH: months.values})
    n = state.sizes["series"]
    value = np.full(n, np.nan)
    first = np.full(n, np.nan)
    base = state["baseline"].values.astype(float) if baseline is None else np.asarray(baseline, float)
    days = month_days(year).astype(float)
    target = state["target"].values.astype(float)
    sign = np.where(state["comparator"].values == "<=", -1.0, 1.0)
    inds = set(map(str, values["indicator"].values))
    regs = set(map(str, values["region"].values))
    for s in range(n):
        ind, reg = str(state["indicator"].values[s]), str(state["region"].values[s])
        if ind not in inds or reg not in regs:
            continue
        row = values.sel(indicator=ind, region=reg).values.astype(float)
        kind = state["kind"].values[s]
        dl = int(state["deadline_month"].values[s])
        if kind in ("annual_mean", "change"):
            if np.isfinite(row).all():
                mean = float(np.sum(row * days) / days.sum())
                value[s] = mean if kind == "annual_mean" else 100 * (mean / base[s] - 1)
            continue
        if dl >= 1:
            value[s] = row[dl - 1]
            # A level's first passage counts from the origin's latest report, as its forecast does.
            start = max(int(state["last_month"].values[s]) - 1, 0) if kind == "level" else 0
            meets = np.isfinite(row[:dl]) & (sign[s] * row[:dl] >= sign[s] * target[s])
            hit = np.flatnonzero(meets & (np.arange(dl) >= start))
            if hit.size and (kind in MONOTONE_KINDS or kind == "level"):
                first[s] = hit[0] + 1
    met = np.where(np.isfinite(value), (sign * value >= sign * target).astype(float), np.nan)
    return {"value": value, "met": met, "first_passage": first}


def data_digest(catalog: Catalog, progress: xr.Dataset) -> str:
    """SHA-256 of a (catalogue, progress) pair as a model would see it (values, coordinates, targets).

    Parameters
    ----------
    catalog : Catalog
    progress : xarray.Dataset

    Returns
    -------
    str
        Hex digest.
    """
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(progress["value"].values, dtype=float).tobytes())
    for name in progress["value"].dims:
        h.update(repr(progress[name].values.tolist()).encode())
    h.update(catalog.table.to_csv(index=False).encode())
    return h.hexdigest()


_LOCAL_IMPORT = re.compile(r"^from \.(\w+) import", re.MULTILINE)


@functools.cache
def _models_source_digest(module: str) -> str:
    """SHA-256 of the source a model's fit depends on inside ``longjiang_forecast.models``.

    The file of ``module`` and, recursively, every sibling module it imports
    (``from ._common import ...``): editing the hierarchical model leaves the
    cached fits of the seasonal share valid, editing ``_common.py`` invalidates both.
    """
    folder = Path(__file__).resolve().parents[1] / "models"
    todo, seen = [module.rsplit(".", 1)[-1]], set()
    while todo:
        name = todo.pop()
        path = folder / f"{name}.py"
        if name in seen or not path.is_file():
            continue
        seen.add(name)
        todo.extend(_LOCAL_IMPORT.findall(path.read_text(encoding="utf-8")))
    digest = hashlib.sha256()
    for name in sorted(seen):
        digest.update(name.encode() + b"\0" + (folder / f"{name}.py").read_bytes())
    return digest.hexdigest()


class FitCache:
    """A folder of fitted parameter draws keyed by model, settings, data, as-of month and seed.

    The slow models (a Bayesian fit takes minutes) are fitted once per origin;
    a rerun with the same key reads the draws and the state instead of fitting.

    Each entry is one netCDF file (groups ``state`` and ``draws``): data only, so
    reading a cache can never run code (no pickle). A damaged or unreadable entry
    is refitted, with a one-line warning naming it, and replaced.

    Parameters
    ----------
    folder : str or pathlib.Path
        Where the ``{key}.nc`` files live (created if needed).
    """

    #: Format of the entries; an entry of another version is refitted.
    VERSION = 2

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(model: Any, digest: str, as_of: str, n_draws: int, seed: np.random.SeedSequence) -> str:
        """Return the cache key (hex) of one fit.

        Parameters
        ----------
        model : AttainmentModel
            The (unfitted) model: its class, ``get_params()`` and the source code of
            its module and of the ``models`` modules it imports enter the key (a changed
            model never reads an old fit; a change to another model keeps it).
        digest : str
            :func:`data_digest` of the truncated data.
        as_of : str
            ``YYYY-MM``.
        n_draws : int
            Number of parameter draws.
        seed : numpy.random.SeedSequence
            Seed of the parameter draws.

        Returns
        -------
        str
        """
        cls = type(model)
        parts = (
            f"{cls.__module__}.{cls.__qualname__}",
            repr(sorted(model.get_params().items())),
            digest,
            as_of,
            str(n_draws),
            str(seed.entropy),
            repr(seed.spawn_key),
            library_version(),
            _models_source_digest(cls.__module__),
        )
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

    def load(self, key: str) -> tuple[xr.Dataset, xr.Dataset] | None:
        """Return the cached ``(state, draws)`` for ``key``, or None (not cached, or damaged).

        Warns
        -----
        UserWarning
            When the entry exists but cannot be read (truncated, not netCDF, another
            format version): it is refitted and replaced.
        """
        path = self.folder / f"{key}.nc"
        if not path.is_file():
            self.misses += 1
            return None
        try:
            with xr.open_dataset(path, group="state", engine="h5netcdf") as state_file:
                state = state_file.load()
            with xr.open_dataset(path, group="draws", engine="h5netcdf") as draws_file:
                draws = draws_file.load()
            if int(draws.attrs.pop("fit_cache_version", 0)) != self.VERSION:
                raise ValueError(f"format version is not {self.VERSION}")
        except Exception as err:  # any reading failure: a damaged entry is refitted, never trusted
            warnings.warn(
                f"Fit cache entry {path} could not be read ({type(err).__name__}: {str(err)[:120]}); "
                "refitting and replacing it.",
                UserWarning,
                stacklevel=2,
            )
            self.misses += 1
            return None
        self.hits += 1
        return state, draws

    def save(self, key: str, state: xr.Dataset, draws: xr.Dataset) -> None:
        """Store ``(state, draws)`` under ``key`` (atomically: a temporary file, then a rename)."""
        path = self.folder / f"{key}.nc"
        tmp = self.folder / f"{key}.{os.getpid()}.tmp"
        try:
            state.to_netcdf(tmp, group="state", mode="w", engine="h5netcdf")
            tagged = draws.copy()
            tagged.attrs = {**draws.attrs, "fit_cache_version": self.VERSION}
            tagged.to_netcdf(tmp, group="draws", mode="a", engine="h5netcdf")
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)


class ProgressCounter:
    """A progress bar on stderr (``rich``): ``label ━━━━╸━━ i/n elapsed item``.

    Use it as a context manager, so that the bar is closed (and the terminal's
    cursor shown again) however the loop ends.

    Parameters
    ----------
    total : int
        Number of steps.
    label : str
        Text before the bar.
    enabled : bool
        Show nothing when False. Callers pass ``sys.stderr.isatty()`` by default:
        a bar redrawn in place is for a terminal, not for a log file.
    """

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled = total, label, enabled
        self.done = 0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> ProgressCounter:
        if self.enabled:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[item]}"),
                console=Console(file=sys.stderr),
                auto_refresh=False,
            )
            self._task = self._bar.add_task(self.label, total=self.total, item="")
            self._bar.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def step(self, item: str) -> None:
        """Count one step done (``item`` names it, e.g. the as-of month) and redraw the bar."""
        self.done += 1
        if self._bar is not None:
            self._bar.update(self._task, advance=1, item=item)
            self._bar.refresh()


def assemble(
    rows: Sequence[dict[str, Any]], quantiles: Sequence[float], levels: Sequence[float], attrs: dict[str, Any]
) -> xr.Dataset:
    """Stack per-forecast records into the backtest Dataset.

    Parameters
    ----------
    rows : sequence of dict
        One dict per forecast: scalars for the 1-D variables, arrays of
        shape (n_quantiles,) for ``deadline_value`` and (n_levels,) for
        ``lower``, ``upper``, ``covered``, ``interval_score_rel``.
    quantiles : sequence of float
        Levels of ``deadline_value``.
    levels : sequence of float
        Nominal levels of the central intervals.
    attrs : dict
        Extra attributes (model, seed, data source...).

    Returns
    -------
    xarray.Dataset
        dims ``forecast``, ``quantile``, ``level``; see :func:`longjiang_forecast.backtest`.
    """
    coords_1d = ("model", "as_of", "as_of_month", "year", "indicator", "region", "family", "kind")
    vectors = {
        "deadline_value": QUANTILE,
        "lower": LEVEL,
        "upper": LEVEL,
        "covered": LEVEL,
        "interval_score_rel": LEVEL,
    }
    n = len(rows)
    data: dict[str, Any] = {}
    coords: dict[str, Any] = {FORECAST: np.arange(n), QUANTILE: list(quantiles), LEVEL: list(levels)}
    keys = list(rows[0]) if rows else []
    for key in keys:
        if key in vectors:
            size = len(quantiles) if vectors[key] == QUANTILE else len(levels)
            arr = np.array([r[key] for r in rows], dtype=float).reshape(n, size)
            data[key] = ((FORECAST, vectors[key]), arr)
            continue
        col = [r[key] for r in rows]
        if key == "as_of":
            arr = pd.DatetimeIndex(col).values
        elif all(isinstance(v, str) for v in col):
            arr = np.array(col, dtype=object)
        elif all(isinstance(v, int | np.integer) and not isinstance(v, bool) for v in col):
            arr = np.array(col, dtype=np.int64)
        else:
            arr = np.array(col, dtype=float)
        if key in coords_1d:
            coords[key] = (FORECAST, arr)
        else:
            data[key] = (FORECAST, arr)
    return xr.Dataset(data, coords=coords, attrs=make_attrs(**attrs))
