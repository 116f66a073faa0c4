"""How the MFT failback areas name things in records: times, ages and the paths in find's errors."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from drverify.drift.records import Context


def utc(epoch: float) -> str:
    """An epoch time as ISO 8601 UTC (hosts log in their local time; reports speak UTC)."""
    return datetime.fromtimestamp(epoch, UTC).isoformat()


def hours(seconds: float) -> float:
    """An age in hours, one decimal (a clock slightly ahead never gives a negative age)."""
    return round(max(seconds, 0) / 3600, 1)


def quoted_path(line: str) -> str:
    """The path a ``find: 'PATH': reason`` line names (the whole line when it names none)."""
    start, end = line.find("'"), line.rfind("'")
    return line[start + 1:end] if 0 <= start < end else line


def amount(size: int) -> str:
    """A byte count as people read it: ``700 bytes``, ``16 MiB``."""
    return f"{size / 1048576:.3g} MiB" if size >= 1048576 else f"{size} bytes"


def listing(facts: Mapping[str, Any], key: str, gaps: str, what: str, glob_label: str,
            ctx: Context[Any]) -> Any | None:
    """A listing recovery made of its files (``facts[key]``), each gap in it unverified: the lines
    ``find`` could not read (``{gaps}_errors``) and the globs that matched nothing
    (``{gaps}_nomatch``), so a file that could not be looked at is never taken for no file."""
    found = ctx.listed(facts, key, "recovery", what)
    for line in facts.get(f"{gaps}_errors") or []:
        ctx.unverified(f"{what} {quoted_path(line)}", "recovery", line)
    for glob in facts.get(f"{gaps}_nomatch") or []:
        ctx.unverified(f"{glob_label} {glob}", "recovery", "matches nothing on recovery")
    return found
