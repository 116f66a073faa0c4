"""The one Jinja2 environment of the report: autoescaped, strict, built on first use.

Every fragment (matrix, drift sections, evidence header, history) renders through it, so every
string that came from a host or the inventory is escaped the same way: it prints as text, never
runs.
"""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from drverify.report.display import format_time


@functools.cache
def environment() -> Environment:
    """Built on first use, not at import: importing the plugin should cost nothing."""
    env = Environment(
        loader=PackageLoader("drverify.report"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = format_time
    env.filters["code_spans"] = code_spans
    return env


def code_spans(text: str) -> Markup:
    """A hint's `command` parts as ``<code>``, everything escaped (a hint quotes host strings)."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no spans, plain text
        return Markup(escape(text))
    return Markup("").join(Markup("<code>{}</code>").format(part) if index % 2 else escape(part)
                           for index, part in enumerate(parts))
