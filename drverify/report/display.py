"""How things are said to a person: times, ages, where facts came from, short reasons.

Times are shown in UTC, snapshot ages in minutes, hours or days. Drift values side by side are
:mod:`drverify.report.sidebyside`'s.
"""

from __future__ import annotations

from datetime import UTC, datetime

from drverify.report.results import HostInfo

#: how much of an unverified reason fits in a matrix cell; the whole reason is the tooltip
SHORT_REASON = 60


def format_age(seconds: float | None) -> str:
    """Say how old a snapshot is in the unit a person thinks in: minutes, hours, then days."""
    if seconds is None:
        return "age unknown"
    if seconds < 0:
        return "dated in the future (check the clocks)"
    minutes, hours, days = int(seconds // 60), int(seconds // 3600), int(seconds // 86400)
    if minutes < 1:
        return "less than a minute old"
    if hours < 1:
        return plural(minutes, "minute") + " old"
    if hours < 48:
        return plural(hours, "hour") + " old"
    return plural(days, "day") + " old"


def plural(count: int, unit: str) -> str:
    """``1 day``, ``6 days``: the few English plurals the report needs."""
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def format_time(value: datetime | str | None) -> str:
    """``2026-11-20 08:00 UTC``; a naive time is shown without a zone, unparsable text as given."""
    if value is None or value == "":
        return "unknown time"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is None:
        return value.strftime("%Y-%m-%d %H:%M")
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def describe_source(host: HostInfo) -> str:
    """Where one side's facts came from: ``snapshot, taken 2026-11-20 08:00 UTC, 6 days old``;
    a host nothing could be read from says why, never "live"."""
    if host.error is not None:
        return f"could not be {'read' if host.source == 'snapshot' else 'reached'}: {host.error}"
    when = format_time(host.collected_at)
    if host.source == "snapshot":
        return f"snapshot, taken {when}, {format_age(host.age_seconds)}"
    return f"{host.source}, collected {when}"


def shorten(text: str, limit: int = SHORT_REASON) -> str:
    """One line, cut at a word boundary: the cell shows the gist, the tooltip the whole reason."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(" ,;:") + "…"
