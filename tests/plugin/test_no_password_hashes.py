"""No password hash, nor its digest, in anything a run of the example writes or prints.

The example's /etc/shadow frames were recorded from the crypt strings
``inventories/example-snapshots/record_shadow.py`` sets with chpasswd; the snapshots hold only
their SHA-256 digests. A run of both pairs (takeover and failback) with every output drverify
writes — terminal, drift.json, the HTML report, the evidence pack — must hold neither.
"""

from __future__ import annotations

import importlib.util
import json
import sys

from cli_support import EXAMPLE, SNAPSHOTS, drverify


def _recording_module():
    spec = importlib.util.spec_from_file_location("example_record_shadow", SNAPSHOTS / "record_shadow.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _digests() -> set[str]:
    found = set()
    for role in ("production", "recovery"):
        shadow = json.loads((SNAPSHOTS / f"mft-eu.{role}.json").read_text())["areas"]["users"]["data"]["shadow"]
        found |= {entry["hash_sha256"] for entry in shadow.values() if "hash_sha256" in entry}
    return found


def test_the_example_run_shows_no_password_hash_nor_digest(tmp_path):
    hashes = {crypt for role in ("production", "recovery") for crypt in _recording_module().hashes(role)}
    digests = _digests()
    assert len(hashes) == 6 and len(digests) == 6  # alice, bob, carol, mftsvc twice, drtest
    result = drverify(tmp_path, "check", "--inventory", str(EXAMPLE), "--", f"--html={tmp_path / 'report.html'}",
                      "--self-contained-html", f"--evidence={tmp_path / 'evidence'}", "-rA")
    written = [path for path in tmp_path.rglob("*") if path.is_file()]
    assert {path.name for path in written} >= {"drift.json", "report.html"}
    drift = json.loads((tmp_path / "reports" / "drift.json").read_text())
    assert {(r["pair"], r["item"]) for r in drift["drift"] if r["item"] == "user mftsvc password"} == {
        ("mft-eu", "user mftsvc password"), ("mft-eu-failback", "user mftsvc password")}
    outputs = [result.stdout, result.stderr, *(path.read_text(errors="replace") for path in written)]
    assert [secret[:12] for secret in hashes | digests if any(secret in text for text in outputs)] == []
