"""The evidence pack's summary.md, rendered by a real Markdown renderer (markdown-it-py: CommonMark
plus GFM tables, as GitHub job summaries and ticket tools render it), says what the HTML report
and drift.json say: the verdict, every matrix cell, each blocking item with its remediation hint,
the waivers, and the provenance. Both are read as a reader's tools read them (html.parser), never
by matching hard-coded text only.

The run: the example's takeover pair whose recovery snapshot gained a firewall rule with a
hostile comment (it lands in an item, a message and a hint) and a user whose shell holds a
newline (the snapshot refuses it: the reason quoting it lands in "Not verified"); a waiver with
markup in its pattern and reason; a ticket and a drill id with markup. None may become markup.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
import yaml
from cli_support import copied_snapshots, drverify, takeover_example
from markdown_it import MarkdownIt

from drverify.report.terminal import printable
from drverify.report.verdict import ExitStatus

HOSTILE = "x|y *em* _u_ <b>b</b> `tick` [a](http://e.example/) &amp; ~~s~~ \\ end"
HOSTILE_RULE = f'-p tcp -m tcp --dport 9999 -m comment --comment "{HOSTILE}" -j ACCEPT'
TICKET, DRILL = "CHG-4711|*x*", "DR-<b>1</b>"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    """An element: tag, attributes, children (elements and text)."""

    def __init__(self, tag: str, attrs: dict[str, str]) -> None:
        self.tag, self.attrs, self.children = tag, attrs, []

    @property
    def text(self) -> str:
        return "".join(child if isinstance(child, str) else child.text for child in self.children)

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def descendants(self) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                found += [child, *child.descendants()]
        return found

    def all(self, tag: str, cls: str | None = None) -> list[Node]:
        return [node for node in self.descendants() if node.tag == tag and (cls is None or cls in node.classes())]

    def one(self, tag: str, cls: str | None = None) -> Node:
        [found] = self.all(tag, cls)
        return found


class Tree(HTMLParser):
    """A document as nodes (html.parser: what a reader's tools see, scripts as text)."""

    def __init__(self, document: str) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self._open = [self.root]
        self.feed(document)
        self.close()

    def handle_starttag(self, tag, attrs) -> None:
        node = Node(tag, {name: value or "" for name, value in attrs})
        self._open[-1].children.append(node)
        if tag not in VOID:
            self._open.append(node)

    def handle_endtag(self, tag) -> None:
        for depth in range(len(self._open) - 1, 0, -1):
            if self._open[depth].tag == tag:
                del self._open[depth:]
                return

    def handle_data(self, data) -> None:
        self._open[-1].children.append(data)


def rows(table: Node) -> list[list[str]]:
    """A table's body rows, each cell's text with its whitespace as a reader sees it."""
    return [[" ".join(cell.text.split()) for cell in row.children if isinstance(cell, Node)]
            for row in table.one("tbody").all("tr")]


def sections(rendered: Node) -> dict[str, list[Node]]:
    """The rendered Markdown's second-level sections: heading -> the elements under it."""
    found: dict[str, list[Node]] = {}
    current = None
    for child in rendered.children:
        if isinstance(child, Node) and child.tag == "h2":
            current = found.setdefault(child.text, [])
        elif isinstance(child, Node) and current is not None:
            current.append(child)
    return found


def section_table(found: dict[str, list[Node]], heading: str) -> list[list[str]]:
    [name] = [name for name in found if name.startswith(heading)]
    [table] = [node for node in found[name] if node.tag == "table"]
    return rows(table)


@pytest.fixture(scope="module")
def pack(tmp_path_factory) -> dict:
    directory = tmp_path_factory.mktemp("markdown")
    snapshots = copied_snapshots(directory)
    recovery = snapshots / "mft-eu.recovery.json"
    facts = json.loads(recovery.read_text())
    facts["areas"]["firewall"]["data"]["tables"]["ip4 filter"]["chains"]["INPUT"]["rules"].append(HOSTILE_RULE)
    users = facts["areas"]["users"]["data"]["users"]
    users["tempadmin"] = {**users["drtest"], "uid": 2999, "home": "/home/tempadmin", "shell": HOSTILE + "\nnext"}
    recovery.write_text(json.dumps(facts))
    takeover_example(directory, snapshots).rename(directory / "inventory.yaml")
    waiver = {"pair": "mft-eu", "owner": "alice", "ticket": "CHG-1", "expires": "2099-12-31"}
    (directory / "waivers.yaml").write_text(yaml.safe_dump({"version": 1, "waivers": [
        {**waiver, "area": "firewall", "item": "ip4 filter/INPUT *--dport 8000*", "reason": "kept *for* | the <i>drill</i>"},
        {**waiver, "area": "users", "item": "user *|<i>x</i>", "reason": "`never` matched"}]}))
    result = drverify(directory, "check", "--inventory", "inventory.yaml", "--fail-on", "minor", "--waivers",
                      "waivers.yaml", "--evidence", "evidence", "--ticket", TICKET, "--drill", DRILL)
    assert result.returncode == ExitStatus.DRIFT, result.stdout + result.stderr
    evidence = directory / "evidence"
    markdown = (evidence / "summary.md").read_text()
    return {"markdown": markdown,
            "rendered": Tree(MarkdownIt("commonmark").enable("table").render(markdown)).root,
            "html": Tree((evidence / "drift-report.html").read_text()).root,
            "drift": json.loads((evidence / "drift.json").read_text())}


def test_the_verdict_is_the_reports(pack):
    verdict = pack["drift"]["verdict"].upper()
    assert pack["rendered"].one("h1").text == f"drverify verdict: {verdict}"
    assert pack["html"].one("section", "drv-banner").one("h2").text == f"Verdict: {verdict}"


def test_every_matrix_cell_says_what_the_html_matrix_says(pack):
    table = pack["html"].one("table", "drv-matrix")
    html_areas = [cell.text for cell in table.one("thead").all("th")][1:]
    html_rows = {}
    for row in table.one("tbody").all("tr"):
        cells = []
        for cell in row.all("td"):
            status, why = cell.one("span", "drv-status").text, cell.all("span", "drv-why")
            cells.append(f"{status} ({why[0].text})" if why else status)
        html_rows[row.one("th").text] = cells
    [markdown_table] = [node for node in sections(pack["rendered"])["Matrix"] if node.tag == "table"]
    assert [cell.text for cell in markdown_table.one("thead").all("th")][1:] == html_areas
    assert {row[0]: row[1:] for row in rows(markdown_table)} == html_rows
    for result in pack["drift"]["results"]:  # and drift.json agrees with both
        cell = html_rows[result["pair"]][html_areas.index(result["area"])]
        expected = f"✗ {result['drift_count']} drift · {result['worst']}" if result["status"] == "drift" else \
            {"ok": "✓ ok", "unverified": "? unverified"}[result["status"]]
        assert cell.startswith(expected), (result, cell)
    assert html_rows["mft-eu"][html_areas.index("firewall")].endswith("(1 waived)")


def test_each_blocking_item_is_there_with_the_html_s_remediation_hint(pack):
    blocking = section_table(sections(pack["rendered"]), "Blocking items")
    failing = [r for r in pack["drift"]["drift"] if not r.get("waiver")]
    assert sorted(tuple(row[:5]) for row in blocking) == sorted(
        (r["severity"], r["pair"], r["area"], r["item"], r["message"]) for r in failing)
    hints = {}
    for section in pack["html"].all("section", "drv-check"):
        for row in section.all("tr", "drv-row"):
            hint = row.all("p", "drv-hint")
            key = (section.attrs["data-pair"], section.attrs["data-area"], row.one("td", "drv-item").text)
            hints[key] = hint[0].text.removeprefix("What to do: ") if hint else ""
    for _, pair, area, item, _, hint in blocking:
        assert hint == hints[(pair, area, item)] != ""
    assert len(blocking) == len(failing) == len(hints) - 1  # the waived rule is in the HTML, not blocking


def test_the_waivers_are_the_html_s(pack):
    markdown = section_table(sections(pack["rendered"]), "Waivers")
    html = rows(pack["html"].one("table", "drv-waiver-list"))
    assert [[name, f"{pair} · {area} · {item}", f"{owner} · {ticket}", expires, did, reason]
            for name, pair, area, item, owner, ticket, expires, did, reason in markdown] == html
    assert [row[7] for row in markdown] == ["waives 1 difference", "stale: matched nothing"]
    assert [row[8] for row in markdown] == ["kept *for* | the <i>drill</i>", "`never` matched"]


def test_the_provenance_is_the_evidence_header_s_and_drift_json_s(pack):
    markdown = dict(section_table(sections(pack["rendered"]), "Provenance"))
    evidence = pack["html"].one("section", "drv-evidence")
    header = dict(zip([dt.text for dt in evidence.all("dt")], [dd.text for dd in evidence.all("dd")], strict=True))
    provenance = pack["drift"]["meta"]["provenance"]
    assert markdown["Drverify"] == provenance["drverify"] and f"drverify {provenance['drverify']}," in header["Software"]
    assert markdown["Inventory sha256"] == provenance["inventory"]["sha256"]
    assert provenance["inventory"]["sha256"] in header["Inventory"]
    assert markdown["Operator"] == provenance["operator"] and header["Operator"].startswith(provenance["operator"])
    assert markdown["Ticket"] == header["Ticket"] == provenance["ticket"] == TICKET
    assert markdown["Drill"] == header["Drill"] == provenance["drill"] == DRILL


def test_host_strings_stay_text_in_every_table(pack):
    rendered = pack["rendered"]
    tags = {node.tag for node in rendered.descendants()}
    assert tags <= {"h1", "h2", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "ul", "li"}, tags
    found = sections(rendered)
    [rule] = [row for row in section_table(found, "Blocking items") if HOSTILE_RULE in row[3]]
    assert rule[3] == f"ip4 filter/INPUT {HOSTILE_RULE}" and HOSTILE_RULE in rule[5]
    [unverified] = section_table(found, "Not verified")
    assert printable(repr(HOSTILE + "\nnext")) in unverified[4]
