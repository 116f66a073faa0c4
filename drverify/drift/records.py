"""What a comparison produces: drift records, unverified items, and the context it runs in."""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from drverify.drift import hints

if TYPE_CHECKING:
    from drverify.inventory.model import Pair
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

    ``production`` and ``recovery`` are plain JSON-able values, each side's *own*; ``None`` means
    "absent on that side". ``translated`` is production's value as the comparison read it on the
    recovery site (after the pair's ``translate`` map), set only when translation changed it, so
    the report can say "198.51.100.20/25 → 203.0.113.20/25 after translation" and mark what
    differs from what was really compared. ``kind`` names the sort of difference (``missing``,
    ``extra``, ``changed``, ``too_small``...): with pair, area and item it makes the record's
    stable :attr:`id`, and it picks the remediation ``hint`` (:mod:`drverify.drift.hints`).

    ``waiver`` and ``history`` are set after the comparison, never by a comparator: the waiver
    that accepts this difference (:mod:`drverify.waivers`) and whether it is new since the
    baseline run (:mod:`drverify.history`).
    """

    pair: str
    area: str
    item: str
    production: Any
    recovery: Any
    severity: Severity
    message: str
    kind: str = "changed"
    hint: str = ""
    translated: Any = None
    waiver: Mapping[str, Any] | None = None
    history: Mapping[str, Any] | None = None

    @property
    def id(self) -> str:
        """Stable across runs for the same difference: pair, area, item and kind, never the values
        (a disk that shrank further is still the same finding)."""
        key = "\0".join((self.pair, self.area, self.item, self.kind))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]

    @property
    def waived(self) -> bool:
        """Accepted by a waiver still in force: shown, never failing."""
        return self.waiver is not None and not self.waiver.get("expired", False)

    def as_dict(self) -> dict[str, Any]:
        found = {
            "id": self.id,
            "pair": self.pair,
            "area": self.area,
            "item": self.item,
            "kind": self.kind,
            "production": self.production,
            "recovery": self.recovery,
            "severity": self.severity.label,
            "message": self.message,
            "hint": self.hint,
        }
        optional = {"translated": self.translated, "waiver": self.waiver, "history": self.history}
        return found | {key: value for key, value in optional.items() if value is not None}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Drift:
        """The record :meth:`as_dict` wrote (``id`` is derived; keys a later drverify may add to
        drift.json are left out, so an old or new baseline still reads)."""
        known = {item.name for item in fields(cls)}
        found = {key: value for key, value in data.items() if key in known}
        return cls(**{**found, "severity": Severity.parse(data["severity"])})


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
    #: each role's host as unverified reasons name it (by default the role alone)
    hosts: Mapping[str, str] = field(default_factory=lambda: {"production": "production", "recovery": "recovery"})
    unusable: Mapping[str, str] = field(default_factory=dict)
    found_unverified: list[Unverified] = field(default_factory=list)

    def drift(self, item: str, production: Any, recovery: Any, severity: Severity, message: str, *,
              kind: str = "changed", translated: Any = None, hint: str | None = None) -> Drift:
        """Make a record for this pair and area.

        ``production`` is production's own value; ``translated`` what the comparison read it as on
        the recovery site (kept only when it differs). ``kind`` picks the remediation hint from
        :mod:`drverify.drift.hints`; a comparator that knows the figure to reach (a disk's needed
        size) passes ``hint`` made by one of that module's helpers instead.
        """
        translated = None if translated == production else translated
        parts = (self.pair.name, self.area, item, production, recovery, severity, message, kind)
        if hint is None:  # the hint is read from the record itself: built twice, never copied field by field
            hint = hints.hint(Drift(*parts, translated=translated))
        return Drift(*parts, hint, translated)

    def moved(self, item: str, production: Any, recovery: Any, severity: Severity, message: str, *,
              kind: str = "changed") -> Drift:
        """A record whose production value was compared through the pair's translation map:
        production's own value, with the translated one beside it when translation changed it."""
        return self.drift(item, production, recovery, severity, message, kind=kind,
                          translated=self.translate.value(production))

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

