"""Inversion draws (sim.model.draws): corners of the Poisson inversion that the rules' tests do not reach."""

from __future__ import annotations

import numpy as np
from scipy import stats

from sim.model.draws import poisson_from_uniform


def test_poisson_mixes_small_and_large_means_in_one_call():
    u = np.array([0.9, 0.5, 0.7, 0.3, 0.0])
    mean = np.array([0.5, 100.0, 1.0, 0.0, 80.0])
    got = poisson_from_uniform(u, mean)
    expected = np.maximum(0, stats.poisson.ppf(u, mean)).astype(np.int64)
    np.testing.assert_array_equal(got, expected)
    assert got[4] == 0 and got[0] == 1 and got.dtype == np.int64
