"""Snapshots are checked when loaded: the file (drverify.facts.snapshot_file), its header and
each area (drverify.facts.schemas). Real facts pass: the example snapshots (built from raw
outputs by their parsers) and every recorded output the parsers read. Hostile ones give one
line naming the key path, what was expected and what was there, escaped and cut short.
"""

from __future__ import annotations

import json
import math
import os
import socket
import threading
from pathlib import Path

import pytest
from support import DATA, recorded_outputs

from drverify.areas import AREAS
from drverify.errors import FactError, FactsUnavailable
from drverify.facts import disks, firewall, network, users
from drverify.facts.batch import split_output
from drverify.facts.hostfacts import HostFacts, load_snapshot
from drverify.facts.schemas import AREA_SCHEMAS, SCHEMA, check_area, check_header
from drverify.facts.schemas.fields import MAX_ENTRIES, MAX_NAME
from drverify.facts.schemas.messages import SHOWN, key_path, shown
from drverify.facts.snapshot_file import (
    MAX_DEPTH,
    MAX_SNAPSHOT_BYTES,
    BadNumber,
    Unreadable,
    loads_strict,
    read_snapshot_text,
)

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "inventories" / "example-snapshots"
NOW = "2026-11-19T02:00:00+00:00"


def ok(data) -> dict:
    return {"status": "ok", "data": data}


def user(**fields) -> dict:
    return {"uid": 2001, "gid": 2001, "home": "/srv/mft", "shell": "/bin/sh", "home_exists": True, **fields}


def document(**fields) -> dict:
    return {"schema": SCHEMA, "collected_at": NOW, "role": "production", "areas": {}, **fields}


# -- real facts pass -------------------------------------------------------------------------------

def test_every_area_has_a_snapshot_schema():
    assert set(AREA_SCHEMAS) == set(AREAS)


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_the_example_snapshots_load_with_every_area_usable(role):
    facts = load_snapshot(EXAMPLE / f"mft-eu.{role}.json", "mft-eu", role)
    assert {area: facts.entry(area)["status"] for area in list(facts.areas)} == {area: "ok" for area in AREAS}
    # checked, not rewritten: the facts compared are the JSON as the file holds it
    assert facts.areas == json.loads((EXAMPLE / f"mft-eu.{role}.json").read_text())["areas"]


def _framed(path: Path):
    text = path.read_text()
    return split_output(text, text.split(" begin ", 1)[0].strip())


def _recorded() -> list:
    """(area, facts) for every recording its parser reads (not those of an unreadable area)."""
    sources = (
        [("disks", disks.parse, recorded_outputs, case) for case in (DATA / "disks").iterdir() if case.is_dir()]
        + [("users", users.parse, recorded_outputs, case) for case in (DATA / "users").iterdir() if case.is_dir()]
        + [("network", network.parse, _framed, case) for case in (DATA / "network").glob("*.txt")]
        + [("firewall", firewall.parse, _framed, case) for case in (DATA / "firewall").glob("*.txt")]
    )
    found = []
    for area, parse, read, case in sorted(sources, key=lambda source: (source[0], source[3].name)):
        try:
            found.append(pytest.param(area, parse(read(case)), id=f"{area}/{case.name}"))
        except FactError:
            continue
    return found


@pytest.mark.parametrize(("area_name", "facts"), _recorded())
def test_facts_parsed_from_recorded_outputs_pass_their_schema(area_name, facts):
    assert check_area(area_name, ok(json.loads(json.dumps(facts)))) is None


# -- one bad area: its key path, what was expected, what was there -----------------------------------

AREA_CASES = [
    ("users", ok({"users": {"alice": {"uid": 1, "gid": 1, "shell": "/bin/sh"}}}), "users.alice.home: required key is missing"),
    ("users", ok({"users": {"\ud800": user()}}), "users: a key: expected text without lone surrogates, got '\\ud800'"),
    ("users", ok({"users": {"mftsvc": user(shell="/bin/sh\x1b]0;x\x07")}}),
     "users.mftsvc.shell: expected no control character (found '\\x1b'), got '/bin/sh\\x1b]0;x\\x07'"),
    ("users", ok({"users": {"mftsvc": user(uid=True)}}), "users.mftsvc.uid: expected a uid/gid from 0 to 4294967295, got True"),
    ("users", ok({"users": {"mftsvc": user(gid=-1)}}), "users.mftsvc.gid: expected a uid/gid from 0 to 4294967295, got -1"),
    ("users", ok({"users": {"mftsvc": user(home_exists="yes")}}), "users.mftsvc.home_exists: expected true or false, got 'yes'"),
    ("users", ok({"users": {"mftsvc": user(home="/" * (MAX_NAME + 1))}}),
     f"users.mftsvc.home: expected at most {MAX_NAME} characters, got {MAX_NAME + 1}"),
    ("users", ok({"users": {"mftsvc": user(password="x")}}), "users.mftsvc.password: unknown key"),
    ("users", ok({"users": None}), "users: expected an object, got None"),
    ("users", ok("users"), "expected an object, got 'users'"),
    ("users", "users", "expected an object, got 'users'"),
    ("users", {"status": "ok"}, "expected 'data' in an area whose status is ok, got {'status': 'ok'}"),
    ("users", {"status": "fine", "data": {}}, "status: expected 'ok' or 'unverified', got 'fine'"),
    ("disks", ok({"mounts": {"/srv": {"size": BadNumber("NaN")}}}),
     "mounts./srv.size: expected a finite non-negative integer, got NaN"),
    ("disks", ok({"mounts": {"/srv": {"size": 10, "used": -1}}}),
     "mounts./srv.used: expected a finite non-negative integer, got -1"),
    ("disks", ok({"mounts": {"/srv": {"size": 1.5}}}), "mounts./srv.size: expected a finite non-negative integer, got 1.5"),
    ("disks", ok({"sizing": {"load": [0.1, 0.2, BadNumber("Infinity")]}}),
     "sizing.load[2]: expected a finite non-negative number, got Infinity"),
    ("disks", ok({"sizing": {"load": [0.1]}}), "sizing.load: expected at least 3 entries, got 1"),
    ("network", ok({"interfaces": {"eth0": ["198.51.100.10"]}}),
     "interfaces.eth0[0]: expected an address/prefix, got '198.51.100.10'"),
    ("network", ok({"listeners": [{"proto": "tcp", "address": "*", "port": 65536}]}),
     "listeners[0].port: expected a port number from 0 to 65535, got 65536"),
    ("firewall", ok({"tables": {"ip4 filter": {"chains": {"INPUT": {"policy": "DROP", "rules": "-j ACCEPT"}}}}}),
     "tables.ip4 filter.chains.INPUT.rules: expected a list, got '-j ACCEPT'"),
    ("firewall", ok({"tables": {"inet t": {"chains": {"in": {"rules": ['[{"jump": "x"}]']}}}}}),
     "tables.inet t.chains.in.rules[0]: expected the nft jump to name its target chain, got '[{\"jump\": \"x\"}]'"),
    ("firewall", ok({"tables": {"inet t": {"chains": {"in": {"rules": ["[" * 70 + "]" * 70]}}}}}),
     "tables.inet t.chains.in.rules[0]: the nft rule nests objects and lists more than 64 deep, got '[[[["),
    ("firewall", ok({"tables": {"inet t": {"chains": {"in": {"rules": [], "hook": None}}}}}),
     "tables.inet t.chains.in.hook: expected a string, got None"),
    ("reachability", ok({"sftp": {"host": "h", "port": 22, "reachable": "yes", "reason": None}}),
     "sftp.reachable: expected true or false, got 'yes'"),
    ("reachability", ok({"sftp": {"host": "h", "reachable": True, "reason": None}}),
     "sftp: expected 'error', or port too, got {'host': 'h', 'reachable': True, 'reason': None}"),
    ("egress", ok({"proxy": "http://p:3128", "egress": "yes"}), "egress: expected an IP address, got 'yes'"),
    ("dns", ok({"resolver": {"names": {"ldap": "198.51.100.3"}}}), "resolver.names.ldap: expected an object, got '198.51.100.3'"),
    ("dns", ok({"resolver": {"names": {"ldap": [3]}}}), "resolver.names.ldap[0]: expected a string, got 3"),
    ("ldap", ok({"servers": {"ldaps://l": {"stage": "done", "reason": None, "entries": []}}}),
     "servers.ldaps://l.stage: expected 'ok', 'url', 'tcp', 'tls', 'bind' or 'search', got 'done'"),
    ("certificates", ok({"files": {"/c.pem": {"certificates": [{"not_after": "0001-01-01T00:00:00+14:00"}]}}}),
     "files./c.pem.certificates[0].not_after: expected a time in the years 1950 to 9999, got '0001-01-01T00:00:00+14:00'"),
    ("certificates", ok({"files": {"/c.pem": {"certificates": [{"not_after": "2030-01-01T00:00:00"}]}}}),
     "files./c.pem.certificates[0].not_after: expected an ISO 8601 time with a time zone, got '2030-01-01T00:00:00'"),
    ("tls", ok({"ports": {"https": {}}}), "ports: a key: expected a port number, got 'https'"),
    ("pgp", ok({"accounts": {"m": {"keys": {"F": {"expires": "9999-12-31T23:59:59-14:00"}}}}}),
     "accounts.m.keys.F.expires: expected a time in the years 1950 to 9999, got '9999-12-31T23:59:59-14:00'"),
    ("toy", ok({}), "this drverify has no snapshot schema for an area of that name"),
]


@pytest.mark.parametrize(("area_name", "entry", "reason"), AREA_CASES)
def test_a_bad_area_says_where_what_was_expected_and_what_was_there(area_name, entry, reason):
    found = check_area(area_name, entry)
    assert found is not None and found.startswith(reason), found
    assert found.isprintable() and len(found) < 600
    found.encode("utf-8")  # no lone surrogate: every writer can write it


def test_older_snapshots_lacking_what_the_comparison_handles_item_by_item_still_pass():
    # no home check (older users facts), a certificate or key lacking fields, a mount unsized
    assert check_area("users", ok({"users": {"a": {"uid": 1, "gid": 1, "home": "/", "shell": "/bin/sh"}}})) is None
    assert check_area("certificates", ok({"files": {"/c.pem": {"certificates": [{"subject": "CN=x"}]}}})) is None
    assert check_area("pgp", ok({"accounts": {"m": {"gnupghome": "/h", "keys": {"F": {"uids": []}}}}})) is None
    assert check_area("disks", ok({"mounts": {"/srv": {"size": None, "used": None, "error": "statfs: Permission denied"}}})) is None


def test_text_fields_may_hold_tabs_and_newlines_names_may_not():
    assert check_area("users", ok({"errors": {"groups": "cut: line 1\n\tPermission denied"}})) is None
    assert "expected no control character (found '\\t')" in check_area("users", ok({"users": {"a\tb": user()}}))
    assert "found '\\r'" in check_area("users", ok({"errors": {"groups": "ok\rspoofed"}}))


def test_collections_are_bounded():
    members = ["m"] * (MAX_ENTRIES + 1)
    reason = check_area("users", ok({"groups": {"g": {"gid": 1, "members": members}}}))
    assert reason.startswith(f"groups.g.members: expected at most {MAX_ENTRIES} entries, got {MAX_ENTRIES + 1}")


def test_many_problems_give_the_first_and_a_count():
    reason = check_area("users", ok({"users": {"a": {"uid": -1, "gid": -1, "home": 1, "shell": 2}}}))
    assert reason.endswith("(and 3 more problems)")


# -- the header: one problem there and the whole file is unusable -----------------------------------

HEADER_CASES = [
    ([], "the snapshot is not a JSON object (got [])"),
    (document(schema=2), "unsupported snapshot schema 2 (this drverify reads schema 1)"),
    (document(schema=True), "unsupported snapshot schema True (this drverify reads schema 1)"),
    (document(schema=BadNumber("NaN")), "unsupported snapshot schema NaN (this drverify reads schema 1)"),
    (document(collected_at="0001-01-01T00:00:00+14:00"),
     "collected_at: expected a time in the years 2000 to 2100, got '0001-01-01T00:00:00+14:00'"),
    (document(collected_at="9999-12-31T23:59:59-14:00"),
     "collected_at: expected a time in the years 2000 to 2100, got '9999-12-31T23:59:59-14:00'"),
    (document(collected_at="2026-11-19T02:00:00"), "collected_at: expected an ISO 8601 time with a time zone"),
    (document(collected_at="soon"), "collected_at: expected an ISO 8601 time, got 'soon'"),
    (document(collected_at=BadNumber("Infinity")), "collected_at: expected a string, got Infinity"),
    (document(areas="x"), "areas: expected an object, got 'x'"),
    (document(role="primary"), "role: expected 'production' or 'recovery', got 'primary'"),
    (document(role="recovery", pair="eu"), "this snapshot is of the recovery host (of pair 'eu'), not of production"),
    (document(label="ssh://\ud800"), "label: expected text without lone surrogates, got 'ssh://\\ud800'"),
    (document(**{"<script>": 1}), "<script>: unknown key"),
]


@pytest.mark.parametrize(("content", "reason"), HEADER_CASES)
def test_a_bad_header_makes_the_whole_file_unusable(content, reason):
    with pytest.raises(Unreadable) as raised:
        check_header(content, "production")
    assert str(raised.value).startswith(reason)


def test_a_good_header_gives_the_collection_time():
    assert check_header(document(), "production") == NOW
    assert check_header({k: v for k, v in document().items() if k != "role"}, "production") == NOW


# -- load_snapshot: the file, then each area --------------------------------------------------------

def test_a_bad_area_is_unverified_alone_naming_file_area_and_key_path(tmp_path):
    path = tmp_path / "p.json"
    bad = {"users": {"mftsvc": {"uid": 1, "gid": 1, "shell": "/bin/sh"}}}
    path.write_text(json.dumps(document(areas={"users": ok(bad), "disks": ok({"mounts": {}}),
                                               "dns": {"status": "unverified", "reason": "no answer"}})))
    facts = load_snapshot(path, "eu", "production")
    assert facts.data("disks") == {"mounts": {}}
    with pytest.raises(FactsUnavailable) as raised:
        facts.data("users")
    assert str(raised.value) == f"production snapshot:{path}: users: users.mftsvc.home: required key is missing"
    with pytest.raises(FactsUnavailable, match="dns: no answer"):
        facts.data("dns")


def test_an_area_is_checked_against_its_schema_when_first_read(tmp_path):
    """A run builds and runs the validators of the areas it compares only (``-k firewall``)."""
    facts = load_snapshot(EXAMPLE / "mft-eu.production.json", "mft-eu", "production")
    assert facts.unchecked == set(AREAS)
    facts.data("firewall")
    assert facts.unchecked == set(AREAS) - {"firewall"}


def test_a_snapshot_whose_every_area_breaks_its_schema_has_nothing_read(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps(document(areas={"users": ok({"users": 1}), "disks": ok({"mounts": []})})))
    facts = load_snapshot(path, "eu", "production")
    assert not facts.any_ok()
    assert facts.vantage("disks") is None
    assert {area: entry["status"] for area, entry in facts.to_json()["areas"].items()} == {
        "users": "unverified", "disks": "unverified"}


def test_extreme_collection_times_within_range_have_an_age():
    for moment in ("2000-01-01T14:00:00+14:00", "2100-12-31T09:59:59-14:00"):
        facts = HostFacts("eu", "production", "x", collected_at=check_header(document(collected_at=moment), "production"))
        assert math.isfinite(facts.age_seconds())


def _unusable(path: Path) -> str:
    with pytest.raises(FactsUnavailable) as raised:
        load_snapshot(path, "eu", "production")
    return str(raised.value)


def _finishes(call, seconds: float = 10) -> None:
    """Runs ``call`` in a thread: a regression that blocks fails here instead of hanging the suite."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), "reading the snapshot blocked"


def test_a_fifo_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "p.json")
    reasons = []
    _finishes(lambda: reasons.append(_unusable(tmp_path / "p.json")))
    assert reasons == ["the snapshot is a FIFO, not a regular file"]


def test_a_device_is_refused_without_reading_it(tmp_path):
    (tmp_path / "p.json").symlink_to("/dev/zero")
    reasons = []
    _finishes(lambda: reasons.append(_unusable(tmp_path / "p.json")))
    assert reasons[0].endswith("the snapshot is a character device, not a regular file")


def test_a_directory_and_a_socket_are_refused(tmp_path):
    (tmp_path / "d.json").mkdir()
    assert _unusable(tmp_path / "d.json").endswith("the snapshot is a directory, not a regular file")
    with socket.socket(socket.AF_UNIX) as server:
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            server.bind("s.json")
        finally:
            os.chdir(cwd)
        assert _unusable(tmp_path / "s.json").endswith("the snapshot is a socket, not a regular file")


def test_a_file_over_the_size_cap_is_refused_unread(tmp_path):
    with (tmp_path / "p.json").open("wb") as stream:
        stream.truncate(MAX_SNAPSHOT_BYTES + 1)  # sparse: nothing is written
    assert _unusable(tmp_path / "p.json").endswith(
        f"the snapshot is {MAX_SNAPSHOT_BYTES + 1} bytes, more than the {MAX_SNAPSHOT_BYTES} a snapshot may have")


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "the snapshot is not valid JSON: Expecting value: line 1 column 1 (char 0)"),
    (b'{"schema": 1,', "the snapshot is not valid JSON"),
    (b'{"schema": \xe9}', "the snapshot is not UTF-8 text (byte 11)"),
    (b'{"schema": 1, "schema": 1}', "the snapshot has the key 'schema' twice in one object"),
    (b"[" * 100_000 + b"]" * 100_000, f"the snapshot nests objects and lists more than {MAX_DEPTH} deep"),
])
def test_text_that_is_no_strict_json_is_refused(tmp_path, content, reason):
    (tmp_path / "p.json").write_bytes(content)
    assert _unusable(tmp_path / "p.json").startswith(reason)


def test_a_missing_file_says_so(tmp_path):
    assert _unusable(tmp_path / "none.json").endswith("cannot read the snapshot: No such file or directory")


# -- strict JSON --------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999", "1" * 41])
def test_numbers_python_would_not_keep_finite_become_bad_numbers(text):
    [value] = loads_strict(f"[{text}]")
    assert isinstance(value, BadNumber) and not isinstance(value, (int, float))


def test_nesting_is_bounded_exactly():
    assert loads_strict("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    with pytest.raises(Unreadable, match="more than 64 deep"):
        loads_strict("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    with pytest.raises(Unreadable, match="more than 64 deep"):
        loads_strict('{"a":' * (MAX_DEPTH + 1) + "1" + "}" * (MAX_DEPTH + 1))


def test_read_snapshot_text_reads_a_regular_file(tmp_path):
    (tmp_path / "p.json").write_text("{}\n")
    assert read_snapshot_text(tmp_path / "p.json") == "{}\n"


# -- messages -----------------------------------------------------------------------------------------

def test_values_are_escaped_and_cut_short():
    assert shown("\x1b[2J\ud800") == "'\\x1b[2J\\ud800'"
    assert len(shown("x" * 10_000)) == SHOWN
    assert len(shown(list(range(10_000)))) <= SHOWN


def test_unusual_keys_in_a_path_are_escaped():
    assert key_path(("users", "alice", "uid")) == "users.alice.uid"
    assert key_path(("routes", 2, "dst")) == "routes[2].dst"
    assert key_path(("users", "a\x1b[2J", "uid")) == "users.'a\\x1b[2J'.uid"
    long = key_path(("users", "k" * 500))
    assert "..." in long and len(long) <= len("users.") + SHOWN
