"""Imported only by multiprocessing's forkserver (as a preload): the forkserver dies with the command.

Workers hold the forkserver's "alive" pipe and the pool's queues open themselves, so after ``kill -9``
of the command neither the forkserver nor the workers ever see end-of-file: they would live on as
orphans. Dying with the parent breaks the cycle: the command dies, the kernel kills the forkserver,
and each worker, whose parent is the forkserver, follows (see :func:`sim.processes.die_with_parent`).
Never import this module anywhere else: it would tie that process's life to its parent's.
"""

from __future__ import annotations

from .processes import die_with_parent

die_with_parent()
