"""What every transport shares, written once: the contract, round trips, ``sudo -n``, timeouts, errors.

A backend only says how to execute one command line on its host (:meth:`BaseTransport._execute`),
how to forward a port and what its address is. Everything that must be the same for every
backend lives here: the remote ``timeout`` around a script, ``sudo -n`` (never a password
prompt), counting round trips, and turning whatever a backend raises into
``FactsUnavailable("cannot connect: ...")`` so that one unreachable host costs its areas only.
"""

from __future__ import annotations

import abc
import shlex
import subprocess
import threading
from pathlib import Path
from typing import ContextManager, Protocol

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.inventory.connection import Destination
from drverify.inventory.model import SshOptions

#: how long one remote script may run in all (each command in it has its own, shorter, timeout)
RUN_TIMEOUT = 120
#: how much longer than the host's own ``timeout`` this machine waits before giving up on an answer
GRACE = 15


class Transport(Protocol):
    """One host, one connection, reused for every round trip."""

    round_trips: int

    def run(self, script: str, timeout: float = ...) -> Output: ...

    def run_with_stdin(self, script: str, stdin: bytes, timeout: float = ...) -> Output: ...

    def forward(self, host: str, port: int, timeout: float = ...) -> ContextManager[tuple[str, int]]: ...

    @property
    def address(self) -> str: ...

    def expect_one_round_trip(self) -> None: ...

    def close(self) -> None: ...


class BaseTransport(abc.ABC):
    """The shared half of every transport; subclasses execute, forward and know their address."""

    def __init__(self, destination: Destination, options: SshOptions, sudo: bool, workdir: Path) -> None:
        self.destination = destination
        self.options = options
        self.sudo = sudo
        self.workdir = workdir
        self.round_trips = 0
        self._count_lock = threading.Lock()

    @property
    def scheme(self) -> str:
        return self.destination.scheme

    def run(self, script: str, timeout: float = RUN_TIMEOUT) -> Output:
        """Run a POSIX sh script on the host; a failure to *connect* raises FactsUnavailable.

        The host's own ``timeout`` bounds the whole script, so a command stuck on the host (a
        hung NFS mount) ends the session instead of the run; this machine waits a little longer.
        """
        command = self._privileged(f"timeout -k 5 {int(timeout)} sh -c {shlex.quote(script)}")
        return self._round_trip(command, None, timeout + GRACE)

    def run_with_stdin(self, script: str, stdin: bytes, timeout: float = 60.0) -> Output:
        """Run a script with ``stdin`` as its standard input: how a secret reaches a host.

        The batched script travels as an argument, which anyone can read in ``ps`` while it runs;
        a password must not, so it goes down the same connection as the script's stdin.
        """
        command = self._privileged(f"sh -c {shlex.quote(script)}")
        return self._round_trip(command, stdin, timeout)

    @abc.abstractmethod
    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        """A local (address, port) whose connections leave from this host to host:port."""

    @property
    @abc.abstractmethod
    def address(self) -> str:
        """The host's name or address as this machine reaches it (for probes made as a partner)."""

    def expect_one_round_trip(self) -> None:  # noqa: B027 - optional: a hint for backends that can use it
        """Nothing will follow the next round trip (no probe, no forward): a backend may skip
        setting up a connection meant for reuse."""

    def close(self) -> None:  # noqa: B027 - optional: only backends that hold a connection override it
        """Release the connection; nothing to do for a backend that keeps none."""

    @abc.abstractmethod
    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        """Execute one command line on the host; raise whatever the backend raises."""

    def _round_trip(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        with self._count_lock:
            self.round_trips += 1
        try:
            return self._execute(command, stdin, timeout)
        except FactsUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - every backend has its own exceptions
            raise FactsUnavailable(f"cannot connect: {describe_connect_error(error)}") from None

    def _privileged(self, command: str) -> str:
        """With ``sudo``, never a password prompt: ``-n`` fails at once without a NOPASSWD rule."""
        return f"sudo -n /bin/sh -c {shlex.quote(command)}" if self.sudo else command


def describe_connect_error(error: BaseException) -> str:
    """One line from whatever the transport raised: ssh's last stderr line, or the exception."""
    if isinstance(error, subprocess.TimeoutExpired):
        return f"no answer within {error.timeout:g} s"
    result = error.args[0] if error.args else None
    stderr = getattr(result, "stderr", None)
    if isinstance(stderr, str) and stderr.strip():
        return last_stderr_line(stderr)
    if isinstance(error, EOFError):
        return "the host closed the connection"
    import paramiko  # here, not above: a run over ssh:// never loads it unless a connection fails

    if isinstance(error, paramiko.BadHostKeyException):
        return f"host key verification failed: {error}"
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]


def last_stderr_line(stderr: str) -> str:
    """What ssh says last is why it failed; "Warning: Permanently added ..." lines are not."""
    lines = [line for line in stderr.strip().splitlines() if not line.startswith("Warning:")]
    return (lines or stderr.strip().splitlines() or ["ssh exit status 255"])[-1].strip()


def decoded(rc: int, stdout: bytes, stderr: bytes) -> Output:
    """Bytes from a process or channel as an :class:`Output` (undecodable bytes replaced)."""
    return Output(rc, stdout.decode(errors="replace"), stderr.decode(errors="replace"))
