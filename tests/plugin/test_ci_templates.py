"""The CI templates in examples/ci/ do what they say: each job's own shell lines (not the
install or the CI vendor's actions) run on the example inventory, with ``drverify`` on the PATH
as installed, and give the exit status and the artifacts the job publishes. The nightly jobs run
night after night, their cache carried between fresh workspaces as the CI's cache carries it:
critical drift fails the first night, the same drift the next night does not, a new critical
difference does."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_support import EXAMPLE, REPO, clean_env, copied_snapshots, takeover_example

from drverify.report.verdict import ExitStatus

TEMPLATES = REPO / "examples" / "ci"


@pytest.fixture
def job_env(tmp_path) -> dict[str, str]:
    """``drverify`` on the PATH (this checkout), the example as the inventory."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "drverify"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m drverify "$@"\n')
    shim.chmod(0o755)
    env = clean_env(DRVERIFY_INVENTORY=str(EXAMPLE))
    return {**env, "PATH": f"{bin_dir}:{env['PATH']}"}


def shell(lines: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Lines run as a CI runner runs them: one shell, stopping at the first failure."""
    script = "set -eo pipefail\n" + "\n".join(lines)
    return subprocess.run(["bash", "-c", script], cwd=cwd, env=env, timeout=300, check=False,
                          capture_output=True, text=True).returncode



def gitlab() -> dict:
    return yaml.safe_load((TEMPLATES / "gitlab-ci.yml").read_text())


def github_steps(job: str) -> list[dict]:
    """A job's own shell steps (the install step and actions are the runner's business)."""
    steps = yaml.safe_load((TEMPLATES / "github-actions.yml").read_text())["jobs"][job]["steps"]
    return [step for step in steps if "run" in step and step.get("id") != "install"]


def test_gitlab_gate_job_says_not_ready_on_the_example(tmp_path, job_env):
    job = gitlab()["drill-gate"]
    assert shell(job["script"], tmp_path, job_env) == ExitStatus.DRIFT
    for path in job["artifacts"]["paths"] + [job["artifacts"]["reports"]["junit"]]:
        assert (tmp_path / path).exists(), path


def test_github_gate_job_says_not_ready_on_the_example(tmp_path, job_env):
    [step] = github_steps("drill-gate")
    assert shell([step["run"]], tmp_path, job_env) == ExitStatus.DRIFT
    assert (tmp_path / "gate-evidence" / "summary.md").read_text().startswith("# drverify gate: NOT READY")


#: the firewall rule removed from recovery between two nights: a new critical difference
GLOBEX_RULE = '-s 203.0.113.224/28 -p tcp -m tcp --dport 2222 -m comment --comment "partner globex sftp" -j ACCEPT'


@pytest.fixture
def nightly_inventory(tmp_path) -> Path:
    """The example's takeover pair on copies of its snapshots, so recovery can change between
    nights. (The failback pair is left out: its probes cannot be replayed from snapshots, so a
    night with nothing failing would exit 2, unverified, rather than 0.)"""
    return takeover_example(tmp_path, copied_snapshots(tmp_path))


def drop_globex_rule(inventory: Path) -> None:
    """Recovery loses partner globex's SFTP rule: new critical drift."""
    path = inventory.parent / "snapshots" / "mft-eu.recovery.json"
    snapshot = json.loads(path.read_text())
    rules = snapshot["areas"]["firewall"]["data"]["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"]
    rules.remove(GLOBEX_RULE)
    path.write_text(json.dumps(snapshot))


def history_option(lines: list[str]) -> str:
    """The directory a job's command keeps its nights in (``--history DIR``)."""
    words = shlex.split(" ".join(lines))
    return words[words.index("--history") + 1]


def nights(script: list[str], cache_path: str, inventory: Path, tmp_path: Path, job_env) -> list[int]:
    """Three nights of a job, each in a fresh workspace as a CI runner gives it, the template's
    cache path carried from one to the next as its cache does: night one (nothing kept), night two
    (no change), night three (a new critical difference). Each night's exit status."""
    env = {**job_env, "DRVERIFY_INVENTORY": str(inventory)}
    cache = tmp_path / "cache"
    statuses = []
    for night in (1, 2, 3):
        if night == 3:
            drop_globex_rule(inventory)
        workspace = tmp_path / f"night-{night}"
        workspace.mkdir()
        if cache.is_dir():
            shutil.copytree(cache, workspace / cache_path)
        statuses.append(shell(script, workspace, env))
        shutil.rmtree(cache, ignore_errors=True)
        shutil.copytree(workspace / cache_path, cache)
    return statuses


def assert_night_three_names_the_new_rule_only(workspace: Path) -> None:
    drift = json.loads((workspace / "evidence" / "drift.json").read_text())
    new = [record["item"] for record in drift["drift"] if record["history"]["status"] == "new"]
    assert new == [f"ip4 filter/INPUT {GLOBEX_RULE}"]
    assert drift["meta"]["history"]["persisting"] == len(drift["drift"]) - 1
    junit = (workspace / "evidence" / "junit.xml").read_text()
    assert junit.count("<failure ") == 1 and 'type="drift.critical"' in junit
    assert "not new since the baseline (--fail-on-new): CRITICAL" in junit
    assert (workspace / "evidence" / "summary.md").read_text().startswith("# drverify verdict: DRIFT")


def test_gitlab_nightly_job_fails_on_new_critical_drift_only(tmp_path, job_env, nightly_inventory):
    job = gitlab()["drift-nightly"]
    kept = history_option(job["script"])
    assert job["cache"]["paths"] == [f"{kept}/"] and job["cache"]["when"] == "always"
    statuses = nights(job["script"], kept, nightly_inventory, tmp_path, job_env)
    assert statuses == [ExitStatus.DRIFT, ExitStatus.OK, ExitStatus.DRIFT]
    assert_night_three_names_the_new_rule_only(tmp_path / "night-3")
    for path in job["artifacts"]["paths"] + [job["artifacts"]["reports"]["junit"]]:
        assert (tmp_path / "night-3" / path).exists(), path


def test_github_nightly_job_fails_on_new_critical_drift_only(tmp_path, job_env, nightly_inventory):
    steps = yaml.safe_load((TEMPLATES / "github-actions.yml").read_text())["jobs"]["drift-nightly"]["steps"]
    [restore] = [step for step in steps if step.get("uses", "").startswith("actions/cache/restore@")]
    [save] = [step for step in steps if step.get("uses", "").startswith("actions/cache/save@")]
    [run] = github_steps("drift-nightly")
    kept = history_option([run["run"]])
    assert restore["with"]["path"] == save["with"]["path"] == kept
    assert save["if"] == "always()" and restore["with"]["restore-keys"] in save["with"]["key"]
    assert steps.index(restore) < steps.index(run) < steps.index(save)
    statuses = nights([run["run"]], kept, nightly_inventory, tmp_path, job_env)
    assert statuses == [ExitStatus.DRIFT, ExitStatus.OK, ExitStatus.DRIFT]
    assert_night_three_names_the_new_rule_only(tmp_path / "night-3")
    assert (tmp_path / "night-3" / "evidence" / "summary.md").is_file()
