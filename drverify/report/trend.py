"""History in the report: what is new since the last run, what was resolved, and a small trend.

The trend is inline SVG (one line per area over the kept runs, each point with its date and count
as a tooltip): no JavaScript, so it reads the same in a ticket preview and on paper. Everything
comes from ``meta["history"]`` (:mod:`drverify.history`) and the records' ``history`` marks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drverify.drift.records import Drift
from drverify.report.display import format_time
from drverify.report.jinja import environment
from drverify.report.results import AreaResult

#: the picture's size per run and height, in px
STEP, HEIGHT, PAD = 16, 30, 4


@dataclass(frozen=True)
class Line:
    """One area's drift counts over the kept runs, drawn as a polyline with a point per run."""

    area: str
    counts: tuple[int, ...]
    points: tuple[tuple[float, float, str], ...]  #: (x, y, tooltip)
    width: int

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)

    @property
    def change(self) -> str:
        if len(self.counts) < 2:
            return ""
        delta = self.counts[-1] - self.counts[-2]
        return f"{delta:+d}" if delta else "±0"


def lines(trend: Sequence[Mapping[str, Any]], areas: Sequence[str]) -> list[Line]:
    """One line per area found in any kept run, in the matrix's area order; one shared scale."""
    found = {area for point in trend for area in point.get("by_area", {})}
    order = [area for area in areas if area in found] + sorted(found - set(areas))
    top = max((count for point in trend for count in point.get("by_area", {}).values()), default=0) or 1
    width = PAD * 2 + STEP * max(len(trend) - 1, 1)
    drawn = []
    for area in order:
        counts = tuple(int(point.get("by_area", {}).get(area, 0)) for point in trend)
        points = tuple((PAD + STEP * index, HEIGHT - PAD - (HEIGHT - 2 * PAD) * count / top,
                        f"{format_time(point.get('generated_at'))}: {count}")
                       for index, (point, count) in enumerate(zip(trend, counts)))
        drawn.append(Line(area, counts, points, width))
    return drawn


def _new(results: Sequence[AreaResult]) -> list[Drift]:
    records = [record for result in results for record in result.drift
               if record.history is not None and record.history.get("status") == "new"]
    return sorted(records, key=lambda r: (-r.severity, r.pair, r.area, r.item))


def render_history(results: Sequence[AreaResult], meta: Mapping[str, Any]) -> str:
    """The history section: new and resolved since the baseline, and the trend; "" without one."""
    history = meta.get("history")
    if not history:
        return ""
    trend = history.get("trend") or []
    return environment().get_template("history.j2").render(
        history=history, new=_new(results), resolved=history.get("resolved") or [],
        lines=lines(trend, meta.get("areas") or ()), runs=len(trend), height=HEIGHT)
