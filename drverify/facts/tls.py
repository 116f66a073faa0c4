"""Served certificates: the chain a partner's client is shown on each TLS port, with SNI.

Probed from the machine running pytest to the host's address (:attr:`Vantage.address`), which
is what a partner does: through the host's firewall and to the process really listening. For
explicit FTPS the client reads the 220 banner and sends ``AUTH TLS`` first.

A port that does not answer is recorded with its reason, the same way on either host: drift
judges what it means (production's port cannot be the reference; recovery's is drift). A
certificate `cryptography` cannot describe is ``unchecked``: drverify's limit, not the host's.

Facts::

    {"ports": {"990": {"name": "ftps", "protocol": "tls", "sni": "mft.example.test",
                       "chain": [{...leaf...}, {...intermediate...}], "verified": "ok"},
               "4443": {"name": "https", "protocol": "tls", "sni": null, "error": "connection refused"},
               "8443": {"name": null, "protocol": "tls", "sni": null, "unchecked": "unreadable ..."}}}
"""

from __future__ import annotations

import select
import socket
import time
from typing import Any

from OpenSSL import SSL, crypto

from drverify.errors import FactError
from drverify.facts.x509 import chain_status, describe, load_bundle
from drverify.inventory.keys import TlsPort
from drverify.inventory.model import Pair

NAME = "tls"
PROBES_FROM = "partner"


class ProbeFailed(Exception):
    """A port could not be probed; the message is the short reason."""


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    spec = pair.keys.tls
    trusted = load_bundle(spec.ca_bundle)
    ports: dict[str, Any] = {}
    for port in spec.ports:
        entry: dict[str, Any] = {"name": port.name, "protocol": port.protocol, "sni": port.sni}
        try:
            entry.update(served(fetch_chain(vantage.address, port, spec.timeout), trusted))
        except ProbeFailed as error:
            entry["error"] = str(error)
        except FactError as error:
            entry["unchecked"] = str(error)
        ports[str(port.port)] = entry
    return {"ports": ports}


def served(chain: list[crypto.X509], trusted: list[crypto.X509] | None) -> dict[str, Any]:
    """The presented chain as facts, and whether it builds to the CA bundle as presented."""
    if not chain:
        raise ProbeFailed("no certificate presented")
    return {"chain": [describe(cert) for cert in chain], "verified": chain_status(chain[0], chain[1:], trusted)}


def fetch_chain(address: str, port: TlsPort, timeout: float) -> list[crypto.X509]:
    """Connect as a partner would (SNI, AUTH TLS for explicit FTPS) and take the presented chain."""
    deadline = time.monotonic() + timeout
    with _connect(address, port.port, timeout) as sock:
        if port.protocol == "ftps-explicit":
            auth_tls(sock)
        context = SSL.Context(SSL.TLS_CLIENT_METHOD)
        context.set_verify(SSL.VERIFY_NONE, lambda *args: True)
        connection = SSL.Connection(context, sock)
        if port.sni:
            connection.set_tlsext_host_name(port.sni.encode("idna"))
        connection.set_connect_state()
        _handshake(connection, sock, deadline)
        return list(connection.get_peer_cert_chain() or [])


def _handshake(connection: SSL.Connection, sock: socket.socket, deadline: float) -> None:
    sock.setblocking(False)
    while True:
        try:
            connection.do_handshake()
            return
        except (SSL.WantReadError, SSL.WantWriteError):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not any(select.select([sock], [], [], remaining)):
                raise ProbeFailed("TLS handshake timed out") from None
        except SSL.Error as error:
            raise ProbeFailed(f"TLS handshake failed: {_ssl_reason(error)}") from None


def _ssl_reason(error: SSL.Error) -> str:
    if isinstance(error, SSL.SysCallError):
        return "connection closed by the server"
    details = [item[2] for item in (error.args[0] if error.args else []) if isinstance(item, tuple)]
    return "; ".join(details) or type(error).__name__


def ftp_reply(stream: Any) -> tuple[str, str]:
    """One FTP reply (multi-line ones included): its code and its last line."""
    line = stream.readline().decode("latin-1").rstrip("\r\n")
    if len(line) < 3 or not line[:3].isdigit():
        raise ProbeFailed(f"not an FTP server (it said {line[:40]!r})")
    code = line[:3]
    while not line.startswith(code + " "):  # a multi-line reply ends with "CODE text"
        line = stream.readline().decode("latin-1").rstrip("\r\n")
        if not line:
            raise ProbeFailed("the FTP server closed the connection")
    return code, line


def auth_tls(sock: socket.socket) -> None:
    """Explicit FTPS: banner, then ``AUTH TLS`` answered by 234 before the TLS handshake."""
    try:
        stream = sock.makefile("rb", buffering=0)
        code, line = ftp_reply(stream)
        if code != "220":
            raise ProbeFailed(f"FTP banner: {line}")
        sock.sendall(b"AUTH TLS\r\n")
        code, line = ftp_reply(stream)
    except TimeoutError:
        raise ProbeFailed("timed out waiting for the FTP server") from None
    except OSError as error:
        raise ProbeFailed(error.strerror or str(error)) from None
    if code != "234":
        raise ProbeFailed(f"AUTH TLS refused: {line}")


def _connect(address: str, port: int, timeout: float) -> socket.socket:
    try:
        sock = socket.create_connection((address, port), timeout=timeout)
    except ConnectionRefusedError:
        raise ProbeFailed("connection refused") from None
    except TimeoutError:
        raise ProbeFailed("timed out") from None
    except OSError as error:
        raise ProbeFailed(error.strerror or str(error)) from None
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock
