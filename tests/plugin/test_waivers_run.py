"""Waivers in a real run of the example: waived drift is shown and does not fail; an expired
waiver fails again naming itself; a malformed file is a usage error naming entry and key; a waiver
that matched nothing is reported stale, in the terminal and in drift.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example.yaml"
#: the example's users drift: mftsvc's uid (critical) and password, mftadm's members, drtest and sudo's members
USERS = {"user mftsvc uid/gid", "user mftsvc password", "group mftadm members", "user drtest", "group sudo members"}


def waive(directory: Path, *entries: dict) -> Path:
    path = directory / "waivers.yaml"
    path.write_text(yaml.safe_dump({"version": 1, "waivers": [
        {"pair": "mft-eu", "area": "users", "owner": "alice", "reason": "known since the clone",
         "ticket": "CHG-1", "expires": "2099-12-31", **entry} for entry in entries]}))
    return path


def run(checks: pytest.Pytester, waivers: Path, *args: str) -> tuple[pytest.RunResult, dict]:
    """The users check of the example's takeover pair (the waivers name pair mft-eu)."""
    result = checks.runpytest("checks", f"--inventory={EXAMPLE}", f"--drift-json={checks.path / 'drift.json'}",
                              f"--waivers={waivers}", "-k", "users and not failback", *args)
    path = checks.path / "drift.json"
    return result, json.loads(path.read_text()) if path.exists() else {}


def test_waived_drift_is_shown_as_waived_and_does_not_fail(checks):
    waivers = waive(checks.path, {"item": "user *"}, {"item": "group *"})
    result, report = run(checks, waivers, f"--html={checks.path / 'report.html'}", "--self-contained-html")
    result.assert_outcomes(passed=1)
    assert {record["item"] for record in report["drift"]} == USERS  # shown, never hidden
    assert all(record["waiver"]["ticket"] == "CHG-1" and not record["waiver"]["expired"] for record in report["drift"])
    assert [entry["status"] for entry in report["meta"]["waivers"]["entries"]] == ["waived", "waived"]
    assert report["meta"]["provenance"]["waivers"]["in_force"] == 2
    html = (checks.path / "report.html").read_text()
    assert html.count('class="drv-tag drv-waived"') == 5 and 'id="drv-waivers"' in html
    result.stdout.fnmatch_lines(["*users 5 drift (critical, 5 waived)*"])


def test_partly_waived_drift_still_fails_on_the_rest(checks):
    result, report = run(checks, waive(checks.path, {"item": "user drtest"}, {"item": "group sudo members"}))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*3 difference(s) at or above minor:*"])
    assert "user drtest:" not in result.stdout.str().split("3 difference(s)")[1].split("=====")[0]


def test_an_expired_waiver_fails_again_naming_itself(checks):
    result, report = run(checks, waive(checks.path, {"item": "user mftsvc uid/gid", "expires": "2020-01-31"}))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*CRITICAL user mftsvc uid/gid: *(waiver waivers.yaml waivers[[]0] expired on 2020-01-31: owner alice, "
        "ticket CHG-1)",
        "waiver waivers.yaml waivers[[]0] (CHG-1, alice): expired since 2020-01-31"])
    assert report["meta"]["waivers"]["entries"][0]["status"] == "expired"


def test_a_waiver_that_matched_nothing_is_reported_stale(checks):
    result, report = run(checks, waive(checks.path, {"item": "user drtest"}, {"item": "user long-gone"}))
    result.stdout.fnmatch_lines(["waiver waivers.yaml waivers[[]1] (CHG-1, alice): stale, it matched no difference: remove it"])
    assert [entry["status"] for entry in report["meta"]["waivers"]["entries"]] == ["waived", "stale"]


def test_a_malformed_waivers_file_is_a_usage_error_naming_entry_and_key(checks):
    path = waive(checks.path, {"item": "user drtest"}, {"item": "user x", "expires": None})
    result, _ = run(checks, path)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {path}: waivers[[]1].expires: input should be a valid date*"])
