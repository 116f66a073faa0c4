"""History without a run: a baseline marks records new or persisting, resolves only what was
compared again, keeps the first sighting; the trend is drawn as inline SVG, no script."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drverify.drift.records import Drift, Severity, Unverified
from drverify.errors import InventoryError
from drverify.history import load_baseline
from drverify.report.results import AreaResult
from drverify.report.trend import lines, render_history

NOW = "2026-12-01T02:00:00+00:00"


def record(item: str, area: str = "users", kind: str = "extra", **history) -> Drift:
    return Drift("mft-eu", area, item, None, 1, Severity.MINOR, "m", kind=kind, history=history or None)


def baseline_file(tmp_path: Path, *records: Drift) -> Path:
    path = tmp_path / "drift.json"
    path.write_text(json.dumps({"schema": 1, "generated_at": "2026-11-30T02:05:00+00:00",
                                "meta": {"provenance": {"started_at": "2026-11-30T02:00:00+00:00"}},
                                "drift": [r.as_dict() for r in records]}))
    return path


def test_new_and_persisting_by_id_never_by_value(tmp_path):
    baseline = load_baseline(baseline_file(tmp_path, record("user drtest")), NOW)
    moved = Drift("mft-eu", "users", "user drtest", None, {"uid": 9}, Severity.MAJOR, "other", kind="extra")
    assert baseline.status(moved) == {"status": "persisting", "since": "2026-11-30T02:00:00+00:00"}
    assert baseline.status(record("user drtest", kind="ids")) == {"status": "new", "since": NOW}


def test_a_persisting_record_keeps_its_first_sighting(tmp_path):
    older = record("user drtest", status="persisting", since="2026-10-01T02:00:00+00:00")
    baseline = load_baseline(baseline_file(tmp_path, older), NOW)
    assert baseline.status(record("user drtest"))["since"] == "2026-10-01T02:00:00+00:00"


def test_resolved_only_where_the_check_ran_and_compared_the_item(tmp_path):
    gone = [record("user drtest"), record("user bob"), record("/mnt/x", area="disks"), record("/srv", area="disks"),
            record("chain x", area="firewall")]
    baseline = load_baseline(baseline_file(tmp_path, *gone), NOW)
    results = [
        AreaResult("mft-eu", "users", "ok"),
        AreaResult("mft-eu", "disks", "unverified", unverified=(Unverified("mft-eu", "disks", "/srv", "r", "why"),)),
        AreaResult("mft-eu", "firewall", "unverified", reason="host unreachable"),
    ]
    assert [r["item"] for r in baseline.resolved(results)] == ["/mnt/x", "user bob", "user drtest"]


@pytest.mark.parametrize("content", ["{}", "not json", json.dumps({"schema": 1, "drift": [{"pair": "p"}]})])
def test_an_unusable_baseline_is_one_line(tmp_path, content):
    path = tmp_path / "drift.json"
    path.write_text(content)
    with pytest.raises(InventoryError) as error:
        load_baseline(path, NOW)
    assert str(error.value).startswith(f"{path}: ") and "\n" not in str(error.value)


def test_trend_lines_share_one_scale_and_say_each_point():
    trend = [{"generated_at": "2026-11-29T02:00:00+00:00", "by_area": {"users": 4, "disks": 2}},
             {"generated_at": "2026-11-30T02:00:00+00:00", "by_area": {"users": 1}}]
    drawn = lines(trend, ["disks", "users"])
    assert [(line.area, line.counts, line.change) for line in drawn] == [("disks", (2, 0), "-2"),
                                                                          ("users", (4, 1), "-3")]
    assert drawn[1].points[0][1] < drawn[0].points[0][1]  # 4 is drawn higher than 2
    assert drawn[0].points[1][2] == "2026-11-30 02:00 UTC: 0"


def test_history_section_has_new_drift_and_an_svg_without_script():
    new = record("user tempadmin", status="new", since=NOW)
    meta = {"areas": ["users"], "history": {
        "baseline": {"path": "b.json", "generated_at": "2026-11-30T02:05:00+00:00"}, "new": 1, "persisting": 0,
        "resolved": [{"pair": "mft-eu", "area": "users", "item": "user drtest", "severity": "minor",
                      "since": "2026-11-30T02:00:00+00:00"}],
        "trend": [{"generated_at": "2026-11-30T02:05:00+00:00", "by_area": {"users": 1}},
                  {"generated_at": NOW, "by_area": {"users": 1}}]}}
    html = render_history([AreaResult("mft-eu", "users", "drift", drift=(new,))], meta)
    assert f'href="#drv-record-{new.id}"' in html and "user drtest (seen since 2026-11-30 02:00 UTC)" in html
    assert "<svg" in html and "<title>2026-12-01 02:00 UTC: 1</title>" in html and "<script" not in html
