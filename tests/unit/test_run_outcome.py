"""The pieces that decide and say a run's outcome, with plain data: the verdict and exit status,
text made safe for a terminal, strict JSON, JUnit names, Markdown escaping."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from drverify.drift.records import Drift, Severity, Unverified
from drverify.report.json_report import strict
from drverify.report.junit import case_key
from drverify.report.markdown import md
from drverify.report.results import AreaResult
from drverify.report.terminal import printable, printable_lines
from drverify.report.verdict import ExitStatus, RunSummary, Verdict, judge

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)


def drift(severity: Severity) -> AreaResult:
    record = Drift("eu", "users", "user x", None, {"uid": 1}, severity, "x only on recovery")
    return AreaResult("eu", "users", "drift", drift=(record,))


OK = AreaResult("eu", "disks", "ok")
UNVERIFIED = AreaResult("eu", "dns", "unverified", "recovery ssh://dr: dns: timed out")
PARTLY = AreaResult("eu", "disks", "ok", unverified=(Unverified("eu", "disks", "/srv", "recovery", "statfs: EACCES"),))


@pytest.mark.parametrize(("results", "fail_on", "failures", "verdict"), [
    ([OK], Severity.MINOR, (), Verdict.OK),
    ([OK, drift(Severity.MINOR)], Severity.MINOR, (), Verdict.DRIFT),
    ([drift(Severity.MINOR)], Severity.MAJOR, (), Verdict.OK),  # below the threshold: reported, not failing
    ([drift(Severity.MINOR), UNVERIFIED], Severity.MAJOR, (), Verdict.UNVERIFIED),
    ([PARTLY], Severity.MINOR, (), Verdict.UNVERIFIED),  # one unreadable item is never ok
    ([drift(Severity.CRITICAL), UNVERIFIED], Severity.MINOR, (), Verdict.DRIFT),
    ([drift(Severity.CRITICAL)], Severity.MINOR, ("eu users: internal error: KeyError",), Verdict.ERROR),
])
def test_verdict_precedence(results, fail_on, failures, verdict):
    assert judge(results, fail_on, failures) is verdict


@pytest.mark.parametrize(("verdict", "checked", "usage", "status"), [
    (Verdict.OK, True, None, ExitStatus.OK),
    (Verdict.DRIFT, True, None, ExitStatus.DRIFT),
    (Verdict.UNVERIFIED, True, None, ExitStatus.UNVERIFIED),
    (Verdict.ERROR, True, None, ExitStatus.INTERNAL),
    (Verdict.OK, False, "inventory.yaml: pairs: expected a list", ExitStatus.USAGE),
    (Verdict.OK, False, None, ExitStatus.OK),  # --collect-only
    (Verdict.ERROR, False, None, ExitStatus.INTERNAL),  # crashed before any check
])
def test_exit_status(verdict, checked, usage, status):
    summary = RunSummary(verdict, checked, [], Severity.MINOR, NOW, NOW, usage_error=usage)
    assert summary.exit_status() is status


def test_blocking_items_are_the_failing_drift_worst_first():
    summary = RunSummary(Verdict.DRIFT, True, [drift(Severity.MAJOR), drift(Severity.CRITICAL), drift(Severity.MINOR)],
                         Severity.MAJOR, NOW, NOW)
    assert [record.severity for record in summary.blocking()] == [Severity.CRITICAL, Severity.MAJOR]


def test_printable_escapes_what_a_terminal_would_act_on():
    hostile = "ok\x1b]0;TITLE\x07\x1b[2J\x9b\u202eevil\ud800\tend\n"
    assert printable(hostile) == "ok\\x1b]0;TITLE\\x07\\x1b[2J\\x9b\\u202eevil\\ud800\\x09end\\x0a"
    assert printable_lines("a\x1b\nb") == "a\\x1b\nb"
    assert printable("naïve — ünïcode ✓") == "naïve — ünïcode ✓"


def test_strict_json_holds_any_host_value():
    value = {"size": float("nan"), "max": float("inf"), 3: "\ud800x", "set": {2, 1}, "sev": Severity.MAJOR,
             "when": NOW, "ok": True, "n": 7}
    text = json.dumps(strict(value), allow_nan=False, ensure_ascii=False)
    text.encode("utf-8")  # no lone surrogate left
    assert json.loads(text) == {"size": "nan", "max": "inf", "3": "\\ud800x", "set": [1, 2], "sev": "major",
                                "when": "2026-11-30T08:00:00+00:00", "ok": True, "n": 7}


@pytest.mark.parametrize(("nodeid", "prefix", "key"), [
    ("checks/test_firewall.py::test_firewall[mft-eu]", None, ("checks.test_firewall", "test_firewall[mft-eu]")),
    ("checks/test_users.py::test_users[a/b::c]", "nightly", ("nightly.checks.test_users", "test_users[a/b::c]")),
])
def test_junit_case_names_follow_pytests_junitxml(nodeid, prefix, key):
    assert case_key(nodeid, prefix) == key


def test_markdown_text_cannot_break_a_table_or_become_markup():
    assert md("a|b <img src=x> [link](http://x) *b* `c` \\ &amp;") == (
        "a\\|b \\<img src=x\\> \\[link\\](http://x) \\*b\\* \\`c\\` \\\\ \\&amp;")
    assert md("\x1b[2J") == "\\\\x1b\\[2J"
