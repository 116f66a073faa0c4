"""Transports without a network: what every backend shares, the registry, the OpenSSH client's
argv and generated ssh_config (a stand-in ``ssh`` on PATH records what it was given), and
``local://`` for real."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from pathlib import Path

import paramiko
import pytest

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.transport import TRANSPORTS, SshTransport, connect, testinfra_backend
from drverify.facts.transport.base import BaseTransport
from drverify.facts.transport.testinfra_backend import CAPABLE
from drverify.inventory import SshOptions
from drverify.inventory.connection import BACKENDS, parse_connection_string

REFUSED = "ssh: connect to host mft-dr-01 port 2222: Connection refused"


class Recorder(BaseTransport):
    """A backend that records the command lines it is asked to execute (or raises ``error``)."""

    address = "192.0.2.10"

    def __init__(self, sudo: bool = False, error: BaseException | None = None) -> None:
        super().__init__(parse_connection_string("ssh://mft-dr-01"), SshOptions(), sudo, Path("/nonexistent"))
        self.calls: list[tuple[str, bytes | None, float]] = []
        self.error = error

    def _execute(self, command: str, stdin: bytes | None, timeout: float) -> Output:
        self.calls.append((command, stdin, timeout))
        if self.error is not None:
            raise self.error
        return Output(0, "", "")

    def forward(self, host, port, timeout=5.0):
        raise NotImplementedError


def test_a_script_runs_under_the_hosts_own_timeout_and_this_machine_waits_a_little_longer():
    recorder = Recorder()
    recorder.run("echo hi", timeout=30)
    assert recorder.calls == [("timeout -k 5 30 sh -c 'echo hi'", None, 45)]
    assert recorder.round_trips == 1


def test_sudo_never_prompts_for_a_password():
    recorder = Recorder(sudo=True)
    recorder.run("echo hi", timeout=30)
    recorder.run_with_stdin("cat", b"secret", timeout=9)
    (run, _, _), (with_stdin, stdin, timeout) = recorder.calls
    assert shlex.split(run) == ["sudo", "-n", "/bin/sh", "-c", "timeout -k 5 30 sh -c 'echo hi'"]
    assert shlex.split(with_stdin) == ["sudo", "-n", "/bin/sh", "-c", "sh -c cat"]
    assert (stdin, timeout) == (b"secret", 9)
    assert "secret" not in with_stdin


class SshResult:
    """What testinfra's ssh backends raise on exit status 255: a result with ssh's stderr."""

    stderr = f"Warning: Permanently added 'mft-dr-01' (ED25519) to the list of known hosts.\n{REFUSED}\n"


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError("[Errno 101] Network is unreachable"), "[Errno 101] Network is unreachable"),
        (subprocess.TimeoutExpired(["ssh", "--", "mft-dr-01", "a long script"], 135), "no answer within 135 s"),
        (RuntimeError(SshResult()), REFUSED),
        (paramiko.BadHostKeyException("mft-dr-01", paramiko.ECDSAKey.generate(), paramiko.ECDSAKey.generate()),
         "host key verification failed: Host key for server 'mft-dr-01' does not match"),
        (EOFError(), "the host closed the connection"),
    ],
)
def test_whatever_a_backend_raises_becomes_one_line_cannot_connect(error, reason):
    recorder = Recorder(error=error)
    with pytest.raises(FactsUnavailable) as caught:
        recorder.run("true")
    assert str(caught.value).startswith(f"cannot connect: {reason}")
    assert "\n" not in str(caught.value) and "a long script" not in str(caught.value)
    assert recorder.round_trips == 1


def test_the_scheme_picks_the_transport_once_from_the_registry(tmp_path):
    assert set(TRANSPORTS) == set(BACKENDS)
    chosen = {spec: type(connect(spec, SshOptions(), False, tmp_path)).__name__ for spec in (
        "ssh://root@mft-dr-01", "safe-ssh://mft-dr-01", "paramiko://mft-dr-01", "local://", "docker://mft",
        "kubectl://mft-0?namespace=mft", "ansible://mft-dr-01")}
    assert list(chosen.values()) == ["SshTransport", "SshTransport", "ParamikoTransport", "LocalTransport",
                                     "TestinfraTransport", "TestinfraTransport", "TestinfraTransport"]


@pytest.mark.parametrize("spec", ["ssh://-oProxyCommand=touch%20x", "ssh://mft-dr-01?ssh_config=/tmp/c",
                                  "ssh://mft-dr-01?sudo=true", "paramiko://root@mft dr"])
def test_connect_refuses_what_the_inventory_refuses(spec, tmp_path):
    with pytest.raises(FactsUnavailable, match="^cannot connect: "):
        connect(spec, SshOptions(), False, tmp_path)


def test_other_backends_say_which_schemes_can_carry_secrets_and_probes(tmp_path):
    transport = connect("docker://mft", SshOptions(), False, tmp_path)
    with pytest.raises(FactsUnavailable, match=r"docker:// cannot pass a secret on stdin; use ssh://"):
        transport.run_with_stdin("cat", b"secret")
    with pytest.raises(FactsUnavailable, match=r"docker:// cannot carry network probes; use ssh://"):
        transport.forward("ldap.example.com", 636)
    with pytest.raises(FactsUnavailable, match=r"docker:// gives no address"):
        _ = transport.address
    assert transport.round_trips == 0
    capable = {scheme.removesuffix("://") for scheme in CAPABLE.replace(" or ", ", ").split(", ")}
    assert capable and all(not isinstance(connect(f"{scheme}://{'' if scheme == 'local' else 'mft'}", SshOptions(),
                                                  False, tmp_path), testinfra_backend.TestinfraTransport) for scheme in capable)


def test_testinfra_backends_run_commands_through_the_public_api(tmp_path):
    local = parse_connection_string("local://")
    through_testinfra = testinfra_backend.TestinfraTransport(local, SshOptions(), False, tmp_path)
    assert through_testinfra.run("echo out; echo err >&2; exit 3") == Output(3, "out\n", "err\n")


# -- ssh:// -----------------------------------------------------------------------------------

OPTIONS = {"known_hosts": "known_hosts", "identity_file": "id_ed25519", "config": "ssh_config",
           "connect_timeout": 7}


def ssh_transport(tmp_path: Path, spec: str = "ssh://root@mft-dr-01:2222", **options) -> SshTransport:
    paths = {key: tmp_path / value if isinstance(value, str) else value for key, value in OPTIONS.items()}
    return connect(spec, SshOptions(**{**paths, **options}), False, tmp_path)


def test_the_generated_ssh_config_puts_ours_first_then_includes_the_users(tmp_path):
    transport = ssh_transport(tmp_path)
    assert transport.config.path.read_text().splitlines() == [
        "Host *",
        "  BatchMode yes",
        "  StrictHostKeyChecking yes",
        "  ControlMaster auto",
        f'  ControlPath "{transport.config.control_path}"',
        "  ControlPersist 60",
        "  ConnectTimeout 7",
        "  ServerAliveInterval 5",
        "  ServerAliveCountMax 3",
        f'  UserKnownHostsFile "{tmp_path}/known_hosts"',
        f'  IdentityFile "{tmp_path}/id_ed25519"',
        f'  Include "{tmp_path}/ssh_config"',
    ]
    assert transport.config.control_path.parent == tmp_path
    assert "%" not in str(transport.config.control_path)  # one fixed master per host


def test_accept_new_is_the_only_relaxation_and_each_host_gets_its_own_files(tmp_path):
    first = ssh_transport(tmp_path, strict_host_key_checking="accept-new")
    second = ssh_transport(tmp_path)
    assert "  StrictHostKeyChecking accept-new" in first.config.path.read_text().splitlines()
    assert first.config.path != second.config.path
    assert first.config.control_path != second.config.control_path


def test_the_argv_ends_options_with_a_double_dash_before_the_destination(tmp_path):
    transport = ssh_transport(tmp_path)
    config = str(transport.config.path)
    assert transport.argv() == ["ssh", "-F", config, "-o", "User=root", "-o", "Port=2222", "--", "mft-dr-01"]
    assert transport.argv("-O", "exit")[-4:] == ["-O", "exit", "--", "mft-dr-01"]
    assert ssh_transport(tmp_path, "ssh://[2001:db8::20]").argv()[-2:] == ["--", "2001:db8::20"]


@pytest.fixture
def fake_ssh(tmp_path, monkeypatch):
    """An ``ssh`` on PATH that records its argv and stdin, then answers as told (``ANSWER``)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "ssh"
    script.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD.argv"\ncat > "$RECORD.stdin"\n'
                      'eval "$ANSWER"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path(shutil.which('sh')).parent}")
    monkeypatch.setenv("RECORD", str(tmp_path / "record"))
    return tmp_path / "record"


def test_a_command_goes_after_the_destination_and_stdin_down_the_connection(tmp_path, fake_ssh, monkeypatch):
    monkeypatch.setenv("ANSWER", "echo answered; echo warning >&2; exit 3")
    transport = ssh_transport(tmp_path)
    assert transport.run_with_stdin("cat", b"secret", timeout=9) == Output(3, "answered\n", "warning\n")
    argv = fake_ssh.with_suffix(".argv").read_text().splitlines()
    assert argv == ["-F", str(transport.config.path), "-o", "User=root", "-o", "Port=2222", "--", "mft-dr-01",
                    "sh -c cat"]
    assert fake_ssh.with_suffix(".stdin").read_bytes() == b"secret"
    transport.run("echo hi")
    assert fake_ssh.with_suffix(".stdin").read_bytes() == b""  # never the caller's own stdin
    assert transport.round_trips == 2


def test_ssh_exit_status_255_is_a_connection_failure_named_by_its_last_line(tmp_path, fake_ssh, monkeypatch):
    monkeypatch.setenv("ANSWER", f"echo 'Warning: Permanently added mft-dr-01' >&2; echo '{REFUSED}' >&2; "
                                 "exit 255")
    with pytest.raises(FactsUnavailable) as caught:
        ssh_transport(tmp_path).run("true")
    assert str(caught.value) == f"cannot connect: {REFUSED}"


@pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client (ssh -G reads config only)")
def test_the_address_is_what_ssh_resolves_through_the_users_config(tmp_path):
    (tmp_path / "ssh_config").write_text("Host mft-dr\n  HostName 203.0.113.20\n")
    assert ssh_transport(tmp_path, "ssh://root@mft-dr").address == "203.0.113.20"
    assert ssh_transport(tmp_path, "ssh://mft-dr-01").address == "mft-dr-01"


# -- local:// ---------------------------------------------------------------------------------


def test_local_runs_scripts_here_for_real(tmp_path):
    local = connect("local://", SshOptions(), False, tmp_path)
    assert local.run("echo out; echo err >&2; exit 3") == Output(3, "out\n", "err\n")
    assert local.run_with_stdin("cat", b"secret") == Output(0, "secret", "")
    assert local.round_trips == 2
    assert local.address == "127.0.0.1"
    with local.forward("ldap.example.com", 636) as (host, port):
        assert (host, port) == ("ldap.example.com", 636)  # probes leave from here directly
    local.close()


def test_a_stuck_script_is_ended_by_the_hosts_own_timeout(tmp_path):
    local = connect("local://", SshOptions(), False, tmp_path)
    started = time.monotonic()
    assert local.run("sleep 30", timeout=1).rc == 124
    assert time.monotonic() - started < 5
