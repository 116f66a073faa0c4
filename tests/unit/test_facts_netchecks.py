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


def test_getent_failure_other_than_not_found_is_unverified():
    with pytest.raises(FactError, match="getent ahosts: exit status 1: boom"):
        dns_facts.parse_getent_ahosts(Output(1, "", "boom\n"))


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
    assert reachability.commands(pair, "recovery")["_role"] == "echo recovery"
    assert reachability.commands(pair, "production")["smtp"].startswith("echo smtp-prod.example.com 25; timeout 3 ")
    assert reachability.commands(pair, "recovery")["smtp"].startswith("echo smtp-dr.example.com 25; ")


def test_production_not_reaching_an_endpoint_is_unverified_recovery_is_a_fact():
    outputs = {"partner": with_target(recorded("reach-recovery.json")["refused"], "partner.example.com", 22)}
    with pytest.raises(FactError, match="production cannot reach partner at partner.example.com:22 .connection refused"):
        reachability.parse({**outputs, "_role": Output(0, "production\n", "")})
    facts = reachability.parse({**outputs, "_role": Output(0, "recovery\n", "")})
    assert facts["partner"]["reachable"] is False


def test_reachability_output_without_target_is_unverified():
    with pytest.raises(FactError, match="printed no target"):
        reachability.endpoint("smtp", Output(124, "", ""))


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


def test_ldap_url_of_another_scheme_is_unverified():
    with pytest.raises(FactError, match="not an ldap"):
        ldap.server_address("https://ldap.example.com")


@pytest.mark.parametrize(("status", "body", "expected"), [
    (200, "203.0.113.11\n", {"egress": "203.0.113.11"}),
    (200, "2001:db8::1 via proxy", {"egress": "2001:db8::1"}),
    (200, "<html>hello</html>", {"echo_failed": "the echo page holds no address: '<html>hello</html>'"}),
    (407, "", {"echo_failed": "HTTP 407 Proxy Authentication Required"}),
])
def test_parse_echo(status, body, expected):
    reason = "Proxy Authentication Required" if status == 407 else "OK"
    assert egress.parse_echo(status, reason, body) == expected


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


# -- production is the reference: no usable answer of its own leaves the area unverified ----------

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


def test_dns_production_without_an_answer_for_a_name_is_unverified_naming_name_server_rcode(monkeypatch):
    with pytest.raises(FactError, match=r"sftp.mft-prod.example.com gives production no address from server "
                                        r"198.51.100.2 \(rcode NXDOMAIN"):
        probe_dns(monkeypatch, "production", "nosuchname", dns_pair())
    facts = probe_dns(monkeypatch, "recovery", "nosuchname", dns_pair())
    assert facts["servers"]["198.51.100.2"]["names"]["sftp.mft-prod.example.com"]["rcode"] == "NXDOMAIN"


def test_dns_production_answer_ending_without_an_address_is_unverified():
    cname_only = {"rcode": "NOERROR", "records": [{"name": "sftp.example.com", "type": "CNAME", "ttl": 300,
                                                   "value": "gone.example.com"}]}
    facts = {"servers": {"198.51.100.2": {"names": {"sftp.example.com": cname_only}}},
             "resolver": {"nameservers": [], "search": [], "names": {}}}
    with pytest.raises(FactError, match="sftp.example.com gives production no address .*rcode NOERROR, 1 record"):
        dns_facts.require_answers(facts)


def test_dns_production_resolver_finding_nothing_is_unverified(monkeypatch):
    pair = dns_pair(resolver_names=["ldap.example.com", "nosuchname.example.com"])
    with pytest.raises(FactError, match="nosuchname.example.com does not resolve with production's own resolver "
                                        r"\(getent ahosts: not found; nameservers 198.51.100.2\)"):
        probe_dns(monkeypatch, "production", "sftp", pair)
    facts = probe_dns(monkeypatch, "recovery", "sftp", pair)
    assert facts["resolver"]["names"]["nosuchname.example.com"] == []


def test_dns_production_with_usable_answers_is_facts(monkeypatch):
    facts = probe_dns(monkeypatch, "production", "sftp", dns_pair())
    assert dns_facts.has_address(facts["servers"]["198.51.100.2"]["names"]["sftp.mft-prod.example.com"])


@pytest.mark.parametrize(("role_output", "words"), [
    (None, "_role: no output came back"),
    (Output(0, "", ""), "expected 'production' or 'recovery', got ''"),
    (Output(0, "prod\n", ""), "got 'prod'"),
    (Output(127, "", "sh: 1: echo: not found\n"), "command not found"),
])
def test_reachability_without_a_readable_role_is_unverified(role_output, words):
    outputs = {"partner": with_target(recorded("reach-recovery.json")["open"], "partner.example.com", 22)}
    if role_output is not None:
        outputs["_role"] = role_output
    with pytest.raises(FactError, match=words):
        reachability.parse(outputs)


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


def test_ldap_missing_search_base_is_unverified_on_production_and_a_failed_search_on_recovery(monkeypatch):
    pair = Pair.model_validate({"name": "p", "production": "local://", "recovery": "local://",
                                "network": {"ldap": {"servers": ["ldaps://ldap.example.com"],
                                                     "search": {"base": "ou=groups,dc=example,dc=com"}}}})
    monkeypatch.setattr(ldap, "_session", lambda vantage, url, target, checks, tr, password:
                        ldap.search_outcome(FakeLdapConnection(32, "noSuchObject"), checks.search))
    with pytest.raises(FactError, match=r"production cannot use ldaps://ldap.example.com \(search: .*noSuchObject"):
        ldap.probe(pair, "production", FakeVantage())
    assert ldap.probe(pair, "recovery", FakeVantage())["servers"]["ldaps://ldap.example.com"]["stage"] == "search"


def proxy_pair(proxy: str) -> SimpleNamespace:
    """A pair as the probe reads it; built by hand, as the inventory model refuses credentials in URLs."""
    egress_checks = SimpleNamespace(proxy=proxy, echo_url="http://203.0.113.80/", credentials=None, timeout=1.0)
    return SimpleNamespace(translate={}, network=SimpleNamespace(egress=egress_checks, connect_timeout=1.0))


def test_egress_facts_and_messages_show_the_proxy_without_userinfo():
    pair = proxy_pair("http://mftproxy:s3cret@proxy.example.com:8080")
    facts = egress.probe(pair, "recovery", FakeVantage(failure="connection refused"))
    assert facts == {"proxy": "http://proxy.example.com:8080", "proxy_unreachable": "tcp/8080: connection refused"}
    with pytest.raises(FactError) as error:
        egress.probe(pair, "production", FakeVantage(failure="connection refused"))
    assert "http://proxy.example.com:8080" in str(error.value) and "s3cret" not in str(error.value)


@pytest.mark.parametrize("proxy", ["http://u:s3cret@:1", "http://u:s3/cret@h:1", "u:s3cret@h:99999"])
def test_unreadable_proxy_url_is_refused_without_its_userinfo(proxy):
    with pytest.raises(FactError, match="is not http://host:port") as error:
        egress.proxy_address(proxy)
    assert "s3cret" not in str(error.value) and "s3/cret" not in str(error.value)
