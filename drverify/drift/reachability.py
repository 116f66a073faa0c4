"""Reachability drift: can recovery open connections to what the MFT host must reach?

- reachable from production, not from recovery → CRITICAL: every transfer to that partner (or
  every mail, every login) would fail after a takeover, which is what CRITICAL means here; the
  message carries the reason (refused, timed out, name does not resolve);
- reachable from recovery but not from production → MINOR: nothing breaks on takeover, but
  production may have a problem worth a look.

Live, production's facts only exist when production reaches every endpoint (else the area is
unverified, see :mod:`drverify.facts.reachability`); the MINOR rule serves snapshots and facts
collected by other means. Endpoints are the inventory's: one either side's facts lack (a snapshot
older than the inventory) raises :class:`~drverify.errors.FactsUnavailable` -- unverified, never
skipped.
"""

from __future__ import annotations

from typing import Any

from drverify.drift.records import Context, Drift, Severity, listed

SEVERITIES = (Severity.CRITICAL, Severity.MINOR)


def _where(fact: dict[str, Any]) -> str:
    return f"{fact['host']}:{fact['port']}"


def _state(fact: dict[str, Any]) -> str:
    return "reachable" if fact["reachable"] else f"unreachable: {fact['reason']}"


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    found = []
    for name in sorted(endpoint.name for endpoint in ctx.policy.endpoints):
        what = f"check of endpoint {name}"
        ours, theirs = listed(production, name, "production", what), listed(recovery, name, "recovery", what)
        if ours["reachable"] == theirs["reachable"]:
            continue
        item = f"endpoint {name}"
        values = (f"{_where(ours)} {_state(ours)}", f"{_where(theirs)} {_state(theirs)}")
        if ours["reachable"]:
            found.append(ctx.drift(item, *values, Severity.CRITICAL,
                                   f"recovery cannot reach {name} at {_where(theirs)} ({theirs['reason']}) while "
                                   f"production reaches {_where(ours)}: connections to it would fail after a takeover"))
        else:
            found.append(ctx.drift(item, *values, Severity.MINOR,
                                   f"recovery reaches {name} at {_where(theirs)} but production cannot "
                                   f"({ours['reason']}): production may have a problem"))
    return found


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}
