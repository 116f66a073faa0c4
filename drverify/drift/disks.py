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
restore itself would fail. Values in records are small dicts of raw numbers (bytes); messages say
them in IEC units (``64.0 MiB``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from drverify.drift.records import Context, Drift, Severity
from drverify.errors import FactsUnavailable
from drverify.inventory.model import DiskPolicy, SizingPolicy
from drverify.inventory.translate import Translation

SEVERITIES = (Severity.CRITICAL, Severity.MAJOR, Severity.MINOR)

#: how far apart two sizes may be and still count as ``equal``
EQUAL_TOLERANCE = 0.01

_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB")


def human_bytes(count: float) -> str:
    """``67108864`` -> ``64.0 MiB``: what a person reads in a message."""
    value = float(count)
    for unit in _UNITS[:-1]:
        if abs(value) < 1024:
            return f"{int(value)} B" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} {_UNITS[-1]}"


def _number(value: float) -> str:
    return f"{value:g}"


def compare(production: dict[str, Any], recovery: dict[str, Any], ctx: Context) -> list[Drift]:
    """Mount, size and sizing differences, sorted by item (most severe first within an item)."""
    policy = ctx.policy
    sizing = ctx.pair.policies.sizing
    translate = ctx.translate
    records = _mounts(production["mounts"], recovery["mounts"], policy, translate, ctx)
    records += _sizing(production["sizing"], recovery["sizing"], sizing, ctx)
    return sorted(records, key=lambda record: (record.item, -record.severity, record.message))



def _ignored(point: str, info: dict[str, Any], policy: DiskPolicy, *aliases: str) -> bool:
    """Whether policy leaves a mount out, by fstype or by its point (or production's own name)."""
    if info.get("fstype") in policy.ignore_fstypes:
        return True
    names = (point, *aliases)
    return any(fnmatchcase(name, pattern) for name in names for pattern in policy.ignore_mounts)


def _summary(info: dict[str, Any]) -> dict[str, Any]:
    return {"fstype": info.get("fstype"), "size": info.get("size"), "used": info.get("used")}


def _mounts(production: dict[str, Any], recovery: dict[str, Any], policy: DiskPolicy,
            translate: Translation, ctx: Context) -> list[Drift]:
    translated = {translate.text(point): (point, info) for point, info in production.items()}
    records: list[Drift] = []
    for point, (original, info) in translated.items():
        if not _ignored(point, info, policy, original):
            rule = policy.mounts.get(original, policy.mounts.get(point, policy.default))
            records += _mount(point, info, recovery.get(point), rule, policy.headroom_percent, ctx)
    for point, info in recovery.items():
        if point not in translated and not _ignored(point, info, policy):
            message = f"{point} is mounted on recovery but not on production"
            records.append(ctx.drift(point, None, _summary(info), Severity.MINOR, message))
    return records


def _mount(point: str, production: dict[str, Any], recovery: dict[str, Any] | None,
           rule: str, headroom: float, ctx: Context) -> list[Drift]:
    if recovery is None:
        message = f"{point} is mounted on production but not on recovery"
        return [ctx.drift(point, _summary(production), None, Severity.CRITICAL, message)]
    size = _size(point, production, recovery, rule, headroom)
    records = [] if size is None else [
        ctx.drift(point, _summary(production), _summary(recovery), size[0], size[1])
    ]
    fstypes = production.get("fstype"), recovery.get("fstype")
    if fstypes[0] != fstypes[1]:
        message = f"{point} is {fstypes[0]} on production but {fstypes[1]} on recovery"
        records.append(ctx.drift(f"{point} fstype", *fstypes, Severity.MINOR, message))
    return records


def _size(point: str, production: dict[str, Any], recovery: dict[str, Any],
          rule: str, headroom: float) -> tuple[Severity, str] | None:
    """The worst size problem of a mount (severity and message), so a mount gets one record."""
    size, used, have = production.get("size"), production.get("used"), recovery.get("size")
    if size is None or used is None or have is None:
        # unknown is never a pass nor a guess at a severity: the area is unverified
        known = {"production": size is not None and used is not None, "recovery": have is not None}
        unread = [side for side, ok in known.items() if not ok]
        raise FactsUnavailable(f"disks: the size of {point} could not be read on {' and '.join(unread)} "
                               "(findmnt reported none; is the check account allowed to statfs it?)")
    if have < used:
        return Severity.CRITICAL, (f"{point} is {human_bytes(have)} on recovery, less than the "
                                   f"{human_bytes(used)} production stores there: recovery cannot "
                                   "hold production's data")
    used_phrase = f"production's {{}} used plus {_number(headroom)}% headroom"
    clause = _shortfall(rule, size, used, have, headroom, human_bytes, used_phrase)
    if clause is None:
        return None
    return Severity.MAJOR, f"{point} is {human_bytes(have)} on recovery, {clause}"


def _shortfall(rule: str, size: float, used: float, have: float, headroom: float,
               show: Callable[[float], str], used_phrase: str) -> str | None:
    """Why ``have`` (recovery) breaks ``rule`` against production's ``size``/``used``, or None.

    ``used_phrase`` names production's use, with ``{}`` where its value goes.
    """
    if rule == "equal":
        if abs(have - size) <= EQUAL_TOLERANCE * size:
            return None
        return f"not within 1% of production's {show(size)} (policy equal)"
    if rule == "at_least":
        return None if have >= size else f"less than production's {show(size)} (policy at_least)"
    need = used * (1 + headroom / 100)
    if have >= need:
        return None
    return f"less than {used_phrase.format(show(used))} = {show(need)} (policy at_least_used)"


@dataclass(frozen=True)
class _Capacity:
    """One sizing figure of both hosts, said the way its messages need."""

    item: str
    subject: str
    size: float  #: production's capacity (CPU count, MemTotal)
    used: float  #: what production uses of it (15-minute load, MemTotal - MemAvailable)
    have: float  #: recovery's capacity
    show: Callable[[float], str]
    used_phrase: str
    production: dict[str, Any]
    recovery: dict[str, Any]


def _cpus(production: dict[str, Any], recovery: dict[str, Any], headroom: str) -> _Capacity:
    prod = {"cpus": production["cpus"], "load15": production["load"][2]}
    rec = {"cpus": recovery["cpus"], "load15": recovery["load"][2]}
    return _Capacity("cpus", "the CPU count", prod["cpus"], prod["load15"], rec["cpus"], _number,
                     f"production's 15-minute load average of {{}} plus {headroom}", prod, rec)


def _memory(production: dict[str, Any], recovery: dict[str, Any], headroom: str) -> _Capacity:
    prod, rec = _memory_use(production), _memory_use(recovery)
    return _Capacity("memory", "memory", prod["total"], prod["used"], rec["total"], human_bytes,
                     f"production's used memory of {{}} plus {headroom}", prod, rec)


def _memory_use(sizing: dict[str, Any]) -> dict[str, int]:
    total = sizing["memory_total"]
    return {"total": total, "used": total - sizing["memory_available"]}


def _sizing(production: dict[str, Any], recovery: dict[str, Any], policy: SizingPolicy,
            ctx: Context) -> list[Drift]:
    """CPU count and memory, each under its rule; a shortfall is MAJOR (slower, not broken)."""
    headroom = f"{_number(policy.headroom_percent)}% headroom"
    checks = [(_cpus(production, recovery, headroom), policy.cpu),
              (_memory(production, recovery, headroom), policy.memory)]
    records = []
    for capacity, rule in checks:
        clause = _shortfall(rule, capacity.size, capacity.used, capacity.have,
                            policy.headroom_percent, capacity.show, capacity.used_phrase)
        if clause is not None:
            message = f"{capacity.subject} is {capacity.show(capacity.have)} on recovery, {clause}"
            records.append(ctx.drift(capacity.item, capacity.production, capacity.recovery,
                                     Severity.MAJOR, message))
    return records
