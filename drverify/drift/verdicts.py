"""What a firewall rule and chain *do*: accept, drop by default, guard traffic at all.

The firewall drift judges severity by consequence (traffic production accepts that recovery would
drop), which needs these verdicts: for iptables rules written as ``iptables-save`` prints them,
and for nft rules as the canonical JSON of their expressions. Pure, no I/O: a table's verdicts
(:class:`Verdicts`) judge each chain once, in time linear in its rules.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
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


def _default_target(chain: Chain) -> str | None:
    """Where a chain sends what its rules do not decide: its ``DROP``/``REJECT`` policy, else the
    target of a final catch-all rule (``-j DROP``, ``-j LOGDROP``), else None."""
    policy = str(chain.get("policy") or "").upper()
    if policy in DROPPING:
        return policy
    rules = chain.get("rules", [])
    return rule_target(rules[-1]) if rules and _is_catch_all(rules[-1]) else None


class Verdicts:
    """What the chains of one table on one host do, each chain judged once.

    A rule accepts when its target is ``ACCEPT`` or a user chain from which some jump path
    reaches an accepting rule; the walk is over the jump graph (every chain once), not over
    paths, which grow exponentially when chains jump to the next one twice. A chain drops by
    default when its policy drops, or its final catch-all rule drops or jumps to a chain that
    drops by default in turn (``-j LOGDROP``). Jump loops, which the kernel refuses but a
    snapshot may hold, never make a walk go round: a loop of final jumps does not drop, a loop of
    jumps accepts if a chain in it reaches an accepting rule, and :meth:`loops` names them.
    """

    def __init__(self, chains: Mapping[str, Chain]) -> None:
        self.chains = chains
        self._drops: dict[str, bool] = {}
        self._graph: tuple[dict[str, tuple[str, ...]], set[str]] | None = None
        self._accepting: set[str] | None = None

    def accepts(self, rule: str) -> bool:
        """Whether a rule accepts, directly or through the user chains it jumps to."""
        target = rule_target(rule)
        if target == "ACCEPT":
            return True
        if target is None or target not in self.chains:
            return False
        if self._accepting is None:
            self._accepting = _reaching(*self._jumps())
        return target in self._accepting

    def drops_by_default(self, chain: Chain | None) -> bool:
        """Policy ``DROP``/``REJECT``, or a final catch-all rule that drops: ``-j DROP``, or a
        jump or goto to a user chain that drops by default in turn (loops end as False)."""
        if chain is None:
            return False
        return self._target_drops(_default_target(chain))

    def _target_drops(self, target: str | None) -> bool:
        """Follow final catch-all jumps once: each chain's answer is kept for the next asker."""
        path: set[str] = set()
        while target not in DROPPING and target in self.chains and target not in self._drops:
            if target in path:
                break
            path.add(target)
            target = _default_target(self.chains[target])
        drops = target in DROPPING or (target not in path and self._drops.get(target or "", False))
        self._drops.update(dict.fromkeys(path, drops))
        return drops

    def loops(self) -> list[list[str]]:
        """Each set of chains that jump to one another in a loop (a chain jumping to itself
        included), names sorted; sets in order of their first name."""
        edges, _ = self._jumps()
        return sorted(_strongly_connected(edges), key=lambda names: names[0])

    def _jumps(self) -> tuple[dict[str, tuple[str, ...]], set[str]]:
        """The jump graph (chain -> the user chains its rules jump or go to) and the chains
        holding a rule that accepts itself: one pass over every rule of the table."""
        if self._graph is None:
            edges: dict[str, tuple[str, ...]] = {}
            accepting: set[str] = set()
            for name, chain in self.chains.items():
                targets = [rule_target(rule) for rule in chain.get("rules", [])]
                if "ACCEPT" in targets:
                    accepting.add(name)
                edges[name] = tuple(dict.fromkeys(t for t in targets if t is not None and t in self.chains))
            self._graph = edges, accepting
        return self._graph


def _reaching(edges: Mapping[str, tuple[str, ...]], accepting: set[str]) -> set[str]:
    """The chains from which a jump path leads to one of ``accepting`` (themselves included)."""
    callers: dict[str, list[str]] = {}
    for name, targets in edges.items():
        for target in targets:
            callers.setdefault(target, []).append(name)
    found, todo = set(accepting), list(accepting)
    while todo:
        for caller in callers.get(todo.pop(), ()):
            if caller not in found:
                found.add(caller)
                todo.append(caller)
    return found


def _strongly_connected(edges: Mapping[str, tuple[str, ...]]) -> list[list[str]]:
    """Tarjan's strongly connected components that hold a loop, iteratively: a jump path as
    long as the table must not exhaust Python's stack."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops: list[list[str]] = []

    def enter(node: str) -> tuple[str, Iterator[str]]:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        return node, iter(edges[node])

    for root in edges:
        if root in index:
            continue
        work = [enter(root)]
        while work:
            node, targets = work[-1]
            for target in targets:
                if target not in index:
                    work.append(enter(target))
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = _pop_component(stack, on_stack, node)
                    if len(component) > 1 or node in edges[node]:
                        loops.append(sorted(component))
    return loops


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> list[str]:
    component: list[str] = []
    while not component or component[-1] != root:
        component.append(stack.pop())
        on_stack.discard(component[-1])
    return component


def guards_traffic(name: str, chain: Chain) -> bool:
    """A built-in INPUT/FORWARD chain, or an nft base chain on the input or forward hook."""
    if "hook" in chain:
        return chain["hook"].split()[1:2] in (["input"], ["forward"])
    return name in ("INPUT", "FORWARD") and chain.get("policy") is not None


def inert(chain: Chain | None) -> bool:
    """Accepts by default and holds no rule: it filters nothing, like an absent chain."""
    return chain is None or (not chain.get("rules") and _default_target(chain) is None)


def summary(chain: Chain) -> str:
    policy = chain.get("policy")
    count = len(chain.get("rules", []))
    return (f"policy {policy}, " if policy else "") + f"{count} rule{'s' * (count != 1)}"
