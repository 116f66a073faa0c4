"""ProFTPD's own view of its sessions: ``ftpwho -o json`` on the instance's scoreboard, and the
files each session process holds open.

``ftpwho`` shows an FTP transfer (``"command": "STOR"``, ``"uploading": true``) but shows a
mod_sftp session as idle between SFTP requests, even in the middle of an upload (found on the
lab, ProFTPD 1.3.8). A ProFTPD session process holds a file open exactly while it transfers it,
so the evidence of an SFTP transfer in flight is the session's file descriptors: one command
prints the ``ftpwho`` answer and then, for every pid in it, ``ls -lb /proc/PID/fd/`` (a link
shows its open mode: ``l-wx------`` written, ``lr-x------`` read), all from one moment. Reading
another user's ``/proc/PID/fd`` needs root (``sudo: true``); a pid whose descriptors could not
be listed keeps its reason, and its session is still seen.

Facts (``sessions`` by ftpwho, ``open_files`` by pid, only links to paths: sockets and pipes
are left out)::

    {"sessions": [{"id": "pid 30086", "pid": 30086, "user": "acme", "protocol": "sftp",
                   "remote": "127.0.0.1", "since": 1796081146, "command": null,
                   "transfers": []},
                  {"id": "pid 30087", ..., "protocol": "ftp", "command": "STOR inbound/a.edi",
                   "transfers": [{"direction": "upload", "path": "inbound/a.edi", "bytes": 49152}]}],
     "open_files": {"30086": [{"path": "/srv/mft/acme/inbound/big upload.bin", "mode": "w",
                               "deleted": false}, ...]},
     "open_files_errors": {"30087": "ls: cannot open directory '/proc/30087/fd/': Permission denied"}}
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import NOT_FOUND, TIMED_OUT, Output
from drverify.facts.mft.listing import Entry, parse_listing

_PID_MARK = "# pid "


def sessions_command(scoreboard: str) -> str:
    """ftpwho's JSON, then each listed pid's open files (``# pid N`` before each listing)."""
    return (f"w=$(ftpwho -o json -f {shlex.quote(scoreboard)}) || exit $?; printf '%s\\n' \"$w\"; "
            "for p in $(printf '%s\\n' \"$w\" | sed -n 's/^ *\"pid\": \\([0-9][0-9]*\\),\\{0,1\\}$/\\1/p'); do "
            "printf '# pid %s\\n' \"$p\"; ls -lb --time-style=+%s -- \"/proc/$p/fd/\" 2>&1; done; exit 0")


def sessions_output(output: Output | None) -> str:
    """The command's stdout, or :class:`FactError` with ftpwho's own first line (its last one
    is advice about compile-time defaults, not the cause)."""
    if output is None:
        raise FactError("ftpwho: no output came back")
    if not output.ok:
        said = next((line.strip() for line in output.stderr.splitlines() if line.strip()), "")
        raise FactError(output.reason("ftpwho") if output.rc in (TIMED_OUT, NOT_FOUND) or not said
                        else f"ftpwho: exit status {output.rc}: {said}")
    return output.stdout


def parse_sessions(stdout: str) -> dict[str, Any]:
    """The sessions ftpwho lists and the files their processes hold open."""
    head, mark, tail = stdout.partition(f"\n{_PID_MARK}")
    try:
        document = json.loads(head)
    except ValueError as error:
        raise FactError(f"ftpwho: not JSON: {error}: {head[:80]!r}") from None
    connections = document.get("connections", []) if isinstance(document, dict) else None
    if not isinstance(connections, list):
        raise FactError(f"ftpwho: no connections list in {head[:80]!r}")
    sessions = [_session(entry) for entry in connections]
    listing = parse_listing(mark.lstrip("\n") + tail if mark else "")
    return {
        "sessions": sessions,
        "open_files": {section.removeprefix("pid "): [_open(entry) for entry in entries if _is_path(entry)]
                       for section, entries in listing.sections.items()
                       if section and section not in listing.errors},
        "open_files_errors": {section.removeprefix("pid "): lines[-1]
                              for section, lines in listing.errors.items() if section},
    }


def _session(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict) or not isinstance(entry.get("pid"), int):
        raise FactError(f"ftpwho: a connection without a pid: {str(entry)[:80]!r}")
    since = entry.get("connected_since_ms")
    command = " ".join(str(entry[key]) for key in ("command", "command_args") if entry.get(key))
    return {
        "id": f"pid {entry['pid']}",
        "pid": entry["pid"],
        "user": _text(entry.get("user")),
        "protocol": _text(entry.get("protocol")),
        "remote": _text(entry.get("remote_address")) or "",
        "since": since // 1000 if isinstance(since, int) else None,
        "command": command or None,
        "transfers": _transfers(entry),
    }


def _transfers(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """What ftpwho says the session is moving (FTP only: mod_sftp sessions read as idle)."""
    moved = entry.get("transfer_bytes")
    return [{"direction": direction, "path": _text(entry.get("command_args")),
             "bytes": moved if isinstance(moved, int) else None}
            for direction, key in (("upload", "uploading"), ("download", "downloading"))
            if entry.get(key) is True]


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _is_path(entry: Entry) -> bool:
    return entry.target is not None and entry.target.startswith("/")


def _open(entry: Entry) -> dict[str, Any]:
    """A descriptor's file and how it is open: ``w`` written, ``r`` read, ``rw`` both."""
    owner_bits = entry.mode[1:3]
    mode = {"-w": "w", "r-": "r", "rw": "rw"}.get(owner_bits, owner_bits)
    return {"path": entry.target, "mode": mode, "deleted": entry.deleted}
