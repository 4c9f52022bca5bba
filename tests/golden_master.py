"""Golden master: every shipped scenario's model output at a fixed seed, pinned.

A characterization test: it does not say the numbers are right, only that they do
not change by accident. A commit that changes the model on purpose regenerates the
files and says why in its message::

    .venv/bin/python tests/golden_master.py --update

Each scenario is run as one model instance over :data:`REPLICATIONS` replications
(two random-stream blocks) for its full horizon. Integer outputs must match
exactly and floating outputs to :data:`FLOAT_TOLERANCE`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
SEED = 1
REPLICATIONS = 2000
TRAJECTORY_REPLICATIONS = 4
FLOAT_TOLERANCE = 1e-12
FLOAT32_TOLERANCE = 1e-6  # trajectories are stored as float32


def compute(path: Path) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    """The model's outputs for one scenario: arrays, and JSON-able talk outcomes and timeline."""
    import sim
    from sim.model.model import CeasefireModel

    scenario = sim.load_scenario(path)
    out = CeasefireModel(scenario, seed=SEED, replications=REPLICATIONS,
                         trajectory_replications=TRAJECTORY_REPLICATIONS).run()
    arrays = {f"column/{k}": np.asarray(v) for k, v in out.columns.items()}
    arrays["status_counts"] = out.status_counts
    arrays.update({f"daily/{k}": np.asarray(v) for k, v in out.daily_totals.items()})
    arrays["trajectories"] = np.asarray(out.trajectories["values"])
    other = {
        "talk_outcomes": {str(d): v for d, v in sorted(out.talk_outcomes.items())},
        "trajectory_series": list(out.trajectories["series"]),
        "timeline": out.timeline,
    }
    return arrays, other


def golden_files(path: Path) -> tuple[Path, Path]:
    return GOLDEN / f"{path.stem}.npz", GOLDEN / f"{path.stem}.json"


def update() -> None:
    GOLDEN.mkdir(exist_ok=True)
    for path in SCENARIOS:
        arrays, other = compute(path)
        npz, js = golden_files(path)
        np.savez_compressed(npz, **arrays)
        js.write_text(json.dumps(other, indent=1, sort_keys=True, default=int) + "\n")
        print(f"wrote {npz.name} and {js.name}")


def differences(path: Path) -> list[str]:
    """What differs between the model today and the pinned outputs, one line per field."""
    arrays, other = compute(path)
    npz, js = golden_files(path)
    pinned = dict(np.load(npz))
    problems = []
    for name in sorted(set(pinned) | set(arrays)):
        if name not in arrays or name not in pinned:
            problems.append(f"{name}: {'missing now' if name not in arrays else 'new, not pinned'}")
            continue
        now, then = arrays[name], pinned[name]
        if now.shape != then.shape:
            problems.append(f"{name}: shape {now.shape} != pinned {then.shape}")
        elif now.dtype.kind in "biu":
            bad = np.flatnonzero((now != then).ravel())
            if bad.size:
                problems.append(f"{name}: {bad.size} integers differ, first at flat index {bad[0]}: "
                                f"{now.ravel()[bad[0]]} != {then.ravel()[bad[0]]}")
        else:
            tol = FLOAT32_TOLERANCE if now.dtype == np.float32 else FLOAT_TOLERANCE
            diff = np.abs(now.astype(float) - then.astype(float))
            if not np.all((diff <= tol) | (np.isnan(now) & np.isnan(then))):
                problems.append(f"{name}: max abs difference {np.nanmax(diff):.3g} > {tol}")
    other_now = json.loads(json.dumps(other, sort_keys=True, default=int))
    other_then = json.loads(js.read_text())
    for key in sorted(set(other_now) | set(other_then)):
        if other_now.get(key) != other_then.get(key):
            problems.append(f"{key}: differs")
    return problems


if __name__ == "__main__":
    if sys.argv[1:] == ["--update"]:
        update()
    else:
        sys.exit("usage: tests/golden_master.py --update")
