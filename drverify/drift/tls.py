"""Drift of served certificates: does recovery show partners' clients what production shows?

Per port (items ``port N``, ``port N certificate``, ``port N chain``, ``port N expiry``):

- recovery does not complete a TLS handshake on the port: CRITICAL (partners cannot connect);
- recovery serves a chain that does not build to the CA bundle while production's does, or (no
  bundle configured) serves fewer certificates than production: CRITICAL. Partner clients
  (Java, curl, FileZilla, most MFT products) do not fetch a missing intermediate: the handshake
  fails verification, so the partner cannot connect at all;
- another leaf certificate: MAJOR, unless ``allow_reissued`` and it certifies the same names;
- expiry of the leaf: see :func:`drverify.drift.expiry.judge` (recovery expired: CRITICAL).

Production is the reference (:func:`reference`): a port where production served no chain, or
that production's facts lack (a snapshot older than the inventory), is *unverified* and the
other ports are still compared. On recovery, a port its facts lack or a chain drverify could not
describe (``unchecked``) is unverified too; a port that does not answer is drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from drverify.drift import expiry
from drverify.drift.certificates import how_they_differ, lacking, same_names
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.keys import TlsChecks


@dataclass(frozen=True)
class PortTwins:
    """One TLS port as each host served it."""

    port: str
    production: Mapping[str, Any]
    recovery: Mapping[str, Any]

    @property
    def item(self) -> str:
        return f"port {self.port}"

    @property
    def label(self) -> str:
        """The port as a reader knows it: its inventory name, if any, and its number."""
        name = self.production.get("name")
        return f"{name} ({self.item})" if name else self.item

    @property
    def leaves(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return self.production["chain"][0], self.recovery["chain"][0]


def _ports(production: Mapping[str, Any], ctx: Context[TlsChecks]) -> list[str]:
    """The inventory's ports and production's, in numeric order."""
    return sorted({str(entry.port) for entry in ctx.policy.ports} | set(production.get("ports", {})), key=int)


def _unchecked(entry: Mapping[str, Any]) -> str | None:
    """What drverify could not see in a served chain's facts (None: it is judged as recorded)."""
    if "unchecked" in entry:
        return str(entry["unchecked"])
    return next(filter(None, map(lacking, entry.get("chain") or [])), None)


def _not_reference(entry: Mapping[str, Any] | None) -> str | None:
    """Why production's answer on a port cannot be the reference (None: it can)."""
    if entry is None:
        return "not in production's facts (a snapshot older than the inventory?)"
    if _unchecked(entry):
        return _unchecked(entry)
    if not entry.get("chain"):
        return (f"{entry.get('error', 'no chain recorded')}: production served no certificate, so there is "
                "nothing to compare recovery's with")
    return None


def reference(production: Mapping[str, Any], ctx: Context[TlsChecks]) -> dict[str, str]:
    """The ports production served no comparable chain on, with why."""
    ports = production.get("ports", {})
    return {f"port {port}": why for port in _ports(production, ctx) if (why := _not_reference(ports.get(port)))}


def compare(production: dict, recovery: dict, ctx: Context[TlsChecks], now: datetime | None = None) -> list[Drift]:
    """One record per difference, sorted by item; ``now`` defaults to the current time."""
    now = now or expiry.now_utc()
    records: list[Drift] = []
    for port in _ports(production, ctx):
        item = f"port {port}"
        served = ctx.listed(recovery.get("ports", {}), port, "recovery", item) if ctx.usable(item) else None
        if served is not None:
            records += compare_port(PortTwins(port, production["ports"][port], served), ctx, now)
    return sorted(records, key=lambda record: record.item)


def compare_port(twins: PortTwins, ctx: Context[TlsChecks], now: datetime) -> list[Drift]:
    why = _unchecked(twins.recovery)
    if why:
        ctx.unverified(twins.item, "recovery", why)
        return []
    if not twins.recovery.get("chain"):
        leaf = twins.production["chain"][0]
        return [ctx.drift(twins.item, leaf["sha256"], None, Severity.CRITICAL,
                          f"recovery does not serve TLS on {twins.label}: "
                          f"{twins.recovery.get('error', 'not probed')}", kind="missing")]
    records = [_leaf(twins, ctx), _chain(twins, ctx), _expiry(twins, ctx, now)]
    return [record for record in records if record is not None]


def _leaf(twins: PortTwins, ctx: Context[TlsChecks]) -> Drift | None:
    production, recovery = twins.leaves
    if production["sha256"] == recovery["sha256"]:
        return None
    if ctx.policy.allow_reissued and same_names(production, recovery, ctx.translate):
        return None
    return ctx.drift(f"{twins.item} certificate", production["sha256"], recovery["sha256"], Severity.MAJOR,
                     f"recovery serves another certificate on {twins.label}: {how_they_differ(production, recovery)}",
                     kind="certificate")


def _expiry(twins: PortTwins, ctx: Context[TlsChecks], now: datetime) -> Drift | None:
    production, recovery = (leaf["not_after"] for leaf in twins.leaves)
    judged = expiry.judge(f"the certificate served on {twins.label}", production, recovery,
                          ctx.policy.horizon_days, now)
    return ctx.drift(f"{twins.item} expiry", production, recovery, *judged, kind="expiry") if judged else None


def _summary(entry: Mapping[str, Any]) -> list[str]:
    return [cert["subject"] for cert in entry["chain"]]


def _chain(twins: PortTwins, ctx: Context[TlsChecks]) -> Drift | None:
    production, recovery = twins.production, twins.recovery
    if production.get("verified") is not None and recovery.get("verified") is not None:
        broken = production["verified"] == "ok" and recovery["verified"] != "ok"
    else:
        broken = len(recovery["chain"]) < len(production["chain"])
    if not broken:
        return None
    reason = f": {recovery['verified']}" if recovery.get("verified") not in (None, "ok") else ""
    return ctx.drift(f"{twins.item} chain", _summary(production), _summary(recovery), Severity.CRITICAL,
                     f"recovery serves an incomplete chain on {twins.label}: {len(recovery['chain'])} "
                     f"certificate(s) where production serves {len(production['chain'])}{reason}; "
                     "partners' clients will refuse it", kind="chain")
