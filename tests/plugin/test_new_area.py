"""An area is one declared record: a toy area added to the registry (facts, comparator, check
file) shows up in markers, the matrix, the terminal summary and drift.json with no other change,
and its outcome follows the partial-verification verdict: drift fails the check (listing what was
not verified), unverified items without failing drift error it, never pass it."""

from __future__ import annotations

import json

import pytest

TOY_CONFTEST = '''
import pytest

from drverify.areas import AREAS, Area
from drverify.drift import Severity
from drverify.errors import FactError
from drverify.facts.batch import require
from drverify.facts.gather import Commands

pytest_plugins = ["drverify.plugin"]


def commands(pair, role):
    """Each side prints its own (seeded) list of fruit through the real batched script."""
    return {"fruit": f"cat BASKETS/fruit-{role}.txt"}


def parse(outputs):
    text = require(outputs, "fruit")
    if not text.strip():
        raise FactError("fruit: the basket is empty")
    return {"fruit": text.split()}


def compare(production, recovery, ctx):
    records = []
    for name in production["fruit"]:
        if name.startswith("?"):
            ctx.unverified(name[1:], "production", "the label is unreadable")
        elif name not in recovery["fruit"]:
            records.append(ctx.drift(name, name, None, Severity.MAJOR, f"no {name} on recovery"))
    return records


AREAS["toy"] = Area("toy", "Fruit basket", Commands(commands, parse), compare, (Severity.MAJOR,),
                    lambda pair: None)


def pytest_unconfigure(config):
    AREAS.pop("toy", None)
'''

TOY_CHECK = '''
import pytest

from drverify.plugin import assert_no_drift

pytestmark = pytest.mark.area("toy")


def test_toy(area):
    """Every fruit of production is in recovery's basket."""
    assert_no_drift(area)
'''


@pytest.fixture
def toy(pytester: pytest.Pytester) -> pytest.Pytester:
    """A project with only the toy area's check; ``cat`` reads each side's basket file."""
    (pytester.path / "checks").mkdir()
    (pytester.path / "checks" / "test_toy.py").write_text(TOY_CHECK)
    pytester.makeconftest(TOY_CONFTEST.replace("BASKETS", str(pytester.path)))
    pytester.makeini("[pytest]\n")
    (pytester.path / "inventory.yaml").write_text(
        "version: 1\npairs:\n  - {name: fruit, production: 'local://', recovery: 'local://'}\n")
    return pytester


def basket(pytester: pytest.Pytester, role: str, *fruit: str) -> None:
    (pytester.path / f"fruit-{role}.txt").write_text("\n".join(fruit) + "\n")


def run(pytester: pytest.Pytester, *args: str) -> tuple[pytest.RunResult, dict]:
    result = pytester.runpytest("checks", f"--inventory={pytester.path / 'inventory.yaml'}",
                                f"--drift-json={pytester.path / 'drift.json'}",
                                f"--html={pytester.path / 'report.html'}", "--self-contained-html", *args)
    return result, json.loads((pytester.path / "drift.json").read_text())


def test_the_toy_area_gets_a_marker_a_matrix_column_and_a_result(toy):
    markers = toy.runpytest("--markers").stdout.str()
    assert "@pytest.mark.toy: drverify checks of the toy area (Fruit basket)" in markers
    basket(toy, "production", "apple", "banana")
    basket(toy, "recovery", "apple", "banana")
    result, report = run(toy, "-m", "toy")
    result.assert_outcomes(passed=1)
    assert [(r["pair"], r["area"], r["status"]) for r in report["results"]] == [("fruit", "toy", "ok")]
    assert report["meta"]["areas"][-1] == "toy"
    html = (toy.path / "report.html").read_text()
    assert "<th scope=\"col\">toy</th>" in html
    result.stdout.fnmatch_lines(["fruit: toy ok"])


def test_drift_fails_the_check_and_its_message_lists_what_was_not_verified(toy):
    basket(toy, "production", "apple", "banana", "?cherry")
    basket(toy, "recovery", "apple")
    result, report = run(toy)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*MAJOR*banana: no banana on recovery*", "*1 item(s) not verified:*",
                                 "*UNVERIFIED production local://: toy: cherry: the label is unreadable*"])
    [entry] = report["results"]
    assert entry["status"] == "drift" and entry["drift_count"] == 1
    assert entry["unverified"] == [{"pair": "fruit", "area": "toy", "item": "cherry",
                                    "host": "production local://", "reason": "the label is unreadable"}]
    result.stdout.fnmatch_lines(["fruit: toy 1 drift (major, 1 unverified)"])


def test_unverified_items_without_failing_drift_error_and_never_pass(toy):
    basket(toy, "production", "apple", "?cherry")
    basket(toy, "recovery", "apple")
    result, report = run(toy)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*unverified: production local://: toy: cherry: the label is unreadable*"])
    assert report["results"][0]["status"] == "unverified"
    basket(toy, "recovery", "apple-only")
    below, report = run(toy, "--fail-on=critical")
    below.assert_outcomes(errors=1)  # major drift below the threshold does not hide the unknown
    assert report["results"][0]["status"] == "drift" and report["results"][0]["unverified"]


def test_a_whole_side_unreadable_makes_the_area_unverified(toy):
    basket(toy, "production", "apple")
    basket(toy, "recovery", "")
    result, report = run(toy)
    result.assert_outcomes(errors=1)
    assert report["results"][0]["reason"] == "recovery local://: toy: fruit: the basket is empty"
