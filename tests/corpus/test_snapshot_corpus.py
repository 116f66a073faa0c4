"""Hostile snapshots, each a pair in one real run of the checks: the documented outcome, always.

For every case (:mod:`snapshot_cases`): a file that cannot be a snapshot leaves every area of
its side unverified, naming the file and the cause; an area that breaks its schema is
unverified alone, naming the file, the area and the key path, while the pair's other areas are
judged exactly as in the clean example; a hostile string in any host-supplied field is compared
like any other and shown as text in the HTML report. Whatever the case, the run ends with drift
reported (exit status 1), never an INTERNALERROR or a traceback; drift.json is strict JSON with
every check in it; no control character from a snapshot reaches the terminal; no markup from a
snapshot acts in the report; no shell syntax from a snapshot ran.
"""

from __future__ import annotations

import copy
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
import yaml
from snapshot_cases import AREA, CLEAN, DRIFT, FILE, TAKEOVER_AREAS, all_cases, example_documents, payload

from drverify.areas import applicable
from drverify.inventory import load_inventory

CASES = all_cases(example_documents())
BY_OUTCOME = {outcome: [case for case in CASES if case.outcome == outcome] for outcome in (FILE, AREA, DRIFT)}


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"drift.json holds {name}, which is not JSON")


def test_the_corpus_holds_every_kind_of_case():
    assert len(BY_OUTCOME[FILE]) >= 30 and len(BY_OUTCOME[AREA]) >= 60
    # one case per string position of every area's schema; narrow types refuse the payload
    assert len({case.area for case in BY_OUTCOME[DRIFT]}) == len(TAKEOVER_AREAS)
    assert len([case for case in CASES if case.name.startswith("x-")]) >= 100


def test_the_run_reports_drift_and_nothing_else_goes_wrong(corpus):
    assert corpus.returncode == 1, corpus.output[-3000:]
    assert "INTERNALERROR" not in corpus.output and "Traceback" not in corpus.output
    assert "\x1b" not in corpus.output and "\x9b" not in corpus.output
    report = json.loads(corpus.drift_json, parse_constant=_refuse_constant)
    checks = {(result["pair"], result["area"]) for result in report["results"]}
    inventory = load_inventory(corpus.inventory)
    assert checks == {(pair.name, area.name) for pair in inventory.pairs for area in applicable(pair)}
    assert not [result for result in report["results"] if "internal error" in (result["reason"] or "")]
    json.dumps(report, ensure_ascii=False).encode("utf-8")  # no lone surrogate anywhere
    assert not list(Path("/tmp").glob("drv-pwned-*"))


@pytest.mark.parametrize("case", BY_OUTCOME[FILE], ids=lambda case: case.name)
def test_a_file_that_is_no_snapshot_leaves_its_side_unverified(case, corpus):
    results = corpus.results
    for area in TAKEOVER_AREAS:
        result = results[(case.name, area)]
        assert result["status"] == "unverified" and not result["unverified"], result
        assert result["reason"].startswith(f"{case.role} snapshot:{corpus.files[case.name]}: {area}: {case.expect}")
        assert "\n" not in result["reason"] and result["reason"].count(str(corpus.files[case.name])) == 1


@pytest.mark.parametrize("case", BY_OUTCOME[AREA], ids=lambda case: case.name)
def test_an_area_breaking_its_schema_is_unverified_alone(case, corpus):
    results = corpus.results
    result = results[(case.name, case.area)]
    assert result["status"] == "unverified" and not result["unverified"], result
    reason = result["reason"]
    assert f"{case.role} snapshot:{corpus.files[case.name]}: {case.area}: " in reason, reason
    assert case.expect in reason, reason
    assert "\n" not in reason and len(reason) < 1000
    _others_as_in_the_clean_example(case, results)


@pytest.mark.parametrize("case", BY_OUTCOME[DRIFT], ids=lambda case: case.name)
def test_a_hostile_string_is_compared_like_any_other(case, corpus):
    results = corpus.results
    result = results[(case.name, case.area)]
    # drift, or items the comparison itself could not judge (a renamed keyring): never the
    # whole area refused
    assert result["status"] == "drift" or result["unverified"], result
    _others_as_in_the_clean_example(case, results)


def test_a_well_typed_snapshot_too_deep_for_a_comparator_is_compared_or_unverified(checks, tmp_path):
    """Schema-valid facts can still be pathological: 3,000 user chains each jumping to the next."""
    documents = example_documents()
    chains = {f"c{i}": {"policy": None, "rules": [f"-j c{i + 1}"]} for i in range(3000)}
    chains["c3000"] = {"policy": None, "rules": ["-j ACCEPT"]}
    production = copy.deepcopy(documents["production"])
    table = production["areas"]["firewall"]["data"]["tables"]["ip4 filter"]["chains"]
    table.update(chains)
    table["INPUT"]["rules"].append("-p tcp -m tcp --dport 4443 -j c0")  # recovery lacks it: does it accept?
    paths = {role: tmp_path / f"{role}.json" for role in ("production", "recovery")}
    paths["production"].write_text(json.dumps(production))
    paths["recovery"].write_text(json.dumps(documents["recovery"]))
    inventory = checks.path / "inventory.yaml"
    inventory.write_text(yaml.safe_dump({"pairs": [{"name": "deep", **{
        role: {"snapshot": str(path)} for role, path in paths.items()}}]}))
    result = checks.runpytest("checks", f"--inventory={inventory}", f"--drift-json={checks.path / 'drift.json'}",
                              "-k", "firewall")
    output = "\n".join(result.outlines + result.errlines)
    assert "Traceback" not in output and "INTERNALERROR" not in output
    [found] = json.loads((checks.path / "drift.json").read_text())["results"]
    assert found["status"] == "drift" or f"snapshot:{paths['production']}: firewall" in found["reason"]


def _others_as_in_the_clean_example(case, results) -> None:
    clean = [case.name for case in CASES if case.outcome == CLEAN][0]
    for area in TAKEOVER_AREAS:
        if area != case.area and (case.name, area) in results:
            seen, expected = results[(case.name, area)], results[(clean, area)]
            assert (seen["status"], seen["drift_count"]) == (expected["status"], expected["drift_count"]), area


# -- the HTML report, as Chromium renders it -------------------------------------------------------

class _Dom(HTMLParser):
    """Text a reader sees, and every element or attribute that would act (script, handlers, URLs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.text: list[str] = []
        self.acting: list[str] = []
        self._script = False
        self._joined: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name == "data-pwned" or (name.startswith("on") and "pwned" in value) \
                    or (name in ("href", "src") and value.strip().lower().startswith("javascript:")) \
                    or (tag == "img" and name == "src" and value == "x"):
                self.acting.append(f"<{tag} {name}={value[:80]!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and "pwned" in data:
            self.acting.append(f"<script>{data[:80]}")
        elif not self._script:
            self.text.append(data)


    @property
    def joined(self) -> str:
        """All the text, whitespace runs as one space (as a reader sees it)."""
        if self._joined is None:
            self._joined = " ".join("".join(self.text).split())
        return self._joined


@pytest.fixture(scope="module")
def rendered(dom) -> _Dom:
    parsed = _Dom()
    parsed.feed(dom)
    return parsed


def test_no_hostile_markup_acts_in_the_report(rendered, dom):
    assert "Drift matrix" in dom
    assert rendered.acting == []


@pytest.mark.parametrize("case", BY_OUTCOME[DRIFT] + BY_OUTCOME[AREA], ids=lambda case: case.name)
def test_hostile_text_shows_as_text_in_the_report(case, corpus, rendered):
    """What the report data holds of the case is on the page as text (escaped, never markup)."""
    result = corpus.results[(case.name, case.area)]
    text = rendered.joined
    if result["status"] == "unverified" and not result["unverified"]:
        assert " ".join(result["reason"].split()) in text
    for value in _holding(corpus, case):
        # a value too long for one line is shown as a block of JSON: its string escaped as JSON
        forms = (value, json.dumps(value, ensure_ascii=False)[1:-1])
        assert any(" ".join(form.split()) in text for form in forms), value


def test_most_hostile_strings_reach_the_report(corpus):
    """A field the comparison never shows (a key's algorithm number) cannot reach the report;
    most do, in a drift record or a reason, and the test above finds each as text there."""
    shown = [case for case in BY_OUTCOME[DRIFT] if _holding(corpus, case)]
    assert len(shown) >= len(BY_OUTCOME[DRIFT]) // 3, [case.name for case in shown]


def _holding(corpus, case) -> list[str]:
    """The strings of the case's result and drift records that hold its hostile string."""
    hostile = payload(case.name)
    found = _strings([corpus.results[(case.name, case.area)], corpus.drift.get((case.name, case.area), [])])
    return [value for value in found if hostile in value]


def _strings(value: Any) -> list[str]:
    """Every string in a JSON value (keys too)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for key, item in value.items() for text in [key, *_strings(item)]]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []
