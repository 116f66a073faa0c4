"""The network parsers on outputs recorded from real commands (tests/data/network, see record.py).

Each ``<case>.txt`` there is the collection script's whole framed stdout, recorded inside a network
namespace: production (198.51.100.10 and .12, sshd on 22 and 2222), recovery (198.51.100.20 on
``ens3``, sshd on 22 only) and production as ``nobody`` (ss shows no processes then).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from drverify.errors import FactError
from drverify.facts import network
from drverify.facts.batch import Output, split_output

DATA = Path(__file__).resolve().parents[1] / "data" / "network"


def recorded(case: str) -> dict[str, Output]:
    """A case's outputs, cut out of the recorded script output by the real frame parser."""
    text = (DATA / f"{case}.txt").read_text()
    return split_output(text, text.split(" begin ", 1)[0].strip())


def test_commands_are_read_only_and_the_same_on_both_roles():
    commands = network.commands(None, "production")  # type: ignore[arg-type]
    assert commands == network.commands(None, "recovery")  # type: ignore[arg-type]
    assert commands["ip-addr"] == "ip -j addr show"
    assert commands["ss"] == "ss -H -tulpn"
    assert set(commands) == set(recorded("production"))


def test_production_interfaces_keep_every_address_with_its_prefix():
    interfaces = network.parse(recorded("production"))["interfaces"]
    assert interfaces["eth0"][:3] == ["198.51.100.10/24", "198.51.100.12/24", "2001:db8:1::10/64"]
    assert interfaces["eth0"][3].startswith("fe80::")
    assert interfaces["lo"] == ["127.0.0.1/8", "::1/128"]
    assert set(interfaces) == {"eth0", "lo", "peer-eth0"}


def test_recovery_interface_has_another_name():
    interfaces = network.parse(recorded("recovery"))["interfaces"]
    assert interfaces["ens3"][:2] == ["198.51.100.20/24", "2001:db8:1::20/64"]


def test_routes_leave_out_the_local_table_and_keep_every_other():
    routes = network.parse(recorded("production"))["routes"]
    assert all(route["table"] != "local" for route in routes)
    assert all(route["type"] not in network.KERNEL_ROUTE_TYPES for route in routes)
    by_dst = {(route["table"], route["dst"], route["dev"]): route for route in routes}
    assert by_dst[("main", "198.51.100.0/24", "eth0")] == {
        "table": "main", "type": "unicast", "dst": "198.51.100.0/24", "gateways": [], "dev": "eth0",
        "protocol": "kernel", "src": "198.51.100.10", "metric": None,
    }
    assert by_dst[("main", "203.0.113.0/25", "eth0")]["gateways"] == ["198.51.100.1"]
    assert by_dst[("main", "203.0.113.0/25", "eth0")]["protocol"] == "boot"
    assert by_dst[("100", "203.0.113.128/26", "eth0")]["gateways"] == ["198.51.100.1", "198.51.100.2"]
    assert by_dst[("main", "203.0.113.192/26", None)]["type"] == "blackhole"
    assert by_dst[("main", "default", "eth0")]["gateways"] == ["fe80::1"]
    assert by_dst[("main", "2001:db8:2::/48", "eth0")]["metric"] == 1024


def test_listeners_one_entry_per_bind_address_with_process_names():
    listeners = network.parse(recorded("production"))["listeners"]
    found = {(entry["proto"], entry["address"], entry["port"]): entry for entry in listeners}
    assert found[("tcp", "0.0.0.0", 2222)] == {
        "proto": "tcp", "address": "0.0.0.0", "port": 2222, "interface": None, "processes": ["sshd"],
    }
    assert found[("tcp", "::", 2222)]["processes"] == ["sshd"]
    assert found[("tcp", "*", 8443)]["processes"] == ["mft-agent"]
    assert found[("tcp", "2001:db8:1::10", 9443)]["interface"] is None
    assert found[("udp", "127.0.0.1", 53)]["processes"] == ["dns cache"]
    assert found[("udp", "0.0.0.0", 68)]["interface"] == "eth0"
    link_local = [entry for entry in listeners if entry["port"] == 9000]
    assert link_local[0]["address"].startswith("fe80::") and link_local[0]["interface"] == "eth0"
    assert len(listeners) == 11


def test_listeners_seen_by_a_non_root_user_have_no_processes():
    facts = network.parse(recorded("nobody"))
    assert len(facts["listeners"]) == 11
    assert all(listener["processes"] == [] for listener in facts["listeners"])
    assert facts["interfaces"]["eth0"][0] == "198.51.100.10/24"


def test_ephemeral_port_range():
    assert network.parse(recorded("production"))["ephemeral_ports"] == [32768, 60999]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("127.0.0.1:53", ("127.0.0.1", 53, None)),
        ("0.0.0.0%eth0:68", ("0.0.0.0", 68, "eth0")),
        ("*:8443", ("*", 8443, None)),
        ("[::]:22", ("::", 22, None)),
        ("[2001:db8:1::10]:9443", ("2001:db8:1::10", 9443, None)),
        ("[fe80::1809:e8ff:fe04:b780]%eth0:9000", ("fe80::1809:e8ff:fe04:b780", 9000, "eth0")),
        # iproute2 before 6.x put the scope inside the brackets
        ("[fe80::1%ens3]:546", ("fe80::1", 546, "ens3")),
        ("[::ffff:198.51.100.10]:80", ("::ffff:198.51.100.10", 80, None)),
    ],
)
def test_parse_socket_address(text, expected):
    assert network.parse_socket_address(text) == expected


@pytest.mark.parametrize("text", ["garbage", "198.51.100.10:http", ":22", "host.example:22"])
def test_parse_socket_address_refuses_garbage(text):
    with pytest.raises(FactError, match="ss: line 0: cannot read local address"):
        network.parse_socket_address(text)


def test_sockets_sharing_a_bind_address_are_merged():
    line = 'tcp LISTEN 0 511 0.0.0.0:443 0.0.0.0:* users:(("nginx",pid={pid},fd=6))'
    extra = 'tcp LISTEN 0 511 0.0.0.0:443 0.0.0.0:* users:(("nginx",pid=3,fd=6),("worker",pid=4,fd=6))'
    listeners = network.parse_listeners("\n".join([line.format(pid=1), line.format(pid=2), extra]))
    assert listeners == [{"proto": "tcp", "address": "0.0.0.0", "port": 443, "interface": None,
                          "processes": ["nginx", "worker"]}]


def test_a_truncated_ss_line_is_an_error():
    with pytest.raises(FactError, match="ss: line 2 has 3 columns"):
        network.parse_listeners("tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\ntcp LISTEN 0\n")


#: which part of the facts each command feeds
PART = {"ip-addr": "interfaces", "ip-route4": "routes", "ip-route6": "routes", "ss": "listeners",
        "port-range": "listeners"}
#: the keys of the facts each part fills
KEYS = {"interfaces": {"interfaces"}, "routes": {"routes"}, "listeners": {"listeners", "ephemeral_ports"}}


def assert_only_part_lost(outputs: dict[str, Output], name: str, reason: str) -> None:
    """The part ``name`` feeds is left out with its reason; every other part is read as usual."""
    facts = network.parse(outputs)
    whole = network.parse(recorded("production"))
    part = PART[name]
    assert list(facts["errors"]) == [part]
    assert re.search(reason, facts["errors"][part]), facts["errors"][part]
    kept = set(whole) - KEYS[part]
    assert set(facts) == kept | {"errors"}
    assert {key: facts[key] for key in kept} == {key: whole[key] for key in kept}


@pytest.mark.parametrize(
    ("name", "output", "reason"),
    [
        ("ip-addr", Output(127, "", "sh: 1: ip: not found\n"), "^ip-addr: command not found$"),
        ("ip-addr", Output(0, "<html>", ""), "^ip-addr: output is not JSON"),
        ("ip-route4", Output(0, '{"dst": "default"}', ""), "^ip-route4: expected a JSON list"),
        ("ip-route6", Output(124, "", ""), "^ip-route6: timed out$"),
        ("ss", Output(127, "", "sh: 1: ss: not found\n"), "^ss: command not found$"),
        ("ss", Output(1, "", "Cannot open netlink socket: Permission denied\n"),
         "^ss: exit status 1: Cannot open netlink socket: Permission denied$"),
        ("port-range", Output(0, "32768\n", ""), "^port-range: expected two port numbers"),
    ],
)
def test_one_unusable_command_costs_only_its_part(name, output, reason):
    assert_only_part_lost({**recorded("production"), name: output}, name, reason)


def test_a_command_that_did_not_come_back_costs_its_part():
    outputs = recorded("production")
    del outputs["ss"]
    assert_only_part_lost(outputs, "ss", "^ss: no output came back$")


def test_every_part_unreadable_makes_the_area_unverified_with_the_first_reason():
    outputs = {name: Output(127, "", "") for name in recorded("production")}
    with pytest.raises(FactError, match="^ip-addr: command not found$"):
        network.parse(outputs)


def test_a_readable_host_has_no_errors():
    assert "errors" not in network.parse(recorded("production"))
    assert "errors" not in network.parse(recorded("nobody"))


@pytest.mark.parametrize(
    ("name", "output", "reason"),
    [
        ("ip-addr", Output(0, "", ""), r"ip-addr: no loopback interface among the interfaces listed \(none\)"),
        ("ip-addr", Output(0, "[]\n", ""), r"ip-addr: no loopback interface .*\(none\)"),
        ("ip-addr", Output(0, '[{"ifindex": 2, "ifname": "eth0", "addr_info": []}]', ""),
         r"no loopback interface among the interfaces listed \(eth0\)"),
        ("ss", Output(0, "", ""), "ss: no listening socket at all"),
        ("ss", Output(0, "\n\n", ""), "ss: no listening socket at all"),
        ("ss", Output(0, "raw UNCONN 0 0 0.0.0.0:255 0.0.0.0:*\n", ""), "ss: line 1: 'raw' is not tcp or udp"),
    ],
)
def test_empty_or_incomplete_output_of_a_command_that_succeeded_is_unreadable(name, output, reason):
    """An idle host still has lo and the sshd the check came in through: "nothing" is not a fact."""
    assert_only_part_lost({**recorded("production"), name: output}, name, reason)
