"""Worker processes that never outlive the command that started them.

A pool's workers are children of multiprocessing's forkserver, which exits when the main process does
(its pipe closes). :func:`die_with_parent`, run first in every worker, asks Linux to kill the worker
when its parent (the forkserver) dies, so ``kill -9`` of the command, or of the forkserver, leaves no
orphans holding memory. On other systems a thread watches the parent instead.

:func:`terminate_pool` ends a pool at once (Ctrl-C, SIGTERM): it cancels what has not started and stops
the workers, instead of waiting for running tasks as ``shutdown(wait=True)`` does.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

__all__ = ["die_with_parent", "terminate_pool"]

WORKER_PRELOAD = ("sim._forkserver_guard", "sim.engine")
"""What the fork server imports before it forks workers: the guard first, then the model."""

_PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Make this process end when its parent process ends (call it first in a worker)."""
    parent = os.getppid()
    if parent == 1:  # the parent is gone already: we were reparented to init
        os._exit(1)
    if sys.platform.startswith("linux") and _set_pdeathsig(signal.SIGKILL):
        if os.getppid() != parent:  # it died between getppid and prctl
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True, name="watch-parent").start()


def _set_pdeathsig(sig: int) -> bool:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def terminate_pool(pool: ProcessPoolExecutor, grace: float = 2.0) -> None:
    """Stop a process pool now: cancel pending work, SIGTERM the workers, SIGKILL any still alive after
    ``grace`` seconds, and reap them all."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for p in processes:
        try:
            p.terminate()
        except (OSError, ValueError, AttributeError):
            pass
    deadline = time.monotonic() + grace
    for p in processes:
        try:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.is_alive():
                p.kill()
                p.join(1.0)
        except (OSError, ValueError, AssertionError, AttributeError):
            pass
