"""Inversion draws (sim.model.draws): corners of the Poisson inversion that the rules' tests do not reach."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from sim.model.draws import poisson_from_uniform


def test_poisson_mixes_small_and_large_means_in_one_call():
    u = np.array([0.9, 0.5, 0.7, 0.3, 0.0])
    mean = np.array([0.5, 100.0, 1.0, 0.0, 80.0])
    got = poisson_from_uniform(u, mean)
    expected = np.maximum(0, stats.poisson.ppf(u, mean)).astype(np.int64)
    np.testing.assert_array_equal(got, expected)
    assert got[4] == 0 and got[0] == 1 and got.dtype == np.int64


@pytest.mark.parametrize("with_zeros", [True, False])
def test_poisson_with_zero_small_and_large_means_in_any_order_equals_scipy(with_zeros):
    from scipy import stats

    from sim.model.draws import poisson_from_uniform

    rng = np.random.default_rng(11)
    means = rng.choice([0.0, 0.7, 3.0, 75.0, 240.0] if with_zeros else [0.7, 3.0, 75.0, 240.0], size=400)
    u = rng.uniform(0.001, 0.999, size=400)
    got = poisson_from_uniform(u, means)
    np.testing.assert_array_equal(got, stats.poisson.ppf(u, means).astype(np.int64))
    np.testing.assert_array_equal(poisson_from_uniform(u.reshape(2, 200), means.reshape(2, 200)), got.reshape(2, 200))
