"""The lab's network services: DNS, LDAP, forward proxies and an "internet" (issue: network checks).

Filled in by the network-checks work: ``NODES``/``BRIDGES`` add namespaces, ``provision(lab)``
starts the servers once the hosts are up and records inventory keys in ``lab.pair_extra``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from drverify.lab.nodes import BridgeSpec, NodeSpec

if TYPE_CHECKING:
    from drverify.lab.lab import Lab

NODES: tuple[NodeSpec, ...] = ()
BRIDGES: tuple[BridgeSpec, ...] = ()


def provision(lab: Lab) -> None:
    """Start the services (nothing yet)."""
