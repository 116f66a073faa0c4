"""A host as a vantage point: network probes that originate from the host under test.

"Does it work *from this host*?" is the only question that matters for a takeover, so the
network and key areas never probe from the machine running pytest unless they mean to see the
host as a partner does. A :class:`Vantage` offers three things over the host's one connection:
batched commands, TCP reachability checks made by the host itself (with the reason a connection
failed), and local forwards for protocol libraries (dnspython, ldap3, requests).
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, ContextManager

from drverify.errors import FactError
from drverify.facts.batch import Output, run_batch

if TYPE_CHECKING:
    from drverify.facts.transport import Transport

#: what bash prints when /dev/tcp cannot connect, and what it means for a person
_CONNECT_FAILURES = {
    "connection refused": "connection refused",
    "no route to host": "no route to host",
    "network is unreachable": "network unreachable",
    "connection timed out": "timed out",
    "name or service not known": "name does not resolve",
    "temporary failure in name resolution": "name does not resolve",
}




class Vantage:
    """Probe the network from one side of a pair, through that host's connection (its transport)."""

    def __init__(self, connection: Transport, role: str, label: str, run_dir: Path | None = None) -> None:
        self.connection = connection
        self.role = role
        self.label = label
        #: the collection run's working directory: what probes may share within one run (a
        #: third host both sides read, the load balancer), and never across runs
        self.run_dir = run_dir

    @property
    def address(self) -> str:
        """The host's address as this machine reaches it: for probes made as a partner would."""
        return self.connection.address

    def run(self, commands: Mapping[str, str], timeout: int = 20) -> dict[str, Output]:
        """Run named commands on the host in one round trip (see :mod:`drverify.facts.batch`)."""
        return run_batch(self.connection, commands, timeout)

    def reach(self, endpoints: Iterable[tuple[str, int]], timeout: float = 3.0) -> dict[tuple[str, int], str | None]:
        """For each (host, port): ``None`` if the host can open a TCP connection, else why not."""
        targets = sorted(set(endpoints))
        if not targets:
            return {}
        commands = {str(index): tcp_check_command(host, port) for index, (host, port) in enumerate(targets)}
        outputs = self.run(commands, timeout=max(1, int(timeout + 0.999)))
        return {target: connect_failure(outputs.get(str(index))) for index, target in enumerate(targets)}

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        """A local (address, port) whose connections leave from the host to host:port."""
        return self.connection.forward(host, port, timeout)


def tcp_check_command(host: str, port: int) -> str:
    """bash opens the connection itself: no netcat or python needed on the host."""
    return f"exec bash -c 'exec 3<>\"/dev/tcp/$1/$2\"' drverify {shlex.quote(host)} {int(port)} 2>&1"


def connect_failure(output: Output | None) -> str | None:
    """``None`` when the connection opened; else a short reason ("connection refused")."""
    if output is None:
        raise FactError("a reachability check returned nothing")
    if output.rc == 0:
        return None
    if output.rc == 124:
        return "timed out"
    if output.rc == 127:
        raise FactError("bash is needed on the host for reachability checks: command not found")
    text = (output.stdout + output.stderr).lower()
    for needle, reason in _CONNECT_FAILURES.items():
        if needle in text:
            return reason
    last = (output.stdout + output.stderr).strip().splitlines()
    return last[-1] if last else f"failed (exit status {output.rc})"
