"""State and topology (sim.model.state): index arrays and the state on day 0, with what the fighting before it left."""

from __future__ import annotations

import math

import numpy as np
import pytest

from handbuilt import NORTH, REBELS_ACTOR, SOUTH, kernel, scenario
from sim.model.parameters import ParameterSampler, build_parameters
from sim.model.state import NEVER, PRESSURE_WINDOW_DAYS, Topology, initial_state

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


def build(changes=None, n=3, seed=0):
    """The day-0 state as the model builds it: each replication's own calendar (C, R) from the parameters."""
    spec = scenario(changes)
    sampler = ParameterSampler(seed, np.arange(n))
    params = build_parameters(spec, sampler)
    state = initial_state(spec, Topology.from_scenario(spec), params, params.schedule.days, sampler)
    return state, params, sampler


def test_initial_state_of_parties_and_groups():
    s, _, _ = build()
    assert s.n_replications == 3 and s.day == 0
    p = s.parties
    for name, value, dtype in [("pressure", 0.0, float), ("casualties_30d", 0.0, float), ("hits_30d", 0, np.int64),
                               ("retaliation_due", -1, np.int64), ("unanswered", False, bool),
                               ("resentment", 0.0, float), ("decree", False, bool), ("decree_day", -1, np.int64),
                               ("last_provocation_day", NEVER, np.int64), ("casualties_suffered", 0, np.int64),
                               ("civilians_suffered", 0, np.int64)]:
        array = getattr(p, name)
        assert array.shape == (2, 3) and array.dtype == dtype, name
        np.testing.assert_array_equal(array, value, err_msg=name)
    assert p.casualty_ring.shape == (PRESSURE_WINDOW_DAYS, 2, 3) == p.hit_ring.shape == (30, 2, 3)
    assert not p.casualty_ring.any() and not p.hit_ring.any() and p.hit_ring.dtype == np.int64
    np.testing.assert_array_equal(p.support, 0.5)
    # Only north is attacked: 1.5 attacks/day x sanctuary 0.9 x 2 casualties.
    np.testing.assert_allclose(p.usual_attack_casualties, [[2.7] * 3, [0.0] * 3], rtol=RTOL)
    g = s.groups
    np.testing.assert_array_equal(g.capacity, [[0.9] * 3])
    for name in ("damage", "recruitment", "crackdown_level"):
        assert getattr(g, name).shape == (1, 3)
        np.testing.assert_array_equal(getattr(g, name), 0.0)
    g.damage[:] = 0.25
    np.testing.assert_allclose(g.sanctuary, 0.9 * 0.75, rtol=RTOL)


def test_initial_state_of_mediators_talks_and_ceasefire():
    s, _, _ = build({"ceasefire": {"third_party_pressure": 0.3}}, n=2)
    np.testing.assert_array_equal(s.mediators.engaged, [[True, True]])
    t = s.talks
    np.testing.assert_array_equal(t.active, True)
    np.testing.assert_array_equal(t.next_round_day, 3)
    np.testing.assert_array_equal(t.next_round_sessions, 1)
    for name, value in [("agreement", False), ("agreement_day", -1), ("failed_rounds", 0), ("collapses", 0),
                        ("progress", 0.0), ("new_venue", False), ("imposed_share", 0.3)]:
        np.testing.assert_array_equal(getattr(t, name), value, err_msg=name)
        assert getattr(t, name).shape == (2,), name
    for name in ("concession", "deal_intrinsic", "deal_bought"):
        assert getattr(t, name).shape == (2, 2)
        np.testing.assert_array_equal(getattr(t, name), 0.0)
    assert t.last_offer.shape == (2, 2) and np.isnan(t.last_offer).all()  # no proposal before the first round
    c = s.ceasefire
    np.testing.assert_array_equal(c.alive, True)
    assert c.alive.dtype == bool
    for name, value in [("breakdown_day", -1), ("chain", 0), ("chain_seen", 0), ("cause", 0),
                        ("violation_days", 0), ("expiry_day", -1), ("suspended", False), ("resume_day", -1),
                        ("open_war_today", False), ("open_war_by", -1)]:
        np.testing.assert_array_equal(getattr(c, name), value, err_msg=name)
        assert getattr(c, name).shape == (2,)
    assert c.violation_ring.shape == (5, 2) and not c.violation_ring.any()
    integers = [t.agreement_day, t.failed_rounds, t.collapses, t.next_round_day, t.next_round_sessions,
                c.breakdown_day, c.chain, c.chain_seen, c.cause, c.violation_ring, c.violation_days, c.expiry_day,
                c.resume_day, c.open_war_by]
    assert all(a.dtype == np.int64 for a in integers)
    assert all(a.dtype == bool for a in (t.active, t.agreement, t.new_venue, c.open_war_today, c.suspended,
                                         s.mediators.engaged))
    assert t.progress.dtype == float and t.imposed_share.dtype == float


def test_initial_state_is_day_zero_and_a_first_round_on_day_one_is_active():
    s, _, _ = build({"talks": {"calendar": [{"day": 1, "sessions": 3}]}}, n=2)
    assert s.day == 0
    np.testing.assert_array_equal(s.talks.active, True)
    np.testing.assert_array_equal(s.talks.next_round_day, 1)
    np.testing.assert_array_equal(s.talks.next_round_sessions, 3)


def test_without_a_calendar_the_talks_are_not_active():
    s, params, _ = build({"talks": {"calendar": []}, "actors": {"broker": {"engagement": {"from_day": 2}}}}, n=2)
    assert params.schedule.days.shape == (0, 2)
    np.testing.assert_array_equal(s.talks.active, False)
    np.testing.assert_array_equal(s.talks.next_round_day, -1)
    np.testing.assert_array_equal(s.talks.next_round_sessions, 1)
    np.testing.assert_array_equal(s.mediators.engaged, False)


def test_each_replication_starts_with_its_own_first_round():
    s, params, sampler = build({"talks": {"calendar": [{"day": 3, "sessions": 2,
                                                        "delay_days": {"dist": "uniform", "low": 0.0, "high": 12.0}},
                                                       {"day": 10, "sessions": 4}]}}, n=8, seed=1)
    slipped = 3 + np.floor(sampler.sampled["talks.calendar.0.delay_days"]).astype(np.int64)
    # The slipped first round may come after the second (its sessions follow it); on a tie it stays first.
    np.testing.assert_array_equal(s.talks.next_round_day, np.minimum(slipped, 10))
    np.testing.assert_array_equal(s.talks.next_round_sessions, np.where(slipped > 10, 4, 2))
    assert (slipped > 10).any() and (slipped < 10).any()


def test_mediators_engaged_on_day_zero_per_replication_when_from_day_is_drawn():
    s, params, sampler = build({"actors": {"broker": {"engagement": {"from_day": {"dist": "uniform", "low": 0.0,
                                                                                  "high": 1.0}}}}}, n=8, seed=2)
    drawn = sampler.sampled["actors.broker.engagement.from_day"]
    np.testing.assert_array_equal(s.mediators.engaged[0], np.rint(drawn) == 0)
    assert s.mediators.engaged.any() and not s.mediators.engaged.all()


# ----------------------------------------------------------------------------- what the fighting before day 0 left

FOUGHT = {"actors": {
    "north": {"initial_state": {"casualties_last_30_days": 60.0, "strikes_suffered_last_30_days": 3.4,
                                "resentment": 1.5, "hostile_evidence": {"south": 4.0, "rebels": 2.0}}},
    "south": {"initial_state": {"casualties_last_30_days": 15.0, "strikes_suffered_last_30_days": 30.0}},
}}


def test_initial_casualties_spread_evenly_over_the_window_and_set_the_pressure():
    s, _, _ = build(FOUGHT, n=2)
    p = s.parties
    np.testing.assert_allclose(p.casualty_ring[:, NORTH], 2.0, rtol=RTOL)
    np.testing.assert_allclose(p.casualty_ring[:, SOUTH], 0.5, rtol=RTOL)
    np.testing.assert_allclose(p.casualties_30d, [[60.0, 60.0], [15.0, 15.0]], rtol=RTOL)
    # Pressure ln(1 + C30 / reference): north's reference is 20, south's the default 50.
    np.testing.assert_allclose(p.pressure, [[math.log(4.0)] * 2, [math.log(1.3)] * 2], rtol=RTOL)
    np.testing.assert_allclose(p.resentment, [[1.5, 1.5], [0.0, 0.0]], rtol=RTOL)


def test_initial_hits_fill_the_latest_days_of_the_window():
    s, _, _ = build(FOUGHT, n=2)
    p = s.parties
    # North: 3.4 rounds to 3 days of hits, on days 0, -1 and -2 (slots 0, 29, 28).
    expected = np.zeros(30, dtype=np.int64)
    expected[[0, 29, 28]] = 1
    np.testing.assert_array_equal(p.hit_ring[:, NORTH, 0], expected)
    np.testing.assert_array_equal(p.hit_ring[:, NORTH, 1], expected)
    np.testing.assert_array_equal(p.hit_ring[:, SOUTH], 1)  # 30: every day of the window
    np.testing.assert_array_equal(p.hits_30d, [[3, 3], [30, 30]])
    assert p.hits_30d.dtype == np.int64


def test_drawn_initial_casualties_and_hits_per_replication():
    s, _, sampler = build({"actors": {"north": {"initial_state": {
        "casualties_last_30_days": {"dist": "uniform", "low": 0.0, "high": 300.0},
        "strikes_suffered_last_30_days": {"dist": "uniform", "low": 0.0, "high": 10.0}}}}}, n=5, seed=3)
    casualties = sampler.sampled["actors.north.initial_state.casualties_last_30_days"]
    hits = np.rint(sampler.sampled["actors.north.initial_state.strikes_suffered_last_30_days"]).astype(np.int64)
    np.testing.assert_allclose(s.parties.casualty_ring[:, NORTH], np.broadcast_to(casualties / 30, (30, 5)),
                               rtol=RTOL)
    np.testing.assert_allclose(s.parties.pressure[NORTH], np.log1p(casualties / 20.0), rtol=RTOL)
    np.testing.assert_array_equal(s.parties.hits_30d[NORTH], hits)
    days_back = (-np.arange(30)) % 30
    for r in range(5):
        np.testing.assert_array_equal(s.parties.hit_ring[days_back, NORTH, r], np.arange(30) < hits[r])
    assert np.unique(hits).size > 1


def test_hostile_evidence_is_observed_on_day_zero_and_fades():
    s, _, _ = build(FOUGHT, n=2)
    trust = s.trust
    # North's prior in south is Beta(3, 7); 4 hostile pseudo-observations on day 0.
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), 3.0 / 14.0, rtol=RTOL)
    np.testing.assert_allclose(trust.prior(NORTH, SOUTH), 0.3, rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, REBELS_ACTOR), 2.0 / 6.0, rtol=RTOL)  # default Beta(2, 2)
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)  # south lists none
    trust.advance(60)  # one memory half-life: half of it left
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), 3.0 / 12.0, rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, REBELS_ACTOR), 2.0 / 5.0, rtol=RTOL)


def test_drawn_hostile_evidence_per_replication():
    s, _, sampler = build({"actors": {"north": {"initial_state": {"hostile_evidence": {
        "south": {"dist": "uniform", "low": 0.0, "high": 8.0}}}}}}, n=4, seed=5)
    drawn = sampler.sampled["actors.north.initial_state.hostile_evidence.south"]
    np.testing.assert_allclose(s.trust.mean(NORTH, SOUTH), 3.0 / (10.0 + drawn), rtol=RTOL)
    assert np.unique(drawn).size == 4


def test_initial_sanctuary_damage_and_the_usual_attack_casualties():
    s, _, _ = build({"actors": {"rebels": {"initial_sanctuary_damage": 0.25}}}, n=2)
    np.testing.assert_allclose(s.groups.damage, 0.25, rtol=RTOL)
    np.testing.assert_allclose(s.groups.capacity, 0.9, rtol=RTOL)
    np.testing.assert_allclose(s.groups.sanctuary, 0.9 * 0.75, rtol=RTOL)
    np.testing.assert_allclose(s.parties.usual_attack_casualties, [[1.5 * 0.675 * 2.0] * 2, [0.0] * 2], rtol=RTOL)


def test_usual_attack_casualties_add_up_over_the_groups_that_target_a_party():
    s, params, _ = build({"actors": {"bandits": {"role": "armed_group", "name": "Bandits", "host": "south",
                                                 "target": "north", "attack_rate_per_day": 0.5, "sanctuary": 0.8,
                                                 "casualties_per_attack": 3.0},
                                     "raiders": {"role": "armed_group", "name": "Raiders", "host": "north",
                                                 "target": "south", "sanctuary": {"dist": "uniform", "low": 0.2,
                                                                                  "high": 0.6}}}}, n=3, seed=4)
    # North: the rebels' 2.7 plus the bandits' 0.5 x 0.8 x 3; south: the raiders' 1 x drawn sanctuary x 2.
    np.testing.assert_allclose(s.parties.usual_attack_casualties[NORTH], 2.7 + 0.5 * 0.8 * 3.0, rtol=RTOL)
    raiders_sanctuary = params.groups.sanctuary[2]
    np.testing.assert_allclose(s.parties.usual_attack_casualties[SOUTH], raiders_sanctuary * 2.0, rtol=RTOL)
    assert np.unique(s.parties.usual_attack_casualties[SOUTH]).size == 3


def test_violation_ring_holds_the_longest_drawn_window():
    s, params, sampler = build({"ceasefire": {"breakdown_window_days": {"dist": "uniform", "low": 3.0, "high": 12.0},
                                              "breakdown_violation_days": 2}}, n=6, seed=6)
    window = params.breakdown_window_days
    np.testing.assert_array_equal(window, np.rint(sampler.sampled["ceasefire.breakdown_window_days"]))
    assert np.unique(window).size > 1
    assert s.ceasefire.violation_ring.shape == (window.max(), 6)


def test_expiry_day_starts_the_ceasefire_clock():
    s, _, _ = build({"ceasefire": {"expiry": {"day": 40}}}, n=2)
    np.testing.assert_array_equal(s.ceasefire.expiry_day, [40, 40])
    s, _, _ = build({"ceasefire": {"expiry": {"date": "2025-01-21"}}}, n=2)
    np.testing.assert_array_equal(s.ceasefire.expiry_day, [20, 20])


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
