"""The CI templates in examples/ci/ do what they say: each job's own shell lines (not the
install or the CI vendor's actions) run on the example inventory, with ``drverify`` on the PATH
as installed, and give the exit status and the artifacts the job publishes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from cli_support import EXAMPLE, REPO, clean_env

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


def test_gitlab_nightly_job_fails_on_new_critical_drift_only(tmp_path, job_env):
    job = gitlab()["drift-nightly"]
    assert shell(job["script"], tmp_path, job_env) == ExitStatus.DRIFT  # the first night: all new
    assert shell(job["after_script"], tmp_path, job_env) == 0
    assert (tmp_path / job["artifacts"]["reports"]["junit"]).is_file()
    # the same drift the next night fails nothing; the example's failback pair still has items it
    # cannot compare (unknown is never OK): the job turns yellow (allow_failure on status 2), not red
    assert shell(job["script"], tmp_path, job_env) == ExitStatus.UNVERIFIED


def test_github_nightly_job_fails_on_new_critical_drift_only(tmp_path, job_env):
    steps = github_steps("drift-nightly")
    statuses = [shell([step["run"]], tmp_path, job_env) for step in steps]
    assert statuses == [ExitStatus.DRIFT, 0]
    assert (tmp_path / "history" / "drift.json").is_file() and (tmp_path / "evidence" / "junit.xml").is_file()
    assert shell([steps[0]["run"]], tmp_path, job_env) == ExitStatus.UNVERIFIED  # nothing new; unverified items stay
    assert json.loads((tmp_path / "evidence" / "drift.json").read_text())["meta"]["history"]["new"] == 0
