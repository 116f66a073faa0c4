"""Disks and sizing drift: can recovery hold production's data, and carry its load?

Mounts are matched by mount point (production's translated through the pair's translation map);
device names are never compared, since ``/dev/vda`` on one site and ``/dev/sda`` on the other is
normal. Which mounts count is the pair's :class:`~drverify.inventory.model.DiskPolicy`
(``ignore_mounts`` are exact mount points or ``fnmatch`` patterns, where ``*`` also matches ``/``;
``ignore_fstypes`` drops pseudo filesystems); CPU and memory follow ``policies.sizing``.

Size rules, per mount (``DiskPolicy.mounts``, else ``default``), for CPU and for memory:

- ``equal``: recovery within 1% of production (for CPU counts below 100 that means the same count);
- ``at_least``: recovery at least production's size (CPU count, MemTotal);
- ``at_least_used``: recovery at least what production uses plus ``headroom_percent``: used bytes
  for a mount, MemTotal - MemAvailable for memory, the 15-minute load average for CPUs.

A recovery mount smaller than the bytes production stores there is CRITICAL whatever the rule: the
restore itself would fail.

A mount whose size a host could not read (statfs failed: a mount point the check account cannot
reach, a mount hidden under a later one, a stale NFS export) is unverified on that side with the
host's reason, unless ``DiskPolicy.ignore_unreadable`` names it (matched like ``ignore_mounts``):
then its size is not compared, silently. Either way its existence and fstype still are, and every
other mount and the sizing are compared as usual. So are CPU and memory when a host could not read
the other (``cpus``, ``memory`` unverified on their own).

Values in records are small dicts of raw numbers (bytes); messages say them in IEC units
(``64.0 MiB``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift import hints
from drverify.drift.parts import both
from drverify.drift.records import Context, Drift, Severity
from drverify.drift.units import human_bytes
from drverify.inventory.model import DiskPolicy

#: how far apart two sizes may be and still count as ``equal``
EQUAL_TOLERANCE = 0.01

#: what statfs's error usually means for a mount, said after it in the unverified reason
_CAUSES = {
    "Permission denied": "the check account cannot reach the mount point",
    "No such file or directory": "the mount point is hidden under a later mount, or gone",
    "Stale file handle": "a stale NFS export",
    "Transport endpoint is not connected": "a FUSE mount whose daemon is gone",
}
#: the sizing facts each sizing item needs
_SIZING = {"cpus": ("cpus", "load"), "memory": ("memory_total", "memory_available")}


def _number(value: float) -> str:
    return f"{value:g}"


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context[DiskPolicy]) -> list[Drift]:
    """Mount, size and sizing differences, sorted by item (most severe first within an item)."""
    mounts = both(production, recovery, "mounts", "mounts", ctx)
    records = [] if mounts is None else _mounts(*mounts, ctx)
    records += _sizing(production, recovery, ctx)
    return sorted(records, key=lambda record: (record.item, -record.severity, record.message))


# -- mounts --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Mount:
    """One mount point as recovery names it, with both sides' entries (recovery's None: not
    mounted there) and production's own name for it (policy may use either)."""

    point: str
    original: str
    production: Mapping[str, Any]
    recovery: Mapping[str, Any] | None

    @property
    def names(self) -> tuple[str, str]:
        return self.point, self.original


def _matches(names: tuple[str, ...], patterns: list[str]) -> bool:
    """Exact mount points or ``fnmatch`` patterns, where ``*`` also matches ``/``."""
    return any(fnmatchcase(name, pattern) for name in names for pattern in patterns)


@dataclass(frozen=True)
class _Ignored:
    """What policy leaves out, by fstype (a set: looked up once per mount) or mount point."""

    fstypes: frozenset[str]
    patterns: list[str]

    def __call__(self, info: Mapping[str, Any], *names: str) -> bool:
        """Whether a mount is left out, by its fstype or its point (or production's own name)."""
        return info.get("fstype") in self.fstypes or _matches(names, self.patterns)


def _summary(info: Mapping[str, Any]) -> dict[str, Any]:
    return {"fstype": info.get("fstype"), "size": info.get("size"), "used": info.get("used")}


def _mounts(production: Mapping[str, Any], recovery: Mapping[str, Any],
            ctx: Context[DiskPolicy]) -> list[Drift]:
    ignored = _Ignored(frozenset(ctx.policy.ignore_fstypes), ctx.policy.ignore_mounts)
    translated = {ctx.translate.text(point): point for point in production}
    records: list[Drift] = []
    for point, original in translated.items():
        mount = _Mount(point, original, production[original], recovery.get(point))
        if not ignored(mount.production, *mount.names):
            records += _mount(mount, ctx)
    for point, info in recovery.items():
        if point not in translated and not ignored(info, point):
            message = f"{point} is mounted on recovery but not on production"
            records.append(ctx.drift(point, None, _summary(info), Severity.MINOR, message, kind="extra"))
    return records


def _mount(mount: _Mount, ctx: Context[DiskPolicy]) -> list[Drift]:
    """Whether recovery has the mount, is large enough for it, and of the same fstype.

    A production mount of unknown size is still missing when recovery lacks it: its existence
    is known."""
    point, production, recovery = mount.point, mount.production, mount.recovery
    if recovery is None:
        message = f"{point} is mounted on production but not on recovery"
        return [ctx.drift(point, _summary(production), None, Severity.CRITICAL, message, kind="missing")]
    records = [record for record in [_size(mount, recovery, ctx)] if record is not None]
    fstypes = production.get("fstype"), recovery.get("fstype")
    if fstypes[0] != fstypes[1]:
        message = f"{point} is {fstypes[0]} on production but {fstypes[1]} on recovery"
        records.append(ctx.drift(f"{point} fstype", *fstypes, Severity.MINOR, message, kind="fstype"))
    return records


def _size(mount: _Mount, recovery: Mapping[str, Any], ctx: Context[DiskPolicy]) -> Drift | None:
    """The worst size problem of a mount, so a mount gets one record; None when it fits, or
    when a side's size is unknown (recorded unverified, never a pass nor a guess)."""
    if not _sized(mount, recovery, ctx):
        return None
    policy = ctx.policy
    capacity = _Capacity(mount.point, mount.point, mount.production["size"], mount.production["used"],
                         recovery["size"], _summary(mount.production), _summary(recovery))
    if capacity.have < capacity.used:
        return ctx.drift(mount.point, capacity.production, capacity.recovery, Severity.CRITICAL,
                         f"{mount.point} is {human_bytes(capacity.have)} on recovery, less than the "
                         f"{human_bytes(capacity.used)} production stores there: recovery cannot "
                         "hold production's data", kind="too_small")
    rule = policy.mounts.get(mount.original, policy.mounts.get(mount.point, policy.default))
    return _short(capacity, rule, policy.headroom_percent, ctx)


def _sized(mount: _Mount, recovery: Mapping[str, Any], ctx: Context[DiskPolicy]) -> bool:
    """Whether both sizes needed are known (production's size and use, recovery's size); each
    side that lacks them is unverified, unless policy expects this mount to be unreadable."""
    needs = (("production", mount.production, ("size", "used")), ("recovery", recovery, ("size",)))
    unsized = [(role, info) for role, info, keys in needs if any(info.get(key) is None for key in keys)]
    if not _matches(mount.names, ctx.policy.ignore_unreadable):
        for role, info in unsized:
            ctx.unverified(mount.point, role, _unsized_reason(info))
    return not unsized


def _unsized_reason(info: Mapping[str, Any]) -> str:
    error = str(info.get("error") or "findmnt printed no size")
    cause = _CAUSES.get(error.rpartition(": ")[2])
    return (f"its size could not be read: {error}{f' ({cause})' if cause else ''}; "
            "if that is expected, list it in policies.disks.ignore_unreadable")


# -- capacities: a mount's bytes, the CPU count, memory ------------------------------------------

@dataclass(frozen=True)
class _Capacity:
    """One capacity of both hosts, said the way its messages need."""

    item: str
    subject: str
    size: float  #: production's capacity (bytes, CPU count, MemTotal)
    used: float  #: what production uses of it (used bytes, 15-minute load, MemTotal - MemAvailable)
    have: float  #: recovery's capacity
    production: dict[str, Any]  #: the record's values
    recovery: dict[str, Any]
    show: Callable[[float], str] = human_bytes
    #: production's use, with ``{}`` where its value goes
    used_phrase: str = "production's {} used"
    #: what the machine needs, with ``{}`` where the amount goes; None for a volume to extend
    provides: str | None = None
    #: counted in whole units (CPUs): the capacity a hint asks for is rounded up
    whole: bool = False


def _shortfall(capacity: _Capacity, rule: str, headroom: float) -> tuple[str, float] | None:
    """Why recovery's capacity breaks ``rule`` against production's, and the capacity it needs;
    None when it does not."""
    show, size, have = capacity.show, capacity.size, capacity.have
    if rule == "equal":
        if abs(have - size) <= EQUAL_TOLERANCE * size:
            return None
        return f"not within 1% of production's {show(size)} (policy equal)", size
    if rule == "at_least":
        return None if have >= size else (f"less than production's {show(size)} (policy at_least)", size)
    need = capacity.used * (1 + headroom / 100)
    if have >= need:
        return None
    used = capacity.used_phrase.format(show(capacity.used))
    return f"less than {used} plus {_number(headroom)}% headroom = {show(need)} (policy at_least_used)", need


def _short(capacity: _Capacity, rule: str, headroom: float, ctx: Context[Any]) -> Drift | None:
    """A MAJOR record when recovery falls short of ``rule``: slower or fuller, not broken."""
    shortfall = _shortfall(capacity, rule, headroom)
    if shortfall is None:
        return None
    clause, need = shortfall
    return ctx.drift(capacity.item, capacity.production, capacity.recovery, Severity.MAJOR,
                     f"{capacity.subject} is {capacity.show(capacity.have)} on recovery, {clause}",
                     kind="below_policy", hint=_remedy(capacity, need))


def _remedy(capacity: _Capacity, need: float) -> str:
    amount = capacity.show(math.ceil(need) if capacity.whole else need)
    if capacity.provides is None:
        return hints.enlarge(capacity.subject, amount)
    return hints.provide(capacity.provides.format(amount))


def _cpus(production: Mapping[str, Any], recovery: Mapping[str, Any]) -> _Capacity:
    shown = [{"cpus": side["cpus"], "load15": side["load"][2]} for side in (production, recovery)]
    return _Capacity("cpus", "the CPU count", shown[0]["cpus"], shown[0]["load15"], shown[1]["cpus"],
                     *shown, _number, "production's 15-minute load average of {}", "{} CPUs", whole=True)


def _memory(production: Mapping[str, Any], recovery: Mapping[str, Any]) -> _Capacity:
    shown = [_memory_use(side) for side in (production, recovery)]
    return _Capacity("memory", "memory", shown[0]["total"], shown[0]["used"], shown[1]["total"],
                     *shown, human_bytes, "production's used memory of {}", "{} of memory")


def _memory_use(sizing: Mapping[str, Any]) -> dict[str, int]:
    total = sizing["memory_total"]
    return {"total": total, "used": total - sizing["memory_available"]}


def _sizing(production: Mapping[str, Any], recovery: Mapping[str, Any],
            ctx: Context[Any]) -> list[Drift]:
    """CPU count and memory, each under its rule, each skipped alone when a side lacks it."""
    policy = ctx.pair.policies.sizing
    checks = (("cpus", policy.cpu, _cpus), ("memory", policy.memory, _memory))
    records = []
    for item, rule, capacity in checks:
        sides = (_readings(production, item, "production", ctx), _readings(recovery, item, "recovery", ctx))
        if sides[0] is not None and sides[1] is not None:
            record = _short(capacity(*sides), rule, policy.headroom_percent, ctx)
            records += [record] if record is not None else []
    return records


def _readings(facts: Mapping[str, Any], item: str, role: str, ctx: Context[Any]) -> Mapping[str, Any] | None:
    """The host's sizing if it holds what ``item`` needs, else None after recording ``item``
    unverified with the host's reason."""
    sizing = facts.get("sizing")
    if isinstance(sizing, Mapping) and all(key in sizing for key in _SIZING[item]):
        return sizing
    ctx.unread(facts, item, role, item)
    return None
