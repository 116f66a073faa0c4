"""What a run concluded, in one word, and the exit status the ``drverify`` command gives for it.

The verdict is computed from the checks' results, never from pytest's counters, so the reports
(drift.json's ``verdict``, the HTML banner, JUnit's properties, the gate screen) and the exit
status always agree. Precedence, worst first:

- ``error``: drverify itself failed: a comparator or renderer raised, a report could not be
  written, the run crashed or was interrupted. What it found is still in the reports.
- ``drift``: a check found drift at or above ``--fail-on`` that counts: never drift a waiver in
  force accepts, and with ``--fail-on-new`` only drift new since the baseline (:func:`counts`).
- ``unverified``: nothing failing, but something could not be compared (unknown is never OK).
- ``ok``: everything selected was compared and nothing at or above the threshold differs.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from drverify.drift.records import Drift, Severity
from drverify.report.results import AreaResult


class Verdict(enum.StrEnum):
    OK = "ok"
    DRIFT = "drift"
    UNVERIFIED = "unverified"
    ERROR = "error"

    @property
    def gate_word(self) -> str:
        """What the readiness gate says: READY, NOT READY, UNVERIFIED or ERROR."""
        return {"ok": "READY", "drift": "NOT READY", "unverified": "UNVERIFIED", "error": "ERROR"}[self.value]


class ExitStatus(enum.IntEnum):
    """The ``drverify`` command's exit statuses (bare pytest keeps pytest's own)."""

    OK = 0  #: no drift at or above the threshold, nothing unverified
    DRIFT = 1  #: drift at or above the threshold
    UNVERIFIED = 2  #: nothing failing, but something could not be compared
    USAGE = 3  #: the inventory or the command line is wrong; nothing was checked
    INTERNAL = 4  #: drverify itself failed (a bug, a report it could not write, an interrupt)


_STATUS = {Verdict.OK: ExitStatus.OK, Verdict.DRIFT: ExitStatus.DRIFT,
           Verdict.UNVERIFIED: ExitStatus.UNVERIFIED, Verdict.ERROR: ExitStatus.INTERNAL}


def counts(record: Drift, fail_on_new: bool = False) -> bool:
    """Whether a record at or above the threshold fails: not when a waiver in force accepts it,
    nor (``--fail-on-new``) when the baseline already had it. The one rule: the check's own
    outcome (:meth:`drverify.review.Review.counts`), the verdict and every report apply it."""
    new = record.history is None or record.history.get("status") == "new"
    return not record.waived and (new or not fail_on_new)


def failing(result: AreaResult, fail_on: Severity, fail_on_new: bool = False) -> list[Drift]:
    """The result's drift at or above the threshold that counts (see :func:`counts`)."""
    return [record for record in result.drift if record.severity >= fail_on and counts(record, fail_on_new)]


def judge(results: Iterable[AreaResult], fail_on: Severity, failures: Sequence[str] = (),
          fail_on_new: bool = False) -> Verdict:
    """The run's verdict (precedence in the module docstring)."""
    results = list(results)
    if failures:
        return Verdict.ERROR
    if any(failing(result, fail_on, fail_on_new) for result in results):
        return Verdict.DRIFT
    if any(result.status == "unverified" or result.unverified for result in results):
        return Verdict.UNVERIFIED
    return Verdict.OK


@dataclass
class RunSummary:
    """Everything a front end needs once the run is over: the gate screen, the evidence pack and
    the command's exit status read this, never pytest's internals."""

    verdict: Verdict
    #: False when no check ran (``--collect-only``, nothing selected, a usage error)
    checked: bool
    results: list[AreaResult]
    fail_on: Severity
    started_at: datetime
    finished_at: datetime
    #: why nothing was checked, or what failed when the verdict is ``error``
    why: str | None = None
    #: each thing that went wrong inside drverify, one line each
    failures: list[str] = field(default_factory=list)
    usage_error: str | None = None
    gate: bool = False
    #: report files written by this run, by kind (``json``, ``html``, ``junit``, ``evidence``)
    written: dict[str, Path] = field(default_factory=dict)
    #: whether a report could not be written (bare pytest then exits with INTERNAL_ERROR too)
    written_failed: bool = False
    meta: dict = field(default_factory=dict)
    #: ``--fail-on-new``: only drift new since the baseline blocks
    fail_on_new: bool = False

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()

    def exit_status(self) -> ExitStatus:
        if self.usage_error is not None:
            return ExitStatus.USAGE
        if not self.checked and self.verdict is not Verdict.ERROR:
            return ExitStatus.OK  # --collect-only: nothing to say about the hosts
        return _STATUS[self.verdict]

    def fail(self, failure: str) -> None:
        """Something inside drverify failed after the verdict was reached: it becomes ``error``."""
        self.failures.append(failure)
        self.verdict = Verdict.ERROR
        self.why = "; ".join(self.failures)

    def blocking(self) -> list[Drift]:
        """Drift at or above the threshold that counts, worst first: what stands between recovery
        and a takeover."""
        records = [record for result in self.results for record in failing(result, self.fail_on, self.fail_on_new)]
        return sorted(records, key=lambda d: (-d.severity, d.pair, d.area, d.item))


def why_nothing_ran(usage_error: str | None, failures: Sequence[str], nothing_selected: bool,
                    collect_only: bool) -> str:
    """The one line a run that checked nothing says about it (HTML banner, terminal, gate)."""
    if usage_error is not None:
        return f"usage error: {usage_error}"
    if failures:
        return "; ".join(failures)
    if collect_only:
        return "--collect-only: the checks were listed, not run"
    if nothing_selected:
        return "no check selected: -k, -m or --gate matched nothing"
    return "no check produced a result"


__all__ = ["ExitStatus", "RunSummary", "Verdict", "counts", "failing", "judge", "why_nothing_ran"]
