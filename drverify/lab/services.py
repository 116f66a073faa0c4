"""The lab's network services: DNS, LDAP, forward proxies and an "internet" (issue: network checks).

Two extra nodes: ``services`` (drv-svc) on the hosts' bridge -- BIND at 198.51.100.2, slapd at
.3, production's and recovery's tinyproxy at .4 and .5, partner servers at .8 and .9 -- with a
second leg on the "internet" bridge drvbr1 (203.0.113.11 and .21, the proxies' egress
addresses); and ``internet`` (drv-inet, 203.0.113.80) with the IP-echo endpoint. No node has a
default route: the proxies are the only way from the hosts to 203.0.113.0/24.

``provision`` starts every daemon at once, then waits for all of them (bounded polls), and adds
the network checks to every lab pair's inventory. Secrets (LDAP bind password, proxy
credentials) are files under ``<state>/secrets`` named by the inventory, never written into it.
Seeded network faults, each found by exactly one check: see dnsserver, proxies and hosts.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from drverify.lab import dnsserver, ldapserver, netns, proxies
from drverify.lab.errors import LabError
from drverify.lab.nodes import BridgeSpec, Link, NodeSpec

if TYPE_CHECKING:
    from drverify.lab.handle import LabHandle

INTERNET_BRIDGE = BridgeSpec("drvbr1", "203.0.113.1/24")
SERVICES = NodeSpec("services", "drv-svc", "lab-services", (
    Link("drvbr0", ("198.51.100.2/24", "198.51.100.3/24", "198.51.100.4/24", "198.51.100.5/24",
                    "198.51.100.8/24", "198.51.100.9/24")),
    Link(INTERNET_BRIDGE.name, ("203.0.113.11/24", "203.0.113.21/24"), ifname="eth1"),
))
INTERNET = NodeSpec("internet", "drv-inet", "lab-internet",
                    (Link(INTERNET_BRIDGE.name, (f"{proxies.ECHO_ADDRESS}/24",)),))

NODES: tuple[NodeSpec, ...] = (SERVICES, INTERNET)
BRIDGES: tuple[BridgeSpec, ...] = (INTERNET_BRIDGE,)
#: how long provision waits for every daemon to answer
READY_SECONDS = 10.0
#: what the hosts' resolvers use (hosts.py seeds /etc/resolv.conf with it)
NAMESERVER = dnsserver.DNS_ADDRESS
#: recovery's names for production's proxy, added to the pair's translation
TRANSLATE = {"proxy-prod": "proxy-dr", "198.51.100.4": "198.51.100.5"}


def provision(lab: LabHandle) -> None:
    """Start DNS, LDAP, proxies, partners and the echo endpoint; record the inventory keys."""
    if not {SERVICES.name, INTERNET.name} <= lab.nodes.keys():
        return
    secret_dir = lab.state_dir / "secrets"
    secret_dir.mkdir(mode=0o700, exist_ok=True)
    dnsserver.start(lab, SERVICES.name)
    _, ca_file, password_file = ldapserver.start(lab, SERVICES.name, secret_dir)
    _, credentials = proxies.start_proxies(lab, SERVICES.name, secret_dir)
    proxies.start_partners(lab, SERVICES.name)
    proxies.start_echo(lab, INTERNET.name)
    deadline = time.monotonic() + READY_SECONDS
    for address, port in [(ldapserver.LDAP_ADDRESS, 636), *((p.listen, p.port) for p in proxies.PROXIES),
                          proxies.PARTNER_HTTPS, (proxies.ECHO_ADDRESS, 80)]:
        wait_for_port(address, port, deadline)
    dnsserver.wait_until_answering(deadline)
    lab.pair_extra["network"] = network_keys(str(ca_file), str(password_file), str(credentials))
    lab.pair_extra.setdefault("translate", {}).update(TRANSLATE)


def wait_for_port(address: str, port: int, deadline: float) -> None:
    """Poll a TCP port from the root namespace until it accepts, or LabError at ``deadline``."""
    last = "not tried"
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=0.5):
                return
        except OSError as error:
            last = error.strerror or str(error)
        time.sleep(0.01)
    raise LabError(f"{address}:{port} did not accept connections: {last}")


def network_keys(ca_file: str, password_file: str, credentials_file: str) -> dict[str, Any]:
    """The ``network`` inventory keys of every lab pair, written as production sees things."""
    return {
        "dns": {
            "servers": [dnsserver.DNS_ADDRESS],
            "max_ttl": 300,
            "service_names": ["sftp.mft-prod.example.com"],
            "sites": ["site-a.mft-prod.example.com", "site-b.mft-prod.example.com"],
            "resolver_names": ["ldap.example.com", "proxy-prod.example.com",
                               "partner-sftp.example.com", "partner-https.example.com"],
        },
        "ldap": {
            "servers": [f"ldaps://{ldapserver.LDAP_NAME}:636"],
            "ca_file": ca_file,
            "bind_dn": ldapserver.BIND_DN,
            "password": {"file": password_file},
            "search": {"base": ldapserver.GROUP_BASE, "filter": "(cn=mftusers)",
                       "attributes": ["cn", "gidNumber", "memberUid"]},
        },
        "egress": {
            "proxy": f"http://proxy-prod.example.com:{proxies.PROXIES[0].port}",
            "echo_url": f"http://{proxies.ECHO_ADDRESS}/",
            "allowed_addresses": [proxies.PROXIES[0].egress],
            "credentials": {"file": credentials_file},
        },
        "endpoints": [
            {"name": "partner-sftp", "host": "partner-sftp.example.com", "port": proxies.PARTNER_SFTP[1]},
            {"name": "partner-https", "host": "partner-https.example.com", "port": proxies.PARTNER_HTTPS[1]},
        ],
    }


#: daemons tests may stop and start again: name -> (argv, log name, address, port)
DAEMONS: dict[str, tuple[tuple[str, ...], str, str, int]] = {
    "named": (tuple(dnsserver.ARGV), "named.log", dnsserver.DNS_ADDRESS, 53),
    "slapd": (tuple(ldapserver.ARGV), "slapd.log", ldapserver.LDAP_ADDRESS, 636),
    **{f"tinyproxy-{p.name}": (tuple(proxies.proxy_argv(p)), f"tinyproxy-{p.name}.log", p.listen, p.port)
       for p in proxies.PROXIES},
}


def stop(lab: LabHandle, daemon: str) -> None:
    """Kill one of the services' daemons (found by its exact argv), as an outage would."""
    argv = DAEMONS[daemon][0]
    pids = [pid for pid in netns.netns_pids(SERVICES.netns) if _cmdline(pid) == argv]
    if not pids:
        raise LabError(f"{daemon} is not running in {SERVICES.netns}")
    for pid in pids:
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(_cmdline(pid) == argv for pid in pids):
        time.sleep(0.02)


def start(lab: LabHandle, daemon: str) -> None:
    """Start a stopped daemon again with its config as ``up`` left it, and wait until it answers."""
    argv, log, address, port = DAEMONS[daemon]
    lab.spawn(SERVICES.name, list(argv), log)
    deadline = time.monotonic() + READY_SECONDS
    wait_for_port(address, port, deadline)
    if daemon == "named":
        dnsserver.wait_until_answering(deadline)


def _cmdline(pid: int) -> tuple[str, ...]:
    try:
        return tuple(Path(f"/proc/{pid}/cmdline").read_bytes().decode().split("\0")[:-1])
    except OSError:
        return ()
