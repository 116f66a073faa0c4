"""Run a script on a host with a secret on its *stdin*: never on a command line, never in a fact.

The batched collection script travels as an argument (``sh -c SCRIPT``), which anyone on either
machine can read in ``ps`` while it runs. A PKCS#12 password must not: it is written to the remote
script's stdin, read there with ``read``, and handed to ``openssl`` through that process's own
environment (``-passin env:``), which only root and the same user can read.

Uses the host's one connection (the OpenSSH ControlMaster, or paramiko's transport) and the
same sudo wrapping testinfra would apply.
"""

from __future__ import annotations

import subprocess

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.transport import Connection, describe_connect_error


def run_with_stdin(connection: Connection, script: str, stdin: bytes, timeout: float = 60.0) -> Output:
    """Run ``sh -c script`` on the host with ``stdin`` as its standard input."""
    backend = connection._host.backend  # noqa: SLF001 - testinfra has no stdin-aware run
    command = backend.get_command("sh -c %s", script)
    connection.round_trips += 1
    try:
        if connection.scheme in ("ssh", "safe-ssh"):
            return _openssh(connection, backend.host.name, command, stdin, timeout)
        if connection.scheme == "paramiko":
            return _paramiko(connection, command, stdin, timeout)
        if connection.scheme == "local":
            return _local(command, stdin, timeout)
    except (OSError, subprocess.SubprocessError, EOFError) as error:
        raise FactsUnavailable(f"cannot connect: {describe_connect_error(error)}") from None
    raise FactsUnavailable(f"{connection.scheme}:// cannot pass a secret on stdin; use ssh://, paramiko:// or local://")


def _openssh(connection: Connection, destination: str, command: str, stdin: bytes, timeout: float) -> Output:
    argv = [*connection._ssh_argv(), destination, command]  # noqa: SLF001 - reuses the ControlMaster
    done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout, check=False)
    if done.returncode == 255:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        raise FactsUnavailable(f"cannot connect: {lines[-1] if lines else 'ssh exit status 255'}")
    return Output(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))


def _paramiko(connection: Connection, command: str, stdin: bytes, timeout: float) -> Output:
    with connection._lock:  # noqa: SLF001 - one connection, one user at a time while connecting
        connection._connect_paramiko()  # noqa: SLF001
    channel = connection._host.backend.client.get_transport().open_session(timeout=timeout)  # noqa: SLF001
    with channel:
        channel.settimeout(timeout)
        channel.exec_command(command)
        channel.sendall(stdin)
        channel.shutdown_write()
        stdout = b"".join(channel.makefile("rb"))
        stderr = b"".join(channel.makefile_stderr("rb"))
        rc = channel.recv_exit_status()
    return Output(rc, stdout.decode(errors="replace"), stderr.decode(errors="replace"))


def _local(command: str, stdin: bytes, timeout: float) -> Output:
    done = subprocess.run(["sh", "-c", command], input=stdin, capture_output=True, timeout=timeout, check=False)
    return Output(done.returncode, done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace"))
