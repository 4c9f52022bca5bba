"""Breakdown (sim.model.submodels.breakdown): open war, compliance, the window, shock and the chain.

Fixture: north threatened open war, carried out with probability 0.5 within a
10-day window; south did not threaten (0.3, 14 days). The window is 5 days and 2
days with a state violation in it break the ceasefire; shock 0.001/day;
compliance evidence 0.05/day.
"""

from __future__ import annotations

import numpy as np
import pytest

from handbuilt import NORTH, SOUTH, GivenUniforms, kernel
from sim.model.submodels import breakdown

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9
HAZARD_NORTH = 1.0 - 0.5 ** (1 / 10)


def escalate(k, u, day):
    return breakdown.escalation_phase(k.state, k.parameters, k.topology, GivenUniforms(k.state.n_replications,
                                                                                         open_war=u), day)


def collapsed_talks(k, deadline):
    k.state.talks.active[:] = False
    k.state.parties.threat_deadline[NORTH] = deadline


# ----------------------------------------------------------------------------- open war

def test_open_war_hazard_spreads_the_threat_over_the_window():
    np.testing.assert_allclose(breakdown.open_war_hazard(0.5, 10), HAZARD_NORTH, rtol=RTOL)
    np.testing.assert_allclose(1 - (1 - breakdown.open_war_hazard(np.array([0.3]), np.array([14]))) ** 14, [0.3],
                               rtol=RTOL)


def test_open_war_at_the_hazard_boundary_within_the_deadline():
    day = 12
    k = kernel(2, day=day)
    collapsed_talks(k, deadline=day)  # the deadline day itself still counts
    out = escalate(k, np.array([[HAZARD_NORTH * BELOW, HAZARD_NORTH * ABOVE], [0.0, 0.0]]), day)
    np.testing.assert_array_equal(out.declared, [[True, False], [False, False]])  # south never threatened
    np.testing.assert_array_equal(k.state.ceasefire.open_war_today, [True, False])
    np.testing.assert_array_equal(k.state.ceasefire.open_war_by, [NORTH, -1])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [5, 0])  # talks_collapse restored as the first link
    np.testing.assert_array_equal(k.state.ceasefire.chain_seen, [1 << 5, 0])


@pytest.mark.parametrize("setup", ["past_deadline", "no_threat_due", "talks_active", "agreement", "broken"])
def test_no_open_war_outside_its_conditions(setup):
    day = 12
    k = kernel(1, day=day)
    collapsed_talks(k, deadline=day)
    if setup == "past_deadline":
        k.state.parties.threat_deadline[NORTH] = day - 1
    elif setup == "no_threat_due":
        k.state.parties.threat_deadline[NORTH] = -1
    elif setup == "talks_active":
        k.state.talks.active[:] = True
    elif setup == "agreement":
        k.state.talks.agreement[:] = True
    else:
        k.state.ceasefire.alive[:] = False
    out = escalate(k, 0.0, day)
    assert not out.declared.any() and not k.state.ceasefire.open_war_today.any()
    assert k.state.ceasefire.chain[0] == 0


def test_a_party_that_threatened_declares_with_the_other_s_threat_due():
    k = kernel(1, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=3)
    k.state.talks.active[:] = False
    k.state.parties.threat_deadline[:] = 5
    out = escalate(k, np.array([[1.0], [0.0]]), 3)
    np.testing.assert_array_equal(out.declared[:, 0], [False, True])
    assert k.state.ceasefire.open_war_by[0] == SOUTH


def test_the_first_to_declare_is_kept():
    k = kernel(1, day=3)
    collapsed_talks(k, deadline=5)
    k.state.ceasefire.open_war_by[:] = SOUTH
    escalate(k, 0.0, 3)
    assert k.state.ceasefire.open_war_by[0] == SOUTH


# ----------------------------------------------------------------------------- breakdown phase

def end_day(k, day, strikes=None, retaliations=None, attacks=None, u_shock=1.0):
    n = k.state.n_replications
    none = np.zeros((2, n), dtype=bool)
    return breakdown.breakdown_phase(
        k.state, k.parameters, k.topology, GivenUniforms(n, shock=u_shock), day,
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
    np.testing.assert_array_equal(k.state.ceasefire.cause, [2 * 8 + 7, 0, 0])
    np.testing.assert_array_equal(k.state.ceasefire.breakdown_day, [8, -1, -1])
    np.testing.assert_array_equal(out.status, [breakdown.BROKEN, breakdown.VIOLATED, breakdown.BROKEN])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [2 * 8 + 7, 2, 2])


def test_open_war_today_breaks_down_with_its_link():
    k = kernel(2)
    k.state.ceasefire.chain[:] = 5
    k.state.ceasefire.chain_seen[:] = 1 << 5
    k.state.ceasefire.open_war_today[:] = [True, False]
    out = end_day(k, 4)
    np.testing.assert_array_equal(out.broken, [True, False])
    np.testing.assert_array_equal(k.state.ceasefire.cause, [5 * 8 + 6, 0])
    np.testing.assert_array_equal(k.state.ceasefire.chain, [5 * 8 + 6, 0])  # rep 1: calm, reset


def test_a_broken_ceasefire_does_not_break_again():
    k = kernel(1)
    k.state.ceasefire.alive[:] = False
    k.state.ceasefire.breakdown_day[:] = 3
    k.state.ceasefire.cause[:] = 2
    out = end_day(k, 9, strikes=[[True], [True]], u_shock=0.0)
    assert not out.broken[0] and k.state.ceasefire.breakdown_day[0] == 3 and k.state.ceasefire.cause[0] == 2
    assert k.state.ceasefire.violation_days[0] == 0 and out.status[0] == breakdown.BROKEN


# ----------------------------------------------------------------------------- pure functions

def test_decode_chain_and_status():
    assert breakdown.decode_chain(0) == ""
    assert breakdown.decode_chain(1 * 64 + 2 * 8 + 3) == "spoiler_attack > cross_border_strike > retaliation"
    np.testing.assert_array_equal(breakdown.status(np.array([True, True, False]), np.array([0, 2, 0])), [0, 1, 2])
    assert breakdown.status(np.array([True]), np.array([0])).dtype == np.int8


def test_strict_inequalities_at_exactly_the_probability():
    """u equal to the probability does not trigger: open war, shock."""
    day = 12
    k = kernel(1, day=day)
    collapsed_talks(k, deadline=day)
    assert not escalate(k, breakdown.open_war_hazard(np.array([[0.5], [0.3]]), np.array([[10], [14]])), day
                        ).declared.any()
    k = kernel(1)
    assert not end_day(k, 1, u_shock=0.001).broken[0]


def test_open_war_flag_and_first_declarer_per_replication():
    k = kernel(3, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=3)
    c = k.state.ceasefire
    k.state.talks.active[:] = False
    k.state.parties.threat_deadline[:] = 5
    c.open_war_today[:] = [True, False, False]  # set earlier today
    c.open_war_by[:] = [-1, NORTH, -1]
    out = escalate(k, np.array([[1.0, 1.0, 0.0], [1.0, 0.0, 1.0]]), 3)
    np.testing.assert_array_equal(out.declared, [[False, False, True], [False, True, False]])
    np.testing.assert_array_equal(c.open_war_today, [True, True, True])
    np.testing.assert_array_equal(c.open_war_by, [-1, NORTH, NORTH])
    k = kernel(2, {"actors": {"south": {"open_war": {"threatened": True}}}}, day=3)
    k.state.talks.active[:] = False
    k.state.parties.threat_deadline[:] = 5
    escalate(k, np.array([[1.0, 0.0], [1.0, 1.0]]), 3)  # north declares in replication 1 only
    np.testing.assert_array_equal(k.state.ceasefire.open_war_by, [-1, NORTH])
