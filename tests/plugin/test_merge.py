"""``drverify merge``: runs split across CI jobs combined into the report one run would write."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from cli_support import drverify, inventory, takeover_example, twin_pair

from drverify.report.verdict import ExitStatus


def records(document: dict) -> set[str]:
    return {json.dumps(record, sort_keys=True) for record in document["drift"]}


def test_two_runs_merge_into_the_whole_runs_report(tmp_path):
    whole, first, second = (tmp_path / name for name in ("whole", "first", "second"))
    for directory, args in ((whole, ()), (first, ("-k", "users or disks")), (second, ("-k", "not users and not disks"))):
        directory.mkdir()
        drverify(directory, "check", "--inventory", str(takeover_example(directory)), *args)
    result = drverify(tmp_path, "merge", "first", "second/reports/drift.json", "--out", "merged")
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    merged = json.loads((tmp_path / "merged" / "drift.json").read_text())
    expected = json.loads((whole / "reports" / "drift.json").read_text())
    assert records(merged) == records(expected)
    assert merged["summary"] == expected["summary"] and merged["verdict"] == "drift"
    assert [shard["source"] for shard in merged["meta"]["shards"]] == ["first/reports/drift.json",
                                                                        "second/reports/drift.json"]
    suite = ET.parse(tmp_path / "merged" / "junit.xml").getroot().find("testsuite")
    assert (suite.get("tests"), suite.get("failures")) == ("15", "15")
    html = (tmp_path / "merged" / "drift-report.html").read_text()
    assert "Verdict: DRIFT" in html and "Drift matrix" in html


def test_runs_of_other_inventories_or_overlapping_runs_are_refused(tmp_path):
    (tmp_path / "example").mkdir()
    (tmp_path / "twin").mkdir()
    drverify(tmp_path / "example", "check", "--inventory", str(takeover_example(tmp_path / "example")), "-k", "users")
    drverify(tmp_path / "twin", "check", "--inventory", str(inventory(tmp_path, twin_pair(tmp_path))))
    result = drverify(tmp_path, "merge", "example", "twin", "--out", "merged")
    assert result.returncode == ExitStatus.USAGE and "runs of different inventories" in result.stderr
    result = drverify(tmp_path, "merge", "example", "example/reports/drift.json", "--out", "merged")
    assert result.returncode == ExitStatus.USAGE and "both report mft-eu · users" in result.stderr
    result = drverify(tmp_path, "merge", "nowhere", "--out", "merged")
    assert result.returncode == ExitStatus.USAGE and "nowhere: cannot read" in result.stderr
    assert not (tmp_path / "merged").exists()
