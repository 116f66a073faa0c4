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
``user NAME password``          locked on one side only, or another     MAJOR       MINOR
                                password (:mod:`~drverify.drift.passwords`)
==============================  ======================================  ==========  ========

A service account's home directory missing on either side is CRITICAL (the message says where);
for other users it counts as missing only when it exists on production and not on recovery
(``/nonexistent`` on both is normal). A service account's home path that differs is MAJOR, not
MINOR: its configuration and restored files live there. Production's home paths go through the
pair's translation before comparing; records show production's own values.

A home whose existence a host could not tell (below a directory the check account may not enter)
is unverified on that side (``user NAME home``) with the host's reason; its path is still
compared, and so is everything else. ``/etc/passwd`` or ``/etc/group`` unreadable on a side makes
that file's users or groups unverified (items ``/etc/passwd``, ``/etc/group``), not the other's;
``/etc/shadow`` unreadable makes ``passwords`` unverified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift import passwords
from drverify.drift.parts import both
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.model import UsersPolicy

Entry = Mapping[str, Any]


@dataclass(frozen=True)
class _Compared:
    """One user or group as both hosts have it: what records call it, whether the inventory
    declares it a service account or group, and each side's entry (None: it has none)."""

    kind: str  #: ``user`` or ``group``
    name: str
    service: bool
    production: Entry | None
    recovery: Entry | None

    @property
    def item(self) -> str:
        return f"{self.kind} {self.name}"

    @property
    def label(self) -> str:
        if not self.service:
            return self.item
        return f"service {'account' if self.kind == 'user' else 'group'} {self.name}"

    def severity(self, service: Severity, otherwise: Severity) -> Severity:
        """``service`` for a declared service account or group, ``otherwise`` for the rest."""
        return service if self.service else otherwise


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context[UsersPolicy]) -> list[Drift]:
    """User and group differences, sorted by item (most severe first within an item); the users
    or the groups a side could not read are unverified, the others still compared."""
    records: list[Drift] = []
    users = both(production, recovery, "users", "/etc/passwd", ctx)
    if users is not None:
        for compared in _entries("user", *users, set(ctx.pair.service_accounts), ctx.policy.ignore_users):
            records += _user(compared, ctx)
    groups = both(production, recovery, "groups", "/etc/group", ctx)
    if groups is not None:
        for compared in _entries("group", *groups, set(ctx.pair.service_groups), ctx.policy.ignore_groups):
            records += _group(compared, ctx)
    records += passwords.compare(production, recovery, ctx)
    return sorted(records, key=lambda record: (record.item, -record.severity, record.message))


def _entries(kind: str, production: Mapping[str, Entry], recovery: Mapping[str, Entry],
             service: set[str], ignore: Iterable[str]) -> list[_Compared]:
    """Every name on either side plus the declared ones, minus ignored non-service names."""
    patterns = list(ignore)
    names = sorted(
        name for name in production.keys() | recovery.keys() | service
        if name in service or not any(fnmatchcase(name, pattern) for pattern in patterns)
    )
    return [_Compared(kind, name, name in service, production.get(name), recovery.get(name))
            for name in names]


def _presence(compared: _Compared, shown: tuple[Any, Any], ctx: Context[Any]) -> Drift | None:
    """Missing on one side or both; None when both sides have it. ``shown``: the records' values."""
    item, label = compared.item, compared.label
    if compared.production is None and compared.recovery is None:
        return ctx.drift(item, None, None, Severity.MAJOR,
                         f"{label} is declared in the inventory but exists on neither host", kind="declared")
    if compared.recovery is None:
        return ctx.drift(item, shown[0], None, compared.severity(Severity.CRITICAL, Severity.MAJOR),
                         f"{label} exists on production but not on recovery", kind="missing")
    if compared.production is None:
        return ctx.drift(item, None, shown[1], Severity.MINOR,
                         f"{label} exists on recovery but not on production", kind="extra")
    return None


# -- users ---------------------------------------------------------------------------------------

def _user(compared: _Compared, ctx: Context[UsersPolicy]) -> list[Drift]:
    shown = tuple(None if entry is None else _user_summary(entry)
                  for entry in (compared.production, compared.recovery))
    missing = _presence(compared, shown, ctx)
    if missing is not None:
        return [missing]
    checks = (_ids(compared, ctx), _home(compared, ctx), _shell(compared, ctx))
    return [record for record in checks if record is not None]


def _user_summary(entry: Entry) -> dict[str, Any]:
    return {key: entry[key] for key in ("uid", "gid", "home", "shell")}


def _sides(compared: _Compared) -> tuple[Entry, Entry]:
    """Both entries of a user or group both hosts have (after :func:`_presence`)."""
    if compared.production is None or compared.recovery is None:
        raise ValueError(f"{compared.item} is not on both hosts")
    return compared.production, compared.recovery


def _ids(compared: _Compared, ctx: Context[Any]) -> Drift | None:
    """uid and gid in one record: one user whose ids moved is one problem to fix."""
    production, recovery = _sides(compared)
    keys = [key for key in ("uid", "gid") if production[key] != recovery[key]]
    if not keys:
        return None
    ids = [{key: side[key] for key in ("uid", "gid")} for side in (production, recovery)]
    said = [", ".join(f"{key} {side[key]}" for key in keys) for side in ids]
    message = f"{compared.label} has {said[0]} on production but {said[1]} on recovery"
    if compared.service:
        message += ", so files restored from production would not be its own"
    return ctx.drift(f"{compared.item} uid/gid", ids[0], ids[1],
                     compared.severity(Severity.CRITICAL, Severity.MAJOR), message, kind="ids")


def _home(compared: _Compared, ctx: Context[Any]) -> Drift | None:
    """Where the home is and whether it exists; a side that cannot tell is unverified."""
    item, label = f"{compared.item} home", compared.label
    homes = [{"home": entry["home"], "exists": entry.get("home_exists")} for entry in _sides(compared)]
    for role, entry, home in zip(("production", "recovery"), _sides(compared), homes):
        if home["exists"] is None:
            ctx.unverified(item, role, f"cannot tell whether the home directory {home['home']} "
                           f"exists ({entry.get('home_error') or 'not in the facts'})")
    missing = [f"{home['home']} on {role}" for role, home in zip(("production", "recovery"), homes)
               if home["exists"] is False]
    if compared.service and missing:
        return ctx.drift(item, *homes, Severity.CRITICAL,
                         f"the home directory of {label} is missing: {' and '.join(missing)}", kind="home")
    production, recovery = homes
    if ctx.translate.text(production["home"]) != recovery["home"]:
        return ctx.moved(item, production, recovery, compared.severity(Severity.MAJOR, Severity.MINOR),
                         f"{label} has home {production['home']} on production but "
                         f"{recovery['home']} on recovery", kind="home_path")
    if production["exists"] is True and recovery["exists"] is False:
        return ctx.drift(item, production, recovery, Severity.MINOR,
                         f"the home directory {recovery['home']} of {label} exists on production "
                         "but not on recovery", kind="home")
    return None


def _shell(compared: _Compared, ctx: Context[Any]) -> Drift | None:
    production, recovery = (entry["shell"] for entry in _sides(compared))
    if production == recovery:
        return None
    return ctx.drift(f"{compared.item} shell", production, recovery, Severity.MINOR,
                     f"{compared.label} has shell {production} on production but {recovery} on recovery",
                     kind="shell")


# -- groups --------------------------------------------------------------------------------------

def _group(compared: _Compared, ctx: Context[Any]) -> list[Drift]:
    missing = _presence(compared, (compared.production, compared.recovery), ctx)
    if missing is not None:
        return [missing]
    production, recovery = _sides(compared)
    records = []
    if production["gid"] != recovery["gid"]:
        records.append(ctx.drift(f"{compared.item} gid", production["gid"], recovery["gid"],
                                 compared.severity(Severity.CRITICAL, Severity.MAJOR),
                                 f"{compared.label} has gid {production['gid']} on production "
                                 f"but {recovery['gid']} on recovery", kind="ids"))
    if set(production["members"]) != set(recovery["members"]):
        records.append(_members(compared, ctx))
    return records


def _members(compared: _Compared, ctx: Context[Any]) -> Drift:
    production, recovery = (entry["members"] for entry in _sides(compared))
    only = [(", ".join(sorted(set(these) - set(those))), role)
            for these, those, role in ((production, recovery, "production"),
                                       (recovery, production, "recovery"))]
    said = "; ".join(f"{names} only on {role}" for names, role in only if names)
    return ctx.drift(f"{compared.item} members", production, recovery,
                     compared.severity(Severity.MAJOR, Severity.MINOR),
                     f"members of {compared.label} differ: {said}", kind="members")
