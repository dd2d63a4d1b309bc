"""The name of an indicator (or region) in the reader's language, with a fallback to the other."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any


def display_name(zh: Any, en: Any, lang: str, ident: Any = "") -> str:
    """The name to show in ``lang``: its own, else the other language's, else the id.

    A catalogue may give a name in one language only (the loader leaves the other
    empty); a name equal to the id (as files written by earlier versions have) counts
    as no name too.

    Parameters
    ----------
    zh, en : str or None
        The Chinese and English names (``None``, NaN or ``""`` when absent).
    lang : {"zh", "en"}
        The reader's language.
    ident : str, optional
        The id; a name equal to it is no name.

    Returns
    -------
    str
        The name, or ``str(ident)`` when neither language has one.

    Examples
    --------
    >>> display_name("新建社区食堂", "a1", "en", "a1")
    '新建社区食堂'
    >>> display_name("", "Canteens", "zh"), display_name(None, "", "zh", "a1")
    ('Canteens', 'a1')
    """
    first, second = (zh, en) if lang == "zh" else (en, zh)
    for name in (first, second):
        if isinstance(name, str) and name.strip() and name != str(ident):
            return name
    return str(ident)


__all__ = ["closest_name", "display_name", "first_named"]


def closest_name(text: str, choices: Iterable[str]) -> str | None:
    """The choice closest to a misspelt ``text``, or None where none is close.

    :func:`difflib.get_close_matches` (as typed, then lower-cased). One character of a
    three-character Chinese name is a third of it (cutoff 0.6); Latin spellings are held closer
    (0.8), so that shenyang (not a prefecture) is not taken for hegang (ratio 0.71).

    Parameters
    ----------
    text : str
        What was written.
    choices : iterable of str
        Every accepted spelling.

    Returns
    -------
    str or None

    Examples
    --------
    >>> closest_name("harbn", ["harbin", "hegang"]), closest_name("哈尔宾市", ["哈尔滨市"])
    ('harbin', '哈尔滨市')
    >>> closest_name("shenyang", ["hegang"]) is None, closest_name("9a", ["19a", "09a"])
    (True, '09a')
    """
    options = list(choices)
    if "0" + text in options:  # an id typed without its leading zero: 9a for 09a (not 19a)
        return "0" + text
    cutoff = 0.6 if re.search(r"[\u4e00-\u9fff]", text) else 0.8
    close = difflib.get_close_matches(text, options, n=1, cutoff=cutoff) or (
        difflib.get_close_matches(text.lower(), options, n=1, cutoff=cutoff)
    )
    return close[0] if close else None


def indicator_names(catalog: Any, lang: str) -> dict[str, str]:
    """Indicator id -> its name in ``lang`` (the other language, then the id, where it has none).

    Parameters
    ----------
    catalog : Catalog
        Its ``table`` (columns ``indicator``, ``name_zh``, ``name_en``).
    lang : {"zh", "en"}

    Returns
    -------
    dict of str to str
    """
    rows = catalog.table.drop_duplicates("indicator")
    return {
        str(i): display_name(zh, en, lang, str(i))
        for i, zh, en in zip(rows["indicator"], rows["name_zh"], rows["name_en"], strict=True)
    }


def region_spelling(progress: Any) -> dict[str, str]:
    """Region id -> its spelling in the progress file (``read_progress``'s ``region_spelling`` attribute).

    Parameters
    ----------
    progress : xarray.Dataset
        Monthly progress; one without the attribute gives ``{}``.

    Returns
    -------
    dict of str to str
    """
    return dict(json.loads(str(progress.attrs.get("region_spelling", "") or "{}")))


def first_named(names: Sequence[str], shown: int = 8) -> str:
    """The first ``shown`` of ``names`` joined by commas, and how many more: ``"a, b (+3)"``.

    The one form of a long list of series in a warning (a line each stays readable).
    """
    more = f" (+{len(names) - shown})" if len(names) > shown else ""
    return ", ".join(names[:shown]) + more
