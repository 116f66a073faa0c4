"""Parsers of the key areas, on outputs recorded from the lab's real hosts (tests/data/)."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from support import recorded_outputs

from drverify.errors import FactError
from drverify.facts import certificates, pgp, ssh_hostkeys, tls
from drverify.facts.batch import Output
from drverify.facts.x509 import describe, load_bundle, pem_certificates, public_key_hash
from drverify.inventory.model import Pair

DATA = Path(__file__).resolve().parents[1] / "data"
BOUNDARY = "@@drverify-0123456789abcdef@@"


def scan(role: str) -> dict:
    text = (DATA / "certificates" / f"scan-{role}.txt").read_text()
    return certificates.parse(text, BOUNDARY, load_bundle(DATA / "certificates" / "ca.pem"))


def test_certificate_files_pem_der_and_pkcs12_with_keys_and_chains() -> None:
    files = scan("production")["files"]
    assert {path: entry["format"] for path, entry in files.items()} == {
        "/etc/mft/tls/archive.pem": "pem", "/etc/mft/tls/as2.pem": "pem", "/etc/mft/tls/ftps.pem": "pem",
        "/etc/mft/tls/https.pem": "pem", "/etc/mft/tls/intermediate.der": "der",
        "/etc/mft/tls/partner-api.pem": "pem", "/etc/mft/tls/portal.p12": "p12"}
    assert files["/etc/mft/tls/ftps.pem"]["key"] == "/etc/mft/tls/private/ftps.key"
    assert files["/etc/mft/tls/portal.p12"]["key"] == "/etc/mft/tls/portal.p12"
    assert files["/etc/mft/tls/intermediate.der"]["key"] is None
    assert {entry["chain"] for entry in files.values()} == {"ok"}
    leaf = files["/etc/mft/tls/ftps.pem"]["certificates"][0]
    assert leaf["subject"] == "O=drverify lab,CN=ftps.mft.example.test"
    assert leaf["sans"] == ["ftps.mft.example.test", "mft.example.test"]
    assert (leaf["key_type"], leaf["key_bits"]) == ("EC", 256)
    assert leaf["not_after"].endswith("Z") and len(leaf["sha256"]) == 95


def test_recovery_scan_lacks_the_missing_file_and_builds_chains_from_the_host() -> None:
    facts = scan("recovery")
    assert "/etc/mft/tls/archive.pem" not in facts["files"]
    https = facts["files"]["/etc/mft/tls/https.pem"]
    assert len(https["certificates"]) == 1 and https["chain"] == "ok"


def test_a_chain_without_bundle_is_not_judged_and_without_intermediate_fails() -> None:
    text = (DATA / "certificates" / "scan-recovery.txt").read_text()
    assert certificates.parse(text, BOUNDARY, None)["files"]["/etc/mft/tls/ftps.pem"]["chain"] is None
    only_https = text.split(f"{BOUNDARY} pem /etc/mft/tls/https.pem")[1].split(BOUNDARY)[0]
    alone = f"{BOUNDARY} pem /etc/mft/tls/https.pem{only_https}{BOUNDARY} end -\n"
    chain = certificates.parse(alone, BOUNDARY, load_bundle(DATA / "certificates" / "ca.pem"))
    assert chain["files"]["/etc/mft/tls/https.pem"]["chain"] == "unable to get local issuer certificate"


@pytest.mark.parametrize(("line", "expected"), [
    (f"{BOUNDARY} missing /etc/x.pem", {"/etc/x.pem": {"missing": True}}),
    (f"{BOUNDARY} missing /etc/*.pem", {}),
    (f"{BOUNDARY} nomatch /etc/*.pem", {}),
    (f"{BOUNDARY} unreadable /etc/x.pem", {"/etc/x.pem": {"error": "permission denied"}}),
    (f"{BOUNDARY} unknown /etc/x.pem", {"/etc/x.pem": {"error": "not a PEM, DER or PKCS#12 certificate"}}),
])
def test_scan_markers(line: str, expected: dict) -> None:
    assert certificates.parse(line + "\n", BOUNDARY, None)["files"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    (f"{BOUNDARY} missing /etc/*.pem\n", {"/etc/*.pem": "no matching file"}),
    (f"{BOUNDARY} nomatch /etc/*.pem\n", {"/etc/*.pem": "no matching file"}),
    (f"{BOUNDARY} nomatch /etc/x.pem\n", {"/etc/x.pem": "no such file"}),
    (f"{BOUNDARY} nomatch /etc/k/*.key\npermission denied on /etc/k\n", {"/etc/k/*.key": "permission denied on /etc/k"}),
])
def test_patterns_that_match_nothing_are_recorded_not_dropped(text: str, expected: dict) -> None:
    assert certificates.parse(text, BOUNDARY, None)["nomatch"] == expected


def unusable_scan() -> dict:
    return certificates.parse((DATA / "certificates" / "scan-unusable.txt").read_text(), BOUNDARY, None)


def test_unreadable_keys_and_unmatched_patterns_recorded_as_nobody() -> None:
    facts = unusable_scan()
    base = "/tmp/drvscan"
    assert list(facts["files"]) == [f"{base}/tls/a.pem"] and facts["files"][f"{base}/tls/a.pem"]["key"] is None
    assert list(facts["keys"]) == [f"{base}/tls/private/rsa.key"]
    assert facts["key_errors"] == {
        f"{base}/tls/private/a.key": "permission denied",
        f"{base}/tls/private/dangling.key": "no such file",
        f"{base}/tls/private/enc.key": "encrypted with a passphrase",
        f"{base}/tls/private/junk.key": "not a private key openssl can read",
        f"{base}/tls/private/noperm.key": "permission denied",
        f"{base}/tls/private/pub.key": "not a private key openssl can read",
    }
    assert facts["nomatch"] == {
        f"{base}/empty/*.pem": "no matching file",
        f"{base}/locked/*.key": f"permission denied on {base}/locked",
        f"{base}/locked/*.pem": f"permission denied on {base}/locked",
        f"{base}/nodir/*.pem": f"no directory {base}/nodir",
        f"{base}/x.pem": "no such file",
    }


def test_a_clean_scan_has_no_error_keys() -> None:
    facts = scan("production")
    assert set(facts) == {"files", "keys"} and all(entry.get("certificates") for entry in facts["files"].values())


def partial_scan() -> dict:
    return certificates.parse((DATA / "certificates" / "scan-partial.txt").read_text(), BOUNDARY, None)


def test_one_unusable_certificate_file_costs_only_that_file() -> None:
    files = {path.rsplit("/", 1)[1]: entry for path, entry in partial_scan()["files"].items()}
    assert [files[name]["certificates"][0]["subject"] for name in ("a.pem", "b.pem")] == ["CN=a", "CN=b"]
    assert {name: entry.get("error") for name, entry in files.items() if "error" in entry} == {
        "broken.pem": "unreadable certificate: too long; bad object header; nested asn1 error; ASN1 lib",
        "junk.pem": "not a PEM, DER or PKCS#12 certificate",
        "locked.pem": "permission denied"}
    assert files["sm2.pem"] == {"unchecked": "unreadable certificate CN=sm2: Curve 1.2.156.10197.1.301 is not supported"}
    assert files["ks.p12"] == {"unchecked": "cannot open the PKCS#12 file (wrong password or unsupported encryption)"}


def test_a_key_drverify_cannot_read_is_a_key_error_not_the_whole_scan() -> None:
    text = f"{BOUNDARY} key /k/sm2.key\n" + (DATA / "certificates" / "sm2-public.pem").read_text()
    text += f"{BOUNDARY} key /k/rsa.key\n" + unusable_scan_key()
    facts = certificates.parse(text, BOUNDARY, None)
    assert list(facts["keys"]) == ["/k/rsa.key"] and "not supported" in facts["key_errors"]["/k/sm2.key"]


def unusable_scan_key() -> str:
    """The readable RSA key's public half in scan-unusable.txt."""
    text = (DATA / "certificates" / "scan-unusable.txt").read_text()
    return text.split("tls/private/rsa.key\n")[1].split(BOUNDARY)[0]


def fake_vantage(stdout: str) -> SimpleNamespace:
    def run_with_stdin(script: str, stdin: bytes) -> Output:
        return Output(0, stdout.replace("@@drverify-0123456789abcdef@@", boundary(script)), "")

    def boundary(script: str) -> str:
        return next(line[2:] for line in script.splitlines() if line.startswith("B="))

    return SimpleNamespace(connection=SimpleNamespace(run_with_stdin=run_with_stdin))


@pytest.mark.parametrize("text", [
    (DATA / "certificates" / "scan-unusable.txt").read_text(),
    (DATA / "certificates" / "scan-partial.txt").read_text(),
    f"{BOUNDARY} unreadable /etc/x.pem\n{BOUNDARY} end -\n",
    f"{BOUNDARY} pem /etc/x.pem\n{BOUNDARY} end -\n",
])
def test_the_scan_records_unusable_files_the_same_for_either_role(text: str) -> None:
    pair = Pair(name="p", production="local://", recovery="local://",
                keys={"certificates": {"paths": ["/etc/*.pem"], "keys": ["/k/*.key"]}})
    facts = certificates.probe(pair, "production", fake_vantage(text))
    assert facts == certificates.probe(pair, "recovery", fake_vantage(text))
    assert facts.get("key_errors") or any("error" in entry for entry in facts["files"].values())


@pytest.mark.parametrize(("name", "function"), [("sm2-cert.pem", lambda text: describe(pem_certificates(text)[0])),
                                                ("sm2-public.pem", public_key_hash)])
def test_unsupported_key_algorithms_are_fact_errors(name: str, function) -> None:
    with pytest.raises(FactError, match="unreadable .*not supported"):
        function((DATA / "certificates" / name).read_text())


@pytest.mark.parametrize(("kind", "why"), [("p12-nopass", "no keys.certificates.pkcs12_password"),
                                         ("p12-error", "wrong password or unsupported encryption")])
def test_unopenable_pkcs12_is_unchecked(kind: str, why: str) -> None:
    files = certificates.parse(f"{BOUNDARY} {kind} /etc/p.p12\n", BOUNDARY, None)["files"]
    assert files == {"/etc/p.p12": {"unchecked": f"cannot open the PKCS#12 file ({why})"}}


def test_private_key_text_is_refused() -> None:
    with pytest.raises(FactError, match="private key"):
        certificates.parse(f"{BOUNDARY} key /k\n-----BEGIN PRIVATE KEY-----\n", BOUNDARY, None)


def test_the_password_never_goes_into_the_script() -> None:
    assert "s3cret" not in certificates.script(["/a b/*.pem"], ["/k"], BOUNDARY)
    assert "'/a b/*.pem'" in certificates.script(["/a b/*.pem"], ["/k"], BOUNDARY)


def keyring(role: str) -> dict:
    return pgp.parse_account((DATA / "pgp" / f"list-{role}.txt").read_text(), "mftsvc")


def test_pgp_production_keyring() -> None:
    facts = keyring("production")
    assert facts["gnupghome"] == "/srv/mft/home/mftsvc/.gnupg" and facts["exists"]
    by_uid = {key["uids"][0]: key for key in facts["keys"].values()}
    assert sorted(by_uid) == ["MFT Service <mftsvc@mft.example.test>", "Partner A <pgp@partner-a.example>",
                              "Partner B <pgp@partner-b.example>"]
    own = by_uid["MFT Service <mftsvc@mft.example.test>"]
    assert own["secret"] and own["ownertrust"] == "u" and own["algo"] == "22"
    assert [sub["usage"] for sub in own["subkeys"].values()] == ["e"]
    assert all(sub["secret"] for sub in own["subkeys"].values())
    assert not by_uid["Partner A <pgp@partner-a.example>"]["secret"]
    assert by_uid["Partner A <pgp@partner-a.example>"]["ownertrust"] == "f"


def test_pgp_recovery_keyring_has_no_secret_key() -> None:
    keys = keyring("recovery")["keys"]
    assert len(keys) == 2 and not any(key["secret"] for key in keys.values())


def test_pgp_absent_keyring_and_missing_account() -> None:
    assert pgp.parse_account("@@home /h/.gnupg\n@@absent\n", "x") == {"gnupghome": "/h/.gnupg", "exists": False, "keys": {}}
    with pytest.raises(FactError, match="no keyring path"):
        pgp.parse_account("", "x")


def test_pgp_one_unlistable_keyring_costs_only_its_account() -> None:
    outputs = recorded_outputs(DATA / "pgp" / "partial")
    outputs["broken"] = Output(0, "@@home /h/.gnupg\n@@public\nuid:x\n@@secret\n", "")
    accounts = pgp.parse(outputs)["accounts"]
    assert accounts["mftsvc"] == keyring("production")
    assert accounts["nosuchacct"] == {"error": "nosuchacct: exit status 3: no account nosuchacct"}
    assert accounts["nobody"] == {"error": "nobody: exit status 2: gpg: Fatal: can't create lock for "
                                           "'/tmp/drvpgp/locked/trustdb.gpg'"}
    assert accounts["broken"]["error"].startswith("broken: gpg --list-keys: malformed colon line 'uid:x'")


PUB = "pub:u:255:22:AAAA0000BBBB1111:1700000000:::u:::scESC:::::ed25519:::0:"
FPR = "fpr:::::::::0123456789ABCDEF0123456789ABCDEF01234567:"


@pytest.mark.parametrize(("lines", "reason"), [
    (["pub:"], "no fingerprint .*'pub:'"),
    ([PUB], "no fingerprint .*'pub:u:255"),
    (["uid:x"], "malformed colon line 'uid:x'"),
    ([FPR], "malformed colon line 'fpr:"),
    ([PUB, FPR, "sub:u:255:18:CCCC:1700000000::::::e:"], "no fingerprint .*subkey"),
    ([PUB.replace(":255:", ":zz:"), FPR], "unusable key line 'pub:u:zz"),
])
def test_pgp_malformed_colon_lines_are_fact_errors(lines: list[str], reason: str) -> None:
    text = "@@home /h/.gnupg\n@@public\n" + "\n".join(lines) + "\n@@secret\n"
    with pytest.raises(FactError, match="^mftsvc: gpg --list-keys: " + reason):
        pgp.parse_account(text, "mftsvc")


def test_pgp_parsing_writes_nothing_here() -> None:
    places = [Path.home(), Path(tempfile.gettempdir())]
    before = {place: set(os.listdir(place)) for place in places}
    keyring("production")
    assert {place: set(os.listdir(place)) for place in places} == before


def test_pgp_command_quotes_inventory_values() -> None:
    from drverify.inventory.keys import PgpAccount

    text = pgp.command(PgpAccount(name="svc", gnupghome="/srv/a b/.gnupg"))
    assert "u=svc; H='/srv/a b/.gnupg'" in text and "--kill gpg-agent" in text


def test_keyscan_fingerprints_match_ssh_keygen() -> None:
    keys = ssh_hostkeys.parse_keyscan((DATA / "ssh_hostkeys" / "keyscan-production.txt").read_text())
    expected = {}
    for line in (DATA / "ssh_hostkeys" / "keyscan-production.fingerprints").read_text().splitlines():
        fields = line.split()
        expected[{"(ECDSA)": "ecdsa-sha2-nistp256", "(ED25519)": "ssh-ed25519"}[fields[-1]]] = fields[1]
    assert keys == expected


@pytest.mark.parametrize(("stderr", "reason"), [
    ("connect (`198.51.100.10'): Connection refused\n", "connection refused"),
    ("198.51.100.10: Connection timed out\n", "timed out"),
    ("# 198.51.100.10:22 SSH-2.0-x\n", "no host key received"),
])
def test_keyscan_failures(stderr: str, reason: str) -> None:
    assert ssh_hostkeys.keyscan_failure(stderr) == reason


def test_ssh_ports_are_recorded_the_same_for_either_role(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = {22: {"keys": {"ssh-ed25519": "SHA256:a"}}, 2022: {"error": "connection refused"}}
    monkeypatch.setattr(ssh_hostkeys, "scan", lambda address, port, timeout: answers[port])
    pair = Pair(name="p", production="local://", recovery="local://", keys={"ssh_hostkeys": {"ports": [22, 2022]}})
    vantage = SimpleNamespace(address="192.0.2.1")
    facts = ssh_hostkeys.probe(pair, "production", vantage)
    assert facts == ssh_hostkeys.probe(pair, "recovery", vantage) == {"ports": {"22": answers[22], "2022": answers[2022]}}


def test_a_key_blob_drverify_cannot_decode_leaves_the_port_unchecked(monkeypatch: pytest.MonkeyPatch) -> None:
    done = subprocess.CompletedProcess([], 0, "192.0.2.1 ssh-ed25519 not*base64\n", "")
    monkeypatch.setattr(ssh_hostkeys.subprocess, "run", lambda *args, **kwargs: done)
    assert ssh_hostkeys.scan("192.0.2.1", 22, 1.0) == {
        "unchecked": "ssh-keyscan: not a base64 key blob: 'not*base64'"}


def test_tls_ports_are_recorded_the_same_for_either_role(monkeypatch: pytest.MonkeyPatch) -> None:
    chains = {443: pem_certificates((DATA / "certificates" / "ca.pem").read_text())[:1],
              990: tls.ProbeFailed("connection refused"),
              8443: pem_certificates((DATA / "certificates" / "sm2-cert.pem").read_text())}

    def fetch_chain(address: str, port, timeout: float) -> list:
        if isinstance(chains[port.port], Exception):
            raise chains[port.port]
        return chains[port.port]

    monkeypatch.setattr(tls, "fetch_chain", fetch_chain)
    pair = Pair(name="p", production="local://", recovery="local://",
                keys={"tls": {"ports": [{"port": 443}, {"port": 990}, {"port": 8443}]}})
    vantage = SimpleNamespace(address="192.0.2.1")
    ports = tls.probe(pair, "production", vantage)["ports"]
    assert tls.probe(pair, "recovery", vantage)["ports"] == ports
    assert len(ports["443"]["chain"]) == 1 and ports["990"]["error"] == "connection refused"
    assert ports["8443"]["unchecked"] == "unreadable certificate CN=sm2: Curve 1.2.156.10197.1.301 is not supported"


class Lines:
    def __init__(self, *lines: bytes) -> None:
        self.lines = list(lines)

    def readline(self) -> bytes:
        return self.lines.pop(0) if self.lines else b""


@pytest.mark.parametrize(("lines", "expected"), [
    ((b"220 ready\r\n",), ("220", "220 ready")),
    ((b"220-welcome\r\n", b"more\r\n", b"220 ready\r\n"), ("220", "220 ready")),
    ((b"234 Proceed\r\n",), ("234", "234 Proceed")),
])
def test_ftp_replies(lines: tuple[bytes, ...], expected: tuple[str, str]) -> None:
    assert tls.ftp_reply(Lines(*lines)) == expected


def test_not_an_ftp_server() -> None:
    with pytest.raises(tls.ProbeFailed, match="not an FTP server"):
        tls.ftp_reply(Lines(b"SSH-2.0-OpenSSH\r\n"))
