"""ceasefire-sim: an agent-based simulator of the odds that a ceasefire holds.

Public API::

    import sim
    scenario = sim.load_scenario("scenarios/pakistan_afghanistan_2025.yaml")
    result = sim.run(scenario, n_replications=10_000, seed=1)
    result.summary()["p_hold"]

The names below are imported on first use (PEP 562), so that each command loads
only what it needs, and the command line's first step (``sim.guard``) can handle
Ctrl-C before numpy, pandas and the model are loaded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import load_scenario, run
    from .results import RunResult
    from .scenario.loader import ScenarioError, ScenarioWarning
    from .scenario.schema import Scenario

_EXPORTS = {
    "load_scenario": ".api",
    "run": ".api",
    "RunResult": ".results",
    "ScenarioError": ".scenario.loader",
    "ScenarioWarning": ".scenario.loader",
    "Scenario": ".scenario.schema",
}
__all__ = ["load_scenario", "run", "RunResult", "Scenario", "ScenarioError", "ScenarioWarning"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
