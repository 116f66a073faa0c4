"""A parser of xferlog(5) lines: the transfer log of ProFTPD (mod_sftp's SFTP transfers included),
wu-ftpd, vsftpd (``xferlog_std_format``) and pure-ftpd's ``xferlog`` output.

One line per transfer, whitespace-separated::

    Mon Nov 30 23:21:15 2026 0 localhost 1234 /srv/mft/acme/inbound/orders_2026-11.csv b _ i r acme sftp 0 * c
    \\___ current time (local) _/ | \\remote  \\size \\ filename                      type | | |  user  |  | |  \\status
                        transfer secs                                         action flag / | access svc | auth id
                                                                                  direction  auth method

Direction ``i`` is an upload, ``o`` a download, ``d`` a deletion; status ``c`` complete, ``i``
incomplete (an aborted upload still leaves its partial file). The time is the server's local
time, without a zone: :func:`parse_line` returns it as written, and the caller, who knows the
host's UTC offset, makes it absolute.

ProFTPD writes a name's whitespace as ``_`` (``orders 2026-11.csv`` is logged as
``orders_2026-11.csv``); servers that do not are read too, since the filename is whatever lies
between the size and the last nine fields. :func:`log_name` gives the logged form of a name, so
a file found on disk can be matched with its log line.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from typing import NamedTuple

#: the fields after the filename: type, action flag, direction, access mode, user, service,
#: authentication method, authenticated user id, completion status
_TAIL = 9
_HEAD = 8  #: five of the time, transfer time, remote host, size
DIRECTIONS = ("i", "o", "d")
_WHITESPACE = re.compile(r"\s")
_MONTHS = {name: number for number, name in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1)}


class Transfer(NamedTuple):
    """One logged transfer; ``time`` is the server's local time as ISO 8601 without a zone."""

    time: str
    user: str
    direction: str
    path: str
    size: int
    complete: bool
    service: str
    remote: str


def parse_line(line: str) -> Transfer:
    """One xferlog line; ``ValueError`` saying what is wrong with it."""
    fields = line.split()
    if len(fields) < _HEAD + 1 + _TAIL:
        raise ValueError(f"{len(fields)} fields, expected at least {_HEAD + 1 + _TAIL}")
    when = local_time(" ".join(fields[:5]))
    size = fields[7]
    _type, _flag, direction, _access, user, service, _method, _auth_id, status = fields[-_TAIL:]
    if not size.isdigit():
        raise ValueError(f"file size {size!r} is not a number")
    if direction not in DIRECTIONS:
        raise ValueError(f"direction {direction!r} is not i, o or d")
    if status not in ("c", "i"):
        raise ValueError(f"completion status {status!r} is not c or i")
    return Transfer(when, user, direction, " ".join(fields[_HEAD:-_TAIL]), int(size),
                    status == "c", service, fields[6])


@functools.lru_cache(maxsize=4096)
def local_time(text: str) -> str:
    """``Mon Nov 30 23:21:15 2026`` as ISO 8601 (``2026-11-30T23:21:15``); read by hand and
    remembered, since a log's lines share their seconds and ``strptime`` is most of the cost of
    a big log."""
    try:
        _weekday, month, day, clock, year = text.split()
        hour, minute, second = clock.split(":")
        return datetime(int(year), _MONTHS[month], int(day), int(hour), int(minute), int(second)).isoformat()
    except (ValueError, KeyError):
        raise ValueError(f"time {text!r} is not 'Mon Nov 30 23:21:15 2026'") from None


def log_name(path: str) -> str:
    """How ProFTPD writes ``path`` in its transfer log: every whitespace character as ``_``."""
    return _WHITESPACE.sub("_", path)
