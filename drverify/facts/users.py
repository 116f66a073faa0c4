"""Local users and groups from /etc/passwd and /etc/group, and whether each home exists.

Only the local files are read (not ``getent``): directory users (LDAP, SSSD) are the directory's
business and are checked by the areas that talk to it. ``/etc/shadow`` is never read, and the
password fields of passwd and group are dropped on the host, so no hash can travel even where a
system keeps one there.

Facts::

    {"users": {"mftsvc": {"uid": 2001, "gid": 2001, "home": "/srv/mft", "shell": "/bin/sh",
                          "home_exists": true}, ...},
     "groups": {"mftgrp": {"gid": 2001, "members": ["alice", "mftsvc"]}, ...}}

Group members are sorted: their order in ``/etc/group`` means nothing. When a name appears twice
the first line wins, as it does for ``getpwnam``.

A home whose existence the check account cannot tell (it lies below a directory the account may
not enter) has ``"home_exists": null`` and the reason, ``"home_error": "stat: Permission
denied"``: that user's home is unverified, never taken for missing. ``/etc/passwd`` and
``/etc/group`` are two parts: one that cannot be read is left out, its reason in ``errors``
(``{"groups": "group: exit status 1: cut: /etc/group: Permission denied"}``), and the other is
still compared (see :mod:`drverify.facts.parts`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drverify.errors import FactError
from drverify.facts.batch import Output, require
from drverify.facts.parts import Parts
from drverify.inventory.model import Pair

NAME = "users"

#: The home directory is tested on the host, in the same command, so the answer belongs to the
#: same moment as the passwd line. ``|| [ -n "$name" ]`` keeps a last line with no newline. Only
#: a home that is not a directory costs a ``stat``: its error tells a missing home from one the
#: account cannot reach (``unknown Permission denied``), which ``[ -d ]`` alone cannot.
PASSWD = """\
while IFS=: read -r name pw uid gid gecos home shell || [ -n "$name" ]; do
  if [ -d "$home" ]; then exists=yes
  elif error=$(stat -L -c '' -- "$home" 2>&1); then exists=no
  else
    case ${error##*: } in
      'No such file or directory'|'Not a directory') exists=no ;;
      *) exists="unknown ${error##*: }" ;;
    esac
  fi
  printf '%s:%s:%s:%s:%s:%s\\n' "$name" "$uid" "$gid" "$home" "$shell" "$exists"
done </etc/passwd"""

GROUP = "cut -d: -f1,3,4 /etc/group"

_COMMANDS = {"passwd": PASSWD, "group": GROUP}


def commands(pair: Pair, role: str) -> dict[str, str]:
    """The same commands on both roles: whole files are enumerated, nothing is queried by name."""
    return dict(_COMMANDS)


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """Users and groups by name, each on its own: one that cannot be read is left out with its
    reason in ``errors``; :class:`FactError` when neither can be."""
    parts = Parts()
    found = {"users": parts.read("users", lambda: parse_passwd(require(outputs, "passwd"))),
             "groups": parts.read("groups", lambda: parse_group(require(outputs, "group")))}
    return parts.facts({key: value for key, value in found.items() if value is not None})


def _records(stdout: str, command: str, width: int) -> list[tuple[int, list[str]]]:
    """Non-empty lines split on ``:``, skipping NIS ``+``/``-`` compat lines (no local entry)."""
    records = []
    for number, line in enumerate(stdout.splitlines(), start=1):
        if not line.strip() or line[0] in "+-":
            continue
        fields = line.split(":")
        if len(fields) != width or not fields[0]:
            raise FactError(f"{command}: line {number} is not a valid entry: {line[:60]!r}")
        records.append((number, fields))
    if not records:
        raise FactError(f"{command}: no entries listed")
    return records


def _id(text: str, command: str, number: int, what: str) -> int:
    if not text.isdigit():
        raise FactError(f"{command}: line {number}: {what} {text[:20]!r} is not a number")
    return int(text)


def parse_passwd(stdout: str) -> dict[str, dict[str, Any]]:
    """The ``passwd`` loop's output (``name:uid:gid:home:shell:yes|no|unknown why``) by user name."""
    users: dict[str, dict[str, Any]] = {}
    for number, (name, uid, gid, home, shell, exists) in _records(stdout, "passwd", 6):
        users.setdefault(name, {
            "uid": _id(uid, "passwd", number, "uid"),
            "gid": _id(gid, "passwd", number, "gid"),
            "home": home,
            "shell": shell,
            **_home_check(exists, number),
        })
    return dict(sorted(users.items()))


def _home_check(exists: str, number: int) -> dict[str, Any]:
    """``yes``/``no``, or ``unknown <stat's error>`` when the account cannot tell."""
    if exists in ("yes", "no"):
        return {"home_exists": exists == "yes"}
    word, _, why = exists.partition(" ")
    if word != "unknown" or not why.strip():
        raise FactError(f"passwd: line {number}: home check {exists!r} is not yes/no")
    return {"home_exists": None, "home_error": f"stat: {why.strip()}"}


def parse_group(stdout: str) -> dict[str, dict[str, Any]]:
    """``cut -d: -f1,3,4 /etc/group`` output (``name:gid:member,member``) by group name."""
    groups: dict[str, dict[str, Any]] = {}
    for number, (name, gid, members) in _records(stdout, "group", 3):
        groups.setdefault(name, {
            "gid": _id(gid, "group", number, "gid"),
            "members": sorted({member for member in members.split(",") if member}),
        })
    return dict(sorted(groups.items()))
