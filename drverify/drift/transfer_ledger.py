"""Transfer ledger drift: does production know every transfer recovery completed?

Checked when failing back, with **recovery as the reference**: each complete transfer in
recovery's log must appear in production's log (the operator ships recovery's history back, or
the product replicates it) with the same user, path (production's, through the pair's
translation), size and direction. A transfer production does not know is one CRITICAL record,
``DIRECTION PATH`` (``upload``, ``download``, ``delete``): production would send the file again
to a partner who has it, offer a file that was already collected, or process a received file a
second time. All are listed, oldest first; their number is the count of records.

Matching is one pass over each log with a multiset (:class:`collections.Counter`) of
``(user, path, size, direction)``: a transfer made twice must be known twice.

Unverified items: either log unreadable (the whole area), lines that could not be parsed, a log
cut by ``transfer_log_max_mib``: on recovery, the transfers before its window were not compared
(``recovery transfers before TIME``); on production, recovery's transfers older than production's
window that it does not know may be in the part not read (``transfers before TIME``, their number
in the reason), so they are not called unknown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from drverify.drift.mft_items import amount, utc
from drverify.drift.records import Context, Drift, Severity
from drverify.inventory.mft import MftChecks

_WORDS = {"i": "upload", "o": "download", "d": "delete"}
_CONSEQUENCE = {
    "i": "production would expect it again or process it a second time",
    "o": "production would send it again",
    "d": "production would offer the file again",
}


def compare(production: Mapping[str, Any], recovery: Mapping[str, Any], ctx: Context[MftChecks]) -> list[Drift]:
    """Recovery's complete transfers that production's log does not hold."""
    for role, facts in (("production", production), ("recovery", recovery)):
        _window(role, facts.get("log") or {}, ctx)
    # only production's rows that could match one of recovery's have their path translated
    wanted = {(user, size, direction) for _time, direction, user, _path, size in recovery["transfers"]}
    known = Counter(_key(row, ctx.translate.text) for row in production["transfers"]
                    if (row[2], row[4], row[1]) in wanted)
    unknown = [row for row in recovery["transfers"] if not _known(known, _key(row, str))]
    window = production.get("log") or {}
    start = window.get("from") if window.get("cut") else None
    older = [row for row in unknown if start is not None and row[0] < start]
    if older:
        ctx.unverified(f"transfers before {utc(start)}", "production",
                       f"production's log was read from {utc(start)} on (its last {amount(window['limit'])}): "
                       f"{len(older)} older transfer(s) of recovery it may hold in the part not read were not matched")
    return [_record(row, ctx) for row in unknown if start is None or row[0] >= start]


def _key(row: list[Any], translate) -> tuple[str, str, int, str]:
    """What makes two log lines the same transfer: user, path (production's translated), size, direction."""
    _time, direction, user, path, size = row
    return user, translate(path), size, direction


def _known(known: Counter, key: tuple[str, str, int, str]) -> bool:
    """Whether production holds one more such transfer (each one vouches for one of recovery's)."""
    if known[key] <= 0:
        return False
    known[key] -= 1
    return True


def _window(role: str, window: Mapping[str, Any], ctx: Context[MftChecks]) -> None:
    if window.get("unparsed"):
        ctx.unverified(f"{role} transfer log lines", role,
                       f"{window['unparsed']} line(s) could not be read, first: {window.get('first_unparsed')}")
    if role == "recovery" and window.get("cut"):
        since = utc(window["from"]) if window.get("from") is not None else "its end"
        ctx.unverified(f"recovery transfers before {since}", role,
                       f"only the last {amount(window['limit'])} of the log were read (it holds "
                       f"{amount(window['size'])}): older transfers were not compared")


def _record(row: Iterable[Any], ctx: Context[MftChecks]) -> Drift:
    time, direction, user, path, size = row
    word = _WORDS.get(direction, direction)
    value = {"time": utc(time), "user": user, "size": size, "direction": word}
    return ctx.drift(f"{word} {path}", None, value, Severity.CRITICAL,
                     f"recovery completed the {word} of {path} ({size} bytes, by {user}, {utc(time)}) but "
                     f"production's transfer log does not know it: {_CONSEQUENCE.get(direction, 'production would repeat it')}")
