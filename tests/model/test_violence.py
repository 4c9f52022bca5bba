"""Violence (sim.model.submodels.violence): strikes and retaliation on the hand-built kernel.

Every expected number is computed here from the docstring's formula with the
fixture's numbers (tests/model/handbuilt.py); uniforms are given one just below
and one just above a decision's probability where a decision is tested.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from handbuilt import NORTH, SOUTH, REBELS_ACTOR, GivenUniforms, kernel
from sim.model.state import NEVER
from sim.model.submodels import violence

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


def logit(p):
    return math.log(p / (1.0 - p))


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def trust_today(a0, b0, cooperation=0.0, hostility=0.0):
    """A belief after evidence seen today (on the kernel's day, the ledger's weights cancel)."""
    return (a0 + cooperation) / (a0 + b0 + cooperation + hostility)


def no_restraint(n):
    return np.zeros((2, n))


def per_party(n, north, south):
    """Uniforms (2, n) from one value or n values per party."""
    return np.stack([np.broadcast_to(np.asarray(north, dtype=float), (n,)),
                     np.broadcast_to(np.asarray(south, dtype=float), (n,))])


# Fixture: north strikes with baseline 0.01, pressure weight 0.5, distrust weight 1, trusts south 0.3, and
# threatened open war (boost 0.5); south: 0.005, 1.0, 2.0, trusts north 0.25, no threat.
def p_strike_north(pressure=0.0, decree=0.0, restraint=0.0, trust=0.3):
    return logistic(logit(0.01) + 0.5 * pressure + 1.0 * (1 - 2 * trust) + 0.5 + 1.0 * decree - restraint)


def p_strike_south(pressure=0.0, decree=0.0, restraint=0.0, trust=0.25):
    return logistic(logit(0.005) + 1.0 * pressure + 2.0 * (1 - 2 * trust) + 0.0 + 1.0 * decree - restraint)


def strike(k, u_north, u_south, u_casualties=0.5, day=1, restraint=None):
    n = k.state.n_replications
    u = GivenUniforms(n, strike=per_party(n, u_north, u_south),
                      strike_casualties=u_casualties)
    return violence.strike_phase(k.state, k.parameters, k.topology, u, day,
                                 restraint=no_restraint(n) if restraint is None else restraint)


# ----------------------------------------------------------------------------- strike decision

def test_strike_probability_at_the_boundary_with_every_term():
    k = kernel(2)
    k.state.parties.pressure[:] = [[0.8], [0.3]]
    k.state.parties.decree[SOUTH] = True
    restraint = np.array([[0.7, 0.7], [0.2, 0.2]])
    pn = p_strike_north(pressure=0.8, restraint=0.7)
    ps = p_strike_south(pressure=0.3, decree=1.0, restraint=0.2)
    out = strike(k, [pn * BELOW, pn * ABOVE], [ps * BELOW, ps * ABOVE], restraint=restraint)
    np.testing.assert_array_equal(out.strikes, [[True, False], [True, False]])


@pytest.mark.parametrize("term", ["pressure", "decree", "restraint", "trust", "boost"])
def test_each_strike_term_moves_the_boundary(term):
    """Just below the probability without the term: the term must flip the decision as its sign says."""
    k = kernel(1)
    base = p_strike_north()
    if term == "pressure":
        k.state.parties.pressure[NORTH] = 2.0
        p = p_strike_north(pressure=2.0)
    elif term == "decree":
        k.state.parties.decree[NORTH] = True
        p = p_strike_north(decree=1.0)
    elif term == "restraint":
        p = p_strike_north(restraint=0.9)
    elif term == "trust":
        k.state.trust.observe(NORTH, SOUTH, cooperation=np.array([10.0]))
        p = p_strike_north(trust=13.0 / 20.0)
    else:  # south does not threaten open war: its own boost is 0
        p = p_strike_south()
        base = logistic(logit(0.005) + 2.0 * (1 - 2 * 0.25) + 0.5)
    restraint = np.array([[0.9], [0.0]]) if term == "restraint" else None
    if term == "boost":
        out = strike(k, 1.0, p * BELOW, restraint=restraint)
        assert out.strikes[SOUTH, 0]
        out = strike(kernel(1), 1.0, p * ABOVE)
        assert not out.strikes[SOUTH, 0] and p < base
        return
    out = strike(k, p * BELOW, 1.0, restraint=restraint)
    assert out.strikes[NORTH, 0]
    assert p != pytest.approx(base, rel=1e-6)


def test_no_strike_once_broken_down():
    k = kernel(2)
    k.state.ceasefire.alive[:] = [False, True]
    out = strike(k, 0.0, 0.0)
    np.testing.assert_array_equal(out.strikes, [[False, True], [False, True]])


# ----------------------------------------------------------------------------- strikes land

def test_civilian_casualties_hit_the_adversary():
    k = kernel(3)
    u_cas = np.array([[0.1, 0.5, 0.9], [0.3, 0.6, 0.99]])
    out = strike(k, [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], u_casualties=u_cas)
    hit = np.array([[1, 1, 0], [1, 0, 1]], dtype=bool)
    np.testing.assert_array_equal(out.strikes, hit)
    # North's strikes carry 4 civilian casualties on average, south's 2: Poisson by inversion.
    expected = np.array([stats.poisson.ppf(u_cas[0], 4.0), stats.poisson.ppf(u_cas[1], 2.0)]).astype(int) * hit
    np.testing.assert_array_equal(out.civilian_casualties, expected)
    parties = k.state.parties
    np.testing.assert_array_equal(parties.civilians_suffered[SOUTH], expected[NORTH])
    np.testing.assert_array_equal(parties.civilians_suffered[NORTH], expected[SOUTH])
    np.testing.assert_array_equal(parties.casualties_suffered, parties.civilians_suffered)
    np.testing.assert_array_equal(out.struck, [[True, False, True], [True, True, False]])


def test_casualties_add_to_the_days_tally():
    k = kernel(1)
    k.state.parties.casualties_suffered[:] = [[3], [5]]
    k.state.parties.civilians_suffered[:] = [[1], [2]]
    out = strike(k, 0.0, 1.0, u_casualties=0.5)
    c = int(stats.poisson.ppf(0.5, 4.0))
    assert out.civilian_casualties[NORTH, 0] == c > 0
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[:, 0], [3, 5 + c])
    np.testing.assert_array_equal(k.state.parties.civilians_suffered[:, 0], [1, 2 + c])


def test_sanctuary_damage_by_the_host_s_adversary_only():
    """Rebels are hosted by south: north's strikes destroy a share 0.1 of what is left; south's strikes none."""
    k = kernel(3, {"actors": {"south": {"strikes": {"sanctuary_damage_per_strike": 0.5}}}})
    k.state.groups.damage[:] = 0.2
    strike(k, [0.0, 1.0, 0.0], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(k.state.groups.damage[0], [1 - 0.8 * 0.9, 0.2, 1 - 0.8 * 0.9], rtol=RTOL)


def test_hostile_evidence_about_the_striker_and_broken_commitment_under_agreement():
    k = kernel(3)
    k.state.talks.agreement[:] = [False, True, False]
    strike(k, [0.0, 0.0, 1.0], [1.0, 1.0, 0.0])
    trust = k.state.trust
    # South sees north strike: a violation (1), and under an agreement a broken commitment (2) besides.
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH),
                               [trust_today(2, 6, hostility=1.0), trust_today(2, 6, hostility=3.0), 2 / 8],
                               rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), [0.3, 0.3, trust_today(3, 7, hostility=1.0)], rtol=RTOL)
    # Nobody else learnt anything.
    np.testing.assert_allclose(trust.mean(REBELS_ACTOR, SOUTH), 0.8, rtol=RTOL)


# ----------------------------------------------------------------------------- the chain

@pytest.mark.parametrize("attacked_days_ago, provoked", [(0, True), (4, True), (5, False), (None, False)])
def test_spoiler_provocation_only_when_the_striker_was_hit_within_the_window(attacked_days_ago, provoked):
    day = 20
    k = kernel(1, day=day)
    if attacked_days_ago is not None:
        k.state.parties.last_attacked_day[NORTH] = day - attacked_days_ago
    strike(k, 0.0, 1.0, day=day)
    # Codes: spoiler_attack 1, cross_border_strike 2 (base 8).
    assert k.state.ceasefire.chain[0] == (1 * 8 + 2 if provoked else 2)
    assert k.state.ceasefire.chain_seen[0] == ((1 << 1) | (1 << 2) if provoked else 1 << 2)


def test_provocation_is_judged_on_the_first_striker():
    day = 20
    k = kernel(2, day=day)
    k.state.parties.last_attacked_day[NORTH] = day  # north was attacked, but only south strikes in rep 0
    strike(k, [1.0, 0.0], [0.0, 0.0], day=day)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [2, 1 * 8 + 2])


def test_no_spoiler_link_inside_a_running_episode_and_no_chain_without_strikes():
    day = 20
    k = kernel(2, day=day)
    k.state.parties.last_attacked_day[NORTH] = day
    k.state.ceasefire.chain[:] = 3
    k.state.ceasefire.chain_seen[:] = 1 << 3
    strike(k, [0.0, 1.0], [1.0, 1.0], day=day)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3 * 8 + 2, 3])
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [(1 << 3) | (1 << 2), 1 << 3])
    k2 = kernel(1, day=day)
    k2.state.parties.last_attacked_day[NORTH] = day
    strike(k2, 1.0, 1.0, day=day)
    assert k2.state.ceasefire.chain[0] == 0 and k2.state.ceasefire.chain_seen[0] == 0


def test_last_attacked_never_is_outside_any_window():
    assert NEVER < -10**6


# ----------------------------------------------------------------------------- retaliation

# Retaliation: north baseline 0.2, resentment weight 0.5, distrust weight 1; south 0.4, 1.0, 1.0.
def p_back_north(resentment=0.0, decree=0.0, restraint=0.0, trust=0.3):
    return logistic(logit(0.2) + 0.5 * resentment + 1.0 * (1 - 2 * trust) + 1.0 * decree - restraint)


def p_back_south(resentment=0.0, decree=0.0, restraint=0.0, trust=0.25):
    return logistic(logit(0.4) + 1.0 * resentment + 1.0 * (1 - 2 * trust) + 1.0 * decree - restraint)


def retaliate(k, struck, u_north, u_south, u_casualties=0.5, restraint=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, retaliation=per_party(n, u_north, u_south),
                      retaliation_casualties=u_casualties)
    return violence.retaliation_phase(k.state, k.parameters, k.topology, u, day,
                                      struck=per_party(n, *struck).astype(bool),
                                      restraint=no_restraint(n) if restraint is None else restraint)


def test_retaliation_probability_at_the_boundary_with_every_term():
    k = kernel(2)
    k.state.parties.resentment[:] = [[0.6], [0.4]]
    k.state.parties.decree[NORTH] = True
    restraint = np.array([[0.3, 0.3], [0.5, 0.5]])
    pn = p_back_north(resentment=0.6, decree=1.0, restraint=0.3)
    # North decides first; where it hits back south's trust in north has taken the hostile evidence.
    ps_after = p_back_south(resentment=0.4, restraint=0.5, trust=trust_today(2, 6, hostility=1.0))
    ps_plain = p_back_south(resentment=0.4, restraint=0.5)
    out = retaliate(k, [True, True], [pn * BELOW, pn * ABOVE], [ps_after * BELOW, ps_plain * BELOW],
                    restraint=restraint)
    np.testing.assert_array_equal(out.retaliations, [[True, False], [True, True]])
    k = kernel(2)
    k.state.parties.resentment[:] = [[0.6], [0.4]]
    k.state.parties.decree[NORTH] = True
    out = retaliate(k, [True, True], [pn * BELOW, pn * ABOVE], [ps_after * ABOVE, ps_plain * ABOVE],
                    restraint=restraint)
    np.testing.assert_array_equal(out.retaliations, [[True, False], [False, False]])


def test_retaliation_order_south_sees_north_s_retaliation():
    """The uniform between south's probability before and after north's hostile act tells the order."""
    k = kernel(1)
    before, after = p_back_south(), p_back_south(trust=trust_today(2, 6, hostility=1.0))
    assert after > before
    out = retaliate(k, [True, True], 0.0, (before + after) / 2)
    np.testing.assert_array_equal(out.retaliations[:, 0], [True, True])


def test_only_the_struck_retaliate_and_only_while_alive():
    k = kernel(3)
    k.state.ceasefire.alive[:] = [True, True, False]
    out = retaliate(k, [[True, False, True], [False, False, True]], 0.0, 0.0)
    np.testing.assert_array_equal(out.retaliations, [[True, False, False], [False, False, False]])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3, 0, 0])
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [1 << 3, 0, 0])


def test_retaliation_evidence_casualties_and_chain():
    k = kernel(2)
    k.state.talks.agreement[:] = [False, True]
    u_cas = np.array([[0.7, 0.2], [0.4, 0.95]])
    out = retaliate(k, [True, True], 0.0, [1.0, 0.0], u_casualties=u_cas)
    np.testing.assert_array_equal(out.retaliations, [[True, True], [False, True]])
    trust = k.state.trust
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH), [trust_today(2, 6, hostility=1.0),
                                                          trust_today(2, 6, hostility=3.0)], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), [0.3, trust_today(3, 7, hostility=3.0)], rtol=RTOL)
    # North's retaliation carries 3 casualties on average, south's 5, suffered by the adversary.
    expected = np.array([stats.poisson.ppf(u_cas[0], 3.0), stats.poisson.ppf(u_cas[1], 5.0)]).astype(int)
    expected = expected * out.retaliations
    np.testing.assert_array_equal(out.casualties, expected)
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[SOUTH], expected[NORTH])
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[NORTH], expected[SOUTH])
    np.testing.assert_array_equal(k.state.parties.civilians_suffered, 0)  # forces, not civilians
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3, 3])


def test_no_one_struck_no_retaliation_no_evidence():
    k = kernel(1)
    out = retaliate(k, [False, False], 0.0, 0.0)
    assert not out.retaliations.any() and not out.casualties.any()
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)


# ----------------------------------------------------------------------------- the pure pieces

def test_sanctuary_left_and_hostile_act_evidence():
    np.testing.assert_allclose(violence.sanctuary_left(np.array([0.0, 0.5]), 0.2, np.array([True, True])),
                               [0.2, 0.6], rtol=RTOL)
    np.testing.assert_allclose(violence.sanctuary_left(np.array([0.5]), 0.2, np.array([False])), [0.5])
    np.testing.assert_allclose(violence.hostile_act_evidence(np.array([1, 1, 0]), 1.5, 2.0,
                                                             np.array([False, True, True])), [1.5, 3.5, 0.0])


def test_decree_boost_scales_strikes_and_retaliation():
    """With a decree boost of 2 (not 1), the boost is added to the log-odds, not divided."""
    k = kernel(2, {"actors": {"north": {"decree": {"retaliation_boost": 2.0}}}})
    k.state.parties.decree[NORTH] = True
    p = p_strike_north(decree=2.0)
    out = strike(k, [p * BELOW, p * ABOVE], 1.0)
    np.testing.assert_array_equal(out.strikes[NORTH], [True, False])
    k = kernel(2, {"actors": {"north": {"decree": {"retaliation_boost": 2.0}}}})
    k.state.parties.decree[NORTH] = True
    p = p_back_north(decree=2.0)
    out = retaliate(k, [True, False], [p * BELOW, p * ABOVE], 1.0)
    np.testing.assert_array_equal(out.retaliations[NORTH], [True, False])


def test_retaliation_evidence_only_about_the_retaliator():
    k = kernel(1)
    retaliate(k, [True, False], 0.0, 1.0)
    trust = k.state.trust
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH), [trust_today(2, 6, hostility=1.0)], rtol=RTOL)
    for observer, observed, prior in [(SOUTH, REBELS_ACTOR, 0.5), (SOUTH, 3, 0.7), (NORTH, SOUTH, 0.3),
                                      (REBELS_ACTOR, NORTH, 0.5)]:
        np.testing.assert_allclose(trust.mean(observer, observed), [prior], rtol=RTOL)


def test_sanctuary_damage_with_three_parties_goes_to_each_group_s_own_host():
    """Rebels (host south) are struck by north and east; militia (host north) by south only."""
    changes = {"actors": {
        "east": {"role": "party", "name": "East", "adversary": "south", "priorities": {"security": 1.0},
                 "positions": {"security": 0.5, "trade": 0.5},
                 "strikes": {"sanctuary_damage_per_strike": 0.5}},
        "militia": {"role": "armed_group", "name": "Militia", "host": "north", "target": "south"},
        "south": {"strikes": {"sanctuary_damage_per_strike": 0.2}}}}
    k = kernel(3, changes)
    n = 3
    u = GivenUniforms(n, strike=np.array([[0.0, 1.0, 1.0], [1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]),
                      strike_casualties=0.5)
    violence.strike_phase(k.state, k.parameters, k.topology, u, 1, restraint=np.zeros((3, n)))
    # rep 0: north and east strike (rebels keep 0.9 x 0.5 of their sanctuary); rep 1: south strikes (militia
    # lose 0.2); rep 2: east alone (rebels lose 0.5).
    np.testing.assert_allclose(k.state.groups.damage, [[1 - 0.9 * 0.5, 0.0, 0.5], [0.0, 0.2, 0.0]], rtol=RTOL)
