"""The inventory schema: pairs of production and recovery hosts, expected differences, policies.

Pydantic models with ``extra="forbid"``: an unknown key is a mistake (a typo in a policy would
otherwise silently keep the default), and every error carries the key path it was found at.
"""

from __future__ import annotations

import functools
import ipaddress
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from drverify.inventory.base import Name, Strict, no_password_in_url
from drverify.inventory.base import resolve_path as _resolve
from drverify.inventory.connection import parse_connection_string
from drverify.inventory.keys import KeyChecks
from drverify.inventory.mft import LoadBalancerChecks, MftChecks
from drverify.inventory.network import NetworkChecks
from drverify.inventory.shown import quoted
from drverify.inventory.translate import Translation

#: the two sides of every pair, in report order
ROLES = ("production", "recovery")

#: Filesystems that describe the kernel, not data a recovery host must hold.
PSEUDO_FSTYPES = ("autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs", "debugfs",
                  "devpts", "devtmpfs", "efivarfs", "fusectl", "hugetlbfs", "mqueue", "nsfs",
                  "proc", "pstore", "rpc_pipefs", "securityfs", "sysfs", "tracefs", "fuse.lxcfs",
                  "fuse.gvfsd-fuse", "fuse.portal", "overlay", "squashfs", "ramfs")

SizePolicy = Literal["equal", "at_least", "at_least_used"]


class SshOptions(Strict):
    """How to reach a host over SSH; host-key checking stays on (``yes`` or ``accept-new`` only)."""

    config: Path | None = None
    identity_file: Path | None = None
    known_hosts: Path | None = None
    strict_host_key_checking: Literal["yes", "accept-new"] = "yes"
    connect_timeout: int = Field(10, ge=1, le=300)

    _paths = field_validator("config", "identity_file", "known_hosts")(_resolve)


class HostSpec(Strict):
    """A live host (connection string ``scheme://[user@]host[:port]``) or a snapshot of its facts."""

    host: str | None = None
    snapshot: Path | None = None
    ssh: SshOptions | None = None
    sudo: bool = False

    _paths = field_validator("snapshot")(_resolve)

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"host": value} if isinstance(value, str) else value

    @field_validator("host")
    @classmethod
    def _connection_string(cls, value: str | None) -> str | None:
        """A known backend and a host that cannot turn into an option; no query parameters that
        would bypass the inventory's ``ssh:`` options or ``sudo:``."""
        if value is None:
            return None
        no_password_in_url(value)
        parse_connection_string(value)
        return value

    @model_validator(mode="after")
    def _one_source(self) -> HostSpec:
        if (self.host is None) == (self.snapshot is None):
            raise ValueError("expected exactly one of 'host' (a connection string) or 'snapshot'")
        return self

    @property
    def label(self) -> str:
        """What the report calls this host: its connection string, or the snapshot it came from."""
        return self.host if self.host is not None else f"snapshot:{self.snapshot}"


class DiskPolicy(Strict):
    """Per mount, how large recovery must be: ``equal``, ``at_least`` production's size, or
    ``at_least_used`` = production's used bytes plus ``headroom_percent``."""

    default: SizePolicy = "at_least_used"
    headroom_percent: float = Field(10.0, ge=0, le=1000)
    mounts: dict[str, SizePolicy] = {}
    #: mount points (globs allowed) not compared; per-login and per-service runtime tmpfs by default
    ignore_mounts: list[str] = ["/run/user/*", "/run/credentials/*"]
    ignore_fstypes: list[str] = list(PSEUDO_FSTYPES)
    #: mount points (globs, matched like ``ignore_mounts``) whose size is expected to be unreadable
    #: (a bind or FUSE mount the check account cannot statfs): their size is not compared, instead
    #: of being reported unverified; their existence still is
    ignore_unreadable: list[str] = []


class SizingPolicy(Strict):
    """CPU count and memory: ``equal``, ``at_least`` production's, or ``at_least_used`` (its load
    average or used memory plus ``headroom_percent``), since a smaller host can be deliberate."""

    cpu: SizePolicy = "at_least"
    memory: SizePolicy = "at_least"
    headroom_percent: float = Field(10.0, ge=0, le=1000)


class NetworkPolicy(Strict):
    ignore_interfaces: list[str] = ["lo"]
    #: listeners not compared, as ``tcp/2222``, ``udp/68`` or a range ``tcp/32768-60999``
    ignore_listeners: list[Annotated[str, Field(pattern=r"^(tcp|udp)/\d{1,5}(-\d{1,5})?$")]] = []


class FirewallPolicy(Strict):
    #: chains not compared, as ``TABLE/CHAIN`` (``filter/DOCKER``) or nft ``FAMILY TABLE/CHAIN``
    ignore_chains: list[str] = []


class UsersPolicy(Strict):
    ignore_users: list[str] = []
    ignore_groups: list[str] = []
    compare_passwords: bool = True  # false: /etc/shadow is not even read


class Policies(Strict):
    disks: DiskPolicy = DiskPolicy()
    sizing: SizingPolicy = SizingPolicy()
    network: NetworkPolicy = NetworkPolicy()
    firewall: FirewallPolicy = FirewallPolicy()
    users: UsersPolicy = UsersPolicy()


class PairFields(Strict):
    """What a pair and the inventory's ``defaults`` may both set."""

    ssh: SshOptions | None = None
    sudo: bool = False
    translate: dict[str, str] = {}
    service_accounts: list[Name] = []
    service_groups: list[Name] = []
    policies: Policies = Policies()
    #: probes run from each host's own network position (DNS, LDAP, proxy egress, endpoints)
    network: NetworkChecks = NetworkChecks()
    #: certificates, served TLS chains, SSH host keys and PGP keyrings
    keys: KeyChecks = KeyChecks()
    #: the MFT service itself: configuration exports, software, failback state
    mft: MftChecks | None = None
    load_balancer: LoadBalancerChecks | None = None
    #: takeover: recovery is compared with production (the reference); failback: the way back,
    #: recovery being the reference (overridden by ``--direction``)
    direction: Literal["takeover", "failback"] = "takeover"


    @field_validator("translate")
    @classmethod
    def _translatable(cls, mapping: dict[str, str]) -> dict[str, str]:
        for source, target in mapping.items():
            problem = translation_problem(str(source), str(target))
            if problem:
                raise ValueError(f"{quoted(str(source))} -> {quoted(str(target))}: {problem}")
        return mapping


@functools.lru_cache(maxsize=1024)
def _cached_translation(items: tuple[tuple[str, str], ...]) -> Translation:
    return Translation(dict(items))


def _translation(mapping: dict[str, str]) -> Translation:
    """Translations are built once per distinct map: compiling the name pattern is not free."""
    return _cached_translation(tuple(mapping.items()))


_PLURAL = {"address": "addresses", "network": "networks", "name": "names",
           "invalid network": "valid networks"}


def translation_problem(source: str, target: str) -> str | None:
    """Why a translation entry cannot work, or None: both sides must be of one kind (address,
    network of the same prefix length, or name), or mapped values would fall outside the target."""
    if any(not text.strip() or text != text.strip() or not text.isprintable() for text in (source, target)):
        return ("expected an address, network or name on both sides, without surrounding spaces or "
                "control characters (an empty name would match at every word boundary)")
    kinds = [_kind(source), _kind(target)]
    if kinds[0][0] != kinds[1][0]:
        return f"expected both sides to be {_PLURAL[kinds[0][0]]} (got {kinds[0][0]} and {kinds[1][0]})"
    if kinds[0][1] != kinds[1][1]:
        return f"expected the same {'prefix length' if kinds[0][0] == 'network' else 'IP version'} on both sides"
    return None


def _kind(text: str) -> tuple[str, object]:
    try:
        address = ipaddress.ip_address(text)
        return "address", address.version
    except ValueError:
        pass
    if "/" in text:
        try:
            network = ipaddress.ip_network(text, strict=True)
        except ValueError:
            return "invalid network", None
        return "network", (network.version, network.prefixlen)
    return "name", None


class Pair(PairFields):
    """A production host and the recovery host meant to take over from it."""

    name: Name
    production: HostSpec
    recovery: HostSpec

    def host(self, role: str) -> HostSpec:
        """The side playing ``role`` (``production`` or ``recovery``)."""
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        return self.production if role == "production" else self.recovery

    def translation(self, role: str = "recovery") -> Translation:
        """How production's addresses and names read on ``role``'s side: the pair's map on
        recovery, the identity on production (inventory values are written as production sees them)."""
        return _translation(self.translate if role == "recovery" else {})

    def back_translation(self) -> Translation:
        """Recovery's addresses and names as production's: the map of the way back."""
        return _translation(self.translate).inverse()


class Inventory(Strict):
    version: Literal[1] = 1
    defaults: PairFields = PairFields()
    pairs: list[Pair] = Field(min_length=1)

    @field_validator("pairs")
    @classmethod
    def _unique_names(cls, pairs: list[Pair]) -> list[Pair]:
        seen: set[str] = set()
        for pair in pairs:
            if pair.name in seen:
                raise ValueError(f"pair names must be unique: {quoted(pair.name)} appears twice")
            seen.add(pair.name)
        return pairs

    def pair(self, name: str) -> Pair:
        """A pair by name (every check asks: a dict, not a scan of thousands of pairs)."""
        return self._by_name[name]

    @functools.cached_property
    def _by_name(self) -> dict[str, Pair]:
        return {pair.name: pair for pair in self.pairs}
