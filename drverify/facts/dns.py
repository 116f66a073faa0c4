"""DNS as each host sees it: the inventory's servers asked from the host, and the host's resolver.

Queries go over TCP through :meth:`~drverify.facts.vantage.Vantage.forward`, so they leave from
the host (its firewall and routes apply); one connection per server carries every query. For each
service name and site (recovery asks for the translated names, of the translated servers) the
answer's record chain is kept -- CNAMEs then A/AAAA, each with its TTL -- because both the chain
and the TTLs decide how a failover reaches clients. The host's own resolver view comes from one
batched round trip: /etc/resolv.conf and ``getent ahosts`` for the names the MFT host depends on.

Facts record what each side saw, the same way for either role: a server that does not answer
is ``{"error": reason}``, a name without an answer keeps its rcode and an empty record list, a
resolver name that does not resolve an empty address list, one whose lookup failed otherwise
``{"error": reason}``, an unreadable resolv.conf ``{"error": reason, "names": {...}}``. Which of
production's answers can serve as the reference is the drift module's declared step. Facts::

    {"servers": {"198.51.100.2": {"names": {"sftp.mft-prod.example.com": {"rcode": "NOERROR",
        "records": [{"name": "sftp.mft-prod.example.com", "type": "CNAME", "ttl": 300,
                     "value": "mft-prod.example.com"}, {... "type": "A", "value": "198.51.100.10"}]}}}},
     "resolver": {"nameservers": ["198.51.100.2"], "search": [],
                  "names": {"ldap.example.com": ["198.51.100.3"]}}}
"""

from __future__ import annotations

import shlex
import socket
from collections.abc import Mapping
from typing import Any

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype

from drverify.facts.batch import Output
from drverify.inventory.model import Pair
from drverify.inventory.network import DnsChecks
from drverify.inventory.translate import Translation

NAME = "dns"
PROBES_FROM = "host"
ADDRESS_TYPES = ("A", "AAAA")


def probe(pair: Pair, role: str, vantage: Any) -> dict[str, Any]:
    checks: DnsChecks = pair.network.dns
    tr = Translation(pair.translate if role == "recovery" else {})
    names = sorted({tr.text(name).lower() for name in [*checks.service_names, *checks.sites]})
    servers = [tr.text(server) for server in checks.servers]
    failures = vantage.reach([(server, checks.port) for server in servers], timeout=checks.timeout)
    answers = {server: _ask(vantage, server, checks, names, failures[(server, checks.port)])
               for server in servers}
    resolver_names = [tr.text(name).lower() for name in checks.resolver_names]
    outputs = vantage.run(resolver_commands(resolver_names))
    return {"servers": answers, "resolver": resolver_view(outputs, resolver_names)}


def _ask(vantage: Any, server: str, checks: DnsChecks, names: list[str], failure: str | None) -> dict[str, Any]:
    """Every name's chain from one server over one TCP connection, or ``{"error": reason}``."""
    if failure is not None:
        return {"error": f"tcp/{checks.port}: {failure}"}
    try:
        with vantage.forward(server, checks.port, checks.timeout) as local, \
                socket.create_connection(local, timeout=checks.timeout) as sock:
            return {"names": {name: _chain(sock, local[0], name, checks.timeout) for name in names}}
    except (OSError, EOFError, dns.exception.DNSException) as error:
        return {"error": f"no answer over TCP: {str(error) or type(error).__name__}"}


def _chain(sock: socket.socket, where: str, name: str, timeout: float) -> dict[str, Any]:
    responses = [dns.query.tcp(dns.message.make_query(name, rdtype), where, timeout=timeout, sock=sock)
                 for rdtype in ADDRESS_TYPES]
    return answer_chain(responses)


def answer_chain(responses: list[dns.message.Message]) -> dict[str, Any]:
    """The A and AAAA answers as one chain: records in answer order, duplicates (CNAMEs) once."""
    records: list[dict[str, Any]] = []
    for response in responses:
        for rrset in response.answer:
            for rdata in rrset:
                record = {"name": rrset.name.to_text(omit_final_dot=True).lower(),
                          "type": dns.rdatatype.to_text(rrset.rdtype), "ttl": int(rrset.ttl),
                          "value": rdata.to_text().rstrip(".").lower()}
                if record not in records:
                    records.append(record)
    rcodes = [dns.rcode.to_text(response.rcode()) for response in responses]
    failed = [rcode for rcode in rcodes if rcode != "NOERROR"]
    return {"rcode": failed[0] if failed else "NOERROR", "records": records}


def resolver_commands(names: list[str]) -> dict[str, str]:
    commands = {"resolv.conf": "cat /etc/resolv.conf"}
    commands.update({f"getent.{index}": f"getent ahosts {shlex.quote(name)}" for index, name in enumerate(names)})
    return commands


def resolver_view(outputs: Mapping[str, Output], names: list[str]) -> dict[str, Any]:
    """resolv.conf's nameservers and search list, and each name's addresses (empty: no answer).

    Each part stands on its own: an unreadable resolv.conf leaves the names' lookups usable,
    and one lookup failing leaves the others.
    """
    addresses = {name: parse_getent_ahosts(outputs.get(f"getent.{index}")) for index, name in enumerate(names)}
    resolv = outputs.get("resolv.conf")
    if resolv is None or not resolv.ok:
        reason = resolv.reason("cat /etc/resolv.conf") if resolv else "cat /etc/resolv.conf: no output came back"
        return {"error": reason, "names": addresses}
    return {**parse_resolv_conf(resolv.stdout), "names": addresses}


def parse_resolv_conf(text: str) -> dict[str, list[str]]:
    """Nameservers in order and the search list (``domain`` counts as a one-entry search list)."""
    nameservers: list[str] = []
    search: list[str] = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split(";", 1)[0].split()
        if len(fields) >= 2 and fields[0] == "nameserver":
            nameservers.append(fields[1])
        elif fields and fields[0] in ("search", "domain"):
            search = [field.rstrip(".").lower() for field in fields[1:]]
    return {"nameservers": nameservers, "search": search}


def parse_getent_ahosts(output: Output | None) -> list[str] | dict[str, str]:
    """Sorted unique addresses; ``getent`` exits 2 when the name does not resolve (an answer:
    no address); any other failure is ``{"error": reason}``, the lookup not made."""
    if output is None:
        return {"error": "getent ahosts: no output came back"}
    if output.rc == 2:
        return []
    if not output.ok:
        return {"error": output.reason("getent ahosts")}
    return sorted({line.split()[0] for line in output.stdout.splitlines() if line.strip()})
