"""The users parser on outputs recorded from real commands (tests/data/users, see record.py there)."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest
import support
from support import recorded_outputs

from drverify.errors import FactError
from drverify.facts import users
from drverify.facts.batch import Output
from drverify.inventory.model import Policies, UsersPolicy

DATA = Path(__file__).resolve().parents[1] / "data" / "users"


def recorded(case: str) -> dict[str, Output]:
    return recorded_outputs(DATA / case)


def test_commands_enumerate_whole_files_and_hash_shadow_on_the_host():
    production = users.commands(support.make_pair(), "production")
    assert production == users.commands(support.make_pair(), "recovery")
    assert set(production) == {"passwd", "group", "shadow"}
    assert "</etc/passwd" in production["passwd"] and '[ -d "$home" ]' in production["passwd"]
    assert "</etc/shadow" in production["shadow"] and "| sha256sum)" in production["shadow"]


def test_the_policy_can_leave_shadow_unread():
    pair = support.make_pair(policies=Policies(users=UsersPolicy(compare_passwords=False)))
    assert set(users.commands(pair, "production")) == {"passwd", "group"}
    assert "shadow" not in users.parse(recorded("lab-production"))  # nothing asked, nothing missing


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


# --- /etc/shadow: states and digests made on the host, never a hash -----------------------------

def test_recorded_shadow_states_and_digests():
    """Recorded with real useradd, chpasswd and passwd in a private overlay of /etc (record.py)."""
    production, recovery = (users.parse(recorded(f"shadow-{role}"))["shadow"] for role in ("production", "recovery"))
    assert production["root"] == {"state": "locked"} and production["bob"] == {"state": "locked"}
    assert production["kiosk"] == {"state": "empty"} and recovery["kiosk"] == {"state": "locked"}
    assert production["alice"] == recovery["alice"]  # the same hash copied to both hosts
    assert production["mftsvc"]["state"] == recovery["mftsvc"]["state"] == "set"
    assert production["mftsvc"]["hash_sha256"] != recovery["mftsvc"]["hash_sha256"]
    assert all(len(entry.get("hash_sha256", "0" * 64)) == 64 for entry in production.values())


def test_shadow_unreadable_costs_only_its_part():
    """Recorded as nobody: /etc/shadow is root's (mode 640, group shadow)."""
    facts = users.parse(recorded("shadow-unreadable"))
    assert facts["errors"] == {"shadow": "shadow: exit status 1: permission denied on /etc/shadow "
                                         "(reading it needs root or sudo)"}
    assert facts["users"] and facts["groups"]


CRYPT = "$6$exsalt$" + "A" * 86


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        # a host that sent the hash itself: refused, and neither the error nor its line shows it
        (f"root:set:{CRYPT}\n", "shadow: line 1: the digest of root's password is not a SHA-256"),
        (f"root:{CRYPT}:{'a' * 64}\n", "shadow: line 1: not a state (set, locked, empty) with its digest"),
        (f"root:set:{'a' * 64}:{CRYPT}\n", "shadow: line 1 is not a valid entry"),
        (f"root:maybe:{'a' * 64}\n", "shadow: line 1: not a state (set, locked, empty) with its digest"),
        ("root:set:\n", "shadow: line 1: not a state (set, locked, empty) with its digest"),
        (f"root:locked:{'a' * 64}\n", "shadow: line 1: not a state (set, locked, empty) with its digest"),
        (f"root:set:{'A' * 64}\n", "shadow: line 1: the digest of root's password is not a SHA-256"),
        ("", "shadow: no entries listed"),
    ],
)
def test_shadow_garbage_is_refused_without_showing_it(stdout, reason):
    with pytest.raises(FactError) as error:
        users.parse_shadow(stdout)
    assert str(error.value) == reason
    assert "$6$" not in str(error.value) and "AAAA" not in str(error.value)


def test_the_shadow_command_hashes_the_field_on_the_host(tmp_path):
    """The area's own loop, run by sh on a shadow file made here (the path swapped in)."""
    shadow = tmp_path / "shadow"
    shadow.write_text(f"root:*:20000:0:99999:7:::\nkiosk::20000::::::\nmftsvc:{CRYPT}:20000:0:99999:7:::\n"
                      "old:!$6$x$y:20000::::::\nlast:!")
    command = users.SHADOW.replace("/etc/shadow", str(shadow))
    out = subprocess.run(["sh", "-c", command], capture_output=True, text=True, check=True).stdout
    assert users.parse_shadow(out) == {
        "kiosk": {"state": "empty"}, "last": {"state": "locked"}, "mftsvc": {
            "state": "set", "hash_sha256": hashlib.sha256(CRYPT.encode()).hexdigest()},
        "old": {"state": "locked"}, "root": {"state": "locked"}}
    assert "$6$" not in out
