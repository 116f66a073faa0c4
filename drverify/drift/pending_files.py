"""Pending files drift: what was uploaded to recovery and never collected, file by file.

Checked when failing back, with **recovery as the reference** (production's side is not read).
Each file is one MAJOR record, ``file PATH``, with who uploaded it, its size and its age, so an
operator can move it to production or have it collected before the switch:

- a file under ``inbound_paths`` whose last word in the transfer log is not a download or a
  deletion made after it was written (an aborted upload's partial file included: the message
  says so); a file written in the last two minutes with nothing logged since is still arriving
  (an upload in progress: the active-transfers area reports it) and is not listed;
- a complete upload in the transfer log with no later download or deletion, unless it lay under
  ``inbound_paths`` and is gone from there (moved on by the back office); outside the inbound
  tree the log is the only witness, so the file is listed with its logged name (ProFTPD writes
  whitespace as ``_``).

Unverified items: the transfer log or the inbound tree that could not be read; a log read only
from its last ``transfer_log_max_mib`` MiB (``transfer log before TIME``: older uploads were not
looked at); log lines that could not be parsed; an inbound directory that could not be listed or
an inbound glob that matches nothing on recovery.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.drift.mft_items import amount, hours, listing, utc
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.globs import covers
from drverify.inventory.mft import MftChecks

_COLLECTED = ("o", "d")
#: a file written this recently, with nothing logged since, is still arriving
ARRIVING_SECONDS = 120


def compare(production: Mapping[str, Any], recovery: Mapping[str, Any], ctx: Context[MftChecks]) -> list[Drift]:
    """One record per file waiting on recovery, oldest first."""
    now = ctx.listed(recovery, "now", "recovery", "clock")
    if now is None:
        return []
    files = _tree(recovery, ctx)
    uploads = _log(recovery, ctx)
    records = [_file_record(entry, now, ctx) for entry in files or [] if _waiting(entry, now)]
    if uploads is not None:
        on_disk = {entry["log_path"] for entry in files or []}
        inbound = [ctx.translate.text(path) for path in ctx.policy.inbound_paths]
        moved_on_checkable = files is not None
        records += [_upload_record(upload, now, ctx) for upload in uploads
                    if upload["path"] not in on_disk
                    and not (moved_on_checkable and covers(inbound, upload["path"]))]
    return sorted(records, key=lambda record: (-record.recovery["age_hours"], record.item))


def _tree(recovery: Mapping[str, Any], ctx: Context[MftChecks]) -> list[dict[str, Any]] | None:
    if not ctx.policy.inbound_paths:
        return []
    return listing(recovery, "files", "tree", "inbound files", "inbound", ctx)


def _log(recovery: Mapping[str, Any], ctx: Context[MftChecks]) -> list[dict[str, Any]] | None:
    if not ctx.policy.transfer_log:
        return None
    uploads = ctx.listed(recovery, "uploads", "recovery", "transfer log")
    window = recovery.get("log") or {}
    if window.get("cut"):
        since = utc(window["from"]) if window.get("from") is not None else "its end"
        ctx.unverified(f"transfer log before {since}", "recovery",
                       f"only the last {amount(window['limit'])} of {ctx.policy.transfer_log} were read "
                       f"(it holds {amount(window['size'])}): older uploads were not looked at")
    if window.get("unparsed"):
        ctx.unverified("transfer log lines", "recovery",
                       f"{window['unparsed']} line(s) could not be read, first: {window.get('first_unparsed')}")
    return uploads


def _waiting(entry: Mapping[str, Any], now: int) -> bool:
    """Not collected (no download or deletion logged since the file was last written), and not
    still arriving (written in the last minutes with nothing logged since: an upload in progress,
    which the server logs when it ends and :mod:`~drverify.drift.active_transfers` reports)."""
    event = entry.get("last_event")
    logged_since = event is not None and event["time"] >= entry["mtime"]
    if not logged_since:
        return now - entry["mtime"] >= ARRIVING_SECONDS
    return event["direction"] not in _COLLECTED


def _file_record(entry: Mapping[str, Any], now: int, ctx: Context[MftChecks]) -> Drift:
    event = entry.get("last_event") or {}
    uploaded = event.get("direction") == "i"
    user = event["user"] if uploaded else None
    value = {"user": user, "owner": entry["owner"], "size": entry["size"], "modified": utc(entry["mtime"]),
             "age_hours": hours(now - entry["mtime"]), "seen": "inbound tree" + (" and transfer log" if uploaded else "")}
    how = (f"uploaded by {user}" if uploaded and event.get("complete") else
           f"left by {user}'s incomplete upload (resend, or remove the partial file)" if uploaded else
           f"owned by {entry['owner']}, not in the transfer log read")
    return ctx.drift(f"file {entry['path']}", None, value, Severity.MAJOR,
                     f"{entry['path']} ({entry['size']} bytes, {how}, {value['age_hours']} h ago) waits on "
                     "recovery, never downloaded or moved on: collect it or move it to production before "
                     "switching back")


def _upload_record(upload: Mapping[str, Any], now: int, ctx: Context[MftChecks]) -> Drift:
    value = {"user": upload["user"], "size": upload["size"], "uploaded": utc(upload["time"]),
             "age_hours": hours(now - upload["time"]), "seen": "transfer log"}
    return ctx.drift(f"file {upload['path']}", None, value, Severity.MAJOR,
                     f"{upload['path']} ({upload['size']} bytes, uploaded by {upload['user']} "
                     f"{value['age_hours']} h ago) was never downloaded or deleted through the server, per "
                     "recovery's transfer log: collect it or move it to production before switching back")

