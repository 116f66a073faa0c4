"""The verdict banner at the top of the HTML report: the same word as drift.json's ``verdict``,
the gate's READY / NOT READY, or — for a run that checked nothing — why, so an HTML file
written by such a run can never pass for a clean report."""

from __future__ import annotations

from drverify.report.display import plural
from drverify.report.jinja import environment
from drverify.report.verdict import RunSummary, Verdict


def sentence(summary: RunSummary) -> str:
    """The verdict in one sentence a person reads first."""
    threshold = summary.fail_on.label + (" and new since the baseline" if summary.fail_on_new else "")
    checks = plural(len(summary.results), "check")
    blocking = summary.blocking()
    unverified = sum(1 for r in summary.results if r.status == "unverified" or r.unverified)
    if summary.verdict is Verdict.OK:
        return f"{checks}: no drift at or above {threshold}, and everything could be compared."
    parts = []
    if blocking:
        parts.append(f"{plural(len(blocking), 'difference')} at or above {threshold}")
    if unverified:
        parts.append(f"{plural(unverified, 'check')} with something that could not be compared")
    if summary.verdict is Verdict.ERROR:
        parts.append("drverify failed on part of the run (below)")
    return f"{checks}: " + "; ".join(parts) + "."


def render_banner(summary: RunSummary) -> str:
    return environment().get_template("verdict.j2").render(
        checked=summary.checked,
        verdict=summary.verdict.value,
        gate=summary.gate,
        gate_word=summary.verdict.gate_word,
        why=summary.why or "",
        sentence=sentence(summary),
        failures=summary.failures,
    )


__all__ = ["render_banner", "sentence"]
