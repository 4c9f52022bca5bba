"""Domestic politics (sim.model.submodels.domestic): 30-day windows, pressure, support, resentment and the decree.

Fixture: north's reference is 20 casualties per 30 days, south's 50 (default);
initial support 0.5; north rallies 0.002 per civilian casualty, gains 0.01
prestige per retaliation, resentment 0.02 per casualty with half-life 30 days and
no decree hazard; south 0.004, 0.03, 0.05, 45 days, decree hazard 0.001/day plus
0.01 per unit of resentment. No fighting before day 0 unless a test gives some.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, GivenUniforms, kernel
from sim.model.submodels import breakdown, domestic

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


def run(k, u_decree=1.0, retaliations=None, hits=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, decree=u_decree)
    back = np.zeros((2, n), dtype=bool) if retaliations is None else np.asarray(retaliations, dtype=bool)
    hit = np.zeros((2, n), dtype=np.int64) if hits is None else np.asarray(hits, dtype=np.int64)
    return domestic.domestic_phase(k.state, k.parameters, k.topology, u, day, retaliations=back, hits=hit)


# ----------------------------------------------------------------------------- the 30-day windows and pressure

def test_casualty_pressure_is_the_log_of_one_plus_casualties_over_the_reference():
    np.testing.assert_allclose(domestic.casualty_pressure(np.array([0.0, 20.0, 60.0, 140.0]), 20.0),
                               [0.0, math.log(2), math.log(4), math.log(8)], rtol=RTOL)
    np.testing.assert_allclose(domestic.casualty_pressure(np.array([[50.0], [50.0]]), np.array([[50.0], [25.0]])),
                               [[math.log(2)], [math.log(3)]], rtol=RTOL)


def test_slide_window_replaces_the_slot_in_place_and_returns_the_new_total():
    ring = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    total = ring.sum(axis=0)
    new = breakdown.slide_window(ring, total, 1, np.array([10.0, 0.0]))
    np.testing.assert_allclose(new, [1 + 10 + 5, 2 + 0 + 6])
    np.testing.assert_allclose(ring, [[1.0, 2.0], [10.0, 0.0], [5.0, 6.0]])
    np.testing.assert_allclose(total, [9.0, 12.0])  # the old total is not changed in place


def test_pressure_follows_the_30_day_casualty_window():
    """Day 1 goes into slot 1 (day -29 drops out); pressure ln(1 + C30 / reference) with north 20, south 50."""
    k = kernel(2)
    parties = k.state.parties
    parties.casualty_ring[1] = [[4.0, 0.0], [10.0, 0.0]]  # what day -29 left
    parties.casualty_ring[7] = [[6.0, 6.0], [0.0, 30.0]]
    parties.casualties_30d[:] = parties.casualty_ring.sum(axis=0)
    parties.casualties_suffered[:] = [[10, 0], [0, 20]]
    run(k, day=1)
    c30 = np.array([[6 + 10, 6 + 0], [0 + 0, 30 + 20]], dtype=float)
    np.testing.assert_allclose(parties.casualties_30d, c30, rtol=RTOL)
    np.testing.assert_allclose(parties.casualty_ring[1], [[10, 0], [0, 20]])
    np.testing.assert_allclose(parties.pressure, np.log1p(c30 / np.array([[20.0], [50.0]])), rtol=RTOL)
    assert parties.pressure[SOUTH, 1] == pytest.approx(math.log(2.0), rel=RTOL)


def test_the_reference_acts():
    k = kernel(1, {"actors": {"south": {"domestic": {"reference_casualties_30d": 10.0}}}})
    k.state.parties.casualties_suffered[:] = [[0], [30]]
    run(k)
    np.testing.assert_allclose(k.state.parties.pressure[:, 0], [0.0, math.log(4.0)], rtol=RTOL)


def test_the_window_on_day_0_holds_the_fighting_before_the_ceasefire_and_forgets_it_in_30_days():
    """60 casualties before day 0 for north, 2 a day: on day 1 one such day leaves and today's come in."""
    changes = {"actors": {"north": {"initial_state": {"casualties_last_30_days": 60.0,
                                                      "strikes_suffered_last_30_days": 3}}}}
    k = kernel(1, changes)
    parties = k.state.parties
    assert parties.pressure[NORTH, 0] == pytest.approx(math.log(4.0), rel=RTOL)
    parties.casualties_suffered[:] = [[10], [0]]
    run(k, day=1)
    assert parties.casualties_30d[NORTH, 0] == pytest.approx(60 - 2 + 10, rel=RTOL)
    assert parties.pressure[NORTH, 0] == pytest.approx(math.log(1 + 68 / 20), rel=RTOL)
    # The hits before day 0 are on days 0, -1 and -2: day 28 drops day -2, day 29 day -1, day 30 day 0.
    assert parties.hits_30d[NORTH, 0] == 3
    for day, left in [(27, 3), (28, 2), (29, 1), (30, 0)]:
        parties.casualties_suffered[:] = 0
        run(k, day=day)
        assert parties.hits_30d[NORTH, 0] == left, day


def test_hits_suffered_slide_through_their_own_window():
    k = kernel(2)
    parties = k.state.parties
    parties.hit_ring[2] = [[1, 0], [0, 1]]
    parties.hits_30d[:] = parties.hit_ring.sum(axis=0)
    run(k, hits=[[2, 0], [1, 1]], day=32)  # slot 2 (day 2) goes out
    np.testing.assert_array_equal(parties.hits_30d, [[2, 0], [1, 1]])
    np.testing.assert_array_equal(parties.hit_ring[2], [[2, 0], [1, 1]])
    run(k, hits=[[1, 1], [0, 0]], day=33)
    np.testing.assert_array_equal(parties.hits_30d, [[3, 1], [1, 1]])
    np.testing.assert_array_equal(parties.casualties_30d, 0)  # hits are not casualties


def test_support_rallies_with_civilian_casualties_and_prestige_and_is_clipped():
    k = kernel(3)
    parties = k.state.parties
    parties.support[:] = [[0.5, 0.995, 0.0], [0.5, 0.5, 0.02]]
    parties.civilians_suffered[:] = [[10, 5, 0], [20, 0, 0]]
    parties.casualties_suffered[:] = 99  # all casualties press, only civilians rally
    run(k, retaliations=[[True, False, False], [False, True, False]])
    np.testing.assert_allclose(parties.support, [[0.5 + 0.02 + 0.01, 1.0, 0.0], [0.5 + 0.08, 0.53, 0.02]],
                               rtol=RTOL)


def test_resentment_decays_and_grows_with_civilian_casualties():
    k = kernel(2)
    parties = k.state.parties
    parties.resentment[:] = [[1.0, 0.0], [2.0, 0.0]]
    parties.civilians_suffered[:] = [[0, 10], [4, 0]]
    parties.casualties_suffered[:] = [[50, 50], [50, 50]]
    run(k)
    np.testing.assert_allclose(parties.resentment, [[0.5 ** (1 / 30), 0.2], [2 * 0.5 ** (1 / 45) + 0.2, 0.0]],
                               rtol=RTOL)


def test_initial_resentment_comes_from_the_scenario():
    k = kernel(1, {"actors": {"south": {"initial_state": {"resentment": 1.5}}}})
    np.testing.assert_allclose(k.state.parties.resentment[:, 0], [0.0, 1.5])
    run(k)
    np.testing.assert_allclose(k.state.parties.resentment[:, 0], [0.0, 1.5 * 0.5 ** (1 / 45)], rtol=RTOL)


# ----------------------------------------------------------------------------- the decree

def test_decree_hazard_with_resentment_weight_at_the_boundary():
    k = kernel(2)
    parties = k.state.parties
    parties.resentment[SOUTH] = 3.0
    parties.civilians_suffered[SOUTH] = 2  # resentment tonight: 3 * 2^(-1/45) + 0.1
    resentment = 3.0 * 0.5 ** (1 / 45) + 0.05 * 2
    p = 0.001 + 0.01 * resentment
    out = run(k, u_decree=np.array([[0.0, 0.0], [p * BELOW, p * ABOVE]]), day=6)
    np.testing.assert_array_equal(out.issued, [[False, False], [True, False]])  # north: hazard 0
    np.testing.assert_array_equal(parties.decree, out.issued)
    np.testing.assert_array_equal(parties.decree_day, [[-1, -1], [6, -1]])


def test_decree_probability_capped_at_one():
    k = kernel(1)
    k.state.parties.resentment[SOUTH] = 500.0
    assert run(k, u_decree=np.array([[1.0], [1.0 - 1e-12]])).issued[SOUTH, 0]


@pytest.mark.parametrize("day, issued", [(4, False), (5, True), (6, False)])
def test_decree_certain_on_the_fixed_day_only(day, issued):
    k = kernel(1, {"actors": {"north": {"decree": {"fixed_day": 5}}}}, day=day)
    np.testing.assert_array_equal(k.parameters.parties.decree_fixed_day, [[5], [-1]])
    out = run(k, u_decree=np.array([[0.999999], [1.0]]), day=day)
    assert out.issued[NORTH, 0] == issued and not out.issued[SOUTH, 0]


def test_decree_fixed_day_drawn_per_replication():
    """A drawn fixed day is (P, R): each replication's decree comes on its own day; -1 (south) never."""
    k = kernel(4, {"actors": {"north": {"decree": {"fixed_day": {"dist": "uniform", "low": 2, "high": 9}}}}})
    fixed = k.parameters.parties.decree_fixed_day
    assert fixed.shape == (2, 4)
    np.testing.assert_array_equal(fixed[SOUTH], -1)
    assert ((fixed[NORTH] >= 2) & (fixed[NORTH] <= 9)).all() and np.unique(fixed[NORTH]).size > 1
    day = int(fixed[NORTH, 0])
    out = run(k, u_decree=np.array([[0.999999] * 4, [1.0] * 4]), day=day)
    np.testing.assert_array_equal(out.issued[NORTH], fixed[NORTH] == day)
    np.testing.assert_array_equal(k.state.parties.decree_day[NORTH], np.where(fixed[NORTH] == day, day, -1))


def test_decree_issued_with_a_fixed_day_array_per_party_and_replication():
    u = np.full((2, 3), 0.99)
    args = dict(already_issued=np.zeros((2, 3), dtype=bool), hazard_per_day=0.0, resentment=np.zeros((2, 3)),
                resentment_weight=0.0, eligible=np.ones((2, 3), dtype=bool))
    fixed = np.array([[4, 5, -1], [5, -1, 5]])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=fixed, day=5, **args),
                                  [[False, True, False], [True, False, True]])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=np.array([[5], [-1]]), day=5, **args),
                                  [[True, True, True], [False, False, False]])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=np.array([[-1], [-1]]), day=5, **args),
                                  np.zeros((2, 3), dtype=bool))
    args["hazard_per_day"] = 0.995  # the fixed day raises the probability to 1, it does not lower it elsewhere
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=fixed, day=5, **args), np.ones((2, 3), bool))


def test_decree_once_only_and_only_while_alive():
    k = kernel(3)
    parties = k.state.parties
    parties.decree[SOUTH, 0] = True
    parties.decree_day[SOUTH, 0] = 2
    k.state.ceasefire.alive[2] = False
    out = run(k, u_decree=np.array([[1.0] * 3, [0.0] * 3]), day=9)
    np.testing.assert_array_equal(out.issued[SOUTH], [False, True, False])
    np.testing.assert_array_equal(parties.decree[SOUTH], [True, True, False])
    np.testing.assert_array_equal(parties.decree_day[SOUTH], [2, 9, -1])


def test_decree_is_hostile_evidence_to_the_adversary_and_a_chain_link():
    k = kernel(2)
    run(k, u_decree=np.array([[1.0, 1.0], [0.0, 1.0]]))
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), [3 / (10 + 5.0), 0.3], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [4, 0])  # jihad_decree = 4
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [1 << 4, 0])


def test_decree_extends_a_running_chain_in_base_16():
    k = kernel(1)
    k.state.ceasefire.chain[:] = 2
    k.state.ceasefire.chain_seen[:] = 1 << 2
    run(k, u_decree=np.array([[1.0], [0.0]]))
    assert k.state.ceasefire.chain[0] == 2 * 16 + 4
    assert breakdown.decode_chain(k.state.ceasefire.chain[0]) == "cross_border_strike > jihad_decree"


def test_no_decree_no_evidence_no_chain():
    k = kernel(1)
    out = run(k, u_decree=1.0)
    assert not out.issued.any() and k.state.ceasefire.chain[0] == 0
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), 0.3, rtol=RTOL)


# ----------------------------------------------------------------------------- pure functions

def test_decay_and_effective_tolerance():
    np.testing.assert_allclose(domestic.decay(np.array([8.0]), 3.0), [4.0 * 2 ** (2 / 3)], rtol=RTOL)
    np.testing.assert_allclose(domestic.effective_tolerance(0.3, np.array([0.7, 0.0, 1.0]), 0.5, 2.0),
                               [0.7, 0.0, 1.0], rtol=RTOL)
    np.testing.assert_allclose(domestic.effective_tolerance(0.3, np.array([0.6]), 0.5, 0.5), [0.35], rtol=RTOL)


def test_decree_issued_fixed_day_for_one_party():
    args = dict(already_issued=np.array([False, False]), hazard_per_day=0.0, resentment=np.zeros(2),
                resentment_weight=0.0, eligible=np.array([True, True]))
    u = np.array([0.5, 0.99])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=3, day=3, **args), [True, True])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=3, day=4, **args), [False, False])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=None, day=3, **args), [False, False])
    np.testing.assert_array_equal(domestic.decree_issued(u, fixed_day=-1, day=3, **args), [False, False])
