"""``--drift-html PATH``: drverify's own HTML report, rendered from the run's results alone.

pytest-html keeps every test's row in a JSON blob its script turns into a table when the page
loads: at 500 pairs × 15 areas (7,450 checks) that blob is 6.7 MB, and Chromium takes over a
minute to finish loading the page while the script builds the rows (bench/bench_report_scale.py).
drverify's own page has nothing to build: the verdict banner, then the same summary pytest-html
would embed (:func:`drverify.report.page.render_page`: evidence, matrix, history, drift section,
waivers), all on the server side. The ``drverify`` command writes it as
``reports/drift-report.html``; pytest-html's report (``--html``) stays the per-test view, each
row pointing into this page instead of repeating it.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from drverify.report.details import Failed
from drverify.report.jinja import environment
from drverify.report.json_report import write_text
from drverify.report.page import render_page
from drverify.report.verdict import RunSummary


def target(config: pytest.Config) -> Path | None:
    """Where ``--drift-html`` asks the page to be written, or None."""
    return config.getoption("drift_html", None)


def write(path: Path, summary: RunSummary, max_records: int, failed: Failed | None = None) -> Path:
    """The page for ``summary`` written to ``path`` (whole, or not at all); its path."""
    page = render_page(replace(summary, meta={**summary.meta, "max_records": max_records}), failed=failed)
    return write_text(path, page)


def link_from(config: pytest.Config) -> str | None:
    """The drift report as pytest-html's page links to it (relative, so the two files can move
    together), or None when there is no drift report."""
    page, html = target(config), config.getoption("htmlpath", None)
    if page is None:
        return None
    if not html:
        return page.name
    return Path(os.path.relpath(page.resolve(), Path(html).resolve().parent)).as_posix()


def render_link(href: str) -> str:
    """pytest-html's summary area when the drift report is a page of its own: where to read it."""
    return environment().get_template("report_link.j2").render(href=href)


__all__ = ["link_from", "render_link", "target", "write"]
