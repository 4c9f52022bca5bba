"""Talks (sim.model.submodels.talks): a round on the hand-built kernel, rule by rule.

Fixture, first round on day 3 (the next on day 10), one day of sessions each:

- north: priorities security 0.75, trade 0.25; ideal (1.0, 0.5); trusts south 0.3,
  broker 0.6; sucker cost 0.3; strength share 0.75, war cost 0.4, tolerance 0.3
  (reservation 0.75 - 0.4 x 0.7 = 0.47); principal overrides with 0.1 (no
  hardline of its own); walks out with propensity 0.3; concedes 0.1 per failed round.
- south: priorities 0.5, 0.5; ideal (0.2, 1.0), hardline security 0.0 (override
  0.3); trusts north 0.25, broker 0.7; sucker cost 0.25; share 0.25, war cost
  0.5, tolerance 0.7 (reservation 0.10); propensity 0.2; concedes 0.1; host of the
  rebels (alignment 0.6, regional pressure 0.2: crackdown cost 0.48 per unit of security).
- broker: facilitation, bias even, monitoring 0.3, leverage 0.4, inducement 0.2
  on trade (north values it 0.25 / 0.75, south 0.5 / 0.5); restarts with 0.5 after
  a mean 5 days at a new venue.
- temperature 0.05, walk-out margin 0.1, progress 0.1 per session, setback 0.5,
  new-venue bonus 0.05, manipulation weight 0.15, proposals past the calendar after
  a mean 21 days, restart fatigue 0.7.
- collapse: logit P = logit(0.3) + 0.5 (n - 1) + 1.0 [walk-out] - 2.0 progress
  - 1.0 facilitation (the broker's credible facilitation, mean 0.65).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from handbuilt import BROKER_ACTOR, NORTH, SOUTH, GivenUniforms, kernel
from sim.model.streams import parameter_uniforms
from sim.model.submodels import talks

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
DAY = 3
TALKS_COLLAPSE = 5
"""Event code of a collapse in the escalation chain."""


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def logit(p):
    return math.log(p / (1 - p))


STAKES = {"n": (0.75, 0.25), "s": (0.98 / 1.48, 0.5 / 1.48)}
"""Priorities plus the host's crackdown cost (0.48 on security for south), normalized."""


def offer_by_hand(south_security=0.2, bias_north=0.5, formulation=0.0, north=(1.0, 0.5), south_trade=1.0):
    """p_k = sum_i omega_ik x_ik / sum_i omega_ik, omega_ik = b_i ((1 - f) + f K w_ik), K = 2, w the stakes."""
    b = {"n": bias_north, "s": 1.0 - bias_north}
    x = {"n": north, "s": (south_security, south_trade)}
    out = []
    for k in range(2):
        omega = {i: b[i] * ((1 - formulation) + formulation * 2 * STAKES[i][k]) for i in "ns"}
        out.append(sum(omega[i] * x[i][k] for i in "ns") / sum(omega.values()))
    return out


def values_by_hand(offer, south_security=0.2, monitoring=0.3, inducement=True, bonus=0.0, manipulation=(0.0, 0.0),
                   war_cost_north=0.4, crackdown=True, north=(1.0, 0.5), south_trade=1.0):
    """Expected deal values and reservations of north and south."""
    sec, trade = offer
    u_n = 1 - 0.75 * abs(sec - north[0]) - 0.25 * abs(trade - north[1])
    u_s = 1 - 0.5 * abs(sec - south_security) - 0.5 * abs(trade - south_trade) - (0.48 * sec if crackdown else 0.0)
    ind_n, ind_s = (0.2 * 0.25 / 0.75, 0.2 * 0.5 / 0.5) if inducement else (0.0, 0.0)
    ev_n = u_n + ind_n - (1 - 0.3) * 0.3 * (1 - monitoring) + 0.15 * manipulation[0] + bonus
    ev_s = u_s + ind_s - (1 - 0.25) * 0.25 * (1 - monitoring) + 0.15 * manipulation[1] + bonus
    return (ev_n, ev_s), (0.75 - war_cost_north * (1 - 0.3), 0.25 - 0.5 * (1 - 0.7))


def p_accept(ev, res):
    return logistic((ev - res) / 0.05)


def hazard_by_hand(failed_rounds=1, walked=False, progress=0.1, facilitation=0.65):
    return logit(0.3) + 0.5 * (failed_rounds - 1) + 1.0 * walked - 2.0 * progress - 1.0 * facilitation


def per_party(n, north, south):
    return np.stack([np.broadcast_to(np.asarray(north, dtype=float), (n,)),
                     np.broadcast_to(np.asarray(south, dtype=float), (n,))])


def round_(k, accept=(0.0, 0.0), principal=(1.0, 1.0), walkout=(1.0, 1.0), join=1.0, restart=1.0,
           restart_delay=0.5, collapse=1.0, proposal=0.5, day=DAY):
    n = k.state.n_replications
    u = GivenUniforms(n, accept=per_party(n, *accept), principal=per_party(n, *principal),
                      walkout=per_party(n, *walkout), join=join, restart=restart, restart_delay=restart_delay,
                      collapse=collapse, proposal=proposal)
    return talks.talk_phase(k.state, k.parameters, k.topology, u, day)


def wait_days(u, mean):
    """ceil(-m ln(1 - u)), at least 1."""
    return max(1, math.ceil(-mean * math.log(1 - u)))


# ----------------------------------------------------------------------------- who meets

def test_a_round_is_held_only_where_due():
    k = kernel(4, day=DAY)
    k.state.ceasefire.alive[1] = False
    k.state.talks.agreement[2] = True
    k.state.talks.next_round_day[3] = 10
    out = round_(k, accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.held, [True, False, False, False])
    np.testing.assert_array_equal(out.agreed, False)
    np.testing.assert_array_equal(k.state.talks.failed_rounds, [1, 0, 0, 0])
    np.testing.assert_array_equal(out.next_round_day, [10, -1, -1, -1])
    k = kernel(1, day=DAY)
    k.state.talks.active[:] = False
    assert round_(k) is None
    assert round_(kernel(1, day=4), day=4) is None


def test_talks_pause_while_the_ceasefire_is_suspended():
    """A round due while suspended moves to the resumption day; nothing else happens to it."""
    k = kernel(2, day=DAY)
    k.state.ceasefire.suspended[:] = [True, False]
    k.state.ceasefire.resume_day[:] = [7, -1]
    out = round_(k, accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.held, [False, True])
    t = k.state.talks
    np.testing.assert_array_equal(t.next_round_day, [7, 10])
    np.testing.assert_array_equal(t.active, [True, True])
    np.testing.assert_array_equal(t.failed_rounds, [0, 1])
    np.testing.assert_allclose(t.progress, [0.0, 0.1], rtol=RTOL)
    np.testing.assert_allclose(t.concession[:, 0], 0.0)
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH)[0], 0.3, rtol=RTOL)
    # Suspended everywhere a round is due: no round at all, only the move.
    k = kernel(1, day=DAY)
    k.state.ceasefire.suspended[:] = True
    k.state.ceasefire.resume_day[:] = 9
    assert round_(k) is None
    assert k.state.talks.next_round_day[0] == 9 and k.state.talks.active[0]


def test_a_paused_round_is_held_on_the_day_the_ceasefire_resumes():
    """The suspension is lifted in the incident phase, after the talks: on that morning it is still on."""
    k = kernel(2, day=7)
    k.state.talks.next_round_day[:] = 7
    k.state.ceasefire.suspended[:] = True
    k.state.ceasefire.resume_day[:] = [7, 8]
    out = round_(k, accept=(1.0, 1.0), day=7)
    np.testing.assert_array_equal(out.held, [True, False])
    np.testing.assert_array_equal(k.state.talks.next_round_day, [10, 8])


# ----------------------------------------------------------------------------- the offer and acceptance

def test_offer_and_acceptance_at_the_boundary():
    offer = offer_by_hand()
    np.testing.assert_allclose(offer, [0.6, 0.75], rtol=RTOL)
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer)
    pn, ps = p_accept(ev_n, res_n), p_accept(ev_s, res_s)
    k = kernel(4, day=DAY)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE, pn * BELOW, 0.0], [0.0, 0.0, ps * ABOVE, ps * BELOW]))
    np.testing.assert_allclose(out.offer, np.array(offer)[:, None] * np.ones(4), rtol=RTOL)
    np.testing.assert_allclose(k.state.talks.last_offer, out.offer, rtol=RTOL)
    np.testing.assert_array_equal(out.agreed, [True, False, False, True])
    np.testing.assert_array_equal(out.overridden, False)
    assert not out.any_walkout.any()


def test_last_offer_is_kept_where_no_round_was_held():
    k = kernel(2, day=DAY)
    k.state.talks.next_round_day[1] = 10
    round_(k, accept=(1.0, 1.0))
    np.testing.assert_allclose(k.state.talks.last_offer[:, 0], [0.6, 0.75], rtol=RTOL)
    assert np.isnan(k.state.talks.last_offer[:, 1]).all()


def test_crackdown_cost_is_paid_by_the_host_only():
    """Without the crackdown issue south's boundary moves up by 0.48 x security; north's does not move."""
    k = kernel(2, {"actors": {"rebels": {"crackdown_issue": None}}}, day=DAY)
    offer = offer_by_hand()
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer, crackdown=False)
    (_, ev_s_cost), _ = values_by_hand(offer)
    ps, ps_cost = p_accept(ev_s, res_s), p_accept(ev_s_cost, res_s)
    assert ps > ps_cost * ABOVE * ABOVE
    pn = p_accept(ev_n, res_n)
    out = round_(k, accept=([pn * BELOW, pn * BELOW], [ps * BELOW, ps * ABOVE]))
    np.testing.assert_array_equal(out.agreed, [True, False])
    k = kernel(1, day=DAY)
    out = round_(k, accept=(pn * BELOW, ps * BELOW))
    assert not out.agreed[0]  # with the cost, south's probability is below that uniform


def test_principal_override_at_the_boundary_and_judged_from_hardline_positions():
    k = kernel(2, day=DAY)
    hard = offer_by_hand(south_security=0.0)
    np.testing.assert_allclose(hard, [0.5, 0.75], rtol=RTOL)
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(hard, south_security=0.0)
    ps = p_accept(ev_s, res_s)
    out = round_(k, principal=(1.0, [0.3 * BELOW, 0.3 * ABOVE]), accept=(0.0, ps * BELOW))
    np.testing.assert_array_equal(out.overridden, [[False, False], [True, False]])
    np.testing.assert_allclose(out.offer[0], [0.5, 0.6], rtol=RTOL)
    k = kernel(1, day=DAY)
    out = round_(k, principal=(1.0, 0.0), accept=(0.0, ps * ABOVE))
    assert out.overridden[SOUTH, 0] and not out.agreed[0]
    # North's principal overrides with 0.1, but north has no hardline positions of its own.
    k = kernel(1, day=DAY)
    out = round_(k, principal=(0.1 * BELOW, 1.0))
    assert out.overridden[NORTH, 0]
    np.testing.assert_allclose(out.offer[:, 0], [0.6, 0.75], rtol=RTOL)


def test_mediator_bias_tilts_the_offer():
    k = kernel(1, {"actors": {"broker": {"bias": {"north": 3.0, "south": 1.0}}}}, day=DAY)
    offer = offer_by_hand(bias_north=0.75)
    np.testing.assert_allclose(offer, [0.8, 0.625], rtol=RTOL)
    out = round_(k)
    np.testing.assert_allclose(out.offer[:, 0], offer, rtol=RTOL)


def test_unengaged_mediator_has_no_bias_inducement_or_monitoring():
    k = kernel(2, {"actors": {"broker": {"bias": {"north": 3.0, "south": 1.0}}}}, day=DAY)
    k.state.mediators.engaged[:] = False
    offer = offer_by_hand()
    (ev_n, _), (res_n, _) = values_by_hand(offer, monitoring=0.0, inducement=False)
    pn = p_accept(ev_n, res_n)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], 0.0))
    np.testing.assert_allclose(out.offer[:, 0], offer, rtol=RTOL)
    np.testing.assert_array_equal(out.agreed, [True, False])


def balanced_by_hand(formulation):
    """The proposal at the tilt t where both surpluses are equal (found by root-finding, not bisection)."""
    def gap(t):
        offer = offer_by_hand(bias_north=t, formulation=formulation)
        (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer)
        return (ev_n - res_n) - (ev_s - res_s)
    t = brentq(gap, 0.0, 1.0, xtol=1e-15)
    return offer_by_hand(bias_north=t, formulation=formulation)


def test_formulation_mixes_the_compromise_with_the_balanced_offer():
    """o = c + f (b - c): c the compromise weighted by stakes, b the balanced offer, f the parties' mean
    credible formulation: 0.65 in replication 0, (0.3 + 0.7) / 2 where north trusts the broker only 0.3."""
    k = kernel(2, {"actors": {"broker": {"style": "formulation"}}}, day=DAY)
    k.state.trust.observe(NORTH, BROKER_ACTOR, hostility=np.array([0.0, 10.0]))  # 6 / 20 in replication 1
    out = round_(k, accept=(1.0, 1.0))
    for r, f in enumerate([0.65, 0.5]):
        compromise = np.array(offer_by_hand(formulation=f))
        balanced = np.array(balanced_by_hand(f))
        assert np.abs(balanced - compromise).min() > 0.01  # the mix is visible
        # The balanced offer's tilt is found to within 2^-17: the offer moves less than 2 x 2^-17 per unit tilt.
        np.testing.assert_allclose(out.offer[:, r], compromise + f * (balanced - compromise), atol=2 * 2.0**-17)
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(out.offer[:, 0])
    pn, ps = p_accept(ev_n, res_n), p_accept(ev_s, res_s)
    k = kernel(2, {"actors": {"broker": {"style": "formulation"}}}, day=DAY)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], [ps * BELOW, 0.0]))
    np.testing.assert_array_equal(out.agreed, [True, False])


def test_without_formulation_the_offer_is_the_compromise_whatever_the_balance():
    """A facilitator (f = 0) offers the bias-weighted compromise, not the offer that balances surpluses."""
    balanced = balanced_by_hand(0.0)
    assert abs(balanced[0] - 0.6) > 0.01
    out = round_(kernel(1, day=DAY), accept=(1.0, 1.0))
    np.testing.assert_allclose(out.offer[:, 0], offer_by_hand(), rtol=RTOL)


def test_manipulation_weight_adds_credible_leverage():
    k = kernel(2, {"actors": {"broker": {"style": "manipulation"}}}, day=DAY)
    offer = offer_by_hand()
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer, manipulation=(0.6 * 0.4, 0.7 * 0.4))
    pn, ps = p_accept(ev_n, res_n), p_accept(ev_s, res_s)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], [ps * BELOW, 0.0]))
    np.testing.assert_array_equal(out.agreed, [True, False])


@pytest.mark.parametrize("new_venue", [False, True])
def test_new_venue_bonus(new_venue):
    k = kernel(2, day=DAY)
    k.state.talks.new_venue[:] = new_venue
    offer = offer_by_hand()
    (ev_n, _), (res_n, _) = values_by_hand(offer, bonus=0.05 if new_venue else 0.0)
    pn = p_accept(ev_n, res_n)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], 0.0))
    np.testing.assert_array_equal(out.agreed, [True, False])


def test_support_raises_tolerance_and_so_lowers_the_reservation():
    k = kernel(2, day=DAY)
    k.state.parties.support[NORTH] = 0.9  # tolerance 0.3 + 0.5 x 0.4 = 0.5: reservation 0.75 - 0.4 x 0.5
    offer = offer_by_hand()
    (ev_n, _), _ = values_by_hand(offer)
    pn = p_accept(ev_n, 0.75 - 0.4 * 0.5)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], 0.0))
    np.testing.assert_array_equal(out.agreed, [True, False])


# ----------------------------------------------------------------------------- concessions

def test_delegations_judge_from_conceded_positions():
    """North has conceded half the gap: security 1.0 + 0.5 (0.2 - 1.0) = 0.6, trade 0.5 + 0.5 (1.0 - 0.5)."""
    k = kernel(2, day=DAY)
    k.state.talks.concession[NORTH] = 0.5
    north = (0.6, 0.75)
    offer = offer_by_hand(north=north)
    np.testing.assert_allclose(offer, [0.4, 0.875], rtol=RTOL)
    (ev_n, _), (res_n, _) = values_by_hand(offer, north=north)
    pn = p_accept(ev_n, res_n)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], 0.0))
    np.testing.assert_allclose(out.offer, np.array(offer)[:, None] * np.ones(2), rtol=RTOL)
    np.testing.assert_array_equal(out.agreed, [True, False])


def test_hardline_instructions_ignore_concessions():
    """South overridden: security at its hardline 0.0 and trade at its own ideal 1.0, not the conceded 0.75."""
    k = kernel(1, day=DAY)
    k.state.talks.concession[SOUTH] = 0.5
    out = round_(k, principal=(1.0, 0.0))
    np.testing.assert_allclose(out.offer[:, 0], offer_by_hand(south_security=0.0), rtol=RTOL)
    k = kernel(1, day=DAY)
    k.state.talks.concession[SOUTH] = 0.5
    out = round_(k)
    np.testing.assert_allclose(out.offer[:, 0], offer_by_hand(south_security=0.6, south_trade=0.75), rtol=RTOL)


@pytest.mark.parametrize("rate", [0.1, 0.3])
def test_delegations_concede_after_a_failed_round_only(rate):
    """c <- c + rate (1 - c) after a failed round; an agreement or no round leaves it."""
    k = kernel(3, {"actors": {"north": {"delegation": {"concession_per_round": rate}}}}, day=DAY)
    k.state.talks.concession[:] = [[0.2, 0.2, 0.2], [0.0, 0.0, 0.0]]
    k.state.talks.next_round_day[2] = 10
    round_(k, accept=([1.0, 0.0, 1.0], 0.0))
    np.testing.assert_allclose(k.state.talks.concession,
                               [[0.2 + rate * 0.8, 0.2, 0.2], [0.1, 0.0, 0.0]], rtol=RTOL)


def test_conceded_positions_and_concede_pure():
    positions = np.array([[[1.0], [0.5]], [[0.2], [1.0]]])
    got = talks.conceded_positions(positions, np.array([1, 0]), np.array([[0.25, 1.0], [0.0, 0.5]]))
    np.testing.assert_allclose(got[NORTH], [[0.8, 0.2], [0.625, 1.0]], rtol=RTOL)
    np.testing.assert_allclose(got[SOUTH], [[0.2, 0.6], [1.0, 0.75]], rtol=RTOL)
    np.testing.assert_allclose(talks.concede(np.array([0.0, 0.5, 1.0]), 0.2), [0.2, 0.6, 1.0], rtol=RTOL)


# ----------------------------------------------------------------------------- walk-outs and sessions

@pytest.mark.parametrize("war_cost, beyond_margin", [(0.12, True), (0.145, False)])
def test_walk_out_beyond_the_margin_with_propensity_less_facilitation(war_cost, beyond_margin):
    k = kernel(2, {"actors": {"north": {"war_cost": war_cost}}}, day=DAY)
    offer = offer_by_hand()
    (ev_n, _), (res_n, _) = values_by_hand(offer, war_cost_north=war_cost)
    assert (res_n - ev_n > 0.1) == beyond_margin
    p = 0.3 * (1 - 0.6)  # north's propensity, less the broker's facilitation credible to north
    out = round_(k, walkout=([p * BELOW, p * ABOVE], 0.0), accept=(0.0, 0.0))
    np.testing.assert_array_equal(out.walkouts[NORTH], [beyond_margin, False])
    np.testing.assert_array_equal(out.walkouts[SOUTH], False)  # south's value is above its reservation
    np.testing.assert_array_equal(out.agreed, [not beyond_margin, True])


def test_each_day_of_sessions_is_a_chance_to_walk_out():
    """Three sessions: north leaves where u < 1 - (1 - 0.12)^3."""
    k = kernel(3, {"actors": {"north": {"war_cost": 0.12}}}, day=DAY)
    k.state.talks.next_round_sessions[:] = 3
    p = 1 - (1 - 0.12) ** 3
    out = round_(k, walkout=([p * BELOW, p * ABOVE, 0.12 * ABOVE], 1.0), accept=(0.0, 0.0))
    np.testing.assert_array_equal(out.walkouts[NORTH], [True, False, True])


def test_sessions_add_progress_and_talk_trust():
    """A calm round of 3 sessions: progress 3 x 0.1; north's trust in south gains 0.3 x 3 x 0.6 cooperation."""
    k = kernel(2, day=DAY)
    k.state.talks.next_round_sessions[:] = [3, 1]
    round_(k, accept=(1.0, 1.0))
    np.testing.assert_allclose(k.state.talks.progress, [0.3, 0.1], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), [3.54 / 10.54, 3.18 / 10.18], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), [(2 + 0.63) / 8.63, 2.21 / 8.21], rtol=RTOL)


def test_walk_out_evidence_to_every_other_negotiator_setback_and_no_talk_trust():
    k = kernel(2, {"actors": {"north": {"war_cost": 0.0}}}, day=DAY)
    k.state.talks.progress[:] = 0.4
    out = round_(k, walkout=([0.0, 1.0], 1.0), accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.any_walkout, [True, False])
    trust = k.state.trust
    # South and the broker see north walk out (0.5 of hostility); where the round was calm, facilitation
    # builds trust: 0.3 x each party's credible facilitation (0.6, 0.7) in its adversary.
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH), [2 / 8.5, 2.21 / 8.21], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(BROKER_ACTOR, NORTH), [2 / 4.5, 0.5], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), [0.3, 3.18 / 10.18], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(BROKER_ACTOR, SOUTH), 0.5, rtol=RTOL)
    np.testing.assert_allclose(k.state.talks.progress, [0.4 * 0.5, 0.4 + 0.1], rtol=RTOL)


def test_south_walk_out_is_seen_by_north_and_the_broker():
    k = kernel(1, {"actors": {"south": {"war_cost": 0.0, "military_strength": 9.0}}}, day=DAY)
    out = round_(k, walkout=(1.0, 0.0), accept=(0.0, 0.0))
    assert out.walkouts[SOUTH, 0] and not out.walkouts[NORTH, 0] and not out.agreed[0]
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), [3 / 10.5], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(BROKER_ACTOR, SOUTH), [2 / 4.5], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), [0.25], rtol=RTOL)


def test_progress_capped_at_one():
    k = kernel(1, day=DAY)
    k.state.talks.progress[:] = 0.95
    round_(k, accept=(1.0, 1.0))
    np.testing.assert_allclose(k.state.talks.progress, [1.0], rtol=RTOL)


def test_walks_out_pure():
    value, reservation = np.array([0.3, 0.3, 0.3, 0.3]), np.array([0.45, 0.45, 0.35, 0.45])
    u = np.array([0.1, 0.45, 0.0, 1 - 0.9**2])
    got = talks.walks_out(u * BELOW, value, reservation, 0.1, 0.5, np.array([0.2, 0.2, 0.0, 0.8]),
                          np.array([1, 1, 1, 2]))
    np.testing.assert_array_equal(got, [True, False, False, True])
    assert not talks.walks_out(u[3:], value[3:], reservation[3:], 0.1, 0.5, np.array([0.8]), np.array([2]))[0]


# ----------------------------------------------------------------------------- agreements

def test_agreement_sets_the_crackdown_level_and_ends_the_talks():
    k = kernel(2, day=DAY)
    out = round_(k, accept=([0.0, 1.0], 0.0))
    np.testing.assert_array_equal(out.agreed, [True, False])
    talks_state = k.state.talks
    np.testing.assert_array_equal(talks_state.agreement, [True, False])
    np.testing.assert_array_equal(talks_state.agreement_day, [DAY, -1])
    np.testing.assert_allclose(k.state.groups.crackdown_level[0], [0.6, 0.0], rtol=RTOL)
    np.testing.assert_array_equal(talks_state.active, [False, True])
    np.testing.assert_array_equal(talks_state.next_round_day, [-1, 10])
    np.testing.assert_array_equal(out.next_round_day, [-1, 10])
    np.testing.assert_array_equal(talks_state.failed_rounds, [0, 1])
    np.testing.assert_allclose(talks_state.progress, [0.1, 0.1], rtol=RTOL)


def deal_by_hand(offer, manipulation=(0.0, 0.0)):
    """(intrinsic, bought, imposed share) at signing, both parties."""
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer, manipulation=manipulation)
    bought = np.array([0.2 / 3 + 0.15 * manipulation[0], 0.2 + 0.15 * manipulation[1]])
    intrinsic = np.array([ev_n, ev_s]) - bought
    own = np.maximum(0.0, intrinsic - [res_n, res_s])
    return intrinsic, bought, float(np.mean(bought / (bought + own)))


@pytest.mark.parametrize("style, manipulation", [("facilitation", (0.0, 0.0)),
                                                 ("manipulation", (0.6 * 0.4, 0.7 * 0.4))])
def test_the_deal_is_recorded_at_signing(style, manipulation):
    """Intrinsic value (without inducements and manipulation), bought value and mean imposed share."""
    k = kernel(2, {"actors": {"broker": {"style": style}}}, day=DAY)
    t = k.state.talks
    t.imposed_share[:] = 0.3
    out = round_(k, accept=([0.0, 1.0], 0.0))
    np.testing.assert_array_equal(out.agreed, [True, False])
    intrinsic, bought, share = deal_by_hand(offer_by_hand(), manipulation)
    assert 0.0 < share < 1.0
    np.testing.assert_allclose(t.deal_intrinsic[:, 0], intrinsic, rtol=1e-10)
    np.testing.assert_allclose(t.deal_bought[:, 0], bought, rtol=1e-10)
    np.testing.assert_allclose(t.imposed_share, [share, 0.3], rtol=1e-10)
    np.testing.assert_array_equal(t.deal_intrinsic[:, 1], 0.0)
    np.testing.assert_array_equal(t.deal_bought[:, 1], 0.0)


def test_imposed_share_pure():
    got = talks.imposed_share(np.array([0.5, 0.3, 0.6, 0.2, 0.4]), np.array([0.1, 0.2, 0.0, 0.0, 0.3]),
                              np.array([0.3, 0.4, 0.5, 0.4, 0.4]))
    np.testing.assert_allclose(got, [0.1 / 0.3, 1.0, 0.0, 0.0, 1.0], rtol=RTOL)


def test_agreed_level_is_the_offer_on_the_group_s_crackdown_issue():
    k = kernel(1, {"actors": {"rebels": {"crackdown_issue": "trade"}}}, day=DAY)
    out = round_(k)
    assert out.agreed[0]
    np.testing.assert_allclose(k.state.groups.crackdown_level[0], [0.75], rtol=RTOL)


# ----------------------------------------------------------------------------- collapse

def test_collapse_hazard_at_the_boundary_of_the_collapse_uniform():
    """First failed round, no walk-out, progress 0.1 after the round, facilitation 0.65."""
    p = logistic(hazard_by_hand())
    k = kernel(3, day=DAY)
    out = round_(k, accept=(1.0, 1.0), collapse=[p * BELOW, p, p * ABOVE], restart=1.0)
    np.testing.assert_array_equal(out.collapsed, [True, False, False])
    t = k.state.talks
    np.testing.assert_array_equal(t.active, [False, True, True])
    np.testing.assert_array_equal(t.next_round_day, [-1, 10, 10])
    np.testing.assert_array_equal(t.collapses, [1, 0, 0])
    np.testing.assert_array_equal(t.failed_rounds, [1, 1, 1])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [TALKS_COLLAPSE, 0, 0])


def test_collapse_needs_the_uniform_strictly_below_the_probability():
    """With progress and facilitation weights 0 the hazard is logit(0.3) exactly, as the model computes it."""
    from sim.model.draws import logistic as model_logistic, logit as model_logit
    p = float(model_logistic(model_logit(0.3)))
    k = kernel(2, {"talks": {"collapse": {"progress_weight": 0.0, "facilitation_weight": 0.0}}}, day=DAY)
    out = round_(k, accept=(1.0, 1.0), collapse=[p, np.nextafter(p, 0.0)])
    np.testing.assert_array_equal(out.collapsed, [False, True])


def test_collapse_hazard_rises_with_failed_rounds_and_walk_outs():
    """Third consecutive failure (+2 x 0.5) with north walking out (+1.0, progress halved to 0.2)."""
    p = logistic(hazard_by_hand(failed_rounds=3, walked=True, progress=0.2))
    k = kernel(2, {"actors": {"north": {"war_cost": 0.0}}}, day=DAY)
    k.state.talks.failed_rounds[:] = 2
    k.state.talks.progress[:] = 0.4
    out = round_(k, accept=(1.0, 1.0), walkout=(0.0, 1.0), collapse=[p * BELOW, p * ABOVE])
    assert out.any_walkout.all()
    np.testing.assert_array_equal(out.collapsed, [True, False])
    np.testing.assert_array_equal(k.state.talks.failed_rounds, [3, 3])


def test_collapse_hazard_falls_with_facilitation():
    """Without the broker: no facilitation term (the hazard is 0.65 log-odds higher)."""
    p = logistic(hazard_by_hand(facilitation=0.0))
    k = kernel(2, day=DAY)
    k.state.mediators.engaged[:] = False
    out = round_(k, accept=(1.0, 1.0), collapse=[p * BELOW, p * ABOVE])
    np.testing.assert_array_equal(out.collapsed, [True, False])


def test_collapse_log_odds_terms_pure():
    base = dict(first_failure_prob=0.2, per_failed_round=0.4, failed_rounds=np.array([1, 3]),
                walkout_log_odds=1.5, walked_out=np.array([False, True]), progress_weight=3.0,
                progress=np.array([0.1, 0.5]), facilitation_weight=0.5, facilitation=np.array([0.2, 0.8]))
    got = talks.collapse_log_odds(**base)
    np.testing.assert_allclose(got, [logit(0.2) - 0.3 - 0.1, logit(0.2) + 0.8 + 1.5 - 1.5 - 0.4], rtol=RTOL)


def test_no_collapse_where_the_round_agreed_or_was_not_held():
    k = kernel(3, day=DAY)
    k.state.talks.next_round_day[2] = 10
    out = round_(k, accept=([0.0, 1.0, 1.0], 0.0), collapse=0.0)
    np.testing.assert_array_equal(out.collapsed, [False, True, False])
    np.testing.assert_array_equal(k.state.talks.collapses, [0, 1, 0])


# ----------------------------------------------------------------------------- the next round

def test_next_round_is_the_next_calendar_round_after_the_last_session():
    """Round of 3 sessions on days 3-5: the round on day 5 is passed; the next is day 10, of 2 sessions."""
    calendar = {"talks": {"calendar": [{"day": 3, "sessions": 3}, {"day": 5}, {"day": 10, "sessions": 2}]}}
    k = kernel(2, calendar, day=DAY)
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, [3, 3])
    k.state.talks.next_round_sessions[1] = 1  # here only day 3: day 5 comes next
    out = round_(k, accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.next_round_day, [10, 5])
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, [2, 1])


@pytest.mark.parametrize("mean", [21.0, 7.0])
def test_past_the_calendar_a_round_is_proposed_after_an_exponential_wait(mean):
    k = kernel(3, {"talks": {"proposal_interval_days": mean}}, day=10)
    k.state.talks.next_round_day[:] = 10
    k.state.talks.next_round_sessions[:] = [1, 1, 4]
    out = round_(k, accept=(1.0, 1.0), proposal=[0.5, 0.0, 0.5], day=10)
    last = np.array([10, 10, 13])
    expected = last + [wait_days(0.5, mean), 1, wait_days(0.5, mean)]
    np.testing.assert_array_equal(out.next_round_day, expected)
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, [1, 1, 1])
    assert k.state.talks.active.all()


def test_proposal_wait_rounds_up_at_the_whole_day():
    """-21 ln(1 - u) just below and just above 14 days: 14 and 15 days."""
    k = kernel(2, day=10)
    k.state.talks.next_round_day[:] = 10
    u = 1 - np.exp(-np.array([14 * BELOW, 14 * ABOVE]) / 21)
    out = round_(k, accept=(1.0, 1.0), proposal=u, day=10)
    np.testing.assert_array_equal(out.next_round_day, [24, 25])


def test_each_replication_has_its_own_calendar_with_drawn_delays():
    """Round 0 on day 3 slips by floor(10 u) days (u from its parameter stream); round 1 on day 8.
    Each replication's calendar is sorted by day, its sessions follow their rounds, ties keep file order."""
    n = 12
    slip = {"dist": "uniform", "low": 0, "high": 10}
    changes = {"talks": {"calendar": [{"day": 3, "sessions": 2, "delay_days": slip}, {"day": 8}]}}
    k = kernel(n, changes, day=DAY)
    slipped = 3 + np.floor(10 * parameter_uniforms(0, np.arange(n), "talks.calendar.0.delay_days")).astype(int)
    assert {3, 8}.issubset(set(slipped)) and (slipped < 8).any() and (slipped > 8).any()
    first = np.minimum(slipped, 8)
    schedule = k.parameters.schedule
    np.testing.assert_array_equal(schedule.days, [first, np.maximum(slipped, 8)])
    np.testing.assert_array_equal(schedule.sessions, [np.where(slipped <= 8, 2, 1), np.where(slipped <= 8, 1, 2)])
    np.testing.assert_array_equal(k.state.talks.next_round_day, first)
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, np.where(slipped <= 8, 2, 1))
    # A round on day 3 everywhere (one session): the next is each replication's first calendar round after it.
    k.state.talks.next_round_day[:] = DAY
    k.state.talks.next_round_sessions[:] = 1
    out = round_(k, accept=(1.0, 1.0))
    later = (slipped > 3) & (slipped <= 8)
    np.testing.assert_array_equal(out.next_round_day, np.where(later, slipped, 8))
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, np.where(later, 2, 1))


def test_next_scheduled_round_pure():
    days = np.array([[3, 5], [9, 5], [12, 20]])
    sessions = np.array([[1, 2], [3, 4], [5, 6]])
    day, n = talks.next_scheduled_round(days, sessions, np.array([3, 5]))
    np.testing.assert_array_equal(day, [9, 20])
    np.testing.assert_array_equal(n, [3, 6])
    day, n = talks.next_scheduled_round(days, sessions, np.array([12, 4]))
    np.testing.assert_array_equal(day, [-1, 5])
    np.testing.assert_array_equal(n, [1, 2])


# ----------------------------------------------------------------------------- restarts

def test_collapse_with_and_without_restart():
    k = kernel(2, day=DAY)
    out = round_(k, accept=(1.0, 1.0), collapse=0.0, restart=[0.5 * ABOVE, 0.5 * BELOW], restart_delay=0.5)
    np.testing.assert_array_equal(out.collapsed, [True, True])
    np.testing.assert_array_equal(out.restarted, [False, True])
    t = k.state.talks
    np.testing.assert_array_equal(t.active, [False, True])
    np.testing.assert_array_equal(t.next_round_day, [-1, DAY + wait_days(0.5, 5)])
    np.testing.assert_array_equal(t.next_round_sessions, [1, 1])
    np.testing.assert_array_equal(t.failed_rounds, [1, 0])
    np.testing.assert_array_equal(t.collapses, [1, 1])
    np.testing.assert_array_equal(t.new_venue, [False, True])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [TALKS_COLLAPSE, TALKS_COLLAPSE])


def test_restarts_at_every_collapse_with_fatigue():
    """Third collapse: restart probability 0.5 x 0.7^2; the re-opened round resets the failed rounds."""
    p = 0.5 * 0.7**2
    k = kernel(3, {"talks": {"calendar": [{"day": 3, "sessions": 2}]}}, day=DAY)
    k.state.talks.collapses[:] = 2
    k.state.talks.failed_rounds[:] = 4
    out = round_(k, accept=(1.0, 1.0), collapse=0.0, restart=[p * BELOW, p, p * ABOVE], restart_delay=0.9)
    np.testing.assert_array_equal(out.restarted, [True, False, False])
    np.testing.assert_array_equal(k.state.talks.collapses, [3, 3, 3])
    np.testing.assert_array_equal(k.state.talks.failed_rounds, [0, 5, 5])
    # The delay runs from the last of the round's two session days.
    np.testing.assert_array_equal(out.next_round_day, [DAY + 1 + wait_days(0.9, 5), -1, -1])
    np.testing.assert_array_equal(k.state.talks.next_round_sessions, [1, 2, 2])


def test_re_opened_talks_meet_collapse_and_re_open_again():
    k = kernel(1, day=DAY)
    out = round_(k, accept=(1.0, 1.0), collapse=0.0, restart=0.0, restart_delay=0.5)
    back = DAY + wait_days(0.5, 5)
    assert out.restarted[0] and k.state.talks.next_round_day[0] == back
    k.state.day = back
    k.state.trust.advance(back)
    out = round_(k, accept=(1.0, 1.0), collapse=0.0, restart=0.5 * 0.7 * BELOW, restart_delay=0.0, day=back)
    assert out.held[0] and out.collapsed[0] and out.restarted[0]
    assert k.state.talks.collapses[0] == 2 and k.state.talks.next_round_day[0] == back + 1


def test_a_mediator_joining_at_a_collapse_cannot_restart_that_round():
    k = kernel(1, JOINER, day=DAY)
    out = round_(k, accept=(1.0, 1.0), join=0.0, collapse=0.0, restart=0.0)
    assert out.collapsed[0] and not out.restarted[0] and k.state.mediators.engaged[0, 0]
    assert not k.state.talks.active[0] and k.state.talks.next_round_day[0] == -1


# ----------------------------------------------------------------------------- joins

JOINER = {"actors": {"broker": {"engagement": {"from_day": None, "join_after_stalled_rounds": 1, "join_prob": 0.5}}}}


def test_a_mediator_joins_after_enough_failed_rounds_at_the_boundary():
    k = kernel(4, JOINER, day=DAY)
    assert not k.state.mediators.engaged.any()
    k.state.talks.next_round_day[2] = 10  # no round, no join
    out = round_(k, accept=(1.0, 1.0), join=[0.5 * BELOW, 0.5 * ABOVE, 0.0, 0.5])
    np.testing.assert_array_equal(out.held, [True, True, False, True])
    np.testing.assert_array_equal(k.state.mediators.engaged, [[True, False, False, False]])


def test_no_join_before_the_threshold_or_after_an_agreement():
    k = kernel(2, {"actors": {"broker": {"engagement": {"from_day": None, "join_after_stalled_rounds": 2}}}},
               day=DAY)
    k.state.talks.failed_rounds[:] = [0, 1]
    round_(k, accept=(1.0, 1.0), join=0.0)
    np.testing.assert_array_equal(k.state.mediators.engaged, [[False, True]])
    k = kernel(1, JOINER, day=DAY)
    round_(k, accept=(0.0, 0.0), join=0.0)
    assert k.state.talks.agreement[0] and not k.state.mediators.engaged.any()


def test_join_thresholds_drawn_per_replication():
    """Thresholds rint(1 + 2 u) from the parameter stream: a mediator joins where the failed rounds reach them."""
    n = 6
    changes = {"actors": {"broker": {"engagement": {
        "from_day": None, "join_prob": 1.0, "join_after_stalled_rounds": {"dist": "uniform", "low": 1, "high": 3}}}}}
    k = kernel(n, changes, day=DAY)
    threshold = np.rint(1 + 2 * parameter_uniforms(
        0, np.arange(n), "actors.broker.engagement.join_after_stalled_rounds")).astype(int)
    assert set(threshold) == {1, 2, 3}
    np.testing.assert_array_equal(k.parameters.mediators.join_after_stalled_rounds, [threshold])
    k.state.talks.failed_rounds[:] = 1  # this round is the second failure
    round_(k, accept=(1.0, 1.0), join=0.5)
    np.testing.assert_array_equal(k.state.mediators.engaged, [threshold <= 2])


def test_joining_keeps_mediators_engaged_elsewhere():
    k = kernel(2, JOINER, day=DAY)
    k.state.mediators.engaged[:] = [[False, True]]
    k.state.talks.next_round_day[1] = 10  # no round in rep 1
    round_(k, accept=(1.0, 1.0), join=1.0)
    np.testing.assert_array_equal(k.state.mediators.engaged, [[False, True]])


# ----------------------------------------------------------------------------- masks

def test_replications_without_a_round_are_left_alone():
    """A round in replication 0 (a collapse) and 1 (a failed round) leaves 2 (broken down) and 3 (agreed) as
    they were: activity, agreement, next round, concessions, counters, chain."""
    k = kernel(4, {"actors": {"broker": {"last_ditch": {"restart_prob": 0.0}}}}, day=DAY)
    t = k.state.talks
    k.state.ceasefire.alive[2] = False
    t.active[2] = False
    t.agreement[3] = True
    t.active[3] = False
    t.next_round_day[3] = -1
    out = round_(k, accept=(1.0, 1.0), collapse=[0.0, 1.0, 0.0, 0.0])
    np.testing.assert_array_equal(out.held, [True, True, False, False])
    np.testing.assert_array_equal(out.collapsed, [True, False, False, False])
    np.testing.assert_array_equal(t.active, [False, True, False, False])
    np.testing.assert_array_equal(t.agreement, [False, False, False, True])
    np.testing.assert_array_equal(t.next_round_day, [-1, 10, DAY, -1])
    np.testing.assert_array_equal(t.failed_rounds, [1, 1, 0, 0])
    np.testing.assert_array_equal(t.collapses, [1, 0, 0, 0])
    np.testing.assert_allclose(t.concession, [[0.1, 0.1, 0.0, 0.0]] * 2, rtol=RTOL)
    np.testing.assert_allclose(t.progress, [0.1, 0.1, 0.0, 0.0], rtol=RTOL)
    np.testing.assert_array_equal(k.state.ceasefire.chain, [TALKS_COLLAPSE, 0, 0, 0])


# ----------------------------------------------------------------------------- pure functions

def test_stakes_add_the_host_s_crackdown_cost():
    priorities = np.array([[0.75, 0.25], [0.5, 0.5]])
    cost = np.zeros((2, 2, 2))
    cost[SOUTH, 0] = [0.48, 0.0]
    got = talks.stakes(priorities, cost)
    np.testing.assert_allclose(got[NORTH], [[0.75, 0.75], [0.25, 0.25]], rtol=RTOL)
    np.testing.assert_allclose(got[SOUTH], [[0.98 / 1.48, 0.5], [0.5 / 1.48, 0.5]], rtol=RTOL)
    k = kernel(1)
    np.testing.assert_allclose(talks.crackdown_costs(k.parameters, k.topology, 1)[:, :, 0], [[0, 0], [0.48, 0]],
                               rtol=RTOL)


def line_value(offer, columns=None):
    """One issue, ideals 1 (first party) and 0 (second): values o and 1 - o (the same whatever the columns)."""
    return np.stack([offer[0], 1.0 - offer[0]])


LINE = (np.array([[[1.0, 1.0, 1.0]], [[0.0, 0.0, 0.0]]]), np.ones((2, 1, 3)))


def test_balanced_offer_equalizes_surpluses_within_the_bisection_bound():
    """o - r0 = 1 - o - r1: o* = (1 + r0 - r1) / 2, found to within 2^-17 (16 halvings, the midpoint)."""
    ideal, weights = LINE
    reservation = np.array([[0.1, 0.0, 0.3], [0.2, 1 / 3, 0.0]])
    got = talks.balanced_offer(ideal, weights, np.array([0.0, 0.5, 1.0]), line_value, reservation)
    exact = (1 + reservation[0] - reservation[1]) / 2
    assert np.all(np.abs(got[0] - exact) <= 2.0**-17)


def test_balanced_offer_stays_at_an_end_where_no_tilt_equalizes():
    ideal, weights = LINE
    reservation = np.array([[1.5, 0.0, 0.2], [0.0, 1.5, 0.2]])  # first always behind, second always behind, even
    got = talks.balanced_offer(ideal, weights, np.zeros(3), line_value, reservation)
    np.testing.assert_allclose(got[0, :2], [1 - 2.0**-17, 2.0**-17], rtol=RTOL)
    assert abs(got[0, 2] - 0.5) <= 2.0**-17


def test_balanced_offer_with_two_issues_equalizes_the_parties_values():
    """On the fixture's issues and stakes, under full formulation."""
    k = kernel(1)
    ideal = np.broadcast_to(k.parameters.parties.positions, (2, 2, 1))
    weights = talks.stakes(k.parameters.parties.priorities, talks.crackdown_costs(k.parameters, k.topology, 1))
    reservation = np.array([[0.47], [0.10]])

    def value_of(offer, columns=None):
        # Several tilts are tried at once: one column each, all of the one replication.
        return np.array([values_by_hand(offer[:, j])[0] for j in range(offer.shape[1])]).T

    got = talks.balanced_offer(ideal, weights, np.ones(1), value_of, reservation)
    np.testing.assert_allclose(got[:, 0], balanced_by_hand(1.0), atol=2 * 2.0**-17)
    surplus = value_of(got) - reservation
    assert abs(surplus[0, 0] - surplus[1, 0]) < 1e-4


def test_proposal_splits_an_issue_no_one_cares_about_by_bias_alone():
    ideal = np.array([[[1.0, 1.0], [0.2, 0.4]], [[0.0, 0.0], [0.8, 0.8]]])  # (P=2, K=2, R=2)
    priorities = np.array([[1.0, 0.0], [1.0, 0.0]])
    bias = np.array([[1.5, 0.5], [0.5, 1.5]])  # not normalized: sums to 2
    got = talks.proposal(ideal, priorities, bias, np.array([1.0, 1.0]))
    np.testing.assert_allclose(got[1], [(1.5 * 0.2 + 0.5 * 0.8) / 2, (0.5 * 0.4 + 1.5 * 0.8) / 2], rtol=RTOL)
    np.testing.assert_allclose(got[0], [0.75, 0.25], rtol=RTOL)


def test_proposal_takes_per_replication_stakes():
    ideal = np.array([[[1.0, 1.0]], [[0.0, 0.0]]])
    weights = np.array([[[1.0, 0.5]], [[0.5, 1.0]]])
    got = talks.proposal(ideal, weights, np.full((2, 2), 0.5), np.array([1.0, 0.5]))
    # omega = 0.5 (1 - f + f w): (0.5, 0.25) at f = 1; (0.375, 0.5) at f = 0.5.
    np.testing.assert_allclose(got[0], [0.5 / 0.75, 0.375 / 0.875], rtol=RTOL)


def test_accepts_strictly_below_the_probability():
    from sim.model.draws import logistic as model_logistic
    u = model_logistic(np.array([1.0]))
    assert not talks.accepts(u, np.array([1.0]), np.array([0.5]), 0.5)[0]
    assert talks.accepts(u * BELOW, np.array([1.0]), np.array([0.5]), 0.5)[0]


def test_mediation_in_round_with_three_styles():
    """Facilitator (trusted 0.5 / 0.8), formulator (0.4 / 0.6), manipulator (leverage 0.3; 0.9 / 0.2), over two
    replications; in replication 1 only the formulator is engaged."""
    engaged = np.array([[True, False], [True, True], [True, False]])
    leverage = np.array([[0.1, 0.1], [0.2, 0.2], [0.3, 0.3]])
    trust = np.array([[[0.5, 0.5], [0.4, 0.4], [0.9, 0.9]], [[0.8, 0.8], [0.6, 0.6], [0.2, 0.2]]])
    style = np.array([[True, False, False], [False, True, False], [False, False, True]])
    tilt = np.array([[0.5, 0.25, 1.0], [0.5, 0.75, 0.0]])
    got = talks.mediation_in_round(engaged, leverage, trust, style, tilt)
    np.testing.assert_allclose(got.facilitation, [[0.5, 0.0], [0.8, 0.0]], rtol=RTOL)
    np.testing.assert_allclose(got.formulation, [(0.4 + 0.6) / 2, (0.4 + 0.6) / 2], rtol=RTOL)
    np.testing.assert_allclose(got.manipulation, [[0.9 * 0.3, 0.0], [0.2 * 0.3, 0.0]], rtol=RTOL)
    np.testing.assert_allclose(got.bias, [[1.75 / 3, 0.25], [1.25 / 3, 0.75]], rtol=RTOL)
    trust[0, 1, 1] = 1.0  # formulation differs between replications
    got = talks.mediation_in_round(engaged, leverage, trust, style, tilt)
    np.testing.assert_allclose(got.formulation, [0.5, 0.8], rtol=RTOL)
    none = talks.mediation_in_round(np.array([[False, True]]), leverage[:1], trust[:, :1], style[:, :1], tilt[:, :1])
    np.testing.assert_allclose(none.bias, [[0.5, 0.5], [0.5, 0.5]], rtol=RTOL)
    empty = talks.mediation_in_round(np.zeros((0, 2), dtype=bool), np.zeros((0, 2)), np.zeros((2, 0, 2)),
                                     np.zeros((3, 0), dtype=bool), np.zeros((2, 0)))
    np.testing.assert_allclose(empty.bias, 0.5)
    np.testing.assert_allclose(empty.facilitation, 0.0)
    np.testing.assert_allclose(empty.formulation, 0.0)
