"""sim.model.scatter: the same results as numpy.add.at and numpy.logical_or.at, fast path or not."""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import scatter
from sim.model.scatter import add_at, or_at


@pytest.fixture(autouse=True)
def no_remembered_indices():
    """Each test decides afresh whether its index rows are distinct (the module remembers answers)."""
    scatter._DISTINCT.clear()
    yield
    scatter._DISTINCT.clear()


def test_distinct_rows_are_told_apart_from_repeated_ones_and_remembered():
    assert scatter._distinct((np.array([0, 1, 2]), np.array([1, 1, 1])))
    assert not scatter._distinct((np.array([0, 1, 0]), np.array([1, 2, 1])))
    assert not scatter._distinct((np.array([4, 4]),))
    assert scatter._distinct((np.array([7]),))
    assert len(scatter._DISTINCT) == 3  # a single row needs no check and is not stored


@pytest.mark.parametrize("index", [
    (np.array([0, 1]), np.array([1, 2])),          # distinct pairs: fancy indexing
    (np.array([0, 0, 1]), np.array([1, 1, 2])),    # a repeated pair: row by row
    (0, np.array([1, 1, 2])),                      # a scalar beside an array, repeated
    (np.array([1]), np.array([0])),                # a single pair
])
def test_add_at_equals_numpy_add_at(index):
    rng = np.random.default_rng(3)
    k = np.broadcast_arrays(*[np.atleast_1d(i) for i in index])[0].size
    values = rng.uniform(size=(k, 5))
    start = rng.uniform(size=(2, 3, 5))
    got, expected = start.copy(), start.copy()
    add_at(got, index, values)
    np.add.at(expected, index, values)
    np.testing.assert_array_equal(got, expected)


def test_add_at_repeated_rows_of_one_axis_add_in_order():
    got = np.zeros((3, 4))
    add_at(got, np.array([2, 0, 2]), np.array([[1.0], [2.0], [3.0]]))
    np.testing.assert_array_equal(got[:, 0], [2.0, 0.0, 4.0])


@pytest.mark.parametrize("index", [np.array([0, 2]), np.array([1, 1]), np.array([2, 0, 2])])
def test_or_at_equals_numpy_logical_or_at_and_keeps_what_was_true(index):
    start = np.array([[True, False, False], [False, True, False], [False, False, True]])
    values = np.zeros((index.size, 3), dtype=bool)
    values[0, 1] = True
    got, expected = start.copy(), start.copy()
    or_at(got, index, values)
    np.logical_or.at(expected, index, values)
    np.testing.assert_array_equal(got, expected)
