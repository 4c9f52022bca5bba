"""Adding values into rows picked by (possibly repeated) indices, fast.

``numpy.add.at`` handles repeated indices but is slow for row-shaped values;
plain fancy indexing is fast but keeps only the last of repeated rows. These
helpers use fancy indexing when the rows are distinct and fall back to adding
row by row, in order, when they are not, so that the result is the same as
``numpy.add.at`` to the last bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np


_DISTINCT: dict[tuple[bytes, ...], bool] = {}
"""Whether an index (by its bytes) picks distinct rows: the model uses a handful of index arrays, over and over."""


def _distinct(index: tuple[np.ndarray, ...]) -> bool:
    if index[0].size < 2:
        return True
    key = tuple(i.astype(np.int64, copy=False).tobytes() for i in index)
    known = _DISTINCT.get(key)
    if known is None:
        rows = set(zip(*(i.tolist() for i in index)))
        known = _DISTINCT[key] = len(rows) == index[0].size
        if len(_DISTINCT) > 4096:  # bounded, whatever the caller does
            _DISTINCT.clear()
    return known


def add_at(target: np.ndarray, index: Any, values: np.ndarray) -> None:
    """``target[index] += values`` with repeated indices adding up, in order; in place.

    Parameters
    ----------
    target : ndarray, shape (N, ..., R)
    index : ndarray of int, shape (k,), or a tuple of such arrays for the leading axes
    values : ndarray, broadcastable to (k, R)
    """
    # A scalar beside an array of indices stands for that index repeated: give every axis the same length.
    index = tuple(np.atleast_1d(i) for i in np.broadcast_arrays(*(index if isinstance(index, tuple) else (index,))))
    if _distinct(index):
        target[index] += values
        return
    values = np.broadcast_to(values, (index[0].size,) + target.shape[len(index):])
    for k in range(index[0].size):
        target[tuple(int(i[k]) for i in index)] += values[k]


def or_at(target: np.ndarray, index: np.ndarray, values: np.ndarray) -> None:
    """``target[index] |= values`` with repeated indices combining; in place."""
    index = np.asarray(index)
    if _distinct((index,)):
        target[index] |= values
        return
    for k in range(index.size):
        target[int(index[k])] |= values[k]
