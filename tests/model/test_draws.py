"""Inversion draws (sim.model.draws): Poisson and negative binomial inversion, exponential waits and lags."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from sim.model import draws
from sim.model.draws import exponential_days, lag_days, negbin_from_uniform, poisson_from_uniform

BELOW, ABOVE = 1.0 - 1e-9, 1.0 + 1e-9


# ----------------------------------------------------------------------------- Poisson

def test_poisson_mixes_small_and_large_means_in_one_call():
    u = np.array([0.9, 0.5, 0.7, 0.3, 0.0])
    mean = np.array([0.5, 100.0, 1.0, 0.0, 80.0])
    got = poisson_from_uniform(u, mean)
    expected = np.maximum(0, stats.poisson.ppf(u, mean)).astype(np.int64)
    np.testing.assert_array_equal(got, expected)
    assert got[4] == 0 and got[0] == 1 and got.dtype == np.int64


@pytest.mark.parametrize("with_zeros", [True, False])
def test_poisson_with_zero_small_and_large_means_in_any_order_equals_scipy(with_zeros):
    rng = np.random.default_rng(11)
    means = rng.choice([0.0, 0.7, 3.0, 75.0, 240.0] if with_zeros else [0.7, 3.0, 75.0, 240.0], size=400)
    u = rng.uniform(0.001, 0.999, size=400)
    got = poisson_from_uniform(u, means)
    np.testing.assert_array_equal(got, stats.poisson.ppf(u, means).astype(np.int64))
    np.testing.assert_array_equal(poisson_from_uniform(u.reshape(2, 200), means.reshape(2, 200)), got.reshape(2, 200))


# ----------------------------------------------------------------------------- negative binomial

MEANS = [0.0, 0.02, 0.4, 1.0, 3.5, 12.0, 59.0, 61.0, 150.0, 900.0]  # both sides of the 60 search limit
DISPERSIONS = [0.01, 0.05, 0.3, 1.0, 4.0, 25.0, 1000.0]
UNIFORMS = [0.0, 1e-9, 0.003, 0.05, 0.2, 0.37, 0.5, 0.63, 0.8, 0.95, 0.999, 0.999999, 1.0 - 1e-12, 1.0 - 1e-15]


def scipy_negbin(u, mean, r):
    """The exact quantile: smallest k with F(k) >= u for nbinom(r, p = r / (r + mean)); 0 for u = 0."""
    u, mean, r = np.broadcast_arrays(np.asarray(u, float), np.asarray(mean, float), np.asarray(r, float))
    return np.maximum(0, stats.nbinom.ppf(u, r, r / (r + mean))).astype(np.int64)


def test_negbin_equals_scipy_over_a_grid_of_means_dispersions_and_uniforms():
    u, mean, r = (a.ravel() for a in np.meshgrid(UNIFORMS, MEANS, DISPERSIONS, indexing="ij"))
    got = negbin_from_uniform(u, mean, r)
    assert got.dtype == np.int64 and got.shape == u.shape
    np.testing.assert_array_equal(got, scipy_negbin(u, mean, r))
    # Mean 0 gives 0 whatever the uniform; the grid reaches both sides of the search limit.
    assert not got[mean == 0.0].any()
    assert got[(mean == 900.0) & (u == 0.5) & (r >= 1.0)].min() > 0
    assert got[(mean == 59.0) & (u == 0.5) & (r >= 1.0)].min() > 0


@pytest.mark.parametrize("mean", [0.4, 12.0, 150.0])
@pytest.mark.parametrize("r", [0.05, 2.0])
def test_negbin_each_mean_and_dispersion_alone_equals_scipy_at_random_uniforms(mean, r):
    u = np.random.default_rng(5).uniform(size=2000)
    np.testing.assert_array_equal(negbin_from_uniform(u, mean, r), scipy_negbin(u, mean, r))


def test_negbin_at_uniforms_within_rounding_of_one_takes_scipy_tail():
    # The recurrence's summed CDF cannot reach u this close to 1: the tail comes from scipy, and is large.
    u = np.array([1.0 - 1e-15, 1.0 - 1e-14, 1.0 - 1e-13, 1.0 - 4e-16])
    for mean, r in [(2.0, 0.05), (5.0, 1.0), (30.0, 0.5)]:
        got = negbin_from_uniform(u, mean, r)
        np.testing.assert_array_equal(got, scipy_negbin(u, mean, r))
        assert got.min() > 10 * mean


def test_negbin_mixed_shapes_broadcast_elementwise_over_actors_and_replications():
    rng = np.random.default_rng(3)
    u = rng.uniform(size=(3, 50))
    mean = rng.choice([0.0, 0.8, 7.0, 70.0], size=(3, 50))
    r = np.array([[0.2], [3.0], [40.0]])
    got = negbin_from_uniform(u, mean, r)
    assert got.shape == (3, 50)
    np.testing.assert_array_equal(got, scipy_negbin(u, mean, r))
    flat = negbin_from_uniform(u.ravel(), mean.ravel(), np.broadcast_to(r, (3, 50)).ravel())
    np.testing.assert_array_equal(flat.reshape(3, 50), got)


def test_negbin_zero_shape_gives_zero_counts():
    # A shape of 0 (0 attacks times a casualty dispersion) has all its mass at 0, whatever the mean.
    u = np.array([0.0, 0.5, 0.999999, 0.5])
    got = negbin_from_uniform(u, np.array([0.0, 0.0, 0.0, 3.0]), np.array([0.0, 0.0, 0.0, 0.0]))
    np.testing.assert_array_equal(got, [0, 0, 0, 0])
    # Next to a positive shape in the same call, that one is still drawn.
    got = negbin_from_uniform(np.array([0.9, 0.9]), np.array([0.0, 4.0]), np.array([0.0, 2.0]))
    np.testing.assert_array_equal(got, [0, scipy_negbin(0.9, 4.0, 2.0)])
    assert got[1] > 0


def test_negbin_none_dispersion_is_poisson_exactly():
    rng = np.random.default_rng(8)
    u = rng.uniform(size=300)
    mean = rng.choice([0.0, 0.3, 4.0, 90.0], size=300)
    np.testing.assert_array_equal(negbin_from_uniform(u, mean, None), poisson_from_uniform(u, mean))
    np.testing.assert_array_equal(negbin_from_uniform(u, mean, None), np.maximum(0, stats.poisson.ppf(u, mean)))
    # A small shape is not the Poisson: more zeros and a longer tail at the same mean.
    assert negbin_from_uniform(np.array([0.3]), 4.0, 0.2)[0] == 0 < poisson_from_uniform(np.array([0.3]), 4.0)[0]
    assert negbin_from_uniform(np.array([0.99]), 4.0, 0.2)[0] > poisson_from_uniform(np.array([0.99]), 4.0)[0]


def test_negbin_zero_count_boundary_is_p_to_the_r():
    # P(0) = (r / (r + mean))^r: a uniform just below gives 0, just above 1 (strictly above the CDF to count).
    mean, r = 3.0, 0.5
    p0 = (r / (r + mean)) ** r
    np.testing.assert_array_equal(negbin_from_uniform(np.array([p0 * BELOW, p0 * ABOVE]), mean, r), [0, 1])
    p1 = p0 + p0 * (mean / (r + mean)) * r  # P(1) = P(0) (1 - p) r
    np.testing.assert_array_equal(negbin_from_uniform(np.array([p1 * BELOW, p1 * ABOVE]), mean, r), [1, 2])


def test_the_sum_of_n_counts_of_shape_r_is_negbin_of_shape_n_r():
    # The rule casualties rely on: n attacks' casualties, each negative binomial (r, mu), sum to (n r, n mu).
    r, mu, n = 0.4, 2.5, 3
    k = np.arange(400)
    one = stats.nbinom.pmf(k, r, r / (r + mu))
    summed = np.convolve(np.convolve(one, one)[:400], one)[:400]
    np.testing.assert_allclose(summed, stats.nbinom.pmf(k, n * r, (n * r) / (n * r + n * mu)), rtol=1e-9,
                               atol=1e-15)
    # ... and the draw for n events is that law's quantile, from one uniform.
    u = np.random.default_rng(2).uniform(size=500)
    np.testing.assert_array_equal(negbin_from_uniform(u, n * mu, n * r), scipy_negbin(u, n * mu, n * r))
    # Sums of n independent single draws match it in distribution (fixed seed; 20000 sums, 4 sd of the mean).
    rng = np.random.default_rng(9)
    singles = negbin_from_uniform(rng.uniform(size=(n, 20000)), mu, r).sum(axis=0)
    sd = math.sqrt(n * (mu + mu * mu / r) / 20000)
    assert abs(singles.mean() - n * mu) < 4 * sd
    assert abs(np.mean(singles == 0) - stats.nbinom.pmf(0, n * r, r / (r + mu))) < 0.015


def test_heavy_tailed_uniforms_close_to_one_equal_scipy():
    # Thousands of summed terms: without handing these to scipy the search was off by up to 33.
    rng = np.random.default_rng(1)
    u = 1.0 - 10.0 ** rng.uniform(-12, -3, 20000)
    mean = rng.choice([0.4, 3.5, 30.0, 59.0], 20000)
    r = rng.choice([0.01, 0.05, 0.3], 20000)
    np.testing.assert_array_equal(negbin_from_uniform(u, mean, r), scipy_negbin(u, mean, r))


def test_poisson_over_actors_and_replications_with_large_means():
    # (A, R) with means past the search limit: scipy's quantile gets each element's own mean.
    u = np.array([[0.5, 0.9, 0.2], [0.5, 0.1, 1.0 - 1e-12]])
    mean = np.array([[100.0, 0.5, 300.0], [2.0, 61.0, 3.0]])
    np.testing.assert_array_equal(poisson_from_uniform(u, mean), stats.poisson.ppf(u, mean).astype(np.int64))


def test_search_limit_is_where_scipy_takes_over(monkeypatch):
    # Below the limit the recurrence answers; above it scipy does. Either way the answer is scipy's.
    calls = []
    original = stats.nbinom.ppf

    def counting(q, *args):
        calls.append(np.size(q))
        return original(q, *args)

    monkeypatch.setattr(draws.stats.nbinom, "ppf", counting)
    u = np.array([0.4, 0.6])
    negbin_from_uniform(u, np.array([draws._SEARCH_MEAN_LIMIT * 0.99, draws._SEARCH_MEAN_LIMIT * 0.99]), 2.0)
    assert calls == []
    got = negbin_from_uniform(u, np.array([draws._SEARCH_MEAN_LIMIT * 1.01, 1.0]), 2.0)
    assert calls == [1]
    assert got[1] == scipy_negbin(0.6, 1.0, 2.0)
    # Uniforms within rounding of 1 go to scipy too, whatever the mean; just outside, the search answers.
    calls.clear()
    edge = 1.0 - draws._ROUNDING_OF_ONE
    negbin_from_uniform(np.array([edge * (1 - 1e-12), 0.5]), 1.0, 2.0)
    assert calls == []
    got = negbin_from_uniform(np.array([edge + 1e-12, 0.5]), 1.0, 2.0)
    assert calls == [1] and got[0] == scipy_negbin(edge + 1e-12, 1.0, 2.0)


# ----------------------------------------------------------------------------- waits and lags

def test_exponential_days_by_hand():
    u = np.array([0.0, 0.01, 0.5, 0.9, 0.5])
    m = np.array([3.0, 3.0, 10.0, 2.0, 1.0])
    # -m ln(1 - u): 0, 0.030, 6.93, 4.61, 0.69 -> rounded up, at least 1 day.
    np.testing.assert_array_equal(exponential_days(u, m), [1, 1, 7, 5, 1])
    assert exponential_days(u, m).dtype == np.int64
    np.testing.assert_array_equal(exponential_days(np.array([0.5, 0.9]), 10.0), [7, 24])


@pytest.mark.parametrize("mean, days", [(7.0, 3), (21.0, 10), (2.0, 1)])
def test_exponential_days_rounds_up_at_whole_days(mean, days):
    # u with -m ln(1 - u) = days exactly: just below gives that day, just above the next.
    u = 1.0 - math.exp(-days / mean)
    np.testing.assert_array_equal(exponential_days(np.array([u * (1 - 1e-7), u * (1 + 1e-7)]), mean),
                                  [days, days + 1])


def test_lag_days_by_hand():
    u = np.array([0.0, 0.5, 0.7, 0.95, 0.5, 0.99])
    m = np.array([1.0, 1.0, 1.0, 1.0, 4.0, 0.0])
    # -m ln(1 - u): 0, 0.69, 1.20, 3.00, 2.77, 0 -> the whole part; mean 0 is always the same day.
    np.testing.assert_array_equal(lag_days(u, m), [0, 0, 1, 2, 2, 0])
    assert lag_days(u, m).dtype == np.int64


@pytest.mark.parametrize("mean", [1.0, 3.0, 0.5])
def test_lag_is_zero_with_probability_one_minus_exp_of_minus_one_over_m(mean):
    same_day = 1.0 - math.exp(-1.0 / mean)
    np.testing.assert_array_equal(lag_days(np.array([same_day * BELOW, same_day * ABOVE]), mean), [0, 1])
    two = 1.0 - math.exp(-2.0 / mean)
    np.testing.assert_array_equal(lag_days(np.array([two * BELOW, two * ABOVE]), mean), [1, 2])
