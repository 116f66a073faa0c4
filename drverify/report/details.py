"""The drift section of the report: every check's records, rendered on the server side.

pytest-html draws its results table with JavaScript; a ticket tool that previews attachments
without it, or a print to PDF, would show no drift at all. So every check with drift or
unverified items gets its own section in the report's summary area, as plain HTML: ordered by
worst severity, anchored (``#drv-PAIR--AREA``) so matrix cells link to it, with both values side
by side (:mod:`drverify.report.sidebyside`), the remediation hint, the waiver that accepts a
difference and whether it is new since the last run. pytest-html's own row for the test keeps a
one-line pointer here (:func:`render_pointer`), so no drift is printed twice.

Pairs built from one template drift together (the rule nobody copied, on every recovery host):
a check whose records repeat word for word an earlier check's (item, kind, severity, both values,
translation, message, hint, waiver, history; same area, direction and outcome) gets a short
section of its own, with its verdict, items and facts' sources, linking to the table it repeats:
the same facts, printed once, and the drift shown for what it is, systematic. A check with
unverified items is always printed in full.

Sections carry ``data-pair``/``data-area`` and rows ``data-severity`` for the filters (a small
inline script, progressive: without JavaScript everything is shown). The markup is lean on
purpose: a 500-pair run has tens of thousands of rows and value lines (bench/bench_report_scale.py).

A snapshot-sized result stays a readable page: each check shows its first ``max_records`` records
(worst first), unverified items and lines of a value (``meta["max_records"]``, ``--max-records``),
then how many more there are; drift.json keeps them all. A check checked for failing back
(recovery the reference) says so, and its translated values are recovery's. A section that fails
to render costs that section, never the page: ``failed`` is told, and a line says what is missing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from drverify.drift.records import Drift, Severity, Unverified
from drverify.report.display import MAX_RECORDS, describe_source, left_out, plural
from drverify.report.jinja import environment
from drverify.report.results import AreaResult, HostInfo
from drverify.report.sidebyside import ValueView, side_by_side

#: told when a check's section could not be rendered (the reporter makes the run's verdict ``error``)
Failed = Callable[[AreaResult, Exception], None]

_ROLE_ORDER = {"production": 0, "recovery": 1}


def anchor(pair: str, area: str) -> str:
    """The id of a check's section (pair names are ``[A-Za-z0-9_.@-]``, areas ``[a-z_]``)."""
    return f"drv-{pair}--{area}"


@dataclass(frozen=True)
class RowView:
    """One drift record ready to print: both values prepared against each other."""

    record: Drift
    production: ValueView
    recovery: ValueView

    @property
    def status(self) -> str | None:
        """``new`` or ``persisting`` when the run has a baseline."""
        return None if self.record.history is None else self.record.history.get("status")

    @property
    def since(self) -> str | None:
        return None if self.record.history is None else self.record.history.get("since")


@dataclass(frozen=True)
class CheckView:
    """One check's section: its first rows, its verdict in words, where each side's facts came
    from; ``more_rows``/``more_unverified`` say how many were left out past the cap."""

    result: AreaResult
    anchor: str
    rows: tuple[RowView, ...]
    counts: tuple[tuple[str, int], ...]
    outcome: str
    failed: bool
    hosts: tuple[tuple[HostInfo, str], ...]
    unverified: tuple[Unverified, ...] = ()
    more_rows: str = ""
    more_unverified: str = ""


def _row(record: Drift, direction: str, max_lines: int) -> RowView:
    """Failing back, recovery is the reference: its value is the one the translation applies to."""
    if direction == "failback":
        recovery, production = side_by_side(record.recovery, record.production, record.translated, max_lines)
    else:
        production, recovery = side_by_side(record.production, record.recovery, record.translated, max_lines)
    return RowView(record, production, recovery)


def passed_with_drift(result: AreaResult, threshold: str | None) -> str | None:
    """Why a check that found drift passed: ``waived`` (every difference), ``not new``
    (``--fail-on-new``: its drift at or above the threshold was there before) or ``below
    threshold``; None when its drift failed it, or it found none. (A check stopped by an item it
    could not read is an error, not a failure: what its drift did is said all the same.)"""
    if not result.drift or result.outcome in (None, "failed"):
        return None
    if all(record.waived for record in result.drift):
        return "waived"
    if threshold and any(record.severity >= Severity.parse(threshold) and not record.waived for record in result.drift):
        return "not new"
    return "below threshold"


def outcome(result: AreaResult, threshold: str | None) -> str:
    """What the check's drift did to the run, in words: a check whose drift stayed below the
    threshold (or is all waived) passed, and says so rather than looking clean."""
    if not result.drift:
        return "unverified" if result.status == "unverified" else "no drift"
    if result.outcome == "failed":
        return "failed the run"
    why = passed_with_drift(result, threshold)
    if why is None:
        return "drift found"
    if why == "waived":
        return "passed: every difference is waived"
    if why == "not new":
        return f"passed: no new drift at or above --fail-on {threshold} (--fail-on-new)"
    below = f" below --fail-on {threshold}" if threshold else ""
    return f"passed: drift{below} (not failing)"


def check_view(result: AreaResult, threshold: str | None, max_records: int = MAX_RECORDS) -> CheckView:
    """The first ``max_records`` records (worst first), unverified items and lines of each value."""
    records = sorted(result.drift, key=lambda d: (-d.severity, d.waived, d.item))[:max_records]
    severities = [record.severity for record in result.drift]
    counts = tuple((s.label, severities.count(s)) for s in sorted(Severity, reverse=True) if s in severities)
    hosts = sorted(result.hosts, key=lambda h: (_ROLE_ORDER.get(h.role, 9), h.role, h.label))
    return CheckView(result, anchor(result.pair, result.area),
                     tuple(_row(record, result.direction, max_records) for record in records), counts,
                     outcome(result, threshold), result.outcome == "failed",
                     tuple((host, describe_source(host)) for host in hosts),
                     result.unverified[:max_records], left_out(len(result.drift) - max_records),
                     left_out(len(result.unverified) - max_records))


def ordered(results: Sequence[AreaResult], meta: Mapping[str, Any]) -> list[AreaResult]:
    """Checks with something to read, worst severity first; checks without drift (unverified)
    after them; then in the matrix's pair and area order."""
    pairs = {name: index for index, name in enumerate(meta.get("pairs") or ())}
    areas = {name: index for index, name in enumerate(meta.get("areas") or ())}
    shown = [result for result in results if result.drift or result.status == "unverified" or result.unverified]
    return sorted(shown, key=lambda r: (-(r.worst or 0), pairs.get(r.pair, len(pairs)), r.pair,
                                        areas.get(r.area, len(areas)), r.area))


def threshold_of(meta: Mapping[str, Any]) -> str | None:
    value = meta.get("fail_on")
    return value.label if isinstance(value, Severity) else value


def max_records(meta: Mapping[str, Any]) -> int:
    """``meta["max_records"]`` (``--max-records``), else :data:`MAX_RECORDS`."""
    return int(meta.get("max_records") or MAX_RECORDS)


def render_check(result: AreaResult, meta: Mapping[str, Any] | None = None) -> str:
    """One check's section: its drift records, or why it is unverified, or "no drift"."""
    meta = meta or {}
    view = check_view(result, threshold_of(meta), max_records(meta))
    return environment().get_template("check.j2").render(check=view)


def _section(result: AreaResult, meta: Mapping[str, Any], failed: Failed | None) -> Markup:
    """One check's section; one that fails to render is a plain list of its first records and
    items, saying so (``failed`` is told)."""
    try:
        return Markup(render_check(result, meta))
    except Exception as error:  # noqa: BLE001 - a renderer bug costs this section, never the page
        if failed is None:
            raise
        failed(result, error)
        limit = max_records(meta)
        return Markup(environment().get_template("check_failed.j2").render(
            result=result, anchor=anchor(result.pair, result.area), error=f"{type(error).__name__}: {error}",
            records=result.drift[:limit], unverified=result.unverified[:limit]))


def signature(result: AreaResult) -> str | None:
    """What two checks must share to print one table (see the module docstring); None for a
    check always printed in full."""
    if not result.drift or result.unverified or result.status == "unverified":
        return None
    records = sorted(json.dumps({key: value for key, value in record.as_dict().items() if key not in ("id", "pair")},
                                sort_keys=True, default=str) for record in result.drift)
    text = json.dumps([result.area, result.direction, result.outcome, records])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def render_repeat(result: AreaResult, first: AreaResult, meta: Mapping[str, Any]) -> str:
    """The short section of ``result``, whose records are word for word ``first``'s."""
    limit = max_records(meta)
    records = sorted(result.drift, key=lambda d: (-d.severity, d.waived, d.item))
    hosts = sorted(result.hosts, key=lambda h: (_ROLE_ORDER.get(h.role, 9), h.role, h.label))
    return environment().get_template("repeat.j2").render(
        result=result, anchor=anchor(result.pair, result.area), first=first,
        first_anchor=anchor(first.pair, first.area), items=[record.item for record in records[:limit]],
        severities=list(dict.fromkeys(record.severity.label for record in records)),
        more=left_out(len(records) - limit), failed=result.outcome == "failed",
        outcome=outcome(result, threshold_of(meta)), hosts=[(host, describe_source(host)) for host in hosts])


def _sections(shown: Sequence[AreaResult], meta: Mapping[str, Any], failed: Failed | None) -> list[Markup]:
    """Each check's section; a repeat of an earlier check's records in short."""
    first: dict[str, AreaResult] = {}
    sections = []
    for result in shown:
        key = signature(result)
        earlier = first.setdefault(key, result) if key is not None else result
        sections.append(_section(result, meta, failed) if earlier is result
                        else Markup(render_repeat(result, earlier, meta)))
    return sections


def render_details(results: Sequence[AreaResult], meta: Mapping[str, Any], failed: Failed | None = None) -> str:
    """The drift section: filters, then every check with something to read, worst first."""
    shown = ordered(results, meta)
    present = {record.severity for result in shown for record in result.drift}
    return environment().get_template("details.j2").render(
        sections=_sections(shown, meta, failed),
        severities=[s.label for s in sorted(Severity, reverse=True) if s in present],
        areas=list(dict.fromkeys(result.area for result in shown)),
        pairs=sorted({result.pair for result in shown}),
    )


def render_pointer(result: AreaResult, page: str = "") -> str:
    """What pytest-html's own row for the check shows: one line pointing to its section, in this
    page or in the drift report at ``page`` (:mod:`drverify.report.drift_html`)."""
    count = len(result.drift)
    what = (f"{plural(count, 'difference')}, worst {result.worst.label}" if result.worst
            else result.reason or f"{plural(len(result.unverified), 'item')} not verified" if result.status == "unverified"
            else "no drift")
    return environment().get_template("pointer.j2").render(result=result, what=what, page=page,
                                                            anchor=anchor(result.pair, result.area))
