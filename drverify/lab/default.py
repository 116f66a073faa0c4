"""The composition root of the project's lab: hosts, the services and internet nodes, keys.

Kept out of :class:`~drverify.lab.lab.Lab`'s default arguments so that the servers and key
provisioners, which only know :class:`~drverify.lab.handle.LabHandle`, never import the class
that runs them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from drverify.lab import balancer, keys, mftservice, services
from drverify.lab.hosts import DEFAULT_BRIDGES, DEFAULT_HOSTS, HostSpec
from drverify.lab.lab import DEFAULT_STATE_DIR, Lab


def default_lab(state_dir: Path | str = DEFAULT_STATE_DIR, hosts: Sequence[HostSpec] = DEFAULT_HOSTS) -> Lab:
    """Production and recovery hosts with every seeded fault, the servers they use, their keys,
    the SFTP service on both and the load balancer in front of them (a third SSH host)."""
    return Lab(state_dir, (*hosts, balancer.BALANCER), services.NODES, DEFAULT_BRIDGES + services.BRIDGES,
               (services.provision, keys.provision, mftservice.provision, balancer.provision))
