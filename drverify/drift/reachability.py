"""Reachability drift: can recovery open connections to what the MFT host must reach?

- reachable from production, not from recovery → CRITICAL: every transfer to that partner (or
  every mail, every login) would fail after a takeover, which is what CRITICAL means here; the
  message carries the reason (refused, timed out, name does not resolve).

Production is the reference (:func:`reference`): an endpoint production itself cannot reach (the
partner is down, DNS is down) is unverified -- there is nothing to expect of recovery there --
and the other endpoints are still compared. An endpoint whose check either side could not read,
or that a side's facts lack (a snapshot older than the inventory), is unverified too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context, Drift, Severity


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    found = []
    for name in sorted(endpoint.name for endpoint in ctx.policy.endpoints):
        item = f"endpoint {name}"
        if not ctx.usable(item):
            continue
        production_check = ctx.listed(production, name, "production", item)
        recovery_check = ctx.listed(recovery, name, "recovery", item)
        if recovery_check is not None and "error" in recovery_check:
            ctx.unverified(item, "recovery", recovery_check["error"])
        elif production_check is not None and recovery_check is not None and not recovery_check["reachable"]:
            found.append(_lost(name, (production_check, recovery_check), ctx))
    return found


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Endpoints production cannot reach, or whose check on production could not be read."""
    unusable = {}
    for endpoint in ctx.policy.endpoints:
        check = production.get(endpoint.name)
        if check is None:
            continue  # the comparison records it as missing from the facts
        if "error" in check:
            unusable[f"endpoint {endpoint.name}"] = check["error"]
        elif not check["reachable"]:
            unusable[f"endpoint {endpoint.name}"] = (
                f"production cannot reach {endpoint.name} at {_where(check)} ({check['reason']}): "
                "nothing to compare recovery with")
    return unusable


def _lost(name: str, checks: tuple[Mapping[str, Any], Mapping[str, Any]], ctx: Context) -> Drift:
    """Reachable from production, not from recovery (``checks``: production's, recovery's)."""
    production, recovery = checks
    return ctx.moved(f"endpoint {name}", f"{_where(production)} reachable",
                     f"{_where(recovery)} unreachable: {recovery['reason']}", Severity.CRITICAL,
                     f"recovery cannot reach {name} at {_where(recovery)} ({recovery['reason']}) while "
                     f"production reaches {_where(production)}: connections to it would fail after a takeover",
                     kind="unreachable")


def _where(check: Mapping[str, Any]) -> str:
    return f"{check['host']}:{check['port']}"
