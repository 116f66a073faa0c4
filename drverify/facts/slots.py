"""How many hosts are read at once, and how many connections one host gets at once.

sshd drops connections that are still being set up beyond ``MaxStartups`` (default 10:30:100:
from 10 unauthenticated connections on, 30% of new ones are refused, every one from 100). One
host can be named by several sides of a run — a pair checked for the takeover and for the way
back, a production host twinned with several recovery hosts — and each side opens its own
connection; read all at once, such a host would see one connection set-up per side in the same
instant and could refuse some. :class:`HostSlots` lets at most :data:`PER_HOST` sides of one host
hold a connection at once (the others wait for a slot), far below ``MaxStartups`` and leaving
room for other clients. The balancer, shared by every pair, has its own cap
(:data:`drverify.facts.load_balancer.READS_PER_BALANCER`).

Across hosts, collection threads mostly wait for the network; each side costs a little CPU
here (an ssh client, parsing), so :func:`workers` sizes the pool to the machine.
"""

from __future__ import annotations

import os
import threading

from drverify.inventory.connection import parse_connection_string

#: sides of one host that hold a connection at once
PER_HOST = 4
#: the schemes whose connections an sshd accepts (and counts against its MaxStartups)
SSH_SCHEMES = ("ssh", "safe-ssh", "paramiko")
#: collection threads per CPU (they wait on the network), and at most
THREADS_PER_CPU, MAX_WORKERS = 8, 64


def workers(cpus: int | None = None) -> int:
    """Sides collected at once on a machine with ``cpus`` CPUs (this one's by default)."""
    return max(THREADS_PER_CPU, min(MAX_WORKERS, THREADS_PER_CPU * (cpus or os.cpu_count() or 1)))


def host_key(spec: str) -> str:
    """The sshd a connection string reaches (host and port, whatever the user or the SSH client);
    for other backends, the scheme and the host (a container, a pod, this machine)."""
    try:
        destination = parse_connection_string(spec)
    except ValueError:
        return spec
    if destination.scheme in SSH_SCHEMES:
        return f"{destination.host.lower()}:{destination.port or 22}"
    return f"{destination.scheme}://{destination.host}"


class HostSlots:
    """One bounded semaphore per host, made on first use; shared by every side of one run."""

    def __init__(self, per_host: int = PER_HOST) -> None:
        self.per_host = per_host
        self._slots: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()

    def slot(self, spec: str) -> threading.BoundedSemaphore:
        """The semaphore of the host ``spec`` names (a ``with`` block holds one of its slots)."""
        key = host_key(spec)
        with self._lock:
            return self._slots.setdefault(key, threading.BoundedSemaphore(self.per_host))


__all__ = ["PER_HOST", "HostSlots", "host_key", "workers"]
