"""Reach a host once, with host-key checking on and one reused connection: one class per backend.

:func:`connect` picks the class by the connection string's scheme, once, from :data:`TRANSPORTS`.
``ssh://`` and ``paramiko://`` are drverify's own clients (:mod:`.openssh`, :mod:`.paramiko_ssh`),
``local://`` runs ``sh -c`` here, every other pytest-testinfra backend goes through testinfra's
public API. What they share (round trips, ``sudo -n``, the remote timeout, turning failures into
``FactsUnavailable``) is written once in :class:`~.base.BaseTransport`. paramiko and testinfra are
imported when a host is reached through them (:mod:`drverify.deferred`): ``ssh://`` loads neither.
"""

from __future__ import annotations

from pathlib import Path

from drverify.deferred import Deferred
from drverify.errors import FactsUnavailable
from drverify.facts.transport.base import RUN_TIMEOUT, BaseTransport, Transport, describe_connect_error
from drverify.facts.transport.local import LocalTransport
from drverify.facts.transport.openssh import SshTransport
from drverify.inventory.connection import BACKENDS, parse_connection_string
from drverify.inventory.model import SshOptions

#: the transport class for each scheme. testinfra's ``safe-ssh`` exists so that a remote exit
#: status 255 is not taken for ssh's own failure; drverify's scripts report each command's status
#: inside their output, so here it is plain ``ssh``.
TRANSPORTS: dict[str, type[BaseTransport] | Deferred] = {
    **dict.fromkeys(BACKENDS, Deferred("drverify.facts.transport.testinfra_backend", "TestinfraTransport")),
    "ssh": SshTransport,
    "safe-ssh": SshTransport,
    "paramiko": Deferred("drverify.facts.transport.paramiko_ssh", "ParamikoTransport"),
    "local": LocalTransport,
}


def connect(spec: str, options: SshOptions, sudo: bool, workdir: Path) -> Transport:
    """The transport for the connection string ``spec``; it connects on first use."""
    try:
        destination = parse_connection_string(spec)
    except ValueError as error:
        raise FactsUnavailable(f"cannot connect: {error}") from None
    return TRANSPORTS[destination.scheme](destination, options, sudo, workdir)


__all__ = ["RUN_TIMEOUT", "TRANSPORTS", "LocalTransport", "SshTransport", "Transport", "connect",
           "describe_connect_error"]
