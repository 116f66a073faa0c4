"""The one Jinja2 environment of the report: autoescaped, strict, built on first use.

Every fragment (matrix, drift sections, evidence header, history) renders through it, so every
string that came from a host or the inventory is escaped the same way: it prints as text, never
runs.
"""

from __future__ import annotations

import functools

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from drverify.report.display import format_time, left_out


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
    env.filters["count"] = "{:,}".format
    env.filters["left_out"] = left_out
    env.filters["code_spans"] = code_spans
    return env


def code_spans(text: str) -> Markup:
    """A hint's `command` parts as ``<code>``, everything escaped. The backticks stay on the page,
    outside the code: a hint quotes host strings, which may hold backticks of their own, so the
    spans are only styling and the text reads exactly as the record says it."""
    parts = str(text).split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: no spans, plain text
        return Markup(escape(text))
    return Markup("").join(Markup("`<code>{}</code>`").format(part) if index % 2 else escape(part)
                           for index, part in enumerate(parts))
