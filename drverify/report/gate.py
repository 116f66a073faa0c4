"""The readiness gate's one screen: READY / NOT READY / UNVERIFIED (or ERROR), what blocks a
takeover with what to do about it, what could not be verified, and how long the gate took.

Written for the person running a DR drill, in a terminal: one screen, worst first, every host
string made printable.
"""

from __future__ import annotations

from pathlib import Path

from drverify.report.display import plural, shorten
from drverify.report.terminal import printable
from drverify.report.verdict import RunSummary

#: items listed on the screen; the rest are counted (the reports have them all)
SHOWN = 10
WIDTH = 160


def _blocking(summary: RunSummary) -> list[str]:
    records = summary.blocking()
    if not records:
        return []
    lines = [f"Blocking a takeover ({len(records)} {summary.fail_on.label} difference"
             f"{'' if len(records) == 1 else 's'}):"]
    for record in records[:SHOWN]:
        lines.append(f"  {printable(record.pair)} · {record.area} · {printable(shorten(record.item, WIDTH))}")
        lines.append(f"      {printable(shorten(record.message, WIDTH))}")
        if record.hint:
            lines.append(f"      what to do: {printable(shorten(record.hint, WIDTH))}")
    if len(records) > SHOWN:
        lines.append(f"  … and {len(records) - SHOWN} more (see the reports)")
    return lines


def _unverified(summary: RunSummary) -> list[str]:
    reasons = [f"{r.pair} · {r.area}: {r.reason}" for r in summary.results
               if r.status == "unverified" and not r.unverified]
    reasons += [f"{i.pair} · {i.area} · {i.item}: {i.host}: {i.reason}" for r in summary.results for i in r.unverified]
    if not reasons:
        return []
    lines = [f"Could not be verified ({len(reasons)}):"]
    lines += [f"  {printable(shorten(reason, WIDTH))}" for reason in reasons[:SHOWN]]
    if len(reasons) > SHOWN:
        lines.append(f"  … and {len(reasons) - SHOWN} more (see the reports)")
    return lines


def render(summary: RunSummary | None, seconds: float, usage_error: str | None = None) -> str:
    """The screen; ``usage_error`` when the gate could not even start."""
    if summary is None or not summary.checked:
        why = usage_error or (summary.why if summary else None) or "no check ran"
        return f"drverify gate: NOT CHECKED ({seconds:.1f} s)\n  {printable(why)}\n"
    pairs = len({result.pair for result in summary.results})
    lines = [f"drverify gate: {summary.verdict.gate_word}   "
             f"({plural(len(summary.results), 'check')} of {plural(pairs, 'pair')}, {seconds:.1f} s)", ""]
    for failure in summary.failures:
        lines.append(f"drverify error: {printable(shorten(failure, WIDTH))}")
    for section in (_blocking(summary), _unverified(summary)):
        if section:
            lines += [*section, ""]
    if summary.verdict.value == "ok":
        lines += ["No critical drift, and every check that could block a takeover was verified.", ""]
    written = [str(path) for kind, path in summary.written.items() if isinstance(path, Path)]
    if written:
        lines.append("Reports: " + " · ".join(written))
    return "\n".join(lines).rstrip("\n") + "\n"


__all__ = ["render"]
