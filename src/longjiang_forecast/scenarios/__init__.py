"""Scenarios: what could go differently this year (TOML files in ``scenarios/``), compiled to arrays."""

from ._compile import CompiledScenario, compile_scenario
from ._scenario import EFFECT_TYPES, Effect, Scenario, baseline_scenario, load_scenario, parse_scenario

__all__ = [
    "EFFECT_TYPES",
    "CompiledScenario",
    "Effect",
    "Scenario",
    "baseline_scenario",
    "compile_scenario",
    "load_scenario",
    "parse_scenario",
]
