"""The lab's keys and certificates: a lab CA, TLS services, SFTP host keys, PGP keyrings.

Filled in by the keys-and-certificates work: ``provision(lab)`` places files and starts servers
on the hosts once they are up and records inventory keys in ``lab.pair_extra``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drverify.lab.lab import Lab


def provision(lab: Lab) -> None:
    """Place keys and start TLS services (nothing yet)."""
