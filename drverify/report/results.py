"""The outcome of one check (one pair, one area): what every report renders, and nothing more.

Reports render these records only; they never look at pytest internals, so they are tested with
plain data. ``hosts`` says where each side's facts came from (live host or snapshot, and when).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, Literal

from drverify.drift.records import Drift, Severity, Unverified

Status = Literal["ok", "drift", "unverified"]


@dataclass(frozen=True)
class HostInfo:
    """Where one side's facts came from: ``source`` is ``live`` or ``snapshot``."""

    role: str
    label: str
    source: str
    collected_at: str
    age_seconds: float | None = None
    #: for probes run from the host itself (network areas): the vantage point, said in the report
    vantage: str | None = None
    #: why nothing at all could be read from the host (unreachable, unreadable snapshot)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "label": self.label,
            "source": self.source,
            "collected_at": self.collected_at,
            "age_seconds": self.age_seconds,
            "vantage": self.vantage,
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> HostInfo:
        return cls(**data)


@dataclass(frozen=True)
class AreaResult:
    """One pair × area: ``ok`` (no drift), ``drift`` (records found) or ``unverified`` (reason).

    A result can hold both drift and ``unverified`` items: everything that *was* compared is
    reported, and each item that could not be is listed with its reason. ``reason`` is set when
    the check as a whole stopped (unreachable host, permission denied for the area's command).
    """

    pair: str
    area: str
    status: Status
    reason: str | None = None
    drift: tuple[Drift, ...] = ()
    hosts: tuple[HostInfo, ...] = ()
    #: the pytest node id, to link matrix cells to test rows
    nodeid: str | None = None
    #: items that could not be compared, each with the host and the reason
    unverified: tuple[Unverified, ...] = ()
    #: ``takeover`` (production the reference) or ``failback`` (recovery the reference)
    direction: str = "takeover"
    #: what pytest made of the check: ``failed``, ``passed`` or ``error`` (None before it ran)
    outcome: str | None = None
    #: when the check started (its facts loaded, in setup) and ended, ISO 8601 UTC, and seconds
    started_at: str | None = None
    finished_at: str | None = None
    duration: float | None = None

    @property
    def worst(self) -> Severity | None:
        return max((record.severity for record in self.drift), default=None)

    def as_dict(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "area": self.area,
            "status": self.status,
            "reason": self.reason,
            "worst": self.worst.label if self.worst else None,
            "drift_count": len(self.drift),
            "hosts": [host.as_dict() for host in self.hosts],
            "nodeid": self.nodeid,
            "unverified": [item.as_dict() for item in self.unverified],
            "direction": self.direction,
            "outcome": self.outcome,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "duration": self.duration,
        }

    def to_json(self) -> dict[str, Any]:
        """Everything, including drift records: what crosses from xdist workers to the controller."""
        return {**self.as_dict(), "drift": [record.as_dict() for record in self.drift]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> AreaResult:
        records = tuple(Drift.from_dict(record) for record in data.get("drift", []))
        return cls(
            pair=data["pair"],
            area=data["area"],
            status=data["status"],
            reason=data.get("reason"),
            drift=records,
            hosts=tuple(HostInfo.from_dict(host) for host in data.get("hosts", [])),
            nodeid=data.get("nodeid"),
            unverified=tuple(Unverified(**item) for item in data.get("unverified", [])),
            direction=data.get("direction", "takeover"),
            outcome=data.get("outcome"),
            started_at=data.get("started_at"),
            finished_at=data.get("finished_at"),
            duration=data.get("duration"),
        )

    def stamped(self, outcome: str, started: float, finished: float) -> AreaResult:
        """This result with what pytest made of the check and when it ran (epoch seconds)."""
        return replace(self, outcome=outcome, started_at=_iso(started), finished_at=_iso(finished),
                       duration=round(finished - started, 3))


def _iso(moment: float) -> str:
    return datetime.fromtimestamp(moment, UTC).isoformat(timespec="milliseconds")
