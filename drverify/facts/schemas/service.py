"""Snapshot schemas of the MFT service on each side: its configuration exports and live
configuration (:mod:`drverify.facts.mft_config`), its software (:mod:`drverify.facts.mft_software`)
and the load balancer's pool (:mod:`drverify.facts.load_balancer`). The shapes are those modules'
docstrings. A JSON or YAML export's ``entries`` are the product's own data: any JSON, each string
checked like the host's other words.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any

from pydantic import PlainValidator
from typing_extensions import NotRequired

from drverify.facts.schemas.fields import (
    MAX_ENTRIES,
    MAX_TEXT,
    NO_CONTROL_BUT_TAB_NEWLINE,
    Count,
    Facts,
    Id,
    List,
    Map,
    Name,
    Text,
    refuse,
)

_REFUSED = re.compile(NO_CONTROL_BUT_TAB_NEWLINE)


def _json(value: Any, budget: list[int] | None = None) -> Any:
    """Any JSON value whose strings are text a report may show, numbers finite, size bounded."""
    budget = budget if budget is not None else [MAX_ENTRIES]
    budget[0] -= 1
    if budget[0] < 0:
        raise refuse("entries", f"expected at most {MAX_ENTRIES} values", "…")
    if isinstance(value, str):
        if len(value) > MAX_TEXT or _REFUSED.search(value) or not value.isprintable() and _lone(value):
            raise refuse("entries", "expected text without control characters or lone surrogates", value)
        return value
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)) and type(value) in (int, float) and math.isfinite(value):
        return value
    if isinstance(value, list):
        return [_json(item, budget) for item in value]
    if isinstance(value, dict):
        return {_json(key, budget): _json(item, budget) for key, item in value.items()}
    raise refuse("entries", "expected a JSON value", value)


def _lone(text: str) -> bool:
    return any(0xD800 <= ord(char) <= 0xDFFF for char in text)


def _directive(value: Any) -> Any:
    if isinstance(value, list) and len(value) == 3 and all(isinstance(item, str) for item in value):
        return [_json(item) for item in value]
    raise refuse("directive", "expected [section, name, arguments]", value)


class _Withheld:
    """What the error of a refused digest shows in place of the text: it may be a password hash."""

    def __init__(self, text: str) -> None:
        self.length = len(text)

    def __repr__(self) -> str:
        return f"{self.length} characters (not shown)"


def _digest(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return value
    raise refuse("digest", "expected a SHA-256 digest (never a password hash itself)",
                 _Withheld(value) if isinstance(value, str) else value)


Json = Annotated[Any, PlainValidator(_json)]
#: a directive as ``[section, name, arguments]``
Directive = Annotated[list[str], PlainValidator(_directive)]
Digest = Annotated[str, PlainValidator(_digest)]


class VirtualUser(Facts):
    uid: NotRequired[Id]
    gid: Id
    home: Name
    shell: NotRequired[Name]
    #: the SHA-256 of the password hash: never the hash itself
    hash_sha256: NotRequired[Digest]


class Content(Facts):
    directives: NotRequired[List[Directive]]
    sections: NotRequired[List[Name]]
    users: NotRequired[Map[VirtualUser]]
    entries: NotRequired[Json]


class Export(Facts):
    glob: Name
    format: Name
    path: Name | None
    why: NotRequired[Text | None]
    denied: NotRequired[bool]
    mtime: NotRequired[Count]
    size: NotRequired[Count]
    sha256: NotRequired[Name]
    content: NotRequired[Content]
    content_error: NotRequired[Text]


class Live(Content):
    files: List[Name]


class MftConfig(Facts):
    now: NotRequired[Count]
    export: NotRequired[Export]
    live: NotRequired[Live | None]
    errors: NotRequired[Map[Text]]


class Version(Facts):
    source: Name
    installed: bool
    value: Name | None


class Installer(Facts):
    sha256: NotRequired[Name]
    missing: NotRequired[bool]
    error: NotRequired[Text]


class Service(Facts):
    unit: NotRequired[Name]
    manager: NotRequired[Name]
    installed: NotRequired[bool | None]
    enabled: NotRequired[bool | None]
    running: NotRequired[bool | None]
    evidence: NotRequired[Text | None]
    unknown: NotRequired[Text | None]


class MftSoftware(Facts):
    version: NotRequired[Version]
    installers: NotRequired[Map[Installer]]
    service: NotRequired[Service]
    errors: NotRequired[Map[Text]]


class Member(Facts):
    address: Name | None
    status: NotRequired[Name | None]
    backup: NotRequired[bool | None]
    weight: NotRequired[Count | None]
    check: NotRequired[Name | None]
    op_state: NotRequired[Count]
    admin_state: NotRequired[Count]


class LoadBalancer(Facts):
    source: Name
    backend: Name
    servers: NotRequired[Map[Member]]
    errors: NotRequired[Map[Text]]
