"""The report's summary area, in reading order: evidence header, matrix, history, drift, waivers.

pytest-html prints this above its own results table, on the server side: everything here reads
the same with JavaScript off and on paper. Each part renders only what ``meta`` holds (the
reporter's run metadata, the same as drift.json's ``meta``): ``provenance``
(:mod:`drverify.provenance`), ``history`` (:mod:`drverify.history`), ``waivers``
(:mod:`drverify.waivers`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drverify.report.details import render_details
from drverify.report.html import render_matrix
from drverify.report.jinja import environment
from drverify.report.results import AreaResult
from drverify.report.trend import render_history


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


def render_summary(results: Sequence[AreaResult], meta: Mapping[str, Any]) -> str:
    """Every server-side part of the report, in reading order."""
    return "\n".join(part for part in (render_evidence(meta), render_matrix(results, meta),
                                       render_history(results, meta), render_details(results, meta),
                                       render_waivers(meta)) if part)
