"""How things are said to a person: drift values side by side, times, ages, short reasons.

Drift values are plain JSON-able data. People compare them by eye, so a mapping becomes
``key: value`` lines and a list one line per element, each line marked when the other side lacks
or differs on it; whatever is too big for a line becomes pretty JSON. ``None`` means "absent on
that side" and is said in words, never as an empty cell that could pass for an empty string.
Times are shown in UTC, snapshot ages in minutes, hours or days.

Snapshot-sized values stay readable and cheap: whether a line differs is a hash lookup, never a
scan of the other side (a chain of 100,000 rules is marked in linear time), and a value shows
at most ``max_lines`` lines, the count of the rest said after them (drift.json keeps them all).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from drverify.report.results import HostInfo

#: how much of an unverified reason fits in a matrix cell; the whole reason is the tooltip
SHORT_REASON = 60
#: a mapping entry or list element longer than this (as compact JSON) turns the value into a block
LINE_LIMIT = 120
#: records per area and lines per value the HTML shows by default (``--max-records``)
MAX_RECORDS = 500


@dataclass(frozen=True)
class Line:
    """One line of a value; ``differs`` marks what the other side lacks or has otherwise."""

    text: str
    differs: bool = False


@dataclass(frozen=True)
class ValueView:
    """``kind`` is ``absent``, ``empty``, ``scalar``, ``lines`` or ``block``; ``note`` names an
    empty value's type (an empty list and an empty string are different findings); ``more``
    counts the lines left out past the cap."""

    kind: str
    lines: tuple[Line, ...] = ()
    note: str = ""
    more: int = 0


def compact(value: Any) -> str:
    """A string as itself, anything else as one line of JSON (``true``, ``8589934592``)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _capped(kind: str, lines: list[Line], max_lines: int) -> ValueView:
    return ValueView(kind, tuple(lines[:max_lines]), more=max(0, len(lines) - max_lines))


def _block(value: Any, max_lines: int) -> ValueView:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return _capped("block", [Line(line) for line in text.splitlines()], max_lines)


def _empty(value: Any) -> ValueView | None:
    notes = {str: "empty string", list: "empty list", tuple: "empty list", dict: "empty mapping"}
    for kind, note in notes.items():
        if isinstance(value, kind) and len(value) == 0:
            return ValueView("empty", note=note)
    return None


def _mapping(value: dict[Any, Any], other: Any, max_lines: int) -> ValueView:
    entries = [(key, f"{key}: {compact(item)}") for key, item in value.items()]
    if any(len(text) > LINE_LIMIT for _, text in entries):
        return _block(value, max_lines)
    compare = isinstance(other, dict)
    lines = [Line(text, compare and (key not in other or other[key] != value[key]))
             for key, text in entries[:max_lines]]
    return ValueView("lines", tuple(lines), more=len(entries) - len(lines))


def _sequence(value: list[Any] | tuple[Any, ...], other: Any, max_lines: int) -> ValueView:
    texts = [compact(item) for item in value]
    if any(len(text) > LINE_LIMIT or "\n" in text for text in texts):
        return _block(list(value), max_lines)
    lacks = _lacked_by(other) if isinstance(other, (list, tuple)) else None
    lines = [Line(text, lacks is not None and lacks(item)) for item, text in zip(value[:max_lines], texts)]
    return ValueView("lines", tuple(lines), more=len(value) - len(lines))


@dataclass(frozen=True)
class _Frozen:
    """A list, tuple or dict as a hashable key, equal exactly when the values are equal."""

    kind: str
    parts: Hashable


def _frozen(value: Any) -> Hashable:
    """``value`` as a hashable key; TypeError for what is neither JSON-like nor hashable."""
    if isinstance(value, dict):
        return _Frozen("dict", frozenset((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return _Frozen("list" if isinstance(value, list) else "tuple", tuple(_frozen(item) for item in value))
    hash(value)
    return value


def _lacked_by(other: list[Any] | tuple[Any, ...]) -> Callable[[Any], bool]:
    """``item not in other`` by hash lookup: one pass over ``other``, not one per item. A value
    that cannot be made a key (not JSON-like, or nested too deep) is looked for as before."""
    try:
        keys = {_frozen(item) for item in other}
    except (TypeError, RecursionError):
        return lambda item: item not in other

    def lacks(item: Any) -> bool:
        try:
            return _frozen(item) not in keys
        except (TypeError, RecursionError):
            return item not in other

    return lacks


def value_view(value: Any, other: Any = None, max_lines: int = MAX_RECORDS) -> ValueView:
    """Prepare ``value`` for display beside ``other`` (the same item on the other host): at
    most ``max_lines`` lines, with the count of the rest."""
    if value is None:
        return ValueView("absent")
    empty = _empty(value)
    if empty is not None:
        return empty
    if isinstance(value, dict):
        return _mapping(value, other, max_lines)
    if isinstance(value, (list, tuple)):
        return _sequence(value, other, max_lines)
    text = compact(value)
    if "\n" in text:
        return _capped("block", [Line(line) for line in text.splitlines()], max_lines)
    return ValueView("scalar", (Line(text),))


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
    """Where one side's facts came from: ``snapshot, taken 2026-11-20 08:00 UTC, 6 days old``."""
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
