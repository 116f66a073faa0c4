"""Nothing inside a check takes the run down, and nothing a host sends reaches the terminal or
breaks a report: a comparator that raises is that check's unverified reason (exit status 4 under
the command, a traceback only with --debug); a crash writes the ``error`` verdict; control
characters, lone surrogates and NaN from a snapshot leave every report valid."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from cli_support import REPO, SNAPSHOTS, clean_env, drverify, inventory, production_as_recovery, report

from drverify.report.verdict import ExitStatus

TOY_AREA = '''
from drverify.areas import AREAS, Area
from drverify.drift import Severity
from drverify.facts.batch import require
from drverify.facts.gather import Commands


def compare(production, recovery, ctx):
    return [ctx.drift("home", production["home"], None, Severity.MAJOR, "never reached")]


AREAS["toy"] = Area("toy", "A comparator with a bug", Commands(lambda pair, role: {"fruit": "echo apple"},
                    lambda outputs: {"fruit": require(outputs, "fruit").split()}), compare, (Severity.MAJOR,),
                    lambda pair: None)
'''

TOY_CHECK = '''
import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("toy")


def test_toy(area):
    assert_no_drift(area)
'''


@pytest.fixture
def toy(tmp_path):
    """A project adding an area whose comparator raises KeyError on every pair."""
    (tmp_path / "toyarea.py").write_text(TOY_AREA)
    (tmp_path / "toychecks").mkdir()
    (tmp_path / "toychecks" / "test_toy.py").write_text(TOY_CHECK)
    inventory(tmp_path, {"name": "here", "production": "local://", "recovery": "local://"})
    return tmp_path


def run_toy(toy, *args):
    env = clean_env(PYTHONPATH=f"{REPO}:{toy}")
    return drverify(toy, "check", "--inventory", "inventory.yaml", "-p", "toyarea", "toychecks/test_toy.py",
                    "-k", "toy", *args, env=env)


def test_a_comparator_that_raises_is_unverified_and_the_run_exits_4(toy):
    result = run_toy(toy)
    assert result.returncode == ExitStatus.INTERNAL, result.stdout + result.stderr
    result_line = "unverified: production local:// and recovery local://: toy: internal error: KeyError: 'home'"
    assert result_line in result.stdout
    assert "Traceback" not in result.stdout + result.stderr and 'production["home"]' not in result.stdout
    drift = report(toy)
    assert drift["verdict"] == "error"
    [entry] = drift["results"]
    assert entry["status"] == "unverified" and "toy: internal error: KeyError: 'home'" in entry["reason"]


def test_debug_shows_the_traceback(toy):
    result = run_toy(toy, "--debug")
    assert result.returncode == ExitStatus.INTERNAL
    assert 'production["home"]' in result.stdout  # pytest's traceback, with the failing line


def test_a_crashed_run_replaces_the_previous_report_with_the_error_verdict(checks, tmp_path):
    checks.makeconftest('pytest_plugins = ["drverify.plugin"]\n\n'
                        'def pytest_runtest_logfinish(nodeid):\n    raise RuntimeError("the runner broke")\n')
    (checks.path / "drift.json").write_text('{"verdict": "ok", "note": "last night"}')
    inv = inventory(tmp_path, {"name": "twin", "production": {"snapshot": str(SNAPSHOTS / "mft-eu.production.json")},
                               "recovery": {"snapshot": str(production_as_recovery(tmp_path))}})
    result = checks.runpytest("checks", f"--inventory={inv}", f"--drift-json={checks.path / 'drift.json'}")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    written = json.loads((checks.path / "drift.json").read_text())
    assert written["verdict"] == "error"
    assert "internal error: RuntimeError: the runner broke" in written["meta"]["error"]


def hostile_recovery(directory):
    """The twin's recovery with a user whose name holds terminal escapes and a lone surrogate, and
    a mount whose size is NaN."""
    facts = json.loads((SNAPSHOTS / "mft-eu.production.json").read_text())
    users = facts["areas"]["users"]["data"]["users"]
    users["evil\x1b]0;TITLE\x07\x1b[2J\ud800"] = {"uid": 4242, "gid": 4242, "home": "/home/evil",
                                                   "shell": "/bin/sh\x1b[31m", "home_exists": True}
    facts["areas"]["disks"]["data"]["mounts"]["/srv/mft"]["size"] = float("nan")
    path = directory / "hostile.recovery.json"
    path.write_text(json.dumps({**facts, "role": "recovery"}))  # NaN and \\ud800 as Python writes them
    return path


def test_host_text_is_escaped_in_the_terminal_and_every_report_stays_valid(tmp_path):
    pair = {"name": "twin", "production": {"snapshot": str(SNAPSHOTS / "mft-eu.production.json")},
            "recovery": {"snapshot": str(hostile_recovery(tmp_path))}}
    result = drverify(tmp_path, "check", "--inventory", str(inventory(tmp_path, pair)), "--evidence", "evidence")
    # the snapshot schema refuses the escapes, the lone surrogate and the NaN: users and disks are
    # unverified, their reasons naming the key path, with the hostile text shown escaped
    assert result.returncode == ExitStatus.UNVERIFIED, result.stdout + result.stderr
    assert "\x1b" not in result.stdout + result.stderr
    assert "mounts./srv/mft.size: expected a finite non-negative integer, got NaN" in result.stdout

    def no_constants(name):
        raise AssertionError(f"{name} in drift.json")

    text = (tmp_path / "reports" / "drift.json").read_bytes().decode("utf-8")  # strict UTF-8
    drift = json.loads(text, parse_constant=no_constants)
    assert drift["verdict"] == "unverified"
    reasons = {r["area"]: r["reason"] for r in drift["results"] if r["status"] == "unverified"}
    assert set(reasons) == {"users", "disks"} and "expected text without" in reasons["users"]
    ET.parse(tmp_path / "reports" / "junit.xml")  # well-formed XML 1.0
    assert "\x1b" not in (tmp_path / "evidence" / "summary.md").read_text()


RENDERER_BUG = '''
import drverify.report.details as details

pytest_plugins = ["drverify.plugin"]
_real = details.render_check


def _broken(*args, **kwargs):
    raise RuntimeError("the template exploded")


def pytest_configure(config):
    details.render_check = _broken


def pytest_unconfigure(config):
    details.render_check = _real
'''


def twin_with_extra_user(tmp_path):
    recovery = json.loads(production_as_recovery(tmp_path).read_text())
    recovery["areas"]["users"]["data"]["users"]["tempadmin"] = {
        "uid": 2999, "gid": 2999, "home": "/home/tempadmin", "shell": "/bin/bash", "home_exists": True}
    (tmp_path / "r.json").write_text(json.dumps(recovery))
    return inventory(tmp_path, {"name": "twin", "production": {"snapshot": str(SNAPSHOTS / "mft-eu.production.json")},
                                "recovery": {"snapshot": str(tmp_path / "r.json")}})


def test_a_renderer_that_raises_costs_its_table_not_the_results(checks, tmp_path):
    checks.makeconftest(RENDERER_BUG)
    result = checks.runpytest("checks", f"--inventory={twin_with_extra_user(tmp_path)}", "-k", "users",
                              f"--drift-json={checks.path / 'drift.json'}", f"--html={checks.path / 'r.html'}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["drverify error: rendering the table: *users: internal error: RuntimeError: "
                                 "the template exploded"])
    written = json.loads((checks.path / "drift.json").read_text())
    assert written["verdict"] == "error" and [r["item"] for r in written["drift"]] == ["user tempadmin"]
    page = (checks.path / "r.html").read_text()
    assert "user tempadmin" in page  # the section lists the records plainly
    assert "This check's table could not be rendered" in page and "Verdict: ERROR" in page


def test_a_report_that_cannot_be_written_is_an_internal_error(checks, tmp_path):
    blocker = checks.path / "not-a-directory"
    blocker.write_text("")
    result = checks.runpytest("checks", f"--inventory={twin_with_extra_user(tmp_path)}", "-k", "users",
                              f"--drift-json={blocker / 'drift.json'}")
    assert result.ret == pytest.ExitCode.INTERNAL_ERROR
    result.stdout.fnmatch_lines([f"drverify error: writing {blocker / 'drift.json'}: *"])
    assert "Traceback" not in result.stdout.str()
