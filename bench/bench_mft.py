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
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

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


def timed(function, times: int) -> tuple[float, float, object]:
    results = []
    for _ in range(times):
        started = time.perf_counter()
        value = function()
        results.append((time.perf_counter() - started, value))
    walls = [wall for wall, _ in results]
    return statistics.median(walls), min(walls), results[-1][1]


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
        rows.append({"case": f"lab {action} (whole lab)", "median_s": statistics.median(walls), "min_s": min(walls),
                     "detail": "up includes the down it starts with" if action == "up" else ""})
    lab.up()
    try:
        rows += measure(load_inventory(lab.inventory_path), args)
    finally:
        lab.down()
    for row in rows:
        print(f"{row['case']:<44} median {row['median_s']:.3f} s  min {row['min_s']:.3f} s  {row['detail']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


def measure(inventory, args) -> list[dict]:
    rows = []
    workdir = Path(tempfile.mkdtemp(prefix="drv-bench-"))
    for pair in inventory.pairs:
        median, best, (_, trips, records) = timed(lambda pair=pair: check_pairs([pair], workdir), args.repeat)
        rows.append({"case": f"1 pair, 3 MFT areas, {pair.production.host.split(':')[0]}://", "median_s": median,
                     "min_s": best, "detail": f"round trips per host {trips}, {records} drift records"})
    many = [pair.model_copy(update={"name": f"{pair.name}-{i}"}) for i in range(args.pairs) for pair in inventory.pairs[:1]]
    median, best, (_, trips, records) = timed(lambda: check_pairs(many, workdir), args.repeat)
    rows.append({"case": f"{args.pairs} pairs at once, one balancer, ssh://", "median_s": median, "min_s": best,
                 "detail": f"one balancer read shared by {2 * args.pairs} sides, {records} drift records"})
    return rows


if __name__ == "__main__":
    sys.exit(main())
