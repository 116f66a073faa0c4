"""Firewall drift: rules per chain, CRITICAL where recovery would drop what production accepts."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import support
from support import only

from drverify.areas import AREAS
from drverify.drift import firewall, verdicts
from drverify.drift.records import Context, Severity
from drverify.facts import firewall as firewall_facts
from drverify.facts.batch import split_output
from drverify.inventory.model import FirewallPolicy, Policies

DATA = Path(__file__).resolve().parents[1] / "data" / "firewall"
CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR

LO = "-i lo -j ACCEPT"
STATE = "-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
SSH = "-p tcp -m tcp --dport 22 -j ACCEPT"
PARTNERS = "-s 203.0.113.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT"
SITE_NET = "-s 198.51.100.0/24 -p tcp -m tcp --dport 2222 -j ACCEPT"
WEB = "-p tcp -m tcp --dport 8080 -j ACCEPT"


def nft(*expressions: Any) -> str:
    return json.dumps(list(expressions), sort_keys=True, separators=(",", ":"))


NFT_PARTNERS = nft({"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}}, "op": "==",
                              "right": "@partners"}}, {"accept": None})
NFT_DROP = nft({"drop": None})


def chain(policy: str | None, *rules: str, hook: str | None = None) -> dict[str, Any]:
    return {"policy": policy, "rules": list(rules), **({"hook": hook} if hook else {})}


def host(input_chain: dict[str, Any] | None = None, **tables: Any) -> dict[str, Any]:
    filter_chains = {"INPUT": input_chain or chain("DROP", LO, STATE, SSH, PARTNERS, SITE_NET),
                     "FORWARD": chain("ACCEPT"), "OUTPUT": chain("ACCEPT")}
    return {"tables": {"ip4 filter": {"chains": filter_chains}, **tables},
            "source": ["iptables-save", "ip6tables-save", "nft"]}


def mft_table(*elements: str, policy: str = "accept", rules: tuple[str, ...] = (NFT_PARTNERS,)):
    return {"chains": {"input": chain(policy, *rules, hook="filter input priority 10")},
            "sets": {"partners": {"type": "ipv4_addr", "elements": list(elements)}}}


PRODUCTION = host(**{"inet mft": mft_table("198.51.100.7", "203.0.113.0/24")})


def context(policy: Any = None, translate: dict[str, str] | None = None) -> Context:
    policies = Policies(firewall=policy or FirewallPolicy())
    return support.context("firewall", support.make_pair(policies=policies, translate=translate or {}))


def compare(recovery: dict[str, Any], production: dict[str, Any] = PRODUCTION, **kwargs: Any):
    return firewall.compare(copy.deepcopy(production), recovery, context(**kwargs))


def test_identical_hosts_have_no_drift():
    assert compare(copy.deepcopy(PRODUCTION)) == []


def test_translation_hides_other_site_addresses_in_rules_and_sets():
    vip = "-d {}/32 -p tcp -m tcp --dport 443 -j ACCEPT"
    production = host(chain("DROP", LO, vip.format("198.51.100.12")),
                      **{"inet mft": mft_table("198.51.100.12", "203.0.113.0/24")})
    recovery = host(chain("DROP", LO, vip.format("198.51.100.22")),
                    **{"inet mft": mft_table("198.51.100.22", "203.0.113.0/24")})
    translate = {"198.51.100.12": "198.51.100.22"}
    assert compare(recovery, production, translate=translate) == []
    assert len(compare(recovery, production)) == 4


def test_translated_rules_and_elements_show_productions_own_text_beside_the_translation():
    vip = "-d {}/32 -p tcp -m tcp --dport 443 -j ACCEPT"
    production = host(chain("DROP", LO, vip.format("198.51.100.12")),
                      **{"inet mft": mft_table("198.51.100.12", "203.0.113.0/24")})
    recovery = host(chain("DROP", LO), **{"inet mft": mft_table("203.0.113.0/24")})
    records = compare(recovery, production, translate={"198.51.100.12": "198.51.100.22"})
    assert [(r.item, r.kind, r.production, r.translated) for r in records] == [
        ("inet mft set partners 198.51.100.22", "missing_element", "198.51.100.12", "198.51.100.22"),
        (f"ip4 filter/INPUT {vip.format('198.51.100.22')}", "missing_rule", vip.format("198.51.100.12"),
         vip.format("198.51.100.22")),
    ]
    assert records[1].hint.startswith("copy the rule into recovery's ruleset, in chain ip4 filter/INPUT")
    assert f"`iptables -t filter -A INPUT {vip.format('198.51.100.22')}`" in records[1].hint


def test_lab_missing_accept_rule_is_critical_and_extra_rule_major():
    recovery = host(chain("DROP", LO, STATE, SSH, SITE_NET, WEB), **{"inet mft": mft_table(
        "198.51.100.7", "203.0.113.0/24")})
    records = compare(recovery)
    assert [(r.item, r.severity, r.production, r.recovery) for r in records] == [
        (f"ip4 filter/INPUT {WEB}", MAJOR, None, WEB),
        (f"ip4 filter/INPUT {PARTNERS}", CRITICAL, PARTNERS, None),
    ]
    assert "would be dropped" in records[1].message and records[1].production == PARTNERS
    assert "recovery has this rule" in records[0].message and records[0].recovery == WEB


def test_missing_accept_rule_in_an_accepting_chain_is_major():
    recovery = host(chain("ACCEPT", LO, STATE, SSH, SITE_NET))
    production = host(chain("ACCEPT", LO, STATE, SSH, PARTNERS, SITE_NET))
    only(compare(recovery, production), item=f"ip4 filter/INPUT {PARTNERS}", severity=MAJOR,
         words=("production has this rule",))


def test_a_final_catch_all_drop_counts_as_dropping_by_default():
    recovery = host(chain("ACCEPT", LO, SITE_NET, "-j DROP"))
    production = host(chain("ACCEPT", LO, PARTNERS, SITE_NET, "-j DROP"))
    only(compare(recovery, production), item=f"ip4 filter/INPUT {PARTNERS}", severity=CRITICAL)


def test_missing_jump_to_an_accepting_user_chain_is_critical():
    jump = "-p tcp -m tcp --dport 2222 -j MFT-PARTNERS"
    partners = chain(None, "-s 203.0.113.0/24 -j ACCEPT", "-j RETURN")
    production = host(chain("DROP", LO, jump))
    production["tables"]["ip4 filter"]["chains"]["MFT-PARTNERS"] = partners
    recovery = copy.deepcopy(production)
    recovery["tables"]["ip4 filter"]["chains"]["INPUT"] = chain("DROP", LO)
    only(compare(recovery, production), item=f"ip4 filter/INPUT {jump}", severity=CRITICAL)


def test_missing_drop_rule_is_major():
    production = host(chain("DROP", "-s 203.0.113.66 -j DROP", LO))
    only(compare(host(chain("DROP", LO)), production), severity=MAJOR, production="-s 203.0.113.66 -j DROP")


def test_same_rules_in_another_order_is_one_minor_record_with_both_orders():
    order = [LO, STATE, SSH, PARTNERS, SITE_NET]
    swapped = [LO, STATE, SSH, SITE_NET, PARTNERS]
    recovery = host(chain("DROP", *swapped), **{"inet mft": PRODUCTION["tables"]["inet mft"]})
    only(compare(recovery), item="ip4 filter/INPUT", production=order, recovery=swapped,
         severity=MINOR, words=("same 5 rules in another order",))


def test_duplicate_rule_on_recovery_is_an_extra_rule():
    recovery = copy.deepcopy(PRODUCTION)
    recovery["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"].append(SSH)
    only(compare(recovery), item=f"ip4 filter/INPUT {SSH}", recovery=SSH, severity=MAJOR)


def test_policy_differs():
    recovery = copy.deepcopy(PRODUCTION)
    recovery["tables"]["ip4 filter"]["chains"]["INPUT"]["policy"] = "ACCEPT"
    only(compare(recovery), item="ip4 filter/INPUT", production="DROP", recovery="ACCEPT",
         severity=MAJOR, words=("policy DROP on production but ACCEPT on recovery",))
    recovery["tables"]["ip4 filter"]["chains"]["FORWARD"]["policy"] = "DROP"
    assert compare(recovery)[0].item == "ip4 filter/FORWARD" and compare(recovery)[0].severity == CRITICAL


def test_missing_input_chain_is_major_recovery_is_exposed_not_broken():
    recovery = {"tables": {"inet mft": PRODUCTION["tables"]["inet mft"]}, "source": ["nft"]}
    record = only(compare(recovery), item="ip4 filter/INPUT", recovery=None, severity=MAJOR,
                  words=("filters on production but does not exist on recovery",
                         "recovery lets through all that production filters"))
    assert record.production == {"policy": "DROP", "rules": [LO, STATE, SSH, PARTNERS, SITE_NET]}


def test_input_chain_that_filters_nothing_on_recovery_is_one_major_record():
    recovery = host(chain("ACCEPT"), **{"inet mft": PRODUCTION["tables"]["inet mft"]})
    only(compare(recovery), item="ip4 filter/INPUT", recovery={"policy": "ACCEPT", "rules": []},
         severity=MAJOR, words=("filters nothing (policy ACCEPT, 0 rules) on recovery",))


def test_input_chain_that_drops_only_on_recovery_is_critical():
    production = host(chain("ACCEPT"), **{"inet mft": PRODUCTION["tables"]["inet mft"]})
    only(firewall.compare(production, PRODUCTION, context()), item="ip4 filter/INPUT", severity=CRITICAL,
         words=("recovery drops traffic production lets through",))


def test_missing_or_empty_chains_that_accept_everything_are_not_drift():
    production = copy.deepcopy(PRODUCTION)
    production["tables"]["ip4 nat"] = {"chains": {"PREROUTING": chain("ACCEPT"), "USER": chain(None)}}
    assert compare(copy.deepcopy(PRODUCTION), production) == []


def test_missing_user_chain_with_rules_is_major():
    production = copy.deepcopy(PRODUCTION)
    production["tables"]["ip4 nat"] = {"chains": {"PREROUTING": chain(
        "ACCEPT", "-p tcp -m tcp --dport 22 -j DNAT --to-destination 198.51.100.10:2222")}}
    only(compare(copy.deepcopy(PRODUCTION), production), item="ip4 nat/PREROUTING", severity=MAJOR,
         words=("policy ACCEPT, 1 rule)",))


def test_extra_nft_base_chain_dropping_input_is_critical():
    recovery = copy.deepcopy(PRODUCTION)
    recovery["tables"]["inet lockdown"] = {"chains": {"in": chain("drop", hook="filter input priority 0")},
                                           "sets": {}}
    only(compare(recovery), item="inet lockdown/in", production=None, severity=CRITICAL,
         words=("filters on recovery but does not exist on production",
                "drops traffic production lets through"))


def test_nft_hook_differs():
    recovery = copy.deepcopy(PRODUCTION)
    recovery["tables"]["inet mft"]["chains"]["input"]["hook"] = "filter input priority 0"
    only(compare(recovery), item="inet mft/input", severity=MAJOR,
         production="filter input priority 10", recovery="filter input priority 0")


def test_nft_missing_accept_rule_in_dropping_chain_is_critical():
    production = host(**{"inet mft": mft_table("203.0.113.0/24", policy="drop")})
    recovery = host(**{"inet mft": mft_table("203.0.113.0/24", policy="drop", rules=())})
    only(compare(recovery, production), item=f"inet mft/input {NFT_PARTNERS}", severity=CRITICAL)
    recovery = host(**{"inet mft": mft_table("203.0.113.0/24", rules=(NFT_DROP,))})
    production = host(**{"inet mft": mft_table("203.0.113.0/24", rules=(NFT_PARTNERS, NFT_DROP))})
    only(compare(recovery, production), item=f"inet mft/input {NFT_PARTNERS}", severity=CRITICAL)


def test_set_elements_missing_and_extra():
    recovery = host(**{"inet mft": mft_table("198.51.100.7", "198.51.100.8")})
    records = compare(recovery)
    assert [(r.item, r.severity, r.production, r.recovery) for r in records] == [
        ("inet mft set partners 198.51.100.8", MAJOR, None, "198.51.100.8"),
        ("inet mft set partners 203.0.113.0/24", MAJOR, "203.0.113.0/24", None),
    ]


def test_set_missing_type_differs_and_dynamic_sets():
    recovery = copy.deepcopy(PRODUCTION)
    del recovery["tables"]["inet mft"]["sets"]["partners"]
    assert compare(recovery)[0].item == "inet mft set partners" and compare(recovery)[0].severity == MAJOR
    recovery["tables"]["inet mft"]["sets"]["partners"] = {"type": "ipv6_addr", "elements": []}
    only(compare(recovery), item="inet mft set partners", severity=MAJOR, production="ipv4_addr")
    production = copy.deepcopy(PRODUCTION)
    production["tables"]["inet mft"]["sets"]["partners"]["elements"] = None
    assert compare(copy.deepcopy(PRODUCTION), production) == []


def test_extra_set_on_recovery_is_minor_its_rules_are_reported_on_their_own():
    recovery = copy.deepcopy(PRODUCTION)
    recovery["tables"]["inet mft"]["sets"]["old"] = {"type": "ipv4_addr", "elements": ["203.0.113.9"]}
    only(compare(recovery), item="inet mft set old", production=None, severity=MINOR,
         words=("exists on recovery only",))


NFT_TO_PARTNERS = nft({"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}}, "op": "==",
                                 "right": "@partners"}}, {"jump": {"target": "sftp"}})
NFT_NOT_PARTNERS_ACCEPT = nft({"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}},
                                         "op": "!=", "right": "@partners"}}, {"accept": None})
NFT_PARTNERS_DROP = nft({"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}},
                                   "op": "==", "right": "@partners"}}, {"drop": None})


def with_sftp_chain(table: dict[str, Any]) -> dict[str, Any]:
    table["chains"]["sftp"] = chain(None, nft({"match": {"left": {"payload": {
        "field": "dport", "protocol": "tcp"}}, "op": "==", "right": 22}}, {"accept": None}))
    return table


@pytest.mark.parametrize(
    ("policy", "rules", "user"),
    [
        ("drop", (NFT_PARTNERS,), "rule 1 of inet mft/input"),
        ("accept", (NFT_PARTNERS, NFT_DROP), "rule 1 of inet mft/input"),
        ("drop", (NFT_DROP, NFT_TO_PARTNERS), "rule 2 of inet mft/input"),
    ],
)
def test_partner_missing_from_allowlist_set_of_dropping_chain_is_critical(policy, rules, user):
    production = host(**{"inet mft": with_sftp_chain(
        mft_table("198.51.100.7", "203.0.113.0/24", policy=policy, rules=rules))})
    recovery = host(**{"inet mft": with_sftp_chain(
        mft_table("198.51.100.7", policy=policy, rules=rules))})
    only(compare(recovery, production), item="inet mft set partners 203.0.113.0/24",
         production="203.0.113.0/24", recovery=None, severity=CRITICAL,
         words=(user, "drops by default", "would be dropped"))


@pytest.mark.parametrize(
    ("policy", "rules"),
    [
        ("accept", (NFT_PARTNERS,)),
        ("drop", (NFT_PARTNERS_DROP,)),
        ("drop", (NFT_NOT_PARTNERS_ACCEPT,)),
        ("drop", ()),
    ],
    ids=["accepting-chain", "blocklist", "negated-match", "unused"],
)
def test_missing_set_element_not_feeding_an_accept_in_a_dropping_chain_is_major(policy, rules):
    production = host(**{"inet mft": mft_table("198.51.100.7", "203.0.113.0/24", policy=policy,
                                               rules=rules)})
    recovery = host(**{"inet mft": mft_table("198.51.100.7", policy=policy, rules=rules)})
    only(compare(recovery, production), item="inet mft set partners 203.0.113.0/24", severity=MAJOR,
         words=("holds 203.0.113.0/24 on production, not on recovery",))


def test_allowlist_in_an_ignored_chain_is_major():
    production = host(**{"inet mft": mft_table("203.0.113.0/24", policy="drop")})
    recovery = host(**{"inet mft": mft_table(policy="drop")})
    only(compare(recovery, production, policy=FirewallPolicy(ignore_chains=["inet mft/input"])),
         item="inet mft set partners 203.0.113.0/24", severity=MAJOR)


LOG = '-m limit --limit 5/min -j LOG --log-prefix "drop: "'
LOGDROP = {"LOGDROP": chain(None, LOG, "-j DROP")}


@pytest.mark.parametrize(
    ("final", "user_chains", "severity"),
    [
        ("-j LOGDROP", LOGDROP, CRITICAL),
        ("-g LOGDROP", LOGDROP, CRITICAL),
        ('-m comment --comment "default deny" -j LOGDROP', LOGDROP, CRITICAL),
        ("-j LOGDROP", {"LOGDROP": chain(None, LOG, "-j REJECT --reject-with icmp-port-unreachable")},
         CRITICAL),
        ("-j LOGDROP", {"LOGDROP": chain(None, LOG, "-j DENY"), "DENY": chain(None, "-j DROP")},
         CRITICAL),
        ("-j LOGDROP", {"LOGDROP": chain(None, LOG, "-p tcp -j DROP")}, MAJOR),
        ("-j LOGDROP", {"LOGDROP": chain(None, LOG, "-j RETURN")}, MAJOR),
        ("-p tcp -j LOGDROP", LOGDROP, MAJOR),
        ("-j LOGDROP", {"LOGDROP": chain(None, LOG, "-j LOGDROP")}, MAJOR),
        ("-j LOGDROP", {"LOGDROP": chain(None, "-j DENY"), "DENY": chain(None, "-j LOGDROP")}, MAJOR),
    ],
    ids=["jump", "goto", "commented", "reject", "via-another-chain", "conditional-drop",
         "returns", "conditional-jump", "loop", "loop-through-another-chain"],
)
def test_final_jump_to_a_dropping_user_chain_counts_as_dropping_by_default(final, user_chains,
                                                                           severity):
    production = host(chain("ACCEPT", LO, PARTNERS, final))
    recovery = host(chain("ACCEPT", LO, final))
    for side in (production, recovery):
        side["tables"]["ip4 filter"]["chains"].update(copy.deepcopy(user_chains))
    only(compare(recovery, production), item=f"ip4 filter/INPUT {PARTNERS}", severity=severity)


NFT_LOG_DROP = nft({"log": {"prefix": "drop: "}}, {"drop": None}, {"comment": "default deny"})


@pytest.mark.parametrize("verdict", ["jump", "goto"])
def test_nft_final_jump_to_a_chain_that_logs_and_drops_is_critical(verdict):
    final = nft({verdict: {"target": "logdrop"}})
    production = host(**{"inet mft": mft_table(rules=(NFT_PARTNERS, final))})
    recovery = host(**{"inet mft": mft_table(rules=(final,))})
    for side in (production, recovery):
        side["tables"]["inet mft"]["chains"]["logdrop"] = chain(None, NFT_LOG_DROP)
    only(compare(recovery, production), item=f"inet mft/input {NFT_PARTNERS}", severity=CRITICAL)


@pytest.mark.parametrize("pattern", ["filter/INPUT", "ip4 filter/INPUT", "ip filter/INP*", "INPUT"])
def test_ignored_chains(pattern):
    recovery = host(chain("ACCEPT"), **{"inet mft": PRODUCTION["tables"]["inet mft"]})
    assert compare(recovery, policy=FirewallPolicy(ignore_chains=[pattern])) == []


def test_ignore_pattern_of_another_family_does_not_match():
    recovery = host(chain("ACCEPT"), **{"inet mft": PRODUCTION["tables"]["inet mft"]})
    assert compare(recovery, policy=FirewallPolicy(ignore_chains=["ip6 filter/INPUT"])) != []


@pytest.mark.parametrize(
    ("rule", "target"),
    [
        (LO, "ACCEPT"),
        ("-p tcp -j REJECT --reject-with tcp-reset", "REJECT"),
        ("-p tcp -m tcp --dport 2222 -g MFT", "MFT"),
        ("-m comment --comment x", None),
        (NFT_PARTNERS, "ACCEPT"),
        (nft({"jump": {"target": "partners"}}), "partners"),
        (nft({"xt": {"name": "REJECT", "type": "target"}}), None),
    ],
)
def test_rule_target(rule, target):
    assert verdicts.rule_target(rule) == target


def recorded(case: str) -> dict[str, Any]:
    text = (DATA / f"{case}.txt").read_text()
    return firewall_facts.parse(split_output(text, text.split(" begin ", 1)[0].strip()))


def test_recorded_lab_pair_gives_exactly_the_seeded_differences():
    translate = {"198.51.100.10": "198.51.100.20", "198.51.100.12": "198.51.100.22"}
    records = firewall.compare(recorded("production"), recorded("recovery"), context(translate=translate))
    assert [(r.item, r.severity) for r in records] == [
        (f"ip4 filter/INPUT {WEB}", MAJOR),
        (f"ip4 filter/INPUT {PARTNERS}", CRITICAL),
    ]


def test_recorded_host_without_any_firewall():
    records = firewall.compare(recorded("production"), recorded("empty"), context())
    assert [(r.item, r.severity) for r in records] == [
        ("inet mft set partners", MAJOR),
        ("inet mft/input", MAJOR),
        ("ip4 filter/INPUT", MAJOR),
        ("ip6 filter/INPUT", MAJOR),
    ]


def test_severities_declared():
    assert set(AREAS["firewall"].severities) == {CRITICAL, MAJOR, MINOR}


def outputs(case: str):
    text = (DATA / f"{case}.txt").read_text()
    return split_output(text, text.split(" begin ", 1)[0].strip())


def judge(production: dict[str, Any], recovery: dict[str, Any], translate: dict[str, str] | None = None):
    pair = support.make_pair(policies=Policies(), translate=translate or {})
    return support.judge("firewall", production, recovery, pair)


LAB_SITE = {"198.51.100.10": "198.51.100.20", "198.51.100.12": "198.51.100.22"}


def test_recorded_nft_refused_on_recovery_leaves_its_tables_unverified_and_the_rest_compared():
    """Recovery's nft denied (its recorded output as nobody) while iptables-save worked: the lab's
    seeded ip4 differences are still found; production's nft table inet mft is not compared."""
    recovery = firewall_facts.parse({**outputs("recovery"), "nft": outputs("nobody")["nft"]})
    outcome = judge(recorded("production"), recovery, LAB_SITE)
    assert [(r.item, r.severity) for r in outcome.drift] == [
        (f"ip4 filter/INPUT {WEB}", MAJOR), (f"ip4 filter/INPUT {PARTNERS}", CRITICAL)]
    [unverified] = outcome.unverified
    assert (unverified.item, unverified.host) == ("nft", "recovery")
    assert unverified.reason.startswith("nft: exit status 1: ")
    assert unverified.reason.endswith("Operation not permitted (not compared: inet mft)")


LEGACY = "iptables-save: iptables-legacy tables are present as well, not read"


def test_iptables_save_unread_on_production_leaves_every_ip4_table_out():
    """nft's own view of ip4 filter (opaque xt matches, a ``sets`` key) is not compared with
    recovery's iptables-save view: only the ip6 and nft-native tables are."""
    production = host(chain("ACCEPT", '[{"xt":{"name":"conntrack","type":"match"}},{"accept":null}]'),
                      **{"ip6 filter": {"chains": {"INPUT": chain("DROP", SSH)}},
                         "inet mft": mft_table("198.51.100.7", "203.0.113.0/24")})
    production["tables"]["ip4 filter"]["sets"] = {}
    production["errors"] = {"iptables-save": LEGACY}
    recovery = host(chain("DROP", LO), **{"ip6 filter": {"chains": {"INPUT": chain("DROP")}},
                                          "inet mft": mft_table("198.51.100.7", "203.0.113.0/24")})
    outcome = judge(production, recovery)
    assert [(r.item, r.severity) for r in outcome.drift] == [(f"ip6 filter/INPUT {SSH}", CRITICAL)]
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [
        ("iptables-save", "production", f"{LEGACY} (not compared: ip4 filter)")]


def test_a_view_unread_on_both_sides_is_two_unverified_items():
    reason = "ip6tables-save: timed out"
    production = {**host(), "errors": {"ip6tables-save": reason}}
    recovery = {**host(chain("DROP", LO)), "errors": {"ip6tables-save": reason}}
    outcome = judge(production, recovery)
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [
        ("ip6tables-save", "production", reason), ("ip6tables-save", "recovery", reason)]
    assert len(outcome.drift) == 4  # STATE, SSH, PARTNERS and SITE_NET missing on recovery


def test_a_snapshot_without_tables_is_unverified_not_a_key_error():
    outcome = judge(copy.deepcopy(PRODUCTION), {"source": ["nft"]})
    assert outcome.drift == ()
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [
        ("rule set", "recovery", "not in the facts (a snapshot older than the inventory?)")]


def test_allowlist_users_are_found_in_one_pass_for_every_set():
    """Two allowlist sets in one dropping chain: each missing element names its own rule."""
    other = nft({"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}}, "op": "==",
                           "right": "@admins"}}, {"accept": None})
    table = mft_table("203.0.113.0/24", policy="drop", rules=(NFT_PARTNERS, other))
    table["sets"]["admins"] = {"type": "ipv4_addr", "elements": ["198.51.100.5"]}
    production = host(**{"inet mft": table})
    recovery = host(**{"inet mft": {**copy.deepcopy(table), "sets": {
        "partners": {"type": "ipv4_addr", "elements": []}, "admins": {"type": "ipv4_addr", "elements": []}}}})
    records = compare(recovery, production)
    assert [(r.item, r.severity) for r in records] == [
        ("inet mft set admins 198.51.100.5", CRITICAL), ("inet mft set partners 203.0.113.0/24", CRITICAL)]
    assert "rule 2 of inet mft/input" in records[0].message
    assert "rule 1 of inet mft/input" in records[1].message


def chains_jumping_twice(count: int, last: str) -> dict[str, Any]:
    """``C0`` .. ``C{count-1}``, each jumping to the next by two rules; the last one ends with
    ``last``: 2**count jump paths, each chain judged once."""
    chains = {f"C{i}": chain(None, f"-p tcp -j C{i + 1}", f"-p udp -j C{i + 1}") for i in range(count - 1)}
    chains[f"C{count - 1}"] = chain(None, last)
    return chains


@pytest.mark.parametrize(("last", "severity"), [("-s 203.0.113.0/24 -j ACCEPT", CRITICAL), ("-j RETURN", MAJOR)])
def test_forty_chains_jumping_twice_to_the_next_are_judged_once_each(last, severity):
    """The old walk followed every path (2**40); the verdict is the same: whether any accepts."""
    jump = "-p tcp -m tcp --dport 2222 -j C0"
    production, recovery = host(chain("DROP", LO, jump)), host(chain("DROP", LO))
    for side in (production, recovery):
        side["tables"]["ip4 filter"]["chains"].update(chains_jumping_twice(40, last))
    outcome = judge(production, recovery)
    only(list(outcome.drift), item=f"ip4 filter/INPUT {jump}", severity=severity)
    assert outcome.unverified == ()


def test_a_jump_loop_is_unverified_on_the_side_that_has_it_and_the_rest_compared():
    """The kernel refuses loops: a snapshot holding one is not a rule set any host runs."""
    production, recovery = host(chain("DROP", LO, "-j C0")), host(chain("DROP", LO))
    looping = chains_jumping_twice(3, "-j C0")
    production["tables"]["ip4 filter"]["chains"].update(looping)
    recovery["tables"]["ip4 filter"]["chains"].update(copy.deepcopy(looping))
    recovery["tables"]["ip4 filter"]["chains"]["C2"] = chain(None, "-j RETURN")
    outcome = judge(production, recovery)
    assert [(r.item, r.severity) for r in outcome.drift] == [
        ("ip4 filter/C2 -j C0", MAJOR), ("ip4 filter/C2 -j RETURN", MAJOR), ("ip4 filter/INPUT -j C0", MAJOR)]
    [loop] = outcome.unverified
    assert (loop.item, loop.host) == ("ip4 filter/C0", "production")
    assert loop.reason.startswith("chains C0, C1, C2 jump to one another in a loop")


@pytest.mark.parametrize(
    ("chains", "loops"),
    [
        ({"A": chain(None, "-j A")}, [["A"]]),
        ({"A": chain(None, "-j B"), "B": chain(None, "-j A"), "C": chain(None, "-j A")}, [["A", "B"]]),
        ({"A": chain(None, "-j B"), "B": chain(None, "-j C"), "C": chain(None, "-j ACCEPT")}, []),
        ({"A": chain(None, "-j B"), "B": chain(None, "-j A"), "C": chain(None, "-j D"),
          "D": chain(None, "-j C")}, [["A", "B"], ["C", "D"]]),
    ],
    ids=["self", "two-and-a-caller", "none", "two-loops"],
)
def test_jump_loops_are_found(chains, loops):
    assert verdicts.Verdicts(chains).loops() == loops


def test_a_loop_among_ignored_chains_is_not_reported():
    production = host()
    production["tables"]["ip4 filter"]["chains"].update(chains_jumping_twice(2, "-j C0"))
    outcome = judge(production, copy.deepcopy(production))
    assert [u.item for u in outcome.unverified] == ["ip4 filter/C0", "ip4 filter/C0"]
    pair = support.make_pair(policies=Policies(firewall=FirewallPolicy(ignore_chains=["C*"])))
    assert support.judge("firewall", production, copy.deepcopy(production), pair).unverified == ()


def test_a_chain_reaching_an_accept_through_a_loop_still_accepts():
    chains = {"A": chain(None, "-j B"), "B": chain(None, "-j A", "-j C"), "C": chain(None, "-j ACCEPT")}
    assert verdicts.Verdicts(chains).accepts("-j A")
    assert not verdicts.Verdicts({**chains, "C": chain(None, "-j RETURN")}).accepts("-j A")


def test_a_long_path_of_final_jumps_is_followed_without_recursion():
    """5,000 chains (Python's recursion limit is 1,000), each ending with a jump to the next,
    the last one dropping."""
    count = 5_000
    chains = {f"C{i}": chain(None, f"-j C{i + 1}") for i in range(count)}
    chains[f"C{count}"] = chain(None, "-j DROP")
    judged = verdicts.Verdicts(chains)
    assert judged.drops_by_default(chain("ACCEPT", "-j C0"))
    assert all(judged.drops_by_default(chains[f"C{i}"]) for i in range(0, count, 97))
    assert judged.loops() == []
    assert judged.accepts("-j C0") is False


def test_a_reordered_chain_of_many_rules_is_one_minor_record():
    rules = [f"-s 10.0.{i // 250}.{i % 250}/32 -p tcp -m tcp --dport 22 -j ACCEPT" for i in range(5000)]
    swapped = rules[:4000] + rules[4001:] + rules[4000:4001]
    records = compare(host(chain("DROP", *swapped)), host(chain("DROP", *rules)))
    only(records, item="ip4 filter/INPUT", severity=MINOR, production=rules, recovery=swapped,
         words=("same 5000 rules in another order", "from rule 4001 on"))
