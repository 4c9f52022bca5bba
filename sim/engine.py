"""Running many replications: tasks of whole random-stream blocks, in-process or on worker processes.

A run of n replications with seed s is split into tasks, each a contiguous
range of replications made of whole blocks of :data:`~sim.model.streams.BLOCK_SIZE`
(the last may be partial). Every task builds one :class:`~sim.model.model.CeasefireModel`
over its range; because random streams belong to blocks, not to tasks, the
results are identical whatever the task size or the number of worker processes.
Task outputs are folded, in replication order, into a :class:`RunAccumulator`
whose memory does not grow with n unless per-replication rows are kept.
"""

from __future__ import annotations

import gc
import math
import multiprocessing as mp
import os
import signal
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model.model import BatchOutput, CeasefireModel
from .model.streams import BLOCK_SIZE
from .processes import WORKER_PRELOAD
from .scenario.schema import Scenario

DEFAULT_TRAJECTORY_REPLICATIONS = 1000
"""Daily trajectories are kept for replications 0..999 only, so output size does not grow with n."""

DEFAULT_REPLICATIONS_PER_TASK = 10 * BLOCK_SIZE

MAX_REPLICATIONS = 100_000_000
"""Most replications of one run: memory stays flat, but time does not (about 90 minutes on 2 cores)."""


@dataclass(frozen=True)
class Task:
    """Replications [start, stop) of one run, to be advanced by one model instance."""

    start: int
    stop: int


def plan_tasks(n_replications: int, replications_per_task: int = DEFAULT_REPLICATIONS_PER_TASK) -> list[Task]:
    """Split 0..n-1 into tasks of whole blocks (``replications_per_task`` rounded up to a block multiple)."""
    if n_replications < 1:
        raise ValueError(f"n_replications must be >= 1, got {n_replications}")
    if replications_per_task < 1:
        raise ValueError(f"replications_per_task must be >= 1, got {replications_per_task}")
    size = math.ceil(replications_per_task / BLOCK_SIZE) * BLOCK_SIZE
    return [Task(a, min(a + size, n_replications)) for a in range(0, n_replications, size)]


def run_task(
    scenario: Scenario, seed: int, task: Task, horizon_days: int | None, trajectory_replications: int
) -> BatchOutput:
    """Simulate one task's replications; a pure function of its arguments."""
    model = CeasefireModel(
        scenario, seed=seed, replications=np.arange(task.start, task.stop), horizon_days=horizon_days,
        trajectory_replications=trajectory_replications,
    )
    return model.run()


def _init_worker() -> None:
    from .processes import die_with_parent

    die_with_parent()  # no orphans after kill -9 of the command
    # The parent handles Ctrl-C (and stops the pool); a worker interrupted mid-task would only break it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One process per core: keep numerical libraries from starting threads of their own.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    # Everything imported so far lives for the whole process: exclude it from collections,
    # so that the collection after each task (see _run_task_in_worker) costs about a millisecond.
    gc.freeze()


def _run_task_in_worker(*args: Any) -> BatchOutput:
    output = run_task(*args)
    # A Mesa model is a web of reference cycles (agents, events, model): free its arrays now
    # rather than whenever the cyclic collector next runs, or memory grows with the task count.
    gc.collect()
    return output


def _pool(workers: int) -> ProcessPoolExecutor:
    # forkserver: safe with threads in the parent (progress bars, Dask), and
    # preloading the model makes each worker start fast.
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_PRELOAD))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)


def iterate_tasks(
    scenario: Scenario,
    seed: int,
    tasks: list[Task],
    *,
    horizon_days: int | None = None,
    workers: int = 1,
    trajectory_replications: int = DEFAULT_TRAJECTORY_REPLICATIONS,
) -> Iterator[tuple[Task, BatchOutput]]:
    """Yield (task, output) in task order, computing on ``workers`` processes (1 = in this process)."""
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    args = (horizon_days, trajectory_replications)
    if workers == 1 or len(tasks) == 1:
        for i, task in enumerate(tasks):
            yield task, run_task(scenario, seed, task, *args)
            if i + 1 < len(tasks):
                gc.collect()  # free the finished model's cycles (see _run_task_in_worker)
        return
    from .processes import terminate_pool

    pool = _pool(min(workers, len(tasks)))
    try:
        # Keep a bounded number of tasks in flight so results stream in order with flat memory.
        in_flight = 2 * workers
        futures = [pool.submit(_run_task_in_worker, scenario, seed, t, *args) for t in tasks[:in_flight]]
        for i, task in enumerate(tasks):
            output = futures[i].result()
            futures[i] = None  # release the finished output
            nxt = i + in_flight
            if nxt < len(tasks):
                futures.append(pool.submit(_run_task_in_worker, scenario, seed, tasks[nxt], *args))
            yield task, output
    except BaseException:
        # Ctrl-C, SIGTERM, a failed task or a consumer that stopped early: stop the workers now rather
        # than wait for the tasks in flight (shutdown(wait=True) could wait on a broken pool for ever).
        terminate_pool(pool)
        raise
    pool.shutdown(wait=True)


@dataclass
class RunAccumulator:
    """Sufficient statistics of a run, folded task by task in replication order.

    Attributes
    ----------
    breakdown_histogram : ndarray of int64, shape (H + 2,)
        Replications broken down on each day 1..H (index d); index 0 counts replications that held.
    cause_counts : dict[int, int]
        Breakdowns by cause-chain code.
    sums, sums_sq : dict[str, float]
        Sums and sums of squares of each per-replication count, for means with intervals.
    """

    horizon_days: int
    n: int = 0
    breakdown_histogram: np.ndarray = field(init=False)
    cause_counts: dict[int, int] = field(default_factory=dict)
    agreements: int = 0
    with_violation: int = 0
    decrees: int = 0
    sums: dict[str, float] = field(default_factory=dict)
    sums_sq: dict[str, float] = field(default_factory=dict)
    status_counts: np.ndarray = field(init=False)
    daily_totals: dict[str, np.ndarray] = field(default_factory=dict)
    talk_outcomes: dict[int, dict[str, int]] = field(default_factory=dict)
    trajectory_parts: list[np.ndarray] = field(default_factory=list)
    trajectory_replications: list[np.ndarray] = field(default_factory=list)
    trajectory_series: list[str] = field(default_factory=list)
    timeline: list[dict[str, Any]] | None = None
    columns: dict[str, list[np.ndarray]] | None = None

    MEAN_COLUMNS = ("attacks", "strikes", "retaliations", "violations", "casualties", "civilian_casualties",
                    "walkouts", "talk_rounds")

    def __post_init__(self) -> None:
        self.breakdown_histogram = np.zeros(self.horizon_days + 2, dtype=np.int64)
        self.status_counts = np.zeros((self.horizon_days + 1, 3), dtype=np.int64)

    def keep_columns(self) -> None:
        """Keep every per-replication row (memory grows with n)."""
        self.columns = {}

    def add(self, out: BatchOutput) -> None:
        """Fold one task's output in; tasks must arrive in replication order."""
        c = out.columns
        day = c["breakdown_day"]
        self.n += day.size
        self.breakdown_histogram += np.bincount(np.maximum(day, 0), minlength=self.horizon_days + 2)
        codes, counts = np.unique(c["cause_code"][day > 0], return_counts=True)
        for code, count in zip(codes.tolist(), counts.tolist()):
            self.cause_counts[code] = self.cause_counts.get(code, 0) + count
        self.agreements += int(c["agreement"].sum())
        self.with_violation += int((c["violations"] > 0).sum())
        self.decrees += int(sum((v >= 0).sum() for k, v in c.items() if k.startswith("decree_day.")))
        for name in self.MEAN_COLUMNS:
            x = c[name].astype(np.float64)
            self.sums[name] = self.sums.get(name, 0.0) + float(x.sum())
            self.sums_sq[name] = self.sums_sq.get(name, 0.0) + float((x * x).sum())
        self.status_counts += out.status_counts
        for name, series in out.daily_totals.items():
            self.daily_totals[name] = self.daily_totals.get(name, 0.0) + series
        for d, outcome in out.talk_outcomes.items():
            acc = self.talk_outcomes.setdefault(d, dict.fromkeys(outcome, 0))
            for k, v in outcome.items():
                acc[k] += v
        traj = out.trajectories
        if traj["values"] is not None:
            self.trajectory_parts.append(traj["values"])
            self.trajectory_replications.append(traj["replications"])
            self.trajectory_series = list(traj["series"])
        if out.timeline is not None:
            self.timeline = out.timeline
        if self.columns is not None:
            self.columns.setdefault("replication", []).append(out.replications)
            for k, v in c.items():
                self.columns.setdefault(k, []).append(v)


def simulate(
    scenario: Scenario,
    *,
    n_replications: int,
    seed: int,
    horizon_days: int | None = None,
    workers: int = 1,
    replications_per_task: int = DEFAULT_REPLICATIONS_PER_TASK,
    trajectory_replications: int = DEFAULT_TRAJECTORY_REPLICATIONS,
    keep_replications: bool = True,
    on_task: Callable[[Task, BatchOutput], None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RunAccumulator:
    """Run ``n_replications`` of ``scenario`` and fold the outputs.

    Parameters
    ----------
    replications_per_task : int
        Task size (rounded up to whole blocks). It never changes the results.
    on_task : callable, optional
        Called with each (task, output) in replication order, e.g. to stream rows to disk.
    progress : callable, optional
        Called as progress(replications_done, n_replications) after each task.
    """
    if not 1 <= n_replications <= MAX_REPLICATIONS:
        raise ValueError(f"n_replications must be in [1, {MAX_REPLICATIONS:,}], got {n_replications:,}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    horizon = horizon_days if horizon_days is not None else scenario.horizon_days
    if not 1 <= horizon <= 3650:
        raise ValueError(f"horizon_days must be in [1, 3650], got {horizon}")
    acc = RunAccumulator(horizon_days=horizon)
    if keep_replications:
        acc.keep_columns()
    tasks = plan_tasks(n_replications, replications_per_task)
    done = 0
    for task, output in iterate_tasks(scenario, int(seed), tasks, horizon_days=horizon, workers=workers,
                                      trajectory_replications=trajectory_replications):
        acc.add(output)
        if on_task is not None:
            on_task(task, output)
        done += task.stop - task.start
        if progress is not None:
            progress(done, n_replications)
    return acc
