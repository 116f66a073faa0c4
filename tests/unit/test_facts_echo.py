"""The egress area reads an echo page in any common shape: plain text, JSON, a small HTML page.

The bodies under tests/data/netchecks/echo are written as the services answer (ipify's plain
text and ``?format=json``, icanhazip, httpbin's ``/ip``, ip-api, ifconfig.co's JSON, an API
envelope, small HTML pages); the address is always 203.0.113.11, a documentation address. The lab's
own echo server (drverify.lab.echo) is checked against the same parser, for both its shapes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from drverify.facts import egress
from drverify.lab import echo

ECHO = Path(__file__).resolve().parents[1] / "data" / "netchecks" / "echo"
USABLE = {"egress": "203.0.113.11"}


def body(name: str) -> str:
    return (ECHO / name).read_text()


@pytest.mark.parametrize("name", [
    "ipify.txt", "icanhazip.txt", "ipify.json", "httpbin.json", "ip-api.json", "ifconfig-co.json",
    "envelope.json", "unnamed-key.json", "one-address.html",
])
def test_echo_page_naming_one_address_gives_it(name):
    assert egress.parse_echo(200, "OK", body(name)) == USABLE


@pytest.mark.parametrize(("name", "addresses"), [
    ("httpbin-proxy-chain.json", "2 addresses (203.0.113.11, 198.51.100.7)"),
    ("two-addresses.html", "2 addresses (203.0.113.11, 2001:db8::11)"),
])
def test_echo_page_naming_several_addresses_is_unusable_quoting_it(name, addresses):
    text = body(name)
    assert egress.parse_echo(200, "OK", text) == {
        "echo_failed": f"the echo page holds {addresses}, not one: {text[:200]!r}"}


def test_empty_echo_page_is_unusable():
    assert egress.parse_echo(200, "OK", body("empty.txt")) == {"echo_failed": "the echo page holds no address: ''"}


@pytest.mark.parametrize(("text", "expected"), [
    ("203.0.113.11\n", USABLE),
    ("2001:DB8::1 via proxy", {"egress": "2001:db8::1"}),
    ('{\n  "origin": "203.0.113.11, 203.0.113.11"\n}\n', USABLE),
    ('"203.0.113.11"', USABLE),
    ('{"ip": "unknown", "client": {"addr": "203.0.113.11"}}', USABLE),
    ("Your address: 203.0.113.11. Bye.", USABLE),
    ("0.0.0.0 203.0.113.11 ::", USABLE),
    ("<html>hello</html>", {"echo_failed": "the echo page holds no address: '<html>hello</html>'"}),
    ("12:30:00 std::vector a::b.c", {"echo_failed": "the echo page holds no address: '12:30:00 std::vector a::b.c'"}),
])
def test_parse_echo_shapes(text, expected):
    assert egress.parse_echo(200, "OK", text) == expected


def test_unusable_page_is_quoted_escaped_and_cut_at_200_characters():
    text = "\x1b[2J\x1b]0;owned\x07" + "x" * 300
    reason = egress.parse_echo(200, "OK", text)["echo_failed"]
    assert "\x1b" not in reason and "\x07" not in reason and "\\x1b[2J" in reason
    assert reason == f"the echo page holds no address: {text[:200]!r}"


def test_http_error_is_unusable_with_its_status():
    assert egress.parse_echo(407, "Proxy Authentication Required", "") == {
        "echo_failed": "HTTP 407 Proxy Authentication Required"}


@pytest.mark.parametrize(("caller", "content_type"), [("203.0.113.11", "application/json"),
                                                      ("203.0.113.21", "text/plain")])
def test_the_lab_echo_answers_json_or_text_and_both_parse(caller, content_type):
    kind, answer = echo.answer(caller, frozenset({"203.0.113.11"}))
    assert kind == content_type
    assert egress.parse_echo(200, "OK", answer.decode()) == {"egress": caller}
