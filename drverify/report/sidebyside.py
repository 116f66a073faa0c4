"""Both values of a drift record side by side, as a person compares them by eye.

Truthful first: the Production column shows production's *own* value; when the pair's translation
changed it, what the comparison really read (the value as it is on the recovery site) is shown
beside each line ("198.51.100.20/25 → 203.0.113.20/25"), and the ≠ marks come from comparing
*that* with recovery, so they land on the lines that really differ.

Every value becomes lines: a mapping ``key: value`` lines, a list one line per element, nested
structure indented (a string holding JSON, like an nft rule, is shown as its structure), never
escaped JSON. Both sides' lines are diffed with :mod:`difflib`, so a missing element marks that
element, not everything after it. difflib can take quadratic time (many equal lines on both
sides), so values too big to read by eye anyway (:data:`DIFF_CELLS`) are marked by a multiset
lookup instead: linear, a line marked when the other side has fewer copies of it (a moved line
is then not marked; the record's message says where the order differs). Each column shows at
most ``max_lines`` lines, then how many more there are (drift.json keeps the whole value). Sizes (a mapping's ``size``, ``used``, ``total``, ``avail``
integers: drverify's facts keep sizes in bytes) read in IEC units, the exact bytes as a tooltip.
``None`` means "absent on that side" and is said in words.
"""

from __future__ import annotations

import difflib
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from drverify.drift.units import human_bytes
from drverify.report.display import MAX_RECORDS

#: mapping keys whose integer values are byte counts
BYTE_KEYS = frozenset({"size", "used", "total", "avail", "available"})
#: a nested value whose one-line form is longer than this is shown indented below its key
INLINE_LIMIT = 100
#: both sides' line counts multiplied: above this, lines are marked in linear time, not by difflib
#: (1,000 × 1,000 equal lines take difflib about 0.1 s; 10,000 × 10,000 about 10 s)
DIFF_CELLS = 1_000_000


@dataclass(frozen=True)
class Line:
    """One line of a value: ``depth`` indents it; ``differs`` marks what the other side lacks or
    has otherwise; ``translated`` is the line as it reads on recovery, when translation changed
    it; ``title`` the tooltip (a size's exact bytes)."""

    text: str
    depth: int = 0
    differs: bool = False
    translated: str | None = None
    title: str | None = None
    #: the ``key:`` or ``-`` the line starts with (kept out of ``translated``)
    label: str = ""


@dataclass(frozen=True)
class ValueView:
    """``kind`` is ``absent``, ``empty``, ``scalar`` or ``lines``; ``note`` names an empty value's
    type (an empty list and an empty string are different findings). ``after`` holds production's
    translated value as its own lines when they do not line up one to one with ``lines``;
    ``more`` counts the lines left out past the cap."""

    kind: str
    lines: tuple[Line, ...] = ()
    note: str = ""
    after: tuple[Line, ...] = ()
    more: int = 0

    @property
    def translated(self) -> bool:
        return bool(self.after) or any(line.translated is not None for line in self.lines)


def _structured(value: Any) -> Any:
    """A string holding a JSON list or object (an nft rule) as that structure; else the value."""
    if isinstance(value, str) and value[:1] in "[{" and value[-1:] in "]}":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _scalar(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _inline(value: Any) -> str:
    """One line: ``{a: 1, b: [x, y]}`` without JSON's quotes and escapes."""
    value = _structured(value)
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{key}: {_inline(item)}" for key, item in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_inline(item) for item in value) + "]"
    return _scalar(value)


def _size(key: Any, value: Any) -> Line | None:
    if key in BYTE_KEYS and isinstance(value, int) and not isinstance(value, bool):
        return Line(f"{key}: {human_bytes(value)}", title=f"{value:,} bytes", label=f"{key}:")
    return None


def _entry(label: str, key: Any, value: Any, depth: int, out: list[Line]) -> None:
    sized = _size(key, value)
    if sized is not None:
        out.append(replace(sized, depth=depth))
        return
    value = _structured(value)
    structured = isinstance(value, (Mapping, list, tuple)) and len(value) > 0
    text = _inline(value)
    if not structured or len(label) + len(text) < INLINE_LIMIT:
        out.append(Line(f"{label} {text}".strip(), depth, label=label))
        return
    out.append(Line(label or "-", depth, label=label or "-"))
    _outline(value, depth + 1, out)


def _outline(value: Any, depth: int, out: list[Line]) -> None:
    if isinstance(value, Mapping):
        for key, item in value.items():
            _entry(f"{key}:", key, item, depth, out)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _entry("" if depth == 0 else "-", None, item, depth, out)
    else:
        out += [Line(text, depth) for text in _scalar(value).splitlines() or [""]]


def outline(value: Any) -> list[Line]:
    """A value as indented lines (see the module docstring)."""
    out: list[Line] = []
    _outline(_structured(value), 0, out)
    return out


def _empty(value: Any) -> ValueView | None:
    notes = {str: "empty string", list: "empty list", tuple: "empty list", dict: "empty mapping"}
    for kind, note in notes.items():
        if isinstance(value, kind) and len(value) == 0:
            return ValueView("empty", note=note)
    return None


def value_view(value: Any) -> ValueView:
    """One side's value as a view, without marks."""
    if value is None:
        return ValueView("absent")
    empty = _empty(value)
    if empty is not None:
        return empty
    lines = outline(value)
    if len(lines) == 1 and lines[0].depth == 0 and not isinstance(_structured(value), (Mapping, list, tuple)):
        return ValueView("scalar", tuple(lines))
    return ValueView("lines", tuple(lines))


def _marks(left: tuple[Line, ...], right: tuple[Line, ...]) -> tuple[list[bool], list[bool]]:
    """Which lines of each side the other lacks or has otherwise: one difflib pass for both,
    or for values past :data:`DIFF_CELLS`, one multiset lookup per line."""
    if len(left) * len(right) > DIFF_CELLS:
        return _lacked(left, right), _lacked(right, left)
    matcher = difflib.SequenceMatcher(None, [(line.depth, line.text) for line in left],
                                      [(line.depth, line.text) for line in right], autojunk=False)
    marks = [False] * len(left), [False] * len(right)
    for tag, start, end, other_start, other_end in matcher.get_opcodes():
        if tag != "equal":
            marks[0][start:end] = [True] * (end - start)
            marks[1][other_start:other_end] = [True] * (other_end - other_start)
    return marks


def _lacked(lines: Sequence[Line], other: Sequence[Line]) -> list[bool]:
    """Each line marked when ``other`` has no copy of it left: hash lookups, linear time."""
    left = Counter((line.depth, line.text) for line in other)
    marks = []
    for line in lines:
        key = (line.depth, line.text)
        found = left[key] > 0
        if found:
            left[key] -= 1
        marks.append(not found)
    return marks


def _flagged(view: ValueView, marks: list[bool]) -> ValueView:
    """The view with its differing lines marked (unmarked lines are kept as they are)."""
    lines = tuple(Line(line.text, line.depth, True, line.translated, line.title, line.label) if mark else line
                  for line, mark in zip(view.lines, marks))
    return replace(view, lines=lines)


def _marked(left: ValueView, right: ValueView) -> tuple[ValueView, ValueView]:
    if left.kind != "lines" or right.kind != "lines":
        return left, right
    marks = _marks(left.lines, right.lines)
    return _flagged(left, marks[0]), _flagged(right, marks[1])


def _with_translation(own: ValueView, compared: ValueView) -> ValueView:
    """Production's own lines, each with its translated text beside it (and the marks of the
    translated comparison); lines that do not pair up go below as ``after``."""
    aligned = own.kind == compared.kind and len(own.lines) == len(compared.lines)
    if not aligned or own.kind not in ("scalar", "lines"):
        return replace(own, after=compared.lines or (Line(f"({compared.note or compared.kind})"),))
    lines = tuple(
        replace(line, differs=twin.differs, translated=_unlabelled(twin) if twin.text != line.text else None)
        for line, twin in zip(own.lines, compared.lines)
    )
    return replace(own, lines=lines)


def _unlabelled(line: Line) -> str:
    """The line's text without its ``key:`` or ``-``: what translation changed is the value."""
    return line.text.removeprefix(line.label).strip() or line.text


def _capped(view: ValueView, max_lines: int) -> ValueView:
    """At most ``max_lines`` lines (and lines after translation), counting the rest."""
    more = max(0, len(view.lines) - max_lines, len(view.after) - max_lines)
    if not more:
        return view
    return replace(view, lines=view.lines[:max_lines], after=view.after[:max_lines], more=more)


def side_by_side(production: Any, recovery: Any, translated: Any = None,
                 max_lines: int = MAX_RECORDS) -> tuple[ValueView, ValueView]:
    """Both columns of one record: production's own value (with ``translated`` beside it when
    set), recovery's value, each marked where it differs from what the other side was compared
    as (over the whole values), then cut at ``max_lines`` lines."""
    compared = value_view(production if translated is None else translated)
    other = value_view(recovery)
    compared, other = _marked(compared, other)
    if translated is not None:
        compared = _with_translation(value_view(production), compared)
    return _capped(compared, max_lines), _capped(other, max_lines)
