"""``paramiko://``: an in-process SSH client of drverify's own, with host keys enforced.

The client refuses unknown host keys (``RejectPolicy``; ``AutoAddPolicy`` only for
``strict_host_key_checking: accept-new``), sets TCP_NODELAY (without it paramiko stalls ~48 ms
per command) and a keepalive, and bounds every command in time. The user's ssh_config is read
with paramiko's public :meth:`paramiko.SSHConfig.lookup` for HostName, User, Port, IdentityFile
and ProxyCommand; nothing in it can weaken host-key checking. A connection that drops is never
reconnected behind the user's back: the areas still to come are unverified instead.
"""

from __future__ import annotations

import glob
import socket
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ContextManager

import paramiko

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.forward import paramiko_forward
from drverify.facts.transport.base import BaseTransport, decoded, describe_connect_error
from drverify.inventory.connection import Destination
from drverify.inventory.model import SshOptions

#: nested ``Include`` levels followed (ssh itself stops at 16)
MAX_INCLUDE_DEPTH = 16
#: seconds between keepalives: a partitioned network ends the session, not the run
KEEPALIVE = 5


@dataclass(frozen=True)
class Reach:
    """Where and as whom paramiko connects once the user's ssh_config is applied."""

    hostname: str
    port: int
    username: str | None
    key_filenames: tuple[str, ...]
    proxy_command: str | None


def resolve(destination: Destination, options: SshOptions) -> Reach:
    """The connection string's user and port win over the config's (as on ssh's command line);
    the inventory's identity file comes first, the config's IdentityFiles after it."""
    found = lookup(options.config, destination.host) if options.config else {}
    keys = [str(options.identity_file)] if options.identity_file else []
    keys += [str(Path(key).expanduser()) for key in found.get("identityfile", []) if str(key) not in keys]
    proxy = found.get("proxycommand")
    return Reach(
        hostname=found.get("hostname") or destination.host,
        port=destination.port or int(found.get("port", 22)),
        username=destination.user or found.get("user"),
        key_filenames=tuple(keys),
        proxy_command=None if proxy in (None, "none") else proxy,
    )


def lookup(path: Path, host: str, depth: int = 0) -> dict[str, Any]:
    """paramiko's lookup, following ``Include`` as ssh does (relative to ~/.ssh, globs allowed);
    paramiko itself does not. The first value read wins."""
    found: dict[str, Any] = dict(paramiko.SSHConfig.from_path(str(path)).lookup(host))
    includes = found.pop("include", None)
    if not includes or depth >= MAX_INCLUDE_DEPTH:
        return found
    for pattern in str(includes).split():
        target = Path(pattern).expanduser()
        target = target if target.is_absolute() else Path.home() / ".ssh" / target
        for included in sorted(glob.glob(str(target))):
            for key, value in lookup(Path(included), host, depth + 1).items():
                if key not in found or (key == "hostname" and found[key] == host):
                    found[key] = value
    return found


def open_client(reach: Reach, options: SshOptions) -> paramiko.SSHClient:
    """A connected client that refuses unknown host keys (``accept-new`` adds and saves them)."""
    client = paramiko.SSHClient()
    if options.known_hosts:
        client.load_host_keys(str(options.known_hosts))
    else:
        client.load_system_host_keys()
    accept_new = options.strict_host_key_checking == "accept-new"
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy() if accept_new else paramiko.RejectPolicy())
    sock = paramiko.ProxyCommand(reach.proxy_command) if reach.proxy_command \
        else fast_socket(reach.hostname, reach.port, options.connect_timeout)
    client.connect(reach.hostname, reach.port, reach.username, sock=sock,
                   key_filename=list(reach.key_filenames) or None, timeout=options.connect_timeout,
                   allow_agent=False, look_for_keys=not reach.key_filenames)
    client.get_transport().set_keepalive(KEEPALIVE)
    return client


def fast_socket(host: str, port: int, timeout: int) -> socket.socket:
    """TCP_NODELAY: without it each command stalls ~48 ms on delayed ACKs."""
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def exec_command(transport: paramiko.Transport, command: str, stdin: bytes | None, timeout: float) -> Output:
    """One command on its own channel, bounded in time."""
    channel = transport.open_session(timeout=timeout)
    with channel:
        channel.settimeout(timeout)
        channel.exec_command(command)
        if stdin:
            channel.sendall(stdin)
        channel.shutdown_write()
        stdout = b"".join(channel.makefile("rb"))
        stderr = b"".join(channel.makefile_stderr("rb"))
        rc = channel.recv_exit_status()
    return decoded(rc, stdout, stderr)


class ParamikoTransport(BaseTransport):
    """One paramiko client per host, connected on first use and never silently replaced."""

    def __init__(self, destination: Destination, options: SshOptions, sudo: bool, workdir: Path) -> None:
        super().__init__(destination, options, sudo, workdir)
        self._client: paramiko.SSHClient | None = None
        self._refused: str | None = None
        self._connect_lock = threading.Lock()

    def _transport(self) -> paramiko.Transport:
        """The connected transport; FactsUnavailable (the same reason each time) if there is none."""
        with self._connect_lock:
            if self._refused is None and self._client is None:
                try:
                    self._client = open_client(resolve(self.destination, self.options), self.options)
                except Exception as error:  # noqa: BLE001 - paramiko, socket and config errors alike
                    self._refused = f"cannot connect: {describe_connect_error(error)}"
            if self._refused is not None:
                raise FactsUnavailable(self._refused)
            transport = self._client.get_transport() if self._client is not None else None
            if transport is None or not transport.is_active():
                raise FactsUnavailable("cannot connect: the SSH connection was lost "
                                       "(drverify does not reconnect during a run)")
            return transport

    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        return exec_command(self._transport(), command, stdin, timeout)

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        """A local listener whose connections become direct-tcpip channels from the host."""
        return paramiko_forward(self._transport(), host, port, timeout)

    @property
    def address(self) -> str:
        """The peer this client is connected to; before connecting, the config's HostName."""
        transport = self._client.get_transport() if self._client is not None else None
        peer = transport.getpeername()[0] if transport is not None and transport.is_active() else None
        if isinstance(peer, str) and peer != "unknown":
            return peer
        return resolve(self.destination, self.options).hostname

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
