"""Size and opening time of the run dashboard for 100,000 replications (issue targets in brackets).

Prints the HTML size [< 10 MB], the time to write it, and the time until every plot is drawn in
headless Chromium, from navigation start (the page records it in ``data-render-ms``) [< 3 s].
Needs Debian's chromium (``apt-get install -y chromium``).

Run: ./dev bench   (or: .venv/bin/python benchmarks/bench_dashboard.py)
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "scenarios" / "pakistan_afghanistan_2025.yaml"
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader", "--disable-quic",
    "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
]


def open_in_chromium(browser: str, html: Path, profile: Path) -> tuple[float, int | None, int | None]:
    """Wall time of a headless load, and the page's own render time and plot count."""
    start = time.perf_counter()
    proc = subprocess.run([browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom",
                           html.resolve().as_uri()], capture_output=True, text=True, timeout=120, check=True)
    wall = time.perf_counter() - start
    body = re.search(r"<body[^>]*>", proc.stdout)
    text = body.group(0) if body else ""
    ms = re.search(r'data-render-ms="(\d+)"', text)
    plots = re.search(r'data-rendered="(\d+)"', text)
    return wall, int(ms.group(1)) if ms else None, int(plots.group(1)) if plots else None


def main() -> None:
    import sim
    from sim.dashboards import write_dashboard

    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    scenario = sim.load_scenario(BASELINE)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "run"
        result = sim.run(scenario, n_replications=100_000, seed=1, workers=2)
        result.write(out)
        start = time.perf_counter()
        html = write_dashboard(out)
        written = time.perf_counter() - start
        size = html.stat().st_size
        print(f"run dashboard, 100,000 replications: {size / 1e6:5.2f} MB [< 10 MB], written in {written:4.2f} s")
        if browser is None:
            print("no Chromium or Chrome found: opening time not measured (apt-get install -y chromium)")
            return
        for attempt in range(3):
            wall, render_ms, plots = open_in_chromium(browser, html, Path(tmp) / f"profile{attempt}")
            drawn = "n/a" if render_ms is None else f"{render_ms / 1000:4.2f} s"
            print(f"  headless Chromium: {plots} plots drawn {drawn} after navigation start [< 3 s]; "
                  f"browser process {wall:4.2f} s including its own start-up")


if __name__ == "__main__":
    main()
