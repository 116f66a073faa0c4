"""The lab itself: two reachable hosts whose only differences are the seeded drift."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import paramiko
import pytest
import yaml

import drverify.lab
from drverify.lab import PRODUCTION, HostSpec, Lab, LabError, Result
from drverify.lab.default import default_lab
from drverify.lab.firewall import FilterRuleset

HostExec = Callable[[str, Sequence[str]], Result]  # the `host_exec` fixture
SshRun = Callable[[str, str], subprocess.CompletedProcess[str]]  # the `ssh` fixture

pytestmark = pytest.mark.lab

MIB = 1024 * 1024


def ok(result: Result | subprocess.CompletedProcess[str]) -> str:
    """stdout of a finished command, failing the test with its stderr if it did not succeed."""
    assert result.returncode == 0, result.stderr
    return str(result.stdout)


def flat_mounts(tree: list[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """findmnt -J's nested filesystems as (target, source, fstype, options) rows."""
    rows = []
    for fs in tree:
        rows.append((fs["target"], fs["source"], fs["fstype"], fs["options"]))
        rows += flat_mounts(fs.get("children", []))
    return rows


def input_chain(save: str) -> tuple[str, set[str]]:
    """The INPUT policy and rules of an iptables-save output."""
    lines = save.splitlines()
    policy = next(line.split()[1] for line in lines if line.startswith(":INPUT "))
    return policy, {line for line in lines if line.startswith("-A INPUT ")}


@pytest.mark.parametrize(("host", "hostname"), [("production", "mft-prod"), ("recovery", "mft-dr")])
def test_ssh_with_strict_host_keys_reaches_each_host(ssh: SshRun, host: str, hostname: str) -> None:
    assert ok(ssh(host, "hostname")).strip() == hostname


@pytest.mark.parametrize(("host", "size", "used"), [("production", 256, 96), ("recovery", 64, 8)])
def test_srv_mft_is_a_sized_tmpfs_holding_data(ssh: SshRun, host: str, size: int, used: int) -> None:
    out = ok(ssh(host, "findmnt -J -b -o TARGET,FSTYPE,SIZE,USED /srv/mft"))
    (fs,) = json.loads(out)["filesystems"]
    assert (fs["fstype"], fs["size"]) == ("tmpfs", size * MIB)
    assert used * MIB <= fs["used"] < (used + 1) * MIB


def test_mount_tables_differ_only_by_seeded_srv_mounts(ssh: SshRun) -> None:
    # Namespace files (nsfs) are left out: they are kernel bookkeeping that drverify ignores, and
    # inside a chroot made with unshare one can stay visible in a later host's table.
    prod, dr = ({m for m in flat_mounts(json.loads(ok(ssh(h, "findmnt -J -b")))["filesystems"])
                 if m[2] != "nsfs"} for h in ("production", "recovery"))
    assert sorted(set(prod) - set(dr)) == [
        ("/srv/archive", "tmpfs", "tmpfs", "rw,relatime,size=65536k,mode=755"),
        ("/srv/mft", "tmpfs", "tmpfs", "rw,relatime,size=262144k,mode=755"),
    ]
    assert sorted(set(dr) - set(prod)) == [("/srv/mft", "tmpfs", "tmpfs", "rw,relatime,size=65536k,mode=755")]


@pytest.mark.parametrize(("host", "uid"), [("production", 2001), ("recovery", 2002)])
def test_service_account_uid_is_seeded(ssh: SshRun, host: str, uid: int) -> None:
    expected = f"mftsvc:x:{uid}:2001::/srv/mft/home/mftsvc:/bin/bash"
    assert ok(ssh(host, "getent passwd mftsvc")).strip() == expected
    assert ok(ssh(host, "stat -c %u:%g /srv/mft/home/mftsvc")).strip() == f"{uid}:2001"


def test_groups_and_extra_user_are_seeded(ssh: SshRun) -> None:
    assert ok(ssh("production", "getent group mftgrp")).strip() == "mftgrp:x:2001:mftsvc,alice"
    assert ok(ssh("recovery", "getent group mftgrp")).strip() == "mftgrp:x:2001:mftsvc"
    assert ssh("production", "getent passwd tempadmin").returncode == 2
    assert ok(ssh("recovery", "getent passwd tempadmin; stat -c %U /home/tempadmin")).split() == [
        "tempadmin:x:2999:2999::/home/tempadmin:/bin/bash", "tempadmin"]


def test_host_accounts_stay_inside_the_hosts() -> None:
    assert "mftsvc" not in Path("/etc/passwd").read_text()


def test_firewalls_differ_by_the_seeded_rules(ssh: SshRun) -> None:
    (prod_policy, prod), (dr_policy, dr) = (input_chain(ok(ssh(h, "iptables-save -t filter")))
                                            for h in ("production", "recovery"))
    assert (prod_policy, dr_policy) == ("DROP", "DROP")
    assert len(prod & dr) == 6  # with the key services' and the SFTP service's rules, the same on both
    assert prod - dr == {"-A INPUT -s 203.0.113.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT"}
    assert dr - prod == {"-A INPUT -p tcp -m tcp --dport 8080 -j ACCEPT"}


def test_sftp_listener_answers_on_production_only(lab: Lab) -> None:
    with socket.create_connection((lab.hosts["production"].address, 2222), timeout=3) as sock:
        assert sock.recv(8).startswith(b"SSH-2.0")
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((lab.hosts["recovery"].address, 2222), timeout=3)


#: TLS and SFTP listeners of drverify.lab.keys, and ProFTPD's (drverify.lab.mftservice), on both hosts
KEY_PORTS = {"21", "990", "2022", "4443", "2122"}


@pytest.mark.parametrize(("host", "ports"), [("production", {"22", "2222"} | KEY_PORTS), ("recovery", {"22"} | KEY_PORTS)])
def test_listeners(ssh: SshRun, host: str, ports: set[str]) -> None:
    lines = ok(ssh(host, "ss -H -tlnp")).splitlines()
    assert {line.split()[3].rsplit(":", 1)[1] for line in lines} == ports


@pytest.mark.parametrize(("host", "addresses"),
                         [("production", ["198.51.100.10", "198.51.100.12"]),
                          ("recovery", ["198.51.100.20"])])
def test_addresses_and_no_way_out(host_exec: HostExec, host: str, addresses: list[str]) -> None:
    links = json.loads(host_exec(host, ["ip", "-j", "addr", "show", "dev", "eth0"]).stdout)
    assert [a["local"] for a in links[0]["addr_info"]] == addresses  # IPv4 only: no link-local noise
    assert host_exec(host, ["ip", "route", "show", "default"]).stdout == ""


def test_hosts_reach_each_other_across_the_bridge(host_exec: HostExec) -> None:
    script = "exec 3<>/dev/tcp/198.51.100.20/22; head -c 7 <&3"
    assert host_exec("production", ["timeout", "3", "bash", "-c", script]).stdout == "SSH-2.0"


def test_paramiko_verifies_the_generated_known_hosts(lab: Lab) -> None:
    client = paramiko.SSHClient()
    client.load_host_keys(str(lab.known_hosts_path))
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(lab.hosts["recovery"].address, username="root", key_filename=str(lab.identity_file),
                   look_for_keys=False, allow_agent=False, timeout=5)
    try:
        _, stdout, _ = client.exec_command("hostname")
        assert stdout.read().decode().strip() == "mft-dr"
    finally:
        client.close()


def test_inventory_names_both_pairs_with_state_dir_paths(lab: Lab) -> None:
    inventory = yaml.safe_load(lab.inventory_path.read_text())
    assert inventory["defaults"]["ssh"] == {"identity_file": str(lab.identity_file),
                                            "known_hosts": str(lab.known_hosts_path),
                                            "config": str(lab.ssh_config_path)}
    assert [(p["name"], p["production"], p["recovery"]) for p in inventory["pairs"]] == [
        ("lab-ssh", "ssh://root@198.51.100.10", "ssh://root@198.51.100.20"),
        ("lab-paramiko", "paramiko://root@198.51.100.10", "paramiko://root@198.51.100.20"),
    ]
    assert inventory["pairs"][0]["translate"]["198.51.100.12"] == "198.51.100.22"


# Lifecycle tests: conftest runs them last, alone, and they leave the lab up.

@pytest.mark.lab_lifecycle
def test_up_twice_in_a_row(lab: Lab, ssh: SshRun) -> None:
    lab.up()
    started = time.monotonic()
    lab.up()
    assert time.monotonic() - started < 15
    assert ok(ssh("recovery", "hostname")).strip() == "mft-dr"


@pytest.mark.lab_lifecycle
def test_down_leaves_nothing_and_is_idempotent(lab: Lab) -> None:
    try:
        started = time.monotonic()
        lab.down()
        assert time.monotonic() - started < 5
        assert lab.status().empty, lab.status().lines()
        lab.down()
        assert lab.status().empty, lab.status().lines()
    finally:
        lab.up()


@pytest.mark.lab_lifecycle
def test_cli_down_then_status_reports_nothing_left(lab: Lab) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(drverify.lab.__file__).parents[2])}
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        argv = [sys.executable, "-m", "drverify.lab", *args, "--state-dir", str(lab.state_dir)]
        return subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60, check=False)
    try:
        assert cli("status").returncode == 0
        assert cli("down").returncode == 0
        status = cli("status")
        assert (status.returncode, status.stdout) == (3, "lab is down: nothing left\n")
        assert cli("down").returncode == 0
    finally:
        lab.up()


@pytest.mark.lab_lifecycle
def test_failed_up_raises_one_line_and_leaves_nothing(lab: Lab, tmp_path: Path) -> None:
    broken_rules = FilterRuleset(("-p tcp --dport not-a-port -j ACCEPT",))
    broken = HostSpec(PRODUCTION.node, replace(PRODUCTION.seed, firewall=broken_rules))
    try:
        with pytest.raises(LabError, match=r"^nsenter .*iptables-restore failed \(exit \d+\): ") as failure:
            default_lab(tmp_path / "state", hosts=(broken,)).up()
        assert "\n" not in str(failure.value)
        assert not (tmp_path / "state").exists()
        assert lab.status().empty, lab.status().lines()
    finally:
        lab.up()
