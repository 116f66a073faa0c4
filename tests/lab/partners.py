"""The partners' side of the lab's SFTP service: logins as a partner's client makes them, and the
server's own transfer log, shared by the MFT and failback lab tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import paramiko

from drverify.lab import Lab, mftservice


@contextmanager
def sftp(lab: Lab, address: str, user: str = "acme",
         password: str | None = None) -> Iterator[tuple[paramiko.SFTPClient, paramiko.PKey]]:
    """An SFTP session as a partner opens it (password login), with the key the server showed."""
    transport = paramiko.Transport((address, mftservice.PORT))
    try:
        transport.connect(username=user, password=password or mftservice.passwords(lab.state_dir)[user])
        client = paramiko.SFTPClient.from_transport(transport)
        yield client, transport.get_remote_server_key()
        client.close()
    finally:
        transport.close()


def transfer_log(lab: Lab, host: str) -> list[list[str]]:
    """The host's xferlog, one list of fields per line."""
    return [line.split() for line in lab.exec(host, ["cat", mftservice.TRANSFER_LOG]).stdout.splitlines()]
