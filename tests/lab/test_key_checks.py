"""The key areas against the lab's real hosts, over ssh:// and paramiko://: exactly the seeded
faults, an unverified (never passed) area when production serves nothing, and no secret in any
report, snapshot or log."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import yaml
from runner import run_area_checks

from drverify.lab import Lab
from drverify.lab.gpgkeys import cache_dir
from drverify.lab.keys import CLOSED_TLS_PORT

AREAS = ("certificates", "tls", "ssh_hostkeys", "pgp")

#: (area, item, severity) of every key fault seeded on the lab's recovery host
SEEDED = {
    ("certificates", "/etc/mft/tls/archive.pem", "critical"),
    ("certificates", "/etc/mft/tls/partner-api.pem expiry", "critical"),
    ("certificates", "/etc/mft/tls/as2.pem expiry", "major"),
    ("tls", "port 4443 chain", "critical"),
    ("ssh_hostkeys", "port 2022 ecdsa-sha2-nistp256", "critical"),
    ("pgp", "mftsvc key {partner_b}", "critical"),
    ("pgp", "mftsvc key {mftsvc} secret", "critical"),
}


def run_checks(inventory: Path, out: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], dict]:
    """The key checks, logging everything (the no-leak test reads it all)."""
    return run_area_checks(inventory, out, "-o", "log_level=DEBUG", "-rA", *args, areas=AREAS)


def key_ids(lab: Lab) -> dict[str, str]:
    """Last 16 hex digits of the fingerprints, read from production's keyring listing."""
    out = lab.exec("production", ["gpg", "--homedir", "/srv/mft/home/mftsvc/.gnupg", "--batch",
                                  "--with-colons", "--list-keys"]).stdout
    ids, current = {}, None
    for line in out.splitlines():
        fields = line.split(":")
        if fields[0] == "pub":
            current = fields[4]
        elif fields[0] == "uid" and current:
            ids["mftsvc" if "mftsvc@" in fields[9] else fields[9].split()[1].lower()] = current
            current = None
    return ids


def test_exactly_the_seeded_key_faults_over_ssh_and_paramiko(lab: Lab, tmp_path: Path) -> None:
    run, report = run_checks(lab.inventory_path, tmp_path)
    assert run.returncode == 1, run.stdout[-3000:]
    ids = key_ids(lab)
    expected = {(area, item.format(partner_b=ids["b"], mftsvc=ids["mftsvc"]), severity)
                for area, item, severity in SEEDED}
    for pair in ("lab-ssh", "lab-paramiko"):
        found = {(d["area"], d["item"], d["severity"]) for d in report["drift"]
                 if d["pair"] == pair and d["area"] in AREAS}
        assert found == expected, pair
    statuses = {(r["pair"], r["area"]): r["status"] for r in report["results"] if r["area"] in AREAS}
    assert set(statuses.values()) == {"drift"} and len(statuses) == 2 * len(AREAS)


def secrets_of(lab: Lab) -> list[str]:
    """Every secret the lab holds: private key PEM bodies, the PKCS#12 password, gpg's secrets."""
    texts = ["PRIVATE KEY", (lab.state_dir / "pki" / "p12-password").read_text().strip(),
             (cache_dir() / "passphrase").read_text().strip()]
    pems = [*(lab.state_dir / "pki").glob("*.key"), *(lab.state_dir / "keys").rglob("*_key"),
            lab.identity_file, cache_dir() / "secret.asc"]
    for path in pems:
        body = [line for line in path.read_text().splitlines() if line and not line.startswith("-----")]
        texts += [line for line in body if len(line) >= 40]
    for host in ("production", "recovery"):
        for key in lab.exec(host, ["sh", "-c", "cat /etc/mft/tls/private/*.key"]).stdout.splitlines():
            if len(key) >= 40:
                texts.append(key)
    return texts


def test_no_secret_in_reports_snapshots_or_logs(lab: Lab, tmp_path: Path) -> None:
    run, _ = run_checks(lab.inventory_path, tmp_path, f"--snapshot-out={tmp_path / 'snapshots'}",
                        f"--junitxml={tmp_path / 'junit.xml'}")
    outputs = {"stdout+log": run.stdout + run.stderr}
    for path in tmp_path.rglob("*"):
        if path.is_file():
            outputs[path.name] = path.read_text(errors="replace")
    assert len(list((tmp_path / "snapshots").glob("*.json"))) == 4
    secrets = secrets_of(lab)
    assert len(secrets) > 20
    leaks = {(name, secret[:12]) for name, text in outputs.items() for secret in secrets if secret in text}
    assert leaks == set()


def test_nothing_lingers_on_the_hosts_or_here(lab: Lab, tmp_path: Path) -> None:
    home_gnupg = Path.home() / ".gnupg"
    existed = home_gnupg.exists()
    run_checks(lab.inventory_path, tmp_path)
    assert home_gnupg.exists() == existed
    # Lab hosts share the machine's process list, so look for agents of the keyring read here
    # (their command line names its home); gpgconf --kill lets an agent exit on its own, soon.
    deadline = time.monotonic() + 5
    for host in ("production", "recovery"):
        while True:
            agents = [line for line in lab.exec(host, ["ps", "-eo", "args="]).stdout.splitlines()
                      if "gpg-agent" in line and "/srv/mft/home/mftsvc/.gnupg" in line]
            if not agents or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert agents == [], f"{host}: {agents}"


def test_production_serving_nothing_is_unverified_not_passed(lab: Lab, tmp_path: Path) -> None:
    inventory = yaml.safe_load(lab.inventory_path.read_text())
    inventory["pairs"] = inventory["pairs"][:1]
    inventory["pairs"][0]["keys"]["tls"]["ports"] = [{"port": CLOSED_TLS_PORT, "name": "closed"}]
    path = tmp_path / "inventory.yaml"
    path.write_text(yaml.safe_dump(inventory))
    run, report = run_checks(path, tmp_path, "-k", "tls")
    (result,) = [r for r in report["results"] if r["area"] == "tls"]
    assert result["status"] == "unverified"
    assert f"port {CLOSED_TLS_PORT}: connection refused" in result["reason"]
    assert "ERROR checks/test_tls.py::test_tls[lab-ssh]" in run.stdout
