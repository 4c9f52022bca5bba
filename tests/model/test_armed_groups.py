"""Armed groups (sim.model.submodels.armed_groups): attacks, sanctuary, recruitment, crackdown.

Fixture: rebels (hosted by south, attacking north) attack at 1.5/day x sanctuary 0.9,
spoiler sensitivity 1, decree multiplier 1.5, 2 casualties per attack; sanctuary
recovers with half-life 20 days; recruitment 0.01 per civilian casualty in the
host, decaying with the host's resentment half-life (45 days); ideological
alignment 0.6, host's regional pressure 0.2, crackdown effect 0.01/day.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from handbuilt import NORTH, REBELS_ACTOR, SOUTH, GivenUniforms, kernel
from sim.model.state import NEVER
from sim.model.submodels import armed_groups

RTOL = 1e-12
BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


def attack(k, u_attacks, u_casualties=0.0, monitoring=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, attacks=u_attacks, attack_casualties=u_casualties)
    return armed_groups.attack_phase(k.state, k.parameters, k.topology, u, day,
                                     monitoring=np.zeros(n) if monitoring is None else monitoring)


def rate(damage=0.0, progress=0.0, decree=False, recruitment=0.0, capacity=0.9):
    return 1.5 * capacity * (1.0 - damage) * (1.0 + 1.0 * progress) * (1.5 if decree else 1.0) * (1.0 + recruitment)


# ----------------------------------------------------------------------------- attacks

@pytest.mark.parametrize("term", ["none", "damage", "progress", "decree", "recruitment", "capacity"])
def test_attack_rate_terms_at_the_zero_attack_boundary(term):
    """P(no attack) = exp(-rate): a uniform just below gives 0 attacks, just above at least 1."""
    k = kernel(2)
    groups, kwargs = k.state.groups, {}
    if term == "damage":
        groups.damage[:] = kwargs["damage"] = 0.3
    elif term == "progress":
        k.state.talks.progress[:] = kwargs["progress"] = 0.4
    elif term == "decree":
        k.state.parties.decree[SOUTH] = kwargs["decree"] = True
    elif term == "recruitment":
        groups.recruitment[:] = kwargs["recruitment"] = 0.25
    elif term == "capacity":
        groups.capacity[:] = kwargs["capacity"] = 0.5
    p0 = math.exp(-rate(**kwargs))
    out = attack(k, [p0 * BELOW, p0 * ABOVE])
    np.testing.assert_array_equal(out.attacks[0], [0, 1])


def test_decree_of_the_target_does_not_multiply():
    k = kernel(1)
    k.state.parties.decree[NORTH] = True
    p0 = math.exp(-rate())
    assert attack(k, p0 * ABOVE).attacks[0, 0] == 1
    assert attack(kernel(1), p0 * BELOW).attacks[0, 0] == 0


def test_attack_counts_and_casualties_by_inversion():
    k = kernel(3)
    lam = rate()
    u_att = np.array([0.2, 0.7, 0.97])
    u_cas = np.array([0.4, 0.3, 0.8])
    out = attack(k, u_att, u_cas)
    attacks = stats.poisson.ppf(u_att, lam).astype(int)
    casualties = stats.poisson.ppf(u_cas, 2.0 * attacks).astype(int) * (attacks > 0)
    np.testing.assert_array_equal(out.attacks[0], attacks)
    np.testing.assert_array_equal(out.casualties[0], casualties)
    assert out.attacks.dtype.kind == "i" and attacks[1:].min() >= 1
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[NORTH], casualties)
    np.testing.assert_array_equal(k.state.parties.casualties_suffered[SOUTH], 0)
    np.testing.assert_array_equal(k.state.parties.civilians_suffered, 0)


def test_no_attacks_once_broken_down():
    k = kernel(2)
    k.state.ceasefire.alive[:] = [False, True]
    out = attack(k, 0.999, 0.999)
    assert out.attacks[0, 0] == 0 and out.attacks[0, 1] > 0


def test_last_attacked_day_only_where_the_attack_hurt():
    day = 7
    k = kernel(3, day=day)
    k.state.parties.last_attacked_day[NORTH, 2] = 4
    one = math.exp(-rate()) * ABOVE  # one attack
    no_casualty = math.exp(-2.0) * BELOW  # ... with no casualty
    out = attack(k, [0.0, one, one], [0.5, no_casualty, 0.5], day=day)
    np.testing.assert_array_equal(out.attacks[0], [0, 1, 1])
    np.testing.assert_array_equal(out.casualties[0] > 0, [False, False, True])
    np.testing.assert_array_equal(k.state.parties.last_attacked_day[NORTH], [NEVER, NEVER, day])
    np.testing.assert_array_equal(k.state.parties.last_attacked_day[SOUTH], NEVER)


def test_target_blames_the_host_less_what_monitoring_clears_up():
    k = kernel(3)
    u_att = np.array([0.2, 0.7, 0.97])
    monitoring = np.array([0.0, 0.3, 0.8])
    out = attack(k, u_att, 0.5, monitoring=monitoring)
    a = out.attacks[0]
    np.testing.assert_allclose(k.state.trust.mean(NORTH, SOUTH), 3.0 / (10.0 + 0.15 * a * (1 - monitoring)),
                               rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.mean(NORTH, REBELS_ACTOR), 0.5, rtol=RTOL)


@pytest.mark.parametrize("counted", [False, True])
def test_attacks_count_as_violations_only_when_the_rules_say_so(counted):
    k = kernel(2, {"ceasefire": {"spoiler_attacks_are_violations": counted}})
    out = attack(k, [0.0, 0.9])
    np.testing.assert_array_equal(out.counted_as_violation, [False, counted])


# ----------------------------------------------------------------------------- sanctuary phase

def sanctuary(k, u_crackdown, day=5):
    u = GivenUniforms(k.state.n_replications, crackdown=u_crackdown)
    return armed_groups.sanctuary_phase(k.state, k.parameters, k.topology, u, day)


def test_damage_recovers_and_recruitment_follows_civilians_in_the_host():
    k = kernel(2)
    groups = k.state.groups
    groups.damage[:] = 0.4
    groups.recruitment[:] = 0.2
    k.state.parties.civilians_suffered[:] = [[3, 0], [7, 2]]
    sanctuary(k, 0.0)
    np.testing.assert_allclose(groups.damage[0], 0.4 * 0.5 ** (1 / 20), rtol=RTOL)
    np.testing.assert_allclose(groups.recruitment[0], 0.2 * 0.5 ** (1 / 45) + 0.01 * np.array([7, 2]), rtol=RTOL)
    np.testing.assert_allclose(groups.capacity[0], 0.9, rtol=RTOL)  # no agreement, no crackdown


def test_crackdown_willingness_is_alignment_times_one_minus_regional_pressure():
    level = 0.6
    willing = level * (1.0 - 0.6 * (1.0 - 0.2))
    k = kernel(4)
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = level
    u = np.array([willing * BELOW, willing * ABOVE, level * (1 - 0.6) * ABOVE, level * BELOW])
    out = sanctuary(k, u)
    # Willing below 0.312; a host ignoring alignment (0.6) or regional pressure (0.24) would decide otherwise.
    np.testing.assert_array_equal(out.carried_out[0], [True, False, True, False])
    np.testing.assert_allclose(k.state.groups.capacity[0], 0.9 * (1 - 0.01 * out.carried_out[0]), rtol=RTOL)
    np.testing.assert_allclose(armed_groups.crackdown_willingness(np.array([level]), 0.6, 0.2), [willing],
                               rtol=RTOL)
    np.testing.assert_allclose(armed_groups.crackdown_cost(0.6, 0.2), 0.48, rtol=RTOL)


def test_crackdown_needs_an_agreement_a_live_ceasefire_and_a_crackdown_issue():
    k = kernel(3)
    k.state.talks.agreement[:] = [True, False, True]
    k.state.ceasefire.alive[:] = [True, True, False]
    k.state.groups.crackdown_level[:] = 1.0
    np.testing.assert_array_equal(sanctuary(k, 0.0).carried_out[0], [True, False, False])
    k = kernel(1, {"actors": {"rebels": {"crackdown_issue": None}}})
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = 1.0
    assert not sanctuary(k, 0.0).carried_out.any()


def test_capacity_lost_for_good_and_trust_evidence_to_host_and_group():
    k = kernel(2)
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = 0.5
    k.state.groups.capacity[:] = 0.8
    out = sanctuary(k, [0.0, 0.99])
    np.testing.assert_array_equal(out.carried_out[0], [True, False])
    np.testing.assert_allclose(k.state.groups.capacity[0], [0.8 * 0.99, 0.8], rtol=RTOL)
    trust = k.state.trust
    # The target (north) sees its enemy's host keep its commitment (0.2); the group sees its host turn (1.0).
    np.testing.assert_allclose(trust.mean(NORTH, SOUTH), [3.2 / 10.2, 0.3], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(REBELS_ACTOR, SOUTH), [16.0 / 21.0, 0.8], rtol=RTOL)
    np.testing.assert_allclose(trust.mean(SOUTH, NORTH), 0.25, rtol=RTOL)


# ----------------------------------------------------------------------------- pure functions

def test_attack_rate_and_attacks_pure():
    got = armed_groups.attack_rate(2.0, np.array([0.5, 0.5]), np.array([0.5, 0.0]), 2.0,
                                   np.array([True, False]), 3.0, np.array([0.0, 1.0]))
    np.testing.assert_allclose(got, [2.0 * 0.5 * 2.0 * 3.0, 2.0 * 0.5 * 2.0], rtol=RTOL)
    attacks, casualties = armed_groups.attacks_and_casualties(np.array([0.9, 0.9]), np.array([0.9, 0.9]),
                                                              np.array([1.0, 1.0]), 2.0, np.array([True, False]))
    np.testing.assert_array_equal(attacks, [stats.poisson.ppf(0.9, 1.0), 0])
    np.testing.assert_array_equal(casualties, [stats.poisson.ppf(0.9, 2.0 * attacks[0]), 0])


def test_a_single_casualty_hurts_and_a_single_attack_counts():
    k = kernel(2, {"ceasefire": {"spoiler_attacks_are_violations": True}}, day=4)
    lam = rate()
    one = math.exp(-lam) * ABOVE  # exactly one attack
    one_casualty = math.exp(-2.0) * ABOVE  # ... and exactly one casualty (P(0) < u < P(<= 1))
    assert one_casualty < math.exp(-2.0) * 3.0 and one < math.exp(-lam) * (1 + lam)
    out = attack(k, [one, 0.0], [one_casualty, 0.0], day=4)
    np.testing.assert_array_equal(out.attacks[0], [1, 0])
    np.testing.assert_array_equal(out.casualties[0], [1, 0])
    np.testing.assert_array_equal(out.counted_as_violation, [True, False])
    np.testing.assert_array_equal(k.state.parties.last_attacked_day[NORTH], [4, NEVER])
    assert out.counted_as_violation.dtype == bool
    assert attack(kernel(1), 0.0).counted_as_violation.dtype == bool


def test_crackdown_at_exactly_the_willingness_is_not_carried_out():
    k = kernel(1)
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = 0.5
    willing = armed_groups.crackdown_willingness(k.state.groups.crackdown_level, 0.6, 0.2)
    assert not sanctuary(k, willing).carried_out.any()


def test_crackdown_evidence_only_about_the_host():
    k = kernel(1)
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = 1.0
    sanctuary(k, 0.0)
    trust = k.state.trust
    for observer, observed, prior in [(NORTH, REBELS_ACTOR, 0.5), (NORTH, 3, 0.6), (REBELS_ACTOR, NORTH, 0.5),
                                      (REBELS_ACTOR, 3, 0.5), (SOUTH, NORTH, 0.25)]:
        np.testing.assert_allclose(trust.mean(observer, observed), [prior], rtol=RTOL)
