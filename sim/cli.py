"""The ``ceasefire`` command: parse, load, call the library, print.

Exit status: 0 success, 1 runtime failure, 2 bad input (scenario errors, bad options).
Other commands (sweep, compare, analyze, dashboard) register themselves from their
own modules through :func:`register_commands`.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console, ConsoleDimensions
from rich.table import Table

app = typer.Typer(
    name="ceasefire",
    help="Estimate the odds that a ceasefire holds, from YAML scenario files.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


NON_TERMINAL_WIDTH = 250
"""Columns of output that is not a terminal (a pipe, a log, a notebook): wide enough that tables do not
wrap scenario names or parameter paths (names are at most 200 characters); lines are as long as they need."""


class CleanConsole(Console):
    """A console that strips control and bidi characters from text (scenario names, file names) before
    printing it, so that a scenario file cannot send escape sequences to the terminal (see guard.clean).

    On a terminal it is as wide as the terminal. Elsewhere rich would assume 80 columns and squeeze
    tables, cutting names to "Pakista…"; it is :data:`NON_TERMINAL_WIDTH` wide instead, unless COLUMNS
    says otherwise.
    """

    @property
    def size(self) -> ConsoleDimensions:
        dims = Console.size.fget(self)  # type: ignore[attr-defined]
        if self._width is None and not self.is_terminal and not os.environ.get("COLUMNS", "").isdigit():
            return ConsoleDimensions(NON_TERMINAL_WIDTH, dims.height)
        return dims

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]

    def print(self, *objects: Any, **kwargs: Any) -> None:  # type: ignore[override]
        from .guard import clean

        super().print(*(_cleaned(o, clean) for o in objects), **kwargs)

    def on_broken_pipe(self) -> None:
        """The reader closed our output (``... | head``): stop quietly with the SIGPIPE status, not as a bug."""
        from .guard import EXIT_CLOSED_PIPE

        # Python flushes the stream again at exit and would complain: point it at /dev/null first.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self.file.fileno())
        os.close(devnull)
        raise SystemExit(EXIT_CLOSED_PIPE)


def _cleaned(obj: Any, clean: Any) -> Any:
    if isinstance(obj, str):
        return clean(obj)
    if isinstance(obj, Table):
        for column in obj.columns:
            column._cells = [clean(c) if isinstance(c, str) else c for c in column._cells]
        if isinstance(obj.title, str):
            obj.title = clean(obj.title)
    return obj


out = CleanConsole(highlight=False, soft_wrap=True)
err = CleanConsole(stderr=True, highlight=False, soft_wrap=True)

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """Input the user must fix; printed without traceback, exit status 2."""


# Options shared by several commands, defined once so that they read and behave the same everywhere.
SeedOption = Annotated[int | None, typer.Option(min=0, help="Random seed (default: drawn and reported).")]
HorizonOption = Annotated[int | None, typer.Option(min=1, max=3650, help="Override the horizon [days].")]
SurvivalDaysOption = Annotated[str, typer.Option(help="Days at which to report survival, e.g. 7,30,90.")]
WorkersOption = Annotated[int | None, typer.Option(
    min=1, max=1024, help="Worker processes (default and at most: one per core; never more than tasks).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
DashboardOption = Annotated[bool, typer.Option("--dashboard", help="Also write dashboard.html into --out.")]
OverwriteOption = Annotated[bool, typer.Option(
    "--overwrite", help="Replace an existing non-empty --out folder (by default it is refused).")]
SetOption = Annotated[list[str] | None, typer.Option(
    "--set", metavar="PATH=VALUE",
    help="Set a scenario value, e.g. --set actors.us.leverage=0.8 (repeatable; VALUE is YAML; checked like "
         "the file).")]
DEFAULT_SURVIVAL_DAYS = "7,30,90,180"


def fail(message: str) -> None:
    """Print an input error and exit with status 2."""
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def default_workers() -> int:
    """One worker per core available to this process."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


MAX_REPLICATIONS = 100_000_000
"""Most replications one run or compare may ask for (about 90 minutes per scenario on 2 cores)."""

MAX_WORKERS = 1024
"""Most worker processes one may ask for; fewer are started when there are fewer cores or tasks."""


def clamp_workers(requested: int | None, n_replications: int) -> int:
    """Worker processes to start: the request (default one per core), at most one per core and per task."""
    from .engine import DEFAULT_REPLICATIONS_PER_TASK

    cores = default_workers()
    tasks = max(1, -(-n_replications // DEFAULT_REPLICATIONS_PER_TASK))
    n = min(requested or cores, cores, tasks)
    if requested is not None and requested > cores:
        err.print(f"note: --workers {requested}: this machine gives the command {cores} core"
                  f"{'s' if cores != 1 else ''}; starting {n}", markup=False)
    return n


def parse_days(text: str) -> list[int]:
    """'7,30,90' -> [7, 30, 90]; raises BadInput on anything else."""
    try:
        days = [int(x) for x in text.split(",") if x.strip()]
    except ValueError:
        raise BadInput(f"--survival-days: {text!r}: expected whole days separated by commas, e.g. 7,30,90") from None
    if not days or any(d < 0 for d in days):
        raise BadInput(f"--survival-days: {text!r}: expected non-negative whole days, e.g. 7,30,90")
    return days


def survival_days_or_exit(survival_days: str, dashboard: bool, out_dir: Path | None) -> list[int]:
    """Check the options shared by run and compare; on bad input print it and exit 2."""
    try:
        days = parse_days(survival_days)
    except BadInput as exc:
        fail(str(exc))
    if dashboard and out_dir is None:
        fail("--dashboard needs --out DIR")
    return days


def open_out_dir(out_dir: Path | None, overwrite: bool) -> Any:
    """Check --out and take its lock before any simulation starts; None without --out.

    Returns a :class:`sim.outdir.StagedFolder` to write into and commit; on a bad --out print it and exit 2.
    """
    if out_dir is None:
        return None
    from .outdir import OutputError, StagedFolder

    try:
        return StagedFolder(out_dir, overwrite=overwrite).open()
    except OutputError as exc:
        fail(str(exc))


def load_or_exit(path: Path) -> Any:
    """Load a scenario, printing located warnings; on errors print them all and exit 2."""
    from .api import ScenarioWarning, load_scenario
    from .scenario.loader import ScenarioError

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ScenarioWarning)
        try:
            scenario = load_scenario(path)
        except ScenarioError as exc:
            for e in exc.errors:
                err.print(e.format(), markup=False)
            err.print(f"{path}: {len(exc.errors)} error{'s' if len(exc.errors) != 1 else ''}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
    for w in caught:
        if issubclass(w.category, ScenarioWarning):
            err.print(f"warning: {w.message}", markup=False)
    return scenario


def _print_errors(errors: list[Any], where: str, what: str = "") -> None:
    for e in errors:
        err.print(e.format(), markup=False)
    err.print(f"{where}: {len(errors)} error{'s' if len(errors) != 1 else ''}{what}", markup=False)


def parse_set_or_exit(assignments: list[str] | None) -> dict[str, Any]:
    """``--set PATH=VALUE`` options as {path: value}; on a malformed one print all of them and exit 2."""
    from .scenario.loader import ScenarioError
    from .scenario.overrides import SET_OPTION, parse_assignments

    try:
        return parse_assignments(assignments or [], origin=SET_OPTION)
    except ScenarioError as exc:
        _print_errors(exc.errors, SET_OPTION)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def with_set_or_exit(scenario: Any, values: dict[str, Any], path: Path) -> Any:
    """The scenario with the ``--set`` values (see Scenario.with_values); on errors print all and exit 2."""
    if not values:
        return scenario
    from .scenario.loader import ScenarioError
    from .scenario.overrides import SET_OPTION, set_values

    try:
        new, found = set_values(scenario, values, origin=SET_OPTION)
    except ScenarioError as exc:
        _print_errors(exc.errors, str(path), f" in {SET_OPTION}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    for w in found:
        err.print(f"warning: {w.format()}", markup=False)
    return new


def progress(description: str, total: int | None = None, unit: str = "replications") -> Any:
    """Progress of a long command on stderr: a bar on a terminal, a line every few seconds elsewhere.

    Call it as ``progress(done, total)`` (the library's callback) and ``.close()`` it at the end; see
    :mod:`sim.progress` for the environment variables that choose and pace it.
    """
    from .progress import Progress

    return Progress(description, err, unit=unit, total=total)


def _fmt_p(p: float | None) -> str:
    return "n/a" if p is None else f"{p:.3f}"


def print_summary(summary: dict[str, Any]) -> None:
    """The human-readable run summary on stdout."""
    lo, hi = summary["p_hold_ci"]
    out.print(summary["scenario"], markup=False)
    out.print(
        f"{summary['replications']:,} replications, seed {summary['seed']}, horizon {summary['horizon_days']} days "
        f"({summary['start_date']} to {summary['horizon_date']})", markup=False)
    out.print(f"P(ceasefire holds to day {summary['horizon_days']}) = {summary['p_hold']:.3f}  "
              f"95% CI [{lo:.3f}, {hi:.3f}]", markup=False)
    table = Table(title="Survival (Kaplan-Meier, 95% CI)", title_justify="left")
    for col in ("day", "date", "P(holding)", "95% CI"):
        table.add_column(col, justify="right")
    for row in summary["survival"]:
        table.add_row(str(row["day"]), row["date"], f"{row['p']:.3f}", f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]")
    out.print(table)
    q = summary["breakdown_day_quantiles"]
    qd = summary["breakdown_date_quantiles"]
    parts = [f"{k[1:]}%: " + (f"day {v} ({qd[k]})" if v is not None else "not reached") for k, v in q.items()]
    out.print("Breakdown by  " + ";  ".join(parts), markup=False)
    a_lo, a_hi = summary["p_agreement_ci"]
    out.print(f"P(agreement) = {summary['p_agreement']:.3f}  95% CI [{a_lo:.3f}, {a_hi:.3f}]", markup=False)
    v_lo, v_hi = summary["p_any_violation_ci"]
    out.print(f"P(at least one violation) = {summary['p_any_violation']:.3f}  95% CI [{v_lo:.3f}, {v_hi:.3f}]",
              markup=False)
    means = Table(title="Per replication, until breakdown or horizon (mean, 95% CI)", title_justify="left")
    means.add_column("count")
    means.add_column("mean", justify="right")
    means.add_column("95% CI", justify="right")
    for name, value in summary["means"].items():
        c_lo, c_hi = summary["mean_cis"][name]
        ci = "n/a" if c_lo is None else f"[{c_lo:.2f}, {c_hi:.2f}]"
        means.add_row(name.replace("_", " "), f"{value:.2f}", ci)
    out.print(means)
    causes = summary["breakdown_causes"]
    if causes:
        t = Table(title="How it breaks (share of breakdowns)", title_justify="left")
        t.add_column("cause chain")
        t.add_column("share", justify="right")
        for chain, share in list(causes.items())[:10]:
            t.add_row(chain, f"{share:.1%}")
        if len(causes) > 10:
            t.add_row(f"({len(causes) - 10} more)", f"{sum(list(causes.values())[10:]):.1%}")
        out.print(t)
    else:
        out.print("No breakdown in any replication.", markup=False)


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Scenario files to check.")]) -> None:
    """Check scenario files: every error located as file:line:column, all at once."""
    from .api import ScenarioWarning, load_scenario
    from .scenario.loader import ScenarioError

    bad = 0
    for path in files:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ScenarioWarning)
            try:
                load_scenario(path)
            except ScenarioError as exc:
                bad += 1
                for e in exc.errors:
                    err.print(e.format(), markup=False)
                continue
        for w in caught:
            if issubclass(w.category, ScenarioWarning):
                err.print(f"warning: {w.message}", markup=False)
        out.print(f"{path}: ok", markup=False)
    if bad:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command()
def run(
    scenario: Annotated[Path, typer.Argument(help="Scenario YAML file.")],
    replications: Annotated[int, typer.Option("--replications", "-n", min=1, max=100_000_000,
                                              help="Number of replications (at most 100,000,000).")] = 10_000,
    seed: SeedOption = None,
    horizon: HorizonOption = None,
    survival_days: SurvivalDaysOption = DEFAULT_SURVIVAL_DAYS,
    workers: WorkersOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Write a results directory here.")] = None,
    as_json: JsonOption = False,
    dashboard: DashboardOption = False,
    overwrite: OverwriteOption = False,
    set_values: SetOption = None,
) -> None:
    """Run a scenario and report P(ceasefire holds), survival, causes of breakdown."""
    from . import api
    from .guard import interrupt_note

    days = survival_days_or_exit(survival_days, dashboard, out_dir)
    values = parse_set_or_exit(set_values)
    spec = with_set_or_exit(load_or_exit(scenario), values, scenario)
    staged = open_out_dir(out_dir, overwrite)
    try:
        interrupt_note(f"nothing was written to {out_dir}; run the command again to get its results"
                       if out_dir is not None else "nothing was written; run the command again")
        bar = progress(f"Running {scenario.name}", total=replications)
        try:
            # Per-replication rows are never held: streamed into --out as tasks finish, or not kept at all,
            # so memory stays flat with n.
            result = api.run(spec, n_replications=replications, seed=seed, horizon_days=horizon,
                             workers=clamp_workers(workers, replications), progress=bar,
                             keep_replications=False,
                             replications_file=staged.path / "replications.parquet" if staged else None)
        except ValueError as exc:
            fail(str(exc))
        finally:
            bar.close()
        horizon_days = result.horizon_days
        days = [d for d in days if d <= horizon_days] or [horizon_days]
        summary = result.summary(days)
        page = None
        if staged is not None:
            result.write(staged.path, days, command=sys.argv)
            staged.commit()
            if dashboard:
                write_dashboard = importlib.import_module("sim.dashboards").write_dashboard
                page = write_dashboard(out_dir)
    finally:
        if staged is not None:
            staged.close()
    if as_json:
        sys.stdout.write(json.dumps(summary, default=str) + "\n")
        if page is not None:  # stdout holds the JSON object alone
            err.print(f"Dashboard written to {page}", markup=False)
    else:
        print_summary(summary)
        if out_dir is not None:
            out.print(f"Results written to {out_dir}", markup=False)
        if page is not None:
            out.print(f"Dashboard written to {page}", markup=False)


# Commands that live with their subsystems register here, so this file stays thin.
_COMMAND_MODULES = ("sim.sweep.cli", "sim.analysis.cli", "sim.dashboards.cli")


_COMMANDS_BY_MODULE = {"sim.sweep.cli": ("sweep",), "sim.analysis.cli": ("compare", "analyze"),
                       "sim.dashboards.cli": ("dashboard",)}
_registered: set[str] = set()


def register_commands(argv: list[str] | None = None) -> None:
    """Add the subsystems' commands to ``app``, each module once however often this is called.

    ``argv`` is the command line about to run (the error boundary passes it). When it names a
    command, only that command's module is imported, so that ``ceasefire run`` does not load the
    sweep and analysis machinery; for help, or anything else, all of them are.
    """
    words = [w for w in (sys.argv[1:] if argv is None else argv) if not w.startswith("-")]
    first = words[0] if words else None
    if first in ("run", "validate"):
        return
    wanted = [m for m, commands in _COMMANDS_BY_MODULE.items() if first in commands]
    for name in wanted or _COMMAND_MODULES:
        if name in _registered:
            continue
        _registered.add(name)
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and name.startswith(exc.name):
                continue  # subsystem not installed in this build
            raise
        module.register(app)


def main() -> None:
    """Console entry point (see :mod:`sim.guard`, the error boundary)."""
    from .guard import main as guarded_main

    guarded_main()


if __name__ == "__main__":
    main()
