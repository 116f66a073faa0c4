"""Local users and groups from /etc/passwd and /etc/group, whether each home exists, and the
state of each account's password in /etc/shadow.

Only the local files are read (not ``getent``): directory users (LDAP, SSSD) are the directory's
business and are checked by the areas that talk to it. The password fields of passwd and group
are dropped on the host. No password hash ever leaves it: ``/etc/shadow``'s hash field is turned
into the account's state and, for a usable password, the SHA-256 of the field, *on the host*
(``sha256sum``, as :mod:`drverify.facts.mftscripts` does for ProFTPD's AuthUserFile), so a hash
is never in drverify's memory, facts, snapshots, logs or error text. A digest of a salted crypt
string cannot be turned back into it; it only tells whether two hosts hold the same one.

Facts::

    {"users": {"mftsvc": {"uid": 2001, "gid": 2001, "home": "/srv/mft", "shell": "/bin/sh",
                          "home_exists": true}, ...},
     "groups": {"mftgrp": {"gid": 2001, "members": ["alice", "mftsvc"]}, ...},
     "shadow": {"mftsvc": {"state": "set", "hash_sha256": "9b1e..."},
                "daemon": {"state": "locked"}, "kiosk": {"state": "empty"}}}

``state``: ``locked`` (the field starts with ``!`` or ``*``), ``empty`` (no password at all) or
``set``; only a ``set`` password has a digest (a locked or empty one cannot be logged in with, so
only its state is compared). Reading ``/etc/shadow`` needs root or ``sudo: true``: without,
``shadow`` is left out with the reason (``permission denied on /etc/shadow ...``) and the rest
is compared. ``policies.users.compare_passwords: false`` leaves the command out altogether.

Group members are sorted: their order in ``/etc/group`` means nothing. When a name appears twice
the first line wins, as it does for ``getpwnam``.

A home whose existence the check account cannot tell (it lies below a directory the account may
not enter) has ``"home_exists": null`` and the reason, ``"home_error": "stat: Permission
denied"``: that user's home is unverified, never taken for missing. The shell's own tests decide
where they can (a home that is there, or missing below a directory the account may search), so
``stat`` runs only for the doubtful ones: one process per such user, not per user. ``/etc/passwd`` and
``/etc/group`` (and ``/etc/shadow``) are parts: one that cannot be read is left out, its reason in ``errors``
(``{"groups": "group: exit status 1: cut: /etc/group: Permission denied"}``), and the other is
still compared (see :mod:`drverify.facts.parts`).
"""

from __future__ import annotations

import re
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
  elif [ -e "$home" ] || [ -x "${home%/*}/" ]; then exists=no
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

#: ``name:state:digest`` per account; the hash field is read into a shell variable and hashed
#: there (``printf`` is a builtin: it never shows in ``ps``). Only a usable password costs a
#: ``sha256sum`` (about 3 ms each, measured on 2000 accounts), where most accounts of a host are locked.
SHADOW = """\
if [ ! -r /etc/shadow ]; then
  if [ -e /etc/shadow ]; then echo 'permission denied on /etc/shadow (reading it needs root or sudo)' >&2
  else echo 'no /etc/shadow on this host' >&2; fi
  exit 1
fi
while IFS=: read -r name hash rest || [ -n "$name" ]; do
  digest=
  case $hash in
    '') state=empty ;;
    '!'*|'*'*) state=locked ;;
    *) state=set; digest=$(printf '%s' "$hash" | sha256sum) || exit 1 ;;
  esac
  printf '%s:%s:%s\\n' "$name" "$state" "${digest%% *}"
done </etc/shadow"""

_COMMANDS = {"passwd": PASSWD, "group": GROUP}
_STATES = ("set", "locked", "empty")


def commands(pair: Pair, role: str) -> dict[str, str]:
    """The same commands on both roles: whole files are enumerated, nothing is queried by name;
    ``/etc/shadow`` is read unless the pair's policy turns the password comparison off."""
    if not pair.policies.users.compare_passwords:
        return dict(_COMMANDS)
    return {**_COMMANDS, "shadow": SHADOW}


def parse(outputs: Mapping[str, Output]) -> dict[str, Any]:
    """Users and groups by name, each on its own: one that cannot be read is left out with its
    reason in ``errors``; :class:`FactError` when neither can be."""
    parts = Parts()
    found = {"users": parts.read("users", lambda: parse_passwd(require(outputs, "passwd"))),
             "groups": parts.read("groups", lambda: parse_group(require(outputs, "group")))}
    if "shadow" in outputs:  # not asked when the policy turns the password comparison off
        found["shadow"] = parts.read("shadow", lambda: parse_shadow(require(outputs, "shadow")))
    return parts.facts({key: value for key, value in found.items() if value is not None})


def _records(stdout: str, command: str, width: int) -> list[tuple[int, list[str]]]:
    """Non-empty lines split on ``:``, skipping NIS ``+``/``-`` compat lines (no local entry).
    A bad line is quoted in the error only for passwd and group: shadow's output holds no hash,
    but its error names the line alone all the same."""
    records = []
    for number, line in enumerate(stdout.splitlines(), start=1):
        if not line.strip() or line[0] in "+-":
            continue
        fields = line.split(":")
        if len(fields) != width or not fields[0]:
            quoted = "" if command == "shadow" else f": {line[:60]!r}"
            raise FactError(f"{command}: line {number} is not a valid entry{quoted}")
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


def parse_shadow(stdout: str) -> dict[str, dict[str, str]]:
    """The ``shadow`` loop's output (``name:set|locked|empty:digest``) by account name; a digest
    that is not 64 hex digits (the host did not hash the field) is refused without being shown."""
    accounts: dict[str, dict[str, str]] = {}
    for number, (name, state, digest) in _records(stdout, "shadow", 3):
        if state not in _STATES or (state == "set") != bool(digest):
            raise FactError(f"shadow: line {number}: not a state (set, locked, empty) with its digest")
        if digest and not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise FactError(f"shadow: line {number}: the digest of {name}'s password is not a SHA-256")
        accounts.setdefault(name, {"state": state, **({"hash_sha256": digest} if digest else {})})
    return dict(sorted(accounts.items()))
