"""How things are said to a person: times, ages, where facts came from, short reasons, caps.

Times are shown in UTC, snapshot ages in minutes, hours or days. Drift values side by side are
:mod:`drverify.report.sidebyside`'s. A list cut at ``--max-records`` (:data:`MAX_RECORDS`) says
how many more there are and where they are (:func:`left_out`): drift.json keeps them all. A run's
provenance is said one line per fact (:func:`flat`) in the Environment table, summary.md and JUnit.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from drverify.report.results import HostInfo

#: how much of an unverified reason fits in a matrix cell; the whole reason is the tooltip
SHORT_REASON = 60
#: records per check, lines per value and unverified items the reports show by default (``--max-records``)
MAX_RECORDS = 500


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


def left_out(count: int) -> str:
    """``… and 1,234 more: all are in drift.json`` after a capped list (empty when none is left
    out): a reader knows the list is not whole, and where the rest is."""
    return f"… and {count:,} more: all are in drift.json" if count > 0 else ""


def shorten(text: str, limit: int = SHORT_REASON) -> str:
    """One line, cut at a word boundary: the cell shows the gist, the tooltip the whole reason."""
    line = " ".join(text.split())
    if len(line) <= limit:
        return line
    cut = line[: limit - 1].rsplit(" ", 1)[0] or line[: limit - 1]
    return cut.rstrip(" ,;:") + "…"


def _at(found: Mapping[str, Any], *keys: str) -> Any:
    """``found[k1][k2]...``, or None where a level is missing (a drift.json of another version)."""
    value: Any = found
    for key in keys:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def flat(found: Mapping[str, Any]) -> dict[str, str]:
    """A run's provenance (:func:`drverify.provenance.provenance`) one line per fact, for
    pytest-metadata's Environment table, summary.md and the JUnit properties."""
    dependencies = _at(found, "dependencies") or {}
    sha = _at(found, "inventory", "sha256")
    lines = {
        "drverify": _at(found, "drverify"),
        "inventory": _at(found, "inventory", "path"),
        "inventory sha256": sha or "unreadable",
        "selection": _at(found, "selection", "summary"),
        "operator": _at(found, "operator"),
        "started": _at(found, "started_at"),
        "finished": _at(found, "finished_at"),
        "duration seconds": _at(found, "duration_seconds"),
        "ticket": _at(found, "ticket"),
        "drill": _at(found, "drill"),
        "dependencies": ", ".join(f"{name} {version}" for name, version in dependencies.items()) or None,
    }
    waivers, baseline = _at(found, "waivers"), _at(found, "baseline")
    if waivers:
        lines["waivers"] = f"{waivers['path']} ({waivers['in_force']} in force, {waivers['expired']} expired)"
        lines["waivers sha256"] = waivers["sha256"]
    if baseline:
        lines["baseline"] = baseline["path"]
    return {key: str(value) for key, value in lines.items() if value is not None}


def titled(found: Mapping[str, Any]) -> dict[str, str]:
    """:func:`flat` with each name capitalised, as the Environment table and summary.md show it."""
    return {key[0].upper() + key[1:]: value for key, value in flat(found).items()}
