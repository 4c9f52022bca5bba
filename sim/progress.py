"""Progress of long commands (run, compare, sweep) on stderr, for the command line only.

On a terminal, a rich progress bar that appears once a command has lasted a second. Anywhere else (a log
file, a pipe, a CI job, a notebook cell running the command) a bar would be redrawn into the log as
thousands of lines, or not at all; instead, one plain line every :data:`DEFAULT_INTERVAL_SECONDS`::

    Running pakistan_afghanistan_2025.yaml: 40,000/100,000 replications (40%), 9,870 replications/s, \
elapsed 0:00:04, about 0:00:06 left

Environment
-----------
CEASEFIRE_PROGRESS
    ``bar`` or ``1``: the bar even when stderr is not a terminal; ``lines``: the plain lines even on a
    terminal; ``0`` or ``off``: nothing.
CEASEFIRE_PROGRESS_INTERVAL
    Seconds between plain lines (default 10; any positive number).
"""

from __future__ import annotations

import math
import os
import threading
import time
from typing import Any

DEFAULT_INTERVAL_SECONDS = 10.0
"""Seconds between progress lines when stderr is not a terminal: often enough to show a job is alive, rare
enough that an hour's log holds a few hundred lines."""

BAR_DELAY_SECONDS = 1.0
"""A bar appears only once a command has lasted this long, so quick runs print nothing."""


def progress_mode(is_terminal: bool) -> str:
    """``"bar"``, ``"lines"`` or ``"off"``: CEASEFIRE_PROGRESS if set, else by whether stderr is a terminal."""
    wanted = os.environ.get("CEASEFIRE_PROGRESS", "").strip().lower()
    if wanted in ("1", "bar"):
        return "bar"
    if wanted == "lines":
        return "lines"
    if wanted in ("0", "off", "no", "none"):
        return "off"
    return "bar" if is_terminal else "lines"


def interval_seconds() -> float:
    """CEASEFIRE_PROGRESS_INTERVAL if it is a positive number, else :data:`DEFAULT_INTERVAL_SECONDS`."""
    try:
        value = float(os.environ.get("CEASEFIRE_PROGRESS_INTERVAL", ""))
    except ValueError:
        return DEFAULT_INTERVAL_SECONDS
    return value if math.isfinite(value) and value > 0 else DEFAULT_INTERVAL_SECONDS


def clock(seconds: float) -> str:
    """H:MM:SS of a duration [s]."""
    s = max(0, round(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    """Reports ``done`` of ``total`` units of work on the console ``console`` (stderr).

    Call :meth:`update` (or the object itself, ``progress(done, total)``, the library's callback form)
    whenever work finishes, and :meth:`close` at the end, also on errors. The rate counts only work done
    while this object watched, so a resumed sweep's earlier tasks do not inflate it.

    Parameters
    ----------
    description : str
        What is running, e.g. ``Running baseline.yaml``.
    console : rich.console.Console
        Where to report (the command's stderr console).
    unit : str
        Plural name of the unit counted.
    total : int, optional
        The work to do, when known before the first update.
    """

    def __init__(self, description: str, console: Any, unit: str = "replications", total: int | None = None,
                 enabled: bool = True) -> None:
        self.description = description
        self.console = console
        self.unit = unit
        self.mode = progress_mode(console.is_terminal) if enabled else "off"
        self.interval = interval_seconds()
        self.started = time.monotonic()
        self.done = 0
        self.total = total
        self.note = ""
        self._baseline: tuple[float, int] | None = None  # (time, done) at the first update
        self._lock = threading.Lock()
        self._bar: Any = None
        self._bar_task: Any = None
        self._stop = threading.Event()
        self._lines_printed = 0
        self._thread: threading.Thread | None = None
        if self.mode == "lines":
            # A thread, so that lines keep their pace while a long task runs (updates come per task).
            self._thread = threading.Thread(target=self._tick, name="ceasefire-progress", daemon=True)
            self._thread.start()

    # ------------------------------------------------------------------ input

    def __call__(self, done: int, total: int) -> None:
        self.update(done, total)

    def update(self, done: int, total: int, note: str = "") -> None:
        """Work ``done`` of ``total`` so far; ``note`` is shown after the count (e.g. points done)."""
        now = time.monotonic()
        with self._lock:
            if self._baseline is None:
                self._baseline = (now, done)
            self.done, self.total, self.note = done, total, note
        if self.mode == "bar":
            self._draw_bar(now)

    def close(self) -> None:
        """Stop the bar or the line thread; a last line says how it ended if any line was printed."""
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
        if self._thread is not None:
            self._stop.set()
            self._thread.join(timeout=5)
            self._thread = None
            if self._lines_printed:
                self._print_line(final=True)

    # ------------------------------------------------------------------ numbers

    def rate(self, now: float | None = None) -> float | None:
        """Units per second since the first update, or None before any work was seen."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self._baseline is None:
                return None
            t0, d0 = self._baseline
            done = self.done
        if done <= d0 or now <= t0:
            return None
        return (done - d0) / (now - t0)

    def line(self, now: float | None = None, final: bool = False) -> str:
        """One progress line (see the module docstring)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            done, total, note = self.done, self.total, self.note
        rate = self.rate(now)
        parts = [f"{self.description}: "]
        if total:
            parts.append(f"{done:,}/{total:,} {self.unit} ({100.0 * done / total:.0f}%)")
        else:
            parts.append(f"{done:,} {self.unit}")
        if note:
            parts.append(f", {note}")
        if rate is not None:
            parts.append(f", {rate:,.0f} {self.unit}/s")
        parts.append(f", elapsed {clock(now - self.started)}")
        if final:
            parts.append(", stopped" if not total or done < total else ", done")
        elif total and rate:
            parts.append(f", about {clock((total - done) / rate)} left")
        elif not done:
            parts.append(", starting")
        return "".join(parts)

    # ------------------------------------------------------------------ output

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._print_line()

    def _print_line(self, final: bool = False) -> None:
        self.console.print(self.line(final=final), markup=False, highlight=False, soft_wrap=True)
        self._lines_printed += 1

    def _draw_bar(self, now: float) -> None:
        from rich.progress import (
            BarColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress

        if self._bar is None:
            if now - self.started < BAR_DELAY_SECONDS and (self.total is None or self.done < self.total):
                return
            self._bar = RichProgress(
                TextColumn("{task.description}"), BarColumn(),
                TextColumn("{task.completed:,}/{task.total:,} " + self.unit + "{task.fields[note]}"),
                TimeElapsedColumn(), TimeRemainingColumn(), console=self.console, transient=True)
            self._bar.start()
            # Starting from what is done already, so that a resumed sweep's earlier tasks do not count as speed.
            self._bar_task = self._bar.add_task(self.description, total=self.total, completed=self.done, note="")
        self._bar.update(self._bar_task, completed=self.done, total=self.total,
                         note=f", {self.note}" if self.note else "")
