"""Network-check facts as the drift tests build them: production's, and recovery's (translated)."""

from __future__ import annotations

import copy
from typing import Any

import support

from drverify.inventory.model import Pair

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


LDAP_URL = "ldaps://ldap.mft-prod.example.com:636"
ENTRY = {"dn": "cn=mftusers,ou=groups,dc=example,dc=com", "attributes": {"memberuid": ["alice", "mftsvc"]}}


def ldap_facts(url: str, stage: str = "ok", reason: str | None = None, entries=(ENTRY,)) -> dict[str, Any]:
    return {"servers": {url: {"stage": stage, "reason": reason, "entries": list(entries) if stage == "ok" else []}}}


PROD_EGRESS = {"proxy": "http://proxy.mft-prod.example.com:3128", "egress": "192.0.2.11"}
REC_PROXY = "http://proxy.mft-dr.example.com:3128"


def endpoint(reachable: bool, host: str = "sftp.partner.example", reason: str | None = None) -> dict[str, Any]:
    return {"host": host, "port": 22, "reachable": reachable, "reason": None if reachable else reason}


def judged(area: str, production, recovery, pair: Pair = PAIR):
    """The whole declared comparison: (drift items and severities, {unverified item: (host, reason)})."""
    outcome = support.judge(area, production, recovery, pair)
    return ([(d.item, d.severity) for d in outcome.drift],
            {u.item: (u.host, u.reason) for u in outcome.unverified})


def without(facts: dict[str, Any], *path: str) -> dict[str, Any]:
    """A deep copy of the facts with the key at ``path`` removed (an older snapshot's shape)."""
    changed = copy.deepcopy(facts)
    where = changed
    for key in path[:-1]:
        where = where[key]
    del where[path[-1]]
    return changed
