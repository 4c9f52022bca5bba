"""The command line's error boundary and output folders (issue 11): one clean line, the right exit status,
nothing half-written, one writer per folder."""

from __future__ import annotations

import json
import os
import signal
import textwrap
import time
from pathlib import Path

import pytest

from scenario_data import BASELINE
from sim import guard
from sim.outdir import FolderLock, OutputError, StagedFolder

MINIMAL = textwrap.dedent("""\
    name: Tiny
    start_date: 2025-10-19
    horizon_days: 30
    issues:
      sanctuaries: {description: "action against armed groups (0 none, 1 full)"}
    actors:
      north: {role: party, name: North, adversary: south, priorities: {sanctuaries: 1}, positions: {sanctuaries: 1.0}}
      south: {role: party, name: South, adversary: north, priorities: {sanctuaries: 1}, positions: {sanctuaries: 0.2}}
      rebels: {role: armed_group, name: Rebels, host: south, target: north, attack_rate_per_day: 1.5}
    """)


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.chdir(tmp_path)
    Path("tiny.yaml").write_text(MINIMAL, encoding="utf-8")
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, h in handlers.items():  # guard.run installs its own; give pytest its own back
        signal.signal(s, h)


def cli(capsys: pytest.CaptureFixture[str], *args: object) -> tuple[int, str, str]:
    code = guard.run([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    assert len(lines) == 1, text
    assert "Traceback" not in text
    return lines[0]


# --- the boundary ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("run", "tiny.yaml", "-n", "abc"),
    ("run", "tiny.yaml", "--workers", "0"),
    ("bogus",),
    ("run",),
    ("sweep", "nothing.yaml", "--scheduler", "tcp://127.0.0.1:1", "--scheduler-file", "x.json"),
])
def test_bad_options_are_one_line_and_exit_2(capsys, args) -> None:
    code, _, err = cli(capsys, *args)
    assert code == 2
    assert one_line(err).startswith("error: ")


def test_a_bug_exits_1_and_asks_for_a_report(capsys, monkeypatch) -> None:
    import sim.api

    def broken(*args, **kwargs):
        raise ZeroDivisionError("on purpose")

    monkeypatch.setattr(sim.api, "run", broken)
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000")
    assert code == 1
    assert "internal error: ZeroDivisionError: on purpose" in err
    assert "please report it" in err and "Traceback" not in err


def test_os_errors_are_one_line_and_exit_2(capsys, monkeypatch) -> None:
    import errno

    import sim.results

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", "res/replications.parquet")

    monkeypatch.setattr(sim.results.RunResult, "write", full)
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1", "--out", "res")
    assert code == 2
    line = one_line(err)
    assert "No space left on device" in line and "nothing half-written" in line
    # Nothing half-written: neither the target nor a temporary folder is left.
    assert not Path("res").exists()
    assert not [p for p in os.listdir(".") if p.endswith(".tmp")]


def test_escape_and_bidi_characters_never_reach_the_terminal(capsys) -> None:
    Path("evil.yaml").write_text(MINIMAL.replace("name: Tiny", 'name: "Evil \\e[31m\\e]0;owned\\a red \\u202egnp.exe"'),
                                 encoding="utf-8")
    code, out, err = cli(capsys, "run", "evil.yaml", "-n", "1000", "--seed", "1")
    assert code == 0, err
    for text in (out, err):
        assert "\x1b" not in text and "\x07" not in text and "\u202e" not in text
    assert "Evil" in out and "gnp.exe" in out


def test_clean_replaces_undecodable_file_names() -> None:
    name = os.fsdecode(b"\xff\xfe.yaml")  # lone surrogates, as Python gives non-UTF-8 names
    cleaned = guard.clean(f"{name}: file not found\x1b[2J")
    cleaned.encode("utf-8")  # printable
    assert cleaned.endswith(".yaml: file not found[2J")


def test_a_file_name_that_is_not_utf8_is_reported(capsys) -> None:
    code, _, err = cli(capsys, "run", os.fsdecode(b"\xff\xfe.yaml"))
    assert code == 2
    assert "file not found" in err and "Traceback" not in err


def test_sigterm_during_a_run_exits_143_with_one_line(capsys, monkeypatch) -> None:
    import sim.api

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGTERM)
        raise AssertionError("the signal should have interrupted the run")

    monkeypatch.setattr(sim.api, "run", interrupted)
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--out", "res")
    assert code == 143
    assert one_line(err).startswith("interrupted by SIGTERM: nothing was written to res")
    assert not Path("res").exists()


def test_ctrl_c_exits_130(capsys, monkeypatch) -> None:
    import sim.api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sim.api, "run", interrupted)
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000")
    assert code == 130
    assert one_line(err).startswith("interrupted by Ctrl-C")


# --- output folders --------------------------------------------------------------------------------------

def test_run_refuses_a_non_empty_out_unless_overwrite(capsys) -> None:
    Path("mine").mkdir()
    Path("mine/summary.json").write_text('{"mine": true}')
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1", "--out", "mine")
    assert code == 2 and "--overwrite" in one_line(err)
    assert json.loads(Path("mine/summary.json").read_text()) == {"mine": True}
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1", "--out", "mine", "--overwrite")
    assert code == 0, err
    assert "p_hold" in json.loads(Path("mine/summary.json").read_text())
    assert sorted(p for p in os.listdir(".") if ".tmp" in p or ".old" in p) == []


def test_run_accepts_an_empty_existing_folder(capsys) -> None:
    Path("empty").mkdir()
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1", "--out", "empty")
    assert code == 0, err
    assert Path("empty/summary.json").is_file()


@pytest.mark.parametrize("make", ["file", "long", "under_a_file"])
def test_a_bad_out_is_refused_before_simulating(capsys, monkeypatch, make) -> None:
    import sim.api

    def must_not_run(*args, **kwargs):
        raise AssertionError("simulated despite a bad --out")

    monkeypatch.setattr(sim.api, "run", must_not_run)
    Path("afile").write_text("x")
    target = {"file": "afile", "long": "x" * 300, "under_a_file": "afile/res"}[make]
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--out", target)
    assert code == 2
    assert one_line(err).startswith(f"error: --out {target[:20]}")


def test_a_second_writer_fails_at_once(capsys) -> None:
    Path("sw.yaml").write_text(f"name: s\nbase: {BASELINE}\nseed: 1\nreplications: 1000\nhorizon_days: 10\n"
                               "parameters: [{path: actors.ttp.ideological_alignment, values: [0.2, 0.4]}]\n"
                               "design: {method: grid}\n")
    with FolderLock(Path("res")):
        code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--out", "res")
        assert code == 2
        assert f"process {os.getpid()} is writing there now" in one_line(err)
        code, _, err = cli(capsys, "sweep", "sw.yaml", "--out", "res", "--workers", "1")
        assert code == 2
        assert "is writing there now" in one_line(err)
        code, _, err = cli(capsys, "compare", "tiny.yaml", "tiny.yaml", "-n", "1000", "--out", "res")
        assert code == 2 and "is writing there now" in one_line(err)
    assert not Path("res").exists()
    # Once the first writer is done, the folder is free.
    code, _, err = cli(capsys, "sweep", "sw.yaml", "--out", "res", "--workers", "1")
    assert code == 0, err


def test_a_malformed_scheduler_file_is_one_line(capsys) -> None:
    Path("sw.yaml").write_text(f"name: s\nbase: {BASELINE}\nseed: 1\nreplications: 1000\nhorizon_days: 10\n"
                               "parameters: [{path: actors.ttp.ideological_alignment, values: [0.2, 0.4]}]\n"
                               "design: {method: grid}\n")
    Path("sched.json").write_text("{not json")
    code, _, err = cli(capsys, "sweep", "sw.yaml", "--out", "res", "--scheduler-file", "sched.json")
    assert code == 2
    assert "sched.json" in one_line(err)
    code, _, err = cli(capsys, "sweep", "sw.yaml", "--out", "res", "--scheduler", "bogus")
    assert code == 2
    assert "bogus" in one_line(err)


def test_a_dask_cluster_without_workers_stops_the_sweep(monkeypatch) -> None:
    from sim.sweep import backends

    class NoWorkers:
        def nthreads(self) -> dict:
            return {}

    backend = backends.DaskBackend.__new__(backends.DaskBackend)
    backend.client, backend.address, backend._no_workers_since = NoWorkers(), "tcp://x:1", None
    monkeypatch.setattr(backends, "NO_WORKERS_TIMEOUT", 0.0)
    backend._check_workers()  # first notice: the clock starts
    time.sleep(0.01)
    with pytest.raises(backends.SchedulerError, match="no workers"):
        backend._check_workers()


def test_staged_folder_leaves_the_old_results_on_failure(tmp_path: Path) -> None:
    Path("res").mkdir()
    Path("res/summary.json").write_text("old")
    with pytest.raises(RuntimeError), StagedFolder("res", overwrite=True) as staged:
        assert staged.path.name == f".res.{os.getpid()}.tmp"  # the temporary name carries the pid
        (staged.path / "summary.json").write_text("new, half")
        raise RuntimeError("disk full, say")
    assert Path("res/summary.json").read_text() == "old"
    assert not staged.path.exists()


def test_staged_folder_replaces_whole_folders(tmp_path: Path) -> None:
    Path("res").mkdir()
    Path("res/stale.csv").write_text("from an older run")
    with StagedFolder("res", overwrite=True) as staged:
        (staged.path / "summary.json").write_text("new")
        staged.commit()
    assert sorted(os.listdir("res")) == ["summary.json"]  # no mix of old and new files


def test_staged_folder_refuses_without_overwrite(tmp_path: Path) -> None:
    Path("res").mkdir()
    Path("res/x").write_text("x")
    with pytest.raises(OutputError, match="not empty"):
        StagedFolder("res").open()
    assert not FolderLock(Path("res")).acquire().release()  # the refusal released the lock


def test_dashboard_refuses_an_existing_file_unless_overwrite(capsys) -> None:
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1", "--out", "res", "--dashboard")
    assert code == 0, err
    assert Path("res/dashboard.html").is_file()
    code, _, err = cli(capsys, "dashboard", "res")
    assert code == 2 and "--overwrite" in one_line(err)
    code, _, err = cli(capsys, "dashboard", "res", "--overwrite")
    assert code == 0, err


def test_compare_refuses_a_non_empty_out(capsys) -> None:
    Path("cmp").mkdir()
    Path("cmp/keep.txt").write_text("mine")
    code, _, err = cli(capsys, "compare", "tiny.yaml", "tiny.yaml", "-n", "1000", "--out", "cmp")
    assert code == 2 and "not empty" in one_line(err)
    assert Path("cmp/keep.txt").read_text() == "mine"


def test_run_without_out_keeps_no_rows(monkeypatch, capsys) -> None:
    import sim.api

    seen = {}
    real = sim.api.run

    def spy(*args, **kwargs):
        seen["keep"] = kwargs.get("keep_replications")
        return real(*args, **kwargs)

    monkeypatch.setattr(sim.api, "run", spy)
    code, _, err = cli(capsys, "run", "tiny.yaml", "-n", "1000", "--seed", "1")
    assert code == 0, err
    assert seen["keep"] is False


def test_baseline_still_runs(capsys) -> None:
    code, out, err = cli(capsys, "run", BASELINE, "-n", "1000", "--seed", "1", "--json")
    assert code == 0, err
    assert 0 <= json.loads(out)["p_hold"] <= 1


def test_a_reader_closing_the_pipe_early_is_a_quiet_sigpipe_exit_not_a_bug() -> None:
    from sim.cli import CleanConsole

    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone, as after `| head -1`
    with os.fdopen(write_end, "w") as stream:
        console = CleanConsole(file=stream)
        with pytest.raises(SystemExit) as stopped:
            console.print("more output than the reader wanted")
    assert stopped.value.code == guard.EXIT_CLOSED_PIPE == 141
