"""The run summarised in Markdown, fit to paste into a change ticket or a CI job summary:
verdict, matrix (in the HTML matrix's words), blocking items (with their remediation hints; waived
drift never blocks), what could not be verified, the waivers and what each did, and provenance (:func:`drverify.provenance.flat`, as the HTML says it).

Every value is escaped: a host string can neither break the tables nor become a link, an image
or HTML in the renderer (GitHub renders HTML in job summaries). Control characters are shown as
escapes, as in the terminal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from drverify.drift.records import Severity
from drverify.report.display import plural, titled
from drverify.report.html import cell_words
from drverify.report.terminal import printable
from drverify.report.verdict import RunSummary
from drverify.report.verdict_html import sentence

#: blocking or unverified items listed in full; the rest are counted (drift.json has them all)
MAX_ITEMS = 200
#: what could start emphasis, code, a link, an autolink or HTML, an entity, or end a table cell
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def md(value: Any) -> str:
    """One table cell or inline text: printable, every Markdown metacharacter escaped."""
    return _SPECIAL.sub(r"\\\1", printable("" if value is None else value))


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A GFM table, every cell escaped (:func:`md`)."""
    lines = ["| " + " | ".join(md(cell) for cell in header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(md(cell) for cell in row) + " |" for row in rows]
    return lines


def _matrix(summary: RunSummary) -> list[str]:
    pairs = list(dict.fromkeys([*summary.meta.get("pairs", []), *(r.pair for r in summary.results)]))
    areas = list(dict.fromkeys([*summary.meta.get("areas", []), *(r.area for r in summary.results)]))
    by_key = {(r.pair, r.area): r for r in summary.results}
    rows = [[pair, *(cell_words(by_key.get((pair, area))) for area in areas)] for pair in pairs]
    return table(["Pair", *areas], rows)


def _capped(lines: list[str], total: int, shown: int) -> list[str]:
    return lines + (["", f"… and {total - shown} more: see drift.json."] if total > shown else [])


def _blocking(summary: RunSummary) -> list[str]:
    records = summary.blocking()
    if not records:
        return [f"None: no drift at or above {md(summary.fail_on.label)}."]
    rows = [[r.severity.label, r.pair, r.area, r.item, r.message, r.hint]
            for r in records[:MAX_ITEMS]]
    found = table(["Severity", "Pair", "Area", "Item", "Difference", "Remediation"], rows)
    return _capped(found, len(records), len(rows))


def _unverified(summary: RunSummary) -> list[str]:
    whole = [(r.pair, r.area, "(whole check)", "", r.reason or "") for r in summary.results
             if r.status == "unverified" and not r.unverified]
    items = [(i.pair, i.area, i.item, i.host, i.reason) for r in summary.results for i in r.unverified]
    rows = (whole + items)[:MAX_ITEMS]
    if not rows:
        return ["None: everything selected was compared."]
    return _capped(table(["Pair", "Area", "Item", "Host", "Reason"], rows), len(whole + items), len(rows))


def _in_this_run(entry: dict[str, Any]) -> str:
    """What a waiver did in this run, in the words of the HTML's waiver list."""
    matched = plural(entry["matched"], "difference")
    return {"waived": f"waives {matched}", "expired": f"expired: {matched} no longer waived",
            "stale": "stale: matched nothing"}.get(entry["status"], "not checked in this run")


def _waivers(summary: RunSummary) -> list[str]:
    waivers = summary.meta.get("waivers")
    if not waivers:
        return ["None given (--waivers)."]
    rows = [[e["name"], e["pair"], e["area"], e["item"], e["owner"], e["ticket"], e["expires"], _in_this_run(e),
             e["reason"]] for e in waivers["entries"]]
    header = ["Waiver", "Pair", "Area", "Item", "Owner", "Ticket", "Expires", "In this run", "Reason"]
    return [f"From {md(waivers['path'])}.", "", *table(header, rows)]


def _provenance(summary: RunSummary) -> list[str]:
    found = summary.meta.get("provenance")
    if not found:
        return ["Not recorded."]
    rows = list(titled(found).items())
    command = (found.get("selection") or {}).get("command_line")
    if command:
        rows.append(("Command line", " ".join(command)))
    return table(["Provenance", "Value"], rows)


def _headline(summary: RunSummary) -> str:
    if not summary.checked:
        return f"# drverify: no checks ran ({md(summary.why)})"
    word = summary.verdict.gate_word if summary.gate else summary.verdict.value.upper()
    return f"# drverify {'gate' if summary.gate else 'verdict'}: {md(word)}"


def render(summary: RunSummary) -> str:
    """The whole summary (see the module docstring)."""
    counts = [record.severity for result in summary.results for record in result.drift]
    by_severity = ", ".join(f"{counts.count(s)} {s.label}" for s in sorted(Severity, reverse=True))
    lines = [_headline(summary), "", md(sentence(summary)) if summary.checked else "", "",
             f"Verdict: **{md(summary.verdict.value)}** · threshold: {md(summary.fail_on.label)} · "
             f"{md(plural(len(summary.results), 'check'))} · drift records: {md(by_severity)}", ""]
    if summary.failures:
        lines += ["## drverify errors", "", *(f"- {md(failure)}" for failure in summary.failures), ""]
    lines += ["## Matrix", "", *_matrix(summary), "",
              f"## Blocking items (drift at or above {md(summary.fail_on.label)})", "", *_blocking(summary), "",
              "## Not verified", "", *_unverified(summary), "",
              "## Waivers", "", *_waivers(summary), "",
              "## Provenance", "", *_provenance(summary), ""]
    return "\n".join(lines)


__all__ = ["md", "render", "table"]
