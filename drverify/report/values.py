"""How one drift value is shown beside the other side's: absent, empty, a word, lines, or a block.

Drift values are plain JSON-able data. People compare them by eye, so a mapping becomes
``key: value`` lines and a list one line per element, each line marked when the other side lacks
or differs on it; whatever is too big for a line becomes pretty JSON. ``None`` means "absent on
that side" and is said in words, never as an empty cell that could pass for an empty string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

#: a mapping entry or list element longer than this (as compact JSON) turns the value into a block
LINE_LIMIT = 120


@dataclass(frozen=True)
class Line:
    """One line of a value; ``differs`` marks what the other side lacks or has otherwise."""

    text: str
    differs: bool = False


@dataclass(frozen=True)
class ValueView:
    """``kind`` is ``absent``, ``empty``, ``scalar``, ``lines`` or ``block``; ``note`` names an
    empty value's type (an empty list and an empty string are different findings)."""

    kind: str
    lines: tuple[Line, ...] = ()
    note: str = ""


def compact(value: Any) -> str:
    """A string as itself, anything else as one line of JSON (``true``, ``8589934592``, ``[1, 2]``)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "), default=str)


def _block(value: Any) -> ValueView:
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    return ValueView("block", tuple(Line(line) for line in text.splitlines()))


def _empty(value: Any) -> ValueView | None:
    notes = {str: "empty string", list: "empty list", tuple: "empty list", dict: "empty mapping"}
    for kind, note in notes.items():
        if isinstance(value, kind) and len(value) == 0:
            return ValueView("empty", note=note)
    return None


def _mapping(value: dict[Any, Any], other: Any) -> ValueView:
    entries = [(key, f"{key}: {compact(item)}") for key, item in value.items()]
    if any(len(text) > LINE_LIMIT for _, text in entries):
        return _block(value)
    compare = isinstance(other, dict)
    return ValueView(
        "lines",
        tuple(
            Line(text, compare and (key not in other or other[key] != value[key]))
            for key, text in entries
        ),
    )


def _sequence(value: list[Any] | tuple[Any, ...], other: Any) -> ValueView:
    texts = [compact(item) for item in value]
    if any(len(text) > LINE_LIMIT or "\n" in text for text in texts):
        return _block(list(value))
    compare = isinstance(other, (list, tuple))
    return ValueView(
        "lines",
        tuple(Line(text, compare and item not in other) for item, text in zip(value, texts)),
    )


def value_view(value: Any, other: Any = None) -> ValueView:
    """Prepare ``value`` for display beside ``other`` (the same item on the other host)."""
    if value is None:
        return ValueView("absent")
    empty = _empty(value)
    if empty is not None:
        return empty
    if isinstance(value, dict):
        return _mapping(value, other)
    if isinstance(value, (list, tuple)):
        return _sequence(value, other)
    text = compact(value)
    if "\n" in text:
        return ValueView("block", tuple(Line(line) for line in text.splitlines()))
    return ValueView("scalar", (Line(text),))
