"""A schema violation as one line: the key path, what was expected, and what was there.

Snapshot contents are hostile until checked, and so are the keys in a path (a user name is a
key): every value and every unusual key is shown through :func:`shown`, ``repr``-escaped (no
control character or lone surrogate reaches a terminal or a JSON writer) and cut to
:data:`SHOWN` characters.
"""

from __future__ import annotations

import re
import reprlib
from typing import Any

from pydantic import ValidationError

#: how much of a value a message quotes
SHOWN = 120

_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = SHOWN
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist = 2, 4, 4

#: what each kind of error expected, for pydantic's own error types
_EXPECTED = {
    "string_type": "expected a string",
    "string_unicode": "expected text without lone surrogates",
    "dict_type": "expected an object",
    "model_type": "expected an object",
    "list_type": "expected a list",
    "bool_type": "expected true or false",
    "int_type": "expected an integer",
    "float_type": "expected a number",
}


def shown(value: Any) -> str:
    """``value`` as a message quotes it: repr-escaped, at most :data:`SHOWN` characters."""
    text = _REPR.repr(value)
    return text if len(text) <= SHOWN else text[:SHOWN - 3] + "..."


def describe(error: ValidationError) -> str:
    """The first problem, ``users.alice.uid: expected ..., got 'x'``, and how many more."""
    problems = error.errors(include_url=False)
    more = len(problems) - 1
    return describe_one(problems[0]) + (f" (and {more} more problem{'s' * (more > 1)})" if more else "")


def describe_one(problem: dict[str, Any]) -> str:
    loc = tuple(problem["loc"])
    if loc[-1:] == ("[key]",):
        return _at(key_path(loc[:-2]), f"a key: {_problem(problem)}")
    return _at(key_path(loc), _problem(problem))


def _at(path: str, text: str) -> str:
    return f"{path}: {text}" if path else text


def key_path(loc: tuple[Any, ...]) -> str:
    """``mounts./srv.size``, ``routes[2].dst``: keys joined by dots, list indices in brackets."""
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + _component(str(item)))
    return "".join(parts)


def _component(key: str) -> str:
    """A key as it reads in a path; one with anything unusual in it is quoted and escaped."""
    return key if key.isprintable() and 0 < len(key) <= SHOWN else shown(key)


def _problem(problem: dict[str, Any]) -> str:
    kind, context, value = problem["type"], problem.get("ctx") or {}, problem.get("input")
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return "unknown key"
    if kind in ("too_long", "too_short"):
        bound = "at most" if kind == "too_long" else "at least"
        limit = context.get("max_length" if kind == "too_long" else "min_length")
        return f"expected {bound} {limit} entries, got {len(value) if hasattr(value, '__len__') else shown(value)}"
    if kind == "string_too_long":
        return f"expected at most {context.get('max_length')} characters, got {len(value)}: {shown(value)}"
    if kind == "string_pattern_mismatch":
        return f"{_pattern_problem(str(context.get('pattern', '')), value)}, got {shown(value)}"
    if kind == "literal_error":
        return f"expected {context.get('expected')}, got {shown(value)}"
    expected = context.get("expected") if "got" in context else _EXPECTED.get(kind, problem["msg"])
    return f"{expected}, got {shown(context.get('got', value))}"


def _pattern_problem(pattern: str, value: Any) -> str:
    """The schema's patterns are ``^[^REFUSED]*$`` (characters a field may not hold) or a port."""
    if not pattern.startswith("^[^"):
        return "expected a port number"
    found = re.search(f"[{pattern[3:-3]}]", str(value))
    return f"expected no control character (found {shown(found.group()) if found else 'one'})"
