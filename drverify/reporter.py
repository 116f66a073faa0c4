"""The reporter: gathers every check's result, concludes the run and writes the reports.

Registered by the plugin only where reports are written — never on an xdist worker, whose results
reach the controller on each test report (:data:`RESULT`). Rendering lives in
:mod:`drverify.report` (the HTML summary area in :mod:`drverify.report.page`, drverify's own page
in :mod:`drverify.report.drift_html`), the verdict in
:mod:`drverify.report.verdict`, JUnit for CI widgets in :mod:`drverify.report.junit`, the evidence
pack in :mod:`drverify.evidence`, provenance in :mod:`drverify.provenance`, waivers and history in
:mod:`drverify.review`.

The run's metadata (provenance, waivers, history) is computed once, when the run ends, before
this run is added to ``--history``: drift.json, the HTML, JUnit, the evidence pack and the kept
run all say the same, and the history trend is read without this run counted twice.

A run that checked nothing (``--collect-only``, a ``-k`` matching nothing, a usage error) leaves
the previous drift.json as it was; its HTML says why nothing was checked. A run that failed itself
(drverify crashed, was interrupted, or could not write a report) writes drift.json with the
``error`` verdict, so an earlier run's report never stays in place looking current.
"""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from drverify import evidence, provenance, shard
from drverify.areas import AREAS
from drverify.report import drift_html, json_report, junit, page, verdict_html
from drverify.report.quiet_phases import forget_quiet_phases
from drverify.report.results import AreaResult
from drverify.report.terminal import printable
from drverify.report.verdict import RunSummary, Verdict, judge, why_nothing_ran
from drverify.review import summary_lines
from drverify.session import DriftRun

#: the test report attribute carrying a check's result (JSON text)
RESULT = "drverify_result"
#: the test report attribute carrying drverify's own failure on a check (one line)
FAILURE = "drverify_failure"
#: where the run's conclusion is kept for front ends (the ``drverify`` command reads it)
SUMMARY = pytest.StashKey[RunSummary]()


class DriftReporter:
    """Gathers every check's result and writes the reports; lives only where reports are written
    (never on an xdist worker, whose results reach the controller on the test reports)."""

    def __init__(self, config: pytest.Config, run: DriftRun) -> None:
        self.config = config
        self.run = run
        self.started = datetime.now(UTC).replace(microsecond=0)
        self.started_at = self.started.isoformat()
        self.failures: list[str] = []
        self.summary: RunSummary | None = None
        self._json_path: Path | None = None
        #: the run's metadata once it has ended: every report says the same (and the history
        #: trend is read before this run is added to it)
        self._final: dict | None = None

    def pytest_sessionstart(self) -> None:
        """The provenance known so far in pytest-metadata's table (completed when the run ends);
        only in a run of drverify's checks (the plugin loads in every pytest run once installed)."""
        if self.run.involved:
            provenance.record_metadata(self.config, provenance.provenance(self.config, self.run))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        own = report.__dict__  # what xdist carries from a worker: the report's own attributes
        if RESULT in own:
            self.run.record(AreaResult.from_json(json.loads(own[RESULT])))
        if FAILURE in own:
            self.failures.append(own[FAILURE])

    def pytest_internalerror(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.failures.append(f"internal error: {excinfo.typename}: {excinfo.value}")

    def pytest_keyboard_interrupt(self, excinfo: pytest.ExceptionInfo[BaseException]) -> None:
        self.failures.append("interrupted before every selected check ran")

    @pytest.hookimpl(wrapper=True, trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int):
        """Conclude, write drift.json, let pytest-html and junitxml write theirs, then rewrite
        JUnit for CI widgets and pack the evidence. The innermost wrapper: the terminal summary,
        printed after it by an outer one, knows the verdict."""
        if not self.run.involved:
            return (yield)
        self._finalise()
        self.summary = self._conclude(exitstatus)
        self.config.stash[SUMMARY] = self.summary
        self._write_reports()
        try:
            outcome = yield
        except Exception as error:  # noqa: BLE001 - another plugin's report writer failed
            outcome = None
            self._failed(f"writing the reports: {type(error).__name__}: {error}")
        self._after_reports()
        if self.summary.written_failed:
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
        return outcome

    def _finalise(self) -> None:
        """Fix the run's metadata as the run ends (see the module docstring)."""
        self.run.finished_at = provenance.now()
        self._final = {**self.meta(), "generated_at": self.run.finished_at}
        provenance.record_metadata(self.config, self._final["provenance"])

    def _conclude(self, exitstatus: int) -> RunSummary:
        results = self.results()
        failures = list(self.failures)
        if exitstatus == pytest.ExitCode.INTERNAL_ERROR and not failures:
            failures.append("internal error (see the output above)")
        usage = self.run.inventory_error
        if usage is None and exitstatus == pytest.ExitCode.USAGE_ERROR:
            usage = "see the message above"
        nothing_selected = exitstatus == pytest.ExitCode.NO_TESTS_COLLECTED and not results
        checked = bool(results)
        why = "; ".join(failures) or None
        if not checked:
            why = why_nothing_ran(usage, failures, nothing_selected, self.config.getoption("collectonly"))
            usage = why if nothing_selected else usage  # selecting nothing is a usage mistake
        fail_on_new = self.run.review.fail_on_new
        return RunSummary(judge(results, self.run.fail_on, failures, fail_on_new), checked, results,
                          self.run.fail_on, self.started, datetime.now(UTC), why=why, failures=failures,
                          usage_error=usage, gate=self.config.getoption("gate"), meta=self.meta(),
                          fail_on_new=fail_on_new)

    def _write_json(self) -> None:
        """drift.json, when checks ran or the run failed itself; never half a file."""
        summary = self.summary
        target = self._json_target()
        if target is None or not (summary.checked or summary.verdict is Verdict.ERROR):
            return
        meta = {**summary.meta, "error": summary.why} if summary.verdict is Verdict.ERROR else summary.meta
        try:
            self._json_path = json_report.write(target, summary.results, meta, summary.verdict.value,
                                                summary.checked)
            summary.written["json"] = self._json_path
        except Exception as error:  # noqa: BLE001 - say so, and leave no stale report behind
            self._failed(f"writing {target}: {type(error).__name__}: {error}")

    def _write_reports(self) -> None:
        """drverify's own reports, before pytest-html's and JUnit; pytest's terminal summary made
        linear (:mod:`drverify.report.quiet_phases`) before it is printed."""
        self._write_json()
        self._keep_run()
        self._write_drift_html()
        forget_quiet_phases(self.config)

    def _write_drift_html(self) -> None:
        """``--drift-html``: drverify's own report, whatever the run found (even that nothing ran:
        an earlier run's page must not stay in place looking current)."""
        target = drift_html.target(self.config)
        if target is None:
            return
        try:
            self.summary.written["html"] = drift_html.write(target, self.summary, self.config.getoption("max_records"),
                                                            self._section_failed)
        except Exception as error:  # noqa: BLE001 - say so; the other reports are still written
            self._failed(f"writing {target}: {type(error).__name__}: {error}")

    def _keep_run(self) -> None:
        """``--history DIR``: this run joins the kept runs (a run that checked nothing does not)."""
        summary = self.summary
        if not summary.checked:
            return
        try:
            self.run.review.keep_run(summary.results, summary.meta, self.run.finished_at, summary.verdict.value)
        except Exception as error:  # noqa: BLE001 - the run's outcome stands; say what is missing
            self._failed(f"keeping the run in the history: {type(error).__name__}: {error}")

    def _failed(self, failure: str, lost: bool = True) -> None:
        """Something inside drverify failed: the verdict becomes ``error`` and drift.json says so
        (if even that cannot be written, the old file is removed rather than left looking current).
        ``lost``: a report could not be written at all (bare pytest then exits with an internal error)."""
        summary = self.summary
        summary.fail(failure)
        summary.written_failed = summary.written_failed or lost
        target = self._json_target()
        if target is None:
            return
        try:
            json_report.write(target, summary.results, {**summary.meta, "error": summary.why}, "error",
                              summary.checked)
        except Exception:  # noqa: BLE001 - the last resort is below
            summary.written.pop("json", None)
            with contextlib.suppress(OSError):
                target.unlink(missing_ok=True)

    def _after_reports(self) -> None:
        """JUnit rewritten for CI widgets, then the evidence pack of everything written."""
        summary = self.summary
        summary.finished_at = datetime.now(UTC)
        html_path, xml_path = self.config.getoption("htmlpath", None), self.config.getoption("xmlpath")
        if html_path and Path(html_path).is_file():  # pytest-html's: the per-test view beside --drift-html
            summary.written["tests_html" if "html" in summary.written else "html"] = Path(html_path)
        try:
            if xml_path and Path(xml_path).is_file():
                junit.rewrite(Path(xml_path), summary, self.config.getoption("junitprefix"))
                summary.written["junit"] = Path(xml_path)
            directory = self.config.getoption("evidence")
            if directory is not None and (summary.checked or summary.verdict is Verdict.ERROR):
                inventory = self.run.inventory_file or self.run.inventory_path
                summary.written["evidence"] = evidence.write(directory, summary, inventory)
        except Exception as error:  # noqa: BLE001 - the run's outcome stands; say what is missing
            self._failed(f"writing the JUnit or evidence reports: {type(error).__name__}: {error}")

    def _json_target(self) -> Path | None:
        option = self.config.getoption("drift_json")
        if option:
            return Path(option)
        directory = self.config.getoption("evidence")
        return self._ini_path("drverify_json") or (directory / "drift.json" if directory else None)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        """One line per pair, area by area (what a CI log reader wants first), then the verdict."""
        if self.run.results:
            self._write_matrix(terminalreporter)
        if self.summary is not None:
            self._write_verdict(terminalreporter)

    def _write_matrix(self, terminalreporter) -> None:
        terminalreporter.section("drverify: recovery hosts compared with production")
        by_pair: dict[str, list[AreaResult]] = {}
        order = list(AREAS)
        for result in sorted(self.results(), key=lambda r: order.index(r.area) if r.area in order else 99):
            by_pair.setdefault(result.pair, []).append(result)
        for pair, results in by_pair.items():
            cells = [f"{result.area} {_cell(result)}" for result in results]
            way = " (failback: recovery is the reference)" if results[0].direction == "failback" else ""
            terminalreporter.write_line(printable(f"{pair}{way}: " + ", ".join(cells)))
        for line in summary_lines(self.meta()):
            terminalreporter.write_line(printable(line))
        if self._json_path is not None:
            terminalreporter.write_line(f"drift records: {self._json_path}")
        if self.summary is not None and drift_html.target(self.config) in self.summary.written.values():
            terminalreporter.write_line(f"drift report: {self.summary.written['html']}")

    def _write_verdict(self, terminalreporter) -> None:
        """drverify's own failures, why nothing was checked, the evidence pack and the verdict."""
        summary = self.summary
        for failure in summary.failures:
            terminalreporter.write_line(f"drverify error: {printable(failure)}", red=True)
        if not summary.checked:
            kept = "" if summary.verdict is Verdict.ERROR else "; the previous drift.json is left as it was"
            terminalreporter.write_line(f"drverify: no checks ran: {printable(summary.why)}{kept}")
            return
        if "evidence" in summary.written:
            terminalreporter.write_line(f"evidence pack: {summary.written['evidence']}")
        terminalreporter.write_line(f"drverify verdict: {summary.verdict.value}")

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_summary(self, prefix: list, summary: list, postfix: list) -> None:
        """The verdict banner, then the summary area (:func:`drverify.report.page.render_summary`);
        the banner last rendered, so a section that failed to render already counts in it."""
        parts = []
        link = drift_html.link_from(self.config)
        if link is not None:
            parts.append(drift_html.render_link(link))
        elif self.run.results:
            meta = {**self.meta(), "max_records": self.config.getoption("max_records")}
            parts.append(page.render_summary(self.results(), meta, self._section_failed))
        if self.summary is not None:
            parts.insert(0, verdict_html.render_banner(self.summary))
        prefix.extend(parts)

    def _section_failed(self, result: AreaResult, error: Exception) -> None:
        """A check's drift section could not be rendered: the page goes on without it, and the
        run's verdict becomes ``error`` (a drverify bug, not a fact about the hosts)."""
        if self.summary is None:
            raise error
        hosts = " and ".join(f"{host.role} {host.label}" for host in result.hosts) or result.pair
        self._failed(f"rendering the table: {hosts}: {result.area}: internal error: {type(error).__name__}: {error}",
                     lost=False)

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_report_title(self, report) -> None:
        report.title = "drverify: disaster-recovery drift report"

    def _ini_path(self, name: str) -> Path | None:
        value = self.config.getini(name)
        return self.config.rootpath / value if value else None

    def results(self) -> list[AreaResult]:
        return list(self.run.results.values())

    def meta(self) -> dict:
        """The run's metadata (drift.json's ``meta``); fixed once the run has ended."""
        if self._final is not None:
            return self._final
        inventory = self.run.inventory
        return {
            "inventory": str(self.run.inventory_path),
            "started_at": self.started_at,
            "fail_on": self.run.fail_on.label,
            "error": self.run.inventory_error,
            "pairs": [pair.name for pair in shard.pairs_of(self.config, inventory.pairs)] if inventory else [],
            "areas": [name for name, area in AREAS.items()
                      if any(area.checked(pair, self.run.direction(pair)) for pair in inventory.pairs)]
            if inventory else [],
            "direction": self.run.direction_override,
            "drill": self._drill(),
            "provenance": provenance.provenance(self.config, self.run),
            **self.run.review.report(self.results(), self.run.finished_at or provenance.now()),
        }

    def _drill(self) -> dict | None:
        """The drill log measured against each pair's recovery time objective."""
        if self.run.drill is None or self.run.inventory is None:
            return None
        rto = {pair.name: pair.mft.rto_minutes for pair in self.run.inventory.pairs
               if pair.mft is not None and pair.mft.rto_minutes is not None}
        return self.run.drill.as_dict(rto)


def _cell(result: AreaResult) -> str:
    unverified = f", {len(result.unverified)} unverified" if result.unverified else ""
    waived = sum(record.waived for record in result.drift)
    if result.status == "drift":
        return f"{len(result.drift)} drift ({result.worst.label}{unverified}{f', {waived} waived' if waived else ''})"
    return result.status + (f" ({len(result.unverified)} items)" if len(result.unverified) > 1 else "")
