"""``--shard K/N`` and ``drverify merge`` on the generated inventory (bench/scale_inventory.py):
the shards of one run, merged, say what the unsharded run says."""

from __future__ import annotations

import importlib.util
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_support import REPO, drverify, report, takeover_example

from drverify.report.verdict import ExitStatus

#: pairs of the generated inventory, as in the issue: a shard of 500 takes about 20 s on a loaded
#: 2-core machine, the three runs below together about a minute (bench/bench_report_scale.py)
PAIRS = 500


def scale_inventory():
    """bench/scale_inventory.py, imported from its file (bench/ is not a package)."""
    spec = importlib.util.spec_from_file_location("scale_inventory", REPO / "bench" / "scale_inventory.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return scale_inventory().build(tmp_path_factory.mktemp("scale"), PAIRS)


@pytest.fixture(scope="module")
def runs(generated, tmp_path_factory) -> Path:
    """The whole run, and shards 1/2 (under pytest-xdist) and 2/2 with their snapshots, in one directory."""
    base = tmp_path_factory.mktemp("runs")
    for name, args in (("whole", ()), ("shard-1", ("--shard", "1/2", "-n", "2")), ("shard-2", ("--shard=2/2",))):
        (base / name).mkdir()
        result = drverify(base / name, "check", "--inventory", str(generated), *args, "--tb=no", "-q")
        assert result.returncode == ExitStatus.DRIFT, result.stdout[-2000:] + result.stderr
    for name in ("shard-1", "shard-2"):  # as --snapshot-out would leave them for live hosts
        (base / name / "snapshots").mkdir()
        for pair in report(base / name)["meta"]["pairs"]:
            for role in ("production", "recovery"):
                source = generated.parent / "snapshots" / f"{pair}.{role}.json"
                shutil.copyfile(source, base / name / "snapshots" / source.name)
    return base


def records(document: dict) -> set[str]:
    return {json.dumps(record, sort_keys=True) for record in document["drift"]}


def test_two_shards_check_every_pair_once_and_merge_into_the_unsharded_runs_report(runs):
    shards = [report(runs / name) for name in ("shard-1", "shard-2")]
    pairs = [set(shard["meta"]["pairs"]) for shard in shards]
    assert not pairs[0] & pairs[1] and len(pairs[0] | pairs[1]) == PAIRS and len(pairs[0]) == PAIRS // 2
    assert [shard["meta"]["provenance"]["selection"]["shard"] for shard in shards] == ["1/2", "2/2"]
    assert "--shard 1/2" in shards[0]["meta"]["provenance"]["selection"]["summary"]

    result = drverify(runs, "merge", "shard-2", "shard-1", "--out", "merged")
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    merged, whole = json.loads((runs / "merged" / "drift.json").read_text()), report(runs / "whole")
    assert records(merged) == records(whole)
    assert merged["summary"] == whole["summary"] and merged["verdict"] == whole["verdict"]
    assert merged["meta"]["pairs"] == sorted(whole["meta"]["pairs"])
    assert [shard["provenance"]["selection"]["shard"] for shard in merged["meta"]["shards"]] == ["2/2", "1/2"]
    assert merged["meta"]["provenance"]["selection"]["shard"] == "all 2 shards, merged"
    suite = ET.parse(runs / "merged" / "junit.xml").getroot().find("testsuite")
    assert int(suite.get("tests")) == len(whole["results"])
    assert len(list((runs / "merged" / "snapshots").glob("*.json"))) == 2 * PAIRS
    assert "Drift matrix" in (runs / "merged" / "drift-report.html").read_text()


def test_a_missing_or_repeated_shard_or_a_whole_run_among_shards_is_refused(runs, tmp_path):
    for args, expected in ((("shard-1",), "shard 2/2 missing"),
                           (("shard-1", "shard-1/reports/drift.json"), "are both shard 1/2"),
                           (("whole", "shard-1", "shard-2"), "refusing to merge a whole run with shards")):
        result = drverify(runs, "merge", *args, "--out", str(tmp_path / "merged"))
        assert result.returncode == ExitStatus.USAGE and expected in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "merged").exists()


def test_two_shards_snapshots_of_one_host_that_differ_are_refused(runs, tmp_path):
    copies = [tmp_path / name for name in ("shard-1", "shard-2")]
    for name, copy in zip(("shard-1", "shard-2"), copies):
        shutil.copytree(runs / name, copy)
    one = next((copies[0] / "snapshots").glob("*.json"))
    (copies[1] / "snapshots" / one.name).write_text("{}")
    result = drverify(tmp_path, "merge", "shard-1", "shard-2", "--out", "merged")
    assert result.returncode == ExitStatus.USAGE and "different snapshots of one host" in result.stderr


@pytest.mark.parametrize(("shard", "expected"), [
    ("3/2", "--shard: expected K/N with 1 <= K <= N, got '3/2'"),
    ("half", "--shard: expected K/N (this runner's shard K of N, e.g. 1/4), got 'half'"),
    ("3/3", "--shard 3/3: the inventory has 1 pair(s), so at most 1 shards can each check one"),
])
def test_a_bad_shard_is_a_usage_error_in_one_line(tmp_path, shard, expected):
    result = drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)), "--shard", shard)
    assert result.returncode == ExitStatus.USAGE
    assert expected in result.stdout + result.stderr
