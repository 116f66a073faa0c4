"""Password drift, a part of the users area: would an account log in on recovery as it does on
production?

"Ship your configuration back to the production server ... users being created or deleted, or
even simply changing their password." Facts: the ``shadow`` part of :mod:`drverify.facts.users`,
each account's password state and, for a usable password, the SHA-256 of its hash field, made on
the host. Neither the hash nor its digest is ever shown: records say only *that* the passwords
differ, and the values they hold are the states.

Compared for every account both hosts list in ``/etc/shadow`` (an account one host lacks is the
users comparison's ``user NAME`` record), except non-service accounts ``ignore_users`` names:

============================  ======================================================  ========  =====
item                          difference                                              service   other
============================  ======================================================  ========  =====
``user NAME password``        locked on one side, set or empty on the other (state)   MAJOR     MINOR
``user NAME password``        both set, the hashes differ (as SHA-256 digests)        MAJOR     MINOR
============================  ======================================================  ========  =====

A password locked on both sides is not compared further: neither can be logged in with, whatever
hash a ``!`` keeps. ``/etc/shadow`` unreadable on a side (no root, no sudo) makes the one item
``passwords`` unverified with the host's reason; the rest of the area is still compared.
``policies.users.compare_passwords: false`` turns this part off.

Failing back, the roles swap (:mod:`drverify.drift.reverse`): a password changed on recovery
during the outage reads "user globex's password on production is not the one set on recovery",
its hint "set globex's password on production to the one recovery has, before the switch".
"""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.parts import both
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.model import UsersPolicy

#: what records show for a password: its state, never its hash or digest
SHOWN = {"set": "set (not shown)", "locked": "locked", "empty": "empty (no password)"}
SAID = {"set": "set", "locked": "locked", "empty": "empty (no password at all)"}
NEVER_SHOWN = "compared as SHA-256 digests, never shown"

Account = Mapping[str, Any]


def compare(production: Mapping[str, Any], recovery: Mapping[str, Any], ctx: Context[UsersPolicy]) -> list[Drift]:
    """One record per account whose password differs; ``passwords`` unverified for a side that
    could not read ``/etc/shadow``; nothing when the policy turns passwords off."""
    if not ctx.policy.compare_passwords:
        return []
    sides = both(production, recovery, "shadow", "passwords", ctx)
    if sides is None:
        return []
    service = set(ctx.pair.service_accounts)
    records = []
    for name in sorted(sides[0].keys() & sides[1].keys()):
        if name not in service and any(fnmatchcase(name, pattern) for pattern in ctx.policy.ignore_users):
            continue
        record = _password(name, name in service, sides[0][name], sides[1][name], ctx)
        if record is not None:
            records.append(record)
    return records


def _password(name: str, service: bool, production: Account, recovery: Account, ctx: Context[Any]) -> Drift | None:
    """The state first (locked on one side is the bigger news), then the digests of set ones."""
    item = f"user {name} password"
    label = f"service account {name}" if service else f"user {name}"
    severity = Severity.MAJOR if service else Severity.MINOR
    states = production["state"], recovery["state"]
    if states[0] != states[1]:
        return ctx.drift(item, SHOWN[states[0]], SHOWN[states[1]], severity,
                         f"{label}'s password is {SAID[states[0]]} on production but {SAID[states[1]]} on recovery",
                         kind="password_state")
    if states[0] == "set" and production.get("hash_sha256") != recovery.get("hash_sha256"):
        return ctx.drift(item, SHOWN["set"], SHOWN["set"], severity,
                         f"{label}'s password on recovery is not the one set on production ({NEVER_SHOWN})",
                         kind="password")
    return None
