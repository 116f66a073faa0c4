"""Snapshot schemas of addresses, routes and listeners (:mod:`drverify.facts.network`) and of the
packet filter (:mod:`drverify.facts.firewall`, :mod:`drverify.facts.nftables`).

An nft rule is the canonical JSON of its expressions, which the comparison parses again (which
chain a rule jumps to, which sets it matches): it must be a JSON list of objects, nested no
deeper than a snapshot may be, and a ``jump``/``goto`` must name its target, or the rule is
refused with its key path.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field
from typing_extensions import NotRequired

from drverify.facts.schemas.fields import Cidr, Count, Facts, List, Map, Name, Port, Rule, Text, refuse
from drverify.facts.snapshot_file import Unreadable, loads_strict


class Route(Facts):
    dst: Name
    table: NotRequired[Name]
    type: NotRequired[Name]
    gateways: NotRequired[List[Name]]
    dev: NotRequired[Name | None]
    protocol: NotRequired[Name]
    src: NotRequired[Name | None]
    metric: NotRequired[Count | None]


class Listener(Facts):
    proto: Literal["tcp", "udp"]
    address: Name
    port: Port
    interface: NotRequired[Name | None]
    processes: NotRequired[List[Name]]


class Network(Facts):
    interfaces: NotRequired[Map[List[Cidr]]]
    routes: NotRequired[List[Route]]
    listeners: NotRequired[List[Listener]]
    #: the host's ephemeral port range, low and high
    ephemeral_ports: NotRequired[Annotated[list[Port], Field(min_length=2, max_length=2)]]
    errors: NotRequired[Map[Text]]


def _nft_rule(rule: str) -> str:
    """An nft rule (JSON, ``[...]``) the comparison can read again; iptables rules are text."""
    if not rule.startswith("["):
        return rule
    try:
        expressions = loads_strict(rule, "the nft rule")
    except Unreadable as error:
        raise refuse("nft_rule", str(error), rule) from None
    if not isinstance(expressions, list) or not all(isinstance(item, dict) for item in expressions):
        raise refuse("nft_rule", "expected an nft rule: a JSON list of objects", rule)
    for expression in expressions:
        for verdict in ("jump", "goto"):
            if verdict in expression and not _names_target(expression[verdict]):
                raise refuse("nft_rule", f"expected the nft {verdict} to name its target chain", rule)
    return rule


def _names_target(argument: Any) -> bool:
    return isinstance(argument, dict) and isinstance(argument.get("target"), str)


class Chain(Facts):
    rules: List[Annotated[Rule, AfterValidator(_nft_rule)]]
    #: ``DROP``/``ACCEPT``, nft's ``drop``/``accept``; null for a user chain
    policy: NotRequired[Name | None]
    #: an nft base chain's ``filter input priority 0``
    hook: NotRequired[Name]


class NftSet(Facts):
    type: NotRequired[Name | None]
    #: null for a dynamic or timed set: its elements are runtime state
    elements: NotRequired[List[Name] | None]


class Table(Facts):
    chains: NotRequired[Map[Chain]]
    #: present (maybe empty) exactly for the tables nft's view reports
    sets: NotRequired[Map[NftSet]]


class Firewall(Facts):
    tables: NotRequired[Map[Table]]
    source: NotRequired[List[Name]]
    errors: NotRequired[Map[Text]]


__all__ = ["Firewall", "Network"]
