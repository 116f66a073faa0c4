"""A self-contained HTML page of results alone, without pytest-html: the report of
``drverify merge``, which combines the drift.json of several runs (CI shards) into one.

The same fragments as the pytest-html report (verdict banner, matrix, one drift table per
check), so a merged report reads like any other.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from drverify.report.html import _environment, render_drift_table, render_matrix
from drverify.report.verdict import RunSummary
from drverify.report.verdict_html import render_banner


@dataclass(frozen=True)
class Table:
    pair: str
    area: str
    anchor: str
    html: Markup


def render_page(summary: RunSummary, title: str = "drverify: disaster-recovery drift report") -> str:
    results = sorted(summary.results, key=lambda r: (r.pair, r.area))
    tables = [Table(r.pair, r.area, f"check-{index}", Markup(render_drift_table(r)))
              for index, r in enumerate(results)]
    return _environment().get_template("page.j2").render(
        title=title,
        banner=Markup(render_banner(summary)),
        matrix=Markup(render_matrix(results, summary.meta)) if results else "",
        tables=tables,
    )


__all__ = ["render_page"]
