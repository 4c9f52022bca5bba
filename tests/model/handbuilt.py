"""A small hand-built kernel for unit tests of the phases: two parties, one armed group, one mediator.

``kernel(R)`` builds the typed parameters, topology and day-0 state of a tiny
scenario through the model's own builders, so a test can set any state by hand,
give the day's uniforms explicitly with :class:`GivenUniforms`, call one phase
and assert its exact effect.

Actors (trust-ledger order): north (party, index 0), south (party, 1),
rebels (armed group hosted by south, attacking north; 2), broker (mediator; 3).
Issues: security (crackdown issue of the rebels), trade.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from sim.model.parameters import Parameters, ParameterSampler, build_parameters
from sim.model.state import State, Topology, initial_state
from sim.scenario.schema import Scenario

SCENARIO: dict[str, Any] = {
    "name": "hand-built",
    "start_date": "2025-01-01",
    "horizon_days": 30,
    "issues": {"security": {"description": "crackdown on the rebels"}, "trade": {"description": "open border"}},
    "actors": {
        "north": {
            "role": "party", "name": "North", "adversary": "south",
            "priorities": {"security": 3.0, "trade": 1.0}, "positions": {"security": 1.0, "trade": 0.5},
            "trust": {"south": {"initial": 0.3, "certainty": 10.0}, "broker": {"initial": 0.6, "certainty": 10.0}},
            "military_strength": 3.0, "war_cost": 0.4, "cost_tolerance": 0.3, "sucker_cost": 0.3,
            "strikes": {"baseline_prob_per_day": 0.01, "casualty_elasticity": 0.5, "distrust_weight": 1.0,
                        "civilian_casualties_per_strike": 4.0, "sanctuary_damage_per_strike": 0.1},
            "retaliation": {"baseline_prob": 0.2, "resentment_weight": 0.5, "distrust_weight": 1.0,
                            "casualties_per_retaliation": 3.0, "prestige_gain": 0.01},
            "domestic": {"reference_casualties_30d": 20.0, "initial_support": 0.5, "rally_per_civilian_casualty": 0.002,
                         "support_tolerance_weight": 0.5, "resentment_per_civilian_casualty": 0.02,
                         "resentment_half_life_days": 30.0},
            "delegation": {"principal_override_prob": 0.1, "walkout_propensity": 0.3},
            "open_war": {"threatened": True, "strike_boost": 0.5, "baseline_prob_per_day": 0.001,
                         "casualty_elasticity": 0.5, "strikes_suffered_weight": 0.3, "distrust_weight": 1.0,
                         "talks_failed_boost": 1.5, "threat_boost": 1.5, "support_weight": 2.0},
        },
        "south": {
            "role": "party", "name": "South", "adversary": "north",
            "priorities": {"security": 1.0, "trade": 1.0}, "positions": {"security": 0.2, "trade": 1.0},
            "hardline_positions": {"security": 0.0},
            "trust": {"north": {"initial": 0.25, "certainty": 8.0}, "broker": {"initial": 0.7, "certainty": 12.0}},
            "military_strength": 1.0, "war_cost": 0.5, "cost_tolerance": 0.7, "regional_pressure": 0.2,
            "sucker_cost": 0.25,
            "strikes": {"baseline_prob_per_day": 0.005, "civilian_casualties_per_strike": 2.0,
                        "sanctuary_damage_per_strike": 0.0},
            "retaliation": {"baseline_prob": 0.4, "casualties_per_retaliation": 5.0, "prestige_gain": 0.03},
            "domestic": {"rally_per_civilian_casualty": 0.004, "resentment_per_civilian_casualty": 0.05,
                         "resentment_half_life_days": 45.0},
            "delegation": {"principal_override_prob": 0.3, "walkout_propensity": 0.2},
            "decree": {"hazard_per_day": 0.001, "resentment_weight": 0.01, "retaliation_boost": 1.0},
        },
        "rebels": {
            "role": "armed_group", "name": "Rebels", "host": "south", "target": "north",
            "trust": {"south": {"initial": 0.8, "certainty": 20.0}},
            "attack_rate_per_day": 1.5, "casualties_per_attack": 2.0, "sanctuary": 0.9,
            "sanctuary_recovery_half_life_days": 20.0, "spoiler_sensitivity": 1.0, "ideological_alignment": 0.6,
            "crackdown_issue": "security", "crackdown_effect_per_day": 0.01, "decree_multiplier": 1.5,
            "recruitment_per_civilian_casualty": 0.01,
        },
        "broker": {
            "role": "mediator", "name": "Broker", "style": "facilitation", "leverage": 0.4, "monitoring": 0.3,
            "bias": {"north": 1.0, "south": 1.0},
            "inducement": {"value": 0.2, "issue": "trade", "conditional_on_compliance": True},
            "engagement": {"from_day": 0},
            "last_ditch": {"restart_prob": 0.5, "restart_delay_days": 5, "new_venue": True},
        },
    },
    "talks": {"calendar": [{"day": 3}, {"day": 10}], "collapse": {"first_failure_prob": 0.3}},
    "ceasefire": {"breakdown_window_days": 5, "breakdown_violation_days": 2,
                  "background_breakdown_prob_per_day": 0.001},
}
NORTH, SOUTH = 0, 1
"""Party indices."""
REBELS_ACTOR, BROKER_ACTOR = 2, 3
"""Trust-ledger indices of the group and the mediator."""


def scenario(changes: dict[str, Any] | None = None) -> Scenario:
    """The hand-built scenario, with ``changes`` merged in (nested dicts merge key by key)."""
    data = copy.deepcopy(SCENARIO)

    def merge(into: dict[str, Any], new: dict[str, Any]) -> None:
        for key, value in new.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value

    merge(data, changes or {})
    return Scenario.model_validate(data)


@dataclass
class Kernel:
    """Everything a phase takes but the uniforms and the day."""

    state: State
    parameters: Parameters
    topology: Topology
    calendar: np.ndarray


def kernel(n_replications: int = 3, changes: dict[str, Any] | None = None, day: int = 1) -> Kernel:
    """The hand-built kernel on the morning of ``day`` (the trust ledger advanced to it)."""
    spec = scenario(changes)
    sampler = ParameterSampler(0, np.arange(n_replications))
    topology = Topology.from_scenario(spec)
    parameters = build_parameters(spec, sampler)
    calendar = parameters.schedule.days  # each replication's calendar, (C, R)
    state = initial_state(spec, topology, parameters, calendar, sampler)
    state.day = day
    state.trust.advance(day)
    return Kernel(state, parameters, topology, calendar)


class GivenUniforms:
    """Today's uniforms, given by the test: ``GivenUniforms(R, strike=[[...], [...]], shock=0.9)``.

    Each keyword is a rule (``strike``, ``attacks``, ...) or a single stream
    (``shock``); values broadcast to (A, R) for a rule over A actors, or (R,).
    A rule the test did not give raises KeyError, so that no phase draws
    uniforms the test did not think about.
    """

    def __init__(self, n_replications: int, **given: Any) -> None:
        self.n = n_replications
        self.given = {k: np.asarray(v, dtype=float) for k, v in given.items()}
        self.asked: list[str] = []

    def rows(self, rule: str, actor_ids: list[str]) -> np.ndarray:
        self.asked.append(rule)
        if rule not in self.given:
            raise KeyError(f"the test gave no uniforms for rule {rule!r}")
        return np.broadcast_to(self.given[rule], (len(actor_ids), self.n)).copy()

    def __getitem__(self, name: str) -> np.ndarray:
        self.asked.append(name)
        if name not in self.given:
            raise KeyError(f"the test gave no uniforms for stream {name!r}")
        return np.broadcast_to(self.given[name], (self.n,)).copy()
