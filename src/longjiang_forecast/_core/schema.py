"""Names shared by every stage: dimensions, indicator kinds, comparators.

See ``docs/design/dimensions.md`` for the vocabulary.
"""

from __future__ import annotations

from typing import Any, Final, Literal

#: Dimension names used by every Dataset the library returns.
INDICATOR: Final = "indicator"
REGION: Final = "region"
MONTH: Final = "month"
DRAW: Final = "draw"
SERIES: Final = "series"
QUANTILE: Final = "quantile"

#: Region id of the provincial total.
PROVINCE: Final = "province"

#: How a state's ``target_basis`` begins for a prefecture whose target is the provincial row's,
#: split (counts: by population) or copied (levels, means, changes): not the prefecture's own plan.
SPLIT_TARGET_BASIS: Final = "split of the provincial target"

Kind = Literal["cumulative", "level", "annual_mean", "change", "milestone", "qualitative"]

#: Indicator kinds and what their monthly value means.
KINDS: Final[dict[str, str]] = {
    "cumulative": "count accumulated since 1 January (households, km, stations, persons)",
    "level": "level or ratio reached at the deadline (coverage %, places per 1,000 people)",
    "annual_mean": "mean over the calendar year of monthly means (e.g. PM2.5 in μg/m³)",
    "change": "percent change of the annual mean against the previous year",
    "milestone": "number of named projects started or finished (each counts once)",
    "qualitative": "no number to forecast; kept in the catalogue, marked not forecastable",
}

#: Kinds the simulator can forecast.
FORECASTABLE_KINDS: Final = ("cumulative", "level", "annual_mean", "change", "milestone")

#: Kinds whose monthly value is a running total that may never fall.
MONOTONE_KINDS: Final = ("cumulative", "milestone")

#: The catalogue's standard tags (``tags`` column, ``;``-separated) and what they mean. Scenarios select
#: series by them; ``outdoor``, ``heating`` and ``construction`` also set the season of the models'
#: reference profile (work from April to October). See docs/getting-started.md#tags.
STANDARD_TAGS: Final[dict[str, str]] = {
    "outdoor": "outdoor construction due under the October rule (stops in winter)",
    "heating": "heating work, due by the start of the heating period",
    "construction": "building work (seasonal, indoors or out)",
    "employment": "jobs and incomes",
    "education": "schools and places",
    "health": "health care",
    "elderly": "care of the elderly",
    "infrastructure": "networks and utilities",
    "environment": "air, water and soil",
    "transport": "roads, bridges and vehicles",
}


def tag_set(tags: Any) -> set[str]:
    """The tags of a catalogue row's ``tags`` cell (``;``-separated), each stripped: the one reading of it."""
    return {tag.strip() for tag in str(tags or "").split(";")}


Comparator = Literal[">=", "<="]
COMPARATORS: Final = (">=", "<=")

#: How a series goes on in the simulator (the ``dynamics`` variable of a model's draws).
DYNAMICS: Final = ("gamma", "dirichlet", "lognormal", "binomial", "none")

#: The variables of every model's parameter draws (``sample_parameters``) and their dims, in order.
#: A model may add per-series diagnostics (dims ``(series,)``) after them.
DRAWS_VARIABLES: Final[dict[str, tuple[str, ...]]] = {
    "dynamics": (SERIES,),
    "start": (SERIES,),
    "gamma_shape": (SERIES, MONTH),
    "gamma_scale": (DRAW, SERIES),
    "annual_total": (DRAW, SERIES),
    "hazard": (DRAW, SERIES),
    "total": (SERIES,),
    "p_all_done": (DRAW, SERIES),
    "expected_done": (DRAW, SERIES),
    "log_mean": (SERIES, MONTH),
    "year_effect": (DRAW, SERIES),
    "log_sd": (SERIES,),
    "transform": (SERIES,),
    "baseline": (SERIES,),
    "basis": (SERIES,),
    "reason": (SERIES,),
}


def check_draws_schema(draws: Any) -> None:
    """Raise unless ``draws`` holds every variable of :data:`DRAWS_VARIABLES` with its dims.

    Parameters
    ----------
    draws : xarray.Dataset
        A model's parameter draws.

    Raises
    ------
    ValueError
        Naming the first missing variable, or one with other dims, or an unknown ``dynamics``.
    """
    for name, dims in DRAWS_VARIABLES.items():
        if name not in draws.data_vars:
            raise ValueError(f"The parameter draws lack the variable '{name}' {dims}.")
        if tuple(draws[name].dims) != dims:
            raise ValueError(
                f"The variable '{name}' of the parameter draws must have dims {dims}; "
                f"got {tuple(draws[name].dims)}."
            )
    unknown = set(draws["dynamics"].values.tolist()) - set(DYNAMICS)
    if unknown:
        raise ValueError(
            f"The parameter draws have unknown dynamics {sorted(unknown)}; known: {list(DYNAMICS)}."
        )


#: The columns every progress file has (``progress.read_progress``); here, below both stages, so that
#: the catalogue reader can tell a progress file given as a catalogue without importing ``progress``.
PROGRESS_COLUMNS: Final = ("indicator", "region", "month", "value")

#: The ``note`` of every row of ``longjiang-forecast template``'s example progress file, by
#: language: a forecast warns, and an ingest into the report store refuses, while rows carry it.
EXAMPLE_NOTE: Final[dict[str, str]] = {
    "en": "EXAMPLE value: replace with the reported figure",
    "zh": "示例数值：请替换为报告的数值",
}

#: Other names of a progress file's columns (the office's Chinese headers), matched after strip and
#: lower-case.
PROGRESS_HEADER_ALIASES: Final[dict[str, str]] = {
    **dict.fromkeys(("指标", "指标编号", "指标代码", "指标id", "编号"), "indicator"),
    **dict.fromkeys(("地区", "区域", "地市", "市地", "行政区"), "region"),
    **dict.fromkeys(("月份", "月度", "统计月份", "报告月份", "时间"), "month"),
    **dict.fromkeys(("数值", "完成值", "累计完成", "完成数", "值", "数据"), "value"),
    **dict.fromkeys(("报送日期", "填报日期", "上报日期"), "reported_on"),
    **dict.fromkeys(("备注", "说明"), "note"),
}
