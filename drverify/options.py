"""drverify's command-line options and ini values, declared for the plugin's ``pytest_addoption``.

Kept apart from the hooks (:mod:`drverify.plugin`) so that the list a user reads in ``--help`` is
one place, and cheap: declaring an option imports nothing an area needs.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drverify import history, provenance, shard
from drverify.drift import Severity
from drverify.report.display import MAX_RECORDS


def add_options(parser: pytest.Parser) -> None:
    """Every option and ini value of the plugin, in one group of ``pytest --help``."""
    group = parser.getgroup("drverify", "disaster-recovery drift checks")
    group.addoption("--inventory", metavar="PATH", help="inventory of production/recovery pairs "
                    "(default: the drverify_inventory ini value)")
    group.addoption("--fail-on", metavar="SEVERITY", default="minor", type=_severity,
                    help="fail a check on drift at or above this severity: minor, major, critical "
                    "(default: minor)")
    group.addoption("--direction", choices=("takeover", "failback"),
                    help="takeover: recovery compared with production (the reference); failback: the "
                    "way back, recovery the reference, with the failback areas (default: each pair's "
                    "own 'direction', else takeover)")
    group.addoption("--drill-log", metavar="CSV", type=Path,
                    help="the drill's timed steps (step,started,ended): the report measures the recovery "
                    "time against each pair's mft.rto_minutes")
    group.addoption("--max-records", metavar="N", type=_positive, default=MAX_RECORDS,
                    help="list at most N drift records per check (and N lines per value) in the HTML "
                    "report and failure messages, then a count of the rest; drift.json keeps them all "
                    f"(default: {MAX_RECORDS})")
    group.addoption("--snapshot-out", metavar="DIR", type=Path,
                    help="write each live host's facts as JSON snapshots into DIR")
    group.addoption("--drift-json", metavar="PATH", help="machine-readable results "
                    "(default: the drverify_json ini value)")
    group.addoption("--gate", action="store_true", help="readiness gate: only the checks that can "
                    "report critical drift, failing on critical drift only")
    group.addoption("--evidence", metavar="DIR", type=Path, help="write an evidence pack into DIR: "
                    "HTML, drift.json, JUnit, a Markdown summary, the inventory, a SHA-256 manifest, "
                    "one archive")
    group.addoption("--drverify-debug", action="store_true", help="show tracebacks of drverify's own errors "
                    "(a comparator or renderer that raised) instead of one line")
    provenance.addoption(group)
    group.addoption("--waivers", metavar="FILE", type=Path,
                    help="YAML file of accepted differences (pair, area, item pattern, owner, reason, ticket, "
                         "expires): waived drift is shown, never fails; an expired waiver fails again")
    shard.addoption(group)
    group.addoption("--drift-html", metavar="PATH", type=Path,
                    help="write drverify's own HTML report (verdict, matrix, every drift table; one "
                    "self-contained file, no script needed) to PATH; pytest-html's --html then keeps one row "
                    "per check pointing into it")
    history.addoption(group)
    parser.addini("drverify_inventory", "default inventory for drverify checks")
    parser.addini("drverify_json", "default path of drverify's JSON report")


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise pytest.UsageError(f"--max-records: expected a whole number of at least 1, got {text[:20]!r}")
    return int(text)


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise pytest.UsageError(str(error)) from None
