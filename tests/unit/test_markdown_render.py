"""summary.md's escaping, checked by a real CommonMark renderer (markdown-it-py, CommonMark plus
GFM tables, as GitHub and GitLab render job summaries and tickets): a host string in a table cell
or a line of text reads exactly as the host wrote it (control characters as their escapes) and
never becomes markup: no link, image, emphasis, code, HTML element, entity or extra table cell."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from drverify.report.markdown import md, table
from drverify.report.terminal import printable

HOSTILE = [
    "a|b|c",
    "*bold* and _em_ and **strong**",
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    "`code` and ``double``",
    "line one\nline two\r\nthree",
    "[link](http://evil.example/) and ![image](http://evil.example/x.png)",
    "<http://evil.example/> and <evil@example.com>",
    "&amp; &#60;b&#62; &lt;",
    "~~gone~~ and ~one~",
    "trailing backslash \\",
    "\\| escaped pipe already",
    "| --- | --- |",
    "# heading? > quote? - item? 1. item?",
    "\x1b]0;title\x07\x1b[2J\u202egnp.exe",
    "[ref]: http://evil.example/",
]


class Elements(HTMLParser):
    """The tags of a rendered fragment, its text, and the text of each table cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []
        self.cells: list[str] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        self.tags.append(tag)
        if tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.cells.append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def rendered(markdown: str) -> Elements:
    found = Elements()
    found.feed(MarkdownIt("commonmark").enable("table").render(markdown))
    return found


@pytest.mark.parametrize("value", HOSTILE)
def test_a_host_string_in_a_table_cell_is_that_cell_s_text_and_nothing_else(value):
    found = rendered("\n".join(table(["Item", "Host string"], [["x", value]])))
    assert found.cells == ["Item", "Host string", "x", printable(value)]
    assert set(found.tags) == {"table", "thead", "tbody", "tr", "th", "td"}


@pytest.mark.parametrize("value", HOSTILE)
def test_a_host_string_in_a_line_of_text_stays_text(value):
    found = rendered(f"- drverify error: {md(value)}\n")
    assert found.tags == ["ul", "li"]
    assert "".join(found.text).strip() == f"drverify error: {printable(value)}"
