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


PROGRESS_CHECKPOINTS = 20
"""Times per task that a run asked for progress reports how far its replications have got."""


def run_task(
    scenario: Scenario, seed: int, task: Task, horizon_days: int | None, trajectory_replications: int,
    on_days: Callable[[int], None] | None = None,
) -> BatchOutput:
    """Simulate one task's replications; a pure function of its arguments.

    ``on_days(k)`` is called at :data:`PROGRESS_CHECKPOINTS` points of the horizon, ``k`` being the days
    advanced since the previous call, so that long tasks can show progress. The model is then advanced
    by ``run_until`` in steps and read with ``output()``, which is what :meth:`CeasefireModel.run` does in
    one step, so the outcomes are identical (tests/test_cli_outside_terminal.py checks it).
    """
    model = CeasefireModel(
        scenario, seed=seed, replications=np.arange(task.start, task.stop), horizon_days=horizon_days,
        trajectory_replications=trajectory_replications,
    )
    if on_days is None:
        return model.run()
    horizon = model.horizon_days
    reached = 0
    for k in range(1, PROGRESS_CHECKPOINTS + 1):
        day = horizon * k // PROGRESS_CHECKPOINTS
        if day > reached:
            model.run_until(float(day))
            on_days(day - reached)
            reached = day
    return model.output()


_REPLICATION_DAYS: Any = None
"""In a worker of a run that shows progress: a shared counter of replication-days simulated."""


def _init_worker(replication_days: Any = None) -> None:
    global _REPLICATION_DAYS
    from .processes import die_with_parent

    _REPLICATION_DAYS = replication_days

    die_with_parent()  # no orphans after kill -9 of the command
    # The parent handles Ctrl-C (and stops the pool); a worker interrupted mid-task would only break it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # One process per core: keep numerical libraries from starting threads of their own.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = "1"
    # Everything imported so far lives for the whole process: exclude it from collections,
    # so that the collection after each task (see _run_task_in_worker) costs about a millisecond.
    gc.freeze()


def _count_days(task: Task) -> Callable[[int], None] | None:
    counter = _REPLICATION_DAYS
    if counter is None:
        return None
    n = task.stop - task.start

    def on_days(days: int) -> None:
        with counter.get_lock():
            counter.value += n * days

    return on_days


def _run_task_in_worker(*args: Any) -> BatchOutput:
    output = run_task(*args, on_days=_count_days(args[2]))
    # A Mesa model is a web of reference cycles (agents, events, model): free its arrays now
    # rather than whenever the cyclic collector next runs, or memory grows with the task count.
    gc.collect()
    return output


def _pool(workers: int, replication_days: Any = None) -> ProcessPoolExecutor:
    # forkserver: safe with threads in the parent (progress bars, Dask), and
    # preloading the model makes each worker start fast.
    context = mp.get_context("forkserver")
    context.set_forkserver_preload(list(WORKER_PRELOAD))
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(replication_days,))


PARTIAL_PROGRESS_SECONDS = 0.5
"""How often a run on worker processes reports the replication-days its running tasks have done."""


def iterate_tasks(
    scenario: Scenario,
    seed: int,
    tasks: list[Task],
    *,
    horizon_days: int | None = None,
    workers: int = 1,
    trajectory_replications: int = DEFAULT_TRAJECTORY_REPLICATIONS,
    on_replication_days: Callable[[int], None] | None = None,
) -> Iterator[tuple[Task, BatchOutput]]:
    """Yield (task, output) in task order, computing on ``workers`` processes (1 = in this process).

    ``on_replication_days(total)``, if given, is called during the run with the replication-days
    simulated so far over all tasks, finished or not (a measure of progress finer than tasks).
    """
    if workers < 1:
        raise ValueError(f"workers must be >= 1, got {workers}")
    args = (horizon_days, trajectory_replications)
    if workers == 1 or len(tasks) == 1:
        simulated = 0

        def counter(task: Task) -> Callable[[int], None] | None:
            if on_replication_days is None:
                return None

            def on_days(days: int) -> None:
                nonlocal simulated
                simulated += (task.stop - task.start) * days
                on_replication_days(simulated)

            return on_days

        for i, task in enumerate(tasks):
            yield task, run_task(scenario, seed, task, *args, on_days=counter(task))
            if i + 1 < len(tasks):
                gc.collect()  # free the finished model's cycles (see _run_task_in_worker)
        return
    from .processes import terminate_pool

    shared = mp.get_context("forkserver").Value("q", 0) if on_replication_days is not None else None
    pool = _pool(min(workers, len(tasks)), shared)
    try:
        # Keep a bounded number of tasks in flight so results stream in order with flat memory.
        in_flight = 2 * workers
        futures = [pool.submit(_run_task_in_worker, scenario, seed, t, *args) for t in tasks[:in_flight]]
        for i, task in enumerate(tasks):
            while True:
                try:
                    output = futures[i].result(timeout=PARTIAL_PROGRESS_SECONDS if shared is not None else None)
                    break
                except TimeoutError:
                    on_replication_days(shared.value)  # type: ignore[misc, union-attr]
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
        Called as progress(replications_done, n_replications) while the run advances: after each task,
        and within tasks as their days are simulated (``replications_done`` then counts replication-days
        over the horizon, so it can be ahead of the replications folded in). It never goes backwards.
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
    shown = 0

    def show(replications: int) -> None:
        # Never backwards (partial counts arrive from several workers), never beyond n.
        nonlocal shown
        if progress is not None and replications > shown:
            shown = min(replications, n_replications)
            progress(shown, n_replications)

    def partial(replication_days: int) -> None:
        show(replication_days // horizon)

    for task, output in iterate_tasks(scenario, int(seed), tasks, horizon_days=horizon, workers=workers,
                                      trajectory_replications=trajectory_replications,
                                      on_replication_days=partial if progress is not None else None):
        acc.add(output)
        if on_task is not None:
            on_task(task, output)
        done += task.stop - task.start
        show(done)
    return acc
