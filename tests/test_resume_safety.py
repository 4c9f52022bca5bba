"""Resuming a sweep (issue 11): refused against changed code or package versions unless forced; corrupt,
stray or missing task files are detected, never counted as done."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pandas as pd
import pytest

import sim.results
from scenario_data import BASELINE
from sim.sweep import ResumeRefused, load_sweep, run_sweep
from sim.sweep.store import SweepStore

TINY = f"""\
name: tiny sweep
base: {BASELINE}
seed: 11
replications: 2000
replications_per_task: 1000
horizon_days: 20
parameters:
  - path: actors.ttp.ideological_alignment
    values: [0.2, 0.8]
design: {{method: grid}}
outcomes: {{survival_days: [7, 20]}}
"""


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pd.DataFrame]:
    """A finished sweep: its folder and its table."""
    d = tmp_path_factory.mktemp("ref")
    path = d / "sweep.yaml"
    path.write_text(TINY, encoding="utf-8")
    run_sweep(load_sweep(path), d / "out", workers=1)
    return d, pd.read_parquet(d / "out" / "results.parquet")


def copy_of(reference: tuple[Path, pd.DataFrame], tmp_path: Path) -> tuple[Path, Path]:
    src, _ = reference
    shutil.copy(src / "sweep.yaml", tmp_path / "sweep.yaml")
    shutil.copytree(src / "out", tmp_path / "out")
    (tmp_path / "out" / "results.parquet").unlink()  # as if interrupted before consolidation
    return tmp_path / "sweep.yaml", tmp_path / "out"


def test_manifest_records_source_hash_and_salib(reference) -> None:
    d, _ = reference
    manifest = json.loads((d / "out" / "manifest.json").read_text())
    assert manifest["source_hash"] == sim.results.source_hash()
    assert len(manifest["source_hash"]) == 64
    assert "SALib" in manifest["versions"] and manifest["versions"]["SALib"] != "not installed"


def test_source_hash_changes_with_one_line_of_sim(tmp_path: Path, monkeypatch) -> None:
    fake = tmp_path / "sim"
    shutil.copytree(Path(sim.results.__file__).parent, fake, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(sim.results, "__file__", str(fake / "results.py"))
    before = sim.results.source_hash()
    model_file = sorted((fake / "model").rglob("*.py"))[-1]  # any file of the model will do
    model_file.write_text(model_file.read_text() + "\n# one more line\n")
    assert sim.results.source_hash() != before


def test_resume_refuses_changed_code_unless_forced(reference, tmp_path: Path) -> None:
    path, out = copy_of(reference, tmp_path)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["source_hash"] = "0" * 64  # as if sim/ had been edited since the sweep started
    (out / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ResumeRefused, match=r"code in sim/ changed .*--force-resume"):
        run_sweep(load_sweep(path), out, resume=True)
    outcome = run_sweep(load_sweep(path), out, resume=True, force_resume=True)
    assert outcome.status == "complete"


def test_force_does_not_override_a_changed_sweep_file(reference, tmp_path: Path) -> None:
    path, out = copy_of(reference, tmp_path)
    path.write_text(TINY.replace("seed: 11", "seed: 12"))
    with pytest.raises(ResumeRefused, match="the sweep file changed"):
        run_sweep(load_sweep(path), out, resume=True, force_resume=True)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "other_task"])
def test_a_corrupt_task_file_is_rerun_and_the_table_is_unchanged(reference, tmp_path: Path, damage: str) -> None:
    _, table = reference
    path, out = copy_of(reference, tmp_path)
    tasks = sorted((out / "tasks").glob("p*.parquet"))
    victim = tasks[0]
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "garbage":
        victim.write_bytes(b"PAR1" + b"\0" * 500)
    else:  # a sound file, but another task's record
        shutil.copy(tasks[1], victim)
    outcome = run_sweep(load_sweep(path), out, resume=True)
    assert outcome.status == "complete"
    assert outcome.corrupt_tasks == [victim.stem]
    assert outcome.tasks_run == 1
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), table)
    assert list((out / "tasks" / "corrupt").iterdir())  # kept aside for inspection


def test_stray_files_in_tasks_are_ignored(reference, tmp_path: Path) -> None:
    _, table = reference
    path, out = copy_of(reference, tmp_path)
    (out / "tasks" / "pnotatask.parquet").write_bytes(b"junk")
    (out / "tasks" / "p999999_r0000000-0001000.parquet").write_bytes(b"junk")
    outcome = run_sweep(load_sweep(path), out, resume=True)
    assert outcome.status == "complete" and outcome.tasks_run == 0
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), table)


def test_a_deleted_tasks_folder_means_everything_runs_again(reference, tmp_path: Path) -> None:
    _, table = reference
    path, out = copy_of(reference, tmp_path)
    shutil.rmtree(out / "tasks")
    outcome = run_sweep(load_sweep(path), out, resume=True)
    assert outcome.status == "complete" and outcome.tasks_run == outcome.n_tasks
    pd.testing.assert_frame_equal(pd.read_parquet(out / "results.parquet"), table)


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", ""])
def test_a_corrupt_manifest_is_refused_in_one_line(reference, tmp_path: Path, content: str) -> None:
    path, out = copy_of(reference, tmp_path)
    (out / "manifest.json").write_text(content)
    with pytest.raises(ResumeRefused, match="manifest.json") as info:
        run_sweep(load_sweep(path), out, resume=True)
    assert "\n" not in str(info.value)


def test_ledger_lines_carry_the_file_hash(reference) -> None:
    d, _ = reference
    lines = [json.loads(x) for x in (d / "out" / "ledger.jsonl").read_text().splitlines()]
    assert lines and all(len(entry["sha256"]) == 64 for entry in lines)
    assert SweepStore(d / "out").finished() == {entry["task"] for entry in lines}
