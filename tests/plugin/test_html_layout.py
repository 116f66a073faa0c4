"""The example report as people get it: at 1400 px, printed on A4, and with JavaScript off.

Ticket tools often preview attachments without JavaScript, and auditors print reports to PDF:
the drift tables, their remediation hints and the evidence header must be there in all three,
laid out so the Item column is readable. Headless Chromium renders the real pytest-html file
(driven over its DevTools pipe, :mod:`browser`): element boxes are measured, screenshots and a PDF
are taken.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from browser import A4_PRINT_WIDTH, CHROMIUM, Browser

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "inventories" / "example.yaml"

#: every drift section's table, the Item header cell, the hints and the evidence header, measured
MEASURE = """(() => {
  const box = (e) => { const r = e.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width,
                        height: r.height, visible: r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== 'hidden'}; };
  const all = (s) => Array.from(document.querySelectorAll(s)).map(box);
  return {tables: all('section.drv-check table.drv-records:not(.drv-unverified-items)'),
          items: all('section.drv-check table.drv-records th:nth-child(2)'),
          hints: all('.drv-hint'), evidence: all('#drv-evidence'), rows: all('tr.drv-row'),
          filters: all('#drv-filters'), matrixLinks: document.querySelectorAll('.drv-matrix a[href^="#drv-"]').length,
          pytestRows: document.querySelectorAll('#results-table tbody.results-table-row').length,
          page: document.documentElement.scrollWidth, title: document.title};
})()"""


@pytest.fixture(scope="module")
def example_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The example run's HTML (``--fail-on critical``: major-only checks pass) and its drift.json."""
    if CHROMIUM is None:
        if os.geteuid() == 0:
            pytest.fail("chromium is missing: ./run.sh test installs it (Debian package chromium)")
        pytest.skip("headless Chromium is not installed (run the tests as root to install it)")
    work = tmp_path_factory.mktemp("example-report")
    (work / "checks").mkdir()
    for source in (REPO / "checks").glob("test_*.py"):
        (work / "checks" / source.name).write_text(source.read_text())
    (work / "conftest.py").write_text('pytest_plugins = ["drverify.plugin"]\n')
    (work / "pytest.ini").write_text("[pytest]\n")
    html, drift = work / "report.html", work / "drift.json"
    argv = [sys.executable, "-m", "pytest", "checks", f"--inventory={EXAMPLE}", f"--html={html}",
            "--self-contained-html", f"--drift-json={drift}", f"--junitxml={work / 'junit.xml'}", "--fail-on=critical",
            "--ticket=CHG-4711",
            "--drill=DR-2026-Q4", "-p", "no:cacheprovider", "-q"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    subprocess.run(argv, cwd=work, env=env, capture_output=True, text=True, timeout=300, check=False)
    return {"html": html, "drift": json.loads(drift.read_text()), "work": work}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory, example_report):
    opened = Browser(tmp_path_factory.mktemp("chromium-profile"))
    yield opened
    opened.close()


def checks_with_drift(report: dict) -> int:
    return sum(1 for result in report["drift"]["results"] if result["drift_count"])


def linked_cells(report: dict) -> int:
    """Matrix cells with a section to link to: drift, or something unverified."""
    return sum(1 for result in report["drift"]["results"] if result["drift_count"] or result["status"] == "unverified")


def assert_readable(found: dict, report: dict, width: int) -> None:
    """Every drift table, row and hint shown, inside the page width, with an Item column wide enough."""
    records = len(report["drift"]["drift"])
    assert len(found["tables"]) == checks_with_drift(report) >= 12  # the takeover pair's 12, and the failback pair's
    assert len(found["rows"]) == records and all(row["visible"] for row in found["rows"])
    assert len(found["hints"]) == records and all(hint["visible"] for hint in found["hints"])
    assert found["evidence"] and found["evidence"][0]["visible"]
    assert all(table["right"] <= width + 1 for table in found["tables"]), found["tables"]
    assert found["page"] <= max(width, 800) + 1
    assert min(item["width"] for item in found["items"]) >= (160 if width >= 1400 else 100), found["items"]


def test_at_1400_px_every_drift_table_is_there_with_hints_evidence_and_links(example_report, browser, tmp_path):
    browser.open(example_report["html"].as_uri(), 1400)
    found = browser.evaluate(MEASURE)
    assert_readable(found, example_report, 1400)
    assert found["matrixLinks"] == linked_cells(example_report) and found["filters"][0]["visible"]  # shown by the script
    assert found["pytestRows"] == len(example_report["drift"]["results"])  # pytest-html's own table, by its script
    evidence = browser.evaluate("document.getElementById('drv-evidence').innerText")
    for fact in ("CHG-4711", "DR-2026-Q4", "inventories/example.yaml", "--fail-on critical", "SHA-256"):
        assert fact in evidence
    assert browser.screenshot(tmp_path / "report-1400.png").stat().st_size > 50_000


#: pytest-html's row (its tbody) of a check, by test id
ROW = "Array.from(document.querySelectorAll('#results-table tbody')).find(b => b.querySelector('.col-testId')" \
      ".innerText.endsWith('{}'))"
#: what a reader sees of a row: the cells' text, the Result cell's added words, whether the row is open
SEEN = """(() => {{ const row = {row}; const result = row.querySelector('.col-result');
  const extras = row.querySelector('.extras-row'); const after = getComputedStyle(result, '::after').content;
  return {{result: result.innerText, after: after, resultColor: getComputedStyle(result).color,
          drift: row.querySelector('.col-drift').innerText, open: extras.getBoundingClientRect().height > 0,
          extras: extras.innerText, link: (extras.querySelector('a') || {{}}).hash || null}}; }})()"""


def test_a_check_with_only_major_drift_under_fail_on_critical_says_it_passed_with_drift(example_report, browser):
    browser.open(example_report["html"].as_uri(), 1400)
    title = browser.evaluate("document.querySelector('#drv-mft-eu--network h4').innerText")
    assert "4 differences" in title and "passed: drift below --fail-on critical" in title
    seen = browser.evaluate(SEEN.format(row=ROW.format("test_network[mft-eu]")))
    assert seen["drift"] == ("Drift (below threshold): 4 differences, worst major · passed: drift below "
                             "--fail-on critical (not failing)")
    # pytest-html files the row as passed (filters, counts); the reader sees "Passed with drift", open
    assert (seen["result"], seen["after"]) == ("Passed", '" with drift"') and seen["resultColor"] != "rgb(0, 128, 0)"
    assert seen["open"] and seen["link"] == "#drv-mft-eu--network"
    assert "mft-eu · network: 4 differences, worst major; each difference is in the drift section above" in seen["extras"]
    failed = browser.evaluate(SEEN.format(row=ROW.format("test_users[mft-eu]")))
    assert failed["result"] == "Failed" and failed["after"] != '" with drift"' and not failed["drift"].startswith("Drift")
    browser.evaluate("document.querySelector('input[data-test-result=\"passed\"]').click()")  # still a passed row
    assert browser.evaluate(f"{ROW.format('test_network[mft-eu]')} === undefined")


def test_junit_says_the_check_passed_with_its_drift_below_the_threshold(example_report):
    suite = ET.parse(example_report["work"] / "junit.xml").getroot().find("testsuite")
    [case] = [case for case in suite.iter("testcase") if case.get("name") == "test_network[mft-eu]"]
    assert case.find("failure") is None and case.find("error") is None
    lines = case.find("system-out").text.splitlines()
    below = sorted(line.split(": ", 2)[1] for line in lines if line.startswith("below --fail-on critical: "))
    records = [r for r in example_report["drift"]["drift"] if (r["pair"], r["area"]) == ("mft-eu", "network")]
    assert below == sorted(f"{r['severity'].upper()} {r['item']}" for r in records) and len(below) == 4


def test_filters_hide_rows_by_severity_area_and_pair(example_report, browser):
    browser.open(example_report["html"].as_uri(), 1400)
    shown = "Array.from(document.querySelectorAll('tr.drv-row')).filter(r => !r.hidden).length"
    critical = sum(1 for record in example_report["drift"]["drift"] if record["severity"] == "critical")
    browser.evaluate("for (const box of document.querySelectorAll('#drv-filters input[name=severity]'))"
                     " { box.checked = box.value === 'critical'; }"
                     "document.getElementById('drv-filters').dispatchEvent(new Event('change'))")
    assert browser.evaluate(shown) == critical
    browser.evaluate("const f = document.getElementById('drv-filters'); f.elements.area.value = 'disks';"
                     "f.dispatchEvent(new Event('change'))")
    assert browser.evaluate(shown) == sum(1 for record in example_report["drift"]["drift"]
                                          if record["severity"] == "critical" and record["area"] == "disks")
    assert browser.evaluate("document.getElementById('drv-mft-eu--users').hidden")


def test_printed_on_a4_the_tables_fit_and_the_filters_are_gone(example_report, browser, tmp_path):
    browser.open(example_report["html"].as_uri(), A4_PRINT_WIDTH, media="print")
    found = browser.evaluate(MEASURE)
    assert_readable(found, example_report, A4_PRINT_WIDTH)
    assert not found["filters"][0]["visible"]
    assert browser.screenshot(tmp_path / "report-a4.png").stat().st_size > 50_000
    pdf = browser.pdf(tmp_path / "report.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and len(pdf) > 50_000


def test_without_javascript_the_drift_tables_hints_and_evidence_are_all_there(example_report, browser, tmp_path):
    browser.open(example_report["html"].as_uri(), 1400, javascript=False)
    found = browser.evaluate(MEASURE)
    assert found["pytestRows"] == 0  # pytest-html draws nothing without its script: scripts were off
    assert_readable(found, example_report, 1400)
    assert not found["filters"][0]["visible"]  # progressive: no filters, everything shown
    assert browser.screenshot(tmp_path / "report-nojs.png").stat().st_size > 50_000
