"""How the MFT failback areas name things in records: times, ages and the paths in find's errors."""

from __future__ import annotations

from datetime import UTC, datetime


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
