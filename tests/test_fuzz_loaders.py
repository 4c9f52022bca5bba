"""Property-based fuzzing (Hypothesis) of the scenario and sweep loaders through the command line.

Random mutations of the shipped files (see hostile_files.py) must end in exit status 0 or 2 with no
traceback, within a few seconds. The issue also names a "targets" loader; that file format does not
exist in this project yet, so there is nothing of it to fuzz.
"""

from __future__ import annotations

import contextlib
import io
import signal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostile_files import KINDS, SCENARIO_FILES, SWEEP_FILES, mutate, workspace, write
from sim import guard

OPS = st.lists(st.tuples(st.sampled_from(KINDS), st.floats(0, 1, exclude_max=True), st.integers(0, 999)),
               min_size=1, max_size=4)
FUZZ = settings(max_examples=120, deadline=10_000, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return workspace(tmp_path_factory.mktemp("fuzz"))


def run_cli(*args: str) -> tuple[int, str]:
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = guard.run(list(args))
    finally:
        for s, h in handlers.items():
            signal.signal(s, h)
    return code, err.getvalue()


def check(code: int, err: str, content: str | bytes) -> None:
    shown = content[:3000] if isinstance(content, str) else content[:3000].decode("utf-8", "replace")
    assert code in (0, 2), f"exit {code}:\n{err}\n--- file ---\n{shown}"
    assert "Traceback" not in err and "internal error" not in err, err
    if code == 2:
        assert err.strip(), "exit 2 without a message"
    assert "\x1b" not in err, "an escape sequence reached the terminal"


@FUZZ
@given(source=st.sampled_from(SCENARIO_FILES), ops=OPS)
def test_mutated_scenarios_exit_0_or_2(space: tuple[Path, Path], source: Path, ops) -> None:
    scenarios, _ = space
    content = mutate(source.read_text(encoding="utf-8"), ops)
    path = write(scenarios, f"_fuzz_{source.name}", content)
    code, err = run_cli("validate", str(path))
    check(code, err, content)


@FUZZ
@given(source=st.sampled_from(SWEEP_FILES), ops=OPS)
def test_mutated_sweep_files_exit_0_or_2(space: tuple[Path, Path], source: Path, ops) -> None:
    from sim.sweep import load_sweep
    from sim.sweep.spec import SweepError

    _, experiments = space
    content = mutate(source.read_text(encoding="utf-8"), ops)
    path = write(experiments, f"_fuzz_{source.name}", content)
    # The loader is what a sweep runs first; the dry run's calibration would only add simulation time.
    try:
        load_sweep(path, build=False)
    except SweepError as exc:
        assert exc.errors, "SweepError without errors"
        for e in exc.errors:
            assert e.format().strip()


@FUZZ
@given(source=st.sampled_from(SWEEP_FILES), ops=OPS)
def test_mutated_sweep_files_through_the_cli(space: tuple[Path, Path], source: Path, ops) -> None:
    _, experiments = space
    content = mutate(source.read_text(encoding="utf-8"), ops)
    path = write(experiments, f"_fuzz_cli_{source.name}", content)
    code, err = run_cli("sweep", str(path), "--dry-run")
    check(code, err, content)
