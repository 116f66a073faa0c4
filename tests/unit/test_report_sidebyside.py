"""Both values of a record side by side, truthfully: production's own value with the translated
one beside it, marks from the translated comparison, lists diffed with difflib, sizes in IEC units,
structure as readable lines (never escaped JSON)."""

from __future__ import annotations

import json

import pytest

from drverify.report.sidebyside import Line, ValueView, outline, side_by_side, value_view


def texts(view: ValueView) -> list[str]:
    return [("  " * line.depth) + ("≠ " if line.differs else "") + line.text
            + (f" → {line.translated}" if line.translated else "") for line in view.lines]


@pytest.mark.parametrize(("value", "expected"), [
    (None, ValueView("absent")),
    ("", ValueView("empty", note="empty string")),
    ([], ValueView("empty", note="empty list")),
    ({}, ValueView("empty", note="empty mapping")),
    ("/srv/mft", ValueView("scalar", (Line("/srv/mft"),))),
    (True, ValueView("scalar", (Line("true"),))),
    (8589934592, ValueView("scalar", (Line("8589934592"),))),
    (["alice", "bob"], ValueView("lines", (Line("alice"), Line("bob")))),
    ({"uid": 1001, "groups": ["a", "b"]},
     ValueView("lines", (Line("uid: 1001", label="uid:"), Line("groups: [a, b]", label="groups:")))),
    ("line one\nline two", ValueView("lines", (Line("line one"), Line("line two")))),
])
def test_value_view(value, expected):
    assert value_view(value) == expected


def test_the_translated_value_is_shown_beside_productions_own():
    production, recovery = side_by_side("198.51.100.20/25", None, "203.0.113.20/25")
    assert production.lines == (Line("198.51.100.20/25", translated="203.0.113.20/25"),)
    assert recovery.kind == "absent"


def test_marks_come_from_the_translated_comparison_not_from_productions_own_text():
    """resolv.conf kept production's second nameserver: only that line differs once translated."""
    production, recovery = side_by_side(["198.51.100.10", "198.51.100.11"], ["203.0.113.10", "198.51.100.11"],
                                        ["203.0.113.10", "203.0.113.11"])
    assert texts(production) == ["198.51.100.10 → 203.0.113.10", "≠ 198.51.100.11 → 203.0.113.11"]
    assert texts(recovery) == ["203.0.113.10", "≠ 198.51.100.11"]


def test_lists_are_diffed_line_by_line_not_by_position():
    production, recovery = side_by_side(["a", "b", "c", "d"], ["a", "c", "d", "e"])
    assert texts(production) == ["a", "≠ b", "c", "d"]
    assert texts(recovery) == ["a", "c", "d", "≠ e"]


def test_same_rules_in_another_order_mark_the_moved_rule():
    production, recovery = side_by_side(["lo", "ssh", "web", "mon"], ["lo", "ssh", "mon", "web"])
    assert sum(line.differs for line in production.lines) == 1
    assert sum(line.differs for line in recovery.lines) == 1


def test_sizes_read_in_iec_units_with_the_bytes_as_tooltip():
    production, recovery = side_by_side({"fstype": "xfs", "size": 2198754820096, "used": 1781210849280},
                                        {"fstype": "xfs", "size": 1648999006208, "used": 1322849566720})
    assert texts(production) == ["fstype: xfs", "≠ size: 2.0 TiB", "≠ used: 1.6 TiB"]
    assert production.lines[1].title == "2,198,754,820,096 bytes"
    assert texts(recovery)[1] == "≠ size: 1.5 TiB"


def test_structured_values_are_key_value_lines_never_json():
    chain = {"policy": "DROP", "rules": ["-i lo -j ACCEPT", "-s 2001:db8:100::/64 -p tcp -m tcp --dport 22 "
                                         "-m comment --comment \"admin ssh from the site network\" -j ACCEPT"]}
    assert texts(value_view(chain)) == [
        "policy: DROP", "rules:", "  - -i lo -j ACCEPT",
        '  - -s 2001:db8:100::/64 -p tcp -m tcp --dport 22 -m comment --comment "admin ssh from the site '
        'network" -j ACCEPT']
    nft_rule = json.dumps([{"match": {"left": {"payload": {"field": "saddr", "protocol": "ip"}}, "op": "==",
                                      "right": "@partners"}}, {"accept": None}])
    lines = texts(value_view({"policy": "drop", "rules": [nft_rule]}))
    assert lines[:2] == ["policy: drop", "rules:"]
    assert not any('"' in line or "\\\\" in line for line in lines)
    assert "match: {left: {payload: {field: saddr, protocol: ip}}, op: ==, right: @partners}" in " ".join(lines)


def test_a_deep_value_too_long_for_one_line_is_indented():
    wide = {"rule": {"chain": "INPUT", "match": "x" * 150}}
    assert [(line.depth, line.text[:12]) for line in outline(wide)] == [
        (0, "rule:"), (1, "chain: INPUT"), (1, "match: xxxxx")]


def test_beside_a_line_only_the_translated_value_is_repeated_not_its_key():
    production, _ = side_by_side({"home": "/home/mft-prod", "shell": "/bin/sh"}, None,
                                 {"home": "/home/mft-dr", "shell": "/bin/sh"})
    assert texts(production) == ["home: /home/mft-prod → /home/mft-dr", "shell: /bin/sh"]


def test_translation_that_changes_the_shape_goes_below_as_compared():
    production, _ = side_by_side({"a": 1, "b": 2}, {"x": 1}, {"x": 1})
    assert texts(production) == ["a: 1", "b: 2"] and [line.text for line in production.after] == ["x: 1"]
