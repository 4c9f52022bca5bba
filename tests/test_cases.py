"""The case library (cases/): every scenario validates and runs, every outcome record follows the schema
documented in cases/README.md."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import sim

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "cases"
CASE_DIRS = sorted(p for p in CASES.iterdir() if p.is_dir())

STATUSES = {"broke_down", "expired", "replaced", "holding"}
KINDS = {"interstate", "intrastate", "transnational"}
REQUIRED = {"case_id", "start_date", "kind", "mediated", "status", "end_date", "first_sustained_fighting",
            "first_sustained_fighting_basis", "ending", "violation_pattern", "sources", "notes"}
SOURCE_KEYS = {"outlet", "title", "date", "url", "accessed"}
COUNT_KEYS = {"measure", "value", "from", "to", "source"}
MONTH = re.compile(r"^\d{4}-\d{2}$")


def _outcome(case: Path) -> dict:
    with open(case / "outcome.yaml", encoding="utf-8") as f:
        return yaml.safe_load(f)


def _is_source_date(value: object) -> bool:
    return isinstance(value, dt.date) or value == "unknown" or (isinstance(value, str) and bool(MONTH.match(value)))


def test_library_has_at_least_twelve_cases_of_every_kind():
    assert len(CASE_DIRS) >= 12
    outcomes = [_outcome(c) for c in CASE_DIRS]
    assert {o["kind"] for o in outcomes} >= {"interstate", "intrastate"}
    assert {o["mediated"] for o in outcomes} == {True, False}
    assert any(o["status"] == "holding" for o in outcomes)
    assert any(o["status"] == "broke_down" for o in outcomes)
    for required in ("ttp_pakistan_2021", "ttp_pakistan_2022", "india_pakistan_loc_2003", "india_pakistan_loc_2021"):
        assert (CASES / required).is_dir()
    # the project's own cases are evaluated separately and must not be in the library
    assert not any(c.name.startswith(("pakistan_afghanistan_2025", "thailand_cambodia_2025")) for c in CASE_DIRS)


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_case_has_exactly_a_scenario_and_an_outcome(case):
    assert sorted(p.name for p in case.iterdir()) == ["outcome.yaml", "scenario.yaml"]


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_scenario_validates_and_runs(case):
    scenario = sim.load_scenario(case / "scenario.yaml", warn=False)
    assert len(scenario.actors_with_role("party")) == 2
    result = sim.run(scenario, n_replications=50, seed=3)
    assert 0.0 <= result.summary()["p_hold"] <= 1.0


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_scenario_declares_its_provenance(case):
    text = (case / "scenario.yaml").read_text(encoding="utf-8")
    assert "global: from shared calibration" in text
    assert re.search(r"https?://", text), "a scenario cites at least one source URL"


def test_cli_validate_exits_zero_on_every_case():
    files = [str(c / "scenario.yaml") for c in CASE_DIRS]
    done = subprocess.run([sys.executable, "-m", "sim.cli", "validate", *files], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_outcome_follows_the_schema(case):
    o = _outcome(case)
    assert set(o) == REQUIRED, f"keys: missing {REQUIRED - set(o)}, unknown {set(o) - REQUIRED}"
    assert o["case_id"] == case.name
    assert o["status"] in STATUSES
    assert o["kind"] in KINDS
    assert isinstance(o["mediated"], bool)
    start, end, fought = o["start_date"], o["end_date"], o["first_sustained_fighting"]
    assert isinstance(start, dt.date) and isinstance(end, dt.date)
    assert start <= end
    assert fought is None or (isinstance(fought, dt.date) and start <= fought)
    if o["status"] == "holding":
        assert fought is None or fought > end, "a case still holding at its censoring date had no breakdown before it"
    for text in ("first_sustained_fighting_basis", "ending", "notes"):
        assert isinstance(o[text], str) and o[text].strip()
    assert isinstance(o["violation_pattern"]["summary"], str) and o["violation_pattern"]["summary"].strip()

    sources = o["sources"]
    assert sources, "at least one source"
    urls = set()
    for s in sources:
        assert set(s) == SOURCE_KEYS
        assert re.match(r"^https?://\S+$", s["url"])
        assert _is_source_date(s["date"])
        assert isinstance(s["accessed"], dt.date)
        urls.add(s["url"])
    for count in o["violation_pattern"]["counts"]:
        assert set(count) == COUNT_KEYS
        assert isinstance(count["value"], (int, float)) and not isinstance(count["value"], bool)
        assert count["from"] <= count["to"]
        assert count["source"] in urls, "a count cites one of the record's sources"


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: p.name)
def test_outcome_and_scenario_agree_on_the_start(case):
    scenario = sim.load_scenario(case / "scenario.yaml", warn=False)
    assert scenario.start_date == _outcome(case)["start_date"]
