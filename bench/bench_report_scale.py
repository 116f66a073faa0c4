"""Reports at scale: ``drverify check`` on a generated inventory of many pairs, all areas, from snapshots.

``python bench/bench_report_scale.py [--pairs 500] [--runs 1] [--keep DIR]`` (no lab, no root, no
network): builds the inventory with :mod:`scale_inventory` (the example's snapshots with varied
drift), runs the ``drverify`` command on it as a whole process (interpreter start to reports
written) and prints, per run and as the median:

- wall time, the process's CPU time (user + system) and peak resident memory;
- the HTML report's size, and how long writing it took (from drift.json's modification time,
  written just before the HTML reports, to the HTML file's);
- drift.json's and junit.xml's sizes;
- headless Chromium (``tests/plugin/browser.py``): from navigation until the drift matrix's last
  row is laid out and a frame has been painted, and until the page has loaded.

Targets (issue 11): run under 20 s, HTML under 15 MB written in under 10 s, matrix painted
under 2 s. Nothing is asserted: speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests" / "plugin")]

from browser import CHROMIUM, Browser  # noqa: E402 - tests/plugin is put on the path just above
from processes import timed_process  # noqa: E402
from scale_inventory import build  # noqa: E402

#: resolves once the drift matrix's last row is laid out and the next frame has been painted
MATRIX_PAINTED = """new Promise(done => {
  const check = () => {
    const row = document.querySelector("table.drv-matrix tbody tr:last-child");
    if (row && row.getBoundingClientRect().height > 0) {
      requestAnimationFrame(() => setTimeout(() => done(performance.now()), 0));
    } else {
      setTimeout(check, 5);
    }
  };
  check();
})"""


def run_check(inventory: Path, directory: Path, extra: list[str]) -> dict[str, float]:
    """One whole ``drverify check`` process; its figures."""
    directory.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    run = timed_process([sys.executable, "-m", "drverify", "check", "--inventory", str(inventory), "-q",
                         "-p", "no:cacheprovider", *extra], directory, env)
    reports = directory / "reports"
    html, json_file = reports / "drift-report.html", reports / "drift.json"
    return {"wall s": run.wall, "cpu s": run.cpu, "peak MiB": run.rss_mib, "html MB": html.stat().st_size / 1e6,
            "html write s": html.stat().st_mtime - json_file.stat().st_mtime,
            "json MB": json_file.stat().st_size / 1e6,
            "junit MB": (reports / "junit.xml").stat().st_size / 1e6}


def paint_times(html: Path, scratch: Path) -> dict[str, float]:
    """Seconds from navigation to the matrix painted, and to the page loaded, in headless Chromium."""
    if CHROMIUM is None:
        return {}
    browser = Browser(scratch / "profile")
    try:
        browser.page("Emulation.setDeviceMetricsOverride", width=1400, height=1000, deviceScaleFactor=1,
                     mobile=False)
        started = time.perf_counter()
        browser.page("Page.navigate", url=html.as_uri())
        found = browser.page("Runtime.evaluate", expression=MATRIX_PAINTED, awaitPromise=True, returnByValue=True)
        painted = time.perf_counter() - started
        while browser.evaluate("document.readyState") != "complete":
            time.sleep(0.02)
        loaded = time.perf_counter() - started
    finally:
        browser.close()
    return {"matrix painted s": painted, "page time origin ms": found["result"].get("value") or 0.0,
            "loaded s": loaded}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=500)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="build and run in this directory (kept afterwards)")
    parser.add_argument("extra", nargs="*", help="more arguments for drverify check (after --)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        base = args.keep or Path(scratch)
        inventory = build(base / "inventory", args.pairs)
        print(f"{args.pairs} pairs: {inventory}")
        figures = []
        for number in range(args.runs):
            figure = run_check(inventory, base / f"run{number}", args.extra)
            figure.update(paint_times(base / f"run{number}" / "reports" / "drift-report.html", Path(scratch)))
            figures.append(figure)
            print("  ".join(f"{name} {value:.2f}" for name, value in figure.items()))
        if args.runs > 1:
            print("median: " + "  ".join(f"{name} {statistics.median(f[name] for f in figures):.2f}"
                                         for name in figures[0]))


if __name__ == "__main__":
    main()
