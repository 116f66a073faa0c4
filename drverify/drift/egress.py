"""Egress drift: would partners accept transfers leaving the recovery site?

- recovery's proxy unreachable from recovery → CRITICAL (its own finding: nothing leaves at all);
- recovery's proxy cannot fetch the echo endpoint (refused credentials, upstream failure) →
  CRITICAL: transfers through it would fail the same way;
- recovery's egress address differs from production's and is not in ``allowed_addresses``
  (addresses or networks) → CRITICAL: partners' allowlists would reject every transfer. A
  different address that partners already allow is not drift: that is what the list is for.

Production's facts without an egress address (a snapshot made some other way) or recovery's with
no outcome at all raise :class:`~drverify.errors.FactsUnavailable`: unverified, never passed.
Proxies are shown as ``scheme://host:port`` only, whatever an old snapshot holds.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from drverify.drift.records import Context, Drift, Severity
from drverify.errors import FactsUnavailable

SEVERITIES = (Severity.CRITICAL,)


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    ours, theirs = production.get("egress"), recovery.get("egress")
    if ours is None:
        raise FactsUnavailable(f"production facts have no egress address through {shown(production.get('proxy'))}: "
                               "nothing to compare recovery with")
    proxy = shown(recovery.get("proxy"))
    if "proxy_unreachable" in recovery:
        return [ctx.drift("proxy", shown(production.get("proxy")), f"{proxy}: {recovery['proxy_unreachable']}",
                          Severity.CRITICAL, f"recovery cannot reach its forward proxy {proxy} "
                          f"({recovery['proxy_unreachable']}): no transfer to partners could leave")]
    if "echo_failed" in recovery:
        return [ctx.drift("egress address", ours, None, Severity.CRITICAL,
                          f"recovery's forward proxy {proxy} cannot fetch the echo endpoint "
                          f"({recovery['echo_failed']}): transfers through it would fail too")]
    if theirs is None:
        raise FactsUnavailable(f"recovery facts have no egress address through {proxy} and no reason why")
    allowed = ctx.policy.allowed_addresses
    if theirs == ours or is_allowed(theirs, allowed):
        return []
    return [ctx.drift("egress address", ours, theirs, Severity.CRITICAL,
                      f"recovery's traffic leaves through {proxy} from {theirs}, production's from {ours}; "
                      f"{theirs} is not in the partners' allowlist ({', '.join(allowed) or 'empty'}): "
                      "partners would reject every transfer")]


def shown(proxy: str | None) -> str:
    """``scheme://host:port`` of a proxy URL: a snapshot may predate dropping userinfo from facts."""
    try:
        parts = urlsplit(proxy if proxy and "://" in proxy else f"http://{proxy or ''}")
        host, port = parts.hostname, parts.port
    except ValueError:
        host = port = None
    if not host:
        return "an unknown proxy"
    return f"{parts.scheme or 'http'}://{f'[{host}]' if ':' in host else host}{f':{port}' if port else ''}"


def is_allowed(address: str, allowed: list[str]) -> bool:
    """True when the address is one of ``allowed`` or inside one of its networks."""
    ip = ipaddress.ip_address(address)
    for entry in allowed:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Items production has no usable answer for (none yet: see the comparison)."""
    return {}
