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

from drverify.areas import AREAS, Area, Direction, Outcome
from drverify.drift import Drift, Severity, Unverified
from drverify.drill import DrillLog
from drverify.errors import FactsUnavailable
from drverify.facts.collect import collect_each
from drverify.facts.hostfacts import HostFacts, save_snapshot
from drverify.inventory import Inventory, Pair
from drverify.report.display import MAX_RECORDS, left_out
from drverify.report.results import AreaResult, HostInfo
from drverify.report.terminal import printable
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
    #: ``--direction``: overrides each pair's own
    direction_override: Direction | None = None
    #: ``--drill-log``: the drill's timed steps, the RTO evidence
    drill: DrillLog | None = None
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

    @property
    def involved(self) -> bool:
        """Whether this pytest run is one of drverify's checks (an inventory loaded, or refused):
        the plugin loads in every pytest run once drverify is installed."""
        return self.inventory is not None or self.inventory_error is not None

    def pair_facts(self, pair_name: str) -> tuple[HostFacts, HostFacts]:
        """Both sides of a pair; the first call collects every selected pair concurrently."""
        with self._lock:
            if (pair_name, "production") not in self.facts:
                done = {name for name, _ in self.facts}
                self._collect(({pair_name} | self.selected_pairs) - done)
        return self.facts[(pair_name, "production")], self.facts[(pair_name, "recovery")]

    def direction(self, pair: Pair) -> Direction:
        """The direction a pair is checked in this run."""
        return self.direction_override or pair.direction

    def _collect(self, names: set[str]) -> None:
        pairs = [pair for pair in self.inventory.pairs if pair.name in names]
        if self._workdir is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="drv-"))
        by_direction = {direction: [area for area in AREAS.values() if direction in area.directions]
                        for direction in ("takeover", "failback")}
        collected = collect_each([(pair, by_direction[self.direction(pair)]) for pair in pairs], self._workdir)
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
                 fail_on: Severity, nodeid: str, direction: Direction = "takeover",
                 max_records: int = MAX_RECORDS, review: Review | None = None) -> None:
        self.pair = pair
        self.direction = direction
        self.review = review or Review()
        self.area = area
        self.sides = sides
        self.fail_on = fail_on
        self.nodeid = nodeid
        #: how many records (and unverified items) the failure message lists
        self.max_records = max_records
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
        outcome = self.area.judge(self.pair, production, recovery, hosts, self.direction)
        self.outcome = replace(outcome, drift=self.review.annotate(outcome.drift))
        return self.outcome

    def hosts_named(self) -> str:
        """Both hosts (or snapshot files) this check reads, for a reason that names them."""
        return " and ".join(f"{facts.role} {facts.label}" for facts in self.sides)

    def failing(self) -> list[Drift]:
        return [record for record in self.drift or []
                if record.severity >= self.fail_on and self.review.counts(record)]

    def crashed(self, error: BaseException) -> str:
        """The one-line unverified reason when drverify itself failed on this check (a comparator
        or a renderer raised): the hosts or snapshots, the area and the cause."""
        return f"{self.hosts_named()}: {self.area.name}: internal error: {type(error).__name__}: {error}"

    def result(self, unverified: str | None = None) -> AreaResult:
        hosts = tuple(host_info(facts, self.area.name) for facts in self.sides)
        name = self.area.name
        if unverified is not None:
            return AreaResult(self.pair.name, name, "unverified", unverified, (), hosts, self.nodeid,
                              direction=self.direction)
        drift, items = tuple(self.drift or ()), tuple(self.unverified)
        status = "drift" if drift else "unverified" if items else "ok"
        reason = describe_unverified(items) if items and not drift else None
        return AreaResult(self.pair.name, name, status, reason, drift, hosts, self.nodeid, items, self.direction)


def describe_failure(records: list[Drift], fail_on: Severity, unverified: list[Unverified] = (),
                     limit: int = MAX_RECORDS) -> str:
    """The assertion message: one line per difference at or above the threshold, worst first,
    then each item that could not be compared (they were not verified either); at most
    ``limit`` lines of each, then how many more there are."""
    lines = [f"{len(records)} difference(s) at or above {fail_on.label}:"]
    for record in sorted(records, key=lambda r: (-r.severity, r.item))[:limit]:
        lines.append(f"  {record.severity.label.upper():8} {printable(record.item)}: "
                     f"{printable(record.message + expired_note(record))}")
    lines += _rest(len(records), limit)
    if unverified:
        lines.append(f"{len(unverified)} item(s) not verified:")
        lines += [f"  UNVERIFIED {printable(item.line())}" for item in unverified[:limit]]
        lines += _rest(len(unverified), limit)
    return "\n".join(lines)


def _rest(count: int, limit: int) -> list[str]:
    """The line after a list of ``count`` cut at ``limit``: how many more, and where (none if whole)."""
    return [f"  {left_out(count - limit)}"] if count > limit else []


def describe_unverified(items: tuple[Unverified, ...] | list[Unverified], limit: int = MAX_RECORDS) -> str:
    """The one-line reason of a check that found no drift but could not compare everything
    (at most ``limit`` items named, then how many more)."""
    if len(items) == 1:
        return printable(items[0].line())
    named = [printable(item.line()) for item in items[:limit]]
    if len(items) > limit:
        named.append(left_out(len(items) - limit))
    return f"{len(items)} items not verified: " + "; ".join(named)


__all__ = ["AreaCheck", "DriftRun", "describe_failure", "describe_unverified"]
