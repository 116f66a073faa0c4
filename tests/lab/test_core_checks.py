"""The core areas against the lab's real hosts, over ssh:// and paramiko://: exactly the drift
seeded there, and an unverified (never passed) area when the recovery host's sshd is stopped."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml
from runner import as_check_account, run_area_checks

from drverify.lab import Lab
from drverify.lab.sshd import MAIN_LISTENER

CORE = ("disks", "network", "firewall", "users")

#: (area, item, severity) of every difference seeded between the lab's two hosts
SEEDED = {
    ("disks", "/srv/archive", "critical"),
    ("disks", "/srv/mft", "critical"),
    ("network", "address 198.51.100.22", "major"),
    ("network", "listener tcp/2222", "major"),
    ("firewall", "ip4 filter/INPUT -s 203.0.113.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT", "critical"),
    ("firewall", "ip4 filter/INPUT -p tcp -m tcp --dport 8080 -j ACCEPT", "major"),
    ("firewall", "ip4 filter/OUTPUT", "major"),  # recovery rejects LDAPS out (network checks)
    ("users", "user mftsvc uid/gid", "critical"),
    ("users", "group mftgrp members", "major"),
    ("users", "user tempadmin", "minor"),
    ("users", "group tempadmin", "minor"),
}


def run_checks(inventory: Path, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """`pytest checks` for the core areas, with both reports; returns the run and drift.json."""
    return run_area_checks(inventory, out, *args, areas=CORE)


def found(report: dict, pair: str) -> set[tuple[str, str, str]]:
    return {(d["area"], d["item"], d["severity"]) for d in report["drift"]
            if d["pair"] == pair and d["area"] in CORE}


def test_exactly_the_seeded_drift_over_ssh_and_paramiko(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(lab.inventory_path, tmp_path)
    assert run.returncode == 1, "drift was seeded: pytest must exit 1"
    for pair in ("lab-ssh", "lab-paramiko"):
        assert found(report, pair) == SEEDED, pair
    statuses = {(r["pair"], r["area"]): r["status"] for r in report["results"] if r["area"] in CORE}
    assert set(statuses.values()) == {"drift"} and len(statuses) == 2 * len(CORE)
    messages = {d["item"]: d["message"] for d in report["drift"] if d["pair"] == "lab-ssh"}
    assert "cannot hold production's data" in messages["/srv/mft"]
    assert "2001" in messages["user mftsvc uid/gid"] and "2002" in messages["user mftsvc uid/gid"]
    assert (tmp_path / "report.html").stat().st_size > 10_000


def test_snapshot_of_production_checks_recovery_while_production_is_gone(lab: Lab, tmp_path: Path) -> None:
    snapshots = tmp_path / "snapshots"
    run_checks(lab.inventory_path, tmp_path, f"--snapshot-out={snapshots}")
    inventory = yaml.safe_load(lab.inventory_path.read_text())
    pair = inventory["pairs"][0]
    pair["production"] = {"snapshot": str(snapshots / f"{pair['name']}.production.json")}
    inventory["pairs"] = [pair]
    offline = tmp_path / "offline.yaml"
    offline.write_text(yaml.safe_dump(inventory))
    _, report = run_checks(offline, tmp_path / "offline")
    assert found(report, pair["name"]) == SEEDED
    production = {h["source"] for r in report["results"] for h in r["hosts"] if h["role"] == "production"}
    assert production == {"snapshot"}


@pytest.mark.lab_lifecycle
def test_stopped_sshd_makes_recovery_unverified_and_other_pairs_go_on(lab: Lab, tmp_path: Path) -> None:
    inventory = yaml.safe_load(lab.inventory_path.read_text())
    ssh_pair = inventory["pairs"][0]
    twin = {**ssh_pair, "name": "prod-vs-itself", "recovery": ssh_pair["production"], "translate": {}}
    inventory["pairs"] = [ssh_pair, twin]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(inventory))
    pid = lab.exec("recovery", ["cat", MAIN_LISTENER.pid_file]).stdout.strip()
    lab.exec("recovery", ["kill", pid])
    try:
        run, report = run_checks(path, tmp_path)
    finally:
        lab.up()  # the next user finds the lab as built
    assert run.returncode == 1
    statuses = {(r["pair"], r["area"]): (r["status"], r["reason"]) for r in report["results"]}
    for area in CORE:
        status, reason = statuses[(ssh_pair["name"], area)]
        assert status == "unverified"
        assert reason.startswith(f"recovery {ssh_pair['recovery']}: {area}: cannot connect")
        assert "Connection refused" in reason
        assert statuses[("prod-vs-itself", area)][0] == "ok"
    assert f"ERROR checks/test_users.py::test_users[{ssh_pair['name']}]" in run.stdout
    assert (tmp_path / "report.html").exists()



def test_an_unprivileged_account_with_sudo_sees_exactly_what_root_sees(lab: Lab, tmp_path: Path) -> None:
    _, report = run_checks(as_check_account(lab.inventory_path, tmp_path, sudo=True), tmp_path)
    assert found(report, "lab-ssh") == SEEDED


def test_without_sudo_the_firewall_is_unverified_saying_why(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(as_check_account(lab.inventory_path, tmp_path, sudo=False), tmp_path)
    statuses = {r["area"]: (r["status"], r["reason"]) for r in report["results"]}
    status, reason = statuses["firewall"]
    assert status == "unverified" and "you must be root" in reason, reason
    assert statuses["users"][0] == "drift"  # the rest is still read
    # a mount the account cannot size (a private mount point elsewhere on the machine) makes
    # disks unverified too, for its own reason, never a guess
    disks, why = statuses["disks"]
    assert disks == "drift" or (disks == "unverified" and "could not be read" in why), why
    assert "ERROR checks/test_firewall.py::test_firewall[lab-ssh]" in run.stdout
