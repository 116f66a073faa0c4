"""Disks and sizing: every mounted filesystem with its size in bytes, the CPU count, memory, load.

Every mount is kept, pseudo filesystems included: what is worth comparing is policy (the pair's
``DiskPolicy``), decided in :mod:`drverify.drift.disks`, so a snapshot taken today can still be
compared under tomorrow's policy.

Facts::

    {"mounts": {"/srv/mft": {"source": "tmpfs", "fstype": "tmpfs", "size": 268435456,
                             "used": 100663296, "avail": 167772160}, ...},
     "sizing": {"cpus": 2, "memory_total": 25276510208, "memory_available": 24990699520,
                "load": [0.02, 0.08, 0.03]}}

``size``/``used``/``avail`` are ``None`` when the host could not read them: ``findmnt`` prints
``null`` when statfs fails, e.g. ``Permission denied`` for a mount below a directory the check
account cannot enter, ``No such file or directory`` for a mount hidden under a later mount on a
parent directory, ``Stale file handle`` for a dead NFS export. Such a mount gets an ``error`` too,
statfs's own words (``"statfs: Permission denied"``), read by the ``statfs`` command: findmnt
says no more than ``null``. The mount is still listed: its existence is known.

A part that cannot be read at all (findmnt fails; ``nproc`` or ``/proc/loadavg`` for ``cpus``;
``/proc/meminfo`` for ``memory``) is left out, its reason in ``errors`` (``{"memory": "meminfo:
no MemAvailable in /proc/meminfo"}``): the other parts are still compared (see
:mod:`drverify.facts.parts`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "disks"

#: ``-l`` gives a flat list (no ``children`` nesting); ``-b`` sizes in bytes. util-linux 2.38
#: (Debian 12) has every column used here.
FINDMNT = "findmnt -J -b -l -o TARGET,SOURCE,FSTYPE,SIZE,USED,AVAIL"

#: statfs's error for each mount findmnt cannot size (``TARGET<tab>error``); sizable mounts cost
#: nothing. A raw name with an escape (``\x20`` for a space) is skipped: the shell cannot undo it,
#: and the mount keeps the generic reason.
STATFS = r"""findmnt -rn -o TARGET,SIZE | while read -r target size; do
  [ -n "$size" ] && continue
  case $target in *\\*) continue ;; esac
  error=$(stat -f -c '' -- "$target" 2>&1) || printf '%s\t%s\n' "$target" "${error##*: }"
done"""

_COMMANDS = {
    "findmnt": FINDMNT,
    "statfs": STATFS,
    # nproc counts the CPUs a process may run on (affinity), which is what the service gets.
    "cpus": "nproc",
    "meminfo": "cat /proc/meminfo",
    "loadavg": "cat /proc/loadavg",
}

_SIZE_KEYS = ("size", "used", "avail")
_SIZING_KEYS = ("cpus", "memory_total", "memory_available", "load")

#: a mount findmnt could not size when the statfs command said nothing more (it failed, or the
#: mount was sizable by the time it ran)
UNSIZED = "findmnt printed no size (statfs failed)"


def commands(pair: Pair, role: str) -> dict[str, str]:
    """The same commands on both roles: nothing from the inventory reaches the shell."""
    return dict(_COMMANDS)


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """Mounts by mount point and the host's sizing, each part on its own: a part that cannot be
    read is left out with its reason in ``errors``; :class:`FactError` when none can be."""
    parts = Parts()
    mounts = parts.read("mounts", parse_mounts, outputs)
    cpus = parts.read("cpus", _cpus, outputs)
    memory = parts.read("memory", lambda: parse_meminfo(require(outputs, "meminfo")))
    facts: dict[str, Any] = {} if mounts is None else {"mounts": mounts}
    readings = {**(cpus or {}), **(memory or {})}
    facts["sizing"] = {key: readings[key] for key in _SIZING_KEYS if key in readings}
    return parts.facts(facts)


def _cpus(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """The CPU count and the load averages: ``cpus`` compares one against the other."""
    return {"cpus": parse_cpus(require(outputs, "cpus")),
            "load": parse_loadavg(require(outputs, "loadavg"))}


def parse_mounts(outputs: Mapping[str, Output]) -> dict[str, dict[str, Any]]:
    """findmnt's mounts, each it could not size with statfs's reason as ``error``."""
    mounts = parse_findmnt(require(outputs, "findmnt"))
    errors = parse_statfs(outputs.get("statfs"))
    for point, info in mounts.items():
        if any(info[key] is None for key in _SIZE_KEYS):
            info["error"] = f"statfs: {errors[point]}" if point in errors else UNSIZED
    return mounts


def parse_statfs(output: Output | None) -> dict[str, str]:
    """``{mount point: statfs's error}`` from the ``statfs`` command; nothing when it failed
    (the mounts then keep the generic reason: this command only adds words to findmnt's null)."""
    if output is None or not output.ok:
        return {}
    errors = {}
    for line in output.stdout.splitlines():
        point, tab, error = line.partition("\t")
        if tab and point and error.strip():
            errors[point] = error.strip()
    return errors


def parse_findmnt(stdout: str) -> dict[str, dict[str, Any]]:
    """``findmnt -J -b -l`` output as ``{mount point: {source, fstype, size, used, avail}}``.

    When a mount point is mounted over, the last entry wins: it is the one that is visible and
    holds the data, as in the kernel's mount table order.
    """
    try:
        filesystems = json.loads(stdout)["filesystems"]
    except (ValueError, KeyError, TypeError):
        reason = "output is not findmnt's JSON (no 'filesystems' list)"
        raise FactError(f"findmnt: {reason}") from None
    if not isinstance(filesystems, list) or not filesystems:
        raise FactError("findmnt: no mounted filesystem listed")
    mounts = dict(_mount(entry) for entry in filesystems)
    return dict(sorted(mounts.items()))


def _mount(entry: Any) -> tuple[str, dict[str, Any]]:
    if not isinstance(entry, dict) or not isinstance(entry.get("target"), str):
        raise FactError(f"findmnt: unexpected entry {str(entry)[:80]!r}")
    sizes = {key: entry.get(key) for key in _SIZE_KEYS}
    for key, value in sizes.items():
        if value is not None and (not isinstance(value, int) or isinstance(value, bool)):
            raise FactError(f"findmnt: {entry['target']}: {key} is not a byte count")
    info = {"source": entry.get("source"), "fstype": entry.get("fstype"), **sizes}
    return entry["target"], info


def parse_cpus(stdout: str) -> int:
    """The CPU count printed by ``nproc``."""
    text = stdout.strip()
    if not text.isdigit() or int(text) < 1:
        raise FactError(f"cpus: expected a CPU count, got {text[:40]!r}")
    return int(text)


def parse_meminfo(stdout: str) -> dict[str, int]:
    """MemTotal and MemAvailable in bytes (``/proc/meminfo`` says ``kB``, meaning KiB)."""
    fields: dict[str, int] = {}
    for line in stdout.splitlines():
        key, _, rest = line.partition(":")
        words = rest.split()
        if key in ("MemTotal", "MemAvailable") and words and words[0].isdigit():
            unit = 1024 if words[1:] == ["kB"] else 1
            fields[key] = int(words[0]) * unit
    missing = [key for key in ("MemTotal", "MemAvailable") if key not in fields]
    if missing:
        raise FactError(f"meminfo: no {' or '.join(missing)} in /proc/meminfo")
    return {"memory_total": fields["MemTotal"], "memory_available": fields["MemAvailable"]}


def parse_loadavg(stdout: str) -> list[float]:
    """The 1-, 5- and 15-minute load averages from ``/proc/loadavg``."""
    words = stdout.split()[:3]
    try:
        load = [float(word) for word in words]
    except ValueError:
        load = []
    if len(load) != 3:
        raise FactError(f"loadavg: expected three load averages, got {stdout.strip()[:40]!r}")
    return load
