"""Facts: what each host has, area by area, as plain JSON-able data (and snapshots of it).

One module per area, each a pure parser plus the shell commands it needs
(:mod:`drverify.facts.area`); :mod:`drverify.facts.collect` runs them all in one round trip
per host. ``AREAS`` is the explicit registry, in report order.
"""

from drverify.facts import (
    certificates,
    disks,
    dns,
    egress,
    firewall,
    ldap,
    network,
    pgp,
    reachability,
    ssh_hostkeys,
    tls,
    users,
)
from drverify.facts.area import CommandArea, FactError
from drverify.facts.hostfacts import HostFacts

AREAS: dict[str, object] = {
    "disks": disks,
    "network": network,
    "firewall": firewall,
    "users": users,
    "dns": dns,
    "ldap": ldap,
    "egress": egress,
    "reachability": reachability,
    "certificates": certificates,
    "tls": tls,
    "ssh_hostkeys": ssh_hostkeys,
    "pgp": pgp,
}

__all__ = ["AREAS", "CommandArea", "FactError", "HostFacts"]
