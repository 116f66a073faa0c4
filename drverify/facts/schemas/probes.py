"""Snapshot schemas of what each host's probes saw: DNS (:mod:`drverify.facts.dns`), LDAP
(:mod:`drverify.facts.ldap`), egress (:mod:`drverify.facts.egress`) and reachability
(:mod:`drverify.facts.reachability`). The shapes are those modules' docstrings; an item that
could not be probed is ``{"error": why}`` (or its area's own words for it).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator
from typing_extensions import NotRequired

from drverify.facts.schemas.fields import Address, Count, Facts, List, Map, Name, Port, Text, either, refuse


class Record(Facts):
    name: Name
    type: Name
    ttl: Count
    value: Name


class Answer(Facts):
    """One name's answer from one server: the record chain (empty: no answer) and the rcode."""

    records: List[Record]
    rcode: NotRequired[Name]


class Server(Facts):
    """One DNS server's answers, or ``error`` when it did not answer the host."""

    names: NotRequired[Map[Answer]]
    error: NotRequired[Text]


class LookupFailed(Facts):
    error: Text


class Resolver(Facts):
    nameservers: NotRequired[List[Name]]
    search: NotRequired[List[Name]]
    #: per name: its addresses (empty: it does not resolve), or why the lookup failed
    names: NotRequired[Map[either(List[Name], LookupFailed)]]
    error: NotRequired[Text]


class Dns(Facts):
    servers: NotRequired[Map[Server]]
    resolver: NotRequired[Resolver]


class Entry(Facts):
    dn: Text
    #: LDAP values may hold newlines (a description): the host's own words
    attributes: Map[List[Text]]


class LdapOutcome(Facts):
    """The stage a server's session stopped at (``ok``: searched), why, and what it found."""

    stage: Literal["ok", "url", "tcp", "tls", "bind", "search"]
    reason: Text | None
    entries: List[Entry]


class Ldap(Facts):
    servers: NotRequired[Map[LdapOutcome]]


class Egress(Facts):
    """The proxy as ``scheme://host:port``, and the egress address or why there is none."""

    proxy: NotRequired[Name | None]
    egress: NotRequired[Address]
    proxy_unreachable: NotRequired[Text]
    echo_failed: NotRequired[Text]


class Endpoint(Facts):
    """One endpoint's TCP check: its target and outcome, or ``error`` when it printed no target."""

    host: NotRequired[Name]
    port: NotRequired[Port]
    reachable: NotRequired[bool]
    reason: NotRequired[Text | None]
    error: NotRequired[Text]


def _checked_endpoint(value: object) -> object:
    """Without ``error`` the comparison reads the target and the outcome: all four are there."""
    if isinstance(value, dict) and "error" not in value:
        missing = [key for key in ("host", "port", "reachable", "reason") if key not in value]
        if missing:
            raise refuse("incomplete", f"expected 'error', or {', '.join(missing)} too", value)
    return value


#: endpoints by their inventory name (the facts are that mapping itself)
Reachability = Map[Annotated[Endpoint, BeforeValidator(_checked_endpoint)]]


__all__ = ["Dns", "Egress", "Ldap", "Reachability"]
