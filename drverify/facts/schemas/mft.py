"""Snapshot schemas of what failing back reads on recovery: sessions and transfers in flight
(:mod:`drverify.facts.active_transfers`), files waiting to be collected
(:mod:`drverify.facts.pending_files`) and the transfer ledger (:mod:`drverify.facts.transfer_ledger`).
The shapes are those modules' and their adapters' docstrings (:mod:`drverify.facts.mft`);
production's side of the first two is ``{}`` (not read), which every field being optional allows.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import PlainValidator, TypeAdapter, ValidationError
from typing_extensions import NotRequired, TypedDict

from drverify.facts.schemas.fields import Count, Facts, List, Map, Name, Text, refuse


class Moving(Facts):
    """A transfer the server itself reports (ftpwho's FTP transfers, SFTPGo's active transfers)."""

    direction: Name | None
    path: Name | None
    bytes: Count | None
    since: NotRequired[Count | None]


class Session(Facts):
    id: Name
    pid: NotRequired[Count]
    user: Name | None
    protocol: Name | None
    remote: Name
    since: Count | None
    command: NotRequired[Name | None]
    transfers: List[Moving]


class OpenFile(Facts):
    path: Name
    mode: Name
    deleted: bool


class Growing(Facts):
    path: Name
    size: Count
    before: Count
    owner: Name


class ActiveTransfers(Facts):
    product: NotRequired[Literal["proftpd", "sftpgo", "generic"]]
    sessions: NotRequired[List[Session]]
    #: per session process id: the files it holds open
    open_files: NotRequired[Map[List[OpenFile]]]
    open_files_errors: NotRequired[Map[Text]]
    growing: NotRequired[List[Growing]]
    growth_errors: NotRequired[List[Text]]
    growth_nomatch: NotRequired[List[Name]]
    errors: NotRequired[Map[Text]]


#: epoch seconds of the first transfer read (null: none); ``from`` is a Python keyword, hence
#: the functional form for this one field
_From = TypedDict("_From", {"from": NotRequired[Count | None]})


class LogWindow(Facts, _From):
    """How much of a transfer log was read: a log cut by its limit says so."""

    size: Count
    limit: Count
    cut: bool
    unparsed: Count
    first_unparsed: NotRequired[Text]


class Event(Facts):
    direction: Literal["i", "o", "d"]
    user: Name
    time: Count
    complete: bool


class Upload(Facts):
    path: Name
    user: Name
    size: Count
    time: Count


class Waiting(Facts):
    path: Name
    size: Count
    mtime: Count
    owner: Name
    log_path: Name
    last_event: Event | None


class PendingFiles(Facts):
    now: NotRequired[Count]
    log: NotRequired[LogWindow]
    uploads: NotRequired[List[Upload]]
    files: NotRequired[List[Waiting]]
    tree_errors: NotRequired[List[Text]]
    tree_nomatch: NotRequired[List[Name]]
    errors: NotRequired[Map[Text]]


_POSITIONS = tuple(TypeAdapter(kind) for kind in (Count, Literal["i", "o", "d"], Name, Name, Count))
_TRANSFER = "expected [epoch seconds, direction i/o/d, user, path, size]"


def _transfer(value: Any) -> Any:
    """A ledger row is a JSON array of five positions, each checked as its own type."""
    if not isinstance(value, list) or len(value) != len(_POSITIONS):
        raise refuse("transfer", _TRANSFER, value)
    for adapter, item in zip(_POSITIONS, value):
        try:
            adapter.validate_python(item, strict=True)
        except ValidationError:
            raise refuse("transfer", _TRANSFER, value) from None
    return value


#: one complete transfer: epoch seconds, direction, user, path as logged, size
Transfer = Annotated[list[Any], PlainValidator(_transfer)]


class TransferLedger(Facts):
    now: NotRequired[Count]
    log: NotRequired[LogWindow]
    transfers: NotRequired[List[Transfer]]
    errors: NotRequired[Map[Text]]
