"""Snapshot schemas of the host's own resources: disks (:mod:`drverify.facts.disks`) and users
(:mod:`drverify.facts.users`). The shapes are those modules' docstrings.

Required is what the comparison reads without a guard; a part (``mounts``, ``users``...) may be
absent, its reason then in ``errors``, and so may a field an older snapshot lacks where the
comparison says so item by item (``home_exists``, a mount's sizes). In every schema a field
typed ``X | None`` may be null (the facts say "unknown" that way); one that is only
``NotRequired`` may be absent but never null: null there would read as "nothing" and hide an item.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field
from typing_extensions import NotRequired

from drverify.facts.schemas.fields import Count, Facts, Id, List, Load, Map, Name, Text
from drverify.facts.schemas.service import Digest


class Mount(Facts):
    source: NotRequired[Name | None]
    fstype: NotRequired[Name | None]
    #: null where statfs failed: that mount's size is unverified, never guessed
    size: NotRequired[Count | None]
    used: NotRequired[Count | None]
    avail: NotRequired[Count | None]
    error: NotRequired[Text]


class Sizing(Facts):
    cpus: NotRequired[Count]
    memory_total: NotRequired[Count]
    memory_available: NotRequired[Count]
    #: the 1-, 5- and 15-minute load averages
    load: NotRequired[Annotated[list[Load], Field(min_length=3, max_length=3)]]


class Disks(Facts):
    mounts: NotRequired[Map[Mount]]
    sizing: NotRequired[Sizing]
    errors: NotRequired[Map[Text]]


class User(Facts):
    uid: Id
    gid: Id
    home: Name
    shell: Name
    #: null when the check account could not tell, with ``home_error`` saying why
    home_exists: NotRequired[bool | None]
    home_error: NotRequired[Text]


class Group(Facts):
    gid: Id
    members: List[Name]


class Account(Facts):
    """An /etc/shadow entry: its password's state and, when set, the SHA-256 of the hash field
    (64 hex digits: a crypt string in its place is refused, never stored)."""

    state: Literal["set", "locked", "empty"]
    hash_sha256: NotRequired[Digest]


class Users(Facts):
    users: NotRequired[Map[User]]
    groups: NotRequired[Map[Group]]
    shadow: NotRequired[Map[Account]]
    errors: NotRequired[Map[Text]]


__all__ = ["Disks", "Users"]
