"""The scenario page's controls as the scenario language: the data of a scenario TOML file, and the file.

Each effect type of :data:`~longjiang_forecast.scenarios.EFFECT_TYPES` has one block of
controls (:data:`CONTROLS`): whether it is on, the tags and regions it selects, and its
keys, months given as month numbers of the catalogue's year. :func:`scenario_data` turns
their values into what ``tomllib`` would read from the file; the loader's own checks
(:func:`~longjiang_forecast.scenarios.parse_scenario`) then accept or refuse it, with the
message the file would get. :func:`scenario_toml` writes that data as the file.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .._core.exceptions import DataValidationError

#: The controls of each effect type and their starting values: ``tags`` (the catalogue's tags
#: it selects), months (numbers 1-12: ``start``, ``until``, ``from``/``to`` of the window) and the
#: effect's numbers. The defaults are those of the shipped scenarios (scenarios/*.toml).
CONTROLS: dict[str, dict[str, Any]] = {
    "delay": {"tags": ["construction", "heating"], "start": 9, "duration_min": 1, "duration_max": 2,
              "probability": 0.5},
    "stoppage": {"tags": ["outdoor"], "start": 10, "until": 12},
    "multiplier": {"tags": [], "from": 7, "to": 12, "factor": 0.8},
    "push": {"tags": [], "from": 11, "to": 12, "factor": 1.3},
    "cap": {"tags": ["outdoor"], "from": 1, "to": 12, "max_share_per_month": 0.15},
}  # fmt: skip

#: The controls of a number (typed, so that a value out of its range reaches the loader's check).
NUMBERS = ("duration_min", "duration_max", "probability", "factor", "max_share_per_month")
#: The controls of a month of the year (chosen from the twelve).
MONTHS = ("start", "until", "from", "to")


def control_id(effect: str, key: str) -> str:
    """The DOM id of a control, e.g. ``delay-probability``; ``on`` and ``regions`` are controls too."""
    return f"{effect}-{key}"


def control_ids() -> list[tuple[str, str]]:
    """Every (effect, key) of the page, in a fixed order: ``on``, ``tags``, ``regions``, then the keys."""
    return [
        (effect, key)
        for effect, controls in CONTROLS.items()
        for key in ("on", "tags", "regions", *(k for k in controls if k != "tags"))
    ]


def _month(value: Any, year: int) -> Any:
    """``YYYY-MM`` of a month number; anything else as it is (the loader names what is wrong)."""
    return f"{year}-{value:02d}" if isinstance(value, int) and not isinstance(value, bool) else value


def scenario_data(values: dict[tuple[str, str], Any], *, name: str, year: int) -> dict[str, Any]:
    """The data of a scenario file from the values of the page's controls.

    Parameters
    ----------
    values : dict of (str, str) to value
        The value of each control of :func:`control_ids`; ``on`` is truthy for an
        effect that is on.
    name : str
        The scenario's name.
    year : int
        The catalogue's year: months are given as month numbers of it.

    Returns
    -------
    dict
        ``name``, ``description``, ``year`` and ``effects`` (one dict per effect that is
        on, keys as the TOML file writes them), for
        :func:`~longjiang_forecast.scenarios.parse_scenario`.
    """
    effects = []
    for effect in CONTROLS:
        if not values.get((effect, "on")):
            continue
        got = {key: values.get((effect, key)) for key in (*CONTROLS[effect], "regions")}
        raw: dict[str, Any] = {"type": effect}
        for selector in ("tags", "regions"):
            chosen = got[selector]
            if chosen:
                raw[selector] = list(chosen)
        if effect == "delay":
            raw["start"] = _month(got["start"], year)
            raw["duration"] = [got["duration_min"], got["duration_max"]]
            raw["probability"] = got["probability"]
        elif effect == "stoppage":
            raw["start"] = _month(got["start"], year)
            raw["until"] = _month(got["until"], year)
        else:
            raw["months"] = [_month(got["from"], year), _month(got["to"], year)]
            key = "max_share_per_month" if effect == "cap" else "factor"
            raw[key] = got[key]
        effects.append(raw)
    described = "; ".join(_describe(e) for e in effects)
    return {
        "name": name,
        "description": f"Set in the explorer: {described}.",
        "year": year,
        "effects": effects,
    }


def _describe(effect: dict[str, Any]) -> str:
    """One effect in a few words, for the scenario's description."""
    keys = ", ".join(f"{k} {v}" for k, v in effect.items() if k != "type")
    return f"{effect['type']} ({keys})"


def scenario_toml(data: dict[str, Any]) -> str:
    """The text of the scenario file of ``data`` (what :func:`scenario_data` returns).

    ``tomllib.loads`` of the text gives ``data`` back (strings, whole and finite numbers,
    lists of them).
    """
    lines = [f"{key} = {_toml(data[key])}" for key in ("name", "description", "year")]
    for effect in data["effects"]:
        lines += ["", "[[effects]]", *(f"{key} = {_toml(value)}" for key, value in effect.items())]
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """A TOML value: a basic string (JSON's escapes are TOML's), a number, or an array of them."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a value of a scenario file")  # checked by the loader before
    return repr(value)


def save_scenario(data: dict[str, Any], folder: Path, filename: str, *, overwrite: bool) -> Path:
    """Write the scenario file ``folder / filename``; an existing file only with ``overwrite``.

    Parameters
    ----------
    data : dict
        A scenario's data, already accepted by ``parse_scenario``.
    folder : Path
        The folder files are saved in (``serve --out``); made if missing.
    filename : str
        A plain file name ending in ``.toml`` (no folder).
    overwrite : bool
        Replace a file of that name.

    Returns
    -------
    Path
        The file written.

    Raises
    ------
    DataValidationError
        If the name is not a plain ``.toml`` file name, or the file exists and ``overwrite`` is false.
    """
    name = (filename or "").strip()
    if not name.endswith(".toml") or name in (".toml",) or Path(name).name != name or name.startswith("."):
        raise DataValidationError(
            f"{filename!r} is not a file name ending in .toml (no folder): give e.g. my-scenario.toml "
            "(nothing was written)."
        )
    path = folder / name
    if path.exists() and not overwrite:
        raise DataValidationError(
            f"{path} exists already: tick 'replace an existing file' to overwrite it, or give another "
            "name (nothing was written)."
        )
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(scenario_toml(data), encoding="utf-8")
    return path
