"""Parts of an area's facts a host could not read: unverified one by one, the rest compared.

A facts module that reads an area in parts (network's addresses, routes and listeners) leaves a
part it could not read out of the facts and says why in ``facts["errors"][part]``. Here a
comparator takes each part it needs from both sides: a part missing on a side becomes one
unverified item naming that side and the host's reason (or, for a snapshot that predates the
part, that it is not in the facts), and only that part is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.records import Context

NOT_IN_FACTS = "not in the facts (a snapshot older than the inventory?)"


def part(facts: Mapping[str, Any], key: str, role: str, item: str, ctx: Context[Any]) -> Any | None:
    """``facts[key]``, or None after recording ``item`` unverified on ``role``'s side."""
    if key in facts:
        return facts[key]
    unreadable(facts, key, role, item, ctx)
    return None


def both(production: Mapping[str, Any], recovery: Mapping[str, Any], key: str, item: str,
         ctx: Context[Any]) -> tuple[Any, Any] | None:
    """Both sides' ``key``, or None when either side lacks it (each lacking side recorded)."""
    sides = (part(production, key, "production", item, ctx), part(recovery, key, "recovery", item, ctx))
    return None if sides[0] is None or sides[1] is None else sides


def unreadable(facts: Mapping[str, Any], key: str, role: str, item: str, ctx: Context[Any]) -> None:
    """Record ``item`` unverified on ``role``'s side: the host's reason for part ``key``, or
    that the facts do not hold it."""
    errors = facts.get("errors")
    reason = errors.get(key) if isinstance(errors, Mapping) else None
    ctx.unverified(item, role, NOT_IN_FACTS if reason is None else str(reason))
