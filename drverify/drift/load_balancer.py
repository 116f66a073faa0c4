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

Failing back (:func:`failback`), the same balancer must send partners to production again. That
is not the takeover's question with the roles swapped (recovery's member need not be a backup of
production's): production's member is judged on production's read, recovery's member shown
beside it:

=================================  =========================================================  ========
item                               difference                                                 severity
=================================  =========================================================  ========
``member NAME``                    production's member is not in the backend                  CRITICAL
``member NAME``                    in maintenance, drained or DOWN: no traffic would reach    MAJOR
                                   production after the switch back
``member NAME backup``             production's member is a backup server: it would take      MAJOR
                                   traffic only once every active server is down
=================================  =========================================================  ========
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.mft import LoadBalancerChecks

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR)
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
    """Would the balancer send partners to recovery's member (as ``expect`` says it should)?"""
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
                          f"the balancer cannot send partners to recovery (members: {', '.join(sorted(servers)) or 'none'})",
                          hint=f"add recovery's server {lb.recovery_member} to backend {lb.backend} in the balancer's "
                               "configuration")]
    name, server = found
    records = []
    why = not_serving(server)
    if why is not None:
        records.append(ctx.drift(item, shown, describe(server), Severity.MAJOR,
                                 f"recovery's member {name} of {lb.backend} is {why}: the balancer would not send "
                                 f"it traffic (production's {lb.production_member}: {shown or 'not in the backend'})",
                                 hint=_ready_hint(lb, name)))
    backup = server.get("backup")
    if backup is None:
        _backup_unknown(recovery, "recovery", item, name, ctx)
    elif backup != (lb.expect == "backup"):
        wanted = "a backup server" if lb.expect == "backup" else "an active server"
        effect = ("it takes a share of production's traffic now" if lb.expect == "backup"
                  else "it takes traffic only once every active server is down")
        records.append(ctx.drift(f"{item} backup", lb.expect, "backup" if backup else "active", Severity.MAJOR,
                                 f"recovery's member {name} of {lb.backend} is not {wanted}: {effect}",
                                 hint=f"make {name} {wanted} of backend {lb.backend} in the balancer's configuration"))
    return records


def failback(production: Facts, recovery: Facts, ctx: Context[LoadBalancerChecks]) -> list[Drift]:
    """The way back: would the balancer send partners to production's member again? Judged on
    production's read of the balancer; recovery's member state is shown beside it."""
    lb = ctx.policy
    item = f"member {lb.production_member}"
    servers = ctx.listed(production, "servers", "production", item)
    if servers is None:
        return []
    theirs = find(recovery.get("servers", {}), lb.recovery_member)
    shown = describe(theirs[1] if theirs else None)
    found = find(servers, lb.production_member)
    if found is None:
        return [ctx.drift(item, None, shown, Severity.CRITICAL,
                          f"the backend {lb.backend} on {production.get('source')} has no member {lb.production_member}: "
                          f"the balancer cannot send partners back to production "
                          f"(members: {', '.join(sorted(servers)) or 'none'})",
                          hint=f"add production's server {lb.production_member} to backend {lb.backend} in the "
                               "balancer's configuration before switching back")]
    name, server = found
    records = []
    why = not_serving(server)
    if why is not None:
        records.append(ctx.drift(item, describe(server), shown, Severity.MAJOR,
                                 f"production's member {name} of {lb.backend} is {why}: the balancer would not send it "
                                 f"traffic after the switch back (recovery's {lb.recovery_member}: "
                                 f"{shown or 'not in the backend'})", hint=_ready_hint(lb, name)))
    backup = server.get("backup")
    if backup is None:
        _backup_unknown(production, "production", item, name, ctx)
    elif backup:
        records.append(ctx.drift(f"{item} backup", "backup", shown, Severity.MAJOR,
                                 f"production's member {name} of {lb.backend} is a backup server: it would take "
                                 "traffic only once every active server is down, so partners would stay on recovery",
                                 hint=f"make {name} an active server of backend {lb.backend} again in the balancer's "
                                      "configuration"))
    return records


def not_serving(server: Mapping[str, Any]) -> str | None:
    """Why the balancer would send the member no traffic, or None when it would (``UP 1/3``:
    going down, still serving)."""
    status = str(server.get("status") or "unknown")
    if status.startswith(("UP", "no check")):
        return None
    return {"MAINT": "in maintenance", "DRAIN": "drained", "DOWN": "DOWN (its health check fails)"}.get(
        status.split()[0], f"in state {status}")


def _ready_hint(lb: LoadBalancerChecks, name: str) -> str:
    return (f"make {name} serve in backend {lb.backend}: its service up and its health check passing, then "
            f"`set server {lb.backend}/{name} state ready` on the balancer's Runtime API")


def _backup_unknown(facts: Facts, role: str, item: str, name: str, ctx: Context[Any]) -> None:
    """Only the servers-state answer came back: whether the member is a backup is unverified."""
    why = (facts.get("errors") or {}).get("stat", "HAProxy's answer did not say")
    ctx.unverified(f"{item} backup", role, f"whether {name} is a backup server: {why}")
