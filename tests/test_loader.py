"""Tests for sim.scenario.loader: YAML reading with positions, extends, and located validation errors."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path
from typing import Annotated, Any, Literal, Union

import pytest
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.scenario.loader import (
    MISSING,
    LocatedMessage,
    ScenarioError,
    load,
    locate,
    read_yaml,
    resolve_extends,
    show,
    validate,
)

# --- a toy schema, independent of the real one ------------------------------------------------------------


class Party(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["party"]
    leverage: float = Field(ge=0, le=1)
    trust: dict[str, float] = {}


class Mediator(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["mediator"]
    bias: float = 0.0


Actor = Annotated[Union[Party, Mediator], Field(discriminator="role")]


class Talks(BaseModel):
    model_config = ConfigDict(extra="forbid")
    calendar: list[int] = []
    venue: str = "Geneva"


class Toy(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    horizon: int = Field(default=30, ge=1, le=365)
    mode: Literal["fast", "slow"] = "fast"
    actors: dict[str, Actor]
    talks: Talks = Talks()

    def semantic_errors(self) -> list[tuple[tuple, Any, str]]:
        errors: list[tuple[tuple, Any, str]] = []
        for aid, actor in self.actors.items():
            for other in getattr(actor, "trust", {}):
                if other not in self.actors:
                    errors.append((("actors", aid, "trust", other), other, "is not a defined actor"))
        for i, day in enumerate(self.talks.calendar):
            if day > self.horizon:
                errors.append((("talks", "calendar", i), day, f"is beyond the horizon ({self.horizon})"))
        return errors

    def semantic_warnings(self) -> list[tuple[tuple, Any, str]]:
        return [(("actors", aid, "leverage"), a.leverage, "no leverage at all")
                for aid, a in self.actors.items() if isinstance(a, Party) and a.leverage == 0]


GOOD = """\
name: baseline
horizon: 60
actors:
  us:
    role: party
    leverage: 0.6
    trust: {them: 0.2}
  them:
    role: party
    leverage: 0.4
talks:
  calendar: [10, 20]
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # File names in messages are relative to the working directory.
    monkeypatch.chdir(tmp_path)


def write(name: str, text: str) -> Path:
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def where(text: str, needle: str) -> tuple[int, int]:
    """1-based (line, column) of the only occurrence of ``needle`` in ``text``."""
    text = textwrap.dedent(text)
    assert text.count(needle) == 1, needle
    before = text[: text.index(needle)]
    return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def errors_of(path: Path, model: type[BaseModel] = Toy) -> list[LocatedMessage]:
    with pytest.raises(ScenarioError) as info:
        load(path, model)
    return info.value.errors


# --- reading and validating one file ----------------------------------------------------------------------


def test_good_file_loads() -> None:
    loaded = load(write("s.yaml", GOOD), Toy)
    assert loaded.model.actors["us"].leverage == 0.6
    assert loaded.data["talks"] == {"calendar": [10, 20]}
    assert loaded.warnings == []
    assert loaded.marks[("talks", "calendar", 1)] == ("s.yaml", 12, 18)


def test_bad_value_is_located_exactly() -> None:
    path = write("base.yaml", GOOD.replace("leverage: 0.6", "leverage: 1.7"))
    [err] = errors_of(path)
    assert (err.file, err.line, err.column) == ("base.yaml", 6, 15)
    assert err.path == "actors.us.leverage"
    assert err.value == 1.7
    assert err.format() == "base.yaml:6:15: actors.us.leverage: 1.7: is not in [0, 1]"


def test_all_errors_reported_at_once_in_file_order() -> None:
    text = (GOOD.replace("horizon: 60", "horizon: 0").replace("leverage: 0.4", "leverage: high")
            .replace("name: baseline\n", "name: baseline\nmode: medium\n"))
    errs = errors_of(write("s.yaml", text))
    assert [e.path for e in errs] == ["mode", "horizon", "actors.them.leverage"]
    assert [e.line for e in errs] == [2, 3, 11]
    assert errs[0].value == "medium" and "'fast' or 'slow'" in errs[0].message
    assert errs[1].message == "is not in [1, 365]"


def test_unknown_key_points_at_the_key_and_lists_allowed_fields() -> None:
    text = GOOD.replace("    leverage: 0.4", "    levrage: 0.4")
    errs = errors_of(write("s.yaml", text))
    unknown = [e for e in errs if e.path == "actors.them.levrage"]
    assert len(unknown) == 1
    assert (unknown[0].line, unknown[0].column) == where(text, "levrage")
    assert "did you mean 'leverage'?" in unknown[0].message
    assert unknown[0].message.endswith("allowed: role, leverage, trust")  # Party's fields, not Mediator's
    # The misspelling also leaves leverage missing, reported at the same time.
    assert any(e.path == "actors.them.leverage" and e.value is MISSING for e in errs)


def test_missing_field_points_at_parent_mapping() -> None:
    text = GOOD.replace("    leverage: 0.4\n", "")
    [err] = errors_of(write("s.yaml", text))
    assert err.path == "actors.them.leverage"
    assert (err.line, err.column) == where(text, "them:\n")
    assert err.format().endswith("actors.them.leverage: missing: field required")


def test_missing_top_level_field_points_at_document_start() -> None:
    [err] = errors_of(write("s.yaml", GOOD.replace("name: baseline\n", "")))
    assert (err.path, err.line, err.column) == ("name", 1, 1)


def test_union_tag_error_points_at_the_tag() -> None:
    text = GOOD.replace("role: party\n    leverage: 0.4", "role: rebel\n    leverage: 0.4")
    [err] = errors_of(write("s.yaml", text))
    assert err.path == "actors.them.role" and err.value == "rebel"
    assert (err.line, err.column) == where(text, "rebel")
    assert "'party', 'mediator'" in err.message


def test_union_branch_names_are_dropped_from_paths() -> None:
    class Holder(BaseModel):
        model_config = ConfigDict(extra="forbid")
        x: Union[float, Party]

    errs = errors_of(write("s.yaml", "x: {role: party, leverage: 3}\n"), Holder)
    assert [e.path for e in errs] == ["x.leverage"]
    [err] = errors_of(write("t.yaml", "x: abc\n"), Holder)
    assert err.path == "x" and " or " in err.message  # one message for both branches


def test_model_level_error_in_a_tagged_union_is_kept_with_field_errors() -> None:
    class Checked(Party):
        @model_validator(mode="before")
        @classmethod
        def no_secrets(cls, data: Any) -> Any:
            if isinstance(data, dict) and "secret" in data:
                raise ValueError("secrets are not allowed")
            return data

    class Holder(BaseModel):
        a: dict[str, Annotated[Union[Checked, Mediator], Field(discriminator="role")]]

    text = "a:\n  x: {role: party, secret: 1}\n  y: {role: party, leverage: 5}\n"
    errs = errors_of(write("s.yaml", text), Holder)
    assert [(e.path, e.message) for e in errs] == [("a.x", "secrets are not allowed"),
                                                    ("a.y.leverage", "is not in [0, 1]")]


def test_duplicate_key_is_located() -> None:
    text = "name: a\nhorizon: 5\nname: b\nactors: {}\n"
    with pytest.raises(ScenarioError) as info:
        read_yaml(write("s.yaml", text))
    [err] = info.value.errors
    assert (err.path, err.line, err.column) == ("name", 3, 1)
    assert "duplicate key (first set on line 1)" in err.message


def test_syntax_error_is_located() -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml(write("s.yaml", "name: a\nactors:\n  us: [1, 2\nhorizon: 3\n"))
    [err] = info.value.errors
    assert err.file == "s.yaml" and err.line == 4 and err.column is not None
    assert err.message.startswith("YAML syntax:")


def test_python_tags_are_rejected_not_executed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"name: !!python/object/apply:os.system ['touch {marker}']\nactors: {{}}\n"
    with pytest.raises(ScenarioError) as info:
        read_yaml(write("s.yaml", text))
    [err] = info.value.errors
    assert (err.path, err.line, err.column) == ("name", 1, 7)
    assert "unsupported YAML tag !!python/object/apply:os.system" in err.message
    assert not marker.exists()


def test_other_yaml_problems_are_located() -> None:
    text = "1: a\non: b\nx: 2024-13-45\nbase: &b {k: 1}\ny:\n  <<: *b\nz: *b\n"
    with pytest.raises(ScenarioError) as info:
        read_yaml(write("s.yaml", text))
    got = [(e.line, e.message.split(";")[0]) for e in info.value.errors]
    assert got == [
        (1, "mapping keys must be strings"),
        (2, "mapping keys must be strings"),
        (3, "cannot read as timestamp: month must be in 1..12"),
        (6, "merge keys (<<) are not supported"),
    ]


def test_alias_bomb_is_stopped() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [*a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}, *a{i-1}]"
              for i in range(1, 8)]
    with pytest.raises(ScenarioError, match="aliases expand to more than"):
        read_yaml(write("s.yaml", "\n".join(lines) + "\n"))


def test_aliases_are_expanded() -> None:
    data, _ = read_yaml(write("s.yaml", "a: &v [1, 2]\nb: *v\n"))
    assert data == {"a": [1, 2], "b": [1, 2]} and data["a"] is not data["b"]


@pytest.mark.parametrize(("text", "message"), [
    ("- 1\n- 2\n", "the top level must be a mapping"),
    ("", "file is empty"),
])
def test_top_level_must_be_a_mapping(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as info:
        read_yaml(write("s.yaml", text))
    assert info.value.errors[0].message.startswith(message)


def test_missing_file_is_a_scenario_error() -> None:
    with pytest.raises(ScenarioError) as info:
        load("nope.yaml", Toy)
    assert str(info.value) == "nope.yaml: file not found"


# --- extends ----------------------------------------------------------------------------------------------


def test_extends_overrides_merges_and_deletes_with_null() -> None:
    write("base.yaml", GOOD.replace("calendar: [10, 20]", "calendar: [10, 20]\n  venue: Oslo"))
    write("sub/child.yaml", """\
        extends: ../base.yaml
        horizon: 90
        actors:
          us:
            leverage: 0.9
            trust: null
        talks:
          calendar: [30]
          venue: null
        """)
    data, _ = resolve_extends("sub/child.yaml")
    assert "extends" not in data
    assert data["horizon"] == 90 and data["name"] == "baseline"
    assert data["actors"]["us"] == {"role": "party", "leverage": 0.9}  # merged; trust deleted
    assert data["actors"]["them"]["leverage"] == 0.4
    assert data["talks"] == {"calendar": [30]}  # list replaced, venue deleted
    assert load("sub/child.yaml", Toy).model.talks.venue == "Geneva"


def test_extends_two_levels_and_marks_follow_the_source_file() -> None:
    write("a.yaml", GOOD)
    write("b.yaml", "extends: a.yaml\nname: middle\nhorizon: 80\n")
    c_text = "extends: b.yaml\n\nhorizon: 70\nactors:\n  them:\n    leverage: 0.5\n"
    write("c.yaml", c_text)
    data, marks = resolve_extends("c.yaml")
    assert (data["name"], data["horizon"], data["actors"]["them"]["leverage"]) == ("middle", 70, 0.5)
    assert marks[("name",)] == ("b.yaml", 2, 7)
    assert marks[("horizon",)] == ("c.yaml", 3, 10)
    assert marks[("actors", "them", "leverage")] == ("c.yaml", 6, 15)
    assert marks[("actors", "them", "role")].file == "a.yaml"
    assert marks[("actors", "us", "trust", "them")].file == "a.yaml"
    assert ("extends",) not in marks


def test_errors_in_inherited_values_are_located_in_the_parent() -> None:
    write("a.yaml", GOOD.replace("leverage: 0.6", "leverage: 7"))
    write("b.yaml", "extends: a.yaml\nhorizon: 1000\n")
    errs = errors_of(Path("b.yaml"))
    assert [(e.file, e.line, e.path) for e in errs] == [("a.yaml", 6, "actors.us.leverage"),
                                                         ("b.yaml", 2, "horizon")]


def test_extends_cycle_is_detected_and_names_the_chain() -> None:
    write("a.yaml", "extends: b.yaml\nname: a\n")
    write("b.yaml", "extends: c.yaml\n")
    write("c.yaml", "name: c\nextends: a.yaml\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends("a.yaml")
    [err] = info.value.errors
    assert (err.file, err.line, err.path) == ("c.yaml", 2, "extends")
    assert err.message == "extends cycle: a.yaml -> b.yaml -> c.yaml -> a.yaml"


def test_extends_missing_parent_is_located() -> None:
    write("a.yaml", "name: a\nextends: gone.yaml\n")
    with pytest.raises(ScenarioError) as info:
        resolve_extends("a.yaml")
    assert str(info.value) == "a.yaml:2:10: extends: gone.yaml: no such file: gone.yaml"


# --- semantic checks, helpers, the error type -------------------------------------------------------------


def test_semantic_errors_are_located() -> None:
    text = GOOD.replace("trust: {them: 0.2}", "trust: {them: 0.2, ghost: 0.1}").replace("[10, 20]", "[10, 99]")
    errs = errors_of(write("s.yaml", text))
    assert [(e.path, e.line, e.column) for e in errs] == [
        ("actors.us.trust.ghost", *where(text, "ghost")),  # a reference by key points at the key
        ("talks.calendar.1", *where(text, "99")),
    ]
    assert errs[1].format() == f"s.yaml:12:{where(text, '99')[1]}: talks.calendar.1: 99: is beyond the horizon (60)"


def test_semantic_warnings_are_returned_located() -> None:
    text = GOOD.replace("leverage: 0.4", "leverage: 0")
    loaded = load(write("s.yaml", text), Toy)
    [warning] = loaded.warnings
    assert (warning.path, warning.line, warning.value) == ("actors.them.leverage", 10, 0)


def test_validate_works_on_data_and_marks_directly() -> None:
    data, marks = read_yaml(write("s.yaml", GOOD))
    model, warnings = validate(Toy, data, marks)
    assert isinstance(model, Toy) and warnings == []


def test_locate_falls_back_to_nearest_ancestor() -> None:
    _, marks = read_yaml(write("s.yaml", GOOD))
    msg = locate(marks, ("talks", "venue"), None, "x")
    assert (msg.line, msg.column) == (11, 1)  # the `talks:` key
    assert locate(marks, ("talks", "calendar"), [], "x").line == 12


def test_scenario_error_is_an_exception_with_one_line_per_error() -> None:
    text = GOOD.replace("horizon: 60", "horizon: 0").replace("leverage: 0.4", "leverage: 2")
    with pytest.raises(Exception) as info:
        load(write("s.yaml", text), Toy)
    err = info.value
    assert isinstance(err, ScenarioError)
    lines = str(err).splitlines()
    assert len(lines) == 2 == len(err.errors)
    assert lines[0].startswith("s.yaml:2:10: horizon: 0: ")
    assert pickle.loads(pickle.dumps(err)).errors == err.errors
    assert pickle.loads(pickle.dumps(MISSING)) is MISSING


def test_format_omits_unknown_parts() -> None:
    assert LocatedMessage("f.yaml", None, None, "name", MISSING, "field required").format() == \
        "f.yaml: name: missing: field required"
    assert LocatedMessage(None, 3, None, "", MISSING, "bad").format() == "3: bad"


@pytest.mark.parametrize(("value", "shown"), [
    ("party", "party"), ("12", "'12'"), ("yes", "'yes'"), ("a: b", "'a: b'"), ("", "''"),
    (1.5, "1.5"), (None, "null"), (True, "true"), ([1, "x"], "[1, x]"), ({"a": 1}, "{a: 1}"),
])
def test_show_is_compact_and_quotes_only_when_needed(value: Any, shown: str) -> None:
    assert show(value) == shown


def test_show_truncates_long_values() -> None:
    text = show(list(range(100)))
    assert len(text) == 60 and text.endswith("...")
