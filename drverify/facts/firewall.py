"""Firewall facts: the effective packet filter rule set, normalised so two hosts compare cleanly.

Views are read from ``iptables-save``, ``ip6tables-save`` and ``nft -j list ruleset``, whichever the
host has. On Debian 12 ``iptables`` is iptables-nft, so the tables it manages appear in nft's
ruleset too (as ``ip filter`` with opaque ``xt`` expressions). The rule chosen to count each table
once: **a table that ``iptables-save``/``ip6tables-save`` reports comes from that view; nft's
ruleset adds the tables not reported that way** (nft-native ones like ``inet mft``). One exception,
found by recording: when nft's version of such a table uses what iptables cannot express (named
sets or maps, set lookups, verdict maps), nft's view is used, because iptables-nft 1.8.9 prints
``ip6 saddr @partners6 accept`` as a bare ``-j ACCEPT``. Both views name tables the same way,
``<family> <table>``, with nft's family ``ip`` called ``ip4``.

Normalising drops what changes without anyone changing the rules: packet and byte counters
(``[0:0]``, ``-c``, nft ``counter`` and ``last`` statements, quota usage) and nft handles. Rule
order within a chain and chain policies are kept; they decide what gets through.

Facts::

    {"tables": {"ip4 filter": {"chains": {"INPUT": {"policy": "DROP",
                                                    "rules": ["-i lo -j ACCEPT", ...]}}},
                "inet mft": {"chains": {"input": {"policy": "drop", "hook": "filter input priority 10",
                                                  "rules": ['[{"accept":null}]']}},
                             "sets": {"partners": {"type": "ipv4_addr",
                                                   "elements": ["203.0.113.0/24"]}}}},
     "source": ["iptables-save", "ip6tables-save", "nft"]}

An iptables rule is its ``iptables-save`` line without ``-A CHAIN``; an nft rule is the canonical
JSON of its expression list (a ``{"comment": ...}`` item appended when the rule has a comment;
nft's view is read in :mod:`drverify.facts.nftables`). A table from nft's view always has
``sets``, one from iptables-save's never does.

A view whose command fails is left out of ``source`` and its reason is in ``errors``
(``{"nft": "nft: exit status 1: ..."}``); the others are kept (see :mod:`drverify.facts.parts`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import NOT_FOUND, Output, require
from drverify.facts.nftables import parse_nft
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "firewall"

#: command name → (shell command, family of the tables it reports; None for nft's own families)
_COMMANDS: dict[str, tuple[str, str | None]] = {
    "iptables-save": ("iptables-save", "ip4"),
    "ip6tables-save": ("ip6tables-save", "ip6"),
    "nft": ("nft -j list ruleset", None),
}

_COUNTERS = re.compile(r"^\[\d+:\d+\]\s+|\s+-c \d+ \d+(?=\s|$)")
_RULE = re.compile(r"^-A (\S+)(?: (.*))?$")
_LEGACY = "iptables-legacy tables present"
#: in a canonical nft rule: a named set or map lookup, an anonymous or updated set, a verdict map
_NFT_ONLY = ('"@', '{"set":', '{"vmap":', '{"map":')


def commands(pair: Pair, role: str) -> dict[str, str]:
    """Every view, always: the parser decides which one reports which table."""
    return {name: command for name, (command, _) in _COMMANDS.items()}


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """The merged rule set of the views that could be read, their names in ``source``.

    A missing tool (exit status 127) is normal. A tool that is there but fails (iptables-legacy
    tables beside iptables-nft's, say) is left out with its reason in ``errors``: drift then
    compares no table that view could hold, on either side, and the rest as usual.
    :class:`FactError` when no view could be read: no tool installed, or every one refused
    (not root: "you must be root", the first view's reason).
    """
    parts = Parts()
    saved: dict[str, Any] = {}
    nft: dict[str, Any] = {}
    sources: list[str] = []
    for name, (_, family) in _COMMANDS.items():
        output = outputs.get(name)
        if output is not None and output.rc == NOT_FOUND:
            continue
        view = parts.read(name, _view, outputs, name, family)
        if view is not None:
            (saved if family else nft).update(view)
            sources.append(name)
    if not sources and not parts.errors:
        raise FactError("firewall: none of iptables-save, ip6tables-save, nft is installed")
    return parts.facts({"tables": merge_views(saved, nft), "source": sources})


def _view(outputs: Mapping[str, Output], name: str, family: str | None) -> dict[str, Any]:
    """One command's tables: iptables-save's of ``family``, or nft's of every family."""
    text = require(outputs, name)
    if family is None:
        return parse_nft(text)
    _refuse_legacy(outputs[name].stderr, name)
    return parse_save(text, family, name)


def merge_views(saved: Mapping[str, Any], nft: Mapping[str, Any]) -> dict[str, Any]:
    """Each table once: the iptables-save view where it has one, unless nft's is richer."""
    tables = dict(nft)
    for key, table in saved.items():
        if key not in nft or not uses_nft_only(nft[key]):
            tables[key] = table
    return dict(sorted(tables.items()))


def uses_nft_only(table: Mapping[str, Any]) -> bool:
    """Whether an nft table holds sets, maps or rules that iptables-save cannot show."""
    rules = (rule for chain in table["chains"].values() for rule in chain["rules"])
    return bool(table.get("sets")) or any(mark in rule for rule in rules for mark in _NFT_ONLY)


def parse_save(text: str, family: str, command: str = "iptables-save") -> dict[str, Any]:
    """Tables from ``iptables-save`` output, keyed ``"<family> <table>"``."""
    tables: dict[str, Any] = {}
    chains: dict[str, Any] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        _refuse_legacy(line, command)
        if not line or line.startswith("#"):
            continue
        if line.startswith("*"):
            chains = tables.setdefault(f"{family} {line[1:]}", {"chains": {}})["chains"]
        elif line == "COMMIT":
            chains = None
        elif chains is None:
            raise FactError(f"{command}: line {number} is outside a table: {line[:60]!r}")
        elif line.startswith(":"):
            name, policy = _chain_line(line, command, number)
            chains[name] = {"policy": policy, "rules": []}
        else:
            chain, rule = _rule_line(line, command, number)
            if chain not in chains:
                raise FactError(f"{command}: line {number} appends to undeclared chain {chain}")
            chains[chain]["rules"].append(rule)
    return tables


def _refuse_legacy(text: str, command: str) -> None:
    """iptables-nft warns (on stdout or stderr) when legacy tables, which it cannot show, exist too."""
    if _LEGACY in text:
        raise FactError(f"{command}: iptables-legacy tables are present as well, not read")


def _chain_line(line: str, command: str, number: int) -> tuple[str, str | None]:
    """``:INPUT DROP [0:0]`` → ``("INPUT", "DROP")``; a user chain's ``-`` policy → ``None``."""
    parts = line[1:].split()
    if len(parts) < 2:
        raise FactError(f"{command}: line {number} is not a chain line: {line[:60]!r}")
    return parts[0], None if parts[1] == "-" else parts[1]


def _rule_line(line: str, command: str, number: int) -> tuple[str, str]:
    """``[3:180] -A INPUT -i lo -j ACCEPT`` → ``("INPUT", "-i lo -j ACCEPT")``."""
    match = _RULE.match(_COUNTERS.sub("", line))
    if match is None:
        raise FactError(f"{command}: line {number} is not a rule: {line[:60]!r}")
    return match.group(1), (match.group(2) or "").strip()
