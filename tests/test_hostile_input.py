"""Hostile and careless input (issue 11): refused with located errors, never read for ever or crashed on."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

import sim
from scenario_data import ROOT
from sim.scenario.loader import MAX_DEPTH, MAX_EXTENDS, MAX_FILE_BYTES, ScenarioError
from sim.sweep import load_sweep
from sim.sweep.spec import SweepError

MINIMAL = """\
name: My ceasefire
start_date: 2025-10-19
horizon_days: 180
issues:
  sanctuaries: {description: "action against armed groups (0 none, 1 full)"}
actors:
  north: {role: party, name: North, adversary: south, priorities: {sanctuaries: 1}, positions: {sanctuaries: 1.0}}
  south: {role: party, name: South, adversary: north, priorities: {sanctuaries: 1}, positions: {sanctuaries: 0.2}}
  rebels: {role: armed_group, name: Rebels, host: south, target: north, attack_rate_per_day: 1.5}
talks:
  calendar: [{day: 7}, {date: 2025-11-06, venue: Doha}]
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def errors(path: Path) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        sim.load_scenario(path, warn=False)
    return [e.format() for e in info.value.errors]


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400", ".NaN"])
def test_non_finite_numbers_are_refused_in_plain_and_distribution_fields(value: str) -> None:
    text = MINIMAL.replace("attack_rate_per_day: 1.5", f"attack_rate_per_day: {value}")
    text += f"default_trust: {{initial: 0.5, certainty: {{dist: uniform, low: 1, high: {value}}}}}\n"
    found = errors(write("s.yaml", text))
    assert any(e.startswith("s.yaml:9:") and "actors.rebels.attack_rate_per_day" in e and "finite" in e
               for e in found), found
    assert any("default_trust.certainty" in e and "finite" in e for e in found), found


@pytest.mark.parametrize("value", [".inf", ".nan", "1e400"])
def test_priorities_must_be_finite(value: str) -> None:
    text = MINIMAL.replace("priorities: {sanctuaries: 1}", f"priorities: {{sanctuaries: {value}}}", 1)
    [e] = errors(write("s.yaml", text))
    assert e.startswith("s.yaml:7:") and "actors.north.priorities.sanctuaries" in e and "finite" in e


def test_priorities_must_not_all_be_zero() -> None:
    text = MINIMAL.replace("priorities: {sanctuaries: 1}", "priorities: {sanctuaries: 0}", 1)
    assert any("actors.north.priorities" in e and "must not all be 0" in e for e in errors(write("s.yaml", text)))


def test_empty_actors_or_issues_are_errors() -> None:
    head = MINIMAL.split("issues:")[0]
    found = errors(write("s.yaml", head + "issues: {}\nactors: {}\n"))
    assert any(e.startswith("s.yaml:4:9: issues: {}: is empty") for e in found), found
    assert any(e.startswith("s.yaml:5:9: actors: {}: is empty") for e in found), found


@pytest.mark.parametrize(("old", "new", "field"), [
    ("horizon_days: 180", 'horizon_days: "180"', "horizon_days"),
    ("attack_rate_per_day: 1.5", 'attack_rate_per_day: "1.5"', "actors.rebels.attack_rate_per_day"),
    ("attack_rate_per_day: 1.5", "attack_rate_per_day: true", "actors.rebels.attack_rate_per_day"),
    ("{day: 7}", "{day: 7.0}", "talks.calendar.0.day"),
    ("{day: 7}", '{day: "7"}', "talks.calendar.0.day"),
])
def test_strings_and_booleans_are_not_numbers(old: str, new: str, field: str) -> None:
    found = errors(write("s.yaml", MINIMAL.replace(old, new)))
    assert any(f": {field}: " in e for e in found), found


def test_strings_are_not_booleans() -> None:
    text = MINIMAL + 'ceasefire: {incidents: {mine: {victim: north, counts_as_violation: "true"}}}\n'
    [e] = errors(write("s.yaml", text))
    assert "ceasefire.incidents.mine.counts_as_violation: 'true': expected a valid boolean" in e


@pytest.mark.parametrize(("written", "number"), [("5e-4", 5e-4), ("1E-3", 1e-3), ("2.5e-3", 2.5e-3), ("+1e-2", 1e-2)])
def test_yaml_1_2_exponent_floats_are_numbers(written: str, number: float) -> None:
    text = MINIMAL + f"ceasefire: {{background_breakdown_prob_per_day: {written}}}\n"
    scenario = sim.load_scenario(write("s.yaml", text), warn=False)
    assert scenario.ceasefire.background_breakdown_prob_per_day == number


def test_quoted_dates_still_read() -> None:
    scenario = sim.load_scenario(write("s.yaml", MINIMAL.replace("2025-10-19", '"2025-10-19"')), warn=False)
    assert str(scenario.start_date) == "2025-10-19"


def test_unquoted_comma_in_a_flow_mapping_says_why() -> None:
    text = MINIMAL.replace('"action against armed groups (0 none, 1 full)"', "action against armed groups (0 none, 1 full)")
    [e] = errors(write("s.yaml", text))
    assert e.startswith("s.yaml:5:") and "cut at a comma" in e and "quotes" in e


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_a_fifo_is_refused_at_once() -> None:
    os.mkfifo("pipe.yaml")  # reading it would block until a writer came
    [e] = errors(Path("pipe.yaml"))
    assert e == "pipe.yaml: cannot read: not a regular file; expected a YAML file"


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused() -> None:
    [e] = errors(Path("/dev/zero"))
    assert "not a regular file" in e


def test_a_directory_is_refused() -> None:
    Path("d.yaml").mkdir()
    [e] = errors(Path("d.yaml"))
    assert "a directory" in e


def test_an_oversized_file_is_refused_without_reading_it() -> None:
    with open("big.yaml", "wb") as f:
        f.truncate(MAX_FILE_BYTES + 1)  # sparse: costs no disk
    [e] = errors(Path("big.yaml"))
    assert "at most" in e and f"{MAX_FILE_BYTES:,}" in e


def test_non_utf8_text_is_located() -> None:
    Path("latin.yaml").write_bytes(MINIMAL.encode("utf-8").replace(b"My ceasefire", b"Caf\xe9"))
    [e] = errors(Path("latin.yaml"))
    assert "not UTF-8" in e and "line 1" in e


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 500, 5000])
def test_deep_nesting_is_bounded(depth: int) -> None:
    [e] = errors(write("deep.yaml", "name: " + "[" * depth + "]" * depth + "\n"))
    assert e.startswith("deep.yaml:1:") and f"nested more than {MAX_DEPTH} levels" in e


def test_long_extends_chains_are_bounded() -> None:
    for i in range(1500):
        Path(f"c{i}.yaml").write_text(f"extends: c{i + 1}.yaml\n")
    [e] = errors(Path("c0.yaml"))
    assert f"extends chain longer than {MAX_EXTENDS} files" in e


def test_readme_minimal_scenario_is_this_one() -> None:
    # The README shows the same minimal file; the README test checks every block, this one its content.
    assert MINIMAL.split("issues:")[1] in (ROOT / "README.md").read_text(encoding="utf-8")


# --- sweep files -----------------------------------------------------------------------------------------

def sweep_text(**fields: str) -> str:
    base = (ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml").as_posix()
    text = {
        "name": "s", "base": base, "seed": "1", "replications": "1000",
        "parameters": "[{path: actors.ttp.ideological_alignment, values: [0.2, 0.5]}]",
        "design": "{method: grid}",
    }
    text.update(fields)
    return "".join(f"{k}: {v}\n" for k, v in text.items())


def sweep_errors(text: str) -> list[str]:
    with pytest.raises(SweepError) as info:
        load_sweep(write("sw.yaml", text))
    return [e.format() for e in info.value.errors]


@pytest.mark.parametrize(("field", "value"), [("replications", '"1000"'), ("seed", "true"), ("seed", "1.5"),
                                               ("seed", ".inf"), ("replications", "1e400")])
def test_sweep_numbers_are_strict(field: str, value: str) -> None:
    found = sweep_errors(sweep_text(**{field: value}))
    assert any(f"sw.yaml:" in e and f": {field}: " in e for e in found), found


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf", "1e400"])
def test_non_finite_sweep_values_are_located(value: str) -> None:
    found = sweep_errors(sweep_text(parameters=f"[{{path: actors.ttp.ideological_alignment, values: [0.2, {value}]}}]"))
    assert any(e.startswith("sw.yaml:5:") and "parameters.0.values.1" in e and "finite" in e for e in found), found


def test_non_finite_sweep_ranges_are_located() -> None:
    found = sweep_errors(sweep_text(parameters="[{path: actors.ttp.ideological_alignment, range: [0.1, .nan]}]",
                                    design="{method: latin_hypercube, samples: 4}"))
    assert any("parameters.0.range" in e and "finite" in e for e in found), found


def test_sweep_exponent_values_are_numbers() -> None:
    sweep = load_sweep(write("sw.yaml", sweep_text(
        parameters="[{path: ceasefire.background_breakdown_prob_per_day, values: [5e-4, 1e-3]}]")))
    assert sweep.points == [(5e-4,), (1e-3,)]


def test_a_third_party_is_refused_with_a_located_error() -> None:
    # The model is a dyad: a third state is refused where it is declared, not accepted silently.
    text = MINIMAL.replace(
        "  rebels:",
        "  east: {role: party, name: East, adversary: north, priorities: {sanctuaries: 1}, "
        "positions: {sanctuaries: 0.5}}\n  rebels:")
    [e] = errors(write("s.yaml", text))
    assert e.startswith("s.yaml:9:16: ")  # the line and column of the third party's role
    assert "actors.east.role: party: the model has exactly two parties (north, south)" in e
    assert "as a mediator" in e


def test_an_expiry_needs_exactly_one_of_day_or_date_and_a_date_after_the_start() -> None:
    [both] = errors(write("a.yaml", MINIMAL + "ceasefire: {expiry: {day: 30, date: 2025-11-30}}\n"))
    assert both.startswith("a.yaml:12:") and "ceasefire.expiry: " in both
    assert both.endswith("give exactly one of day or date")
    [early] = errors(write("b.yaml", MINIMAL + "ceasefire: {expiry: {date: 2025-10-01}}\n"))
    assert "ceasefire.expiry.date: '2025-10-01': is day -18; the expiry must fall within days 1..3650" in early


def test_an_incident_victim_must_be_a_party() -> None:
    [e] = errors(write("s.yaml", MINIMAL + "ceasefire: {incidents: {mine: {victim: rebels, rate_per_day: 0.01}}}\n"))
    assert e.startswith("s.yaml:12:40: ")
    assert "ceasefire.incidents.mine.victim: rebels: is not a defined party; defined: north, south" in e


def test_a_mediator_that_comes_only_by_joining_is_written_never() -> None:
    # Under extends, null deletes an inherited value (so from_day would fall back to day 0): `never` says it.
    moved = MINIMAL.replace("talks:", "  broker: {role: mediator, name: Broker, engagement: {from_day: soon}}\ntalks:")
    [e] = errors(write("s.yaml", moved))
    assert "actors.broker.engagement.from_day: soon: expected a number or a distribution" in e
    assert "or expected 'never'" in e
    fine = moved.replace("from_day: soon", "from_day: never, join_after_stalled_rounds: 2")
    assert sim.load_scenario(write("t.yaml", fine), warn=False).actors["broker"].engagement.start_day is None
