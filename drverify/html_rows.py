"""pytest-html's own results table, made to agree with the drift section above it.

- a *Drift* column says on each check's row what it found ("2 major · passed below --fail-on
  critical"), so a check whose drift stayed below the threshold is not a silent "Passed" row
  (pytest-html collapses passed rows);
- a check that passed *with* drift (below the threshold, all waived, or not new under
  ``--fail-on-new``) is marked: its Drift cell starts with "Drift (below threshold)" (or
  "(waived)", "(not new)"), its Result cell reads "Passed with drift" in amber and its row stays
  open, showing where its drift table is. pytest-html files rows by the Result cell's text
  (filters, collapsing), so that text stays "Passed"; the marks are classes styled by the
  report's own style sheet (``_style.j2``), kept when pytest-html redraws its table;
- the row's log shows one line pointing to the check's drift table instead of pytest's copy of
  the failure message: each drift is printed once, in the drift section (of this page, or of the
  ``--drift-html`` report).

Registered by the plugin where reports are written (never on an xdist worker).
"""

from __future__ import annotations

import functools
import html
import json

import pytest

from drverify.report import drift_html
from drverify.report.details import outcome, passed_with_drift, render_pointer
from drverify.report.display import plural
from drverify.report.results import AreaResult
from drverify.reporter import RESULT
from drverify.session import DriftRun


def result_of(report: pytest.TestReport) -> AreaResult | None:
    """The check result a test report carries (:data:`~drverify.reporter.RESULT`), if it is a
    drverify check."""
    carried = report.__dict__.get(RESULT)
    return _decoded(carried) if carried is not None else None


@functools.lru_cache(maxsize=8)
def _decoded(carried: str) -> AreaResult:
    """Decoded once for the row and the log of one report (pytest-html asks for both in turn)."""
    return AreaResult.from_json(json.loads(carried))


#: the class marking a check that passed with drift (its Result and Drift cells)
PASSED_WITH_DRIFT = "drv-passed-with-drift"


def drift_cell(result: AreaResult | None, threshold: str) -> str:
    """The Drift column's text for one row."""
    if result is None:
        return ""
    if result.drift:
        worst = result.worst.label if result.worst else "unknown"
        return f"{plural(len(result.drift), 'difference')}, worst {worst} · {outcome(result, threshold)}"
    return result.status if result.status != "ok" else "none"


#: what pytest-html shows under a row with no output
NO_LOG = "No log output captured."


class ResultsTableRows:
    """pytest-html hooks for the rows of drverify's checks."""

    def __init__(self, run: DriftRun) -> None:
        self.run = run
        #: the drift report each row points into ("" when it is this page's summary)
        self.page = ""

    def pytest_configure(self, config: pytest.Config) -> None:
        self.page = drift_html.link_from(config) or ""

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_header(self, cells: list[str]) -> None:
        if self.run.involved:  # another project's pytest-html report keeps its own columns
            cells.insert(2, '<th class="drv-col-drift">Drift</th>')

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_row(self, report: pytest.TestReport, cells: list[str]) -> None:
        if not self.run.involved:
            return
        result, threshold = result_of(report), self.run.fail_on.label  # --fail-on, critical under --gate
        text = html.escape(drift_cell(result, threshold))
        why = passed_with_drift(result, threshold) if result is not None and report.passed else None
        if why is None:
            cells.insert(2, f'<td class="col-drift">{text}</td>')
            return
        cells[0] = cells[0].replace('class="col-result"', f'class="col-result {PASSED_WITH_DRIFT}"', 1)
        cells.insert(2, f'<td class="col-drift {PASSED_WITH_DRIFT}"><strong>Drift ({why})</strong>: {text}</td>')

    @pytest.hookimpl(optionalhook=True)
    def pytest_html_results_table_html(self, report: pytest.TestReport, data: list[str]) -> None:
        result = result_of(report)
        if result is None or not result.drift:
            return
        if report.passed:  # open under the row: where its drift is, instead of "No log output captured."
            data[:] = [render_pointer(result), *(entry for entry in data if entry != NO_LOG)]
            return
        if not report.longreprtext:
            return
        copy = html.escape(report.longreprtext) + "\n"
        data[:] = [render_pointer(result, self.page) if entry == copy else entry for entry in data]
