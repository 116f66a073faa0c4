"""The machine-readable report (``reports/drift.json``): the same results as the HTML, for tools.

Shape (``schema`` 1)::

    {"schema": 1, "generated_at": "2026-11-26T08:00:00+00:00",
     "verdict": "drift", "checked": true, "meta": {...},
     "summary": {"ok": 5, "drift": 3, "unverified": 1,
                 "by_severity": {"critical": 2, "major": 3, "minor": 1}},
     "results": [{"pair", "area", "status", "reason", "worst", "drift_count", "hosts", "nodeid",
                  "unverified": [{"pair", "area", "item", "host", "reason"}]}],
     "drift": [{"pair", "area", "item", "production", "recovery", "severity", "message"}],
     "unverified": [{"pair", "area", "item", "host", "reason"}]}

A result may hold drift *and* unverified items: everything that could be compared is in
``drift``, each item that could not is in the result's ``unverified`` (and, flattened, in the
top-level ``unverified``); ``summary["unverified_items"]`` counts them.

``summary`` counts checks by status; ``by_severity`` counts drift *records* and always lists every
severity, zeros included, so a consumer never has to guess a missing key. ``results`` are sorted by
(pair, area), ``drift`` by (pair, area, severity worst first, item): two runs over the same hosts
give the same file apart from ``generated_at``.

``verdict`` is the run's one-word conclusion (``ok``, ``drift``, ``unverified``, ``error``: see
:mod:`drverify.verdict`); ``checked`` is false only in the report of a run that failed before
checking anything (a run that checked nothing for another reason writes no report at all).

The file is always strict JSON (RFC 8259): a number that is not finite (NaN, infinity) becomes
its name as a string, a lone surrogate in host text becomes its ``\\udXXX`` escape as text, and
anything else JSON cannot hold becomes its string form, so no host value can stop the report
being written nor make it unreadable.

The file is written as it is encoded, record by record: a list element per line, everything
else indented, so 200,000 records cost neither one giant string nor the pure-Python indenting
encoder (the C encoder does each line).

``meta`` is copied in with values made JSON-able (datetimes as ISO 8601, severities as labels,
paths as strings); the keys the plugin passes are ``inventory``, ``started_at``, ``fail_on``,
``pairs``, ``areas``, ``provenance`` and ``error`` (why the run failed, or the inventory error).
``meta["generated_at"]``, when given, is used instead of the current time.
"""

from __future__ import annotations

import enum
import json
import math
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from drverify.drift.records import Severity
from drverify.report.results import AreaResult

SCHEMA = 1


def _plain(value: Any) -> Any:
    """Make a meta value JSON-able without losing what it says."""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.name)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(item) for item in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def strict(value: Any) -> Any:
    """``value`` made fit for strict JSON (see the module docstring); linear in its size."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, float) and not isinstance(value, enum.Enum):
        return value if math.isfinite(value) else str(value)
    if value is None or isinstance(value, (bool, int)) and not isinstance(value, enum.Enum):
        return value
    if isinstance(value, Mapping):
        return {strict(str(key)): strict(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [strict(item) for item in value]
    return strict(_plain(value))  # enums, dates, paths, sets; anything else as its string


def _summary(results: Sequence[AreaResult]) -> dict[str, Any]:
    statuses = [result.status for result in results]
    severities = [record.severity for result in results for record in result.drift]
    return {
        "ok": statuses.count("ok"),
        "drift": statuses.count("drift"),
        "unverified": statuses.count("unverified"),
        "unverified_items": sum(len(result.unverified) for result in results),
        "by_severity": {s.label: severities.count(s) for s in sorted(Severity, reverse=True)},
    }


def build(results: Sequence[AreaResult], meta: Mapping[str, Any], verdict: str | None = None,
          checked: bool = True) -> dict[str, Any]:
    """The report as a dict, sorted deterministically (see the module docstring)."""
    ordered = sorted(results, key=lambda r: (r.pair, r.area))
    records = sorted(
        (record for result in results for record in result.drift),
        key=lambda d: (d.pair, d.area, -d.severity, d.item),
    )
    generated = meta.get("generated_at") or datetime.now(UTC)
    return {
        "schema": SCHEMA,
        "generated_at": _plain(generated),
        "verdict": verdict,
        "checked": checked,
        "meta": _plain({key: value for key, value in meta.items() if key != "generated_at"}),
        "summary": _summary(results),
        "results": [result.as_dict() for result in ordered],
        "drift": [record.as_dict() for record in records],
        "unverified": [item.as_dict() for result in ordered for item in result.unverified],
    }


def write(
    path: str | os.PathLike[str], results: Sequence[AreaResult], meta: Mapping[str, Any],
    verdict: str | None = None, checked: bool = True,
) -> Path:
    """Write the report to ``path`` atomically: readers see the old file or the new, never half."""
    return write_chunks(path, _encoded(build(results, meta, verdict, checked)))


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` atomically (UTF-8)."""
    return write_chunks(path, [text])


def _dumps(value: Any, indent: int | None = None) -> str:
    """The one JSON encoding of the report: strict (no NaN), UTF-8 kept as it is."""
    return json.dumps(value, ensure_ascii=False, allow_nan=False, indent=indent)


def _encoded(report: Mapping[str, Any]) -> Iterator[str]:
    """The report as strict JSON text, piece by piece: top-level keys indented, list elements one
    a line, each made strict (:func:`strict`) as it is written, so no second copy of 200,000
    records is ever held."""
    yield "{"
    for number, (key, value) in enumerate(report.items()):
        yield ("," if number else "") + f"\n  {_dumps(strict(key))}: "
        if isinstance(value, list) and value:
            yield "["
            for index, item in enumerate(value):
                yield ("," if index else "") + "\n    " + _dumps(strict(item))
            yield "\n  ]"
        else:
            yield _dumps(strict(value), indent=2).replace("\n", "\n  ")
    yield "\n}\n"


def write_chunks(path: str | os.PathLike[str], chunks: Iterable[str]) -> Path:
    """Write the text ``chunks`` make to ``path`` atomically (UTF-8).

    The temporary file sits beside the target (same filesystem, so the rename is atomic) and is
    created with mode 0644 minus the umask, like any other report file.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.writelines(chunks)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def load(path: Path) -> dict[str, Any]:
    """A drift.json written by an earlier run (a baseline, a shard to merge): the one reader.

    Opened without blocking and read only if it is a regular file (a FIFO given by mistake must
    not hang the run); ``ValueError`` with the reason otherwise, for the caller to say whose file.
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise ValueError(f"cannot read: {error.strerror}") from None
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise ValueError("not a regular file")
        try:
            document = json.loads(stream.read().decode("utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as error:
            raise ValueError(f"not valid JSON: {error}") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA or not isinstance(document.get("drift"), list):
        raise ValueError(f"not a drverify drift.json (schema {SCHEMA} with a 'drift' list)")
    return document
