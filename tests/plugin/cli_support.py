"""Running the real ``drverify`` command (``python -m drverify``, this checkout first on the path)
in a directory of its own, as a user or a CI job runs it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example.yaml"
SNAPSHOTS = REPO / "inventories" / "example-snapshots"


def clean_env(**extra: str) -> dict[str, str]:
    """This checkout's drverify, and nothing of the pytest running these tests."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PYTEST_", "GITHUB_")) and key != "PYTHONPATH"}
    return {**env, "PYTHONPATH": str(REPO), **extra}


def drverify(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "drverify", *args], cwd=cwd, env=env or clean_env(),
                          capture_output=True, text=True, timeout=180, check=False)


def report(cwd: Path) -> dict:
    return json.loads((cwd / "reports" / "drift.json").read_text())


def inventory(directory: Path, *pairs: dict) -> Path:
    path = directory / "inventory.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "pairs": list(pairs)}))
    return path


def production_as_recovery(directory: Path) -> Path:
    """The example's production snapshot saved as a recovery host's: a twin with no drift."""
    facts = json.loads((SNAPSHOTS / "mft-eu.production.json").read_text())
    path = directory / "twin.recovery.json"
    path.write_text(json.dumps({**facts, "role": "recovery"}))
    return path


def twin_pair(directory: Path) -> dict:
    """Production and an identical recovery, host-local areas only (no translation needed)."""
    return {"name": "twin", "production": {"snapshot": str(SNAPSHOTS / "mft-eu.production.json")},
            "recovery": {"snapshot": str(production_as_recovery(directory))}}


def unreachable_pair() -> dict:
    """A recovery host nobody answers for (port 9: connection refused at once)."""
    return {"name": "down", "production": {"snapshot": str(SNAPSHOTS / "mft-eu.production.json")},
            "recovery": "ssh://root@127.0.0.1:9", "ssh": {"connect_timeout": 2}}


def takeover_example(directory: Path, snapshots: Path = SNAPSHOTS) -> Path:
    """The example's takeover pair alone (its failback twin left out), snapshot paths made
    absolute: the figures these tests pin are the takeover's. ``snapshots``: a copy of the
    example's snapshots to read instead (see :func:`copied_snapshots`)."""
    raw = yaml.safe_load(EXAMPLE.read_text())
    pair = raw["pairs"][0]
    for role in ("production", "recovery"):
        pair[role] = {"snapshot": str(snapshots / f"mft-eu.{role}.json")}
    raw["pairs"] = [pair]
    path = directory / "example-takeover.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def copied_snapshots(directory: Path) -> Path:
    """The example's snapshots copied into ``directory``, for a test to change a host's facts."""
    target = directory / "snapshots"
    shutil.copytree(SNAPSHOTS, target, ignore=shutil.ignore_patterns("raw", "*.py"))
    return target
