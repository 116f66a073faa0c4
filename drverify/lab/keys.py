"""The lab's keys and certificates: a lab CA, TLS services, SFTP host keys, PGP keyrings.

Both hosts get the same material (copied, as a DR setup should) except the seeded drift, all
on recovery:

- /etc/mft/tls/partner-api.pem is a re-issue that expired 10 days ago;
- /etc/mft/tls/as2.pem is a re-issue that expires in 10 days (horizon 30);
- /etc/mft/tls/archive.pem is missing;
- /etc/mft/tls/https.pem lacks the intermediate, so port 4443 serves the leaf alone;
- the SFTP listener on port 2022 has another ECDSA host key (its Ed25519 key is production's);
- mftsvc's keyring lacks Partner B's public key and mftsvc's own secret key.

Listeners (python3 on 21, 990, 4443; sshd on 2022) and their one firewall rule are identical
on both hosts, so the network and firewall areas see no new drift.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING

from drverify.lab import gpgkeys, sshd, tlsserver
from drverify.lab.errors import LabError
from drverify.lab.files import FileSpec
from drverify.lab.hosts import MFTSVC_HOME
from drverify.lab.pki import Issued, LabPki, leaf, pkcs12_bytes

if TYPE_CHECKING:
    from drverify.lab.handle import LabHandle

TLS_DIR = "/etc/mft/tls"
SFTP_PORT = 2022
SFTP_DIR = "/etc/ssh/sftp"
#: a port in the firewall rule that nothing listens on: "closed" answers at once (REJECT-like)
CLOSED_TLS_PORT = 9443
FIREWALL_RULE = ["-p", "tcp", "-m", "multiport", "--dports",
                 f"21,990,{SFTP_PORT},4443,{CLOSED_TLS_PORT}", "-j", "ACCEPT"]
SNI = "mft.example.test"


def sftp_config() -> str:
    """sshd_config of the partners' SFTP listener: its own host keys, shared by both hosts."""
    lines = [f"Port {SFTP_PORT}", "ListenAddress 0.0.0.0",
             *(f"HostKey {SFTP_DIR}/ssh_host_{kind}_key" for kind in sshd.HOST_KEY_TYPES),
             f"PidFile /run/sftp-{SFTP_PORT}.pid", "PermitRootLogin no", "PasswordAuthentication no",
             "KbdInteractiveAuthentication no", "UsePAM no", "UseDNS no", "Subsystem sftp internal-sftp"]
    return "\n".join(lines) + "\n"


def _pem(*issued: Issued) -> bytes:
    return b"".join(item.cert_pem for item in issued)


SHARED_LEAVES = ("ftps", "https", "partner-api", "as2", "archive", "portal")


def shared_leaves(pki: LabPki) -> dict[str, Issued]:
    """One certificate per name, identical on both hosts (as copied by a DR setup)."""
    return {name: leaf(f"{name}.mft.example.test", pki.intermediate) for name in SHARED_LEAVES}


def tls_files(pki: LabPki, shared: dict[str, Issued], role: str, password: str) -> list[FileSpec]:
    """Certificates and keys of one host; recovery's carry the seeded faults."""
    inter = pki.intermediate
    ftps, https, portal, archive = shared["ftps"], shared["https"], shared["portal"], shared["archive"]
    partner_api, as2 = shared["partner-api"], shared["as2"]
    if role == "recovery":
        partner_api = leaf("partner-api.mft.example.test", inter, -375, -10)
        as2 = leaf("as2.mft.example.test", inter, -355, 10)
    certs = {"ftps.pem": _pem(ftps, inter), "https.pem": _pem(https, inter) if role == "production" else _pem(https),
             "partner-api.pem": _pem(partner_api), "as2.pem": _pem(as2), "intermediate.der": inter.der,
             "portal.p12": pkcs12_bytes(portal, [inter], password)}
    keys = {"ftps": ftps, "https": https, "partner-api": partner_api, "as2": as2}
    if role == "production":
        certs["archive.pem"] = _pem(archive)
        keys["archive"] = archive
    files = [FileSpec.dir("/etc/mft", 0o755), FileSpec.dir(TLS_DIR, 0o755), FileSpec.dir(f"{TLS_DIR}/private", 0o700)]
    files += [FileSpec(f"{TLS_DIR}/{name}", data, 0o600 if name.endswith(".p12") else 0o644)
              for name, data in certs.items()]
    files += [FileSpec(f"{TLS_DIR}/private/{name}.key", item.key_pem, 0o600) for name, item in keys.items()]
    return files


def _key_dir(lab: LabHandle) -> Path:
    return lab.state_dir / "keys"


def make_ssh_keys(lab: LabHandle) -> None:
    """Shared SFTP host keys, and recovery's own ECDSA key (seeded)."""
    key_dir = _key_dir(lab) / "sftp"
    key_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    procs = [sshd.start_keygen(sshd.host_key_path(key_dir, kind), kind, "sftp@mft.example.test")
             for kind in sshd.HOST_KEY_TYPES]
    (key_dir / "recovery").mkdir(exist_ok=True)
    procs.append(sshd.start_keygen(sshd.host_key_path(key_dir / "recovery", "ecdsa"), "ecdsa", "sftp@mft-dr"))
    sshd.finish_keygen(procs)


def ssh_files(lab: LabHandle, role: str) -> list[FileSpec]:
    key_dir = _key_dir(lab) / "sftp"
    files = [FileSpec.dir(SFTP_DIR, 0o755), FileSpec.text(f"{SFTP_DIR}/sshd_config", sftp_config())]
    for kind in sshd.HOST_KEY_TYPES:
        source = key_dir / "recovery" if role == "recovery" and kind == "ecdsa" else key_dir
        private = sshd.host_key_path(source, kind)
        files.append(FileSpec(f"{SFTP_DIR}/{private.name}", private.read_bytes(), 0o600))
        files.append(FileSpec(f"{SFTP_DIR}/{private.name}.pub", sshd.public_key_path(private).read_bytes()))
    return files


def pgp_files(lab: LabHandle, role: str, cache: Path) -> list[FileSpec]:
    user = next(u for u in lab.host_specs[role].seed.users if u.name == "mftsvc")
    home = f"{MFTSVC_HOME}/.gnupg"
    files = [FileSpec.dir(home, 0o700, user.uid, user.gid)]
    for relative, data, directory in gpgkeys.keyring_files(cache / role):
        path = f"{home}/{relative}"
        files.append(FileSpec.dir(path, 0o700, user.uid, user.gid) if directory
                     else FileSpec(path, data, 0o600, user.uid, user.gid))
    return files


def wait_for_ports(address: str, ports: list[int], timeout: float = 5.0) -> None:
    """Bounded wait until every port accepts a TCP connection from the root namespace."""
    deadline = time.monotonic() + timeout
    for port in ports:
        while True:
            try:
                socket.create_connection((address, port), timeout=1.0).close()
                break
            except OSError as error:
                if time.monotonic() > deadline:
                    raise LabError(f"{address}:{port} not ready after {timeout:.0f}s: {error}") from None
                time.sleep(0.01)


def write_client_material(lab: LabHandle, pki: LabPki, password: str) -> dict[str, str]:
    """The CA bundle and the PKCS#12 password file the inventory points at (state dir, 0600)."""
    pki_dir = lab.state_dir / "pki"
    pki_dir.mkdir(exist_ok=True, mode=0o700)
    (pki_dir / "ca.pem").write_bytes(pki.root.cert_pem)
    secret = pki_dir / "p12-password"
    secret.write_text(password + "\n")
    secret.chmod(0o600)
    for name, issued in (("root", pki.root), ("intermediate", pki.intermediate)):
        (pki_dir / f"{name}.key").write_bytes(issued.key_pem)
    return {"ca_bundle": str(pki_dir / "ca.pem"), "password_file": str(secret)}


def inventory_keys(client: dict[str, str]) -> dict:
    """The `keys` section every lab pair gets."""
    return {
        "certificates": {
            "paths": [f"{TLS_DIR}/*.pem", f"{TLS_DIR}/*.der", f"{TLS_DIR}/*.p12"],
            "keys": [f"{TLS_DIR}/private/*.key"],
            "ca_bundle": client["ca_bundle"],
            "allow_reissued": True,
            "pkcs12_password": {"file": client["password_file"]},
        },
        "tls": {
            "ports": [{"port": 21, "protocol": "ftps-explicit", "sni": SNI, "name": "ftps-explicit"},
                      {"port": 990, "sni": SNI, "name": "ftps-implicit"},
                      {"port": 4443, "sni": SNI, "name": "https"}],
            "ca_bundle": client["ca_bundle"],
            "timeout": 2.0,
        },
        "ssh_hostkeys": {"ports": [SFTP_PORT], "timeout": 2.0},
        "pgp": {"accounts": [{"name": "mftsvc"}]},
    }


def provision(lab: LabHandle) -> None:
    """Place keys and certificates, start the TLS and SFTP listeners, add the inventory keys."""
    if not {"production", "recovery"} <= lab.hosts.keys():
        return
    pki = LabPki.create()
    shared = shared_leaves(pki)
    password = "p12-" + pki.root.cert.serial_number.to_bytes(20, "big").hex()[:24]
    make_ssh_keys(lab)
    cache = gpgkeys.keyrings(lab.state_dir / "gpg")
    for role in ("production", "recovery"):
        files = [*tls_files(pki, shared, role, password), *ssh_files(lab, role), *pgp_files(lab, role, cache),
                 FileSpec.text(tlsserver.SCRIPT_PATH, tlsserver.SCRIPT)]
        lab.put_files(role, files)
        lab.exec(role, ["iptables", "-w", "-A", "INPUT", *FIREWALL_RULE])
        lab.exec(role, [sshd.SSHD, "-f", f"{SFTP_DIR}/sshd_config", "-E", f"/run/sftp-{SFTP_PORT}.log"])
        lab.spawn(role, list(tlsserver.ARGV), f"tlsserver-{role}.log")
    for role in ("production", "recovery"):
        address = lab.hosts[role].address
        wait_for_ports(address, [port for port, *_ in tlsserver.SERVICES])
        sshd.wait_for_banner(address, SFTP_PORT)
    lab.pair_extra["keys"] = inventory_keys(write_client_material(lab, pki, password))
