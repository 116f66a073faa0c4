"""The reporter: gathers every check's result and writes the reports.

Registered by the plugin only where reports are written — never on an xdist worker, whose results
reach the controller as the ``drverify`` user property of each test report (which JUnit XML
carries too). Rendering itself lives in :mod:`drverify.report`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drverify import provenance
from drverify.areas import AREAS
from drverify.report import json_report, page
from drverify.report.results import AreaResult
from drverify.review import summary_lines
from drverify.session import DriftRun

#: the name of the user property that carries a check's result
PROPERTY = "drverify"


class DriftReporter:
    """Gathers every check's result and writes the reports; lives only where reports are written
    (never on an xdist worker, whose results reach the controller as report properties)."""

    def __init__(self, config: pytest.Config, run: DriftRun) -> None:
        self.config = config
        self.run = run
        self.started_at = datetime.now(UTC).replace(microsecond=0).isoformat()
        self._json_path: Path | None = None
        #: the run's metadata once it has ended: every report says the same (and the history
        #: trend is read before this run is added to it)
        self._final: dict | None = None

    def pytest_sessionstart(self) -> None:
        provenance.record_metadata(self.config, provenance.provenance(self.config, self.run))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for name, value in report.user_properties:
            if name == PROPERTY:
                self.run.record(AreaResult.from_json(json.loads(value)))

    def pytest_sessionfinish(self) -> None:
        """Written whenever checks were involved, even empty or after a usage error: a stale
        drift.json from an earlier run must never be read as this run's result."""
        if self.run.inventory is None and self.run.inventory_error is None:
            return
        self.run.finished_at = provenance.now()
        self._final = {**self.meta(), "generated_at": self.run.finished_at}  # drift.json and the kept run agree
        provenance.record_metadata(self.config, self._final["provenance"])
        option = self.config.getoption("drift_json")
        target = Path(option) if option else self._ini_path("drverify_json")
        if target is not None:
            self._json_path = json_report.write(target, self.results(), self.meta())
        self.run.review.keep_run(self.results(), self.meta(), self.run.finished_at)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """One line per pair, area by area: what a CI log reader wants first."""
        if not self.run.results:
            return
        terminalreporter.section("drverify: recovery hosts compared with production")
        by_pair: dict[str, list[AreaResult]] = {}
        order = list(AREAS)
        for result in sorted(self.results(), key=lambda r: order.index(r.area) if r.area in order else 99):
            by_pair.setdefault(result.pair, []).append(result)
        for pair, results in by_pair.items():
            cells = [f"{result.area} {_cell(result)}" for result in results]
            terminalreporter.write_line(f"{pair}: " + ", ".join(cells))
        for line in summary_lines(self.meta()):
            terminalreporter.write_line(line)
        if self._json_path is not None:
            terminalreporter.write_line(f"drift records: {self._json_path}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list, summary: list, postfix: list) -> None:
        if self.run.results:
            prefix.append(page.render_summary(self.results(), self.meta()))

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report) -> None:
        report.title = "drverify: disaster-recovery drift report"

    def _ini_path(self, name: str) -> Path | None:
        value = self.config.getini(name)
        return self.config.rootpath / value if value else None

    def results(self) -> list[AreaResult]:
        return list(self.run.results.values())

    def meta(self) -> dict:
        if self._final is not None:
            return self._final
        inventory = self.run.inventory
        return {
            "inventory": str(self.run.inventory_path),
            "started_at": self.started_at,
            "fail_on": self.run.fail_on.label,
            "error": self.run.inventory_error,
            "provenance": provenance.provenance(self.config, self.run),
            **self.run.review.report(self.results(), self.run.finished_at or provenance.now()),
            "pairs": [pair.name for pair in inventory.pairs] if inventory else [],
            "areas": [name for name, area in AREAS.items()
                      if any(area.applies(pair) for pair in inventory.pairs)] if inventory else [],
        }


def _cell(result: AreaResult) -> str:
    unverified = f", {len(result.unverified)} unverified" if result.unverified else ""
    waived = sum(record.waived for record in result.drift)
    if result.status == "drift":
        return f"{len(result.drift)} drift ({result.worst.label}{unverified}{f', {waived} waived' if waived else ''})"
    return result.status + (f" ({len(result.unverified)} items)" if len(result.unverified) > 1 else "")
