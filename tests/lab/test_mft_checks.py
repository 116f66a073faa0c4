"""The MFT service areas against the lab's real ProFTPD (mod_sftp) on both hosts and the real
HAProxy in front of them, over ssh:// and paramiko://: real SFTP transfers land in each server's
own transfer log and session table, exactly the seeded readiness drift is reported, no password
or hash leaks, and a stopped balancer or server shows in the affected area (unverified, or
drift when drverify can see the server stopped), never as a pass."""

from __future__ import annotations

import io
import json
import subprocess
import uuid
from pathlib import Path

import paramiko
import pytest
from partners import sftp, transfer_log
from runner import as_check_account, run_area_checks

from drverify.lab import Lab, balancer, mftservice

AREAS = ("mft_config", "mft_software", "load_balancer")
PAIRS = ("lab-ssh", "lab-paramiko")
CRYPTO = "/srv/mft/installers/proftpd-mod-crypto_1.3.8-bundle.tar.gz"

#: (area, item, severity) -> words the message must hold
SEEDED = {
    ("mft_config", "export age", "critical"): ("30.", "older than the 24 h RPO"),
    ("mft_config", "user initech", "major"): ("initech: production has it", "newest export"),
    ("mft_software", f"installer {CRYPTO}", "critical"): ("missing on recovery",),
    ("load_balancer", "member mft-dr", "major"): ("in maintenance", "production's mft-prod: UP (active)"),
}


def run_checks(inventory: Path, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    return run_area_checks(inventory, out, *args, areas=AREAS)


def records(report: dict, pair: str) -> dict[tuple[str, str, str], str]:
    return {(d["area"], d["item"], d["severity"]): d["message"] for d in report["drift"]
            if d["pair"] == pair and d["area"] in AREAS}


def results(report: dict, pair: str = "lab-ssh") -> dict[str, tuple[str, str | None]]:
    return {r["area"]: (r["status"], r["reason"]) for r in report["results"] if r["pair"] == pair and r["area"] in AREAS}


def host_keys(lab: Lab, host: str) -> set[str]:
    """The host's own SSH host keys (mod_sftp serves them), as ``type base64``."""
    keys = lab.state_dir / "hosts" / host
    return {" ".join(path.read_text().split()[:2]) for path in keys.glob("ssh_host_*_key.pub")}


def round_trip(client: paramiko.SFTPClient, name: str, data: bytes) -> bytes:
    client.putfo(io.BytesIO(data), f"/inbound/{name}")
    back = io.BytesIO()
    client.getfo(f"/inbound/{name}", back)
    client.remove(f"/inbound/{name}")  # leave nothing pending for the failback checks
    return back.getvalue()


def test_sftp_transfers_are_logged_by_each_host_s_own_proftpd(lab: Lab) -> None:
    """The same transfer on both hosts (name, size, user): it leaves recovery's log matching
    production's, so the failback checks' ledger never counts it as known to recovery only."""
    name, data = f"order-{uuid.uuid4().hex[:8]}.csv", uuid.uuid4().bytes * 4096
    path = f"/srv/mft/sftp/acme/inbound/{name}"
    for host in ("production", "recovery"):
        with sftp(lab, lab.hosts[host].address) as (client, key):
            assert f"{key.get_name()} {key.get_base64()}" in host_keys(lab, host)
            assert sorted(client.listdir("/")) == ["inbound", "outbound"]  # chrooted to its home
            assert round_trip(client, name, data) == data
    for host in ("production", "recovery"):
        mine = [(fields[7], fields[11], fields[13], fields[-1]) for fields in transfer_log(lab, host) if fields[8] == path]
        size = str(len(data))  # xferlog(5): upload, download, delete (of that size), each complete
        assert mine == [(size, "i", "acme", "c"), (size, "o", "acme", "c"), (size, "d", "acme", "c")], host


def test_the_balancer_sends_partners_to_production(lab: Lab) -> None:
    name, data = f"via-lb-{uuid.uuid4().hex[:8]}.csv", b"x" * 65536
    with sftp(lab, balancer.ADDRESS) as (client, key):
        assert f"{key.get_name()} {key.get_base64()}" in host_keys(lab, "production")
        assert round_trip(client, name, data) == data
    logged = [fields for fields in transfer_log(lab, "production") if fields[8].endswith(name)]
    assert {fields[6] for fields in logged} == {balancer.ADDRESS}  # the client ProFTPD saw: HAProxy


def test_an_open_session_shows_in_that_host_s_scoreboard_only(lab: Lab) -> None:
    def sessions(host: str) -> list[dict]:
        out = lab.exec(host, ["ftpwho", "-o", "json", "-f", mftservice.SCOREBOARD]).stdout
        return json.loads(out)["connections"]

    # on production: recovery's session table and transfer log stay as the failback checks expect
    with sftp(lab, lab.hosts["production"].address, "globex") as (client, _):
        with client.open("/inbound/in-flight.bin", "wb") as stream:
            stream.write(b"y" * 32768)
            stream.flush()
            assert "globex" in [s["user"] for s in sessions("production")]
            assert [s["user"] for s in sessions("recovery") if s["user"] == "globex"] == []
        client.remove("/inbound/in-flight.bin")
    status = lab.exec("production", ["ftpdctl", "-s", mftservice.CONTROLS_SOCKET, "status", "all"]).stdout
    assert f"0.0.0.0#{mftservice.PORT} UP" in status


def test_exactly_the_seeded_mft_drift_over_ssh_and_paramiko(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(lab.inventory_path, tmp_path)
    assert run.returncode == 1, run.stdout[-3000:]
    for pair in PAIRS:
        found = records(report, pair)
        assert set(found) == set(SEEDED), pair
        for key, words in SEEDED.items():
            assert all(word in found[key] for word in words), (key, found[key])
        assert {area: status for area, (status, _) in results(report, pair).items()} == dict.fromkeys(AREAS, "drift")
    assert [r["unverified"] for r in report["results"] if r["area"] in AREAS] == [[]] * 6


def test_no_password_or_hash_in_reports_snapshots_or_logs(lab: Lab, tmp_path: Path) -> None:
    secrets = list(mftservice.passwords(lab.state_dir).values())
    for host in ("production", "recovery"):
        secrets += [line.split(":")[1] for line in lab.exec(host, ["cat", mftservice.AUTH_USER_FILE]).stdout.splitlines()]
    assert len(secrets) == 3 + 5 and all(hash_.startswith("$6$") for hash_ in secrets[3:])
    run, _ = run_checks(lab.inventory_path, tmp_path, f"--snapshot-out={tmp_path / 'snapshots'}",
                        "--log-level=DEBUG", "-rA")
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    texts.update({str(path): path.read_text() for path in tmp_path.rglob("*") if path.is_file()})
    assert len(list((tmp_path / "snapshots").glob("*.json"))) == 4
    for name, text in texts.items():
        assert not [secret[:6] for secret in secrets if secret in text], f"a password or hash leaked into {name}"



def test_with_sudo_the_check_account_sees_the_seeded_drift(lab: Lab, tmp_path: Path) -> None:
    _, report = run_checks(as_check_account(lab.inventory_path, tmp_path, sudo=True), tmp_path)
    assert set(records(report, "lab-ssh")) == set(SEEDED)


def test_without_sudo_unreadable_exports_and_users_are_unverified_saying_why(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(as_check_account(lab.inventory_path, tmp_path, sudo=False), tmp_path)
    found = results(report)
    assert found["mft_config"][0] == "unverified"
    items = {(u["item"], u["host"].split()[0]): u["reason"] for r in report["results"] if r["area"] == "mft_config"
             for u in r["unverified"]}
    assert set(items) == {("export sha256", "production"), ("configuration", "production"), ("export", "recovery")}
    assert "permission denied on /srv/mft/export" in items[("export", "recovery")]
    assert f"{mftservice.AUTH_USER_FILE}: permission denied" in items[("configuration", "production")]
    assert found["mft_software"][0] == "drift"  # the installers and the pid file are world-readable
    assert "ERROR checks/test_mft_config.py::test_mft_config[lab-ssh]" in run.stdout


@pytest.mark.lab_lifecycle
def test_a_stopped_balancer_leaves_its_area_unverified_with_the_reason(lab: Lab, tmp_path: Path) -> None:
    balancer.stop(lab)
    try:
        run, report = run_checks(lab.inventory_path, tmp_path)
    finally:
        balancer.start(lab)
    for pair, scheme in zip(PAIRS, ("ssh", "paramiko")):
        status, reason = results(report, pair)["load_balancer"]
        assert status == "unverified"
        assert f"balancer {scheme}://root@{balancer.ADDRESS}:" in reason and "Connection refused" in reason
        assert {key[:2] for key in records(report, pair)} == {key[:2] for key in SEEDED if key[0] != "load_balancer"}
    assert "ERROR checks/test_load_balancer.py::test_load_balancer[lab-ssh]" in run.stdout


@pytest.mark.lab_lifecycle
def test_a_stopped_proftpd_on_recovery_is_seen_and_reported(lab: Lab, tmp_path: Path) -> None:
    """Its PidFile names no live proftpd: drverify knows it is stopped (drift, not a guess)."""
    mftservice.stop(lab, "recovery")
    try:
        _, report = run_checks(lab.inventory_path, tmp_path)
    finally:
        mftservice.start(lab, "recovery")
    for pair in PAIRS:
        found = records(report, pair)
        running = ("mft_software", "service proftpd.service running", "critical")
        assert set(found) == set(SEEDED) | {running}
        assert f"no live proftpd for {mftservice.PID_FILE}" in found[running]
