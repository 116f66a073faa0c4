"""File listings a host cannot forge: ``ls -lb`` lines, read back into paths, sizes and times.

Partners choose the names of the files they upload, and a name may hold spaces, tabs, newlines
or `` -> ``. ``find -printf '%p'`` writes such names raw, so one crafted name could pass for
several files; ``ls -b`` (GNU coreutils) escapes every space, control character and non-ASCII
byte (``a\\ b``, ``\\n``, ``\\303\\251``), so one line is always one file, and the `` -> `` of a
``/proc/PID/fd`` link is the only unescaped arrow on its line. :func:`files_command` lists files
under inventory globs this way (``find ... -exec ls -ldb``); :func:`parse_listing` reads any such
output, ``ls -lb /proc/PID/fd`` included.

Lines that are not listings are kept apart: ``# nomatch PATTERN`` (a glob that matched nothing),
``# pid N`` / ``# later`` section markers the callers print, and ``find:``/``ls:`` errors (a
directory the check account may not enter), each of which costs only its own directory.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass

from drverify.errors import FactError

#: ``ls -l --time-style=+%s[.%N]``: mode, links, owner, group, size, epoch time, name
_LINE = re.compile(r"^([-dlcbps][-rwxsStTl.+]{9}[.+]?) +\d+ +(\S+) +(\S+) +(\d+) +(\d+(?:\.\d+)?) (.+)$")
_ESCAPE = re.compile(r"\\([0-7]{3}|.)", re.DOTALL)
_CONTROL = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11}
#: what ls shows after the target of a /proc/PID/fd link whose file was removed (a literal space:
#: spaces in names are escaped)
DELETED = " (deleted)"


@dataclass(frozen=True)
class Entry:
    """One listed file (or /proc fd link): ``target`` only for links, ``mtime`` in epoch seconds."""

    mode: str
    owner: str
    size: int
    mtime: float
    name: str
    target: str | None = None
    deleted: bool = False


@dataclass
class Listing:
    """What one listing command printed: entries by section, errors and unmatched globs."""

    sections: dict[str, list[Entry]]
    #: by section: the ``find:``/``ls:`` lines printed there
    errors: dict[str, list[str]]
    nomatch: list[str]


def files_command(patterns: Iterable[str], find_tests: str = "", time_format: str = "%s") -> str:
    """List regular files under each glob (globbed on the host, never word-split or evaluated),
    one ``ls -ldb`` line each; a glob that matches nothing prints ``# nomatch GLOB``."""
    quoted = " ".join(shlex.quote(pattern) for pattern in patterns) or "''"
    return (f"IFS=''; for pat in {quoted}; do found=; for d in $pat; do [ -e \"$d\" ] || continue; found=1; "
            f"find \"$d\" -type f {find_tests} -exec ls -ldb --time-style=+{time_format} -- {{}} + 2>&1; done; "
            "[ -n \"$found\" ] || printf '# nomatch %s\\n' \"$pat\"; done")


def unescape(text: str) -> str:
    """The name ``ls -b`` escaped: ``\\ `` a space, ``\\NNN`` a byte, ``\\n`` a newline...; bytes
    that are not UTF-8 stay visible as ``\\xNN``."""
    raw = bytearray()
    position = 0
    for match in _ESCAPE.finditer(text):
        raw += text[position:match.start()].encode()
        code = match.group(1)
        if len(code) == 3:
            raw.append(int(code, 8))
        else:
            raw += bytes([_CONTROL[code]]) if code in _CONTROL else code.encode()
        position = match.end()
    raw += text[position:].encode()
    return raw.decode("utf-8", errors="backslashreplace")


def parse_entry(line: str) -> Entry:
    """One ``ls -lb`` line; :class:`FactError` quoting it when it is not one."""
    match = _LINE.match(line)
    if match is None:
        raise FactError(f"not an ls -lb line: {line[:80]!r}")
    mode, owner, _group, size, mtime, rest = match.groups()
    target = None
    deleted = False
    if mode.startswith("l") and " -> " in rest:
        rest, target = rest.split(" -> ", 1)
        deleted = target.endswith(DELETED)
        target = unescape(target.removesuffix(DELETED))
    return Entry(mode, owner, int(size), float(mtime), unescape(rest), target, deleted)


def parse_listing(stdout: str, first: str = "") -> Listing:
    """Every line of a listing command: entries under the current ``# SECTION`` (``first`` until
    one is named), ``find:``/``ls:`` errors, ``# nomatch`` globs; ``total N`` lines skipped."""
    listing = Listing({first: []}, {}, [])
    section = first
    for line in stdout.splitlines():
        if not line.strip() or line.startswith("total "):
            continue
        if line.startswith("# nomatch "):
            listing.nomatch.append(line.removeprefix("# nomatch "))
        elif line.startswith("# "):
            section = line[2:]
            listing.sections.setdefault(section, [])
        elif line.startswith(("find: ", "ls: ")):
            listing.errors.setdefault(section, []).append(line)
        else:
            listing.sections[section].append(parse_entry(line))
    return listing

