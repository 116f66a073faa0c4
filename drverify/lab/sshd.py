"""OpenSSH for lab hosts: keys, sshd configurations, readiness and known_hosts lines.

Host keys are generated per host on the root filesystem (in the state directory) and shipped
into the host's private /etc/ssh, so known_hosts can be written without asking the hosts.
Only ed25519 and ECDSA host keys: a 3072-bit RSA key costs ~0.75 s of CPU per host, half the
lab's time budget, and every client the project uses speaks both.
"""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from drverify.lab.errors import LabError

HOST_KEY_TYPES = ("ed25519", "ecdsa")
SSHD = "/usr/sbin/sshd"


@dataclass(frozen=True)
class Listener:
    """One sshd instance: port, bind address and where its config, pid and log files live."""

    port: int
    config_path: str
    pid_file: str
    log_file: str
    listen_address: str | None = None  # None: sshd's default, every IPv4 and IPv6 address
    subsystem: str = "sftp /usr/lib/openssh/sftp-server"

    def argv(self) -> list[str]:
        """How to start it (sshd daemonizes; its pid file appears once it listens)."""
        return [SSHD, "-f", self.config_path, "-E", self.log_file]


MAIN_LISTENER = Listener(22, "/etc/ssh/sshd_config", "/run/sshd.pid", "/run/sshd.log")


def config_text(listener: Listener) -> str:
    """A complete sshd_config: root by key only, no PAM (the hosts have no login stack)."""
    lines = [
        "# drverify lab host sshd",
        f"Port {listener.port}",
        *([f"ListenAddress {listener.listen_address}"] if listener.listen_address else []),
        *(f"HostKey /etc/ssh/ssh_host_{kind}_key" for kind in HOST_KEY_TYPES),
        f"PidFile {listener.pid_file}",
        "PermitRootLogin prohibit-password",
        "PubkeyAuthentication yes",
        "PasswordAuthentication no",
        "KbdInteractiveAuthentication no",
        "UsePAM no",
        "UseDNS no",
        "PrintMotd no",
        "LogLevel VERBOSE",  # one "Starting session: command" line per remote command: the bench counts them
        "AcceptEnv LANG LC_*",
        f"Subsystem {listener.subsystem}",
    ]
    return "\n".join(lines) + "\n"


def start_keygen(path: Path, kind: str, comment: str) -> subprocess.Popen[bytes]:
    """Start ssh-keygen for one key without waiting, so all hosts' keys are made in parallel."""
    path.unlink(missing_ok=True)
    public_key_path(path).unlink(missing_ok=True)
    argv = ["ssh-keygen", "-q", "-t", kind, "-N", "", "-C", comment, "-f", str(path)]
    try:
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
    except OSError as exc:
        raise LabError(f"ssh-keygen: {exc}") from exc


def finish_keygen(procs: Sequence[subprocess.Popen[bytes]]) -> None:
    """Wait for keygens started by `start_keygen`; raise LabError if any failed."""
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        if proc.returncode != 0:
            raise LabError(f"ssh-keygen failed: {err.decode(errors='replace').strip()}")


def host_key_path(key_dir: Path, kind: str) -> Path:
    """Where a host's private key of one type is kept in the state directory."""
    return key_dir / f"ssh_host_{kind}_key"


def public_key_path(private: Path) -> Path:
    """The `.pub` file ssh-keygen writes next to a private key."""
    return private.with_name(private.name + ".pub")


def known_hosts_lines(host_spec: str, key_dir: Path) -> list[str]:
    """known_hosts lines for `host_spec` (`198.51.100.10` or `[198.51.100.10]:2222`)."""
    lines = []
    for kind in HOST_KEY_TYPES:
        key_type, key = public_key_path(host_key_path(key_dir, kind)).read_text().split()[:2]
        lines.append(f"{host_spec} {key_type} {key}")
    return lines


def known_hosts_spec(address: str, port: int) -> str:
    """How known_hosts names a host: bare address on port 22, `[address]:port` otherwise."""
    return address if port == 22 else f"[{address}]:{port}"


def wait_for_banner(address: str, port: int, timeout: float = 5.0) -> None:
    """Block until an SSH banner is read from address:port, proving sshd, firewall and bridge."""
    deadline = time.monotonic() + timeout
    last_error = "no attempt"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=1.0) as sock:
                if sock.recv(64).startswith(b"SSH-"):
                    return
                last_error = "no SSH banner"
        except OSError as exc:
            last_error = str(exc)
        time.sleep(0.01)
    raise LabError(f"sshd on {address}:{port} not ready after {timeout:.0f}s: {last_error}")
