"""Reading a snapshot file safely: a regular file, of bounded size, strict JSON of bounded depth.

A snapshot is not trusted (anyone who can write the file, or the host it describes, chose its
contents), so reading one must never hang, exhaust memory or crash the run, whatever it is:

- only a regular file is read. It is opened with ``O_NONBLOCK`` and checked with ``fstat``
  before any read, so a FIFO (which would block until a writer came), a directory, a device
  (``/dev/zero`` never ends) or a socket is refused with one line saying what it is;
- at most :data:`MAX_SNAPSHOT_BYTES` are read; a larger file is refused without being read;
- the JSON is strict: a key twice in one object is refused (which one counts would be a guess),
  so is nesting deeper than :data:`MAX_DEPTH` (or than the parser can recurse). A number Python
  would make ``nan``/``inf`` (``NaN``, ``Infinity``, ``1e999``) or an integer longer than
  :data:`MAX_INTEGER_DIGITS` digits becomes a :class:`BadNumber`, which no schema type accepts:
  the area holding it is refused with its key path, the others are still read.

Every failure is :class:`Unreadable`, whose message is the cause in a few words.
"""

from __future__ import annotations

import json
import math
import os
import stat
from pathlib import Path
from typing import Any

#: a snapshot of 100k users, rules or set elements is a few tens of MiB; far more is not a snapshot
MAX_SNAPSHOT_BYTES = 256 * 1024 * 1024
#: objects and lists inside one another; drverify's facts nest about 10 deep
MAX_DEPTH = 64
#: an integer this long is already beyond any size, id or port (2**64 has 20 digits)
MAX_INTEGER_DIGITS = 40

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class Unreadable(ValueError):
    """The file cannot be used as a snapshot at all; the message says why in a few words."""


class BadNumber:
    """A JSON number drverify refuses (``NaN``, ``Infinity``, ``1e999``, a 50-digit integer),
    kept as its text so a message can quote it; never equal to anything, never a number."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def read_snapshot_text(path: Path) -> str:
    """The file's text, if it is a regular UTF-8 file of at most :data:`MAX_SNAPSHOT_BYTES`."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        raise Unreadable(_kind(path) or f"cannot read the snapshot: {error.strerror}") from None
    try:
        data = _regular_file_bytes(descriptor)
    finally:
        os.close(descriptor)
    if len(data) > MAX_SNAPSHOT_BYTES:
        raise Unreadable(f"the snapshot is more than the {MAX_SNAPSHOT_BYTES} bytes a snapshot may have")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Unreadable(f"the snapshot is not UTF-8 text (byte {error.start})") from None


def _regular_file_bytes(descriptor: int) -> bytes:
    """At most one byte more than a snapshot may have, from an open regular file only."""
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        raise Unreadable(f"the snapshot is {_kind_of(status.st_mode)}, not a regular file")
    if status.st_size > MAX_SNAPSHOT_BYTES:
        raise Unreadable(f"the snapshot is {status.st_size} bytes, more than the "
                         f"{MAX_SNAPSHOT_BYTES} a snapshot may have")
    chunks, left = [], MAX_SNAPSHOT_BYTES + 1
    while left > 0:
        try:
            chunk = os.read(descriptor, min(left, 1 << 20))
        except OSError as error:
            raise Unreadable(f"cannot read the snapshot: {error.strerror}") from None
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _kind(path: Path) -> str | None:
    """What a path that could not be opened is, when that is the reason (a socket: ENXIO)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    return None if stat.S_ISREG(mode) else f"the snapshot is {_kind_of(mode)}, not a regular file"


def _kind_of(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a file")


def loads_strict(text: str, what: str = "the snapshot") -> Any:
    """``text`` as JSON, strictly (see the module docstring); :class:`Unreadable` otherwise."""
    try:
        document = json.loads(text, object_pairs_hook=_object, parse_constant=BadNumber,
                              parse_float=_float, parse_int=_int)
    except _Duplicate as error:
        raise Unreadable(f"{what} has the key {error} twice in one object") from None
    except RecursionError:
        raise Unreadable(f"{what} nests objects and lists more than {MAX_DEPTH} deep") from None
    except ValueError as error:
        raise Unreadable(f"{what} is not valid JSON: {error}") from None
    if depth_exceeds(document, MAX_DEPTH):
        raise Unreadable(f"{what} nests objects and lists more than {MAX_DEPTH} deep")
    return document


def depth_exceeds(document: Any, limit: int) -> bool:
    """Whether objects and lists nest deeper than ``limit``; iterative, so any depth the parser
    built is measured without recursing (the parser itself stops near Python's recursion limit)."""
    stack = [(document, 1)] if isinstance(document, (dict, list)) else []
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


class _Duplicate(Exception):
    """A key seen twice in one object; the message is the key, quoted."""


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(_quoted(key))
            seen.add(key)
    return found


def _quoted(text: str) -> str:
    shown = repr(text)
    return shown if len(shown) <= 120 else shown[:117] + "..."


def _float(text: str) -> float | BadNumber:
    value = float(text)
    return value if math.isfinite(value) else BadNumber(text[:40])


def _int(text: str) -> int | BadNumber:
    digits = text.lstrip("-")
    return int(text) if len(digits) <= MAX_INTEGER_DIGITS else BadNumber(f"{text[:20]}... ({len(digits)} digits)")
