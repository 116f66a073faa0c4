"""Drift of SSH host keys: will partners that pinned production's key connect to recovery?

Per port and algorithm (items ``port N`` and ``port N ALGORITHM``):

- recovery's listener does not answer: CRITICAL;
- another key for an algorithm: CRITICAL: every partner that pinned production's key refuses
  to connect ("host key verification failed");
- an algorithm production offers is missing on recovery: CRITICAL: a partner's client pinned
  that key (OpenSSH prefers the algorithm it has a pin for) and now sees none it knows;
- an algorithm only recovery offers: MINOR (harmless, but not what production offers).

Production is the reference (:func:`reference`): a port where production offered no key, or
that production's facts lack (a snapshot older than the inventory), is *unverified* and the
other ports are still compared. On recovery, a port its facts lack or keys drverify could not
decode (``unchecked``) are unverified too; a listener that does not answer is drift.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.keys import SshHostKeyChecks


def _ports(production: Mapping[str, Any], ctx: Context[SshHostKeyChecks]) -> list[str]:
    """The inventory's ports and production's, in numeric order."""
    return sorted({str(port) for port in ctx.policy.ports} | set(production.get("ports", {})), key=int)


def _not_reference(entry: Mapping[str, Any] | None) -> str | None:
    """Why production's answer on a port cannot be the reference (None: it can)."""
    if entry is None:
        return "not in production's facts (a snapshot older than the inventory?)"
    if "unchecked" in entry:
        return str(entry["unchecked"])
    if not entry.get("keys"):
        return (f"{entry.get('error', 'no key recorded')}: production offered no host key, so there is "
                "nothing to compare recovery's with")
    return None


def reference(production: Mapping[str, Any], ctx: Context[SshHostKeyChecks]) -> dict[str, str]:
    """The ports production offered no host key on, with why."""
    ports = production.get("ports", {})
    return {f"port {port}": why for port in _ports(production, ctx) if (why := _not_reference(ports.get(port)))}


def compare(production: dict, recovery: dict, ctx: Context[SshHostKeyChecks]) -> list[Drift]:
    records: list[Drift] = []
    for port in _ports(production, ctx):
        item = f"port {port}"
        offered = ctx.listed(recovery.get("ports", {}), port, "recovery", item) if ctx.usable(item) else None
        if offered is None:
            continue
        if "unchecked" in offered:
            ctx.unverified(item, "recovery", str(offered["unchecked"]))
        elif "keys" not in offered:
            records.append(ctx.drift(item, production["ports"][port]["keys"], None, Severity.CRITICAL,
                                     f"recovery's SSH listener on port {port} does not answer: "
                                     f"{offered.get('error', 'no key recorded')}", kind="unreachable"))
        else:
            records += compare_keys(port, (production["ports"][port]["keys"], offered["keys"]), ctx)
    return sorted(records, key=lambda record: record.item)


def compare_keys(port: str, keys: tuple[Mapping[str, str], Mapping[str, str]], ctx: Context) -> list[Drift]:
    """One port's host keys, ``(production's, recovery's)`` by algorithm."""
    production, recovery = keys
    records = []
    for algorithm in sorted(set(production) | set(recovery)):
        production_key, recovery_key = production.get(algorithm), recovery.get(algorithm)
        item = f"port {port} {algorithm}"
        if recovery_key is None:
            records.append(ctx.drift(item, production_key, None, Severity.CRITICAL,
                                     f"recovery offers no {algorithm} host key on port {port}; "
                                     f"partners pinned production's {production_key}", kind="missing"))
        elif production_key is None:
            records.append(ctx.drift(item, None, recovery_key, Severity.MINOR,
                                     f"recovery offers a {algorithm} host key on port {port} that production does not",
                                     kind="extra"))
        elif production_key != recovery_key:
            records.append(ctx.drift(item, production_key, recovery_key, Severity.CRITICAL,
                                     f"recovery's {algorithm} host key on port {port} is {recovery_key}, production's "
                                     f"{production_key}: partners that pinned it will refuse to connect",
                                     kind="changed"))
    return records
