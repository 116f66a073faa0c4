"""The embedded example (inventories/example.yaml): it loads, its snapshots are exactly what
example-snapshots/build.py makes of raw/, and comparing them gives exactly the seeded drift.

The seeded drift is listed here once, with what each record models, so a change in a parser, a
drift rule or the raw outputs that adds, loses or re-grades a finding shows up as a diff of this
table (and the README's promise, "drift seeded in every area", stays true).
"""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import re
import shutil
import sys
from pathlib import Path

import pytest

from drverify.areas import AREAS as REGISTRY
from drverify.drift import Severity
from drverify.facts.hostfacts import load_snapshot
from drverify.inventory import load_inventory

ROOT = Path(__file__).resolve().parents[2]
INVENTORY = ROOT / "inventories/example.yaml"
SNAPSHOTS = ROOT / "inventories/example-snapshots"
CORE_AREAS = ("disks", "network", "firewall", "users")
#: probed from each host (the pair's ``network:`` keys); reachability is framed command output
NETWORK_AREAS = ("dns", "ldap", "egress", "reachability")
#: the pair's ``keys:``; pgp is framed command output (gpg runs on the host), the rest are probes
KEY_AREAS = ("certificates", "tls", "ssh_hostkeys", "pgp")
#: the MFT service (mft_config and mft_software are framed command output) and its load balancer
MFT_AREAS = ("mft_config", "mft_software", "load_balancer")
AREAS = CORE_AREAS + NETWORK_AREAS + KEY_AREAS + MFT_AREAS
#: checked when failing back, recovery being the reference (the pair's ``mft:`` keys)
FAILBACK_AREAS = ("active_transfers", "pending_files", "transfer_ledger")

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
INITECH = ('-s 203.0.113.160/29 -p tcp -m tcp --dport 2222 -m comment '
           '--comment "partner initech sftp" -j ACCEPT')
RESTORE_TEST = '-p tcp -m tcp --dport 8000 -m comment --comment "temporary: restore test" -j ACCEPT'
AS2_KEYSTORE = "/etc/mft/as2/mft-as2.p12"
#: last 16 hex digits of the fingerprints in raw/*/pgp.txt (gpg's long key IDs)
GLOBEX_PGP, MFTSVC_PGP = "CBC928C642C05BF0", "DBE4947970A1644B"
CRYPTO_DEB = "/srv/mft/installers/proftpd-mod-crypto_1.3.8+dfsg-4+deb12u5_amd64.deb"

SEEDED = {
    # recovery's data volume (1.5 TiB) was sized when production held less; it now stores 1.6 TiB
    ("disks", "/srv/mft", CRITICAL),
    # the NFS archive share (nas-eu-01.example.com) is not mounted on recovery at all
    ("disks", "/srv/mft/archive", CRITICAL),
    # recovery's MFT log volume (19.9 GiB) holds production's 18.4 GiB but not the 20% headroom
    ("disks", "/var/log/mft", MAJOR),
    # recovery VM has 16 GiB of memory, production 32 GiB, and the policy says at_least
    # (its 4 CPUs are fine: cpu is at_least_used and production's 15-minute load is 2.31)
    ("disks", "memory", MAJOR),
    # a disk attached for a restore test is still mounted on recovery
    ("disks", "/mnt/restore", MINOR),
    # the service VIP mft.example.com (198.51.100.20 -> 203.0.113.20) is not up on recovery;
    # its IPv6 VIP is
    ("network", "address 203.0.113.20", MAJOR),
    # the route to partner globex's network through the site's VPN router was never added
    ("network", "route 203.0.113.224/28 via 203.0.113.2", MAJOR),
    # implicit FTPS (990) is not enabled in the MFT server's configuration on recovery
    ("network", "listener tcp/990", MAJOR),
    # someone's `python3 -m http.server` from the restore test is still running
    ("network", "listener tcp/8000", MINOR),
    # partner initech's SFTP allowlist rule is missing while INPUT drops by default
    ("firewall", f"ip4 filter/INPUT {INITECH}", CRITICAL),
    # /etc/iptables/rules.v6 was never copied: recovery has no IPv6 filtering at all
    ("firewall", "ip6 filter/INPUT", MAJOR),
    # the port opened for that restore test was never closed
    ("firewall", f"ip4 filter/INPUT {RESTORE_TEST}", MAJOR),
    # the Prometheus and admin-console rules are in the other order (same rules otherwise)
    ("firewall", "ip4 filter/INPUT", MINOR),
    # mftsvc was created by hand on recovery without -u: uid 2003 instead of 2001
    ("users", "user mftsvc uid/gid", CRITICAL),
    # bob was added to mftadm on production only
    ("users", "group mftadm members", MAJOR),
    # a temporary admin account from the last drill, still on recovery...
    ("users", "user drtest", MINOR),
    # ...and still in the sudo group
    ("users", "group sudo members", MINOR),
    # mftsvc's password (the back office's pickup job logs in with it) was changed on recovery
    # during the drill, never on production (compared as SHA-256 digests of the shadow hashes)
    ("users", "user mftsvc password", MAJOR),
    # the DR zone's mft-dr.example.com (the CNAME's target) has no TTL of its own and takes the
    # zone's $TTL 3600; production's mft-prod.example.com is 300
    ("dns", "sftp.mft-prod.example.com ttl @198.51.100.10", MAJOR),
    # recovery's resolv.conf kept production's second nameserver (198.51.100.11) from the clone
    ("dns", "resolver nameservers", MAJOR),
    # the DR directory replica was cloned from production and presents ldap.mft-prod's
    # certificate, so LDAPS from recovery fails the name check
    ("ldap", "server ldaps://ldap.mft-prod.example.com:636", CRITICAL),
    # the DR firewall has no SNAT rule for the site's proxy: it leaves from the firewall's own
    # 203.0.113.1, which no partner allows (the proxies' registered 198.51.100.30, 203.0.113.30)
    ("egress", "egress address", CRITICAL),
    # the same missing VPN route as in network: globex's SFTP server times out from recovery
    ("reachability", "endpoint globex-sftp", CRITICAL),
    # Expiry is judged against today, not the snapshots' dates, so only time-stable expiry is
    # seeded: every certificate and key in the example is valid until 2036 except recovery's AS2
    # certificate, which expired on 2026-10-15 and stays expired. Production's AS2 keystore was
    # renewed on 2026-10-01 and the new certificate sent to partners; recovery's copy was not...
    ("certificates", f"{AS2_KEYSTORE} expiry", CRITICAL),
    # ...so it also holds another certificate than the one partners now encrypt to
    # (allow_reissued: false: AS2 partners use the very certificate they were sent)
    ("certificates", f"{AS2_KEYSTORE} certificate", MAJOR),
    # recovery's /etc/mft/tls/mft.example.com.pem was copied as the leaf alone: HTTPS serves no
    # intermediate (the file itself is fine: the host's other files hold the intermediate)
    ("tls", "port 443 chain", CRITICAL),
    # the same implicit FTPS listener missing as in network: the handshake is refused
    ("tls", "port 990", CRITICAL),
    # the SFTP listener's ed25519 host key was regenerated on the DR host (rsa and ecdsa are
    # production's); partners pinned production's
    ("ssh_hostkeys", "port 2222 ssh-ed25519", CRITICAL),
    # mftsvc's keyring on recovery was rebuilt by hand from exported public keys: partner
    # globex's key was forgotten...
    ("pgp", f"mftsvc key {GLOBEX_PGP}", CRITICAL),
    # ...and mftsvc's own key pair came without its secret part (primary and encryption subkey)
    ("pgp", f"mftsvc key {MFTSVC_PGP} secret", CRITICAL),
    # production stopped on 11-19; its nightly exports of 11-18 and 11-19 were never shipped, so
    # recovery's newest (11-17) is 217 h old at check time, past the 24 h RPO...
    ("mft_config", "export age", CRITICAL),
    # ...and is not production's newest (48 h older)
    ("mft_config", "export sha256", MAJOR),
    # what changed on production on 11-18 is missing from recovery's export: partner initech's
    # account, globex's new password (compared as digests of the hashes) and MaxInstances 60
    ("mft_config", "user initech", MAJOR),
    ("mft_config", "user globex password", MAJOR),
    ("mft_config", "directive MaxInstances", MAJOR),
    # the last drill's test account, created on recovery's live configuration (its DefaultAddress,
    # changed to recovery's VIP, is production's translated: not drift)
    ("mft_config", "live user drtest", MINOR),
    # recovery was left on an older package update
    ("mft_software", "version", CRITICAL),
    # recovery's copy of the crypto module's package is truncated
    ("mft_software", f"installer {CRYPTO_DEB}", CRITICAL),
    # proftpd.service is installed but disabled on recovery: it would not start at boot
    ("mft_software", "service proftpd.service", MAJOR),
    # the balancer's health check of recovery's backup server fails: it would never take over
    ("load_balancer", "member mft-dr-01", MAJOR),
}


#: the way back: the DR drill of 17-18 November moved partners to recovery, its transfer history
#: was shipped back into production's log, and recovery was snapshotted on 26 November. Besides the
#: failback areas, pinned here: users (reversed: recovery the reference) and the load balancer
#: (production's member judged on production's read)
SEEDED_FAILBACK = {
    # the takeover's users drift read the way back: mftsvc's recovery uid, the drill account and
    # its sudo membership must be settled on production, bob's mftadm membership is production's own
    ("users", "user mftsvc uid/gid", CRITICAL),
    ("users", "user drtest", MAJOR),
    ("users", "group sudo members", MINOR),
    ("users", "group mftadm members", MAJOR),
    # mftsvc's password changed on recovery during the drill: set it on production before switching back
    ("users", "user mftsvc password", MAJOR),
    # (load_balancer: production's mft-prod-01 is UP and active in production's read: nothing to do)
    # partner initech, still pointed at the DR address, is uploading its invoices to recovery
    # (mod_sftp shows it idle: the session process holds the file open for writing, and it grows)
    ("active_transfers", "transfer /srv/mft/initech/inbound/invoices 2026-11.zip", CRITICAL),
    # globex left an SFTP session open on recovery since the evening before
    ("active_transfers", "session globex from 203.0.113.230", MAJOR),
    # two uploads of the drill were never fetched by the back office on recovery
    # (ProFTPD logged the first as orders_2026-11-18.csv: its whitespace as _)
    ("pending_files", "file /srv/mft/acme/inbound/orders 2026-11-18.csv", MAJOR),
    ("pending_files", "file /srv/mft/globex/inbound/ship-5521.edi", MAJOR),
    # acme fetched its November report from recovery; that line was lost when the drill's history
    # was merged into production's log, so production would send the report again
    ("transfer_ledger", "download /srv/mft/acme/outbound/report-2026-11.pdf", CRITICAL),
}


def _build_module():
    path = SNAPSHOTS / "build.py"
    spec = importlib.util.spec_from_file_location("example_snapshots_build", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def inventory():
    return load_inventory(INVENTORY)


@pytest.fixture(scope="module")
def sides(inventory):
    pair = inventory.pair("mft-eu")
    return tuple(load_snapshot(getattr(pair, role).snapshot, pair.name, role)
                 for role in ("production", "recovery"))


def test_the_example_inventory_loads_with_its_snapshot_pair(inventory):
    pair = inventory.pair("mft-eu")
    assert pair.production.snapshot == SNAPSHOTS / "mft-eu.production.json"
    assert pair.recovery.snapshot == SNAPSHOTS / "mft-eu.recovery.json"
    assert pair.service_accounts == ["mftsvc"]
    assert pair.service_groups == ["mftgrp", "mftadm"]
    assert pair.policies.disks.mounts == {"/srv/mft": "at_least"}
    # key paths are resolved, never opened: the CA bundle need not exist where the example runs
    assert pair.keys.certificates.ca_bundle == Path("/etc/ssl/certs/example-com-root-ca.pem")
    assert pair.keys.certificates.pkcs12_password.env == "DRVERIFY_AS2_P12_PASSWORD"
    assert [port.port for port in pair.keys.tls.ports] == [443, 990]
    assert pair.keys.ssh_hostkeys.ports == [2222]


def test_the_failback_pair_is_the_same_hosts_checked_the_other_way(inventory):
    takeover, failback = inventory.pair("mft-eu"), inventory.pair("mft-eu-failback")
    assert (takeover.direction, failback.direction) == ("takeover", "failback")
    assert failback.model_dump(exclude={"name", "direction"}) == takeover.model_dump(exclude={"name", "direction"})


def test_snapshots_are_exactly_what_build_py_makes_of_raw(tmp_path):
    written = _build_module().build(tmp_path)
    assert sorted(path.name for path in written) == ["mft-eu.production.json", "mft-eu.recovery.json"]
    for path in written:
        assert path.read_text() == (SNAPSHOTS / path.name).read_text(), (
            f"{path.name} differs from a rebuild: run python inventories/example-snapshots/build.py")


def test_build_merges_probe_areas_given_as_snapshot_entries(tmp_path):
    build = _build_module()
    raw = tmp_path / "raw"
    shutil.copytree(SNAPSHOTS / "raw", raw)
    entry = {"status": "ok", "data": {"answers": []}}
    (raw / "production/dns.json").write_text(json.dumps(entry))
    (raw / "recovery/dns.json").write_text('{"status": "unverified", "reason": "dig: timed out"}')
    build.build(tmp_path, raw=raw)
    areas = [json.loads((tmp_path / f"mft-eu.{role}.json").read_text())["areas"]
             for role in ("production", "recovery")]
    assert areas[0]["dns"] == {**entry, "vantage": "from production ssh://drverify@mft-prod-01.example.com"
                                                " (probes leave from the host itself)"}
    assert areas[1]["dns"] == {"status": "unverified", "reason": "dig: timed out"}


def test_build_refuses_hand_written_facts_for_a_command_area(tmp_path):
    build = _build_module()
    raw = tmp_path / "raw"
    shutil.copytree(SNAPSHOTS / "raw", raw)
    (raw / "recovery/users.txt").rename(raw / "recovery/users.json")
    with pytest.raises(build.BuildError, match="users is a command area: give it as users.txt"):
        build.build(tmp_path, raw=raw)


def test_every_area_was_parsed_on_both_sides(sides):
    for facts in sides:
        assert {area: facts.entry(area)["status"] for area in AREAS} == dict.fromkeys(AREAS, "ok")


def test_probe_areas_say_where_they_were_probed_from(sides):
    """As a live collection records it: from the host itself, or from here as a partner."""
    hosts = {"production": "mft-prod-01.example.com", "recovery": "mft-dr-01.example.com"}
    for facts in sides:
        label = f"{facts.role} ssh://drverify@{hosts[facts.role]}"
        from_host = f"from {label} (probes leave from the host itself)"
        as_partner = f"from the machine running drverify to {label}, as a partner's client connects"
        assert {area: facts.vantage(area) for area in NETWORK_AREAS + KEY_AREAS} == {
            **dict.fromkeys(NETWORK_AREAS, from_host), "tls": as_partner, "ssh_hostkeys": as_partner,
            "certificates": None, "pgp": None}


def test_snapshots_carry_fixed_collection_times(sides):
    assert [facts.collected_at for facts in sides] == ["2026-11-19T02:00:00+00:00",
                                                       "2026-11-26T02:00:00+00:00"]


def _compare(pair, area, production, recovery, direction="takeover"):
    outcome = REGISTRY[area].judge(pair, production.data(area), recovery.data(area), {}, direction)
    assert outcome.unverified == ()
    return outcome.drift


def test_comparing_the_snapshots_gives_exactly_the_seeded_drift(inventory, sides):
    pair = inventory.pair("mft-eu")
    found = {(record.area, record.item, record.severity)
             for area in AREAS for record in _compare(pair, area, *sides)}
    assert sorted(found) == sorted(SEEDED)


def test_failing_back_with_recovery_as_the_reference_gives_exactly_the_seeded_drift(inventory, sides):
    """The failback areas are checked only in the failback direction; they, users and the load
    balancer are judged here as the failback pair checks them."""
    pair = inventory.pair("mft-eu-failback")
    assert all(REGISTRY[area].directions == {"failback"} for area in FAILBACK_AREAS)
    found = {(record.area, record.item, record.severity)
             for area in (*FAILBACK_AREAS, "users", "load_balancer")
             for record in _compare(pair, area, *sides, direction="failback")}
    assert sorted(found) == sorted(SEEDED_FAILBACK)


def test_the_failback_areas_read_recovery_and_production_only_for_the_ledger(sides):
    production, recovery = sides
    assert {area: production.entry(area)["status"] for area in FAILBACK_AREAS} == dict.fromkeys(FAILBACK_AREAS, "ok")
    assert production.data("active_transfers") == production.data("pending_files") == {}
    assert production.data("transfer_ledger")["transfers"] and recovery.data("pending_files")["files"]


def test_every_area_has_seeded_drift_the_core_areas_of_several_severities():
    for area in AREAS:
        severities = {severity for name, _, severity in SEEDED if name == area}
        assert len(severities) >= (2 if area in CORE_AREAS else 1), area


# --- nothing private or real in the example -----------------------------------------------------

_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?![\w:])", re.IGNORECASE)
#: six octets, not part of a longer colon-hex run (a certificate's SHA-256 digest)
_MAC = re.compile(r"(?<![0-9a-f]:)\b(?:[0-9a-f]{2}:){5}[0-9a-f]{2}\b(?!:[0-9a-f])", re.IGNORECASE)
_DOMAIN = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|net|org|io|eu|de|local|lan|corp|internal)\b")
#: a SecretRef names where a secret lives, never its value: the one place the words may appear
_SECRET_REF = re.compile(r"^\s*(?:password|pkcs12_password|credentials): \{(?:env|file): [\w.~/-]+\}",
                         re.MULTILINE)
#: whether gpg holds a key's secret part on the host (pgp facts), and the listing's section marker
_SECRET_FLAG = re.compile(r'"secret": (?:true|false)|^@@secret$', re.MULTILINE)
_SECRET = re.compile(r"-----BEGIN|PRIVATE KEY|\$(?:1|2[aby]|5|6|y|gy)\$|password|secret|token", re.IGNORECASE)
DOC_V4 = [ipaddress.ip_network(n) for n in
          ("198.51.100.0/24", "203.0.113.0/24", "127.0.0.0/8", "0.0.0.0/32", "255.255.255.255/32")]
DOC_V6 = [ipaddress.ip_network(n) for n in ("2001:db8::/32", "fe80::/10", "ff00::/8", "::1/128", "::/128")]
DOC_MACS = ("00:00:5e:00:53:", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff")


def _example_files() -> list[Path]:
    return sorted([*SNAPSHOTS.glob("*.json"), *SNAPSHOTS.glob("raw/*/*"), INVENTORY])


def _address(text: str):
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None  # a time like 02:00:00 looks like IPv6 to the pattern


@pytest.mark.parametrize("path", _example_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_example_holds_only_documentation_addresses_and_names_and_no_secrets(path):
    text = path.read_text(encoding="utf-8")
    addresses = [_address(match) for match in _IPV4.findall(text) + _IPV6.findall(text)]
    outside = [str(a) for a in addresses if a is not None
               and not any(a in network for network in (DOC_V4 if a.version == 4 else DOC_V6))]
    assert outside == []
    assert [mac for mac in _MAC.findall(text) if not mac.lower().startswith(DOC_MACS)] == []
    assert [name for name in _DOMAIN.findall(text) if not name.endswith("example.com")] == []
    assert _SECRET.findall(_SECRET_FLAG.sub("", _SECRET_REF.sub("", text))) == []
