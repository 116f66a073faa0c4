"""Egress drift: would partners accept transfers leaving the recovery site?

- recovery's proxy unreachable from recovery → CRITICAL (its own finding: nothing leaves at all);
- recovery's proxy cannot fetch the echo endpoint (refused credentials, upstream failure) →
  CRITICAL: transfers through it would fail the same way;
- recovery's egress address differs from production's and is not in ``allowed_addresses``
  (addresses or networks) → CRITICAL: partners' allowlists would reject every transfer. A
  different address that partners already allow is not drift: that is what the list is for.

Production is the reference (:func:`reference`): production's own proxy unreachable makes the
``proxy`` item unverified and nothing else is compared (the address is measured through it); its
proxy reachable but giving no address makes ``egress address`` unverified, and recovery's proxy
is still checked. Recovery's facts with no outcome at all (a snapshot made some other way) are
unverified too, never passed.
Proxies are shown as ``scheme://host:port`` only, whatever an old snapshot holds.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from drverify.drift.records import Context, Drift, Severity

PROXY, ADDRESS = "proxy", "egress address"


@dataclass(frozen=True)
class Address:
    """The egress address on both sides, and recovery's proxy (shown without userinfo)."""

    production: str
    recovery: str | None
    proxy: str


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    if not ctx.usable(PROXY):
        return []
    proxy = shown(recovery.get("proxy"))
    if "proxy_unreachable" in recovery:
        return [ctx.drift(PROXY, shown(production.get("proxy")), f"{proxy}: {recovery['proxy_unreachable']}",
                          Severity.CRITICAL, f"recovery cannot reach its forward proxy {proxy} "
                          f"({recovery['proxy_unreachable']}): no transfer to partners could leave", kind="proxy")]
    if not ctx.usable(ADDRESS):
        return []
    address = Address(production["egress"], recovery.get("egress"), proxy)
    if "echo_failed" in recovery:
        return [ctx.drift(ADDRESS, address.production, None, Severity.CRITICAL,
                          f"recovery's forward proxy {proxy} cannot fetch the echo endpoint "
                          f"({recovery['echo_failed']}): transfers through it would fail too", kind="echo")]
    if address.recovery is None:
        ctx.unverified(ADDRESS, "recovery", f"no egress address through {proxy} and no reason why "
                                            "(a snapshot made some other way?)")
        return []
    return _allowed(address, ctx)


def reference(production: Any, ctx: Context) -> dict[str, str]:
    """Production's proxy unreachable: ``proxy`` (and with it everything) has no reference;
    reachable but without an address: ``egress address`` has none."""
    if production.get("egress") is not None:
        return {}
    proxy = shown(production.get("proxy"))
    why = production.get("proxy_unreachable") or production.get("echo_failed") or \
        "no reason recorded: a snapshot made some other way?"
    reason = f"production's proxy {proxy} gives no egress address ({why}): nothing to compare recovery with"
    return {PROXY: reason} if "proxy_unreachable" in production else {ADDRESS: reason}


def _allowed(address: Address, ctx: Context) -> list[Drift]:
    """Recovery's address is production's, or one partners already allow; else CRITICAL."""
    allowed = ctx.policy.allowed_addresses
    if address.recovery == address.production or is_allowed(address.recovery, allowed):
        return []
    return [ctx.drift(ADDRESS, address.production, address.recovery, Severity.CRITICAL,
                      f"recovery's traffic leaves through {address.proxy} from {address.recovery}, production's from "
                      f"{address.production}; {address.recovery} is not in the partners' allowlist "
                      f"({', '.join(allowed) or 'empty'}): partners would reject every transfer", kind="address")]


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
