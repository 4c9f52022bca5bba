"""Setting scenario values by path: Scenario.with_values, --set on run/compare/sweep, short reprs."""

from __future__ import annotations

import datetime as dt
import json
import warnings
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import sim
from scenario_data import BASELINE, ROOT
from sim.cli import app, register_commands
from sim.scenario.loader import ScenarioError, ScenarioWarning
from sim.scenario.overrides import parse_assignments

register_commands()
runner = CliRunner()
SWEEP = ROOT / "experiments" / "trust_vs_alignment.yaml"


def invoke(*args: object):
    return runner.invoke(app, [str(a) for a in args])


# ------------------------------------------------------------------ with_values


def test_with_values_returns_a_new_validated_scenario(baseline):
    new = baseline.with_values({"actors.us.leverage": 0.8, "talks.acceptance_temperature": 0.08})
    assert new.actors["us"].leverage == 0.8 and new.talks.acceptance_temperature == 0.08
    assert baseline.actors["us"].leverage != 0.8  # the original is unchanged
    assert new.source == baseline.source
    # Everything not set is as it was.
    before, after = baseline.model_dump(), new.model_dump()
    after["actors"]["us"]["leverage"] = before["actors"]["us"]["leverage"]
    after["talks"]["acceptance_temperature"] = before["talks"]["acceptance_temperature"]
    assert before == after
    assert baseline.with_values({}) == baseline


def test_with_values_takes_distributions_and_list_indices(baseline):
    new = baseline.with_values({"actors.us.leverage": {"dist": "uniform", "low": 0.4, "high": 0.9},
                                "talks.calendar.0.date": dt.date(2025, 10, 22)})
    assert new.actors["us"].leverage.support() == (0.4, 0.9)
    assert new.talks.calendar[0].date == dt.date(2025, 10, 22)
    # Setting the day too leaves the entry with both: the rule across its fields names what was set.
    with pytest.raises(ScenarioError, match=r"talks\.calendar\.0: null: give exactly one of day or date \(after "
                                            r"setting talks\.calendar\.0\.day=3\)"):
        baseline.with_values({"talks.calendar.0.day": 3})


def test_with_values_reports_every_bad_path_and_value_at_once(baseline):
    with pytest.raises(ScenarioError) as info:
        baseline.with_values({"actors.us.levrage": 0.8, "actors.us.leverage": 1.5,
                              "talks.acceptance_temperature": "warm", "actors.nobody.leverage": 0.1})
    lines = str(info.value).splitlines()
    assert len(lines) == 4, lines
    assert any(line.startswith("with_values: actors.us.levrage: 0.8: no field 'levrage'")
               and "did you mean 'actors.us.leverage'" in line for line in lines), lines
    assert "with_values: actors.us.leverage: 1.5: is not in [0, 1]" in lines
    assert any(line.startswith("with_values: talks.acceptance_temperature: warm: expected a number")
               for line in lines), lines
    assert any(line.startswith("with_values: actors.nobody.leverage") for line in lines), lines


def test_with_values_names_the_values_behind_a_rule_across_fields(baseline):
    window = baseline.ceasefire.breakdown_window_days
    with pytest.raises(ScenarioError) as info:
        baseline.with_values({"ceasefire.breakdown_violation_days": window + 1})
    assert f"cannot exceed breakdown_window_days ({window:g})" in str(info.value)
    assert str(info.value).startswith("with_values: ceasefire.breakdown_violation_days")


def test_with_values_warns_on_doubtful_values(baseline):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        baseline.with_values({"ceasefire.background_breakdown_prob_per_day": 0.2})
    messages = [str(w.message) for w in caught if issubclass(w.category, ScenarioWarning)]
    assert messages == [("with_values: ceasefire.background_breakdown_prob_per_day: 0.2: legal but doubtful: "
                         "usually within [0, 0.01] probability/day")]


def test_a_set_value_changes_the_run_reproducibly(baseline):
    base = sim.run(baseline, n_replications=2000, seed=5, horizon_days=90)
    higher = baseline.with_values({"actors.us.leverage": 1.0})
    one = sim.run(higher, n_replications=2000, seed=5, horizon_days=90)
    two = sim.run(higher, n_replications=2000, seed=5, horizon_days=90)
    assert one.summary() == two.summary()
    assert one.stats.agreements != base.stats.agreements


def test_parse_assignments_reads_values_as_yaml():
    values = parse_assignments(["a.b=5e-4", "a.c=true", "a.d='0.8'", "a.e=2025-11-01",
                                "a.f={dist: uniform, low: 0, high: 1}", "a.g=null", " a.h = 3 "])
    assert values == {"a.b": 5e-4, "a.c": True, "a.d": "0.8", "a.e": dt.date(2025, 11, 1),
                      "a.f": {"dist": "uniform", "low": 0, "high": 1}, "a.g": None, "a.h": 3}


def test_parse_assignments_reports_every_malformed_one():
    with pytest.raises(ScenarioError) as info:
        parse_assignments(["leverage", "=1", "a.b=", "a.c=[1, 2", "a.d=1", "a.d=2"])
    text = str(info.value)
    assert len(info.value.errors) == 5, text
    assert "--set: leverage: expected PATH=VALUE" in text
    assert "--set: a.b: missing: no value after '='" in text
    assert "--set: a.c" in text and "cannot read the value as YAML" in text
    assert "--set: a.d: 2: set twice (first to 1)" in text


# ------------------------------------------------------------------ reprs


def test_reprs_are_short_and_say_what_matters(baseline):
    result = sim.run(baseline, n_replications=1000, seed=2, horizon_days=30)
    text = repr(result)
    p, lo, hi = result.p_hold()
    assert len(text) < 400 and len(text.splitlines()) <= 3, text
    assert baseline.name in text and "1,000 replications" in text and "seed 2" in text
    assert f"{p:.3f}  95% CI [{lo:.3f}, {hi:.3f}]" in text
    html = result._repr_html_()
    assert html.startswith("<table>") and len(html) < 2000 and f"{p:.3f}" in html
    scenario_text = repr(baseline)
    assert len(scenario_text) < 400 and "\n" not in scenario_text and baseline.name in scenario_text
    assert str(baseline) == scenario_text and str(result) == text
    assert "pakistan" in scenario_text and str(baseline.start_date) in scenario_text
    assert baseline._repr_html_().startswith("<table>")


def test_html_views_escape_scenario_text(baseline):
    odd = baseline.with_values({"name": "<script>alert(1)</script> & co"})
    page = odd._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


# ------------------------------------------------------------------ --set on the command line


def test_run_set_changes_the_result_and_the_resolved_scenario(tmp_path: Path):
    args = ["run", BASELINE, "-n", "2000", "--seed", "5", "--horizon", "90", "--json"]
    plain = invoke(*args)
    out = tmp_path / "res"
    changed = invoke(*args, "--set", "actors.us.leverage=1.0", "--set", "talks.acceptance_temperature=0.08",
                     "--out", out)
    again = invoke(*args, "--set", "actors.us.leverage=1.0", "--set", "talks.acceptance_temperature=0.08")
    assert plain.exit_code == changed.exit_code == again.exit_code == 0, changed.output
    a, b, c = (json.loads(r.stdout) for r in (plain, changed, again))
    assert b["p_agreement"] != a["p_agreement"]
    assert b == c  # reproducible at a fixed seed
    resolved = yaml.safe_load((out / "scenario.resolved.yaml").read_text(encoding="utf-8"))
    assert resolved["actors"]["us"]["leverage"] == 1.0 and resolved["talks"]["acceptance_temperature"] == 0.08
    # The library gives the same numbers: one implementation.
    lib = sim.run(sim.load_scenario(BASELINE).with_values({"actors.us.leverage": 1.0,
                                                          "talks.acceptance_temperature": 0.08}),
                  n_replications=2000, seed=5, horizon_days=90)
    assert lib.summary()["p_agreement"] == b["p_agreement"]


def test_bad_set_exits_2_with_every_problem_located():
    res = invoke("run", BASELINE, "-n", "1000", "--set", "actors.us.leverage=1.7", "--set", "actors.uss.leverage=0.5")
    assert res.exit_code == 2
    assert "--set: actors.us.leverage: 1.7: is not in [0, 1]" in res.stderr
    assert "--set: actors.uss.leverage: 0.5: no field 'uss' in actors; did you mean 'actors.us'?" in res.stderr
    assert f"{BASELINE}: 2 errors in --set" in res.stderr
    assert "Traceback" not in res.output
    malformed = invoke("run", BASELINE, "--set", "leverage")
    assert malformed.exit_code == 2 and "--set: leverage: expected PATH=VALUE" in malformed.stderr


def test_compare_sets_the_value_in_every_scenario():
    args = ["compare", BASELINE, BASELINE, "-n", "1000", "--seed", "4", "--horizon", "60", "--json"]
    plain, changed = invoke(*args), invoke(*args, "--set", "actors.us.leverage=1.0")
    assert plain.exit_code == changed.exit_code == 0, changed.output
    a, b = json.loads(plain.stdout), json.loads(changed.stdout)
    first, second = (s["p_hold"] for s in b["scenarios"])
    assert first == second  # the same file with the same values set
    assert b != a
    bad = invoke("compare", BASELINE, BASELINE, "-n", "1000", "--set", "actors.us.leverage=-1")
    assert bad.exit_code == 2 and "--set: actors.us.leverage: -1: is not in [0, 1]" in bad.stderr


def test_sweep_takes_replications_and_set():
    res = invoke("sweep", SWEEP, "--dry-run", "--replications", "100", "--set", "actors.us.leverage=0.8")
    assert res.exit_code == 0, res.output
    assert "x 100 replications" in res.stdout
    bad = invoke("sweep", SWEEP, "--dry-run", "--set", "actors.us.leverage=3")
    assert bad.exit_code == 2 and "--set: actors.us.leverage: 3: is not in [0, 1]" in bad.stderr
    swept = invoke("sweep", SWEEP, "--dry-run", "--set", "actors.ttp.ideological_alignment=0.5")
    assert swept.exit_code == 2
    assert "--set: actors.ttp.ideological_alignment: 0.5: the sweep varies" in swept.stderr


def test_sweep_set_reaches_the_base_scenario_and_the_manifest(tmp_path: Path):
    from sim.sweep.spec import load_sweep

    sweep = load_sweep(SWEEP, replications=1000, set_values={"actors.us.leverage": 0.8})
    assert sweep.spec.replications == 1000
    assert sweep.base_scenario.actors["us"].leverage == 0.8
    assert sweep.base_data["actors"]["us"]["leverage"] == 0.8  # what the workers build points from
    plain = load_sweep(SWEEP)
    assert plain.base_hash != sweep.base_hash  # a resume with other --set values is refused
    from sim.sweep.store import build_manifest

    assert build_manifest(sweep, 1000, 30)["set"] == {"actors.us.leverage": 0.8}


def test_resuming_a_sweep_with_other_set_values_is_refused(tmp_path: Path):
    small = tmp_path / "small.yaml"
    small.write_text(f"""name: two points
base: {BASELINE}
seed: 1
replications: 1000
horizon_days: 10
parameters:
  - path: actors.ttp.ideological_alignment
    values: [0.3, 0.6]
design: {{method: grid}}
""", encoding="utf-8")
    out = tmp_path / "sw"
    first = invoke("sweep", small, "--out", out, "--workers", "1", "--set", "actors.us.leverage=0.8")
    assert first.exit_code == 0, first.output
    again = invoke("sweep", small, "--out", out, "--workers", "1", "--resume", "--set", "actors.us.leverage=0.9")
    assert again.exit_code == 2
    assert 'it was started with --set {"actors.us.leverage": 0.8}, now {"actors.us.leverage": 0.9}' in again.stderr
    same = invoke("sweep", small, "--out", out, "--workers", "1", "--resume", "--set", "actors.us.leverage=0.8")
    assert same.exit_code == 0, same.output


@pytest.mark.parametrize("path", sorted((ROOT / "scenarios").glob("*.yaml")) + sorted(ROOT.glob("cases/*/scenario.yaml")),
                         ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shipped_scenario_survives_the_round_trip_with_values_makes(path: Path):
    # with_values validates the scenario's dump: a field that did not read back as written would break it.
    scenario = sim.load_scenario(path, warn=False)
    assert scenario.with_values({}) == scenario
