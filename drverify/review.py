"""What happens to drift records after the comparison: waivers that accept them, and the baseline
run that tells new drift from old. Both are optional; without them every record counts.

Applied on the process that runs the check (an xdist worker too), so the check's verdict and the
records it reports already say which difference is waived or new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from drverify.drift.records import Drift
from drverify.history import Baseline, keep, kept_runs, load_baseline, trend
from drverify.report.results import AreaResult
from drverify.report.verdict import counts
from drverify.waivers import Waivers, load_waivers


@dataclass
class Review:
    """The run's waivers and baseline, applied to each check's records."""

    waivers: Waivers | None = None
    baseline: Baseline | None = None
    #: ``--fail-on-new``: only drift new since the baseline fails a check
    fail_on_new: bool = False
    #: ``--history DIR`` and how many runs it keeps
    history: Path | None = None
    keep: int = 30

    @classmethod
    def load(cls, config: pytest.Config, started: datetime) -> Review:
        """From the command line; a broken file raises :class:`~drverify.errors.InventoryError`."""
        waivers = config.getoption("waivers", None)
        baseline = config.getoption("baseline", None) or next(reversed(kept_runs(config.getoption("history", None))),
                                                                None)
        return cls(waivers=load_waivers(waivers) if waivers else None,
                   baseline=load_baseline(baseline, started.isoformat()) if baseline else None,
                   fail_on_new=bool(config.getoption("fail_on_new", False)),
                   history=config.getoption("history", None), keep=config.getoption("history_keep", 30))

    def annotate(self, records: Iterable[Drift]) -> tuple[Drift, ...]:
        """The records, each with what the waivers and the baseline say of it (the same records
        when there are neither: 200,000 of them are not copied for nothing)."""
        if self.waivers is None and self.baseline is None:
            return tuple(records)
        return tuple(self._annotated(record) for record in records)

    def _annotated(self, record: Drift) -> Drift:
        waiver = self.waivers.match(record) if self.waivers is not None else None
        history = self.baseline.status(record) if self.baseline is not None else None
        return replace(record, waiver=waiver, history=history)

    def counts(self, record: Drift) -> bool:
        """Whether a record at or above the threshold fails its check (:func:`~drverify.report.verdict.counts`)."""
        return counts(record, self.fail_on_new)

    def provenance(self) -> dict[str, Any]:
        """The waivers in force and the baseline, for every report's provenance."""
        found: dict[str, Any] = {}
        if self.waivers is not None:
            found["waivers"] = self.waivers.provenance()
        if self.baseline is not None:
            found["baseline"] = self.baseline.provenance()
        return found

    def report(self, results: Sequence[AreaResult], generated: datetime) -> dict[str, Any]:
        """What the reports say of the run's waivers and history (drift.json ``meta`` keys)."""
        found: dict[str, Any] = {}
        if self.waivers is not None:
            found["waivers"] = {"path": str(self.waivers.path), "sha256": self.waivers.sha256,
                                "entries": self.waivers.report(results)}
        if self.baseline is not None or self.history is not None:
            statuses = Counter(record.history["status"] for result in results for record in result.drift
                               if record.history is not None)
            found["history"] = {
                "baseline": self.baseline.provenance() if self.baseline is not None else None,
                "new": statuses["new"], "persisting": statuses["persisting"],
                "resolved": self.baseline.resolved(results) if self.baseline is not None else [],
                "trend": trend(self.history, results, generated.isoformat()) if self.history is not None else [],
            }
        return found

    def keep_run(self, results: Sequence[AreaResult], meta: dict[str, Any], finished: datetime,
                 verdict: str | None = None) -> None:
        """Add this run to ``--history DIR`` (a run that checked nothing is not history)."""
        if self.history is not None and results:
            keep(self.history, results, meta, finished, self.keep, verdict)


def summary_lines(meta: dict[str, Any]) -> list[str]:
    """The terminal's lines on waivers that need a person (expired, stale) and on history."""
    lines = []
    for entry in (meta.get("waivers") or {}).get("entries", []):
        if entry["status"] == "expired":
            lines.append(f"waiver {entry['name']} ({entry['ticket']}, {entry['owner']}): expired since "
                         f"{entry['expires']}")
        elif entry["status"] == "stale":
            lines.append(f"waiver {entry['name']} ({entry['ticket']}, {entry['owner']}): stale, it matched no "
                         "difference: remove it")
    found = meta.get("history")
    if found and found["baseline"]:
        lines.append(f"since the baseline run of {found['baseline']['generated_at']}: {found['new']} new, "
                     f"{found['persisting']} persisting, {len(found['resolved'])} resolved")
    elif found:
        lines.append("history: no earlier run kept yet, nothing to compare with")
    return lines
