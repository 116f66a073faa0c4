"""Lab nodes: a network namespace wired to a lab bridge plus persistent mount and UTS namespaces.

A node is anything that needs its own addresses, hostname and filesystem view: the production
and recovery hosts today, a "services" or "internet" node later. Specs are plain data; the
functions here build one step of every node at a time, because the order of mount-namespace
creation decides what each node's mount table inherits (see `Lab.up`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from ipaddress import IPv4Interface, IPv4Network
from pathlib import Path

from drverify.lab import netns
from drverify.lab.errors import LabError

# Documentation ranges only (RFC 5737): the lab can never collide with or reach real networks.
ALLOWED_NETWORKS = (IPv4Network("198.51.100.0/24"), IPv4Network("203.0.113.0/24"))
# `down` removes every namespace named with NETNS_PREFIX and every root-namespace interface
# named with one of LINK_PREFIXES (veth ends are `<netns>-<n>`), and nothing else: other tools
# on the machine may use names like `drvrec-...`.
NETNS_PREFIX = "drv-"
LINK_PREFIXES = (NETNS_PREFIX, "drvbr")

OVERLAY_DIR = "/run/overlay/etc"
# (target, fstype, options), mounted in this order inside every node. /run first: it holds the
# /etc overlay's upper layer, so the overlay options read the same on every node.
BASE_MOUNTS: tuple[tuple[str, str, str], ...] = (
    ("/run", "tmpfs", "mode=0755,size=64M,nosuid,nodev"),
    ("/etc", "overlay", f"lowerdir=/etc,upperdir={OVERLAY_DIR}/upper,workdir={OVERLAY_DIR}/work"),
    ("/tmp", "tmpfs", "mode=1777,size=256M,nosuid,nodev"),
    ("/root", "tmpfs", "mode=0700,size=64M"),
    ("/home", "tmpfs", "mode=0755,size=256M"),
    ("/srv", "tmpfs", "mode=0755,size=1M"),
)


@dataclass(frozen=True)
class BridgeSpec:
    """A bridge in the root namespace; `address` (CIDR) is the root namespace's own address on it."""

    name: str
    address: str


@dataclass(frozen=True)
class Link:
    """One interface of a node on a lab bridge; the first address is the primary one."""

    bridge: str
    addresses: tuple[str, ...]
    ifname: str = "eth0"


@dataclass(frozen=True)
class NodeSpec:
    """What a node is: its names and links. Routes are `ip route add` arguments, never a default."""

    name: str
    netns: str
    hostname: str
    links: tuple[Link, ...]
    routes: tuple[str, ...] = ()

    def validate(self) -> None:
        """Raise LabError unless names fit the teardown prefixes and addresses stay in the lab."""
        if not self.netns.startswith(NETNS_PREFIX) or len(self.netns) > 12:
            raise LabError(f"node {self.name}: netns {self.netns!r} must start {NETNS_PREFIX!r}, <= 12 chars")
        for link in self.links:
            for address in link.addresses:
                _check_address(self.name, address)
        for route in self.routes:  # only routes into the lab's own ranges: nothing may leave
            destination = route.split()[0] if route.strip() else "default"
            if destination == "default":
                raise LabError(f"node {self.name}: no default route allowed (nothing may leave)")
            _check_address(self.name, destination)


def _check_address(node: str, address: str) -> None:
    """Raise LabError for a malformed address or one outside the documentation ranges."""
    try:
        network = IPv4Interface(address).network
    except ValueError as exc:
        raise LabError(f"node {node}: {exc}") from exc
    if not any(network.subnet_of(net) for net in ALLOWED_NETWORKS):
        raise LabError(f"node {node}: address {address} is outside 198.51.100.0/24 and 203.0.113.0/24")


@dataclass(frozen=True)
class Node:
    """A node as built under a state directory: where its namespace files are, how to enter it."""

    spec: NodeSpec
    state_dir: Path

    @property
    def name(self) -> str:
        """The node's role name, e.g. `production`."""
        return self.spec.name

    @property
    def address(self) -> str:
        """The primary IPv4 address (no prefix length): what SSH connects to."""
        return str(IPv4Interface(self.spec.links[0].addresses[0]).ip)

    @property
    def mnt_file(self) -> Path:
        """File whose bind mount keeps the node's mount namespace alive."""
        return self.state_dir / "ns" / f"{self.spec.netns}.mnt"

    @property
    def uts_file(self) -> Path:
        """File whose bind mount keeps the node's UTS namespace (hostname) alive."""
        return self.state_dir / "ns" / f"{self.spec.netns}.uts"

    def argv(self, argv: Sequence[str]) -> list[str]:
        """argv wrapped so it runs inside all of the node's namespaces."""
        return [*netns.nsenter_prefix(self.spec.netns, self.mnt_file, self.uts_file), *argv]

    def run(self, argv: Sequence[str], *, stdin: bytes | None = None, check: bool = True,
            timeout: float = 60.0) -> netns.Result:
        """Run argv inside the node with the fixed host environment; LabError if it fails."""
        return netns.run(self.argv(argv), stdin=stdin, check=check, timeout=timeout, env=netns.HOST_ENV)


def bridge_commands(bridges: Sequence[BridgeSpec]) -> list[str]:
    """`ip -batch` lines creating the bridges (no IPv6 link-local noise, STP off)."""
    lines = []
    for bridge in bridges:
        lines += [f"link add {bridge.name} type bridge stp_state 0 forward_delay 0",
                  f"link set dev {bridge.name} addrgenmode none",
                  f"addr add {bridge.address} dev {bridge.name}",
                  f"link set dev {bridge.name} up"]
    return lines


def veth_commands(spec: NodeSpec) -> list[str]:
    """`ip -batch` lines (root namespace) creating the node's veths, outer ends on their bridges.

    Inner ends get fixed ifindexes (2, 3, ...) and MACs derived from their primary address, so
    `ip -j addr` inside any node looks the same apart from the addresses themselves.
    """
    lines = []
    for index, link in enumerate(spec.links):
        outer = f"{spec.netns}-{index}"
        mac = "02:00:" + ":".join(f"{octet:02x}" for octet in IPv4Interface(link.addresses[0]).ip.packed)
        lines += [f"link add {outer} type veth peer name {link.ifname} netns {spec.netns} "
                  f"index {index + 2} address {mac}",
                  f"link set dev {outer} addrgenmode none",
                  f"link set dev {outer} master {link.bridge}",
                  f"link set dev {outer} up"]
    return lines


def inner_commands(spec: NodeSpec) -> list[str]:
    """`ip -batch` lines run inside the node's network namespace: loopback, addresses, routes."""
    lines = ["link set dev lo up"]
    for link in spec.links:
        lines.append(f"link set dev {link.ifname} addrgenmode none")
        lines += [f"addr add {address} dev {link.ifname}" for address in link.addresses]
        lines.append(f"link set dev {link.ifname} up")
    return lines + [f"route add {route}" for route in spec.routes]


def base_filesystem(node: Node) -> None:
    """Give the node its private /run, /etc (overlay), /tmp, /root, /home and /srv.

    First it detaches what it inherited under /run and the state directory (the other nodes'
    namespace files), so every node's mount table is the root one minus those, plus its own.
    """
    mountinfo = node.run(["cat", "/proc/self/mountinfo"]).stdout
    inherited = netns.topmost(netns.under(netns.mount_targets(mountinfo), ["/run", str(node.state_dir)]))
    if inherited:
        node.run(["umount", "--lazy", *inherited])
    for target, fstype, options in BASE_MOUNTS:
        node.run(["mount", "-t", fstype, "-o", options, fstype, target])
        if target == "/run":
            node.run(["mkdir", "-p", f"{OVERLAY_DIR}/upper", f"{OVERLAY_DIR}/work"])
