"""Sweep tasks: (design point, block-aligned range of replications), the plan, and the dry run.

Planning imports neither the model nor the engine, so that ``ceasefire sweep --dry-run`` answers in
well under a second for any legal design; the code that runs a task is in :mod:`sim.sweep.worker`.
Every point uses the sweep's seed (common random numbers across points), and each task carries that
seed and its replication range explicitly.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from ..model.streams import BLOCK_SIZE
from .spec import Sweep

REPLICATION_DAYS_PER_TASK = 800_000
"""Default task size in replication-days: about a second of one core for the baseline scenario."""

NOMINAL_REPLICATION_DAYS_PER_SECOND = 1_000_000
"""Pace of one worker assumed by the dry run [replication-days/s]: the baseline's, measured by
``benchmarks/bench_speedup.py`` on the project's 2-core machine (README, "Benchmarks"). The dry run does not
simulate to measure it, so that it stays instant; scenarios with more violence run slower."""

TASK_OVERHEAD_SECONDS = 0.02
"""Per-task cost outside the simulation: validating the point, statistics, task file and ledger line."""


@dataclass(frozen=True)
class SweepTask:
    """Replications [start, stop) of design point ``point``, simulated with ``seed``."""

    point: int
    start: int
    stop: int
    seed: int

    @property
    def name(self) -> str:
        """Stable file stem, e.g. ``p000012_r0000000-0004000``."""
        return f"p{self.point:06d}_r{self.start:07d}-{self.stop:07d}"


def replications_per_task(sweep: Sweep) -> int:
    """Replications per task: the sweep file's choice, else about a second's work; whole blocks."""
    wanted = sweep.spec.replications_per_task
    if wanted is None:
        wanted = REPLICATION_DAYS_PER_TASK // max(sweep.horizon_days, 1)
    blocks = max(1, math.ceil(wanted / BLOCK_SIZE))
    return min(blocks * BLOCK_SIZE, math.ceil(sweep.spec.replications / BLOCK_SIZE) * BLOCK_SIZE)


def plan(sweep: Sweep, per_task: int) -> Iterator[SweepTask]:
    """Every task of the sweep, point by point, in replication order within a point."""
    n = sweep.spec.replications
    for point in range(sweep.n_points):
        for start in range(0, n, per_task):
            yield SweepTask(point, start, min(start + per_task, n), sweep.spec.seed)


def n_tasks(sweep: Sweep, per_task: int) -> int:
    return sweep.n_points * math.ceil(sweep.spec.replications / per_task)


@dataclass(frozen=True)
class DryRun:
    """What a sweep would do, with a rough duration."""

    n_points: int
    replications_per_point: int
    replications_per_task: int
    n_tasks: int
    replication_days: int
    rate_per_slot: float  # replication-days per second assumed for one worker
    slots: int
    seconds: float


def dry_run(sweep: Sweep, slots: int,
            rate_per_slot: float = NOMINAL_REPLICATION_DAYS_PER_SECOND) -> DryRun:
    """Count points and tasks and estimate the time on ``slots`` workers, without simulating.

    Parameters
    ----------
    sweep : Sweep
        A sweep loaded with ``build=False`` is enough: only the number of points is used.
    slots : int
        Workers that would run tasks at once.
    rate_per_slot : float
        Replication-days per second of one worker (default: :data:`NOMINAL_REPLICATION_DAYS_PER_SECOND`).

    Notes
    -----
    Each added worker is assumed to run at 90% of the first's pace (shared memory bandwidth), plus
    :data:`TASK_OVERHEAD_SECONDS` per task. Parameters that change the amount of violence change the pace
    too, so treat the figure as a guide.
    """
    per_task = replications_per_task(sweep)
    tasks = n_tasks(sweep, per_task)
    rep_days = sweep.n_points * sweep.spec.replications * sweep.horizon_days
    effective = 1.0 + 0.9 * (slots - 1)
    seconds = (rep_days / rate_per_slot + tasks * TASK_OVERHEAD_SECONDS) / effective
    return DryRun(sweep.n_points, sweep.spec.replications, per_task, tasks, rep_days, rate_per_slot, slots, seconds)
