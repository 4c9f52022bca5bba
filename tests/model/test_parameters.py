"""Parameters (sim.model.parameters): stacking by actor kind, NONE sentinels, per-replication draws.

Every numeric field of the schema must reach the model: the test walks the
schema, lists every numeric field's path in the hand-built scenario and checks
that the builders ask the sampler for each one (and for nothing else).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel
from pydantic.functional_validators import PlainValidator

from handbuilt import NORTH, SOUTH, kernel, scenario
from sim.model import parameters as parameters_module
from sim.model.parameters import NONE, STYLES, ParameterSampler, build_parameters
from sim.model.state import Topology, initial_state
from sim.model.streams import parameter_uniforms
from sim.scenario import schema
from sim.scenario.schema import ArmedGroup, Mediator, Party

RTOL = 1e-12


# ----------------------------------------------------------------------------- stacking

def test_party_fields_are_stacked_in_file_order_one_column_when_nothing_is_drawn():
    p = kernel(3).parameters.parties
    np.testing.assert_array_equal(p.core.military_strength, [[3.0], [1.0]])
    np.testing.assert_array_equal(p.core.regional_pressure, [[0.0], [0.2]])
    np.testing.assert_array_equal(p.strikes.baseline_prob_per_day, [[0.01], [0.005]])
    np.testing.assert_array_equal(p.strikes.sanctuary_damage_per_strike, [[0.1], [0.0]])
    np.testing.assert_array_equal(p.retaliation.prestige_gain, [[0.01], [0.03]])
    np.testing.assert_array_equal(p.domestic.resentment_half_life_days, [[30.0], [45.0]])
    np.testing.assert_array_equal(p.delegation.principal_override_prob, [[0.1], [0.3]])
    np.testing.assert_array_equal(p.decree.hazard_per_day, [[0.0], [0.001]])
    np.testing.assert_array_equal(p.open_war.declare_prob_on_collapse, [[0.5], [0.3]])
    assert p.core.military_strength.shape == (2, 1) and p.core.military_strength.dtype == float


def test_a_field_one_actor_draws_is_one_column_per_replication_for_every_actor():
    k = kernel(3, {"actors": {"south": {"war_cost": {"dist": "uniform", "low": 0.2, "high": 0.6}}}})
    war_cost = k.parameters.parties.core.war_cost
    assert war_cost.shape == (2, 3)
    np.testing.assert_array_equal(war_cost[0], [0.4, 0.4, 0.4])  # north's number fills its row
    assert np.all((war_cost[1] >= 0.2) & (war_cost[1] <= 0.6)) and np.unique(war_cost[1]).size == 3
    assert k.parameters.parties.core.cost_tolerance.shape == (2, 1)  # other fields stay one column


def test_issue_priorities_positions_and_strength_shares():
    p = kernel(2).parameters.parties
    np.testing.assert_allclose(p.priorities, [[0.75, 0.25], [0.5, 0.5]], rtol=RTOL)
    np.testing.assert_array_equal(p.positions[:, :, 0], [[1.0, 0.5], [0.2, 1.0]])
    np.testing.assert_array_equal(p.hardline_positions[:, :, 0], [[1.0, 0.5], [0.0, 1.0]])
    assert p.positions.shape == (2, 2, 1)
    np.testing.assert_allclose(p.strength_share, [[0.75], [0.25]], rtol=RTOL)
    small = kernel(1, {"actors": {"north": {"military_strength": 0.3}, "south": {"military_strength": 0.2}}})
    np.testing.assert_allclose(small.parameters.parties.strength_share, [[0.6], [0.4]], rtol=RTOL)
    weak = kernel(1, {"actors": {"north": {"military_strength": 0.0}, "south": {"military_strength": 0.0}}})
    np.testing.assert_allclose(weak.parameters.parties.strength_share, [[0.5], [0.5]], rtol=RTOL)


def test_an_issue_a_party_does_not_list_has_no_priority():
    spec = scenario()
    del spec.actors["north"].priorities["trade"]
    p = build_parameters(spec, ParameterSampler(0, np.arange(1))).parties
    np.testing.assert_allclose(p.priorities, [[1.0, 0.0], [0.5, 0.5]], rtol=RTOL)


def test_party_switches_and_days():
    p = kernel(1).parameters.parties
    np.testing.assert_array_equal(p.war_threatened, [True, False])
    np.testing.assert_array_equal(p.war_decision_window_days, [10, 14])
    assert p.war_decision_window_days.dtype == np.int64


def test_group_and_mediator_fields_stacked():
    params = kernel(2).parameters
    g = params.groups
    np.testing.assert_array_equal(g.attack_rate_per_day, [[1.5]])
    np.testing.assert_array_equal(g.ideological_alignment, [[0.6]])
    np.testing.assert_array_equal(g.recruitment_per_civilian_casualty, [[0.01]])
    m = params.mediators
    np.testing.assert_array_equal(m.core.leverage, [[0.4]])
    np.testing.assert_array_equal(m.core.monitoring, [[0.3]])
    np.testing.assert_array_equal(m.inducement.value, [[0.2]])
    np.testing.assert_array_equal(m.last_ditch.restart_prob, [[0.5]])
    np.testing.assert_array_equal(m.style, [[True], [False], [False]])
    assert STYLES == ("facilitation", "formulation", "manipulation")
    np.testing.assert_array_equal(m.inducement_conditional, [True])
    np.testing.assert_array_equal(m.restart_delay_days, [5])
    np.testing.assert_array_equal(m.restart_new_venue, [True])


def test_whole_scenario_blocks():
    params = kernel(1).parameters
    assert params.talks.acceptance_temperature == 0.05 and params.talks.new_venue_bonus == 0.05
    assert params.learning.broken_commitment_evidence == 2.0 and params.learning.memory_half_life_days == 60.0
    assert params.mediation.inducement_restraint == 4.0
    assert params.max_stalled_rounds == 2
    assert params.breakdown_window_days == 5 and params.breakdown_violation_days == 2
    assert params.background_breakdown_prob_per_day == 0.001
    assert params.spoiler_attacks_are_violations is False
    assert params.sampled == {}


@pytest.mark.parametrize("north, south, expected", [(3.0, 1.0, [0.75, 0.25]), (None, None, [0.5, 0.5]),
                                                    (2.0, None, [1.0, 0.0])])
def test_mediator_bias_normalized_over_parties(north, south, expected):
    bias = {k: v for k, v in (("north", north), ("south", south)) if v is not None}
    two = {"actors": {"broker": {"bias": bias},
                      "envoy": {"role": "mediator", "name": "Envoy", "bias": {"north": 1.0, "south": 3.0}}}}
    spec = scenario(two)
    spec.actors["broker"].bias.clear()
    spec.actors["broker"].bias.update(bias)
    m = build_parameters(spec, ParameterSampler(0, np.arange(1))).mediators
    np.testing.assert_allclose(m.bias, np.array([expected, [0.25, 0.75]]).T, rtol=RTOL)


# ----------------------------------------------------------------------------- NONE sentinels

def test_none_sentinels_and_given_values():
    params = kernel(1).parameters
    assert NONE == -1
    np.testing.assert_array_equal(params.parties.decree_fixed_day, [NONE, NONE])
    np.testing.assert_array_equal(params.group_crackdown_issue, [0])  # security
    np.testing.assert_array_equal(params.mediators.inducement_issue, [1])  # trade
    np.testing.assert_array_equal(params.mediators.engaged_from_day, [0])
    np.testing.assert_array_equal(params.mediators.join_after_stalled_rounds, [NONE])
    other = kernel(1, {"actors": {"south": {"decree": {"fixed_day": 7}}, "rebels": {"crackdown_issue": "trade"},
                                  "broker": {"inducement": {"issue": None},
                                             "engagement": {"from_day": None, "join_after_stalled_rounds": 2}}}})
    params = other.parameters
    np.testing.assert_array_equal(params.parties.decree_fixed_day, [NONE, 7])
    np.testing.assert_array_equal(params.group_crackdown_issue, [1])
    np.testing.assert_array_equal(params.mediators.inducement_issue, [NONE])
    np.testing.assert_array_equal(params.mediators.engaged_from_day, [NONE])
    np.testing.assert_array_equal(params.mediators.join_after_stalled_rounds, [2])
    for a in (params.parties.decree_fixed_day, params.group_crackdown_issue, params.mediators.inducement_issue):
        assert a.dtype == np.int64
    none = kernel(1, {"actors": {"rebels": {"crackdown_issue": None}}}).parameters
    np.testing.assert_array_equal(none.group_crackdown_issue, [NONE])


# ----------------------------------------------------------------------------- distributions

UNCERTAIN = {"actors": {"north": {"strikes": {"pressure_weight": {"dist": "uniform", "low": 0.2, "high": 0.8}}},
                        "rebels": {"sanctuary": {"dist": "uniform", "low": 0.5, "high": 1.0}}},
             "talks": {"walkout_margin": {"dist": "uniform", "low": 0.0, "high": 0.2}},
             "ceasefire": {"background_breakdown_prob_per_day": {"dist": "uniform", "low": 0.0, "high": 0.01}}}


def test_distributions_drawn_once_per_replication_from_their_own_stream():
    spec = scenario(UNCERTAIN)
    reps = np.arange(6)
    params = build_parameters(spec, ParameterSampler(7, reps))

    def expected(path, low, high):
        return low + (high - low) * parameter_uniforms(7, reps, path)

    np.testing.assert_allclose(params.parties.strikes.pressure_weight[NORTH],
                               expected("actors.north.strikes.pressure_weight", 0.2, 0.8), rtol=RTOL)
    np.testing.assert_array_equal(params.parties.strikes.pressure_weight[SOUTH], 1.0)
    np.testing.assert_allclose(params.groups.sanctuary[0], expected("actors.rebels.sanctuary", 0.5, 1.0), rtol=RTOL)
    np.testing.assert_allclose(params.talks.walkout_margin, expected("talks.walkout_margin", 0.0, 0.2), rtol=RTOL)
    np.testing.assert_allclose(params.background_breakdown_prob_per_day,
                               expected("ceasefire.background_breakdown_prob_per_day", 0.0, 0.01), rtol=RTOL)
    assert np.unique(params.groups.sanctuary[0]).size == reps.size
    assert sorted(params.sampled) == sorted(["actors.north.strikes.pressure_weight", "actors.rebels.sanctuary",
                                             "talks.walkout_margin", "ceasefire.background_breakdown_prob_per_day"])
    np.testing.assert_array_equal(params.sampled["actors.rebels.sanctuary"], params.groups.sanctuary[0])
    # A replication's draws do not depend on which other replications are built with it.
    some = build_parameters(spec, ParameterSampler(7, np.array([2, 5])))
    np.testing.assert_array_equal(some.groups.sanctuary[0], params.groups.sanctuary[0, [2, 5]])


def test_initial_support_and_sanctuary_draws_reach_the_state():
    spec = scenario({"actors": {"rebels": {"sanctuary": {"dist": "uniform", "low": 0.5, "high": 1.0}},
                                "south": {"domestic": {"initial_support": {"dist": "uniform", "low": 0.2,
                                                                           "high": 0.4}}}}})
    sampler = ParameterSampler(3, np.arange(4))
    params = build_parameters(spec, sampler)
    topology = Topology.from_scenario(spec)
    state = initial_state(spec, topology, params, np.array([3, 10]), sampler)
    np.testing.assert_array_equal(state.groups.capacity, params.groups.sanctuary)
    np.testing.assert_array_equal(state.parties.support[SOUTH], params.parties.domestic.initial_support[SOUTH])
    assert state.groups.capacity is not params.groups.sanctuary
    assert state.parties.support is not params.parties.domestic.initial_support


# ----------------------------------------------------------------------------- every field consumed

def numeric_paths(model: type[BaseModel], spec: Any, prefix: str) -> set[str]:
    """Paths of every numeric (number-or-distribution) field of a spec, recursively, trust entries included."""
    out = set()
    for name, field in model.model_fields.items():
        value = getattr(spec, name)
        if any(isinstance(m, PlainValidator) and m.func is schema._parse_number for m in field.metadata):
            out.add(f"{prefix}.{name}")
        elif isinstance(value, schema.Spec):
            out |= numeric_paths(type(value), value, f"{prefix}.{name}")
        elif name == "trust":
            for other, entry in value.items():
                out |= numeric_paths(type(entry), entry, f"{prefix}.trust.{other}")
    return out


def test_every_numeric_schema_field_is_consumed(monkeypatch):
    spec = scenario()
    asked: list[str] = []
    original = ParameterSampler.value

    def recording(self, value, path):
        asked.append(path)
        return original(self, value, path)

    monkeypatch.setattr(parameters_module.ParameterSampler, "value", recording)
    sampler = ParameterSampler(0, np.arange(2))
    params = build_parameters(spec, sampler)
    initial_state(spec, Topology.from_scenario(spec), params, np.array([3, 10]), sampler)
    expected = set()
    for aid, actor in spec.actors.items():
        assert isinstance(actor, (Party, ArmedGroup, Mediator))
        expected |= numeric_paths(type(actor), actor, f"actors.{aid}")
    for name in ("trust_learning", "talks", "mediation", "ceasefire", "default_trust"):
        block = getattr(spec, name)
        expected |= numeric_paths(type(block), block, name)
    assert "actors.north.strikes.pressure_weight" in expected and "actors.north.trust.south.certainty" in expected
    missing = expected - set(asked)
    assert not missing, f"numeric fields the model never reads: {sorted(missing)}"
    extra = set(asked) - expected
    assert not extra, f"paths read that are not numeric schema fields: {sorted(extra)}"
    assert len(asked) == len(set(asked)), "a field was drawn twice"


def test_strength_shares_per_replication_when_a_strength_is_drawn():
    k = kernel(4, {"actors": {"north": {"military_strength": {"dist": "uniform", "low": 1.0, "high": 5.0}}}})
    pp = k.parameters.parties
    strength = pp.core.military_strength
    assert strength.shape == (2, 4)
    np.testing.assert_allclose(pp.strength_share, strength / strength.sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(pp.strength_share.sum(axis=0), 1.0, rtol=RTOL)
