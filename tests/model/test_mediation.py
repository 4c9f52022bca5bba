"""Mediation (sim.model.submodels.mediation): presence, engagement, restraint, inducements, joins and restarts.

Fixture: one mediator, broker (facilitation, leverage 0.4, monitoring 0.3,
inducement 0.2 tied to trade, conditional on compliance, engaged from day 0,
re-opens collapsed talks with probability 0.5 after a mean 5 days, at a new venue).
North trusts it 0.6 and puts priority 0.25 on trade against a top priority of 0.75;
south trusts it 0.7 and weighs trade 0.5 of a top 0.5. Restraint effects: leverage
1.5, monitoring 1.5, inducement 4.0, agreement 1.0; ceasefire strength 0.2, a deal's
strength 0.5; restart fatigue 0.7 per earlier collapse.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from handbuilt import NORTH, GivenUniforms, kernel
from sim.model.streams import parameter_uniforms
from sim.model.submodels import mediation

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
SECOND = {"actors": {"envoy": {"role": "mediator", "name": "Envoy", "leverage": 0.2, "monitoring": 0.5,
                               "last_ditch": {"restart_prob": 0.8, "restart_delay_days": 9}}}}


def wait_days(u, mean):
    """ceil(-m ln(1 - u)), at least 1."""
    return max(1, math.ceil(-mean * math.log(1 - u)))


# ----------------------------------------------------------------------------- presence and engagement

def test_presence_is_a_snapshot_of_who_is_engaged():
    k = kernel(2)
    k.state.mediators.engaged[:] = [[True, False]]
    now = mediation.presence(k.state, k.parameters)
    np.testing.assert_allclose(now.monitoring, [0.3, 0.0], rtol=RTOL)
    np.testing.assert_allclose(np.broadcast_to(now.leverage, (1, 2)), [[0.4, 0.4]], rtol=RTOL)
    k.state.mediators.engaged[:] = True
    np.testing.assert_array_equal(now.engaged, [[True, False]])


def test_monitoring_of_several_mediators_is_a_noisy_or():
    k = kernel(2, SECOND)
    k.state.mediators.engaged[:] = [[True, True], [True, False]]
    now = mediation.presence(k.state, k.parameters)
    np.testing.assert_allclose(now.monitoring, [1 - 0.7 * 0.5, 0.3], rtol=RTOL)


def test_initial_engagement_and_engagement_on_its_day_where_the_ceasefire_holds():
    k = kernel(3, {"actors": {"broker": {"engagement": {"from_day": 4}}}}, day=3)
    assert not k.state.mediators.engaged.any()
    assert not mediation.engagement_phase(k.state, k.parameters, 3).any()
    k.state.ceasefire.alive[1] = False
    joined = mediation.engagement_phase(k.state, k.parameters, 4)
    np.testing.assert_array_equal(joined, [[True, False, True]])
    np.testing.assert_array_equal(k.state.mediators.engaged, [[True, False, True]])
    again = mediation.engagement_phase(k.state, k.parameters, 4)
    assert not again.any()  # already engaged
    assert kernel(1).state.mediators.engaged.all()  # from_day 0: engaged from the start


def test_engagement_day_drawn_per_replication():
    """from_day rint(2 + 4 u), u from the parameter stream: each replication's mediator arrives on its own day."""
    n = 6
    k = kernel(n, {"actors": {"broker": {"engagement": {"from_day": {"dist": "uniform", "low": 2, "high": 6}}}}})
    start = np.rint(2 + 4 * parameter_uniforms(0, np.arange(n), "actors.broker.engagement.from_day")).astype(int)
    assert len(set(start)) >= 3 and (start == 2).sum() >= 1
    np.testing.assert_array_equal(k.parameters.mediators.engaged_from_day, [start])
    assert not k.state.mediators.engaged.any()
    for day in range(2, 7):
        joined = mediation.engagement_phase(k.state, k.parameters, day)
        np.testing.assert_array_equal(joined, [start == day])
        np.testing.assert_array_equal(k.state.mediators.engaged, [start <= day])


def test_a_mediator_drawn_to_start_on_day_0_is_engaged_from_the_start():
    n = 4
    k = kernel(n, {"actors": {"broker": {"engagement": {"from_day": {"dist": "uniform", "low": 0, "high": 1}}}}})
    start = np.rint(parameter_uniforms(0, np.arange(n), "actors.broker.engagement.from_day")).astype(int)
    assert set(start) == {0, 1}
    np.testing.assert_array_equal(k.state.mediators.engaged, [start == 0])


def test_engagement_keeps_those_already_engaged():
    k = kernel(2, {"actors": {"broker": {"engagement": {"from_day": 4}}, **SECOND["actors"]}}, day=4)
    np.testing.assert_array_equal(k.state.mediators.engaged, [[False, False], [True, True]])
    joined = mediation.engagement_phase(k.state, k.parameters, 4)
    np.testing.assert_array_equal(joined, [[True, True], [False, False]])
    np.testing.assert_array_equal(k.state.mediators.engaged, True)
    none = mediation.engagement_phase(k.state, k.parameters, 5)
    assert none.shape == (2, 2) and none.dtype == bool and not none.any()


# ----------------------------------------------------------------------------- restraint

def restraint_by_hand(engaged=True, strength=0.2, trust_north=0.6, trust_south=0.7, scale_north=0.25 / 0.75,
                      agreement_restraint=1.0):
    e = 1.0 if engaged else 0.0
    north = 1.5 * e * 0.4 * trust_north + 1.5 * 0.3 * e + 4.0 * e * 0.2 * scale_north + agreement_restraint * strength
    south = 1.5 * e * 0.4 * trust_south + 1.5 * 0.3 * e + 4.0 * e * 0.2 * 1.0 + agreement_restraint * strength
    return np.array([north, south])


def restraint(k):
    return mediation.restraint_phase(k.state, k.parameters, k.topology, mediation.presence(k.state, k.parameters))


def test_restraint_terms_with_the_strength_of_the_ceasefire_or_the_deal():
    """Before a deal the ceasefire's strength (0.2) scales the agreement term; after one, the deal's (0.5)."""
    k = kernel(3)
    k.state.mediators.engaged[:] = [[True, True, False]]
    k.state.talks.agreement[:] = [False, True, True]
    got = restraint(k)
    expected = np.stack([restraint_by_hand(), restraint_by_hand(strength=0.5),
                         restraint_by_hand(engaged=False, strength=0.5)], axis=1)
    np.testing.assert_allclose(got, expected, rtol=RTOL)


@pytest.mark.parametrize("changes, before, after, weight", [
    ({"ceasefire": {"strength": 0.6}}, 0.6, 0.5, 1.0),
    ({"talks": {"agreement_strength": 0.9}}, 0.2, 0.9, 1.0),
    ({"mediation": {"agreement_restraint": 2.5}}, 0.2, 0.5, 2.5),
])
def test_each_strength_parameter_acts(changes, before, after, weight):
    k = kernel(2, changes)
    k.state.talks.agreement[:] = [False, True]
    got = restraint(k)
    expected = np.stack([restraint_by_hand(strength=before, agreement_restraint=weight),
                         restraint_by_hand(strength=after, agreement_restraint=weight)], axis=1)
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_a_suspended_ceasefire_or_deal_restrains_nothing_by_its_strength():
    """While suspended the agreement term is 0; the mediators' leverage, monitoring and inducements still act."""
    k = kernel(3)
    k.state.talks.agreement[:] = [False, True, False]
    k.state.ceasefire.suspended[:] = [True, True, False]
    got = restraint(k)
    expected = np.stack([restraint_by_hand(strength=0.0), restraint_by_hand(strength=0.0),
                         restraint_by_hand()], axis=1)
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_leverage_is_credible_in_proportion_to_trust_in_the_mediator():
    k = kernel(1)
    k.state.trust.observe(NORTH, 3, hostility=np.array([10.0]))  # north now trusts broker 6/20
    np.testing.assert_allclose(restraint(k)[:, 0], restraint_by_hand(trust_north=0.3), rtol=RTOL)


def test_unconditional_inducement_does_not_restrain():
    k = kernel(1, {"actors": {"broker": {"inducement": {"conditional_on_compliance": False}}}})
    np.testing.assert_allclose(restraint(k)[:, 0], restraint_by_hand(scale_north=0.0) - [0.0, 0.8], rtol=RTOL)


@pytest.mark.parametrize("agreement", [0.0, 0.35])
def test_restraint_log_odds_without_mediators(agreement):
    got = mediation.restraint_log_odds(np.zeros((0, 2), dtype=bool), np.zeros((0, 2)), np.zeros((0, 2)),
                                       np.zeros(2), np.zeros(2), np.array([agreement, 1.0]), 1.0, 1.0, 1.0, 2.0)
    np.testing.assert_allclose(got, [2.0 * agreement, 2.0], rtol=RTOL)


def test_inducement_scale_and_value():
    priorities = np.array([[0.75, 0.25], [0.5, 0.5], [0.0, 0.0]])
    scale = mediation.inducement_scale(priorities, np.array([1, -1, 0]))
    np.testing.assert_allclose(scale, [[1 / 3, 0.0, 1.0], [1.0, 0.0, 1.0], [0.0, 0.0, 0.0]], rtol=RTOL)
    value = mediation.inducement_value(np.array([[True, False], [True, True]]), np.array([[0.2, 0.2], [0.5, 0.5]]),
                                       np.array([[0.5, 1.0], [1.0, 0.0]]))
    np.testing.assert_allclose(value, [[0.1 + 0.5, 0.5], [0.2, 0.0]], rtol=RTOL)


def test_trust_in_mediators_shape_and_values():
    k = kernel(2)
    got = mediation.trust_in_mediators(k.state, k.topology)
    assert got.shape == (2, 1, 2)
    np.testing.assert_allclose(got[:, 0, 0], [0.6, 0.7], rtol=RTOL)


# ----------------------------------------------------------------------------- restart

def restart(k, u, collapsed, delay=0.5, engaged=None, day=10, collapses=1):
    """Re-open after the collapse numbered ``collapses`` (this one included), as talks.collapse counts it."""
    n = k.state.n_replications
    k.state.talks.collapses[:] = collapses
    engaged = k.state.mediators.engaged.copy() if engaged is None else np.asarray(engaged, dtype=bool)
    return mediation.restart_phase(k.state, k.parameters, k.topology,
                                   GivenUniforms(n, restart=u, restart_delay=delay), day,
                                   np.asarray(collapsed, dtype=bool), engaged)


def test_restart_at_the_boundary_sets_new_venue_and_a_drawn_delay():
    k = kernel(4)
    restarted, next_day = restart(k, [[0.5 * BELOW, 0.5 * ABOVE, 0.0, 0.5 * BELOW]], [True, True, False, True],
                                  delay=[[0.5, 0.5, 0.5, 0.95]])
    np.testing.assert_array_equal(restarted, [True, False, False, True])
    np.testing.assert_array_equal(next_day, [10 + wait_days(0.5, 5), -1, -1, 10 + wait_days(0.95, 5)])
    assert wait_days(0.5, 5) == 4 and wait_days(0.95, 5) == 15
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, False, True])


def test_strict_inequality_at_exactly_the_restart_probability():
    k = kernel(2)
    p = 0.5 * np.power(0.7, 2)
    restarted, _ = restart(k, [[0.5, p]], [True, True], collapses=np.array([1, 3]))
    np.testing.assert_array_equal(restarted, [False, False])
    restarted, _ = restart(k, [[np.nextafter(0.5, 0), np.nextafter(p, 0)]], [True, True], collapses=np.array([1, 3]))
    np.testing.assert_array_equal(restarted, [True, True])


@pytest.mark.parametrize("fatigue", [0.7, 0.4])
def test_restart_probability_fades_with_each_earlier_collapse(fatigue):
    """restart_prob x fatigue^(c - 1) at collapse c: 0.5, 0.5 f, 0.5 f^2."""
    k = kernel(6, {"talks": {"restart_fatigue": fatigue}})
    p = 0.5 * fatigue ** np.array([0, 1, 2])
    u = np.concatenate([p * BELOW, p * ABOVE])[None]
    restarted, _ = restart(k, u, np.ones(6, dtype=bool), collapses=np.tile([1, 2, 3], 2))
    np.testing.assert_array_equal(restarted, [True, True, True, False, False, False])


def test_restart_delay_rounds_up_to_whole_days_and_is_at_least_one():
    """-5 ln(1 - u) just below and just above 7 days: 7 and 8; u = 0 gives 1 day."""
    k = kernel(3)
    u = 1 - np.exp(-np.array([7 * BELOW, 7 * ABOVE, 0.0]) / 5)
    _, next_day = restart(k, 0.0, [True, True, True], delay=u[None], day=20)
    np.testing.assert_array_equal(next_day, [27, 28, 21])


def test_restart_delay_parameter_acts():
    k = kernel(1, {"actors": {"broker": {"last_ditch": {"restart_delay_days": 20}}}})
    _, next_day = restart(k, 0.0, [True], delay=0.5)
    assert next_day[0] == 10 + wait_days(0.5, 20) == 24


def test_the_soonest_mediator_wins_and_ties_go_to_file_order():
    """Broker (p 0.5, mean 5 days, new venue) and envoy (p 0.8, mean 9 days, same venue).
    0: only the broker succeeds; 1: only the envoy; 2: both, the envoy sooner; 3: both, the same day (broker);
    4: neither."""
    k = kernel(5, SECOND)
    k.state.mediators.engaged[:] = True
    u = np.array([[0.1, 0.9, 0.1, 0.1, 0.9], [0.9, 0.1, 0.1, 0.1, 0.9]])
    delay = np.array([[0.5, 0.5, 0.9, 0.5, 0.5], [0.5, 0.5, 0.05, 0.3, 0.5]])
    assert wait_days(0.5, 5) == wait_days(0.3, 9) == 4 and wait_days(0.05, 9) < wait_days(0.9, 5)
    restarted, next_day = restart(k, u, np.ones(5, dtype=bool), delay=delay, day=20)
    np.testing.assert_array_equal(restarted, [True, True, True, True, False])
    np.testing.assert_array_equal(next_day, [20 + wait_days(0.5, 5), 20 + wait_days(0.5, 9), 20 + wait_days(0.05, 9),
                                             24, -1])
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, False, True, False])


def test_only_mediators_engaged_at_the_collapse_may_restart():
    k = kernel(3, SECOND)
    k.state.mediators.engaged[:] = True
    restarted, next_day = restart(k, 0.0, [True, True, True], engaged=[[True, False, False], [False, True, False]],
                                  delay=[[0.5], [0.05]])
    np.testing.assert_array_equal(restarted, [True, True, False])
    np.testing.assert_array_equal(next_day, [10 + wait_days(0.5, 5), 10 + wait_days(0.05, 9), -1])
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, False])


def test_a_mediator_may_re_open_after_every_collapse():
    k = kernel(1)
    for collapse in (1, 2, 3):
        restarted, _ = restart(k, 0.0, [True], collapses=collapse)
        assert restarted[0]


def test_restart_without_new_venue_and_keeps_other_replications():
    k = kernel(3, {"actors": {"broker": {"last_ditch": {"new_venue": False}}}})
    k.state.talks.new_venue[:] = [False, True, True]
    restarted, next_day = restart(k, 0.0, [True, True, False])
    np.testing.assert_array_equal(restarted, [True, True, False])
    np.testing.assert_array_equal(k.state.talks.new_venue, [False, True, True])
    assert next_day[2] == -1


def test_no_restart_draws_no_delay():
    """Where no mediator re-opens the talks, the delay stream is not read."""
    k = kernel(2)
    u = GivenUniforms(2, restart=1.0)
    k.state.talks.collapses[:] = 1
    restarted, next_day = mediation.restart_phase(k.state, k.parameters, k.topology, u, 10, np.ones(2, dtype=bool),
                                                  k.state.mediators.engaged.copy())
    assert not restarted.any() and (next_day == -1).all() and "restart_delay" not in u.asked


# ----------------------------------------------------------------------------- joins and noisy-or

def test_noisy_or():
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.5, 0.0], [0.5, 0.2]])), [0.75, 0.2], rtol=RTOL)
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.5, 0.1]]), axis=1), [0.55], rtol=RTOL)


def test_joins_for_one_mediator():
    args = dict(engaged=np.array([False, False, True, False]), stalled_rounds=np.array([2, 1, 2, 2]),
                join_prob=0.5, eligible=np.array([True, True, True, False]))
    np.testing.assert_array_equal(mediation.joins(np.full(4, 0.4), join_after_stalled_rounds=2, **args),
                                  [True, False, False, False])
    np.testing.assert_array_equal(mediation.joins(np.full(4, 0.6), join_after_stalled_rounds=2, **args), False)
    assert not mediation.joins(np.zeros(4), join_after_stalled_rounds=None, **args).any()


def test_joins_strictly_below_the_join_probability():
    args = dict(engaged=np.array([False]), stalled_rounds=np.array([2]), join_after_stalled_rounds=2,
                eligible=np.array([True]))
    assert not mediation.joins(np.array([0.5]), join_prob=0.5, **args)[0]
    assert mediation.joins(np.array([0.5 * BELOW]), join_prob=0.5, **args)[0]


def test_joins_with_per_replication_thresholds_and_never():
    """(M, R) thresholds: mediator 0 joins from 1, 2 or 3 failed rounds by replication; mediator 1 never (-1)."""
    after = np.array([[1, 2, 3], [-1, -1, -1]])
    failed = np.array([2, 2, 2])
    got = mediation.joins(np.zeros((2, 3)), np.zeros((2, 3), dtype=bool), failed, after, np.array([[0.5], [0.5]]),
                          np.ones(3, dtype=bool))
    np.testing.assert_array_equal(got, [[True, True, False], [False, False, False]])


@pytest.mark.parametrize("shape", [(2,), (2, 1)])
def test_joins_with_one_threshold_per_mediator(shape):
    after = np.array([2, -1]).reshape(shape)
    got = mediation.joins(np.zeros((2, 2)), np.array([[False, True], [False, False]]), np.array([2, 1]), after, 0.5,
                          np.ones(2, dtype=bool))
    np.testing.assert_array_equal(got, [[True, False], [False, False]])
