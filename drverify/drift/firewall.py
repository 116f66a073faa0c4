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

Chains that jump to one another in a loop (which the kernel refuses, so only a snapshot can
hold them) are unverified on the side that has them, one item per loop named after its first
chain; the rest is compared as usual. What a rule or chain does is judged once per chain
(:class:`~drverify.drift.verdicts.Verdicts`), never path by path.

Other missing, extra or changed rules, policies, sets and set elements are MAJOR. A set that
exists on recovery only is MINOR: no rule production also has can use it (a rule names its
sets), so any traffic it lets through comes with an extra rule, which is a record of its own.
Sets are compared in :mod:`drverify.drift.nft_sets`.

A view a host could not read (``iptables-save``, ``ip6tables-save`` or ``nft`` failing while
another worked) is unverified on that side, the item named after the command, and no table that
view could hold is compared on either side: ``ip4`` tables for iptables-save, ``ip6`` tables for
ip6tables-save, the tables taken from nft's view (those with ``sets``) for nft. Every other
table is compared as usual.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.nft_sets import Table, compare_sets, untranslated
from drverify.drift.parts import both
from drverify.drift.records import Context, Drift, Severity
from drverify.drift.verdicts import DROPPING, Chain, Verdicts, guards_traffic, inert, summary
from drverify.inventory.model import FirewallPolicy
from drverify.inventory.translate import Translation

#: the family of the tables each iptables-save view reports (nft's view reports every family)
_SAVE_FAMILIES = {"iptables-save": "ip4", "ip6tables-save": "ip6"}
#: how many chains of a jump loop its unverified reason names
_LOOP_NAMES = 5


def compare(production: dict, recovery: dict, ctx: Context[FirewallPolicy]) -> list[Drift]:
    """Every firewall difference, sorted by item (``ip4 filter/INPUT`` and the rule)."""
    tables = both(production, recovery, "tables", "rule set", ctx)
    if tables is None:
        return []
    skipped = _unread_views(production, recovery, tables, ctx)
    production_tables = _translated(tables[0], skipped, ctx.translate)
    recovery_tables = {key: table for key, table in tables[1].items() if key not in skipped}
    records: list[Drift] = []
    for key in sorted(production_tables.keys() | recovery_tables.keys()):
        table = Table(key, production_tables.get(key, {}), recovery_tables.get(key, {}),
                      _originals(tables[0].get(key, {}), ctx.translate))
        records += _compare_table(table, ctx)
    return sorted(records, key=lambda record: record.item)


# -- views a host could not read -----------------------------------------------------------------

def _holds(view: str, key: str, table: Mapping[str, Any]) -> bool:
    """Whether ``view`` could be where this table came from, on either side."""
    if view in _SAVE_FAMILIES:
        return key.partition(" ")[0] == _SAVE_FAMILIES[view]
    return view == "nft" and "sets" in table  # the facts give every table nft reports "sets"


def _unread_views(production: Mapping[str, Any], recovery: Mapping[str, Any],
                  tables: tuple[Mapping[str, Any], Mapping[str, Any]], ctx: Context[Any]) -> set[str]:
    """Record each view a side could not read as unverified; the tables left out for it."""
    skipped: set[str] = set()
    for role, facts in (("production", production), ("recovery", recovery)):
        errors = facts.get("errors")
        for view, reason in (errors.items() if isinstance(errors, Mapping) else ()):
            held = sorted({key for side in tables for key, table in side.items() if _holds(view, key, table)})
            skipped.update(held)
            ctx.unverified(view, role, str(reason) + (f" (not compared: {', '.join(held)})" if held else ""))
    return skipped


# -- tables --------------------------------------------------------------------------------------

def _translated(tables: Mapping[str, Any], skipped: set[str], translate: Translation) -> dict[str, Any]:
    """Production's rules and set elements with addresses as they are on the recovery site."""
    return {key: _translated_table(table, translate) for key, table in tables.items()
            if key not in skipped}


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


def _originals(table: Mapping[str, Any], translate: Translation) -> dict[str, str]:
    """Each rule and set element as translated, mapped back to production's own text."""
    texts = [rule for chain in table.get("chains", {}).values() for rule in chain["rules"]]
    texts += [element for body in table.get("sets", {}).values() for element in body.get("elements") or ()]
    return {translated: text for text in texts if (translated := translate.text(text)) != text}


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


def _compare_table(table: Table, ctx: Context[FirewallPolicy]) -> list[Drift]:
    patterns = ctx.policy.ignore_chains
    production, recovery = table.production.get("chains", {}), table.recovery.get("chains", {})
    verdicts = Verdicts(production), Verdicts(recovery)
    _report_loops(table.key, verdicts, lambda name: _ignored(table.key, name, patterns), ctx)
    records: list[Drift] = []
    for name in sorted(production.keys() | recovery.keys()):
        if not _ignored(table.key, name, patterns):
            chain = _Chain(f"{table.key}/{name}", name, production.get(name), recovery.get(name),
                           *verdicts, table.own)
            records += _compare_chain(chain, ctx)
    return records + compare_sets(table, verdicts[1], lambda name: _ignored(table.key, name, patterns), ctx)


def _report_loops(table: str, verdicts: tuple[Verdicts, Verdicts], ignored: Callable[[str], bool],
                  ctx: Context[Any]) -> None:
    """Chains that jump to one another in a loop: the kernel refuses such a rule set, so the facts
    are not what the host runs (a snapshot edited by hand?). Unverified, never a silent pass."""
    for role, side in zip(("production", "recovery"), verdicts):
        for names in side.loops():
            if all(ignored(name) for name in names):
                continue
            shown = ", ".join(names[:_LOOP_NAMES]) + (f" and {len(names) - _LOOP_NAMES} more"
                                                      if len(names) > _LOOP_NAMES else "")
            ctx.unverified(f"{table}/{names[0]}", role,
                           f"chains {shown} jump to one another in a loop, which the kernel refuses: "
                           "these rules cannot be what the host runs")


# -- chains and rules ----------------------------------------------------------------------------

@dataclass(frozen=True)
class _Chain:
    """One chain on both hosts (None where a host has no such chain), with what the table's
    chains do on each host: where its jumps lead."""

    item: str  #: ``ip4 filter/INPUT``
    name: str
    production: Chain | None
    recovery: Chain | None
    production_verdicts: Verdicts
    recovery_verdicts: Verdicts
    #: production's translated rules mapped back to production's own text
    own: Mapping[str, str]


def _compare_chain(chain: _Chain, ctx: Context[Any]) -> list[Drift]:
    production, recovery = chain.production, chain.recovery
    if inert(production) and inert(recovery):
        return []
    if production is None or recovery is None or inert(production) or inert(recovery):
        return [_one_sided_chain(chain, ctx)]
    return _compare_policy(chain.item, production, recovery, ctx) + _compare_rules(chain, production, recovery, ctx)


def _one_sided_chain(chain: _Chain, ctx: Context[Any]) -> Drift:
    """A chain that filters on one side only: one record, not one per rule."""
    on_production = not inert(chain.production)
    present, absent = (chain.production, chain.recovery) if on_production else (chain.recovery, chain.production)
    verdicts = chain.production_verdicts if on_production else chain.recovery_verdicts
    side, missing = ("production", "recovery") if on_production else ("recovery", "production")
    guards = guards_traffic(chain.name, present) and verdicts.drops_by_default(present)
    # Only a recovery that *drops* what production lets through breaks the takeover; a recovery
    # that filters nothing works, but is exposed: a major finding, not a critical one.
    critical = guards and not on_production
    consequence = ""
    if guards:
        consequence = (", so recovery lets through all that production filters" if on_production
                       else ", so recovery drops traffic production lets through")
    there = "does not exist" if absent is None else f"filters nothing ({summary(absent)})"
    production = chain.production and dict(chain.production)
    return ctx.drift(
        chain.item, untranslated(production, chain.own), chain.recovery and dict(chain.recovery),
        Severity.CRITICAL if critical else Severity.MAJOR,
        f"chain {chain.item} ({summary(present)}) filters on {side} but {there} on {missing}{consequence}",
        kind="missing_chain" if on_production else "extra_chain", translated=production)


def _compare_policy(item: str, production: Chain, recovery: Chain, ctx: Context[Any]) -> list[Drift]:
    records = []
    if production.get("hook") != recovery.get("hook"):
        records.append(ctx.drift(
            item, production.get("hook"), recovery.get("hook"), Severity.MAJOR,
            f"chain {item} hooks in as {production.get('hook')} on production "
            f"but as {recovery.get('hook')} on recovery", kind="hook"))
    policies = production.get("policy"), recovery.get("policy")
    if str(policies[0]).upper() != str(policies[1]).upper():
        drops = str(policies[1]).upper() in DROPPING and str(policies[0]).upper() not in DROPPING
        records.append(ctx.drift(
            item, *policies, Severity.CRITICAL if drops else Severity.MAJOR,
            f"chain {item} has policy {policies[0]} on production but {policies[1]} on recovery"
            + (", so traffic production lets through would be dropped" if drops else ""), kind="policy"))
    return records


def _compare_rules(chain: _Chain, production: Chain, recovery: Chain, ctx: Context[Any]) -> list[Drift]:
    """Missing and extra rules as multisets, then the order of the rules both have."""
    production_rules, recovery_rules = Counter(production["rules"]), Counter(recovery["rules"])
    recovery_drops = chain.recovery_verdicts.drops_by_default(recovery)
    records = [_missing_rule(chain, rule, recovery_drops, ctx)
               for rule in _in_order(production, production_rules - recovery_rules)]
    records += [
        ctx.drift(f"{chain.item} {rule}", None, rule, Severity.MAJOR,
                  f"recovery has this rule in {chain.item}, production does not", kind="extra_rule")
        for rule in _in_order(recovery, recovery_rules - production_rules)
    ]
    common = production_rules & recovery_rules
    orders = _in_order(production, common), _in_order(recovery, common)
    if orders[0] != orders[1]:
        position = next(i for i, (a, b) in enumerate(zip(*orders)) if a != b)
        records.append(ctx.drift(
            chain.item, untranslated(orders[0], chain.own), orders[1], Severity.MINOR,
            f"chain {chain.item} has the same {len(orders[0])} rules in another order on recovery: "
            f"from rule {position + 1} on, production has {orders[0][position]!r} "
            f"where recovery has {orders[1][position]!r}", kind="order", translated=orders[0]))
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


def _missing_rule(chain: _Chain, rule: str, recovery_drops: bool, ctx: Context[Any]) -> Drift:
    """``recovery_drops``: whether the chain drops by default on recovery."""
    if recovery_drops and chain.production_verdicts.accepts(rule):
        return ctx.drift(
            f"{chain.item} {rule}", chain.own.get(rule, rule), None, Severity.CRITICAL,
            f"recovery lacks this rule of {chain.item} and drops by default there, so traffic "
            "production accepts would be dropped", kind="missing_rule", translated=rule)
    return ctx.drift(f"{chain.item} {rule}", chain.own.get(rule, rule), None, Severity.MAJOR,
                     f"production has this rule in {chain.item}, recovery does not", kind="missing_rule",
                     translated=rule)
