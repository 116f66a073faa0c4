"""The failback areas' snapshot schemas: the example's facts pass; hostile ones fail on their path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drverify.facts.schemas.snapshot import check_area

SNAPSHOTS = Path(__file__).resolve().parents[2] / "inventories/example-snapshots"
AREAS = ("active_transfers", "pending_files", "transfer_ledger", "mft_config", "mft_software", "load_balancer")


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_the_examples_failback_facts_pass(role):
    snapshot = json.loads((SNAPSHOTS / f"mft-eu.{role}.json").read_text())
    assert {area: check_area(area, snapshot["areas"][area]) for area in AREAS} == dict.fromkeys(AREAS)


@pytest.mark.parametrize(("name", "data", "words"), [
    ("transfer_ledger", {"transfers": [[1, "x", "u", "/p", 2]]}, "transfers[0]: expected [epoch seconds"),
    ("transfer_ledger", {"transfers": [[1, "i", "u", "/p"]]}, "transfers[0]: expected"),
    ("transfer_ledger", {"log": {"size": 1, "limit": 2, "cut": False, "unparsed": 0, "from": -5}}, "log.from"),
    ("pending_files", {"files": [{"path": "/a", "size": float("nan"), "mtime": 1, "owner": "x", "log_path": "/a",
                                  "last_event": None}]}, "files[0].size"),
    ("pending_files", {"uploads": "all of them"}, "uploads"),
    ("active_transfers", {"sessions": [{"id": "pid 1", "user": "a\x1b[2J", "protocol": "sftp", "remote": "",
                                        "since": None, "transfers": []}]}, "sessions[0].user"),
    ("active_transfers", {"open_files": {"12": [{"path": "/x", "mode": "w", "deleted": "no"}]}}, "open_files.12[0].deleted"),
])
def test_hostile_failback_facts_fail_on_their_key_path(name, data, words):
    reason = check_area(name, {"status": "ok", "data": data})
    assert reason is not None and words in reason, reason


@pytest.mark.parametrize(("name", "data", "words"), [
    ("mft_config", {"export": {"glob": "/x/*", "format": "proftpd", "path": "/x/a", "content": {
        "users": {"acme": {"gid": 1, "home": "/h", "hash_sha256": "$6$salt$hash"}}}}}, "hash_sha256"),
    ("mft_config", {"export": {"glob": "/x/*", "format": "json", "path": "/x/a", "content": {
        "entries": {"users": ["ok", "bad\x1b[2J"]}}}}, "export.content.entries"),
    ("mft_software", {"version": {"source": "dpkg", "installed": "yes", "value": None}}, "version.installed"),
    ("load_balancer", {"source": "x", "backend": "b", "servers": {"dr": {"address": None, "op_state": -1}}},
     "servers.dr.op_state"),
])
def test_hostile_service_facts_fail_on_their_key_path(name, data, words):
    reason = check_area(name, {"status": "ok", "data": data})
    assert reason is not None and words in reason, reason
