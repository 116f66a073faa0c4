"""Drift records: production's own value with the translated one beside it, a stable id, a hint.

The id is what history compares across runs, so it must not move when a value does; the hint is
what a person without knowledge of the system acts on, filled from the record itself.
"""

from __future__ import annotations

import pytest
from support import context, make_pair

from drverify.drift import hints
from drverify.drift.records import Drift, Severity

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR


def test_translated_is_kept_only_when_translation_changed_the_value():
    ctx = context("network", make_pair(translate={"198.51.100.0/24": "203.0.113.0/24"}))
    moved = ctx.moved("address 203.0.113.20", "198.51.100.20/25", None, MAJOR, "m", kind="missing")
    assert (moved.production, moved.translated) == ("198.51.100.20/25", "203.0.113.20/25")
    same = ctx.moved("listener tcp/22", "sshd on all addresses", None, MAJOR, "m", kind="missing")
    assert same.translated is None
    assert ctx.drift("x", "a", "b", MINOR, "m", translated="a").translated is None


def test_id_is_stable_for_the_same_finding_whatever_its_values_or_severity():
    one = Drift("mft-eu", "disks", "/srv/mft", {"size": 1}, {"size": 0}, CRITICAL, "a", kind="too_small")
    two = Drift("mft-eu", "disks", "/srv/mft", {"size": 9}, {"size": 5}, MAJOR, "b", kind="too_small")
    assert one.id == two.id and len(one.id) == 16
    others = [Drift("mft-us", "disks", "/srv/mft", 1, 0, CRITICAL, "a", kind="too_small"),
              Drift("mft-eu", "disks", "/srv/mft", 1, 0, CRITICAL, "a", kind="missing"),
              Drift("mft-eu", "disks", "/var/log", 1, 0, CRITICAL, "a", kind="too_small")]
    assert len({record.id for record in [one, *others]}) == 4


def test_a_record_round_trips_through_its_dict():
    record = Drift("p", "users", "user a", {"uid": 1}, None, MAJOR, "m", kind="missing", hint="h",
                   translated={"uid": 1, "home": "/x"}, waiver={"name": "w"}, history={"status": "new"})
    data = record.as_dict()
    assert data["id"] == record.id and data["kind"] == "missing" and data["hint"] == "h"
    assert Drift.from_dict(data) == record
    assert Drift.from_dict({**data, "added_by_a_later_drverify": 1}) == record
    assert "translated" not in Drift("p", "a", "i", 1, 2, MINOR, "m").as_dict()


@pytest.mark.parametrize(("record", "expected"), [
    (Drift("p", "users", "user mftsvc uid/gid", {"uid": 2001, "gid": 2001}, {"uid": 2003, "gid": 2001},
           CRITICAL, "m", kind="ids"),
     "give mftsvc on recovery production's ids (uid 2001, gid 2001): `usermod -u 2001 -g 2001 mftsvc`, "
     "then chown the files it owns to the new ids"),
    (Drift("p", "users", "user mftsvc", {"uid": 2001, "gid": 2001, "home": "/srv/mft", "shell": "/bin/sh"}, None,
           CRITICAL, "m", kind="missing"),
     "create user mftsvc on recovery with uid 2001, gid 2001, home /srv/mft, shell /bin/sh, as on production"),
    (Drift("p", "users", "group mftadm members", ["alice", "bob"], ["alice", "eve"], MAJOR, "m", kind="members"),
     "on recovery, in group mftadm: add bob and remove eve"),
    (Drift("p", "disks", "/srv/mft", {"fstype": "xfs", "size": 2 << 40, "used": 1800 << 30},
           {"fstype": "xfs", "size": 1 << 40, "used": 1 << 30}, CRITICAL, "m", kind="too_small"),
     "extend /srv/mft on recovery to at least 1.8 TiB, the data production holds there "
     "(production's volume is 2.0 TiB)"),
    (Drift("p", "firewall", "ip6 filter/INPUT -p tcp -j ACCEPT", None, "-p tcp -j ACCEPT", MAJOR, "m",
           kind="extra_rule"),
     "if nobody needs it any more, delete the rule on recovery: `ip6tables -t filter -D INPUT -p tcp -j ACCEPT` "
     "and save the ruleset; if it is needed, add it to production too"),
    (Drift("p", "dns", "resolver nameservers", ["198.51.100.10"], ["198.51.100.10"], MAJOR, "m",
           kind="resolver", translated=["203.0.113.10"]),
     "set nameservers in recovery's /etc/resolv.conf to 203.0.113.10"),
    (Drift("p", "newarea", "thing", {"a": 1}, None, MAJOR, "m", kind="missing"),
     "recreate thing on recovery as production has it: a 1"),
])
def test_hints_say_what_to_do_from_the_record(record, expected):
    assert hints.hint(record) == expected


def test_a_value_of_an_unexpected_shape_still_gets_a_hint():
    odd = Drift("p", "users", "user x uid/gid", "not a mapping", None, CRITICAL, "m", kind="ids")
    assert hints.hint(odd).startswith("make user x uid/gid on recovery match production")


def test_the_context_fills_the_hint_and_a_comparator_may_give_its_own():
    ctx = context("disks")
    assert ctx.drift("/mnt/x", None, {"fstype": "ext4"}, MINOR, "m", kind="extra").hint.startswith("unmount /mnt/x")
    assert ctx.drift("/x", 1, 0, MAJOR, "m", kind="below_policy", hint=hints.enlarge("/x", "2 GiB")).hint == (
        "extend /x on recovery to at least 2 GiB")
