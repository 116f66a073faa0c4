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
    assert set(production) == {"findmnt", "cpus", "meminfo", "loadavg"}
    assert production["findmnt"].startswith("findmnt -J -b -l ")


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


def test_statfs_refused_gives_unknown_sizes():
    mounts = disks.parse(recorded("statfs-refused"))["mounts"]
    assert mounts["/srv/private/data"] == {
        "source": "tmpfs", "fstype": "tmpfs", "size": None, "used": None, "avail": None,
    }


def test_findmnt_missing_makes_the_area_unverified():
    with pytest.raises(FactError, match=r"^findmnt: command not found$"):
        disks.parse(recorded("findmnt-missing"))


def test_a_command_that_did_not_come_back():
    outputs = recorded("debian12-host")
    del outputs["meminfo"]
    with pytest.raises(FactError, match=r"^meminfo: no output came back$"):
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
