"""Soak: 500 random hostile scenario and sweep files through the command line (issue 11).

Each file is a shipped file with 1-4 random mutations (see tests/hostile_files.py), checked with
``ceasefire validate`` (scenarios) or ``ceasefire sweep --dry-run`` (sweeps) in this process, with a
10-second limit per file. A few special cases are added: a FIFO, /dev/zero, a folder, a sparse 5 MB
file, nesting 5,000 deep and a 1,500-file extends chain. Prints the counts: exit 0, exit 2, anything
else (a bug), hangs, and the slowest file. Usage: ``python benchmarks/soak_hostile.py [N] [SEED]``.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from hostile_files import SCENARIO_FILES, SWEEP_FILES, mutate, random_ops, workspace, write  # noqa: E402

LIMIT_SECONDS = 10


class Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise Hang


def check(args: list[str]) -> tuple[str, float, str]:
    """Run one command in this process: ("exit 0" | "exit 2" | "exit N" | "hang", seconds, stderr)."""
    from sim import guard

    out, err = io.StringIO(), io.StringIO()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT_SECONDS)
    t0 = time.perf_counter()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = guard.run(args)
        outcome = f"exit {code}"
    except Hang:
        outcome = "hang"
    finally:
        signal.alarm(0)
        for s, h in handlers.items():
            signal.signal(s, h)
    text = err.getvalue()
    if "Traceback" in text or "internal error" in text:
        outcome += " (traceback)"
    return outcome, time.perf_counter() - t0, text


def special_cases(folder: Path) -> list[tuple[str, list[str]]]:
    cases = []
    fifo = folder / "fifo.yaml"
    if hasattr(os, "mkfifo"):
        os.mkfifo(fifo)
        cases.append(("FIFO", ["validate", str(fifo)]))
    if Path("/dev/zero").exists():
        cases.append(("/dev/zero", ["validate", "/dev/zero"]))
    (folder / "dir.yaml").mkdir()
    cases.append(("a folder", ["validate", str(folder / "dir.yaml")]))
    with open(folder / "sparse.yaml", "wb") as f:
        f.truncate(5 * 1024 * 1024)
    cases.append(("5 MB sparse file", ["validate", str(folder / "sparse.yaml")]))
    (folder / "deep.yaml").write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    cases.append(("nesting 5,000 deep", ["validate", str(folder / "deep.yaml")]))
    for i in range(1500):
        (folder / f"chain{i}.yaml").write_text(f"extends: chain{i + 1}.yaml\n")
    cases.append(("extends chain of 1,500 files", ["validate", str(folder / "chain0.yaml")]))
    return cases


def main(n: int = 500, seed: int = 20251019) -> int:
    rng = random.Random(seed)
    counts: Counter[str] = Counter()
    slowest = (0.0, "")
    bugs: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        scenarios, experiments = workspace(Path(tmp))
        started = time.perf_counter()
        for k in range(n):
            is_sweep = k % 2 == 1
            source = rng.choice(SWEEP_FILES if is_sweep else SCENARIO_FILES)
            content = mutate(source.read_text(encoding="utf-8"), random_ops(rng))
            path = write(experiments if is_sweep else scenarios, f"_soak_{k}.yaml", content)
            args = ["sweep", str(path), "--dry-run", "--out", str(Path(tmp) / "out")] if is_sweep else ["validate", str(path)]
            outcome, seconds, err = check(args)
            counts[outcome] += 1
            if seconds > slowest[0]:
                slowest = (seconds, f"{source.name} #{k}")
            if outcome not in ("exit 0", "exit 2"):
                bugs.append(f"#{k} from {source.name}: {outcome}: {err[-500:]}")
            path.unlink()
        total = time.perf_counter() - started
        special = Path(tmp) / "special"
        special.mkdir()
        special_results = [(name, check(args)) for name, args in special_cases(special)]
    print(f"{n} hostile files (seed {seed}) in {total:.1f} s")
    for outcome in sorted(counts):
        print(f"  {outcome}: {counts[outcome]}")
    print(f"  slowest: {slowest[0]:.2f} s ({slowest[1]})")
    for name, (outcome, seconds, err) in special_results:
        print(f"  {name}: {outcome} in {seconds:.2f} s: {err.strip().splitlines()[0] if err.strip() else ''}")
    for line in bugs[:20]:
        print("BUG", line)
    ok = not bugs and all(r[1][0] in ("exit 0", "exit 2") for r in special_results)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(*(int(a) for a in sys.argv[1:3])))
