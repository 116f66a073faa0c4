"""Drift of the load balancer's pool: would it send partners to recovery?

"Is there a load balancer to be updated?" Facts: :mod:`drverify.facts.load_balancer`, one read
of the balancer per side; recovery's member is judged on recovery's read, and production's
member (from production's read) is shown beside it.

=================================  =========================================================  ========
item                               difference                                                 severity
=================================  =========================================================  ========
``member NAME``                    recovery's member is not in the backend                    CRITICAL
``member NAME``                    in maintenance (MAINT), drained (DRAIN, NOLB) or DOWN:     MAJOR
                                   the balancer would not send it traffic
``member NAME backup``             ``expect: backup`` and it is an active server (it takes   MAJOR
                                   production's traffic now), or ``expect: ready`` and it is
                                   a backup (it takes traffic only when production is down)
=================================  =========================================================  ========

Recovery's member is named in the inventory as HAProxy names it (or as ``ADDRESS:PORT``). When
only the servers-state answer could be read, whether the member is a backup is unknown: that item
is unverified with the reason. Read-only: drverify never changes the balancer's state.

Checked for a takeover only: failing back asks the same of production's member, which a failback
check would name as the member to judge.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.mft import LoadBalancerChecks

Facts = Mapping[str, Any]


def find(servers: Mapping[str, Any], member: str) -> tuple[str, Mapping[str, Any]] | None:
    """A member by server name, else by ``address:port``."""
    if member in servers:
        return member, servers[member]
    return next(((name, server) for name, server in servers.items() if server.get("address") == member), None)


def describe(server: Mapping[str, Any] | None) -> str | None:
    """A member's state as the records show it: ``UP (backup)``, ``MAINT (active)``."""
    if server is None:
        return None
    role = {True: "backup", False: "active", None: "backup unknown"}[server.get("backup")]
    return f"{server.get('status')} ({role})"


def reference(production: Facts, ctx: Context[LoadBalancerChecks]) -> dict[str, str]:
    """Nothing production must answer: the balancer is read on its own; production's member is
    shown, not required (it may well be down during a disaster)."""
    return {}


def compare(production: Facts, recovery: Facts, ctx: Context[LoadBalancerChecks]) -> list[Drift]:
    lb = ctx.policy
    item = f"member {lb.recovery_member}"
    servers = ctx.listed(recovery, "servers", "recovery", item)
    if servers is None:
        return []
    ours = find(production.get("servers", {}), lb.production_member)
    shown = describe(ours[1] if ours else None)
    found = find(servers, lb.recovery_member)
    if found is None:
        return [ctx.drift(item, shown, None, Severity.CRITICAL,
                          f"the backend {lb.backend} on {recovery.get('source')} has no member {lb.recovery_member}: "
                          f"the balancer cannot send partners to recovery (members: {', '.join(sorted(servers)) or 'none'})")]
    name, server = found
    records = []
    status = str(server.get("status") or "unknown")
    if not status.startswith(("UP", "no check")):  # "UP 1/3": going down, still serving
        why = {"MAINT": "in maintenance", "DRAIN": "drained", "DOWN": "DOWN (its health check fails)"}.get(
            status.split()[0], f"in state {status}")
        records.append(ctx.drift(item, shown, describe(server), Severity.MAJOR,
                                 f"recovery's member {name} of {lb.backend} is {why}: the balancer would not send "
                                 f"it traffic (production's {lb.production_member}: {shown or 'not in the backend'})"))
    backup = server.get("backup")
    if backup is None:
        why = (recovery.get("errors") or {}).get("stat", "HAProxy's answer did not say")
        ctx.unverified(f"{item} backup", "recovery", f"whether {name} is a backup server: {why}")
    elif backup != (lb.expect == "backup"):
        wanted = "a backup server" if lb.expect == "backup" else "an active server"
        effect = ("it takes a share of production's traffic now" if lb.expect == "backup"
                  else "it takes traffic only once every active server is down")
        records.append(ctx.drift(f"{item} backup", lb.expect, "backup" if backup else "active", Severity.MAJOR,
                                 f"recovery's member {name} of {lb.backend} is not {wanted}: {effect}"))
    return records
