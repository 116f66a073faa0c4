"""``--drill-log``: the measured recovery time sits with the evidence, against each pair's RTO."""

from __future__ import annotations

import json

import pytest
import yaml

DRILL = """step,started,ended
declare the disaster,2026-11-28T20:00:00+00:00,2026-11-28T20:05:00+00:00
restore the configuration export,2026-11-28T20:05:00+00:00,2026-11-28T21:10:00+00:00
"""


def test_the_drill_log_is_measured_against_the_rto_in_json_and_html(checks):
    inventory = checks.path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"version": 1, "pairs": [{
        "name": "eu", "production": "local://", "recovery": "local://", "mft": {"rto_minutes": 60}}]}))
    (checks.path / "drill.csv").write_text(DRILL)
    result = checks.runpytest("checks", f"--inventory={inventory}", "-k", "users",
                              f"--drift-json={checks.path / 'drift.json'}", f"--drill-log={checks.path / 'drill.csv'}",
                              f"--html={checks.path / 'report.html'}", "--self-contained-html")
    result.assert_outcomes(passed=1)
    drill = json.loads((checks.path / "drift.json").read_text())["meta"]["drill"]
    assert drill["recovery_minutes"] == 70.0
    assert drill["rto"] == [{"pair": "eu", "rto_minutes": 60.0, "met": False}]
    html = (checks.path / "report.html").read_text()
    assert "recovery took <strong>70.0 minutes</strong>" in html and "NOT met" in html


def test_a_broken_drill_log_is_a_usage_error(checks):
    inventory = checks.path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"version": 1, "pairs": [{
        "name": "eu", "production": "local://", "recovery": "local://"}]}))
    (checks.path / "drill.csv").write_text("when,what\n")
    result = checks.runpytest("checks", f"--inventory={inventory}", f"--drill-log={checks.path / 'drill.csv'}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {checks.path / 'drill.csv'}:1: expected the header 'step,started,ended'"])
