"""A check whose records repeat an earlier check's word for word prints them once (the drift
section of a 500-pair report), and says which table holds them."""

from __future__ import annotations

from dataclasses import replace

from test_report_html import DR_B, DR_SNAP, PROD, PROD_B, USERS_DRIFT, parse

from drverify.drift.records import Unverified
from drverify.report.details import render_details, signature
from drverify.report.results import AreaResult

META = {"fail_on": "minor", "pairs": ["mft-a", "mft-b", "mft-c"]}


def users(pair: str, hosts=(PROD_B, DR_B), drift=USERS_DRIFT, **extra) -> AreaResult:
    return AreaResult(pair, "users", "drift", drift=tuple(replace(record, pair=pair) for record in drift),
                      hosts=hosts, outcome="failed", **extra)


def test_the_same_records_on_another_pair_link_to_the_first_table_and_list_their_items():
    page = parse(render_details([users("mft-a", (PROD, DR_SNAP)), users("mft-b")], META)).root
    first, repeat = page.find_all("section", "drv-check")
    assert len(first.find_all("tr", "drv-row")) == 4 and not repeat.find_all("tr")
    assert repeat.attrs["id"] == "drv-mft-b--users" and "drv-repeat" in repeat.classes()
    assert repeat.attrs["data-severities"] == "critical major minor"  # what the severity filter reads
    note = repeat.find("p", "drv-repeats")
    assert note.find("a").attrs["href"] == "#drv-mft-a--users"
    assert note.text() == ("The same 4 differences, word for word and both values, as mft-a · users (its table "
                           "lists them): user aaa-audit; user mftsvc; group mftops members; user zz-temp.")
    assert "failed the run" in repeat.find("h4").text()
    assert "dr-mft-02" in repeat.find("p", "drv-hosts").text()  # its own hosts, not the first check's


def test_one_value_message_or_outcome_apart_is_printed_in_full():
    other_value = replace(USERS_DRIFT[1], recovery={"uid": 1003, "gid": 1001, "home": "/srv/mft"})
    variants = [users("mft-b", drift=(*USERS_DRIFT[:1], other_value, *USERS_DRIFT[2:])),
                users("mft-b", drift=(*USERS_DRIFT[:1], replace(USERS_DRIFT[1], message="other"), *USERS_DRIFT[2:])),
                replace(users("mft-b"), outcome="passed"),
                users("mft-b", direction="failback")]
    assert len({signature(result) for result in [users("mft-a"), *variants]}) == 5
    assert signature(users("mft-a")) == signature(users("mft-c", (PROD, DR_SNAP)))


def test_a_check_with_unverified_items_is_always_printed_in_full():
    item = Unverified("mft-b", "users", "home of mftsvc", "recovery dr-mft-02", "permission denied")
    assert signature(users("mft-b", unverified=(item,))) is None
    page = parse(render_details([users("mft-a"), users("mft-b", unverified=(item,))], META)).root
    assert [len(section.find_all("tr", "drv-row")) for section in page.find_all("section", "drv-check")] == [4, 4]
