"""The floor for checking every area: drverify's own collection and comparison as a library, with
no pytest, plugin or report. One batched script per host plus the areas' probes, every side at once
(``collect_each``), then each area judged in-process; prints the number of differences.

bench/bench_scale.py measures ``drverify check`` against it for the all-areas row, where the minimal
core reference (bench/reference.py) has no equivalent of the DNS, LDAP, egress, TLS, SSH, PGP and
MFT probes: the ratio is then the cost of pytest, the plugin and the reports over the work itself.

Run: ``python bench/library_reference.py INVENTORY``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from drverify.areas import AREAS
from drverify.errors import FactsUnavailable
from drverify.facts.collect import collect_each
from drverify.inventory import load_inventory


def main(path: str) -> int:
    inventory = load_inventory(Path(path))
    jobs = [(pair, [area for area in AREAS.values() if area.checked(pair, pair.direction)]) for pair in inventory.pairs]
    with tempfile.TemporaryDirectory(prefix="drv-ref-") as workdir:
        facts = collect_each(jobs, Path(workdir))
    total = 0
    for pair, areas in jobs:
        production, recovery = facts[(pair.name, "production")], facts[(pair.name, "recovery")]
        hosts = {"production": production.label, "recovery": recovery.label}
        for area in areas:
            try:
                sides = production.data(area.name), recovery.data(area.name)
            except FactsUnavailable:
                continue
            total += len(area.judge(pair, *sides, hosts, pair.direction).drift)
    print(f"library reference: {total} differences in {len(jobs)} pairs")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
