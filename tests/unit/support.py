"""What the unit tests share: reading recorded outputs, checking a single drift record."""

from __future__ import annotations

from pathlib import Path

from drverify.areas import AREAS, Outcome
from drverify.drift import Context
from drverify.facts.batch import Output
from drverify.inventory import Pair

DATA = Path(__file__).resolve().parents[1] / "data"


def recorded_outputs(directory: Path) -> dict[str, Output]:
    """A recorded case: COMMAND.out, with COMMAND.err / COMMAND.rc when not empty / not 0."""
    outputs = {}
    for out in sorted(directory.glob("*.out")):
        err, rc = out.with_suffix(".err"), out.with_suffix(".rc")
        outputs[out.stem] = Output(
            int(rc.read_text()) if rc.exists() else 0,
            out.read_text(),
            err.read_text() if err.exists() else "",
        )
    return outputs


def only(records, **fields):
    """The single record; its fields checked (``words`` the message must contain)."""
    assert len(records) == 1, records
    record = records[0]
    words = fields.pop("words", ())
    found = {key: getattr(record, key) for key in fields}
    assert found == fields, found
    assert all(word in record.message for word in words), record.message
    return record


def make_pair(name: str = "mft", **fields) -> Pair:
    """A pair of local hosts with the given inventory fields (policies, translate, keys...)."""
    return Pair(name=name, production="local://", recovery="local://", **fields)


def context(area: str, pair: Pair | None = None) -> Context:
    """The context the area's record builds for a comparison of this pair."""
    return AREAS[area].context(pair or make_pair(), {})


def judge(area: str, production, recovery, pair: Pair | None = None) -> Outcome:
    """The whole declared comparison of an area (reference step, then compare)."""
    return AREAS[area].judge(pair or make_pair(), production, recovery, {})
