"""Drift: pure comparisons of production's and recovery's facts, one module per area.

Each area module exposes ``compare(production, recovery, ctx) -> list[Drift]`` where the facts are
the plain data its :mod:`drverify.facts` module parsed, and ``SEVERITIES``, the severities it can
report (pytest markers select on them). No I/O here: everything is tested without hosts.
"""

from types import ModuleType

from drverify.drift import (
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
from drverify.drift.records import Context, Drift, Severity
from drverify.drift.translate import Translation

#: area name → comparison module; the same names as :data:`drverify.facts.AREAS`
COMPARATORS: dict[str, ModuleType] = {
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

__all__ = ["COMPARATORS", "Context", "Drift", "Severity", "Translation"]
