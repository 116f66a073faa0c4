"""Disks and sizing drift: the records a person reads for mounts, sizes, CPUs and memory."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import support

from drverify.drift import disks
from drverify.drift.records import Context, Severity
from drverify.facts import disks as disks_facts
from drverify.facts.batch import Output
from drverify.inventory.model import DiskPolicy, Policies, SizingPolicy

MiB, GiB = 2**20, 2**30
DATA = Path(__file__).resolve().parents[1] / "data" / "disks"


def mount(size: int | None, used: int | None, fstype: str = "ext4", source: str = "/dev/vda") -> dict:
    avail = None if size is None or used is None else size - used
    return {"source": source, "fstype": fstype, "size": size, "used": used, "avail": avail}


def host(mounts: dict[str, dict], cpus: int = 4, total: int = 16 * GiB, available: int = 12 * GiB,
         load15: float = 1.0) -> dict[str, Any]:
    return {"mounts": mounts, "sizing": {"cpus": cpus, "memory_total": total,
                                         "memory_available": available, "load": [0.5, 0.8, load15]}}


def context(policy: Any = None, sizing: SizingPolicy | None = None,
            translate: dict[str, str] | None = None) -> Context:
    policies = Policies(disks=policy or DiskPolicy(), sizing=sizing or SizingPolicy())
    return support.context("disks", support.make_pair(policies=policies, translate=translate or {}))


PROC = {"/proc": mount(0, 0, "proc", "proc")}
ROOT = {"/": mount(100 * GiB, 20 * GiB)}


def test_identical_hosts_have_no_drift():
    facts = host({**ROOT, **PROC, "/srv/mft": mount(256 * MiB, 96 * MiB, "tmpfs", "tmpfs")})
    assert disks.compare(facts, facts, context()) == []


def test_device_names_are_not_compared():
    production = host({"/": mount(100 * GiB, 20 * GiB, source="/dev/vda")})
    recovery = host({"/": mount(100 * GiB, 20 * GiB, source="/dev/sda")})
    assert disks.compare(production, recovery, context()) == []


def lab_hosts() -> tuple[dict, dict]:
    """What the lab seeds: /srv/mft 64 MiB on recovery for 96 MiB of data, /srv/archive missing."""
    common = {**ROOT, **PROC, "/srv": mount(16 * MiB, 0, "tmpfs", "tmpfs")}
    production = host({**common, "/srv/mft": mount(256 * MiB, 96 * MiB, "tmpfs", "tmpfs"),
                       "/srv/archive": mount(GiB, 0, "tmpfs", "tmpfs")})
    recovery = host({**common, "/srv/mft": mount(64 * MiB, 0, "tmpfs", "tmpfs")})
    return production, recovery


LAB_POLICY = DiskPolicy(default="at_least_used", headroom_percent=20)
LAB_RECORDS = [
    ("/srv/archive", {"fstype": "tmpfs", "size": GiB, "used": 0}, None, Severity.CRITICAL,
     "/srv/archive is mounted on production but not on recovery"),
    ("/srv/mft", {"fstype": "tmpfs", "size": 256 * MiB, "used": 96 * MiB},
     {"fstype": "tmpfs", "size": 64 * MiB, "used": 0}, Severity.CRITICAL,
     "/srv/mft is 64.0 MiB on recovery, less than the 96.0 MiB production stores there: "
     "recovery cannot hold production's data"),
]


def as_tuples(records) -> list[tuple]:
    return [(r.item, r.production, r.recovery, r.severity, r.message) for r in records]


def test_lab_scenario_gives_exactly_two_critical_records():
    production, recovery = lab_hosts()
    records = disks.compare(production, recovery, context(LAB_POLICY))
    assert as_tuples(records) == LAB_RECORDS
    assert {(r.pair, r.area) for r in records} == {("mft", "disks")}


def recorded(case: str) -> dict[str, Any]:
    """Facts parsed from a recorded case (see tests/data/disks/record.py)."""
    outputs = {}
    for out in (DATA / case).glob("*.out"):
        rc = out.with_suffix(".rc")
        outputs[out.stem] = Output(int(rc.read_text()) if rc.exists() else 0, out.read_text(), "")
    return disks_facts.parse(outputs)


def test_lab_scenario_on_recorded_hosts():
    """The same seeds recorded for real, with every other mount of a Debian 12 machine around them."""
    records = disks.compare(recorded("lab-production"), recorded("lab-recovery"), context(LAB_POLICY))
    assert as_tuples(records) == LAB_RECORDS


@pytest.mark.parametrize(
    ("rule", "size", "used", "have", "severity", "words"),
    [
        ("at_least_used", 100, 50, 60, None, None),  # 50 + 20% = 60
        ("at_least_used", 100, 50, 59, Severity.MAJOR,
         "production's 50.0 GiB used plus 20% headroom = 60.0 GiB"),
        ("at_least_used", 100, 50, 49, Severity.CRITICAL, "cannot hold production's data"),
        ("at_least", 100, 50, 100, None, None),
        ("at_least", 100, 50, 99, Severity.MAJOR, "less than production's 100.0 GiB (policy at_least)"),
        ("at_least", 100, 50, 40, Severity.CRITICAL, "less than the 50.0 GiB production stores there"),
        ("equal", 100, 50, 101, None, None),  # within 1%
        ("equal", 100, 50, 99, None, None),
        ("equal", 100, 50, 102, Severity.MAJOR, "not within 1% of production's 100.0 GiB (policy equal)"),
        ("equal", 100, 50, 98, Severity.MAJOR, "98.0 GiB on recovery"),
    ],
)
def test_size_rules(rule, size, used, have, severity, words):
    production = host({"/data": mount(size * GiB, used * GiB)})
    recovery = host({"/data": mount(have * GiB, 0)})
    policy = DiskPolicy(default="at_least", mounts={"/data": rule}, headroom_percent=20)
    records = disks.compare(production, recovery, context(policy))
    if severity is None:
        assert records == []
    else:
        [record] = records
        assert (record.item, record.severity) == ("/data", severity)
        assert record.production == {"fstype": "ext4", "size": size * GiB, "used": used * GiB}
        assert record.recovery == {"fstype": "ext4", "size": have * GiB, "used": 0}
        assert words in record.message


def test_fstype_difference_is_minor_and_separate_from_size():
    production = host({"/data": mount(100 * GiB, 50 * GiB, "xfs")})
    recovery = host({"/data": mount(10 * GiB, 0, "ext4")})
    records = as_tuples(disks.compare(production, recovery, context()))
    assert [(item, severity) for item, _, _, severity, _ in records] == [
        ("/data", Severity.CRITICAL), ("/data fstype", Severity.MINOR)]
    assert records[1][1:] == ("xfs", "ext4", Severity.MINOR,
                              "/data is xfs on production but ext4 on recovery")


def test_extra_mount_on_recovery_is_minor():
    production = host(ROOT)
    recovery = host({**ROOT, "/scratch": mount(5 * GiB, GiB)})
    assert as_tuples(disks.compare(production, recovery, context())) == [
        ("/scratch", None, {"fstype": "ext4", "size": 5 * GiB, "used": GiB}, Severity.MINOR,
         "/scratch is mounted on recovery but not on production")]


BACKUP = {"/mnt/backup": mount(GiB, GiB, "nfs4")}
SCRATCH = {"/mnt/scratch": mount(GiB, 0, "nfs4")}


@pytest.mark.parametrize(
    ("policy", "production", "recovery"),
    [
        (DiskPolicy(ignore_mounts=["/mnt/backup"]), BACKUP, {}),
        (DiskPolicy(ignore_mounts=["/mnt/*"]), BACKUP, SCRATCH),
        (DiskPolicy(ignore_fstypes=["nfs4"]), BACKUP, SCRATCH),
        ({"ignore_mounts": ["/mnt/backup"]}, BACKUP, {}),  # the policy's plain-dict form works too
    ],
)
def test_ignored_mounts_on_either_side(policy, production, recovery):
    records = disks.compare(host({**ROOT, **production}), host({**ROOT, **recovery}), context(policy))
    assert records == []


def test_pseudo_filesystems_are_ignored_by_default():
    production = host({**ROOT, **PROC, "/sys": mount(0, 0, "sysfs", "sysfs")})
    recovery = host({**ROOT, "/run/user/0": mount(0, 0, "overlay", "overlay")})
    assert disks.compare(production, recovery, context()) == []


def test_translation_hides_expected_mount_point_differences():
    production = host({**ROOT, "/srv/mft-prod": mount(10 * GiB, 2 * GiB)})
    recovery = host({**ROOT, "/srv/mft-dr": mount(10 * GiB, 0)})
    assert disks.compare(production, recovery, context(translate={"mft-prod": "mft-dr"})) == []
    untranslated = disks.compare(production, recovery, context())
    assert [(r.item, r.severity) for r in untranslated] == [
        ("/srv/mft-dr", Severity.MINOR), ("/srv/mft-prod", Severity.CRITICAL)]


def test_per_mount_policy_may_name_production_mount_point():
    production = host({"/srv/mft-prod": mount(10 * GiB, 2 * GiB)})
    recovery = host({"/srv/mft-dr": mount(5 * GiB, 0)})
    policy = DiskPolicy(default="at_least_used", mounts={"/srv/mft-prod": "equal"})
    [record] = disks.compare(production, recovery, context(policy, translate={"mft-prod": "mft-dr"}))
    assert (record.item, record.severity) == ("/srv/mft-dr", Severity.MAJOR)
    assert "(policy equal)" in record.message


def unverified(outcome) -> list[tuple[str, str, str]]:
    return [(u.item, u.host, u.reason) for u in outcome.unverified]


def judge(production: dict, recovery: dict, policy: DiskPolicy | None = None,
          sizing: SizingPolicy | None = None):
    policies = Policies(disks=policy or DiskPolicy(), sizing=sizing or SizingPolicy())
    return support.judge("disks", production, recovery, support.make_pair(policies=policies))


def unsized(error: str | None = "statfs: Permission denied", fstype: str = "ext4") -> dict:
    entry = mount(None, None, fstype)
    return entry if error is None else {**entry, "error": error}


DENIED = ("its size could not be read: statfs: Permission denied (the check account cannot reach "
          "the mount point); if that is expected, list it in policies.disks.ignore_unreadable")


@pytest.mark.parametrize(
    ("production", "recovery", "roles"),
    [
        (unsized(), mount(GiB, 0), ["production"]),
        (mount(GiB, 0), unsized(), ["recovery"]),
        (unsized(), unsized(), ["production", "recovery"]),
    ],
)
def test_an_unreadable_mount_is_unverified_and_every_other_drift_still_reported(production, recovery, roles):
    outcome = judge(host({**ROOT, "/data": production, "/srv": mount(GiB, 512 * MiB)}, cpus=8),
                    host({**ROOT, "/data": recovery, "/srv": mount(256 * MiB, 0)}, cpus=2))
    assert unverified(outcome) == [("/data", role, DENIED) for role in roles]
    assert [(r.item, r.severity) for r in outcome.drift] == [
        ("/srv", Severity.CRITICAL), ("cpus", Severity.MAJOR)]


def test_only_recovery_size_matters_on_recovery():
    """Production's size and use are needed, only recovery's size: its use is not compared."""
    outcome = judge(host({"/data": mount(GiB, 0)}), host({"/data": {**mount(GiB, 0), "used": None}}))
    assert outcome == type(outcome)()


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("statfs: No such file or directory",
         "statfs: No such file or directory (the mount point is hidden under a later mount, or gone)"),
        ("statfs: Stale file handle", "statfs: Stale file handle (a stale NFS export)"),
        ("statfs: Input/output error", "its size could not be read: statfs: Input/output error; if"),
        (None, "its size could not be read: findmnt printed no size; if"),  # an old snapshot
    ],
)
def test_the_reason_says_what_statfs_said_and_what_it_usually_means(error, words):
    outcome = judge(host({"/data": unsized(error)}), host({"/data": mount(GiB, 0)}))
    [(item, role, reason)] = unverified(outcome)
    assert (item, role) == ("/data", "production") and words in reason, reason


def test_an_unreadable_mount_still_has_its_existence_and_fstype_compared():
    outcome = judge(host({"/data": unsized(), "/archive": unsized()}),
                    host({"/data": mount(GiB, 0, "xfs")}))
    assert as_tuples(outcome.drift) == [
        ("/archive", {"fstype": "ext4", "size": None, "used": None}, None, Severity.CRITICAL,
         "/archive is mounted on production but not on recovery"),
        ("/data fstype", "ext4", "xfs", Severity.MINOR, "/data is ext4 on production but xfs on recovery"),
    ]
    assert unverified(outcome) == [("/data", "production", DENIED)]


@pytest.mark.parametrize("pattern", ["/srv/private/data", "/srv/private/*", "/srv/*"])
def test_ignore_unreadable_skips_the_size_silently_never_other_drift(pattern):
    policy = DiskPolicy(ignore_unreadable=[pattern])
    outcome = judge(host({**ROOT, "/srv/private/data": unsized(), "/srv/b": mount(GiB, 0)}),
                    host({**ROOT, "/srv/private/data": unsized()}), policy)
    assert outcome.unverified == ()
    assert [(r.item, r.severity) for r in outcome.drift] == [("/srv/b", Severity.CRITICAL)]


def test_ignore_unreadable_matches_production_name_before_translation():
    policy = Policies(disks=DiskPolicy(ignore_unreadable=["/srv/mft-prod"]))
    pair = support.make_pair(policies=policy, translate={"mft-prod": "mft-dr"})
    outcome = support.judge("disks", host({"/srv/mft-prod": unsized()}),
                            host({"/srv/mft-dr": mount(GiB, 0)}), pair)
    assert outcome.drift == () and outcome.unverified == ()


def test_ignore_unreadable_does_not_hide_a_readable_mount_that_is_too_small():
    policy = DiskPolicy(ignore_unreadable=["/data"])
    outcome = judge(host({"/data": mount(GiB, GiB)}), host({"/data": mount(MiB, 0)}), policy)
    assert [(r.item, r.severity) for r in outcome.drift] == [("/data", Severity.CRITICAL)]


def test_recorded_hidden_mount_is_unverified_and_the_rest_compared():
    """Production recorded with /srv/mft/data hidden under a later mount (record.py MOUNT_HIDDEN);
    recovery the same host with that mount sizable and the bind mount gone."""
    production = recorded("mount-hidden")
    recovery = copy.deepcopy(production)
    recovery["mounts"]["/srv/mft/data"] = mount(4 * MiB, 0, "tmpfs", "tmpfs")
    del recovery["mounts"]["/srv/bind"]
    outcome = judge(production, recovery)
    assert [(r.item, r.severity) for r in outcome.drift] == [("/srv/bind", Severity.CRITICAL)]
    [(item, role, reason)] = unverified(outcome)
    assert (item, role) == ("/srv/mft/data", "production")
    assert reason.startswith("its size could not be read: statfs: No such file or directory (the "
                             "mount point is hidden under a later mount, or gone)")


@pytest.mark.parametrize("role", ["production", "recovery"])
def test_mounts_unreadable_on_one_side_keep_the_sizing_compared(role):
    """findmnt missing on one host (recorded): its mounts are unverified, its CPUs still compared."""
    sides = {"production": host(ROOT, cpus=8), "recovery": host(ROOT, cpus=2)}
    sides[role] = {**recorded("findmnt-missing"), "sizing": sides[role]["sizing"]}
    outcome = judge(sides["production"], sides["recovery"])
    assert unverified(outcome) == [("mounts", role, "findmnt: command not found")]
    assert [(r.item, r.severity) for r in outcome.drift] == [("cpus", Severity.MAJOR)]


def test_memory_unreadable_keeps_cpus_and_mounts_compared():
    recovery = host({"/data": mount(MiB, 0)}, cpus=2)
    recovery["sizing"] = {"cpus": 2, "load": [0, 0, 0]}
    recovery["errors"] = {"memory": "meminfo: no MemAvailable in /proc/meminfo"}
    outcome = judge(host({"/data": mount(GiB, GiB)}), recovery)
    assert [r.item for r in outcome.drift] == ["/data", "cpus"]
    assert unverified(outcome) == [("memory", "recovery", "meminfo: no MemAvailable in /proc/meminfo")]


def test_a_snapshot_without_mounts_or_sizing_is_unverified_not_a_key_error():
    outcome = judge({}, host(ROOT))
    reason = "not in the facts (a snapshot older than the inventory?)"
    assert unverified(outcome) == [("mounts", "production", reason), ("cpus", "production", reason),
                                   ("memory", "production", reason)]
    assert outcome.drift == ()


@pytest.mark.parametrize(
    ("sizing", "recovery", "item", "words"),
    [
        (SizingPolicy(), {"cpus": 2}, "cpus",
         "the CPU count is 2 on recovery, less than production's 4 (policy at_least)"),
        (SizingPolicy(), {"total": 8 * GiB, "available": 6 * GiB}, "memory",
         "memory is 8.0 GiB on recovery, less than production's 16.0 GiB (policy at_least)"),
        (SizingPolicy(cpu="at_least_used", headroom_percent=20), {"cpus": 2, "load15": 1.0}, "cpus",
         "less than production's 15-minute load average of 2 plus 20% headroom = 2.4 "
         "(policy at_least_used)"),
        (SizingPolicy(memory="at_least_used", headroom_percent=50), {"total": 5 * GiB, "available": GiB},
         "memory", "less than production's used memory of 4.0 GiB plus 50% headroom = 6.0 GiB"),
        (SizingPolicy(cpu="equal"), {"cpus": 8}, "cpus", "not within 1% of production's 4 (policy equal)"),
    ],
)
def test_sizing_shortfalls_are_major(sizing, recovery, item, words):
    production = host(ROOT, cpus=4, total=16 * GiB, available=12 * GiB, load15=2.0)
    rec = host(ROOT, cpus=recovery.get("cpus", 4), total=recovery.get("total", 16 * GiB),
               available=recovery.get("available", 12 * GiB), load15=recovery.get("load15", 2.0))
    [record] = disks.compare(production, rec, context(sizing=sizing))
    assert (record.item, record.severity) == (item, Severity.MAJOR)
    assert words in record.message
    if item == "memory":
        assert record.production == {"total": 16 * GiB, "used": 4 * GiB}
    else:
        assert record.production == {"cpus": 4, "load15": 2.0}


@pytest.mark.parametrize(
    ("sizing", "cpus", "total"),
    [
        (SizingPolicy(cpu="at_least_used", memory="at_least_used", headroom_percent=20), 3, 5 * GiB),
        (SizingPolicy(cpu="equal", memory="equal"), 4, 16 * GiB - 100 * MiB),  # memory within 1%
        (SizingPolicy(), 8, 32 * GiB),
    ],
)
def test_sizing_within_policy(sizing, cpus, total):
    production = host(ROOT, cpus=4, total=16 * GiB, available=12 * GiB, load15=2.0)
    recovery = host(ROOT, cpus=cpus, total=total, available=total // 2)
    assert disks.compare(production, recovery, context(sizing=sizing)) == []


def test_records_are_sorted_by_item():
    production = host({"/b": mount(GiB, 0), "/a": mount(GiB, 0), "/c": mount(GiB, 0)}, cpus=8)
    recovery = host({"/z": mount(GiB, 0)}, cpus=1)
    items = [r.item for r in disks.compare(production, recovery, context())]
    assert items == ["/a", "/b", "/c", "/z", "cpus"]


@pytest.mark.parametrize(
    ("count", "text"),
    [(0, "0 B"), (1023, "1023 B"), (1024, "1.0 KiB"), (64 * MiB, "64.0 MiB"),
     (270553174016, "252.0 GiB"), (3 * 2**40 // 2, "1.5 TiB"), (2**70, "1024.0 EiB")],
)
def test_human_bytes(count, text):
    assert disks.human_bytes(count) == text
