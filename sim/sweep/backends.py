"""Where sweep tasks run: this process, local worker processes, or a Dask distributed cluster.

Each backend takes tasks (:class:`~sim.sweep.tasks.SweepTask` plus the point's overrides) and returns
futures whose result is the task's statistics record. Tasks are pure functions of their arguments and
carry their seed, so every backend gives the same records; the coordinator writes them to disk.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing as mp
import os
import signal
import time
import uuid
from collections.abc import Iterable
from typing import Any, Protocol

from .tasks import SweepTask
from .worker import execute, set_base

THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                    "NUMEXPR_NUM_THREADS")


NO_WORKERS_TIMEOUT = 60.0
"""Seconds a Dask cluster may have no workers at all before the sweep stops (it can be resumed)."""


class SchedulerError(OSError):
    """A Dask scheduler that cannot be reached or used, or a cluster that lost every worker."""


class Backend(Protocol):
    """What the coordinator needs of a backend."""

    slots: int
    name: str

    def submit(self, task: SweepTask, overrides: tuple, horizon_days: int, base_hash: str) -> Any: ...

    def wait(self, futures: Iterable[Any], timeout: float | None) -> set[Any]: ...

    def result(self, future: Any) -> dict[str, Any]: ...

    def cancel(self, future: Any) -> bool: ...

    def close(self) -> None: ...


class InProcessBackend:
    """Runs each task in this process as it is submitted (one worker: no process start-up cost)."""

    name = "in-process"
    slots = 1

    def __init__(self, base: dict[str, Any]) -> None:
        set_base(base)

    def submit(self, task: SweepTask, overrides: tuple, horizon_days: int, base_hash: str) -> cf.Future:
        future: cf.Future = cf.Future()
        try:
            future.set_result(execute(task, overrides, horizon_days, base_hash))
        except Exception as exc:  # reported by the coordinator with the task's point and seed
            future.set_exception(exc)
        return future

    def wait(self, futures: Iterable[cf.Future], timeout: float | None) -> set[cf.Future]:
        return set(futures)

    def result(self, future: cf.Future) -> dict[str, Any]:
        return future.result()

    def cancel(self, future: cf.Future) -> bool:
        return future.cancel()

    def close(self) -> None:
        pass


def _init_worker(base: dict[str, Any]) -> None:
    from ..processes import die_with_parent

    die_with_parent()  # no orphans after kill -9 or SIGTERM of the coordinator
    # The coordinator handles Ctrl-C and lets running tasks finish; workers must not die of it first.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for var in THREAD_VARIABLES:
        os.environ[var] = "1"
    set_base(base)


class LocalBackend:
    """A pool of worker processes on this machine, one per core by default.

    Workers start from a forkserver (safe with the coordinator's threads) that has imported the model
    already. numpy's threads are pinned to one per worker: the thread variables are set before the
    forkserver starts, so its numerical libraries read them at import.
    """

    name = "local processes"

    def __init__(self, workers: int, base: dict[str, Any]) -> None:
        if workers < 1:
            raise ValueError(f"workers must be >= 1, got {workers}")
        self.slots = workers
        self._base = base
        for var in THREAD_VARIABLES:
            os.environ.setdefault(var, "1")
        self._context = mp.get_context("forkserver")
        self._context.set_forkserver_preload(["sim._forkserver_guard", "sim.sweep.worker"])
        self._pool = self._start()

    def _start(self) -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=self.slots, mp_context=self._context, initializer=_init_worker,
                                      initargs=(self._base,))

    def submit(self, task: SweepTask, overrides: tuple, horizon_days: int, base_hash: str) -> cf.Future:
        try:
            return self._pool.submit(execute, task, overrides, horizon_days, base_hash)
        except cf.process.BrokenProcessPool:
            # A worker died (killed, out of memory): its tasks fail and are retried on a fresh pool.
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._start()
            return self._pool.submit(execute, task, overrides, horizon_days, base_hash)

    def wait(self, futures: Iterable[cf.Future], timeout: float | None) -> set[cf.Future]:
        done, _ = cf.wait(list(futures), timeout=timeout, return_when=cf.FIRST_COMPLETED)
        return set(done)

    def result(self, future: cf.Future) -> dict[str, Any]:
        return future.result()

    def cancel(self, future: cf.Future) -> bool:
        return future.cancel()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def terminate(self) -> None:
        """Stop the workers now, abandoning running tasks (after an interrupt's grace period)."""
        from ..processes import terminate_pool

        terminate_pool(self._pool)


class DaskBackend:
    """Tasks on a Dask distributed cluster (``dask scheduler`` + ``dask worker``, or dask-jobqueue).

    The base scenario is scattered to every worker once. Each task is submitted with ``pure=False`` and a
    unique key: identical calls must not be merged, and a retried task must not reuse a failed result.
    Workers must be able to import ``sim`` (the same package version: the manifest records the
    coordinator's).
    """

    name = "dask"

    def __init__(self, base: dict[str, Any], address: str | None = None, scheduler_file: str | None = None) -> None:
        from distributed import Client

        where = scheduler_file or address
        try:
            if scheduler_file is not None:
                self.client = Client(scheduler_file=scheduler_file, timeout="10s")
            else:
                self.client = Client(address, timeout="10s")
        except Exception as exc:  # noqa: BLE001 - unreachable, bad address, a malformed file (distributed
            # raises OSError, ValueError, KeyError, even AssertionError for these): the user's to fix
            detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            raise SchedulerError(f"cannot use the Dask scheduler {where}: {detail}") from None
        self._no_workers_since: float | None = None
        self.address = self.client.scheduler.address
        threads = self.client.nthreads()
        if not threads:
            self.client.wait_for_workers(1, timeout=60)
            threads = self.client.nthreads()
        self.slots = max(1, sum(threads.values()))
        self._base = self.client.scatter(base, broadcast=True, hash=False)
        self._run = uuid.uuid4().hex[:8]

    def submit(self, task: SweepTask, overrides: tuple, horizon_days: int, base_hash: str) -> Any:
        key = f"ceasefire-sweep-{self._run}-{task.name}-{uuid.uuid4().hex[:6]}"
        return self.client.submit(execute, task, overrides, horizon_days, base_hash, self._base,
                                  pure=False, key=key, retries=0)

    def wait(self, futures: Iterable[Any], timeout: float | None) -> set[Any]:
        from distributed import wait

        try:
            done, _ = wait(list(futures), timeout=timeout, return_when="FIRST_COMPLETED")
        except TimeoutError:
            done = set()
        if not done:
            self._check_workers()
        return set(done)

    def _check_workers(self) -> None:
        # With every worker gone the scheduler keeps the tasks waiting for ever; give up after a while.
        try:
            alive = bool(self.client.nthreads())
        except Exception as exc:  # noqa: BLE001 - the scheduler itself is gone
            raise SchedulerError(f"lost the Dask scheduler {self.address}: {exc}") from None
        now = time.monotonic()
        if alive:
            self._no_workers_since = None
        elif self._no_workers_since is None:
            self._no_workers_since = now
        elif now - self._no_workers_since > NO_WORKERS_TIMEOUT:
            raise SchedulerError(f"the Dask cluster at {self.address} has had no workers for "
                                 f"{NO_WORKERS_TIMEOUT:.0f} s; start workers and resume with --resume")

    def result(self, future: Any) -> dict[str, Any]:
        try:
            return future.result()
        finally:
            future.release()

    def cancel(self, future: Any) -> bool:
        future.cancel()
        return True

    def close(self) -> None:
        self.client.close()


def make_backend(base: dict[str, Any], *, workers: int, scheduler: str | None = None,
                 scheduler_file: str | None = None) -> Backend:
    """The backend the options ask for: Dask if given a scheduler, else local processes (or in-process for 1)."""
    if scheduler is not None or scheduler_file is not None:
        return DaskBackend(base, address=scheduler, scheduler_file=scheduler_file)
    if workers == 1:
        return InProcessBackend(base)
    return LocalBackend(workers, base)
