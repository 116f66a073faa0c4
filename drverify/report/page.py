"""The report's summary area, in reading order: evidence header, matrix, history, drift, waivers;
and the same as a page of its own.

pytest-html prints :func:`render_summary` above its own results table, on the server side:
everything here reads the same with JavaScript off and on paper. Each part renders only what
``meta`` holds (the reporter's run metadata, the same as drift.json's ``meta``): ``provenance``
(:mod:`drverify.provenance`), ``history`` (:mod:`drverify.history`), ``waivers``
(:mod:`drverify.waivers`), ``max_records`` (``--max-records``, the caps of the drift section).

:func:`render_page` is a self-contained HTML page of results alone, without pytest-html: the
report of ``drverify merge``, which combines the drift.json of several runs (CI shards) into one,
and of ``--drift-html`` (:mod:`drverify.report.drift_html`), the report of the ``drverify`` command.
It holds the verdict banner and the same summary, so a merged report reads like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from markupsafe import Markup

from drverify.report.details import Failed, render_details
from drverify.report.html import render_matrix
from drverify.report.jinja import environment
from drverify.report.results import AreaResult
from drverify.report.trend import render_history
from drverify.report.verdict import RunSummary
from drverify.report.verdict_html import render_banner


def render_evidence(meta: Mapping[str, Any]) -> str:
    """Who ran what, when, on which inventory: the header an auditor reads first."""
    provenance = meta.get("provenance")
    if not provenance:
        return ""
    return environment().get_template("evidence.j2").render(p=provenance, error=meta.get("error"))


def render_waivers(meta: Mapping[str, Any]) -> str:
    """Every waiver with what it did in this run (waived, expired, stale, not checked)."""
    waivers = meta.get("waivers")
    if not waivers:
        return ""
    return environment().get_template("waivers.j2").render(waivers=waivers)


def render_summary(results: Sequence[AreaResult], meta: Mapping[str, Any], failed: Failed | None = None) -> str:
    """Every server-side part of the report, in reading order; a check's section that fails to
    render is told to ``failed`` and replaced by a line saying so (see :mod:`.details`)."""
    return "\n".join(part for part in (render_evidence(meta), render_matrix(results, meta),
                                       render_history(results, meta), render_details(results, meta, failed),
                                       render_waivers(meta)) if part)


def render_page(summary: RunSummary, title: str = "drverify: disaster-recovery drift report",
                failed: Failed | None = None) -> str:
    """A page of its own: the verdict banner, then :func:`render_summary` of the run's results
    (``failed`` as there); the banner last rendered, so a section that failed already counts in it."""
    results = sorted(summary.results, key=lambda r: (r.pair, r.area))
    rendered = Markup(render_summary(results, summary.meta, failed)) if results else ""
    return environment().get_template("page.j2").render(
        title=title,
        banner=Markup(render_banner(summary)),
        summary=rendered,
    )


__all__ = ["render_evidence", "render_page", "render_summary", "render_waivers"]
