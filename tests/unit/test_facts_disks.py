"""The disks parser on outputs recorded from real commands (tests/data/disks, see record.py there)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import recorded_outputs

from drverify.errors import FactError
from drverify.facts import disks
from drverify.facts.batch import Output

DATA = Path(__file__).resolve().parents[1] / "data" / "disks"


def recorded(case: str) -> dict[str, Output]:
    return recorded_outputs(DATA / case)


def test_commands_are_the_same_for_both_roles_and_machine_readable():
    production = disks.commands(None, "production")  # type: ignore[arg-type]
    assert production == disks.commands(None, "recovery")  # type: ignore[arg-type]
    assert set(production) == {"findmnt", "statfs", "cpus", "meminfo", "loadavg"}
    assert production["findmnt"].startswith("findmnt -J -b -l ")
    assert production["statfs"].startswith("findmnt -rn -o TARGET,SIZE | ")


def test_debian12_host_keeps_every_mount_with_bytes():
    facts = disks.parse(recorded("debian12-host"))
    assert facts["mounts"]["/"] == {
        "source": "/dev/vda", "fstype": "ext4",
        "size": 270553174016, "used": 23281664000, "avail": 85662629888,
    }
    assert facts["mounts"]["/proc"]["fstype"] == "proc"  # pseudo filesystems are kept: policy drops them
    assert list(facts["mounts"]) == sorted(facts["mounts"])
    assert facts["sizing"] == {
        "cpus": 2, "memory_total": 24684092 * 1024, "memory_available": 24374240 * 1024,
        "load": [0.04, 0.09, 0.04],
    }


def test_a_mount_point_mounted_twice_is_listed_once():
    listed = json.loads(recorded("debian12-host")["findmnt"].stdout)["filesystems"]
    targets = [entry["target"] for entry in listed]
    assert targets.count("/dev/shm") == 2
    assert len(disks.parse_findmnt(recorded("debian12-host")["findmnt"].stdout)) == len(set(targets))


def test_lab_production_sized_tmpfs():
    mounts = disks.parse(recorded("lab-production"))["mounts"]
    assert mounts["/srv/mft"] == {
        "source": "tmpfs", "fstype": "tmpfs", "size": 256 * 2**20, "used": 96 * 2**20,
        "avail": 160 * 2**20,
    }
    assert mounts["/srv/archive"]["size"] == 2**30


def test_statfs_refused_gives_unknown_sizes_and_statfs_own_error():
    """Recorded as nobody: /srv/private/data is mounted below a directory of mode 700."""
    facts = disks.parse(recorded("statfs-refused"))
    assert facts["mounts"]["/srv/private/data"] == {
        "source": "tmpfs", "fstype": "tmpfs", "size": None, "used": None, "avail": None,
        "error": "statfs: Permission denied",
    }
    assert "error" not in facts["mounts"]["/srv"] and "errors" not in facts


def test_a_mount_hidden_under_a_later_mount_cannot_be_sized():
    """Recorded as root (see MOUNT_HIDDEN in record.py): /srv/mft/data was mounted, then /srv/mft
    again over it; a bind mount whose source directory is gone is sized all the same."""
    mounts = disks.parse(recorded("mount-hidden"))["mounts"]
    assert mounts["/srv/mft/data"] == {
        "source": "tmpfs", "fstype": "tmpfs", "size": None, "used": None, "avail": None,
        "error": "statfs: No such file or directory",
    }
    assert mounts["/srv/mft"]["size"] == 32 * 2**20
    assert mounts["/srv/bind"] == {"source": "tmpfs[/bind-source//deleted]", "fstype": "tmpfs",
                                   "size": 16 * 2**20, "used": 0, "avail": 16 * 2**20}


@pytest.mark.parametrize(
    "statfs", [None, Output(127, "", "sh: 1: stat: not found\n"), Output(0, "", "")])
def test_an_unsized_mount_without_statfs_words_keeps_the_generic_reason(statfs):
    outputs = recorded("mount-hidden")
    if statfs is None:
        del outputs["statfs"]  # collected before the statfs command existed
    else:
        outputs["statfs"] = statfs
    mounts = disks.parse(outputs)["mounts"]
    assert mounts["/srv/mft/data"]["error"] == "findmnt printed no size (statfs failed)"


def test_parse_statfs_reads_tab_separated_errors_only():
    stdout = "/srv/a\tPermission denied\n/srv/b c\tStale file handle\ngarbage\n/srv/d\t\n"
    assert disks.parse_statfs(Output(0, stdout, "")) == {
        "/srv/a": "Permission denied", "/srv/b c": "Stale file handle"}


def test_findmnt_missing_leaves_the_mounts_out_and_keeps_the_sizing():
    facts = disks.parse(recorded("findmnt-missing"))
    assert facts["errors"] == {"mounts": "findmnt: command not found"}
    assert "mounts" not in facts
    assert set(facts["sizing"]) == {"cpus", "memory_total", "memory_available", "load"}


def test_a_command_that_did_not_come_back_costs_its_part_only():
    outputs = recorded("debian12-host")
    del outputs["meminfo"]
    facts = disks.parse(outputs)
    assert facts["errors"] == {"memory": "meminfo: no output came back"}
    assert facts["sizing"] == {"cpus": 2, "load": [0.04, 0.09, 0.04]}
    assert "/" in facts["mounts"]


def test_loadavg_unreadable_costs_the_cpus_part():
    outputs = {**recorded("debian12-host"), "loadavg": Output(1, "", "cat: /proc/loadavg: EIO\n")}
    facts = disks.parse(outputs)
    assert facts["errors"] == {"cpus": "loadavg: exit status 1: cat: /proc/loadavg: EIO"}
    assert set(facts["sizing"]) == {"memory_total", "memory_available"}


def test_nothing_readable_makes_the_area_unverified_with_the_first_reason():
    missing = Output(127, "", "")
    outputs = {name: missing for name in disks.commands(None, "production")}  # type: ignore[arg-type]
    with pytest.raises(FactError, match=r"^findmnt: command not found$"):
        disks.parse(outputs)


@pytest.mark.parametrize(
    ("stdout", "reason"),
    [
        ("", "not findmnt's JSON"),
        ("TARGET SOURCE FSTYPE\n/ /dev/vda ext4\n", "not findmnt's JSON"),
        ('{"filesystems": []}', "no mounted filesystem"),
        ('{"filesystems": [{"source": "/dev/vda"}]}', "unexpected entry"),
        # what findmnt prints without -b: human sizes, not bytes
        ('{"filesystems": [{"target": "/", "fstype": "ext4", "size": "252G"}]}',
         "/: size is not a byte count"),
    ],
)
def test_findmnt_garbage(stdout, reason):
    with pytest.raises(FactError, match=f"^findmnt: .*{reason}"):
        disks.parse_findmnt(stdout)


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [("2\n", 2), ("64\n", 64), ("0\n", None), ("", None), ("two\n", None), ("-1\n", None)],
)
def test_parse_cpus(stdout, expected):
    if expected is None:
        with pytest.raises(FactError, match="^cpus: expected a CPU count"):
            disks.parse_cpus(stdout)
    else:
        assert disks.parse_cpus(stdout) == expected


def test_parse_meminfo_recorded():
    stdout = recorded("lab-recovery")["meminfo"].stdout
    assert disks.parse_meminfo(stdout) == {
        "memory_total": 24684092 * 1024, "memory_available": 24300860 * 1024,
    }


@pytest.mark.parametrize(
    ("stdout", "missing"),
    [
        ("MemTotal:       24684092 kB\nMemFree:        24454232 kB\n", "MemAvailable"),
        ("", "MemTotal or MemAvailable"),
        ("MemTotal: lots\nMemAvailable: 10 kB\n", "MemTotal"),
    ],
)
def test_parse_meminfo_missing_fields(stdout, missing):
    with pytest.raises(FactError, match=f"^meminfo: no {missing} in /proc/meminfo$"):
        disks.parse_meminfo(stdout)


@pytest.mark.parametrize(
    ("stdout", "expected"),
    [
        ("0.04 0.09 0.04 11/102 5741\n", [0.04, 0.09, 0.04]),
        ("12.50 8.00 3.25 3/900 1\n", [12.5, 8.0, 3.25]),
        ("0.04 0.09\n", None),
        ("", None),
        ("a b c 1/1 1\n", None),
    ],
)
def test_parse_loadavg(stdout, expected):
    if expected is None:
        with pytest.raises(FactError, match="^loadavg: expected three load averages"):
            disks.parse_loadavg(stdout)
    else:
        assert disks.parse_loadavg(stdout) == expected
