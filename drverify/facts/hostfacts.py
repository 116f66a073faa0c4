"""One host's facts, area by area, as plain JSON: what is compared, and what a snapshot holds.

A snapshot is this very JSON written to a file, so a recovery host can be checked against
production's last snapshot while production is down; ``collected_at`` gives its age.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drverify import __version__
from drverify.errors import FactsUnavailable
from drverify.facts.snapshot_file import Unreadable, loads_strict, read_snapshot_text

# The snapshot schema (pydantic validators of every area) is imported where a snapshot is read or
# written: a run of live hosts that keeps no snapshot never builds it.


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


@dataclass
class HostFacts:
    """Facts of one side of one pair; each area either ``ok`` with data or ``unverified``."""

    pair: str
    role: str
    label: str
    collected_at: str = field(default_factory=now_iso)
    source: str = "live"
    areas: dict[str, dict[str, Any]] = field(default_factory=dict)
    round_trips: int = 0
    #: a snapshot's areas not yet checked against their schema: each is checked when first read,
    #: so a run builds the validators of the areas it compares only (``-k firewall``: one)
    unchecked: set[str] = field(default_factory=set, repr=False, compare=False)

    def set_ok(self, area: str, data: Any, vantage: str | None = None) -> None:
        self.areas[area] = {"status": "ok", "data": data}
        if vantage is not None:
            self.areas[area]["vantage"] = vantage

    def any_ok(self) -> bool:
        """Whether anything at all was read from the host."""
        return any(self.entry(area)["status"] == "ok" for area in list(self.areas))

    def vantage(self, area: str) -> str | None:
        """Where a probe area's facts were gathered from, for the report."""
        return (self.entry(area) or {}).get("vantage")

    def entry(self, area: str) -> dict[str, Any] | None:
        """The area as recorded (a snapshot's checked against its schema first: an area that
        breaks it is unverified with the key path and what was expected)."""
        if area in self.unchecked:
            from drverify.facts.schemas import check_area

            self.unchecked.discard(area)
            problem = check_area(area, self.areas[area])
            if problem is not None:
                self.set_unverified(area, problem)
        return self.areas.get(area)

    def set_unverified(self, area: str, reason: str) -> None:
        self.areas[area] = {"status": "unverified", "reason": reason}

    def data(self, area: str) -> Any:
        """The area's facts, or :class:`FactsUnavailable` naming host, area and cause."""
        entry = self.entry(area)
        if entry is None:
            raise FactsUnavailable(f"{self.role} {self.label}: {area}: not collected"
                                   + (" (the snapshot has no such area)" if self.source == "snapshot" else ""))
        if entry["status"] != "ok":
            raise FactsUnavailable(f"{self.role} {self.label}: {area}: {entry['reason']}")
        return entry["data"]

    def age_seconds(self, now: datetime | None = None) -> float:
        """Seconds since collection; negative when dated in the future (the report says so)."""
        now = now or datetime.now(UTC)
        return (now - datetime.fromisoformat(self.collected_at)).total_seconds()

    def to_json(self) -> dict[str, Any]:
        from drverify.facts.schemas import SCHEMA

        for area in list(self.unchecked):
            self.entry(area)
        return {
            "schema": SCHEMA,
            "drverify": __version__,
            "pair": self.pair,
            "role": self.role,
            "label": self.label,
            "collected_at": self.collected_at,
            "areas": self.areas,
        }


def snapshot_name(pair: str, role: str) -> str:
    return f"{pair}.{role}.json"


def save_snapshot(facts: HostFacts, directory: Path) -> Path:
    """Write atomically (a half-written snapshot must never be read as production's state)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / snapshot_name(facts.pair, facts.role)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".snapshot-", suffix=".json")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        json.dump(facts.to_json(), stream, indent=2, sort_keys=True)
        stream.write("\n")
    os.replace(temporary, target)
    return target


def load_snapshot(path: Path, pair: str, role: str) -> HostFacts:
    """A snapshot as :class:`HostFacts`, each area checked against its schema.

    A file that cannot be a snapshot of ``role`` at all (not a regular file, too large, not
    JSON, another schema, another role, no usable collection time) raises
    :class:`FactsUnavailable` with the cause; the collector makes every area of that side
    unverified with it, and :meth:`HostFacts.data` names the file. An area whose facts break
    their schema is unverified, with the key path and what was expected, when it is first read
    (:meth:`HostFacts.entry`); the others are used.
    """
    from drverify.facts.schemas import check_header

    label = f"snapshot:{path}"
    try:
        document = loads_strict(read_snapshot_text(path))
        collected_at = check_header(document, role)
    except Unreadable as error:
        raise FactsUnavailable(str(error)) from None
    areas = document["areas"]
    return HostFacts(pair=pair, role=role, label=label, collected_at=collected_at, source="snapshot",
                     areas=areas, unchecked=set(areas))
