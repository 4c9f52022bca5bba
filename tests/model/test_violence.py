"""Violence (sim.model.submodels.violence): strikes, compliance drive and lagged retaliation on the hand-built kernel.

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
from sim.model.submodels.domestic import casualty_pressure

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
LAG0_MAX = 1.0 - math.exp(-1.0)
"""With a mean lag of 1 day, the lag is 0 for u below 1 - e^-1, 1 for u in [1 - e^-1, 1 - e^-2), ..."""


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


# Fixture: north strikes with baseline 0.01, casualty elasticity 0.5, distrust weight 1, trusts south 0.3, and
# threatened open war (boost 0.5); south: 0.005, elasticity 1.0 and distrust 2.0 (defaults), trusts north 0.25,
# no threat. No imposed share, no deal: no compliance drive.
def p_strike_north(pressure=0.0, decree=0.0, restraint=0.0, trust=0.3, drive=0.0, elasticity=0.5):
    return logistic(logit(0.01) + elasticity * pressure + 1.0 * (1 - 2 * trust) + 0.5 + 1.0 * decree + drive
                    - restraint)


def p_strike_south(pressure=0.0, decree=0.0, restraint=0.0, trust=0.25, drive=0.0):
    return logistic(logit(0.005) + 1.0 * pressure + 2.0 * (1 - 2 * trust) + 0.0 + 1.0 * decree + drive - restraint)


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
    out = strike(k, p * ABOVE, 1.0, restraint=restraint)
    assert not out.strikes[NORTH, 0]


def test_strike_odds_grow_as_a_power_of_casualties_over_the_reference():
    """odds ratio = (1 + C30 / reference)^elasticity: north (elasticity 0.5, reference 20) at C30 = 60 doubles its odds."""
    pressure = casualty_pressure(np.array([60.0, 0.0]), 20.0)
    lo = violence.strike_log_odds(0.01, pressure, 0.5, np.array([0.5, 0.5]), 1.0, 0.0, 0.0)
    np.testing.assert_allclose(lo, [logit(0.01) + math.log(2.0), logit(0.01)], rtol=RTOL)
    lo3 = violence.strike_log_odds(0.01, pressure, 1.5, np.array([0.5, 0.5]), 1.0, 0.0, 0.0)
    np.testing.assert_allclose(lo3[0] - logit(0.01), 1.5 * math.log(4.0), rtol=RTOL)


def test_strike_uses_the_elasticity_times_the_pressure_in_the_state():
    """Pressure ln(1 + 60/20) = ln 4 for north: with elasticity 0.5 and 2.0 the boundaries differ."""
    for elasticity in (0.5, 2.0):
        k = kernel(2, {"actors": {"north": {"strikes": {"casualty_elasticity": elasticity}}}})
        k.state.parties.pressure[NORTH] = math.log(4.0)
        p = p_strike_north(pressure=math.log(4.0), elasticity=elasticity)
        out = strike(k, [p * BELOW, p * ABOVE], 1.0)
        np.testing.assert_array_equal(out.strikes[NORTH], [True, False])
    assert p_strike_north(pressure=math.log(4.0), elasticity=2.0) > p_strike_north(pressure=math.log(4.0)) * 1.5


def test_decisions_are_strict_at_exactly_the_probability():
    lo = np.array([-1.3, -1.3, 0.4])
    p = violence.logistic(lo)
    u = np.array([p[0], np.nextafter(p[1], 0.0), p[2]])
    np.testing.assert_array_equal(violence.decide(u, lo, np.array([True, True, False])), [False, True, False])


def test_no_strike_once_broken_down():
    k = kernel(2)
    k.state.ceasefire.alive[:] = [False, True]
    out = strike(k, 0.0, 0.0)
    np.testing.assert_array_equal(out.strikes, [[False, True], [False, True]])


# ----------------------------------------------------------------------------- compliance drive

def test_deal_regret_with_fading_bought_value():
    r = np.array([0.5, 0.5, 0.5, 0.1])
    v = np.array([0.2, 0.2, 0.2, 0.3])
    b = np.array([0.4, 0.4, 0.4, 0.0])
    t = np.array([0, 60, 120, 60])
    # t = 0: the full bought value holds (0.6 > 0.5); one half-life: 0.2 + 0.2; two: 0.2 + 0.1; a good deal: 0.
    np.testing.assert_allclose(violence.deal_regret(r, v, b, t, 60.0), [0.0, 0.1, 0.2, 0.0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(violence.deal_regret(r, v, b, t, 30.0), [0.0, 0.2, 0.5 - 0.2 - 0.025, 0.0],
                               rtol=1e-12, atol=1e-15)


def test_compliance_drive_from_the_imposed_share_only_while_alive():
    k = kernel(3, {"durability": {"imposed_fragility": 2.5}})
    k.state.talks.imposed_share[:] = [0.0, 0.4, 0.4]
    k.state.ceasefire.alive[2] = False
    drive = violence.compliance_drive(k.state, k.parameters, 1)
    assert drive.shape == (2, 3)
    np.testing.assert_allclose(drive, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]], rtol=RTOL)


# Reservation values r = pi - c (1 - tolerance): north 0.75 - 0.4 x 0.7 = 0.47 (support at its initial level),
# south 0.25 - 0.5 x 0.3 = 0.10. With north's support at 0.7, its tolerance is 0.3 + 0.5 x 0.2 = 0.4: r = 0.51.
def deal_kernel(n=2, changes=None, day=70):
    k = kernel(n, changes, day=day)
    talks = k.state.talks
    talks.agreement[:] = [False] + [True] * (n - 1)
    talks.agreement_day[:] = [-1] + [10] * (n - 1)
    talks.deal_intrinsic[:] = [[0.3], [0.05]]
    talks.deal_bought[:] = [[0.3], [0.02]]
    return k


def test_compliance_drive_adds_regret_under_a_signed_deal_only():
    """Day 70, signed on day 10: the bought value has halved (half-life 60). Regret weight 10 (default)."""
    k = deal_kernel()
    k.state.talks.imposed_share[:] = [0.0, 0.1]
    drive = violence.compliance_drive(k.state, k.parameters, 70)
    # north: 0.47 - (0.3 + 0.15) = 0.02; south: 0.10 - (0.05 + 0.01) = 0.04; plus imposed 1 x 0.1 in rep 1.
    np.testing.assert_allclose(drive, [[0.0, 10 * 0.02 + 0.1], [0.0, 10 * 0.04 + 0.1]], rtol=1e-9)


def test_regret_moves_with_support_and_each_durability_parameter_acts():
    k = deal_kernel()
    k.state.parties.support[NORTH] = 0.7
    drive = violence.compliance_drive(k.state, k.parameters, 70)
    np.testing.assert_allclose(drive[:, 1], [10 * (0.51 - 0.45), 10 * 0.04], rtol=1e-9)
    k = deal_kernel(changes={"durability": {"regret_weight": 3.0, "leverage_half_life_days": 30.0}})
    drive = violence.compliance_drive(k.state, k.parameters, 70)
    # Two half-lives: north 0.47 - (0.3 + 0.075), south 0.10 - (0.05 + 0.005).
    np.testing.assert_allclose(drive[:, 1], [3 * 0.095, 3 * 0.045], rtol=1e-9)
    np.testing.assert_allclose(drive[:, 0], 0.0)


def test_strike_probability_includes_the_compliance_drive():
    k = deal_kernel(2)
    drive_north = 10 * 0.02
    p_deal = p_strike_north(drive=drive_north)
    p_none = p_strike_north()
    assert p_deal > p_none * 1.1
    u = (p_deal + p_none) / 2  # strikes under the deal (rep 1), not without it (rep 0)
    out = strike(k, u, 1.0, day=70)
    np.testing.assert_array_equal(out.strikes[NORTH], [False, True])
    k = deal_kernel(2)
    out = strike(k, p_deal * ABOVE, 1.0, day=70)
    assert not out.strikes.any()


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

@pytest.mark.parametrize("provoked_days_ago, provoked", [(0, True), (4, True), (5, False), (None, False)])
def test_spoiler_provocation_only_when_the_striker_was_provoked_within_the_window(provoked_days_ago, provoked):
    day = 20
    k = kernel(1, day=day)
    if provoked_days_ago is not None:
        k.state.parties.last_provocation_day[NORTH] = day - provoked_days_ago
    strike(k, 0.0, 1.0, day=day)
    # Codes: spoiler_attack 1, cross_border_strike 2 (base 16).
    assert k.state.ceasefire.chain[0] == (1 * 16 + 2 if provoked else 2)
    assert k.state.ceasefire.chain_seen[0] == ((1 << 1) | (1 << 2) if provoked else 1 << 2)


def test_provocation_is_judged_within_each_replication_s_own_window():
    """Windows of 5 and 2 days (the ring holds 5): a provocation 3 days ago links only in the 5-day replication."""
    day = 20
    k = kernel(2, day=day)
    k.parameters.breakdown_window_days = np.array([5, 2])
    k.state.parties.last_provocation_day[NORTH] = [day - 3, day - 3]
    strike(k, 0.0, 1.0, day=day)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [1 * 16 + 2, 2])
    k = kernel(1, day=day)
    k.parameters.breakdown_window_days = np.array([2])
    k.state.parties.last_provocation_day[NORTH] = day - 1
    strike(k, 0.0, 1.0, day=day)
    assert k.state.ceasefire.chain[0] == 1 * 16 + 2


def test_provocation_is_judged_on_the_first_striker():
    day = 20
    k = kernel(2, day=day)
    k.state.parties.last_provocation_day[NORTH] = day  # north was provoked, but only south strikes in rep 0
    strike(k, [1.0, 0.0], [0.0, 0.0], day=day)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [2, 1 * 16 + 2])


def test_no_spoiler_link_inside_a_running_episode_and_no_chain_without_strikes():
    day = 20
    k = kernel(2, day=day)
    k.state.parties.last_provocation_day[NORTH] = day
    k.state.ceasefire.chain[:] = 3
    k.state.ceasefire.chain_seen[:] = 1 << 3
    strike(k, [0.0, 1.0], [1.0, 1.0], day=day)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3 * 16 + 2, 3])
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [(1 << 3) | (1 << 2), 1 << 3])
    k2 = kernel(1, day=day)
    k2.state.parties.last_provocation_day[NORTH] = day
    strike(k2, 1.0, 1.0, day=day)
    assert k2.state.ceasefire.chain[0] == 0 and k2.state.ceasefire.chain_seen[0] == 0


def test_never_provoked_is_outside_any_window():
    assert NEVER < -10**6
    np.testing.assert_array_equal(kernel(2).state.parties.last_provocation_day, NEVER)


# ----------------------------------------------------------------------------- retaliation

# Retaliation: north baseline 0.2, resentment weight 0.5, distrust weight 1, 3 casualties; south 0.4, 1.0, 1.0,
# 5 casualties. Mean lag 1 day for both (default).
def p_back_north(resentment=0.0, decree=0.0, restraint=0.0, trust=0.3):
    return logistic(logit(0.2) + 0.5 * resentment + 1.0 * (1 - 2 * trust) + 1.0 * decree - restraint)


def p_back_south(resentment=0.0, decree=0.0, restraint=0.0, trust=0.25):
    return logistic(logit(0.4) + 1.0 * resentment + 1.0 * (1 - 2 * trust) + 1.0 * decree - restraint)


def retaliate(k, struck, u_north, u_south, u_lag=0.0, u_casualties=0.5, restraint=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, retaliation=per_party(n, u_north, u_south),
                      retaliation_lag=u_lag, retaliation_casualties=u_casualties)
    return violence.retaliation_phase(k.state, k.parameters, k.topology, u, day,
                                      struck=per_party(n, *struck).astype(bool),
                                      restraint=no_restraint(n) if restraint is None else restraint)


def test_retaliation_probability_at_the_boundary_with_every_term():
    k = kernel(2)
    k.state.parties.resentment[:] = [[0.6], [0.4]]
    k.state.parties.decree[NORTH] = True
    restraint = np.array([[0.3, 0.3], [0.5, 0.5]])
    pn = p_back_north(resentment=0.6, decree=1.0, restraint=0.3)
    ps = p_back_south(resentment=0.4, restraint=0.5)
    out = retaliate(k, [True, True], [pn * BELOW, pn * ABOVE], [ps * ABOVE, ps * BELOW], restraint=restraint)
    np.testing.assert_array_equal(out.decided, [[True, False], [False, True]])
    np.testing.assert_array_equal(out.retaliations, out.decided)  # lag 0: they land today


def test_both_decide_on_the_same_information():
    """South's uniform lies between its probability before and after north's hostile act: it does not hit back."""
    k = kernel(1)
    before, after = p_back_south(), p_back_south(trust=trust_today(2, 6, hostility=1.0))
    assert after > before
    out = retaliate(k, [True, True], 0.0, (before + after) / 2)
    np.testing.assert_array_equal(out.decided[:, 0], [True, False])


def test_only_the_struck_or_unanswered_decide_and_only_while_alive():
    k = kernel(3)
    k.state.ceasefire.alive[:] = [True, True, False]
    out = retaliate(k, [[True, False, True], [False, False, True]], 0.0, 0.0)
    np.testing.assert_array_equal(out.decided, [[True, False, False], [False, False, False]])
    np.testing.assert_array_equal(out.retaliations, [[True, False, False], [False, False, False]])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3, 0, 0])
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [1 << 3, 0, 0])
    k = kernel(3)
    k.state.parties.unanswered[:] = [[False, True, True], [False, False, False]]
    k.state.ceasefire.alive[2] = False
    out = retaliate(k, [False, False], 0.0, 0.0)
    np.testing.assert_array_equal(out.decided, [[False, True, False], [False, False, False]])


@pytest.mark.parametrize("u_lag, lag", [(0.0, 0), (LAG0_MAX * BELOW, 0), (LAG0_MAX * ABOVE, 1),
                                        (1.0 - math.exp(-2.0) * ABOVE, 1), (1.0 - math.exp(-2.0) * BELOW, 2),
                                        (0.99, 4)])
def test_lag_days_from_the_retaliation_lag_uniform(u_lag, lag):
    """Lag floor(-m ln(1 - u)) with mean m = 1: the retaliation lands on day + lag."""
    day = 5
    k = kernel(1, day=day)
    out = retaliate(k, [True, False], 0.0, 1.0, u_lag=u_lag, day=day)
    assert out.decided[NORTH, 0]
    assert out.retaliations[NORTH, 0] == (lag == 0)
    assert k.state.parties.retaliation_due[NORTH, 0] == (-1 if lag == 0 else day + lag)
    assert k.state.parties.retaliation_due[SOUTH, 0] == -1


def test_lag_mean_acts():
    """Mean 3 days: u = 0.5 gives floor(3 ln 2) = 2 days; mean 0 lands the same day whatever u."""
    k = kernel(1, {"actors": {"north": {"retaliation": {"lag_mean_days": 3.0}}}}, day=5)
    retaliate(k, [True, False], 0.0, 1.0, u_lag=0.5, day=5)
    assert k.state.parties.retaliation_due[NORTH, 0] == 7
    k = kernel(1, {"actors": {"north": {"retaliation": {"lag_mean_days": 0.0}}}}, day=5)
    out = retaliate(k, [True, False], 0.0, 1.0, u_lag=0.999, day=5)
    assert out.retaliations[NORTH, 0] and k.state.parties.retaliation_due[NORTH, 0] == -1


def test_a_lagged_retaliation_lands_on_its_due_day_as_a_violation():
    k = kernel(2, day=5)
    k.state.talks.agreement[:] = [False, True]
    out = retaliate(k, [True, False], 0.0, 1.0, u_lag=0.9, day=5)  # lag floor(-ln 0.1) = 2: due on day 7
    np.testing.assert_array_equal(out.decided[NORTH], [True, True])
    assert not out.retaliations.any() and not out.casualties.any() and not out.hit.any()
    np.testing.assert_array_equal(k.state.parties.retaliation_due[NORTH], [7, 7])
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)  # nothing seen yet
    assert k.state.ceasefire.chain.tolist() == [0, 0]
    # Day 6: north is struck again, but a retaliation is pending: no new decision; nothing lands.
    k.state.trust.advance(6)
    out = retaliate(k, [True, False], 0.0, 1.0, u_lag=0.0, day=6)
    assert not out.decided.any() and not out.retaliations.any()
    np.testing.assert_array_equal(k.state.parties.retaliation_due[NORTH], [7, 7])
    # Day 7: it lands (whatever today's uniforms), with casualties, evidence and its chain link.
    k.state.trust.advance(7)
    u_cas = np.array([[0.7, 0.2], [0.5, 0.5]])
    out = retaliate(k, [False, False], 1.0, 1.0, u_lag=0.0, u_casualties=u_cas, day=7)
    assert not out.decided.any()
    np.testing.assert_array_equal(out.retaliations, [[True, True], [False, False]])
    expected = stats.poisson.ppf(u_cas[0], 3.0).astype(int)
    assert (expected > 0).all()
    np.testing.assert_array_equal(out.casualties[NORTH], expected)
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[SOUTH], expected)
    np.testing.assert_array_equal(k.state.parties.retaliation_due[NORTH], [-1, -1])
    np.testing.assert_array_equal(out.hit, [[False, False], [True, True]])
    np.testing.assert_array_equal(k.state.parties.unanswered, out.hit)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), [trust_today(2, 6, hostility=1.0),
                                                                  trust_today(2, 6, hostility=3.0)], rtol=1e-9)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3, 3])


def test_the_victim_of_a_retaliation_may_answer_it_the_next_day_only():
    k = kernel(2, day=3)
    retaliate(k, [True, False], 0.0, 1.0, day=3)  # north hits back at once: south is unanswered
    np.testing.assert_array_equal(k.state.parties.unanswered, [[False, False], [True, True]])
    k.state.trust.advance(4)
    # South saw north's retaliation yesterday (the ledger's fading of that evidence is tested in test_trust).
    ps = p_back_south(trust=k.state.trust.mean(SOUTH, NORTH)[0])
    assert ps > p_back_south()
    out = retaliate(k, [False, False], 1.0, [ps * BELOW, ps * ABOVE], u_lag=0.0, day=4)
    np.testing.assert_array_equal(out.decided, [[False, False], [True, False]])
    # South's answer hit north today: north is now the unanswered one; south's own flag is spent.
    np.testing.assert_array_equal(k.state.parties.unanswered, [[True, False], [False, False]])
    k.state.trust.advance(5)
    out = retaliate(k, [False, False], 0.0, 0.0, day=5)
    np.testing.assert_array_equal(out.decided, [[True, False], [False, False]])


def test_unanswered_but_pending_does_not_decide_again():
    k = kernel(1, day=3)
    k.state.parties.unanswered[SOUTH] = True
    k.state.parties.retaliation_due[SOUTH] = 9
    out = retaliate(k, [False, True], 1.0, 0.0, day=3)
    assert not out.decided.any() and k.state.parties.retaliation_due[SOUTH, 0] == 9


def test_a_pending_retaliation_is_dropped_once_the_ceasefire_broke_down():
    k = kernel(2, day=7)
    k.state.parties.retaliation_due[NORTH] = 7
    k.state.ceasefire.alive[1] = False
    out = retaliate(k, [False, False], 1.0, 1.0, day=7)
    np.testing.assert_array_equal(out.retaliations[NORTH], [True, False])
    np.testing.assert_array_equal(k.state.parties.retaliation_due[NORTH], [-1, -1])
    np.testing.assert_array_equal(out.hit[SOUTH], [True, False])


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
    np.testing.assert_array_equal(out.hit, [[False, True], [True, True]])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [3, 3])


def test_no_one_struck_no_retaliation_no_evidence():
    k = kernel(1)
    out = retaliate(k, [False, False], 0.0, 0.0)
    assert not out.decided.any() and not out.retaliations.any() and not out.casualties.any()
    assert not k.state.parties.unanswered.any()
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
