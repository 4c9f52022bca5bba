"""Armed groups (sim.model.submodels.armed_groups): attacks, tempo, attribution, provocation, sanctuary, crackdown.

Fixture: rebels (hosted by south, attacking north) attack at 1.5/day x sanctuary 0.9,
spoiler sensitivity 1, decree multiplier 1.5, 2 casualties per attack; sanctuary
recovers with half-life 20 days; recruitment 0.01 per civilian casualty in the
host, decaying with the host's resentment half-life (45 days); ideological
alignment 0.6, host's regional pressure 0.2, crackdown effect 0.01/day. The
rebels trust south 0.8 (certainty 20); north's usual attack casualties start at
1.5 x 0.9 x 2 = 2.7 a day; the provocation ratio is 3 and the attribution
probability 0.05 per attack by default. Without positions, sensitivities or a
surge the rebels' tempo is 1.
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
USUAL = 1.5 * 0.9 * 2.0
MOVE = 1.0 - 0.5 ** (1.0 / 30.0)  # daily weight of today in the usual level


def attack(k, u_attacks, u_casualties=0.0, u_attribution=0.999, monitoring=None, day=1):
    n = k.state.n_replications
    u = GivenUniforms(n, attacks=u_attacks, attack_casualties=u_casualties, attribution=u_attribution)
    return armed_groups.attack_phase(k.state, k.parameters, k.topology, u, day,
                                     monitoring=np.zeros(n) if monitoring is None else monitoring)


def rate(damage=0.0, progress=0.0, decree=False, recruitment=0.0, capacity=0.9, tempo=1.0):
    return (1.5 * capacity * (1.0 - damage) * (1.0 + 1.0 * progress) * (1.5 if decree else 1.0) * (1.0 + recruitment)
            * tempo)


def boundary(p0, n):
    """Uniforms alternating just below and just above P(no attack) = p0, for n replications."""
    return np.array([p0 * (BELOW if i % 2 == 0 else ABOVE) for i in range(n)])


def set_talks(k, active=True, next_round_day=-1, progress=0.0, agreement=False, agreement_day=-1):
    # Whole arrays: the hand-built kernel's talk state may hold scalars (it passes the flat calendar).
    n = k.state.n_replications
    t = k.state.talks
    t.active = np.broadcast_to(active, (n,)).copy()
    t.next_round_day = np.broadcast_to(np.asarray(next_round_day, dtype=np.int64), (n,)).copy()
    t.progress = np.broadcast_to(np.asarray(progress, dtype=float), (n,)).copy()
    t.agreement = np.broadcast_to(agreement, (n,)).copy()
    t.agreement_day = np.broadcast_to(np.asarray(agreement_day, dtype=np.int64), (n,)).copy()


def one_count(mean, count):
    """A uniform that a Poisson of this mean inverts to exactly ``count``: midway between F(count - 1) and F(count)."""
    return 0.5 * (stats.poisson.cdf(count - 1, mean) + stats.poisson.cdf(count, mean))


# ----------------------------------------------------------------------------- attack rate

@pytest.mark.parametrize("term", ["none", "damage", "progress", "decree", "recruitment", "capacity"])
def test_attack_rate_terms_at_the_zero_attack_boundary(term):
    """P(no attack) = exp(-rate): a uniform just below gives 0 attacks, just above at least 1."""
    k = kernel(2)
    groups, kwargs = k.state.groups, {}
    if term == "damage":
        groups.damage[:] = kwargs["damage"] = 0.3
    elif term == "progress":
        set_talks(k, progress=0.4)
        kwargs["progress"] = 0.4
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
    k = kernel(2, {"ceasefire": {"attacks_count_as_violations": "always", "attribution_prob_per_attack": 1.0}})
    k.state.ceasefire.alive[:] = [False, True]
    out = attack(k, 0.999, 0.999, u_attribution=0.0)
    assert out.attacks[0, 0] == 0 and out.attacks[0, 1] > 0
    assert out.casualties[0, 0] == 0 and k.state.parties.casualties_suffered[NORTH, 0] == 0
    np.testing.assert_array_equal(out.attributed[0], [False, True])
    np.testing.assert_array_equal(out.counted_as_violation, [False, True])


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


# ----------------------------------------------------------------------------- tempo: grievance

def test_stakes_lost_by_hand():
    offer = np.array([[0.6, np.nan], [0.5, np.nan]])  # (K, R): a round held in replication 0 only
    positions = np.array([[0.0, 0.2], [np.nan, 1.0]])  # second group states nothing on security
    priorities = np.array([[0.75, 0.25], [0.0, 1.0]])
    got = armed_groups.stakes_lost(offer, positions, priorities)
    np.testing.assert_allclose(got, [[0.75 * 0.6 + 0.25 * 0.3, 0.0], [0.5, 0.0]], rtol=RTOL)
    assert got.shape == (2, 2) and np.isfinite(got).all()


GRIEVANCE = {"actors": {"rebels": {"positions": {"security": 0.0, "trade": 0.2},
                                   "priorities": {"security": 3.0, "trade": 1.0}, "grievance_sensitivity": 2.0}}}


def test_grievance_raises_the_rate_by_the_stakes_the_offer_trades_away():
    k = kernel(4, GRIEVANCE)
    # Replications 0, 1: an offer on the table; 2, 3: no round yet (NaN offer): nothing traded away.
    k.state.talks.last_offer[:] = [[0.6, 0.6, np.nan, np.nan], [0.5, 0.5, np.nan, np.nan]]
    lost = 0.75 * 0.6 + 0.25 * 0.3
    p_offer = math.exp(-rate(tempo=1.0 + 2.0 * lost))
    p_none = math.exp(-rate())
    out = attack(k, [p_offer * BELOW, p_offer * ABOVE, p_none * BELOW, p_none * ABOVE])
    np.testing.assert_array_equal(out.attacks[0], [0, 1, 0, 1])
    # A tempo-free rule would give no attack at p_offer * ABOVE (it lies below exp(-rate())).
    assert p_offer * ABOVE < p_none * BELOW


def test_grievance_counts_only_issues_where_the_group_has_a_position():
    k = kernel(2, {"actors": {"rebels": {"positions": {"security": 0.1}, "priorities": {"security": 1.0, "trade": 5.0},
                                         "grievance_sensitivity": 1.0}}})
    np.testing.assert_array_equal(k.parameters.group_extras.priorities, [[1.0, 0.0]])
    k.state.talks.last_offer[:] = [[0.5, 0.5], [0.0, 0.9]]  # trade moves, security does not
    p0 = math.exp(-rate(tempo=1.0 + 0.4))
    np.testing.assert_array_equal(attack(k, [p0 * BELOW, p0 * ABOVE]).attacks[0], [0, 1])


def test_grievance_sensitivity_zero_ignores_the_offer():
    k = kernel(2, {"actors": {"rebels": {"positions": {"security": 0.0}, "priorities": {"security": 1.0}}}})
    k.state.talks.last_offer[:] = 1.0
    p0 = math.exp(-rate())
    np.testing.assert_array_equal(attack(k, [p0 * BELOW, p0 * ABOVE]).attacks[0], [0, 1])


# ----------------------------------------------------------------------------- tempo: betrayal

def test_betrayal_from_trust_in_the_host_below_its_prior():
    k = kernel(4, {"actors": {"rebels": {"betrayal_sensitivity": 3.0}}})
    # The rebels saw hostility from south in replications 0, 1 and cooperation in 2, 3.
    k.state.trust.observe(REBELS_ACTOR, SOUTH, hostility=np.array([2.0, 2.0, 0.0, 0.0]),
                          cooperation=np.array([0.0, 0.0, 2.0, 2.0]))
    trust = k.state.trust.mean(REBELS_ACTOR, SOUTH)
    np.testing.assert_allclose(trust[:2], 16.0 / 22.0, rtol=RTOL)
    np.testing.assert_allclose(k.state.trust.prior(REBELS_ACTOR, SOUTH), 0.8, rtol=RTOL)
    p_betrayed = math.exp(-rate(tempo=1.0 + 3.0 * (0.8 - trust[0])))
    p0 = math.exp(-rate())  # trust above the prior: no betrayal (not a calming effect either)
    out = attack(k, [p_betrayed * BELOW, p_betrayed * ABOVE, p0 * BELOW, p0 * ABOVE])
    np.testing.assert_array_equal(out.attacks[0], [0, 1, 0, 1])


def test_tempo_pure_clips_trust_gained():
    got = armed_groups.tempo(2.0, np.array([0.5, 0.0, 0.0, 0.0]), 3.0, np.array([0.0, 0.1, -0.2, 0.0]), 4.0,
                             np.array([0.0, 0.0, 0.0, 0.25]))
    np.testing.assert_allclose(got, [2.0, 1.3, 1.0, 2.0], rtol=RTOL)
    np.testing.assert_allclose(armed_groups.tempo(2.0, 0.5, 3.0, 0.1, 4.0, 0.25), 2.0 * 1.3 * 2.0, rtol=RTOL)


# ----------------------------------------------------------------------------- tempo: near a signing

def test_near_signing_pure_before_and_after_a_signing():
    day, window = 10, np.array([[5]])
    agreement = np.array([True, True, True, False, False, False, False, False])
    agreement_day = np.array([10, 6, 5, -1, -1, -1, -1, -1])
    active = np.array([True, True, True, True, True, True, False, True])
    next_round = np.array([-1, -1, -1, 14, 15, 9, 12, -1])
    progress = np.full(8, 0.4)
    got = armed_groups.near_signing(agreement, agreement_day, active, next_round, progress, day, window)
    # After: signed today and 4 days ago are within 5 days, 5 days ago is not. Before: a round in 4 days counts
    # (progress), in 5 days, yesterday, with the talks off or with none due does not.
    np.testing.assert_allclose(got, [[1.0, 1.0, 0.0, 0.4, 0.0, 0.0, 0.0, 0.0]], rtol=RTOL)
    assert got.shape == (1, 8)
    today = armed_groups.near_signing(np.array([False]), np.array([-1]), np.array([True]), np.array([10]),
                                      np.array([0.7]), 10, np.array([[1]]))
    np.testing.assert_allclose(today, [[0.7]], rtol=RTOL)


def test_signing_surge_in_the_phase_before_and_after_a_signing():
    k = kernel(4, {"actors": {"rebels": {"signing_surge": 2.0, "signing_window_days": 5}}}, day=8)
    np.testing.assert_array_equal(k.parameters.group_extras.signing_window_days, [[5]])
    # 0, 1: a round due in 3 days at progress 0.5 (progress also raises the spoiler term); 2, 3: signed on day 4.
    set_talks(k, active=True, next_round_day=[11, 11, -1, -1], progress=0.5, agreement=[False, False, True, True],
              agreement_day=[-1, -1, 4, 4])
    p_before = math.exp(-rate(progress=0.5, tempo=1.0 + 2.0 * 0.5))
    p_after = math.exp(-rate(progress=0.5, tempo=1.0 + 2.0))
    out = attack(k, [p_before * BELOW, p_before * ABOVE, p_after * BELOW, p_after * ABOVE], day=8)
    np.testing.assert_array_equal(out.attacks[0], [0, 1, 0, 1])
    # Five days after the signing the surge is over.
    k = kernel(2, {"actors": {"rebels": {"signing_surge": 2.0, "signing_window_days": 5}}}, day=9)
    set_talks(k, active=True, progress=0.5, agreement=True, agreement_day=4)
    p0 = math.exp(-rate(progress=0.5))
    np.testing.assert_array_equal(attack(k, [p0 * BELOW, p0 * ABOVE], day=9).attacks[0], [0, 1])


# ----------------------------------------------------------------------------- negative binomial counts

def test_attacks_and_casualties_negative_binomial_with_dispersions():
    k = kernel(3, {"actors": {"rebels": {"attack_dispersion": 0.5, "casualty_dispersion": 0.3}}})
    lam, r_a, r_c = rate(), 0.5, 0.3
    u_att = np.array([0.3, 0.8, 0.97])
    u_cas = np.array([0.6, 0.6, 0.9])
    out = attack(k, u_att, u_cas)
    attacks = stats.nbinom.ppf(u_att, r_a, r_a / (r_a + lam)).astype(int)
    # n attacks' casualties: shape n r_c, mean n x 2 (the same p = r_c / (r_c + 2)).
    casualties = np.where(attacks > 0, stats.nbinom.ppf(u_cas, attacks * r_c, r_c / (r_c + 2.0)), 0).astype(int)
    np.testing.assert_array_equal(out.attacks[0], attacks)
    np.testing.assert_array_equal(out.casualties[0], casualties)
    assert attacks[0] == 0 and attacks[2] >= 3  # a burst a Poisson of this mean would not give
    assert attacks[2] > stats.poisson.ppf(0.97, lam)


def test_only_a_casualty_dispersion_keeps_poisson_attack_counts():
    k = kernel(2, {"actors": {"rebels": {"casualty_dispersion": 0.3}}})
    u_att = np.array([0.5, 0.95])
    out = attack(k, u_att, 0.7)
    attacks = stats.poisson.ppf(u_att, rate()).astype(int)
    np.testing.assert_array_equal(out.attacks[0], attacks)
    np.testing.assert_array_equal(out.casualties[0], stats.nbinom.ppf(0.7, attacks * 0.3, 0.3 / 2.3).astype(int))


def test_drawn_attack_dispersion_acts_per_replication():
    k = kernel(3, {"actors": {"rebels": {"attack_dispersion": {"dist": "uniform", "low": 0.1, "high": 5.0}}}})
    r = k.parameters.group_extras.attack_dispersion[0]
    assert np.shape(r) == (3,) and np.unique(r).size == 3
    u = np.array([0.9, 0.9, 0.9])
    out = attack(k, u)
    np.testing.assert_array_equal(out.attacks[0], stats.nbinom.ppf(u, r, r / (r + rate())).astype(int))


def test_attacks_and_casualties_pure_zero_attacks_have_zero_casualties():
    attacks, casualties = armed_groups.attacks_and_casualties(
        np.array([[0.0, 0.9, 0.9]]), np.array([[0.99, 0.99, 0.99]]), np.array([[1.0, 1.0, 1.0]]), 2.0,
        np.array([True, True, False]), [0.5], [0.2])
    assert attacks[0, 0] == 0 and attacks[0, 1] > 0 and attacks[0, 2] == 0
    np.testing.assert_array_equal(casualties[0] > 0, [False, True, False])


def test_attack_rate_and_attacks_pure():
    got = armed_groups.attack_rate(2.0, np.array([0.5, 0.5]), np.array([0.5, 0.0]), 2.0,
                                   np.array([True, False]), 3.0, np.array([0.0, 1.0]), np.array([1.5, 0.5]))
    np.testing.assert_allclose(got, [2.0 * 0.5 * 2.0 * 3.0 * 1.5, 2.0 * 0.5 * 2.0 * 0.5], rtol=RTOL)
    attacks, casualties = armed_groups.attacks_and_casualties(np.array([[0.9, 0.9]]), np.array([[0.9, 0.9]]),
                                                              np.array([[1.0, 1.0]]), 2.0, np.array([True, False]))
    np.testing.assert_array_equal(attacks, [[stats.poisson.ppf(0.9, 1.0), 0]])
    np.testing.assert_array_equal(casualties, [[stats.poisson.ppf(0.9, 2.0 * attacks[0, 0]), 0]])


# ----------------------------------------------------------------------------- attribution

def attributed_after(changes, n_attacks, u_attribution, monitoring):
    k = kernel(len(u_attribution), {"ceasefire": changes})
    u = [one_count(rate(), n) for n in n_attacks]
    out = attack(k, u, u_attribution=u_attribution, monitoring=np.asarray(monitoring, dtype=float))
    np.testing.assert_array_equal(out.attacks[0], n_attacks)
    return out


def test_attribution_at_the_uniform_boundary_with_monitoring():
    # P(attributed) = 1 - (1 - q (1 - monitoring))^n with q = 0.2: n = 2 attacks, monitoring 0 and 0.5.
    # (numpy's power of an integer exponent, as the rule computes it, so that "at it" is exact)
    p_plain = float(1.0 - np.power(np.array([1.0 - 0.2]), np.array([2]))[0])
    p_monitored = float(1.0 - np.power(np.array([1.0 - 0.2 * 0.5]), np.array([2]))[0])
    np.testing.assert_allclose([p_plain, p_monitored], [0.36, 0.19], rtol=1e-12)
    u = [p_plain * BELOW, p_plain, p_monitored * BELOW, p_monitored, p_monitored * BELOW]
    out = attributed_after({"attribution_prob_per_attack": 0.2}, [2, 2, 2, 2, 2], u, [0.0, 0.0, 0.5, 0.5, 0.0])
    # Strictly below the probability: attributed; at it: not.
    np.testing.assert_array_equal(out.attributed[0], [True, False, True, False, True])


def test_attribution_grows_with_the_number_of_attacks_and_needs_one():
    one, three = 0.2, 1.0 - 0.8**3
    u = [0.0, one * ABOVE, one * ABOVE, three * BELOW, three * ABOVE]
    out = attributed_after({"attribution_prob_per_attack": 0.2}, [0, 1, 3, 3, 3], u, [0.0] * 5)
    np.testing.assert_array_equal(out.attributed[0], [False, False, True, True, False])


def test_full_monitoring_clears_up_every_attack():
    out = attributed_after({"attribution_prob_per_attack": 1.0}, [4, 4], [0.0, 0.0], [1.0, 0.999])
    np.testing.assert_array_equal(out.attributed[0], [False, True])


@pytest.mark.parametrize("rule, expected", [("never", [False, False, False, False]),
                                            ("attributed", [False, False, True, False]),
                                            ("always", [False, True, True, False])])
def test_attacks_count_as_violations_by_the_rule(rule, expected):
    # 0: no attack; 1: an attack not attributed; 2: attributed; 3: attributed attack in a broken-down replication.
    k = kernel(4, {"ceasefire": {"attacks_count_as_violations": rule, "attribution_prob_per_attack": 0.5}})
    assert k.parameters.attacks_count_as_violations == rule
    k.state.ceasefire.alive[3] = False
    one = one_count(rate(), 1)
    out = attack(k, [0.0, one, one, one], u_attribution=[0.0, 0.6, 0.4, 0.0])
    np.testing.assert_array_equal(out.attacks[0], [0, 1, 1, 0])
    np.testing.assert_array_equal(out.attributed[0], [False, False, True, False])
    np.testing.assert_array_equal(out.counted_as_violation, expected)
    assert out.counted_as_violation.dtype == bool and out.counted_as_violation.shape == (4,)


# ----------------------------------------------------------------------------- provocation

def casualties_of(k, counts, day=1):
    """Attack with one attack everywhere and exactly these casualties (Poisson of mean 2)."""
    one = one_count(rate(), 1)
    out = attack(k, one, [one_count(2.0, c) for c in counts], day=day)
    np.testing.assert_array_equal(out.casualties[0], counts)
    return out


def test_usual_attack_casualties_start_at_the_expected_level():
    k = kernel(2)
    np.testing.assert_allclose(k.state.parties.usual_attack_casualties, [[USUAL, USUAL], [0.0, 0.0]], rtol=RTOL)


def test_provocation_when_casualties_exceed_the_ratio_times_the_usual_level():
    day = 6
    k = kernel(3, day=day)
    # Usual 2.7 x ratio 3 = 8.1: 9 casualties provoke, 8 do not.
    out = casualties_of(k, [9, 8, 0], day=day)
    np.testing.assert_array_equal(out.provoked, [[True, False, False], [False, False, False]])
    np.testing.assert_array_equal(k.state.parties.last_provocation_day, [[day, NEVER, NEVER], [NEVER] * 3])
    assert out.provoked.dtype == bool


def test_provocation_ratio_acts():
    k = kernel(2, {"ceasefire": {"provocation_ratio": 4.0}})
    out = casualties_of(k, [11, 10])  # 2.7 x 4 = 10.8
    np.testing.assert_array_equal(out.provoked[NORTH], [True, False])


def test_provocation_keeps_the_last_day_and_compares_with_yesterdays_usual_level():
    k = kernel(2, day=3)
    k.state.parties.last_provocation_day[NORTH] = [1, 1]
    k.state.parties.usual_attack_casualties[NORTH] = [3.0, 2.0]
    out = casualties_of(k, [9, 7], day=3)  # 9 is exactly 3 x 3 (not above); 7 > 3 x 2
    np.testing.assert_array_equal(out.provoked[NORTH], [False, True])
    np.testing.assert_array_equal(k.state.parties.last_provocation_day[NORTH], [1, 3])


def test_usual_level_is_a_moving_average_with_a_30_day_half_life():
    k = kernel(2)
    casualties_of(k, [9, 0])
    np.testing.assert_allclose(k.state.parties.usual_attack_casualties[NORTH],
                               [USUAL + (9 - USUAL) * MOVE, USUAL * (1 - MOVE)], rtol=RTOL)
    np.testing.assert_array_equal(k.state.parties.usual_attack_casualties[SOUTH], 0.0)
    # Thirty quiet days halve it.
    k = kernel(1)
    for day in range(1, 31):
        attack(k, 0.0, day=day)
    np.testing.assert_allclose(k.state.parties.usual_attack_casualties[NORTH], [USUAL / 2], rtol=1e-10)


def test_a_party_no_group_targets_is_never_provoked():
    k = kernel(1)
    out = casualties_of(k, [5])
    assert not out.provoked[SOUTH].any() and k.state.parties.last_provocation_day[SOUTH, 0] == NEVER


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
    k.state.talks.agreement = np.ones(4, dtype=bool)
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


def test_a_crackdown_is_a_betrayal_that_raises_the_next_days_attack_rate():
    k = kernel(1, {"actors": {"rebels": {"betrayal_sensitivity": 5.0}}})
    k.state.talks.agreement[:] = True
    k.state.groups.crackdown_level[:] = 1.0
    sanctuary(k, 0.0)
    lost = 0.8 - k.state.trust.mean(REBELS_ACTOR, SOUTH)[0]
    assert lost > 0.03
    set_talks(k, agreement=True, agreement_day=0)
    p0 = math.exp(-rate(capacity=0.9 * 0.99, tempo=1.0 + 5.0 * lost))
    assert attack(k, p0 * ABOVE).attacks[0, 0] == 1
    k2 = kernel(1, {"actors": {"rebels": {"betrayal_sensitivity": 5.0}}})
    k2.state.talks.agreement[:] = True
    k2.state.groups.crackdown_level[:] = 1.0
    sanctuary(k2, 0.0)
    set_talks(k2, agreement=True, agreement_day=0)
    assert attack(k2, p0 * BELOW).attacks[0, 0] == 0


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
