"""``--max-records N``: the HTML drift section and the failure message show the first N records
and a count of the rest; drift.json keeps every record."""

from __future__ import annotations

import pytest
from test_new_area import basket, run, toy  # noqa: F401  (toy is a fixture)


def test_max_records_caps_the_failure_message_and_the_html_not_drift_json(toy):  # noqa: F811
    fruit = [f"fruit{i:02d}" for i in range(12)]
    basket(toy, "production", *fruit)
    basket(toy, "recovery", "apple")
    result, report = run(toy, "--max-records=3")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*12 difference(s) at or above minor:", "*MAJOR*fruit00: no fruit00 on recovery",
                                 "*MAJOR*fruit01*", "*MAJOR*fruit02*", "*… and 9 more: all are in drift.json"])
    assert "fruit03: no fruit03" not in result.stdout.str()
    assert [record["item"] for record in report["drift"]] == fruit
    page = (toy.path / "report.html").read_text()
    section = page.split('id="drv-details"', 1)[1]
    assert "… and 9 more: all are in drift.json" in section
    assert "no fruit02 on recovery" in section and "no fruit03 on recovery" not in page


@pytest.mark.parametrize("value", ["0", "many"])
def test_max_records_must_be_a_positive_number(toy, value):  # noqa: F811
    result = toy.runpytest("checks", f"--max-records={value}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--max-records: expected a whole number of at least 1*"])
