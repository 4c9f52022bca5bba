"""ceasefire-sim: an agent-based simulator of the odds that a ceasefire holds.

Public API::

    import sim
    scenario = sim.load_scenario("scenarios/pakistan_afghanistan_2025.yaml")
    result = sim.run(scenario, n_replications=10_000, seed=1)
    result.summary()["p_hold"]
"""

from __future__ import annotations

from .api import load_scenario, run
from .results import RunResult
from .scenario.loader import ScenarioError
from .scenario.schema import Scenario

__all__ = ["load_scenario", "run", "RunResult", "Scenario", "ScenarioError"]
__version__ = "0.1.0"
