"""The drift record: one difference between a recovery host and its production twin."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drverify.errors import FactsUnavailable


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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class Context:
    """What a comparison needs besides the two hosts' facts: who, which area, which rules.

    ``policy`` is the pair's policy model for this area (e.g. ``DiskPolicy``), ``translate``
    maps production addresses and names to recovery ones, ``pair_spec`` is the whole validated pair
    (service accounts, endpoints...) for areas that need more.
    """

    pair: str
    area: str
    policy: Any = None
    translate: Any = None
    pair_spec: Any = None

    def drift(
        self, item: str, production: Any, recovery: Any, severity: Severity, message: str
    ) -> Drift:
        """Make a record for this pair and area."""
        return Drift(self.pair, self.area, item, production, recovery, severity, message)


def listed(facts: Mapping[str, Any], key: str, side: str, what: str) -> Any:
    """``facts[key]``, or FactsUnavailable: an item the inventory lists is never skipped (a side's
    facts may come from a snapshot taken before the item was added to the inventory)."""
    if key not in facts:
        raise FactsUnavailable(f"{side} facts have no {what} (snapshot older than the inventory?)")
    return facts[key]
