"""The firewall parsers on outputs recorded from real commands (tests/data/firewall, see record.py).

Each ``<case>.txt`` there is the collection script's whole framed stdout, recorded in a throwaway
network namespace on Debian 12 (iptables 1.8.9 nf_tables, nftables 1.0.6): the lab's production
and recovery rule sets, a variety of constructs, an empty namespace, a non-root user, and hosts
offering only nft or only iptables (the other tools exit 127).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from drverify.errors import FactError
from drverify.facts import firewall, nftables
from drverify.facts.batch import Output, split_output

DATA = Path(__file__).resolve().parents[1] / "data" / "firewall"

LAB_INPUT = [
    "-i lo -j ACCEPT",
    "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT",
    "-p tcp -m tcp --dport 22 -j ACCEPT",
    "-s 203.0.113.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT",
    "-s 198.51.100.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT",
]
PARTNERS_RULE = json.dumps([
    {"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}},
               "right": "@partners"}},
    {"match": {"op": "==", "left": {"payload": {"protocol": "tcp", "field": "dport"}},
               "right": 2222}},
    {"accept": None},
    {"comment": "partners"},
], sort_keys=True, separators=(",", ":"))


def recorded(case: str) -> dict[str, Output]:
    """A case's outputs, cut out of the recorded script output by the real frame parser."""
    text = (DATA / f"{case}.txt").read_text()
    return split_output(text, text.split(" begin ", 1)[0].strip())


def test_commands_ask_every_view():
    commands = firewall.commands(None, "production")  # type: ignore[arg-type]
    assert commands == firewall.commands(None, "recovery")  # type: ignore[arg-type]
    assert commands == {"iptables-save": "iptables-save", "ip6tables-save": "ip6tables-save",
                        "nft": "nft -j list ruleset"}


def test_production_counts_each_table_once():
    facts = firewall.parse(recorded("production"))
    assert facts["source"] == ["iptables-save", "ip6tables-save", "nft"]
    assert list(facts["tables"]) == ["inet mft", "ip4 filter", "ip6 filter"]
    chains = facts["tables"]["ip4 filter"]["chains"]
    assert chains["INPUT"] == {"policy": "DROP", "rules": LAB_INPUT}
    assert chains["FORWARD"] == {"policy": "ACCEPT", "rules": []}
    assert facts["tables"]["ip6 filter"]["chains"]["INPUT"]["rules"] == [
        "-s 2001:db8:2::/48 -p tcp -m tcp --dport 2222 -j ACCEPT"]


def test_nft_native_table_keeps_hook_policy_sets_and_drops_counters():
    table = firewall.parse(recorded("production"))["tables"]["inet mft"]
    assert table["chains"]["input"] == {
        "policy": "accept", "hook": "filter input priority 10", "rules": [PARTNERS_RULE]}
    assert table["sets"] == {"partners": {"type": "ipv4_addr",
                                          "elements": ["198.51.100.7", "203.0.113.0/24"]}}
    assert "counter" not in PARTNERS_RULE and "handle" not in json.dumps(table)


def test_recovery_rules_in_their_own_order():
    rules = firewall.parse(recorded("recovery"))["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"]
    assert rules == [*LAB_INPUT[:3], LAB_INPUT[4], "-p tcp -m tcp --dport 8080 -j ACCEPT"]


def test_variety_user_chain_comment_nat():
    tables = firewall.parse(recorded("variety"))["tables"]
    chains = tables["ip4 filter"]["chains"]
    assert chains["MFT-PARTNERS"] == {"policy": None, "rules": [
        '-s 203.0.113.0/24 -m comment --comment "partner \\"acme\\" ltd" -j ACCEPT',
        "-p tcp -j REJECT --reject-with tcp-reset",
    ]}
    assert chains["FORWARD"]["policy"] == "DROP"
    assert tables["ip4 nat"]["chains"]["PREROUTING"]["rules"] == [
        "-p tcp -m tcp --dport 22 -j DNAT --to-destination 198.51.100.10:2222"]


def test_variety_nft_maps_concatenations_ranges_and_dynamic_sets():
    sets = firewall.parse(recorded("variety"))["tables"]["ip4 mft"]["sets"]
    assert sets == {
        "ports": {"type": "inet_service : verdict", "elements": ["2222 : accept", "8080 : drop"]},
        "admins": {"type": "ipv4_addr . inet_service", "elements": ["198.51.100.5 . 22"]},
        "ranges": {"type": "ipv4_addr", "elements": ["198.51.100.100-198.51.100.120"]},
        "seen": {"type": "ipv4_addr", "elements": None},
    }


def test_nft_view_wins_where_iptables_save_would_lose_a_set_lookup():
    """ip6tables-save 1.8.9 prints the nft-native ``ip6 saddr @partners6 accept`` as ``-j ACCEPT``."""
    outputs = recorded("variety")
    assert "-A INPUT -j ACCEPT" in outputs["ip6tables-save"].stdout
    table = firewall.parse(outputs)["tables"]["ip6 filter"]
    assert table["sets"]["partners6"]["elements"] == ["2001:db8:2::1"]
    assert table["chains"]["INPUT"]["hook"] == "filter input priority 0"
    assert '"right":"@partners6"' in table["chains"]["INPUT"]["rules"][0]


def test_counters_in_iptables_save_c_are_dropped():
    counted = firewall.parse_save(recorded("counters")["iptables-save"].stdout, "ip4")
    plain = firewall.parse_save(recorded("variety")["iptables-save"].stdout, "ip4")
    assert re.search(r"^\[[1-9]\d*:[1-9]\d*\] -A INPUT", recorded("counters")["iptables-save"].stdout, re.M)
    assert counted == plain


@pytest.mark.parametrize(
    ("line", "rule"),
    [
        ("-A INPUT -i lo -j ACCEPT", "-i lo -j ACCEPT"),
        ("[15:860] -A INPUT -i lo -j ACCEPT", "-i lo -j ACCEPT"),
        ("-A INPUT -i lo -c 15 860 -j ACCEPT", "-i lo -j ACCEPT"),
        ("-A INPUT", ""),
    ],
)
def test_rule_lines(line, rule):
    tables = firewall.parse_save(f"*filter\n:INPUT ACCEPT [0:0]\n{line}\nCOMMIT\n", "ip4")
    assert tables["ip4 filter"]["chains"]["INPUT"]["rules"] == [rule]


def test_an_empty_namespace_has_no_tables():
    assert firewall.parse(recorded("empty")) == {
        "tables": {}, "source": ["iptables-save", "ip6tables-save", "nft"]}


def test_nft_only_host_reads_iptables_tables_from_nft():
    facts = firewall.parse(recorded("nft-only"))
    assert facts["source"] == ["nft"]
    assert recorded("nft-only")["iptables-save"].rc == 127
    input_chain = facts["tables"]["ip4 filter"]["chains"]["INPUT"]
    assert input_chain["policy"] == "drop" and len(input_chain["rules"]) == 5
    assert input_chain["rules"][1] == '[{"xt":{"name":"conntrack","type":"match"}},{"accept":null}]'


def test_iptables_only_host():
    facts = firewall.parse(recorded("iptables-only"))
    assert facts["source"] == ["iptables-save", "ip6tables-save"]
    assert list(facts["tables"]) == ["ip4 filter", "ip6 filter"]
    assert facts["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"] == LAB_INPUT


def test_not_root_is_an_error_naming_the_cause():
    reason = r"^iptables-save: exit status 4: .*Permission denied \(you must be root\)$"
    with pytest.raises(FactError, match=reason):
        firewall.parse(recorded("nobody"))


def test_no_tool_at_all_is_an_error():
    missing = Output(127, "", "sh: 1: x: not found\n")
    outputs = {name: missing for name in firewall.commands(None, "production")}  # type: ignore[arg-type]
    with pytest.raises(FactError, match="none of iptables-save, ip6tables-save, nft is installed"):
        firewall.parse(outputs)


def test_legacy_tables_warned_on_stderr_leave_that_view_out():
    production = recorded("production")
    warned = Output(0, production["iptables-save"].stdout,
                    "# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n")
    facts = firewall.parse({**production, "iptables-save": warned})
    assert facts["errors"] == {
        "iptables-save": "iptables-save: iptables-legacy tables are present as well, not read"}
    assert facts["source"] == ["ip6tables-save", "nft"]
    # nft's own view of ip4 filter (opaque xt matches) is kept: drift compares no ip4 table then
    assert facts["tables"]["ip4 filter"]["sets"] == {}


def test_one_failing_tool_leaves_its_view_out_and_keeps_the_others():
    """nft refused (as recorded for nobody) beside iptables-save views that work."""
    facts = firewall.parse({**recorded("production"), "nft": recorded("nobody")["nft"]})
    assert list(facts["errors"]) == ["nft"]
    assert re.match(r"^nft: exit status 1: .*Operation not permitted$", facts["errors"]["nft"])
    assert facts["source"] == ["iptables-save", "ip6tables-save"]
    assert list(facts["tables"]) == ["ip4 filter", "ip6 filter"]
    assert facts["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"] == LAB_INPUT


def test_a_readable_host_has_no_errors():
    assert "errors" not in firewall.parse(recorded("production"))


def test_refused_views_beside_a_missing_tool_are_an_error_naming_the_first_cause():
    outputs = {**recorded("nobody"), "nft": Output(127, "", "sh: 1: nft: not found\n")}
    with pytest.raises(FactError, match=r"^iptables-save: exit status 4: .*\(you must be root\)$"):
        firewall.parse(outputs)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("-A INPUT -j ACCEPT\n", "line 1 is outside a table"),
        ("*filter\n:INPUT\n", "line 2 is not a chain line"),
        ("*filter\n-A INPUT -j ACCEPT\n", "line 2 appends to undeclared chain INPUT"),
        ("*filter\n:INPUT ACCEPT [0:0]\nINPUT -j ACCEPT\n", "line 3 is not a rule"),
        ("# Warning: iptables-legacy tables present, use iptables-legacy-save to see them\n",
         "iptables-legacy tables are present as well"),
    ],
)
def test_unusable_iptables_save_output(text, reason):
    with pytest.raises(FactError, match=f"iptables-save: {reason}"):
        firewall.parse_save(text, "ip4")


@pytest.mark.parametrize("text", ["", "<html>", '{"tables": []}', '{"nftables": [1]}'])
def test_unusable_nft_output(text):
    with pytest.raises(FactError, match="nft: output is not nft's JSON ruleset"):
        nftables.parse_nft(text)


def test_an_nft_object_without_its_keys_is_an_error():
    text = '{"nftables": [{"rule": {"family": "inet", "chain": "input", "expr": []}}]}'
    with pytest.raises(FactError, match="nft: cannot read a rule"):
        nftables.parse_nft(text)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("198.51.100.7", "198.51.100.7"),
        (2222, "2222"),
        ({"prefix": {"addr": "203.0.113.0", "len": 24}}, "203.0.113.0/24"),
        ({"range": ["198.51.100.100", "198.51.100.120"]}, "198.51.100.100-198.51.100.120"),
        ({"concat": ["198.51.100.5", 22]}, "198.51.100.5 . 22"),
        ([2222, {"accept": None}], "2222 : accept"),
        ([8080, {"jump": {"target": "web"}}], "8080 : jump web"),
        ({"elem": {"val": "198.51.100.9", "timeout": 60, "expires": 42}}, "198.51.100.9"),
    ],
)
def test_set_element(value, text):
    assert nftables.set_element(value) == text


def test_statistics_leave_a_rule_but_named_counters_stay():
    rule = {"expr": [{"counter": {"packets": 5, "bytes": 300}}, {"last": {"used": 1200}},
                     {"quota": {"val": 10, "val_unit": "mbytes", "used": 3, "used_unit": "kbytes"}},
                     {"counter": "partners"}, {"accept": None}], "handle": 7}
    assert json.loads(nftables.nft_rule(rule)) == [
        {"quota": {"val": 10, "val_unit": "mbytes"}}, {"counter": "partners"}, {"accept": None}]
