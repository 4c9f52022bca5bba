"""Some of the replications: the state and parameters restricted to a set of columns, and written back.

Every per-replication array carries the replication axis last (length R), so a
rule can run on a subset of replications by slicing that axis, provided no other
axis of length R could be mistaken for it (:func:`columns_are_unambiguous`).
The talk phase uses this on days when only a few replications hold a round: the
same rule on the same numbers, at a cost proportional to the rounds held.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from .trust import TrustLedger


def columns_are_unambiguous(n: int, topology: Any, parameters: Any) -> bool:
    """True if no actor, issue or calendar axis has length ``n``, so the last axis of length n is replications."""
    other = {len(topology.actor_ids), len(topology.party_ids), len(topology.group_ids), len(topology.mediator_ids),
             len(topology.issue_ids), parameters.schedule.days.shape[0], 1}
    return n not in other


def at_columns(x: Any, cols: np.ndarray | None) -> Any:
    """``x[..., cols]`` for an array over replications; scalars and one-column arrays (A, 1) as they are."""
    if cols is None or np.ndim(x) == 0 or np.shape(x)[-1] == 1:
        return x
    return x[..., cols]


def take_columns(obj: Any, cols: np.ndarray, n: int) -> Any:
    """A copy of ``obj`` (dataclasses, dicts, lists, trust ledgers, arrays) with every array over n replications
    restricted to ``cols``; everything else shared."""
    if isinstance(obj, np.ndarray):
        return obj[..., cols] if obj.ndim and obj.shape[-1] == n else obj
    if isinstance(obj, TrustLedger):
        return obj.take(cols)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(obj, **{f.name: take_columns(getattr(obj, f.name), cols, n)
                                           for f in dataclasses.fields(obj) if f.init})
    if isinstance(obj, dict):
        return {k: take_columns(v, cols, n) for k, v in obj.items()}
    if isinstance(obj, list):
        return [take_columns(v, cols, n) for v in obj]
    return obj


def put_columns(full: Any, sub: Any, cols: np.ndarray, n: int) -> None:
    """Write the state ``sub`` (from :func:`take_columns`) back into columns ``cols`` of ``full``, in place."""
    for f in dataclasses.fields(full):
        whole, part = getattr(full, f.name), getattr(sub, f.name)
        if isinstance(whole, np.ndarray) and whole.ndim and whole.shape[-1] == n:
            if not whole.flags.writeable:
                whole = whole.copy()
                setattr(full, f.name, whole)
            whole[..., cols] = part
        elif isinstance(whole, TrustLedger):
            whole.put(cols, part)
        elif dataclasses.is_dataclass(whole):
            put_columns(whole, part, cols, n)


class ColumnUniforms:
    """Today's uniforms of some replications: the same numbers as the full streams, at ``cols``."""

    def __init__(self, uniforms: Any, cols: np.ndarray) -> None:
        self.uniforms = uniforms
        self.cols = cols

    def rows(self, rule: str, actor_ids: list[str]) -> np.ndarray:
        return self.uniforms.rows(rule, actor_ids)[..., self.cols]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.uniforms[name][self.cols]
