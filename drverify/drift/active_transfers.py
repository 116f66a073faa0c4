"""Active transfers drift: is the recovery host drained, so partners can be switched back?

Checked when failing back, with **recovery as the reference**: its sessions and transfers are
judged; production's side is not read (see :mod:`drverify.facts.active_transfers`), and records
show ``None`` for it.

=================================  ==================================================  ========
item                               finding                                             severity
=================================  ==================================================  ========
``transfer PATH``                  a transfer in flight: a session holds a file under  CRITICAL
                                   ``data_paths`` open (ProFTPD), ftpwho or the SFTPGo
                                   API reports one, or a file under ``data_paths`` is
                                   growing: switching now cuts it
``session USER from ADDRESS``      a session is open with no transfer seen: the        MAJOR
(``connection from ADDRESS:PORT``  partner is cut off when the service moves
for the generic adapter)
=================================  ==================================================  ========

Unverified items: the session view (ftpwho, the API, ``ss``) that could not be read
(``sessions``); a session whose open files could not be listed (``session ... open files``: a
check account without root cannot read ``/proc/PID/fd``), the files it holds unknown, its
session still reported; a ProFTPD pair without ``data_paths`` (``open files``); the growth sample
(``growing files``), a directory of it that could not be listed, or a data path that matches
nothing on recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.mft_items import listing
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.globs import covers
from drverify.inventory.mft import MftChecks

_DIRECTIONS = {"w": "upload", "rw": "upload", "r": "download"}


def compare(production: Mapping[str, Any], recovery: Mapping[str, Any], ctx: Context[MftChecks]) -> list[Drift]:
    """Recovery's transfers in flight (critical) and idle sessions (major)."""
    data_paths = [ctx.translate.text(path) for path in ctx.policy.data_paths]
    records: list[Drift] = []
    reported: set[str] = set()
    sessions = ctx.listed(recovery, "sessions", "recovery", "sessions")
    for session in sessions or []:
        transfers = _transfers(session, recovery, data_paths, ctx)
        records += [_transfer(session, transfer, ctx) for transfer in transfers]
        reported |= {str(transfer["path"]) for transfer in transfers}
        if not transfers:
            records.append(_idle(session, ctx))
    records += _growing(recovery, data_paths, reported, ctx)
    return sorted(records, key=lambda record: (-record.severity, record.item))


def _label(session: Mapping[str, Any]) -> str:
    """``session USER from ADDRESS``; ``connection from ADDRESS:PORT`` when the view names no user."""
    if not session.get("user"):
        return f"connection from {session.get('id')}"
    return f"session {session['user']} from {session.get('remote') or 'an unknown address'}"


def _transfers(session: Mapping[str, Any], recovery: Mapping[str, Any], data_paths: list[str],
               ctx: Context[MftChecks]) -> list[dict[str, Any]]:
    """What the session moves: the data files its process holds open (the only evidence for a
    mod_sftp upload), else what the server itself says (ftpwho for FTP, SFTPGo's API)."""
    said = list(session.get("transfers") or [])
    if "pid" not in session or recovery.get("product") != "proftpd":
        return said
    if not data_paths:
        ctx.unverified("open files", "recovery", "no mft.data_paths in the inventory: files a session holds "
                       "open cannot be told from the server's own logs")
        return said
    pid = str(session["pid"])
    held = (recovery.get("open_files") or {}).get(pid)
    if held is None:
        reason = (recovery.get("open_files_errors") or {}).get(pid, "its open files were not listed")
        ctx.unverified(f"{_label(session)} open files", "recovery", reason)
        return said
    files = [{"direction": _DIRECTIONS.get(entry["mode"], "transfer"), "path": entry["path"], "bytes": None}
             for entry in held if covers(data_paths, entry["path"])]
    return files or said


def _transfer(session: Mapping[str, Any], transfer: Mapping[str, Any], ctx: Context[MftChecks]) -> Drift:
    moved = transfer.get("bytes")
    so_far = f" ({moved} bytes so far)" if isinstance(moved, int) else ""
    protocol = f" over {session['protocol']}" if session.get("protocol") else ""
    verb = {"upload": "uploading", "download": "downloading"}.get(str(transfer.get("direction")), "transferring")
    value = {"user": session.get("user"), "direction": transfer.get("direction"), "bytes": moved,
             "protocol": session.get("protocol"), "remote": session.get("remote"), "session": session.get("id")}
    return ctx.drift(f"transfer {transfer.get('path')}", None, value, Severity.CRITICAL,
                     f"{session.get('user') or 'a client'} is {verb} {transfer.get('path')}{so_far}{protocol} "
                     f"from {session.get('remote') or 'an unknown address'} on recovery: drain before switching back")


def _idle(session: Mapping[str, Any], ctx: Context[MftChecks]) -> Drift:
    value = {key: session.get(key) for key in ("user", "protocol", "remote", "since", "id")}
    return ctx.drift(_label(session), None, value, Severity.MAJOR,
                     f"{_label(session)} is open on recovery (no transfer seen): the client is cut off when "
                     "the service switches back")


def _growing(recovery: Mapping[str, Any], data_paths: list[str], reported: set[str],
             ctx: Context[MftChecks]) -> list[Drift]:
    """Files growing under the data tree that no session accounts for; the sample's gaps unverified."""
    if not data_paths:
        return []
    growing = listing(recovery, "growing", "growth", "growing files", "data path", ctx)
    return [ctx.drift(f"transfer {entry['path']}", None, entry, Severity.CRITICAL,
                      f"{entry['path']} on recovery is being written ({_growth(entry)} in about a second): "
                      "drain before switching back")
            for entry in growing or [] if not _accounted(entry["path"], reported)]


def _accounted(path: str, reported: set[str]) -> bool:
    """Whether a session's transfer already names the file (ftpwho names it relative to the
    session's root: ``inbound/a.edi`` for ``/srv/mft/globex/inbound/a.edi``)."""
    return any(path == known or path.endswith("/" + known.lstrip("/")) for known in reported)


def _growth(entry: Mapping[str, Any]) -> str:
    if entry.get("before") is None:
        return f"new, {entry['size']} bytes"
    return f"{entry['before']} -> {entry['size']} bytes"
