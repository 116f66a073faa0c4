"""The production and recovery hosts, and the drift seeded between them.

Everything here is data. The drift tests assert exactly the differences written below, so the
two hosts share every value except the ones marked "seeded drift":

- /srv/mft is 256M with 96 MiB used on production, 64M with 8 MiB on recovery;
  /srv/archive exists on production only;
- recovery's `mftsvc` has uid 2002 (production 2001); recovery's `mftgrp` lacks `alice`;
  recovery has an extra user and group `tempadmin` (2999);
- the MFT listener on port 2222 runs on production only;
- recovery's firewall lacks the 203.0.113.0/24 -> 2222 rule and has an extra 8080 rule;
- recovery has no 198.51.100.22 (the translation of production's VIP 198.51.100.12);
- recovery's firewall rejects LDAPS (tcp/636) going out: nobody could log in after a takeover
  (the network checks' other seeded faults live in the services: see drverify.lab.services).

Both hosts resolve names with the lab's BIND (198.51.100.2).
"""

from __future__ import annotations

from dataclasses import dataclass

from drverify.lab.accounts import Group, User
from drverify.lab.firewall import FilterRuleset
from drverify.lab.nodes import BridgeSpec, Link, NodeSpec
from drverify.lab.sshd import MAIN_LISTENER, Listener


@dataclass(frozen=True)
class Tmpfs:
    """A sized tmpfs mounted inside a host, optionally holding `fill_mib` MiB of data."""

    path: str
    size: str
    fill_mib: int = 0

    @property
    def fill_file(self) -> str:
        """Where the filler data goes (written with dd, so the space is really used)."""
        return f"{self.path}/data/seed.bin"


@dataclass(frozen=True)
class HostSeed:
    """The state a host is seeded with beyond its node: accounts, disks, firewall, daemons."""

    users: tuple[User, ...]
    groups: tuple[Group, ...]
    tmpfs: tuple[Tmpfs, ...]
    firewall: FilterRuleset
    listeners: tuple[Listener, ...] = (MAIN_LISTENER,)
    nameservers: tuple[str, ...] = ()


@dataclass(frozen=True)
class HostSpec:
    """An SSH host of the lab: the node it lives in and the state it is seeded with."""

    node: NodeSpec
    seed: HostSeed


LAB_BRIDGE = BridgeSpec("drvbr0", "198.51.100.1/24")

MFT_LISTENER = Listener(2222, "/run/mft-sftpd/sshd_config", "/run/mft-sftpd/sshd.pid",
                        "/run/mft-sftpd/sshd.log", listen_address="0.0.0.0",
                        subsystem="sftp internal-sftp")

MFTSVC_HOME = "/srv/mft/home/mftsvc"
ALICE = User("alice", 2101, 2001, "/home/alice")
#: the unprivileged account drverify logs in as where root may not: reads as root through sudo
CHECK_USER = User("drvcheck", 2900, 2900, "/home/drvcheck", ssh_key=True)
CHECK_GROUP = Group("drvcheck", 2900)
CHECK_SUDOERS = "drvcheck ALL=(root) NOPASSWD: ALL\n"

_BASE_RULES = (
    "-i lo -j ACCEPT",
    "-m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT",
    "-p tcp --dport 22 -j ACCEPT",
)
_INTERNET_SFTP = "-s 203.0.113.0/24 -p tcp --dport 2222 -j ACCEPT"
_LAB_SFTP = "-s 198.51.100.0/24 -p tcp --dport 2222 -j ACCEPT"
_LDAPS_BLOCKED = "-p tcp --dport 636 -j REJECT --reject-with tcp-reset"
#: the lab's BIND (drverify.lab.dnsserver), every host's resolver
LAB_NAMESERVER = "198.51.100.2"

PRODUCTION = HostSpec(
    node=NodeSpec("production", "drv-prod", "mft-prod",
                  (Link(LAB_BRIDGE.name, ("198.51.100.10/24", "198.51.100.12/24")),)),
    seed=HostSeed(
        users=(User("mftsvc", 2001, 2001, MFTSVC_HOME), ALICE, CHECK_USER),
        groups=(Group("mftgrp", 2001, ("mftsvc", "alice")), CHECK_GROUP),
        tmpfs=(Tmpfs("/srv/mft", "256M", fill_mib=96), Tmpfs("/srv/archive", "64M")),
        firewall=FilterRuleset((*_BASE_RULES, _INTERNET_SFTP, _LAB_SFTP)),
        listeners=(MAIN_LISTENER, MFT_LISTENER),
        nameservers=(LAB_NAMESERVER,),
    ),
)

RECOVERY = HostSpec(
    node=NodeSpec("recovery", "drv-dr", "mft-dr", (Link(LAB_BRIDGE.name, ("198.51.100.20/24",)),)),
    seed=HostSeed(
        users=(User("mftsvc", 2002, 2001, MFTSVC_HOME), ALICE, CHECK_USER,
               User("tempadmin", 2999, 2999, "/home/tempadmin")),
        groups=(Group("mftgrp", 2001, ("mftsvc",)), CHECK_GROUP, Group("tempadmin", 2999)),
        tmpfs=(Tmpfs("/srv/mft", "64M", fill_mib=8),),
        firewall=FilterRuleset((*_BASE_RULES, _LAB_SFTP, "-p tcp --dport 8080 -j ACCEPT"),
                               output_rules=(_LDAPS_BLOCKED,)),
        nameservers=(LAB_NAMESERVER,),
    ),
)

DEFAULT_HOSTS = (PRODUCTION, RECOVERY)
DEFAULT_BRIDGES = (LAB_BRIDGE,)

# How production names map to recovery names, for the inventory's `translate` section.
PAIR_TRANSLATE = {
    "198.51.100.10": "198.51.100.20",
    "198.51.100.12": "198.51.100.22",
    "mft-prod": "mft-dr",
}
SERVICE_ACCOUNTS = ("mftsvc",)
SERVICE_GROUPS = ("mftgrp",)
