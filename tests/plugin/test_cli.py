"""The ``drverify`` command end to end: each exit status, reports that a run which checked
nothing leaves alone, paths relative to where it runs, and pytest habits (--lf, --help, header)."""

from __future__ import annotations

import json

from cli_support import drverify, inventory, report, takeover_example, twin_pair, unreachable_pair

from drverify import __version__
from drverify.report.verdict import ExitStatus


def test_version(tmp_path):
    result = drverify(tmp_path, "--version")
    assert (result.returncode, result.stdout.strip()) == (0, f"drverify {__version__}")


def test_drift_on_the_example_exits_1_with_reports_where_it_runs(tmp_path):
    result = drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)))
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["checks.html", "drift-report.html",
                                                                          "drift.json", "junit.xml"]
    page, per_test = ((tmp_path / "reports" / name).read_text() for name in ("drift-report.html", "checks.html"))
    assert "Drift matrix" in page and "data-jsonblob" not in page  # drverify's own report, no script to wait for
    assert "drift-report.html#drv-mft-eu--firewall" in per_test  # each row points into it
    drift = report(tmp_path)
    assert (drift["verdict"], drift["checked"]) == ("drift", True)
    assert "checks/test_firewall.py::test_firewall[mft-eu]" in {r["nodeid"] for r in drift["results"]}
    assert "drverify: inventory" in result.stdout  # the header line, without xdist
    assert "drverify verdict: drift" in result.stdout


def test_no_drift_at_or_above_the_threshold_exits_0(tmp_path):
    result = drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)), "-k", "network", "--fail-on", "critical")
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert report(tmp_path)["verdict"] == "ok"


def test_an_unreachable_host_exits_2(tmp_path):
    result = drverify(tmp_path, "check", "--inventory", str(inventory(tmp_path, unreachable_pair())))
    assert result.returncode == ExitStatus.UNVERIFIED, result.stdout + result.stderr
    assert report(tmp_path)["verdict"] == "unverified"
    assert "Connection refused" in result.stdout


def test_runs_that_check_nothing_leave_the_previous_drift_json_alone(tmp_path):
    assert drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path))).returncode == ExitStatus.DRIFT
    previous = (tmp_path / "reports" / "drift.json").read_bytes()
    broken = tmp_path / "broken.yaml"
    broken.write_text("pairs:\n  - name: eu\n    production: ssh://root@198.51.100.10\n")
    for args, status, why in [
        (["--collect-only"], ExitStatus.OK, "--collect-only"),
        (["-k", "no-such-check"], ExitStatus.USAGE, "no check selected"),
    ]:
        result = drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)), *args)
        assert result.returncode == status, (args, result.stdout + result.stderr)
        assert (tmp_path / "reports" / "drift.json").read_bytes() == previous, args
        assert why in (tmp_path / "reports" / "drift-report.html").read_text(), args
    result = drverify(tmp_path, "check", "--inventory", str(broken))
    assert result.returncode == ExitStatus.USAGE
    assert f"{broken}: pairs[0](eu).recovery: required key is missing" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert (tmp_path / "reports" / "drift.json").read_bytes() == previous
    html = (tmp_path / "reports" / "drift-report.html").read_text()
    assert "No checks ran" in html and "required key is missing" in html


def test_paths_are_relative_to_where_it_runs_and_options_pass_through(tmp_path):
    (tmp_path / "inv").mkdir()
    path = inventory(tmp_path / "inv", twin_pair(tmp_path))
    result = drverify(tmp_path, "check", "--inventory", "inv/inventory.yaml", "--", "-k", "users",
                      "--drift-json", "out/d.json")
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    written = json.loads((tmp_path / "out" / "d.json").read_text())
    assert [r["area"] for r in written["results"]] == ["users"]
    assert written["meta"]["provenance"]["inventory"]["path"] == "inv/inventory.yaml"
    assert path.is_file()


def test_last_failed_works_because_the_cache_lives_where_it_runs(tmp_path):
    drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)), "-k", "users")
    assert (tmp_path / ".pytest_cache").is_dir()
    result = drverify(tmp_path, "check", "--inventory", str(takeover_example(tmp_path)), "--lf")
    assert "run-last-failure: rerun previous 1 failure" in result.stdout
    assert [r["area"] for r in report(tmp_path)["results"]] == ["users"]


def test_help_lists_drverify_options_and_no_pytester_ones(tmp_path):
    result = drverify(tmp_path, "check", "--help")
    assert result.returncode == 0
    assert "--inventory=PATH" in result.stdout and "--evidence=DIR" in result.stdout
    assert "--runpytest" not in result.stdout


def test_areas_no_pair_configures_are_not_reported_as_deselected(tmp_path):
    result = drverify(tmp_path, "check", "--inventory", str(inventory(tmp_path, twin_pair(tmp_path))))
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert "deselected" not in result.stdout
    assert "4 passed" in result.stdout  # disks, network, firewall, users: nothing else is configured


def test_can_critical_selects_what_can_block_and_critical_is_its_alias(tmp_path):
    path = str(inventory(tmp_path, twin_pair(tmp_path)))
    for marker in ("can_critical", "critical"):
        result = drverify(tmp_path, "check", "--inventory", path, "-m", marker, "-v")
        assert "3 passed" in result.stdout and "test_network" not in result.stdout, marker


def test_snapshot_writes_live_hosts_only_and_touches_no_report(tmp_path):
    path = inventory(tmp_path, {"name": "here", "production": "local://", "recovery": "local://"})
    result = drverify(tmp_path, "snapshot", "--inventory", str(path), "--out", "snaps")
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert sorted(p.name for p in (tmp_path / "snaps").iterdir()) == ["here.production.json", "here.recovery.json"]
    assert not (tmp_path / "reports").exists()
    saved = (tmp_path / "snaps" / "here.production.json").read_text()

    down = inventory(tmp_path, {**unreachable_pair(), "name": "here", "production": "ssh://root@127.0.0.1:9"})
    result = drverify(tmp_path, "snapshot", "--inventory", str(down), "--out", "snaps")
    assert result.returncode == ExitStatus.UNVERIFIED
    assert "nothing could be read, previous snapshot kept" in result.stdout
    assert (tmp_path / "snaps" / "here.production.json").read_text() == saved

    result = drverify(tmp_path, "snapshot", "--inventory", str(tmp_path / "missing.yaml"), "--out", "snaps")
    assert result.returncode == ExitStatus.USAGE and "cannot read the inventory" in result.stderr
