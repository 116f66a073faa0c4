"""Local TCP forwards through a host's SSH connection: probes then leave *from that host*.

Libraries that open their own sockets (dnspython, ldap3, requests) connect to 127.0.0.1:PORT;
the bytes travel inside the host's SSH connection and leave from the host's network position,
so firewalls, routes and proxies are the host's own. OpenSSH forwards through its ControlMaster
(``ssh -O forward``); paramiko through direct-tcpip channels pumped by a small thread.
A remote connect that fails shows up locally as an immediate EOF: callers learn *why* from a TCP
check run on the host itself (:meth:`drverify.facts.vantage.Vantage.reach`).
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from drverify.errors import FactsUnavailable

if TYPE_CHECKING:
    import paramiko


def free_local_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _bracket(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@contextlib.contextmanager
def openssh_forward(ssh_argv: Callable[..., list[str]], host: str, port: int) -> Iterator[tuple[str, int]]:
    """A forward added to (and removed from) the running ControlMaster.

    ``ssh_argv(*options)`` is the whole ssh command line for those options, ending with ``--``
    and the destination.
    """
    local = free_local_port()
    spec = f"127.0.0.1:{local}:{_bracket(host)}:{port}"
    added = subprocess.run(ssh_argv("-O", "forward", "-L", spec),
                           capture_output=True, text=True, timeout=30, check=False)
    if added.returncode != 0:
        why = (added.stderr.strip().splitlines() or [f"ssh exit status {added.returncode}"])[-1]
        raise FactsUnavailable(f"cannot forward to {host}:{port}: {why}")
    try:
        yield "127.0.0.1", local
    finally:
        subprocess.run(ssh_argv("-O", "cancel", "-L", spec), capture_output=True, timeout=30, check=False)


@contextlib.contextmanager
def paramiko_forward(transport: paramiko.Transport, host: str, port: int,
                     timeout: float) -> Iterator[tuple[str, int]]:
    """A local listener whose every connection becomes a direct-tcpip channel to host:port."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    thread = threading.Thread(target=_accept_loop, args=(listener, transport, host, port, timeout, stop),
                              daemon=True, name=f"drverify-forward-{host}:{port}")
    thread.start()
    try:
        yield "127.0.0.1", int(listener.getsockname()[1])
    finally:
        stop.set()
        listener.close()
        thread.join(timeout=2)


def _accept_loop(listener: socket.socket, transport: paramiko.Transport, host: str, port: int,
                 timeout: float, stop: threading.Event) -> None:
    try:
        listener.settimeout(0.2)
    except OSError:
        return  # closed before this thread started
    while not stop.is_set():
        try:
            client, peer = listener.accept()
        except TimeoutError:
            continue
        except OSError:
            return
        threading.Thread(target=_serve, args=(client, peer, transport, host, port, timeout, stop),
                         daemon=True).start()


def _serve(client: socket.socket, peer: tuple[str, int], transport: paramiko.Transport, host: str,
           port: int, timeout: float, stop: threading.Event) -> None:
    from paramiko import SSHException  # loaded already: only a paramiko transport gets here

    try:
        channel = transport.open_channel("direct-tcpip", (host, port), peer, timeout=timeout)
    except (SSHException, OSError):
        client.close()
        return
    _pump(client, channel, stop)


def _pump(client: socket.socket, channel: paramiko.Channel, stop: threading.Event) -> None:
    """Copy bytes both ways until either side closes; bounded by the run's stop event."""
    with selectors.DefaultSelector() as selector, contextlib.closing(client), contextlib.closing(channel):
        selector.register(client, selectors.EVENT_READ, channel)
        selector.register(channel, selectors.EVENT_READ, client)
        while not stop.is_set():
            for key, _ in selector.select(timeout=0.5):
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)
