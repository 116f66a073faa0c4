"""reports/drift.json: what a tool reading it relies on (shape, counts, order, atomic write)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drverify.drift.records import Drift, Severity, Unverified
from drverify.report import json_report
from drverify.report.results import AreaResult, HostInfo

PROD = HostInfo("production", "prod-mft-01", "live", "2026-11-26T08:00:00+00:00", 40.0)
DR = HostInfo("recovery", "dr-mft-01", "snapshot", "2026-11-20T08:00:00+00:00", 518400.0,
              vantage="dr-mft-01 (198.51.100.20)")


def record(pair, area, item, severity, production="p", recovery="r") -> Drift:
    return Drift(pair, area, item, production, recovery, severity, f"{item} differs")


def results() -> list[AreaResult]:
    """Deliberately out of order: the report sorts, callers need not."""
    return [
        AreaResult("mft-b", "users", "drift", drift=(
            record("mft-b", "users", "user zz", Severity.MINOR, None, {"uid": 2001}),
            record("mft-b", "users", "user mftsvc", Severity.CRITICAL, {"uid": 1001}, {"uid": 1002}),
        ), hosts=(PROD, DR), nodeid="checks/test_users.py::test_users[mft-b]"),
        AreaResult("mft-a", "network", "unverified", reason="ip -j addr: command not found",
                   hosts=(PROD, DR)),
        AreaResult("mft-a", "disks", "drift", drift=(
            record("mft-a", "disks", "/srv/mft size", Severity.MAJOR, 8 << 30, 4 << 30),
            record("mft-a", "disks", "/data mount", Severity.CRITICAL, {"fstype": "xfs"}, None),
            record("mft-a", "disks", "/archive mount", Severity.MAJOR, "ext4", "xfs"),
        ), hosts=(PROD, DR)),
        AreaResult("mft-a", "users", "ok", hosts=(PROD, DR)),
        AreaResult("mft-b", "disks", "ok", hosts=(PROD, DR)),
    ]


META = {
    "inventory": Path("inventories/example.yaml"),
    "started_at": datetime(2026, 11, 26, 8, 5, tzinfo=UTC),
    "fail_on": Severity.MAJOR,
    "pairs": ("mft-a", "mft-b"),
    "areas": ["disks", "network", "users"],
    "generated_at": datetime(2026, 11, 26, 8, 6, 30, tzinfo=UTC),
}


@pytest.fixture(scope="module")
def report() -> dict:
    return json_report.build(results(), META)


def test_top_level_shape(report):
    assert list(report) == ["schema", "generated_at", "verdict", "checked", "meta", "summary", "results", "drift",
                            "unverified"]
    assert report["schema"] == 1
    assert report["generated_at"] == "2026-11-26T08:06:30+00:00"


def test_meta_is_json_able(report):
    assert report["meta"] == {
        "inventory": "inventories/example.yaml",
        "started_at": "2026-11-26T08:05:00+00:00",
        "fail_on": "major",
        "pairs": ["mft-a", "mft-b"],
        "areas": ["disks", "network", "users"],
    }


def test_summary_counts_checks_and_records(report):
    assert report["summary"] == {
        "ok": 2,
        "drift": 2,
        "unverified": 1,
        "unverified_items": 0,
        "by_severity": {"critical": 2, "major": 2, "minor": 1},
    }


def test_summary_lists_every_severity_even_when_none():
    summary = json_report.build([AreaResult("p", "disks", "ok")], {})["summary"]
    assert summary["by_severity"] == {"critical": 0, "major": 0, "minor": 0}


def test_results_sorted_by_pair_then_area(report):
    assert [(r["pair"], r["area"], r["status"]) for r in report["results"]] == [
        ("mft-a", "disks", "drift"),
        ("mft-a", "network", "unverified"),
        ("mft-a", "users", "ok"),
        ("mft-b", "disks", "ok"),
        ("mft-b", "users", "drift"),
    ]


def test_result_record_fields(report):
    users = report["results"][-1]
    assert users == {
        "pair": "mft-b",
        "area": "users",
        "status": "drift",
        "reason": None,
        "worst": "critical",
        "drift_count": 2,
        "hosts": [PROD.as_dict(), DR.as_dict()],
        "nodeid": "checks/test_users.py::test_users[mft-b]",
        "unverified": [],
        "direction": "takeover",
        "outcome": None,
        "started_at": None,
        "finished_at": None,
        "duration": None,
    }
    assert report["results"][1]["reason"] == "ip -j addr: command not found"


def test_drift_sorted_by_pair_area_severity_worst_first_then_item(report):
    assert [(d["pair"], d["area"], d["severity"], d["item"]) for d in report["drift"]] == [
        ("mft-a", "disks", "critical", "/data mount"),
        ("mft-a", "disks", "major", "/archive mount"),
        ("mft-a", "disks", "major", "/srv/mft size"),
        ("mft-b", "users", "critical", "user mftsvc"),
        ("mft-b", "users", "minor", "user zz"),
    ]


def test_drift_record_keeps_both_values_as_data(report):
    mount = report["drift"][0]
    assert mount == {
        "id": record("mft-a", "disks", "/data mount", Severity.CRITICAL).id,
        "kind": "changed",
        "hint": "",
        "pair": "mft-a",
        "area": "disks",
        "item": "/data mount",
        "production": {"fstype": "xfs"},
        "recovery": None,
        "severity": "critical",
        "message": "/data mount differs",
    }


def test_same_results_in_any_order_give_the_same_report():
    assert json_report.build(results(), META) == json_report.build(results()[::-1], META)


def test_generated_at_defaults_to_now_in_utc():
    stamp = json_report.build([], {})["generated_at"]
    assert datetime.fromisoformat(stamp).utcoffset().total_seconds() == 0


def test_write_creates_directories_and_writes_utf8_indented(tmp_path):
    target = tmp_path / "reports" / "nested" / "drift.json"
    accented = [AreaResult("mft-é", "users", "unverified", reason="répertoire absent")]
    assert json_report.write(target, accented, META) == target
    raw = target.read_bytes()
    assert "répertoire".encode() in raw
    assert raw.startswith(b'{\n  "schema": 1,')
    assert raw.endswith(b"}\n")
    assert json.loads(raw.decode("utf-8")) == json_report.build(accented, META)
    assert os.listdir(target.parent) == ["drift.json"]


def test_write_replaces_an_existing_report(tmp_path):
    target = tmp_path / "drift.json"
    target.write_text("old", encoding="utf-8")
    json_report.write(str(target), results(), META)
    assert json.loads(target.read_text(encoding="utf-8"))["summary"]["drift"] == 2
    assert sorted(os.listdir(tmp_path)) == ["drift.json"]


def test_failed_write_keeps_the_old_report_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "drift.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(json_report.os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        json_report.write(target, results(), META)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert os.listdir(tmp_path) == ["drift.json"]


def test_written_file_is_readable_by_others(tmp_path):
    previous = os.umask(0o022)
    try:
        target = json_report.write(tmp_path / "drift.json", [], {})
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o644


def test_unverified_items_sit_beside_the_drift_of_their_result():
    item = Unverified("mft-a", "disks", "/srv/stale", "recovery ssh://dr", "findmnt gave no size")
    record = Drift("mft-a", "disks", "/srv/mft", 1, 2, Severity.CRITICAL, "too small")
    result = AreaResult("mft-a", "disks", "drift", drift=(record,), unverified=(item,))
    report = json_report.build([result], {})
    assert report["results"][0]["unverified"] == [item.as_dict()]
    assert report["unverified"] == [item.as_dict()] and report["summary"]["unverified_items"] == 1
    assert report["drift"][0]["item"] == "/srv/mft"
    assert AreaResult.from_json(result.to_json()) == result
