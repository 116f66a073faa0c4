"""``drverify snapshot``: write the facts of every live host of an inventory as snapshots, without
running a check or touching a report (the nightly job that keeps production's last state ready
for the day production is gone).

A host that could not be read at all keeps its previous snapshot: that is the one a disaster
needs. A snapshot with some areas unreadable is still written (each area says why) and the
command exits with status 2 so the job shows it.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

from drverify.areas import AREAS
from drverify.errors import DrverifyError
from drverify.facts.collect import collect_pairs
from drverify.facts.hostfacts import HostFacts, save_snapshot
from drverify.inventory import Inventory
from drverify.report.terminal import printable
from drverify.report.verdict import ExitStatus


def _describe(facts: HostFacts, out: Path) -> tuple[str, bool]:
    """One line about one host, and whether everything was read."""
    name = f"{facts.pair} {facts.role}"
    if facts.source != "live":
        return f"{name}: given as a snapshot in the inventory, nothing to write", True
    unread = {area: entry.get("reason", "") for area, entry in facts.areas.items() if entry["status"] != "ok"}
    if not facts.any_ok():
        reason = next(iter(unread.values()), "nothing collected")
        return f"{name}: nothing could be read, previous snapshot kept: {printable(reason)}", False
    path = save_snapshot(facts, out)
    if unread:
        return f"{name}: {path} ({len(facts.areas) - len(unread)} areas; unreadable: {', '.join(unread)})", False
    return f"{name}: {path} ({len(facts.areas)} areas)", True


def take(inventory: Inventory, out: Path, pairs: Sequence[str] = ()) -> tuple[list[str], ExitStatus]:
    """Collect and write; the lines to print and the exit status (0 all read, 2 something not)."""
    unknown = sorted(set(pairs) - {pair.name for pair in inventory.pairs})
    if unknown:
        raise DrverifyError(f"no pair named {', '.join(unknown)} in the inventory")
    chosen = [pair for pair in inventory.pairs if not pairs or pair.name in pairs]
    with tempfile.TemporaryDirectory(prefix="drv-") as workdir:
        collected = collect_pairs(chosen, list(AREAS.values()), Path(workdir))
    lines, complete = [], True
    for key in sorted(collected):
        line, ok = _describe(collected[key], out)
        lines.append(line)
        complete = complete and ok
    return lines, ExitStatus.OK if complete else ExitStatus.UNVERIFIED


__all__ = ["take"]
