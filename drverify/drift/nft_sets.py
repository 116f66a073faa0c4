"""nft sets of one firewall table compared: missing, extra or retyped sets, and their elements.

A set element missing on recovery is CRITICAL where the set is an allowlist there: a rule of
recovery's accepts on a match against the set in a chain that drops by default, so the partner
the element stood for would be dropped at takeover. Other differences are MAJOR; a set on
recovery only is MINOR (no rule production also has can use it). Dynamic and timed sets
(``elements`` None) have runtime elements, not compared. Part of :mod:`drverify.drift.firewall`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.drift.verdicts import Verdicts


@dataclass(frozen=True)
class Table:
    """One table as both hosts have it (an empty mapping where a host has none); production's
    translated, ``own`` mapping each translated rule or element back to production's text."""

    key: str  #: ``inet mft``
    production: Mapping[str, Any]
    recovery: Mapping[str, Any]
    own: Mapping[str, str] = field(default_factory=dict)

    def untranslated(self, value: Any) -> Any:
        """A production value of this table as production itself has it (rules, elements)."""
        return untranslated(value, self.own)


def untranslated(value: Any, own: Mapping[str, str]) -> Any:
    """``value`` with each translated string put back as production wrote it."""
    if isinstance(value, str):
        return own.get(value, value)
    if isinstance(value, Mapping):
        return {key: untranslated(item, own) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [untranslated(item, own) for item in value]
    return value


@dataclass(frozen=True)
class _Set:
    """One set of a table on both hosts (None where a host has no such set)."""

    table: str
    name: str
    production: Mapping[str, Any] | None
    recovery: Mapping[str, Any] | None

    @property
    def item(self) -> str:
        return f"{self.table} set {self.name}"


def compare_sets(table: Table, verdicts: Verdicts, ignored: Callable[[str], bool],
                 ctx: Context[Any]) -> list[Drift]:
    """Every set difference of a table; ``verdicts``: what recovery's chains of the table do,
    ``ignored`` tells the chains policy leaves out."""
    production, recovery = table.production.get("sets", {}), table.recovery.get("sets", {})
    users = _allowlist_users(table.key, verdicts, ignored)
    records: list[Drift] = []
    for name in sorted(production.keys() | recovery.keys()):
        compared = _Set(table.key, name, production.get(name), recovery.get(name))
        records += _compare_set(compared, users.get(name, []), table.own, ctx)
    return records


def _compare_set(compared: _Set, users: list[str], own: Mapping[str, str], ctx: Context[Any]) -> list[Drift]:
    """``users``: recovery's accept rules that use the set in a chain that drops by default."""
    production, recovery, item = compared.production, compared.recovery, compared.item
    where = f"set {compared.name} of {compared.table}"
    if production is None or recovery is None:
        role = "production" if production is not None else "recovery"
        return [ctx.drift(item, untranslated(production, own), recovery,
                          Severity.MAJOR if production is not None else Severity.MINOR,
                          f"{where} exists on {role} only", kind="missing" if production is not None else "extra",
                          translated=production)]
    if production.get("type") != recovery.get("type"):
        return [ctx.drift(item, production.get("type"), recovery.get("type"), Severity.MAJOR,
                          f"{where} holds {production.get('type')} on production "
                          f"but {recovery.get('type')} on recovery", kind="type")]
    if production.get("elements") is None or recovery.get("elements") is None:
        return []
    return _compare_elements(item, (production["elements"], recovery["elements"]), users, own, ctx)


def _compare_elements(item: str, elements: tuple[list[str], list[str]], users: list[str],
                      own: Mapping[str, str], ctx: Context[Any]) -> list[Drift]:
    """``elements``: production's (translated) and recovery's, each in its own order."""
    production, recovery = elements
    on_production, on_recovery = set(production), set(recovery)
    missing = [element for element in production if element not in on_recovery]
    extra = [element for element in recovery if element not in on_production]
    return [_missing_element(item, element, users, own, ctx) for element in missing] + [
        ctx.drift(f"{item} {element}", None, element, Severity.MAJOR,
                  f"{item} holds {element} on recovery, not on production", kind="extra_element")
        for element in extra
    ]


def _missing_element(item: str, element: str, users: list[str], own: Mapping[str, str],
                     ctx: Context[Any]) -> Drift:
    if users:
        return ctx.drift(
            f"{item} {element}", own.get(element, element), None, Severity.CRITICAL,
            f"{item} holds {element} on production, not on recovery, where {', '.join(users)} "
            "accepts what the set holds and the chain drops by default, so traffic production "
            f"accepts from {element} would be dropped", kind="missing_element", translated=element)
    return ctx.drift(f"{item} {element}", own.get(element, element), None, Severity.MAJOR,
                     f"{item} holds {element} on production, not on recovery", kind="missing_element",
                     translated=element)


def _allowlist_users(table: str, verdicts: Verdicts, ignored: Callable[[str], bool]) -> dict[str, list[str]]:
    """``{set: ["rule 2 of inet mft/input", ...]}``: for each set, the rules that accept on a
    match against it in a chain that drops by default, so the set is an allowlist whose gaps
    drop traffic. One pass over the table's rules serves every set."""
    users: dict[str, list[str]] = {}
    for chain_name in sorted(verdicts.chains):
        chain = verdicts.chains[chain_name]
        if ignored(chain_name) or not verdicts.drops_by_default(chain):
            continue
        for number, rule in enumerate(chain.get("rules", []), 1):
            names = _matched_sets(rule)
            if names and verdicts.accepts(rule):
                for name in sorted(names):
                    users.setdefault(name, []).append(f"rule {number} of {table}/{chain_name}")
    return users


def _matched_sets(rule: str) -> set[str]:
    """The named sets an nft rule matches against (``@name``, not with ``!=``)."""
    if not rule.startswith("["):
        return set()
    try:
        expressions = json.loads(rule)
    except json.JSONDecodeError:
        return set()
    return {match["right"][1:] for match in (e.get("match") for e in expressions if isinstance(e, dict))
            if isinstance(match, dict) and isinstance(match.get("right"), str)
            and match["right"].startswith("@") and match.get("op") != "!="}
