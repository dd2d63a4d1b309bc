"""The scenario comparison on a terminal: P(met) under the baseline and each scenario, and the change."""

from __future__ import annotations

import io
from collections.abc import Mapping

import pandas as pd

from ._text import scenario_name

#: Headers of the scenario table, per language.
SCENARIO_HEADERS: dict[str, dict[str, str]] = {
    "en": {"indicator": "id", "name": "name", "cell": "P(met) (change)"},
    "zh": {"indicator": "编号", "name": "名称", "cell": "达标概率（变化）"},
}


def format_change(delta: float) -> str:
    """A change of P(met) with its sign and two decimals: ``"+0.05"``, ``"−0.12"``.

    A change of exactly 0 (a series no effect of the scenario touches) is ``"0"``; a
    change that rounds to zero is ``"0.00"``, never ``"-0.00"``; a missing one ``"–"``.

    Examples
    --------
    >>> format_change(0.0), format_change(-0.001), format_change(-0.1234), format_change(0.05)
    ('0', '0.00', '−0.12', '+0.05')
    """
    x = float(delta)
    if x != x:
        return "–"
    if x == 0:
        return "0"
    text = f"{abs(x):.2f}"
    if text == "0.00":
        return text
    return ("+" if x > 0 else "−") + text


def scenario_view(
    table: pd.DataFrame, *, lang: str, names: Mapping[str, str] | None = None, region: str = "province"
) -> pd.DataFrame:
    """The scenario comparison of one region as text, one row per indicator.

    Parameters
    ----------
    table : pandas.DataFrame
        :meth:`ScenarioComparison.table` (``indicator``, ``region``, ``scenario``,
        ``p_met``, ``delta_vs_baseline``; ``touched``, where given, shows a change of exactly 0 of
        a series the scenario touches as "0.00", keeping "0" for the series it does not touch).
    lang : {"zh", "en"}
    names : mapping of str to str, optional
        Indicator id -> its name in ``lang``; the id where missing.
    region : str, default "province"
        The region shown.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator``, ``name``, then the baseline's P(met) and, per scenario in the
        table's order, "P(met) (change)" (:func:`format_change`); headers are the scenario
        names (the baseline's in ``lang``). All str.
    """
    rows = table[table["region"] == region]
    order = list(dict.fromkeys(rows["scenario"]))
    names = names or {}
    out = {}
    for ind, group in rows.groupby("indicator", sort=False):
        by = group.set_index("scenario")
        record = {"indicator": str(ind), "name": names.get(str(ind), str(ind))}
        for name in order:
            p = float(by.loc[name, "p_met"]) if name in by.index else float("nan")
            shown = "–" if p != p else f"{p:.2f}"
            if name != "baseline" and p == p:
                change = format_change(by.loc[name, "delta_vs_baseline"])
                touched = "touched" in by.columns and bool(by.loc[name, "touched"])
                if change == "0" and touched:
                    change = "0.00"  # touched, and no path moved: "0" says the scenario touches nothing
                shown += f" ({change})"
            record[scenario_name(name, lang)] = shown
        out[str(ind)] = record
    return pd.DataFrame(
        list(out.values()), columns=["indicator", "name", *(scenario_name(n, lang) for n in order)]
    )


def render_scenarios(
    table: pd.DataFrame, *, lang: str, names: Mapping[str, str] | None = None, width: int = 100
) -> str:
    """The province's scenario comparison as console text no wider than ``width`` columns.

    Parameters
    ----------
    table, lang, names
        As for :func:`scenario_view`.
    width : int
        Terminal width in columns (Chinese characters count two); names wrap within
        their column.

    Returns
    -------
    str
        The table (laid out by ``rich``, no colour codes), each line at most ``width``
        columns wide, ending in a newline.
    """
    from rich import box
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    view = scenario_view(table, lang=lang, names=names)
    heads = SCENARIO_HEADERS[lang]
    grid = Table(box=box.SIMPLE_HEAD, pad_edge=False, padding=0, show_edge=False)  # columns 1 space apart
    # Numbers never wrap; a scenario's name in the header wraps where it is wider than its numbers
    # and the row is short of room; the indicator's name takes what is left (at least 10 columns).
    cells = {col: max(cell_len(str(v)) for v in view[col]) for col in view.columns if col != "name"}
    heads_len = {col: cell_len(str(heads.get(col, col))) for col in cells}
    widths = {col: max(cells[col], heads_len[col]) for col in cells}
    for col in view.columns[2:]:  # narrow the scenario columns to their numbers where room is short
        if width - sum(widths.values()) - len(widths) < 10:
            widths[col] = cells[col]
    grid.add_column(Text(heads["indicator"]), width=widths["indicator"], no_wrap=True)
    room = width - sum(widths.values()) - len(widths)  # the dividers: one space between columns
    grid.add_column(Text(heads["name"]), width=max(room, 10), overflow="fold")
    for col in view.columns[2:]:
        grid.add_column(Text(str(col)), justify="right", width=widths[col], overflow="fold")
    for rec in view.itertuples(index=False):
        grid.add_row(*(Text(str(v)) for v in rec))
    sink = io.StringIO()
    Console(file=sink, width=width, color_system=None, highlight=False, soft_wrap=False).print(grid)
    return "\n".join(line.rstrip() for line in sink.getvalue().splitlines()) + "\n"
