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
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import testinfra

from drverify.areas import AREAS
from drverify.facts.collect import collect_pairs
from drverify.inventory import Pair, load_inventory, ssh_options
from drverify.lab.default import default_lab

CORE = ("disks", "network", "firewall", "users")


def check_pairs(pairs: list[Pair], workdir: Path, names=CORE) -> tuple[float, dict[str, int], int]:
    """Collect and compare; returns wall seconds, round trips per host, drift records found."""
    areas = [AREAS[name] for name in names]
    started = time.perf_counter()
    facts = collect_pairs(pairs, areas, workdir)
    records = 0
    for pair in pairs:
        production, recovery = facts[(pair.name, "production")], facts[(pair.name, "recovery")]
        for name in names:
            records += len(AREAS[name].judge(pair, production.data(name), recovery.data(name), {}).drift)
    wall = time.perf_counter() - started
    trips = {f"{key[0]}/{key[1]}": host.round_trips for key, host in facts.items()}
    return wall, trips, records


def naive_commands(pair: Pair) -> float:
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


def repeat(function, times: int):
    results = [function() for _ in range(times)]
    walls = [result[0] for result in results]
    return statistics.median(walls), min(walls), results[-1]


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
    for row in rows:
        print(f"{row['case']:<48} median {row['median_s']:.3f} s  min {row['min_s']:.3f} s  {row['detail']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def measure(inventory, args) -> list[dict]:
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="drv-bench-"))
    for pair in inventory.pairs:
        median, best, (_, trips, records) = repeat(lambda pair=pair: check_pairs([pair], workdir), args.repeat)
        rows.append({"case": f"1 pair, 4 areas, {pair.production.host.split(':')[0]}://",
                     "median_s": median, "min_s": best,
                     "detail": f"round trips per host {max(trips.values())}, {records} drift records"})
    for pair in inventory.pairs:
        median, best, (_, trips, records) = repeat(lambda pair=pair: check_pairs([pair], workdir, tuple(AREAS)),
                                                   args.repeat)
        rows.append({"case": f"1 pair, all {len(AREAS)} areas, {pair.production.host.split(':')[0]}://",
                     "median_s": median, "min_s": best,
                     "detail": f"round trips per host {max(trips.values())}, {records} drift records"})
    many = [pair.model_copy(update={"name": f"{pair.name}-{i}"})
            for i in range(args.pairs) for pair in inventory.pairs[:1]]
    median, best, (_, trips, _) = repeat(lambda: check_pairs(many, workdir), args.repeat)
    rows.append({"case": f"{args.pairs} pairs at once, ssh://", "median_s": median, "min_s": best,
                 "detail": f"round trips per host connection {max(trips.values())}"})
    median, best, (_, count) = repeat(lambda: naive_commands(inventory.pairs[0]), 2)
    rows.append({"case": "naive: one testinfra ssh:// call per command", "median_s": median,
                 "min_s": best, "detail": f"{count} commands for ONE host (both hosts: twice that)"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
