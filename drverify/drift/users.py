"""Users and groups drift: can recovery's service accounts own and reach the restored data?

Restored files carry production's numeric uid and gid, so for the pair's ``service_accounts`` and
``service_groups`` a missing entry or a different id is CRITICAL: the service would run as someone
who does not own its data. Other local users and groups are compared too, with lower severities,
unless ``UsersPolicy.ignore_users`` / ``ignore_groups`` name them (exact names or ``fnmatch``
patterns; declared service accounts and groups are always compared).

Records, one per user or group and kind of difference; ``item`` says which kind:

==============================  ======================================  ==========  ========
item                            difference                              service     other
==============================  ======================================  ==========  ========
``user NAME``                   missing on recovery                     CRITICAL    MAJOR
``user NAME``                   only on recovery                        MINOR       MINOR
``user NAME``                   declared service account on neither     MAJOR       -
``user NAME uid/gid``           uid and/or gid differ (one record)      CRITICAL    MAJOR
``user NAME home``              home directory missing                  CRITICAL    MINOR
``user NAME home``              home path differs                       MAJOR       MINOR
``user NAME shell``             login shell differs                     MINOR       MINOR
``group NAME``                  missing on recovery                     CRITICAL    MAJOR
``group NAME``                  only on recovery                        MINOR       MINOR
``group NAME``                  declared service group on neither       MAJOR       -
``group NAME gid``              gid differs                             CRITICAL    MAJOR
``group NAME members``          member lists differ                     MAJOR       MINOR
==============================  ======================================  ==========  ========

A service account's home directory missing on either side is CRITICAL (the message says where);
for other users it counts as missing only when it exists on production and not on recovery
(``/nonexistent`` on both is normal). A service account's home path that differs is MAJOR, not
MINOR: its configuration and restored files live there. Production's home paths go through the
pair's translation before comparing; records show production's own values.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.translate import Translation

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)

Entry = dict[str, Any]


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    """User and group differences, sorted by item (most severe first within an item)."""
    policy = ctx.policy
    accounts, service_groups = set(ctx.pair.service_accounts), set(ctx.pair.service_groups)
    translate = ctx.translate
    records: list[Drift] = []
    for name in _names(production["users"], recovery["users"], accounts, policy.ignore_users):
        records += _user(name, production["users"].get(name), recovery["users"].get(name),
                         name in accounts, translate, ctx)
    for name in _names(production["groups"], recovery["groups"], service_groups,
                       policy.ignore_groups):
        records += _group(name, production["groups"].get(name), recovery["groups"].get(name),
                          name in service_groups, ctx)
    return sorted(records, key=lambda record: (record.item, -record.severity, record.message))



def _names(production: Entry, recovery: Entry, service: set[str],
           ignore: Iterable[str]) -> list[str]:
    """Every name on either side plus the declared ones, minus ignored non-service names."""
    patterns = list(ignore)
    return sorted(
        name for name in production.keys() | recovery.keys() | service
        if name in service or not any(fnmatchcase(name, pattern) for pattern in patterns)
    )


def _presence(item: str, label: str, production: Entry | None, recovery: Entry | None,
              service: bool, ctx: Context) -> Drift | None:
    """Missing on one side or both; None when both sides have it."""
    if production is None and recovery is None:
        return ctx.drift(item, None, None, Severity.MAJOR,
                         f"{label} is declared in the inventory but exists on neither host")
    if recovery is None:
        severity = Severity.CRITICAL if service else Severity.MAJOR
        return ctx.drift(item, production, None, severity,
                         f"{label} exists on production but not on recovery")
    if production is None:
        return ctx.drift(item, None, recovery, Severity.MINOR,
                         f"{label} exists on recovery but not on production")
    return None


def _user(name: str, production: Entry | None, recovery: Entry | None, service: bool,
          translate: Translation, ctx: Context) -> list[Drift]:
    label = f"service account {name}" if service else f"user {name}"
    item = f"user {name}"
    summary = [None if entry is None else _user_summary(entry) for entry in (production, recovery)]
    missing = _presence(item, label, summary[0], summary[1], service, ctx)
    if missing is not None:
        return [missing]
    checks = (_ids(item, label, production, recovery, service, ctx),
              _home(item, label, production, recovery, service, translate, ctx),
              _shell(item, label, production, recovery, ctx))
    return [record for record in checks if record is not None]


def _user_summary(entry: Entry) -> Entry:
    return {key: entry[key] for key in ("uid", "gid", "home", "shell")}


def _ids(item: str, label: str, production: Entry, recovery: Entry, service: bool,
         ctx: Context) -> Drift | None:
    """uid and gid in one record: one user whose ids moved is one problem to fix."""
    keys = [key for key in ("uid", "gid") if production[key] != recovery[key]]
    if not keys:
        return None
    prod = {key: production[key] for key in ("uid", "gid")}
    rec = {key: recovery[key] for key in ("uid", "gid")}
    said = [", ".join(f"{key} {side[key]}" for key in keys) for side in (prod, rec)]
    message = f"{label} has {said[0]} on production but {said[1]} on recovery"
    if service:
        message += ", so files restored from production would not be its own"
    severity = Severity.CRITICAL if service else Severity.MAJOR
    return ctx.drift(f"{item} uid/gid", prod, rec, severity, message)


def _home(item: str, label: str, production: Entry, recovery: Entry, service: bool,
          translate: Translation, ctx: Context) -> Drift | None:
    prod = {"home": production["home"], "exists": production["home_exists"]}
    rec = {"home": recovery["home"], "exists": recovery["home_exists"]}
    sides = (("production", prod), ("recovery", rec))
    missing = [f"{entry['home']} on {side}" for side, entry in sides if not entry["exists"]]
    if service and missing:
        homes = " and ".join(missing)
        return ctx.drift(f"{item} home", prod, rec, Severity.CRITICAL,
                         f"the home directory of {label} is missing: {homes}")
    if translate.text(prod["home"]) != rec["home"]:
        severity = Severity.MAJOR if service else Severity.MINOR
        return ctx.drift(f"{item} home", prod, rec, severity, f"{label} has home {prod['home']} "
                         f"on production but {rec['home']} on recovery")
    if prod["exists"] and not rec["exists"]:
        return ctx.drift(f"{item} home", prod, rec, Severity.MINOR,
                         f"the home directory {rec['home']} of {label} exists on production "
                         "but not on recovery")
    return None


def _shell(item: str, label: str, production: Entry, recovery: Entry,
           ctx: Context) -> Drift | None:
    if production["shell"] == recovery["shell"]:
        return None
    return ctx.drift(f"{item} shell", production["shell"], recovery["shell"], Severity.MINOR,
                     f"{label} has shell {production['shell']} on production "
                     f"but {recovery['shell']} on recovery")


def _group(name: str, production: Entry | None, recovery: Entry | None, service: bool,
           ctx: Context) -> list[Drift]:
    label = f"service group {name}" if service else f"group {name}"
    item = f"group {name}"
    missing = _presence(item, label, production, recovery, service, ctx)
    if missing is not None:
        return [missing]
    records = []
    if production["gid"] != recovery["gid"]:
        severity = Severity.CRITICAL if service else Severity.MAJOR
        records.append(ctx.drift(f"{item} gid", production["gid"], recovery["gid"], severity,
                                 f"{label} has gid {production['gid']} on production "
                                 f"but {recovery['gid']} on recovery"))
    if set(production["members"]) != set(recovery["members"]):
        records.append(_members(item, label, production["members"], recovery["members"],
                                service, ctx))
    return records


def _members(item: str, label: str, production: list[str], recovery: list[str], service: bool,
             ctx: Context) -> Drift:
    only = [(", ".join(sorted(set(mine) - set(theirs))), side)
            for mine, theirs, side in ((production, recovery, "production"),
                                       (recovery, production, "recovery"))]
    said = "; ".join(f"{names} only on {side}" for names, side in only if names)
    severity = Severity.MAJOR if service else Severity.MINOR
    return ctx.drift(f"{item} members", production, recovery, severity,
                     f"members of {label} differ: {said}")
