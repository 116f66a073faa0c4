"""The lab's pure parts: what it would write and run, checked without building anything."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
import yaml

from drverify.lab import PRODUCTION, RECOVERY, FileSpec, LabError, Link, NodeSpec
from drverify.lab.accounts import AccountFiles, render_accounts
from drverify.lab.clientfiles import inventory_data
from drverify.lab.files import tar_bytes
from drverify.lab.firewall import restore_text
from drverify.lab.netns import mount_targets, topmost, under
from drverify.lab.nodes import inner_commands, veth_commands

BASE = AccountFiles(
    passwd="root:x:0:0:root:/root:/bin/bash\n",
    group="root:x:0:\n",
    shadow="root:!:19000:0:99999:7:::\n",
    gshadow="root:*::\n",
)


def test_recovery_accounts_carry_the_seeded_drift() -> None:
    files = render_accounts(BASE, RECOVERY.seed.users, RECOVERY.seed.groups)
    assert files.passwd.splitlines()[1:] == [
        "mftsvc:x:2002:2001::/srv/mft/home/mftsvc:/bin/bash",
        "alice:x:2101:2001::/home/alice:/bin/bash",
        "drvcheck:x:2900:2900::/home/drvcheck:/bin/bash",
        "tempadmin:x:2999:2999::/home/tempadmin:/bin/bash",
    ]
    assert files.group.splitlines()[1:] == ["mftgrp:x:2001:mftsvc", "drvcheck:x:2900:", "tempadmin:x:2999:"]


def test_production_accounts_are_locked_and_root_can_use_keys() -> None:
    files = render_accounts(BASE, PRODUCTION.seed.users, PRODUCTION.seed.groups)
    assert files.shadow.splitlines() == [
        "root:*:19000:0:99999:7:::",  # `!` would make sshd (UsePAM no) refuse root's key
        "mftsvc:!:20000:0:99999:7:::",
        "alice:!:20000:0:99999:7:::",
        "drvcheck:*:20000:0:99999:7:::",  # no password either, but not locked: it logs in by key
    ]
    assert files.gshadow.splitlines()[1:] == ["mftgrp:!::mftsvc,alice", "drvcheck:!::"]


def test_firewalls_differ_by_exactly_three_rules() -> None:
    prod = set(restore_text(PRODUCTION.seed.firewall).splitlines())
    dr = set(restore_text(RECOVERY.seed.firewall).splitlines())
    assert prod - dr == {"-A INPUT -s 203.0.113.0/24 -p tcp --dport 2222 -j ACCEPT"}
    assert dr - prod == {"-A INPUT -p tcp --dport 8080 -j ACCEPT", "-A OUTPUT -p tcp --dport 636 -j REJECT --reject-with tcp-reset"}
    assert ":INPUT DROP [0:0]" in prod & dr


def test_inventory_has_exactly_the_documented_keys() -> None:
    data = inventory_data(Path("/run/drverify-lab"), "198.51.100.10", "198.51.100.20")
    text = yaml.safe_dump(data, sort_keys=False)
    assert yaml.safe_load(text) == data
    assert list(data) == ["version", "defaults", "pairs"]
    assert data["defaults"]["ssh"]["identity_file"] == "/run/drverify-lab/id_ed25519"
    assert [list(pair) for pair in data["pairs"]] == [
        ["name", "production", "recovery", "translate", "service_accounts", "service_groups", "policies"]
    ] * 2
    assert data["pairs"][1]["recovery"] == "paramiko://root@198.51.100.20"


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        (NodeSpec("x", "drv-x", "x", (Link("drvbr0", ("10.0.0.5/24",)),)), "outside"),
        (NodeSpec("x", "drv-x", "x", (), routes=("default via 198.51.100.1",)), "default route"),
        (NodeSpec("x", "drv-x", "x", (), routes=("0.0.0.0/0 via 198.51.100.1",)), "outside"),
        (NodeSpec("x", "lab-x", "x", ()), "must start"),
    ],
)
def test_node_specs_that_could_escape_or_leak_are_refused(spec: NodeSpec, reason: str) -> None:
    with pytest.raises(LabError, match=reason):
        spec.validate()


def test_inner_interfaces_look_alike_apart_from_addresses() -> None:
    prod, dr = (veth_commands(h.node)[0] for h in (PRODUCTION, RECOVERY))
    assert prod == ("link add drv-prod-0 type veth peer name eth0 netns drv-prod index 2"
                    " address 02:00:c6:33:64:0a")
    assert dr.replace("drv-dr", "drv-prod").replace(":14", ":0a") == prod
    assert "addr add 198.51.100.12/24 dev eth0" in inner_commands(PRODUCTION.node)


def test_mount_helpers_pick_the_topmost_lab_mounts() -> None:
    info = ("36 25 0:33 / /run/drverify\\040lab/ns rw - ext4 /dev/vda rw\n"
            "37 36 0:4 / /run/x rw - nsfs nsfs rw\n")
    targets = mount_targets(info)
    assert targets == ["/run/drverify lab/ns", "/run/x"]
    assert under(["/run", "/runx", "/run/a", "/srv"], ["/run"]) == ["/run", "/run/a"]
    assert topmost(["/run/a/b", "/run/a", "/run/c"]) == ["/run/a", "/run/c"]


def test_files_are_packed_relative_to_root_with_owners() -> None:
    data = tar_bytes([FileSpec.dir("/root/.ssh", 0o700), FileSpec.text("/root/.ssh/k", "x", 0o600, 5, 6)])
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        members = [(m.name, m.isdir(), m.mode, m.uid, m.gid) for m in archive.getmembers()]
    assert members == [("root/.ssh", True, 0o700, 0, 0), ("root/.ssh/k", False, 0o600, 5, 6)]
