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

Addresses, routes and listeners are three parts: one a host could not read (``ss`` missing, say)
is unverified on that side (items ``addresses``, ``routes``, ``listeners``) with the host's
reason, and the other two are compared as usual.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any, TypeVar

from drverify.drift.parts import both
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.model import NetworkPolicy
from drverify.inventory.translate import Translation

WILDCARDS = frozenset({"0.0.0.0", "::", "*"})
ALL = "*"

T = TypeVar("T")


def compare(production: dict, recovery: dict, ctx: Context[NetworkPolicy]) -> list[Drift]:
    """Every network difference a takeover would notice, sorted by item; a part a side could
    not read is unverified on its own."""
    records: list[Drift] = []
    for item, key, comparison in (("addresses", "interfaces", _compare_addresses),
                                  ("routes", "routes", _compare_routes),
                                  ("listeners", "listeners", _compare_listeners)):
        if both(production, recovery, key, item, ctx) is not None:
            records += comparison(production, recovery, ctx)
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


def _keyed(production: Mapping[str, T], recovery: Mapping[str, T]) -> list[tuple[str, T | None, T | None]]:
    """Every key of either side, sorted, with each side's entry (None where it has none)."""
    return [(key, production.get(key), recovery.get(key))
            for key in sorted(production.keys() | recovery.keys())]


# -- addresses -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Address:
    prefix: int
    interface: str
    original: str  # as production has it, before translation

    def cidr(self, key: str) -> str:
        return f"{key}/{self.prefix}"


def _addresses(facts: Mapping[str, Any], policy: NetworkPolicy,
               translate: Translation | None = None) -> dict[str, _Address]:
    found: dict[str, _Address] = {}
    for interface, cidrs in facts["interfaces"].items():
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
                       ctx: Context[NetworkPolicy]) -> list[Drift]:
    sides = _addresses(production, ctx.policy, ctx.translate), _addresses(recovery, ctx.policy)
    return [record for key, *entries in _keyed(*sides)
            if (record := _address(key, *entries, ctx)) is not None]


def _address(key: str, production: _Address | None, recovery: _Address | None,
             ctx: Context[NetworkPolicy]) -> Drift | None:
    item = f"address {key}"
    if production is not None and recovery is None:
        expected = "" if production.original.startswith(f"{key}/") else f", expected on recovery as {key}"
        return ctx.drift(item, production.original, None, Severity.MAJOR,
                         f"production's {production.original} on {production.interface}{expected}, "
                         "is on no interface of recovery", kind="missing", translated=production.cidr(key))
    if production is None and recovery is not None:
        return ctx.drift(item, None, recovery.cidr(key), Severity.MINOR,
                         f"recovery has {recovery.cidr(key)} on {recovery.interface}, "
                         "production has no such address", kind="extra")
    if production is not None and recovery is not None and production.prefix != recovery.prefix:
        return ctx.drift(item, production.original, recovery.cidr(key), Severity.MAJOR,
                         f"{key} has prefix /{production.prefix} on production ({production.interface}) "
                         f"but /{recovery.prefix} on recovery ({recovery.interface})", translated=production.cidr(key))
    return None


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


@dataclass(frozen=True)
class _Route:
    """A configured route's preferred source address (translated), and the route as its own host
    has it: what the report shows under that host's name."""

    src: str | None
    own: str


def _routes(facts: Mapping[str, Any], policy: NetworkPolicy,
            translate: Translation | None = None) -> dict[str, _Route]:
    """Configured routes by key (translated), with their preferred source address."""
    found: dict[str, _Route] = {}
    for route in facts["routes"]:
        if route.get("protocol") == "kernel" or _ignored_interface(route.get("dev"), policy):
            continue
        if _link_local(route["dst"].split("/")[0]):
            continue
        src = route.get("src")
        own = _route_key(route, None) + (f" src {src}" if src else "")
        found[_route_key(route, translate)] = _Route(
            _canonical(translate.address(src)) if translate and src else src, own)
    return found


def _compare_routes(production: Mapping[str, Any], recovery: Mapping[str, Any],
                    ctx: Context[NetworkPolicy]) -> list[Drift]:
    production_routes = _routes(production, ctx.policy, ctx.translate)
    recovery_routes = _routes(recovery, ctx.policy)
    records = []
    for key in sorted(production_routes.keys() | recovery_routes.keys()):
        item = f"route {key}"
        if key not in recovery_routes:
            route = production_routes[key]
            records.append(ctx.drift(item, route.own, None, Severity.MAJOR,
                                     f"recovery has no route {key}, which production has "
                                     "(its addresses as translated for recovery)", kind="missing",
                                     translated=key + (f" src {route.src}" if route.src else "")))
        elif key not in production_routes:
            records.append(ctx.drift(item, None, recovery_routes[key].own, Severity.MINOR,
                                     f"recovery has route {key}, production has no such route", kind="extra"))
        elif production_routes[key].src != recovery_routes[key].src:
            sources = production_routes[key].src, recovery_routes[key].src
            records.append(ctx.drift(
                item, production_routes[key].own, recovery_routes[key].own, Severity.MAJOR,
                f"route {key} leaves from {sources[0] or 'the default source'} on production "
                f"but from {sources[1] or 'the default source'} on recovery", kind="source",
                translated=f"{key} src {sources[0]}" if sources[0] else key))
    return records


# -- listeners -----------------------------------------------------------------------------------

@dataclass
class _Listener:
    """``binds`` as compared (production's translated), ``own`` as the host has them."""

    binds: set[str] = field(default_factory=set)
    processes: set[str] = field(default_factory=set)
    own: set[str] = field(default_factory=set)

    def describe(self, binds: set[str] | None = None) -> str:
        where = ", ".join("all addresses" if b == ALL else b for b in sorted(self.binds if binds is None else binds))
        return f"{self.who()} on {where}"

    def own_description(self) -> str:
        """How the host itself has it: production's addresses before translation."""
        return self.describe(self.own)

    def who(self) -> str:
        return ", ".join(sorted(self.processes)) or "a process"


def _port_ranges(entries: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """``tcp/2222`` and ``udp/32768-60999`` as (low, high) ranges per protocol."""
    ranges: dict[str, list[tuple[int, int]]] = {}
    for entry in entries:
        proto, _, ports = entry.partition("/")
        low, _, high = ports.partition("-")
        ranges.setdefault(proto, []).append((int(low), int(high or low)))
    return ranges


def _in_ranges(listener: Mapping[str, Any], ranges: Mapping[str, list[tuple[int, int]]]) -> bool:
    return any(low <= listener["port"] <= high for low, high in ranges.get(listener["proto"], ()))


def _ephemeral(listener: Mapping[str, Any], ports: Iterable[int] | None) -> bool:
    low, high = ports or (0, -1)
    return listener["proto"] == "udp" and low <= listener["port"] <= high


def _listeners(facts: Mapping[str, Any], policy: NetworkPolicy,
               translate: Translation | None = None) -> dict[str, _Listener]:
    found: dict[str, _Listener] = {}
    ignored = _port_ranges(policy.ignore_listeners)
    for listener in facts["listeners"]:
        name = f"{listener['proto']}/{listener['port']}"
        address = listener["address"]
        if _in_ranges(listener, ignored) or _ephemeral(listener, facts.get("ephemeral_ports")):
            continue
        if _link_local(address):
            continue
        bind = ALL if address in WILDCARDS else _canonical(
            translate.address(address) if translate else address)
        entry = found.setdefault(name, _Listener())
        entry.binds.add(bind)
        entry.own.add(ALL if address in WILDCARDS else _canonical(address))
        entry.processes.update(listener.get("processes", []))
    return found


def _compare_listeners(production: Mapping[str, Any], recovery: Mapping[str, Any],
                       ctx: Context[NetworkPolicy]) -> list[Drift]:
    sides = _listeners(production, ctx.policy, ctx.translate), _listeners(recovery, ctx.policy)
    records: list[Drift] = []
    for name, *entries in _keyed(*sides):
        records += _listener(name, *entries, ctx)
    return records


def _listener(name: str, production: _Listener | None, recovery: _Listener | None,
              ctx: Context[NetworkPolicy]) -> list[Drift]:
    item = f"listener {name}"
    if recovery is None and production is not None:
        return [ctx.drift(item, production.own_description(), None, Severity.MAJOR,
                          f"{production.who()} listens on {name} on production, "
                          "nothing listens there on recovery", kind="missing", translated=production.describe())]
    if production is None and recovery is not None:
        return [ctx.drift(item, None, recovery.describe(), Severity.MINOR,
                          f"{recovery.who()} listens on {name} on recovery, "
                          "nothing listens there on production", kind="extra")]
    if production is None or recovery is None:
        return []
    return _served(item, name, production, recovery, ctx)


def _served(item: str, name: str, production: _Listener, recovery: _Listener,
            ctx: Context[NetworkPolicy]) -> list[Drift]:
    """A port both sides listen on: where, and by which processes."""
    records = []
    unreachable = set() if ALL in recovery.binds else production.binds - recovery.binds
    if unreachable or production.binds != recovery.binds:
        severity = Severity.MAJOR if unreachable else Severity.MINOR
        records.append(ctx.drift(
            item, production.own_description(), recovery.describe(), severity,
            f"{name} is served by {production.describe()} on production "
            f"but by {recovery.describe()} on recovery", kind="binds", translated=production.describe()))
    if production.processes and recovery.processes and production.processes != recovery.processes:
        records.append(ctx.drift(
            item, production.who(), recovery.who(), Severity.MINOR,
            f"{name} is served by {production.who()} on production but by {recovery.who()} on recovery",
            kind="processes"))
    return records
