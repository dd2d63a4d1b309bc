"""Monte Carlo simulation of the remaining months: parameter draws -> paths or streamed summaries."""

from ._families import FAMILY_PARAMS, LINKS
from ._labelled import simulate
from ._scenario import apply_scenario, simulated_months
from ._stream import BLOCK_SIZE
from ._summary import DYNAMICS, DrawChunks, simulate_summary

__all__ = [
    "BLOCK_SIZE",
    "DYNAMICS",
    "FAMILY_PARAMS",
    "LINKS",
    "DrawChunks",
    "apply_scenario",
    "simulate",
    "simulate_summary",
    "simulated_months",
]
