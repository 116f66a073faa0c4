"""``ssh://`` and ``paramiko://`` for real, against an in-process SSH server on 127.0.0.1.

What matters: unknown or changed host keys are refused (nothing in a user's ssh_config relaxes
that), ``accept-new`` adds and saves the key, one connection serves every round trip and forward,
TCP_NODELAY is set, stdin reaches the command, the user's config is applied, and a dropped
paramiko connection is not reconnected.
"""

from __future__ import annotations

import shutil
import socket
import time
from pathlib import Path

import paramiko
import pytest
from ssh_server import Server, echo_server

from drverify.errors import FactsUnavailable
from drverify.facts.batch import Output
from drverify.facts.transport import connect
from drverify.facts.transport.paramiko_ssh import resolve
from drverify.inventory import SshOptions
from drverify.inventory.connection import parse_connection_string


@pytest.fixture
def server(tmp_path):
    running = Server(tmp_path)
    yield running
    running.close()


def transport(server: Server, tmp_path: Path, known: str = "", spec: str | None = None, scheme: str = "paramiko",
              **options):
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known)
    settings = {"known_hosts": known_hosts, "identity_file": server.identity, "connect_timeout": 5, **options}
    spec = spec or f"{scheme}://drverify@127.0.0.1:{server.port}"
    return connect(spec, SshOptions(**settings), False, tmp_path)


def test_a_known_host_runs_scripts_with_stdin_over_one_fast_connection(server, tmp_path):
    host = transport(server, tmp_path, server.known_hosts_line())
    assert host.run("echo out; echo err >&2; exit 3") == Output(3, "out\n", "err\n")
    assert host.run_with_stdin("cat", b"secret") == Output(0, "secret", "")
    assert host.round_trips == 2 and len(server.sessions) == 1
    sock = host._transport().sock
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    assert host.address == "127.0.0.1"
    host.close()


def test_an_unknown_host_key_is_refused_once_and_for_good(server, tmp_path):
    host = transport(server, tmp_path)
    for _ in range(2):
        with pytest.raises(FactsUnavailable, match=rf"^cannot connect: Server '\[127.0.0.1\]:{server.port}' "
                                                   "not found in known_hosts"):
            host.run("true")
    assert len(server.sessions) == 1  # the refusal is remembered, not retried per area


def test_a_changed_host_key_is_refused(server, tmp_path):
    host = transport(server, tmp_path, server.known_hosts_line(paramiko.ECDSAKey.generate()))
    with pytest.raises(FactsUnavailable, match="^cannot connect: host key verification failed: "):
        host.run("true")


def test_the_users_ssh_config_cannot_turn_host_key_checking_off(server, tmp_path):
    config = tmp_path / "user_config"
    config.write_text("Host *\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n")
    host = transport(server, tmp_path, config=config)
    with pytest.raises(FactsUnavailable, match="not found in known_hosts"):
        host.run("true")


def test_accept_new_adds_and_saves_an_unknown_key(server, tmp_path):
    host = transport(server, tmp_path, strict_host_key_checking="accept-new")
    assert host.run("echo hi").stdout == "hi\n"
    assert server.host_key.get_base64() in (tmp_path / "known_hosts").read_text()


def test_a_dropped_connection_is_not_reconnected(server, tmp_path):
    host = transport(server, tmp_path, server.known_hosts_line())
    assert host.run("true").rc == 0
    server.sessions[0].close()
    with pytest.raises(FactsUnavailable, match="^cannot connect: "):
        host.run("true")
    deadline = time.monotonic() + 5
    while host._client.get_transport().is_active() and time.monotonic() < deadline:
        time.sleep(0.02)
    with pytest.raises(FactsUnavailable, match="^cannot connect: the SSH connection was lost"):
        host.run("true")
    assert len(server.sessions) == 1


def test_an_alias_in_the_users_config_is_applied(server, tmp_path):
    config = tmp_path / "user_config"
    config.write_text(f"Host mft-dr\n  HostName 127.0.0.1\n  Port {server.port}\n  User drverify\n")
    host = transport(server, tmp_path, server.known_hosts_line(), spec="paramiko://mft-dr", config=config)
    assert host.address == "127.0.0.1"
    assert host.run("echo hi").stdout == "hi\n"


def test_the_connection_string_wins_over_the_config_and_includes_are_followed(tmp_path):
    included = tmp_path / "included"
    included.write_text("Host mft-dr\n  HostName 203.0.113.20\n  IdentityFile ~/.ssh/dr\n"
                        "  ProxyCommand ssh -W %h:%p bastion\n")
    config = tmp_path / "user_config"
    config.write_text(f"Host mft-dr\n  User svc\n  Port 2200\n  Include {included}\n")
    options = SshOptions(config=config, identity_file=tmp_path / "id")
    reach = resolve(parse_connection_string("paramiko://root@mft-dr:22"), options)
    assert (reach.hostname, reach.port, reach.username) == ("203.0.113.20", 22, "root")
    assert reach.key_filenames == (str(tmp_path / "id"), str(Path("~/.ssh/dr").expanduser()))
    assert reach.proxy_command == "ssh -W 203.0.113.20:22 bastion"
    defaults = resolve(parse_connection_string("paramiko://mft-dr"), SshOptions(config=config))
    assert (defaults.port, defaults.username) == (2200, "svc")


def test_paramiko_forwards_leave_from_the_host(server, tmp_path):
    host = transport(server, tmp_path, server.known_hosts_line())
    with echo_server() as port, host.forward("127.0.0.1", port) as local, \
            socket.create_connection(local, timeout=5) as conn:
        conn.sendall(b"ping")
        assert conn.recv(16) == b"ping"
    host.close()


# -- the OpenSSH client ------------------------------------------------------------------------

openssh = pytest.mark.skipif(shutil.which("ssh") is None, reason="needs the OpenSSH client")


@openssh
def test_openssh_runs_everything_over_one_master_connection_and_closes_it(server, tmp_path):
    host = transport(server, tmp_path, server.known_hosts_line(), scheme="ssh")
    assert host.run("echo out; echo err >&2; exit 3") == Output(3, "out\n", "err\n")
    assert host.run_with_stdin("cat", b"secret") == Output(0, "secret", "")
    with echo_server() as port, host.forward("127.0.0.1", port) as local, \
            socket.create_connection(local, timeout=5) as conn:
        conn.sendall(b"ping")
        assert conn.recv(16) == b"ping"
    assert host.round_trips == 2 and len(server.sessions) == 1
    assert host.config.control_path.exists()
    host.close()
    assert not host.config.control_path.exists()


@openssh
@pytest.mark.parametrize("known", ["", "changed"])
def test_openssh_refuses_unknown_and_changed_host_keys(server, tmp_path, known):
    line = server.known_hosts_line(paramiko.ECDSAKey.generate()) if known else ""
    host = transport(server, tmp_path, line, scheme="ssh")
    with pytest.raises(FactsUnavailable, match="^cannot connect: Host key verification failed."):
        host.run("true")


@openssh
def test_openssh_accept_new_adds_an_unknown_key(server, tmp_path):
    host = transport(server, tmp_path, scheme="ssh", strict_host_key_checking="accept-new")
    assert host.run("echo hi").stdout == "hi\n"
    assert server.host_key.get_base64() in (tmp_path / "known_hosts").read_text()
    host.close()
