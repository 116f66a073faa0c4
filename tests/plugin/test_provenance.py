"""Provenance in every artifact: drift.json's meta, pytest-metadata's Environment table (which
pytest-html prints) and the HTML's evidence header say which drverify, which inventory (path and
SHA-256), what was selected, who ran it where and when, for which ticket and drill; each check's
result says when it ran and for how long."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import datetime
from pathlib import Path

import pytest

from drverify import __version__
from drverify.provenance import flat

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example.yaml"


@pytest.fixture
def example_run(checks: pytest.Pytester) -> dict:
    report = checks.path / "report.html"
    checks.runpytest("checks", f"--inventory={EXAMPLE}", f"--drift-json={checks.path / 'drift.json'}",
                     f"--html={report}", "--self-contained-html", "-k", "(users or disks) and not failback", "--fail-on=major",
                     "--ticket=CHG-4711", "--drill=DR-2026-Q4")
    return {"drift": json.loads((checks.path / "drift.json").read_text()), "html": report.read_text()}


def test_drift_json_meta_carries_the_provenance(example_run):
    found = example_run["drift"]["meta"]["provenance"]
    assert found["drverify"] == __version__
    assert found["inventory"] == {"path": str(EXAMPLE), "sha256": hashlib.sha256(EXAMPLE.read_bytes()).hexdigest()}
    assert {"pytest", "pytest-html", "pydantic", "Jinja2"} <= set(found["dependencies"])
    selection = found["selection"]
    assert (selection["keyword"], selection["fail_on"], selection["direction"]) == (
        "(users or disks) and not failback", "major", {"mft-eu": "takeover", "mft-eu-failback": "failback"})
    assert selection["summary"] == "-k '(users or disks) and not failback', --fail-on major, paths checks"
    assert re.fullmatch(r"[^@\s]+@\S+", found["operator"]) and found["operator"].endswith("@" + found["runner"])
    assert (found["ticket"], found["drill"]) == ("CHG-4711", "DR-2026-Q4")
    started, finished = (datetime.fromisoformat(found[key]) for key in ("started_at", "finished_at"))
    assert started <= finished and found["duration_seconds"] >= 0


def test_each_check_says_when_it_ran_and_how_long(example_run):
    results = example_run["drift"]["results"]
    assert [result["area"] for result in results] == ["disks", "users"]
    for result in results:
        assert result["outcome"] == "failed" and result["duration"] >= 0
        assert datetime.fromisoformat(result["started_at"]) <= datetime.fromisoformat(result["finished_at"])


def test_pytest_metadata_environment_table_and_evidence_header_show_it(example_run):
    blob = re.search(r'data-jsonblob="([^"]*)"', example_run["html"]).group(1)
    environment = json.loads(html.unescape(blob))["environment"]
    provenance = example_run["drift"]["meta"]["provenance"]
    assert {key[0].upper() + key[1:]: value for key, value in flat(provenance).items()}.items() <= environment.items()
    assert environment["Ticket"] == "CHG-4711" and environment["Inventory sha256"] == provenance["inventory"]["sha256"]
    header = example_run["html"].split('id="drv-evidence"', 1)[1].split("</section>", 1)[0]
    for fact in ("CHG-4711", "DR-2026-Q4", provenance["inventory"]["sha256"], provenance["operator"],
                 "-k &#39;(users or disks) and not failback&#39;, --fail-on major"):
        assert fact in header
