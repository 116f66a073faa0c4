"""How fast is a drift check? Times collection and comparison against the lab's real hosts.

Run as root (it builds the lab unless --no-lab): ``python bench/bench_collect.py``. Measures,
for the four core areas (disks, network, firewall, users) of one pair:

- drverify's way over ``ssh://`` and ``paramiko://``: one batched script per host, hosts
  collected concurrently, then the pure comparison; wall time and remote round trips per host;
- the same for every area (network and key probes included: DNS, LDAP, proxy, TLS, SSH, PGP);
- the same for N pairs at once (all pairs against the same two hosts);
- for scale, the naive way: the same shell commands, one testinfra ``host.run`` each, with the
  default ``ssh://`` backend (a new SSH connection per command).

Prints a table and writes it as JSON with --json PATH. No timing is asserted anywhere: speed is
measured here, not in tests.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import testinfra
from tables import copies, each_pair, publish, repeat, row

from drverify.areas import AREAS
from drverify.facts.collect import collect_pairs
from drverify.inventory import Pair, load_inventory, ssh_options
from drverify.lab.default import default_lab

CORE = ("disks", "network", "firewall", "users")


def check_pairs(pairs: list[Pair], workdir: Path, names=CORE) -> tuple[float, int, int]:
    """Collect and compare; returns wall seconds, most round trips of a host, drift records found."""
    areas = [AREAS[name] for name in names]
    started = time.perf_counter()
    facts = collect_pairs(pairs, areas, workdir)
    records = 0
    for pair in pairs:
        production, recovery = facts[(pair.name, "production")], facts[(pair.name, "recovery")]
        for name in names:
            records += len(AREAS[name].judge(pair, production.data(name), recovery.data(name), {}).drift)
    wall = time.perf_counter() - started
    return wall, max(host.round_trips for host in facts.values()), records


def naive_commands(pair: Pair) -> tuple[float, int]:
    """The same commands one by one, testinfra's default ssh:// backend (one connection each)."""
    options = ssh_options(pair, pair.production)
    host = testinfra.get_host(pair.production.host.replace("paramiko://", "ssh://"),
                              ssh_identity_file=str(options.identity_file),
                              ssh_extra_args=f"-o UserKnownHostsFile={options.known_hosts} "
                                             "-o StrictHostKeyChecking=yes -o BatchMode=yes")
    commands = [text for name in CORE for text in AREAS[name].gather.commands(pair, "production").values()]
    started = time.perf_counter()
    for command in commands:
        host.run("sh -c %s", command)
    return time.perf_counter() - started, len(commands)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-lab", action="store_true", help="use a lab that is already up")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=8, help="pairs checked at once (sshd allows ~10)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    lab = default_lab()
    if not args.no_lab:
        lab.up()
    try:
        rows = measure(load_inventory(lab.inventory_path), args)
    finally:
        if not args.no_lab:
            lab.down()
    publish(rows, args.json)
    return 0


def measure(inventory, args) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="drv-bench-"))
    rows = each_pair(inventory.pairs, lambda pairs: check_pairs(pairs, workdir), args.repeat, f"{len(CORE)} areas")
    rows += each_pair(inventory.pairs, lambda pairs: check_pairs(pairs, workdir, tuple(AREAS)), args.repeat,
                      f"all {len(AREAS)} areas")
    many = copies(inventory.pairs[0], args.pairs)
    median, best, (_, trips, _) = repeat(lambda: check_pairs(many, workdir), args.repeat)
    rows.append(row(f"{args.pairs} pairs at once, ssh://", median, best, f"round trips per host connection {trips}"))
    median, best, (_, count) = repeat(lambda: naive_commands(inventory.pairs[0]), 2)
    rows.append(row("naive: one testinfra ssh:// call per command", median, best,
                    f"{count} commands for ONE host (both hosts: twice that)"))
    return rows

if __name__ == "__main__":
    sys.exit(main())
