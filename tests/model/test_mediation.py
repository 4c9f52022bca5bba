"""Mediation (sim.model.submodels.mediation): presence, engagement, restraint, inducements and restart.

Fixture: one mediator, broker (facilitation, leverage 0.4, monitoring 0.3,
inducement 0.2 tied to trade, conditional on compliance, engaged from day 0,
restart probability 0.5 after 5 days at a new venue). North trusts it 0.6 and puts
priority 0.25 on trade against a top priority of 0.75; south trusts it 0.7 and
weighs trade 0.5 of a top 0.5. Restraint effects: leverage 1.5, monitoring 1.5,
inducement 4.0, agreement 1.0.
"""

from __future__ import annotations

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, GivenUniforms, kernel
from sim.model.submodels import mediation

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
SECOND = {"actors": {"envoy": {"role": "mediator", "name": "Envoy", "leverage": 0.2, "monitoring": 0.5,
                               "last_ditch": {"restart_prob": 0.8, "restart_delay_days": 9}}}}


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


# ----------------------------------------------------------------------------- restraint

def restraint_by_hand(engaged=True, agreement=False, trust_north=0.6, trust_south=0.7, scale_north=0.25 / 0.75):
    e = 1.0 if engaged else 0.0
    north = 1.5 * e * 0.4 * trust_north + 1.5 * 0.3 * e + 4.0 * e * 0.2 * scale_north + 1.0 * agreement
    south = 1.5 * e * 0.4 * trust_south + 1.5 * 0.3 * e + 4.0 * e * 0.2 * 1.0 + 1.0 * agreement
    return np.array([north, south])


def restraint(k):
    return mediation.restraint_phase(k.state, k.parameters, k.topology, mediation.presence(k.state, k.parameters))


def test_restraint_terms_with_inducement_scaled_by_priority_over_top_priority():
    k = kernel(3)
    k.state.mediators.engaged[:] = [[True, True, False]]
    k.state.talks.agreement[:] = [False, True, True]
    got = restraint(k)
    expected = np.stack([restraint_by_hand(), restraint_by_hand(agreement=True),
                         restraint_by_hand(engaged=False, agreement=True)], axis=1)
    np.testing.assert_allclose(got, expected, rtol=RTOL)


def test_leverage_is_credible_in_proportion_to_trust_in_the_mediator():
    k = kernel(1)
    k.state.trust.observe(NORTH, 3, hostility=np.array([10.0]))  # north now trusts broker 6/20
    np.testing.assert_allclose(restraint(k)[:, 0], restraint_by_hand(trust_north=0.3), rtol=RTOL)


def test_unconditional_inducement_does_not_restrain():
    k = kernel(1, {"actors": {"broker": {"inducement": {"conditional_on_compliance": False}}}})
    np.testing.assert_allclose(restraint(k)[:, 0], restraint_by_hand(scale_north=0.0) - [0.0, 0.8], rtol=RTOL)


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

def restart(k, u, collapsed, engaged=None, day=10):
    n = k.state.n_replications
    engaged = k.state.mediators.engaged.copy() if engaged is None else np.asarray(engaged, dtype=bool)
    return mediation.restart_phase(k.state, k.parameters, k.topology, GivenUniforms(n, restart=u), day,
                                   np.asarray(collapsed, dtype=bool), engaged)


def test_restart_at_the_boundary_sets_new_venue_and_delay():
    k = kernel(3)
    restarted, next_day = restart(k, [[0.5 * BELOW, 0.5 * ABOVE, 0.0]], [True, True, False])
    np.testing.assert_array_equal(restarted, [True, False, False])
    np.testing.assert_array_equal(next_day, [15, -1, -1])
    np.testing.assert_array_equal(k.state.mediators.restart_used, [[True, False, False]])
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, False])


def test_restart_spent_once_and_only_by_a_mediator_at_the_table():
    k = kernel(2)
    k.state.mediators.restart_used[:] = [[True, False]]
    restarted, next_day = restart(k, 0.0, [True, True], engaged=[[True, False]])
    np.testing.assert_array_equal(restarted, [False, False])
    np.testing.assert_array_equal(next_day, [-1, -1])


def test_first_mediator_in_file_order_wins_and_only_it_is_spent():
    k = kernel(3, SECOND)
    k.state.mediators.engaged[:] = True
    u = np.array([[0.1, 0.9, 0.9], [0.1, 0.1, 0.9]])  # broker p=0.5, envoy p=0.8
    restarted, next_day = restart(k, u, [True, True, True], day=20)
    np.testing.assert_array_equal(restarted, [True, True, False])
    np.testing.assert_array_equal(next_day, [25, 29, -1])
    np.testing.assert_array_equal(k.state.mediators.restart_used, [[True, False, False], [False, True, False]])
    # Only the broker restarts at a new venue.
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, False])


def test_restart_without_new_venue():
    k = kernel(1, {"actors": {"broker": {"last_ditch": {"new_venue": False}}}})
    restarted, _ = restart(k, 0.0, [True])
    assert restarted[0] and not k.state.talks.new_venue[0]


# ----------------------------------------------------------------------------- pure functions

def test_noisy_or_and_joins():
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.5, 0.0], [0.5, 0.2]])), [0.75, 0.2], rtol=RTOL)
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.5, 0.1]]), axis=1), [0.55], rtol=RTOL)
    args = dict(engaged=np.array([False, False, True, False]), stalled_rounds=np.array([2, 1, 2, 2]),
                join_prob=0.5, eligible=np.array([True, True, True, False]))
    np.testing.assert_array_equal(mediation.joins(np.full(4, 0.4), join_after_stalled_rounds=2, **args),
                                  [True, False, False, False])
    np.testing.assert_array_equal(mediation.joins(np.full(4, 0.6), join_after_stalled_rounds=2, **args), False)
    assert not mediation.joins(np.zeros(4), join_after_stalled_rounds=None, **args).any()


@pytest.mark.parametrize("agreement", [False, True])
def test_restraint_log_odds_without_mediators(agreement):
    got = mediation.restraint_log_odds(np.zeros((0, 2), dtype=bool), np.zeros((0, 2)), np.zeros((0, 2)),
                                       np.zeros(2), np.zeros(2), np.full(2, agreement), 1.0, 1.0, 1.0, 2.0)
    np.testing.assert_allclose(got, 2.0 * agreement)


def test_strict_inequality_at_exactly_the_restart_probability():
    k = kernel(1)
    restarted, _ = restart(k, 0.5, [True])
    assert not restarted[0]


def test_restart_keeps_what_other_replications_and_mediators_had():
    k = kernel(3, SECOND)
    k.state.mediators.engaged[:] = True
    k.state.mediators.restart_used[1] = [True, False, False]  # envoy spent its restart in rep 0
    k.state.talks.new_venue[:] = [False, False, True]
    restarted, _ = restart(k, np.array([[0.0, 0.9, 0.9], [0.0, 0.0, 0.0]]), [True, False, False])
    np.testing.assert_array_equal(restarted, [True, False, False])
    np.testing.assert_array_equal(k.state.mediators.restart_used, [[True, False, False], [True, False, False]])
    np.testing.assert_array_equal(k.state.talks.new_venue, [True, False, True])


def test_engagement_keeps_those_already_engaged():
    k = kernel(2, {"actors": {"broker": {"engagement": {"from_day": 4}}, **SECOND["actors"]}}, day=4)
    np.testing.assert_array_equal(k.state.mediators.engaged, [[False, False], [True, True]])
    joined = mediation.engagement_phase(k.state, k.parameters, 4)
    np.testing.assert_array_equal(joined, [[True, True], [False, False]])
    np.testing.assert_array_equal(k.state.mediators.engaged, True)
    none = mediation.engagement_phase(k.state, k.parameters, 5)
    assert none.shape == (2, 2) and none.dtype == bool and not none.any()


def test_joins_strictly_below_the_join_probability():
    args = dict(engaged=np.array([False]), stalled_rounds=np.array([2]), join_after_stalled_rounds=2,
                eligible=np.array([True]))
    assert not mediation.joins(np.array([0.5]), join_prob=0.5, **args)[0]
    assert mediation.joins(np.array([0.5 * BELOW]), join_prob=0.5, **args)[0]
