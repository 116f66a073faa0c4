"""Drift of the network-check areas: exactly the records a person expects, translation applied."""

from __future__ import annotations

import copy

import pytest
import support
from netfacts import (
    ENTRY,
    LDAP_URL,
    PAIR,
    PROD_DNS,
    PROD_EGRESS,
    REC_PROXY,
    chain,
    endpoint,
    judged,
    ldap_facts,
    rec_dns,
)

from drverify.drift import dns, egress, ldap
from drverify.drift.records import Context, Severity

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR


def ctx(area: str) -> Context:
    return support.context(area, PAIR)


def found(module, production, recovery, area) -> list[tuple[str, Severity]]:
    return [(d.item, d.severity) for d in module.compare(production, recovery, ctx(area))]


def test_dns_translated_twin_is_no_drift():
    assert found(dns, PROD_DNS, rec_dns(), "dns") == []


def test_dns_long_ttl_on_recovery_is_major_with_the_delay_in_the_message():
    recovery = rec_dns()
    names = recovery["servers"]["203.0.113.2"]["names"]
    names["sftp.mft-dr.example.com"]["records"][1]["ttl"] = 86400
    (record,) = dns.compare(PROD_DNS, recovery, ctx("dns"))
    assert (record.item, record.severity, record.production, record.recovery) == \
        ("sftp.mft-prod.example.com ttl @198.51.100.2", MAJOR, 300, 86400)
    assert "mft-dr.example.com (in the answer for sftp.mft-dr.example.com) has a TTL of 86400 s" in record.message and "300 s" in record.message


def test_dns_recovery_name_missing_or_elsewhere_is_critical():
    recovery = rec_dns()
    names = recovery["servers"]["203.0.113.2"]["names"]
    names["sftp.mft-dr.example.com"] = {"rcode": "NXDOMAIN", "records": []}
    (record,) = dns.compare(PROD_DNS, recovery, ctx("dns"))
    assert (record.severity, record.recovery) == (CRITICAL, None) and "does not resolve" in record.message
    names["sftp.mft-dr.example.com"] = chain("sftp.mft-dr.example.com", "203.0.113.99", cname="mft-dr.example.com")
    (record,) = dns.compare(PROD_DNS, recovery, ctx("dns"))
    assert (record.severity, record.recovery) == (CRITICAL, ["203.0.113.99"])
    assert "expected 203.0.113.10" in record.message


def test_dns_sites_sharing_an_address_is_major_naming_both():
    (record,) = dns.compare(PROD_DNS, rec_dns(site_b="12"), ctx("dns"))
    assert (record.item, record.severity) == ("sites sharing 203.0.113.12 on recovery @198.51.100.2", MAJOR)
    assert record.recovery == {"a.mft-dr.example.com": ["203.0.113.12"], "b.mft-dr.example.com": ["203.0.113.12"]}
    assert "a.mft-dr.example.com and b.mft-dr.example.com share" in record.message


def test_dns_chain_shape_and_resolver_differences():
    recovery = rec_dns()
    names = recovery["servers"]["203.0.113.2"]["names"]
    names["sftp.mft-dr.example.com"] = chain("sftp.mft-dr.example.com", "203.0.113.10")
    recovery["resolver"] = {"nameservers": ["192.0.2.53"], "search": ["example.com"], "names": {"ldap.example.com": []}}
    assert found(dns, PROD_DNS, recovery, "dns") == [
        ("resolver ldap.example.com", MAJOR), ("resolver nameservers", MAJOR),
        ("sftp.mft-prod.example.com @198.51.100.2 chain", MINOR)]


def test_dns_server_not_answering_recovery_is_critical():
    recovery = rec_dns()
    recovery["servers"]["203.0.113.2"] = {"error": "tcp/53: timed out"}
    assert found(dns, PROD_DNS, recovery, "dns") == [("server 198.51.100.2", CRITICAL)]


def test_ldap_same_answer_is_no_drift():
    assert found(ldap, ldap_facts(LDAP_URL), ldap_facts("ldaps://ldap.mft-dr.example.com:636"), "ldap") == []


@pytest.mark.parametrize(("stage", "reason", "words"), [
    ("tcp", "tcp/636: connection refused", "TCP connection blocked"),
    ("tls", "certificate verify failed", "TLS failure (certificate name or CA"),
    ("bind", "invalidCredentials", "bind refused"),
    ("search", "search under ou=groups,dc=example,dc=com failed: noSuchObject", "search failed"),
])
def test_ldap_recovery_stopping_at_a_stage_is_critical_naming_it(stage, reason, words):
    (record,) = ldap.compare(ldap_facts(LDAP_URL), ldap_facts("ldaps://ldap.mft-dr.example.com:636", stage, reason),
                             ctx("ldap"))
    assert (record.item, record.severity, record.recovery) == (f"server {LDAP_URL}", CRITICAL, f"{stage}: {reason}")
    assert words in record.message and reason in record.message and "nobody could log in" in record.message


def test_ldap_different_search_result_is_major():
    other = {**ENTRY, "attributes": {"memberuid": ["mftsvc"]}}
    (record,) = ldap.compare(ldap_facts(LDAP_URL), ldap_facts("ldaps://ldap.mft-dr.example.com:636", entries=[other]),
                             ctx("ldap"))
    assert (record.severity, record.recovery) == (MAJOR, [other])
    assert "search result different" in record.message and ENTRY["dn"] in record.message


@pytest.mark.parametrize("address", ["192.0.2.11", "192.0.2.200"])
def test_egress_same_or_allowed_address_is_no_drift(address):
    assert found(egress, PROD_EGRESS, {"proxy": REC_PROXY, "egress": address}, "egress") == []


def test_egress_address_partners_do_not_allow_is_critical():
    (record,) = egress.compare(PROD_EGRESS, {"proxy": REC_PROXY, "egress": "192.0.2.21"}, ctx("egress"))
    assert (record.item, record.severity, record.production, record.recovery) == \
        ("egress address", CRITICAL, "192.0.2.11", "192.0.2.21")
    assert "not in the partners' allowlist" in record.message


def test_egress_proxy_unreachable_from_recovery_is_its_own_critical_finding():
    (record,) = egress.compare(PROD_EGRESS, {"proxy": REC_PROXY, "proxy_unreachable": "tcp/3128: timed out"},
                               ctx("egress"))
    assert (record.item, record.severity) == ("proxy", CRITICAL)
    assert "cannot reach its forward proxy" in record.message and "timed out" in record.message


def test_reachability_lost_on_recovery_is_critical_and_unreachable_from_production_unverified():
    down = endpoint(False, reason="timed out")
    production = {"partner": endpoint(True), "smtp": endpoint(False, reason="timed out"), "same": endpoint(True),
                  "down": down}
    recovery = {"partner": endpoint(False, reason="connection refused"), "smtp": endpoint(True), "same": endpoint(True),
                "down": down}
    outcome = support.judge("reachability", production, recovery, PAIR)
    record = support.only(list(outcome.drift), item="endpoint partner", severity=CRITICAL,
                          words=("connection refused", "after a takeover"))
    assert record.recovery == "sftp.partner.example:22 unreachable: connection refused"
    assert {u.item: (u.host, u.reason) for u in outcome.unverified} == {
        f"endpoint {name}": ("production", f"production cannot reach {name} at sftp.partner.example:22 (timed out): "
                                           "nothing to compare recovery with") for name in ("down", "smtp")}


def test_reachability_identical_is_no_drift():
    facts = {"partner": endpoint(True), "smtp": endpoint(True), "same": endpoint(True),
             "down": endpoint(False, reason="timed out")}
    drift, unverified = judged("reachability", facts, copy.deepcopy(facts))
    assert drift == [] and list(unverified) == ["endpoint down"]


def test_egress_messages_show_the_proxy_without_userinfo_even_from_an_old_snapshot():
    recovery = {"proxy": "http://mftproxy:s3cret@proxy.mft-dr.example.com:3128", "proxy_unreachable": "timed out"}
    (record,) = egress.compare(PROD_EGRESS, recovery, ctx("egress"))
    assert record.recovery == "http://proxy.mft-dr.example.com:3128: timed out"
    assert "s3cret" not in record.message and "http://proxy.mft-dr.example.com:3128" in record.message
