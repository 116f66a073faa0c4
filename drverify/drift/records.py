"""What a comparison produces: drift records, unverified items, and the context it runs in."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from drverify.inventory.model import ROLES, Pair
from drverify.inventory.translate import Translation


class Severity(enum.IntEnum):
    """How bad a difference is for a takeover; ordered so that thresholds compare."""

    MINOR = 1  #: worth tidying, no effect on the takeover (e.g. an extra local user)
    MAJOR = 2  #: the takeover works but something partners or operators rely on differs
    CRITICAL = 3  #: recovery would fail (a service account missing, a disk too small for the data)

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Read a severity from a command line or inventory word (`minor`, `major`, `critical`)."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}: expected one of {names}") from None


@dataclass(frozen=True, slots=True)
class Drift:
    """One difference, with both values side by side and a message a person understands.

    ``production`` and ``recovery`` are plain JSON-able values; ``None`` means "absent on that side".
    """

    pair: str
    area: str
    item: str
    production: Any
    recovery: Any
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "area": self.area,
            "item": self.item,
            "production": self.production,
            "recovery": self.recovery,
            "severity": self.severity.label,
            "message": self.message,
        }


@dataclass(frozen=True, slots=True)
class Unverified:
    """One item that could not be compared, and why: never a pass, never a guess at drift.

    ``host`` names the side whose fact was missing ("recovery ssh://root@mft-dr", or the
    snapshot file), so the reason line says where to look.
    """

    pair: str
    area: str
    item: str
    host: str
    reason: str

    def line(self) -> str:
        """The one-line reason: host, area, item and cause."""
        return f"{self.host}: {self.area}: {self.item}: {self.reason}"

    def as_dict(self) -> dict[str, Any]:
        return {"pair": self.pair, "area": self.area, "item": self.item, "host": self.host,
                "reason": self.reason}


P = TypeVar("P")

NOT_IN_FACTS = "not in the facts (a snapshot older than the inventory?)"


@dataclass
class Context(Generic[P]):
    """What one comparison (one pair, one area) needs besides the two sides' facts.

    Built once per pair and area by the area's record: ``policy`` is the area's validated part of
    the inventory (``DiskPolicy``, ``TlsChecks``...), ``translate`` maps production's addresses
    and names to recovery's (the identity when the pair has none), ``hosts`` names each role's
    host for unverified reasons. Items production cannot serve as the reference for (the area's
    declared ``reference`` step) are in ``unusable`` and already recorded as unverified: a
    comparator skips them with :meth:`usable`.
    """

    pair: Pair
    area: str
    policy: P
    translate: Translation
    hosts: Mapping[str, str] = field(default_factory=lambda: dict(zip(ROLES, ROLES)))
    unusable: Mapping[str, str] = field(default_factory=dict)
    found_unverified: list[Unverified] = field(default_factory=list)

    def drift(self, item: str, production: Any, recovery: Any, severity: Severity, message: str) -> Drift:
        """Make a record for this pair and area."""
        return Drift(self.pair.name, self.area, item, production, recovery, severity, message)

    def unverified(self, item: str, role: str, reason: str) -> None:
        """Record that ``item`` could not be compared because of ``role``'s side, and go on."""
        self.found_unverified.append(Unverified(self.pair.name, self.area, item, self.hosts.get(role, role), reason))

    def usable(self, item: str) -> bool:
        """False for an item whose production answer cannot be the reference (already reported)."""
        return item not in self.unusable

    def listed(self, facts: Mapping[str, Any], key: str, role: str, item: str) -> Any | None:
        """``facts[key]``, or None after recording ``item`` as unverified: with the host's reason
        when its facts say why the part could not be read (``facts["errors"][key]``), else because
        the facts do not hold it (a snapshot may predate the item in the inventory). An item is
        never skipped silently."""
        if key in facts:
            return facts[key]
        self.unread(facts, key, role, item)
        return None

    def unread(self, facts: Mapping[str, Any], key: str, role: str, item: str) -> None:
        """Record ``item`` unverified because ``role``'s facts lack part ``key``: the host's own
        reason when it gave one, else that the facts do not hold it."""
        errors = facts.get("errors")
        reason = errors.get(key) if isinstance(errors, Mapping) else None
        self.unverified(item, role, NOT_IN_FACTS if reason is None else str(reason))


def worst(records: Iterable[Drift]) -> Severity | None:
    return max((record.severity for record in records), default=None)

