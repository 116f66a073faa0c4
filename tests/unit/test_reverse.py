"""Failing back: reversible areas judged with recovery as the reference, said the right way round."""

from __future__ import annotations

import copy

import support

from drverify.areas import AREAS
from drverify.drift import Severity
from drverify.drift.reverse import swap_roles
from drverify.inventory.translate import Translation

USERS = {
    "users": {
        "root": {"uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash", "home_exists": True},
        "mftsvc": {"uid": 2001, "gid": 2001, "home": "/srv/mft/home/mftsvc", "shell": "/bin/sh",
                   "home_exists": True},
    },
    "groups": {"root": {"gid": 0, "members": []}, "mftgrp": {"gid": 2001, "members": ["mftsvc"]}},
    "shadow": {"root": {"state": "locked"}, "mftsvc": {"state": "set", "hash_sha256": "1" * 64}},
}
HOSTS = {"production": "production ssh://prod", "recovery": "recovery ssh://dr"}


def during_the_outage() -> dict:
    """Recovery after the outage: a partner account created there, mftsvc's home moved."""
    recovery = copy.deepcopy(USERS)
    recovery["users"]["acme"] = {"uid": 3001, "gid": 3001, "home": "/srv/mft/home/acme",
                                 "shell": "/usr/sbin/nologin", "home_exists": True}
    return recovery


def test_what_recovery_gained_must_be_shipped_back():
    pair = support.make_pair(service_accounts=["mftsvc"])
    outcome = AREAS["users"].judge(pair, USERS, during_the_outage(), HOSTS, "failback")
    [record] = outcome.drift
    assert (record.item, record.severity) == ("user acme", Severity.MAJOR)
    assert record.production is None and record.recovery["uid"] == 3001  # each value in its own column
    assert "recovery" in record.message and record.message.index("recovery") < record.message.index("production")


def test_the_hint_says_what_to_do_on_production_when_failing_back():
    pair = support.make_pair(service_accounts=["mftsvc"])
    [record] = AREAS["users"].judge(pair, USERS, during_the_outage(), HOSTS, "failback").drift
    assert record.hint.startswith("create user acme on production with uid 3001") and record.hint.endswith(
        "as on recovery")


def test_the_same_difference_read_for_a_takeover_is_the_other_way_round():
    pair = support.make_pair(service_accounts=["mftsvc"])
    [record] = AREAS["users"].judge(pair, USERS, during_the_outage(), HOSTS, "takeover").drift
    assert (record.item, record.severity) == ("user acme", Severity.MINOR)


def test_unverified_items_name_the_real_host_when_failing_back():
    pair = support.make_pair()
    recovery = {**copy.deepcopy(USERS), "errors": {"groups": "group: Permission denied"}}
    del recovery["groups"]
    outcome = AREAS["users"].judge(pair, USERS, recovery, HOSTS, "failback")
    assert {(item.host, item.reason) for item in outcome.unverified} == {
        ("recovery ssh://dr", "group: Permission denied")}


def test_the_translation_is_inverted_for_the_way_back():
    forward = Translation({"198.51.100.0/24": "203.0.113.0/24", "mft-prod": "mft-dr", "198.51.100.7": "192.0.2.7"})
    back = forward.inverse()
    assert back.text("203.0.113.20 mft-dr.example.com 192.0.2.7") == "198.51.100.20 mft-prod.example.com 198.51.100.7"


def test_failback_only_areas_are_not_reversed_and_takeover_only_areas_not_checked():
    pair = support.make_pair()
    assert all(area.checked(pair, "takeover") for area in AREAS.values() if area.name in ("disks", "users"))
    assert {area.name for area in AREAS.values() if "failback" in area.directions and area.checked(pair, "failback")} \
        >= {"disks", "network", "firewall", "users"}


def test_role_words_swap_keeping_case():
    assert swap_roles("Production has it, recovery's lacks it; PRODUCTION") == \
        "Recovery has it, production's lacks it; RECOVERY"


def test_role_words_inside_paths_and_names_stay():
    text = "/srv/production is on production; recovery-db.example.com and recovery.example.com stay."
    assert swap_roles(text) == "/srv/production is on recovery; recovery-db.example.com and recovery.example.com stay."
