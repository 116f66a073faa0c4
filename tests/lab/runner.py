"""Run `pytest checks` against the lab as a user would, and read what it reported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run_area_checks(inventory: Path, out: Path, *args: str,
                    areas: Sequence[str]) -> tuple[subprocess.CompletedProcess[str], dict]:
    """The checks of ``areas``, with both reports written into ``out``; the run and drift.json."""
    argv = [sys.executable, "-m", "pytest", "checks", f"--inventory={inventory}", "-p", "no:cacheprovider",
            f"--drift-json={out / 'drift.json'}", f"--html={out / 'report.html'}", "--self-contained-html",
            "-k", " or ".join(areas), *args]
    run = subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=300, check=False)
    assert (out / "drift.json").exists(), run.stdout[-3000:] + run.stderr[-2000:]
    return run, json.loads((out / "drift.json").read_text())
