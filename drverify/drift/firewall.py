"""Firewall drift: chains, policies, rules and nft sets, production's translated to the recovery site.

Rules are compared as multisets per chain, then for order: a missing rule, an extra rule, or the
same rules in another order are different findings. What makes a finding CRITICAL is traffic
production accepts that recovery would drop (partners blocked at takeover):

- a missing rule whose target accepts (``ACCEPT``, or a jump to a chain that accepts) in a chain
  that drops by default on recovery (policy ``DROP``/``REJECT``, an unconditional final drop, or
  an unconditional final jump or goto to a user chain that itself ends so, like ``-j LOGDROP``);
- an address missing from an nft set on recovery where a rule of recovery's accepts what the set
  holds in a chain that drops by default there (the partner's allowlist entry is gone);
- a policy that is ``DROP`` on recovery but not on production;
- a built-in ``INPUT``/``FORWARD`` chain (nft: a base chain on the input or forward hook) that
  drops by default on one side and does not filter on the other.

A chain that accepts by default and holds no rule filters nothing, exactly like an absent chain
(iptables-save lists every built-in chain of a table it shows): the two are treated as equal, and
a chain that filters on one side only is one record, not one per rule.

Other missing, extra or changed rules, policies, sets and set elements are MAJOR. A set that
exists on recovery only is MINOR: no rule production also has can use it (a rule names its
sets), so any traffic it lets through comes with an extra rule, which is a record of its own.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.drift.verdicts import (
    DROPPING,
    Chain,
    accepts,
    drops_by_default,
    guards_traffic,
    inert,
    summary,
)
from drverify.inventory.translate import Translation

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)



def compare(production: dict, recovery: dict, ctx: Context) -> list[Drift]:
    """Every firewall difference, sorted by item (``ip4 filter/INPUT`` and the rule)."""
    policy = ctx.policy
    ours = _translated(production.get("tables", {}), ctx.translate)
    theirs = recovery.get("tables", {})
    records: list[Drift] = []
    for key in sorted(ours.keys() | theirs.keys()):
        mine, other = ours.get(key, {}), theirs.get(key, {})
        for name in sorted(mine.get("chains", {}).keys() | other.get("chains", {}).keys()):
            if not _ignored(key, name, policy.ignore_chains):
                records += _compare_chain(f"{key}/{name}", name, mine, other, ctx)
        records += _compare_sets(key, mine, other, policy.ignore_chains, ctx)
    return sorted(records, key=lambda record: record.item)


def _translated(tables: Mapping[str, Any], translate: Translation) -> dict[str, Any]:
    """Production's rules and set elements with addresses as they are on the recovery site."""
    return {key: _translated_table(table, translate) for key, table in tables.items()}


def _translated_table(table: Mapping[str, Any], translate: Translation) -> dict[str, Any]:
    chains = {
        name: {**chain, "rules": [translate.text(rule) for rule in chain["rules"]]}
        for name, chain in table.get("chains", {}).items()
    }
    sets = {
        name: {**body, "elements": sorted(translate.text(e) for e in body["elements"])}
        if body.get("elements") is not None else dict(body)
        for name, body in table.get("sets", {}).items()
    }
    return {"chains": chains, "sets": sets}


def _ignored(table: str, chain: str, patterns: list[str]) -> bool:
    """``filter/DOCKER*`` matches in every family's filter table, ``ip4 filter/X`` in one only."""
    family, _, name = table.partition(" ")
    for pattern in patterns:
        where, _, chain_pattern = pattern.rpartition("/")
        parts = where.split()
        if not fnmatchcase(chain, chain_pattern) or (parts and not fnmatchcase(name, parts[-1])):
            continue
        if len(parts) < 2 or {"ip": "ip4"}.get(parts[0], parts[0]) == family:
            return True
    return False


# -- chains and rules ----------------------------------------------------------------------------

def _compare_chain(item: str, name: str, ours: Mapping[str, Any], theirs: Mapping[str, Any],
                   ctx: Context) -> list[Drift]:
    our_chains, their_chains = ours.get("chains", {}), theirs.get("chains", {})
    mine, other = our_chains.get(name), their_chains.get(name)
    if inert(mine) and inert(other):
        return []
    if inert(mine):
        return [_one_sided_chain(item, name, mine, other, their_chains, ctx)]
    if inert(other):
        return [_one_sided_chain(item, name, mine, other, our_chains, ctx)]
    records = _compare_policy(item, mine, other, ctx)
    records += _compare_rules(item, mine, other, (our_chains, their_chains), ctx)
    return records


def _one_sided_chain(item: str, name: str, mine: Chain | None, other: Chain | None,
                     chains: Mapping[str, Chain], ctx: Context) -> Drift:
    """A chain that filters on one side only: one record, not one per rule. ``chains`` are the
    chains of the side it filters on."""
    on_production = not inert(mine)
    present, absent = (mine, other) if on_production else (other, mine)
    side, missing = ("production", "recovery") if on_production else ("recovery", "production")
    guards = guards_traffic(name, present) and drops_by_default(present, chains)
    # Only a recovery that *drops* what production lets through breaks the takeover; a recovery
    # that filters nothing works, but is exposed: a major finding, not a critical one.
    critical = guards and not on_production
    consequence = ""
    if guards:
        consequence = (", so recovery lets through all that production filters" if on_production
                       else ", so recovery drops traffic production lets through")
    there = "does not exist" if absent is None else f"filters nothing ({summary(absent)})"
    return ctx.drift(
        item, mine and dict(mine), other and dict(other),
        Severity.CRITICAL if critical else Severity.MAJOR,
        f"chain {item} ({summary(present)}) filters on {side} but {there} on {missing}{consequence}")


def _compare_policy(item: str, mine: Chain, other: Chain, ctx: Context) -> list[Drift]:
    records = []
    if mine.get("hook") != other.get("hook"):
        records.append(ctx.drift(
            item, mine.get("hook"), other.get("hook"), Severity.MAJOR,
            f"chain {item} hooks in as {mine.get('hook')} on production "
            f"but as {other.get('hook')} on recovery"))
    ours, theirs = mine.get("policy"), other.get("policy")
    if str(ours).upper() != str(theirs).upper():
        drops = str(theirs).upper() in DROPPING and str(ours).upper() not in DROPPING
        records.append(ctx.drift(
            item, ours, theirs, Severity.CRITICAL if drops else Severity.MAJOR,
            f"chain {item} has policy {ours} on production but {theirs} on recovery"
            + (", so traffic production lets through would be dropped" if drops else "")))
    return records


def _compare_rules(item: str, mine: Chain, other: Chain,
                   chains: tuple[Mapping[str, Chain], Mapping[str, Chain]],
                   ctx: Context) -> list[Drift]:
    """``chains``: production's and recovery's chains of the table, for jumps."""
    ours, theirs = Counter(mine["rules"]), Counter(other["rules"])
    records = [
        _missing_rule(item, rule, chains, other, ctx) for rule in _in_order(mine, ours - theirs)
    ]
    records += [
        ctx.drift(f"{item} {rule}", None, rule, Severity.MAJOR,
                  f"recovery has this rule in {item}, production does not")
        for rule in _in_order(other, theirs - ours)
    ]
    common = ours & theirs
    our_order, their_order = _in_order(mine, common), _in_order(other, common)
    if our_order != their_order:
        position = next(i for i, (a, b) in enumerate(zip(our_order, their_order)) if a != b)
        records.append(ctx.drift(
            item, our_order, their_order, Severity.MINOR,
            f"chain {item} has the same {len(our_order)} rules in another order on recovery: "
            f"from rule {position + 1} on, production has {our_order[position]!r} "
            f"where recovery has {their_order[position]!r}"))
    return records


def _in_order(chain: Chain, wanted: Counter[str]) -> list[str]:
    """The chain's rules that are in ``wanted`` (as often as counted there), in chain order."""
    left = Counter(wanted)
    kept = []
    for rule in chain["rules"]:
        if left[rule] > 0:
            left[rule] -= 1
            kept.append(rule)
    return kept


def _missing_rule(item: str, rule: str, chains: tuple[Mapping[str, Chain], Mapping[str, Chain]],
                  other: Chain, ctx: Context) -> Drift:
    our_chains, their_chains = chains
    if accepts(rule, our_chains) and drops_by_default(other, their_chains):
        return ctx.drift(
            f"{item} {rule}", rule, None, Severity.CRITICAL,
            f"recovery lacks this rule of {item} and drops by default there, so traffic "
            "production accepts would be dropped")
    return ctx.drift(f"{item} {rule}", rule, None, Severity.MAJOR,
                     f"production has this rule in {item}, recovery does not")


# -- nft sets ------------------------------------------------------------------------------------

def _compare_sets(table: str, ours: Mapping[str, Any], theirs: Mapping[str, Any],
                  ignore: list[str], ctx: Context) -> list[Drift]:
    """``ours``/``theirs``: the table on each side; recovery's chains tell what a set feeds."""
    records = []
    our_sets, their_sets = ours.get("sets", {}), theirs.get("sets", {})
    for name in sorted(our_sets.keys() | their_sets.keys()):
        mine, other = our_sets.get(name), their_sets.get(name)
        item = f"{table} set {name}"
        if mine is None or other is None:
            side = "production" if mine is not None else "recovery"
            records.append(ctx.drift(
                item, mine, other, Severity.MAJOR if mine is not None else Severity.MINOR,
                f"set {name} of {table} exists on {side} only"))
        elif mine.get("type") != other.get("type"):
            records.append(ctx.drift(
                item, mine.get("type"), other.get("type"), Severity.MAJOR,
                f"set {name} of {table} holds {mine.get('type')} on production "
                f"but {other.get('type')} on recovery"))
        elif mine.get("elements") is not None and other.get("elements") is not None:
            users = _accepting_users(table, name, theirs.get("chains", {}), ignore)
            records += _compare_elements(item, mine["elements"], other["elements"], users, ctx)
    return records


def _compare_elements(item: str, ours: list[str], theirs: list[str], users: list[str],
                      ctx: Context) -> list[Drift]:
    """``users``: recovery's accept rules that use the set in a chain that drops by default."""
    missing = [e for e in ours if e not in theirs]
    extra = [e for e in theirs if e not in ours]
    return [_missing_element(item, e, users, ctx) for e in missing] + [
        ctx.drift(f"{item} {e}", None, e, Severity.MAJOR,
                  f"{item} holds {e} on recovery, not on production") for e in extra
    ]


def _missing_element(item: str, element: str, users: list[str], ctx: Context) -> Drift:
    if users:
        return ctx.drift(
            f"{item} {element}", element, None, Severity.CRITICAL,
            f"{item} holds {element} on production, not on recovery, where {', '.join(users)} "
            "accepts what the set holds and the chain drops by default, so traffic production "
            f"accepts from {element} would be dropped")
    return ctx.drift(f"{item} {element}", element, None, Severity.MAJOR,
                     f"{item} holds {element} on production, not on recovery")


def _accepting_users(table: str, name: str, chains: Mapping[str, Chain],
                     ignore: list[str]) -> list[str]:
    """``rule 2 of inet mft/input`` for each rule that accepts on a match against set ``name``
    in a chain that drops by default: the set is then an allowlist whose gaps drop traffic."""
    users = []
    for chain_name in sorted(chains):
        chain = chains[chain_name]
        if _ignored(table, chain_name, ignore) or not drops_by_default(chain, chains):
            continue
        users += [f"rule {number} of {table}/{chain_name}"
                  for number, rule in enumerate(chain.get("rules", []), 1)
                  if _matches_set(rule, name) and accepts(rule, chains)]
    return users


def _matches_set(rule: str, name: str) -> bool:
    """An nft rule that matches (not ``!=``) against the named set ``@name``."""
    if not rule.startswith("["):
        return False
    try:
        expressions = json.loads(rule)
    except json.JSONDecodeError:
        return False
    return any(isinstance(e, dict) and isinstance(e.get("match"), dict)
               and e["match"].get("right") == f"@{name}" and e["match"].get("op") != "!="
               for e in expressions)
