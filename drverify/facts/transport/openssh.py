"""``ssh://``: the OpenSSH client, run by drverify with an ssh_config of its own.

Our config comes first, so its values win (ssh uses the first value it reads): batch mode,
strict host-key checking, one master connection per host at a fixed ControlPath that every
command reuses (a new connection per command costs ~0.2 s each), timeouts, then the user's own
config through ``Include``. The OpenSSH client sets TCP_NODELAY itself. The argv always ends
ssh's options with ``--``, so a destination can never be read as an option.
"""

from __future__ import annotations

import itertools
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ContextManager

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.forward import openssh_forward
from drverify.facts.transport.base import BaseTransport, decoded, last_stderr_line
from drverify.inventory.connection import Destination
from drverify.inventory.model import SshOptions

_ids = itertools.count()
#: ssh's own exit status when it could not connect (or lost the connection)
SSH_FAILED = 255


@dataclass(frozen=True)
class SshConfig:
    """Where a connection's ssh_config and its master's control socket live."""

    path: Path
    control_path: Path


def write_ssh_config(options: SshOptions, workdir: Path) -> SshConfig:
    """An ssh_config whose first values win: ours for safety and reuse, then the user's."""
    number = next(_ids)
    control_path = workdir / f"cm{number}"
    lines = [
        "Host *",
        "  BatchMode yes",
        f"  StrictHostKeyChecking {options.strict_host_key_checking}",
        "  ControlMaster auto",
        f"  ControlPath {ssh_quote(control_path)}",
        "  ControlPersist 60",
        f"  ConnectTimeout {options.connect_timeout}",
        "  ServerAliveInterval 5",
        "  ServerAliveCountMax 3",
    ]
    if options.known_hosts:
        lines.append(f"  UserKnownHostsFile {ssh_quote(options.known_hosts)}")
    if options.identity_file:
        lines.append(f"  IdentityFile {ssh_quote(options.identity_file)}")
    if options.config:
        lines.append(f"  Include {ssh_quote(options.config)}")
    path = workdir / f"ssh_config{number}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return SshConfig(path, control_path)


def ssh_quote(path: Path) -> str:
    """A path as one ssh_config argument (ssh_config has double quotes and no escapes)."""
    return '"' + str(path).replace('"', "") + '"'


class SshTransport(BaseTransport):
    """One OpenSSH master connection per host, reused by every command and forward."""

    def __init__(self, destination: Destination, options: SshOptions, sudo: bool, workdir: Path) -> None:
        super().__init__(destination, options, sudo, workdir)
        self.config = write_ssh_config(options, workdir)
        self._master_lock = threading.Lock()
        self._address: str | None = None
        self._no_master: tuple[str, ...] = ()

    def argv(self, *ssh_options: str) -> list[str]:
        """ssh with our config, the connection string's user and port, ``ssh_options``, then
        ``--`` and the destination: a command, if any, goes after it."""
        argv = ["ssh", "-F", str(self.config.path)]
        if self.destination.user:
            argv += ["-o", f"User={self.destination.user}"]
        if self.destination.port:
            argv += ["-o", f"Port={self.destination.port}"]
        return [*argv, *self._no_master, *ssh_options, "--", self.destination.host]

    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        feed = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
        done = subprocess.run([*self.argv(), command], capture_output=True, timeout=timeout,
                              check=False, **feed)
        if done.returncode == SSH_FAILED:
            raise FactsUnavailable(f"cannot connect: {last_stderr_line(done.stderr.decode(errors='replace'))}")
        return decoded(done.returncode, done.stdout, done.stderr)

    def expect_one_round_trip(self) -> None:
        """One command and done: no master to fork, serve through a socket and stop again (a
        process and a mux hop less per host). Options on the command line win over our config."""
        self._no_master = ("-o", "ControlMaster=no", "-o", "ControlPath=none")

    def forward(self, host: str, port: int, timeout: float = 5.0) -> ContextManager[tuple[str, int]]:
        """A forward added to (and removed from) this host's running master connection."""
        self._ensure_master()
        return openssh_forward(self.argv, host, port)

    def _ensure_master(self) -> None:
        """``ssh -O forward`` needs a master: the first round trip starts one (ControlMaster auto)."""
        with self._master_lock:
            if not self.config.control_path.exists():
                self.run("true", timeout=self.options.connect_timeout)

    @property
    def address(self) -> str:
        """What ssh itself connects to (``HostName`` from the user's config applied)."""
        if self._address is None:
            self._address = self._resolved_hostname()
        return self._address

    def _resolved_hostname(self) -> str:
        result = subprocess.run(self.argv("-G"), capture_output=True, text=True, timeout=10, check=False)
        for line in result.stdout.splitlines():
            key, _, value = line.partition(" ")
            if key == "hostname" and value:
                return value
        return self.destination.host

    def close(self) -> None:
        """Tell the master to exit now rather than linger for ControlPersist."""
        if self.config.control_path.exists():
            subprocess.run(self.argv("-O", "exit"), capture_output=True, timeout=10, check=False)
