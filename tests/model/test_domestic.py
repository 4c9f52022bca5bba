"""Domestic politics (sim.model.submodels.domestic): pressure, support, resentment and the decree.

Fixture: both parties 20 casualties per unit of pressure, pressure half-life 10
days, initial support 0.5; north rallies 0.002 per civilian casualty, gains 0.01
prestige per retaliation, resentment 0.02 per casualty with half-life 30 days and
no decree hazard; south 0.004, 0.03, 0.05, 45 days, decree hazard 0.001/day plus
0.01 per unit of resentment.
"""

from __future__ import annotations

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, GivenUniforms, kernel
from sim.model.submodels import domestic

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


def run(k, u_decree=1.0, retaliations=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, decree=u_decree)
    back = np.zeros((2, n), dtype=bool) if retaliations is None else np.asarray(retaliations, dtype=bool)
    return domestic.domestic_phase(k.state, k.parameters, k.topology, u, day, retaliations=back)


def test_pressure_decays_and_rises_with_casualties_suffered():
    k = kernel(2)
    parties = k.state.parties
    parties.pressure[:] = [[1.0, 0.0], [0.5, 2.0]]
    parties.casualties_suffered[:] = [[4, 10], [0, 30]]
    run(k)
    decay = 0.5 ** (1 / 10)
    np.testing.assert_allclose(parties.pressure, [[decay + 4 / 20, 10 / 20], [0.5 * decay, 2 * decay + 30 / 20]],
                               rtol=RTOL)


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
    out = run(k, u_decree=np.array([[0.999999], [1.0]]), day=day)
    assert out.issued[NORTH, 0] == issued and not out.issued[SOUTH, 0]


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
