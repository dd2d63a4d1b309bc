"""Monte Carlo simulation of the remaining months: parameter draws -> paths."""

from ._labelled import BLOCK_SIZE, simulate

__all__ = ["BLOCK_SIZE", "simulate"]
