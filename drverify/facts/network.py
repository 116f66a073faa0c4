"""Network facts: interface addresses, routes and listening sockets, as the kernel reports them.

``ip -j`` gives JSON for addresses and routes. ``ss`` has no JSON, so its listening sockets are read
from the fixed columns of ``ss -H -tulpn``; the one free-form column, the owning processes, comes
last. The host's ephemeral port range is collected too, because unconnected UDP client sockets
(a DHCP client's, a resolver's) show up as "listeners" on ports that change with every start.

Facts are what the host reports, noise included (link-local addresses, kernel routes): what is
worth comparing is decided in :mod:`drverify.drift.network`. Only the ``local`` routing table is
left out; it repeats every address of the host as a route of type local or broadcast.

Addresses (``ip-addr``), routes (``ip-route4`` and ``ip-route6``) and listeners (``ss`` and the
port range) are read as three parts: one whose command fails (``ss`` not installed, say) is left
out, its reason in ``errors`` (``{"listeners": "ss: command not found"}``), and the other two are
still compared (see :mod:`drverify.facts.parts`). ::

    {"interfaces": {"eth0": ["198.51.100.10/24", "2001:db8:1::10/64", "fe80::1809:e8ff:fe04:b780/64"],
                    "lo": ["127.0.0.1/8", "::1/128"]},
     "routes": [{"table": "main", "type": "unicast", "dst": "203.0.113.0/25",
                 "gateways": ["198.51.100.1"], "dev": "eth0", "protocol": "boot", "src": null,
                 "metric": null}, ...],
     "listeners": [{"proto": "tcp", "address": "0.0.0.0", "port": 2222, "interface": null,
                    "processes": ["sshd"]}, ...],
     "ephemeral_ports": [32768, 60999]}
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "network"

#: Route types that are the kernel's per-address bookkeeping, not routing configuration.
KERNEL_ROUTE_TYPES = frozenset({"local", "broadcast", "anycast", "multicast"})

_USER = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=\d+')


def commands(pair: Pair, role: str) -> dict[str, str]:
    """The same read-only commands on every host; nothing from the inventory reaches the shell."""
    return {
        "ip-addr": "ip -j addr show",
        "ip-route4": "ip -j -4 route show table all",
        "ip-route6": "ip -j -6 route show table all",
        "ss": "ss -H -tulpn",
        "port-range": "cat /proc/sys/net/ipv4/ip_local_port_range",
    }


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """All addresses by interface, routes of every table but ``local``, listeners, port range;
    a part that cannot be read is left out with its reason in ``errors``."""
    parts = Parts()
    facts: dict[str, Any] = {}
    interfaces = parts.read("interfaces", lambda: parse_addresses(require(outputs, "ip-addr")))
    routes = parts.read("routes", _all_routes, outputs)
    listeners = parts.read("listeners", _listening, outputs)
    if interfaces is not None:
        facts["interfaces"] = interfaces
    if routes is not None:
        facts["routes"] = routes
    if listeners is not None:
        facts["listeners"], facts["ephemeral_ports"] = listeners
    return parts.facts(facts)


def _all_routes(outputs: Mapping[str, Output]) -> list[dict[str, Any]]:
    """IPv4 and IPv6 routes: one part, since a route missing from it would read as drift."""
    return (parse_routes(require(outputs, "ip-route4"), "ip-route4")
            + parse_routes(require(outputs, "ip-route6"), "ip-route6"))


def _listening(outputs: Mapping[str, Output]) -> tuple[list[dict[str, Any]], list[int]]:
    """Listeners and the ephemeral port range that tells client sockets from listeners."""
    return (parse_listeners(require(outputs, "ss")),
            parse_port_range(require(outputs, "port-range")))


def _json_list(text: str, command: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text) if text.strip() else []
    except json.JSONDecodeError as error:
        raise FactError(f"{command}: output is not JSON ({error.msg})") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise FactError(f"{command}: expected a JSON list of objects")
    return data


def parse_addresses(text: str) -> dict[str, list[str]]:
    """``{"eth0": ["198.51.100.10/24", "2001:db8:1::10/64", ...]}`` from ``ip -j addr show``.

    IPv6 privacy (``temporary``) addresses are left out: they rotate by design. Every network
    namespace has ``lo``; output without it (empty, or cut short) would read as "no addresses"
    and is refused.
    """
    interfaces: dict[str, list[str]] = {}
    for link in _json_list(text, "ip-addr"):
        addresses = [
            f"{info['local']}/{info['prefixlen']}"
            for info in link.get("addr_info", [])
            if "local" in info and "prefixlen" in info and not info.get("temporary")
        ]
        interfaces[str(link.get("ifname", f"if{link.get('ifindex')}"))] = sorted(addresses)
    if "lo" not in interfaces:
        found = ", ".join(sorted(interfaces)) or "none"
        raise FactError(f"ip-addr: no loopback interface among the interfaces listed ({found}): "
                        "every host has lo, so the output is incomplete")
    return dict(sorted(interfaces.items()))


def parse_routes(text: str, command: str = "ip-route") -> list[dict[str, Any]]:
    """Routes of every table except ``local`` (which only repeats the host's own addresses)."""
    routes = [
        _route(route)
        for route in _json_list(text, command)
        if route.get("table") != "local" and route.get("type", "unicast") not in KERNEL_ROUTE_TYPES
    ]
    return sorted(routes, key=lambda route: (route["table"], route["dst"], route["gateways"]))


def _route(route: Mapping[str, Any]) -> dict[str, Any]:
    hops = route.get("nexthops") or [route]
    return {
        "table": str(route.get("table", "main")),
        "type": route.get("type", "unicast"),
        "dst": route.get("dst", "default"),
        "gateways": sorted(str(hop["gateway"]) for hop in hops if "gateway" in hop),
        "dev": route.get("dev") or hops[0].get("dev"),
        "protocol": route.get("protocol", "boot"),
        "src": route.get("prefsrc"),
        "metric": route.get("metric"),
    }


def parse_listeners(text: str) -> list[dict[str, Any]]:
    """Listening TCP and bound UDP sockets from ``ss -H -tulpn``, one entry per bind address.

    Sockets sharing a bind address (SO_REUSEPORT workers) are merged, their process names joined.
    No listener at all is refused: the host was reached over SSH, so sshd listens at least (empty
    output from a command that "succeeded" would otherwise read as "nothing listens").
    """
    merged: dict[tuple[str, str, int, str | None], set[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split(None, 6)
        if not fields or fields[0] == "Netid":
            continue
        if len(fields) < 6:
            raise FactError(f"ss: line {number} has {len(fields)} columns, expected 6 or 7")
        if fields[0] not in ("tcp", "udp"):
            raise FactError(f"ss: line {number}: {fields[0][:20]!r} is not tcp or udp (-tulpn asks for nothing else)")
        address, port, interface = parse_socket_address(fields[4], number)
        processes = _USER.findall(fields[6]) if len(fields) == 7 else []
        merged.setdefault((fields[0], address, port, interface), set()).update(processes)
    if not merged:
        raise FactError("ss: no listening socket at all, not even the sshd this check came in through")
    return [
        {"proto": proto, "address": address, "port": port, "interface": interface,
         "processes": sorted(names)}
        for (proto, address, port, interface), names in sorted(merged.items(), key=_listener_key)
    ]


def _listener_key(item: tuple[tuple[str, str, int, str | None], set[str]]) -> tuple[Any, ...]:
    (proto, address, port, interface), _ = item
    return (proto, port, address, interface or "")


def parse_socket_address(text: str, line: int = 0) -> tuple[str, int, str | None]:
    """``[fe80::1]%eth0:9000`` → ``("fe80::1", 9000, "eth0")``; ``*:22`` → ``("*", 22, None)``.

    iproute2 6.1 puts an IPv6 scope after the brackets; older versions put it inside them.
    """
    host, _, port = text.rpartition(":")
    if host.startswith("["):
        inside, _, scope = host[1:].partition("]")
        host = inside + scope
    host, _, interface = host.partition("%")
    if not port.isdigit() or not host or (host != "*" and not _is_address(host)):
        raise FactError(f"ss: line {line}: cannot read local address {text!r}")
    return host, int(port), interface or None


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def parse_port_range(text: str) -> list[int]:
    """``[32768, 60999]`` from ``/proc/sys/net/ipv4/ip_local_port_range``."""
    parts = text.split()
    if len(parts) != 2 or not all(part.isdigit() for part in parts):
        raise FactError(f"port-range: expected two port numbers, got {text.strip()!r}")
    return [int(parts[0]), int(parts[1])]
