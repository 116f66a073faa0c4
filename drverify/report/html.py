"""The drift matrix of the pytest-html report: pairs × areas, each cell linked to its drift table.

Rendering only: the functions take :class:`AreaResult` records and return strings. Every string
that came from a host or the inventory (pair names, items, values, messages, reasons, labels)
goes through Jinja2 with autoescape on, so a hostile value prints as text and never runs.

``meta`` keys read by :func:`render_matrix` (all optional):

- ``inventory`` (str or path): the inventory file the run used;
- ``started_at`` (aware ``datetime`` or ISO 8601 string): when the run started, shown in UTC;
- ``fail_on`` (``Severity`` or its label): the ``--fail-on`` threshold;
- ``pairs`` / ``areas`` (sequences of names): row and column order of the matrix, so that a pair
  or area with no result still shows (as "not run"); names only found in results follow, sorted;
- ``max_records`` (int): how many unverified items the matrix lists per check (default
  :data:`~drverify.report.display.MAX_RECORDS`);
- ``drill`` (mapping): the drill log measured against each pair's RTO (:mod:`drverify.drill`).

The matrix fragment carries the only ``<style>`` block; the drift section (:mod:`.details`) and the
other parts of the summary use its classes, and stay readable without it (every status is said in
words, not just colour).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from drverify.drift.records import Severity
from drverify.report.details import anchor
from drverify.report.display import MAX_RECORDS, describe_source, left_out, plural, shorten
from drverify.report.jinja import environment
from drverify.report.results import AreaResult, HostInfo

_ROLE_ORDER = {"production": 0, "recovery": 1}


def _threshold(meta: Mapping[str, Any]) -> Severity | None:
    value = meta.get("fail_on")
    if value is None or isinstance(value, Severity):
        return value
    return Severity.parse(str(value))


def _ordered(preferred: Iterable[str] | None, found: Iterable[str]) -> list[str]:
    """Names in the order meta gives, then any others seen in results, sorted."""
    names = list(dict.fromkeys(preferred or ()))
    return names + sorted(set(found) - set(names))


# --- the matrix ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One matrix cell: ``kind`` and ``severity`` pick the style, ``text``/``detail`` are what a
    reader sees (on screen and on paper), ``title`` is the tooltip."""

    kind: str
    text: str
    detail: str = ""
    title: str = ""
    nodeid: str | None = None
    severity: str | None = None
    #: the id of the check's section in the drift section, for a cell with something to read
    anchor: str | None = None


def _cell(result: AreaResult | None, max_records: int) -> Cell:
    if result is None:
        return Cell("missing", "– not run", title="no result for this pair and area in this run")
    if result.status == "ok":
        return Cell("ok", "✓ ok", title="no difference found", nodeid=result.nodeid)
    if result.status == "unverified":
        reason = result.reason or "no reason given"
        text = f"? {len(result.unverified)} unverified" if len(result.unverified) > 1 else "? unverified"
        return Cell("unverified", text, shorten(reason), reason, result.nodeid,
                    anchor=anchor(result.pair, result.area))
    return _drift_cell(result, max_records)


def cell_words(result: AreaResult | None) -> str:
    """A matrix cell in the words the HTML matrix shows (its status, then its detail): the
    Markdown summary's matrix says exactly the same."""
    found = _cell(result, max_records=1)
    return f"{found.text} ({found.detail})" if found.detail else found.text


def _drift_cell(result: AreaResult, max_records: int) -> Cell:
    worst, count = result.worst, len(result.drift)
    text = f"✗ {count} drift · {worst.label}" if worst else "✗ drift"
    where = "the drift section below"
    title = f"{plural(count, 'difference')}, worst {worst.label if worst else 'unknown'}"
    detail = ""
    if result.unverified:
        detail = f"+ {plural(len(result.unverified), 'item')} unverified"
        lines = [item.line() for item in result.unverified[:max_records]]
        more = left_out(len(result.unverified) - max_records)
        title += f"; {detail}: " + "; ".join(lines + [more] if more else lines)
    waived = sum(record.waived for record in result.drift)
    if waived:
        detail = " ".join(part for part in (detail, f"{waived} waived") if part)
    return Cell("drift", text, detail, title=f"{title}; details in {where}", nodeid=result.nodeid,
                severity=worst.label if worst else None, anchor=anchor(result.pair, result.area))


@dataclass(frozen=True)
class SourceRow:
    """One host as seen by a pair's checks; ``areas`` is empty when it served all of them."""

    role: str
    label: str
    description: str
    areas: tuple[str, ...]


def _sources(results: Sequence[AreaResult]) -> list[SourceRow]:
    """Group identical host records across a pair's areas, so a pair usually shows two lines."""
    groups: dict[tuple[Any, ...], list[str]] = {}
    for result in results:
        for host in result.hosts:
            # the age is computed per area a few microseconds apart: round it out of the key
            age = None if host.age_seconds is None else round(host.age_seconds / 60) * 60
            key = (host.role, host.label, host.source, host.collected_at, age, host.error)
            groups.setdefault(key, []).append(result.area)
    every_area = {result.area for result in results}
    rows = []
    for (role, label, source, collected, age, error), areas in groups.items():
        host = HostInfo(role, label, source, collected, age, error=error)
        shown = () if set(areas) == every_area else tuple(sorted(set(areas)))
        rows.append(SourceRow(role, label, describe_source(host), shown))
    return sorted(rows, key=lambda r: (_ROLE_ORDER.get(r.role, 9), r.role, r.label, r.areas))


def _vantages(results: Sequence[AreaResult]) -> list[tuple[str, str]]:
    """(areas, vantage) for the probes of a pair: which areas were probed from where."""
    areas: dict[tuple[int, str], set[str]] = {}
    for result in results:
        for host in result.hosts:
            if host.vantage:
                areas.setdefault((_ROLE_ORDER.get(host.role, 9), host.vantage), set()).add(result.area)
    return [(", ".join(sorted(names)), vantage) for (_, vantage), names in sorted(areas.items())]


def _totals(results: Sequence[AreaResult], threshold: Severity | None) -> dict[str, Any]:
    statuses = [result.status for result in results]
    records = [record.severity for result in results for record in result.drift]
    by_severity = [(s.label, records.count(s)) for s in sorted(Severity, reverse=True)]
    failing = None
    if threshold is not None:
        failing = sum(1 for r in results if r.outcome == "failed" or r.outcome is None and r.worst is not None
                      and r.worst >= threshold)
    return {
        "checks": len(results),
        "ok": statuses.count("ok"),
        "drift": statuses.count("drift"),
        "unverified": statuses.count("unverified"),
        "unverified_items": sum(len(result.unverified) for result in results),
        "by_severity": [(label, n) for label, n in by_severity if n],
        "failing": failing,
    }


def _pair_view(pair: str, areas: Sequence[str], results: Sequence[AreaResult],
               max_records: int) -> dict[str, Any]:
    by_area = {result.area: result for result in results}
    return {
        "pair": pair,
        "cells": [_cell(by_area.get(area), max_records) for area in areas],
        "sources": _sources(results),
        "vantages": _vantages(results),
    }


def render_matrix(results: Sequence[AreaResult], meta: Mapping[str, Any]) -> str:
    """The fragment for the top of the report: run line, legend, matrix, sources, unverified list."""
    pairs = _ordered(meta.get("pairs"), (r.pair for r in results))
    areas = _ordered(meta.get("areas"), (r.area for r in results))
    threshold = _threshold(meta)
    max_records = int(meta.get("max_records") or MAX_RECORDS)
    per_pair: dict[str, list[AreaResult]] = {pair: [] for pair in pairs}
    for result in results:
        per_pair[result.pair].append(result)
    column = {area: number for number, area in enumerate(areas)}
    unverified = [
        r
        for pair in pairs
        for r in sorted(per_pair[pair], key=lambda r: column[r.area])
        if r.status == "unverified" or r.unverified
    ]
    return environment().get_template("matrix.j2").render(
        inventory=meta.get("inventory"),
        started_at=meta.get("started_at"),
        threshold=threshold.label if threshold else None,
        totals=_totals(results, threshold),
        areas=areas,
        rows=[_pair_view(pair, areas, per_pair[pair], max_records) for pair in pairs],
        unverified=unverified,
        drill=meta.get("drill"),
        max_records=max_records,
    )
