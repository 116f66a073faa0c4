"""The plugin end to end with real pytest runs: ids, markers, fail/error semantics, reports.

Facts come from this very machine through testinfra's ``local://`` backend (a real collection),
saved as snapshots that the tests then edit to seed drift, as a user's recovery host would differ.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from drverify.areas import applicable
from drverify.drift import Severity
from drverify.facts.collect import collect_host
from drverify.inventory.model import Pair

PLAIN = Pair.model_validate({"name": "plain", "production": "local://", "recovery": "local://"})
#: the areas a pair without network or key checks configured gets: one check each
AREAS = {area.name: area for area in applicable(PLAIN)}


@pytest.fixture(scope="module")
def local_facts(tmp_path_factory):
    """This machine's real facts, collected once through testinfra's local backend."""
    facts = collect_host(PLAIN, "production", list(AREAS.values()), tmp_path_factory.mktemp("work"))
    return facts.to_json()


def write_inventory(directory: Path, pairs: list[dict]) -> Path:
    path = directory / "inventory.yaml"
    # live local:// sides are read twice, moments apart, on a machine where other tests (and
    # other programs) open listeners on high ports: those are not what these tests are about
    busy = {"policies": {"network": {"ignore_listeners": ["tcp/1024-65535", "udp/1024-65535"]}}}
    path.write_text(yaml.safe_dump({"version": 1, "defaults": busy, "pairs": pairs}))
    return path


def snapshot(directory: Path, name: str, facts: dict) -> str:
    """This machine's facts saved as the snapshot of the side its file name says (r*: recovery)."""
    path = directory / name
    path.write_text(json.dumps({**facts, "role": "recovery" if name.startswith("r") else "production"}))
    return str(path)


def with_extra_user(facts: dict) -> dict:
    """The same host, plus a local user: what a forgotten temporary account looks like."""
    changed = json.loads(json.dumps(facts))
    users = changed["areas"]["users"]["data"]["users"]
    users["tempadmin"] = {"uid": 2999, "gid": 2999, "home": "/home/tempadmin",
                          "shell": "/bin/bash", "home_exists": True}
    return changed


def run_checks(checks: pytest.Pytester, inventory: Path, *args: str) -> pytest.RunResult:
    return checks.runpytest("checks", f"--inventory={inventory}",
                            f"--drift-json={checks.path / 'drift.json'}", *args)


def test_identical_hosts_pass_every_area(checks):
    inventory = write_inventory(checks.path, [{"name": "same", "production": "local://",
                                               "recovery": "local://"}])
    result = run_checks(checks, inventory, "-v")
    result.assert_outcomes(passed=len(AREAS))
    result.stdout.fnmatch_lines(["*checks/test_users.py::test_users?same? PASSED*"])
    report = json.loads((checks.path / "drift.json").read_text())
    assert {(r["pair"], r["area"], r["status"]) for r in report["results"]} == {
        ("same", area, "ok") for area in AREAS}


def test_drift_fails_the_area_and_lands_in_the_json_report(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [{
        "name": "eu",
        "production": {"snapshot": snapshot(tmp_path, "p.json", local_facts)},
        "recovery": {"snapshot": snapshot(tmp_path, "r.json", with_extra_user(local_facts))}}])
    result = run_checks(checks, inventory)
    result.assert_outcomes(passed=len(AREAS) - 1, failed=1)
    result.stdout.fnmatch_lines(["*MINOR*tempadmin*"])
    report = json.loads((checks.path / "drift.json").read_text())
    [record] = report["drift"]
    assert (record["pair"], record["area"], record["severity"]) == ("eu", "users", "minor")
    assert record["production"] is None


def test_fail_on_threshold_lets_minor_drift_pass(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [{
        "name": "eu",
        "production": {"snapshot": snapshot(tmp_path, "p.json", local_facts)},
        "recovery": {"snapshot": snapshot(tmp_path, "r.json", with_extra_user(local_facts))}}])
    result = run_checks(checks, inventory, "--fail-on=major")
    result.assert_outcomes(passed=len(AREAS))
    report = json.loads((checks.path / "drift.json").read_text())
    assert [r["status"] for r in report["results"] if r["area"] == "users"] == ["drift"]


def test_unreachable_host_errors_naming_host_and_cause_and_other_pairs_go_on(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [
        {"name": "down", "production": {"snapshot": snapshot(tmp_path, "p.json", local_facts)},
         "recovery": "ssh://root@127.0.0.1:9", "ssh": {"connect_timeout": 2}},
        {"name": "up", "production": "local://", "recovery": "local://"},
    ])
    result = run_checks(checks, inventory, f"--html={checks.path / 'report.html'}", "--self-contained-html")
    result.assert_outcomes(passed=len(AREAS), errors=len(AREAS))
    result.stdout.fnmatch_lines([
        "*unverified: recovery ssh://root@127.0.0.1:9: disks: cannot connect: *Connection refused*"])
    report = json.loads((checks.path / "drift.json").read_text())
    statuses = {(r["pair"], r["status"]) for r in report["results"]}
    assert statuses == {("down", "unverified"), ("up", "ok")}
    down = [h for r in report["results"] if r["pair"] == "down" for h in r["hosts"] if h["role"] == "recovery"]
    assert all(h["error"].startswith("cannot connect") for h in down)
    page = (checks.path / "report.html").read_text()
    down_sources = page.split("Where the facts came from")[1].split("<h4>down</h4>")[1].split("</table>")[0]
    assert "could not be reached: cannot connect" in down_sources
    assert "ssh://root@127.0.0.1:9</td><td>live" not in down_sources


def test_broken_inventory_is_a_usage_error_without_traceback(checks):
    inventory = checks.path / "broken.yaml"
    inventory.write_text("pairs:\n  - name: eu\n    production: ssh://root@198.51.100.10\n")
    previous = '{"schema": 1, "verdict": "ok", "note": "the previous run"}\n'
    (checks.path / "drift.json").write_text(previous)
    result = run_checks(checks, inventory, f"--html={checks.path / 'report.html'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {inventory}: pairs[0](eu).recovery: required key is missing"])
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
    assert (checks.path / "drift.json").read_text() == previous  # a run that checked nothing keeps it
    html = (checks.path / "report.html").read_text()
    assert "No checks ran" in html and "required key is missing" in html
    under_xdist = run_checks(checks, inventory, "-n", "2")
    assert under_xdist.ret == pytest.ExitCode.USAGE_ERROR
    under_xdist.stderr.fnmatch_lines([f"ERROR: {inventory}: pairs[0](eu).recovery: required key is missing"])


def test_markers_select_by_area_and_severity(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [{
        "name": "eu", "production": {"snapshot": snapshot(tmp_path, "p.json", local_facts)},
        "recovery": {"snapshot": snapshot(tmp_path, "r.json", local_facts)}}])
    run_checks(checks, inventory, "-m", "firewall").assert_outcomes(passed=1)
    run_checks(checks, inventory, "-k", "users").assert_outcomes(passed=1)
    critical = [area for area in AREAS if Severity.CRITICAL in AREAS[area].severities]
    assert "network" not in critical and "users" in critical
    result = run_checks(checks, inventory, "-m", "critical", "-v")
    result.assert_outcomes(passed=len(critical))
    result.stdout.no_fnmatch_line("*test_network*")


def test_snapshot_out_writes_each_live_host_and_reports_snapshot_age(checks, tmp_path):
    inventory = write_inventory(checks.path, [
        {"name": "eu", "production": "local://", "recovery": "local://"}])
    run_checks(checks, inventory, f"--snapshot-out={tmp_path / 'snaps'}").assert_outcomes(passed=len(AREAS))
    written = sorted(path.name for path in (tmp_path / "snaps").iterdir())
    assert written == ["eu.production.json", "eu.recovery.json"]
    saved = json.loads((tmp_path / "snaps" / "eu.production.json").read_text())
    assert saved["schema"] == 1 and set(saved["areas"]) == set(AREAS)

    offline = write_inventory(checks.path, [{
        "name": "eu", "production": {"snapshot": str(tmp_path / "snaps" / "eu.production.json")},
        "recovery": "local://"}])
    run_checks(checks, offline).assert_outcomes(passed=len(AREAS))
    report = json.loads((checks.path / "drift.json").read_text())
    production = [h for r in report["results"] for h in r["hosts"] if h["role"] == "production"]
    assert all(h["source"] == "snapshot" and h["age_seconds"] is not None for h in production)


def test_sudo_runs_the_collection_through_sudo_without_a_prompt(checks):
    inventory = write_inventory(checks.path, [{"name": "same", "production": "local://",
                                               "recovery": "local://", "sudo": True}])
    run_checks(checks, inventory).assert_outcomes(passed=len(AREAS))


def test_a_snapshot_of_the_other_side_is_refused(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [{
        "name": "eu", "production": {"snapshot": snapshot(tmp_path, "r.json", local_facts)},
        "recovery": "local://"}])
    result = run_checks(checks, inventory, "-k", "users")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unverified: production snapshot:*this snapshot is of the recovery host*"])


def test_works_under_xdist(checks, local_facts, tmp_path):
    inventory = write_inventory(checks.path, [
        {"name": f"p{i}", "production": {"snapshot": snapshot(tmp_path, f"p{i}.json", local_facts)},
         "recovery": {"snapshot": snapshot(tmp_path, f"r{i}.json", with_extra_user(local_facts))}}
        for i in range(3)])
    result = run_checks(checks, inventory, "-n", "2")
    result.assert_outcomes(passed=3 * (len(AREAS) - 1), failed=3)
    report = json.loads((checks.path / "drift.json").read_text())
    assert len(report["results"]) == 3 * len(AREAS) and len(report["drift"]) == 3
