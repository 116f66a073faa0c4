"""The users parser on outputs recorded from real commands (tests/data/users, see record.py there)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import recorded_outputs

from drverify.errors import FactError
from drverify.facts import users
from drverify.facts.batch import Output

DATA = Path(__file__).resolve().parents[1] / "data" / "users"


def recorded(case: str) -> dict[str, Output]:
    return recorded_outputs(DATA / case)


def test_commands_enumerate_whole_files_and_never_read_shadow():
    production = users.commands(None, "production")  # type: ignore[arg-type]
    assert production == users.commands(None, "recovery")  # type: ignore[arg-type]
    assert set(production) == {"passwd", "group"}
    assert all("shadow" not in command for command in production.values())
    assert "</etc/passwd" in production["passwd"] and '[ -d "$home" ]' in production["passwd"]


def test_debian12_host():
    facts = users.parse(recorded("debian12-host"))
    assert facts["users"]["root"] == {
        "uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash", "home_exists": True,
    }
    assert facts["users"]["nobody"] == {
        "uid": 65534, "gid": 65534, "home": "/nonexistent", "shell": "/usr/sbin/nologin",
        "home_exists": False,
    }
    assert facts["groups"]["root"] == {"gid": 0, "members": []}
    assert facts["groups"]["ssl-cert"] == {"gid": 103, "members": ["postgres"]}
    assert list(facts["users"]) == sorted(facts["users"])


def test_lab_production_service_account_and_group():
    facts = users.parse(recorded("lab-production"))
    assert facts["users"]["mftsvc"] == {
        "uid": 2001, "gid": 2001, "home": "/srv/mft", "shell": "/bin/sh", "home_exists": True,
    }
    assert facts["groups"]["mftgrp"] == {"gid": 2001, "members": ["alice", "mftsvc"]}  # sorted


def test_last_passwd_line_without_newline_is_kept():
    """lab-recovery's passwd ends with tempadmin's line and no newline: the loop still prints it."""
    facts = users.parse(recorded("lab-recovery"))
    assert facts["users"]["tempadmin"] == {
        "uid": 1002, "gid": 1002, "home": "/home/tempadmin", "shell": "/bin/bash",
        "home_exists": False,
    }


def test_a_home_the_account_cannot_reach_is_unknown_with_the_reason():
    """Recorded as nobody: mftsvc's home lies below a directory of mode 700 (HOME_UNREADABLE)."""
    found = users.parse(recorded("home-unreadable"))["users"]
    assert found["mftsvc"] == {
        "uid": 2001, "gid": 2001, "home": "/srv/private/mft", "shell": "/bin/sh",
        "home_exists": None, "home_error": "stat: Permission denied",
    }
    assert found["alice"]["home_exists"] is True and found["gone"]["home_exists"] is False
    assert "home_error" not in found["gone"]


@pytest.mark.parametrize(
    ("case", "part", "kept", "reason"),
    [
        ("group-unreadable", "groups", "users", "group: exit status 1: cut: /etc/group: Permission denied"),
        ("passwd-empty", "users", "groups", "passwd: no entries listed"),
    ],
)
def test_one_unusable_file_costs_only_its_part(case, part, kept, reason):
    facts = users.parse(recorded(case))
    assert facts["errors"] == {part: reason}
    assert set(facts) == {kept, "errors"} and facts[kept]


def test_both_files_unusable_make_the_area_unverified_with_the_first_reason():
    outputs = {**recorded("group-unreadable"), "passwd": Output(1, "", "sh: 1: cannot open /etc/passwd\n")}
    with pytest.raises(FactError, match="^passwd: exit status 1: sh: 1: cannot open /etc/passwd$"):
        users.parse(outputs)


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ("root:0:0:/root:/bin/bash:yes\n",
         {"root": {"uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash", "home_exists": True}}),
        # an empty shell field (login uses /bin/sh) and an empty home
        ("x:5:5:::no\n",
         {"x": {"uid": 5, "gid": 5, "home": "", "shell": "", "home_exists": False}}),
        # the first of two lines with one name wins, as with getpwnam
        ("a:1:1:/a:/bin/sh:yes\na:2:2:/b:/bin/sh:no\n",
         {"a": {"uid": 1, "gid": 1, "home": "/a", "shell": "/bin/sh", "home_exists": True}}),
        # NIS compat lines name no local user
        ("+::::::no\nroot:0:0:/root:/bin/bash:yes\n-bob:::::no\n",
         {"root": {"uid": 0, "gid": 0, "home": "/root", "shell": "/bin/bash", "home_exists": True}}),
        # a home the account cannot tell about
        ("s:2:2:/srv/s:/bin/sh:unknown Input/output error\n",
         {"s": {"uid": 2, "gid": 2, "home": "/srv/s", "shell": "/bin/sh", "home_exists": None,
                "home_error": "stat: Input/output error"}}),
    ],
)
def test_parse_passwd(stdout, expected):
    assert users.parse_passwd(stdout) == expected


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("root:0:0:/root\n", "line 1 is not a valid entry"),
        ("root:0:0:/root:/bin/bash:yes\n:1:1:/:/bin/sh:no\n", "line 2 is not a valid entry"),
        ("root:zero:0:/root:/bin/bash:yes\n", "line 1: uid 'zero' is not a number"),
        ("root:0:-1:/root:/bin/bash:yes\n", "line 1: gid '-1' is not a number"),
        ("root:0:0:/root:/bin/bash:maybe\n", "line 1: home check 'maybe' is not yes/no"),
        ("root:0:0:/root:/bin/bash:unknown\n", "line 1: home check 'unknown' is not yes/no"),
        ("root:0:0:/root:/bin/bash:unknown \n", "line 1: home check 'unknown ' is not yes/no"),
        ("\n\n", "no entries listed"),
    ],
)
def test_passwd_garbage(stdout, reason):
    with pytest.raises(FactError) as error:
        users.parse_passwd(stdout)
    assert str(error.value).startswith(f"passwd: {reason}")


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ("root:0:\n", {"root": {"gid": 0, "members": []}}),
        ("mftgrp:2001:mftsvc,alice\n", {"mftgrp": {"gid": 2001, "members": ["alice", "mftsvc"]}}),
        ("g:7:b,,a,b\n", {"g": {"gid": 7, "members": ["a", "b"]}}),
    ],
)
def test_parse_group(stdout, expected):
    assert users.parse_group(stdout) == expected


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("root:x:0:\n", "line 1 is not a valid entry"),
        ("root:none:\n", "line 1: gid 'none' is not a number"),
        ("", "no entries listed"),
    ],
)
def test_group_garbage(stdout, reason):
    with pytest.raises(FactError) as error:
        users.parse_group(stdout)
    assert str(error.value).startswith(f"group: {reason}")
