"""Every YAML block in the README is valid (issue 11): scenarios load, sweep files load."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import sim
from scenario_data import ROOT
from sim.sweep import load_sweep

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```yaml\n(.*?)```", README, flags=re.S)


def test_the_readme_has_yaml_blocks() -> None:
    assert len(BLOCKS) >= 2


@pytest.mark.parametrize("index", range(len(BLOCKS)))
def test_every_yaml_block_is_valid(index: int, tmp_path: Path) -> None:
    text = BLOCKS[index]
    # Placed as the shipped files are, so relative extends and base paths resolve.
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "experiments").mkdir()
    if re.search(r"^base:", text, flags=re.M):
        path = tmp_path / "experiments" / "readme.yaml"
        path.write_text(text, encoding="utf-8")
        sweep = load_sweep(path, build=False)
        assert sweep.n_points >= 1
    else:
        path = tmp_path / "scenarios" / "readme.yaml"
        path.write_text(text, encoding="utf-8")
        scenario = sim.load_scenario(path, warn=False)
        assert scenario.actors and scenario.issues


def test_the_dask_recipe_binds_to_localhost_and_warns() -> None:
    recipe = README[README.index("**On a Dask cluster.**"):README.index("### `ceasefire analyze")]
    assert "0.0.0.0 --port" not in recipe and "--host 0.0.0.0" not in recipe
    assert "dask scheduler --host 127.0.0.1" in recipe
    assert "Do not expose a Dask scheduler" in recipe
