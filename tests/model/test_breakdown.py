"""Breakdown (sim.model.submodels.breakdown): open war, incidents, expiry, compliance, the window, shock and the chain.

Fixture: open war, north: baseline 0.001/day, casualty elasticity 0.5, 0.3 per hit
suffered in 30 days, distrust weight 1 (trusts south 0.3), talks-off boost 1.5,
threat 1.5 (north threatened), support weight 2; south: the defaults (0.0001, 0.5,
0.3, 1, 1.5, 1.5, 2), trusts north 0.25, no threat. Talks are on at the start
(first round on day 3). The window is 5 days and 2 days with a violation in it
break the ceasefire; shock 0.001/day; compliance evidence 0.05/day. Chain codes
(base 16): spoiler_attack 1, cross_border_strike 2, retaliation 3, jihad_decree 4,
talks_collapse 5, open_war 6, exogenous_shock 7, attributed_attack 8, incident 9,
suspension 10, expiry 11.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from handbuilt import NORTH, SOUTH, GivenUniforms, kernel
from sim.model.draws import exponential_days
from sim.model.draws import logistic as model_logistic
from sim.model.submodels import breakdown

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


def logit(p):
    return math.log(p / (1.0 - p))


def logistic(x):
    return 1.0 / (1.0 + math.exp(-x))


def p_war_north(pressure=0.0, hits=0, trust=0.3, talks_off=False, support=0.5, restraint=0.0):
    return logistic(logit(0.001) + 0.5 * pressure + 0.3 * hits + 1.0 * (1 - 2 * trust) + 1.5 * talks_off + 1.5
                    + 2.0 * (support - 0.5) - restraint)


def p_war_south(pressure=0.0, hits=0, trust=0.25, talks_off=False, support=0.5, restraint=0.0, threatened=False):
    return logistic(logit(0.0001) + 0.5 * pressure + 0.3 * hits + 1.0 * (1 - 2 * trust) + 1.5 * talks_off
                    + 1.5 * threatened + 2.0 * (support - 0.5) - restraint)


def escalate(k, u, day=1, restraint=None):
    n = k.state.n_replications
    return breakdown.escalation_phase(k.state, k.parameters, k.topology, GivenUniforms(n, open_war=u), day,
                                      restraint=np.zeros((2, n)) if restraint is None else restraint)


def per_party(north, south):
    return np.stack(np.broadcast_arrays(np.atleast_1d(np.asarray(north, dtype=float)),
                                        np.atleast_1d(np.asarray(south, dtype=float))))


# ----------------------------------------------------------------------------- open war

def test_open_war_log_odds_adds_every_term():
    args = dict(baseline_prob_per_day=0.01, casualty_elasticity=0.5, pressure=np.array([2.0]),
                strikes_suffered_weight=0.3, hits_30d=np.array([4]), distrust_weight=1.5,
                trust_in_adversary=np.array([0.2]), talks_failed_boost=1.2, talks_off=np.array([True]),
                threat_boost=0.7, threatened=np.array([True]), support_weight=2.0, support_gain=np.array([0.1]),
                restraint=np.array([0.4]))
    full = logit(0.01) + 0.5 * 2.0 + 0.3 * 4 + 1.5 * 0.6 + 1.2 + 0.7 + 2.0 * 0.1 - 0.4
    np.testing.assert_allclose(breakdown.open_war_log_odds(**args), [full], rtol=RTOL)
    # Each term removed on its own changes the log-odds by exactly its contribution.
    for key, neutral, term in [("pressure", np.array([0.0]), 1.0), ("hits_30d", np.array([0]), 1.2),
                               ("trust_in_adversary", np.array([0.5]), 0.9), ("talks_off", np.array([False]), 1.2),
                               ("threatened", np.array([False]), 0.7), ("support_gain", np.array([0.0]), 0.2),
                               ("restraint", np.array([0.0]), -0.4)]:
        lo = breakdown.open_war_log_odds(**{**args, key: neutral})
        np.testing.assert_allclose(lo, [full - term], rtol=1e-12, err_msg=key)


def test_open_war_daily_decision_at_the_boundary_for_every_party():
    k = kernel(2, day=4)
    pn, ps = p_war_north(), p_war_south()
    out = escalate(k, per_party([pn * BELOW, pn * ABOVE], [ps * ABOVE, ps * BELOW]), day=4)
    np.testing.assert_array_equal(out.declared, [[True, False], [False, True]])
    np.testing.assert_array_equal(k.state.ceasefire.open_war_today, [True, True])
    np.testing.assert_array_equal(k.state.ceasefire.open_war_by, [NORTH, SOUTH])
    assert k.state.ceasefire.chain.tolist() == [0, 0]  # the open-war link is added at the end of the day


@pytest.mark.parametrize("term", ["pressure", "hits", "trust", "talks_off", "support", "restraint"])
def test_each_open_war_term_moves_the_boundary(term):
    k = kernel(1, day=4)
    parties = k.state.parties
    restraint = None
    if term == "pressure":
        parties.pressure[NORTH] = 1.2
        p = p_war_north(pressure=1.2)
    elif term == "hits":
        parties.hits_30d[NORTH] = 5
        p = p_war_north(hits=5)
    elif term == "trust":
        k.state.trust.observe(NORTH, SOUTH, hostility=np.array([5.0]))
        p = p_war_north(trust=3 / 15)
    elif term == "talks_off":
        k.state.talks.active[:] = False
        p = p_war_north(talks_off=True)
    elif term == "support":
        parties.support[NORTH] = 0.8
        p = p_war_north(support=0.8)
    else:
        restraint = np.array([[0.6], [0.0]])
        p = p_war_north(restraint=0.6)
    assert p != pytest.approx(p_war_north(), rel=1e-3)
    out = escalate(k, per_party(p * BELOW, 1.0), day=4, restraint=restraint)
    assert out.declared[NORTH, 0]
    k.state.ceasefire.open_war_today[:] = False
    out = escalate(k, per_party(p * ABOVE, 1.0), day=4, restraint=restraint)
    assert not out.declared.any()


def test_talks_are_not_off_under_an_agreement():
    k = kernel(2, day=4)
    k.state.talks.active[:] = False
    k.state.talks.agreement[:] = [False, True]
    p_off, p_on = p_war_north(talks_off=True), p_war_north()
    out = escalate(k, per_party((p_off + p_on) / 2, 1.0), day=4)
    np.testing.assert_array_equal(out.declared[NORTH], [True, False])


def test_the_threat_boost_and_each_parameter_act():
    k = kernel(2, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=4)
    p = p_war_south(threatened=True)
    out = escalate(k, per_party(1.0, [p * BELOW, p * ABOVE]), day=4)
    np.testing.assert_array_equal(out.declared[SOUTH], [True, False])
    k = kernel(2, {"actors": {"north": {"open_war": {"baseline_prob_per_day": 0.01, "threat_boost": 0.0}}}}, day=4)
    p = logistic(logit(0.01) + 0.4)
    out = escalate(k, per_party([p * BELOW, p * ABOVE], 1.0), day=4)
    np.testing.assert_array_equal(out.declared[NORTH], [True, False])


def test_open_war_weights_are_the_open_war_block_s_own():
    """Weights unlike the strike block's and the defaults: each must reach the decision."""
    weights = {"casualty_elasticity": 1.7, "strikes_suffered_weight": 0.9, "distrust_weight": 2.2,
               "talks_failed_boost": 0.6, "support_weight": -1.0}
    k = kernel(2, {"actors": {"north": {"open_war": weights}}}, day=4)
    parties = k.state.parties
    parties.pressure[NORTH] = 0.8
    parties.hits_30d[NORTH] = 3
    parties.support[NORTH] = 0.9
    k.state.talks.active[:] = False
    p = logistic(logit(0.001) + 1.7 * 0.8 + 0.9 * 3 + 2.2 * (1 - 2 * 0.3) + 0.6 + 1.5 - 1.0 * 0.4)
    out = escalate(k, per_party([p * BELOW, p * ABOVE], 1.0), day=4)
    np.testing.assert_array_equal(out.declared[NORTH], [True, False])


def test_open_war_is_decided_every_day_not_only_after_a_collapse():
    pn = p_war_north()
    for day in (1, 17, 200):
        k = kernel(1, day=day)
        assert escalate(k, per_party(pn * BELOW, 1.0), day=day).declared[NORTH, 0]


def test_no_open_war_once_broken_down():
    k = kernel(2, day=4)
    k.state.ceasefire.alive[:] = [False, True]
    out = escalate(k, 0.0, day=4)
    np.testing.assert_array_equal(out.declared, [[False, True], [False, True]])
    np.testing.assert_array_equal(k.state.ceasefire.open_war_today, [False, True])
    np.testing.assert_array_equal(k.state.ceasefire.open_war_by, [-1, NORTH])


def test_open_war_flag_and_first_declarer_per_replication():
    k = kernel(3, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=3)
    c = k.state.ceasefire
    c.open_war_today[:] = [True, False, False]  # set earlier today
    c.open_war_by[:] = [-1, NORTH, -1]
    out = escalate(k, np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]), 3)
    np.testing.assert_array_equal(out.declared, [[False, False, True], [False, True, False]])
    np.testing.assert_array_equal(c.open_war_today, [True, True, True])
    np.testing.assert_array_equal(c.open_war_by, [-1, NORTH, NORTH])
    k = kernel(2, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=3)
    escalate(k, np.array([[0.0, 0.0], [0.0, 1.0]]), 3)  # both declare in rep 0: the first party is kept
    np.testing.assert_array_equal(k.state.ceasefire.open_war_by, [NORTH, NORTH])


# ----------------------------------------------------------------------------- incidents

INCIDENTS = {"ceasefire": {"incidents": {
    "mine": {"victim": "north", "rate_per_day": 0.1, "casualties_mean": 3.0, "suspension_prob": 0.4,
             "resumption_days": 10.0, "counts_as_violation": True},
    "clash": {"victim": "south", "rate_per_day": 0.05, "casualties_mean": 2.0, "suspension_prob": 0.5,
              "resumption_days": 4.0}}}}
MINE, CLASH = 0, 1


def incidents(k, u, u_casualties=0.5, u_suspension=1.0, u_resumption=0.5, day=1):
    g = GivenUniforms(k.state.n_replications, incident=u, incident_casualties=u_casualties, suspension=u_suspension,
                      resumption=u_resumption)
    return breakdown.incident_phase(k.state, k.parameters, k.topology, g, day)


def test_incidents_at_their_rates_with_casualties_to_the_victim():
    k = kernel(3, INCIDENTS)
    k.state.ceasefire.alive[2] = False
    u_cas = np.array([[0.3, 0.8, 0.5], [0.6, 0.9, 0.5]])
    out = incidents(k, np.array([[0.1 * BELOW, 0.1 * ABOVE, 0.0], [0.05, 0.05 * BELOW, 0.0]]), u_casualties=u_cas)
    np.testing.assert_array_equal(out.occurred, [[True, False, False], [False, True, False]])
    mine = stats.poisson.ppf(0.3, 3.0)
    clash = stats.poisson.ppf(0.9, 2.0)
    assert mine > 0 and clash > 0
    np.testing.assert_array_equal(out.casualties, [[mine, 0, 0], [0, clash, 0]])
    np.testing.assert_array_equal(k.state.parties.casualties_suffered, [[mine, 0, 0], [0, clash, 0]])
    np.testing.assert_array_equal(k.state.parties.civilians_suffered, 0)
    np.testing.assert_array_equal(out.counted_as_violation, [True, False, False])  # only mines count
    assert not out.suspended.any() and not k.state.ceasefire.suspended.any()


def test_an_incident_may_suspend_the_ceasefire_until_the_longest_resumption():
    day = 6
    k = kernel(4, INCIDENTS, day=day)
    u_res = np.array([[0.5], [0.9]])  # mine: ceil(-10 ln 0.5) = 7 days; clash: ceil(-4 ln 0.1) = 10 days
    out = incidents(k, 0.0, u_suspension=np.array([[0.4 * BELOW, 0.4 * BELOW, 1.0, 0.4],
                                                   [0.5 * BELOW, 1.0, 0.5 * BELOW, 0.5]]),
                    u_resumption=u_res, day=day)
    assert exponential_days(np.array([0.5]), 10.0)[0] == 7 and exponential_days(np.array([0.9]), 4.0)[0] == 10
    np.testing.assert_array_equal(out.suspended, [True, True, True, False])
    np.testing.assert_array_equal(k.state.ceasefire.suspended, [True, True, True, False])
    np.testing.assert_array_equal(k.state.ceasefire.resume_day, [day + 10, day + 7, day + 10, -1])
    # Chain: an incident (counted or suspending), then the suspension.
    np.testing.assert_array_equal(k.state.ceasefire.chain, [9 * 16 + 10, 9 * 16 + 10, 9 * 16 + 10, 9])
    assert breakdown.decode_chain(k.state.ceasefire.chain[0]) == "incident > suspension"


def test_a_suspended_ceasefire_resumes_on_its_day_and_is_not_suspended_again_meanwhile():
    k = kernel(3, INCIDENTS, day=8)
    c = k.state.ceasefire
    c.suspended[:] = [True, True, False]
    c.resume_day[:] = [8, 9, -1]  # rep 1 resumes tomorrow, not today
    out = incidents(k, np.array([[1.0] * 3, [0.0, 0.0, 1.0]]), u_suspension=0.0, day=8)
    np.testing.assert_array_equal(out.resumed, [True, False, False])
    # Rep 0 resumed this morning, so today's clash suspends it anew; rep 1 is still suspended: no new suspension.
    np.testing.assert_array_equal(out.suspended, [True, False, False])
    np.testing.assert_array_equal(c.suspended, [True, True, False])
    np.testing.assert_array_equal(c.resume_day, [8 + 3, 9, -1])  # clash with u 0.5: ceil(4 ln 2) = 3
    np.testing.assert_array_equal(c.chain, [9 * 16 + 10, 0, 0])  # an uncounted incident that suspends nothing
    k = kernel(1, day=12)  # no kinds of incident: suspensions still end
    k.state.ceasefire.suspended[:] = True
    k.state.ceasefire.resume_day[:] = 12
    out = breakdown.incident_phase(k.state, k.parameters, k.topology, GivenUniforms(1), 12)
    assert out.resumed[0] and not k.state.ceasefire.suspended[0] and out.occurred.shape == (0, 1)


def test_each_incident_parameter_acts():
    changes = {"ceasefire": {"incidents": {"mine": {"rate_per_day": 0.3, "suspension_prob": 0.9,
                                                    "resumption_days": 2.0, "casualties_mean": 8.0}}}}
    k = kernel(1, INCIDENTS)
    k2 = kernel(1, _merged(INCIDENTS, changes))
    for kk, suspends, occurs in [(k, False, False), (k2, True, True)]:
        out = incidents(kk, np.array([[0.2], [1.0]]), u_casualties=0.7, u_suspension=0.6, u_resumption=0.5)
        assert out.occurred[MINE, 0] == occurs and out.suspended[0] == suspends
    assert k2.state.ceasefire.resume_day[0] == 1 + 2  # ceil(2 ln 2) = 2
    assert k2.state.parties.casualties_suffered[NORTH, 0] == stats.poisson.ppf(0.7, 8.0)


def _merged(a, b):
    import copy
    out = copy.deepcopy(a)

    def merge(into, new):
        for key, value in new.items():
            if isinstance(value, dict) and isinstance(into.get(key), dict):
                merge(into[key], value)
            else:
                into[key] = value
    merge(out, b)
    return out


# ----------------------------------------------------------------------------- expiry

EXPIRY = {"ceasefire": {"expiry": {"day": 10, "extension_prob": 0.5, "extension_days": 30}}}


def test_expiry_due_on_its_day_extended_below_the_probability():
    k = kernel(3, EXPIRY, day=10)
    expired = breakdown.expiry_due(k.state, k.parameters, GivenUniforms(3, extension=[0.5 * BELOW, 0.5, 0.9]), 10)
    np.testing.assert_array_equal(expired, [False, True, True])
    np.testing.assert_array_equal(k.state.ceasefire.expiry_day, [40, 10, 10])


def test_no_expiry_on_other_days_and_no_draw():
    k = kernel(2, EXPIRY, day=9)
    assert not breakdown.expiry_due(k.state, k.parameters, GivenUniforms(2), 9).any()  # no "extension" asked
    assert not breakdown.expiry_due(k.state, k.parameters, GivenUniforms(2), 11).any()
    k = kernel(2, day=10)  # open-ended
    np.testing.assert_array_equal(k.state.ceasefire.expiry_day, [-1, -1])
    assert not breakdown.expiry_due(k.state, k.parameters, GivenUniforms(2), 10).any()


def test_a_deal_replaces_expiry_and_a_broken_ceasefire_does_not_expire():
    k = kernel(3, EXPIRY, day=10)
    k.state.talks.agreement[:] = [True, False, False]
    k.state.ceasefire.alive[1] = False
    expired = breakdown.expiry_due(k.state, k.parameters, GivenUniforms(3, extension=0.99), 10)
    np.testing.assert_array_equal(expired, [False, False, True])


def test_an_extended_ceasefire_comes_due_again_and_the_extension_parameters_act():
    k = kernel(1, _merged(EXPIRY, {"ceasefire": {"expiry": {"extension_days": 7}}}), day=10)
    assert not breakdown.expiry_due(k.state, k.parameters, GivenUniforms(1, extension=0.1), 10)[0]
    assert k.state.ceasefire.expiry_day[0] == 17
    assert breakdown.expiry_due(k.state, k.parameters, GivenUniforms(1, extension=0.6), 17)[0]
    k = kernel(1, _merged(EXPIRY, {"ceasefire": {"expiry": {"extension_prob": 0.8}}}), day=10)
    assert not breakdown.expiry_due(k.state, k.parameters, GivenUniforms(1, extension=0.6), 10)[0]


# ----------------------------------------------------------------------------- breakdown phase

def end_day(k, day, strikes=None, retaliations=None, attacks=None, u_shock=1.0, **more):
    n = k.state.n_replications
    none = np.zeros((2, n), dtype=bool)
    return breakdown.breakdown_phase(
        k.state, k.parameters, k.topology, GivenUniforms(n, shock=u_shock, **more), day,
        strikes=none if strikes is None else np.asarray(strikes, dtype=bool),
        retaliations=none if retaliations is None else np.asarray(retaliations, dtype=bool),
        attacks_counted=np.zeros(n, dtype=bool) if attacks is None else np.asarray(attacks, dtype=bool))


def test_compliance_evidence_for_each_party_that_kept_the_ceasefire():
    k = kernel(3)
    k.state.ceasefire.alive[2] = False
    end_day(k, 1, strikes=[[True, False, False], [False, False, False]],
            retaliations=[[False, False, False], [False, True, False]])
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), [0.25, 2.05 / 8.05, 0.25], rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), [3.05 / 10.05, 0.3, 0.3], rtol=RTOL)


def test_violation_events_count_strikes_retaliations_and_counted_attacks_while_alive():
    k = kernel(3)
    k.state.ceasefire.alive[2] = False
    out = end_day(k, 1, strikes=[[True, False, True], [True, False, True]],
                  retaliations=[[False, False, True], [True, False, False]], attacks=[True, True, True])
    np.testing.assert_array_equal(out.violation_events, [4, 1, 0])
    assert out.violation_events.dtype.kind == "i"


def test_window_threshold_breaks_down_on_the_second_violation_day():
    k = kernel(2)
    strike_north = [[True, True], [False, False]]
    out = end_day(k, 1, strikes=strike_north)
    np.testing.assert_array_equal(out.broken, [False, False])
    np.testing.assert_array_equal(out.status, [breakdown.VIOLATED] * 2)
    np.testing.assert_array_equal(k.state.ceasefire.violation_days, [1, 1])
    # A second violation day in the window breaks rep 0; rep 1 is calm today and stays violated.
    out = end_day(k, 2, strikes=[[True, False], [False, False]])
    np.testing.assert_array_equal(out.broken, [True, False])
    np.testing.assert_array_equal(out.status, [breakdown.BROKEN, breakdown.VIOLATED])
    np.testing.assert_array_equal(k.state.ceasefire.breakdown_day, [2, -1])
    np.testing.assert_array_equal(k.state.ceasefire.alive, [False, True])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [0, 0])  # the chain is set by the phases, not here


def test_counted_attacks_fill_the_window_and_link_the_chain():
    k = kernel(2)
    out = end_day(k, 1, attacks=[True, False])
    np.testing.assert_array_equal(k.state.ceasefire.violation_days, [1, 0])
    np.testing.assert_array_equal(out.status, [breakdown.VIOLATED, breakdown.HOLDING])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [8, 0])
    out = end_day(k, 2, attacks=[True, True])
    np.testing.assert_array_equal(out.broken, [True, False])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [8, 0])
    assert breakdown.decode_chain(k.state.ceasefire.cause[0]) == "attributed_attack"
    # A strike and a counted attack on one day: one violation day, two violation events.
    k = kernel(1)
    out = end_day(k, 1, strikes=[[True], [False]], attacks=[True])
    assert out.violation_events[0] == 2 and k.state.ceasefire.violation_days[0] == 1


def test_counted_incidents_fill_the_window_without_an_attack_link():
    """An incident that counts is a violation day and a violation event, but no attributed attack happened."""
    k = kernel(3)
    k.state.ceasefire.chain[:] = 9  # incident_phase linked today's incident
    k.state.ceasefire.chain_seen[:] = 1 << 9
    n = 3
    out = breakdown.breakdown_phase(k.state, k.parameters, k.topology, GivenUniforms(n, shock=1.0), 1,
                                    strikes=np.zeros((2, n), dtype=bool), retaliations=np.zeros((2, n), dtype=bool),
                                    attacks_counted=np.array([False, True, False]),
                                    incidents_counted=np.array([True, True, False]))
    np.testing.assert_array_equal(out.violation_events, [1, 2, 0])
    np.testing.assert_array_equal(k.state.ceasefire.violation_days, [1, 1, 0])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [9, 9 * 16 + 8, 0])
    assert breakdown.decode_chain(k.state.ceasefire.chain[0]) == "incident"


def test_window_forgets_violations_older_than_its_length():
    k = kernel(1)
    end_day(k, 1, strikes=[[True], [False]])
    for day in range(2, 6):
        assert end_day(k, day).status[0] == breakdown.VIOLATED
    assert k.state.ceasefire.violation_days[0] == 1
    out = end_day(k, 6, retaliations=[[False], [True]])  # day 1 slides out as day 6 comes in
    assert k.state.ceasefire.violation_days[0] == 1 and not out.broken[0]
    assert end_day(k, 7).status[0] == breakdown.VIOLATED
    k2 = kernel(1)
    end_day(k2, 1, strikes=[[True], [False]])
    out = end_day(k2, 5, strikes=[[False], [True]])  # days 1 and 5 are in one window
    assert out.broken[0] and k2.state.ceasefire.breakdown_day[0] == 5


def test_window_count_with_each_replication_s_own_window():
    ring = np.zeros((5, 3), dtype=np.int64)
    day = 12  # slot 2; slot 1 is day 11, slot 0 day 10, slot 4 day 9, slot 3 day 8
    ring[2] = [1, 1, 1]
    ring[0] = [1, 1, 1]
    ring[3] = [1, 0, 1]
    np.testing.assert_array_equal(breakdown.window_count(ring, day, np.array([5, 3, 2])), [3, 2, 1])
    np.testing.assert_array_equal(breakdown.window_count(ring, day, 5), [3, 2, 3])
    np.testing.assert_array_equal(breakdown.window_count(ring, day, np.array([1, 4, 4])), [1, 2, 2])


def test_breakdown_with_per_replication_windows():
    """Windows of 5 and 2 days (ring of the longest): violations on days 1 and 3 break only the 5-day one."""
    k = kernel(2)
    k.parameters.breakdown_window_days = np.array([5, 2])
    assert k.state.ceasefire.violation_ring.shape == (5, 2)
    end_day(k, 1, strikes=[[True, True], [False, False]])
    out = end_day(k, 2)
    np.testing.assert_array_equal(out.status, [breakdown.VIOLATED, breakdown.VIOLATED])
    out = end_day(k, 3, strikes=[[True, True], [False, False]])
    np.testing.assert_array_equal(out.broken, [True, False])
    np.testing.assert_array_equal(k.state.ceasefire.violation_days, [2, 1])


def test_drawn_windows_give_a_ring_of_the_longest():
    k = kernel(6, {"ceasefire": {"breakdown_window_days": {"dist": "uniform", "low": 2, "high": 9}}})
    window = k.parameters.breakdown_window_days
    assert window.shape == (6,) and np.unique(window).size > 1
    assert k.state.ceasefire.violation_ring.shape == (window.max(), 6)
    np.testing.assert_array_equal(k.parameters.breakdown_violation_days, np.minimum(2, window))


def test_calm_window_holds_and_resets_the_chain():
    k = kernel(2)
    k.state.ceasefire.chain[:] = 2
    k.state.ceasefire.chain_seen[:] = 1 << 2
    k.state.ceasefire.violation_ring[0, 1] = 1  # rep 1: a violation on day 0 (slot 0), still in the window on day 3
    k.state.ceasefire.violation_days[1] = 1
    out = end_day(k, 3)
    np.testing.assert_array_equal(out.status, [breakdown.HOLDING, breakdown.VIOLATED])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [0, 2])
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [0, 1 << 2])


def test_shock_at_the_boundary_breaks_down_with_its_link():
    p = 0.001
    k = kernel(3)
    k.state.ceasefire.chain[:] = 2
    k.state.ceasefire.chain_seen[:] = 1 << 2
    k.state.ceasefire.violation_days[:] = 1
    k.state.ceasefire.violation_ring[0] = 1
    k.state.ceasefire.alive[2] = False
    out = end_day(k, 8, u_shock=np.array([p * BELOW, p * ABOVE, 0.0]))
    np.testing.assert_array_equal(out.broken, [True, False, False])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [2 * 16 + 7, 0, 0])
    np.testing.assert_array_equal(k.state.ceasefire.breakdown_day, [8, -1, -1])
    np.testing.assert_array_equal(out.status, [breakdown.BROKEN, breakdown.VIOLATED, breakdown.BROKEN])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [2 * 16 + 7, 2, 2])


def test_open_war_today_breaks_down_with_its_link():
    k = kernel(2)
    k.state.ceasefire.chain[:] = 5
    k.state.ceasefire.chain_seen[:] = 1 << 5
    k.state.ceasefire.open_war_today[:] = [True, False]
    out = end_day(k, 4)
    np.testing.assert_array_equal(out.broken, [True, False])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [5 * 16 + 6, 0])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [5 * 16 + 6, 0])  # rep 1: calm, reset


def test_expiry_ends_the_ceasefire_with_its_link():
    k = kernel(3, EXPIRY, day=10)
    k.state.ceasefire.chain[:] = [0, 9, 0]
    k.state.ceasefire.chain_seen[:] = [0, 1 << 9, 0]
    out = end_day(k, 10, extension=[0.9, 0.9, 0.1])
    np.testing.assert_array_equal(out.expired, [True, True, False])
    np.testing.assert_array_equal(out.broken, [True, True, False])
    np.testing.assert_array_equal(out.status, [breakdown.BROKEN, breakdown.BROKEN, breakdown.HOLDING])
    np.testing.assert_array_equal(k.state.ceasefire.breakdown_day, [10, 10, -1])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [11, 9 * 16 + 11, 0])
    assert breakdown.decode_chain(k.state.ceasefire.cause[1]) == "incident > expiry"
    np.testing.assert_array_equal(k.state.ceasefire.expiry_day, [10, 10, 40])


def test_a_broken_ceasefire_does_not_break_again():
    k = kernel(1)
    k.state.ceasefire.alive[:] = False
    k.state.ceasefire.breakdown_day[:] = 3
    k.state.ceasefire.cause[:] = 2
    out = end_day(k, 9, strikes=[[True], [True]], attacks=[True], u_shock=0.0)
    assert not out.broken[0] and k.state.ceasefire.breakdown_day[0] == 3 and k.state.ceasefire.cause[0] == 2
    assert k.state.ceasefire.violation_days[0] == 0 and out.status[0] == breakdown.BROKEN
    assert k.state.ceasefire.chain[0] == 0 and out.violation_events[0] == 0


# ----------------------------------------------------------------------------- chains and pure functions

def test_chains_are_base_16_and_decode():
    assert breakdown.CHAIN_BASE == 16
    assert breakdown.decode_chain(0) == ""
    assert breakdown.decode_chain(1 * 256 + 2 * 16 + 3) == "spoiler_attack > cross_border_strike > retaliation"
    assert breakdown.decode_chain(8 * 256 + 10 * 16 + 11) == "attributed_attack > suspension > expiry"
    assert [breakdown.EVENT_CODES[n] for n in ("attributed_attack", "incident", "suspension", "expiry")] == [8, 9, 10, 11]


def test_extend_chain_appends_each_event_once_per_episode():
    chain, seen = np.array([0, 2, 2]), np.array([0, 1 << 2, 1 << 2])
    chain, seen = breakdown.extend_chain(chain, seen, "expiry", np.array([True, True, False]))
    np.testing.assert_array_equal(chain, [11, 2 * 16 + 11, 2])
    np.testing.assert_array_equal(seen, [1 << 11, (1 << 2) | (1 << 11), 1 << 2])
    again, seen2 = breakdown.extend_chain(chain, seen, "expiry", np.array([True, True, True]))
    np.testing.assert_array_equal(again, [11, 2 * 16 + 11, 2 * 16 + 11])
    np.testing.assert_array_equal(seen2[:2], seen[:2])


def test_status():
    np.testing.assert_array_equal(breakdown.status(np.array([True, True, False]), np.array([0, 2, 0])), [0, 1, 2])
    assert breakdown.status(np.array([True]), np.array([0])).dtype == np.int8


def test_strict_inequalities_at_exactly_the_probability():
    """u equal to the probability does not trigger: open war, shock, incident, suspension (expiry: see above)."""
    # u exactly at north's probability, computed as the model computes it: no open war.
    k = kernel(1, day=4)
    ow, parties = k.parameters.parties.open_war, k.state.parties
    lo = breakdown.open_war_log_odds(
        ow.baseline_prob_per_day[NORTH], ow.casualty_elasticity[NORTH], parties.pressure[NORTH],
        ow.strikes_suffered_weight[NORTH], parties.hits_30d[NORTH], ow.distrust_weight[NORTH],
        k.state.trust.mean(NORTH, SOUTH), ow.talks_failed_boost[NORTH], False, ow.threat_boost[NORTH], True,
        ow.support_weight[NORTH], parties.support[NORTH] - 0.5, 0.0)
    p = model_logistic(lo)
    assert p[0] == pytest.approx(p_war_north(), rel=1e-12)
    assert not escalate(k, per_party(p, 1.0), day=4).declared.any()
    assert escalate(k, per_party(np.nextafter(p, 0.0), 1.0), day=4).declared[NORTH, 0]
    k = kernel(1)
    assert not end_day(k, 1, u_shock=0.001).broken[0]
    assert end_day(kernel(1), 1, u_shock=np.nextafter(0.001, 0.0)).broken[0]
    k = kernel(1, INCIDENTS)
    out = incidents(k, np.array([[0.1], [0.0]]), u_suspension=np.array([[0.0], [0.5]]))
    np.testing.assert_array_equal(out.occurred[:, 0], [False, True])
    assert not out.suspended[0]
