"""History over real runs of the example: run, change the recovery host, run again. Each record
is new or persisting (since the first run), the baseline's records gone are resolved, the report
shows a "new since the last run" section and the trend; --fail-on-new fails only on new drift."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def example(checks: pytest.Pytester) -> Path:
    """A copy of the example inventory and its snapshots, to change the recovery host between runs."""
    shutil.copytree(REPO / "inventories", checks.path / "inventories",
                    ignore=shutil.ignore_patterns("raw", "build.py"))
    return checks.path / "inventories" / "example.yaml"


def change_recovery(inventory: Path) -> None:
    """drtest removed on recovery (resolved), tempadmin added (new); everything else stays."""
    path = inventory.parent / "example-snapshots" / "mft-eu.recovery.json"
    snapshot = json.loads(path.read_text())
    users = snapshot["areas"]["users"]["data"]["users"]
    users["tempadmin"] = {**users.pop("drtest"), "uid": 1502, "home": "/home/tempadmin"}
    path.write_text(json.dumps(snapshot))


def run(checks: pytest.Pytester, inventory: Path, *args: str) -> tuple[pytest.RunResult, dict]:
    """The example's takeover pair (its failback pair reads the same snapshots, the other way)."""
    drift = checks.path / "drift.json"
    result = checks.runpytest("checks", f"--inventory={inventory}", f"--drift-json={drift}", "-k",
                              "(users or disks) and not failback",
                              f"--history={checks.path / 'history'}", *args)
    return result, json.loads(drift.read_text())


def by_item(report: dict) -> dict[str, dict]:
    return {record["item"]: record for record in report["drift"]}


def test_two_runs_with_a_change_between_mark_new_persisting_and_resolved(checks, example):
    _, first = run(checks, example)
    assert all("history" not in record for record in first["drift"])  # nothing kept yet to compare with
    assert first["meta"]["history"]["baseline"] is None
    kept = sorted((checks.path / "history").glob("drift-*.json"))
    assert len(kept) == 1

    change_recovery(example)
    result, second = run(checks, example, f"--html={checks.path / 'report.html'}", "--self-contained-html")
    records = by_item(second)
    first_run = first["meta"]["provenance"]["started_at"]
    assert records["user tempadmin"]["history"] == {"status": "new",
                                                    "since": second["meta"]["provenance"]["started_at"]}
    assert records["user mftsvc uid/gid"]["history"] == {"status": "persisting", "since": first_run}
    assert records["group sudo members"]["history"]["status"] == "persisting"  # drtest there before, tempadmin now
    history = second["meta"]["history"]
    assert [record["item"] for record in history["resolved"]] == ["user drtest"]
    assert (history["new"], history["persisting"]) == (1, 9)
    assert history["baseline"]["path"] == str(kept[0])
    assert [point["by_area"] for point in history["trend"]] == [{"disks": 5, "users": 5}, {"disks": 5, "users": 5}]
    result.stdout.fnmatch_lines(["since the baseline run of *: 1 new, 9 persisting, 1 resolved"])

    html = (checks.path / "report.html").read_text()
    section = html.split('id="drv-history"', 1)[1].split("</section>", 1)[0]
    assert "mft-eu · users · user tempadmin" in section and "user drtest" in section and "<svg" in section
    assert html.count('class="drv-tag drv-new"') == 1


def test_the_same_finding_keeps_its_first_sighting_over_many_runs(checks, example):
    _, first = run(checks, example)
    run(checks, example)
    _, third = run(checks, example)
    assert by_item(third)["/srv/mft"]["history"] == {"status": "persisting",
                                                     "since": first["meta"]["provenance"]["started_at"]}
    assert len(third["meta"]["history"]["trend"]) == 3


def test_history_keeps_only_the_last_runs(checks, example):
    for _ in range(3):
        run(checks, example, "--history-keep=2")
    assert len(list((checks.path / "history").glob("drift-*.json"))) == 2


def test_fail_on_new_fails_only_on_drift_new_since_the_baseline(checks, example):
    run(checks, example)
    change_recovery(example)
    result, report = run(checks, example, "--fail-on-new")
    result.assert_outcomes(passed=1, failed=1)  # disks' drift is all old; users has tempadmin
    result.stdout.fnmatch_lines(["1 difference(s) at or above minor:", "  MINOR    user tempadmin: *"])


def test_a_baseline_file_is_compared_with_directly(checks, example):
    _, first = run(checks, example)
    baseline = checks.path / "baseline.json"
    baseline.write_text(json.dumps(first))
    change_recovery(example)
    drift = checks.path / "drift.json"
    checks.runpytest("checks", f"--inventory={example}", f"--drift-json={drift}", "-k", "users and not failback",
                     f"--baseline={baseline}")
    report = json.loads(drift.read_text())
    assert report["meta"]["history"]["baseline"]["path"] == str(baseline)
    assert by_item(report)["user tempadmin"]["history"]["status"] == "new"
    # disks did not run this time: its records are neither resolved nor anything else
    assert [record["item"] for record in report["meta"]["history"]["resolved"]] == ["user drtest"]


def test_an_unusable_baseline_is_a_usage_error(checks, example):
    broken = checks.path / "broken.json"
    broken.write_text("{}")
    result = checks.runpytest("checks", f"--inventory={example}", f"--baseline={broken}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {broken}: not a drverify drift.json*"])
