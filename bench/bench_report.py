"""How long does the report take? Times the server-side parts of the HTML, offline.

``python bench/bench_report.py`` (no lab, no root): renders the example's summary (evidence,
matrix, drift section) from its snapshots, and the side-by-side view of one firewall chain of N
rules where a few differ or moved (difflib over both sides' lines), for growing N. Prints the
median of a few runs. No timing is asserted anywhere: speed is measured here, not in tests.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

from drverify.areas import applicable
from drverify.facts.hostfacts import load_snapshot
from drverify.inventory import load_inventory
from drverify.report.page import render_summary
from drverify.report.results import AreaResult
from drverify.report.sidebyside import side_by_side

EXAMPLE = Path(__file__).resolve().parents[1] / "inventories" / "example.yaml"


def median_seconds(work: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def example_results() -> tuple[list[AreaResult], dict]:
    pair = load_inventory(EXAMPLE).pairs[0]
    sides = [load_snapshot(pair.host(role).snapshot, pair.name, role) for role in ("production", "recovery")]
    results = []
    for area in applicable(pair):
        outcome = area.judge(pair, sides[0].data(area.name), sides[1].data(area.name), {})
        results.append(AreaResult(pair.name, area.name, "drift" if outcome.drift else "ok", drift=outcome.drift))
    return results, {"pairs": [pair.name], "areas": [r.area for r in results], "fail_on": "minor"}


def chain(count: int) -> tuple[list[str], list[str]]:
    """Production's rules and recovery's: every 100th missing, every 250th moved to the end."""
    rules = [f"-s 203.0.{n // 256}.{n % 256}/32 -p tcp -m tcp --dport 2222 -j ACCEPT" for n in range(count)]
    recovery = [rule for n, rule in enumerate(rules) if n % 100 != 7 and n % 250 != 3]
    return rules, recovery + [rule for n, rule in enumerate(rules) if n % 250 == 3]


def main() -> None:
    results, meta = example_results()
    print(f"example summary ({sum(len(r.drift) for r in results)} records): "
          f"{median_seconds(lambda: render_summary(results, meta)) * 1000:.1f} ms")
    for count in (100, 1_000, 10_000):
        sides = chain(count)
        print(f"side by side, chain of {count} rules: "
              f"{median_seconds(lambda sides=sides: side_by_side(*sides), 3) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
