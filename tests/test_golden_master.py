"""The shipped scenarios' outputs at a fixed seed have not changed (see golden_master.py)."""

from __future__ import annotations

import pytest

from golden_master import SCENARIOS, differences


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_model_output_matches_golden_master(path):
    problems = differences(path)
    assert not problems, f"{path.name} changed:\n" + "\n".join(problems)
