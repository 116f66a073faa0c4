"""The HTML fragments, read the way a person reads them: the matrix, the sources, a drift table.

The HTML is parsed with the standard library's parser and checked for what a reader looks at
(cell texts, the two values side by side, ordering), and for escaping of every host-supplied string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from drverify.drift.records import Drift, Severity, Unverified
from drverify.report.details import render_check, render_details, render_pointer
from drverify.report.display import describe_source, format_age, format_time, shorten
from drverify.report.html import render_matrix
from drverify.report.results import AreaResult, HostInfo
from drverify.report.sidebyside import side_by_side
from drverify.session import describe_failure, describe_unverified

# --- a small DOM, enough to find tables and read their cells -------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str | None]
    children: list[Node | str] = field(default_factory=list)

    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text() for c in self.children]
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find_all(self, tag: str, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if child.tag == tag and (cls is None or cls in child.classes()):
                    found.append(child)
                found.extend(child.find_all(tag, cls))
        return found

    def find(self, tag: str, cls: str | None = None) -> Node:
        (node,) = self.find_all(tag, cls)[:1] or [None]
        if node is None:
            raise LookupError(f"no <{tag} class={cls}>")
        return node


class TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("root", {})
        self.stack = [self.root]
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))
        node = Node(tag, dict(attrs))
        self.stack[-1].children.append(node)
        self.stack.append(node)

    def handle_endtag(self, tag):
        while len(self.stack) > 1 and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> TreeBuilder:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder


def table_rows(table: Node) -> list[list[str]]:
    return [[cell.text() for cell in row.children if isinstance(cell, Node)]
            for row in table.find_all("tr")]


# --- realistic records ---------------------------------------------------------------------------

PROD = HostInfo("production", "prod-mft-01", "live", "2026-11-26T08:00:00+00:00", 40.0)
DR_SNAP = HostInfo(
    "recovery", "dr-mft-01", "snapshot", "2026-11-20T08:00:00+00:00", 6 * 86400 + 5 * 3600
)
PROD_B = HostInfo("production", "prod-mft-02", "live", "2026-11-26T08:01:00+00:00", 30.0)
DR_B = HostInfo("recovery", "dr-mft-02", "live", "2026-11-26T08:01:30+00:00", 20.0)
DR_B_NET = HostInfo(
    "recovery", "dr-mft-02", "live", "2026-11-26T08:01:30+00:00", 20.0,
    vantage="from recovery dr-mft-02 (probes leave from the host itself)",
)
REASON = "nft -j list ruleset: permission denied (the check user needs CAP_NET_ADMIN)"


def record(pair, area, item, production, recovery, severity, message) -> Drift:
    return Drift(pair, area, item, production, recovery, severity, message)


USERS_DRIFT = (
    record("mft-a", "users", "user zz-temp", None, {"uid": 2001, "shell": "/bin/bash"},
           Severity.MINOR, "user zz-temp exists on recovery only"),
    record("mft-a", "users", "user mftsvc",
           {"uid": 1001, "gid": 1001, "home": "/srv/mft"},
           {"uid": 1002, "gid": 1001, "home": "/srv/mft"},
           Severity.CRITICAL, "uid of mftsvc is 1001 on production but 1002 on recovery"),
    record("mft-a", "users", "group mftops members", ["alice", "bob"], ["alice"],
           Severity.MAJOR, "group mftops lacks bob on recovery"),
    record("mft-a", "users", "user aaa-audit", {"uid": 1500}, None,
           Severity.CRITICAL, "user aaa-audit is missing on recovery"),
)


def results() -> list[AreaResult]:
    return [
        AreaResult("mft-a", "disks", "ok", hosts=(PROD, DR_SNAP),
                   nodeid="checks/test_disks.py::t[mft-a]"),
        AreaResult("mft-a", "users", "drift", drift=USERS_DRIFT, hosts=(PROD, DR_SNAP),
                   nodeid="checks/test_users.py::t[mft-a]"),
        AreaResult("mft-a", "firewall", "unverified", reason=REASON, hosts=(PROD, DR_SNAP)),
        AreaResult("mft-b", "disks", "drift", hosts=(PROD_B, DR_B), drift=(
            record("mft-b", "disks", "/srv/mft size", 8 << 30, 4 << 30, Severity.MAJOR,
                   "/srv/mft is 8 GiB on production but 4 GiB on recovery"),
        )),
        AreaResult("mft-b", "users", "ok", hosts=(PROD_B, DR_B)),
        AreaResult("mft-b", "network", "ok", hosts=(PROD_B, DR_B_NET)),
    ]


META = {
    "inventory": "inventories/example.yaml",
    "started_at": datetime(2026, 11, 26, 8, 5, tzinfo=UTC),
    "fail_on": "major",
    "pairs": ["mft-a", "mft-b"],
    "areas": ["disks", "users", "firewall"],
}


@pytest.fixture(scope="module")
def matrix_page() -> Node:
    return parse(render_matrix(results(), META)).root


# --- the matrix ----------------------------------------------------------------------------------


def test_matrix_has_every_cell_with_its_status_text(matrix_page):
    rows = table_rows(matrix_page.find("table", "drv-matrix"))
    assert rows == [
        ["Pair", "disks", "users", "firewall", "network"],
        ["mft-a", "✓ ok", "✗ 4 drift · critical",
         "? unverified nft -j list ruleset: permission denied (the check user…", "– not run"],
        ["mft-b", "✗ 1 drift · major", "✓ ok", "– not run", "✓ ok"],
    ]


def test_matrix_cells_carry_style_tooltip_and_test_id(matrix_page):
    cells = matrix_page.find("table", "drv-matrix").find_all("td")
    by_text = {cell.text().split(" nft")[0]: cell for cell in cells}
    assert {"drv-drift", "drv-critical"} <= by_text["✗ 4 drift · critical"].classes()
    drift_cell = by_text["✗ 4 drift · critical"]
    assert drift_cell.attrs["data-nodeid"] == "checks/test_users.py::t[mft-a]"
    assert drift_cell.attrs["title"].startswith("4 differences, worst critical; details in")
    assert by_text["? unverified"].attrs["title"] == REASON
    assert "drv-unverified" in by_text["? unverified"].classes()
    assert "drv-missing" in by_text["– not run"].classes()


def test_order_follows_meta_then_names_found_sorted():
    extra = AreaResult("aaa-first-alphabetically", "dns", "ok")
    page = parse(render_matrix([*results(), extra], META)).root
    rows = table_rows(page.find("table", "drv-matrix"))
    assert rows[0] == ["Pair", "disks", "users", "firewall", "dns", "network"]
    assert [row[0] for row in rows[1:]] == ["mft-a", "mft-b", "aaa-first-alphabetically"]


def test_run_line_names_inventory_time_and_threshold(matrix_page):
    run = matrix_page.find("p", "drv-run").text()
    assert "inventories/example.yaml" in run
    assert "2026-11-26 08:05 UTC" in run
    assert "--fail-on major" in run


def test_verdict_counts_checks_records_and_those_over_threshold(matrix_page):
    verdict = matrix_page.find("p", "drv-verdict").text()
    assert "6 checks: 3 ok, 2 with drift, 1 unverified." in verdict
    assert "Drift records: 2 critical, 2 major, 1 minor." in verdict
    assert "2 checks have drift at or above the threshold." in verdict


def test_without_threshold_the_run_line_says_so():
    page = parse(render_matrix(results(), {})).root
    assert "no --fail-on threshold" in page.find("p", "drv-run").text()
    assert "at or above" not in page.find("p", "drv-verdict").text()


def test_legend_says_every_status_in_words(matrix_page):
    legend = [li.text() for li in matrix_page.find("ul", "drv-legend").find_all("li")]
    assert [text.split(":")[0] for text in legend] == [
        "✓ ok", "✗ drift · minor", "✗ drift · major", "✗ drift · critical",
        "? unverified", "– not run",
    ]


def test_sources_show_live_and_snapshot_with_age(matrix_page):
    first, second = matrix_page.find_all("table", "drv-sources")
    assert table_rows(first)[1:] == [
        ["production", "prod-mft-01", "live, collected 2026-11-26 08:00 UTC", "all"],
        ["recovery", "dr-mft-01", "snapshot, taken 2026-11-20 08:00 UTC, 6 days old", "all"],
    ]
    assert table_rows(second)[1] == [
        "production", "prod-mft-02", "live, collected 2026-11-26 08:01 UTC", "all"
    ]


def test_vantage_point_of_network_probes_is_said(matrix_page):
    (vantage,) = matrix_page.find("ul", "drv-vantage").find_all("li")
    assert vantage.text() == "network: from recovery dr-mft-02 (probes leave from the host itself)"


def test_unverified_checks_are_listed_with_their_reason(matrix_page):
    items = matrix_page.find("ul", "drv-unverified-list").find_all("li")
    assert [item.text() for item in items] == [f"mft-a · firewall : {REASON}"]


def test_no_unverified_check_says_none():
    page = parse(render_matrix([AreaResult("p", "disks", "ok")], {})).root
    assert "None: every check read" in page.text()


def test_fragment_is_self_contained():
    html = render_matrix(results(), META)
    tags = {tag for tag, _ in parse(html).tags}
    assert not tags & {"link", "script", "img", "iframe", "object", "embed"}
    for needle in ("url(", "@import", "http://", "https://", "src="):
        assert needle not in html


# --- ages and times ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (None, "age unknown"),
        (-5, "dated in the future (check the clocks)"),
        (0, "less than a minute old"),
        (59, "less than a minute old"),
        (60, "1 minute old"),
        (59 * 60, "59 minutes old"),
        (3600, "1 hour old"),
        (47 * 3600 + 3599, "47 hours old"),
        (48 * 3600, "2 days old"),
        (6 * 86400 + 23 * 3600, "6 days old"),
        (400 * 86400, "400 days old"),
    ],
)
def test_format_age(seconds, expected):
    assert format_age(seconds) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-11-20T08:00:00+00:00", "2026-11-20 08:00 UTC"),
        ("2026-11-20T08:00:00Z", "2026-11-20 08:00 UTC"),
        ("2026-11-20T10:30:00+02:00", "2026-11-20 08:30 UTC"),
        (datetime(2026, 11, 20, 8, 0, tzinfo=UTC), "2026-11-20 08:00 UTC"),
        ("2026-11-20T08:00:00", "2026-11-20 08:00"),
        ("last tuesday", "last tuesday"),
        (None, "unknown time"),
    ],
)
def test_format_time(value, expected):
    assert format_time(value) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short reason", "short reason"),
        ("two\n  lines", "two lines"),
        ("ssh: connect to host dr-mft-01 port 22: Connection timed out after 10 seconds",
         "ssh: connect to host dr-mft-01 port 22: Connection timed…"),
        ("x" * 70, "x" * 59 + "…"),
    ],
)
def test_shorten_for_a_matrix_cell(text, expected):
    assert shorten(text) == expected


# --- values side by side: marks in linear time past difflib's reach ----------------------------


def test_a_reordered_sequence_of_100k_lines_marks_nothing_and_shows_the_first_lines():
    """Too big for difflib (quadratic at worst): marked by multiset lookup, in linear time."""
    rules = [f"-s 10.{i >> 16}.{(i >> 8) & 255}.{i & 255}/32 -j ACCEPT" for i in range(100_000)]
    production, recovery = side_by_side(rules, rules[::-1], max_lines=50)
    assert [line.text for line in production.lines] == rules[:50] and production.more == 99_950
    assert not any(line.differs for line in production.lines + recovery.lines)


def test_past_difflibs_reach_a_line_is_marked_when_the_other_side_has_fewer_copies():
    production, recovery = side_by_side(["dup"] * 1_500 + ["gone"], ["dup"] * 1_499 + ["new"], max_lines=2_000)
    assert [line.text for line in production.lines if line.differs] == ["dup", "gone"]
    assert [line.text for line in recovery.lines if line.differs] == ["new"]


# --- the drift section: one section per check ---------------------------------------------------


def drift_rows(html: str) -> list[list[str]]:
    return table_rows(parse(html).root.find("table", "drv-records"))


def test_drift_table_sorted_by_severity_then_item_with_values_side_by_side():
    rows = drift_rows(render_check(results()[1]))
    assert rows[0] == ["Severity", "Item", "Production", "Recovery", "What differs · what to do"]
    assert [row[:2] for row in rows[1:]] == [
        ["critical", "user aaa-audit"],
        ["critical", "user mftsvc"],
        ["major", "group mftops members"],
        ["minor", "user zz-temp"],
    ]
    mftsvc = rows[2]
    assert mftsvc[2] == "≠ uid: 1001 gid: 1001 home: /srv/mft"
    assert mftsvc[3] == "≠ uid: 1002 gid: 1001 home: /srv/mft"
    assert mftsvc[4] == "uid of mftsvc is 1001 on production but 1002 on recovery"


def test_absent_side_is_said_in_words():
    rows = drift_rows(render_check(results()[1]))
    assert rows[1][2:4] == ["uid: 1500", "— absent"]
    assert rows[4][2:4] == ["— absent", "uid: 2001 shell: /bin/bash"]


def test_differing_lines_are_marked_in_the_markup():
    page = parse(render_check(results()[1])).root
    marked = [li.text() for li in page.find_all("li", "drv-differs")]
    assert marked == ["≠ uid: 1001", "≠ uid: 1002", "≠ bob"]


def test_drift_section_summary_anchor_and_sources():
    page = parse(render_check(results()[1])).root
    section = page.find("section", "drv-check")
    assert section.attrs["id"] == "drv-mft-a--users"
    assert (section.attrs["data-pair"], section.attrs["data-area"], section.attrs["data-worst"]) == (
        "mft-a", "users", "critical")
    note = page.find("p", "drv-note").text()
    assert "4 differences" in note and "2 critical, 1 major, 1 minor." in note
    hosts = page.find("p", "drv-hosts").text()
    assert "recovery dr-mft-01 (snapshot, taken 2026-11-20 08:00 UTC, 6 days old)" in hosts


def test_probe_vantage_is_said_once():
    result = AreaResult("mft-b", "network", "drift", hosts=(PROD_B, DR_B_NET), drift=(
        record("mft-b", "network", "listener tcp/990", "mftd on all addresses", None, Severity.MAJOR, "m"),))
    hosts = parse(render_check(result)).root.find("p", "drv-hosts").text()
    assert "probed from recovery dr-mft-02" in hosts and "from from" not in hosts


def test_a_host_that_could_not_be_reached_says_so_never_live():
    down = HostInfo("recovery", "ssh://root@dr", "live", "2026-11-26T08:00:00+00:00",
                    error="ssh: connect to host dr port 22: Connection timed out")
    assert describe_source(down) == "could not be reached: ssh: connect to host dr port 22: Connection timed out"
    unread = HostInfo("production", "snapshot:/x.json", "snapshot", "", error="the snapshot is not valid JSON")
    assert describe_source(unread) == "could not be read: the snapshot is not valid JSON"


def test_unverified_row_gives_the_reason():
    page = parse(render_check(results()[2])).root
    assert page.find("p", "drv-unverified").text() == f"? Unverified (mft-a · firewall): {REASON}"
    assert not page.find_all("table")


def test_ok_check_is_one_line():
    page = parse(render_check(results()[0])).root
    assert page.find("p", "drv-ok").text() == (
        "✓ No drift : production and recovery agree on disks for mft-a."
    )


def test_hint_and_waiver_are_shown_with_the_record_and_a_command_as_code():
    hinted = Drift("mft-a", "users", "user drtest", None, {"uid": 1501}, Severity.MINOR, "m", kind="extra",
                   hint="delete it on recovery (`userdel drtest`)",
                   waiver={"name": "waiver 1", "owner": "alice", "reason": "drill account, kept until the review",
                           "ticket": "CHG-7", "expires": "2099-01-01", "expired": False})
    page = parse(render_check(AreaResult("mft-a", "users", "drift", drift=(hinted,)))).root
    hint = page.find("p", "drv-hint")
    assert hint.text() == "What to do: delete it on recovery (` userdel drtest `)"  # the record's text, styled
    assert hint.find("code").text() == "userdel drtest"
    assert page.find("p", "drv-waiver").text() == (
        "Waived by alice until 2099-01-01 (CHG-7, waiver 1): drill account, kept until the review")
    assert page.find("span", "drv-waived").text() == "waived"


def test_details_order_checks_by_worst_severity_and_skip_clean_ones():
    page = parse(render_details(results(), META)).root
    ids = [section.attrs["id"] for section in page.find_all("section", "drv-check")]
    assert ids == ["drv-mft-a--users", "drv-mft-b--disks", "drv-mft-a--firewall"]
    assert "hidden" in page.find("form", "drv-filters").attrs  # shown by the script only


def test_a_check_passing_below_the_threshold_says_so():
    passed = AreaResult("mft-b", "disks", "drift", drift=results()[3].drift, outcome="passed")
    title = parse(render_check(passed, {"fail_on": "critical"})).root.find("h4").text()
    assert "passed: drift below --fail-on critical (not failing)" in title
    old = AreaResult("mft-b", "disks", "drift", drift=results()[3].drift, outcome="passed")
    assert "passed: no new drift at or above --fail-on minor (--fail-on-new)" in parse(
        render_check(old, {"fail_on": "minor"})).root.find("h4").text()
    failed = AreaResult("mft-b", "disks", "drift", drift=results()[3].drift, outcome="failed")
    assert "failed the run" in parse(render_check(failed, {"fail_on": "minor"})).root.find("h4").text()


def test_matrix_cells_link_to_their_sections(matrix_page):
    links = {a.text(): a.attrs["href"] for a in matrix_page.find("table", "drv-matrix").find_all("a")}
    assert links["✗ 4 drift · critical"] == "#drv-mft-a--users"
    assert links["✗ 1 drift · major"] == "#drv-mft-b--disks"
    assert links["? unverified nft -j list ruleset: permission denied (the check user…"] == "#drv-mft-a--firewall"


def test_pointer_is_one_line_linking_to_the_section():
    page = parse(render_pointer(results()[1])).root
    assert page.text() == ("mft-a · users: 4 differences, worst critical; each difference is in the drift "
                           "section above: mft-a · users .")
    assert page.find("a").attrs["href"] == "#drv-mft-a--users"


# --- escaping ------------------------------------------------------------------------------------

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "'><b onmouseover=x>",
           "`<script>x</script>`"]
ALLOWED_TAGS = {"style", "section", "h2", "h3", "h4", "p", "code", "em", "strong", "ul", "li", "a",
                "table", "thead", "tbody", "tr", "th", "td", "span", "div", "pre", "caption", "colgroup",
                "col", "form", "fieldset", "legend", "label", "input", "select", "option", "output", "script",
                "dl", "dt", "dd"}
ATTRIBUTES = {"class", "title", "data-nodeid", "scope", "aria-label", "id", "href", "data-pair", "data-area",
              "data-worst", "data-severity", "hidden", "type", "name", "value", "checked"}


def hostile_results(text: str) -> list[AreaResult]:
    host = HostInfo("recovery", text, "snapshot", text, 10.0, vantage=text, error=text)
    drift = (
        Drift(text, text, text, text, text, Severity.MAJOR, text, kind=text, hint=text, translated=text + "!"),
        record(text, text, "dict " + text, {text: text}, {text: [text]}, Severity.MINOR, text),
        record(text, text, "list " + text, [text, {"k": text}], None, Severity.CRITICAL, text),
        record(text, text, "multi " + text, f"{text}\n{text}", text, Severity.MINOR, text),
        Drift(text, text, "waived " + text, 1, 2, Severity.MINOR, text, waiver={
            "name": text, "owner": text, "reason": text, "ticket": text, "expires": text, "expired": False},
            history={"status": "persisting", "since": text}),
    )
    return [
        AreaResult(text, text, "drift", drift=drift, hosts=(host,), nodeid=text),
        AreaResult(text, "other " + text, "unverified", reason=text, hosts=(host,)),
        AreaResult(text, "third " + text, "ok", hosts=(host,), nodeid=text),
    ]


@pytest.mark.parametrize("text", HOSTILE)
def test_every_host_supplied_string_is_escaped(text):
    items = hostile_results(text)
    meta = {"inventory": text, "started_at": text, "fail_on": "minor",
            "pairs": [text], "areas": [text]}
    for html in [render_matrix(items, meta), render_details(items, meta), *map(render_check, items),
                 *map(render_pointer, items)]:
        parsed = parse(html)
        assert {tag for tag, _ in parsed.tags} <= ALLOWED_TAGS
        attributes = {name for _, attrs in parsed.tags for name, _ in attrs}
        assert attributes <= ATTRIBUTES
        assert "<img" not in html and "<b " not in html
        scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
        assert len(scripts) <= 1 and not any("alert" in body or "onerror" in body for body in scripts)
        assert text in parsed.root.text() or text in str(parsed.tags)


# --- caps: the first N records, and how many more ------------------------------------------------


def many_missing_users(count: int) -> AreaResult:
    records = tuple(
        record("mft-a", "users", f"user u{i:06d}", {"uid": 10_000 + i, "gid": 100, "home": f"/home/u{i:06d}",
                                                     "shell": "/bin/sh"},
               None, Severity.MAJOR, f"user u{i:06d} exists on production but not on recovery")
        for i in range(count))
    return AreaResult("mft-a", "users", "drift", drift=records, hosts=(PROD, DR_SNAP))


def test_drift_table_shows_the_first_records_and_counts_the_rest():
    page = parse(render_check(many_missing_users(1_234), {"max_records": 200})).root
    rows = drift_rows(render_check(many_missing_users(1_234), {"max_records": 200}))
    assert len(rows) == 1 + 200
    assert [row[1] for row in rows[1:3]] == ["user u000000", "user u000001"]
    assert page.find("p", "drv-more").text() == "… and 1,034 more: all are in drift.json"
    assert "1,234 differences" in page.find("p", "drv-note").text()


def test_drift_table_under_the_cap_says_nothing_more():
    page = parse(render_check(many_missing_users(3), {"max_records": 3})).root
    assert len(drift_rows(render_check(many_missing_users(3), {"max_records": 3}))) == 4
    assert not page.find_all("p", "drv-more")


def test_worst_records_come_first_when_the_table_is_capped():
    result = many_missing_users(50)
    worst = record("mft-a", "users", "user zz-service", {"uid": 1}, None, Severity.CRITICAL, "missing")
    capped = AreaResult(result.pair, result.area, "drift", drift=(*result.drift, worst))
    rows = drift_rows(render_check(capped, {"max_records": 2}))
    assert [row[:2] for row in rows[1:]] == [["critical", "user zz-service"], ["major", "user u000000"]]


def test_a_long_value_shows_its_first_lines_and_counts_the_rest():
    rules = [f"-s 10.0.0.{i} -j ACCEPT" for i in range(40)]
    result = AreaResult("mft-a", "firewall", "drift", drift=(
        record("mft-a", "firewall", "ip4 filter/INPUT", rules, rules[::-1], Severity.MINOR, "reordered"),))
    page = parse(render_check(result, {"max_records": 10})).root
    production = page.find("td", "drv-production")
    assert len(production.find_all("li")) == 10
    assert production.find("span", "drv-more").text() == "… and 30 more lines: all are in drift.json"
    assert side_by_side(rules, None, max_lines=10)[0].more == 30
    assert side_by_side("a\nb\nc", None, max_lines=2)[0].more == 1


def test_unverified_items_are_capped_in_the_table_and_the_matrix():
    items = tuple(Unverified("mft-a", "users", f"user u{i} home", "recovery dr", "stat: Permission denied")
                  for i in range(30))
    result = AreaResult("mft-a", "users", "unverified", reason="30 items", hosts=(PROD, DR_SNAP), unverified=items)
    page = parse(render_check(result, {"max_records": 5})).root
    assert len(table_rows(page.find("table", "drv-unverified-items"))) == 1 + 5
    assert page.find("p", "drv-more").text() == "… and 25 more: all are in drift.json"
    matrix = parse(render_matrix([result], {**META, "max_records": 5})).root
    listed = [li.text() for li in matrix.find("ul", "drv-unverified-list").find_all("li")]
    assert len(listed) == 6 and listed[-1] == "mft-a · users : … and 25 more: all are in drift.json"


def test_html_size_does_not_grow_with_the_number_of_records():
    """A snapshot-sized result (200,000 missing users) makes a page of the first records."""
    small = render_check(many_missing_users(1_000))
    large = render_check(many_missing_users(20_000))
    assert len(large) - len(small) < 100
    assert len(large) < 600_000  # 500 rows of about 1 KiB


def test_failure_message_lists_at_most_n_lines_then_how_many_more():
    result = many_missing_users(12)
    items = [Unverified("mft-a", "users", f"user u{i} home", "recovery dr", "stat: Permission denied")
             for i in range(4)]
    lines = describe_failure(list(result.drift), Severity.MINOR, items, limit=3).splitlines()
    assert lines[0] == "12 difference(s) at or above minor:"
    assert [line.split()[1:3] for line in lines[1:4]] == [["user", "u000000:"], ["user", "u000001:"],
                                                          ["user", "u000002:"]]
    assert lines[4:] == ["  … and 9 more: all are in drift.json", "4 item(s) not verified:",
                         "  UNVERIFIED recovery dr: users: user u0 home: stat: Permission denied",
                         "  UNVERIFIED recovery dr: users: user u1 home: stat: Permission denied",
                         "  UNVERIFIED recovery dr: users: user u2 home: stat: Permission denied",
                         "  … and 1 more: all are in drift.json"]
    assert "more" not in describe_failure(list(result.drift), Severity.MINOR, items, limit=12)
    assert describe_unverified(items, limit=2).endswith("; … and 2 more: all are in drift.json")


# --- failing back, and a section that cannot be rendered -----------------------------------------


def test_a_failback_check_says_so_and_shows_the_translation_beside_recovery():
    gained = Drift("mft-a", "network", "address 203.0.113.20/25", None, "203.0.113.20/25", Severity.MAJOR,
                   "on recovery but not on production", kind="missing", translated="198.51.100.20/25")
    result = AreaResult("mft-a", "network", "drift", drift=(gained,), direction="failback")
    page = parse(render_check(result)).root
    assert page.find("p", "drv-direction").text().startswith("Checked for failing back : recovery is the reference")
    recovery = page.find("td", "drv-recovery")
    assert recovery.find("span", "drv-after").text() == "→ 198.51.100.20/25 after translation"
    assert page.find("td", "drv-production").find("span", "drv-absent") is not None


def test_a_section_that_fails_to_render_costs_that_section_only(monkeypatch):
    import drverify.report.details as details

    def broken(result, meta=None):
        raise RuntimeError("the template exploded")

    told = []
    monkeypatch.setattr(details, "render_check", broken)
    page = parse(render_details(results(), META, lambda result, error: told.append((result.area, str(error))))).root
    assert told == [("users", "the template exploded"), ("disks", "the template exploded"),
                    ("firewall", "the template exploded")]
    listed = [li.text() for li in page.find_all("li")]
    assert "critical · user mftsvc: uid of mftsvc is 1001 on production but 1002 on recovery" in listed
    with pytest.raises(RuntimeError):
        render_details(results(), META)
