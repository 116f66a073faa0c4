"""Reach a host through pytest-testinfra, once, with host-key checking on and one reused connection.

testinfra runs the commands; this module only decides *how it connects*: for ``ssh://`` an
ssh_config of our own (a fixed ControlPath so every command reuses one connection, strict host-key
checking, batch mode, then the user's own config included); for ``paramiko://`` a client we build
so that known_hosts is enforced (testinfra only warns) and TCP_NODELAY is set (without it paramiko
stalls ~48 ms per command).
"""

from __future__ import annotations

import contextlib
import itertools
import shlex
import socket
import subprocess
import threading
from pathlib import Path
from typing import ContextManager

import paramiko
import testinfra

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.forward import openssh_forward, paramiko_forward
from drverify.inventory.model import SshOptions

_ids = itertools.count()
#: how long one remote script may run in all (each command in it has its own, shorter, timeout)
RUN_TIMEOUT = 120


class Connection:
    """One host, one connection, reused for every round trip; counts the round trips it made."""

    def __init__(self, spec: str, options: SshOptions, sudo: bool, workdir: Path) -> None:
        self.spec = spec
        self.options = options
        self.round_trips = 0
        self._lock = threading.Lock()
        self._workdir = workdir
        self.sudo = sudo
        self._host = self._make_host()

    @property
    def scheme(self) -> str:
        return self.spec.split("://", 1)[0]

    def run(self, script: str, timeout: float = RUN_TIMEOUT) -> Output:
        """Run a POSIX sh script on the host; a failure to *connect* raises FactsUnavailable.

        The host's own ``timeout`` bounds the whole script, so a command stuck on the host (a
        hung NFS mount) ends the session instead of the run.
        """
        command = self._command(f"timeout -k 5 {int(timeout)} sh -c {shlex.quote(script)}")
        with self._lock:
            self.round_trips += 1
        try:
            if self.scheme == "paramiko":
                return _paramiko_exec(self._paramiko(), command, None, timeout + 15)
            result = self._host.run(command)
        except FactsUnavailable:
            raise
        except Exception as error:  # noqa: BLE001 - every transport has its own exceptions
            raise FactsUnavailable(f"cannot connect: {describe_connect_error(error)}") from None
        return Output(result.rc, result.stdout, result.stderr)

    def run_with_stdin(self, script: str, stdin: bytes, timeout: float = 60.0) -> Output:
        """Run a script with ``stdin`` as its standard input: how a secret reaches a host.

        The batched script travels as an argument, which anyone can read in ``ps`` while it runs;
        a password must not, so it goes down the same connection as the script's stdin.
        """
        command = self._command(f"sh -c {shlex.quote(script)}")
        with self._lock:
            self.round_trips += 1
        try:
            if self.scheme in ("ssh", "safe-ssh"):
                argv = [*self._ssh_argv(), self._host.backend.host.name, command]
                return _completed(subprocess.run(argv, input=stdin, capture_output=True,
                                                 timeout=timeout, check=False), ssh=True)
            if self.scheme == "paramiko":
                return _paramiko_exec(self._paramiko(), command, stdin, timeout)
            if self.scheme == "local":
                return _completed(subprocess.run(["sh", "-c", command], input=stdin, capture_output=True,
                                                 timeout=timeout, check=False))
        except (OSError, subprocess.SubprocessError, EOFError, paramiko.SSHException) as error:
            raise FactsUnavailable(f"cannot connect: {describe_connect_error(error)}") from None
        raise FactsUnavailable(f"{self.scheme}:// cannot pass a secret on stdin; "
                               "use ssh://, paramiko:// or local://")

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        """A local (address, port) whose connections leave from this host to host:port."""
        if self.scheme in ("ssh", "safe-ssh"):
            backend = self._host.backend
            return openssh_forward(self._ssh_argv(), backend.host.name, host, port)
        if self.scheme == "paramiko":
            return paramiko_forward(self._paramiko().get_transport(), host, port, timeout)
        if self.scheme == "local":
            return contextlib.nullcontext((host, port))
        raise FactsUnavailable(f"{self.scheme}:// cannot carry network probes; use ssh:// or paramiko://")

    @property
    def address(self) -> str:
        """The host's name or address as this machine reaches it (for probes made as a partner)."""
        if self.scheme == "local":
            return "127.0.0.1"
        if self.scheme == "paramiko":
            client = self._host.backend.__dict__.get("client")
            if client is not None and client.get_transport() is not None:
                return str(client.get_transport().getpeername()[0])
        return self._resolved_ssh_hostname()

    def close(self) -> None:
        """Close an in-process client, or tell the OpenSSH master to exit."""
        client = self._host.backend.__dict__.get("client")
        if isinstance(client, paramiko.SSHClient):
            client.close()
        if self.scheme in ("ssh", "safe-ssh") and self.round_trips:
            subprocess.run([*self._ssh_argv(), "-O", "exit", self._host.backend.host.name],
                           capture_output=True, timeout=10, check=False)

    def _ssh_argv(self) -> list[str]:
        host = self._host.backend.host
        argv = ["ssh", "-F", str(self._ssh_config)]
        if host.user:
            argv += ["-o", f"User={host.user}"]
        if host.port:
            argv += ["-o", f"Port={host.port}"]
        return argv

    def _resolved_ssh_hostname(self) -> str:
        """What ssh itself would connect to (``HostName`` from the config applied)."""
        backend = self._host.backend
        result = subprocess.run([*self._ssh_argv(), "-G", backend.host.name],
                                capture_output=True, text=True, timeout=10, check=False)
        for line in result.stdout.splitlines():
            key, _, value = line.partition(" ")
            if key == "hostname" and value:
                return value
        return str(backend.host.name)

    def _command(self, command: str) -> str:
        """With ``sudo``, never a password prompt: ``-n`` fails at once without a NOPASSWD rule."""
        return f"sudo -n /bin/sh -c {shlex.quote(command)}" if self.sudo else command

    def _make_host(self) -> testinfra.host.Host:
        kwargs: dict[str, object] = {}
        if self.scheme in ("ssh", "safe-ssh"):
            self._ssh_config = self._write_ssh_config()
            kwargs["ssh_config"] = str(self._ssh_config)
        if self.options.identity_file and self.scheme in ("ssh", "safe-ssh", "paramiko"):
            kwargs["ssh_identity_file"] = str(self.options.identity_file)
        if self.scheme in ("ssh", "safe-ssh", "paramiko"):
            kwargs["timeout"] = self.options.connect_timeout
        # A fresh Host, not testinfra's cache: our ssh_config is per connection.
        return testinfra.host.Host(testinfra.backend.get_backend(self.spec, **kwargs))

    def _paramiko(self) -> paramiko.SSHClient:
        """Our one paramiko client, connected on first use with host keys enforced.

        testinfra's backend would, on a dropped connection, reconnect with a client of its own
        that does not check host keys: we never let it run a command.
        """
        with self._lock:
            backend = self._host.backend
            if "client" not in backend.__dict__:
                backend.__dict__["client"] = _paramiko_client(backend, self.options)
            return backend.__dict__["client"]

    def _write_ssh_config(self) -> Path:
        """An ssh_config whose first values win: ours for safety and reuse, then the user's."""
        number = next(_ids)
        lines = [
            "Host *",
            "  BatchMode yes",
            f"  StrictHostKeyChecking {self.options.strict_host_key_checking}",
            "  ControlMaster auto",
            f"  ControlPath {self._workdir}/cm{number}",
            "  ControlPersist 60",
            f"  ConnectTimeout {self.options.connect_timeout}",
            "  ServerAliveInterval 5",
            "  ServerAliveCountMax 3",
        ]
        if self.options.known_hosts:
            lines.append(f"  UserKnownHostsFile {_ssh_quote(self.options.known_hosts)}")
        if self.options.identity_file:
            lines.append(f"  IdentityFile {_ssh_quote(self.options.identity_file)}")
        if self.options.config:
            lines.append(f"  Include {_ssh_quote(self.options.config)}")
        path = self._workdir / f"ssh_config{number}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path


def _completed(done: subprocess.CompletedProcess[bytes], ssh: bool = False) -> Output:
    stderr = done.stderr.decode(errors="replace")
    if ssh and done.returncode == 255:
        lines = stderr.strip().splitlines()
        raise FactsUnavailable(f"cannot connect: {lines[-1] if lines else 'ssh exit status 255'}")
    return Output(done.returncode, done.stdout.decode(errors="replace"), stderr)


def _paramiko_exec(client: paramiko.SSHClient, command: str, stdin: bytes | None, timeout: float) -> Output:
    """One command on our own channel, bounded in time (testinfra's has no timeout)."""
    channel = client.get_transport().open_session(timeout=timeout)
    with channel:
        channel.settimeout(timeout)
        channel.exec_command(command)
        if stdin:
            channel.sendall(stdin)
        channel.shutdown_write()
        stdout = b"".join(channel.makefile("rb"))
        stderr = b"".join(channel.makefile_stderr("rb"))
        rc = channel.recv_exit_status()
    return Output(rc, stdout.decode(errors="replace"), stderr.decode(errors="replace"))


def _ssh_quote(path: Path) -> str:
    return '"' + str(path).replace('"', "") + '"'


def _paramiko_client(backend, options: SshOptions) -> paramiko.SSHClient:
    """A connected paramiko client that refuses unknown host keys (``accept-new`` adds them)."""
    client = paramiko.SSHClient()
    if options.known_hosts:
        client.load_host_keys(str(options.known_hosts))
    else:
        client.load_system_host_keys()
    cfg = {
        "hostname": backend.host.name,
        "port": int(backend.host.port) if backend.host.port else 22,
        "username": backend.host.user,
        "password": backend.host.password,
    }
    if options.config:
        config = paramiko.SSHConfig.from_path(str(options.config))
        # testinfra's own reading of ssh_config (HostName, User, Port, IdentityFile, ProxyCommand)
        backend._load_ssh_config(client, cfg, config, str(Path(options.config).parent))
    policy = paramiko.AutoAddPolicy() if options.strict_host_key_checking == "accept-new" \
        else paramiko.RejectPolicy()
    client.set_missing_host_key_policy(policy)
    if options.identity_file:
        cfg["key_filename"] = str(options.identity_file)
    if "sock" not in cfg:
        cfg["sock"] = _fast_socket(str(cfg["hostname"]), int(cfg["port"]), options.connect_timeout)
    client.connect(**cfg, timeout=options.connect_timeout, allow_agent=False,
                   look_for_keys="key_filename" not in cfg)
    client.get_transport().set_keepalive(5)  # a partitioned network ends the session, not the run
    return client


def _fast_socket(host: str, port: int, timeout: int) -> socket.socket:
    sock = socket.create_connection((host, port), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def describe_connect_error(error: BaseException) -> str:
    """One line from whatever the transport raised: ssh's last stderr line, or the exception."""
    result = error.args[0] if error.args else None
    stderr = getattr(result, "stderr", None)
    if isinstance(stderr, str) and stderr.strip():
        lines = [line for line in stderr.strip().splitlines() if not line.startswith("Warning:")]
        return (lines or stderr.strip().splitlines())[-1].strip()
    if isinstance(error, paramiko.BadHostKeyException):
        return f"host key verification failed: {error}"
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
