"""Per-run state behind the pytest plugin: the inventory, facts gathered once, results kept.

Kept apart from the hooks so the plugin stays glue: this module knows *what* a check does
(load both sides' facts, compare, judge against ``--fail-on``), the plugin only *when*.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from drverify.drift import COMPARATORS, Context, Drift, Severity, Translation
from drverify.errors import FactsUnavailable
from drverify.facts import AREAS
from drverify.facts.collect import ROLES, collect_pairs
from drverify.facts.hostfacts import HostFacts, save_snapshot
from drverify.inventory import Inventory, Pair
from drverify.report.results import AreaResult, HostInfo


@dataclass
class DriftRun:
    """Everything one pytest run shares: loaded once, facts collected once per host."""

    inventory_path: Path
    inventory: Inventory | None = None
    #: why the inventory could not be used (the run then stops with a usage error)
    inventory_error: str | None = None
    fail_on: Severity = Severity.MINOR
    snapshot_out: Path | None = None
    selected_pairs: set[str] = field(default_factory=set)
    results: dict[str, AreaResult] = field(default_factory=dict)
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
        collected = collect_pairs(pairs, AREAS, self._workdir)
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
    age = facts.age_seconds() if facts.source == "snapshot" else None
    return HostInfo(facts.role, facts.label, facts.source, facts.collected_at, age, facts.vantage(area))


class AreaCheck:
    """One pair × area: load both sides' facts (or say why not), compare, judge."""

    def __init__(self, pair: Pair, area: str, sides: tuple[HostFacts, HostFacts],
                 fail_on: Severity, nodeid: str) -> None:
        self.pair = pair
        self.area = area
        self.sides = sides
        self.fail_on = fail_on
        self.nodeid = nodeid
        self.drift: list[Drift] | None = None

    def load(self) -> tuple[object, object]:
        """Both sides' data; :class:`FactsUnavailable` with every side's reason otherwise."""
        data, reasons = [], []
        for facts in self.sides:
            try:
                data.append(facts.data(self.area))
            except FactsUnavailable as error:
                reasons.append(str(error))
        if reasons:
            raise FactsUnavailable("; ".join(reasons))
        return data[0], data[1]

    def compare(self) -> list[Drift]:
        production, recovery = self.load()
        context = Context(
            pair=self.pair.name,
            area=self.area,
            policy=getattr(self.pair.policies, self.area, None),
            translate=Translation(self.pair.translate),
            pair_spec=self.pair,
        )
        self.drift = COMPARATORS[self.area].compare(production, recovery, context)
        return self.drift

    def failing(self) -> list[Drift]:
        return [record for record in self.drift or [] if record.severity >= self.fail_on]

    def result(self, unverified: str | None = None) -> AreaResult:
        hosts = tuple(host_info(facts, self.area) for facts in self.sides)
        if unverified is not None:
            return AreaResult(self.pair.name, self.area, "unverified", unverified, (), hosts, self.nodeid)
        status = "drift" if self.drift else "ok"
        return AreaResult(self.pair.name, self.area, status, None, tuple(self.drift or ()), hosts, self.nodeid)


def describe_failure(records: list[Drift], fail_on: Severity) -> str:
    """The assertion message: one line per difference at or above the threshold, worst first."""
    lines = [f"{len(records)} difference(s) at or above {fail_on.label}:"]
    for record in sorted(records, key=lambda r: (-r.severity, r.item)):
        lines.append(f"  {record.severity.label.upper():8} {record.item}: {record.message}")
    return "\n".join(lines)


__all__ = ["ROLES", "AreaCheck", "DriftRun", "describe_failure"]
