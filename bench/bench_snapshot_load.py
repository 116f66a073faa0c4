"""How long does checking a snapshot at load take? Times load_snapshot on large and hostile files.

No lab, no root: ``python bench/bench_snapshot_load.py``. Builds snapshots from the embedded
example (inventories/example-snapshots) with one collection made large — 100k users, 100k
iptables rules, a 100k-element nft set, 100k mounts — and times reading, strict parsing and
the schema check of every area (load_snapshot, end to end), with the process's peak memory.
Then the files refused without being read: a FIFO, /dev/zero, a sparse file just over the size
cap. Prints a table (and writes it as JSON with --json PATH). Nothing is asserted: speed is
measured here, not in tests.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from drverify.errors import FactsUnavailable
from drverify.facts.hostfacts import load_snapshot
from drverify.facts.snapshot_file import MAX_SNAPSHOT_BYTES

EXAMPLE = Path(__file__).resolve().parents[1] / "inventories" / "example-snapshots" / "mft-eu.production.json"
SIZE = 100_000


def _users(areas: dict[str, Any]) -> None:
    areas["users"]["data"]["users"] = {
        f"user{i}": {"uid": 10_000 + i, "gid": 10_000 + i, "home": f"/home/user{i}", "shell": "/bin/bash",
                     "home_exists": True} for i in range(SIZE)}


def _rules(areas: dict[str, Any]) -> None:
    chains = areas["firewall"]["data"]["tables"]["ip4 filter"]["chains"]
    chains["INPUT"]["rules"] = [f"-s 10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}/32 -p tcp -m tcp --dport 22 -j ACCEPT"
                                for i in range(SIZE)]


def _set(areas: dict[str, Any]) -> None:
    table = areas["firewall"]["data"]["tables"].setdefault("inet mft", {"chains": {}, "sets": {}})
    table["sets"]["partners"] = {"type": "ipv4_addr",
                                 "elements": [f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}" for i in range(SIZE)]}


def _mounts(areas: dict[str, Any]) -> None:
    areas["disks"]["data"]["mounts"] = {
        f"/srv/m{i}": {"source": f"/dev/m{i}", "fstype": "xfs", "size": 1 << 30, "used": 1 << 20, "avail": 1 << 29}
        for i in range(SIZE)}


CASES: dict[str, Callable[[dict[str, Any]], None]] = {
    "example, as shipped": lambda areas: None,
    f"{SIZE:,} users": _users,
    f"{SIZE:,} iptables rules in one chain": _rules,
    f"an nft set of {SIZE:,} elements": _set,
    f"{SIZE:,} mounts": _mounts,
}


def _timed(path: Path) -> tuple[float, str]:
    started = time.perf_counter()
    try:
        load_snapshot(path, "bench", "production")
        outcome = "loaded"
    except FactsUnavailable as error:
        outcome = str(error).rsplit(": ", 1)[-1]
    return time.perf_counter() - started, outcome


def _hostile(directory: Path) -> dict[str, Path]:
    os.mkfifo(directory / "fifo.json")
    (directory / "zero.json").symlink_to("/dev/zero")
    with (directory / "sparse.json").open("wb") as stream:
        stream.truncate(MAX_SNAPSHOT_BYTES + 1)
    return {"a FIFO": directory / "fifo.json", "/dev/zero": directory / "zero.json",
            "a sparse file 1 byte over the cap": directory / "sparse.json"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the table as JSON here")
    args = parser.parse_args()
    document = json.loads(EXAMPLE.read_text())
    rows = []
    with tempfile.TemporaryDirectory(prefix="drv-bench-") as temporary:
        directory = Path(temporary)
        for name, grow in CASES.items():
            grown = copy.deepcopy(document)
            grow(grown["areas"])
            path = directory / "snapshot.json"
            path.write_text(json.dumps(grown))
            seconds, outcome = _timed(path)
            rows.append({"case": name, "bytes": path.stat().st_size, "seconds": round(seconds, 3), "outcome": outcome})
        for name, path in _hostile(directory).items():
            seconds, outcome = _timed(path)
            rows.append({"case": name, "bytes": None, "seconds": round(seconds, 4), "outcome": outcome})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"{'case':40} {'bytes':>12} {'seconds':>8}  outcome")
    for row in rows:
        print(f"{row['case']:40} {row['bytes'] or '':>12} {row['seconds']:>8}  {row['outcome']}")
    print(f"peak memory of the whole run: {peak} MiB")
    if args.json:
        args.json.write_text(json.dumps({"rows": rows, "peak_mib": peak}, indent=2))


if __name__ == "__main__":
    main()
