"""Waivers: which records a waiver matches, when it has expired, what a run says of each, and the
one-line errors of a malformed file."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
import yaml

from drverify.drift.records import Drift, Severity
from drverify.errors import InventoryError
from drverify.report.results import AreaResult
from drverify.waivers import expired_note, load_waivers

TODAY = date(2026, 11, 30)
ENTRY = {"pair": "mft-*", "area": "users", "item": "user drtest*", "owner": "alice", "reason": "drill account",
         "ticket": "CHG-1", "expires": "2026-12-31"}


def write(tmp_path: Path, *entries: dict, raw: object = None) -> Path:
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump(raw if raw is not None else {"version": 1, "waivers": list(entries)}))
    return path


def record(item: str = "user drtest", pair: str = "mft-eu", area: str = "users") -> Drift:
    return Drift(pair, area, item, None, {"uid": 1501}, Severity.MINOR, "m", kind="extra")


def test_a_waiver_matches_by_pair_area_and_item_pattern(tmp_path):
    waivers = load_waivers(write(tmp_path, ENTRY), TODAY)
    assert waivers.match(record()) == {"name": "waivers.yaml waivers[0]", "owner": "alice", "reason": "drill account",
                                       "ticket": "CHG-1", "expires": "2026-12-31", "expired": False}
    assert waivers.match(record("user drtest uid/gid")) is not None
    for other in (record("user mftsvc"), record(pair="dr-eu"), record(area="disks")):
        assert waivers.match(other) is None


def test_the_last_day_is_in_force_the_day_after_it_has_expired(tmp_path):
    path = write(tmp_path, ENTRY)
    assert load_waivers(path, date(2026, 12, 31)).match(record())["expired"] is False
    expired = load_waivers(path, date(2027, 1, 1)).match(record())
    assert expired["expired"] is True
    waived = replace(record(), waiver=expired)
    assert not waived.waived
    assert expired_note(waived) == (" (waiver waivers.yaml waivers[0] expired on 2026-12-31: owner alice, "
                                    "ticket CHG-1)")


def test_a_waiver_in_force_speaks_before_an_expired_one(tmp_path):
    old = {**ENTRY, "expires": "2026-01-01", "ticket": "CHG-0"}
    waivers = load_waivers(write(tmp_path, old, ENTRY), TODAY)
    assert waivers.match(record())["ticket"] == "CHG-1"


def test_the_report_says_waived_expired_stale_or_not_checked(tmp_path):
    entries = [ENTRY, {**ENTRY, "item": "group sudo members", "expires": "2026-01-01"},
               {**ENTRY, "item": "user long-gone"}, {**ENTRY, "area": "disks", "item": "/mnt/x"}]
    waivers = load_waivers(write(tmp_path, *entries), TODAY)
    records = tuple(replace(r, waiver=waivers.match(r))
                    for r in (record(), record("group sudo members")))
    found = waivers.report([AreaResult("mft-eu", "users", "drift", drift=records)])
    assert [(entry["item"], entry["status"], entry["matched"]) for entry in found] == [
        ("user drtest*", "waived", 1), ("group sudo members", "expired", 1), ("user long-gone", "stale", 0),
        ("/mnt/x", "not checked", 0)]
    assert waivers.provenance()["in_force"] == 3 and waivers.provenance()["expired"] == 1


@pytest.mark.parametrize(("entry", "message"), [
    ({k: v for k, v in ENTRY.items() if k != "expires"}, "waivers[0].expires: required key is missing"),
    ({**ENTRY, "expires": "soon"}, "waivers[0].expires: input should be a valid date"),
    ({**ENTRY, "owner": ""}, "waivers[0].owner: string should have at least 1 character"),
    ({**ENTRY, "area": "user"}, "waivers[0].area: 'user' matches no area (expected one of: disks, network"),
    ({**ENTRY, "ticktet": "x"}, "waivers[0].ticktet: unknown key (expected one of: pair, area, item, owner"),
])
def test_a_malformed_entry_is_one_line_naming_the_entry_and_key(tmp_path, entry, message):
    path = write(tmp_path, entry)
    with pytest.raises(InventoryError) as error:
        load_waivers(path, TODAY)
    assert str(error.value).startswith(f"{path}: {message}"), str(error.value)
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("raw", [["not", "a mapping"], {"waivers": "none"}, {"version": 1}])
def test_a_file_without_a_list_of_waivers_is_refused(tmp_path, raw):
    with pytest.raises(InventoryError, match="waivers: expected a list of waivers"):
        load_waivers(write(tmp_path, raw=raw), TODAY)


def test_unreadable_or_broken_yaml_names_the_file(tmp_path):
    with pytest.raises(InventoryError, match="cannot read the waivers"):
        load_waivers(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("waivers: [\n")
    with pytest.raises(InventoryError, match=r"broken.yaml:\d+:\d+: not valid YAML"):
        load_waivers(broken)
