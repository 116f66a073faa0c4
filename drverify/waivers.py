"""Waivers: known differences accepted for a while, by someone, for a reason — never hidden.

``--waivers FILE`` (YAML)::

    version: 1
    waivers:
      - pair: mft-eu                  # fnmatch pattern over pair names (default "*")
        area: users                   # fnmatch pattern over area names (default "*")
        item: "user drtest"           # fnmatch pattern over the record's item (required)
        owner: alice@example.com
        reason: drill account, removed after the Q4 review
        ticket: CHG-1234
        expires: 2026-12-31           # last day in force (required)

A record a waiver in force matches is shown *waived* (with owner, ticket, expiry and reason) and
does not fail its check. Once expired, the waiver no longer accepts anything: the difference fails
again, and the failure names the expired waiver. A waiver that matched no record of the checks it
covers is reported *stale* (the difference is gone: remove the waiver). The file is validated like
the inventory: a mistake is one line naming the file, the entry and the key (a usage error, as for
a broken inventory: :class:`~drverify.errors.InventoryError`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError, field_validator

from drverify.areas import AREAS
from drverify.digest import sha256
from drverify.drift.records import Drift
from drverify.errors import InventoryError
from drverify.inventory.base import Strict
from drverify.inventory.loader import describe_validation_error, read_yaml
from drverify.report.results import AreaResult

Text = Annotated[str, Field(min_length=1)]


class Waiver(Strict):
    """One accepted difference: which records, who, why, under which ticket, until when."""

    pair: Text = "*"
    area: Text = "*"
    item: Text
    owner: Text
    reason: Text
    ticket: Text
    expires: date

    @field_validator("area")
    @classmethod
    def _known_area(cls, pattern: str) -> str:
        if not any(fnmatchcase(name, pattern) for name in AREAS):
            raise ValueError(f"{pattern!r} matches no area (expected one of: {', '.join(AREAS)})")
        return pattern

    def covers(self, pair: str, area: str) -> bool:
        """Whether this waiver is about a check (pair and area)."""
        return fnmatchcase(pair, self.pair) and fnmatchcase(area, self.area)

    def matches(self, record: Drift) -> bool:
        return self.covers(record.pair, record.area) and fnmatchcase(record.item, self.item)


class WaiverFile(Strict):
    version: Literal[1] = 1
    waivers: list[Waiver]


@dataclass(frozen=True)
class Waivers:
    """The waivers of one run, judged against one "today" (so a run does not change its mind)."""

    path: Path
    sha256: str
    entries: tuple[Waiver, ...]
    today: date

    def name(self, index: int) -> str:
        """How reports and messages name an entry: as the file's errors do."""
        return f"{self.path.name} waivers[{index}]"

    def expired(self, waiver: Waiver) -> bool:
        return self.today > waiver.expires

    def match(self, record: Drift) -> dict[str, Any] | None:
        """The waiver that speaks for a record (one in force before an expired one), as the record
        carries it; None when no waiver matches."""
        found = [(index, waiver) for index, waiver in enumerate(self.entries) if waiver.matches(record)]
        if not found:
            return None
        index, waiver = min(found, key=lambda entry: self.expired(entry[1]))
        return {"name": self.name(index), "owner": waiver.owner, "reason": waiver.reason, "ticket": waiver.ticket,
                "expires": waiver.expires.isoformat(), "expired": self.expired(waiver)}

    def in_force(self) -> int:
        return sum(not self.expired(waiver) for waiver in self.entries)

    def provenance(self) -> dict[str, Any]:
        """What every report says of the waivers a run used."""
        return {"path": str(self.path), "sha256": self.sha256, "in_force": self.in_force(),
                "expired": len(self.entries) - self.in_force()}

    def report(self, results: Iterable[AreaResult]) -> list[dict[str, Any]]:
        """Each waiver with what it did in this run: ``waived`` (records it accepts), ``expired``
        (records it no longer accepts), ``stale`` (it covers checks that ran and matched nothing)
        or ``not checked`` (none of its checks ran)."""
        results = list(results)
        found = []
        for index, waiver in enumerate(self.entries):
            name = self.name(index)
            matched = sum(1 for result in results for record in result.drift
                          if record.waiver is not None and record.waiver["name"] == name)
            ran = any(waiver.covers(result.pair, result.area) for result in results)
            status = ("expired" if self.expired(waiver) else "waived") if matched else "stale" if ran else "not checked"
            found.append({"name": name, **waiver.model_dump(mode="json"), "status": status, "matched": matched})
        return found


def load_waivers(path: Path, today: date | None = None) -> Waivers:
    """Read and validate a waivers file; :class:`InventoryError` with one line otherwise."""
    raw = read_yaml(path, "the waivers", "a waivers list")
    if not isinstance(raw, Mapping) or not isinstance(raw.get("waivers"), list):
        raise InventoryError(f"{path}: waivers: expected a list of waivers (each with item, owner, reason, "
                             "ticket and expires)")
    try:
        parsed = WaiverFile.model_validate(raw)
    except ValidationError as error:
        raise InventoryError(describe_validation_error(path, dict(raw), error, WaiverFile)) from None
    return Waivers(path, sha256(path) or "", tuple(parsed.waivers), today or datetime.now(UTC).date())


def expired_note(record: Drift) -> str:
    """Said after a failing record whose waiver expired: the failure names the waiver."""
    if record.waiver is None or not record.waiver.get("expired"):
        return ""
    waiver = record.waiver
    return (f" (waiver {waiver['name']} expired on {waiver['expires']}: owner {waiver['owner']}, "
            f"ticket {waiver['ticket']})")
