"""The network checks (dns, ldap, egress, reachability) against the lab's real BIND, slapd,
tinyproxy and partner servers, from each host's own vantage point, over ssh:// and paramiko://:
exactly the seeded faults with their causes, unverified (never passed) areas when a server is
stopped, and no secret in any report, snapshot or log."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from runner import run_area_checks

from drverify.lab import Lab, services

AREAS = ("dns", "ldap", "egress", "reachability")
PAIRS = ("lab-ssh", "lab-paramiko")

#: (area, item, severity) -> words the message must hold: the seeded fault and its cause
SEEDED = {
    ("dns", "sftp.mft-prod.example.com ttl @198.51.100.2", "major"): ("86400 s", "300 s maximum", "recovery"),
    ("dns", "sites sharing 198.51.100.20 on recovery @198.51.100.2", "major"):
        ("site-a.mft-dr.example.com and site-b.mft-dr.example.com share",),
    ("ldap", "server ldaps://ldap.example.com:636", "critical"):
        ("TCP connection blocked", "connection refused", "nobody could log in"),
    ("egress", "egress address", "critical"): ("203.0.113.21", "not in the partners' allowlist"),
    ("reachability", "endpoint partner-sftp", "critical"): ("partner-sftp", "connection refused"),
}


def run_checks(lab: Lab, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    return run_area_checks(lab.inventory_path, out, *args, areas=AREAS)


def statuses(report: dict) -> dict[tuple[str, str], str]:
    return {(r["pair"], r["area"]): r["status"] for r in report["results"] if r["area"] in AREAS}


def test_exactly_the_seeded_network_faults_with_their_causes(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(lab, tmp_path)
    assert run.returncode == 1
    for pair in PAIRS:
        records = {(d["area"], d["item"], d["severity"]): d["message"] for d in report["drift"]
                   if d["pair"] == pair and d["area"] in AREAS}
        assert set(records) == set(SEEDED), pair
        for key, words in SEEDED.items():
            assert all(word in records[key] for word in words), (key, records[key])
    assert set(statuses(report).values()) == {"drift"} and len(statuses(report)) == 8
    assert [r["unverified"] for r in report["results"] if r["area"] in AREAS] == [[]] * 8
    egress = [d for d in report["drift"] if d["area"] == "egress"]
    # production's proxy reaches a JSON echo page, recovery's a plain-text one: both are read
    assert {(d["production"], d["recovery"]) for d in egress} == {("203.0.113.11", "203.0.113.21")}
    assert all("production's from 203.0.113.11" in d["message"] for d in egress)
    vantages = {h.get("vantage") for r in report["results"] if r["area"] in ("dns", "ldap", "egress")
                for h in r["hosts"]}
    assert all(v and "probes leave from the host itself" in v for v in vantages), vantages


def test_no_secret_in_reports_snapshots_or_logs(lab: Lab, tmp_path: Path) -> None:
    secrets = [(lab.state_dir / "secrets" / "ldap-bind.password").read_text().strip(),
               (lab.state_dir / "secrets" / "proxy.credentials").read_text().strip().split(":", 1)[1]]
    run, _ = run_checks(lab, tmp_path, f"--snapshot-out={tmp_path / 'snapshots'}", f"--html={tmp_path / 'r.html'}",
                        "--self-contained-html", "--log-level=DEBUG", "-rA")
    texts = {"stdout": run.stdout, "stderr": run.stderr}
    texts.update({str(p): p.read_text() for p in tmp_path.rglob("*") if p.is_file()})
    assert len(texts) >= 2 + 2 + 4, sorted(texts)  # drift.json, report, 4 snapshots
    for name, text in texts.items():
        for secret in secrets:
            assert secret not in text, f"a secret leaked into {name}"


@pytest.mark.lab_lifecycle
def test_stopped_servers_make_their_areas_unverified_not_passed(lab: Lab, tmp_path: Path) -> None:
    stopped = ("named", "slapd", "tinyproxy-prod")
    for daemon in stopped:
        services.stop(lab, daemon)
    try:
        run, report = run_checks(lab, tmp_path)
    finally:
        for daemon in stopped:
            services.start(lab, daemon)
    reasons = {(r["pair"], r["area"]): r["reason"] for r in report["results"]}
    for pair in PAIRS:
        for area, words in (("dns", "does not answer production"), ("ldap", "production cannot use"),
                            ("egress", "production's proxy"), ("reachability", "production cannot reach")):
            assert statuses(report)[(pair, area)] == "unverified", (pair, area)
            assert words in reasons[(pair, area)], reasons[(pair, area)]
    # named is down too, so the names of the directory and the partners no longer resolve
    assert "tcp/636: name does not resolve" in reasons[("lab-ssh", "ldap")]
    assert "name does not resolve" in reasons[("lab-ssh", "reachability")]
    assert "tcp/53: connection refused" in reasons[("lab-ssh", "dns")]
    assert "ERROR checks/test_ldap.py::test_ldap[lab-ssh]" in run.stdout
    unverified = {(r["pair"], r["area"]): {(u["item"], u["host"].split()[0]) for u in r["unverified"]}
                  for r in report["results"] if r["area"] in AREAS}
    for pair in PAIRS:
        assert unverified[(pair, "dns")] >= {("server 198.51.100.2", "production")}
        assert unverified[(pair, "ldap")] == {("server ldaps://ldap.example.com:636", "production")}
        assert unverified[(pair, "egress")] == {("proxy", "production")}
        assert unverified[(pair, "reachability")] == {("endpoint partner-sftp", "production"),
                                                      ("endpoint partner-https", "production")}
