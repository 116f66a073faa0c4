"""Per-run state behind the pytest plugin: the inventory, facts gathered once, results kept.

Kept apart from the hooks so the plugin stays glue: this module knows *what* a check does
(load both sides' facts, judge them through the area's record, weigh the outcome against
``--fail-on``), the plugin only *when*.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drverify.areas import AREAS, Area, Outcome
from drverify.drift import Drift, Severity, Unverified
from drverify.errors import FactsUnavailable
from drverify.facts.collect import collect_pairs
from drverify.facts.hostfacts import HostFacts, save_snapshot
from drverify.inventory import Inventory, Pair
from drverify.report.results import AreaResult, HostInfo
from drverify.review import Review
from drverify.waivers import expired_note


@dataclass
class DriftRun:
    """Everything one pytest run shares: loaded once, facts collected once per host."""

    inventory_path: Path
    #: the inventory file as opened (relative ini values resolved), for its SHA-256
    inventory_file: Path | None = None
    inventory: Inventory | None = None
    #: why the inventory could not be used (the run then stops with a usage error)
    inventory_error: str | None = None
    fail_on: Severity = Severity.MINOR
    snapshot_out: Path | None = None
    selected_pairs: set[str] = field(default_factory=set)
    results: dict[str, AreaResult] = field(default_factory=dict)
    #: waivers and baseline, applied to every check's records
    review: Review = field(default_factory=Review)
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))
    finished_at: datetime | None = None
    facts: dict[tuple[str, str], HostFacts] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _workdir: Path | None = None

    def pair_facts(self, pair_name: str) -> tuple[HostFacts, HostFacts]:
        """Both sides of a pair; the first call collects every selected pair concurrently."""
        with self._lock:
            if (pair_name, "production") not in self.facts:
                done = {name for name, _ in self.facts}
                self._collect(({pair_name} | self.selected_pairs) - done)
        return self.facts[(pair_name, "production")], self.facts[(pair_name, "recovery")]

    def _collect(self, names: set[str]) -> None:
        pairs = [pair for pair in self.inventory.pairs if pair.name in names]
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="drv-"))
        collected = collect_pairs(pairs, list(AREAS.values()), self._workdir)
        self.facts.update(collected)
        if self.snapshot_out is not None:
            for facts in collected.values():
                if facts.source == "live" and facts.any_ok():
                    # an unreachable host must not overwrite its last good snapshot: that is
                    # the one a disaster needs
                    save_snapshot(facts, self.snapshot_out)

    def close(self) -> None:
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)

    def record(self, result: AreaResult) -> None:
        self.results[result.nodeid or f"{result.pair}/{result.area}"] = result


def host_info(facts: HostFacts, area: str) -> HostInfo:
    age = facts.age_seconds() if facts.source == "snapshot" and facts.any_ok() else None
    return HostInfo(facts.role, facts.label, facts.source, facts.collected_at, age, facts.vantage(area),
                    None if facts.any_ok() else _why_unread(facts, area))


def _why_unread(facts: HostFacts, area: str) -> str:
    """Why nothing could be read from a host: its reason for this area (every area has the same)."""
    entry = facts.areas.get(area) or next(iter(facts.areas.values()), {})
    return str(entry.get("reason") or "nothing was read")


class AreaCheck:
    """One pair × area: load both sides' facts (or say why not), judge, weigh against the threshold."""

    def __init__(self, pair: Pair, area: Area[Any], sides: tuple[HostFacts, HostFacts],
                 fail_on: Severity, nodeid: str, review: Review | None = None) -> None:
        self.pair = pair
        self.review = review or Review()
        self.area = area
        self.sides = sides
        self.fail_on = fail_on
        self.nodeid = nodeid
        self.outcome: Outcome | None = None

    @property
    def drift(self) -> list[Drift] | None:
        return None if self.outcome is None else list(self.outcome.drift)

    @property
    def unverified(self) -> list[Unverified]:
        return [] if self.outcome is None else list(self.outcome.unverified)

    def load(self) -> tuple[Any, Any]:
        """Both sides' data; :class:`FactsUnavailable` with every side's reason otherwise."""
        data, reasons = [], []
        for facts in self.sides:
            try:
                data.append(facts.data(self.area.name))
            except FactsUnavailable as error:
                reasons.append(str(error))
        if reasons:
            raise FactsUnavailable("; ".join(reasons))
        return data[0], data[1]

    def compare(self) -> Outcome:
        """The area's outcome; a whole side missing raises :class:`FactsUnavailable`."""
        production, recovery = self.load()
        hosts = {facts.role: f"{facts.role} {facts.label}" for facts in self.sides}
        outcome = self.area.judge(self.pair, production, recovery, hosts)
        self.outcome = replace(outcome, drift=self.review.annotate(outcome.drift))
        return self.outcome

    def failing(self) -> list[Drift]:
        return [record for record in self.drift or []
                if record.severity >= self.fail_on and self.review.counts(record)]

    def result(self, unverified: str | None = None) -> AreaResult:
        hosts = tuple(host_info(facts, self.area.name) for facts in self.sides)
        name = self.area.name
        if unverified is not None:
            return AreaResult(self.pair.name, name, "unverified", unverified, (), hosts, self.nodeid)
        drift, items = tuple(self.drift or ()), tuple(self.unverified)
        status = "drift" if drift else "unverified" if items else "ok"
        reason = describe_unverified(items) if items and not drift else None
        return AreaResult(self.pair.name, name, status, reason, drift, hosts, self.nodeid, items)


def describe_failure(records: list[Drift], fail_on: Severity, unverified: list[Unverified] = ()) -> str:
    """The assertion message: one line per difference at or above the threshold, worst first,
    then each item that could not be compared (they were not verified either)."""
    lines = [f"{len(records)} difference(s) at or above {fail_on.label}:"]
    for record in sorted(records, key=lambda r: (-r.severity, r.item)):
        lines.append(f"  {record.severity.label.upper():8} {record.item}: {record.message}{expired_note(record)}")
    if unverified:
        lines.append(f"{len(unverified)} item(s) not verified:")
        lines += [f"  UNVERIFIED {item.line()}" for item in unverified]
    return "\n".join(lines)


def describe_unverified(items: tuple[Unverified, ...] | list[Unverified]) -> str:
    """The one-line reason of a check that found no drift but could not compare everything."""
    if len(items) == 1:
        return items[0].line()
    return f"{len(items)} items not verified: " + "; ".join(item.line() for item in items)


__all__ = ["AreaCheck", "DriftRun", "describe_failure", "describe_unverified"]
