"""The scale lab: N distinct production/recovery pairs, for measuring drverify at estate size.

``python -m drverify.lab up --pairs N`` builds 2N SSH hosts, each its own namespaces, /etc,
sized tmpfs volumes, firewall and sshd, on the lab bridge, with the default lab's *core* seeded
drift on every pair (disks, network, firewall, users: see :mod:`drverify.lab.hosts`), smaller
volumes so that 50 pairs fit in memory. No servers: the scale lab is for the core areas; the
default lab (``up`` without ``--pairs``) is the one with LDAP, DNS, proxies, SFTP and HAProxy.
It replaces the default lab (the same bridge, addresses and state directory): one lab at a time.

Addresses on 198.51.100.0/24 for pair ``i`` (0-based): production ``.10+i`` with its service
address ``.70+i``, recovery ``.130+i``; the translation names ``.190+i`` as recovery's service
address, which recovery lacks (seeded drift, as in the default lab).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from drverify.lab import clientfiles
from drverify.lab.handle import LabHandle
from drverify.lab.hosts import (
    LAB_BRIDGE,
    PRODUCTION,
    RECOVERY,
    SERVICE_ACCOUNTS,
    SERVICE_GROUPS,
    HostSpec,
    Tmpfs,
)
from drverify.lab.lab import DEFAULT_STATE_DIR, Lab
from drverify.lab.nodes import Link, NodeSpec

MAX_PAIRS = 60
#: /srv/mft: production 64M with 16 MiB used, recovery 16M with 4 MiB (recovery too small, as in
#: the default lab, at a quarter of the memory)
_VOLUMES = {"production": (Tmpfs("/srv/mft", "64M", fill_mib=16), Tmpfs("/srv/archive", "16M")),
            "recovery": (Tmpfs("/srv/mft", "16M", fill_mib=4),)}


def pair_name(index: int) -> str:
    return f"scale-{index + 1:03d}"


def _addresses(index: int) -> dict[str, str]:
    return {"production": f"198.51.100.{10 + index}", "service": f"198.51.100.{70 + index}",
            "recovery": f"198.51.100.{130 + index}", "recovery service": f"198.51.100.{190 + index}"}


def _host(base: HostSpec, role: str, index: int) -> HostSpec:
    """The default lab's host of ``role`` under pair ``index``'s names and addresses."""
    ours = _addresses(index)
    addresses = (f"{ours['production']}/24", f"{ours['service']}/24") if role == "production" else (f"{ours['recovery']}/24",)
    short = "p" if role == "production" else "r"
    node = NodeSpec(f"{role}-{index + 1:03d}", f"drv-{short}{index + 1:03d}", f"{base.node.hostname}-{index + 1:03d}",
                    (Link(LAB_BRIDGE.name, addresses),))
    return HostSpec(node, dataclasses.replace(base.seed, tmpfs=_VOLUMES[role], nameservers=()))


def scale_hosts(pairs: int) -> tuple[HostSpec, ...]:
    """2 x ``pairs`` hosts, production and recovery of each pair."""
    if not 1 <= pairs <= MAX_PAIRS:
        raise ValueError(f"--pairs must be between 1 and {MAX_PAIRS} (one /24 of addresses)")
    return tuple(_host(base, role, index) for index in range(pairs)
                 for base, role in ((PRODUCTION, "production"), (RECOVERY, "recovery")))


def inventory_pairs(pairs: int) -> list[dict[str, Any]]:
    """The inventory's pairs, over ssh:// (the transport an estate's nightly job uses)."""
    entries = []
    for index in range(pairs):
        ours = _addresses(index)
        entries.append({
            "name": pair_name(index),
            "production": f"ssh://root@{ours['production']}",
            "recovery": f"ssh://root@{ours['recovery']}",
            "translate": {ours["production"]: ours["recovery"], ours["service"]: ours["recovery service"],
                          f"mft-prod-{index + 1:03d}": f"mft-dr-{index + 1:03d}"},
            "service_accounts": list(SERVICE_ACCOUNTS),
            "service_groups": list(SERVICE_GROUPS),
            "policies": {"disks": {"default": "at_least_used", "headroom_percent": 20}},
        })
    return entries


def scale_lab(pairs: int, state_dir: Path | str = DEFAULT_STATE_DIR) -> Lab:
    """The lab of ``pairs`` pairs; ``up()`` also writes its inventory.yaml."""
    def write_inventory(lab: LabHandle) -> None:
        data = clientfiles.inventory_data(lab.state_dir, "", "")
        data["pairs"] = inventory_pairs(pairs)
        clientfiles.write_inventory(lab.state_dir / "inventory.yaml", data)
    return Lab(state_dir, scale_hosts(pairs), (), (LAB_BRIDGE,), (write_inventory,))
