"""Scenario data for tests: small synthetic scenarios with closed-form outcomes."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from sim.scenario.schema import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
BASELINE = SCENARIOS / "pakistan_afghanistan_2025.yaml"


def minimal_scenario_data() -> dict[str, Any]:
    """Two parties and one armed group with every feedback switched off.

    Strikes, retaliation, open war, talks, decrees and learning are off, so outcomes have
    closed forms: the ceasefire breaks only by the background hazard, and attacks
    are Poisson with a constant rate.
    """
    quiet_party = {
        "role": "party",
        "priorities": {"security": 1.0},
        "positions": {"security": 0.5},
        "strikes": {"baseline_prob_per_day": 0.0, "casualty_elasticity": 0.0, "distrust_weight": 0.0},
        "retaliation": {"baseline_prob": 0.0, "resentment_weight": 0.0, "distrust_weight": 0.0},
        "open_war": {"baseline_prob_per_day": 0.0, "casualty_elasticity": 0.0, "strikes_suffered_weight": 0.0,
                     "distrust_weight": 0.0, "talks_failed_boost": 0.0, "threat_boost": 0.0, "support_weight": 0.0},
    }
    return {
        "name": "minimal",
        "start_date": "2025-01-01",
        "horizon_days": 100,
        "issues": {"security": {"description": "test issue"}},
        "actors": {
            "north": {**copy.deepcopy(quiet_party), "name": "North", "adversary": "south"},
            "south": {**copy.deepcopy(quiet_party), "name": "South", "adversary": "north"},
            "rebels": {
                "role": "armed_group", "name": "Rebels", "host": "south", "target": "north",
                "attack_rate_per_day": 2.0, "spoiler_sensitivity": 0.0, "recruitment_per_civilian_casualty": 0.0,
            },
        },
        "ceasefire": {"background_breakdown_prob_per_day": 0.01},
    }


def make_scenario(data: dict[str, Any]) -> Scenario:
    scenario = Scenario.model_validate(data)
    problems = scenario.semantic_errors()
    if problems:
        raise ValueError(problems)
    return scenario
