"""Keep pytest's failure summary linear in the number of checks.

For every failed test, pytest's terminal summary looks for that test's teardown output by
scanning *every* report it kept in its uncategorised list: each passed setup and teardown
(``TerminalReporter._handle_teardown_sections``; pytest-dev/pytest#13360). With 6,000 failing
checks out of 7,500 that is 6,000 × 15,000 comparisons: half a 500-pair run, after the last check
has finished. A passed setup, or a passed teardown with no captured teardown output, prints
nothing there, so :func:`forget_quiet_phases` drops them from that list before the summary is
written: the same output, in linear time.
"""

from __future__ import annotations

import pytest


def _quiet(report: pytest.TestReport) -> bool:
    """A passed setup or teardown whose report holds no teardown section: nothing to print."""
    return (report.passed and report.when in ("setup", "teardown")
            and not any("teardown" in name for name, _ in report.sections))


def forget_quiet_phases(config: pytest.Config) -> None:
    """Drop the quiet phases from the terminal reporter's uncategorised reports (see above)."""
    terminal = config.pluginmanager.get_plugin("terminalreporter")
    kept = terminal.stats.get("") if terminal is not None else None
    if kept:
        kept[:] = [report for report in kept if not (isinstance(report, pytest.TestReport) and _quiet(report))]


__all__ = ["forget_quiet_phases"]
