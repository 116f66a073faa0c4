"""Run `pytest checks` against the lab as a user would, and read what it reported."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml

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


def lab_ssh_inventory(inventory: Path, tmp_path: Path, edit=None) -> Path:
    """The lab's ``lab-ssh`` pair alone, with ``edit(pair)`` applied: what a user's inventory would say."""
    data = yaml.safe_load(inventory.read_text())
    pair = data["pairs"][0]
    if edit is not None:
        edit(pair)
    data["pairs"] = [pair]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def as_check_account(inventory: Path, tmp_path: Path, sudo: bool) -> Path:
    """The lab-ssh pair reached as the unprivileged ``drvcheck`` account, with or without sudo
    (anything else the pair reaches, such as the load balancer, as the lab wrote it)."""
    def unprivileged(pair: dict) -> None:
        for role in ("production", "recovery"):
            pair[role] = {"host": pair[role].replace("root@", "drvcheck@"), "sudo": sudo}
    return lab_ssh_inventory(inventory, tmp_path, unprivileged)
