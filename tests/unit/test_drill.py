"""The drill log: steps and times read strictly, the recovery time measured, mistakes said in one line."""

from __future__ import annotations

import pytest

from drverify.drill import load_drill_log
from drverify.errors import InventoryError

LOG = """step,started,ended
declare the disaster,2026-11-28T20:00:00+00:00,2026-11-28T20:05:00+00:00
restore the configuration export,2026-11-28T20:05:00+00:00,2026-11-28T20:41:30+00:00
switch DNS and the load balancer,2026-11-28T20:41:30+01:00,2026-11-28T19:30:00+00:00
"""


def test_steps_and_the_recovery_time_from_first_start_to_last_end(tmp_path):
    path = tmp_path / "drill.csv"
    path.write_text(LOG.replace("2026-11-28T20:41:30+01:00", "2026-11-28T20:41:30+00:00")
                    .replace("2026-11-28T19:30:00+00:00", "2026-11-28T20:52:00+00:00"))
    log = load_drill_log(path)
    assert [step.name for step in log.steps] == ["declare the disaster", "restore the configuration export",
                                                 "switch DNS and the load balancer"]
    evidence = log.as_dict({"mft-eu": 45.0, "mft-us": 60.0})
    assert evidence["recovery_minutes"] == 52.0
    assert [step["minutes"] for step in evidence["steps"]] == [5.0, 36.5, 10.5]
    assert evidence["rto"] == [{"pair": "mft-eu", "rto_minutes": 45.0, "met": False},
                               {"pair": "mft-us", "rto_minutes": 60.0, "met": True}]


@pytest.mark.parametrize(("text", "message"), [
    ("", ":1: expected the header 'step,started,ended'"),
    ("step,start,end\n", ":1: expected the header"),
    ("step,started,ended\n", "the drill log has no steps"),
    ("step,started,ended\na,2026-11-28T20:00:00+00:00\n", ":2: expected 3 fields"),
    ("step,started,ended\na,yesterday,2026-11-28T20:00:00+00:00\n", ":2: started: expected an ISO 8601 time"),
    ("step,started,ended\na,2026-11-28T20:00:00,2026-11-28T20:01:00+00:00\n", ":2: started: '2026-11-28T20:00:00' has no time zone"),
    ("step,started,ended\na,0001-01-01T00:00:00+14:00,2026-11-28T20:01:00+00:00\n", "not a plausible drill time"),
    (LOG, ":4: ended: 2026-11-28T19:30:00+00:00 is before started"),
    ("step,started,ended\n,2026-11-28T20:00:00+00:00,2026-11-28T20:01:00+00:00\n", ":2: step: expected a name"),
])
def test_a_broken_drill_log_is_one_line_naming_file_and_line(tmp_path, text, message):
    path = tmp_path / "drill.csv"
    path.write_text(text)
    with pytest.raises(InventoryError) as error:
        load_drill_log(path)
    assert str(error.value).startswith(str(path)) and message in str(error.value)
    assert "\n" not in str(error.value)


def test_not_text_and_not_there(tmp_path):
    binary = tmp_path / "drill.bin"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(InventoryError, match="not UTF-8 text"):
        load_drill_log(binary)
    with pytest.raises(InventoryError, match="cannot read the drill log: No such file or directory"):
        load_drill_log(tmp_path / "missing.csv")
