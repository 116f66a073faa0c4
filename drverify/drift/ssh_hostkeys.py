"""Drift of SSH host keys: will partners that pinned production's key connect to recovery?

Per port and algorithm (items ``port N`` and ``port N ALGORITHM``):

- recovery's listener does not answer: CRITICAL;
- another key for an algorithm: CRITICAL: every partner that pinned production's key refuses
  to connect ("host key verification failed");
- an algorithm production offers is missing on recovery: CRITICAL: a partner's client pinned
  that key (OpenSSH prefers the algorithm it has a pin for) and now sees none it knows;
- an algorithm only recovery offers: MINOR (harmless, but not what production offers).

Production is the reference: a port of the inventory that production's facts lack (a snapshot
older than the inventory) or where production offered no key leaves nothing to compare against,
so the area is *unverified* (:class:`~drverify.errors.FactsUnavailable`), never passed.
"""

from __future__ import annotations

from typing import Any

from drverify.drift.records import Context, Drift, Severity, listed
from drverify.errors import FactsUnavailable

SEVERITIES = (Severity.CRITICAL, Severity.MINOR)


def _inventory_ports(ctx: Context) -> set[str]:
    """The ports the inventory names (none without a ``keys.ssh_hostkeys`` section)."""
    return {str(port) for port in ctx.policy.ports}


def require_reference(production: dict, ports: set[str]) -> None:
    """Every inventory port must have host keys in production's facts (else: unverified)."""
    for port in sorted(ports | set(production["ports"]), key=int):
        prod = listed(production["ports"], port, "production", f"port {port}")
        if not prod.get("keys"):
            raise FactsUnavailable(f"ssh_hostkeys: production offered no host key on port {port}: "
                                   f"{prod.get('error', 'no key recorded')}")


def compare(production: dict, recovery: dict, ctx: Context) -> list[Drift]:
    require_reference(production, _inventory_ports(ctx))
    records: list[Drift] = []
    for port, prod in production["ports"].items():
        rec = recovery["ports"].get(port) or {"error": "not probed"}
        if "keys" not in rec:
            records.append(ctx.drift(f"port {port}", prod["keys"], None, Severity.CRITICAL,
                                     f"recovery's SSH listener on port {port} does not answer: {rec['error']}"))
            continue
        records += compare_keys(port, prod["keys"], rec["keys"], ctx)
    return sorted(records, key=lambda record: record.item)


def compare_keys(port: str, prod: dict[str, str], rec: dict[str, str], ctx: Context) -> list[Drift]:
    records = []
    for algorithm in sorted(set(prod) | set(rec)):
        mine, theirs = prod.get(algorithm), rec.get(algorithm)
        item = f"port {port} {algorithm}"
        if theirs is None:
            records.append(ctx.drift(item, mine, None, Severity.CRITICAL,
                                     f"recovery offers no {algorithm} host key on port {port}; "
                                     f"partners pinned production's {mine}"))
        elif mine is None:
            records.append(ctx.drift(item, None, theirs, Severity.MINOR,
                                     f"recovery offers a {algorithm} host key on port {port} that production does not"))
        elif mine != theirs:
            records.append(ctx.drift(item, mine, theirs, Severity.CRITICAL,
                                     f"recovery's {algorithm} host key on port {port} is {theirs}, production's "
                                     f"{mine}: partners that pinned it will refuse to connect"))
    return records


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}
