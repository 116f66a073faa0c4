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


def both(production: Mapping[str, Any], recovery: Mapping[str, Any], key: str, item: str,
         ctx: Context[Any]) -> tuple[Any, Any] | None:
    """Both sides' ``key``, or None when either side lacks it (each lacking side recorded as
    unverified through :meth:`Context.listed`, with the host's reason when it gave one)."""
    sides = (ctx.listed(production, key, "production", item), ctx.listed(recovery, key, "recovery", item))
    return None if sides[0] is None or sides[1] is None else sides
