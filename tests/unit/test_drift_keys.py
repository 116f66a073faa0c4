"""Drift of the key areas: exact records for each rule, with one injected "now"."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import support

from drverify.areas import Outcome
from drverify.drift import certificates, expiry, pgp, ssh_hostkeys, tls
from drverify.drift.records import Context, Severity

NOW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch: pytest.MonkeyPatch) -> None:
    """The declared comparison (reference step, then compare) reads the clock itself."""
    monkeypatch.setattr(expiry, "now_utc", lambda: NOW)


def ctx(area: str, keys: dict | None = None, translate: dict | None = None) -> Context:
    keys = keys or {area: {}}  # the area's defaults; a pair without the section gets no check
    return support.context(area, support.make_pair("p", keys=keys, translate=translate or {}))


def cert(sha: str = "AA", cn: str = "mft.example.test", sans: tuple = ("mft.example.test",),
         not_after: str = "2026-06-01T00:00:00Z") -> dict:
    return {"subject": f"O=x,CN={cn}", "issuer": "O=x,CN=CA", "serial": "1", "sha256": sha,
            "not_before": "2025-01-01T00:00:00Z", "not_after": not_after, "sans": list(sans),
            "key_type": "EC", "key_bits": 256, "spki_sha256": "k" + sha}


def cfile(*certs: dict, key: str | None = "/k", chain: str | None = "ok") -> dict:
    return {"format": "pem", "certificates": list(certs), "key": key, "chain": chain}


def records(found) -> list[tuple[str, str, object, object]]:
    return [(r.item, r.severity.label, r.production, r.recovery) for r in found]


def judge(area: str, production: dict, recovery: dict, keys: dict | None = None) -> Outcome:
    """The area's whole declared comparison: production-is-the-reference, then compare."""
    return support.judge(area, production, recovery, support.make_pair("p", keys=keys or {area: {}}))


def unverified(outcome: Outcome) -> list[tuple[str, str, str]]:
    return [(item.item, item.host, item.reason) for item in outcome.unverified]


def test_identical_certificate_files_no_drift() -> None:
    facts = {"files": {"/c.pem": cfile(cert())}, "keys": {"/k": "kAA"}}
    assert certificates.compare(facts, facts, ctx("certificates"), now=NOW) == []


@pytest.mark.parametrize(("recovery", "expected"), [
    (None, [("/c.pem", "critical", "AA", None)]),
    ({"missing": True}, [("/c.pem", "critical", "AA", None)]),
    (cfile(cert("BB")), [("/c.pem certificate", "major", "AA", "BB")]),
    (cfile(cert(not_after="2025-05-01T00:00:00Z")),
     [("/c.pem expiry", "critical", "2026-06-01T00:00:00Z", "2025-05-01T00:00:00Z")]),
    (cfile(cert(not_after="2025-06-20T00:00:00Z")),
     [("/c.pem expiry", "major", "2026-06-01T00:00:00Z", "2025-06-20T00:00:00Z")]),
    (cfile(cert(not_after="2026-01-01T00:00:00Z")),
     [("/c.pem expiry", "minor", "2026-06-01T00:00:00Z", "2026-01-01T00:00:00Z")]),
    (cfile(cert(), key=None), [("/c.pem private key", "critical", "/k", None)]),
    (cfile(cert(), chain="unable to get local issuer certificate"),
     [("/c.pem chain", "major", "ok", "unable to get local issuer certificate")]),
])
def test_certificate_file_rules(recovery: dict | None, expected: list) -> None:
    production = {"files": {"/c.pem": cfile(cert())}, "keys": {}}
    other = {"files": {} if recovery is None else {"/c.pem": recovery}, "keys": {}}
    assert records(certificates.compare(production, other, ctx("certificates"), now=NOW)) == expected


def test_reissued_certificate_with_the_same_names_is_allowed_only_by_policy() -> None:
    production = {"files": {"/c.pem": cfile(cert("AA", cn="a.mft-prod.example"))}, "keys": {}}
    recovery = {"files": {"/c.pem": cfile(cert("BB", cn="a.mft-dr.example"))}, "keys": {}}
    policy = {"certificates": {"allow_reissued": True}}
    assert certificates.compare(production, recovery, ctx("certificates", policy, {"mft-prod": "mft-dr"}), now=NOW) == []
    found = certificates.compare(production, recovery, ctx("certificates", policy), now=NOW)
    assert records(found) == [("/c.pem certificate", "major", "AA", "BB")]
    assert "a.mft-dr.example" in found[0].message and "a.mft-prod.example" in found[0].message


def test_expired_on_production_and_extra_file_on_recovery() -> None:
    old = cert(not_after="2025-01-01T00:00:00Z")
    production = {"files": {"/c.pem": cfile(old)}, "keys": {}}
    recovery = {"files": {"/c.pem": cfile(old), "/x.pem": cfile(cert("CC"))}, "keys": {}}
    found = certificates.compare(production, recovery, ctx("certificates"), now=NOW)
    assert records(found) == [("/c.pem expiry", "critical", old["not_after"], old["not_after"]),
                              ("/x.pem", "minor", None, "CC")]
    assert "expired on 2025-01-01" in found[0].message


@pytest.mark.parametrize(("production", "item", "reason"), [
    ({"files": {"/c.pem": {"error": "permission denied"}}, "keys": {}}, "/c.pem",
     "unusable on production (permission denied): nothing to compare recovery's copy with"),
    ({"files": {"/c.pem": {"missing": True}}, "keys": {}}, "/c.pem", "unusable on production (missing)"),
    ({"files": {"/c.pem": {"error": "no certificate in the file"}}, "keys": {}}, "/c.pem", "no certificate in the file"),
    ({"files": {"/c.pem": {"unchecked": "cannot open the PKCS#12 file (wrong password)"}}, "keys": {}}, "/c.pem",
     "cannot open the PKCS#12 file (wrong password)"),
    ({"files": {}, "keys": {}, "nomatch": {"/*.pem": "permission denied on /"}}, "/*.pem",
     "no file matches it on production (permission denied on /)"),
    ({"files": {"/c.pem": cfile(cert(), key=None)}, "keys": {}, "key_errors": {"/k": "encrypted with a passphrase"}},
     "/k", "production's private key is unreadable (encrypted with a passphrase)"),
])
def test_unusable_production_certificates_are_unverified_whatever_recovery_has(production: dict, item: str,
                                                                                reason: str) -> None:
    recovery = {"files": {"/c.pem": cfile(cert())}, "keys": {}}
    spec = {"certificates": {"paths": ["/*.pem"] if item == "/*.pem" else ["/c.pem"]}}
    for other in (recovery, production):
        outcome = judge("certificates", production, other, spec)
        assert outcome.drift == () and [(found, host) for found, host, _ in unverified(outcome)] == [(item, "production")]
        assert reason in outcome.unverified[0].reason


def test_one_unusable_production_file_leaves_the_others_compared() -> None:
    production = {"files": {"/a.pem": {"error": "permission denied"}, "/b.pem": cfile(cert("BB")),
                            "/c.pem": cfile(cert())}, "keys": {}}
    recovery = {"files": {"/a.pem": cfile(cert("AA")), "/b.pem": cfile(cert("XX"))}, "keys": {}}
    outcome = judge("certificates", production, recovery)
    assert records(outcome.drift) == [("/b.pem certificate", "major", "BB", "XX"), ("/c.pem", "critical", "AA", None)]
    assert unverified(outcome) == [
        ("/a.pem", "production", "unusable on production (permission denied): nothing to compare recovery's copy with")]


@pytest.mark.parametrize(("entry", "reason"), [
    ({"unchecked": "unreadable certificate CN=sm2: Curve 1.2.156.10197.1.301 is not supported"}, "is not supported"),
    ({"unchecked": "cannot open the PKCS#12 file (wrong password or unsupported encryption)"}, "wrong password"),
    (cfile({"subject": "CN=a", "sans": []}), "the facts lack serial, sha256, not_before, not_after"),
])
def test_a_recovery_file_drverify_could_not_look_into_is_unverified_not_drift(entry: dict, reason: str) -> None:
    production = {"files": {"/a.p12": cfile(cert()), "/b.pem": cfile(cert("BB"))}, "keys": {}}
    recovery = {"files": {"/a.p12": entry, "/b.pem": cfile(cert("XX"))}, "keys": {}}
    outcome = judge("certificates", production, recovery)
    assert records(outcome.drift) == [("/b.pem certificate", "major", "BB", "XX")]
    assert [(item, host) for item, host, _ in unverified(outcome)] == [("/a.p12", "recovery")]
    assert reason in outcome.unverified[0].reason


def test_certificate_patterns_production_facts_lack_are_unverified() -> None:
    production = {"files": {"/etc/a/c.pem": cfile(cert())}, "keys": {"/k/a.key": "kAA"}}
    recovery = {"files": {"/etc/a/c.pem": cfile(cert("XX")), "/etc/b/x.p12": cfile(cert())}, "keys": {"/k/a.key": "kAA"}}
    spec = {"certificates": {"paths": ["/etc/a/*.pem", "/etc/b/*.p12"], "keys": ["/k/*.key"]}}
    outcome = judge("certificates", production, recovery, spec)
    assert records(outcome.drift) == [("/etc/a/c.pem certificate", "major", "AA", "XX")]
    assert unverified(outcome) == [("/etc/b/*.p12", "production",
                                    "production's facts have nothing for it (a snapshot older than the inventory?)")]
    spec["certificates"]["paths"].pop()
    assert judge("certificates", production, production, spec) == Outcome()


def test_certificate_patterns_recovery_facts_lack_are_unverified_not_missing_files() -> None:
    production = {"files": {"/etc/a/c.pem": cfile(cert(), key="/k/a.key"), "/etc/b/d.pem": cfile(cert("DD"))},
                  "keys": {"/k/a.key": "kAA"}}
    recovery = {"files": {"/etc/a/c.pem": cfile(cert(), key=None)}, "keys": {}}
    spec = {"certificates": {"paths": ["/etc/a/*.pem", "/etc/b/*.pem"], "keys": ["/k/*.key"]}}
    outcome = judge("certificates", production, recovery, spec)
    assert outcome.drift == ()
    assert [(item, host) for item, host, _ in unverified(outcome)] == [("/etc/b/*.pem", "recovery"),
                                                                        ("/k/*.key", "recovery")]
    assert "recovery's facts have nothing for it" in outcome.unverified[0].reason


def test_a_pattern_matching_nothing_on_recovery_is_one_critical_record() -> None:
    production = {"files": {"/etc/a/c.pem": cfile(cert()), "/etc/a/d.pem": cfile(cert("DD")),
                            "/etc/b.pem": cfile(cert("EE"))}, "keys": {}}
    recovery = {"files": {"/etc/b.pem": cfile(cert("EE"))}, "keys": {},
                "nomatch": {"/etc/a/*.pem": "permission denied on /etc/a"}}
    found = certificates.compare(production, recovery, ctx("certificates"), now=NOW)
    assert records(found) == [("/etc/a/*.pem", "critical", ["/etc/a/c.pem", "/etc/a/d.pem"], None)]
    assert "permission denied on /etc/a" in found[0].message and "/etc/a/c.pem" in found[0].message


@pytest.mark.parametrize(("recovery", "words"), [
    ({"key_errors": {"/k": "encrypted with a passphrase"}}, ["/k", "unreadable", "encrypted"]),
    ({"nomatch": {"/p/*.key": "permission denied on /p"}}, ["no file matches /p/*.key", "permission denied"]),
    ({"key_errors": {"/other": "permission denied"}}, ["no private key", "unreadable there: /other"]),
    ({}, ["no private key matching /c.pem"]),
])
def test_recovery_key_that_cannot_be_read_is_said_so(recovery: dict, words: list[str]) -> None:
    production = {"files": {"/c.pem": cfile(cert(), key="/p/a.key" if "nomatch" in recovery else "/k")}, "keys": {}}
    other = {"files": {"/c.pem": cfile(cert(), key=None)}, "keys": {}, **recovery}
    found = certificates.compare(production, other, ctx("certificates"), now=NOW)
    assert [(r.item, r.severity.label, r.recovery) for r in found] == [("/c.pem private key", "critical", None)]
    assert all(word in found[0].message for word in words), found[0].message


@pytest.mark.parametrize(("recovery", "expected"), [
    ({"error": "permission denied"}, [("/c.pem", "critical", "AA", None)]),
    ({"error": "no certificate in the file"}, [("/c.pem", "critical", "AA", None)]),
])
def test_unusable_file_on_recovery_stays_drift(recovery: dict, expected: list) -> None:
    production = {"files": {"/c.pem": cfile(cert())}, "keys": {}}
    found = certificates.compare(production, {"files": {"/c.pem": recovery}, "keys": {}}, ctx("certificates"), now=NOW)
    assert records(found) == expected and recovery["error"] in found[0].message


def test_unreadable_extra_file_on_recovery_is_minor() -> None:
    production = {"files": {}, "keys": {}}
    recovery = {"files": {"/x.pem": {"error": "permission denied"}, "/y.pem": {"missing": True}}, "keys": {}}
    assert records(certificates.compare(production, recovery, ctx("certificates"), now=NOW)) == [
        ("/x.pem", "minor", None, "permission denied")]


def port(*chain: dict, verified: str | None = "ok") -> dict:
    return {"name": "https", "protocol": "tls", "sni": "mft.example.test", "chain": list(chain), "verified": verified}


def test_served_tls_rules() -> None:
    inter = cert("II", cn="CA")
    production = {"ports": {"443": port(cert(), inter), "990": port(cert()), "21": port(cert())}}
    recovery = {"ports": {"443": port(cert(), verified="unable to get local issuer certificate"),
                          "990": {"name": None, "protocol": "tls", "sni": None, "error": "connection refused"},
                          "21": port(cert("BB"))}}
    found = tls.compare(production, recovery, ctx("tls"), now=NOW)
    assert records(found) == [
        ("port 21 certificate", "major", "AA", "BB"),
        ("port 443 chain", "critical", ["O=x,CN=mft.example.test", "O=x,CN=CA"], ["O=x,CN=mft.example.test"]),
        ("port 990", "critical", "AA", None),
    ]
    assert "connection refused" in found[2].message and "incomplete chain" in found[1].message


def test_served_tls_chain_length_without_bundle_and_identical() -> None:
    production = {"ports": {"443": port(cert(), cert("II"), verified=None)}}
    recovery = {"ports": {"443": port(cert(), verified=None)}}
    assert [r.item for r in tls.compare(production, recovery, ctx("tls"), now=NOW)] == ["port 443 chain"]
    assert tls.compare(production, production, ctx("tls"), now=NOW) == []


TLS_SPEC = {"tls": {"ports": [{"port": 443}, {"port": 990}]}}


@pytest.mark.parametrize(("production", "reason"), [
    ({"ports": {"443": port(cert())}}, "not in production's facts (a snapshot older than the inventory?)"),
    ({"ports": {"443": port(cert()), "990": {"name": None, "protocol": "tls", "sni": None, "error": "timed out"}}},
     "timed out: production served no certificate, so there is nothing to compare recovery's with"),
    ({"ports": {"443": port(cert()), "990": {"name": None, "protocol": "tls", "sni": None,
                                             "unchecked": "unreadable certificate CN=x: not supported"}}},
     "unreadable certificate CN=x: not supported"),
])
def test_a_tls_port_production_has_no_answer_for_is_unverified_the_others_compared(production: dict,
                                                                                   reason: str) -> None:
    recovery = {"ports": {"443": port(cert("BB")), "990": port(cert())}}
    outcome = judge("tls", production, recovery, TLS_SPEC)
    assert records(outcome.drift) == [("port 443 certificate", "major", "AA", "BB")]
    assert unverified(outcome) == [("port 990", "production", reason)]
    assert outcome.unverified[0].line().startswith("production: tls: port 990: ")  # the port, then the cause


@pytest.mark.parametrize(("served", "reason"), [
    (None, "not in the facts (a snapshot older than the inventory?)"),
    ({"name": None, "protocol": "tls", "sni": None, "unchecked": "unreadable certificate CN=x: not supported"},
     "unreadable certificate CN=x: not supported"),
    ({"name": None, "protocol": "tls", "sni": None, "chain": [{"subject": "CN=x"}], "verified": None},
     "the facts lack sans, serial, sha256, not_before, not_after"),
])
def test_a_tls_port_recovery_has_no_comparable_answer_for_is_unverified(served: dict | None, reason: str) -> None:
    production = {"ports": {"443": port(cert()), "990": port(cert())}}
    recovery = {"ports": {"443": port(cert("BB")), **({"990": served} if served else {})}}
    outcome = judge("tls", production, recovery, TLS_SPEC)
    assert records(outcome.drift) == [("port 443 certificate", "major", "AA", "BB")]
    assert [(item, host) for item, host, _ in unverified(outcome)] == [("port 990", "recovery")]
    assert reason in outcome.unverified[0].reason


SSH_SPEC = {"ssh_hostkeys": {"ports": [22, 2022]}}


@pytest.mark.parametrize(("production", "reason"), [
    ({"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:a"}}}},
     "not in production's facts (a snapshot older than the inventory?)"),
    ({"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:a"}}, "2022": {"error": "connection refused"}}},
     "connection refused: production offered no host key, so there is nothing to compare recovery's with"),
    ({"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:a"}}, "2022": {"unchecked": "ssh-keyscan: not a base64 key blob"}}},
     "ssh-keyscan: not a base64 key blob"),
])
def test_an_ssh_port_production_has_no_key_on_is_unverified_the_others_compared(production: dict, reason: str) -> None:
    recovery = {"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:x"}}, "2022": {"keys": {"ssh-ed25519": "SHA256:c"}}}}
    outcome = judge("ssh_hostkeys", production, recovery, SSH_SPEC)
    assert records(outcome.drift) == [("port 22 ssh-ed25519", "critical", "SHA256:a", "SHA256:x")]
    assert unverified(outcome) == [("port 2022", "production", reason)]


@pytest.mark.parametrize(("offered", "reason"), [
    (None, "not in the facts (a snapshot older than the inventory?)"),
    ({"unchecked": "ssh-keyscan: not a base64 key blob"}, "ssh-keyscan: not a base64 key blob"),
])
def test_an_ssh_port_recovery_has_no_comparable_answer_for_is_unverified(offered: dict | None, reason: str) -> None:
    production = {"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:a"}}, "2022": {"keys": {"ssh-ed25519": "SHA256:c"}}}}
    recovery = {"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:x"}}, **({"2022": offered} if offered else {})}}
    outcome = judge("ssh_hostkeys", production, recovery, SSH_SPEC)
    assert records(outcome.drift) == [("port 22 ssh-ed25519", "critical", "SHA256:a", "SHA256:x")]
    assert unverified(outcome) == [("port 2022", "recovery", reason)]


def test_ssh_host_key_rules() -> None:
    production = {"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:a", "ecdsa-sha2-nistp256": "SHA256:b"}},
                            "2022": {"keys": {"ssh-ed25519": "SHA256:c"}}}}
    recovery = {"ports": {"22": {"keys": {"ssh-ed25519": "SHA256:x", "rsa-sha2-512": "SHA256:r"}},
                          "2022": {"error": "connection refused"}}}
    found = ssh_hostkeys.compare(production, recovery, ctx("ssh_hostkeys"))
    assert records(found) == [
        ("port 2022", "critical", {"ssh-ed25519": "SHA256:c"}, None),
        ("port 22 ecdsa-sha2-nistp256", "critical", "SHA256:b", None),
        ("port 22 rsa-sha2-512", "minor", None, "SHA256:r"),
        ("port 22 ssh-ed25519", "critical", "SHA256:a", "SHA256:x"),
    ]
    assert ssh_hostkeys.compare(production, production, ctx("ssh_hostkeys")) == []


def key(uid: str, secret: bool = False, trust: str = "f", expires: str | None = None, subkeys: dict | None = None) -> dict:
    return {"uids": [uid], "algo": "22", "length": 255, "created": "2025-01-01T00:00:00Z", "expires": expires,
            "ownertrust": trust, "validity": trust, "secret": secret,
            "subkeys": subkeys if subkeys is not None else {"S" + uid[:1]: {"usage": "e", "expires": None, "secret": secret}}}


def ring(**keys: dict) -> dict:
    return {"accounts": {"svc": {"gnupghome": "/h/.gnupg", "exists": True, "keys": keys}}}


def test_pgp_rules() -> None:
    own = key("Own", secret=True, trust="u")
    production = ring(F1=own, F2=key("Partner A"), F3=key("Partner B"), F4=key("Old", expires="2026-01-01T00:00:00Z"))
    recovery = ring(F1=key("Own", trust="u"), F2=key("Partner A", trust="m"),
                    F4=key("Old", expires="2025-05-01T00:00:00Z"), F5=key("Extra"))
    found = pgp.compare(production, recovery, ctx("pgp"), now=NOW)
    assert records(found) == [
        ("svc key F1 secret", "critical", ["SO", "primary"], []),
        ("svc key F2 trust", "major", "f", "m"),
        ("svc key F3", "critical", "Partner B", None),
        ("svc key F4 expiry", "critical", "2026-01-01T00:00:00Z", "2025-05-01T00:00:00Z"),
        ("svc key F5", "minor", None, "Extra"),
    ]
    assert "cannot be decrypted" in found[0].message and "full" in found[1].message
    assert pgp.compare(production, production, ctx("pgp"), now=NOW) == []


def test_pgp_keyring_missing_on_recovery() -> None:
    production = ring(F1=key("Own", secret=True))
    recovery = {"accounts": {"svc": {"gnupghome": "/h/.gnupg", "exists": False, "keys": {}}}}
    found = pgp.compare(production, recovery, ctx("pgp"), now=NOW)
    assert records(found) == [("svc keyring", "critical", "/h/.gnupg", None)]
    assert found[0].severity is Severity.CRITICAL


PGP_SPEC = {"pgp": {"accounts": [{"name": "svc"}, {"name": "out"}]}}


def rings(svc: dict | None, out: dict | None) -> dict:
    """Two accounts' keyrings; None leaves the account out of the facts."""
    return {"accounts": {name: ring for name, ring in (("svc", svc), ("out", out)) if ring is not None}}


def keyring(**keys: dict) -> dict:
    return {"gnupghome": "/h/.gnupg", "exists": True, "keys": keys}


@pytest.mark.parametrize(("svc", "reason"), [
    ({"gnupghome": "/wrong/.gnupg", "exists": False, "keys": {}},
     "the keyring /wrong/.gnupg does not exist on production (wrong gnupghome?)"),
    (None, "not in production's facts (a snapshot older than the inventory?)"),
    ({"error": "svc: exit status 2: gpg: Fatal: can't create lock for '/h/.gnupg/trustdb.gpg'"},
     "the keyring cannot be listed (svc: exit status 2: gpg: Fatal: can't create lock for '/h/.gnupg/trustdb.gpg'): "
     "nothing to compare recovery's with"),
])
def test_a_keyring_production_cannot_list_is_unverified_the_other_accounts_compared(svc: dict | None,
                                                                                    reason: str) -> None:
    production = rings(svc, keyring(F1=key("Partner A")))
    recovery = rings(keyring(F1=key("Own", secret=True)), keyring())
    outcome = judge("pgp", production, recovery, PGP_SPEC)
    assert records(outcome.drift) == [("out key F1", "critical", "Partner A", None)]
    assert unverified(outcome) == [("svc keyring", "production", reason)]


@pytest.mark.parametrize(("svc", "reason"), [
    (None, "not in the facts (a snapshot older than the inventory?)"),
    ({"error": "svc: exit status 3: no account svc"}, "the keyring cannot be listed (svc: exit status 3: no account svc)"),
    ({"gnupghome": "/h/.gnupg", "keys": {}}, "the facts lack exists (a snapshot of another drverify version?)"),
])
def test_a_keyring_recovery_cannot_list_is_unverified_not_drift(svc: dict | None, reason: str) -> None:
    production = rings(keyring(F1=key("Own", secret=True)), keyring(F1=key("Partner A")))
    recovery = rings(svc, keyring())
    outcome = judge("pgp", production, recovery, PGP_SPEC)
    assert records(outcome.drift) == [("out key F1", "critical", "Partner A", None)]
    assert unverified(outcome) == [("svc keyring", "recovery", reason)]


def test_a_key_a_snapshot_describes_partly_is_unverified_on_its_side() -> None:
    partial = {"uids": ["Partner B"], "secret": False}
    production = rings(keyring(F1=key("Own", secret=True), F2=partial), keyring(F1=key("Partner A")))
    recovery = rings(keyring(F1=key("Own", secret=True), F2=key("Partner B")), keyring(F1=partial))
    outcome = judge("pgp", production, recovery, PGP_SPEC)
    assert outcome.drift == ()
    lacks = "the facts lack expires, ownertrust, subkeys (a snapshot of another drverify version?)"
    assert sorted(unverified(outcome)) == [("out key F1", "recovery", lacks), ("svc key F2", "production", lacks)]


def test_a_file_only_on_recovery_that_drverify_could_not_look_into_is_still_minor() -> None:
    recovery = {"files": {"/x.p12": {"unchecked": "cannot open the PKCS#12 file (wrong password)"}}, "keys": {}}
    found = judge("certificates", {"files": {}, "keys": {}}, recovery).drift
    assert records(found) == [("/x.p12", "minor", None, "cannot open the PKCS#12 file (wrong password)")]
