"""A small SSH server on a loopback port, in-process: both of drverify's SSH clients against it.

It accepts one client key, runs each exec request with ``sh -c`` on this machine (stdin
included) and serves direct-tcpip channels (what forwards are made of). Enough to exercise the
OpenSSH and paramiko transports for real, with host-key checking, and no sshd or network.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import subprocess
import threading
from pathlib import Path

import paramiko


class Host(paramiko.ServerInterface):
    """The server side of one connection's requests."""

    def __init__(self, client_key: paramiko.PKey) -> None:
        self.client_key = client_key
        self.destinations: dict[int, tuple[str, int]] = {}

    def get_allowed_auths(self, username: str) -> str:
        return "publickey"

    def check_auth_publickey(self, username: str, key: paramiko.PKey) -> int:
        return paramiko.AUTH_SUCCESSFUL if key == self.client_key else paramiko.AUTH_FAILED

    def check_channel_request(self, kind: str, chanid: int) -> int:
        return paramiko.OPEN_SUCCEEDED if kind == "session" else paramiko.OPEN_FAILED_ADMINISTRATIVELY_PROHIBITED

    def check_channel_direct_tcpip_request(self, chanid: int, origin, destination) -> int:
        self.destinations[chanid] = destination
        return paramiko.OPEN_SUCCEEDED

    def check_channel_exec_request(self, channel: paramiko.Channel, command: bytes) -> bool:
        threading.Thread(target=_execute, args=(channel, command.decode()), daemon=True).start()
        return True


def _execute(channel: paramiko.Channel, command: str) -> None:
    stdin = b"".join(iter(lambda: channel.recv(65536), b""))
    done = subprocess.run(["sh", "-c", command], input=stdin, capture_output=True, check=False)
    channel.sendall(done.stdout)
    channel.sendall_stderr(done.stderr)
    channel.send_exit_status(done.returncode)
    channel.close()


def _pump(channel: paramiko.Channel, destination: tuple[str, int]) -> None:
    with contextlib.closing(channel), socket.create_connection(destination, timeout=5) as target, \
            selectors.DefaultSelector() as selector:
        selector.register(channel, selectors.EVENT_READ, target)
        selector.register(target, selectors.EVENT_READ, channel)
        while True:
            for key, _ in selector.select(timeout=5):
                data = key.fileobj.recv(65536)
                if not data:
                    return
                key.data.sendall(data)


class Server:
    """Listens on 127.0.0.1; ``sessions`` are the SSH connections it accepted."""

    def __init__(self, tmp_path: Path) -> None:
        self.host_key = paramiko.ECDSAKey.generate()
        client_key = paramiko.ECDSAKey.generate()
        self.identity = tmp_path / "id_ecdsa"
        client_key.write_private_key_file(str(self.identity))
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sessions: list[paramiko.Transport] = []
        self._client_key = client_key
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                sock, _ = self.listener.accept()
            except OSError:
                return
            session = paramiko.Transport(sock)
            session.add_server_key(self.host_key)
            self.sessions.append(session)
            host = Host(self._client_key)
            try:
                session.start_server(server=host)
            except (paramiko.SSHException, EOFError):
                session.close()
                continue
            threading.Thread(target=self._forwards, args=(session, host), daemon=True).start()

    @staticmethod
    def _forwards(session: paramiko.Transport, host: Host) -> None:
        """Accepted channels: direct-tcpip ones are connected to their destination."""
        while session.is_active():
            channel = session.accept(timeout=0.5)
            if channel is not None and channel.get_id() in host.destinations:
                threading.Thread(target=_pump, args=(channel, host.destinations[channel.get_id()]),
                                 daemon=True).start()

    def known_hosts_line(self, key: paramiko.PKey | None = None) -> str:
        key = key or self.host_key
        return f"[127.0.0.1]:{self.port} {key.get_name()} {key.get_base64()}\n"

    def close(self) -> None:
        self.listener.close()
        for session in self.sessions:
            session.close()


@contextlib.contextmanager
def echo_server():
    """A TCP service on 127.0.0.1 that sends back what it receives: a forward's destination."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = listener.accept()
                with conn:
                    conn.sendall(conn.recv(1024))

    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
