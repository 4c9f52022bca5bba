"""The command line's one error boundary: every failure becomes one clean line and an exit status.

Exit statuses: 0 success; 2 anything the user can fix (bad input, bad options, a refused output
folder, a full disk, an unreachable cluster); 130 after SIGINT (Ctrl-C) and 143 after SIGTERM (what
``timeout`` and SLURM send); 1 only for a bug, with a line asking for a report. No traceback is printed
unless ``CEASEFIRE_DEBUG=1``.

Text that reaches the terminal is cleaned of control and bidirectional-override characters first
(:func:`clean`), so a scenario named with escape sequences cannot move the cursor, recolour the
terminal or reorder what is shown.

Signals: SIGTERM is turned into the same ``KeyboardInterrupt`` as Ctrl-C, so one clean-up path serves
both; the signal that arrived decides the exit status. A second signal while cleaning up ends the
process at once (worker processes follow, see :mod:`sim.processes`).
"""

from __future__ import annotations

import errno
import os
import re
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["EXIT_BAD_INPUT", "EXIT_BUG", "clean", "interrupt_note", "main", "received_signal", "run", "run_cli"]

EXIT_BUG = 1
EXIT_BAD_INPUT = 2

# C0 controls except tab and newline, DEL, C1 controls, and the Unicode format characters that reorder
# or hide text (bidi embeddings, overrides and isolates, marks, zero-width joiners, BOM).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")


def clean(text: Any) -> str:
    """``text`` as a string fit for a terminal: unsafe characters removed, undecodable bytes shown as ``?``.

    File names that are not valid UTF-8 arrive as lone surrogates (PEP 383); they would make printing
    itself fail, so they are replaced.
    """
    s = text if isinstance(text, str) else str(text)
    s = _UNSAFE.sub("", s)
    return s.encode("utf-8", "replace").decode("utf-8") if _has_surrogates(s) else s


def _has_surrogates(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# ------------------------------------------------------------------------------------------ signals

_received: int | None = None
_note: str | None = None
_accounted = False


def received_signal() -> int | None:
    """The signal (SIGINT or SIGTERM) that interrupted this command, if any."""
    return _received


def interrupt_note(note: str | None) -> None:
    """Say what is kept and how to continue, should the command be interrupted from now on.

    The boundary prints it after ``interrupted``; commands that print their own account (a sweep) set
    None and exit with :func:`exit_status_for_interrupt`.
    """
    global _note
    _note = note


def interrupt_accounted() -> None:
    """The command has printed what it kept and how to continue; the boundary adds nothing."""
    global _accounted
    _accounted = True


def exit_status_for_interrupt() -> int:
    """128 + the signal number: 130 after Ctrl-C, 143 after SIGTERM."""
    return 128 + (_received or signal.SIGINT)


def _on_signal(signum: int, frame: Any) -> None:
    global _received
    if _received is not None:
        # A second signal while cleaning up: stop now. Workers die with their parent.
        os._exit(128 + signum)
    _received = signum
    raise KeyboardInterrupt


def install_signal_handlers() -> None:
    """Make SIGTERM behave like Ctrl-C (see the module docstring); a no-op outside the main thread."""
    global _received, _note, _accounted
    _received, _note, _accounted = None, None, False
    try:
        signal.signal(signal.SIGINT, _on_signal)
        signal.signal(signal.SIGTERM, _on_signal)
    except ValueError:  # not the main thread
        pass


# ------------------------------------------------------------------------------------------ the boundary

def _print_err(line: str) -> None:
    try:
        sys.stderr.write(clean(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass  # stderr is gone (a closed pipe): nothing more to say


def _user_errors() -> tuple[type[BaseException], ...]:
    """Exception classes that mean "fix your input or environment", imported only when needed."""
    classes: list[type[BaseException]] = []
    for module, name in (("sim.scenario.loader", "ScenarioError"), ("sim.cli", "BadInput"),
                         ("sim.sweep.store", "ResumeRefused"), ("sim.outdir", "OutputError"),
                         ("sim.dashboards", "DashboardError"), ("sim.analysis.errors", "AnalysisError"),
                         ("sim.dashboards.export", "ExportError")):
        mod = sys.modules.get(module)
        cls = getattr(mod, name, None) if mod is not None else None
        if isinstance(cls, type):
            classes.append(cls)
    return tuple(classes)


def describe_os_error(exc: OSError) -> str:
    """One line for an OSError: the file, what went wrong, and for a full disk what to do."""
    where = exc.filename if exc.filename is not None else ""
    what = exc.strerror or str(exc)
    if exc.errno == errno.ENOSPC:
        what += " (free some space or write elsewhere with --out; nothing half-written was kept)"
    return f"{clean(where)}: {what}" if where else what


EXIT_CLOSED_PIPE = 141
"""A reader that closed our stdout early (``ceasefire run ... | head``): stop quietly, as a SIGPIPE would."""


def main(argv: list[str] | None = None) -> None:
    """The ``ceasefire`` console entry point: signal handlers first, then the (heavier) command modules."""
    try:
        status = run(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would complain again when it flushes stdout at exit: point it at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        status = EXIT_CLOSED_PIPE
    sys.exit(status)


def run(argv: list[str] | None = None) -> int:
    """Run the ``ceasefire`` command with ``argv`` (default ``sys.argv[1:]``); return its exit status."""
    install_signal_handlers()
    try:
        from . import cli

        cli.register_commands(argv)
    except KeyboardInterrupt:
        _print_err("interrupted during start-up: nothing was done")
        return exit_status_for_interrupt()
    return run_cli(cli.app, argv)


def run_cli(app: Callable[..., Any], argv: list[str] | None = None) -> int:
    """Run the click/typer application and map every outcome to an exit status (see the module docstring).

    Signal handlers are those of :func:`install_signal_handlers`, installed by :func:`run`.
    """
    import typer

    try:  # typer >= 0.24 carries its own copy of click
        from typer._click import exceptions as cx
    except ImportError:
        from click import exceptions as cx

    debug = os.environ.get("CEASEFIRE_DEBUG") == "1"
    exits = tuple({typer.Exit, getattr(cx, "Exit", typer.Exit)})
    aborts = tuple({typer.Abort, getattr(cx, "Abort", typer.Abort)})
    try:
        return _run_app(app, argv, exits)
    except (KeyboardInterrupt, *aborts):
        if not _accounted:
            which = "SIGTERM" if _received == signal.SIGTERM else "Ctrl-C (SIGINT)"
            _print_err(f"interrupted by {which}: " + (_note or "stopped before anything was written"))
        return exit_status_for_interrupt()
    except cx.UsageError as exc:
        command = exc.ctx.command_path if exc.ctx is not None else "ceasefire"
        _print_err(f"error: {exc.format_message()} (see {command} --help)")
        return EXIT_BAD_INPUT
    except cx.ClickException as exc:
        _print_err(f"error: {exc.format_message()}")
        return EXIT_BAD_INPUT
    except RecursionError as exc:  # checked first: it is also a RuntimeError
        return _bug(exc, debug)
    except Exception as exc:
        if isinstance(exc, _user_errors()):
            errors = getattr(exc, "errors", None)
            if isinstance(errors, list) and errors and hasattr(errors[0], "format"):
                for e in errors:
                    _print_err(e.format())
            else:
                _print_err(f"error: {exc}")
            return EXIT_BAD_INPUT
        if isinstance(exc, OSError):
            _print_err(f"error: {describe_os_error(exc)}")
            if debug:
                traceback.print_exc()
            return EXIT_BAD_INPUT
        if isinstance(exc, MemoryError):
            _print_err("error: out of memory; ask for fewer replications or points, or fewer workers")
            return EXIT_BAD_INPUT
        return _bug(exc, debug)
    finally:
        try:
            sys.stdout.flush()
        except (OSError, ValueError):
            pass


def _run_app(app: Callable[..., Any], argv: list[str] | None, exits: tuple[type[BaseException], ...]) -> int:
    try:
        result = app(args=argv, standalone_mode=False, prog_name="ceasefire")
    except exits as exc:
        result = int(getattr(exc, "exit_code", 0) or 0)
    code = result if isinstance(result, int) else 0
    if code == 130 or _received is not None:
        # typer turns KeyboardInterrupt into exit status 130 by itself; say what happened unless the
        # command gave its own account (a sweep lists what it kept).
        if not _accounted:
            which = "SIGTERM" if _received == signal.SIGTERM else "Ctrl-C (SIGINT)"
            _print_err(f"interrupted by {which}: " + (_note or "stopped before anything was written"))
        return exit_status_for_interrupt()
    return code


def _bug(exc: BaseException, debug: bool) -> int:
    _print_err(f"internal error: {type(exc).__name__}: {exc}")
    _print_err("This is a bug in ceasefire-sim: please report it on the project's issue tracker with the "
               "command you ran" + ("" if debug else " and the traceback that CEASEFIRE_DEBUG=1 prints") + ".")
    if debug:
        traceback.print_exception(exc)
    return EXIT_BUG
