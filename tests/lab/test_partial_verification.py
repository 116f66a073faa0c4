"""One unreadable item never hides the rest (issue 7), against the lab's real hosts and servers:
the item is listed as unverified with host, area and reason; every other seeded difference of
the area is still reported, and the check fails on that drift instead of erroring on it all."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from runner import lab_ssh_inventory, run_area_checks

from drverify.lab import Lab

#: an address of the lab's services node where nothing answers DNS: "a DNS server down"
DOWN_DNS = "198.51.100.3"




def result_of(report: dict, area: str) -> dict:
    [result] = [r for r in report["results"] if r["area"] == area]
    return result


def items(result: dict) -> set[tuple[str, str]]:
    """(item, role) of each unverified item of a result."""
    return {(u["item"], u["host"].split()[0]) for u in result["unverified"]}


def test_one_dns_server_down_among_two_leaves_the_other_servers_drift_reported(lab: Lab, tmp_path: Path) -> None:
    def two_servers(pair: dict) -> None:
        pair["network"]["dns"]["servers"] = ["198.51.100.2", DOWN_DNS]

    run, report = run_area_checks(lab_ssh_inventory(lab.inventory_path, tmp_path, two_servers), tmp_path, areas=("dns",))
    dns = result_of(report, "dns")
    assert dns["status"] == "drift" and run.returncode == 1
    found = {(d["item"], d["severity"]) for d in report["drift"]}
    assert ("sftp.mft-prod.example.com ttl @198.51.100.2", "major") in found
    assert ("sites sharing 198.51.100.20 on recovery @198.51.100.2", "major") in found
    assert not any(DOWN_DNS in item for item, _ in found)
    assert (f"server {DOWN_DNS}", "production") in items(dns)
    [reason] = [u["reason"] for u in dns["unverified"] if u["item"] == f"server {DOWN_DNS}"]
    assert "connection refused" in reason, reason
    assert "1 failed" in run.stdout
    assert f"UNVERIFIED production ssh://root@198.51.100.10: dns: server {DOWN_DNS}" in run.stdout


@pytest.fixture
def unreadable_certificate(lab: Lab) -> Iterator[str]:
    """One of production's certificate files made unreadable to the unprivileged check account."""
    path = "/etc/mft/tls/ftps.pem"
    lab.exec("production", ["chmod", "600", path])
    try:
        yield path
    finally:
        lab.exec("production", ["chmod", "644", path])


@pytest.mark.lab_lifecycle  # changes a file on production: no other test may see it
def test_one_unreadable_certificate_file_leaves_the_other_files_drift_reported(
        lab: Lab, tmp_path: Path, unreadable_certificate: str) -> None:
    def unprivileged(pair: dict) -> None:
        for role in ("production", "recovery"):
            pair[role] = {"host": pair[role].replace("root@", "drvcheck@"), "sudo": False}

    inventory = lab_ssh_inventory(lab.inventory_path, tmp_path, unprivileged)
    run, report = run_area_checks(inventory, tmp_path, areas=("certificates",))
    certificates = result_of(report, "certificates")
    assert certificates["status"] == "drift" and run.returncode == 1, certificates
    found = {(d["item"], d["severity"]) for d in report["drift"]}
    assert {("/etc/mft/tls/archive.pem", "critical"), ("/etc/mft/tls/partner-api.pem expiry", "critical"),
            ("/etc/mft/tls/as2.pem expiry", "major")} <= found
    assert (unreadable_certificate, "production") in items(certificates)
    [reason] = [u["reason"] for u in certificates["unverified"] if u["item"] == unreadable_certificate]
    assert "ermission denied" in reason, reason
    assert not any(item.startswith(unreadable_certificate) for item, _ in found)


#: a mount that findmnt lists but cannot size (statfs: ENOENT): a volume mounted on a directory
#: that a later mount over its parent hid. (A bind mount whose source directory was deleted is
#: still sized by findmnt on Debian 12; a hidden mount point is what leaves it without a size.)
STALE_PARENT, STALE = "/srv/stale", "/srv/stale/data"


def mount_stale_volume(lab: Lab, host: str, hide: bool) -> None:
    """/srv/stale/data on ``host``; with ``hide``, a tmpfs mounted over /srv/stale then hides it."""
    script = (f"mkdir -p {STALE_PARENT} && mount -t tmpfs -o size=8M tmpfs {STALE_PARENT}"
              f" && mkdir {STALE} && mount -t tmpfs -o size=4M tmpfs {STALE}")
    if hide:
        script += f" && mount -t tmpfs -o size=8M tmpfs {STALE_PARENT}"
    lab.exec(host, ["sh", "-c", script])


def unmount_stale_volume(lab: Lab, host: str) -> None:
    lab.exec(host, ["sh", "-c", f"while mountpoint -q {STALE_PARENT}; do umount -l {STALE_PARENT}; done;"
                                f" rmdir {STALE_PARENT}"], check=False)


@pytest.fixture(params=["recovery", "production"])
def stale_mount(request: pytest.FixtureRequest, lab: Lab) -> Iterator[str]:
    """The same volume on both hosts, unsizable on the side the parameter names."""
    unreadable = request.param
    try:
        for host in ("production", "recovery"):
            mount_stale_volume(lab, host, hide=host == unreadable)
        yield unreadable
    finally:
        for host in ("production", "recovery"):
            unmount_stale_volume(lab, host)


@pytest.mark.lab_lifecycle  # mounts volumes on the hosts: no other test may see them
def test_one_unsizable_mount_leaves_every_other_disk_difference_reported(
        lab: Lab, tmp_path: Path, stale_mount: str) -> None:
    run, report = run_area_checks(lab_ssh_inventory(lab.inventory_path, tmp_path, lambda pair: None), tmp_path, areas=("disks",))
    disks = result_of(report, "disks")
    assert disks["status"] == "drift" and run.returncode == 1, disks
    found = {(d["item"], d["severity"]) for d in report["drift"]}
    # the seeded differences: recovery's /srv/mft too small for production's data, /srv/archive missing
    assert {("/srv/mft", "critical"), ("/srv/archive", "critical")} <= found, found
    assert not any(item.startswith(STALE) for item, _ in found), found
    assert items(disks) == {(STALE, stale_mount)}
    [reason] = [u["reason"] for u in disks["unverified"]]
    assert "No such file or directory" in reason and "ignore_unreadable" in reason, reason
    assert f"UNVERIFIED {stale_mount} ssh://root@" in run.stdout


@pytest.mark.lab_lifecycle
def test_an_unsizable_mount_the_user_expects_is_ignored_not_unverified(lab: Lab, tmp_path: Path) -> None:
    try:
        for host in ("production", "recovery"):
            mount_stale_volume(lab, host, hide=host == "recovery")

        def expected_stale(pair: dict) -> None:
            pair["policies"]["disks"]["ignore_unreadable"] = [f"{STALE_PARENT}/*"]

        _, report = run_area_checks(lab_ssh_inventory(lab.inventory_path, tmp_path, expected_stale), tmp_path, areas=("disks",))
    finally:
        for host in ("production", "recovery"):
            unmount_stale_volume(lab, host)
    disks = result_of(report, "disks")
    assert disks["status"] == "drift" and disks["unverified"] == [], disks
