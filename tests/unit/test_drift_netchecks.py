"""Drift of the network-check areas: exactly the records a person expects, translation applied."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import support

from drverify.drift import dns, egress, ldap, reachability
from drverify.drift.records import Context, Severity
from drverify.errors import FactsUnavailable
from drverify.inventory.model import Pair

CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
TRANSLATE = {"mft-prod": "mft-dr", "198.51.100.0/24": "203.0.113.0/24"}
PAIR = Pair.model_validate({
    "name": "eu", "production": "local://", "recovery": "local://", "translate": TRANSLATE,
    "network": {
        "dns": {"servers": ["198.51.100.2"], "service_names": ["sftp.mft-prod.example.com"],
                "sites": ["a.mft-prod.example.com", "b.mft-prod.example.com"], "resolver_names": ["ldap.example.com"]},
        "egress": {"proxy": "http://proxy.mft-prod.example.com:3128", "echo_url": "http://203.0.113.80/",
                   "allowed_addresses": ["192.0.2.11", "192.0.2.128/25"]},
        "ldap": {"servers": ["ldaps://ldap.mft-prod.example.com:636"]},
        "endpoints": [{"name": name, "host": "sftp.partner.example", "port": 22}
                      for name in ("partner", "smtp", "same", "down")],
    }})


def ctx(area: str) -> Context:
    return support.context(area, PAIR)


def found(module, production, recovery, area) -> list[tuple[str, Severity]]:
    return [(d.item, d.severity) for d in module.compare(production, recovery, ctx(area))]


def chain(name: str, address: str, ttl: int = 300, cname: str | None = None) -> dict[str, Any]:
    records = [{"name": name, "type": "CNAME", "ttl": 300, "value": cname}] if cname else []
    records.append({"name": cname or name, "type": "A", "ttl": ttl, "value": address})
    return {"rcode": "NOERROR", "records": records}


def dns_facts(side: str, net: str, site_b: str = "11") -> dict[str, Any]:
    names = {f"sftp.{side}.example.com": chain(f"sftp.{side}.example.com", f"{net}.10", cname=f"{side}.example.com"),
             f"a.{side}.example.com": chain(f"a.{side}.example.com", f"{net}.12"),
             f"b.{side}.example.com": chain(f"b.{side}.example.com", f"{net}.{site_b}")}
    return {"servers": {"198.51.100.2" if net.startswith("198") else "203.0.113.2": {"names": names}},
            "resolver": {"nameservers": [f"{net}.2"], "search": ["example.com"],
                         "names": {"ldap.example.com": [f"{net}.3"]}}}


PROD_DNS = dns_facts("mft-prod", "198.51.100")


def rec_dns(**changes) -> dict[str, Any]:
    """Recovery's facts: names, addresses and the DNS server itself are production's, translated."""
    return dns_facts("mft-dr", "203.0.113", **changes)


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


LDAP_URL = "ldaps://ldap.mft-prod.example.com:636"
ENTRY = {"dn": "cn=mftusers,ou=groups,dc=example,dc=com", "attributes": {"memberuid": ["alice", "mftsvc"]}}


def ldap_facts(url: str, stage: str = "ok", reason: str | None = None, entries=(ENTRY,)) -> dict[str, Any]:
    return {"servers": {url: {"stage": stage, "reason": reason, "entries": list(entries) if stage == "ok" else []}}}


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


PROD_EGRESS = {"proxy": "http://proxy.mft-prod.example.com:3128", "egress": "192.0.2.11"}
REC_PROXY = "http://proxy.mft-dr.example.com:3128"


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


def endpoint(reachable: bool, host: str = "sftp.partner.example", reason: str | None = None) -> dict[str, Any]:
    return {"host": host, "port": 22, "reachable": reachable, "reason": None if reachable else reason}


def test_reachability_lost_on_recovery_is_critical_and_the_reverse_minor():
    down = endpoint(False, reason="timed out")
    production = {"partner": endpoint(True), "smtp": endpoint(False, reason="timed out"), "same": endpoint(True),
                  "down": down}
    recovery = {"partner": endpoint(False, reason="connection refused"), "smtp": endpoint(True), "same": endpoint(True),
                "down": down}
    records = reachability.compare(production, recovery, ctx("reachability"))
    assert [(r.item, r.severity) for r in records] == [("endpoint partner", CRITICAL), ("endpoint smtp", MINOR)]
    assert "connection refused" in records[0].message and "after a takeover" in records[0].message
    assert records[0].recovery == "sftp.partner.example:22 unreachable: connection refused"


def test_reachability_identical_is_no_drift():
    facts = {"partner": endpoint(True), "smtp": endpoint(True), "same": endpoint(True),
             "down": endpoint(False, reason="timed out")}
    assert reachability.compare(facts, copy.deepcopy(facts), ctx("reachability")) == []


# -- what the inventory lists is checked, never skipped: production lacking it is unverified ------

def without(facts: dict[str, Any], *path: str) -> dict[str, Any]:
    """A deep copy of the facts with the key at ``path`` removed (an older snapshot's shape)."""
    changed = copy.deepcopy(facts)
    where = changed
    for key in path[:-1]:
        where = where[key]
    del where[path[-1]]
    return changed


@pytest.mark.parametrize(("path", "words"), [
    (("servers", "198.51.100.2"), "production facts have no answers from DNS server 198.51.100.2"),
    (("servers", "198.51.100.2", "names", "sftp.mft-prod.example.com"),
     "production facts have no answer for sftp.mft-prod.example.com from DNS server 198.51.100.2"),
    (("servers", "198.51.100.2", "names", "b.mft-prod.example.com"),
     "production facts have no answer for b.mft-prod.example.com from DNS server 198.51.100.2"),
    (("resolver", "names", "ldap.example.com"), "production facts have no resolver answer for ldap.example.com"),
])
def test_dns_item_of_the_inventory_missing_from_production_is_unverified(path, words):
    with pytest.raises(FactsUnavailable, match=f"{words} .snapshot older than the inventory"):
        dns.compare(without(PROD_DNS, *path), rec_dns(), ctx("dns"))


@pytest.mark.parametrize(("path", "words"), [
    (("servers", "203.0.113.2"), "recovery facts have no answers from DNS server 203.0.113.2"),
    (("servers", "203.0.113.2", "names", "a.mft-dr.example.com"), "recovery facts have no answer for a.mft-dr"),
    (("resolver", "names", "ldap.example.com"), "recovery facts have no resolver answer for ldap.example.com"),
])
def test_dns_item_missing_from_recovery_facts_is_unverified_too(path, words):
    with pytest.raises(FactsUnavailable, match=words):
        dns.compare(PROD_DNS, without(rec_dns(), *path), ctx("dns"))


def test_dns_production_without_a_usable_answer_is_unverified_not_skipped():
    production = copy.deepcopy(PROD_DNS)
    production["servers"]["198.51.100.2"]["names"]["sftp.mft-prod.example.com"] = {"rcode": "SERVFAIL", "records": []}
    with pytest.raises(FactsUnavailable, match=r"sftp.mft-prod.example.com gives production no address from "
                                               r"DNS server 198.51.100.2 \(rcode SERVFAIL\)"):
        dns.compare(production, rec_dns(), ctx("dns"))
    production = copy.deepcopy(PROD_DNS)
    production["resolver"]["names"]["ldap.example.com"] = []
    with pytest.raises(FactsUnavailable, match="ldap.example.com does not resolve with production's own resolver"):
        dns.compare(production, rec_dns(), ctx("dns"))
    production = copy.deepcopy(PROD_DNS)
    production["servers"]["198.51.100.2"] = {"error": "tcp/53: timed out"}
    with pytest.raises(FactsUnavailable, match="DNS server 198.51.100.2 does not answer production"):
        dns.compare(production, rec_dns(), ctx("dns"))


def test_ldap_server_missing_from_either_side_or_unusable_on_production_is_unverified():
    recovery = ldap_facts("ldaps://ldap.mft-dr.example.com:636")
    with pytest.raises(FactsUnavailable, match=f"production facts have no outcome for LDAP server {LDAP_URL} "
                                               r"\(snapshot older than the inventory"):
        ldap.compare({"servers": {}}, recovery, ctx("ldap"))
    with pytest.raises(FactsUnavailable, match="recovery facts have no outcome for LDAP server "
                                               "ldaps://ldap.mft-dr.example.com:636"):
        ldap.compare(ldap_facts(LDAP_URL), {"servers": {}}, ctx("ldap"))
    with pytest.raises(FactsUnavailable, match=f"production cannot use LDAP server {LDAP_URL} .search: noSuchObject"):
        ldap.compare(ldap_facts(LDAP_URL, "search", "noSuchObject"), recovery, ctx("ldap"))


@pytest.mark.parametrize("side", ["production", "recovery"])
def test_reachability_endpoint_missing_from_facts_is_unverified(side):
    facts = {name: endpoint(True) for name in ("partner", "smtp", "same", "down")}
    lacking = without(facts, "smtp")
    production, recovery = (lacking, facts) if side == "production" else (facts, lacking)
    with pytest.raises(FactsUnavailable, match=f"{side} facts have no check of endpoint smtp "
                                               r"\(snapshot older than the inventory"):
        reachability.compare(production, recovery, ctx("reachability"))


def test_egress_without_production_address_or_recovery_outcome_is_unverified():
    with pytest.raises(FactsUnavailable, match="production facts have no egress address through "
                                               "http://proxy.mft-prod.example.com:3128"):
        egress.compare({"proxy": PROD_EGRESS["proxy"]}, {"proxy": REC_PROXY, "egress": "192.0.2.11"}, ctx("egress"))
    with pytest.raises(FactsUnavailable, match="recovery facts have no egress address"):
        egress.compare(PROD_EGRESS, {"proxy": REC_PROXY}, ctx("egress"))


def test_egress_messages_show_the_proxy_without_userinfo_even_from_an_old_snapshot():
    recovery = {"proxy": "http://mftproxy:s3cret@proxy.mft-dr.example.com:3128", "proxy_unreachable": "timed out"}
    (record,) = egress.compare(PROD_EGRESS, recovery, ctx("egress"))
    assert record.recovery == "http://proxy.mft-dr.example.com:3128: timed out"
    assert "s3cret" not in record.message and "http://proxy.mft-dr.example.com:3128" in record.message
