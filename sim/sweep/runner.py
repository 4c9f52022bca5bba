"""The sweep coordinator: plan tasks, skip finished ones, keep a bounded number in flight, store results.

The coordinator never holds replication results: each task's statistics record (a few kilobytes) is
written to its own file as soon as it arrives, and the consolidated table is built point by point from
those files. A task that fails is retried once; if it fails again it is reported with its design point
and seed, recorded in ``failures.jsonl``, and the table is not written until a resume completes it.
"""

from __future__ import annotations

import math
import re
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from .backends import Backend, make_backend
from .spec import Sweep
from .store import ResumeRefused, SweepStore, build_manifest
from .tasks import SweepTask, n_tasks, plan, replications_per_task

MAX_ATTEMPTS = 2
"""A task is tried at most this many times (one retry) before it is reported as failed."""


@dataclass
class TaskFailure:
    """A task that failed on every attempt."""

    task: SweepTask
    parameters: dict[str, Any]
    error: str

    def describe(self) -> str:
        values = ", ".join(f"{k}={v!r}" for k, v in self.parameters.items())
        return (f"design point {self.task.point} ({values}), seed {self.task.seed}, replications "
                f"{self.task.start}..{self.task.stop - 1}: {self.error}")


@dataclass
class SweepOutcome:
    """What a call to :func:`run_sweep` did."""

    status: str  # "complete", "interrupted" or "failed"
    out_dir: Path
    n_points: int
    n_tasks: int
    tasks_run: int
    tasks_skipped: int
    replications_run: int
    seconds: float
    backend: str
    slots: int
    horizon_days: int = 0
    failures: list[TaskFailure] = field(default_factory=list)
    results: Path | None = None
    corrupt_tasks: list[str] = field(default_factory=list)  # unsound task files set aside and run again

    @property
    def replication_days_per_second(self) -> float:
        """Replications run by this call x horizon / wall time of the call (start-up included)."""
        return self.replications_run * self.horizon_days / self.seconds if self.seconds > 0 else math.nan


Progress = Callable[[int, int, int, int], None]
"""``progress(points_done, points_total, replications_done, replications_total)``."""


INTERRUPT_GRACE_SECONDS = 5.0
"""After Ctrl-C or SIGTERM, how long running tasks may take to finish and be kept (tasks last about 1 s)."""


def prepare(sweep: Sweep, out_dir: str | PathLike[str], *, resume: bool, force_resume: bool = False
            ) -> tuple[SweepStore, dict[str, Any]]:
    """Open or create the results directory; on resume, check it holds this very sweep.

    Raises
    ------
    ResumeRefused
        If ``out_dir`` already holds a sweep and ``resume`` is false, holds something else, or holds a
        sweep with a different sweep file, base scenario or package versions.
    """
    store = SweepStore(out_dir)
    per_task = replications_per_task(sweep)
    manifest = build_manifest(sweep, per_task, n_tasks(sweep, per_task))
    if store.has_manifest():
        if not resume:
            raise ResumeRefused(f"{store.root} already holds a sweep; add --resume to continue it, or choose "
                                "another --out directory")
        old = store.check_resume(manifest, force=force_resume)
        return store, old
    if store.root.exists() and not _empty_or_unstarted(store):
        raise ResumeRefused(f"{store.root} exists and is not a sweep results directory; choose another "
                            "--out directory")
    store.create(sweep, manifest)
    return store, manifest


def _empty_or_unstarted(store: SweepStore) -> bool:
    # A crash before the manifest was written leaves at most the design table and an empty tasks folder.
    for entry in store.root.iterdir():
        if entry.name.startswith(".") or entry.name == "design.parquet":
            continue
        if entry == store.tasks_dir and entry.is_dir() and not any(entry.iterdir()):
            continue
        return False
    return True


def run_sweep(
    sweep: Sweep,
    out_dir: str | PathLike[str],
    *,
    workers: int = 1,
    scheduler: str | None = None,
    scheduler_file: str | None = None,
    resume: bool = False,
    force_resume: bool = False,
    progress: Progress | None = None,
    backend: Backend | None = None,
) -> SweepOutcome:
    """Run (or continue) a sweep into a results directory and consolidate its table.

    Parameters
    ----------
    sweep : Sweep
        From :func:`sim.sweep.load_sweep`.
    out_dir : path
        The results directory (see :mod:`sim.sweep.store`).
    workers : int
        Local worker processes (1 = this process); ignored with a Dask scheduler.
    scheduler, scheduler_file : str, optional
        A Dask scheduler's address (``tcp://host:8786``) or scheduler file: run the tasks there.
    resume : bool
        Continue a sweep already in ``out_dir``; finished tasks are not run again, unsound task files are
        set aside and run again.
    force_resume : bool
        Resume even though the code of ``sim/`` or package versions changed (see
        :meth:`SweepStore.check_resume`).
    progress : callable, optional
        Called after each finished task; see :data:`Progress`.
    backend : Backend, optional
        Use this backend instead of making one (it is not closed).

    Returns
    -------
    SweepOutcome
        ``status`` is "complete" (results.parquet written), "interrupted" (Ctrl-C; resume later) or
        "failed" (some tasks failed twice; see ``failures``).

    Raises
    ------
    ResumeRefused
        See :func:`prepare`.
    """
    started = time.perf_counter()
    owned = backend is None
    if backend is None:
        # Connect first: an unreachable cluster should not leave a half-started results directory behind.
        # One worker per task at most: a pool larger than the work only costs start-up and memory.
        workers = max(1, min(workers, n_tasks(sweep, replications_per_task(sweep))))
        backend = make_backend(sweep.base_data, workers=workers, scheduler=scheduler, scheduler_file=scheduler_file)
    try:
        return _run(sweep, out_dir, backend, resume, force_resume, progress, started)
    finally:
        if owned:
            backend.close()


def _run(sweep: Sweep, out_dir: str | PathLike[str], backend: Backend, resume: bool, force_resume: bool,
         progress: Progress | None,
         started: float) -> SweepOutcome:
    store, manifest = prepare(sweep, out_dir, resume=resume, force_resume=force_resume)
    per_task = int(manifest["replications_per_task"])
    total_tasks = n_tasks(sweep, per_task)
    store.clear_failures()
    finished = store.finished(_task_name_check(sweep, per_task))
    reps_total = sweep.n_points * sweep.spec.replications
    tasks_per_point = math.ceil(sweep.spec.replications / per_task)
    remaining = [tasks_per_point] * sweep.n_points
    reps_done = 0
    for name in finished:
        point = int(name[1:name.index("_")])
        if point < sweep.n_points:
            remaining[point] -= 1
    reps_done = sum(t.stop - t.start for t in plan(sweep, per_task) if t.name in finished)
    points_done = sum(1 for r in remaining if r == 0)
    todo: Iterator[SweepTask] = (t for t in plan(sweep, per_task) if t.name not in finished)
    outcome = SweepOutcome(status="complete", out_dir=store.root, n_points=sweep.n_points, n_tasks=total_tasks,
                           tasks_run=0, tasks_skipped=len(finished), replications_run=0, seconds=0.0,
                           backend="none", slots=0, horizon_days=sweep.horizon_days,
                           corrupt_tasks=list(store.quarantined))
    if progress is not None:
        progress(points_done, sweep.n_points, reps_done, reps_total)

    if len(finished) < total_tasks:
        outcome.backend, outcome.slots = backend.name, backend.slots
        attempts: dict[str, int] = {}
        in_flight: dict[Any, SweepTask] = {}
        limit = 2 * backend.slots  # enough to keep every worker busy while results are written

        def submit(task: SweepTask) -> None:
            in_flight[backend.submit(task, sweep.overrides(task.point), sweep.horizon_days, sweep.base_hash)] = task

        def settle(future: Any) -> None:
            nonlocal points_done, reps_done
            task = in_flight.pop(future)
            try:
                record = backend.result(future)
            except Exception as exc:  # any failure in the task; retried, then reported
                attempts[task.name] = attempts.get(task.name, 0) + 1
                if attempts[task.name] < MAX_ATTEMPTS:
                    submit(task)
                    return
                values = dict(zip((p.path for p in sweep.parameters), sweep.points[task.point], strict=True))
                failure = TaskFailure(task, values, f"{type(exc).__name__}: {exc}")
                outcome.failures.append(failure)
                store.record_failure({"task": task.name, "point": task.point, "seed": task.seed,
                                      "start": task.start, "stop": task.stop, "parameters": failure.parameters,
                                      "error": failure.error,
                                      "traceback": "".join(traceback.format_exception(exc))[-4000:]})
                return
            store.write_task(record)
            outcome.tasks_run += 1
            outcome.replications_run += task.stop - task.start
            reps_done += task.stop - task.start
            remaining[task.point] -= 1
            if remaining[task.point] == 0:
                points_done += 1
            if progress is not None:
                progress(points_done, sweep.n_points, reps_done, reps_total)

        try:
            exhausted = False
            while True:
                while not exhausted and len(in_flight) < limit:
                    task = next(todo, None)
                    if task is None:
                        exhausted = True
                        break
                    submit(task)
                if not in_flight:
                    break
                for future in backend.wait(list(in_flight), timeout=1.0):
                    settle(future)
        except KeyboardInterrupt:
            outcome.status = "interrupted"
            # Keep what is running: cancel what has not started, let the rest finish and store it.
            for future in list(in_flight):
                if backend.cancel(future):
                    in_flight.pop(future, None)
            deadline = time.monotonic() + INTERRUPT_GRACE_SECONDS
            while in_flight and time.monotonic() < deadline:
                for future in backend.wait(list(in_flight), timeout=1.0):
                    task = in_flight[future]
                    try:
                        record = backend.result(future)
                    except Exception:  # noqa: BLE001 - not stored; a resume runs it again
                        in_flight.pop(future)
                        continue
                    in_flight.pop(future)
                    store.write_task(record)
                    outcome.tasks_run += 1
                    outcome.replications_run += task.stop - task.start
            if in_flight and hasattr(backend, "terminate"):
                backend.terminate()  # tasks still running after the grace period are run again on resume

    outcome.seconds = time.perf_counter() - started
    if outcome.status == "interrupted":
        return outcome
    if outcome.failures:
        outcome.status = "failed"
        return outcome
    outcome.results = store.consolidate(sweep, _tasks_by_point(sweep, per_task))
    outcome.seconds = time.perf_counter() - started
    return outcome


def _task_name_check(sweep: Sweep, per_task: int) -> Callable[[str], bool]:
    """Whether a file stem names a task of this sweep (others in tasks/ are strays and ignored)."""
    n = sweep.spec.replications

    def is_task(name: str) -> bool:
        m = _TASK_NAME.fullmatch(name)
        if m is None:
            return False
        point, start, stop = (int(g) for g in m.groups())
        return point < sweep.n_points and start % per_task == 0 and start < n and stop == min(start + per_task, n)

    return is_task


_TASK_NAME = re.compile(r"p(\d{6,})_r(\d{7,})-(\d{7,})")


def _tasks_by_point(sweep: Sweep, per_task: int) -> Iterator[tuple[int, list[SweepTask]]]:
    point, tasks = 0, []
    for task in plan(sweep, per_task):
        if task.point != point:
            yield point, tasks
            point, tasks = task.point, []
        tasks.append(task)
    if tasks:
        yield point, tasks
