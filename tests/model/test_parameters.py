"""Parameters (sim.model.parameters): stacking by actor kind, NONE sentinels, per-replication draws.

Every numeric field of the schema must reach the model: the test walks the
schema, lists every numeric field's path in the hand-built scenario and checks
that the builders ask the sampler for each one (and for nothing else).
"""

from __future__ import annotations

import types
import typing
from typing import Any

import numpy as np
import pytest
from pydantic.functional_validators import PlainValidator

from handbuilt import NORTH, SOUTH, kernel, scenario
from sim.model import parameters as parameters_module
from sim.model.parameters import NONE, STYLES, ParameterSampler, build_parameters
from sim.model.state import Topology, initial_state
from sim.model.streams import parameter_uniforms
from sim.scenario import schema

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
    np.testing.assert_array_equal(p.open_war.baseline_prob_per_day, [[0.001], [0.0001]])
    np.testing.assert_array_equal(p.strikes.casualty_elasticity, [[0.5], [1.0]])
    np.testing.assert_array_equal(p.domestic.reference_casualties_30d, [[20.0], [50.0]])
    np.testing.assert_array_equal(p.retaliation.lag_mean_days, [[1.0], [1.0]])
    np.testing.assert_array_equal(p.delegation.concession_per_round, [[0.1], [0.1]])
    np.testing.assert_array_equal(p.initial.casualties_last_30_days, [[0.0], [0.0]])
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
    assert p.war_threatened.dtype == bool
    np.testing.assert_array_equal(p.decree_fixed_day, [[NONE], [NONE]])
    drawn = kernel(4, {"actors": {"south": {"decree": {"fixed_day": {"dist": "uniform", "low": 5.0, "high": 9.0}}}}})
    fixed = drawn.parameters.parties.decree_fixed_day
    assert fixed.shape == (2, 4) and fixed.dtype == np.int64
    np.testing.assert_array_equal(fixed[NORTH], NONE)
    np.testing.assert_array_equal(fixed[SOUTH], np.rint(drawn.parameters.sampled["actors.south.decree.fixed_day"]))


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
    np.testing.assert_array_equal(m.last_ditch.restart_delay_days, [[5.0]])
    np.testing.assert_array_equal(m.engagement.join_prob, [[0.5]])
    np.testing.assert_array_equal(m.restart_new_venue, [True])
    np.testing.assert_array_equal(g.grievance_sensitivity, [[0.0]])
    np.testing.assert_array_equal(g.initial_sanctuary_damage, [[0.0]])


def test_whole_scenario_blocks():
    params = kernel(1).parameters
    assert params.talks.acceptance_temperature == 0.05 and params.talks.new_venue_bonus == 0.05
    assert params.talks.proposal_interval_days == 21.0 and params.talks.restart_fatigue == 0.7
    assert params.talks.progress_per_session == 0.1 and params.talks.agreement_strength == 0.5
    assert params.collapse.first_failure_prob == 0.3 and params.collapse.per_failed_round == 0.5
    assert params.learning.broken_commitment_evidence == 2.0 and params.learning.memory_half_life_days == 60.0
    assert params.mediation.inducement_restraint == 4.0
    assert params.durability.leverage_half_life_days == 60.0 and params.durability.regret_weight == 10.0
    assert params.durability.imposed_fragility == 1.0
    assert params.breakdown_window_days == 5 and params.breakdown_violation_days == 2
    assert params.background_breakdown_prob_per_day == 0.001
    assert params.attacks_count_as_violations == "never"
    assert params.attribution_prob_per_attack == 0.05 and params.provocation_ratio == 3.0
    assert params.ceasefire_strength == 0.2 and params.third_party_pressure == 0.0
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
    np.testing.assert_array_equal(params.parties.decree_fixed_day, [[NONE], [NONE]])
    np.testing.assert_array_equal(params.group_crackdown_issue, [0])  # security
    np.testing.assert_array_equal(params.mediators.inducement_issue, [1])  # trade
    np.testing.assert_array_equal(params.mediators.engaged_from_day, [[0]])
    np.testing.assert_array_equal(params.mediators.join_after_stalled_rounds, [[NONE]])
    other = kernel(1, {"actors": {"south": {"decree": {"fixed_day": 7}}, "rebels": {"crackdown_issue": "trade"},
                                  "broker": {"inducement": {"issue": None},
                                             "engagement": {"from_day": None, "join_after_stalled_rounds": 2}}}})
    params = other.parameters
    np.testing.assert_array_equal(params.parties.decree_fixed_day, [[NONE], [7]])
    np.testing.assert_array_equal(params.group_crackdown_issue, [1])
    np.testing.assert_array_equal(params.mediators.inducement_issue, [NONE])
    np.testing.assert_array_equal(params.mediators.engaged_from_day, [[NONE]])
    np.testing.assert_array_equal(params.mediators.join_after_stalled_rounds, [[2]])
    for a in (params.parties.decree_fixed_day, params.group_crackdown_issue, params.mediators.inducement_issue,
              params.mediators.engaged_from_day, params.mediators.join_after_stalled_rounds):
        assert a.dtype == np.int64
    none = kernel(1, {"actors": {"rebels": {"crackdown_issue": None}}}).parameters
    np.testing.assert_array_equal(none.group_crackdown_issue, [NONE])


# ----------------------------------------------------------------------------- distributions

UNCERTAIN = {"actors": {"north": {"strikes": {"casualty_elasticity": {"dist": "uniform", "low": 0.2, "high": 0.8}}},
                        "rebels": {"sanctuary": {"dist": "uniform", "low": 0.5, "high": 1.0}}},
             "talks": {"walkout_margin": {"dist": "uniform", "low": 0.0, "high": 0.2}},
             "ceasefire": {"background_breakdown_prob_per_day": {"dist": "uniform", "low": 0.0, "high": 0.01}}}


def test_distributions_drawn_once_per_replication_from_their_own_stream():
    spec = scenario(UNCERTAIN)
    reps = np.arange(6)
    params = build_parameters(spec, ParameterSampler(7, reps))

    def expected(path, low, high):
        return low + (high - low) * parameter_uniforms(7, reps, path)

    np.testing.assert_allclose(params.parties.strikes.casualty_elasticity[NORTH],
                               expected("actors.north.strikes.casualty_elasticity", 0.2, 0.8), rtol=RTOL)
    np.testing.assert_array_equal(params.parties.strikes.casualty_elasticity[SOUTH], 1.0)
    np.testing.assert_allclose(params.groups.sanctuary[0], expected("actors.rebels.sanctuary", 0.5, 1.0), rtol=RTOL)
    np.testing.assert_allclose(params.talks.walkout_margin, expected("talks.walkout_margin", 0.0, 0.2), rtol=RTOL)
    np.testing.assert_allclose(params.background_breakdown_prob_per_day,
                               expected("ceasefire.background_breakdown_prob_per_day", 0.0, 0.01), rtol=RTOL)
    assert np.unique(params.groups.sanctuary[0]).size == reps.size
    assert sorted(params.sampled) == sorted(["actors.north.strikes.casualty_elasticity", "actors.rebels.sanctuary",
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
    state = initial_state(spec, topology, params, params.schedule.days, sampler)
    np.testing.assert_array_equal(state.groups.capacity, params.groups.sanctuary)
    np.testing.assert_array_equal(state.parties.support[SOUTH], params.parties.domestic.initial_support[SOUTH])
    assert state.groups.capacity is not params.groups.sanctuary
    assert state.parties.support is not params.parties.domestic.initial_support


# ----------------------------------------------------------------------------- every field consumed

def is_number_field(field: Any) -> bool:
    """A Number field, or an optional one (Number | None: the validator sits inside the union's arguments)."""
    def validated(metadata: Any) -> bool:
        return any(isinstance(m, PlainValidator) and m.func is schema._parse_number for m in metadata)

    if validated(field.metadata):
        return True
    if typing.get_origin(field.annotation) not in (typing.Union, types.UnionType):
        return False  # a dict of Numbers (hostile_evidence) is walked key by key
    return any(validated(getattr(arg, "__metadata__", ())) for arg in typing.get_args(field.annotation))


def numeric_paths(spec: Any, prefix: str) -> set[str]:
    """Paths of every numeric (number-or-distribution) field under a spec, through sub-specs, dicts and lists."""
    out = set()
    for name, field in type(spec).model_fields.items():
        value = getattr(spec, name)
        path = f"{prefix}.{name}" if prefix else name
        if is_number_field(field):
            out.add(path)
        elif isinstance(value, schema.Spec):
            out |= numeric_paths(value, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(item, schema.Spec):
                    out |= numeric_paths(item, f"{path}.{key}")
                elif name == "hostile_evidence":  # a dict of Numbers
                    out.add(f"{path}.{key}")
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, schema.Spec):
                    out |= numeric_paths(item, f"{path}.{i}")
    return out


# Every optional block and every optional number present, so that each numeric field has a value to read (a
# field left None is listed but not read: the test then fails, so none can slip through unread).
EVERYTHING = {
    "actors": {
        "north": {"initial_state": {"casualties_last_30_days": 30.0, "hostile_evidence": {"south": 2.0}},
                  "decree": {"fixed_day": 9}},
        "south": {"decree": {"fixed_day": 12}},
        "rebels": {"attack_dispersion": 0.5, "casualty_dispersion": 0.3, "positions": {"security": 0.0}},
        "broker": {"engagement": {"join_after_stalled_rounds": 2}},
    },
    "talks": {"calendar": [{"day": 3, "delay_days": 1.0}, {"day": 10, "sessions": 2}]},
    "ceasefire": {"expiry": {"day": 40}, "incidents": {"mine": {"victim": "south", "rate_per_day": 0.01}}},
}


def test_every_numeric_schema_field_is_consumed(monkeypatch):
    spec = scenario(EVERYTHING)
    asked: list[str] = []
    original = ParameterSampler.value

    def recording(self, value, path):
        asked.append(path)
        return original(self, value, path)

    monkeypatch.setattr(parameters_module.ParameterSampler, "value", recording)
    sampler = ParameterSampler(0, np.arange(2))
    params = build_parameters(spec, sampler)
    initial_state(spec, Topology.from_scenario(spec), params, params.schedule.days, sampler)
    expected = numeric_paths(spec, "")
    for path in ("actors.north.strikes.casualty_elasticity", "actors.north.trust.south.certainty",
                 "actors.rebels.attack_dispersion", "actors.broker.engagement.join_after_stalled_rounds",
                 "actors.north.initial_state.hostile_evidence.south", "talks.calendar.1.delay_days",
                 "talks.collapse.first_failure_prob", "durability.regret_weight", "ceasefire.expiry.day",
                 "ceasefire.incidents.mine.resumption_days", "default_trust.certainty"):
        assert path in expected, path
    missing = expected - set(asked)
    assert not missing, f"numeric fields the model never reads: {sorted(missing)}"
    extra = set(asked) - expected
    assert not extra, f"paths read that are not numeric schema fields: {sorted(extra)}"
    assert len(asked) == len(set(asked)), "a field was drawn twice"


# ----------------------------------------------------------------------------- whole numbers

def test_whole_rounds_numbers_and_draws_and_keeps_none():
    sampler = ParameterSampler(2, np.arange(5))
    assert sampler.whole(3.4, "a") == 3 and sampler.whole(3.6, "a") == 4 and isinstance(sampler.whole(3.4, "a"), int)
    assert sampler.whole(2.5, "a") == 2 and sampler.whole(3.5, "a") == 4  # half to even, like numpy's rint
    assert sampler.whole(None, "a") is None
    assert sampler.sampled == {}
    dist = scenario({"ceasefire": {"breakdown_window_days": {"dist": "uniform", "low": 2.0,
                                                             "high": 9.0}}}).ceasefire.breakdown_window_days
    got = sampler.whole(dist, "ceasefire.breakdown_window_days")
    drawn = 2.0 + 7.0 * parameter_uniforms(2, np.arange(5), "ceasefire.breakdown_window_days")
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got, np.rint(drawn))
    np.testing.assert_allclose(sampler.sampled["ceasefire.breakdown_window_days"], drawn, rtol=RTOL)
    assert np.any(np.abs(got - np.floor(drawn)) == 1)  # rounded, not truncated


def test_whole_rows_none_rows_and_drawn_rows():
    sampler = ParameterSampler(1, np.arange(4))
    rows = parameters_module.whole_rows([None, 4.6, 2.0], ["a", "b", "c"], sampler)
    assert rows.shape == (3, 1) and rows.dtype == np.int64
    np.testing.assert_array_equal(rows, [[NONE], [5], [2]])
    dist = scenario({"ceasefire": {"provocation_ratio": {"dist": "uniform", "low": 1.0,
                                                         "high": 30.0}}}).ceasefire.provocation_ratio
    rows = parameters_module.whole_rows([None, dist, 7.0], ["a", "b", "c"], sampler)
    assert rows.shape == (3, 4)
    np.testing.assert_array_equal(rows[0], NONE)
    np.testing.assert_array_equal(rows[1], np.rint(sampler.sampled["b"]))
    np.testing.assert_array_equal(rows[2], 7)
    assert np.unique(rows[1]).size > 1


# ----------------------------------------------------------------------------- talk schedule

def test_talk_schedule_sorted_per_replication_with_drawn_delays():
    spec = scenario({"talks": {"calendar": [
        {"day": 8, "sessions": 2, "delay_days": {"dist": "uniform", "low": 0.0, "high": 10.0}},
        {"date": "2025-01-13", "sessions": 3},  # day 12
        {"day": 2, "delay_days": 2.7},  # a fixed slip: its whole part, 2 days
    ]}})
    sampler = ParameterSampler(5, np.arange(10))
    schedule = build_parameters(spec, sampler).schedule
    slipped = 8 + np.floor(sampler.sampled["talks.calendar.0.delay_days"]).astype(np.int64)
    assert schedule.days.shape == schedule.sessions.shape == (3, 10) and schedule.days.dtype == np.int64
    for r in range(10):
        rounds = sorted([(int(slipped[r]), 0, 2), (12, 1, 3), (4, 2, 1)])  # ties keep file order
        np.testing.assert_array_equal(schedule.days[:, r], [d for d, _, _ in rounds])
        np.testing.assert_array_equal(schedule.sessions[:, r], [n for _, _, n in rounds])
    assert (slipped > 12).any() and (slipped < 12).any()
    assert np.all(np.diff(schedule.days, axis=0) >= 0)


def test_talk_schedule_without_delays_is_the_calendar_in_every_replication():
    schedule = kernel(3, {"talks": {"calendar": [{"day": 10, "sessions": 4}, {"day": 3}]}}).parameters.schedule
    np.testing.assert_array_equal(schedule.days, [[3, 3, 3], [10, 10, 10]])
    np.testing.assert_array_equal(schedule.sessions, [[1, 1, 1], [4, 4, 4]])


# ----------------------------------------------------------------------------- group extras

def test_group_extras_dispersions_positions_priorities_and_window():
    extras = kernel(2).parameters.group_extras
    assert extras.attack_dispersion == [None] and extras.casualty_dispersion == [None]
    assert extras.positions.shape == (1, 2) and np.isnan(extras.positions).all()
    np.testing.assert_array_equal(extras.priorities, [[0.0, 0.0]])
    np.testing.assert_array_equal(extras.signing_window_days, [[14]])
    given = kernel(3, {"actors": {"rebels": {
        "attack_dispersion": 0.5, "casualty_dispersion": {"dist": "uniform", "low": 0.1, "high": 1.0},
        "positions": {"security": 0.1, "trade": 0.7}, "priorities": {"security": 1.0, "trade": 3.0},
        "signing_window_days": {"dist": "uniform", "low": 3.0, "high": 20.0}}}}).parameters
    extras = given.group_extras
    assert extras.attack_dispersion == [0.5]
    np.testing.assert_array_equal(extras.casualty_dispersion[0], given.sampled["actors.rebels.casualty_dispersion"])
    np.testing.assert_array_equal(extras.positions, [[0.1, 0.7]])
    np.testing.assert_allclose(extras.priorities, [[0.25, 0.75]], rtol=RTOL)
    window = extras.signing_window_days
    assert window.shape == (1, 3) and window.dtype == np.int64
    np.testing.assert_array_equal(window[0], np.rint(given.sampled["actors.rebels.signing_window_days"]))


def test_group_priorities_without_a_position_do_not_count():
    extras = kernel(1, {"actors": {"rebels": {"positions": {"trade": 0.3},
                                              "priorities": {"security": 9.0, "trade": 1.0}}}}).parameters.group_extras
    np.testing.assert_array_equal(extras.priorities, [[0.0, 1.0]])
    assert np.isnan(extras.positions[0, 0]) and extras.positions[0, 1] == 0.3


# ----------------------------------------------------------------------------- expiry and incidents

def test_expiry_open_ended_by_day_by_date_and_drawn():
    open_ended = kernel(1).parameters.expiry
    np.testing.assert_array_equal(open_ended.day, [NONE])
    assert open_ended.extension_prob == 0.0
    np.testing.assert_array_equal(open_ended.extension_days, [1])
    by_day = kernel(1, {"ceasefire": {"expiry": {"day": 40.4, "extension_prob": 0.3,
                                                 "extension_days": 14.6}}}).parameters.expiry
    np.testing.assert_array_equal(by_day.day, [40])
    assert by_day.extension_prob == 0.3
    np.testing.assert_array_equal(by_day.extension_days, [15])
    assert by_day.day.dtype == np.int64 and by_day.extension_days.dtype == np.int64
    by_date = kernel(1, {"ceasefire": {"expiry": {"date": "2025-02-15"}}}).parameters.expiry
    np.testing.assert_array_equal(by_date.day, [45])
    np.testing.assert_array_equal(by_date.extension_days, [30])
    drawn = kernel(4, {"ceasefire": {"expiry": {"day": {"dist": "uniform", "low": 10.0, "high": 50.0},
                                                "extension_prob": {"dist": "uniform", "low": 0.0, "high": 1.0},
                                                "extension_days": {"dist": "uniform", "low": 5.0,
                                                                   "high": 25.0}}}}).parameters
    np.testing.assert_array_equal(drawn.expiry.day, np.rint(drawn.sampled["ceasefire.expiry.day"]))
    np.testing.assert_array_equal(drawn.expiry.extension_prob, drawn.sampled["ceasefire.expiry.extension_prob"])
    np.testing.assert_array_equal(drawn.expiry.extension_days,
                                  np.rint(drawn.sampled["ceasefire.expiry.extension_days"]))
    assert drawn.expiry.day.shape == (4,)


def test_incident_kinds_stacked_with_victims_and_flags():
    params = kernel(3, {"ceasefire": {"incidents": {
        "mine": {"victim": "south", "rate_per_day": 0.02, "casualties_mean": 2.0, "counts_as_violation": True,
                 "suspension_prob": 0.5, "resumption_days": 10.0},
        "clash": {"victim": "north", "rate_per_day": {"dist": "uniform", "low": 0.0, "high": 0.1}},
    }}}).parameters
    inc = params.incidents
    assert inc.ids == ["mine", "clash"]
    np.testing.assert_array_equal(inc.victim, [SOUTH, NORTH])
    np.testing.assert_array_equal(inc.counts_as_violation, [True, False])
    assert inc.victim.dtype == np.int64 and inc.counts_as_violation.dtype == bool
    assert inc.numbers.rate_per_day.shape == (2, 3)
    np.testing.assert_array_equal(inc.numbers.rate_per_day[0], 0.02)
    np.testing.assert_array_equal(inc.numbers.rate_per_day[1], params.sampled["ceasefire.incidents.clash.rate_per_day"])
    np.testing.assert_array_equal(inc.numbers.casualties_mean, [[2.0], [1.0]])
    np.testing.assert_array_equal(inc.numbers.suspension_prob, [[0.5], [0.0]])
    np.testing.assert_array_equal(inc.numbers.resumption_days, [[10.0], [14.0]])
    none = kernel(1).parameters.incidents
    assert none.ids == [] and none.victim.shape == (0,) and none.numbers.rate_per_day.shape[0] == 0


def test_violation_days_never_exceed_the_drawn_window():
    params = kernel(8, {"ceasefire": {"breakdown_window_days": {"dist": "uniform", "low": 1.0, "high": 6.0},
                                      "breakdown_violation_days": 3}}).parameters
    window = params.breakdown_window_days
    np.testing.assert_array_equal(params.breakdown_violation_days, np.minimum(3, window))
    assert (window < 3).any() and (window > 3).any()


def test_strength_shares_per_replication_when_a_strength_is_drawn():
    k = kernel(4, {"actors": {"north": {"military_strength": {"dist": "uniform", "low": 1.0, "high": 5.0}}}})
    pp = k.parameters.parties
    strength = pp.core.military_strength
    assert strength.shape == (2, 4)
    np.testing.assert_allclose(pp.strength_share, strength / strength.sum(axis=0), rtol=RTOL)
    np.testing.assert_allclose(pp.strength_share.sum(axis=0), 1.0, rtol=RTOL)
