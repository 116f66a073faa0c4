"""Users and groups drift: service accounts first, one record per user or group and kind of difference."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import support
from support import only

from drverify.drift import users
from drverify.drift.records import Context, Severity
from drverify.facts import users as users_facts
from drverify.facts.batch import Output
from drverify.inventory.model import Policies, UsersPolicy

DATA = Path(__file__).resolve().parents[1] / "data" / "users"
CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR


def user(uid: int, gid: int | None = None, home: str | None = None, shell: str = "/bin/bash",
         exists: bool = True) -> dict[str, Any]:
    return {"uid": uid, "gid": uid if gid is None else gid, "home": home or f"/home/u{uid}",
            "shell": shell, "home_exists": exists}


def group(gid: int, *members: str) -> dict[str, Any]:
    return {"gid": gid, "members": sorted(members)}


BASE = {
    "users": {
        "root": user(0, home="/root"),
        "nobody": user(65534, home="/nonexistent", shell="/usr/sbin/nologin", exists=False),
        "mftsvc": user(2001, home="/srv/mft", shell="/bin/sh"),
        "alice": user(1001, home="/home/alice"),
    },
    "groups": {"root": group(0), "alice": group(1001), "mftgrp": group(2001, "mftsvc", "alice")},
    "shadow": {"root": {"state": "locked"}, "nobody": {"state": "locked"}, "mftsvc": {"state": "locked"},
               "alice": {"state": "set", "hash_sha256": "a" * 64}},
}


def facts(**changes: Any) -> dict[str, Any]:
    """BASE with ``users__NAME=entry`` / ``groups__NAME=entry`` replaced (None removes it)."""
    result = copy.deepcopy(BASE)
    for key, value in changes.items():
        kind, name = key.split("__")
        if value is None:
            del result[kind][name]
        else:
            result[kind][name] = value
    return result


def context(policy: Any = None, translate: dict[str, str] | None = None,
            accounts: tuple[str, ...] = ("mftsvc",), groups: tuple[str, ...] = ("mftgrp",)) -> Context:
    pair = support.make_pair(service_accounts=list(accounts), service_groups=list(groups),
                             policies=Policies(users=policy or UsersPolicy()), translate=translate or {})
    return support.context("users", pair)


def as_tuples(records) -> list[tuple]:
    return [(r.item, r.production, r.recovery, r.severity, r.message) for r in records]


def test_identical_hosts_have_no_drift():
    assert users.compare(facts(), facts(), context()) == []


LAB_RECORDS = [
    ("group mftgrp members", ["alice", "mftsvc"], ["mftsvc"], MAJOR,
     "members of service group mftgrp differ: alice only on production"),
    ("group tempadmin", None, {"gid": 1002, "members": []}, MINOR,
     "group tempadmin exists on recovery but not on production"),
    ("user mftsvc uid/gid", {"uid": 2001, "gid": 2001}, {"uid": 2002, "gid": 2001}, CRITICAL,
     "service account mftsvc has uid 2001 on production but uid 2002 on recovery, "
     "so files restored from production would not be its own"),
    ("user tempadmin", None,
     {"uid": 1002, "gid": 1002, "home": "/home/tempadmin", "shell": "/bin/bash"}, MINOR,
     "user tempadmin exists on recovery but not on production"),
]


def test_lab_scenario_gives_exactly_the_seeded_records():
    recovery = facts(users__mftsvc=user(2002, 2001, home="/srv/mft", shell="/bin/sh"),
                     users__tempadmin=user(1002, home="/home/tempadmin", exists=False),
                     groups__mftgrp=group(2001, "mftsvc"), groups__tempadmin=group(1002))
    assert as_tuples(users.compare(facts(), recovery, context())) == LAB_RECORDS


def recorded(case: str) -> dict[str, Any]:
    """Facts parsed from a recorded case (see tests/data/users/record.py)."""
    outputs = {out.stem: Output(0, out.read_text(), "") for out in (DATA / case).glob("*.out")}
    return users_facts.parse(outputs)


def test_lab_scenario_on_recorded_hosts():
    records = users.compare(recorded("lab-production"), recorded("lab-recovery"), context())
    assert as_tuples(records) == LAB_RECORDS


@pytest.mark.parametrize(
    ("name", "recovery_entry", "item", "severity", "message"),
    [
        ("mftsvc", None, "user mftsvc", CRITICAL,
         "service account mftsvc exists on production but not on recovery"),
        ("alice", None, "user alice", MAJOR, "user alice exists on production but not on recovery"),
        ("mftsvc", user(2001, 2002, "/srv/mft", "/bin/sh"), "user mftsvc uid/gid", CRITICAL,
         "service account mftsvc has gid 2001 on production but gid 2002 on recovery, "
         "so files restored from production would not be its own"),
        ("alice", user(1005, 1006, "/home/alice"), "user alice uid/gid", MAJOR,
         "user alice has uid 1001, gid 1001 on production but uid 1005, gid 1006 on recovery"),
        ("mftsvc", user(2001, home="/srv/mft", shell="/bin/sh", exists=False), "user mftsvc home", CRITICAL,
         "the home directory of service account mftsvc is missing: /srv/mft on recovery"),
        ("mftsvc", user(2001, home="/srv/mft2", shell="/bin/sh"), "user mftsvc home", MAJOR,
         "service account mftsvc has home /srv/mft on production but /srv/mft2 on recovery"),
        ("alice", user(1001, home="/srv/alice"), "user alice home", MINOR,
         "user alice has home /home/alice on production but /srv/alice on recovery"),
        ("alice", user(1001, home="/home/alice", exists=False), "user alice home", MINOR,
         "the home directory /home/alice of user alice exists on production but not on recovery"),
        ("alice", user(1001, home="/home/alice", shell="/bin/zsh"), "user alice shell", MINOR,
         "user alice has shell /bin/bash on production but /bin/zsh on recovery"),
        ("mftsvc", user(2001, home="/srv/mft", shell="/usr/sbin/nologin"), "user mftsvc shell", MINOR,
         "service account mftsvc has shell /bin/sh on production but /usr/sbin/nologin on recovery"),
    ],
)
def test_user_rules(name, recovery_entry, item, severity, message):
    [record] = users.compare(facts(), facts(**{f"users__{name}": recovery_entry}), context())
    assert (record.item, record.severity, record.message) == (item, severity, message)
    assert record.pair == "mft" and record.area == "users"


def test_service_home_missing_on_production_is_critical_and_says_so():
    production = facts(users__mftsvc=user(2001, home="/srv/mft", shell="/bin/sh", exists=False))
    [record] = users.compare(production, facts(), context())
    assert (record.item, record.severity) == ("user mftsvc home", CRITICAL)
    assert record.production == {"home": "/srv/mft", "exists": False}
    assert record.recovery == {"home": "/srv/mft", "exists": True}
    assert record.message.endswith("missing: /srv/mft on production")


def test_one_user_with_several_differences_gives_one_record_per_kind():
    recovery = facts(users__alice=user(1009, home="/home/alice", shell="/bin/sh"))
    records = users.compare(facts(), recovery, context())
    assert [(r.item, r.severity) for r in records] == [
        ("user alice shell", MINOR), ("user alice uid/gid", MAJOR)]
    assert records[1].production == {"uid": 1001, "gid": 1001}
    assert records[1].recovery == {"uid": 1009, "gid": 1009}


def test_a_home_missing_on_both_sides_is_normal_for_other_users():
    gone = user(1001, home="/home/alice", exists=False)
    assert users.compare(facts(users__alice=gone), facts(users__alice=gone), context()) == []


@pytest.mark.parametrize(
    ("name", "recovery_entry", "item", "severity", "message"),
    [
        ("mftgrp", None, "group mftgrp", CRITICAL,
         "service group mftgrp exists on production but not on recovery"),
        ("alice", None, "group alice", MAJOR, "group alice exists on production but not on recovery"),
        ("mftgrp", group(2002, "mftsvc", "alice"), "group mftgrp gid", CRITICAL,
         "service group mftgrp has gid 2001 on production but 2002 on recovery"),
        ("alice", group(1002), "group alice gid", MAJOR,
         "group alice has gid 1001 on production but 1002 on recovery"),
        ("alice", group(1001, "bob"), "group alice members", MINOR,
         "members of group alice differ: bob only on recovery"),
        ("mftgrp", group(2001, "alice", "bob"), "group mftgrp members", MAJOR,
         "members of service group mftgrp differ: mftsvc only on production; bob only on recovery"),
    ],
)
def test_group_rules(name, recovery_entry, item, severity, message):
    [record] = users.compare(facts(), facts(**{f"groups__{name}": recovery_entry}), context())
    assert (record.item, record.severity, record.message) == (item, severity, message)


def test_member_order_is_not_a_difference():
    production = facts(groups__mftgrp={"gid": 2001, "members": ["mftsvc", "alice"]})
    assert users.compare(production, facts(), context()) == []


def test_declared_service_names_on_neither_host():
    records = users.compare(facts(), facts(), context(accounts=("mftsvc", "ftpsvc"), groups=("ftpgrp",)))
    assert as_tuples(records) == [
        ("group ftpgrp", None, None, MAJOR,
         "service group ftpgrp is declared in the inventory but exists on neither host"),
        ("user ftpsvc", None, None, MAJOR,
         "service account ftpsvc is declared in the inventory but exists on neither host"),
    ]


def test_without_service_names_the_same_differences_are_milder():
    recovery = facts(users__mftsvc=None, groups__mftgrp=group(2001, "mftsvc"))
    records = users.compare(facts(), recovery, context(accounts=(), groups=()))
    assert [(r.item, r.severity) for r in records] == [
        ("group mftgrp members", MINOR), ("user mftsvc", MAJOR)]


@pytest.mark.parametrize(
    "policy", [UsersPolicy(ignore_users=["tempadmin"], ignore_groups=["tempadmin"]),
               UsersPolicy(ignore_users=["temp*"], ignore_groups=["temp*"]),
               {"ignore_users": ["tempadmin"], "ignore_groups": ["temp*"]}],
)
def test_ignored_users_and_groups(policy):
    recovery = facts(users__tempadmin=user(1002), groups__tempadmin=group(1002))
    assert users.compare(facts(), recovery, context(policy)) == []


def test_service_accounts_are_compared_even_when_ignored():
    policy = UsersPolicy(ignore_users=["mft*"], ignore_groups=["*"])
    [record] = users.compare(facts(), facts(users__mftsvc=None, groups__alice=None), context(policy))
    assert (record.item, record.severity) == ("user mftsvc", CRITICAL)


def test_translation_hides_expected_home_differences():
    production = facts(users__mftsvc=user(2001, home="/srv/mft-prod", shell="/bin/sh"))
    recovery = facts(users__mftsvc=user(2001, home="/srv/mft-dr", shell="/bin/sh"))
    assert users.compare(production, recovery, context(translate={"mft-prod": "mft-dr"})) == []
    [record] = users.compare(production, recovery, context())
    assert (record.item, record.severity) == ("user mftsvc home", MAJOR)
    assert record.production == {"home": "/srv/mft-prod", "exists": True}  # production's own value


def test_records_are_sorted_by_item():
    recovery = facts(users__root=None, users__zed=user(5000), groups__alice=None)
    assert [r.item for r in users.compare(facts(), recovery, context())] == [
        "group alice", "user root", "user zed"]


def judge(production: dict[str, Any], recovery: dict[str, Any]):
    pair = support.make_pair(service_accounts=["mftsvc"], service_groups=["mftgrp"])
    return support.judge("users", production, recovery, pair)


def unverified(outcome) -> list[tuple[str, str, str]]:
    return [(u.item, u.host, u.reason) for u in outcome.unverified]


GROUP_DENIED = "group: exit status 1: cut: /etc/group: Permission denied"


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_groups_unreadable_on_one_side_are_unverified_and_users_still_compared(role):
    sides = {"production": facts(), "recovery": facts(users__alice=None)}
    sides[role] = {"users": sides[role]["users"], "shadow": BASE["shadow"], "errors": {"groups": GROUP_DENIED}}
    outcome = judge(sides["production"], sides["recovery"])
    assert unverified(outcome) == [("/etc/group", role, GROUP_DENIED)]
    assert [(r.item, r.severity) for r in outcome.drift] == [("user alice", MAJOR)]


def test_passwd_unreadable_leaves_groups_compared():
    production = {"groups": BASE["groups"], "shadow": BASE["shadow"], "errors": {"users": "passwd: no entries listed"}}
    outcome = judge(production, facts(groups__mftgrp=group(2002, "mftsvc", "alice")))
    assert unverified(outcome) == [("/etc/passwd", "production", "passwd: no entries listed")]
    assert [(r.item, r.severity) for r in outcome.drift] == [("group mftgrp gid", CRITICAL)]


def test_recorded_unreachable_home_is_unverified_and_the_rest_compared():
    """Production recorded as nobody: mftsvc's home lies below a directory of mode 700."""
    production = {**recorded("home-unreadable"), "shadow": BASE["shadow"]}  # recorded before shadow was read
    recovery = copy.deepcopy(production)
    recovery["users"]["mftsvc"] = {**recovery["users"]["mftsvc"], "home_exists": True, "shell": "/bin/bash"}
    del recovery["users"]["mftsvc"]["home_error"]
    del recovery["users"]["alice"]
    outcome = judge(production, recovery)
    assert unverified(outcome) == [
        ("user mftsvc home", "production",
         "cannot tell whether the home directory /srv/private/mft exists (stat: Permission denied)")]
    assert [(r.item, r.severity) for r in outcome.drift] == [
        ("user alice", MAJOR), ("user mftsvc shell", MINOR)]


def unknown_home(entry: dict[str, Any], error: str = "stat: Permission denied") -> dict[str, Any]:
    return {**entry, "home_exists": None, "home_error": error}


def test_a_service_home_missing_on_recovery_is_critical_even_if_production_cannot_tell():
    production = facts(users__mftsvc=unknown_home(user(2001, home="/srv/mft", shell="/bin/sh")))
    recovery = facts(users__mftsvc=user(2001, home="/srv/mft", shell="/bin/sh", exists=False))
    outcome = judge(production, recovery)
    only(outcome.drift, item="user mftsvc home", severity=CRITICAL,
         message="the home directory of service account mftsvc is missing: /srv/mft on recovery")
    assert [u[:2] for u in unverified(outcome)] == [("user mftsvc home", "production")]


@pytest.mark.parametrize(
    ("recovery", "drift"),
    [
        (unknown_home(user(1001, home="/home/alice")), []),
        (unknown_home(user(1001, home="/srv/alice")), [("user alice home", MINOR)]),  # path still compared
    ],
)
def test_an_unknown_home_on_recovery_is_unverified_never_missing(recovery, drift):
    outcome = judge(facts(), facts(users__alice=recovery))
    assert [(r.item, r.severity) for r in outcome.drift] == drift
    assert unverified(outcome) == [
        ("user alice home", "recovery",
         f"cannot tell whether the home directory {recovery['home']} exists (stat: Permission denied)")]


def test_a_snapshot_without_groups_or_home_checks_is_unverified_not_a_key_error():
    production = facts()
    del production["users"]["alice"]["home_exists"]
    outcome = judge(production, {"users": facts()["users"]})
    assert unverified(outcome) == [
        ("user alice home", "production",
         "cannot tell whether the home directory /home/alice exists (not in the facts)"),
        ("/etc/group", "recovery", "not in the facts (a snapshot older than the inventory?)"),
        ("passwords", "recovery", "not in the facts (a snapshot older than the inventory?)")]
    assert outcome.drift == ()
