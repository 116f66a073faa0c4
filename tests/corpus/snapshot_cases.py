"""The hostile snapshots of the corpus: each case one pair of the embedded example, one side
replaced by a hostile file, with the outcome drverify documents for it.

- ``FILE``: the file cannot be a snapshot at all (not a regular file, too large, not JSON,
  another schema or role, no usable collection time): every area of that side is unverified,
  the reason naming the snapshot file and the cause.
- ``AREA``: one area breaks its schema: that area is unverified, the reason naming the file, the
  area and the key path; the pair's other areas are judged exactly as in the clean example.
- ``DRIFT``: a hostile but well-typed string (markup, template syntax, shell syntax) in one
  host-supplied field, one case per field of every area's schema: the area is still compared
  and its drift still reported, and the HTML report shows the string as text.

The clean example pair is case ``c000-clean``: the others are compared with it.
"""

from __future__ import annotations

import copy
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from schema_walk import slots

from drverify.areas import AREAS
from drverify.facts.schemas import AREA_SCHEMAS, check_area
from drverify.facts.snapshot_file import MAX_SNAPSHOT_BYTES

REPO = Path(__file__).resolve().parents[2]
#: the areas a takeover checks: the corpus pairs are checked in that direction
TAKEOVER_AREAS = [name for name, area in AREAS.items() if "takeover" in area.directions]
EXAMPLE = REPO / "inventories" / "example.yaml"
SNAPSHOTS = REPO / "inventories" / "example-snapshots"
ROLES = ("production", "recovery")

FILE, AREA, DRIFT, CLEAN = "file", "area", "drift", "clean"
ANSI = "\x1b]0;PWNED\x07\x1b[2J"
#: a SHA-512 crypt string's shape (not a real password's): what a snapshot must never carry
CRYPT = "$6$corpussalt$" + "c" * 86

Document = dict[str, Any]


@dataclass(frozen=True)
class Case:
    name: str  #: the pair's name, and the test id
    outcome: str
    role: str  #: the side whose snapshot is hostile
    write: Callable[[Path, Document], None]  #: writes the hostile file from the clean document
    area: str | None = None
    #: what the reason says after ``snapshot:FILE: `` (FILE) or ``snapshot:FILE: AREA: `` (AREA)
    expect: str = ""
    #: whether the pair configures only ``area`` of the probe areas (fewer checks, same outcome)
    narrow: bool = False


def example_documents() -> dict[str, Document]:
    return {role: json.loads((SNAPSHOTS / f"mft-eu.{role}.json").read_text()) for role in ROLES}


def example_inventory() -> dict[str, Any]:
    return yaml.safe_load(EXAMPLE.read_text())


#: where each probe area's part of a pair is: a pair without it gets no check of that area
CONFIGURED_BY = {"dns": ("network", "dns"), "ldap": ("network", "ldap"), "egress": ("network", "egress"),
                 "reachability": ("network", "endpoints"), "certificates": ("keys", "certificates"),
                 "tls": ("keys", "tls"), "ssh_hostkeys": ("keys", "ssh_hostkeys"), "pgp": ("keys", "pgp")}


def pair_for(case: Case, example: dict[str, Any]) -> dict[str, Any]:
    """The example's pair for ``case``: every area, or (narrow) the host's own and the case's."""
    if not case.narrow:
        return dict(example)
    pair = {key: value for key, value in example.items() if key not in ("network", "keys")}
    if case.area in CONFIGURED_BY:
        section, key = CONFIGURED_BY[case.area]
        pair[section] = {key: example[section][key]}
    return pair


# -- writers -------------------------------------------------------------------------------------

def dumped(change: Callable[[Document], Any]) -> Callable[[Path, Document], None]:
    """The clean document changed by ``change`` (in place, or returning a replacement), as JSON:
    NaN written as ``NaN``, a lone surrogate as its ``\\ud800`` escape."""
    def write(path: Path, document: Document) -> None:
        changed = copy.deepcopy(document)
        replaced = change(changed)
        path.write_text(json.dumps(changed if replaced is None else replaced))
    return write


def text(change: Callable[[str], str | bytes]) -> Callable[[Path, Document], None]:
    """The clean document's JSON text changed by ``change``."""
    def write(path: Path, document: Document) -> None:
        result = change(json.dumps(document, indent=1))
        path.write_bytes(result if isinstance(result, bytes) else result.encode("utf-8"))
    return write


def data(area: str, change: Callable[[Any], Any]) -> Callable[[Path, Document], None]:
    """``change`` applied to one area's facts (in place, or returning a replacement)."""
    def apply(document: Document) -> None:
        entry = document["areas"][area]
        replaced = change(entry["data"])
        if replaced is not None:
            entry["data"] = replaced
    return dumped(apply)


def at(*keys: Any, value: Any) -> Callable[[Any], None]:
    """Set ``value`` at ``keys`` (creating nothing: the keys exist in the example)."""
    def change(node: Any) -> None:
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value
    return change


def without(*keys: Any) -> Callable[[Any], None]:
    def change(node: Any) -> None:
        for key in keys[:-1]:
            node = node[key]
        del node[keys[-1]]
    return change


def fifo(path: Path, document: Document) -> None:
    os.mkfifo(path)


def directory(path: Path, document: Document) -> None:
    path.mkdir()


def dev_zero(path: Path, document: Document) -> None:
    path.symlink_to("/dev/zero")


def unix_socket(path: Path, document: Document) -> None:
    """A socket file; one bound relative to its directory, as socket addresses are short."""
    cwd = os.getcwd()
    os.chdir(path.parent)
    try:
        with socket.socket(socket.AF_UNIX) as server:
            server.bind(path.name)
    finally:
        os.chdir(cwd)


def sparse_over_cap(path: Path, document: Document) -> None:
    with path.open("wb") as stream:
        stream.truncate(MAX_SNAPSHOT_BYTES + 1)


def nested(depth: int) -> Callable[[Path, Document], None]:
    return lambda path, document: path.write_text("[" * depth + "]" * depth)


# -- the cases -----------------------------------------------------------------------------------

def file_cases() -> list[tuple[str, str, Callable[[Path, Document], None], str]]:
    """(name, role, writer, what the reason says) for a file that cannot be a snapshot."""
    p, r = "production", "recovery"
    return [
        ("fifo", p, fifo, "the snapshot is a FIFO, not a regular file"),
        ("directory", r, directory, "the snapshot is a directory, not a regular file"),
        ("dev-zero", p, dev_zero, "the snapshot is a character device, not a regular file"),
        ("socket", r, unix_socket, "the snapshot is a socket, not a regular file"),
        ("sparse-over-cap", p, sparse_over_cap,
         f"the snapshot is {MAX_SNAPSHOT_BYTES + 1} bytes, more than the {MAX_SNAPSHOT_BYTES} a snapshot may have"),
        ("no-such-file", r, lambda path, document: None, "cannot read the snapshot: No such file or directory"),
        ("empty", p, text(lambda doc: ""), "the snapshot is not valid JSON: Expecting value"),
        ("yaml-not-json", r, text(lambda doc: "schema: 1\nareas: {}\n"), "the snapshot is not valid JSON"),
        ("latin1", p, text(lambda doc: doc.replace('"mftsvc"', '"mftsv\u00e9"').encode("latin-1")),
         "the snapshot is not UTF-8 text (byte"),
        ("utf8-bom", r, text(lambda doc: "\ufeff" + doc), "the snapshot is not valid JSON: Unexpected UTF-8 BOM"),
        ("truncated", p, text(lambda doc: doc[: len(doc) // 2]), "the snapshot is not valid JSON"),
        ("top-level-list", r, dumped(lambda doc: [doc]), "the snapshot is not a JSON object (got [{"),
        ("schema-2", p, dumped(at("schema", value=2)), "unsupported snapshot schema 2 (this drverify reads schema 1)"),
        ("schema-string", r, dumped(at("schema", value="1")), "unsupported snapshot schema '1'"),
        ("schema-true", p, dumped(at("schema", value=True)), "unsupported snapshot schema True"),
        ("schema-nan", r, dumped(at("schema", value=float("nan"))), "unsupported snapshot schema NaN"),
        ("schema-missing", p, dumped(without("schema")), "unsupported snapshot schema None"),
        ("time-year-1-plus-14", p, dumped(at("collected_at", value="0001-01-01T00:00:00+14:00")),
         "collected_at: expected a time in the years 2000 to 2100, got '0001-01-01T00:00:00+14:00'"),
        ("time-year-9999-minus-14", r, dumped(at("collected_at", value="9999-12-31T23:59:59-14:00")),
         "collected_at: expected a time in the years 2000 to 2100, got '9999-12-31T23:59:59-14:00'"),
        ("time-no-zone", p, dumped(at("collected_at", value="2026-11-19T02:00:00")),
         "collected_at: expected an ISO 8601 time with a time zone, got '2026-11-19T02:00:00'"),
        ("time-not-a-time", r, dumped(at("collected_at", value="yesterday")),
         "collected_at: expected an ISO 8601 time, got 'yesterday'"),
        ("time-a-number", p, dumped(at("collected_at", value=0)), "collected_at: expected a string, got 0"),
        ("time-infinity", r, text(lambda doc: doc.replace('"collected_at": "2026-11-26T02:00:00+00:00"',
                                                           '"collected_at": Infinity')),
         "collected_at: expected a string, got Infinity"),
        ("time-missing", p, dumped(without("collected_at")), "collected_at: required key is missing"),
        ("wrong-role", p, dumped(at("role", value="recovery")),
         "this snapshot is of the recovery host (of pair 'mft-eu'), not of production"),
        ("role-bogus", r, dumped(at("role", value="primary")),
         "role: expected 'production' or 'recovery', got 'primary'"),
        ("deep-nesting-100k", p, nested(100_000), "the snapshot nests objects and lists more than 64 deep"),
        ("deep-nesting-65", r, data("users", at("users", "mftsvc", "home", value=_deep(65))),
         "the snapshot nests objects and lists more than 64 deep"),
        ("duplicate-key", p, text(lambda doc: doc.replace('"home_exists": ', '"home_exists": false, "home_exists": ', 1)),
         "the snapshot has the key 'home_exists' twice in one object"),
        ("areas-a-string", r, dumped(at("areas", value="<script>alert(1)</script>")),
         "areas: expected an object, got '<script>alert(1)</script>'"),
        ("areas-missing", p, dumped(without("areas")), "areas: required key is missing"),
        ("header-unknown-key", r, dumped(at("<img src=x onerror=alert(1)>", value=1)),
         "<img src=x onerror=alert(1)>: unknown key"),
        ("label-lone-surrogate", p, dumped(at("label", value="ssh://\ud800@mft")),
         "label: expected text without lone surrogates, got 'ssh://\\ud800@mft'"),
        ("label-ansi", r, dumped(at("label", value=f"mft{ANSI}")),
         "label: expected no control character (found '\\x1b'), got 'mft\\x1b]0;PWNED\\x07\\x1b[2J'"),
    ]


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def area_cases() -> list[tuple[str, str, str, Callable[[Path, Document], None], str]]:
    """(name, role, area, writer, what the reason says after the area) for one bad area."""
    p, r = "production", "recovery"
    mftsvc = ("users", "mftsvc")
    srv = ("mounts", "/srv/mft")
    return [
        # the cases of issue 8, "Why" item 2
        ("user-name-lone-surrogate", r, "users", data("users", lambda d: d["users"].update({"\ud800": d["users"]["mftsvc"]})),
         "users: a key: expected text without lone surrogates, got '\\ud800'"),
        ("area-a-string", p, "users", dumped(at("areas", "users", value="users")), "expected an object, got 'users'"),
        ("size-nan", r, "disks", data("disks", at(*srv, "size", value=float("nan"))),
         "mounts./srv/mft.size: expected a finite non-negative integer, got NaN"),
        ("rules-a-string", r, "firewall", data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "rules", value="-j ACCEPT")),
         "tables.ip4 filter.chains.INPUT.rules: expected a list, got '-j ACCEPT'"),
        ("used-negative", p, "disks", data("disks", at(*srv, "used", value=-1)),
         "mounts./srv/mft.used: expected a finite non-negative integer, got -1"),
        ("reachable-yes", r, "reachability", data("reachability", at("globex-sftp", "reachable", value="yes")),
         "globex-sftp.reachable: expected true or false, got 'yes'"),
        ("home-missing", p, "users", data("users", without(*mftsvc, "home")), "users.mftsvc.home: required key is missing"),
        # users
        ("data-a-string", r, "users", dumped(at("areas", "users", "data", value="<b>x</b>")), "expected an object, got '<b>x</b>'"),
        ("uid-a-string", r, "users", data("users", at(*mftsvc, "uid", value="2001")),
         "users.mftsvc.uid: expected a uid/gid from 0 to 4294967295, got '2001'"),
        ("uid-true", p, "users", data("users", at(*mftsvc, "uid", value=True)),
         "users.mftsvc.uid: expected a uid/gid from 0 to 4294967295, got True"),
        ("uid-too-large", r, "users", data("users", at(*mftsvc, "gid", value=2**32)),
         "users.mftsvc.gid: expected a uid/gid from 0 to 4294967295, got 4294967296"),
        ("home-exists-yes", r, "users", data("users", at(*mftsvc, "home_exists", value="yes")),
         "users.mftsvc.home_exists: expected true or false, got 'yes'"),
        ("shell-ansi", r, "users", data("users", at(*mftsvc, "shell", value=f"/bin/sh{ANSI}")),
         "users.mftsvc.shell: expected no control character (found '\\x1b'), got '/bin/sh\\x1b]0;PWNED\\x07\\x1b[2J'"),
        ("user-name-ansi", p, "users", data("users", lambda d: d["users"].update({f"evil{ANSI}": d["users"]["mftsvc"]})),
         "users: a key: expected no control character (found '\\x1b'), got 'evil\\x1b]0;PWNED\\x07\\x1b[2J'"),
        ("home-c1-csi", r, "users", data("users", at(*mftsvc, "home", value="/srv/mft\x9b2J")),
         "users.mftsvc.home: expected no control character (found '\\x9b'), got '/srv/mft\\x9b2J'"),
        ("members-a-string", r, "users", data("users", at("groups", "mftgrp", "members", value="alice,bob")),
         "groups.mftgrp.members: expected a list, got 'alice,bob'"),
        ("user-unknown-key", p, "users", data("users", at(*mftsvc, "password", value="$6$hash")),
         "users.mftsvc.password: unknown key"),
        ("users-null", r, "users", data("users", at("users", value=None)), "users: expected an object, got None"),
        ("home-too-long", p, "users", data("users", at(*mftsvc, "home", value="/" + "h" * 5000)),
         "users.mftsvc.home: expected at most 4096 characters, got 5001"),
        ("gid-infinity", r, "users", data("users", at(*mftsvc, "gid", value=float("-inf"))),
         "users.mftsvc.gid: expected a uid/gid from 0 to 4294967295, got -Infinity"),
        ("status-bogus", p, "users", dumped(at("areas", "users", "status", value="maybe")),
         "status: expected 'ok' or 'unverified', got 'maybe'"),
        ("status-ok-no-data", r, "users", dumped(lambda doc: doc["areas"].update(users={"status": "ok"})),
         "expected 'data' in an area whose status is ok"),
        ("unverified-reason-ansi", p, "users",
         dumped(lambda doc: doc["areas"].update(users={"status": "unverified", "reason": f"no{ANSI}"})),
         "reason: expected no control character (found '\\x1b')"),
        # users: /etc/shadow's part holds digests, never a hash: a hash there is refused, not shown
        ("shadow-hash-not-digest", r, "users", data("users", at("shadow", "mftsvc", "hash_sha256", value=CRYPT)),
         "shadow.mftsvc.hash_sha256: expected a SHA-256 digest (never a password hash itself), "
         "got 100 characters (not shown)"),
        ("shadow-state-bogus", p, "users", data("users", at("shadow", "mftsvc", "state", value="unlocked")),
         "shadow.mftsvc.state: expected 'set', 'locked' or 'empty', got 'unlocked'"),
        # disks
        ("size-1e999", p, "disks", text(lambda doc: doc.replace('"size": 2198754820096', '"size": 1e999', 1)),
         "mounts./srv/mft.size: expected a finite non-negative integer, got 1e999"),
        ("size-fraction", r, "disks", data("disks", at(*srv, "size", value=1.5)),
         "mounts./srv/mft.size: expected a finite non-negative integer, got 1.5"),
        ("size-50-digits", p, "disks", text(lambda doc: doc.replace('"size": 2198754820096', '"size": ' + "9" * 50, 1)),
         "mounts./srv/mft.size: expected a finite non-negative integer, got 99999999999999999999... (50 digits)"),
        ("load-two-values", r, "disks", data("disks", at("sizing", "load", value=[0.1, 0.2])),
         "sizing.load: expected at least 3 entries, got 2"),
        ("load-nan", p, "disks", data("disks", at("sizing", "load", value=[0.1, 0.2, float("nan")])),
         "sizing.load[2]: expected a finite non-negative number, got NaN"),
        ("mounts-a-list", r, "disks", data("disks", at("mounts", value=[])), "mounts: expected an object, got []"),
        ("mount-point-lone-surrogate", p, "disks", data("disks", lambda d: d["mounts"].update({"/srv/\udfff": {}})),
         "mounts: a key: expected text without lone surrogates, got '/srv/\\udfff'"),
        # network
        ("address-without-prefix", r, "network", data("network", at("interfaces", "ens160", 0, value="203.0.113.20")),
         "interfaces.ens160[0]: expected an address/prefix, got '203.0.113.20'"),
        ("listener-port-70000", p, "network", data("network", at("listeners", 0, "port", value=70000)),
         "listeners[0].port: expected a port number from 0 to 65535, got 70000"),
        ("listener-proto-sctp", r, "network", data("network", at("listeners", 0, "proto", value="sctp")),
         "listeners[0].proto: expected 'tcp' or 'udp', got 'sctp'"),
        ("route-without-dst", p, "network", data("network", without("routes", 0, "dst")), "routes[0].dst: required key is missing"),
        ("ephemeral-one-port", r, "network", data("network", at("ephemeral_ports", value=[32768])),
         "ephemeral_ports: expected at least 2 entries, got 1"),
        ("gateways-null", p, "network", data("network", at("routes", 0, "gateways", value=None)),
         "routes[0].gateways: expected a list, got None"),
        # firewall
        ("nft-rule-not-json", r, "firewall", data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "rules", 0, value="[oops")),
         "tables.ip4 filter.chains.INPUT.rules[0]: the nft rule is not valid JSON"),
        ("nft-jump-without-target", p, "firewall",
         data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "rules", 0, value='[{"jump": "f2b-sshd"}]')),
         "tables.ip4 filter.chains.INPUT.rules[0]: expected the nft jump to name its target chain"),
        ("nft-rule-deep", r, "firewall",
         data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "rules", 0, value="[" * 500 + "]" * 500)),
         "the nft rule nests objects and lists more than 64 deep"),
        ("hook-null", p, "firewall", data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "hook", value=None)),
         "tables.ip4 filter.chains.INPUT.hook: expected a string, got None"),
        ("set-elements-a-string", r, "firewall",
         data("firewall", at("tables", "ip4 filter", "sets", value={"partners": {"type": "ipv4_addr", "elements": "10.0.0.0/8"}})),
         "tables.ip4 filter.sets.partners.elements: expected a list, got '10.0.0.0/8'"),
        ("tables-null", p, "firewall", data("firewall", at("tables", value=None)), "tables: expected an object, got None"),
        ("rule-newline", r, "firewall",
         data("firewall", at("tables", "ip4 filter", "chains", "INPUT", "rules", 0, value="-j ACCEPT\n-A INPUT -j DROP")),
         "tables.ip4 filter.chains.INPUT.rules[0]: expected no control character (found '\\n')"),
        # dns
        ("ttl-negative", r, "dns", data("dns", lambda d: _first_record(d).update(ttl=-5)), "ttl: expected a finite non-negative integer, got -5"),
        ("records-missing", p, "dns", data("dns", lambda d: _drop(_first_answer(d), "records")), "records: required key is missing"),
        ("resolver-lookup-a-string", r, "dns", data("dns", at("resolver", "names", "sftp.acme.example.com", value="198.51.100.200")),
         "resolver.names.sftp.acme.example.com: expected an object, got '198.51.100.200'"),
        ("resolver-error-lone-surrogate", p, "dns", data("dns", at("resolver", "error", value="\ud83d")),
         "resolver.error: expected text without lone surrogates, got '\\ud83d'"),
        # ldap
        ("ldap-stage-unknown", r, "ldap", data("ldap", lambda d: _only(d["servers"]).update(stage="<svg onload=alert(1)>")),
         "stage: expected 'ok', 'url', 'tcp', 'tls', 'bind' or 'search', got '<svg onload=alert(1)>'"),
        ("ldap-entries-missing", p, "ldap", data("ldap", lambda d: _drop(_only(d["servers"]), "entries")), "entries: required key is missing"),
        ("ldap-attribute-values-a-dict", p, "ldap",
         data("ldap", lambda d: _only(d["servers"])["entries"][0].update(attributes={"cn": {"0": "x"}})),
         "attributes.cn: expected a list, got {'0': 'x'}"),
        # egress
        ("egress-not-an-address", r, "egress", data("egress", at("egress", value="{{7*7}}")), "egress: expected an IP address, got '{{7*7}}'"),
        ("egress-a-number", p, "egress", data("egress", at("egress", value=3232235777)), "egress: expected a string, got 3232235777"),
        # reachability
        ("endpoint-without-port", r, "reachability", data("reachability", without("acme-sftp", "port")),
         "acme-sftp: expected 'error', or port too"),
        ("endpoint-a-list", p, "reachability", data("reachability", at("acme-sftp", value=["host", 22])),
         "acme-sftp: expected an object, got ['host', 22]"),
        # certificates
        ("not-after-year-1", r, "certificates", data("certificates", lambda d: _leaf(d).update(not_after="0001-01-01T00:00:00+14:00")),
         "not_after: expected a time in the years 1950 to 9999, got '0001-01-01T00:00:00+14:00'"),
        ("not-after-no-zone", p, "certificates", data("certificates", lambda d: _leaf(d).update(not_after="2036-10-01")),
         "not_after: expected an ISO 8601 time with a time zone, got '2036-10-01'"),
        ("sans-a-string", r, "certificates", data("certificates", lambda d: _leaf(d).update(sans="mft.example.com")),
         "sans: expected a list, got 'mft.example.com'"),
        ("file-format-unknown", p, "certificates",
         data("certificates", at("files", "/etc/mft/as2/mft-as2.p12", "format", value="jks")),
         "files./etc/mft/as2/mft-as2.p12.format: expected 'pem', 'der' or 'p12', got 'jks'"),
        # tls
        ("tls-port-key-not-a-number", r, "tls", data("tls", lambda d: d["ports"].update({"https": d["ports"]["443"]})),
         "ports: a key: expected a port number, got 'https'"),
        ("tls-chain-null", p, "tls", data("tls", at("ports", "443", "chain", value=None)), "ports.443.chain: expected a list, got None"),
        # ssh host keys
        ("ssh-keys-a-list", r, "ssh_hostkeys", data("ssh_hostkeys", at("ports", "2222", "keys", value=["ssh-ed25519"])),
         "ports.2222.keys: expected an object, got ['ssh-ed25519']"),
        ("ssh-port-key-negative", p, "ssh_hostkeys", data("ssh_hostkeys", lambda d: d["ports"].update({"-22": {}})),
         "ports: a key: expected a port number, got '-22'"),
        # pgp
        ("pgp-expires-overflow", r, "pgp",
         data("pgp", lambda d: _first_key(d).update(expires="9999-12-31T23:59:59-14:00")),
         "expires: expected a time in the years 1950 to 9999, got '9999-12-31T23:59:59-14:00'"),
        ("pgp-secret-yes", p, "pgp", data("pgp", lambda d: _first_key(d).update(secret="yes")),
         "secret: expected true or false, got 'yes'"),
        ("pgp-subkeys-a-list", r, "pgp", data("pgp", lambda d: _first_key(d).update(subkeys=[])),
         "subkeys: expected an object, got []"),
    ]


def _drop(mapping: dict[str, Any], key: str) -> None:
    del mapping[key]


def _only(mapping: dict[str, Any]) -> Any:
    return next(iter(mapping.values()))


def _first_answer(facts: dict[str, Any]) -> dict[str, Any]:
    return _only(_only(facts["servers"])["names"])


def _first_record(facts: dict[str, Any]) -> dict[str, Any]:
    return _first_answer(facts)["records"][0]


def _leaf(facts: dict[str, Any]) -> dict[str, Any]:
    return facts["files"]["/etc/mft/tls/mft.example.com.pem"]["certificates"][0]


def _first_key(facts: dict[str, Any]) -> dict[str, Any]:
    return _only(facts["accounts"]["mftsvc"]["keys"])


def payload(tag: str) -> str:
    """Markup that would act if rendered as HTML, template syntax that would compute if rendered
    as a template, shell syntax that would leave a marker file if it reached a shell."""
    act = f"document.body.setAttribute('data-pwned','{tag}')"
    return (f"<script>{act}</script><img src=x onerror=\"{act}\">{{{{7*7}}}}${{7*7}}"
            f"<a href=\"javascript:{act}\">{tag}</a></td></tr>$(touch /tmp/drv-pwned-{tag})`touch /tmp/drv-pwned-{tag}`")


def drift_cases(documents: dict[str, Document]) -> list[Case]:
    """One case per host-supplied string position of every area's schema, on recovery."""
    cases = []
    for area, schema in AREA_SCHEMAS.items():
        if area not in TAKEOVER_AREAS:
            continue  # the corpus pairs are checked for a takeover
        clean = documents["recovery"]["areas"][area]["data"]
        for number, slot in enumerate(slots(schema, clean)):
            name = f"x-{area}-{number:02d}"
            hostile = slot.set(payload(name))
            entry = {"status": "ok", "data": hostile}
            # a position typed narrower than free text (an address, a port, a time, an enum)
            # refuses the payload: then the area is unverified, naming the position
            refused = check_area(area, entry)
            cases.append(Case(name, AREA if refused else DRIFT, "recovery",
                              data(area, lambda _, hostile=hostile: hostile), area, refused or "", narrow=True))
    return cases


def all_cases(documents: dict[str, Document]) -> list[Case]:
    cases = [Case("c000-clean", CLEAN, "recovery", dumped(lambda doc: None))]
    cases += [Case(f"f-{name}", FILE, role, write, None, expect)
              for name, role, write, expect in file_cases()]
    cases += [Case(f"a-{name}", AREA, role, write, area, expect)
              for name, role, area, write, expect in area_cases()]
    return cases + drift_cases(documents)
