"""Talks (sim.model.submodels.talks): a round on the hand-built kernel, rule by rule.

Fixture, first round on day 3 (the next on day 10), max 2 stalled rounds:

- north: priorities security 0.75, trade 0.25; ideal (1.0, 0.5); trusts south 0.3,
  broker 0.6; sucker cost 0.3; strength share 0.75, war cost 0.4, tolerance 0.3
  (reservation 0.75 - 0.4 x 0.7 = 0.47); principal overrides with 0.1 (no
  hardline of its own); walks out with propensity 0.3.
- south: priorities 0.5, 0.5; ideal (0.2, 1.0), hardline security 0.0 (override
  0.3); trusts north 0.25, broker 0.7; sucker cost 0.25; share 0.25, war cost
  0.5, tolerance 0.7 (reservation 0.10); propensity 0.2; host of the rebels
  (alignment 0.6, regional pressure 0.2: crackdown cost 0.48 per unit of security).
- broker: facilitation, bias even, monitoring 0.3, leverage 0.4, inducement 0.2
  on trade (north values it 0.25 / 0.75, south 0.5 / 0.5).
- temperature 0.05, walk-out margin 0.1, progress 0.15 per round, setback 0.5,
  new-venue bonus 0.05, manipulation weight 0.15.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from handbuilt import BROKER_ACTOR, NORTH, SOUTH, GivenUniforms, kernel
from sim.model.submodels import talks

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
DAY = 3


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def offer_by_hand(south_security=0.2, bias_north=0.5, formulation=0.0):
    """p_k = sum_i omega_ik x_ik / sum_i omega_ik, omega_ik = b_i ((1 - f) + f K w_ik), K = 2."""
    b = {"n": bias_north, "s": 1.0 - bias_north}
    w = {"n": (0.75, 0.25), "s": (0.5, 0.5)}
    x = {"n": (1.0, 0.5), "s": (south_security, 1.0)}
    out = []
    for k in range(2):
        omega = {i: b[i] * ((1 - formulation) + formulation * 2 * w[i][k]) for i in "ns"}
        out.append(sum(omega[i] * x[i][k] for i in "ns") / sum(omega.values()))
    return out


def values_by_hand(offer, south_security=0.2, monitoring=0.3, inducement=True, bonus=0.0, manipulation=(0.0, 0.0),
                   war_cost_north=0.4, crackdown=True):
    """Expected deal values and reservations of north and south."""
    sec, trade = offer
    u_n = 1 - 0.75 * abs(sec - 1.0) - 0.25 * abs(trade - 0.5)
    u_s = 1 - 0.5 * abs(sec - south_security) - 0.5 * abs(trade - 1.0) - (0.48 * sec if crackdown else 0.0)
    ind_n, ind_s = (0.2 * 0.25 / 0.75, 0.2 * 0.5 / 0.5) if inducement else (0.0, 0.0)
    ev_n = u_n + ind_n - (1 - 0.3) * 0.3 * (1 - monitoring) + 0.15 * manipulation[0] + bonus
    ev_s = u_s + ind_s - (1 - 0.25) * 0.25 * (1 - monitoring) + 0.15 * manipulation[1] + bonus
    return (ev_n, ev_s), (0.75 - war_cost_north * (1 - 0.3), 0.25 - 0.5 * (1 - 0.7))


def p_accept(ev, res):
    return logistic((ev - res) / 0.05)


def per_party(n, north, south):
    return np.stack([np.broadcast_to(np.asarray(north, dtype=float), (n,)),
                     np.broadcast_to(np.asarray(south, dtype=float), (n,))])


def round_(k, accept=(0.0, 0.0), principal=(1.0, 1.0), walkout=(1.0, 1.0), join=1.0, restart=1.0, day=DAY):
    n = k.state.n_replications
    u = GivenUniforms(n, accept=per_party(n, *accept), principal=per_party(n, *principal),
                      walkout=per_party(n, *walkout), join=join, restart=restart)
    return talks.talk_phase(k.state, k.parameters, k.topology, u, day, k.calendar)


# ----------------------------------------------------------------------------- who meets

def test_a_round_is_held_only_where_due():
    k = kernel(4, day=DAY)
    k.state.ceasefire.alive[1] = False
    k.state.talks.agreement[2] = True
    k.state.talks.next_round_day[3] = 10
    out = round_(k, accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.held, [True, False, False, False])
    np.testing.assert_array_equal(out.agreed, False)
    np.testing.assert_array_equal(k.state.talks.stalled_rounds, [1, 0, 0, 0])
    k = kernel(1, day=DAY)
    k.state.talks.active[:] = False
    assert round_(k) is None
    assert round_(kernel(1, day=4), day=4) is None


# ----------------------------------------------------------------------------- proposal and acceptance

def test_offer_and_acceptance_at_the_boundary():
    offer = offer_by_hand()
    np.testing.assert_allclose(offer, [0.6, 0.75], rtol=RTOL)
    (ev_n, ev_s), (res_n, res_s) = values_by_hand(offer)
    pn, ps = p_accept(ev_n, res_n), p_accept(ev_s, res_s)
    k = kernel(4, day=DAY)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE, pn * BELOW, 0.0], [0.0, 0.0, ps * ABOVE, ps * BELOW]))
    np.testing.assert_allclose(out.offer, np.array(offer)[:, None] * np.ones(4), rtol=RTOL)
    np.testing.assert_array_equal(out.agreed, [True, False, False, True])
    np.testing.assert_array_equal(out.overridden, False)
    assert not out.any_walkout.any()


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


def test_formulation_logrolls_by_priorities():
    k = kernel(2, {"actors": {"broker": {"style": "formulation"}}}, day=DAY)
    f = (0.6 + 0.7) / 2  # each party's credible formulation, averaged over parties
    offer = offer_by_hand(formulation=f)
    np.testing.assert_allclose(offer, [0.7625 / 1.1625, (0.3375 * 0.5 + 0.5) / 0.8375], rtol=RTOL)
    (ev_n, _), (res_n, _) = values_by_hand(offer)
    pn = p_accept(ev_n, res_n)
    out = round_(k, accept=([pn * BELOW, pn * ABOVE], 0.0))
    np.testing.assert_allclose(out.offer[:, 0], offer, rtol=RTOL)
    np.testing.assert_array_equal(out.agreed, [True, False])


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


# ----------------------------------------------------------------------------- walk-outs

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
    np.testing.assert_allclose(k.state.talks.progress, [0.4 * 0.5, 0.4 + 0.15], rtol=RTOL)


def test_south_walk_out_is_seen_by_north_and_the_broker():
    k = kernel(1, {"actors": {"south": {"war_cost": 0.0, "military_strength": 9.0}}}, day=DAY)
    out = round_(k, walkout=(1.0, 0.0), accept=(0.0, 0.0))
    assert out.walkouts[SOUTH, 0] and not out.walkouts[NORTH, 0] and not out.agreed[0]
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), [3 / 10.5], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(BROKER_ACTOR, SOUTH), [2 / 4.5], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), [0.25], rtol=RTOL)


def test_progress_capped_at_one():
    k = kernel(1, day=DAY)
    k.state.talks.progress[:] = 0.9
    round_(k, accept=(1.0, 1.0))
    np.testing.assert_allclose(k.state.talks.progress, [1.0], rtol=RTOL)


# ----------------------------------------------------------------------------- after the round

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
    np.testing.assert_array_equal(talks_state.stalled_rounds, [0, 1])
    np.testing.assert_allclose(talks_state.progress, [0.15, 0.15], rtol=RTOL)


def test_stalled_round_on_the_last_calendar_day_ends_the_talks():
    k = kernel(1, day=10)
    k.state.talks.next_round_day[:] = 10
    out = round_(k, accept=(1.0, 1.0), day=10)
    assert not out.collapsed[0] and k.state.talks.stalled_rounds[0] == 1
    assert k.state.talks.next_round_day[0] == -1 and not k.state.talks.active[0]


def test_collapse_without_restart_brings_the_threat_due():
    k = kernel(2, day=DAY)
    k.state.talks.stalled_rounds[:] = 1
    out = round_(k, accept=(1.0, 1.0), restart=[0.5 * ABOVE, 0.5 * BELOW])
    np.testing.assert_array_equal(out.collapsed, [True, True])
    np.testing.assert_array_equal(out.restarted, [False, True])
    talks_state = k.state.talks
    np.testing.assert_array_equal(talks_state.active, [False, True])
    np.testing.assert_array_equal(talks_state.next_round_day, [-1, DAY + 5])
    np.testing.assert_array_equal(talks_state.stalled_rounds, [2, 0])
    np.testing.assert_array_equal(talks_state.new_venue, [False, True])
    assert out.restart_days == [DAY + 5]
    # North threatened open war: due within its 10-day window; south did not threaten.
    np.testing.assert_array_equal(k.state.parties.threat_deadline, [[DAY + 9, -1], [-1, -1]])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [5, 5])  # talks_collapse
    np.testing.assert_array_equal(k.state.mediators.restart_used, [[False, True]])


def test_no_collapse_before_max_stalled_rounds():
    k = kernel(1, day=DAY)
    out = round_(k, accept=(1.0, 1.0), restart=0.0)
    assert not out.collapsed[0] and not out.restarted[0]
    assert k.state.talks.stalled_rounds[0] == 1 and k.state.talks.next_round_day[0] == 10
    assert k.state.ceasefire.chain[0] == 0 and (k.state.parties.threat_deadline == -1).all()


def test_restarted_talks_meet_again_and_collapse_again_without_second_restart():
    k = kernel(1, day=DAY)
    k.state.talks.stalled_rounds[:] = 1
    out = round_(k, accept=(1.0, 1.0), restart=0.0)
    assert out.restarted[0] and k.state.talks.next_round_day[0] == 8
    k.state.trust.advance(8)
    k.state.day = 8
    round_(k, accept=(1.0, 1.0), restart=0.0, day=8)
    out = round_(k, accept=(1.0, 1.0), restart=0.0, day=10)
    assert out.collapsed[0] and not out.restarted[0]  # the broker's restart is spent
    assert not k.state.talks.active[0] and k.state.talks.next_round_day[0] == -1
    assert k.state.parties.threat_deadline[NORTH, 0] == 10 + 9


JOINER = {"actors": {"broker": {"engagement": {"from_day": None, "join_after_stalled_rounds": 1, "join_prob": 0.5}}}}


def test_a_mediator_joins_after_enough_stalled_rounds_at_the_boundary():
    k = kernel(3, JOINER, day=DAY)
    assert not k.state.mediators.engaged.any()
    k.state.talks.next_round_day[2] = 10  # no round, no join
    out = round_(k, accept=(1.0, 1.0), join=[0.5 * BELOW, 0.5 * ABOVE, 0.0])
    np.testing.assert_array_equal(out.held, [True, True, False])
    np.testing.assert_array_equal(k.state.mediators.engaged, [[True, False, False]])


def test_no_join_before_the_stall_threshold_or_after_an_agreement():
    k = kernel(2, {"actors": {"broker": {"engagement": {"from_day": None, "join_after_stalled_rounds": 2}}}},
               day=DAY)
    round_(k, accept=([1.0, 0.0], 0.0), join=0.0)
    assert not k.state.mediators.engaged.any()
    k = kernel(1, JOINER, day=DAY)
    round_(k, accept=(0.0, 0.0), join=0.0)
    assert k.state.talks.agreement[0] and not k.state.mediators.engaged.any()


def test_a_mediator_joining_at_a_collapse_cannot_restart_that_round():
    k = kernel(1, JOINER, day=DAY)
    k.state.talks.stalled_rounds[:] = 1
    out = round_(k, accept=(1.0, 1.0), join=0.0, restart=0.0)
    assert out.collapsed[0] and not out.restarted[0] and k.state.mediators.engaged[0, 0]


# ----------------------------------------------------------------------------- pure functions

def test_mediation_in_round_without_mediators_and_walks_out_pure():
    got = talks.mediation_in_round(np.zeros((0, 2), dtype=bool), np.zeros((0, 2)), np.zeros((2, 0, 2)),
                                   np.zeros((3, 0), dtype=bool), np.zeros((2, 0)))
    np.testing.assert_allclose(got.bias, 0.5)
    np.testing.assert_allclose(got.facilitation, 0.0)
    np.testing.assert_allclose(got.formulation, 0.0)
    value, reservation = np.array([0.3, 0.3, 0.3]), np.array([0.45, 0.45, 0.35])
    np.testing.assert_array_equal(talks.walks_out(np.array([0.1, 0.45, 0.0]), value, reservation, 0.1, 0.5,
                                                  np.array([0.2, 0.2, 0.0])), [True, False, False])


def test_replications_without_a_round_are_left_alone():
    """A round in replication 0 (a collapse) and 1 (a stalled round) leaves 2 (broken down) and 3 (agreed) as
    they were: activity, agreement, next round, mediators."""
    k = kernel(4, {"actors": {"broker": {"last_ditch": {"restart_prob": 0.0}}}}, day=DAY)
    t = k.state.talks
    t.stalled_rounds[:] = [1, 0, 0, 0]
    k.state.ceasefire.alive[2] = False
    t.active[2] = False
    t.agreement[3] = True
    t.active[3] = False
    t.next_round_day[3] = -1
    out = round_(k, accept=(1.0, 1.0))
    np.testing.assert_array_equal(out.held, [True, True, False, False])
    np.testing.assert_array_equal(out.collapsed, [True, False, False, False])
    np.testing.assert_array_equal(t.active, [False, True, False, False])
    np.testing.assert_array_equal(t.agreement, [False, False, False, True])
    np.testing.assert_array_equal(t.next_round_day, [-1, 10, DAY, -1])
    np.testing.assert_array_equal(t.stalled_rounds, [2, 1, 0, 0])


def test_joining_keeps_mediators_engaged_elsewhere():
    k = kernel(2, JOINER, day=DAY)
    k.state.mediators.engaged[:] = [[False, True]]
    k.state.talks.next_round_day[1] = 10  # no round in rep 1
    round_(k, accept=(1.0, 1.0), join=1.0)
    np.testing.assert_array_equal(k.state.mediators.engaged, [[False, True]])


def test_strict_inequality_at_exactly_the_join_probability():
    k = kernel(1, JOINER, day=DAY)
    round_(k, accept=(1.0, 1.0), join=0.5)
    assert not k.state.mediators.engaged.any()


def test_agreed_level_is_the_offer_on_the_group_s_crackdown_issue():
    k = kernel(1, {"actors": {"rebels": {"crackdown_issue": "trade"}}}, day=DAY)
    out = round_(k)
    assert out.agreed[0]
    np.testing.assert_allclose(k.state.groups.crackdown_level[0], [0.75], rtol=RTOL)


def test_proposal_splits_an_issue_no_one_cares_about_by_bias_alone():
    ideal = np.array([[[1.0, 1.0], [0.2, 0.4]], [[0.0, 0.0], [0.8, 0.8]]])  # (P=2, K=2, R=2)
    priorities = np.array([[1.0, 0.0], [1.0, 0.0]])
    bias = np.array([[1.5, 0.5], [0.5, 1.5]])  # not normalized: sums to 2
    got = talks.proposal(ideal, priorities, bias, np.array([1.0, 1.0]))
    np.testing.assert_allclose(got[1], [(1.5 * 0.2 + 0.5 * 0.8) / 2, (0.5 * 0.4 + 1.5 * 0.8) / 2], rtol=RTOL)
    np.testing.assert_allclose(got[0], [0.75, 0.25], rtol=RTOL)


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
    assert empty.bias.shape == (2, 2)
