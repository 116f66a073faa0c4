"""Parsers of the network-check areas (dns, ldap, egress, reachability) on recorded real outputs.

The recordings (tests/data/netchecks, made by its record.py against the lab's real hosts, BIND
and slapd) are the outputs these parsers meet in use.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import dns.message
import pytest

from drverify.errors import FactError
from drverify.facts import dns as dns_facts
from drverify.facts import egress, ldap, reachability
from drverify.facts.batch import Output
from drverify.facts.secrets import reveal, scrub
from drverify.inventory.base import SecretRef
from drverify.inventory.model import Pair
from drverify.inventory.network import LdapSearch

DATA = Path(__file__).resolve().parents[1] / "data" / "netchecks"


def recorded(name: str) -> dict[str, Output]:
    return {key: Output(**value) for key, value in json.loads((DATA / name).read_text()).items()}


def answers(name: str) -> list[dns.message.Message]:
    return [dns.message.from_text(text) for text in json.loads((DATA / f"answer-{name}.json").read_text())]


def test_chain_keeps_cname_then_address_with_each_ttl():
    assert dns_facts.answer_chain(answers("sftp")) == {"rcode": "NOERROR", "records": [
        {"name": "sftp.mft-dr.example.com", "type": "CNAME", "ttl": 300, "value": "mft-dr.example.com"},
        {"name": "mft-dr.example.com", "type": "A", "ttl": 86400, "value": "198.51.100.20"},
    ]}


def test_chain_of_a_plain_a_record():
    chain = dns_facts.answer_chain(answers("site-a"))
    assert chain["records"] == [{"name": "site-a.mft-prod.example.com", "type": "A", "ttl": 300,
                                 "value": "198.51.100.12"}]


def test_chain_of_a_missing_name_says_nxdomain():
    assert dns_facts.answer_chain(answers("nosuchname")) == {"rcode": "NXDOMAIN", "records": []}


@pytest.mark.parametrize(("text", "expected"), [
    ("# drverify lab\nnameserver 198.51.100.2\noptions timeout:1 attempts:1\n",
     {"nameservers": ["198.51.100.2"], "search": []}),
    ("nameserver 198.51.100.2\nnameserver 198.51.100.3 # second\nsearch Example.com. corp.example.com\n",
     {"nameservers": ["198.51.100.2", "198.51.100.3"], "search": ["example.com", "corp.example.com"]}),
    ("domain example.com\n;nameserver 198.51.100.9\n", {"nameservers": [], "search": ["example.com"]}),
    ("", {"nameservers": [], "search": []}),
])
def test_parse_resolv_conf(text, expected):
    assert dns_facts.parse_resolv_conf(text) == expected


@pytest.mark.parametrize("host", ["production", "recovery"])
def test_resolver_view_from_recorded_batch(host):
    view = dns_facts.resolver_view(recorded(f"resolver-{host}.json"), ["ldap.example.com", "nosuchname.example.com"])
    assert view == {"nameservers": ["198.51.100.2"], "search": [],
                    "names": {"ldap.example.com": ["198.51.100.3"], "nosuchname.example.com": []}}


def test_getent_failure_other_than_not_found_is_that_name_unverified():
    assert dns_facts.parse_getent_ahosts(Output(1, "", "boom\n")) == {"error": "getent ahosts: exit status 1: boom"}
    assert dns_facts.parse_getent_ahosts(None) == {"error": "getent ahosts: no output came back"}


def test_unreadable_resolv_conf_leaves_the_names_lookups():
    outputs = recorded("resolver-recovery.json")
    outputs["resolv.conf"] = Output(1, "", "cat: /etc/resolv.conf: Permission denied\n")
    view = dns_facts.resolver_view(outputs, ["ldap.example.com", "nosuchname.example.com"])
    assert view == {"error": "cat /etc/resolv.conf: exit status 1: cat: /etc/resolv.conf: Permission denied",
                    "names": {"ldap.example.com": ["198.51.100.3"], "nosuchname.example.com": []}}


def with_target(output: Output, host: str, port: int) -> Output:
    return Output(output.rc, f"{host} {port}\n{output.stdout}", output.stderr)


@pytest.mark.parametrize(("case", "reachable", "reason"), [
    ("open", True, None),
    ("refused", False, "connection refused"),
    ("ldaps", False, "connection refused"),
    ("noname", False, "name does not resolve"),
    ("timeout", False, "timed out"),
])
def test_reachability_from_recorded_checks(case, reachable, reason):
    output = with_target(recorded("reach-recovery.json")[case], "partner.example.com", 22)
    assert reachability.endpoint(case, output) == {"host": "partner.example.com", "port": 22,
                                                   "reachable": reachable, "reason": reason}


def test_reachability_commands_translate_recovery_hosts():
    pair = Pair.model_validate({"name": "p", "production": "local://", "recovery": "local://",
                                "translate": {"smtp-prod": "smtp-dr"},
                                "network": {"endpoints": [{"name": "smtp", "host": "smtp-prod.example.com",
                                                           "port": 25}]}})
    assert set(reachability.commands(pair, "production")) == {"smtp"}
    assert reachability.commands(pair, "production")["smtp"].startswith("echo smtp-prod.example.com 25; timeout 3 ")
    assert reachability.commands(pair, "recovery")["smtp"].startswith("echo smtp-dr.example.com 25; ")


def test_an_endpoint_not_reached_is_a_fact_on_either_side():
    outputs = {"partner": with_target(recorded("reach-recovery.json")["refused"], "partner.example.com", 22),
               "https": with_target(recorded("reach-recovery.json")["open"], "partner.example.com", 443)}
    assert reachability.parse(outputs) == {
        "https": {"host": "partner.example.com", "port": 443, "reachable": True, "reason": None},
        "partner": {"host": "partner.example.com", "port": 22, "reachable": False, "reason": "connection refused"}}


def test_reachability_output_without_target_is_that_endpoint_unverified():
    facts = reachability.parse({"smtp": Output(124, "", ""),
                                "open": with_target(recorded("reach-recovery.json")["open"], "smtp.example.com", 25)})
    assert facts["smtp"] == {"error": "the reachability check printed no target (smtp: timed out)"}
    assert facts["open"]["reachable"] is True


def test_ldap_entries_from_a_recorded_search():
    response = json.loads((DATA / "ldap-search.json").read_text())
    for item in response:
        item["raw_attributes"] = {k: [v.encode() for v in vs] for k, vs in item["raw_attributes"].items()}
    found = ldap.entries(response)
    assert [entry["dn"] for entry in found] == ["cn=mftusers,ou=groups,dc=example,dc=com", "ou=groups,dc=example,dc=com"]
    assert found[0]["attributes"] == {"cn": ["mftusers"], "gidnumber": ["2001"], "memberuid": ["alice", "mftsvc"]}


@pytest.mark.parametrize(("url", "expected"), [
    ("ldaps://ldap.example.com", ("ldap.example.com", 636)),
    ("ldap://198.51.100.3", ("198.51.100.3", 389)),
    ("ldaps://ldap.example.com:1636", ("ldap.example.com", 1636)),
])
def test_ldap_server_address(url, expected):
    assert ldap.server_address(url) == expected


def test_ldap_server_address_refuses_another_scheme():
    with pytest.raises(FactError, match="not an ldap"):
        ldap.server_address("https://ldap.example.com")


@pytest.mark.parametrize(("proxy", "expected"), [
    ("http://proxy.example.com:8080", ("proxy.example.com", 8080)),
    ("proxy.example.com", ("proxy.example.com", 3128)),
    ("http://mftproxy:s3cret@proxy.example.com:8080", ("proxy.example.com", 8080)),
])
def test_proxy_address(proxy, expected):
    assert egress.proxy_address(proxy) == expected


def test_reveal_reads_env_or_file_and_names_what_is_missing(tmp_path, monkeypatch):
    monkeypatch.setenv("DRV_TEST_SECRET", "s3cret-value")
    assert reveal(SecretRef(env="DRV_TEST_SECRET"), "ldap bind password") == "s3cret-value"
    (tmp_path / "pw").write_text("from-a-file\n")
    assert reveal(SecretRef(file=tmp_path / "pw"), "x") == "from-a-file"
    monkeypatch.delenv("DRV_TEST_SECRET")
    with pytest.raises(FactError, match="ldap bind password: environment variable DRV_TEST_SECRET is not set"):
        reveal(SecretRef(env="DRV_TEST_SECRET"), "ldap bind password")
    with pytest.raises(FactError, match="cannot read .*missing"):
        reveal(SecretRef(file=tmp_path / "missing"), "x")


def test_scrub_removes_password_and_its_url_quoted_form():
    text = "http://mftproxy:p%40ss%2Fword@127.0.0.1 failed; p@ss/word rejected; user mftproxy"
    assert scrub(text, "mftproxy:p@ss/word") == "http://mftproxy:***@127.0.0.1 failed; *** rejected; user mftproxy"


# -- facts record what each side saw, the same way for either role -------------------------------

class FakeVantage:
    """Reaches everything and answers batched commands from a recording; forwards are not used."""

    def __init__(self, outputs: dict[str, Output] | None = None, failure: str | None = None) -> None:
        self.outputs = outputs or {}
        self.failure = failure

    def reach(self, endpoints, timeout=3.0):
        return {target: self.failure for target in endpoints}

    def run(self, commands, timeout=20):
        return self.outputs


def dns_pair(*, service_names=("sftp.mft-prod.example.com",), resolver_names=("ldap.example.com",)) -> Pair:
    return Pair.model_validate({"name": "p", "production": "local://", "recovery": "local://",
                                "network": {"dns": {"servers": ["198.51.100.2"], "service_names": list(service_names),
                                                    "resolver_names": list(resolver_names)}}})


def probe_dns(monkeypatch, role: str, chain_name: str, pair: Pair) -> dict:
    chain = dns_facts.answer_chain(answers(chain_name))
    monkeypatch.setattr(dns_facts, "_ask", lambda vantage, server, checks, names, failure:
                        {"names": {name: chain for name in names}})
    return dns_facts.probe(pair, role, FakeVantage(recorded(f"resolver-{role}.json")))


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_dns_name_without_an_answer_is_recorded_with_its_rcode_on_either_side(monkeypatch, role):
    facts = probe_dns(monkeypatch, role, "nosuchname", dns_pair())
    assert facts["servers"]["198.51.100.2"]["names"]["sftp.mft-prod.example.com"] == {"rcode": "NXDOMAIN",
                                                                                      "records": []}


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_dns_resolver_finding_nothing_is_recorded_on_either_side(monkeypatch, role):
    pair = dns_pair(resolver_names=["ldap.example.com", "nosuchname.example.com"])
    facts = probe_dns(monkeypatch, role, "sftp", pair)
    assert facts["resolver"]["names"] == {"ldap.example.com": ["198.51.100.3"], "nosuchname.example.com": []}


class FakeLdapConnection:
    """What ldap3 leaves on a connection after a search answered with ``result``."""

    def __init__(self, result: int, description: str, response=None) -> None:
        self.result = {"result": result, "description": description, "message": ""}
        self.response = response

    def search(self, *args, **kwargs) -> bool:
        return bool(self.response)


SEARCH = LdapSearch(base="ou=groups,dc=example,dc=com")


@pytest.mark.parametrize(("result", "description", "expected"), [
    (32, "noSuchObject", ldap.outcome("search", "search under ou=groups,dc=example,dc=com failed: noSuchObject")),
    (50, "insufficientAccessRights",
     ldap.outcome("search", "search under ou=groups,dc=example,dc=com failed: insufficientAccessRights")),
    (0, "success", ldap.outcome("ok", None)),
])
def test_ldap_search_outcome(result, description, expected):
    assert ldap.search_outcome(FakeLdapConnection(result, description), SEARCH) == expected


def ldap_pair(*servers: str) -> Pair:
    return Pair.model_validate({"name": "p", "production": "local://", "recovery": "local://",
                                "network": {"ldap": {"servers": list(servers),
                                                     "search": {"base": "ou=groups,dc=example,dc=com"}}}})


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_ldap_missing_search_base_is_a_failed_search_on_either_side(monkeypatch, role):
    monkeypatch.setattr(ldap, "_session", lambda vantage, url, target, checks, tr, password:
                        ldap.search_outcome(FakeLdapConnection(32, "noSuchObject"), checks.search))
    outcome = ldap.probe(ldap_pair("ldaps://ldap.example.com"), role, FakeVantage())["servers"]["ldaps://ldap.example.com"]
    assert (outcome["stage"], outcome["reason"]) == ("search", "search under ou=groups,dc=example,dc=com failed: "
                                                               "noSuchObject")


def test_ldap_url_of_another_scheme_costs_that_server_only(monkeypatch):
    monkeypatch.setattr(ldap, "_session", lambda vantage, url, target, checks, tr, password: ldap.outcome("ok", None))
    servers = ldap.probe(ldap_pair("https://ldap.example.com", "ldaps://ldap2.example.com"), "production",
                         FakeVantage())["servers"]
    assert servers == {"https://ldap.example.com": ldap.outcome("url", "'https://ldap.example.com' is not an ldap:// "
                                                                       "or ldaps:// URL"),
                       "ldaps://ldap2.example.com": ldap.outcome("ok", None)}


def proxy_pair(proxy: str) -> SimpleNamespace:
    """A pair as the probe reads it; built by hand, as the inventory model refuses credentials in URLs."""
    egress_checks = SimpleNamespace(proxy=proxy, echo_url="http://203.0.113.80/", credentials=None, timeout=1.0)
    return SimpleNamespace(translate={}, network=SimpleNamespace(egress=egress_checks, connect_timeout=1.0))


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_egress_facts_show_the_proxy_without_userinfo(role):
    pair = proxy_pair("http://mftproxy:s3cret@proxy.example.com:8080")
    facts = egress.probe(pair, role, FakeVantage(failure="connection refused"))
    assert facts == {"proxy": "http://proxy.example.com:8080", "proxy_unreachable": "tcp/8080: connection refused"}


@pytest.mark.parametrize("proxy", ["http://u:s3cret@:1", "http://u:s3/cret@h:1", "u:s3cret@h:99999"])
def test_unreadable_proxy_url_is_refused_without_its_userinfo(proxy):
    with pytest.raises(FactError, match="is not http://host:port") as error:
        egress.proxy_address(proxy)
    assert "s3cret" not in str(error.value) and "s3/cret" not in str(error.value)
