"""RTO evidence: the drill log an operator (or a script) keeps, measured against the RTO.

A recovery time objective can only be known by executing a recovery: ``--drill-log FILE`` takes
the timestamped steps of the drill — a CSV with the header ``step,started,ended``, times in ISO 8601
with a time zone — and the report shows each step's duration and the measured recovery time (first
start to last end) against each pair's ``mft.rto_minutes``. The figure then lives with the rest of
the evidence instead of in someone's notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from drverify.errors import InventoryError

HEADER = ("step", "started", "ended")
#: a drill log is a few dozen lines; anything this big is the wrong file
MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Step:
    """One step of the drill, with when it started and ended."""

    name: str
    started: datetime
    ended: datetime

    @property
    def minutes(self) -> float:
        return (self.ended - self.started).total_seconds() / 60


@dataclass(frozen=True)
class DrillLog:
    """The drill's steps, in the order written."""

    path: str
    steps: tuple[Step, ...]

    @property
    def recovery_minutes(self) -> float:
        """Measured recovery time: from the first step's start to the last step's end."""
        return (max(step.ended for step in self.steps) - min(step.started for step in self.steps)).total_seconds() / 60

    def as_dict(self, rto: dict[str, float]) -> dict[str, Any]:
        """For drift.json and the report: steps, the measured time, and each pair's objective."""
        measured = round(self.recovery_minutes, 1)
        return {
            "path": self.path,
            "steps": [{"step": s.name, "started": s.started.isoformat(), "ended": s.ended.isoformat(),
                       "minutes": round(s.minutes, 1)} for s in self.steps],
            "recovery_minutes": measured,
            "rto": [{"pair": pair, "rto_minutes": minutes, "met": measured <= minutes}
                    for pair, minutes in sorted(rto.items())],
        }


def load_drill_log(path: str | Path) -> DrillLog:
    """Read and validate a drill log; :class:`InventoryError` (a usage error) naming file and line."""
    path = Path(path)
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise InventoryError(f"{path}: cannot read the drill log: {error.strerror}") from None
    if len(data) > MAX_BYTES:
        raise InventoryError(f"{path}: the drill log is larger than {MAX_BYTES // 1024} KiB: is it the right file?")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InventoryError(f"{path}: the drill log is not UTF-8 text") from None
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or tuple(cell.strip().lower() for cell in rows[0]) != HEADER:
        raise InventoryError(f"{path}:1: expected the header 'step,started,ended'")
    steps = tuple(_step(path, number, row) for number, row in _numbered(rows[1:]))
    if not steps:
        raise InventoryError(f"{path}: the drill log has no steps")
    return DrillLog(str(path), steps)


def _numbered(rows: list[list[str]]) -> Iterable[tuple[int, list[str]]]:
    return ((number, row) for number, row in enumerate(rows, 2) if any(cell.strip() for cell in row))


def _step(path: Path, number: int, row: list[str]) -> Step:
    if len(row) != 3:
        raise InventoryError(f"{path}:{number}: expected 3 fields (step, started, ended), got {len(row)}")
    name, started, ended = (cell.strip() for cell in row)
    if not name:
        raise InventoryError(f"{path}:{number}: step: expected a name")
    begin, end = _moment(path, number, "started", started), _moment(path, number, "ended", ended)
    if end < begin:
        raise InventoryError(f"{path}:{number}: ended: {ended} is before started {started}")
    return Step(name[:200], begin, end)


def _moment(path: Path, number: int, column: str, text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InventoryError(f"{path}:{number}: {column}: expected an ISO 8601 time, got {text[:40]!r}") from None
    if moment.tzinfo is None:
        raise InventoryError(f"{path}:{number}: {column}: {text[:40]!r} has no time zone")
    if not 2000 <= moment.year <= 2100:
        raise InventoryError(f"{path}:{number}: {column}: {text[:40]!r} is not a plausible drill time")
    return moment
