"""Running one sweep task in a worker: validate the point's scenario, simulate, reduce to statistics.

A task's output is the sufficient statistics of its replications, all integers (a breakdown-day
histogram, counts and sums of integer counts and of their squares), so adding tasks up is exact and
order-free: the consolidated table is the same bit for bit whatever the task size, the number of
workers or the backend.
"""

from __future__ import annotations

import json
import os
import time
from typing import Any

import numpy as np

from ..engine import RunAccumulator, Task, run_task
from ..scenario.loader import show
from ..scenario.overrides import Key, apply
from ..scenario.schema import Scenario
from .tasks import SweepTask

COUNT_COLUMNS = RunAccumulator.MEAN_COLUMNS
"""Per-replication counts whose sums and sums of squares each task reports."""

_BASE: dict[str, Any] | None = None
_CACHE: dict[tuple[str, str], Scenario] = {}
_CACHE_SIZE = 16


def set_base(base: dict[str, Any]) -> None:
    """Give this process the base scenario's data (local worker initializer)."""
    global _BASE
    _BASE = base
    _CACHE.clear()


def scenario_for(base: dict[str, Any], base_hash: str, point: int,
                 overrides: tuple[tuple[Key, Any], ...]) -> Scenario:
    """The validated scenario of a design point (cached: a point's tasks often land on one worker).

    The cache is keyed by the values set, not the point's index: a worker may serve several sweeps.
    """
    key = (base_hash, json.dumps(overrides, sort_keys=True, default=str))
    scenario = _CACHE.get(key)
    if scenario is None:
        scenario = Scenario.model_validate(apply(base, overrides))
        problems = scenario.semantic_errors()
        if problems:  # a large design is checked at a sample of points before it starts; this is the rest
            raise ValueError("; ".join(f"{'.'.join(map(str, path))}: {show(value)}: {message}"
                                       for path, value, message in problems))
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = scenario
    return scenario


def execute(task: SweepTask, overrides: tuple[tuple[Key, Any], ...], horizon_days: int, base_hash: str,
            base: dict[str, Any] | None = None) -> dict[str, Any]:
    """Run one task and return its statistics (see :func:`statistics`); a pure function of its arguments.

    ``base`` is the base scenario's data; local workers receive it once at start-up instead.
    """
    started = time.perf_counter()
    data = base if base is not None else _BASE
    if data is None:
        raise RuntimeError("worker has no base scenario: call set_base() in its initializer")
    scenario = scenario_for(data, base_hash, task.point, overrides)
    output = run_task(scenario, task.seed, Task(task.start, task.stop), horizon_days, 0)
    record = statistics(output.columns, horizon_days)
    record.update(point=task.point, start=task.start, stop=task.stop, seed=task.seed,
                  seconds=time.perf_counter() - started, worker_pid=os.getpid())
    return record


def statistics(columns: dict[str, np.ndarray], horizon_days: int) -> dict[str, Any]:
    """Sufficient statistics of a range of replications, all exact integers.

    Parameters
    ----------
    columns : dict of ndarray, each shape (R,)
        Per-replication outcomes from :meth:`sim.model.model.CeasefireModel.run`.
    horizon_days : int
        H [days].

    Returns
    -------
    dict
        ``n``; ``breakdown_histogram`` (list of H + 1 ints: index 0 = held to the horizon, d = broke down
        on day d); ``agreements``; ``with_violation``; ``sum_<count>`` and ``sumsq_<count>`` for each count in
        :data:`COUNT_COLUMNS`.
    """
    day = np.asarray(columns["breakdown_day"], dtype=np.int64)
    hist = np.bincount(np.maximum(day, 0), minlength=horizon_days + 1)
    if hist.size != horizon_days + 1:
        raise ValueError(f"breakdown day beyond the horizon ({horizon_days}): {int(day.max())}")
    record: dict[str, Any] = {
        "n": int(day.size),
        "breakdown_histogram": [int(x) for x in hist],
        "agreements": int(np.count_nonzero(columns["agreement"])),
        "with_violation": int(np.count_nonzero(columns["violations"] > 0)),
    }
    for name in COUNT_COLUMNS:
        x = columns[name]
        if not np.issubdtype(x.dtype, np.integer):
            # Float sums would depend on how replications are grouped into tasks; refuse rather than drift.
            raise TypeError(f"count {name!r} is {x.dtype}, expected integers")
        x = x.astype(np.int64)
        record[f"sum_{name}"] = int(x.sum())
        record[f"sumsq_{name}"] = int((x * x).sum())
    return record
