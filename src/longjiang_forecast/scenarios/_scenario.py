"""Scenario files: what could go differently this year, as data.

A scenario is a TOML file with a ``name``, a ``description`` and a list of
``[[effects]]``. Each effect selects series (indicator ids, kinds, tags,
regions) and months, and changes the monthly rate of work there:

``multiplier``
    ``factor`` (>= 0) times the usual rate over ``months = ["YYYY-MM", "YYYY-MM"]``.
``stoppage``
    No work from a start month to ``until`` (default December). The start is
    ``start = "YYYY-MM"`` or random per path, uniform over
    ``start = ["YYYY-MM", "YYYY-MM"]`` (an early winter).
``delay``
    With ``probability`` p per path, no work for ``duration`` months from
    ``start`` (e.g. bond funds arrive late); ``duration`` is an int or a
    ``[min, max]`` range drawn uniformly per path.
``cap``
    At most ``max_share_per_month`` of the target done in any month of the
    window (a capacity limit).
``push``
    ``factor`` (>= 1) times the usual rate over the window (a year-end push).

Uncertain effects are drawn once per path and shared by every series they
select, so one bad event moves many targets together.

Example::

    name = "early-winter"
    description = "Outdoor work stops from a random month between October and November."
    [[effects]]
    type = "stoppage"
    tags = ["outdoor"]
    start = ["2024-10", "2024-11"]
"""

from __future__ import annotations

import datetime as _dt
import math
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._core.exceptions import DataValidationError
from .._core.months import parse_month
from .._core.names import closest_name
from .._core.regions import region_lookup
from .._core.schema import KINDS, STANDARD_TAGS
from .._core.tables import decode_text

if TYPE_CHECKING:
    from ..catalog import Catalog

EFFECT_TYPES = ("multiplier", "stoppage", "delay", "cap", "push")
_SELECTORS = ("indicators", "kinds", "tags", "regions")
_KEYS: dict[str, set[str]] = {
    "multiplier": {"months", "factor"},
    "stoppage": {"start", "until"},
    "delay": {"start", "duration", "probability"},
    "cap": {"months", "max_share_per_month"},
    "push": {"months", "factor"},
}
_REQUIRED: dict[str, set[str]] = {
    "multiplier": {"months", "factor"},
    "stoppage": {"start"},
    "delay": {"start", "duration", "probability"},
    "cap": {"max_share_per_month"},
    "push": {"months", "factor"},
}


#: Names a scenario may not take: the baseline's own, in any case, and its Chinese label.
_BASELINE_NAMES = frozenset({"baseline", "基准情景", "基准"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Effect:
    """One effect of a scenario (see the module docstring for the types).

    Attributes
    ----------
    type : str
        One of ``multiplier``, ``stoppage``, ``delay``, ``cap``, ``push``.
    indicators, kinds, tags, regions : tuple of str
        Selectors; an empty tuple selects all. A series is selected when it
        matches every non-empty selector.
    first_month, last_month : tuple of int
        Months 1-12 of the window; for a random start, the range of the start.
    until : int
        Last month of a stoppage (1-12).
    factor : float
        Rate multiplier (multiplier, push).
    probability : float
        Probability of a delay event per path, in [0, 1].
    duration : tuple of int
        (min, max) months of a delay, drawn uniformly per path.
    max_share_per_month : float
        Capacity cap as a share of the target per month, in (0, 1] (a value above 1, e.g. 5
        meant as 5 %, is refused: it would limit nothing).
    """

    type: str
    indicators: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    first_month: tuple[int, int] = (1, 1)
    last_month: tuple[int, int] = (12, 12)
    until: int = 12
    factor: float = 1.0
    probability: float = 1.0
    duration: tuple[int, int] = (0, 0)
    max_share_per_month: float = float("inf")


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A named set of effects for one year.

    Attributes
    ----------
    name : str
    description : str
    year : int
        The year all months of the file fall in.
    effects : tuple of Effect
    source : str
        The file it was read from ("" when built in code).
    """

    name: str
    description: str
    year: int
    effects: tuple[Effect, ...] = field(default_factory=tuple)
    source: str = ""


def baseline_scenario(year: int) -> Scenario:
    """Return the scenario with no effects: the year as the model expects it."""
    return Scenario(name="baseline", description="No change to the expected course.", year=year)


def load_scenario(path: str | Path, *, catalog: Catalog) -> Scenario:
    """Read and validate a scenario TOML file.

    Parameters
    ----------
    path : str or Path
        The ``.toml`` file.
    catalog : Catalog
        The catalogue whose indicators, kinds, tags and regions selectors may name.

    Returns
    -------
    Scenario

    Raises
    ------
    DataValidationError
        Naming the file, the key (e.g. ``effects[2].probability``) and the
        reason: unknown key, unknown indicator/kind/tag/region, a month outside
        the scenario's year or malformed, a probability outside [0, 1], a
        negative factor, a push factor below 1, a missing required key; a
        value of the wrong type (a boolean is not a number, an effect that
        is not a table), a factor or cap that is NaN or infinite, a stoppage
        whose ``until`` is before its start, a file without ``effects``
        (e.g. cut off before ``[[effects]]``) or with none (only the scenario
        named ``baseline`` may have ``effects = []``); a file in no supported
        encoding, or nested too deeply to read.

    Warns
    -----
    UserWarning
        If the file is not UTF-8 but UTF-16 (with a BOM) or GBK/GB18030 (Notepad's "ANSI" on
        Chinese Windows); it is read as such.
    FileNotFoundError
        If the file does not exist.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Scenario file {path} does not exist.")
    if not path.is_file():
        raise DataValidationError(f"{path} is not a file; give the path of a scenario .toml file.")
    data = path.read_bytes()
    text, note = decode_text(path, data, "scenario file")
    if note:  # the phrase speaks of Excel's CSV; a scenario is edited in a text editor
        encoding = "UTF-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else "GB18030 (GBK)"
        warnings.warn(
            f"{path}: read as {encoding}, not UTF-8. Check its Chinese text; save it as UTF-8 to "
            f"silence this (in Notepad: Save as, Encoding UTF-8).",
            UserWarning,
            stacklevel=2,
        )
    too_deep = DataValidationError(
        f"{path}: arrays or tables nested too deeply to read. A scenario needs only "
        f"[[effects]] tables of keys; remove the nesting."
    )
    # Checked before parsing: whether the parser's recursion fails depends on the interpreter's
    # recursion limit, which other libraries raise (PyMC sets 10,000), and a deep enough file
    # would then overflow the C stack instead.
    if _nesting_depth(text) > MAX_NESTING:
        raise too_deep
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise DataValidationError(f"{path}: not valid TOML ({err}). Fix the syntax.") from err
    except RecursionError as err:
        raise too_deep from err
    return parse_scenario(table, catalog=catalog, source=str(path))


#: Deepest nesting of arrays and inline tables a scenario file may have (a scenario needs 2).
MAX_NESTING = 32


def _nesting_depth(text: str) -> int:
    """Deepest nesting of ``[``/``{`` in TOML text, outside strings and comments.

    A scan, not a parser: basic strings (with backslash escapes), literal strings and their
    multi-line forms, and ``#`` comments are skipped; a table header ``[[effects]]`` counts 2.
    """
    depth = deepest = 0
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
        elif c in "\"'":
            quote = c * 3 if text.startswith(c * 3, i) else c
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if c == '"' and text[i] == "\\" else 1
            i += len(quote)
            continue
        elif c in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif c in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return deepest


#: Largest ``factor`` of a multiplier or push: a month's usual work a hundred times over. No
#: programme speeds up like that; a larger factor in a file is a typo (1e9 for 1.0), and it would
#: give every path the target at once without a word.
MAX_FACTOR = 100.0


def _is_number(value: Any) -> bool:
    """A TOML int or float (a boolean is not a number), finite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def parse_scenario(data: dict[str, Any], *, catalog: Catalog, source: str) -> Scenario:
    """Validate a scenario given as the data of its TOML file: the checks of :func:`load_scenario`.

    The web explorer's scenario page builds this data from its controls, so that a
    value is refused there with the message the file would get.

    Parameters
    ----------
    data : dict
        What ``tomllib`` reads from a scenario file: ``name``, ``description``, ``year``
        and ``effects`` (a list of dicts).
    catalog : Catalog
        The catalogue whose indicators, kinds, tags and regions selectors may name.
    source : str
        What the messages name as the file (its path, or where the data came from).

    Returns
    -------
    Scenario

    Raises
    ------
    DataValidationError
        As :func:`load_scenario` for the file's content: each problem as
        ``"{source}: '{key}' {why}"``, one per line.
    """
    problems: list[str] = []

    def bad(key: str, why: str) -> None:
        problems.append(f"{source}: '{key}' {why}")

    unknown = set(data) - {"name", "description", "year", "effects"}
    for key in sorted(unknown):
        bad(key, "is not a scenario key; accepted: name, description, year, effects.")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        bad("name", f"must be a non-empty string. Got {name!r}.")
    description = data.get("description", "")
    if not isinstance(description, str):
        bad("description", f"must be a string. Got {description!r}.")
    year = data.get("year", int(catalog.year))
    if not isinstance(year, int) or isinstance(year, bool):
        bad("year", f"must be a whole number such as {int(catalog.year)}. Got {year!r}.")
        year = int(catalog.year)
    if "effects" not in data:
        bad(
            "effects",
            "is missing: the file has no [[effects]] table (was it cut off?). Add the effects; "
            'the year with no change is the scenario name = "baseline" with effects = [].',
        )
    effects_raw = data.get("effects", [])
    if not isinstance(effects_raw, list):
        bad("effects", "must be an array of tables ([[effects]]).")
        effects_raw = []
    elif not effects_raw and "effects" in data and name != "baseline":
        bad("effects", "is empty, so the scenario changes nothing. Add [[effects]] tables.")
    not_tables = [f"effects[{i}] = {e!r}" for i, e in enumerate(effects_raw) if not isinstance(e, dict)]
    if not_tables:
        bad(
            "effects",
            f"must be tables of keys ([[effects]] with type = ...), not values: {', '.join(not_tables[:5])}.",
        )
    table = catalog.table
    known = {
        "indicators": set(table["indicator"]),
        "kinds": set(KINDS),
        "tags": {t for tags in table["tags"].fillna("") for t in str(tags).split(";") if t},
        "regions": {"province", *catalog.region_ids},
    }
    spelled = region_lookup(catalog.regions)
    effects = []
    for i, raw in enumerate(effects_raw):
        where = f"effects[{i}]"
        if not isinstance(raw, dict):
            continue  # reported once below
        kind = raw.get("type")
        if kind not in EFFECT_TYPES:
            meant = _did_you_mean([kind], {t: t for t in EFFECT_TYPES}) if isinstance(kind, str) else ""
            bad(f"{where}.type", f"must be one of {list(EFFECT_TYPES)}. Got {kind!r}{meant}.")
            continue
        allowed = {"type", *_SELECTORS, *_KEYS[kind]}
        for key in sorted(set(raw) - allowed):
            meant = _did_you_mean([key], {k: k for k in allowed})
            bad(f"{where}.{key}", f"is not a key of a {kind} effect{meant}; accepted: {sorted(allowed)}.")
        for key in sorted(_REQUIRED[kind] - set(raw)):
            bad(f"{where}.{key}", f"is required for a {kind} effect.")
        fields: dict[str, Any] = {"type": kind}
        for sel in _SELECTORS:
            values = raw.get(sel, [])
            values = [values] if isinstance(values, str) else values
            if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
                bad(f"{where}.{sel}", "must be a list of strings.")
                continue
            values = [v.strip() for v in values]  # "09a " as "09a", as the regions always were
            if sel == "regions":  # every spelling a progress file accepts: 哈尔滨, 哈尔滨市, Harbin
                values = [spelled.get(v, spelled.get(v.strip().lower(), v)) for v in values]
            unknown_values = sorted(set(values) - known[sel])
            if unknown_values and sel == "tags" and len(unknown_values) == len(set(values)):
                bad(f"{where}.{sel}", _no_such_tags(unknown_values, sorted(known["tags"]), name, catalog))
            elif unknown_values and sel == "tags":
                # tags select an indicator carrying any of them: the others still select, so say which do not
                warnings.warn(
                    f"scenario {name!r}, {where}.tags: no indicator of the catalogue {catalog.source} "
                    f"carries "
                    f"{unknown_values}; the effect applies to those tagged "
                    f"{sorted(set(values) & known['tags'])}.",
                    UserWarning,
                    stacklevel=2,
                )
            elif unknown_values:
                choices = {**{k: k for k in known[sel]}, **(spelled if sel == "regions" else {})}
                bad(
                    f"{where}.{sel}",
                    f"names unknown {sel} {unknown_values}{_did_you_mean(unknown_values, choices)}; "
                    f"known: {sorted(known[sel])[:60]}.",
                )
            fields[sel] = tuple(values)
        window = raw.get("months", raw.get("start"))
        if window is not None:
            key = "months" if "months" in raw else "start"
            months = window if isinstance(window, list) else [window]
            parsed = [_month(m, year, f"{where}.{key}", bad) for m in months]
            parsed = parsed * 2 if len(parsed) == 1 else parsed
            if len(parsed) != 2:
                bad(f"{where}.{key}", "must be 'YYYY-MM' or a pair ['YYYY-MM', 'YYYY-MM'].")
            elif parsed[0] is not None and parsed[1] is not None:
                if parsed[0] > parsed[1]:
                    bad(f"{where}.{key}", f"starts after it ends: {months}.")
                if key == "months":
                    fields["first_month"] = (parsed[0], parsed[0])
                    fields["last_month"] = (parsed[1], parsed[1])
                else:
                    fields["first_month"] = (parsed[0], parsed[1])
        if "until" in raw:
            until = _month(raw["until"], year, f"{where}.until", bad)
            latest_start = fields.get("first_month", (1, 1))[1]
            if until is not None and until < latest_start:
                bad(
                    f"{where}.until",
                    f"is before the start ({raw['until']} < month {latest_start} of {year}), so "
                    f"the stoppage would change nothing. Give an until at or after the start.",
                )
            elif until is not None:
                fields["until"] = until
        if "factor" in raw:
            factor = raw["factor"]
            if not _is_number(factor) or factor < 0:
                bad(f"{where}.factor", f"must be a finite number >= 0. Got {factor!r}.")
            elif factor > MAX_FACTOR:
                bad(
                    f"{where}.factor",
                    f"must be at most {MAX_FACTOR:g} (a month's usual work {MAX_FACTOR:g} times over); "
                    f"a larger one is a slip of the keyboard, e.g. 1e9 for 1.0. Got {factor!r}.",
                )
            elif kind == "push" and factor < 1:
                bad(
                    f"{where}.factor",
                    f"of a push must be >= 1 (use a multiplier to slow down). Got {factor}.",
                )
            else:
                fields["factor"] = float(factor)
        if "probability" in raw:
            p = raw["probability"]
            if not _is_number(p) or not 0 <= p <= 1:
                bad(f"{where}.probability", f"must be a number in [0, 1]. Got {p!r}.")
            else:
                fields["probability"] = float(p)
        if "duration" in raw:
            d = raw["duration"]
            d = [d, d] if isinstance(d, int) else d
            if not (
                isinstance(d, list)
                and len(d) == 2
                and all(isinstance(x, int) and not isinstance(x, bool) and 0 <= x <= 12 for x in d)
            ):
                bad(
                    f"{where}.duration",
                    "must be a whole number of months 1-12, or a [min, max] pair of whole months 0-12 "
                    f"(e.g. [0, 3]). Got {raw['duration']!r}.",
                )
            elif d[0] > d[1]:
                bad(f"{where}.duration", f"min is above max: {d}.")
            elif d[1] == 0:
                bad(
                    f"{where}.duration", "is 0 months: a delay of no month changes nothing. Give 1-12 months."
                )
            else:
                fields["duration"] = (d[0], d[1])
        if "max_share_per_month" in raw:
            cap = raw["max_share_per_month"]
            if not _is_number(cap) or cap <= 0:
                bad(f"{where}.max_share_per_month", f"must be a finite number > 0. Got {cap!r}.")
            elif cap > 1:
                bad(
                    f"{where}.max_share_per_month",
                    "is a share of the target, at most 1 (0.05 for 5 % of the target a month); above 1 "
                    f"it would limit nothing and the scenario would change nothing. Got {cap!r}.",
                )
            else:
                fields["max_share_per_month"] = float(cap)
        effects.append(Effect(**fields))
    if name == "baseline" and effects:
        bad("name", "'baseline' is reserved for the year with no effects; give this scenario another name.")
    elif isinstance(name, str) and name != "baseline" and name.strip().casefold() in _BASELINE_NAMES:
        # printed as the baseline is (基准情景 in Chinese): two columns of one title (a break-it pass)
        bad("name", f"{name!r} reads as the baseline's name in the outputs; give this scenario another name.")
    if isinstance(name, str) and any(not c.isprintable() for c in name):
        bad("name", f"holds a line break or another control character ({name!r}); write it on one line.")
    if problems:
        if len(problems) == 1:  # one problem, one line
            raise DataValidationError(problems[0])
        raise DataValidationError(
            f"The scenario file {source} has {len(problems)} problems:\n  - " + "\n  - ".join(problems)
        )
    return Scenario(
        name=str(name),
        description=str(description),
        year=year,
        effects=tuple(effects),
        source=source,
    )


def _did_you_mean(unknown: list[str], choices: dict[str, str]) -> str:
    """`` (did you mean 'harbin'?)`` for the unknown values close to a known one ('' for none).

    ``choices`` maps every accepted spelling to the value it stands for (a region's Chinese and
    English names to its id); closeness is :func:`~longjiang_forecast._core.names.closest_name`'s.
    """
    guesses = {v: closest_name(v, choices) for v in unknown}
    meant = [(v, choices[g]) for v, g in guesses.items() if g is not None]
    if not meant:
        return ""
    if len(unknown) == 1:
        return f" (did you mean {meant[0][1]!r}?)"
    return " (did you mean " + ", ".join(f"{g!r} for {v!r}" for v, g in meant) + "?)"


def _no_such_tags(wanted: list[str], known: list[str], name: Any, catalog: Catalog) -> str:
    """The message of a scenario that selects by tags no indicator of the catalogue carries."""
    has = f"its tags are {known}" if known else "it has no tags: its `tags` column is empty or missing"
    meant = _did_you_mean(wanted, {k: k for k in known})
    return (
        f"names unknown tags {wanted}{meant}: no indicator of the catalogue {catalog.source} carries "
        f"{'that tag' if len(wanted) == 1 else 'those tags'} ({has}), so scenario {name!r} would change "
        "nothing. Tag the rows it is meant for in the catalogue's `tags` column (';'-separated; standard "
        f"tags: {', '.join(STANDARD_TAGS)}), start from a catalogue with the standard tags "
        "(`longjiang-forecast template --catalog-out my_catalog.csv`), or select by `indicators` instead "
        "(see docs/getting-started.md, section Tags)."
    )


def _month(value: Any, year: int, key: str, bad: Any) -> int | None:
    # any form a progress file's month takes (2024-09, 2024年9月, 2024/9), as the command line's --as-of
    month = parse_month(value)[0] if isinstance(value, str) else None
    if month is None:
        if isinstance(value, _dt.date):  # TOML reads an unquoted 2024-09-01 as a date
            quoted = f'"{value:%Y-%m}"'
            bad(key, f'must be a month written "YYYY-MM", in quotes. Got the date {value}: write {quoted}.')
        else:
            bad(key, f"must be a month written YYYY-MM. Got {value!r}.")
        return None
    if month.year != year:
        bad(key, f"is outside the scenario's year {year}: {value}. Use months of {year}.")
        return None
    return month.month
