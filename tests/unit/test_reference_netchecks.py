"""Production is the reference, item by item, for the network-check areas: what production has no
usable answer for, and what either side's facts lack or could not read, is that item unverified
(naming the host and the cause) while every other item is still compared and its drift reported."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from netfacts import (
    LDAP_URL,
    PAIR,
    PROD_DNS,
    PROD_EGRESS,
    REC_PROXY,
    endpoint,
    judged,
    ldap_facts,
    rec_dns,
    without,
)

from drverify.drift.records import Severity

CRITICAL, MAJOR = Severity.CRITICAL, Severity.MAJOR
NOT_IN_FACTS = "not in the facts (a snapshot older than the inventory?)"


def test_reachability_check_unreadable_on_one_side_is_that_endpoint_unverified():
    facts = {name: endpoint(True) for name in ("partner", "smtp", "same", "down")}
    recovery = {**facts, "partner": endpoint(False, reason="connection refused"),
                "smtp": {"error": "the reachability check printed no target (smtp: timed out)"}}
    production = {**facts, "same": {"error": "the reachability check printed no target (same: timed out)"}}
    drift, unverified = judged("reachability", production, recovery)
    assert drift == [("endpoint partner", CRITICAL)]
    assert unverified == {"endpoint smtp": ("recovery", "the reachability check printed no target (smtp: timed out)"),
                          "endpoint same": ("production", "the reachability check printed no target (same: timed out)")}


@pytest.mark.parametrize("side", ["production", "recovery"])
def test_reachability_endpoint_missing_from_a_side_is_that_endpoint_unverified(side):
    facts = {name: endpoint(True) for name in ("partner", "smtp", "same", "down")}
    lacking = without(facts, "smtp")
    production, recovery = (lacking, facts) if side == "production" else (facts, lacking)
    recovery = {**recovery, "partner": endpoint(False, reason="connection refused")}
    assert judged("reachability", production, recovery) == (
        [("endpoint partner", CRITICAL)], {"endpoint smtp": (side, NOT_IN_FACTS)})


#: a recovery difference the comparison must still report beside any unverified item
LONG_TTL = ("sftp.mft-prod.example.com ttl @198.51.100.2", MAJOR)


def rec_dns_long_ttl() -> dict[str, Any]:
    recovery = rec_dns()
    recovery["servers"]["203.0.113.2"]["names"]["sftp.mft-dr.example.com"]["records"][1]["ttl"] = 86400
    return recovery


@pytest.mark.parametrize(("path", "item", "drift"), [
    (("servers", "198.51.100.2"), "server 198.51.100.2", []),
    (("servers", "198.51.100.2", "names", "b.mft-prod.example.com"), "b.mft-prod.example.com @198.51.100.2",
     [LONG_TTL]),
    (("resolver", "names", "ldap.example.com"), "resolver ldap.example.com", [LONG_TTL]),
    (("resolver", "nameservers"), "resolver nameservers", [LONG_TTL]),
])
def test_dns_item_of_the_inventory_missing_from_production_is_that_item_unverified(path, item, drift):
    found, unverified = judged("dns", without(PROD_DNS, *path), rec_dns_long_ttl())
    assert found == drift and unverified == {item: ("production", NOT_IN_FACTS)}


@pytest.mark.parametrize(("path", "item"), [
    (("servers", "203.0.113.2"), "server 198.51.100.2"),
    (("servers", "203.0.113.2", "names", "a.mft-dr.example.com"), "a.mft-prod.example.com @198.51.100.2"),
    (("resolver", "names", "ldap.example.com"), "resolver ldap.example.com"),
])
def test_dns_item_missing_from_recovery_facts_is_that_item_unverified_too(path, item):
    found, unverified = judged("dns", PROD_DNS, without(rec_dns(), *path))
    assert found == [] and unverified == {item: ("recovery", NOT_IN_FACTS)}


def test_dns_facts_without_servers_or_resolver_make_each_listed_item_unverified():
    found, unverified = judged("dns", {}, rec_dns())
    assert found == [] and set(unverified) == {"server 198.51.100.2", "resolver ldap.example.com",
                                               "resolver nameservers", "resolver search"}


def test_dns_name_production_cannot_resolve_is_unverified_the_others_still_compared():
    production = copy.deepcopy(PROD_DNS)
    production["servers"]["198.51.100.2"]["names"]["a.mft-prod.example.com"] = {"rcode": "SERVFAIL", "records": []}
    found, unverified = judged("dns", production, rec_dns_long_ttl())
    assert found == [LONG_TTL]
    assert unverified == {"a.mft-prod.example.com @198.51.100.2": ("production", (
        "a.mft-prod.example.com gives production no address from DNS server 198.51.100.2 (rcode SERVFAIL, "
        "0 record(s)): nothing to compare recovery's answer with"))}


def test_dns_resolver_name_production_cannot_resolve_is_unverified():
    production = copy.deepcopy(PROD_DNS)
    production["resolver"]["names"]["ldap.example.com"] = []
    found, unverified = judged("dns", production, rec_dns_long_ttl())
    assert found == [LONG_TTL]
    assert unverified == {"resolver ldap.example.com": ("production", (
        "ldap.example.com does not resolve with production's own resolver (getent ahosts: not found; "
        "nameservers 198.51.100.2): nothing to compare recovery's answer with"))}


def test_dns_resolver_parts_a_side_could_not_read_are_unverified():
    production, recovery = copy.deepcopy(PROD_DNS), rec_dns()
    production["resolver"] = {"error": "cat /etc/resolv.conf: exit status 1: Permission denied",
                              "names": production["resolver"]["names"]}
    recovery["resolver"]["names"]["ldap.example.com"] = {"error": "getent ahosts: timed out"}
    found, unverified = judged("dns", production, recovery)
    assert found == []
    reason = "production's resolv.conf cannot be read (cat /etc/resolv.conf: exit status 1: Permission denied)"
    assert unverified == {
        "resolver nameservers": ("production", reason), "resolver search": ("production", reason),
        "resolver ldap.example.com": ("recovery", "ldap.example.com could not be looked up on recovery "
                                                  "(getent ahosts: timed out)")}


TWO_SERVERS = PAIR.model_copy(update={"network": PAIR.network.model_copy(update={
    "dns": PAIR.network.dns.model_copy(update={"servers": ["198.51.100.2", "198.51.100.3"]})})})


def two_servers(facts: dict[str, Any], first: str, second: str) -> dict[str, Any]:
    """The facts with a second DNS server ``second`` answering as ``first`` does."""
    changed = copy.deepcopy(facts)
    changed["servers"][second] = copy.deepcopy(changed["servers"][first])
    return changed


def test_dns_one_server_down_for_production_leaves_the_other_compared():
    production = two_servers(PROD_DNS, "198.51.100.2", "198.51.100.3")
    production["servers"]["198.51.100.2"] = {"error": "tcp/53: timed out"}
    recovery = two_servers(rec_dns(site_b="12"), "203.0.113.2", "203.0.113.3")
    recovery["servers"]["203.0.113.3"]["names"]["sftp.mft-dr.example.com"]["records"][1]["ttl"] = 86400
    found, unverified = judged("dns", production, recovery, TWO_SERVERS)
    assert found == [("sftp.mft-prod.example.com ttl @198.51.100.3", MAJOR),
                     ("sites sharing 203.0.113.12 on recovery @198.51.100.3", MAJOR)]
    assert unverified == {"server 198.51.100.2": ("production", "DNS server 198.51.100.2 does not answer production "
                                                                "(tcp/53: timed out): nothing to compare recovery's "
                                                                "answers with")}


def test_ldap_server_missing_from_either_side_is_unverified():
    recovery = ldap_facts("ldaps://ldap.mft-dr.example.com:636")
    assert judged("ldap", {"servers": {}}, recovery) == ([], {f"server {LDAP_URL}": ("production", NOT_IN_FACTS)})
    assert judged("ldap", ldap_facts(LDAP_URL), {}) == ([], {f"server {LDAP_URL}": ("recovery", NOT_IN_FACTS)})


LDAP_TWO = PAIR.model_copy(update={"network": PAIR.network.model_copy(update={
    "ldap": PAIR.network.ldap.model_copy(update={"servers": [LDAP_URL, "ldaps://ldap2.mft-prod.example.com:636"]})})})


def test_ldap_server_production_cannot_use_is_unverified_the_other_still_compared():
    production = {"servers": {**ldap_facts(LDAP_URL, "search", "noSuchObject")["servers"],
                              **ldap_facts("ldaps://ldap2.mft-prod.example.com:636")["servers"]}}
    recovery = {"servers": {**ldap_facts("ldaps://ldap.mft-dr.example.com:636", "tcp", "timed out")["servers"],
                            **ldap_facts("ldaps://ldap2.mft-dr.example.com:636", "bind", "invalidCredentials")["servers"]}}
    found, unverified = judged("ldap", production, recovery, LDAP_TWO)
    assert found == [("server ldaps://ldap2.mft-prod.example.com:636", CRITICAL)]
    assert unverified == {f"server {LDAP_URL}": ("production", f"production cannot use LDAP server {LDAP_URL} "
                                                               "(search: noSuchObject): nothing to compare recovery with")}


@pytest.mark.parametrize(("production", "item", "reason"), [
    ({"proxy": PROD_EGRESS["proxy"], "proxy_unreachable": "tcp/3128: connection refused"}, "proxy",
     "production's proxy http://proxy.mft-prod.example.com:3128 gives no egress address (tcp/3128: connection "
     "refused): nothing to compare recovery with"),
    ({"proxy": PROD_EGRESS["proxy"], "echo_failed": "HTTP 502 Bad Gateway"}, "egress address",
     "production's proxy http://proxy.mft-prod.example.com:3128 gives no egress address (HTTP 502 Bad Gateway): "
     "nothing to compare recovery with"),
    ({"proxy": PROD_EGRESS["proxy"]}, "egress address",
     "production's proxy http://proxy.mft-prod.example.com:3128 gives no egress address (no reason recorded: a "
     "snapshot made some other way?): nothing to compare recovery with"),
])
def test_egress_without_production_address_is_unverified(production, item, reason):
    assert judged("egress", production, {"proxy": REC_PROXY, "egress": "192.0.2.99"}) == ([], {item: ("production", reason)})


def test_egress_recovery_proxy_is_checked_when_production_reaches_its_own_but_gets_no_address():
    production = {"proxy": PROD_EGRESS["proxy"], "echo_failed": "HTTP 502 Bad Gateway"}
    found, unverified = judged("egress", production, {"proxy": REC_PROXY, "proxy_unreachable": "tcp/3128: timed out"})
    assert found == [("proxy", CRITICAL)] and list(unverified) == ["egress address"]


def test_egress_recovery_without_any_outcome_is_unverified():
    assert judged("egress", PROD_EGRESS, {"proxy": REC_PROXY}) == ([], {"egress address": (
        "recovery", "no egress address through http://proxy.mft-dr.example.com:3128 and no reason why "
                    "(a snapshot made some other way?)")})


def test_dns_production_answer_ending_without_an_address_is_unverified():
    production = copy.deepcopy(PROD_DNS)
    names = production["servers"]["198.51.100.2"]["names"]
    names["sftp.mft-prod.example.com"]["records"] = names["sftp.mft-prod.example.com"]["records"][:1]
    found, unverified = judged("dns", production, rec_dns())
    assert found == []
    assert unverified["sftp.mft-prod.example.com @198.51.100.2"] == ("production", (
        "sftp.mft-prod.example.com gives production no address from DNS server 198.51.100.2 (rcode NOERROR, "
        "1 record(s)): nothing to compare recovery's answer with"))


def test_egress_reference_shows_the_proxy_without_userinfo_even_from_an_old_snapshot():
    production = {"proxy": "http://mftproxy:s3cret@proxy.mft-prod.example.com:3128", "proxy_unreachable": "timed out"}
    _, unverified = judged("egress", production, {"proxy": REC_PROXY, "egress": "192.0.2.11"})
    assert "s3cret" not in unverified["proxy"][1]
    assert "http://proxy.mft-prod.example.com:3128" in unverified["proxy"][1]
