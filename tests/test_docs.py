"""Documentation that must stay true to the code."""

from __future__ import annotations

from scenario_data import ROOT
from sim.scenario.reference import BEGIN, END, reference_markdown


def test_readme_scenario_reference_is_current():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    embedded = text[text.index(BEGIN) + len(BEGIN):text.index(END)]
    assert embedded.strip() == reference_markdown().strip(), (
        "README's format reference is stale: run python -m sim.scenario.reference --update-readme README.md")


def test_every_schema_field_is_documented():
    reference = reference_markdown()
    for line in reference.splitlines():
        if line.startswith("| `"):
            meaning = line.rstrip("|").rsplit("|", 1)[-1].strip()
            assert meaning, f"undocumented field: {line}"


def test_model_doc_follows_odd():
    text = (ROOT / "docs" / "MODEL.md").read_text(encoding="utf-8").lower()
    for section in ("purpose", "entities", "process overview", "design concepts", "initialization",
                    "input data", "submodels", "calibration"):
        assert section in text, section
