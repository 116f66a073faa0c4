"""Collection across hosts at once, a host named by several sides within its slots (sshd's
MaxStartups), with fake hosts that answer the real batched script from recorded outputs (the
users parser's recordings, tests/data/users/lab-production: getent run on the lab's hosts)."""

from __future__ import annotations

import threading
import time
from collections import Counter
from pathlib import Path

from fake_transport import FakeTransport, for_areas
from support import DATA, recorded_outputs

from drverify.areas import AREAS
from drverify.facts.collect import collect_each
from drverify.facts.slots import PER_HOST, HostSlots, host_key, workers
from drverify.inventory import Pair

OUTPUTS = for_areas({"users": recorded_outputs(DATA / "users" / "lab-production")})
HUB = "ssh://drverify@mft-prod-01"


class Hosts:
    """The collector's ``connect``: a fake host per connection, each round trip slow enough (50 ms)
    for sides read at once to overlap; counts the connections open per host, and in all."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.open: Counter[str] = Counter()
        self.most: Counter[str] = Counter()
        self.opened: Counter[str] = Counter()
        self.most_in_all = 0

    def __call__(self, spec: str, options: object, sudo: bool, workdir: Path) -> Connection:
        with self.lock:
            self.open[spec] += 1
            self.opened[spec] += 1
            self.most[spec] = max(self.most[spec], self.open[spec])
            self.most_in_all = max(self.most_in_all, sum(self.open.values()))
        return Connection(self, spec)


class Connection(FakeTransport):
    def __init__(self, hosts: Hosts, spec: str) -> None:
        super().__init__(OUTPUTS)
        self.hosts, self.spec = hosts, spec

    def run(self, script: str, timeout: float = 120):
        time.sleep(0.05)
        return super().run(script, timeout)

    def close(self) -> None:
        with self.hosts.lock:
            self.hosts.open[self.spec] -= 1
        super().close()


def test_a_host_named_by_many_sides_gets_at_most_its_slots_of_connections_at_once(tmp_path):
    pairs = [Pair(name=f"mft-{n}", production=HUB, recovery=f"ssh://drverify@mft-dr-{n:02}") for n in range(12)]
    hosts = Hosts()
    facts = collect_each([(pair, [AREAS["users"]]) for pair in pairs], tmp_path, max_workers=16, connect=hosts)
    assert hosts.opened[HUB] == 12 and 1 < hosts.most[HUB] <= PER_HOST
    assert hosts.most_in_all > PER_HOST  # other hosts are read meanwhile
    assert all(side.entry("users")["status"] == "ok" for side in facts.values()) and len(facts) == 24


def test_one_slot_per_host_reads_its_sides_one_after_the_other(tmp_path):
    pairs = [Pair(name=f"mft-{n}", production=HUB, recovery=f"ssh://mft-dr-{n:02}") for n in range(4)]
    hosts = Hosts()
    collect_each([(pair, [AREAS["users"]]) for pair in pairs], tmp_path, connect=hosts, slots=HostSlots(1))
    assert hosts.most[HUB] == 1 and hosts.opened[HUB] == 4


def test_a_host_is_its_sshd_whatever_the_user_or_the_client():
    assert host_key("ssh://drverify@MFT-prod-01") == host_key("paramiko://root@mft-prod-01:22") == "mft-prod-01:22"
    assert host_key("ssh://mft-prod-01:2222") == "mft-prod-01:2222"
    assert host_key("docker://mft") == "docker://mft" != host_key("ssh://mft")
    assert host_key("not a connection string") == "not a connection string"


def test_collection_threads_are_sized_to_the_machine():
    assert [workers(cpus) for cpus in (1, 2, 4, 100)] == [8, 16, 32, 64]
    assert workers() >= 8
