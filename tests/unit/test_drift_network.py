"""Network drift: one record per real difference, addresses compared through the translation."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import support
from support import only

from drverify.areas import AREAS
from drverify.drift import network
from drverify.drift.records import Context, Severity
from drverify.facts import network as network_facts
from drverify.facts.batch import split_output
from drverify.inventory.model import NetworkPolicy, Policies

DATA = Path(__file__).resolve().parents[1] / "data" / "network"
CRITICAL, MAJOR, MINOR = Severity.CRITICAL, Severity.MAJOR, Severity.MINOR
SITE = {"198.51.100.10": "198.51.100.20", "198.51.100.12": "198.51.100.22"}


def route(dst: str, *gateways: str, protocol: str = "boot", src: str | None = None,
          dev: str = "eth0", table: str = "main", kind: str = "unicast") -> dict[str, Any]:
    return {"table": table, "type": kind, "dst": dst, "gateways": list(gateways), "dev": dev,
            "protocol": protocol, "src": src, "metric": None}


def listener(proto: str, address: str, port: int, *processes: str,
             interface: str | None = None) -> dict[str, Any]:
    return {"proto": proto, "address": address, "port": port, "interface": interface,
            "processes": list(processes)}


PRODUCTION = {
    "interfaces": {
        "lo": ["127.0.0.1/8", "::1/128"],
        "eth0": ["198.51.100.10/24", "fe80::1809:e8ff:fe04:b780/64"],
    },
    "routes": [
        route("198.51.100.0/24", protocol="kernel", src="198.51.100.10"),
        route("203.0.113.0/25", "198.51.100.1"),
        route("fe80::/64", protocol="kernel"),
    ],
    "listeners": [
        listener("tcp", "0.0.0.0", 22, "sshd"),
        listener("tcp", "::", 22, "sshd"),
        listener("udp", "127.0.0.1", 53, "dns cache"),
        listener("udp", "0.0.0.0", 39997, "dhclient"),
    ],
    "ephemeral_ports": [32768, 60999],
}


def recovery_of(facts: dict[str, Any]) -> dict[str, Any]:
    """The same host as recovery has it: other interface name, .20, its own link-local noise."""
    result = copy.deepcopy(facts)
    result["interfaces"] = {"lo": ["127.0.0.1/8", "::1/128"],
                            "ens3": ["198.51.100.20/24", "fe80::40a:16ff:fee8:2a49/64"]}
    result["routes"][0] = route("198.51.100.0/24", protocol="kernel", src="198.51.100.20", dev="ens3")
    result["listeners"][3] = listener("udp", "0.0.0.0", 40781, "dhclient")
    return result


RECOVERY = recovery_of(PRODUCTION)


def context(policy: Any = None, translate: dict[str, str] | None = SITE) -> Context:
    policies = Policies(network=policy or NetworkPolicy())
    return support.context("network", support.make_pair(policies=policies, translate=translate or {}))


def changed(facts: dict[str, Any], **parts: Any) -> dict[str, Any]:
    return {**copy.deepcopy(facts), **parts}


def test_identical_hosts_have_no_drift():
    assert network.compare(PRODUCTION, PRODUCTION, context(translate=None)) == []


def test_translation_hides_other_addresses_interface_names_ports_and_link_local_noise():
    assert network.compare(PRODUCTION, RECOVERY, context()) == []


def test_without_translation_the_site_address_is_drift():
    records = network.compare(PRODUCTION, RECOVERY, context(translate=None))
    assert [(r.item, r.severity) for r in records] == [
        ("address 198.51.100.10", MAJOR), ("address 198.51.100.20", MINOR)]


def test_missing_address_is_one_major_record_not_also_its_route():
    production = changed(PRODUCTION, interfaces={
        "eth0": ["198.51.100.10/24", "198.51.100.12/24", "203.0.113.12/24"]})
    production["routes"].append(route("203.0.113.0/24", protocol="kernel", src="203.0.113.12"))
    records = network.compare(production, RECOVERY, context())
    assert [r.item for r in records] == ["address 198.51.100.22", "address 203.0.113.12"]
    only(records[:1], production="198.51.100.12/24", translated="198.51.100.22/24", recovery=None, severity=MAJOR,
         words=("198.51.100.12/24", "eth0", "198.51.100.22", "no interface of recovery"))


def test_same_address_with_another_prefix_is_major():
    recovery = changed(RECOVERY, interfaces={"ens3": ["198.51.100.20/25"]})
    only(network.compare(PRODUCTION, recovery, context()),
         item="address 198.51.100.20", production="198.51.100.10/24", translated="198.51.100.20/24",
         recovery="198.51.100.20/25",
         severity=MAJOR, words=("/24", "/25", "eth0", "ens3"))


def test_extra_address_on_recovery_is_minor():
    recovery = changed(RECOVERY, interfaces={"ens3": ["198.51.100.20/24", "203.0.113.9/24"]})
    only(network.compare(PRODUCTION, recovery, context()),
         item="address 203.0.113.9", production=None, recovery="203.0.113.9/24", severity=MINOR,
         words=("recovery has 203.0.113.9/24 on ens3",))


@pytest.mark.parametrize("ignored", [["lo", "docker*"], ["docker0"]])
def test_ignored_interfaces(ignored):
    recovery = changed(RECOVERY, interfaces={**RECOVERY["interfaces"], "docker0": ["172.17.0.1/16"]})
    policy = NetworkPolicy(ignore_interfaces=ignored)
    assert network.compare(PRODUCTION, recovery, context(policy)) == []


def test_missing_route_is_major_with_translated_gateway():
    production = changed(PRODUCTION, routes=[route("default", "198.51.100.12")])
    recovery = changed(RECOVERY, routes=[route("default", "198.51.100.22", dev="ens3")])
    assert network.compare(production, recovery, context()) == []
    recovery["routes"] = []
    only(network.compare(production, recovery, context()),
         item="route default via 198.51.100.22", production="default via 198.51.100.12",
         translated="default via 198.51.100.22", recovery=None, severity=MAJOR, words=("recovery has no route default via 198.51.100.22", "translated"))


def test_extra_route_table_and_type_show_in_the_item():
    recovery = changed(RECOVERY, routes=[*RECOVERY["routes"], route("203.0.113.128/26", table="100",
                                                                    kind="blackhole")])
    only(network.compare(PRODUCTION, recovery, context()),
         item="route blackhole 203.0.113.128/26 table 100", production=None, severity=MINOR)


def test_route_source_address_differs():
    production = changed(PRODUCTION, routes=[route("default", "198.51.100.1", src="198.51.100.12")])
    recovery = changed(RECOVERY, routes=[route("default", "198.51.100.1", src="198.51.100.20")])
    only(network.compare(production, recovery, context()),
         item="route default via 198.51.100.1", severity=MAJOR,
         production="default via 198.51.100.1 src 198.51.100.12",
         translated="default via 198.51.100.1 src 198.51.100.22", recovery="default via 198.51.100.1 src 198.51.100.20", words=("198.51.100.22", "198.51.100.20"))


def test_link_local_gateways_are_each_sites_own():
    production = changed(PRODUCTION, routes=[route("default", "fe80::1")])
    recovery = changed(RECOVERY, routes=[route("default", "fe80::a:1", dev="ens3")])
    assert network.compare(production, recovery, context()) == []
    recovery["routes"] = []
    only(network.compare(production, recovery, context()),
         item="route default via a link-local router", severity=MAJOR)


def test_missing_listener_names_port_and_process():
    production = changed(PRODUCTION, listeners=[
        *PRODUCTION["listeners"], listener("tcp", "0.0.0.0", 2222, "sshd"),
        listener("tcp", "::", 2222, "sshd")])
    only(network.compare(production, RECOVERY, context()),
         item="listener tcp/2222", production="sshd on all addresses", recovery=None,
         severity=MAJOR, message="sshd listens on tcp/2222 on production, nothing listens there on recovery")


def test_extra_listener_is_minor():
    recovery = changed(RECOVERY, listeners=[*RECOVERY["listeners"], listener("tcp", "*", 8080, "java")])
    only(network.compare(PRODUCTION, recovery, context()),
         item="listener tcp/8080", production=None, recovery="java on all addresses", severity=MINOR,
         words=("java listens on tcp/8080 on recovery",))


def test_other_process_on_the_same_port_is_minor():
    recovery = changed(RECOVERY, listeners=[listener("tcp", "*", 22, "dropbear"),
                                            *RECOVERY["listeners"][2:]])
    only(network.compare(PRODUCTION, recovery, context()),
         item="listener tcp/22", production="sshd", recovery="dropbear", severity=MINOR)


@pytest.mark.parametrize("binds", [["0.0.0.0"], ["::"], ["*"], ["0.0.0.0", "*"]])
def test_every_wildcard_means_all_addresses(binds):
    recovery = changed(RECOVERY, listeners=[
        *(listener("tcp", bind, 22, "sshd") for bind in binds), *RECOVERY["listeners"][2:]])
    assert network.compare(PRODUCTION, recovery, context()) == []


def test_listener_bound_to_a_translated_address():
    production = changed(PRODUCTION, listeners=[listener("tcp", "198.51.100.12", 443, "nginx")])
    recovery = changed(RECOVERY, listeners=[listener("tcp", "198.51.100.22", 443, "nginx")])
    assert network.compare(production, recovery, context()) == []
    recovery["listeners"] = [listener("tcp", "127.0.0.1", 443, "nginx")]
    only(network.compare(production, recovery, context()),
         item="listener tcp/443", severity=MAJOR, production="nginx on 198.51.100.12",
         translated="nginx on 198.51.100.22", recovery="nginx on 127.0.0.1")


def test_recovery_listening_more_widely_is_minor():
    production = changed(PRODUCTION, listeners=[listener("tcp", "127.0.0.1", 5432, "postgres")])
    recovery = changed(RECOVERY, listeners=[listener("tcp", "0.0.0.0", 5432, "postgres")])
    only(network.compare(production, recovery, context()), item="listener tcp/5432", severity=MINOR)


def test_ignored_listeners_ephemeral_udp_and_link_local_binds():
    production = changed(PRODUCTION, listeners=[
        *PRODUCTION["listeners"], listener("tcp", "0.0.0.0", 2222, "sshd"),
        listener("tcp", "fe80::1", 9000, "agent", interface="eth0")])
    assert network.compare(production, RECOVERY,
                           context(NetworkPolicy(ignore_listeners=["tcp/2222"]))) == []


def test_tcp_listeners_in_the_ephemeral_range_still_count():
    production = changed(PRODUCTION, listeners=[listener("tcp", "0.0.0.0", 40000, "rmi")])
    recovery = changed(RECOVERY, listeners=[])
    only(network.compare(production, recovery, context()), item="listener tcp/40000", severity=MAJOR)


def test_unknown_processes_are_not_compared():
    recovery = changed(RECOVERY, listeners=[
        {**entry, "processes": []} for entry in RECOVERY["listeners"]])
    assert network.compare(PRODUCTION, recovery, context()) == []


def test_policy_may_come_as_a_plain_dict():
    production = changed(PRODUCTION, listeners=[listener("tcp", "0.0.0.0", 2222, "sshd")])
    recovery = changed(RECOVERY, listeners=[])
    assert network.compare(production, recovery, context({"ignore_listeners": ["tcp/2222"]})) == []


def recorded(case: str) -> dict[str, Any]:
    text = (DATA / f"{case}.txt").read_text()
    return network_facts.parse(split_output(text, text.split(" begin ", 1)[0].strip()))


def test_recorded_lab_pair_gives_exactly_the_seeded_differences():
    """Production has .12 and sshd on 2222 more; everything else differs only by site or noise."""
    translate = {**SITE, "2001:db8:1::10": "2001:db8:1::20"}
    records = network.compare(recorded("production"), recorded("recovery"), context(translate=translate))
    assert [(r.item, r.severity, r.production, r.translated, r.recovery) for r in records] == [
        ("address 198.51.100.22", MAJOR, "198.51.100.12/24", "198.51.100.22/24", None),
        ("listener tcp/2222", MAJOR, "sshd on all addresses", None, None),
    ]
    assert records[1].message == (
        "sshd listens on tcp/2222 on production, nothing listens there on recovery")
    assert all(record.area == "network" and record.pair == "mft" for record in records)


def test_severities_declared():
    assert set(AREAS["network"].severities) == {MAJOR, MINOR}


def judge(production: dict[str, Any], recovery: dict[str, Any], translate: dict[str, str] | None = SITE):
    pair = support.make_pair(policies=Policies(), translate=translate or {})
    return support.judge("network", production, recovery, pair)


def without(facts: dict[str, Any], part: str, reason: str, *keys: str) -> dict[str, Any]:
    """The facts of a host that could not read ``part`` (as facts.network.parse leaves them)."""
    kept = {key: value for key, value in copy.deepcopy(facts).items() if key not in (part, *keys)}
    return {**kept, "errors": {part: reason}}


@pytest.mark.parametrize(
    ("part", "keys", "item", "reason", "left"),
    [
        ("listeners", ("ephemeral_ports",), "listeners", "ss: command not found",
         ["address 198.51.100.22", "route 203.0.113.128/26 via 198.51.100.1"]),
        ("routes", (), "routes", "ip-route6: timed out",
         ["address 198.51.100.22", "listener tcp/2222"]),
        ("interfaces", (), "addresses", "ip-addr: exit status 255: Cannot open netlink socket",
         ["listener tcp/2222", "route 203.0.113.128/26 via 198.51.100.1"]),
    ],
)
@pytest.mark.parametrize("role", ["production", "recovery"])
def test_a_part_one_side_could_not_read_is_unverified_and_the_rest_compared(part, keys, item, reason, left, role):
    production = changed(PRODUCTION, interfaces={"eth0": ["198.51.100.10/24", "198.51.100.12/24"]},
                         routes=[route("203.0.113.128/26", "198.51.100.1")],
                         listeners=[listener("tcp", "0.0.0.0", 2222, "sshd")])
    sides = {"production": production, "recovery": changed(RECOVERY, routes=[], listeners=[])}
    sides[role] = without(sides[role], part, reason, *keys)
    outcome = judge(sides["production"], sides["recovery"])
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [(item, role, reason)]
    assert [r.item for r in outcome.drift] == left


def test_every_part_unreadable_on_both_sides_gives_six_unverified_items_and_no_drift():
    reasons = {"interfaces": "ip: x", "routes": "ip: y", "listeners": "ss: z"}
    outcome = judge({"errors": reasons}, {"errors": reasons})
    assert outcome.drift == ()
    assert [(u.item, u.host) for u in outcome.unverified] == [
        (item, role) for item in ("addresses", "routes", "listeners")
        for role in ("production", "recovery")]


def test_a_snapshot_without_a_part_is_unverified_not_a_key_error():
    recovery = {key: value for key, value in RECOVERY.items() if key != "routes"}
    outcome = judge(PRODUCTION, recovery)
    assert outcome.drift == ()
    assert [(u.item, u.host, u.reason) for u in outcome.unverified] == [
        ("routes", "recovery", "not in the facts (a snapshot older than the inventory?)")]
