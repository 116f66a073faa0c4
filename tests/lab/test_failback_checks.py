"""The way back, against the lab's real ProFTPD: an outage is played on recovery with real SFTP
sessions and ``ftpasswd``, recovery's transfer history is shipped to production the way an operator
does it (one line lost on the way), and ``--direction failback`` must report exactly that, with
recovery as the reference, over ssh:// and paramiko://.

The outage: acme's upload is still in flight while the checks run; acme and globex each uploaded a
file nobody collected; acme downloaded a report (the line production never got); a partner
account was created and globex's password changed on recovery, and the service account mftsvc got
a new OS password there. Everything is undone afterwards, so
the takeover tests meet the lab as ``up`` left it."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from partners import sftp, transfer_log
from runner import run_area_checks

from drverify.lab import Lab, balancer, mftservice
from drverify.lab.files import FileSpec

AREAS = ("users", "mft_config", "mft_software", "load_balancer", "active_transfers", "pending_files",
         "transfer_ledger")
PAIRS = ("lab-ssh", "lab-paramiko")
CREATED = mftservice.VirtualUser("wayne", 3004)
SAVED = (mftservice.AUTH_USER_FILE, mftservice.TRANSFER_LOG, "/etc/shadow")


@dataclass(frozen=True)
class Outage:
    """What happened on recovery, as absolute paths on the server."""

    in_flight: str
    pending: tuple[str, str]
    unshipped: str


def inbound(user: str, name: str) -> str:
    return f"{mftservice.DATA_ROOT}/{user}/inbound/{name}"


def _sh(lab: Lab, host: str, script: str, *args: str) -> str:
    return lab.exec(host, ["sh", "-ec", script, "sh", *args]).stdout


def _save(lab: Lab) -> None:
    for host in ("production", "recovery"):
        _sh(lab, host, 'for f in "$@"; do cp -p "$f" "$f.before-outage"; done', *SAVED)


def _restore(lab: Lab, files: list[str]) -> None:
    """Back to the lab as ``up`` left it: copied over in place (ProFTPD appends to the same log)."""
    for host in ("production", "recovery"):
        _sh(lab, host, 'for f in "$@"; do cat "$f.before-outage" > "$f"; rm "$f.before-outage"; done', *SAVED)
    _sh(lab, "recovery", 'home=$1; shift; rm -f -- "$@"; rm -rf -- "$home"', CREATED.home, *files)


def _ship_history(lab: Lab, lines_before: int, unshipped: str) -> None:
    """Recovery's new log lines appended to production's, all but the download of ``unshipped``."""
    new = [" ".join(fields) for fields in transfer_log(lab, "recovery")[lines_before:]
           if not (fields[8] == unshipped and fields[11] == "o")]
    lab.exec("production", ["sh", "-ec", 'cat >> "$1"', "sh", mftservice.TRANSFER_LOG],
             stdin="".join(line + "\n" for line in new))


def _admin_changes(lab: Lab) -> None:
    """What the administrator did on recovery during the outage, with ``ftpasswd``."""
    lab.put_files("recovery", [FileSpec.dir(CREATED.home, 0o750, CREATED.uid, CREATED.gid)])
    common = ["ftpasswd", "--passwd", f"--file={mftservice.AUTH_USER_FILE}", "--sha512", "--stdin"]
    lab.exec("recovery", [*common, f"--name={CREATED.name}", f"--uid={CREATED.uid}", f"--gid={CREATED.gid}",
                          f"--home={CREATED.home}", "--shell=/bin/false"], stdin=uuid.uuid4().hex + "\n")
    lab.exec("recovery", [*common, "--change-password", "--name=globex"], stdin=uuid.uuid4().hex + "\n")
    lab.exec("recovery", ["chpasswd"], stdin=f"mftsvc:{uuid.uuid4().hex}\n")  # the service account's, in /etc/shadow


@pytest.fixture(scope="module")
def outage(lab: Lab) -> Iterator[Outage]:
    tag = uuid.uuid4().hex[:8]
    seen = Outage(inbound("acme", f"invoices-{tag}.zip"),
                  (inbound("acme", f"orders-{tag}.csv"), inbound("globex", f"ship-{tag}.edi")),
                  f"{mftservice.DATA_ROOT}/acme/outbound/report-{tag}.pdf")
    address = lab.hosts["recovery"].address
    _save(lab)
    lines_before = len(transfer_log(lab, "recovery"))
    lab.put_files("recovery", [FileSpec(seen.unshipped, b"%PDF-1.4 report\n" * 512, 0o640, 3001, 2001)])
    try:
        with sftp(lab, address, "acme") as (acme, _), sftp(lab, address, "globex") as (globex, _):
            acme.putfo(io.BytesIO(b"id;amount\n" * 900), f"/inbound/orders-{tag}.csv")
            globex.putfo(io.BytesIO(b"ISA*00*" * 4000), f"/inbound/ship-{tag}.edi")
            acme.getfo(f"/outbound/report-{tag}.pdf", io.BytesIO())
            acme.putfo(io.BytesIO(b"echo" * 100), f"/inbound/echo-{tag}.txt")  # collected: shipped, not pending
            acme.getfo(f"/inbound/echo-{tag}.txt", io.BytesIO())
            acme.remove(f"/inbound/echo-{tag}.txt")
        _ship_history(lab, lines_before, seen.unshipped)
        with sftp(lab, address, "acme") as (client, _), client.open(f"/inbound/invoices-{tag}.zip", "wb") as stream:
            stream.write(b"PK" * 16384)
            stream.flush()
            _admin_changes(lab)
            yield seen
    finally:
        _restore(lab, [seen.in_flight, *seen.pending, seen.unshipped])


#: the lab's own drift, seen from recovery: the failback direction reports it as well (production's
#: exports are stale, initech was created on production after the last one; the accounts seeded
#: apart, see drverify.lab.hosts). The balancer sends partners to production: nothing there.
STANDING = {
    ("mft_config", "export age", "critical"),
    ("mft_config", "live user initech", "minor"),
    ("users", "user mftsvc uid/gid", "critical"),
    ("users", "group mftgrp members", "major"),
    ("users", "user tempadmin", "major"),
    ("users", "group tempadmin", "major"),
}


def expected(seen: Outage) -> set[tuple[str, str, str]]:
    return STANDING | {
        ("active_transfers", f"transfer {seen.in_flight}", "critical"),
        ("pending_files", f"file {seen.pending[0]}", "major"),
        ("pending_files", f"file {seen.pending[1]}", "major"),
        ("transfer_ledger", f"download {seen.unshipped}", "critical"),
        ("mft_config", f"user {CREATED.name}", "major"),
        ("mft_config", "user globex password", "major"),
        ("users", "user mftsvc password", "major"),
    }


def test_exactly_the_outage_is_reported_when_failing_back(lab: Lab, outage: Outage, tmp_path: Path) -> None:
    run, report = run_area_checks(lab.inventory_path, tmp_path, "--direction=failback", areas=AREAS)
    assert run.returncode == 1, run.stdout[-3000:]
    for pair in PAIRS:
        found = {(d["area"], d["item"], d["severity"]): d["message"] for d in report["drift"] if d["pair"] == pair}
        assert set(found) == expected(outage), (pair, sorted(found))
        assert "acme is uploading" in found[("active_transfers", f"transfer {outage.in_flight}", "critical")]
        assert "production would send it again" in found[("transfer_ledger", f"download {outage.unshipped}", "critical")]
        assert "never shown" in found[("mft_config", "user globex password", "major")]
        assert "set on recovery but locked on production" in found[("users", "user mftsvc password", "major")]
    assert [r["unverified"] for r in report["results"]] == [[]] * len(report["results"])


@pytest.mark.lab_lifecycle
def test_a_stopped_proftpd_on_recovery_leaves_its_sessions_unverified_never_drained(lab: Lab, tmp_path: Path) -> None:
    """With the server down its session table is gone: "no transfer running" cannot be known."""
    mftservice.stop(lab, "recovery")
    try:
        run, report = run_area_checks(lab.inventory_path, tmp_path, "--direction=failback", areas=AREAS)
    finally:
        mftservice.start(lab, "recovery")
    for pair in PAIRS:
        result = next(r for r in report["results"] if r["pair"] == pair and r["area"] == "active_transfers")
        assert result["status"] == "unverified"
        assert [u["item"] for u in result["unverified"]] == ["sessions"]
        assert "ftpwho: exit status 1" in result["unverified"][0]["reason"]
    assert "ERROR checks/test_active_transfers.py::test_active_transfers[lab-ssh]" in run.stdout


@pytest.mark.lab_lifecycle
def test_production_s_member_in_maintenance_blocks_the_way_back(lab: Lab, tmp_path: Path) -> None:
    """The balancer would not send partners back to production: seen on HAProxy's Runtime API."""
    def runtime_api(command: str) -> None:
        lab.exec(balancer.BALANCER.node.name, ["socat", "stdio", balancer.SOCKET], stdin=command + "\n")

    member = f"{balancer.BACKEND}/{balancer.MEMBERS['production']}"
    runtime_api(f"set server {member} state maint")
    try:
        _, report = run_area_checks(lab.inventory_path, tmp_path, "--direction=failback", areas=("load_balancer",))
    finally:
        runtime_api(f"set server {member} state ready")
    for pair in PAIRS:
        found = {(d["area"], d["item"], d["severity"]): d["message"] for d in report["drift"] if d["pair"] == pair}
        assert list(found) == [("load_balancer", "member mft-prod", "major")], found
        assert "maintenance" in found[("load_balancer", "member mft-prod", "major")]
