"""Dashboards in a real headless browser, offline: no console errors, every plot drawn, no injected script.

Uses Debian's Chromium (``apt-get install -y chromium``; ``.ci/run`` installs it). Each page is
opened from a ``file://`` URL with networking disabled; the serialised DOM after a virtual-time
budget shows whether every plot rendered (``data-rendered`` and an ``svg.main-svg`` per plot) and
any script error (``data-errors``); Chromium's stderr log shows console messages. Screenshots are
saved to ``test-artifacts/dashboards/``.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from sim.dashboards import write_dashboard
from test_dashboards import (
    HOSTILE_DESCRIPTION, HOSTILE_NAME, make_compare_dir, make_run_dir, make_sweep_dir, scenario_variant,
)

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "dashboards"
TIMEOUT_S = 120

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install -y chromium)")

# Messages the browser itself prints about its software WebGL (parallel coordinates use WebGL); they
# are not the page's console output.
BROWSER_NOISE = re.compile(r'"\[\.WebGL-[^\]]*\]GL Driver Message|Automatic fallback to software WebGL')


def chromium(url: str, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run headless Chromium on a URL with the network cut off."""
    args = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-extensions", "--host-resolver-rules=MAP * ~NOTFOUND",
        "--proxy-server=127.0.0.1:9", f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
        "--virtual-time-budget=15000", *extra, url,
    ]
    return subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ":CONSOLE" in line and not BROWSER_NOISE.search(line)]


def open_dashboard(html_path: Path, name: str, tmp_path: Path) -> str:
    """Check one dashboard in the browser; return its serialised DOM."""
    url = html_path.resolve().as_uri()
    dom_run = chromium(url, tmp_path / f"profile-{name}", "--dump-dom")
    assert dom_run.returncode == 0, dom_run.stderr[-2000:]
    dom = dom_run.stdout
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    shot_run = chromium(url, tmp_path / f"profile-{name}-shot", f"--screenshot={shot}", "--window-size=1400,6000",
                        "--hide-scrollbars")
    assert shot_run.returncode == 0, shot_run.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 50_000  # a blank page compresses to a few kB
    assert console_lines(dom_run.stderr) == []
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-errors" not in body, body
    plots = re.findall(r'<div class="plot[^"]*" id="(plot-\d+)"', dom)
    expected = len(re.findall(r'data-figure="plot-\d+"', html_path.read_text(encoding="utf-8")))
    assert len(plots) == expected > 0
    rendered = re.search(r'data-rendered="(\d+)"', body)
    assert rendered is not None, "the page did not finish drawing its plots"
    assert int(rendered.group(1)) == expected
    # Every plot div holds a drawn Plotly figure.
    chunks = re.split(r'<div class="plot[^"]*" id="plot-\d+"', dom)[1:]
    for plot_id, chunk in zip(plots, chunks, strict=True):
        assert 'class="main-svg"' in chunk.split("</section>")[0], f"{plot_id} was not drawn"
    return dom


def test_run_dashboard_renders_offline_and_shows_hostile_name_as_text(tmp_path: Path) -> None:
    scenario = scenario_variant(name=HOSTILE_NAME, description=HOSTILE_DESCRIPTION)
    run_dir = make_run_dir(tmp_path / "run", scenario, n=300, horizon=60)
    dom = open_dashboard(write_dashboard(run_dir), "run", tmp_path)
    body = re.search(r"<body[^>]*>", dom).group(0)
    assert "data-pwned" not in body  # neither the <script> nor the onerror handler ran
    title = re.search(r"<h1>(.*?)</h1>", dom, re.S).group(1)
    assert title.startswith("&lt;/script&gt;&lt;script&gt;document.body.dataset.pwned")
    assert "&lt;img src=x onerror=" in dom


@pytest.mark.filterwarnings("ignore:Precision loss occurred:RuntimeWarning")
def test_compare_dashboard_renders_offline(tmp_path: Path) -> None:
    scenarios = [scenario_variant(), scenario_variant(name="<script>alert(1)</script> fragile", background_prob=0.004)]
    compare_dir = make_compare_dir(tmp_path / "compare", scenarios, n=300, horizon=60)
    dom = open_dashboard(write_dashboard(compare_dir), "compare", tmp_path)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; fragile" in dom


def test_sweep_dashboard_renders_offline(tmp_path: Path) -> None:
    sweep_dir = make_sweep_dir(tmp_path / "sweep")
    dom = open_dashboard(write_dashboard(sweep_dir), "sweep", tmp_path)
    assert 'class="parcoords"' in dom or "parcoords" in dom


def test_png_export_with_system_chromium(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("kaleido", reason="PNG export is optional: pip install 'kaleido>=1,<2'")
    from sim.dashboards import build_page
    from sim.dashboards.export import export_png

    monkeypatch.delenv("BROWSER_PATH", raising=False)
    sweep_dir = make_sweep_dir(tmp_path / "sweep")
    files = export_png(build_page(sweep_dir), ARTIFACTS / "sweep-png")
    assert len(files) == 8
    for f in files:
        assert f.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f.stat().st_size > 5_000
