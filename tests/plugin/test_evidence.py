"""The evidence pack and the JUnit file, as a ticket reader and a CI widget get them: the manifest
verifies with sha256sum, the Markdown summary says the same facts as drift.json, JUnit carries
severity, count and reasons where widgets look."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tarfile
import xml.etree.ElementTree as ET

import pytest
import yaml
from cli_support import EXAMPLE, SNAPSHOTS, clean_env, drverify, unreachable_pair

from drverify.report.verdict import ExitStatus

CELL_SPLIT = re.compile(r"(?<!\\)\|")


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """The example plus an unreachable pair, failing on major: drift, unverified and minor drift."""
    directory = tmp_path_factory.mktemp("evidence")
    raw = yaml.safe_load(EXAMPLE.read_text())
    for role in ("production", "recovery"):
        raw["pairs"][0][role] = {"snapshot": str(SNAPSHOTS / f"mft-eu.{role}.json")}
    raw["pairs"] = [raw["pairs"][0], unreachable_pair()]  # the takeover pair: its failback twin aside
    (directory / "inventory.yaml").write_text(yaml.safe_dump(raw))
    summary = directory / "step-summary.md"
    summary.write_text("# earlier step\n")
    result = drverify(directory, "check", "--inventory", "inventory.yaml", "--fail-on", "major",
                      "--evidence", "evidence", env=clean_env(GITHUB_STEP_SUMMARY=str(summary)))
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    return directory


def test_the_manifest_verifies_with_sha256sum_and_the_archive_holds_everything(run):
    evidence = run / "evidence"
    if shutil.which("sha256sum") is None:
        pytest.skip("coreutils' sha256sum is not installed")
    check = subprocess.run(["sha256sum", "-c", "MANIFEST.sha256"], cwd=evidence, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    listed = [line.split("  ", 1)[1] for line in (evidence / "MANIFEST.sha256").read_text().splitlines()]
    assert sorted(listed) == ["drift-report.html", "drift.json", "inventory-inventory.yaml", "junit.xml", "summary.md"]
    with tarfile.open(evidence / "drverify-evidence.tar.gz") as archive:
        names = sorted(name.removeprefix("drverify-evidence/") for name in archive.getnames())
    assert names == sorted([*listed, "MANIFEST.sha256"])
    assert (evidence / "inventory-inventory.yaml").read_bytes() == (run / "inventory.yaml").read_bytes()


def cells(line: str) -> list[str]:
    """One Markdown table row, unescaped, as a renderer shows it."""
    return [re.sub(r"\\(.)", r"\1", cell.strip()) for cell in CELL_SPLIT.split(line.strip())[1:-1]]


def table(markdown: str, heading: str) -> list[list[str]]:
    section = markdown.split(heading, 1)[1].split("\n## ", 1)[0]
    rows = [cells(line) for line in section.splitlines() if line.startswith("|")]
    return rows[2:]  # header and delimiter rows


def test_the_markdown_summary_says_what_drift_json_says(run):
    drift = yaml.safe_load((run / "evidence" / "drift.json").read_text())
    markdown = (run / "evidence" / "summary.md").read_text()
    assert markdown.startswith(f"# drverify verdict: {drift['verdict'].upper()}\n")
    matrix = {row[0]: row[1:] for row in table(markdown, "## Matrix")}
    areas = drift["meta"]["areas"]
    for result in drift["results"]:
        cell = matrix[result["pair"]][areas.index(result["area"])]
        if result["status"] == "drift":
            assert cell.startswith(f"✗ {result['drift_count']} drift · {result['worst']}")
        else:
            assert cell.startswith({"ok": "✓ ok", "unverified": "? unverified"}[result["status"]])
    blocking = table(markdown, "## Blocking items")
    expected = [r for r in drift["drift"] if r["severity"] in ("critical", "major")]
    assert sorted(tuple(row[:5]) for row in blocking) == sorted(
        (r["severity"], r["pair"], r["area"], r["item"], r["message"]) for r in expected)
    unverified = table(markdown, "## Not verified")
    assert {(row[0], row[1]) for row in unverified} == {
        (r["pair"], r["area"]) for r in drift["results"] if r["status"] == "unverified"}
    provenance = dict(table(markdown, "## Provenance"))
    sha = hashlib.sha256((run / "inventory.yaml").read_bytes()).hexdigest()
    assert provenance["Inventory sha256"] == drift["meta"]["provenance"]["inventory"]["sha256"] == sha
    assert provenance["Drverify"] == drift["meta"]["provenance"]["drverify"]
    assert "--fail-on major" in provenance["Selection"]
    step = (run / "step-summary.md").read_text()
    assert step == "# earlier step\n" + markdown + "\n"


def test_junit_gives_widgets_severity_count_and_reasons_with_flat_properties(run):
    suite = ET.parse(run / "reports" / "junit.xml").getroot().find("testsuite")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    users = cases["test_users[mft-eu]"]
    failure = users.find("failure")
    assert (failure.get("type"), failure.get("message")) == ("drift.critical", "3 drift at or above major: 1 critical, 2 major")
    assert "below --fail-on major: MINOR user drtest" in users.find("system-out").text
    error = cases["test_users[down]"].find("error")
    assert error.get("type") == "unverified" and "Connection refused" in error.get("message")
    properties = {p.get("name"): p.get("value") for p in users.iter("property")}
    assert properties["drverify.area"] == "users" and properties["drverify.worst"] == "critical"
    assert not [p for p in suite.iter("property") if p.get("value", "").startswith(("{", "["))]
    run_properties = {p.get("name"): p.get("value") for p in suite.find("properties")}
    assert run_properties["drverify.verdict"] == "drift" and run_properties["drverify.fail_on"] == "major"
    assert (suite.get("tests"), suite.get("errors")) == ("19", "4")
