"""State and topology (sim.model.state): index arrays and the state on day 0."""

from __future__ import annotations

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, kernel, scenario
from sim.model.parameters import ParameterSampler, build_parameters
from sim.model.state import NEVER, Topology, initial_state

RTOL = 1e-12

# Three parties, two groups: east also fights south; militia is hosted by north and attacks south.
WIDER = {"actors": {
    "east": {"role": "party", "name": "East", "adversary": "south", "priorities": {"security": 1.0},
             "positions": {"security": 0.5, "trade": 0.5}},
    "militia": {"role": "armed_group", "name": "Militia", "host": "north", "target": "south"},
}}


def test_topology_of_the_hand_built_scenario():
    t = kernel(1).topology
    assert t.actor_ids == ["north", "south", "rebels", "broker"]
    assert (t.party_ids, t.group_ids, t.mediator_ids) == (["north", "south"], ["rebels"], ["broker"])
    assert t.issue_ids == ["security", "trade"]
    for got, expected in [(t.party_actor, [0, 1]), (t.group_actor, [2]), (t.mediator_actor, [3]),
                          (t.adversary, [1, 0]), (t.host, [1]), (t.target, [0]), (t.group_strikers, [[0]]),
                          (t.compliance_pairs[0], [1, 0]), (t.compliance_pairs[1], [0, 1]),
                          (t.negotiator_pairs[0], [1, 3, 0, 3]), (t.negotiator_pairs[1], [0, 0, 1, 1])]:
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == np.int64


def test_topology_with_three_parties_and_two_groups():
    t = Topology.from_scenario(scenario(WIDER))
    assert t.actor_ids == ["north", "south", "rebels", "broker", "east", "militia"]
    assert t.party_ids == ["north", "south", "east"] and t.group_ids == ["rebels", "militia"]
    np.testing.assert_array_equal(t.party_actor, [0, 1, 4])
    np.testing.assert_array_equal(t.group_actor, [2, 5])
    np.testing.assert_array_equal(t.adversary, [1, 0, 1])
    np.testing.assert_array_equal(t.host, [1, 0])
    np.testing.assert_array_equal(t.target, [0, 1])
    # Rebels' host (south) is struck by north and east; militia's host (north) by south only, padded with -1.
    np.testing.assert_array_equal(t.group_strikers, [[0, 1], [2, -1]])
    pairs = sorted(zip(t.compliance_pairs[0].tolist(), t.compliance_pairs[1].tolist()))
    assert pairs == [(o, p) for o in range(3) for p in range(3) if o != p]
    watching = sorted(zip(t.negotiator_pairs[0].tolist(), t.negotiator_pairs[1].tolist()))
    assert watching == sorted((o, p) for p in range(3) for o in (0, 1, 4, 3) if o != [0, 1, 4][p])


def test_actor_index_and_unknown_actor():
    t = kernel(1).topology
    assert [t.actor_index(a) for a in ("north", "south", "rebels", "broker")] == [0, 1, 2, 3]
    with pytest.raises(KeyError, match="'nobody' is not an actor of this scenario; actors: north, south"):
        t.actor_index("nobody")


def test_initial_state_of_parties_and_groups():
    k = kernel(3)
    s = k.state
    assert s.n_replications == 3 and s.day == 1
    p = s.parties
    for name, value, dtype in [("pressure", 0.0, float), ("resentment", 0.0, float), ("decree", False, bool),
                               ("decree_day", -1, np.int64), ("last_attacked_day", NEVER, np.int64),
                               ("threat_deadline", -1, np.int64), ("casualties_suffered", 0, np.int64),
                               ("civilians_suffered", 0, np.int64)]:
        array = getattr(p, name)
        assert array.shape == (2, 3) and array.dtype == dtype, name
        np.testing.assert_array_equal(array, value)
    np.testing.assert_array_equal(p.support, 0.5)
    g = s.groups
    np.testing.assert_array_equal(g.capacity, [[0.9] * 3])
    for name in ("damage", "recruitment", "crackdown_level"):
        assert getattr(g, name).shape == (1, 3)
        np.testing.assert_array_equal(getattr(g, name), 0.0)
    g.damage[:] = 0.25
    np.testing.assert_allclose(g.sanctuary, 0.9 * 0.75, rtol=RTOL)


def test_initial_state_of_mediators_talks_and_ceasefire():
    s = kernel(2).state
    np.testing.assert_array_equal(s.mediators.engaged, [[True, True]])
    np.testing.assert_array_equal(s.mediators.restart_used, [[False, False]])
    t = s.talks
    np.testing.assert_array_equal(t.active, True)
    np.testing.assert_array_equal(t.next_round_day, 3)
    for name, value in [("agreement", False), ("agreement_day", -1), ("stalled_rounds", 0), ("progress", 0.0),
                        ("new_venue", False)]:
        np.testing.assert_array_equal(getattr(t, name), value)
    c = s.ceasefire
    np.testing.assert_array_equal(c.alive, True)
    assert c.alive.dtype == bool
    for name, value in [("breakdown_day", -1), ("chain", 0), ("chain_seen", 0), ("cause", 0),
                        ("violation_days", 0), ("open_war_today", False), ("open_war_by", -1)]:
        np.testing.assert_array_equal(getattr(c, name), value)
        assert getattr(c, name).shape == (2,)
    assert c.violation_ring.shape == (5, 2) and not c.violation_ring.any()
    integers = [t.agreement_day, t.stalled_rounds, t.next_round_day, c.breakdown_day, c.chain, c.chain_seen, c.cause,
                c.violation_ring, c.violation_days, c.open_war_by]
    assert all(a.dtype == np.int64 for a in integers)
    assert all(a.dtype == bool for a in (t.active, t.agreement, t.new_venue, c.open_war_today, s.mediators.engaged,
                                         s.mediators.restart_used))
    assert t.progress.dtype == float


def test_initial_state_is_day_zero_and_a_first_round_on_day_one_is_active():
    spec = scenario({"talks": {"calendar": [{"day": 1}]}})
    sampler = ParameterSampler(0, np.arange(2))
    params = build_parameters(spec, sampler)
    s = initial_state(spec, Topology.from_scenario(spec), params, np.array([1]), sampler)
    assert s.day == 0
    np.testing.assert_array_equal(s.talks.active, True)
    np.testing.assert_array_equal(s.talks.next_round_day, 1)


def test_without_a_calendar_the_talks_are_not_active():
    spec = scenario({"talks": {"calendar": []}, "actors": {"broker": {"engagement": {"from_day": 2}}}})
    sampler = ParameterSampler(0, np.arange(2))
    params = build_parameters(spec, sampler)
    s = initial_state(spec, Topology.from_scenario(spec), params, np.asarray(spec.talk_days(), dtype=np.int64),
                      sampler)
    np.testing.assert_array_equal(s.talks.active, False)
    np.testing.assert_array_equal(s.talks.next_round_day, -1)
    np.testing.assert_array_equal(s.mediators.engaged, False)


def test_trust_priors_listed_default_and_diagonal():
    trust = kernel(1).state.trust
    a0, b0 = trust.prior_cooperation[..., 0], trust.prior_hostility[..., 0]
    # north lists south (0.3, 10) and broker (0.6, 10); south lists north (0.25, 8), broker (0.7, 12);
    # rebels list south (0.8, 20); everything else is the default (0.5, 4).
    expected_a = [[1, 3, 2, 6], [2, 1, 2, 8.4], [2, 16, 1, 2], [2, 2, 2, 1]]
    expected_b = [[1, 7, 2, 4], [6, 1, 2, 3.6], [2, 4, 1, 2], [2, 2, 2, 1]]
    np.testing.assert_allclose(a0, expected_a, rtol=RTOL)
    np.testing.assert_allclose(b0, expected_b, rtol=RTOL)
    np.testing.assert_allclose(trust.retention, 0.5 ** (1 / 60), rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), [0.3], rtol=RTOL)


def test_trust_priors_drawn_per_replication():
    spec = scenario({"default_trust": {"initial": {"dist": "uniform", "low": 0.2, "high": 0.4}, "certainty": 5.0},
                     "actors": {"north": {"trust": {"south": {"initial": 0.3,
                                                              "certainty": {"dist": "uniform", "low": 1.0,
                                                                            "high": 3.0}}}}}})
    sampler = ParameterSampler(4, np.arange(3))
    params = build_parameters(spec, sampler)
    s = initial_state(spec, Topology.from_scenario(spec), params, np.array([3, 10]), sampler)
    initial = sampler.sampled["default_trust.initial"]
    certainty = sampler.sampled["actors.north.trust.south.certainty"]
    np.testing.assert_allclose(s.trust.prior_cooperation[2, 3], initial * 5.0, rtol=RTOL)
    np.testing.assert_allclose(s.trust.prior_hostility[2, 3], (1 - initial) * 5.0, rtol=RTOL)
    np.testing.assert_allclose(s.trust.prior_cooperation[0, 1], 0.3 * certainty, rtol=RTOL)
    np.testing.assert_allclose(s.trust.prior_hostility[0, 1], 0.7 * certainty, rtol=RTOL)
    assert np.unique(certainty).size == 3


def test_topology_without_armed_groups():
    spec = scenario()
    spec.actors.pop("rebels")
    t = Topology.from_scenario(spec)
    assert t.group_ids == [] and t.group_strikers.shape == (0, 0) and t.group_strikers.dtype == np.int64
    assert t.host.shape == (0,) and t.actor_ids == ["north", "south", "broker"]
