"""Local users and groups of a host, rendered onto copies of the root namespace's files.

Each host gets its own /etc/passwd, group, shadow and gshadow in its /etc overlay (LAB-NOTES
pitfall 1): the root system's entries are kept, then the host's accounts are appended, as
`useradd` would. Pure functions, so the exact lines are easy to test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# A fixed "last password change" day keeps shadow lines identical between hosts and runs.
SHADOW_LASTCHG = 20000


@dataclass(frozen=True)
class User:
    """A local account; its password is locked (`!`). ``ssh_key`` accounts log in by key instead
    (`*`: no password, not locked, which sshd without PAM requires for key logins)."""

    name: str
    uid: int
    gid: int
    home: str
    shell: str = "/bin/bash"
    gecos: str = ""
    ssh_key: bool = False


@dataclass(frozen=True)
class Group:
    """A local group with its supplementary members, in the order they are listed."""

    name: str
    gid: int
    members: tuple[str, ...] = ()


@dataclass(frozen=True)
class AccountFiles:
    """The four account databases as text, root namespace copies or rendered host versions."""

    passwd: str
    group: str
    shadow: str
    gshadow: str


def read_root_accounts(etc: str = "/etc") -> AccountFiles:
    """The root system's account files, the base every host starts from."""
    def read(name: str) -> str:
        try:
            with open(f"{etc}/{name}", encoding="utf-8") as handle:
                return handle.read()
        except FileNotFoundError:
            return ""
    return AccountFiles(read("passwd"), read("group"), read("shadow"), read("gshadow"))


def render_accounts(base: AccountFiles, users: Sequence[User], groups: Sequence[Group]) -> AccountFiles:
    """Base files plus the host's users and groups (groups first, as useradd would need them)."""
    return AccountFiles(
        passwd=_append(base.passwd, [_passwd_line(u) for u in users]),
        group=_append(base.group, [f"{g.name}:x:{g.gid}:{','.join(g.members)}" for g in groups]),
        shadow=_append(_unlock_root(base.shadow), [_shadow_line(u) for u in users]),
        gshadow=_append(base.gshadow, [f"{g.name}:!::{','.join(g.members)}" for g in groups]),
    )


def _passwd_line(user: User) -> str:
    """One /etc/passwd line."""
    return f"{user.name}:x:{user.uid}:{user.gid}:{user.gecos}:{user.home}:{user.shell}"


def _shadow_line(user: User) -> str:
    """One /etc/shadow line, never with a usable password."""
    return f"{user.name}:{'*' if user.ssh_key else '!'}:{SHADOW_LASTCHG}:0:99999:7:::"


def _append(text: str, lines: Sequence[str]) -> str:
    """Text with lines appended, keeping exactly one newline at the end."""
    body = text if not text or text.endswith("\n") else text + "\n"
    return body + "".join(line + "\n" for line in lines)


def _unlock_root(shadow: str) -> str:
    """Turn a `!`-locked root password into `*` (still no password).

    With `UsePAM no`, sshd refuses even key logins to an account whose password field starts
    with `!`; some images ship root that way. `*` keeps password logins impossible.
    """
    lines = []
    for line in shadow.splitlines():
        name, _, rest = line.partition(":")
        password, sep, tail = rest.partition(":")
        if name == "root" and password.startswith("!"):
            line = f"root:*{sep}{tail}"
        lines.append(line)
    return "\n".join(lines) + ("\n" if lines else "")
