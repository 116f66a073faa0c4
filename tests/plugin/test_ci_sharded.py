"""The sharded CI templates (examples/ci/*-sharded.yml) do what they say: each shard job's own
shell lines run on the example inventory, one shard at a time as the runners would, then the
merge job's lines combine what they left into the one report the artifacts publish."""

from __future__ import annotations

import json

import pytest
import yaml
from test_ci_templates import TEMPLATES, job_env, shell  # noqa: F401 - job_env: a fixture, see ci_env

from drverify.report.verdict import ExitStatus

SHARDS = 2  # the example has two pairs; the templates' four shards need four pairs at least


@pytest.fixture
def ci_env(request) -> dict[str, str]:
    """test_ci_templates' ``job_env``: drverify on the PATH, the example as the inventory."""
    return request.getfixturevalue("job_env")


def gitlab() -> dict:
    return yaml.safe_load((TEMPLATES / "gitlab-ci-sharded.yml").read_text())


def github_runs(job: str) -> list[str]:
    """A job's own shell lines (not the install step, nor the CI vendor's actions)."""
    steps = yaml.safe_load((TEMPLATES / "github-actions-sharded.yml").read_text())["jobs"][job]["steps"]
    return [step["run"] for step in steps if "run" in step and step.get("id") != "install"]


def merged_pairs(directory) -> list[str]:
    return json.loads((directory / "evidence" / "drift.json").read_text())["meta"]["pairs"]


def test_gitlab_parallel_shards_then_merge_give_one_report(tmp_path, ci_env):
    jobs = gitlab()
    for index in range(1, SHARDS + 1):
        env = {**ci_env, "CI_NODE_INDEX": str(index), "CI_NODE_TOTAL": str(SHARDS)}
        assert shell(jobs["drift-shard"]["script"], tmp_path, env) == ExitStatus.OK  # drift: the merge's to judge
    assert shell(jobs["drift-merge"]["script"], tmp_path, ci_env) == ExitStatus.DRIFT
    artifacts = jobs["drift-merge"]["artifacts"]
    for path in ["evidence/", *[f"shard-{index}/" for index in range(1, SHARDS + 1)], artifacts["reports"]["junit"]]:
        assert (tmp_path / path).exists(), path
    assert merged_pairs(tmp_path) == ["mft-eu", "mft-eu-failback"]


def test_github_matrix_shards_then_merge_give_one_report(tmp_path, ci_env):
    [shard_run] = github_runs("drift-shard")
    for index in range(1, SHARDS + 1):  # the matrix job's env, as GitHub sets it
        env = {**ci_env, "SHARD": f"{index}/{SHARDS}", "SHARD_DIR": f"drverify-shard-{index}"}
        assert shell([shard_run], tmp_path, env) == ExitStatus.OK
    assert [shell([run], tmp_path, ci_env) for run in github_runs("drift-merge")] == [ExitStatus.DRIFT]
    assert (tmp_path / "evidence" / "junit.xml").is_file()
    assert merged_pairs(tmp_path) == ["mft-eu", "mft-eu-failback"]


def test_a_shard_job_fails_on_a_usage_error(tmp_path, ci_env):
    env = {**ci_env, "CI_NODE_INDEX": "3", "CI_NODE_TOTAL": str(SHARDS)}
    assert shell(gitlab()["drift-shard"]["script"], tmp_path, env) == ExitStatus.USAGE
