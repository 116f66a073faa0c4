"""Password drift, part of the users area, on /etc/shadow outputs recorded with real useradd,
chpasswd and passwd in a private overlay of /etc (tests/data/users/record.py, ``shadow-*``):
production has mftsvc's and alice's passwords set, kiosk's empty and bob's locked; on recovery,
mftsvc's password was changed, kiosk locked and bob given a password; alice's hash is the same."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import support

from drverify.areas import AREAS
from drverify.drift import Severity
from drverify.facts import users as users_facts
from drverify.inventory.model import Policies, UsersPolicy

DATA = Path(__file__).resolve().parents[1] / "data" / "users"
MAJOR, MINOR = Severity.MAJOR, Severity.MINOR
HOSTS = {"production": "production ssh://prod", "recovery": "recovery ssh://dr"}


def recorded(role: str) -> dict:
    return users_facts.parse(support.recorded_outputs(DATA / f"shadow-{role}"))


def judge(production: dict, recovery: dict, direction: str = "takeover", **policy):
    pair = support.make_pair(service_accounts=["mftsvc"], policies=Policies(users=UsersPolicy(**policy)))
    return AREAS["users"].judge(pair, production, recovery, HOSTS, direction)


def found(outcome) -> list[tuple[str, Severity, str]]:
    """The password records (the recordings' mftsvc has no home on this machine: other records)."""
    return [(record.item, record.severity, record.kind) for record in outcome.drift if record.item.endswith("password")]


def test_a_changed_service_password_an_account_locked_and_one_given_a_password():
    outcome = judge(recorded("production"), recorded("recovery"))
    assert found(outcome) == [("user bob password", MINOR, "password_state"),
                              ("user kiosk password", MINOR, "password_state"),
                              ("user mftsvc password", MAJOR, "password")]
    assert outcome.unverified == ()
    bob, kiosk, mftsvc = (record for record in outcome.drift if record.item.endswith("password"))
    assert (bob.production, bob.recovery) == ("locked", "set (not shown)")
    assert kiosk.message == "user kiosk's password is empty (no password at all) on production but locked on recovery"
    assert mftsvc.message == ("service account mftsvc's password on recovery is not the one set on production "
                              "(compared as SHA-256 digests, never shown)")
    assert mftsvc.hint.startswith("set mftsvc's password on recovery to the one production has, before the switch")


def test_failing_back_the_password_changed_on_recovery_must_be_set_on_production():
    outcome = judge(recorded("production"), recorded("recovery"), "failback")
    mftsvc = next(record for record in outcome.drift if record.item == "user mftsvc password")
    assert mftsvc.severity == MAJOR
    assert mftsvc.message == ("service account mftsvc's password on production is not the one set on recovery "
                              "(compared as SHA-256 digests, never shown)")
    assert mftsvc.hint.startswith("set mftsvc's password on production to the one recovery has, before the switch")
    bob = next(record for record in outcome.drift if record.item == "user bob password")
    assert (bob.production, bob.recovery) == ("locked", "set (not shown)")  # each value in its own column
    assert bob.message == "user bob's password is set on recovery but locked on production"


def test_a_service_account_locked_on_one_side_is_major():
    recovery = recorded("recovery")
    recovery["shadow"]["mftsvc"] = {"state": "locked"}
    [record] = [r for r in judge(recorded("production"), recovery).drift if r.item == "user mftsvc password"]
    assert (record.severity, record.recovery) == (MAJOR, "locked")
    assert record.hint.startswith("set mftsvc's password on recovery")
    production = recorded("production")
    production["shadow"]["mftsvc"] = {"state": "locked"}
    [record] = [r for r in judge(production, recorded("recovery")).drift if r.item == "user mftsvc password"]
    assert record.hint.startswith("lock mftsvc's password on recovery, as on production")


def test_ignored_users_are_skipped_but_never_a_service_account():
    outcome = judge(recorded("production"), recorded("recovery"), ignore_users=["*"])
    assert found(outcome) == [("user mftsvc password", MAJOR, "password")]


def test_no_hash_digest_reaches_a_record():
    production, recovery = recorded("production"), recorded("recovery")
    digests = {entry["hash_sha256"] for side in (production, recovery)
               for entry in side["shadow"].values() if "hash_sha256" in entry}
    for direction in ("takeover", "failback"):
        text = repr([record.as_dict() for record in judge(production, recovery, direction).drift])
        assert not any(digest in text for digest in digests)


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_shadow_unreadable_on_one_side_leaves_passwords_unverified_and_the_rest_compared(role):
    sides = {"production": recorded("production"), "recovery": recorded("recovery")}
    sides[role] = users_facts.parse(support.recorded_outputs(DATA / "shadow-unreadable"))
    del sides["recovery"]["users"]["daemon"]
    outcome = judge(sides["production"], sides["recovery"])
    assert [(item.item, item.host, item.reason) for item in outcome.unverified] == [
        ("passwords", HOSTS[role], "shadow: exit status 1: permission denied on /etc/shadow "
                                   "(reading it needs root or sudo)")]
    assert found(outcome) == []
    assert ("user daemon", MAJOR) in [(record.item, record.severity) for record in outcome.drift]


def test_the_policy_turns_passwords_off_even_for_a_snapshot_without_them():
    production, recovery = recorded("production"), copy.deepcopy(recorded("recovery"))
    del recovery["shadow"]
    outcome = judge(production, recovery, compare_passwords=False)
    assert found(outcome) == [] and outcome.unverified == ()
