"""Reading a transfer log from a host: bounded, in either format the inventory may name.

A busy server's log holds years of transfers; the failback areas need its recent part. The
command reads only the last ``transfer_log_max_mib`` MiB (``tail -c``) and says how large the
file was, so the facts say when the log was cut and from which time on it was read (the first
whole line after the cut). Rotated files (``xferlog.1``) are not read.

Formats (``transfer_log_format``):

- ``xferlog``: xferlog(5), see :mod:`drverify.facts.mft.xferlog` (ProFTPD, vsftpd, wu-ftpd...).
- ``csv``: for products that log otherwise (GoAnywhere, MOVEit, Cerberus, SFTPGo...), whose
  audit or report export a scheduled job writes as ``time,user,direction,path,size[,status]``:
  ``time`` ISO 8601 (with or without offset) or epoch seconds, ``direction``
  ``upload|download|delete`` (or ``i|o|d``), ``status`` ``complete|incomplete`` (or ``c|i``;
  complete when absent). Columns are fixed, so a cut log needs no header; a first line starting
  ``time,`` is skipped. Paths are compared as written: write the server's own (absolute) paths.

Times without an offset are the host's local time: the ``clock`` command's ``date '+%s %z'``
gives its current offset, used for every line (an entry within an hour of a daylight-saving
change may be an hour off). Lines that cannot be read are counted, and the first is quoted.
"""

from __future__ import annotations

import csv
import functools
import re
import shlex
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.facts.mft import xferlog
from drverify.inventory.mft import MftChecks

MIB = 1024 * 1024
CLOCK = "date '+%s %z'"
_DIRECTIONS = {"upload": "i", "download": "o", "delete": "d", "i": "i", "o": "o", "d": "d"}
_HEADER = re.compile(r"^size (\d+) limit (\d+) format (xferlog|csv)$")
_STATUS = {"complete": True, "incomplete": False, "c": True, "i": False, "": True}


def log_command(path: str, max_bytes: int, log_format: str) -> str:
    """A header (the log's size, the limit and the format, so the output reads alone), then the
    log's last ``max_bytes`` bytes."""
    quoted = shlex.quote(path)
    return (f"s=$(stat -L -c %s -- {quoted}) || exit 1; "
            f"printf 'size %s limit {int(max_bytes)} format {shlex.quote(log_format)}\\n' \"$s\"; "
            f"tail -c {int(max_bytes)} -- {quoted}")


def max_bytes(mft: MftChecks) -> int:
    """How much of the log's end is read: ``transfer_log_max_mib`` in bytes."""
    return int(mft.transfer_log_max_mib * MIB)


def window(log: Mapping[str, Any]) -> dict[str, Any]:
    """How the log was read: its size, the limit, whether it was cut, the time of its first
    transfer read, the lines that could not be."""
    transfers = log["transfers"]
    found = {"size": log["size"], "limit": log["limit"], "cut": log["cut"],
             "from": transfers[0]["time"] if transfers else None, "unparsed": log["unparsed"]}
    return {**found, "first_unparsed": log["first_unparsed"]} if log["unparsed"] else found


def clock(outputs: Mapping[str, Output]) -> tuple[int, timezone]:
    """The host's time (epoch seconds) and its UTC offset, from :data:`CLOCK`."""
    text = require(outputs, "clock").split()
    if len(text) != 2 or not text[0].isdigit() or len(text[1]) != 5 or not text[1][1:].isdigit():
        raise FactError(f"clock: {' '.join(text)[:40]!r} is not 'EPOCH +HHMM'")
    sign = -1 if text[1][0] == "-" else 1
    offset = timedelta(hours=int(text[1][1:3]), minutes=int(text[1][3:5])) * sign
    return int(text[0]), timezone(offset)


def read_log(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """The transfers of the ``log`` command's output, oldest first, with how the log was read:
    ``{"transfers": [...], "size": bytes, "limit": bytes, "cut": bool, "unparsed": n,
    "first_unparsed": line}``."""
    header, _, body = require(outputs, "log").partition("\n")
    match = _HEADER.match(header)
    if match is None:
        raise FactError(f"log: {header[:60]!r} is not 'size N limit N format F'")
    size, limit, log_format = int(match.group(1)), int(match.group(2)), match.group(3)
    cut = size > limit or len(body.encode()) >= limit
    lines = body.splitlines()[1:] if cut else body.splitlines()
    tz = clock(outputs)[1]
    transfers, unparsed = [], []
    for line in lines:
        if not line.strip() or (log_format == "csv" and line.startswith("time,")):
            continue
        try:
            transfers.append(_parse(line, log_format, tz))
        except ValueError as error:
            unparsed.append(f"{error}: {line[:120]!r}")
    facts: dict[str, Any] = {"transfers": transfers, "size": size, "limit": limit, "cut": cut,
                             "unparsed": len(unparsed)}
    if unparsed:
        facts["first_unparsed"] = unparsed[0]
    return facts


def _parse(line: str, log_format: str, tz: timezone) -> dict[str, Any]:
    if log_format == "csv":
        return _csv_line(line, tz)
    entry = xferlog.parse_line(line)
    return _transfer(_epoch(entry.time, tz), entry.user, entry.direction, entry.path, entry.size,
                     entry.complete, entry.service)


def _transfer(epoch: int, user: str, direction: str, path: str, size: int, complete: bool,
              service: str = "") -> dict[str, Any]:
    return {"time": epoch, "user": user, "direction": direction, "path": path, "size": size,
            "complete": complete, "service": service}


def _csv_line(line: str, tz: timezone) -> dict[str, Any]:
    fields = next(csv.reader([line]))
    if len(fields) not in (5, 6):
        raise ValueError(f"{len(fields)} columns, expected time,user,direction,path,size[,status]")
    when, user, direction, path, size, *status = (field.strip() for field in fields)
    if direction.lower() not in _DIRECTIONS:
        raise ValueError(f"direction {direction!r} is not upload, download or delete")
    if not size.isdigit():
        raise ValueError(f"size {size!r} is not a number")
    state = status[0].lower() if status else ""
    if state not in _STATUS:
        raise ValueError(f"status {state!r} is not complete or incomplete")
    return _transfer(_epoch(when, tz), user, _DIRECTIONS[direction.lower()], path, int(size), _STATUS[state])


@functools.lru_cache(maxsize=4096)
def _epoch(text: str, tz: timezone) -> int:
    """Epoch seconds of an ISO 8601 time (the host's offset when it has none) or of epoch text."""
    if text.isdigit():
        return int(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"time {text!r} is not ISO 8601 or epoch seconds") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=tz)).astimezone(UTC).timestamp())
