"""Network drift: addresses, routes and listeners, compared by what they are, not where they live.

Interfaces are named differently on each site (``eth0`` on production, ``ens3`` on recovery), so
addresses are matched by address (production's translated to the recovery site), not by interface.
Noise is left out before comparing:

- link-local addresses (``fe80::/10``, ``169.254.0.0/16``): each NIC makes its own;
- the kernel's own routes (``proto kernel``): they follow from the addresses, which are compared
  already, so a missing address is one record, not an address plus its subnet route;
- UDP sockets on ports in the host's ephemeral range: client sockets (a DHCP client's), whose
  port changes with every start;
- interfaces in ``ignore_interfaces`` (shell-style patterns) and ports in ``ignore_listeners``.

Listeners are keyed by protocol and port; the wildcard binds ``0.0.0.0``, ``[::]`` and ``*`` all
mean "every address", so a service on ``0.0.0.0:22`` and ``[::]:22`` is one listener.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.model import NetworkPolicy
from drverify.inventory.translate import Translation

SEVERITIES = (Severity.MAJOR, Severity.MINOR)

WILDCARDS = frozenset({"0.0.0.0", "::", "*"})
ALL = "*"


def compare(production: dict, recovery: dict, ctx: Context) -> list[Drift]:
    """Every network difference a takeover would notice, sorted by item."""
    policy = ctx.policy
    translate = ctx.translate
    records = [
        *_compare_addresses(production, recovery, policy, translate, ctx),
        *_compare_routes(production, recovery, policy, translate, ctx),
        *_compare_listeners(production, recovery, policy, translate, ctx),
    ]
    return sorted(records, key=lambda record: record.item)


def _ignored_interface(name: str | None, policy: NetworkPolicy) -> bool:
    return name is not None and any(fnmatchcase(name, p) for p in policy.ignore_interfaces)


def _link_local(address: str) -> bool:
    try:
        return ipaddress.ip_interface(address).ip.is_link_local
    except ValueError:
        return False


def _canonical(address: str) -> str:
    """One spelling per address (``2001:DB8::0:1`` and ``2001:db8::1`` are the same)."""
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return address


# -- addresses -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Address:
    prefix: int
    interface: str
    original: str  # as production has it, before translation


def _addresses(facts: Mapping[str, Any], policy: NetworkPolicy,
               translate: Translation | None = None) -> dict[str, _Address]:
    found: dict[str, _Address] = {}
    for interface, cidrs in facts.get("interfaces", {}).items():
        if _ignored_interface(interface, policy):
            continue
        for cidr in cidrs:
            address, _, prefix = cidr.partition("/")
            if _link_local(address):
                continue
            key = _canonical(translate.address(address) if translate else address)
            found[key] = _Address(int(prefix), interface, cidr)
    return found


def _compare_addresses(production: Mapping[str, Any], recovery: Mapping[str, Any],
                       policy: NetworkPolicy, translate: Translation, ctx: Context) -> list[Drift]:
    ours = _addresses(production, policy, translate)
    theirs = _addresses(recovery, policy)
    records = []
    for key in sorted(ours.keys() | theirs.keys()):
        mine, other = ours.get(key), theirs.get(key)
        item = f"address {key}"
        if other is None:
            expected = "" if mine.original.startswith(f"{key}/") else f", expected on recovery as {key}"
            records.append(ctx.drift(
                item, f"{key}/{mine.prefix}", None, Severity.MAJOR,
                f"production's {mine.original} on {mine.interface}{expected}, "
                "is on no interface of recovery"))
        elif mine is None:
            records.append(ctx.drift(
                item, None, f"{key}/{other.prefix}", Severity.MINOR,
                f"recovery has {key}/{other.prefix} on {other.interface}, production has no such address"))
        elif mine.prefix != other.prefix:
            records.append(ctx.drift(
                item, f"{key}/{mine.prefix}", f"{key}/{other.prefix}", Severity.MAJOR,
                f"{key} has prefix /{mine.prefix} on production ({mine.interface}) "
                f"but /{other.prefix} on recovery ({other.interface})"))
    return records


# -- routes --------------------------------------------------------------------------------------

def _route_key(route: Mapping[str, Any], translate: Translation | None) -> str:
    """``default via 198.51.100.1``, ``blackhole 203.0.113.0/24 table 100``: what it routes where.

    A link-local gateway (an IPv6 router found by advertisement) is each site's own: only the
    fact that the route goes through a link-local router is compared.
    """
    dst = translate.text(route["dst"]) if translate else route["dst"]
    gateways = [
        "a link-local router" if _link_local(gateway)
        else _canonical(translate.address(gateway) if translate else gateway)
        for gateway in route.get("gateways", [])
    ]
    kind = "" if route.get("type", "unicast") == "unicast" else f"{route['type']} "
    via = f" via {', '.join(sorted(gateways))}" if gateways else ""
    table = "" if route.get("table", "main") == "main" else f" table {route['table']}"
    return f"{kind}{dst}{via}{table}"


def _routes(facts: Mapping[str, Any], policy: NetworkPolicy,
            translate: Translation | None = None) -> dict[str, str | None]:
    """Configured routes by key, with their preferred source address (translated)."""
    found: dict[str, str | None] = {}
    for route in facts.get("routes", []):
        if route.get("protocol") == "kernel" or _ignored_interface(route.get("dev"), policy):
            continue
        if _link_local(route["dst"].split("/")[0]):
            continue
        src = route.get("src")
        found[_route_key(route, translate)] = (
            _canonical(translate.address(src)) if translate and src else src)
    return found


def _compare_routes(production: Mapping[str, Any], recovery: Mapping[str, Any],
                    policy: NetworkPolicy, translate: Translation, ctx: Context) -> list[Drift]:
    ours, theirs = _routes(production, policy, translate), _routes(recovery, policy)
    records = []
    for key in sorted(ours.keys() | theirs.keys()):
        item = f"route {key}"
        if key not in theirs:
            records.append(ctx.drift(item, key, None, Severity.MAJOR,
                                     f"recovery has no route {key}, which production has "
                                     "(its addresses as translated for recovery)"))
        elif key not in ours:
            records.append(ctx.drift(item, None, key, Severity.MINOR,
                                     f"recovery has route {key}, production has no such route"))
        elif ours[key] != theirs[key]:
            records.append(ctx.drift(
                item, f"{key} src {ours[key]}", f"{key} src {theirs[key]}", Severity.MAJOR,
                f"route {key} leaves from {ours[key] or 'the default source'} on production "
                f"but from {theirs[key] or 'the default source'} on recovery"))
    return records


# -- listeners -----------------------------------------------------------------------------------

@dataclass
class _Listener:
    binds: set[str] = field(default_factory=set)
    processes: set[str] = field(default_factory=set)

    def describe(self) -> str:
        where = ", ".join("all addresses" if b == ALL else b for b in sorted(self.binds))
        return f"{self.who()} on {where}"

    def who(self) -> str:
        return ", ".join(sorted(self.processes)) or "a process"


def _ephemeral(listener: Mapping[str, Any], ports: Iterable[int] | None) -> bool:
    low, high = ports or (0, -1)
    return listener["proto"] == "udp" and low <= listener["port"] <= high


def _listeners(facts: Mapping[str, Any], policy: NetworkPolicy,
               translate: Translation | None = None) -> dict[str, _Listener]:
    found: dict[str, _Listener] = {}
    for listener in facts.get("listeners", []):
        name = f"{listener['proto']}/{listener['port']}"
        address = listener["address"]
        if name in policy.ignore_listeners or _ephemeral(listener, facts.get("ephemeral_ports")):
            continue
        if _link_local(address):
            continue
        bind = ALL if address in WILDCARDS else _canonical(
            translate.address(address) if translate else address)
        entry = found.setdefault(name, _Listener())
        entry.binds.add(bind)
        entry.processes.update(listener.get("processes", []))
    return found


def _compare_listeners(production: Mapping[str, Any], recovery: Mapping[str, Any],
                       policy: NetworkPolicy, translate: Translation, ctx: Context) -> list[Drift]:
    ours, theirs = _listeners(production, policy, translate), _listeners(recovery, policy)
    records = []
    for name in sorted(ours.keys() | theirs.keys()):
        mine, other = ours.get(name), theirs.get(name)
        item = f"listener {name}"
        if other is None:
            records.append(ctx.drift(
                item, mine.describe(), None, Severity.MAJOR,
                f"{mine.who()} listens on {name} on production, nothing listens there on recovery"))
        elif mine is None:
            records.append(ctx.drift(
                item, None, other.describe(), Severity.MINOR,
                f"{other.who()} listens on {name} on recovery, nothing listens there on production"))
        else:
            records += _compare_listener(item, name, mine, other, ctx)
    return records


def _compare_listener(item: str, name: str, mine: _Listener, other: _Listener,
                      ctx: Context) -> list[Drift]:
    records = []
    unreachable = set() if ALL in other.binds else mine.binds - other.binds
    if unreachable or mine.binds != other.binds:
        severity = Severity.MAJOR if unreachable else Severity.MINOR
        records.append(ctx.drift(
            item, mine.describe(), other.describe(), severity,
            f"{name} is served by {mine.describe()} on production "
            f"but by {other.describe()} on recovery"))
    if mine.processes and other.processes and mine.processes != other.processes:
        records.append(ctx.drift(
            item, mine.who(), other.who(), Severity.MINOR,
            f"{name} is served by {mine.who()} on production but by {other.who()} on recovery"))
    return records
