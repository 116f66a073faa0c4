"""What every bench script ends with: its rows as a table on stdout and, with ``--json PATH``,
as JSON, so runs can be compared later. One shape of row: ``case``, ``median_s``, ``min_s``,
``detail``."""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable
from pathlib import Path
from typing import Any


def repeat(function: Callable[[], tuple], times: int) -> tuple[float, float, tuple]:
    """Run ``function`` (whose result starts with its wall seconds) ``times`` times: the median
    and best wall seconds, and the last result."""
    results = [function() for _ in range(times)]
    walls = [result[0] for result in results]
    return statistics.median(walls), min(walls), results[-1]


def row(case: str, median: float, best: float, detail: str = "") -> dict[str, Any]:
    return {"case": case, "median_s": median, "min_s": best, "detail": detail}


def publish(rows: list[dict[str, Any]], json_path: Path | None, width: int = 48) -> None:
    """Print the rows as a table; write them as JSON too when asked."""
    for entry in rows:
        print(f"{entry['case']:<{width}} median {entry['median_s']:.3f} s  min {entry['min_s']:.3f} s  "
              f"{entry['detail']}")
    if json_path:
        json_path.write_text(json.dumps(rows, indent=2))


def scheme(pair: Any) -> str:
    """How a pair's production host is reached (``ssh``, ``paramiko``...)."""
    return pair.production.host.split(":")[0]


def copies(pair: Any, count: int) -> list[Any]:
    """``count`` pairs with the same hosts under other names: many pairs checked at once."""
    return [pair.model_copy(update={"name": f"{pair.name}-{i}"}) for i in range(count)]


def each_pair(pairs: list[Any], check: Callable[[list[Any]], tuple[float, int, int]], times: int,
              what: str) -> list[dict[str, Any]]:
    """One row per pair: ``check([pair])`` (wall seconds, most round trips of a host, drift
    records) run ``times`` times."""
    rows = []
    for pair in pairs:
        median, best, (_, trips, records) = repeat(lambda pair=pair: check([pair]), times)
        rows.append(row(f"1 pair, {what}, {scheme(pair)}://", median, best,
                        f"round trips per host {trips}, {records} drift records"))
    return rows
