"""The ``ceasefire sweep`` command."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated

import typer

from sim.cli import DashboardOption, SetOption


class SweepProgress:
    """Sweep progress on stderr (see :mod:`sim.progress`): replications done, so that it advances within a
    design point, with the points finished beside them."""

    def __init__(self, description: str) -> None:
        from ..cli import progress

        self._progress = progress(description)

    def __call__(self, points_done: int, points_total: int, reps_done: int, reps_total: int) -> None:
        self._progress.update(reps_done, reps_total, note=f"{points_done:,}/{points_total:,} points")

    def close(self) -> None:
        self._progress.close()


def sweep(
    file: Annotated[Path, typer.Argument(help="Sweep file (YAML), e.g. experiments/trust_vs_alignment.yaml.")],
    out_dir: Annotated[Path | None, typer.Option("--out", help="Results directory (default: sweeps/<file name>).")]
    = None,
    workers: Annotated[int | None, typer.Option(min=1, max=1024, help="Local worker processes (default and at "
                                                                  "most: one per core; never more than tasks).")]
    = None,
    scheduler: Annotated[str | None, typer.Option(help="Run on this Dask scheduler, e.g. tcp://10.0.0.5:8786.")]
    = None,
    scheduler_file: Annotated[Path | None, typer.Option(help="Run on the Dask scheduler described in this file.")]
    = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the sweep in --out where it stopped.")] = False,
    force_resume: Annotated[bool, typer.Option(
        "--force-resume", help="With --resume: continue even though the code of sim/ or package versions "
                               "changed (the table then mixes two versions).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print points, tasks and a time estimate; run nothing.")]
    = False,
    dashboard: DashboardOption = False,
    replications: Annotated[int | None, typer.Option(
        "--replications", "-n", min=1, max=100_000_000,
        help="Replications per design point, instead of the sweep file's.")] = None,
    set_values: SetOption = None,
) -> None:
    """Sweep scenario parameters over a design; write one row per design point to a results directory.

    Values given with --set are set in the base scenario for every point; a swept parameter cannot also
    be set.
    """
    from ..cli import EXIT_BAD_INPUT, default_workers, err, fail, out, parse_set_or_exit
    from ..guard import exit_status_for_interrupt, interrupt_accounted, interrupt_note
    from .spec import SweepError, load_sweep
    from .tasks import dry_run as plan_dry_run

    if scheduler is not None and scheduler_file is not None:
        fail("give --scheduler or --scheduler-file, not both")
    if force_resume and not resume:
        fail("--force-resume goes with --resume")
    if scheduler_file is not None and not scheduler_file.is_file():
        fail(f"--scheduler-file: {scheduler_file}: no such file")
    values = parse_set_or_exit(set_values)
    try:
        # A dry run counts the points without generating them.
        spec = load_sweep(file, build=not dry_run, replications=replications, set_values=values)
    except SweepError as exc:
        for e in exc.errors:
            err.print(e.format(), markup=False)
        err.print(f"{file}: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for w in spec.warnings:
        err.print(f"warning: {w.format()}", markup=False)
    target = out_dir if out_dir is not None else Path("sweeps") / file.stem
    cores = default_workers()
    n_workers = min(workers or cores, cores)  # and never more than tasks: see run_sweep
    if workers is not None and workers > cores and scheduler is None and scheduler_file is None:
        err.print(f"note: --workers {workers}: this machine gives the command {cores} core"
                  f"{'s' if cores != 1 else ''}; starting at most {n_workers}", markup=False)
    if workers is not None and (scheduler is not None or scheduler_file is not None):
        err.print("note: --workers is ignored with a Dask scheduler; the cluster's workers run the tasks",
                  markup=False)

    if dry_run:
        slots = n_workers
        where = f"{n_workers} local worker{'s' if n_workers != 1 else ''}"
        if scheduler is not None or scheduler_file is not None:
            where = "a Dask cluster (estimate below assumes " + where + ")"
        plan = plan_dry_run(spec, slots)
        out.print(f"{spec.spec.name}: {spec.spec.design.method} design", markup=False)
        out.print(f"{plan.n_points:,} points x {plan.replications_per_point:,} replications, "
                  f"horizon {spec.horizon_days} days = {plan.replication_days:,} replication-days", markup=False)
        out.print(f"{plan.n_tasks:,} tasks of up to {plan.replications_per_task:,} replications", markup=False)
        out.print(f"estimated time on {where}: {_duration(plan.seconds)} "
                  f"(assuming {plan.rate_per_slot:,.0f} replication-days/s per worker, the baseline's pace in "
                  "benchmarks/; more violent scenarios run slower)", markup=False)
        out.print(f"results would go to {target}", markup=False)
        return

    from ..outdir import FolderLock, OutputError
    from .runner import run_sweep
    from .store import ResumeRefused

    if target.exists() and not target.is_dir():
        fail(f"--out {target}: exists and is not a folder; choose another --out")
    try:
        # One writer per sweep folder: a second sweep (or run) on it fails at once instead of mixing rows.
        lock = FolderLock(target).acquire()
    except OutputError as exc:
        fail(str(exc))
    interrupt_note(f"finished tasks are kept in {target}; continue with: ceasefire sweep {file} --out {target} "
                   "--resume")
    bar = SweepProgress(f"Sweeping {file.name}")
    try:
        outcome = run_sweep(spec, target, workers=n_workers, scheduler=scheduler,
                            scheduler_file=str(scheduler_file) if scheduler_file else None, resume=resume,
                            force_resume=force_resume, progress=bar)
    except ResumeRefused as exc:
        bar.close()
        fail(str(exc))
    except OSError as exc:
        bar.close()
        from .backends import SchedulerError

        if isinstance(exc, SchedulerError):
            fail(str(exc))
        if scheduler is not None or scheduler_file is not None:
            fail(f"cannot reach the Dask scheduler {scheduler or scheduler_file}: {exc}")
        raise
    finally:
        bar.close()
        lock.release()

    if outcome.corrupt_tasks:
        err.print(f"warning: {len(outcome.corrupt_tasks)} task file(s) were unreadable or changed since written "
                  f"(first: {outcome.corrupt_tasks[0]}); moved to {target / 'tasks' / 'corrupt'} and run again",
                  markup=False)
    done_before = outcome.tasks_skipped
    rate = outcome.replication_days_per_second
    summary = (f"{outcome.tasks_run:,} tasks run" + (f", {done_before:,} already done" if done_before else "")
               + f" of {outcome.n_tasks:,}, {outcome.seconds:,.1f} s"
               + (f", {rate:,.0f} replication-days/s on {outcome.backend} ({outcome.slots} slots)"
                  if outcome.tasks_run else ""))
    if outcome.status == "interrupted":
        err.print(f"interrupted: {summary}. Finished tasks are kept; continue with:", markup=False)
        err.print(f"  ceasefire sweep {file} --out {target} --resume", markup=False)
        interrupt_accounted()
        raise typer.Exit(exit_status_for_interrupt())
    if outcome.status == "failed":
        for failure in outcome.failures:
            err.print(f"task failed twice: {failure.describe()}", markup=False)
        err.print(f"{len(outcome.failures)} task(s) failed (details in {target / 'failures.jsonl'}); {summary}. "
                  f"Fix the cause and continue with: ceasefire sweep {file} --out {target} --resume", markup=False)
        raise typer.Exit(1)
    out.print(f"{spec.spec.name}: {outcome.n_points:,} points; {summary}", markup=False)
    out.print(f"Results written to {target} (results.parquet, results.csv, manifest.json)", markup=False)
    if dashboard:
        try:
            write_dashboard = importlib.import_module("sim.dashboards").write_dashboard
        except (ModuleNotFoundError, AttributeError):
            err.print("--dashboard: the dashboards module is not installed in this build; results are written "
                      "without dashboard.html", markup=False)
            return
        try:
            path = write_dashboard(target)
        except ImportError as exc:
            err.print(f"--dashboard: sweep dashboards are not available in this build ({exc}); results are "
                      "written without dashboard.html", markup=False)
            return
        except Exception as exc:  # the dashboard's own error (e.g. DashboardError); the results stand
            err.print(f"--dashboard: {exc}", markup=False)
            raise typer.Exit(1) from None
        out.print(f"Dashboard written to {path}", markup=False)


def _duration(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return "unknown"
    if seconds < 90:
        return f"about {max(1, round(seconds))} s"
    if seconds < 5400:
        return f"about {round(seconds / 60)} min"
    return f"about {seconds / 3600:.1f} h"


def register(app: typer.Typer) -> None:
    """Add ``ceasefire sweep`` to the command-line application."""
    app.command(name="sweep")(sweep)
