"""Tests for the pure, vectorized rules in :mod:`sim.model.submodels`.

Statistical checks use fixed seeds; each tolerance is stated next to it as a
multiple of the standard error of the estimate for the sample used.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy import stats

from sim.model import trust
from sim.model.submodels import armed_groups, breakdown, domestic, mediation, talks, violence
from sim.model.draws import logistic, logit, poisson_from_uniform

# The largest value numpy's Generator.random() can return.
TOP_UNIFORM = 1.0 - 2.0**-53


def uniforms(n: int, seed: int = 20251019) -> np.ndarray:
    return np.random.default_rng(seed).random(n)


# --------------------------------------------------------------------------- #
# draws: logistic / logit
# --------------------------------------------------------------------------- #
def test_logistic_values_and_symmetry():
    x = np.linspace(-30.0, 30.0, 601)
    y = logistic(x)
    assert logistic(0.0) == 0.5
    np.testing.assert_allclose(y + logistic(-x), 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(y, 1.0 / (1.0 + np.exp(-x)), rtol=1e-15)
    assert np.all(np.diff(y) >= 0)
    assert np.all((y > 0) & (y < 1))


def test_logit_inverts_logistic():
    # Beyond |x| ~ 15, 1 - logistic(x) keeps too few digits for a tight round trip.
    x = np.linspace(-15.0, 15.0, 301)
    np.testing.assert_allclose(logit(logistic(x)), x, rtol=0, atol=1e-8)
    p = np.array([1e-6, 0.1, 0.25, 0.5, 0.9])
    np.testing.assert_allclose(logit(p), np.log(p / (1 - p)), rtol=1e-12)


def test_logit_is_finite_at_zero_and_one():
    out = logit(np.array([0.0, 1.0]))
    assert np.all(np.isfinite(out))
    # Clipped at 1e-12: log(1e-12) ~ -27.6.
    assert out[0] < -27 and out[1] > 27
    # 1 - 1e-12 is not exact in binary, so the two ends agree only to ~1e-6.
    np.testing.assert_allclose(out[0], -out[1], rtol=1e-5)


# --------------------------------------------------------------------------- #
# draws: poisson_from_uniform
# --------------------------------------------------------------------------- #
EXACT_MEANS = [0.0, 1e-300, 1e-12, 1e-6, 1e-3, 0.05, 0.3, 1.0, 2.5, 7.0, 15.0, 33.3, 59.9, 60.0]


@pytest.mark.parametrize("mean", EXACT_MEANS)
def test_poisson_equals_scipy_ppf(mean):
    # Bounded away from 1 by 1e-12: within a few ulps of 1 the running CDF sum
    # and scipy's incomplete gamma round differently (see the top-uniform test).
    u = np.concatenate([uniforms(20_000), [0.0, 1e-300, 0.5, 1.0 - 1e-12]])
    got = poisson_from_uniform(u, mean)
    assert got.dtype == np.int64 and got.shape == u.shape
    expected = stats.poisson.ppf(u, mean)
    expected[u == 0.0] = 0  # scipy returns -1 at q = 0; the smallest k with F(k) >= 0 is 0
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("mean", [0.02, 0.7, 3.0, 12.0, 45.0])
def test_poisson_boundary_is_smallest_k_with_cdf_at_least_u(mean):
    ks = np.arange(0, int(mean + 6 * np.sqrt(mean) + 5))
    cdf = stats.poisson.cdf(ks, mean)
    inside = (cdf > 1e-6) & (cdf < 1 - 1e-6)
    ks, cdf = ks[inside], cdf[inside]
    # A hair below F(k) the answer is k; a hair above it, k + 1.
    np.testing.assert_array_equal(poisson_from_uniform(cdf * (1 - 1e-9), mean), ks)
    np.testing.assert_array_equal(poisson_from_uniform(np.minimum(cdf * (1 + 1e-9), 1 - 1e-12), mean), ks + 1)


def test_poisson_per_replication_means_match_ppf():
    rng = np.random.default_rng(7)
    n = 60_000
    u = rng.random(n)
    mean = np.exp(rng.uniform(np.log(1e-9), np.log(60.0), n))
    # Zeros and a few large means mixed in, so both branches and the early
    # compaction of the sequential search run in one call.
    mean[rng.random(n) < 0.2] = 0.0
    mean[:10] = [0.0, 1e-300, 60.0, 59.999, 1e-15, 0.5, 0.5, 40.0, 2.0, 1e-3]
    got = poisson_from_uniform(u, mean)
    np.testing.assert_array_equal(got, stats.poisson.ppf(u, mean))
    assert np.all(got[mean == 0.0] == 0)


def test_poisson_scalar_mean_broadcasts_and_matches_array_mean():
    u = uniforms(5_000, seed=3)
    np.testing.assert_array_equal(poisson_from_uniform(u, 4.2), poisson_from_uniform(u, np.full(u.size, 4.2)))


def test_poisson_few_survivors_branch():
    # Most means tiny and a handful large: after k = 1 fewer than a quarter of
    # replications are still searching, which takes the compacting branch.
    u = np.full(1000, 0.999)
    mean = np.full(1000, 1e-6)
    mean[::97] = np.linspace(5.0, 55.0, mean[::97].size)
    np.testing.assert_array_equal(poisson_from_uniform(u, mean), stats.poisson.ppf(u, mean))


@pytest.mark.parametrize("mean", [0.0, 1e-8, 0.4, 3.0, 25.0, 59.9, 60.0, 60.01, 75.0, 400.0, 1e5])
def test_poisson_monotone_in_uniform(mean):
    u = np.sort(np.concatenate([uniforms(20_000, seed=11), [0.0, TOP_UNIFORM]]))
    counts = poisson_from_uniform(u, mean)
    assert np.all(np.diff(counts) >= 0)
    assert counts.min() >= 0


@pytest.mark.parametrize("mean", [60.5, 80.0, 250.0, 4000.0])
def test_poisson_large_mean_branch_is_exact(mean):
    # Above the search limit the quantile comes from scipy: exact, with the right moments.
    n = 100_000
    u = uniforms(n, seed=5)
    got = poisson_from_uniform(u, mean)
    np.testing.assert_array_equal(got, stats.poisson.ppf(u, mean))
    # SE of a sample mean of Poisson(m) is sqrt(m / n); allow 5 SE.
    assert abs(got.mean() - mean) < 5 * np.sqrt(mean / n)


def test_poisson_large_mean_branch_mismatch_rate_below_one_in_a_thousand():
    n = 100_000
    u = uniforms(n, seed=6)
    got = poisson_from_uniform(u, 80.0)
    assert np.mean(got != stats.poisson.ppf(u, 80.0)) < 1e-3


def test_poisson_top_uniform_stays_near_the_quantile():
    got = poisson_from_uniform(np.array([TOP_UNIFORM]), 59.0)[0]
    assert abs(got - stats.poisson.ppf(TOP_UNIFORM, 59.0)) <= 3


# --------------------------------------------------------------------------- #
# violence
# --------------------------------------------------------------------------- #
def test_attack_rate_formula():
    sanctuary = np.array([1.0, 0.5, 0.2, 1.0])
    progress = np.array([0.0, 0.4, 1.0, 0.7])
    decree = np.array([False, True, False, True])
    recruitment = np.array([0.0, 0.1, 0.3, 0.0])
    got = armed_groups.attack_rate(0.3, sanctuary, progress, 2.0, decree, 4.0, recruitment)
    expected = 0.3 * sanctuary * (1 + 2.0 * progress) * np.where(decree, 4.0, 1.0) * (1 + recruitment)
    np.testing.assert_allclose(got, expected, rtol=1e-15)
    np.testing.assert_allclose(got, [0.3, 0.3 * 0.5 * 1.8 * 4 * 1.1, 0.3 * 0.2 * 3 * 1.3, 0.3 * 2.4 * 4])


def test_attack_rate_decree_and_spoiler_terms():
    ones, zeros = np.ones(3), np.zeros(3)
    off = np.zeros(3, dtype=bool)
    on = np.ones(3, dtype=bool)
    base = armed_groups.attack_rate(0.5, ones, zeros, 3.0, off, 2.5, zeros)
    np.testing.assert_allclose(base, 0.5)  # no progress: sensitivity plays no part
    np.testing.assert_allclose(armed_groups.attack_rate(0.5, ones, zeros, 3.0, on, 2.5, zeros), 1.25)
    progress = np.array([0.0, 0.5, 1.0])
    rates = armed_groups.attack_rate(0.5, ones, progress, 3.0, off, 2.5, zeros)
    np.testing.assert_allclose(np.diff(rates), 0.5 * 3.0 * 0.5)  # linear in progress, slope base * sensitivity
    np.testing.assert_allclose(armed_groups.attack_rate(0.5, ones, progress, 0.0, off, 2.5, zeros), 0.5)


def test_attacks_and_casualties_means():
    n = 200_000
    rng = np.random.default_rng(44)
    u_a, u_c = rng.random((2, n))
    rate, per_attack = 0.7, 3.0
    attacks, casualties = armed_groups.attacks_and_casualties(u_a, u_c, np.full(n, rate), per_attack, np.ones(n, bool))
    assert attacks.dtype == np.int64 and casualties.dtype == np.int64
    # Attacks ~ Poisson(0.7): SE of the mean sqrt(0.7 / n) = 0.0019; allow 5 SE.
    assert abs(attacks.mean() - rate) < 5 * np.sqrt(rate / n)
    # Casualties ~ Poisson(3 A): mean 2.1, variance c m + c^2 m = 8.4, SE 0.0065; allow 5 SE.
    var = per_attack * rate + per_attack**2 * rate
    assert abs(casualties.mean() - per_attack * rate) < 5 * np.sqrt(var / n)
    assert np.all(casualties[attacks == 0] == 0)
    # Same uniforms, same counts: inversion through poisson_from_uniform.
    np.testing.assert_array_equal(attacks, poisson_from_uniform(u_a, rate))


def test_attacks_zero_where_inactive():
    n = 5_000
    rng = np.random.default_rng(45)
    u_a, u_c = rng.random((2, n))
    active = rng.random(n) < 0.5
    attacks, casualties = armed_groups.attacks_and_casualties(u_a, u_c, np.full(n, 5.0), 2.0, active)
    assert np.all(attacks[~active] == 0) and np.all(casualties[~active] == 0)
    # With mean 5 nearly every active replication attacks (P(0) = 0.7 %).
    assert np.mean(attacks[active] > 0) > 0.98
    np.testing.assert_array_equal(attacks[active], poisson_from_uniform(u_a[active], 5.0))


@pytest.mark.parametrize("fn", [violence.strike_log_odds, violence.retaliation_log_odds])
def test_log_odds_reduce_to_baseline(fn):
    base = np.array([0.001, 0.02, 0.3, 0.9])
    got = fn(base, np.zeros(4), 2.0, np.full(4, 0.5), 3.0, 0.0, 0.0)
    np.testing.assert_allclose(logistic(got), base, rtol=1e-12)
    np.testing.assert_allclose(got, logit(base), rtol=1e-14)


@pytest.mark.parametrize("fn", [violence.strike_log_odds, violence.retaliation_log_odds])
def test_log_odds_components(fn):
    base = 0.1
    ref = logit(base)
    half = np.array([0.5])
    np.testing.assert_allclose(fn(base, np.array([2.0]), 0.7, half, 3.0, 0.0, 0.0), ref + 1.4)
    np.testing.assert_allclose(fn(base, np.array([0.0]), 0.7, np.array([0.0]), 3.0, 0.0, 0.0), ref + 3.0)
    np.testing.assert_allclose(fn(base, np.array([0.0]), 0.7, np.array([1.0]), 3.0, 0.0, 0.0), ref - 3.0)
    np.testing.assert_allclose(fn(base, np.array([0.0]), 0.7, half, 3.0, 1.2, 0.0), ref + 1.2)
    np.testing.assert_allclose(fn(base, np.array([0.0]), 0.7, half, 3.0, 0.0, 2.5), ref - 2.5)


def test_decide_respects_eligibility_and_probability():
    n = 100_000
    u = uniforms(n, seed=12)
    log_odds = np.full(n, logit(0.3))
    eligible = np.arange(n) % 3 != 0
    got = violence.decide(u, log_odds, eligible)
    assert not got[~eligible].any()
    np.testing.assert_array_equal(got[eligible], u[eligible] < 0.3)
    # Frequency among eligible (n_e ~ 66 667): SE sqrt(0.21 / n_e) = 0.0018; allow 5 SE.
    assert abs(got[eligible].mean() - 0.3) < 5 * np.sqrt(0.21 / eligible.sum())
    assert violence.decide(np.array([TOP_UNIFORM]), np.array([40.0]), np.array([True]))[0]
    assert not violence.decide(np.array([0.0]), np.array([-np.inf]), np.array([True]))[0]


# --------------------------------------------------------------------------- #
# domestic
# --------------------------------------------------------------------------- #
def test_decay_half_life():
    value = np.array([8.0, 1.0, 3.0])
    h = np.array([1.0, 5.0, 30.0])
    np.testing.assert_allclose(domestic.decay(value, h), value * 0.5 ** (1 / h), rtol=1e-15)
    for half_life in (1, 5, 30):
        v = np.array([10.0])
        for _ in range(half_life):
            v = domestic.decay(v, float(half_life))
        np.testing.assert_allclose(v, 5.0, rtol=1e-12)


def test_pressure_and_resentment_updates():
    # Pressure is ln(1 + C30 / reference): ln 2 at the reference, 0 with no casualties, ln 3 at twice it.
    p = domestic.casualty_pressure(np.array([50.0, 0.0, 100.0]), 50.0)
    np.testing.assert_allclose(p, [np.log(2.0), 0.0, np.log(3.0)], rtol=1e-15)
    r = domestic.resentment_after(np.array([1.0, 2.0]), np.array([0.0, 4.0]), 0.25, 1.0)
    np.testing.assert_allclose(r, [0.5, 1.0 + 1.0])


def test_support_update_and_clipping():
    support = np.array([0.5, 0.9, 0.1, 0.05])
    civ = np.array([10.0, 50.0, 0.0, 0.0])
    retaliations = np.array([0, 1, 0, 0])
    got = domestic.support_after(support, civ, 0.01, retaliations, 0.05)
    np.testing.assert_allclose(got, [0.6, 1.0, 0.1, 0.05])
    low = domestic.support_after(np.array([0.05]), np.array([10.0]), -0.01, np.array([0]), 0.0)
    assert low[0] == 0.0


def test_effective_tolerance_and_clipping():
    got = domestic.effective_tolerance(0.4, np.array([0.5, 0.7, 0.2, 1.0]), 0.5, np.array([1.0, 1.0, 1.0, 3.0]))
    np.testing.assert_allclose(got, [0.4, 0.6, 0.1, 1.0])
    assert domestic.effective_tolerance(0.1, np.array([0.0]), 0.9, 1.0)[0] == 0.0


def test_decree_probability_and_cap():
    n = 100_000
    u = uniforms(n, seed=21)
    none = np.zeros(n, dtype=bool)
    allow = np.ones(n, dtype=bool)
    resentment = np.full(n, 2.0)
    got = domestic.decree_issued(u, none, 0.01, resentment, 0.02, None, 5, allow)
    np.testing.assert_array_equal(got, u < 0.05)
    # Frequency: SE sqrt(0.05 * 0.95 / n) = 0.0007; allow 5 SE.
    assert abs(got.mean() - 0.05) < 5 * np.sqrt(0.05 * 0.95 / n)
    capped = domestic.decree_issued(u, none, 0.5, np.full(n, 100.0), 1.0, None, 5, allow)
    assert capped.all()


def test_decree_fixed_day_eligibility_and_once():
    n = 10
    u = np.full(n, TOP_UNIFORM)
    res = np.zeros(n)
    already = np.arange(n) < 3
    eligible = np.arange(n) != 9
    on_day = domestic.decree_issued(u, already, 0.0, res, 0.0, 7, 7, eligible)
    np.testing.assert_array_equal(on_day, ~already & eligible)
    assert not domestic.decree_issued(u, already, 0.0, res, 0.0, 7, 6, eligible).any()
    assert not domestic.decree_issued(u, already, 0.0, res, 0.0, 7, 8, eligible).any()
    # At most once: issuing again is impossible even with probability 1.
    issued = np.zeros(n, dtype=bool)
    for day in range(1, 20):
        today = domestic.decree_issued(np.zeros(n), issued, 1.0, res, 0.0, 7, day, np.ones(n, bool))
        assert not (today & issued).any()
        issued |= today
        assert today.any() == (day == 1)


# --------------------------------------------------------------------------- #
# talks
# --------------------------------------------------------------------------- #
def _random_talk_inputs(rng, n_parties=3, n_issues=4, r=40):
    ideal = rng.random((n_parties, n_issues, r))
    priorities = rng.dirichlet(np.ones(n_issues), n_parties)
    bias = rng.dirichlet(np.ones(n_parties), r).T
    return ideal, priorities, bias


def test_proposal_without_formulation_is_bias_weighted_mean():
    rng = np.random.default_rng(31)
    ideal, priorities, bias = _random_talk_inputs(rng)
    got = talks.proposal(ideal, priorities, bias, np.zeros(bias.shape[1]))
    np.testing.assert_allclose(got, np.einsum("pr,pkr->kr", bias, ideal), rtol=1e-12)
    # Priorities play no part without formulation.
    other = rng.dirichlet(np.ones(priorities.shape[1]), priorities.shape[0])
    np.testing.assert_allclose(talks.proposal(ideal, other, bias, np.zeros(bias.shape[1])), got, rtol=1e-12)


def test_proposal_formulation_logrolls():
    ideal = np.zeros((2, 2, 1))
    ideal[1] = 1.0
    priorities = np.array([[0.8, 0.2], [0.2, 0.8]])
    bias = np.full((2, 1), 0.5)
    np.testing.assert_allclose(talks.proposal(ideal, priorities, bias, np.array([0.0]))[:, 0], [0.5, 0.5])
    # f = 1: omega_0 = 0.5 * 2 * w_0k; issue 0 -> 0.2, issue 1 -> 0.8.
    np.testing.assert_allclose(talks.proposal(ideal, priorities, bias, np.array([1.0]))[:, 0], [0.2, 0.8])


def test_proposal_moves_toward_party_that_cares_more():
    rng = np.random.default_rng(32)
    r = 500
    ideal, priorities, bias = _random_talk_inputs(rng, n_parties=2, n_issues=3, r=r)
    fs = np.linspace(0.0, 1.0, 6)
    offers = np.stack([talks.proposal(ideal, priorities, bias, np.full(r, f)) for f in fs])  # (F, K, R)
    cares = priorities[0] > priorities[1]  # (K,) issues party 0 cares about more
    dist0 = np.abs(offers - ideal[0][None])
    dist1 = np.abs(offers - ideal[1][None])
    # On each issue, the party with the higher priority gets closer as f grows.
    tol = 1e-12
    assert np.all(np.diff(dist0[:, cares], axis=0) <= tol)
    assert np.all(np.diff(dist1[:, ~cares], axis=0) <= tol)
    strict = np.abs(ideal[0] - ideal[1]) > 0.05
    assert np.all((dist0[-1] < dist0[0])[cares[:, None] & strict])


def test_proposal_stays_in_unit_interval():
    rng = np.random.default_rng(33)
    ideal, priorities, bias = _random_talk_inputs(rng, n_parties=4, n_issues=5, r=2000)
    f = rng.random(2000)
    f[:100] = 1.0
    got = talks.proposal(ideal, priorities, bias, f)
    assert got.shape == (5, 2000)
    assert np.all(np.isfinite(got))
    lo, hi = ideal.min(axis=0), ideal.max(axis=0)
    assert np.all((got >= lo - 1e-12) & (got <= hi + 1e-12))


def test_proposal_finite_at_full_formulation_with_unprioritised_issue():
    ideal = np.array([[[0.2], [0.3]], [[0.8], [0.9]]])
    priorities = np.array([[1.0, 0.0], [1.0, 0.0]])
    with np.errstate(invalid="ignore"):
        got = talks.proposal(ideal, priorities, np.full((2, 1), 0.5), np.array([1.0]))
    assert np.all(np.isfinite(got))


def test_deal_utility():
    rng = np.random.default_rng(34)
    ideal, priorities, bias = _random_talk_inputs(rng, n_parties=3, n_issues=4, r=30)
    for p in range(3):
        np.testing.assert_allclose(talks.deal_utility(ideal[p], ideal, priorities)[p], 1.0)
    offer = rng.random((4, 30))
    u = talks.deal_utility(offer, ideal, priorities)
    assert u.shape == (3, 30)
    expected = 1 - np.einsum("pk,pkr->pr", priorities, np.abs(offer[None] - ideal))
    np.testing.assert_allclose(u, expected, rtol=1e-12)
    assert np.all((u >= 0) & (u <= 1))


def test_reservation_value_and_clip():
    share = np.array([0.6, 0.3, 0.2, 0.9])
    cost = np.array([0.2, 0.5, 0.5, -1.0])
    tol = np.array([0.5, 0.0, 0.8, 0.0])
    np.testing.assert_allclose(talks.reservation_value(share, cost, tol), [0.5, 0.0, 0.1, 1.0])


def test_expected_deal_value_commitment_problem():
    u = np.array([0.8, 0.8, 0.8, 0.8])
    trust_adv = np.array([1.0, 0.0, 0.25, 0.5])
    ins = np.array([0.0, 0.0, 1.0, 0.4])
    got = talks.expected_deal_value(u, trust_adv, 0.3, ins)
    np.testing.assert_allclose(got, [0.8, 0.5, 0.8, 0.8 - 0.5 * 0.3 * 0.6])


def test_accepts_half_at_reservation():
    n = 100_000
    u = uniforms(n, seed=41)
    value = np.full(n, 0.4)
    got = talks.accepts(u, value, value.copy(), 0.05)
    # P = 0.5: SE sqrt(0.25 / n) = 0.0016; allow 5 SE.
    assert abs(got.mean() - 0.5) < 5 * np.sqrt(0.25 / n)
    np.testing.assert_array_equal(got, u < 0.5)
    hi = talks.accepts(u, value + 0.1, value, 0.05)
    np.testing.assert_array_equal(hi, u < logistic(2.0))
    assert hi.mean() > got.mean()


def test_walks_out_only_beyond_margin():
    u = np.zeros(5)
    value = np.array([0.5, 0.5, 0.5, 0.5, 0.5])
    reservation = np.array([0.5, 0.75, 0.76, 0.9, 0.2])
    fac = np.zeros(5)
    got = talks.walks_out(u, value, reservation, 0.25, 0.4, fac)
    np.testing.assert_array_equal(got, [False, False, True, True, False])
    assert not talks.walks_out(u, value, reservation, 0.25, 0.4, np.ones(5)).any()
    # Probability propensity * (1 - facilitation) = 0.2.
    u2 = np.array([0.19, 0.21])
    np.testing.assert_array_equal(
        talks.walks_out(u2, np.zeros(2), np.ones(2), 0.1, 0.4, np.full(2, 0.5)), [True, False])


def test_instructed_positions():
    u = np.array([0.1, 0.5, 0.9])
    ordinary = np.array([[0.2], [0.3]])
    hardline = np.array([[0.9], [1.0]])
    pos, over = talks.instructed_positions(u, 0.5, ordinary, hardline)
    np.testing.assert_array_equal(over, [True, False, False])
    np.testing.assert_allclose(pos, [[0.9, 0.2, 0.2], [1.0, 0.3, 0.3]])
    assert not talks.instructed_positions(u, 0.0, ordinary, hardline)[1].any()
    assert talks.instructed_positions(np.array([TOP_UNIFORM]), 1.0, ordinary, hardline)[1].all()


# --------------------------------------------------------------------------- #
# mediation
# --------------------------------------------------------------------------- #
def test_noisy_or():
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.5], [0.5]])), [0.75])
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.3, 0.0, 1.0]])), [0.3, 0.0, 1.0])
    np.testing.assert_allclose(mediation.noisy_or(np.array([[0.2, 0.4], [0.5, 1.0]]), axis=1), [0.52, 1.0])
    assert mediation.noisy_or(np.zeros((0, 3))).tolist() == [0.0, 0.0, 0.0]
    rng = np.random.default_rng(51)
    s = rng.random((4, 100))
    got = mediation.noisy_or(s)
    assert np.all((got >= s.max(axis=0) - 1e-15) & (got <= 1))


def test_restraint_log_odds_components():
    engaged = np.array([[True, False, True], [True, True, False]])
    leverage = np.array([[2.0], [1.0]])
    trust_m = np.array([[0.5, 0.9, 1.0], [0.4, 0.5, 0.7]])
    monitoring = np.array([0.0, 0.5, 1.0])
    inducement = np.array([0.1, 0.0, 0.3])
    agreement = np.array([False, True, True])
    zero = np.zeros(3)
    lev = mediation.restraint_log_odds(engaged, leverage, trust_m, zero, zero, np.zeros(3, bool), 3.0, 9, 9, 9)
    np.testing.assert_allclose(lev, 3.0 * np.array([2 * 0.5 + 0.4, 0.5, 2 * 1.0]))
    none = np.zeros_like(engaged)
    np.testing.assert_allclose(
        mediation.restraint_log_odds(none, leverage, trust_m, monitoring, zero, np.zeros(3, bool), 3.0, 2.0, 9, 9),
        2.0 * monitoring)
    np.testing.assert_allclose(
        mediation.restraint_log_odds(none, leverage, trust_m, zero, inducement, np.zeros(3, bool), 3.0, 2.0, 4.0, 9),
        4.0 * inducement)
    np.testing.assert_allclose(
        mediation.restraint_log_odds(none, leverage, trust_m, zero, zero, agreement, 3.0, 2.0, 4.0, 1.5),
        1.5 * agreement)
    all_terms = mediation.restraint_log_odds(engaged, leverage, trust_m, monitoring, inducement, agreement,
                                             3.0, 2.0, 4.0, 1.5)
    np.testing.assert_allclose(all_terms, lev + 2.0 * monitoring + 4.0 * inducement + 1.5 * agreement)


def test_restraint_without_mediators():
    got = mediation.restraint_log_odds(np.zeros((0, 2), bool), np.zeros((0, 1)), np.zeros((0, 2)),
                                       np.array([0.2, 0.0]), np.zeros(2), np.array([True, False]), 5.0, 1.0, 1.0, 0.5)
    np.testing.assert_allclose(got, [0.7, 0.0])


def test_joins():
    u = np.array([0.1, 0.1, 0.1, 0.1, 0.9, 0.1])
    engaged = np.array([False, True, False, False, False, False])
    stalled = np.array([3, 3, 2, 5, 3, 3])
    eligible = np.array([True, True, True, True, True, False])
    got = mediation.joins(u, engaged, stalled, 3, 0.5, eligible)
    np.testing.assert_array_equal(got, [True, False, False, True, False, False])
    never = mediation.joins(np.zeros(6), np.zeros(6, bool), np.full(6, 100), None, 1.0, np.ones(6, bool))
    assert never.dtype == bool and never.shape == (6,) and not never.any()


# --------------------------------------------------------------------------- #
# breakdown
# --------------------------------------------------------------------------- #
def test_extend_chain_order_and_dedup():
    r = 3
    chain = np.zeros(r, dtype=np.int64)
    seen = np.zeros(r, dtype=np.int64)
    everywhere = np.ones(r, dtype=bool)
    steps = [
        ("spoiler_attack", np.array([True, False, True])),
        ("cross_border_strike", everywhere),
        ("retaliation", np.array([True, True, False])),
        ("cross_border_strike", everywhere),
        ("spoiler_attack", everywhere),
    ]
    for event, where in steps:
        chain, seen = breakdown.extend_chain(chain, seen, event, where)
    names = [breakdown.decode_chain(c) for c in chain]
    assert names == [
        "spoiler_attack > cross_border_strike > retaliation",
        "cross_border_strike > retaliation > spoiler_attack",
        "spoiler_attack > cross_border_strike",
    ]
    assert seen[0] == (1 << 1) | (1 << 2) | (1 << 3)
    assert breakdown.decode_chain(0) == ""


def test_chain_encodes_first_occurrence_order():
    rng = np.random.default_rng(61)
    events = list(breakdown.EVENT_CODES)
    for _ in range(200):
        seq = list(rng.choice(events, size=int(rng.integers(1, 15))))
        chain, seen = np.zeros(1, np.int64), np.zeros(1, np.int64)
        for e in seq:
            chain, seen = breakdown.extend_chain(chain, seen, str(e), np.ones(1, bool))
        first = list(dict.fromkeys(seq))
        assert breakdown.decode_chain(chain[0]) == " > ".join(first)
        assert int(seen[0]) == sum(1 << breakdown.EVENT_CODES[e] for e in first)
    # All seven events in every order of the first three still decode.
    for perm in itertools.permutations(events[:3]):
        chain, seen = np.zeros(1, np.int64), np.zeros(1, np.int64)
        for e in list(perm) + events[3:]:
            chain, seen = breakdown.extend_chain(chain, seen, e, np.ones(1, bool))
        assert breakdown.decode_chain(chain[0]).split(" > ") == list(perm) + events[3:]


@pytest.mark.parametrize("window", [1, 3, 7, 30])
def test_sliding_windows_equal_rolling_sums(window):
    # slide_window keeps a running total; window_count reads each replication's own (shorter) window
    # from the same ring.
    rng = np.random.default_rng(window)
    r, n_days = 40, 250
    today = (rng.random((n_days, r)) < 0.3).astype(np.int64) * rng.integers(1, 3, (n_days, r))
    own = rng.integers(1, window + 1, r)
    ring = np.zeros((window, r), dtype=np.int64)
    count = np.zeros(r, dtype=np.int64)
    for day in range(n_days):
        count = breakdown.slide_window(ring, count, day % window, today[day])
        expected = today[max(0, day - window + 1):day + 1].sum(axis=0)
        np.testing.assert_array_equal(count, expected)
        np.testing.assert_array_equal(breakdown.window_count(ring, day, window), expected)
        mine = [today[max(0, day - w + 1):day + 1, k].sum() for k, w in enumerate(own)]
        np.testing.assert_array_equal(breakdown.window_count(ring, day, own), mine)


def test_status_codes():
    alive = np.array([True, True, False, False])
    window = np.array([0, 2, 0, 5])
    got = breakdown.status(alive, window)
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, [breakdown.HOLDING, breakdown.VIOLATED, breakdown.BROKEN, breakdown.BROKEN])
    assert (breakdown.HOLDING, breakdown.VIOLATED, breakdown.BROKEN) == (0, 1, 2)
    assert breakdown.STATUS_NAMES[breakdown.VIOLATED] == "violated"
