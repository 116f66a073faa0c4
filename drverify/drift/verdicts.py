"""What a firewall rule and chain *do*: accept, drop by default, guard traffic at all.

The firewall drift judges severity by consequence (traffic production accepts that recovery would
drop), which needs these verdicts: for iptables rules written as ``iptables-save`` prints them,
and for nft rules as the canonical JSON of their expressions. Pure functions, no I/O.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

DROPPING = frozenset({"DROP", "REJECT"})
_TARGET = re.compile(r"(?:^|\s)-[jg]\s+(\S+)")
_VERDICTS = ("accept", "drop", "reject", "return", "jump", "goto")
_VERDICT_KEYS = frozenset(_VERDICTS)
#: iptables matches and nft statements that never narrow what a rule matches
_COMMENT = re.compile(r'^-m comment --comment (?:"(?:[^"\\]|\\.)*"|\S+)\s+')
_PASSIVE = frozenset({"comment", "counter", "log"})

Chain = Mapping[str, Any]


def rule_target(rule: str) -> str | None:
    """``ACCEPT``/``DROP``/``REJECT``/``RETURN`` or the chain a rule jumps to; None if it has none."""
    if rule.startswith("["):
        return _nft_target(rule)
    targets = _TARGET.findall(rule)
    return targets[-1] if targets else None


def _nft_target(rule: str) -> str | None:
    try:
        expressions = json.loads(rule)
    except json.JSONDecodeError:
        return None
    for expression in reversed(expressions):
        for verdict in _VERDICTS:
            if isinstance(expression, dict) and verdict in expression:
                argument = expression[verdict]
                return argument["target"] if verdict in ("jump", "goto") else verdict.upper()
    return None


def _is_catch_all(rule: str) -> bool:
    """A rule that matches everything: ``-j DROP``, or an nft rule of only a verdict, a comment,
    a counter or a log statement (``log prefix "deny " drop``)."""
    if rule.startswith("["):
        try:
            expressions = json.loads(rule)
        except json.JSONDecodeError:
            return False
        return all(isinstance(e, dict) and (e.keys() & _PASSIVE or e.keys() & _VERDICT_KEYS)
                   for e in expressions)
    return _COMMENT.sub("", rule).startswith(("-j ", "-g "))


def drops_by_default(chain: Chain | None, chains: Mapping[str, Chain] | None = None,
                      seen: frozenset[str] = frozenset()) -> bool:
    """Policy ``DROP``/``REJECT``, or a final catch-all rule that drops: ``-j DROP``, or a jump
    or goto to a user chain that drops by default in turn (``-j LOGDROP``; loops end as False)."""
    if chain is None:
        return False
    if str(chain.get("policy") or "").upper() in DROPPING:
        return True
    rules = chain.get("rules", [])
    if not rules or not _is_catch_all(rules[-1]):
        return False
    target = rule_target(rules[-1])
    if target in DROPPING:
        return True
    chains = chains or {}
    return target not in seen and target in chains and drops_by_default(
        chains[target], chains, seen | {target})


def accepts(rule: str, chains: Mapping[str, Chain], seen: frozenset[str] = frozenset()) -> bool:
    """Whether a rule accepts, directly or through the user chain it jumps to."""
    target = rule_target(rule)
    if target == "ACCEPT":
        return True
    if target is None or target in seen or target not in chains:
        return False
    return any(accepts(inner, chains, seen | {target}) for inner in chains[target]["rules"])


def guards_traffic(name: str, chain: Chain) -> bool:
    """A built-in INPUT/FORWARD chain, or an nft base chain on the input or forward hook."""
    if "hook" in chain:
        return chain["hook"].split()[1:2] in (["input"], ["forward"])
    return name in ("INPUT", "FORWARD") and chain.get("policy") is not None


def inert(chain: Chain | None) -> bool:
    """Accepts by default and holds no rule: it filters nothing, like an absent chain."""
    return chain is None or (not chain.get("rules") and not drops_by_default(chain))


def summary(chain: Chain) -> str:
    policy = chain.get("policy")
    count = len(chain.get("rules", []))
    return (f"policy {policy}, " if policy else "") + f"{count} rule{'s' * (count != 1)}"
