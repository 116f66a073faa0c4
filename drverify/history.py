"""History: tonight's drift told apart from last month's.

Every drift record has a stable id (pair, area, item and kind; never the values). Given the
drift.json of an earlier run (``--baseline FILE``), or a directory of kept runs (``--history DIR``:
the newest is the baseline, this run is added, the last ``--history-keep`` are kept), each record
is marked ``new`` or ``persisting`` (with ``since``: when it was first seen), and the baseline's
records that are gone are ``resolved`` — only where their check ran and compared them: a check
that did not run or could not read its facts resolves nothing. ``--fail-on-new`` fails a check only
on new drift at or above ``--fail-on``. The report shows a "new since last run" section and a small
trend picture (drift records per area over the kept runs).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from drverify.digest import sha256
from drverify.drift.records import Drift
from drverify.errors import InventoryError
from drverify.report import json_report
from drverify.report.results import AreaResult

#: kept runs in a history directory are named drift-<UTC time>.json, so names sort by time
PREFIX = "drift-"


def addoption(group: Any) -> None:
    group.addoption("--baseline", metavar="FILE", type=Path,
                    help="drift.json of an earlier run: mark each record new or persisting, list resolved ones")
    group.addoption("--history", metavar="DIR", type=Path,
                    help="keep each run's drift.json in DIR; the newest kept run is the baseline")
    group.addoption("--history-keep", metavar="N", type=int, default=30,
                    help="runs kept in --history DIR (default: 30)")
    group.addoption("--fail-on-new", action="store_true",
                    help="fail a check only on drift at or above --fail-on that is new since the baseline")


@dataclass(frozen=True)
class Baseline:
    """An earlier run's records by id, each with when it was first seen."""

    path: Path
    generated_at: str
    #: when the baseline run started: when the records it saw first were first seen
    seen: str
    records: Mapping[str, Mapping[str, Any]]
    #: this run's start: when a new record was first seen
    now: str

    def status(self, record: Drift) -> dict[str, str]:
        """``new`` (since this run) or ``persisting`` (since the baseline's first sighting)."""
        earlier = self.records.get(record.id)
        if earlier is None:
            return {"status": "new", "since": self.now}
        return {"status": "persisting", "since": first_seen(earlier, self.seen)}

    def resolved(self, results: Iterable[AreaResult]) -> list[dict[str, Any]]:
        """The baseline's records gone from checks that ran and compared them this run."""
        # a check that stopped as a whole (unverified without items) compared nothing
        compared = {(r.pair, r.area): {item.item for item in r.unverified}
                    for r in results if r.status != "unverified" or r.unverified}
        present = {record.id for result in results for record in result.drift}
        gone = []
        for key, record in self.records.items():
            unread = compared.get((record.get("pair"), record.get("area")))
            if key not in present and unread is not None and record.get("item") not in unread:
                gone.append({**record, "since": first_seen(record, self.seen)})
        return sorted(gone, key=lambda r: (r.get("pair", ""), r.get("area", ""), r.get("item", "")))

    def provenance(self) -> dict[str, Any]:
        return {"path": str(self.path), "generated_at": self.generated_at, "sha256": sha256(self.path)}


def first_seen(record: Mapping[str, Any], seen: str) -> str:
    """When a baseline record was first seen: its own ``since``, else when the baseline run started."""
    history = record.get("history")
    return history.get("since", seen) if isinstance(history, Mapping) else seen


def _report(path: Path) -> dict[str, Any]:
    try:
        return json_report.load(path)
    except ValueError as error:
        raise InventoryError(f"{path}: {error}") from None


def load_baseline(path: Path, now: str) -> Baseline:
    """An earlier drift.json as a baseline; :class:`InventoryError` with one line otherwise."""
    data = _report(path)
    records = {}
    for record in data["drift"]:
        try:
            records[Drift.from_dict(record).id] = record
        except (KeyError, TypeError, ValueError) as error:
            raise InventoryError(f"{path}: drift[{len(records)}]: not a drift record ({error})") from None
    generated = str(data.get("generated_at") or "")
    started = ((data.get("meta") or {}).get("provenance") or {}).get("started_at") or generated
    return Baseline(path, generated, started, records, now)


def kept_runs(directory: Path | None) -> list[Path]:
    """The runs kept in a history directory, oldest first."""
    if directory is None or not directory.is_dir():
        return []
    return sorted(directory.glob(f"{PREFIX}*.json"))


def by_area(records: Iterable[Mapping[str, Any] | Drift]) -> dict[str, int]:
    counts = Counter(record.area if isinstance(record, Drift) else record.get("area") for record in records)
    return dict(sorted(counts.items()))


def trend(directory: Path | None, current: Sequence[AreaResult], generated_at: str) -> list[dict[str, Any]]:
    """Drift records per area over the kept runs, this run last (unreadable kept runs are skipped)."""
    points = []
    for path in kept_runs(directory):
        try:
            data = _report(path)
        except InventoryError:
            continue
        points.append({"generated_at": data.get("generated_at"), "by_area": by_area(data["drift"])})
    points.append({"generated_at": generated_at, "by_area": by_area(r for result in current for r in result.drift)})
    return points


def keep(directory: Path, results: Sequence[AreaResult], meta: Mapping[str, Any], finished: datetime,
         count: int, verdict: str | None = None) -> Path:
    """Write this run's drift.json into the history directory; drop the oldest beyond ``count``."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")  # to the microsecond: two runs, two files
    target = json_report.write(directory / f"{PREFIX}{stamp}.json", results, {**meta, "generated_at": finished},
                               verdict)
    for old in kept_runs(directory)[:-count] if count > 0 else []:
        old.unlink(missing_ok=True)
    return target
