"""How much do the MFT service areas and their lab cost? Times against the lab's real hosts.

Run as root: ``python bench/bench_mft.py``. Measures

- ``python -m drverify.lab`` up and down, the whole lab (hosts, services, keys, ProFTPD on both
  hosts, the balancer host with HAProxy), each ``--repeat`` times;
- the three MFT areas (mft_config, mft_software, load_balancer) of one pair, over ``ssh://`` and
  ``paramiko://``: collection (one batched script per host plus one read of the balancer per
  side) and comparison, with the remote round trips per host;
- N pairs at once sharing the one balancer (its reads are capped per balancer).

Prints a table and writes it as JSON with --json PATH. Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from tables import copies, each_pair, publish, repeat, row

from drverify.areas import AREAS
from drverify.facts.collect import collect_pairs
from drverify.inventory import Pair, load_inventory
from drverify.lab.default import default_lab

MFT = ("mft_config", "mft_software", "load_balancer")


def check_pairs(pairs: list[Pair], workdir: Path) -> tuple[float, int, int]:
    """Collect and compare the MFT areas; wall seconds, most round trips of a host, drift records."""
    areas = [AREAS[name] for name in MFT]
    started = time.perf_counter()
    facts = collect_pairs(pairs, areas, workdir)
    records = sum(len(AREAS[name].judge(pair, facts[(pair.name, "production")].data(name),
                                        facts[(pair.name, "recovery")].data(name), {}).drift)
                  for pair in pairs for name in MFT)
    return time.perf_counter() - started, max(host.round_trips for host in facts.values()), records


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pairs", type=int, default=8)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    lab = default_lab()
    rows = []
    for action in ("up", "down"):
        walls = []
        for _ in range(args.repeat):
            lab.up()
            started = time.perf_counter()
            lab.up() if action == "up" else lab.down()
            walls.append(time.perf_counter() - started)
        rows.append(row(f"lab {action} (whole lab)", statistics.median(walls), min(walls),
                        "up includes the down it starts with" if action == "up" else ""))
    lab.up()
    try:
        rows += measure(load_inventory(lab.inventory_path), args)
    finally:
        lab.down()
    publish(rows, args.json, width=44)
    return 0


def measure(inventory, args) -> list[dict]:
    workdir = Path(tempfile.mkdtemp(prefix="drv-bench-"))
    rows = each_pair(inventory.pairs, lambda pairs: check_pairs(pairs, workdir), args.repeat, f"{len(MFT)} MFT areas")
    many = copies(inventory.pairs[0], args.pairs)
    median, best, (_, trips, records) = repeat(lambda: check_pairs(many, workdir), args.repeat)
    rows.append(row(f"{args.pairs} pairs at once, one balancer, ssh://", median, best,
                    f"one balancer read shared by {2 * args.pairs} sides, {records} drift records"))
    return rows

if __name__ == "__main__":
    sys.exit(main())
