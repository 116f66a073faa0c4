"""JUnit XML that CI widgets (GitLab's test report, GitHub's test summaries, Jenkins) show well.

pytest's junitxml writes one ``<testcase>`` per check, but it can only say "failed" with the
whole assertion text; CI widgets show a failure's ``type`` and ``message`` first. So, once pytest
has written the file, each drverify check's case is rewritten from its result:

- drift at or above ``--fail-on``: ``<failure type="drift.critical" message="3 drift at or above
  major: 1 critical, 2 major">`` with one line per difference;
- nothing failing but something not compared: ``<error type="unverified" message="REASON">``;
- drift below the threshold, waived, or not new under ``--fail-on-new``: ``<system-out>`` lines
  (reported, not failing, each saying why);
- flat ``<property>`` entries (``drverify.pair``, ``drverify.area``, ``drverify.worst``...) and
  the run's verdict and provenance on the test suite, never a JSON blob.

:func:`build` writes the same cases from results alone (``drverify merge``). Every host-supplied
string goes through :func:`~drverify.report.terminal.printable`: XML 1.0 cannot hold control
characters, and a CI log must not run them.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from drverify.drift.records import Severity
from drverify.report.display import flat
from drverify.report.json_report import write_text
from drverify.report.results import AreaResult
from drverify.report.terminal import printable
from drverify.report.verdict import RunSummary, failing


def case_key(nodeid: str, prefix: str | None = None) -> tuple[str, str]:
    """(classname, name) as pytest's junitxml derives them from a node id."""
    path, bracket, params = nodeid.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    classnames = ([prefix] if prefix else []) + names[:-1]
    return ".".join(classnames), names[-1]


def _counts(records: Iterable[Any]) -> str:
    severities = [record.severity for record in records]
    return ", ".join(f"{severities.count(s)} {s.label}" for s in sorted(Severity, reverse=True) if s in severities)


def _line(record: Any) -> str:
    return f"{record.severity.label.upper()} {printable(record.item)}: {printable(record.message)}"


def _properties(element: ET.Element, values: Mapping[str, Any]) -> None:
    """Flat name/value properties, first among the element's children as the schema wants."""
    properties = element.find("properties")
    if properties is None:
        properties = ET.Element("properties")
        element.insert(0, properties)
    for name, value in values.items():
        if value is not None:
            ET.SubElement(properties, "property", name=name, value=printable(value))


def describe_case(case: ET.Element, result: AreaResult, fail_on: Severity, fail_on_new: bool = False) -> None:
    """Make one check's ``<testcase>`` say its result (see the module docstring); drift that does
    not count (waived, or not new under ``--fail-on-new``) is reported below the failures."""
    for child in case.findall("failure") + case.findall("error"):
        case.remove(child)
    failed = failing(result, fail_on, fail_on_new)
    counted = {id(record) for record in failed}
    below = [record for record in result.drift if id(record) not in counted]
    _properties(case, {"drverify.pair": result.pair, "drverify.area": result.area,
                       "drverify.status": result.status, "drverify.worst": result.worst.label if result.worst else None,
                       "drverify.drift": len(result.drift), "drverify.unverified": len(result.unverified)})
    unverified = [f"UNVERIFIED {printable(item.line())}" for item in result.unverified]
    if failed:
        worst = max(record.severity for record in failed)
        message = f"{len(failed)} drift at or above {fail_on.label}: {_counts(failed)}"
        detail = ET.SubElement(case, "failure", type=f"drift.{worst.label}", message=message)
        detail.text = "\n".join([_line(r) for r in sorted(failed, key=lambda r: -r.severity)] + unverified)
    elif result.status == "unverified" or result.unverified:
        reason = printable(result.reason or "; ".join(item.line() for item in result.unverified))
        detail = ET.SubElement(case, "error", type="unverified", message=reason)
        detail.text = "\n".join(unverified) or reason
    if below:
        out = case.find("system-out")
        if out is None:
            out = ET.SubElement(case, "system-out")
        lines = [f"{_not_failing(record, fail_on)}: {_line(record)}" for record in below]
        out.text = "\n".join(filter(None, [out.text, *lines]))


def _not_failing(record: Any, fail_on: Severity) -> str:
    """Why a reported record does not fail its case."""
    if record.waived:
        return f"waived ({record.waiver.get('name')})"
    if record.severity >= fail_on:
        return "not new since the baseline (--fail-on-new)"
    return f"below --fail-on {fail_on.label}"


def _suite_properties(suite: ET.Element, summary: RunSummary) -> None:
    """The verdict, then the provenance one fact a property (``drverify.inventory_sha256``...)."""
    provenance = summary.meta.get("provenance")
    facts = flat(provenance) if provenance else {}
    _properties(suite, {
        "drverify.verdict": summary.verdict.value,
        "drverify.checked": str(summary.checked).lower(),
        "drverify.why": summary.why,
        "drverify.fail_on": summary.fail_on.label,
        "drverify.fail_on_new": str(summary.fail_on_new).lower(),
        "drverify.gate": str(summary.gate).lower(),
        "drverify.started_at": summary.started_at.isoformat(),
        "drverify.finished_at": summary.finished_at.isoformat(),
        **{f"drverify.{'version' if name == 'drverify' else name.replace(' ', '_')}": value
           for name, value in facts.items()},
    })


def _run_case(suite: ET.Element, summary: RunSummary) -> None:
    """A usage error, or a run that failed before checking anything, shows as one error case:
    a CI widget would otherwise show an empty, green suite."""
    if summary.usage_error is None and summary.checked:
        return
    if summary.usage_error is None and summary.verdict.value != "error":
        return  # --collect-only
    kind = "usage" if summary.usage_error is not None else "drverify.internal"
    why = printable(summary.why or "")
    case = ET.SubElement(suite, "testcase", classname="drverify", name="run", time="0")
    ET.SubElement(case, "error", type=kind, message=why).text = why


def _recount(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    suite.set("tests", str(len(cases)))
    for tag, attribute in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        suite.set(attribute, str(sum(1 for case in cases if case.find(tag) is not None)))


def _finish(tree: ET.ElementTree, path: Path) -> Path:
    ET.indent(tree)
    return write_text(path, ET.tostring(tree.getroot(), encoding="unicode", xml_declaration=True) + "\n")


def rewrite(path: Path, summary: RunSummary, prefix: str | None = None) -> Path:
    """Rewrite pytest's JUnit file in place (atomically) from the run's results."""
    tree = ET.parse(path)
    root = tree.getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    by_case = {case_key(result.nodeid, prefix): result for result in summary.results if result.nodeid}
    for suite in suites:
        for case in suite.findall("testcase"):
            result = by_case.get((case.get("classname", ""), case.get("name", "")))
            if result is not None:
                describe_case(case, result, summary.fail_on, summary.fail_on_new)
        _run_case(suite, summary)
        _recount(suite)
        _suite_properties(suite, summary)
    return _finish(tree, path)


def build(path: Path, summary: RunSummary) -> Path:
    """A JUnit file from results alone (a merge of several runs' drift.json)."""
    root = ET.Element("testsuites", name="drverify")
    suite = ET.SubElement(root, "testsuite", name="drverify", timestamp=summary.started_at.isoformat())
    for result in sorted(summary.results, key=lambda r: (r.pair, r.area)):
        classname, name = case_key(result.nodeid or f"checks/test_{result.area}.py::test_{result.area}[{result.pair}]")
        describe_case(ET.SubElement(suite, "testcase", classname=classname, name=name, time="0"),
                      result, summary.fail_on, summary.fail_on_new)
    _run_case(suite, summary)
    _recount(suite)
    _suite_properties(suite, summary)
    return _finish(ET.ElementTree(root), path)


__all__ = ["build", "case_key", "describe_case", "rewrite"]
