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
from dataclasses import dataclass
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
    """Would the balancer send partners to recovery's member (as ``expect`` says it should)?"""
    lb = ctx.policy
    records, found = _member(recovery, production, "recovery", ctx)
    backup = None if found is None else found[1].get("backup")
    if found is not None and backup is not None and backup != (lb.expect == "backup"):
        wanted = "a backup server" if lb.expect == "backup" else "an active server"
        effect = ("it takes a share of production's traffic now" if lb.expect == "backup"
                  else "it takes traffic only once every active server is down")
        records.append(ctx.drift(f"member {lb.recovery_member} backup", lb.expect, "backup" if backup else "active",
                                 Severity.MAJOR, f"recovery's member {found[0]} of {lb.backend} is not {wanted}: {effect}",
                                 hint=f"make {found[0]} {wanted} of backend {lb.backend} in the balancer's configuration"))
    return records


def failback(production: Facts, recovery: Facts, ctx: Context[LoadBalancerChecks]) -> list[Drift]:
    """The way back: would the balancer send partners to production's member again? Judged on
    production's read of the balancer; recovery's member state is shown beside it."""
    lb = ctx.policy
    records, found = _member(production, recovery, "production", ctx)
    if found is not None and found[1].get("backup"):
        theirs = find(recovery.get("servers", {}), lb.recovery_member)
        records.append(ctx.drift(f"member {lb.production_member} backup", "backup", describe(theirs[1] if theirs else None),
                                 Severity.MAJOR, f"production's member {found[0]} of {lb.backend} is a backup server: "
                                 "it would take traffic only once every active server is down, so partners would stay "
                                 "on recovery", hint=f"make {found[0]} an active server of backend {lb.backend} again in "
                                 "the balancer's configuration"))
    return records


@dataclass(frozen=True)
class _Judged:
    """The member judged on its own side's read (recovery's for a takeover, production's failing
    back) and the other side's member, whose state is shown beside it."""

    role: str
    member: str
    other: str
    shown: str | None  #: the other member's state, or None when its read lacks it

    @property
    def back(self) -> bool:
        return self.role == "production"

    def values(self, own: str | None) -> tuple[str | None, str | None]:
        """(production's, recovery's): each value in its own column."""
        return (own, self.shown) if self.back else (self.shown, own)


def _member(judged: Facts, other: Facts, role: str,
            ctx: Context[LoadBalancerChecks]) -> tuple[list[Drift], tuple[str, Mapping[str, Any]] | None]:
    """``role``'s member on that side's read of the balancer: absent (critical) or serving no
    traffic (major); and the member found, for the direction's own backup rule."""
    lb = ctx.policy
    names = (lb.production_member, lb.recovery_member)
    member, other_member = names if role == "production" else names[::-1]
    servers = ctx.listed(judged, "servers", role, f"member {member}")
    if servers is None:
        return [], None
    theirs = find(other.get("servers", {}), other_member)
    seen = _Judged(role, member, other_member, describe(theirs[1] if theirs else None))
    found = find(servers, member)
    if found is None:
        return [_absent(seen, judged.get("source"), servers, ctx)], None
    name, server = found
    why = not_serving(server)
    records = [] if why is None else [ctx.drift(
        f"member {member}", *seen.values(describe(server)), Severity.MAJOR,
        f"{role}'s member {name} of {lb.backend} is {why}: the balancer would not send it traffic"
        f"{' after the switch back' if seen.back else ''} ({'recovery' if seen.back else 'production'}'s "
        f"{other_member}: {seen.shown or 'not in the backend'})", hint=_ready_hint(lb, name))]
    if server.get("backup") is None:
        _backup_unknown(judged, role, f"member {member}", name, ctx)
    return records, found


def _absent(seen: _Judged, source: Any, servers: Mapping[str, Any], ctx: Context[LoadBalancerChecks]) -> Drift:
    backend = ctx.policy.backend
    return ctx.drift(f"member {seen.member}", *seen.values(None), Severity.CRITICAL,
                     f"the backend {backend} on {source} has no member {seen.member}: the balancer cannot send "
                     f"partners{' back' if seen.back else ''} to {seen.role} "
                     f"(members: {', '.join(sorted(servers)) or 'none'})",
                     hint=f"add {seen.role}'s server {seen.member} to backend {backend} in the balancer's configuration")


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
