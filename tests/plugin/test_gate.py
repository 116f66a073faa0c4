"""``drverify gate``: the checks that can block a takeover, critical drift only, one screen."""

from __future__ import annotations

from cli_support import drverify, inventory, report, takeover_example, twin_pair, unreachable_pair

from drverify.report.verdict import ExitStatus


def test_critical_drift_is_not_ready_with_the_blocking_items(tmp_path):
    result = drverify(tmp_path, "gate", "--inventory", str(takeover_example(tmp_path)))
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("drverify gate: NOT READY   (14 checks of 1 pair, ")
    assert "Blocking a takeover (16 critical differences):" in lines
    assert "  mft-eu · disks · /srv/mft" in lines and "  … and 6 more (see the reports)" in lines
    assert "MAJOR" not in result.stdout and "test session starts" not in result.stdout  # one screen
    assert len(lines) < 40
    drift = report(tmp_path)
    assert (drift["verdict"], drift["meta"]["fail_on"]) == ("drift", "critical")
    assert "network" not in {r["area"] for r in drift["results"]}  # it cannot report critical drift
    html = (tmp_path / "reports" / "drift-report.html").read_text()
    assert "Readiness gate: NOT READY" in html


def test_no_critical_drift_is_ready(tmp_path):
    result = drverify(tmp_path, "gate", "--inventory", str(inventory(tmp_path, twin_pair(tmp_path))))
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert result.stdout.startswith("drverify gate: READY   (3 checks of 1 pair, ")
    assert "No critical drift" in result.stdout


def test_what_could_not_be_read_is_unverified_never_ready(tmp_path):
    result = drverify(tmp_path, "gate", "--inventory", str(inventory(tmp_path, unreachable_pair())))
    assert result.returncode == ExitStatus.UNVERIFIED, result.stdout + result.stderr
    assert result.stdout.startswith("drverify gate: UNVERIFIED")
    assert "Could not be verified (3):" in result.stdout and "Connection refused" in result.stdout


def test_a_broken_inventory_is_a_usage_error(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("version: 1\npairs: []\nunknown: 1\n")
    result = drverify(tmp_path, "gate", "--inventory", str(broken))
    assert result.returncode == ExitStatus.USAGE
    assert result.stdout.startswith("drverify gate: NOT CHECKED")
    assert str(broken) in result.stderr and "Traceback" not in result.stdout + result.stderr
